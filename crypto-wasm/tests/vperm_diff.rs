//! Differential tests of the AES core against RustCrypto on random keys, IVs and data,
//! for all key sizes and lengths from 1 to 64 blocks. On wasm32 this exercises the
//! vector-permute core; natively it checks the wrapper (padding, in-place CBC).

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use crypto_wasm::cbc::AesKey;
use crypto_wasm::random;

fn reference_encrypt(key: &[u8], iv: &[u8], pt: &[u8]) -> Vec<u8> {
    match key.len() {
        16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec_mut::<Pkcs7>(pt),
        24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec_mut::<Pkcs7>(pt),
        _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec_mut::<Pkcs7>(pt),
    }
}

fn reference_decrypt(key: &[u8], iv: &[u8], ct: &[u8]) -> Vec<u8> {
    match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .unwrap()
            .decrypt_padded_vec_mut::<Pkcs7>(ct)
            .unwrap(),
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
            .unwrap()
            .decrypt_padded_vec_mut::<Pkcs7>(ct)
            .unwrap(),
        _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .unwrap()
            .decrypt_padded_vec_mut::<Pkcs7>(ct)
            .unwrap(),
    }
}

/// The core under test is the one the build is meant to have (scripts/test.sh runs this
/// file for both wasm builds).
#[test]
fn backend_is_the_expected_core() {
    let expected = if !cfg!(target_arch = "wasm32") {
        "rustcrypto"
    } else if cfg!(target_feature = "relaxed-simd") {
        "vperm-relaxed-simd"
    } else {
        "vperm-simd128"
    };
    assert_eq!(crypto_wasm::cbc::BACKEND, expected);
}

#[test]
fn matches_rustcrypto_on_random_inputs() {
    let mut cases = 0;
    for key_len in [16, 24, 32] {
        for round in 0..40 {
            let key = random::bytes(key_len).unwrap();
            let iv = random::bytes(16).unwrap();
            // Every length up to 64 blocks around the 4-block decryption stride, then random.
            let len = if round < 20 {
                round * 13
            } else {
                (random::bytes(2).unwrap()[0] as usize) * 4 + round
            };
            let pt = random::bytes(len).unwrap();
            let k = AesKey::new(&key).unwrap();
            let ct = k.encrypt(&iv, &pt).unwrap();
            assert_eq!(
                ct,
                reference_encrypt(&key, &iv, &pt),
                "encrypt key {key_len} len {len}"
            );
            assert_eq!(k.decrypt(&iv, &ct).unwrap(), pt);
            assert_eq!(reference_decrypt(&key, &iv, &ct), pt);
            cases += 1;
        }
    }
    assert_eq!(cases, 120);
}

#[test]
fn round_keys_made_on_first_use_work_in_any_order() {
    // Encryption and decryption round keys are made lazily: a key whose first use is
    // decryption, and clones taken before and after, must all agree with RustCrypto.
    for key_len in [16, 24, 32] {
        let key = random::bytes(key_len).unwrap();
        let iv = random::bytes(16).unwrap();
        let pt = random::bytes(100).unwrap();
        let ct = reference_encrypt(&key, &iv, &pt);
        let k = AesKey::new(&key).unwrap();
        let fresh = k.clone();
        assert_eq!(
            k.decrypt(&iv, &ct).unwrap(),
            pt,
            "decrypt first, key {key_len}"
        );
        let after_dec = k.clone();
        assert_eq!(
            k.encrypt(&iv, &pt).unwrap(),
            ct,
            "then encrypt, key {key_len}"
        );
        assert_eq!(fresh.encrypt(&iv, &pt).unwrap(), ct, "clone before use");
        assert_eq!(
            after_dec.encrypt(&iv, &pt).unwrap(),
            ct,
            "clone after decrypt"
        );
        assert_eq!(k.clone().decrypt(&iv, &ct).unwrap(), pt, "clone after both");
    }
}

#[test]
fn single_blocks_for_many_keys() {
    // Many keys exercise the key schedule (SubWord, Rcon) broadly.
    for _ in 0..200 {
        for key_len in [16, 24, 32] {
            let key = random::bytes(key_len).unwrap();
            let mut block = random::bytes(16).unwrap();
            let expected = {
                let mut b = block.clone();
                let len = b.len();
                match key_len {
                    16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, &[0; 16])
                        .unwrap()
                        .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut b, len)
                        .unwrap()
                        .to_vec(),
                    24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(&key, &[0; 16])
                        .unwrap()
                        .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut b, len)
                        .unwrap()
                        .to_vec(),
                    _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &[0; 16])
                        .unwrap()
                        .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut b, len)
                        .unwrap()
                        .to_vec(),
                }
            };
            let k = AesKey::new(&key).unwrap();
            let orig = block.clone();
            k.encrypt_blocks(&[0; 16], &mut block).unwrap();
            assert_eq!(block, expected);
            k.decrypt_blocks(&[0; 16], &mut block).unwrap();
            assert_eq!(block, orig);
        }
    }
}
