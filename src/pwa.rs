//! The installable app: registers the service worker (`/sw.js`, see scripts/sw.js) that
//! keeps the app shell for offline use.
//!
//! Under Trusted Types, `navigator.serviceWorker.register` takes only a
//! `TrustedScriptURL`. The CSP allows one policy, `huddle-sw`, which this module creates
//! first thing (a second one of that name is refused by the browser) and which turns
//! exactly `/sw.js` into one, and nothing else. Browsers without Trusted Types get the
//! plain address; browsers without service workers, or that refuse one (private modes),
//! simply have no offline shell.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The service worker's address.
pub const SCRIPT: &str = "/sw.js";
/// The Trusted Types policy the CSP allows (`trusted-types huddle-sw`).
pub const POLICY: &str = "huddle-sw";

/// `SCRIPT` as a `TrustedScriptURL` where the browser has Trusted Types.
fn script_url() -> Result<JsValue, JsValue> {
    let global = js_sys::global();
    let tt = Reflect::get(&global, &"trustedTypes".into())?;
    if tt.is_undefined() || tt.is_null() {
        return Ok(SCRIPT.into());
    }
    let only_the_worker = Closure::<dyn Fn(String) -> Result<String, JsValue>>::new(|u: String| {
        if u == SCRIPT {
            Ok(u)
        } else {
            Err(js_sys::TypeError::new("huddle-sw makes only the service worker's address").into())
        }
    });
    let rules = js_sys::Object::new();
    Reflect::set(&rules, &"createScriptURL".into(), only_the_worker.as_ref())?;
    only_the_worker.forget();
    let create: Function = Reflect::get(&tt, &"createPolicy".into())?.dyn_into()?;
    let policy = create.call2(&tt, &POLICY.into(), &rules)?;
    let make: Function = Reflect::get(&policy, &"createScriptURL".into())?.dyn_into()?;
    make.call1(&policy, &SCRIPT.into())
}

/// Registers the service worker, where the browser has them.
pub fn register() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let registered = (|| -> Result<js_sys::Promise, JsValue> {
        let container = Reflect::get(&navigator, &"serviceWorker".into())?;
        let register: Function = Reflect::get(&container, &"register".into())?.dyn_into()?;
        register.call1(&container, &script_url()?)?.dyn_into()
    })();
    if let Ok(p) = registered {
        // A refusal (a private window, an old browser) leaves the app as it is.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        });
    }
}
