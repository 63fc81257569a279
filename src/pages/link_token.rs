//! The token of a link the tab is following (`/join#<token>`, `/verify#<token>`). It
//! travels after `#`, so it never reaches a server log or a `Referer`; the page moves it
//! into this tab's `sessionStorage` and takes it out of the address (and the history) at
//! once, so that it survives a reload (or signing in or up) and is forgotten once used or
//! found dead.

/// Where a kind of link keeps its token in this tab, and the page it belongs to.
#[derive(Clone, Copy)]
pub struct LinkToken {
    /// The `sessionStorage` key.
    pub key: &'static str,
    /// The page's path, which the address is cleaned to.
    pub page: &'static str,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

impl LinkToken {
    /// The token: from the address if it holds one (which is then cleaned), else the one
    /// kept from before.
    pub fn take(self) -> Option<String> {
        let window = web_sys::window()?;
        let hash = window.location().hash().ok().unwrap_or_default();
        if let Some(token) = hash.strip_prefix('#').filter(|t| !t.is_empty()) {
            if let Some(s) = storage() {
                let _ = s.set_item(self.key, token);
            }
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(self.page),
                );
            }
            return Some(token.to_owned());
        }
        storage()?.get_item(self.key).ok()?
    }

    /// Whether this tab keeps a token of this kind.
    pub fn pending(self) -> bool {
        storage()
            .and_then(|s| s.get_item(self.key).ok().flatten())
            .is_some()
    }

    /// Forgets the token.
    pub fn forget(self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(self.key);
        }
    }
}
