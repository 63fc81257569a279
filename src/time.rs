//! Times from the API (Unix seconds) as the reader expects to see them: in their time
//! zone, written the way the app's language writes them (`Intl`, in the locale of
//! [`crate::language::tag`], so a view that shows one follows a change of language).

use wasm_bindgen::JsValue;

use crate::i18n::*;
use crate::language::{current, tag};

fn date(secs: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(secs as f64 * 1000.0))
}

/// `Intl` options from `(name, value)` pairs.
fn options(pairs: &[(&str, &str)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o.into()
}

/// The locale in use, tracked when read in a view.
fn locale() -> Locale {
    use leptos::prelude::*;
    match use_context::<leptos_i18n::I18nContext<Locale>>() {
        Some(i18n) => i18n.get_locale(),
        None => current(),
    }
}

/// The reader's clock now, in Unix seconds.
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A date and time, in full (e.g. for a tooltip).
pub fn date_time(secs: i64) -> String {
    let o = options(&[("dateStyle", "full"), ("timeStyle", "short")]);
    String::from(date(secs).to_locale_string(tag(), &o))
}

/// A date and time, short (e.g. in a list of search results).
pub fn short_date_time(secs: i64) -> String {
    let o = options(&[("dateStyle", "medium"), ("timeStyle", "short")]);
    String::from(date(secs).to_locale_string(tag(), &o))
}

/// The time of day, hours and minutes.
pub fn clock(secs: i64) -> String {
    let o = options(&[("hour", "2-digit"), ("minute", "2-digit")]);
    String::from(date(secs).to_locale_time_string_with_options(tag(), &o))
}

/// The reader's calendar day of `secs`, as a number that grows by one a day.
pub fn day(secs: i64) -> i64 {
    let d = date(secs);
    // Local midnight, in days since the epoch (DST shifts never reach a whole day).
    let local = secs - i64::from(d.get_timezone_offset() as i32) * 60;
    local.div_euclid(86_400)
}

/// The heading of a day in a message list: "Today", "Yesterday", or the date in full.
pub fn day_label(secs: i64, now: i64) -> String {
    match day(now) - day(secs) {
        0 => td_string!(locale(), common.today).into(),
        1 => td_string!(locale(), common.yesterday).into(),
        _ => {
            let o = options(&[
                ("weekday", "long"),
                ("year", "numeric"),
                ("month", "long"),
                ("day", "numeric"),
            ]);
            String::from(date(secs).to_locale_date_string(tag(), &o))
        }
    }
}

/// How long ago `secs` was, for recent times ("just now", "5 min ago"); the time of day
/// for anything an hour old or more.
pub fn relative(secs: i64, now: i64) -> String {
    match now - secs {
        ..60 => td_string!(locale(), common.just_now).into(),
        d @ 60..3600 => td_string!(locale(), common.minutes_ago, count = d / 60),
        _ => clock(secs),
    }
}

/// An ISO 8601 instant (for `<time datetime>`).
pub fn iso(secs: i64) -> String {
    String::from(date(secs).to_iso_string())
}
