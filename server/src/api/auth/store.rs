//! Accounts in the database.

use axum::http::StatusCode;
use huddle_protocol::auth::User;

use crate::args;
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};

/// A new account's fields, validated.
pub struct NewUser {
    /// Login name (unique, case-insensitive).
    pub username: String,
    /// E-mail address (unique, case-insensitive).
    pub email: String,
    /// Shown name.
    pub display_name: String,
    /// PBKDF2 hash of the password.
    pub password_hash: String,
}

/// The account with id `id`.
pub async fn user(tx: &mut Tx, id: i64) -> ApiResult<Option<User>> {
    let row: Option<(i64, String, String, String)> = tx
        .optional(
            "SELECT id, username, email, display_name FROM users WHERE id = $1",
            args![id],
        )
        .await?;
    Ok(row.map(|(id, username, email, display_name)| User {
        id,
        username,
        email,
        display_name,
    }))
}

/// Which of the username and e-mail another account has, as the API error to answer.
async fn taken(tx: &mut Tx, username: &str, email: &str) -> ApiResult<Option<ApiError>> {
    let row: Option<(String, String)> = tx
        .optional(
            "SELECT username, email FROM users WHERE lower(username) = lower($1) \
             OR lower(email) = lower($2) LIMIT 1",
            args![username, email],
        )
        .await?;
    Ok(row.map(|(u, _)| {
        if u.eq_ignore_ascii_case(username) {
            ApiError::new(
                StatusCode::CONFLICT,
                "USERNAME_TAKEN",
                "that username is taken",
            )
        } else {
            ApiError::new(
                StatusCode::CONFLICT,
                "EMAIL_TAKEN",
                "an account already uses that email",
            )
        }
    }))
}

/// Creates an account; 409 `USERNAME_TAKEN` or `EMAIL_TAKEN` when another has either.
pub async fn create(tx: &mut Tx, new: NewUser) -> ApiResult<User> {
    if let Some(e) = taken(tx, &new.username, &new.email).await? {
        return Err(e);
    }
    let inserted: Result<(i64,), _> = tx
        .one(
            "INSERT INTO users (username, email, display_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            args![
                &new.username,
                &new.email,
                &new.display_name,
                new.password_hash,
                crate::db::now()
            ],
        )
        .await;
    match inserted {
        Ok((id,)) => Ok(User {
            id,
            username: new.username,
            email: new.email,
            display_name: new.display_name,
        }),
        // Another sign-up with the same name won the race (PostgreSQL, several writers).
        Err(e) if crate::db::is_unique_violation(&e) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "USERNAME_TAKEN",
            "that username or email was taken a moment ago",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The id and password hash of the account whose username or e-mail is `login`.
pub async fn credentials(tx: &mut Tx, login: &str) -> ApiResult<Option<(i64, String)>> {
    Ok(tx
        .optional(
            "SELECT id, password_hash FROM users WHERE lower(username) = lower($1) \
             OR lower(email) = lower($1)",
            args![login],
        )
        .await?)
}
