//! Workspaces and their members.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::workspaces::{Invite, Member, NewWorkspace, Workspace};
use rusqlite::OptionalExtension;

use super::{clean_name, ApiJson, ApiPath};
use crate::access::{self, Role};
use crate::db::enum_column;
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of workspaces and their members, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(members, invite))
        .routes(routes!(remove_member))
}

/// Creates a workspace owned by the caller, with a public `general` channel.
#[utoipa::path(post, path = "/workspaces", tag = "workspaces", request_body = NewWorkspace, responses((status = 201, description = "Created, with #general", body = Workspace)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewWorkspace>,
) -> ApiResult<(StatusCode, Json<Workspace>)> {
    let name = clean_name(&body.name, "name", 80)?;
    let ws = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = crate::db::now();
            tx.execute(
                "INSERT INTO workspaces (name, created_by, created_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![name, user.id, now],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES (?1, ?2, 'owner', ?3)",
                rusqlite::params![id, user.id, now],
            )?;
            tx.execute(
                "INSERT INTO channels (workspace_id, kind, name, created_by, created_at) VALUES (?1, 'public', 'general', ?2, ?3)",
                rusqlite::params![id, user.id, now],
            )?;
            tx.commit()?;
            Ok(Workspace {
                id,
                name,
                role: Role::Owner,
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(ws)))
}

/// The caller's workspaces.
#[utoipa::path(get, path = "/workspaces", tag = "workspaces", responses((status = 200, body = [Workspace])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Workspace>>> {
    let list = state
        .db
        .call(move |c| {
            let mut st = c.prepare(
                "SELECT w.id, w.name, m.role FROM workspaces w JOIN workspace_members m \
                 ON m.workspace_id = w.id WHERE m.user_id = ?1 ORDER BY w.name, w.id",
            )?;
            let rows = st.query_map([user.id], |r| {
                Ok(Workspace {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: enum_column(r, 2, Role::parse)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(Json(list))
}

fn members_of(c: &rusqlite::Connection, workspace_id: i64) -> rusqlite::Result<Vec<Member>> {
    let mut st = c.prepare(
        "SELECT u.id, u.username, u.display_name, m.role FROM workspace_members m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ?1 ORDER BY u.username",
    )?;
    let rows = st.query_map([workspace_id], |r| {
        Ok(Member {
            user_id: r.get(0)?,
            username: r.get(1)?,
            display_name: r.get(2)?,
            role: enum_column(r, 3, Role::parse)?,
        })
    })?;
    rows.collect()
}

/// The members of a workspace (members only).
#[utoipa::path(get, path = "/workspaces/{id}/members", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [Member])))]
pub async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Member>>> {
    let list = state
        .db
        .call(move |c| {
            access::workspace_role(c, id, user.id)?;
            Ok(members_of(c, id)?)
        })
        .await?;
    Ok(Json(list))
}

/// Adds an existing account to the workspace (any member may invite).
#[utoipa::path(post, path = "/workspaces/{id}/members", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id")), request_body = Invite, responses((status = 201, description = "The members after the invitation", body = [Member])))]
pub async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Invite>,
) -> ApiResult<(StatusCode, Json<Vec<Member>>)> {
    let list = state
        .db
        .call(move |c| {
            access::workspace_role(c, id, user.id)?;
            let invitee: i64 = c
                .query_row(
                    "SELECT id FROM users WHERE username = ?1 COLLATE NOCASE OR email = ?1 COLLATE NOCASE",
                    [body.user.trim()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "NO_SUCH_USER", "no account with that username or email"))?;
            let added = c.execute(
                "INSERT OR IGNORE INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES (?1, ?2, 'member', ?3)",
                rusqlite::params![id, invitee, crate::db::now()],
            )?;
            if added == 0 {
                return Err(ApiError::new(StatusCode::CONFLICT, "ALREADY_MEMBER", "already a member of this workspace"));
            }
            Ok(members_of(c, id)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(list)))
}

/// Removes a member (owners), or leaves (anyone, for themselves). The last owner cannot
/// leave. Removal also drops the member from the workspace's private channels.
#[utoipa::path(delete, path = "/workspaces/{id}/members/{user_id}", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id"), ("user_id" = i64, Path, description = "The member to remove (oneself: leave)")), responses((status = 204, description = "Removed")))]
pub async fn remove_member(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, target)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let relay = state.relay.clone();
    state
        .db
        .call(move |c| {
            let role = access::workspace_role(c, id, user.id)?;
            if target != user.id && role != Role::Owner {
                return Err(ApiError::new(StatusCode::FORBIDDEN, "FORBIDDEN", "only owners can remove members"));
            }
            let target_role = access::workspace_role(c, id, target).map_err(|_| ApiError::not_found("member"))?;
            if target_role == Role::Owner {
                let owners: i64 = c.query_row(
                    "SELECT count(*) FROM workspace_members WHERE workspace_id = ?1 AND role = 'owner'",
                    [id],
                    |r| r.get(0),
                )?;
                if owners == 1 {
                    return Err(ApiError::new(StatusCode::CONFLICT, "LAST_OWNER", "the last owner cannot leave the workspace"));
                }
            }
            let tx = c.transaction()?;
            tx.execute(
                "DELETE FROM channel_members WHERE user_id = ?2 AND channel_id IN (SELECT id FROM channels WHERE workspace_id = ?1)",
                [id, target],
            )?;
            tx.execute("DELETE FROM workspace_members WHERE workspace_id = ?1 AND user_id = ?2", [id, target])?;
            tx.commit()?;
            // A former member must not read new messages: fresh keys and endpoints for
            // every channel room of the workspace.
            let channels: Vec<i64> = c
                .prepare("SELECT id FROM channels WHERE workspace_id = ?1")?
                .query_map([id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            use crate::realtime::keys;
            use huddle_protocol::realtime::Collection;
            for ch in channels {
                keys::rotate_fresh(c, &relay, Collection::Channel(ch))?;
            }
            keys::rotate_fresh(c, &relay, Collection::Workspace(id))?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
