//! AES-CBC with PKCS#7 padding, AES-128/192/256 chosen by key length.
//!
//! [`AesKey`] holds an expanded key schedule so that callers that encrypt many
//! messages under one key (envelopes, keyrings) pay the key expansion once.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit};

use crate::{Error, Result};

/// AES block size in bytes; the IV is one block.
pub const BLOCK: usize = 16;

/// An expanded AES key of any of the three standard sizes.
#[derive(Clone)]
pub enum AesKey {
    /// AES-128 (16-byte key).
    Aes128(aes::Aes128),
    /// AES-192 (24-byte key).
    Aes192(aes::Aes192),
    /// AES-256 (32-byte key).
    Aes256(aes::Aes256),
}

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bits = match self {
            AesKey::Aes128(_) => 128,
            AesKey::Aes192(_) => 192,
            AesKey::Aes256(_) => 256,
        };
        write!(f, "AesKey(AES-{bits}, <redacted>)")
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

macro_rules! with_key {
    ($key:expr, $k:ident => $body:expr) => {
        match $key {
            AesKey::Aes128($k) => $body,
            AesKey::Aes192($k) => $body,
            AesKey::Aes256($k) => $body,
        }
    };
}

impl AesKey {
    /// Expands a 16-, 24- or 32-byte key.
    pub fn new(key: &[u8]) -> Result<Self> {
        Ok(match key.len() {
            16 => AesKey::Aes128(aes::Aes128::new(key.into())),
            24 => AesKey::Aes192(aes::Aes192::new(key.into())),
            32 => AesKey::Aes256(aes::Aes256::new(key.into())),
            n => return Err(Error::KeyLength(n)),
        })
    }

    /// CBC-encrypts `plaintext` with PKCS#7 padding. The result is 1 to 16 bytes longer.
    pub fn encrypt(&self, iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let iv = iv_block(iv)?.into();
        Ok(
            with_key!(self, k => cbc::Encryptor::inner_iv_init(k.clone(), iv)
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext)),
        )
    }

    /// CBC-decrypts and strips PKCS#7 padding.
    pub fn decrypt(&self, iv: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
        let iv = iv_block(iv)?.into();
        check_ciphertext(ciphertext)?;
        with_key!(self, k => cbc::Decryptor::inner_iv_init(k.clone(), iv)
            .decrypt_padded_vec_mut::<Pkcs7>(ciphertext))
        .map_err(|_| Error::BadPadding)
    }

    /// CBC-encrypts whole blocks in place, without padding (for test vectors).
    pub fn encrypt_blocks(&self, iv: &[u8], data: &mut [u8]) -> Result<()> {
        let iv = iv_block(iv)?.into();
        check_ciphertext(data)?;
        let len = data.len();
        with_key!(self, k => cbc::Encryptor::inner_iv_init(k.clone(), iv)
            .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(data, len))
        .map(|_| ())
        .map_err(|_| Error::CiphertextLength(len))
    }

    /// CBC-decrypts whole blocks in place, without padding (for test vectors).
    pub fn decrypt_blocks(&self, iv: &[u8], data: &mut [u8]) -> Result<()> {
        let iv = iv_block(iv)?.into();
        check_ciphertext(data)?;
        with_key!(self, k => cbc::Decryptor::inner_iv_init(k.clone(), iv)
            .decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(data))
        .map(|_| ())
        .map_err(|_| Error::BadPadding)
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
