//! Device cookies: a browser that signs in to an account gets a long-lived cookie naming
//! that account and a random device id, with an HMAC under the server's secret salt. When
//! it signs in to the same account again, its attempts count against its own device
//! counter instead of the account's (see `rate_limit`), so that a stranger guessing at
//! an account cannot keep its owner out of their own browser (OWASP's "device cookies").
//!
//! The cookie proves only that this browser once signed in to that account: it signs no
//! one in, and a wrong password from it still counts (against the device).

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{ApiError, ApiResult};

/// How long a device is remembered.
pub const LIFETIME_SECS: i64 = 365 * 24 * 3600;

/// The cookie's name (`__Host-` when cookies are `Secure`).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-huddle_device"
    } else {
        "huddle_device"
    }
}

fn mac(salt: &[u8], user: i64, id: &str) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(salt).expect("any key length");
    m.update(format!("huddle device cookie\0{user}.{id}").as_bytes());
    m
}

/// A new cookie value for account `user`: `<user>.<device id>.<mac>` (hex).
pub fn issue(salt: &[u8], user: i64) -> ApiResult<String> {
    let id = crypto_wasm::random::token(16).map_err(ApiError::internal)?;
    let tag = crypto_wasm::hex::encode(&mac(salt, user, &id).finalize().into_bytes());
    Ok(format!("{user}.{id}.{tag}"))
}

/// A `Set-Cookie` value for `value`.
pub fn set_cookie(secure: bool, value: &str) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={LIFETIME_SECS}{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The account and device id of a genuine device cookie among `headers` (the MAC is
/// checked in constant time); `None` for none or a forged one.
pub fn check(salt: &[u8], headers: &HeaderMap, secure: bool) -> Option<(i64, String)> {
    let value = crate::session::cookie(headers, cookie_name(secure))?;
    let mut parts = value.splitn(3, '.');
    let (user, id, tag) = (parts.next()?, parts.next()?, parts.next()?);
    let user: i64 = user.parse().ok()?;
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let tag = crypto_wasm::hex::decode(tag, "device cookie").ok()?;
    mac(salt, user, id).verify_slice(&tag).ok()?;
    Some((user, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("cookie", format!("a=b; huddle_device={v}").parse().unwrap());
        h
    }

    #[test]
    fn genuine_cookies_only() {
        let salt = b"a secret salt of some length....";
        let v = issue(salt, 42).unwrap();
        let (user, id) = check(salt, &with_cookie(&v), false).unwrap();
        assert_eq!(user, 42);
        assert_eq!(id.len(), 32);
        // Another account's number on the same device id: refused.
        let forged = v.replacen("42.", "43.", 1);
        assert!(check(salt, &with_cookie(&forged), false).is_none());
        // Another server's salt, a cut tag, garbage: refused.
        assert!(check(b"another salt", &with_cookie(&v), false).is_none());
        assert!(check(salt, &with_cookie(&v[..v.len() - 2]), false).is_none());
        assert!(check(salt, &with_cookie("x.y.z"), false).is_none());
        // The `__Host-` name when cookies are secure.
        assert!(check(salt, &with_cookie(&v), true).is_none());
    }
}
