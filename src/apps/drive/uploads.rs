//! Uploading files: each file is a tus upload sent in pieces of [`PIECE`] bytes, one file
//! after another, with its progress in the upload panel; a piece that fails on the
//! network is retried from the offset the server reports; Cancel ends the upload and has
//! its bytes removed.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{Items, Upload, UploadStatus, Uploads};
use crate::api::{self, drive};
use crate::i18n::*;

/// Bytes per request: progress moves at least this often.
const PIECE: f64 = 4.0 * 1024.0 * 1024.0;
/// Attempts of a piece that fails on the network.
const TRIES: u32 = 4;

/// The uploads to stop (by their panel number).
#[derive(Clone, Copy)]
pub struct Cancelled(pub StoredValue<HashSet<u32>>);

/// Queues `files` for upload into `parent` of workspace `ws`.
pub fn upload_files(ws: i64, parent: Option<i64>, files: Vec<web_sys::File>) {
    let uploads = expect_context::<Uploads>();
    let items = expect_context::<Items>();
    let cancelled = expect_context::<Cancelled>();
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
            v.push(Upload {
                id: *id,
                name: f.name(),
                size: f.size(),
                sent: 0.0,
                status: UploadStatus::Sending,
            });
        }
    });
    spawn_local(async move {
        for (id, file) in queued {
            let r = send(ws, parent, id, &file, uploads, cancelled).await;
            let status = match r {
                Ok(Some(item)) => {
                    if let Ok(it) = drive::item(item).await {
                        items.merge(it);
                    }
                    UploadStatus::Done
                }
                Ok(None) => UploadStatus::Cancelled,
                Err(e) => UploadStatus::Failed(e.message),
            };
            uploads.update(id, |u| u.status = status);
        }
    });
}

/// Sends one file; `Ok(None)` if it was cancelled.
async fn send(
    ws: i64,
    parent: Option<i64>,
    id: u32,
    file: &web_sys::File,
    uploads: Uploads,
    cancelled: Cancelled,
) -> api::ApiResult<Option<i64>> {
    let size = file.size();
    let (location, done) = drive::start_upload(ws, &file.name(), parent, size).await?;
    if done.is_some() {
        uploads.update(id, |u| u.sent = size);
        return Ok(done);
    }
    let mut offset = 0.0;
    let mut failures = 0;
    loop {
        if cancelled.0.with_value(|c| c.contains(&id)) {
            let _ = drive::cancel_upload(&location).await;
            return Ok(None);
        }
        let end = (offset + PIECE).min(size);
        let piece = file
            .slice_with_f64_and_f64(offset, end)
            .map_err(|_| local_error())?;
        match drive::send_piece(&location, offset, &piece).await {
            Ok(sent) => {
                failures = 0;
                offset = sent.offset;
                uploads.update(id, |u| u.sent = offset);
                if sent.file.is_some() {
                    return Ok(sent.file);
                }
            }
            // Cut off, or another request is still writing: ask where it stands.
            Err(e) if retryable(&e) && failures + 1 < TRIES => {
                failures += 1;
                gloo_timers::future::TimeoutFuture::new(500 * 2u32.pow(failures)).await;
                if let Ok(at) = drive::upload_offset(&location).await {
                    offset = at;
                    uploads.update(id, |u| u.sent = offset);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

fn retryable(e: &api::ApiError) -> bool {
    e.status == 0 || matches!(e.code.as_str(), "OFFSET_MISMATCH" | "UPLOAD_BUSY") || e.status >= 500
}

fn local_error() -> api::ApiError {
    let l = crate::language::current();
    api::ApiError {
        status: 0,
        code: "FILE".into(),
        message: td_string!(l, drive.file_unreadable).to_owned(),
    }
}
