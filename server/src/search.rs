//! The words of a text as search terms, for the blind index (see `api::search`): text is
//! normalised (Unicode NFKC), case-folded (lowercase) and split into words (Unicode
//! word boundaries, UAX #29); a word gives itself and its prefixes from [`MIN_PREFIX`]
//! letters, so that typing finds words as they are typed. The index stores only keyed
//! hashes of these terms, never the terms.

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// The shortest prefix indexed.
pub const MIN_PREFIX: usize = 3;
/// The longest prefix indexed (longer words are found by their first letters or whole).
pub const MAX_PREFIX: usize = 24;
/// Longest word indexed whole.
pub const MAX_WORD: usize = 64;
/// Most terms kept for one text.
pub const MAX_TERMS: usize = 4000;
/// Most words in a query.
pub const MAX_QUERY_WORDS: usize = 8;

/// The normalised words of `text`, in order, without repeats.
pub fn words(text: &str) -> Vec<String> {
    let folded: String = text.nfkc().collect::<String>().to_lowercase();
    let mut seen = BTreeSet::new();
    folded
        .unicode_words()
        .filter(|w| seen.insert(w.to_string()))
        .map(str::to_owned)
        .collect()
}

/// The terms a text is indexed under: each word (up to [`MAX_WORD`] characters) and its
/// prefixes of [`MIN_PREFIX`] to [`MAX_PREFIX`] characters; at most [`MAX_TERMS`].
pub fn index_terms(text: &str) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for w in words(text) {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() <= MAX_WORD {
            terms.insert(w.clone());
        }
        for n in MIN_PREFIX..chars.len().min(MAX_PREFIX + 1) {
            terms.insert(chars[..n].iter().collect());
        }
        if terms.len() >= MAX_TERMS {
            break;
        }
    }
    terms
}

/// The terms of a query: its words, each cut to [`MAX_PREFIX`] characters when longer
/// (a long word is found by its indexed prefix); every one must match.
pub fn query_terms(q: &str) -> Vec<String> {
    words(q)
        .into_iter()
        .map(|w| {
            if w.chars().count() > MAX_WORD {
                w.chars().take(MAX_PREFIX).collect()
            } else {
                w
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised_and_case_folded() {
        assert_eq!(words("Café CAFÉ cafe\u{301}"), ["café"]);
        assert_eq!(
            words("ﬁle **Bold**, [link](https://x.dev)"),
            ["file", "bold", "link", "https", "x.dev"]
        );
    }

    #[test]
    fn prefixes_from_three_letters() {
        let t = index_terms("Hello hi");
        for want in ["hel", "hell", "hello", "hi"] {
            assert!(t.contains(want), "{want}");
        }
        assert!(!t.contains("he") && !t.contains("h"));
    }

    #[test]
    fn long_texts_are_bounded() {
        let text: String = (0..10_000).map(|i| format!("word{i} ")).collect();
        assert!(index_terms(&text).len() <= MAX_TERMS + MAX_PREFIX);
        let long = "x".repeat(200);
        let t = index_terms(&long);
        assert!(!t.contains(&long));
        assert_eq!(query_terms(&long), ["x".repeat(MAX_PREFIX)]);
        assert!(t.contains(&"x".repeat(MAX_PREFIX)));
    }
}
