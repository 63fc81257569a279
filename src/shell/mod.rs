//! `/w/:ws/...`: the workspace shell — top bar, the four apps, the channel list with
//! unread badges, and the selected app or channel.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::{self, ChannelKind};
use crate::i18n::*;
use crate::realtime::{Realtime, Status};
use crate::session::{require_user, use_session};
use crate::theme::ThemeToggle;
use crate::ui::skeleton::Skeleton;

pub mod invites;
pub mod new_channel;
pub mod notifications;
pub mod presence;
pub mod search;
pub mod state;

use state::{workspace_id, ChannelList, FocusMessage, MemberNames, RefreshChannels};

/// The shell.
#[component]
pub fn WorkspacePage() -> impl IntoView {
    let i18n = use_i18n();
    require_user();
    let session = use_session();
    let navigate = use_navigate();
    // The tab's one connection (see `realtime::provide`): kept across workspaces.
    let rt = expect_context::<Realtime>();
    provide_context(state::AppMemory::new());
    let refresh = RefreshChannels(RwSignal::new(0));
    provide_context(refresh);
    provide_context(state::RefreshWorkspaces(RwSignal::new(0)));
    let ws = workspace_id();
    presence::provide(
        rt.clone(),
        ws,
        Signal::derive(move || session.user.get().map(|u| u.id)),
    );
    let channels = LocalResource::new(move || {
        let id = ws.get();
        refresh.0.track();
        async move { api::channels(id).await }
    });
    let list = ChannelList(RwSignal::new(Vec::new()));
    provide_context(list);
    notifications::provide(
        list,
        Signal::derive(move || session.user.get().map(|u| u.id)),
    );
    provide_context(FocusMessage(RwSignal::new(None)));
    let names = MemberNames::new();
    provide_context(names);
    Effect::new(move |_| {
        let id = ws.get();
        names.reload.track();
        spawn_local(async move {
            if let Ok(members) = api::members(id).await {
                names.names.set(
                    members
                        .iter()
                        .map(|m| (m.user_id, m.display_name.clone()))
                        .collect(),
                );
                names.members.set(members);
            }
        });
    });
    Effect::new(move |_| {
        if let Some(Ok(l)) = channels.get() {
            list.merge(l);
        }
    });
    // Unread counts of channels not on screen: refresh now and then.
    let tick =
        send_wrapper::SendWrapper::new(gloo_timers::callback::Interval::new(15_000, move || {
            refresh.0.update(|n| *n += 1)
        }));
    on_cleanup(move || drop(tick));

    let location = use_location();
    // The phone drawer: open or not; closed by a choice made in it (the address changes).
    let drawer = RwSignal::new(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    let nav = NodeRef::<leptos::html::Nav>::new();
    Effect::new(move |_| {
        location.pathname.track();
        drawer.set(false);
    });
    let close_drawer = move || {
        drawer.set(false);
        if let Some(t) = toggle.get_untracked() {
            let _ = t.focus();
        }
    };
    // Opened: focus moves to its first link.
    Effect::new(move |_| {
        if drawer.get() {
            request_animation_frame(move || {
                // `try_`: the shell may be gone by then.
                let first = nav
                    .try_get_untracked()
                    .flatten()
                    .and_then(|n| n.query_selector("a").ok().flatten());
                if let Some(a) = first
                    .and_then(|a| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a).ok())
                {
                    let _ = a.focus();
                }
            });
        }
    });
    let in_messages = move || {
        let here = location.pathname.get();
        let root = format!("/w/{}", ws.get());
        here == root || here.starts_with(&format!("{root}/c/"))
    };
    let signout = move |_| crate::session::sign_out(session, navigate.clone());
    let status = rt.status;
    view! {
        <header class="topbar">
            // Phones: the sidebar is a drawer this button opens.
            <button type="button" class="drawer-toggle ui-icon-button" node_ref=toggle
                aria-label=move || t_string!(i18n, shell.channels_and_apps) aria-controls="app-nav"
                aria-expanded=move || drawer.get().to_string()
                on:click=move |_| drawer.update(|d| *d = !*d)>{"☰"}</button>
            <A href="/" attr:class="brand">{"Huddle"}</A>
            <WorkspaceSwitcher />
            <span class="conn" role="status" aria-live="polite" data-status=move || format!("{:?}", status.get()).to_lowercase()>
                {move || match status.get() {
                    Status::Online => t_string!(i18n, shell.status_online),
                    Status::Connecting => t_string!(i18n, shell.status_connecting),
                    Status::Offline => t_string!(i18n, shell.status_offline),
                }}
            </span>
            <search::SearchBox />
            <span class="spacer">{""}</span>
            <A href="/account" attr:class="who" attr:title=move || t_string!(i18n, shell.your_account)>{move || session.user.get().map(|u| u.display_name)}</A>
            <ThemeToggle />
            <button type="button" on:click=signout>{t!(i18n, shell.sign_out)}</button>
        </header>
        <div class="layout">
            <div class="drawer-backdrop" class:open=move || drawer.get() on:click=move |_| close_drawer()>{""}</div>
            <nav id="app-nav" class="app-nav" class:open=move || drawer.get() aria-label=move || t_string!(i18n, shell.apps) node_ref=nav
                on:keydown=move |ev| if ev.key() == "Escape" && drawer.get_untracked() {
                    close_drawer();
                }>
                <button type="button" class="drawer-close" on:click=move |_| close_drawer()>{t!(i18n, shell.close)}</button>
                <ul>
                    // Messages is the workspace's own page and its channels (`/w/1`,
                    // `/w/1/c/…`), not every page under it as a prefix match would say.
                    <li><a href=move || format!("/w/{}", ws.get()) class="app-link"
                        aria-current=move || in_messages().then_some("page")>{t!(i18n, shell.messages)}</a></li>
                    <li><A href=move || format!("/w/{}/drive", ws.get()) attr:class="app-link">{t!(i18n, shell.drive)}</A></li>
                    <li><A href=move || format!("/w/{}/tasks", ws.get()) attr:class="app-link">{t!(i18n, shell.tasks)}</A></li>
                    <li><A href=move || format!("/w/{}/calendar", ws.get()) attr:class="app-link">{t!(i18n, shell.calendar)}</A></li>
                </ul>
                <Suspense fallback=move || view! { <Skeleton lines=4 label=t_string!(i18n, shell.loading_channels) /> }>
                    {move || channels.get().map(|r| match r {
                        // Drawn from the merged list (live renames and archiving included).
                        Ok(_) => {
                            let (direct, rooms): (Vec<_>, Vec<_>) =
                                list.0.get().into_iter().partition(|c| c.kind == ChannelKind::Direct);
                            let (archived, rooms): (Vec<_>, Vec<_>) =
                                rooms.into_iter().partition(|c| c.archived);
                            view! {
                                <h2 class="nav-heading" id="channels-heading">{t!(i18n, shell.channels)}</h2>
                                <ChannelLinks list=rooms labelled_by="channels-heading" />
                                {(!archived.is_empty()).then(|| view! {
                                    <h2 class="nav-heading" id="archived-heading">{t!(i18n, shell.archived)}</h2>
                                    <ChannelLinks list=archived labelled_by="archived-heading" />
                                })}
                                <h2 class="nav-heading" id="direct-heading">{t!(i18n, shell.direct_messages)}</h2>
                                {if direct.is_empty() {
                                    view! { <p class="nav-note">{t!(i18n, shell.start_from_people)}</p> }.into_any()
                                } else {
                                    view! { <ChannelLinks list=direct labelled_by="direct-heading" /> }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(e) if e.status == 404 => view! {
                            <div class="error" role="alert">
                                <p>{t!(i18n, shell.not_a_member)}</p>
                                <A href="/">{t!(i18n, shell.your_workspaces)}</A>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    })}
                </Suspense>
                <p class="nav-people">
                    <A href=move || format!("/w/{}/people", ws.get()) attr:class="app-link">{t!(i18n, shell.people)}</A>
                </p>
                <new_channel::NewChannelButton />
                <invites::InviteButton />
            </nav>
            <div class="content">
                <Outlet />
            </div>
        </div>
    }
}

/// The workspace switcher: a disclosure (`details`) with the person's workspaces as
/// links, so it needs no script to work with a keyboard or a screen reader.
#[component]
fn WorkspaceSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let open = RwSignal::new(false);
    let reload = expect_context::<state::RefreshWorkspaces>().0;
    let all = LocalResource::new(move || {
        reload.track();
        api::workspaces()
    });
    // Close after choosing (the route changes).
    Effect::new(move |_| {
        ws.track();
        open.set(false);
    });
    let current = move || {
        let id = ws.get();
        all.get()
            .and_then(|r| r.ok())
            .and_then(|l| l.into_iter().find(|w| w.id == id))
            .map(|w| w.name)
            .unwrap_or_else(|| t_string!(i18n, shell.workspace).to_owned())
    };
    view! {
        <details class="switcher" prop:open=move || open.get()
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary aria-label=move || t_string!(i18n, shell.switch_workspace, name = current())>{current}</summary>
            <ul class="switcher-list">
                {move || all.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|w| {
                    let here = w.id == ws.get_untracked();
                    view! {
                        <li>
                            <A href=format!("/w/{}", w.id) attr:aria-current=here.then_some("page")>{w.name}</A>
                        </li>
                    }
                }).collect_view()}
                <li><A href="/">{t!(i18n, shell.all_workspaces)}</A></li>
            </ul>
        </details>
    }
}

/// What a channel's mention badge says: its mentions, or a direct message's unread
/// messages (all of them are for the reader).
fn mention_label(locale: Locale, kind: ChannelKind, n: i64) -> String {
    match (kind, crate::language::one(n as f64)) {
        (ChannelKind::Direct, _) => unread_label(locale, n),
        (_, true) => td_string!(locale, shell.mentions_one, count = n),
        (_, false) => td_string!(locale, shell.mentions_plural, count = n),
    }
}

/// What an unread badge says: `n` unread.
fn unread_label(locale: Locale, n: i64) -> String {
    if crate::language::one(n as f64) {
        td_string!(locale, shell.unread_one, count = n)
    } else {
        td_string!(locale, shell.unread_plural, count = n)
    }
}

/// Links to channels, with unread badges.
#[component]
fn ChannelLinks(list: Vec<api::Channel>, labelled_by: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="channel-list" aria-labelledby=labelled_by>
            {list.into_iter().map(|c| {
                let label = if c.kind == ChannelKind::Direct { c.name.clone() } else { format!("# {}", c.name) };
                let unread = c.unread;
                // A direct message's messages are all for the reader: its count is a
                // mention badge. A muted channel's count is quiet.
                let mentions = if c.kind == ChannelKind::Direct { c.unread } else { c.mentions };
                let muted = c.notify == api::NotifyLevel::Nothing;
                let plain = unread - if c.kind == ChannelKind::Direct { unread } else { 0 };
                view! {
                    <li>
                        <A href=format!("/w/{}/c/{}", c.workspace_id, c.id) attr:class="channel-link">
                            <span class:muted-channel=muted>{label}</span>
                            {(mentions > 0).then(|| view! {
                                <span class="badge mention-badge" aria-label=move || mention_label(i18n.get_locale(), c.kind, mentions)>{if c.kind == ChannelKind::Direct { mentions.to_string() } else { format!("@{mentions}") }}</span>
                            })}
                            {(plain > 0).then(|| view! {
                                <span class="badge" class:quiet=muted aria-label=move || unread_label(i18n.get_locale(), plain)>{plain}</span>
                            })}
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
