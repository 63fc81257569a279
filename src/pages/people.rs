//! `/w/:ws/people`: the workspace's members, their roles and who is online. Message
//! someone directly, change a role (owners), remove a member (admins and owners; their
//! keys rotate on the server), or leave the workspace; admins and owners also invite
//! people here ([`super::invites`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{self, Action, Member, Role};
use crate::i18n::*;
use crate::session::use_session;
use crate::shell::invites::Invites;
use crate::shell::presence::Presence;
use crate::shell::state::{workspace_id, RefreshChannels, RefreshWorkspaces};

/// The members page.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let ws = workspace_id();
    let i18n = use_i18n();
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
            <h1 id="people-heading" tabindex="-1">{t!(i18n, pages.people)}</h1>
            <p class="note" role="status">{move || status.get()}</p>
            <Show when=move || may(Action::RenameWorkspace)>
                <RenameWorkspace />
            </Show>
            // Transition: the list stays on screen while it reloads after a change.
            <Transition fallback=move || view! { <p>{t!(i18n, pages.loading)}</p> }>
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
                    fallback=move || view! { <p class="note">{t!(i18n, pages.invite_restricted)}</p> }>
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
    let i18n = use_i18n();
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
                    status.set(Some(td_string!(
                        crate::language::current(),
                        pages.member_removed,
                        name = name
                    )));
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
    // Leaving (oneself) or removing (another member), and its confirmation.
    let action = me || may_remove;
    let action_text = move |confirming: bool| match (me, confirming) {
        (true, false) => t_string!(i18n, pages.leave_workspace),
        (true, true) => t_string!(i18n, pages.confirm_leave),
        (false, false) => t_string!(i18n, pages.remove),
        (false, true) => t_string!(i18n, pages.confirm_removal),
    };
    let action_label = {
        let name = m.display_name.clone();
        move |confirming: bool| {
            let label = match (me, confirming) {
                (true, _) => action_text(confirming).to_owned(),
                (false, false) => t_string!(i18n, pages.remove_member, name = name.as_str()),
                (false, true) => {
                    t_string!(i18n, pages.confirm_removal_of, name = name.as_str())
                }
            };
            label.trim().to_owned()
        }
    };
    let role = m.role;
    let message_name = m.display_name.clone();
    view! {
        <li class="member">
            <span class="presence" data-online=move || presence.is_online(user_id).to_string()>
                {move || if presence.is_online(user_id) {
                    t_string!(i18n, pages.online)
                } else {
                    t_string!(i18n, pages.away)
                }}
            </span>
            <span class="member-name">{m.display_name.clone()}</span>
            <span class="member-handle">{format!("@{}", m.username)}</span>
            {(m.role != Role::Member && !viewer.may(Action::ChangeRole))
                .then(|| view! { <span class="role">{move || role_name(i18n.get_locale(), role)}</span> })}
            {me.then(|| view! { <span class="role">{t!(i18n, pages.you)}</span> })}
            <span class="spacer">{""}</span>
            {viewer.may(Action::ChangeRole).then(|| view! {
                <RoleSelect m=m.clone() reload=reload status=status error=error />
            })}
            {(!me).then(|| view! {
                <button type="button" on:click=message
                    aria-label=move || t_string!(i18n, pages.message_person, name = message_name.as_str())>
                    {t!(i18n, pages.message)}
                </button>
            })}
            {action.then(|| view! {
                <button type="button" class="danger" on:click=remove
                    aria-label=move || action_label(confirm.get())>
                    {move || action_text(confirm.get())}
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
    let i18n = use_i18n();
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
                    let locale = crate::language::current();
                    status.set(Some(td_string!(
                        locale,
                        pages.role_changed,
                        name = name,
                        role = role_name(locale, role)
                    )));
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
        <label class="visually-hidden" for=id.clone()>{t!(i18n, pages.role_of, name = m.display_name.clone())}</label>
        <select id=id on:change=change prop:value=move || shown.get()>
            {Role::ALL.into_iter().rev().map(|r| view! {
                <option value=r.as_str() selected=r == current>{move || role_name(i18n.get_locale(), r)}</option>
            }).collect_view()}
        </select>
    }
}

/// The workspace's name, as a form its owners rename it with.
#[component]
fn RenameWorkspace() -> impl IntoView {
    let ws = workspace_id();
    let reload = expect_context::<RefreshWorkspaces>().0;
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::rename_workspace(ws.get_untracked(), &name.get_untracked()).await {
                Ok(w) => {
                    error.set(None);
                    note.set(Some(td_string!(
                        crate::language::current(),
                        pages.workspace_renamed,
                        name = w.name
                    )));
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
            <label for="workspace-name">{t!(i18n, pages.rename_workspace)}</label>
            <input id="workspace-name" required maxlength="80"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <button type="submit">{t!(i18n, pages.rename)}</button>
            <p class="note" role="status">{move || note.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </form>
    }
}

/// A role's name, as shown (its wire name, `as_str`, stays the `<option>`'s value).
fn role_name(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Owner => td_string!(locale, pages.role_owner),
        Role::Admin => td_string!(locale, pages.role_admin),
        Role::Member => td_string!(locale, pages.role_member),
    }
}
