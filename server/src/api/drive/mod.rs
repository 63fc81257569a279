//! Drive: a workspace's folders and files, encrypted at rest in authenticated segments
//! (see `content`), uploaded by tus (see `tus`), downloaded only through single-purpose
//! tokens (see `download`). Every workspace member may read and change its Drive; only
//! admins and owners may empty its trash.

pub(crate) mod content;
mod download;
pub mod pdf;
mod preview;
mod public;
mod shares;
mod sniff;
pub(crate) mod store;
pub mod tus;
mod zip;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::drive::{
    CopyItem, DriveEvent, DriveSearchQuery, Found, Item, ItemChange, ItemKind, Listing, NewFolder,
    Usage, Version,
};
use huddle_protocol::realtime::Collection;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{clean_name, ApiJson, ApiPath, ApiQuery};
use crate::access::{self, Action};
use crate::args;
use crate::blobs::Blobs;
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys;
use crate::session::CurrentUser;
use crate::AppState;

/// What Drive keeps beside the database: where the chunks go, the installation's salt,
/// and the uploads receiving bytes right now.
pub struct Drive {
    /// The chunks' store.
    pub blobs: Blobs,
    /// The installation's Drive salt (one of the three parts of every file's keys).
    pub salt: Vec<u8>,
    /// Uploads with a request writing to them (one at a time each).
    busy: Mutex<HashSet<String>>,
    /// Thumbnails and pages being made (at most `preview::AT_ONCE`).
    thumbnailing: tokio::sync::Semaphore,
    /// PDF pages being rendered (at most `preview::AT_ONCE`, apart from images).
    rendering: tokio::sync::Semaphore,
    /// The program that renders PDF pages (see [`pdf`]).
    renderer: std::path::PathBuf,
}

impl Drive {
    /// Drive over `blobs` with the installation's `salt`, rendering PDF pages with
    /// `renderer` (`<renderer> render-pdf`).
    pub fn new(blobs: Blobs, salt: Vec<u8>, renderer: std::path::PathBuf) -> Drive {
        Drive {
            blobs,
            salt,
            busy: Mutex::default(),
            thumbnailing: tokio::sync::Semaphore::new(preview::AT_ONCE),
            rendering: tokio::sync::Semaphore::new(preview::AT_ONCE),
            renderer,
        }
    }
}

impl std::fmt::Debug for Drive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drive")
            .field("blobs", &self.blobs)
            .finish_non_exhaustive()
    }
}

/// Holds an upload for one request; released when dropped.
pub(crate) struct Busy {
    drive: Arc<Drive>,
    id: String,
}

impl Busy {
    /// Takes upload `id`, or 423 `LOCKED` while another request writes to it.
    pub(crate) fn take(drive: &Arc<Drive>, id: &str) -> ApiResult<Busy> {
        let mut busy = drive.busy.lock().unwrap_or_else(|e| e.into_inner());
        if !busy.insert(id.to_owned()) {
            return Err(ApiError::new(
                StatusCode::LOCKED,
                "UPLOAD_BUSY",
                "another request is sending bytes to this upload",
            ));
        }
        Ok(Busy {
            drive: drive.clone(),
            id: id.to_owned(),
        })
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut busy = self.drive.busy.lock().unwrap_or_else(|e| e.into_inner());
        busy.remove(&self.id);
    }
}

/// The routes of Drive, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_top))
        .routes(routes!(create_folder))
        .routes(routes!(list_trash, empty_trash))
        .routes(routes!(usage))
        .routes(routes!(search))
        .routes(routes!(list_versions))
        .routes(routes!(restore_version))
        .routes(routes!(get_item, change_item, delete_item))
        .routes(routes!(list_folder))
        .routes(routes!(copy_item))
        .routes(routes!(trash_item))
        .routes(routes!(restore_item))
        .merge(download::router())
        .merge(preview::router())
        .merge(zip::router())
        .merge(shares::router())
        .merge(public::router())
        .merge(tus::router())
}

/// A name of a folder or a file: 1 to 255 characters, no `/` or `\`.
pub(crate) fn clean_item_name(raw: &str, what: &str) -> ApiResult<String> {
    let name = clean_name(raw, what, 255)?;
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(ApiError::invalid(format!(
            "{what}: no / or \\, and not . or .."
        )));
    }
    Ok(name)
}

/// After a change: the item to every member with the drive open.
pub(crate) async fn announce(state: &AppState, item: &Item) {
    keys::announce(
        state,
        Collection::Drive(item.workspace_id),
        &DriveEvent::Item { item: item.clone() },
    )
    .await;
}

/// The top of a workspace's drive.
#[utoipa::path(get, path = "/workspaces/{id}/drive", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = Listing)))]
async fn list_top(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Listing>> {
    let mut tx = state.db.read().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    let items = store::children(&mut tx, id, None).await?;
    Ok(Json(Listing {
        folder: None,
        path: Vec::new(),
        items,
    }))
}

/// A folder's content and its path from the top.
#[utoipa::path(get, path = "/drive/folders/{id}", tag = "drive", params(("id" = i64, Path, description = "Folder id")), responses((status = 200, body = Listing)))]
async fn list_folder(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Listing>> {
    let mut tx = state.db.read().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    if a.kind != ItemKind::Folder {
        return Err(ApiError::not_found("folder"));
    }
    let mut path = store::path(&mut tx, id).await?;
    let folder = path.pop();
    let items = store::children(&mut tx, a.workspace_id, Some(id)).await?;
    Ok(Json(Listing {
        folder,
        path,
        items,
    }))
}

/// Makes a folder.
#[utoipa::path(post, path = "/workspaces/{id}/drive/folders", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), request_body = NewFolder, responses((status = 201, body = Item)))]
async fn create_folder(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewFolder>,
) -> ApiResult<(StatusCode, Json<Item>)> {
    let name = clean_item_name(&body.name, "name")?;
    let mut tx = state.db.write().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    let item = store::create_folder(&mut tx, id, user.id, body.parent_id, &name).await?;
    tx.commit().await?;
    announce(&state, &item).await;
    Ok((StatusCode::CREATED, Json(item)))
}

/// One item.
#[utoipa::path(get, path = "/drive/items/{id}", tag = "drive", params(("id" = i64, Path, description = "Item id")), responses((status = 200, body = Item)))]
async fn get_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Item>> {
    let mut tx = state.db.read().await?;
    access::drive_item(&mut tx, id, user.id).await?;
    Ok(Json(store::item(&mut tx, id).await?))
}

/// Renames an item, moves it to another folder, or both.
#[utoipa::path(patch, path = "/drive/items/{id}", tag = "drive", params(("id" = i64, Path, description = "Item id")), request_body = ItemChange, responses((status = 200, body = Item)))]
async fn change_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ItemChange>,
) -> ApiResult<Json<Item>> {
    let name = match &body.name {
        Some(n) => Some(clean_item_name(n, "name")?),
        None => None,
    };
    let mut tx = state.db.write().await?;
    access::drive_item(&mut tx, id, user.id).await?;
    let it = store::item(&mut tx, id).await?;
    let item = store::change(&mut tx, &it, name.as_deref(), body.parent_id).await?;
    tx.commit().await?;
    announce(&state, &item).await;
    Ok(Json(item))
}

/// Deletes for good a file uploaded to a channel and not attached to a message yet, by
/// its uploader (a file taken out of a draft). Other items go through the trash, and a
/// message's file with its message: 409 `USE_TRASH`.
#[utoipa::path(delete, path = "/drive/items/{id}", tag = "drive", params(("id" = i64, Path, description = "Item id")), responses((status = 204), (status = 409, description = "`USE_TRASH`: not a file of a draft")))]
async fn delete_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    store::lock_workspace(&mut tx, a.workspace_id).await?;
    let it = store::item(&mut tx, id).await?;
    let sql = format!(
        "SELECT id FROM drive_items i WHERE id = $1 \
         AND NOT EXISTS (SELECT 1 FROM message_attachments ma WHERE ma.item_id = i.id){}",
        tx.for_update()
    );
    let unattached: Option<(i64,)> = tx.optional(sqlx::AssertSqlSafe(sql), args![id]).await?;
    if it.channel_id.is_none() || it.created_by != user.id || unattached.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "USE_TRASH",
            "only a file of a message not sent yet is deleted at once: other items go to the \
             trash, and a message's files go with it",
        ));
    }
    let versions = store::delete_items(&mut tx, &[id]).await?;
    tx.commit().await?;
    for v in versions {
        state.drive.blobs.remove_version(v).await;
    }
    tracing::info!(
        workspace = a.workspace_id,
        item = id,
        "drive: a draft's file deleted"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// Copies a file (its current version) or a folder (with everything in it that is not in
/// the trash) into a folder, under a free name (`report (2).pdf` where `report.pdf` is
/// taken). The copies share the originals' stored bytes, so a copy is quick whatever the
/// size, but count in the quota at their size (413 `QUOTA_EXCEEDED`); at most
/// `store::COPY_LIMIT` items (413 `TOO_LARGE`).
#[utoipa::path(post, path = "/drive/items/{id}/copy", tag = "drive", params(("id" = i64, Path, description = "Item id")), request_body = CopyItem, responses((status = 201, body = Item), (status = 413, description = "`QUOTA_EXCEEDED` or `TOO_LARGE`")))]
async fn copy_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CopyItem>,
) -> ApiResult<(StatusCode, Json<Item>)> {
    let mut tx = state.db.write().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    let it = store::item(&mut tx, id).await?;
    let quota = store::usage(&mut tx, a.workspace_id, state.config.drive_quota, None)
        .await?
        .quota;
    let made = store::copy(&mut tx, &it, user.id, body.parent_id, quota).await?;
    tx.commit().await?;
    let top = made.into_iter().next().expect("a copy makes its item");
    tracing::info!(
        workspace = a.workspace_id,
        from = id,
        to = top.id,
        "drive: copied"
    );
    // What is inside a new folder is in no one's open listing yet: the folder says it all.
    announce(&state, &top).await;
    Ok((StatusCode::CREATED, Json(top)))
}

/// Puts an item (and what it holds) in the trash.
#[utoipa::path(post, path = "/drive/items/{id}/trash", tag = "drive", params(("id" = i64, Path, description = "Item id")), responses((status = 200, body = Item)))]
async fn trash_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Item>> {
    set_trashed(state, user, id, true).await
}

/// Takes an item out of the trash, back where it was.
#[utoipa::path(post, path = "/drive/items/{id}/restore", tag = "drive", params(("id" = i64, Path, description = "Item id")), responses((status = 200, body = Item)))]
async fn restore_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Item>> {
    set_trashed(state, user, id, false).await
}

async fn set_trashed(
    state: AppState,
    user: CurrentUser,
    id: i64,
    trashed: bool,
) -> ApiResult<Json<Item>> {
    let mut tx = state.db.write().await?;
    access::drive_item(&mut tx, id, user.id).await?;
    let it = store::item(&mut tx, id).await?;
    let item = store::set_trashed(&mut tx, &it, user.id, trashed).await?;
    tx.commit().await?;
    if item.revision != it.revision {
        announce(&state, &item).await;
    }
    Ok(Json(item))
}

/// The items in the trash (put there themselves, not with a folder), newest first.
#[utoipa::path(get, path = "/workspaces/{id}/drive/trash", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [Item])))]
async fn list_trash(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Item>>> {
    let mut tx = state.db.read().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    Ok(Json(store::trash(&mut tx, id).await?))
}

/// Deletes everything in the trash for good (admins and owners).
#[utoipa::path(delete, path = "/workspaces/{id}/drive/trash", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), responses((status = 204)))]
async fn empty_trash(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    access::require(&mut tx, id, user.id, Action::EmptyTrash).await?;
    let (ids, versions) = store::empty_trash(&mut tx, id).await?;
    tx.commit().await?;
    // The rows are gone; the bytes follow (a failure leaves unreachable chunks, logged).
    for version in versions {
        state.drive.blobs.remove_version(version).await;
    }
    if !ids.is_empty() {
        keys::announce(&state, Collection::Drive(id), &DriveEvent::Deleted { ids }).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// What the workspace's files take, and its limits.
#[utoipa::path(get, path = "/workspaces/{id}/drive/usage", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = Usage)))]
async fn usage(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Usage>> {
    let mut tx = state.db.read().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    let cfg = &state.config;
    Ok(Json(
        store::usage(&mut tx, id, cfg.drive_quota, cfg.drive_max_file_size).await?,
    ))
}

/// Most items a Drive search answers.
pub const SEARCH_LIMIT: i64 = 50;

/// Items of the workspace whose names have every word of `q` (or words they start, from
/// 3 letters), not in the trash, newest change first, with their paths; at most
/// [`SEARCH_LIMIT`]. Names are found through the blind index (keyed hashes of their
/// words), as messages are.
#[utoipa::path(get, path = "/workspaces/{id}/drive/search", tag = "drive", params(("id" = i64, Path, description = "Workspace id"), DriveSearchQuery), responses((status = 200, body = [Found])))]
async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DriveSearchQuery>,
) -> ApiResult<Json<Vec<Found>>> {
    let terms = super::search::terms_of(&q.q)?;
    let mut tx = state.db.read().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    let ids = crate::api::search::store::search_drive(&mut tx, id, &terms, SEARCH_LIMIT).await?;
    let mut out = Vec::with_capacity(ids.len());
    for item in ids {
        let mut path = store::path(&mut tx, item).await?;
        // Inside a folder in the trash: hidden with it.
        if path.iter().any(|f| f.trashed_at.is_some()) {
            continue;
        }
        let Some(item) = path.pop() else { continue };
        out.push(Found { item, path });
    }
    Ok(Json(out))
}

/// The versions of a file, newest first (each downloads with `version` in
/// `POST /drive/files/{id}/download`).
#[utoipa::path(get, path = "/drive/files/{id}/versions", tag = "drive", params(("id" = i64, Path, description = "File id")), responses((status = 200, body = [Version])))]
async fn list_versions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Version>>> {
    let mut tx = state.db.read().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    if a.kind != ItemKind::File {
        return Err(ApiError::not_found("file"));
    }
    Ok(Json(store::versions(&mut tx, id).await?))
}

/// Makes an earlier version the file's current one (no version is lost: the one it
/// replaces stays in the list).
#[utoipa::path(post, path = "/drive/files/{id}/versions/{number}/restore", tag = "drive", params(("id" = i64, Path, description = "File id"), ("number" = i64, Path, description = "Version number")), responses((status = 200, body = Item)))]
async fn restore_version(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, number)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Item>> {
    let mut tx = state.db.write().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    if a.kind != ItemKind::File {
        return Err(ApiError::not_found("file"));
    }
    let it = store::item(&mut tx, id).await?;
    let item = store::restore_version(&mut tx, &it, number).await?;
    tx.commit().await?;
    if item.revision != it.revision {
        announce(&state, &item).await;
    }
    Ok(Json(item))
}
