//! Channels: public (every workspace member), private (a member list) and direct
//! messages between two members; unread counts and read positions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::channels::{
    AddMember, Channel, ChannelKind, NewChannel, NewDirect, ReadPosition,
};
use rusqlite::OptionalExtension;

use super::{clean_name, ApiJson, ApiPath};
use crate::access;
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of channels, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(direct))
        .routes(routes!(add_member))
        .routes(routes!(mark_read))
}

fn visible_channels(
    c: &rusqlite::Connection,
    workspace_id: i64,
    me: i64,
    only: Option<i64>,
) -> rusqlite::Result<Vec<Channel>> {
    let mut st = c.prepare(
        "SELECT ch.id, ch.workspace_id, ch.kind, \
           CASE WHEN ch.kind = 'direct' THEN COALESCE((SELECT u.display_name FROM channel_members cm \
             JOIN users u ON u.id = cm.user_id WHERE cm.channel_id = ch.id AND cm.user_id != ?2 LIMIT 1), ch.name) \
           ELSE ch.name END, \
           (SELECT count(*) FROM messages m WHERE m.channel_id = ch.id AND m.thread_root_id IS NULL \
             AND m.deleted_at IS NULL AND m.author_id != ?2 AND m.id > COALESCE((SELECT last_read_id \
             FROM read_positions rp WHERE rp.channel_id = ch.id AND rp.user_id = ?2), 0)) \
         FROM channels ch WHERE ch.workspace_id = ?1 AND (?3 IS NULL OR ch.id = ?3) \
           AND (ch.kind = 'public' OR EXISTS (SELECT 1 FROM channel_members cm \
             WHERE cm.channel_id = ch.id AND cm.user_id = ?2)) \
         ORDER BY CASE ch.kind WHEN 'direct' THEN 1 ELSE 0 END, ch.name COLLATE NOCASE, ch.id",
    )?;
    let rows = st.query_map(rusqlite::params![workspace_id, me, only], |r| {
        Ok(Channel {
            id: r.get(0)?,
            workspace_id: r.get(1)?,
            kind: crate::db::enum_column(r, 2, ChannelKind::parse)?,
            name: r.get(3)?,
            unread: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// The channels of a workspace the caller can see, with unread counts.
#[utoipa::path(get, path = "/workspaces/{id}/channels", tag = "channels", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [Channel])))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Channel>>> {
    let list = state
        .db
        .call(move |c| {
            access::workspace_role(c, id, user.id)?;
            Ok(visible_channels(c, id, user.id, None)?)
        })
        .await?;
    Ok(Json(list))
}

fn require_workspace_member(
    c: &rusqlite::Connection,
    workspace_id: i64,
    user_id: i64,
) -> ApiResult<()> {
    access::workspace_role(c, workspace_id, user_id)
        .map(|_| ())
        .map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "NOT_A_MEMBER",
                format!("user {user_id} is not a member of this workspace"),
            )
        })
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
    let ch = state
        .db
        .call(move |c| {
            access::workspace_role(c, id, user.id)?;
            let exists: Option<i64> = c
                .query_row(
                    "SELECT id FROM channels WHERE workspace_id = ?1 AND kind != 'direct' AND name = ?2 COLLATE NOCASE",
                    rusqlite::params![id, name],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(ApiError::new(StatusCode::CONFLICT, "CHANNEL_EXISTS", "a channel with that name exists"));
            }
            for m in &body.members {
                require_workspace_member(c, id, *m)?;
            }
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO channels (workspace_id, kind, name, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, kind.as_str(), name, user.id, crate::db::now()],
            )?;
            let ch = tx.last_insert_rowid();
            if kind == ChannelKind::Private {
                for m in body.members.iter().chain(std::iter::once(&user.id)) {
                    tx.execute("INSERT OR IGNORE INTO channel_members (channel_id, user_id) VALUES (?1, ?2)", [ch, *m])?;
                }
            }
            tx.commit()?;
            visible_channels(c, id, user.id, Some(ch))?.pop().ok_or_else(|| ApiError::internal("channel vanished"))
        })
        .await?;
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
    let ch = state
        .db
        .call(move |c| {
            access::workspace_role(c, id, user.id)?;
            require_workspace_member(c, id, body.user_id)?;
            if body.user_id == user.id {
                return Err(ApiError::invalid("user_id: a direct message needs another member"));
            }
            let (lo, hi) = (user.id.min(body.user_id), user.id.max(body.user_id));
            let key = format!("{id}:{lo}:{hi}");
            let tx = c.transaction()?;
            let existing: Option<i64> =
                tx.query_row("SELECT id FROM channels WHERE direct_key = ?1", [&key], |r| r.get(0)).optional()?;
            let ch = match existing {
                Some(ch) => ch,
                None => {
                    tx.execute(
                        "INSERT INTO channels (workspace_id, kind, name, created_by, created_at, direct_key) \
                         VALUES (?1, 'direct', 'direct message', ?2, ?3, ?4)",
                        rusqlite::params![id, user.id, crate::db::now(), key],
                    )?;
                    let ch = tx.last_insert_rowid();
                    for m in [lo, hi] {
                        tx.execute("INSERT INTO channel_members (channel_id, user_id) VALUES (?1, ?2)", [ch, m])?;
                    }
                    ch
                }
            };
            tx.commit()?;
            visible_channels(c, id, user.id, Some(ch))?.pop().ok_or_else(|| ApiError::not_found("channel"))
        })
        .await?;
    Ok(Json(ch))
}

/// Adds a workspace member to a private channel (channel members only).
#[utoipa::path(post, path = "/channels/{id}/members", tag = "channels", params(("id" = i64, Path, description = "Channel id")), request_body = AddMember, responses((status = 204, description = "Added")))]
pub async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AddMember>,
) -> ApiResult<StatusCode> {
    state
        .db
        .call(move |c| {
            let ch = access::channel(c, id, user.id)?;
            if ch.kind != ChannelKind::Private {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "NOT_PRIVATE",
                    "only private channels have a member list",
                ));
            }
            require_workspace_member(c, ch.workspace_id, body.user_id)?;
            c.execute(
                "INSERT OR IGNORE INTO channel_members (channel_id, user_id) VALUES (?1, ?2)",
                [id, body.user_id],
            )?;
            Ok(())
        })
        .await?;
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
    state
        .db
        .call(move |c| {
            access::channel(c, id, user.id)?;
            access::mark_read(c, id, user.id, body.last_read_id)?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
