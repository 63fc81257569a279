//! The workspace's apps, one module each: [`messages`], [`drive`]; Tasks and Calendar
//! show an empty state until their issues land.

use leptos::prelude::*;

use crate::i18n::*;

pub mod drive;
pub mod messages;

/// One app of the workspace.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AppKind {
    Tasks,
    Calendar,
}

impl AppKind {
    /// The app's name as shown in the navigation, in `locale`.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            AppKind::Tasks => td_string!(locale, messages.app_tasks),
            AppKind::Calendar => td_string!(locale, messages.app_calendar),
        }
    }

    fn blurb(self, locale: Locale) -> &'static str {
        match self {
            AppKind::Tasks => td_string!(locale, messages.app_tasks_blurb),
            AppKind::Calendar => td_string!(locale, messages.app_calendar_blurb),
        }
    }
}

/// The empty state of an app that has not landed yet.
#[component]
pub fn EmptyState(app: AppKind) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main id="main" class="empty-state">
            <h1>{move || app.name(i18n.get_locale())}</h1>
            <p>{move || app.blurb(i18n.get_locale())}</p>
            <p class="muted">{t!(i18n, messages.nothing_here_yet)}</p>
        </main>
    }
}
