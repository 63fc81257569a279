//! Emoji picker: a search field over every emoji (Unicode's list and GitHub's shortcodes,
//! from the `emojis` crate, compacted by `build.rs`), the ones recently used first, then
//! the rest in Unicode's order. From the
//! keyboard: type to search, Down into the grid, arrows move (a row is [`COLUMNS`] wide),
//! Home and End, Enter or Space picks; only one emoji is in the Tab order (roving
//! tabindex), so Tab leaves the grid.

use leptos::html;
use leptos::prelude::*;

use super::{focus, query_all, unique_id};
use crate::i18n::*;

/// Emoji per row of the grid.
pub const COLUMNS: usize = 8;
/// Recently used emoji kept.
pub const RECENT: usize = 16;
const RECENT_KEY: &str = "huddle.recent-emoji";

/// The table `build.rs` writes: `emoji<TAB>name<TAB>shortcodes` per line.
const TABLE: &str = include_str!(concat!(env!("OUT_DIR"), "/emoji.tsv"));

/// One emoji of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    emoji: &'static str,
    name: &'static str,
    codes: &'static str,
}

fn entries() -> impl Iterator<Item = Entry> {
    TABLE.lines().filter_map(|l| {
        let mut f = l.split('\t');
        Some(Entry {
            emoji: f.next()?,
            name: f.next()?,
            codes: f.next().unwrap_or_default(),
        })
    })
}

/// The emoji of shortcode `code` (`tada`), if there is one.
pub fn by_shortcode(code: &str) -> Option<&'static str> {
    entries()
        .find(|e| e.codes.split(' ').any(|c| c == code))
        .map(|e| e.emoji)
}

/// An emoji the picker offers: its text and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The emoji.
    pub emoji: String,
    /// Its name ("party popper").
    pub name: String,
}

fn choice(e: Entry) -> Choice {
    Choice {
        emoji: e.emoji.to_owned(),
        name: e.name.to_owned(),
    }
}

/// The emoji whose name or a shortcode contains every word of `query` (case-insensitive),
/// those whose name or a shortcode starts with it first; every emoji for an empty query.
pub fn search(query: &str) -> Vec<Choice> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return entries().map(choice).collect();
    }
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut first = Vec::new();
    let mut rest = Vec::new();
    for e in entries() {
        let name = e.name.to_lowercase();
        let hit = |w: &&str| name.contains(*w) || e.codes.contains(*w);
        if !words.iter().all(hit) {
            continue;
        }
        if name.starts_with(&q) || e.codes.split(' ').any(|c| c.starts_with(&q)) {
            first.push(choice(e));
        } else {
            rest.push(choice(e));
        }
    }
    first.extend(rest);
    first
}

/// The emoji of the shortcode `:name:` just typed at the end of `text`, and the text
/// with it replaced, if `text` ends with one.
pub fn replace_shortcode(text: &str) -> Option<String> {
    let body = text.strip_suffix(':')?;
    let start = body.rfind(':')?;
    let name = &body[start + 1..];
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b));
    // `a:b:` is a time or a path, not a shortcode: it starts a word.
    let starts_word = body[..start]
        .chars()
        .last()
        .is_none_or(|c| c.is_whitespace() || "([{\"'".contains(c));
    if !valid || !starts_word {
        return None;
    }
    let e = by_shortcode(name)?;
    Some(format!("{}{e}", &body[..start]))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The emoji this browser used last, newest first.
pub fn recent() -> Vec<Choice> {
    let kept = storage()
        .and_then(|s| s.get_item(RECENT_KEY).ok().flatten())
        .unwrap_or_default();
    let known: Vec<Entry> = entries().collect();
    kept.split(' ')
        .filter_map(|k| known.iter().find(|e| e.emoji == k).copied())
        .map(choice)
        .take(RECENT)
        .collect()
}

/// Remembers `emoji` as the one used last.
fn remember(emoji: &str) {
    let mut list: Vec<String> = recent().into_iter().map(|c| c.emoji).collect();
    list.retain(|e| e != emoji);
    list.insert(0, emoji.to_owned());
    list.truncate(RECENT);
    if let Some(s) = storage() {
        let _ = s.set_item(RECENT_KEY, &list.join(" "));
    }
}

/// The picker; `on_pick` gets the emoji chosen.
#[component]
pub fn EmojiPicker(on_pick: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let grid = NodeRef::<html::Div>::new();
    let grid_label = unique_id("emoji-grid");
    let shown = Memo::new(move |_| {
        let q = query.get();
        let mut list = if q.trim().is_empty() {
            recent()
        } else {
            Vec::new()
        };
        list.extend(search(&q));
        list
    });
    let recent_count = Memo::new(move |_| {
        if query.with(|q| q.trim().is_empty()) {
            recent().len()
        } else {
            0
        }
    });
    let pick = move |c: Choice| {
        remember(&c.emoji);
        on_pick.run(c.emoji);
    };
    let move_to = move |i: usize| {
        active.set(i);
        if let Some(g) = grid.get_untracked() {
            if let Some(b) = query_all(&g, "button").get(i) {
                focus(b);
            }
        }
    };
    let on_grid_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = shown.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        let a = active.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" => (a + 1).min(n - 1),
            "ArrowLeft" => a.saturating_sub(1),
            "ArrowDown" => (a + COLUMNS).min(n - 1),
            "ArrowUp" if a < COLUMNS => {
                // Back up to the search field.
                ev.prevent_default();
                if let Some(el) = document().get_element_by_id("emoji-search") {
                    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                        focus(&el);
                    }
                }
                return;
            }
            "ArrowUp" => a - COLUMNS,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        move_to(next);
    };
    let on_search_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            move_to(0);
        }
        "Enter" => {
            ev.prevent_default();
            if let Some(c) = shown.with_untracked(|s| s.first().cloned()) {
                pick(c);
            }
        }
        _ => {}
    };
    view! {
        <div class="emoji-picker">
            <label for="emoji-search" class="visually-hidden">{t!(i18n, ui.emoji_search)}</label>
            <input id="emoji-search" type="search" placeholder=move || t_string!(i18n, ui.emoji_search) autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    active.set(0);
                }
                on:keydown=on_search_key />
            <p class="visually-hidden" role="status">
                {move || {
                    let n = shown.with(Vec::len);
                    if crate::language::one(n as f64) {
                        t_string!(i18n, ui.emoji_count_one, count = n)
                    } else {
                        // 1,872 in English, 1 872 in French.
                        t_string!(i18n, ui.emoji_count_plural, count = crate::language::number(n as f64))
                    }
                }}
            </p>
            <p class="emoji-section" id=grid_label.clone()>
                {move || if recent_count.get() > 0 {
                    t_string!(i18n, ui.emoji_recent_then_all)
                } else {
                    t_string!(i18n, ui.emoji_all)
                }}
            </p>
            <div class="emoji-grid" node_ref=grid role="group" aria-labelledby=grid_label
                on:keydown=on_grid_key>
                {move || shown.get().into_iter().enumerate().map(|(i, c)| {
                    let label = c.name.clone();
                    let text = c.emoji.clone();
                    view! {
                        <button type="button" class="emoji" aria-label=label title=c.name.clone()
                            tabindex=move || if active.get() == i { "0" } else { "-1" }
                            on:click=move |_| pick(c.clone())>{text}</button>
                    }
                }).collect_view()}
            </div>
            <Show when=move || shown.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, ui.emoji_no_match)}</p>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searching_by_name_and_shortcode() {
        assert_eq!(search("party popper")[0].emoji, "🎉");
        assert!(search("party").iter().take(3).any(|c| c.emoji == "🥳"));
        assert!(search("thumbs up").iter().any(|c| c.emoji == "👍"));
        assert!(search("+1").iter().any(|c| c.emoji == "👍"));
        assert!(search("zzzz-no-such").is_empty());
        // No skin-tone variants in the grid; every emoji once.
        let all = search("");
        assert!(all.iter().all(|c| !c.emoji.contains('\u{1F3FB}')));
        assert!(all.len() > 1800, "{}", all.len());
        assert_eq!(by_shortcode("tada"), Some("🎉"));
    }

    #[test]
    fn shortcodes_at_the_end_of_the_text() {
        assert_eq!(
            replace_shortcode("ship it :tada:").as_deref(),
            Some("ship it 🎉")
        );
        assert_eq!(replace_shortcode(":+1:").as_deref(), Some("👍"));
        assert_eq!(replace_shortcode("at 10:30:"), None);
        assert_eq!(replace_shortcode("a :nope-not-an-emoji:"), None);
        assert_eq!(replace_shortcode("no colon"), None);
        assert_eq!(replace_shortcode("::"), None);
    }
}
