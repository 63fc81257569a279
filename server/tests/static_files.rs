//! The built app as the reference server sends it: precompressed copies to browsers that
//! accept them, a year of caching for content-hashed files, revalidation for the rest.

mod common;

use common::spawn_with;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};

#[tokio::test(flavor = "multi_thread")]
async fn precompressed_and_cached_by_name() {
    let dist = tempfile::tempdir().unwrap();
    let d = dist.path().to_owned();
    let write = |name: &str, body: &[u8]| std::fs::write(d.join(name), body).unwrap();
    write("index.html", b"<!doctype html><title>app</title>");
    write("index.html.br", b"index as brotli");
    write("huddle-0123456789abcdef_bg.wasm", b"\0asm plain");
    write("huddle-0123456789abcdef_bg.wasm.br", b"wasm as brotli");
    write("huddle-0123456789abcdef_bg.wasm.gz", b"wasm as gzip");
    write("robots.txt", b"User-agent: *");
    let server = spawn_with(move |c| c.dist = d).await;
    let origin = server.base.trim_end_matches("/api/v1").to_owned();
    let http = reqwest::Client::new();
    let get = |path: &str, encoding: &str| {
        let mut r = http.get(format!("{origin}{path}"));
        if !encoding.is_empty() {
            r = r.header(ACCEPT_ENCODING, encoding);
        }
        r.send()
    };
    let header = |r: &reqwest::Response, h| {
        r.headers()
            .get(h)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };

    let wasm = "/huddle-0123456789abcdef_bg.wasm";
    for (accepts, encoding, body) in [
        ("br, gzip", "br", "wasm as brotli"),
        ("gzip", "gzip", "wasm as gzip"),
        ("", "", "\0asm plain"),
    ] {
        let r = get(wasm, accepts).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, CONTENT_ENCODING), encoding, "{accepts}");
        assert_eq!(header(&r, CONTENT_TYPE), "application/wasm");
        assert_eq!(
            header(&r, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert!(header(&r, VARY).to_lowercase().contains("accept-encoding"));
        assert_eq!(r.text().await.unwrap(), body);
    }
    // The page, a client route and a file without a hash: revalidated.
    for path in ["/", "/w/1/c/2", "/robots.txt"] {
        let r = get(path, "br").await.unwrap();
        assert_eq!(header(&r, CACHE_CONTROL), "no-cache", "{path}");
    }
    assert_eq!(
        get("/w/1", "br").await.unwrap().text().await.unwrap(),
        "index as brotli"
    );
    // A hashed name that is not there is the page, not cached for a year.
    let r = get("/huddle-ffffffffffffffff_bg.wasm", "").await.unwrap();
    assert_eq!(header(&r, CACHE_CONTROL), "no-cache");
    assert!(header(&r, CONTENT_TYPE).starts_with("text/html"));
    // The API keeps its own.
    let r = get("/api/v1/auth/session", "").await.unwrap();
    assert_eq!(header(&r, CACHE_CONTROL), "no-store");
}
