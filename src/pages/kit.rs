//! `/kit`: every component of the kit (`crate::ui`) in every state, for people building
//! the apps and for the end-to-end test that screenshots it in light and dark and checks
//! each from the keyboard. Not linked from the app.

use leptos::prelude::*;

use crate::theme::ThemeToggle;
use crate::ui::avatar::{Avatar, AvatarSize};
use crate::ui::combobox::{ComboOption, Combobox};
use crate::ui::confirm::ConfirmDialog;
use crate::ui::dialog::Dialog;
use crate::ui::emoji_picker::EmojiPicker;
use crate::ui::menu::{MenuButton, MenuItem};
use crate::ui::popover::Popover;
use crate::ui::skeleton::Skeleton;
use crate::ui::tabs::Tabs;
use crate::ui::toast::{use_toaster, ToastAction};
use crate::ui::tooltip::Tooltip;

const PEOPLE: &[(i64, &str, &str)] = &[
    (1, "Alice Martin", "alice"),
    (2, "Bob", "bob"),
    (3, "Carol Nguyen", "carol"),
    (4, "Dmitri Ivanov", "dmitri"),
    (5, "Élodie Durand", "elodie"),
    (6, "Fatima Zahra", "fatima"),
];

/// The page.
#[component]
pub fn KitPage() -> impl IntoView {
    let said = RwSignal::new(String::from("Nothing chosen yet."));
    view! {
        <header class="topbar">
            <span class="brand">{"Huddle component kit"}</span>
            <ThemeToggle />
        </header>
        <main id="main" class="kit">
            <h1>{"Component kit"}</h1>
            <p class="muted">{"Every component, in every state. Press ? for the keyboard shortcuts."}</p>
            <p role="status" class="kit-said">{move || said.get()}</p>
            <Buttons />
            <Dialogs said=said />
            <Menus said=said />
            <Popovers />
            <Emoji said=said />
            <Comboboxes said=said />
            <TabsDemo />
            <Toasts said=said />
            <Avatars />
            <Skeletons />
        </main>
    }
}

#[component]
fn Buttons() -> impl IntoView {
    view! {
        <section class="kit-section" aria-labelledby="kit-buttons">
            <h2 id="kit-buttons">{"Buttons"}</h2>
            <div class="kit-row">
                <button type="button">{"Default"}</button>
                <button type="button" class="primary">{"Primary"}</button>
                <button type="button" class="danger-solid">{"Delete"}</button>
                <button type="button" disabled>{"Disabled"}</button>
                <Tooltip text="Adds a reaction to the message">
                    <button type="button" class="ui-icon-button" aria-label="Add reaction">{"☺"}</button>
                </Tooltip>
            </div>
        </section>
    }
}

#[component]
fn Dialogs(said: RwSignal<String>) -> impl IntoView {
    let dialog = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let name = RwSignal::new(String::from("design-review"));
    view! {
        <section class="kit-section" aria-labelledby="kit-dialogs">
            <h2 id="kit-dialogs">{"Dialogs"}</h2>
            <div class="kit-row">
                <button type="button" on:click=move |_| dialog.set(true)>{"New channel…"}</button>
                <button type="button" class="danger" on:click=move |_| confirm.set(true)>{"Delete message…"}</button>
            </div>
            <Dialog open=dialog title="New channel">
                <form class="stack" on:submit=move |ev| {
                    ev.prevent_default();
                    said.set(format!("Created #{}.", name.get_untracked()));
                    dialog.set(false);
                }>
                    <label for="kit-channel-name">{"Name"}</label>
                    <input id="kit-channel-name" autofocus prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                    <div class="ui-dialog-actions">
                        <button type="button" on:click=move |_| dialog.set(false)>{"Cancel"}</button>
                        <button type="submit" class="primary">{"Create"}</button>
                    </div>
                </form>
            </Dialog>
            <ConfirmDialog open=confirm title="Delete this message?"
                message="It is deleted for everyone in the channel. This cannot be undone."
                confirm="Delete" danger=true
                on_confirm=Callback::new(move |()| said.set("Deleted.".into())) />
        </section>
    }
}

#[component]
fn Menus(said: RwSignal<String>) -> impl IntoView {
    let items = Signal::derive(move || {
        vec![
            MenuItem::new("Edit", move || said.set("Edit chosen.".into())),
            MenuItem::new("Copy link", move || said.set("Copy link chosen.".into())),
            MenuItem::new("Pin", move || said.set("Pin chosen.".into())).disabled(true),
            MenuItem::new("Reply in thread", move || said.set("Reply chosen.".into())),
            MenuItem::new("Delete", move || said.set("Delete chosen.".into())).danger(),
        ]
    });
    view! {
        <section class="kit-section" aria-labelledby="kit-menus">
            <h2 id="kit-menus">{"Menu button"}</h2>
            <div class="kit-row">
                <MenuButton label="More actions" text="⋯" items=items class="ui-icon-button" />
                <MenuButton label="Channel menu" items=items align_end=true />
            </div>
        </section>
    }
}

#[component]
fn Popovers() -> impl IntoView {
    let level = RwSignal::new("all");
    let choices = [
        ("all", "All messages"),
        ("mentions", "Mentions only"),
        ("nothing", "Nothing"),
    ];
    view! {
        <section class="kit-section" aria-labelledby="kit-popovers">
            <h2 id="kit-popovers">{"Popover"}</h2>
            <div class="kit-row">
                <Popover label="Notification settings" text="Notifications…">
                    <fieldset class="stack">
                        <legend>{"Notify me about"}</legend>
                        {choices.into_iter().map(|(value, text)| view! {
                            <label class="check">
                                <input type="radio" name="kit-notify" value=value
                                    prop:checked=move || level.get() == value
                                    on:change=move |_| level.set(value) />
                                {text}
                            </label>
                        }).collect_view()}
                    </fieldset>
                </Popover>
            </div>
        </section>
    }
}

#[component]
fn Emoji(said: RwSignal<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <section class="kit-section" aria-labelledby="kit-emoji">
            <h2 id="kit-emoji">{"Emoji picker"}</h2>
            <Popover label="Pick an emoji" text="☺ Emoji…" open=open>
                <EmojiPicker on_pick=Callback::new(move |e: String| {
                    open.set(false);
                    said.set(format!("Picked {e}."));
                }) />
            </Popover>
        </section>
    }
}

#[component]
fn Comboboxes(said: RwSignal<String>) -> impl IntoView {
    let value = RwSignal::new(String::new());
    let options = Signal::derive(|| {
        PEOPLE
            .iter()
            .map(|(id, name, user)| ComboOption {
                value: id.to_string(),
                label: (*name).into(),
                detail: Some(format!("@{user}")),
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section class="kit-section" aria-labelledby="kit-combobox">
            <h2 id="kit-combobox">{"Combobox"}</h2>
            <Combobox label="Invite a member" options=options value=value placeholder="Name or username"
                on_select=Callback::new(move |o: ComboOption| said.set(format!("Chose {}.", o.label))) />
        </section>
    }
}

#[component]
fn TabsDemo() -> impl IntoView {
    let selected = RwSignal::new(0usize);
    view! {
        <section class="kit-section" aria-labelledby="kit-tabs">
            <h2 id="kit-tabs">{"Tabs"}</h2>
            <Tabs label="Channel details" selected=selected
                tabs=vec!["About".into(), "Members".into(), "Pinned".into()]
                panel=|i| match i {
                    0 => view! { <p>{"Topic: the weekly design review."}</p> }.into_any(),
                    1 => view! { <p>{"6 members."}</p> }.into_any(),
                    _ => view! { <p>{"No pinned messages yet."}</p> }.into_any(),
                } />
        </section>
    }
}

#[component]
fn Toasts(said: RwSignal<String>) -> impl IntoView {
    let toaster = use_toaster();
    view! {
        <section class="kit-section" aria-labelledby="kit-toasts">
            <h2 id="kit-toasts">{"Toasts"}</h2>
            <div class="kit-row">
                <button type="button" on:click=move |_| toaster.show("Link copied.", None)>{"Show a toast"}</button>
                <button type="button" on:click=move |_| toaster.show("Message deleted.", Some(ToastAction {
                    label: "Undo".into(),
                    run: Callback::new(move |()| said.set("Undone.".into())),
                }))>{"Show a toast with Undo"}</button>
                <button type="button" on:click=move |_| toaster.error("Could not reach the server.")>{"Show an error"}</button>
            </div>
        </section>
    }
}

#[component]
fn Avatars() -> impl IntoView {
    view! {
        <section class="kit-section" aria-labelledby="kit-avatars">
            <h2 id="kit-avatars">{"Avatars"}</h2>
            <ul class="kit-row kit-avatars">
                {PEOPLE.iter().map(|(id, name, _)| view! {
                    <li><Avatar id=*id name=*name alone=true /></li>
                }).collect_view()}
                <li><Avatar id=1 name="Alice Martin" size=AvatarSize::Small alone=true /></li>
                <li><Avatar id=1 name="Alice Martin" size=AvatarSize::Large alone=true /></li>
            </ul>
        </section>
    }
}

#[component]
fn Skeletons() -> impl IntoView {
    view! {
        <section class="kit-section" aria-labelledby="kit-skeletons">
            <h2 id="kit-skeletons">{"Skeletons"}</h2>
            <Skeleton lines=3 avatars=true label="Loading messages…" />
            <Skeleton lines=2 />
        </section>
    }
}
