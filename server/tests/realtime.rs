//! The key protocol and the relay over real HTTP and WebSockets: the joiner's key equals
//! the members' mix, server pushes are v1 envelopes, the relay's traffic holds no key
//! and no plaintext, and a removed member cannot read after the rotation.

mod common;

use std::time::Duration;

use common::{assert_error, relay_socket, serve_relay, spawn, spawn_relay, user, Client, Socket};
use crypto_wasm::{Envelope, Error, Format, RoomKeyring};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

async fn socket(c: &mut Client) -> Socket {
    relay_socket(c).await
}

/// Every frame a socket receives, for the "what does the relay see" check.
struct Wire {
    ws: Socket,
    seen: Vec<String>,
}

impl Wire {
    async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    async fn recv(&mut self) -> Value {
        let msg = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
            .await
            .expect("a frame within 5 s")
            .unwrap()
            .unwrap();
        let text = msg.into_text().unwrap().to_string();
        self.seen.push(text.clone());
        serde_json::from_str(&text).unwrap()
    }

    async fn subscribe(&mut self, room: &str) {
        self.send(json!({"type": "subscribe", "room": room})).await;
        assert_eq!(
            self.recv().await,
            json!({"type": "subscribed", "room": room})
        );
    }

    /// Who published the last event received, as the relay stamps it.
    fn last_from(&self) -> Value {
        serde_json::from_str::<Value>(self.seen.last().unwrap()).unwrap()["from"].clone()
    }

    /// The next event's envelope.
    async fn event(&mut self) -> Envelope {
        let f = self.recv().await;
        assert_eq!(f["type"], "event", "{f}");
        serde_json::from_value(f["data"].clone()).unwrap()
    }
}

/// Opens a socket to the relay at `url`, sends `first` as its first frame, and returns
/// the socket with the relay's answer.
async fn first_frame(url: &str, first: Value) -> (Wire, Value) {
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut wire = Wire { ws, seen: vec![] };
    wire.send(first).await;
    let reply = wire.recv().await;
    (wire, reply)
}

/// A workspace "Acme" owned by `owner`, and the id of its `general` channel.
async fn workspace(owner: &mut Client) -> (i64, i64) {
    let ws_id = owner
        .post("/workspaces", json!({"name": "Acme"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let general = owner
        .get(&format!("/workspaces/{ws_id}/channels"))
        .await
        .body[0]["id"]
        .as_i64()
        .unwrap();
    (ws_id, general)
}

/// Joins a channel's room: its endpoint, the key version, and a keyring holding the key.
async fn join_channel(c: &mut Client, channel: i64) -> (String, String, RoomKeyring) {
    let a = c
        .post(
            "/realtime/join",
            json!({"collection": format!("channel:{channel}")}),
        )
        .await
        .body;
    let room = a["room"].as_str().unwrap().to_owned();
    let version = a["key_version"].as_str().unwrap().to_owned();
    let mut ring = RoomKeyring::new(&room);
    ring.set_key(a["key"].as_str().unwrap(), &version).unwrap();
    (room, version, ring)
}

fn open(ring: &mut RoomKeyring, env: &Envelope) -> Value {
    serde_json::from_str(&ring.decrypt(env).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn key_protocol_relay_and_rotation() {
    let server = spawn().await;
    let (mut alice, alice_id) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut carol, _) = user(&server, "carol").await;
    let (ws_id, general) = workspace(&mut alice).await;
    common::add_member(&mut alice, ws_id, &mut bob, "bob").await;
    let collection = json!({"collection": format!("channel:{general}")});

    // Alice creates the room by joining first.
    let a = alice.post("/realtime/join", collection.clone()).await.body;
    let room = a["room"].as_str().unwrap().to_owned();
    assert_eq!(room.len(), 64, "unguessable endpoint");
    let mut alice_ring = RoomKeyring::new(&room);
    alice_ring
        .set_key(
            a["key"].as_str().unwrap(),
            a["key_version"].as_str().unwrap(),
        )
        .unwrap();
    let mut alice_ws = Wire {
        ws: socket(&mut alice).await,
        seen: vec![],
    };
    alice_ws.subscribe(&room).await;

    // Bob joins: Alice gets key part B under the old key; her mix equals Bob's key.
    let b = bob.post("/realtime/join", collection.clone()).await.body;
    assert_eq!(b["room"], room.as_str());
    assert_eq!(b["key_version"], "2");
    let push = alice_ws.event().await;
    assert_eq!(push.format(), Format::V1);
    let part = open(&mut alice_ring, &push);
    assert_eq!(part["type"], "key");
    alice_ring
        .add_key_part(
            part["new_key"].as_str().unwrap(),
            part["key_version"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(
        alice_ring.current(),
        Some(("2", b["key"].as_str().unwrap())),
        "joiner's AB = members' mix"
    );
    let mut bob_ring = RoomKeyring::new(&room);
    bob_ring.set_key(b["key"].as_str().unwrap(), "2").unwrap();
    let mut bob_ws = Wire {
        ws: socket(&mut bob).await,
        seen: vec![],
    };
    bob_ws.subscribe(&room).await;

    // Client to client: typing indicator sealed by Alice, relayed to Bob only.
    let typing = alice_ring
        .encrypt(
            &json!({"type": "typing", "user": "alice"}).to_string(),
            Format::V1,
        )
        .unwrap();
    alice_ws
        .send(json!({"type": "publish", "room": room, "data": typing}))
        .await;
    assert_eq!(open(&mut bob_ring, &bob_ws.event().await)["type"], "typing");
    // The relay says who published (from the ticket), whatever the payload claims.
    assert_eq!(bob_ws.last_from(), json!(format!("u{alice_id}")));

    // Server push: a message posted through REST reaches Alice as a v1 envelope.
    let posted = bob
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "the secret plan"}),
        )
        .await;
    assert_eq!(posted.status, 201);
    let ev = open(&mut alice_ring, &alice_ws.event().await);
    assert_eq!(ev["type"], "message.created");
    assert_eq!(ev["message"]["body"], "the secret plan");
    assert_eq!(alice_ws.last_from(), "server");
    assert_eq!(
        open(&mut bob_ring, &bob_ws.event().await)["type"],
        "message.created"
    );

    // Publishing needs a subscription; a stranger cannot join.
    let mut carol_ws = Wire {
        ws: socket(&mut carol).await,
        seen: vec![],
    };
    carol_ws
        .send(json!({"type": "publish", "room": room, "data": {}}))
        .await;
    assert_eq!(carol_ws.recv().await["code"], "NOT_SUBSCRIBED");
    assert_error(
        &carol.post("/realtime/join", collection.clone()).await,
        404,
        "NOT_FOUND",
    );

    // Bob is removed: the room is told to re-key and closed; Alice re-joins and gets a
    // fresh key and endpoint; Bob cannot join, and cannot read what is sealed next.
    let old_key = bob_ring.current().unwrap().1.to_owned();
    assert_eq!(
        alice
            .send(
                "DELETE",
                &format!("/workspaces/{ws_id}/members/{bob_id}"),
                None,
                &[]
            )
            .await
            .status,
        204
    );
    assert_eq!(
        open(&mut alice_ring, &alice_ws.event().await)["type"],
        "rekey"
    );
    assert_eq!(
        alice_ws.recv().await,
        json!({"type": "closed", "room": room})
    );
    assert_error(
        &bob.post("/realtime/join", collection.clone()).await,
        404,
        "NOT_FOUND",
    );
    let a2 = alice.post("/realtime/join", collection.clone()).await.body;
    let room2 = a2["room"].as_str().unwrap().to_owned();
    assert_ne!(room2, room);
    let key2 = a2["key"].as_str().unwrap();
    assert_ne!(
        key2,
        crypto_wasm::mix_keys(&old_key, ""),
        "not derivable from the old key"
    );
    let mut alice_ring2 = RoomKeyring::new(&room2);
    alice_ring2
        .set_key(key2, a2["key_version"].as_str().unwrap())
        .unwrap();
    let after = alice_ring2.encrypt("after bob left", Format::V1).unwrap();
    // Even knowing the new endpoint, Bob's keys do not open it.
    let mut bob_ring2 = RoomKeyring::new(&room2);
    bob_ring2
        .set_key(&old_key, a2["key_version"].as_str().unwrap())
        .unwrap();
    assert_eq!(bob_ring2.decrypt(&after), Err(Error::BadMac));
    assert!(matches!(
        bob_ring.decrypt(&after),
        Err(Error::UnknownKeyVersion { .. }) | Err(Error::BadMac)
    ));

    // What the relay carried: envelopes and endpoints only. No room key, no key part, no
    // plaintext appears in any frame.
    let wire: String = [alice_ws.seen, bob_ws.seen, carol_ws.seen]
        .concat()
        .join("\n");
    for secret in [
        a["key"].as_str().unwrap(),
        b["key"].as_str().unwrap(),
        part["new_key"].as_str().unwrap(),
        key2,
    ] {
        assert!(!wire.contains(secret), "a key crossed the relay");
    }
    for plain in ["the secret plan", "typing", "rekey", "new_key"] {
        assert!(
            !wire.contains(plain),
            "plaintext {plain:?} crossed the relay"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn relay_refuses_foreign_origins_and_anonymous_sockets() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let mut req = format!("ws://{}/ws", alice.host())
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("cookie", alice.cookie.clone().unwrap().parse().unwrap());
    req.headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(req).await.is_err(),
        "cross-site socket refused"
    );

    // Without a valid ticket first, a socket gets an error and is closed.
    let url = format!("ws://{}/ws", alice.host());
    for (first, code) in [
        (json!({"type": "subscribe", "room": "r"}), "UNAUTHENTICATED"),
        (
            json!({"type": "auth", "ticket": "v1.u1.99999999999.00"}),
            "BAD_TICKET",
        ),
        (json!({"type": "auth", "ticket": "garbage"}), "BAD_TICKET"),
    ] {
        let (mut wire, reply) = first_frame(&url, first.clone()).await;
        assert_eq!(reply["code"], code, "{first}");
        assert!(matches!(
            wire.ws.next().await,
            Some(Ok(Message::Close(_))) | None | Some(Err(_))
        ));
    }

    // A ticket opens one connection.
    let t = alice.post("/realtime/ticket", json!({})).await.body["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    for expected in ["authenticated", "TICKET_USED"] {
        let (_, reply) = first_frame(&url, json!({"type": "auth", "ticket": t})).await;
        let got = reply["code"].as_str().or(reply["type"].as_str()).unwrap();
        assert_eq!(got, expected);
    }

    // A person's connection cannot retire rooms (only the API server's can).
    let mut wire = Wire {
        ws: socket(&mut alice).await,
        seen: vec![],
    };
    wire.send(json!({"type": "close", "room": "0".repeat(64)}))
        .await;
    assert_eq!(wire.recv().await["code"], "BAD_FRAME");
    // Room names are endpoints: anything else is refused (no large names held).
    wire.send(json!({"type": "subscribe", "room": "x".repeat(60_000)}))
        .await;
    assert_eq!(wire.recv().await["code"], "BAD_ROOM");
    let _ = server;
}

/// A member's connection publishes at most a burst of frames, then a steady rate: a
/// flood is refused frame by frame (RATE_LIMITED) and does not reach the other members,
/// who keep receiving what is let through. (Before: unlimited.)
#[tokio::test(flavor = "multi_thread")]
async fn a_member_cannot_flood_a_room() {
    use huddle_server::limits::PUBLISH_BURST;
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws_id, general) = workspace(&mut alice).await;
    common::add_member(&mut alice, ws_id, &mut bob, "bob").await;
    let _ = bob_id;
    let (room, _, _) = join_channel(&mut alice, general).await;
    let mut flooder = Wire {
        ws: socket(&mut alice).await,
        seen: vec![],
    };
    flooder.subscribe(&room).await;
    let (room_b, _, _) = join_channel(&mut bob, general).await;
    assert_eq!(room, room_b, "one endpoint for the room");
    let mut reader = Wire {
        ws: socket(&mut bob).await,
        seen: vec![],
    };
    reader.subscribe(&room_b).await;
    let n = PUBLISH_BURST + 60;
    for i in 0..n {
        flooder
            .send(json!({"type": "publish", "room": room, "data": {"n": i}}))
            .await;
    }
    // The flooder hears about the refused frames …
    let mut refused = 0;
    while refused < 50 {
        let f = flooder.recv().await;
        if f["type"] == "error" {
            assert_eq!(f["code"], "RATE_LIMITED", "{f}");
            refused += 1;
        }
    }
    // … and the reader gets the burst (and the few that the steady rate let through),
    // not the flood.
    let mut got = 0;
    while let Ok(Some(Ok(m))) =
        tokio::time::timeout(Duration::from_millis(500), reader.ws.next()).await
    {
        let f: Value = serde_json::from_str(m.to_text().unwrap()).unwrap();
        if f["type"] == "event" && f["from"] != "server" {
            got += 1;
        }
    }
    assert!(got >= PUBLISH_BURST, "the burst arrives ({got})");
    assert!(got < n, "not the whole flood ({got} of {n})");
}

/// Connections that have not authenticated are capped per client (and in total): the
/// 17th from one address is refused at the upgrade, and a slot comes back when one of
/// them authenticates. (Before: unlimited.)
#[tokio::test(flavor = "multi_thread")]
async fn unauthenticated_connections_are_capped() {
    use huddle_server::realtime::ws::MAX_PENDING_PER_CLIENT;
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let url = format!("ws://{}/ws", alice.host());
    let mut waiting = Vec::new();
    for _ in 0..MAX_PENDING_PER_CLIENT {
        let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        waiting.push(ws);
    }
    let refused = tokio_tungstenite::connect_async(&url).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status(), 429)
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // One of them authenticates: its place is free again.
    let t = alice.post("/realtime/ticket", json!({})).await.body["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut first = waiting.remove(0);
    first
        .send(Message::Text(
            json!({"type": "auth", "ticket": t}).to_string().into(),
        ))
        .await
        .unwrap();
    let reply = first.next().await.unwrap().unwrap().into_text().unwrap();
    assert_eq!(reply.as_str(), r#"{"type":"authenticated"}"#);
    assert!(tokio_tungstenite::connect_async(&url).await.is_ok());
}

/// Whether the relay closes `ws` within `secs` seconds (frames before the close, such as
/// key pushes, are skipped).
async fn closes_within(ws: &mut Socket, secs: u64) -> bool {
    let end = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        match tokio::time::timeout_at(end, ws.next()).await {
            Err(_) => return false,
            Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// Signing out closes the relay connections of that session, at once, and no other
/// session's; a session that expires closes its connections when it ends. Both with the
/// relay in the API's process and with a separate relay (the API tells it). (Before: a
/// connection outlived sign-out and expiry.)
#[tokio::test(flavor = "multi_thread")]
async fn relay_connections_end_with_their_session() {
    for separate in [false, true] {
        let secret = "a shared secret of at least thirty-two characters";
        let (server, relay_url) = if separate {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("ws://{}/ws", listener.local_addr().unwrap());
            serve_relay(listener, secret);
            let u = url.clone();
            let server = common::spawn_with(move |c| {
                c.role = huddle_server::Role::Api;
                c.relay_secret = Some(secret.to_owned());
                c.relay_url = Some(u);
            })
            .await;
            (server, Some(url))
        } else {
            (spawn().await, None)
        };
        let (mut phone, _) = user(&server, "alice").await;
        let mut laptop = Client::new(&server);
        let r = laptop
            .post(
                "/auth/signin",
                json!({"login": "alice", "password": "long enough password"}),
            )
            .await;
        assert_eq!(r.status, 200);
        let open = async |c: &mut Client| match &relay_url {
            Some(url) => common::relay_socket_at(c, url).await,
            None => relay_socket(c).await,
        };
        let mut phone_ws = open(&mut phone).await;
        let mut laptop_ws = open(&mut laptop).await;
        // The API server's own link to a separate relay may still be connecting: the
        // sign-out's message waits in its queue, so the close still comes.
        assert_eq!(phone.post("/auth/signout", json!({})).await.status, 204);
        assert!(
            closes_within(&mut phone_ws, 10).await,
            "separate: {separate}"
        );
        assert!(
            !closes_within(&mut laptop_ws, 1).await,
            "the other session stays"
        );

        // A session that ends by time: its connection closes then.
        let token = laptop.cookie.clone().unwrap();
        let soon = huddle_server::db::now() + 2;
        server
            .exec(
                "UPDATE sessions SET expires_at = $1",
                huddle_server::args![soon],
            )
            .await;
        let mut short = Client::new(&server);
        short.cookie = Some(token);
        let mut short_ws = open(&mut short).await;
        assert!(
            closes_within(&mut short_ws, 6).await,
            "closed at the session's end"
        );
    }
}

/// `--role relay` and `--role api` in separate "processes": people connect to the relay
/// with tickets from the API; server pushes travel over the API server's own relay link;
/// a relay with another secret refuses the API's tickets.
#[tokio::test(flavor = "multi_thread")]
async fn separate_relay_process() {
    let secret = "a shared secret of at least thirty-two characters";
    // The relay is given a data directory that does not exist: it must stay so (the
    // relay holds no database, no salt, no keys).
    let scratch = tempfile::tempdir().unwrap();
    let relay_data = scratch.path().join("relay-data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_url = format!("ws://{}/ws", listener.local_addr().unwrap());
    common::serve_relay_with_data_dir(listener, secret, relay_data.clone());
    let url = relay_url.clone();
    let server = common::spawn_with(move |c| {
        c.role = huddle_server::Role::Api;
        c.relay_secret = Some(secret.to_owned());
        c.relay_url = Some(url);
    })
    .await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, general) = workspace(&mut alice).await;
    // The API server no longer serves /ws itself.
    let local = format!("ws://{}/ws", alice.host());
    assert!(tokio_tungstenite::connect_async(&local).await.is_err());

    let (room, _, mut ring) = join_channel(&mut alice, general).await;
    let mut wire = Wire {
        ws: common::relay_socket_at(&mut alice, &relay_url).await,
        seen: vec![],
    };
    wire.subscribe(&room).await;
    // A message posted over REST reaches the relay subscriber, sealed (the API server's
    // link may still be connecting: retry a few times).
    let mut got = None;
    for i in 0..20 {
        let r = alice
            .post(
                &format!("/channels/{general}/messages"),
                json!({"body": format!("hello {i}")}),
            )
            .await;
        assert_eq!(r.status, 201);
        if let Ok(Some(Ok(msg))) =
            tokio::time::timeout(Duration::from_millis(500), wire.ws.next()).await
        {
            got = Some(msg.into_text().unwrap().to_string());
            break;
        }
    }
    let frame: Value =
        serde_json::from_str(&got.expect("a server push through the relay")).unwrap();
    assert_eq!(frame["type"], "event");
    let env: Envelope = serde_json::from_value(frame["data"].clone()).unwrap();
    let event = open(&mut ring, &env);
    assert_eq!(event["type"], "message.created");
    assert!(
        !frame.to_string().contains("hello"),
        "plaintext crossed the relay"
    );

    // Another relay, another secret: the API's tickets do not open it.
    let other = spawn_relay("a different secret, also thirty-two characters long").await;
    let t = alice.post("/realtime/ticket", json!({})).await.body["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, reply) = first_frame(&other, json!({"type": "auth", "ticket": t})).await;
    assert_eq!(reply["code"], "BAD_TICKET");

    // After all that traffic, the relay has created nothing on disk.
    assert!(
        !relay_data.exists(),
        "the relay created {}",
        relay_data.display()
    );
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
}

/// The workspace's own room (presence): members join it, others cannot; removing a member
/// retires its endpoint like the channels'.
#[tokio::test(flavor = "multi_thread")]
async fn workspace_room() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (mut carol, _) = user(&server, "carol").await;
    let (ws_id, _) = workspace(&mut alice).await;
    common::add_member(&mut alice, ws_id, &mut bob, "bob").await;
    let collection = json!({"collection": format!("workspace:{ws_id}")});
    let a = alice.post("/realtime/join", collection.clone()).await.body;
    let room = a["room"].as_str().unwrap().to_owned();
    assert_eq!(
        bob.post("/realtime/join", collection.clone()).await.status,
        200
    );
    assert_error(
        &carol.post("/realtime/join", collection.clone()).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &alice
            .post("/realtime/join", json!({"collection": "nothing:1"}))
            .await,
        400,
        "INVALID_INPUT",
    );
    let mut wire = Wire {
        ws: socket(&mut alice).await,
        seen: vec![],
    };
    wire.subscribe(&room).await;
    let r = alice
        .send(
            "DELETE",
            &format!("/workspaces/{ws_id}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    // The rekey notice (sealed), then the endpoint is retired.
    wire.event().await;
    assert_eq!(wire.recv().await, json!({"type": "closed", "room": room}));
    let b = alice.post("/realtime/join", collection).await.body;
    assert_ne!(b["room"], json!(room));
    assert_error(
        &bob.post(
            "/realtime/join",
            json!({"collection": format!("workspace:{ws_id}")}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
}

/// The API server's link to a separate relay never drops a close, even after its queue
/// of publishes overflowed while the relay was unreachable; and the relay answers a
/// subscription to a retired endpoint with `closed`, so it does not matter which of the
/// two reaches it first.
#[tokio::test]
async fn closes_survive_an_unreachable_relay() {
    use huddle_server::realtime::relay::{Relay, RemoteRelay};
    use huddle_server::realtime::ticket::{Subject, TicketKey};
    use std::sync::Arc;

    let secret = "a shared secret of at least thirty-two characters";
    let key = Arc::new(TicketKey::from_secret(secret));
    // The relay's port is bound now but served only later: until then the link's
    // connection attempt waits, and everything it is asked to send queues up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws", listener.local_addr().unwrap());
    let link = Relay::Remote(RemoteRelay::start(url.clone(), key.clone()));
    let room = "ab".repeat(32);
    let data = serde_json::value::RawValue::from_string("{}".to_owned()).unwrap();
    for _ in 0..5000 {
        link.publish(&room, &data);
    }
    link.close_room(&room);

    serve_relay(listener, secret);
    let session = huddle_server::realtime::ticket::Session {
        tag: "ab".repeat(16),
        until: huddle_server::db::now() + 3600,
    };
    let ticket = key.issue(Subject::User(1), Some(&session), huddle_server::db::now());
    let (mut wire, reply) = first_frame(&url, json!({"type": "auth", "ticket": ticket})).await;
    assert_eq!(reply, json!({"type": "authenticated"}));
    // Whether this subscription or the close reaches the relay first, the answer is a
    // `closed` (after any events queued before the close); and so is a second try.
    for _ in 0..2 {
        wire.send(json!({"type": "subscribe", "room": room})).await;
        let answer = loop {
            let frame = wire.recv().await;
            if !matches!(frame["type"].as_str(), Some("event" | "subscribed")) {
                break frame;
            }
        };
        assert_eq!(answer, json!({"type": "closed", "room": room}));
    }
}

/// The server's key for a room is used for at most `MAX_SEALED` server envelopes and
/// `MAX_AGE_SECS`: the next push after either limit first mixes in a fresh key part
/// (a `key` event under the old key), then goes out under the new key.
#[tokio::test(flavor = "multi_thread")]
async fn server_rotates_the_key_after_1000_envelopes_and_after_24_hours() {
    use huddle_server::realtime::keys::{MAX_AGE_SECS, MAX_SEALED};
    assert_eq!((MAX_SEALED, MAX_AGE_SECS), (1000, 24 * 3600));
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (_, general) = workspace(&mut alice).await;
    let (room, version, mut ring) = join_channel(&mut alice, general).await;
    let mut wire = Wire {
        ws: socket(&mut alice).await,
        seen: vec![],
    };
    wire.subscribe(&room).await;

    // Every one of the first MAX_SEALED pushes goes out under the first key, as the
    // message itself (no key part before it).
    for i in 0..MAX_SEALED {
        let r = alice
            .post(
                &format!("/channels/{general}/messages"),
                json!({"body": format!("m{i}")}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let env = wire.event().await;
        assert_eq!(
            env.key_version(),
            version,
            "message {i} under the first key"
        );
        let ev = open(&mut ring, &env);
        assert_eq!(ev["type"], "message.created", "message {i}: {ev}");
    }
    // The 1001st envelope: a key part under the old key, then the message under the new.
    let next = expect_rotation(
        &mut alice,
        &mut wire,
        &mut ring,
        general,
        &version,
        "one too many",
    )
    .await;

    // 24 hours later (the rotation time moved back a day), the next push rotates again.
    let changed = server
        .exec(
            "UPDATE realtime_rooms SET rotated_at = rotated_at - $1",
            huddle_server::args![MAX_AGE_SECS],
        )
        .await;
    assert_eq!(changed, 1);
    let third = expect_rotation(
        &mut alice,
        &mut wire,
        &mut ring,
        general,
        &next,
        "a day later",
    )
    .await;
    // And the age limit really is 24 h: a fresh key is not rotated by the next post.
    let r = alice
        .post(
            &format!("/channels/{general}/messages"),
            json!({"body": "same key"}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(wire.event().await.key_version(), third);
}

/// Posts `body` and expects the server to rotate first: a key part sealed under
/// `version`, which `ring` mixes in, then the message under the new version (returned).
async fn expect_rotation(
    alice: &mut Client,
    wire: &mut Wire,
    ring: &mut RoomKeyring,
    channel: i64,
    version: &str,
    body: &str,
) -> String {
    let r = alice
        .post(
            &format!("/channels/{channel}/messages"),
            json!({ "body": body }),
        )
        .await;
    assert_eq!(r.status, 201);
    let part = wire.event().await;
    assert_eq!(part.key_version(), version);
    let part = open(ring, &part);
    assert_eq!(part["type"], "key", "{part}");
    let next = part["key_version"].as_str().unwrap().to_owned();
    assert_ne!(next, version);
    ring.add_key_part(part["new_key"].as_str().unwrap(), &next)
        .unwrap();
    let msg = wire.event().await;
    assert_eq!(msg.key_version(), next);
    assert_eq!(open(ring, &msg)["message"]["body"], body);
    next
}

/// Taking someone out of a private channel re-keys and closes its room, as a removal from
/// the workspace does; the one taken out can no longer join. A rename reaches the room
/// as a sealed `channel.updated` event with the channel's new state.
#[tokio::test(flavor = "multi_thread")]
async fn private_channel_removal_rotates_and_changes_are_announced() {
    let server = spawn().await;
    let (mut alice, _) = user(&server, "alice").await;
    let (mut bob, bob_id) = user(&server, "bob").await;
    let (ws_id, _) = workspace(&mut alice).await;
    common::add_member(&mut alice, ws_id, &mut bob, "bob").await;
    let inner = alice
        .post(
            &format!("/workspaces/{ws_id}/channels"),
            json!({"name": "inner", "kind": "private", "members": [bob_id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let (room, _, mut ring) = join_channel(&mut alice, inner).await;
    let mut wire = Wire {
        ws: socket(&mut alice).await,
        seen: vec![],
    };
    wire.subscribe(&room).await;

    let r = alice
        .send(
            "PATCH",
            &format!("/channels/{inner}"),
            Some(json!({"name": "inner circle", "topic": "plans"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["revision"], 2);
    let event = open(&mut ring, &wire.event().await);
    assert_eq!(
        event,
        json!({"type": "channel.updated", "channel": {"channel_id": inner,
            "name": "inner circle", "topic": "plans", "archived": false, "revision": 2}})
    );

    let r = alice
        .send(
            "DELETE",
            &format!("/channels/{inner}/members/{bob_id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(open(&mut ring, &wire.event().await)["type"], "rekey");
    assert_eq!(wire.recv().await, json!({"type": "closed", "room": room}));
    let collection = json!({"collection": format!("channel:{inner}")});
    assert_error(
        &bob.post("/realtime/join", collection.clone()).await,
        404,
        "NOT_FOUND",
    );
    let again = alice.post("/realtime/join", collection).await.body;
    assert_ne!(again["room"], room.as_str(), "a fresh endpoint");
}

/// A frame announcing more than the relay takes is refused from its header: the
/// connection ends although the 16 MiB it announces never come (before `max_frame_size`
/// was set, the relay waited to read them, before any authentication).
#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_frame_is_refused_from_its_header() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = spawn().await;
    let alice = Client::new(&server);
    let mut tcp = tokio::net::TcpStream::connect(alice.host()).await.unwrap();
    let handshake = format!(
        "GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        alice.host()
    );
    tcp.write_all(handshake.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(tcp.read(&mut byte).await.unwrap(), 1, "the upgrade answer");
        head.push(byte[0]);
    }
    assert!(
        String::from_utf8_lossy(&head).starts_with("HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    // A masked binary frame announcing 16 MiB, and only its first kilobyte.
    let mut frame = vec![0x82, 0x80 | 127];
    frame.extend_from_slice(&(16u64 * 1024 * 1024).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    frame.extend_from_slice(&[0u8; 1024]);
    tcp.write_all(&frame).await.unwrap();
    // The relay ends the connection (a close frame, then the end of the stream) without
    // waiting for the rest.
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut rest)).await;
    assert!(
        matches!(ended, Ok(Ok(_)) | Ok(Err(_))),
        "the connection still waits for the announced 16 MiB"
    );
}
