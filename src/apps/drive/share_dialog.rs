//! The share dialog of an item: make a link (view, or file drop for a folder; optional
//! password, expiry and download limit), copy it, see the item's links and revoke them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::drive::{self, Item, ItemKind, NewShare, Share, ShareMode};
use crate::i18n::*;
use crate::language::Localized;
use crate::time::date_time;
use crate::ui::dialog::Dialog;

/// How long a new link may work, as offered: days (0: no end) and label.
const LIFETIMES: [(i64, Localized); 4] = [
    (0, |l| td_string!(l, drive.share_no_expiry)),
    (1, |l| td_string!(l, drive.share_1_day)),
    (7, |l| td_string!(l, drive.share_7_days)),
    (30, |l| td_string!(l, drive.share_30_days)),
];

/// The address of a share link on this site.
pub fn link_address(share: &Share) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{}", share.path)
}

/// The dialog, open while `open` is true.
#[component]
pub fn ShareDialog(item: Item, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let name = item.name.clone();
    let title = Signal::derive(move || t_string!(i18n, drive.share_title, name = name.clone()));
    view! {
        <Dialog open=open title=title class="wide drive-share">
            <ShareForm item=item.clone() />
            <div class="ui-dialog-actions">
                <button type="button" on:click=move |_| open.set(false)>{t!(i18n, drive.close)}</button>
            </div>
        </Dialog>
    }
}

#[component]
fn ShareForm(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let folder = item.kind == ItemKind::Folder;
    let reload = RwSignal::new(0u32);
    let links = LocalResource::new(move || {
        reload.track();
        async move { drive::item_shares(id).await }
    });
    let mode = RwSignal::new(ShareMode::View);
    let password = RwSignal::new(String::new());
    let days = RwSignal::new(0i64);
    let limit = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let made = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let l = crate::language::current();
        let limit_text = limit.get_untracked();
        let download_limit = match limit_text.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    error.set(Some(td_string!(l, drive.share_limit_invalid).to_owned()));
                    return;
                }
            },
        };
        let pw = password.get_untracked();
        let d = days.get_untracked();
        let share = NewShare {
            mode: Some(mode.get_untracked()),
            password: (!pw.is_empty()).then_some(pw),
            expires_at: (d > 0).then(|| crate::time::now() + d * 86_400),
            download_limit,
        };
        spawn_local(async move {
            match drive::create_share(id, &share).await {
                Ok(s) => {
                    error.set(None);
                    password.set(String::new());
                    made.set(Some(link_address(&s)));
                    reload.update(|n| *n += 1);
                }
                // What was typed stays, with the reason.
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let copy = move |_| {
        if let Some(address) = made.get_untracked() {
            copy_link(address, note);
        }
    };
    view! {
        <form class="stack small-form drive-share-form" on:submit=submit>
            <Show when=move || folder>
                <fieldset>
                    <legend>{t!(i18n, drive.share_mode)}</legend>
                    <label>
                        <input type="radio" name="share-mode" value="view"
                            prop:checked=move || mode.get() == ShareMode::View
                            on:change=move |_| mode.set(ShareMode::View) />
                        {t!(i18n, drive.share_mode_view)}
                    </label>
                    <label>
                        <input type="radio" name="share-mode" value="drop"
                            prop:checked=move || mode.get() == ShareMode::Drop
                            on:change=move |_| mode.set(ShareMode::Drop) />
                        {t!(i18n, drive.share_mode_drop)}
                    </label>
                </fieldset>
            </Show>
            <label for="share-password">{t!(i18n, drive.share_password)}</label>
            <input id="share-password" type="password" autocomplete="new-password" minlength="8" maxlength="256"
                aria-describedby="share-password-note"
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev)) />
            <p id="share-password-note" class="note">{t!(i18n, drive.share_password_note)}</p>
            <label for="share-expiry">{t!(i18n, drive.share_expiry)}</label>
            <select id="share-expiry" prop:value=move || days.get().to_string()
                on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { days.set(d) }>
                {LIFETIMES.into_iter().map(|(d, label)| view! {
                    <option value=d.to_string()>{move || label(i18n.get_locale())}</option>
                }).collect_view()}
            </select>
            <Show when=move || mode.get() == ShareMode::View>
                <label for="share-limit">{t!(i18n, drive.share_limit)}</label>
                <input id="share-limit" type="number" min="1" inputmode="numeric"
                    aria-describedby="share-limit-note"
                    prop:value=move || limit.get()
                    on:input=move |ev| limit.set(event_target_value(&ev)) />
                <p id="share-limit-note" class="note">{t!(i18n, drive.share_limit_note)}</p>
            </Show>
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary">{t!(i18n, drive.share_make)}</button>
        </form>
        {move || made.get().map(|address| view! {
            <div class="new-link stack">
                <label for="share-new-link">{t!(i18n, drive.share_new_link)}</label>
                <input id="share-new-link" readonly prop:value=address
                    on:focus=select_all />
                <button type="button" on:click=copy>{t!(i18n, drive.share_copy)}</button>
            </div>
        })}
        <p class="note" role="status">{move || note.get()}</p>
        <h3 id="share-links-heading">{t!(i18n, drive.share_links)}</h3>
        <Transition fallback=move || view! { <p>{t!(i18n, drive.loading)}</p> }>
            {move || links.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="note">{t!(i18n, drive.share_none)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="invite-list" aria-labelledby="share-links-heading">
                        {list.into_iter().map(|s| view! { <ShareRow share=s reload=reload note=note /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// One link of the item: what it allows, its limits, copy and revoke.
#[component]
fn ShareRow(share: Share, reload: RwSignal<u32>, note: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let id = share.id;
    let address = link_address(&share);
    let summary = {
        let s = share.clone();
        move || {
            let l = i18n.get_locale();
            let mut parts = vec![match s.mode {
                ShareMode::View => td_string!(l, drive.share_mode_view).to_owned(),
                ShareMode::Drop => td_string!(l, drive.share_mode_drop).to_owned(),
            }];
            if s.has_password {
                parts.push(td_string!(l, drive.share_has_password).to_owned());
            }
            if let Some(t) = s.expires_at {
                parts.push(td_string!(l, drive.share_until, date = date_time(t)));
            }
            match s.download_limit {
                Some(max) => parts.push(td_string!(
                    l,
                    drive.share_downloads_of,
                    n = s.downloads,
                    max = max
                )),
                None if s.mode == ShareMode::View => {
                    parts.push(td_string!(l, drive.share_downloads, n = s.downloads))
                }
                None => {}
            }
            parts.join(" · ")
        }
    };
    let copy = move |_| copy_link(address.clone(), note);
    let revoke = move |_| {
        spawn_local(async move {
            match drive::revoke_share(id).await {
                Ok(()) => {
                    note.set(Some(
                        td_string!(crate::language::current(), drive.share_revoked).to_owned(),
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <li class="invite">
            <span class="invite-who">{summary}</span>
            <span class="spacer">{""}</span>
            <button type="button" on:click=copy>{t!(i18n, drive.share_copy)}</button>
            <button type="button" class="danger" on:click=revoke>{t!(i18n, drive.share_revoke)}</button>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}

/// Selects all of a field's text (focusing the link selects it, ready to copy).
fn select_all(ev: leptos::ev::FocusEvent) {
    event_target::<web_sys::HtmlInputElement>(&ev).select();
}

/// Copies a link's `address` and says whether it worked in `note`.
fn copy_link(address: String, note: RwSignal<Option<String>>) {
    spawn_local(async move {
        let l = crate::language::current();
        note.set(Some(
            if crate::ui::copy_text(&address).await {
                td_string!(l, drive.share_copied)
            } else {
                td_string!(l, drive.share_copy_failed)
            }
            .to_owned(),
        ));
    });
}
