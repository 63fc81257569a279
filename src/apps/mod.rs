//! The workspace's apps, one module each: [`messages`]; Drive, Tasks and Calendar show
//! an empty state until their issues land.

use leptos::prelude::*;

pub mod messages;

/// One app of the workspace.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AppKind {
    Drive,
    Tasks,
    Calendar,
}

impl AppKind {
    /// The app's name as shown in the navigation.
    pub fn name(self) -> &'static str {
        match self {
            AppKind::Drive => "Drive",
            AppKind::Tasks => "Tasks",
            AppKind::Calendar => "Calendar",
        }
    }

    fn blurb(self) -> &'static str {
        match self {
            AppKind::Drive => "Files shared with your workspace.",
            AppKind::Tasks => "Boards and to-dos for your team.",
            AppKind::Calendar => "Events and meetings.",
        }
    }
}

/// The empty state of an app that has not landed yet.
#[component]
pub fn EmptyState(app: AppKind) -> impl IntoView {
    view! {
        <main id="main" class="empty-state">
            <h1>{app.name()}</h1>
            <p>{app.blurb()}</p>
            <p class="muted">{"Nothing here yet."}</p>
        </main>
    }
}
