//! Channels, their members and read positions in the database.

use axum::http::StatusCode;
use huddle_protocol::channels::{Channel, ChannelChange, ChannelKind, ChannelState, NotifyLevel};
use huddle_protocol::messages::MessagesEvent;
use huddle_protocol::realtime::Collection;

use crate::access::{self, Action, ChannelAccess};
use crate::args;
use crate::db::{enum_value, Tx};
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys::{self, Push};
use crate::vault::{Place, Scope};

/// The channels of a workspace `me` can see (all, or only `only`), with unread counts:
/// named channels by name, then direct messages by the other person's name.
async fn visible(
    tx: &mut Tx,
    workspace: i64,
    me: i64,
    only: Option<i64>,
) -> ApiResult<Vec<Channel>> {
    type Row = (
        i64,
        i64,
        String,
        String,
        String,
        bool,
        i64,
        i64,
        Option<i64>,
        i64,
        i64,
        i64,
        Option<String>,
    );
    // Unread: root messages by others past the read position; mentions: those of them
    // that name `me` or say `@channel`.
    const UNREAD: &str = "FROM messages m WHERE m.channel_id = ch.id AND m.thread_root_id IS NULL \
        AND m.deleted_at IS NULL AND m.author_id != $2 AND m.id > COALESCE((SELECT last_read_id \
        FROM read_positions rp WHERE rp.channel_id = ch.id AND rp.user_id = $2), 0)";
    let rows: Vec<Row> = tx
        .all(
            sqlx::AssertSqlSafe(format!(
                "SELECT ch.id, ch.workspace_id, ch.kind, ch.name, ch.topic, \
               ch.archived_at IS NOT NULL, ch.created_by, ch.revision, \
               CASE WHEN ch.kind = 'direct' THEN (SELECT cm.user_id FROM channel_members cm \
                 WHERE cm.channel_id = ch.id AND cm.user_id != $2 LIMIT 1) END, \
               (SELECT count(*) {UNREAD}), \
               COALESCE((SELECT last_read_id FROM read_positions rp WHERE rp.channel_id = ch.id \
                 AND rp.user_id = $2), 0), \
               (SELECT count(*) {UNREAD} AND (m.broadcast = 'channel' OR EXISTS (SELECT 1 \
                 FROM message_mentions mm WHERE mm.message_id = m.id AND mm.user_id = $2))), \
               (SELECT notify FROM channel_settings cs WHERE cs.channel_id = ch.id \
                 AND cs.user_id = $2) \
             FROM channels ch WHERE ch.workspace_id = $1 AND ($3 IS NULL OR ch.id = $3) \
               AND (ch.kind = 'public' OR EXISTS (SELECT 1 FROM channel_members cm \
                 WHERE cm.channel_id = ch.id AND cm.user_id = $2))"
            )),
            args![workspace, me, only],
        )
        .await?;
    let (fallback,): (String,) = tx
        .one("SELECT notify_default FROM users WHERE id = $1", args![me])
        .await?;
    let fallback = enum_value(&fallback, NotifyLevel::parse)?;
    let mut list = Vec::with_capacity(rows.len());
    for (
        id,
        workspace_id,
        kind,
        name,
        topic,
        archived,
        created_by,
        revision,
        other,
        unread,
        last_read_id,
        mentions,
        notify,
    ) in rows
    {
        let mut name = tx
            .open_name(&Place::new("channels", "name", id), &name)
            .await?;
        let topic = open_topic(tx, id, &topic).await?;
        // A direct message is named after the other person.
        if let Some(other) = other {
            let shown: Option<(String,)> = tx
                .optional("SELECT display_name FROM users WHERE id = $1", args![other])
                .await?;
            if let Some((shown,)) = shown {
                name = tx
                    .open_name(&Place::new("users", "display_name", other), &shown)
                    .await?;
            }
        }
        let kind = enum_value(&kind, ChannelKind::parse)?;
        let notify = match notify {
            Some(n) => enum_value(&n, NotifyLevel::parse)?,
            None if kind == ChannelKind::Direct => NotifyLevel::All,
            None => fallback,
        };
        list.push(Channel {
            id,
            workspace_id,
            kind,
            name,
            topic,
            archived,
            created_by,
            revision,
            unread,
            last_read_id,
            mentions,
            notify,
        });
    }
    list.sort_by_cached_key(|c| (c.kind == ChannelKind::Direct, c.name.to_lowercase(), c.id));
    Ok(list)
}

/// A channel's topic, opened ('' stays '': no topic).
async fn open_topic(tx: &mut Tx, id: i64, sealed: &str) -> ApiResult<String> {
    if sealed.is_empty() {
        return Ok(String::new());
    }
    tx.open_name(&Place::new("channels", "topic", id), sealed)
        .await
}

/// The keyed hash of a channel name (unique per workspace, case-insensitive).
async fn name_key(tx: &mut Tx, workspace: i64, name: &str) -> ApiResult<String> {
    tx.blind(
        Scope::Workspace(workspace),
        "channel-name",
        &name.to_lowercase(),
    )
    .await
}

/// 409 `CHANNEL_EXISTS` if another named channel of the workspace (not `except`) has
/// `name`, case-insensitively.
async fn name_free(tx: &mut Tx, workspace: i64, name: &str, except: Option<i64>) -> ApiResult<()> {
    let key = name_key(tx, workspace, name).await?;
    let taken: Option<(i64,)> = tx
        .optional(
            "SELECT id FROM channels WHERE workspace_id = $1 AND kind != 'direct' \
             AND name_key = $2 AND ($3 IS NULL OR id != $3)",
            args![workspace, key, except],
        )
        .await?;
    if taken.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "CHANNEL_EXISTS",
            "a channel with that name exists",
        ));
    }
    Ok(())
}

/// Seals a channel's name into its row (and its keyed hash, for a named channel).
pub async fn seal_name(
    tx: &mut Tx,
    id: i64,
    workspace: i64,
    kind: ChannelKind,
    name: &str,
) -> ApiResult<()> {
    let key = match kind {
        ChannelKind::Direct => None,
        _ => Some(name_key(tx, workspace, name).await?),
    };
    let sealed = tx
        .seal(
            Scope::Workspace(workspace),
            &Place::new("channels", "name", id),
            name,
        )
        .await?;
    tx.execute(
        "UPDATE channels SET name = $2, name_key = $3 WHERE id = $1",
        args![id, sealed, key],
    )
    .await?;
    Ok(())
}

/// Inserts a channel (its name sealed); returns its id.
pub async fn insert(
    tx: &mut Tx,
    workspace: i64,
    kind: ChannelKind,
    name: &str,
    by: i64,
) -> ApiResult<i64> {
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO channels (workspace_id, kind, name, created_by, created_at) \
             VALUES ($1, $2, '', $3, $4) RETURNING id",
            args![workspace, kind.as_str(), by, crate::db::now()],
        )
        .await?;
    seal_name(tx, id, workspace, kind, name).await?;
    Ok(id)
}

/// The channels of a workspace `me` belongs to (else 404).
pub async fn list(tx: &mut Tx, workspace: i64, me: i64) -> ApiResult<Vec<Channel>> {
    access::workspace_role(tx, workspace, me).await?;
    visible(tx, workspace, me, None).await
}

async fn require_workspace_member(tx: &mut Tx, workspace: i64, user: i64) -> ApiResult<()> {
    match access::workspace_role(tx, workspace, user).await {
        Ok(_) => Ok(()),
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "NOT_A_MEMBER",
            format!("user {user} is not a member of this workspace"),
        )),
        Err(e) => Err(e),
    }
}

/// Creates a public or private channel (private: with `members` and its creator).
pub async fn create(
    tx: &mut Tx,
    workspace: i64,
    me: i64,
    name: String,
    kind: ChannelKind,
    members: &[i64],
) -> ApiResult<Channel> {
    access::workspace_role(tx, workspace, me).await?;
    name_free(tx, workspace, &name, None).await?;
    for m in members {
        require_workspace_member(tx, workspace, *m).await?;
    }
    let ch = insert(tx, workspace, kind, &name, me).await?;
    if kind == ChannelKind::Private {
        for m in members.iter().chain(std::iter::once(&me)) {
            tx.execute(
                "INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                args![ch, *m],
            )
            .await?;
        }
    }
    visible(tx, workspace, me, Some(ch))
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("channel vanished"))
}

/// The direct-message channel of `me` and `other`, created on first use.
pub async fn direct(tx: &mut Tx, workspace: i64, me: i64, other: i64) -> ApiResult<Channel> {
    access::workspace_role(tx, workspace, me).await?;
    require_workspace_member(tx, workspace, other).await?;
    if other == me {
        return Err(ApiError::invalid(
            "user_id: a direct message needs another member",
        ));
    }
    let (lo, hi) = (me.min(other), me.max(other));
    let key = format!("{workspace}:{lo}:{hi}");
    let created: Option<(i64,)> = tx
        .optional(
            "INSERT INTO channels (workspace_id, kind, name, created_by, created_at, direct_key) \
             VALUES ($1, 'direct', '', $2, $3, $4) \
             ON CONFLICT (direct_key) DO NOTHING RETURNING id",
            args![workspace, me, crate::db::now(), &key],
        )
        .await?;
    let ch = match created {
        Some((ch,)) => {
            seal_name(tx, ch, workspace, ChannelKind::Direct, "direct message").await?;
            for m in [lo, hi] {
                tx.execute(
                    "INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)",
                    args![ch, m],
                )
                .await?;
            }
            ch
        }
        None => {
            let (ch,): (i64,) = tx
                .one("SELECT id FROM channels WHERE direct_key = $1", args![key])
                .await?;
            // One of the two may have left the workspace and been invited back: the
            // conversation is theirs again.
            for m in [lo, hi] {
                tx.execute(
                    "INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)                      ON CONFLICT DO NOTHING",
                    args![ch, m],
                )
                .await?;
            }
            ch
        }
    };
    visible(tx, workspace, me, Some(ch))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("channel"))
}

/// Adds a workspace member to a private channel `me` belongs to.
pub async fn add_member(tx: &mut Tx, channel: i64, me: i64, user: i64) -> ApiResult<()> {
    let ch = access::channel(tx, channel, me).await?;
    ch.private()?;
    ch.writable()?;
    require_workspace_member(tx, ch.workspace_id, user).await?;
    tx.execute(
        "INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        args![channel, user],
    )
    .await?;
    Ok(())
}

/// Moves `user`'s read position in a channel they can read forward (never backward).
pub async fn read_up_to(tx: &mut Tx, channel: i64, user: i64, last_read_id: i64) -> ApiResult<()> {
    access::channel(tx, channel, user).await?;
    mark_read(tx, channel, user, last_read_id).await
}

/// Moves a read position forward (never backward); access already checked.
pub async fn mark_read(tx: &mut Tx, channel: i64, user: i64, last_read_id: i64) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO read_positions (channel_id, user_id, last_read_id) VALUES ($1, $2, $3) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET last_read_id = \
         CASE WHEN excluded.last_read_id > read_positions.last_read_id \
         THEN excluded.last_read_id ELSE read_positions.last_read_id END",
        args![channel, user, last_read_id],
    )
    .await?;
    Ok(())
}

/// Sets `me`'s notification level in a channel they can read; returns the channel as
/// they see it.
pub async fn set_notify(
    tx: &mut Tx,
    channel: i64,
    me: i64,
    level: NotifyLevel,
) -> ApiResult<Channel> {
    let ch = access::channel(tx, channel, me).await?;
    tx.execute(
        "INSERT INTO channel_settings (channel_id, user_id, notify) VALUES ($1, $2, $3) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET notify = excluded.notify",
        args![channel, me, level.as_str()],
    )
    .await?;
    visible(tx, ch.workspace_id, me, Some(channel))
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("channel vanished"))
}

/// Ok if `me` may rename, archive or remove people from `ch`: its creator, admins and
/// owners; else 403.
async fn require_manager(tx: &mut Tx, ch: &ChannelAccess, me: i64) -> ApiResult<()> {
    if ch.created_by == me {
        return Ok(());
    }
    access::require(tx, ch.workspace_id, me, Action::ManageChannels).await?;
    Ok(())
}

/// Applies `change` (already validated) to a channel `me` can read; returns the
/// channel as `me` sees it and the event for its room.
pub async fn change(
    tx: &mut Tx,
    channel: i64,
    me: i64,
    change: &ChannelChange,
) -> ApiResult<(Channel, MessagesEvent)> {
    let ch = access::channel(tx, channel, me).await?;
    let manages = change.name.is_some() || change.archived.is_some();
    if ch.kind == ChannelKind::Direct && manages {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "DIRECT_MESSAGE",
            "a direct message cannot be renamed or archived",
        ));
    }
    if manages {
        require_manager(tx, &ch, me).await?;
    }
    // While archived, only unarchiving (with or without other changes) is taken.
    if ch.archived && change.archived != Some(false) {
        ch.writable()?;
    }
    if let Some(name) = &change.name {
        name_free(tx, ch.workspace_id, name, Some(channel)).await?;
        seal_name(tx, channel, ch.workspace_id, ch.kind, name).await?;
    }
    if let Some(topic) = &change.topic {
        let sealed = if topic.is_empty() {
            String::new()
        } else {
            tx.seal(
                Scope::Workspace(ch.workspace_id),
                &Place::new("channels", "topic", channel),
                topic,
            )
            .await?
        };
        tx.execute(
            "UPDATE channels SET topic = $2 WHERE id = $1",
            args![channel, sealed],
        )
        .await?;
    }
    if let Some(archived) = change.archived {
        let at = archived.then(crate::db::now);
        tx.execute(
            "UPDATE channels SET archived_at = $2 WHERE id = $1",
            args![channel, at],
        )
        .await?;
    }
    tx.execute(
        "UPDATE channels SET revision = revision + 1 WHERE id = $1",
        args![channel],
    )
    .await?;
    let now = visible(tx, ch.workspace_id, me, Some(channel))
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("channel vanished"))?;
    let event = MessagesEvent::ChannelUpdated {
        channel: ChannelState {
            channel_id: channel,
            name: now.name.clone(),
            topic: now.topic.clone(),
            archived: now.archived,
            revision: now.revision,
        },
    };
    Ok((now, event))
}

/// Takes `user` out of a private channel `me` belongs to: `me` themselves (leaving), or
/// anyone when `me` created the channel or is an admin or owner. The channel's room gets
/// a fresh key and endpoint; returns what to deliver to the relay after the commit.
pub async fn remove_member(tx: &mut Tx, channel: i64, me: i64, user: i64) -> ApiResult<Vec<Push>> {
    let ch = access::channel(tx, channel, me).await?;
    ch.private()?;
    if user != me {
        require_manager(tx, &ch, me).await?;
    }
    let removed = tx
        .execute(
            "DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2",
            args![channel, user],
        )
        .await?;
    if removed == 0 {
        return Err(ApiError::not_found("member"));
    }
    // A former member must not read new messages.
    keys::rotate_fresh(tx, Collection::Channel(channel)).await
}

/// The members of a private channel or direct message `me` belongs to, by username, with
/// their workspace roles (a public channel's are the workspace's: 409 `NOT_PRIVATE`).
pub async fn members(
    tx: &mut Tx,
    channel: i64,
    me: i64,
) -> ApiResult<Vec<huddle_protocol::workspaces::Member>> {
    let ch = access::channel(tx, channel, me).await?;
    if ch.kind == ChannelKind::Public {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "NOT_PRIVATE",
            "a public channel's members are the workspace's",
        ));
    }
    let rows: Vec<(i64, String, String, String)> = tx
        .all(
            "SELECT u.id, u.username, u.display_name, wm.role FROM channel_members cm \
             JOIN users u ON u.id = cm.user_id \
             JOIN workspace_members wm ON wm.user_id = cm.user_id AND wm.workspace_id = $2 \
             WHERE cm.channel_id = $1",
            args![channel, ch.workspace_id],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for (user_id, username, display_name, role) in rows {
        let (username, display_name) =
            crate::api::auth::store::names(tx, user_id, &username, &display_name).await?;
        list.push(huddle_protocol::workspaces::Member {
            user_id,
            username,
            display_name,
            role: enum_value(&role, access::Role::parse)?,
        });
    }
    list.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(list)
}
