//! The files a message shows, as cards: a thumbnail for an image (or an icon), the name
//! (opening the viewer when the app can show the file, else downloading it), the size,
//! and a download button; a file that went to Drive's trash or was deleted says so.
//! Who sees a card sees the file: the server shows a message's files only to those who
//! can read its channel, and checks again for every download.

use leptos::prelude::*;

use crate::api::drive::Item;
use crate::api::Attachment;
use crate::apps::drive::preview::{has_thumbnail, kind, Thumbnail, Viewer};
use crate::apps::drive::{download, size_label};
use crate::i18n::*;

/// The cards of a message's files.
#[component]
pub fn AttachmentList(files: Vec<Attachment>, error: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="attachments" aria-label=move || t_string!(i18n, messages.attachments)>
            {files.into_iter().map(|a| match a.item {
                Some(item) => view! { <FileCard item=item error=error /> }.into_any(),
                None => view! {
                    <li class="attachment gone">{t!(i18n, messages.file_unavailable)}</li>
                }.into_any(),
            }).collect_view()}
        </ul>
    }
}

#[component]
fn FileCard(item: Item, error: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let viewable = kind(item.mime.as_deref()).is_some();
    let open = RwSignal::new(false);
    let get = move || download(id, move |e| error.set(Some(e.message)));
    let name = item.name.clone();
    let download_label = t_string!(i18n, messages.download_file, name = name.clone());
    let icon = if has_thumbnail(item.mime.as_deref()) {
        view! { <Thumbnail id=id version=item.version /> }.into_any()
    } else {
        view! { <span class="drive-icon" aria-hidden="true">{"📄"}</span> }.into_any()
    };
    let shown = item.clone();
    view! {
        <li class="attachment">
            {icon}
            <span class="attachment-text">
                <button type="button" class="link attachment-name"
                    on:click=move |_| if viewable { open.set(true) } else { get() }>{name}</button>
                <span class="muted">{size_label(item.size)}</span>
            </span>
            <button type="button" class="ui-icon-button" aria-label=download_label on:click=move |_| get()>
                <span aria-hidden="true">{"⤓"}</span>
            </button>
            {move || open.get().then(|| view! { <Viewer item=shown.clone() open=open /> })}
        </li>
    }
}
