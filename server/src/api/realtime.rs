//! `POST /realtime/join`: the HTTPS half of the key protocol (see `realtime::keys`), and
//! `POST /realtime/ticket`: what opens a relay connection (see `realtime::ticket`).

use axum::extract::State;
use axum::Json;
use huddle_protocol::realtime::{Join, Joined, Ticket};

use super::ApiJson;
use crate::error::ApiResult;
use crate::realtime::keys;
use crate::realtime::ticket::{Session, Subject};
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of the key service, with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(join))
        .routes(routes!(ticket))
}

/// Checks the caller's right to the collection (a channel they may read, or a workspace
/// they belong to), then returns the room endpoint and the current key (after mixing in
/// a new key part pushed to the current members).
#[utoipa::path(post, path = "/realtime/join", tag = "realtime", request_body = Join, responses((status = 200, description = "The room endpoint and its current key, after mixing in a new key part pushed to the members (docs/protocol.md)", body = Joined)))]
pub async fn join(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<Join>,
) -> ApiResult<Json<Joined>> {
    state.limits.join(user.id)?;
    let joined = keys::join(&state, user.id, body.collection).await?;
    Ok(Json(joined))
}

/// A relay ticket for the signed-in user: the first frame on `/ws`. The connection it
/// opens lasts as long as the session (it is closed on sign-out and when the session
/// expires).
#[utoipa::path(post, path = "/realtime/ticket", tag = "realtime", responses((status = 200, description = "Send it as the first frame on /ws; it opens connections for `expires_in` seconds, once", body = Ticket)))]
pub async fn ticket(State(state): State<AppState>, user: CurrentUser) -> Json<Ticket> {
    let session = Session {
        tag: crate::session::relay_tag(&user.token_hash),
        until: user.expires_at,
    };
    let ticket = state
        .tickets
        .issue(Subject::User(user.id), Some(&session), crate::db::now());
    Json(Ticket {
        ticket,
        expires_in: crate::realtime::ticket::TTL_SECS,
    })
}
