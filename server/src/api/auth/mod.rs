//! Accounts: sign up ([`signup`], with the address confirmed first on a server that sends
//! mail), sign in (with a second factor when it is on: [`totp`]; or with a
//! passkey alone: [`passkeys`]), sign out, current user, password, sessions.

pub(crate) mod passkeys;
mod passkeys_store;
mod signup;
mod signup_store;
pub(crate) mod store;
mod totp;
mod totp_store;

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use huddle_protocol::auth::{PasswordChange, SessionInfo, Signin, User};

use super::{ApiJson, ApiPath};
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ApiResult};
use crate::rate_limit::Counter;
use crate::session::{self, CurrentUser};
use crate::{device, password, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of accounts and sessions, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(signup::router())
        .routes(routes!(signin))
        .routes(routes!(signout))
        .routes(routes!(me, change_profile))
        .routes(routes!(session))
        .routes(routes!(change_password))
        .routes(routes!(end_other_sessions))
        .routes(routes!(sessions))
        .routes(routes!(end_session))
        .merge(totp::router())
        .merge(passkeys::router())
}

/// Deletes the sign-ups whose confirmation links expired; returns how many.
pub async fn purge_expired_signups(db: &crate::db::Db) -> ApiResult<u64> {
    let mut tx = db.write().await?;
    let n = signup_store::purge_expired(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// Closes the relay connections of the sessions whose token hashes are `ended`.
fn close_relay_sessions(state: &AppState, ended: Vec<Vec<u8>>) {
    for token_hash in ended {
        state.relay.end_session(&session::relay_tag(&token_hash));
    }
}

async fn user_by_id(state: &AppState, id: i64) -> ApiResult<Option<User>> {
    store::user(&mut state.db.read().await?, id).await
}

fn with_cookie(
    state: &AppState,
    token: Option<&str>,
    status: StatusCode,
    body: Response,
) -> Response {
    let mut res = body;
    *res.status_mut() = status;
    if let Ok(v) = session::set_cookie(state.config.secure_cookies, token).parse() {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    res
}

/// Signs in with a username or email and a password.
///
/// Attempts are limited per account, per client address and per known device (see
/// `rate_limit`): a refused attempt answers 429 `RATE_LIMITED` with `Retry-After`.
#[utoipa::path(post, path = "/auth/signin", tag = "auth", security(()), request_body = Signin, responses((status = 200, description = "Signed in (sets the session cookie and the device cookie)", body = User), (status = 202, description = "The password is right and the account has two-factor sign-in: send a code to `/auth/signin/second-factor`", body = huddle_protocol::auth::SecondFactorRequired), (status = 429, description = "Too many attempts: wait `Retry-After` seconds", body = huddle_protocol::error::ErrorBody)))]
pub async fn signin(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Signin>,
) -> ApiResult<Response> {
    if body.login.len() > 254 || body.password.len() > 4096 {
        return Err(ApiError::invalid("login or password too long"));
    }
    let secure = state.config.secure_cookies;
    let found = store::credentials(&mut state.db.read().await?, &body.login).await?;
    let account = found.as_ref().map(|(id, _)| *id);
    // A browser that signed in to this account before counts on its own.
    let device = device::check(&state.secret_salt, &headers, secure)
        .filter(|(user, _)| Some(*user) == account)
        .map(|(_, id)| Counter::device(&id));
    let first = device
        .clone()
        .unwrap_or_else(|| Counter::account(account, &body.login));
    let counters = vec![first.clone(), Counter::client(&client.group())];
    let attempt = match state.signin_limiter.reserve(counters, crate::db::now()) {
        Ok(a) => a,
        Err(wait) => return Err(ApiError::rate_limited(wait, "sign-in attempts")),
    };
    let pw = body.password.clone();
    let (id, ok) = tokio::task::spawn_blocking(move || match found {
        Some((id, hash)) => (Some(id), password::verify(&pw, &hash)),
        // Same work for unknown accounts: no enumeration by timing.
        None => {
            let _ = password::verify(&pw, password::dummy_hash());
            (None, false)
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(id) = id.filter(|_| ok) else {
        // The attempt stays counted.
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIALS",
            "wrong username, email or password",
        ));
    };
    // The account's (or the device's) failures are forgotten; not the account's after a
    // success from a known device, which would hand a guesser a fresh allowance.
    state.signin_limiter.succeeded(attempt, &[&first]);
    if totp_store::status(&mut state.db.read().await?, id)
        .await?
        .enabled
    {
        let asked = totp::challenge(&state, id).await?;
        return Ok((StatusCode::ACCEPTED, Json(asked)).into_response());
    }
    signed_in(&state, id, &headers, &client).await
}

/// The answer that signs `id` in: a new session, its cookie and the device cookie.
async fn signed_in(
    state: &AppState,
    id: i64,
    headers: &HeaderMap,
    client: &ClientAddr,
) -> ApiResult<Response> {
    let secure = state.config.secure_cookies;
    let token = session::create(
        state,
        id,
        &session::device_name(headers),
        &client.0.to_string(),
    )
    .await?;
    let user = user_by_id(state, id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    let mut res = with_cookie(
        state,
        Some(&token),
        StatusCode::OK,
        Json(user).into_response(),
    );
    let device_cookie = device::set_cookie(secure, &device::issue(&state.secret_salt, id)?);
    if let Ok(v) = device_cookie.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

/// Checks the signed-in person's password before a step that needs it again; a wrong one
/// counts as a failed sign-in attempt (403 `WRONG_PASSWORD`, or 429 when attempts are
/// being delayed).
async fn check_password(
    state: &AppState,
    user: i64,
    client: &ClientAddr,
    field: &str,
    password: &str,
) -> ApiResult<()> {
    if password.len() > 4096 {
        return Err(ApiError::invalid(format!("{field}: too long")));
    }
    let stored = store::password_hash(&mut state.db.read().await?, user).await?;
    let account = Counter::account(Some(user), "");
    let counters = vec![account.clone(), Counter::client(&client.group())];
    let attempt = state
        .signin_limiter
        .reserve(counters, crate::db::now())
        .map_err(|wait| ApiError::rate_limited(wait, "password attempts"))?;
    let pw = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &stored))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "WRONG_PASSWORD",
            "the current password is not right",
        ));
    }
    state.signin_limiter.succeeded(attempt, &[&account]);
    Ok(())
}

/// Changes the signed-in person's password, given the current one, and ends every other
/// session of theirs (and their relay connections). A wrong current password counts as
/// a failed sign-in attempt (see `rate_limit`).
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = PasswordChange, responses((status = 204, description = "Changed; every other session is signed out"), (status = 403, description = "`WRONG_PASSWORD`: the current password is not this", body = huddle_protocol::error::ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    client: ClientAddr,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let n = body.new.chars().count();
    if !(10..=1024).contains(&n) {
        return Err(ApiError::invalid("new: 10 to 1024 characters"));
    }
    check_password(&state, user.id, &client, "current", &body.current).await?;
    let new = body.new.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&new))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut tx = state.db.write().await?;
    let ended = store::set_password(&mut tx, user.id, &hash, &user.token_hash).await?;
    tx.commit().await?;
    close_relay_sessions(&state, ended);
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person's sessions, newest first, this one marked `current`.
#[utoipa::path(get, path = "/auth/sessions", tag = "auth", responses((status = 200, body = [huddle_protocol::auth::SessionSummary])))]
pub async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<huddle_protocol::auth::SessionSummary>>> {
    let list = store::sessions(&mut state.db.read().await?, user.id, &user.token_hash).await?;
    Ok(Json(list))
}

/// Signs out one of one's sessions (its relay connections close); 404 for an id that is
/// not one of one's sessions.
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = "auth", params(("id" = String, Path, description = "The session's id from GET /auth/sessions")), responses((status = 204, description = "Signed out")))]
pub async fn end_session(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let ended = store::end_session(&mut tx, user.id, &id).await?;
    tx.commit().await?;
    close_relay_sessions(&state, vec![ended]);
    Ok(StatusCode::NO_CONTENT)
}

/// Signs out every other session of the signed-in person ("everywhere else"), closing
/// their relay connections; this one stays.
#[utoipa::path(post, path = "/auth/sessions/end-others", tag = "auth", responses((status = 204, description = "Every other session is signed out")))]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let ended = store::end_other_sessions(&mut tx, user.id, &user.token_hash).await?;
    tx.commit().await?;
    close_relay_sessions(&state, ended);
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the current session.
#[utoipa::path(post, path = "/auth/signout", tag = "auth", responses((status = 204, description = "Signed out (clears the session cookie; closes the session's relay connections)")))]
pub async fn signout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    session::end(&state, &user.token_hash).await?;
    // Its relay connections close too.
    state
        .relay
        .end_session(&session::relay_tag(&user.token_hash));
    Ok(with_cookie(
        &state,
        None,
        StatusCode::NO_CONTENT,
        ().into_response(),
    ))
}

/// Who is signed in, if anyone: `{"user": User}` or `{"user": null}`, always 200, so
/// that a signed-out page load (the SPA's first request) logs no failed request.
#[utoipa::path(get, path = "/auth/session", tag = "auth", security(()), responses((status = 200, description = "`user` is null when signed out", body = SessionInfo)))]
pub async fn session(
    State(state): State<AppState>,
    user: Result<CurrentUser, ApiError>,
) -> ApiResult<Json<SessionInfo>> {
    let user = match user {
        Ok(u) => Some(u),
        Err(e) if e.code == ApiError::unauthenticated().code => None,
        Err(e) => return Err(e),
    };
    let found = match user {
        Some(u) => user_by_id(&state, u.id).await?,
        None => None,
    };
    Ok(Json(SessionInfo { user: found }))
}

/// The signed-in user.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 200, body = User)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<User>> {
    let u = user_by_id(&state, user.id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(Json(u))
}

/// Changes one's display name and settings (what is given).
#[utoipa::path(patch, path = "/auth/me", tag = "auth", request_body = huddle_protocol::auth::ProfileChange, responses((status = 200, body = User)))]
pub async fn change_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(mut change): ApiJson<huddle_protocol::auth::ProfileChange>,
) -> ApiResult<Json<User>> {
    if change == Default::default() {
        return Err(ApiError::invalid(
            "give a display_name, theme, language or notify_default",
        ));
    }
    if let Some(name) = &change.display_name {
        change.display_name = Some(super::clean_name(name, "display_name", 64)?);
    }
    let mut tx = state.db.write().await?;
    let u = store::change_profile(&mut tx, user.id, &change).await?;
    tx.commit().await?;
    Ok(Json(u))
}
