//! `/account`: the signed-in person's account: change the password (which signs out every
//! other session), two-factor sign-in, passkeys, see where one is signed in, and sign out one
//! session or every other.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::passkeys::Passkeys;
use super::two_factor::TwoFactor;
use crate::api;
use crate::i18n::*;
use crate::session::{require_user, use_session};
use crate::time::date_time;

/// `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    require_user();
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        done.set(None);
        spawn_local(async move {
            match api::change_password(&current.get_untracked(), &new.get_untracked()).await {
                Ok(()) => {
                    error.set(None);
                    current.set(String::new());
                    new.set(String::new());
                    done.set(Some(
                        td_string!(crate::language::current(), auth.password_changed).to_owned(),
                    ));
                }
                // What was typed stays, to correct it.
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <super::header::PageHeader />
        <main id="main" class="home-page">
            <p><A href="/">{t!(i18n, auth.back_to_workspaces)}</A></p>
            <h1>{t!(i18n, auth.account_title)}</h1>
            <p>{move || session.user.get().map(|u| t_string!(i18n, auth.signed_in_as, name = u.display_name, username = u.username))}</p>
            <p><A href="/settings">{t!(i18n, auth.profile_settings_link)}</A></p>
            <h2>{t!(i18n, auth.change_password_title)}</h2>
            <form on:submit=submit class="stack narrow">
                <label for="current-password">{t!(i18n, auth.current_password)}</label>
                <input id="current-password" type="password" autocomplete="current-password" required
                    prop:value=move || current.get()
                    on:input=move |ev| current.set(event_target_value(&ev)) />
                <label for="new-password">{t!(i18n, auth.new_password_min_length)}</label>
                <input id="new-password" type="password" autocomplete="new-password" required minlength="10" maxlength="1024"
                    prop:value=move || new.get()
                    on:input=move |ev| new.set(event_target_value(&ev)) />
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="note" role="status">{move || done.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, auth.change_password)}</button>
            </form>
            <TwoFactor />
            <Passkeys />
            <EverywhereElse />
        </main>
    }
}

/// The person's sessions, each with "Sign out", and "Sign out everywhere else".
#[component]
fn EverywhereElse() -> impl IntoView {
    let i18n = use_i18n();
    let said = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        api::sessions()
    });
    let end_all = move |_| {
        spawn_local(async move {
            match api::end_other_sessions().await {
                Ok(()) => {
                    error.set(None);
                    said.set(Some(
                        td_string!(crate::language::current(), auth.others_signed_out).to_owned(),
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let end_one = move |id: String, device: String| {
        spawn_local(async move {
            match api::end_session(&id).await {
                Ok(()) => {
                    error.set(None);
                    said.set(Some(td_string!(
                        crate::language::current(),
                        auth.session_signed_out,
                        device = device
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h2 id="sessions-heading">{t!(i18n, auth.sessions_title)}</h2>
        <Transition fallback=move || view! { <p>{t!(i18n, auth.loading)}</p> }>
            {move || list.get().map(|r| match r {
                Ok(sessions) => view! {
                    <ul class="session-list" aria-labelledby="sessions-heading">
                        {sessions.into_iter().map(|s| {
                            let device = if s.device.is_empty() { t_string!(i18n, auth.unknown_browser).to_owned() } else { s.device.clone() };
                            let label = t_string!(i18n, auth.sign_out_session_label, device = device.clone(), date = date_time(s.last_seen_at));
                            let (id, name) = (s.id.clone(), device.clone());
                            view! {
                                <li class="session">
                                    <span class="session-device">{device}</span>
                                    {s.current.then(|| view! { <span class="role">{t!(i18n, auth.this_browser)}</span> })}
                                    <span class="note">{t_string!(i18n, auth.session_details,
                                        client = if s.client.is_empty() { t_string!(i18n, auth.address_unknown) } else { s.client.as_str() },
                                        signed_in = date_time(s.created_at), last_seen = date_time(s.last_seen_at))}</span>
                                    {(!s.current).then(|| view! {
                                        <button type="button" aria-label=label
                                            on:click=move |_| end_one(id.clone(), name.clone())>{t!(i18n, auth.sign_out)}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
        <p>{t!(i18n, auth.everywhere_else_note)}</p>
        <p class="error" role="alert">{move || error.get()}</p>
        <p class="note" role="status">{move || said.get()}</p>
        <button type="button" on:click=end_all>{t!(i18n, auth.sign_out_everywhere_else)}</button>
    }
}
