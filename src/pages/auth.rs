//! Sign-in and sign-up pages.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::{self, User};
use crate::i18n::*;
use crate::session::{use_session, Session};

/// After signing in or up: into the session and home (or back to the invite link being
/// followed), or the error shown (the form keeps what was typed).
pub(super) fn settle(
    r: api::ApiResult<User>,
    session: Session,
    navigate: &impl Fn(&str, NavigateOptions),
    error: RwSignal<Option<String>>,
) {
    match r {
        Ok(u) => {
            session.user.set(Some(u));
            let next = if super::join::pending() { "/join" } else { "/" };
            navigate(next, Default::default());
        }
        Err(e) => error.set(Some(e.message)),
    }
}

/// `/signin`: the password, then, for an account with two-factor sign-in, a code.
#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The sign-in waiting for its code, once the password was right, and whether a
    // passkey may stand in for the code.
    let challenge = RwSignal::new(None::<String>);
    let passkey = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::signin(&login.get_untracked(), &password.get_untracked()).await {
                Ok(api::SignedIn::User(u)) => settle(Ok(u), session, &navigate, error),
                Ok(api::SignedIn::CodeDue(c)) => {
                    error.set(None);
                    password.set(String::new());
                    passkey.set(c.passkey);
                    challenge.set(Some(c.challenge));
                }
                Err(e) => settle(Err(e), session, &navigate, error),
            }
            busy.set(false);
        });
    };
    view! {
        <main id="main" class="auth-page">
            <h1>{t!(i18n, auth.signin_title)}</h1>
            <Show when=move || challenge.with(Option::is_some)
                fallback=move || view! {
                    <form on:submit=submit.clone() class="stack">
                        <label for="login">{t!(i18n, auth.username_or_email)}</label>
                        <input id="login" name="login" autocomplete="username" required
                            prop:value=move || login.get()
                            on:input=move |ev| login.set(event_target_value(&ev)) />
                        <label for="password">{t!(i18n, auth.password)}</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev)) />
                        <p class="error" role="alert">{move || error.get()}</p>
                        <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, auth.sign_in)}</button>
                    </form>
                }>
                <CodeStep challenge=challenge passkey=passkey error=error />
            </Show>
            <PasskeySignIn error=error />
            <p>{t!(i18n, auth.new_here)}<A href="/signup">{t!(i18n, auth.create_an_account)}</A></p>
        </main>
    }
}

/// The browser refused a passkey ceremony (cancelled, timed out, unsupported): its
/// reason, as an error the form shows.
fn browser_refused(message: String) -> api::ApiError {
    api::ApiError {
        status: 0,
        code: "PASSKEY".into(),
        message,
    }
}

/// Signing in with a passkey alone: the browser offers this site's passkeys.
#[component]
fn PasskeySignIn(error: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let go = move |_| {
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let r = async {
                let started = api::passkey_signin_start().await?;
                let credential = crate::webauthn::get_assertion(&started.options)
                    .await
                    .map_err(browser_refused)?;
                api::passkey_signin_finish(&started.ceremony, credential).await
            }
            .await;
            settle(r, session, &navigate, error);
            busy.set(false);
        });
    };
    view! {
        <p class="passkey-signin">
            <button type="button" on:click=go disabled=move || busy.get()>{t!(i18n, auth.passkey_sign_in)}</button>
        </p>
    }
}

/// The second step of a sign-in: a code from the authenticator app or a recovery code.
/// An expired sign-in goes back to the password, saying why.
#[component]
fn CodeStep(
    challenge: RwSignal<Option<String>>,
    passkey: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // Focus moves to the code field when it appears.
    let field = NodeRef::<leptos::html::Input>::new();
    crate::ui::focus_when_shown(field);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(c) = challenge.get_untracked() else {
            return;
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::signin_second_factor(&c, code.get_untracked().trim()).await {
                Err(e) if e.code == "SIGNIN_EXPIRED" => {
                    error.set(Some(e.message));
                    challenge.set(None);
                }
                r => {
                    // A wrong code is cleared, to type the next one.
                    if r.is_err() {
                        code.set(String::new());
                    }
                    settle(r, session, &navigate, error);
                }
            }
            busy.set(false);
        });
    };
    let use_passkey = {
        let navigate = use_navigate();
        move |_| {
            let Some(c) = challenge.get_untracked() else {
                return;
            };
            let navigate = navigate.clone();
            busy.set(true);
            spawn_local(async move {
                let r = async {
                    let started = api::second_factor_passkey_start(&c).await?;
                    let credential = crate::webauthn::get_assertion(&started.options)
                        .await
                        .map_err(browser_refused)?;
                    api::second_factor_passkey_finish(&c, &started.ceremony, credential).await
                }
                .await;
                match r {
                    Err(e) if e.code == "SIGNIN_EXPIRED" => {
                        error.set(Some(e.message));
                        challenge.set(None);
                    }
                    r => settle(r, session, &navigate, error),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <form on:submit=submit class="stack">
            <p>{t!(i18n, auth.second_factor_asked)}</p>
            <label for="code">{t!(i18n, auth.code_label)}</label>
            <input id="code" name="code" autocomplete="one-time-code" required node_ref=field
                maxlength="32" spellcheck="false"
                prop:value=move || code.get()
                on:input=move |ev| code.set(event_target_value(&ev)) />
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, auth.verify)}</button>
        </form>
        <Show when=move || passkey.get()>
            <p><button type="button" on:click=use_passkey.clone() disabled=move || busy.get()>
                {t!(i18n, auth.use_passkey_instead)}
            </button></p>
        </Show>
    }
}

/// `/signup`. On a server that sends mail, the form gives way to a note to check the
/// inbox (the link there creates the account: `/verify`); "Use another address" brings
/// the form back as it was typed.
#[component]
pub fn SignUp() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<api::SignupPending>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            let r = api::signup(
                &username.get_untracked(),
                &email.get_untracked(),
                &password.get_untracked(),
                &display.get_untracked(),
            )
            .await;
            match r {
                Ok(api::SignedUp::CheckInbox(p)) => {
                    error.set(None);
                    sent.set(Some(p));
                }
                Ok(api::SignedUp::User(u)) => settle(Ok(u), session, &navigate, error),
                Err(e) => settle(Err(e), session, &navigate, error),
            }
            busy.set(false);
        });
    };
    view! {
        <main id="main" class="auth-page">
            <Show when=move || sent.with(Option::is_some)
                fallback=move || view! {
                    <h1>{t!(i18n, auth.signup_title)}</h1>
                    <form on:submit=submit.clone() class="stack">
                        <label for="username">{t!(i18n, auth.username)}</label>
                        <input id="username" name="username" autocomplete="username" required
                            prop:value=move || username.get()
                            on:input=move |ev| username.set(event_target_value(&ev)) />
                        <label for="email">{t!(i18n, auth.email)}</label>
                        <input id="email" name="email" type="email" autocomplete="email" required
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev)) />
                        <label for="display">{t!(i18n, auth.display_name_optional)}</label>
                        <input id="display" name="display" autocomplete="name"
                            prop:value=move || display.get()
                            on:input=move |ev| display.set(event_target_value(&ev)) />
                        <label for="new-password">{t!(i18n, auth.password_min_length)}</label>
                        <input id="new-password" name="password" type="password" autocomplete="new-password" required
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev)) />
                        <p class="error" role="alert">{move || error.get()}</p>
                        <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, auth.create_account)}</button>
                    </form>
                }>
                <CheckInbox sent=sent />
            </Show>
            <p>{t!(i18n, auth.have_account)}<A href="/signin">{t!(i18n, auth.sign_in)}</A></p>
        </main>
    }
}

/// After a sign-up on a server that sends mail: where the link went.
#[component]
fn CheckInbox(sent: RwSignal<Option<api::SignupPending>>) -> impl IntoView {
    let i18n = use_i18n();
    // The heading takes focus, so that a screen reader reads what happened.
    let heading = NodeRef::<leptos::html::H1>::new();
    crate::ui::focus_when_shown(heading);
    let address = move || sent.with(|p| p.as_ref().map(|p| p.email.clone()).unwrap_or_default());
    let hours = move || sent.with(|p| p.as_ref().map_or(24, |p| p.expires_in / 3600));
    view! {
        <h1 tabindex="-1" node_ref=heading>{t!(i18n, auth.check_inbox)}</h1>
        <div class="stack check-inbox">
            <p>{t!(i18n, auth.sent_link_to)}<strong>{address}</strong>
                {t!(i18n, auth.open_within_hours, hours = hours)}</p>
            <p class="note">{t!(i18n, auth.check_inbox_note)}</p>
            <p><button type="button" on:click=move |_| sent.set(None)>{t!(i18n, auth.use_another_address)}</button></p>
        </div>
    }
}
