//! Search through the blind index: words and prefixes, every word must match, Unicode
//! normalised and case-folded, edits and deletions followed, newest first and paged, only
//! channels the caller can read, and nothing of a word stored.

mod common;

use common::{assert_error, spawn, user, Client};
use huddle_server::args;
use serde_json::{json, Value};

fn bodies(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn search(c: &mut Client, ws: i64, q: &str) -> Vec<String> {
    let r = c
        .get(&format!("/workspaces/{ws}/search?q={}", urlencode(q)))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    bodies(&r.body)
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn post(c: &mut Client, ch: i64, body: &str) -> i64 {
    let r = c
        .post(&format!("/channels/{ch}/messages"), json!({"body": body}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn words_prefixes_and_every_word() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, ch) = common::workspace(&mut alice, "W").await;
    post(&mut alice, ch, "The **Quarterly** report is ready").await;
    post(&mut alice, ch, "Lunch at the Café?").await;
    let edited = post(&mut alice, ch, "draft of the quarterly plan").await;
    let deleted = post(&mut alice, ch, "quarterly secret to delete").await;

    // Newest first; prefixes from three letters; case does not matter.
    assert_eq!(
        search(&mut alice, ws, "QUART").await,
        [
            "quarterly secret to delete",
            "draft of the quarterly plan",
            "The **Quarterly** report is ready"
        ]
    );
    assert!(
        search(&mut alice, ws, "qu").await.is_empty(),
        "two letters match whole words only"
    );
    // Every word must match.
    assert_eq!(
        search(&mut alice, ws, "quarterly plan").await,
        ["draft of the quarterly plan"]
    );
    assert!(search(&mut alice, ws, "quarterly lunch").await.is_empty());
    // Unicode: NFKC and lowercase (a decomposed é finds the composed one).
    assert_eq!(
        search(&mut alice, ws, "CAFE\u{301}").await,
        ["Lunch at the Café?"]
    );
    assert!(
        search(&mut alice, ws, "cafe").await.is_empty(),
        "accents count"
    );

    // An edit replaces the words; a deletion removes them.
    let r = alice
        .send(
            "PATCH",
            &format!("/messages/{edited}"),
            Some(json!({"body": "final budget"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(!search(&mut alice, ws, "draft")
        .await
        .contains(&"final budget".to_owned()));
    assert_eq!(search(&mut alice, ws, "budg").await, ["final budget"]);
    let r = alice
        .send("DELETE", &format!("/messages/{deleted}"), None, &[])
        .await;
    assert_eq!(r.status, 200);
    assert!(search(&mut alice, ws, "secret").await.is_empty());

    // Paging: newest page first, `next_before` goes on, nothing twice.
    for i in 0..7 {
        post(&mut alice, ch, &format!("paged item {i}")).await;
    }
    let mut seen = Vec::new();
    let mut before = String::new();
    loop {
        let r = alice
            .get(&format!("/workspaces/{ws}/search?q=paged&limit=3{before}"))
            .await;
        assert_eq!(r.status, 200);
        seen.extend(bodies(&r.body));
        match r.body["next_before"].as_i64() {
            Some(b) => before = format!("&before={b}"),
            None => break,
        }
    }
    let want: Vec<String> = (0..7).rev().map(|i| format!("paged item {i}")).collect();
    assert_eq!(seen, want);

    // Bad queries are clear errors.
    for (q, why) in [("", "empty"), ("!!!", "no word")] {
        let r = alice
            .get(&format!("/workspaces/{ws}/search?q={}", urlencode(q)))
            .await;
        assert_error(&r, 400, "INVALID_INPUT");
        let _ = why;
    }
    let long = "a ".repeat(200);
    let r = alice
        .get(&format!("/workspaces/{ws}/search?q={}", urlencode(&long)))
        .await;
    assert_error(&r, 400, "INVALID_INPUT");

    // Nothing of a word is stored: tokens are keyed hashes.
    let tokens: Vec<(String,)> = server
        .db
        .read()
        .await
        .unwrap()
        .all("SELECT token FROM search_index", args![])
        .await
        .unwrap();
    assert!(tokens.len() > 20);
    assert!(tokens
        .iter()
        .all(|(t,)| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())));
}

/// Search sees only channels the caller can read: a private channel's messages are
/// neither returned nor counted for a member outside it, a person removed from the
/// workspace gets 404, and another workspace's words do not match.
#[tokio::test(flavor = "multi_thread")]
async fn only_channels_the_caller_can_read() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws, general) = common::workspace(&mut alice, "W").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let private = alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "board", "kind": "private"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    post(&mut alice, general, "merger news for everyone").await;
    for i in 0..5 {
        post(&mut alice, private, &format!("merger secret {i}")).await;
    }
    assert_eq!(search(&mut alice, ws, "merger").await.len(), 6);
    let r = bob
        .get(&format!("/workspaces/{ws}/search?q=merger&limit=1"))
        .await;
    assert_eq!(bodies(&r.body), ["merger news for everyone"]);
    assert!(
        r.body["next_before"].is_null(),
        "nothing more, not even a cursor"
    );
    assert!(search(&mut bob, ws, "secret").await.is_empty());

    // Another workspace: its own index key; the same word does not match across.
    let (mut carol, _) = user(&server, "carol").await;
    let (other, other_ch) = common::workspace(&mut carol, "Other").await;
    post(&mut carol, other_ch, "merger elsewhere").await;
    assert_eq!(
        search(&mut carol, other, "merger").await,
        ["merger elsewhere"]
    );
    assert_eq!(search(&mut alice, ws, "elsewhere").await.len(), 0);

    // Removed from the workspace: not found.
    let r = alice
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    let r = bob.get(&format!("/workspaces/{ws}/search?q=merger")).await;
    assert_error(&r, 404, "NOT_FOUND");
}
