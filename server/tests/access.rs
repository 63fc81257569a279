//! The authorization matrix: for every route that names a workspace, a channel or a
//! message, each kind of outsider gets `404 NOT_FOUND` (never 403, which would confirm
//! that the thing exists), and nothing they sent changed anything:
//!
//! * a stranger (not in the workspace), on every channel, public ones included,
//! * a workspace member outside a private channel,
//! * a workspace member outside a direct message between two others,
//! * a former member (removed from the workspace),
//!
//! on channels and messages, on Drive's folders, files and uploads, and on Tasks' boards,
//! lists and tasks.
//!
//! And every state-changing route refuses a signed-in request without CSRF proof.

mod common;

use common::{assert_error, b64, spawn, user, Client};
use serde_json::{json, Value};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("an id in {v}"))
}

/// A request of the matrix: method, path, body.
type Call = (&'static str, String, Option<Value>);

/// Every route that reaches into one channel: its messages, members, read position, a
/// message and a reply of it, their reactions, its realtime room.
fn channel_routes(channel: i64, message: i64, reply: i64, someone: i64) -> Vec<Call> {
    vec![
        ("GET", format!("/channels/{channel}/messages"), None),
        (
            "POST",
            format!("/channels/{channel}/messages"),
            Some(json!({"body": "intruder"})),
        ),
        (
            "POST",
            format!("/channels/{channel}/messages"),
            Some(json!({"body": "intruder", "thread_root_id": message})),
        ),
        (
            "POST",
            format!("/channels/{channel}/members"),
            Some(json!({"user_id": someone})),
        ),
        (
            "PUT",
            format!("/channels/{channel}/read"),
            Some(json!({"last_read_id": message})),
        ),
        ("GET", format!("/channels/{channel}/members"), None),
        (
            "DELETE",
            format!("/channels/{channel}/members/{someone}"),
            None,
        ),
        (
            "PATCH",
            format!("/channels/{channel}"),
            Some(json!({"topic": "intruder", "archived": true})),
        ),
        ("GET", format!("/messages/{message}"), None),
        ("GET", format!("/messages/{reply}"), None),
        (
            "PATCH",
            format!("/messages/{message}"),
            Some(json!({"body": "intruder"})),
        ),
        ("DELETE", format!("/messages/{reply}"), None),
        ("GET", format!("/messages/{message}/replies"), None),
        ("PUT", format!("/messages/{message}/reactions/x"), None),
        ("DELETE", format!("/messages/{message}/reactions/y"), None),
        ("PUT", format!("/messages/{message}/pin"), None),
        ("DELETE", format!("/messages/{message}/pin"), None),
        ("GET", format!("/channels/{channel}/pins"), None),
        (
            "PUT",
            format!("/channels/{channel}/notifications"),
            Some(json!({"level": "nothing"})),
        ),
        (
            "POST",
            "/realtime/join".to_owned(),
            Some(json!({"collection": format!("channel:{channel}")})),
        ),
    ]
}

/// Every route that reaches into a workspace as a whole.
fn workspace_routes(ws: i64, someone: i64) -> Vec<Call> {
    vec![
        ("GET", format!("/workspaces/{ws}/channels"), None),
        (
            "POST",
            format!("/workspaces/{ws}/channels"),
            Some(json!({"name": "intruders"})),
        ),
        ("GET", format!("/workspaces/{ws}/members"), None),
        (
            "PATCH",
            format!("/workspaces/{ws}"),
            Some(json!({"name": "intruders"})),
        ),
        (
            "PATCH",
            format!("/workspaces/{ws}/members/{someone}"),
            Some(json!({"role": "owner"})),
        ),
        (
            "POST",
            format!("/workspaces/{ws}/invitations"),
            Some(json!({"user": "mallory"})),
        ),
        ("GET", format!("/workspaces/{ws}/invitations"), None),
        (
            "POST",
            format!("/workspaces/{ws}/invite-links"),
            Some(json!({"expires_in_hours": 1, "max_uses": 1})),
        ),
        ("GET", format!("/workspaces/{ws}/invite-links"), None),
        (
            "DELETE",
            format!("/workspaces/{ws}/members/{someone}"),
            None,
        ),
        (
            "POST",
            format!("/workspaces/{ws}/direct"),
            Some(json!({"user_id": someone})),
        ),
        (
            "POST",
            "/realtime/join".to_owned(),
            Some(json!({"collection": format!("workspace:{ws}")})),
        ),
        ("GET", format!("/workspaces/{ws}/boards"), None),
        (
            "POST",
            format!("/workspaces/{ws}/boards"),
            Some(json!({"name": "x"})),
        ),
        (
            "POST",
            "/realtime/join".to_owned(),
            Some(json!({"collection": format!("tasks:{ws}")})),
        ),
        ("GET", format!("/workspaces/{ws}/search?q=eyes"), None),
        // Drive.
        ("GET", format!("/workspaces/{ws}/drive"), None),
        (
            "POST",
            format!("/workspaces/{ws}/drive/folders"),
            Some(json!({"name": "intruders"})),
        ),
        ("GET", format!("/workspaces/{ws}/drive/trash"), None),
        ("DELETE", format!("/workspaces/{ws}/drive/trash"), None),
        ("GET", format!("/workspaces/{ws}/drive/usage"), None),
        ("GET", format!("/workspaces/{ws}/drive/shares"), None),
        (
            "POST",
            format!("/workspaces/{ws}/drive/download"),
            Some(json!({"ids": [1]})),
        ),
        (
            "GET",
            format!("/workspaces/{ws}/drive/search?q=plans"),
            None,
        ),
        (
            "POST",
            "/realtime/join".to_owned(),
            Some(json!({"collection": format!("drive:{ws}")})),
        ),
    ]
}

/// Every JSON route into one Drive item (a folder and a file) and a share link.
fn drive_routes(folder: i64, file: i64, share: i64) -> Vec<Call> {
    vec![
        ("GET", format!("/drive/items/{file}/shares"), None),
        ("GET", format!("/drive/files/{file}/content"), None),
        ("GET", format!("/drive/files/{file}/versions"), None),
        (
            "POST",
            format!("/drive/files/{file}/versions/1/restore"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("/drive/folders/{folder}/download"),
            Some(json!({})),
        ),
        ("GET", format!("/drive/files/{file}/thumbnail"), None),
        ("GET", format!("/drive/files/{file}/page"), None),
        ("DELETE", format!("/drive/items/{file}"), None),
        (
            "POST",
            format!("/drive/items/{folder}/shares"),
            Some(json!({})),
        ),
        ("DELETE", format!("/drive/shares/{share}"), None),
        ("GET", format!("/drive/folders/{folder}"), None),
        ("GET", format!("/drive/items/{file}"), None),
        (
            "PATCH",
            format!("/drive/items/{file}"),
            Some(json!({"name": "taken"})),
        ),
        (
            "PATCH",
            format!("/drive/items/{file}"),
            Some(json!({"parent_id": null})),
        ),
        (
            "POST",
            format!("/drive/items/{folder}/trash"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("/drive/items/{file}/restore"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("/drive/items/{folder}/copy"),
            Some(json!({})),
        ),
        (
            "POST",
            format!("/drive/files/{file}/download"),
            Some(json!({})),
        ),
    ]
}

/// Every route into a board, its list and its task.
fn tasks_routes(board: i64, list: i64, task: i64, label: i64, item: i64) -> Vec<Call> {
    vec![
        ("GET", format!("/boards/{board}/archive"), None),
        (
            "POST",
            format!("/boards/{board}/labels"),
            Some(json!({"name": "x"})),
        ),
        (
            "PATCH",
            format!("/labels/{label}"),
            Some(json!({"name": "taken"})),
        ),
        ("DELETE", format!("/labels/{label}"), None),
        (
            "POST",
            format!("/tasks/{task}/checklist"),
            Some(json!({"text": "x"})),
        ),
        (
            "PATCH",
            format!("/checklist/{item}"),
            Some(json!({"checked": true})),
        ),
        ("DELETE", format!("/checklist/{item}"), None),
        ("GET", format!("/boards/{board}"), None),
        (
            "PATCH",
            format!("/boards/{board}"),
            Some(json!({"name": "taken"})),
        ),
        (
            "POST",
            format!("/boards/{board}/lists"),
            Some(json!({"name": "x"})),
        ),
        (
            "PATCH",
            format!("/lists/{list}"),
            Some(json!({"name": "taken"})),
        ),
        (
            "POST",
            format!("/lists/{list}/move"),
            Some(json!({"after_id": null})),
        ),
        (
            "POST",
            format!("/lists/{list}/tasks"),
            Some(json!({"title": "x"})),
        ),
        ("GET", format!("/tasks/{task}"), None),
        (
            "PATCH",
            format!("/tasks/{task}"),
            Some(json!({"title": "taken"})),
        ),
        (
            "POST",
            format!("/tasks/{task}/move"),
            Some(json!({"list_id": list, "after_id": null})),
        ),
        ("DELETE", format!("/tasks/{task}"), None),
    ]
}

async fn all_not_found(who: &str, c: &mut Client, calls: Vec<Call>) {
    for (method, path, body) in calls {
        let r = c.send(method, &path, body, &[]).await;
        assert_eq!(r.status, 404, "{who}: {method} {path}: {:?}", r.body);
        assert_eq!(
            r.body["error"]["code"], "NOT_FOUND",
            "{who}: {method} {path}"
        );
    }
}

/// What an insider sees of a channel: every message and reply with its revision, the
/// channel's members' view of it. Compared before and after the outsiders' attempts.
async fn snapshot(insider: &mut Client, channel: i64, root: i64) -> Value {
    let page = insider
        .get(&format!("/channels/{channel}/messages"))
        .await
        .body;
    let replies = insider.get(&format!("/messages/{root}/replies")).await.body;
    json!([page, replies])
}

#[tokio::test(flavor = "multi_thread")]
async fn outsiders_get_not_found_on_every_route_and_change_nothing() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut carol, carol_id) = user(&server, "carol").await;
    let (mut dave, dave_id) = user(&server, "dave").await;
    let (mut stranger, _) = user(&server, "mallory").await;

    let ws = id(&alice
        .post("/workspaces", json!({"name": "Acme"}))
        .await
        .body);
    for (c, name) in [
        (&mut bob, "bob"),
        (&mut carol, "carol"),
        (&mut dave, "dave"),
    ] {
        common::add_member(&mut alice, ws, c, name).await;
    }
    // A private channel of Alice and Carol, with a message, a reply and a reaction.
    let secret = id(&alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "secret", "kind": "private"}),
        )
        .await
        .body);
    let r = alice
        .post(
            &format!("/channels/{secret}/members"),
            json!({"user_id": carol_id}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // A direct message between Alice and Carol.
    let dm = id(&alice
        .post(
            &format!("/workspaces/{ws}/direct"),
            json!({"user_id": carol_id}),
        )
        .await
        .body);
    // And the public #general, which every member reads (but no outsider).
    let channels = alice.get(&format!("/workspaces/{ws}/channels")).await.body;
    let general = id(channels
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "general")
        .unwrap());
    let mut posted = vec![];
    for channel in [secret, dm, general] {
        let root = id(&alice
            .post(
                &format!("/channels/{channel}/messages"),
                json!({"body": "for our eyes"}),
            )
            .await
            .body);
        let reply = id(&carol
            .post(
                &format!("/channels/{channel}/messages"),
                json!({"body": "only", "thread_root_id": root}),
            )
            .await
            .body);
        for (m, emoji) in [(root, "y"), (reply, "x")] {
            let r = carol
                .send(
                    "PUT",
                    &format!("/messages/{m}/reactions/{emoji}"),
                    None,
                    &[],
                )
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
        posted.push((channel, root, reply));
    }
    // A folder with a file in it, in Alice's Drive.
    let folder = id(&alice
        .post(
            &format!("/workspaces/{ws}/drive/folders"),
            json!({"name": "Secret plans"}),
        )
        .await
        .body);
    let up = alice
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            b"plans".to_vec(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "5"),
                (
                    "upload-metadata",
                    &format!("filename cGxhbnMudHh0,parent {}", b64(&folder.to_string())),
                ),
                ("content-type", "application/offset+octet-stream"),
            ],
        )
        .await;
    assert_eq!(up.status, 201, "{:?}", up.body);
    let file: i64 = up.headers["huddle-file-id"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let share = id(&alice
        .post(&format!("/drive/items/{file}/shares"), json!({}))
        .await
        .body);
    let drive_before = alice.get(&format!("/drive/folders/{folder}")).await.body;
    // A board with a list and a task.
    let board = id(&alice
        .post(
            &format!("/workspaces/{ws}/boards"),
            json!({"name": "Plans"}),
        )
        .await
        .body);
    let list = id(&alice
        .post(&format!("/boards/{board}/lists"), json!({"name": "To do"}))
        .await
        .body);
    let task = id(&alice
        .post(&format!("/lists/{list}/tasks"), json!({"title": "Plan"}))
        .await
        .body);
    let label = id(&alice
        .post(
            &format!("/boards/{board}/labels"),
            json!({"name": "urgent"}),
        )
        .await
        .body);
    let item = id(&alice
        .post(
            &format!("/tasks/{task}/checklist"),
            json!({"text": "first"}),
        )
        .await
        .body["checklist"][0]);
    let board_before = alice.get(&format!("/boards/{board}")).await.body;
    // Dave is removed from the workspace.
    let r = alice
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{dave_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);

    let mut before = vec![];
    for &(channel, root, _) in &posted {
        before.push(snapshot(&mut alice, channel, root).await);
    }

    // Bob is a member of the workspace but of neither channel: they are not listed, and
    // every route into them is "not found".
    let listed: Vec<i64> = bob
        .get(&format!("/workspaces/{ws}/channels"))
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert!(
        !listed.contains(&secret) && !listed.contains(&dm),
        "{listed:?}"
    );
    for &(channel, root, reply) in &posted[..2] {
        all_not_found(
            "member outside the channel",
            &mut bob,
            channel_routes(channel, root, reply, bob_id),
        )
        .await;
    }
    // Their search finds only #general's messages.
    let found = bob
        .get(&format!("/workspaces/{ws}/search?q=eyes"))
        .await
        .body;
    let channels: Vec<i64> = found["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["channel_id"].as_i64().unwrap())
        .collect();
    assert_eq!(channels, [general], "{found}");
    // The stranger and the former member: every workspace and channel route, the public
    // channel's too.
    for (who, c) in [("stranger", &mut stranger), ("former member", &mut dave)] {
        all_not_found(who, c, workspace_routes(ws, carol_id)).await;
        for &(channel, root, reply) in &posted {
            all_not_found(who, c, channel_routes(channel, root, reply, carol_id)).await;
        }
        all_not_found(who, c, drive_routes(folder, file, share)).await;
        all_not_found(who, c, tasks_routes(board, list, task, label, item)).await;
        // Nor can they upload into it.
        let r = c
            .send_bytes(
                "POST",
                &format!("/workspaces/{ws}/drive/uploads"),
                Vec::new(),
                &[
                    ("tus-resumable", "1.0.0"),
                    ("upload-length", "1"),
                    ("upload-metadata", "filename eA=="),
                ],
            )
            .await;
        assert_error(&r, 404, "NOT_FOUND");
        assert_eq!(c.get("/workspaces").await.body, json!([]), "{who}");
    }

    // Nothing the outsiders sent changed anything.
    for (i, &(channel, root, _)) in posted.iter().enumerate() {
        assert_eq!(snapshot(&mut alice, channel, root).await, before[i]);
    }
    let members = alice.get(&format!("/workspaces/{ws}/members")).await.body;
    assert_eq!(members.as_array().unwrap().len(), 3, "{members}");
    assert_eq!(
        alice.get(&format!("/drive/folders/{folder}")).await.body,
        drive_before
    );
    assert_eq!(
        alice.get(&format!("/boards/{board}")).await.body,
        board_before
    );
}

/// Every state-changing route refuses a signed-in request without CSRF proof (no
/// `X-Requested-With: huddle`, or a cross-site fetch), before it does anything.
#[tokio::test(flavor = "multi_thread")]
async fn every_state_change_needs_csrf_proof() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let ws = id(&alice
        .post("/workspaces", json!({"name": "Acme"}))
        .await
        .body);
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let general = id(&alice.get(&format!("/workspaces/{ws}/channels")).await.body[0]);
    let m = id(&alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "untouched"}),
        )
        .await
        .body);
    let before = alice.get(&format!("/messages/{m}")).await.body;

    let calls: Vec<Call> = vec![
        ("POST", "/auth/signout".into(), Some(json!({}))),
        ("POST", "/auth/sessions/end-others".into(), Some(json!({}))),
        (
            "POST",
            "/auth/totp/setup".into(),
            Some(json!({"password": "long enough password"})),
        ),
        (
            "POST",
            "/auth/passkeys/register/start".into(),
            Some(json!({})),
        ),
        ("DELETE", "/auth/passkeys/1".into(), None),
        (
            "POST",
            "/auth/totp/disable".into(),
            Some(json!({"password": "long enough password"})),
        ),
        (
            "POST",
            "/auth/password".into(),
            Some(json!({"current": "long enough password", "new": "another long password"})),
        ),
        ("POST", "/workspaces".into(), Some(json!({"name": "x"}))),
        (
            "POST",
            format!("/workspaces/{ws}/invitations"),
            Some(json!({"user": "carol"})),
        ),
        (
            "POST",
            format!("/workspaces/{ws}/invite-links"),
            Some(json!({"expires_in_hours": 1, "max_uses": 1})),
        ),
        ("DELETE", format!("/workspaces/{ws}/members/{bob_id}"), None),
        (
            "POST",
            format!("/workspaces/{ws}/channels"),
            Some(json!({"name": "x"})),
        ),
        (
            "POST",
            format!("/workspaces/{ws}/direct"),
            Some(json!({"user_id": bob_id})),
        ),
        (
            "POST",
            format!("/channels/{general}/members"),
            Some(json!({"user_id": bob_id})),
        ),
        (
            "PUT",
            format!("/channels/{general}/read"),
            Some(json!({"last_read_id": m})),
        ),
        (
            "POST",
            format!("/channels/{general}/messages"),
            Some(json!({"body": "forged"})),
        ),
        (
            "PATCH",
            format!("/messages/{m}"),
            Some(json!({"body": "forged"})),
        ),
        ("DELETE", format!("/messages/{m}"), None),
        ("PUT", format!("/messages/{m}/reactions/x"), None),
        ("DELETE", format!("/messages/{m}/reactions/x"), None),
        ("PUT", format!("/messages/{m}/pin"), None),
        ("DELETE", format!("/messages/{m}/pin"), None),
        (
            "PUT",
            format!("/channels/{general}/notifications"),
            Some(json!({"level": "all"})),
        ),
        (
            "POST",
            "/realtime/join".into(),
            Some(json!({"collection": format!("channel:{general}")})),
        ),
        ("POST", "/realtime/ticket".into(), Some(json!({}))),
        (
            "POST",
            format!("/workspaces/{ws}/drive/folders"),
            Some(json!({"name": "x"})),
        ),
        ("DELETE", format!("/workspaces/{ws}/drive/trash"), None),
        ("PATCH", "/drive/items/1".into(), Some(json!({"name": "x"}))),
        ("POST", "/drive/items/1/trash".into(), Some(json!({}))),
        ("POST", "/drive/items/1/restore".into(), Some(json!({}))),
        ("POST", "/drive/files/1/download".into(), Some(json!({}))),
        ("POST", format!("/workspaces/{ws}/drive/uploads"), None),
        ("PATCH", "/drive/uploads/x".into(), None),
        ("DELETE", "/drive/uploads/x".into(), None),
        ("POST", "/drive/items/1/shares".into(), Some(json!({}))),
        ("DELETE", "/drive/shares/1".into(), None),
        (
            "POST",
            "/public/share/unlock".into(),
            Some(json!({"password": "x"})),
        ),
        ("POST", "/public/share/files/1/download".into(), None),
        ("POST", "/public/share/uploads".into(), None),
        ("POST", "/drive/folders/1/download".into(), Some(json!({}))),
        (
            "POST",
            "/drive/files/1/versions/1/restore".into(),
            Some(json!({})),
        ),
        ("POST", "/public/share/folders/1/download".into(), None),
        ("PATCH", "/public/uploads/x".into(), None),
        ("DELETE", "/public/uploads/x".into(), None),
        (
            "POST",
            format!("/workspaces/{ws}/boards"),
            Some(json!({"name": "x"})),
        ),
        ("PATCH", "/boards/1".into(), Some(json!({"name": "x"}))),
        ("POST", "/boards/1/lists".into(), Some(json!({"name": "x"}))),
        ("PATCH", "/lists/1".into(), Some(json!({"name": "x"}))),
        (
            "POST",
            "/lists/1/move".into(),
            Some(json!({"after_id": null})),
        ),
        ("POST", "/lists/1/tasks".into(), Some(json!({"title": "x"}))),
        ("PATCH", "/tasks/1".into(), Some(json!({"title": "x"}))),
        (
            "POST",
            "/tasks/1/move".into(),
            Some(json!({"list_id": 1, "after_id": null})),
        ),
        ("DELETE", "/tasks/1".into(), None),
        (
            "POST",
            "/boards/1/labels".into(),
            Some(json!({"name": "x"})),
        ),
        ("PATCH", "/labels/1".into(), Some(json!({"name": "x"}))),
        ("DELETE", "/labels/1".into(), None),
        (
            "POST",
            "/tasks/1/checklist".into(),
            Some(json!({"text": "x"})),
        ),
        (
            "PATCH",
            "/checklist/1".into(),
            Some(json!({"checked": true})),
        ),
        ("DELETE", "/checklist/1".into(), None),
    ];
    for (method, path, body) in calls {
        // No X-Requested-With (the client sends it unless told to send an empty one).
        let r = alice
            .send(method, &path, body.clone(), &[("x-requested-with", "")])
            .await;
        assert_error(&r, 403, "CSRF");
        // The header, but from another site.
        let r = alice
            .send(
                method,
                &path,
                body.clone(),
                &[("sec-fetch-site", "cross-site")],
            )
            .await;
        assert_error(&r, 403, "CSRF");
        let r = alice
            .send(method, &path, body, &[("origin", "http://evil.example")])
            .await;
        assert_error(&r, 403, "CSRF");
    }
    // Still signed in, nothing changed.
    assert_eq!(alice.get(&format!("/messages/{m}")).await.body, before);
    assert_eq!(
        alice
            .get("/workspaces")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        alice
            .get(&format!("/workspaces/{ws}/members"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
