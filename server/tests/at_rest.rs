//! Encryption at rest, on the database the suite runs against: nothing people typed and
//! no room key is stored in the clear (the SQLite file and its log, or a `pg_dump`), a
//! moved or damaged value is refused with a clear error, the master key is required, it
//! rotates while the server runs, and an earlier server's plain SQLite file is sealed in
//! place, resumably.

mod common;

use common::{spawn, spawn_with, user, Client, Server};
use huddle_server::args;
use huddle_server::config::Database;
use serde_json::{json, Value};

/// What a person types, each marker distinct enough to be found in raw bytes.
const MARKERS: &[&str] = &[
    "markeruser",
    "markermail",
    "MarkerDisplayName",
    "MarkerWorkspace",
    "markerchannel",
    "MarkerMessageBody",
    "MarkerReplyBody",
    "MarkerEditedBody",
    "MarkerKeptAnswer",
    "markeremoji",
    "MarkerBoardName",
    "MarkerListName",
    "MarkerTaskTitle",
    "MarkerTaskDescription",
    "MarkerRenamedTask",
    "MarkerLabelName",
    "MarkerChecklistText",
];

/// Everything the database holds, as bytes: the SQLite file and its write-ahead log, or
/// what `pg_dump` writes.
fn stored_bytes(server: &Server) -> Vec<u8> {
    match &server.database {
        Database::Sqlite(path) => {
            let mut all = std::fs::read(path).unwrap();
            for suffix in ["-wal", "-journal"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                if let Ok(b) = std::fs::read(&p) {
                    all.extend(b);
                }
            }
            all
        }
        Database::Postgres(url) => {
            let bin = std::fs::read_dir("/usr/lib/postgresql")
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin/pg_dump"))
                .filter(|p| p.exists())
                .max()
                .expect("pg_dump");
            let out = std::process::Command::new(bin).arg(url).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.to_lowercase();
    haystack
        .to_ascii_lowercase()
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_typed_and_no_room_key_is_stored_in_the_clear() {
    let server = spawn().await;
    let mut c = Client::new(&server);
    let r = c
        .post(
            "/auth/signup",
            json!({"username": "markeruser", "email": "markermail@example.com", "display_name": "MarkerDisplayName", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let (mut bob, _) = user(&server, "bob").await;
    let ws = c
        .post("/workspaces", json!({"name": "MarkerWorkspace"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    common::add_member(&mut c, ws, &mut bob, "bob").await;
    let ch = c
        .post(
            &format!("/workspaces/{ws}/channels"),
            json!({"name": "markerchannel"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let root = c
        .post(
            &format!("/channels/{ch}/messages"),
            json!({"body": "MarkerMessageBody"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    bob.post(
        &format!("/channels/{ch}/messages"),
        json!({"body": "MarkerReplyBody", "thread_root_id": root}),
    )
    .await;
    let r = c
        .send(
            "POST",
            &format!("/channels/{ch}/messages"),
            Some(json!({"body": "MarkerKeptAnswer"})),
            &[("idempotency-key", "kept-answer-key-0123456789")],
        )
        .await;
    assert_eq!(r.status, 201);
    let edited = r.body["id"].as_i64().unwrap();
    let r = c
        .send(
            "PATCH",
            &format!("/messages/{edited}"),
            Some(json!({"body": "MarkerEditedBody"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = bob
        .send(
            "PUT",
            &format!("/messages/{root}/reactions/markeremoji"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    // Tasks: a board, a list, a task, renamed.
    let board = c
        .post(
            &format!("/workspaces/{ws}/boards"),
            json!({"name": "MarkerBoardName"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let list = c
        .post(
            &format!("/boards/{board}/lists"),
            json!({"name": "MarkerListName"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let task = c
        .post(
            &format!("/lists/{list}/tasks"),
            json!({"title": "MarkerTaskTitle", "description": "MarkerTaskDescription"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = c
        .send(
            "PATCH",
            &format!("/tasks/{task}"),
            Some(json!({"title": "MarkerRenamedTask"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c
        .post(
            &format!("/boards/{board}/labels"),
            json!({"name": "MarkerLabelName"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let r = c
        .post(
            &format!("/tasks/{task}/checklist"),
            json!({"text": "MarkerChecklistText"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let view = c.get(&format!("/boards/{board}")).await.body;
    assert_eq!(view["board"]["name"], "MarkerBoardName");
    assert_eq!(view["labels"][0]["name"], "MarkerLabelName");
    assert_eq!(
        view["lists"][0]["tasks"][0]["checklist"][0]["text"],
        "MarkerChecklistText"
    );
    assert_eq!(view["lists"][0]["list"]["name"], "MarkerListName");
    assert_eq!(view["lists"][0]["tasks"][0]["title"], "MarkerRenamedTask");
    assert_eq!(
        view["lists"][0]["tasks"][0]["description"],
        "MarkerTaskDescription"
    );
    let mut keys = Vec::new();
    for collection in [format!("channel:{ch}"), format!("workspace:{ws}")] {
        let j = c
            .post("/realtime/join", json!({"collection": collection}))
            .await;
        keys.push(j.body["key"].as_str().unwrap().to_owned());
    }
    // Everything reads back through the API.
    let page = c.get(&format!("/channels/{ch}/messages")).await.body;
    let bodies: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["MarkerMessageBody", "MarkerEditedBody"]);
    assert_eq!(page["messages"][0]["reactions"][0]["emoji"], "markeremoji");
    assert_eq!(
        page["messages"][0]["author"]["display_name"],
        "MarkerDisplayName"
    );

    let stored = stored_bytes(&server);
    assert!(stored.len() > 4096);
    for m in MARKERS {
        assert!(!contains(&stored, m), "{m} is stored in the clear");
    }
    for k in &keys {
        assert!(!contains(&stored, k), "a room key is stored in the clear");
    }
    // The scan can fail: an identifier, stored in the clear, is found.
    assert!(
        contains(&stored, "channel:"),
        "the scan sees the stored rows"
    );
}

/// A sealed value copied into another row, altered, or replaced by plain text is refused,
/// never shown: the message is marked `unreadable` without its text (the rest of its page
/// still reads), a damaged reaction is left out, a damaged name reads "(unreadable name)".
#[tokio::test(flavor = "multi_thread")]
async fn a_moved_damaged_or_plain_value_is_refused() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (ws, ch) = common::workspace(&mut alice, "W").await;
    let mut ids = Vec::new();
    for body in ["first", "second", "third"] {
        let r = alice
            .post(&format!("/channels/{ch}/messages"), json!({"body": body}))
            .await;
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let get = async |cl: &mut Client, id: i64| -> Value {
        let r = cl.get(&format!("/messages/{id}")).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    };
    let unreadable = |m: &Value| {
        assert_eq!(m["unreadable"], true, "{m}");
        assert!(m["body"].is_null(), "{m}");
    };
    assert_eq!(get(&mut alice, a).await["body"], "first");
    assert_eq!(get(&mut alice, a).await["unreadable"], false);

    // Moved: b's ciphertext in a's row.
    server
        .exec(
            "UPDATE messages SET body = (SELECT body FROM messages WHERE id = $2) WHERE id = $1",
            args![a, b],
        )
        .await;
    let m = get(&mut alice, a).await;
    unreadable(&m);
    assert!(!m.to_string().contains("second"));
    // Damaged: one character of b's ciphertext changed.
    let (sealed,): (String,) = server
        .db
        .read()
        .await
        .unwrap()
        .one("SELECT body FROM messages WHERE id = $1", args![b])
        .await
        .unwrap();
    let mut damaged = sealed.into_bytes();
    let i = damaged.len() - 50;
    damaged[i] = if damaged[i] == b'A' { b'B' } else { b'A' };
    server
        .exec(
            "UPDATE messages SET body = $2 WHERE id = $1",
            args![b, String::from_utf8(damaged).unwrap()],
        )
        .await;
    unreadable(&get(&mut alice, b).await);
    // The channel's page still answers: the two damaged messages marked, the third whole.
    let r = alice.get(&format!("/channels/{ch}/messages")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let page = r.body["messages"].as_array().unwrap().clone();
    let by_id = |id: i64| page.iter().find(|m| m["id"] == id).unwrap().clone();
    unreadable(&by_id(a));
    unreadable(&by_id(b));
    assert_eq!(by_id(c)["body"], "third");
    assert_eq!(by_id(c)["unreadable"], false);
    // Plain text written behind the server's back is not shown as if it were sealed.
    server
        .exec(
            "UPDATE messages SET body = 'injected' WHERE id = $1",
            args![b],
        )
        .await;
    let m = get(&mut alice, b).await;
    unreadable(&m);
    assert!(!m.to_string().contains("injected"));
    // An edit replaces a damaged text.
    let r = alice
        .send(
            "PATCH",
            &format!("/messages/{b}"),
            Some(json!({"body": "second, again"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["unreadable"], false);
    assert_eq!(get(&mut alice, b).await["body"], "second, again");

    // A damaged reaction is left out; the others stay.
    for emoji in ["%F0%9F%91%8D", "%F0%9F%8E%89"] {
        let r = alice
            .send(
                "PUT",
                &format!("/messages/{c}/reactions/{emoji}"),
                None,
                &[],
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    server
        .exec(
            "UPDATE reactions SET emoji = 'x' WHERE id = (SELECT min(id) FROM reactions WHERE message_id = $1)",
            args![c],
        )
        .await;
    let m = get(&mut alice, c).await;
    assert_eq!(m["unreadable"], true, "{m}");
    assert_eq!(m["body"], "third");
    assert_eq!(m["reactions"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(m["reactions"][0]["emoji"], "🎉");

    // A damaged channel name: the channel list still answers, naming it so.
    server
        .exec("UPDATE channels SET name = 'x' WHERE id = $1", args![ch])
        .await;
    let r = alice.get(&format!("/workspaces/{ws}/channels")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let names: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"(unreadable name)"), "{names:?}");
    // The rest of the server still works.
    assert_eq!(alice.get("/workspaces").await.status, 200);
}

/// Without its master key a server refuses to start and says where it looked; a
/// `--master-key-file` that does not exist is refused too.
#[tokio::test(flavor = "multi_thread")]
async fn the_master_key_is_required() {
    let server = spawn().await;
    user(&server, "alice").await;
    let elsewhere = tempfile::tempdir().unwrap();
    let mut config = huddle_server::Config::local(
        elsewhere.path().join("dist"),
        elsewhere.path().join("x.sqlite"),
    );
    config.database = server.database.clone();
    config.data_dir = elsewhere.path().to_owned();
    let err = huddle_server::AppState::new(config.clone())
        .await
        .err()
        .expect("refused");
    let looked = elsewhere.path().join("master-key");
    assert!(
        err.contains("master key is missing") && err.contains(&looked.display().to_string()),
        "{err}"
    );
    assert!(
        !looked.exists(),
        "no new key was made for a database that has one"
    );
    // The right file, named explicitly: starts.
    config.master_key_file = Some(server.data_dir.join("master-key"));
    assert!(huddle_server::AppState::new(config.clone()).await.is_ok());
    // A named file that is not there, for a new database: refused.
    let fresh = tempfile::tempdir().unwrap();
    let mut config =
        huddle_server::Config::local(fresh.path().join("dist"), fresh.path().join("new.sqlite"));
    config.database = common::fresh_database(fresh.path()).await;
    config.master_key_file = Some(fresh.path().join("missing-key"));
    let err = huddle_server::AppState::new(config)
        .await
        .err()
        .expect("refused");
    assert!(err.contains("missing-key"), "{err}");
}

/// `huddle-server rotate-master-key` while the server runs: the key file changes, the
/// running server keeps reading and writing (a new workspace gets a data key sealed under
/// the new master key), and a server started afterwards reads everything.
#[tokio::test(flavor = "multi_thread")]
async fn the_master_key_rotates_while_the_server_runs() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let post_in_new_workspace = async |c: &mut Client, name: &str| -> (i64, i64) {
        let (ws, ch) = common::workspace(c, name).await;
        let r = c
            .post(
                &format!("/channels/{ch}/messages"),
                json!({"body": format!("in {name}")}),
            )
            .await;
        assert_eq!(r.status, 201);
        (ws, ch)
    };
    let (_, before) = post_in_new_workspace(&mut alice, "Before").await;
    let key_file = server.data_dir.join("master-key");
    let old_key = std::fs::read_to_string(&key_file).unwrap();

    let database = match &server.database {
        Database::Sqlite(p) => p.display().to_string(),
        Database::Postgres(url) => url.clone(),
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huddle-server"))
        .args(["rotate-master-key", "--database", &database, "--data-dir"])
        .arg(&server.data_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("master key rotated"));
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(old_key, new_key);
    assert!(!huddle_server::vault::next_path(&key_file).exists());

    // The running server goes on, old and new data alike.
    let (_, after) = post_in_new_workspace(&mut alice, "After").await;
    // A new server, with only the new key, reads everything.
    let (database, data_dir) = (server.database.clone(), server.data_dir.clone());
    let second = spawn_with(move |c| {
        c.database = database;
        c.data_dir = data_dir;
    })
    .await;
    let mut again = Client::new(&second);
    again.cookie = alice.cookie.clone();
    for (ch, body) in [(before, "in Before"), (after, "in After")] {
        let page = again.get(&format!("/channels/{ch}/messages")).await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        assert_eq!(page.body["messages"][0]["body"], body);
    }
    let names: Vec<Value> = again
        .get("/workspaces")
        .await
        .body
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(names.len(), 2);
    // The old key opens nothing any more.
    std::fs::write(&key_file, old_key).unwrap();
    let (database, data_dir) = (server.database.clone(), server.data_dir.clone());
    let mut config = huddle_server::Config::local(data_dir.join("dist"), data_dir.join("x"));
    config.database = database;
    config.data_dir = data_dir;
    let err = huddle_server::AppState::new(config)
        .await
        .err()
        .expect("refused");
    assert!(err.contains("belongs to this database"), "{err}");
}

/// An earlier server's SQLite file with plain values (the demo's shape) is sealed in
/// place on first start: a crash midway (simulated: the upgrade stops after two batches)
/// loses nothing, the next start finishes, people read exactly what they read before, and
/// nothing of the plain values is left in the file or its log.
#[tokio::test(flavor = "multi_thread")]
async fn an_earlier_plain_installation_is_sealed_in_place_resumably() {
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
    let hash = huddle_server::password::hash("long enough password").unwrap();
    sqlx::query(
        "INSERT INTO users (id, username, email, display_name, password_hash, created_at) VALUES \
         (1, 'oldalice', 'oldalice@example.com', 'PlainAlice', ?1, 1), \
         (2, 'oldbob', 'oldbob@example.com', 'PlainBob', ?1, 1)",
    )
    .bind(&hash)
    .execute(&mut c)
    .await
    .unwrap();
    sqlx::raw_sql(
        "PRAGMA user_version = 5;
         INSERT INTO workspaces (id, name, created_by, created_at) VALUES (1, 'PlainWorkspace', 1, 1);
         INSERT INTO workspace_members VALUES (1, 1, 'owner', 1), (1, 2, 'member', 1);
         INSERT INTO channels (id, workspace_id, kind, name, created_by, created_at) VALUES (1, 1, 'public', 'plainchannel', 1, 1);
         INSERT INTO realtime_rooms VALUES ('channel:1', 'endpoint-1', 'aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44', 3, 0, 1);",
    )
    .execute(&mut c)
    .await
    .unwrap();
    for i in 1..=1200 {
        sqlx::query("INSERT INTO messages (id, channel_id, author_id, body, created_at) VALUES (?1, 1, ?2, ?3, ?1)")
            .bind(i)
            .bind(1 + i % 2)
            .bind(format!("PlainBody number {i}"))
            .execute(&mut c)
            .await
            .unwrap();
    }
    sqlx::raw_sql(
        "INSERT INTO reactions (message_id, user_id, emoji) VALUES (1, 2, 'plainemoji');",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();

    // A first start that stops midway.
    let data_dir = dir.path().to_owned();
    let database = Database::Sqlite(path.clone());
    {
        let mut config = huddle_server::Config::local(data_dir.join("dist"), path.clone());
        config.database = database.clone();
        let db = huddle_server::db::Db::open(&database).await.unwrap();
        let vault = huddle_server::vault::load(&config, &db).await.unwrap();
        let db = db.with_vault(vault);
        let n = huddle_server::upgrade::seal_some_plain_values(&db, Some(2))
            .await
            .unwrap();
        assert!(n > 0 && n < 1200, "{n}");
        db.close().await;
    }
    // The next start finishes the job.
    let server = spawn_with({
        let (database, data_dir) = (database.clone(), data_dir.clone());
        move |c| {
            c.database = database;
            c.data_dir = data_dir;
        }
    })
    .await;
    let mut alice = Client::new(&server);
    let r = alice
        .post(
            "/auth/signin",
            json!({"login": "OldAlice", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["display_name"], "PlainAlice");
    assert_eq!(
        alice.get("/workspaces").await.body[0]["name"],
        "PlainWorkspace"
    );
    assert_eq!(
        alice.get("/workspaces/1/channels").await.body[0]["name"],
        "plainchannel"
    );
    let mut before = None;
    let mut seen = Vec::new();
    loop {
        let q = before.map_or(String::new(), |b: i64| format!("&before={b}"));
        let page = alice
            .get(&format!("/channels/1/messages?limit=100{q}"))
            .await
            .body;
        for m in page["messages"].as_array().unwrap() {
            seen.push((
                m["id"].as_i64().unwrap(),
                m["body"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_before"].as_i64() {
            Some(b) => before = Some(b),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen.len(), 1200);
    for (id, body) in &seen {
        assert_eq!(body, &format!("PlainBody number {id}"));
    }
    let first = alice.get("/messages/1").await.body;
    assert_eq!(first["reactions"][0]["emoji"], "plainemoji");
    // The room keeps its key: a join mixes into it.
    let joined = alice
        .post("/realtime/join", json!({"collection": "channel:1"}))
        .await
        .body;
    assert_eq!(joined["room"], "endpoint-1");
    assert_eq!(joined["key_version"], "4");

    let stored = stored_bytes(&server);
    for plain in [
        "oldalice",
        "PlainAlice",
        "PlainWorkspace",
        "plainchannel",
        "PlainBody",
        "plainemoji",
        "aa11bb22cc33dd44",
    ] {
        assert!(!contains(&stored, plain), "{plain} is left in the clear");
    }
}
