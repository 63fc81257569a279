//! Search over a workspace's messages through a blind index: the index holds keyed hashes
//! (HMAC-SHA256 under the workspace's index key, see `vault`) of the words of each message
//! and of their prefixes, mapped to message ids; never a word. A query is hashed the same
//! way; the answer lists the messages that have every term, from the channels the caller
//! can read, newest first, paged with `before` like a channel.

pub(crate) mod store;

use axum::extract::State;
use axum::Json;
use huddle_protocol::messages::Page;
use huddle_protocol::search::SearchQuery;

use super::{ApiPath, ApiQuery};
use crate::error::{ApiError, ApiResult};
use crate::session::CurrentUser;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The search route, with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// Longest query, in bytes.
pub const MAX_QUERY: usize = 256;

/// Messages of the workspace that contain every word of `q` (or a word that starts with
/// it, from 3 letters), in the channels the caller can read, newest first.
#[utoipa::path(get, path = "/workspaces/{id}/search", tag = "search", params(("id" = i64, Path, description = "Workspace id"), SearchQuery), responses((status = 200, description = "Matching messages, newest first; `next_before` pages on to older ones", body = Page)))]
pub async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<Page>> {
    let terms = terms_of(&q.q)?;
    let limit = q.limit.unwrap_or(super::messages::DEFAULT_LIMIT);
    if !(1..=super::messages::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(format!(
            "limit: 1 to {}",
            super::messages::MAX_LIMIT
        )));
    }
    let page = store::search(
        &mut state.db.read().await?,
        id,
        user.id,
        &terms,
        q.before,
        limit,
    )
    .await?;
    Ok(Json(page))
}

/// The terms of query `q`, checked: at most [`MAX_QUERY`] bytes, one word at least, at
/// most `MAX_QUERY_WORDS`.
pub(crate) fn terms_of(q: &str) -> ApiResult<Vec<String>> {
    if q.len() > MAX_QUERY {
        return Err(ApiError::invalid(format!("q: at most {MAX_QUERY} bytes")));
    }
    let terms = crate::search::query_terms(q);
    if terms.is_empty() {
        return Err(ApiError::invalid("q: type a word to search for"));
    }
    if terms.len() > crate::search::MAX_QUERY_WORDS {
        return Err(ApiError::invalid(format!(
            "q: at most {} words",
            crate::search::MAX_QUERY_WORDS
        )));
    }
    Ok(terms)
}
