//! `POST /realtime/join`: the HTTPS half of the key protocol (see `realtime::keys`), and
//! `POST /realtime/ticket`: what opens a relay connection (see `realtime::ticket`).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::ApiJson;
use crate::access;
use crate::error::{ApiError, ApiResult};
use crate::realtime::keys::{self, Joined};
use crate::realtime::ticket::Subject;
use crate::session::CurrentUser;
use crate::AppState;

/// `POST /realtime/join` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    /// What to join: `channel:<id>` or `workspace:<id>`.
    collection: String,
}

/// Checks the caller's right to the collection (a channel they may read, or a workspace
/// they belong to), then returns the room endpoint and the
/// current key (after mixing in a new key part pushed to the current members).
pub async fn join(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<Join>,
) -> ApiResult<Json<Joined>> {
    let (kind, id) = body
        .collection
        .split_once(':')
        .and_then(|(k, id)| Some((k.to_owned(), id.parse::<i64>().ok()?)))
        .filter(|(k, _)| k == "channel" || k == "workspace")
        .ok_or_else(|| {
            ApiError::invalid("collection: expected \"channel:<id>\" or \"workspace:<id>\"")
        })?;
    let relay = state.relay.clone();
    let joined = state
        .db
        .call(move |c| {
            let collection = if kind == "channel" {
                access::channel(c, id, user.id)?;
                keys::channel_collection(id)
            } else {
                access::workspace_role(c, id, user.id)?;
                keys::workspace_collection(id)
            };
            keys::join(c, &relay, &collection)
        })
        .await?;
    Ok(Json(joined))
}

/// A relay ticket for the signed-in user: the first frame on `/ws`.
pub async fn ticket(State(state): State<AppState>, user: CurrentUser) -> Json<serde_json::Value> {
    let ticket = state
        .tickets
        .issue(Subject::User(user.id), crate::db::now());
    Json(serde_json::json!({ "ticket": ticket, "expires_in": crate::realtime::ticket::TTL_SECS }))
}
