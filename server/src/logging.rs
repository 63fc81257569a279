//! Logs through `tracing`: structured, with levels, one span per HTTP request carrying a
//! request id (`x-request-id`: the one the request came with, e.g. from a proxy, else a
//! new random one; returned in the answer either way) and the route's template — never the raw path or query, which can hold
//! what people typed (a reaction's emoji, a search). Nothing secret is logged: no
//! cookies, tokens, tickets, keys, passwords or message text.
//!
//! `RUST_LOG` picks what is written (default `info`); every request's outcome is logged
//! at `debug` under the target `huddle_server::http` (`RUST_LOG=info,huddle_server::http=debug`),
//! server errors (5xx) at `error`.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The request id header.
const REQUEST_ID: &str = "x-request-id";

/// Starts writing logs to standard error (once per process; later calls do nothing).
pub fn init() {
    init_with(std::io::stderr, None);
}

/// Starts writing logs to `writer`, filtered by `filter` (else `RUST_LOG`, else `info`);
/// once per process.
pub fn init_with<W>(writer: W, filter: Option<&str>)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = match filter {
        Some(f) => tracing_subscriber::EnvFilter::new(f),
        None => tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
}

/// Wraps `router` with request ids and a span per request.
pub fn layer(router: Router) -> Router {
    let header = axum::http::HeaderName::from_static(REQUEST_ID);
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_else(|| "static".to_owned());
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", id, method = %req.method(), route)
                })
                .on_request(())
                .on_response(|res: &Response<_>, latency: Duration, _: &Span| {
                    tracing::debug!(
                        target: "huddle_server::http",
                        status = res.status().as_u16(),
                        ms = latency.as_millis() as u64,
                        "answered"
                    );
                }),
        )
        .layer(PropagateRequestIdLayer::new(header.clone()))
        .layer(SetRequestIdLayer::new(header, MakeRequestUuid))
}
