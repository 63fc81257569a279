//! Files added to a channel's draft (by the composer's button, by dropping them on it,
//! or by pasting them): each is uploaded to the channel at once, by tus in pieces like
//! Drive's uploads, with its progress shown; the message takes them once they are all
//! in. They are kept per channel, like the draft's text, across channel switches and
//! visits to the other apps; one removed while it uploads is cancelled (its bytes go).

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::drive::UploadTarget;
use crate::apps::drive::{size_label, uploads::send_file};
use crate::i18n::*;

/// Where a file of a draft stands.
#[derive(Clone, Debug, PartialEq)]
pub enum FileState {
    /// Uploading: bytes the server has.
    Sending(f64),
    /// Uploaded: the Drive item to attach.
    Ready(i64),
    /// Not uploaded, and why.
    Failed(String),
}

/// Which draft: a channel's message, or a reply in a thread (by its root).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Draft {
    /// The channel's composer.
    Channel(i64),
    /// A thread's reply box.
    Thread(i64),
}

/// A file of a draft.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftFile {
    /// Its number in the app (never reused).
    pub local: u32,
    /// The draft it is in.
    pub draft: Draft,
    /// The channel it is uploaded to.
    pub channel: i64,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: f64,
    /// Where its upload stands.
    pub state: FileState,
    /// Uploaded for this draft (deleted when taken out), not picked from Drive.
    pub uploaded: bool,
}

/// What a draft's files allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Every file is in: their ids and names, in order (none for a draft without files).
    Ready(Vec<(i64, String)>),
    /// Some are still uploading.
    Uploading,
    /// Some could not be uploaded.
    Failed,
}

/// The files of every channel's draft.
#[derive(Clone, Copy)]
pub struct DraftFiles {
    list: RwSignal<Vec<DraftFile>>,
    next: StoredValue<u32>,
    /// The browser's files, for a retry.
    files: StoredValue<HashMap<u32, web_sys::File>, LocalStorage>,
    cancelled: StoredValue<HashSet<u32>>,
}

impl DraftFiles {
    /// No files.
    pub fn new() -> DraftFiles {
        DraftFiles {
            list: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
            files: StoredValue::new_local(HashMap::new()),
            cancelled: StoredValue::new(HashSet::new()),
        }
    }

    /// The files of `draft` (tracked).
    pub fn of(&self, draft: Draft) -> Vec<DraftFile> {
        self.list
            .with(|l| l.iter().filter(|f| f.draft == draft).cloned().collect())
    }

    /// Adds `files` to `draft` and uploads them to `channel` (of workspace `ws`), one
    /// after another.
    pub fn add(&self, ws: i64, channel: i64, draft: Draft, files: Vec<web_sys::File>) {
        let mut queued = Vec::with_capacity(files.len());
        for file in files {
            let local = self.next.get_value() + 1;
            self.next.set_value(local);
            self.list.update(|l| {
                l.push(DraftFile {
                    local,
                    draft,
                    channel,
                    name: file.name(),
                    size: file.size(),
                    state: FileState::Sending(0.0),
                    uploaded: true,
                })
            });
            self.files.update_value(|m| {
                m.insert(local, file);
            });
            queued.push(local);
        }
        let this = *self;
        spawn_local(async move {
            for local in queued {
                this.upload(ws, channel, local).await;
            }
        });
    }

    /// Adds files stored in Drive already (`items`) to `draft` (of `channel`), ready.
    pub fn add_stored(&self, channel: i64, draft: Draft, items: Vec<crate::api::drive::Item>) {
        for it in items {
            // Once per draft.
            let there = self.list.with_untracked(|l| {
                l.iter()
                    .any(|f| f.draft == draft && f.state == FileState::Ready(it.id))
            });
            if there {
                continue;
            }
            let local = self.next.get_value() + 1;
            self.next.set_value(local);
            self.list.update(|l| {
                l.push(DraftFile {
                    local,
                    draft,
                    channel,
                    name: it.name.clone(),
                    size: it.size as f64,
                    state: FileState::Ready(it.id),
                    uploaded: false,
                })
            });
        }
    }

    /// Uploads the draft's file `local` again after a failure.
    pub fn retry(&self, ws: i64, local: u32) {
        let Some(channel) = self.set_state(local, FileState::Sending(0.0)) else {
            return;
        };
        let this = *self;
        spawn_local(async move { this.upload(ws, channel, local).await });
    }

    async fn upload(self, workspace: i64, channel: i64, local: u32) {
        let Some(file) = self.files.with_value(|m| m.get(&local).cloned()) else {
            return;
        };
        let target = UploadTarget::Channel { workspace, channel };
        let progress = move |sent: f64| {
            self.set_state(local, FileState::Sending(sent));
        };
        let cancelled = move || self.cancelled.with_value(|c| c.contains(&local));
        let state = match send_file(&target, &file, progress, cancelled).await {
            Ok(Some(id)) => FileState::Ready(id),
            // Removed meanwhile: gone from the list already.
            Ok(None) => return,
            Err(e) => FileState::Failed(e.message),
        };
        self.set_state(local, state);
    }

    /// Sets the state of file `local` if it is still in a draft; returns its channel.
    fn set_state(&self, local: u32, state: FileState) -> Option<i64> {
        let mut channel = None;
        // `try_`: the app may be gone by the time an upload answers.
        self.list.try_update(|l| {
            if let Some(f) = l.iter_mut().find(|f| f.local == local) {
                f.state = state;
                channel = Some(f.channel);
            }
        });
        channel
    }

    /// Takes file `local` out of its draft: its upload is cancelled if it is still going,
    /// and a file uploaded for the draft is deleted (one picked from Drive stays there).
    pub fn remove(&self, local: u32) {
        self.cancelled.update_value(|c| {
            c.insert(local);
        });
        let uploaded = self.list.with_untracked(|l| {
            l.iter()
                .find(|f| f.local == local)
                .and_then(|f| match f.state {
                    FileState::Ready(id) if f.uploaded => Some(id),
                    _ => None,
                })
        });
        if let Some(id) = uploaded {
            // Gone already (the server's daily sweep): nothing to do.
            spawn_local(async move {
                let _ = crate::api::drive::delete_draft_file(id).await;
            });
        }
        self.list.update(|l| l.retain(|f| f.local != local));
        self.files.update_value(|m| {
            m.remove(&local);
        });
    }

    /// Whether `draft` can be sent with its files (not tracked).
    pub fn readiness(&self, draft: Draft) -> Readiness {
        self.list.with_untracked(|l| readiness(l, draft))
    }

    /// Takes the files `sent` (Drive ids) out of `draft`, once they went with a message
    /// (files added meanwhile stay).
    pub fn clear(&self, draft: Draft, sent: &[i64]) {
        let went = |f: &DraftFile| {
            f.draft == draft && matches!(f.state, FileState::Ready(id) if sent.contains(&id))
        };
        let gone: Vec<u32> = self
            .list
            .with_untracked(|l| l.iter().filter(|f| went(f)).map(|f| f.local).collect());
        self.list.update(|l| l.retain(|f| !went(f)));
        self.files
            .update_value(|m| m.retain(|k, _| !gone.contains(k)));
    }
}

impl Default for DraftFiles {
    fn default() -> Self {
        DraftFiles::new()
    }
}

/// Whether the files of `draft` in `list` let it be sent.
pub fn readiness(list: &[DraftFile], draft: Draft) -> Readiness {
    let mine = || list.iter().filter(|f| f.draft == draft);
    if mine().any(|f| matches!(f.state, FileState::Failed(_))) {
        return Readiness::Failed;
    }
    let mut ready = Vec::new();
    for f in mine() {
        match f.state {
            FileState::Ready(id) => ready.push((id, f.name.clone())),
            _ => return Readiness::Uploading,
        }
    }
    Readiness::Ready(ready)
}

/// The files of `draft` (of workspace `ws`), each with its progress and a button to take
/// it out (and one to retry it, if it failed).
#[component]
pub fn DraftFileList(ws: Signal<i64>, draft: Signal<Draft>) -> impl IntoView {
    let i18n = use_i18n();
    let files = expect_context::<DraftFiles>();
    let mine = Memo::new(move |_| files.of(draft.get()));
    view! {
        <Show when=move || mine.with(|m| !m.is_empty())>
            <ul class="draft-files" aria-label=move || t_string!(i18n, messages.files_to_send)>
                <For each=move || mine.get() key=|f| f.local let:f>
                    {
                        let local = f.local;
                        let name = f.name.clone();
                        let size = f.size;
                        let state = Memo::new(move |_| {
                            mine.with(|m| m.iter().find(|x| x.local == local).map(|x| x.state.clone()))
                        });
                        // Which view the state needs (its progress moves within one).
                        let stage = Memo::new(move |_| match state.get() {
                            Some(FileState::Sending(_)) | None => 0,
                            Some(FileState::Ready(_)) => 1,
                            Some(FileState::Failed(_)) => 2,
                        });
                        let sent = move || match state.get() {
                            Some(FileState::Sending(s)) => s,
                            _ => 0.0,
                        };
                        let error = move || match state.get() {
                            Some(FileState::Failed(e)) => e,
                            _ => String::new(),
                        };
                        let remove_label = t_string!(i18n, messages.remove_file, name = name.clone());
                        let progress_label = t_string!(i18n, messages.uploading_file, name = name.clone());
                        view! {
                            <li class="draft-file">
                                <span class="draft-file-name">{name}</span>
                                {move || match stage.get() {
                                    0 => view! {
                                        <progress max=size.max(1.0) value=sent aria-label=progress_label.clone()></progress>
                                    }.into_any(),
                                    1 => view! { <span class="muted">{size_label(size as i64)}</span> }.into_any(),
                                    _ => view! {
                                        <span class="error">{move || t_string!(i18n, messages.not_uploaded, error = error())}</span>
                                        <button type="button" on:click=move |_| files.retry(ws.get_untracked(), local)>
                                            {t!(i18n, messages.retry)}
                                        </button>
                                    }.into_any(),
                                }}
                                <button type="button" class="ui-icon-button" aria-label=remove_label
                                    on:click=move |_| files.remove(local)>
                                    <span aria-hidden="true">{"✕"}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

/// The files a drop carries, if it carries files (to be taken, with the default
/// prevented).
pub fn dropped_files(ev: &web_sys::DragEvent) -> Option<Vec<web_sys::File>> {
    carries_files(ev).then(|| list(ev.data_transfer().and_then(|d| d.files())))
}

/// Whether a drag carries files.
pub fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer().is_some_and(|d| {
        d.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// The files a paste carries (a screenshot, files copied in a file manager), if any:
/// pasted text goes in as text.
pub fn pasted_files(ev: &web_sys::ClipboardEvent) -> Option<Vec<web_sys::File>> {
    let files = list(ev.clipboard_data().and_then(|d| d.files()));
    (!files.is_empty()).then_some(files)
}

fn list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    files
        .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
        .unwrap_or_default()
}

/// The attach button: it opens the file picker, and hands the files picked to `add`.
#[component]
pub fn AttachButton(add: Callback<Vec<web_sys::File>>) -> impl IntoView {
    let i18n = use_i18n();
    let picker = NodeRef::<leptos::html::Input>::new();
    view! {
        <input type="file" multiple hidden node_ref=picker tabindex="-1"
            on:change=move |ev| {
                let input = event_target::<web_sys::HtmlInputElement>(&ev);
                let picked = list(input.files());
                // The same file may be picked again.
                input.set_value("");
                if !picked.is_empty() {
                    add.run(picked);
                }
            } />
        <button type="button" class="ui-icon-button attach-button"
            aria-label=move || t_string!(i18n, messages.attach_files)
            title=move || t_string!(i18n, messages.attach_files)
            on:click=move |_| if let Some(p) = picker.get() { p.click() }>
            <span aria-hidden="true">{"📎"}</span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(local: u32, channel: i64, state: FileState) -> DraftFile {
        DraftFile {
            local,
            draft: Draft::Channel(channel),
            channel,
            name: format!("f{local}"),
            size: 10.0,
            state,
            uploaded: true,
        }
    }

    #[test]
    fn a_draft_is_ready_when_every_file_of_its_channel_is_in() {
        let list = vec![
            file(1, 7, FileState::Ready(70)),
            file(2, 8, FileState::Sending(3.0)),
            file(3, 7, FileState::Ready(71)),
        ];
        let ch = Draft::Channel;
        assert_eq!(
            readiness(&list, ch(7)),
            Readiness::Ready(vec![(70, "f1".into()), (71, "f3".into())])
        );
        assert_eq!(readiness(&list, ch(8)), Readiness::Uploading);
        assert_eq!(readiness(&list, ch(9)), Readiness::Ready(Vec::new()));
        // A thread's reply box is a draft of its own, in the same channel.
        assert_eq!(
            readiness(&list, Draft::Thread(7)),
            Readiness::Ready(Vec::new())
        );
        let failed = vec![
            file(1, 7, FileState::Sending(1.0)),
            file(2, 7, FileState::Failed("x".into())),
        ];
        assert_eq!(readiness(&failed, ch(7)), Readiness::Failed);
    }
}
