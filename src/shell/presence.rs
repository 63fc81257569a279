//! Who is online in the workspace.
//!
//! Members announce themselves in the workspace's own realtime room, sealed like every
//! realtime payload (`WorkspaceEvent::Presence`): `online` on arrival, every
//! [`HEARTBEAT_MS`], and after a reconnect; `"offline"` when they leave the workspace or
//! the page. An announcement counts for [`FRESH_MS`]. Whoever hears a newcomer answers
//! (at most once every few seconds), so the newcomer need not wait for the next heartbeat. The relay stamps each event
//! with its sender from the connection's ticket, so nobody can announce someone else.

use std::collections::HashMap;

use huddle_protocol::realtime::{Collection, Sender};
use huddle_protocol::workspaces::{PresenceState, WorkspaceEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;

use crate::realtime::{Event, Realtime};

/// How often a member announces being online.
pub const HEARTBEAT_MS: u32 = 30_000;
/// How long an announcement counts.
pub const FRESH_MS: f64 = 75_000.0;
/// Least time between two answers to newcomers.
const ANSWER_MS: f64 = 5_000.0;

/// Presence in the current workspace (in context).
#[derive(Clone, Copy)]
pub struct Presence {
    seen: RwSignal<HashMap<i64, f64>>,
    now: RwSignal<f64>,
}

impl Presence {
    /// Whether `user` announced being online recently (reactive).
    pub fn is_online(&self, user: i64) -> bool {
        let now = self.now.get();
        self.seen
            .with(|m| m.get(&user).is_some_and(|t| now - t < FRESH_MS))
    }
}

fn announce(rt: &Realtime, ws: i64, online: bool) {
    let state = if online {
        PresenceState::Online
    } else {
        PresenceState::Offline
    };
    rt.publish(
        Collection::Workspace(ws),
        &WorkspaceEvent::Presence { state },
    );
}

/// Starts presence for the workspace of the route and provides [`Presence`]; `me` is the
/// signed-in user (always online to themselves).
pub fn provide(rt: Realtime, ws: Memo<i64>, me: Signal<Option<i64>>) -> Presence {
    let p = Presence {
        seen: RwSignal::new(HashMap::new()),
        now: RwSignal::new(js_sys::Date::now()),
    };
    provide_context(p);
    Effect::new(move |_| {
        if let Some(id) = me.get() {
            p.seen.update(|m| {
                m.insert(id, f64::INFINITY);
            });
        }
    });

    let last_answer = StoredValue::new(0.0f64);
    let refresh = use_context::<super::state::RefreshChannels>();
    let rt_watch = rt.clone();
    Effect::new(move |prev: Option<i64>| {
        let id = ws.get();
        if let Some(old) = prev {
            announce(&rt_watch, old, false);
            rt_watch.unwatch(Collection::Workspace(old));
            p.seen
                .update(|m| m.retain(|u, _| Some(*u) == me.get_untracked()));
        }
        let rt = rt_watch.clone();
        {
            let reply = rt.clone();
            let on_event = move |ev| match ev {
                Event::App {
                    from: Sender::User(user),
                    event: WorkspaceEvent::Presence { state },
                } => {
                    let online = state == PresenceState::Online;
                    let known = p.seen.with_untracked(|m| m.contains_key(&user));
                    p.seen.update(|m| {
                        if online {
                            m.insert(user, js_sys::Date::now());
                        } else {
                            m.remove(&user);
                        }
                    });
                    // Answer a newcomer, at most once per ANSWER_MS (a crowd arriving, or
                    // someone toggling, must not make everyone talk at once).
                    let now = js_sys::Date::now();
                    if online && !known && now - last_answer.get_value() > ANSWER_MS {
                        last_answer.set_value(now);
                        announce(&reply, id, true);
                    }
                }
                // The relay took our subscription (the first, or again after a rejoin or
                // a reconnect, when others may have dropped us): say we are here.
                Event::Resync => announce(&reply, id, true),
                // Removed from the workspace: the channel list finds out and says so.
                Event::AccessLost => {
                    if let Some(refresh) = refresh {
                        refresh.0.update(|n| *n += 1);
                    }
                }
                // The origin check lets only members' presence through.
                Event::App { .. } => {}
            };
            // The first announcement follows the relay's confirmation (Event::Resync).
            // Switching workspaces while joining unwatches this one, which drops it.
            let joining = rt.watch(Collection::Workspace(id), on_event);
            spawn_local(async move {
                let _ = joining.await;
            });
        }
        id
    });

    let rt_beat = rt.clone();
    let beat = SendWrapper::new(gloo_timers::callback::Interval::new(
        HEARTBEAT_MS,
        move || {
            announce(&rt_beat, ws.get_untracked(), true);
        },
    ));
    let clock = SendWrapper::new(gloo_timers::callback::Interval::new(15_000, move || {
        p.now.set(js_sys::Date::now())
    }));
    let rt_hide = rt.clone();
    let hide = window_event_listener(leptos::ev::pagehide, move |_| {
        announce(&rt_hide, ws.get_untracked(), false);
    });
    on_cleanup(move || {
        announce(&rt, ws.get_untracked(), false);
        rt.unwatch(Collection::Workspace(ws.get_untracked()));
        drop(beat);
        drop(clock);
        hide.remove();
    });
    p
}
