//! Envelopes made by the Twake web client's algorithm (crypto-js 4.2.0) must open, and
//! its key mixes must be reproduced.

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crypto_wasm::envelope::RawEnvelope;
use crypto_wasm::{mix_keys, open, seal, Envelope, Error, Format};
use serde_json::Value;

fn data() -> Value {
    serde_json::from_str(include_str!("data/twake-v0.json")).unwrap()
}

#[test]
fn every_mix_is_reproduced() {
    let d = data();
    let mixes = d["mix"].as_array().unwrap();
    assert_eq!(mixes.len(), 4);
    for m in mixes {
        let s = |k: &str| m[k].as_str().unwrap();
        assert_eq!(mix_keys(s("key_a"), s("key_b")), s("key_ab"));
    }
}

#[test]
fn every_envelope_opens() {
    let d = data();
    let envs = d["envelopes"].as_array().unwrap();
    assert_eq!(envs.len(), 28);
    for e in envs {
        let env: Envelope = serde_json::from_value(e["envelope"].clone()).unwrap();
        assert_eq!(env.format(), Format::V0);
        let key = e["key"].as_str().unwrap();
        // v0 carries no room: any room name opens it.
        assert_eq!(
            open(key, &env, "any-room").unwrap(),
            e["plaintext"].as_str().unwrap()
        );
    }
}

#[test]
fn wrong_key_is_an_error_not_a_panic() {
    let d = data();
    let e = &d["envelopes"][6];
    let env: Envelope = serde_json::from_value(e["envelope"].clone()).unwrap();
    let wrong = d["envelopes"][7]["key"].as_str().unwrap();
    let err = open(wrong, &env, "").unwrap_err();
    assert!(matches!(err, Error::BadPadding | Error::NotUtf8), "{err:?}");
}

#[test]
fn our_v0_envelopes_have_twake_shape_and_reuse_one_salt_per_key() {
    let key = data()["mix"][0]["key_ab"].as_str().unwrap().to_owned();
    let a = seal(&key, "7", "{\"x\":1}", Format::V0, "").unwrap();
    let b = seal(&key, "7", "{\"x\":1}", Format::V0, "").unwrap();
    let (Envelope::V0(ea), Envelope::V0(eb)) = (&a, &b) else {
        panic!("v0 expected")
    };
    assert_eq!(ea.salt.len(), 512);
    assert_eq!(ea.iv.len(), 32);
    assert_eq!(ea.salt, eb.salt, "one salt per room key");
    assert_ne!(ea.iv, eb.iv, "fresh IV per message");
    let json = serde_json::to_value(&a).unwrap();
    let mut fields: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["encrypted", "iv", "key_version", "salt"]);
    assert_eq!(open(&key, &b, "").unwrap(), "{\"x\":1}");
}

#[test]
fn malformed_v0_fields_are_named() {
    let key = "k";
    let base = serde_json::json!({"encrypted": "AAAAAAAAAAAAAAAAAAAAAA==", "iv": "00".repeat(16),
                                  "salt": "11".repeat(256), "key_version": "1"});
    let cases = [
        ("iv", serde_json::json!("zz"), "`iv` is not hex"),
        ("iv", serde_json::json!("00"), "IV must be 16 bytes"),
        ("salt", serde_json::json!(""), "`salt` must be 1 to"),
        (
            "encrypted",
            serde_json::json!("!!"),
            "`encrypted` is not valid base64",
        ),
        ("encrypted", serde_json::json!("AAAA"), "multiple of 16"),
    ];
    for (field, value, msg) in cases {
        let mut j = base.clone();
        j[field] = value;
        let env: Envelope = serde_json::from_value(j).unwrap();
        let err = open(key, &env, "").unwrap_err().to_string();
        assert!(err.contains(msg), "{field}: {err}");
    }
    let raw: Result<Envelope, _> =
        serde_json::from_value::<RawEnvelope>(serde_json::json!({"iv": "00"}))
            .map_err(|e| e.to_string())
            .and_then(|r| Envelope::try_from(r).map_err(|e| e.to_string()));
    assert!(raw.unwrap_err().contains("neither `v`"));
}
