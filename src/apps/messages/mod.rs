//! Messages: channels, direct messages, threads, reactions, live through the relay.
//!
//! [`MessagesApp`] is the app's root route (`/w/:ws/c`): it provides the app's own state
//! ([`state`]) to the channel view below it. Files, one concern each:
//! [`channel_view`] (a channel: loading, live events, layout), [`channel_header`] (its
//! name, topic and settings), [`channel_menu`] (its members, pins, notification level),
//! [`pins`] (the pinned messages), [`mention`] (mentions typed in the composer),
//! [`message_list`] (the
//! windowed scrolling list, with [`window`] its pure logic), [`message_item`] (one
//! message: its header, body and reactions, under a day heading when it starts a day),
//! [`message_actions`] (its toolbar and "more" menu), [`composer`], [`thread`].

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

pub mod attachments;
pub mod channel_header;
pub mod channel_menu;
pub mod channel_view;
pub mod composer;
pub mod draft_files;
pub mod drive_picker;
pub mod mention;
pub mod message_actions;
pub mod message_item;
pub mod message_list;
pub mod pages;
pub mod pins;
pub mod state;
pub mod thread;
pub mod window;

pub use channel_view::ChannelView;

use crate::api::{self, ChannelKind};
use crate::i18n::*;
use crate::shell::state::{workspace_id, AppMemory, ChannelList};

/// `/w/:ws/c`: provides the app's state (drafts per channel, kept in the shell's
/// [`AppMemory`] so that they outlive a visit to People or Drive; the open thread) for the
/// channel below it.
#[component]
pub fn MessagesApp() -> impl IntoView {
    let drafts =
        expect_context::<AppMemory>().keep(|| state::Drafts(RwSignal::new(HashMap::new())));
    provide_context(drafts);
    provide_context(expect_context::<AppMemory>().keep(draft_files::DraftFiles::new));
    provide_context(state::OpenThread(RwSignal::new(None)));
    provide_context(state::EditRequest(RwSignal::new(None)));
    let clock = state::Clock(RwSignal::new(crate::time::now()));
    provide_context(clock);
    let tick =
        send_wrapper::SendWrapper::new(gloo_timers::callback::Interval::new(30_000, move || {
            clock.0.set(crate::time::now())
        }));
    on_cleanup(move || drop(tick));
    view! { <Outlet /> }
}

/// `/w/:ws` with no channel selected: opens `#general` (or the first channel) once the
/// channel list is in, replacing this address in the history; says what to do when the
/// workspace has no channel one can open.
#[component]
pub fn PickChannel() -> impl IntoView {
    let i18n = use_i18n();
    let list = expect_context::<ChannelList>();
    let ws = workspace_id();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let ws = ws.get();
        let target = list.0.with(|l| {
            let open = |c: &&api::Channel| c.workspace_id == ws && !c.archived;
            l.iter()
                .filter(open)
                .find(|c| c.kind == ChannelKind::Public && c.name == "general")
                .or_else(|| {
                    l.iter()
                        .filter(open)
                        .find(|c| c.kind != ChannelKind::Direct)
                })
                .map(|c| c.id)
        });
        if let Some(id) = target {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate(&format!("/w/{ws}/c/{id}"), replace);
        }
    });
    view! {
        <main id="main" class="empty-state">
            <h1>{t!(i18n, messages.messages)}</h1>
            <p>{t!(i18n, messages.pick_channel)}</p>
        </main>
    }
}
