//! `/kit`: every component of the kit (`crate::ui`) in every state, for people building
//! the apps and for the end-to-end test that screenshots it in light and dark and checks
//! each from the keyboard. Not linked from the app.

use crate::language::Localized;
use leptos::prelude::*;

use crate::i18n::*;
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
    let i18n = use_i18n();
    // Empty until something is chosen: "Nothing chosen yet." in the language in use.
    let said = RwSignal::new(String::new());
    view! {
        <header class="topbar">
            <span class="brand">{t!(i18n, ui.kit_brand)}</span>
            <ThemeToggle />
        </header>
        <main id="main" class="kit">
            <h1>{t!(i18n, ui.kit_title)}</h1>
            <p class="muted">{t!(i18n, ui.kit_intro)}</p>
            <p role="status" class="kit-said">
                {move || {
                    let s = said.get();
                    if s.is_empty() {
                        t_string!(i18n, ui.kit_nothing_chosen).to_string()
                    } else {
                        s
                    }
                }}
            </p>
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
    let i18n = use_i18n();
    view! {
        <section class="kit-section" aria-labelledby="kit-buttons">
            <h2 id="kit-buttons">{t!(i18n, ui.kit_buttons)}</h2>
            <div class="kit-row">
                <button type="button">{t!(i18n, ui.kit_default)}</button>
                <button type="button" class="primary">{t!(i18n, ui.kit_primary)}</button>
                <button type="button" class="danger-solid">{t!(i18n, ui.kit_delete)}</button>
                <button type="button" disabled>{t!(i18n, ui.kit_disabled)}</button>
                <Tooltip text=Signal::derive(move || t_string!(i18n, ui.kit_reaction_tooltip).to_string())>
                    <button type="button" class="ui-icon-button" aria-label=move || t_string!(i18n, ui.kit_add_reaction)>{"☺"}</button>
                </Tooltip>
            </div>
        </section>
    }
}

#[component]
fn Dialogs(said: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let dialog = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let name = RwSignal::new(String::from("design-review"));
    view! {
        <section class="kit-section" aria-labelledby="kit-dialogs">
            <h2 id="kit-dialogs">{t!(i18n, ui.kit_dialogs)}</h2>
            <div class="kit-row">
                <button type="button" on:click=move |_| dialog.set(true)>{t!(i18n, ui.kit_new_channel_button)}</button>
                <button type="button" class="danger" on:click=move |_| confirm.set(true)>{t!(i18n, ui.kit_delete_message_button)}</button>
            </div>
            <Dialog open=dialog title=Signal::derive(move || t_string!(i18n, ui.kit_new_channel).to_string())>
                <form class="stack" on:submit=move |ev| {
                    ev.prevent_default();
                    said.set(t_string!(i18n, ui.kit_created, name = name.get_untracked()).to_string());
                    dialog.set(false);
                }>
                    <label for="kit-channel-name">{t!(i18n, ui.kit_name)}</label>
                    <input id="kit-channel-name" autofocus prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                    <div class="ui-dialog-actions">
                        <button type="button" on:click=move |_| dialog.set(false)>{t!(i18n, ui.cancel)}</button>
                        <button type="submit" class="primary">{t!(i18n, ui.kit_create)}</button>
                    </div>
                </form>
            </Dialog>
            <ConfirmDialog open=confirm
                title=Signal::derive(move || t_string!(i18n, ui.kit_delete_title).to_string())
                message=Signal::derive(move || t_string!(i18n, ui.kit_delete_warning).to_string())
                confirm=Signal::derive(move || t_string!(i18n, ui.kit_delete).to_string())
                danger=true
                on_confirm=Callback::new(move |()| said.set(t_string!(i18n, ui.kit_deleted).into())) />
        </section>
    }
}

#[component]
fn Menus(said: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let items = Signal::derive(move || {
        vec![
            MenuItem::new(t_string!(i18n, ui.kit_edit), move || {
                said.set(t_string!(i18n, ui.kit_edit_chosen).into())
            }),
            MenuItem::new(t_string!(i18n, ui.kit_copy_link), move || {
                said.set(t_string!(i18n, ui.kit_copy_link_chosen).into())
            }),
            MenuItem::new(t_string!(i18n, ui.kit_pin), move || {
                said.set(t_string!(i18n, ui.kit_pin_chosen).into())
            })
            .disabled(true),
            MenuItem::new(t_string!(i18n, ui.kit_reply_in_thread), move || {
                said.set(t_string!(i18n, ui.kit_reply_chosen).into())
            }),
            MenuItem::new(t_string!(i18n, ui.kit_delete), move || {
                said.set(t_string!(i18n, ui.kit_delete_chosen).into())
            })
            .danger(),
        ]
    });
    view! {
        <section class="kit-section" aria-labelledby="kit-menus">
            <h2 id="kit-menus">{t!(i18n, ui.kit_menu_button)}</h2>
            <div class="kit-row">
                <MenuButton label=t_string!(i18n, ui.kit_more_actions) text="⋯" items=items class="ui-icon-button" />
                <MenuButton label=t_string!(i18n, ui.kit_channel_menu) items=items align_end=true />
            </div>
        </section>
    }
}

#[component]
fn Popovers() -> impl IntoView {
    let i18n = use_i18n();
    let level = RwSignal::new("all");
    let choices: [(&str, Localized); 3] = [
        ("all", |l| td_string!(l, ui.kit_all_messages)),
        ("mentions", |l| td_string!(l, ui.kit_mentions_only)),
        ("nothing", |l| td_string!(l, ui.kit_nothing)),
    ];
    view! {
        <section class="kit-section" aria-labelledby="kit-popovers">
            <h2 id="kit-popovers">{t!(i18n, ui.kit_popover)}</h2>
            <div class="kit-row">
                <Popover label=t_string!(i18n, ui.kit_notification_settings)
                    text=t_string!(i18n, ui.kit_notifications_button)>
                    <fieldset class="stack">
                        <legend>{t!(i18n, ui.kit_notify_me_about)}</legend>
                        {choices.into_iter().map(move |(value, text)| view! {
                            <label class="check">
                                <input type="radio" name="kit-notify" value=value
                                    prop:checked=move || level.get() == value
                                    on:change=move |_| level.set(value) />
                                {move || text(i18n.get_locale())}
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
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <section class="kit-section" aria-labelledby="kit-emoji">
            <h2 id="kit-emoji">{t!(i18n, ui.kit_emoji_picker)}</h2>
            <Popover label=t_string!(i18n, ui.kit_pick_emoji) text=t_string!(i18n, ui.kit_emoji_button)
                open=open>
                <EmojiPicker on_pick=Callback::new(move |e: String| {
                    open.set(false);
                    said.set(t_string!(i18n, ui.kit_picked, emoji = e).to_string());
                }) />
            </Popover>
        </section>
    }
}

#[component]
fn Comboboxes(said: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
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
            <h2 id="kit-combobox">{t!(i18n, ui.kit_combobox)}</h2>
            <Combobox label=t_string!(i18n, ui.kit_invite_member) options=options value=value
                placeholder=t_string!(i18n, ui.kit_name_or_username)
                on_select=Callback::new(move |o: ComboOption| {
                    said.set(t_string!(i18n, ui.kit_chose, name = o.label).to_string())
                }) />
        </section>
    }
}

#[component]
fn TabsDemo() -> impl IntoView {
    let i18n = use_i18n();
    let selected = RwSignal::new(0usize);
    view! {
        <section class="kit-section" aria-labelledby="kit-tabs">
            <h2 id="kit-tabs">{t!(i18n, ui.kit_tabs)}</h2>
            <Tabs label=t_string!(i18n, ui.kit_channel_details) selected=selected
                tabs=vec![
                    t_string!(i18n, ui.kit_about).into(),
                    t_string!(i18n, ui.kit_members).into(),
                    t_string!(i18n, ui.kit_pinned).into(),
                ]
                panel=move |i| match i {
                    0 => view! { <p>{t!(i18n, ui.kit_topic)}</p> }.into_any(),
                    1 => view! { <p>{t!(i18n, ui.kit_members_count)}</p> }.into_any(),
                    _ => view! { <p>{t!(i18n, ui.kit_no_pinned)}</p> }.into_any(),
                } />
        </section>
    }
}

#[component]
fn Toasts(said: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let toaster = use_toaster();
    view! {
        <section class="kit-section" aria-labelledby="kit-toasts">
            <h2 id="kit-toasts">{t!(i18n, ui.kit_toasts)}</h2>
            <div class="kit-row">
                <button type="button" on:click=move |_| toaster.show(t_string!(i18n, ui.kit_link_copied), None)>
                    {t!(i18n, ui.kit_show_toast)}
                </button>
                <button type="button" on:click=move |_| toaster.show(t_string!(i18n, ui.kit_message_deleted), Some(ToastAction {
                    label: t_string!(i18n, ui.kit_undo).into(),
                    run: Callback::new(move |()| said.set(t_string!(i18n, ui.kit_undone).into())),
                }))>{t!(i18n, ui.kit_show_toast_undo)}</button>
                <button type="button" on:click=move |_| toaster.error(t_string!(i18n, ui.kit_server_unreachable))>
                    {t!(i18n, ui.kit_show_error)}
                </button>
            </div>
        </section>
    }
}

#[component]
fn Avatars() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="kit-section" aria-labelledby="kit-avatars">
            <h2 id="kit-avatars">{t!(i18n, ui.kit_avatars)}</h2>
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
    let i18n = use_i18n();
    view! {
        <section class="kit-section" aria-labelledby="kit-skeletons">
            <h2 id="kit-skeletons">{t!(i18n, ui.kit_skeletons)}</h2>
            <Skeleton lines=3 avatars=true label=t_string!(i18n, ui.kit_loading_messages) />
            <Skeleton lines=2 />
        </section>
    }
}
