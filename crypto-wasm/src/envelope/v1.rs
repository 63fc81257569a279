//! v1: authenticated envelopes (AES-256-CBC, then HMAC-SHA256 over everything).
//!
//! ```text
//! okm        = HKDF-SHA256(ikm = UTF-8(room key), salt = none, info = INFO, L = 64)
//! enc_key    = okm[0..32]      mac_key = okm[32..64]
//! ciphertext = AES-256-CBC-PKCS7(enc_key, iv = 16 random bytes, plaintext)
//! mac_input  = 0x01 ‖ u32be(len room) ‖ room ‖ u32be(len key_version) ‖ key_version
//!              ‖ iv ‖ ciphertext
//! mac        = HMAC-SHA256(mac_key, mac_input)          (all 32 bytes)
//! ```
//! The tag is verified in constant time before anything is decrypted.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{b64, unb64, utf8, V1Envelope};
use crate::{cbc::AesKey, random, Error, Result};

/// HKDF `info` string; a new layout gets a new string.
pub const INFO: &[u8] = b"huddle/crypto-wasm envelope v1: aes-256-cbc, hmac-sha256";
/// The format byte that starts the MAC input.
pub const VERSION_BYTE: u8 = 1;
/// MAC length in bytes.
pub const MAC_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// The two keys derived from one room key.
#[derive(Clone)]
pub struct Keys {
    enc: AesKey,
    mac: HmacSha256,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("v1::Keys(<redacted>)")
    }
}

impl Keys {
    /// Derives the encryption and MAC keys from a room key.
    pub fn derive(room_key: &str) -> Self {
        let mut okm = Zeroizing::new([0u8; 64]);
        Hkdf::<Sha256>::new(None, room_key.as_bytes())
            .expand(INFO, &mut *okm)
            .expect("64 bytes is a valid HKDF-SHA256 length");
        Keys {
            enc: AesKey::new(&okm[..32]).expect("32-byte key"),
            mac: HmacSha256::new_from_slice(&okm[32..]).expect("HMAC takes any key length"),
        }
    }

    fn mac(&self, room: &str, key_version: &str, iv: &[u8], ct: &[u8]) -> HmacSha256 {
        let mut m = self.mac.clone();
        m.update(&[VERSION_BYTE]);
        m.update(&(room.len() as u32).to_be_bytes());
        m.update(room.as_bytes());
        m.update(&(key_version.len() as u32).to_be_bytes());
        m.update(key_version.as_bytes());
        m.update(iv);
        m.update(ct);
        m
    }

    /// Seals `plaintext` for `room` under `key_version` with a fresh IV.
    pub fn seal(&self, room: &str, key_version: &str, plaintext: &[u8]) -> Result<V1Envelope> {
        let mut iv = [0u8; 16];
        random::fill_public(&mut iv)?;
        self.seal_with_iv(room, key_version, &iv, plaintext)
    }

    /// Seals with a caller-chosen IV. Only for test vectors: an IV must never repeat.
    pub fn seal_with_iv(
        &self,
        room: &str,
        key_version: &str,
        iv: &[u8; 16],
        plaintext: &[u8],
    ) -> Result<V1Envelope> {
        let ct = self.enc.encrypt(iv, plaintext)?;
        let tag = self.mac(room, key_version, iv, &ct).finalize().into_bytes();
        Ok(V1Envelope {
            v: 1,
            key_version: key_version.to_owned(),
            iv: b64(iv),
            encrypted: b64(&ct),
            mac: b64(&tag),
        })
    }

    /// Verifies and opens an envelope addressed to `room`.
    pub fn open(&self, room: &str, env: &V1Envelope) -> Result<String> {
        let iv = unb64(&env.iv, "iv")?;
        if iv.len() != 16 {
            return Err(Error::IvLength(iv.len()));
        }
        let tag = unb64(&env.mac, "mac")?;
        if tag.len() != MAC_LEN {
            return Err(Error::Envelope(format!(
                "`mac` must be {MAC_LEN} bytes, got {}",
                tag.len()
            )));
        }
        let ct = unb64(&env.encrypted, "encrypted")?;
        // Constant-time comparison (hmac uses `subtle`), before any decryption.
        self.mac(room, &env.key_version, &iv, &ct)
            .verify_slice(&tag)
            .map_err(|_| Error::BadMac)?;
        utf8(self.enc.decrypt_owned(&iv, ct)?)
    }
}
