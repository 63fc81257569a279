//! Downloads, only by token. `POST /drive/files/{id}/download` checks the caller's right
//! to the file and answers a URL holding a random token (32 bytes from the CSPRNG; only
//! its SHA-256 is stored) bound to one version of one file and to the caller, good for
//! [`TOKEN_SECS`] seconds. `GET` of that URL needs no session (it may be another origin,
//! see docs/deploy.md): it checks the token, that its person is still in the workspace
//! and the file still there, and streams the file as an attachment, never as something
//! the browser would run. A whole download uses the token up; range requests (a player
//! seeking) may repeat until it expires.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use huddle_protocol::drive::{DownloadRequest, DownloadUrl, ItemKind};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::content::{self, Reader};
use super::shares::token_hash;
use super::{public, sniff, store};
use crate::api::{ApiJson, ApiPath};
use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::{access, AppState};

/// How long a download URL works.
pub const TOKEN_SECS: i64 = 60;

/// The routes of downloads.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask))
        .routes(routes!(fetch))
}

/// A URL that downloads the file (its current version, or `version`).
#[utoipa::path(post, path = "/drive/files/{id}/download", tag = "drive", params(("id" = i64, Path, description = "File id")), request_body = DownloadRequest, responses((status = 200, body = DownloadUrl)))]
async fn ask(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DownloadRequest>,
) -> ApiResult<Json<DownloadUrl>> {
    let mut tx = state.db.write().await?;
    let a = access::drive_item(&mut tx, id, user.id).await?;
    if a.kind != ItemKind::File {
        return Err(ApiError::not_found("file"));
    }
    let version: Option<(i64,)> = match body.version {
        None => {
            tx.optional(
                "SELECT current_version_id FROM drive_items WHERE id = $1",
                args![id],
            )
            .await?
        }
        Some(n) => {
            tx.optional(
                "SELECT id FROM drive_versions WHERE item_id = $1 AND number = $2 \
                 AND state = 'ready'",
                args![id, n],
            )
            .await?
        }
    };
    let (version,) = version.ok_or_else(|| ApiError::not_found("version"))?;
    let url = issue(&mut tx, &state, version, user.id, None).await?;
    tx.commit().await?;
    Ok(Json(url))
}

/// A download URL of `version` for `user`, or for whoever holds `share` (a link made by
/// `user`), recorded in the caller's transaction.
pub(crate) async fn issue(
    tx: &mut Tx,
    state: &AppState,
    version: i64,
    user: i64,
    share: Option<i64>,
) -> ApiResult<DownloadUrl> {
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let expires_at = now() + TOKEN_SECS;
    tx.execute(
        "INSERT INTO drive_tokens (token_hash, version_id, user_id, expires_at, share_id) \
         VALUES ($1, $2, $3, $4, $5)",
        args![token_hash(&token), version, user, expires_at, share],
    )
    .await?;
    // Tokens long expired go as new ones come.
    tx.execute(
        "DELETE FROM drive_tokens WHERE expires_at < $1",
        args![now() - 3600],
    )
    .await?;
    Ok(DownloadUrl {
        url: url_of(state, &format!("/api/v1/drive/download/{token}")),
        expires_at,
    })
}

/// The URL of a download `path`: under the configured download origin, if any.
pub(crate) fn url_of(state: &AppState, path: &str) -> String {
    match &state.config.download_origin {
        Some(origin) => format!("{}{path}", origin.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

/// 410 `DOWNLOAD_EXPIRED`: the link `what` (has expired, was used already).
pub(crate) fn gone(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "DOWNLOAD_EXPIRED",
        format!("this download link {what}: download the file again"),
    )
}

/// `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` (one range), within `size`.
/// `Ok(None)`: no range (or one this server ignores, as RFC 9110 allows); `Err`: 416.
pub(crate) fn range(headers: &HeaderMap, size: u64) -> Result<Option<std::ops::Range<u64>>, ()> {
    let Some(v) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let Some(spec) = v.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    // A range that does not parse is ignored (RFC 9110, 14.2).
    let parse = |s: &str| s.parse::<u64>().ok();
    let r = match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ok(None),
        (true, false) => {
            let Some(n) = parse(b) else { return Ok(None) };
            let n = n.min(size);
            size - n..size
        }
        (false, true) => match parse(a) {
            Some(a) => a..size,
            None => return Ok(None),
        },
        (false, false) => {
            let (Some(a), Some(b)) = (parse(a), parse(b)) else {
                return Ok(None);
            };
            if b < a {
                return Ok(None);
            }
            a..b.saturating_add(1).min(size)
        }
    };
    if r.start >= size || r.is_empty() {
        return Err(());
    }
    Ok(Some(r))
}

/// What RFC 8187 percent-encodes in a parameter value: all but its `attr-char`s.
const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// RFC 6266 / RFC 8187: an ASCII fallback and the exact UTF-8 name.
pub(crate) fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, ATTR_CHAR);
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// The file of a download URL.
#[utoipa::path(get, path = "/drive/download/{token}", tag = "drive", security(()), params(("token" = String, Path, description = "The token of a download URL")), responses((status = 200, description = "The file, as an attachment"), (status = 206, description = "A range of it"), (status = 410, description = "`DOWNLOAD_EXPIRED`: expired or used")))]
async fn fetch(
    State(state): State<AppState>,
    method: Method,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut tx = state.db.write().await?;
    type TokenRow = (i64, i64, i64, Option<i64>, Option<i64>);
    let row: Option<TokenRow> = tx
        .optional(
            "SELECT version_id, user_id, expires_at, used_at, share_id FROM drive_tokens \
             WHERE token_hash = $1",
            args![token_hash(&token)],
        )
        .await?;
    let (version, user, expires_at, used_at, share) =
        row.ok_or_else(|| ApiError::not_found("download"))?;
    if expires_at <= now() {
        return Err(gone("has expired"));
    }
    let v: Option<(Option<i64>, i64)> = tx
        .optional(
            "SELECT item_id, size FROM drive_versions WHERE id = $1 AND state = 'ready'",
            args![version],
        )
        .await?;
    // A holder (the bytes of a deleted file that a copy still reads) has no item.
    let (Some(item), size) = v.ok_or_else(|| ApiError::not_found("file"))? else {
        return Err(ApiError::not_found("file"));
    };
    // The person must still be allowed to read it; through a link, the link must still
    // work and reach it.
    match share {
        None => {
            access::drive_item(&mut tx, item, user)
                .await
                .map_err(|_| ApiError::not_found("file"))?;
        }
        Some(share) => {
            let link = public::live_by_id(&mut tx, share)
                .await
                .map_err(|_| ApiError::not_found("file"))?;
            public::within(&mut tx, &link, item)
                .await
                .map_err(|_| ApiError::not_found("file"))?;
        }
    }
    let it = store::item(&mut tx, item).await?;
    let (mime,): (Option<String>,) = tx
        .one(
            "SELECT mime FROM drive_versions WHERE id = $1",
            args![version],
        )
        .await?;
    let size = size as u64;
    let wanted = range(&headers, size);
    // A whole download uses the token up, once, even with two requests at once; a HEAD
    // (a link checker's) does not.
    if matches!(wanted, Ok(None)) && method != Method::HEAD {
        let took = tx
            .execute(
                "UPDATE drive_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
                args![token_hash(&token), now()],
            )
            .await?;
        if used_at.is_some() || took != 1 {
            return Err(gone("was used already"));
        }
    }
    let reader = content::reader(&mut tx, &state.drive.blobs, &state.drive.salt, version).await?;
    tx.commit().await?;
    respond(reader, wanted, &it.name, mime.as_deref()).await
}

/// The answer with the bytes of `reader` (all, or the range `wanted`), as an attachment
/// named `name` of type `mime` (if on the safe list) that a browser never runs.
pub(crate) async fn respond(
    reader: Reader,
    wanted: Result<Option<std::ops::Range<u64>>, ()>,
    name: &str,
    mime: Option<&str>,
) -> ApiResult<Response> {
    let size = reader.size;
    let mut res = match wanted {
        Err(()) => {
            let mut r = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "RANGE_NOT_SATISFIABLE",
                format!("the file has {size} bytes"),
            )
            .into_response();
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{size}")).expect("a header value"),
            );
            return Ok(r);
        }
        Ok(r) => {
            let partial = r.is_some();
            let r = r.unwrap_or(0..size);
            let len = r.end - r.start;
            let (start, end) = (r.start, r.end);
            // The first piece (up to a megabyte) is read and checked before answering, so
            // that damage there is a clear error rather than a cut response (later pieces
            // can only cut it).
            let mut stream = Box::pin(reader.stream(r));
            let first = match stream.next().await {
                Some(piece) => Some(piece?),
                None => None,
            };
            let body = Body::from_stream(
                futures_util::stream::iter(first.map(Ok))
                    .chain(stream)
                    .map(|b| b.map_err(|e| e.message)),
            );
            let mut res = Response::new(body);
            let hs = res.headers_mut();
            hs.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            if partial {
                *res.status_mut() = StatusCode::PARTIAL_CONTENT;
                res.headers_mut().insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end - 1))
                        .expect("a header value"),
                );
            }
            res
        }
    };
    let hs = res.headers_mut();
    hs.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(sniff::content_type(mime)),
    );
    hs.insert(header::CONTENT_DISPOSITION, disposition(name));
    hs.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let mut h = HeaderMap::new();
        let mut r = |v: &str| {
            h.insert(header::RANGE, HeaderValue::from_str(v).unwrap());
            range(&h, 100)
        };
        assert_eq!(r("bytes=0-9"), Ok(Some(0..10)));
        assert_eq!(r("bytes=90-"), Ok(Some(90..100)));
        assert_eq!(r("bytes=-5"), Ok(Some(95..100)));
        assert_eq!(r("bytes=95-200"), Ok(Some(95..100)));
        assert_eq!(r("bytes=100-"), Err(()));
        assert_eq!(r("bytes=0-1,5-6"), Ok(None));
        assert_eq!(r("items=0-1"), Ok(None));
        assert_eq!(r("bytes=x-1"), Ok(None));
        assert_eq!(r("bytes=0-18446744073709551615"), Ok(Some(0..100)));
    }

    #[test]
    fn names_survive_in_both_forms() {
        let d = disposition("Café \"menu\".pdf");
        assert_eq!(
            d.to_str().unwrap(),
            "attachment; filename=\"Caf_ _menu_.pdf\"; filename*=UTF-8''Caf%C3%A9%20%22menu%22.pdf"
        );
    }
}
