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

use huddle_protocol::realtime::{Collection, Joined, KeyEvent};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::realtime::relay::Relay;

/// Envelopes the server seals under one key before rotating.
pub const MAX_SEALED: i64 = 1000;
/// Longest a key lives before rotation.
pub const MAX_AGE_SECS: i64 = 24 * 3600;

struct Room {
    endpoint: String,
    key: String,
    version: i64,
    sealed_since: i64,
    rotated_at: i64,
}

fn load(c: &Connection, collection: Collection) -> rusqlite::Result<Option<Room>> {
    c.query_row(
        "SELECT endpoint, room_key, key_version, sealed_since, rotated_at FROM realtime_rooms WHERE collection = ?1",
        [collection.to_string()],
        |r| {
            Ok(Room {
                endpoint: r.get(0)?,
                key: r.get(1)?,
                version: r.get(2)?,
                sealed_since: r.get(3)?,
                rotated_at: r.get(4)?,
            })
        },
    )
    .optional()
}

fn random_token() -> ApiResult<String> {
    crypto_wasm::random::token(32).map_err(ApiError::internal)
}

/// Seals `event` for the room's members under its current key and publishes it.
fn push(relay: &Relay, room: &Room, event: &impl Serialize) -> ApiResult<()> {
    let plaintext = serde_json::to_string(event).map_err(ApiError::internal)?;
    let env = crypto_wasm::seal(
        &room.key,
        &room.version.to_string(),
        &plaintext,
        crypto_wasm::Format::V1,
        &room.endpoint,
    )
    .map_err(ApiError::internal)?;
    let raw = serde_json::value::to_raw_value(&env).map_err(ApiError::internal)?;
    relay.publish(&room.endpoint, &raw);
    Ok(())
}

/// Mixes a fresh key part into the room's key, telling the members; returns the room as
/// it is afterwards.
fn rotate_mix(
    c: &Connection,
    relay: &Relay,
    collection: Collection,
    room: Room,
) -> ApiResult<Room> {
    let b = random_token()?;
    let next = room.version + 1;
    push(
        relay,
        &room,
        &KeyEvent::Key {
            new_key: b.clone(),
            key_version: next.to_string(),
        },
    )?;
    let key = crypto_wasm::mix_keys(&room.key, &b);
    let now = crate::db::now();
    c.execute(
        "UPDATE realtime_rooms SET room_key = ?2, key_version = ?3, sealed_since = 0, rotated_at = ?4 WHERE collection = ?1",
        rusqlite::params![collection.to_string(), key, next, now],
    )?;
    Ok(Room {
        endpoint: room.endpoint,
        key,
        version: next,
        sealed_since: 0,
        rotated_at: now,
    })
}

/// Joins `collection` (access already checked): see the module docs.
pub fn join(c: &Connection, relay: &Relay, collection: Collection) -> ApiResult<Joined> {
    let room = match load(c, collection)? {
        Some(room) => rotate_mix(c, relay, collection, room)?,
        None => {
            let endpoint = random_token()?;
            let key = crypto_wasm::mix_keys("", &random_token()?);
            c.execute(
                "INSERT INTO realtime_rooms (collection, endpoint, room_key, key_version, rotated_at) VALUES (?1, ?2, ?3, 1, ?4)",
                rusqlite::params![collection.to_string(), endpoint, key, crate::db::now()],
            )?;
            Room {
                endpoint,
                key,
                version: 1,
                sealed_since: 0,
                rotated_at: crate::db::now(),
            }
        }
    };
    Ok(Joined {
        room: room.endpoint,
        key: room.key,
        key_version: room.version.to_string(),
    })
}

/// Replaces the room's key and endpoint with fresh random ones (someone lost access).
pub fn rotate_fresh(c: &Connection, relay: &Relay, collection: Collection) -> ApiResult<()> {
    let Some(room) = load(c, collection)? else {
        return Ok(());
    };
    push(relay, &room, &KeyEvent::Rekey)?;
    c.execute(
        "UPDATE realtime_rooms SET endpoint = ?2, room_key = ?3, key_version = key_version + 1, sealed_since = 0, rotated_at = ?4 WHERE collection = ?1",
        rusqlite::params![
            collection.to_string(),
            random_token()?,
            random_token()?,
            crate::db::now()
        ],
    )?;
    relay.close_room(&room.endpoint);
    Ok(())
}

/// Seals a server event (a message created through REST, an edit, …) for the room's
/// members, rotating the key first when it has been used enough. Nothing happens for a
/// room nobody has joined.
pub fn publish_event(
    c: &Connection,
    relay: &Relay,
    collection: Collection,
    event: &impl Serialize,
) -> ApiResult<()> {
    let Some(mut room) = load(c, collection)? else {
        return Ok(());
    };
    if room.sealed_since >= MAX_SEALED || crate::db::now() - room.rotated_at >= MAX_AGE_SECS {
        room = rotate_mix(c, relay, collection, room)?;
    }
    push(relay, &room, event)?;
    c.execute(
        "UPDATE realtime_rooms SET sealed_since = sealed_since + 1 WHERE collection = ?1",
        [collection.to_string()],
    )?;
    Ok(())
}
