//! Huddle reference server: the REST API (`/api/v1`), and the built single-page app
//! (`dist/`) with Huddle's security headers and an `index.html` fallback for client
//! routes, and the WebSocket relay (`/ws`) with its key service.

pub mod access;
pub mod acme;
pub mod api;
pub mod blobs;
pub mod client_addr;
pub mod config;
pub mod copy;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod device;
pub mod error;
pub mod headers;
pub mod https;
pub mod idempotency;
pub mod limits;
pub mod logging;
pub mod mail;
pub mod otp;
pub mod password;
pub mod private_fs;
pub mod rate_limit;
pub mod realtime;
pub mod search;
pub mod session;
pub mod static_files;
pub mod upgrade;
pub mod vault;

use std::sync::Arc;

use axum::Router;

pub use config::{Config, Role};

use realtime::relay::{Relay, RemoteRelay};
use realtime::ticket::TicketKey;
use realtime::ws::RelayState;

/// Shared state of the API handlers.
#[derive(Clone)]
pub struct AppState {
    /// Settings.
    pub config: Arc<Config>,
    /// Database.
    pub db: db::Db,
    /// Sign-in attempt counters.
    pub signin_limiter: Arc<rate_limit::SignInLimiter>,
    /// Other rate limits (sign-ups, room joins).
    pub limits: Arc<limits::Limits>,
    /// Where server pushes go.
    pub relay: Relay,
    /// Signs relay tickets.
    pub tickets: Arc<TicketKey>,
    /// Key of the session-token hashes.
    pub secret_salt: Arc<Vec<u8>>,
    /// The WebAuthn relying party of passkeys (`None` where they cannot work: an origin
    /// that is an IP address).
    pub webauthn: Option<Arc<webauthn_rs::Webauthn>>,
    /// Sends mail (`--smtp-url`); without it, sign-up creates the account at once.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// Held by the key service from a room's transaction until its frames are handed to
    /// the relay, so that members get key parts in order (see `realtime::keys`).
    pub room_order: Arc<tokio::sync::Mutex<()>>,
    /// Drive's file store and salt.
    pub drive: Arc<api::drive::Drive>,
}

/// The configured secret salt, or the one kept in the data directory (created, readable
/// by the owner only, on first start).
fn secret_salt(config: &Config) -> Result<Vec<u8>, String> {
    if let Some(s) = &config.secret_salt {
        return Ok(s.as_bytes().to_vec());
    }
    kept_secret(config, "secret-salt")
}

/// The random secret kept in `DATA_DIR/<name>` (32 random bytes, hex), made on first
/// start, readable by the owner only.
fn kept_secret(config: &Config, name: &str) -> Result<Vec<u8>, String> {
    let path = config.data_dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => {
            return Err(format!(
                "{}: too short (want 32 or more characters)",
                path.display()
            ))
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot read {}: {e}", path.display()))
        }
        Err(_) => {}
    }
    let salt = crypto_wasm::random::token(32).map_err(|e| e.to_string())?;
    private_fs::create_dir(&config.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = match options.open(&path) {
        Ok(f) => f,
        // Another server sharing the data directory made it a moment ago.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return kept_secret(config, name);
        }
        Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
    };
    std::io::Write::write_all(&mut f, salt.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(salt.into_bytes())
}

/// The ticket key: from the shared secret, or random for a single process.
fn ticket_key(config: &Config) -> std::io::Result<TicketKey> {
    match &config.relay_secret {
        Some(s) => Ok(TicketKey::from_secret(s)),
        None => TicketKey::random(),
    }
}

impl AppState {
    /// Opens the database and builds the state; starts the hourly purge of expired
    /// idempotency keys and sessions and, for the `api` role, the link to the relay (call inside a
    /// Tokio runtime).
    pub async fn new(config: Config) -> Result<AppState, String> {
        // The data directory is the server's alone (keys, salt, the default database).
        private_fs::create_dir(&config.data_dir)
            .and_then(|()| private_fs::tighten(&config.data_dir))
            .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
        let db = db::Db::open(&config.database)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        let vault = vault::load(&config, &db).await?;
        let db = db.with_vault(vault);
        upgrade::seal_plain_values(&db)
            .await
            .map_err(|e| format!("cannot seal the plain values of an earlier server: {e}"))?;
        upgrade::index_drive_names(&db)
            .await
            .map_err(|e| format!("cannot index Drive's names: {e}"))?;
        let tickets = Arc::new(ticket_key(&config).map_err(|e| e.to_string())?);
        let secret_salt = Arc::new(secret_salt(&config)?);
        // The installation's Drive salt: one of the three parts of every file's keys
        // (see api::drive::content); losing it loses the files.
        let blobs = match &config.drive_store {
            Some(url) => blobs::Blobs::s3(url)?,
            None => blobs::Blobs::local(
                &config
                    .drive_dir
                    .clone()
                    .unwrap_or_else(|| config.data_dir.join("drive")),
            )?,
        };
        let renderer = match &config.pdf_renderer {
            Some(p) => p.clone(),
            None => std::env::current_exe()
                .map_err(|e| format!("cannot find this program (to render PDFs): {e}"))?,
        };
        let drive = Arc::new(api::drive::Drive::new(
            blobs,
            kept_secret(&config, "drive-salt")?,
            renderer,
        ));
        let relay = match (&config.role, &config.relay_url) {
            (Role::Api, Some(url)) => {
                Relay::Remote(RemoteRelay::start(url.clone(), tickets.clone()))
            }
            _ => Relay::Local(Arc::default()),
        };
        let webauthn = api::auth::passkeys::relying_party(&config).map(Arc::new);
        let mailer = match &config.mail {
            Some(_) if config.public_origin.is_none() => {
                return Err(
                    "--smtp-url: needs --public-origin (the links in mail point there)".into(),
                )
            }
            Some(m) => Some(Arc::new(mail::Mailer::new(m)?)),
            None => None,
        };
        let state = AppState {
            webauthn,
            mailer,
            config: Arc::new(config),
            db,
            signin_limiter: Arc::default(),
            limits: Arc::default(),
            relay,
            tickets,
            secret_salt,
            room_order: Arc::default(),
            drive,
        };
        start_housekeeping(state.clone());
        Ok(state)
    }
}

/// Purges expired idempotency keys, sessions, invitations, invite links, sign-ups
/// waiting for confirmation and Drive uploads now and every hour, as long as the runtime runs.
fn start_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            idempotency::purge_expired(&state).await;
            if let Err(e) = session::purge_expired(&state.db).await {
                tracing::warn!(error = %e.message, "expired sessions not purged");
            }
            if let Err(e) = api::invitations::purge_expired(&state.db).await {
                tracing::warn!(error = %e.message, "expired invitations not purged");
            }
            if let Err(e) = api::auth::purge_expired_signups(&state.db).await {
                tracing::warn!(error = %e.message, "expired sign-ups not purged");
            }
            if let Err(e) = api::drive::tus::purge_expired(&state).await {
                tracing::warn!(error = %e.message, "expired uploads not purged");
            }
        }
    });
}

/// The API server: API, SPA, security headers, and the relay's `/ws` when it runs in
/// this process.
pub fn app(state: AppState) -> Router {
    let spa = static_files::service(&state.config.dist);
    let https = state.config.https;
    let mut router = Router::new();
    if let Relay::Local(hub) = &state.relay {
        router = router.route(
            "/ws",
            axum::routing::get(realtime::ws::handler).with_state(RelayState {
                hub: hub.clone(),
                tickets: state.tickets.clone(),
                config: state.config.clone(),
                pending: Arc::default(),
            }),
        );
    }
    let router = router
        .nest("/api/v1", api::router(state))
        .fallback_service(spa);
    headers::secure(logging::layer(router), https)
}

/// The relay alone (`--role relay`): `/ws` and nothing else; no database, no keys.
pub fn relay_app(config: Config) -> Result<Router, String> {
    let tickets = Arc::new(ticket_key(&config).map_err(|e| e.to_string())?);
    let https = config.https;
    let state = RelayState {
        hub: Arc::default(),
        tickets,
        config: Arc::new(config),
        pending: Arc::default(),
    };
    let router = Router::new()
        .route("/ws", axum::routing::get(realtime::ws::handler))
        .with_state(state)
        .fallback(|| async { error::ApiError::not_found("route") });
    Ok(headers::secure(logging::layer(router), https))
}
