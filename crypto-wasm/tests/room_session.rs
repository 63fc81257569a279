//! The client's key-rotation rules ([`RoomSession`]), input by input: bounded use,
//! unknown versions, key parts, rekeys, newer key wins, one join at a time, refusals and
//! retries.

// The same tests run natively and, under wasm-bindgen-test, in Node.js and Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crypto_wasm::room_session::{Action, RoomSession, RETRY_MS, ROTATE_AFTER};
use crypto_wasm::{mix_keys, seal, Envelope, Error, Format};

const ROOM: &str = "room-endpoint";

fn key(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

/// A session on ROOM holding key(1) as version 1.
fn session() -> RoomSession {
    let (s, actions) = RoomSession::new(ROOM, &key(1), "1").unwrap();
    assert_eq!(actions, [Action::Subscribe(ROOM.into())]);
    s
}

/// What the server seals under `k` as `version` for the room.
fn server_env(k: &str, version: &str, text: &str) -> Envelope {
    seal(k, version, text, Format::V1, ROOM).unwrap()
}

#[test]
fn a_key_is_worn_after_rotate_after_envelopes_sealed_or_opened() {
    let mut s = session();
    let mut scheduled = Vec::new();
    for i in 0..ROTATE_AFTER {
        // Half sealed by us, half opened from the server: both count.
        let actions = if i % 2 == 0 {
            s.seal("typing").unwrap().1
        } else {
            let (opened, actions) = s.open(&server_env(&key(1), "1", "event"), true);
            assert_eq!(opened.unwrap(), "event");
            actions
        };
        scheduled.extend(actions);
    }
    assert_eq!(
        scheduled,
        [Action::ScheduleRotation {
            version: "1".into()
        }],
        "once, at the {ROTATE_AFTER}th envelope"
    );
    // Only once: a slow rotation does not ask again.
    assert_eq!(s.seal("more").unwrap().1, []);
    // Someone else's join changed the key meanwhile: no join of ours.
    assert_eq!(s.key_part(true, "part-b", "2"), []);
    assert_eq!(s.rotation_due("1"), []);
    // Counting starts over under the new key.
    for _ in 0..ROTATE_AFTER - 1 {
        assert_eq!(s.seal("x").unwrap().1, []);
    }
    assert_eq!(
        s.seal("x").unwrap().1,
        [Action::ScheduleRotation {
            version: "2".into()
        }]
    );
    // Nobody rotated this time: we join.
    assert_eq!(s.rotation_due("2"), [Action::Join]);
}

#[test]
fn key_parts_mix_in_order_and_a_gap_joins_again() {
    let mut s = session();
    // A member cannot hand out key parts.
    assert_eq!(s.key_part(false, "forged", "2"), []);
    assert_eq!(s.newest_version(), Some(1));
    // The next version mixes into the newest key.
    assert_eq!(s.key_part(true, "b2", "2"), []);
    assert_eq!(s.newest_version(), Some(2));
    let k2 = mix_keys(&key(1), "b2");
    let (opened, _) = s.open(&server_env(&k2, "2", "under AB"), true);
    assert_eq!(opened.unwrap(), "under AB");
    // An old part (a newer key came over HTTPS first): ignored.
    assert_eq!(s.key_part(true, "late", "2"), []);
    assert_eq!(s.key_part(true, "older", "1"), []);
    assert_eq!(s.versions(), ["1", "2"]);
    // A part two versions ahead: one was missed, get the current key over HTTPS.
    assert_eq!(s.key_part(true, "b4", "4"), [Action::Join]);
    assert_eq!(s.newest_version(), Some(2));
    // Not a number: ignored.
    assert_eq!(s.key_part(true, "b", "x"), []);
}

#[test]
fn an_envelope_under_an_unknown_newer_version_joins_only_on_the_servers_word() {
    let mut s = session();
    let ahead = server_env(&key(9), "5", "sealed under a key we never got");
    let (opened, actions) = s.open(&ahead, false);
    assert!(matches!(opened, Err(Error::UnknownKeyVersion { .. })));
    assert_eq!(actions, [], "a member's word does not count");
    let (_, actions) = s.open(&ahead, true);
    assert_eq!(actions, [Action::Join]);
    // An older unknown version (retired long ago) is just dropped.
    let mut s = session();
    s.key_part(true, "b", "2");
    let (_, actions) = s.open(&server_env(&key(7), "0", "old"), true);
    assert_eq!(actions, []);
}

#[test]
fn garbage_is_an_error_and_changes_nothing() {
    let mut s = session();
    let mut env = server_env(&key(1), "1", "hello");
    let forged: Envelope = {
        let mut v = serde_json::to_value(&env).unwrap();
        let ct = v["encrypted"].as_str().unwrap().to_owned();
        let mut bytes = ct.into_bytes();
        bytes[0] = if bytes[0] == b'A' { b'B' } else { b'A' };
        v["encrypted"] = String::from_utf8(bytes).unwrap().into();
        serde_json::from_value(v).unwrap()
    };
    let (opened, actions) = s.open(&forged, true);
    assert!(opened.is_err());
    assert_eq!(actions, []);
    // Under another room's key: also refused.
    env = seal(&key(1), "1", "elsewhere", Format::V1, "another-room").unwrap();
    assert!(s.open(&env, true).0.is_err());
    // None of them counted as a use.
    for _ in 0..ROTATE_AFTER - 1 {
        assert_eq!(s.seal("x").unwrap().1, []);
    }
    assert_eq!(s.seal("x").unwrap().1.len(), 1);
}

#[test]
fn one_join_at_a_time_and_the_one_asked_meanwhile_follows() {
    let mut s = session();
    assert_eq!(s.closed(), [Action::Join]);
    // While it runs: remembered, not sent.
    assert_eq!(s.rekey(true), []);
    assert_eq!(s.closed(), []);
    // A member cannot trigger a rekey.
    let mut quiet = session();
    assert_eq!(quiet.rekey(false), []);
    // The answer (which may predate the rekey) installs, subscribes, and the remembered
    // join goes out.
    assert_eq!(
        s.joined(ROOM, &key(3), "3").unwrap(),
        [Action::Subscribe(ROOM.into()), Action::Join]
    );
    assert_eq!(
        s.joined(ROOM, &key(4), "4").unwrap(),
        [Action::Subscribe(ROOM.into())]
    );
    assert_eq!(s.newest_version(), Some(4));
    // Idle again: the next event asks at once; a reconnect asks like a closed endpoint.
    assert_eq!(s.closed(), [Action::Join]);
    assert_eq!(s.reconnected(), []);
    let mut t = session();
    assert_eq!(t.reconnected(), [Action::Join]);
}

#[test]
fn the_newer_key_wins_and_a_new_endpoint_starts_a_new_keyring() {
    let mut s = session();
    assert_eq!(s.closed(), [Action::Join]);
    // A key part overtook the join's answer: the answer's older key is not installed.
    s.key_part(true, "b2", "2");
    s.key_part(true, "b3", "3");
    s.joined(ROOM, &key(2), "2").unwrap();
    assert_eq!(s.newest_version(), Some(3));
    let k3 = mix_keys(&mix_keys(&key(1), "b2"), "b3");
    assert_eq!(s.seal("x").unwrap().0.key_version(), "3");
    assert_eq!(
        s.open(&server_env(&k3, "3", "still v3"), true).0.unwrap(),
        "still v3"
    );
    // A rekey moves the room: the new endpoint brings a new keyring.
    assert_eq!(s.rekey(true), [Action::Join]);
    assert_eq!(
        s.joined("new-endpoint", &key(5), "4").unwrap(),
        [Action::Subscribe("new-endpoint".into())]
    );
    assert_eq!(s.endpoint(), "new-endpoint");
    assert_eq!(s.versions(), ["4"]);
    // Envelopes bound to the old endpoint no longer open.
    assert!(s.open(&server_env(&k3, "3", "old room"), true).0.is_err());
    let env = seal(&key(5), "4", "new room", Format::V1, "new-endpoint").unwrap();
    assert_eq!(s.open(&env, true).0.unwrap(), "new room");
}

#[test]
fn a_refusal_is_access_lost_and_other_failures_are_retried_then_left() {
    let mut s = session();
    assert_eq!(s.closed(), [Action::Join]);
    assert_eq!(s.join_failed(true), [Action::AccessLost]);
    // Other failures: retried with growing delays, then left until something asks.
    assert_eq!(s.closed(), [Action::Join]);
    for ms in RETRY_MS {
        assert_eq!(s.join_failed(false), [Action::JoinAfter(ms)]);
    }
    assert_eq!(s.join_failed(false), []);
    assert_eq!(s.closed(), [Action::Join]);
    // A failure while another join was asked for: that one goes out at once.
    assert_eq!(s.rekey(true), []);
    assert_eq!(s.join_failed(false), [Action::Join]);
    // A refusal still runs a join asked for meanwhile (the access check decides again).
    assert_eq!(s.closed(), []);
    assert_eq!(s.join_failed(true), [Action::AccessLost, Action::Join]);
}
