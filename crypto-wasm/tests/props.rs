//! Property tests: round trips for random sizes and keys, and garbage never panics.
//! (Native only: proptest does not target wasm32.)
#![cfg(not(target_arch = "wasm32"))]

use crypto_wasm::envelope::{V0Envelope, V1Envelope};
use crypto_wasm::{cbc, open, seal, Envelope, Format};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cbc_round_trip(key_len in prop::sample::select(vec![16usize, 24, 32]),
                      key in prop::collection::vec(any::<u8>(), 32),
                      iv in prop::array::uniform16(any::<u8>()),
                      pt in prop::collection::vec(any::<u8>(), 0..=65536)) {
        let ct = cbc::encrypt(&key[..key_len], &iv, &pt).unwrap();
        prop_assert_eq!(ct.len(), (pt.len() / 16 + 1) * 16);
        prop_assert_eq!(cbc::decrypt(&key[..key_len], &iv, &ct).unwrap(), pt);
    }

    #[test]
    fn envelope_round_trip(key in "[0-9a-f]{0,80}", version in "\\PC{0,20}", room in "\\PC{0,20}",
                           text in "\\PC{0,2000}", v0 in any::<bool>()) {
        let fmt = if v0 { Format::V0 } else { Format::V1 };
        let env = seal(&key, &version, &text, fmt, &room).unwrap();
        prop_assert_eq!(env.key_version(), version.as_str());
        prop_assert_eq!(open(&key, &env, &room).unwrap(), text);
    }

    #[test]
    fn garbage_envelopes_are_errors(a in "\\PC{0,64}", b in "[A-Za-z0-9+/=]{0,64}",
                                    c in "[0-9a-f]{0,64}") {
        let v1 = Envelope::V1(V1Envelope { v: 1, key_version: a.clone(), iv: b.clone(),
                                           encrypted: b.clone(), mac: b.clone() });
        prop_assert!(open("k", &v1, "").is_err());
        let v0 = Envelope::V0(V0Envelope { encrypted: b.clone(), iv: c.clone(), salt: c.clone(),
                                           key_version: a });
        let _ = open("k", &v0, ""); // may even succeed by chance; must not panic
    }
}

#[test]
fn large_plaintexts_round_trip() {
    let text = "é".repeat(512 * 1024);
    for fmt in [Format::V0, Format::V1] {
        let env = seal("key", "1", &text, fmt, "room").unwrap();
        assert_eq!(open("key", &env, "room").unwrap(), text);
    }
}
