//! What can be done with the selected items at once (a labelled group of buttons):
//! download (one file as itself, more as one zip), move or copy with the folder picker,
//! move to the trash (with Undo), and clearing the selection. The count is said in a polite live region.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::move_dialog::MoveDialog;
use super::selection::Selection;
use super::state::Items;
use crate::api::drive::{self, Item, ItemKind};
use crate::i18n::*;
use crate::ui::toast::{use_toaster, ToastAction};

/// The selected items, in the order shown.
fn chosen(items: Items, selection: Selection) -> Vec<Item> {
    let ids = selection.ids();
    items
        .0
        .with_untracked(|m| ids.iter().filter_map(|i| m.get(i).cloned()).collect())
}

/// Moves the selected items to the trash, with an Undo that takes them out again.
pub fn trash_selected(items: Items, selection: Selection) {
    let chosen = chosen(items, selection);
    if chosen.is_empty() {
        return;
    }
    let toaster = use_toaster();
    spawn_local(async move {
        let mut trashed = Vec::new();
        for it in chosen {
            match drive::set_trashed(it.id, true).await {
                Ok(done) => {
                    items.merge(done);
                    trashed.push(it.id);
                }
                Err(e) => toaster.error(format!("{}: {}", it.name, e.message)),
            }
        }
        if trashed.is_empty() {
            return;
        }
        let l = crate::language::current();
        let count = trashed.len();
        let undo = ToastAction {
            label: td_string!(l, drive.undo).to_owned(),
            run: Callback::new(move |_| {
                let trashed = trashed.clone();
                spawn_local(async move {
                    for id in trashed {
                        match drive::set_trashed(id, false).await {
                            Ok(back) => items.merge(back),
                            Err(e) => toaster.error(e.message),
                        }
                    }
                });
            }),
        };
        toaster.show(td_string!(l, drive.trashed_many, count = count), Some(undo));
    });
}

/// The toolbar of the selection (shown while something is selected).
#[component]
pub fn SelectionBar() -> impl IntoView {
    let i18n = use_i18n();
    let items = expect_context::<Items>();
    let selection = expect_context::<Selection>();
    let toaster = use_toaster();
    // Which dialog: moving (false) or copying (true) the selection.
    let dialog = RwSignal::new(None::<bool>);
    let download = move |_| {
        let chosen = chosen(items, selection);
        let on_error = move |e: crate::api::ApiError| toaster.error(e.message);
        match chosen.as_slice() {
            [] => {}
            [one] if one.kind == ItemKind::File => super::download(one.id, on_error),
            [one] => super::download_zip(one.id, on_error),
            more => {
                let ws = more[0].workspace_id;
                let ids = more.iter().map(|i| i.id).collect();
                spawn_local(async move {
                    match drive::selection_zip_url(ws, ids).await {
                        Ok(u) => super::save(&u.url),
                        Err(e) => on_error(e),
                    }
                });
            }
        }
    };
    view! {
        <p class="visually-hidden" aria-live="polite">
            {move || {
                let n = selection.count();
                (n > 0).then(|| td_string!(i18n.get_locale(), drive.selected_count, count = n))
            }}
        </p>
        <Show when=move || selection.count() != 0>
            <div class="drive-bulk" role="group" aria-label=move || td_string!(i18n.get_locale(), drive.selection_label)>
                <span class="drive-bulk-count" aria-hidden="true">
                    {move || td_string!(i18n.get_locale(), drive.selected_count, count = selection.count())}
                </span>
                <button type="button" on:click=download>{t!(i18n, drive.download)}</button>
                <button type="button" on:click=move |_| dialog.set(Some(false))>{t!(i18n, drive.move_to)}</button>
                <button type="button" on:click=move |_| dialog.set(Some(true))>{t!(i18n, drive.copy_to)}</button>
                <button type="button" class="danger" on:click=move |_| trash_selected(items, selection)>
                    {t!(i18n, drive.move_to_trash)}
                </button>
                <button type="button" on:click=move |_| selection.clear()>{t!(i18n, drive.clear_selection)}</button>
            </div>
        </Show>
        {move || dialog.get().map(|copy| {
            let open = RwSignal::new(true);
            Effect::new(move |_| {
                if !open.get() {
                    dialog.set(None);
                }
            });
            view! { <MoveDialog chosen=chosen(items, selection) open=open copy=copy /> }
        })}
    }
}
