//! On the account page: passkeys. Add one (the browser makes it, named by the person),
//! see when each was made and last used, rename or remove it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, PasskeyInfo};
use crate::i18n::*;
use crate::time::date_time;
use crate::webauthn;

/// The passkeys section of the account page.
#[component]
pub fn Passkeys() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        api::passkeys()
    });
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let said = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let r = async {
                let started = api::passkey_register_start(&password.get_untracked())
                    .await
                    .map_err(|e| e.message)?;
                let credential = webauthn::create(&started.options).await?;
                api::passkey_register_finish(&started.ceremony, &name.get_untracked(), credential)
                    .await
                    .map_err(|e| e.message)
            }
            .await;
            match r {
                Ok(p) => {
                    said.set(Some(td_string!(
                        crate::language::current(),
                        auth.passkey_added,
                        name = p.name
                    )));
                    name.set(String::new());
                    password.set(String::new());
                    reload.update(|n| *n += 1);
                }
                // The name stays, to try again.
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">{t!(i18n, auth.passkeys_title)}</h2>
            <p>{t!(i18n, auth.passkeys_intro)}</p>
            <p class="note" role="status">{move || said.get()}</p>
            <Transition fallback=move || view! { <p>{t!(i18n, auth.loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(l) if l.is_empty() => view! { <p class="note">{t!(i18n, auth.no_passkey)}</p> }.into_any(),
                    Ok(l) => view! {
                        <ul class="session-list" aria-labelledby="passkeys-heading">
                            {l.into_iter().map(|p| view! { <PasskeyRow p=p reload=reload said=said /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <form on:submit=add class="stack small-form">
                <label for="passkey-name">{t!(i18n, auth.passkey_name_label)}</label>
                <input id="passkey-name" required maxlength="64"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="passkey-password">{t!(i18n, auth.your_password)}</label>
                <input id="passkey-password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || busy.get()>{t!(i18n, auth.add_passkey)}</button>
            </form>
        </section>
    }
}

/// One passkey: its name and dates; rename, remove (asked twice).
#[component]
fn PasskeyRow(
    p: PasskeyInfo,
    reload: RwSignal<u32>,
    said: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = p.id;
    let current = p.name.clone();
    let renaming = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let new_name = RwSignal::new(p.name.clone());
    let error = RwSignal::new(None::<String>);
    let last_used_at = p.last_used_at;
    let used = move || {
        last_used_at.map_or_else(
            || t_string!(i18n, auth.never_used).to_owned(),
            |t| t_string!(i18n, auth.last_used, date = date_time(t)),
        )
    };
    let rename = move |ev: SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::rename_passkey(id, &new_name.get_untracked()).await {
                Ok(p) => {
                    said.set(Some(td_string!(
                        crate::language::current(),
                        auth.passkey_renamed,
                        name = p.name
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let remove = {
        let current = current.clone();
        move |_| {
            if !confirm.get_untracked() {
                confirm.set(true);
                return;
            }
            let current = current.clone();
            spawn_local(async move {
                match api::remove_passkey(id).await {
                    Ok(()) => {
                        said.set(Some(td_string!(
                            crate::language::current(),
                            auth.passkey_removed,
                            name = current
                        )));
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let input_id = format!("passkey-{id}");
    let created_at = p.created_at;
    view! {
        <li class="session">
            <span class="session-device">{p.name.clone()}</span>
            <span class="note">{move || t_string!(i18n, auth.passkey_dates, date = date_time(created_at), used = used())}</span>
            <button type="button" on:click=move |_| renaming.update(|r| *r = !*r)
                aria-expanded=move || renaming.get().to_string()
                aria-label={
                    let name = p.name.clone();
                    move || t_string!(i18n, auth.rename_named, name = name.clone())
                }>{t!(i18n, auth.rename)}</button>
            <button type="button" class="danger" on:click=remove
                aria-label=move || if confirm.get() {
                    t_string!(i18n, auth.confirm_remove_named, name = current.clone())
                } else {
                    t_string!(i18n, auth.remove_named, name = current.clone())
                }>
                {move || if confirm.get() { t_string!(i18n, auth.confirm_remove) } else { t_string!(i18n, auth.remove) }}
            </button>
            <Show when=move || renaming.get()>
                <form on:submit=rename class="check">
                    <label for=input_id.clone()>{t!(i18n, auth.new_name)}</label>
                    <input id=input_id.clone() required maxlength="64"
                        prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    <button type="submit">{t!(i18n, auth.save)}</button>
                </form>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}
