//! The realtime connection: one WebSocket to the relay, and per watched room a
//! [`RoomSession`] (crypto-wasm), the natively tested state machine that holds the room's
//! keys and decides when to join again. This module only carries out its actions
//! (subscribe, join over HTTPS, wait, tell the watcher) and moves frames. Components call
//! [`Realtime::watch`] with a callback and get their app's decoded [`Event`]s; they never
//! see envelopes or keys.
//!
//! One socket per tab, open while someone is signed in ([`provide`] starts it on sign-in
//! and stops it on sign-out; the relay itself closes it when the session ends). It
//! authenticates with a ticket from the API and reconnects with exponential backoff
//! (1 s doubling to 30 s), until the API says the session is over. After a reconnect
//! every room is joined again over HTTPS (fresh key).
//!
//! Whenever the relay confirms a room's subscription (the first watch, a rejoin, a
//! reconnect), the room's watcher receives [`Event::Resync`] and refetches through REST:
//! an event sent before the relay forwarded the room to us is in the REST history, one
//! sent after reaches us live, so nothing falls in between.

use crate::i18n::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crypto_wasm::room_session::{Action, RoomSession};
use crypto_wasm::Envelope;
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

struct Room {
    session: RoomSession,
    on_event: Callback,
}

#[derive(Default)]
struct Inner {
    sender: Option<UnboundedSender<String>>,
    rooms: HashMap<Collection, Room>,
    /// The watches on their way (joining), by the number each was given: one that
    /// `unwatch`, or a newer `watch` of the collection, took out of here is dropped when
    /// its join answers, so that a view left while it joined is not called afterwards.
    joining: HashMap<Collection, u64>,
    /// The number the next watch is given.
    next_watch: u64,
    /// Whether the connection loop runs.
    running: bool,
    /// Raised by each stop: a loop of an earlier start sees it and ends.
    generation: u32,
    /// Told when the API refuses a ticket because the session is over.
    on_signed_out: Option<Rc<dyn Fn()>>,
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

/// Provides the tab's one realtime service, connected while `signed_in` holds (the user
/// id); `signed_out` is called when the API refuses a ticket because the session ended
/// elsewhere (expiry, sign-out on another page, revocation).
pub fn provide(signed_in: Signal<Option<i64>>, signed_out: impl Fn() + 'static) -> Realtime {
    let rt = Realtime {
        status: RwSignal::new(Status::Connecting),
        inner: SendWrapper::new(Rc::new(RefCell::new(Inner::default()))),
    };
    rt.inner.borrow_mut().on_signed_out = Some(Rc::new(signed_out));
    let r = rt.clone();
    Effect::new(move |_| match signed_in.get() {
        Some(_) => r.start(),
        None => r.stop(),
    });
    provide_context(rt.clone());
    rt
}

impl Realtime {
    /// Starts connecting, unless running.
    fn start(&self) {
        let generation = {
            let mut inner = self.inner.borrow_mut();
            if inner.running {
                return;
            }
            inner.running = true;
            inner.generation
        };
        let me = self.clone();
        spawn_local(async move { me.run(generation).await });
    }

    /// Closes the socket, forgets every room and ends the connection loop.
    fn stop(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.running = false;
        inner.generation = inner.generation.wrapping_add(1);
        inner.rooms.clear();
        // The socket's writer closes the socket once its queue is gone.
        inner.sender = None;
        drop(inner);
        self.status.set(Status::Offline);
    }

    /// Whether the loop of `generation` should go on.
    fn current(&self, generation: u32) -> bool {
        let inner = self.inner.borrow();
        inner.running && inner.generation == generation
    }

    async fn run(self, generation: u32) {
        let mut backoff = 1000u32;
        let mut reconnect = false;
        while self.current(generation) {
            self.status.set(Status::Connecting);
            // The relay knows people only by a short-lived ticket from the API, sent as the
            // first frame (never in the URL, which proxies log).
            let ticket = api::realtime_ticket().await;
            if !self.current(generation) {
                return;
            }
            if let Err(e) = &ticket {
                if e.status == 401 {
                    // The session is over: no more tries.
                    self.stop();
                    let signed_out = self.inner.borrow().on_signed_out.clone();
                    if let Some(f) = signed_out {
                        f();
                    }
                    return;
                }
            }
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
                    // Stopped (or the socket failed): close it.
                    let _ = write.close().await;
                });
                self.resubscribe(reconnect);
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
                if !self.current(generation) {
                    return;
                }
                self.inner.borrow_mut().sender = None;
                reconnect = true;
            }
            self.status.set(Status::Offline);
            gloo_timers::future::TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(30_000);
        }
    }

    /// On a new socket: subscribe the watched rooms, or after a reconnect join them again
    /// first (keys may have moved on while offline). The relay's confirmations bring the
    /// watchers' resync (see `handle`).
    fn resubscribe(&self, reconnect: bool) {
        let rooms: Vec<Collection> = self.inner.borrow().rooms.keys().copied().collect();
        if rooms.is_empty() {
            self.status.set(Status::Online);
        }
        for id in rooms {
            if reconnect {
                self.step(id, |s| s.reconnected());
            } else {
                let endpoint = self
                    .inner
                    .borrow()
                    .rooms
                    .get(&id)
                    .map(|r| r.session.endpoint().to_owned());
                if let Some(endpoint) = endpoint {
                    self.act(id, vec![Action::Subscribe(endpoint)]);
                }
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
    ///
    /// The watch counts from the call (not from the future's first poll): an `unwatch`
    /// that comes before the join answers, even before the future runs, drops it.
    pub fn watch<E: RoomEvent + DeserializeOwned + 'static>(
        &self,
        collection: Collection,
        on_event: impl Fn(Event<E>) + 'static,
    ) -> impl std::future::Future<Output = api::ApiResult<()>> + 'static {
        let ticket = {
            let mut inner = self.inner.borrow_mut();
            inner.next_watch += 1;
            let ticket = inner.next_watch;
            inner.joining.insert(collection, ticket);
            ticket
        };
        let this = self.clone();
        async move { this.join_room(collection, ticket, on_event).await }
    }

    async fn join_room<E: RoomEvent + DeserializeOwned + 'static>(
        &self,
        collection: Collection,
        ticket: u64,
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
        let joined = api::join(collection).await;
        {
            let mut inner = self.inner.borrow_mut();
            if inner.joining.get(&collection) != Some(&ticket) {
                // Unwatched (or watched again) meanwhile: this watch is over.
                return Ok(());
            }
            inner.joining.remove(&collection);
        }
        let joined = joined?;
        let (session, actions) = RoomSession::new(&joined.room, &joined.key, &joined.key_version)
            .map_err(|e| api::ApiError {
            status: 0,
            code: "BAD_KEY".into(),
            message: td_string!(
                crate::language::current(),
                common.error_bad_key,
                cause = e.to_string()
            ),
        })?;
        self.inner
            .borrow_mut()
            .rooms
            .insert(collection, Room { session, on_event });
        self.act(collection, actions);
        Ok(())
    }

    /// Stops watching a collection (one still joining too: its join's answer is dropped).
    pub fn unwatch(&self, collection: Collection) {
        let room = {
            let mut inner = self.inner.borrow_mut();
            inner.joining.remove(&collection);
            inner.rooms.remove(&collection)
        };
        if let Some(room) = room {
            self.send(&ClientFrame::unsubscribe(room.session.endpoint()));
        }
    }

    /// Publishes an ephemeral event (typing, presence) to a watched collection's room,
    /// sealed with its key.
    pub fn publish(&self, collection: Collection, event: &(impl RoomEvent + Serialize)) {
        let Ok(plaintext) = serde_json::to_string(event) else {
            return;
        };
        let sealed = {
            let mut inner = self.inner.borrow_mut();
            let Some(room) = inner.rooms.get_mut(&collection) else {
                return;
            };
            room.session
                .seal(&plaintext)
                .map(|(env, actions)| (ClientFrame::publish(room.session.endpoint(), env), actions))
        };
        if let Ok((frame, actions)) = sealed {
            self.send(&frame);
            self.act(collection, actions);
        }
    }

    /// Feeds one input to a watched room's session and carries out its actions.
    fn step(&self, collection: Collection, input: impl FnOnce(&mut RoomSession) -> Vec<Action>) {
        let actions = {
            let mut inner = self.inner.borrow_mut();
            let Some(room) = inner.rooms.get_mut(&collection) else {
                return;
            };
            input(&mut room.session)
        };
        self.act(collection, actions);
    }

    /// Carries out a room session's actions.
    fn act(&self, collection: Collection, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Subscribe(endpoint) => {
                    // The relay's confirmation brings the watcher's Resync (see `handle`).
                    self.send(&ClientFrame::subscribe(endpoint));
                    if self.inner.borrow().sender.is_some() {
                        self.status.set(Status::Online);
                    }
                }
                Action::Join => self.join(collection, 0),
                Action::JoinAfter(ms) => self.join(collection, ms),
                Action::ScheduleRotation { version } => {
                    // Every member counts the same envelopes: each waits a random 0–5 s,
                    // and the session joins only if nobody else's join changed the key.
                    let wait = crypto_wasm::random::bytes(2)
                        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])) % 5000)
                        .unwrap_or(0);
                    let me = self.clone();
                    spawn_local(async move {
                        gloo_timers::future::TimeoutFuture::new(wait).await;
                        me.step(collection, |s| s.rotation_due(&version));
                    });
                }
                Action::AccessLost => {
                    if let Some(cb) = self.callback(collection) {
                        cb(Delivery::AccessLost);
                    }
                }
            }
        }
    }

    /// Joins a watched room again over HTTPS after `wait_ms`, and reports the answer to
    /// its session (which allows one join at a time).
    fn join(&self, collection: Collection, wait_ms: u32) {
        let me = self.clone();
        spawn_local(async move {
            if wait_ms > 0 {
                gloo_timers::future::TimeoutFuture::new(wait_ms).await;
            }
            if !me.inner.borrow().rooms.contains_key(&collection) {
                return; // no longer watched
            }
            match api::join(collection).await {
                Ok(j) => me.step(collection, |s| {
                    s.joined(&j.room, &j.key, &j.key_version)
                        .unwrap_or_else(|_| s.join_failed(false))
                }),
                // The access check refused: removed, or the room is gone.
                Err(e) if e.status == 404 && e.code == "NOT_FOUND" => {
                    me.step(collection, |s| s.join_failed(true))
                }
                Err(_) => me.step(collection, |s| s.join_failed(false)),
            }
        });
    }

    fn callback(&self, collection: Collection) -> Option<Callback> {
        self.inner
            .borrow()
            .rooms
            .get(&collection)
            .map(|room| room.on_event.clone())
    }

    fn handle(&self, frame: RelayFrame<Envelope>) {
        let room_of = |endpoint: &str| {
            self.inner
                .borrow()
                .rooms
                .iter()
                .find(|(_, r)| r.session.endpoint() == endpoint)
                .map(|(id, _)| *id)
        };
        match frame {
            RelayFrame::Subscribed { room } => {
                self.status.set(Status::Online);
                // From now on the relay forwards this room's events; what came before is
                // in the REST history, so the watcher refetches it.
                if let Some(cb) = room_of(&room).and_then(|id| self.callback(id)) {
                    cb(Delivery::Resync);
                }
            }
            RelayFrame::Closed { room } => {
                if let Some(id) = room_of(&room) {
                    self.step(id, |s| s.closed());
                }
            }
            RelayFrame::Event { room, from, data } => {
                let Some(id) = room_of(&room) else { return };
                let opened = {
                    let mut inner = self.inner.borrow_mut();
                    let Some(room) = inner.rooms.get_mut(&id) else {
                        return;
                    };
                    room.session.open(&data, from == Sender::Server)
                };
                let (plain, actions) = opened;
                // Forged, corrupted or under a key we do not hold: dropped (the session
                // has decided whether to join again).
                if let Ok(plain) = plain {
                    self.dispatch(id, from, &plain);
                }
                self.act(id, actions);
            }
            RelayFrame::Authenticated | RelayFrame::Error { .. } => {}
        }
    }

    /// Acts on an opened event: key parts and rekeys go to the room's session (which
    /// takes them from the API server only); anything else goes to the watcher, which
    /// checks its app's rules.
    fn dispatch(&self, collection: Collection, from: Sender, plain: &str) {
        let server = from == Sender::Server;
        match serde_json::from_str::<KeyEvent>(plain) {
            Ok(KeyEvent::Key {
                new_key,
                key_version,
            }) => self.step(collection, |s| s.key_part(server, &new_key, &key_version)),
            Ok(KeyEvent::Rekey) => self.step(collection, |s| s.rekey(server)),
            Err(_) => {
                if let Some(cb) = self.callback(collection) {
                    cb(Delivery::Opened {
                        from,
                        plaintext: plain,
                    });
                }
            }
        }
    }
}
