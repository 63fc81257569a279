//! The application shell: banner, navigation between the apps, main region.

use leptos::prelude::*;

use crate::apps::{AppKind, EmptyState};
use crate::theme::ThemeToggle;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let current = RwSignal::new(AppKind::Messages);
    view! {
        <a class="skip-link" href="#main">{"Skip to content"}</a>
        <header class="topbar">
            <span class="brand">{"Huddle"}</span>
            <ThemeToggle />
        </header>
        <div class="layout">
            <nav class="app-nav" aria-label="Apps">
                <ul>
                    {AppKind::ALL
                        .into_iter()
                        .map(|app| {
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="app-link"
                                        aria-current=move || (current.get() == app).then_some("page")
                                        on:click=move |_| current.set(app)
                                    >
                                        {app.name()}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                {move || view! { <EmptyState app=current.get() /> }}
            </main>
        </div>
    }
}
