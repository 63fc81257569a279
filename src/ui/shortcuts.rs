//! The keyboard-shortcut help: `?` (outside text fields) opens a dialog listing every
//! shortcut of the app.

use leptos::prelude::*;

use super::dialog::Dialog;
use super::typing_into;

/// One shortcut: its keys (each shown as a `<kbd>`, alternatives joined by "or") and
/// what it does.
pub struct Shortcut {
    /// The keys.
    pub keys: &'static [&'static str],
    /// What it does.
    pub what: &'static str,
}

/// Every shortcut of the app.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: &["?"],
        what: "Show this list",
    },
    Shortcut {
        keys: &["/", "Ctrl+K"],
        what: "Search",
    },
    Shortcut {
        keys: &["Enter"],
        what: "Send the message",
    },
    Shortcut {
        keys: &["Shift+Enter"],
        what: "New line in a message",
    },
    Shortcut {
        keys: &["Escape"],
        what: "Close a dialog, menu or thread; cancel an edit",
    },
    Shortcut {
        keys: &["Tab", "Shift+Tab"],
        what: "Move between parts of the page",
    },
    Shortcut {
        keys: &["↑", "↓"],
        what: "Move in menus, lists and tabs",
    },
];

/// The dialog, and the `?` key that opens it.
#[component]
pub fn ShortcutHelp(
    /// Open or closed (a button elsewhere may open it too).
    open: RwSignal<bool>,
) -> impl IntoView {
    let key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "?" && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() && !typing_into(&ev)
        {
            ev.prevent_default();
            open.set(true);
        }
    });
    on_cleanup(move || key.remove());
    view! {
        <Dialog open=open title="Keyboard shortcuts" class="ui-shortcuts">
            <table class="ui-shortcut-table">
                <thead><tr><th scope="col">{"Keys"}</th><th scope="col">{"Does"}</th></tr></thead>
                <tbody>
                    {SHORTCUTS.iter().map(|s| view! {
                        <tr>
                            <td>{s.keys.iter().enumerate().map(|(i, k)| view! {
                                {(i > 0).then_some(" or ")}<kbd>{*k}</kbd>
                            }).collect_view()}</td>
                            <td>{s.what}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="ui-dialog-actions">
                <button type="button" class="primary" autofocus on:click=move |_| open.set(false)>{"Close"}</button>
            </div>
        </Dialog>
    }
}
