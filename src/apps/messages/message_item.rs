//! One message: under a day heading when it is the first of its day in the list, and
//! under a "New messages" line when it is the first the reader had not read; its avatar,
//! author and time (relative, the full date on hover and focus, a link to the message),
//! unless it continues the previous message of the same author; body, reactions, the
//! thread's reply count, and its actions ([`super::message_actions`]).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::attachments::AttachmentList;
use super::message_actions::{permalink, MessageActions};
use super::state::{continues, Clock, EditRequest, OpenThread};
use crate::api::{self, Message};
use crate::i18n::*;
use crate::markdown::Markdown;
use crate::session::use_session;
use crate::shell::state::workspace_id;
use crate::time;
use crate::ui::avatar::Avatar;
use crate::ui::tooltip::Tooltip;

/// Where a message stands in its list: after which one, and whether a heading goes
/// before it.
#[derive(Clone, PartialEq)]
struct Place {
    /// The day heading before it, if it starts a day.
    day: Option<String>,
    /// Whether it continues the message before it (no header of its own).
    grouped: bool,
}

/// One message, with edit/delete for its author and reactions for everyone.
///
/// Keyed by id only and read live from `source` (the list it belongs to, sorted by id):
/// an edit, a reaction or a new reply updates the item in place, so a button that has the
/// keyboard focus keeps it. `first_unread`: the id before which the "New messages" line
/// goes, if any.
#[component]
pub fn MessageItem(
    id: i64,
    source: RwSignal<Vec<Message>>,
    #[prop(optional, into)] first_unread: Option<Signal<Option<i64>>>,
) -> impl IntoView {
    let i18n = use_i18n();
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
    let clock = expect_context::<Clock>().0;
    let place = Memo::new(move |_| {
        let now = clock.get();
        source.with(|l| {
            let i = l.binary_search_by_key(&id, |m| m.id).ok()?;
            let m = &l[i];
            let prev = i.checked_sub(1).map(|p| &l[p]);
            let same_day = prev.is_some_and(|p| time::day(p.created_at) == time::day(m.created_at));
            Some(Place {
                day: (!same_day).then(|| time::day_label(m.created_at, now)),
                grouped: prev.is_some_and(|p| continues(p, m, same_day)),
            })
        })
    });
    let grouped = move || place.with(|p| p.as_ref().is_some_and(|p| p.grouped));
    let new_line = move || first_unread.is_some_and(|f| f.get() == Some(id));
    let ws = workspace_id();
    let link = move || permalink(ws.get(), m.channel_id, id);
    let created = m.created_at;
    // Under its own header: how long ago; in the gutter of a grouped message: the time.
    let when = move || {
        if grouped() {
            time::clock(created)
        } else {
            time::relative(created, clock.get())
        }
    };
    let session = use_session();
    let me = session.user.get_untracked().map(|u| u.id);
    let mine = me == Some(m.author.id);
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(m.body.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    // The composer's Up arrow asks to edit this message.
    if let Some(request) = use_context::<EditRequest>() {
        Effect::new(move |_| {
            if request.0.get() == Some(id) {
                request.0.set(None);
                editing.set(true);
            }
        });
    }
    // The edit box takes focus when it opens.
    Effect::new(move |_| {
        if editing.get() {
            request_animation_frame(move || {
                let field = document().get_element_by_id(&format!("edit-{id}"));
                if let Some(el) = field
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = el.focus();
                }
            });
        }
    });
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
                back_to_composer();
            }
            error.set(r.err().map(|e| e.message));
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
    let replies = move || msg.with(|m| m.as_ref().map_or(0, |m| m.reply_count));
    let has_replies = move || replies() != 0;
    let reply_label = move || {
        let n = replies();
        if crate::language::one(n as f64) {
            t_string!(i18n, messages.reply_count_one, count = n)
        } else {
            t_string!(i18n, messages.reply_count_plural, count = n)
        }
    };
    let thumbs = Signal::derive(move || reaction("👍").is_some_and(|r| r.by(me)));
    // Calls on the reader (by name, `@here` or `@channel`): highlighted.
    let calls_me = move || {
        msg.with(|m| {
            m.as_ref()
                .is_some_and(|m| me.is_some_and(|me| m.mentions_user(me)))
        })
    };
    let pinned =
        Signal::derive(move || msg.with(|m| m.as_ref().is_some_and(|m| m.pinned.is_some())));
    // Drawn again only when they change (not with every reaction: an open viewer stays).
    let files = Memo::new(move |_| {
        msg.with(|m| {
            m.as_ref()
                .map(|m| m.attachments.clone())
                .unwrap_or_default()
        })
    });
    let author = m.author.display_name.clone();
    let author_id = m.author.id;
    view! {
        {move || place.with(|p| p.as_ref().and_then(|p| p.day.clone())).map(|day| view! {
            <li class="day-divider"><h2 class="day-label">{day}</h2></li>
        })}
        <Show when=new_line>
            <li class="new-divider"><span>{t!(i18n, messages.new_messages)}</span></li>
        </Show>
        <li class="message" class:grouped=grouped class:mentions-me=calls_me class:pinned=pinned data-id=id>
            <div class="gutter">
                <Show when=move || !grouped()>
                    <Avatar id=author_id name=author.clone() />
                </Show>
            </div>
            <div class="message-main">
            <div class="meta">
                <span class="author">{m.author.display_name.clone()}</span>
                <Tooltip text=Signal::derive(move || time::date_time(created))>
                    <A href=link attr:class="message-time">
                        <time datetime=time::iso(created)>{when}</time>
                    </A>
                </Tooltip>
                {move || msg.with(|m| m.as_ref().and_then(|m| m.edited_at)).map(|_| view! { <span class="edited">{t!(i18n, messages.edited)}</span> })}
                <Show when=move || pinned.get()>
                    <span class="pinned-mark">{t!(i18n, messages.pinned)}</span>
                </Show>
                <Show when=calls_me>
                    <span class="visually-hidden">{t!(i18n, messages.mentions_you)}</span>
                </Show>
            </div>
            {move || if deleted() {
                view! { <p class="deleted">{t!(i18n, messages.deleted)}</p> }.into_any()
            } else if unreadable_text() && !editing.get() {
                view! {
                    <p class="deleted unreadable">{t!(i18n, messages.unreadable)}</p>
                    {mine.then(|| view! {
                        <button type="button" on:click=move |_| { draft.set(String::new()); editing.set(true); }>{t!(i18n, messages.write_again)}</button>
                    })}
                }.into_any()
            } else {
                let body = msg.with(|m| m.as_ref().and_then(|m| m.body.clone()).unwrap_or_default());
                view! {
                    <Show when=move || editing.get() fallback=move || (!body.is_empty()).then(|| view! { <Markdown text=body.clone() /> })>
                        <label class="visually-hidden" for=format!("edit-{id}")>{t!(i18n, messages.edit_message)}</label>
                        <textarea id=format!("edit-{id}") class="edit-box"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                            on:keydown=move |ev: KeyboardEvent| {
                                if ev.key() == "Enter" && !ev.shift_key() { ev.prevent_default(); save(); }
                                if ev.key() == "Escape" { editing.set(false); back_to_composer(); }
                            }></textarea>
                        <button type="button" on:click=move |_| save()>{t!(i18n, messages.save)}</button>
                        <button type="button" on:click=move |_| editing.set(false)>{t!(i18n, messages.cancel)}</button>
                    </Show>
                }.into_any()
            }}
            {move || {
                let files = files.get();
                (!files.is_empty() && !deleted()).then(|| view! { <AttachmentList files=files error=error /> })
            }}
            <Show when=unreadable_reaction>
                <p class="muted">{t!(i18n, messages.unreadable_reaction)}</p>
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
                            move || r().map(|r| {
                                let n = r.count;
                                match (crate::language::one(n as f64), r.by(me)) {
                                    (true, true) => t_string!(i18n, messages.reaction_yours_one, count = n),
                                    (false, true) => t_string!(i18n, messages.reaction_yours_plural, count = n),
                                    (true, false) => t_string!(i18n, messages.reaction_add_one, count = n),
                                    (false, false) => t_string!(i18n, messages.reaction_add_plural, count = n),
                                }
                            }).unwrap_or_default()
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
            <Show when=move || is_root && has_replies()>
                <button type="button" class="thread-link"
                    on:click=move |_| if let Some(o) = open { o.0.set(Some(id)) }>{reply_label}</button>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
            </div>
            <Show when=move || !deleted()>
                <MessageActions id=id channel=m.channel_id mine=mine is_root=is_root
                    thumbs=thumbs pinned=pinned editing=editing error=error />
            </Show>
        </li>
    }
    .into_any()
}

/// After an edit: the focus goes back to the composer (where the Up arrow started it),
/// if the page has one.
fn back_to_composer() {
    let field = document().get_element_by_id("composer-input");
    if let Some(el) =
        field.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}
