//! A channel's header: its name, topic and archived state, its tools
//! ([`super::channel_menu`]: members, pins, notification level), and the settings one
//! may change: the topic (anyone who reads it); the name and archiving (its creator,
//! admins and owners). A private channel's members ([`ChannelMembers`], in the members
//! dialog): anyone in it adds people and leaves; its creator, admins and owners take
//! people out. Every answer goes into the shell's [`ChannelList`], which keeps the
//! highest revision.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::channel_menu::ChannelTools;
use crate::api::{self, Action, Channel, ChannelChange, ChannelKind};
use crate::i18n::*;
use crate::session::use_session;
use crate::shell::state::{workspace_id, ChannelList, MemberNames, RefreshChannels};

/// The header of the channel view.
#[component]
pub fn ChannelHeader(channel: Memo<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let list = expect_context::<ChannelList>();
    let current = Memo::new(move |_| {
        let ch = channel.get();
        list.0.with(|l| l.iter().find(|c| c.id == ch).cloned())
    });
    let ws = workspace_id();
    let session = use_session();
    let role = LocalResource::new(move || {
        let id = ws.get();
        async move {
            api::workspaces()
                .await
                .ok()
                .and_then(|l| l.into_iter().find(|w| w.id == id))
                .map(|w| w.role)
        }
    });
    // Its creator, admins and owners manage a channel.
    let manager = Signal::derive(move || {
        current.get().is_some_and(|c| {
            session.user.get().is_some_and(|u| u.id == c.created_by)
                || role
                    .get()
                    .flatten()
                    .is_some_and(|r| r.may(Action::ManageChannels))
        })
    });
    let is = move |f: fn(&Channel) -> bool| current.with(|c| c.as_ref().is_some_and(f));
    let archived = Signal::derive(move || is(|c| c.archived));
    let direct = Signal::derive(move || is(|c| c.kind == ChannelKind::Direct));
    view! {
        <header class="channel-header">
            <div class="channel-heading">
                <h1 class="channel-title">{move || current.get().map(|c| {
                    if c.kind == ChannelKind::Direct { c.name } else { format!("# {}", c.name) }
                })}</h1>
                <ChannelTools channel=channel current=current manager=manager archived=archived />
            </div>
            <p class="channel-topic">{move || current.get().map(|c| c.topic)}</p>
            <Show when=move || archived.get()>
                <p class="note archived-note">{t!(i18n, messages.archived_note)}</p>
            </Show>
            <details class="channel-settings">
                <summary>{t!(i18n, messages.channel_settings)}</summary>
                <div class="stack">
                    <Show when=move || !archived.get()>
                        <ChangeForm channel=channel field=Field::Topic />
                    </Show>
                    <Show when=move || manager.get() && !direct.get() && !archived.get()>
                        <ChangeForm channel=channel field=Field::Name />
                    </Show>
                    <Show when=move || manager.get() && !direct.get()>
                        <ArchiveButton channel=channel archived=archived />
                    </Show>
                </div>
            </details>
        </header>
    }
}

/// What a [`ChangeForm`] changes.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Name,
    Topic,
}

/// A one-field form that renames the channel or sets its topic.
#[component]
fn ChangeForm(channel: Memo<i64>, field: Field) -> impl IntoView {
    let i18n = use_i18n();
    let list = expect_context::<ChannelList>();
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let (id, max) = match field {
        Field::Name => ("channel-name", "80"),
        Field::Topic => ("channel-topic", "250"),
    };
    let label = move || match field {
        Field::Name => t_string!(i18n, messages.new_name),
        Field::Topic => t_string!(i18n, messages.topic_field),
    };
    let button = move || match field {
        Field::Name => t_string!(i18n, messages.rename),
        Field::Topic => t_string!(i18n, messages.set_topic),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = value.get_untracked();
        let change = match field {
            Field::Name => ChannelChange {
                name: Some(text),
                ..Default::default()
            },
            Field::Topic => ChannelChange {
                topic: Some(text),
                ..Default::default()
            },
        };
        spawn_local(async move {
            match api::change_channel(channel.get_untracked(), &change).await {
                Ok(c) => {
                    error.set(None);
                    value.set(String::new());
                    let locale = crate::language::current();
                    note.set(Some(match field {
                        Field::Name => td_string!(locale, messages.renamed_to, name = &c.name),
                        Field::Topic => td_string!(locale, messages.topic_saved).to_owned(),
                    }));
                    list.put(c);
                }
                // What was typed stays, with the reason.
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form class="small-form" on:submit=submit>
            <label for=id>{label}</label>
            <input id=id maxlength=max required=field == Field::Name
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
            <button type="submit">{button}</button>
            <p class="note" role="status">{move || note.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </form>
    }
}

/// Archives or unarchives the channel.
#[component]
fn ArchiveButton(channel: Memo<i64>, archived: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let list = expect_context::<ChannelList>();
    let error = RwSignal::new(None::<String>);
    let toggle = move |_| {
        let change = ChannelChange {
            archived: Some(!archived.get_untracked()),
            ..Default::default()
        };
        spawn_local(async move {
            match api::change_channel(channel.get_untracked(), &change).await {
                Ok(c) => {
                    error.set(None);
                    list.put(c);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <div>
            <button type="button" on:click=toggle>
                {move || if archived.get() {
                    t_string!(i18n, messages.unarchive_channel)
                } else {
                    t_string!(i18n, messages.archive_channel)
                }}
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A private channel's members: add someone, take someone out, leave.
#[component]
pub fn ChannelMembers(
    channel: Memo<i64>,
    manager: Signal<bool>,
    archived: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let names = expect_context::<MemberNames>();
    let refresh = expect_context::<RefreshChannels>();
    let ws = workspace_id();
    let navigate = use_navigate();
    let reload = RwSignal::new(0u32);
    let members = LocalResource::new(move || {
        let ch = channel.get();
        reload.track();
        async move { api::channel_members(ch).await }
    });
    let error = RwSignal::new(None::<String>);
    let adding = RwSignal::new(String::new());
    let me = move || session.user.get_untracked().map(|u| u.id);
    let remove = move |user: i64| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::remove_channel_member(channel.get_untracked(), user).await {
                Ok(()) if Some(user) == me() => {
                    refresh.0.update(|n| *n += 1);
                    navigate(&format!("/w/{}", ws.get_untracked()), Default::default());
                }
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(user) = adding.get_untracked().parse::<i64>() else {
            return;
        };
        spawn_local(async move {
            match api::add_channel_member(channel.get_untracked(), user).await {
                Ok(()) => {
                    error.set(None);
                    adding.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <section class="channel-members" aria-labelledby="channel-members-heading">
            <h2 id="channel-members-heading">{t!(i18n, messages.members)}</h2>
            <Transition fallback=move || view! { <p>{t!(i18n, messages.loading)}</p> }>
                {move || members.get().map(|r| match r {
                    Ok(list) => {
                        let inside: Vec<i64> = list.iter().map(|m| m.user_id).collect();
                        let others: Vec<(i64, String)> = names.names.with(|n| {
                            let mut o: Vec<_> = n.iter().filter(|(id, _)| !inside.contains(id))
                                .map(|(id, name)| (*id, name.clone())).collect();
                            o.sort_by(|a, b| a.1.cmp(&b.1));
                            o
                        });
                        let remove = remove.clone();
                        view! {
                            <ul class="member-list">
                                {list.into_iter().map(|m| {
                                    let mine = Some(m.user_id) == me();
                                    let remove = remove.clone();
                                    let name = m.display_name.clone();
                                    let label = move || if mine {
                                        t_string!(i18n, messages.leave_channel).to_owned()
                                    } else {
                                        t_string!(i18n, messages.remove_member, name = &name)
                                    };
                                    let shown = mine || manager.get_untracked();
                                    view! {
                                        <li class="member">
                                            <span class="member-name">{m.display_name.clone()}</span>
                                            <span class="member-handle">{format!("@{}", m.username)}</span>
                                            <span class="spacer">{""}</span>
                                            {shown.then(|| view! {
                                                <button type="button" class="danger" aria-label=label.clone()
                                                    on:click=move |_| remove(m.user_id)>
                                                    {move || if mine {
                                                        t_string!(i18n, messages.leave)
                                                    } else {
                                                        t_string!(i18n, messages.remove)
                                                    }}
                                                </button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(!others.is_empty() && !archived.get_untracked()).then(|| view! {
                                <form class="small-form" on:submit=add>
                                    <label for="channel-add">{t!(i18n, messages.add_someone)}</label>
                                    <select id="channel-add" required
                                        prop:value=move || adding.get()
                                        on:change=move |ev| adding.set(event_target_value(&ev))>
                                        <option value="">{t!(i18n, messages.choose)}</option>
                                        {others.into_iter().map(|(id, name)| view! {
                                            <option value=id.to_string()>{name}</option>
                                        }).collect_view()}
                                    </select>
                                    <button type="submit">{t!(i18n, messages.add)}</button>
                                </form>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}
