//! One's display name and settings (`PATCH /auth/me`): kept on the server, shown to
//! others, and the default notification level of channels.

mod common;

use common::{assert_error, spawn, user, workspace};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn the_profile_changes_what_is_given_and_keeps_the_rest() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (ws, general) = workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;

    // Defaults.
    let me = alice.get("/auth/me").await.body;
    assert_eq!(
        me["preferences"],
        json!({"theme": "system", "language": "auto", "notify_default": "mentions"})
    );

    let patch = |body| ("/auth/me".to_owned(), Some(body));
    let (p, b) = patch(json!({"display_name": "  Alice M.  ", "theme": "dark"}));
    let r = alice.send("PATCH", &p, b, &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["display_name"], "Alice M.");
    assert_eq!(r.body["preferences"]["theme"], "dark");
    let (p, b) = patch(json!({"language": "fr", "notify_default": "all"}));
    let r = alice.send("PATCH", &p, b, &[]).await;
    assert_eq!(
        (r.body["display_name"].as_str(), &r.body["preferences"]),
        (
            Some("Alice M."),
            &json!({"theme": "dark", "language": "fr", "notify_default": "all"})
        )
    );
    // Kept: a new session sees the same.
    assert_eq!(alice.get("/auth/me").await.body, r.body);

    // Others see the new name; the default level applies to channels set to nothing.
    let m = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "renamed"}),
        )
        .await;
    assert_eq!(m.body["author"]["display_name"], "Alice M.");
    let members = bob.get(&format!("/workspaces/{ws}/members")).await.body;
    assert!(members
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["display_name"] == "Alice M."));
    let list = alice.get(&format!("/workspaces/{ws}/channels")).await.body;
    assert_eq!(list[0]["notify"], "all");
    let list = bob.get(&format!("/workspaces/{ws}/channels")).await.body;
    assert_eq!(list[0]["notify"], "mentions");

    // Bad input: a clear error, nothing changed.
    for body in [
        json!({}),
        json!({"display_name": " "}),
        json!({"display_name": "a\u{202E}b"}),
        json!({"display_name": "x".repeat(65)}),
        json!({"theme": "blue"}),
        json!({"language": "de"}),
        json!({"email": "x@example.com"}),
    ] {
        let (p, b) = patch(body.clone());
        assert_error(&alice.send("PATCH", &p, b, &[]).await, 400, "INVALID_INPUT");
    }
    assert_eq!(alice.get("/auth/me").await.body, r.body);
}
