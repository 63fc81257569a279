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
    accept_v0: bool,
    /// Boxed so that rotation moves pointers, not key material.
    keys: VecDeque<(String, Box<RoomKey>)>,
}

impl RoomKeyring {
    /// A keyring for `room` that keeps the [`DEFAULT_RETAIN`] newest keys and accepts
    /// only authenticated (v1) envelopes.
    pub fn new(room: &str) -> Self {
        Self::with_options(room, DEFAULT_RETAIN, false)
    }

    /// A keyring for `room` that keeps the `retain` newest keys (at least 1) and, if
    /// `accept_v0`, also opens unauthenticated Twake (v0) envelopes. Without it a v0
    /// envelope is [`Error::V0Rejected`], so a relay cannot downgrade a room to the
    /// malleable format.
    pub fn with_options(room: &str, retain: usize, accept_v0: bool) -> Self {
        RoomKeyring {
            room: room.to_owned(),
            retain: retain.max(1),
            accept_v0,
            keys: VecDeque::new(),
        }
    }

    /// The room this keyring seals for.
    pub fn room(&self) -> &str {
        &self.room
    }

    /// Installs `key` as version `version` and makes it the newest (the server hands
    /// out keys in order). Setting a version the keyring already holds replaces that key.
    pub fn set_key(&mut self, key: &str, version: &str) -> Result<()> {
        crate::check_key(key)?;
        self.keys.retain(|(v, _)| v != version);
        self.keys
            .push_back((version.to_owned(), Box::new(RoomKey::new(key))));
        while self.keys.len() > self.retain {
            self.keys.pop_front();
        }
        Ok(())
    }

    /// Mixes key part `key_b` into the newest key (or into `""` if there is none: a new
    /// room's first key) and installs the result as version `version`.
    pub fn add_key_part(&mut self, key_b: &str, version: &str) -> Result<()> {
        if key_b.is_empty() {
            return Err(Error::Argument("the key part must not be empty".into()));
        }
        let a = self.keys.back().map(|(_, k)| k.secret()).unwrap_or("");
        let ab = zeroize::Zeroizing::new(mix_keys(a, key_b));
        self.set_key(&ab, version)
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
        if env.format() == Format::V0 && !self.accept_v0 {
            return Err(Error::V0Rejected);
        }
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
