//! Channels: public (every workspace member), private (a member list) and direct
//! messages between two members; unread counts and read positions.

pub(crate) mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::channels::{
    AddMember, Channel, ChannelChange, ChannelKind, NewChannel, NewDirect, NotifySetting,
    ReadPosition,
};
use huddle_protocol::realtime::Collection;

use super::{clean_name, ApiJson, ApiPath};
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys;
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of channels, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(direct))
        .routes(routes!(change))
        .routes(routes!(members, add_member))
        .routes(routes!(remove_member))
        .routes(routes!(mark_read))
        .routes(routes!(set_notify))
}

/// The channels of a workspace the caller can see, with unread counts.
#[utoipa::path(get, path = "/workspaces/{id}/channels", tag = "channels", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [Channel])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Channel>>> {
    let list = store::list(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(list))
}

/// Creates a public or private channel.
#[utoipa::path(post, path = "/workspaces/{id}/channels", tag = "channels", params(("id" = i64, Path, description = "Workspace id")), request_body = NewChannel, responses((status = 201, body = Channel)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewChannel>,
) -> ApiResult<(StatusCode, Json<Channel>)> {
    let name = clean_name(&body.name, "name", 80)?;
    let kind = body.kind.unwrap_or(ChannelKind::Public);
    if kind == ChannelKind::Direct {
        return Err(ApiError::invalid(
            "kind: \"public\" or \"private\" (a direct message is made by POST /workspaces/{id}/direct)",
        ));
    }
    if body.members.len() > 1000 {
        return Err(ApiError::invalid("members: at most 1000"));
    }
    let mut tx = state.db.write().await?;
    let ch = store::create(&mut tx, id, user.id, name, kind, &body.members).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(ch)))
}

/// The direct-message channel with another member, created on first use.
#[utoipa::path(post, path = "/workspaces/{id}/direct", tag = "channels", params(("id" = i64, Path, description = "Workspace id")), request_body = NewDirect, responses((status = 200, body = Channel)))]
pub async fn direct(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewDirect>,
) -> ApiResult<Json<Channel>> {
    let mut tx = state.db.write().await?;
    let ch = store::direct(&mut tx, id, user.id, body.user_id).await?;
    tx.commit().await?;
    Ok(Json(ch))
}

/// The members of a private channel or direct message (its members only).
#[utoipa::path(get, path = "/channels/{id}/members", tag = "channels", params(("id" = i64, Path, description = "Channel id")), responses((status = 200, body = [huddle_protocol::workspaces::Member])))]
pub async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<huddle_protocol::workspaces::Member>>> {
    let list = store::members(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(list))
}

/// Adds a workspace member to a private channel (channel members only).
#[utoipa::path(post, path = "/channels/{id}/members", tag = "channels", params(("id" = i64, Path, description = "Channel id")), request_body = AddMember, responses((status = 204, description = "Added")))]
pub async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AddMember>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    store::add_member(&mut tx, id, user.id, body.user_id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves the caller's read position forward (never backward).
#[utoipa::path(put, path = "/channels/{id}/read", tag = "channels", params(("id" = i64, Path, description = "Channel id")), request_body = ReadPosition, responses((status = 204, description = "Moved (never backward)")))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReadPosition>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    store::read_up_to(&mut tx, id, user.id, body.last_read_id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Renames a channel, sets its topic, archives or unarchives it (see [`ChannelChange`]
/// for who may); the channel's room hears of it.
#[utoipa::path(patch, path = "/channels/{id}", tag = "channels", params(("id" = i64, Path, description = "Channel id")), request_body = ChannelChange, responses((status = 200, description = "The channel afterwards", body = Channel)))]
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(mut body): ApiJson<ChannelChange>,
) -> ApiResult<Json<Channel>> {
    if body.name.is_none() && body.topic.is_none() && body.archived.is_none() {
        return Err(ApiError::invalid("give a name, a topic or archived"));
    }
    if let Some(name) = &body.name {
        body.name = Some(clean_name(name, "name", 80)?);
    }
    if let Some(topic) = &body.topic {
        // '' clears the topic.
        let topic = topic.trim();
        body.topic = Some(if topic.is_empty() {
            String::new()
        } else {
            clean_name(topic, "topic", 250)?
        });
    }
    let mut tx = state.db.write().await?;
    let (ch, event) = store::change(&mut tx, id, user.id, &body).await?;
    tx.commit().await?;
    keys::announce(&state, Collection::Channel(id), &event).await;
    Ok(Json(ch))
}

/// Takes someone out of a private channel (its creator, admins and owners), or leaves it
/// (anyone, for themselves). The channel's room gets a fresh key and endpoint.
#[utoipa::path(delete, path = "/channels/{id}/members/{user_id}", tag = "channels", params(("id" = i64, Path, description = "Channel id"), ("user_id" = i64, Path, description = "The member to remove (oneself: leave)")), responses((status = 204, description = "Removed")))]
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

/// Sets what the caller is notified of in a channel.
#[utoipa::path(put, path = "/channels/{id}/notifications", tag = "channels", params(("id" = i64, Path, description = "Channel id")), request_body = NotifySetting, responses((status = 200, body = Channel)))]
pub async fn set_notify(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NotifySetting>,
) -> ApiResult<Json<Channel>> {
    let mut tx = state.db.write().await?;
    let c = store::set_notify(&mut tx, id, user.id, body.level).await?;
    tx.commit().await?;
    Ok(Json(c))
}
