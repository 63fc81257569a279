//! Drive's calls: folders and files (JSON), uploads by tus (bytes from the browser's
//! `File`, sent slice by slice), download URLs. Part of [`crate::api`], the app's one
//! HTTP client.

use gloo_net::http::Request;
use huddle_protocol::drive::{
    CopyItem, DownloadRequest, ItemChange, NewFolder, Selection, ShareUnlock,
};
pub use huddle_protocol::drive::{
    DownloadUrl, DriveEvent, Found, Item, ItemKind, Listing, NewShare, Share, ShareGrant,
    ShareInfo, ShareMode, SharedItem, SharedListing, Usage, Version,
};

use super::{
    check, network, send_empty, send_json, url, with_csrf, with_key, ApiError, ApiResult, NO_BODY,
};

/// The top of a workspace's drive.
pub async fn top(workspace: i64) -> ApiResult<Listing> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/drive"))),
        NO_BODY,
    )
    .await
}

/// A folder's content and its path.
pub async fn folder(id: i64) -> ApiResult<Listing> {
    send_json(Request::get(&url(&format!("/drive/folders/{id}"))), NO_BODY).await
}

/// One item.
pub async fn item(id: i64) -> ApiResult<Item> {
    send_json(Request::get(&url(&format!("/drive/items/{id}"))), NO_BODY).await
}

/// Makes a folder (`parent`: `None` for the top).
pub async fn create_folder(
    workspace: i64,
    parent: Option<i64>,
    name: &str,
    key: &str,
) -> ApiResult<Item> {
    let body = NewFolder {
        name: name.to_owned(),
        parent_id: parent,
    };
    let r = with_key(
        Request::post(&url(&format!("/workspaces/{workspace}/drive/folders"))),
        key,
    );
    send_json(r, Some(&body)).await
}

/// Renames an item.
pub async fn rename(id: i64, name: &str) -> ApiResult<Item> {
    let body = ItemChange {
        name: Some(name.to_owned()),
        parent_id: None,
    };
    send_json(
        Request::patch(&url(&format!("/drive/items/{id}"))),
        Some(&body),
    )
    .await
}

/// Moves an item into folder `parent` (`None`: the top).
pub async fn move_item(id: i64, parent: Option<i64>) -> ApiResult<Item> {
    let body = ItemChange {
        name: None,
        parent_id: Some(parent),
    };
    send_json(
        Request::patch(&url(&format!("/drive/items/{id}"))),
        Some(&body),
    )
    .await
}

/// Copies an item into `parent` (`None`: the top); the copy, under a free name.
pub async fn copy_item(id: i64, parent: Option<i64>) -> ApiResult<Item> {
    send_json(
        Request::post(&url(&format!("/drive/items/{id}/copy"))),
        Some(&CopyItem { parent_id: parent }),
    )
    .await
}

/// Puts an item in the trash, or takes it out.
pub async fn set_trashed(id: i64, trashed: bool) -> ApiResult<Item> {
    let what = if trashed { "trash" } else { "restore" };
    send_json(
        Request::post(&url(&format!("/drive/items/{id}/{what}"))),
        Some(&super::Empty {}),
    )
    .await
}

/// The items in the trash.
pub async fn trash(workspace: i64) -> ApiResult<Vec<Item>> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/drive/trash"))),
        NO_BODY,
    )
    .await
}

/// Deletes what is in the trash for good (admins and owners).
pub async fn empty_trash(workspace: i64) -> ApiResult<()> {
    send_empty(
        Request::delete(&url(&format!("/workspaces/{workspace}/drive/trash"))),
        NO_BODY,
    )
    .await
}

/// Deletes for good a file of a message not sent yet (taken out of its draft).
pub async fn delete_draft_file(id: i64) -> ApiResult<()> {
    send_empty(
        Request::delete(&url(&format!("/drive/items/{id}"))),
        NO_BODY,
    )
    .await
}

/// What the workspace's files take.
pub async fn usage(workspace: i64) -> ApiResult<Usage> {
    send_json(
        Request::get(&url(&format!("/workspaces/{workspace}/drive/usage"))),
        NO_BODY,
    )
    .await
}

/// A URL that downloads the file once within a minute.
pub async fn download_url(id: i64, version: Option<i64>) -> ApiResult<DownloadUrl> {
    send_json(
        Request::post(&url(&format!("/drive/files/{id}/download"))),
        Some(&DownloadRequest { version }),
    )
    .await
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Where an upload goes.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadTarget {
    /// A folder of a workspace's drive (`None`: the top), as a member.
    Folder {
        /// The workspace.
        workspace: i64,
        /// The folder.
        parent: Option<i64>,
    },
    /// A new version of a file, as a member.
    NewVersion {
        /// The workspace.
        workspace: i64,
        /// The file.
        file: i64,
    },
    /// A channel, for a message's attachment (see `Item::channel_id`), as a member.
    Channel {
        /// The channel's workspace.
        workspace: i64,
        /// The channel.
        channel: i64,
    },
    /// The folder of a `drop` share link, as whoever holds the link.
    Link(LinkKey),
}

/// Starts a tus upload of `size` bytes named `name`; returns its URL (an empty file is
/// complete at once: its id comes too).
pub async fn start_upload(
    target: &UploadTarget,
    name: &str,
    size: f64,
) -> ApiResult<(String, Option<i64>)> {
    let mut meta = format!("filename {}", b64(name));
    let req = match target {
        UploadTarget::Folder { workspace, parent } => {
            if let Some(p) = parent {
                meta.push_str(&format!(",parent {}", b64(&p.to_string())));
            }
            Request::post(&url(&format!("/workspaces/{workspace}/drive/uploads")))
        }
        UploadTarget::NewVersion { workspace, file } => {
            meta.push_str(&format!(",replaces {}", b64(&file.to_string())));
            Request::post(&url(&format!("/workspaces/{workspace}/drive/uploads")))
        }
        UploadTarget::Channel { workspace, channel } => {
            meta.push_str(&format!(",channel {}", b64(&channel.to_string())));
            Request::post(&url(&format!("/workspaces/{workspace}/drive/uploads")))
        }
        UploadTarget::Link(key) => key.on(Request::post(&url("/public/share/uploads"))),
    };
    let res = with_csrf(req)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", &size.to_string())
        .header("Upload-Metadata", &meta)
        .send()
        .await
        .map_err(network)?;
    let res = check(res).await?;
    let file = res
        .headers()
        .get("huddle-file-id")
        .and_then(|v| v.parse().ok());
    let location = res
        .headers()
        .get("location")
        .ok_or_else(|| missing("Location"))?;
    Ok((location, file))
}

fn missing(header: &str) -> ApiError {
    ApiError {
        status: 0,
        code: "HTTP".into(),
        message: format!("the server's answer has no {header}"),
    }
}

/// What the server said after a piece of an upload: its offset, and the file once complete.
pub struct Sent {
    /// Bytes the server has.
    pub offset: f64,
    /// The file, once the last byte is in.
    pub file: Option<i64>,
}

/// Sends `piece` (the bytes from `offset`) to the upload at `location`.
pub async fn send_piece(location: &str, offset: f64, piece: &web_sys::Blob) -> ApiResult<Sent> {
    let res = with_csrf(Request::patch(location))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", &offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(wasm_bindgen::JsValue::from(piece.clone()))
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    let res = check(res).await?;
    let offset = res
        .headers()
        .get("upload-offset")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| missing("Upload-Offset"))?;
    let file = res
        .headers()
        .get("huddle-file-id")
        .and_then(|v| v.parse().ok());
    Ok(Sent { offset, file })
}

/// Where the upload at `location` stands (to resume it): the bytes the server has, and
/// the file it made once complete.
pub async fn upload_offset(location: &str) -> ApiResult<Sent> {
    let res = gloo_net::http::RequestBuilder::new(location)
        .method(gloo_net::http::Method::HEAD)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .map_err(network)?;
    let res = check(res).await?;
    let offset = res
        .headers()
        .get("upload-offset")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| missing("Upload-Offset"))?;
    let file = res
        .headers()
        .get("huddle-file-id")
        .and_then(|v| v.parse().ok());
    Ok(Sent { offset, file })
}

/// Ends the upload at `location` and has its bytes removed.
pub async fn cancel_upload(location: &str) -> ApiResult<()> {
    let res = with_csrf(Request::delete(location))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .map_err(network)?;
    check(res).await.map(drop)
}

/// Makes a share link to an item.
pub async fn create_share(item: i64, share: &NewShare) -> ApiResult<Share> {
    send_json(
        Request::post(&url(&format!("/drive/items/{item}/shares"))),
        Some(share),
    )
    .await
}

/// The share links of an item, newest first.
pub async fn item_shares(item: i64) -> ApiResult<Vec<Share>> {
    send_json(
        Request::get(&url(&format!("/drive/items/{item}/shares"))),
        NO_BODY,
    )
    .await
}

/// Revokes a share link.
pub async fn revoke_share(id: i64) -> ApiResult<()> {
    send_empty(
        Request::delete(&url(&format!("/drive/shares/{id}"))),
        NO_BODY,
    )
    .await
}

/// What opens a share link: its token and, once its password was given, a grant. Sent
/// in headers, never in a path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkKey {
    /// The link's token.
    pub token: String,
    /// A grant from [`unlock_share`].
    pub grant: Option<String>,
}

impl LinkKey {
    fn on(&self, r: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
        let r = r.header("Huddle-Share-Token", &self.token);
        match &self.grant {
            Some(g) => r.header("Huddle-Share-Grant", g),
            None => r,
        }
    }
}

/// What a share link is.
pub async fn share_info(key: &LinkKey) -> ApiResult<ShareInfo> {
    send_json(key.on(Request::get(&url("/public/share"))), NO_BODY).await
}

/// Gives a link's password; answers a grant.
pub async fn unlock_share(key: &LinkKey, password: &str) -> ApiResult<ShareGrant> {
    let body = ShareUnlock {
        password: password.to_owned(),
    };
    send_json(
        key.on(Request::post(&url("/public/share/unlock"))),
        Some(&body),
    )
    .await
}

/// A folder of a shared folder.
pub async fn shared_folder(key: &LinkKey, id: i64) -> ApiResult<SharedListing> {
    send_json(
        key.on(Request::get(&url(&format!("/public/share/folders/{id}")))),
        NO_BODY,
    )
    .await
}

/// A URL that downloads a shared file once.
pub async fn shared_download_url(key: &LinkKey, id: i64) -> ApiResult<DownloadUrl> {
    send_json(
        key.on(Request::post(&url(&format!(
            "/public/share/files/{id}/download"
        )))),
        Some(&super::Empty {}),
    )
    .await
}

/// The path players stream a file from (with the session; ranges allowed).
pub fn content_url(id: i64) -> String {
    url(&format!("/drive/files/{id}/content"))
}

async fn blob_of(res: gloo_net::http::Response) -> ApiResult<web_sys::Blob> {
    let res = check(res).await?;
    let raw: web_sys::Response = res.into();
    let promise = raw.blob().map_err(|_| missing("body"))?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| missing("body"))?;
    Ok(wasm_bindgen::JsCast::unchecked_into(blob))
}

/// A file's bytes for the viewer (the first `limit` bytes, if given), as a blob.
pub async fn content(id: i64, limit: Option<u64>) -> ApiResult<web_sys::Blob> {
    let mut r = Request::get(&content_url(id));
    if let Some(n) = limit {
        r = r.header("Range", &format!("bytes=0-{}", n.saturating_sub(1)));
    }
    blob_of(r.send().await.map_err(network)?).await
}

/// The first page of a PDF file as an image (a PNG made on the server).
pub async fn first_page(id: i64, version: i64) -> ApiResult<web_sys::Blob> {
    let r = Request::get(&url(&format!("/drive/files/{id}/page?version={version}")));
    blob_of(r.send().await.map_err(network)?).await
}

/// The thumbnail of version `version` of an image file (a PNG).
pub async fn thumbnail(id: i64, version: i64) -> ApiResult<web_sys::Blob> {
    let r = Request::get(&url(&format!(
        "/drive/files/{id}/thumbnail?version={version}"
    )));
    blob_of(r.send().await.map_err(network)?).await
}

/// A URL that downloads a folder as a zip, once within a minute.
pub async fn folder_zip_url(id: i64) -> ApiResult<DownloadUrl> {
    send_json(
        Request::post(&url(&format!("/drive/folders/{id}/download"))),
        Some(&super::Empty {}),
    )
    .await
}

/// A URL that downloads items `ids` of workspace `ws` as one zip.
pub async fn selection_zip_url(ws: i64, ids: Vec<i64>) -> ApiResult<DownloadUrl> {
    send_json(
        Request::post(&url(&format!("/workspaces/{ws}/drive/download"))),
        Some(&Selection { ids }),
    )
    .await
}

/// A URL that downloads a folder of a share link as a zip.
pub async fn shared_folder_zip_url(key: &LinkKey, id: i64) -> ApiResult<DownloadUrl> {
    send_json(
        key.on(Request::post(&url(&format!(
            "/public/share/folders/{id}/download"
        )))),
        Some(&super::Empty {}),
    )
    .await
}

/// Items of the workspace by name (not in the trash), with their paths.
pub async fn search(workspace: i64, q: &str) -> ApiResult<Vec<Found>> {
    send_json(
        Request::get(&url(&format!(
            "/workspaces/{workspace}/drive/search?q={}",
            super::encode(q)
        ))),
        NO_BODY,
    )
    .await
}

/// The versions of a file, newest first.
pub async fn versions(id: i64) -> ApiResult<Vec<Version>> {
    send_json(
        Request::get(&url(&format!("/drive/files/{id}/versions"))),
        NO_BODY,
    )
    .await
}

/// Makes version `number` the file's current one.
pub async fn restore_version(id: i64, number: i64) -> ApiResult<Item> {
    send_json(
        Request::post(&url(&format!(
            "/drive/files/{id}/versions/{number}/restore"
        ))),
        Some(&super::Empty {}),
    )
    .await
}
