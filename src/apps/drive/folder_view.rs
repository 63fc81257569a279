//! A folder (or the top of the drive): its path as breadcrumbs, its items in a table or
//! a grid of cards (selectable, see `selection`; drawn only where on screen, see
//! `window`), and what can be done there: a new folder, uploads from a button or dropped
//! files, actions on the selection.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::bulk::{trash_selected, SelectionBar};
use super::item_row::ItemRow;
use super::layout::{self, Layout};
use super::search::DriveSearch;
use super::selection::Selection;
use super::state::Items;
use super::tree;
use super::uploads::upload_entries;
use super::window;
use super::Reload;
use crate::api::{self, drive};
use crate::i18n::*;
use crate::shell::state::workspace_id;

/// `/w/:ws/drive` and `/w/:ws/drive/f/:folder`.
#[component]
pub fn FolderView() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let params = use_params_map();
    let folder = Memo::new(move |_| {
        params
            .read()
            .get("folder")
            .and_then(|s| s.parse::<i64>().ok())
    });
    let items = expect_context::<Items>();
    let reload = expect_context::<Reload>();
    let path = RwSignal::new(Vec::<drive::Item>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    Effect::new(move |_| {
        let (ws, folder) = (ws.get(), folder.get());
        reload.0.track();
        let mark = items.mark();
        spawn_local(async move {
            let r = match folder {
                None => drive::top(ws).await,
                Some(id) => drive::folder(id).await,
            };
            match r {
                Ok(l) => {
                    let mut p = l.path;
                    p.extend(l.folder);
                    let _ = path.try_set(p);
                    items.merge_listing(folder, l.items, mark);
                    let _ = error.try_set(None);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message));
                }
            }
            let _ = loaded.try_set(true);
        });
    });

    let order = RwSignal::new(Order::default());
    let shown = Memo::new(move |_| {
        let mut v = items.in_folder(folder.get());
        order.get().apply(&mut v);
        v
    });
    // The selection: of this folder only, and only of what it still shows.
    let selection = Selection::new(Signal::derive(move || {
        shown.with(|v| v.iter().map(|i| i.id).collect())
    }));
    provide_context(selection);
    Effect::new(move |_| {
        folder.track();
        selection.clear();
    });
    Effect::new(move |_| selection.keep_shown());
    let check_all = move |ev: web_sys::MouseEvent| {
        selection.toggle_all();
        event_target::<web_sys::HtmlInputElement>(&ev).set_checked(selection.all());
    };
    let list_keys = move |ev: web_sys::KeyboardEvent| {
        // Not from a field, nor from a dialog opened over the list (its Escape closes it).
        let in_dialog = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| e.closest("dialog").ok().flatten().is_some());
        if crate::ui::typing_into(&ev) || in_dialog {
            return;
        }
        match ev.key().as_str() {
            "a" | "A" if ev.ctrl_key() || ev.meta_key() => {
                ev.prevent_default();
                selection.select_all();
            }
            "Escape" if selection.count() > 0 => selection.clear(),
            "Delete" if selection.count() > 0 => trash_selected(items, selection),
            _ => {}
        }
    };
    // A list or a grid of cards (each row of the grid holds `columns` cards).
    let grid = RwSignal::new(layout::load_grid());
    let columns = RwSignal::new(1usize);
    provide_context(Layout {
        columns: columns.into(),
    });
    let set_grid = move |on: bool| {
        grid.set(on);
        layout::save_grid(on);
    };
    // Items per row of what is drawn.
    let unit = move || if grid.get() { columns.get().max(1) } else { 1 };
    // A large folder: only the rows on screen (and a margin) are drawn.
    let scroll = window::use_scroll();
    let body = NodeRef::<html::Tbody>::new();
    let cards = NodeRef::<html::Ul>::new();
    let container = move || -> Option<web_sys::Element> {
        if grid.get() {
            cards.get().map(Into::into)
        } else {
            body.get().map(Into::into)
        }
    };
    let row_height = RwSignal::new(41.0);
    let drawn = Memo::new(move |_| {
        scroll.track();
        let n = shown.with(Vec::len);
        let top = container()
            .map(|b| b.get_bounding_client_rect().top())
            .unwrap_or(0.0);
        let height = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        let u = unit();
        let rows = window::range(n.div_ceil(u), row_height.get(), top, height);
        (rows.start * u).min(n)..(rows.end * u).min(n)
    });
    // The rows drawn follow `drawn`. Rows put before the first drawn one go one at a
    // time while the focus is in the table: leptos's keyed diff (tachys 0.2) moves the
    // rows after them in the DOM when several are put before them at once, which takes
    // the focus out of a focused row (Shift+↑ through a large folder would lose its
    // place). Each step is a turn of the event loop; without the focus, one step.
    let rendered = RwSignal::new(0..0usize);
    let next_step = RwSignal::new(0u32);
    Effect::new(move |_| {
        next_step.track();
        let target = drawn.get();
        let now = rendered.get_untracked();
        let overlap = target.start < now.end && now.start < target.end;
        let u = unit();
        let focus_inside = container().is_some_and(|b| {
            let active = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            active.is_some_and(|a| b.contains(Some(&a)))
        });
        if !focus_inside || !overlap || target.start + u >= now.start {
            if now != target {
                rendered.set(target);
            }
            return;
        }
        // The back stays until the front is done (the rows drawn are clamped to the
        // folder, should it shrink meanwhile).
        rendered.set(now.start.saturating_sub(u)..now.end);
        set_timeout(
            move || {
                let _ = next_step.try_update(|n| *n = n.wrapping_add(1));
            },
            std::time::Duration::ZERO,
        );
    });
    // Rows are measured once drawn (the theme, the font size and thumbnails set it).
    Effect::new(move |_| {
        rendered.track();
        // Once the rows are in the page (this turn or the next).
        selection.focus_pending();
        set_timeout(move || selection.focus_pending(), std::time::Duration::ZERO);
        scroll.track();
        let Some(b) = container() else { return };
        let is_grid = grid.get_untracked();
        if is_grid {
            let c = layout::columns_of(&b);
            if c != columns.get_untracked() {
                columns.set(c);
            }
        }
        let Ok(items) = b.query_selector_all(".drive-item") else {
            return;
        };
        let rect = |i: u32| {
            items
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                .map(|e| e.get_bounding_client_rect())
        };
        // A row of the list; in a grid, from a card's top to the next row's (the gap).
        let next_row = if is_grid {
            columns.get_untracked() as u32
        } else {
            1
        };
        let h = match (rect(0), rect(next_row)) {
            (Some(a), Some(b)) if b.top() > a.top() => b.top() - a.top(),
            (Some(a), _) => a.height(),
            _ => return,
        };
        // Fractional: a rounded height would add up to rows of error far down.
        if h > 0.0 && (h - row_height.get_untracked()).abs() > 0.01 {
            row_height.set(h);
        }
    });
    let above = move || {
        let rows = rendered.get().start / unit();
        format!("{}px", rows as f64 * row_height.get())
    };
    let below = move || {
        let u = unit();
        let rows = shown.with(Vec::len).div_ceil(u);
        let drawn_rows = rendered.get().end.div_ceil(u);
        format!(
            "{}px",
            rows.saturating_sub(drawn_rows) as f64 * row_height.get()
        )
    };
    // Where each item is among all (for `aria-rowindex`: the table has them all).
    let positions = Memo::new(move |_| {
        shown.with(|v| {
            v.iter()
                .enumerate()
                .map(|(i, it)| (it.id, i))
                .collect::<std::collections::HashMap<i64, usize>>()
        })
    });
    provide_context(RowIndex(positions));
    // What the workspace's files take, again whenever the folder's items change.
    let usage = RwSignal::new(None::<drive::Usage>);
    Effect::new(move |_| {
        shown.track();
        let ws = ws.get();
        spawn_local(async move {
            if let Ok(u) = drive::usage(ws).await {
                let _ = usage.try_set(Some(u));
            }
        });
    });
    let here = move || {
        path.with(|p| p.last().map(|f| f.name.clone()))
            .unwrap_or_else(|| td_string!(i18n.get_locale(), drive.title).to_owned())
    };

    // Uploads: the button opens the file picker; files dropped anywhere on the folder.
    let picker = NodeRef::<html::Input>::new();
    let pick = move |_| {
        if let Some(input) = picker.get() {
            input.click();
        }
    };
    let folder_picker = NodeRef::<html::Input>::new();
    let pick_folder = move |_| {
        if let Some(input) = folder_picker.get() {
            input.click();
        }
    };
    // The folder picker picks folders (an attribute the view macro does not know).
    Effect::new(move |_| {
        if let Some(input) = folder_picker.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    // Files picked one by one, or a whole folder (each file with its relative path).
    let picked = move |input: Option<web_sys::HtmlInputElement>| {
        let Some(input) = input else { return };
        let files = input.files().map(tree::file_list).unwrap_or_default();
        input.set_value("");
        if !files.is_empty() {
            upload_entries(
                ws.get_untracked(),
                folder.get_untracked(),
                tree::from_picked(files),
            );
        }
    };
    let dragging = RwSignal::new(false);
    let toaster = crate::ui::toast::use_toaster();
    let owner = Owner::current();
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let Some(dt) = ev.data_transfer() else { return };
        // Entries (files and folders) are readable only during the event.
        let entries = tree::dropped(&dt);
        let (ws, into) = (ws.get_untracked(), folder.get_untracked());
        if entries.is_empty() {
            let files = dt.files().map(tree::file_list).unwrap_or_default();
            let plain = files.into_iter().map(|file| tree::Entry {
                dirs: Vec::new(),
                file,
            });
            upload_entries(ws, into, plain.collect());
            return;
        }
        let owner = owner.clone();
        spawn_local(async move {
            match tree::walk(entries).await {
                Ok(found) => {
                    if let Some(owner) = owner {
                        owner.with(|| upload_entries(ws, into, found));
                    }
                }
                Err(_) => toaster.error(td_string!(
                    crate::language::current(),
                    drive.file_unreadable
                )),
            }
        });
    };

    // A new folder, named in place.
    let naming = RwSignal::new(false);
    let new_name = RwSignal::new(String::new());
    let new_error = RwSignal::new(None::<String>);
    let retry = StoredValue::new(api::RetryKey::default());
    let create = move || {
        let name = new_name.get_untracked();
        if name.trim().is_empty() {
            return;
        }
        let key = retry
            .try_update_value(|k| k.for_request(&format!("{}/{name}", ws.get_untracked())))
            .unwrap_or_default();
        spawn_local(async move {
            match drive::create_folder(ws.get_untracked(), folder.get_untracked(), &name, &key)
                .await
            {
                Ok(it) => {
                    retry.update_value(|k| k.done());
                    items.merge(it);
                    let _ = naming.try_set(false);
                    let _ = new_name.try_set(String::new());
                    let _ = new_error.try_set(None);
                }
                // What was typed stays, with the reason beside it.
                Err(e) => {
                    let _ = new_error.try_set(Some(e.message));
                }
            }
        });
    };

    view! {
        <nav class="drive-crumbs" aria-label=move || td_string!(i18n.get_locale(), drive.path_label)>
            <ol>
                <li><A href=move || format!("/w/{}/drive", ws.get())>{t!(i18n, drive.title)}</A></li>
                <For each=move || path.get() key=|f| (f.id, f.revision) let:f>
                    <li><A href=format!("/w/{}/drive/f/{}", f.workspace_id, f.id)>{f.name.clone()}</A></li>
                </For>
            </ol>
        </nav>
        <div class="drive-head">
            <h1>{here}</h1>
            <div class="drive-actions">
                <button type="button" on:click=move |_| { naming.set(true); }>{t!(i18n, drive.new_folder)}</button>
                <button type="button" on:click=pick_folder>{t!(i18n, drive.upload_folder)}</button>
                <button type="button" class="primary" on:click=pick>{t!(i18n, drive.upload_files)}</button>
                <input type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" node_ref=picker
                    on:change=move |_| picked(picker.get()) />
                <input type="file" class="visually-hidden" tabindex="-1" aria-hidden="true" node_ref=folder_picker
                    on:change=move |_| picked(folder_picker.get()) />
                <A href=move || format!("/w/{}/drive/trash", ws.get())>{t!(i18n, drive.trash)}</A>
                <div class="drive-layout" role="group" aria-label=move || td_string!(i18n.get_locale(), drive.layout)>
                    <button type="button" aria-pressed=move || (!grid.get()).to_string()
                        on:click=move |_| set_grid(false)>{t!(i18n, drive.layout_list)}</button>
                    <button type="button" aria-pressed=move || grid.get().to_string()
                        on:click=move |_| set_grid(true)>{t!(i18n, drive.layout_grid)}</button>
                </div>
            </div>
        </div>
        <DriveSearch />
        <Show when=move || naming.get()>
            <form class="drive-new-folder" on:submit=move |ev| { ev.prevent_default(); create(); }>
                <label>
                    {t!(i18n, drive.folder_name)}
                    <input type="text" autofocus required maxlength="255" prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Escape" { naming.set(false); }
                        aria-invalid=move || new_error.get().is_some().then_some("true")
                        aria-describedby="drive-new-folder-error" />
                </label>
                <button type="submit" class="primary">{t!(i18n, drive.create)}</button>
                <button type="button" on:click=move |_| naming.set(false)>{t!(i18n, drive.cancel)}</button>
                <p id="drive-new-folder-error" class="error" role="alert">{move || new_error.get()}</p>
            </form>
        </Show>
        <section
            class="drive-list"
            class:dragging=move || dragging.get()
            aria-label=move || td_string!(i18n.get_locale(), drive.items_label)
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
            on:keydown=list_keys
        >
            <SelectionBar />
            <p class="error" role="alert">{move || error.get()}</p>
            <Show
                when=move || !shown.get().is_empty()
                fallback=move || view! {
                    <p class="drive-empty">{move || if loaded.get() { td_string!(i18n.get_locale(), drive.empty_folder) } else { "" }}</p>
                }
            >
                <Show when=move || grid.get()>
                    <div class="drive-grid-head">
                        <label>
                            <input type="checkbox"
                                prop:checked=move || selection.all()
                                prop:indeterminate={move || selection.count() > 0 && !selection.all()}
                                on:click=check_all />
                            {t!(i18n, drive.select_all)}
                        </label>
                        <label>
                            {t!(i18n, drive.sort_label)}
                            <select on:change=move |ev| order.set(Order::from_key(&event_target_value(&ev)))
                                prop:value=move || order.get().key()>
                                <option value="name">{t!(i18n, drive.sort_name_az)}</option>
                                <option value="name-desc">{t!(i18n, drive.sort_name_za)}</option>
                                <option value="size">{t!(i18n, drive.sort_size_small)}</option>
                                <option value="size-desc">{t!(i18n, drive.sort_size_large)}</option>
                                <option value="modified">{t!(i18n, drive.sort_modified_old)}</option>
                                <option value="modified-desc">{t!(i18n, drive.sort_modified_new)}</option>
                            </select>
                        </label>
                    </div>
                    <ul class="drive-grid" node_ref=cards aria-label=move || td_string!(i18n.get_locale(), drive.items_label)>
                        <li class="drive-spacer" aria-hidden="true" style:height=above>{""}</li>
                        <For
                            each=move || { let r = rendered.get(); shown.with(|v| v[window::clamp(r, v.len())].to_vec()) }
                            key=|i| (i.id, i.revision)
                            let:item
                        >
                            <ItemRow item=item grid=true />
                        </For>
                        <li class="drive-spacer" aria-hidden="true" style:height=below>{""}</li>
                    </ul>
                </Show>
                <Show when=move || !grid.get()>
                <table class="drive-table" aria-rowcount=move || shown.with(Vec::len) + 1>
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col" class="drive-check">
                                <input type="checkbox"
                                    aria-label=move || td_string!(i18n.get_locale(), drive.select_all)
                                    prop:checked=move || selection.all()
                                    prop:indeterminate={move || selection.count() > 0 && !selection.all()}
                                    on:click=check_all />
                            </th>
                            <SortHeader column=Column::Name order=order />
                            <SortHeader column=Column::Size order=order />
                            <SortHeader column=Column::Modified order=order />
                            <th scope="col"><span class="visually-hidden">{t!(i18n, drive.col_actions)}</span></th>
                        </tr>
                    </thead>
                    <tbody node_ref=body>
                        <tr class="drive-spacer" aria-hidden="true"><td colspan="5" style:height=above>{""}</td></tr>
                        <For
                            each=move || { let r = rendered.get(); shown.with(|v| v[window::clamp(r, v.len())].to_vec()) }
                            key=|i| (i.id, i.revision)
                            let:item
                        >
                            <ItemRow item=item />
                        </For>
                        <tr class="drive-spacer" aria-hidden="true"><td colspan="5" style:height=below>{""}</td></tr>
                    </tbody>
                </table>
                </Show>
            </Show>
            <p class="drive-drop-hint muted">{t!(i18n, drive.drop_hint)}</p>
        </section>
        <p class="drive-usage muted" id="drive-usage">
            {move || usage.get().map(|u| {
                let l = i18n.get_locale();
                let used = super::size_label(u.used);
                match u.quota {
                    Some(q) => td_string!(l, drive.usage_of, used = used, quota = super::size_label(q)),
                    None => td_string!(l, drive.usage, used = used),
                }
            })}
        </p>
        // Against the quota, a bar (high past 90 %).
        {move || usage.get().and_then(|u| u.quota.map(|q| view! {
            <meter class="drive-usage-bar" min="0" max=q.max(1) value=u.used.min(q) high=q as f64 * 0.9
                aria-labelledby="drive-usage"></meter>
        }))}
    }
}

/// Where each item of the folder is among all of them, by id (0 first).
#[derive(Clone, Copy)]
pub struct RowIndex(pub Memo<std::collections::HashMap<i64, usize>>);

/// A column the folder can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Column {
    /// By name (folders first), the default.
    #[default]
    Name,
    /// By size (folders first).
    Size,
    /// By the last change.
    Modified,
}

/// How the folder is sorted: a column, and whether in descending order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Order {
    /// The column.
    pub column: Column,
    /// Largest, newest or Z first.
    pub descending: bool,
}

impl Order {
    /// Its name in the grid's sort menu (`size-desc`: by size, largest first).
    pub fn key(self) -> String {
        let column = match self.column {
            Column::Name => "name",
            Column::Size => "size",
            Column::Modified => "modified",
        };
        if self.descending {
            format!("{column}-desc")
        } else {
            column.to_owned()
        }
    }

    /// The order named `key` (see [`Order::key`]); by name for an unknown one.
    pub fn from_key(key: &str) -> Order {
        let (column, descending) = match key.strip_suffix("-desc") {
            Some(c) => (c, true),
            None => (key, false),
        };
        let column = match column {
            "size" => Column::Size,
            "modified" => Column::Modified,
            _ => Column::Name,
        };
        Order { column, descending }
    }

    /// Sorts `items` (folders stay first).
    pub fn apply(self, items: &mut [drive::Item]) {
        items.sort_by(|a, b| {
            let folders =
                (a.kind != drive::ItemKind::Folder).cmp(&(b.kind != drive::ItemKind::Folder));
            let by = match self.column {
                Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                Column::Size => a.size.cmp(&b.size),
                Column::Modified => a.updated_at.cmp(&b.updated_at),
            }
            .then(a.id.cmp(&b.id));
            folders.then(if self.descending { by.reverse() } else { by })
        });
    }
}

/// A column's header: a button that sorts by it (again: the other way), with
/// `aria-sort` on the sorted one.
#[component]
fn SortHeader(column: Column, order: RwSignal<Order>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || {
        let l = i18n.get_locale();
        match column {
            Column::Name => td_string!(l, drive.col_name),
            Column::Size => td_string!(l, drive.col_size),
            Column::Modified => td_string!(l, drive.col_modified),
        }
    };
    let sorted = move || {
        let o = order.get();
        (o.column == column).then_some(if o.descending {
            "descending"
        } else {
            "ascending"
        })
    };
    let click = move |_| {
        order.update(|o| {
            if o.column == column {
                o.descending = !o.descending;
            } else {
                *o = Order {
                    column,
                    descending: column == Column::Modified,
                };
            }
        })
    };
    view! {
        <th scope="col" class:num=column == Column::Size aria-sort=sorted>
            <button type="button" class="drive-sort" on:click=click>
                {label}
                <span aria-hidden="true">{move || match sorted() {
                    Some("descending") => " ↓",
                    Some(_) => " ↑",
                    None => "",
                }}</span>
            </button>
        </th>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::drive::{Item, ItemKind};

    fn item(id: i64, kind: ItemKind, name: &str, size: i64, updated_at: i64) -> Item {
        Item {
            id,
            workspace_id: 1,
            parent_id: None,
            kind,
            name: name.into(),
            size,
            mime: None,
            version: 1,
            created_by: 1,
            created_at: 0,
            updated_at,
            trashed_at: None,
            revision: 1,
            channel_id: None,
        }
    }

    #[test]
    fn the_grids_sort_menu_names_every_order() {
        for column in [Column::Name, Column::Size, Column::Modified] {
            for descending in [false, true] {
                let o = Order { column, descending };
                assert_eq!(Order::from_key(&o.key()), o);
            }
        }
        assert_eq!(Order::from_key("bogus"), Order::default());
    }

    #[test]
    fn folders_stay_first_whatever_the_order() {
        let mut v = vec![
            item(1, ItemKind::File, "b", 10, 5),
            item(2, ItemKind::Folder, "z", 0, 1),
            item(3, ItemKind::File, "A", 30, 9),
            item(4, ItemKind::File, "c", 20, 7),
        ];
        let names = |v: &[Item]| v.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
        Order::default().apply(&mut v);
        assert_eq!(names(&v), ["z", "A", "b", "c"]);
        Order {
            column: Column::Size,
            descending: true,
        }
        .apply(&mut v);
        assert_eq!(names(&v), ["z", "A", "c", "b"]);
        Order {
            column: Column::Modified,
            descending: false,
        }
        .apply(&mut v);
        assert_eq!(names(&v), ["z", "b", "c", "A"]);
    }
}
