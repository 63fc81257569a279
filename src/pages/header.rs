//! The top bar of the pages outside a workspace (your workspaces, your account): the
//! way home, who is signed in, the theme, and signing out.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::i18n::*;
use crate::session::{sign_out, use_session};
use crate::theme::ThemeToggle;

/// The bar.
#[component]
pub fn PageHeader() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">{"Huddle"}</A>
            <span class="spacer">{""}</span>
            <A href="/account" attr:class="who" attr:title=move || t_string!(i18n, pages.your_account)>
                {move || session.user.get().map(|u| u.display_name)}
            </A>
            <ThemeToggle />
            <Show when=move || session.user.with(Option::is_some)>
                <button type="button" on:click={
                    let navigate = navigate.clone();
                    move |_| sign_out(session, navigate.clone())
                }>{t!(i18n, pages.sign_out)}</button>
            </Show>
        </header>
    }
}
