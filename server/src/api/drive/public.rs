//! What a share link lets anyone who has it do, without an account (`/public/…`, no
//! session). A link works while it is not revoked, not expired, its item (and every
//! folder above it) is out of the trash, and its creator is still in the workspace;
//! otherwise it is `404 SHARE_NOT_FOUND` (or `410 SHARE_EXPIRED`), the same as a token
//! that never existed. A password-protected link shows nothing but that it needs one until
//! `unlock` gives a grant (an hour; sent back as `Huddle-Share-Grant`); guesses are
//! limited per link and per client like sign-in. The token travels in the
//! `Huddle-Share-Token` header, never in a path; the app's link is `/s#<token>`, so it
//! never reaches a server either (see `src/pages/shared.rs`). A `view` link lists its folder and what
//! is below it and hands out download URLs (counted against its limit); a `drop` link
//! takes tus uploads into its folder (see `tus`) and shows nothing of it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use huddle_protocol::drive::{
    DownloadUrl, Item, ItemKind, ShareGrant, ShareInfo, ShareMode, ShareUnlock, SharedItem,
    SharedListing,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::shares::{in_trash, token_hash};
use super::{download, store};
use crate::api::{ApiJson, ApiPath};
use crate::args;
use crate::client_addr::ClientAddr;
use crate::db::{enum_value, now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::password;
use crate::rate_limit::Counter;
use crate::{access, AppState};

/// How long an unlocked link works without its password again.
pub const GRANT_SECS: i64 = 3600;
/// The header that carries a grant.
pub const GRANT_HEADER: &str = "huddle-share-grant";
/// The header that carries a link's token (never the path: a link's token would
/// otherwise be in the access log of every proxy in front of the server).
pub const TOKEN_HEADER: &str = "huddle-share-token";

/// The link token a request carries (404 `SHARE_NOT_FOUND` without one).
pub(crate) fn token_of(headers: &HeaderMap) -> ApiResult<&str> {
    headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .ok_or_else(not_found)
}

/// The public routes of share links (tus drops are in `tus`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(info))
        .routes(routes!(unlock))
        .routes(routes!(folder))
        .routes(routes!(download_file))
}

/// A link that works.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub id: i64,
    pub workspace_id: i64,
    pub item_id: i64,
    pub mode: ShareMode,
    pub created_by: i64,
    pub expires_at: Option<i64>,
    password_hash: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "SHARE_NOT_FOUND",
        "this link does not exist or no longer works",
    )
}

type LinkRow = (i64, i64, i64, String, i64, Option<i64>, Option<String>);

const LINK_COLUMNS: &str = "id, workspace_id, item_id, mode, created_by, expires_at, password_hash";

async fn check(tx: &mut Tx, row: Option<LinkRow>) -> ApiResult<Link> {
    let (id, workspace_id, item_id, mode, created_by, expires_at, password_hash) =
        row.ok_or_else(not_found)?;
    if expires_at.is_some_and(|t| t <= now()) {
        return Err(ApiError::new(
            StatusCode::GONE,
            "SHARE_EXPIRED",
            "this link has expired",
        ));
    }
    // Its creator must still be in the workspace, and the item out of the trash.
    access::drive_item(tx, item_id, created_by)
        .await
        .map_err(|_| not_found())?;
    if in_trash(tx, item_id).await? {
        return Err(not_found());
    }
    Ok(Link {
        id,
        workspace_id,
        item_id,
        mode: enum_value(&mode, ShareMode::parse)?,
        created_by,
        expires_at,
        password_hash,
    })
}

/// The working link of `token`.
pub(crate) async fn live(tx: &mut Tx, token: &str) -> ApiResult<Link> {
    let sql = format!("SELECT {LINK_COLUMNS} FROM drive_shares WHERE token_hash = $1");
    let row = tx
        .optional(sqlx::AssertSqlSafe(sql), args![token_hash(token)])
        .await?;
    check(tx, row).await
}

/// The working link `id` (for what was started through it: downloads, uploads).
pub(crate) async fn live_by_id(tx: &mut Tx, id: i64) -> ApiResult<Link> {
    let sql = format!("SELECT {LINK_COLUMNS} FROM drive_shares WHERE id = $1");
    let row = tx.optional(sqlx::AssertSqlSafe(sql), args![id]).await?;
    check(tx, row).await
}

/// Whether the request may use the link: it has no password, or the request carries a
/// grant of it that has not expired.
async fn is_unlocked(tx: &mut Tx, link: &Link, headers: &HeaderMap) -> ApiResult<bool> {
    if link.password_hash.is_none() {
        return Ok(true);
    }
    let Some(grant) = headers.get(GRANT_HEADER).and_then(|v| v.to_str().ok()) else {
        return Ok(false);
    };
    let found: Option<(i64,)> = tx
        .optional(
            "SELECT expires_at FROM drive_share_grants WHERE grant_hash = $1 AND share_id = $2",
            args![token_hash(grant), link.id],
        )
        .await?;
    Ok(found.is_some_and(|(t,)| t > now()))
}

/// The working, unlocked link of the request's token (401 `SHARE_LOCKED` without its
/// grant).
pub(crate) async fn unlocked(tx: &mut Tx, headers: &HeaderMap) -> ApiResult<Link> {
    let link = live(tx, token_of(headers)?).await?;
    if !is_unlocked(tx, &link, headers).await? {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "SHARE_LOCKED",
            "this link asks for a password",
        ));
    }
    Ok(link)
}

/// Item `id` if it is the link's item or below it (404 otherwise, or in the trash).
pub(crate) async fn within(tx: &mut Tx, link: &Link, id: i64) -> ApiResult<(Item, Vec<Item>)> {
    let mut path = store::path(tx, id).await.map_err(|_| not_found())?;
    let Some(root) = path.iter().position(|i| i.id == link.item_id) else {
        return Err(ApiError::not_found("item"));
    };
    let below = path.split_off(root);
    if below.iter().any(|i| i.trashed_at.is_some()) || below[0].workspace_id != link.workspace_id {
        return Err(ApiError::not_found("item"));
    }
    let mut below = below;
    let item = below.pop().expect("the path ends at the item");
    Ok((item, below))
}

fn shared(i: &Item) -> SharedItem {
    SharedItem {
        id: i.id,
        kind: i.kind,
        name: i.name.clone(),
        size: i.size,
        mime: i.mime.clone(),
        updated_at: i.updated_at,
    }
}

/// 403 `UPLOAD_ONLY` for a `drop` link.
pub(crate) fn view_only(link: &Link) -> ApiResult<()> {
    if link.mode != ShareMode::View {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "UPLOAD_ONLY",
            "this link only takes uploads",
        ));
    }
    Ok(())
}

/// What a link is: its mode, whether it needs a password, and (once unlocked) its item.
#[utoipa::path(get, path = "/public/share", tag = "drive", security(()), params(("Huddle-Share-Token" = String, Header, description = "The link's token"), ("Huddle-Share-Grant" = Option<String>, Header, description = "A grant from `unlock`")), responses((status = 200, body = ShareInfo), (status = 404, description = "`SHARE_NOT_FOUND`"), (status = 410, description = "`SHARE_EXPIRED`")))]
async fn info(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Json<ShareInfo>> {
    let mut tx = state.db.read().await?;
    let link = live(&mut tx, token_of(&headers)?).await?;
    let open = is_unlocked(&mut tx, &link, &headers).await?;
    let item = if open {
        Some(shared(&store::item(&mut tx, link.item_id).await?))
    } else {
        None
    };
    Ok(Json(ShareInfo {
        mode: link.mode,
        needs_password: !open,
        item,
        expires_at: link.expires_at,
    }))
}

/// Gives the password of a link; answers a grant to use it for an hour.
#[utoipa::path(post, path = "/public/share/unlock", tag = "drive", security(()), params(("Huddle-Share-Token" = String, Header, description = "The link's token")), request_body = ShareUnlock, responses((status = 200, body = ShareGrant), (status = 401, description = "`WRONG_SHARE_PASSWORD`"), (status = 429, description = "Too many attempts: wait `Retry-After` seconds")))]
async fn unlock(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ShareUnlock>,
) -> ApiResult<Json<ShareGrant>> {
    if body.password.len() > 4096 {
        return Err(ApiError::invalid("password: too long"));
    }
    let link = live(&mut state.db.read().await?, token_of(&headers)?).await?;
    let Some(stored) = link.password_hash.clone() else {
        return Err(ApiError::invalid("this link has no password"));
    };
    let counter = Counter::share_link(link.id);
    let counters = vec![counter.clone(), Counter::client(&client.group())];
    let attempt = match state.signin_limiter.reserve(counters, now()) {
        Ok(a) => a,
        Err(wait) => return Err(ApiError::rate_limited(wait, "password attempts")),
    };
    let pw = body.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &stored))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "WRONG_SHARE_PASSWORD",
            "wrong password for this link",
        ));
    }
    state.signin_limiter.succeeded(attempt, &[&counter]);
    let grant = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let expires_at = now() + GRANT_SECS;
    let mut tx = state.db.write().await?;
    tx.execute(
        "INSERT INTO drive_share_grants (grant_hash, share_id, expires_at) VALUES ($1, $2, $3)",
        args![token_hash(&grant), link.id, expires_at],
    )
    .await?;
    tx.execute(
        "DELETE FROM drive_share_grants WHERE expires_at < $1",
        args![now()],
    )
    .await?;
    tx.commit().await?;
    Ok(Json(ShareGrant { grant, expires_at }))
}

/// A folder of a shared folder (`view` links).
#[utoipa::path(get, path = "/public/share/folders/{id}", tag = "drive", security(()), params(("Huddle-Share-Token" = String, Header, description = "The link's token"), ("id" = i64, Path, description = "The shared folder's id, or one below it"), ("Huddle-Share-Grant" = Option<String>, Header, description = "A grant from `unlock`")), responses((status = 200, body = SharedListing), (status = 401, description = "`SHARE_LOCKED`")))]
async fn folder(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<SharedListing>> {
    let mut tx = state.db.read().await?;
    let link = unlocked(&mut tx, &headers).await?;
    view_only(&link)?;
    let (folder, path) = within(&mut tx, &link, id).await?;
    if folder.kind != ItemKind::Folder {
        return Err(ApiError::not_found("folder"));
    }
    let items = store::children(&mut tx, link.workspace_id, Some(id)).await?;
    Ok(Json(SharedListing {
        folder: shared(&folder),
        path: path.iter().map(shared).collect(),
        items: items.iter().map(shared).collect(),
    }))
}

/// A URL that downloads a shared file (`view` links); each counts against the link's
/// download limit (`410 SHARE_EXHAUSTED` once reached).
#[utoipa::path(post, path = "/public/share/files/{id}/download", tag = "drive", security(()), params(("Huddle-Share-Token" = String, Header, description = "The link's token"), ("id" = i64, Path, description = "The shared file's id, or one below the shared folder"), ("Huddle-Share-Grant" = Option<String>, Header, description = "A grant from `unlock`")), responses((status = 200, body = DownloadUrl), (status = 410, description = "`SHARE_EXHAUSTED`")))]
async fn download_file(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
) -> ApiResult<Json<DownloadUrl>> {
    let mut tx = state.db.write().await?;
    let link = unlocked(&mut tx, &headers).await?;
    view_only(&link)?;
    let (file, _) = within(&mut tx, &link, id).await?;
    if file.kind != ItemKind::File {
        return Err(ApiError::not_found("file"));
    }
    count_download(&mut tx, &link).await?;
    let (version,): (Option<i64>,) = tx
        .one(
            "SELECT current_version_id FROM drive_items WHERE id = $1",
            args![id],
        )
        .await?;
    let version = version.ok_or_else(|| ApiError::not_found("file"))?;
    let url = download::issue(&mut tx, &state, version, link.created_by, Some(link.id)).await?;
    tx.commit().await?;
    Ok(Json(url))
}

/// Counts a download against the link's limit (410 `SHARE_EXHAUSTED` once reached).
pub(crate) async fn count_download(tx: &mut Tx, link: &Link) -> ApiResult<()> {
    let counted = tx
        .execute(
            "UPDATE drive_shares SET downloads = downloads + 1 WHERE id = $1 \
             AND (download_limit IS NULL OR downloads < download_limit)",
            args![link.id],
        )
        .await?;
    if counted != 1 {
        return Err(ApiError::new(
            StatusCode::GONE,
            "SHARE_EXHAUSTED",
            "this link has been downloaded as many times as it allows",
        ));
    }
    Ok(())
}
