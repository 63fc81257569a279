//! A panel opened by a button (WAI-ARIA "Disclosure" with a non-modal dialog): the
//! button says whether it is open; the panel takes focus when it opens; Escape, or a
//! pointer press outside, closes it, and Escape gives focus back to the button. It opens
//! below its button, or above when the window has more room there.

use leptos::html;
use leptos::prelude::*;

use super::{contains, focus, focused_element, query_all, unique_id, FOCUSABLE};

/// Below this much room under its button (px), a panel opens upwards.
const ROOM_PX: f64 = 400.0;

/// A button and the panel it opens (`children`), named `label`.
#[component]
pub fn Popover(
    /// The panel's accessible name, and the button's unless `text` is given.
    #[prop(into)]
    label: String,
    /// What the button shows.
    #[prop(optional, into)]
    text: String,
    /// Whether `text` is an icon: the button is then named `label` (else by its text).
    #[prop(optional)]
    icon: bool,
    /// Open or closed (lets the panel's content close it).
    #[prop(optional)]
    open: Option<RwSignal<bool>>,
    /// Aligns the panel's end with the button's.
    #[prop(optional)]
    align_end: bool,
    /// Extra classes of the button.
    #[prop(optional, into)]
    class: String,
    /// The panel's content, rendered while it is open.
    children: ChildrenFn,
) -> impl IntoView {
    let open = open.unwrap_or_else(|| RwSignal::new(false));
    let above = RwSignal::new(false);
    let panel_id = unique_id("popover");
    let wrapper = NodeRef::<html::Span>::new();
    let button = NodeRef::<html::Button>::new();
    let panel = NodeRef::<html::Div>::new();
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            // Opens upwards when the window has little room below the button.
            if let (Some(b), Some(w)) = (button.get_untracked(), web_sys::window()) {
                let r = b.get_bounding_client_rect();
                let height = w
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or(0.0);
                above.set(height - r.bottom() < ROOM_PX && r.top() > height - r.bottom());
            }
            // Once the panel and its content are on screen: its first field or button,
            // else the panel itself.
            request_animation_frame(move || {
                // `try_`: the popover may be gone by then.
                if let Some(p) = panel.try_get_untracked().flatten() {
                    match query_all(&p, FOCUSABLE).first() {
                        Some(el) => focus(el),
                        None => {
                            let _ = p.focus();
                        }
                    }
                }
            });
        }
        // Closed from inside (a choice made): focus goes back to the button rather than
        // to the page.
        if !is_open && was_open == Some(true) {
            let lost = focused_element().is_none_or(|el| {
                el.tag_name().eq_ignore_ascii_case("body")
                    || panel
                        .get_untracked()
                        .is_some_and(|p| contains(&p, Some(el.into())))
            });
            if lost {
                if let Some(b) = button.get_untracked() {
                    let _ = b.focus();
                }
            }
        }
        is_open
    });
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        if let Some(w) = wrapper.get_untracked() {
            if !contains(&w, ev.target()) {
                open.set(false);
            }
        }
    });
    on_cleanup(move || outside.remove());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            ev.stop_propagation();
            open.set(false);
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let class_panel = if align_end {
        "ui-popover ui-popup end"
    } else {
        "ui-popover ui-popup"
    };
    let text = if text.is_empty() { label.clone() } else { text };
    let children = StoredValue::new(children);
    view! {
        <span class="ui-anchor" node_ref=wrapper on:keydown=on_key>
            <button type="button" node_ref=button class=class aria-controls=panel_id.clone()
                aria-label=icon.then(|| label.clone())
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {text}
            </button>
            <div id=panel_id role="dialog" aria-label=label tabindex="-1" class=class_panel
                class:above=move || above.get() node_ref=panel hidden=move || !open.get()>
                <Show when=move || open.get()>{children.with_value(|c| c())}</Show>
            </div>
        </span>
    }
}
