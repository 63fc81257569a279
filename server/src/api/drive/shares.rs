//! Share links, as members make and see them. A link is a random token (32 bytes from the
//! CSPRNG) to one file or folder: `view` lets anyone with it see and download what it
//! points to, `drop` lets them upload files into a folder without seeing it. It may ask
//! for a password (kept only as a PBKDF2 hash), expire, and allow a number of downloads.
//! Any member who can see an item may share it and see its links; a link's creator, and
//! admins and owners ([`Action::ManageShares`]), may revoke it; admins and owners see
//! every link of the workspace. What the link itself allows is in `public`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::drive::{ItemKind, NewShare, Share, ShareMode};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::access::{self, Action};
use crate::api::{ApiJson, ApiPath};
use crate::args;
use crate::db::{enum_value, now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::password;
use crate::session::CurrentUser;
use crate::vault::{Place, Scope};
use crate::AppState;

/// The shortest password a link may ask for.
pub const MIN_PASSWORD: usize = 8;

/// The routes of share links for members.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list_item))
        .routes(routes!(list_workspace))
        .routes(routes!(revoke))
}

/// The SHA-256 (hex) a token or grant is found by.
pub(crate) fn token_hash(token: &str) -> String {
    crypto_wasm::hex::encode(&Sha256::digest(token.as_bytes()))
}

const COLUMNS: &str = "s.id, s.workspace_id, s.item_id, s.token, s.mode, \
    s.password_hash IS NOT NULL, s.expires_at, s.download_limit, s.downloads, s.created_by, \
    s.created_at";

type Row = (
    i64,
    i64,
    i64,
    String,
    String,
    bool,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
);

async fn from_row(tx: &mut Tx, row: Row) -> ApiResult<Share> {
    let (
        id,
        workspace_id,
        item_id,
        token,
        mode,
        has_password,
        expires_at,
        download_limit,
        downloads,
        created_by,
        created_at,
    ) = row;
    let token = tx
        .open(&Place::new("drive_shares", "token", id), &token)
        .await?;
    let item = store::item(tx, item_id).await?;
    Ok(Share {
        id,
        workspace_id,
        item_id,
        item_name: item.name,
        item_kind: item.kind,
        mode: enum_value(&mode, ShareMode::parse)?,
        path: format!("/s#{token}"),
        has_password,
        expires_at,
        download_limit,
        downloads,
        created_by,
        created_at,
    })
}

async fn shares_where(tx: &mut Tx, clause: &str, id: i64) -> ApiResult<Vec<Share>> {
    let sql = format!("SELECT {COLUMNS} FROM drive_shares s WHERE {clause} ORDER BY s.id DESC");
    let rows: Vec<Row> = tx.all(sqlx::AssertSqlSafe(sql), args![id]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(from_row(tx, row).await?);
    }
    Ok(out)
}

/// Whether the item or a folder it is in is in the trash.
pub(crate) async fn in_trash(tx: &mut Tx, item: i64) -> ApiResult<bool> {
    Ok(store::path(tx, item)
        .await?
        .iter()
        .any(|i| i.trashed_at.is_some()))
}

/// Makes a share link to a file or folder.
#[utoipa::path(post, path = "/drive/items/{id}/shares", tag = "drive", params(("id" = i64, Path, description = "Item id")), request_body = NewShare, responses((status = 201, body = Share), (status = 409, description = "`IN_TRASH`")))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewShare>,
) -> ApiResult<(StatusCode, Json<Share>)> {
    let mode = body.mode.unwrap_or(ShareMode::View);
    if let Some(p) = &body.password {
        let n = p.chars().count();
        if !(MIN_PASSWORD..=256).contains(&n) {
            return Err(ApiError::invalid(format!(
                "password: {MIN_PASSWORD} to 256 characters"
            )));
        }
    }
    if body.expires_at.is_some_and(|t| t <= now()) {
        return Err(ApiError::invalid("expires_at: must be in the future"));
    }
    if body.download_limit.is_some_and(|n| n < 1) {
        return Err(ApiError::invalid("download_limit: at least 1"));
    }
    {
        let mut tx = state.db.read().await?;
        let a = access::drive_item(&mut tx, id, user.id).await?;
        if mode == ShareMode::Drop && a.kind != ItemKind::Folder {
            return Err(ApiError::invalid("mode: a file drop link needs a folder"));
        }
    }
    let password_hash = match body.password.clone() {
        Some(p) => Some(
            tokio::task::spawn_blocking(move || password::hash(&p))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?,
        ),
        None => None,
    };
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let mut tx = state.db.write().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    store::in_drive(&store::item(&mut tx, id).await?)?;
    if in_trash(&mut tx, id).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "IN_TRASH",
            "this item is in the trash: restore it before sharing it",
        ));
    }
    let (share,): (i64,) = tx
        .one(
            "INSERT INTO drive_shares (workspace_id, item_id, token_hash, token, mode, \
               password_hash, expires_at, download_limit, created_by, created_at) \
             VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9) RETURNING id",
            args![
                a.workspace_id,
                id,
                token_hash(&token),
                mode.as_str(),
                password_hash,
                body.expires_at,
                body.download_limit,
                user.id,
                now()
            ],
        )
        .await?;
    let sealed = tx
        .seal(
            Scope::Workspace(a.workspace_id),
            &Place::new("drive_shares", "token", share),
            &token,
        )
        .await?;
    tx.execute(
        "UPDATE drive_shares SET token = $2 WHERE id = $1",
        args![share, sealed],
    )
    .await?;
    let out = shares_where(&mut tx, "s.id = $1", share).await?;
    tx.commit().await?;
    tracing::info!(
        workspace = a.workspace_id,
        item = id,
        share,
        mode = mode.as_str(),
        "drive: share link made"
    );
    let out = out
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("share"))?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// The share links of an item, newest first.
#[utoipa::path(get, path = "/drive/items/{id}/shares", tag = "drive", params(("id" = i64, Path, description = "Item id")), responses((status = 200, body = [Share])))]
async fn list_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Share>>> {
    let mut tx = state.db.read().await?;
    access::drive_item(&mut tx, id, user.id).await?;
    Ok(Json(shares_where(&mut tx, "s.item_id = $1", id).await?))
}

/// Every share link of the workspace, newest first (admins and owners).
#[utoipa::path(get, path = "/workspaces/{id}/drive/shares", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [Share])))]
async fn list_workspace(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Share>>> {
    let mut tx = state.db.read().await?;
    access::require(&mut tx, id, user.id, Action::ManageShares).await?;
    Ok(Json(
        shares_where(&mut tx, "s.workspace_id = $1", id).await?,
    ))
}

/// Revokes a share link: it stops working at once, its downloads and uploads too.
#[utoipa::path(delete, path = "/drive/shares/{id}", tag = "drive", params(("id" = i64, Path, description = "Share link id")), responses((status = 204)))]
async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let row: Option<(i64, i64, i64)> = tx
        .optional(
            "SELECT workspace_id, item_id, created_by FROM drive_shares WHERE id = $1",
            args![id],
        )
        .await?;
    let (workspace, item, creator) = row.ok_or_else(|| ApiError::not_found("share"))?;
    // Someone who cannot see the item does not learn that the link exists.
    let a = access::drive_item(&mut tx, item, user.id)
        .await
        .map_err(|_| ApiError::not_found("share"))?;
    if creator != user.id && !a.role.may(Action::ManageShares) {
        return Err(access::forbidden(Action::ManageShares));
    }
    // Uploads in progress through it go with it.
    let uploads: Vec<(i64,)> = tx
        .all(
            "SELECT version_id FROM drive_uploads WHERE share_id = $1",
            args![id],
        )
        .await?;
    for (version,) in &uploads {
        tx.execute(
            "DELETE FROM drive_versions WHERE id = $1 AND state = 'uploading'",
            args![*version],
        )
        .await?;
    }
    tx.execute("DELETE FROM drive_shares WHERE id = $1", args![id])
        .await?;
    tx.commit().await?;
    for (version,) in uploads {
        state.drive.blobs.remove_version(version).await;
    }
    tracing::info!(workspace, share = id, "drive: share link revoked");
    Ok(StatusCode::NO_CONTENT)
}
