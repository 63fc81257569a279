//! Folder downloads: a zip of a folder and everything in it (not what is in the trash),
//! or of several selected items, written as it streams, so that memory stays flat
//! whatever the folder holds.
//!
//! As for files, a download is a single-use URL good for [`download::TOKEN_SECS`]
//! seconds (only the token's SHA-256 is kept), bound to the folder and to the person who
//! asked for it, or to the share link it was asked through (counted against its download
//! limit); using it checks that access again. Entries are deflated (fast level) with data
//! descriptors and zip64 fields, the form every common unzip tool reads from a stream;
//! names are the items' own (no `/`, `\`, `.` or `..` can be in one, so no entry can
//! point outside the folder). A file that cannot be read midway cuts the download
//! instead of ending it as if complete.

use std::pin::pin;

use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, DeflateOption, ZipEntryBuilder};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use futures_util::io::AsyncWriteExt as _;
use futures_util::StreamExt;
use huddle_protocol::drive::{DownloadUrl, Item, ItemKind, Selection};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::content::{self, Reader};
use super::download::{self, disposition, TOKEN_SECS};
use super::public;
use super::shares::{in_trash, token_hash};
use super::store;
use crate::api::{ApiJson, ApiPath};
use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::{access, AppState};

/// The most files and folders one zip holds.
pub const MAX_ENTRIES: usize = 50_000;

/// The routes of folder downloads.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask))
        .routes(routes!(ask_by_link))
        .routes(routes!(ask_selection))
        .routes(routes!(fetch))
}

/// Records a zip token of `folder` for `user` (or link `share`); its URL.
async fn issue(
    tx: &mut Tx,
    state: &AppState,
    folder: i64,
    user: i64,
    share: Option<i64>,
) -> ApiResult<DownloadUrl> {
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let expires_at = now() + TOKEN_SECS;
    tx.execute(
        "INSERT INTO drive_zip_tokens (token_hash, folder_id, user_id, share_id, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        args![token_hash(&token), folder, user, share, expires_at],
    )
    .await?;
    tx.execute(
        "DELETE FROM drive_zip_tokens WHERE expires_at < $1",
        args![now() - 3600],
    )
    .await?;
    Ok(DownloadUrl {
        url: download::url_of(state, &format!("/api/v1/drive/zip/{token}")),
        expires_at,
    })
}

/// A URL that downloads the folder as a zip, once, within a minute.
#[utoipa::path(post, path = "/drive/folders/{id}/download", tag = "drive", params(("id" = i64, Path, description = "Folder id")), responses((status = 200, body = DownloadUrl)))]
async fn ask(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DownloadUrl>> {
    let mut tx = state.db.write().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    if a.kind != ItemKind::Folder || in_trash(&mut tx, id).await? {
        return Err(ApiError::not_found("folder"));
    }
    let url = issue(&mut tx, &state, id, user.id, None).await?;
    tx.commit().await?;
    Ok(Json(url))
}

/// A URL that downloads a folder of a `view` link as a zip (counted against the link's
/// download limit).
#[utoipa::path(post, path = "/public/share/folders/{id}/download", tag = "drive", security(()), params(("Huddle-Share-Token" = String, Header, description = "The link's token"), ("id" = i64, Path, description = "The shared folder's id, or one below it"), ("Huddle-Share-Grant" = Option<String>, Header, description = "A grant from `unlock`")), responses((status = 200, body = DownloadUrl), (status = 410, description = "`SHARE_EXHAUSTED`")))]
async fn ask_by_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<DownloadUrl>> {
    let mut tx = state.db.write().await?;
    let link = public::unlocked(&mut tx, &headers).await?;
    public::view_only(&link)?;
    let (folder, _) = public::within(&mut tx, &link, id).await?;
    if folder.kind != ItemKind::Folder {
        return Err(ApiError::not_found("folder"));
    }
    public::count_download(&mut tx, &link).await?;
    let url = issue(&mut tx, &state, id, link.created_by, Some(link.id)).await?;
    tx.commit().await?;
    Ok(Json(url))
}

/// Uses up `token`, good for one download within its minute: `Err(410)` if it was used or
/// has expired.
async fn use_up(tx: &mut Tx, table: &str, token: &str, expires_at: i64) -> ApiResult<()> {
    if expires_at <= now() {
        return Err(download::gone("has expired"));
    }
    let sql = format!("UPDATE {table} SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL");
    let took = tx
        .execute(sqlx::AssertSqlSafe(sql), args![token_hash(token), now()])
        .await?;
    if took != 1 {
        return Err(download::gone("was used already"));
    }
    Ok(())
}

/// The zip's name and entries of a folder token; `None` if `token` is no folder token.
async fn by_folder(
    state: &AppState,
    tx: &mut Tx,
    token: &str,
) -> ApiResult<Option<(String, Vec<Entry>)>> {
    let row: Option<(i64, i64, Option<i64>, i64)> = tx
        .optional(
            "SELECT folder_id, user_id, share_id, expires_at FROM drive_zip_tokens \
             WHERE token_hash = $1",
            args![token_hash(token)],
        )
        .await?;
    let Some((folder, user, share, expires_at)) = row else {
        return Ok(None);
    };
    use_up(tx, "drive_zip_tokens", token, expires_at).await?;
    // Still allowed: the person in the workspace, or the link working and reaching it.
    match share {
        None => {
            access::drive_item(tx, folder, user)
                .await
                .map_err(|_| ApiError::not_found("folder"))?;
            if in_trash(tx, folder).await? {
                return Err(ApiError::not_found("folder"));
            }
        }
        Some(share) => {
            let link = public::live_by_id(tx, share)
                .await
                .map_err(|_| ApiError::not_found("folder"))?;
            public::within(tx, &link, folder)
                .await
                .map_err(|_| ApiError::not_found("folder"))?;
        }
    }
    let top = store::item(tx, folder).await?;
    let name = top.name.clone();
    Ok(Some((name, entries(state, tx, vec![top]).await?)))
}

/// The zip's name and entries of a selection token (404 if it is none).
async fn by_selection(
    state: &AppState,
    tx: &mut Tx,
    token: &str,
) -> ApiResult<(String, Vec<Entry>)> {
    let row: Option<(i64, String, i64)> = tx
        .optional(
            "SELECT user_id, items, expires_at FROM drive_zip_selections WHERE token_hash = $1",
            args![token_hash(token)],
        )
        .await?;
    let (user, ids, expires_at) = row.ok_or_else(|| ApiError::not_found("download"))?;
    use_up(tx, "drive_zip_selections", token, expires_at).await?;
    let ids: Vec<i64> = serde_json::from_str(&ids).map_err(ApiError::internal)?;
    let tops = visible(tx, &ids, user).await?;
    Ok((zip_name(tx, &tops).await?, entries(state, tx, tops).await?))
}

/// Items `ids`, each seen by `user` and not in the trash, all of one workspace (404
/// otherwise).
async fn visible(tx: &mut Tx, ids: &[i64], user: i64) -> ApiResult<Vec<Item>> {
    let mut out: Vec<Item> = Vec::with_capacity(ids.len());
    for &id in ids {
        access::drive_item(tx, id, user).await?;
        if in_trash(tx, id).await? {
            return Err(ApiError::not_found("item"));
        }
        let it = store::item(tx, id).await?;
        if out
            .first()
            .is_some_and(|f| f.workspace_id != it.workspace_id)
        {
            return Err(ApiError::not_found("item"));
        }
        out.push(it);
    }
    Ok(out)
}

/// The name of a selection's zip: their folder's, or "Drive" (at the top, or from
/// several folders).
async fn zip_name(tx: &mut Tx, tops: &[Item]) -> ApiResult<String> {
    let parent = tops.first().and_then(|i| i.parent_id);
    match parent {
        Some(p) if tops.iter().all(|i| i.parent_id == Some(p)) => {
            Ok(store::item(tx, p).await?.name)
        }
        _ => Ok("Drive".to_owned()),
    }
}

/// Most items one selection download names.
pub const MAX_SELECTED: usize = 1_000;

/// A URL that downloads the selected items (files and folders of one workspace) as one
/// zip, once, within a minute.
#[utoipa::path(post, path = "/workspaces/{id}/drive/download", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), request_body = Selection, responses((status = 200, body = DownloadUrl)))]
async fn ask_selection(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(workspace): ApiPath<i64>,
    ApiJson(body): ApiJson<Selection>,
) -> ApiResult<Json<DownloadUrl>> {
    let mut ids = body.ids;
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| seen.insert(*i));
    if ids.is_empty() || ids.len() > MAX_SELECTED {
        return Err(ApiError::invalid(format!("ids: 1 to {MAX_SELECTED} items")));
    }
    let mut tx = state.db.write().await?;
    access::workspace_role(&mut tx, workspace, user.id).await?;
    let tops = visible(&mut tx, &ids, user.id).await?;
    if tops[0].workspace_id != workspace {
        return Err(ApiError::not_found("item"));
    }
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let expires_at = now() + TOKEN_SECS;
    tx.execute(
        "INSERT INTO drive_zip_selections (token_hash, workspace_id, user_id, items, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        args![
            token_hash(&token),
            workspace,
            user.id,
            serde_json::to_string(&ids).map_err(ApiError::internal)?,
            expires_at
        ],
    )
    .await?;
    tx.execute(
        "DELETE FROM drive_zip_selections WHERE expires_at < $1",
        args![now() - 3600],
    )
    .await?;
    tx.commit().await?;
    Ok(Json(DownloadUrl {
        url: download::url_of(&state, &format!("/api/v1/drive/zip/{token}")),
        expires_at,
    }))
}

/// An entry of the zip: a folder (its path, ending in `/`) or a file and its reader.
enum Entry {
    Folder(String),
    File(String, Box<Reader>),
}

/// Every entry of `tops` and of what their folders hold (not what is in the trash), each
/// top at the zip's root under its name (a name repeated among them numbered, as in a
/// folder: `notes (2).txt`).
async fn entries(state: &AppState, tx: &mut Tx, tops: Vec<Item>) -> ApiResult<Vec<Entry>> {
    let mut out = Vec::new();
    let mut queue = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for it in tops {
        let mut name = it.name.clone();
        let mut n = 2;
        while !taken.insert(name.to_lowercase()) {
            name = store::numbered(&it.name, n);
            n += 1;
        }
        push(state, tx, &mut out, &mut queue, it, name).await?;
    }
    while let Some((workspace, id, path)) = queue.pop() {
        for it in store::children(tx, workspace, Some(id)).await? {
            let name = format!("{path}/{}", it.name);
            push(state, tx, &mut out, &mut queue, it, name).await?;
        }
    }
    Ok(out)
}

/// Adds item `it` at `name` (a folder: queued for what it holds).
async fn push(
    state: &AppState,
    tx: &mut Tx,
    out: &mut Vec<Entry>,
    queue: &mut Vec<(i64, i64, String)>,
    it: Item,
    name: String,
) -> ApiResult<()> {
    if out.len() >= MAX_ENTRIES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!(
                "a zip holds at most {MAX_ENTRIES} files and folders: download smaller folders"
            ),
        ));
    }
    match it.kind {
        ItemKind::Folder => {
            out.push(Entry::Folder(format!("{name}/")));
            queue.push((it.workspace_id, it.id, name));
        }
        ItemKind::File => {
            let (version,): (i64,) = tx
                .one(
                    "SELECT current_version_id FROM drive_items WHERE id = $1",
                    args![it.id],
                )
                .await?;
            let reader =
                content::reader(tx, &state.drive.blobs, &state.drive.salt, version).await?;
            out.push(Entry::File(name, Box::new(reader)));
        }
    }
    Ok(())
}

/// Writes the zip of `entries` into `w`.
async fn write(entries: Vec<Entry>, w: tokio::io::DuplexStream) -> Result<(), String> {
    let mut zip = ZipFileWriter::with_tokio(w);
    for e in entries {
        match e {
            Entry::Folder(path) => {
                let b = ZipEntryBuilder::new(path.into(), Compression::Stored);
                zip.write_entry_whole(b, &[])
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Entry::File(path, reader) => {
                let b = ZipEntryBuilder::new(path.into(), Compression::Deflate)
                    .deflate_option(DeflateOption::Other(1));
                let mut entry = zip.write_entry_stream(b).await.map_err(|e| e.to_string())?;
                let size = reader.size;
                let mut pieces = pin!(reader.stream(0..size));
                while let Some(piece) = pieces.next().await {
                    let piece = piece.map_err(|e| e.message)?;
                    entry.write_all(&piece).await.map_err(|e| e.to_string())?;
                }
                entry.close().await.map_err(|e| e.to_string())?;
            }
        }
    }
    zip.close().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// The zip of a folder (or selection) download URL.
#[utoipa::path(get, path = "/drive/zip/{token}", tag = "drive", security(()), params(("token" = String, Path, description = "The token of a folder or selection download URL")), responses((status = 200, description = "The folder (or the selection) as a zip", content_type = "application/zip"), (status = 410, description = "`DOWNLOAD_EXPIRED`: expired or used")))]
async fn fetch(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Response> {
    let mut tx = state.db.write().await?;
    let (name, all) = match by_folder(&state, &mut tx, &token).await? {
        Some(found) => found,
        None => by_selection(&state, &mut tx, &token).await?,
    };
    tx.commit().await?;
    tracing::info!(entries = all.len(), "drive: zip download");

    let (w, r) = tokio::io::duplex(256 * 1024);
    let task = tokio::spawn(write(all, w));
    // The writer's end closes when it is done: then whether it finished decides whether
    // the answer ends cleanly or is cut.
    let tail = futures_util::stream::once(async move {
        match task.await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "drive: zip download cut");
                Some(Err(std::io::Error::other(e)))
            }
            Err(e) => Some(Err(std::io::Error::other(e.to_string()))),
        }
    })
    .filter_map(|x| async move { x });
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(r).chain(tail));
    let mut res = Response::new(body);
    let hs = res.headers_mut();
    hs.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    hs.insert(
        header::CONTENT_DISPOSITION,
        disposition(&format!("{name}.zip")),
    );
    hs.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    hs.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    hs.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
