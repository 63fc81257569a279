//! Light/dark theme: follows `prefers-color-scheme` unless the user picked one, which is
//! remembered in `localStorage` and applied as a class on `<html>`.

use leptos::prelude::*;

const KEY: &str = "huddle.theme";

/// A theme the user can pick.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn class(self) -> &'static str {
        match self {
            Theme::Light => "theme-light",
            Theme::Dark => "theme-dark",
        }
    }

    fn other(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn system_theme() -> Theme {
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    if dark {
        Theme::Dark
    } else {
        Theme::Light
    }
}

fn saved_theme() -> Option<Theme> {
    match storage()?.get_item(KEY).ok()??.as_str() {
        "light" => Some(Theme::Light),
        "dark" => Some(Theme::Dark),
        _ => None,
    }
}

fn apply(theme: Theme) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let classes = root.class_list();
        let _ = classes.remove_2(Theme::Light.class(), Theme::Dark.class());
        let _ = classes.add_1(theme.class());
    }
}

/// A toggle button ("Dark theme", pressed when dark) that remembers the choice.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(saved_theme().unwrap_or_else(system_theme));
    Effect::new(move |_| apply(theme.get()));
    let toggle = move |_| {
        let next = theme.get().other();
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, if next == Theme::Dark { "dark" } else { "light" });
        }
        theme.set(next);
    };
    view! {
        <button
            type="button"
            class="theme-toggle"
            on:click=toggle
            aria-pressed=move || (theme.get() == Theme::Dark).to_string()
        >
            {"Dark theme"}
        </button>
    }
}
