//! For the workspace's admins and owners, on the People page and in the sidebar's
//! "Invite people…" dialog: invite someone by username or e-mail address and see the
//! invitations waiting for an answer (and withdraw them); make invite links with an
//! expiry and a use limit, copy them, see how much they were used, revoke them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{workspace_id, MemberNames};
use crate::api::{self, Action, InviteLink, SentInvitation};
use crate::i18n::*;
use crate::language::Localized;
use crate::session::use_session;
use crate::time::date_time;
use crate::ui::dialog::Dialog;

/// How long a new link may work, as offered: hours and label.
const LINK_LIFETIMES: [(u32, Localized); 4] = [
    (1, |l| td_string!(l, shell.link_hour)),
    (24, |l| td_string!(l, shell.link_day)),
    (7 * 24, |l| td_string!(l, shell.link_7_days)),
    (30 * 24, |l| td_string!(l, shell.link_30_days)),
];

/// Invitations and invite links.
#[component]
pub fn Invites() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="invites" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t!(i18n, shell.invite_people)}</h2>
            <Invitations />
            <Links />
        </section>
    }
}

/// The sidebar's "Invite people…" button (for those who may invite; not on the People
/// page, which shows the same forms) and its dialog.
#[component]
pub fn InviteButton() -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let location = leptos_router::hooks::use_location();
    let names = expect_context::<MemberNames>();
    let session = use_session();
    let may = move || {
        let me = session.user.with(|u| u.as_ref().map(|u| u.id));
        let allowed = names.members.with(|l| {
            l.iter()
                .find(|m| Some(m.user_id) == me)
                .is_some_and(|m| m.role.may(Action::Invite))
        });
        allowed && !location.pathname.with(|p| p.ends_with("/people"))
    };
    view! {
        <Show when=may>
            <p class="nav-tools">
                <button type="button" on:click=move |_| open.set(true)>{t!(i18n, shell.invite_people_button)}</button>
            </p>
        </Show>
        <Dialog open=open title=Signal::derive(move || t_string!(i18n, shell.invite_people).to_owned()) class="wide">
            <div class="invites">
                <Invitations />
                <Links />
            </div>
            <div class="ui-dialog-actions">
                <button type="button" on:click=move |_| open.set(false)>{t!(i18n, shell.close)}</button>
            </div>
        </Dialog>
    }
}

/// The form that invites one person, and the invitations waiting for an answer.
#[component]
fn Invitations() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let reload = RwSignal::new(0u32);
    let sent = LocalResource::new(move || {
        let id = ws.get();
        reload.track();
        async move { api::sent_invitations(id).await }
    });
    let who = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let retry_key = StoredValue::new(api::RetryKey::default());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (ws, user) = (ws.get_untracked(), who.get_untracked());
        let key = retry_key
            .try_update_value(|k| k.for_request(&format!("{ws}\n{user}")))
            .unwrap_or_default();
        spawn_local(async move {
            match api::invite(ws, &user, &key).await {
                Ok(i) => {
                    retry_key.update_value(|k| k.done());
                    error.set(None);
                    note.set(Some(td_string!(
                        crate::language::current(),
                        shell.invitation_sent,
                        user = i.user
                    )));
                    who.set(String::new());
                    reload.update(|n| *n += 1);
                }
                // What was typed stays, with the reason.
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <form on:submit=submit class="stack small-form">
            <label for="invite">{t!(i18n, shell.invite_field)}</label>
            <input id="invite" required maxlength="254" autocomplete="off"
                prop:value=move || who.get()
                on:input=move |ev| who.set(event_target_value(&ev)) />
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="note" role="status">{move || note.get()}</p>
            <button type="submit">{t!(i18n, shell.send_invitation)}</button>
        </form>
        <h3 id="sent-heading">{t!(i18n, shell.waiting_heading)}</h3>
        <Transition fallback=move || view! { <p>{t!(i18n, shell.loading)}</p> }>
            {move || sent.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="note">{t!(i18n, shell.no_invitation_waiting)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="invite-list" aria-labelledby="sent-heading">
                        {list.into_iter().map(|i| view! { <SentRow i=i reload=reload note=note /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// One invitation waiting for an answer.
#[component]
fn SentRow(
    i: SentInvitation,
    reload: RwSignal<u32>,
    note: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let error = RwSignal::new(None::<String>);
    let (id, user) = (i.id, i.user.clone());
    let (invited_by, expires_at, invitee) = (i.invited_by.clone(), i.expires_at, i.user.clone());
    let withdraw = move |_| {
        let user = user.clone();
        spawn_local(async move {
            match api::withdraw_invitation(ws.get_untracked(), id).await {
                Ok(()) => {
                    note.set(Some(td_string!(
                        crate::language::current(),
                        shell.invitation_withdrawn,
                        user = user
                    )));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <li class="invite">
            <span class="invite-who">{i.user.clone()}</span>
            <span class="note">{move || t_string!(i18n, shell.invited_by, by = invited_by.clone(), until = date_time(expires_at))}</span>
            <span class="spacer">{""}</span>
            <button type="button" on:click=withdraw aria-label=move || t_string!(i18n, shell.withdraw_label, user = invitee.clone())>
                {t!(i18n, shell.withdraw)}
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}

/// The address of a link with this token, on this site.
fn link_address(token: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/join#{token}")
}

/// The form that makes an invite link, the link it made (shown once), and the links that
/// still let people in.
#[component]
fn Links() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let reload = RwSignal::new(0u32);
    let links = LocalResource::new(move || {
        let id = ws.get();
        reload.track();
        async move { api::invite_links(id).await }
    });
    let hours = RwSignal::new(7 * 24u32);
    let uses = RwSignal::new("10".to_owned());
    let made = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (ws, hours) = (ws.get_untracked(), hours.get_untracked());
        let Ok(max_uses) = uses.get_untracked().trim().parse::<u32>() else {
            error.set(Some(t_string!(i18n, shell.uses_invalid).into()));
            return;
        };
        spawn_local(async move {
            match api::create_invite_link(ws, hours, max_uses).await {
                Ok(link) => {
                    error.set(None);
                    made.set(link.token.as_deref().map(link_address));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h3 id="links-heading">{t!(i18n, shell.links_heading)}</h3>
        <p class="note">{t!(i18n, shell.links_note)}</p>
        <form on:submit=submit class="stack small-form link-form">
            <label for="link-hours">{t!(i18n, shell.works_for)}</label>
            <select id="link-hours" prop:value=move || hours.get().to_string()
                on:change=move |ev| if let Ok(h) = event_target_value(&ev).parse() { hours.set(h) }>
                {LINK_LIFETIMES.into_iter().map(|(h, label)| view! {
                    <option value=h.to_string() selected=h == hours.get_untracked()>{move || label(i18n.get_locale())}</option>
                }).collect_view()}
            </select>
            <label for="link-uses">{t!(i18n, shell.how_many)}</label>
            <input id="link-uses" type="number" min="1" max="1000" required inputmode="numeric"
                prop:value=move || uses.get()
                on:input=move |ev| uses.set(event_target_value(&ev)) />
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit">{t!(i18n, shell.make_link)}</button>
        </form>
        {move || made.get().map(|address| view! { <NewLink address=address note=note /> })}
        <p class="note" role="status">{move || note.get()}</p>
        <Transition fallback=move || view! { <p>{t!(i18n, shell.loading)}</p> }>
            {move || links.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="note">{t!(i18n, shell.no_link)}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="invite-list" aria-labelledby="links-heading">
                        {list.into_iter().map(|l| view! { <LinkRow l=l reload=reload note=note /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// A link just made: its address (shown this once) and a button that copies it.
#[component]
fn NewLink(address: String, note: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let copy = {
        let address = address.clone();
        move |_| {
            let address = address.clone();
            spawn_local(async move {
                let copied = crate::ui::copy_text(&address).await;
                let locale = crate::language::current();
                note.set(Some(
                    if copied {
                        td_string!(locale, shell.link_copied)
                    } else {
                        td_string!(locale, shell.copy_failed)
                    }
                    .into(),
                ));
            });
        }
    };
    view! {
        <div class="new-link stack">
            <label for="new-link">{t!(i18n, shell.new_link)}</label>
            <input id="new-link" readonly prop:value=address
                on:focus=select_all />
            <button type="button" on:click=copy>{t!(i18n, shell.copy_link)}</button>
        </div>
    }
}

/// Selects all of a field's text (focusing the link selects it, ready to copy).
fn select_all(ev: leptos::ev::FocusEvent) {
    event_target::<web_sys::HtmlInputElement>(&ev).select();
}

/// One working link.
#[component]
fn LinkRow(l: InviteLink, reload: RwSignal<u32>, note: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let error = RwSignal::new(None::<String>);
    let id = l.id;
    let (created_by, created_at, expires_at) = (l.created_by.clone(), l.created_at, l.expires_at);
    let label = move || {
        t_string!(
            i18n,
            shell.made_by,
            by = created_by.clone(),
            date = date_time(created_at)
        )
    };
    let revoke = move |_| {
        spawn_local(async move {
            match api::revoke_invite_link(ws.get_untracked(), id).await {
                Ok(()) => {
                    note.set(Some(
                        td_string!(crate::language::current(), shell.link_revoked).into(),
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <li class="invite">
            <span class="invite-who">{t!(i18n, shell.uses_of, uses = l.uses, max = l.max_uses)}</span>
            <span class="note">{
                let label = label.clone();
                move || t_string!(i18n, shell.link_until, label = label(), until = date_time(expires_at))
            }</span>
            <span class="spacer">{""}</span>
            <button type="button" class="danger" on:click=revoke
                aria-label=move || t_string!(i18n, shell.revoke_label, label = label())>{t!(i18n, shell.revoke)}</button>
            <p class="error" role="alert">{move || error.get()}</p>
        </li>
    }
}
