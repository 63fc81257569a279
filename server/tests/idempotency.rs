//! `Idempotency-Key`: a repeated create (a Retry after a lost answer) gets the first
//! answer and creates nothing; the same key for another request is refused; keys are per
//! person and last 24 hours; concurrent repeats create one thing.

mod common;

use common::{assert_error, spawn, user, Client};
use huddle_server::args;
use serde_json::{json, Value};

const KEY: &str = "k3y-0f-at-least-16-chars";

async fn general(c: &mut Client) -> (i64, i64) {
    let ws = c.post("/workspaces", json!({"name": "Acme"})).await.body["id"]
        .as_i64()
        .unwrap();
    let ch = c.get(&format!("/workspaces/{ws}/channels")).await.body[0]["id"]
        .as_i64()
        .unwrap();
    (ws, ch)
}

async fn bodies(c: &mut Client, ch: i64) -> Vec<String> {
    c.get(&format!("/channels/{ch}/messages")).await.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(c: &mut Client, ch: i64, body: &str, key: &str) -> common::Reply {
    c.send(
        "POST",
        &format!("/channels/{ch}/messages"),
        Some(json!({"body": body})),
        &[("idempotency-key", key)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_create_gets_the_first_answer_and_creates_nothing() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, ch) = general(&mut alice).await;

    let first = post(&mut alice, ch, "hello once", KEY).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = post(&mut alice, ch, "hello once", KEY).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "the first answer, as it was");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(bodies(&mut alice, ch).await, ["hello once"]);

    // The same key for another request: refused, nothing created.
    let other = post(&mut alice, ch, "something else", KEY).await;
    assert_error(&other, 422, "IDEMPOTENCY_KEY_REUSED");
    let elsewhere = alice
        .send(
            "POST",
            &format!("/workspaces/{ws}/channels"),
            Some(json!({"name": "random"})),
            &[("idempotency-key", KEY)],
        )
        .await;
    assert_error(&elsewhere, 422, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(bodies(&mut alice, ch).await, ["hello once"]);

    // Keys are per person: Bob's request with the same key is his own.
    let (mut bob, _) = user(&server, "bob").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let r = post(&mut bob, ch, "hello from bob", KEY).await;
    assert_eq!(r.status, 201);
    assert_ne!(r.body["id"], first.body["id"]);

    // A refused request does not keep its key: fixed and sent again, it goes through.
    let bad = post(&mut alice, ch, " ", "another-key-0123456789").await;
    assert_error(&bad, 400, "INVALID_INPUT");
    let good = post(&mut alice, ch, "fixed", "another-key-0123456789").await;
    assert_eq!(good.status, 201, "{:?}", good.body);

    // Malformed keys are refused before anything happens.
    for key in ["short", "has spaces in it, sixteen+", &"x".repeat(129)] {
        assert_error(&post(&mut alice, ch, "x", key).await, 400, "INVALID_INPUT");
    }
    assert_eq!(
        bodies(&mut alice, ch).await,
        ["hello once", "hello from bob", "fixed"]
    );

    // After 24 hours the key is forgotten: the same request creates again.
    server
        .exec(
            "UPDATE idempotency_keys SET created_at = created_at - $1",
            args![huddle_server::idempotency::KEEP_SECS],
        )
        .await;
    let later = post(&mut alice, ch, "hello once", KEY).await;
    assert_eq!(later.status, 201);
    assert!(later.headers.get("idempotent-replayed").is_none());
    assert_ne!(later.body["id"], first.body["id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_repeats_create_one_message() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, ch) = general(&mut alice).await;
    let cookie = alice.cookie.clone();
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let mut c = Client::new(&server);
        c.cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            let r = post(&mut c, ch, "just one", KEY).await;
            (r.status, r.body)
        }));
    }
    let mut created: Vec<Value> = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => created.push(body["id"].clone()),
            409 => assert_eq!(body["error"]["code"], "IDEMPOTENCY_KEY_IN_USE"),
            s => panic!("unexpected {s}: {body}"),
        }
    }
    assert!(!created.is_empty());
    assert!(created.iter().all(|id| *id == created[0]), "{created:?}");
    assert_eq!(bodies(&mut alice, ch).await, ["just one"]);
}

/// Only the creates take a key: elsewhere (sign-in, sign-out, realtime joins, edits) the
/// header is ignored, nothing is kept and nothing is replayed; a request without a
/// session reserves nothing.
#[tokio::test(flavor = "multi_thread")]
async fn only_creates_take_a_key_and_only_when_signed_in() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, ch) = general(&mut alice).await;
    let kept = async || server.count("SELECT count(*) FROM idempotency_keys").await;
    let key = [("idempotency-key", KEY)];
    // Two joins with one key: two key parts (two versions), never a replayed key.
    let join = json!({"collection": format!("channel:{ch}")});
    let a = alice
        .send("POST", "/realtime/join", Some(join.clone()), &key)
        .await;
    let b = alice.send("POST", "/realtime/join", Some(join), &key).await;
    assert!(b.headers.get("idempotent-replayed").is_none());
    assert_ne!(a.body["key_version"], b.body["key_version"]);
    // An edit with a key is not kept either.
    let m = post(&mut alice, ch, "to edit", "a-create-key-0123456789").await;
    assert_eq!(kept().await, 1, "the create is kept");
    let id = m.body["id"].as_i64().unwrap();
    let r = alice
        .send(
            "PATCH",
            &format!("/messages/{id}"),
            Some(json!({"body": "edited"})),
            &key,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(kept().await, 1, "nothing kept for an edit");
    // Sign out with a key, sign in again, sign out again with the same key: really out.
    let r = alice
        .send("POST", "/auth/signout", Some(json!({})), &key)
        .await;
    assert_eq!(r.status, 204);
    let r = alice
        .send(
            "POST",
            "/auth/signin",
            Some(json!({"login": "alice", "password": "long enough password"})),
            &key,
        )
        .await;
    assert_eq!(r.status, 200);
    let r = alice
        .send("POST", "/auth/signout", Some(json!({})), &key)
        .await;
    assert_eq!(r.status, 204);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(alice.get("/auth/me").await.status, 401, "signed out");
    assert_eq!(kept().await, 1, "nothing kept for sign-in or sign-out");
    // Without a session: refused, and the key is not reserved for anyone.
    let r = post(&mut alice, ch, "not signed in", KEY).await;
    assert_eq!(r.status, 401);
    assert_eq!(kept().await, 1);
}

/// Expired keys are purged for everyone, not only when their owner sends another key: a
/// server started on a database with an expired key removes it.
#[tokio::test(flavor = "multi_thread")]
async fn expired_keys_are_purged_for_everyone() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, ch) = general(&mut alice).await;
    assert_eq!(post(&mut alice, ch, "kept a day", KEY).await.status, 201);
    server
        .exec(
            "UPDATE idempotency_keys SET created_at = created_at - $1",
            args![huddle_server::idempotency::KEEP_SECS],
        )
        .await;
    let (database, data_dir) = (server.database.clone(), server.data_dir.clone());
    let _second = common::spawn_with(move |c| {
        c.database = database;
        c.data_dir = data_dir;
    })
    .await;
    let count = async || server.count("SELECT count(*) FROM idempotency_keys").await;
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while count().await > 0 && std::time::Instant::now() < end {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(count().await, 0, "the expired key was purged");
}
