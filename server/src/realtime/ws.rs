//! The relay endpoint `/ws`: a signed-in browser subscribes to room endpoints and
//! publishes envelopes; the relay forwards them to the room's other subscribers.
//!
//! Client frames (JSON text): `{"type":"subscribe","room":R}`,
//! `{"type":"unsubscribe","room":R}`, `{"type":"publish","room":R,"data":ENVELOPE}`.
//! Relay frames: `{"type":"subscribed","room":R}`, `{"type":"event","room":R,"data":ENVELOPE}`,
//! `{"type":"closed","room":R}` (endpoint retired: join again), and
//! `{"type":"error","code":C,"message":M}`.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::ApiError;
use crate::realtime::hub::ConnId;
use crate::session::CurrentUser;
use crate::AppState;

/// Largest frame a client may send.
pub const MAX_FRAME: usize = 64 * 1024;

/// A client frame. A flat struct rather than a tagged enum: serde buffers tagged enums,
/// and the envelope is kept as raw, unparsed JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFrame<'a> {
    #[serde(rename = "type")]
    kind: String,
    room: String,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

/// Upgrades a signed-in, same-origin request to a relay connection. The Origin check
/// stops other sites from opening sockets with the user's cookie (WebSockets are not
/// covered by CORS).
pub async fn handler(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !crate::csrf::origin_allowed(&headers, &state.config) {
        return ApiError::new(StatusCode::FORBIDDEN, "CSRF", "foreign Origin").into_response();
    }
    ws.max_message_size(MAX_FRAME)
        .on_upgrade(move |socket| run(socket, state, user.id))
}

fn error_frame(code: &str, message: &str) -> String {
    serde_json::json!({"type": "error", "code": code, "message": message}).to_string()
}

fn handle(state: &AppState, conn: ConnId, text: &str) -> Option<String> {
    let frame: ClientFrame = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => return Some(error_frame("BAD_FRAME", &e.to_string())),
    };
    let room = frame.room;
    match (frame.kind.as_str(), frame.data) {
        ("subscribe", None) => match state.hub.subscribe(conn, &room) {
            Ok(()) => Some(serde_json::json!({"type": "subscribed", "room": room}).to_string()),
            Err(_) => Some(error_frame("TOO_MANY_ROOMS", "too many subscriptions")),
        },
        ("unsubscribe", None) => {
            state.hub.unsubscribe(conn, &room);
            None
        }
        ("publish", Some(data)) => {
            if !state.hub.is_subscribed(conn, &room) {
                return Some(error_frame(
                    "NOT_SUBSCRIBED",
                    "subscribe to a room before publishing",
                ));
            }
            state.hub.publish(&room, data, Some(conn));
            None
        }
        (kind, _) => Some(error_frame(
            "BAD_FRAME",
            &format!("unknown frame {kind:?} (or `data` where it does not belong)"),
        )),
    }
}

async fn run(socket: WebSocket, state: AppState, user_id: i64) {
    let (mut sink, mut stream) = socket.split();
    let (conn, mut rx) = state.hub.connect(user_id);
    let (reply_tx, mut reply_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        loop {
            let frame = tokio::select! {
                Some(f) = rx.recv() => f,
                Some(f) = reply_rx.recv() => f,
                else => break,
            };
            if sink.send(Message::Text(frame.into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = stream.next().await {
        match msg {
            Message::Text(text) => {
                if let Some(reply) = handle(&state, conn, text.as_str()) {
                    let _ = reply_tx.send(reply);
                }
            }
            Message::Close(_) => break,
            Message::Binary(_) => {
                let _ = reply_tx.send(error_frame("BAD_FRAME", "send JSON text frames"));
            }
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
    state.hub.disconnect(conn);
    writer.abort();
}
