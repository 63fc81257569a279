//! Skeleton loader: grey lines where content is coming, so the page does not jump when
//! it arrives. Screen readers hear "Loading…" once (the lines are hidden from them); the
//! shimmer stops under `prefers-reduced-motion`.

use leptos::prelude::*;

use crate::i18n::*;

/// `lines` placeholder lines (the last one shorter), optionally with avatars.
#[component]
pub fn Skeleton(
    /// How many lines.
    #[prop(default = 3)]
    lines: usize,
    /// Whether each line has an avatar placeholder (message lists).
    #[prop(optional)]
    avatars: bool,
    /// What is loading, read by screen readers ("Loading…" when empty).
    #[prop(optional, into)]
    label: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = if label.is_empty() {
        t!(i18n, ui.loading).into_any()
    } else {
        label.into_any()
    };
    view! {
        <div class="ui-skeleton" role="status" aria-busy="true">
            <span class="visually-hidden">{label}</span>
            {(0..lines).map(|i| view! {
                <div class="ui-skeleton-row" aria-hidden="true">
                    {avatars.then(|| view! { <span class="ui-skeleton-avatar">{""}</span> })}
                    <span class="ui-skeleton-line" class:short=i + 1 == lines></span>
                </div>
            }).collect_view()}
        </div>
    }
}
