//! The theme: as the system says (`prefers-color-scheme`), light or dark. The choice is
//! the signed-in person's setting (kept on the server, the same on every device) and is
//! remembered in `localStorage` too, so that the next load paints in it before the
//! session is known. Light and dark are classes on `<html>`; "system" is neither, and the
//! style sheet follows the media query.

use leptos::prelude::*;
use leptos::task::spawn_local;

pub use crate::api::Theme;
use crate::api::{self, ProfileChange};
use crate::i18n::*;
use crate::session::Session;

const KEY: &str = "huddle.theme";

/// The theme chosen (in context).
#[derive(Clone, Copy)]
pub struct ThemeChoice(pub RwSignal<Theme>);

fn class(theme: Theme) -> Option<&'static str> {
    match theme {
        Theme::System => None,
        Theme::Light => Some("theme-light"),
        Theme::Dark => Some("theme-dark"),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn system_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn saved() -> Theme {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|t| Theme::parse(&t))
        .unwrap_or_default()
}

fn apply(theme: Theme) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let classes = root.class_list();
        let _ = classes.remove_2("theme-light", "theme-dark");
        if let Some(c) = class(theme) {
            let _ = classes.add_1(c);
        }
    }
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, theme.as_str());
    }
}

/// Provides the [`ThemeChoice`]: the remembered one at first, the person's setting once
/// the session is known; applied whenever it changes.
pub fn provide(session: Session) {
    let choice = ThemeChoice(RwSignal::new(saved()));
    provide_context(choice);
    // The setting as the server last said it: a change of it (another device, the first
    // answer) is applied; an answer that repeats it (any other change of the profile, even
    // one that crossed a theme change on the way) leaves the choice alone.
    Effect::new(move |prev: Option<Option<Theme>>| {
        let server = session
            .user
            .with(|u| u.as_ref().map(|u| u.preferences.theme));
        if let Some(t) = server.filter(|t| prev.flatten() != Some(*t)) {
            choice.0.set(t);
        }
        server
    });
    Effect::new(move |_| apply(choice.0.get()));
}

/// Chooses `theme`, and keeps it as the signed-in person's setting.
pub fn choose(session: Session, theme: Theme) {
    expect_context::<ThemeChoice>().0.set(theme);
    if session.user.with_untracked(Option::is_none) {
        return;
    }
    spawn_local(async move {
        let change = ProfileChange {
            theme: Some(theme),
            ..Default::default()
        };
        if let Ok(u) = api::change_profile(&change).await {
            session.user.set(Some(u));
        }
    });
}

/// A toggle button ("Dark theme", pressed when the page is dark): switches between light
/// and dark (the settings page also offers "as the system").
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let choice = expect_context::<ThemeChoice>().0;
    let session = crate::session::use_session();
    let i18n = use_i18n();
    let dark = move || match choice.get() {
        Theme::System => system_dark(),
        t => t == Theme::Dark,
    };
    let toggle = move |_| {
        let next = if dark() { Theme::Light } else { Theme::Dark };
        choose(session, next);
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            on:click=toggle
            aria-pressed=move || dark().to_string()
        >
            {t!(i18n, pages.dark_theme)}
        </button>
    }
}
