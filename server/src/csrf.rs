//! CSRF defence for state-changing API requests (POST, PUT, PATCH, DELETE):
//!
//! 1. the session cookie is `SameSite=Strict`;
//! 2. the request must carry `X-Requested-With: huddle`, a header a cross-site form
//!    cannot send and a cross-site `fetch` cannot send without a CORS preflight, which
//!    this server never grants;
//! 3. `Sec-Fetch-Site`, when the browser sends it, must be `same-origin` (or `none`);
//!    `Origin`, when sent, must be the server's public origin or its own host.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::{AppState, Config};

/// The header state-changing requests must carry.
pub const HEADER: &str = "x-requested-with";
/// Its value.
pub const VALUE: &str = "huddle";

fn forbidden(why: &str) -> Response {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "CSRF",
        format!("request refused: {why}"),
    )
    .into_response()
}

/// Whether the request's `Origin` (if it sends one) is the configured public origin or,
/// without one, the server's own host. Used for state changes and WebSocket upgrades.
pub fn origin_allowed(h: &HeaderMap, config: &Config) -> bool {
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    match &config.public_origin {
        Some(o) => o == origin,
        None => {
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest == host)
        }
    }
}

/// The middleware.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    if h.get(HEADER).and_then(|v| v.to_str().ok()) != Some(VALUE) {
        return forbidden("missing X-Requested-With: huddle");
    }
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return forbidden("cross-site request");
        }
    }
    if !origin_allowed(h, &state.config) {
        return forbidden("foreign Origin");
    }
    next.run(req).await
}
