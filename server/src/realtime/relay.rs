//! How the API server reaches the relay to push server events and retire rooms: the
//! relay in the same process ([`Relay::Local`], the default), or a separate
//! `huddle-server --role relay` over one WebSocket ([`Relay::Remote`]) on which the API
//! server authenticates with a server ticket, publishes sealed envelopes and closes rooms
//! like any other client (see `ws`). Either way, what travels is ciphertext.
//!
//! Both calls are non-blocking (they run inside database transactions): the remote link
//! queues frames for its connection task, which reconnects with backoff. Published
//! frames that do not fit the queue while the relay is unreachable are dropped; clients
//! resynchronise through the REST API when their own connection comes back. Closes keep
//! their place in the queue and are never dropped from it: until the relay has one,
//! members who missed the rekey keep sealing typing and presence under a key a former
//! member knows. (A close written just as the link breaks can still be lost; clients
//! join every room again when their own connection comes back.)

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use huddle_protocol::realtime::{ClientFrame, RelayFrame};
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::realtime::hub::{self, Hub};
use crate::realtime::ticket::{Subject, TicketKey};

/// Publishes queued for a remote relay while it is unreachable or slow (closes are not
/// counted: they are never dropped).
const QUEUE: usize = 4096;

/// Where server pushes go.
#[derive(Clone)]
pub enum Relay {
    /// The relay runs in this process.
    Local(Arc<Hub>),
    /// A separate relay process.
    Remote(RemoteRelay),
}

/// The API server's link to a separate relay.
#[derive(Clone)]
pub struct RemoteRelay {
    /// Frames in order. Publishes in it are counted and bounded ([`QUEUE`]); closes
    /// are few (one per room on a removal) and always queued.
    tx: mpsc::UnboundedSender<Frame>,
    counts: Arc<Counts>,
}

/// Shared by the link's handles and its connection task (which must not hold a sender:
/// the task ends when the last handle is dropped).
#[derive(Default)]
struct Counts {
    /// Publishes in the queue.
    queued: AtomicUsize,
    /// Publishes dropped since the last report (logged once per run of drops).
    dropped: AtomicU64,
}

struct Frame {
    text: String,
    publish: bool,
}

impl Relay {
    /// Publishes a sealed envelope to a room's subscribers.
    pub fn publish(&self, room: &str, data: &RawValue) {
        match self {
            Relay::Local(h) => {
                h.publish(room, data, None);
            }
            Relay::Remote(r) => r.send(hub::server_publish_frame(room, data), true),
        }
    }

    /// Closes the relay connections opened from a session (its relay tag): after a
    /// sign-out or a revocation. Never dropped from the remote link's queue.
    pub fn end_session(&self, tag: &str) {
        match self {
            Relay::Local(h) => {
                h.end_session(tag);
            }
            Relay::Remote(r) => r.send(frame(&ClientFrame::end_session(tag)), false),
        }
    }

    /// Ends every subscription to a retired room endpoint.
    pub fn close_room(&self, room: &str) {
        match self {
            Relay::Local(h) => h.close_room(room),
            Relay::Remote(r) => r.send(frame(&ClientFrame::close(room)), false),
        }
    }
}

impl RemoteRelay {
    /// Starts the connection task (inside a Tokio runtime). `url` is the relay's `/ws`,
    /// e.g. `ws://127.0.0.1:8081/ws`.
    pub fn start(url: String, key: Arc<TicketKey>) -> RemoteRelay {
        let (tx, rx) = mpsc::unbounded_channel();
        let counts = Arc::new(Counts::default());
        tokio::spawn(run(url, key, rx, counts.clone()));
        RemoteRelay { tx, counts }
    }

    fn send(&self, text: String, publish: bool) {
        let c = &self.counts;
        if publish && c.queued.fetch_add(1, Ordering::SeqCst) >= QUEUE {
            c.queued.fetch_sub(1, Ordering::SeqCst);
            if c.dropped.fetch_add(1, Ordering::Relaxed) == 0 {
                tracing::warn!("the relay is unreachable or slow and {QUEUE} server pushes wait: dropping more");
            }
            return;
        }
        // Fails only once the connection task has ended (runtime shutdown).
        let _ = self.tx.send(Frame { text, publish });
    }
}

impl Counts {
    /// Takes a frame off the queue.
    fn dequeued(&self, frame: &Frame) {
        if frame.publish {
            self.queued.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Logs how many publishes were dropped since the last report, if any.
    fn report_drops(&self) {
        let n = self.dropped.swap(0, Ordering::Relaxed);
        if n > 0 {
            tracing::warn!(dropped = n, "server pushes to the relay were dropped");
        }
    }
}

async fn run(
    url: String,
    key: Arc<TicketKey>,
    mut rx: mpsc::UnboundedReceiver<Frame>,
    counts: Arc<Counts>,
) {
    let mut backoff = Duration::from_millis(200);
    // A frame whose send failed: sent first on the next connection.
    let mut unsent: Option<String> = None;
    loop {
        match connect(&url, &key).await {
            Ok(mut ws) => {
                backoff = Duration::from_millis(200);
                counts.report_drops();
                let resent = match unsent.take() {
                    Some(frame) => match ws.send(Message::Text(frame.clone().into())).await {
                        Ok(()) => true,
                        Err(_) => {
                            unsent = Some(frame);
                            false
                        }
                    },
                    None => true,
                };
                if resent {
                    loop {
                        tokio::select! {
                            frame = rx.recv() => {
                                let Some(frame) = frame else { return };
                                counts.dequeued(&frame);
                                if rx.is_empty() {
                                    counts.report_drops();
                                }
                                if ws.send(Message::Text(frame.text.clone().into())).await.is_err() {
                                    unsent = Some(frame.text);
                                    break;
                                }
                            }
                            // Replies (errors) and the relay closing the link.
                            msg = ws.next() => match msg {
                                Some(Ok(Message::Text(t))) if t.contains("\"error\"") => {
                                    tracing::warn!(answer = %t, "the relay refused a server frame");
                                }
                                Some(Ok(_)) => {}
                                _ => break,
                            },
                        }
                    }
                }
                tracing::warn!("lost the relay link, reconnecting");
            }
            Err(e) => tracing::warn!(%url, error = %e, "cannot reach the relay"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str, key: &TicketKey) -> Result<Socket, String> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| e.to_string())?;
    let ticket = key.issue(Subject::Server, None, crate::db::now());
    let auth = frame(&ClientFrame::auth(ticket));
    ws.send(Message::Text(auth.into()))
        .await
        .map_err(|e| e.to_string())?;
    match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
        Ok(Some(Ok(Message::Text(t))))
            if matches!(
                serde_json::from_str(t.as_str()),
                Ok(RelayFrame::<serde_json::Value>::Authenticated)
            ) =>
        {
            Ok(ws)
        }
        Ok(Some(Ok(Message::Text(t)))) => Err(format!("relay refused the server ticket: {t}")),
        _ => Err("no answer to the server ticket".to_owned()),
    }
}

/// A client frame without an envelope, as JSON text.
fn frame(f: &ClientFrame<&RawValue>) -> String {
    serde_json::to_string(f).expect("frames serialize")
}
