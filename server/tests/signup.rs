//! Sign-up on a server that sends mail (a real SMTP server, aiosmtpd): nothing exists until
//! the address is confirmed, and the answer tells nobody which usernames or addresses
//! have accounts.

mod common;

use common::mail::MailCatcher;
use common::{assert_error, spawn_with, Client, Server};
use huddle_server::config::Mail;
use serde_json::{json, Value};

const ORIGIN: &str = "http://huddle.test";

async fn mailing_server(mail: &MailCatcher) -> Server {
    let url = mail.url();
    spawn_with(move |c| {
        c.public_origin = Some(ORIGIN.into());
        c.mail = Some(Mail {
            smtp_url: url,
            from: "Huddle <huddle@huddle.test>".into(),
        });
    })
    .await
}

fn signup(username: &str, email: &str) -> Value {
    json!({"username": username, "email": email, "password": "correct horse battery"})
}

/// Signs up and follows the link: the signed-in client.
async fn confirmed(server: &Server, mail: &MailCatcher, username: &str, email: &str) -> Client {
    let mut c = Client::new(server);
    let before = mail.mails().iter().filter(|m| m.to == email).count();
    let r = c.post("/auth/signup", signup(username, email)).await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let got = mail.wait_for(email, before + 1).await;
    let token = got[before].verify_token().expect("a link");
    let r = c.post("/auth/signup/verify", json!({"token": token})).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    c
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_exists_only_once_its_address_is_confirmed() {
    let mail = MailCatcher::start();
    let server = mailing_server(&mail).await;
    let mut c = Client::new(&server);
    let r = c
        .post(
            "/auth/signup",
            json!({"username": "alice", "email": "alice@example.com",
                   "password": "correct horse battery", "display_name": "Alice A."}),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"email": "alice@example.com", "expires_in": 86400})
    );
    assert!(c.cookie.is_none(), "not signed in");
    assert_eq!(server.count("SELECT count(*) FROM users").await, 0);
    // What waits is sealed like an account's names.
    let (name, address): (String, String) = server
        .db
        .read()
        .await
        .unwrap()
        .one("SELECT username, email FROM pending_signups", vec![])
        .await
        .unwrap();
    assert!(
        !name.contains("alice") && !address.contains("alice"),
        "{name} {address}"
    );
    // Nobody can sign in yet.
    let r = c
        .post(
            "/auth/signin",
            json!({"login": "alice", "password": "correct horse battery"}),
        )
        .await;
    assert_error(&r, 401, "INVALID_CREDENTIALS");

    let got = mail.wait_for("alice@example.com", 1).await;
    assert!(
        got[0]
            .text
            .contains("Subject: Confirm your e-mail address for Huddle"),
        "{}",
        got[0].text
    );
    assert!(
        got[0].text.contains("From: Huddle <huddle@huddle.test>"),
        "{}",
        got[0].text
    );
    assert!(
        got[0].text.contains(&format!("{ORIGIN}/verify#")),
        "{}",
        got[0].text
    );
    let token = got[0].verify_token().expect("a link");
    let r = c.post("/auth/signup/verify", json!({"token": token})).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(
        (
            &r.body["username"],
            &r.body["email"],
            &r.body["display_name"]
        ),
        (
            &json!("alice"),
            &json!("alice@example.com"),
            &json!("Alice A.")
        )
    );
    assert_eq!(c.get("/auth/me").await.body["username"], "alice");
    assert_eq!(
        server.count("SELECT count(*) FROM pending_signups").await,
        0
    );
    // Once only.
    let mut d = Client::new(&server);
    let r = d.post("/auth/signup/verify", json!({"token": token})).await;
    assert_error(&r, 410, "SIGNUP_LINK_INVALID");
    let r = d.post("/auth/signup/verify", json!({"token": "zz"})).await;
    assert_error(&r, 410, "SIGNUP_LINK_INVALID");
    // The password given at sign-up is the account's.
    let r = d
        .post(
            "/auth/signin",
            json!({"login": "alice@example.com", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_up_tells_nobody_which_names_or_addresses_exist() {
    let mail = MailCatcher::start();
    let server = mailing_server(&mail).await;
    confirmed(&server, &mail, "alice", "alice@example.com").await;

    // A stranger tries alice's address, alice's username, and fresh ones: the same
    // answer each time (the old server said 409 EMAIL_TAKEN / USERNAME_TAKEN).
    let mut s = Client::new(&server);
    let tries = [
        ("someone", "Alice@Example.com"),
        ("alice", "mallory@example.com"),
        ("ALICE", "mallory2@example.com"),
        ("nobody", "nobody@example.com"),
    ];
    for (username, email) in tries {
        let r = s.post("/auth/signup", signup(username, email)).await;
        assert_eq!(
            (r.status, r.body),
            (202, json!({"email": email, "expires_in": 86400})),
            "{username} {email}"
        );
        assert!(s.cookie.is_none());
    }
    // Alice hears of it, with no link; nothing waits for that address.
    let got = mail.wait_for("Alice@Example.com", 1).await;
    assert!(
        got[0].text.contains("You already have a Huddle account"),
        "{}",
        got[0].text
    );
    assert!(
        got[0].text.contains(&format!("{ORIGIN}/signin")),
        "{}",
        got[0].text
    );
    assert_eq!(got[0].verify_token(), None);
    assert_eq!(
        server.count("SELECT count(*) FROM pending_signups").await,
        3
    );

    // Following a link for a taken username: asked for another one; the link still works.
    let got = mail.wait_for("mallory@example.com", 1).await;
    let token = got[0].verify_token().unwrap();
    let mut m = Client::new(&server);
    let r = m.post("/auth/signup/verify", json!({"token": token})).await;
    assert_error(&r, 409, "USERNAME_TAKEN");
    let r = m
        .post(
            "/auth/signup/verify",
            json!({"token": token, "username": "a b"}),
        )
        .await;
    assert_error(&r, 400, "INVALID_INPUT");
    let r = m
        .post(
            "/auth/signup/verify",
            json!({"token": token, "username": "mallory"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // Its display name follows the name chosen.
    assert_eq!(
        (&r.body["username"], &r.body["display_name"]),
        (&json!("mallory"), &json!("mallory"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn links_die_with_time_and_with_another_confirmation() {
    let mail = MailCatcher::start();
    let server = mailing_server(&mail).await;
    let mut c = Client::new(&server);
    for (name, email) in [
        ("bob1", "bob@example.com"),
        ("bob2", "bob@example.com"),
        ("bob3", "bob@example.com"),
        ("fay", "fay@example.com"),
    ] {
        let r = c.post("/auth/signup", signup(name, email)).await;
        assert_eq!(r.status, 202);
    }
    let got = mail.wait_for("bob@example.com", 3).await;
    let tokens: Vec<String> = got.iter().map(|m| m.verify_token().unwrap()).collect();
    let fay = mail.wait_for("fay@example.com", 1).await[0]
        .verify_token()
        .unwrap();
    // A day later, Fay's link and Bob's first no longer work.
    server
        .exec(
            "UPDATE pending_signups SET expires_at = 0 WHERE id IN \
             ((SELECT min(id) FROM pending_signups), (SELECT max(id) FROM pending_signups))",
            vec![],
        )
        .await;
    for token in [&tokens[0], &fay] {
        let r = c.post("/auth/signup/verify", json!({"token": token})).await;
        assert_error(&r, 410, "SIGNUP_LINK_INVALID");
    }
    // Confirming Bob's second ends his third: the address has its account.
    let r = c
        .post("/auth/signup/verify", json!({"token": tokens[1]}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = c
        .post("/auth/signup/verify", json!({"token": tokens[2]}))
        .await;
    assert_error(&r, 410, "SIGNUP_LINK_INVALID");
    // What expired is purged.
    assert_eq!(
        server.count("SELECT count(*) FROM pending_signups").await,
        1
    );
    assert_eq!(
        huddle_server::api::purge_expired_signups(&server.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        server.count("SELECT count(*) FROM pending_signups").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_cannot_flood_an_inbox() {
    let mail = MailCatcher::start();
    let server = mailing_server(&mail).await;
    let mut c = Client::new(&server);
    let burst = huddle_server::limits::MAIL_BURST as usize;
    for i in 0..burst + 3 {
        let r = c
            .post(
                "/auth/signup",
                signup(&format!("carol{i}"), "carol@example.com"),
            )
            .await;
        // The same answer, over the limit too.
        assert_eq!(r.status, 202, "{:?}", r.body);
    }
    // Another address is not held up.
    c.post("/auth/signup", signup("dave", "dave@example.com"))
        .await;
    mail.wait_for("dave@example.com", 1).await;
    mail.wait_for("carol@example.com", burst).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let carol = mail
        .mails()
        .iter()
        .filter(|m| m.to == "carol@example.com")
        .count();
    assert_eq!(carol, burst);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_mail_the_account_is_created_at_once() {
    let server = common::spawn().await;
    let mut c = Client::new(&server);
    let r = c
        .post("/auth/signup", signup("erin", "erin@example.com"))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = Client::new(&server)
        .post("/auth/signup", signup("erin", "erin2@example.com"))
        .await;
    assert_error(&r, 409, "USERNAME_TAKEN");
    // No mail, no links to follow.
    let r = c
        .post("/auth/signup/verify", json!({"token": "0".repeat(64)}))
        .await;
    assert_error(&r, 410, "SIGNUP_LINK_INVALID");
}
