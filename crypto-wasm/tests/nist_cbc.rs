//! NIST SP 800-38A AES-CBC vectors for all three key sizes.

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crypto_wasm::cbc::{self, AesKey};
use crypto_wasm::hex;
use serde_json::Value;

fn data() -> Value {
    serde_json::from_str(include_str!("data/nist-sp800-38a-cbc.json")).unwrap()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap(), "vector").unwrap()
}

#[test]
fn raw_blocks_match_nist() {
    let d = data();
    let (iv, pt) = (h(&d["iv"]), h(&d["plaintext"]));
    for v in d["vectors"].as_array().unwrap() {
        let key = AesKey::new(&h(&v["key"])).unwrap();
        let ct = h(&v["ciphertext"]);
        let mut buf = pt.clone();
        key.encrypt_blocks(&iv, &mut buf).unwrap();
        assert_eq!(buf, ct, "{} encrypt", v["name"]);
        key.decrypt_blocks(&iv, &mut buf).unwrap();
        assert_eq!(buf, pt, "{} decrypt", v["name"]);
    }
}

#[test]
fn padded_encryption_extends_nist_ciphertext_by_one_padding_block() {
    let d = data();
    let (iv, pt) = (h(&d["iv"]), h(&d["plaintext"]));
    for v in d["vectors"].as_array().unwrap() {
        let key = h(&v["key"]);
        let ct = cbc::encrypt(&key, &iv, &pt).unwrap();
        assert_eq!(ct.len(), 80);
        assert_eq!(ct[..64], h(&v["ciphertext"])[..], "{}", v["name"]);
        assert_eq!(cbc::decrypt(&key, &iv, &ct).unwrap(), pt);
    }
}

#[test]
fn bad_lengths_and_padding_are_errors() {
    use crypto_wasm::Error;
    let k = [7u8; 32];
    let iv = [1u8; 16];
    assert_eq!(cbc::encrypt(&k[..15], &iv, b"x"), Err(Error::KeyLength(15)));
    assert_eq!(cbc::encrypt(&k, &iv[..8], b"x"), Err(Error::IvLength(8)));
    assert_eq!(
        cbc::decrypt(&k, &iv, &[0u8; 17]),
        Err(Error::CiphertextLength(17))
    );
    assert_eq!(cbc::decrypt(&k, &iv, &[]), Err(Error::CiphertextLength(0)));
    // A ciphertext whose last block decrypts to invalid padding.
    let mut ct = cbc::encrypt(&k, &iv, b"sixteen byte msg").unwrap();
    let n = ct.len();
    ct[n - 1] ^= 0x80;
    assert_eq!(cbc::decrypt(&k, &iv, &ct), Err(Error::BadPadding));
}

#[test]
fn padding_edge_cases() {
    use crypto_wasm::Error;
    let k = AesKey::new(&[3u8; 32]).unwrap();
    let iv = [9u8; 16];
    // Encrypts one chosen final block without padding, then decrypts with unpadding.
    let check = |last: [u8; 16]| {
        let mut b = last.to_vec();
        k.encrypt_blocks(&iv, &mut b).unwrap();
        k.decrypt(&iv, &b)
    };
    assert_eq!(
        check([16; 16]).unwrap(),
        Vec::<u8>::new(),
        "a whole block of padding"
    );
    let mut four = [0u8; 16];
    four[12..].fill(4);
    assert_eq!(check(four).unwrap(), vec![0u8; 12]);
    let mut zero = [1u8; 16];
    zero[15] = 0;
    assert_eq!(check(zero), Err(Error::BadPadding), "pad byte 0");
    assert_eq!(check([17; 16]), Err(Error::BadPadding), "pad byte > 16");
    let mut inconsistent = four;
    inconsistent[13] = 5;
    assert_eq!(
        check(inconsistent),
        Err(Error::BadPadding),
        "inner pad byte differs"
    );
    let mut first = four;
    first[12] = 3;
    assert_eq!(
        check(first),
        Err(Error::BadPadding),
        "first pad byte differs"
    );
}
