//! Who may see what. Every lookup answers "not found" for things the user may not see,
//! so ids of other people's workspaces, channels and messages reveal nothing. The checks
//! run inside the transaction of the change they guard.

use crate::args;
use crate::db::{enum_value, Tx};
use crate::error::{ApiError, ApiResult};

pub use huddle_protocol::channels::ChannelKind;
pub use huddle_protocol::workspaces::{Action, Role};

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

/// The user's role in the workspace if it may do `action` there; 404 for a non-member,
/// 403 `FORBIDDEN` for a member whose role may not.
pub async fn require(
    tx: &mut Tx,
    workspace_id: i64,
    user_id: i64,
    action: Action,
) -> ApiResult<Role> {
    let role = workspace_role(tx, workspace_id, user_id).await?;
    if role.may(action) {
        Ok(role)
    } else {
        Err(forbidden(action))
    }
}

/// 403 `FORBIDDEN`, saying who may do `action`.
pub fn forbidden(action: Action) -> ApiError {
    let who = if Role::Admin.may(action) {
        "admins and owners"
    } else {
        "owners"
    };
    let what = match action {
        Action::Invite => "invite people",
        Action::RemoveMember => "remove members",
        Action::RemoveManager => "remove admins and owners",
        Action::ChangeRole => "change roles",
        Action::RenameWorkspace => "rename the workspace",
        Action::ManageChannels => "manage channels they did not create",
        Action::EmptyTrash => "empty the trash",
        Action::ManageShares => "manage other people's share links",
        Action::ManageTasks => "delete other people's tasks",
    };
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "FORBIDDEN",
        format!("only {who} can {what}"),
    )
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
    /// Who created it.
    pub created_by: i64,
    /// Archived (read-only).
    pub archived: bool,
}

impl ChannelAccess {
    /// Ok for a private channel: 409 `NOT_PRIVATE` for the others, which have no
    /// member list of their own.
    pub fn private(&self) -> ApiResult<()> {
        if self.kind != ChannelKind::Private {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "NOT_PRIVATE",
                "only private channels have a member list",
            ));
        }
        Ok(())
    }

    /// Ok if the channel takes changes (messages, reactions, members): 409 `ARCHIVED`
    /// while it is archived.
    pub fn writable(&self) -> ApiResult<()> {
        if self.archived {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "ARCHIVED",
                "this channel is archived: unarchive it first",
            ));
        }
        Ok(())
    }
}

/// The channel, if the user may read it (public: workspace member; private and direct:
/// channel member), else 404.
pub async fn channel(tx: &mut Tx, channel_id: i64, user_id: i64) -> ApiResult<ChannelAccess> {
    let found: Option<(i64, i64, String, i64, bool)> = tx
        .optional(
            "SELECT ch.id, ch.workspace_id, ch.kind, ch.created_by, ch.archived_at IS NOT NULL \
             FROM channels ch \
             JOIN workspace_members wm ON wm.workspace_id = ch.workspace_id AND wm.user_id = $2 \
             WHERE ch.id = $1 AND (ch.kind = 'public' OR EXISTS \
               (SELECT 1 FROM channel_members cm WHERE cm.channel_id = ch.id AND cm.user_id = $2))",
            args![channel_id, user_id],
        )
        .await?;
    let (id, workspace_id, kind, created_by, archived) =
        found.ok_or_else(|| ApiError::not_found("channel"))?;
    Ok(ChannelAccess {
        id,
        workspace_id,
        kind: enum_value(&kind, ChannelKind::parse)?,
        created_by,
        archived,
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

/// A Drive item the user can see: its workspace and kind, and the user's role there;
/// 404 for an item of a workspace they are not in, a file of a channel they cannot read
/// (see [`channel`]) or not attached to a message yet and not theirs, or no such item.
pub async fn drive_item(tx: &mut Tx, item_id: i64, user_id: i64) -> ApiResult<DriveAccess> {
    let found: Option<(i64, String, String)> = tx
        .optional(
            "SELECT i.workspace_id, i.kind, wm.role FROM drive_items i \
             JOIN workspace_members wm ON wm.workspace_id = i.workspace_id AND wm.user_id = $2 \
             WHERE i.id = $1 AND (i.channel_id IS NULL OR (EXISTS \
               (SELECT 1 FROM channels ch WHERE ch.id = i.channel_id AND (ch.kind = 'public' \
                OR EXISTS (SELECT 1 FROM channel_members cm \
                           WHERE cm.channel_id = ch.id AND cm.user_id = $2))) \
               AND (i.created_by = $2 OR EXISTS \
                 (SELECT 1 FROM message_attachments ma WHERE ma.item_id = i.id))))",
            args![item_id, user_id],
        )
        .await?;
    let (workspace_id, kind, role) = found.ok_or_else(|| ApiError::not_found("item"))?;
    Ok(DriveAccess {
        id: item_id,
        workspace_id,
        kind: enum_value(&kind, huddle_protocol::drive::ItemKind::parse)?,
        role: enum_value(&role, Role::parse)?,
    })
}

/// A Drive item the user can see.
#[derive(Debug, Clone, Copy)]
pub struct DriveAccess {
    /// Item id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// Folder or file.
    pub kind: huddle_protocol::drive::ItemKind,
    /// The user's role in the workspace.
    pub role: Role,
}

/// A board the user can see (every member of its workspace sees every board).
#[derive(Debug, Clone, Copy)]
pub struct BoardAccess {
    /// Board id.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// Archived: read-only until restored.
    pub archived: bool,
    /// The user's role in the workspace.
    pub role: Role,
}

impl BoardAccess {
    /// Ok if the board takes changes: 409 `ARCHIVED` while it is archived.
    pub fn writable(&self) -> ApiResult<()> {
        if self.archived {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "ARCHIVED",
                "this board is archived: restore it first",
            ));
        }
        Ok(())
    }
}

/// The board `board_id`, if the user is a member of its workspace; 404 (`what` not
/// found) otherwise.
async fn board_for(tx: &mut Tx, board_id: i64, user_id: i64, what: &str) -> ApiResult<BoardAccess> {
    let found: Option<(i64, bool, String)> = tx
        .optional(
            "SELECT b.workspace_id, b.archived_at IS NOT NULL, wm.role FROM task_boards b \
             JOIN workspace_members wm ON wm.workspace_id = b.workspace_id AND wm.user_id = $2 \
             WHERE b.id = $1",
            args![board_id, user_id],
        )
        .await?;
    let (workspace_id, archived, role) = found.ok_or_else(|| ApiError::not_found(what))?;
    Ok(BoardAccess {
        id: board_id,
        workspace_id,
        archived,
        role: enum_value(&role, Role::parse)?,
    })
}

/// A board the user can see, or 404.
pub async fn board(tx: &mut Tx, board_id: i64, user_id: i64) -> ApiResult<BoardAccess> {
    board_for(tx, board_id, user_id, "board").await
}

/// The board of a list the user can see, or 404.
pub async fn task_list(tx: &mut Tx, list_id: i64, user_id: i64) -> ApiResult<BoardAccess> {
    let found: Option<(i64,)> = tx
        .optional(
            "SELECT board_id FROM task_lists WHERE id = $1",
            args![list_id],
        )
        .await?;
    let (board,) = found.ok_or_else(|| ApiError::not_found("list"))?;
    board_for(tx, board, user_id, "list").await
}

/// The board of a task the user can see, or 404.
pub async fn task(tx: &mut Tx, task_id: i64, user_id: i64) -> ApiResult<BoardAccess> {
    let found: Option<(i64,)> = tx
        .optional("SELECT board_id FROM tasks WHERE id = $1", args![task_id])
        .await?;
    let (board,) = found.ok_or_else(|| ApiError::not_found("task"))?;
    board_for(tx, board, user_id, "task").await
}

/// The board of a label the user can see, or 404.
pub async fn task_label(tx: &mut Tx, label_id: i64, user_id: i64) -> ApiResult<BoardAccess> {
    let found: Option<(i64,)> = tx
        .optional(
            "SELECT board_id FROM task_labels WHERE id = $1",
            args![label_id],
        )
        .await?;
    let (board,) = found.ok_or_else(|| ApiError::not_found("label"))?;
    board_for(tx, board, user_id, "label").await
}

/// The board of a checklist item the user can see, or 404.
pub async fn checklist_item(tx: &mut Tx, item_id: i64, user_id: i64) -> ApiResult<BoardAccess> {
    let found: Option<(i64,)> = tx
        .optional(
            "SELECT t.board_id FROM task_checklist c JOIN tasks t ON t.id = c.task_id \
             WHERE c.id = $1",
            args![item_id],
        )
        .await?;
    let (board,) = found.ok_or_else(|| ApiError::not_found("checklist item"))?;
    board_for(tx, board, user_id, "checklist item").await
}
