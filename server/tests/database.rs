//! The storage layer on the database the suite runs against (SQLite, or PostgreSQL with
//! `HUDDLE_TEST_POSTGRES`): schema versions, adopting an earlier server's SQLite file,
//! `copy-database` (through the real command) and `backup`.

mod common;

use common::{fresh_database, spawn, spawn_with, test_postgres, user, Client};
use huddle_server::args;
use huddle_server::config::Database;
use huddle_server::db::{Db, Dialect};
use serde_json::{json, Value};

/// The suite really runs where it says: a test run "on PostgreSQL" that quietly used
/// SQLite would prove nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_suite_runs_on_the_database_it_was_given() {
    let server = spawn().await;
    let want = if test_postgres().is_some() {
        Dialect::Postgres
    } else {
        Dialect::Sqlite
    };
    assert_eq!(server.db.dialect(), want);
    assert!(matches!(
        (&server.database, want),
        (Database::Postgres(_), Dialect::Postgres) | (Database::Sqlite(_), Dialect::Sqlite)
    ));
}

/// A database migrated by a newer server is refused with a message that says so, and
/// nothing is changed.
#[tokio::test(flavor = "multi_thread")]
async fn a_database_of_a_newer_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(dir.path()).await;
    let db = Db::open(&database).await.unwrap();
    let mut tx = db.write().await.unwrap();
    tx.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, $1, 0)",
        args![vec![0u8; 48]],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let err = Db::open(&database)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("newer Huddle server") && err.contains("9999"),
        "{err}"
    );
}

/// A SQLite file of the servers before sqlx (schema version 5 in `PRAGMA user_version`,
/// the demo's shape) is adopted in place: every row kept, reactions in their order, the
/// newer migrations applied, and `user_version` reset so that those older servers (which
/// would run their migrations again) stop at once.
#[tokio::test(flavor = "multi_thread")]
async fn an_earlier_servers_sqlite_file_is_adopted_in_place() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}?mode=rwc", path.display()))
        .await
        .unwrap();
    for sql in [
        include_str!("../migrations/sqlite/0001_accounts.sql"),
        include_str!("../migrations/sqlite/0002_workspaces.sql"),
        include_str!("../migrations/sqlite/0003_realtime.sql"),
        include_str!("../migrations/sqlite/0004_message_revisions.sql"),
        include_str!("../migrations/sqlite/0005_idempotency.sql"),
    ] {
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    }
    sqlx::raw_sql(
        "PRAGMA user_version = 5;
         INSERT INTO users (id, username, email, display_name, password_hash, created_at)
           VALUES (1, 'alice', 'alice@example.com', 'Alice', 'x', 1), (2, 'bob', 'bob@example.com', 'Bob', 'x', 1);
         INSERT INTO workspaces (id, name, created_by, created_at) VALUES (1, 'Old', 1, 1);
         INSERT INTO workspace_members VALUES (1, 1, 'owner', 1), (1, 2, 'member', 1);
         INSERT INTO channels (id, workspace_id, kind, name, created_by, created_at) VALUES (1, 1, 'public', 'general', 1, 1);
         INSERT INTO messages (id, channel_id, author_id, body, created_at, revision) VALUES (1, 1, 1, 'kept', 1, 3);
         INSERT INTO reactions (message_id, user_id, emoji) VALUES (1, 2, 'zz'), (1, 1, 'aa'), (1, 2, 'aa');",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();

    let db = Db::open(&Database::Sqlite(path.clone())).await.unwrap();
    let mut tx = db.read().await.unwrap();
    let (body, revision): (String, i64) = tx
        .one("SELECT body, revision FROM messages WHERE id = 1", args![])
        .await
        .unwrap();
    assert_eq!((body.as_str(), revision), ("kept", 3));
    let reactions: Vec<(i64, String)> = tx
        .all("SELECT user_id, emoji FROM reactions ORDER BY id", args![])
        .await
        .unwrap();
    assert_eq!(
        reactions,
        [(2, "zz".into()), (1, "aa".into()), (2, "aa".into())],
        "reactions keep the order they were given in"
    );
    let (applied,): (i64,) = tx
        .one("SELECT count(*) FROM _sqlx_migrations", args![])
        .await
        .unwrap();
    assert!(applied >= 6, "{applied}");
    let (legacy,): (i64,) = tx.one("PRAGMA user_version", args![]).await.unwrap();
    assert_eq!(legacy, 0);
    drop(tx);
    db.close().await;

    // The server works on it: new ids follow the old ones.
    let server = spawn_with(move |c| c.database = Database::Sqlite(path)).await;
    let mut carol = Client::new(&server);
    let r = carol
        .post(
            "/auth/signup",
            json!({"username": "carol", "email": "carol@example.com", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["id"], 3);
    assert_eq!(carol.get("/auth/me").await.status, 200);
}

/// Everything a person sees, as a value to compare across databases.
async fn snapshot(c: &mut Client, ws: i64) -> Value {
    let channels = c.get(&format!("/workspaces/{ws}/channels")).await.body;
    let mut pages = Vec::new();
    for ch in channels.as_array().unwrap() {
        let id = ch["id"].as_i64().unwrap();
        pages.push(c.get(&format!("/channels/{id}/messages")).await.body);
    }
    json!({
        "me": c.get("/auth/me").await.body,
        "workspaces": c.get("/workspaces").await.body,
        "members": c.get(&format!("/workspaces/{ws}/members")).await.body,
        "channels": channels,
        "pages": pages,
    })
}

/// `huddle-server copy-database` moves a whole installation from SQLite to the suite's
/// database (PostgreSQL when it runs there): people sign in on the copy with their
/// passwords, their sessions still hold, they see exactly what they saw, the realtime
/// rooms keep their keys, and new rows get new ids. Copying into a database that is not
/// empty is refused.
#[tokio::test(flavor = "multi_thread")]
async fn copy_database_moves_an_installation_and_people_sign_in_afterwards() {
    // The source is always SQLite, the embedded default.
    let source =
        spawn_with(|c| c.database = Database::Sqlite(c.data_dir.join("source.sqlite"))).await;
    let (mut alice, _) = user(&source, "alice").await;
    let (mut bob, bob_id) = user(&source, "bob").await;
    let (ws, _) = common::workspace(&mut alice, "Copied").await;
    common::add_member(&mut alice, ws, &mut bob, "bob").await;
    let private = alice
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "secret", "kind": "private", "members": [bob_id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let root = alice
        .post(
            &format!("/channels/{private}/messages"),
            json!({"body": "root"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    bob.post(
        &format!("/channels/{private}/messages"),
        json!({"body": "a reply", "thread_root_id": root}),
    )
    .await;
    for emoji in ["tada", "eyes"] {
        let r = bob
            .send(
                "PUT",
                &format!("/messages/{root}/reactions/{emoji}"),
                None,
                &[],
            )
            .await;
        assert_eq!(r.status, 200);
    }
    let joined = alice
        .post(
            "/realtime/join",
            json!({"collection": format!("channel:{private}")}),
        )
        .await
        .body;
    let before_alice = snapshot(&mut alice, ws).await;
    let before_bob = snapshot(&mut bob, ws).await;
    let Database::Sqlite(from) = source.database.clone() else {
        unreachable!()
    };

    let dir = tempfile::tempdir().unwrap();
    let to = match fresh_database(dir.path()).await {
        Database::Sqlite(p) => format!("sqlite:{}", p.display()),
        Database::Postgres(url) => url,
    };
    let run = |from: String, to: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_huddle-server"))
            .args(["copy-database", "--from", &from, "--to", &to])
            .output()
            .unwrap()
    };
    let out = run(format!("sqlite:{}", from.display()), to.clone());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("messages: 2 rows"), "{stdout}");
    assert!(stdout.contains("reactions: 2 rows"), "{stdout}");

    // Again into the same (now full) database: refused, nothing doubled.
    let again = run(format!("sqlite:{}", from.display()), to.clone());
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("not empty"), "{err}");

    // A server on the copy, with the same data directory (the secret salt).
    let data_dir = source.data_dir.clone();
    let copy = spawn_with(move |c| {
        c.database = Database::parse(&to).unwrap();
        c.data_dir = data_dir;
    })
    .await;
    let mut alice2 = Client::new(&copy);
    alice2.cookie = alice.cookie.clone();
    let mut bob2 = Client::new(&copy);
    let r = bob2
        .post(
            "/auth/signin",
            json!({"login": "bob", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 200, "signs in with the password: {:?}", r.body);
    assert_eq!(
        snapshot(&mut alice2, ws).await,
        before_alice,
        "session kept"
    );
    assert_eq!(snapshot(&mut bob2, ws).await, before_bob);
    // The room's key went along: a join mixes into it (version + 1), not a new room.
    let rejoined = alice2
        .post(
            "/realtime/join",
            json!({"collection": format!("channel:{private}")}),
        )
        .await
        .body;
    assert_eq!(rejoined["room"], joined["room"]);
    let v = |j: &Value| j["key_version"].as_str().unwrap().parse::<i64>().unwrap();
    assert_eq!(v(&rejoined), v(&joined) + 1);
    // New rows get ids after the copied ones (PostgreSQL's sequences were moved on).
    let r = alice2
        .post(
            &format!("/channels/{private}/messages"),
            json!({"body": "after the move"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert!(r.body["id"].as_i64().unwrap() > root + 1);
    let r = alice2.post("/workspaces", json!({"name": "New"})).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = bob2
        .send("PUT", &format!("/messages/{root}/reactions/new"), None, &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

/// Every table and column of the schema is copied by `copy-database`: a migration that
/// adds one must add it there too.
#[tokio::test(flavor = "multi_thread")]
async fn copy_database_knows_every_table_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&fresh_database(dir.path()).await).await.unwrap();
    let mut tx = db.read().await.unwrap();
    let schema: Vec<(String, String)> = match db.dialect() {
        Dialect::Sqlite => tx
            .all(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' \
                 AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
                args![],
            )
            .await
            .unwrap(),
        Dialect::Postgres => tx
            .all(
                "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name NOT LIKE '\\_%' \
                 ORDER BY table_name, ordinal_position",
                args![],
            )
            .await
            .unwrap(),
    };
    let mut copied: Vec<(String, String)> = huddle_server::copy::tables()
        .into_iter()
        .flat_map(|(t, cols)| cols.into_iter().map(move |c| (t.to_owned(), c.to_owned())))
        .collect();
    let mut schema = schema;
    schema.sort();
    copied.sort();
    assert_eq!(copied, schema);
}

/// `huddle-server backup` writes a consistent, complete copy of a running SQLite
/// installation while people keep writing; it never overwrites a file; on PostgreSQL it
/// points to pg_dump.
#[tokio::test(flavor = "multi_thread")]
async fn backup_copies_a_running_installation() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, ch) = common::workspace(&mut alice, "Backed up").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.sqlite");
    let Database::Sqlite(path) = server.database.clone() else {
        let err = server.db.backup_to(&file).await.unwrap_err();
        assert!(err.contains("pg_dump"), "{err}");
        return;
    };
    for i in 0..20 {
        alice
            .post(
                &format!("/channels/{ch}/messages"),
                json!({"body": format!("before {i}")}),
            )
            .await;
    }
    // Writers go on while the backup runs.
    let mut writer = Client::new(&server);
    writer.cookie = alice.cookie.clone();
    let writing = tokio::spawn(async move {
        for i in 0..100 {
            let r = writer
                .post(
                    &format!("/channels/{ch}/messages"),
                    json!({"body": format!("during {i}")}),
                )
                .await;
            assert_eq!(r.status, 201);
        }
    });
    let out = tokio::task::spawn_blocking({
        let (path, file) = (path.clone(), file.clone());
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_huddle-server"))
                .args(["backup", "--to"])
                .arg(&file)
                .arg("--database")
                .arg(&path)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    writing.await.unwrap();

    let copy = common::open_db(&Database::Sqlite(file.clone()), &server.data_dir).await;
    let mut tx = copy.read().await.unwrap();
    let (check,): (String,) = tx.one("PRAGMA integrity_check", args![]).await.unwrap();
    assert_eq!(check, "ok");
    let rows: Vec<(i64, String)> = tx
        .all("SELECT id, body FROM messages ORDER BY id", args![])
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for (id, body) in rows {
        let place = huddle_server::vault::Place::new("messages", "body", id);
        bodies.push(tx.open(&place, &body).await.unwrap());
    }
    assert!(
        bodies.len() >= 20 && bodies.len() <= 120,
        "{}",
        bodies.len()
    );
    // A prefix of what was written, with nothing missing in between.
    for (i, b) in bodies.iter().enumerate() {
        let want = if i < 20 {
            format!("before {i}")
        } else {
            format!("during {}", i - 20)
        };
        assert_eq!(b, &want);
    }
    drop(tx);
    copy.close().await;

    // Never over an existing file.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huddle-server"))
        .args(["backup", "--to"])
        .arg(&file)
        .arg("--database")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists"));
}
