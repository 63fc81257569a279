//! `/settings`: the signed-in person's profile and settings, kept on the server (the same
//! on every device): the name others see and what they are notified of in channels they
//! set nothing for (saved together; a failed save keeps what was typed, with the reason);
//! the theme (applied and kept at once, like the top bar's toggle, which it follows); and
//! the browser's permission for notifications, asked for only when they press its button.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{self, NotifyLevel, ProfileChange, Theme};
use crate::session::{require_user, use_session};
use crate::shell::notifications::{permission, request_permission};

/// `/settings`.
#[component]
pub fn SettingsPage() -> impl IntoView {
    require_user();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let theme = expect_context::<crate::theme::ThemeChoice>().0;
    let level = RwSignal::new(NotifyLevel::Mentions);
    // The form starts from the person's settings, once known.
    Effect::new(move |prev: Option<bool>| {
        let Some(u) = session.user.get() else {
            return false;
        };
        if prev != Some(true) {
            name.set(u.display_name.clone());
            level.set(u.preferences.notify_default);
        }
        true
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let before = session.user.get_untracked().map(|u| u.display_name);
        let typed = name.get_untracked();
        let change = ProfileChange {
            display_name: (before.as_deref() != Some(typed.as_str())).then_some(typed),
            notify_default: Some(level.get_untracked()),
            ..Default::default()
        };
        busy.set(true);
        saved.set(None);
        spawn_local(async move {
            match api::change_profile(&change).await {
                Ok(u) => {
                    error.set(None);
                    name.set(u.display_name.clone());
                    session.user.set(Some(u));
                    saved.set(Some("Saved.".to_owned()));
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let permission_state = RwSignal::new(permission());
    let ask = move |_| {
        request_permission(move || permission_state.set(permission()));
    };
    let radio = move |group: &'static str,
                      value: &'static str,
                      label: &'static str,
                      checked: Signal<bool>,
                      pick: Callback<()>| {
        let id = format!("{group}-{value}");
        view! {
            <div class="choice">
                <input type="radio" id=id.clone() name=group value=value
                    prop:checked=checked on:change=move |_| pick.run(()) />
                <label for=id>{label}</label>
            </div>
        }
    };
    let theme_radio = move |t: Theme, label: &'static str| {
        radio(
            "theme",
            t.as_str(),
            label,
            Signal::derive(move || theme.get() == t),
            Callback::new(move |()| crate::theme::choose(session, t)),
        )
    };
    let level_radio = move |l: NotifyLevel, label: &'static str| {
        radio(
            "notify",
            l.as_str(),
            label,
            Signal::derive(move || level.get() == l),
            Callback::new(move |()| level.set(l)),
        )
    };
    view! {
        <super::header::PageHeader />
        <main id="main" class="home-page">
            <p><A href="/">{"← Your workspaces"}</A></p>
            <h1>{"Profile and settings"}</h1>
            <form on:submit=submit class="stack narrow settings-form">
                <label for="display-name">{"Your name, as others see it"}</label>
                <input id="display-name" required maxlength="64" autocomplete="name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <fieldset>
                    <legend>{"Theme (changes at once)"}</legend>
                    {theme_radio(Theme::System, "As the system")}
                    {theme_radio(Theme::Light, "Light")}
                    {theme_radio(Theme::Dark, "Dark")}
                </fieldset>
                <fieldset>
                    <legend>{"Notify me in channels, unless I set it for one"}</legend>
                    {level_radio(NotifyLevel::All, "Of every message")}
                    {level_radio(NotifyLevel::Mentions, "Of mentions only")}
                    {level_radio(NotifyLevel::Nothing, "Of nothing")}
                    <p class="note">{"Direct messages notify of every message unless you set them otherwise."}</p>
                </fieldset>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="note" role="status">{move || saved.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{"Save"}</button>
            </form>
            <h2>{"Desktop notifications"}</h2>
            <p class="note">{move || match permission_state.get() {
                Some(web_sys::NotificationPermission::Granted) => "On: this browser shows Huddle's notifications while its tab is hidden.",
                Some(web_sys::NotificationPermission::Denied) => "Blocked in this browser: allow them in the site's settings to get them.",
                Some(_) => "Off in this browser.",
                None => "This browser shows no notifications.",
            }}</p>
            <Show when=move || permission_state.get() == Some(web_sys::NotificationPermission::Default)>
                <button type="button" on:click=ask>{"Turn on desktop notifications"}</button>
            </Show>
            <p><A href="/account">{"Password, two-factor sign-in, passkeys and sessions"}</A></p>
        </main>
    }
}
