//! A channel's scrolling message list.
//!
//! * Windowed: at most [`message_window::SIZE`] messages are in the DOM, however far back
//!   the person scrolls; the window moves by [`message_window::STEP`] near either edge,
//!   and an older page is fetched when the window reaches the oldest loaded message.
//! * Opens at the newest message and stays there as messages arrive, unless the person
//!   has scrolled up; then whatever they are reading stays put (the first visible message
//!   is the anchor, restored after every change of the window's content).
//! * "Jump to newest" returns to the bottom; the older-messages button does with the
//!   keyboard what scrolling to the top does.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::message_item::MessageItem;
use super::window::{self as message_window, End};
use crate::api::Message;
use crate::i18n::*;
use crate::ui::skeleton::Skeleton;

/// Focuses the message `id` if focus was lost (the page's focus fell back to `<body>`, as
/// when the list re-renders around a focused item).
fn refocus(scroller: NodeRef<Div>, id: i64) {
    let lost = document()
        .active_element()
        .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
    if !lost {
        return;
    }
    let li = scroller.get_untracked().and_then(|el| {
        el.query_selector(&format!("li.message[data-id=\"{id}\"]"))
            .ok()
            .flatten()
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    });
    if let Some(li) = li {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = li.focus_with_options(&options);
    }
}

/// Highlights and focuses the message `target` once it is in the DOM (trying for `frames`
/// more frames).
fn mark_found(scroller: NodeRef<Div>, target: i64, frames: u32) {
    request_animation_frame(move || {
        // `try_`: the list may be gone by then (as in every frame callback here).
        let li = scroller.try_get_untracked().flatten().and_then(|el| {
            el.query_selector(&format!("li.message[data-id=\"{target}\"]"))
                .ok()
                .flatten()
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        });
        match li {
            Some(li) => {
                let _ = li.class_list().add_1("found");
                let _ = li.set_attribute("tabindex", "-1");
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = li.focus_with_options(&options);
            }
            None if frames > 0 => mark_found(scroller, target, frames - 1),
            None => {}
        }
    });
}

/// Within this many pixels of an edge, the window moves (or the bottom counts as reached).
const EDGE_PX: i32 = 400;
const BOTTOM_PX: i32 = 40;

/// The list. `has_more`: the API has older pages; `load_older` fetches the next one into
/// `messages`. `has_newer`: the list ends before the newest message (it was opened further
/// back); `load_newer` fetches the next newer page, `to_latest` replaces the list with the
/// newest messages. `focus`: a loaded message to show (scrolled to a third of the way
/// down, highlighted and focused), cleared once shown. `first_unread`: where the "New
/// messages" line goes.
#[component]
pub fn MessageList(
    messages: RwSignal<Vec<Message>>,
    first_unread: Signal<Option<i64>>,
    has_more: Signal<bool>,
    has_newer: Signal<bool>,
    loading: Signal<bool>,
    load_older: Callback<()>,
    load_newer: Callback<()>,
    to_latest: Callback<()>,
    focus: RwSignal<Option<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let scroller = NodeRef::<Div>::new();
    let end = RwSignal::new(End::Latest);
    // At the bottom: new messages scroll into view.
    let following = RwSignal::new(true);
    // The first visible message and its distance from the top of the viewport.
    let anchor = StoredValue::new(None::<(i64, i32)>);
    let ids = Memo::new(move |_| messages.with(|l| l.iter().map(|m| m.id).collect::<Vec<_>>()));
    // The message shown by `focus`: keeps the focus while pages load around it, until the
    // person acts in the list.
    let keep_focus = StoredValue::new(None::<i64>);
    let visible = move || ids.with(|ids| ids[message_window::range(ids, end.get())].to_vec());

    let capture_anchor = move |el: &web_sys::HtmlDivElement| {
        let top = el.scroll_top();
        let items = el.query_selector_all("li.message[data-id]").ok();
        let found = items.and_then(|items| {
            (0..items.length())
                .filter_map(|i| items.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
                .find(|li| li.offset_top() + li.offset_height() > top)
        });
        let a = found.and_then(|li| {
            let id = li.get_attribute("data-id")?.parse().ok()?;
            Some((id, li.offset_top() - top))
        });
        anchor.set_value(a);
    };

    // Moves the window when the viewport is near one of its edges.
    let check_edges = move |el: &web_sys::HtmlDivElement| {
        let top = el.scroll_top();
        let gap = el.scroll_height() - top - el.client_height();
        let e = end.get_untracked();
        if top < EDGE_PX {
            if ids.with_untracked(|ids| message_window::has_older(ids, e)) {
                end.set(ids.with_untracked(|ids| message_window::older(ids, e)));
            } else if has_more.get_untracked() && !loading.get_untracked() {
                load_older.run(());
            }
        } else if gap < EDGE_PX {
            if e != End::Latest {
                end.set(ids.with_untracked(|ids| message_window::newer(ids, e)));
            } else if has_newer.get_untracked() && !loading.get_untracked() {
                load_newer.run(());
            }
        }
    };

    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let gap = el.scroll_height() - el.scroll_top() - el.client_height();
        following.set(
            gap < BOTTOM_PX && end.get_untracked() == End::Latest && !has_newer.get_untracked(),
        );
        capture_anchor(&el);
        check_edges(&el);
    };

    // After the window's content changes: back to the bottom, or the anchor where it was.
    Effect::new(move |_| {
        ids.track();
        end.track();
        request_animation_frame(move || {
            let Some(el) = scroller.try_get_untracked().flatten() else {
                return;
            };
            if following.try_get_untracked().unwrap_or(false) {
                el.set_scroll_top(el.scroll_height());
            } else if let Some((id, offset)) = anchor.try_get_value().flatten() {
                let sel = format!("li.message[data-id=\"{id}\"]");
                if let Some(li) = el
                    .query_selector(&sel)
                    .ok()
                    .flatten()
                    .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    el.set_scroll_top(li.offset_top() - offset);
                }
            }
            capture_anchor(&el);
            if let Some(id) = keep_focus.get_value() {
                refocus(scroller, id);
            }
            if !following.get_untracked() {
                check_edges(&el);
            }
        });
    });

    // A scroll to the top while a page was loading is acted on once the page is in.
    Effect::new(move |was_loading: Option<bool>| {
        let now = loading.get();
        if was_loading == Some(true) && !now {
            request_animation_frame(move || {
                if let Some(el) = scroller.try_get_untracked().flatten() {
                    if !following.try_get_untracked().unwrap_or(true) {
                        check_edges(&el);
                    }
                }
            });
        }
        now
    });

    // A message to show: the window moves to it, then it is scrolled into view.
    Effect::new(move |_| {
        let Some(target) = focus.get() else {
            return;
        };
        let Some(e) = ids.with_untracked(|ids| {
            let i = ids.iter().position(|&id| id == target)?;
            let last = (i + message_window::STEP / 2).min(ids.len() - 1);
            Some(if last + 1 == ids.len() {
                End::Latest
            } else {
                End::At(ids[last])
            })
        }) else {
            focus.set(None);
            return;
        };
        // Placed a third of the way down by the anchor that every change of the window
        // restores (see above), then marked once it is in the DOM.
        let third = scroller
            .get_untracked()
            .map_or(0, |el| el.client_height() / 3);
        anchor.set_value(Some((target, third)));
        following.set(false);
        end.set(e);
        mark_found(scroller, target, 10);
        keep_focus.set_value(Some(target));
        focus.set(None);
    });

    let jump_to_newest = move |_| {
        if has_newer.get_untracked() {
            to_latest.run(());
        }
        following.set(true);
        end.set(End::Latest);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    };
    let older_in_memory = move || ids.with(|ids| message_window::has_older(ids, end.get()));
    let show_older = move |_| {
        following.set(false);
        if let Some(el) = scroller.get_untracked() {
            capture_anchor(&el);
        }
        let e = end.get_untracked();
        if older_in_memory() {
            end.set(ids.with_untracked(|ids| message_window::older(ids, e)));
        } else {
            load_older.run(());
        }
    };

    view! {
        <div class="message-scroll" node_ref=scroller on:scroll=on_scroll
            on:pointerdown=move |_| keep_focus.set_value(None)
            on:keydown=move |_| keep_focus.set_value(None)>
            <Show when=move || older_in_memory() || has_more.get()>
                <button type="button" class="load-older" on:click=show_older>
                    {move || if loading.get() {
                        t_string!(i18n, messages.loading)
                    } else {
                        t_string!(i18n, messages.show_older)
                    }}
                </button>
            </Show>
            // The first page on its way: grey lines where the messages will be.
            <Show when=move || loading.get() && ids.with(Vec::is_empty)>
                <Skeleton lines=6 avatars=true label=t_string!(i18n, messages.loading_messages) />
            </Show>
            <div role="log" aria-live="polite" aria-label=move || t_string!(i18n, messages.messages)
                aria-busy=move || loading.get().to_string()>
                <ol class="messages">
                    <For each=visible key=|id| *id let:id>
                        <MessageItem id=id source=messages first_unread=first_unread />
                    </For>
                </ol>
            </div>
        </div>
        <Show when=move || end.get() != End::Latest || !following.get()>
            <button type="button" class="jump-newest" on:click=jump_to_newest>{t!(i18n, messages.jump_to_newest)}</button>
        </Show>
    }
}
