//! The logs: one line per request at `debug` with its id and the route's template; no
//! password, cookie, ticket, key, message text or reaction in any line, whatever level.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{spawn, Client};
use serde_json::json;

/// Log lines, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_logged_with_ids_and_routes_and_nothing_secret() {
    let logs = Captured::default();
    let sink = logs.clone();
    // Everything the server side writes (the test client's own HTTP stack is left out).
    huddle_server::logging::init_with(
        move || sink.clone(),
        Some("trace,hyper_util=off,reqwest=off"),
    );
    let server = spawn().await;
    let password = "MARKER-password-correct-horse";
    let mut alice = Client::new(&server);
    let r = alice
        .post(
            "/auth/signup",
            json!({"username": "alice", "email": "MARKER-mail@example.com", "password": password}),
        )
        .await;
    assert_eq!(r.status, 201);
    let request_id = r.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(request_id.len(), 36, "a UUID: {request_id}");
    let cookie = alice.cookie.clone().unwrap();
    let ws = alice
        .post("/workspaces", json!({"name": "MARKER-workspace"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let ch = alice.get(&format!("/workspaces/{ws}/channels")).await.body[0]["id"]
        .as_i64()
        .unwrap();
    let joined = alice
        .post(
            "/realtime/join",
            json!({"collection": format!("channel:{ch}")}),
        )
        .await
        .body;
    // With an Idempotency-Key: the request runs in a task of its own, in the same span.
    let m = alice
        .send(
            "POST",
            &format!("/channels/{ch}/messages"),
            Some(json!({"body": "MARKER-message-text"})),
            &[("idempotency-key", "logging-test-key-0123456789")],
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    alice
        .send("PUT", &format!("/messages/{m}/reactions/🦄"), None, &[])
        .await;
    let ticket = alice.post("/realtime/ticket", json!({})).await.body["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    // A request that carries its own id (from a proxy) keeps it.
    let r = alice
        .send(
            "GET",
            "/auth/me",
            None,
            &[("x-request-id", "from-the-proxy-1")],
        )
        .await;
    assert_eq!(r.headers["x-request-id"], "from-the-proxy-1");

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains(&request_id) && text.contains("from-the-proxy-1"),
        "request ids in the log:\n{text}"
    );
    assert!(
        text.contains("route=\"/api/v1/messages/{id}/reactions/{emoji}\""),
        "route templates in the log:\n{text}"
    );
    let token = cookie.split_once('=').unwrap().1;
    for secret in [
        password,
        "MARKER",
        token,
        &ticket,
        joined["key"].as_str().unwrap(),
        joined["room"].as_str().unwrap(),
        "🦄",
        "%F0%9F%A6%84",
        "logging-test-key-0123456789",
    ] {
        assert!(!text.contains(secret), "{secret:?} is in the log:\n{text}");
    }
}
