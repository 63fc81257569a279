//! Small things at rest and on the wire (issue 10, finding 7): the server's files are
//! its own, API answers are never cached, names cannot hide characters, and a direct
//! message survives its member being removed and invited back.

mod common;

use common::{assert_error, spawn, spawn_with, user, Client};
use huddle_server::config::Database;
use serde_json::json;

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A new data directory is 0700 and every file in it 0600 (the SQLite file and its
/// journal, the master key, the secret salt, a backup); a data directory and database
/// that others could read are tightened at start. (Before: default permissions, e.g.
/// 0755 and 0644.)
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_servers_files_are_its_own() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    // Under a umask that lets everyone read, as on many servers.
    let data = tmp.path().join("new/data");
    let sqlite = |c: &Database| matches!(c, Database::Sqlite(_));
    let server = spawn_with(|c| {
        c.data_dir = data.clone();
        if sqlite(&c.database) {
            c.database = Database::Sqlite(data.join("huddle.sqlite"));
        }
    })
    .await;
    let (mut alice, _) = user(&server, "alice").await;
    common::workspace(&mut alice, "W").await;
    assert_eq!(mode(&data), 0o700, "the data directory");
    for f in ["master-key", "secret-salt"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    if sqlite(&server.database) {
        for f in ["huddle.sqlite", "huddle.sqlite-wal", "huddle.sqlite-shm"] {
            assert_eq!(mode(&data.join(f)), 0o600, "{f}");
        }
        let backup = tmp.path().join("backup.sqlite");
        server.db.backup_to(&backup).await.unwrap();
        assert_eq!(mode(&backup), 0o600, "a backup");
    }

    // An earlier install, readable by all: tightened when a server starts on it.
    let old = tmp.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = old.join("huddle.sqlite");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = spawn_with(|c| {
        c.data_dir = old.clone();
        c.database = Database::Sqlite(db.clone());
    })
    .await;
    assert_eq!(mode(&old), 0o700);
    assert_eq!(mode(&db), 0o600);
    drop(again);
}

/// Every API answer says `Cache-Control: no-store`, errors included. (Before: none.)
#[tokio::test(flavor = "multi_thread")]
async fn api_answers_are_not_cached() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    for path in [
        "/auth/session",
        "/workspaces",
        "/no/such/route",
        "/messages/999999",
    ] {
        let r = alice.get(path).await;
        assert_eq!(
            r.headers["cache-control"], "no-store",
            "{path}: {}",
            r.status
        );
    }
    let r = Client::new(&server)
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": "wrong password"}),
        )
        .await;
    assert_eq!(r.headers["cache-control"], "no-store");
}

/// Names cannot carry direction overrides or invisible characters (which make one name
/// pass for another, or reverse the text beside it). (Before: accepted.)
#[tokio::test(flavor = "multi_thread")]
async fn names_cannot_hide_characters() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, _) = common::workspace(&mut alice, "W").await;
    for bad in [
        "Bob\u{200B}",
        "\u{202E}nimda",
        "Al\u{200D}ice",
        "\u{2066}x\u{2069}",
    ] {
        let mut c = Client::new(&server);
        let r = c
            .post(
                "/auth/signup",
                json!({"username": "mallory", "email": "m@example.com", "password": "long enough password", "display_name": bad}),
            )
            .await;
        assert_error(&r, 400, "INVALID_INPUT");
        let r = alice.post("/workspaces", json!({"name": bad})).await;
        assert_error(&r, 400, "INVALID_INPUT");
        let r = alice
            .post(
                &format!("/workspaces/{ws}/channels"),
                json!({"name": bad, "kind": "public"}),
            )
            .await;
        assert_error(&r, 400, "INVALID_INPUT");
    }
    // An emoji built with a zero-width joiner is a name like any other.
    let r = alice
        .post("/workspaces", json!({"name": "👩\u{200D}💻 Devs"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

/// Alice removes Bob from the workspace, then invites him back: their direct message
/// opens again for both. (Before: Bob's membership of it was gone for good: 404.)
#[tokio::test(flavor = "multi_thread")]
async fn a_direct_message_survives_removal_and_return() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws, _) = common::workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let dm = common::direct(&mut alice, ws, bob_id).await;
    let r = bob
        .post(
            &format!("/channels/{dm}/messages"),
            json!({"body": "before"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let r = alice
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    // Bob opens the conversation with Alice: the same one, with its history.
    let r = bob
        .post(
            &format!("/workspaces/{ws}/direct"),
            json!({"user_id": alice_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], dm);
    let page = bob.get(&format!("/channels/{dm}/messages")).await;
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!(page.body["messages"][0]["body"], "before");
    let r = bob
        .post(
            &format!("/channels/{dm}/messages"),
            json!({"body": "after"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}
