//! Combobox with list autocomplete (WAI-ARIA "Combobox", list autocomplete with manual
//! selection): typing filters the list; Down and Up move through it (focus stays in the
//! field, the option is `aria-activedescendant`), Enter chooses, Escape closes the list
//! and a second Escape clears the field, Alt+Down opens it without typing.

use leptos::prelude::*;

use crate::i18n::*;

use super::{unique_id, wrap};

/// One choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComboOption {
    /// What is chosen (e.g. a user id).
    pub value: String,
    /// What the list shows, and what typing matches.
    pub label: String,
    /// A second line (e.g. the username), also matched.
    pub detail: Option<String>,
}

/// The options that match `query` (case-insensitive, anywhere in the label or detail;
/// those that start with it first), at most `limit`.
pub fn filter(options: &[ComboOption], query: &str, limit: usize) -> Vec<ComboOption> {
    let q = query.trim().to_lowercase();
    let mut starts = Vec::new();
    let mut within = Vec::new();
    for o in options {
        let label = o.label.to_lowercase();
        let detail = o.detail.as_deref().unwrap_or_default().to_lowercase();
        if label.starts_with(&q) || detail.starts_with(&q) {
            starts.push(o.clone());
        } else if label.contains(&q) || detail.contains(&q) {
            within.push(o.clone());
        }
    }
    starts.extend(within);
    starts.truncate(limit);
    starts
}

/// A text field with a list of `options` to choose from.
#[component]
pub fn Combobox(
    /// The field's label.
    #[prop(into)]
    label: String,
    /// Every choice; the list shows those matching the text.
    #[prop(into)]
    options: Signal<Vec<ComboOption>>,
    /// The text in the field.
    value: RwSignal<String>,
    /// Runs with the option chosen (the field then shows its label).
    on_select: Callback<ComboOption>,
    /// Shown in an empty field.
    #[prop(optional, into)]
    placeholder: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let input_id = unique_id("combobox");
    let list_id = unique_id("listbox");
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let shown = Memo::new(move |_| options.with(|o| filter(o, &value.get(), 8)));
    let option_id = {
        let list_id = list_id.clone();
        move |i: usize| format!("{list_id}-{i}")
    };
    let choose = move |i: usize| {
        if let Some(o) = shown.with_untracked(|s| s.get(i).cloned()) {
            value.set(o.label.clone());
            open.set(false);
            on_select.run(o);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if ev.alt_key() => open.set(true),
            "ArrowDown" if !open.get_untracked() => {
                open.set(true);
                active.set(0);
            }
            "ArrowDown" => active.update(|a| *a = wrap(*a, 1, n)),
            "ArrowUp" if open.get_untracked() => active.update(|a| *a = wrap(*a, -1, n)),
            "Enter" if open.get_untracked() && n > 0 => choose(active.get_untracked()),
            "Escape" if open.get_untracked() => open.set(false),
            "Escape" => value.set(String::new()),
            _ => return,
        }
        ev.prevent_default();
    };
    let active_descendant = {
        let option_id = option_id.clone();
        move || (open.get() && !shown.with(Vec::is_empty)).then(|| option_id(active.get()))
    };
    view! {
        <div class="ui-anchor ui-combobox">
            <label for=input_id.clone()>{label}</label>
            <input id=input_id type="text" role="combobox" autocomplete="off"
                spellcheck="false" placeholder=placeholder
                aria-autocomplete="list" aria-controls=list_id.clone()
                aria-expanded=move || open.get().to_string()
                aria-activedescendant=active_descendant
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    active.set(0);
                    open.set(true);
                }
                on:keydown=on_key
                on:blur=move |_| open.set(false) />
            <ul id=list_id role="listbox" class="ui-listbox ui-popup" hidden=move || !open.get()>
                {move || {
                    let items = shown.get();
                    if items.is_empty() {
                        return view! { <li class="ui-listbox-empty" role="presentation">{t!(i18n, ui.no_matches)}</li> }.into_any();
                    }
                    items.into_iter().enumerate().map(|(i, o)| {
                        let id = option_id(i);
                        view! {
                            <li id=id role="option" class="ui-option"
                                aria-selected=move || (active.get() == i).to_string()
                                on:mousedown=|ev| ev.prevent_default()
                                on:click=move |_| choose(i)>
                                <span>{o.label.clone()}</span>
                                {o.detail.clone().map(|d| view! { <span class="muted">{d}</span> })}
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(label: &str, detail: &str) -> ComboOption {
        ComboOption {
            value: label.into(),
            label: label.into(),
            detail: Some(detail.into()),
        }
    }

    #[test]
    fn matches_start_first_then_anywhere_ignoring_case() {
        let all = [
            o("Bob Martin", "bob"),
            o("Alice Bobet", "alice"),
            o("Carol", "carol"),
        ];
        let got: Vec<String> = filter(&all, "BO", 8).into_iter().map(|o| o.label).collect();
        assert_eq!(got, ["Bob Martin", "Alice Bobet"]);
        assert_eq!(filter(&all, "", 2).len(), 2);
        assert_eq!(filter(&all, "zz", 8), []);
        assert_eq!(filter(&all, "caro", 8)[0].label, "Carol");
    }
}
