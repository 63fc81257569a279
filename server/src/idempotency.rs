//! `Idempotency-Key` on the requests that create something ([`ROUTES`]): the first
//! request with a key is done and its answer kept for [`KEEP_SECS`] per person and key; a
//! repeat (a Retry after a lost answer) gets that same answer, marked
//! `Idempotent-Replayed: true`, and changes nothing. Elsewhere the header is ignored (sign
//! in, sign out, realtime joins and the like are never replayed).
//!
//! * The same key with another method, path or body: `422 IDEMPOTENCY_KEY_REUSED`.
//! * A repeat while the first request still runs: `409 IDEMPOTENCY_KEY_IN_USE` (retry
//!   later).
//! * An answer that is not a success is not kept: the key is free again, so that a
//!   request refused for a reason that goes away (a server error, say) can be retried.
//! * Requests without the header, or not signed in, pass through untouched.
//! * What is kept: an HMAC of the request under the server's secret salt (never the
//!   request itself) and the answer. Expired keys are purged every hour.
//!
//! The key is reserved (a row without an answer) before the request runs, so two
//! concurrent repeats cannot both go through. The request and the recording of its answer
//! run to the end even if the client hangs up. If the process dies between the request's
//! commit and the recording of its answer, the reservation stays without an answer and
//! repeats get `IDEMPOTENCY_KEY_IN_USE` until it expires.

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tracing::Instrument;

use crate::args;
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::vault::{Place, Scope};
use crate::AppState;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The routes (templates under `/api/v1`) whose POSTs take a key: the creates.
/// (Not `/workspaces/{id}/invite-links`: its answer holds the link's token, which must be
/// shown once and kept nowhere; a retried request makes another link, revocable.)
pub const ROUTES: &[&str] = &[
    "/workspaces",
    "/workspaces/{id}/invitations",
    "/workspaces/{id}/channels",
    "/channels/{id}/members",
    "/channels/{id}/messages",
];
/// The header on a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key and its answer are kept.
pub const KEEP_SECS: i64 = 24 * 3600;
/// Largest answer kept (API answers are far smaller).
const MAX_ANSWER: usize = 1024 * 1024;

/// A key: 16 to 128 characters of `A-Z a-z 0-9 - _`.
fn valid(key: &str) -> bool {
    (16..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A kept row: the request's fingerprint, and the answer's status and body once it has
/// one.
type Row = (Vec<u8>, Option<i64>, Option<Vec<u8>>);

/// What was kept for a key.
enum Kept {
    /// Nothing (or expired): reserved now.
    Reserved,
    /// The first request still runs.
    Running,
    /// Another request used the key.
    Different,
    /// The first answer.
    Answer(u16, Vec<u8>),
}

/// Whether a request is one of the creates that take a key.
fn takes_key(req: &Request) -> bool {
    req.method() == Method::POST
        && req
            .extensions()
            .get::<MatchedPath>()
            .and_then(|p| p.as_str().strip_prefix("/api/v1"))
            .is_some_and(|route| ROUTES.contains(&route))
}

/// The middleware (on every API route; it acts on the creates that carry the header).
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !takes_key(&req) {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let Some(key) = key.to_str().ok().filter(|k| valid(k)).map(str::to_owned) else {
        return ApiError::invalid("Idempotency-Key: 16 to 128 characters of A-Z a-z 0-9 - _")
            .into_response();
    };
    let (mut parts, body) = req.into_parts();
    let user = match CurrentUser::from_request_parts(&mut parts, &state).await {
        Ok(u) => u,
        // Not signed in: the route answers as it would without a key.
        Err(_) => return next.run(Request::from_parts(parts, body)).await,
    };
    let Ok(bytes) = to_bytes(body, crate::api::MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!("request body over {} bytes", crate::api::MAX_BODY),
        )
        .into_response();
    };
    let mut h = <Hmac<Sha256> as Mac>::new_from_slice(&state.secret_salt)
        .expect("HMAC takes any key length");
    h.update(parts.method.as_str().as_bytes());
    h.update(&[0]);
    h.update(parts.uri.path().as_bytes());
    h.update(&[0]);
    h.update(&bytes);
    let fingerprint = h.finalize().into_bytes().to_vec();

    // Reserving the key, the request and the recording of its answer run in a task of
    // their own: a client that hangs up mid-request (a lost answer, the very case this is
    // for) cancels the connection's future, and a reservation must never be left without
    // its answer.
    let task = tokio::spawn(
        async move {
        let kept = reserve(&state, user.id, &key, fingerprint).await;
        match kept {
            Err(e) => e.into_response(),
            Ok(Kept::Different) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used for a different request: make a new key for a new request",
            )
            .into_response(),
            Ok(Kept::Running) => ApiError::new(
                StatusCode::CONFLICT,
                "IDEMPOTENCY_KEY_IN_USE",
                "the first request with this Idempotency-Key is still running: retry in a moment",
            )
            .into_response(),
            Ok(Kept::Answer(status, body)) => replay(status, body),
            Ok(Kept::Reserved) => {
                let res = next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                record(&state, user.id, key, res).await
            }
        }
    }
        .instrument(tracing::Span::current()),
    );
    task.await
        .unwrap_or_else(|e| ApiError::internal(e).into_response())
}

/// Reserves `key` for a request with `fingerprint`, or says what was kept for it.
async fn reserve(
    state: &AppState,
    user_id: i64,
    key: &str,
    fingerprint: Vec<u8>,
) -> ApiResult<Kept> {
    let now = crate::db::now();
    let mut tx = state.db.write().await?;
    tx.execute(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND created_at <= $2",
        args![user_id, now - KEEP_SECS],
    )
    .await?;
    // Two repeats at once (several writers on PostgreSQL): one inserts, the other reads
    // its reservation.
    let reserved = tx
        .execute(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            args![user_id, key, fingerprint.clone(), now],
        )
        .await?;
    let kept = if reserved == 1 {
        Kept::Reserved
    } else {
        let row: Row = tx
            .one(
                "SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                args![user_id, key],
            )
            .await?;
        match row {
            (f, _, _) if f != fingerprint => Kept::Different,
            (_, Some(status), Some(body)) => {
                let body = String::from_utf8(body).map_err(ApiError::internal)?;
                let body = tx.open(&place(user_id, key), &body).await?;
                Kept::Answer(status as u16, body.into_bytes())
            }
            _ => Kept::Running,
        }
    };
    tx.commit().await?;
    Ok(kept)
}

/// Deletes every expired key and answer, whoever made them (each person's own expired
/// keys also go on their next keyed request).
pub async fn purge_expired(state: &AppState) {
    let cutoff = crate::db::now() - KEEP_SECS;
    let purged = async {
        let mut tx = state.db.write().await?;
        tx.execute(
            "DELETE FROM idempotency_keys WHERE created_at <= $1",
            args![cutoff],
        )
        .await?;
        tx.commit().await?;
        ApiResult::Ok(())
    }
    .await;
    if let Err(e) = purged {
        tracing::warn!(error = %e.message, "expired idempotency keys not purged");
    }
}

/// The kept answer again.
fn replay(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(REPLAYED, HeaderValue::from_static("true"));
    res
}

/// Where a kept answer is stored (what its ciphertext is bound to).
fn place(user_id: i64, key: &str) -> Place {
    Place::new("idempotency_keys", "body", format!("{user_id}:{key}"))
}

/// Frees a key: its reservation goes, so a repeat does the request again.
async fn free(tx: &mut Tx, user_id: i64, key: &str) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        args![user_id, key],
    )
    .await?;
    Ok(())
}

/// Keeps the answer (a success) or frees the key.
async fn keep(
    state: &AppState,
    user_id: i64,
    key: &str,
    answer: Option<(u16, Vec<u8>)>,
) -> ApiResult<()> {
    let mut tx = state.db.write().await?;
    match answer {
        Some((status, body)) => {
            // Kept sealed: an answer holds what was created (a message, a name).
            let text = String::from_utf8(body).map_err(ApiError::internal)?;
            let body = tx
                .seal(Scope::Account, &place(user_id, key), &text)
                .await?
                .into_bytes();
            tx.execute(
                "UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2",
                args![user_id, key, i64::from(status), body],
            )
            .await?;
        }
        None => free(&mut tx, user_id, key).await?,
    }
    tx.commit().await?;
    Ok(())
}

/// Keeps a successful answer for the key, or frees the key after a failure; returns the
/// answer.
async fn record(state: &AppState, user_id: i64, key: String, res: Response) -> Response {
    let (parts, body) = res.into_parts();
    let success = parts.status.is_success();
    let Ok(bytes) = to_bytes(body, MAX_ANSWER).await else {
        // Not kept, and the key freed (a repeat does the request again rather than wait
        // for an answer that will never be recorded).
        let _ = keep(state, user_id, &key, None).await;
        return ApiError::internal("an answer too large to keep").into_response();
    };
    let (status, kept) = (parts.status.as_u16(), bytes.to_vec());
    let stored = keep(state, user_id, &key, success.then_some((status, kept))).await;
    if let Err(e) = stored {
        // The change itself is done; a repeat now gets IDEMPOTENCY_KEY_IN_USE until the
        // reservation expires, never a second change.
        tracing::warn!(error = %e.message, "idempotency answer not kept");
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys() {
        assert!(super::valid("0123456789abcdef"));
        assert!(super::valid(&"a".repeat(128)));
        assert!(!super::valid("short"));
        assert!(!super::valid(&"a".repeat(129)));
        assert!(!super::valid("0123456789abcdef!"));
        assert!(!super::valid("0123456789 abcdef"));
    }
}
