//! v0: the Twake web client's envelope, bit for bit.
//!
//! cipher key = PBKDF2-HMAC-SHA512(password = UTF-8 of the room key string,
//! salt, 9 iterations, 32 bytes); AES-256-CBC with PKCS#7 and a random 16-byte IV;
//! `encrypted` is standard base64, `iv` and `salt` are hex.
//!
//! Twake draws a fresh 256-byte salt for every message, so every message costs a PBKDF2
//! run. This crate draws one salt per room key and reuses it (with a fresh IV per
//! message), which keeps the envelopes valid for Twake while making the per-message cost
//! one AES pass. Derived keys are cached per (room key, salt) on the receiving side too.

use hmac::Hmac;
use sha2::Sha512;

use super::{b64, unb64, utf8, V0Envelope};
use crate::{cbc::AesKey, hex, random, Error, Result};

/// Salt length Twake uses, in bytes.
pub const SALT_LEN: usize = 256;
/// PBKDF2 iteration count Twake uses.
pub const ITERATIONS: u32 = 9;
/// Longest salt accepted from the wire, in bytes.
pub const MAX_SALT_LEN: usize = 4096;

/// Derives the AES-256 key of a v0 envelope.
pub fn derive(room_key: &str, salt: &[u8]) -> AesKey {
    let mut k = zeroize::Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2::<Hmac<Sha512>>(room_key.as_bytes(), salt, ITERATIONS, &mut *k)
        .expect("HMAC accepts keys of any length");
    AesKey::new(&*k).expect("32-byte key")
}

/// A sender's v0 state for one room key: its salt and the key derived from it.
#[derive(Clone, Debug)]
pub struct Sealer {
    salt_hex: String,
    cipher: AesKey,
}

impl Sealer {
    /// Draws a salt and derives the key.
    pub fn new(room_key: &str) -> Result<Self> {
        let mut salt = [0u8; SALT_LEN];
        random::fill_public(&mut salt)?;
        Ok(Sealer {
            salt_hex: hex::encode(&salt),
            cipher: derive(room_key, &salt),
        })
    }

    /// Seals `plaintext` with a fresh IV.
    pub fn seal(&self, key_version: &str, plaintext: &[u8]) -> Result<V0Envelope> {
        let mut iv = [0u8; 16];
        random::fill_public(&mut iv)?;
        let ct = self.cipher.encrypt(&iv, plaintext)?;
        Ok(V0Envelope {
            encrypted: b64(&ct),
            iv: hex::encode(&iv),
            salt: self.salt_hex.clone(),
            key_version: key_version.to_owned(),
        })
    }
}

/// The decoded binary fields of a v0 envelope.
pub(crate) struct Decoded {
    pub salt: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Decodes and checks the shape of a v0 envelope before any key work.
pub(crate) fn decode(env: &V0Envelope) -> Result<Decoded> {
    let salt = hex::decode(&env.salt, "`salt`")?;
    if salt.is_empty() || salt.len() > MAX_SALT_LEN {
        return Err(Error::Envelope(format!(
            "`salt` must be 1 to {MAX_SALT_LEN} bytes, got {}",
            salt.len()
        )));
    }
    let iv = hex::decode(&env.iv, "`iv`")?;
    if iv.len() != 16 {
        return Err(Error::IvLength(iv.len()));
    }
    let ciphertext = unb64(&env.encrypted, "encrypted")?;
    if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
        return Err(Error::CiphertextLength(ciphertext.len()));
    }
    Ok(Decoded {
        salt,
        iv,
        ciphertext,
    })
}

/// Opens decoded fields with the derived key.
pub(crate) fn open_with(cipher: &AesKey, d: Decoded) -> Result<String> {
    utf8(cipher.decrypt_owned(&d.iv, d.ciphertext)?)
}
