//! Workspaces and their members in the database.

use axum::http::StatusCode;
use huddle_protocol::realtime::Collection;
use huddle_protocol::workspaces::{Member, Workspace};

use crate::access::{self, Action, Role};
use crate::args;
use crate::db::{enum_value, Tx};
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys::{self, Push};
use crate::vault::{Place, Scope};
use huddle_protocol::channels::ChannelKind;

/// Creates a workspace owned by `owner`, with a public `general` channel.
pub async fn create(tx: &mut Tx, owner: i64, name: String) -> ApiResult<Workspace> {
    let now = crate::db::now();
    let (id,): (i64,) = tx
        .one(
            "INSERT INTO workspaces (name, created_by, created_at) VALUES ('', $1, $2) RETURNING id",
            args![owner, now],
        )
        .await?;
    let sealed = tx
        .seal(
            Scope::Workspace(id),
            &Place::new("workspaces", "name", id),
            &name,
        )
        .await?;
    tx.execute(
        "UPDATE workspaces SET name = $2 WHERE id = $1",
        args![id, sealed],
    )
    .await?;
    tx.execute(
        "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES ($1, $2, 'owner', $3)",
        args![id, owner, now],
    )
    .await?;
    crate::api::channels::store::insert(tx, id, ChannelKind::Public, "general", owner).await?;
    Ok(Workspace {
        id,
        name,
        role: Role::Owner,
    })
}

/// The workspaces `user` belongs to, by name.
pub async fn list(tx: &mut Tx, user: i64) -> ApiResult<Vec<Workspace>> {
    let rows: Vec<(i64, String, String)> = tx
        .all(
            "SELECT w.id, w.name, m.role FROM workspaces w JOIN workspace_members m \
             ON m.workspace_id = w.id WHERE m.user_id = $1",
            args![user],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for (id, name, role) in rows {
        list.push(Workspace {
            id,
            name: tx
                .open_name(&Place::new("workspaces", "name", id), &name)
                .await?,
            role: enum_value(&role, Role::parse)?,
        });
    }
    list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(list)
}

/// The members of a workspace `user` belongs to (else 404), by username.
pub async fn members(tx: &mut Tx, workspace: i64, user: i64) -> ApiResult<Vec<Member>> {
    access::workspace_role(tx, workspace, user).await?;
    members_of(tx, workspace).await
}

async fn members_of(tx: &mut Tx, workspace: i64) -> ApiResult<Vec<Member>> {
    let rows: Vec<(i64, String, String, String)> = tx
        .all(
            "SELECT u.id, u.username, u.display_name, m.role FROM workspace_members m \
             JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1",
            args![workspace],
        )
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for (user_id, username, display_name, role) in rows {
        let (username, display_name) =
            crate::api::auth::store::names(tx, user_id, &username, &display_name).await?;
        list.push(Member {
            user_id,
            username,
            display_name,
            role: enum_value(&role, Role::parse)?,
        });
    }
    list.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(list)
}

/// Removes `target` from the workspace (admins remove members, owners anyone, anyone
/// themselves; the last owner stays), with their private-channel memberships, and gives
/// every room of the workspace a fresh key and endpoint; returns what to deliver to the
/// relay after the commit.
pub async fn remove_member(
    tx: &mut Tx,
    workspace: i64,
    by: i64,
    target: i64,
) -> ApiResult<Vec<Push>> {
    let role = access::workspace_role(tx, workspace, by).await?;
    let target_role = if target == by {
        role
    } else {
        let target_role = member_role(tx, workspace, target).await?;
        let action = if target_role == Role::Member {
            Action::RemoveMember
        } else {
            Action::RemoveManager
        };
        if !role.may(action) {
            return Err(access::forbidden(action));
        }
        target_role
    };
    if target_role == Role::Owner {
        keep_an_owner(tx, workspace, "the last owner cannot leave the workspace").await?;
    }
    tx.execute(
        "DELETE FROM channel_members WHERE user_id = $2 AND channel_id IN \
         (SELECT id FROM channels WHERE workspace_id = $1)",
        args![workspace, target],
    )
    .await?;
    tx.execute(
        "DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
        args![workspace, target],
    )
    .await?;
    // An invitation sent before the removal must not undo it.
    crate::api::invitations::store::forget(tx, workspace, target).await?;
    // What they sent lets no one in any more.
    crate::api::invitations::store::withdraw_all_by(tx, workspace, target).await?;
    // A former member must not read new messages: fresh keys and endpoints for every
    // room of the workspace, in the same transaction as the removal.
    let channels: Vec<(i64,)> = tx
        .all(
            "SELECT id FROM channels WHERE workspace_id = $1 ORDER BY id",
            args![workspace],
        )
        .await?;
    let mut pushes = Vec::new();
    for (ch,) in channels {
        pushes.extend(keys::rotate_fresh(tx, Collection::Channel(ch)).await?);
    }
    pushes.extend(keys::rotate_fresh(tx, Collection::Workspace(workspace)).await?);
    pushes.extend(keys::rotate_fresh(tx, Collection::Drive(workspace)).await?);
    pushes.extend(keys::rotate_fresh(tx, Collection::Tasks(workspace)).await?);
    Ok(pushes)
}

/// `target`'s role in the workspace, or 404 `member`.
async fn member_role(tx: &mut Tx, workspace: i64, target: i64) -> ApiResult<Role> {
    access::workspace_role(tx, workspace, target)
        .await
        .map_err(|_| ApiError::not_found("member"))
}

/// 409 `LAST_OWNER` (`why`) if the workspace has one owner only.
async fn keep_an_owner(tx: &mut Tx, workspace: i64, why: &str) -> ApiResult<()> {
    let (owners,): (i64,) = tx
        .one(
            "SELECT count(*) FROM workspace_members WHERE workspace_id = $1 AND role = 'owner'",
            args![workspace],
        )
        .await?;
    if owners == 1 {
        return Err(ApiError::new(StatusCode::CONFLICT, "LAST_OWNER", why));
    }
    Ok(())
}

/// Gives `target` the role `to` (owners only; the last owner stays an owner); returns
/// the members afterwards.
pub async fn set_role(
    tx: &mut Tx,
    workspace: i64,
    by: i64,
    target: i64,
    to: Role,
) -> ApiResult<Vec<Member>> {
    access::require(tx, workspace, by, Action::ChangeRole).await?;
    let from = member_role(tx, workspace, target).await?;
    if from == Role::Owner && to != Role::Owner {
        keep_an_owner(tx, workspace, "a workspace keeps at least one owner").await?;
    }
    tx.execute(
        "UPDATE workspace_members SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
        args![workspace, target, to.as_str()],
    )
    .await?;
    // Someone who may no longer invite leaves no invitation or link behind.
    if !to.may(Action::Invite) {
        crate::api::invitations::store::withdraw_all_by(tx, workspace, target).await?;
    }
    members_of(tx, workspace).await
}

/// Renames the workspace (owners only).
pub async fn rename(tx: &mut Tx, workspace: i64, by: i64, name: String) -> ApiResult<Workspace> {
    let role = access::require(tx, workspace, by, Action::RenameWorkspace).await?;
    let sealed = tx
        .seal(
            Scope::Workspace(workspace),
            &Place::new("workspaces", "name", workspace),
            &name,
        )
        .await?;
    tx.execute(
        "UPDATE workspaces SET name = $2 WHERE id = $1",
        args![workspace, sealed],
    )
    .await?;
    Ok(Workspace {
        id: workspace,
        name,
        role,
    })
}
