//! Demo data for `huddle-server --demo` (what `scripts/run.sh` starts): three people in
//! one workspace with a few channels and messages, created only into an empty database.

use crate::args;
use crate::db::{Db, Tx};
use crate::password;

/// The demo accounts' password (printed by `scripts/run.sh`, documented in the README).
pub const PASSWORD: &str = "huddle-demo-password";

/// Messages in the demo's `#history` channel.
pub const HISTORY: usize = 10_000;

/// Replies in the thread of the last `#history` message.
pub const THREAD: usize = 120;

/// The demo people: (username, display name).
pub const PEOPLE: [(&str, &str); 3] = [
    ("alice", "Alice Martin"),
    ("bob", "Bob Chen"),
    ("carol", "Carol Diaz"),
];

/// Seeds the demo if the database has no users; returns whether it did.
pub async fn seed(db: &Db) -> Result<bool, String> {
    let hash = tokio::task::spawn_blocking(|| password::hash(PASSWORD))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let mut tx = db.write().await.map_err(|e| e.to_string())?;
    let seeded = fill(&mut tx, &hash).await.map_err(|e| e.to_string())?;
    if seeded {
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(seeded)
}

async fn fill(tx: &mut Tx, hash: &str) -> Result<bool, sqlx::Error> {
    let (users,): (i64,) = tx.one("SELECT count(*) FROM users", args![]).await?;
    if users > 0 {
        return Ok(false);
    }
    let now = crate::db::now();
    let mut ids = Vec::new();
    for (u, name) in PEOPLE {
        let (id,): (i64,) = tx
            .one(
                "INSERT INTO users (username, email, display_name, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![u, format!("{u}@example.com"), name, hash, now],
            )
            .await?;
        ids.push(id);
    }
    let (ws,): (i64,) = tx
        .one(
            "INSERT INTO workspaces (name, created_by, created_at) VALUES ('Demo workspace', $1, $2) RETURNING id",
            args![ids[0], now],
        )
        .await?;
    for (i, id) in ids.iter().enumerate() {
        tx.execute(
            "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
            args![ws, *id, if i == 0 { "owner" } else { "member" }, now],
        )
        .await?;
    }
    let mut channel = async |name: &str, kind: &str| -> Result<i64, sqlx::Error> {
        let (id,): (i64,) = tx
            .one(
                "INSERT INTO channels (workspace_id, kind, name, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![ws, kind, name, ids[0], now],
            )
            .await?;
        Ok(id)
    };
    let general = channel("general", "public").await?;
    let random = channel("random", "public").await?;
    let design = channel("design", "private").await?;
    let history = channel("history", "public").await?;
    for id in &ids[..2] {
        tx.execute(
            "INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)",
            args![design, *id],
        )
        .await?;
    }
    let messages: [(i64, usize, &str); 7] = [
        (general, 0, "Welcome to **Huddle**! Messages go to the server over HTTPS; their live copies, typing and presence cross the realtime relay encrypted under a room key that rotates, so the relay only ever sees ciphertext."),
        (general, 1, "Hi all. The protocol is in `docs/protocol.md` if you are curious."),
        (general, 2, "Three things I like:\n- drafts are kept per channel\n- *Shift+Enter* makes a new line\n- links like [the Leptos book](https://book.leptos.dev) open safely"),
        (general, 0, "> Quote of the day: ship small, ship often."),
        (random, 1, "Anyone up for lunch?"),
        (random, 2, "```\nfn main() { println!(\"code blocks work too\"); }\n```"),
        (design, 0, "This channel is private: only Alice and Bob see it."),
    ];
    let rows = messages
        .iter()
        .enumerate()
        .map(|(i, (ch, who, body))| args![*ch, ids[*who], *body, now - 3600 + i as i64 * 60])
        .collect();
    let columns = ["channel_id", "author_id", "body", "created_at"];
    tx.insert_many("messages", &columns, rows).await?;
    // A long history, to show the windowed message list (10,000 messages over 70 days).
    let rows = (0..HISTORY)
        .map(|i| {
            let body = format!(
                "History message {} of {HISTORY}{}",
                i + 1,
                if i % 7 == 0 {
                    "\n\nA *second* paragraph, to vary the height."
                } else {
                    ""
                }
            );
            let at = now - 7 * 86_400 * 10 + i as i64 * 600;
            args![history, ids[i % 3], body, at]
        })
        .collect();
    tx.insert_many("messages", &columns, rows).await?;
    // A long thread on the last message (more than one page of replies).
    let (root,): (i64,) = tx
        .one(
            "SELECT max(id) FROM messages WHERE channel_id = $1",
            args![history],
        )
        .await?;
    let rows = (0..THREAD)
        .map(|i| {
            let body = format!("Reply {} of {THREAD}", i + 1);
            args![history, ids[(i + 1) % 3], body, now - 3000 + i as i64, root]
        })
        .collect();
    let columns = [
        "channel_id",
        "author_id",
        "body",
        "created_at",
        "thread_root_id",
    ];
    tx.insert_many("messages", &columns, rows).await?;
    Ok(true)
}
