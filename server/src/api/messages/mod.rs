//! Messages: cursor pagination, threads, edit, soft delete, reactions, mentions, pins.

pub(crate) mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::messages::{
    EditMessage, Message, MessagesEvent, NewMessage, Page, PageQuery, MAX_ATTACHMENTS,
};
use huddle_protocol::realtime::Collection;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys;
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
        .routes(routes!(pin, unpin))
        .routes(routes!(pins))
}

/// Longest message body, in bytes.
pub const MAX_BODY_BYTES: usize = 16_000;
/// Page size bounds.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page.
pub const MAX_LIMIT: i64 = 100;

/// Pushes a change to the channel's realtime room (after its commit).
async fn announce(state: &AppState, m: &Message, event: &MessagesEvent) {
    keys::announce(state, Collection::Channel(m.channel_id), event).await;
}

/// A channel's messages (thread roots), newest page first, each page oldest first.
#[utoipa::path(get, path = "/channels/{id}/messages", tag = "messages", params(("id" = i64, Path, description = "Channel id"), PageQuery), responses((status = 200, body = Page)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page>> {
    let p = store::list(&mut state.db.read().await?, id, user.id, &q).await?;
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
    let p = store::replies(&mut state.db.read().await?, id, user.id, &q).await?;
    Ok(Json(p))
}

/// Checks a message's text; `files`: it has attachments, and may have no text.
fn check_body(body: &str, files: bool) -> ApiResult<()> {
    if body.trim().is_empty() && !files {
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
    check_body(&msg.body, !msg.attachments.is_empty())?;
    if msg.attachments.len() > MAX_ATTACHMENTS {
        return Err(ApiError::invalid(format!(
            "attachments: at most {MAX_ATTACHMENTS} files"
        )));
    }
    let mut seen = std::collections::HashSet::new();
    if !msg.attachments.iter().all(|f| seen.insert(*f)) {
        return Err(ApiError::invalid("attachments: a file is listed twice"));
    }
    // Spaces alone with files are no text.
    let body = if msg.body.trim().is_empty() {
        ""
    } else {
        msg.body.as_str()
    };
    let mut tx = state.db.write().await?;
    let (m, event) = store::create(
        &mut tx,
        id,
        user.id,
        msg.thread_root_id,
        body,
        &msg.attachments,
    )
    .await?;
    tx.commit().await?;
    announce(&state, &m, &event).await;
    Ok((StatusCode::CREATED, Json(m)))
}

/// One message.
#[utoipa::path(get, path = "/messages/{id}", tag = "messages", params(("id" = i64, Path, description = "Message id")), responses((status = 200, body = Message)))]
pub async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Message>> {
    let m = store::get(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(m))
}

/// Edits one's own message.
#[utoipa::path(patch, path = "/messages/{id}", tag = "messages", params(("id" = i64, Path, description = "Message id")), request_body = EditMessage, responses((status = 200, body = Message)))]
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(msg): ApiJson<EditMessage>,
) -> ApiResult<Json<Message>> {
    // Empty only for a message with files: the store checks.
    check_body(&msg.body, true)?;
    let mut tx = state.db.write().await?;
    let (m, event) = store::edit(&mut tx, id, user.id, &msg.body).await?;
    tx.commit().await?;
    announce(&state, &m, &event).await;
    Ok(Json(m))
}

/// Deletes one's own message (soft: it stays, shown as deleted, body erased).
#[utoipa::path(delete, path = "/messages/{id}", tag = "messages", params(("id" = i64, Path, description = "Message id")), responses((status = 200, description = "Deleted: the body is gone", body = Message)))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Message>> {
    let mut tx = state.db.write().await?;
    let (m, event, versions) = store::remove(&mut tx, id, user.id).await?;
    tx.commit().await?;
    for v in versions {
        state.drive.blobs.remove_version(v).await;
    }
    announce(&state, &m, &event).await;
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
    let mut tx = state.db.write().await?;
    let (m, event) = store::set_reaction(&mut tx, id, user.id, &emoji, on).await?;
    tx.commit().await?;
    announce(&state, &m, &event).await;
    Ok(Json(m))
}

/// Pins a message to its channel (anyone who can write there).
#[utoipa::path(put, path = "/messages/{id}/pin", tag = "messages", params(("id" = i64, Path, description = "Message id")), responses((status = 200, body = Message)))]
pub async fn pin(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Message>> {
    set_pin(state, user, id, true).await
}

/// Unpins a message.
#[utoipa::path(delete, path = "/messages/{id}/pin", tag = "messages", params(("id" = i64, Path, description = "Message id")), responses((status = 200, body = Message)))]
pub async fn unpin(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Message>> {
    set_pin(state, user, id, false).await
}

async fn set_pin(
    state: AppState,
    user: CurrentUser,
    id: i64,
    on: bool,
) -> ApiResult<Json<Message>> {
    let mut tx = state.db.write().await?;
    let (m, event) = store::set_pin(&mut tx, id, user.id, on).await?;
    tx.commit().await?;
    announce(&state, &m, &event).await;
    Ok(Json(m))
}

/// A channel's pinned messages, the latest pin first (at most 200).
#[utoipa::path(get, path = "/channels/{id}/pins", tag = "messages", params(("id" = i64, Path, description = "Channel id")), responses((status = 200, body = [Message])))]
pub async fn pins(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Message>>> {
    let list = store::pins(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(list))
}
