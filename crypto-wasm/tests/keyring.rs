//! Key rotation on the client: set, mix, retain, out-of-order messages.

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crypto_wasm::{mix_keys, Envelope, Error, Format, RoomKeyring};

#[test]
fn first_key_of_a_new_room_is_mixed_with_empty() {
    let mut k = RoomKeyring::new("r");
    assert_eq!(k.encrypt("x", Format::V1), Err(Error::NoKey));
    k.add_key_part("abcd", "1").unwrap();
    assert_eq!(k.current(), Some(("1", mix_keys("", "abcd").as_str())));
}

#[test]
fn joiner_and_members_agree_after_a_join() {
    // A member holds A; the server pushes B; the joiner receives AB over HTTPS.
    let a = "11".repeat(32);
    let mut member = RoomKeyring::new("room");
    member.set_key(&a, "1").unwrap();
    member.add_key_part("ffee", "2").unwrap();
    let mut joiner = RoomKeyring::with_options("room", 8, true); // also talks to Twake (v0)
    joiner.set_key(&mix_keys(&a, "ffee"), "2").unwrap();
    let env = joiner.encrypt("hello", Format::V1).unwrap();
    assert_eq!(env.key_version(), "2");
    assert_eq!(member.decrypt(&env).unwrap(), "hello");
    let env = member.encrypt("hi back", Format::V0).unwrap();
    assert_eq!(joiner.decrypt(&env).unwrap(), "hi back");
}

#[test]
fn out_of_order_messages_across_rotations_still_open() {
    let mut sender = RoomKeyring::new("room");
    let mut receiver = RoomKeyring::with_options("room", 8, true);
    let mut in_flight: Vec<(Envelope, String)> = Vec::new();
    for v in 1..=5 {
        let key = format!("{v:02}").repeat(32);
        sender.set_key(&key, &v.to_string()).unwrap();
        receiver.set_key(&key, &v.to_string()).unwrap();
        for i in 0..3 {
            let text = format!("m{v}.{i}");
            let fmt = if i % 2 == 0 { Format::V1 } else { Format::V0 };
            in_flight.push((sender.encrypt(&text, fmt).unwrap(), text));
        }
    }
    in_flight.reverse(); // the newest arrive first
    for (env, text) in &in_flight {
        assert_eq!(&receiver.decrypt(env).unwrap(), text);
    }
}

#[test]
fn old_keys_are_dropped_and_the_error_names_the_missing_version() {
    let mut k = RoomKeyring::with_options("room", 2, false);
    k.set_key("k1", "1").unwrap();
    let old = k.encrypt("old", Format::V1).unwrap();
    k.set_key("k2", "2").unwrap();
    k.set_key("k3", "3").unwrap();
    assert_eq!(k.versions(), ["2", "3"]);
    let err = k.decrypt(&old).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownKeyVersion {
            wanted: "1".into(),
            known: vec!["2".into(), "3".into()]
        }
    );
    assert!(err.to_string().contains("no key for key_version \"1\""));
    assert!(err.to_string().contains("2, 3"));
}

#[test]
fn envelopes_are_bound_to_the_keyring_room() {
    let mut a = RoomKeyring::new("room-a");
    let mut b = RoomKeyring::new("room-b");
    a.set_key("same-key", "1").unwrap();
    b.set_key("same-key", "1").unwrap();
    let env = a.encrypt("for a only", Format::V1).unwrap();
    assert_eq!(b.decrypt(&env), Err(Error::BadMac));
    assert_eq!(a.decrypt(&env).unwrap(), "for a only");
}

#[test]
fn setting_an_existing_version_replaces_it() {
    let mut k = RoomKeyring::new("r");
    k.set_key("a", "1").unwrap();
    k.set_key("b", "2").unwrap();
    k.set_key("c", "1").unwrap();
    assert_eq!(k.versions(), ["2", "1"]);
    assert_eq!(k.current(), Some(("1", "c")));
}

#[test]
fn v0_is_refused_unless_accepted() {
    let mut sender = RoomKeyring::new("room");
    sender.set_key("k", "1").unwrap();
    let v0 = sender.encrypt("twake style", Format::V0).unwrap();
    let mut strict = RoomKeyring::new("room");
    strict.set_key("k", "1").unwrap();
    assert_eq!(strict.decrypt(&v0), Err(Error::V0Rejected));
    let mut lenient = RoomKeyring::with_options("room", 8, true);
    lenient.set_key("k", "1").unwrap();
    assert_eq!(lenient.decrypt(&v0).unwrap(), "twake style");
}

#[test]
fn empty_keys_and_key_parts_are_refused() {
    let mut k = RoomKeyring::new("room");
    assert!(matches!(k.set_key("", "1"), Err(Error::Argument(_))));
    assert!(matches!(k.add_key_part("", "1"), Err(Error::Argument(_))));
    assert!(k.versions().is_empty());
    assert!(matches!(
        crypto_wasm::seal("", "1", "x", Format::V1, ""),
        Err(Error::Argument(_))
    ));
}
