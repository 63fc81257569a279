//! The translations and the SPA's sources, read as files (natively, with the workspace's
//! tests): every locale has the same keys with the same arguments, nothing is empty, and
//! no view writes a visible English string past the translations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LOCALES: [&str; 2] = ["en", "fr"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `namespace -> key -> value` of a locale.
fn catalog(locale: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let dir = root().join("src/locales").join(locale);
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/locales/<locale>") {
        let path = entry.expect("a directory entry").path();
        let ns = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name");
        let text = std::fs::read_to_string(&path).expect("readable");
        let map: BTreeMap<String, String> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: flat string values only: {e}", path.display()));
        out.insert(ns.to_owned(), map);
    }
    out
}

/// The `{{ name }}` arguments of a value.
fn arguments(value: &str) -> BTreeSet<String> {
    value
        .split("{{")
        .skip(1)
        .filter_map(|s| s.split_once("}}"))
        .map(|(name, _)| name.trim().to_owned())
        .collect()
}

#[test]
fn every_locale_has_every_key_with_the_same_arguments() {
    let en = catalog(LOCALES[0]);
    assert!(
        en.values().map(BTreeMap::len).sum::<usize>() > 300,
        "the catalog is there"
    );
    for locale in &LOCALES[1..] {
        let other = catalog(locale);
        assert_eq!(
            en.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>(),
            "{locale}: namespaces"
        );
        for (ns, keys) in &en {
            let theirs = &other[ns];
            let missing: Vec<_> = keys.keys().filter(|k| !theirs.contains_key(*k)).collect();
            let extra: Vec<_> = theirs.keys().filter(|k| !keys.contains_key(*k)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{locale}/{ns}: missing {missing:?}, extra {extra:?}"
            );
            for (k, v) in keys {
                let t = &theirs[k];
                assert!(!t.trim().is_empty(), "{locale}/{ns}.{k} is empty");
                assert_eq!(
                    arguments(v),
                    arguments(t),
                    "{locale}/{ns}.{k}: the same arguments as English"
                );
                // `<` and `>` would be read as component tags.
                assert!(!t.contains(['<', '>']), "{locale}/{ns}.{k}: no < or >");
            }
        }
    }
}

/// Lines of the SPA's sources with a visible literal: a text block `{"…"}` with a letter
/// in it, or a literal `aria-label`, `title`, `placeholder` or `alt` with a letter.
fn literal_strings(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            literal_strings(&path, out);
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let text_block = line.split("{\"").skip(1).any(|rest| {
                rest.split_once("\"}").is_some_and(|(s, _)| {
                    !s.contains('"') && s.chars().any(char::is_alphabetic) && !allowed(s)
                })
            });
            let attribute = ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""]
                .iter()
                .any(|a| {
                    line.split(a).skip(1).any(|rest| {
                        rest.split_once('"')
                            .is_some_and(|(s, _)| s.chars().any(char::is_alphabetic) && !allowed(s))
                    })
                });
            if text_block || attribute {
                let rel = path.strip_prefix(root()).unwrap_or(&path);
                out.push(format!("{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
}

/// Words that are the same in every language: the product's name and the languages'
/// own names (the language setting lists each in its own language).
fn allowed(s: &str) -> bool {
    matches!(s, "Huddle" | "English" | "Français")
}

#[test]
fn views_write_no_visible_string_past_the_translations() {
    let mut found = Vec::new();
    literal_strings(&root().join("src"), &mut found);
    assert!(
        found.is_empty(),
        "visible strings outside src/locales:\n{}",
        found.join("\n")
    );
}
