//! Files of the workspace's Drive attached to a message: a dialog that browses Drive's
//! folders (by its path, and into folders) and picks files with checkboxes; the files
//! picked join the draft at once (they are stored already). Everyone in the workspace can
//! see Drive's files, so every reader of the channel sees them, while they are in Drive.

use leptos::prelude::*;

use super::draft_files::{Draft, DraftFiles};
use crate::api::drive::{self, Item, ItemKind};
use crate::i18n::*;
use crate::ui::dialog::Dialog;

/// The button that opens the picker for `draft` (uploads to `channel` of workspace `ws`).
#[component]
pub fn DrivePickerButton(
    ws: Signal<i64>,
    channel: Signal<i64>,
    draft: Signal<Draft>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <button type="button" class="ui-icon-button attach-button"
            aria-label=move || t_string!(i18n, messages.attach_from_drive)
            title=move || t_string!(i18n, messages.attach_from_drive)
            on:click=move |_| open.set(true)>
            <span aria-hidden="true">{"🗂"}</span>
        </button>
        {move || open.get().then(|| view! {
            <Dialog open=open title=Signal::derive(move || t_string!(i18n, messages.attach_from_drive).to_owned()) class="wide">
                <Picker ws=ws.get_untracked() channel=channel.get_untracked() draft=draft.get_untracked() open=open />
            </Dialog>
        })}
    }
}

#[component]
fn Picker(ws: i64, channel: i64, draft: Draft, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let files = expect_context::<DraftFiles>();
    let at = RwSignal::new(None::<i64>);
    let picked = RwSignal::new(Vec::<Item>::new());
    let listing = LocalResource::new(move || {
        let folder = at.get();
        async move {
            match folder {
                None => drive::top(ws).await,
                Some(f) => drive::folder(f).await,
            }
        }
    });
    let attach = move |_| {
        let chosen = picked.get_untracked();
        files.add_stored(channel, draft, chosen);
        open.set(false);
    };
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, drive.loading)}</p> }>
            {move || listing.get().map(|r| match r {
                Ok(l) => {
                    let mut path = l.path.clone();
                    path.extend(l.folder.clone());
                    let here = l.folder.as_ref().map(|f| f.name.clone())
                        .unwrap_or_else(|| t_string!(i18n, drive.title).to_owned());
                    let empty = l.items.is_empty();
                    view! {
                        <nav class="drive-crumbs" aria-label=move || td_string!(i18n.get_locale(), drive.path_label)>
                            <ol>
                                <li><button type="button" class="link" on:click=move |_| at.set(None)>{t!(i18n, drive.title)}</button></li>
                                {path.into_iter().map(|f| {
                                    let fid = f.id;
                                    view! { <li><button type="button" class="link" on:click=move |_| at.set(Some(fid))>{f.name}</button></li> }
                                }).collect_view()}
                            </ol>
                        </nav>
                        <h3>{here}</h3>
                        {empty.then(|| view! { <p class="note">{t!(i18n, drive.empty_folder)}</p> })}
                        <ul class="drive-move-folders drive-pick-files">
                            {l.items.into_iter().map(|it| {
                                let id = it.id;
                                if it.kind == ItemKind::Folder {
                                    view! {
                                        <li>
                                            <span class="drive-icon" aria-hidden="true">{"📁"}</span>
                                            <button type="button" class="link" on:click=move |_| at.set(Some(id))>{it.name}</button>
                                        </li>
                                    }.into_any()
                                } else {
                                    let name = it.name.clone();
                                    let item = StoredValue::new(it);
                                    let checked = move || picked.with(|p| p.iter().any(|x| x.id == id));
                                    view! {
                                        <li>
                                            <label>
                                                <input type="checkbox" prop:checked=checked
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        picked.update(|p| {
                                                            p.retain(|x| x.id != id);
                                                            if on {
                                                                p.push(item.get_value());
                                                            }
                                                        });
                                                    } />
                                                <span class="drive-icon" aria-hidden="true">{"📄"}</span>
                                                {name}
                                            </label>
                                        </li>
                                    }.into_any()
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
        <div class="ui-dialog-actions">
            <button type="button" class="primary" disabled=move || picked.with(Vec::is_empty) on:click=attach>
                {move || t_string!(i18n, messages.attach_count, count = picked.with(Vec::len))}
            </button>
            <button type="button" on:click=move |_| open.set(false)>{t!(i18n, drive.cancel)}</button>
        </div>
    }
}
