//! On the account page: two-factor sign-in. Set it up (scan the QR code or type the
//! secret into an authenticator app, then prove it with a first code), keep the ten
//! recovery codes it gives, get new ones or turn it off (both with the password).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, TotpSetup};
use crate::i18n::*;
use crate::qr::QrImage;

/// The two-factor section of the account page.
#[component]
pub fn TwoFactor() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let status = LocalResource::new(move || {
        reload.track();
        api::totp_status()
    });
    // The setup under way, and recovery codes to show (once).
    let setup = RwSignal::new(None::<TotpSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let said = RwSignal::new(None::<String>);
    view! {
        <section aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">{t!(i18n, auth.two_factor_title)}</h2>
            <p class="note" role="status">{move || said.get()}</p>
            {move || codes.get().map(|list| view! { <ShowCodes list=list codes=codes /> })}
            <Transition fallback=move || view! { <p>{t!(i18n, auth.loading)}</p> }>
                {move || status.get().map(|r| match r {
                    Ok(s) if s.enabled => view! {
                        <p>{
                            let n = s.recovery_codes_left;
                            move || if crate::language::one(n) {
                                t!(i18n, auth.two_factor_on_one, count = n).into_any()
                            } else {
                                t!(i18n, auth.two_factor_on_plural, count = n).into_any()
                            }
                        }</p>
                        <Manage reload=reload codes=codes said=said />
                    }.into_any(),
                    Ok(_) => view! {
                        <Show when=move || setup.with(Option::is_some)
                            fallback=move || view! { <Start setup=setup /> }>
                            <Confirm setup=setup codes=codes reload=reload said=said />
                        </Show>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// Off: what it is, and the form (the password) that starts the setup.
#[component]
fn Start(setup: RwSignal<Option<TotpSetup>>) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let start = move |ev: SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::totp_setup(&password.get_untracked()).await {
                Ok(s) => setup.set(Some(s)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <p>{t!(i18n, auth.two_factor_off)}</p>
        <form on:submit=start class="stack small-form">
            <label for="totp-password">{t!(i18n, auth.password_to_set_up)}</label>
            <input id="totp-password" type="password" autocomplete="current-password" required
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev)) />
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary">{t!(i18n, auth.set_up_two_factor)}</button>
        </form>
    }
}

/// The secret as a QR code and as text, and the first code that turns it on.
#[component]
fn Confirm(
    setup: RwSignal<Option<TotpSetup>>,
    codes: RwSignal<Option<Vec<String>>>,
    reload: RwSignal<u32>,
    said: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match api::totp_confirm(code.get_untracked().trim()).await {
                Ok(c) => {
                    setup.set(None);
                    codes.set(Some(c.codes));
                    said.set(Some(
                        td_string!(crate::language::current(), auth.two_factor_turned_on).into(),
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    code.set(String::new());
                    error.set(Some(e.message));
                }
            }
            busy.set(false);
        });
    };
    let s = setup.get_untracked().unwrap_or(TotpSetup {
        secret: String::new(),
        uri: String::new(),
    });
    // The secret in groups of four, as apps that cannot scan ask for it.
    let grouped = s
        .secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <ol class="setup-steps">
            <li>
                <p>{t!(i18n, auth.scan_code)}</p>
                <QrImage data=s.uri.clone() label=t_string!(i18n, auth.qr_label).to_owned() />
                <p>{t!(i18n, auth.type_key)}</p>
                <p><code class="totp-secret" aria-label=move || t_string!(i18n, auth.two_factor_key)>{grouped}</code></p>
            </li>
            <li>
                <form on:submit=submit class="stack">
                    <label for="totp-code">{t!(i18n, auth.then_code)}</label>
                    <input id="totp-code" required inputmode="numeric" autocomplete="one-time-code"
                        maxlength="6" pattern="[0-9]{6}"
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev)) />
                    <p class="error" role="alert">{move || error.get()}</p>
                    <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, auth.turn_on)}</button>
                    <button type="button" on:click=move |_| setup.set(None)>{t!(i18n, auth.cancel)}</button>
                </form>
            </li>
        </ol>
    }
}

/// Recovery codes, shown once.
#[component]
fn ShowCodes(list: Vec<String>, codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="recovery" role="group" aria-labelledby="recovery-heading">
            <h3 id="recovery-heading">{t!(i18n, auth.recovery_title)}</h3>
            <p>{t!(i18n, auth.recovery_note)}</p>
            <ol class="recovery-codes">
                {list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ol>
            <button type="button" on:click=move |_| codes.set(None)>{t!(i18n, auth.saved_them)}</button>
        </div>
    }
}

/// On: new recovery codes, or off; each asks for the password.
#[component]
fn Manage(
    reload: RwSignal<u32>,
    codes: RwSignal<Option<Vec<String>>>,
    said: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let renew_password = RwSignal::new(String::new());
    let off_password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let renew = move |ev: SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::new_recovery_codes(&renew_password.get_untracked()).await {
                Ok(c) => {
                    error.set(None);
                    renew_password.set(String::new());
                    codes.set(Some(c.codes));
                    said.set(Some(
                        td_string!(crate::language::current(), auth.new_codes_said).into(),
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let off = move |ev: SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match api::totp_disable(&off_password.get_untracked()).await {
                Ok(()) => {
                    error.set(None);
                    codes.set(None);
                    said.set(Some(
                        td_string!(crate::language::current(), auth.two_factor_turned_off).into(),
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <p class="error" role="alert">{move || error.get()}</p>
        <form on:submit=renew class="stack small-form">
            <label for="renew-password">{t!(i18n, auth.password_for_new_codes)}</label>
            <input id="renew-password" type="password" autocomplete="current-password" required
                prop:value=move || renew_password.get()
                on:input=move |ev| renew_password.set(event_target_value(&ev)) />
            <button type="submit">{t!(i18n, auth.get_new_codes)}</button>
        </form>
        <form on:submit=off class="stack small-form">
            <label for="off-password">{t!(i18n, auth.password_to_turn_off)}</label>
            <input id="off-password" type="password" autocomplete="current-password" required
                prop:value=move || off_password.get()
                on:input=move |ev| off_password.set(event_target_value(&ev)) />
            <button type="submit" class="danger">{t!(i18n, auth.turn_off_two_factor)}</button>
        </form>
    }
}
