//! The relay endpoint `/ws`: authenticated clients subscribe to room endpoints and
//! publish envelopes; the relay forwards them to the room's other subscribers. It runs
//! in the API server's process (the default) or alone (`--role relay`: no database, no
//! key material); either way it knows people only through tickets ([`ticket`]).
//!
//! Client frames (JSON text): first `{"type":"auth","ticket":T}` (within
//! [`AUTH_TIMEOUT`]), then `{"type":"subscribe","room":R}`,
//! `{"type":"unsubscribe","room":R}`, `{"type":"publish","room":R,"data":ENVELOPE}`.
//! The API server's own connection may also publish without subscribing and send
//! `{"type":"close","room":R}` to retire an endpoint.
//! Relay frames: `{"type":"authenticated"}`, `{"type":"subscribed","room":R}`,
//! `{"type":"event","room":R,"from":"u<id>"|"server","data":ENVELOPE}`, `{"type":"closed","room":R}` (endpoint
//! retired, also the answer to a subscription to a retired endpoint: join again), and `{"type":"error","code":C,"message":M}`.
//!
//! [`ticket`]: crate::realtime::ticket

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use huddle_protocol::realtime::{ClientFrameKind, RelayFrame};
use serde_json::value::RawValue;

use crate::error::ApiError;
use crate::realtime::hub::{ConnId, Hub, SubscribeError};
use crate::realtime::ticket::{Subject, TicketError, TicketKey, Ticketed};
use crate::Config;

/// Replies (subscribed, errors) waiting for a client that does not read them.
const MAX_REPLIES: usize = 64;

/// How often the relay pings each connection.
pub const PING_EVERY: Duration = Duration::from_secs(30);
/// How long a connection may stay silent (no frame, no pong) before the relay drops it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// How long a new connection has to send its ticket.
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(10);

/// What the relay endpoint needs: subscriptions, the ticket key, settings.
#[derive(Clone)]
pub struct RelayState {
    /// Subscriptions.
    pub hub: Arc<Hub>,
    /// Checks tickets.
    pub tickets: Arc<TicketKey>,
    /// Settings (the Origin check, trusted proxies).
    pub config: Arc<Config>,
    /// Connections that have not authenticated yet.
    pub pending: Arc<Pending>,
}

/// Connections not yet authenticated, at most in total …
pub const MAX_PENDING: usize = 1024;
/// … and per client (address group, see `client_addr`).
pub const MAX_PENDING_PER_CLIENT: usize = 16;

/// Counts connections that have not sent their ticket yet.
#[derive(Default)]
pub struct Pending {
    counts: std::sync::Mutex<(usize, std::collections::HashMap<String, usize>)>,
}

/// A place among the pending connections, given back when dropped.
pub struct PendingSlot {
    pending: Arc<Pending>,
    client: String,
}

impl Pending {
    /// A slot for `client`, unless the caps are reached.
    fn take(self: &Arc<Self>, client: String) -> Option<PendingSlot> {
        let mut g = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let mine = g.1.get(&client).copied().unwrap_or(0);
        if g.0 >= MAX_PENDING || mine >= MAX_PENDING_PER_CLIENT {
            return None;
        }
        g.0 += 1;
        g.1.insert(client.clone(), mine + 1);
        Some(PendingSlot {
            pending: self.clone(),
            client,
        })
    }
}

impl Drop for PendingSlot {
    fn drop(&mut self) {
        let mut g = self
            .pending
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        g.0 = g.0.saturating_sub(1);
        if let Some(n) = g.1.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                g.1.remove(&self.client);
            }
        }
    }
}

/// Largest frame (and message) a client may send: checked from the frame header, before
/// it is read.
pub const MAX_FRAME: usize = 64 * 1024;
/// Read buffer of a connection: what a chat frame needs (it grows for a larger one, up
/// to [`MAX_FRAME`], and an idle connection keeps little).
pub const READ_BUFFER: usize = 4 * 1024;

/// A client frame; the envelope is kept as raw, unparsed JSON.
type ClientFrame<'a> = huddle_protocol::realtime::ClientFrame<&'a RawValue>;

/// Upgrades a same-origin request to a relay connection; the client then authenticates
/// with a ticket. The Origin check stops other sites from opening sockets (WebSockets are
/// not covered by CORS); without a ticket, which only the API hands out to a signed-in
/// person, a socket can do nothing anyway.
pub async fn handler(
    State(state): State<RelayState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    ws: WebSocketUpgrade,
) -> Response {
    if !crate::csrf::origin_allowed(&headers, &state.config) {
        return ApiError::new(StatusCode::FORBIDDEN, "CSRF", "foreign Origin").into_response();
    }
    let client =
        crate::client_addr::ClientAddr::of(&extensions, &headers, &state.config.trusted_proxies);
    let Some(slot) = state.pending.take(client.group()) else {
        return ApiError::rate_limited(1, "connections waiting to authenticate").into_response();
    };
    ws.max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .read_buffer_size(READ_BUFFER)
        // Each frame is written out as it comes (the writer sends one at a time); a
        // socket that does not take it holds at most one frame here.
        .write_buffer_size(0)
        .max_write_buffer_size(2 * MAX_FRAME)
        .on_upgrade(move |socket| run(socket, state, slot))
}

/// A relay frame as JSON text.
fn frame(f: &RelayFrame<&RawValue>) -> String {
    serde_json::to_string(f).expect("relay frames serialize")
}

fn error_frame(code: &str, message: &str) -> String {
    frame(&RelayFrame::Error {
        code: code.to_owned(),
        message: message.to_owned(),
    })
}

/// Checks the first frame: `{"type":"auth","ticket":T}`.
fn authenticate(tickets: &TicketKey, text: &str) -> Result<Ticketed, String> {
    let frame: ClientFrame =
        serde_json::from_str(text).map_err(|e| error_frame("BAD_FRAME", &e.to_string()))?;
    let (true, Some(ticket), None, None) = (
        frame.kind == ClientFrameKind::Auth,
        frame.ticket,
        frame.room,
        frame.data,
    ) else {
        return Err(error_frame(
            "UNAUTHENTICATED",
            "send {\"type\":\"auth\",\"ticket\":…} first (POST /api/v1/realtime/ticket)",
        ));
    };
    tickets
        .redeem(&ticket, crate::db::now())
        .map_err(|e| match e {
            TicketError::Expired => {
                error_frame("TICKET_EXPIRED", "the ticket has expired: get a new one")
            }
            TicketError::Used => error_frame(
                "TICKET_USED",
                "a ticket opens one connection: get a new one",
            ),
            TicketError::Malformed | TicketError::BadMac => {
                error_frame("BAD_TICKET", "not a valid ticket")
            }
        })
}

fn handle(
    hub: &Hub,
    conn: ConnId,
    subject: Subject,
    publisher: &governor::DefaultDirectRateLimiter,
    text: &str,
) -> Option<String> {
    let frame: ClientFrame = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => return Some(error_frame("BAD_FRAME", &e.to_string())),
    };
    let server = subject == Subject::Server;
    if frame.kind == ClientFrameKind::EndSession {
        return match (server, frame.session, frame.room, frame.data) {
            (true, Some(session), None, None) => {
                hub.end_session(&session);
                None
            }
            _ => Some(error_frame(
                "BAD_FRAME",
                "end_session: the API server's, with a `session` only",
            )),
        };
    }
    let (Some(room), None, None) = (frame.room, frame.ticket, frame.session) else {
        return Some(error_frame(
            "BAD_FRAME",
            "expected a `room` (and no `ticket` or `session`)",
        ));
    };
    if !crate::realtime::hub::is_endpoint(&room) {
        return Some(error_frame(
            "BAD_ROOM",
            "a room is a 64-character hex endpoint",
        ));
    }
    match (frame.kind, frame.data) {
        (ClientFrameKind::Subscribe, None) => match hub.subscribe(conn, &room) {
            Ok(()) => Some(self::frame(&RelayFrame::Subscribed { room })),
            // The client joins again over HTTPS, as after any `closed`.
            Err(SubscribeError::Retired) => Some(self::frame(&RelayFrame::Closed { room })),
            Err(SubscribeError::TooManyRooms) => {
                Some(error_frame("TOO_MANY_ROOMS", "too many subscriptions"))
            }
        },
        (ClientFrameKind::Unsubscribe, None) => {
            hub.unsubscribe(conn, &room);
            None
        }
        (ClientFrameKind::Publish, Some(data)) => {
            if !server && !hub.is_subscribed(conn, &room) {
                return Some(error_frame(
                    "NOT_SUBSCRIBED",
                    "subscribe to a room before publishing",
                ));
            }
            // A member's frames are bounded (the API server's are not): one client
            // cannot flood a room until the others fall behind and are dropped.
            if !server && publisher.check().is_err() {
                return Some(error_frame(
                    "RATE_LIMITED",
                    "too many frames: slow down (this one was not sent)",
                ));
            }
            hub.publish(&room, data, Some(conn));
            None
        }
        (ClientFrameKind::Close, None) if server => {
            hub.close_room(&room);
            None
        }
        (kind, _) => Some(error_frame(
            "BAD_FRAME",
            &format!("unexpected frame {kind:?} (or `data` where it does not belong)"),
        )),
    }
}

async fn run(socket: WebSocket, state: RelayState, slot: PendingSlot) {
    let (mut sink, mut stream) = socket.split();
    let first = tokio::time::timeout(AUTH_TIMEOUT, stream.next()).await;
    let subject = match first {
        Ok(Some(Ok(Message::Text(text)))) => authenticate(&state.tickets, text.as_str()),
        _ => Err(error_frame("UNAUTHENTICATED", "no ticket")),
    };
    // Authenticated or not, no longer waiting.
    drop(slot);
    let ticketed = match subject {
        Ok(t) => t,
        Err(frame) => {
            let _ = sink.send(Message::Text(frame.into())).await;
            let _ = sink.close().await;
            return;
        }
    };
    let hub = state.hub;
    let subject = ticketed.subject;
    // The connection ends with the session it was opened from.
    let session_ends = ticketed.session.as_ref().map(|s| s.until);
    let Some((conn, mut rx)) = hub.connect(subject, ticketed.session.map(|s| s.tag)) else {
        let frame = error_frame("TOO_MANY_CONNECTIONS", "too many open connections");
        let _ = sink.send(Message::Text(frame.into())).await;
        let _ = sink.close().await;
        return;
    };
    let publisher = crate::limits::publisher();
    let (reply_tx, mut reply_rx) = tokio::sync::mpsc::channel::<String>(MAX_REPLIES);
    let _ = reply_tx.try_send(frame(&RelayFrame::Authenticated));
    let mut writer = tokio::spawn(async move {
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            let frame = tokio::select! {
                Some(f) = reply_rx.recv() => Message::Text(f.into()),
                f = rx.next() => match f {
                    Some(f) => Message::Text(f),
                    // Let go by the hub (too slow a reader, its session ended): close
                    // the socket without sending what was still queued.
                    None => break,
                },
                _ = ping.tick() => Message::Ping(Default::default()),
            };
            if sink.send(frame).await.is_err() {
                break;
            }
        }
        // A reader that stopped reading cannot take a close frame either: do not wait.
        let _ = tokio::time::timeout(Duration::from_secs(1), sink.close()).await;
    });
    let expiry = async move {
        match session_ends {
            Some(until) => {
                let left = (until - crate::db::now()).max(0) as u64;
                tokio::time::sleep(Duration::from_secs(left)).await;
            }
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expiry);
    let mut writer_done = false;
    loop {
        // Browsers answer pings by themselves: a connection silent for IDLE_TIMEOUT is
        // dead (a half-open TCP connection, a suspended laptop) and is dropped. The
        // writer ends when the hub lets the connection go (a slow reader, a session
        // ended); the session's end in time ends it too.
        let msg = tokio::select! {
            m = tokio::time::timeout(IDLE_TIMEOUT, stream.next()) => match m {
                Ok(Some(Ok(msg))) => msg,
                _ => break,
            },
            _ = &mut writer => {
                writer_done = true;
                break;
            }
            () = &mut expiry => break,
        };
        match msg {
            Message::Text(text) => {
                if let Some(reply) = handle(&hub, conn, subject, &publisher, text.as_str()) {
                    // A client that sends without reading its replies gets dropped.
                    if reply_tx.try_send(reply).is_err() {
                        break;
                    }
                }
            }
            Message::Close(_) => break,
            Message::Binary(_) => {
                let _ = reply_tx.try_send(error_frame("BAD_FRAME", "send JSON text frames"));
            }
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
    hub.disconnect(conn);
    // The hub no longer holds the connection's queue: the writer ends, closing the
    // socket, once it has sent what was queued (at most a moment: or it is stopped).
    if !writer_done
        && tokio::time::timeout(Duration::from_secs(2), &mut writer)
            .await
            .is_err()
    {
        writer.abort();
    }
}
