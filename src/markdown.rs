//! A safe Markdown subset for message text, rendered by building DOM nodes (never
//! innerHTML): paragraphs and line breaks, `**strong**`, `*emphasis*` / `_emphasis_`,
//! `` `code` ``, fenced code blocks, `[links](https://…)` (http, https and mailto only,
//! `rel="noopener noreferrer"`), `-`/`*` and `1.` lists, and `>` quotes. Everything else
//! is text.

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

fn safe_href(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Parses inline markup.
pub fn inline(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let flush = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if c == '`' {
            if let Some(end) = after.find('`') {
                flush(&mut text, &mut out);
                out.push(Inline::Code(after[..end].to_owned()));
                rest = &after[end + 1..];
                continue;
            }
        } else if rest.starts_with("**") {
            if let Some(end) = rest[2..].find("**").filter(|e| *e > 0) {
                flush(&mut text, &mut out);
                out.push(Inline::Strong(inline(&rest[2..2 + end])));
                rest = &rest[4 + end..];
                continue;
            }
        } else if c == '*' || c == '_' {
            if let Some(end) = after.find(c).filter(|e| *e > 0) {
                flush(&mut text, &mut out);
                out.push(Inline::Em(inline(&after[..end])));
                rest = &after[end + 1..];
                continue;
            }
        } else if c == '[' {
            if let Some(close) = after.find("](") {
                let label = &after[..close];
                let tail = &after[close + 2..];
                if let Some(end) = tail.find(')') {
                    let href = &tail[..end];
                    if safe_href(href) && !label.is_empty() {
                        flush(&mut text, &mut out);
                        out.push(Inline::Link {
                            text: label.to_owned(),
                            href: href.trim().to_owned(),
                        });
                        rest = &tail[end + 1..];
                        continue;
                    }
                }
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

fn render_inline(items: Vec<Inline>) -> AnyView {
    items
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => t.into_any(),
            Inline::Code(c) => view! { <code>{c}</code> }.into_any(),
            Inline::Strong(c) => view! { <strong>{render_inline(c)}</strong> }.into_any(),
            Inline::Em(c) => view! { <em>{render_inline(c)}</em> }.into_any(),
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
    view! {
        <div class="body">
            {blocks.into_iter().map(|b| match b {
                Block::Para(i) => view! { <p>{render_inline(i)}</p> }.into_any(),
                Block::Code(c) => view! { <pre><code>{c}</code></pre> }.into_any(),
                Block::Quote(i) => view! { <blockquote>{render_inline(i)}</blockquote> }.into_any(),
                Block::Bullets(items) => view! {
                    <ul>{items.into_iter().map(|i| view! { <li>{render_inline(i)}</li> }).collect_view()}</ul>
                }.into_any(),
                Block::Numbered(items) => view! {
                    <ol>{items.into_iter().map(|i| view! { <li>{render_inline(i)}</li> }).collect_view()}</ol>
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
}
