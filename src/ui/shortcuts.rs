//! The keyboard-shortcut help: `?` (outside text fields) opens a dialog listing every
//! shortcut of the app.

use leptos::prelude::*;

use super::dialog::Dialog;
use super::typing_into;
use crate::i18n::*;

/// One shortcut: its keys (each shown as a `<kbd>`, alternatives joined by "or") and
/// what it does.
pub struct Shortcut {
    /// The keys (in English; [`key_name`] gives them in the language in use).
    pub keys: &'static [&'static str],
    /// What it does, in a language.
    pub what: crate::language::Localized,
}

/// Key `k` of [`SHORTCUTS`] as the keyboards of `locale` name it.
pub fn key_name(locale: Locale, k: &'static str) -> &'static str {
    match k {
        "Enter" => td_string!(locale, ui.key_enter),
        "Shift+Enter" => td_string!(locale, ui.key_shift_enter),
        "Escape" => td_string!(locale, ui.key_escape),
        "Shift+Tab" => td_string!(locale, ui.key_shift_tab),
        "Space" => td_string!(locale, ui.key_space),
        "Delete" => td_string!(locale, ui.key_delete),
        "Shift+↑" => td_string!(locale, ui.key_shift_up),
        "Shift+↓" => td_string!(locale, ui.key_shift_down),
        "Ctrl+A" => td_string!(locale, ui.key_ctrl_a),
        _ => k,
    }
}

/// Every shortcut of the app.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: &["?"],
        what: |l| td_string!(l, ui.shortcut_show_list),
    },
    Shortcut {
        keys: &["/", "Ctrl+K"],
        what: |l| td_string!(l, ui.shortcut_search),
    },
    Shortcut {
        keys: &["Enter"],
        what: |l| td_string!(l, ui.shortcut_send),
    },
    Shortcut {
        keys: &["Shift+Enter"],
        what: |l| td_string!(l, ui.shortcut_new_line),
    },
    Shortcut {
        keys: &["Escape"],
        what: |l| td_string!(l, ui.shortcut_close),
    },
    Shortcut {
        keys: &["Tab", "Shift+Tab"],
        what: |l| td_string!(l, ui.shortcut_move_parts),
    },
    Shortcut {
        keys: &["↑", "↓"],
        what: |l| td_string!(l, ui.shortcut_move_lists),
    },
    Shortcut {
        keys: &["Space"],
        what: |l| td_string!(l, ui.shortcut_drive_select),
    },
    Shortcut {
        keys: &["Shift+↑", "Shift+↓"],
        what: |l| td_string!(l, ui.shortcut_drive_extend),
    },
    Shortcut {
        keys: &["Ctrl+A"],
        what: |l| td_string!(l, ui.shortcut_drive_all),
    },
    Shortcut {
        keys: &["Escape"],
        what: |l| td_string!(l, ui.shortcut_drive_clear),
    },
    Shortcut {
        keys: &["Delete"],
        what: |l| td_string!(l, ui.shortcut_drive_trash),
    },
];

/// The dialog, and the `?` key that opens it.
#[component]
pub fn ShortcutHelp(
    /// Open or closed (a button elsewhere may open it too).
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "?" && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() && !typing_into(&ev)
        {
            ev.prevent_default();
            open.set(true);
        }
    });
    on_cleanup(move || key.remove());
    view! {
        <Dialog open=open title=Signal::derive(move || t_string!(i18n, ui.shortcuts_title).to_string())
            class="ui-shortcuts">
            <table class="ui-shortcut-table">
                <thead><tr><th scope="col">{t!(i18n, ui.shortcuts_keys)}</th><th scope="col">{t!(i18n, ui.shortcuts_does)}</th></tr></thead>
                <tbody>
                    {SHORTCUTS.iter().map(move |s| view! {
                        <tr>
                            <td>{s.keys.iter().enumerate().map(move |(i, k)| view! {
                                {(i > 0).then_some(t!(i18n, ui.shortcuts_or))}
                                <kbd>{move || key_name(i18n.get_locale(), k)}</kbd>
                            }).collect_view()}</td>
                            <td>{move || (s.what)(i18n.get_locale())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="ui-dialog-actions">
                <button type="button" class="primary" autofocus on:click=move |_| open.set(false)>{t!(i18n, ui.close)}</button>
            </div>
        </Dialog>
    }
}
