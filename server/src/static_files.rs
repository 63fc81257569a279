//! The built app (`--dist`): files as they are, or precompressed (`.br`, `.gz`, written by
//! the build: `scripts/csp-post-build.mjs`) for a browser that accepts it; `index.html`
//! for every other path (the app's own routes). Content-hashed files are cached for a
//! year (`immutable`); everything else, `index.html` first, is revalidated on each use
//! (`no-cache`), so that a new build is picked up at once.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

/// The Cache-Control of content-hashed files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The Cache-Control of everything else.
pub const REVALIDATE: &str = "no-cache";

/// Whether `name` is a content-hashed file of the build: `<stem>-<1 to 16 hex>` (then
/// `_bg` for the wasm) `.js`, `.wasm` or `.css` (what Trunk and the post-build hook
/// write; the same pattern as the nginx configuration of docs/deploy.md).
pub fn is_hashed(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (1..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path().rsplit('/').next().unwrap_or(""));
    let mut res = next.run(req).await;
    // A hashed name that is not there gets `index.html` (as any unknown path): never
    // cached for a year under that name.
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    let value = if hashed && !html {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The same address answers brotli, gzip or plain bytes, by the request's
    // Accept-Encoding: caches must keep them apart.
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

/// The service of the built app in `dist`.
pub fn service(dist: &Path) -> Router {
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(cache_control))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn hashed_names() {
        for n in [
            "loader-363935f2667326af.js",
            "huddle-c07d3ec9255098b8_bg.wasm",
            "huddle-c07d3ec9255098b8.js",
            "main-0a1b.css",
        ] {
            assert!(is_hashed(n), "{n}");
        }
        for n in [
            "index.html",
            "robots.txt",
            "main.css",
            "loader-xyz.js",
            "huddle-c07d3ec9255098b8a.js",
            "huddle-c07d3ec9255098b8.js.br",
            "",
        ] {
            assert!(!is_hashed(n), "{n}");
        }
    }
}
