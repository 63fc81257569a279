//! `/join#<token>`: where an invite link leads. Shows the workspace and who invited, and
//! lets a signed-in person join; someone signed out signs in or up first and comes back
//! here.
//!
//! The token stays in the tab across signing in or up (see [`super::link_token`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::i18n::*;
use crate::session::use_session;
use crate::time::date_time;

use super::link_token::LinkToken;

/// Where this tab keeps the token of the invite link it is following.
const LINK: LinkToken = LinkToken {
    key: "huddle.invite-link",
    page: "/join",
};

/// Whether this tab is following an invite link (signing in or up then comes back to it).
pub fn pending() -> bool {
    LINK.pending()
}

/// What to tell someone whose link does not work.
fn dead_link(e: &ApiError) -> String {
    match e.status {
        404 => td_string!(crate::language::current(), auth.invite_link_invalid).to_owned(),
        410 => td_string!(
            crate::language::current(),
            auth.invite_link_gone,
            reason = capitalized(&e.message)
        ),
        _ => e.message.clone(),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `/join`.
#[component]
pub fn Join() -> impl IntoView {
    let i18n = use_i18n();
    let token = RwSignal::new(LINK.take());
    // A link pasted into the address bar of this page only changes the fragment.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        if let Some(t) = LINK.take() {
            token.set(Some(t));
        }
    });
    on_cleanup(move || listener.remove());
    let preview = LocalResource::new(move || {
        let token = token.get();
        async move {
            match token {
                Some(t) => api::preview_invite_link(&t).await,
                None => Err(ApiError {
                    status: 404,
                    code: "NOT_FOUND".into(),
                    message: String::new(),
                }),
            }
        }
    });
    view! {
        <main id="main" class="auth-page join-page">
            <h1>{t!(i18n, auth.join_title)}</h1>
            <Suspense fallback=move || view! { <p>{t!(i18n, auth.loading)}</p> }>
                {move || preview.get().map(|r| match r {
                    Ok(p) => view! { <Invited preview=p token=token.get_untracked().unwrap_or_default() /> }.into_any(),
                    Err(e) => {
                        if e.status == 404 || e.status == 410 {
                            LINK.forget();
                        }
                        view! {
                            <p class="error" role="alert">{dead_link(&e)}</p>
                            <p><A href="/">{t!(i18n, auth.your_workspaces)}</A></p>
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

/// Where a working link leads, and the way in.
#[component]
fn Invited(preview: api::LinkPreview, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let token = StoredValue::new(token);
    let name = StoredValue::new(preview.workspace_name.clone());
    let expires_at = preview.expires_at;
    view! {
        <p class="join-invited">
            {t!(i18n, auth.invited_you, name = preview.created_by.clone())}
            <strong>{preview.workspace_name.clone()}</strong>{"."}
        </p>
        <p class="note">{t!(i18n, auth.link_works_until, date = move || date_time(expires_at))}</p>
        <Show when=move || session.checked.get()
            fallback=move || view! { <p>{t!(i18n, auth.loading)}</p> }>
            <Show when=move || session.user.with(Option::is_some)
                fallback=move || view! {
                    <p>{t!(i18n, auth.sign_in_to_join)}</p>
                    <p class="join-actions">
                        <A href="/signin" attr:class="button primary">{t!(i18n, auth.sign_in)}</A>
                        <A href="/signup" attr:class="button">{t!(i18n, auth.create_an_account)}</A>
                    </p>
                }>
                <JoinButton token=token name=name />
            </Show>
        </Show>
    }
}

/// Joins through the link, then opens the workspace.
#[component]
fn JoinButton(token: StoredValue<String>, name: StoredValue<String>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let join = move |_| {
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::accept_invite_link(&token.get_value()).await {
                Ok(ws) => {
                    LINK.forget();
                    navigate(&format!("/w/{}", ws.id), Default::default());
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(dead_link(&e)));
                }
            }
        });
    };
    view! {
        <p class="error" role="alert">{move || error.get()}</p>
        <button type="button" class="primary" disabled=move || busy.get() on:click=join>
            {t!(i18n, auth.join_named, name = move || name.get_value())}
        </button>
    }
}
