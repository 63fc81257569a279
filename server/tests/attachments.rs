//! Files attached to messages: uploaded to a channel (seen by its readers only, in no
//! Drive listing, deleted with their message) or taken from the workspace's Drive (shown
//! while they are there).

mod common;

use common::{assert_error, b64, spawn, user, workspace, Client, Server};
use serde_json::{json, Value};

/// Uploads `bytes` as `name` with tus metadata `extra` (`channel <b64>` or `parent
/// <b64>`); returns the reply.
async fn upload_with(c: &mut Client, ws: i64, name: &str, extra: &str, bytes: &[u8]) -> i64 {
    let mut meta = format!("filename {}", b64(name));
    if !extra.is_empty() {
        meta.push(',');
        meta.push_str(extra);
    }
    let r = c
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            bytes.to_vec(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", &bytes.len().to_string()),
                ("upload-metadata", &meta),
                ("content-type", "application/offset+octet-stream"),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.headers["huddle-file-id"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Uploads `bytes` to channel `channel` for a message there.
async fn upload_to_channel(c: &mut Client, ws: i64, channel: i64, name: &str, bytes: &[u8]) -> i64 {
    let extra = format!("channel {}", b64(&channel.to_string()));
    upload_with(c, ws, name, &extra, bytes).await
}

/// Posts a message with files.
async fn post(c: &mut Client, channel: i64, body: &str, files: &[i64]) -> common::Reply {
    c.post(
        &format!("/channels/{channel}/messages"),
        json!({ "body": body, "attachments": files }),
    )
    .await
}

/// The bytes of `file` for `c` (through a download token), or the status refusing it.
async fn read(c: &mut Client, file: i64) -> Result<Vec<u8>, u16> {
    let r = c
        .post(&format!("/drive/files/{file}/download"), json!({}))
        .await;
    if r.status != 200 {
        return Err(r.status);
    }
    let url = r.body["url"].as_str().unwrap().to_owned();
    let (status, _, bytes) = c.fetch_raw(&url, &[]).await;
    assert_eq!(status, 200);
    Ok(bytes)
}

/// The names of the top of the drive.
async fn top(c: &mut Client, ws: i64) -> Vec<String> {
    let l = c.get(&format!("/workspaces/{ws}/drive")).await;
    assert_eq!(l.status, 200, "{:?}", l.body);
    l.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The attachments of message `id` as `c` sees it.
async fn attachments(c: &mut Client, id: i64) -> Vec<Value> {
    let m = c.get(&format!("/messages/{id}")).await;
    assert_eq!(m.status, 200, "{:?}", m.body);
    m.body["attachments"].as_array().unwrap().clone()
}

/// Ann's workspace with Bob and Cyd in it, and a private channel of Ann and Bob.
async fn three() -> (Server, [(Client, i64); 3], i64, i64, i64) {
    let server = spawn().await;
    let (mut ann, ann_id) = user(&server, "ann").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut cyd, cyd_id) = user(&server, "cyd").await;
    let (ws, general) = workspace(&mut ann, "Files").await;
    common::add_member(&mut ann, ws, &mut bob, "bob").await;
    common::add_member(&mut ann, ws, &mut cyd, "cyd").await;
    let private = ann
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "plans", "kind": "private", "members": [bob_id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    (
        server,
        [(ann, ann_id), (bob, bob_id), (cyd, cyd_id)],
        ws,
        general,
        private,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_file_is_for_its_readers_only_and_goes_with_its_message() {
    let (server, [(mut ann, _), (mut bob, _), (mut cyd, _)], ws, general, private) = three().await;
    let bytes = b"the plan, in a private channel".to_vec();
    let file = upload_to_channel(&mut ann, ws, private, "plan.txt", &bytes).await;
    // In no listing or search of Drive, and announced to no one yet.
    assert!(top(&mut ann, ws).await.is_empty());
    let found = ann
        .get(&format!("/workspaces/{ws}/drive/search?q=plan"))
        .await;
    assert_eq!(found.body, json!([]), "{:?}", found.body);

    // Attached, with no text: shown to the channel's readers.
    let r = post(&mut ann, private, "  ", &[file]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let message = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["body"], "");
    assert_eq!(r.body["attachments"][0]["item"]["name"], "plan.txt");
    assert_eq!(r.body["attachments"][0]["item"]["channel_id"], private);
    let seen = attachments(&mut bob, message).await;
    assert_eq!(seen[0]["item"]["size"], bytes.len());
    assert_eq!(read(&mut bob, file).await, Ok(bytes.clone()));
    let thumb = bob.get(&format!("/drive/files/{file}/thumbnail")).await;
    assert_ne!(thumb.status, 200, "a text file has no thumbnail");

    // Cyd, in the workspace but not in the channel, finds nothing.
    assert_error(
        &cyd.get(&format!("/drive/items/{file}")).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(read(&mut cyd, file).await, Err(404));
    assert_error(
        &cyd.post(
            &format!("/drive/items/{file}/copy"),
            json!({"parent_id": null}),
        )
        .await,
        404,
        "NOT_FOUND",
    );

    // It changes only with its message.
    for (method, path, body) in [
        (
            "PATCH",
            format!("/drive/items/{file}"),
            json!({"name": "x.txt"}),
        ),
        (
            "PATCH",
            format!("/drive/items/{file}"),
            json!({"parent_id": null}),
        ),
        ("POST", format!("/drive/items/{file}/trash"), json!({})),
        (
            "POST",
            format!("/drive/items/{file}/shares"),
            json!({"mode": "view"}),
        ),
    ] {
        let r = ann.send(method, &path, Some(body), &[]).await;
        assert_error(&r, 409, "ATTACHMENT");
    }
    let r = ann
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            Vec::new(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "1"),
                (
                    "upload-metadata",
                    &format!("filename {},replaces {}", b64("v2"), b64(&file.to_string())),
                ),
            ],
        )
        .await;
    assert_error(&r, 409, "ATTACHMENT");

    // Attached once: not again, not by someone else, not elsewhere.
    assert_error(
        &post(&mut ann, private, "again", &[file]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );
    assert_error(
        &post(&mut bob, private, "mine now", &[file]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );
    let other = upload_to_channel(&mut ann, ws, private, "other.txt", b"x").await;
    assert_error(
        &post(&mut ann, general, "wrong room", &[other]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );

    // Bob saves a copy in Drive: it is his to keep.
    let r = bob
        .post(
            &format!("/drive/items/{file}/copy"),
            json!({"parent_id": null}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let copy = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["channel_id"], Value::Null);
    assert_eq!(top(&mut cyd, ws).await, vec!["plan.txt".to_owned()]);

    // The message deleted, its file goes; the copy stays whole.
    let r = ann
        .send("DELETE", &format!("/messages/{message}"), None, &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["attachments"], json!([]));
    assert_error(
        &ann.get(&format!("/drive/items/{file}")).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(read(&mut cyd, copy).await, Ok(bytes));
    assert_eq!(
        server
            .count("SELECT count(*) FROM message_attachments")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drive_file_shows_while_it_is_in_the_drive() {
    let (server, [(mut ann, _), (mut bob, _), _], ws, general, _) = three().await;
    let folder = ann
        .post(
            &format!("/workspaces/{ws}/drive/folders"),
            json!({"name": "Reports", "parent_id": null}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let parent = format!("parent {}", b64(&folder.to_string()));
    let file = upload_with(&mut ann, ws, "q3.txt", &parent, b"third quarter").await;
    let r = post(&mut ann, general, "the report", &[file]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let message = r.body["id"].as_i64().unwrap();
    assert_eq!(attachments(&mut bob, message).await[0]["item"]["id"], file);
    // Bob may attach it too: it is the workspace's.
    assert_eq!(post(&mut bob, general, "again", &[file]).await.status, 201);

    // Its folder in the trash: no longer available; back, shown again.
    let r = ann
        .post(&format!("/drive/items/{folder}/trash"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        attachments(&mut bob, message).await,
        vec![json!({"item": null})]
    );
    assert_error(
        &post(&mut ann, general, "trashed", &[file]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );
    ann.post(&format!("/drive/items/{folder}/restore"), json!({}))
        .await;
    assert_eq!(
        attachments(&mut bob, message).await[0]["item"]["name"],
        "q3.txt"
    );

    // Deleting the message leaves the file in Drive.
    ann.send("DELETE", &format!("/messages/{message}"), None, &[])
        .await;
    assert_eq!(read(&mut bob, file).await, Ok(b"third quarter".to_vec()));

    // Deleted for good: the other message says so.
    let other = post(&mut ann, general, "once more", &[file]).await.body["id"]
        .as_i64()
        .unwrap();
    ann.post(&format!("/drive/items/{folder}/trash"), json!({}))
        .await;
    let r = ann
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/drive/trash"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        attachments(&mut bob, other).await,
        vec![json!({"item": null})]
    );
    assert_eq!(
        server
            .count("SELECT count(*) FROM message_attachments WHERE item_id IS NULL")
            .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn what_cannot_be_attached_is_refused_and_nothing_posted() {
    let (server, [(mut ann, _), (mut bob, _), _], ws, general, _) = three().await;
    let (other_ws, _) = workspace(&mut bob, "Elsewhere").await;
    let elsewhere = upload_with(&mut bob, other_ws, "theirs.txt", "", b"not here").await;
    let mine = upload_with(&mut ann, ws, "mine.txt", "", b"here").await;
    assert_error(
        &post(&mut bob, general, "cross", &[elsewhere]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );
    assert_error(
        &post(&mut ann, general, "no such", &[987_654]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );
    assert_error(
        &post(&mut ann, general, "twice", &[mine, mine]).await,
        400,
        "INVALID_INPUT",
    );
    let many: Vec<i64> = (1..=11).collect();
    assert_error(
        &post(&mut ann, general, "many", &many).await,
        400,
        "INVALID_INPUT",
    );
    assert_error(
        &post(&mut ann, general, " ", &[]).await,
        400,
        "INVALID_INPUT",
    );
    let page = ann.get(&format!("/channels/{general}/messages")).await;
    assert_eq!(page.body["messages"], json!([]), "{:?}", page.body);
    // A folder is not a file.
    let folder = ann
        .post(
            &format!("/workspaces/{ws}/drive/folders"),
            json!({"name": "F", "parent_id": null}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    assert_error(
        &post(&mut ann, general, "folder", &[folder]).await,
        422,
        "ATTACHMENT_UNAVAILABLE",
    );
    // An upload for a channel one cannot read, or of another workspace, is refused.
    let extra = format!("channel {}", b64(&general.to_string()));
    let r = bob
        .send_bytes(
            "POST",
            &format!("/workspaces/{other_ws}/drive/uploads"),
            Vec::new(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "1"),
                ("upload-metadata", &format!("filename {},{extra}", b64("x"))),
            ],
        )
        .await;
    assert_error(&r, 404, "NOT_FOUND");
    // The message with only a file may not lose it by an edit to no text... but may
    // lose its text.
    let f = upload_to_channel(&mut ann, ws, general, "a.txt", b"a").await;
    let id = post(&mut ann, general, "words", &[f]).await.body["id"]
        .as_i64()
        .unwrap();
    let r = ann
        .send(
            "PATCH",
            &format!("/messages/{id}"),
            Some(json!({"body": ""})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["body"], "");
    let plain = post(&mut ann, general, "plain", &[]).await.body["id"]
        .as_i64()
        .unwrap();
    let r = ann
        .send(
            "PATCH",
            &format!("/messages/{plain}"),
            Some(json!({"body": " "})),
            &[],
        )
        .await;
    assert_error(&r, 400, "INVALID_INPUT");
    // A reply in a thread takes files too.
    let f = upload_to_channel(&mut ann, ws, general, "reply.txt", b"r").await;
    let r = ann
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "", "thread_root_id": plain, "attachments": [f]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let replies = bob.get(&format!("/messages/{plain}/replies")).await;
    assert_eq!(
        replies.body["messages"][0]["attachments"][0]["item"]["name"],
        "reply.txt"
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_a_draft_is_its_uploaders_alone_until_sent_and_can_be_deleted_at_once() {
    let (server, [(mut ann, _), (mut bob, _), _], ws, general, _) = three().await;
    let shot = upload_to_channel(&mut ann, ws, general, "image.png", b"not sent yet").await;
    // Not sent: Bob, who reads #general, finds nothing of it.
    assert_error(
        &bob.get(&format!("/drive/items/{shot}")).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(read(&mut bob, shot).await, Err(404));
    assert_error(
        &bob.post(
            &format!("/drive/items/{shot}/copy"),
            json!({"parent_id": null}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    // Taken out of the draft: deleted at once, bytes and all.
    let r = ann
        .send("DELETE", &format!("/drive/items/{shot}"), None, &[])
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(
        &ann.get(&format!("/drive/items/{shot}")).await,
        404,
        "NOT_FOUND",
    );
    // Pasted screenshots share a name: each one is kept as named, none refused.
    let one = upload_to_channel(&mut ann, ws, general, "image.png", b"one").await;
    let two = upload_to_channel(&mut ann, ws, general, "image.png", b"two").await;
    let r = post(&mut ann, general, "", &[one, two]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["attachments"][1]["item"]["name"], "image.png");
    // Sent: the channel's readers see it; no one deletes it but with its message.
    assert_eq!(read(&mut bob, two).await, Ok(b"two".to_vec()));
    for who in [&mut ann, &mut bob] {
        let r = who
            .send("DELETE", &format!("/drive/items/{one}"), None, &[])
            .await;
        assert_error(&r, 409, "USE_TRASH");
    }
    // A file of the drive: to the trash.
    let drive_file = upload_with(&mut ann, ws, "kept.txt", "", b"kept").await;
    let r = ann
        .send("DELETE", &format!("/drive/items/{drive_file}"), None, &[])
        .await;
    assert_error(&r, 409, "USE_TRASH");
    drop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_messages_sent_at_once_do_not_both_take_a_file() {
    let (_server, [(mut ann, _), _, _], ws, general, _) = three().await;
    let file = upload_to_channel(&mut ann, ws, general, "once.txt", b"once").await;
    let mut other = Client::new(&_server);
    other.cookie = ann.cookie.clone();
    let files = [file];
    let (a, b) = tokio::join!(
        post(&mut ann, general, "first", &files),
        post(&mut other, general, "second", &files)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 422], "{:?} {:?}", a.body, b.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_file_never_attached_is_removed_after_a_day() {
    let (server, [(mut ann, _), _, _], ws, general, _) = three().await;
    let kept = upload_to_channel(&mut ann, ws, general, "kept.txt", b"kept").await;
    let left = upload_to_channel(&mut ann, ws, general, "left.txt", b"left").await;
    assert_eq!(post(&mut ann, general, "", &[kept]).await.status, 201);
    let purge = || huddle_server::api::drive::tus::purge_expired(&server.state);
    // Fresh: both stay.
    assert_eq!(purge().await.unwrap(), 0);
    server
        .exec("UPDATE drive_items SET created_at = 1", vec![])
        .await;
    assert_eq!(purge().await.unwrap(), 1);
    assert_error(
        &ann.get(&format!("/drive/items/{left}")).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(read(&mut ann, kept).await, Ok(b"kept".to_vec()));
    let used = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(used.body["used"], 4);
}
