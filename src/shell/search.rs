//! The workspace search: a search box in the top bar (`/` or Ctrl+K focuses it), and the
//! results below it — channel, author, time, and the text with the searched words
//! marked (DOM nodes, never HTML from a string). Choosing a result opens its channel at
//! that message ([`FocusMessage`]).

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::state::{workspace_id, ChannelList, FocusMessage};
use crate::api::{self, Message};
use crate::i18n::*;

/// The search box and its results.
#[component]
pub fn SearchBox() -> impl IntoView {
    let i18n = use_i18n();
    let ws = workspace_id();
    let list = expect_context::<ChannelList>();
    let focus = expect_context::<FocusMessage>();
    let navigate = use_navigate();
    let input = NodeRef::<Input>::new();
    let query = RwSignal::new(String::new());
    // The query the results are for (kept while the person types another).
    let searched = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Vec<Message>>);
    let more = RwSignal::new(None::<i64>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // `/` (outside text fields) and Ctrl+K / ⌘K focus the box.
    let shortcut = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.has_attribute("contenteditable")
            });
        let k = ev.key();
        if (k == "/" && !typing && !ev.ctrl_key() && !ev.meta_key())
            || ((ev.ctrl_key() || ev.meta_key()) && k.eq_ignore_ascii_case("k"))
        {
            ev.prevent_default();
            if let Some(el) = input.get_untracked() {
                let _ = el.focus();
                el.select();
            }
        }
    });
    on_cleanup(move || shortcut.remove());

    let run = move |before: Option<i64>| {
        let q = if before.is_some() {
            searched.get_untracked()
        } else {
            query.get_untracked().trim().to_owned()
        };
        if q.is_empty() {
            return;
        }
        busy.set(true);
        let id = ws.get_untracked();
        spawn_local(async move {
            match api::search(id, &q, before).await {
                Ok(page) => {
                    error.set(None);
                    searched.set(q);
                    more.set(page.next_before);
                    results.update(|r| match (r, before) {
                        (Some(list), Some(_)) => list.extend(page.messages),
                        (r, _) => *r = Some(page.messages),
                    });
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        run(None);
    };
    let close = move || {
        results.set(None);
        error.set(None);
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    let open = Callback::new(move |m: Message| {
        let channel = m.channel_id;
        focus.0.set(Some(m));
        results.set(None);
        navigate(
            &format!("/w/{}/c/{}", ws.get_untracked(), channel),
            Default::default(),
        );
    });
    let channel_name = move |id: i64| {
        list.0.with(|l| {
            l.iter()
                .find(|c| c.id == id)
                .map(|c| match c.kind {
                    api::ChannelKind::Direct => c.name.clone(),
                    _ => format!("#{}", c.name),
                })
                .unwrap_or_default()
        })
    };

    view! {
        <form role="search" class="search" on:submit=submit>
            <label class="visually-hidden" for="search-q">{t!(i18n, shell.search_label)}</label>
            <input id="search-q" type="search" node_ref=input placeholder=move || t_string!(i18n, shell.search_placeholder)
                autocomplete="off" maxlength="256"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() } />
            <button type="submit" disabled=move || busy.get()>{t!(i18n, shell.search)}</button>
        </form>
        <Show when=move || results.with(|r| r.is_some()) || error.with(|e| e.is_some())>
            <section class="search-results" aria-label=move || t_string!(i18n, shell.search_results)
                on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="muted" role="status">{move || results.with(|r| r.as_ref().map(|l| match l.len() {
                    0 => t_string!(i18n, shell.search_none, query = searched.get()),
                    n if crate::language::one(n as f64) => t_string!(i18n, shell.results_one, count = n),
                    n if more.get().is_some() => t_string!(i18n, shell.results_more, count = n),
                    n => t_string!(i18n, shell.results_plural, count = n),
                }))}</p>
                <ol class="search-list">
                    {move || results.get().unwrap_or_default().into_iter().map(|m| {
                        let words = searched.get_untracked();
                        let where_ = channel_name(m.channel_id);
                        let when = crate::time::short_date_time(m.created_at);
                        let text = match &m.body {
                            Some(b) => b.clone(),
                            None => t_string!(i18n, shell.unreadable).to_owned(),
                        };
                        let chosen = m.clone();
                        view! {
                            <li>
                                <button type="button" class="search-hit" on:click=move |_| open.run(chosen.clone())>
                                    <span class="hit-meta">
                                        <span class="hit-channel">{where_}</span>
                                        " · "
                                        <span class="hit-author">{m.author.display_name.clone()}</span>
                                        " · "
                                        <time>{when}</time>
                                    </span>
                                    <span class="hit-text">{marked(&snippet(&text, &words), &words)}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <Show when=move || more.get().is_some()>
                    <button type="button" disabled=move || busy.get() on:click=move |_| run(more.get_untracked())>
                        {t!(i18n, shell.more_results)}
                    </button>
                </Show>
                <button type="button" class="search-close" on:click=move |_| close()>{t!(i18n, shell.close_results)}</button>
            </section>
        </Show>
    }
}

/// The query's words, lowercased.
fn query_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a word of the text matches a query word (the whole word, or, from three
/// letters, its start), as the server's index does.
fn matches(word: &str, query: &[String]) -> bool {
    let w = word.to_lowercase();
    query
        .iter()
        .any(|q| w == *q || (q.chars().count() >= 3 && w.starts_with(q.as_str())))
}

/// Up to about 200 characters of `text` around its first matching word.
fn snippet(text: &str, q: &str) -> String {
    const AROUND: usize = 60;
    const LEN: usize = 200;
    let words = query_words(q);
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphanumeric() {
            let j = (i..chars.len())
                .find(|&j| !chars[j].is_alphanumeric())
                .unwrap_or(chars.len());
            let w: String = chars[i..j].iter().collect();
            if matches(&w, &words) {
                start = i.saturating_sub(AROUND);
                break;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let end = (start + LEN).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

/// The text as nodes, the words that match `q` in `<mark>`.
fn marked(text: &str, q: &str) -> Vec<AnyView> {
    let words = query_words(q);
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut word = String::new();
    let flush_word = |word: &mut String, plain: &mut String, out: &mut Vec<AnyView>| {
        if word.is_empty() {
            return;
        }
        if matches(word, &words) {
            if !plain.is_empty() {
                out.push(std::mem::take(plain).into_any());
            }
            out.push(view! { <mark>{std::mem::take(word)}</mark> }.into_any());
        } else {
            plain.push_str(word);
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush_word(&mut word, &mut plain, &mut out);
            plain.push(c);
        }
    }
    flush_word(&mut word, &mut plain, &mut out);
    if !plain.is_empty() {
        out.push(plain.into_any());
    }
    out
}
