//! Who may see what. Every lookup answers "not found" for things the user may not see,
//! so ids of other people's workspaces, channels and messages reveal nothing. The checks
//! run inside the transaction of the change they guard.

use crate::args;
use crate::db::{enum_value, Tx};
use crate::error::{ApiError, ApiResult};

pub use huddle_protocol::channels::ChannelKind;
pub use huddle_protocol::workspaces::Role;

/// The user's role in the workspace, or 404.
pub async fn workspace_role(tx: &mut Tx, workspace_id: i64, user_id: i64) -> ApiResult<Role> {
    let role: Option<(String,)> = tx
        .optional(
            "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
            args![workspace_id, user_id],
        )
        .await?;
    match role {
        Some((r,)) => enum_value(&r, Role::parse),
        None => Err(ApiError::not_found("workspace")),
    }
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
pub async fn channel(tx: &mut Tx, channel_id: i64, user_id: i64) -> ApiResult<ChannelAccess> {
    let found: Option<(i64, i64, String)> = tx
        .optional(
            "SELECT ch.id, ch.workspace_id, ch.kind FROM channels ch \
             JOIN workspace_members wm ON wm.workspace_id = ch.workspace_id AND wm.user_id = $2 \
             WHERE ch.id = $1 AND (ch.kind = 'public' OR EXISTS \
               (SELECT 1 FROM channel_members cm WHERE cm.channel_id = ch.id AND cm.user_id = $2))",
            args![channel_id, user_id],
        )
        .await?;
    let (id, workspace_id, kind) = found.ok_or_else(|| ApiError::not_found("channel"))?;
    Ok(ChannelAccess {
        id,
        workspace_id,
        kind: enum_value(&kind, ChannelKind::parse)?,
    })
}

/// The message's channel and author, if the user may read it, else 404.
pub async fn message(
    tx: &mut Tx,
    message_id: i64,
    user_id: i64,
) -> ApiResult<(ChannelAccess, i64)> {
    let found: Option<(i64, i64)> = tx
        .optional(
            "SELECT channel_id, author_id FROM messages WHERE id = $1",
            args![message_id],
        )
        .await?;
    let (channel_id, author) = found.ok_or_else(|| ApiError::not_found("message"))?;
    let ch = channel(tx, channel_id, user_id).await.map_err(|e| {
        if e.status == axum::http::StatusCode::NOT_FOUND {
            ApiError::not_found("message")
        } else {
            e
        }
    })?;
    Ok((ch, author))
}
