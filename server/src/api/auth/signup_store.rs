//! Sign-ups waiting for their e-mail address to be confirmed (servers that send mail).

use axum::http::StatusCode;
use huddle_protocol::auth::User;

use super::store::{self, login_keys, NewUser};
use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

/// How long a confirmation link works.
pub const PENDING_TTL_SECS: i64 = 24 * 3600;

/// What a sign-up on a server that sends mail leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Started {
    /// Kept until its address is confirmed: mail the link.
    Pending,
    /// An account already has the address: nothing is kept; tell its owner.
    AccountExists,
}

/// Keeps the sign-up `new` (its password already hashed; a `display_name` left empty
/// follows the username) until the link whose token hashes to `token_hash` is followed,
/// unless an account already has its address. The username is not checked here: it is
/// taken when the link is followed (or another one is asked for then), so that this
/// answer says nothing about which names exist.
pub async fn start(tx: &mut Tx, token_hash: Vec<u8>, new: NewUser) -> ApiResult<Started> {
    let (_, email_key) = login_keys(tx, &new.username, &new.email).await?;
    let exists: Option<(i64,)> = tx
        .optional(
            "SELECT id FROM users WHERE email_key = $1",
            args![email_key.clone()],
        )
        .await?;
    if exists.is_some() {
        return Ok(Started::AccountExists);
    }
    // The row first (its id is bound into its sealed values), then its values.
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO pending_signups (token_hash, username, email, display_name, \
             email_key, password_hash, created_at, expires_at) \
             VALUES ($1, '', '', '', $2, $3, $4, $5) RETURNING id",
            args![
                token_hash,
                email_key,
                new.password_hash,
                now(),
                now() + PENDING_TTL_SECS
            ],
        )
        .await?;
    let mut sealed = Vec::with_capacity(3);
    for (column, value) in [
        ("username", &new.username),
        ("email", &new.email),
        ("display_name", &new.display_name),
    ] {
        let place = Place::new("pending_signups", column, id);
        sealed.push(tx.seal(Scope::Account, &place, value).await?);
    }
    let [username, email, display_name] =
        <[String; 3]>::try_from(sealed).map_err(|_| ApiError::internal("three sealed values"))?;
    tx.execute(
        "UPDATE pending_signups SET username = $2, email = $3, display_name = $4 WHERE id = $1",
        args![id, username, email, display_name],
    )
    .await?;
    Ok(Started::Pending)
}

/// The dead-link answer: unknown, used or expired look the same.
pub(super) fn dead_link() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "SIGNUP_LINK_INVALID",
        "this confirmation link was already used or has expired",
    )
}

/// Creates the account of the sign-up whose token hashes to `token_hash`, with
/// `username` instead of the one asked for when given (validated by the caller); ends
/// every sign-up waiting with the same address. 410 `SIGNUP_LINK_INVALID` for a link that
/// was used or expired; 409 `USERNAME_TAKEN` when the name went to someone else meanwhile
/// (the link keeps working, for another name), `EMAIL_TAKEN` when the address did.
pub async fn confirm(tx: &mut Tx, token_hash: &[u8], username: Option<&str>) -> ApiResult<User> {
    let row: Option<(i64, String, String, String, String, String)> = tx
        .optional(
            "SELECT id, username, email, display_name, email_key, password_hash \
             FROM pending_signups WHERE token_hash = $1 AND expires_at > $2",
            args![token_hash.to_vec(), now()],
        )
        .await?;
    let Some((id, asked, email, display_name, email_key, password_hash)) = row else {
        return Err(dead_link());
    };
    let open = |column| Place::new("pending_signups", column, id);
    let asked = tx.open(&open("username"), &asked).await?;
    let email = tx.open(&open("email"), &email).await?;
    let display_name = tx.open(&open("display_name"), &display_name).await?;
    let username = username.map_or(asked, str::to_owned);
    let display_name = if display_name.is_empty() {
        username.clone()
    } else {
        display_name
    };
    let user = store::create(
        tx,
        NewUser {
            username,
            email,
            display_name,
            password_hash,
        },
    )
    .await?;
    tx.execute(
        "DELETE FROM pending_signups WHERE email_key = $1",
        args![email_key],
    )
    .await?;
    Ok(user)
}

/// Deletes the sign-ups whose links expired; returns how many.
pub async fn purge_expired(tx: &mut Tx) -> ApiResult<u64> {
    Ok(tx
        .execute(
            "DELETE FROM pending_signups WHERE expires_at <= $1",
            args![now()],
        )
        .await?)
}
