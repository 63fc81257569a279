//! Huddle reference server: the REST API (`/api/v1`), and the built single-page app
//! (`dist/`) with Huddle's security headers and an `index.html` fallback for client
//! routes, and the WebSocket relay (`/ws`) with its key service.

pub mod access;
pub mod api;
pub mod config;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod error;
pub mod headers;
pub mod password;
pub mod rate_limit;
pub mod realtime;
pub mod session;

use std::sync::Arc;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

pub use config::Config;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// Settings.
    pub config: Arc<Config>,
    /// Database.
    pub db: db::Db,
    /// Sign-in failure counters.
    pub login_limiter: Arc<rate_limit::LoginLimiter>,
    /// The relay's subscriptions.
    pub hub: Arc<realtime::hub::Hub>,
}

impl AppState {
    /// Opens the database and builds the state.
    pub fn new(config: Config) -> rusqlite::Result<AppState> {
        let db = db::Db::open(&config.database)?;
        Ok(AppState {
            config: Arc::new(config),
            db,
            login_limiter: Arc::default(),
            hub: Arc::default(),
        })
    }
}

/// The whole application: API, SPA, security headers.
pub fn app(state: AppState) -> Router {
    let index = state.config.dist.join("index.html");
    let spa = ServeDir::new(&state.config.dist).fallback(ServeFile::new(index));
    let https = state.config.https;
    let router = Router::new()
        .route("/ws", axum::routing::get(realtime::ws::handler))
        .with_state(state.clone())
        .nest("/api/v1", api::router(state))
        .fallback_service(spa);
    headers::secure(router, https)
}
