//! The channel header's tools: the member count (opens the members), the pinned
//! messages, and a menu with both, the reader's notification level (all messages,
//! mentions only, nothing) and, in a private channel, leaving it (after a confirmation).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::channel_header::ChannelMembers;
use super::pins::PinnedMessages;
use crate::api::{self, Channel, ChannelKind, NotifyLevel};
use crate::i18n::*;
use crate::session::use_session;
use crate::shell::state::{workspace_id, ChannelList, MemberNames, RefreshChannels};
use crate::ui::confirm::ConfirmDialog;
use crate::ui::dialog::Dialog;
use crate::ui::menu::{MenuButton, MenuItem};
use crate::ui::toast::use_toaster;

/// What a notification level is called in the menu, in `locale`.
pub fn level_label(level: NotifyLevel, locale: Locale) -> &'static str {
    match level {
        NotifyLevel::All => td_string!(locale, messages.notify_all),
        NotifyLevel::Mentions => td_string!(locale, messages.notify_mentions),
        NotifyLevel::Nothing => td_string!(locale, messages.notify_nothing),
    }
}

/// What the toast says once a level is set (in the language in use).
fn level_note(level: NotifyLevel) -> &'static str {
    let locale = crate::language::current();
    match level {
        NotifyLevel::All => td_string!(locale, messages.notify_all_note),
        NotifyLevel::Mentions => td_string!(locale, messages.notify_mentions_note),
        NotifyLevel::Nothing => td_string!(locale, messages.notify_nothing_note),
    }
}

/// The tools of the channel `current`.
#[component]
pub fn ChannelTools(
    channel: Memo<i64>,
    current: Memo<Option<Channel>>,
    manager: Signal<bool>,
    archived: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let list = expect_context::<ChannelList>();
    let names = expect_context::<MemberNames>();
    let refresh = expect_context::<RefreshChannels>();
    let session = use_session();
    let toaster = use_toaster();
    let ws = workspace_id();
    let navigate = use_navigate();
    let kind = Memo::new(move |_| current.with(|c| c.as_ref().map(|c| c.kind)));
    let level = Memo::new(move |_| current.with(|c| c.as_ref().map(|c| c.notify)));
    let members_open = RwSignal::new(false);
    let pins_open = RwSignal::new(false);
    let confirm_leave = RwSignal::new(false);
    // A private channel or direct message has its own members; a public one has the
    // workspace's.
    let reload = RwSignal::new(0u32);
    let own = LocalResource::new(move || {
        let (ch, kind) = (channel.get(), kind.get());
        reload.track();
        members_open.track();
        async move {
            match kind {
                Some(ChannelKind::Private | ChannelKind::Direct) => {
                    api::channel_members(ch).await.ok()
                }
                _ => None,
            }
        }
    });
    let members = Memo::new(move |_| own.get().flatten().unwrap_or_else(|| names.members.get()));
    let count = move || members.with(Vec::len);
    let set_level = move |l: NotifyLevel| {
        spawn_local(async move {
            match api::set_notify(channel.get_untracked(), l).await {
                Ok(c) => {
                    list.set_notify(c.id, c.notify);
                    toaster.show(level_note(c.notify), None);
                }
                Err(e) => toaster.error(e.message),
            }
        });
    };
    let items = Signal::derive(move || {
        let mut items = vec![
            MenuItem::new(t_string!(i18n, messages.members), move || {
                members_open.set(true)
            }),
            MenuItem::new(t_string!(i18n, messages.pinned_messages), move || {
                pins_open.set(true)
            }),
        ];
        let now = level.get();
        let locale = i18n.get_locale();
        for l in [
            NotifyLevel::All,
            NotifyLevel::Mentions,
            NotifyLevel::Nothing,
        ] {
            items.push(
                MenuItem::new(level_label(l, locale), move || set_level(l)).radio(now == Some(l)),
            );
        }
        items.push(crate::shell::notifications::permission_item());
        if kind.get() == Some(ChannelKind::Private) {
            items.push(
                MenuItem::new(t_string!(i18n, messages.leave_channel), move || {
                    confirm_leave.set(true)
                })
                .danger(),
            );
        }
        items
    });
    let leave = Callback::new(move |()| {
        let navigate = navigate.clone();
        let Some(me) = session.user.get_untracked().map(|u| u.id) else {
            return;
        };
        spawn_local(async move {
            match api::remove_channel_member(channel.get_untracked(), me).await {
                Ok(()) => {
                    refresh.0.update(|n| *n += 1);
                    if let Some(ws) = ws.try_get_untracked() {
                        navigate(&format!("/w/{ws}"), Default::default());
                    }
                }
                Err(e) => toaster.error(e.message),
            }
        });
    });
    let private = Signal::derive(move || kind.get() == Some(ChannelKind::Private));
    view! {
        <div class="channel-tools">
            <button type="button" class="ui-icon-button member-count"
                aria-label=move || {
                    let n = count();
                    if crate::language::one(n as f64) {
                        t_string!(i18n, messages.member_count_one, count = n)
                    } else {
                        t_string!(i18n, messages.member_count_plural, count = n)
                    }
                }
                on:click=move |_| members_open.set(true)>
                <span aria-hidden="true">{"👥 "}</span>{count}
            </button>
            <button type="button" class="ui-icon-button"
                aria-label=move || t_string!(i18n, messages.pinned_messages)
                on:click=move |_| pins_open.set(true)>{"📌"}</button>
            <MenuButton label=t_string!(i18n, messages.channel_menu) text="⋯" items=items align_end=true class="ui-icon-button" />
        </div>
        <Dialog open=members_open title=Signal::derive(move || t_string!(i18n, messages.members).to_owned()) class="wide">
            <Show when=move || private.get() fallback=move || view! {
                <ul class="member-list">
                    <For each=move || members.get() key=|m| m.user_id let:m>
                        <li class="member">
                            <span class="member-name">{m.display_name.clone()}</span>
                            <span class="member-handle">{format!("@{}", m.username)}</span>
                        </li>
                    </For>
                </ul>
            }>
                <ChannelMembers channel=channel manager=manager archived=archived />
            </Show>
            <div class="ui-dialog-actions">
                <button type="button" on:click=move |_| members_open.set(false)>{t!(i18n, messages.close)}</button>
            </div>
        </Dialog>
        <Dialog open=pins_open title=Signal::derive(move || t_string!(i18n, messages.pinned_messages).to_owned()) class="wide">
            <PinnedMessages channel=channel open=pins_open />
        </Dialog>
        <ConfirmDialog open=confirm_leave
            title=Signal::derive(move || t_string!(i18n, messages.leave_channel_title).to_owned())
            message=Signal::derive(move || t_string!(i18n, messages.leave_channel_message).to_owned())
            confirm=Signal::derive(move || t_string!(i18n, messages.leave).to_owned())
            danger=true on_confirm=leave />
    }
}
