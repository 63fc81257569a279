//! Moving or copying items (one, or a selection): a folder picker that starts where the
//! first item is, goes into folders and back up by its path, and moves the items to the
//! folder shown ("Move here") or copies them there ("Copy here", under free names). A
//! folder being moved cannot be opened; an item that cannot go (a name already taken
//! there) is said by name and stays, the others go.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Items;
use crate::api::drive::{self, Item, ItemKind};
use crate::i18n::*;
use crate::ui::dialog::Dialog;

/// The dialog, open while `open` is true: it moves `chosen` (one item or more, of one
/// folder), or with `copy` copies them.
#[component]
pub fn MoveDialog(
    chosen: Vec<Item>,
    open: RwSignal<bool>,
    #[prop(optional)] copy: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let one = (chosen.len() == 1).then(|| chosen[0].name.clone());
    let count = chosen.len();
    let title = Signal::derive(move || match (one.clone(), copy) {
        (Some(name), true) => t_string!(i18n, drive.copy_title, name = name),
        (Some(name), false) => t_string!(i18n, drive.move_title, name = name),
        (None, true) => t_string!(i18n, drive.copy_title_many, count = count),
        (None, false) => t_string!(i18n, drive.move_title_many, count = count),
    });
    view! {
        <Dialog open=open title=title class="wide">
            <Picker chosen=chosen.clone() open=open copy=copy />
        </Dialog>
    }
}

#[component]
fn Picker(chosen: Vec<Item>, open: RwSignal<bool>, copy: bool) -> impl IntoView {
    let i18n = use_i18n();
    let items = expect_context::<Items>();
    let Some(first) = chosen.first().cloned() else {
        return ().into_any();
    };
    let ws = first.workspace_id;
    let from = first.parent_id;
    let ids: Vec<i64> = chosen.iter().map(|i| i.id).collect();
    let moving = StoredValue::new(chosen);
    let at = RwSignal::new(from);
    let listing = LocalResource::new(move || {
        let folder = at.get();
        async move {
            match folder {
                None => drive::top(ws).await,
                Some(f) => drive::folder(f).await,
            }
        }
    });
    let errors = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let act = move |_| {
        let to = at.get_untracked();
        busy.set(true);
        errors.set(Vec::new());
        let chosen = moving.get_value();
        spawn_local(async move {
            let mut failed = Vec::new();
            let mut left = Vec::new();
            for it in chosen {
                let done = if copy {
                    drive::copy_item(it.id, to).await
                } else {
                    drive::move_item(it.id, to).await
                };
                match done {
                    Ok(made) => items.merge(made),
                    Err(e) => {
                        failed.push(format!("{}: {}", it.name, e.message));
                        left.push(it);
                    }
                }
            }
            let _ = busy.try_set(false);
            if failed.is_empty() {
                open.set(false);
            } else {
                // What went is done; what did not stays chosen, with its reason.
                let _ = moving.try_set_value(left);
                let _ = errors.try_set(failed);
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
                        .filter(|i| i.kind == ItemKind::Folder && !ids.contains(&i.id))
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
        <ul class="error" role="alert">
            {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
        </ul>
        <div class="ui-dialog-actions">
            // A copy may go into the folder the item is in (under a free name); a move not.
            <button type="button" class="primary" disabled=move || busy.get() || (!copy && at.get() == from) on:click=act>
                {move || if copy { t_string!(i18n, drive.copy_here) } else { t_string!(i18n, drive.move_here) }}
            </button>
            <button type="button" on:click=move |_| open.set(false)>{t!(i18n, drive.cancel)}</button>
        </div>
    }
    .into_any()
}
