//! Sign-up. On a server that sends mail (`--smtp-url`), nothing is created until the
//! address is confirmed: `POST /auth/signup` answers 202 whoever owns the address and
//! whatever names exist, and mails either a link (`/verify#<token>`) or, to an address
//! that already has an account, a note saying so; following the link creates the account
//! (`POST /auth/signup/verify`). Without mail, the account is created at once, and the
//! answer says when the username or address is taken.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huddle_protocol::auth::{Signup, SignupPending, SignupVerify, User};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::signup_store::{self, Started, PENDING_TTL_SECS};
use super::store::{self, NewUser};
use super::with_cookie;
use crate::api::ApiJson;
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ApiResult};
use crate::mail::{self, Kind, Letter, Mailer};
use crate::{password, session, AppState};

/// The sign-up routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(verify))
}

fn validate_username(u: &str) -> ApiResult<()> {
    if !(3..=32).contains(&u.len())
        || !u
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        || !huddle_protocol::messages::mentionable(u)
    {
        return Err(ApiError::invalid(
            "username: 3 to 32 characters, letters, digits, '.', '_' or '-', \
             not ending in '.' and not here or channel",
        ));
    }
    Ok(())
}

fn validate_signup(s: &Signup) -> ApiResult<()> {
    validate_username(&s.username)?;
    let e = &s.email;
    let valid_email = e.len() <= 254
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid_email {
        return Err(ApiError::invalid("email: not a valid address"));
    }
    let n = s.password.chars().count();
    if !(10..=1024).contains(&n) {
        return Err(ApiError::invalid("password: 10 to 1024 characters"));
    }
    if let Some(d) = &s.display_name {
        crate::api::clean_name(d, "display_name", 64)?;
    }
    Ok(())
}

/// Creates an account and signs it in; on a server that sends mail, mails a link that
/// does so instead.
#[utoipa::path(post, path = "/auth/signup", tag = "auth", security(()), request_body = Signup, responses(
    (status = 201, description = "Created and signed in (sets the session cookie); a server that does not send mail", body = User),
    (status = 202, description = "A server that sends mail: a link that creates the account went to the address (or, if an account has it already, a note saying so; the answer is the same)", body = SignupPending),
    (status = 409, description = "`USERNAME_TAKEN` or `EMAIL_TAKEN` (a server that does not send mail)", body = huddle_protocol::error::ErrorBody),
))]
pub async fn signup(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Signup>,
) -> ApiResult<Response> {
    validate_signup(&body)?;
    let to = match &state.mailer {
        Some(_) => Some(
            mail::parse_address(&body.email)
                .ok_or_else(|| ApiError::invalid("email: not a valid address"))?,
        ),
        None => None,
    };
    state.limits.signup(&client.group())?;
    let pw = body.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let display_name = body
        .display_name
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if let (Some(mailer), Some(to)) = (&state.mailer, to) {
        let new = NewUser {
            username: body.username,
            email: body.email,
            display_name,
            password_hash,
        };
        return pending(&state, mailer, new, to).await;
    }
    let display_name = if display_name.is_empty() {
        body.username.clone()
    } else {
        display_name
    };
    let mut tx = state.db.write().await?;
    let user = store::create(
        &mut tx,
        NewUser {
            username: body.username,
            email: body.email,
            display_name,
            password_hash,
        },
    )
    .await?;
    tx.commit().await?;
    signed_in(&state, &client, &headers, user).await
}

/// Keeps the sign-up `new` and mails its link, or a note to an address that already
/// has an account; the same 202 either way.
async fn pending(
    state: &AppState,
    mailer: &Mailer,
    new: NewUser,
    to: lettre::Address,
) -> ApiResult<Response> {
    let email = new.email.clone();
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let token_hash = session::token_hash(&state.secret_salt, &token);
    let mut tx = state.db.write().await?;
    let started = signup_store::start(&mut tx, token_hash, new).await?;
    tx.commit().await?;
    let origin = state.config.public_origin.as_deref().unwrap_or_default();
    let letter = match started {
        Started::Pending => Letter {
            kind: Kind::ConfirmSignup,
            to,
            subject: "Confirm your e-mail address for Huddle".into(),
            body: format!(
                "Hello,\n\n\
                 To finish creating your Huddle account, open this link within 24 hours:\n\n\
                 {origin}/verify#{token}\n\n\
                 If you did not sign up, ignore this mail: no account is created \
                 without this link.\n"
            ),
        },
        Started::AccountExists => Letter {
            kind: Kind::AccountExists,
            to,
            subject: "You already have a Huddle account".into(),
            body: format!(
                "Hello,\n\n\
                 Someone, perhaps you, tried to create a Huddle account with this \
                 address. It already has an account: sign in at {origin}/signin\n\n\
                 If it was not you, you can ignore this mail: nothing was changed.\n"
            ),
        },
    };
    if state.limits.mail_to(&email) {
        mailer.send(letter);
    } else {
        tracing::info!(kind = ?letter.kind, "mail not sent: too many to one address");
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(SignupPending {
            email,
            expires_in: PENDING_TTL_SECS,
        }),
    )
        .into_response())
}

/// Signs `user` in: a new session, its cookie, and 201 with the account.
async fn signed_in(
    state: &AppState,
    client: &ClientAddr,
    headers: &HeaderMap,
    user: User,
) -> ApiResult<Response> {
    let token = session::create(
        state,
        user.id,
        &session::device_name(headers),
        &client.0.to_string(),
    )
    .await?;
    Ok(with_cookie(
        state,
        Some(&token),
        StatusCode::CREATED,
        Json(user).into_response(),
    ))
}

/// Confirms a sign-up's address with the token of its link, creates the account and
/// signs it in. A link works until it is used (or another sign-up with the same address
/// is confirmed) and for a day at most; when the username was taken meanwhile, the same
/// link works again with another one.
#[utoipa::path(post, path = "/auth/signup/verify", tag = "auth", security(()), request_body = SignupVerify, responses(
    (status = 201, description = "Created and signed in (sets the session cookie)", body = User),
    (status = 409, description = "`USERNAME_TAKEN`: send the token again with another `username`; `EMAIL_TAKEN`: the address has an account now", body = huddle_protocol::error::ErrorBody),
    (status = 410, description = "`SIGNUP_LINK_INVALID`: the link was used or expired", body = huddle_protocol::error::ErrorBody),
))]
pub async fn verify(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignupVerify>,
) -> ApiResult<Response> {
    state.limits.signup_verify(&client.group())?;
    if let Some(u) = &body.username {
        validate_username(u)?;
    }
    // Tokens are 64 hexadecimal digits; anything else cannot be one.
    if body.token.len() != 64 || !body.token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(signup_store::dead_link());
    }
    let token_hash = session::token_hash(&state.secret_salt, &body.token);
    let mut tx = state.db.write().await?;
    let user = signup_store::confirm(&mut tx, &token_hash, body.username.as_deref()).await?;
    tx.commit().await?;
    signed_in(&state, &client, &headers, user).await
}
