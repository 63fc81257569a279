//! The thread panel: the root message, its replies (live), and a reply box.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::attachments::AttachmentList;
use super::draft_files::{
    dropped_files, pasted_files, AttachButton, Draft, DraftFileList, DraftFiles, Readiness,
};
use super::message_item::MessageItem;
use super::state::{merge, OpenThread};
use crate::api::{self, Message};
use crate::i18n::*;
use crate::markdown::Markdown;

/// The thread panel: the root message (from `messages`), its `replies` (live), and a reply
/// box. `found`: a reply to highlight and scroll to once loaded (a search result), cleared
/// once shown; `root_changed` takes the root's new copy after one's own reply.
#[component]
pub fn ThreadPanel(
    channel: Memo<i64>,
    messages: RwSignal<Vec<Message>>,
    replies: RwSignal<Vec<Message>>,
    earlier: RwSignal<Option<i64>>,
    found: RwSignal<Option<i64>>,
    root_changed: Callback<Message>,
) -> impl IntoView {
    let i18n = use_i18n();
    let thread = expect_context::<OpenThread>();
    let load_earlier = move || {
        let (Some(root), Some(before)) = (thread.0.get_untracked(), earlier.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            if let Ok(page) = api::replies(root, Some(before)).await {
                if thread.0.try_get_untracked() == Some(Some(root)) {
                    earlier.set(page.next_before);
                    replies.update(|l| page.messages.into_iter().for_each(|m| merge(l, m)));
                }
            }
        });
    };
    // Closed before the reply was shown: no other thread goes looking for it.
    on_cleanup(move || found.set(None));
    // A reply chosen in the search: earlier pages are loaded until it is in, then it is
    // marked and scrolled to.
    Effect::new(move |_| {
        let Some(id) = found.get() else {
            return;
        };
        if !replies.with(|l| l.iter().any(|m| m.id == id)) {
            // The first page is still on its way (no reply yet), or the reply is older.
            if replies.with(|l| !l.is_empty()) {
                if earlier.get().is_some() {
                    load_earlier();
                } else {
                    found.set(None);
                }
            }
            return;
        }
        found.set(None);
        request_animation_frame(move || {
            let sel = format!("aside.thread li.message[data-id=\"{id}\"]");
            if let Some(li) = document().query_selector(&sel).ok().flatten() {
                let _ = li.class_list().add_1("found");
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                li.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    });
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let retry_key = StoredValue::new(api::RetryKey::default());
    // Focus: into the reply box when the thread opens (and when it switches to another
    // message); back to the message's thread button when it closes.
    let reply_box = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        thread.0.track();
        request_animation_frame(move || {
            // `try_`: the thread may be closed by then.
            if let Some(el) = reply_box.try_get_untracked().flatten() {
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
    let files = expect_context::<DraftFiles>();
    let ws = crate::shell::state::workspace_id();
    let this_draft = Signal::derive(move || Draft::Thread(thread.0.get().unwrap_or(0)));
    let add_files = Callback::new(move |picked: Vec<web_sys::File>| {
        if let Some(root) = thread.0.get_untracked() {
            let ch = channel.get_untracked();
            files.add(ws.get_untracked(), ch, Draft::Thread(root), picked);
        }
    });
    let send = move || {
        let (Some(root_id), body) = (thread.0.get_untracked(), draft.get_untracked()) else {
            return;
        };
        let attached = match files.readiness(Draft::Thread(root_id)) {
            Readiness::Ready(f) => f,
            Readiness::Uploading => {
                error.set(Some(t_string!(i18n, messages.wait_for_files).to_owned()));
                return;
            }
            Readiness::Failed => {
                error.set(Some(t_string!(i18n, messages.files_failed).to_owned()));
                return;
            }
        };
        if body.trim().is_empty() && attached.is_empty() {
            return;
        }
        let ids: Vec<i64> = attached.iter().map(|(id, _)| *id).collect();
        let sent = ids.clone();
        let ch = channel.get_untracked();
        let key = retry_key
            .try_update_value(|k| k.for_request(&format!("{root_id}\n{body}\n{ids:?}")))
            .unwrap_or_default();
        spawn_local(async move {
            match api::post_reply(ch, root_id, &body, ids, &key).await {
                Ok(m) => {
                    retry_key.update_value(|k| k.done());
                    draft.set(String::new());
                    files.clear(Draft::Thread(root_id), &sent);
                    error.set(None);
                    replies.update(|l| merge(l, m));
                    if let Ok(r) = api::message(root_id).await {
                        root_changed.run(r);
                    }
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <aside class="thread" aria-label=move || t_string!(i18n, messages.thread)
            on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <div class="thread-head">
                <h2>{t!(i18n, messages.thread)}</h2>
                <button type="button" on:click=move |_| close()>{t!(i18n, messages.close_thread)}</button>
            </div>
            {move || root().map(|m| view! {
                <div class="thread-root">
                    <span class="author">{m.author.display_name.clone()}</span>
                    <Markdown text=m.body.clone().unwrap_or_default() />
                    {(!m.attachments.is_empty()).then(|| view! { <AttachmentList files=m.attachments.clone() error=error /> })}
                </div>
            })}
            <Show when=move || earlier.get().is_some()>
                <button type="button" class="load-older" on:click=move |_| load_earlier()>{t!(i18n, messages.show_earlier_replies)}</button>
            </Show>
            <ol class="messages" aria-label=move || t_string!(i18n, messages.replies)>
                <For each=move || replies.with(|l| l.iter().map(|m| m.id).collect::<Vec<_>>()) key=|id| *id let:id>
                    <MessageItem id=id source=replies />
                </For>
            </ol>
            <label for="reply-input">{t!(i18n, messages.reply)}</label>
            <DraftFileList ws=ws.into() draft=this_draft />
            <textarea id="reply-input" rows="2" node_ref=reply_box
                on:paste=move |ev: leptos::ev::ClipboardEvent| {
                    if let Some(f) = pasted_files(&ev) {
                        ev.prevent_default();
                        add_files.run(f);
                    }
                }
                on:dragover=move |ev| if super::draft_files::carries_files(&ev) { ev.prevent_default(); }
                on:drop=move |ev| if let Some(f) = dropped_files(&ev) {
                    ev.prevent_default();
                    add_files.run(f);
                }
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }></textarea>
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="thread-actions">
                <AttachButton add=add_files />
                <button type="button" class="primary" on:click=move |_| send()>{t!(i18n, messages.send_reply)}</button>
            </div>
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
