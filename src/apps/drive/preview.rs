//! Previews: what the app can show of a file (by the type the server sniffed), the
//! viewer dialog (images from a `blob:` URL, text and safe Markdown, audio and video
//! played from the server with ranges, a PDF's first page as an image the server
//! renders), and thumbnails of images and PDFs in the list, fetched once their row is on
//! screen. `blob:` URLs are revoked when their view goes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::{download, size_label};
use crate::api::drive::{self, Item};
use crate::i18n::*;
use crate::markdown::Markdown;
use crate::ui::dialog::Dialog;

/// The most text shown (a larger file shows its start).
const TEXT_LIMIT: u64 = 512 * 1024;

/// How a file can be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An image the browser shows from a `blob:` URL.
    Image,
    /// Plain text.
    Text,
    /// Markdown, rendered safely.
    Markdown,
    /// Played by an `<audio>` element.
    Audio,
    /// Played by a `<video>` element.
    Video,
    /// A PDF: its first page, as an image the server renders (the app has no PDF
    /// renderer of its own under its CSP).
    Pdf,
}

/// What the viewer can show of a file of type `mime` (as the server sniffed it).
pub fn kind(mime: Option<&str>) -> Option<Kind> {
    match mime? {
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp" | "image/avif" => {
            Some(Kind::Image)
        }
        "text/plain" => Some(Kind::Text),
        "text/markdown" => Some(Kind::Markdown),
        "audio/mpeg" | "audio/ogg" | "audio/x-wav" | "audio/x-flac" | "audio/aac" | "audio/m4a" => {
            Some(Kind::Audio)
        }
        "video/mp4" | "video/webm" | "video/quicktime" => Some(Kind::Video),
        "application/pdf" => Some(Kind::Pdf),
        _ => None,
    }
}

/// Whether the list shows a thumbnail of a file of type `mime` (the server makes them).
pub fn has_thumbnail(mime: Option<&str>) -> bool {
    matches!(
        mime,
        Some(
            "image/png"
                | "image/jpeg"
                | "image/gif"
                | "image/webp"
                | "image/bmp"
                | "application/pdf"
        )
    )
}

/// A `blob:` URL, revoked when dropped.
struct ObjectUrl(String);

impl ObjectUrl {
    fn new(blob: &web_sys::Blob) -> Option<ObjectUrl> {
        web_sys::Url::create_object_url_with_blob(blob)
            .ok()
            .map(ObjectUrl)
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

/// The viewer of `item`, open while `open` is true.
#[component]
pub fn Viewer(item: Item, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let name = item.name.clone();
    let title = Signal::derive(move || name.clone());
    view! {
        <Dialog open=open title=title class="wide drive-viewer">
            <ViewerBody item=item.clone() />
            <div class="ui-dialog-actions">
                <button type="button" on:click={
                    let id = item.id;
                    move |_| download(id, |_| {})
                }>{t!(i18n, drive.download)}</button>
                <button type="button" on:click=move |_| open.set(false)>{t!(i18n, drive.close)}</button>
            </div>
        </Dialog>
    }
}

#[component]
fn ViewerBody(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let name = item.name.clone();
    let version = item.version;
    match kind(item.mime.as_deref()) {
        Some(k @ (Kind::Image | Kind::Pdf)) => {
            let url = RwSignal::new_local(None::<std::rc::Rc<ObjectUrl>>);
            let error = RwSignal::new(None::<String>);
            spawn_local(async move {
                let image = if k == Kind::Pdf {
                    drive::first_page(id, version).await
                } else {
                    drive::content(id, None).await
                };
                match image {
                    Ok(blob) => {
                        let _ = url.try_set(ObjectUrl::new(&blob).map(std::rc::Rc::new));
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e.message));
                    }
                }
            });
            let alt = if k == Kind::Pdf {
                t_string!(i18n, drive.pdf_page_alt, name = name.clone())
            } else {
                name.clone()
            };
            view! {
                <Show when=move || k == Kind::Pdf>
                    <p class="note">{t!(i18n, drive.pdf_first_page)}</p>
                </Show>
                <div class="drive-viewer-media" class:drive-viewer-page=k == Kind::Pdf>
                    {move || match url.get() {
                        Some(u) => view! { <img src=u.0.clone() alt=alt.clone() /> }.into_any(),
                        None => view! { <p class="note">{move || error.get().unwrap_or_else(|| t_string!(i18n, drive.loading).to_owned())}</p> }.into_any(),
                    }}
                </div>
            }
            .into_any()
        }
        Some(k @ (Kind::Text | Kind::Markdown)) => {
            let text = RwSignal::new(None::<Result<String, String>>);
            let cut = item.size as u64 > TEXT_LIMIT;
            spawn_local(async move {
                let r = match drive::content(id, Some(TEXT_LIMIT)).await {
                    Ok(blob) => match wasm_bindgen_futures::JsFuture::from(blob.text()).await {
                        Ok(t) => Ok(t.as_string().unwrap_or_default()),
                        Err(_) => Err(td_string!(crate::language::current(), drive.file_unreadable).to_owned()),
                    },
                    Err(e) => Err(e.message),
                };
                let _ = text.try_set(Some(r));
            });
            view! {
                <Show when=move || cut>
                    <p class="note">{t!(i18n, drive.preview_cut, size = size_label(TEXT_LIMIT as i64))}</p>
                </Show>
                {move || match text.get() {
                    None => view! { <p class="note">{t!(i18n, drive.loading)}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    Some(Ok(t)) if k == Kind::Markdown => view! { <div class="drive-viewer-text markdown"><Markdown text=t /></div> }.into_any(),
                    Some(Ok(t)) => view! { <pre class="drive-viewer-text" tabindex="0">{t}</pre> }.into_any(),
                }}
            }
            .into_any()
        }
        Some(Kind::Audio) => view! {
            <div class="drive-viewer-media">
                <audio controls preload="metadata" src=drive::content_url(id) aria-label=name></audio>
            </div>
        }
        .into_any(),
        Some(Kind::Video) => view! {
            <div class="drive-viewer-media">
                <video controls preload="metadata" src=drive::content_url(id) aria-label=name></video>
            </div>
        }
        .into_any(),
        None => view! { <p class="note">{t!(i18n, drive.no_preview)}</p> }.into_any(),
    }
}

/// A thumbnail of an image file, fetched once it is on screen.
#[component]
pub fn Thumbnail(id: i64, version: i64) -> impl IntoView {
    let node = NodeRef::<leptos::html::Span>::new();
    let url = RwSignal::new_local(None::<std::rc::Rc<ObjectUrl>>);
    let observer = StoredValue::new_local(None::<web_sys::IntersectionObserver>);
    type Seen = Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>;
    let callback = StoredValue::new_local(None::<Seen>);
    let fetch = move || {
        spawn_local(async move {
            // Without a thumbnail (refused, or the network), the icon stays.
            if let Ok(blob) = drive::thumbnail(id, version).await {
                let _ = url.try_set(ObjectUrl::new(&blob).map(std::rc::Rc::new));
            }
        });
    };
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        let seen = Seen::new(
            move |entries: js_sys::Array, obs: web_sys::IntersectionObserver| {
                let visible = entries.iter().any(|e| {
                    e.unchecked_into::<web_sys::IntersectionObserverEntry>()
                        .is_intersecting()
                });
                if visible {
                    obs.disconnect();
                    fetch();
                }
            },
        );
        if let Ok(obs) = web_sys::IntersectionObserver::new(seen.as_ref().unchecked_ref()) {
            obs.observe(&el);
            observer.set_value(Some(obs));
        }
        // Kept until the row goes (the observer calls it until then).
        callback.set_value(Some(seen));
    });
    on_cleanup(move || {
        if let Some(Some(o)) = observer.try_get_value() {
            o.disconnect();
        }
    });
    view! {
        <span class="drive-icon drive-thumb" aria-hidden="true" node_ref=node>
            {move || match url.get() {
                Some(u) => view! { <img src=u.0.clone() alt="" /> }.into_any(),
                None => view! { "🖼" }.into_any(),
            }}
        </span>
    }
}
