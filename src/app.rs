//! The root component: routes.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::apps::drive::{DriveApp, FolderView, LinkPage, TrashView};
use crate::apps::messages::{ChannelView, MessagesApp, PickChannel};
use crate::apps::{AppKind, EmptyState};
use crate::i18n::*;
use crate::pages::account::AccountPage;
use crate::pages::auth::{SignIn, SignUp};
use crate::pages::home::Home;
use crate::pages::join::Join;
use crate::pages::kit::KitPage;
use crate::pages::people::PeoplePage;
use crate::pages::settings::SettingsPage;
use crate::pages::verify::Verify;
use crate::shell::WorkspacePage;
use crate::ui::shortcuts::ShortcutHelp;
use crate::ui::toast::{provide_toaster, ToastRegion};

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let session = crate::session::provide();
    // The language first, since every word depends on it.
    let i18n = crate::language::provide(session);
    crate::theme::provide(session);
    provide_toaster();
    let shortcuts = RwSignal::new(false);
    view! {
        <a class="skip-link" href="#main">{t!(i18n, common.skip_to_content)}</a>
        <Router>
            <Routes fallback=move || view! { <main id="main"><h1>{t!(i18n, common.not_found)}</h1></main> }>
                <Route path=path!("/signin") view=SignIn />
                <Route path=path!("/signup") view=SignUp />
                <Route path=path!("/verify") view=Verify />
                <Route path=path!("/") view=Home />
                <Route path=path!("/account") view=AccountPage />
                <Route path=path!("/settings") view=SettingsPage />
                <Route path=path!("/join") view=Join />
                <Route path=path!("/kit") view=KitPage />
                <Route path=path!("/s") view=LinkPage />
                <ParentRoute path=path!("/w/:ws") view=WorkspacePage>
                    <Route path=path!("") view=PickChannel />
                    <ParentRoute path=path!("c") view=MessagesApp>
                        <Route path=path!(":channel") view=ChannelView />
                    </ParentRoute>
                    <Route path=path!("people") view=PeoplePage />
                    <ParentRoute path=path!("drive") view=DriveApp>
                        <Route path=path!("") view=FolderView />
                        <Route path=path!("f/:folder") view=FolderView />
                        <Route path=path!("trash") view=TrashView />
                    </ParentRoute>
                    <Route path=path!("tasks") view=|| view! { <EmptyState app=AppKind::Tasks /> } />
                    <Route path=path!("calendar") view=|| view! { <EmptyState app=AppKind::Calendar /> } />
                </ParentRoute>
            </Routes>
        </Router>
        <p class="offline-banner" role="status">
            {move || session.offline.get().then_some(t!(i18n, common.offline))}
        </p>
        <ToastRegion />
        <ShortcutHelp open=shortcuts />
    }
}
