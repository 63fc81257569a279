//! `/w/:ws/people`: the workspace's members and who is online. Message someone directly,
//! remove a member (owners; their keys rotate on the server), or leave the workspace.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, Member, Role};
use crate::session::use_session;
use crate::shell::presence::Presence;
use crate::shell::state::{workspace_id, RefreshChannels};

/// The members page.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let ws = workspace_id();
    let reload = RwSignal::new(0u32);
    let members = LocalResource::new(move || {
        let id = ws.get();
        reload.track();
        async move { api::members(id).await }
    });
    let status = RwSignal::new(None::<String>);
    view! {
        <main id="main" class="people">
            <h1 id="people-heading" tabindex="-1">{"People"}</h1>
            <p class="note" role="status">{move || status.get()}</p>
            // Transition: the list stays on screen while it reloads after a change.
            <Transition fallback=|| view! { <p>{"Loading…"}</p> }>
                {move || members.get().map(|r| match r {
                    Ok(list) => {
                        let owner = use_session().user.get_untracked().is_some_and(|me| {
                            list.iter().any(|m| m.user_id == me.id && m.role == Role::Owner)
                        });
                        view! {
                            <ul class="member-list" aria-labelledby="people-heading">
                                {list.into_iter().map(|m| view! {
                                    <MemberRow m=m owner=owner reload=reload status=status />
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

/// One member: their name and role, and what the viewer may do.
#[component]
fn MemberRow(
    m: Member,
    /// Whether the viewer owns the workspace.
    owner: bool,
    reload: RwSignal<u32>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let ws = workspace_id();
    let session = use_session();
    let refresh = expect_context::<RefreshChannels>();
    let navigate = use_navigate();
    let me = session
        .user
        .get_untracked()
        .is_some_and(|u| u.id == m.user_id);
    let confirm = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let user_id = m.user_id;
    let name = m.display_name.clone();
    let presence = expect_context::<Presence>();

    let message = {
        let navigate = navigate.clone();
        move |_| {
            let navigate = navigate.clone();
            spawn_local(async move {
                match api::direct(ws.get_untracked(), user_id).await {
                    Ok(c) => {
                        refresh.0.update(|n| *n += 1);
                        navigate(
                            &format!("/w/{}/c/{}", c.workspace_id, c.id),
                            Default::default(),
                        );
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let remove = move |_| {
        if !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        let navigate = navigate.clone();
        let name = name.clone();
        spawn_local(async move {
            match api::remove_member(ws.get_untracked(), user_id).await {
                Ok(()) if me => navigate("/", Default::default()),
                Ok(()) => {
                    status.set(Some(format!("{name} was removed from the workspace")));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    confirm.set(false);
                    error.set(Some(e.message));
                }
            }
        });
    };
    let action = if me {
        Some(("Leave workspace", "Confirm: leave"))
    } else if owner {
        Some(("Remove", "Confirm removal"))
    } else {
        None
    };
    view! {
        <li class="member">
            <span class="presence" data-online=move || presence.is_online(user_id).to_string()>
                {move || if presence.is_online(user_id) { "online" } else { "away" }}
            </span>
            <span class="member-name">{m.display_name.clone()}</span>
            <span class="member-handle">{format!("@{}", m.username)}</span>
            {(m.role == Role::Owner).then(|| view! { <span class="role">{"owner"}</span> })}
            {me.then(|| view! { <span class="role">{"you"}</span> })}
            <span class="spacer">{""}</span>
            {(!me).then(|| view! {
                <button type="button" on:click=message
                    aria-label=format!("Message {}", m.display_name)>{"Message"}</button>
            })}
            {action.map(|(label, confirm_label)| view! {
                <button type="button" class="danger" on:click=remove
                    aria-label=move || format!("{} {}", if confirm.get() { confirm_label } else { label },
                        if me { String::new() } else { m.display_name.clone() }).trim().to_owned()>
                    {move || if confirm.get() { confirm_label } else { label }}
                </button>
            })}
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}
