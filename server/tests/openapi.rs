//! The OpenAPI document matches the real routes: every route registered in
//! `src/api/mod.rs` is documented with the same methods, every documented operation is
//! routed on a live server, and the served document is the file.

mod common;

use std::collections::BTreeSet;

use common::{spawn, Client};
use serde_json::Value;

fn documented() -> BTreeSet<(String, String)> {
    let doc: Value = serde_json::from_str(huddle_server::api::OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.insert((method.to_uppercase(), path.clone()));
        }
    }
    ops
}

/// `(METHOD, path)` pairs from the `.route(...)` calls of the router source.
fn routed() -> BTreeSet<(String, String)> {
    let src = include_str!("../src/api/mod.rs");
    let mut ops = BTreeSet::new();
    for chunk in src.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).unwrap().to_owned();
        let call = &chunk[..chunk.find("\n        .").unwrap_or(chunk.len())];
        for m in ["get", "post", "put", "patch", "delete"] {
            // `m(` not preceded by part of an identifier (`get(` but not `forget(`).
            let called = call
                .match_indices(&format!("{m}("))
                .any(|(i, _)| !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if called {
                ops.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

#[test]
fn every_route_is_documented_and_nothing_else() {
    let routed = routed();
    assert!(routed.len() >= 20, "parsed the router: {routed:?}");
    assert_eq!(routed, documented());
}

#[tokio::test(flavor = "multi_thread")]
async fn documented_operations_are_served() {
    let server = spawn().await;
    let mut c = Client::new(&server);
    let served = c.get("/openapi.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(
        served.body,
        serde_json::from_str::<Value>(huddle_server::api::OPENAPI).unwrap()
    );
    for (method, path) in documented() {
        let concrete = path
            .replace("{emoji}", "x")
            .replace("{user_id}", "1")
            .replace("{id}", "1");
        let r = c.send(&method, &concrete, None, &[]).await;
        // Unrouted paths answer the API fallback; wrong methods answer 405.
        assert_ne!(r.status, 405, "{method} {path}");
        assert_ne!(
            r.body["error"]["message"], "API route not found",
            "{method} {path}"
        );
    }
}
