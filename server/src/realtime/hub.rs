//! The relay's state: which connection listens to which room endpoint. It only ever
//! sees room endpoints and opaque envelopes; it holds no key and parses no payload.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use huddle_protocol::realtime::{self as protocol, ClientFrame, RelayFrame};
use serde_json::value::RawValue;
use tokio::sync::mpsc::{channel, Receiver, Sender};

use crate::realtime::ticket::Subject;

/// Most rooms one connection may subscribe to.
pub const MAX_ROOMS_PER_CONNECTION: usize = 1000;
/// Most connections one person may hold open at once (tabs, devices).
pub const MAX_CONNECTIONS_PER_USER: usize = 16;
/// Frames waiting for a slow reader before the relay gives up on it: a client that stops
/// reading is dropped rather than buffered without limit.
pub const MAX_QUEUED_FRAMES: usize = 1024;

/// Retired endpoints the relay remembers (the most recent; 32 bytes each), so that a
/// subscription to one is answered `closed` rather than accepted: a former member who
/// kept an old endpoint cannot listen there to members who have not rejoined yet.
pub const MAX_RETIRED: usize = 1 << 16;

/// Whether `room` looks like a room endpoint (64 lowercase hex characters); the relay
/// refuses anything else, so subscriptions cannot hold large names.
pub fn is_endpoint(room: &str) -> bool {
    room.len() == 64
        && room
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A connection's id.
pub type ConnId = u64;

#[derive(Default)]
struct Inner {
    next: ConnId,
    rooms: HashMap<String, HashSet<ConnId>>,
    conns: HashMap<ConnId, Conn>,
    /// Retired endpoints (as numbers, 32 bytes each), and the order to forget them in.
    retired: HashSet<(u128, u128)>,
    retired_order: VecDeque<(u128, u128)>,
}

/// An endpoint's 256 bits ([`is_endpoint`] checked by the caller).
fn endpoint_id(room: &str) -> Option<(u128, u128)> {
    let half = |s: Option<&str>| u128::from_str_radix(s?, 16).ok();
    Some((half(room.get(..32))?, half(room.get(32..64))?))
}

struct Conn {
    subject: Subject,
    /// The relay tag of the session its ticket came from (people only).
    session: Option<String>,
    tx: Sender<String>,
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
    /// The endpoint was retired (see [`Hub::close_room`]).
    Retired,
}

/// The frame a client (or the API server) sends to publish an envelope in a room.
pub fn server_publish_frame(room: &str, data: &RawValue) -> String {
    serde_json::to_string(&ClientFrame::publish(room, data)).expect("frames serialize")
}

/// The frame the relay sends for an envelope published in a room, stamped with who
/// published it: the relay knows each connection's ticket, so receivers need not trust
/// what a payload says about its sender.
pub fn event_frame(room: &str, from: Subject, data: &RawValue) -> String {
    let from = match from {
        Subject::User(id) => protocol::Sender::User(id),
        Subject::Server => protocol::Sender::Server,
    };
    serde_json::to_string(&RelayFrame::Event {
        room: room.to_owned(),
        from,
        data,
    })
    .expect("frames serialize")
}

impl Hub {
    /// Registers an authenticated connection (of `session`, for a person); its outgoing
    /// frames arrive on the receiver. `None` when the person already holds
    /// [`MAX_CONNECTIONS_PER_USER`] connections.
    pub fn connect(
        &self,
        subject: Subject,
        session: Option<String>,
    ) -> Option<(ConnId, Receiver<String>)> {
        let (tx, rx) = channel(MAX_QUEUED_FRAMES);
        let mut g = self.inner.lock().expect("hub lock");
        if let Subject::User(_) = subject {
            let open = g.conns.values().filter(|c| c.subject == subject).count();
            if open >= MAX_CONNECTIONS_PER_USER {
                return None;
            }
        }
        g.next += 1;
        let id = g.next;
        g.conns.insert(
            id,
            Conn {
                subject,
                session,
                tx,
                rooms: HashSet::new(),
            },
        );
        Some((id, rx))
    }

    /// Ends every connection opened from `session` (sign-out, revocation): they leave
    /// the hub and their frame queues close, which closes their sockets. Returns how
    /// many.
    pub fn end_session(&self, session: &str) -> usize {
        let mut g = self.inner.lock().expect("hub lock");
        let ids: Vec<ConnId> = g
            .conns
            .iter()
            .filter(|(_, c)| c.session.as_deref() == Some(session))
            .map(|(id, _)| *id)
            .collect();
        for id in &ids {
            Self::remove(&mut g, *id);
        }
        ids.len()
    }

    /// Forgets a connection and its subscriptions (its frame queue closes).
    pub fn disconnect(&self, conn: ConnId) {
        let mut g = self.inner.lock().expect("hub lock");
        Self::remove(&mut g, conn);
    }

    fn remove(g: &mut Inner, conn: ConnId) {
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
        if endpoint_id(room).is_some_and(|id| g.retired.contains(&id)) {
            return Err(SubscribeError::Retired);
        }
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
        let mut g = self.inner.lock().expect("hub lock");
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
        let mut delivered = 0;
        let mut slow = Vec::new();
        for id in set.iter().filter(|c| Some(**c) != from) {
            let Some(c) = g.conns.get(id) else { continue };
            match c.tx.try_send(frame.clone()) {
                Ok(()) => delivered += 1,
                // A reader this far behind is dropped, not buffered without limit: its
                // socket closes, and the client reconnects and resynchronises.
                Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => slow.push(*id),
                Err(_) => {}
            }
        }
        for id in slow {
            Self::remove(&mut g, id);
        }
        delivered
    }

    /// Ends every subscription to `room` (after its endpoint was replaced), telling the
    /// subscribers with a `closed` frame, and refuses new ones.
    pub fn close_room(&self, room: &str) {
        let mut g = self.inner.lock().expect("hub lock");
        if let Some(id) = endpoint_id(room) {
            if g.retired.insert(id) {
                g.retired_order.push_back(id);
                if g.retired_order.len() > MAX_RETIRED {
                    if let Some(old) = g.retired_order.pop_front() {
                        g.retired.remove(&old);
                    }
                }
            }
        }
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
                let _ = c.tx.try_send(frame.clone());
            }
        }
    }

    /// Who a connection authenticated as.
    pub fn subject_of(&self, conn: ConnId) -> Option<Subject> {
        let g = self.inner.lock().expect("hub lock");
        g.conns.get(&conn).map(|c| c.subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_64_lowercase_hex() {
        assert!(is_endpoint(&"ab12".repeat(16)));
        assert!(!is_endpoint(&"AB12".repeat(16)));
        assert!(!is_endpoint("room"));
        assert!(!is_endpoint(&"a".repeat(65)));
    }

    #[test]
    fn retired_endpoints_stay_closed_and_are_forgotten_oldest_first() {
        let hub = Hub::default();
        let (conn, mut rx) = hub.connect(Subject::User(1), None).unwrap();
        let room = |i: usize| format!("{i:064x}");
        hub.subscribe(conn, &room(0)).unwrap();
        hub.close_room(&room(0));
        assert!(rx.try_recv().unwrap().contains("\"closed\""));
        assert_eq!(hub.subscribe(conn, &room(0)), Err(SubscribeError::Retired));
        // Closing a room nobody listens to retires it too.
        hub.close_room(&room(1));
        assert_eq!(hub.subscribe(conn, &room(1)), Err(SubscribeError::Retired));
        // Memory is bounded: the oldest retired endpoints are forgotten first.
        for i in 2..=MAX_RETIRED {
            hub.close_room(&room(i));
        }
        assert_eq!(hub.subscribe(conn, &room(1)), Err(SubscribeError::Retired));
        assert_eq!(hub.subscribe(conn, &room(0)), Ok(()));
        assert!(hub.subscribe(conn, &room(2)).is_err());
    }

    #[test]
    fn ending_a_session_closes_its_connections_only() {
        let hub = Hub::default();
        let room = "0".repeat(64);
        let s = |t: &str| Some(t.to_owned());
        let (a1, mut a1_rx) = hub.connect(Subject::User(1), s("phone")).unwrap();
        let (a2, mut a2_rx) = hub.connect(Subject::User(1), s("phone")).unwrap();
        let (b, mut b_rx) = hub.connect(Subject::User(1), s("laptop")).unwrap();
        for c in [a1, a2, b] {
            hub.subscribe(c, &room).unwrap();
        }
        assert_eq!(hub.end_session("phone"), 2);
        for rx in [&mut a1_rx, &mut a2_rx] {
            assert!(matches!(
                rx.try_recv(),
                Err(tokio::sync::mpsc::error::TryRecvError::Disconnected)
            ));
        }
        assert!(!hub.is_subscribed(a1, &room));
        let data = RawValue::from_string("{}".into()).unwrap();
        assert_eq!(hub.publish(&room, &data, None), 1);
        assert!(
            b_rx.try_recv().is_ok(),
            "the other session keeps its connection"
        );
        assert_eq!(hub.end_session("phone"), 0);
    }

    #[test]
    fn a_person_holds_a_bounded_number_of_connections() {
        let hub = Hub::default();
        let conns: Vec<_> = (0..MAX_CONNECTIONS_PER_USER)
            .map(|_| hub.connect(Subject::User(1), None).unwrap())
            .collect();
        assert!(hub.connect(Subject::User(1), None).is_none());
        assert!(
            hub.connect(Subject::User(2), None).is_some(),
            "others are not affected"
        );
        hub.disconnect(conns[0].0);
        assert!(hub.connect(Subject::User(1), None).is_some());
    }

    #[test]
    fn a_reader_that_falls_behind_is_dropped_not_buffered() {
        let hub = Hub::default();
        let room = "0".repeat(64);
        let (slow, mut slow_rx) = hub.connect(Subject::User(1), None).unwrap();
        let (fast, mut fast_rx) = hub.connect(Subject::User(2), None).unwrap();
        hub.subscribe(slow, &room).unwrap();
        hub.subscribe(fast, &room).unwrap();
        let data = RawValue::from_string("{}".into()).unwrap();
        for _ in 0..MAX_QUEUED_FRAMES {
            assert_eq!(hub.publish(&room, &data, None), 2);
            fast_rx.try_recv().unwrap();
        }
        // The slow reader's queue is full: the next frame drops it, the fast one gets it.
        assert_eq!(hub.publish(&room, &data, None), 1);
        assert!(!hub.is_subscribed(slow, &room));
        assert!(hub.is_subscribed(fast, &room));
        // Its queue ends after what it already had: the socket writer then closes.
        for _ in 0..MAX_QUEUED_FRAMES {
            slow_rx.try_recv().unwrap();
        }
        assert!(matches!(
            slow_rx.try_recv(),
            Err(tokio::sync::mpsc::error::TryRecvError::Disconnected)
        ));
        let frame = fast_rx.try_recv().unwrap();
        assert!(frame.contains("\"from\":\"server\""), "{frame}");
    }
}
