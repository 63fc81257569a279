//! Mentions in the composer: the `@name` being typed before the caret, the people (and
//! `@here`, `@channel`) it may become, and the text once one is chosen. Pure, so that it
//! is tested natively; [`super::composer`] draws the list. What counts as a mention in a
//! sent message is `huddle_protocol::messages::mention_names`, the server's rule.

use huddle_protocol::messages::username_char;

use crate::i18n::*;

/// One suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What `@` becomes (a username, `here` or `channel`).
    pub name: String,
    /// What the list shows beside it.
    pub label: String,
}

/// Most suggestions shown.
pub const LIMIT: usize = 8;

/// The mention typed just before `caret` (a byte index): the byte index of its `@` and
/// what follows it so far. The `@` must start the text or follow a character that is
/// not part of a username (so an address like `a@b` is not one).
pub fn query_at(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    let at = before.rfind('@')?;
    let query = &before[at + 1..];
    if query.len() > 32 || !query.chars().all(username_char) {
        return None;
    }
    if before[..at].chars().next_back().is_some_and(username_char) {
        return None;
    }
    Some((at, query))
}

/// The suggestions for `query` among `people` (username, display name), then `@here`
/// and `@channel` (described in the language in use): those whose username or name starts
/// with it first, then those that contain it, at most [`LIMIT`].
pub fn suggest(people: &[(String, String)], query: &str) -> Vec<Suggestion> {
    let q = query.to_lowercase();
    let mut starts = Vec::new();
    let mut within = Vec::new();
    let locale = crate::language::current();
    let everyone = [
        ("here", td_string!(locale, messages.mention_here)),
        ("channel", td_string!(locale, messages.mention_channel)),
    ];
    for (name, label) in people.iter().map(|(u, d)| (u.as_str(), d.as_str())) {
        let (n, l) = (name.to_lowercase(), label.to_lowercase());
        let s = Suggestion {
            name: name.to_owned(),
            label: label.to_owned(),
        };
        if n.starts_with(&q) || l.starts_with(&q) || l.split(' ').any(|w| w.starts_with(&q)) {
            starts.push(s);
        } else if n.contains(&q) || l.contains(&q) {
            within.push(s);
        }
    }
    starts.extend(within);
    // `@here` and `@channel` by their own names only.
    starts.extend(
        everyone
            .iter()
            .filter(|(n, _)| n.starts_with(&q))
            .map(|(n, l)| Suggestion {
                name: (*n).to_owned(),
                label: (*l).to_owned(),
            }),
    );
    starts.truncate(LIMIT);
    starts
}

/// `text` with the mention from `at` to `caret` replaced by `@name ` , and where the
/// caret goes (a byte index, after the space).
pub fn complete(text: &str, at: usize, caret: usize, name: &str) -> (String, usize) {
    let inserted = format!("@{name} ");
    let rest = text[caret..].strip_prefix(' ').unwrap_or(&text[caret..]);
    let out = format!("{}{inserted}{rest}", &text[..at]);
    (out, at + inserted.len())
}

/// The byte index of UTF-16 offset `units` in `s` (the DOM's selection offsets).
pub fn byte_index(s: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in s.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    s.len()
}

/// The UTF-16 offset of byte index `i` of `s`.
pub fn utf16_offset(s: &str, i: usize) -> u32 {
    s[..i].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<(String, String)> {
        [
            ("alice", "Alice Martin"),
            ("bob", "Bob Stone"),
            ("malo", "Malo Bert"),
        ]
        .iter()
        .map(|(u, d)| (u.to_string(), d.to_string()))
        .collect()
    }

    #[test]
    fn the_query_is_what_follows_an_at_sign_before_the_caret() {
        assert_eq!(query_at("hi @al", 6), Some((3, "al")));
        assert_eq!(query_at("@", 1), Some((0, "")));
        assert_eq!(query_at("(@bo", 4), Some((1, "bo")));
        // An address, a space after the name, nothing typed yet.
        assert_eq!(query_at("mail a@b", 8), None);
        assert_eq!(query_at("@al ice", 7), None);
        assert_eq!(query_at("plain", 5), None);
        // The caret in the middle: only what is before it counts.
        assert_eq!(query_at("@alice and", 3), Some((0, "al")));
    }

    #[test]
    fn suggestions_match_usernames_and_any_word_of_names() {
        let names = |q| {
            suggest(&people(), q)
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("b"), ["bob", "malo"]); // Bob; Malo *B*ert
        assert_eq!(names("MA"), ["alice", "malo"]);
        assert_eq!(names("he"), ["here"]);
        assert_eq!(names("ch"), ["channel"]);
        assert_eq!(names("").len(), 5);
        assert!(names("zz").is_empty());
    }

    #[test]
    fn completing_replaces_the_query_and_puts_the_caret_after_a_space() {
        assert_eq!(complete("hi @al", 3, 6, "alice"), ("hi @alice ".into(), 10));
        assert_eq!(
            complete("@al and more", 0, 3, "alice"),
            ("@alice and more".into(), 7)
        );
    }

    #[test]
    fn offsets_convert_between_utf16_and_bytes() {
        let s = "🎉 @al";
        assert_eq!(byte_index(s, 3), 5); // 🎉 is 2 units, 4 bytes
        assert_eq!(utf16_offset(s, 5), 3);
        assert_eq!(byte_index(s, 99), s.len());
    }
}
