//! Channel management: renaming, topics, archiving (read-only until unarchived), leaving
//! and taking people out of private channels.

mod common;

use common::{assert_error, spawn, user, workspace};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn archive_rename_topic_leave() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws, general) = workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let m = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "before"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let patch = |body| (format!("/channels/{general}"), Some(body));

    // Names stay unique; bad names and empty changes are refused with a reason.
    let random = alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "random"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let (p, b) = patch(json!({"name": "Random"}));
    assert_error(
        &alice.send("PATCH", &p, b, &[]).await,
        409,
        "CHANNEL_EXISTS",
    );
    let (p, b) = patch(json!({"name": "  "}));
    assert_error(&alice.send("PATCH", &p, b, &[]).await, 400, "INVALID_INPUT");
    let (p, b) = patch(json!({}));
    assert_error(&alice.send("PATCH", &p, b, &[]).await, 400, "INVALID_INPUT");
    let (p, b) = patch(json!({"topic": "x".repeat(251)}));
    assert_error(&alice.send("PATCH", &p, b, &[]).await, 400, "INVALID_INPUT");

    // A topic, then archiving: the channel reads as before and takes no changes.
    let (p, b) = patch(json!({"topic": "  Everything  "}));
    let r = bob.send("PATCH", &p, b, &[]).await;
    assert_eq!(
        (r.status, r.body["topic"].as_str()),
        (200, Some("Everything"))
    );
    let (p, b) = patch(json!({"archived": true}));
    let r = alice.send("PATCH", &p, b, &[]).await;
    assert_eq!(r.body["archived"], true, "{:?}", r.body);
    let listed = bob.get(&format!("/workspaces/{ws}/channels")).await.body;
    let g = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == general)
        .unwrap();
    assert_eq!(
        (g["archived"].as_bool(), g["topic"].as_str()),
        (Some(true), Some("Everything"))
    );
    assert_eq!(
        bob.get(&format!("/channels/{general}/messages"))
            .await
            .status,
        200
    );
    let post = bob
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "after"}),
        )
        .await;
    assert_error(&post, 409, "ARCHIVED");
    let edit = alice
        .send(
            "PATCH",
            &format!("/messages/{m}"),
            Some(json!({"body": "x"})),
            &[],
        )
        .await;
    assert_error(&edit, 409, "ARCHIVED");
    let react = bob
        .send("PUT", &format!("/messages/{m}/reactions/x"), None, &[])
        .await;
    assert_error(&react, 409, "ARCHIVED");
    let (p, b) = patch(json!({"topic": "while archived"}));
    assert_error(&bob.send("PATCH", &p, b, &[]).await, 409, "ARCHIVED");
    // Bob (a member who did not create it) may not unarchive it; Alice may.
    let (p, b) = patch(json!({"archived": false}));
    assert_error(&bob.send("PATCH", &p, b, &[]).await, 403, "FORBIDDEN");
    let (p, b) = patch(json!({"archived": false}));
    assert_eq!(
        alice.send("PATCH", &p, b, &[]).await.body["archived"],
        false
    );
    let post = bob
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "after"}),
        )
        .await;
    assert_eq!(post.status, 201);
    let _ = random;

    // Direct messages are neither renamed nor archived; public channels have no member list.
    let dm = common::direct(&mut alice, ws, bob_id).await;
    let r = alice
        .send(
            "PATCH",
            &format!("/channels/{dm}"),
            Some(json!({"archived": true})),
            &[],
        )
        .await;
    assert_error(&r, 409, "DIRECT_MESSAGE");
    let r = bob
        .send(
            "DELETE",
            &format!("/channels/{general}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_error(&r, 409, "NOT_PRIVATE");

    // Leaving a private channel: it is gone from Bob's list, and its messages with it.
    let inner = alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "inner", "kind": "private", "members": [bob_id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = bob
        .send(
            "DELETE",
            &format!("/channels/{inner}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    let listed = bob.get(&format!("/workspaces/{ws}/channels")).await.body;
    assert!(!listed.as_array().unwrap().iter().any(|c| c["id"] == inner));
    assert_error(
        &bob.get(&format!("/channels/{inner}/messages")).await,
        404,
        "NOT_FOUND",
    );
    // Taking out someone who is not in it: 404.
    let r = alice
        .send(
            "DELETE",
            &format!("/channels/{inner}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_error(&r, 404, "NOT_FOUND");
}
