//! `/w/:ws/c/:channel`: a channel's messages, live, with the composer and the thread.
//!
//! The list ([`MessageList`]) opens at the newest page, or around a chosen search result
//! or the message of a link (`?m=<id>`, see `message_actions::permalink`),
//! and loads older (and, when opened further back, newer) pages as the person scrolls,
//! keeping a bounded window of them in the DOM ([`Pages`] holds what is loaded). New, edited and deleted
//! messages arrive decrypted from [`Realtime`]; a failed send stays in the list with
//! Retry; the draft of each channel is kept while moving around.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::channel_header::ChannelHeader;
use super::composer::Composer;
use super::message_list::MessageList;
use super::pages::Pages;
use super::state::{merge, EditRequest, OpenThread};
use super::thread::ThreadPanel;
use crate::api::{self, Message};
use crate::i18n::*;
use crate::realtime::{Event, Realtime};
use crate::session::use_session;
use crate::shell::notifications::{Notifier, Visible};
use crate::shell::state::{ChannelList, FocusMessage, MemberNames, RefreshChannels};
use huddle_protocol::messages::MessagesEvent;
use huddle_protocol::realtime::{Collection, Sender};

/// The channel view.
#[component]
pub fn ChannelView() -> impl IntoView {
    let i18n = use_i18n();
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
    let pages = Pages::new(channel, refresh);
    let messages = pages.messages;
    let error = pages.error;
    let loading = pages.loading();
    // Who is typing (their user id).
    let typing = RwSignal::new(None::<i64>);
    let thread = expect_context::<OpenThread>();
    let replies = RwSignal::new(Vec::<Message>::new());
    // The cursor of the thread's earlier replies, if there are more than one page.
    let earlier = RwSignal::new(None::<i64>);
    // A search result chosen (in the shell): the list opens at it.
    let focus = expect_context::<FocusMessage>();
    // The message the list is to show and highlight, once loaded.
    let found = RwSignal::new(None::<i64>);
    let found_reply = RwSignal::new(None::<i64>);

    // The reader's read position when the channel opened, for the "New messages" line:
    // it stays where it was while they read on (taken once the channel list has it).
    let since = RwSignal::new(None::<i64>);
    let since_of = StoredValue::new(None::<i64>);
    Effect::new(move |_| {
        let ch = channel.get();
        if since_of.get_value() == Some(ch) {
            return;
        }
        since.set(None);
        if let Some(c) = list.0.with(|l| l.iter().find(|c| c.id == ch).cloned()) {
            since_of.set_value(Some(ch));
            since.set((c.unread > 0).then_some(c.last_read_id));
        }
    });
    let me = use_session().user.get_untracked().map(|u| u.id);
    let first_unread = Signal::derive(move || {
        let s = since.get()?;
        messages.with(|l| {
            // Only once the list reaches back to the read position: before that, the
            // first unread message may not be loaded.
            let reaches = l.first().is_some_and(|m| m.id <= s) || pages.older.with(Option::is_none);
            if !reaches {
                return None;
            }
            l.iter()
                .find(|m| m.id > s && Some(m.author.id) != me && !m.deleted)
                .map(|m| m.id)
        })
    });
    // Up in an empty composer edits the reader's last message in the channel.
    let edit_request = expect_context::<EditRequest>();
    let edit_last = Callback::new(move |()| {
        let last = messages.with(|l| {
            l.iter()
                .rev()
                .find(|m| Some(m.author.id) == me && !m.deleted && m.body.is_some())
                .map(|m| m.id)
        });
        edit_request.0.set(last);
    });
    // A link to a message (`?m=<id>`): the list opens at it, as at a search result.
    let query = use_query_map();
    Effect::new(move |_| {
        let Some(target) = query.read().get("m").and_then(|m| m.parse::<i64>().ok()) else {
            return;
        };
        spawn_local(async move {
            match api::message(target).await {
                Ok(m) => focus.0.set(Some(m)),
                Err(e) => error.set(Some(td_string!(
                    crate::language::current(),
                    messages.message_cannot_be_shown,
                    error = e.message
                ))),
            }
        });
    });

    // What came while the page was hidden is read once it shows.
    let notifier = expect_context::<Notifier>();
    let visible = expect_context::<Visible>();
    Effect::new(move |_| {
        if visible.0.get() {
            pages.seen();
        }
    });
    // Follows the channel's room: live messages, typing, resyncs, losing access.
    let watch = move |rt: Realtime, ch: i64| {
        // Watched from now (not from when the task first runs): see `Realtime::watch`.
        let joining = rt.watch(Collection::Channel(ch), move |ev| match ev {
            Event::App {
                event: MessagesEvent::Typing,
                from: Sender::User(user),
            } => {
                // The name comes from the member list (see the view), not from
                // the payload: the relay vouches for the sender's id only.
                typing.set(Some(user));
                gloo_timers::callback::Timeout::new(3000, move || typing.set(None)).forget();
            }
            Event::App {
                event: MessagesEvent::ChannelUpdated { channel },
                ..
            } => list.apply(channel),
            Event::App { event, .. } => {
                let Some(m) = event.message().cloned() else {
                    return;
                };
                if m.channel_id != ch {
                    return;
                }
                if matches!(event, MessagesEvent::Created { .. }) {
                    notifier.message(&m);
                }
                let created = matches!(event, MessagesEvent::Created { .. });
                match m.thread_root_id {
                    // A change to a message outside the loaded run (unpinned
                    // from the panel, say) does not add it to the list.
                    None if created => pages.live(m),
                    None => pages.update(m),
                    Some(root) => {
                        if thread.0.get_untracked() == Some(root) {
                            replies.update(|l| merge(l, m));
                        }
                        // The root's reply count changed.
                        spawn_local(async move {
                            if let Ok(r) = api::message(root).await {
                                pages.update(r);
                            }
                        });
                    }
                }
            }
            Event::Resync => pages.resync(),
            Event::AccessLost => {
                error.set(Some(
                    td_string!(crate::language::current(), messages.access_lost).into(),
                ));
                refresh.0.update(|n| *n += 1);
            }
        });
        spawn_local(async move {
            let r = joining.await;
            // A watch left while it joined (another channel, another app) is dropped by
            // `unwatch`; its error, if any, is no longer this view's (`try_`: the view
            // may be gone).
            if let Err(e) = r {
                if channel.try_get_untracked() == Some(ch) {
                    error.set(Some(e.message));
                }
            }
        });
    };
    // Switching channels: reset, load, watch the room. A chosen search result opens the
    // list at its message (its thread's root, with the thread open, for a reply).
    let rt_watch = rt.clone();
    // The channel watched, outside the reactive graph: the cleanup below must read it
    // even once the route's signals are gone.
    let watched = std::rc::Rc::new(std::cell::Cell::new(None::<i64>));
    let watching = send_wrapper::SendWrapper::new(watched.clone());
    Effect::new(move |prev: Option<i64>| {
        let ch = channel.get();
        watching.set(Some(ch));
        let target = focus.0.get().filter(|m| m.channel_id == ch);
        let switched = prev != Some(ch);
        if switched {
            if let Some(p) = prev {
                rt_watch.unwatch(Collection::Channel(p));
            }
            pages.reset();
            typing.set(None);
            thread.0.set(None);
            watch(rt_watch.clone(), ch);
        }
        match target {
            Some(m) => {
                focus.0.set(None);
                pages.open_at(m.thread_root_id.unwrap_or(m.id), found);
                if let Some(root) = m.thread_root_id {
                    thread.0.set(Some(root));
                    found_reply.set(Some(m.id));
                }
            }
            None if switched => pages.latest(),
            None => {}
        }
        ch
    });
    let rt_cleanup = rt.clone();
    let watched = send_wrapper::SendWrapper::new(watched);
    on_cleanup(move || {
        if let Some(ch) = watched.get() {
            rt_cleanup.unwatch(Collection::Channel(ch));
        }
    });

    // Opening a thread loads its replies.
    Effect::new(move |_| {
        replies.set(Vec::new());
        if let Some(root) = thread.0.get() {
            spawn_local(async move {
                let page = api::replies(root, None).await;
                // Another thread opened meanwhile (or the view is gone): not for the view.
                if thread.0.try_get_untracked() != Some(Some(root)) {
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

    // Made here, not inside the thread's `Show`: a reply's answer can come after the
    // thread was closed, and the callback must still be there for it.
    let root_changed = Callback::new(move |m| pages.update(m));
    let archived = Memo::new(move |_| {
        let ch = channel.get();
        list.0.with(|l| l.iter().any(|c| c.id == ch && c.archived))
    });
    view! {
        <main id="main" class="channel">
            <ChannelHeader channel=channel />
            <p class="error" role="alert">{move || error.get()}</p>
            <MessageList messages=messages first_unread=first_unread
                has_more=Signal::derive(move || pages.older.get().is_some())
                has_newer=Signal::derive(move || pages.newer.get().is_some())
                loading=loading
                focus=found
                load_older=Callback::new(move |_| pages.load_older())
                load_newer=Callback::new(move |_| pages.load_newer())
                to_latest=Callback::new(move |_| pages.to_latest()) />
            <p class="typing" aria-live="polite">{move || typing.get().map(|u| {
                let who = names
                    .name(u)
                    .unwrap_or_else(|| t_string!(i18n, messages.someone).to_owned());
                t_string!(i18n, messages.is_typing, name = who)
            })}</p>
            // An archived channel takes no messages (its header says so).
            <Show when=move || !archived.get()>
                <Composer channel=channel sent=Callback::new(move |m| pages.sent(m))
                    edit_last=edit_last />
            </Show>
        </main>
        <Show when=move || thread.0.get().is_some()>
            <ThreadPanel channel=channel messages=messages replies=replies earlier=earlier
                found=found_reply root_changed=root_changed />
        </Show>
    }
}
