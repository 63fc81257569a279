//! `/`: the invitations waiting for the user's answer, the user's workspaces, and a form
//! to create one.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::i18n::*;
use crate::session::{require_user, use_session};
use crate::time::date_time;

/// `/`.
#[component]
pub fn Home() -> impl IntoView {
    require_user();
    let navigate = use_navigate();
    let session = use_session();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let retry_key = StoredValue::new(api::RetryKey::default());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let name = name.get_untracked();
        let key = retry_key
            .try_update_value(|k| k.for_request(&name))
            .unwrap_or_default();
        spawn_local(async move {
            match api::create_workspace(&name, &key).await {
                Ok(ws) => {
                    retry_key.update_value(|k| k.done());
                    navigate(&format!("/w/{}", ws.id), Default::default())
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <super::header::PageHeader />
        <main id="main" class="home-page">
            <h1>{t!(i18n, pages.your_workspaces)}</h1>
            <p><A href="/account">{t!(i18n, pages.your_account)}</A>{" · "}<A href="/settings">{t!(i18n, pages.profile_and_settings)}</A></p>
            // Asked only once the session says who is signed in: a signed-out visit goes
            // to the sign-in page without a refused request.
            <Show when=move || session.user.with(Option::is_some)
                fallback=move || view! { <p>{t!(i18n, pages.loading)}</p> }>
                <PendingInvitations />
                <WorkspaceList />
            </Show>
            <form on:submit=create class="stack narrow">
                <label for="ws-name">{t!(i18n, pages.new_workspace_name)}</label>
                <input id="ws-name" required maxlength="80"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" class="primary">{t!(i18n, pages.create_workspace)}</button>
            </form>
        </main>
    }
}

/// The signed-in person's workspaces.
#[component]
fn WorkspaceList() -> impl IntoView {
    let list = LocalResource::new(api::workspaces);
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, pages.loading)}</p> }>
            {move || list.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p>{t!(i18n, pages.no_workspace_yet)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="workspace-list">
                        {list.into_iter().map(|w| view! {
                            <li><A href=format!("/w/{}", w.id)>{w.name}</A></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// The invitations waiting for the signed-in person's answer, to accept or decline.
#[component]
fn PendingInvitations() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        api::invitations()
    });
    let status = RwSignal::new(None::<String>);
    let i18n = use_i18n();
    view! {
        <p class="note" role="status">{move || status.get()}</p>
        <Transition fallback=|| ()>
            {move || list.get().map(|r| match r {
                Ok(list) if list.is_empty() => ().into_any(),
                Ok(list) => view! {
                    <section class="invitations" aria-labelledby="invitations-heading">
                        <h2 id="invitations-heading">{t!(i18n, pages.invitations)}</h2>
                        <ul class="invite-list">
                            {list.into_iter().map(|i| view! {
                                <InvitationRow i=i reload=reload status=status />
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// One invitation: where to, from whom, and the two answers.
#[component]
fn InvitationRow(
    i: api::Invitation,
    reload: RwSignal<u32>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (id, name) = (i.id, i.workspace_name.clone());
    let accept = move |_| {
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::accept_invitation(id).await {
                Ok(ws) => navigate(&format!("/w/{}", ws.id), Default::default()),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.message));
                }
            }
        });
    };
    let decline = move |_| {
        let name = name.clone();
        busy.set(true);
        spawn_local(async move {
            match api::decline_invitation(id).await {
                Ok(()) => {
                    status.set(Some(td_string!(
                        crate::language::current(),
                        pages.invitation_declined,
                        name = name
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.message));
                }
            }
        });
    };
    let expires_at = i.expires_at;
    let (join_name, decline_name) = (i.workspace_name.clone(), i.workspace_name.clone());
    view! {
        <li class="invite">
            <span class="invite-who">
                {t!(i18n, pages.invited_you_to, name = i.invited_by.clone())}<strong>{i.workspace_name.clone()}</strong>
            </span>
            <span class="note">{t!(i18n, pages.invitation_until, date = move || date_time(expires_at))}</span>
            <span class="spacer">{""}</span>
            <button type="button" class="primary" on:click=accept disabled=move || busy.get()
                aria-label=move || t_string!(i18n, pages.join_workspace, name = join_name.as_str())>{t!(i18n, pages.join)}</button>
            <button type="button" on:click=decline disabled=move || busy.get()
                aria-label=move || t_string!(i18n, pages.decline_invitation, name = decline_name.as_str())>{t!(i18n, pages.decline)}</button>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}
