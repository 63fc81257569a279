//! Authenticated v1 envelopes: vectors, round trips, tampering, binding to room and
//! key version.

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use base64::Engine as _;
use crypto_wasm::envelope::v1::Keys;
use crypto_wasm::envelope::V1Envelope;
use crypto_wasm::{open, seal, Envelope, Error, Format};
use serde_json::Value;

const KEY: &str = "b0903b862de7dc18d5a1fdeb3578664c75cf21d71185f8fea86624cf7e67073d";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

#[test]
fn vectors_open_and_reseal_identically() {
    let d: Value = serde_json::from_str(include_str!("data/huddle-v1.json")).unwrap();
    for v in d["vectors"].as_array().unwrap() {
        let s = |k: &str| v[k].as_str().unwrap();
        let env: Envelope = serde_json::from_value(v["envelope"].clone()).unwrap();
        assert_eq!(open(s("key"), &env, s("room")).unwrap(), s("plaintext"));
        let Envelope::V1(e) = &env else { panic!() };
        let iv: [u8; 16] = b64().decode(&e.iv).unwrap().try_into().unwrap();
        let again = Keys::derive(s("key"))
            .seal_with_iv(s("room"), &e.key_version, &iv, s("plaintext").as_bytes())
            .unwrap();
        assert_eq!(&again, e);
    }
}

#[test]
fn v1_is_the_default_and_has_its_shape() {
    assert_eq!(Format::default(), Format::V1);
    let env = seal(KEY, "3", "hi", Format::default(), "r").unwrap();
    let json = serde_json::to_value(&env).unwrap();
    let mut fields: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["encrypted", "iv", "key_version", "mac", "v"]);
    assert_eq!(json["v"], 1);
    let back: Envelope = serde_json::from_value(json).unwrap();
    assert_eq!(open(KEY, &back, "r").unwrap(), "hi");
}

fn sealed() -> V1Envelope {
    match seal(
        KEY,
        "5-1700000000",
        "{\"text\":\"attack at dawn\"}",
        Format::V1,
        "room-a",
    )
    .unwrap()
    {
        Envelope::V1(e) => e,
        _ => unreachable!(),
    }
}

/// Flips (two bits of) every byte of iv, ciphertext and mac in turn: all are rejected
/// by the MAC, before decryption.
#[test]
fn every_flipped_byte_is_rejected() {
    let e = sealed();
    type Field = fn(&mut V1Envelope) -> &mut String;
    let fields: [(&str, Field); 3] = [
        ("iv", |e| &mut e.iv),
        ("encrypted", |e| &mut e.encrypted),
        ("mac", |e| &mut e.mac),
    ];
    let mut checked = 0;
    for (name, field) in fields {
        let bytes = b64().decode(field(&mut e.clone())).unwrap();
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut t = e.clone();
                let mut b = bytes.clone();
                b[i] ^= bit;
                *field(&mut t) = b64().encode(&b);
                assert_eq!(
                    open(KEY, &Envelope::V1(t), "room-a"),
                    Err(Error::BadMac),
                    "{name}[{i}]"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * (16 + 32 + 32)); // iv, two ciphertext blocks, tag
                                             // Truncated or extended ciphertexts and tags.
    let mut t = e.clone();
    let ct = b64().decode(&t.encrypted).unwrap();
    t.encrypted = b64().encode(&ct[..ct.len() - 16]);
    assert_eq!(open(KEY, &Envelope::V1(t), "room-a"), Err(Error::BadMac));
    let mut t = e.clone();
    t.mac = b64().encode([0u8; 31]);
    assert!(matches!(
        open(KEY, &Envelope::V1(t), "room-a"),
        Err(Error::Envelope(_))
    ));
}

#[test]
fn bound_to_room_key_version_and_key() {
    let e = sealed();
    assert_eq!(
        open(KEY, &Envelope::V1(e.clone()), "room-a").unwrap(),
        "{\"text\":\"attack at dawn\"}"
    );
    assert_eq!(
        open(KEY, &Envelope::V1(e.clone()), "room-b"),
        Err(Error::BadMac)
    );
    assert_eq!(open(KEY, &Envelope::V1(e.clone()), ""), Err(Error::BadMac));
    let mut t = e.clone();
    t.key_version = "6-1700000000".into();
    assert_eq!(open(KEY, &Envelope::V1(t), "room-a"), Err(Error::BadMac));
    let other = KEY.replace('b', "c");
    assert_eq!(open(&other, &Envelope::V1(e), "room-a"), Err(Error::BadMac));
}

#[test]
fn length_prefixes_prevent_shifting_bytes_between_room_and_version() {
    // ("ab", "c") and ("a", "bc") concatenate alike; the MAC must still differ.
    let env = seal(KEY, "c", "x", Format::V1, "ab").unwrap();
    let Envelope::V1(mut e) = env else {
        unreachable!()
    };
    e.key_version = "bc".into();
    assert_eq!(open(KEY, &Envelope::V1(e), "a"), Err(Error::BadMac));
}

#[test]
fn unknown_format_is_named() {
    let j = serde_json::json!({"v": 2, "key_version": "1", "iv": "", "encrypted": "", "mac": ""});
    let err = serde_json::from_value::<Envelope>(j)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown envelope format \"v2\""), "{err}");
}
