//! Realtime: the relay ([`hub`], [`ws`]) forwards ciphertext between subscribers of
//! unguessable room endpoints; the key service ([`keys`]) checks rights, hands out room
//! keys over HTTPS and rotates them. The protocol is in `docs/protocol.md`.

pub mod hub;
pub mod keys;
pub mod ws;
