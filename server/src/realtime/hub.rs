//! The relay's state: which connection listens to which room endpoint. It only ever
//! sees room endpoints and opaque envelopes; it holds no key and parses no payload.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use huddle_protocol::realtime::{self as protocol, ClientFrame, RelayFrame};
use serde_json::value::RawValue;
use tokio::sync::mpsc::{channel, Receiver, Sender};
use tokio::sync::oneshot;

use crate::realtime::ticket::Subject;

/// Most rooms one connection may subscribe to.
pub const MAX_ROOMS_PER_CONNECTION: usize = 1000;
/// Most connections one person may hold open at once (tabs, devices).
pub const MAX_CONNECTIONS_PER_USER: usize = 16;
/// Frames waiting for a slow reader before the relay gives up on it: a client that stops
/// reading is dropped rather than buffered without limit.
pub const MAX_QUEUED_FRAMES: usize = 1024;
/// Bytes of frames waiting for one connection before it is dropped as too slow a reader.
pub const MAX_QUEUED_BYTES: usize = 1 << 20;
/// Bytes of frames waiting for all connections together: past it, the connections
/// furthest behind (more than [`FAIR_QUEUED_BYTES`]) are dropped, largest queue first,
/// until the relay is back under it (a reader that keeps up has a frame or two queued).
pub const MAX_TOTAL_QUEUED_BYTES: usize = 64 << 20;
/// What a connection may have queued and still stay when the relay is over
/// [`MAX_TOTAL_QUEUED_BYTES`].
pub const FAIR_QUEUED_BYTES: usize = 256 << 10;

/// A frame on its way out: one buffer (reference-counted), shared by every connection it
/// goes to and handed to the socket as is.
pub type Frame = axum::extract::ws::Utf8Bytes;

/// Bytes queued for one connection, and for the whole relay.
#[derive(Debug)]
struct QueueBytes {
    mine: AtomicUsize,
    total: Arc<AtomicUsize>,
}

impl QueueBytes {
    fn add(&self, n: usize) {
        self.mine.fetch_add(n, Ordering::SeqCst);
        self.total.fetch_add(n, Ordering::SeqCst);
    }

    /// Takes up to `n` bytes off (a frame sent), and as many off the total.
    fn take(&self, n: usize) {
        let before = self
            .mine
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |m| {
                Some(m.saturating_sub(n))
            })
            .unwrap_or(0);
        self.total.fetch_sub(before.min(n), Ordering::SeqCst);
    }

    /// Takes everything off (the queue is discarded).
    fn clear(&self) {
        let before = self.mine.swap(0, Ordering::SeqCst);
        self.total.fetch_sub(before, Ordering::SeqCst);
    }
}

/// A connection's queue of frames, as its socket writer reads it.
#[derive(Debug)]
pub struct Outbox {
    rx: Receiver<Frame>,
    bytes: Arc<QueueBytes>,
    dropped: oneshot::Receiver<()>,
    done: bool,
}

impl Outbox {
    /// The next frame to send; `None` once the hub has let the connection go (a slow
    /// reader, a session ended): what was still queued is discarded, not sent.
    pub async fn next(&mut self) -> Option<Frame> {
        if self.done {
            return None;
        }
        tokio::select! {
            biased;
            _ = &mut self.dropped => {
                self.discard();
                None
            }
            f = self.rx.recv() => match f {
                Some(f) => {
                    self.bytes.take(f.len());
                    Some(f)
                }
                None => {
                    self.discard();
                    None
                }
            },
        }
    }

    /// The next frame if one is queued (tests).
    pub fn try_next(&mut self) -> Option<Frame> {
        if self.done || self.dropped.try_recv() != Err(oneshot::error::TryRecvError::Empty) {
            self.discard();
            return None;
        }
        let f = self.rx.try_recv().ok()?;
        self.bytes.take(f.len());
        Some(f)
    }

    /// Whether the hub has let the connection go (then the queue is discarded).
    pub fn is_dropped(&mut self) -> bool {
        if !self.done && self.dropped.try_recv() != Err(oneshot::error::TryRecvError::Empty) {
            self.discard();
        }
        self.done
    }

    fn discard(&mut self) {
        self.done = true;
        self.rx.close();
        while self.rx.try_recv().is_ok() {}
        self.bytes.clear();
    }
}

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
    tx: Sender<Frame>,
    bytes: Arc<QueueBytes>,
    /// Dropped with the connection: tells its writer to stop.
    _alive: oneshot::Sender<()>,
    rooms: HashSet<String>,
}

/// The subscriptions of all connections.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
    /// Bytes queued for all connections.
    queued: Arc<AtomicUsize>,
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
    pub fn connect(&self, subject: Subject, session: Option<String>) -> Option<(ConnId, Outbox)> {
        let (tx, rx) = channel(MAX_QUEUED_FRAMES);
        let (alive, dropped) = oneshot::channel();
        let bytes = Arc::new(QueueBytes {
            mine: AtomicUsize::new(0),
            total: self.queued.clone(),
        });
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
                bytes: bytes.clone(),
                _alive: alive,
                rooms: HashSet::new(),
            },
        );
        Some((
            id,
            Outbox {
                rx,
                bytes,
                dropped,
                done: false,
            },
        ))
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
            // What was queued no longer counts (its writer discards it).
            c.bytes.clear();
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
        let frame: Frame = event_frame(room, sender, data).into();
        let Some(set) = g.rooms.get(room) else {
            return 0;
        };
        let mut delivered = 0;
        let mut slow = Vec::new();
        let len = frame.len();
        for id in set.iter().filter(|c| Some(**c) != from) {
            let Some(c) = g.conns.get(id) else { continue };
            // A reader this far behind is dropped, not buffered without limit: its
            // socket closes, and the client reconnects and resynchronises.
            let mine = c.bytes.mine.load(Ordering::SeqCst);
            if mine + len > MAX_QUEUED_BYTES {
                slow.push(*id);
                continue;
            }
            match c.tx.try_send(frame.clone()) {
                Ok(()) => {
                    c.bytes.add(len);
                    delivered += 1;
                }
                Err(tokio::sync::mpsc::error::TrySendError::Full(_)) => slow.push(*id),
                Err(_) => {}
            }
        }
        for id in slow {
            Self::remove(&mut g, id);
        }
        // Over the relay's bound: the connections furthest behind go first, until it is
        // back under it (readers that keep up have little queued and stay).
        if self.queued.load(Ordering::SeqCst) > MAX_TOTAL_QUEUED_BYTES {
            let mut behind: Vec<(usize, ConnId)> = g
                .conns
                .iter()
                .map(|(id, c)| (c.bytes.mine.load(Ordering::SeqCst), *id))
                .filter(|(bytes, _)| *bytes > FAIR_QUEUED_BYTES)
                .collect();
            behind.sort_unstable_by(|a, b| b.cmp(a));
            for (_, id) in behind {
                if self.queued.load(Ordering::SeqCst) <= MAX_TOTAL_QUEUED_BYTES {
                    break;
                }
                Self::remove(&mut g, id);
            }
        }
        delivered
    }

    /// Bytes of frames queued for all connections.
    pub fn queued_bytes(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
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
        let frame: Frame = format!(
            "{{\"type\":\"closed\",\"room\":{}}}",
            serde_json::Value::String(room.to_owned())
        )
        .into();
        for conn in set {
            if let Some(c) = g.conns.get_mut(&conn) {
                c.rooms.remove(room);
                if c.tx.try_send(frame.clone()).is_ok() {
                    c.bytes.add(frame.len());
                }
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
        assert!(rx.try_next().unwrap().contains("\"closed\""));
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
            assert!(rx.is_dropped());
            assert!(rx.try_next().is_none());
        }
        assert!(!hub.is_subscribed(a1, &room));
        let data = RawValue::from_string("{}".into()).unwrap();
        assert_eq!(hub.publish(&room, &data, None), 1);
        assert!(
            b_rx.try_next().is_some(),
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
            fast_rx.try_next().unwrap();
        }
        // The slow reader's queue is full: the next frame drops it, the fast one gets it.
        assert_eq!(hub.publish(&room, &data, None), 1);
        assert!(!hub.is_subscribed(slow, &room));
        assert!(hub.is_subscribed(fast, &room));
        // Its writer is told at once, and what was queued for it is let go.
        assert!(slow_rx.is_dropped());
        assert!(slow_rx.try_next().is_none());
        let frame = fast_rx.try_next().unwrap();
        assert!(frame.contains("\"from\":\"server\""), "{frame}");
        assert_eq!(hub.queued_bytes(), 0, "nothing is left counted");
    }

    #[test]
    fn over_the_relays_bound_the_furthest_behind_go_first() {
        let hub = Hub::default();
        let room = "0".repeat(64);
        let big = RawValue::from_string(format!("\"{}\"", "x".repeat(60_000))).unwrap();
        let slow: Vec<_> = (1..=80)
            .map(|u| {
                let (id, rx) = hub.connect(Subject::User(u), None).unwrap();
                hub.subscribe(id, &room).unwrap();
                (id, rx)
            })
            .collect();
        let (fast, mut fast_rx) = hub.connect(Subject::User(999), None).unwrap();
        hub.subscribe(fast, &room).unwrap();
        for _ in 0..16 {
            hub.publish(&room, &big, None);
            while fast_rx.try_next().is_some() {}
            assert!(hub.queued_bytes() <= MAX_TOTAL_QUEUED_BYTES + 100_000);
        }
        let dropped = slow
            .iter()
            .filter(|(id, _)| !hub.is_subscribed(*id, &room))
            .count();
        assert!(
            dropped > 0 && dropped < 80,
            "{dropped} of the 80 slow readers dropped"
        );
        assert!(
            hub.is_subscribed(fast, &room),
            "the reader that keeps up stays"
        );
    }

    #[test]
    fn queues_are_bounded_in_bytes_and_frames_are_shared() {
        let hub = Hub::default();
        let room = "0".repeat(64);
        let big = RawValue::from_string(format!("\"{}\"", "x".repeat(60_000))).unwrap();
        let readers: Vec<_> = (1..=3)
            .map(|u| {
                let (id, rx) = hub.connect(Subject::User(u), None).unwrap();
                hub.subscribe(id, &room).unwrap();
                (id, rx)
            })
            .collect();
        let (_, mut reading) = hub.connect(Subject::User(9), None).unwrap();
        // (Subscribed below, after the others have fallen behind.)
        let mut sent = 0;
        while hub.publish(&room, &big, None) == 3 {
            sent += 1;
        }
        // About a MiB each, far fewer than MAX_QUEUED_FRAMES frames.
        assert!((15..=17).contains(&sent), "{sent} frames of 60 KB");
        for (id, rx) in readers {
            assert!(!hub.is_subscribed(id, &room));
            let mut rx = rx;
            assert!(rx.is_dropped());
        }
        assert_eq!(hub.queued_bytes(), 0);
        // One buffer per frame: every subscriber's copy is the same allocation.
        let (a, mut a_rx) = hub.connect(Subject::User(5), None).unwrap();
        let (b, mut b_rx) = hub.connect(Subject::User(6), None).unwrap();
        hub.subscribe(a, &room).unwrap();
        hub.subscribe(b, &room).unwrap();
        hub.publish(&room, &big, None);
        assert_eq!(
            hub.queued_bytes(),
            2 * a_rx
                .rx
                .try_recv()
                .map(|f| {
                    let fb = b_rx.rx.try_recv().unwrap();
                    assert_eq!(
                        f.as_str().as_ptr(),
                        fb.as_str().as_ptr(),
                        "one shared buffer"
                    );
                    f.len()
                })
                .unwrap()
        );
        let _ = reading.try_next();
    }
}
