//! Menu button and menu (WAI-ARIA "Menu Button", "Menu"): the button opens the menu with
//! Enter, Space or Down (first item) or Up (last item); in the menu, Up and Down move
//! (wrapping), Home and End jump, a letter moves to the next item starting with it,
//! Enter or Space chooses, Escape closes and focus goes back to the button, Tab closes
//! and moves on. A pointer press outside closes it.

use leptos::html;
use leptos::prelude::*;

use super::{contains, focus, query_all, unique_id, wrap};

/// One choice of a menu.
#[derive(Clone)]
pub struct MenuItem {
    /// Its label.
    pub label: String,
    /// What choosing it does.
    pub on_select: Callback<()>,
    /// Whether it destroys something (shown in red).
    pub danger: bool,
    /// Whether it can be chosen now (a disabled item is still focusable, as the pattern
    /// recommends, so that people know it exists).
    pub disabled: bool,
    /// For one of a group of choices (`menuitemradio`): whether it is the one chosen.
    pub checked: Option<bool>,
}

impl MenuItem {
    /// An item that runs `f`.
    pub fn new(label: impl Into<String>, f: impl Fn() + Send + Sync + 'static) -> MenuItem {
        MenuItem {
            label: label.into(),
            on_select: Callback::new(move |()| f()),
            danger: false,
            disabled: false,
            checked: None,
        }
    }

    /// The same item, as one of a group of choices, chosen or not.
    pub fn radio(mut self, checked: bool) -> MenuItem {
        self.checked = Some(checked);
        self
    }

    /// The same item, marked as destructive.
    pub fn danger(mut self) -> MenuItem {
        self.danger = true;
        self
    }

    /// The same item, disabled.
    pub fn disabled(mut self, disabled: bool) -> MenuItem {
        self.disabled = disabled;
        self
    }
}

/// A button that opens a menu of `items`.
#[component]
pub fn MenuButton(
    /// The button's accessible name (e.g. "More actions").
    #[prop(into)]
    label: String,
    /// What the button shows (e.g. "⋯"); the label when empty.
    #[prop(optional, into)]
    text: String,
    /// The choices.
    #[prop(into)]
    items: Signal<Vec<MenuItem>>,
    /// Aligns the menu's end with the button's (for buttons at the right edge).
    #[prop(optional)]
    align_end: bool,
    /// Extra classes of the button.
    #[prop(optional, into)]
    class: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let active = RwSignal::new(0usize);
    let menu_id = unique_id("menu");
    let button_id = unique_id("menu-button");
    let wrapper = NodeRef::<html::Span>::new();
    let button = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Ul>::new();
    let count = move || items.with(Vec::len);
    // The active item has focus whenever the menu is open.
    Effect::new(move |_| {
        let i = active.get();
        if !open.get() {
            return;
        }
        // After this turn's rendering, when the menu is shown (a hidden element
        // cannot take focus).
        request_animation_frame(move || {
            // `try_`: the menu may be gone by then.
            if let Some(m) = menu.try_get_untracked().flatten() {
                if let Some(el) = query_all(&m, "[role^=menuitem]").get(i) {
                    focus(el);
                }
            }
        });
    });
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let open_at = move |i: usize| {
        active.set(i);
        open.set(true);
    };
    let choose = move |i: usize| {
        let Some(item) = items.with_untracked(|v| v.get(i).cloned()) else {
            return;
        };
        if item.disabled {
            return;
        }
        close(true);
        item.on_select.run(());
    };
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        if let Some(w) = wrapper.get_untracked() {
            if !contains(&w, ev.target()) {
                close(false);
            }
        }
    });
    on_cleanup(move || outside.remove());
    let on_button_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            ev.prevent_default();
            open_at(0);
        }
        "ArrowUp" => {
            ev.prevent_default();
            open_at(count().saturating_sub(1));
        }
        _ => {}
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = count();
        let key = ev.key();
        match key.as_str() {
            "ArrowDown" => active.update(|a| *a = wrap(*a, 1, n)),
            "ArrowUp" => active.update(|a| *a = wrap(*a, -1, n)),
            "Home" | "PageUp" => active.set(0),
            "End" | "PageDown" => active.set(n.saturating_sub(1)),
            "Escape" => close(true),
            "Tab" => {
                close(false);
                return;
            }
            "Enter" | " " => {
                ev.prevent_default();
                ev.stop_propagation();
                // What was chosen may have taken this menu away (a navigation).
                choose(active.get_untracked());
                return;
            }
            k if k.chars().count() == 1 && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() => {
                let c = k.to_lowercase();
                let from = active.get_untracked();
                let next = items.with_untracked(|v| {
                    (1..=v.len())
                        .map(|s| (from + s) % v.len())
                        .find(|&i| v[i].label.to_lowercase().starts_with(&c))
                });
                if let Some(i) = next {
                    active.set(i);
                }
            }
            _ => return,
        }
        // Focus follows at once (the menu is shown), so that a key pressed next acts on
        // the item that has it.
        if open.try_get_untracked() == Some(true) {
            if let Some(m) = menu.get_untracked() {
                if let Some(el) = query_all(&m, "[role^=menuitem]").get(active.get_untracked()) {
                    focus(el);
                }
            }
        }
        ev.prevent_default();
        ev.stop_propagation();
    };
    let menu_class = if align_end {
        "ui-menu ui-popup end"
    } else {
        "ui-menu ui-popup"
    };
    let text = if text.is_empty() { label.clone() } else { text };
    view! {
        <span class="ui-anchor" node_ref=wrapper>
            <button type="button" id=button_id.clone() node_ref=button class=class
                aria-label=label aria-haspopup="menu" aria-controls=menu_id.clone()
                aria-expanded=move || open.get().to_string()
                on:click=move |_| if open.get_untracked() { close(false) } else { open_at(0) }
                on:keydown=on_button_key>
                {text}
            </button>
            <ul id=menu_id role="menu" class=menu_class aria-labelledby=button_id node_ref=menu
                hidden=move || !open.get() on:keydown=on_menu_key>
                <For each=move || items.get().into_iter().enumerate()
                    key=|(i, item)| (*i, item.label.clone(), item.disabled, item.checked)
                    let((i, item))>
                    <li role=if item.checked.is_some() { "menuitemradio" } else { "menuitem" } tabindex="-1"
                        aria-checked=item.checked.map(|c| c.to_string())
                        class=if item.danger { "ui-menu-item danger" } else { "ui-menu-item" }
                        aria-disabled=item.disabled.then_some("true")
                        on:click=move |_| choose(i)
                        on:pointermove=move |_| if active.get_untracked() != i { active.set(i) }>
                        {item.label.clone()}
                    </li>
                </For>
            </ul>
        </span>
    }
}
