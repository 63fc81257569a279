//! The trash: what was put there (a folder with what it holds), to restore; admins and
//! owners empty it for good, after a confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::size_label;
use super::state::Items;
use crate::api::drive::{self, Item};
use crate::i18n::*;
use crate::shell::state::workspace_id;
use crate::ui::confirm::ConfirmDialog;
use crate::ui::toast::use_toaster;

/// `/w/:ws/drive/trash`.
#[component]
pub fn TrashView() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let items = expect_context::<Items>();
    let toaster = use_toaster();
    let list = RwSignal::new(Vec::<Item>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let refresh = RwSignal::new(0u32);
    Effect::new(move |_| {
        let ws = ws.get();
        refresh.track();
        spawn_local(async move {
            match drive::trash(ws).await {
                Ok(v) => {
                    let _ = list.try_set(v);
                    let _ = error.try_set(None);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message));
                }
            }
            let _ = loaded.try_set(true);
        });
    });
    let restore = move |id: i64| {
        spawn_local(async move {
            match drive::set_trashed(id, false).await {
                Ok(it) => {
                    items.merge(it);
                    let _ = list.try_update(|l| l.retain(|i| i.id != id));
                }
                Err(e) => toaster.error(e.message),
            }
        });
    };
    let confirm = RwSignal::new(false);
    let empty = Callback::new(move |()| {
        spawn_local(async move {
            match drive::empty_trash(ws.get_untracked()).await {
                Ok(()) => {
                    let _ = list.try_set(Vec::new());
                }
                Err(e) => toaster.error(e.message),
            }
        });
    });
    view! {
        <nav class="drive-crumbs" aria-label=move || td_string!(i18n.get_locale(), drive.path_label)>
            <ol><li><A href=move || format!("/w/{}/drive", ws.get())>{t!(i18n, drive.title)}</A></li></ol>
        </nav>
        <div class="drive-head">
            <h1>{t!(i18n, drive.trash)}</h1>
            <div class="drive-actions">
                <button type="button" class="danger" disabled=move || list.with(|l| l.is_empty())
                    on:click=move |_| confirm.set(true)>{t!(i18n, drive.empty_trash)}</button>
            </div>
        </div>
        <p class="error" role="alert">{move || error.get()}</p>
        <Show
            when=move || !list.with(|l| l.is_empty())
            fallback=move || view! {
                <p class="drive-empty">{move || if loaded.get() { td_string!(i18n.get_locale(), drive.trash_empty) } else { "" }}</p>
            }
        >
            <ul class="drive-trash">
                <For each=move || list.get() key=|i| (i.id, i.revision) let:item>
                    {
                        let id = item.id;
                        let size = if item.kind == drive::ItemKind::File { size_label(item.size) } else { String::new() };
                        view! {
                            <li>
                                <span class="drive-name">{item.name.clone()}</span>
                                <span class="muted">{size}</span>
                                <button type="button" on:click=move |_| restore(id)>{t!(i18n, drive.restore)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
        <ConfirmDialog
            open=confirm
            title=Signal::derive(move || td_string!(i18n.get_locale(), drive.empty_trash_title).to_owned())
            message=Signal::derive(move || td_string!(i18n.get_locale(), drive.empty_trash_message).to_owned())
            confirm=Signal::derive(move || td_string!(i18n.get_locale(), drive.empty_trash).to_owned())
            danger=true
            on_confirm=empty
        />
    }
}
