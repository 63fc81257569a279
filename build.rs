//! Writes the emoji table of the picker and of `:shortcodes:` (`src/ui/emoji_picker.rs`)
//! from the `emojis` crate (Unicode's list, GitHub's shortcodes) as compact text: the
//! crate's own tables would add about half a megabyte to the SPA's wasm; this adds about
//! a fifth of that. One line per emoji in Unicode's order, default skin tone only, up to
//! Unicode 15.0 (what current systems' emoji fonts draw, Debian 12's Noto Color Emoji
//! among them; newer ones show as empty boxes there): `emoji<TAB>name<TAB>shortcodes`.

use std::fmt::Write;

fn main() {
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
