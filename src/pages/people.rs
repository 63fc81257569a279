//! `/w/:ws/people`: the workspace's members, their roles and who is online. Message
//! someone directly, change a role (owners), remove a member (admins and owners; their
//! keys rotate on the server), or leave the workspace; admins and owners also invite
//! people here ([`super::invites`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, Action, Member, Role};
use crate::session::use_session;
use crate::shell::invites::Invites;
use crate::shell::presence::Presence;
use crate::shell::state::{workspace_id, RefreshChannels, RefreshWorkspaces};

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
    // The viewer's role, once the list says it: the forms it allows are drawn outside the
    // list, so reloading the list after a change keeps what is typed in them.
    let viewer = Memo::new(move |_| {
        let me = use_session().user.get()?.id;
        members
            .get()?
            .ok()?
            .iter()
            .find(|m| m.user_id == me)
            .map(|m| m.role)
    });
    let may = move |action: Action| viewer.get().is_some_and(|r| r.may(action));
    view! {
        <main id="main" class="people">
            <h1 id="people-heading" tabindex="-1">{"People"}</h1>
            <p class="note" role="status">{move || status.get()}</p>
            <Show when=move || may(Action::RenameWorkspace)>
                <RenameWorkspace />
            </Show>
            // Transition: the list stays on screen while it reloads after a change.
            <Transition fallback=|| view! { <p>{"Loading…"}</p> }>
                {move || members.get().map(|r| match r {
                    Ok(list) => {
                        let viewer = viewer.get_untracked().unwrap_or(Role::Member);
                        view! {
                            <ul class="member-list" aria-labelledby="people-heading">
                                {list.into_iter().map(|m| view! {
                                    <MemberRow m=m viewer=viewer reload=reload status=status />
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <Show when=move || viewer.get().is_some()>
                <Show when=move || may(Action::Invite)
                    fallback=|| view! { <p class="note">{"Admins and owners of the workspace invite people."}</p> }>
                    <Invites />
                </Show>
            </Show>
        </main>
    }
}

/// One member: their name and role, and what the viewer may do.
#[component]
fn MemberRow(
    m: Member,
    /// The viewer's role in the workspace.
    viewer: Role,
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
    let may_remove = viewer.may(if m.role == Role::Member {
        Action::RemoveMember
    } else {
        Action::RemoveManager
    });
    let action = if me {
        Some(("Leave workspace", "Confirm: leave"))
    } else if may_remove {
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
            {(m.role != Role::Member && !viewer.may(Action::ChangeRole))
                .then(|| view! { <span class="role">{m.role.as_str()}</span> })}
            {me.then(|| view! { <span class="role">{"you"}</span> })}
            <span class="spacer">{""}</span>
            {viewer.may(Action::ChangeRole).then(|| view! {
                <RoleSelect m=m.clone() reload=reload status=status error=error />
            })}
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

/// The role of a member, as a select the workspace's owners change it with.
#[component]
fn RoleSelect(
    m: Member,
    reload: RwSignal<u32>,
    status: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ws = workspace_id();
    let id = format!("role-{}", m.user_id);
    let (user_id, name, current) = (m.user_id, m.display_name.clone(), m.role);
    let shown = RwSignal::new(current.as_str());
    let change = move |ev: leptos::ev::Event| {
        let Some(role) = Role::parse(&event_target_value(&ev)) else {
            return;
        };
        let name = name.clone();
        spawn_local(async move {
            match api::set_role(ws.get_untracked(), user_id, role).await {
                Ok(_) => {
                    error.set(None);
                    status.set(Some(format!("{name} is now {}", role.as_str())));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    // Refused: the select shows the role that holds, with the reason.
                    shown.set(current.as_str());
                    error.set(Some(e.message));
                }
            }
        });
    };
    view! {
        <label class="visually-hidden" for=id.clone()>{format!("Role of {}", m.display_name)}</label>
        <select id=id on:change=change prop:value=move || shown.get()>
            {Role::ALL.into_iter().rev().map(|r| view! {
                <option value=r.as_str() selected=r == current>{r.as_str()}</option>
            }).collect_view()}
        </select>
    }
}

/// The workspace's name, as a form its owners rename it with.
#[component]
fn RenameWorkspace() -> impl IntoView {
    let ws = workspace_id();
    let reload = expect_context::<RefreshWorkspaces>().0;
    let name = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::rename_workspace(ws.get_untracked(), &name.get_untracked()).await {
                Ok(w) => {
                    error.set(None);
                    note.set(Some(format!("The workspace is now called {}", w.name)));
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                // What was typed stays, with the reason.
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form class="stack small-form" on:submit=submit>
            <label for="workspace-name">{"Rename the workspace"}</label>
            <input id="workspace-name" required maxlength="80"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <button type="submit">{"Rename"}</button>
            <p class="note" role="status">{move || note.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </form>
    }
}
