//! Which loaded messages are in the DOM: a window of at most [`SIZE`] consecutive
//! messages, so a channel scrolled back through 10,000 messages keeps a small page.
//!
//! Pure logic over the ids of the loaded messages (ascending, as the list keeps them);
//! the message list component moves the window as the person scrolls. The window is
//! named by its last message, or follows the newest one.

use std::ops::Range;

/// The most messages in the DOM at once.
pub const SIZE: usize = 150;
/// How far the window moves at a time (a page of the API is 50).
pub const STEP: usize = 50;

/// The window's lower edge: follow the newest message, or end at a given message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum End {
    /// The newest messages; new ones join the window as they arrive.
    #[default]
    Latest,
    /// Up to and including this message id (the person scrolled back).
    At(i64),
}

/// Index just past `end` in `ids`.
fn end_index(ids: &[i64], end: End) -> usize {
    match end {
        End::Latest => ids.len(),
        End::At(id) => match ids.binary_search(&id) {
            Ok(i) => i + 1,
            Err(i) => i,
        },
    }
}

/// The indices of `ids` in the window. A window that reaches the oldest loaded message
/// is filled up to [`SIZE`] messages downwards.
pub fn range(ids: &[i64], end: End) -> Range<usize> {
    let end = end_index(ids, end).max(SIZE.min(ids.len()));
    end.saturating_sub(SIZE)..end
}

/// The window [`STEP`] messages older, if there are older loaded messages; otherwise the
/// same window (the caller then loads an older page from the API).
pub fn older(ids: &[i64], end: End) -> End {
    let r = range(ids, end);
    if r.start == 0 {
        return end;
    }
    let new_end = r.end - STEP.min(r.start);
    End::At(ids[new_end - 1])
}

/// The window [`STEP`] messages newer; [`End::Latest`] when that reaches the newest.
pub fn newer(ids: &[i64], end: End) -> End {
    let r = range(ids, end);
    let new_end = r.end + STEP;
    if new_end >= ids.len() {
        End::Latest
    } else {
        End::At(ids[new_end - 1])
    }
}

/// Whether older loaded messages exist above the window.
pub fn has_older(ids: &[i64], end: End) -> bool {
    range(ids, end).start > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: i64) -> Vec<i64> {
        (1..=n).map(|i| i * 10).collect()
    }

    #[test]
    fn short_lists_are_whole() {
        assert_eq!(range(&ids(3), End::Latest), 0..3);
        assert_eq!(range(&[], End::Latest), 0..0);
        assert_eq!(older(&ids(3), End::Latest), End::Latest);
        assert_eq!(newer(&ids(3), End::At(20)), End::Latest);
    }

    #[test]
    fn latest_window_holds_the_newest() {
        let l = ids(1000);
        assert_eq!(range(&l, End::Latest), 850..1000);
        assert!(has_older(&l, End::Latest));
    }

    #[test]
    fn moving_back_and_forth_keeps_the_size() {
        let l = ids(1000);
        let mut end = End::Latest;
        for step in 1..=17 {
            end = older(&l, end);
            let r = range(&l, end);
            assert_eq!(r.len(), SIZE);
            assert_eq!(r.end, (1000 - step * STEP).max(SIZE));
        }
        // At the top: nothing older loaded, the window stays put.
        assert_eq!(range(&l, end), 0..SIZE);
        assert_eq!(older(&l, end), end);
        assert!(!has_older(&l, end));
        for _ in 0..17 {
            end = newer(&l, end);
            assert_eq!(range(&l, end).len(), SIZE);
        }
        assert_eq!(end, End::Latest);
    }

    #[test]
    fn an_end_between_ids_or_deleted_still_works() {
        let l = ids(400);
        // Id 2005 is not in the list (e.g. it was never loaded): the window ends before it.
        assert_eq!(range(&l, End::At(2005)), 50..200);
        // Older pages prepended: the same end id keeps the same messages in view.
        let mut more: Vec<i64> = (1..=100).map(|i| -i).rev().collect();
        more.extend(&l);
        let r = range(&more, End::At(2000));
        assert_eq!(more[r.end - 1], 2000);
    }
}
