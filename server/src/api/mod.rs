//! The REST API under `/api/v1`.

mod auth;
mod channels;
mod messages;
mod realtime;
mod workspaces;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::AppState;

/// Largest request body the API accepts.
pub const MAX_BODY: usize = 64 * 1024;

/// The API routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/auth/signup", post(auth::signup))
        .route("/auth/signin", post(auth::signin))
        .route("/auth/signout", post(auth::signout))
        .route("/auth/me", get(auth::me))
        .route("/auth/session", get(auth::session))
        .route(
            "/workspaces",
            get(workspaces::list).post(workspaces::create),
        )
        .route(
            "/workspaces/{id}/members",
            get(workspaces::members).post(workspaces::invite),
        )
        .route(
            "/workspaces/{id}/members/{user_id}",
            delete(workspaces::remove_member),
        )
        .route(
            "/workspaces/{id}/channels",
            get(channels::list).post(channels::create),
        )
        .route("/workspaces/{id}/direct", post(channels::direct))
        .route("/channels/{id}/members", post(channels::add_member))
        .route("/channels/{id}/read", put(channels::mark_read))
        .route(
            "/channels/{id}/messages",
            get(messages::list).post(messages::create),
        )
        .route(
            "/messages/{id}",
            get(messages::get_one)
                .patch(messages::edit)
                .delete(messages::remove),
        )
        .route("/messages/{id}/replies", get(messages::replies))
        .route("/realtime/join", post(realtime::join))
        .route("/realtime/ticket", post(realtime::ticket))
        .route("/openapi.json", get(openapi))
        .route(
            "/messages/{id}/reactions/{emoji}",
            put(messages::react).delete(messages::unreact),
        )
        .fallback(|| async { ApiError::not_found("API route") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Layers run bottom-up: the CSRF check first, then idempotency keys.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::idempotency::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::csrf::guard,
        ))
        .with_state(state)
}

/// The OpenAPI 3 document of this API (`server/openapi.json`).
pub const OPENAPI: &str = include_str!("../../openapi.json");

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

/// A JSON body whose rejections are API errors (`INVALID_INPUT`, 413, 415) rather than
/// axum's plain-text ones.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "send the body as application/json",
            )),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "TOO_LARGE",
                format!("request body over {MAX_BODY} bytes"),
            )),
            Err(e) => Err(ApiError::invalid(e.body_text())),
        }
    }
}

/// A path parameter whose rejection is a JSON `INVALID_INPUT` error.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::invalid(e.body_text()))
    }
}

/// A query string whose rejection is a JSON `INVALID_INPUT` error.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::invalid(e.body_text()))
    }
}

/// A trimmed name of 1 to `max` characters without control characters.
pub fn clean_name(raw: &str, what: &str, max: usize) -> Result<String, ApiError> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 || n > max || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!("{what}: 1 to {max} characters")));
    }
    Ok(name.to_owned())
}
