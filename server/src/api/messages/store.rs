//! Messages, threads and reactions in the database. Every change returns the message as
//! it is afterwards and the event to announce once the transaction is committed.

use axum::http::StatusCode;
use huddle_protocol::messages::{Author, Message, MessagesEvent, Page, PageQuery, Reaction};

use super::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::access;
use crate::args;
use crate::db::{Arg, Tx};
use crate::error::{ApiError, ApiResult};

const SELECT: &str = "SELECT m.id, m.channel_id, u.id AS author_id, u.username, u.display_name, \
    m.thread_root_id, m.body, m.deleted_at, m.created_at, m.edited_at, \
    (SELECT count(*) FROM messages r WHERE r.thread_root_id = m.id AND r.deleted_at IS NULL) AS reply_count, \
    m.revision \
    FROM messages m JOIN users u ON u.id = m.author_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    channel_id: i64,
    author_id: i64,
    username: String,
    display_name: String,
    thread_root_id: Option<i64>,
    body: String,
    deleted_at: Option<i64>,
    created_at: i64,
    edited_at: Option<i64>,
    reply_count: i64,
    revision: i64,
}

impl From<Row> for Message {
    fn from(r: Row) -> Message {
        Message {
            id: r.id,
            channel_id: r.channel_id,
            author: Author {
                id: r.author_id,
                username: r.username,
                display_name: r.display_name,
            },
            thread_root_id: r.thread_root_id,
            body: if r.deleted_at.is_some() {
                None
            } else {
                Some(r.body)
            },
            deleted: r.deleted_at.is_some(),
            created_at: r.created_at,
            edited_at: r.edited_at,
            reply_count: r.reply_count,
            reactions: Vec::new(),
            revision: r.revision,
        }
    }
}

/// Fills in the reactions of `msgs`, each emoji in the order it was first given.
async fn with_reactions(tx: &mut Tx, mut msgs: Vec<Message>) -> ApiResult<Vec<Message>> {
    if msgs.is_empty() {
        return Ok(msgs);
    }
    let placeholders: Vec<String> = (1..=msgs.len()).map(|i| format!("${i}")).collect();
    // Only numbered placeholders are formatted into the statement.
    let sql = format!(
        "SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    let ids: Vec<Arg> = msgs.iter().map(|m| Arg::from(m.id)).collect();
    let rows: Vec<(i64, String, i64)> = tx.all(sqlx::AssertSqlSafe(sql), ids).await?;
    for (message, emoji, user) in rows {
        let Some(m) = msgs.iter_mut().find(|m| m.id == message) else {
            continue;
        };
        match m.reactions.iter_mut().find(|x| x.emoji == emoji) {
            Some(x) => {
                x.count += 1;
                x.user_ids.push(user);
            }
            None => m.reactions.push(Reaction {
                emoji,
                count: 1,
                user_ids: vec![user],
            }),
        }
    }
    Ok(msgs)
}

/// One message by id (access already checked).
async fn one(tx: &mut Tx, id: i64) -> ApiResult<Message> {
    let row: Option<Row> = tx
        .optional(
            sqlx::AssertSqlSafe(format!("{SELECT} WHERE m.id = $1")),
            args![id],
        )
        .await?;
    let m = row.ok_or_else(|| ApiError::not_found("message"))?;
    Ok(with_reactions(tx, vec![m.into()]).await?.remove(0))
}

/// What a page lists.
enum Of {
    /// A channel's thread roots.
    Channel(i64),
    /// A thread's replies.
    Thread(i64),
}

async fn page(tx: &mut Tx, of: Of, q: &PageQuery) -> ApiResult<Page> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(format!("limit: 1 to {MAX_LIMIT}")));
    }
    let before = q.before.unwrap_or(i64::MAX);
    let (filter, key) = match of {
        Of::Channel(id) => ("m.channel_id = $1 AND m.thread_root_id IS NULL", id),
        Of::Thread(id) => ("m.thread_root_id = $1", id),
    };
    let sql = format!("{SELECT} WHERE {filter} AND m.id < $2 ORDER BY m.id DESC LIMIT $3");
    let rows: Vec<Row> = tx
        .all(sqlx::AssertSqlSafe(sql), args![key, before, limit + 1])
        .await?;
    let mut msgs: Vec<Message> = rows.into_iter().map(Message::from).collect();
    let more = msgs.len() as i64 > limit;
    msgs.truncate(limit as usize);
    msgs.reverse();
    let next_before = if more {
        msgs.first().map(|m| m.id)
    } else {
        None
    };
    Ok(Page {
        messages: with_reactions(tx, msgs).await?,
        next_before,
    })
}

/// A page of a channel's thread roots (`me` must be able to read it).
pub async fn list(tx: &mut Tx, channel: i64, me: i64, q: &PageQuery) -> ApiResult<Page> {
    access::channel(tx, channel, me).await?;
    page(tx, Of::Channel(channel), q).await
}

/// A page of a thread's replies.
pub async fn replies(tx: &mut Tx, root: i64, me: i64, q: &PageQuery) -> ApiResult<Page> {
    access::message(tx, root, me).await?;
    page(tx, Of::Thread(root), q).await
}

/// One message `me` can read.
pub async fn get(tx: &mut Tx, id: i64, me: i64) -> ApiResult<Message> {
    access::message(tx, id, me).await?;
    one(tx, id).await
}

/// Marks a message as changed (see [`Message::revision`]).
async fn bump(tx: &mut Tx, id: i64) -> ApiResult<()> {
    tx.execute(
        "UPDATE messages SET revision = revision + 1 WHERE id = $1",
        args![id],
    )
    .await?;
    Ok(())
}

/// Posts `body` (a reply when `thread_root` is set) as `me`, whose own message counts as
/// read.
pub async fn create(
    tx: &mut Tx,
    channel: i64,
    me: i64,
    thread_root: Option<i64>,
    body: &str,
) -> ApiResult<(Message, MessagesEvent)> {
    access::channel(tx, channel, me).await?;
    if let Some(root) = thread_root {
        let ok: Option<(i64,)> = tx
            .optional(
                "SELECT id FROM messages WHERE id = $1 AND channel_id = $2 \
                 AND thread_root_id IS NULL AND deleted_at IS NULL",
                args![root, channel],
            )
            .await?;
        if ok.is_none() {
            return Err(ApiError::invalid(
                "thread_root_id: not a message of this channel that can take replies",
            ));
        }
    }
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO messages (channel_id, author_id, thread_root_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            args![channel, me, thread_root, body, crate::db::now()],
        )
        .await?;
    if let Some(root) = thread_root {
        bump(tx, root).await?; // its reply count changed
    }
    crate::api::channels::store::mark_read(tx, channel, me, id).await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Created { message }))
}

/// Checks that `id` is `me`'s own message and not deleted.
async fn own_live_message(tx: &mut Tx, id: i64, me: i64) -> ApiResult<()> {
    let (_, author) = access::message(tx, id, me).await?;
    if author != me {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NOT_AUTHOR",
            "only the author can change a message",
        ));
    }
    live(tx, id).await
}

/// Checks that a message is not deleted.
async fn live(tx: &mut Tx, id: i64) -> ApiResult<()> {
    let (deleted,): (Option<i64>,) = tx
        .one("SELECT deleted_at FROM messages WHERE id = $1", args![id])
        .await?;
    if deleted.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "DELETED",
            "the message was deleted",
        ));
    }
    Ok(())
}

/// Replaces the body of `me`'s own message.
pub async fn edit(
    tx: &mut Tx,
    id: i64,
    me: i64,
    body: &str,
) -> ApiResult<(Message, MessagesEvent)> {
    own_live_message(tx, id, me).await?;
    tx.execute(
        "UPDATE messages SET body = $2, edited_at = $3, revision = revision + 1 WHERE id = $1",
        args![id, body, crate::db::now()],
    )
    .await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Updated { message }))
}

/// Deletes `me`'s own message: it stays, shown as deleted, with its body and reactions
/// erased.
pub async fn remove(tx: &mut Tx, id: i64, me: i64) -> ApiResult<(Message, MessagesEvent)> {
    own_live_message(tx, id, me).await?;
    let (root,): (Option<i64>,) = tx
        .one(
            "UPDATE messages SET body = '', deleted_at = $2, revision = revision + 1 \
             WHERE id = $1 RETURNING thread_root_id",
            args![id, crate::db::now()],
        )
        .await?;
    // A deleted reply leaves its root's reply count.
    if let Some(root) = root {
        bump(tx, root).await?;
    }
    tx.execute("DELETE FROM reactions WHERE message_id = $1", args![id])
        .await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Deleted { message }))
}

/// Adds (`on`) or removes `me`'s reaction `emoji`.
pub async fn set_reaction(
    tx: &mut Tx,
    id: i64,
    me: i64,
    emoji: &str,
    on: bool,
) -> ApiResult<(Message, MessagesEvent)> {
    access::message(tx, id, me).await?;
    if on {
        live(tx, id).await?;
        tx.execute(
            "INSERT INTO reactions (message_id, user_id, emoji) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            args![id, me, emoji],
        )
        .await?;
    } else {
        tx.execute(
            "DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3",
            args![id, me, emoji],
        )
        .await?;
    }
    bump(tx, id).await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Reactions { message }))
}
