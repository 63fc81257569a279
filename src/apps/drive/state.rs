//! Drive's state, provided by its root route: every item seen (kept by id, the newest
//! revision winning, whether it came from a listing or a live event), the folder shown
//! and its path, and the uploads under way.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::drive::{Item, ItemKind};

/// Every item seen, by id.
#[derive(Clone, Copy)]
pub struct Items(pub RwSignal<HashMap<i64, Item>>);

impl Items {
    /// Takes `item` unless a newer copy (higher revision) is already here: the one merge
    /// every answer and live event goes through.
    pub fn merge(&self, item: Item) {
        self.0.update(|m| {
            let newer = m
                .get(&item.id)
                .is_none_or(|old| item.revision >= old.revision);
            if newer {
                m.insert(item.id, item);
            }
        });
    }

    /// Takes a whole listing of `folder`: its items merged, and those of the folder that
    /// the listing no longer has (moved, trashed or deleted meanwhile) dropped.
    pub fn merge_listing(&self, folder: Option<i64>, items: Vec<Item>) {
        let ids: std::collections::HashSet<i64> = items.iter().map(|i| i.id).collect();
        self.0.update(|m| {
            m.retain(|id, it| {
                it.parent_id != folder || it.trashed_at.is_some() || ids.contains(id)
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
        }
    }

    #[test]
    fn the_newest_revision_wins_whatever_comes_first() {
        let owner = Owner::new();
        owner.with(|| {
            let items = Items(RwSignal::new(HashMap::new()));
            items.merge(item(1, None, "b", 3));
            items.merge(item(1, None, "old", 2));
            assert_eq!(items.in_folder(None)[0].name, "b");
            items.merge(item(1, Some(9), "moved", 4));
            assert!(items.in_folder(None).is_empty());
            // A listing drops what left the folder, keeps the rest sorted.
            items.merge(item(2, None, "a", 1));
            items.merge_listing(None, vec![item(3, None, "C", 1)]);
            let names: Vec<String> = items.in_folder(None).into_iter().map(|i| i.name).collect();
            assert_eq!(names, ["C"]);
            assert_eq!(items.in_folder(Some(9))[0].name, "moved");
        });
    }
}
