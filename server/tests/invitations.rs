//! Invitations a person accepts or declines, and invite links (issue 10). The answers to
//! an invitation never tell whether an account exists (finding 5).

mod common;

use common::{assert_error, spawn, user, Client};
use serde_json::{json, Value};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("an id in {v}"))
}

/// The invitations `c` sees, as (workspace name, invited by).
async fn mine(c: &mut Client) -> Vec<(String, String)> {
    let r = c.get("/invitations").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["workspace_name"].as_str().unwrap().to_owned(),
                i["invited_by"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn invitations_are_accepted_or_declined_and_say_nothing_about_accounts() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut carol, _) = user(&server, "carol").await;
    let (ws, _) = common::workspace(&mut alice, "Acme").await;
    let sent = format!("/workspaces/{ws}/invitations");

    // An account that exists and a name nobody has get the same kind of answer: 201 and
    // the same fields, holding only what was typed.
    let real = alice.post(&sent, json!({"user": "bob@example.com"})).await;
    let ghost = alice
        .post(&sent, json!({"user": "nobody@example.com"}))
        .await;
    assert_eq!((real.status, ghost.status), (201, 201));
    let shape = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(shape(&real.body), shape(&ghost.body));
    assert_eq!(real.body["user"], "bob@example.com");
    assert_eq!(ghost.body["user"], "nobody@example.com");
    assert_eq!(real.body["invited_by"], ghost.body["invited_by"]);
    // The admins' list shows both as pending, alike.
    let list = alice.get(&sent).await.body;
    let users: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["user"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["nobody@example.com", "bob@example.com"]);
    // Inviting the same name again renews it rather than adding another.
    assert_eq!(
        alice
            .post(&sent, json!({"user": "nobody@example.com"}))
            .await
            .status,
        201
    );
    assert_eq!(alice.get(&sent).await.body.as_array().unwrap().len(), 2);

    // Bob sees his (it was sent to his e-mail address); Carol sees nothing, and cannot
    // answer Bob's.
    assert_eq!(mine(&mut bob).await, [("Acme".into(), "alice".into())]);
    assert_eq!(mine(&mut carol).await, []);
    let bobs = id(&bob.get("/invitations").await.body[0]);
    assert_error(
        &carol
            .post(&format!("/invitations/{bobs}/accept"), json!({}))
            .await,
        404,
        "NOT_FOUND",
    );
    // Until he accepts, Bob is not a member.
    assert_error(
        &bob.get(&format!("/workspaces/{ws}/channels")).await,
        404,
        "NOT_FOUND",
    );
    let r = bob
        .post(&format!("/invitations/{bobs}/accept"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"id": ws, "name": "Acme", "role": "member"}));
    assert_eq!(
        bob.get(&format!("/workspaces/{ws}/channels")).await.status,
        200
    );
    assert_eq!(mine(&mut bob).await, []);
    assert_error(
        &bob.post(&format!("/invitations/{bobs}/accept"), json!({}))
            .await,
        404,
        "NOT_FOUND",
    );

    // Carol, invited by username in another case, declines: it is gone for both sides.
    alice.post(&sent, json!({"user": "CAROL"})).await;
    let carols = id(&carol.get("/invitations").await.body[0]);
    let r = carol
        .post(&format!("/invitations/{carols}/decline"), json!({}))
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(mine(&mut carol).await, []);
    let list = alice.get(&sent).await.body;
    assert!(!list.to_string().contains("CAROL"), "{list}");
    assert_error(
        &carol.get(&format!("/workspaces/{ws}/channels")).await,
        404,
        "NOT_FOUND",
    );

    // Someone who signs up later with an invited address finds the invitation waiting.
    let mut newcomer = Client::new(&server);
    let r = newcomer
        .post(
            "/auth/signup",
            json!({"username": "nora", "email": "Nobody@example.com", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(mine(&mut newcomer).await, [("Acme".into(), "alice".into())]);

    // Admins withdraw an invitation: it no longer reaches anyone.
    let noras = id(&alice.get(&sent).await.body[0]);
    let r = alice
        .send("DELETE", &format!("{sent}/{noras}"), None, &[])
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(mine(&mut newcomer).await, []);
    assert_error(
        &alice
            .send("DELETE", &format!("{sent}/{noras}"), None, &[])
            .await,
        404,
        "NOT_FOUND",
    );

    // An expired invitation is not shown and cannot be accepted.
    alice.post(&sent, json!({"user": "carol"})).await;
    let carols = id(&carol.get("/invitations").await.body[0]);
    server
        .exec(
            "UPDATE invitations SET expires_at = 1 WHERE id = $1",
            huddle_server::args![carols],
        )
        .await;
    assert_eq!(mine(&mut carol).await, []);
    assert_error(
        &carol
            .post(&format!("/invitations/{carols}/accept"), json!({}))
            .await,
        404,
        "NOT_FOUND",
    );

    // Removal sticks: an invitation sent while Bob was a member is dropped with him.
    alice.post(&sent, json!({"user": "bob"})).await;
    let r = alice
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(mine(&mut bob).await, []);

    // Names are checked like any name.
    assert_error(
        &alice.post(&sent, json!({"user": "  "})).await,
        400,
        "INVALID_INPUT",
    );
    assert_error(
        &alice
            .post(&sent, json!({"user": "bob\u{202E}moc.elpmaxe"}))
            .await,
        400,
        "INVALID_INPUT",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn invite_links_expire_run_out_and_can_be_revoked() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (mut carol, _) = user(&server, "carol").await;
    let (mut dave, _) = user(&server, "dave").await;
    let (ws, _) = common::workspace(&mut alice, "Acme").await;
    let links = format!("/workspaces/{ws}/invite-links");

    for bad in [
        json!({"expires_in_hours": 0, "max_uses": 1}),
        json!({"expires_in_hours": 721, "max_uses": 1}),
        json!({"expires_in_hours": 1, "max_uses": 0}),
        json!({"expires_in_hours": 1, "max_uses": 1001}),
    ] {
        assert_error(&alice.post(&links, bad).await, 400, "INVALID_INPUT");
    }
    let r = alice
        .post(&links, json!({"expires_in_hours": 24, "max_uses": 2}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let token = r.body["token"].as_str().unwrap().to_owned();
    let link = id(&r.body);
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    // The list never shows a token again, and the database holds only its keyed hash.
    let list = alice.get(&links).await.body;
    assert_eq!(list[0]["uses"], 0);
    assert_eq!(list[0]["max_uses"], 2);
    assert!(list[0].get("token").is_none(), "{list}");
    assert!(!list.to_string().contains(&token));
    let (stored,): (i64,) = server
        .db
        .read()
        .await
        .unwrap()
        .one(
            "SELECT count(*) FROM invite_links WHERE length(token_hash) = 32",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stored, 1);

    // Anyone holding it sees where it leads, signed in or not.
    let mut stranger = Client::new(&server);
    let r = stranger
        .post("/invite-links/preview", json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["workspace_name"], "Acme");
    assert_eq!(r.body["created_by"], "alice");
    // Joining needs an account.
    assert_error(
        &stranger
            .post("/invite-links/accept", json!({"token": token}))
            .await,
        401,
        "UNAUTHENTICATED",
    );
    // A made-up token, or anything that is not one, leads nowhere.
    for fake in ["0".repeat(64), "nope".into(), format!("{token}0")] {
        assert_error(
            &stranger
                .post("/invite-links/preview", json!({"token": fake}))
                .await,
            404,
            "NOT_FOUND",
        );
    }

    // Two uses: Bob and Carol get in; a member using it again costs nothing; Dave is
    // one too many.
    for c in [&mut bob, &mut carol] {
        let r = c
            .post("/invite-links/accept", json!({"token": token}))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.body["role"], "member");
    }
    let r = bob
        .post("/invite-links/accept", json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_error(
        &dave
            .post("/invite-links/accept", json!({"token": token}))
            .await,
        410,
        "INVITE_LINK_USED_UP",
    );
    assert_eq!(alice.get(&links).await.body, json!([]), "a used-up link");
    let members = alice.get(&format!("/workspaces/{ws}/members")).await.body;
    assert_eq!(members.as_array().unwrap().len(), 3);
    let _ = link;

    // Revoked and expired links say so to whoever holds them.
    let revoked = alice
        .post(&links, json!({"expires_in_hours": 1, "max_uses": 5}))
        .await
        .body;
    let r = alice
        .send("DELETE", &format!("{links}/{}", id(&revoked)), None, &[])
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &dave
            .post("/invite-links/accept", json!({"token": revoked["token"]}))
            .await,
        410,
        "INVITE_LINK_REVOKED",
    );
    let expired = alice
        .post(&links, json!({"expires_in_hours": 1, "max_uses": 5}))
        .await
        .body;
    server
        .exec(
            "UPDATE invite_links SET expires_at = 1 WHERE id = $1",
            huddle_server::args![id(&expired)],
        )
        .await;
    assert_error(
        &dave
            .post("/invite-links/preview", json!({"token": expired["token"]}))
            .await,
        410,
        "INVITE_LINK_EXPIRED",
    );
    assert_error(
        &dave.get(&format!("/workspaces/{ws}/channels")).await,
        404,
        "NOT_FOUND",
    );
}

/// Two people racing for the last use of a link: exactly one gets in.
#[tokio::test(flavor = "multi_thread")]
async fn the_last_use_of_a_link_goes_to_one_person() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, _) = common::workspace(&mut alice, "Acme").await;
    let mut racers = Vec::new();
    for name in ["racer1", "racer2", "racer3", "racer4", "racer5", "racer6"] {
        racers.push(user(&server, name).await.0);
    }
    let token = alice
        .post(
            &format!("/workspaces/{ws}/invite-links"),
            json!({"expires_in_hours": 1, "max_uses": 1}),
        )
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|mut c| {
            let token = token.clone();
            tokio::spawn(async move {
                c.post("/invite-links/accept", json!({"token": token}))
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 410, 410, 410, 410, 410]);
    let members = alice.get(&format!("/workspaces/{ws}/members")).await.body;
    assert_eq!(members.as_array().unwrap().len(), 2);
}

/// What an admin sent stops working once they may no longer invite (demoted or
/// removed), and a link's token is kept nowhere, not even as a retried request's answer.
#[tokio::test(flavor = "multi_thread")]
async fn invitations_and_links_end_with_their_senders_right_to_invite() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut stranger, _) = user(&server, "stranger").await;
    let (ws, _) = common::workspace(&mut alice, "Acme").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let member = format!("/workspaces/{ws}/members/{bob_id}");
    let r = alice
        .send("PATCH", &member, Some(json!({"role": "admin"})), &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Bob's link, made with an Idempotency-Key: nothing of it is kept for a replay, and
    // the same request again makes another link.
    let key = [("idempotency-key", "0123456789abcdef0123456789abcdef")];
    let body = json!({"expires_in_hours": 24, "max_uses": 5});
    let links = format!("/workspaces/{ws}/invite-links");
    let first = bob.send("POST", &links, Some(body.clone()), &key).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = bob.send("POST", &links, Some(body), &key).await;
    assert_eq!(again.status, 201, "{:?}", again.body);
    assert_ne!(first.body["token"], again.body["token"]);
    assert_eq!(
        server.count("SELECT count(*) FROM idempotency_keys").await,
        0
    );
    let token = first.body["token"].as_str().unwrap().to_owned();
    let sent = format!("/workspaces/{ws}/invitations");
    assert_eq!(
        bob.post(&sent, json!({"user": "stranger"})).await.status,
        201
    );

    // Demoted, Bob's link and invitation let no one in.
    let r = alice
        .send("PATCH", &member, Some(json!({"role": "member"})), &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_error(
        &stranger
            .post("/invite-links/accept", json!({"token": token}))
            .await,
        410,
        "INVITE_LINK_REVOKED",
    );
    assert_eq!(stranger.get("/invitations").await.body, json!([]));
    assert_eq!(alice.get(&sent).await.body, json!([]));
    assert_eq!(alice.get(&links).await.body, json!([]));
}
