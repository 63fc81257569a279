//! Realtime: the relay ([`hub`], [`ws`]) forwards ciphertext between subscribers of
//! unguessable room endpoints and knows people only by [`ticket`]; the key service
//! ([`keys`]) checks rights, hands out room keys over HTTPS, rotates them, and pushes
//! server events through [`relay`] (in this process or a separate one). The protocol is
//! in `docs/protocol.md`.

pub mod hub;
pub mod keys;
pub mod relay;
pub mod ticket;
pub mod ws;
