//! The component kit every app builds on: each component follows the WAI-ARIA Authoring
//! Practices pattern it is named after, works from the keyboard alone, and stays inside
//! the strict CSP (no inline style or script: looks come from classes in
//! `style/main.css`, and the design tokens there).
//!
//! - [`dialog::Dialog`] (modal, native `<dialog>`) and [`confirm::ConfirmDialog`]
//! - [`menu::MenuButton`] (menu button and menu)
//! - [`popover::Popover`] (a non-modal panel opened by a button) and
//!   [`tooltip::Tooltip`]
//! - [`combobox::Combobox`] (autocomplete from a list)
//! - [`tabs::Tabs`]
//! - [`toast::ToastRegion`] and [`toast::Toaster`] (polite live region, undo)
//! - [`emoji_picker::EmojiPicker`] (search, recently used, shortcodes)
//! - [`avatar::Avatar`], [`skeleton::Skeleton`]
//! - [`shortcuts::ShortcutHelp`] (`?`)
//!
//! `/kit` shows every component in every state (`crate::pages::kit`).

pub mod avatar;
pub mod combobox;
pub mod confirm;
pub mod dialog;
pub mod emoji_picker;
pub mod menu;
pub mod popover;
pub mod shortcuts;
pub mod skeleton;
pub mod tabs;
pub mod toast;
pub mod tooltip;

use std::sync::atomic::{AtomicU64, Ordering};

use wasm_bindgen::JsCast;

/// What can take focus (the first of these in a dialog or panel gets it on opening).
pub const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), \
     select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// Copies `text` to the clipboard; whether it worked.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// A document-unique id for ARIA references (`aria-controls`, `aria-labelledby`, …).
pub fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("ui-{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The element that has focus now, if it can take it back later.
pub fn focused_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Moves focus to `el` (if it is still in the page).
pub fn focus(el: &web_sys::HtmlElement) {
    if el.is_connected() {
        let _ = el.focus();
    }
}

/// Gives `node` the focus each time it appears (a field or heading shown in place of
/// what the person was using).
pub fn focus_when_shown<E>(node: leptos::prelude::NodeRef<E>)
where
    E: leptos::html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    use leptos::prelude::{Effect, Get};
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    });
}

/// Whether `target` (an event's) is inside `root`.
pub fn contains(root: &web_sys::Element, target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
        .is_some_and(|n| root.contains(Some(&n)))
}

/// The elements of `root` matching `selector`, in document order.
pub fn query_all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Whether a key event comes from a place where people type (so a one-key shortcut
/// must not fire there).
pub fn typing_into(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    // A checkbox, radio or button takes no text: shortcuts work from it.
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        return !matches!(input.type_().as_str(), "checkbox" | "radio" | "button");
    }
    let tag = el.tag_name().to_ascii_lowercase();
    tag == "textarea" || tag == "select" || el.is_content_editable()
}

/// The index `step` places after `current` among `n`, wrapping around.
pub fn wrap(current: usize, step: isize, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let n = n as isize;
    ((current as isize + step).rem_euclid(n)) as usize
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_moves() {
        assert_eq!(wrap(0, -1, 3), 2);
        assert_eq!(wrap(2, 1, 3), 0);
        assert_eq!(wrap(1, 1, 3), 2);
        assert_eq!(wrap(0, 1, 0), 0);
    }
}
