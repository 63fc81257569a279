//! The language: English or French. By default the browser's (`navigator.languages`:
//! French if it prefers French to English, else English); the signed-in person may choose
//! one in their settings, which is kept on the server (the same on every device) and
//! remembered in `localStorage`, so that the next load speaks it before the session is
//! known. `<html lang>` follows.
//!
//! The words are in `src/locales/` (leptos_i18n: `t!` in views, `t_string!` in
//! attributes); dates, times and numbers are written by the browser's `Intl` in the same
//! locale ([`tag`]). Code that runs outside a view (an API error's message) reads the
//! language through [`current`].

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::Locale as _;

pub use crate::api::Language;
use crate::api::{self, ProfileChange};
use crate::i18n::Locale;
use crate::session::Session;
use leptos_i18n::I18nContext;

const KEY: &str = "huddle.language";

thread_local! {
    /// The locale in use, for code outside the reactive graph.
    static CURRENT: Cell<Locale> = const { Cell::new(Locale::en) };
}

/// The locale in use, outside a view (in a view, `use_i18n().get_locale()` tracks it).
pub fn current() -> Locale {
    CURRENT.with(Cell::get)
}

/// The BCP 47 tag for `Intl` of the locale in use (tracked when read in a view): the
/// browser's own variant of that language when it lists one (`en-GB` writes dates
/// day first and a 24-hour clock, `fr-CA` its own way), else the language alone.
pub fn tag() -> &'static str {
    let locale = match use_context::<I18nContext<Locale>>() {
        Some(i18n) => i18n.get_locale(),
        None => current(),
    };
    regional(locale)
}

thread_local! {
    /// [`regional`]'s answers (one per language, made once).
    static REGIONAL: std::cell::RefCell<Vec<(Locale, &'static str)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn regional(locale: Locale) -> &'static str {
    REGIONAL.with(|cache| {
        if let Some((_, t)) = cache.borrow().iter().find(|(l, _)| *l == locale) {
            return *t;
        }
        let found = web_sys::window()
            .map(|w| w.navigator().languages().to_vec())
            .unwrap_or_default()
            .iter()
            .filter_map(|l| l.as_string())
            .find(|l| {
                l.split(['-', '_'])
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(locale.as_str()))
            });
        // At most one string per language for the page's life.
        let t: &'static str = match found {
            Some(t) => Box::leak(t.into_boxed_str()),
            None => locale.as_str(),
        };
        cache.borrow_mut().push((locale, t));
        t
    })
}

/// A fixed string in the language given: what a table of choices holds in place of a
/// string (`|l| td_string!(l, ns.key)`).
pub type Localized = fn(Locale) -> &'static str;

/// Whether `n` takes the singular in the language in use (`Intl.PluralRules`: one in
/// English, zero and one in French). Translations that count have `_one` and `_plural`
/// keys; a view picks one with this.
pub fn one(n: impl Into<f64>) -> bool {
    let n = n.into();
    with_intl(tag(), |i| i.plurals.select(n) == "one")
}

/// `n` written for the language in use (`Intl.NumberFormat`: 1,234 or 1 234).
pub fn number(n: impl Into<f64>) -> String {
    let n = n.into();
    with_intl(tag(), |i| {
        i.numbers
            .format()
            .call1(&wasm_bindgen::JsValue::NULL, &n.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    })
}

/// A locale's `Intl` formatters, made once (making one resolves the locale, which is
/// slow next to using it, and a list of messages asks for plurals many times).
struct Intl {
    tag: &'static str,
    plurals: js_sys::Intl::PluralRules,
    numbers: js_sys::Intl::NumberFormat,
}

thread_local! {
    static INTL: std::cell::RefCell<Vec<Intl>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn with_intl<T>(tag: &'static str, f: impl FnOnce(&Intl) -> T) -> T {
    INTL.with(|cache| {
        let mut cache = cache.borrow_mut();
        let i = match cache.iter().position(|i| i.tag == tag) {
            Some(i) => i,
            None => {
                let locales = js_sys::Array::of1(&tag.into());
                cache.push(Intl {
                    tag,
                    plurals: js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new()),
                    numbers: js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new()),
                });
                cache.len() - 1
            }
        };
        f(&cache[i])
    })
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn saved() -> Language {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|l| Language::parse(&l))
        .unwrap_or_default()
}

/// The browser's choice between the two: the first of `navigator.languages` that is
/// English or French.
fn browser() -> Locale {
    let languages = web_sys::window()
        .map(|w| w.navigator().languages().to_vec())
        .unwrap_or_default();
    languages
        .iter()
        .filter_map(|l| l.as_string())
        .find_map(|l| match l.split(['-', '_']).next() {
            Some(p) if p.eq_ignore_ascii_case("fr") => Some(Locale::fr),
            Some(p) if p.eq_ignore_ascii_case("en") => Some(Locale::en),
            _ => None,
        })
        .unwrap_or(Locale::en)
}

/// The locale a setting means in this browser.
pub fn locale(language: Language) -> Locale {
    match language {
        Language::Auto => browser(),
        Language::En => Locale::en,
        Language::Fr => Locale::fr,
    }
}

/// The language chosen (in context): `Auto` follows the browser.
#[derive(Clone, Copy)]
pub struct LanguageChoice(pub RwSignal<Language>);

/// Provides the i18n context and the [`LanguageChoice`] (the remembered one at first, the
/// person's setting once the session is known), applies the choice to the context and to
/// `<html lang>` whenever it changes, and returns the context.
///
/// Not leptos_i18n's `I18nContextProvider` component: it adds an empty `<script>` to the
/// page, which Firefox's Trusted Types enforcement reports as a violation.
pub fn provide(session: Session) -> I18nContext<Locale> {
    let i18n = leptos_i18n::context::init_i18n_context::<Locale>();
    provide_context(i18n);
    let choice = LanguageChoice(RwSignal::new(saved()));
    provide_context(choice);
    // Before anything is drawn: no English flash for a French reader.
    let first = locale(choice.0.get_untracked());
    i18n.set_locale(first);
    CURRENT.with(|c| c.set(first));
    // As for the theme: a change of the server's setting is applied, a repeat is not.
    Effect::new(move |prev: Option<Option<Language>>| {
        let server = session
            .user
            .with(|u| u.as_ref().map(|u| u.preferences.language));
        if let Some(l) = server.filter(|l| prev.flatten() != Some(*l)) {
            choice.0.set(l);
        }
        server
    });
    Effect::new(move |_| {
        let language = choice.0.get();
        let l = locale(language);
        // Tracked: leptos_i18n follows the browser's languages on its own (on
        // `languagechange`); a chosen language wins over that.
        i18n.get_locale();
        CURRENT.with(|c| c.set(l));
        if i18n.get_locale_untracked() != l {
            i18n.set_locale(l);
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", l.as_str());
        }
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, language.as_str());
        }
    });
    i18n
}

/// Chooses `language`, and keeps it as the signed-in person's setting.
pub fn choose(session: Session, language: Language) {
    expect_context::<LanguageChoice>().0.set(language);
    if session.user.with_untracked(Option::is_none) {
        return;
    }
    spawn_local(async move {
        let change = ProfileChange {
            language: Some(language),
            ..Default::default()
        };
        if let Ok(u) = api::change_profile(&change).await {
            session.user.set(Some(u));
        }
    });
}
