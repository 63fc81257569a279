//! Uploading files and folders: the folders are made first (an existing one of the same
//! name is used), then each file is a tus upload sent in pieces of [`PIECE`] bytes, one
//! file after another, with its progress in the upload panel; a piece that fails on the
//! network is retried from the offset the server reports; Cancel ends the upload and has
//! its bytes removed; Retry (after a failure) and the same file uploaded again after a
//! reload go on from where the server is ([`super::resume`]).

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::resume::{self, Fingerprint, Remembered};
use super::state::{Items, Upload, UploadStatus, Uploads};
use super::tree::Entry;
use crate::api::{self, drive};
use crate::i18n::*;

/// Bytes per request: progress moves at least this often.
const PIECE: f64 = 4.0 * 1024.0 * 1024.0;
/// Attempts of a piece that fails on the network.
const TRIES: u32 = 4;

/// The uploads to stop (by their panel number).
#[derive(Clone, Copy)]
pub struct Cancelled(pub StoredValue<HashSet<u32>>);

/// The files of the panel's uploads and where they go (by panel number), for Retry.
#[derive(Clone, Copy)]
pub struct Sources(
    pub StoredValue<HashMap<u32, (drive::UploadTarget, web_sys::File)>, LocalStorage>,
);

impl Sources {
    /// None yet.
    pub fn new() -> Sources {
        Sources(StoredValue::new_local(HashMap::new()))
    }
}

impl Default for Sources {
    fn default() -> Self {
        Sources::new()
    }
}

/// The next free panel number.
fn next_id(uploads: Uploads) -> u32 {
    uploads
        .0
        .with_untracked(|v| v.iter().map(|u| u.id).max().unwrap_or(0))
        + 1
}

/// Sends `file` to `target` as the panel's upload `id`, and shows the outcome (a file
/// that arrived is merged into the drive's items). The app's state is taken when called
/// (in its owner), the bytes go when awaited.
fn run(
    target: drive::UploadTarget,
    id: u32,
    file: web_sys::File,
) -> impl std::future::Future<Output = ()> {
    let uploads = expect_context::<Uploads>();
    let items = expect_context::<Items>();
    let cancelled = expect_context::<Cancelled>();
    if let Some(sources) = use_context::<Sources>() {
        sources.0.update_value(|m| {
            m.insert(id, (target.clone(), file.clone()));
        });
    }
    async move { finish(target, id, file, uploads, items, cancelled).await }
}

async fn finish(
    target: drive::UploadTarget,
    id: u32,
    file: web_sys::File,
    uploads: Uploads,
    items: Items,
    cancelled: Cancelled,
) {
    let status = match send(&target, id, &file, uploads, cancelled).await {
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

/// Sends the panel's failed upload `id` again, from where the server is.
pub fn retry(id: u32) {
    let uploads = expect_context::<Uploads>();
    let Some((target, file)) = expect_context::<Sources>()
        .0
        .with_value(|m| m.get(&id).cloned())
    else {
        return;
    };
    uploads.update(id, |u| {
        u.status = UploadStatus::Sending;
        u.since = None;
    });
    let owner = Owner::current();
    spawn_local(async move {
        if let Some(o) = owner {
            o.with(|| run(target, id, file)).await;
        }
    });
}

/// Goes on with the remembered upload `r` (interrupted by a reload) with `file`, picked
/// again: its name, size and date must be the same (else `false`, and nothing starts).
pub fn resume_with(r: &Remembered, file: web_sys::File) -> bool {
    if Fingerprint::of(&file) != r.file {
        return false;
    }
    let uploads = expect_context::<Uploads>();
    let id = next_id(uploads);
    uploads
        .0
        .update(|v| v.push(Upload::new(id, file.name(), file.size())));
    let target = r.place.target(r.workspace);
    let owner = Owner::current();
    spawn_local(async move {
        if let Some(o) = owner {
            o.with(|| run(target, id, file)).await;
        }
    });
    true
}

/// Queues `entries` (files, each with the folders it goes in) for upload into `parent`
/// of workspace `ws`: the folders are made as needed (or found, when one of that name is
/// there already), then each file is sent into its own.
pub fn upload_entries(ws: i64, parent: Option<i64>, entries: Vec<Entry>) {
    let uploads = expect_context::<Uploads>();
    let items = expect_context::<Items>();
    let first = next_id(uploads);
    let queued: Vec<(u32, Entry)> = entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| (first + i as u32, e))
        .collect();
    uploads.0.update(|v| {
        for (id, e) in &queued {
            let mut name = e.dirs.join("/");
            if !name.is_empty() {
                name.push('/');
            }
            name.push_str(&e.file.name());
            v.push(Upload::new(*id, name, e.file.size()));
        }
    });
    let owner = Owner::current();
    spawn_local(async move {
        let Some(owner) = owner else { return };
        let mut folders: HashMap<Vec<String>, Option<i64>> = HashMap::new();
        folders.insert(Vec::new(), parent);
        for (id, Entry { dirs, file }) in queued {
            match folder_for(ws, &dirs, &mut folders, items).await {
                Ok(parent) => {
                    let target = drive::UploadTarget::Folder {
                        workspace: ws,
                        parent,
                    };
                    owner.with(|| run(target, id, file)).await;
                }
                Err(e) => uploads.update(id, |u| u.status = UploadStatus::Failed(e.message)),
            }
        }
    });
}

/// Queues `file` as a new version of `item` (its progress in the upload panel).
pub fn upload_version(ws: i64, item: i64, file: web_sys::File) {
    let uploads = expect_context::<Uploads>();
    let id = next_id(uploads);
    uploads
        .0
        .update(|v| v.push(Upload::new(id, file.name(), file.size())));
    let target = drive::UploadTarget::NewVersion {
        workspace: ws,
        file: item,
    };
    let owner = Owner::current();
    spawn_local(async move {
        if let Some(o) = owner {
            o.with(|| run(target, id, file)).await;
        }
    });
}

/// The folder of `dirs` (below the upload's own), made or found on first use.
async fn folder_for(
    ws: i64,
    dirs: &[String],
    known: &mut HashMap<Vec<String>, Option<i64>>,
    items: Items,
) -> api::ApiResult<Option<i64>> {
    for depth in 1..=dirs.len() {
        let path = dirs[..depth].to_vec();
        if known.contains_key(&path) {
            continue;
        }
        let parent = known[&dirs[..depth - 1].to_vec()];
        let name = &dirs[depth - 1];
        let id = match drive::create_folder(ws, parent, name, &api::new_key()).await {
            Ok(f) => {
                let id = f.id;
                items.merge(f);
                id
            }
            // One of that name is there: the files go into it.
            Err(e) if e.code == "NAME_TAKEN" => {
                let listing = match parent {
                    None => drive::top(ws).await?,
                    Some(p) => drive::folder(p).await?,
                };
                listing
                    .items
                    .into_iter()
                    .find(|i| {
                        i.kind == drive::ItemKind::Folder
                            && i.name.to_lowercase() == name.to_lowercase()
                    })
                    .map(|i| i.id)
                    .ok_or(e)?
            }
            Err(e) => return Err(e),
        };
        known.insert(path, Some(id));
    }
    Ok(known[dirs])
}

/// Sends one file of the upload panel (its line `id`); `Ok(None)` if it was cancelled.
pub async fn send(
    target: &drive::UploadTarget,
    id: u32,
    file: &web_sys::File,
    uploads: Uploads,
    cancelled: Cancelled,
) -> api::ApiResult<Option<i64>> {
    send_file(
        target,
        file,
        move |sent| uploads.update(id, |u| u.progress(sent, js_sys::Date::now())),
        move || cancelled.0.with_value(|c| c.contains(&id)),
    )
    .await
}

/// Sends one file, saying how many bytes the server has after each piece (`progress`),
/// and ending the upload when `cancelled` says so; the file's id, or `Ok(None)` if it was
/// cancelled.
pub async fn send_file(
    target: &drive::UploadTarget,
    file: &web_sys::File,
    progress: impl Fn(f64),
    cancelled: impl Fn() -> bool,
) -> api::ApiResult<Option<i64>> {
    let size = file.size();
    let fingerprint = Fingerprint::of(file);
    let place = resume::Place::of(target);
    // This file's upload to this place, remembered from before (a reload, a failure):
    // it goes on from what the server has.
    let mut resumed = None;
    if let Some(r) = place.and_then(|(ws, p)| resume::find(ws, p, &fingerprint)) {
        match drive::upload_offset(&r.location).await {
            // Complete already (the answer to its last piece was lost): its file.
            Ok(at) if at.file.is_some() => {
                resume::forget(&r.location);
                progress(size);
                return Ok(at.file);
            }
            Ok(at) => resumed = Some((r.location, at.offset)),
            // Expired, or ended elsewhere: a new upload.
            Err(e) if e.status == 404 || e.status == 410 => resume::forget(&r.location),
            Err(e) => return Err(e),
        }
    }
    let (location, mut offset) = match resumed {
        Some(r) => r,
        None => {
            let (location, done) = drive::start_upload(target, &file.name(), size).await?;
            if done.is_some() {
                progress(size);
                return Ok(done);
            }
            if let Some((workspace, place)) = place {
                resume::remember(Remembered {
                    location: location.clone(),
                    workspace,
                    place,
                    file: fingerprint,
                });
            }
            (location, 0.0)
        }
    };
    let _running = resume::claim(&location);
    progress(offset);
    let mut failures = 0;
    loop {
        if cancelled() {
            let _ = drive::cancel_upload(&location).await;
            resume::forget(&location);
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
                progress(offset);
                if sent.file.is_some() {
                    resume::forget(&location);
                    return Ok(sent.file);
                }
            }
            // Cut off, or another request is still writing: ask where it stands.
            Err(e) if retryable(&e) && failures + 1 < TRIES => {
                failures += 1;
                gloo_timers::future::TimeoutFuture::new(500 * 2u32.pow(failures)).await;
                if let Ok(at) = drive::upload_offset(&location).await {
                    offset = at.offset;
                    progress(offset);
                    // The piece did arrive, and was the last.
                    if at.file.is_some() {
                        resume::forget(&location);
                        return Ok(at.file);
                    }
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
