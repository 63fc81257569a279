//! Finding items by name across the workspace's drive (the server's blind index): a
//! search field above the folder; results list each item with the folders it is in, and
//! open its folder (or the folder itself).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::drive::{self, Found, ItemKind};
use crate::i18n::*;
use crate::shell::state::workspace_id;

/// The search field and, once something was searched, its results.
#[component]
pub fn DriveSearch() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<Found>, String>>);
    let asked = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked();
        if q.trim().is_empty() {
            results.set(None);
            return;
        }
        let ws = ws.get_untracked();
        spawn_local(async move {
            let r = drive::search(ws, &q).await.map_err(|e| e.message);
            let _ = asked.try_set(q);
            let _ = results.try_set(Some(r));
        });
    };
    let clear = move || {
        query.set(String::new());
        results.set(None);
    };
    view! {
        <form class="drive-search" role="search" on:submit=submit>
            <label class="visually-hidden" for="drive-search">{t!(i18n, drive.search_label)}</label>
            <input id="drive-search" type="search" maxlength="256"
                placeholder=move || td_string!(i18n.get_locale(), drive.search_label)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Escape" { clear(); } />
            <button type="submit">{t!(i18n, drive.search)}</button>
        </form>
        {move || results.get().map(|r| match r {
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Ok(found) => view! {
                <section class="drive-results" aria-labelledby="drive-results-title">
                    <h2 id="drive-results-title">{t!(i18n, drive.search_results, q = asked.get())}</h2>
                    {if found.is_empty() {
                        view! { <p class="note" role="status">{t!(i18n, drive.search_none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {found.into_iter().map(|f| view! { <FoundItem found=f on_open=clear /> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <button type="button" on:click=move |_| clear()>{t!(i18n, drive.search_clear)}</button>
                </section>
            }.into_any(),
        })}
    }
}

/// One item found: its name (opening its folder, or itself for a folder) and its path.
#[component]
fn FoundItem(found: Found, on_open: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let it = found.item;
    let ws = it.workspace_id;
    let target = match it.kind {
        ItemKind::Folder => Some(it.id),
        ItemKind::File => it.parent_id,
    };
    let href = match target {
        Some(f) => format!("/w/{ws}/drive/f/{f}"),
        None => format!("/w/{ws}/drive"),
    };
    let path = found
        .path
        .iter()
        .map(|f| f.name.clone())
        .collect::<Vec<_>>()
        .join(" › ");
    let folder = it.kind == ItemKind::Folder;
    view! {
        <li>
            <span class="drive-icon" aria-hidden="true">{if folder { "📁" } else { "📄" }}</span>
            <A href=href on:click=move |_| on_open()>{it.name.clone()}</A>
            <span class="note">{move || if path.is_empty() {
                td_string!(i18n.get_locale(), drive.search_at_top).to_owned()
            } else {
                td_string!(i18n.get_locale(), drive.search_in, path = path.clone())
            }}</span>
        </li>
    }
}
