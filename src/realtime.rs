//! The realtime connection: one WebSocket to the relay, one [`RoomKeyring`] per watched
//! channel. Components call [`Realtime::watch`] with a callback and get decrypted
//! [`Event`]s; they never see envelopes or keys.
//!
//! The socket authenticates with a ticket from the API and reconnects with exponential
//! backoff (1 s doubling to 30 s). After a reconnect every room is joined again over
//! HTTPS (fresh key).
//!
//! Whenever the relay confirms a room's subscription (the first watch, a rejoin, a
//! reconnect), the room's watcher receives [`Event::Resync`] and refetches through REST:
//! an event sent before the relay forwarded the room to us is in the REST history, one
//! sent after reaches us live, so nothing falls in between.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crypto_wasm::{Envelope, Error as CryptoError, Format, RoomKeyring};
use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message as WsMessage};
use huddle_protocol::realtime::{ClientFrame, Collection, KeyEvent, RelayFrame, RoomEvent, Sender};
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api;

/// State of the relay connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Opening the socket.
    Connecting,
    /// Connected.
    Online,
    /// Disconnected; retrying.
    Offline,
}

/// What a watcher hears about its room: its app's events (`E`, e.g. `MessagesEvent`),
/// decoded and checked against who sent them, and the transport's own news.
#[derive(Clone, Debug)]
pub enum Event<E> {
    /// An event of the watching app, from a sender its [`RoomEvent::origin`] allows.
    App {
        /// Who published it, as the relay stamped it.
        from: Sender,
        /// The event.
        event: E,
    },
    /// Events may have been missed: refetch.
    Resync,
    /// The server refused to let us join the room again (`NOT_FOUND`: removed from the
    /// workspace, or the channel is gone): the view should recheck what it may show.
    AccessLost,
}

/// What the transport hands a room's watcher, before the app's decoding.
enum Delivery<'a> {
    /// An opened envelope that is not a key event.
    Opened {
        from: Sender,
        plaintext: &'a str,
    },
    Resync,
    AccessLost,
}

type Callback = Rc<dyn Fn(Delivery<'_>)>;

/// Envelopes (any sender) under one key version after which a client asks for a new key
/// part by joining again: the server counts only what it seals itself, so this bounds
/// typing and presence traffic too (the server's own bound is the same number).
pub const ROTATE_AFTER: u32 = 1000;

struct Room {
    endpoint: String,
    keyring: RoomKeyring,
    on_event: Callback,
    /// Envelopes sealed or opened under `counted_version`.
    used: u32,
    counted_version: String,
}

impl Room {
    fn new(endpoint: String, keyring: RoomKeyring, on_event: Callback) -> Room {
        Room {
            endpoint,
            keyring,
            on_event,
            used: 0,
            counted_version: String::new(),
        }
    }

    /// Counts one envelope under the newest key; true when that key has done enough.
    fn count_use(&mut self) -> bool {
        let newest = self
            .keyring
            .current()
            .map(|(v, _)| v.to_owned())
            .unwrap_or_default();
        if newest != self.counted_version {
            self.counted_version = newest;
            self.used = 0;
        }
        self.used += 1;
        self.used == ROTATE_AFTER
    }
}

#[derive(Default)]
struct Inner {
    sender: Option<UnboundedSender<String>>,
    rooms: HashMap<Collection, Room>,
    /// Rooms being joined again (one request at a time per room), and whether another
    /// rejoin was asked for meanwhile (a `closed` or `rekey` that the running request may
    /// have answered too early for).
    rejoining: HashMap<Collection, bool>,
}

/// The app's realtime service (in context).
#[derive(Clone)]
pub struct Realtime {
    /// Connection state, for the status indicator.
    pub status: RwSignal<Status>,
    inner: SendWrapper<Rc<RefCell<Inner>>>,
}

fn ws_url() -> String {
    let loc = web_sys::window().expect("window").location();
    let secure = loc.protocol().map(|p| p == "https:").unwrap_or(false);
    let host = loc.host().unwrap_or_default();
    format!("{}://{host}/ws", if secure { "wss" } else { "ws" })
}

impl Realtime {
    /// Creates the service and starts connecting.
    pub fn start() -> Realtime {
        let rt = Realtime {
            status: RwSignal::new(Status::Connecting),
            inner: SendWrapper::new(Rc::new(RefCell::new(Inner::default()))),
        };
        let me = rt.clone();
        spawn_local(async move { me.run().await });
        rt
    }

    async fn run(self) {
        let mut backoff = 1000u32;
        let mut reconnect = false;
        loop {
            self.status.set(Status::Connecting);
            // The relay knows people only by a short-lived ticket from the API, sent as the
            // first frame (never in the URL, which proxies log).
            let ticket = api::realtime_ticket().await;
            if let (Ok(ticket), Ok(ws)) = (ticket, WebSocket::open(&ws_url())) {
                let (mut write, mut read) = ws.split();
                let (tx, mut rx) = unbounded::<String>();
                if let Ok(auth) = serde_json::to_string(&ClientFrame::<Envelope>::auth(ticket)) {
                    let _ = tx.unbounded_send(auth);
                }
                self.inner.borrow_mut().sender = Some(tx);
                spawn_local(async move {
                    while let Some(frame) = rx.next().await {
                        if write.send(WsMessage::Text(frame)).await.is_err() {
                            break;
                        }
                    }
                });
                let me = self.clone();
                spawn_local(async move { me.resubscribe(reconnect).await });
                while let Some(msg) = read.next().await {
                    match msg {
                        Ok(WsMessage::Text(text)) => {
                            match serde_json::from_str::<RelayFrame<Envelope>>(&text) {
                                Ok(RelayFrame::Authenticated) => backoff = 1000,
                                Ok(frame) => self.handle(frame),
                                Err(_) => {} // not a frame of ours: dropped
                            }
                        }
                        Ok(WsMessage::Bytes(_)) => {}
                        Err(_) => break,
                    }
                }
                self.inner.borrow_mut().sender = None;
                reconnect = true;
            }
            self.status.set(Status::Offline);
            gloo_timers::future::TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(30_000);
        }
    }

    /// On a new socket: subscribe the watched rooms. After a reconnect, join them again
    /// first (keys may have moved on while offline). The relay's confirmations bring the
    /// watchers' resync (see `handle`).
    async fn resubscribe(&self, reconnect: bool) {
        let rooms: Vec<(Collection, String)> = self
            .inner
            .borrow()
            .rooms
            .iter()
            .map(|(id, r)| (*id, r.endpoint.clone()))
            .collect();
        if rooms.is_empty() {
            self.status.set(Status::Online);
        }
        for (id, endpoint) in rooms {
            if reconnect {
                self.rejoin(id).await;
            } else {
                self.send(&ClientFrame::subscribe(endpoint));
            }
        }
    }

    fn send(&self, frame: &ClientFrame<Envelope>) {
        if let Some(tx) = &self.inner.borrow().sender {
            if let Ok(text) = serde_json::to_string(frame) {
                let _ = tx.unbounded_send(text);
            }
        }
    }

    /// Watches a collection: joins its room (fresh key over HTTPS) and subscribes. The
    /// room's events are decoded as the app's event type `E`; one whose sender its
    /// [`RoomEvent::origin`] does not allow, or that is not an `E`, is dropped.
    pub async fn watch<E: RoomEvent + DeserializeOwned + 'static>(
        &self,
        collection: Collection,
        on_event: impl Fn(Event<E>) + 'static,
    ) -> api::ApiResult<()> {
        let on_event: Callback = Rc::new(move |d: Delivery<'_>| match d {
            Delivery::Opened { from, plaintext } => {
                if let Ok(event) = serde_json::from_str::<E>(plaintext) {
                    if event.origin().allows(from) {
                        on_event(Event::App { from, event });
                    }
                }
            }
            Delivery::Resync => on_event(Event::Resync),
            Delivery::AccessLost => on_event(Event::AccessLost),
        });
        let joined = api::join(collection).await?;
        let mut keyring = RoomKeyring::new(&joined.room);
        let _ = keyring.set_key(&joined.key, &joined.key_version);
        let endpoint = joined.room.clone();
        self.inner
            .borrow_mut()
            .rooms
            .insert(collection, Room::new(endpoint.clone(), keyring, on_event));
        self.send(&ClientFrame::subscribe(endpoint));
        if self.inner.borrow().sender.is_some() {
            self.status.set(Status::Online);
        }
        Ok(())
    }

    /// Stops watching a collection.
    pub fn unwatch(&self, collection: Collection) {
        let room = self.inner.borrow_mut().rooms.remove(&collection);
        if let Some(room) = room {
            self.send(&ClientFrame::unsubscribe(room.endpoint));
        }
    }

    /// Publishes an ephemeral event (typing, presence) to a watched collection's room,
    /// sealed with its key.
    pub fn publish(&self, collection: Collection, event: &(impl RoomEvent + Serialize)) {
        let Ok(plaintext) = serde_json::to_string(event) else {
            return;
        };
        let (frame, worn) = {
            let mut inner = self.inner.borrow_mut();
            let Some(room) = inner.rooms.get_mut(&collection) else {
                return;
            };
            let Ok(env) = room.keyring.encrypt(&plaintext, Format::V1) else {
                return;
            };
            let worn = room.count_use();
            (ClientFrame::publish(room.endpoint.clone(), env), worn)
        };
        self.send(&frame);
        if worn {
            self.rotate(collection);
        }
    }

    /// Asks for a fresh key part (a join mixes one in) once a key has done enough. Every
    /// member counts the same envelopes, so each waits a random 0–5 s and skips the join
    /// if someone else's already changed the key.
    fn rotate(&self, collection: Collection) {
        let me = self.clone();
        let before = self.newest_version(collection);
        let wait = crypto_wasm::random::bytes(2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])) % 5000)
            .unwrap_or(0);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(wait).await;
            if me.newest_version(collection) == before {
                me.rejoin(collection).await;
            }
        });
    }

    /// Joins a watched room again (after a reconnect, a retired endpoint, a rekey or a
    /// missed key part) and subscribes; the relay's confirmation makes the watcher
    /// resync. Keys already held stay: events sealed under them may still be in flight.
    /// One request at a time per room.
    async fn rejoin(&self, collection: Collection) {
        {
            let mut inner = self.inner.borrow_mut();
            if let Some(again) = inner.rejoining.get_mut(&collection) {
                *again = true;
                return;
            }
            inner.rejoining.insert(collection, false);
        }
        // Retry delay after a failure that is not a refusal (network, server error).
        let mut retry_ms = 1_000;
        loop {
            let joined = api::join(collection).await;
            let again = self
                .inner
                .borrow_mut()
                .rejoining
                .insert(collection, false)
                .unwrap_or(false);
            match joined {
                Ok(joined) => self.install(collection, joined),
                // The access check refused: removed, or the room is gone.
                Err(e) if e.status == 404 && e.code == "NOT_FOUND" => self.access_lost(collection),
                // Otherwise the room would stay on a retired endpoint and hear nothing
                // until the socket reconnects: try again a few times.
                Err(_) if !again && retry_ms <= 16_000 => {
                    gloo_timers::future::TimeoutFuture::new(retry_ms).await;
                    retry_ms *= 2;
                    if !self.inner.borrow().rooms.contains_key(&collection) {
                        break;
                    }
                    continue;
                }
                Err(_) => {}
            }
            if !again {
                break;
            }
        }
        self.inner.borrow_mut().rejoining.remove(&collection);
    }

    /// Installs what a (re)join returned: a new endpoint starts a new keyring; on the same
    /// endpoint the key is added unless a newer one already arrived through the relay.
    fn install(&self, collection: Collection, joined: api::Joined) {
        let newest = self.newest_version(collection);
        {
            let mut inner = self.inner.borrow_mut();
            let Some(room) = inner.rooms.get_mut(&collection) else {
                return;
            };
            if room.endpoint != joined.room {
                room.endpoint = joined.room.clone();
                room.keyring = RoomKeyring::new(&joined.room);
                let _ = room.keyring.set_key(&joined.key, &joined.key_version);
            } else if joined.key_version.parse::<u64>().ok() > newest {
                let _ = room.keyring.set_key(&joined.key, &joined.key_version);
            }
        }
        // The relay's confirmation brings the watcher's Resync (see `handle`).
        self.send(&ClientFrame::subscribe(joined.room));
        if self.inner.borrow().sender.is_some() {
            self.status.set(Status::Online);
        }
    }

    /// Tells a room's watcher that the server no longer lets us in.
    fn access_lost(&self, collection: Collection) {
        let callback = self
            .inner
            .borrow()
            .rooms
            .get(&collection)
            .map(|room| room.on_event.clone());
        if let Some(callback) = callback {
            callback(Delivery::AccessLost);
        }
    }

    /// The newest key version held for a room (versions are the server's counters).
    fn newest_version(&self, collection: Collection) -> Option<u64> {
        let inner = self.inner.borrow();
        let (v, _) = inner.rooms.get(&collection)?.keyring.current()?;
        v.parse().ok()
    }

    fn handle(&self, frame: RelayFrame<Envelope>) {
        let room_of = |endpoint: &str| {
            self.inner
                .borrow()
                .rooms
                .iter()
                .find(|(_, r)| r.endpoint == endpoint)
                .map(|(id, _)| *id)
        };
        match frame {
            RelayFrame::Subscribed { room } => {
                self.status.set(Status::Online);
                // From now on the relay forwards this room's events; what came before is
                // in the REST history, so the watcher refetches it.
                let callback = room_of(&room).and_then(|id| {
                    let inner = self.inner.borrow();
                    inner.rooms.get(&id).map(|room| room.on_event.clone())
                });
                if let Some(callback) = callback {
                    callback(Delivery::Resync);
                }
            }
            RelayFrame::Closed { room } => {
                if let Some(id) = room_of(&room) {
                    let me = self.clone();
                    spawn_local(async move { me.rejoin(id).await });
                }
            }
            RelayFrame::Event { room, from, data } => {
                let Some(id) = room_of(&room) else { return };
                let opened = {
                    let mut inner = self.inner.borrow_mut();
                    let Some(room) = inner.rooms.get_mut(&id) else {
                        return;
                    };
                    room.keyring
                        .decrypt(&data)
                        .map(|t| (t, room.on_event.clone(), room.count_use()))
                };
                match opened {
                    Ok((plain, cb, worn)) => {
                        self.dispatch(id, from, &plain, cb);
                        if worn {
                            self.rotate(id);
                        }
                    }
                    Err(CryptoError::UnknownKeyVersion { .. }) => {
                        // A server event under a newer key: we missed a key part, so get
                        // the current key over HTTPS. Anything else: dropped.
                        // Only the server's word counts: a member could name any version.
                        let theirs = data.key_version().parse::<u64>().ok();
                        if from == Sender::Server && theirs > self.newest_version(id) {
                            let me = self.clone();
                            spawn_local(async move { me.rejoin(id).await });
                        }
                    }
                    Err(_) => {} // forged or corrupted: dropped
                }
            }
            RelayFrame::Authenticated | RelayFrame::Error { .. } => {}
        }
    }

    /// Acts on an opened event. Key parts and rekeys count only from the API server (a
    /// member holds the room key and could otherwise forge them); anything else goes to
    /// the watcher, which checks its app's rules.
    fn dispatch(&self, collection: Collection, from: Sender, plain: &str, cb: Callback) {
        match serde_json::from_str::<KeyEvent>(plain) {
            Ok(_) if from != Sender::Server => {} // forged key event: dropped
            Ok(KeyEvent::Key {
                new_key,
                key_version,
            }) => {
                let next = key_version.parse::<u64>().ok();
                let newest = self.newest_version(collection);
                if next.is_some() && next == newest.map(|n| n + 1) {
                    // The part mixes into the key it follows.
                    if let Some(room) = self.inner.borrow_mut().rooms.get_mut(&collection) {
                        let _ = room.keyring.add_key_part(&new_key, &key_version);
                    }
                } else if next > newest {
                    // A gap: a part was missed. Get the current key over HTTPS.
                    let me = self.clone();
                    spawn_local(async move { me.rejoin(collection).await });
                }
                // Otherwise we already hold a later key (from HTTPS): nothing to mix.
            }
            Ok(KeyEvent::Rekey) => {
                let me = self.clone();
                spawn_local(async move { me.rejoin(collection).await });
            }
            Err(_) => cb(Delivery::Opened {
                from,
                plaintext: plain,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_worn_after_rotate_after_uses_and_a_new_version_starts_over() {
        let mut ring = RoomKeyring::new("room");
        ring.set_key("key one", "1").unwrap();
        let mut room = Room::new("room".into(), ring, Rc::new(|_| {}));
        let worn: Vec<bool> = (0..ROTATE_AFTER).map(|_| room.count_use()).collect();
        assert_eq!(worn.iter().filter(|w| **w).count(), 1);
        assert!(
            worn[ROTATE_AFTER as usize - 1],
            "the last use wears the key out"
        );
        // Only once: a slow rejoin does not trigger more.
        assert!(!room.count_use());
        // A new key part arrives: counting starts over.
        room.keyring.add_key_part("part", "2").unwrap();
        assert!(!room.count_use());
        assert_eq!(room.used, 1);
    }
}
