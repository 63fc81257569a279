//! The uploads: one row per file with its progress, speed and time left, Cancel while it
//! sends and Retry after a failure (both from where the server is); and the uploads a
//! reload interrupted ([`super::resume`]), each going on once its file is picked again,
//! or discarded.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::resume::{self, Remembered};
use super::size_label;
use super::state::{Upload, UploadStatus, Uploads};
use super::uploads::{resume_with, retry, Cancelled};
use crate::api::drive;
use crate::i18n::*;
use crate::shell::state::workspace_id;

/// The panel (shown once something was uploaded, or an upload was interrupted).
#[component]
pub fn UploadPanel() -> impl IntoView {
    let i18n = use_i18n();
    let uploads = expect_context::<Uploads>();
    let ws = workspace_id();
    // Read again whenever this page's uploads change, and after a discard.
    let changed = RwSignal::new(0u32);
    let interrupted = Memo::new(move |_| {
        uploads.0.track();
        changed.track();
        resume::interrupted(ws.get())
    });
    let shown = move || uploads.0.with(|v| !v.is_empty()) || interrupted.with(|v| !v.is_empty());
    view! {
        <Show when=shown>
            <section class="drive-uploads" aria-labelledby="drive-uploads-title">
                <h2 id="drive-uploads-title">{t!(i18n, drive.uploads)}</h2>
                <ul>
                    <For each=move || interrupted.get() key=|r| r.location.clone() let:r>
                        <InterruptedRow r=r changed=changed />
                    </For>
                    <For each=move || uploads.0.get() key=|u| (u.id, u.sent as i64, format!("{:?}", u.status)) let:u>
                        <UploadRow u=u />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

/// "3 MB of 9 MB · 1.2 MB/s · 5 s left" while it sends.
fn progress_text(u: &Upload) -> String {
    let l = crate::language::current();
    let mut text = td_string!(
        l,
        drive.upload_progress,
        sent = size_label(u.sent as i64),
        total = size_label(u.size as i64)
    );
    if let (Some(speed), Some(left)) = (u.speed(), u.seconds_left()) {
        text.push_str(" · ");
        text.push_str(&td_string!(
            l,
            drive.upload_speed,
            speed = size_label(speed as i64)
        ));
        text.push_str(" · ");
        text.push_str(&td_string!(l, drive.upload_left, time = time_left(left)));
    }
    text
}

/// `left` seconds, as "42 s", "3 min" or "2 h 5 min".
fn time_left(left: f64) -> String {
    let l = crate::language::current();
    let s = left.max(1.0) as i64;
    if s < 60 {
        td_string!(l, drive.seconds, n = s)
    } else if s < 3600 {
        td_string!(l, drive.minutes, n = (s + 59) / 60)
    } else {
        td_string!(l, drive.hours_minutes, h = s / 3600, m = (s % 3600) / 60)
    }
}

#[component]
fn UploadRow(u: Upload) -> impl IntoView {
    let i18n = use_i18n();
    let cancelled = expect_context::<Cancelled>();
    let id = u.id;
    let sending = u.status == UploadStatus::Sending;
    let l = i18n.get_locale_untracked();
    let status = match &u.status {
        UploadStatus::Sending => progress_text(&u),
        UploadStatus::Done => td_string!(l, drive.upload_done).to_owned(),
        UploadStatus::Cancelled => td_string!(l, drive.upload_cancelled).to_owned(),
        UploadStatus::Failed(m) => td_string!(l, drive.upload_failed, reason = m.clone()),
    };
    let failed = matches!(u.status, UploadStatus::Failed(_));
    view! {
        <li class="drive-upload" class:failed=failed>
            <span class="drive-upload-name">{u.name.clone()}</span>
            <progress max=u.size.max(1.0) value=if sending { u.sent } else { u.size.max(1.0) }
                aria-label=u.name.clone()></progress>
            <span class="drive-upload-status" role=if failed { "alert" } else { "status" }>{status}</span>
            <Show when=move || sending>
                <button type="button" on:click=move |_| cancelled.0.update_value(|c| { c.insert(id); })>
                    {t!(i18n, drive.cancel)}
                </button>
            </Show>
            <Show when=move || failed>
                <button type="button" on:click=move |_| retry(id)>{t!(i18n, drive.retry)}</button>
            </Show>
        </li>
    }
}

/// An upload a reload interrupted: Resume picks its file again, Discard ends it.
#[component]
fn InterruptedRow(r: Remembered, changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let picker = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let name = r.file.name.clone();
    let resume_label = t_string!(i18n, drive.resume_upload, name = name.clone());
    let discard_label = t_string!(i18n, drive.discard_upload, name = name.clone());
    let entry = StoredValue::new(r.clone());
    let picked = move |_| {
        let Some(input) = picker.get() else { return };
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        let Some(file) = file else { return };
        if resume_with(&entry.get_value(), file) {
            error.set(None);
            changed.update(|n| *n += 1);
        } else {
            error.set(Some(t_string!(i18n, drive.not_same_file).to_owned()));
        }
    };
    let discard = move |_| {
        let location = entry.with_value(|r| r.location.clone());
        spawn_local(async move {
            // Gone already on the server (expired): forgotten all the same.
            let _ = drive::cancel_upload(&location).await;
            resume::forget(&location);
            let _ = changed.try_update(|n| *n += 1);
        });
    };
    view! {
        <li class="drive-upload interrupted">
            <span class="drive-upload-name">{name}</span>
            <span class="drive-upload-status">
                {t!(i18n, drive.upload_interrupted, size = size_label(r.file.size as i64))}
            </span>
            <input type="file" class="visually-hidden" tabindex="-1" aria-hidden="true" node_ref=picker
                on:change=picked />
            <button type="button" aria-label=resume_label
                on:click=move |_| if let Some(p) = picker.get() { p.click() }>{t!(i18n, drive.resume)}</button>
            <button type="button" aria-label=discard_label on:click=discard>{t!(i18n, drive.discard)}</button>
            <span class="error" role="alert">{move || error.get()}</span>
        </li>
    }
}
