//! Drive's state, provided by its root route: every item seen (kept by id, the newest
//! revision winning, whether it came from a listing or a live event), the folder shown
//! and its path, and the uploads under way.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::drive::{Item, ItemKind};

/// Every item seen, by id; and when each was last merged (a count of merges), so that a
/// listing asked for before a live event does not undo it.
#[derive(Clone, Copy)]
pub struct Items(
    pub RwSignal<HashMap<i64, Item>>,
    StoredValue<(u64, HashMap<i64, u64>)>,
);

impl Items {
    /// No items.
    pub fn new() -> Items {
        Items(
            RwSignal::new(HashMap::new()),
            StoredValue::new((0, HashMap::new())),
        )
    }

    /// A mark to take before asking for a listing (see [`Items::merge_listing`]).
    pub fn mark(&self) -> u64 {
        self.1.try_with_value(|(n, _)| *n).unwrap_or(0)
    }

    /// Takes `item` unless a newer copy (higher revision) is already here: the one merge
    /// every answer and live event goes through.
    pub fn merge(&self, item: Item) {
        let id = item.id;
        let mut taken = false;
        // Also from an answer that arrives after Drive was left: then nothing.
        let _ = self.0.try_update(|m| {
            let newer = m
                .get(&item.id)
                .is_none_or(|old| item.revision >= old.revision);
            if newer {
                m.insert(item.id, item);
                taken = true;
            }
        });
        if taken {
            let _ = self.1.try_update_value(|(n, at)| {
                *n += 1;
                at.insert(id, *n);
            });
        }
    }

    /// Takes a whole listing of `folder`, asked for at `mark` ([`Items::mark`]): its items
    /// merged, and those of the folder that the listing does not have dropped (moved,
    /// trashed or deleted meanwhile), unless merged after the mark (made, or moved in,
    /// after the server read the folder).
    pub fn merge_listing(&self, folder: Option<i64>, items: Vec<Item>, mark: u64) {
        let ids: std::collections::HashSet<i64> = items.iter().map(|i| i.id).collect();
        // An answer that arrives after Drive was left changes nothing.
        let Some(fresh) = self.1.try_with_value(|(_, at)| {
            at.iter()
                .filter(|(_, &n)| n > mark)
                .map(|(&id, _)| id)
                .collect::<std::collections::HashSet<i64>>()
        }) else {
            return;
        };
        let _ = self.0.try_update(|m| {
            m.retain(|id, it| {
                it.parent_id != folder
                    || it.trashed_at.is_some()
                    || ids.contains(id)
                    || fresh.contains(id)
            });
        });
        for it in items {
            self.merge(it);
        }
    }

    /// Forgets items deleted for good.
    pub fn remove(&self, ids: &[i64]) {
        self.0.update(|m| {
            for id in ids {
                m.remove(id);
            }
        });
    }

    /// The items shown in `folder`, folders first, then by name.
    pub fn in_folder(&self, folder: Option<i64>) -> Vec<Item> {
        let mut v: Vec<Item> = self.0.with(|m| {
            m.values()
                .filter(|i| i.parent_id == folder && i.trashed_at.is_none())
                .cloned()
                .collect()
        });
        sort(&mut v);
        v
    }
}

/// Folders first, then by name (ignoring case).
pub fn sort(items: &mut [Item]) {
    items.sort_by_cached_key(|i| (i.kind != ItemKind::Folder, i.name.to_lowercase(), i.id));
}

/// One upload of the upload panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    /// Its number in the panel.
    pub id: u32,
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub size: f64,
    /// Bytes the server has.
    pub sent: f64,
    /// Where it stands.
    pub status: UploadStatus,
    /// The bytes the server had and when (ms), at the first answer of this try, and the
    /// time of the last answer: its speed.
    pub since: Option<(f64, f64, f64)>,
}

impl Upload {
    /// A file about to be sent.
    pub fn new(id: u32, name: String, size: f64) -> Upload {
        Upload {
            id,
            name,
            size,
            sent: 0.0,
            status: UploadStatus::Sending,
            since: None,
        }
    }

    /// The server has `sent` bytes at `now` (ms).
    pub fn progress(&mut self, sent: f64, now: f64) {
        self.sent = sent;
        match &mut self.since {
            Some((_, _, last)) => *last = now,
            None => self.since = Some((sent, now, now)),
        }
    }

    /// Bytes per second of this try, once it has been sending for a second.
    pub fn speed(&self) -> Option<f64> {
        let (from, start, last) = self.since?;
        (last - start >= 1000.0 && self.sent > from)
            .then(|| (self.sent - from) / ((last - start) / 1000.0))
    }

    /// Seconds left at that speed.
    pub fn seconds_left(&self) -> Option<f64> {
        self.speed().map(|s| ((self.size - self.sent) / s).ceil())
    }
}

/// Where an upload stands.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadStatus {
    /// Sending.
    Sending,
    /// In Drive.
    Done,
    /// Stopped by the person.
    Cancelled,
    /// Stopped by an error (the message).
    Failed(String),
}

/// The upload panel's rows.
#[derive(Clone, Copy)]
pub struct Uploads(pub RwSignal<Vec<Upload>>);

impl Uploads {
    /// Changes upload `id`.
    pub fn update(&self, id: u32, f: impl FnOnce(&mut Upload)) {
        self.0.update(|v| {
            if let Some(u) = v.iter_mut().find(|u| u.id == id) {
                f(u);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_and_time_left_come_from_this_try_once_it_ran_a_second() {
        let mut u = Upload::new(1, "a".into(), 10_000_000.0);
        // Resumed at 4 MB.
        u.progress(4_000_000.0, 1_000.0);
        assert_eq!(u.speed(), None);
        u.progress(5_000_000.0, 1_500.0);
        assert_eq!(u.speed(), None);
        u.progress(6_000_000.0, 3_000.0);
        assert_eq!(u.speed(), Some(1_000_000.0));
        assert_eq!(u.seconds_left(), Some(4.0));
    }

    fn item(id: i64, parent: Option<i64>, name: &str, revision: i64) -> Item {
        Item {
            id,
            workspace_id: 1,
            parent_id: parent,
            kind: ItemKind::File,
            name: name.into(),
            size: 0,
            mime: None,
            version: 1,
            created_by: 1,
            created_at: 0,
            updated_at: 0,
            trashed_at: None,
            revision,
            channel_id: None,
        }
    }

    #[test]
    fn the_newest_revision_wins_whatever_comes_first() {
        let owner = Owner::new();
        owner.with(|| {
            let items = Items::new();
            items.merge(item(1, None, "b", 3));
            items.merge(item(1, None, "old", 2));
            assert_eq!(items.in_folder(None)[0].name, "b");
            items.merge(item(1, Some(9), "moved", 4));
            assert!(items.in_folder(None).is_empty());
            // A listing drops what left the folder, keeps the rest sorted.
            items.merge(item(2, None, "a", 1));
            let mark = items.mark();
            items.merge_listing(None, vec![item(3, None, "C", 1)], mark);
            let names: Vec<String> = items.in_folder(None).into_iter().map(|i| i.name).collect();
            assert_eq!(names, ["C"]);
            assert_eq!(items.in_folder(Some(9))[0].name, "moved");
        });
    }

    #[test]
    fn a_listing_asked_before_a_live_item_keeps_it() {
        let owner = Owner::new();
        owner.with(|| {
            let items = Items::new();
            items.merge(item(1, Some(7), "old", 1));
            // The listing is asked for; meanwhile item 2 arrives live.
            let mark = items.mark();
            items.merge(item(2, Some(7), "new", 1));
            // The listing, read before item 2 was made, has item 1 only.
            items.merge_listing(Some(7), vec![item(1, Some(7), "old", 1)], mark);
            let names: Vec<String> = items
                .in_folder(Some(7))
                .into_iter()
                .map(|i| i.name)
                .collect();
            assert_eq!(names, ["new", "old"]);
        });
    }
}
