//! Passkeys in the database: each person's WebAuthn user handle, their passkeys (name and
//! credential sealed under the account data key), and ceremonies under way.

use huddle_protocol::passkeys::PasskeyInfo;

use crate::args;
use crate::db::{now, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

/// The most passkeys one person may register.
pub const MAX_PASSKEYS: i64 = 20;

fn place(column: &'static str, id: i64) -> Place {
    Place::new("passkeys", column, id)
}

/// `user`'s WebAuthn user handle (a UUID), made on first use.
pub async fn handle(tx: &mut Tx, user: i64) -> ApiResult<String> {
    let found: Option<(String,)> = tx
        .optional(
            "SELECT handle FROM webauthn_users WHERE user_id = $1",
            args![user],
        )
        .await?;
    if let Some((h,)) = found {
        return Ok(h);
    }
    let h = crypto_wasm::random::uuid_v4().map_err(ApiError::internal)?;
    tx.execute(
        "INSERT INTO webauthn_users (user_id, handle) VALUES ($1, $2)",
        args![user, h.clone()],
    )
    .await?;
    Ok(h)
}

/// The account whose user handle is `handle`.
pub async fn user_by_handle(tx: &mut Tx, handle: &str) -> ApiResult<Option<i64>> {
    let row: Option<(i64,)> = tx
        .optional(
            "SELECT user_id FROM webauthn_users WHERE handle = $1",
            args![handle.to_owned()],
        )
        .await?;
    Ok(row.map(|(u,)| u))
}

/// `user`'s passkeys: id and credential (JSON, as webauthn-rs keeps it).
pub async fn credentials(tx: &mut Tx, user: i64) -> ApiResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = tx
        .all(
            "SELECT id, credential FROM passkeys WHERE user_id = $1 ORDER BY id",
            args![user],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, sealed) in rows {
        out.push((id, tx.open(&place("credential", id), &sealed).await?));
    }
    Ok(out)
}

/// Keeps a new passkey of `user`; 409 `TOO_MANY_PASSKEYS` past [`MAX_PASSKEYS`], 409
/// `PASSKEY_EXISTS` if that credential is registered already.
pub async fn add(
    tx: &mut Tx,
    user: i64,
    credential_id: Vec<u8>,
    name: &str,
    credential: &str,
) -> ApiResult<PasskeyInfo> {
    let (n,): (i64,) = tx
        .one(
            "SELECT count(*) FROM passkeys WHERE user_id = $1",
            args![user],
        )
        .await?;
    if n >= MAX_PASSKEYS {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "TOO_MANY_PASSKEYS",
            format!("at most {MAX_PASSKEYS} passkeys: remove one first"),
        ));
    }
    let (taken,): (i64,) = tx
        .one(
            "SELECT count(*) FROM passkeys WHERE credential_id = $1",
            args![credential_id.clone()],
        )
        .await?;
    if taken > 0 {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "PASSKEY_EXISTS",
            "this passkey is registered already",
        ));
    }
    let created_at = now();
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO passkeys (user_id, credential_id, name, credential, created_at) \
             VALUES ($1, $2, '', '', $3) RETURNING id",
            args![user, credential_id, created_at],
        )
        .await?;
    let sealed_name = tx.seal(Scope::Account, &place("name", id), name).await?;
    let sealed = tx
        .seal(Scope::Account, &place("credential", id), credential)
        .await?;
    tx.execute(
        "UPDATE passkeys SET name = $2, credential = $3 WHERE id = $1",
        args![id, sealed_name, sealed],
    )
    .await?;
    Ok(PasskeyInfo {
        id,
        name: name.to_owned(),
        created_at,
        last_used_at: None,
    })
}

/// Stores a passkey's credential after a sign-in with it (its counter may have moved) and
/// the time of that sign-in.
pub async fn used(tx: &mut Tx, id: i64, credential: Option<&str>) -> ApiResult<()> {
    if let Some(c) = credential {
        let sealed = tx.seal(Scope::Account, &place("credential", id), c).await?;
        tx.execute(
            "UPDATE passkeys SET credential = $2 WHERE id = $1",
            args![id, sealed],
        )
        .await?;
    }
    tx.execute(
        "UPDATE passkeys SET last_used_at = $2 WHERE id = $1",
        args![id, now()],
    )
    .await?;
    Ok(())
}

/// `user`'s passkeys as they see them, oldest first.
pub async fn list(tx: &mut Tx, user: i64) -> ApiResult<Vec<PasskeyInfo>> {
    let rows: Vec<(i64, String, i64, Option<i64>)> = tx
        .all(
            "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1 \
             ORDER BY created_at, id",
            args![user],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, name, created_at, last_used_at) in rows {
        out.push(PasskeyInfo {
            id,
            name: tx.open_name(&place("name", id), &name).await?,
            created_at,
            last_used_at,
        });
    }
    Ok(out)
}

/// Renames `user`'s passkey `id`; 404 if they have none such.
pub async fn rename(tx: &mut Tx, user: i64, id: i64, name: &str) -> ApiResult<PasskeyInfo> {
    let sealed = tx.seal(Scope::Account, &place("name", id), name).await?;
    let n = tx
        .execute(
            "UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2",
            args![id, user, sealed],
        )
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("passkey"));
    }
    list(tx, user)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| ApiError::not_found("passkey"))
}

/// Removes `user`'s passkey `id`; 404 if they have none such.
pub async fn remove(tx: &mut Tx, user: i64, id: i64) -> ApiResult<()> {
    let n = tx
        .execute(
            "DELETE FROM passkeys WHERE id = $1 AND user_id = $2",
            args![id, user],
        )
        .await?;
    if n == 0 {
        return Err(ApiError::not_found("passkey"));
    }
    Ok(())
}

/// Keeps the state of a ceremony under way (of `user`, or of a sign-in: `None`).
pub async fn begin(
    tx: &mut Tx,
    token_hash: Vec<u8>,
    user: Option<i64>,
    state: &str,
    expires_at: i64,
) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO webauthn_ceremonies (token_hash, user_id, state, expires_at) \
         VALUES ($1, $2, $3, $4)",
        args![token_hash, user, state.to_owned(), expires_at],
    )
    .await?;
    Ok(())
}

/// Takes (and ends) the unexpired ceremony whose token hashes to `token_hash` if it
/// belongs to `user`: its state. One statement: of two requests racing with the same
/// token, one gets it.
pub async fn take(
    tx: &mut Tx,
    token_hash: Vec<u8>,
    user: Option<i64>,
) -> ApiResult<Option<String>> {
    let row: Option<(String, i64)> = tx
        .optional(
            "DELETE FROM webauthn_ceremonies WHERE token_hash = $1 \
             AND user_id IS NOT DISTINCT FROM $2 RETURNING state, expires_at",
            args![token_hash, user],
        )
        .await?;
    Ok(row.and_then(|(state, expires_at)| (expires_at > now()).then_some(state)))
}
