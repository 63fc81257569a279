//! Drive: a workspace's folders and files.
//!
//! Files arrive by the tus 1.0.0 resumable upload protocol (`POST
//! /workspaces/{id}/drive/uploads`, then `PATCH` of the upload's URL); everything else is
//! JSON. A file's bytes never come back through the JSON API: a download is a short-lived
//! single-purpose URL ([`DownloadUrl`]).

use serde::{Deserialize, Serialize};

/// A folder or a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ItemKind {
    /// Holds other items.
    Folder,
    /// Holds bytes, in versions.
    File,
}

impl ItemKind {
    /// The kind's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Folder => "folder",
            ItemKind::File => "file",
        }
    }

    /// The kind named `s` on the wire or in the database.
    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "folder" => Some(ItemKind::Folder),
            "file" => Some(ItemKind::File),
            _ => None,
        }
    }
}

/// A folder or file as a workspace member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    /// Id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// The folder it is in; `None` at the top of the drive.
    pub parent_id: Option<i64>,
    /// Folder or file.
    pub kind: ItemKind,
    /// Its name (unique in its folder, ignoring case).
    pub name: String,
    /// Bytes of the current version (0 for a folder).
    pub size: i64,
    /// The current version's type, sniffed from its bytes by the server (`None` for a
    /// folder).
    pub mime: Option<String>,
    /// The current version's number (1 for the first upload; 0 for a folder).
    pub version: i64,
    /// Who created it.
    pub created_by: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last change of its name, place or content.
    pub updated_at: i64,
    /// Unix seconds it went to the trash (itself, not with a folder it is in).
    pub trashed_at: Option<i64>,
    /// Grows with every change: of two copies, the one with the higher revision is newer.
    pub revision: i64,
    /// For a file uploaded to a channel as a message's attachment: that channel. Such a
    /// file is in no folder and listed nowhere in Drive; only those who can read the
    /// channel can see it, and it changes (or goes) only with its message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<i64>,
}

/// A folder's content, folders first, then by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listing {
    /// The folder (`None` for the top of the drive).
    pub folder: Option<Item>,
    /// The folders from the top down to the folder's parent, for breadcrumbs.
    pub path: Vec<Item>,
    /// What it holds (not in the trash).
    pub items: Vec<Item>,
}

/// What the workspace's files take, and what they may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    /// Bytes of every version of every file, the trash's included.
    pub used: i64,
    /// The workspace's quota in bytes (`None`: no limit).
    pub quota: Option<i64>,
    /// The largest file the server takes, in bytes (`None`: no limit but the quota).
    pub max_file_size: Option<i64>,
}

/// `POST /workspaces/{id}/drive/folders`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFolder {
    /// Its name.
    pub name: String,
    /// The folder to make it in; absent for the top of the drive.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// `POST /drive/items/{id}/copy`: where the copy goes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CopyItem {
    /// The folder to copy into; absent for the top of the drive.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// `PATCH /drive/items/{id}`: a new name, a new place, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemChange {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new folder: `{"parent_id": 7}`, or `{"parent_id": null}` for the top.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::double_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub parent_id: Option<Option<i64>>,
}

/// One version of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Version {
    /// Its number (1 for the first upload).
    pub number: i64,
    /// Bytes.
    pub size: i64,
    /// The type the server sniffed from its bytes.
    pub mime: Option<String>,
    /// Who uploaded it.
    pub created_by: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Whether it is the file's current version.
    pub current: bool,
}

/// `POST /drive/files/{id}/download`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DownloadRequest {
    /// A version number (default: the current one).
    #[serde(default)]
    pub version: Option<i64>,
}

/// `POST /workspaces/{id}/drive/download`: items to download as one zip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Selection {
    /// Files and folders of the workspace (1 to 1,000).
    pub ids: Vec<i64>,
}

/// A URL that downloads one version of one file, once, within a minute, for the person
/// who asked for it. It holds a random token and nothing else.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DownloadUrl {
    /// Path and query, under the same origin as the API (or the configured download
    /// origin's full URL).
    pub url: String,
    /// Unix seconds after which it no longer works.
    pub expires_at: i64,
}

redacted_debug!(DownloadUrl);

/// What a share link lets someone without an account do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ShareMode {
    /// See and download the file, or the folder's content.
    View,
    /// Upload files into the folder, without seeing what it holds ("file drop").
    Drop,
}

impl ShareMode {
    /// The mode's name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareMode::View => "view",
            ShareMode::Drop => "drop",
        }
    }

    /// The mode named `s` on the wire or in the database.
    pub fn parse(s: &str) -> Option<ShareMode> {
        match s {
            "view" => Some(ShareMode::View),
            "drop" => Some(ShareMode::Drop),
            _ => None,
        }
    }
}

/// `POST /drive/items/{id}/shares`: a new share link.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewShare {
    /// `view` (files and folders) or `drop` (folders only); default `view`.
    #[serde(default)]
    pub mode: Option<ShareMode>,
    /// A password the link asks for (8 to 256 characters), kept only hashed.
    #[serde(default)]
    pub password: Option<String>,
    /// Unix seconds after which the link stops working.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Downloads the link allows (at least 1); counted when a download starts.
    #[serde(default)]
    pub download_limit: Option<i64>,
}

redacted_debug!(NewShare);

/// A share link, as the workspace's members see it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// Id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// The shared file or folder.
    pub item_id: i64,
    /// The shared item's name.
    pub item_name: String,
    /// The shared item's kind.
    pub item_kind: ItemKind,
    /// What the link allows.
    pub mode: ShareMode,
    /// The link under the app's origin: `/s#<token>` (the token after `#` never reaches a server).
    pub path: String,
    /// Whether it asks for a password.
    pub has_password: bool,
    /// Unix seconds after which it stops working.
    pub expires_at: Option<i64>,
    /// Downloads it allows.
    pub download_limit: Option<i64>,
    /// Downloads started through it so far.
    pub downloads: i64,
    /// Who made it.
    pub created_by: i64,
    /// Unix seconds.
    pub created_at: i64,
}

redacted_debug!(Share);

/// `GET /public/shares/{token}`: what a link shows before anything is unlocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareInfo {
    /// What the link allows.
    pub mode: ShareMode,
    /// Whether a password must be given (`POST …/unlock`) before anything else; nothing
    /// about the item is shown until then.
    pub needs_password: bool,
    /// The shared item (absent while a password is needed).
    pub item: Option<SharedItem>,
    /// Unix seconds after which the link stops working.
    pub expires_at: Option<i64>,
}

/// An item seen through a share link: no ids of people, no workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedItem {
    /// Id (to list a folder or download a file within the share).
    pub id: i64,
    /// Folder or file.
    pub kind: ItemKind,
    /// Its name.
    pub name: String,
    /// Bytes (0 for a folder).
    pub size: i64,
    /// The sniffed type of a file.
    pub mime: Option<String>,
    /// Unix seconds of its last change.
    pub updated_at: i64,
}

/// `POST /public/shares/{token}/unlock`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareUnlock {
    /// The link's password.
    pub password: String,
}

redacted_debug!(ShareUnlock);

/// A grant to use a password-protected link for a while, without its password: sent
/// back as the `Huddle-Share-Grant` header.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareGrant {
    /// The grant (random).
    pub grant: String,
    /// Unix seconds after which it no longer works.
    pub expires_at: i64,
}

redacted_debug!(ShareGrant);

/// `GET /public/shares/{token}/folders/{id}`: a folder within a shared folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedListing {
    /// The folder.
    pub folder: SharedItem,
    /// The folders from the shared one down to this one's parent.
    pub path: Vec<SharedItem>,
    /// What it holds, folders first, then by name.
    pub items: Vec<SharedItem>,
}

/// `GET /workspaces/{id}/drive/search?q=`: items by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DriveSearchQuery {
    /// The words to find in names, as in the workspace's message search: every one must
    /// match, a word of 3 letters or more also matches the words it starts.
    #[cfg_attr(feature = "openapi", param(max_length = 256))]
    pub q: String,
}

/// An item found by name, with the folders it is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Found {
    /// The item.
    pub item: Item,
    /// The folders from the top down to its parent.
    pub path: Vec<Item>,
}

/// Events of a workspace's drive room (`drive:<workspace id>`), sent by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DriveEvent {
    /// An item was created, renamed, moved, trashed, restored, or got a new version:
    /// here is its new state.
    Item {
        /// The item.
        item: Item,
    },
    /// Items were deleted for good (the trash emptied).
    Deleted {
        /// Their ids.
        ids: Vec<i64>,
    },
}

impl crate::realtime::RoomEvent for DriveEvent {
    fn origin(&self) -> crate::realtime::Origin {
        crate::realtime::Origin::Server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_to_the_top_is_an_explicit_null() {
        let c: ItemChange = serde_json::from_str(r#"{"parent_id": null}"#).unwrap();
        assert_eq!(c.parent_id, Some(None));
        let c: ItemChange = serde_json::from_str(r#"{"name": "a"}"#).unwrap();
        assert_eq!(c.parent_id, None);
        let c: ItemChange = serde_json::from_str(r#"{"parent_id": 3}"#).unwrap();
        assert_eq!(c.parent_id, Some(Some(3)));
        assert_eq!(
            serde_json::to_string(&ItemChange {
                name: None,
                parent_id: Some(None)
            })
            .unwrap(),
            r#"{"parent_id":null}"#
        );
        assert!(serde_json::from_str::<ItemChange>(r#"{"parent": 3}"#).is_err());
    }

    #[test]
    fn events_are_tagged() {
        let e = DriveEvent::Deleted { ids: vec![1, 2] };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"type":"deleted","ids":[1,2]}"#
        );
    }
}
