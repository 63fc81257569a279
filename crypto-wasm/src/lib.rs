//! Front-end crypto for Huddle, natively and as WebAssembly.
//!
//! * [`random`]: CSPRNG bytes, hex tokens and v4 UUIDs.
//! * [`cbc`]: AES-128/192/256-CBC with PKCS#7.
//! * [`mix_keys`]: Twake's room-key mixing.
//! * [`envelope`]: Twake-compatible v0 and authenticated v1 envelopes; [`seal`] and
//!   [`open`] are the stateless entry points, with derived keys cached per room key.
//! * [`RoomKeyring`]: the client side of key rotation; [`room_session::RoomSession`]:
//!   the rules that keep a room's keys current, as a pure state machine.
//! * [`segments`]: large files encrypted at rest in authenticated 64 KiB segments,
//!   streamed both ways by pure state machines, any segment readable on its own.
//!
//! With the `js` feature the same API is exported to JavaScript with `wasm-bindgen`
//! (camelCase names; see `crypto-wasm/npm/README.md`, the npm package README).
#![deny(unsafe_code)]

pub mod cbc;
pub mod envelope;
mod error;
pub mod hex;
pub mod kdf;
pub mod keyring;
mod mix;
pub mod random;
pub mod room_key;
pub mod room_session;
pub mod segments;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod vperm;

#[cfg(feature = "js")]
#[allow(unsafe_code)] // wasm-bindgen's generated glue
mod js;

pub use envelope::{Envelope, Format};
pub use error::{Error, Result};
pub use keyring::RoomKeyring;
pub use mix::mix_keys;
pub use room_key::RoomKey;

/// Seals `plaintext` under room key `key` (as version `key_version`) for `room`.
/// `room` is bound into v1 envelopes (use `""` if there is none); v0 ignores it.
pub fn seal(
    key: &str,
    key_version: &str,
    plaintext: &str,
    format: Format,
    room: &str,
) -> Result<Envelope> {
    check_key(key)?;
    room_key::cache::with(key, |rk| rk.seal(room, key_version, plaintext, format))
}

/// Opens an envelope of either format with room key `key`; a v1 envelope must have been
/// sealed for `room`.
pub fn open(key: &str, env: &Envelope, room: &str) -> Result<String> {
    check_key(key)?;
    room_key::cache::with(key, |rk| rk.open(room, env))
}

/// Forgets the room keys (and everything derived from them) that [`seal`] and [`open`]
/// cache. Keyrings keep their own keys.
pub fn clear_key_cache() {
    room_key::cache::clear();
}

/// An empty room key would let anyone derive the envelope keys.
pub(crate) fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::Argument("the room key must not be empty".into()));
    }
    Ok(())
}
