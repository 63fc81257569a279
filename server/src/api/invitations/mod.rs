//! Invitations a person accepts or declines, and invite links. Admins and owners invite
//! by username or e-mail address, or make links with an expiry and a use limit; the
//! answers never say whether an account exists.

pub(crate) mod store;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use huddle_protocol::invitations::{
    Invitation, InviteLink, LinkPreview, LinkToken, NewInvitation, NewInviteLink, SentInvitation,
    MAX_LINK_HOURS, MAX_LINK_USES,
};
use huddle_protocol::workspaces::Workspace;

use super::{clean_name, ApiJson, ApiPath};
use crate::error::{ApiError, ApiResult};
use crate::session::{self, CurrentUser};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of invitations and invite links, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sent, invite))
        .routes(routes!(revoke))
        .routes(routes!(links, create_link))
        .routes(routes!(revoke_link))
        .routes(routes!(mine))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(preview))
        .routes(routes!(redeem))
}

/// The keyed hash a link's token is kept as (never the token itself).
fn link_hash(state: &AppState, token: &str) -> ApiResult<Vec<u8>> {
    // Tokens are 64 hexadecimal digits; anything else cannot be one.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found("invite link"));
    }
    Ok(session::token_hash(&state.secret_salt, token))
}

/// Invites someone by username or e-mail address (admins and owners). The same answer
/// whether or not such an account exists; inviting again renews the invitation.
#[utoipa::path(post, path = "/workspaces/{id}/invitations", tag = "invitations", params(("id" = i64, Path, description = "Workspace id")), request_body = NewInvitation, responses((status = 201, description = "Sent (to whoever has that name, if anyone)", body = SentInvitation)))]
async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewInvitation>,
) -> ApiResult<(StatusCode, Json<SentInvitation>)> {
    let login = clean_name(&body.user, "user", 254)?;
    let mut tx = state.db.write().await?;
    let sent = store::invite(&mut tx, id, user.id, &login).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// The workspace's pending invitations (admins and owners).
#[utoipa::path(get, path = "/workspaces/{id}/invitations", tag = "invitations", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [SentInvitation])))]
async fn sent(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<SentInvitation>>> {
    let list = store::sent(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(list))
}

/// Withdraws a pending invitation (admins and owners).
#[utoipa::path(delete, path = "/workspaces/{id}/invitations/{invitation_id}", tag = "invitations", params(("id" = i64, Path, description = "Workspace id"), ("invitation_id" = i64, Path, description = "The invitation")), responses((status = 204, description = "Withdrawn")))]
async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, invitation)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    store::revoke(&mut tx, id, user.id, invitation).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes an invite link (admins and owners). The answer holds its token, once.
#[utoipa::path(post, path = "/workspaces/{id}/invite-links", tag = "invitations", params(("id" = i64, Path, description = "Workspace id")), request_body = NewInviteLink, responses((status = 201, description = "Made; `token` is in this answer only", body = InviteLink)))]
async fn create_link(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewInviteLink>,
) -> ApiResult<(StatusCode, Json<InviteLink>)> {
    if !(1..=MAX_LINK_HOURS).contains(&body.expires_in_hours) {
        return Err(ApiError::invalid(format!(
            "expires_in_hours: 1 to {MAX_LINK_HOURS}"
        )));
    }
    if !(1..=MAX_LINK_USES).contains(&body.max_uses) {
        return Err(ApiError::invalid(format!("max_uses: 1 to {MAX_LINK_USES}")));
    }
    // 32 bytes from the CSPRNG, in hexadecimal.
    let token = crypto_wasm::random::token(32).map_err(ApiError::internal)?;
    let hash = link_hash(&state, &token)?;
    let mut tx = state.db.write().await?;
    let link = store::create_link(
        &mut tx,
        id,
        user.id,
        token,
        hash,
        body.expires_in_hours,
        body.max_uses,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(link)))
}

/// The workspace's invite links that still let people in (admins and owners; without
/// their tokens).
#[utoipa::path(get, path = "/workspaces/{id}/invite-links", tag = "invitations", params(("id" = i64, Path, description = "Workspace id")), responses((status = 200, body = [InviteLink])))]
async fn links(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<InviteLink>>> {
    let list = store::links(&mut state.db.read().await?, id, user.id).await?;
    Ok(Json(list))
}

/// Revokes an invite link (admins and owners).
#[utoipa::path(delete, path = "/workspaces/{id}/invite-links/{link_id}", tag = "invitations", params(("id" = i64, Path, description = "Workspace id"), ("link_id" = i64, Path, description = "The link")), responses((status = 204, description = "Revoked")))]
async fn revoke_link(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, link)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    store::revoke_link(&mut tx, id, user.id, link).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The invitations waiting for the caller's answer.
#[utoipa::path(get, path = "/invitations", tag = "invitations", responses((status = 200, body = [Invitation])))]
async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Invitation>>> {
    let list = store::mine(&mut state.db.read().await?, user.id).await?;
    Ok(Json(list))
}

/// Accepts an invitation: the caller joins the workspace as a member.
#[utoipa::path(post, path = "/invitations/{id}/accept", tag = "invitations", params(("id" = i64, Path, description = "The invitation")), responses((status = 200, description = "Joined", body = Workspace)))]
async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Workspace>> {
    let mut tx = state.db.write().await?;
    let ws = store::accept(&mut tx, user.id, id).await?;
    tx.commit().await?;
    Ok(Json(ws))
}

/// Declines an invitation.
#[utoipa::path(post, path = "/invitations/{id}/decline", tag = "invitations", params(("id" = i64, Path, description = "The invitation")), responses((status = 204, description = "Declined")))]
async fn decline(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.write().await?;
    store::decline(&mut tx, user.id, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where an invite link leads (anyone holding it, signed in or not). 410 for a link
/// that expired, was revoked or is used up.
#[utoipa::path(post, path = "/invite-links/preview", tag = "invitations", request_body = LinkToken, security(()), responses((status = 200, body = LinkPreview)))]
async fn preview(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<LinkToken>,
) -> ApiResult<Json<LinkPreview>> {
    let hash = link_hash(&state, &body.token)?;
    let preview = store::preview(&mut state.db.read().await?, &hash).await?;
    Ok(Json(preview))
}

/// Joins the workspace of an invite link, as a member (one use of the link).
#[utoipa::path(post, path = "/invite-links/accept", tag = "invitations", request_body = LinkToken, responses((status = 200, description = "Joined", body = Workspace)))]
async fn redeem(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<LinkToken>,
) -> ApiResult<Json<Workspace>> {
    let hash = link_hash(&state, &body.token)?;
    let mut tx = state.db.write().await?;
    let ws = store::redeem(&mut tx, user.id, &hash).await?;
    tx.commit().await?;
    Ok(Json(ws))
}

/// Deletes expired invitations and the links that no longer let anyone in
/// (housekeeping); returns how many.
pub async fn purge_expired(db: &crate::db::Db) -> ApiResult<u64> {
    let mut tx = db.write().await?;
    let n = store::purge_expired(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}
