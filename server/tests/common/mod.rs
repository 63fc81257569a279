//! A real server on loopback with a temporary SQLite file (or, when
//! `HUDDLE_TEST_POSTGRES` names a PostgreSQL server, a new database on it: see
//! `scripts/with-postgres.sh`), and a small client that keeps the session cookie (by hand:
//! `__Host-` cookies are `Secure`, which cookie jars withhold over plain HTTP).

#![allow(dead_code, missing_docs)]

pub mod mail;

use std::net::SocketAddr;
use std::path::PathBuf;

use huddle_server::config::Database;
use huddle_server::db::{Arg, Db};
use huddle_server::{app, relay_app, AppState, Config, Role};
use reqwest::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use serde_json::Value;

pub struct Server {
    pub base: String,
    /// The server's database (to start a second server on it).
    pub database: Database,
    /// The server's own handle on it (for tests that change rows behind its back).
    pub db: Db,
    /// The data directory (secret salt).
    pub data_dir: PathBuf,
    /// The server's state (to run its housekeeping now).
    pub state: AppState,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Runs one statement in its own transaction; returns the rows changed.
    pub async fn exec(&self, sql: &'static str, args: Vec<Arg>) -> u64 {
        let mut tx = self.db.write().await.unwrap();
        let n = tx.execute(sql, args).await.unwrap();
        tx.commit().await.unwrap();
        n
    }

    /// The one integer a query returns.
    pub async fn count(&self, sql: &'static str) -> i64 {
        let (n,): (i64,) = self
            .db
            .read()
            .await
            .unwrap()
            .one(sql, vec![])
            .await
            .unwrap();
        n
    }
}

/// The PostgreSQL server the tests run against, if any (`postgres://…` of a database
/// the tests may create databases from).
pub fn test_postgres() -> Option<String> {
    std::env::var("HUDDLE_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A new, empty PostgreSQL database on the test server; returns its URL.
pub async fn new_postgres_database(admin_url: &str) -> String {
    use sqlx::Connection;
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let name = format!(
        "huddle_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        crypto_wasm::random::token(4).unwrap()
    );
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let _ = admin.close().await;
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    format!("{base}/{name}{query}")
}

/// Opens `database` as the server does: migrated, with the master key of `data_dir`
/// (created there for a new database), plain values of an earlier server sealed.
pub async fn open_db(database: &Database, data_dir: &std::path::Path) -> Db {
    let mut config = Config::local(data_dir.join("dist"), data_dir.join("unused.sqlite"));
    config.database = database.clone();
    config.data_dir = data_dir.to_owned();
    let db = Db::open(database).await.unwrap();
    let vault = huddle_server::vault::load(&config, &db).await.unwrap();
    let db = db.with_vault(vault);
    huddle_server::upgrade::seal_plain_values(&db)
        .await
        .unwrap();
    db
}

/// The database a new test server gets: a SQLite file in `dir`, or a new PostgreSQL
/// database when the tests run against PostgreSQL.
pub async fn fresh_database(dir: &std::path::Path) -> Database {
    match test_postgres() {
        Some(admin) => Database::Postgres(new_postgres_database(&admin).await),
        None => Database::Sqlite(dir.join("huddle.sqlite")),
    }
}

pub async fn spawn() -> Server {
    spawn_with(|_| {}).await
}

/// Like [`spawn`], with settings changed by `tweak` (e.g. the `api` role).
pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    let mut config = Config::local(dist, dir.path().join("huddle.sqlite"));
    config.database = fresh_database(dir.path()).await;
    // PDFs are rendered by the server's executable (the tests' own is another program).
    config.pdf_renderer = Some(env!("CARGO_BIN_EXE_huddle-server").into());
    // Drive's files in an S3-compatible bucket when the tests run against one (see
    // `scripts/with-s3.sh`), under a prefix of this server's own.
    if let Ok(bucket) = std::env::var("HUDDLE_TEST_S3") {
        let prefix = dir
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        config.drive_store = Some(format!("{bucket}/{prefix}"));
    }
    tweak(&mut config);
    let database = config.database.clone();
    let data_dir = config.data_dir.clone();
    let state = AppState::new(config).await.unwrap();
    let db = state.db.clone();
    let kept = state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server {
        base: format!("http://{addr}/api/v1"),
        database,
        db,
        data_dir,
        state: kept,
        _dir: dir,
    }
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    /// The session cookie (`name=value`).
    pub cookie: Option<String>,
    /// The device cookie (`name=value`), set by a sign-in.
    pub device: Option<String>,
    /// The last `Set-Cookie` of the session cookie.
    pub last_set_cookie: Option<String>,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Client {
    /// The server's `host:port`.
    pub fn host(&self) -> String {
        self.base
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    }

    pub fn new(server: &Server) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            cookie: None,
            device: None,
            last_set_cookie: None,
        }
    }

    /// Sends a request with the CSRF header and the session cookie; `extra` headers are
    /// added, except that an `x-requested-with` in `extra` replaces the CSRF header (and
    /// an empty one leaves it out).
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base));
        if !extra
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("x-requested-with"))
        {
            req = req.header("x-requested-with", "huddle");
        }
        let cookies: Vec<&str> = [&self.cookie, &self.device]
            .into_iter()
            .filter_map(|c| c.as_deref())
            .collect();
        if !cookies.is_empty() {
            req = req.header(COOKIE, cookies.join("; "));
        }
        for (k, v) in extra.iter().filter(|(_, v)| !v.is_empty()) {
            req = req.header(*k, HeaderValue::from_str(v).unwrap());
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        for sc in headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = sc.split(';').next().unwrap().to_owned();
            let value = if pair.ends_with('=') {
                None
            } else {
                Some(pair.clone())
            };
            if pair.contains("huddle_device=") {
                self.device = value;
            } else {
                self.last_set_cookie = Some(sc.to_owned());
                self.cookie = value;
            }
        }
        let text = res.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Sends raw bytes (a tus `PATCH`, say) with the CSRF header, the session cookie and
    /// `extra` headers.
    pub async fn send_bytes(
        &mut self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("x-requested-with", "huddle")
            .body(body);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, c.as_str());
        }
        for (k, v) in extra {
            req = req.header(*k, HeaderValue::from_str(v).unwrap());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(crate::common::hex(&bytes)));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The raw bytes of a `GET` (a download), with `extra` headers and no cookie.
    pub async fn fetch_raw(&self, url: &str, extra: &[(&str, &str)]) -> (u16, HeaderMap, Vec<u8>) {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("http://{}{url}", self.host())
        };
        let mut req = self.http.get(url);
        for (k, v) in extra {
            req = req.header(*k, HeaderValue::from_str(v).unwrap());
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.bytes().await.unwrap().to_vec())
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Reply {
        self.send("POST", path, Some(body), &[]).await
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send("GET", path, None, &[]).await
    }
}

/// Asserts a JSON API error with `status` and `code`.
pub fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], code, "{:?}", r.body);
    assert!(r.body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

/// Signs up `name` (password "long enough password"); returns the signed-in client and id.
pub async fn user(server: &Server, name: &str) -> (Client, i64) {
    let mut c = Client::new(server);
    let r = c
        .post(
            "/auth/signup",
            serde_json::json!({"username": name, "email": format!("{name}@example.com"), "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    (c, r.body["id"].as_i64().unwrap())
}

/// A WebSocket to the relay.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `ws://host/ws` and authenticates with a fresh ticket from the API, as the SPA
/// does.
pub async fn relay_socket(c: &mut Client) -> Socket {
    let host = c.host();
    relay_socket_at(c, &format!("ws://{host}/ws")).await
}

/// Like [`relay_socket`], for a relay at `url` (a separate relay process).
pub async fn relay_socket_at(c: &mut Client, url: &str) -> Socket {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let r = c.post("/realtime/ticket", serde_json::json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let ticket = r.body["ticket"].as_str().unwrap().to_owned();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::Text(
        serde_json::json!({"type": "auth", "ticket": ticket})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    let reply = ws.next().await.unwrap().unwrap().into_text().unwrap();
    assert_eq!(reply.as_str(), r#"{"type":"authenticated"}"#);
    ws
}

/// A relay alone (`--role relay`) on loopback with `secret`; returns its `/ws` URL.
pub async fn spawn_relay(secret: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    serve_relay(listener, secret);
    format!("ws://{addr}/ws")
}

/// Serves a relay alone (`--role relay`) with `secret` on a listener bound earlier.
pub fn serve_relay(listener: tokio::net::TcpListener, secret: &str) {
    serve_relay_with_data_dir(listener, secret, PathBuf::from("/nonexistent"));
}

/// Like [`serve_relay`], with `data_dir` as its data directory (and the default database
/// path inside it), which the relay must never create.
pub fn serve_relay_with_data_dir(
    listener: tokio::net::TcpListener,
    secret: &str,
    data_dir: PathBuf,
) {
    let mut config = Config::local(
        PathBuf::from("/nonexistent"),
        data_dir.join("huddle.sqlite"),
    );
    config.data_dir = data_dir;
    config.role = Role::Relay;
    config.relay_secret = Some(secret.to_owned());
    let router = relay_app(config).unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
}

/// Creates a workspace named `name` as `c`; returns its id and its `#general`'s id.
pub async fn workspace(c: &mut Client, name: &str) -> (i64, i64) {
    let r = c
        .post("/workspaces", serde_json::json!({ "name": name }))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let ws = r.body["id"].as_i64().unwrap();
    let channels = c.get(&format!("/workspaces/{ws}/channels")).await.body;
    (ws, channels[0]["id"].as_i64().unwrap())
}

/// The id of `c`'s direct message with `other` in workspace `ws` (made on first use).
pub async fn direct(c: &mut Client, ws: i64, other: i64) -> i64 {
    let r = c
        .post(
            &format!("/workspaces/{ws}/direct"),
            serde_json::json!({ "user_id": other }),
        )
        .await;
    r.body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a direct message: {:?}", r.body))
}

/// `inviter` invites `login` into workspace `ws` and `invitee` (who has that username or
/// e-mail) accepts: afterwards they are a member.
pub async fn add_member(inviter: &mut Client, ws: i64, invitee: &mut Client, login: &str) {
    let r = inviter
        .post(
            &format!("/workspaces/{ws}/invitations"),
            serde_json::json!({ "user": login }),
        )
        .await;
    assert_eq!(r.status, 201, "invite: {:?}", r.body);
    let mine = invitee.get("/invitations").await;
    let id = mine
        .body
        .as_array()
        .and_then(|l| l.iter().find(|i| i["workspace_id"] == ws))
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("an invitation to {ws} in {:?}", mine.body));
    let r = invitee
        .post(&format!("/invitations/{id}/accept"), serde_json::json!({}))
        .await;
    assert_eq!(r.status, 200, "accept: {:?}", r.body);
}

/// Standard base64 (tus's Upload-Metadata values).
pub fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A one-page PDF (A4 portrait) with a black rectangle over the top half of its page.
pub fn pdf() -> Vec<u8> {
    let content = "0 0 0 rg 50 421 495 371 re f";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
