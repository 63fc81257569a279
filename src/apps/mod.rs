//! The four apps of the workspace. Each gets its own module when its issue lands; until
//! then each shows an empty state.

use leptos::prelude::*;

/// One app of the workspace.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AppKind {
    Messages,
    Drive,
    Tasks,
    Calendar,
}

impl AppKind {
    /// All apps, in navigation order.
    pub const ALL: [AppKind; 4] = [
        AppKind::Messages,
        AppKind::Drive,
        AppKind::Tasks,
        AppKind::Calendar,
    ];

    /// The app's name as shown in the navigation.
    pub fn name(self) -> &'static str {
        match self {
            AppKind::Messages => "Messages",
            AppKind::Drive => "Drive",
            AppKind::Tasks => "Tasks",
            AppKind::Calendar => "Calendar",
        }
    }

    fn blurb(self) -> &'static str {
        match self {
            AppKind::Messages => "Channels and direct messages, end-to-end encrypted in realtime.",
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
        <section class="empty-state" aria-labelledby="app-title">
            <h1 id="app-title">{app.name()}</h1>
            <p>{app.blurb()}</p>
            <p class="muted">{"Nothing here yet."}</p>
        </section>
    }
}
