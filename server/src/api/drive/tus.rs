//! Uploads by the tus 1.0.0 resumable upload protocol (<https://tus.io/protocols/resumable-upload>):
//! core, creation, creation-with-upload, termination, expiration and checksum (sha256).
//!
//! `POST /workspaces/{id}/drive/uploads` with `Upload-Length` and `Upload-Metadata`
//! (`filename`, required; `parent`, a folder id; `replaces`, a file id to add a version
//! to; `channel`, a channel id, for a file to attach to a message there: see
//! `drive::Item::channel_id`) makes an upload at `/drive/uploads/{upload}`; `PATCH` there with
//! `Upload-Offset` sends bytes from that offset, `HEAD` says the offset, `DELETE` ends it.
//! Requests are those of a signed-in member, with `X-Requested-With: huddle` on the
//! changing ones like every other request. An upload is its creator's alone.
//!
//! Through a `drop` share link (see `public`), anyone with the link creates uploads at
//! `POST /public/share/uploads` (the token in `Huddle-Share-Token`) (no `parent` or `replaces`: the file goes into
//! the link's folder, as the link creator's) and continues them at
//! `/public/uploads/{upload}`, where the random upload id is the credential; they end
//! when the link stops working.
//!
//! The bytes are sealed as they arrive (`content::Writer`), so the server never holds
//! more than about one chunk of an upload. At the end of every request the sealed
//! segments are stored and the plaintext after them (less than a segment) is kept
//! sealed in the upload's row: the offset is always every byte received, and a resumed
//! upload goes on from there, across restarts. The request that completes an upload
//! answers the file's id in `Huddle-File-Id`; until then nothing of it is listed. For a
//! day after, a member's `HEAD` of a completed upload answers its whole length and that
//! id (while the file is there), so that a client that lost the last answer does not
//! start over.
//! An upload untouched for a day expires, and its bytes are removed.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use futures_util::StreamExt;
use huddle_protocol::drive::{ItemKind, ShareMode};
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zeroize::Zeroizing;

use super::content::{self, Chunk, Reader, Writer};
use super::store::Location;
use super::{clean_item_name, public, store, Busy};
use crate::api::ApiPath;
use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::vault::{Place, Scope};
use crate::{access, AppState};

/// The protocol version.
const TUS: &str = "1.0.0";
/// The extensions this server has.
const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
/// How long an upload lives after its last request.
pub const EXPIRES_AFTER_SECS: i64 = 24 * 3600;
/// Seconds a request may send nothing before it counts as cut.
const IDLE_SECS: u64 = 60;
/// The header that says which file a completed upload made (or added a version to).
pub const FILE_ID: &str = "huddle-file-id";

fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

/// The routes of uploads; every answer says `Tus-Resumable: 1.0.0`, and bodies are
/// streamed, not limited to the API's JSON size.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(options, create))
        .routes(routes!(head, patch, terminate))
        .routes(routes!(create_by_link))
        .routes(routes!(head_by_link, patch_by_link, terminate_by_link))
        .layer(SetResponseHeaderLayer::overriding(
            h("tus-resumable"),
            HeaderValue::from_static(TUS),
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// 412 for a request of another tus version (or none).
fn check_version(headers: &HeaderMap) -> ApiResult<()> {
    if headers.get("tus-resumable").and_then(|v| v.to_str().ok()) == Some(TUS) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "TUS_VERSION",
        "this server speaks tus 1.0.0: send Tus-Resumable: 1.0.0",
    ))
}

fn number(headers: &HeaderMap, name: &str) -> ApiResult<Option<i64>> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 18)
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("{name}: a whole number of bytes"))),
    }
}

/// `Upload-Metadata`: `key base64,key base64,…`.
fn metadata(headers: &HeaderMap) -> ApiResult<Vec<(String, Vec<u8>)>> {
    let Some(raw) = headers.get("upload-metadata") else {
        return Ok(Vec::new());
    };
    let bad = || ApiError::invalid("Upload-Metadata: comma-separated `key base64value` pairs");
    let raw = raw.to_str().map_err(|_| bad())?;
    let mut out = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        let value = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| bad())?;
        out.push((key.to_owned(), value));
    }
    Ok(out)
}

fn id_in(meta: &[(String, Vec<u8>)], key: &str) -> ApiResult<Option<i64>> {
    match meta.iter().find(|(k, _)| k == key) {
        None => Ok(None),
        Some((_, v)) => std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("Upload-Metadata {key}: an id"))),
    }
}

/// `Upload-Checksum: sha256 <base64>`, if sent.
fn checksum(headers: &HeaderMap) -> ApiResult<Option<Vec<u8>>> {
    let Some(v) = headers.get("upload-checksum") else {
        return Ok(None);
    };
    let v = v
        .to_str()
        .map_err(|_| ApiError::invalid("Upload-Checksum: `sha256 <base64>`"))?;
    let (alg, sum) = v.split_once(' ').unwrap_or((v, ""));
    if !alg.eq_ignore_ascii_case("sha256") {
        return Err(ApiError::invalid(
            "Upload-Checksum: this server checks sha256 only",
        ));
    }
    base64::engine::general_purpose::STANDARD
        .decode(sum.trim())
        .ok()
        .filter(|s| s.len() == 32)
        .map(Some)
        .ok_or_else(|| ApiError::invalid("Upload-Checksum: a base64 SHA-256"))
}

fn http_date(unix: i64) -> String {
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix as u64))
}

fn value(s: impl ToString) -> HeaderValue {
    HeaderValue::from_str(&s.to_string()).expect("numbers and dates are header values")
}

/// What the server supports.
#[utoipa::path(options, path = "/workspaces/{id}/drive/uploads", tag = "drive", params(("id" = i64, Path, description = "Workspace id")), responses((status = 204, description = "`Tus-Version`, `Tus-Extension`, `Tus-Checksum-Algorithm`, `Tus-Max-Size`")))]
async fn options(State(state): State<AppState>) -> Response {
    let mut res = StatusCode::NO_CONTENT.into_response();
    let hs = res.headers_mut();
    hs.insert(h("tus-version"), HeaderValue::from_static(TUS));
    hs.insert(h("tus-extension"), HeaderValue::from_static(EXTENSIONS));
    hs.insert(
        h("tus-checksum-algorithm"),
        HeaderValue::from_static("sha256"),
    );
    if let Some(max) = state.config.drive_max_file_size {
        hs.insert(h("tus-max-size"), value(max));
    }
    res
}

/// Makes an upload (and takes its first bytes, with `Content-Type:
/// application/offset+octet-stream`).
#[utoipa::path(post, path = "/workspaces/{id}/drive/uploads", tag = "drive", params(("id" = i64, Path, description = "Workspace id"), ("Tus-Resumable" = String, Header, description = "1.0.0"), ("Upload-Length" = i64, Header, description = "The file's size in bytes"), ("Upload-Metadata" = String, Header, description = "`filename` (required), `parent` (a folder id), `replaces` (a file id), `channel` (a channel id, for a file to attach to a message there): base64 values")), responses((status = 201, description = "`Location` of the upload; `Upload-Offset` with creation-with-upload; `Huddle-File-Id` once complete"), (status = 413, description = "`TOO_LARGE` or `QUOTA_EXCEEDED`")))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(workspace): ApiPath<i64>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    start(&state, Uploader::Member(user.id), workspace, &headers, body).await
}

/// Makes an upload into the folder of a `drop` share link (tus creation, as
/// `POST /workspaces/{id}/drive/uploads`, without `parent` or `replaces`): the file lands
/// in the link's folder, under a free name, as its creator's.
#[utoipa::path(post, path = "/public/share/uploads", tag = "drive", security(()), params(("Huddle-Share-Token" = String, Header, description = "The token of a `drop` link"), ("Huddle-Share-Grant" = Option<String>, Header, description = "A grant from `unlock`"), ("Tus-Resumable" = String, Header, description = "1.0.0"), ("Upload-Length" = i64, Header, description = "The file's size in bytes"), ("Upload-Metadata" = String, Header, description = "`filename` (required): base64")), responses((status = 201, description = "`Location` of the upload (under `/public/uploads/`)"), (status = 413, description = "`TOO_LARGE` or `QUOTA_EXCEEDED`")))]
async fn create_by_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let link = public::unlocked(&mut state.db.read().await?, &headers).await?;
    if link.mode != ShareMode::Drop {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "VIEW_ONLY",
            "this link does not take uploads",
        ));
    }
    let who = Uploader::Link {
        share: link.id,
        creator: link.created_by,
        folder: link.item_id,
    };
    start(&state, who, link.workspace_id, &headers, body).await
}

/// Who sends an upload's bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Uploader {
    /// A member, by their session.
    Member(i64),
    /// Whoever holds a `drop` link; the file goes into its folder, as its creator's.
    Link {
        /// The link.
        share: i64,
        /// Its creator.
        creator: i64,
        /// Its folder.
        folder: i64,
    },
}

impl Uploader {
    /// Whose the file will be.
    fn owner(self) -> i64 {
        match self {
            Uploader::Member(id) => id,
            Uploader::Link { creator, .. } => creator,
        }
    }

    fn share(self) -> Option<i64> {
        match self {
            Uploader::Member(_) => None,
            Uploader::Link { share, .. } => Some(share),
        }
    }

    /// The path of upload `id` under the API.
    fn location(self, id: &str) -> String {
        match self {
            Uploader::Member(_) => format!("/api/v1/drive/uploads/{id}"),
            Uploader::Link { .. } => format!("/api/v1/public/uploads/{id}"),
        }
    }
}

/// Creates an upload for `who` (and takes its first bytes).
async fn start(
    state: &AppState,
    who: Uploader,
    workspace: i64,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    check_version(headers)?;
    if headers.contains_key("upload-defer-length") {
        return Err(ApiError::invalid(
            "Upload-Defer-Length: not supported; send Upload-Length",
        ));
    }
    let length = number(headers, "upload-length")?
        .ok_or_else(|| ApiError::invalid("Upload-Length: required"))?;
    let meta = metadata(headers)?;
    let filename = meta
        .iter()
        .find(|(k, _)| k == "filename")
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
        .ok_or_else(|| ApiError::invalid("Upload-Metadata filename: required (UTF-8)"))?;
    let filename = clean_item_name(filename, "filename")?;
    let (parent, replaces, channel) = match who {
        Uploader::Member(_) => (
            id_in(&meta, "parent")?,
            id_in(&meta, "replaces")?,
            id_in(&meta, "channel")?,
        ),
        Uploader::Link { folder, .. } => {
            if meta
                .iter()
                .any(|(k, _)| k == "parent" || k == "replaces" || k == "channel")
            {
                return Err(ApiError::invalid(
                    "Upload-Metadata: a file drop takes no parent, replaces or channel",
                ));
            }
            (Some(folder), None, None)
        }
    };
    if channel.is_some() && (parent.is_some() || replaces.is_some()) {
        return Err(ApiError::invalid(
            "Upload-Metadata: a file for a channel takes no parent or replaces",
        ));
    }
    let with_bytes = is_offset_stream(headers);
    if !with_bytes && headers.contains_key(header::CONTENT_TYPE) {
        return Err(unsupported_type());
    }

    let mut tx = state.db.write().await?;
    match who {
        Uploader::Member(me) => {
            access::workspace_role(&mut tx, workspace, me).await?;
        }
        Uploader::Link { share, .. } => {
            public::live_by_id(&mut tx, share).await?;
        }
    }
    // Uploads started at once must not all fit in the same free space.
    store::lock_workspace(&mut tx, workspace).await?;
    let (parent, replaces) = match (replaces, channel) {
        (Some(file), _) => {
            let a = access::drive_item(&mut tx, file, who.owner())
                .await
                .map_err(|_| ApiError::not_found("file"))?;
            if a.workspace_id != workspace || a.kind != ItemKind::File {
                return Err(ApiError::not_found("file"));
            }
            let it = store::item(&mut tx, file).await?;
            store::in_drive(&it)?;
            (it.parent_id, Some(file))
        }
        (None, Some(channel)) => {
            let ch = access::channel(&mut tx, channel, who.owner()).await?;
            if ch.workspace_id != workspace {
                return Err(ApiError::not_found("channel"));
            }
            ch.writable()?;
            (None, None)
        }
        (None, None) => {
            store::check_folder(&mut tx, workspace, parent).await?;
            (parent, None)
        }
    };
    if let Some(max) = state.config.drive_max_file_size {
        if length as u64 > max {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "TOO_LARGE",
                format!("files over {max} bytes are not accepted"),
            ));
        }
    }
    let u = store::usage(
        &mut tx,
        workspace,
        state.config.drive_quota,
        state.config.drive_max_file_size,
    )
    .await?;
    if let Some(quota) = u.quota {
        if u.used.saturating_add(length) > quota {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "QUOTA_EXCEEDED",
                format!(
                    "this workspace's Drive is full: {} of {quota} bytes used, {length} more asked for",
                    u.used
                ),
            ));
        }
    }
    let t = now();
    let (version,): (i64,) = tx
        .one(
            "INSERT INTO drive_versions (item_id, workspace_id, number, state, size, file_key, \
               created_by, created_at) VALUES ($1, $2, 0, 'uploading', $3, '', $4, $5) RETURNING id",
            args![replaces, workspace, length, who.owner(), t],
        )
        .await?;
    let key = content::new_key(&mut tx, workspace, version).await?;
    tx.execute(
        "UPDATE drive_versions SET file_key = $2 WHERE id = $1",
        args![version, key],
    )
    .await?;
    let id = crypto_wasm::random::token(16).map_err(ApiError::internal)?;
    let sealed_name = tx
        .seal(
            Scope::Workspace(workspace),
            &Place::new("drive_uploads", "filename", &id),
            &filename,
        )
        .await?;
    tx.execute(
        "INSERT INTO drive_uploads (id, version_id, workspace_id, user_id, filename, parent_id, \
           replaces_id, length, created_at, expires_at, share_id, channel_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        args![
            id.clone(),
            version,
            workspace,
            who.owner(),
            sealed_name,
            parent,
            replaces,
            length,
            t,
            t + EXPIRES_AFTER_SECS,
            who.share(),
            channel
        ],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(workspace, version, length, "drive: upload started");

    let mut res = StatusCode::CREATED.into_response();
    res.headers_mut()
        .insert(header::LOCATION, value(who.location(&id)));
    if with_bytes || length == 0 {
        let done = match receive(state, who, &id, 0, headers, body).await {
            Ok(d) => d,
            // Its first bytes were refused: it was never told, so it goes.
            Err(e) => {
                if let Ok(mut tx) = state.db.write().await {
                    let gone = tx
                        .execute("DELETE FROM drive_versions WHERE id = $1", args![version])
                        .await
                        .is_ok();
                    if gone && tx.commit().await.is_ok() {
                        state.drive.blobs.remove_version(version).await;
                    }
                }
                return Err(e);
            }
        };
        done.apply(res.headers_mut());
    } else {
        res.headers_mut().insert(
            h("upload-expires"),
            value(http_date(t + EXPIRES_AFTER_SECS)),
        );
    }
    Ok(res)
}

fn is_offset_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("application/offset+octet-stream"))
}

fn unsupported_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "upload bytes as Content-Type: application/offset+octet-stream",
    )
}

/// An upload's row.
struct Upload {
    version: i64,
    workspace: i64,
    filename: String,
    parent: Option<i64>,
    replaces: Option<i64>,
    /// The channel of a file to attach to a message.
    channel: Option<i64>,
    length: i64,
    offset: i64,
    sealed: i64,
    tail: String,
    expires_at: i64,
}

/// The upload `id` of `who`, if it has not expired and they may still upload (404
/// otherwise).
async fn load(tx: &mut Tx, id: &str, who: Uploader) -> ApiResult<Upload> {
    type Row = (
        i64,
        i64,
        String,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        i64,
        String,
        i64,
        Option<i64>,
    );
    const COLUMNS: &str = "SELECT version_id, workspace_id, filename, parent_id, replaces_id, \
        length, upload_offset, sealed, tail, expires_at, channel_id FROM drive_uploads \
        WHERE id = $1";
    let row: Option<Row> = match who {
        Uploader::Member(me) => {
            let sql = format!("{COLUMNS} AND user_id = $2 AND share_id IS NULL");
            tx.optional(sqlx::AssertSqlSafe(sql), args![id, me]).await?
        }
        Uploader::Link { share, .. } => {
            let sql = format!("{COLUMNS} AND share_id = $2");
            tx.optional(sqlx::AssertSqlSafe(sql), args![id, share])
                .await?
        }
    };
    let (
        version,
        workspace,
        filename,
        parent,
        replaces,
        length,
        offset,
        sealed,
        tail,
        expires_at,
        channel,
    ) = row.ok_or_else(|| ApiError::not_found("upload"))?;
    if expires_at <= now() {
        return Err(ApiError::not_found("upload"));
    }
    match who {
        // Still a member of the workspace (404 otherwise, as for everything in it).
        Uploader::Member(me) => {
            access::workspace_role(tx, workspace, me).await?;
            // And still reads the channel, for a file of one.
            if let Some(ch) = channel {
                access::channel(tx, ch, me)
                    .await
                    .map_err(|_| ApiError::not_found("upload"))?;
            }
        }
        // The link still works.
        Uploader::Link { share, .. } => {
            public::live_by_id(tx, share)
                .await
                .map_err(|_| ApiError::not_found("upload"))?;
        }
    }
    let filename = tx
        .open(&Place::new("drive_uploads", "filename", id), &filename)
        .await?;
    Ok(Upload {
        version,
        workspace,
        filename,
        parent,
        replaces,
        channel,
        length,
        offset,
        sealed,
        tail,
        expires_at,
    })
}

/// The offset of an upload. For a day after it completed, its whole length and the file
/// it made (`Huddle-File-Id`), while that file is there: a client that lost the answer
/// to its last piece does not start over.
#[utoipa::path(head, path = "/drive/uploads/{upload}", tag = "drive", params(("upload" = String, Path, description = "Upload id"), ("Tus-Resumable" = String, Header, description = "1.0.0")), responses((status = 200, description = "`Upload-Offset`, `Upload-Length`, `Upload-Expires`; `Huddle-File-Id` once complete")))]
async fn head(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let r = offset_of(&state, Uploader::Member(user.id), &id, &headers).await;
    match r {
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            finished(&state, user.id, &id).await?.ok_or(e)
        }
        r => r,
    }
}

/// The answer to `HEAD` of `me`'s upload `id` that completed (less than a day ago, its
/// file still there for them to see).
async fn finished(state: &AppState, me: i64, id: &str) -> ApiResult<Option<Response>> {
    let mut tx = state.db.read().await?;
    let row: Option<(i64, i64)> = tx
        .optional(
            "SELECT item_id, length FROM drive_finished_uploads \
             WHERE id = $1 AND user_id = $2 AND expires_at > $3",
            args![id, me, now()],
        )
        .await?;
    let Some((item, length)) = row else {
        return Ok(None);
    };
    if access::drive_item(&mut tx, item, me).await.is_err() {
        return Ok(None);
    }
    let mut res = StatusCode::OK.into_response();
    let hs = res.headers_mut();
    hs.insert(h("upload-offset"), value(length));
    hs.insert(h("upload-length"), value(length));
    hs.insert(h("huddle-file-id"), value(item));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(Some(res))
}

/// The link an upload goes through (its id is the capability), 404 if none.
async fn link_uploader(state: &AppState, id: &str) -> ApiResult<Uploader> {
    let row: Option<(Option<i64>, i64, Option<i64>)> = state
        .db
        .read()
        .await?
        .optional(
            "SELECT share_id, user_id, parent_id FROM drive_uploads WHERE id = $1",
            args![id],
        )
        .await?;
    match row {
        Some((Some(share), creator, Some(folder))) => Ok(Uploader::Link {
            share,
            creator,
            folder,
        }),
        _ => Err(ApiError::not_found("upload")),
    }
}

/// The offset of an upload through a `drop` link.
#[utoipa::path(head, path = "/public/uploads/{upload}", tag = "drive", security(()), params(("upload" = String, Path, description = "Upload id"), ("Tus-Resumable" = String, Header, description = "1.0.0")), responses((status = 200, description = "`Upload-Offset`, `Upload-Length`, `Upload-Expires`")))]
async fn head_by_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let who = link_uploader(&state, &id).await?;
    offset_of(&state, who, &id, &headers).await
}

/// Sends bytes to an upload through a `drop` link.
#[utoipa::path(patch, path = "/public/uploads/{upload}", tag = "drive", security(()), params(("upload" = String, Path, description = "Upload id"), ("Tus-Resumable" = String, Header, description = "1.0.0"), ("Upload-Offset" = i64, Header, description = "Where these bytes go"), ("Upload-Checksum" = Option<String>, Header, description = "`sha256 <base64>` of this request's bytes")), request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"), responses((status = 204, description = "`Upload-Offset`; `Huddle-File-Id` once complete")))]
async fn patch_by_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let who = link_uploader(&state, &id).await?;
    take_bytes(&state, who, &id, &headers, body).await
}

/// Ends an upload through a `drop` link.
#[utoipa::path(delete, path = "/public/uploads/{upload}", tag = "drive", security(()), params(("upload" = String, Path, description = "Upload id"), ("Tus-Resumable" = String, Header, description = "1.0.0")), responses((status = 204)))]
async fn terminate_by_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let who = link_uploader(&state, &id).await?;
    end(&state, who, &id, &headers).await
}

async fn offset_of(
    state: &AppState,
    who: Uploader,
    id: &str,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    check_version(headers)?;
    let mut tx = state.db.read().await?;
    let u = load(&mut tx, id, who).await?;
    let mut res = StatusCode::OK.into_response();
    let hs = res.headers_mut();
    hs.insert(h("upload-offset"), value(u.offset));
    hs.insert(h("upload-length"), value(u.length));
    hs.insert(h("upload-expires"), value(http_date(u.expires_at)));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Sends bytes from `Upload-Offset`.
#[utoipa::path(patch, path = "/drive/uploads/{upload}", tag = "drive", params(("upload" = String, Path, description = "Upload id"), ("Tus-Resumable" = String, Header, description = "1.0.0"), ("Upload-Offset" = i64, Header, description = "Where these bytes go"), ("Upload-Checksum" = Option<String>, Header, description = "`sha256 <base64>` of this request's bytes")), request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"), responses((status = 204, description = "`Upload-Offset`; `Huddle-File-Id` once complete"), (status = 409, description = "`OFFSET_MISMATCH`"), (status = 460, description = "`CHECKSUM_MISMATCH`: nothing of this request was kept")))]
async fn patch(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    take_bytes(&state, Uploader::Member(user.id), &id, &headers, body).await
}

async fn take_bytes(
    state: &AppState,
    who: Uploader,
    id: &str,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    check_version(headers)?;
    if !is_offset_stream(headers) {
        return Err(unsupported_type());
    }
    let offset = number(headers, "upload-offset")?
        .ok_or_else(|| ApiError::invalid("Upload-Offset: required"))?;
    let done = receive(state, who, id, offset, headers, body).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    done.apply(res.headers_mut());
    Ok(res)
}

/// Ends an upload and removes what it stored.
#[utoipa::path(delete, path = "/drive/uploads/{upload}", tag = "drive", params(("upload" = String, Path, description = "Upload id"), ("Tus-Resumable" = String, Header, description = "1.0.0")), responses((status = 204)))]
async fn terminate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    end(&state, Uploader::Member(user.id), &id, &headers).await
}

async fn end(
    state: &AppState,
    who: Uploader,
    id: &str,
    headers: &HeaderMap,
) -> ApiResult<StatusCode> {
    check_version(headers)?;
    load(&mut state.db.read().await?, id, who).await?;
    let _busy = Busy::take(&state.drive, id)?;
    let mut tx = state.db.write().await?;
    let u = load(&mut tx, id, who).await?;
    tx.execute("DELETE FROM drive_versions WHERE id = $1", args![u.version])
        .await?;
    tx.commit().await?;
    state.drive.blobs.remove_version(u.version).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Where an upload stands after a request.
struct Done {
    offset: i64,
    expires_at: i64,
    file: Option<i64>,
}

impl Done {
    fn apply(&self, hs: &mut HeaderMap) {
        hs.insert(h("upload-offset"), value(self.offset));
        match self.file {
            Some(id) => {
                hs.insert(h(FILE_ID), value(id));
            }
            None => {
                hs.insert(h("upload-expires"), value(http_date(self.expires_at)));
            }
        }
    }
}

fn checksum_mismatch() -> ApiError {
    ApiError::new(
        StatusCode::from_u16(460).expect("460 is a status code"),
        "CHECKSUM_MISMATCH",
        "the bytes do not match Upload-Checksum: nothing of this request was kept",
    )
}

/// Takes a request's bytes into upload `id` at `offset`, and completes the upload when
/// the last byte is in.
async fn receive(
    state: &AppState,
    who: Uploader,
    id: &str,
    offset: i64,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Done> {
    let expected_sum = checksum(headers)?;
    let declared = number(headers, "content-length")?;
    // Someone else's upload is not found, busy or not.
    load(&mut state.db.read().await?, id, who).await?;
    let _busy = Busy::take(&state.drive, id)?;
    let drive = &state.drive;
    let (u, keys, chunks, tail) = {
        let mut tx = state.db.read().await?;
        let u = load(&mut tx, id, who).await?;
        if offset != u.offset {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "OFFSET_MISMATCH",
                format!("this upload is at byte {}, not {offset}", u.offset),
            ));
        }
        if declared.is_some_and(|n| u.offset + n > u.length) {
            return Err(too_long(u.length));
        }
        let (sealed_key,): (String,) = tx
            .one(
                "SELECT file_key FROM drive_versions WHERE id = $1",
                args![u.version],
            )
            .await?;
        let keys = content::keys(&mut tx, u.version, &sealed_key, &drive.salt).await?;
        let chunks = content::chunks(&mut tx, u.version).await?;
        let tail = if u.tail.is_empty() {
            Zeroizing::new(Vec::new())
        } else {
            let b64 = Zeroizing::new(
                tx.open(&Place::new("drive_uploads", "tail", id), &u.tail)
                    .await?,
            );
            Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(b64.as_bytes())
                    .map_err(ApiError::internal)?,
            )
        };
        (u, keys, chunks, tail)
    };
    let mut w = Writer::resume(
        drive.blobs.clone(),
        u.version,
        keys.clone(),
        &chunks,
        u.sealed as u64,
        &tail,
    )?;
    let mut hasher = Sha256::new();
    let mut stream = body.into_data_stream();
    let mut cut = false;
    let mut failure = None;
    loop {
        // A client gone silent (a connection dropped without a close) must not hold the
        // upload: after IDLE_SECS without a byte, what came is kept as if it was cut.
        let Ok(frame) =
            tokio::time::timeout(std::time::Duration::from_secs(IDLE_SECS), stream.next()).await
        else {
            cut = true;
            break;
        };
        let Some(frame) = frame else { break };
        match frame {
            Ok(bytes) => {
                if w.position() + bytes.len() as u64 > u.length as u64 {
                    failure = Some(too_long(u.length));
                    break;
                }
                hasher.update(&bytes);
                if let Err(e) = w.push(&bytes).await {
                    failure = Some(e);
                    break;
                }
            }
            Err(_) => {
                cut = true;
                break;
            }
        }
    }
    let sum_ok = match &expected_sum {
        Some(sum) => !cut && hasher.finalize().as_slice() == sum.as_slice(),
        None => true,
    };
    if failure.is_some() || !sum_ok {
        // Nothing of this request is kept: its chunks go, the row stays as it was.
        for c in w.written() {
            drive.blobs.remove_chunk(u.version, c.seq).await;
        }
        return Err(failure.unwrap_or_else(checksum_mismatch));
    }
    if w.position() == u.length as u64 {
        w.finish().await?;
        let file = complete(state, who, id, &u, keys, &chunks, w.written()).await?;
        return Ok(Done {
            offset: u.length,
            expires_at: u.expires_at,
            file: Some(file),
        });
    }
    // Part of the file: keep every byte received, sealed segments in chunks and the rest
    // in the row.
    w.flush().await?;
    let mut tx = state.db.write().await?;
    let tail = if w.pending().is_empty() {
        String::new()
    } else {
        let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(w.pending()));
        tx.seal(
            Scope::Workspace(u.workspace),
            &Place::new("drive_uploads", "tail", id),
            &b64,
        )
        .await?
    };
    let expires_at = now() + EXPIRES_AFTER_SECS;
    record_chunks(&mut tx, u.version, w.written()).await?;
    let saved = tx
        .execute(
            "UPDATE drive_uploads SET upload_offset = $2, sealed = $3, tail = $4, expires_at = $5 \
         WHERE id = $1 AND upload_offset = $6",
            args![
                id,
                w.position() as i64,
                w.sealed() as i64,
                tail,
                expires_at,
                u.offset
            ],
        )
        .await?;
    if saved != 1 {
        // Another server process took this upload meanwhile: keep its state.
        drop(tx);
        for c in w.written() {
            drive.blobs.remove_chunk(u.version, c.seq).await;
        }
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "OFFSET_MISMATCH",
            "this upload moved on meanwhile: ask its offset again",
        ));
    }
    tx.commit().await?;
    if cut {
        tracing::info!(
            version = u.version,
            offset = w.position(),
            "drive: upload interrupted, kept"
        );
    }
    Ok(Done {
        offset: w.position() as i64,
        expires_at,
        file: None,
    })
}

fn too_long(length: i64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "TOO_LARGE",
        format!("more bytes than Upload-Length ({length})"),
    )
}

async fn record_chunks(tx: &mut Tx, version: i64, written: &[Chunk]) -> ApiResult<()> {
    for c in written {
        tx.execute(
            "INSERT INTO drive_chunks (version_id, seq, start, bytes) VALUES ($1, $2, $3, $4)",
            args![version, c.seq, c.start, c.bytes],
        )
        .await?;
    }
    Ok(())
}

/// Turns a finished upload into a file (or a new version of one), and announces it.
async fn complete(
    state: &AppState,
    who: Uploader,
    id: &str,
    u: &Upload,
    keys: crypto_wasm::segments::Keys,
    before: &[Chunk],
    written: &[Chunk],
) -> ApiResult<i64> {
    let all: Vec<Chunk> = before.iter().chain(written).copied().collect();
    let reader = Reader {
        blobs: state.drive.blobs.clone(),
        content: u.version,
        keys,
        chunks: all,
        size: u.length as u64,
    };
    let mime = super::sniff::mime(&reader.segment(0).await?, &u.filename);
    let mut tx = state.db.write().await?;
    // Checked again: the upload may have ended meanwhile (terminated, or its file deleted).
    load(&mut tx, id, who).await?;
    record_chunks(&mut tx, u.version, written).await?;
    let item = match u.replaces {
        Some(file) => {
            // Two versions finishing at once must not get the same number.
            let sql = format!(
                "SELECT id FROM drive_items WHERE id = $1{}",
                tx.for_update()
            );
            let _: Option<(i64,)> = tx.optional(sqlx::AssertSqlSafe(sql), args![file]).await?;
            let (next,): (i64,) = tx
                .one(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM drive_versions \
                     WHERE item_id = $1 AND state = 'ready'",
                    args![file],
                )
                .await?;
            tx.execute(
                "UPDATE drive_versions SET state = 'ready', number = $2, mime = $3 WHERE id = $1",
                args![u.version, next, mime],
            )
            .await?;
            tx.execute(
                "UPDATE drive_items SET current_version_id = $2, updated_at = $3, \
                 revision = revision + 1 WHERE id = $1",
                args![file, u.version, now()],
            )
            .await?;
            store::item(&mut tx, file).await?
        }
        None => {
            // Its folder may have gone to the trash meanwhile: the file goes to the top.
            let at = match u.channel {
                Some(ch) => Location::Channel(ch),
                None => match store::check_folder(&mut tx, u.workspace, u.parent).await {
                    Ok(()) => Location::Folder(u.parent),
                    Err(_) => Location::Folder(None),
                },
            };
            tx.execute(
                "UPDATE drive_versions SET state = 'ready', number = 1, mime = $2 WHERE id = $1",
                args![u.version, mime],
            )
            .await?;
            let item = insert_unique(&mut tx, u, who.owner(), at).await?;
            tx.execute(
                "UPDATE drive_versions SET item_id = $2 WHERE id = $1",
                args![u.version, item.id],
            )
            .await?;
            item
        }
    };
    tx.execute("DELETE FROM drive_uploads WHERE id = $1", args![id])
        .await?;
    if let Uploader::Member(me) = who {
        tx.execute(
            "INSERT INTO drive_finished_uploads (id, user_id, item_id, length, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
            args![id, me, item.id, u.length, now() + EXPIRES_AFTER_SECS],
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        workspace = u.workspace,
        version = u.version,
        item = item.id,
        size = u.length,
        "drive: upload complete"
    );
    // A channel's file is announced with the message that shows it.
    if item.channel_id.is_none() {
        super::announce(state, &item).await;
    }
    Ok(item.id)
}

/// The new file, named as uploaded, or `name (2).ext`, `name (3).ext`, … when another
/// item of its folder (or channel) has that name.
async fn insert_unique(
    tx: &mut Tx,
    u: &Upload,
    me: i64,
    at: Location,
) -> ApiResult<huddle_protocol::drive::Item> {
    let name = store::free_name(tx, u.workspace, at, &u.filename).await?;
    store::insert(
        tx,
        u.workspace,
        me,
        at,
        ItemKind::File,
        &name,
        Some(u.version),
    )
    .await
}

/// How long a file uploaded to a channel may wait to be attached to a message.
pub const UNATTACHED_FOR_SECS: i64 = 24 * 3600;

/// Removes uploads that expired and their bytes, and the files of channels never
/// attached to a message; run every hour.
pub async fn purge_expired(state: &AppState) -> ApiResult<usize> {
    let mut tx = state.db.write().await?;
    let expired: Vec<(String, i64)> = tx
        .all(
            "SELECT id, version_id FROM drive_uploads WHERE expires_at <= $1",
            args![now()],
        )
        .await?;
    let mut gone = Vec::new();
    for (id, version) in expired {
        // One receiving bytes right now is not abandoned.
        let Ok(_busy) = Busy::take(&state.drive, &id) else {
            continue;
        };
        // Only while it is still an upload (it may have completed meanwhile).
        let n = tx
            .execute(
                "DELETE FROM drive_uploads WHERE id = $1 AND expires_at <= $2",
                args![id, now()],
            )
            .await?;
        if n == 1 {
            tx.execute(
                "DELETE FROM drive_versions WHERE id = $1 AND state = 'uploading'",
                args![version],
            )
            .await?;
            gone.push(version);
        }
    }
    // Versions left uploading with no upload (ended with their folder by an older server).
    let orphans: Vec<(i64,)> = tx
        .all(
            "SELECT id FROM drive_versions v WHERE state = 'uploading' \
             AND NOT EXISTS (SELECT 1 FROM drive_uploads u WHERE u.version_id = v.id)",
            args![],
        )
        .await?;
    for (version,) in orphans {
        tx.execute("DELETE FROM drive_versions WHERE id = $1", args![version])
            .await?;
        gone.push(version);
    }
    tx.execute(
        "DELETE FROM drive_finished_uploads WHERE expires_at <= $1",
        args![now()],
    )
    .await?;
    // Files uploaded to a channel and never attached to a message (a draft given up).
    let unattached: Vec<(i64, i64)> = tx
        .all(
            "SELECT id, workspace_id FROM drive_items i WHERE channel_id IS NOT NULL \
             AND created_at <= $1 \
             AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.item_id = i.id)",
            args![now() - UNATTACHED_FOR_SECS],
        )
        .await?;
    for (item, workspace) in unattached {
        // As a copy or a message would: the workspace, then the file, then checked again
        // (a message may have taken it meanwhile).
        store::lock_workspace(&mut tx, workspace).await?;
        let sql = format!(
            "SELECT id FROM drive_items i WHERE id = $1 \
             AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.item_id = i.id){}",
            tx.for_update()
        );
        let still: Option<(i64,)> = tx.optional(sqlx::AssertSqlSafe(sql), args![item]).await?;
        if still.is_some() {
            gone.extend(store::delete_items(&mut tx, &[item]).await?);
        }
    }
    tx.commit().await?;
    for version in &gone {
        state.drive.blobs.remove_version(*version).await;
    }
    Ok(gone.len())
}
