//! [`RoomKey`]: one room key with everything derived from it, computed once.
//!
//! Deriving keys is the expensive part of an envelope (HKDF for v1, PBKDF2 for v0), so a
//! `RoomKey` keeps the v1 keys, the v0 sending salt and key, and a small cache of v0
//! receiving keys per salt. Sealing or opening a message then costs one AES pass plus
//! the MAC.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::cbc::AesKey;
use crate::envelope::{v0, v1, Envelope, Format};
use crate::Result;

/// How many v0 receiving salts a room key remembers (one per sending client, typically).
const V0_OPEN_CACHE: usize = 16;

/// A room key and its derived keys.
pub struct RoomKey {
    secret: Zeroizing<String>,
    v1: v1::Keys,
    v0_sealer: Option<v0::Sealer>,
    /// Boxed so that reordering the cache moves pointers, not key schedules.
    v0_open: Vec<(Vec<u8>, Box<AesKey>)>,
}

impl std::fmt::Debug for RoomKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RoomKey(<redacted>)")
    }
}

impl RoomKey {
    /// Derives everything needed from `key` (a room key string, as the server hands out).
    pub fn new(key: &str) -> Self {
        RoomKey {
            secret: Zeroizing::new(key.to_owned()),
            v1: v1::Keys::derive(key),
            v0_sealer: None,
            v0_open: Vec::new(),
        }
    }

    /// The room key string.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Whether this is the key `key` (constant time in the key contents).
    pub fn is(&self, key: &str) -> bool {
        self.secret.as_bytes().ct_eq(key.as_bytes()).into()
    }

    /// Seals `plaintext` for `room` under `key_version`.
    pub fn seal(
        &mut self,
        room: &str,
        key_version: &str,
        plaintext: &str,
        format: Format,
    ) -> Result<Envelope> {
        match format {
            Format::V1 => Ok(Envelope::V1(self.v1.seal(
                room,
                key_version,
                plaintext.as_bytes(),
            )?)),
            Format::V0 => {
                if self.v0_sealer.is_none() {
                    self.v0_sealer = Some(v0::Sealer::new(&self.secret)?);
                }
                let sealer = self.v0_sealer.as_ref().expect("set above");
                Ok(Envelope::V0(
                    sealer.seal(key_version, plaintext.as_bytes())?,
                ))
            }
        }
    }

    /// Opens `env`; v1 envelopes must have been sealed for `room` (v0 carries no room).
    pub fn open(&mut self, room: &str, env: &Envelope) -> Result<String> {
        match env {
            Envelope::V1(e) => self.v1.open(room, e),
            Envelope::V0(e) => {
                let d = v0::decode(e)?;
                let key = self.v0_key(&d.salt);
                v0::open_with(key, d)
            }
        }
    }

    fn v0_key(&mut self, salt: &[u8]) -> &AesKey {
        let hit = self.v0_open.iter().position(|(s, _)| s == salt);
        let i = match hit {
            Some(i) => i,
            None => {
                if self.v0_open.len() == V0_OPEN_CACHE {
                    self.v0_open.remove(0);
                }
                self.v0_open
                    .push((salt.to_vec(), Box::new(v0::derive(&self.secret, salt))));
                self.v0_open.len() - 1
            }
        };
        &self.v0_open[i].1
    }
}

/// Room keys used through the stateless [`crate::seal`]/[`crate::open`] functions,
/// most recently used last.
pub(crate) mod cache {
    use super::RoomKey;
    use std::cell::RefCell;

    const CAPACITY: usize = 16;

    thread_local! {
        // Boxed so that reordering moves pointers, not key material.
        #[allow(clippy::vec_box)]
        static KEYS: RefCell<Vec<Box<RoomKey>>> = const { RefCell::new(Vec::new()) };
    }

    /// Runs `f` with the cached [`RoomKey`] for `key`, deriving it on a miss.
    pub fn with<T>(key: &str, f: impl FnOnce(&mut RoomKey) -> T) -> T {
        KEYS.with(|keys| {
            // Only a trap in the middle of a call (out of memory) could leave the cell
            // borrowed; then work without the cache rather than fail forever.
            let Ok(mut keys) = keys.try_borrow_mut() else {
                return f(&mut RoomKey::new(key));
            };
            let mut rk = match keys.iter().position(|k| k.is(key)) {
                Some(i) => keys.remove(i),
                None => Box::new(RoomKey::new(key)),
            };
            let out = f(&mut rk);
            if keys.len() == CAPACITY {
                keys.remove(0);
            }
            keys.push(rk);
            out
        })
    }

    /// Drops every cached key.
    pub fn clear() {
        KEYS.with(|keys| {
            if let Ok(mut keys) = keys.try_borrow_mut() {
                keys.clear();
            }
        });
    }
}
