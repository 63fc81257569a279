//! Uploads that outlive the page: each upload of a member's Drive is remembered in
//! `localStorage` (its tus URL, where it goes, and the file's name, size and date) until
//! it completes or is cancelled. A reload, a closed tab or a crash leaves it there: the
//! upload panel lists it as interrupted, and the same file picked again (or uploaded again
//! to the same place) goes on from the offset the server has (tus `HEAD`), as
//! `tus-js-client` does with its fingerprints. The browser does not keep the file itself
//! across a reload: it has to be picked again. The server forgets an upload after a day
//! (its `HEAD` answers 404), and so does this list then; signing out empties it.

use serde::{Deserialize, Serialize};

use crate::api::drive::UploadTarget;

/// The list's key (removed at sign-out with the rest of the person's data).
fn key() -> String {
    format!("{}drive-uploads.v1", crate::session::PRIVATE_STORAGE)
}

/// Where a remembered upload goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A folder of the workspace (`None`: the top).
    Folder(Option<i64>),
    /// A new version of a file.
    Version(i64),
}

impl Place {
    /// Where an upload to `target` goes, if it is remembered (a member's uploads to the
    /// drive; not files for messages nor a share link's drops).
    pub fn of(target: &UploadTarget) -> Option<(i64, Place)> {
        match *target {
            UploadTarget::Folder { workspace, parent } => Some((workspace, Place::Folder(parent))),
            UploadTarget::NewVersion { workspace, file } => Some((workspace, Place::Version(file))),
            UploadTarget::Channel { .. } | UploadTarget::Link(_) => None,
        }
    }

    /// The target of an upload there.
    pub fn target(self, workspace: i64) -> UploadTarget {
        match self {
            Place::Folder(parent) => UploadTarget::Folder { workspace, parent },
            Place::Version(file) => UploadTarget::NewVersion { workspace, file },
        }
    }
}

/// A file, as far as a page can tell it again after a reload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: f64,
    /// When it was last changed (ms since the epoch).
    pub modified: f64,
}

impl Fingerprint {
    /// The fingerprint of `file`.
    pub fn of(file: &web_sys::File) -> Fingerprint {
        Fingerprint {
            name: file.name(),
            size: file.size(),
            modified: file.last_modified(),
        }
    }
}

/// An upload not finished yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    /// Its tus URL.
    pub location: String,
    /// The workspace.
    pub workspace: i64,
    /// Where it goes there.
    pub place: Place,
    /// The file.
    pub file: Fingerprint,
}

thread_local! {
    /// The uploads this page started (it runs them, or ran them and may retry them): not
    /// interrupted ones.
    static CLAIMED: std::cell::RefCell<std::collections::HashSet<String>> =
        Default::default();
    /// The uploads this page is sending right now.
    static RUNNING: std::cell::RefCell<std::collections::HashSet<String>> =
        Default::default();
}

/// Marks the upload at `location` as this page's, sending now, until the guard goes.
pub fn claim(location: &str) -> Running {
    CLAIMED.with(|c| c.borrow_mut().insert(location.to_owned()));
    RUNNING.with(|c| c.borrow_mut().insert(location.to_owned()));
    Running(location.to_owned())
}

/// An upload this page is sending (see [`claim`]).
pub struct Running(String);

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.with(|c| c.borrow_mut().remove(&self.0));
    }
}

/// The remembered uploads of `workspace` that no code of this page runs: interrupted by
/// a reload or a closed tab (or running in another tab).
pub fn interrupted(workspace: i64) -> Vec<Remembered> {
    CLAIMED.with(|c| {
        let c = c.borrow();
        all()
            .into_iter()
            .filter(|r| r.workspace == workspace && !c.contains(&r.location))
            .collect()
    })
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Every remembered upload.
pub fn all() -> Vec<Remembered> {
    storage()
        .and_then(|s| s.get_item(&key()).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn store(list: &[Remembered]) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(list)) {
        // Full or refused storage: the upload still runs, it just will not resume.
        let _ = s.set_item(&key(), &text);
    }
}

/// Remembers `r` (beside another upload of the same file, if one is running).
pub fn remember(r: Remembered) {
    let mut list = all();
    list.retain(|x| x.location != r.location);
    list.push(r);
    store(&list);
}

/// Forgets the upload at `location`.
pub fn forget(location: &str) {
    let mut list = all();
    let before = list.len();
    list.retain(|x| x.location != location);
    if list.len() != before {
        store(&list);
    }
}

/// The upload of `file` to `place` of `workspace`, if one is remembered that no code of
/// this page is sending (the same file dropped twice at once is two uploads; a failed
/// one, retried, goes on).
pub fn find(workspace: i64, place: Place, file: &Fingerprint) -> Option<Remembered> {
    let list: Vec<Remembered> = RUNNING.with(|c| {
        let c = c.borrow();
        all()
            .into_iter()
            .filter(|r| !c.contains(&r.location))
            .collect()
    });
    matching(&list, workspace, place, file)
}

/// The entry of `list` for `file` to `place` of `workspace`.
pub fn matching(
    list: &[Remembered],
    workspace: i64,
    place: Place,
    file: &Fingerprint,
) -> Option<Remembered> {
    list.iter()
        .find(|x| x.workspace == workspace && x.place == place && &x.file == file)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(location: &str, place: Place, name: &str, modified: f64) -> Remembered {
        Remembered {
            location: location.into(),
            workspace: 1,
            place,
            file: Fingerprint {
                name: name.into(),
                size: 10.0,
                modified,
            },
        }
    }

    #[test]
    fn an_upload_is_found_again_only_for_the_same_file_and_place() {
        let list = vec![
            entry("/u/1", Place::Folder(None), "a.bin", 5.0),
            entry("/u/2", Place::Folder(Some(3)), "a.bin", 5.0),
            entry("/u/3", Place::Version(9), "a.bin", 5.0),
        ];
        let a = |modified| Fingerprint {
            name: "a.bin".into(),
            size: 10.0,
            modified,
        };
        let at = |place| matching(&list, 1, place, &a(5.0)).map(|r| r.location);
        assert_eq!(at(Place::Folder(None)).as_deref(), Some("/u/1"));
        assert_eq!(at(Place::Folder(Some(3))).as_deref(), Some("/u/2"));
        assert_eq!(at(Place::Version(9)).as_deref(), Some("/u/3"));
        assert_eq!(at(Place::Folder(Some(4))), None);
        // Changed since (another date), or another workspace: a new upload.
        assert_eq!(matching(&list, 1, Place::Folder(None), &a(6.0)), None);
        assert_eq!(matching(&list, 2, Place::Folder(None), &a(5.0)), None);
        // The places read back as written.
        let text = serde_json::to_string(&list).unwrap();
        assert_eq!(
            serde_json::from_str::<Vec<Remembered>>(&text).unwrap(),
            list
        );
    }
}
