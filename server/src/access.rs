//! Who may see what. Every lookup answers "not found" for things the user may not see,
//! so ids of other people's workspaces, channels and messages reveal nothing.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{ApiError, ApiResult};

pub use huddle_protocol::channels::ChannelKind;
pub use huddle_protocol::workspaces::Role;

/// The user's role in the workspace, or 404.
pub fn workspace_role(c: &Connection, workspace_id: i64, user_id: i64) -> ApiResult<Role> {
    let role: Option<String> = c
        .query_row(
            "SELECT role FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2",
            [workspace_id, user_id],
            |r| r.get(0),
        )
        .optional()?;
    role.as_deref()
        .and_then(Role::parse)
        .ok_or_else(|| ApiError::not_found("workspace"))
}

/// A channel the user can read.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    /// Channel id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// Who can read it.
    pub kind: ChannelKind,
}

/// The channel, if the user may read it (public: workspace member; private and direct:
/// channel member), else 404.
pub fn channel(c: &Connection, channel_id: i64, user_id: i64) -> ApiResult<ChannelAccess> {
    let ch = c
        .query_row(
            "SELECT ch.id, ch.workspace_id, ch.kind FROM channels ch \
             JOIN workspace_members wm ON wm.workspace_id = ch.workspace_id AND wm.user_id = ?2 \
             WHERE ch.id = ?1 AND (ch.kind = 'public' OR EXISTS \
               (SELECT 1 FROM channel_members cm WHERE cm.channel_id = ch.id AND cm.user_id = ?2))",
            [channel_id, user_id],
            |r| {
                Ok(ChannelAccess {
                    id: r.get(0)?,
                    workspace_id: r.get(1)?,
                    kind: crate::db::enum_column(r, 2, ChannelKind::parse)?,
                })
            },
        )
        .optional()?;
    ch.ok_or_else(|| ApiError::not_found("channel"))
}

/// The message's channel, if the user may read it, else 404.
pub fn message(c: &Connection, message_id: i64, user_id: i64) -> ApiResult<(ChannelAccess, i64)> {
    let found: Option<(i64, i64)> = c
        .query_row(
            "SELECT channel_id, author_id FROM messages WHERE id = ?1",
            [message_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (channel_id, author) = found.ok_or_else(|| ApiError::not_found("message"))?;
    let ch = channel(c, channel_id, user_id).map_err(|_| ApiError::not_found("message"))?;
    Ok((ch, author))
}

/// Moves a user's read position in a channel forward (never backward).
pub fn mark_read(
    c: &Connection,
    channel_id: i64,
    user_id: i64,
    last_read_id: i64,
) -> ApiResult<()> {
    c.execute(
        "INSERT INTO read_positions (channel_id, user_id, last_read_id) VALUES (?1, ?2, ?3) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET last_read_id = max(last_read_id, excluded.last_read_id)",
        [channel_id, user_id, last_read_id],
    )?;
    Ok(())
}
