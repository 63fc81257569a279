//! A message's actions: a toolbar that shows while the pointer is over the message or
//! focus is inside it (always on touch screens; never hidden from screen readers or the
//! keyboard), with 👍, any reaction from the emoji picker, "Reply in thread" and a
//! "More actions" menu: edit and
//! delete (after a confirmation) one's own, copy a link to it, pin or unpin it, reply
//! in thread.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::OpenThread;
use crate::api;
use crate::i18n::*;
use crate::shell::state::workspace_id;
use crate::ui::confirm::ConfirmDialog;
use crate::ui::emoji_picker::EmojiPicker;
use crate::ui::menu::{MenuButton, MenuItem};
use crate::ui::popover::Popover;
use crate::ui::toast::use_toaster;

/// The address of message `id` of `channel` in workspace `ws`: opens the channel at it.
pub fn permalink(ws: i64, channel: i64, id: i64) -> String {
    format!("/w/{ws}/c/{channel}?m={id}")
}

/// The toolbar of message `id` (in `channel`).
#[component]
pub fn MessageActions(
    /// The message.
    id: i64,
    /// Its channel.
    channel: i64,
    /// Whether the reader wrote it (edit, delete).
    mine: bool,
    /// Whether it starts a thread (not a reply).
    is_root: bool,
    /// Whether the reader's 👍 is on it.
    #[prop(into)]
    thumbs: Signal<bool>,
    /// Whether it is pinned to the channel.
    #[prop(into)]
    pinned: Signal<bool>,
    /// Set to edit it.
    editing: RwSignal<bool>,
    /// Where a failed action says why.
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    // Words taken once (no reactive node each): one toolbar per message, and the list is
    // never on screen while the language changes (that happens on /settings).
    let locale = use_i18n().get_locale_untracked();
    let open = use_context::<OpenThread>();
    let toaster = use_toaster();
    let ws = workspace_id();
    let confirm_delete = RwSignal::new(false);
    let react = move |emoji: String, on: bool| {
        spawn_local(async move {
            error.set(api::react(id, &emoji, on).await.err().map(|e| e.message));
        });
    };
    let picking = RwSignal::new(false);
    let reply = move || {
        if let Some(o) = open {
            o.0.set(Some(id));
        }
    };
    let copy_link = move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let origin = window.location().origin().unwrap_or_default();
        let link = format!("{origin}{}", permalink(ws.get_untracked(), channel, id));
        spawn_local(async move {
            let copied = crate::ui::copy_text(&link).await;
            let locale = crate::language::current();
            if copied {
                toaster.show(td_string!(locale, messages.link_copied), None)
            } else {
                toaster.error(td_string!(locale, messages.copy_failed))
            }
        });
    };
    let delete = Callback::new(move |()| {
        spawn_local(async move {
            error.set(api::delete_message(id).await.err().map(|e| e.message));
        });
    });
    let pin = move || {
        let on = !pinned.get_untracked();
        spawn_local(async move {
            match api::pin(id, on).await {
                Ok(_) => {
                    error.set(None);
                    let locale = crate::language::current();
                    toaster.show(
                        if on {
                            td_string!(locale, messages.message_pinned)
                        } else {
                            td_string!(locale, messages.message_unpinned)
                        },
                        None,
                    );
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let items = Signal::derive(move || {
        let mut items = Vec::new();
        if mine {
            items.push(MenuItem::new(
                td_string!(locale, messages.edit),
                move || editing.set(true),
            ));
        }
        items.push(MenuItem::new(
            td_string!(locale, messages.copy_link),
            copy_link,
        ));
        items.push(MenuItem::new(
            if pinned.get() {
                td_string!(locale, messages.unpin)
            } else {
                td_string!(locale, messages.pin_to_channel)
            },
            pin,
        ));
        if is_root {
            items.push(MenuItem::new(
                td_string!(locale, messages.reply_in_thread),
                reply,
            ));
        }
        if mine {
            items.push(
                MenuItem::new(td_string!(locale, messages.delete), move || {
                    confirm_delete.set(true)
                })
                .danger(),
            );
        }
        items
    });
    view! {
        <div class="message-actions" role="group"
            aria-label=td_string!(locale, messages.message_actions)>
            <button type="button" class="ui-icon-button"
                aria-label=td_string!(locale, messages.react_thumbs_up)
                aria-pressed=move || thumbs.get().to_string()
                on:click=move |_| react("👍".into(), !thumbs.get_untracked())>{"👍"}</button>
            <Popover label=td_string!(locale, messages.add_reaction) text="☺" icon=true open=picking align_end=true class="ui-icon-button">
                <EmojiPicker on_pick=Callback::new(move |e: String| {
                    picking.set(false);
                    react(e, true);
                }) />
            </Popover>
            {is_root.then(|| view! {
                <button type="button" class="ui-icon-button" data-thread=id
                    aria-label=td_string!(locale, messages.reply_in_thread)
                    on:click=move |_| reply()>{"💬"}</button>
            })}
            <MenuButton label=td_string!(locale, messages.more_actions) text="⋯" items=items align_end=true class="ui-icon-button" />
        </div>
        // Outside the toolbar, which is transparent while nothing points at it.
        <ConfirmDialog open=confirm_delete
            title=td_string!(locale, messages.delete_message_title)
            message=td_string!(locale, messages.delete_message_message)
            confirm=td_string!(locale, messages.delete)
            danger=true on_confirm=delete />
    }
}
