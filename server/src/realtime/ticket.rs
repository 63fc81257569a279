//! Relay tickets: how a relay with no database knows who connects.
//!
//! The API server, which knows the session, issues a short-lived ticket
//! (`POST /api/v1/realtime/ticket`); the client sends it as its first frame on `/ws`. The
//! relay checks it with the secret it shares with the API server (`--relay-secret`) and
//! learns only the subject: a user id, or the API server itself (which may publish to
//! any room and retire rooms).
//!
//! Format: `v1.<subject>.<expires>.<nonce>.<mac>` with subject `u<user id>` or `server`,
//! expiry in Unix seconds, a random 16-byte hex nonce, and `mac` = hex
//! HMAC-SHA256(key, "huddle relay ticket v1\n" subject "\n" expires "\n" nonce), compared
//! in constant time. A ticket opens one connection, once ([`TicketKey::redeem`]), within
//! [`TTL_SECS`] seconds; the connection then stays open.

use std::collections::HashMap;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// How long a ticket opens connections.
pub const TTL_SECS: i64 = 60;

const DOMAIN: &str = "huddle relay ticket v1\n";

/// Who a ticket was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A signed-in person.
    User(i64),
    /// The API server (server pushes, closing retired rooms).
    Server,
}

/// Why a ticket was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketError {
    /// Not a ticket of this format.
    Malformed,
    /// Past its expiry.
    Expired,
    /// Not made with this relay's secret.
    BadMac,
    /// Already used to open a connection.
    Used,
}

/// The key that signs and checks tickets, and the nonces of tickets already redeemed
/// (kept until they expire).
pub struct TicketKey {
    key: [u8; 32],
    redeemed: Mutex<HashMap<String, i64>>,
}

impl std::fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketKey(<redacted>)")
    }
}

impl TicketKey {
    /// The key derived from a configured shared secret.
    pub fn from_secret(secret: &str) -> TicketKey {
        TicketKey::with_key(Sha256::digest(secret.as_bytes()).into())
    }

    fn with_key(key: [u8; 32]) -> TicketKey {
        TicketKey {
            key,
            redeemed: Mutex::default(),
        }
    }

    /// A random key (one process runs both the API and the relay).
    pub fn random() -> std::io::Result<TicketKey> {
        let b = crypto_wasm::random::bytes(32).map_err(std::io::Error::other)?;
        Ok(TicketKey::with_key(b.try_into().expect("32 bytes")))
    }

    fn mac(&self, subject: &str, expires: i64, nonce: &str) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        m.update(DOMAIN.as_bytes());
        m.update(subject.as_bytes());
        m.update(b"\n");
        m.update(expires.to_string().as_bytes());
        m.update(b"\n");
        m.update(nonce.as_bytes());
        m
    }

    /// A ticket for `subject`, valid until `now + TTL_SECS`.
    pub fn issue(&self, subject: Subject, now: i64) -> String {
        let subject = match subject {
            Subject::User(id) => format!("u{id}"),
            Subject::Server => "server".to_owned(),
        };
        let expires = now + TTL_SECS;
        // The CSPRNG failing is not recoverable here; an all-zero nonce would only make
        // tickets of the same second and subject collide (and be refused as used).
        let nonce = crypto_wasm::random::token(16).unwrap_or_else(|_| "0".repeat(32));
        let tag = self.mac(&subject, expires, &nonce).finalize().into_bytes();
        format!(
            "v1.{subject}.{expires}.{nonce}.{}",
            crypto_wasm::hex::encode(&tag)
        )
    }

    /// Checks a ticket at time `now` and marks it used: a second redemption is refused.
    pub fn redeem(&self, ticket: &str, now: i64) -> Result<Subject, TicketError> {
        let (subject, nonce, expires) = self.check(ticket, now)?;
        let mut used = self.redeemed.lock().expect("ticket ledger");
        used.retain(|_, exp| *exp >= now);
        if used.insert(nonce, expires).is_some() {
            return Err(TicketError::Used);
        }
        Ok(subject)
    }

    /// Checks a ticket at time `now` without using it up.
    pub fn verify(&self, ticket: &str, now: i64) -> Result<Subject, TicketError> {
        self.check(ticket, now).map(|(s, _, _)| s)
    }

    fn check(&self, ticket: &str, now: i64) -> Result<(Subject, String, i64), TicketError> {
        let mut parts = ticket.split('.');
        let (Some("v1"), Some(subject), Some(expires), Some(nonce), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TicketError::Malformed);
        };
        let parsed = match subject {
            "server" => Subject::Server,
            s => Subject::User(
                s.strip_prefix('u')
                    .and_then(|id| id.parse().ok())
                    .ok_or(TicketError::Malformed)?,
            ),
        };
        let expires: i64 = expires.parse().map_err(|_| TicketError::Malformed)?;
        let tag = crypto_wasm::hex::decode(tag, "mac").map_err(|_| TicketError::Malformed)?;
        self.mac(subject, expires, nonce)
            .verify_slice(&tag)
            .map_err(|_| TicketError::BadMac)?;
        if now > expires {
            return Err(TicketError::Expired);
        }
        Ok((parsed, nonce.to_owned(), expires))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let k = TicketKey::from_secret("shared secret");
        let t = k.issue(Subject::User(42), 1000);
        assert_eq!(k.verify(&t, 1000), Ok(Subject::User(42)));
        assert_eq!(k.verify(&t, 1000 + TTL_SECS), Ok(Subject::User(42)));
        assert_eq!(k.verify(&t, 1001 + TTL_SECS), Err(TicketError::Expired));
        let s = k.issue(Subject::Server, 1000);
        assert_eq!(k.verify(&s, 1000), Ok(Subject::Server));
        // Another secret, an edited subject or expiry, or garbage: refused.
        let other = TicketKey::from_secret("another secret");
        assert_eq!(other.verify(&t, 1000), Err(TicketError::BadMac));
        let forged = t.replacen("u42", "u43", 1);
        assert_eq!(k.verify(&forged, 1000), Err(TicketError::BadMac));
        let promoted = t.replacen("u42", "server", 1);
        assert_eq!(k.verify(&promoted, 1000), Err(TicketError::BadMac));
        let later = t.replacen(&(1000 + TTL_SECS).to_string(), "99999999999", 1);
        assert_eq!(k.verify(&later, 1000), Err(TicketError::BadMac));
        for bad in [
            "",
            "v1",
            "v2.u1.5.n.00",
            "v1.x1.5.n.00",
            "v1.u1.5.n.zz",
            "v1.u1.5.n.00.extra",
        ] {
            assert_eq!(k.verify(bad, 0), Err(TicketError::Malformed), "{bad}");
        }
        assert!(!format!("{k:?}").contains(&format!("{:?}", k.key)));
    }

    #[test]
    fn a_ticket_opens_one_connection() {
        let k = TicketKey::from_secret("shared secret");
        let (a, b) = (
            k.issue(Subject::User(7), 1000),
            k.issue(Subject::User(7), 1000),
        );
        assert_ne!(a, b, "nonces differ");
        assert_eq!(k.redeem(&a, 1000), Ok(Subject::User(7)));
        assert_eq!(k.redeem(&a, 1001), Err(TicketError::Used));
        assert_eq!(k.redeem(&b, 1001), Ok(Subject::User(7)));
        // Expired nonces leave the ledger; the ticket stays refused (expired).
        assert_eq!(k.redeem(&a, 2000), Err(TicketError::Expired));
        assert_eq!(
            k.redeem(&k.issue(Subject::Server, 2000), 2000),
            Ok(Subject::Server)
        );
        assert_eq!(k.redeemed.lock().unwrap().len(), 1);
    }
}
