//! [`RoomKeyring`]: the client side of room key rotation.
//!
//! A pure state machine with no I/O: feed it the keys the server hands out (over HTTPS)
//! and the key parts pushed through the relay, and it seals with the newest key and opens
//! with whichever retained key the envelope names.

use std::collections::VecDeque;

use crate::envelope::{Envelope, Format};
use crate::mix::mix_keys;
use crate::room_key::RoomKey;
use crate::{Error, Result};

/// How many keys a keyring keeps by default, so that messages sealed just before a
/// rotation still open.
pub const DEFAULT_RETAIN: usize = 8;

/// The keys of one room, newest last.
#[derive(Debug)]
pub struct RoomKeyring {
    room: String,
    retain: usize,
    keys: VecDeque<(String, RoomKey)>,
}

impl RoomKeyring {
    /// A keyring for `room` that keeps the [`DEFAULT_RETAIN`] newest keys.
    pub fn new(room: &str) -> Self {
        Self::with_retain(room, DEFAULT_RETAIN)
    }

    /// A keyring for `room` that keeps the `retain` newest keys (at least 1).
    pub fn with_retain(room: &str, retain: usize) -> Self {
        RoomKeyring {
            room: room.to_owned(),
            retain: retain.max(1),
            keys: VecDeque::new(),
        }
    }

    /// The room this keyring seals for.
    pub fn room(&self) -> &str {
        &self.room
    }

    /// Installs `key` as version `version` and makes it the newest. Setting a version
    /// the keyring already holds replaces that key.
    pub fn set_key(&mut self, key: &str, version: &str) {
        self.keys.retain(|(v, _)| v != version);
        self.keys.push_back((version.to_owned(), RoomKey::new(key)));
        while self.keys.len() > self.retain {
            self.keys.pop_front();
        }
    }

    /// Mixes key part `key_b` into the newest key (or into `""` if there is none: a new
    /// room's first key) and installs the result as version `version`.
    pub fn add_key_part(&mut self, key_b: &str, version: &str) {
        let a = self.keys.back().map(|(_, k)| k.secret()).unwrap_or("");
        let ab = mix_keys(a, key_b);
        self.set_key(&ab, version);
    }

    /// The newest `(version, key)`, if any.
    pub fn current(&self) -> Option<(&str, &str)> {
        self.keys.back().map(|(v, k)| (v.as_str(), k.secret()))
    }

    /// The versions held, oldest first.
    pub fn versions(&self) -> Vec<String> {
        self.keys.iter().map(|(v, _)| v.clone()).collect()
    }

    /// Seals `plaintext` with the newest key.
    pub fn encrypt(&mut self, plaintext: &str, format: Format) -> Result<Envelope> {
        let room = &self.room;
        let (version, key) = self.keys.back_mut().ok_or(Error::NoKey)?;
        key.seal(room, version, plaintext, format)
    }

    /// Opens `env` with the retained key its `key_version` names.
    pub fn decrypt(&mut self, env: &Envelope) -> Result<String> {
        let wanted = env.key_version();
        let room = &self.room;
        match self.keys.iter_mut().find(|(v, _)| v == wanted) {
            Some((_, key)) => key.open(room, env),
            None => Err(Error::UnknownKeyVersion {
                wanted: wanted.to_owned(),
                known: self.keys.iter().map(|(v, _)| v.clone()).collect(),
            }),
        }
    }
}
