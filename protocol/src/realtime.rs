//! Realtime: what a room belongs to, the key service's answers (`/realtime/*`), the frames
//! between clients and the relay, and the key events the server pushes to every room.
//!
//! A room's traffic is envelopes (crypto-wasm `v1`) sealed under the room key; the relay
//! forwards them without reading them. Opened, an envelope holds JSON: a [`KeyEvent`]
//! (handled by the realtime layer) or the event of the app that watches the room
//! ([`crate::messages::MessagesEvent`], [`crate::workspaces::WorkspaceEvent`],
//! [`crate::drive::DriveEvent`], [`crate::tasks::TasksEvent`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a realtime room belongs to; written `channel:<id>`, `workspace:<id>`,
/// `drive:<workspace id>` or `tasks:<workspace id>` on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Collection {
    /// A channel's messages and typing indicators.
    Channel(i64),
    /// A workspace's presence.
    Workspace(i64),
    /// A workspace's Drive: its folders and files changing.
    Drive(i64),
    /// A workspace's Tasks: its boards, lists and tasks changing.
    Tasks(i64),
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Collection::Channel(id) => write!(f, "channel:{id}"),
            Collection::Workspace(id) => write!(f, "workspace:{id}"),
            Collection::Drive(id) => write!(f, "drive:{id}"),
            Collection::Tasks(id) => write!(f, "tasks:{id}"),
        }
    }
}

/// A collection name that is not one of [`Collection`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadCollection;

impl fmt::Display for BadCollection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "expected \"channel:<id>\", \"workspace:<id>\", \"drive:<id>\" or \"tasks:<id>\"",
        )
    }
}

impl FromStr for Collection {
    type Err = BadCollection;

    fn from_str(s: &str) -> Result<Self, BadCollection> {
        let (kind, id) = s.split_once(':').ok_or(BadCollection)?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadCollection);
        }
        let id: i64 = id.parse().map_err(|_| BadCollection)?;
        match kind {
            "channel" => Ok(Collection::Channel(id)),
            "workspace" => Ok(Collection::Workspace(id)),
            "drive" => Ok(Collection::Drive(id)),
            "tasks" => Ok(Collection::Tasks(id)),
            _ => Err(BadCollection),
        }
    }
}

impl TryFrom<String> for Collection {
    type Error = BadCollection;

    fn try_from(s: String) -> Result<Self, BadCollection> {
        s.parse()
    }
}

impl From<Collection> for String {
    fn from(c: Collection) -> String {
        c.to_string()
    }
}

/// `POST /realtime/join`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Join {
    /// What to join: `channel:<id>`, `workspace:<id>`, `drive:<workspace id>` or
    /// `tasks:<workspace id>`.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = "^(channel|workspace|drive|tasks):[0-9]+$", example = "channel:42")
    )]
    pub collection: Collection,
}

/// The answer to a join: where the room is and its current key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Joined {
    /// The room endpoint to subscribe to on the relay (also the v1 envelope room).
    pub room: String,
    /// The current room key.
    pub key: String,
    /// Its version.
    pub key_version: String,
}

/// `POST /realtime/ticket`: what opens a relay connection (its first frame).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    /// Short-lived, single-use.
    pub ticket: String,
    /// Seconds it stays valid.
    pub expires_in: i64,
}

// Debug without the ticket, which opens a relay connection.
impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("ticket", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Who published an event, as the relay stamps it from the connection's ticket; written
/// `server` or `u<id>` on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Sender {
    /// The API server.
    Server,
    /// A member.
    User(i64),
}

impl fmt::Display for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sender::Server => f.write_str("server"),
            Sender::User(id) => write!(f, "u{id}"),
        }
    }
}

impl TryFrom<String> for Sender {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "server" => Ok(Sender::Server),
            u => u
                .strip_prefix('u')
                .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|id| id.parse().ok())
                .map(Sender::User)
                .ok_or_else(|| format!("not a sender: {s:?}")),
        }
    }
}

impl From<Sender> for String {
    fn from(s: Sender) -> String {
        s.to_string()
    }
}

/// Who may send an event: a member holds the room key and could otherwise forge the
/// server's events, so clients drop an event whose [`Sender`] does not match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Only the API server.
    Server,
    /// Only members.
    Member,
}

impl Origin {
    /// Whether `sender` may have sent an event of this origin.
    pub fn allows(self, sender: Sender) -> bool {
        matches!(
            (self, sender),
            (Origin::Server, Sender::Server) | (Origin::Member, Sender::User(_))
        )
    }
}

/// An app's event in a room ([`crate::messages::MessagesEvent`],
/// [`crate::workspaces::WorkspaceEvent`]): says who may send it.
pub trait RoomEvent {
    /// Who may send it.
    fn origin(&self) -> Origin;
}

/// The key events the server pushes to every room (sealed under the current key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KeyEvent {
    /// A fresh key part B: members mix it into the key they hold (A) to get version
    /// `key_version`.
    Key {
        /// The key part.
        new_key: String,
        /// The version of the mixed key.
        key_version: String,
    },
    /// The room moves to a fresh key and endpoint (someone lost access): join again.
    Rekey,
}

/// The kind of a [`ClientFrame`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientFrameKind {
    /// The first frame: `ticket`.
    Auth,
    /// Starts forwarding `room`'s events.
    Subscribe,
    /// Stops forwarding `room`'s events.
    Unsubscribe,
    /// Sends `data` (an envelope) to `room`'s other subscribers.
    Publish,
    /// Retires `room` (the API server's own connection only).
    Close,
    /// Closes every connection opened with a ticket of `session` (the API server's own
    /// connection only: the person signed out, or the session ended).
    EndSession,
}

/// A frame a client sends to the relay. Flat rather than a tagged enum, so that the relay
/// can keep `data` as raw, unparsed JSON (serde buffers tagged enums); build one with the
/// constructors, which set the fields its kind needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFrame<D> {
    /// What the frame asks.
    #[serde(rename = "type")]
    pub kind: ClientFrameKind,
    /// The room endpoint (all but `auth`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// The ticket (`auth`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The envelope (`publish`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<D>,
    /// The session's relay tag (`end_session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

impl<D> ClientFrame<D> {
    fn new(kind: ClientFrameKind, room: Option<String>) -> Self {
        ClientFrame {
            kind,
            room,
            ticket: None,
            data: None,
            session: None,
        }
    }

    /// `{"type":"auth","ticket":…}`.
    pub fn auth(ticket: impl Into<String>) -> Self {
        ClientFrame {
            ticket: Some(ticket.into()),
            ..Self::new(ClientFrameKind::Auth, None)
        }
    }

    /// `{"type":"subscribe","room":…}`.
    pub fn subscribe(room: impl Into<String>) -> Self {
        Self::new(ClientFrameKind::Subscribe, Some(room.into()))
    }

    /// `{"type":"unsubscribe","room":…}`.
    pub fn unsubscribe(room: impl Into<String>) -> Self {
        Self::new(ClientFrameKind::Unsubscribe, Some(room.into()))
    }

    /// `{"type":"publish","room":…,"data":…}`.
    pub fn publish(room: impl Into<String>, data: D) -> Self {
        ClientFrame {
            data: Some(data),
            ..Self::new(ClientFrameKind::Publish, Some(room.into()))
        }
    }

    /// `{"type":"close","room":…}`.
    pub fn close(room: impl Into<String>) -> Self {
        Self::new(ClientFrameKind::Close, Some(room.into()))
    }

    /// `{"type":"end_session","session":…}`.
    pub fn end_session(session: impl Into<String>) -> Self {
        ClientFrame {
            session: Some(session.into()),
            ..Self::new(ClientFrameKind::EndSession, None)
        }
    }
}

/// A frame the relay sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelayFrame<D> {
    /// The ticket was accepted.
    Authenticated,
    /// The relay now forwards the room's events to this connection.
    Subscribed {
        /// The room endpoint.
        room: String,
    },
    /// An envelope published to the room.
    Event {
        /// The room endpoint.
        room: String,
        /// Who published it (from their ticket, whatever the payload claims).
        from: Sender,
        /// The envelope.
        data: D,
    },
    /// The endpoint was retired (also the answer to a subscription to a retired
    /// endpoint): join again.
    Closed {
        /// The room endpoint.
        room: String,
    },
    /// A refused frame.
    Error {
        /// Stable code, e.g. `NOT_SUBSCRIBED`.
        code: String,
        /// Readable message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::MessagesEvent;
    use crate::realtime::RoomEvent;
    use crate::workspaces::{PresenceState, WorkspaceEvent};
    use serde_json::{json, Value};

    #[test]
    fn collections_are_typed_on_both_sides() {
        assert_eq!(
            serde_json::to_value(Collection::Channel(42)).unwrap(),
            "channel:42"
        );
        assert_eq!(
            serde_json::from_value::<Collection>(json!("workspace:7")).unwrap(),
            Collection::Workspace(7)
        );
        assert_eq!("drive:3".parse::<Collection>(), Ok(Collection::Drive(3)));
        assert_eq!(Collection::Drive(3).to_string(), "drive:3");
        assert_eq!("tasks:4".parse::<Collection>(), Ok(Collection::Tasks(4)));
        assert_eq!(Collection::Tasks(4).to_string(), "tasks:4");
        for bad in [
            "channel:",
            "channel:x",
            "channel:+1",
            "room:1",
            "channel",
            "channel:1:2",
        ] {
            assert!(bad.parse::<Collection>().is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let t = Ticket {
            ticket: "SECRET-TICKET".into(),
            expires_in: 60,
        };
        assert!(!format!("{t:?}").contains("SECRET"));
        let s = crate::auth::Signin {
            login: "alice".into(),
            password: "SECRET-PASSWORD".into(),
        };
        assert!(!format!("{s:?}").contains("SECRET"));
        let s = crate::auth::Signup {
            username: "alice".into(),
            email: "a@example.com".into(),
            password: "SECRET-PASSWORD".into(),
            display_name: None,
        };
        assert!(!format!("{s:?}").contains("SECRET") && format!("{s:?}").contains("alice"));
    }

    #[test]
    fn senders_and_origins() {
        assert_eq!(serde_json::to_value(Sender::User(5)).unwrap(), "u5");
        assert_eq!(
            serde_json::from_value::<Sender>(json!("server")).unwrap(),
            Sender::Server
        );
        assert!(serde_json::from_value::<Sender>(json!("u")).is_err());
        assert!(serde_json::from_value::<Sender>(json!("u-1")).is_err());
        assert!(Origin::Server.allows(Sender::Server));
        assert!(!Origin::Server.allows(Sender::User(1)));
        assert!(Origin::Member.allows(Sender::User(1)));
        assert!(!Origin::Member.allows(Sender::Server));
    }

    #[test]
    fn frames_on_the_wire() {
        let f: ClientFrame<Value> = ClientFrame::publish("r", json!({"iv": "x"}));
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"type": "publish", "room": "r", "data": {"iv": "x"}})
        );
        assert_eq!(
            serde_json::to_value(ClientFrame::<Value>::auth("t")).unwrap(),
            json!({"type": "auth", "ticket": "t"})
        );
        let r: RelayFrame<Value> = serde_json::from_value(
            json!({"type": "event", "room": "r", "from": "u3", "data": {"a": 1}}),
        )
        .unwrap();
        assert_eq!(
            r,
            RelayFrame::Event {
                room: "r".into(),
                from: Sender::User(3),
                data: json!({"a": 1})
            }
        );
        assert_eq!(
            serde_json::to_value(RelayFrame::<Value>::Authenticated).unwrap(),
            json!({"type": "authenticated"})
        );
    }

    #[test]
    fn events_on_the_wire() {
        assert_eq!(
            serde_json::to_value(KeyEvent::Key {
                new_key: "b".into(),
                key_version: "2".into()
            })
            .unwrap(),
            json!({"type": "key", "new_key": "b", "key_version": "2"})
        );
        assert_eq!(
            serde_json::to_value(MessagesEvent::Typing).unwrap(),
            json!({"type": "typing"})
        );
        assert_eq!(MessagesEvent::Typing.origin(), Origin::Member);
        let p = WorkspaceEvent::Presence {
            state: PresenceState::Offline,
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"type": "presence", "state": "offline"})
        );
        // A key event is not an app event and the other way round.
        assert!(serde_json::from_value::<MessagesEvent>(json!({"type": "key"})).is_err());
        assert!(serde_json::from_value::<KeyEvent>(json!({"type": "typing"})).is_err());
    }
}
