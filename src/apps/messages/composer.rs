//! The composer: Enter sends, Shift+Enter is a newline; the draft survives channel
//! switches; a failed send stays visible with Retry (under the same idempotency key).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Drafts;
use crate::api::{self, Message};
use crate::realtime::Realtime;
use huddle_protocol::messages::MessagesEvent;
use huddle_protocol::realtime::Collection;

/// A message being sent, or that failed to send.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    local_id: u32,
    /// The channel it was written in (shown there only, and retried there).
    channel: i64,
    body: String,
    /// Its `Idempotency-Key`, the same for every retry.
    key: String,
    error: Option<String>,
}

/// The composer: Enter sends, Shift+Enter is a newline; the draft survives channel
/// switches; a failed send stays visible with Retry.
#[component]
pub fn Composer(
    channel: Memo<i64>,
    sent: Callback<Message>,
    /// Up in an empty composer: edit one's last message.
    edit_last: Callback<()>,
) -> impl IntoView {
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

    let send_body = move |local_id: u32, ch: i64, body: String, key: String| {
        spawn_local(async move {
            match api::post_message(ch, &body, &key).await {
                Ok(m) => {
                    pending.update(|p| p.retain(|x| x.local_id != local_id));
                    if channel.get_untracked() == ch {
                        sent.run(m);
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
        let ch = channel.get_untracked();
        pending.update(|p| {
            p.push(Pending {
                local_id,
                channel: ch,
                body: body.clone(),
                key: key.clone(),
                error: None,
            })
        });
        set_draft(String::new());
        send_body(local_id, ch, body, key);
    };
    let rt_typing = rt.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        // `:tada:` typed at the end becomes 🎉 (not in the middle: the caret would jump).
        let area = event_target::<web_sys::HtmlTextAreaElement>(&ev);
        let at_end = area.selection_start().ok().flatten()
            == u32::try_from(text.encode_utf16().count()).ok();
        let text = at_end
            .then(|| crate::ui::emoji_picker::replace_shortcode(&text))
            .flatten()
            .unwrap_or(text);
        set_draft(text);
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
            <For each=move || {
                    let ch = channel.get();
                    pending.with(|p| p.iter().filter(|x| x.channel == ch).cloned().collect::<Vec<_>>())
                } key=|p| (p.local_id, p.error.clone()) let:p>
                {
                    let body = p.body.clone();
                    let written_in = p.channel;
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
                                        send_body(local_id, written_in, body.clone(), key.clone());
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
                    if ev.key() == "ArrowUp" && !ev.shift_key() && !ev.is_composing() && draft().is_empty() {
                        ev.prevent_default();
                        edit_last.run(());
                    }
                }></textarea>
            <button type="submit" class="primary">{"Send"}</button>
        </form>
    }
}
