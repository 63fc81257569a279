//! A safe Markdown subset for message text, rendered by building DOM nodes (never
//! innerHTML): paragraphs and line breaks, `**strong**`, `*emphasis*` / `_emphasis_`,
//! `` `code` ``, fenced code blocks, `[links](https://…)` (http, https and mailto only,
//! `rel="noopener noreferrer"`), bare `http(s)://` addresses as links (their ends found by
//! `linkify`, which leaves out trailing punctuation), `-`/`*` and `1.` lists, `>`
//! quotes, and mentions (`@name` as the server reads them: `mention_names`), shown as
//! such when they name a member, `@here` or `@channel`, and marked when they call on the
//! reader. Everything else is text.

use leptos::prelude::*;

/// Inline content.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// `code`.
    Code(String),
    /// **strong**.
    Strong(Vec<Inline>),
    /// *emphasis*.
    Em(Vec<Inline>),
    /// A link with a safe scheme.
    Link {
        /// Link text.
        text: String,
        /// Target (http, https or mailto).
        href: String,
    },
    /// A line break inside a paragraph.
    Break,
    /// `@name` (as written, without the `@`).
    Mention(String),
}

/// Block content.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph.
    Para(Vec<Inline>),
    /// A fenced code block.
    Code(String),
    /// A quote.
    Quote(Vec<Inline>),
    /// A bulleted list.
    Bullets(Vec<Vec<Inline>>),
    /// A numbered list.
    Numbered(Vec<Vec<Inline>>),
}

/// Whether `href` may be a link target: `http:`, `https:` or `mailto:` (any case); the
/// caller has checked that it holds no whitespace or control character.
fn safe_scheme(href: &str) -> bool {
    let b = href.as_bytes();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
}

/// The bare `http://` or `https://` address at the start of `rest`, if one is there.
fn autolink(rest: &str) -> Option<&str> {
    let scheme = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
    if !(scheme.starts_with("http://") || scheme.starts_with("https://")) {
        return None;
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let link = finder.links(rest).next()?;
    let url = link.as_str();
    // linkify takes any non-space character, control characters included.
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (link.start() == 0 && clean && safe_scheme(url)).then_some(url)
}

#[cfg(test)]
thread_local! {
    /// The bytes that [`search`] has read (tests check that parsing stays linear).
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Where `pattern` first occurs in `hay`. Every search of the inline parser goes through
/// here, so that tests can count what parsing reads.
fn search(hay: &str, pattern: impl Fn(char) -> bool) -> Option<usize> {
    let found = hay.find(pattern);
    #[cfg(test)]
    SCANNED.with(|n| n.set(n.get() + found.unwrap_or(hay.len())));
    found
}

/// Like [`search`], for a two-character pattern.
fn search_pair(hay: &str, pair: &str) -> Option<usize> {
    let found = hay.find(pair);
    #[cfg(test)]
    SCANNED.with(|n| n.set(n.get() + found.unwrap_or(hay.len())));
    found
}

/// The next occurrence of something at or after an offset of one text, remembered: asked
/// again from an offset that is not past the answer, it answers without searching. As
/// the parser moves forward, all its searches together read the text about once.
#[derive(Default)]
struct NextMatch {
    /// The offset of the last search and its answer.
    last: Option<(usize, Option<usize>)>,
}

impl NextMatch {
    fn at_or_after(
        &mut self,
        text: &str,
        from: usize,
        find: impl Fn(&str) -> Option<usize>,
    ) -> Option<usize> {
        if let Some((searched, hit)) = self.last {
            if from >= searched && hit.is_none_or(|h| h >= from) {
                return hit;
            }
        }
        let hit = find(&text[from..]).map(|i| from + i);
        self.last = Some((from, hit));
        hit
    }
}

/// Finds links `[label](href)` in one text: the `](` after a `[`, the `)` after that, and
/// the first whitespace or control character of the target are each searched for once
/// and reused by every `[` before them, so that a run of `[` stays linear.
#[derive(Default)]
struct Links {
    mid: NextMatch,
    close: NextMatch,
    bad: NextMatch,
}

impl Links {
    /// The link whose `[` is at byte `open` of `text`: its label, its target and the
    /// offset after its `)`; `None` if there is none or its target is not safe.
    fn at<'t>(&mut self, text: &'t str, open: usize) -> Option<(&'t str, &'t str, usize)> {
        let mid = self
            .mid
            .at_or_after(text, open + 1, |t| search_pair(t, "]("))?;
        if mid == open + 1 {
            return None; // empty label
        }
        let close = self
            .close
            .at_or_after(text, mid + 2, |t| search(t, |c| c == ')'))?;
        let bad = self.bad.at_or_after(text, mid + 2, |t| {
            search(t, |c| c.is_whitespace() || c.is_control())
        });
        let href = &text[mid + 2..close];
        if bad.is_some_and(|b| b < close) || !safe_scheme(href) {
            return None;
        }
        Some((&text[open + 1..mid], href, close + 1))
    }
}

/// Parses inline markup, in time linear in the length of `s`.
pub fn inline(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let mut links = Links::default();
    let flush = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if c == '`' {
            if let Some(end) = search(after, |x| x == '`') {
                flush(&mut text, &mut out);
                out.push(Inline::Code(after[..end].to_owned()));
                rest = &after[end + 1..];
                continue;
            }
        } else if rest.starts_with("**") {
            if let Some(end) = search_pair(&rest[2..], "**").filter(|e| *e > 0) {
                flush(&mut text, &mut out);
                out.push(Inline::Strong(inline(&rest[2..2 + end])));
                rest = &rest[4 + end..];
                continue;
            }
        } else if c == '*' || c == '_' {
            if let Some(end) = search(after, |x| x == c).filter(|e| *e > 0) {
                flush(&mut text, &mut out);
                out.push(Inline::Em(inline(&after[..end])));
                rest = &after[end + 1..];
                continue;
            }
        } else if (c == 'h' || c == 'H') && !text.ends_with(|p: char| p.is_alphanumeric()) {
            if let Some(url) = autolink(rest) {
                flush(&mut text, &mut out);
                out.push(Inline::Link {
                    text: url.to_owned(),
                    href: url.to_owned(),
                });
                rest = &rest[url.len()..];
                continue;
            }
        } else if c == '@' && !text.ends_with(huddle_protocol::messages::username_char) {
            if let Some(name) = huddle_protocol::messages::mention_at(after) {
                flush(&mut text, &mut out);
                out.push(Inline::Mention(name.to_owned()));
                rest = &after[name.len()..];
                continue;
            }
        } else if c == '[' {
            if let Some((label, href, end)) = links.at(s, s.len() - rest.len()) {
                flush(&mut text, &mut out);
                out.push(Inline::Link {
                    text: label.to_owned(),
                    href: href.to_owned(),
                });
                rest = &s[end..];
                continue;
            }
        }
        text.push(c);
        rest = after;
    }
    flush(&mut text, &mut out);
    out
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    if let Some(r) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some((false, r));
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 10 {
        if let Some(r) = t[digits..].strip_prefix(". ") {
            return Some((true, r));
        }
    }
    None
}

/// Parses a message into blocks.
pub fn parse(src: &str) -> Vec<Block> {
    let lines: Vec<&str> = src.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim_start().starts_with("```") {
            let mut code = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                code.push(lines[i]);
                i += 1;
            }
            i += 1; // closing fence (or end)
            blocks.push(Block::Code(code.join("\n")));
        } else if line.trim().is_empty() {
            i += 1;
        } else if line.trim_start().starts_with('>') {
            let mut q = Vec::new();
            while i < lines.len() && lines[i].trim_start().starts_with('>') {
                q.push(lines[i].trim_start()[1..].trim_start());
                i += 1;
            }
            blocks.push(Block::Quote(with_breaks(&q)));
        } else if let Some((numbered, _)) = list_item(line) {
            let mut items = Vec::new();
            while i < lines.len() {
                match list_item(lines[i]) {
                    Some((n, text)) if n == numbered => items.push(inline(text)),
                    _ => break,
                }
                i += 1;
            }
            blocks.push(if numbered {
                Block::Numbered(items)
            } else {
                Block::Bullets(items)
            });
        } else {
            let mut p = Vec::new();
            while i < lines.len()
                && !lines[i].trim().is_empty()
                && !lines[i].trim_start().starts_with("```")
                && !lines[i].trim_start().starts_with('>')
                && list_item(lines[i]).is_none()
            {
                p.push(lines[i]);
                i += 1;
            }
            blocks.push(Block::Para(with_breaks(&p)));
        }
    }
    blocks
}

fn with_breaks(lines: &[&str]) -> Vec<Inline> {
    let mut out = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        if n > 0 {
            out.push(Inline::Break);
        }
        out.extend(inline(l));
    }
    out
}

/// Who the reader is, and whom a mention can name (lowercased usernames), for showing
/// mentions.
#[derive(Clone, Default)]
struct Readers {
    me: Option<String>,
    members: Option<RwSignal<Vec<crate::api::Member>>>,
}

fn render_inline(items: Vec<Inline>, who: &Readers) -> AnyView {
    items
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => t.into_any(),
            Inline::Code(c) => view! { <code>{c}</code> }.into_any(),
            Inline::Strong(c) => view! { <strong>{render_inline(c, who)}</strong> }.into_any(),
            Inline::Em(c) => view! { <em>{render_inline(c, who)}</em> }.into_any(),
            Inline::Mention(name) => {
                let key = name.to_lowercase();
                let everyone = key == "here" || key == "channel";
                let me = everyone || who.me.as_ref() == Some(&key);
                let members = who.members;
                // A member's name (the list may come in after the message).
                let known = Signal::derive(move || {
                    everyone
                        || members.is_some_and(|m| {
                            m.with(|l| l.iter().any(|x| x.username.eq_ignore_ascii_case(&key)))
                        })
                });
                let text = format!("@{name}");
                view! {
                    <span class:mention=known class:mention-me=move || me && known.get()>{text}</span>
                }
                .into_any()
            }
            Inline::Link { text, href } => view! {
                <a href=href rel="noopener noreferrer" target="_blank">{text}</a>
            }
            .into_any(),
            Inline::Break => view! { <br /> }.into_any(),
        })
        .collect_view()
        .into_any()
}

/// Renders message text.
#[component]
pub fn Markdown(text: String) -> impl IntoView {
    let blocks = parse(&text);
    let who = Readers {
        me: use_context::<crate::session::Session>()
            .and_then(|s| s.user.get_untracked())
            .map(|u| u.username.to_lowercase()),
        members: use_context::<crate::shell::state::MemberNames>().map(|n| n.members),
    };
    let who = &who;
    view! {
        <div class="body">
            {blocks.into_iter().map(|b| match b {
                Block::Para(i) => view! { <p>{render_inline(i, who)}</p> }.into_any(),
                Block::Code(c) => view! { <pre><code>{c}</code></pre> }.into_any(),
                Block::Quote(i) => view! { <blockquote>{render_inline(i, who)}</blockquote> }.into_any(),
                Block::Bullets(items) => view! {
                    <ul>{items.into_iter().map(|i| view! { <li>{render_inline(i, who)}</li> }).collect_view()}</ul>
                }.into_any(),
                Block::Numbered(items) => view! {
                    <ol>{items.into_iter().map(|i| view! { <li>{render_inline(i, who)}</li> }).collect_view()}</ol>
                }.into_any(),
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup() {
        assert_eq!(
            inline("a **b** *c* `d` [e](https://x.test/?q=1)"),
            vec![
                Inline::Text("a ".into()),
                Inline::Strong(vec![Inline::Text("b".into())]),
                Inline::Text(" ".into()),
                Inline::Em(vec![Inline::Text("c".into())]),
                Inline::Text(" ".into()),
                Inline::Code("d".into()),
                Inline::Text(" ".into()),
                Inline::Link {
                    text: "e".into(),
                    href: "https://x.test/?q=1".into()
                },
            ]
        );
    }

    #[test]
    fn bare_addresses_become_links() {
        let link = |u: &str| Inline::Link {
            text: u.into(),
            href: u.into(),
        };
        let text = |t: &str| Inline::Text(t.into());
        assert_eq!(
            inline("see https://example.com/a_b_c?q=1*2. Then"),
            [
                text("see "),
                link("https://example.com/a_b_c?q=1*2"),
                text(". Then")
            ]
        );
        assert_eq!(
            inline("(HTTP://x.org/wiki/A_(b))"),
            [text("("), link("HTTP://x.org/wiki/A_(b)"), text(")")]
        );
        // Only http(s), only at a word's start.
        for s in [
            "javascript:alert(1)",
            "xhttps://a.org",
            "ftp://a.org",
            "mailto:a@b.org",
            "http://",
        ] {
            assert!(
                !inline(s).iter().any(|i| matches!(i, Inline::Link { .. })),
                "{s}"
            );
        }
        // A Markdown link is still one link.
        assert_eq!(
            inline("[docs](https://a.org/x)"),
            [Inline::Link {
                text: "docs".into(),
                href: "https://a.org/x".into()
            }]
        );
    }

    #[test]
    fn mentions_are_read_as_the_server_reads_them() {
        assert_eq!(
            inline("hi @Bob. a@b.c `@x` @"),
            vec![
                Inline::Text("hi ".into()),
                Inline::Mention("Bob".into()),
                Inline::Text(". a@b.c ".into()),
                Inline::Code("@x".into()),
                Inline::Text(" @".into()),
            ]
        );
    }

    #[test]
    fn unsafe_links_stay_text() {
        for bad in [
            "[x](javascript:alert(1))",
            "[x](data:text/html,hi)",
            "[x](//evil)",
            "[x](JaVaScRiPt:1)",
        ] {
            assert!(
                inline(bad)
                    .iter()
                    .all(|i| !matches!(i, Inline::Link { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            inline("[m](mailto:a@b.c)")[0],
            Inline::Link { .. }
        ));
    }

    #[test]
    fn html_is_just_text() {
        assert_eq!(
            inline("<img src=x onerror=alert(1)>"),
            vec![Inline::Text("<img src=x onerror=alert(1)>".into())]
        );
    }

    #[test]
    fn blocks() {
        let b = parse("hello\nworld\n\n- a\n- b\n\n1. x\n2. y\n> quoted\n```\nlet x = 1;\n```");
        assert_eq!(b.len(), 5);
        assert!(matches!(&b[0], Block::Para(p) if p.contains(&Inline::Break)));
        assert!(matches!(&b[1], Block::Bullets(i) if i.len() == 2));
        assert!(matches!(&b[2], Block::Numbered(i) if i.len() == 2));
        assert!(matches!(&b[3], Block::Quote(_)));
        assert_eq!(b[4], Block::Code("let x = 1;".into()));
    }

    #[test]
    fn unterminated_markup_is_text() {
        assert_eq!(
            inline("2 * 3 and `x"),
            vec![Inline::Text("2 * 3 and `x".into())]
        );
        assert_eq!(
            parse("```\nnever closed"),
            vec![Block::Code("never closed".into())]
        );
    }

    /// What parsing `src` reads through [`search`], in bytes.
    fn scanned(src: &str) -> usize {
        SCANNED.with(|n| n.set(0));
        parse(src);
        SCANNED.with(|n| n.get())
    }

    /// Adversarial 64 KiB bodies (runs of `[`, link openings whose target never closes
    /// or turns unsafe at the very end, unmatched markup) are read a bounded number of
    /// times, not once per `[`.
    #[test]
    fn parsing_reads_a_64_kib_body_a_bounded_number_of_times() {
        const N: usize = 64 * 1024;
        let fill = |unit: &str, tail: &str| {
            let mut s = unit.repeat((N - tail.len()) / unit.len());
            s.push_str(tail);
            s
        };
        for (what, src) in [
            ("run of [", "[".repeat(N)),
            ("[ before one late ](", fill("[", "](https://x.test)")),
            ("labels with no )", fill("[a](", "")),
            (
                "safe targets, unsafe at the end",
                fill("[a](https://x", " )"),
            ),
            ("empty labels", fill("[](https://x", ")")),
            ("unmatched **", fill("**a", "")),
            ("unmatched emphasis", fill("_a*", "")),
            ("backticks", fill("a`", "")),
            ("one long line of everything", fill("[*_`**](", ")")),
        ] {
            let read = scanned(&src);
            assert!(
                read <= 8 * src.len(),
                "{what}: read {read} bytes for a {} byte body",
                src.len()
            );
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        fn links_of(items: &[Inline], out: &mut Vec<String>) {
            for i in items {
                match i {
                    Inline::Link { href, .. } => out.push(href.clone()),
                    Inline::Strong(c) | Inline::Em(c) => links_of(c, out),
                    _ => {}
                }
            }
        }

        /// Message-like text: markup characters, scheme fragments, spaces, newlines and
        /// any other characters, mixed.
        fn body() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("[".to_owned()),
                Just("](".to_owned()),
                Just(")".to_owned()),
                Just("*".to_owned()),
                Just("**".to_owned()),
                Just("_".to_owned()),
                Just("`".to_owned()),
                Just("```".to_owned()),
                Just("\n".to_owned()),
                Just("> ".to_owned()),
                Just("- ".to_owned()),
                Just("1. ".to_owned()),
                Just(" ".to_owned()),
                Just("https://".to_owned()),
                Just("HtTp://".to_owned()),
                Just("mailto:".to_owned()),
                Just("javascript:".to_owned()),
                Just("data:".to_owned()),
                Just("//".to_owned()),
                any::<char>().prop_map(String::from),
                "[a-z0-9]{1,6}",
            ];
            prop::collection::vec(piece, 0..64).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Never panics, and every link it makes has a safe scheme and a target
            /// without whitespace or control characters.
            #[test]
            fn never_panics_and_links_only_safe_schemes(src in body()) {
                let mut hrefs = Vec::new();
                for b in parse(&src) {
                    match b {
                        Block::Para(i) | Block::Quote(i) => links_of(&i, &mut hrefs),
                        Block::Bullets(items) | Block::Numbered(items) => {
                            for i in items {
                                links_of(&i, &mut hrefs);
                            }
                        }
                        Block::Code(_) => {}
                    }
                }
                for h in hrefs {
                    let lower = h.to_ascii_lowercase();
                    prop_assert!(
                        lower.starts_with("https://")
                            || lower.starts_with("http://")
                            || lower.starts_with("mailto:"),
                        "{h:?} from {src:?}"
                    );
                    prop_assert!(!h.chars().any(|c| c.is_whitespace() || c.is_control()));
                }
            }

            /// Text without markup characters comes back as exactly that text.
            #[test]
            fn plain_text_is_kept(src in "[^*_`@\\[\\]()>\\-0-9\\s]{1,64}") {
                prop_assert_eq!(inline(&src), vec![Inline::Text(src.clone())]);
            }
        }
    }
}
