//! One item of a folder, as a row of the list or a card of the grid: its checkbox, its
//! name (a folder opens; a file opens in the viewer when it can be shown, else downloads;
//! an image has its thumbnail), size and date, and a menu: download, share, versions,
//! move, copy, rename (in place), move to the trash.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::layout::Layout;
use super::panels::{OpenPanel, Panel};
use super::preview::{self, Thumbnail};
use super::selection::{move_focus, Selection};
use super::state::Items;
use super::{download, download_zip, size_label};
use crate::api::drive::{self, Item, ItemKind};
use crate::i18n::*;
use crate::ui::menu::{MenuButton, MenuItem};
use crate::ui::toast::use_toaster;

/// A row of the folder's table, or a card of its grid.
#[component]
pub fn ItemRow(item: Item, #[prop(optional)] grid: bool) -> impl IntoView {
    let i18n = use_i18n();
    let items = expect_context::<Items>();
    let toaster = use_toaster();
    let id = item.id;
    let folder = item.kind == ItemKind::Folder;
    let renaming = RwSignal::new(false);
    let name = RwSignal::new(item.name.clone());
    let rename_error = RwSignal::new(None::<String>);
    let panel = expect_context::<OpenPanel>();
    let selection = expect_context::<Selection>();
    let row_index = expect_context::<super::folder_view::RowIndex>();
    let check = move |ev: web_sys::MouseEvent| {
        if ev.shift_key() {
            selection.extend(id);
        } else {
            selection.toggle(id);
        }
        // The box shows the selection, whatever the click did to it.
        event_target::<web_sys::HtmlInputElement>(&ev).set_checked(selection.has(id));
    };
    // ↑/↓ to the next row's box (in a grid: ←/→ to the next card's, ↑/↓ to the card
    // above or below); with Shift, selecting on the way.
    let columns = use_context::<Layout>().map(|l| l.columns);
    let check_keys = move |ev: web_sys::KeyboardEvent| {
        let down = if grid {
            columns.map_or(1, |c| c.get_untracked().max(1)) as i32
        } else {
            1
        };
        let step = match ev.key().as_str() {
            "ArrowDown" => down,
            "ArrowUp" => -down,
            "ArrowRight" if grid => 1,
            "ArrowLeft" if grid => -1,
            _ => return,
        };
        if move_focus(selection, id, step, ev.shift_key()) {
            ev.prevent_default();
        }
    };
    let viewable = preview::kind(item.mime.as_deref()).is_some();
    let thumb = preview::has_thumbnail(item.mime.as_deref()).then_some(item.version);

    let save = move || {
        let typed = name.get_untracked();
        spawn_local(async move {
            match drive::rename(id, &typed).await {
                Ok(it) => {
                    items.merge(it);
                    let _ = renaming.try_set(false);
                }
                Err(e) => {
                    let _ = rename_error.try_set(Some(e.message));
                }
            }
        });
    };
    let trash = move || {
        spawn_local(async move {
            match drive::set_trashed(id, true).await {
                Ok(it) => items.merge(it),
                Err(e) => toaster.error(e.message),
            }
        });
    };
    let menu = Signal::derive(move || {
        let l = i18n.get_locale();
        let mut v = Vec::new();
        if folder {
            v.push(MenuItem::new(
                td_string!(l, drive.download_zip),
                move || download_zip(id, move |e| toaster.error(e.message)),
            ));
        } else {
            v.push(MenuItem::new(td_string!(l, drive.download), move || {
                download(id, move |e| toaster.error(e.message))
            }));
            v.push(MenuItem::new(td_string!(l, drive.versions), move || {
                panel.open(Panel::Versions, id)
            }));
        }
        v.push(MenuItem::new(td_string!(l, drive.share), move || {
            panel.open(Panel::Share, id)
        }));
        v.push(MenuItem::new(td_string!(l, drive.move_to), move || {
            panel.open(Panel::Move, id)
        }));
        v.push(MenuItem::new(td_string!(l, drive.copy_to), move || {
            panel.open(Panel::Copy, id)
        }));
        v.push(MenuItem::new(td_string!(l, drive.rename), move || {
            rename_error.set(None);
            renaming.set(true)
        }));
        v.push(MenuItem::new(td_string!(l, drive.move_to_trash), trash).danger());
        v
    });

    let shown_name = item.name.clone();
    let href = format!("/w/{}/drive/f/{}", item.workspace_id, item.id);
    let label = item.name.clone();
    let updated = item.updated_at;
    let checkbox = view! {
        <input type="checkbox"
            aria-label=td_string!(i18n.get_locale_untracked(), drive.select_item, name = item.name.clone())
            prop:checked=move || selection.has(id)
            on:click=check
            on:keydown=check_keys />
    };
    let icon = match thumb {
        Some(version) => view! { <Thumbnail id=id version=version /> }.into_any(),
        None => view! { <span class="drive-icon" aria-hidden="true">{if folder { "📁" } else { "📄" }}</span> }.into_any(),
    };
    let name_view = view! {
        <Show
            when=move || renaming.get()
            fallback={
                let shown_name = shown_name.clone();
                let href = href.clone();
                move || {
                    let (n, href) = (shown_name.clone(), href.clone());
                    if folder {
                        view! { <A href=href>{n}</A> }.into_any()
                    } else {
                        // A file opens in the viewer if it can be shown, else downloads.
                        view! {
                            <button type="button" class="link" on:click=move |_| if viewable {
                                panel.open(Panel::View, id)
                            } else {
                                download(id, move |e| toaster.error(e.message))
                            }>
                                {n}
                            </button>
                        }.into_any()
                    }
                }
            }
        >
            <form class="drive-rename" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <label class="visually-hidden" for=format!("rename-{id}")>{t!(i18n, drive.new_name)}</label>
                <input id=format!("rename-{id}") type="text" autofocus required maxlength="255"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Escape" { renaming.set(false); }
                    aria-invalid=move || rename_error.get().is_some().then_some("true")
                    aria-describedby=format!("rename-error-{id}") />
                <button type="submit" class="primary">{t!(i18n, drive.save)}</button>
                <button type="button" on:click=move |_| renaming.set(false)>{t!(i18n, drive.cancel)}</button>
                <span id=format!("rename-error-{id}") class="error" role="alert">{move || rename_error.get()}</span>
            </form>
        </Show>
    };
    let size = if folder {
        String::new()
    } else {
        size_label(item.size)
    };
    let date = view! {
        <time datetime=crate::time::iso(updated) title=crate::time::date_time(updated)>
            {crate::time::short_date_time(updated)}
        </time>
    };
    let actions = view! {
        <MenuButton
            label=td_string!(i18n.get_locale_untracked(), drive.actions_for, name = label.clone())
            text="⋯"
            items=menu
            align_end=true
            class="ui-icon-button"
        />
    };
    if grid {
        let total = move || row_index.0.with(|m| m.len());
        return view! {
            <li class="drive-item drive-card" data-id=id.to_string() class:folder=folder class:selected=move || selection.has(id)
                aria-setsize=total aria-posinset=move || row_index.0.with(|m| m.get(&id).map(|i| i + 1))>
                <span class="drive-card-check">{checkbox}</span>
                <span class="drive-card-preview">{icon}</span>
                <span class="drive-card-name drive-name">{name_view}</span>
                <span class="drive-card-meta muted">
                    {(!size.is_empty()).then(|| format!("{size} · "))}{date}
                </span>
                <span class="drive-card-actions">{actions}</span>
            </li>
        }
        .into_any();
    }
    view! {
        <tr class="drive-item drive-row" data-id=id.to_string() class:folder=folder class:selected=move || selection.has(id)
            aria-rowindex=move || row_index.0.with(|m| m.get(&id).map(|i| i + 2))>
            <td class="drive-check">{checkbox}</td>
            <td class="drive-name">{icon}{name_view}</td>
            <td class="num">{size}</td>
            <td>{date}</td>
            <td class="drive-row-actions">{actions}</td>
        </tr>
    }
    .into_any()
}
