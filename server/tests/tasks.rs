//! Tasks: boards, lists and tasks in order; moves that never lose or duplicate a task,
//! whatever others do at the same time; archived and deleted tasks; live events in the
//! workspace's encrypted tasks room.

mod common;

use std::time::Duration;

use common::{assert_error, relay_socket, spawn, user, workspace, Client};
use crypto_wasm::{Envelope, RoomKeyring};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

async fn created(c: &mut Client, path: &str, body: Value) -> i64 {
    let r = c.post(path, body).await;
    assert_eq!(r.status, 201, "{path}: {:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

async fn board(c: &mut Client, ws: i64, name: &str) -> i64 {
    created(
        c,
        &format!("/workspaces/{ws}/boards"),
        json!({ "name": name }),
    )
    .await
}

async fn list(c: &mut Client, board: i64, name: &str) -> i64 {
    created(
        c,
        &format!("/boards/{board}/lists"),
        json!({ "name": name }),
    )
    .await
}

async fn task(c: &mut Client, list: i64, title: &str) -> i64 {
    created(
        c,
        &format!("/lists/{list}/tasks"),
        json!({ "title": title }),
    )
    .await
}

async fn move_task(c: &mut Client, task: i64, list: i64, after: Option<i64>) -> Value {
    let r = c
        .post(
            &format!("/tasks/{task}/move"),
            json!({ "list_id": list, "after_id": after }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

async fn patch(c: &mut Client, path: &str, body: Value) -> common::Reply {
    c.send("PATCH", path, Some(body), &[]).await
}

/// The board as `c` sees it: each list's name with its tasks' titles, in order.
async fn layout(c: &mut Client, board: i64) -> Vec<(String, Vec<String>)> {
    let v = c.get(&format!("/boards/{board}")).await;
    assert_eq!(v.status, 200, "{:?}", v.body);
    v.body["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let tasks = l["tasks"].as_array().unwrap();
            // The order given is the order of the ranks.
            let ranks: Vec<&str> = tasks.iter().map(|t| t["rank"].as_str().unwrap()).collect();
            assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
            (
                l["list"]["name"].as_str().unwrap().to_owned(),
                tasks
                    .iter()
                    .map(|t| t["title"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn names(l: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    l.iter()
        .map(|(n, t)| (n.to_string(), t.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_and_tasks_keep_the_order_people_give_them() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, _) = workspace(&mut alice, "Acme").await;
    let b = board(&mut alice, ws, "Launch").await;
    let todo = list(&mut alice, b, "To do").await;
    let doing = list(&mut alice, b, "Doing").await;
    let done = list(&mut alice, b, "Done").await;
    let t1 = task(&mut alice, todo, "one").await;
    let t2 = task(&mut alice, todo, "two").await;
    let t3 = created(
        &mut alice,
        &format!("/lists/{todo}/tasks"),
        json!({"title": "zero", "at": "top"}),
    )
    .await;
    assert_eq!(
        layout(&mut alice, b).await,
        names(&[
            ("To do", &["zero", "one", "two"]),
            ("Doing", &[]),
            ("Done", &[])
        ])
    );

    // Within a list, to another list, to the top.
    let moved = move_task(&mut alice, t3, todo, Some(t2)).await;
    assert_eq!(moved["revision"], 2);
    move_task(&mut alice, t1, doing, None).await;
    move_task(&mut alice, t2, doing, Some(t1)).await;
    assert_eq!(
        layout(&mut alice, b).await,
        names(&[
            ("To do", &["zero"]),
            ("Doing", &["one", "two"]),
            ("Done", &[])
        ])
    );
    // A neighbour that is no longer in the list (moved meanwhile): the bottom.
    move_task(&mut alice, t3, doing, Some(t3)).await;
    move_task(&mut alice, t1, done, None).await;
    move_task(&mut alice, t2, doing, Some(t1)).await;
    assert_eq!(
        layout(&mut alice, b).await,
        names(&[
            ("To do", &[]),
            ("Doing", &["zero", "two"]),
            ("Done", &["one"])
        ])
    );

    // Lists move too; "after" a list of another board (or none) means last.
    let r = alice
        .post(&format!("/lists/{done}/move"), json!({"after_id": null}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let other = board(&mut alice, ws, "Other").await;
    let elsewhere = list(&mut alice, other, "Elsewhere").await;
    let r = alice
        .post(
            &format!("/lists/{todo}/move"),
            json!({"after_id": elsewhere}),
        )
        .await;
    assert_eq!(r.status, 200);
    let order: Vec<String> = layout(&mut alice, b)
        .await
        .into_iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(order, ["Done", "Doing", "To do"]);

    // A task cannot go to another board's list.
    assert_error(
        &alice
            .post(
                &format!("/tasks/{t1}/move"),
                json!({"list_id": elsewhere, "after_id": null}),
            )
            .await,
        404,
        "NOT_FOUND",
    );

    // Fields; done; archived (out of the board, back to its place when restored).
    let r = patch(
        &mut alice,
        &format!("/tasks/{t2}"),
        json!({"title": "two!", "description": "**soon**", "done": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["description"], "**soon**");
    assert!(r.body["done_at"].is_i64());
    let r = patch(
        &mut alice,
        &format!("/tasks/{t3}"),
        json!({"archived": true}),
    )
    .await;
    assert!(r.body["archived_at"].is_i64());
    assert_eq!(
        layout(&mut alice, b).await[1],
        ("Doing".to_owned(), vec!["two!".to_owned()])
    );
    assert_error(&move_task_raw(&mut alice, t3, doing).await, 409, "ARCHIVED");
    assert_error(
        &patch(&mut alice, &format!("/tasks/{t3}"), json!({"title": "x"})).await,
        409,
        "ARCHIVED",
    );
    let r = patch(
        &mut alice,
        &format!("/tasks/{t3}"),
        json!({"archived": false}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        layout(&mut alice, b).await[1].1,
        ["zero".to_owned(), "two!".to_owned()]
    );
    assert_eq!(
        alice.get(&format!("/tasks/{t3}")).await.body["title"],
        "zero"
    );

    // Bad input: a clear error, nothing made.
    for body in [
        json!({"title": ""}),
        json!({"title": "a\u{0007}b"}),
        json!({"title": "x".repeat(501)}),
        json!({"title": "ok", "description": "d".repeat(16_001)}),
        json!({"title": "ok", "color": "red"}),
    ] {
        assert_error(
            &alice.post(&format!("/lists/{todo}/tasks"), body).await,
            400,
            "INVALID_INPUT",
        );
    }
    assert_error(
        &alice
            .post(
                &format!("/workspaces/{ws}/boards"),
                json!({"name": "x", "color": "mauve"}),
            )
            .await,
        400,
        "INVALID_INPUT",
    );
    assert_eq!(layout(&mut alice, b).await[2].1.len(), 0);

    // An archived board is read-only until restored.
    let r = patch(
        &mut alice,
        &format!("/boards/{b}"),
        json!({"archived": true, "color": "teal"}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["color"], "teal");
    assert_error(
        &alice
            .post(&format!("/boards/{b}/lists"), json!({"name": "x"}))
            .await,
        409,
        "ARCHIVED",
    );
    assert_error(&move_task_raw(&mut alice, t1, doing).await, 409, "ARCHIVED");
    let r = patch(
        &mut alice,
        &format!("/boards/{b}"),
        json!({"archived": false}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body["archived_at"].is_null());
    let all = alice.get(&format!("/workspaces/{ws}/boards")).await.body;
    assert_eq!(all.as_array().unwrap().len(), 2);
}

async fn move_task_raw(c: &mut Client, task: i64, list: i64) -> common::Reply {
    c.post(
        &format!("/tasks/{task}/move"),
        json!({"list_id": list, "after_id": null}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_is_deleted_by_its_creator_or_a_manager() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (ws, _) = workspace(&mut alice, "Acme").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let b = board(&mut alice, ws, "B").await;
    let l = list(&mut bob, b, "L").await;
    let hers = task(&mut alice, l, "hers").await;
    let his = task(&mut bob, l, "his").await;
    let theirs = task(&mut bob, l, "theirs").await;
    assert_error(
        &bob.send("DELETE", &format!("/tasks/{hers}"), None, &[])
            .await,
        403,
        "FORBIDDEN",
    );
    assert_eq!(
        bob.send("DELETE", &format!("/tasks/{his}"), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(
        alice
            .send("DELETE", &format!("/tasks/{theirs}"), None, &[])
            .await
            .status,
        204
    );
    assert_error(&bob.get(&format!("/tasks/{his}")).await, 404, "NOT_FOUND");
    assert_eq!(layout(&mut alice, b).await[0].1, ["hers"]);
}

/// Many people moving the same tasks at once: every move is applied whole, one after
/// the other, so every task is in exactly one place and everyone reads the same board.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_moves_lose_and_duplicate_nothing() {
    const CLIENTS: usize = 16;
    const MOVES: usize = 40;
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, _) = workspace(&mut alice, "Acme").await;
    let b = board(&mut alice, ws, "Busy").await;
    let mut lists = Vec::new();
    for name in ["A", "B", "C"] {
        lists.push(list(&mut alice, b, name).await);
    }
    let mut tasks = Vec::new();
    for i in 0..30 {
        tasks.push(task(&mut alice, lists[i % 3], &format!("t{i}")).await);
    }
    let mut people = Vec::new();
    for i in 0..CLIENTS {
        let name = format!("mover{i}");
        let (mut c, _) = user(&server, &name).await;
        common::add_member(&mut alice, ws, &mut c, &name).await;
        people.push(c);
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let mut runs = Vec::new();
    for (i, mut c) in people.into_iter().enumerate() {
        let (tasks, lists, barrier) = (tasks.clone(), lists.clone(), barrier.clone());
        runs.push(tokio::spawn(async move {
            // A small deterministic generator per client: the same run every time.
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1);
            let mut next = move |n: usize| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % n as u64) as usize
            };
            for _ in 0..MOVES {
                let t = tasks[next(tasks.len())];
                // Half the moves go to the top of the first list, all at once: the
                // same gap for everyone. The others go anywhere, after a task that may
                // well be elsewhere by now, or at the top.
                let (l, after) = match next(4) {
                    0 | 1 => (lists[0], None),
                    2 => (lists[next(lists.len())], None),
                    _ => (lists[next(lists.len())], Some(tasks[next(tasks.len())])),
                };
                let r = c
                    .post(
                        &format!("/tasks/{t}/move"),
                        json!({"list_id": l, "after_id": after}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{:?}", r.body);
            }
            // Then everyone at the same instant: a task each to the top of the last list.
            barrier.wait().await;
            let r = c
                .post(
                    &format!("/tasks/{}/move", tasks[i]),
                    json!({"list_id": lists[2], "after_id": null}),
                )
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            c
        }));
    }
    let mut people = Vec::new();
    for r in runs {
        people.push(r.await.unwrap());
    }
    let seen = layout(&mut alice, b).await;
    let mut all: Vec<String> = seen.iter().flat_map(|l| l.1.clone()).collect();
    all.sort();
    let mut expected: Vec<String> = (0..30).map(|i| format!("t{i}")).collect();
    expected.sort();
    assert_eq!(all, expected, "every task exactly once");
    for c in &mut people {
        assert_eq!(layout(c, b).await, seen, "everyone reads the same board");
    }
    // Each task's revision counts its moves: 1 + every move applied.
    let v = alice.get(&format!("/boards/{b}")).await.body;
    let revisions: i64 = v["lists"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["tasks"].as_array().unwrap().iter())
        .map(|t| t["revision"].as_i64().unwrap() - 1)
        .sum();
    assert!(
        revisions >= (CLIENTS * MOVES) as i64,
        "{revisions} revisions for {} moves",
        CLIENTS * MOVES
    );
}

/// Inserting again and again into one gap makes ranks longer; past a bound the list's
/// ranks are spread out again, in the same order, in the same transaction.
#[tokio::test(flavor = "multi_thread")]
async fn ranks_are_spread_out_again_when_they_grow_long() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, _) = workspace(&mut alice, "Acme").await;
    let b = board(&mut alice, ws, "Deep").await;
    let l = list(&mut alice, b, "L").await;
    let first = task(&mut alice, l, "first").await;
    task(&mut alice, l, "last").await;
    let mut expected = vec!["first".to_owned(), "last".to_owned()];
    let mut longest = 0;
    for i in 0..330 {
        let t = task(&mut alice, l, &format!("n{i}")).await;
        let m = move_task(&mut alice, t, l, Some(first)).await;
        longest = longest.max(m["rank"].as_str().unwrap().len());
        expected.insert(1, format!("n{i}"));
    }
    assert!(longest <= 48, "ranks stay at most 48 characters: {longest}");
    let seen = layout(&mut alice, b).await;
    assert_eq!(seen[0].1, expected);
    // They were spread: the ranks of the first ones changed, with their revisions.
    let first = alice.get(&format!("/tasks/{first}")).await.body;
    assert!(first["revision"].as_i64().unwrap() > 1, "{first}");
}

/// The next app event on `socket`, opened with `ring`.
async fn next(socket: &mut common::Socket, ring: &mut RoomKeyring) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a frame within 5 s")
            .unwrap()
            .unwrap();
        let f: Value = serde_json::from_str(&msg.into_text().unwrap()).unwrap();
        if f["type"] == "event" {
            let env: Envelope = serde_json::from_value(f["data"].clone()).unwrap();
            return serde_json::from_str(&ring.decrypt(&env).unwrap()).unwrap();
        }
    }
}

/// Changes reach the workspace's tasks room, sealed under its key.
#[tokio::test(flavor = "multi_thread")]
async fn changes_are_announced_in_the_tasks_room() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (mut carol, _) = user(&server, "carol").await;
    let (ws, _) = workspace(&mut alice, "Acme").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let collection = json!({ "collection": format!("tasks:{ws}") });
    assert_error(
        &carol.post("/realtime/join", collection.clone()).await,
        404,
        "NOT_FOUND",
    );
    let j = bob.post("/realtime/join", collection).await;
    assert_eq!(j.status, 200, "{:?}", j.body);
    let room = j.body["room"].as_str().unwrap().to_owned();
    let mut ring = RoomKeyring::new(&room);
    ring.set_key(
        j.body["key"].as_str().unwrap(),
        j.body["key_version"].as_str().unwrap(),
    )
    .unwrap();
    let mut ws_socket = relay_socket(&mut bob).await;
    ws_socket
        .send(Message::Text(
            json!({"type": "subscribe", "room": room})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let b = board(&mut alice, ws, "Live").await;
    let e = next(&mut ws_socket, &mut ring).await;
    assert_eq!(
        (e["type"].as_str(), e["board"]["name"].as_str()),
        (Some("board"), Some("Live"))
    );
    let l = list(&mut alice, b, "L").await;
    assert_eq!(next(&mut ws_socket, &mut ring).await["type"], "list");
    let t = task(&mut alice, l, "fresh").await;
    let e = next(&mut ws_socket, &mut ring).await;
    assert_eq!(
        (e["type"].as_str(), e["task"]["id"].as_i64()),
        (Some("task"), Some(t))
    );
    move_task(&mut alice, t, l, None).await;
    assert_eq!(next(&mut ws_socket, &mut ring).await["task"]["revision"], 2);
    alice
        .send("DELETE", &format!("/tasks/{t}"), None, &[])
        .await;
    assert_eq!(
        next(&mut ws_socket, &mut ring).await,
        json!({"type": "task_deleted", "board_id": b, "id": t})
    );
}

/// Labels of the board, assignees among the workspace's members, a checklist; the
/// archive lists what left the board.
#[tokio::test(flavor = "multi_thread")]
async fn labels_assignees_checklists_and_the_archive() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (_, carol_id) = user(&server, "carol").await;
    let (ws, _) = workspace(&mut alice, "Acme").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let b = board(&mut alice, ws, "B").await;
    let other = board(&mut alice, ws, "Other").await;
    let l = list(&mut alice, b, "L").await;
    let urgent = created(
        &mut alice,
        &format!("/boards/{b}/labels"),
        json!({"name": "urgent", "color": "red"}),
    )
    .await;
    let elsewhere = created(
        &mut alice,
        &format!("/boards/{other}/labels"),
        json!({"name": "elsewhere"}),
    )
    .await;
    let t = created(
        &mut alice,
        &format!("/lists/{l}/tasks"),
        json!({"title": "ship", "assignees": [bob_id, alice_id, bob_id], "labels": [urgent]}),
    )
    .await;
    let got = alice.get(&format!("/tasks/{t}")).await.body;
    assert_eq!(got["assignees"], json!([alice_id, bob_id]));
    assert_eq!(got["labels"], json!([urgent]));
    // Carol is no member; the other board's label is not this board's.
    for body in [
        json!({"assignees": [carol_id]}),
        json!({"labels": [elsewhere]}),
    ] {
        assert_error(
            &patch(&mut alice, &format!("/tasks/{t}"), body).await,
            400,
            "INVALID_INPUT",
        );
    }
    let r = patch(
        &mut bob,
        &format!("/tasks/{t}"),
        json!({"assignees": [bob_id]}),
    )
    .await;
    assert_eq!(r.body["assignees"], json!([bob_id]));
    // The checklist, in order; each change a new revision of the task.
    let before = r.body["revision"].as_i64().unwrap();
    let mut item_ids = Vec::new();
    for text in ["write", "test", "ship"] {
        let r = bob
            .post(&format!("/tasks/{t}/checklist"), json!({ "text": text }))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        item_ids.push(
            r.body["checklist"].as_array().unwrap().last().unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let r = patch(
        &mut bob,
        &format!("/checklist/{}", item_ids[0]),
        json!({"checked": true}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let texts: Vec<&str> = r.body["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["write", "test", "ship"]);
    assert!(r.body["checklist"][0]["checked_at"].is_i64());
    assert!(r.body["checklist"][1]["checked_at"].is_null());
    assert_eq!(r.body["revision"].as_i64().unwrap(), before + 4);
    let r = bob
        .send("DELETE", &format!("/checklist/{}", item_ids[1]), None, &[])
        .await;
    assert_eq!(r.body["checklist"].as_array().unwrap().len(), 2);
    assert_error(
        &bob.post(&format!("/tasks/{t}/checklist"), json!({"text": ""}))
            .await,
        400,
        "INVALID_INPUT",
    );
    // The board view carries the labels and every task's details.
    let v = alice.get(&format!("/boards/{b}")).await.body;
    assert_eq!(v["labels"][0]["name"], "urgent");
    assert_eq!(
        v["lists"][0]["tasks"][0]["checklist"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A label deleted: its tasks lose it.
    assert_eq!(
        alice
            .send("DELETE", &format!("/labels/{urgent}"), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(
        alice.get(&format!("/tasks/{t}")).await.body["labels"],
        json!([])
    );

    // The archive: an archived task, and an archived list with its tasks.
    let kept = task(&mut alice, l, "kept").await;
    let l2 = list(&mut alice, b, "Old").await;
    let inside = task(&mut alice, l2, "inside").await;
    patch(
        &mut alice,
        &format!("/tasks/{kept}"),
        json!({"archived": true}),
    )
    .await;
    patch(
        &mut alice,
        &format!("/lists/{l2}"),
        json!({"archived": true}),
    )
    .await;
    let a = alice.get(&format!("/boards/{b}/archive")).await.body;
    assert_eq!(a["tasks"][0]["id"], kept);
    assert_eq!(a["lists"][0]["list"]["id"], l2);
    assert_eq!(a["lists"][0]["tasks"][0]["id"], inside);
    let v = layout(&mut alice, b).await;
    assert_eq!(v, names(&[("L", &["ship"])]));
    // A task of an archived list moves back to a list in use.
    move_task(&mut alice, inside, l, None).await;
    assert_eq!(
        layout(&mut alice, b).await,
        names(&[("L", &["inside", "ship"])])
    );
}
