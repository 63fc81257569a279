//! `/w/:ws/c/:channel`: a channel's messages, live, with the composer.
//!
//! The list ([`MessageList`]) opens at the newest page and loads older pages when scrolled
//! to the top, keeping a bounded window of them in the DOM. New,
//! edited and deleted messages arrive decrypted from [`Realtime`]; a failed send stays
//! in the list with Retry; the draft of each channel is kept while moving around.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ChannelKind, Message};
use crate::markdown::Markdown;
use crate::pages::message_list::MessageList;
use crate::pages::workspace::{ChannelList, Drafts, MemberNames, RefreshChannels};
use crate::realtime::{Event, Realtime};
use crate::session::use_session;
use huddle_protocol::messages::MessagesEvent;
use huddle_protocol::realtime::{Collection, Sender};

/// The open thread (in context): its root message id.
#[derive(Clone, Copy)]
struct OpenThread(RwSignal<Option<i64>>);

/// A message being sent, or that failed to send.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    local_id: u32,
    body: String,
    /// Its `Idempotency-Key`, the same for every retry.
    key: String,
    error: Option<String>,
}

fn merge(list: &mut Vec<Message>, m: Message) {
    match list.binary_search_by_key(&m.id, |x| x.id) {
        // A REST page and a live event can cross: an older copy never replaces a newer.
        Ok(i) if m.revision >= list[i].revision => list[i] = m,
        Ok(_) => {}
        Err(i) => list.insert(i, m),
    }
}

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
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let typing = RwSignal::new(None::<String>);
    let thread = OpenThread(RwSignal::new(None));
    provide_context(thread);
    let replies = RwSignal::new(Vec::<Message>::new());
    // The cursor of the thread's earlier replies, if there are more than one page.
    let earlier = RwSignal::new(None::<i64>);

    let load_latest = move |ch: i64| {
        spawn_local(async move {
            loading.set(true);
            match api::messages(ch, None).await {
                Ok(page) => {
                    if channel.get_untracked() != ch {
                        loading.set(false);
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
            loading.set(false);
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
                        // The name comes from the member list, not from the payload: the
                        // relay vouches for the sender's id only.
                        let who = names
                            .0
                            .with_untracked(|m| m.get(&user).cloned())
                            .unwrap_or_else(|| "Someone".to_owned());
                        typing.set(Some(who));
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

    let load_older = move || {
        let Some(before) = older.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        let ch = channel.get_untracked();
        loading.set(true);
        spawn_local(async move {
            if let Ok(page) = api::messages(ch, Some(before)).await {
                messages.update(|l| {
                    for m in page.messages {
                        merge(l, m);
                    }
                });
                older.set(page.next_before);
            }
            loading.set(false);
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
                loading=loading.into()
                load_older=Callback::new(move |_| load_older()) />
            <p class="typing" aria-live="polite">{move || typing.get().map(|u| format!("{u} is typing…"))}</p>
            <Composer channel=channel messages=messages />
        </main>
        <Show when=move || thread.0.get().is_some()>
            <ThreadPanel channel=channel messages=messages replies=replies earlier=earlier />
        </Show>
    }
}

/// One message, with edit/delete for its author and reactions for everyone.
///
/// Keyed by id only and read live from `source` (the list it belongs to, sorted by id):
/// an edit, a reaction or a new reply updates the item in place, so a button that has the
/// keyboard focus keeps it.
#[component]
pub fn MessageItem(id: i64, source: RwSignal<Vec<Message>>) -> impl IntoView {
    let msg = Memo::new(move |_| {
        source.with(|l| {
            l.binary_search_by_key(&id, |m| m.id)
                .ok()
                .map(|i| l[i].clone())
        })
    });
    let Some(m) = msg.get_untracked() else {
        return ().into_any();
    };
    let session = use_session();
    let me = session.user.get_untracked().map(|u| u.id);
    let mine = me == Some(m.author.id);
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(m.body.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let confirm_delete = RwSignal::new(false);
    let deleted = move || msg.with(|m| m.as_ref().is_none_or(|m| m.deleted));
    let save = move || {
        spawn_local(async move {
            // Each action's outcome replaces the last one's message: a retry that works
            // clears the error it follows.
            let r = api::edit_message(id, &draft.get_untracked()).await;
            if r.is_ok() {
                editing.set(false);
            }
            error.set(r.err().map(|e| e.message));
        });
    };
    let remove = move |_| {
        if !confirm_delete.get_untracked() {
            confirm_delete.set(true);
            return;
        }
        spawn_local(async move {
            error.set(api::delete_message(id).await.err().map(|e| e.message));
        });
    };
    let react = move |emoji: String, on: bool| {
        spawn_local(async move {
            error.set(api::react(id, &emoji, on).await.err().map(|e| e.message));
        });
    };
    let reaction = move |emoji: &str| {
        msg.with(|m| {
            m.as_ref()
                .and_then(|m| m.reactions.iter().find(|r| r.emoji == emoji).cloned())
        })
    };
    let emojis = move || {
        msg.with(|m| {
            m.as_ref()
                .map(|m| {
                    m.reactions
                        .iter()
                        .map(|r| r.emoji.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let is_root = m.thread_root_id.is_none();
    let open = use_context::<OpenThread>();
    let reply_label = move || match msg.with(|m| m.as_ref().map_or(0, |m| m.reply_count)) {
        0 => "Reply in thread".to_owned(),
        1 => "1 reply".to_owned(),
        n => format!("{n} replies"),
    };
    let thumbs = move || reaction("👍").is_some_and(|r| r.by(me));
    view! {
        <li class="message" data-id=id>
            <div class="meta">
                <span class="author">{m.author.display_name.clone()}</span>
                <time>{format_time(m.created_at)}</time>
                {move || msg.with(|m| m.as_ref().and_then(|m| m.edited_at)).map(|_| view! { <span class="edited">{"(edited)"}</span> })}
            </div>
            {move || if deleted() {
                view! { <p class="deleted">{"This message was deleted."}</p> }.into_any()
            } else {
                let body = msg.with(|m| m.as_ref().and_then(|m| m.body.clone()).unwrap_or_default());
                view! {
                    <Show when=move || editing.get() fallback=move || view! { <Markdown text=body.clone() /> }>
                        <label class="visually-hidden" for=format!("edit-{id}")>{"Edit message"}</label>
                        <textarea id=format!("edit-{id}") class="edit-box"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                            on:keydown=move |ev: KeyboardEvent| {
                                if ev.key() == "Enter" && !ev.shift_key() { ev.prevent_default(); save(); }
                                if ev.key() == "Escape" { editing.set(false); }
                            }></textarea>
                        <button type="button" on:click=move |_| save()>{"Save"}</button>
                        <button type="button" on:click=move |_| editing.set(false)>{"Cancel"}</button>
                    </Show>
                }.into_any()
            }}
            <div class="reactions">
                <For each=emojis key=|e| e.clone() let:emoji>
                    {
                        let e = emoji.clone();
                        let r = move || reaction(&e);
                        let label = {
                            let r = r.clone();
                            move || r().map(|r| format!("{} {}", r.emoji, r.count)).unwrap_or_default()
                        };
                        let aria = {
                            let r = r.clone();
                            move || r().map(|r| format!("{} reaction{}, {}", r.count, if r.count == 1 { "" } else { "s" }, if r.by(me) { "yours" } else { "add yours" })).unwrap_or_default()
                        };
                        let pressed = {
                            let r = r.clone();
                            move || r().is_some_and(|r| r.by(me)).to_string()
                        };
                        view! {
                            <button type="button" class="chip" aria-pressed=pressed aria-label=aria
                                on:click=move |_| react(emoji.clone(), !r().is_some_and(|r| r.by(me)))>{label}</button>
                        }
                    }
                </For>
            </div>
            <Show when=move || !deleted()>
                <div class="actions">
                    <button type="button" aria-label="React with thumbs up" on:click=move |_| react("👍".into(), !thumbs())>{"👍"}</button>
                    {is_root.then(|| view! {
                        <button type="button" data-thread=id
                            on:click=move |_| if let Some(o) = open { o.0.set(Some(id)) }>{reply_label}</button>
                    })}
                    {mine.then(|| view! {
                        <button type="button" on:click=move |_| editing.set(true)>{"Edit"}</button>
                        <button type="button" on:click=remove>
                            {move || if confirm_delete.get() { "Confirm delete" } else { "Delete" }}
                        </button>
                    })}
                </div>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
    .into_any()
}

fn format_time(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The composer: Enter sends, Shift+Enter is a newline; the draft survives channel
/// switches; a failed send stays visible with Retry.
#[component]
fn Composer(channel: Memo<i64>, messages: RwSignal<Vec<Message>>) -> impl IntoView {
    let drafts = expect_context::<Drafts>();
    let rt = expect_context::<Realtime>();
    let pending = RwSignal::new(Vec::<Pending>::new());
    let next_local = StoredValue::new(0u32);
    let last_typing = StoredValue::new(0f64);
    let draft = move || {
        drafts
            .0
            .with(|d| d.get(&channel.get()).cloned().unwrap_or_default())
    };
    let set_draft = move |text: String| {
        drafts.0.update(|d| {
            d.insert(channel.get_untracked(), text);
        })
    };

    let send_body = move |local_id: u32, body: String, key: String| {
        let ch = channel.get_untracked();
        spawn_local(async move {
            match api::post_message(ch, &body, &key).await {
                Ok(m) => {
                    pending.update(|p| p.retain(|x| x.local_id != local_id));
                    if channel.get_untracked() == ch {
                        messages.update(|l| merge(l, m));
                    }
                }
                Err(e) => pending.update(|p| {
                    if let Some(x) = p.iter_mut().find(|x| x.local_id == local_id) {
                        x.error = Some(e.message);
                    }
                }),
            }
        });
    };
    let send = move || {
        let body = draft();
        if body.trim().is_empty() {
            return;
        }
        let local_id = next_local.get_value() + 1;
        next_local.set_value(local_id);
        let key = api::new_key();
        pending.update(|p| {
            p.push(Pending {
                local_id,
                body: body.clone(),
                key: key.clone(),
                error: None,
            })
        });
        set_draft(String::new());
        send_body(local_id, body, key);
    };
    let rt_typing = rt.clone();
    let on_input = move |ev: leptos::ev::Event| {
        set_draft(event_target_value(&ev));
        let now = js_sys::Date::now();
        if now - last_typing.get_value() > 3000.0 {
            last_typing.set_value(now);
            rt_typing.publish(
                Collection::Channel(channel.get_untracked()),
                &MessagesEvent::Typing,
            );
        }
    };
    view! {
        <ul class="pending" aria-label="Unsent messages">
            <For each=move || pending.get() key=|p| (p.local_id, p.error.clone()) let:p>
                {
                    let body = p.body.clone();
                    let key = p.key.clone();
                    let local_id = p.local_id;
                    let failed = p.error.clone();
                    let is_failed = failed.is_some();
                    view! {
                        <li class="message pending-message" class:failed=is_failed>
                            <p class="body">{p.body.clone()}</p>
                            {match failed {
                                None => view! { <p class="sending">{"Sending…"}</p> }.into_any(),
                                Some(err) => view! {
                                    <p class="error" role="alert">{format!("Not sent: {err}")}</p>
                                    <button type="button" on:click=move |_| {
                                        pending.update(|ps| if let Some(x) = ps.iter_mut().find(|x| x.local_id == local_id) { x.error = None; });
                                        send_body(local_id, body.clone(), key.clone());
                                    }>{"Retry"}</button>
                                    <button type="button" on:click=move |_| pending.update(|ps| ps.retain(|x| x.local_id != local_id))>{"Discard"}</button>
                                }.into_any(),
                            }}
                        </li>
                    }
                }
            </For>
        </ul>
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); send(); }>
            <label for="composer-input" class="visually-hidden">{"Message"}</label>
            <textarea id="composer-input" rows="2" placeholder="Write a message (Enter sends, Shift+Enter for a new line)"
                prop:value=draft
                on:input=on_input
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }></textarea>
            <button type="submit" class="primary">{"Send"}</button>
        </form>
    }
}

/// The thread panel: the root message, its replies (live), and a reply box.
#[component]
fn ThreadPanel(
    channel: Memo<i64>,
    messages: RwSignal<Vec<Message>>,
    replies: RwSignal<Vec<Message>>,
    earlier: RwSignal<Option<i64>>,
) -> impl IntoView {
    let thread = expect_context::<OpenThread>();
    let load_earlier = move |_| {
        let (Some(root), Some(before)) = (thread.0.get_untracked(), earlier.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            if let Ok(page) = api::replies(root, Some(before)).await {
                if thread.0.get_untracked() == Some(root) {
                    earlier.set(page.next_before);
                    replies.update(|l| page.messages.into_iter().for_each(|m| merge(l, m)));
                }
            }
        });
    };
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let retry_key = StoredValue::new(api::RetryKey::default());
    // Focus: into the reply box when the thread opens (and when it switches to another
    // message); back to the message's thread button when it closes.
    let reply_box = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        thread.0.track();
        request_animation_frame(move || {
            if let Some(el) = reply_box.get_untracked() {
                let _ = el.focus();
            }
        });
    });
    let close = move || {
        let opener = thread.0.get_untracked();
        thread.0.set(None);
        if let Some(id) = opener {
            focus_selector(&format!("button[data-thread=\"{id}\"]"));
        }
    };
    let root = move || {
        let id = thread.0.get();
        messages.with(|l| l.iter().find(|m| Some(m.id) == id).cloned())
    };
    let send = move || {
        let (Some(root_id), body) = (thread.0.get_untracked(), draft.get_untracked()) else {
            return;
        };
        if body.trim().is_empty() {
            return;
        }
        let ch = channel.get_untracked();
        let key = retry_key
            .try_update_value(|k| k.for_request(&format!("{root_id}\n{body}")))
            .unwrap_or_default();
        spawn_local(async move {
            match api::post_reply(ch, root_id, &body, &key).await {
                Ok(m) => {
                    retry_key.update_value(|k| k.done());
                    draft.set(String::new());
                    error.set(None);
                    replies.update(|l| merge(l, m));
                    if let Ok(r) = api::message(root_id).await {
                        messages.update(|l| merge(l, r));
                    }
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <aside class="thread" aria-label="Thread"
            on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <div class="thread-head">
                <h2>{"Thread"}</h2>
                <button type="button" on:click=move |_| close()>{"Close thread"}</button>
            </div>
            {move || root().map(|m| view! {
                <div class="thread-root">
                    <span class="author">{m.author.display_name.clone()}</span>
                    <Markdown text=m.body.clone().unwrap_or_default() />
                </div>
            })}
            <Show when=move || earlier.get().is_some()>
                <button type="button" class="load-older" on:click=load_earlier>{"Show earlier replies"}</button>
            </Show>
            <ol class="messages" aria-label="Replies">
                <For each=move || replies.with(|l| l.iter().map(|m| m.id).collect::<Vec<_>>()) key=|id| *id let:id>
                    <MessageItem id=id source=replies />
                </For>
            </ol>
            <label for="reply-input">{"Reply"}</label>
            <textarea id="reply-input" rows="2" node_ref=reply_box
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }></textarea>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="button" class="primary" on:click=move |_| send()>{"Send reply"}</button>
        </aside>
    }
}

/// Focuses the first element matching `selector`, after the DOM has settled.
fn focus_selector(selector: &str) {
    let selector = selector.to_owned();
    request_animation_frame(move || {
        let el = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        if let Some(el) = el {
            let _ = el.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, body: &str, revision: i64) -> Message {
        serde_json::from_value(serde_json::json!({
            "id": id, "channel_id": 1, "thread_root_id": null, "body": body,
            "deleted": false, "created_at": 0, "edited_at": null, "reply_count": 0,
            "reactions": [], "revision": revision,
            "author": {"id": 1, "username": "a", "display_name": "A"},
        }))
        .expect("a message")
    }

    #[test]
    fn merge_keeps_order_and_the_newer_copy() {
        let mut list = vec![message(10, "a", 0), message(30, "c", 0)];
        merge(&mut list, message(20, "b", 0));
        assert_eq!(list.iter().map(|m| m.id).collect::<Vec<_>>(), [10, 20, 30]);
        // A live edit, then the REST page fetched before it: the edit stays.
        merge(&mut list, message(20, "b, edited", 1));
        merge(&mut list, message(20, "b", 0));
        assert_eq!(list[1].body.as_deref(), Some("b, edited"));
        // Same revision (one's own request answered): replaced.
        merge(&mut list, message(20, "b, edited again", 1));
        assert_eq!(list[1].body.as_deref(), Some("b, edited again"));
        assert_eq!(list.len(), 3);
    }
}
