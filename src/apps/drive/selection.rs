//! The items selected in a folder: a checkbox per row (Shift extends from the last one
//! clicked, as in a file manager), "select all" in the header, and the keys of the list:
//! ↑/↓ between rows (Shift+↑/↓ selecting on the way), Ctrl+A (⌘A) for every item,
//! Escape to clear, Delete to move the selection to the trash.

use std::collections::BTreeSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The selection of the folder shown; provided by the folder view.
#[derive(Clone, Copy)]
pub struct Selection {
    ids: RwSignal<BTreeSet<i64>>,
    /// Where a Shift-click extends from: the last item clicked.
    anchor: RwSignal<Option<i64>>,
    /// The items as shown, in order.
    order: Signal<Vec<i64>>,
    /// The row the keyboard moved to that is not drawn yet (see [`move_focus`]).
    pending: StoredValue<Option<i64>>,
    /// Whether a timer is trying to focus it.
    retrying: StoredValue<bool>,
}

impl Selection {
    /// An empty selection over the items `order` shows.
    pub fn new(order: Signal<Vec<i64>>) -> Selection {
        Selection {
            ids: RwSignal::new(BTreeSet::new()),
            anchor: RwSignal::new(None),
            order,
            pending: StoredValue::new(None),
            retrying: StoredValue::new(false),
        }
    }

    /// Whether `id` is selected (tracked).
    pub fn has(&self, id: i64) -> bool {
        self.ids.with(|s| s.contains(&id))
    }

    /// How many are selected (tracked).
    pub fn count(&self) -> usize {
        self.ids.with(BTreeSet::len)
    }

    /// The selected ids, in the order shown.
    pub fn ids(&self) -> Vec<i64> {
        let chosen = self.ids.get_untracked();
        self.order
            .with_untracked(|o| o.iter().copied().filter(|i| chosen.contains(i)).collect())
    }

    /// Selects or unselects `id`, and extends from it next time.
    pub fn toggle(&self, id: i64) {
        self.ids.update(|s| {
            if !s.remove(&id) {
                s.insert(id);
            }
        });
        self.anchor.set(Some(id));
    }

    /// Selects every item from the anchor to `id` (Shift-click), keeping the rest.
    pub fn extend(&self, id: i64) {
        self.extend_from(self.anchor.get_untracked().unwrap_or(id), id);
    }

    /// Selects every item from `from` to `id` (Shift+↑/↓), keeping the rest; the anchor
    /// moves to `id`.
    pub fn extend_from(&self, from: i64, id: i64) {
        let more = self.order.with_untracked(|o| span(o, from, id));
        self.ids.update(|s| s.extend(more));
        self.anchor.set(Some(id));
    }

    /// Every item shown.
    pub fn select_all(&self) {
        let all = self.order.get_untracked();
        self.ids.update(|s| s.extend(all));
    }

    /// Every item shown, or none if they all are already.
    pub fn toggle_all(&self) {
        let all: BTreeSet<i64> = self.order.get_untracked().into_iter().collect();
        self.ids
            .update(|s| *s = if *s == all { BTreeSet::new() } else { all });
    }

    /// Whether every item shown is selected (and there is one).
    pub fn all(&self) -> bool {
        let n = self.count();
        n > 0 && self.order.with(|o| o.len() == n)
    }

    /// Nothing selected.
    pub fn clear(&self) {
        self.ids.update(BTreeSet::clear);
        self.anchor.set(None);
    }

    /// The item `step` (±1) places from `id` in the order shown, if any.
    pub fn beside(&self, id: i64, step: i32) -> Option<i64> {
        self.order.with_untracked(|o| {
            let at = o.iter().position(|&i| i == id)?;
            let to = at.checked_add_signed(step as isize)?;
            o.get(to).copied()
        })
    }

    /// Drops what is no longer shown (moved, trashed, deleted, live or here).
    pub fn keep_shown(&self) {
        let shown: BTreeSet<i64> = self.order.with(|o| o.iter().copied().collect());
        let stale = self
            .ids
            .with_untracked(|s| s.iter().any(|i| !shown.contains(i)));
        if stale {
            self.ids.update(|s| s.retain(|i| shown.contains(i)));
        }
    }
}

/// The items of `order` from `from` to `to`, both included, whichever comes first; just
/// `to` if `from` is not shown.
pub fn span(order: &[i64], from: i64, to: i64) -> Vec<i64> {
    let (Some(a), Some(b)) = (
        order.iter().position(|&i| i == from),
        order.iter().position(|&i| i == to),
    ) else {
        return vec![to];
    };
    order[a.min(b)..=a.max(b)].to_vec()
}

/// Focuses the checkbox of item `id`'s row if it is drawn; whether it was.
fn focus_row(id: i64) -> bool {
    let found = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!(
                ".drive-item[data-id=\"{id}\"] input[type=checkbox]"
            ))
            .ok()
            .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match found {
        Some(el) => el.focus().is_ok(),
        None => false,
    }
}

/// ↑/↓ (`step`: ±1, or ± a grid's columns; ←/→ in a grid) from the checkbox of item
/// `id`: the focus goes to that item's,
/// with `shift` selecting on the way. Whether there was a row to go to. In a large
/// folder the next row may not be drawn yet (see `folder_view`): it is focused once it is
/// ([`Selection::focus_pending`]), and keys pressed meanwhile count from it.
pub fn move_focus(selection: Selection, id: i64, step: i32, shift: bool) -> bool {
    // From the row still to be focused, if it is still in the folder.
    let from = selection
        .pending
        .get_value()
        .filter(|p| selection.beside(*p, 0).is_some())
        .unwrap_or(id);
    let Some(to) = selection.beside(from, step) else {
        return false;
    };
    if shift {
        selection.extend_from(from, to);
    }
    let drawn = focus_row(to);
    selection.pending.set_value((!drawn).then_some(to));
    if !drawn && !selection.retrying.get_value() {
        selection.retrying.set_value(true);
        toward_edge(step);
        retry_pending(selection, step, 120);
    }
    true
}

/// Brings the last drawn row in the direction of `step` to the middle of the screen, so
/// that the rows beyond it are drawn (the focus stays where it is until they are).
fn toward_edge(step: i32) {
    let doc = web_sys::window().and_then(|w| w.document());
    let rows = doc.and_then(|d| d.query_selector_all(".drive-item").ok());
    let Some(rows) = rows else { return };
    let at = if step < 0 {
        0
    } else {
        rows.length().saturating_sub(1)
    };
    if let Some(row) = rows
        .item(at)
        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
    {
        let o = web_sys::ScrollIntoViewOptions::new();
        o.set_block(web_sys::ScrollLogicalPosition::Center);
        row.scroll_into_view_with_scroll_into_view_options(&o);
    }
}

/// Tries [`Selection::focus_pending`] every 16 ms, `tries` times at most, until done,
/// moving the rows drawn toward it (`step`) meanwhile.
fn retry_pending(selection: Selection, step: i32, tries: u32) {
    set_timeout(
        move || {
            selection.focus_pending();
            if !matches!(selection.pending.try_get_value(), Some(Some(_))) {
                let _ = selection.retrying.try_set_value(false);
            } else if tries > 0 {
                toward_edge(step);
                retry_pending(selection, step, tries - 1);
            } else {
                // Given up: the next key counts from the focused row.
                let _ = selection.pending.try_set_value(None);
                let _ = selection.retrying.try_set_value(false);
            }
        },
        std::time::Duration::from_millis(16),
    );
}

impl Selection {
    /// Focuses the row the keyboard moved to, once drawn (call when rows are drawn).
    pub fn focus_pending(&self) {
        // Also after the folder is gone (from a timer): then nothing.
        if let Some(Some(id)) = self.pending.try_get_value() {
            if focus_row(id) {
                let _ = self.pending.try_set_value(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_runs_either_way_and_falls_back_to_the_item() {
        let order = [5, 3, 9, 1, 7];
        assert_eq!(span(&order, 3, 1), [3, 9, 1]);
        assert_eq!(span(&order, 7, 9), [9, 1, 7]);
        assert_eq!(span(&order, 9, 9), [9]);
        assert_eq!(span(&order, 42, 1), [1]);
    }

    #[test]
    fn shift_extends_from_the_last_click_and_all_toggles() {
        let owner = Owner::new();
        owner.with(|| {
            let order = RwSignal::new(vec![1, 2, 3, 4, 5]);
            let s = Selection::new(order.into());
            s.toggle(2);
            s.extend(4);
            assert_eq!(s.ids(), [2, 3, 4]);
            // The anchor moved to 4: a second Shift-click extends from there.
            s.extend(5);
            assert_eq!(s.ids(), [2, 3, 4, 5]);
            s.toggle(3);
            assert_eq!(s.ids(), [2, 4, 5]);
            assert_eq!(
                (s.beside(1, -1), s.beside(1, 1), s.beside(5, 1)),
                (None, Some(2), None)
            );
            s.toggle_all();
            assert!(s.all());
            s.toggle_all();
            assert_eq!(s.count(), 0);
            // What leaves the folder leaves the selection.
            s.toggle(1);
            s.toggle(5);
            order.set(vec![1, 2, 3]);
            s.keep_shown();
            assert_eq!(s.ids(), [1]);
        });
    }
}
