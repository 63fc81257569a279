//! Demo data for `huddle-server --demo` (what `scripts/run.sh` starts): three people in
//! one workspace with a few channels and messages, created only into an empty database.

use rusqlite::Connection;

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
pub fn seed(c: &mut Connection) -> rusqlite::Result<bool> {
    let users: i64 = c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
    if users > 0 {
        return Ok(false);
    }
    let hash = password::hash(PASSWORD)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let now = crate::db::now();
    let tx = c.transaction()?;
    let mut ids = Vec::new();
    for (u, name) in PEOPLE {
        tx.execute(
            "INSERT INTO users (username, email, display_name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![u, format!("{u}@example.com"), name, hash, now],
        )?;
        ids.push(tx.last_insert_rowid());
    }
    tx.execute(
        "INSERT INTO workspaces (name, created_by, created_at) VALUES ('Demo workspace', ?1, ?2)",
        rusqlite::params![ids[0], now],
    )?;
    let ws = tx.last_insert_rowid();
    for (i, id) in ids.iter().enumerate() {
        tx.execute(
            "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![ws, id, if i == 0 { "owner" } else { "member" }, now],
        )?;
    }
    let channel = |name: &str, kind: &str| -> rusqlite::Result<i64> {
        tx.execute(
            "INSERT INTO channels (workspace_id, kind, name, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![ws, kind, name, ids[0], now],
        )?;
        Ok(tx.last_insert_rowid())
    };
    let general = channel("general", "public")?;
    let random = channel("random", "public")?;
    let design = channel("design", "private")?;
    for id in &ids[..2] {
        tx.execute(
            "INSERT INTO channel_members (channel_id, user_id) VALUES (?1, ?2)",
            [design, *id],
        )?;
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
    for (i, (ch, who, body)) in messages.iter().enumerate() {
        tx.execute(
            "INSERT INTO messages (channel_id, author_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![ch, ids[*who], body, now - 3600 + i as i64 * 60],
        )?;
    }
    // A long history, to show the windowed message list (10,000 messages over 70 days).
    let history = channel("history", "public")?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO messages (channel_id, author_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for i in 0..HISTORY {
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
            insert.execute(rusqlite::params![history, ids[i % 3], body, at])?;
        }
        // A long thread on the last message (more than one page of replies).
        let root = tx.last_insert_rowid();
        let mut reply = tx.prepare(
            "INSERT INTO messages (channel_id, author_id, body, created_at, thread_root_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for i in 0..THREAD {
            let body = format!("Reply {} of {THREAD}", i + 1);
            reply.execute(rusqlite::params![
                history,
                ids[(i + 1) % 3],
                body,
                now - 3000 + i as i64,
                root
            ])?;
        }
    }
    tx.commit()?;
    Ok(true)
}
