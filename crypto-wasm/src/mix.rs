//! Twake's room-key mixing.

use sha2::{Digest, Sha256};

use crate::hex;

/// Mixes key part `key_b` into room key `key_a`: `sha256_hex(utf8(key_a) ‖ utf8(key_b))`,
/// exactly as the Twake web client does (its keys are hex strings, so UTF-8 is ASCII).
/// A new room's first key is `mix_keys("", b)`.
pub fn mix_keys(key_a: &str, key_b: &str) -> String {
    let mut h = Sha256::new();
    h.update(key_a.as_bytes());
    h.update(key_b.as_bytes());
    hex::encode(&h.finalize())
}
