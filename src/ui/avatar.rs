//! Avatar: a person's initials on a color of their own (derived from their id, so it is
//! the same everywhere and for everyone). Beside their name it is decoration
//! (`aria-hidden`); alone, it is an image named after them. (Pictures come with Drive.)

use leptos::prelude::*;

/// How many avatar colors `style/main.css` defines (`.avatar-c0` …).
pub const COLORS: u64 = 12;

/// The color class of account `id`: mixed (splitmix64), so that neighbouring ids differ.
pub fn color_class(id: i64) -> String {
    let mut z = (id as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    format!("avatar-c{}", z % COLORS)
}

/// Up to two initials of `name`: of its first and last words, upper-cased; `?` for none.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '.' || c == '_' || c == '-')
        .filter(|w| w.chars().next().is_some_and(char::is_alphanumeric))
        .collect();
    let first = |w: &str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
    };
    match words.as_slice() {
        [] => "?".into(),
        [one] => first(one).unwrap_or_default(),
        [a, .., b] => format!(
            "{}{}",
            first(a).unwrap_or_default(),
            first(b).unwrap_or_default()
        ),
    }
}

/// The size of an avatar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AvatarSize {
    /// In lists and beside names in text.
    Small,
    /// Beside messages.
    #[default]
    Medium,
    /// On profile pages.
    Large,
}

/// The avatar of account `id`, named `name`.
#[component]
pub fn Avatar(
    /// The account's id (its color).
    id: i64,
    /// Its display name (its initials).
    #[prop(into)]
    name: String,
    /// Its size.
    #[prop(optional)]
    size: AvatarSize,
    /// Whether it stands alone (then it is an image named `name`), rather than beside the
    /// name.
    #[prop(optional)]
    alone: bool,
) -> impl IntoView {
    let size = match size {
        AvatarSize::Small => "small",
        AvatarSize::Medium => "medium",
        AvatarSize::Large => "large",
    };
    let class = format!("avatar {size} {}", color_class(id));
    let text = initials(&name);
    if alone {
        view! { <span class=class role="img" aria-label=name>{text}</span> }.into_any()
    } else {
        view! { <span class=class aria-hidden="true">{text}</span> }.into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Alice Martin"), "AM");
        assert_eq!(initials("alice"), "A");
        assert_eq!(initials("Jean-Luc de la Tour"), "JT");
        assert_eq!(initials("élodie"), "É");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("😀 Bob"), "B");
    }

    #[test]
    fn colors_spread_and_stay() {
        assert_eq!(color_class(7), color_class(7));
        let distinct: std::collections::HashSet<String> = (1..=24).map(color_class).collect();
        assert!(distinct.len() >= 9, "{distinct:?}");
    }
}
