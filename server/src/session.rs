//! Sessions: an opaque random token in a cookie; the database stores only its
//! HMAC-SHA256 under the server's secret salt, so a copy of the database alone neither
//! holds nor can confirm a token.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::args;
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};
use crate::AppState;

/// Session lifetime.
pub const LIFETIME_SECS: i64 = 30 * 24 * 3600;

/// The cookie's name: `__Host-` pins it to this origin, path `/`, `Secure`.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-huddle_session"
    } else {
        "huddle_session"
    }
}

/// A `Set-Cookie` value for `token` (or one that deletes the cookie).
pub fn set_cookie(secure: bool, token: Option<&str>) -> String {
    let (value, max_age) = match token {
        Some(t) => (t, LIFETIME_SECS),
        None => ("", 0),
    };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// HMAC-SHA256 of a token under the secret salt: what the database stores.
pub fn token_hash(salt: &[u8], token: &str) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(salt).expect("any key length");
    m.update(token.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// The tag the relay knows a session by (in its tickets, see `realtime::ticket`): 128
/// bits of a hash of the token's hash, so that it names the session without revealing
/// anything that opens it.
pub fn relay_tag(token_hash: &[u8]) -> String {
    use sha2::Digest;
    let mut h = Sha256::new();
    h.update(b"huddle relay session\n");
    h.update(token_hash);
    crypto_wasm::hex::encode(&h.finalize()[..16])
}

/// How often a session's "last seen" time and address are written (at most).
pub const SEEN_EVERY_SECS: i64 = 300;

/// The id of a session in the sessions list: a one-way hash of its token hash.
pub fn public_id(token_hash: &[u8]) -> String {
    use sha2::Digest;
    let mut h = Sha256::new();
    h.update(b"huddle session id v1\n");
    h.update(token_hash);
    crypto_wasm::hex::encode(&h.finalize()[..16])
}

/// The browser and system named by a User-Agent, e.g. "Chrome 131 on Linux".
pub fn device_name(headers: &HeaderMap) -> String {
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match woothee::parser::Parser::new().parse(agent) {
        Some(r) if r.name != "UNKNOWN" => {
            let major = r.version.split('.').next().unwrap_or("");
            let browser = if major.is_empty() || major == "UNKNOWN" {
                r.name.to_owned()
            } else {
                format!("{} {major}", r.name)
            };
            if r.os == "UNKNOWN" {
                browser
            } else {
                format!("{browser} on {}", r.os)
            }
        }
        _ => "Unknown browser".to_owned(),
    }
}

/// Where a session's device name and address are sealed (bound to its person).
fn place(column: &'static str, user_id: i64) -> Place {
    Place::new("sessions", column, user_id)
}

/// Creates a session for `user_id`, signing in from `device` at `client`; returns the
/// token for the cookie.
pub async fn create(
    state: &AppState,
    user_id: i64,
    device: &str,
    client: &str,
) -> ApiResult<String> {
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let hash = token_hash(&state.secret_salt, &token);
    let now = crate::db::now();
    let mut tx = state.db.write().await?;
    let device = tx
        .seal(Scope::Account, &place("device", user_id), device)
        .await?;
    let client = tx
        .seal(Scope::Account, &place("client", user_id), client)
        .await?;
    tx.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, device, client, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $3)",
        args![hash, user_id, now, now + LIFETIME_SECS, device, client],
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Opens a session's sealed device name or address ('' for sessions from before the
/// sessions list).
pub async fn open(
    tx: &mut crate::db::Tx,
    column: &'static str,
    user_id: i64,
    stored: &str,
) -> ApiResult<String> {
    if stored.is_empty() {
        return Ok(String::new());
    }
    tx.open_name(&place(column, user_id), stored).await
}

/// Records that a session was used now, from `client` (in the background: the request
/// does not wait; a failure is logged).
fn seen(state: &AppState, token_hash: Vec<u8>, user_id: i64, client: String) {
    let db = state.db.clone();
    tokio::spawn(async move {
        let result = async {
            let mut tx = db.write().await?;
            let client = tx
                .seal(Scope::Account, &place("client", user_id), &client)
                .await?;
            tx.execute(
                "UPDATE sessions SET last_seen_at = $2, client = $3 WHERE token_hash = $1",
                args![token_hash, crate::db::now(), client],
            )
            .await?;
            tx.commit().await?;
            Ok::<_, ApiError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e.message, "cannot record a session's last use");
        }
    });
}

/// Deletes the sessions that have expired (they no longer sign anyone in; this only
/// keeps them from piling up). Returns how many.
pub async fn purge_expired(db: &crate::db::Db) -> ApiResult<u64> {
    let mut tx = db.write().await?;
    let n = tx
        .execute(
            "DELETE FROM sessions WHERE expires_at <= $1",
            args![crate::db::now()],
        )
        .await?;
    // Sign-ins that waited for their second factor in vain.
    tx.execute(
        "DELETE FROM signin_challenges WHERE expires_at <= $1",
        args![crate::db::now()],
    )
    .await?;
    // Passkey ceremonies that were never finished.
    tx.execute(
        "DELETE FROM webauthn_ceremonies WHERE expires_at <= $1",
        args![crate::db::now()],
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Ends the session whose token hashes to `token_hash`.
pub async fn end(state: &AppState, token_hash: &[u8]) -> ApiResult<()> {
    let mut tx = state.db.write().await?;
    tx.execute(
        "DELETE FROM sessions WHERE token_hash = $1",
        args![token_hash],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The value of cookie `name` among `headers`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The session token sent with a request, if any.
pub fn token_from(parts: &Parts, secure: bool) -> Option<String> {
    cookie(&parts.headers, cookie_name(secure))
}

/// The signed-in user; extracting it fails with 401 `UNAUTHENTICATED`.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// SHA-256 of the session token (to sign out).
    pub token_hash: Vec<u8>,
    /// When the session ends (Unix seconds).
    pub expires_at: i64,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token =
            token_from(parts, state.config.secure_cookies).ok_or_else(ApiError::unauthenticated)?;
        let hash = token_hash(&state.secret_salt, &token);
        let now = crate::db::now();
        let found: Option<(i64, i64, i64)> = state
            .db
            .read()
            .await?
            .optional(
                "SELECT user_id, expires_at, last_seen_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
                args![hash.clone(), now],
            )
            .await?;
        let (id, expires_at, last_seen) = found.ok_or_else(ApiError::unauthenticated)?;
        if now - last_seen >= SEEN_EVERY_SECS {
            let client = crate::client_addr::ClientAddr::of(
                &parts.extensions,
                &parts.headers,
                &state.config.trusted_proxies,
            );
            seen(state, hash.clone(), id, client.0.to_string());
        }
        Ok(CurrentUser {
            id,
            token_hash: hash,
            expires_at,
        })
    }
}
