//! The dialogs of one item (share, versions, viewer, move, copy), opened from its row but held by
//! the folder: a row is made again whenever its item changes (a new version, a rename,
//! live from someone else), and a dialog in it would close with it. One dialog at a time
//! also keeps a 10,000-item folder from holding 30,000 of them.

use leptos::prelude::*;

use super::move_dialog::MoveDialog;
use super::preview::Viewer;
use super::share_dialog::ShareDialog;
use super::state::Items;
use super::versions::VersionsDialog;

/// Which dialog of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// Its share links.
    Share,
    /// A file's versions.
    Versions,
    /// A file in the viewer.
    View,
    /// Moving it to another folder.
    Move,
    /// Copying it into a folder.
    Copy,
}

/// The open dialog, if any: which, and of which item.
#[derive(Clone, Copy)]
pub struct OpenPanel(pub RwSignal<Option<(Panel, i64)>>);

impl OpenPanel {
    /// Opens `panel` of item `id`.
    pub fn open(&self, panel: Panel, id: i64) {
        self.0.set(Some((panel, id)));
    }
}

/// The open dialog (provide [`OpenPanel`] first).
#[component]
pub fn ItemPanels() -> impl IntoView {
    let panel = expect_context::<OpenPanel>().0;
    let items = expect_context::<Items>();
    // Made again only when another dialog opens, not when its item changes.
    move || {
        let (which, id) = panel.get()?;
        let item = items.0.with_untracked(|m| m.get(&id).cloned())?;
        let open = RwSignal::new(true);
        Effect::new(move |_| {
            if !open.get() {
                panel.set(None);
            }
        });
        Some(match which {
            Panel::Share => view! { <ShareDialog item=item open=open /> }.into_any(),
            Panel::Versions => view! { <VersionsDialog item=item open=open /> }.into_any(),
            Panel::View => view! { <Viewer item=item open=open /> }.into_any(),
            Panel::Move => view! { <MoveDialog chosen=vec![item] open=open /> }.into_any(),
            Panel::Copy => {
                view! { <MoveDialog chosen=vec![item] open=open copy=true /> }.into_any()
            }
        })
    }
}
