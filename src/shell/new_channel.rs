//! "New channel…" in the sidebar: a dialog with the channel's name and whether it is
//! private; creating it opens it. A failed request keeps the dialog and what was typed,
//! and Create again sends the same request (its idempotency key), so a lost answer never
//! makes a second channel.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::state::{workspace_id, RefreshChannels};
use crate::api;
use crate::i18n::*;
use crate::ui::dialog::Dialog;

/// The sidebar's button and its dialog.
#[component]
pub fn NewChannelButton() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <p class="nav-tools">
            <button type="button" on:click=move |_| open.set(true)>{t!(i18n, shell.new_channel_button)}</button>
        </p>
        <Dialog open=open title=Signal::derive(move || t_string!(i18n, shell.new_channel).to_owned())>
            <NewChannel open=open />
        </Dialog>
    }
}

/// The form.
#[component]
fn NewChannel(open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let refresh = expect_context::<RefreshChannels>();
    let name = RwSignal::new(String::new());
    let private = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let retry_key = StoredValue::new(api::RetryKey::default());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let (ws, channel, private) = (
            ws.get_untracked(),
            name.get_untracked(),
            private.get_untracked(),
        );
        let key = retry_key
            .try_update_value(|k| k.for_request(&format!("{ws}\n{private}\n{channel}")))
            .unwrap_or_default();
        spawn_local(async move {
            match api::create_channel(ws, &channel, private, &key).await {
                Ok(c) => {
                    retry_key.update_value(|k| k.done());
                    refresh.0.update(|n| *n += 1);
                    open.set(false);
                    navigate(
                        &format!("/w/{}/c/{}", c.workspace_id, c.id),
                        Default::default(),
                    );
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form on:submit=submit class="stack">
            <label for="new-channel">{t!(i18n, shell.channel_name)}</label>
            <input id="new-channel" required maxlength="80" autofocus
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <label class="check">
                <input type="checkbox" prop:checked=move || private.get()
                    on:change=move |ev| private.set(event_target_checked(&ev)) />
                {t!(i18n, shell.private_label)}
            </label>
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="ui-dialog-actions">
                <button type="button" on:click=move |_| open.set(false)>{t!(i18n, shell.cancel)}</button>
                <button type="submit" class="primary">{t!(i18n, shell.create)}</button>
            </div>
        </form>
    }
}
