//! Two-factor sign-in with TOTP: set it up (a secret for the authenticator app, then a
//! first code to prove the app has it, which turns it on and gives ten single-use
//! recovery codes), see whether it is on, get new recovery codes or turn it off (both
//! with the password), and finish a sign-in with a code.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use huddle_protocol::auth::{
    PasswordConfirm, RecoveryCodes, SecondFactor, SecondFactorRequired, TotpCode, TotpSetup,
    TotpStatus,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::totp_store as store;
use super::{check_password, signed_in};
use crate::api::ApiJson;
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ApiResult};
use crate::rate_limit::Counter;
use crate::session::{self, CurrentUser};
use crate::{otp, AppState};

/// How long a sign-in waits for its second factor, in seconds.
pub const CHALLENGE_SECS: i64 = 300;
/// Wrong codes a waiting sign-in takes before the password is due again.
pub const CHALLENGE_FAILURES: i64 = 5;

/// The routes of two-factor sign-in.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(setup))
        .routes(routes!(confirm))
        .routes(routes!(disable))
        .routes(routes!(new_recovery_codes))
        .routes(routes!(second_factor))
}

/// 401 `SIGNIN_EXPIRED`: the sign-in waiting for its second factor is over.
pub(super) fn signin_expired() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "SIGNIN_EXPIRED",
        "this sign-in has expired: enter your password again",
    )
}

fn wrong_code(status: StatusCode) -> ApiError {
    ApiError::new(status, "WRONG_CODE", "that code is not right")
}

/// Fresh recovery codes and their hashes.
fn recovery_codes(state: &AppState) -> ApiResult<(Vec<String>, Vec<Vec<u8>>)> {
    let codes = (0..otp::RECOVERY_CODES)
        .map(|_| otp::new_recovery_code())
        .collect::<ApiResult<Vec<_>>>()?;
    let hashes = codes
        .iter()
        .map(|c| {
            let n = otp::normalize_recovery_code(c).unwrap_or_default();
            session::token_hash(&state.secret_salt, &n)
        })
        .collect();
    Ok((codes, hashes))
}

/// Whether two-factor sign-in is on for the signed-in person.
#[utoipa::path(get, path = "/auth/totp", tag = "auth", responses((status = 200, body = TotpStatus)))]
async fn status(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<TotpStatus>> {
    Ok(Json(
        store::status(&mut state.db.read().await?, user.id).await?,
    ))
}

/// Starts setting up two-factor sign-in, given the password (a stolen session alone must
/// not bind the account to someone else's app): a new secret for the authenticator app,
/// not in force until `POST /auth/totp/confirm` (starting again replaces it).
#[utoipa::path(post, path = "/auth/totp/setup", tag = "auth", request_body = PasswordConfirm, responses((status = 200, body = TotpSetup), (status = 403, description = "`WRONG_PASSWORD`", body = huddle_protocol::error::ErrorBody), (status = 409, description = "`TOTP_ENABLED`: already on", body = huddle_protocol::error::ErrorBody)))]
async fn setup(
    State(state): State<AppState>,
    user: CurrentUser,
    client: ClientAddr,
    ApiJson(body): ApiJson<PasswordConfirm>,
) -> ApiResult<Json<TotpSetup>> {
    check_password(&state, user.id, &client, "password", &body.password).await?;
    let secret = otp::new_secret()?;
    let mut tx = state.db.write().await?;
    let me = super::store::user(&mut tx, user.id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    store::begin(&mut tx, user.id, &secret).await?;
    tx.commit().await?;
    let uri = otp::uri(&secret, &me.username)?;
    Ok(Json(TotpSetup { secret, uri }))
}

/// Turns two-factor sign-in on with the secret being set up, given a code from the app;
/// answers the ten recovery codes (shown this once).
#[utoipa::path(post, path = "/auth/totp/confirm", tag = "auth", request_body = TotpCode, responses((status = 200, body = RecoveryCodes), (status = 403, description = "`WRONG_CODE`", body = huddle_protocol::error::ErrorBody), (status = 409, description = "`TOTP_NOT_STARTED`: no setup under way", body = huddle_protocol::error::ErrorBody)))]
async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<TotpCode>,
) -> ApiResult<Json<RecoveryCodes>> {
    let mut tx = state.db.write().await?;
    let Some((secret, last)) = store::secret(&mut tx, user.id, false).await? else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "TOTP_NOT_STARTED",
            "start setting up two-factor sign-in first",
        ));
    };
    let step = otp::matching_step(&secret, &body.code, now_secs(), last)?
        .ok_or_else(|| wrong_code(StatusCode::FORBIDDEN))?;
    if !store::take_step(&mut tx, user.id, step).await? {
        return Err(wrong_code(StatusCode::FORBIDDEN));
    }
    let (codes, hashes) = recovery_codes(&state)?;
    store::confirm(&mut tx, user.id, hashes).await?;
    tx.commit().await?;
    tracing::info!(user = user.id, "two-factor sign-in turned on");
    Ok(Json(RecoveryCodes { codes }))
}

/// Turns two-factor sign-in off, given the password (a wrong one counts as a failed
/// sign-in attempt).
#[utoipa::path(post, path = "/auth/totp/disable", tag = "auth", request_body = PasswordConfirm, responses((status = 204, description = "Off"), (status = 403, description = "`WRONG_PASSWORD`", body = huddle_protocol::error::ErrorBody)))]
async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    client: ClientAddr,
    ApiJson(body): ApiJson<PasswordConfirm>,
) -> ApiResult<StatusCode> {
    check_password(&state, user.id, &client, "password", &body.password).await?;
    let mut tx = state.db.write().await?;
    store::disable(&mut tx, user.id).await?;
    tx.commit().await?;
    tracing::info!(user = user.id, "two-factor sign-in turned off");
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the recovery codes by ten new ones, given the password.
#[utoipa::path(post, path = "/auth/totp/recovery-codes", tag = "auth", request_body = PasswordConfirm, responses((status = 200, body = RecoveryCodes), (status = 403, description = "`WRONG_PASSWORD`", body = huddle_protocol::error::ErrorBody), (status = 409, description = "`TOTP_NOT_ENABLED`", body = huddle_protocol::error::ErrorBody)))]
async fn new_recovery_codes(
    State(state): State<AppState>,
    user: CurrentUser,
    client: ClientAddr,
    ApiJson(body): ApiJson<PasswordConfirm>,
) -> ApiResult<Json<RecoveryCodes>> {
    check_password(&state, user.id, &client, "password", &body.password).await?;
    let mut tx = state.db.write().await?;
    if !store::status(&mut tx, user.id).await?.enabled {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "TOTP_NOT_ENABLED",
            "two-factor sign-in is off",
        ));
    }
    let (codes, hashes) = recovery_codes(&state)?;
    store::replace_recovery_codes(&mut tx, user.id, hashes).await?;
    tx.commit().await?;
    Ok(Json(RecoveryCodes { codes }))
}

fn now_secs() -> u64 {
    u64::try_from(crate::db::now()).unwrap_or(0)
}

/// After the right password of an account with two-factor sign-in: the `202` answer that
/// asks for a code.
pub(super) async fn challenge(state: &AppState, user: i64) -> ApiResult<SecondFactorRequired> {
    let challenge = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let expires_at = crate::db::now() + CHALLENGE_SECS;
    let mut tx = state.db.write().await?;
    store::create_challenge(
        &mut tx,
        session::token_hash(&state.secret_salt, &challenge),
        user,
        expires_at,
    )
    .await?;
    let passkey = state.webauthn.is_some()
        && !super::passkeys_store::credentials(&mut tx, user)
            .await?
            .is_empty();
    tx.commit().await?;
    Ok(SecondFactorRequired {
        challenge,
        expires_at,
        passkey,
    })
}

/// Finishes a sign-in with a code from the authenticator app or a recovery code. Codes
/// are limited like passwords, per account and per client; a sign-in takes five wrong
/// codes, then the password is due again.
#[utoipa::path(post, path = "/auth/signin/second-factor", tag = "auth", security(()), request_body = SecondFactor, responses((status = 200, description = "Signed in (sets the session cookie and the device cookie)", body = huddle_protocol::auth::User), (status = 401, description = "`WRONG_CODE`, or `SIGNIN_EXPIRED`: enter the password again", body = huddle_protocol::error::ErrorBody), (status = 429, description = "Too many attempts: wait `Retry-After` seconds", body = huddle_protocol::error::ErrorBody)))]
async fn second_factor(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SecondFactor>,
) -> ApiResult<Response> {
    let expired = signin_expired;
    if body.challenge.len() > 128 || body.code.len() > 64 {
        return Err(expired());
    }
    let hash = session::token_hash(&state.secret_salt, &body.challenge);
    let mut tx = state.db.write().await?;
    let Some(user) = store::challenge(&mut tx, hash.clone()).await? else {
        return Err(expired());
    };
    let account = Counter::second_factor(user);
    let counters = vec![account.clone(), Counter::client(&client.group())];
    let attempt = state
        .signin_limiter
        .reserve(counters, crate::db::now())
        .map_err(|wait| ApiError::rate_limited(wait, "codes"))?;
    let ok = match otp::normalize_recovery_code(&body.code) {
        Some(code) => {
            let code_hash = session::token_hash(&state.secret_salt, &code);
            store::use_recovery_code(&mut tx, user, code_hash).await?
        }
        None => match store::secret(&mut tx, user, true).await? {
            Some((secret, last)) => {
                match otp::matching_step(&secret, &body.code, now_secs(), last)? {
                    Some(step) => store::take_step(&mut tx, user, step).await?,
                    None => false,
                }
            }
            // Turned off meanwhile: the password alone signs in again.
            None => return Err(expired()),
        },
    };
    if !ok {
        let waiting = store::fail_challenge(&mut tx, hash, CHALLENGE_FAILURES).await?;
        tx.commit().await?;
        return Err(if waiting {
            wrong_code(StatusCode::UNAUTHORIZED)
        } else {
            expired()
        });
    }
    if !store::end_challenge(&mut tx, hash).await? {
        return Err(expired());
    }
    tx.commit().await?;
    state.signin_limiter.succeeded(attempt, &[&account]);
    signed_in(&state, user, &headers, &client).await
}
