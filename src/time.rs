//! Times from the API (Unix seconds) as the reader expects to see them.

/// A date and time in the reader's time zone, written the way their browser's locale
/// writes them.
pub fn date_time(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
