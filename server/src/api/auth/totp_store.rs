//! Two-factor sign-in in the database: the TOTP secret (sealed under the account data
//! key) and the step of the last code taken, recovery-code hashes, and sign-ins waiting
//! for their second factor.

use axum::http::StatusCode;
use huddle_protocol::auth::TotpStatus;

use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

fn place(user: i64) -> Place {
    Place::new("totp", "secret", user)
}

/// Whether `user` has two-factor sign-in on, and how many recovery codes are left.
pub async fn status(tx: &mut Tx, user: i64) -> ApiResult<TotpStatus> {
    let (enabled,): (i64,) = tx
        .one(
            "SELECT count(*) FROM totp WHERE user_id = $1 AND confirmed_at IS NOT NULL",
            args![user],
        )
        .await?;
    let (left,): (i64,) = tx
        .one(
            "SELECT count(*) FROM recovery_codes WHERE user_id = $1",
            args![user],
        )
        .await?;
    Ok(TotpStatus {
        enabled: enabled > 0,
        recovery_codes_left: u32::try_from(left).unwrap_or(0),
    })
}

/// Keeps `secret` as `user`'s new, unconfirmed secret (replacing an unconfirmed one);
/// 409 `TOTP_ENABLED` if two-factor sign-in is already on.
pub async fn begin(tx: &mut Tx, user: i64, secret: &str) -> ApiResult<()> {
    if status(tx, user).await?.enabled {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "TOTP_ENABLED",
            "two-factor sign-in is already on: turn it off first to use another app",
        ));
    }
    let sealed = tx.seal(Scope::Account, &place(user), secret).await?;
    tx.execute(
        "INSERT INTO totp (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
         created_at = excluded.created_at, last_step = 0, confirmed_at = NULL",
        args![user, sealed, now()],
    )
    .await?;
    Ok(())
}

/// `user`'s secret and the step of the last code taken, if they have one that is
/// `confirmed` (on) or not yet.
pub async fn secret(tx: &mut Tx, user: i64, confirmed: bool) -> ApiResult<Option<(String, i64)>> {
    let row: Option<(String, i64)> = tx
        .optional(
            if confirmed {
                "SELECT secret, last_step FROM totp WHERE user_id = $1 AND confirmed_at IS NOT NULL"
            } else {
                "SELECT secret, last_step FROM totp WHERE user_id = $1 AND confirmed_at IS NULL"
            },
            args![user],
        )
        .await?;
    match row {
        Some((sealed, last)) => Ok(Some((tx.open(&place(user), &sealed).await?, last))),
        None => Ok(None),
    }
}

/// Takes the code of time step `step`: false if a code of that step or a later one was
/// taken meanwhile (two requests racing with the same code: one wins).
pub async fn take_step(tx: &mut Tx, user: i64, step: i64) -> ApiResult<bool> {
    let n = tx
        .execute(
            "UPDATE totp SET last_step = $2 WHERE user_id = $1 AND last_step < $2",
            args![user, step],
        )
        .await?;
    Ok(n == 1)
}

/// Turns two-factor sign-in on with the pending secret and `codes` (recovery-code
/// hashes).
pub async fn confirm(tx: &mut Tx, user: i64, codes: Vec<Vec<u8>>) -> ApiResult<()> {
    tx.execute(
        "UPDATE totp SET confirmed_at = $2 WHERE user_id = $1",
        args![user, now()],
    )
    .await?;
    replace_recovery_codes(tx, user, codes).await
}

/// Replaces `user`'s recovery codes by `codes` (hashes).
pub async fn replace_recovery_codes(tx: &mut Tx, user: i64, codes: Vec<Vec<u8>>) -> ApiResult<()> {
    tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", args![user])
        .await?;
    for hash in codes {
        tx.execute(
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
            args![user, hash],
        )
        .await?;
    }
    Ok(())
}

/// Uses up the recovery code hashing to `hash`: false if `user` has no such code (left).
pub async fn use_recovery_code(tx: &mut Tx, user: i64, hash: Vec<u8>) -> ApiResult<bool> {
    let n = tx
        .execute(
            "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2",
            args![user, hash],
        )
        .await?;
    Ok(n == 1)
}

/// Turns two-factor sign-in off: the secret and the recovery codes are gone.
pub async fn disable(tx: &mut Tx, user: i64) -> ApiResult<()> {
    tx.execute("DELETE FROM totp WHERE user_id = $1", args![user])
        .await?;
    tx.execute("DELETE FROM recovery_codes WHERE user_id = $1", args![user])
        .await?;
    tx.execute(
        "DELETE FROM signin_challenges WHERE user_id = $1",
        args![user],
    )
    .await?;
    Ok(())
}

/// Keeps a sign-in waiting for its second factor until `expires_at`.
pub async fn create_challenge(
    tx: &mut Tx,
    token_hash: Vec<u8>,
    user: i64,
    expires_at: i64,
) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO signin_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        args![token_hash, user, expires_at],
    )
    .await?;
    Ok(())
}

/// The account of the waiting sign-in whose token hashes to `token_hash`, if it has not
/// expired.
pub async fn challenge(tx: &mut Tx, token_hash: Vec<u8>) -> ApiResult<Option<i64>> {
    let row: Option<(i64,)> = tx
        .optional(
            "SELECT user_id FROM signin_challenges WHERE token_hash = $1 AND expires_at > $2",
            args![token_hash, now()],
        )
        .await?;
    Ok(row.map(|(u,)| u))
}

/// Counts a wrong code against a waiting sign-in; after `max` of them it is dropped (the
/// password is due again). Returns whether it is still waiting.
pub async fn fail_challenge(tx: &mut Tx, token_hash: Vec<u8>, max: i64) -> ApiResult<bool> {
    tx.execute(
        "UPDATE signin_challenges SET failures = failures + 1 WHERE token_hash = $1",
        args![token_hash.clone()],
    )
    .await?;
    let n = tx
        .execute(
            "DELETE FROM signin_challenges WHERE token_hash = $1 AND failures >= $2",
            args![token_hash, max],
        )
        .await?;
    Ok(n == 0)
}

/// Ends a waiting sign-in (it succeeded): false if it was over already (another request
/// finished it meanwhile).
pub async fn end_challenge(tx: &mut Tx, token_hash: Vec<u8>) -> ApiResult<bool> {
    let n = tx
        .execute(
            "DELETE FROM signin_challenges WHERE token_hash = $1",
            args![token_hash],
        )
        .await?;
    Ok(n == 1)
}
