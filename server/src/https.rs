//! HTTPS without a reverse proxy: the certificate and key loaded into rustls (its
//! default provider, aws-lc-rs: TLS 1.3 and 1.2, with the post-quantum hybrid key
//! exchange X25519MLKEM768 preferred), read again on SIGHUP, and the plain-HTTP listener
//! that only redirects to the public origin.

use std::path::Path;

use axum::extract::OriginalUri;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;

use crate::config::Tls;

/// The rustls configuration of `tls` (HTTP/2 and HTTP/1.1 offered), or why it cannot be
/// made (a missing or unreadable file, a key that does not match).
pub async fn rustls_config(tls: &Tls) -> Result<RustlsConfig, String> {
    RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| describe(&tls.cert, &tls.key, &e))
}

fn describe(cert: &Path, key: &Path, e: &std::io::Error) -> String {
    format!(
        "--tls-cert {} / --tls-key {}: {e}",
        cert.display(),
        key.display()
    )
}

/// Reads the certificate and key again whenever the process gets SIGHUP (after a
/// renewal), keeping the old ones if the new files are not usable.
pub fn reload_on_sighup(config: RustlsConfig, tls: Tls) {
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            tracing::warn!("SIGHUP cannot be caught: the certificate is read at start only");
            return;
        };
        while hup.recv().await.is_some() {
            match config.reload_from_pem_file(&tls.cert, &tls.key).await {
                Ok(()) => tracing::info!("certificate and key read again"),
                Err(e) => tracing::error!(
                    error = %describe(&tls.cert, &tls.key, &e),
                    "certificate not reloaded: the previous one stays in use"
                ),
            }
        }
    });
}

/// The plain-HTTP app: every request answers `301 Moved Permanently` to the same path
/// and query on `origin` (an `https://` origin), and nothing else, but for the ACME
/// HTTP-01 challenges under way in `challenges`.
pub fn redirect_app(origin: String, challenges: Option<crate::acme::Challenges>) -> Router {
    Router::new().fallback(move |OriginalUri(uri): OriginalUri| {
        let origin = origin.clone();
        let challenges = challenges.clone();
        async move {
            let answer = uri
                .path()
                .strip_prefix("/.well-known/acme-challenge/")
                .and_then(|token| challenges?.answer(token));
            match answer {
                Some(a) => ([(header::CONTENT_TYPE, "text/plain")], a).into_response(),
                None => redirect(&origin, &uri),
            }
        }
    })
}

fn redirect(origin: &str, uri: &axum::http::Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    match HeaderValue::from_str(&format!("{origin}{path}")) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    #[tokio::test]
    async fn plain_http_goes_to_the_same_place_on_the_public_origin() {
        let app = redirect_app("https://h.example".into(), None);
        for (asked, to) in [
            ("/", "https://h.example/"),
            ("/w/1/c/2?at=5", "https://h.example/w/1/c/2?at=5"),
            (
                "/api/v1/auth/session",
                "https://h.example/api/v1/auth/session",
            ),
        ] {
            let r = app
                .clone()
                .oneshot(
                    Request::get(asked)
                        .header("host", "evil.example")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
            // Never to the host the request named: always the configured origin.
            assert_eq!(r.headers()[header::LOCATION], to);
        }
    }
}
