//! Accounts and sessions over real HTTP against a temporary SQLite database.

mod common;

use common::{assert_error, spawn, Client};
use serde_json::json;

fn alice() -> serde_json::Value {
    json!({"username": "alice", "email": "alice@example.com", "password": "correct horse battery"})
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_in_out_and_session_cookie() {
    let server = spawn().await;
    let mut c = Client::new(&server);
    let r = c.post("/auth/signup", alice()).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["username"], "alice");
    assert_eq!(r.body["display_name"], "alice");
    assert!(r.body.get("password_hash").is_none());
    let set = c.last_set_cookie.clone().unwrap();
    assert!(set.starts_with("__Host-huddle_session="), "{set}");
    for attr in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    assert_eq!(c.get("/auth/me").await.body["email"], "alice@example.com");
    let r = c.get("/auth/session").await;
    assert_eq!(
        (r.status, &r.body["user"]["username"]),
        (200, &json!("alice"))
    );

    let old_cookie = c.cookie.clone();
    assert_eq!(c.post("/auth/signout", json!({})).await.status, 204);
    assert!(c.last_set_cookie.as_deref().unwrap().contains("Max-Age=0"));
    c.cookie = old_cookie; // a stolen, signed-out cookie is dead
    assert_error(&c.get("/auth/me").await, 401, "UNAUTHENTICATED");
    // The SPA's first request: signed out is an answer, not an error.
    let r = c.get("/auth/session").await;
    assert_eq!((r.status, &r.body), (200, &json!({"user": null})));

    let r = c
        .post(
            "/auth/signin",
            json!({"login": "ALICE@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(c.get("/auth/me").await.body["username"], "alice");
    let r = c
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": "wrong password!!"}),
        )
        .await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
    let r = c
        .post(
            "/auth/signin",
            json!({"login": "nobody", "password": "wrong password!!"}),
        )
        .await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_are_stored_hashed() {
    let server = spawn().await;
    let mut c = Client::new(&server);
    assert_eq!(c.post("/auth/signup", alice()).await.status, 201);
    let token = c
        .cookie
        .clone()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    assert_eq!(token.len(), 64);
    let mut tx = server.db.read().await.unwrap();
    let stored: Vec<(Vec<u8>, i64)> = tx
        .all("SELECT token_hash, user_id FROM sessions", vec![])
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let stored = stored[0].0.clone();
    // Keyed by the secret salt the server generated into its data directory.
    let salt = std::fs::read(server.data_dir.join("secret-salt")).unwrap();
    assert_eq!(stored, huddle_server::session::token_hash(&salt, &token));
    assert_ne!(stored, {
        use sha2::Digest;
        sha2::Sha256::digest(token.as_bytes()).to_vec()
    });
    let hex: String = stored.iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        !hex.contains(&token.to_lowercase()),
        "the token itself is never stored"
    );
    let (hash,): (String,) = tx
        .one("SELECT password_hash FROM users", vec![])
        .await
        .unwrap();
    assert!(hash.starts_with("pbkdf2-sha256$600000$") && !hash.contains("correct horse"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_a_json_error_with_a_stable_code() {
    let server = spawn().await;
    let mut c = Client::new(&server);
    let mut bad = alice();
    bad["username"] = json!("a b");
    assert_error(&c.post("/auth/signup", bad).await, 400, "INVALID_INPUT");
    // Names that `@name` could not mention: a trailing '.' ends the mention before it,
    // and @here / @channel mention everyone.
    for name in ["alice.", "Here", "channel"] {
        let mut bad = alice();
        bad["username"] = json!(name);
        assert_error(&c.post("/auth/signup", bad).await, 400, "INVALID_INPUT");
    }
    let mut bad = alice();
    bad["password"] = json!("short");
    assert_error(&c.post("/auth/signup", bad).await, 400, "INVALID_INPUT");
    let mut bad = alice();
    bad["email"] = json!("not-an-email");
    assert_error(&c.post("/auth/signup", bad).await, 400, "INVALID_INPUT");
    let mut bad = alice();
    bad["is_admin"] = json!(true);
    let r = c.post("/auth/signup", bad).await;
    assert_error(&r, 400, "INVALID_INPUT");
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("is_admin"));
    let r = c
        .send(
            "POST",
            "/auth/signup",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
    let huge = json!({"login": "x".repeat(100_000), "password": "y"});
    assert_error(&c.post("/auth/signin", huge).await, 413, "TOO_LARGE");
    assert_error(&c.get("/no/such/route").await, 404, "NOT_FOUND");

    assert_eq!(c.post("/auth/signup", alice()).await.status, 201);
    let mut other = Client::new(&server);
    let mut dup = alice();
    dup["username"] = json!("ALICE");
    dup["email"] = json!("other@example.com");
    assert_error(
        &other.post("/auth/signup", dup).await,
        409,
        "USERNAME_TAKEN",
    );
    let mut dup = alice();
    dup["username"] = json!("alice2");
    assert_error(&other.post("/auth/signup", dup).await, 409, "EMAIL_TAKEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn state_changes_need_csrf_proof() {
    let server = spawn().await;
    let http = reqwest::Client::new();
    let url = format!("{}/auth/signup", server.base);
    let r = http.post(&url).json(&alice()).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "CSRF");

    let mut c = Client::new(&server);
    assert_error(
        &c.send(
            "POST",
            "/auth/signup",
            Some(alice()),
            &[("sec-fetch-site", "cross-site")],
        )
        .await,
        403,
        "CSRF",
    );
    assert_error(
        &c.send(
            "POST",
            "/auth/signup",
            Some(alice()),
            &[("origin", "http://evil.example")],
        )
        .await,
        403,
        "CSRF",
    );
    let host = server
        .base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let origin = format!("http://{host}");
    let r = c
        .send(
            "POST",
            "/auth/signup",
            Some(alice()),
            &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_data_seeds_once_and_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::open_db(&common::fresh_database(dir.path()).await, dir.path()).await;
    assert!(huddle_server::demo::seed(&db).await.unwrap());
    assert!(
        !huddle_server::demo::seed(&db).await.unwrap(),
        "only into an empty database"
    );
    let mut tx = db.read().await.unwrap();
    let (users, messages): (i64, i64) = tx
        .one(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM messages)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        (users, messages),
        (
            3,
            (7 + huddle_server::demo::HISTORY + huddle_server::demo::THREAD) as i64
        )
    );
    let (hash,): (String,) = tx
        .one(
            // Usernames are sealed: bob is the second person.
            "SELECT password_hash FROM users WHERE id = 2",
            vec![],
        )
        .await
        .unwrap();
    assert!(huddle_server::password::verify(
        huddle_server::demo::PASSWORD,
        &hash
    ));
}

/// Expired sessions are deleted by the hourly housekeeping (issue 10: "expired sessions
/// are purged"); live ones stay. (Before: they stayed in the table for ever.)
#[tokio::test(flavor = "multi_thread")]
async fn expired_sessions_are_purged() {
    let server = spawn().await;
    let mut a = Client::new(&server);
    assert_eq!(a.post("/auth/signup", alice()).await.status, 201);
    let mut b = Client::new(&server);
    let r = b
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(server.count("SELECT count(*) FROM sessions").await, 2);
    // One of them ends (as 30 days later).
    server
        .exec(
            "UPDATE sessions SET expires_at = $1 WHERE token_hash = (SELECT token_hash FROM sessions LIMIT 1)",
            huddle_server::args![huddle_server::db::now() - 1],
        )
        .await;
    assert_eq!(
        huddle_server::session::purge_expired(&server.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(server.count("SELECT count(*) FROM sessions").await, 1);
    assert_eq!(
        huddle_server::session::purge_expired(&server.db)
            .await
            .unwrap(),
        0
    );
}

/// Changing one's password needs the current one and signs out every other session; the
/// old password no longer signs in. (Issue 10, sessions.)
#[tokio::test(flavor = "multi_thread")]
async fn a_password_change_ends_the_other_sessions() {
    let server = spawn().await;
    let mut phone = Client::new(&server);
    assert_eq!(phone.post("/auth/signup", alice()).await.status, 201);
    let mut laptop = Client::new(&server);
    let signin = |password: &str| json!({"login": "alice", "password": password});
    assert_eq!(
        laptop
            .post("/auth/signin", signin("correct horse battery"))
            .await
            .status,
        200
    );
    let r = laptop
        .post(
            "/auth/password",
            json!({"current": "not it at all", "new": "a brand new password"}),
        )
        .await;
    assert_error(&r, 403, "WRONG_PASSWORD");
    let r = laptop
        .post(
            "/auth/password",
            json!({"current": "correct horse battery", "new": "short"}),
        )
        .await;
    assert_error(&r, 400, "INVALID_INPUT");
    let r = laptop
        .post(
            "/auth/password",
            json!({"current": "correct horse battery", "new": "a brand new password"}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    // The phone is signed out; the laptop, which changed it, is not.
    assert_error(&phone.get("/auth/me").await, 401, "UNAUTHENTICATED");
    assert_eq!(laptop.get("/auth/me").await.status, 200);
    let mut other = Client::new(&server);
    assert_error(
        &other
            .post("/auth/signin", signin("correct horse battery"))
            .await,
        401,
        "INVALID_CREDENTIALS",
    );
    assert_eq!(
        other
            .post("/auth/signin", signin("a brand new password"))
            .await
            .status,
        200
    );
    // Signed out, no change.
    let mut nobody = Client::new(&server);
    let r = nobody
        .post(
            "/auth/password",
            json!({"current": "x", "new": "0123456789"}),
        )
        .await;
    assert_error(&r, 401, "UNAUTHENTICATED");
}

/// "Sign out everywhere else": every other session of the person ends, this one stays,
/// and other people's sessions are untouched.
#[tokio::test(flavor = "multi_thread")]
async fn signing_out_everywhere_else() {
    let server = spawn().await;
    let mut here = Client::new(&server);
    assert_eq!(here.post("/auth/signup", alice()).await.status, 201);
    let signin = json!({"login": "alice", "password": "correct horse battery"});
    let mut there = Client::new(&server);
    assert_eq!(there.post("/auth/signin", signin.clone()).await.status, 200);
    let mut third = Client::new(&server);
    assert_eq!(third.post("/auth/signin", signin).await.status, 200);
    let (mut bob, _) = common::user(&server, "bob").await;
    let r = here.post("/auth/sessions/end-others", json!({})).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(here.get("/auth/me").await.status, 200);
    assert_error(&there.get("/auth/me").await, 401, "UNAUTHENTICATED");
    assert_error(&third.get("/auth/me").await, 401, "UNAUTHENTICATED");
    assert_eq!(
        bob.get("/auth/me").await.status,
        200,
        "others are untouched"
    );
}

/// The sessions list: each session with the browser and system it signed in from, its
/// address and times, this one marked; one session signed out by its id (the others
/// stay); an id that is not one's own is 404. Device names and addresses are sealed at
/// rest, and "last seen" moves when a session is used after five minutes.
#[tokio::test(flavor = "multi_thread")]
async fn listing_and_ending_sessions() {
    let server = spawn().await;
    let mut here = Client::new(&server);
    assert_eq!(here.post("/auth/signup", alice()).await.status, 201);
    let signin = json!({"login": "alice", "password": "correct horse battery"});
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    let mut phone = Client::new(&server);
    let r = phone
        .send(
            "POST",
            "/auth/signin",
            Some(signin),
            &[("user-agent", firefox)],
        )
        .await;
    assert_eq!(r.status, 200);
    let (mut bob, _) = common::user(&server, "bob").await;

    let list = here.get("/auth/sessions").await.body;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let other = list.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(other["device"], "Firefox 128 on Linux");
    assert_eq!(other["client"], "127.0.0.1");
    assert!(other["created_at"].as_i64().unwrap() > 0);
    assert_eq!(other["created_at"], other["last_seen_at"]);
    let id = other["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    // Sealed at rest: no device name or address in the clear.
    let rows = server
        .count("SELECT count(*) FROM sessions WHERE device LIKE '%Firefox%' OR client LIKE '%127.0.0.1%'")
        .await;
    assert_eq!(rows, 0);

    // Bob cannot end Alice's session, nor an id that is no session.
    let path = format!("/auth/sessions/{id}");
    assert_error(
        &bob.send("DELETE", &path, None, &[]).await,
        404,
        "NOT_FOUND",
    );
    let none = "/auth/sessions/00000000000000000000000000000000";
    assert_error(
        &here.send("DELETE", none, None, &[]).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(phone.get("/auth/me").await.status, 200);

    // Last seen: written when a session is used again after five minutes.
    server
        .exec(
            "UPDATE sessions SET last_seen_at = last_seen_at - 600",
            vec![],
        )
        .await;
    let before = here.get("/auth/sessions").await.body;
    assert_eq!(phone.get("/auth/me").await.status, 200);
    let mut moved = false;
    for _ in 0..100 {
        let now = here.get("/auth/sessions").await.body;
        let seen = |l: &serde_json::Value| {
            l.as_array()
                .unwrap()
                .iter()
                .find(|s| s["id"] == id.as_str())
                .unwrap()["last_seen_at"]
                .as_i64()
                .unwrap()
        };
        if seen(&now) > seen(&before) {
            moved = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(moved, "last seen moved");

    let r = here.send("DELETE", &path, None, &[]).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(&phone.get("/auth/me").await, 401, "UNAUTHENTICATED");
    assert_eq!(here.get("/auth/me").await.status, 200);
    assert_eq!(
        here.get("/auth/sessions")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
