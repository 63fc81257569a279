//! A channel's pinned messages, the latest pin first: each links to the message (the
//! channel opens at it) and can be unpinned. Loaded when the panel opens.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::message_actions::permalink;
use crate::api;
use crate::i18n::*;
use crate::markdown::Markdown;
use crate::shell::state::workspace_id;
use crate::time;
use crate::ui::skeleton::Skeleton;

/// The pinned messages of `channel`, while `open`.
#[component]
pub fn PinnedMessages(channel: Memo<i64>, open: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let reload = RwSignal::new(0u32);
    let pins = LocalResource::new(move || {
        let ch = channel.get();
        reload.track();
        let shown = open.get();
        async move {
            if shown {
                Some(api::pins(ch).await)
            } else {
                None
            }
        }
    });
    let error = RwSignal::new(None::<String>);
    let unpin = move |id: i64| {
        spawn_local(async move {
            match api::pin(id, false).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <Transition fallback=move || view! {
            <Skeleton lines=3 label=t_string!(i18n, messages.loading_pins) />
        }>
            {move || pins.get().flatten().map(|r| match r {
                Ok(list) if list.is_empty() => view! {
                    <p class="muted">{t!(i18n, messages.no_pins)}</p>
                }.into_any(),
                Ok(list) => view! {
                    <ul class="pin-list">
                        {list.into_iter().map(|m| {
                            // A reply opens its thread's root (the channel lists roots).
                            let target = m.thread_root_id.unwrap_or(m.id);
                            let href = permalink(ws.get_untracked(), m.channel_id, target);
                            let id = m.id;
                            let whose = format!("{}, {}", m.author.display_name, time::date_time(m.created_at));
                            let open_label = {
                                let whose = whose.clone();
                                move || t_string!(i18n, messages.open_pin_label, whose = &whose)
                            };
                            let unpin_label =
                                move || t_string!(i18n, messages.unpin_label, whose = &whose);
                            view! {
                                <li class="pin">
                                    <p class="meta">
                                        <span class="author">{m.author.display_name.clone()}</span>
                                        <time datetime=time::iso(m.created_at)>{time::date_time(m.created_at)}</time>
                                    </p>
                                    <Markdown text=m.body.clone().unwrap_or_default() />
                                    <p class="pin-actions">
                                        <A href=href attr:aria-label=open_label on:click=move |_| open.set(false)>{t!(i18n, messages.open_in_channel)}</A>
                                        <button type="button" aria-label=unpin_label on:click=move |_| unpin(id)>{t!(i18n, messages.unpin)}</button>
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
            })}
        </Transition>
        <p class="error" role="alert">{move || error.get()}</p>
        <div class="ui-dialog-actions">
            <button type="button" on:click=move |_| open.set(false)>{t!(i18n, messages.close)}</button>
        </div>
    }
}
