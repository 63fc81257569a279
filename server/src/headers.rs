//! Security headers sent on every response (documented in docs/deploy.md, which has the
//! same policy for nginx).

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of the app.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' blob: data:; media-src 'self'; font-src 'self'; connect-src 'self'; \
manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types huddle-sw";

/// Features the app does not use.
pub const PERMISSIONS: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), \
interest-cohort=()";

/// The headers, as (name, value) pairs.
pub fn list(https: bool) -> Vec<(HeaderName, &'static str)> {
    let mut h = vec![
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (HeaderName::from_static("permissions-policy"), PERMISSIONS),
    ];
    if https {
        h.push((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ));
    }
    h
}

/// Wraps `router` so that every response carries the headers. A response that sets its
/// own Content-Security-Policy keeps it: only Drive's downloads do, with a stricter one
/// (`sandbox; default-src 'none'`).
pub fn secure(mut router: Router, https: bool) -> Router {
    for (name, value) in list(https) {
        let value = HeaderValue::from_static(value);
        router = router.layer(if name == header::CONTENT_SECURITY_POLICY {
            SetResponseHeaderLayer::if_not_present(name, value)
        } else {
            SetResponseHeaderLayer::overriding(name, value)
        });
    }
    router
}
