//! The composer: Enter sends, Shift+Enter is a newline; the draft survives channel
//! switches; a failed send stays visible with Retry (under the same idempotency key).
//! Typing `@` opens a list of the people who can read the channel (and `@here`,
//! `@channel`): Up and Down move in it while focus stays in the field (the option is its
//! `aria-activedescendant`), Enter or Tab chooses, Escape closes it ([`super::mention`]).
//! Files come with the message: by the attach button, dropped on the composer, or pasted
//! into it; each uploads at once ([`super::draft_files`]), and the message is sent once
//! they are all in.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::draft_files::{
    carries_files, dropped_files, pasted_files, AttachButton, Draft, DraftFileList, DraftFiles,
    Readiness,
};
use super::drive_picker::DrivePickerButton;
use super::mention::{self, Suggestion};
use super::state::Drafts;
use crate::api::{self, ChannelKind, Message};
use crate::i18n::*;
use crate::realtime::Realtime;
use crate::session::use_session;
use crate::shell::state::{workspace_id, ChannelList, MemberNames};
use huddle_protocol::messages::MessagesEvent;
use huddle_protocol::realtime::Collection;

/// A message being sent, or that failed to send.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    local_id: u32,
    /// The channel it was written in (shown there only, and retried there).
    channel: i64,
    body: String,
    /// Its files: Drive item ids and names.
    files: Vec<(i64, String)>,
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
    let i18n = use_i18n();
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

    let files = expect_context::<DraftFiles>();
    let ws = workspace_id();
    // Why the draft cannot go yet (its files), said once Enter or Send is pressed.
    let waiting = RwSignal::new(None::<String>);
    let send_body = move |local_id: u32, ch: i64, body: String, ids: Vec<i64>, key: String| {
        spawn_local(async move {
            match api::post_message(ch, &body, ids, &key).await {
                Ok(m) => {
                    pending.update(|p| p.retain(|x| x.local_id != local_id));
                    // `try_`: the channel's view may be gone by the answer.
                    if channel.try_get_untracked() == Some(ch) {
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
        let ch = channel.get_untracked();
        let attached = match files.readiness(Draft::Channel(ch)) {
            Readiness::Ready(f) => f,
            Readiness::Uploading => {
                waiting.set(Some(t_string!(i18n, messages.wait_for_files).to_owned()));
                return;
            }
            Readiness::Failed => {
                waiting.set(Some(t_string!(i18n, messages.files_failed).to_owned()));
                return;
            }
        };
        waiting.set(None);
        if body.trim().is_empty() && attached.is_empty() {
            return;
        }
        let local_id = next_local.get_value() + 1;
        next_local.set_value(local_id);
        let key = api::new_key();
        let ids: Vec<i64> = attached.iter().map(|(id, _)| *id).collect();
        pending.update(|p| {
            p.push(Pending {
                local_id,
                channel: ch,
                body: body.clone(),
                files: attached,
                key: key.clone(),
                error: None,
            })
        });
        set_draft(String::new());
        files.clear(Draft::Channel(ch), &ids);
        send_body(local_id, ch, body, ids, key);
    };
    let add_files = Callback::new(move |picked: Vec<web_sys::File>| {
        waiting.set(None);
        let ch = channel.get_untracked();
        files.add(ws.get_untracked(), ch, Draft::Channel(ch), picked);
    });
    // Files dragged over the composer: it shows that it takes them.
    let dragging = RwSignal::new(false);
    // Who a mention can name: a public channel's readers are the workspace's members;
    // the others have their own list.
    let list = expect_context::<ChannelList>();
    let names = expect_context::<MemberNames>();
    let me = use_session().user;
    let kind = Memo::new(move |_| {
        let ch = channel.get();
        list.0
            .with(|l| l.iter().find(|c| c.id == ch).map(|c| c.kind))
    });
    let own_members = LocalResource::new(move || {
        let (ch, kind) = (channel.get(), kind.get());
        async move {
            match kind {
                Some(ChannelKind::Private | ChannelKind::Direct) => {
                    api::channel_members(ch).await.ok()
                }
                _ => None,
            }
        }
    });
    let people = Memo::new(move |_| {
        let me = me.with(|u| u.as_ref().map(|u| u.id));
        let members = own_members
            .get()
            .flatten()
            .unwrap_or_else(|| names.members.get());
        members
            .into_iter()
            .filter(|m| Some(m.user_id) != me)
            .map(|m| (m.username, m.display_name))
            .collect::<Vec<_>>()
    });
    // The mention being typed: where its `@` is, where the caret is (bytes), the list.
    let mention = RwSignal::new(None::<(usize, usize, Vec<Suggestion>)>);
    let active = RwSignal::new(0usize);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let find_mention = move |text: &str, caret_units: Option<u32>| {
        let found = caret_units.and_then(|u| {
            let caret = mention::byte_index(text, u);
            let (at, q) = mention::query_at(text, caret)?;
            let list = people.with_untracked(|p| mention::suggest(p, q));
            (!list.is_empty()).then_some((at, caret, list))
        });
        if found.as_ref().map(|f| f.2.len())
            != mention.with_untracked(|m| m.as_ref().map(|m| m.2.len()))
        {
            active.set(0);
        }
        mention.set(found);
    };
    let choose = move |i: usize| {
        let Some((at, caret, list)) = mention.get_untracked() else {
            return;
        };
        let Some(s) = list.get(i) else { return };
        let (text, caret) = mention::complete(&draft(), at, caret, &s.name);
        let units = mention::utf16_offset(&text, caret);
        // The field and its caret now, before another key comes (the draft's own update
        // of the field reaches it later, with the same text).
        if let Some(a) = area.get_untracked() {
            a.set_value(&text);
            let _ = a.set_selection_range(units, units);
            let _ = a.focus();
        }
        set_draft(text);
        mention.set(None);
    };
    let rt_typing = rt.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        // `:tada:` typed at the end becomes 🎉 (not in the middle: the caret would jump).
        let area = event_target::<web_sys::HtmlTextAreaElement>(&ev);
        let caret = area.selection_start().ok().flatten();
        let at_end = caret == u32::try_from(text.encode_utf16().count()).ok();
        let text = at_end
            .then(|| crate::ui::emoji_picker::replace_shortcode(&text))
            .flatten()
            .unwrap_or(text);
        let caret = if at_end {
            u32::try_from(text.encode_utf16().count()).ok()
        } else {
            caret
        };
        find_mention(&text, caret);
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
        <ul class="pending" aria-label=move || t_string!(i18n, messages.unsent_messages)>
            <For each=move || {
                    let ch = channel.get();
                    pending.with(|p| p.iter().filter(|x| x.channel == ch).cloned().collect::<Vec<_>>())
                } key=|p| (p.local_id, p.error.clone()) let:p>
                {
                    let body = p.body.clone();
                    let ids: Vec<i64> = p.files.iter().map(|(id, _)| *id).collect();
                    let names = p.files.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(", ");
                    let written_in = p.channel;
                    let key = p.key.clone();
                    let local_id = p.local_id;
                    let failed = p.error.clone();
                    let is_failed = failed.is_some();
                    view! {
                        <li class="message pending-message" class:failed=is_failed>
                            <p class="body">{p.body.clone()}</p>
                            {(!names.is_empty()).then(|| view! { <p class="muted">{format!("📎 {names}")}</p> })}
                            {match failed {
                                None => view! { <p class="sending">{t!(i18n, messages.sending)}</p> }.into_any(),
                                Some(err) => view! {
                                    <p class="error" role="alert">{t!(i18n, messages.not_sent, error = err)}</p>
                                    <button type="button" on:click=move |_| {
                                        pending.update(|ps| if let Some(x) = ps.iter_mut().find(|x| x.local_id == local_id) { x.error = None; });
                                        send_body(local_id, written_in, body.clone(), ids.clone(), key.clone());
                                    }>{t!(i18n, messages.retry)}</button>
                                    <button type="button" on:click=move |_| pending.update(|ps| ps.retain(|x| x.local_id != local_id))>{t!(i18n, messages.discard)}</button>
                                }.into_any(),
                            }}
                        </li>
                    }
                }
            </For>
        </ul>
        <DraftFileList ws=ws.into() draft=Signal::derive(move || Draft::Channel(channel.get())) />
        <p class="composer-note" role="status">{move || waiting.get()}</p>
        <form class="composer" class:dragging=move || dragging.get()
            on:submit=move |ev| { ev.prevent_default(); send(); }
            on:dragover=move |ev| if carries_files(&ev) { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev| {
                dragging.set(false);
                if let Some(f) = dropped_files(&ev) {
                    ev.prevent_default();
                    add_files.run(f);
                }
            }>
            <label for="composer-input" class="visually-hidden">{t!(i18n, messages.message)}</label>
            <ul id="mention-list" role="listbox" aria-label=move || t_string!(i18n, messages.people_to_mention)
                class="ui-listbox ui-popup above mention-list" hidden=move || mention.with(Option::is_none)>
                {move || mention.get().map(|(_, _, list)| list.into_iter().enumerate().map(|(i, s)| {
                    let selected = move || (active.get() == i).to_string();
                    view! {
                        <li id=format!("mention-{i}") role="option" class="ui-option" aria-selected=selected
                            on:pointerdown=|ev| ev.prevent_default()
                            on:click=move |_| choose(i)>
                            <span>{format!("@{}", s.name)}</span>
                            <span class="muted">{s.label}</span>
                        </li>
                    }
                }).collect_view())}
            </ul>
            <p class="visually-hidden" role="status">{move || mention.with(|m| m.as_ref().map(|(_, _, l)| {
                let n = l.len();
                if crate::language::one(n as f64) {
                    t_string!(i18n, messages.suggestion_count_one, count = n)
                } else {
                    t_string!(i18n, messages.suggestion_count_plural, count = n)
                }
            }))}</p>
            <textarea id="composer-input" rows="2" placeholder=move || t_string!(i18n, messages.composer_placeholder)
                node_ref=area
                aria-autocomplete="list" aria-controls="mention-list"
                aria-activedescendant=move || mention.with(|m| m.is_some().then(|| format!("mention-{}", active.get())))
                prop:value=draft
                on:input=on_input
                on:blur=move |_| mention.set(None)
                on:paste=move |ev: leptos::ev::ClipboardEvent| {
                    if let Some(f) = pasted_files(&ev) {
                        ev.prevent_default();
                        add_files.run(f);
                    }
                }
                on:keydown=move |ev: KeyboardEvent| {
                    // Keys that compose text (an input method) are the input method's.
                    if ev.is_composing() {
                        return;
                    }
                    if let Some(n) = mention.with_untracked(|m| m.as_ref().map(|m| m.2.len())) {
                        match ev.key().as_str() {
                            "ArrowDown" => active.update(|a| *a = crate::ui::wrap(*a, 1, n)),
                            "ArrowUp" => active.update(|a| *a = crate::ui::wrap(*a, -1, n)),
                            "Enter" | "Tab" if !ev.shift_key() => choose(active.get_untracked()),
                            "Escape" => mention.set(None),
                            _ => return,
                        }
                        ev.prevent_default();
                        ev.stop_propagation();
                        return;
                    }
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                    if ev.key() == "ArrowUp" && !ev.shift_key() && !ev.is_composing() && draft().is_empty() {
                        ev.prevent_default();
                        edit_last.run(());
                    }
                }></textarea>
            <AttachButton add=add_files />
            <DrivePickerButton ws=ws.into() channel=channel.into()
                draft=Signal::derive(move || Draft::Channel(channel.get())) />
            <button type="submit" class="primary">{t!(i18n, messages.send)}</button>
        </form>
    }
}
