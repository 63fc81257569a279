//! Tasks: a workspace's kanban boards, their lists and tasks, in an order that survives
//! concurrent moves (see `rank`). Every workspace member may read and change every
//! board; an archived board is read-only until restored. A task is deleted for good by
//! its creator, or by an admin or owner ([`Action::ManageTasks`]); anyone may archive it.
//! Names, titles and descriptions are sealed at rest under the workspace's data key.
//! Every change goes to the workspace's `tasks:<id>` room once committed.

mod rank;
pub(crate) mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::realtime::Collection;
use huddle_protocol::tasks::{
    Archive, Board, BoardChange, BoardView, ChecklistChange, Label, LabelChange, ListChange,
    MoveList, MoveTask, NewBoard, NewChecklistItem, NewLabel, NewList, NewTask, Task, TaskChange,
    TaskList, TasksEvent,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{clean_name, ApiJson, ApiPath};
use crate::access::{self, Action};
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys;
use crate::session::CurrentUser;
use crate::AppState;

/// The longest description, in bytes (a message's limit).
pub const MAX_DESCRIPTION_BYTES: usize = crate::api::messages::MAX_BODY_BYTES;

/// Tasks' routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_boards, create_board))
        .routes(routes!(get_board, change_board))
        .routes(routes!(get_archive))
        .routes(routes!(create_list))
        .routes(routes!(change_list))
        .routes(routes!(move_list))
        .routes(routes!(create_task))
        .routes(routes!(get_task, change_task, delete_task))
        .routes(routes!(move_task))
        .routes(routes!(create_label))
        .routes(routes!(change_label, delete_label))
        .routes(routes!(add_checklist_item))
        .routes(routes!(change_checklist_item, delete_checklist_item))
}

/// Locks the board before anything on it is read for a change, so that changes on one
/// board happen one after the other (PostgreSQL; SQLite's writers already do), and reads
/// the caller's access again under the lock (the board may have been archived meanwhile).
async fn lock(tx: &mut Tx, a: access::BoardAccess, user: i64) -> ApiResult<access::BoardAccess> {
    store::lock_board(tx, a.id).await?;
    access::board(tx, a.id, user).await
}

/// After a change: its events to every member with Tasks open.
async fn announce(state: &AppState, workspace: i64, events: &[TasksEvent]) {
    for e in events {
        keys::announce(state, Collection::Tasks(workspace), e).await;
    }
}

/// A description: Markdown, at most [`MAX_DESCRIPTION_BYTES`], no control characters but
/// new lines and tabs.
fn check_description(text: &str) -> ApiResult<()> {
    if text.len() > MAX_DESCRIPTION_BYTES {
        return Err(ApiError::invalid(format!(
            "description: at most {MAX_DESCRIPTION_BYTES} bytes"
        )));
    }
    if text
        .chars()
        .any(|ch| ch.is_control() && ch != '\n' && ch != '\t')
    {
        return Err(ApiError::invalid(
            "description: control characters are not allowed",
        ));
    }
    Ok(())
}

/// The workspace's boards, archived ones included, oldest first.
#[utoipa::path(get, path = "/workspaces/{id}/boards", tag = "tasks", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = Vec<Board>)))]
async fn list_boards(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Board>>> {
    let mut tx = state.db.read().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    Ok(Json(store::boards(&mut tx, id).await?))
}

/// Makes a board (with no lists).
#[utoipa::path(post, path = "/workspaces/{id}/boards", tag = "tasks", params(("id" = i64, Path, description = "Workspace id")), request_body = NewBoard, responses((status = 201, body = Board)))]
async fn create_board(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewBoard>,
) -> ApiResult<(StatusCode, Json<Board>)> {
    let name = clean_name(&body.name, "name", 100)?;
    let mut tx = state.db.write().await?;
    access::workspace_role(&mut tx, id, user.id).await?;
    let (board, event) = store::create_board(&mut tx, id, user.id, &name, body.color).await?;
    tx.commit().await?;
    tracing::info!(workspace = id, board = board.id, "tasks: board created");
    announce(&state, id, &[event]).await;
    Ok((StatusCode::CREATED, Json(board)))
}

/// A board, its lists in order, each with its tasks in order (archived ones left out).
#[utoipa::path(get, path = "/boards/{id}", tag = "tasks", params(("id" = i64, Path, description = "Board id")), responses((status = 200, body = BoardView)))]
async fn get_board(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<BoardView>> {
    let mut tx = state.db.read().await?;
    access::board(&mut tx, id, user.id).await?;
    Ok(Json(store::view(&mut tx, id).await?))
}

/// What is archived on a board: archived lists (with their tasks) and archived tasks.
#[utoipa::path(get, path = "/boards/{id}/archive", tag = "tasks", params(("id" = i64, Path, description = "Board id")), responses((status = 200, body = Archive)))]
async fn get_archive(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Archive>> {
    let mut tx = state.db.read().await?;
    access::board(&mut tx, id, user.id).await?;
    Ok(Json(store::archive(&mut tx, id).await?))
}

/// Renames, recolors, archives or restores a board. An archived board takes no other
/// change than its restoring (409 `ARCHIVED`).
#[utoipa::path(patch, path = "/boards/{id}", tag = "tasks", params(("id" = i64, Path, description = "Board id")), request_body = BoardChange, responses((status = 200, body = Board), (status = 409, description = "`ARCHIVED`")))]
async fn change_board(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BoardChange>,
) -> ApiResult<Json<Board>> {
    let name = body
        .name
        .as_deref()
        .map(|v| clean_name(v, "name", 100))
        .transpose()?;
    let mut tx = state.db.write().await?;
    let a = access::board(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    if body.archived != Some(false) {
        a.writable()?;
    }
    let b = store::board(&mut tx, id).await?;
    let (board, event) = store::change_board(&mut tx, &b, name.as_deref(), &body).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok(Json(board))
}

/// Adds a list after the board's last one.
#[utoipa::path(post, path = "/boards/{id}/lists", tag = "tasks", params(("id" = i64, Path, description = "Board id")), request_body = NewList, responses((status = 201, body = TaskList), (status = 409, description = "`ARCHIVED`: the board")))]
async fn create_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewList>,
) -> ApiResult<(StatusCode, Json<TaskList>)> {
    let name = clean_name(&body.name, "name", 100)?;
    let mut tx = state.db.write().await?;
    let a = access::board(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let b = store::board(&mut tx, id).await?;
    let (list, events) = store::create_list(&mut tx, &b, &name).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &events).await;
    Ok((StatusCode::CREATED, Json(list)))
}

/// Renames, archives (with its tasks) or restores a list.
#[utoipa::path(patch, path = "/lists/{id}", tag = "tasks", params(("id" = i64, Path, description = "List id")), request_body = ListChange, responses((status = 200, body = TaskList), (status = 409, description = "`ARCHIVED`: the board, or the list (for a change other than its restoring)")))]
async fn change_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ListChange>,
) -> ApiResult<Json<TaskList>> {
    let name = body
        .name
        .as_deref()
        .map(|v| clean_name(v, "name", 100))
        .transpose()?;
    let mut tx = state.db.write().await?;
    let a = access::task_list(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let l = store::list(&mut tx, id).await?;
    if l.archived_at.is_some() && body.archived != Some(false) {
        return Err(store::archived("list"));
    }
    let b = store::board(&mut tx, a.id).await?;
    let (list, event) = store::change_list(&mut tx, &b, &l, name.as_deref(), &body).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok(Json(list))
}

/// Moves a list right after another of the board (`after_id`), or first (`null`).
#[utoipa::path(post, path = "/lists/{id}/move", tag = "tasks", params(("id" = i64, Path, description = "List id")), request_body = MoveList, responses((status = 200, body = TaskList), (status = 409, description = "`ARCHIVED`")))]
async fn move_list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveList>,
) -> ApiResult<Json<TaskList>> {
    let mut tx = state.db.write().await?;
    let a = access::task_list(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let l = store::list(&mut tx, id).await?;
    if l.archived_at.is_some() {
        return Err(store::archived("list"));
    }
    let b = store::board(&mut tx, a.id).await?;
    let (list, events) = store::move_list(&mut tx, &b, &l, body.after_id).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &events).await;
    Ok(Json(list))
}

/// Adds a task at the bottom of a list (or its top: `"at": "top"`).
#[utoipa::path(post, path = "/lists/{id}/tasks", tag = "tasks", params(("id" = i64, Path, description = "List id")), request_body = NewTask, responses((status = 201, body = Task), (status = 409, description = "`ARCHIVED`: the board or the list")))]
async fn create_task(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewTask>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    let title = clean_name(&body.title, "title", 500)?;
    check_description(&body.description)?;
    let mut tx = state.db.write().await?;
    let a = access::task_list(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let l = store::list(&mut tx, id).await?;
    if l.archived_at.is_some() {
        return Err(store::archived("list"));
    }
    let b = store::board(&mut tx, a.id).await?;
    let assignees = store::check_assignees(&mut tx, a.workspace_id, &body.assignees).await?;
    let labels = store::check_labels(&mut tx, a.id, &body.labels).await?;
    let (task, events) = store::create_task(
        &mut tx,
        &b,
        id,
        user.id,
        &title,
        &body.description,
        body.at,
        &assignees,
        &labels,
    )
    .await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &events).await;
    Ok((StatusCode::CREATED, Json(task)))
}

/// One task (archived or not).
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "Task id")), responses((status = 200, body = Task)))]
async fn get_task(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Task>> {
    let mut tx = state.db.read().await?;
    access::task(&mut tx, id, user.id).await?;
    Ok(Json(store::task(&mut tx, id).await?))
}

/// Changes a task's title, description, done or archived state, assignees (workspace
/// members) or labels (its board's) (absent fields stay; lists are replaced whole).
/// An archived task takes no other change than its restoring (409 `ARCHIVED`).
#[utoipa::path(patch, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "Task id")), request_body = TaskChange, responses((status = 200, body = Task), (status = 409, description = "`ARCHIVED`")))]
async fn change_task(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(mut body): ApiJson<TaskChange>,
) -> ApiResult<Json<Task>> {
    if let Some(t) = &body.title {
        body.title = Some(clean_name(t, "title", 500)?);
    }
    if let Some(d) = &body.description {
        check_description(d)?;
    }
    let mut tx = state.db.write().await?;
    let a = access::task(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let t = store::task(&mut tx, id).await?;
    if t.archived_at.is_some() && body.archived != Some(false) {
        return Err(store::archived("task"));
    }
    if let Some(users) = &body.assignees {
        body.assignees = Some(store::check_assignees(&mut tx, a.workspace_id, users).await?);
    }
    if let Some(labels) = &body.labels {
        body.labels = Some(store::check_labels(&mut tx, a.id, labels).await?);
    }
    let b = store::board(&mut tx, a.id).await?;
    let (task, event) = store::change_task(&mut tx, &b, &t, &body).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok(Json(task))
}

/// Moves a task into a list of its board (`list_id`), right after another task
/// (`after_id`) or at the top (`null`). A neighbour no longer in that list (moved,
/// archived or deleted meanwhile) puts the task at the bottom: the move still happens.
#[utoipa::path(post, path = "/tasks/{id}/move", tag = "tasks", params(("id" = i64, Path, description = "Task id")), request_body = MoveTask, responses((status = 200, body = Task), (status = 404, description = "No such list on the task's board"), (status = 409, description = "`ARCHIVED`: the board, the task or the list")))]
async fn move_task(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveTask>,
) -> ApiResult<Json<Task>> {
    let mut tx = state.db.write().await?;
    let a = access::task(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let t = store::task(&mut tx, id).await?;
    if t.archived_at.is_some() {
        return Err(store::archived("task"));
    }
    let b = store::board(&mut tx, a.id).await?;
    let (task, events) = store::move_task(&mut tx, &b, id, body.list_id, body.after_id).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &events).await;
    Ok(Json(task))
}

/// Deletes a task for good: its creator, or an admin or owner (others archive it).
#[utoipa::path(delete, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "Task id")), responses((status = 204), (status = 403, description = "`FORBIDDEN`: another person's task, for a member")))]
async fn delete_task(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let a = access::task(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let t = store::task(&mut tx, id).await?;
    if t.created_by != user.id && !a.role.may(Action::ManageTasks) {
        return Err(access::forbidden(Action::ManageTasks));
    }
    let event = store::delete_task(&mut tx, &t).await?;
    tx.commit().await?;
    tracing::info!(workspace = a.workspace_id, task = id, "tasks: task deleted");
    announce(&state, a.workspace_id, &[event]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a label to a board.
#[utoipa::path(post, path = "/boards/{id}/labels", tag = "tasks", params(("id" = i64, Path, description = "Board id")), request_body = NewLabel, responses((status = 201, body = Label), (status = 409, description = "`ARCHIVED`: the board")))]
async fn create_label(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewLabel>,
) -> ApiResult<(StatusCode, Json<Label>)> {
    let name = clean_name(&body.name, "name", 50)?;
    let mut tx = state.db.write().await?;
    let a = access::board(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let b = store::board(&mut tx, id).await?;
    let (label, event) = store::create_label(&mut tx, &b, &name, body.color).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok((StatusCode::CREATED, Json(label)))
}

/// Renames or recolors a label.
#[utoipa::path(patch, path = "/labels/{id}", tag = "tasks", params(("id" = i64, Path, description = "Label id")), request_body = LabelChange, responses((status = 200, body = Label), (status = 409, description = "`ARCHIVED`: the board")))]
async fn change_label(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LabelChange>,
) -> ApiResult<Json<Label>> {
    let name = body
        .name
        .as_deref()
        .map(|v| clean_name(v, "name", 50))
        .transpose()?;
    let mut tx = state.db.write().await?;
    let a = access::task_label(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let b = store::board(&mut tx, a.id).await?;
    let (label, event) = store::change_label(&mut tx, &b, id, name.as_deref(), body.color).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok(Json(label))
}

/// Deletes a label; the tasks that had it lose it.
#[utoipa::path(delete, path = "/labels/{id}", tag = "tasks", params(("id" = i64, Path, description = "Label id")), responses((status = 204), (status = 409, description = "`ARCHIVED`: the board")))]
async fn delete_label(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    let a = access::task_label(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let l = store::label(&mut tx, id).await?;
    let events = store::delete_label(&mut tx, &l).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &events).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an item at the end of a task's checklist; answers the task as it is now.
#[utoipa::path(post, path = "/tasks/{id}/checklist", tag = "tasks", params(("id" = i64, Path, description = "Task id")), request_body = NewChecklistItem, responses((status = 201, body = Task), (status = 409, description = "`ARCHIVED`: the board or the task")))]
async fn add_checklist_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewChecklistItem>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    let text = clean_name(&body.text, "text", 500)?;
    let mut tx = state.db.write().await?;
    let a = access::task(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let t = store::task(&mut tx, id).await?;
    if t.archived_at.is_some() {
        return Err(store::archived("task"));
    }
    let b = store::board(&mut tx, a.id).await?;
    let (task, event) = store::add_checklist_item(&mut tx, &b, &t, &text).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok((StatusCode::CREATED, Json(task)))
}

/// Changes a checklist item's text, or checks or unchecks it; answers its task.
#[utoipa::path(patch, path = "/checklist/{id}", tag = "tasks", params(("id" = i64, Path, description = "Checklist item id")), request_body = ChecklistChange, responses((status = 200, body = Task), (status = 409, description = "`ARCHIVED`: the board or the task")))]
async fn change_checklist_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ChecklistChange>,
) -> ApiResult<Json<Task>> {
    let text = body
        .text
        .as_deref()
        .map(|v| clean_name(v, "text", 500))
        .transpose()?;
    let mut tx = state.db.write().await?;
    let a = access::checklist_item(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let item = store::checklist_item(&mut tx, id).await?;
    if store::task(&mut tx, item.task_id)
        .await?
        .archived_at
        .is_some()
    {
        return Err(store::archived("task"));
    }
    let b = store::board(&mut tx, a.id).await?;
    let (task, event) =
        store::change_checklist_item(&mut tx, &b, &item, text.as_deref(), body.checked).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok(Json(task))
}

/// Deletes a checklist item; answers its task.
#[utoipa::path(delete, path = "/checklist/{id}", tag = "tasks", params(("id" = i64, Path, description = "Checklist item id")), responses((status = 200, body = Task), (status = 409, description = "`ARCHIVED`: the board or the task")))]
async fn delete_checklist_item(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Task>> {
    let mut tx = state.db.write().await?;
    let a = access::checklist_item(&mut tx, id, user.id).await?;
    let a = lock(&mut tx, a, user.id).await?;
    a.writable()?;
    let item = store::checklist_item(&mut tx, id).await?;
    if store::task(&mut tx, item.task_id)
        .await?
        .archived_at
        .is_some()
    {
        return Err(store::archived("task"));
    }
    let (task, event) = store::delete_checklist_item(&mut tx, &item).await?;
    tx.commit().await?;
    announce(&state, a.workspace_id, &[event]).await;
    Ok(Json(task))
}
