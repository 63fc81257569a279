//! [`RoomSession`]: a client's rules for one realtime room's keys, as a pure state
//! machine. Inputs are what happens (a key handed out over HTTPS, an envelope from the
//! relay, a key part, a rekey, a closed endpoint, a join that failed); outputs are
//! [`Action`]s for the caller to carry out (subscribe, join again, schedule a rotation,
//! tell the watcher that access was lost). No I/O, no clock, no randomness: the caller
//! owns those, and the rules are tested natively.
//!
//! The rules:
//!
//! * **Bounded use.** Every envelope sealed or opened under the newest key counts; after
//!   [`ROTATE_AFTER`] the session asks for a rotation once ([`Action::ScheduleRotation`]).
//!   Every member counts the same envelopes, so the caller waits a random moment and then
//!   reports [`RoomSession::rotation_due`]; the session joins again (which mixes in a new
//!   key part for everyone) only if nobody else's join changed the key meanwhile.
//! * **Unknown versions.** An envelope under a newer version than any held, from the
//!   server, means a key part was missed: join again for the current key. A member's
//!   word does not count (any member could name any version).
//! * **Key parts** (server only): the part for the version right after the newest mixes
//!   into it; a part further ahead means one was missed (join again); an older one is
//!   ignored (a newer key already came over HTTPS). **Rekeys** and **closed** endpoints:
//!   join again.
//! * **Newer key wins.** A join's answer on the same endpoint installs its key only if it
//!   is newer than the newest held (a key part may have overtaken it); on a new endpoint
//!   it starts a new keyring. Either way the session subscribes to the endpoint.
//! * **One join at a time.** A join asked for while one runs is remembered and made once
//!   the running one answers (its answer may predate what asked for it). A join refused
//!   with "not found" is [`Action::AccessLost`]; another failure is retried after 1, 2,
//!   4, 8 and 16 seconds, then left until the next event asks again.

use crate::envelope::{Envelope, Format};
use crate::keyring::RoomKeyring;
use crate::{Error, Result};

/// Envelopes (any sender) under one key version after which a client asks for a new key
/// part by joining again: the server counts only what it seals itself, so this bounds
/// typing and presence traffic too (the server's own bound is the same number).
pub const ROTATE_AFTER: u32 = 1000;

/// Retry delays, in milliseconds, of a join that failed for another reason than a
/// refusal.
pub const RETRY_MS: [u32; 5] = [1_000, 2_000, 4_000, 8_000, 16_000];

/// What the caller should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Subscribe to this endpoint on the relay.
    Subscribe(String),
    /// Join the room again over HTTPS now, and report the answer with
    /// [`RoomSession::joined`] or [`RoomSession::join_failed`].
    Join,
    /// Join again after this many milliseconds (a retry).
    JoinAfter(u32),
    /// The key `version` has done enough: after a random wait, call
    /// [`RoomSession::rotation_due`] with it.
    ScheduleRotation {
        /// The version that was worn out.
        version: String,
    },
    /// The server no longer lets us in: the watcher should recheck what it may show.
    AccessLost,
}

/// Whether a join is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Joining {
    /// No.
    Idle,
    /// Yes; `again`: another join was asked for meanwhile; `failures`: failed attempts
    /// so far.
    Running { again: bool, failures: usize },
}

/// One room's keys and the rules that keep them current (see the module docs).
#[derive(Debug)]
pub struct RoomSession {
    endpoint: String,
    keyring: RoomKeyring,
    /// Envelopes sealed or opened under `counted_version`.
    used: u32,
    counted_version: Option<String>,
    joining: Joining,
}

fn version_number(v: &str) -> Option<u64> {
    v.parse().ok()
}

impl RoomSession {
    /// A session from the first join's answer: the room `endpoint` and its key. The
    /// actions subscribe to the endpoint.
    pub fn new(endpoint: &str, key: &str, version: &str) -> Result<(RoomSession, Vec<Action>)> {
        let mut keyring = RoomKeyring::new(endpoint);
        keyring.set_key(key, version)?;
        let session = RoomSession {
            endpoint: endpoint.to_owned(),
            keyring,
            used: 0,
            counted_version: None,
            joining: Joining::Idle,
        };
        Ok((session, vec![Action::Subscribe(endpoint.to_owned())]))
    }

    /// The relay endpoint the room is on now.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The newest key version held, as a number (versions are the server's counters).
    pub fn newest_version(&self) -> Option<u64> {
        self.keyring.current().and_then(|(v, _)| version_number(v))
    }

    /// The versions held, oldest first.
    pub fn versions(&self) -> Vec<String> {
        self.keyring.versions()
    }

    /// Counts one envelope under the newest key.
    fn count_use(&mut self, actions: &mut Vec<Action>) {
        let newest = self.keyring.current().map(|(v, _)| v.to_owned());
        if newest != self.counted_version {
            self.counted_version = newest.clone();
            self.used = 0;
        }
        self.used += 1;
        if self.used == ROTATE_AFTER {
            if let Some(version) = newest {
                actions.push(Action::ScheduleRotation { version });
            }
        }
    }

    /// Asks for a join: now if none runs, else once the running one answers.
    fn join(&mut self, actions: &mut Vec<Action>) {
        match &mut self.joining {
            Joining::Idle => {
                self.joining = Joining::Running {
                    again: false,
                    failures: 0,
                };
                actions.push(Action::Join);
            }
            Joining::Running { again, .. } => *again = true,
        }
    }

    /// Seals `plaintext` (an event of ours: typing, presence) with the newest key.
    pub fn seal(&mut self, plaintext: &str) -> Result<(Envelope, Vec<Action>)> {
        let env = self.keyring.encrypt(plaintext, Format::V1)?;
        let mut actions = Vec::new();
        self.count_use(&mut actions);
        Ok((env, actions))
    }

    /// Opens an envelope the relay forwarded; `from_server`: the relay stamped it as the
    /// API server's. A forged or corrupted envelope is an error and changes nothing.
    pub fn open(&mut self, env: &Envelope, from_server: bool) -> (Result<String>, Vec<Action>) {
        let mut actions = Vec::new();
        let opened = self.keyring.decrypt(env);
        match &opened {
            Ok(_) => self.count_use(&mut actions),
            Err(Error::UnknownKeyVersion { .. }) => {
                let theirs = version_number(env.key_version());
                if from_server && theirs.is_some() && theirs > self.newest_version() {
                    self.join(&mut actions);
                }
            }
            Err(_) => {}
        }
        (opened, actions)
    }

    /// A key part pushed to the room (`{"type":"key"}`); `from_server` as for
    /// [`open`](Self::open).
    pub fn key_part(&mut self, from_server: bool, key_b: &str, version: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        if !from_server {
            return actions; // forged: only the server hands out key parts
        }
        let next = version_number(version);
        let newest = self.newest_version();
        if next.is_some() && next == newest.map(|n| n + 1) {
            // The part mixes into the key it follows; a malformed part changes nothing.
            let _ = self.keyring.add_key_part(key_b, version);
        } else if next.is_some() && next > newest {
            self.join(&mut actions); // a part was missed
        }
        actions
    }

    /// The room moved to a fresh key and endpoint (`{"type":"rekey"}`).
    pub fn rekey(&mut self, from_server: bool) -> Vec<Action> {
        let mut actions = Vec::new();
        if from_server {
            self.join(&mut actions);
        }
        actions
    }

    /// The socket to the relay was opened again after a loss: keys may have moved on
    /// meanwhile, so join again.
    pub fn reconnected(&mut self) -> Vec<Action> {
        self.closed()
    }

    /// The relay retired the endpoint (or refused a subscription to a retired one).
    pub fn closed(&mut self) -> Vec<Action> {
        let mut actions = Vec::new();
        self.join(&mut actions);
        actions
    }

    /// The random wait after [`Action::ScheduleRotation`] for `version` is over: join
    /// again unless the key has changed meanwhile.
    pub fn rotation_due(&mut self, version: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.keyring.current().map(|(v, _)| v) == Some(version) {
            self.join(&mut actions);
        }
        actions
    }

    /// A join's answer: the room's endpoint and current key.
    pub fn joined(&mut self, endpoint: &str, key: &str, version: &str) -> Result<Vec<Action>> {
        let mut actions = Vec::new();
        if endpoint != self.endpoint {
            let mut keyring = RoomKeyring::new(endpoint);
            keyring.set_key(key, version)?;
            self.keyring = keyring;
            self.endpoint = endpoint.to_owned();
        } else if version_number(version).is_some()
            && version_number(version) > self.newest_version()
        {
            self.keyring.set_key(key, version)?;
        }
        actions.push(Action::Subscribe(endpoint.to_owned()));
        self.finish_join(&mut actions);
        Ok(actions)
    }

    /// A join failed; `refused`: the server answered "not found" (removed, or the room is
    /// gone).
    pub fn join_failed(&mut self, refused: bool) -> Vec<Action> {
        let mut actions = Vec::new();
        if refused {
            actions.push(Action::AccessLost);
            self.finish_join(&mut actions);
            return actions;
        }
        match self.joining {
            Joining::Running { again: true, .. } => self.finish_join(&mut actions),
            Joining::Running { failures, .. } if failures < RETRY_MS.len() => {
                self.joining = Joining::Running {
                    again: false,
                    failures: failures + 1,
                };
                actions.push(Action::JoinAfter(RETRY_MS[failures]));
            }
            _ => self.joining = Joining::Idle,
        }
        actions
    }

    /// The running join answered: make the one asked for meanwhile, if any.
    fn finish_join(&mut self, actions: &mut Vec<Action>) {
        let again = matches!(self.joining, Joining::Running { again: true, .. });
        self.joining = Joining::Idle;
        if again {
            self.join(actions);
        }
    }
}
