//! Modal dialog (WAI-ARIA "Dialog (Modal)"), on the native `<dialog>` opened with
//! `showModal()`: the rest of the page is inert while it is open, Tab and Shift+Tab wrap
//! around inside it, Escape closes it, and focus goes back to where it was when it opened. Focus starts on
//! the element marked `autofocus` inside it, else on its first focusable element.

use leptos::html;
use leptos::prelude::*;

use super::{contains, focus, focused_element, query_all, unique_id, FOCUSABLE};

/// A modal dialog, open while `open` is true; its heading is `title`.
#[component]
pub fn Dialog(
    /// Open or closed; Escape and closing from inside set it back to false.
    open: RwSignal<bool>,
    /// The dialog's heading (its accessible name).
    #[prop(into)]
    title: Signal<String>,
    /// Extra classes (e.g. `wide`).
    #[prop(optional, into)]
    class: String,
    /// The content, rendered while the dialog is open.
    children: ChildrenFn,
) -> impl IntoView {
    let title_id = unique_id("dialog-title");
    let node = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        let is_open = open.get();
        let Some(d) = node.get() else {
            return;
        };
        if is_open && !d.open() {
            opener.set_value(focused_element());
            if d.show_modal().is_err() {
                open.set(false);
                return;
            }
            // The content is rendered in this same turn: once it is, focus goes to its
            // `autofocus` element, else its first focusable one.
            request_animation_frame(move || {
                // `try_`: the dialog may be gone by then.
                let Some(d) = node.try_get_untracked().flatten() else {
                    return;
                };
                if contains(&d, focused_element().map(Into::into)) {
                    return;
                }
                let first = query_all(&d, "[autofocus]")
                    .into_iter()
                    .chain(query_all(&d, FOCUSABLE))
                    .next();
                if let Some(el) = first {
                    focus(&el);
                }
            });
        } else if !is_open && d.open() {
            d.close();
        }
    });
    // Closed by Escape, by `open` going false, or by a form with method="dialog". The
    // event comes a moment later: if the dialog was opened again meanwhile, it is stale.
    let closed = move |_| {
        if node.get_untracked().is_some_and(|d| d.open()) {
            return;
        }
        open.set(false);
        if let Some(el) = opener.get_value() {
            focus(&el);
        }
    };
    // Tab wraps around inside the dialog (the browser would otherwise move on to its
    // own address bar after the last control).
    let wrap_tab = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(d) = node.get_untracked() else {
            return;
        };
        let all = query_all(&d, FOCUSABLE);
        let (Some(first), Some(last)) = (all.first(), all.last()) else {
            return;
        };
        let now = focused_element();
        let at = |el: &web_sys::HtmlElement| now.as_ref().is_some_and(|n| n == el);
        if ev.shift_key() && (at(first) || !contains(&d, now.clone().map(Into::into))) {
            ev.prevent_default();
            focus(last);
        } else if !ev.shift_key() && at(last) {
            ev.prevent_default();
            focus(first);
        }
    };
    let children = StoredValue::new(children);
    let labelled_by = title_id.clone();
    view! {
        <dialog node_ref=node class=format!("ui-dialog {class}") aria-labelledby=labelled_by
            on:close=closed on:keydown=wrap_tab>
            <h2 id=title_id class="ui-dialog-title">{title}</h2>
            <Show when=move || open.get()>
                {children.with_value(|c| c())}
            </Show>
        </dialog>
    }
}
