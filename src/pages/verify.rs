//! `/verify#<token>`: where the link mailed at sign-up leads (servers that send mail).
//! One click creates the account and signs in; when the username was taken meanwhile,
//! the page asks for another and the same link works again.
//!
//! The token is kept as [`super::link_token`] says; nothing is sent until the button is
//! pressed, so a mail scanner that opens the link creates nothing.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::i18n::*;
use crate::session::use_session;

use super::link_token::LinkToken;

/// Where this tab keeps the token of the sign-up link it is following.
const LINK: LinkToken = LinkToken {
    key: "huddle.signup-link",
    page: "/verify",
};

/// `/verify`.
#[component]
pub fn Verify() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let token = RwSignal::new(LINK.take());
    let error = RwSignal::new(None::<String>);
    let dead = RwSignal::new(token.with_untracked(Option::is_none));
    // Another username, asked for once the one given at sign-up turned out taken.
    let username = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // A link pasted into the address bar of this page only changes the fragment: it
    // starts over with that link.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(t) = LINK.take() {
            token.set(Some(t));
            dead.set(false);
            error.set(None);
            username.set(None);
        }
    });
    on_cleanup(move || listener.remove());
    // The username field takes focus when it appears.
    let field = NodeRef::<leptos::html::Input>::new();
    crate::ui::focus_when_shown(field);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(t) = token.get_untracked() else {
            return;
        };
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            let name = username.get_untracked();
            match api::verify_signup(&t, name.as_deref().map(str::trim)).await {
                Err(e) if e.code == "USERNAME_TAKEN" => {
                    username.set(Some(name.unwrap_or_default()));
                    error.set(Some(
                        td_string!(crate::language::current(), auth.username_taken_meanwhile)
                            .into(),
                    ));
                }
                Err(e) if e.status == 410 => {
                    LINK.forget();
                    dead.set(true);
                }
                r => {
                    if r.is_ok() {
                        LINK.forget();
                    }
                    super::auth::settle(r, session, &navigate, error);
                }
            }
            busy.set(false);
        });
    };
    view! {
        <main id="main" class="auth-page">
            <h1>{t!(i18n, auth.confirm_email_title)}</h1>
            <Show when=move || !dead.get()
                fallback=move || view! {
                    <p class="error" role="alert">
                        {t!(i18n, auth.signup_link_dead)}
                    </p>
                    <p class="join-actions">
                        <A href="/signin" attr:class="button primary">{t!(i18n, auth.sign_in)}</A>
                        <A href="/signup" attr:class="button">{t!(i18n, auth.sign_up_again)}</A>
                    </p>
                }>
                <form on:submit=submit.clone() class="stack">
                    <p>{t!(i18n, auth.address_confirmed_on_create)}</p>
                    <Show when=move || username.with(Option::is_some)>
                        <label for="username">{t!(i18n, auth.username)}</label>
                        <input id="username" name="username" autocomplete="username" required node_ref=field
                            prop:value=move || username.get().unwrap_or_default()
                            on:input=move |ev| username.set(Some(event_target_value(&ev))) />
                    </Show>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, auth.create_my_account)}</button>
                </form>
            </Show>
        </main>
    }
}
