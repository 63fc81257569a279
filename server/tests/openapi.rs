//! The OpenAPI document is generated from the routes and the `huddle-protocol` types
//! (utoipa): the committed `server/openapi.json` must be that document (regenerate with
//! `cargo run -p huddle-server -- openapi > server/openapi.json`), the server serves it,
//! and every documented operation is routed.

mod common;

use common::{spawn, Client};
use serde_json::Value;

fn generated() -> Value {
    serde_json::to_value(huddle_server::api::openapi_document()).unwrap()
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let committed: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    assert!(
        committed == generated(),
        "server/openapi.json is out of date: run `cargo run -p huddle-server -- openapi > server/openapi.json`"
    );
    assert_eq!(committed["openapi"], "3.1.0");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_document_is_served_and_every_operation_is_routed() {
    let server = spawn().await;
    let mut c = Client::new(&server);
    let served = c.get("/openapi.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(served.body, generated());
    let mut operations = 0;
    for (path, item) in served.body["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let method = method.to_uppercase();
            let concrete = path
                .replace("{emoji}", "x")
                .replace("{user_id}", "1")
                .replace("{invitation_id}", "1")
                .replace("{link_id}", "1")
                .replace("{upload}", "x")
                .replace("{number}", "1")
                .replace("{token}", "x")
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
    assert_eq!(operations, 127);
}
