//! Relay tickets: how a relay with no database knows who connects.
//!
//! The API server, which knows the session, issues a short-lived ticket
//! (`POST /api/v1/realtime/ticket`); the client sends it as its first frame on `/ws`. The
//! relay checks it with the secret it shares with the API server (`--relay-secret`) and
//! learns only the subject: a user id, or the API server itself (which may publish to
//! any room and retire rooms).
//!
//! Format: `v1.<subject>.<expires>.<mac>` with subject `u<user id>` or `server`, expiry
//! in Unix seconds and `mac` = hex HMAC-SHA256(key, "huddle relay ticket v1\n" subject
//! "\n" expires), compared in constant time. Tickets live [`TTL_SECS`] seconds: they only
//! open a connection, which then stays open.

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
}

/// The key that signs and checks tickets.
pub struct TicketKey([u8; 32]);

impl std::fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketKey(<redacted>)")
    }
}

impl TicketKey {
    /// The key derived from a configured shared secret.
    pub fn from_secret(secret: &str) -> TicketKey {
        TicketKey(Sha256::digest(secret.as_bytes()).into())
    }

    /// A random key (one process runs both the API and the relay).
    pub fn random() -> std::io::Result<TicketKey> {
        let b = crypto_wasm::random::bytes(32).map_err(std::io::Error::other)?;
        Ok(TicketKey(b.try_into().expect("32 bytes")))
    }

    fn mac(&self, subject: &str, expires: i64) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        m.update(DOMAIN.as_bytes());
        m.update(subject.as_bytes());
        m.update(b"\n");
        m.update(expires.to_string().as_bytes());
        m
    }

    /// A ticket for `subject`, valid until `now + TTL_SECS`.
    pub fn issue(&self, subject: Subject, now: i64) -> String {
        let subject = match subject {
            Subject::User(id) => format!("u{id}"),
            Subject::Server => "server".to_owned(),
        };
        let expires = now + TTL_SECS;
        let tag = self.mac(&subject, expires).finalize().into_bytes();
        format!("v1.{subject}.{expires}.{}", crypto_wasm::hex::encode(&tag))
    }

    /// Checks a ticket at time `now`.
    pub fn verify(&self, ticket: &str, now: i64) -> Result<Subject, TicketError> {
        let mut parts = ticket.split('.');
        let (Some("v1"), Some(subject), Some(expires), Some(tag), None) = (
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
        self.mac(subject, expires)
            .verify_slice(&tag)
            .map_err(|_| TicketError::BadMac)?;
        if now > expires {
            return Err(TicketError::Expired);
        }
        Ok(parsed)
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
            "v2.u1.5.00",
            "v1.x1.5.00",
            "v1.u1.5.zz",
            "v1.u1.5.00.extra",
        ] {
            assert_eq!(k.verify(bad, 0), Err(TicketError::Malformed), "{bad}");
        }
        assert!(!format!("{k:?}").contains(&format!("{:?}", k.0)));
    }
}
