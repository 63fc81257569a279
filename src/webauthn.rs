//! The browser's side of passkeys: `navigator.credentials.create` and `.get` with the
//! options the server sent (in the WebAuthn JSON form, read with
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`),
//! and the credential back as JSON (`toJSON()`). No HTTP here: `api.rs` carries both.

use js_sys::{Function, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::*;
use crate::language::current;

fn get(target: &JsValue, name: &str) -> Result<JsValue, String> {
    Reflect::get(target, &JsValue::from_str(name)).map_err(|_| unsupported())
}

fn unsupported() -> String {
    td_string!(current(), auth.passkeys_unsupported).to_owned()
}

fn call(target: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, String> {
    get(target, method)?
        .dyn_into::<Function>()
        .map_err(|_| unsupported())?
        .call1(target, arg)
        .map_err(|e| describe(&e))
}

/// What to tell the person when the browser refuses.
fn describe(e: &JsValue) -> String {
    let name = get(e, "name")
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" => td_string!(current(), auth.passkey_cancelled).to_owned(),
        "InvalidStateError" => td_string!(current(), auth.passkey_exists).to_owned(),
        "SecurityError" => td_string!(current(), auth.passkey_needs_domain).to_owned(),
        _ => get(e, "message")
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(unsupported),
    }
}

/// Runs `navigator.credentials.<method>` with the server's `{"publicKey": …}` options;
/// the credential as JSON.
async fn ceremony(
    method: &str,
    parse: &str,
    options: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    let window: JsValue = web_sys::window().ok_or_else(unsupported)?.into();
    let class = get(&window, "PublicKeyCredential")?;
    if class.is_undefined() {
        return Err(unsupported());
    }
    let json = JSON::parse(&options["publicKey"].to_string()).map_err(|e| describe(&e))?;
    let public_key = call(&class, parse, &json)?;
    let request = Object::new();
    Reflect::set(&request, &JsValue::from_str("publicKey"), &public_key)
        .map_err(|_| unsupported())?;
    let credentials = get(&get(&window, "navigator")?, "credentials")?;
    let promise = call(&credentials, method, &request)?
        .dyn_into::<js_sys::Promise>()
        .map_err(|_| unsupported())?;
    let credential = JsFuture::from(promise).await.map_err(|e| describe(&e))?;
    if credential.is_null() {
        return Err(td_string!(current(), auth.no_passkey_chosen).to_owned());
    }
    let out = get(&credential, "toJSON")?
        .dyn_into::<Function>()
        .map_err(|_| unsupported())?
        .call0(&credential)
        .map_err(|e| describe(&e))?;
    let text: String = JSON::stringify(&out).map_err(|e| describe(&e))?.into();
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// Makes a new passkey with the server's creation options.
pub async fn create(options: &serde_json::Value) -> Result<serde_json::Value, String> {
    ceremony("create", "parseCreationOptionsFromJSON", options).await
}

/// Signs with a passkey, with the server's request options.
pub async fn get_assertion(options: &serde_json::Value) -> Result<serde_json::Value, String> {
    ceremony("get", "parseRequestOptionsFromJSON", options).await
}
