//! The key service: per collection (`channel:<id>` for a channel's messages,
//! `workspace:<id>` for the workspace's presence), a room endpoint and a room key with a
//! version.
//!
//! * **Join** (`POST /api/v1/realtime/join`): after an access check, the server draws a
//!   random key part B, pushes `{type: "key", new_key: B, key_version}` to the room
//!   sealed under the current key A, stores AB = mixKeys(A, B) and returns AB to the
//!   joiner over HTTPS. The first join creates the room with mixKeys("", B).
//! * **Fresh rotation** when someone loses access (removed from the workspace): a new
//!   random key and a new endpoint; the old room gets `{type: "rekey"}` (under the old
//!   key) and is closed, and members join again over HTTPS, where the access check keeps
//!   the former member out.
//! * **Bounded use**: after [`MAX_SEALED`] server envelopes or [`MAX_AGE_SECS`] seconds
//!   the server mixes in a new key part, as on a join.
//!
//! Order: a key part must reach the members before anything sealed under the key it
//! makes. Joins and announcements therefore take one lock (per process) from the start of
//! their transaction until their frames are handed to the relay, after the commit; on
//! PostgreSQL the room's row is also locked (`FOR UPDATE`) while it changes. Fresh
//! rotations need no such order: they move the room to a new endpoint.

use huddle_protocol::realtime::{Collection, Joined, KeyEvent};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::access;
use crate::args;
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::realtime::relay::Relay;
use crate::vault::{Place, Scope};
use crate::AppState;

/// Envelopes the server seals under one key before rotating.
pub const MAX_SEALED: i64 = 1000;
/// Longest a key lives before rotation.
pub const MAX_AGE_SECS: i64 = 24 * 3600;

#[derive(sqlx::FromRow)]
struct Room {
    endpoint: String,
    room_key: String,
    key_version: i64,
    sealed_since: i64,
    rotated_at: i64,
}

/// What to hand to the relay once the transaction that made it is committed.
#[derive(Debug)]
pub enum Push {
    /// A sealed frame for a room's members.
    Frame {
        /// The room.
        endpoint: String,
        /// The envelope.
        frame: Box<RawValue>,
    },
    /// Close a room (its members join its successor over HTTPS).
    Close {
        /// The room.
        endpoint: String,
    },
}

/// Hands frames to the relay, in order.
pub fn deliver(relay: &Relay, pushes: Vec<Push>) {
    for p in pushes {
        match p {
            Push::Frame { endpoint, frame } => relay.publish(&endpoint, &frame),
            Push::Close { endpoint } => relay.close_room(&endpoint),
        }
    }
}

fn place(collection: Collection) -> Place {
    Place::new("realtime_rooms", "room_key", collection)
}

/// The workspace a collection belongs to (whose data key seals its room key).
async fn scope(tx: &mut Tx, collection: Collection) -> ApiResult<Scope> {
    Ok(Scope::Workspace(match collection {
        Collection::Workspace(id) | Collection::Drive(id) | Collection::Tasks(id) => id,
        Collection::Channel(id) => {
            let (ws,): (i64,) = tx
                .one("SELECT workspace_id FROM channels WHERE id = $1", args![id])
                .await?;
            ws
        }
    }))
}

/// The room of `collection`, its key opened.
async fn load(tx: &mut Tx, collection: Collection) -> ApiResult<Option<Room>> {
    let sql = format!(
        "SELECT endpoint, room_key, key_version, sealed_since, rotated_at FROM realtime_rooms \
         WHERE collection = $1{}",
        tx.for_update()
    );
    let room: Option<Room> = tx
        .optional(sqlx::AssertSqlSafe(sql), args![collection.to_string()])
        .await?;
    let Some(mut room) = room else {
        return Ok(None);
    };
    room.room_key = tx.open(&place(collection), &room.room_key).await?;
    Ok(Some(room))
}

/// A room key sealed for storage.
async fn sealed(tx: &mut Tx, collection: Collection, key: &str) -> ApiResult<String> {
    let scope = scope(tx, collection).await?;
    tx.seal(scope, &place(collection), key).await
}

fn random_token() -> ApiResult<String> {
    crypto_wasm::random::token(32).map_err(ApiError::internal)
}

/// Seals `event` for the room's members under its current key.
fn seal(room: &Room, event: &impl Serialize) -> ApiResult<Push> {
    let plaintext = serde_json::to_string(event).map_err(ApiError::internal)?;
    let env = crypto_wasm::seal(
        &room.room_key,
        &room.key_version.to_string(),
        &plaintext,
        crypto_wasm::Format::V1,
        &room.endpoint,
    )
    .map_err(ApiError::internal)?;
    Ok(Push::Frame {
        endpoint: room.endpoint.clone(),
        frame: serde_json::value::to_raw_value(&env).map_err(ApiError::internal)?,
    })
}

/// Mixes a fresh key part into the room's key; returns the room as it is afterwards and
/// the frame that tells the members.
async fn rotate_mix(tx: &mut Tx, collection: Collection, room: Room) -> ApiResult<(Room, Push)> {
    let b = random_token()?;
    let next = room.key_version + 1;
    let push = seal(
        &room,
        &KeyEvent::Key {
            new_key: b.clone(),
            key_version: next.to_string(),
        },
    )?;
    let key = crypto_wasm::mix_keys(&room.room_key, &b);
    let now = crate::db::now();
    let stored = sealed(tx, collection, &key).await?;
    tx.execute(
        "UPDATE realtime_rooms SET room_key = $2, key_version = $3, sealed_since = 0, rotated_at = $4 \
         WHERE collection = $1",
        args![collection.to_string(), stored, next, now],
    )
    .await?;
    let room = Room {
        endpoint: room.endpoint,
        room_key: key,
        key_version: next,
        sealed_since: 0,
        rotated_at: now,
    };
    Ok((room, push))
}

/// Joins `collection` for `user_id` after checking their right to it (a channel they may
/// read, a workspace they belong to): see the module docs.
pub async fn join(state: &AppState, user_id: i64, collection: Collection) -> ApiResult<Joined> {
    let _order = state.room_order.lock().await;
    let mut tx = state.db.write().await?;
    match collection {
        Collection::Channel(id) => access::channel(&mut tx, id, user_id).await.map(drop)?,
        Collection::Workspace(id) | Collection::Drive(id) | Collection::Tasks(id) => {
            access::workspace_role(&mut tx, id, user_id)
                .await
                .map(drop)?
        }
    }
    let (room, pushes) = match load(&mut tx, collection).await? {
        Some(room) => {
            let (room, push) = rotate_mix(&mut tx, collection, room).await?;
            (room, vec![push])
        }
        None => {
            let endpoint = random_token()?;
            let key = crypto_wasm::mix_keys("", &random_token()?);
            let now = crate::db::now();
            // Two first joins at once: one creates the room, the other mixes into it.
            let stored = sealed(&mut tx, collection, &key).await?;
            let created = tx
                .execute(
                    "INSERT INTO realtime_rooms (collection, endpoint, room_key, key_version, rotated_at) \
                     VALUES ($1, $2, $3, 1, $4) ON CONFLICT (collection) DO NOTHING",
                    args![collection.to_string(), endpoint.clone(), stored, now],
                )
                .await?;
            if created == 1 {
                let room = Room {
                    endpoint,
                    room_key: key,
                    key_version: 1,
                    sealed_since: 0,
                    rotated_at: now,
                };
                (room, Vec::new())
            } else {
                let room = load(&mut tx, collection)
                    .await?
                    .ok_or_else(|| ApiError::internal("realtime room vanished"))?;
                let (room, push) = rotate_mix(&mut tx, collection, room).await?;
                (room, vec![push])
            }
        }
    };
    tx.commit().await?;
    deliver(&state.relay, pushes);
    Ok(Joined {
        room: room.endpoint,
        key: room.room_key,
        key_version: room.key_version.to_string(),
    })
}

/// Replaces the room's key and endpoint with fresh random ones (someone lost access), in
/// the caller's transaction; returns what to deliver after its commit (`rekey` to the old
/// room, then its closing).
pub async fn rotate_fresh(tx: &mut Tx, collection: Collection) -> ApiResult<Vec<Push>> {
    let Some(room) = load(tx, collection).await? else {
        return Ok(Vec::new());
    };
    let rekey = seal(&room, &KeyEvent::Rekey)?;
    let stored = sealed(tx, collection, &random_token()?).await?;
    tx.execute(
        "UPDATE realtime_rooms SET endpoint = $2, room_key = $3, key_version = key_version + 1, \
         sealed_since = 0, rotated_at = $4 WHERE collection = $1",
        args![
            collection.to_string(),
            random_token()?,
            stored,
            crate::db::now()
        ],
    )
    .await?;
    Ok(vec![
        rekey,
        Push::Close {
            endpoint: room.endpoint,
        },
    ])
}

/// Seals a server event (a message created through REST, an edit, …) for the room's
/// members, rotating the key first when it has been used enough, and hands it to the
/// relay. Nothing happens for a room nobody has joined. Called after the change itself
/// is committed; a failure here is logged (clients resync through REST).
pub async fn announce(state: &AppState, collection: Collection, event: &impl Serialize) {
    if let Err(e) = try_announce(state, collection, event).await {
        tracing::warn!(error = %e.message, %collection, "realtime push failed");
    }
}

async fn try_announce(
    state: &AppState,
    collection: Collection,
    event: &impl Serialize,
) -> ApiResult<()> {
    let _order = state.room_order.lock().await;
    let mut tx = state.db.write().await?;
    let Some(mut room) = load(&mut tx, collection).await? else {
        return Ok(());
    };
    let mut pushes = Vec::new();
    if room.sealed_since >= MAX_SEALED || crate::db::now() - room.rotated_at >= MAX_AGE_SECS {
        let (rotated, push) = rotate_mix(&mut tx, collection, room).await?;
        room = rotated;
        pushes.push(push);
    }
    pushes.push(seal(&room, event)?);
    tx.execute(
        "UPDATE realtime_rooms SET sealed_since = sealed_since + 1 WHERE collection = $1",
        args![collection.to_string()],
    )
    .await?;
    tx.commit().await?;
    deliver(&state.relay, pushes);
    Ok(())
}
