//! Drive: a workspace's folders and files.
//!
//! [`DriveApp`] is the app's root route (`/w/:ws/drive`): it provides the app's state
//! ([`state`]: every item seen, merged by revision; the uploads) and keeps it live through
//! the workspace's drive room. Files, one concern each: [`folder_view`] (a folder: its
//! path, its items, new folder, upload, drop), [`item_row`] (one item: open, download,
//! share, rename, trash), [`selection`] (the items selected, and the list's keys),
//! [`bulk`] (actions on the selection), [`share_dialog`] (its links), [`preview`]
//! (viewer, thumbnails), [`versions`] (a file's versions), [`move_dialog`] (a folder
//! picker, to move or copy), [`search`] (by name), [`tree`] (folders picked or dropped,
//! walked), [`uploads`] (making their folders and sending files by tus),
//! [`upload_panel`] (their progress), [`trash_view`] (the trash: restore, empty),
//! [`window`] (which rows of a large folder are drawn). [`link_page`] is the page of a
//! share link (`/s`), outside the workspace.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::Outlet;

pub mod bulk;
pub mod folder_view;
pub mod item_row;
pub mod layout;
pub mod link_page;
pub mod move_dialog;
pub mod panels;
pub mod preview;
pub mod resume;
pub mod search;
pub mod selection;
pub mod share_dialog;
pub mod state;
pub mod trash_view;
pub mod tree;
pub mod upload_panel;
pub mod uploads;
pub mod versions;
pub mod window;

pub use folder_view::FolderView;
pub use link_page::LinkPage;
pub use trash_view::TrashView;

use crate::api::drive::DriveEvent;
use crate::api::{self, Collection};
use crate::realtime::{Event, Realtime};
use crate::shell::state::workspace_id;
use state::{Items, Uploads};

/// Asks the shown view to fetch its listing again (a live event may have been missed).
#[derive(Clone, Copy)]
pub struct Reload(pub RwSignal<u32>);

/// `/w/:ws/drive`: provides Drive's state and keeps it live.
#[component]
pub fn DriveApp() -> impl IntoView {
    let items = Items::new();
    let uploads = Uploads(RwSignal::new(Vec::new()));
    let reload = Reload(RwSignal::new(0));
    provide_context(items);
    provide_context(uploads);
    provide_context(reload);
    provide_context(uploads::Cancelled(StoredValue::new(Default::default())));
    provide_context(uploads::Sources::new());
    provide_context(panels::OpenPanel(RwSignal::new(None)));
    let ws = workspace_id();
    let rt = expect_context::<Realtime>();
    let rt_watch = rt.clone();
    Effect::new(move |prev: Option<i64>| {
        let id = ws.get();
        if let Some(old) = prev {
            rt_watch.unwatch(Collection::Drive(old));
        }
        items.0.set(HashMap::new());
        let on_event = move |ev: Event<DriveEvent>| match ev {
            Event::App {
                event: DriveEvent::Item { item },
                ..
            } => items.merge(item),
            Event::App {
                event: DriveEvent::Deleted { ids },
                ..
            } => items.remove(&ids),
            Event::Resync | Event::AccessLost => {
                let _ = reload.0.try_update(|n| *n += 1);
            }
        };
        let joining = rt_watch.watch(Collection::Drive(id), on_event);
        leptos::task::spawn_local(async move {
            let _: api::ApiResult<()> = joining.await;
        });
        id
    });
    on_cleanup(move || rt.unwatch(Collection::Drive(ws.get_untracked())));
    view! {
        <main id="main" class="drive">
            <Outlet />
            <panels::ItemPanels />
            <upload_panel::UploadPanel />
        </main>
    }
}

/// A size in bytes, for people (`12 KB`, `3.4 MB`).
pub fn size_label(bytes: i64) -> String {
    use crate::i18n::*;
    let l = crate::language::current();
    let b = bytes as f64;
    let round = |x: f64| crate::language::number((x * 10.0).round() / 10.0);
    if b < 1024.0 {
        td_string!(l, drive.size_bytes, n = crate::language::number(b))
    } else if b < 1024.0 * 1024.0 {
        td_string!(l, drive.size_kb, n = round(b / 1024.0))
    } else if b < 1024.0 * 1024.0 * 1024.0 {
        td_string!(l, drive.size_mb, n = round(b / 1024.0 / 1024.0))
    } else {
        td_string!(l, drive.size_gb, n = round(b / 1024.0 / 1024.0 / 1024.0))
    }
}

/// Downloads a file: a single-use URL from the server, followed by a link the browser
/// saves (the answer is an attachment: the page stays).
pub fn download(id: i64, on_error: impl Fn(api::ApiError) + 'static) {
    leptos::task::spawn_local(async move {
        match api::drive::download_url(id, None).await {
            Ok(u) => save(&u.url),
            Err(e) => on_error(e),
        }
    });
}

/// Downloads a folder as a zip, as [`download`] does a file.
pub fn download_zip(id: i64, on_error: impl Fn(api::ApiError) + 'static) {
    leptos::task::spawn_local(async move {
        match api::drive::folder_zip_url(id).await {
            Ok(u) => save(&u.url),
            Err(e) => on_error(e),
        }
    });
}

/// Has the browser save what `url` answers (an attachment).
pub fn save(url: &str) {
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(e).ok())
    {
        a.set_href(url);
        a.set_download("");
        a.click();
    }
}
