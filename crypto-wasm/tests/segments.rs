//! Segmented files: the vectors of `data/huddle-segments-v1.json` (also checked by
//! `segments_independent.py`), streamed in every chunking.

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crypto_wasm::segments::{Decryptor, Encryptor, Keys, HEADER, SEGMENT_SIZE};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn vectors_seal_identically_and_open_in_any_chunking() {
    let d: Value = serde_json::from_str(include_str!("data/huddle-segments-v1.json")).unwrap();
    for v in d["vectors"].as_array().unwrap() {
        let s = |k: &str| v[k].as_str().unwrap();
        let keys = Keys::derive(&unhex(s("file_key")), &unhex(s("salt"))).unwrap();
        let context = s("context").as_bytes();
        let len = v["plaintext"]["length"].as_u64().unwrap() as usize;
        let plain: Vec<u8> = v["plaintext"]["pattern"]
            .as_str()
            .unwrap()
            .bytes()
            .cycle()
            .take(len)
            .collect();
        let ivs: Vec<[u8; 16]> = v["ivs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|iv| unhex(iv.as_str().unwrap()).try_into().unwrap())
            .collect();
        let mut stored = HEADER.to_vec();
        let chunks: Vec<&[u8]> = if plain.is_empty() {
            vec![&[]]
        } else {
            plain.chunks(SEGMENT_SIZE).collect()
        };
        for (i, (c, iv)) in chunks.iter().zip(&ivs).enumerate() {
            let last = i + 1 == chunks.len();
            keys.seal_segment_with_iv(context, i as u64, last, iv, c, &mut stored)
                .unwrap();
        }
        match v.get("stored") {
            Some(h) => assert_eq!(hex(&stored), h.as_str().unwrap()),
            None => {
                assert_eq!(stored.len() as u64, v["stored_length"].as_u64().unwrap());
                assert_eq!(hex(&Sha256::digest(&stored)), s("stored_sha256"));
            }
        }
        for chunk in [1, 1000, 65_608, stored.len().max(1)] {
            if chunk == 1 && stored.len() > 1000 {
                continue;
            }
            let mut d = Decryptor::new(keys.clone(), context).unwrap();
            let mut out = Vec::new();
            for c in stored.chunks(chunk) {
                out.extend(d.push(c).unwrap());
            }
            out.extend(d.finish().unwrap());
            assert!(out == plain, "{} in chunks of {chunk}", s("context"));
        }
        // The streaming encryptor makes the same layout (with its own IVs).
        let mut e = Encryptor::new(keys.clone(), context).unwrap();
        let mut again = e.push(&plain).unwrap();
        again.extend(e.finish().unwrap());
        assert_eq!(again.len(), stored.len());
    }
}
