//! Messages, threads and reactions in the database. Every change returns the message as
//! it is afterwards and the event to announce once the transaction is committed.

use axum::http::StatusCode;
use huddle_protocol::drive::{Item, ItemKind};
use huddle_protocol::messages::{
    mention_names, Attachment, Author, Broadcast, Message, MessagesEvent, Page, PageQuery, Pin,
    Reaction,
};

use super::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::access;
use crate::args;
use crate::db::{Arg, Tx};
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

const SELECT: &str = "SELECT m.id, m.channel_id, u.id AS author_id, u.username, u.display_name, \
    m.thread_root_id, m.body, m.deleted_at, m.created_at, m.edited_at, \
    (SELECT count(*) FROM messages r WHERE r.thread_root_id = m.id AND r.deleted_at IS NULL) AS reply_count, \
    m.revision, m.broadcast, m.pinned_at, m.pinned_by \
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
    broadcast: Option<String>,
    pinned_at: Option<i64>,
    pinned_by: Option<i64>,
}

/// Opens a row into a message; authors' names are opened once per page (`names`).
async fn message(
    tx: &mut Tx,
    r: Row,
    names: &mut std::collections::HashMap<i64, (String, String)>,
) -> ApiResult<Message> {
    let author = match names.get(&r.author_id) {
        Some(n) => n.clone(),
        None => {
            let n = crate::api::auth::store::names(tx, r.author_id, &r.username, &r.display_name)
                .await?;
            names.insert(r.author_id, n.clone());
            n
        }
    };
    // A deleted message's body is gone (an empty text, never sealed). A damaged one is
    // left out and the message marked, so that the rest of its page can still be read.
    let body = match r.deleted_at {
        Some(_) => None,
        None => {
            tx.try_open(&Place::new("messages", "body", r.id), &r.body)
                .await?
        }
    };
    let unreadable = r.deleted_at.is_none() && body.is_none();
    Ok(Message {
        id: r.id,
        channel_id: r.channel_id,
        author: Author {
            id: r.author_id,
            username: author.0,
            display_name: author.1,
        },
        thread_root_id: r.thread_root_id,
        body,
        deleted: r.deleted_at.is_some(),
        unreadable,
        created_at: r.created_at,
        edited_at: r.edited_at,
        reply_count: r.reply_count,
        reactions: Vec::new(),
        revision: r.revision,
        mentions: Vec::new(),
        broadcast: match r.broadcast {
            Some(b) => Some(crate::db::enum_value(&b, Broadcast::parse)?),
            None => None,
        },
        pinned: match (r.pinned_by, r.pinned_at) {
            (Some(by), Some(at)) => Some(Pin { by, at }),
            _ => None,
        },
        attachments: Vec::new(),
    })
}

async fn messages(tx: &mut Tx, rows: Vec<Row>) -> ApiResult<Vec<Message>> {
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(message(tx, r, &mut names).await?);
    }
    Ok(out)
}

/// Fills in the reactions of `msgs`, each emoji in the order it was first given, the
/// people they mention and their files.
async fn with_details(tx: &mut Tx, mut msgs: Vec<Message>) -> ApiResult<Vec<Message>> {
    if msgs.is_empty() {
        return Ok(msgs);
    }
    let placeholders: Vec<String> = (1..=msgs.len()).map(|i| format!("${i}")).collect();
    let ids: Vec<Arg> = msgs.iter().map(|m| Arg::from(m.id)).collect();
    // Only numbered placeholders are formatted into the statements.
    let sql = format!(
        "SELECT message_id, user_id FROM message_mentions WHERE message_id IN ({}) \
         ORDER BY message_id, user_id",
        placeholders.join(", ")
    );
    let mentions: Vec<(i64, i64)> = tx.all(sqlx::AssertSqlSafe(sql), ids.clone()).await?;
    for (message, user) in mentions {
        if let Some(m) = msgs.iter_mut().find(|m| m.id == message) {
            m.mentions.push(user);
        }
    }
    let sql = format!(
        "SELECT message_id, item_id FROM message_attachments WHERE message_id IN ({}) \
         ORDER BY message_id, position",
        placeholders.join(", ")
    );
    let files: Vec<(i64, Option<i64>)> = tx.all(sqlx::AssertSqlSafe(sql), ids.clone()).await?;
    for (message, item) in files {
        let item = match item {
            Some(id) => live_file(tx, id).await?,
            None => None,
        };
        if let Some(m) = msgs.iter_mut().find(|m| m.id == message) {
            m.attachments.push(Attachment { item });
        }
    }
    let sql = format!(
        "SELECT id, message_id, emoji, user_id FROM reactions WHERE message_id IN ({}) ORDER BY id",
        placeholders.join(", ")
    );
    let rows: Vec<(i64, i64, String, i64)> = tx.all(sqlx::AssertSqlSafe(sql), ids).await?;
    for (id, message, emoji, user) in rows {
        let emoji = tx
            .try_open(&Place::new("reactions", "emoji", id), &emoji)
            .await?;
        let Some(m) = msgs.iter_mut().find(|m| m.id == message) else {
            continue;
        };
        // A damaged reaction is left out, and the message marked.
        let Some(emoji) = emoji else {
            m.unreadable = true;
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

/// The file `id` as it is now, unless it (or a folder it is in) is in Drive's trash.
async fn live_file(tx: &mut Tx, id: i64) -> ApiResult<Option<Item>> {
    let mut path = crate::api::drive::store::path(tx, id).await?;
    if path.iter().any(|i| i.trashed_at.is_some()) {
        return Ok(None);
    }
    Ok(path.pop())
}

/// Records the files `ids` that message `id` of `ch`, by `me`, shows: each a file `me`
/// can see, of the channel's workspace and not in the trash; a file uploaded to a channel
/// must be `me`'s, uploaded to this channel, and not shown by another message yet (it
/// goes with its message).
async fn attach(
    tx: &mut Tx,
    ch: &access::ChannelAccess,
    id: i64,
    me: i64,
    ids: &[i64],
) -> ApiResult<()> {
    for (position, &file) in ids.iter().enumerate() {
        let refused = || {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "ATTACHMENT_UNAVAILABLE",
                format!("attachments: file {file} cannot be attached to this message"),
            )
        };
        let a = access::drive_item(tx, file, me)
            .await
            .map_err(|_| refused())?;
        let it = live_file(tx, file).await?.ok_or_else(refused)?;
        if a.workspace_id != ch.workspace_id || it.kind != ItemKind::File {
            return Err(refused());
        }
        if let Some(channel) = it.channel_id {
            // Two messages attaching it at once (PostgreSQL): one waits for the other.
            let sql = format!(
                "SELECT id FROM drive_items WHERE id = $1{}",
                tx.for_update()
            );
            let _: Option<(i64,)> = tx.optional(sqlx::AssertSqlSafe(sql), args![file]).await?;
            let taken: Option<(i64,)> = tx
                .optional(
                    "SELECT message_id FROM message_attachments WHERE item_id = $1",
                    args![file],
                )
                .await?;
            if channel != ch.id || it.created_by != me || taken.is_some() {
                return Err(refused());
            }
        }
        tx.execute(
            "INSERT INTO message_attachments (message_id, position, item_id) VALUES ($1, $2, $3)",
            args![id, position as i64, file],
        )
        .await?;
    }
    Ok(())
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
    let m = messages(tx, vec![m]).await?;
    Ok(with_details(tx, m).await?.remove(0))
}

/// Messages by id, in the order given, with their reactions (access already checked).
pub async fn by_ids(tx: &mut Tx, ids: &[i64]) -> ApiResult<Vec<Message>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    // Only numbered placeholders are formatted into the statement.
    let sql = format!("{SELECT} WHERE m.id IN ({})", placeholders.join(", "));
    let mut rows: Vec<Row> = tx
        .all(
            sqlx::AssertSqlSafe(sql),
            ids.iter().map(|&i| Arg::from(i)).collect(),
        )
        .await?;
    rows.sort_by_key(|r| ids.iter().position(|&i| i == r.id));
    let msgs = messages(tx, rows).await?;
    with_details(tx, msgs).await
}

/// What a page lists.
enum Of {
    /// A channel's thread roots.
    Channel(i64),
    /// A thread's replies.
    Thread(i64),
}

impl Of {
    /// The rows it lists (`$1` is its id).
    fn filter(&self) -> (&'static str, i64) {
        match *self {
            Of::Channel(id) => ("m.channel_id = $1 AND m.thread_root_id IS NULL", id),
            Of::Thread(id) => ("m.thread_root_id = $1", id),
        }
    }
}

/// Up to `n` rows of `of`, oldest first: the newest ones older than `cursor` (`older`), or
/// the oldest ones from `cursor` on.
async fn rows(tx: &mut Tx, of: &Of, older: bool, cursor: i64, n: i64) -> ApiResult<Vec<Row>> {
    let (filter, key) = of.filter();
    let (cmp, order) = if older { ("<", "DESC") } else { (">=", "ASC") };
    // Only fixed fragments are formatted into the statement.
    let sql = format!("{SELECT} WHERE {filter} AND m.id {cmp} $2 ORDER BY m.id {order} LIMIT $3");
    let mut rows: Vec<Row> = tx
        .all(sqlx::AssertSqlSafe(sql), args![key, cursor, n])
        .await?;
    if older {
        rows.reverse();
    }
    Ok(rows)
}

/// Whether `of` has a row newer than `id`.
async fn newer_exists(tx: &mut Tx, of: &Of, id: i64) -> ApiResult<bool> {
    let (filter, key) = of.filter();
    let sql = format!("SELECT m.id FROM messages m WHERE {filter} AND m.id > $2 LIMIT 1");
    let row: Option<(i64,)> = tx
        .optional(sqlx::AssertSqlSafe(sql), args![key, id])
        .await?;
    Ok(row.is_some())
}

/// Whether `of` has a row older than `id`.
async fn older_exists(tx: &mut Tx, of: &Of, id: i64) -> ApiResult<bool> {
    Ok(!rows(tx, of, true, id, 1).await?.is_empty())
}

async fn page(tx: &mut Tx, of: Of, q: &PageQuery) -> ApiResult<Page> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(format!("limit: 1 to {MAX_LIMIT}")));
    }
    let (rows, older, newer) = match (q.before, q.after, q.around) {
        (_, None, None) => {
            // Newest page, or the page older than `before`.
            let mut rows = rows(tx, &of, true, q.before.unwrap_or(i64::MAX), limit + 1).await?;
            let more_older = rows.len() as i64 > limit;
            if more_older {
                rows.remove(0);
            }
            let newer = match (q.before, rows.last()) {
                (Some(_), Some(last)) => newer_exists(tx, &of, last.id).await?,
                _ => false,
            };
            (rows, more_older, newer)
        }
        (None, Some(after), None) => {
            let mut rows = rows(tx, &of, false, after.saturating_add(1), limit + 1).await?;
            let newer = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let older = match rows.first() {
                Some(first) => older_exists(tx, &of, first.id).await?,
                None => false,
            };
            (rows, older, newer)
        }
        (None, None, Some(around)) => {
            // Half a page older than `around` and half from it on; when one side has
            // fewer, the other fills the page.
            let half = limit / 2;
            let mut before = rows(tx, &of, true, around, limit + 1).await?;
            let mut from = rows(tx, &of, false, around, limit + 1).await?;
            let n_new = from
                .len()
                .min((limit - half.min(before.len() as i64)) as usize);
            let n_old = before.len().min(limit as usize - n_new);
            let (more_older, newer) = (before.len() > n_old, from.len() > n_new);
            before.drain(..before.len() - n_old);
            from.truncate(n_new);
            before.extend(from);
            (before, more_older, newer)
        }
        _ => {
            return Err(ApiError::invalid(
                "before, after, around: give at most one cursor",
            ))
        }
    };
    let msgs = messages(tx, rows).await?;
    let next_before = if older {
        msgs.first().map(|m| m.id)
    } else {
        None
    };
    let next_after = if newer {
        msgs.last().map(|m| m.id)
    } else {
        None
    };
    Ok(Page {
        messages: with_details(tx, msgs).await?,
        next_before,
        next_after,
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

/// Posts `body` with the files `attachments` (a reply when `thread_root` is set) as `me`,
/// whose own message counts as read.
pub async fn create(
    tx: &mut Tx,
    channel: i64,
    me: i64,
    thread_root: Option<i64>,
    body: &str,
    attachments: &[i64],
) -> ApiResult<(Message, MessagesEvent)> {
    let ch = access::channel(tx, channel, me).await?;
    ch.writable()?;
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
             VALUES ($1, $2, $3, '', $4) RETURNING id",
            args![channel, me, thread_root, crate::db::now()],
        )
        .await?;
    set_body(tx, ch.workspace_id, id, body).await?;
    set_mentions(tx, &ch, id, body).await?;
    attach(tx, &ch, id, me, attachments).await?;
    if let Some(root) = thread_root {
        bump(tx, root).await?; // its reply count changed
    }
    crate::api::channels::store::mark_read(tx, channel, me, id).await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Created { message }))
}

/// Seals a message's body into its row and indexes its words for search.
pub async fn set_body(tx: &mut Tx, workspace: i64, id: i64, body: &str) -> ApiResult<()> {
    crate::api::search::store::index(tx, workspace, id, body).await?;
    let sealed = tx
        .seal(
            Scope::Workspace(workspace),
            &Place::new("messages", "body", id),
            body,
        )
        .await?;
    tx.execute(
        "UPDATE messages SET body = $2 WHERE id = $1",
        args![id, sealed],
    )
    .await?;
    Ok(())
}

/// Most people one message may name (the names after these are text).
pub const MAX_MENTIONS: usize = 50;

/// Records whom `body` (message `id` of channel `ch`) calls on: `@here`/`@channel`, and
/// the people it names who can read the channel (others, and unknown names, stay text).
async fn set_mentions(
    tx: &mut Tx,
    ch: &access::ChannelAccess,
    id: i64,
    body: &str,
) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM message_mentions WHERE message_id = $1",
        args![id],
    )
    .await?;
    let mut broadcast = None;
    for name in mention_names(body).iter().take(MAX_MENTIONS) {
        if let Some(b) = Broadcast::parse(name) {
            // `@channel` outranks `@here`.
            if broadcast != Some(Broadcast::Channel) {
                broadcast = Some(b);
            }
            continue;
        }
        let key = tx
            .blind(Scope::Account, "username", &name.to_lowercase())
            .await?;
        tx.execute(
            "INSERT INTO message_mentions (message_id, user_id) \
             SELECT $1, u.id FROM users u WHERE u.username_key = $2 AND CASE WHEN $4 = 'public' \
               THEN EXISTS (SELECT 1 FROM workspace_members wm WHERE wm.workspace_id = $3 \
                 AND wm.user_id = u.id) \
               ELSE EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = $5 \
                 AND cm.user_id = u.id) END \
             ON CONFLICT DO NOTHING",
            args![id, key, ch.workspace_id, ch.kind.as_str(), ch.id],
        )
        .await?;
    }
    tx.execute(
        "UPDATE messages SET broadcast = $2 WHERE id = $1",
        args![id, broadcast.map(|b| b.as_str().to_owned())],
    )
    .await?;
    Ok(())
}

/// Checks that `id` is `me`'s own message and not deleted; returns its channel.
async fn own_live_message(tx: &mut Tx, id: i64, me: i64) -> ApiResult<access::ChannelAccess> {
    let (ch, author) = access::message(tx, id, me).await?;
    if author != me {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "NOT_AUTHOR",
            "only the author can change a message",
        ));
    }
    ch.writable()?;
    live(tx, id).await?;
    Ok(ch)
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
    let ch = own_live_message(tx, id, me).await?;
    if body.trim().is_empty() {
        let files: Option<(i64,)> = tx
            .optional(
                "SELECT message_id FROM message_attachments WHERE message_id = $1 LIMIT 1",
                args![id],
            )
            .await?;
        if files.is_none() {
            return Err(ApiError::invalid("body: a message cannot be empty"));
        }
    }
    let body = if body.trim().is_empty() { "" } else { body };
    tx.execute(
        "UPDATE messages SET edited_at = $2, revision = revision + 1 WHERE id = $1",
        args![id, crate::db::now()],
    )
    .await?;
    set_body(tx, ch.workspace_id, id, body).await?;
    set_mentions(tx, &ch, id, body).await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Updated { message }))
}

/// Deletes `me`'s own message: it stays, shown as deleted, with its body and reactions
/// erased, and the files uploaded with it deleted for good (their versions are returned,
/// for their chunks to be removed once committed; files of the drive stay there).
pub async fn remove(
    tx: &mut Tx,
    id: i64,
    me: i64,
) -> ApiResult<(Message, MessagesEvent, Vec<i64>)> {
    let ch = own_live_message(tx, id, me).await?;
    let (root,): (Option<i64>,) = tx
        .one(
            "UPDATE messages SET body = '', deleted_at = $2, revision = revision + 1, \
             broadcast = NULL, pinned_at = NULL, pinned_by = NULL \
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
    tx.execute(
        "DELETE FROM message_mentions WHERE message_id = $1",
        args![id],
    )
    .await?;
    crate::api::search::store::unindex(tx, id).await?;
    let own: Vec<(i64,)> = tx
        .all(
            "SELECT i.id FROM message_attachments a JOIN drive_items i ON i.id = a.item_id \
             WHERE a.message_id = $1 AND i.channel_id IS NOT NULL",
            args![id],
        )
        .await?;
    tx.execute(
        "DELETE FROM message_attachments WHERE message_id = $1",
        args![id],
    )
    .await?;
    let own: Vec<i64> = own.into_iter().map(|(i,)| i).collect();
    if !own.is_empty() {
        // Copies (which read these files' bytes) are made under the workspace's lock.
        crate::api::drive::store::lock_workspace(tx, ch.workspace_id).await?;
    }
    let versions = crate::api::drive::store::delete_items(tx, &own).await?;
    let message = one(tx, id).await?;
    Ok((
        message.clone(),
        MessagesEvent::Deleted { message },
        versions,
    ))
}

/// Different reactions one person may put on one message.
pub const MAX_REACTIONS_PER_PERSON: i64 = 20;

/// Adds (`on`) or removes `me`'s reaction `emoji` (at most [`MAX_REACTIONS_PER_PERSON`]
/// different ones).
pub async fn set_reaction(
    tx: &mut Tx,
    id: i64,
    me: i64,
    emoji: &str,
    on: bool,
) -> ApiResult<(Message, MessagesEvent)> {
    let (ch, _) = access::message(tx, id, me).await?;
    ch.writable()?;
    let scope = Scope::Workspace(ch.workspace_id);
    let key = tx.blind(scope, "emoji", emoji).await?;
    if on {
        live(tx, id).await?;
        let (mine,): (i64,) = tx
            .one(
                "SELECT count(*) FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji_key != $3",
                args![id, me, key.clone()],
            )
            .await?;
        if mine >= MAX_REACTIONS_PER_PERSON {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "TOO_MANY_REACTIONS",
                format!("at most {MAX_REACTIONS_PER_PERSON} different reactions per person on a message"),
            ));
        }
        let added: Option<(i64,)> = tx
            .optional(
                "INSERT INTO reactions (message_id, user_id, emoji, emoji_key) VALUES ($1, $2, $3, $3) \
                 ON CONFLICT (message_id, user_id, emoji_key) DO NOTHING RETURNING id",
                args![id, me, key],
            )
            .await?;
        if let Some((reaction,)) = added {
            let sealed = tx
                .seal(scope, &Place::new("reactions", "emoji", reaction), emoji)
                .await?;
            tx.execute(
                "UPDATE reactions SET emoji = $2 WHERE id = $1",
                args![reaction, sealed],
            )
            .await?;
        }
    } else {
        tx.execute(
            "DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji_key = $3",
            args![id, me, key],
        )
        .await?;
    }
    bump(tx, id).await?;
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Reactions { message }))
}

/// Pins (`on`) or unpins a message of a channel `me` can write to; pinning a pinned
/// message keeps its first pin.
pub async fn set_pin(
    tx: &mut Tx,
    id: i64,
    me: i64,
    on: bool,
) -> ApiResult<(Message, MessagesEvent)> {
    let (ch, _) = access::message(tx, id, me).await?;
    ch.writable()?;
    if on {
        live(tx, id).await?;
        tx.execute(
            "UPDATE messages SET pinned_at = $2, pinned_by = $3, revision = revision + 1 \
             WHERE id = $1 AND pinned_at IS NULL",
            args![id, crate::db::now(), me],
        )
        .await?;
    } else {
        tx.execute(
            "UPDATE messages SET pinned_at = NULL, pinned_by = NULL, revision = revision + 1 \
             WHERE id = $1 AND pinned_at IS NOT NULL",
            args![id],
        )
        .await?;
    }
    let message = one(tx, id).await?;
    Ok((message.clone(), MessagesEvent::Pinned { message }))
}

/// Most pins a channel lists.
pub const MAX_PINS: i64 = 200;

/// The pinned messages of a channel `me` can read, the latest pin first.
pub async fn pins(tx: &mut Tx, channel: i64, me: i64) -> ApiResult<Vec<Message>> {
    access::channel(tx, channel, me).await?;
    let rows: Vec<Row> = tx
        .all(
            sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE m.channel_id = $1 AND m.pinned_at IS NOT NULL \
                 ORDER BY m.pinned_at DESC, m.id DESC LIMIT $2"
            )),
            args![channel, MAX_PINS],
        )
        .await?;
    let msgs = messages(tx, rows).await?;
    with_details(tx, msgs).await
}
