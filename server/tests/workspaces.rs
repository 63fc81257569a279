//! Workspaces, channels and messages over real HTTP: membership, authorization (a
//! non-member gets 404 on every route), pagination, threads, edits, deletes, reactions,
//! unread counts.

mod common;

use common::{assert_error, spawn, user};
use serde_json::{json, Value};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_channels_messages_end_to_end() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut carol, carol_id) = user(&server, "carol").await;

    // A workspace with #general.
    let r = alice.post("/workspaces", json!({"name": "Acme"})).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["role"], "owner");
    let ws = id(&r.body);
    let chans = alice.get(&format!("/workspaces/{ws}/channels")).await.body;
    assert_eq!(chans[0]["name"], "general");
    let general = id(&chans[0]);

    // Bob is not a member yet: nothing is visible.
    assert_error(
        &bob.get(&format!("/workspaces/{ws}/channels")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &bob.get(&format!("/channels/{general}/messages")).await,
        404,
        "NOT_FOUND",
    );

    // Invited by username (any case), Bob accepts (server/tests/invitations.rs has the rest).
    common::add_member(&mut alice, ws, &mut bob, "Bob").await;
    let members = alice.get(&format!("/workspaces/{ws}/members")).await.body;
    assert_eq!(members.as_array().unwrap().len(), 2);
    assert_eq!(bob.get("/workspaces").await.body[0]["role"], "member");

    // Bob posts; Alice has one unread until she marks it read.
    let r = bob
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "hello *world*"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let hello = id(&r.body);
    assert_eq!(r.body["author"]["username"], "bob");
    assert_eq!(
        alice.get(&format!("/workspaces/{ws}/channels")).await.body[0]["unread"],
        1
    );
    assert_eq!(
        bob.get(&format!("/workspaces/{ws}/channels")).await.body[0]["unread"],
        0,
        "own messages are read"
    );
    let r = alice
        .send(
            "PUT",
            &format!("/channels/{general}/read"),
            Some(json!({"last_read_id": hello})),
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    let listed = alice.get(&format!("/workspaces/{ws}/channels")).await.body;
    assert_eq!(listed[0]["unread"], 0);
    // The read position itself (where the app draws its "New messages" line).
    assert_eq!(listed[0]["last_read_id"], hello);
    // Posting moves one's own read position to one's message.
    assert_eq!(
        bob.get(&format!("/workspaces/{ws}/channels")).await.body[0]["last_read_id"],
        hello
    );

    // Pagination: 120 more messages, walked back with cursors, no gap, no duplicate.
    for i in 0..120 {
        let r = alice
            .post(
                &format!("/channels/{general}/messages"),
                json!({"body": format!("m{i}")}),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let mut seen = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let q = match before {
            Some(b) => format!("/channels/{general}/messages?limit=50&before={b}"),
            None => format!("/channels/{general}/messages?limit=50"),
        };
        let page = bob.get(&q).await.body;
        let ids: Vec<i64> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "each page oldest first"
        );
        seen.splice(0..0, ids);
        match page["next_before"].as_i64() {
            Some(b) => before = Some(b),
            None => break,
        }
    }
    assert_eq!(seen.len(), 121);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(seen[0], hello);

    // Opening the list at a message: the window around it, then paging either way.
    let ids_of = |page: &Value| -> Vec<i64> {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect()
    };
    let target = seen[60];
    let page = bob
        .get(&format!(
            "/channels/{general}/messages?limit=20&around={target}"
        ))
        .await
        .body;
    assert_eq!(
        ids_of(&page),
        seen[50..70],
        "half a page older, the rest from it on"
    );
    assert_eq!(page["next_before"], seen[50]);
    assert_eq!(page["next_after"], seen[69]);
    // Newer pages from there reach the newest message, then stop.
    let mut after = page["next_after"].as_i64();
    let mut forward = ids_of(&page);
    while let Some(a) = after {
        let page = bob
            .get(&format!("/channels/{general}/messages?limit=25&after={a}"))
            .await
            .body;
        assert_eq!(page["next_before"], ids_of(&page)[0], "older ones exist");
        forward.extend(ids_of(&page));
        after = page["next_after"].as_i64();
    }
    assert_eq!(forward, seen[50..], "nothing skipped or repeated");
    // At either end the other side fills the page, and says there is nothing further.
    let page = bob
        .get(&format!(
            "/channels/{general}/messages?limit=20&around={hello}"
        ))
        .await
        .body;
    assert_eq!(ids_of(&page), seen[..20]);
    assert!(page["next_before"].is_null());
    let newest = *seen.last().unwrap();
    let page = bob
        .get(&format!(
            "/channels/{general}/messages?limit=20&around={newest}"
        ))
        .await
        .body;
    assert_eq!(ids_of(&page), seen[101..]);
    assert!(page["next_after"].is_null());
    // The newest page has nothing newer; an older page knows that newer ones exist.
    let page = bob
        .get(&format!("/channels/{general}/messages?limit=20"))
        .await
        .body;
    assert!(page["next_after"].is_null());
    let page = bob
        .get(&format!(
            "/channels/{general}/messages?limit=20&before={target}"
        ))
        .await
        .body;
    assert_eq!(ids_of(&page), seen[40..60]);
    assert_eq!(page["next_after"], seen[59]);
    assert_error(
        &bob.get(&format!(
            "/channels/{general}/messages?before={target}&after=1"
        ))
        .await,
        400,
        "INVALID_INPUT",
    );
    assert_error(
        &bob.get(&format!("/channels/{general}/messages?limit=0"))
            .await,
        400,
        "INVALID_INPUT",
    );
    assert_error(
        &bob.get(&format!("/channels/{general}/messages?limit=x"))
            .await,
        400,
        "INVALID_INPUT",
    );

    // Threads. Every change to a message raises its revision (clients keep the newer copy).
    let rev = |m: &Value| m["revision"].as_i64().expect("revision");
    let mut last = rev(&bob.get(&format!("/messages/{hello}")).await.body);
    let mut newer = |m: &Value, what: &str| {
        assert!(rev(m) > last, "{what} raises the revision");
        last = rev(m);
    };
    let r = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "reply", "thread_root_id": hello}),
        )
        .await;
    assert_eq!(r.status, 201);
    let reply = id(&r.body);
    let root = bob.get(&format!("/messages/{hello}")).await.body;
    assert_eq!(root["reply_count"], 1);
    newer(&root, "a reply");
    let r = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "short-lived reply", "thread_root_id": hello}),
        )
        .await;
    let short = id(&r.body);
    newer(
        &bob.get(&format!("/messages/{hello}")).await.body,
        "a second reply",
    );
    let r = alice
        .send("DELETE", &format!("/messages/{short}"), None, &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let root = bob.get(&format!("/messages/{hello}")).await.body;
    assert_eq!(root["reply_count"], 1);
    newer(&root, "a reply deleted");
    let replies = bob.get(&format!("/messages/{hello}/replies")).await.body;
    assert_eq!(replies["messages"][0]["body"], "reply");
    let r = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "nested", "thread_root_id": reply}),
        )
        .await;
    assert_error(&r, 400, "INVALID_INPUT");
    let root_page = bob
        .get(&format!("/channels/{general}/messages?limit=100"))
        .await
        .body;
    assert!(
        root_page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| id(m) != reply),
        "replies stay in threads"
    );

    // Edit and delete: authors only.
    let r = alice
        .send(
            "PATCH",
            &format!("/messages/{hello}"),
            Some(json!({"body": "hijack"})),
            &[],
        )
        .await;
    assert_error(&r, 403, "NOT_AUTHOR");
    let r = bob
        .send(
            "PATCH",
            &format!("/messages/{hello}"),
            Some(json!({"body": "hello, edited"})),
            &[],
        )
        .await;
    assert_eq!(r.body["body"], "hello, edited");
    assert!(r.body["edited_at"].as_i64().is_some());
    newer(&r.body, "an edit");

    // Reactions.
    let r = bob
        .send("PUT", &format!("/messages/{hello}/reactions/👍"), None, &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["reactions"],
        json!([{"emoji": "👍", "count": 1, "user_ids": [bob_id]}])
    );
    newer(&r.body, "a reaction");
    let r = alice
        .send("PUT", &format!("/messages/{hello}/reactions/👍"), None, &[])
        .await;
    assert_eq!(
        r.body["reactions"],
        json!([{"emoji": "👍", "count": 2, "user_ids": [bob_id, alice_id]}])
    );
    let r = bob
        .send(
            "DELETE",
            &format!("/messages/{hello}/reactions/👍"),
            None,
            &[],
        )
        .await;
    assert_eq!(
        r.body["reactions"],
        json!([{"emoji": "👍", "count": 1, "user_ids": [alice_id]}])
    );
    newer(&r.body, "a reaction taken back");

    let r = bob
        .send("DELETE", &format!("/messages/{hello}"), None, &[])
        .await;
    assert_eq!(r.body["deleted"], true);
    assert_eq!(r.body["body"], Value::Null);
    newer(&r.body, "a deletion");
    assert_eq!(r.body["reactions"], json!([]));
    let r = bob
        .send(
            "PATCH",
            &format!("/messages/{hello}"),
            Some(json!({"body": "again"})),
            &[],
        )
        .await;
    assert_error(&r, 409, "DELETED");
    assert_error(
        &bob.post(
            &format!("/channels/{general}/messages"),
            json!({"body": "   "}),
        )
        .await,
        400,
        "INVALID_INPUT",
    );

    // Private channels and direct messages.
    let r = alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "secret", "kind": "private"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let secret = id(&r.body);
    let bob_sees: Vec<String> = bob
        .get(&format!("/workspaces/{ws}/channels"))
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bob_sees, ["general"]);
    assert_error(
        &bob.get(&format!("/channels/{secret}/messages")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &alice
            .post(
                &format!("/workspaces/{ws}/channels"),
                json!({"name": "Secret"}),
            )
            .await,
        409,
        "CHANNEL_EXISTS",
    );
    let r = alice
        .post(
            &format!("/channels/{secret}/members"),
            json!({"user_id": bob_id}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        bob.get(&format!("/channels/{secret}/messages"))
            .await
            .status,
        200
    );
    assert_error(
        &alice
            .post(
                &format!("/channels/{secret}/members"),
                json!({"user_id": carol_id}),
            )
            .await,
        400,
        "NOT_A_MEMBER",
    );

    let dm = alice
        .post(
            &format!("/workspaces/{ws}/direct"),
            json!({"user_id": bob_id}),
        )
        .await;
    assert_eq!(dm.status, 200, "{:?}", dm.body);
    assert_eq!(dm.body["kind"], "direct");
    assert_eq!(dm.body["name"], "bob");
    let again = bob
        .post(
            &format!("/workspaces/{ws}/direct"),
            json!({"user_id": alice_id}),
        )
        .await;
    assert_eq!(id(&again.body), id(&dm.body));
    assert_eq!(again.body["name"], "alice");

    // Carol, a stranger, sees none of it (every route: tests/access.rs).
    assert_error(
        &carol
            .get(&format!("/channels/{}/messages", id(&dm.body)))
            .await,
        404,
        "NOT_FOUND",
    );

    // Membership changes: members cannot remove others; owners can; the last owner stays.
    assert_error(
        &bob.send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{}", alice_id),
            None,
            &[],
        )
        .await,
        403,
        "FORBIDDEN",
    );
    assert_eq!(
        alice
            .send(
                "DELETE",
                &format!("/workspaces/{ws}/members/{bob_id}"),
                None,
                &[]
            )
            .await
            .status,
        204
    );
    assert_error(
        &bob.get(&format!("/channels/{secret}/messages")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &bob.get(&format!("/channels/{general}/messages")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &alice
            .send(
                "DELETE",
                &format!("/workspaces/{ws}/members/{}", alice_id),
                None,
                &[],
            )
            .await,
        409,
        "LAST_OWNER",
    );
}

/// Only admins and owners invite: a member cannot bring back someone an owner removed
/// (issue 10, finding 5). (Before: any member could invite anyone.)
#[tokio::test(flavor = "multi_thread")]
async fn only_admins_and_owners_invite() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (mut carol, carol_id) = user(&server, "carol").await;
    let (ws, _) = common::workspace(&mut alice, "W").await;
    let members = format!("/workspaces/{ws}/members");
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    common::add_member(&mut alice, ws, &mut carol, "carol").await;
    let r = alice
        .send("DELETE", &format!("{members}/{carol_id}"), None, &[])
        .await;
    assert!(r.status < 300, "{:?}", r.body);
    // Bob, a member, cannot undo that.
    let invitations = format!("/workspaces/{ws}/invitations");
    let r = bob.post(&invitations, json!({"user": "carol"})).await;
    assert_error(&r, 403, "FORBIDDEN");
    assert_eq!(carol.get("/invitations").await.body, json!([]));
    let list = alice.get(&members).await.body;
    assert!(!list.to_string().contains("\"carol\""), "{list}");
}
