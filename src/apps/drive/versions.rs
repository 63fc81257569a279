//! The versions of a file: each with its date, size and uploader, to download; an
//! earlier one can be made current again (none is lost); a new version can be uploaded.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::size_label;
use super::state::Items;
use super::uploads::upload_version;
use crate::api::drive::{self, Item, Version};
use crate::i18n::*;
use crate::shell::state::MemberNames;
use crate::time::date_time;
use crate::ui::dialog::Dialog;

/// The dialog, open while `open` is true.
#[component]
pub fn VersionsDialog(item: Item, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let name = item.name.clone();
    let title = Signal::derive(move || t_string!(i18n, drive.versions_title, name = name.clone()));
    view! {
        <Dialog open=open title=title class="wide">
            <VersionList item=item.clone() />
            <div class="ui-dialog-actions">
                <button type="button" on:click=move |_| open.set(false)>{t!(i18n, drive.close)}</button>
            </div>
        </Dialog>
    }
}

#[component]
fn VersionList(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let items = expect_context::<Items>();
    let names = use_context::<MemberNames>();
    let id = item.id;
    let ws = item.workspace_id;
    // Listed again whenever the file changes (a restore, a new version, live or not).
    let revision = Memo::new(move |_| items.0.with(|m| m.get(&id).map(|i| i.revision)));
    let versions = LocalResource::new(move || {
        revision.track();
        async move { drive::versions(id).await }
    });
    let error = RwSignal::new(None::<String>);
    let picker = NodeRef::<leptos::html::Input>::new();
    let picked = move |_| {
        let Some(input) = picker.get() else { return };
        let file = input.files().and_then(|l| l.get(0));
        input.set_value("");
        if let Some(f) = file {
            upload_version(ws, id, f);
        }
    };
    let who = move |user: i64| {
        names
            .and_then(|n| n.names.with(|m| m.get(&user).cloned()))
            .unwrap_or_default()
    };
    let row = move |v: Version| {
        let number = v.number;
        let restore = move |_| {
            spawn_local(async move {
                match drive::restore_version(id, number).await {
                    Ok(it) => {
                        error.set(None);
                        items.merge(it);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        };
        let download = move |_| {
            spawn_local(async move {
                match drive::download_url(id, Some(number)).await {
                    Ok(u) => super::save(&u.url),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        };
        let by = who(v.created_by);
        view! {
            <li class="invite">
                <span class="invite-who">{t!(i18n, drive.version_n, n = number)}</span>
                <span class="note">{move || t_string!(i18n, drive.version_by, date = date_time(v.created_at), size = size_label(v.size), by = by.clone())}</span>
                <span class="spacer">{""}</span>
                {if v.current {
                    view! { <span class="note">{t!(i18n, drive.version_current)}</span> }.into_any()
                } else {
                    view! {
                        <button type="button" on:click=restore aria-label=move || t_string!(i18n, drive.version_restore_label, n = number)>
                            {t!(i18n, drive.version_restore)}
                        </button>
                    }.into_any()
                }}
                <button type="button" on:click=download aria-label=move || t_string!(i18n, drive.version_download_label, n = number)>
                    {t!(i18n, drive.download)}
                </button>
            </li>
        }
    };
    view! {
        <p>
            <button type="button" on:click=move |_| if let Some(p) = picker.get() { p.click() }>
                {t!(i18n, drive.version_upload)}
            </button>
            <input type="file" class="visually-hidden" tabindex="-1" aria-hidden="true" node_ref=picker
                on:change=picked />
        </p>
        <p class="error" role="alert">{move || error.get()}</p>
        <Transition fallback=move || view! { <p>{t!(i18n, drive.loading)}</p> }>
            {move || versions.get().map(|r| match r {
                Ok(list) => view! {
                    <ul class="invite-list">{list.into_iter().map(row).collect_view()}</ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
    }
}
