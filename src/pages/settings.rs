//! `/settings`: the signed-in person's profile and settings, kept on the server (the same
//! on every device): the name others see and what they are notified of in channels they
//! set nothing for (saved together; a failed save keeps what was typed, with the reason);
//! the theme (applied and kept at once, like the top bar's toggle, which it follows); the
//! language (applied and kept at once too); and the browser's permission for
//! notifications, asked for only when they press its button.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{self, NotifyLevel, ProfileChange, Theme};
use crate::i18n::*;
use crate::language::Language;
use crate::session::{require_user, use_session};
use crate::shell::notifications::{permission, request_permission};

/// `/settings`.
#[component]
pub fn SettingsPage() -> impl IntoView {
    require_user();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let i18n = use_i18n();
    let theme = expect_context::<crate::theme::ThemeChoice>().0;
    let language = expect_context::<crate::language::LanguageChoice>().0;
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
                    saved.set(Some(
                        td_string!(crate::language::current(), pages.saved).to_owned(),
                    ));
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
                      label: AnyView,
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
    let theme_radio = move |t: Theme, label: AnyView| {
        radio(
            "theme",
            t.as_str(),
            label,
            Signal::derive(move || theme.get() == t),
            Callback::new(move |()| crate::theme::choose(session, t)),
        )
    };
    let language_radio = move |l: Language, label: AnyView| {
        radio(
            "language",
            l.as_str(),
            label,
            Signal::derive(move || language.get() == l),
            Callback::new(move |()| {
                // Notes written in the language before go.
                saved.set(None);
                error.set(None);
                crate::language::choose(session, l)
            }),
        )
    };
    let level_radio = move |l: NotifyLevel, label: AnyView| {
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
            <p><A href="/">{t!(i18n, pages.back_to_workspaces)}</A></p>
            <h1>{t!(i18n, pages.profile_and_settings)}</h1>
            <form on:submit=submit class="stack narrow settings-form">
                <label for="display-name">{t!(i18n, pages.your_name)}</label>
                <input id="display-name" required maxlength="64" autocomplete="name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <fieldset>
                    <legend>{t!(i18n, pages.theme_legend)}</legend>
                    {theme_radio(Theme::System, t!(i18n, pages.theme_system).into_any())}
                    {theme_radio(Theme::Light, t!(i18n, pages.theme_light).into_any())}
                    {theme_radio(Theme::Dark, t!(i18n, pages.theme_dark).into_any())}
                </fieldset>
                <fieldset>
                    <legend>{t!(i18n, pages.language_legend)}</legend>
                    {language_radio(Language::Auto, t!(i18n, pages.language_auto).into_any())}
                    // Each language's name in its own language, whatever the page's.
                    {language_radio(Language::En, view! { <span lang=Language::En.as_str()>{"English"}</span> }.into_any())}
                    {language_radio(Language::Fr, view! { <span lang=Language::Fr.as_str()>{"Français"}</span> }.into_any())}
                </fieldset>
                <fieldset>
                    <legend>{t!(i18n, pages.notify_legend)}</legend>
                    {level_radio(NotifyLevel::All, t!(i18n, pages.notify_all).into_any())}
                    {level_radio(NotifyLevel::Mentions, t!(i18n, pages.notify_mentions).into_any())}
                    {level_radio(NotifyLevel::Nothing, t!(i18n, pages.notify_nothing).into_any())}
                    <p class="note">{t!(i18n, pages.notify_direct_note)}</p>
                </fieldset>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="note" role="status">{move || saved.get()}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, pages.save)}</button>
            </form>
            <h2>{t!(i18n, pages.desktop_notifications)}</h2>
            <p class="note">{move || match permission_state.get() {
                Some(web_sys::NotificationPermission::Granted) => t_string!(i18n, pages.notifications_granted),
                Some(web_sys::NotificationPermission::Denied) => t_string!(i18n, pages.notifications_denied),
                Some(_) => t_string!(i18n, pages.notifications_off),
                None => t_string!(i18n, pages.notifications_unsupported),
            }}</p>
            <Show when=move || permission_state.get() == Some(web_sys::NotificationPermission::Default)>
                <button type="button" on:click=ask>{t!(i18n, pages.turn_on_notifications)}</button>
            </Show>
            <p><A href="/account">{t!(i18n, pages.account_security)}</A></p>
        </main>
    }
}
