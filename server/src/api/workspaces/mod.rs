//! Workspaces and their members.

pub(crate) mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::workspaces::{Member, NewWorkspace, RoleChange, Workspace, WorkspaceChange};

use super::{clean_name, ApiJson, ApiPath};
use crate::error::ApiResult;
use crate::realtime::keys;
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of workspaces and their members, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(rename))
        .routes(routes!(members))
        .routes(routes!(set_role, remove_member))
}

/// Creates a workspace owned by the caller, with a public `general` channel.
#[utoipa::path(post, path = "/workspaces", tag = "workspaces", request_body = NewWorkspace, responses((status = 201, description = "Created, with #general", body = Workspace)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewWorkspace>,
) -> ApiResult<(StatusCode, Json<Workspace>)> {
    let name = clean_name(&body.name, "name", 80)?;
    let mut tx = state.db.write().await?;
    let ws = store::create(&mut tx, user.id, name).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(ws)))
}

/// The caller's workspaces.
#[utoipa::path(get, path = "/workspaces", tag = "workspaces", responses((status = 200, body = [Workspace])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Workspace>>> {
    let list = store::list(&mut state.db.read().await?, user.id).await?;
    Ok(Json(list))
}

/// The members of a workspace (members only).
#[utoipa::path(get, path = "/workspaces/{id}/members", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [Member])))]
pub async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Member>>> {
    let list = store::members(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(list))
}

/// Renames the workspace (owners only).
#[utoipa::path(patch, path = "/workspaces/{id}", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id")), request_body = WorkspaceChange, responses((status = 200, description = "Renamed", body = Workspace)))]
pub async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WorkspaceChange>,
) -> ApiResult<Json<Workspace>> {
    let name = clean_name(&body.name, "name", 80)?;
    let mut tx = state.db.write().await?;
    let ws = store::rename(&mut tx, id, user.id, name).await?;
    tx.commit().await?;
    Ok(Json(ws))
}

/// Gives a member another role (owners only; a workspace keeps at least one owner).
#[utoipa::path(patch, path = "/workspaces/{id}/members/{user_id}", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id"), ("user_id" = i64, Path, description = "The member")), request_body = RoleChange, responses((status = 200, description = "The members afterwards", body = [Member])))]
pub async fn set_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, target)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<RoleChange>,
) -> ApiResult<Json<Vec<Member>>> {
    let mut tx = state.db.write().await?;
    let list = store::set_role(&mut tx, id, user.id, target, body.role).await?;
    tx.commit().await?;
    Ok(Json(list))
}

/// Removes a member (admins remove members, owners anyone), or leaves (anyone, for
/// themselves). The last owner cannot
/// leave. Removal also drops the member from the workspace's private channels, and every
/// room of the workspace gets a fresh key and endpoint.
#[utoipa::path(delete, path = "/workspaces/{id}/members/{user_id}", tag = "workspaces", params(("id" = i64, Path, description = "Workspace id"), ("user_id" = i64, Path, description = "The member to remove (oneself: leave)")), responses((status = 204, description = "Removed")))]
pub async fn remove_member(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, target)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let pushes = store::remove_member(&mut tx, id, user.id, target).await?;
    tx.commit().await?;
    keys::deliver(&state.relay, pushes);
    Ok(StatusCode::NO_CONTENT)
}
