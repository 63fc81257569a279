//! Previews for members: a file's bytes for the app's viewer (`/content`, with ranges, so
//! that a player can seek), thumbnails of images and PDFs (`/thumbnail`), and the first
//! page of a PDF as an image (`/page`, rendered in a child process: see [`super::pdf`]).
//!
//! `/content` is an API read like any other (the session cookie, same origin): the app
//! shows images and text from it through `blob:` URLs and plays audio and video from it.
//! It answers exactly as a download does (an attachment of a safe type or
//! `application/octet-stream`, `sandbox` CSP, `nosniff`), so nothing in it can run.
//!
//! A thumbnail is made on first request from the version's bytes: only files the server
//! sniffed as PNG, JPEG, GIF, WebP or BMP, of at most [`MAX_INPUT`] bytes, decoded by the
//! `image` crate under limits ([`MAX_SIDE`] pixels a side, [`MAX_ALLOC`] bytes of memory)
//! that are checked from the header before any pixel is decoded: a decompression bomb is
//! refused, not decoded. The PNG made ([`SIDE`] pixels at most) is sealed in the database;
//! a refusal is kept too, with its reason, so it is not tried again. At most
//! [`AT_ONCE`] thumbnails (or pages) are made at once. A PDF's thumbnail and page are
//! kept and refused the same way.

use std::io::Cursor;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use huddle_protocol::drive::ItemKind;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::content;
use super::{download, store};
use crate::api::ApiPath;
use crate::args;
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::vault::{Place, Scope};
use crate::{access, AppState};

/// The longest side of a thumbnail, in pixels.
pub const SIDE: u32 = 256;
/// The largest file a thumbnail is made of.
pub const MAX_INPUT: u64 = 40 * 1024 * 1024;
/// The largest width or height decoded.
pub const MAX_SIDE: u32 = 12_000;
/// The most memory one decode may take.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Thumbnails made at the same time (each may hold [`MAX_INPUT`] + [`MAX_ALLOC`]).
pub const AT_ONCE: usize = 2;

/// Types a thumbnail is made of.
const IMAGES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
];

/// The routes of previews.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file_content))
        .routes(routes!(thumbnail))
        .routes(routes!(first_page))
}

/// The longest side of a PDF's page shown in the viewer, in pixels.
pub const PAGE_SIDE: u32 = 1400;

/// Which image of a file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Made {
    /// A thumbnail (of an image or a PDF's first page).
    Thumbnail,
    /// A PDF's first page, to read.
    Page,
}

impl Made {
    /// Where it is kept: `(select, insert ready, insert refused, sealed place's table)`.
    fn sql(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Made::Thumbnail => (
                "SELECT state, image, reason FROM drive_thumbnails WHERE version_id = $1",
                "INSERT INTO drive_thumbnails (version_id, state, image) VALUES ($1, 'ready', $2) \
                 ON CONFLICT (version_id) DO NOTHING",
                "INSERT INTO drive_thumbnails (version_id, state, reason) \
                 VALUES ($1, 'refused', $2) ON CONFLICT (version_id) DO NOTHING",
                "drive_thumbnails",
            ),
            Made::Page => (
                "SELECT state, image, reason FROM drive_pages WHERE version_id = $1",
                "INSERT INTO drive_pages (version_id, state, image) VALUES ($1, 'ready', $2) \
                 ON CONFLICT (version_id) DO NOTHING",
                "INSERT INTO drive_pages (version_id, state, reason) \
                 VALUES ($1, 'refused', $2) ON CONFLICT (version_id) DO NOTHING",
                "drive_pages",
            ),
        }
    }
}

/// `?version=N` (default: the current one).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version number.
    version: Option<i64>,
}

/// A ready version of file `id` the user may read: (version id, size, sealed key, mime).
async fn version_of(
    tx: &mut Tx,
    id: i64,
    user: i64,
    number: Option<i64>,
) -> ApiResult<(i64, Option<String>)> {
    let a = access::drive_item(tx, id, user).await?;
    if a.kind != ItemKind::File {
        return Err(ApiError::not_found("file"));
    }
    let row: Option<(i64, Option<String>)> = match number {
        None => {
            tx.optional(
                "SELECT v.id, v.mime FROM drive_items i \
                 JOIN drive_versions v ON v.id = i.current_version_id WHERE i.id = $1",
                args![id],
            )
            .await?
        }
        Some(n) => {
            tx.optional(
                "SELECT id, mime FROM drive_versions \
                 WHERE item_id = $1 AND number = $2 AND state = 'ready'",
                args![id, n],
            )
            .await?
        }
    };
    row.ok_or_else(|| ApiError::not_found("version"))
}

/// A file's bytes for the app's viewer and players (ranges allowed).
#[utoipa::path(get, path = "/drive/files/{id}/content", tag = "drive", params(("id" = i64, Path, description = "File id"), VersionQuery), responses((status = 200, description = "The file, as an attachment"), (status = 206, description = "A range of it")))]
async fn file_content(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<VersionQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut tx = state.db.read().await?;
    let (version, mime) = version_of(&mut tx, id, user.id, q.version).await?;
    let it = store::item(&mut tx, id).await?;
    let reader = content::reader(&mut tx, &state.drive.blobs, &state.drive.salt, version).await?;
    drop(tx);
    let size = reader.size;
    download::respond(
        reader,
        download::range(&headers, size),
        &it.name,
        mime.as_deref(),
    )
    .await
}

fn no_preview(reason: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NO_PREVIEW",
        format!("no preview of this file: {reason}"),
    )
}

/// A PNG of at most [`SIDE`] pixels a side of an image file or of a PDF's first page
/// (404 `NO_PREVIEW`, with the reason, for anything else).
#[utoipa::path(get, path = "/drive/files/{id}/thumbnail", tag = "drive", params(("id" = i64, Path, description = "File id"), VersionQuery), responses((status = 200, description = "A PNG", content_type = "image/png"), (status = 404, description = "`NO_PREVIEW`: not an image or a PDF, too large, or refused")))]
async fn thumbnail(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Response> {
    image_of(&state, user.id, id, q.version, Made::Thumbnail).await
}

/// The first page of a PDF as a PNG of at most [`PAGE_SIDE`] pixels a side, for the
/// viewer (404 `NO_PREVIEW`, with the reason, for anything else, or a PDF that cannot be
/// rendered).
#[utoipa::path(get, path = "/drive/files/{id}/page", tag = "drive", params(("id" = i64, Path, description = "File id"), VersionQuery), responses((status = 200, description = "A PNG", content_type = "image/png"), (status = 404, description = "`NO_PREVIEW`: not a PDF, too large, or refused")))]
async fn first_page(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Response> {
    image_of(&state, user.id, id, q.version, Made::Page).await
}

/// The image `made` of version `number` (default: the current one) of file `id`, kept
/// from before or made now.
async fn image_of(
    state: &AppState,
    user: i64,
    id: i64,
    number: Option<i64>,
    made: Made,
) -> ApiResult<Response> {
    let mut tx = state.db.read().await?;
    let (version, mime) = version_of(&mut tx, id, user, number).await?;
    let reader = content::reader(&mut tx, &state.drive.blobs, &state.drive.salt, version).await?;
    // Kept per content: a copy shows its original's thumbnail.
    let content = reader.content;
    let (workspace,): (i64,) = tx
        .one(
            "SELECT workspace_id FROM drive_versions WHERE id = $1",
            args![version],
        )
        .await?;
    if let Some(png) = stored(&mut tx, content, made).await? {
        return Ok(png_response(png));
    }
    let pdf = mime.as_deref() == Some("application/pdf");
    match made {
        Made::Page if !pdf => return Err(no_preview("not a PDF")),
        Made::Thumbnail if !pdf && !mime.as_deref().is_some_and(|m| IMAGES.contains(&m)) => {
            return Err(no_preview("not an image the server can read"))
        }
        _ => {}
    }
    if reader.size
        > if pdf {
            super::pdf::MAX_INPUT
        } else {
            MAX_INPUT
        }
    {
        return Err(no_preview("the file is too large"));
    }
    drop(tx);

    // PDFs (slower) have their own turn: images do not wait behind them.
    let turns = if pdf {
        &state.drive.rendering
    } else {
        &state.drive.thumbnailing
    };
    let _permit = turns.acquire().await.map_err(ApiError::internal)?;
    // Made meanwhile by another request?
    if let Some(png) = stored(&mut state.db.read().await?, content, made).await? {
        return Ok(png_response(png));
    }
    let bytes = reader.read_all().await?;
    let image = if pdf {
        let side = if made == Made::Page { PAGE_SIDE } else { SIDE };
        match super::pdf::render(&state.drive.renderer, bytes, side).await {
            Ok(png) => Ok(png),
            Err(super::pdf::Failure::Refused(reason)) => Err(reason),
            // Not the file's fault: said, not kept.
            Err(super::pdf::Failure::Passing(reason)) => {
                tracing::warn!(version, content, %reason, "drive: PDF not rendered");
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "PREVIEW_BUSY",
                    format!("no preview right now: {reason}; try again later"),
                ));
            }
        }
    } else {
        tokio::task::spawn_blocking(move || make(&bytes))
            .await
            .map_err(ApiError::internal)?
    };
    let (_, insert_ready, insert_refused, table) = made.sql();
    let mut tx = state.db.write().await?;
    let result = match image {
        Ok(png) => {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
            let sealed = tx
                .seal(
                    Scope::Workspace(workspace),
                    &Place::new(table, "image", content),
                    &b64,
                )
                .await?;
            tx.execute(insert_ready, args![content, sealed]).await?;
            Ok(png_response(png))
        }
        Err(reason) => {
            tracing::info!(version, content, %reason, table, "drive: no preview");
            tx.execute(insert_refused, args![content, reason.clone()])
                .await?;
            Err(no_preview(&reason))
        }
    };
    tx.commit().await?;
    result
}

/// The stored image `made` of the content `version` (a version whose bytes are its
/// own); `Err(NO_PREVIEW)` if it was refused before.
async fn stored(tx: &mut Tx, version: i64, made: Made) -> ApiResult<Option<Vec<u8>>> {
    let (select, _, _, table) = made.sql();
    let row: Option<(String, String, String)> = tx.optional(select, args![version]).await?;
    match row {
        None => Ok(None),
        Some((state, _, reason)) if state == "refused" => Err(no_preview(&reason)),
        Some((_, image, _)) => {
            let b64 = tx
                .open(&Place::new(table, "image", version), &image)
                .await?;
            base64::engine::general_purpose::STANDARD
                .decode(b64.as_bytes())
                .map(Some)
                .map_err(ApiError::internal)
        }
    }
}

fn png_response(png: Vec<u8>) -> Response {
    let mut res = png.into_response();
    let hs = res.headers_mut();
    hs.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    // A version's thumbnail never changes; the app asks for it by version number.
    hs.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=604800"),
    );
    hs.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    res
}

/// Decodes `bytes` under the limits and makes the thumbnail's PNG; the reason if not.
pub fn make(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("unreadable: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("larger than {MAX_SIDE} pixels a side or {MAX_ALLOC} bytes decoded")
        }
        e => format!("unreadable: {e}"),
    })?;
    let small = img.thumbnail(SIDE, SIDE);
    let mut out = Vec::new();
    small
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| format!("could not encode: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_thumbnail_keeps_the_aspect_within_its_side() {
        let t = make(&png(1000, 500)).unwrap();
        let back = image::load_from_memory(&t).unwrap();
        assert_eq!((back.width(), back.height()), (256, 128));
    }

    /// A PNG whose header claims `width` × `height` (and whose data is a few bytes).
    fn claimed_png(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let mut crc = crc32(kind, 0xffff_ffff);
            crc = crc32(data, crc);
            out.extend_from_slice(&(crc ^ 0xffff_ffff).to_be_bytes());
        }
        fn crc32(bytes: &[u8], mut c: u32) -> u32 {
            for &b in bytes {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        0xedb8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
            }
            c
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // 60,000 × 60,000 RGB would be 10.8 GB decoded.
        let reason = make(&claimed_png(60_000, 60_000)).unwrap_err();
        assert!(reason.starts_with("larger than"), "{reason}");
        // Within the sides but over the memory limit: 11,000 × 11,000 × 3 = 363 MB.
        let reason = make(&claimed_png(11_000, 11_000)).unwrap_err();
        assert!(reason.starts_with("larger than"), "{reason}");
        assert!(make(b"not an image").unwrap_err().starts_with("unreadable"));
    }
}
