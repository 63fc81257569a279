//! Mentions (`@username`, `@here`, `@channel`) and the mention badge, pins, and each
//! person's notification level per channel.

mod common;

use common::{assert_error, spawn, user, workspace, Client};
use serde_json::{json, Value};

async fn post(c: &mut Client, channel: i64, body: &str) -> Value {
    let r = c
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"body": body}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body
}

/// The caller's view of one channel in its workspace's list.
async fn channel(c: &mut Client, ws: i64, id: i64) -> Value {
    let list = c.get(&format!("/workspaces/{ws}/channels")).await.body;
    list.as_array()
        .unwrap()
        .iter()
        .find(|ch| ch["id"] == id)
        .cloned()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn mentions_name_readers_and_count_in_a_badge_of_their_own() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut carol, _) = user(&server, "carol").await;
    let (_stranger, _) = user(&server, "mallory").await;
    let (ws, general) = workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    common::add_member(&mut alice, ws, &mut carol, "carol").await;

    // Names are case-insensitive; code, unknown names and people outside the workspace
    // stay text; one's own name is stored but never counts for oneself.
    let m = post(
        &mut alice,
        general,
        "hi @BOB, `@carol` @nobody @mallory @alice",
    )
    .await;
    assert_eq!(m["mentions"], json!([alice_id, bob_id]));
    assert_eq!(m["broadcast"], Value::Null);
    post(&mut alice, general, "plain").await;
    let b = channel(&mut bob, ws, general).await;
    assert_eq!(
        (b["unread"].as_i64(), b["mentions"].as_i64()),
        (Some(2), Some(1))
    );
    let c = channel(&mut carol, ws, general).await;
    assert_eq!(
        (c["unread"].as_i64(), c["mentions"].as_i64()),
        (Some(2), Some(0))
    );
    // The author's own mention does not count.
    let a = channel(&mut alice, ws, general).await;
    assert_eq!(a["mentions"], 0);

    // @channel counts for everyone; @here only notifies live.
    let here = post(&mut alice, general, "@here look").await;
    assert_eq!(here["broadcast"], "here");
    let all = post(&mut alice, general, "@here and @channel").await;
    assert_eq!(all["broadcast"], "channel");
    let c = channel(&mut carol, ws, general).await;
    assert_eq!(
        (c["unread"].as_i64(), c["mentions"].as_i64()),
        (Some(4), Some(1))
    );

    // Reading past them clears the badge.
    let last = all["id"].as_i64().unwrap();
    let r = carol
        .send(
            "PUT",
            &format!("/channels/{general}/read"),
            Some(json!({"last_read_id": last})),
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    let c = channel(&mut carol, ws, general).await;
    assert_eq!(
        (c["unread"].as_i64(), c["mentions"].as_i64()),
        (Some(0), Some(0))
    );

    // An edit reads the mentions again; a deletion drops them.
    let id = m["id"].as_i64().unwrap();
    let r = alice
        .send(
            "PATCH",
            &format!("/messages/{id}"),
            Some(json!({"body": "now @carol"})),
            &[],
        )
        .await;
    assert_eq!(r.body["mentions"], json!([common_id(&mut carol).await]));
    // Bob's badge keeps only the @channel.
    let b = channel(&mut bob, ws, general).await;
    assert_eq!(b["mentions"], 1);
    let r = alice
        .send("DELETE", &format!("/messages/{id}"), None, &[])
        .await;
    assert_eq!(r.body["mentions"], json!([]));

    // In a private channel only its members can be named.
    let inner = alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "inner", "kind": "private", "members": [bob_id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let m = post(&mut alice, inner, "@bob @carol").await;
    assert_eq!(m["mentions"], json!([bob_id]));
}

async fn pin(c: &mut Client, id: i64, on: bool) -> common::Reply {
    let method = if on { "PUT" } else { "DELETE" };
    c.send(method, &format!("/messages/{id}/pin"), None, &[])
        .await
}

async fn common_id(c: &mut Client) -> i64 {
    c.get("/auth/me").await.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn pins_are_listed_latest_first_and_leave_with_a_deletion() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws, general) = workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let first = post(&mut alice, general, "first").await["id"]
        .as_i64()
        .unwrap();
    let second = post(&mut bob, general, "second").await["id"]
        .as_i64()
        .unwrap();

    let r = pin(&mut bob, first, true).await;
    assert_eq!(
        (r.status, r.body["pinned"]["by"].as_i64()),
        (200, Some(bob_id))
    );
    let rev = r.body["revision"].as_i64().unwrap();
    // Pinning again keeps the first pin and changes nothing.
    let r = pin(&mut alice, first, true).await;
    assert_eq!(r.body["pinned"]["by"].as_i64(), Some(bob_id));
    assert_eq!(r.body["revision"].as_i64(), Some(rev));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = pin(&mut alice, second, true).await;
    assert_eq!(r.body["pinned"]["by"].as_i64(), Some(alice_id));
    let ids = |v: Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let list = bob.get(&format!("/channels/{general}/pins")).await.body;
    assert_eq!(ids(list), [second, first]);

    let r = pin(&mut alice, first, false).await;
    assert_eq!((r.status, &r.body["pinned"]), (200, &Value::Null));
    assert!(r.body["revision"].as_i64().unwrap() > rev);
    // A deleted message leaves the pins, and cannot be pinned.
    bob.send("DELETE", &format!("/messages/{second}"), None, &[])
        .await;
    let list = bob.get(&format!("/channels/{general}/pins")).await.body;
    assert!(ids(list).is_empty());
    assert_error(&pin(&mut alice, second, true).await, 409, "DELETED");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_person_sets_their_own_notification_level() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws, general) = workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let dm = common::direct(&mut alice, ws, bob_id).await;
    // Defaults: mentions in a channel, everything in a direct message.
    assert_eq!(channel(&mut bob, ws, general).await["notify"], "mentions");
    assert_eq!(channel(&mut bob, ws, dm).await["notify"], "all");

    let set = |level: Value| {
        (
            format!("/channels/{general}/notifications"),
            json!({"level": level}),
        )
    };
    let (p, b) = set(json!("nothing"));
    let r = bob.send("PUT", &p, Some(b), &[]).await;
    assert_eq!(
        (r.status, r.body["notify"].as_str()),
        (200, Some("nothing"))
    );
    assert_eq!(channel(&mut bob, ws, general).await["notify"], "nothing");
    assert_eq!(channel(&mut alice, ws, general).await["notify"], "mentions");
    let (p, b) = set(json!("all"));
    bob.send("PUT", &p, Some(b), &[]).await;
    assert_eq!(channel(&mut bob, ws, general).await["notify"], "all");
    let (p, b) = set(json!("loud"));
    assert_error(
        &bob.send("PUT", &p, Some(b), &[]).await,
        400,
        "INVALID_INPUT",
    );
}
