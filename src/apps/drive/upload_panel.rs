//! The uploads of this visit: one row per file with its progress, and Cancel while it
//! sends.

use leptos::prelude::*;

use super::size_label;
use super::state::{UploadStatus, Uploads};
use super::uploads::Cancelled;
use crate::i18n::*;

/// The panel (shown once something was uploaded).
#[component]
pub fn UploadPanel() -> impl IntoView {
    let i18n = use_i18n();
    let uploads = expect_context::<Uploads>();
    let cancelled = expect_context::<Cancelled>();
    view! {
        <Show when=move || uploads.0.with(|v| !v.is_empty())>
            <section class="drive-uploads" aria-labelledby="drive-uploads-title">
                <h2 id="drive-uploads-title">{t!(i18n, drive.uploads)}</h2>
                <ul>
                    <For each=move || uploads.0.get() key=|u| (u.id, u.sent as i64, format!("{:?}", u.status)) let:u>
                        {
                            let id = u.id;
                            let sending = u.status == UploadStatus::Sending;
                            let l = i18n.get_locale_untracked();
                            let status = match &u.status {
                                UploadStatus::Sending => td_string!(l, drive.upload_progress,
                                    sent = size_label(u.sent as i64), total = size_label(u.size as i64)),
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
                                </li>
                            }
                        }
                    </For>
                </ul>
            </section>
        </Show>
    }
}
