//! Moving or copying an item: a folder picker that starts where the item is, goes into
//! folders and back up by its path, and moves the item to the folder shown ("Move here")
//! or copies it there ("Copy here", under a free name). A folder cannot be opened inside
//! itself; a name already taken where it moves is said, and nothing moves.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Items;
use crate::api::drive::{self, Item, ItemKind};
use crate::i18n::*;
use crate::ui::dialog::Dialog;

/// The dialog, open while `open` is true: it moves the item, or with `copy` copies it.
#[component]
pub fn MoveDialog(item: Item, open: RwSignal<bool>, #[prop(optional)] copy: bool) -> impl IntoView {
    let i18n = use_i18n();
    let name = item.name.clone();
    let title = Signal::derive(move || {
        let name = name.clone();
        if copy {
            t_string!(i18n, drive.copy_title, name = name)
        } else {
            t_string!(i18n, drive.move_title, name = name)
        }
    });
    view! {
        <Dialog open=open title=title class="wide">
            <Picker item=item.clone() open=open copy=copy />
        </Dialog>
    }
}

#[component]
fn Picker(item: Item, open: RwSignal<bool>, copy: bool) -> impl IntoView {
    let i18n = use_i18n();
    let items = expect_context::<Items>();
    let ws = item.workspace_id;
    let id = item.id;
    let from = item.parent_id;
    let at = RwSignal::new(item.parent_id);
    let listing = LocalResource::new(move || {
        let folder = at.get();
        async move {
            match folder {
                None => drive::top(ws).await,
                Some(f) => drive::folder(f).await,
            }
        }
    });
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let act = move |_| {
        let to = at.get_untracked();
        busy.set(true);
        spawn_local(async move {
            let done = if copy {
                drive::copy_item(id, to).await
            } else {
                drive::move_item(id, to).await
            };
            let _ = busy.try_set(false);
            match done {
                Ok(it) => {
                    items.merge(it);
                    open.set(false);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message));
                }
            }
        });
    };
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, drive.loading)}</p> }>
            {move || listing.get().map(|r| match r {
                Ok(l) => {
                    let mut path = l.path.clone();
                    path.extend(l.folder.clone());
                    let here = l.folder.as_ref().map(|f| f.name.clone())
                        .unwrap_or_else(|| t_string!(i18n, drive.title).to_owned());
                    let folders: Vec<Item> = l.items.into_iter()
                        .filter(|i| i.kind == ItemKind::Folder && i.id != id)
                        .collect();
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
                        {if folders.is_empty() {
                            view! { <p class="note">{t!(i18n, drive.move_no_folder)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="drive-move-folders">
                                    {folders.into_iter().map(|f| {
                                        let fid = f.id;
                                        view! {
                                            <li>
                                                <span class="drive-icon" aria-hidden="true">{"📁"}</span>
                                                <button type="button" class="link" on:click=move |_| at.set(Some(fid))>{f.name}</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
        <p class="error" role="alert">{move || error.get()}</p>
        <div class="ui-dialog-actions">
            // A copy may go into the folder the item is in (under a free name); a move not.
            <button type="button" class="primary" disabled=move || busy.get() || (!copy && at.get() == from) on:click=act>
                {move || if copy { t_string!(i18n, drive.copy_here) } else { t_string!(i18n, drive.move_here) }}
            </button>
            <button type="button" on:click=move |_| open.set(false)>{t!(i18n, drive.cancel)}</button>
        </div>
    }
}
