//! Relay fan-out benchmark (not a test): `cargo bench -p huddle-server --bench relay_fanout`
//! (scripts/bench.sh runs it). One publisher and N subscribers of one room on loopback;
//! the publisher sends envelopes of a realistic size as fast as the relay accepts them,
//! and every subscriber timestamps what it receives. Prints deliveries per second and the
//! latency percentiles, for N = 1, 10, 50 and 200.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[path = "../tests/common/mod.rs"]
mod common;

const MESSAGES: usize = 2000;

/// A server on loopback (the integration tests' helper) and a signed-in client.
async fn server() -> (common::Client, common::Server) {
    let server = common::spawn().await;
    let mut c = common::Client::new(&server);
    let r = c
        .post(
            "/auth/signup",
            serde_json::json!({"username": "bench", "email": "b@example.com", "password": "long enough password"}),
        )
        .await;
    assert_eq!(r.status, 201);
    (c, server)
}

/// A relay connection (ticket from the API) subscribed to `room`.
async fn connect(c: &mut common::Client, room: &str) -> common::Socket {
    let mut ws = common::relay_socket(c).await;
    ws.send(Message::Text(
        serde_json::json!({"type": "subscribe", "room": room})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    ws.next().await.unwrap().unwrap(); // subscribed
    ws
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(c: &mut common::Client, subscribers: usize) {
    let room = format!("{subscribers:064x}");
    let mut publisher = connect(c, &room).await;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..subscribers {
        let mut ws = connect(c, &room).await;
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(MESSAGES);
            while lat.len() < MESSAGES {
                let Some(Ok(Message::Text(t))) = ws.next().await else {
                    break;
                };
                let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                let sent = v["data"]["t"].as_u64().unwrap();
                lat.push(start.elapsed() - Duration::from_nanos(sent));
            }
            lat
        }));
    }
    // A v1 envelope of a short chat message is about 250 bytes of JSON.
    let pad = "A".repeat(200);
    let t0 = Instant::now();
    for _ in 0..MESSAGES {
        let t = start.elapsed().as_nanos() as u64;
        let frame = serde_json::json!({"type": "publish", "room": room, "data": {"v": 1, "t": t, "encrypted": pad}});
        publisher
            .send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = t0.elapsed();
    all.sort();
    println!(
        "| {subscribers} | {} | {:.0} | {:.2} | {:.2} |",
        all.len(),
        all.len() as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() {
    let (mut client, _server) = server().await;
    println!("### Relay fan-out ({MESSAGES} envelopes of ~250 B from one publisher, loopback)\n");
    println!("| subscribers | deliveries | deliveries/s | p50 latency (ms) | p99 latency (ms) |");
    println!("| --- | --- | --- | --- | --- |");
    for n in [1, 10, 50, 200] {
        run(&mut client, n).await;
    }
}
