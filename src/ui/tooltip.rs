//! Tooltip (WAI-ARIA "Tooltip"): a short description of the element it wraps, shown
//! while the pointer is over it or it has focus, hidden by Escape; the element is
//! described by it (`aria-describedby`), so screen readers read it too.

use leptos::html;
use leptos::prelude::*;

use super::unique_id;

/// Wraps one focusable element (`children`) and describes it with `text`.
#[component]
pub fn Tooltip(
    /// The description.
    #[prop(into)]
    text: Signal<String>,
    /// The element described (one, focusable).
    children: Children,
) -> impl IntoView {
    let id = unique_id("tooltip");
    let shown = RwSignal::new(false);
    let wrapper = NodeRef::<html::Span>::new();
    // The wrapped element is the one described.
    let tip_id = id.clone();
    Effect::new(move |_| {
        if let Some(el) = wrapper.get().and_then(|w| w.first_element_child()) {
            let _ = el.set_attribute("aria-describedby", &tip_id);
        }
    });
    view! {
        <span class="ui-anchor ui-tooltip-anchor" node_ref=wrapper
            on:mouseenter=move |_| shown.set(true)
            on:mouseleave=move |_| shown.set(false)
            on:focusin=move |_| shown.set(true)
            on:focusout=move |_| shown.set(false)
            on:keydown=move |ev| if ev.key() == "Escape" && shown.get_untracked() {
                shown.set(false);
            }>
            {children()}
            <span id=id role="tooltip" class="ui-tooltip ui-popup" class:shown=move || shown.get()>
                {move || text.get()}
            </span>
        </span>
    }
}
