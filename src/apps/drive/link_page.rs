//! `/s#<token>`: the page of a share link, for anyone who has it, signed in or not. The
//! token stays after `#` (browsers never send it) and goes to the API in a header. A
//! password-protected link asks for its password first. A `view` link shows its file
//! (download) or its folder (browse, download each file); a `drop` link takes files
//! (picked or dropped) and shows their progress, nothing of the folder.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::size_label;
use super::state::{Upload, UploadStatus, Uploads};
use super::tree;
use super::upload_panel::UploadPanel;
use super::uploads::{send, Cancelled};
use crate::api::drive::{self, ItemKind, LinkKey, ShareInfo, ShareMode, SharedItem, UploadTarget};
use crate::api::ApiError;
use crate::i18n::*;

/// The token in the address, after `#`.
fn token_in_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

/// What to tell someone whose link does not work.
fn dead_link(e: &ApiError) -> String {
    let l = crate::language::current();
    match e.code.as_str() {
        "SHARE_NOT_FOUND" => td_string!(l, drive.link_dead).to_owned(),
        "SHARE_EXPIRED" => td_string!(l, drive.link_expired).to_owned(),
        _ => e.message.clone(),
    }
}

/// `/s`.
#[component]
pub fn LinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let key = RwSignal::new(LinkKey {
        token: token_in_address(),
        grant: None,
    });
    // Another link pasted into the address bar of this page only changes the fragment.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        key.set(LinkKey {
            token: token_in_address(),
            grant: None,
        });
    });
    on_cleanup(move || listener.remove());
    let info = LocalResource::new(move || {
        let k = key.get();
        async move { drive::share_info(&k).await }
    });
    provide_context(Uploads(RwSignal::new(Vec::new())));
    provide_context(Cancelled(StoredValue::new(Default::default())));
    view! {
        <main id="main" class="auth-page link-page">
            <Suspense fallback=move || view! { <p>{t!(i18n, drive.loading)}</p> }>
                {move || info.get().map(|r| match r {
                    Ok(ShareInfo { needs_password: true, .. }) => view! { <Unlock key=key /> }.into_any(),
                    Ok(ShareInfo { item: Some(item), mode: ShareMode::Drop, .. }) =>
                        view! { <DropBox key=key.get_untracked() item=item /> }.into_any(),
                    Ok(ShareInfo { item: Some(item), .. }) if item.kind == ItemKind::File =>
                        view! { <SharedFile key=key.get_untracked() item=item /> }.into_any(),
                    Ok(ShareInfo { item: Some(item), .. }) =>
                        view! { <SharedFolder key=key.get_untracked() root=item /> }.into_any(),
                    Ok(_) => view! { <p class="error" role="alert">{t!(i18n, drive.link_dead)}</p> }.into_any(),
                    Err(e) => view! {
                        <h1>{t!(i18n, drive.link_title)}</h1>
                        <p class="error" role="alert">{dead_link(&e)}</p>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The password form of a protected link; its grant reloads the page's link.
#[component]
fn Unlock(key: RwSignal<LinkKey>) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let k = key.get_untracked();
        let pw = password.get_untracked();
        busy.set(true);
        spawn_local(async move {
            match drive::unlock_share(&k, &pw).await {
                Ok(g) => key.set(LinkKey {
                    token: k.token,
                    grant: Some(g.grant),
                }),
                // What was typed stays, with the reason.
                Err(e) => {
                    let _ = error.try_set(Some(e.message));
                    let _ = busy.try_set(false);
                }
            }
        });
    };
    view! {
        <h1>{t!(i18n, drive.link_locked_title)}</h1>
        <form class="stack small-form" on:submit=submit>
            <label for="link-password">{t!(i18n, drive.link_password)}</label>
            <input id="link-password" type="password" required autofocus autocomplete="off"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby="link-password-error"
                prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev)) />
            <p id="link-password-error" class="error" role="alert">{move || error.get()}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, drive.link_open)}</button>
        </form>
    }
}

/// Downloads a shared file (each download counts against the link's limit).
fn download(key: LinkKey, id: i64, error: RwSignal<Option<String>>) {
    spawn_local(async move {
        match drive::shared_download_url(&key, id).await {
            Ok(u) => {
                let _ = error.try_set(None);
                super::save(&u.url);
            }
            Err(e) => {
                let _ = error.try_set(Some(e.message));
            }
        }
    });
}

/// Downloads a shared folder as a zip (counted as one download).
fn download_zip(key: LinkKey, id: i64, error: RwSignal<Option<String>>) {
    spawn_local(async move {
        match drive::shared_folder_zip_url(&key, id).await {
            Ok(u) => {
                let _ = error.try_set(None);
                super::save(&u.url);
            }
            Err(e) => {
                let _ = error.try_set(Some(e.message));
            }
        }
    });
}

/// A shared file: its name, size, and a download button.
#[component]
fn SharedFile(key: LinkKey, item: SharedItem) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let id = item.id;
    view! {
        <h1>{item.name.clone()}</h1>
        <p class="note">{size_label(item.size)}</p>
        <p class="error" role="alert">{move || error.get()}</p>
        <button type="button" class="primary" on:click=move |_| download(key.clone(), id, error)>
            {t!(i18n, drive.download)}
        </button>
    }
}

/// A shared folder: its path within the share, its items; folders open in place.
#[component]
fn SharedFolder(key: LinkKey, root: SharedItem) -> impl IntoView {
    let i18n = use_i18n();
    let at = RwSignal::new(root.id);
    let key = StoredValue::new(key);
    let listing = LocalResource::new(move || {
        let id = at.get();
        let k = key.get_value();
        async move { drive::shared_folder(&k, id).await }
    });
    let error = RwSignal::new(None::<String>);
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, drive.loading)}</p> }>
            {move || listing.get().map(|r| match r {
                Ok(l) => {
                    let here = l.folder.name.clone();
                    view! {
                        <nav class="drive-crumbs" aria-label=move || td_string!(i18n.get_locale(), drive.path_label)>
                            <ol>
                                {l.path.iter().map(|f| {
                                    let id = f.id;
                                    view! { <li><button type="button" class="link" on:click=move |_| at.set(id)>{f.name.clone()}</button></li> }
                                }).collect_view()}
                            </ol>
                        </nav>
                        <div class="drive-head">
                            <h1>{here}</h1>
                            <button type="button" on:click={
                                let folder = l.folder.id;
                                move |_| download_zip(key.get_value(), folder, error)
                            }>{t!(i18n, drive.download_zip)}</button>
                        </div>
                        <p class="error" role="alert">{move || error.get()}</p>
                        {if l.items.is_empty() {
                            view! { <p class="note">{t!(i18n, drive.link_folder_empty)}</p> }.into_any()
                        } else {
                            view! {
                                <table class="drive-table">
                                    <caption class="visually-hidden">{t!(i18n, drive.items_label)}</caption>
                                    <thead><tr>
                                        <th scope="col">{t!(i18n, drive.col_name)}</th>
                                        <th scope="col" class="num">{t!(i18n, drive.col_size)}</th>
                                        <th scope="col">{t!(i18n, drive.col_modified)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {l.items.into_iter().map(|it| {
                                            let id = it.id;
                                            let folder = it.kind == ItemKind::Folder;
                                            let open = move |_| if folder {
                                                at.set(id)
                                            } else {
                                                download(key.get_value(), id, error)
                                            };
                                            view! {
                                                <tr class="drive-row" class:folder=folder>
                                                    <td class="drive-name">
                                                        <span class="drive-icon" aria-hidden="true">{if folder { "📁" } else { "📄" }}</span>
                                                        <button type="button" class="link" on:click=open>{it.name.clone()}</button>
                                                    </td>
                                                    <td class="num">{if folder { String::new() } else { size_label(it.size) }}</td>
                                                    <td>
                                                        <time datetime=crate::time::iso(it.updated_at) title=crate::time::date_time(it.updated_at)>
                                                            {crate::time::short_date_time(it.updated_at)}
                                                        </time>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert">{dead_link(&e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// A file drop: pick or drop files; each is uploaded into the link's folder.
#[component]
fn DropBox(key: LinkKey, item: SharedItem) -> impl IntoView {
    let i18n = use_i18n();
    let uploads = expect_context::<Uploads>();
    let cancelled = expect_context::<Cancelled>();
    let picker = NodeRef::<leptos::html::Input>::new();
    let dragging = RwSignal::new(false);
    let target = StoredValue::new(UploadTarget::Link(key));
    let start = move |files: Vec<web_sys::File>| {
        let first = uploads
            .0
            .with_untracked(|v| v.iter().map(|u| u.id).max().unwrap_or(0))
            + 1;
        let queued: Vec<(u32, web_sys::File)> = files
            .into_iter()
            .enumerate()
            .map(|(i, f)| (first + i as u32, f))
            .collect();
        uploads.0.update(|v| {
            for (id, f) in &queued {
                v.push(Upload::new(*id, f.name(), f.size()));
            }
        });
        spawn_local(async move {
            for (id, file) in queued {
                let status = match send(&target.get_value(), id, &file, uploads, cancelled).await {
                    Ok(Some(_)) => UploadStatus::Done,
                    Ok(None) => UploadStatus::Cancelled,
                    Err(e) => UploadStatus::Failed(e.message),
                };
                uploads.update(id, |u| u.status = status);
            }
        });
    };
    let picked = move |_| {
        let Some(input) = picker.get() else { return };
        let files = input.files().map(tree::file_list).unwrap_or_default();
        input.set_value("");
        if !files.is_empty() {
            start(files);
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = ev
            .data_transfer()
            .and_then(|dt| dt.files())
            .map(tree::file_list)
            .unwrap_or_default();
        if !files.is_empty() {
            start(files);
        }
    };
    let name = item.name.clone();
    view! {
        <h1>{t!(i18n, drive.link_drop_title, name = name.clone())}</h1>
        <p class="note">{t!(i18n, drive.link_drop_note)}</p>
        <div class="drive-drop link-drop" class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p>{t!(i18n, drive.link_drop_hint)}</p>
            <button type="button" class="primary" on:click=move |_| if let Some(p) = picker.get() { p.click() }>
                {t!(i18n, drive.upload_files)}
            </button>
            <input type="file" multiple class="visually-hidden" tabindex="-1" aria-hidden="true" node_ref=picker
                on:change=picked />
        </div>
        <UploadPanel />
    }
}
