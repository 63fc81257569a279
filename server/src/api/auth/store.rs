//! Accounts in the database.

use axum::http::StatusCode;
use huddle_protocol::auth::{Language, Preferences, ProfileChange, Theme, User};
use huddle_protocol::channels::NotifyLevel;

use crate::args;
use crate::db::{enum_value, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

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
    type Row = (i64, String, String, String, String, String, String);
    let row: Option<Row> = tx
        .optional(
            "SELECT id, username, email, display_name, theme, language, notify_default \
             FROM users WHERE id = $1",
            args![id],
        )
        .await?;
    let Some((id, username, email, display_name, theme, language, notify_default)) = row else {
        return Ok(None);
    };
    let preferences = Preferences {
        theme: enum_value(&theme, Theme::parse)?,
        language: enum_value(&language, Language::parse)?,
        notify_default: enum_value(&notify_default, NotifyLevel::parse)?,
    };
    Ok(Some(User {
        preferences,
        id,
        username: tx
            .open(&Place::new("users", "username", id), &username)
            .await?,
        email: tx.open(&Place::new("users", "email", id), &email).await?,
        display_name: tx
            .open(&Place::new("users", "display_name", id), &display_name)
            .await?,
    }))
}

/// The username and display name of account `id` (e.g. a message's author); a damaged
/// one (logged) reads `(unreadable name)`.
pub async fn names(
    tx: &mut Tx,
    id: i64,
    username: &str,
    display_name: &str,
) -> ApiResult<(String, String)> {
    Ok((
        tx.open_name(&Place::new("users", "username", id), username)
            .await?,
        tx.open_name(&Place::new("users", "display_name", id), display_name)
            .await?,
    ))
}

/// The keyed hashes of a username and an e-mail address (case-insensitive).
pub async fn login_keys(tx: &mut Tx, username: &str, email: &str) -> ApiResult<(String, String)> {
    Ok((
        tx.blind(Scope::Account, "username", &username.to_lowercase())
            .await?,
        tx.blind(Scope::Account, "email", &email.to_lowercase())
            .await?,
    ))
}

/// Which of the username and e-mail another account has, as the API error to answer.
async fn taken(tx: &mut Tx, username_key: &str, email_key: &str) -> ApiResult<Option<ApiError>> {
    let row: Option<(Option<String>,)> = tx
        .optional(
            "SELECT username_key FROM users WHERE username_key = $1 OR email_key = $2 LIMIT 1",
            args![username_key, email_key],
        )
        .await?;
    Ok(row.map(|(u,)| {
        if u.as_deref() == Some(username_key) {
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

/// Seals an account's names into its row.
pub async fn seal_names(
    tx: &mut Tx,
    id: i64,
    username: &str,
    email: &str,
    display_name: &str,
) -> ApiResult<()> {
    let (username_key, email_key) = login_keys(tx, username, email).await?;
    let username = tx
        .seal(
            Scope::Account,
            &Place::new("users", "username", id),
            username,
        )
        .await?;
    let email = tx
        .seal(Scope::Account, &Place::new("users", "email", id), email)
        .await?;
    let display_name = tx
        .seal(
            Scope::Account,
            &Place::new("users", "display_name", id),
            display_name,
        )
        .await?;
    tx.execute(
        "UPDATE users SET username = $2, email = $3, display_name = $4, username_key = $5, \
         email_key = $6 WHERE id = $1",
        args![id, username, email, display_name, username_key, email_key],
    )
    .await?;
    Ok(())
}

/// Creates an account; 409 `USERNAME_TAKEN` or `EMAIL_TAKEN` when another has either.
pub async fn create(tx: &mut Tx, new: NewUser) -> ApiResult<User> {
    let (username_key, email_key) = login_keys(tx, &new.username, &new.email).await?;
    if let Some(e) = taken(tx, &username_key, &email_key).await? {
        return Err(e);
    }
    // The row first (its id is bound into its sealed values), then its values.
    let inserted: Result<(i64,), _> = tx
        .one(
            "INSERT INTO users (username, email, display_name, password_hash, created_at, \
             username_key, email_key) VALUES ($1, $1, '', $2, $3, $4, $5) RETURNING id",
            args![
                &username_key,
                new.password_hash,
                crate::db::now(),
                &username_key,
                &email_key
            ],
        )
        .await;
    let id = match inserted {
        Ok((id,)) => id,
        // Another sign-up with the same name won the race (PostgreSQL, several writers).
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "USERNAME_TAKEN",
                "that username or email was taken a moment ago",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    seal_names(tx, id, &new.username, &new.email, &new.display_name).await?;
    Ok(User {
        id,
        username: new.username,
        email: new.email,
        display_name: new.display_name,
        preferences: Preferences::default(),
    })
}

/// Applies `change` (its display name already checked) to account `id`; returns it.
pub async fn change_profile(tx: &mut Tx, id: i64, change: &ProfileChange) -> ApiResult<User> {
    if let Some(name) = &change.display_name {
        let sealed = tx
            .seal(
                Scope::Account,
                &Place::new("users", "display_name", id),
                name,
            )
            .await?;
        tx.execute(
            "UPDATE users SET display_name = $2 WHERE id = $1",
            args![id, sealed],
        )
        .await?;
    }
    let columns: [(&str, Option<&str>); 3] = [
        ("theme", change.theme.map(Theme::as_str)),
        ("language", change.language.map(Language::as_str)),
        (
            "notify_default",
            change.notify_default.map(NotifyLevel::as_str),
        ),
    ];
    for (column, value) in columns {
        if let Some(v) = value {
            // Only the fixed column names above are formatted into the statement.
            let sql = format!("UPDATE users SET {column} = $2 WHERE id = $1");
            tx.execute(sqlx::AssertSqlSafe(sql), args![id, v.to_owned()])
                .await?;
        }
    }
    user(tx, id).await?.ok_or_else(ApiError::unauthenticated)
}

/// The id of the account whose username or e-mail is `login`.
pub async fn find(tx: &mut Tx, login: &str) -> ApiResult<Option<i64>> {
    let (username_key, email_key) = login_keys(tx, login, login).await?;
    let row: Option<(i64,)> = tx
        .optional(
            "SELECT id FROM users WHERE username_key = $1 OR email_key = $2",
            args![username_key, email_key],
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The id and password hash of the account whose username or e-mail is `login`.
pub async fn credentials(tx: &mut Tx, login: &str) -> ApiResult<Option<(i64, String)>> {
    let Some(id) = find(tx, login).await? else {
        return Ok(None);
    };
    Ok(tx
        .optional(
            "SELECT id, password_hash FROM users WHERE id = $1",
            args![id],
        )
        .await?)
}

/// The password hash of account `user`.
pub async fn password_hash(tx: &mut Tx, user: i64) -> ApiResult<String> {
    let (hash,): (String,) = tx
        .one("SELECT password_hash FROM users WHERE id = $1", args![user])
        .await?;
    Ok(hash)
}

/// Sets `user`'s password hash and ends every session of theirs but `keep` (a token
/// hash); returns the token hashes of the sessions ended.
pub async fn set_password(
    tx: &mut Tx,
    user: i64,
    hash: &str,
    keep: &[u8],
) -> ApiResult<Vec<Vec<u8>>> {
    tx.execute(
        "UPDATE users SET password_hash = $2 WHERE id = $1",
        args![user, hash],
    )
    .await?;
    // Sign-ins that got past the old password and wait for their code, and passkey
    // ceremonies under way, end too.
    tx.execute(
        "DELETE FROM signin_challenges WHERE user_id = $1",
        args![user],
    )
    .await?;
    tx.execute(
        "DELETE FROM webauthn_ceremonies WHERE user_id = $1",
        args![user],
    )
    .await?;
    end_other_sessions(tx, user, keep).await
}

/// Ends every session of `user` but `keep` (a token hash); returns the token hashes of
/// the sessions ended.
pub async fn end_other_sessions(tx: &mut Tx, user: i64, keep: &[u8]) -> ApiResult<Vec<Vec<u8>>> {
    let ended: Vec<(Vec<u8>,)> = tx
        .all(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash != $2 RETURNING token_hash",
            args![user, keep],
        )
        .await?;
    Ok(ended.into_iter().map(|(h,)| h).collect())
}

/// `user`'s sessions that have not expired, newest first; `current` is this request's.
pub async fn sessions(
    tx: &mut Tx,
    user: i64,
    current: &[u8],
) -> ApiResult<Vec<huddle_protocol::auth::SessionSummary>> {
    let rows: Vec<(Vec<u8>, i64, i64, String, String)> = tx
        .all(
            "SELECT token_hash, created_at, last_seen_at, device, client FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
            args![user, crate::db::now()],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for (hash, created_at, last_seen_at, device, client) in rows {
        list.push(huddle_protocol::auth::SessionSummary {
            id: crate::session::public_id(&hash),
            device: crate::session::open(tx, "device", user, &device).await?,
            client: crate::session::open(tx, "client", user, &client).await?,
            created_at,
            last_seen_at,
            current: hash == current,
        });
    }
    Ok(list)
}

/// Ends `user`'s session whose list id is `id`; returns its token hash (404 if there is
/// none such).
pub async fn end_session(tx: &mut Tx, user: i64, id: &str) -> ApiResult<Vec<u8>> {
    use subtle::ConstantTimeEq;
    let hashes: Vec<(Vec<u8>,)> = tx
        .all(
            "SELECT token_hash FROM sessions WHERE user_id = $1",
            args![user],
        )
        .await?;
    let found = hashes
        .into_iter()
        .map(|(h,)| h)
        .find(|h| bool::from(crate::session::public_id(h).as_bytes().ct_eq(id.as_bytes())))
        .ok_or_else(|| ApiError::not_found("session"))?;
    tx.execute(
        "DELETE FROM sessions WHERE token_hash = $1",
        args![found.clone()],
    )
    .await?;
    Ok(found)
}
