//! CSRF defence for state-changing API requests (POST, PUT, PATCH, DELETE):
//!
//! 1. the session cookie is `SameSite=Strict`;
//! 2. the request must carry `X-Requested-With: huddle`, a header a cross-site form
//!    cannot send and a cross-site `fetch` cannot send without a CORS preflight, which
//!    this server never grants;
//! 3. `Sec-Fetch-Site`, when the browser sends it, must be `same-origin` (or `none`);
//!    `Origin`, when sent, must be the server's public origin or, without one, the
//!    server on a loopback name or its listen address ([`origin_allowed`]).

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

/// Whether the request's `Origin` (if it sends one) is the app's: the configured public
/// origin, exactly (scheme, host and port); or, without one, this server as reached on a
/// loopback name or its own listen address, with the scheme it serves. A name that
/// merely resolves to this server (DNS rebinding: `http://evil.example:8080` pointed at
/// 127.0.0.1) is not the app's. Used for state changes and WebSocket upgrades.
pub fn origin_allowed(h: &HeaderMap, config: &Config) -> bool {
    let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    match &config.public_origin {
        Some(o) => o.eq_ignore_ascii_case(origin),
        None => {
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let scheme = if config.https { "https" } else { "http" };
            origin.eq_ignore_ascii_case(&format!("{scheme}://{host}"))
                && is_own_name(host_name(host), config)
        }
    }
}

/// The name part of a `Host` value: `localhost:8080` → `localhost`, `[::1]:8080` → `::1`.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// `localhost`, a loopback address, or the address the server listens on.
fn is_own_name(name: &str, config: &Config) -> bool {
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback() || ip == config.listen.ip())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: &str, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, origin.parse().unwrap());
        h.insert(header::HOST, host.parse().unwrap());
        h
    }

    #[test]
    fn origins_match_in_scheme_host_and_port() {
        let mut c = Config::local("dist".into(), "x.sqlite".into());
        c.listen = "127.0.0.1:8080".parse().unwrap();
        let ok = |o: &str, h: &str, c: &Config| origin_allowed(&headers(o, h), c);
        assert!(ok("http://localhost:8080", "localhost:8080", &c));
        assert!(ok("http://127.0.0.1:8080", "127.0.0.1:8080", &c));
        assert!(ok("http://[::1]:8080", "[::1]:8080", &c));
        // DNS rebinding: another name that resolves here.
        assert!(!ok("http://evil.example:8080", "evil.example:8080", &c));
        // Another scheme or port than the Host says.
        assert!(!ok("https://localhost:8080", "localhost:8080", &c));
        assert!(!ok("http://localhost:9090", "localhost:8080", &c));
        assert!(!ok("ftp://localhost:8080", "localhost:8080", &c));
        assert!(!ok("null", "localhost:8080", &c));
        // Listening on a LAN address (with a public origin, see Config): that address.
        c.listen = "192.0.2.10:8080".parse().unwrap();
        assert!(ok("http://192.0.2.10:8080", "192.0.2.10:8080", &c));
        // A public origin: exactly it.
        c.public_origin = Some("https://huddle.example.com".into());
        assert!(ok("https://huddle.example.com", "whatever", &c));
        assert!(ok("https://HUDDLE.example.com", "whatever", &c));
        assert!(!ok("http://huddle.example.com", "huddle.example.com", &c));
        assert!(!ok(
            "https://huddle.example.com:8443",
            "huddle.example.com:8443",
            &c
        ));
        assert!(!ok(
            "https://huddle.example.com.evil",
            "huddle.example.com.evil",
            &c
        ));
    }
}
