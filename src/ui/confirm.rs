//! Confirmation (WAI-ARIA "Alert Dialog"): a question, "Cancel" (focused first, the safe
//! choice) and the action, red when it destroys something.

use leptos::prelude::*;

use crate::i18n::*;

use super::dialog::Dialog;

/// Asks `message`; `on_confirm` runs when the person presses `confirm`.
#[component]
pub fn ConfirmDialog(
    /// Open or closed.
    open: RwSignal<bool>,
    /// The heading, e.g. "Delete this message?".
    #[prop(into)]
    title: Signal<String>,
    /// What will happen.
    #[prop(into)]
    message: Signal<String>,
    /// The action's label, e.g. "Delete".
    #[prop(into)]
    confirm: Signal<String>,
    /// Whether the action destroys something.
    #[prop(optional)]
    danger: bool,
    /// Runs on confirmation (the dialog closes first).
    on_confirm: Callback<()>,
) -> impl IntoView {
    // A modal question is answered before any change of language: its words once.
    let locale = use_i18n().get_locale_untracked();
    let class = if danger { "danger-solid" } else { "primary" };
    view! {
        <Dialog open=open title=title class="ui-confirm">
            <p class="ui-confirm-message">{move || message.get()}</p>
            <div class="ui-dialog-actions">
                <button type="button" autofocus on:click=move |_| open.set(false)>{td_string!(locale, ui.cancel)}</button>
                <button type="button" class=class on:click=move |_| {
                    open.set(false);
                    on_confirm.run(());
                }>{move || confirm.get()}</button>
            </div>
        </Dialog>
    }
}
