//! Limits (issue 10, finding 1). Sign-in: attempts are counted before the password is
//! hashed, clients are told apart behind a trusted proxy (and only behind one), and a
//! stranger's guesses cannot keep an account's owner out of their own browser. Sign-ups
//! per client, room joins per person and different reactions per person and message are
//! bounded (relay frames per connection: `realtime.rs`).

mod common;

use common::{assert_error, spawn, spawn_with, user, Client, Reply};
use huddle_server::limits::{JOIN_BURST, SIGNUP_BURST};
use huddle_server::rate_limit::{ACCOUNT_FREE, CLIENT_FREE};
use serde_json::json;

const PASSWORD: &str = "long enough password";

async fn sign_in(c: &mut Client, login: &str, password: &str, from: Option<&str>) -> Reply {
    let body = json!({"login": login, "password": password});
    let extra: Vec<(&str, &str)> = from.map(|ip| ("x-forwarded-for", ip)).into_iter().collect();
    c.send("POST", "/auth/signin", Some(body), &extra).await
}

async fn react(c: &mut Client, message: i64, emoji: &str, method: &str) -> Reply {
    let path = format!("/messages/{message}/reactions/{emoji}");
    c.send(method, &path, None, &[]).await
}

fn retry_after(r: &Reply) -> i64 {
    r.headers["retry-after"].to_str().unwrap().parse().unwrap()
}

/// Twenty wrong passwords sent at once: only the free ones are checked, the rest are
/// refused before any hashing. (Before: the limit was checked before the hash and the
/// failure recorded after it, so all twenty were checked.)
#[tokio::test(flavor = "multi_thread")]
async fn parallel_guesses_are_counted_before_the_hash() {
    let server = spawn().await;
    user(&server, "alice").await;
    let guesses = (0..20).map(|i| {
        let mut c = Client::new(&server);
        async move { sign_in(&mut c, "alice", &format!("guess {i}"), None).await }
    });
    let replies = futures_util::future::join_all(guesses).await;
    let checked = replies.iter().filter(|r| r.status == 401).count();
    let refused: Vec<&Reply> = replies.iter().filter(|r| r.status == 429).collect();
    assert_eq!(
        checked, ACCOUNT_FREE as usize,
        "only the free attempts are checked"
    );
    assert_eq!(refused.len(), 20 - ACCOUNT_FREE as usize);
    for r in refused {
        assert_error(r, 429, "RATE_LIMITED");
        assert!(retry_after(r) >= 1);
    }
}

/// Behind a trusted proxy each client counts alone: one stranger's failures do not
/// hold up anyone else. (Before: every client behind the proxy shared its address.)
/// Without `--trusted-proxy`, the forwarding headers are the client's own word and are
/// ignored: changing them does not get a stranger a fresh allowance.
#[tokio::test(flavor = "multi_thread")]
async fn clients_are_told_apart_behind_a_trusted_proxy_only() {
    let server = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    user(&server, "bob").await;
    let mut stranger = Client::new(&server);
    // Each guess at another name: only the client's counter fills up.
    for i in 0..CLIENT_FREE {
        let r = sign_in(
            &mut stranger,
            &format!("nobody{i}"),
            "guess",
            Some("203.0.113.5"),
        )
        .await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let r = sign_in(&mut stranger, "nobody-more", "guess", Some("203.0.113.5")).await;
    assert_error(&r, 429, "RATE_LIMITED");
    // The proxy's other clients are not held up.
    let mut bob = Client::new(&server);
    let r = sign_in(&mut bob, "bob", PASSWORD, Some("198.51.100.7")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Only the address the proxy wrote counts: a made-up one to its left changes nothing.
    let r = sign_in(
        &mut stranger,
        "nobody-more",
        "guess",
        Some("192.0.2.1, 203.0.113.5"),
    )
    .await;
    assert_error(&r, 429, "RATE_LIMITED");

    // No trusted proxy configured: the header is ignored, the TCP peer counts.
    let plain = spawn().await;
    let mut stranger = Client::new(&plain);
    for i in 0..CLIENT_FREE {
        let from = format!("203.0.113.{i}");
        let r = sign_in(&mut stranger, &format!("nobody{i}"), "guess", Some(&from)).await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let r = sign_in(&mut stranger, "nobody-more", "guess", Some("198.51.100.99")).await;
    assert_error(&r, 429, "RATE_LIMITED");
}

/// A stranger guessing at Alice's account slows down the guessing, not Alice: her own
/// browser (which signed in before: device cookie) still signs in with her password. A
/// browser she never used waits like the stranger. (Before: a locked account refused
/// even the right password, from anywhere.)
#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_cannot_lock_the_owner_out() {
    let server = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    user(&server, "alice").await;
    let mut own = Client::new(&server);
    let r = sign_in(&mut own, "alice", PASSWORD, Some("198.51.100.7")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(own.device.is_some(), "a device cookie");
    own.cookie = None; // signed out, the device remembered
                       // The stranger, from many addresses, until the account's attempts are delayed.
    let mut stranger = Client::new(&server);
    for i in 0..ACCOUNT_FREE {
        let from = format!("203.0.113.{i}");
        let r = sign_in(&mut stranger, "alice", "guess", Some(&from)).await;
        assert_error(&r, 401, "INVALID_CREDENTIALS");
    }
    let r = sign_in(&mut stranger, "alice", "guess", Some("203.0.113.200")).await;
    assert_error(&r, 429, "RATE_LIMITED");
    // Even with the right password a new browser waits …
    let mut new_browser = Client::new(&server);
    let r = sign_in(&mut new_browser, "alice", PASSWORD, Some("198.51.100.8")).await;
    assert_error(&r, 429, "RATE_LIMITED");
    // … but Alice's own browser signs in.
    let r = sign_in(&mut own, "alice", PASSWORD, Some("198.51.100.7")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A device cookie of another account does not count for this one.
    let (_, _) = user(&server, "mallory").await;
    let mut mallory = Client::new(&server);
    let r = sign_in(&mut mallory, "mallory", PASSWORD, Some("203.0.113.250")).await;
    assert_eq!(r.status, 200);
    let r = sign_in(&mut mallory, "alice", "guess", Some("203.0.113.251")).await;
    assert_error(&r, 429, "RATE_LIMITED");
}

/// Sign-ups (a 600,000-round hash each) are bounded per client; another client behind
/// the same proxy is not held up. (Before: unlimited.)
#[tokio::test(flavor = "multi_thread")]
async fn sign_ups_are_bounded_per_client() {
    let server = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let signup = |name: String, from: &'static str| {
        let mut c = Client::new(&server);
        async move {
            let body = json!({"username": name, "email": format!("{name}@example.com"), "password": PASSWORD});
            c.send(
                "POST",
                "/auth/signup",
                Some(body),
                &[("x-forwarded-for", from)],
            )
            .await
        }
    };
    let replies = futures_util::future::join_all(
        (0..SIGNUP_BURST).map(|i| signup(format!("user{i}"), "203.0.113.5")),
    )
    .await;
    assert!(replies.iter().all(|r| r.status == 201));
    let r = signup("one-more".into(), "203.0.113.5").await;
    assert_error(&r, 429, "RATE_LIMITED");
    assert!(retry_after(&r) > 60, "{:?}", r.headers);
    let r = signup("elsewhere".into(), "198.51.100.7").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

/// Room joins (each rotates the room key and pushes a key part to every member) are
/// bounded per person. (Before: unlimited.)
#[tokio::test(flavor = "multi_thread")]
async fn room_joins_are_bounded_per_person() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (_, general) = common::workspace(&mut alice, "W").await;
    let join = json!({"collection": format!("channel:{general}")});
    let mut refused = None;
    for i in 0..JOIN_BURST + 10 {
        let r = alice.post("/realtime/join", join.clone()).await;
        if r.status != 200 {
            refused = Some((i, r));
            break;
        }
    }
    let (at, r) = refused.expect("a join refused");
    assert_error(&r, 429, "RATE_LIMITED");
    assert!(at >= JOIN_BURST, "refused after {at} joins");
    // Someone else is not held up (Bob is not a member: 404, not 429).
    let r = bob.post("/realtime/join", join).await;
    assert_error(&r, 404, "NOT_FOUND");
}

/// One person puts at most 20 different reactions on a message; taking one back makes
/// room, and reacting again with one already given is fine. (Before: unlimited.)
#[tokio::test(flavor = "multi_thread")]
async fn different_reactions_per_person_are_bounded() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, general) = common::workspace(&mut alice, "W").await;
    let m = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "hi"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    for i in 0..20 {
        let r = react(&mut alice, m, &format!("e{i}"), "PUT").await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    let r = react(&mut alice, m, "e20", "PUT").await;
    assert_error(&r, 409, "TOO_MANY_REACTIONS");
    assert_eq!(react(&mut alice, m, "e3", "PUT").await.status, 200);
    assert_eq!(react(&mut alice, m, "e3", "DELETE").await.status, 200);
    assert_eq!(react(&mut alice, m, "e20", "PUT").await.status, 200);
}
