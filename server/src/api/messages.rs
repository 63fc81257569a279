//! Messages: cursor pagination, threads, edit, soft delete, reactions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::messages::{
    Author, EditMessage, Message, MessagesEvent, NewMessage, Page, PageQuery, Reaction,
};
use huddle_protocol::realtime::Collection;
use rusqlite::{Connection, OptionalExtension};

use super::{ApiJson, ApiPath, ApiQuery};
use crate::access;
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys;
use crate::realtime::relay::Relay;
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of messages, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, edit, remove))
        .routes(routes!(replies))
        .routes(routes!(react, unreact))
}

/// Longest message body, in bytes.
pub const MAX_BODY_BYTES: usize = 16_000;
/// Page size bounds.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page.
pub const MAX_LIMIT: i64 = 100;

const SELECT: &str =
    "SELECT m.id, m.channel_id, u.id, u.username, u.display_name, m.thread_root_id, \
    m.body, m.deleted_at, m.created_at, m.edited_at, \
    (SELECT count(*) FROM messages r WHERE r.thread_root_id = m.id AND r.deleted_at IS NULL), \
    m.revision \
    FROM messages m JOIN users u ON u.id = m.author_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    let deleted: Option<i64> = r.get(7)?;
    Ok(Message {
        id: r.get(0)?,
        channel_id: r.get(1)?,
        author: Author {
            id: r.get(2)?,
            username: r.get(3)?,
            display_name: r.get(4)?,
        },
        thread_root_id: r.get(5)?,
        body: if deleted.is_some() {
            None
        } else {
            Some(r.get(6)?)
        },
        deleted: deleted.is_some(),
        created_at: r.get(8)?,
        edited_at: r.get(9)?,
        reply_count: r.get(10)?,
        reactions: Vec::new(),
        revision: r.get(11)?,
    })
}

fn with_reactions(c: &Connection, mut msgs: Vec<Message>) -> rusqlite::Result<Vec<Message>> {
    let mut st =
        c.prepare("SELECT emoji, user_id FROM reactions WHERE message_id = ?1 ORDER BY rowid")?;
    for m in &mut msgs {
        let rows = st.query_map([m.id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (emoji, user) = row?;
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
    }
    Ok(msgs)
}

fn one(c: &Connection, id: i64) -> ApiResult<Message> {
    let m = c
        .query_row(&format!("{SELECT} WHERE m.id = ?1"), [id], row)
        .optional()?
        .ok_or_else(|| ApiError::not_found("message"))?;
    Ok(with_reactions(c, vec![m])?.remove(0))
}

/// Pushes a change to the channel's realtime room, sealed under its key. A failure
/// here is logged: the change itself is committed and clients resync through REST.
fn announce(c: &Connection, relay: &Relay, event: &MessagesEvent) {
    let Some(m) = event.message() else { return };
    if let Err(e) = keys::publish_event(c, relay, Collection::Channel(m.channel_id), event) {
        tracing::warn!(error = %e.message, "realtime push failed");
    }
}

fn page(c: &Connection, filter: &str, key: i64, q: &PageQuery) -> ApiResult<Page> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(format!("limit: 1 to {MAX_LIMIT}")));
    }
    let before = q.before.unwrap_or(i64::MAX);
    let sql = format!("{SELECT} WHERE {filter} AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3");
    let mut st = c.prepare(&sql)?;
    let mut msgs: Vec<Message> = st
        .query_map(rusqlite::params![key, before, limit + 1], row)?
        .collect::<Result<_, _>>()?;
    let more = msgs.len() as i64 > limit;
    msgs.truncate(limit as usize);
    msgs.reverse();
    let next_before = if more {
        msgs.first().map(|m| m.id)
    } else {
        None
    };
    Ok(Page {
        messages: with_reactions(c, msgs)?,
        next_before,
    })
}

/// A channel's messages (thread roots), newest page first, each page oldest first.
#[utoipa::path(get, path = "/channels/{id}/messages", tag = "messages", params(("id" = i64, Path, description = "Channel id"), PageQuery), responses((status = 200, body = Page)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page>> {
    let p = state
        .db
        .call(move |c| {
            access::channel(c, id, user.id)?;
            page(c, "m.channel_id = ?1 AND m.thread_root_id IS NULL", id, &q)
        })
        .await?;
    Ok(Json(p))
}

/// Replies to a thread root, paginated like [`list`].
#[utoipa::path(get, path = "/messages/{id}/replies", tag = "messages", params(("id" = i64, Path, description = "Thread root message id"), PageQuery), responses((status = 200, body = Page)))]
pub async fn replies(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page>> {
    let p = state
        .db
        .call(move |c| {
            access::message(c, id, user.id)?;
            page(c, "m.thread_root_id = ?1", id, &q)
        })
        .await?;
    Ok(Json(p))
}

fn check_body(body: &str) -> ApiResult<()> {
    if body.trim().is_empty() {
        return Err(ApiError::invalid("body: a message cannot be empty"));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid(format!(
            "body: at most {MAX_BODY_BYTES} bytes"
        )));
    }
    if body
        .chars()
        .any(|ch| ch.is_control() && ch != '\n' && ch != '\t')
    {
        return Err(ApiError::invalid(
            "body: control characters are not allowed",
        ));
    }
    Ok(())
}

/// Posts a message (or a thread reply).
#[utoipa::path(post, path = "/channels/{id}/messages", tag = "messages", params(("id" = i64, Path, description = "Channel id")), request_body = NewMessage, responses((status = 201, body = Message)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(msg): ApiJson<NewMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    check_body(&msg.body)?;
    let relay = state.relay.clone();
    let m = state
        .db
        .call(move |c| {
            access::channel(c, id, user.id)?;
            if let Some(root) = msg.thread_root_id {
                let ok: Option<i64> = c
                    .query_row(
                        "SELECT id FROM messages WHERE id = ?1 AND channel_id = ?2 AND thread_root_id IS NULL AND deleted_at IS NULL",
                        [root, id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if ok.is_none() {
                    return Err(ApiError::invalid("thread_root_id: not a message of this channel that can take replies"));
                }
            }
            c.execute(
                "INSERT INTO messages (channel_id, author_id, thread_root_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, user.id, msg.thread_root_id, msg.body, crate::db::now()],
            )?;
            let new_id = c.last_insert_rowid();
            if let Some(root) = msg.thread_root_id {
                bump(c, root)?; // its reply count changed
            }
            // Your own message is read.
            crate::access::mark_read(c, id, user.id, new_id)?;
            let message = one(c, new_id)?;
            announce(c, &relay, &MessagesEvent::Created { message: message.clone() });
            Ok(message)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// One message.
#[utoipa::path(get, path = "/messages/{id}", tag = "messages", params(("id" = i64, Path, description = "Message id")), responses((status = 200, body = Message)))]
pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Message>> {
    let m = state
        .db
        .call(move |c| {
            access::message(c, id, user.id)?;
            one(c, id)
        })
        .await?;
    Ok(Json(m))
}

/// Marks a message as changed (see [`Message::revision`]).
fn bump(c: &Connection, id: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE messages SET revision = revision + 1 WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

fn own_live_message(c: &Connection, id: i64, me: i64) -> ApiResult<()> {
    let (_, author) = access::message(c, id, me)?;
    if author != me {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NOT_AUTHOR",
            "only the author can change a message",
        ));
    }
    let deleted: Option<i64> =
        c.query_row("SELECT deleted_at FROM messages WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    if deleted.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "DELETED",
            "the message was deleted",
        ));
    }
    Ok(())
}

/// Edits one's own message.
#[utoipa::path(patch, path = "/messages/{id}", tag = "messages", params(("id" = i64, Path, description = "Message id")), request_body = EditMessage, responses((status = 200, body = Message)))]
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(msg): ApiJson<EditMessage>,
) -> ApiResult<Json<Message>> {
    check_body(&msg.body)?;
    let relay = state.relay.clone();
    let m = state
        .db
        .call(move |c| {
            own_live_message(c, id, user.id)?;
            c.execute(
                "UPDATE messages SET body = ?2, edited_at = ?3, revision = revision + 1 WHERE id = ?1",
                rusqlite::params![id, msg.body, crate::db::now()],
            )?;
            let message = one(c, id)?;
            announce(c, &relay, &MessagesEvent::Updated { message: message.clone() });
            Ok(message)
        })
        .await?;
    Ok(Json(m))
}

/// Deletes one's own message (soft: it stays, shown as deleted, body erased).
#[utoipa::path(delete, path = "/messages/{id}", tag = "messages", params(("id" = i64, Path, description = "Message id")), responses((status = 200, description = "Deleted: the body is gone", body = Message)))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Message>> {
    let relay = state.relay.clone();
    let m = state
        .db
        .call(move |c| {
            own_live_message(c, id, user.id)?;
            c.execute(
                "UPDATE messages SET body = '', deleted_at = ?2, revision = revision + 1 WHERE id = ?1",
                rusqlite::params![id, crate::db::now()],
            )?;
            // A deleted reply leaves its root's reply count.
            let root: Option<i64> = c.query_row(
                "SELECT thread_root_id FROM messages WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if let Some(root) = root {
                bump(c, root)?;
            }
            c.execute("DELETE FROM reactions WHERE message_id = ?1", [id])?;
            let message = one(c, id)?;
            announce(c, &relay, &MessagesEvent::Deleted { message: message.clone() });
            Ok(message)
        })
        .await?;
    Ok(Json(m))
}

fn check_emoji(e: &str) -> ApiResult<()> {
    if e.is_empty() || e.len() > 32 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::invalid("emoji: 1 to 32 bytes, no spaces"));
    }
    Ok(())
}

/// Adds the caller's reaction.
#[utoipa::path(put, path = "/messages/{id}/reactions/{emoji}", tag = "messages", params(("id" = i64, Path, description = "Message id"), ("emoji" = String, Path, description = "1 to 32 bytes, no spaces (percent-encoded)")), responses((status = 200, body = Message)))]
pub async fn react(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, emoji)): ApiPath<(i64, String)>,
) -> ApiResult<Json<Message>> {
    set_reaction(state, user, id, emoji, true).await
}

/// Removes the caller's reaction.
#[utoipa::path(delete, path = "/messages/{id}/reactions/{emoji}", tag = "messages", params(("id" = i64, Path, description = "Message id"), ("emoji" = String, Path, description = "1 to 32 bytes, no spaces (percent-encoded)")), responses((status = 200, body = Message)))]
pub async fn unreact(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, emoji)): ApiPath<(i64, String)>,
) -> ApiResult<Json<Message>> {
    set_reaction(state, user, id, emoji, false).await
}

async fn set_reaction(
    state: AppState,
    user: CurrentUser,
    id: i64,
    emoji: String,
    on: bool,
) -> ApiResult<Json<Message>> {
    check_emoji(&emoji)?;
    let relay = state.relay.clone();
    let m = state
        .db
        .call(move |c| {
            access::message(c, id, user.id)?;
            if on {
                let deleted: Option<i64> =
                    c.query_row("SELECT deleted_at FROM messages WHERE id = ?1", [id], |r| r.get(0))?;
                if deleted.is_some() {
                    return Err(ApiError::new(StatusCode::CONFLICT, "DELETED", "the message was deleted"));
                }
                c.execute(
                    "INSERT OR IGNORE INTO reactions (message_id, user_id, emoji) VALUES (?1, ?2, ?3)",
                    rusqlite::params![id, user.id, emoji],
                )?;
            } else {
                c.execute(
                    "DELETE FROM reactions WHERE message_id = ?1 AND user_id = ?2 AND emoji = ?3",
                    rusqlite::params![id, user.id, emoji],
                )?;
            }
            bump(c, id)?;
            let message = one(c, id)?;
            announce(c, &relay, &MessagesEvent::Reactions { message: message.clone() });
            Ok(message)
        })
        .await?;
    Ok(Json(m))
}
