//! The in-place upgrade to encryption at rest: on the first start after it, every plain
//! value stored by an earlier server is sealed (see `vault`), a batch per transaction, so
//! that a crash midway loses nothing and the next start goes on where it stopped. Kept
//! answers of idempotency keys (a day's worth at most) are dropped rather than sealed.
//! When nothing plain is left, the database records it and plain values are refused from
//! then on; a SQLite file is then vacuumed, so that no page of the old plain values is
//! left in it or its write-ahead log.

use std::future::Future;
use std::pin::Pin;

use huddle_protocol::channels::ChannelKind;
use huddle_protocol::realtime::Collection;

use crate::args;
use crate::db::{enum_value, Db, Dialect, Tx};
use crate::error::ApiResult;
use crate::vault::{Place, Scope, PREFIX};

/// Rows sealed per transaction.
const BATCH: i64 = 500;

/// Seals what is still plain; returns how many values it sealed.
pub async fn seal_plain_values(db: &Db) -> Result<u64, String> {
    seal_some_plain_values(db, None).await
}

/// Like [`seal_plain_values`], but stops after `batches` transactions when given (what a
/// crash midway leaves behind; for tests).
pub async fn seal_some_plain_values(db: &Db, mut batches: Option<usize>) -> Result<u64, String> {
    let vault = db
        .vault()
        .ok_or("the database was opened without its keys")?;
    if !vault.plain_allowed() {
        return Ok(0);
    }
    let mut sealed = 0;
    let steps: [Step; 6] = [users, workspaces, channels, messages, reactions, rooms];
    for step in steps {
        loop {
            if let Some(left) = batches.as_mut() {
                if *left == 0 {
                    return Ok(sealed);
                }
                *left -= 1;
            }
            let mut tx = db.write().await.map_err(|e| e.to_string())?;
            let n = step(&mut tx).await.map_err(|e| e.message)?;
            tx.commit().await.map_err(|e| e.to_string())?;
            sealed += n;
            if n == 0 {
                break;
            }
        }
    }
    let mut tx = db.write().await.map_err(|e| e.to_string())?;
    let plain_answers = tx
        .execute("DELETE FROM idempotency_keys", args![])
        .await
        .map_err(|e| e.to_string())?;
    tx.execute(
        "INSERT INTO settings (name, value) VALUES ('plain_values', 'sealed') \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        args![],
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    vault.forbid_plain();
    index_unindexed(db).await?;
    if sealed + plain_answers > 0 {
        tracing::info!(sealed, "sealed the plain values of an earlier server");
        if db.dialect() == Dialect::Sqlite {
            db.vacuum().await.map_err(|e| e.to_string())?;
        }
    }
    Ok(sealed)
}

/// One batch of a step: how many values it sealed.
type Batch<'a> = Pin<Box<dyn Future<Output = ApiResult<u64>> + Send + 'a>>;
type Step = for<'a> fn(&'a mut Tx) -> Batch<'a>;

fn users(tx: &mut Tx) -> Batch<'_> {
    Box::pin(async move {
        let rows: Vec<(i64, String, String, String)> = tx
            .all(
                "SELECT id, username, email, display_name FROM users WHERE username_key IS NULL \
                 ORDER BY id LIMIT $1",
                args![BATCH],
            )
            .await?;
        for (id, username, email, display_name) in &rows {
            crate::api::auth::store::seal_names(tx, *id, username, email, display_name).await?;
        }
        Ok(rows.len() as u64)
    })
}

fn workspaces(tx: &mut Tx) -> Batch<'_> {
    Box::pin(async move {
        let rows: Vec<(i64, String)> = tx
            .all(
                "SELECT id, name FROM workspaces WHERE substr(name, 1, 4) != $1 ORDER BY id LIMIT $2",
                args![PREFIX, BATCH],
            )
            .await?;
        for (id, name) in &rows {
            let sealed = tx
                .seal(
                    Scope::Workspace(*id),
                    &Place::new("workspaces", "name", id),
                    name,
                )
                .await?;
            tx.execute(
                "UPDATE workspaces SET name = $2 WHERE id = $1",
                args![*id, sealed],
            )
            .await?;
        }
        Ok(rows.len() as u64)
    })
}

fn channels(tx: &mut Tx) -> Batch<'_> {
    Box::pin(async move {
        let rows: Vec<(i64, i64, String, String)> = tx
            .all(
                "SELECT id, workspace_id, kind, name FROM channels WHERE substr(name, 1, 4) != $1 \
                 ORDER BY id LIMIT $2",
                args![PREFIX, BATCH],
            )
            .await?;
        for (id, ws, kind, name) in &rows {
            let kind = enum_value(kind, ChannelKind::parse)?;
            crate::api::channels::store::seal_name(tx, *id, *ws, kind, name).await?;
        }
        Ok(rows.len() as u64)
    })
}

fn messages(tx: &mut Tx) -> Batch<'_> {
    Box::pin(async move {
        let rows: Vec<(i64, i64, String)> = tx
            .all(
                "SELECT m.id, c.workspace_id, m.body FROM messages m JOIN channels c ON c.id = m.channel_id \
                 WHERE m.deleted_at IS NULL AND substr(m.body, 1, 4) != $1 ORDER BY m.id LIMIT $2",
                args![PREFIX, BATCH],
            )
            .await?;
        for (id, ws, body) in &rows {
            crate::api::messages::store::set_body(tx, *ws, *id, body).await?;
        }
        Ok(rows.len() as u64)
    })
}

fn reactions(tx: &mut Tx) -> Batch<'_> {
    Box::pin(async move {
        let rows: Vec<(i64, i64, String)> = tx
            .all(
                "SELECT r.id, c.workspace_id, r.emoji FROM reactions r \
                 JOIN messages m ON m.id = r.message_id JOIN channels c ON c.id = m.channel_id \
                 WHERE r.emoji_key IS NULL ORDER BY r.id LIMIT $1",
                args![BATCH],
            )
            .await?;
        for (id, ws, emoji) in &rows {
            let scope = Scope::Workspace(*ws);
            let key = tx.blind(scope, "emoji", emoji).await?;
            let sealed = tx
                .seal(scope, &Place::new("reactions", "emoji", id), emoji)
                .await?;
            tx.execute(
                "UPDATE reactions SET emoji = $2, emoji_key = $3 WHERE id = $1",
                args![*id, sealed, key],
            )
            .await?;
        }
        Ok(rows.len() as u64)
    })
}

fn rooms(tx: &mut Tx) -> Batch<'_> {
    Box::pin(async move {
        let rows: Vec<(String, String)> = tx
            .all(
                "SELECT collection, room_key FROM realtime_rooms WHERE substr(room_key, 1, 4) != $1 \
                 ORDER BY collection LIMIT $2",
                args![PREFIX, BATCH],
            )
            .await?;
        for (collection, key) in &rows {
            let parsed: Collection = collection
                .parse()
                .map_err(crate::error::ApiError::internal)?;
            let ws = match parsed {
                Collection::Workspace(id) | Collection::Drive(id) | Collection::Tasks(id) => id,
                Collection::Channel(id) => {
                    let (ws,): (i64,) = tx
                        .one("SELECT workspace_id FROM channels WHERE id = $1", args![id])
                        .await?;
                    ws
                }
            };
            let sealed = tx
                .seal(
                    Scope::Workspace(ws),
                    &Place::new("realtime_rooms", "room_key", collection),
                    key,
                )
                .await?;
            tx.execute(
                "UPDATE realtime_rooms SET room_key = $2 WHERE collection = $1",
                args![collection, sealed],
            )
            .await?;
        }
        Ok(rows.len() as u64)
    })
}

/// Adds the names of Drive's items made before Drive's search index existed to it, once
/// (recorded in `settings`); new names are indexed as they are written.
pub async fn index_drive_names(db: &Db) -> Result<(), String> {
    let fail = |e: sqlx::Error| e.to_string();
    let mut tx = db.write().await.map_err(fail)?;
    let done: Option<(String,)> = tx
        .optional(
            "SELECT value FROM settings WHERE name = 'drive_search_indexed'",
            args![],
        )
        .await
        .map_err(fail)?;
    if done.is_some() {
        return Ok(());
    }
    let rows: Vec<(i64, i64, String)> = tx
        .all(
            "SELECT id, workspace_id, name FROM drive_items WHERE channel_id IS NULL ORDER BY id",
            args![],
        )
        .await
        .map_err(fail)?;
    for (id, ws, name) in rows {
        let name = tx
            .open(&Place::new("drive_items", "name", id), &name)
            .await
            .map_err(|e| e.message)?;
        crate::api::search::store::index_drive_item(&mut tx, ws, id, &name)
            .await
            .map_err(|e| e.message)?;
    }
    tx.execute(
        "INSERT INTO settings (name, value) VALUES ('drive_search_indexed', 'complete') \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        args![],
    )
    .await
    .map_err(fail)?;
    tx.commit().await.map_err(fail)
}

/// Adds the messages stored before the search index existed to it, a batch per
/// transaction, from where the last start stopped (recorded in `settings`); then records
/// that the index is complete (new messages are indexed as they are written).
async fn index_unindexed(db: &Db) -> Result<(), String> {
    let fail = |e: sqlx::Error| e.to_string();
    loop {
        let mut tx = db.write().await.map_err(fail)?;
        let state: Option<(String,)> = tx
            .optional(
                "SELECT value FROM settings WHERE name = 'search_indexed_after'",
                args![],
            )
            .await
            .map_err(fail)?;
        let after = match state {
            Some((v,)) if v == "complete" => return Ok(()),
            Some((v,)) => v.parse::<i64>().unwrap_or(0),
            None => 0,
        };
        let rows: Vec<(i64, i64, String, Option<i64>)> = tx
            .all(
                "SELECT m.id, c.workspace_id, m.body, m.deleted_at FROM messages m \
                 JOIN channels c ON c.id = m.channel_id WHERE m.id > $1 ORDER BY m.id LIMIT $2",
                args![after, BATCH],
            )
            .await
            .map_err(fail)?;
        let next = match rows.last() {
            Some((id, _, _, _)) => id.to_string(),
            None => "complete".to_owned(),
        };
        // A deleted message has no words; the others are read as stored (sealed).
        for (id, ws, body, _) in rows.into_iter().filter(|r| r.3.is_none()) {
            let body = tx
                .open(&Place::new("messages", "body", id), &body)
                .await
                .map_err(|e| e.message)?;
            crate::api::search::store::index(&mut tx, ws, id, &body)
                .await
                .map_err(|e| e.message)?;
        }
        tx.execute(
            "INSERT INTO settings (name, value) VALUES ('search_indexed_after', $1) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            args![next],
        )
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
    }
}
