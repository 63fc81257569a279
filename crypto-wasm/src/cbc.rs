//! AES-CBC with PKCS#7 padding, AES-128/192/256 chosen by key length.
//!
//! [`AesKey`] holds an expanded key schedule so that callers that encrypt many
//! messages under one key (envelopes, keyrings) pay the key expansion once.

use crate::{Error, Result};

/// AES block size in bytes; the IV is one block.
pub const BLOCK: usize = 16;

/// An expanded AES key of any of the three standard sizes.
///
/// On `wasm32` with `simd128` this is the constant-time vector-permute core
/// ([`crate::vperm`]); elsewhere RustCrypto's `aes` (AES-NI where the CPU has it, its
/// constant-time fixsliced software backend otherwise).
#[derive(Clone)]
pub struct AesKey(Inner);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Inner = crate::vperm::Aes;

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
type Inner = rustcrypto::Aes;

/// The AES core compiled into this build (see [`AesKey`]).
pub const BACKEND: &str = if cfg!(not(all(target_arch = "wasm32", target_feature = "simd128"))) {
    "rustcrypto"
} else if cfg!(target_feature = "relaxed-simd") {
    "vperm-relaxed-simd"
} else {
    "vperm-simd128"
};

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey(<redacted>)")
    }
}

fn iv_block(iv: &[u8]) -> Result<&[u8; BLOCK]> {
    iv.try_into().map_err(|_| Error::IvLength(iv.len()))
}

fn check_ciphertext(ct: &[u8]) -> Result<()> {
    if ct.is_empty() || ct.len() % BLOCK != 0 {
        return Err(Error::CiphertextLength(ct.len()));
    }
    Ok(())
}

/// Appends PKCS#7 padding (1 to 16 bytes).
fn pad(plaintext: &[u8]) -> Vec<u8> {
    let n = BLOCK - plaintext.len() % BLOCK;
    let mut buf = Vec::with_capacity(plaintext.len() + n);
    buf.extend_from_slice(plaintext);
    buf.resize(plaintext.len() + n, n as u8);
    buf
}

/// Checks and strips PKCS#7 padding; the check does not branch on the padding bytes.
fn unpad(buf: &mut Vec<u8>) -> Result<()> {
    let len = buf.len();
    let n = buf[len - 1];
    let mut bad = (n == 0) as u8 | (n as usize > BLOCK) as u8;
    for (i, &b) in buf[len - BLOCK..].iter().enumerate() {
        // Byte i of the last block is padding iff i + n >= 16.
        let is_pad = ((i + n as usize) >= BLOCK) as u8;
        bad |= is_pad & (b != n) as u8;
    }
    if bad != 0 {
        return Err(Error::BadPadding);
    }
    buf.truncate(len - n as usize);
    Ok(())
}

impl AesKey {
    /// Expands a 16-, 24- or 32-byte key.
    pub fn new(key: &[u8]) -> Result<Self> {
        Inner::new(key).map(AesKey)
    }

    /// CBC-encrypts `plaintext` with PKCS#7 padding. The result is 1 to 16 bytes longer.
    pub fn encrypt(&self, iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let iv = iv_block(iv)?;
        let mut buf = pad(plaintext);
        self.0.encrypt_cbc(iv, &mut buf);
        Ok(buf)
    }

    /// CBC-decrypts and strips PKCS#7 padding.
    pub fn decrypt(&self, iv: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
        check_ciphertext(ciphertext)?;
        self.decrypt_owned(iv, ciphertext.to_vec())
    }

    /// Like [`AesKey::decrypt`], in place in a buffer the caller no longer needs.
    pub fn decrypt_owned(&self, iv: &[u8], mut buf: Vec<u8>) -> Result<Vec<u8>> {
        let iv = iv_block(iv)?;
        check_ciphertext(&buf)?;
        self.0.decrypt_cbc(iv, &mut buf);
        unpad(&mut buf)?;
        Ok(buf)
    }

    /// CBC-encrypts whole blocks in place, without padding (for test vectors).
    pub fn encrypt_blocks(&self, iv: &[u8], data: &mut [u8]) -> Result<()> {
        let iv = iv_block(iv)?;
        check_ciphertext(data)?;
        self.0.encrypt_cbc(iv, data);
        Ok(())
    }

    /// CBC-decrypts whole blocks in place, without padding (for test vectors).
    pub fn decrypt_blocks(&self, iv: &[u8], data: &mut [u8]) -> Result<()> {
        let iv = iv_block(iv)?;
        check_ciphertext(data)?;
        self.0.decrypt_cbc(iv, data);
        Ok(())
    }
}

/// RustCrypto's AES behind the same block-level interface as the wasm core.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod rustcrypto {
    use aes::cipher::{
        block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit,
    };

    use crate::{Error, Result};

    #[derive(Clone)]
    pub enum Aes {
        Aes128(aes::Aes128),
        Aes192(aes::Aes192),
        Aes256(aes::Aes256),
    }

    macro_rules! with_key {
        ($key:expr, $k:ident => $body:expr) => {
            match $key {
                Aes::Aes128($k) => $body,
                Aes::Aes192($k) => $body,
                Aes::Aes256($k) => $body,
            }
        };
    }

    impl Aes {
        pub fn new(key: &[u8]) -> Result<Self> {
            Ok(match key.len() {
                16 => Aes::Aes128(aes::Aes128::new(key.into())),
                24 => Aes::Aes192(aes::Aes192::new(key.into())),
                32 => Aes::Aes256(aes::Aes256::new(key.into())),
                n => return Err(Error::KeyLength(n)),
            })
        }

        /// `data` is a whole number of blocks (checked by the caller).
        pub fn encrypt_cbc(&self, iv: &[u8; 16], data: &mut [u8]) {
            let len = data.len();
            with_key!(self, k => cbc::Encryptor::inner_iv_init(k.clone(), iv.into())
                .encrypt_padded_mut::<NoPadding>(data, len))
            .expect("whole blocks");
        }

        /// `data` is a whole number of blocks (checked by the caller).
        pub fn decrypt_cbc(&self, iv: &[u8; 16], data: &mut [u8]) {
            with_key!(self, k => cbc::Decryptor::inner_iv_init(k.clone(), iv.into())
                .decrypt_padded_mut::<NoPadding>(data))
            .expect("whole blocks");
        }
    }
}

/// One-shot AES-CBC/PKCS#7 encryption (AES-128/192/256 by key length).
pub fn encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let k = AesKey::new(key)?;
    k.encrypt(iv, plaintext)
}

/// One-shot AES-CBC/PKCS#7 decryption (AES-128/192/256 by key length).
pub fn decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
    let k = AesKey::new(key)?;
    k.decrypt(iv, ciphertext)
}

/// One-shot decryption in place in `ciphertext`'s buffer.
pub fn decrypt_owned(key: &[u8], iv: &[u8], ciphertext: Vec<u8>) -> Result<Vec<u8>> {
    let k = AesKey::new(key)?;
    k.decrypt_owned(iv, ciphertext)
}
