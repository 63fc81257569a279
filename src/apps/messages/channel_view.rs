//! `/w/:ws/c/:channel`: a channel's messages, live, with the composer and the thread.
//!
//! The list ([`MessageList`]) opens at the newest page and loads older pages when scrolled
//! to the top, keeping a bounded window of them in the DOM. New, edited and deleted
//! messages arrive decrypted from [`Realtime`]; a failed send stays in the list with
//! Retry; the draft of each channel is kept while moving around.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::composer::Composer;
use super::message_list::MessageList;
use super::state::{merge, OpenThread};
use super::thread::ThreadPanel;
use crate::api::{self, ChannelKind, Message};
use crate::realtime::{Event, Realtime};
use crate::shell::state::{ChannelList, FocusMessage, MemberNames, RefreshChannels};
use huddle_protocol::messages::MessagesEvent;
use huddle_protocol::realtime::{Collection, Sender};

/// The channel view.
#[component]
pub fn ChannelView() -> impl IntoView {
    let params = use_params_map();
    let channel = Memo::new(move |_| {
        params
            .read()
            .get("channel")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let rt = expect_context::<Realtime>();
    let refresh = expect_context::<RefreshChannels>();
    let list = expect_context::<ChannelList>();
    let names = expect_context::<MemberNames>();
    let messages = RwSignal::new(Vec::<Message>::new());
    let older = RwSignal::new(None::<i64>);
    // Pages being fetched (the first page and the resync's can overlap): loading while
    // any is out, so that the first to finish does not clear the flag for the other.
    let in_flight = RwSignal::new(0u32);
    let loading = Signal::derive(move || in_flight.get() > 0);
    let start = move || in_flight.update(|n| *n += 1);
    let done = move || in_flight.update(|n| *n = n.saturating_sub(1));
    let error = RwSignal::new(None::<String>);
    // Who is typing (their user id).
    let typing = RwSignal::new(None::<i64>);
    let thread = expect_context::<OpenThread>();
    let replies = RwSignal::new(Vec::<Message>::new());
    // The cursor of the thread's earlier replies, if there are more than one page.
    let earlier = RwSignal::new(None::<i64>);

    let load_latest = move |ch: i64| {
        start();
        spawn_local(async move {
            match api::messages(ch, None).await {
                Ok(page) => {
                    if channel.get_untracked() != ch {
                        done();
                        return;
                    }
                    let newest = messages.with_untracked(|l| l.last().map(|m| m.id));
                    messages.update(|list| {
                        for m in page.messages.iter().cloned() {
                            merge(list, m);
                        }
                    });
                    if older.get_untracked().is_none()
                        || messages.with_untracked(|l| l.len()) <= page.messages.len()
                    {
                        older.set(page.next_before);
                    }
                    // A refetch that brought nothing new (the resync that follows the
                    // subscription, usually) has nothing to mark read.
                    if let Some(last) = page.messages.last().filter(|m| Some(m.id) > newest) {
                        let _ = api::mark_read(ch, last.id).await;
                        refresh.0.update(|n| *n += 1);
                    }
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            done();
        });
    };

    // Switching channels: reset, load, watch the room.
    let rt_watch = rt.clone();
    Effect::new(move |prev: Option<i64>| {
        let ch = channel.get();
        if let Some(p) = prev {
            rt_watch.unwatch(Collection::Channel(p));
        }
        messages.set(Vec::new());
        older.set(None);
        typing.set(None);
        thread.0.set(None);
        load_latest(ch);
        let rt = rt_watch.clone();
        spawn_local(async move {
            let r = rt
                .watch(Collection::Channel(ch), move |ev| match ev {
                    Event::App {
                        event: MessagesEvent::Typing,
                        from: Sender::User(user),
                    } => {
                        // The name comes from the member list (see the view), not from
                        // the payload: the relay vouches for the sender's id only.
                        typing.set(Some(user));
                        gloo_timers::callback::Timeout::new(3000, move || typing.set(None))
                            .forget();
                    }
                    Event::App { event, .. } => {
                        let Some(m) = event.message().cloned() else {
                            return;
                        };
                        if m.channel_id != ch {
                            return;
                        }
                        match m.thread_root_id {
                            None => {
                                let id = m.id;
                                messages.update(|l| merge(l, m));
                                spawn_local(async move {
                                    let _ = api::mark_read(ch, id).await;
                                });
                            }
                            Some(root) => {
                                if thread.0.get_untracked() == Some(root) {
                                    replies.update(|l| merge(l, m));
                                }
                                // The root's reply count changed.
                                spawn_local(async move {
                                    if let Ok(r) = api::message(root).await {
                                        messages.update(|l| merge(l, r));
                                    }
                                });
                            }
                        }
                    }
                    Event::Resync => load_latest(ch),
                    Event::AccessLost => {
                        error.set(Some("You no longer have access to this channel.".into()));
                        refresh.0.update(|n| *n += 1);
                    }
                })
                .await;
            match r {
                // Switched channels while joining: this watch is no longer wanted.
                Ok(()) if channel.get_untracked() != ch => {
                    rt.unwatch(Collection::Channel(ch));
                }
                Ok(()) => {}
                Err(e) if channel.get_untracked() == ch => error.set(Some(e.message)),
                Err(_) => {}
            }
        });
        ch
    });
    let rt_cleanup = rt.clone();
    on_cleanup(move || rt_cleanup.unwatch(Collection::Channel(channel.get_untracked())));

    // Opening a thread loads its replies.
    Effect::new(move |_| {
        replies.set(Vec::new());
        if let Some(root) = thread.0.get() {
            spawn_local(async move {
                let page = api::replies(root, None).await;
                // Another thread opened meanwhile: this answer is not for the view.
                if thread.0.get_untracked() != Some(root) {
                    return;
                }
                match page {
                    Ok(page) => {
                        earlier.set(page.next_before);
                        // Merged, not set: a reply that arrived live while the page was
                        // on its way stays.
                        replies.update(|l| page.messages.into_iter().for_each(|m| merge(l, m)));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    });

    // A search result chosen: load pages back to its message, then show it.
    let focus = expect_context::<FocusMessage>();
    let found = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        let ch = channel.get();
        let Some(target) = focus.0.get() else {
            return;
        };
        start();
        spawn_local(async move {
            let mut before = None;
            // At most 400 pages (20,000 messages) back.
            for _ in 0..400 {
                if channel.get_untracked() != ch
                    || messages.with_untracked(|l| l.iter().any(|m| m.id == target))
                {
                    break;
                }
                match api::messages(ch, before).await {
                    Ok(page) if channel.get_untracked() == ch => {
                        messages.update(|l| page.messages.into_iter().for_each(|m| merge(l, m)));
                        older.set(page.next_before);
                        match page.next_before {
                            Some(b) => before = Some(b),
                            None => break,
                        }
                    }
                    Ok(_) => break,
                    Err(e) => {
                        error.set(Some(e.message));
                        break;
                    }
                }
            }
            if channel.get_untracked() == ch {
                focus.0.set(None);
                found.set(Some(target));
            }
            done();
        });
    });

    let load_older = move || {
        let Some(before) = older.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        let ch = channel.get_untracked();
        start();
        spawn_local(async move {
            // An answer for a channel left meanwhile is not for this list.
            let page = api::messages(ch, Some(before))
                .await
                .ok()
                .filter(|_| channel.get_untracked() == ch);
            if let Some(page) = page {
                messages.update(|l| {
                    for m in page.messages {
                        merge(l, m);
                    }
                });
                older.set(page.next_before);
            }
            done();
        });
    };
    view! {
        <main id="main" class="channel">
            <h1 class="channel-title">{move || {
                let ch = channel.get();
                list.0.with(|l| l.iter().find(|c| c.id == ch).map(|c| {
                    if c.kind == ChannelKind::Direct { c.name.clone() } else { format!("# {}", c.name) }
                })).unwrap_or_default()
            }}</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            <MessageList messages=messages
                has_more=Signal::derive(move || older.get().is_some())
                loading=loading
                focus=found
                load_older=Callback::new(move |_| load_older()) />
            <p class="typing" aria-live="polite">{move || typing.get().map(|u| {
                let who = names.name(u).unwrap_or_else(|| "Someone".to_owned());
                format!("{who} is typing…")
            })}</p>
            <Composer channel=channel messages=messages />
        </main>
        <Show when=move || thread.0.get().is_some()>
            <ThreadPanel channel=channel messages=messages replies=replies earlier=earlier />
        </Show>
    }
}
