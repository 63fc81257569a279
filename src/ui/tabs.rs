//! Tabs (WAI-ARIA "Tabs", automatic activation): Left and Right move between tabs (and
//! show each), Home and End jump; only the selected tab is in the Tab order, and Tab from
//! it goes into its panel.

use leptos::html;
use leptos::prelude::*;

use super::{focus, query_all, unique_id, wrap};

/// A tab list named `label` with one tab per entry of `tabs`; `panel(i)` is the content
/// of tab `i`.
#[component]
pub fn Tabs<F, V>(
    /// The tab list's accessible name.
    #[prop(into)]
    label: String,
    /// The tabs' labels.
    tabs: Vec<String>,
    /// The selected tab.
    selected: RwSignal<usize>,
    /// The selected tab's panel.
    panel: F,
) -> impl IntoView
where
    F: Fn(usize) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let id = unique_id("tabs");
    let n = tabs.len();
    let list = NodeRef::<html::Div>::new();
    let tab_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-tab-{i}")
    };
    let panel_id = format!("{id}-panel");
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let next = match ev.key().as_str() {
            "ArrowRight" => wrap(selected.get_untracked(), 1, n),
            "ArrowLeft" => wrap(selected.get_untracked(), -1, n),
            "Home" => 0,
            "End" => n.saturating_sub(1),
            _ => return,
        };
        ev.prevent_default();
        selected.set(next);
        if let Some(l) = list.get_untracked() {
            if let Some(t) = query_all(&l, "[role=tab]").get(next) {
                focus(t);
            }
        }
    };
    let buttons = tabs
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let is = move || selected.get() == i;
            view! {
                <button type="button" role="tab" id=tab_id(i) class="ui-tab"
                    aria-selected=move || is().to_string()
                    aria-controls=panel_id.clone()
                    tabindex=move || if is() { "0" } else { "-1" }
                    on:click=move |_| selected.set(i)>
                    {t}
                </button>
            }
        })
        .collect_view();
    let labelled_by = move || tab_id(selected.get());
    view! {
        <div class="ui-tabs">
            <div role="tablist" aria-label=label class="ui-tablist" node_ref=list on:keydown=on_key>
                {buttons}
            </div>
            <div role="tabpanel" id=panel_id.clone() class="ui-tabpanel" tabindex="0"
                aria-labelledby=labelled_by>
                {move || panel(selected.get())}
            </div>
        </div>
    }
}
