//! On the account page: passkeys. Add one (the browser makes it, named by the person),
//! see when each was made and last used, rename or remove it.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, PasskeyInfo};
use crate::time::date_time;
use crate::webauthn;

/// The passkeys section of the account page.
#[component]
pub fn Passkeys() -> impl IntoView {
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
                    said.set(Some(format!(
                        "Passkey “{}” added: it signs you in on its own",
                        p.name
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
            <h2 id="passkeys-heading">{"Passkeys"}</h2>
            <p>{"A passkey signs you in without a password or a code: your device checks it is you (fingerprint, face, PIN) and answers for you."}</p>
            <p class="note" role="status">{move || said.get()}</p>
            <Transition fallback=|| view! { <p>{"Loading…"}</p> }>
                {move || list.get().map(|r| match r {
                    Ok(l) if l.is_empty() => view! { <p class="note">{"No passkey yet."}</p> }.into_any(),
                    Ok(l) => view! {
                        <ul class="session-list" aria-labelledby="passkeys-heading">
                            {l.into_iter().map(|p| view! { <PasskeyRow p=p reload=reload said=said /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <form on:submit=add class="stack small-form">
                <label for="passkey-name">{"Name for a new passkey (e.g. Laptop)"}</label>
                <input id="passkey-name" required maxlength="64"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="passkey-password">{"Your password"}</label>
                <input id="passkey-password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || busy.get()>{"Add a passkey"}</button>
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
    let id = p.id;
    let current = p.name.clone();
    let renaming = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let new_name = RwSignal::new(p.name.clone());
    let error = RwSignal::new(None::<String>);
    let used = p.last_used_at.map_or_else(
        || "never used yet".to_owned(),
        |t| format!("last used {}", date_time(t)),
    );
    let rename = move |ev: SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::rename_passkey(id, &new_name.get_untracked()).await {
                Ok(p) => {
                    said.set(Some(format!("Renamed to “{}”", p.name)));
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
                        said.set(Some(format!(
                            "Passkey “{current}” removed: it no longer signs you in"
                        )));
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        }
    };
    let input_id = format!("passkey-{id}");
    view! {
        <li class="session">
            <span class="session-device">{p.name.clone()}</span>
            <span class="note">{format!("added {}, {used}", date_time(p.created_at))}</span>
            <button type="button" on:click=move |_| renaming.update(|r| *r = !*r)
                aria-expanded=move || renaming.get().to_string()
                aria-label=format!("Rename {}", p.name)>{"Rename"}</button>
            <button type="button" class="danger" on:click=remove
                aria-label=move || format!("{} {}", if confirm.get() { "Confirm: remove" } else { "Remove" }, current)>
                {move || if confirm.get() { "Confirm: remove" } else { "Remove" }}
            </button>
            <Show when=move || renaming.get()>
                <form on:submit=rename class="check">
                    <label for=input_id.clone()>{"New name"}</label>
                    <input id=input_id.clone() required maxlength="64"
                        prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    <button type="submit">{"Save"}</button>
                </form>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}
