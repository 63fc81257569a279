//! The relay's state: which connection listens to which room endpoint. It only ever
//! sees room endpoints and opaque envelopes; it holds no key and parses no payload.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde_json::value::RawValue;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::realtime::ticket::Subject;

/// Most rooms one connection may subscribe to.
pub const MAX_ROOMS_PER_CONNECTION: usize = 1000;

/// A connection's id.
pub type ConnId = u64;

#[derive(Default)]
struct Inner {
    next: ConnId,
    rooms: HashMap<String, HashSet<ConnId>>,
    conns: HashMap<ConnId, Conn>,
}

struct Conn {
    subject: Subject,
    tx: UnboundedSender<String>,
    rooms: HashSet<String>,
}

/// The subscriptions of all connections.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
}

/// Why a subscription was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SubscribeError {
    /// The connection has [`MAX_ROOMS_PER_CONNECTION`] rooms.
    TooManyRooms,
}

/// The frame a client (or the API server) sends to publish an envelope in a room.
pub fn server_publish_frame(room: &str, data: &RawValue) -> String {
    format!(
        "{{\"type\":\"publish\",\"room\":{},\"data\":{}}}",
        serde_json::Value::String(room.to_owned()),
        data.get()
    )
}

/// The frame the relay sends for an envelope published in a room, stamped with who
/// published it (`"u<id>"` or `"server"`): the relay knows each connection's ticket, so
/// receivers need not trust what a payload says about its sender.
pub fn event_frame(room: &str, from: Subject, data: &RawValue) -> String {
    let from = match from {
        Subject::User(id) => format!("u{id}"),
        Subject::Server => "server".to_owned(),
    };
    format!(
        "{{\"type\":\"event\",\"room\":{},\"from\":\"{from}\",\"data\":{}}}",
        serde_json::Value::String(room.to_owned()),
        data.get()
    )
}

impl Hub {
    /// Registers an authenticated connection; its outgoing frames arrive on the receiver.
    pub fn connect(&self, subject: Subject) -> (ConnId, UnboundedReceiver<String>) {
        let (tx, rx) = unbounded_channel();
        let mut g = self.inner.lock().expect("hub lock");
        g.next += 1;
        let id = g.next;
        g.conns.insert(
            id,
            Conn {
                subject,
                tx,
                rooms: HashSet::new(),
            },
        );
        (id, rx)
    }

    /// Forgets a connection and its subscriptions.
    pub fn disconnect(&self, conn: ConnId) {
        let mut g = self.inner.lock().expect("hub lock");
        if let Some(c) = g.conns.remove(&conn) {
            for room in c.rooms {
                if let Some(set) = g.rooms.get_mut(&room) {
                    set.remove(&conn);
                    if set.is_empty() {
                        g.rooms.remove(&room);
                    }
                }
            }
        }
    }

    /// Subscribes a connection to a room endpoint.
    pub fn subscribe(&self, conn: ConnId, room: &str) -> Result<(), SubscribeError> {
        let mut g = self.inner.lock().expect("hub lock");
        let Some(c) = g.conns.get_mut(&conn) else {
            return Ok(());
        };
        if !c.rooms.contains(room) && c.rooms.len() >= MAX_ROOMS_PER_CONNECTION {
            return Err(SubscribeError::TooManyRooms);
        }
        c.rooms.insert(room.to_owned());
        g.rooms.entry(room.to_owned()).or_default().insert(conn);
        Ok(())
    }

    /// Unsubscribes a connection from a room endpoint.
    pub fn unsubscribe(&self, conn: ConnId, room: &str) {
        let mut g = self.inner.lock().expect("hub lock");
        if let Some(c) = g.conns.get_mut(&conn) {
            c.rooms.remove(room);
        }
        if let Some(set) = g.rooms.get_mut(room) {
            set.remove(&conn);
            if set.is_empty() {
                g.rooms.remove(room);
            }
        }
    }

    /// Whether a connection listens to a room.
    pub fn is_subscribed(&self, conn: ConnId, room: &str) -> bool {
        let g = self.inner.lock().expect("hub lock");
        g.rooms.get(room).is_some_and(|s| s.contains(&conn))
    }

    /// Forwards an envelope to every subscriber of `room` except `from` (`None`: the API
    /// server in this process); returns how many received it.
    pub fn publish(&self, room: &str, data: &RawValue, from: Option<ConnId>) -> usize {
        let g = self.inner.lock().expect("hub lock");
        let sender = match from {
            Some(c) => match g.conns.get(&c) {
                Some(conn) => conn.subject,
                None => return 0,
            },
            None => Subject::Server,
        };
        let frame = event_frame(room, sender, data);
        let Some(set) = g.rooms.get(room) else {
            return 0;
        };
        set.iter()
            .filter(|c| Some(**c) != from)
            .filter_map(|c| g.conns.get(c))
            .filter(|c| c.tx.send(frame.clone()).is_ok())
            .count()
    }

    /// Ends every subscription to `room` (after its endpoint was replaced), telling the
    /// subscribers with a `closed` frame.
    pub fn close_room(&self, room: &str) {
        let mut g = self.inner.lock().expect("hub lock");
        let Some(set) = g.rooms.remove(room) else {
            return;
        };
        let frame = format!(
            "{{\"type\":\"closed\",\"room\":{}}}",
            serde_json::Value::String(room.to_owned())
        );
        for conn in set {
            if let Some(c) = g.conns.get_mut(&conn) {
                c.rooms.remove(room);
                let _ = c.tx.send(frame.clone());
            }
        }
    }

    /// Who a connection authenticated as.
    pub fn subject_of(&self, conn: ConnId) -> Option<Subject> {
        let g = self.inner.lock().expect("hub lock");
        g.conns.get(&conn).map(|c| c.subject)
    }
}
