//! Generates, into `OUT_DIR`:
//!
//! - `i18n/mod.rs`, the translations (leptos_i18n): `src/locales/<locale>/<namespace>.json`,
//!   checked here (a key missing from a locale, or an argument it does not take, fails
//!   the build) and included by `main.rs` as `mod i18n`;
//! - `emoji.tsv`, below.
//!
//! Writes the emoji table of the picker and of `:shortcodes:` (`src/ui/emoji_picker.rs`)
//! from the `emojis` crate (Unicode's list, GitHub's shortcodes) as compact text: the
//! crate's own tables would add about half a megabyte to the SPA's wasm; this adds about
//! a fifth of that. One line per emoji in Unicode's order, default skin tone only, up to
//! Unicode 15.0 (what current systems' emoji fonts draw, Debian 12's Noto Color Emoji
//! among them; newer ones show as empty boxes there): `emoji<TAB>name<TAB>shortcodes`.

use std::fmt::Write;

/// The locales, the first being the default, and the namespaces (one per part of the SPA).
const LOCALES: [&str; 2] = ["en", "fr"];
const NAMESPACES: [&str; 7] = [
    "common", "ui", "shell", "messages", "auth", "pages", "drive",
];

fn translations() {
    use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
    let cfg = Config::new(LOCALES[0])
        .and_then(|c| c.add_locales(&LOCALES[1..]))
        .and_then(|c| c.add_namespaces(NAMESPACES))
        .expect("valid locale and namespace names")
        .locales_path("src/locales")
        // `t_string!` with arguments, for attributes and for text outside views.
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg).unwrap_or_else(|e| panic!("src/locales: {e}"));
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    let dir =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("i18n");
    infos
        .generate_i18n_module(dir)
        .unwrap_or_else(|e| panic!("generating the i18n module: {e}"));
}

fn main() {
    translations();
    let mut out = String::new();
    let drawn = emojis::UnicodeVersion::new(15, 0);
    let listed = emojis::iter()
        .filter(|e| e.skin_tone().is_none_or(|t| t == emojis::SkinTone::Default))
        .filter(|e| e.unicode_version() <= drawn);
    for e in listed {
        let codes: Vec<&str> = e.shortcodes().collect();
        let _ = writeln!(out, "{}\t{}\t{}", e.as_str(), e.name(), codes.join(" "));
    }
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("emoji.tsv"), out).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
