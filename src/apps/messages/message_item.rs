//! One message: author, time, body, reactions, and the actions (react, reply in thread,
//! edit and delete one's own).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::OpenThread;
use crate::api::{self, Message};
use crate::markdown::Markdown;
use crate::session::use_session;

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
    // Damaged on the server: the text (left out), or a reaction (the text is shown).
    let unreadable_text =
        move || msg.with(|m| m.as_ref().is_some_and(|m| m.unreadable && m.body.is_none()));
    let unreadable_reaction =
        move || msg.with(|m| m.as_ref().is_some_and(|m| m.unreadable && m.body.is_some()));
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
            } else if unreadable_text() && !editing.get() {
                view! {
                    <p class="deleted unreadable">{"This message cannot be read: its text is damaged on the server."}</p>
                    {mine.then(|| view! {
                        <button type="button" on:click=move |_| { draft.set(String::new()); editing.set(true); }>{"Write it again"}</button>
                    })}
                }.into_any()
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
            <Show when=unreadable_reaction>
                <p class="muted">{"A reaction to this message is damaged on the server and is not shown."}</p>
            </Show>
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
