//! Passkeys (WebAuthn, with webauthn-rs): register one (signed in), list, rename and
//! remove them, sign in with one alone (a discoverable credential: no username, the
//! authenticator verifies the person, so it stands for both factors), or use one in
//! place of the code after the password of an account with two-factor sign-in.
//!
//! Each ceremony takes two requests: the first answers the options for the browser and a
//! ceremony token, whose state (the challenge) is kept in the database for five minutes
//! and taken once by the second.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use huddle_protocol::passkeys::{
    NewPasskey, PasskeyAssertion, PasskeyCeremony, PasskeyInfo, PasskeyRename, SecondFactorPasskey,
    SecondFactorPasskeyStart,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use webauthn_rs::prelude::{
    CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use super::passkeys_store as store;
use super::signed_in;
use crate::api::{clean_name, ApiJson, ApiPath};
use crate::client_addr::ClientAddr;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::session::{self, CurrentUser};
use crate::AppState;

/// How long a ceremony may take, in seconds.
pub const CEREMONY_SECS: i64 = 300;

/// The relying party of this server: its origin (the public origin, or
/// `http://localhost` on any port when there is none), or `None` where passkeys cannot
/// work (an origin whose host is an IP address: WebAuthn needs a domain name).
pub fn relying_party(config: &Config) -> Option<Webauthn> {
    let (origin, any_port) = match &config.public_origin {
        Some(o) => (o.clone(), false),
        None => ("http://localhost".to_owned(), true),
    };
    let url = Url::parse(&origin).ok()?;
    let host = url.host_str()?.to_owned();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        tracing::info!(
            origin,
            "passkeys are off: WebAuthn needs a domain name, not an address"
        );
        return None;
    }
    match WebauthnBuilder::new(&host, &url).map(|b| b.rp_name("Huddle").allow_any_port(any_port)) {
        Ok(b) => b.build().ok(),
        Err(e) => {
            tracing::warn!(error = %e, origin, "passkeys are off");
            None
        }
    }
}

/// The routes of passkeys.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(register_start))
        .routes(routes!(register_finish))
        .routes(routes!(rename, remove))
        .routes(routes!(signin_start))
        .routes(routes!(signin_finish))
        .routes(routes!(second_factor_start))
        .routes(routes!(second_factor_finish))
}

fn relying(state: &AppState) -> ApiResult<&Webauthn> {
    state.webauthn.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "PASSKEYS_UNAVAILABLE",
            "passkeys need the app served from a domain name (e.g. http://localhost:…), not an address",
        )
    })
}

fn rejected(status: StatusCode) -> ApiError {
    ApiError::new(
        status,
        "PASSKEY_REJECTED",
        "the passkey's answer did not check out: try again",
    )
}

fn ceremony_gone() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "CEREMONY_EXPIRED",
        "this passkey request has expired or was used: start again",
    )
}

fn json<T: serde::Serialize>(v: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(v).map_err(ApiError::internal)
}

/// Starts a ceremony: its token, with `state` kept for the second request.
async fn begin(
    state: &AppState,
    user: Option<i64>,
    ceremony: &impl serde::Serialize,
) -> ApiResult<String> {
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let kept = serde_json::to_string(ceremony).map_err(ApiError::internal)?;
    let mut tx = state.db.write().await?;
    store::begin(
        &mut tx,
        session::token_hash(&state.secret_salt, &token),
        user,
        &kept,
        crate::db::now() + CEREMONY_SECS,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Takes the ceremony named by `token` (of `user`, or a sign-in's: `None`): its state.
/// It is gone afterwards, whatever the answer it was taken for turns out to be: one
/// answer per challenge.
async fn take(state: &AppState, token: &str, user: Option<i64>) -> ApiResult<String> {
    let mut tx = state.db.write().await?;
    let kept = store::take(
        &mut tx,
        session::token_hash(&state.secret_salt, token),
        user,
    )
    .await?;
    tx.commit().await?;
    kept.ok_or_else(ceremony_gone)
}

/// The signed-in person's passkeys, oldest first.
#[utoipa::path(get, path = "/auth/passkeys", tag = "auth", responses((status = 200, body = [PasskeyInfo])))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<PasskeyInfo>>> {
    Ok(Json(
        store::list(&mut state.db.read().await?, user.id).await?,
    ))
}

/// Starts registering a passkey, given the password (a passkey signs in alone: a stolen
/// session must not be able to add one): the options for `navigator.credentials.create`.
#[utoipa::path(post, path = "/auth/passkeys/register/start", tag = "auth", request_body = huddle_protocol::auth::PasswordConfirm, responses((status = 200, body = PasskeyCeremony), (status = 403, description = "`WRONG_PASSWORD`", body = huddle_protocol::error::ErrorBody), (status = 409, description = "`PASSKEYS_UNAVAILABLE`: the app is not served from a domain name", body = huddle_protocol::error::ErrorBody)))]
async fn register_start(
    State(state): State<AppState>,
    user: CurrentUser,
    client: ClientAddr,
    ApiJson(body): ApiJson<huddle_protocol::auth::PasswordConfirm>,
) -> ApiResult<Json<PasskeyCeremony>> {
    let rp = relying(&state)?;
    super::check_password(&state, user.id, &client, "password", &body.password).await?;
    let mut tx = state.db.write().await?;
    let handle = store::handle(&mut tx, user.id).await?;
    let me = super::store::user(&mut tx, user.id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let mut exclude = Vec::new();
    for (_, c) in store::credentials(&mut tx, user.id).await? {
        let p: Passkey = serde_json::from_str(&c).map_err(ApiError::internal)?;
        exclude.push(p.cred_id().clone());
    }
    tx.commit().await?;
    let uuid = Uuid::parse_str(&handle).map_err(ApiError::internal)?;
    let (mut options, registration) = rp
        .start_passkey_registration(uuid, &me.username, &me.display_name, Some(exclude))
        .map_err(ApiError::internal)?;
    // A discoverable credential where the authenticator can keep one, so that the
    // passkey signs in without a username.
    if let Some(sel) = options.public_key.authenticator_selection.as_mut() {
        sel.resident_key = Some(webauthn_rs_proto::ResidentKeyRequirement::Preferred);
    }
    let ceremony = begin(&state, Some(user.id), &registration).await?;
    Ok(Json(PasskeyCeremony {
        ceremony,
        options: json(&options)?,
    }))
}

/// Finishes registering a passkey, with the browser's new credential and a name for it.
#[utoipa::path(post, path = "/auth/passkeys/register/finish", tag = "auth", request_body = NewPasskey, responses((status = 201, body = PasskeyInfo), (status = 400, description = "`PASSKEY_REJECTED`, `CEREMONY_EXPIRED` or `INVALID_INPUT`", body = huddle_protocol::error::ErrorBody), (status = 409, description = "`TOO_MANY_PASSKEYS` or `PASSKEY_EXISTS`", body = huddle_protocol::error::ErrorBody)))]
async fn register_finish(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewPasskey>,
) -> ApiResult<(StatusCode, Json<PasskeyInfo>)> {
    let rp = relying(&state)?;
    let name = clean_name(&body.name, "name", 64)?;
    let credential: RegisterPublicKeyCredential = serde_json::from_value(body.credential)
        .map_err(|e| ApiError::invalid(format!("credential: {e}")))?;
    let kept = take(&state, &body.ceremony, Some(user.id)).await?;
    let registration: PasskeyRegistration =
        serde_json::from_str(&kept).map_err(ApiError::internal)?;
    let passkey = rp
        .finish_passkey_registration(&credential, &registration)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration refused");
            rejected(StatusCode::BAD_REQUEST)
        })?;
    let stored = serde_json::to_string(&passkey).map_err(ApiError::internal)?;
    let id: &CredentialID = passkey.cred_id();
    let mut tx = state.db.write().await?;
    let info = store::add(&mut tx, user.id, id.to_vec(), &name, &stored).await?;
    tx.commit().await?;
    tracing::info!(user = user.id, passkey = info.id, "passkey registered");
    Ok((StatusCode::CREATED, Json(info)))
}

/// Renames one of one's passkeys.
#[utoipa::path(patch, path = "/auth/passkeys/{id}", tag = "auth", params(("id" = i64, Path)), request_body = PasskeyRename, responses((status = 200, body = PasskeyInfo), (status = 404, description = "Not one of one's passkeys", body = huddle_protocol::error::ErrorBody)))]
async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PasskeyRename>,
) -> ApiResult<Json<PasskeyInfo>> {
    let name = clean_name(&body.name, "name", 64)?;
    let mut tx = state.db.write().await?;
    let info = store::rename(&mut tx, user.id, id, &name).await?;
    tx.commit().await?;
    Ok(Json(info))
}

/// Removes one of one's passkeys (it no longer signs in).
#[utoipa::path(delete, path = "/auth/passkeys/{id}", tag = "auth", params(("id" = i64, Path)), responses((status = 204, description = "Removed"), (status = 404, description = "Not one of one's passkeys", body = huddle_protocol::error::ErrorBody)))]
async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    store::remove(&mut tx, user.id, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts signing in with a passkey: the options for `navigator.credentials.get` (no
/// account named: the authenticator offers its passkeys for this site).
#[utoipa::path(post, path = "/auth/passkeys/signin/start", tag = "auth", security(()), responses((status = 200, body = PasskeyCeremony), (status = 409, description = "`PASSKEYS_UNAVAILABLE`", body = huddle_protocol::error::ErrorBody), (status = 429, description = "Too many from this address: wait `Retry-After` seconds", body = huddle_protocol::error::ErrorBody)))]
async fn signin_start(
    State(state): State<AppState>,
    client: ClientAddr,
) -> ApiResult<Json<PasskeyCeremony>> {
    let rp = relying(&state)?;
    state.limits.passkey_signin(&client.group())?;
    let (mut options, authentication) = rp
        .start_discoverable_authentication()
        .map_err(ApiError::internal)?;
    // Asked for by a button, not offered in the username field's autofill.
    options.mediation = None;
    let ceremony = begin(&state, None, &authentication).await?;
    Ok(Json(PasskeyCeremony {
        ceremony,
        options: json(&options)?,
    }))
}

/// Signs in with a passkey: the browser's assertion. The authenticator verified the
/// person (user verification required), so no second factor is asked for.
#[utoipa::path(post, path = "/auth/passkeys/signin/finish", tag = "auth", security(()), request_body = PasskeyAssertion, responses((status = 200, description = "Signed in (sets the session cookie and the device cookie)", body = huddle_protocol::auth::User), (status = 401, description = "`PASSKEY_REJECTED`", body = huddle_protocol::error::ErrorBody), (status = 400, description = "`CEREMONY_EXPIRED` or `INVALID_INPUT`", body = huddle_protocol::error::ErrorBody)))]
async fn signin_finish(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasskeyAssertion>,
) -> ApiResult<Response> {
    let rp = relying(&state)?;
    let credential: PublicKeyCredential = serde_json::from_value(body.credential)
        .map_err(|e| ApiError::invalid(format!("credential: {e}")))?;
    let kept = take(&state, &body.ceremony, None).await?;
    let authentication: DiscoverableAuthentication =
        serde_json::from_str(&kept).map_err(ApiError::internal)?;
    let (handle, _) = rp
        .identify_discoverable_authentication(&credential)
        .map_err(|_| rejected(StatusCode::UNAUTHORIZED))?;
    let mut tx = state.db.write().await?;
    let Some(user) = store::user_by_handle(&mut tx, &handle.to_string()).await? else {
        return Err(rejected(StatusCode::UNAUTHORIZED));
    };
    let mut keys = passkeys_of(&mut tx, user).await?;
    let discoverable: Vec<DiscoverableKey> = keys.iter().map(|(_, p)| p.into()).collect();
    let result = rp
        .finish_discoverable_authentication(&credential, authentication, &discoverable)
        .map_err(|e| {
            tracing::info!(error = %e, user, "passkey sign-in refused");
            rejected(StatusCode::UNAUTHORIZED)
        })?;
    record_use(&mut tx, &mut keys, &result).await?;
    tx.commit().await?;
    tracing::info!(user, "signed in with a passkey");
    signed_in(&state, user, &headers, &client).await
}

/// `user`'s passkeys: ids and credentials.
async fn passkeys_of(tx: &mut crate::db::Tx, user: i64) -> ApiResult<Vec<(i64, Passkey)>> {
    let mut keys = Vec::new();
    for (id, c) in store::credentials(tx, user).await? {
        keys.push((id, serde_json::from_str(&c).map_err(ApiError::internal)?));
    }
    Ok(keys)
}

/// Records a sign-in with one of `keys`: its counter (if it moved) and the time.
async fn record_use(
    tx: &mut crate::db::Tx,
    keys: &mut [(i64, Passkey)],
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> ApiResult<()> {
    if let Some((id, p)) = keys
        .iter_mut()
        .find(|(_, p)| p.cred_id() == result.cred_id())
    {
        let changed = p.update_credential(result) == Some(true);
        let stored = serde_json::to_string(p).map_err(ApiError::internal)?;
        store::used(tx, *id, changed.then_some(stored.as_str())).await?;
    }
    Ok(())
}

/// The account of the sign-in waiting for its second factor under `challenge`.
async fn waiting_signin(state: &AppState, challenge: &str) -> ApiResult<i64> {
    if challenge.len() > 128 {
        return Err(super::totp::signin_expired());
    }
    let hash = session::token_hash(&state.secret_salt, challenge);
    super::totp_store::challenge(&mut state.db.read().await?, hash)
        .await?
        .ok_or_else(super::totp::signin_expired)
}

/// Starts using a passkey in place of the code of a sign-in whose password was right:
/// the options for `navigator.credentials.get`, naming that account's passkeys.
#[utoipa::path(post, path = "/auth/signin/second-factor/passkey/start", tag = "auth", security(()), request_body = SecondFactorPasskeyStart, responses((status = 200, body = PasskeyCeremony), (status = 401, description = "`SIGNIN_EXPIRED`", body = huddle_protocol::error::ErrorBody), (status = 409, description = "`NO_PASSKEY` or `PASSKEYS_UNAVAILABLE`", body = huddle_protocol::error::ErrorBody)))]
async fn second_factor_start(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SecondFactorPasskeyStart>,
) -> ApiResult<Json<PasskeyCeremony>> {
    let rp = relying(&state)?;
    let user = waiting_signin(&state, &body.challenge).await?;
    let keys = passkeys_of(&mut state.db.read().await?, user).await?;
    if keys.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "NO_PASSKEY",
            "this account has no passkey: enter the code instead",
        ));
    }
    let passkeys: Vec<Passkey> = keys.into_iter().map(|(_, p)| p).collect();
    let (options, authentication) = rp
        .start_passkey_authentication(&passkeys)
        .map_err(ApiError::internal)?;
    let ceremony = begin(&state, Some(user), &authentication).await?;
    Ok(Json(PasskeyCeremony {
        ceremony,
        options: json(&options)?,
    }))
}

/// Finishes a sign-in with a passkey in place of the code.
#[utoipa::path(post, path = "/auth/signin/second-factor/passkey/finish", tag = "auth", security(()), request_body = SecondFactorPasskey, responses((status = 200, description = "Signed in (sets the session cookie and the device cookie)", body = huddle_protocol::auth::User), (status = 401, description = "`SIGNIN_EXPIRED` or `PASSKEY_REJECTED`", body = huddle_protocol::error::ErrorBody), (status = 400, description = "`CEREMONY_EXPIRED` or `INVALID_INPUT`", body = huddle_protocol::error::ErrorBody)))]
async fn second_factor_finish(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SecondFactorPasskey>,
) -> ApiResult<Response> {
    let rp = relying(&state)?;
    let user = waiting_signin(&state, &body.challenge).await?;
    let credential: PublicKeyCredential = serde_json::from_value(body.credential)
        .map_err(|e| ApiError::invalid(format!("credential: {e}")))?;
    let kept = take(&state, &body.ceremony, Some(user)).await?;
    let authentication: PasskeyAuthentication =
        serde_json::from_str(&kept).map_err(ApiError::internal)?;
    let result = rp
        .finish_passkey_authentication(&credential, &authentication)
        .map_err(|e| {
            tracing::info!(error = %e, user, "passkey as second factor refused");
            rejected(StatusCode::UNAUTHORIZED)
        })?;
    let mut tx = state.db.write().await?;
    let mut keys = passkeys_of(&mut tx, user).await?;
    record_use(&mut tx, &mut keys, &result).await?;
    let hash = session::token_hash(&state.secret_salt, &body.challenge);
    if !super::totp_store::end_challenge(&mut tx, hash).await? {
        return Err(super::totp::signin_expired());
    }
    tx.commit().await?;
    tracing::info!(user, "signed in with a password and a passkey");
    signed_in(&state, user, &headers, &client).await
}
