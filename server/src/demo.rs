//! Demo data for `huddle-server --demo` (what `scripts/run.sh` starts): three people in
//! one workspace with a few channels and messages, created only into an empty database.

use crate::args;
use huddle_protocol::channels::ChannelKind;

use crate::api::auth::store as users;
use crate::api::channels::store as channels;
use crate::api::workspaces::store as workspaces;
use crate::db::{Db, Dialect, Tx};
use crate::error::ApiResult;
use crate::password;
use crate::vault::{Place, Scope};

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
    let seeded = fill(&mut tx, &hash).await.map_err(|e| e.message)?;
    if seeded {
        tx.commit().await.map_err(|e| e.to_string())?;
        // PostgreSQL plans with table statistics: gather them for the bulk just loaded
        // rather than wait for autovacuum.
        if db.dialect() == Dialect::Postgres {
            let mut tx = db.write().await.map_err(|e| e.to_string())?;
            tx.execute("ANALYZE", args![])
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
        }
    }
    Ok(seeded)
}

async fn fill(tx: &mut Tx, hash: &str) -> ApiResult<bool> {
    let (users,): (i64,) = tx.one("SELECT count(*) FROM users", args![]).await?;
    if users > 0 {
        return Ok(false);
    }
    let now = crate::db::now();
    let mut ids = Vec::new();
    for (u, name) in PEOPLE {
        let user = users::create(
            tx,
            users::NewUser {
                username: u.to_owned(),
                email: format!("{u}@example.com"),
                display_name: name.to_owned(),
                password_hash: hash.to_owned(),
            },
        )
        .await?;
        ids.push(user.id);
    }
    // With #general.
    let ws = workspaces::create(tx, ids[0], "Demo workspace".to_owned())
        .await?
        .id;
    for id in &ids[1..] {
        tx.execute(
            "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES ($1, $2, 'member', $3)",
            args![ws, *id, now],
        )
        .await?;
    }
    let (general,): (i64,) = tx
        .one(
            "SELECT min(id) FROM channels WHERE workspace_id = $1",
            args![ws],
        )
        .await?;
    let random = channels::insert(tx, ws, ChannelKind::Public, "random", ids[0]).await?;
    let design = channels::insert(tx, ws, ChannelKind::Private, "design", ids[0]).await?;
    let history = channels::insert(tx, ws, ChannelKind::Public, "history", ids[0]).await?;
    for id in &ids[..2] {
        tx.execute(
            "INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)",
            args![design, *id],
        )
        .await?;
    }
    let welcome: [(i64, usize, &str); 7] = [
        (general, 0, "Welcome to **Huddle**! Messages go to the server over HTTPS, which keeps them encrypted at rest; their live copies, typing and presence cross the realtime relay encrypted under a room key that rotates, so the relay only ever sees ciphertext."),
        (general, 1, "Hi all. The protocol is in `docs/protocol.md` if you are curious."),
        (general, 2, "Three things I like:\n- drafts are kept per channel\n- *Shift+Enter* makes a new line\n- links like [the Leptos book](https://book.leptos.dev) open safely"),
        (general, 0, "> Quote of the day: ship small, ship often."),
        (random, 1, "Anyone up for lunch?"),
        (random, 2, "```\nfn main() { println!(\"code blocks work too\"); }\n```"),
        (design, 0, "This channel is private: only Alice and Bob see it."),
    ];
    let mut messages: Vec<Message> = welcome
        .iter()
        .enumerate()
        .map(|(i, (ch, who, body))| Message {
            channel: *ch,
            author: ids[*who],
            body: (*body).to_owned(),
            at: now - 3600 + i as i64 * 60,
            root: None,
        })
        .collect();
    // A long history, to show the windowed message list (10,000 messages over 70 days).
    messages.extend((0..HISTORY).map(|i| Message {
        channel: history,
        author: ids[i % 3],
        body: format!(
            "History message {} of {HISTORY}{}",
            i + 1,
            if i % 7 == 0 {
                "\n\nA *second* paragraph, to vary the height."
            } else {
                ""
            }
        ),
        at: now - 7 * 86_400 * 10 + i as i64 * 600,
        root: None,
    }));
    let first = insert_messages(tx, ws, messages).await?;
    // A long thread on the last message (more than one page of replies).
    let root = first + (welcome.len() + HISTORY) as i64 - 1;
    let replies = (0..THREAD)
        .map(|i| Message {
            channel: history,
            author: ids[(i + 1) % 3],
            body: format!("Reply {} of {THREAD}", i + 1),
            at: now - 3000 + i as i64,
            root: Some(root),
        })
        .collect();
    insert_messages(tx, ws, replies).await?;
    Ok(true)
}

/// A demo message.
struct Message {
    channel: i64,
    author: i64,
    body: String,
    at: i64,
    root: Option<i64>,
}

/// Inserts many messages at once (ids chosen here, bodies sealed to them: the demo fills
/// an empty database in one transaction); returns the first id.
async fn insert_messages(tx: &mut Tx, workspace: i64, messages: Vec<Message>) -> ApiResult<i64> {
    let (last,): (i64,) = tx
        .one("SELECT COALESCE(max(id), 0) FROM messages", args![])
        .await?;
    let mut rows = Vec::with_capacity(messages.len());
    let mut bodies = Vec::with_capacity(messages.len());
    for (i, m) in messages.into_iter().enumerate() {
        let id = last + 1 + i as i64;
        let body = tx
            .seal(
                Scope::Workspace(workspace),
                &Place::new("messages", "body", id),
                &m.body,
            )
            .await?;
        rows.push(args![id, m.channel, m.author, body, m.at, m.root]);
        bodies.push((id, m.body));
    }
    let columns = [
        "id",
        "channel_id",
        "author_id",
        "body",
        "created_at",
        "thread_root_id",
    ];
    tx.insert_many("messages", &columns, rows).await?;
    let bodies: Vec<(i64, &str)> = bodies.iter().map(|(id, b)| (*id, b.as_str())).collect();
    crate::api::search::store::index_new(tx, workspace, &bodies).await?;
    if tx.dialect() == Dialect::Postgres {
        let _: (i64,) = tx
            .one(
                "SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT max(id) FROM messages))",
                args![],
            )
            .await?;
    }
    Ok(last + 1)
}
