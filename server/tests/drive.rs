//! Drive over real HTTP: tus uploads (whole, in pieces, resumed across a restart, with
//! checksums, expired), folders, versions, trash, limits, download tokens and ranges,
//! the bytes at rest (never in plain text, and any damage an error rather than wrong
//! bytes).

mod common;

use base64::Engine as _;
use common::{assert_error, b64, spawn, spawn_with, user, workspace, Client, Reply, Server};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const SEG: usize = 65_536;

/// `Upload-Checksum` of `bytes`.
fn checksum(bytes: &[u8]) -> String {
    format!(
        "sha256 {}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
    )
}

/// Bytes that say where they are (and hold a marker to look for at rest).
fn content(len: usize, marker: &str) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    let m = marker.as_bytes();
    for at in (0..len.saturating_sub(m.len())).step_by(50_000) {
        v[at..at + m.len()].copy_from_slice(m);
    }
    v
}

fn meta(name: &str, parent: Option<i64>, replaces: Option<i64>) -> String {
    let mut m = vec![format!("filename {}", b64(name))];
    if let Some(p) = parent {
        m.push(format!("parent {}", b64(&p.to_string())));
    }
    if let Some(r) = replaces {
        m.push(format!("replaces {}", b64(&r.to_string())));
    }
    m.join(",")
}

/// Creates an upload of `len` bytes; returns its path under the API.
async fn create(c: &mut Client, ws: i64, len: usize, metadata: &str) -> Reply {
    c.send_bytes(
        "POST",
        &format!("/workspaces/{ws}/drive/uploads"),
        Vec::new(),
        &[
            ("tus-resumable", "1.0.0"),
            ("upload-length", &len.to_string()),
            ("upload-metadata", metadata),
        ],
    )
    .await
}

fn location(r: &Reply) -> String {
    assert_eq!(r.status, 201, "{:?}", r.body);
    let loc = r.headers["location"].to_str().unwrap();
    loc.strip_prefix("/api/v1").unwrap().to_owned()
}

async fn patch(
    c: &mut Client,
    at: &str,
    offset: usize,
    bytes: &[u8],
    extra: &[(&str, &str)],
) -> Reply {
    let offset = offset.to_string();
    let mut h = vec![
        ("tus-resumable", "1.0.0"),
        ("content-type", "application/offset+octet-stream"),
        ("upload-offset", offset.as_str()),
    ];
    h.extend_from_slice(extra);
    c.send_bytes("PATCH", at, bytes.to_vec(), &h).await
}

fn offset(r: &Reply) -> usize {
    r.headers["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn file_id(r: &Reply) -> i64 {
    r.headers
        .get("huddle-file-id")
        .unwrap_or_else(|| panic!("no Huddle-File-Id: {} {:?}", r.status, r.body))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Uploads `bytes` in one creation-with-upload request; returns the file id.
async fn upload(c: &mut Client, ws: i64, name: &str, parent: Option<i64>, bytes: &[u8]) -> i64 {
    let r = c
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            bytes.to_vec(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", &bytes.len().to_string()),
                ("upload-metadata", &meta(name, parent, None)),
                ("content-type", "application/offset+octet-stream"),
            ],
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.headers["tus-resumable"], "1.0.0");
    assert_eq!(offset(&r), bytes.len());
    file_id(&r)
}

/// Downloads `file` (a version of it) through a fresh token.
async fn download(
    c: &mut Client,
    file: i64,
    version: Option<i64>,
    range: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = c
        .post(
            &format!("/drive/files/{file}/download"),
            json!({ "version": version }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let url = r.body["url"].as_str().unwrap().to_owned();
    let extra: Vec<(&str, &str)> = range.map(|v| ("range", v)).into_iter().collect();
    c.fetch_raw(&url, &extra).await
}

/// Empties the trash of workspace `ws`.
async fn empty_trash(c: &mut Client, ws: i64) -> Reply {
    c.send(
        "DELETE",
        &format!("/workspaces/{ws}/drive/trash"),
        None,
        &[],
    )
    .await
}

/// A server, Ann signed up, and her workspace "Drive".
async fn ann_drive() -> (Server, Client, i64) {
    let server = spawn().await;
    let (mut ann, _) = user(&server, "ann").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    (server, ann, ws)
}

fn sha(b: &[u8]) -> String {
    common::hex(&Sha256::digest(b))
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_list_download_version_and_ranges() {
    let (_server, mut ann, ws) = ann_drive().await;
    let r = ann
        .post(
            &format!("/workspaces/{ws}/drive/folders"),
            json!({ "name": "Reports" }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let folder = r.body["id"].as_i64().unwrap();

    let bytes = content(3 * SEG + 123, "MARKER-one");
    let file = upload(&mut ann, ws, "Q3 résumé.bin", Some(folder), &bytes).await;
    let list = ann.get(&format!("/drive/folders/{folder}")).await;
    assert_eq!(list.status, 200);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], file);
    assert_eq!(items[0]["name"], "Q3 résumé.bin");
    assert_eq!(items[0]["size"], bytes.len());
    assert_eq!(items[0]["version"], 1);
    assert_eq!(list.body["folder"]["name"], "Reports");

    let (status, h, got) = download(&mut ann, file, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(sha(&got), sha(&bytes));
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-security-policy"], "sandbox; default-src 'none'");
    assert_eq!(h["cache-control"], "private, no-store");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"Q3 r_sum_.bin\"; filename*=UTF-8''Q3%20r%C3%A9sum%C3%A9.bin"
    );

    // Ranges across a segment boundary, the tail, and one past the end.
    let (status, h, got) = download(&mut ann, file, None, Some("bytes=65530-65545")).await;
    assert_eq!(status, 206);
    assert_eq!(got, bytes[65_530..65_546]);
    assert_eq!(
        h["content-range"],
        format!("bytes 65530-65545/{}", bytes.len()).as_str()
    );
    let (status, _, got) = download(&mut ann, file, None, Some("bytes=-100")).await;
    assert_eq!((status, got.as_slice()), (206, &bytes[bytes.len() - 100..]));
    let (status, h, _) = download(
        &mut ann,
        file,
        None,
        Some(&format!("bytes={}-", bytes.len())),
    )
    .await;
    assert_eq!(status, 416);
    assert_eq!(
        h["content-range"],
        format!("bytes */{}", bytes.len()).as_str()
    );

    // A new version over it; the first stays downloadable.
    let v2 = content(10, "v2");
    let r = create(
        &mut ann,
        ws,
        v2.len(),
        &meta("ignored.txt", None, Some(file)),
    )
    .await;
    let at = location(&r);
    let r = patch(&mut ann, &at, 0, &v2, &[]).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(file_id(&r), file);
    let it = ann.get(&format!("/drive/items/{file}")).await;
    assert_eq!(
        (it.body["version"].as_i64(), it.body["size"].as_i64()),
        (Some(2), Some(10))
    );
    assert_eq!(it.body["name"], "Q3 résumé.bin");
    assert_eq!(download(&mut ann, file, None, None).await.2, v2);
    assert_eq!(
        sha(&download(&mut ann, file, Some(1), None).await.2),
        sha(&bytes)
    );
    let r = ann
        .post(
            &format!("/drive/files/{file}/download"),
            json!({ "version": 9 }),
        )
        .await;
    assert_error(&r, 404, "NOT_FOUND");

    // Usage counts both versions.
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(u.body["used"], bytes.len() + 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_is_one_download_of_one_version_for_a_minute() {
    let (server, mut ann, ws) = ann_drive().await;
    let file = upload(&mut ann, ws, "a.txt", None, b"hello").await;
    let r = ann
        .post(&format!("/drive/files/{file}/download"), json!({}))
        .await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("/api/v1/drive/download/") && url.len() > 60,
        "{url}"
    );
    let (status, h, got) = ann.fetch_raw(&url, &[]).await;
    assert_eq!((status, got.as_slice()), (200, &b"hello"[..]));
    assert_eq!(h["content-type"], "text/plain; charset=utf-8");
    // Used: a second whole download is refused.
    let (status, _, body) = ann.fetch_raw(&url, &[]).await;
    assert_eq!(status, 410);
    assert!(String::from_utf8_lossy(&body).contains("DOWNLOAD_EXPIRED"));
    // Expired.
    let r = ann
        .post(&format!("/drive/files/{file}/download"), json!({}))
        .await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    server
        .exec(
            "UPDATE drive_tokens SET expires_at = 1 WHERE used_at IS NULL",
            vec![],
        )
        .await;
    assert_eq!(ann.fetch_raw(&url, &[]).await.0, 410);
    // A token nobody made.
    let (status, _, _) = ann
        .fetch_raw(&format!("/api/v1/drive/download/{}", "ab".repeat(32)), &[])
        .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn html_and_svg_download_as_attachments_that_cannot_run() {
    let (_server, mut ann, ws) = ann_drive().await;
    for (name, body) in [
        (
            "page.html",
            &b"<!doctype html><script>alert(document.cookie)</script>"[..],
        ),
        (
            "pic.svg",
            &b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"[..],
        ),
    ] {
        let file = upload(&mut ann, ws, name, None, body).await;
        let (status, h, got) = download(&mut ann, file, None, None).await;
        assert_eq!((status, got.as_slice()), (200, body));
        let ct = h["content-type"].to_str().unwrap();
        assert!(!ct.contains("html") && !ct.contains("svg"), "{name}: {ct}");
        assert!(h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert_eq!(h["content-security-policy"], "sandbox; default-src 'none'");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_in_small_pieces_resumes_from_its_offset() {
    let (server, mut ann, ws) = ann_drive().await;
    let bytes = content(2 * SEG + 5_000, "pieces");
    let at = location(&create(&mut ann, ws, bytes.len(), &meta("p.bin", None, None)).await);
    // Nothing half-uploaded is listed.
    let top = ann.get(&format!("/workspaces/{ws}/drive")).await;
    assert_eq!(top.body["items"], json!([]));
    let mut at_byte = 0;
    for piece in bytes.chunks(30_000) {
        let head = ann
            .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
            .await;
        assert_eq!(head.status, 200);
        assert_eq!(offset(&head), at_byte);
        assert_eq!(
            head.headers["upload-length"],
            bytes.len().to_string().as_str()
        );
        let r = patch(&mut ann, &at, at_byte, piece, &[]).await;
        assert_eq!(r.status, 204, "{:?}", r.body);
        at_byte += piece.len();
        assert_eq!(offset(&r), at_byte);
    }
    let top = ann.get(&format!("/workspaces/{ws}/drive")).await;
    let file = top.body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        sha(&download(&mut ann, file, None, None).await.2),
        sha(&bytes)
    );
    // Once complete, for a day, HEAD says so and names the file (a client that lost the
    // last answer does not start over); PATCH finds no upload; to no one else.
    let head = ann
        .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(head.status, 200);
    assert_eq!(offset(&head), bytes.len());
    assert_eq!(file_id(&head), file);
    let r = patch(&mut ann, &at, bytes.len(), b"", &[]).await;
    assert_error(&r, 404, "NOT_FOUND");
    let (mut bob, _) = user(&server, "bob").await;
    common::add_member(&mut ann, ws, &mut bob, "bob").await;
    let theirs = bob
        .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(theirs.status, 404);
    // Its file deleted, or a day later: gone.
    ann.post(&format!("/drive/items/{file}/trash"), json!({}))
        .await;
    assert_eq!(empty_trash(&mut ann, ws).await.status, 204);
    let head = ann
        .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(head.status, 404);
    let at = location(&create(&mut ann, ws, 3, &meta("q.bin", None, None)).await);
    assert_eq!(patch(&mut ann, &at, 0, b"abc", &[]).await.status, 204);
    server
        .exec("UPDATE drive_finished_uploads SET expires_at = 1", vec![])
        .await;
    huddle_server::api::drive::tus::purge_expired(&server.state)
        .await
        .unwrap();
    assert_eq!(
        server
            .count("SELECT count(*) FROM drive_finished_uploads")
            .await,
        0
    );
    let head = ann
        .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(head.status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn protocol_errors_are_clear_and_change_nothing() {
    let (_server, mut ann, ws) = ann_drive().await;
    let bytes = content(100_000, "errors");
    let at = location(&create(&mut ann, ws, bytes.len(), &meta("e.bin", None, None)).await);
    assert_eq!(
        patch(&mut ann, &at, 0, &bytes[..40_000], &[]).await.status,
        204
    );
    // Wrong offset.
    let r = patch(&mut ann, &at, 10, &bytes[10..20], &[]).await;
    assert_error(&r, 409, "OFFSET_MISMATCH");
    // Wrong checksum: nothing of the request is kept.
    let wrong = checksum(b"other");
    let r = patch(
        &mut ann,
        &at,
        40_000,
        &bytes[40_000..90_000],
        &[("upload-checksum", &wrong)],
    )
    .await;
    assert_eq!(r.status, 460, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "CHECKSUM_MISMATCH");
    let right = checksum(&bytes[40_000..]);
    let r = patch(
        &mut ann,
        &at,
        40_000,
        &bytes[40_000..],
        &[("upload-checksum", &right)],
    )
    .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let file = file_id(&r);
    assert_eq!(
        sha(&download(&mut ann, file, None, None).await.2),
        sha(&bytes)
    );
    // Other errors.
    let r = ann
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            Vec::new(),
            &[
                ("upload-length", "5"),
                ("upload-metadata", &meta("a", None, None)),
            ],
        )
        .await;
    assert_error(&r, 412, "TUS_VERSION");
    let r = create(&mut ann, ws, 5, "").await;
    assert_error(&r, 400, "INVALID_INPUT");
    let r = create(&mut ann, ws, 5, &meta("a/b", None, None)).await;
    assert_error(&r, 400, "INVALID_INPUT");
    let r = create(&mut ann, ws, 5, &meta("a", Some(file), None)).await;
    assert_error(&r, 404, "NOT_FOUND");
    let at = location(&create(&mut ann, ws, 5, &meta("b", None, None)).await);
    let r = patch(&mut ann, &at, 0, b"too many bytes", &[]).await;
    assert_error(&r, 413, "TOO_LARGE");
    let r = ann
        .send_bytes(
            "PATCH",
            &at,
            b"x".to_vec(),
            &[("tus-resumable", "1.0.0"), ("upload-offset", "0")],
        )
        .await;
    assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
    // Termination removes it.
    let r = ann
        .send_bytes("DELETE", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(patch(&mut ann, &at, 0, b"12345", &[]).await.status, 404);
    // OPTIONS says what the server does.
    let r = ann
        .send_bytes(
            "OPTIONS",
            &format!("/workspaces/{ws}/drive/uploads"),
            Vec::new(),
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(r.headers["tus-version"], "1.0.0");
    assert!(r.headers["tus-extension"]
        .to_str()
        .unwrap()
        .contains("creation-with-upload"));
    assert_eq!(r.headers["tus-checksum-algorithm"], "sha256");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_resumes_on_a_restarted_server() {
    let (server, mut ann, ws) = ann_drive().await;
    let bytes = content(SEG * 2 + 777, "restart");
    let at = location(&create(&mut ann, ws, bytes.len(), &meta("r.bin", None, None)).await);
    assert_eq!(
        patch(&mut ann, &at, 0, &bytes[..SEG + 10], &[])
            .await
            .status,
        204
    );
    // Another server process on the same database and data directory.
    let again = spawn_on(&server).await;
    let mut ann2 = Client::new(&again);
    ann2.cookie = ann.cookie.clone();
    let head = ann2
        .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(offset(&head), SEG + 10);
    let r = patch(&mut ann2, &at, SEG + 10, &bytes[SEG + 10..], &[]).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let file = file_id(&r);
    assert_eq!(
        sha(&download(&mut ann2, file, None, None).await.2),
        sha(&bytes)
    );
}

/// A second server on `server`'s database and data directory.
async fn spawn_on(server: &Server) -> Server {
    let database = server.database.clone();
    let data_dir = server.data_dir.clone();
    let store = server.state.config.drive_store.clone();
    spawn_with(move |c| {
        c.database = database;
        c.data_dir = data_dir;
        c.drive_store = store;
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_abandoned_upload_expires_and_its_bytes_go() {
    let (server, mut ann, ws) = ann_drive().await;
    let bytes = content(SEG + 1, "abandoned");
    let at = location(&create(&mut ann, ws, bytes.len(), &meta("x.bin", None, None)).await);
    assert_eq!(
        patch(&mut ann, &at, 0, &bytes[..SEG + 1 - 5], &[])
            .await
            .status,
        204
    );
    assert!(!stored(&server).await.is_empty());
    server
        .exec("UPDATE drive_uploads SET expires_at = 1", vec![])
        .await;
    let gone = huddle_server::api::drive::tus::purge_expired(&server.state)
        .await
        .unwrap();
    assert_eq!(gone, 1);
    assert_eq!(stored(&server).await, Vec::<(String, Vec<u8>)>::new());
    assert_eq!(server.count("SELECT count(*) FROM drive_versions").await, 0);
    assert_eq!(
        patch(&mut ann, &at, SEG - 4, &bytes[SEG - 4..], &[])
            .await
            .status,
        404
    );
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(u.body["used"], 0);
}

/// Every object the server stored (in its data directory, or its bucket), with its
/// bytes, read through the server's own store.
async fn stored(server: &Server) -> Vec<(String, Vec<u8>)> {
    server
        .state
        .drive
        .blobs
        .objects()
        .await
        .unwrap()
        .into_iter()
        .map(|(n, b)| (n, b.to_vec()))
        .collect()
}

async fn overwrite(server: &Server, name: &str, bytes: &[u8]) {
    server
        .state
        .drive
        .blobs
        .overwrite(name, bytes.to_vec())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn limits_refuse_before_storing_anything() {
    let server = spawn_with(|c| {
        c.drive_quota = Some(100_000);
        c.drive_max_file_size = Some(60_000);
    })
    .await;
    let (mut ann, _) = user(&server, "ann").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let r = create(&mut ann, ws, 60_001, &meta("big", None, None)).await;
    assert_error(&r, 413, "TOO_LARGE");
    upload(&mut ann, ws, "a", None, &content(60_000, "a")).await;
    let r = create(&mut ann, ws, 50_000, &meta("b", None, None)).await;
    assert_error(&r, 413, "QUOTA_EXCEEDED");
    assert_eq!(server.count("SELECT count(*) FROM drive_versions").await, 1);
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(
        u.body,
        json!({ "used": 60_000, "quota": 100_000, "max_file_size": 60_000 })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_is_stored_in_plain_text() {
    let (server, mut ann, ws) = ann_drive().await;
    let marker = "PLAINTEXT-MARKER-7f3a";
    let bytes = content(3 * SEG, marker);
    upload(&mut ann, ws, "secret-name-marker.txt", None, &bytes).await;
    // Half an upload too (its tail is kept in the database).
    let at = location(&create(&mut ann, ws, bytes.len(), &meta("half", None, None)).await);
    assert_eq!(
        patch(&mut ann, &at, 0, &bytes[..SEG + 500], &[])
            .await
            .status,
        204
    );
    let objects = stored(&server).await;
    assert!(!objects.is_empty());
    for (name, b) in objects {
        assert!(!contains(&b, marker.as_bytes()), "{name} holds the marker");
    }
    // The database (SQLite's file) holds neither the bytes nor the names.
    if let Some(path) = server.db.sqlite_path() {
        let mut db = std::fs::read(path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", path.display())) {
            db.extend(wal);
        }
        for needle in [marker, "secret-name-marker"] {
            assert!(
                !contains(&db, needle.as_bytes()),
                "the database holds {needle}"
            );
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_stored_file_is_an_error_never_wrong_bytes() {
    let (server, mut ann, ws) = ann_drive().await;
    let bytes = content(3 * SEG + 10, "damage");
    let file = upload(&mut ann, ws, "d.bin", None, &bytes).await;
    let objects = stored(&server).await;
    assert_eq!(objects.len(), 1);
    let (name, original) = objects.into_iter().next().unwrap();
    let seg = |i: usize| 8 + i * (SEG + 64);

    // A flipped byte in the first segment: a clear error before any byte.
    let mut t = original.clone();
    t[seg(0) + 100] ^= 1;
    overwrite(&server, &name, &t).await;
    let (status, _, body) = download(&mut ann, file, None, None).await;
    assert_eq!(status, 500);
    assert!(String::from_utf8_lossy(&body).contains("UNREADABLE"));

    // Two segments swapped, or the file cut: the download stops before them; what came
    // before is the file's own start.
    let mut swapped = original.clone();
    let (a, b) = (
        original[seg(1)..seg(2)].to_vec(),
        original[seg(2)..seg(3)].to_vec(),
    );
    swapped[seg(1)..seg(2)].copy_from_slice(&b);
    swapped[seg(2)..seg(3)].copy_from_slice(&a);
    for damaged in [
        swapped,
        original[..seg(2)].to_vec(),
        original[..original.len() - 1].to_vec(),
    ] {
        overwrite(&server, &name, &damaged).await;
        let r = ann
            .post(&format!("/drive/files/{file}/download"), json!({}))
            .await;
        let url = r.body["url"].as_str().unwrap().to_owned();
        let got = reqwest::get(format!("http://{}{url}", ann.host()))
            .await
            .unwrap();
        let status = got.status().as_u16();
        let partial = got.bytes().await;
        match (status, partial) {
            // Damage within the first megabyte: a clear error before any byte.
            (500, Ok(b)) => assert!(String::from_utf8_lossy(&b).contains("UNREADABLE")),
            // Further on: the download stops before it.
            (200, Ok(b)) => assert!(
                b.len() < bytes.len() && bytes.starts_with(&b),
                "wrong bytes served"
            ),
            (200, Err(_)) => {}
            (s, b) => panic!("{s} {b:?}"),
        }
    }
    // A segment in range of a request but damaged: 500, never wrong bytes.
    overwrite(&server, &name, &original[..seg(2)]).await;
    let (status, _, _) = download(
        &mut ann,
        file,
        None,
        Some(&format!("bytes={}-", 2 * SEG + 1)),
    )
    .await;
    assert_eq!(status, 500);
    overwrite(&server, &name, &original).await;
    assert_eq!(
        sha(&download(&mut ann, file, None, None).await.2),
        sha(&bytes)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_move_rename_trash_restore_and_empty() {
    let (server, mut ann, ws) = ann_drive().await;
    let mk = |name: &str, parent: Option<i64>| json!({ "name": name, "parent_id": parent });
    let a = ann
        .post(&format!("/workspaces/{ws}/drive/folders"), mk("A", None))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let b = ann
        .post(&format!("/workspaces/{ws}/drive/folders"), mk("B", Some(a)))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let r = ann
        .post(&format!("/workspaces/{ws}/drive/folders"), mk("a", None))
        .await;
    assert_error(&r, 409, "NAME_TAKEN");
    let f = upload(&mut ann, ws, "notes.md", Some(b), b"# Notes").await;
    assert_eq!(
        ann.get(&format!("/drive/items/{f}")).await.body["mime"],
        "text/markdown"
    );
    // A file of the same name in the same folder gets a number.
    let f2 = upload(&mut ann, ws, "notes.md", Some(b), b"# Other").await;
    assert_eq!(
        ann.get(&format!("/drive/items/{f2}")).await.body["name"],
        "notes (2).md"
    );

    // A folder cannot go inside itself.
    let r = ann
        .send(
            "PATCH",
            &format!("/drive/items/{a}"),
            Some(json!({ "parent_id": b })),
            &[],
        )
        .await;
    assert_error(&r, 400, "INVALID_INPUT");
    // Move B to the top and rename it.
    let r = ann
        .send(
            "PATCH",
            &format!("/drive/items/{b}"),
            Some(json!({ "parent_id": null, "name": "Bee" })),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (r.body["parent_id"].clone(), r.body["name"].clone()),
        (Value::Null, json!("Bee"))
    );
    let top = ann.get(&format!("/workspaces/{ws}/drive")).await;
    let names: Vec<&str> = top.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "Bee"]);
    let inside = ann.get(&format!("/drive/folders/{b}")).await;
    assert_eq!(inside.body["path"], json!([]));
    assert_eq!(inside.body["items"].as_array().unwrap().len(), 2);

    // Trash B (its files go with it, out of every listing), restore, trash again.
    let r = ann
        .post(&format!("/drive/items/{b}/trash"), json!({}))
        .await;
    assert!(r.body["trashed_at"].is_i64());
    let top = ann.get(&format!("/workspaces/{ws}/drive")).await;
    assert_eq!(top.body["items"].as_array().unwrap().len(), 1);
    let trash = ann.get(&format!("/workspaces/{ws}/drive/trash")).await;
    assert_eq!(trash.body.as_array().unwrap().len(), 1);
    let r = create(&mut ann, ws, 1, &meta("x", Some(b), None)).await;
    assert_error(&r, 404, "NOT_FOUND");
    let r = ann
        .send(
            "PATCH",
            &format!("/drive/items/{b}"),
            Some(json!({ "name": "C" })),
            &[],
        )
        .await;
    assert_error(&r, 409, "IN_TRASH");
    let r = ann
        .post(&format!("/drive/items/{b}/restore"), json!({}))
        .await;
    assert_eq!(r.body["trashed_at"], Value::Null);
    ann.post(&format!("/drive/items/{b}/trash"), json!({}))
        .await;
    // A folder of the same name can be made while the other is in the trash; restoring
    // then clashes.
    ann.post(&format!("/workspaces/{ws}/drive/folders"), mk("Bee", None))
        .await;
    let r = ann
        .post(&format!("/drive/items/{b}/restore"), json!({}))
        .await;
    assert_error(&r, 409, "NAME_TAKEN");

    assert!(!stored(&server).await.is_empty());
    let r = empty_trash(&mut ann, ws).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(ann.get(&format!("/drive/items/{f}")).await.status, 404);
    assert_eq!(stored(&server).await, Vec::<(String, Vec<u8>)>::new());
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(u.body["used"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn outsiders_and_removed_members_find_nothing() {
    let server = spawn().await;
    let (mut ann, _) = user(&server, "ann").await;
    let (mut bob, _) = user(&server, "bob").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let file = upload(&mut ann, ws, "a.txt", None, b"private").await;
    let r = ann
        .post(&format!("/drive/files/{file}/download"), json!({}))
        .await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    for path in [
        format!("/workspaces/{ws}/drive"),
        format!("/drive/items/{file}"),
        format!("/workspaces/{ws}/drive/usage"),
    ] {
        assert_error(&bob.get(&path).await, 404, "NOT_FOUND");
    }
    assert_error(
        &bob.post(&format!("/drive/files/{file}/download"), json!({}))
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &create(&mut bob, ws, 1, &meta("x", None, None)).await,
        404,
        "NOT_FOUND",
    );
    // Ann's upload is hers alone.
    let at = location(&create(&mut ann, ws, 10, &meta("y", None, None)).await);
    common::add_member(&mut ann, ws, &mut bob, "bob").await;
    assert_eq!(
        patch(&mut bob, &at, 0, b"0123456789", &[]).await.status,
        404
    );
    // A member's token stops working once they are removed.
    let r = bob
        .post(&format!("/drive/files/{file}/download"), json!({}))
        .await;
    let bobs = r.body["url"].as_str().unwrap().to_owned();
    let me = bob.get("/auth/me").await.body["id"].as_i64().unwrap();
    let r = ann
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{me}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(bob.fetch_raw(&bobs, &[]).await.0, 404);
    // Ann's still works.
    assert_eq!(ann.fetch_raw(&url, &[]).await.0, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn emptying_the_trash_ends_the_uploads_into_it() {
    let (server, mut ann, ws) = ann_drive().await;
    let f = ann
        .post(
            &format!("/workspaces/{ws}/drive/folders"),
            json!({ "name": "F" }),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let bytes = content(SEG + 100, "into-trash");
    let at = location(&create(&mut ann, ws, 5_000_000, &meta("big", Some(f), None)).await);
    assert_eq!(patch(&mut ann, &at, 0, &bytes, &[]).await.status, 204);
    ann.post(&format!("/drive/items/{f}/trash"), json!({}))
        .await;
    let r = empty_trash(&mut ann, ws).await;
    assert_eq!(r.status, 204);
    // Its space and its bytes are free again, and it is gone.
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(u.body["used"], 0);
    assert_eq!(stored(&server).await, Vec::<(String, Vec<u8>)>::new());
    assert_eq!(patch(&mut ann, &at, SEG + 100, b"x", &[]).await.status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_first_bytes_leave_no_upload_behind() {
    let server = spawn_with(|c| c.drive_quota = Some(10_000)).await;
    let (mut ann, _) = user(&server, "ann").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let wrong = checksum(b"other");
    let r = ann
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            b"hello".to_vec(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", "8000"),
                ("upload-metadata", &meta("a", None, None)),
                ("content-type", "application/offset+octet-stream"),
                ("upload-checksum", &wrong),
            ],
        )
        .await;
    assert_eq!(r.status, 460, "{:?}", r.body);
    assert_eq!(server.count("SELECT count(*) FROM drive_versions").await, 0);
    // Its reservation is gone: the quota still takes a file of that size.
    upload(&mut ann, ws, "b", None, &content(8_000, "b")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_serves_one_whole_download_even_asked_at_once() {
    let (_server, mut ann, ws) = ann_drive().await;
    let file = upload(&mut ann, ws, "a.bin", None, &content(3 * SEG, "once")).await;
    let r = ann
        .post(&format!("/drive/files/{file}/download"), json!({}))
        .await;
    let url = format!("http://{}{}", ann.host(), r.body["url"].as_str().unwrap());
    // A HEAD (a link checker) does not use it up; a range that does not parse is ignored.
    let http = reqwest::Client::new();
    assert_eq!(http.head(&url).send().await.unwrap().status(), 200);
    let gets = (0..8).map(|_| {
        let (http, url) = (http.clone(), url.clone());
        tokio::spawn(async move {
            let r = http
                .get(&url)
                .header("range", "bytes=x-1")
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.bytes().await.map(|b| b.len()).unwrap_or(0),
            )
        })
    });
    let mut whole = 0;
    for g in gets {
        let (status, len) = g.await.unwrap();
        assert!(status == 200 || status == 410, "{status}");
        if status == 200 {
            assert_eq!(len, 3 * SEG);
            whole += 1;
        }
    }
    assert_eq!(whole, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_started_at_once_fit_the_quota() {
    let server = spawn_with(|c| c.drive_quota = Some(100_000)).await;
    let (ann, _) = user(&server, "ann").await;
    let mut ann = ann;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let cookie = ann.cookie.clone();
    let starts = (0..6).map(|i| {
        let mut c = Client::new(&server);
        c.cookie = cookie.clone();
        tokio::spawn(async move {
            create(&mut c, ws, 40_000, &meta(&format!("f{i}"), None, None))
                .await
                .status
        })
    });
    let mut made = 0;
    for s in starts {
        match s.await.unwrap() {
            201 => made += 1,
            413 => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(made, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_folders_moved_into_each_other_at_once_do_not_both_go() {
    let (server, mut ann, ws) = ann_drive().await;
    for round in 0..5 {
        let mk = |n: String| json!({ "name": n });
        let a = ann
            .post(
                &format!("/workspaces/{ws}/drive/folders"),
                mk(format!("A{round}")),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let b = ann
            .post(
                &format!("/workspaces/{ws}/drive/folders"),
                mk(format!("B{round}")),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let cookie = ann.cookie.clone();
        let moves = [(a, b), (b, a)].map(|(x, into)| {
            let mut c = Client::new(&server);
            c.cookie = cookie.clone();
            tokio::spawn(async move {
                c.send(
                    "PATCH",
                    &format!("/drive/items/{x}"),
                    Some(json!({ "parent_id": into })),
                    &[],
                )
                .await
                .status
            })
        });
        let mut moved = 0;
        for m in moves {
            if m.await.unwrap() == 200 {
                moved += 1;
            }
        }
        assert_eq!(moved, 1, "round {round}");
        // Both still reachable from the top.
        for x in [a, b] {
            assert_eq!(ann.get(&format!("/drive/folders/{x}")).await.status, 200);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_several_chunks_reads_back_whole_and_in_any_range() {
    let (server, mut ann, ws) = ann_drive().await;
    // 70 segments: two chunks (64 segments each at most), read 16 segments at a time.
    let bytes = content(70 * SEG - 3, "chunks");
    let at = location(&create(&mut ann, ws, bytes.len(), &meta("c.bin", None, None)).await);
    // In three requests, so that the chunks do not line up with the batches.
    let cuts = [0, 20 * SEG + 7, 50 * SEG + 1, bytes.len()];
    let mut file = 0;
    for w in cuts.windows(2) {
        let r = patch(&mut ann, &at, w[0], &bytes[w[0]..w[1]], &[]).await;
        assert_eq!(r.status, 204, "{:?}", r.body);
        if w[1] == bytes.len() {
            file = file_id(&r);
        }
    }
    assert!(stored(&server).await.len() >= 3);
    assert_eq!(
        sha(&download(&mut ann, file, None, None).await.2),
        sha(&bytes)
    );
    for (a, b) in [
        (15 * SEG - 1, 16 * SEG + 1),
        (20 * SEG, 20 * SEG + 20),
        (63 * SEG - 5, 65 * SEG + 5),
        (SEG, 69 * SEG),
        (bytes.len() - 1, bytes.len()),
    ] {
        let (status, _, got) =
            download(&mut ann, file, None, Some(&format!("bytes={a}-{}", b - 1))).await;
        assert_eq!(status, 206);
        assert!(got == bytes[a..b], "bytes {a}..{b}");
    }
}

/// Makes a share link to `item`; returns its id and token.
async fn share(c: &mut Client, item: i64, body: Value) -> (i64, String) {
    let r = c.post(&format!("/drive/items/{item}/shares"), body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let path = r.body["path"].as_str().unwrap();
    let token = path.strip_prefix("/s#").unwrap().to_owned();
    (r.body["id"].as_i64().unwrap(), token)
}

/// Through link `token` (with `grant`, if any): a download of `file`.
async fn link_download(c: &mut Client, token: &str, file: i64, grant: &str) -> Reply {
    c.send(
        "POST",
        &format!("/public/share/files/{file}/download"),
        Some(json!({})),
        &[("huddle-share-token", token), ("huddle-share-grant", grant)],
    )
    .await
}

/// Through link `token` (with `grant`, if any): a `GET` of `path` under `/public/share`.
async fn link_get(c: &mut Client, token: &str, path: &str, grant: &str) -> Reply {
    c.send(
        "GET",
        &format!("/public/share{path}"),
        None,
        &[("huddle-share-token", token), ("huddle-share-grant", grant)],
    )
    .await
}

async fn link_unlock(c: &mut Client, token: &str, password: &str) -> Reply {
    c.send(
        "POST",
        "/public/share/unlock",
        Some(json!({ "password": password })),
        &[("huddle-share-token", token)],
    )
    .await
}

async fn folder_in(c: &mut Client, ws: i64, name: &str, parent: Option<i64>) -> i64 {
    let r = c
        .post(
            &format!("/workspaces/{ws}/drive/folders"),
            json!({ "name": name, "parent_id": parent }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_view_link_shows_its_folder_and_nothing_else_within_its_download_limit() {
    let (server, mut ann, ws) = ann_drive().await;
    let public = folder_in(&mut ann, ws, "Public", None).await;
    let sub = folder_in(&mut ann, ws, "Sub", Some(public)).await;
    let inside = upload(&mut ann, ws, "inside.txt", Some(sub), b"shared bytes").await;
    let secret = upload(&mut ann, ws, "secret.txt", None, b"not shared").await;
    let outside = folder_in(&mut ann, ws, "Private", None).await;
    let (id, token) = share(&mut ann, public, json!({ "download_limit": 2 })).await;

    // Someone with the link and no account.
    let mut anon = Client::new(&server);
    let info = link_get(&mut anon, &token, "", "").await;
    assert_eq!(info.status, 200, "{:?}", info.body);
    assert_eq!(info.body["mode"], "view");
    assert_eq!(info.body["needs_password"], false);
    assert_eq!(info.body["item"]["name"], "Public");
    assert!(info.body["item"].get("created_by").is_none());
    let top = link_get(&mut anon, &token, &format!("/folders/{public}"), "").await;
    assert_eq!(top.body["items"][0]["name"], "Sub", "{:?}", top.body);
    let down = link_get(&mut anon, &token, &format!("/folders/{sub}"), "").await;
    assert_eq!(down.body["path"][0]["name"], "Public", "{:?}", down.body);
    assert_eq!(down.body["items"][0]["name"], "inside.txt");

    // Nothing outside it, and asking does not count as a download.
    assert_error(
        &link_download(&mut anon, &token, secret, "").await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &link_get(&mut anon, &token, &format!("/folders/{outside}"), "").await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &link_get(&mut anon, "not-a-token", "", "").await,
        404,
        "SHARE_NOT_FOUND",
    );

    // Two downloads, then no more.
    let r = link_download(&mut anon, &token, inside, "").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let first = r.body["url"].as_str().unwrap().to_owned();
    let (status, headers, bytes) = anon.fetch_raw(&first, &[]).await;
    assert_eq!((status, bytes.as_slice()), (200, &b"shared bytes"[..]));
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let r = link_download(&mut anon, &token, inside, "").await;
    let second = r.body["url"].as_str().unwrap().to_owned();
    assert_error(
        &link_download(&mut anon, &token, inside, "").await,
        410,
        "SHARE_EXHAUSTED",
    );
    let listed = ann.get(&format!("/drive/items/{public}/shares")).await;
    assert_eq!(listed.body[0]["downloads"], 2, "{:?}", listed.body);
    assert_eq!(listed.body[0]["path"], format!("/s#{token}"));

    // In the trash, the link stops working; restored, it works again.
    assert_eq!(
        ann.post(&format!("/drive/items/{public}/trash"), json!({}))
            .await
            .status,
        200
    );
    assert_error(
        &link_get(&mut anon, &token, "", "").await,
        404,
        "SHARE_NOT_FOUND",
    );
    assert_eq!(anon.fetch_raw(&second, &[]).await.0, 404);
    ann.post(&format!("/drive/items/{public}/restore"), json!({}))
        .await;
    assert_eq!(link_get(&mut anon, &token, "", "").await.status, 200);

    // Revoked: the link and the URL it handed out are gone.
    let r = ann
        .send("DELETE", &format!("/drive/shares/{id}"), None, &[])
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_error(
        &link_get(&mut anon, &token, "", "").await,
        404,
        "SHARE_NOT_FOUND",
    );
    assert_eq!(anon.fetch_raw(&second, &[]).await.0, 404);
    // The token is kept sealed, never in plain text.
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_shares WHERE token LIKE '%' || token_hash || '%'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_link_shows_nothing_until_unlocked_and_slows_guessing() {
    let (server, mut ann, ws) = ann_drive().await;
    let file = upload(&mut ann, ws, "plan.txt", None, b"the plan").await;
    let other = upload(&mut ann, ws, "other.txt", None, b"other").await;
    assert_error(
        &ann.post(
            &format!("/drive/items/{file}/shares"),
            json!({ "password": "short" }),
        )
        .await,
        400,
        "INVALID_INPUT",
    );
    let (_, token) = share(&mut ann, file, json!({ "password": "correct horse" })).await;
    let (_, other_token) = share(&mut ann, other, json!({ "password": "other horse" })).await;
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM drive_shares WHERE password_hash LIKE 'pbkdf2-sha256$%' \
                 AND password_hash NOT LIKE '%horse%'"
            )
            .await,
        2
    );

    let mut anon = Client::new(&server);
    let info = link_get(&mut anon, &token, "", "").await;
    assert_eq!(info.body["needs_password"], true);
    assert!(info.body["item"].is_null(), "{:?}", info.body);
    assert_error(
        &link_download(&mut anon, &token, file, "").await,
        401,
        "SHARE_LOCKED",
    );
    let r = link_unlock(&mut anon, &token, "correct horse").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let grant = r.body["grant"].as_str().unwrap().to_owned();
    let info = link_get(&mut anon, &token, "", &grant).await;
    assert_eq!(info.body["item"]["name"], "plan.txt", "{:?}", info.body);
    let r = link_download(&mut anon, &token, file, &grant).await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    assert_eq!(anon.fetch_raw(&url, &[]).await.2, b"the plan");
    // A grant opens its own link only.
    assert_error(
        &link_download(&mut anon, &other_token, other, &grant).await,
        401,
        "SHARE_LOCKED",
    );

    // Five wrong guesses come free; then even the right password waits.
    for _ in 0..5 {
        assert_error(
            &link_unlock(&mut anon, &token, "wrong guess").await,
            401,
            "WRONG_SHARE_PASSWORD",
        );
    }
    let r = link_unlock(&mut anon, &token, "correct horse").await;
    assert_error(&r, 429, "RATE_LIMITED");
    assert!(r.headers.contains_key("retry-after"));
    // The grant given before still works.
    assert_eq!(
        link_download(&mut anon, &token, file, &grant).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_says_so() {
    let (server, mut ann, ws) = ann_drive().await;
    let file = upload(&mut ann, ws, "a.txt", None, b"a").await;
    assert_error(
        &ann.post(
            &format!("/drive/items/{file}/shares"),
            json!({ "expires_at": 1 }),
        )
        .await,
        400,
        "INVALID_INPUT",
    );
    let soon = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let (_, token) = share(&mut ann, file, json!({ "expires_at": soon })).await;
    let mut anon = Client::new(&server);
    assert_eq!(link_get(&mut anon, &token, "", "").await.status, 200);
    server
        .exec("UPDATE drive_shares SET expires_at = 1000", vec![])
        .await;
    assert_error(
        &link_get(&mut anon, &token, "", "").await,
        410,
        "SHARE_EXPIRED",
    );
    assert_error(
        &link_download(&mut anon, &token, file, "").await,
        410,
        "SHARE_EXPIRED",
    );
}

/// Creates a tus upload through drop link `token`; returns the reply.
async fn drop_create(c: &mut Client, token: &str, len: usize, metadata: &str) -> Reply {
    c.send_bytes(
        "POST",
        "/public/share/uploads",
        Vec::new(),
        &[
            ("huddle-share-token", token),
            ("tus-resumable", "1.0.0"),
            ("upload-length", &len.to_string()),
            ("upload-metadata", metadata),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drop_link_takes_uploads_and_shows_nothing() {
    let (server, mut ann, ws) = ann_drive().await;
    let inbox = folder_in(&mut ann, ws, "Inbox", None).await;
    let there = upload(&mut ann, ws, "report.pdf", Some(inbox), b"%PDF-1.4 mine").await;
    let file = upload(&mut ann, ws, "f.txt", None, b"f").await;
    assert_error(
        &ann.post(
            &format!("/drive/items/{file}/shares"),
            json!({ "mode": "drop" }),
        )
        .await,
        400,
        "INVALID_INPUT",
    );
    let (id, token) = share(&mut ann, inbox, json!({ "mode": "drop" })).await;
    let (_, view) = share(&mut ann, inbox, json!({})).await;

    let mut anon = Client::new(&server);
    let info = link_get(&mut anon, &token, "", "").await;
    assert_eq!(info.body["mode"], "drop");
    assert_error(
        &link_get(&mut anon, &token, &format!("/folders/{inbox}"), "").await,
        403,
        "UPLOAD_ONLY",
    );
    assert_error(
        &link_download(&mut anon, &token, there, "").await,
        403,
        "UPLOAD_ONLY",
    );
    assert_error(
        &drop_create(&mut anon, &view, 3, &meta("x", None, None)).await,
        403,
        "VIEW_ONLY",
    );
    assert_error(
        &drop_create(&mut anon, &token, 3, &meta("x", Some(inbox), None)).await,
        400,
        "INVALID_INPUT",
    );

    // A resumable upload in two parts, under the name it asked for or a free one.
    let bytes = content(SEG + 10, "DROPPED");
    let r = drop_create(
        &mut anon,
        &token,
        bytes.len(),
        &meta("report.pdf", None, None),
    )
    .await;
    let at = location(&r);
    assert!(at.starts_with("/public/uploads/"), "{at}");
    let r = patch(&mut anon, &at, 0, &bytes[..1000], &[]).await;
    assert_eq!((r.status, offset(&r)), (204, 1000), "{:?}", r.body);
    let r = anon
        .send_bytes("HEAD", &at, Vec::new(), &[("tus-resumable", "1.0.0")])
        .await;
    assert_eq!(offset(&r), 1000);
    let r = patch(&mut anon, &at, 1000, &bytes[1000..], &[]).await;
    let dropped = file_id(&r);
    let list = ann.get(&format!("/drive/folders/{inbox}")).await;
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["report (2).pdf", "report.pdf"]);
    let item = ann.get(&format!("/drive/items/{dropped}")).await;
    assert_eq!(item.body["parent_id"], inbox);
    assert_eq!(download(&mut ann, dropped, None, None).await.2, bytes);

    // A member's upload is not reachable through the public upload URL, nor the other
    // way round.
    let mine = location(&create(&mut ann, ws, 10, &meta("y", None, None)).await);
    let public_path = mine.replace("/drive/uploads/", "/public/uploads/");
    assert_eq!(
        patch(&mut anon, &public_path, 0, b"0123456789", &[])
            .await
            .status,
        404
    );

    // Revoked midway: the upload ends with the link.
    let r = drop_create(&mut anon, &token, 20, &meta("late.txt", None, None)).await;
    let at = location(&r);
    patch(&mut anon, &at, 0, b"0123456789", &[]).await;
    ann.send("DELETE", &format!("/drive/shares/{id}"), None, &[])
        .await;
    assert_eq!(
        patch(&mut anon, &at, 10, b"0123456789", &[]).await.status,
        404
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_versions WHERE state = 'uploading' AND size = 20")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn who_sees_and_revokes_links() {
    let (server, mut ann, ws) = ann_drive().await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut cat, _) = user(&server, "cat").await;
    common::add_member(&mut ann, ws, &mut bob, "bob").await;
    let file = upload(&mut ann, ws, "a.txt", None, b"a").await;
    let (anns, _) = share(&mut ann, file, json!({})).await;
    let (bobs, bob_token) = share(&mut bob, file, json!({})).await;
    // A member sees an item's links, revokes their own only, and does not list all.
    assert_eq!(
        bob.get(&format!("/drive/items/{file}/shares"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_error(
        &bob.send("DELETE", &format!("/drive/shares/{anns}"), None, &[])
            .await,
        403,
        "FORBIDDEN",
    );
    assert_error(
        &bob.get(&format!("/workspaces/{ws}/drive/shares")).await,
        403,
        "FORBIDDEN",
    );
    // An outsider finds nothing.
    assert_error(
        &cat.send("DELETE", &format!("/drive/shares/{anns}"), None, &[])
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &cat.get(&format!("/drive/items/{file}/shares")).await,
        404,
        "NOT_FOUND",
    );
    // The owner sees every link of the workspace.
    let all = ann.get(&format!("/workspaces/{ws}/drive/shares")).await;
    assert_eq!(all.body.as_array().unwrap().len(), 2, "{:?}", all.body);
    // A link stops working when its creator leaves the workspace.
    let mut anon = Client::new(&server);
    assert_eq!(link_get(&mut anon, &bob_token, "", "").await.status, 200);
    let r = ann
        .send(
            "DELETE",
            &format!("/workspaces/{ws}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &link_get(&mut anon, &bob_token, "", "").await,
        404,
        "SHARE_NOT_FOUND",
    );
    // The owner revokes it.
    assert_eq!(
        ann.send("DELETE", &format!("/drive/shares/{bobs}"), None, &[])
            .await
            .status,
        204
    );
}

/// A PNG of `width` × `height` pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 77])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn thumbnails_of_images_and_nothing_else_and_no_bomb_decoded() {
    let (server, mut ann, ws) = ann_drive().await;
    let photo = upload(&mut ann, ws, "photo.png", None, &png(600, 300)).await;
    let r = ann
        .send("GET", &format!("/drive/files/{photo}/thumbnail"), None, &[])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "image/png");
    let (status, _, first) =
        with_session(&ann, &format!("/api/v1/drive/files/{photo}/thumbnail")).await;
    assert_eq!(status, 200);
    let small = image::load_from_memory(&first).unwrap();
    assert_eq!((small.width(), small.height()), (256, 128));
    // Kept, sealed: the stored value is not the PNG.
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_thumbnails WHERE state = 'ready' AND image NOT LIKE '%iVBOR%'")
            .await,
        1
    );
    let (_, _, again) = with_session(&ann, &format!("/api/v1/drive/files/{photo}/thumbnail")).await;
    assert_eq!(again, first);

    let text = upload(&mut ann, ws, "a.txt", None, b"plain words").await;
    assert_error(
        &ann.get(&format!("/drive/files/{text}/thumbnail")).await,
        404,
        "NO_PREVIEW",
    );
    // A PNG that claims 60,000 × 60,000 pixels (10.8 GB decoded) in a few bytes.
    let bomb = {
        let mut p = png(1, 1);
        // IHDR's width and height, then its CRC recomputed.
        p[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        p[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        let crc = crc32(&p[12..29]);
        p[29..33].copy_from_slice(&crc.to_be_bytes());
        p
    };
    let bomb = upload(&mut ann, ws, "bomb.png", None, &bomb).await;
    assert_eq!(
        ann.get(&format!("/drive/items/{bomb}")).await.body["mime"],
        "image/png"
    );
    let r = ann.get(&format!("/drive/files/{bomb}/thumbnail")).await;
    assert_error(&r, 404, "NO_PREVIEW");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{:?}",
        r.body
    );
    // Refused once, not tried again.
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_thumbnails WHERE state = 'refused'")
            .await,
        1
    );
    assert_error(
        &ann.get(&format!("/drive/files/{bomb}/thumbnail")).await,
        404,
        "NO_PREVIEW",
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    c ^ 0xffff_ffff
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pdfs_first_page_is_an_image_made_in_a_child_process() {
    let (server, mut ann, ws) = ann_drive().await;
    let doc = upload(&mut ann, ws, "report.pdf", None, &common::pdf()).await;
    let it = ann.get(&format!("/drive/items/{doc}")).await;
    assert_eq!(it.body["mime"], "application/pdf");
    let decode = |bytes: &[u8]| image::load_from_memory(bytes).expect("a PNG").to_rgb8();
    // The page, to read: 1,400 pixels high (A4 portrait), the rectangle black on white.
    let (status, headers, png) =
        with_session(&ann, &format!("/api/v1/drive/files/{doc}/page")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    let page = decode(&png);
    assert_eq!(page.height(), 1400);
    assert_eq!(page.width(), (595.0f32 * 1400.0 / 842.0) as u32);
    assert_eq!(page.get_pixel(page.width() / 2, 300).0, [0, 0, 0]);
    assert_eq!(page.get_pixel(page.width() / 2, 1300).0, [255, 255, 255]);
    // Its thumbnail too; both kept, sealed.
    let (status, _, png) =
        with_session(&ann, &format!("/api/v1/drive/files/{doc}/thumbnail")).await;
    assert_eq!(status, 200);
    assert_eq!(decode(&png).height(), 256);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_pages WHERE state = 'ready' AND image NOT LIKE '%iVBOR%'")
            .await,
        1
    );
    // Not a PDF that can be read (the bytes say PDF): refused with the reason, and kept
    // refused.
    let bad = upload(&mut ann, ws, "bad.pdf", None, b"%PDF-1.7\nnothing else").await;
    for _ in 0..2 {
        let r = ann.get(&format!("/drive/files/{bad}/page")).await;
        assert_error(&r, 404, "NO_PREVIEW");
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("PDF"),
            "{:?}",
            r.body
        );
    }
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_pages WHERE state = 'refused'")
            .await,
        1
    );
    // Not a PDF at all.
    let text = upload(&mut ann, ws, "a.txt", None, b"plain").await;
    assert_error(
        &ann.get(&format!("/drive/files/{text}/page")).await,
        404,
        "NO_PREVIEW",
    );
}

/// The PDF renderer's limits: a child that cannot render in time or memory is a refusal,
/// and the server goes on.
#[tokio::test(flavor = "multi_thread")]
async fn a_renderer_that_fails_is_a_refusal() {
    // A "renderer" that says nothing and fails, as one killed by its limits would.
    let server = spawn_with(|c| c.pdf_renderer = Some("/bin/false".into())).await;
    let (mut ann, _) = user(&server, "ann").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let doc = upload(&mut ann, ws, "report.pdf", None, &common::pdf()).await;
    let r = ann.get(&format!("/drive/files/{doc}/page")).await;
    assert_error(&r, 404, "NO_PREVIEW");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("too much memory or time"),
        "{:?}",
        r.body
    );
    assert_eq!(ann.get(&format!("/drive/items/{doc}")).await.status, 200);

    // A renderer that cannot even start is the machine's fault, not the file's: said
    // (503), not kept, tried again on the next request.
    let server = spawn_with(|c| c.pdf_renderer = Some("/nonexistent/renderer".into())).await;
    let (mut ann, _) = user(&server, "ann").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let doc = upload(&mut ann, ws, "report.pdf", None, &common::pdf()).await;
    for _ in 0..2 {
        let r = ann.get(&format!("/drive/files/{doc}/page")).await;
        assert_error(&r, 503, "PREVIEW_BUSY");
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM drive_pages").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_viewer_reads_a_file_whole_or_in_ranges_with_the_session() {
    let (server, mut ann, ws) = ann_drive().await;
    let bytes = content(2 * SEG + 5, "viewer");
    let file = upload(&mut ann, ws, "clip.bin", None, &bytes).await;
    let (status, headers, body) =
        with_session(&ann, &format!("/api/v1/drive/files/{file}/content")).await;
    assert_eq!((status, body.len()), (200, bytes.len()));
    assert_eq!(body, bytes);
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(
        headers["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    let r = ann
        .send_bytes(
            "GET",
            &format!("/drive/files/{file}/content"),
            Vec::new(),
            &[("range", &format!("bytes={}-{}", SEG - 2, SEG + 2))],
        )
        .await;
    assert_eq!(r.status, 206);
    assert_eq!(
        r.body.as_str().unwrap(),
        common::hex(&bytes[SEG - 2..SEG + 3])
    );
    // Signed out, nothing.
    let anon = Client::new(&server);
    let (status, _, _) = anon
        .fetch_raw(&format!("/api/v1/drive/files/{file}/content"), &[])
        .await;
    assert_eq!(status, 401);
}

/// The raw answer to a `GET` of `path` with `c`'s session.
async fn with_session(c: &Client, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let cookie = c.cookie.clone().unwrap();
    c.fetch_raw(path, &[("cookie", cookie.as_str())]).await
}

/// Every entry of the zip `bytes`, as Python's `zipfile` (another implementation) reads
/// it: name → SHA-256 of its content (after checking every CRC).
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("folder.zip");
    std::fs::write(&at, bytes).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import hashlib, json, sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))",
        )
        .arg(&at)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_downloads_as_a_zip_that_unzips_whole() {
    let (server, mut ann, ws) = ann_drive().await;
    let trip = folder_in(&mut ann, ws, "Trip", None).await;
    let photos = folder_in(&mut ann, ws, "Photos", Some(trip)).await;
    folder_in(&mut ann, ws, "Empty", Some(trip)).await;
    let notes = b"pack the tent\n".repeat(1000);
    upload(&mut ann, ws, "notes.txt", Some(trip), &notes).await;
    let big = content(5 * SEG + 3, "ZIPPED");
    upload(&mut ann, ws, "été.bin", Some(photos), &big).await;
    let gone = upload(&mut ann, ws, "gone.txt", Some(trip), b"trashed").await;
    ann.post(&format!("/drive/items/{gone}/trash"), json!({}))
        .await;

    let r = ann
        .post(&format!("/drive/folders/{trip}/download"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let url = r.body["url"].as_str().unwrap().to_owned();
    let (status, headers, zip) = ann.fetch_raw(&url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/zip");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Trip.zip"));
    let got = unzip(&zip);
    let expected: std::collections::BTreeMap<String, String> = [
        ("Trip/", sha(b"")),
        ("Trip/Empty/", sha(b"")),
        ("Trip/Photos/", sha(b"")),
        ("Trip/Photos/été.bin", sha(&big)),
        ("Trip/notes.txt", sha(&notes)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(got, expected);
    // Deflated: the repetitive text takes less room than itself.
    assert!(zip.len() < notes.len() + big.len());
    // Once.
    assert_eq!(ann.fetch_raw(&url, &[]).await.0, 410);

    // Through a link, counted against its limit.
    let (_, token) = share(&mut ann, trip, json!({ "download_limit": 1 })).await;
    let mut anon = Client::new(&server);
    let r = link_zip(&mut anon, &token, photos).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (_, _, zip) = anon.fetch_raw(r.body["url"].as_str().unwrap(), &[]).await;
    assert_eq!(unzip(&zip).len(), 2);
    let r = link_zip(&mut anon, &token, trip).await;
    assert_error(&r, 410, "SHARE_EXHAUSTED");
}

/// Through link `token`: a zip download of folder `id`.
async fn link_zip(c: &mut Client, token: &str, id: i64) -> Reply {
    c.send(
        "POST",
        &format!("/public/share/folders/{id}/download"),
        Some(json!({})),
        &[("huddle-share-token", token)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn names_are_found_through_the_blind_index() {
    let (server, mut ann, ws) = ann_drive().await;
    let reports = folder_in(&mut ann, ws, "Quarterly Reports", None).await;
    upload(&mut ann, ws, "Budget 2027.txt", Some(reports), b"a").await;
    let notes = upload(&mut ann, ws, "budget notes.txt", None, b"b").await;
    let old = upload(&mut ann, ws, "old budget.txt", None, b"c").await;
    ann.post(&format!("/drive/items/{old}/trash"), json!({}))
        .await;
    let find = |q: &str| format!("/workspaces/{ws}/drive/search?q={q}");
    let names = |r: &Reply| -> Vec<String> {
        r.body
            .as_array()
            .unwrap_or_else(|| panic!("{:?}", r.body))
            .iter()
            .map(|f| f["item"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = ann.get(&find("BUDG")).await;
    assert_eq!(names(&r), ["budget notes.txt", "Budget 2027.txt"]);
    assert_eq!(r.body[1]["path"][0]["name"], "Quarterly Reports");
    assert_eq!(
        names(&ann.get(&find("report")).await),
        ["Quarterly Reports"]
    );
    assert_eq!(
        names(&ann.get(&find("budget%202027")).await),
        ["Budget 2027.txt"]
    );
    // Renamed: found by its new name only.
    ann.send(
        "PATCH",
        &format!("/drive/items/{notes}"),
        Some(json!({ "name": "plans.txt" })),
        &[],
    )
    .await;
    assert_eq!(names(&ann.get(&find("budget")).await), ["Budget 2027.txt"]);
    assert_eq!(names(&ann.get(&find("plans")).await), ["plans.txt"]);
    // A folder in the trash hides what it holds.
    ann.post(&format!("/drive/items/{reports}/trash"), json!({}))
        .await;
    assert!(names(&ann.get(&find("budget")).await).is_empty());
    assert_error(&ann.get(&find("%20")).await, 400, "INVALID_INPUT");
    // The index holds keyed hashes, not words.
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM drive_search_index WHERE token LIKE '%budget%' OR token LIKE '%plans%'")
            .await,
        0
    );
    assert!(
        server
            .count("SELECT COUNT(*) FROM drive_search_index")
            .await
            > 10
    );
}

/// Uploads `bytes` as a new version of `file`.
async fn new_version(c: &mut Client, ws: i64, file: i64, bytes: &[u8]) {
    let r = c
        .send_bytes(
            "POST",
            &format!("/workspaces/{ws}/drive/uploads"),
            bytes.to_vec(),
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-length", &bytes.len().to_string()),
                ("upload-metadata", &meta("ignored", None, Some(file))),
                ("content-type", "application/offset+octet-stream"),
            ],
        )
        .await;
    assert_eq!(file_id(&r), file);
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_are_listed_and_an_earlier_one_restored() {
    let (_server, mut ann, ws) = ann_drive().await;
    let file = upload(&mut ann, ws, "plan.txt", None, b"first plan").await;
    new_version(&mut ann, ws, file, b"second plan").await;
    let list = |r: &Reply| -> Vec<(i64, bool)> {
        r.body
            .as_array()
            .unwrap_or_else(|| panic!("{:?}", r.body))
            .iter()
            .map(|v| {
                (
                    v["number"].as_i64().unwrap(),
                    v["current"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let versions = format!("/drive/files/{file}/versions");
    assert_eq!(list(&ann.get(&versions).await), [(2, true), (1, false)]);
    let r = ann
        .post(
            &format!("/drive/files/{file}/versions/1/restore"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["size"], 10);
    assert_eq!(download(&mut ann, file, None, None).await.2, b"first plan");
    assert_eq!(list(&ann.get(&versions).await), [(2, false), (1, true)]);
    assert_error(
        &ann.post(
            &format!("/drive/files/{file}/versions/9/restore"),
            json!({}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    // The next upload comes after every version, restored or not.
    new_version(&mut ann, ws, file, b"third plan").await;
    assert_eq!(
        list(&ann.get(&versions).await),
        [(3, true), (2, false), (1, false)]
    );
    assert_eq!(
        download(&mut ann, file, Some(2), None).await.2,
        b"second plan"
    );
}

/// The names of a folder's items (`None`: the top), in the listing's order.
async fn names_in(c: &mut Client, ws: i64, folder: Option<i64>) -> Vec<String> {
    let path = match folder {
        Some(f) => format!("/drive/folders/{f}"),
        None => format!("/workspaces/{ws}/drive"),
    };
    let r = c.get(&path).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

fn id_named(listing: &Value, name: &str) -> i64 {
    listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {listing}"))["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_holds_the_same_bytes_under_a_free_name_and_counts_in_the_quota() {
    let (server, mut ann, ws) = ann_drive().await;
    let photos = folder_in(&mut ann, ws, "Photos", None).await;
    let trip = folder_in(&mut ann, ws, "Trip", Some(photos)).await;
    let a = content(3 * SEG + 17, "copy-a");
    let b = content(SEG / 2, "copy-b");
    let fa = upload(&mut ann, ws, "a.bin", Some(photos), &a).await;
    upload(&mut ann, ws, "b.bin", Some(trip), &b).await;
    // Something in the trash is not copied.
    let gone = upload(&mut ann, ws, "gone.txt", Some(photos), b"gone").await;
    ann.post(&format!("/drive/items/{gone}/trash"), json!({}))
        .await;
    let objects = stored(&server).await.len();

    // A file into its own folder: a free name, the same bytes, version 1, mine.
    let r = ann
        .post(
            &format!("/drive/items/{fa}/copy"),
            json!({ "parent_id": photos }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["name"], "a (2).bin");
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["size"], a.len());
    assert_eq!(r.body["parent_id"], photos);
    let fa2 = r.body["id"].as_i64().unwrap();
    let (status, _, got) = download(&mut ann, fa2, None, None).await;
    assert_eq!((status, sha(&got)), (200, sha(&a)));
    let (status, _, got) = download(&mut ann, fa2, None, Some("bytes=65530-65545")).await;
    assert_eq!((status, got.as_slice()), (206, &a[65_530..65_546]));

    // A folder to the top: everything in it but the trash, under the same names.
    let r = ann
        .post(&format!("/drive/items/{photos}/copy"), json!({}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["name"], "Photos (2)");
    assert_eq!(r.body["parent_id"], Value::Null);
    let photos2 = r.body["id"].as_i64().unwrap();
    assert_eq!(
        names_in(&mut ann, ws, Some(photos2)).await,
        ["Trip", "a (2).bin", "a.bin"]
    );
    let listing = ann.get(&format!("/drive/folders/{photos2}")).await.body;
    let trip2 = id_named(&listing, "Trip");
    assert_ne!(trip2, trip);
    let listing = ann.get(&format!("/drive/folders/{trip2}")).await.body;
    let fb2 = id_named(&listing, "b.bin");
    let (_, _, got) = download(&mut ann, fb2, None, None).await;
    assert_eq!(sha(&got), sha(&b));
    // Found by name like any item.
    let found = ann
        .get(&format!("/workspaces/{ws}/drive/search?q=trip"))
        .await;
    assert_eq!(found.body.as_array().unwrap().len(), 2, "{:?}", found.body);

    // Nothing was written to the store; the quota counts every copy.
    assert_eq!(stored(&server).await.len(), objects);
    let used = ann.get(&format!("/workspaces/{ws}/drive/usage")).await.body["used"].clone();
    let one = (a.len() + b.len() + 4) as i64;
    assert_eq!(
        used,
        json!(one + a.len() as i64 + (2 * a.len() + b.len()) as i64)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_outlives_its_original_and_the_bytes_go_with_the_last_one() {
    let (server, mut ann, ws) = ann_drive().await;
    let bytes = content(2 * SEG + 5, "shared");
    let f = upload(&mut ann, ws, "shared.bin", None, &bytes).await;
    let objects = stored(&server).await.len();
    assert!(objects > 0);
    let copy = ann
        .post(&format!("/drive/items/{f}/copy"), json!({}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let copy2 = ann
        .post(&format!("/drive/items/{copy}/copy"), json!({}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();

    // The original deleted for good: the copies still read its bytes.
    ann.post(&format!("/drive/items/{f}/trash"), json!({}))
        .await;
    let r = empty_trash(&mut ann, ws).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(stored(&server).await.len(), objects);
    for c in [copy, copy2] {
        let (status, _, got) = download(&mut ann, c, None, None).await;
        assert_eq!((status, sha(&got)), (200, sha(&bytes)));
    }
    // The bytes held for the copies count once per copy, not for the deleted file.
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(u.body["used"], 2 * bytes.len());

    // Both copies in the trash and deleted together: the bytes go.
    ann.post(&format!("/drive/items/{copy}/trash"), json!({}))
        .await;
    ann.post(&format!("/drive/items/{copy2}/trash"), json!({}))
        .await;
    empty_trash(&mut ann, ws).await;
    assert_eq!(stored(&server).await.len(), 0);
    assert_eq!(server.count("SELECT count(*) FROM drive_versions").await, 0);
    let u = ann.get(&format!("/workspaces/{ws}/drive/usage")).await;
    assert_eq!(u.body["used"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_that_cannot_be_made_makes_nothing() {
    let server = spawn_with(|c| c.drive_quota = Some(100_000)).await;
    let (mut ann, _) = user(&server, "ann").await;
    let (ws, _) = workspace(&mut ann, "Drive").await;
    let top = folder_in(&mut ann, ws, "Top", None).await;
    let inner = folder_in(&mut ann, ws, "Inner", Some(top)).await;
    let f = upload(&mut ann, ws, "big.bin", Some(inner), &content(60_000, "q")).await;
    let items = server.count("SELECT count(*) FROM drive_items").await;

    let r = ann
        .post(
            &format!("/drive/items/{top}/copy"),
            json!({ "parent_id": inner }),
        )
        .await;
    assert_error(&r, 400, "INVALID_INPUT");
    let r = ann
        .post(&format!("/drive/items/{top}/copy"), json!({}))
        .await;
    assert_error(&r, 413, "QUOTA_EXCEEDED");
    let r = ann
        .post(&format!("/drive/items/{f}/copy"), json!({ "parent_id": f }))
        .await;
    assert_error(&r, 404, "NOT_FOUND");
    ann.post(&format!("/drive/items/{inner}/trash"), json!({}))
        .await;
    let r = ann.post(&format!("/drive/items/{f}/copy"), json!({})).await;
    // Inside a folder in the trash: as good as in it.
    assert_error(&r, 409, "IN_TRASH");
    assert_eq!(
        server.count("SELECT count(*) FROM drive_items").await,
        items
    );
    assert_eq!(server.count("SELECT count(*) FROM drive_versions").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn selected_items_download_as_one_zip_for_whoever_may_see_them() {
    let (server, mut ann, ws) = ann_drive().await;
    let trip = folder_in(&mut ann, ws, "Trip", None).await;
    let other = folder_in(&mut ann, ws, "Other", None).await;
    let a = upload(&mut ann, ws, "a.txt", Some(trip), b"first").await;
    let b = upload(&mut ann, ws, "b.txt", Some(trip), b"second").await;
    upload(&mut ann, ws, "c.txt", Some(trip), b"not selected").await;
    let inner = folder_in(&mut ann, ws, "Inner", Some(trip)).await;
    upload(&mut ann, ws, "deep.txt", Some(inner), b"deep").await;
    let same = upload(&mut ann, ws, "a.txt", Some(other), b"same name").await;

    let ask = |ids: Value| json!({ "ids": ids });
    let r = ann
        .post(
            &format!("/workspaces/{ws}/drive/download"),
            ask(json!([a, b, inner, a])),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let url = r.body["url"].as_str().unwrap().to_owned();
    let (status, headers, zip) = ann.fetch_raw(&url, &[]).await;
    assert_eq!(status, 200);
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Trip.zip"));
    let got: Vec<(String, String)> = unzip(&zip).into_iter().collect();
    let want = [
        ("Inner/", sha(b"")),
        ("Inner/deep.txt", sha(b"deep")),
        ("a.txt", sha(b"first")),
        ("b.txt", sha(b"second")),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    assert_eq!(got, want);
    assert_eq!(ann.fetch_raw(&url, &[]).await.0, 410);

    // From two folders: named "Drive", a repeated name numbered.
    let r = ann
        .post(
            &format!("/workspaces/{ws}/drive/download"),
            ask(json!([a, same])),
        )
        .await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    let (_, headers, zip) = ann.fetch_raw(&url, &[]).await;
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Drive.zip"));
    let names: Vec<String> = unzip(&zip).into_keys().collect();
    assert_eq!(names, ["a (2).txt", "a.txt"]);

    // Nothing, too much, another workspace's item, something in the trash: refused.
    let path = format!("/workspaces/{ws}/drive/download");
    assert_error(&ann.post(&path, ask(json!([]))).await, 400, "INVALID_INPUT");
    let many: Vec<i64> = (1..=1001).collect();
    assert_error(
        &ann.post(&path, ask(json!(many))).await,
        400,
        "INVALID_INPUT",
    );
    let (mut bob, _) = user(&server, "bob").await;
    let (bobs, _) = workspace(&mut bob, "Bob's").await;
    let his = folder_in(&mut bob, bobs, "His", None).await;
    assert_error(
        &ann.post(&path, ask(json!([a, his]))).await,
        404,
        "NOT_FOUND",
    );
    let r = bob
        .post(
            &format!("/workspaces/{bobs}/drive/download"),
            ask(json!([a])),
        )
        .await;
    assert_error(&r, 404, "NOT_FOUND");
    ann.post(&format!("/drive/items/{b}/trash"), json!({}))
        .await;
    assert_error(&ann.post(&path, ask(json!([a, b]))).await, 404, "NOT_FOUND");

    // A URL asked for, then the item trashed: the download says so.
    let r = ann.post(&path, ask(json!([a]))).await;
    let url = r.body["url"].as_str().unwrap().to_owned();
    ann.post(&format!("/drive/items/{a}/trash"), json!({}))
        .await;
    assert_eq!(ann.fetch_raw(&url, &[]).await.0, 404);
}
