//! Relay tickets: how a relay with no database knows who connects.
//!
//! The API server, which knows the session, issues a short-lived ticket
//! (`POST /api/v1/realtime/ticket`); the client sends it as its first frame on `/ws`. The
//! relay checks it with the secret it shares with the API server (`--relay-secret`) and
//! learns only the subject: a user id, or the API server itself (which may publish to
//! any room and retire rooms); and, for a person, the session the ticket came from (an
//! opaque tag, see `session::relay_tag`) and when that session ends.
//!
//! Format: `v2.<subject>.<session>.<until>.<expires>.<nonce>.<mac>` with subject
//! `u<user id>` or `server`, the session tag (`-` for the server) and its end in Unix
//! seconds (`0` for the server), the ticket's expiry, a random 16-byte hex nonce, and
//! `mac` = hex HMAC-SHA256(key, "huddle relay ticket v2\n" and the six fields joined by
//! "\n"), compared in constant time. A ticket opens one connection, once
//! ([`TicketKey::redeem`]), within [`TTL_SECS`] seconds; the connection then stays open
//! until its session ends, by time or by sign-out (`end_session`).

use std::collections::HashMap;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// How long a ticket opens connections.
pub const TTL_SECS: i64 = 60;

const DOMAIN: &str = "huddle relay ticket v2\n";

/// Who a ticket was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A signed-in person.
    User(i64),
    /// The API server (server pushes, closing retired rooms).
    Server,
}

/// The session a person's ticket came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its relay tag (hex; see `session::relay_tag`).
    pub tag: String,
    /// When it ends (Unix seconds).
    pub until: i64,
}

/// What a redeemed ticket says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticketed {
    /// Who.
    pub subject: Subject,
    /// From which session (people only).
    pub session: Option<Session>,
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

    fn mac(&self, fields: &[&str]) -> Hmac<Sha256> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        m.update(DOMAIN.as_bytes());
        m.update(fields.join("\n").as_bytes());
        m
    }

    /// A ticket for `subject` (with its `session`, for a person), valid until
    /// `now + TTL_SECS`.
    pub fn issue(&self, subject: Subject, session: Option<&Session>, now: i64) -> String {
        let subject = match subject {
            Subject::User(id) => format!("u{id}"),
            Subject::Server => "server".to_owned(),
        };
        let (tag, until) = match session {
            Some(s) => (s.tag.clone(), s.until.to_string()),
            None => ("-".to_owned(), "0".to_owned()),
        };
        let expires = (now + TTL_SECS).to_string();
        // The CSPRNG failing is not recoverable here; an all-zero nonce would only make
        // tickets of the same second and subject collide (and be refused as used).
        let nonce = crypto_wasm::random::token(16).unwrap_or_else(|_| "0".repeat(32));
        let fields = [subject.as_str(), &tag, &until, &expires, &nonce];
        let mac = crypto_wasm::hex::encode(&self.mac(&fields).finalize().into_bytes());
        format!("v2.{}.{mac}", fields.join("."))
    }

    /// Checks a ticket at time `now` and marks it used: a second redemption is refused.
    pub fn redeem(&self, ticket: &str, now: i64) -> Result<Ticketed, TicketError> {
        let (ticketed, nonce, expires) = self.check(ticket, now)?;
        let mut used = self.redeemed.lock().expect("ticket ledger");
        used.retain(|_, exp| *exp >= now);
        if used.insert(nonce, expires).is_some() {
            return Err(TicketError::Used);
        }
        Ok(ticketed)
    }

    /// Checks a ticket at time `now` without using it up.
    pub fn verify(&self, ticket: &str, now: i64) -> Result<Ticketed, TicketError> {
        self.check(ticket, now).map(|(t, _, _)| t)
    }

    fn check(&self, ticket: &str, now: i64) -> Result<(Ticketed, String, i64), TicketError> {
        let parts: Vec<&str> = ticket.split('.').collect();
        let ["v2", subject, tag, until, expires, nonce, mac] = parts[..] else {
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
        let expires_at: i64 = expires.parse().map_err(|_| TicketError::Malformed)?;
        let until_at: i64 = until.parse().map_err(|_| TicketError::Malformed)?;
        let tag_bytes = crypto_wasm::hex::decode(mac, "mac").map_err(|_| TicketError::Malformed)?;
        self.mac(&[subject, tag, until, expires, nonce])
            .verify_slice(&tag_bytes)
            .map_err(|_| TicketError::BadMac)?;
        if now > expires_at {
            return Err(TicketError::Expired);
        }
        let session = match parsed {
            Subject::User(_) => Some(Session {
                tag: tag.to_owned(),
                until: until_at,
            }),
            Subject::Server => None,
        };
        Ok((
            Ticketed {
                subject: parsed,
                session,
            },
            nonce.to_owned(),
            expires_at,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            tag: "ab".repeat(16),
            until: 5000,
        }
    }

    fn subject(k: &TicketKey, t: &str, now: i64) -> Result<Subject, TicketError> {
        k.verify(t, now).map(|t| t.subject)
    }

    #[test]
    fn round_trip_and_refusals() {
        let k = TicketKey::from_secret("shared secret");
        let t = k.issue(Subject::User(42), Some(&session()), 1000);
        let got = k.verify(&t, 1000).unwrap();
        assert_eq!(got.subject, Subject::User(42));
        assert_eq!(got.session, Some(session()));
        assert_eq!(subject(&k, &t, 1000 + TTL_SECS), Ok(Subject::User(42)));
        assert_eq!(subject(&k, &t, 1001 + TTL_SECS), Err(TicketError::Expired));
        let s = k.issue(Subject::Server, None, 1000);
        assert_eq!(k.verify(&s, 1000).unwrap().session, None);
        assert_eq!(subject(&k, &s, 1000), Ok(Subject::Server));
        // Another secret, an edited subject, session, session end or expiry, or garbage:
        // refused.
        let other = TicketKey::from_secret("another secret");
        assert_eq!(subject(&other, &t, 1000), Err(TicketError::BadMac));
        for (from, to) in [
            ("u42", "u43"),
            ("u42", "server"),
            (&"ab".repeat(16)[..], &"cd".repeat(16)[..]),
            (".5000.", ".99999999999."),
            (&(1000 + TTL_SECS).to_string()[..], "99999999999"),
        ] {
            let forged = t.replacen(from, to, 1);
            assert_ne!(forged, t);
            assert_eq!(
                subject(&k, &forged, 1000),
                Err(TicketError::BadMac),
                "{from}"
            );
        }
        for bad in [
            "",
            "v2",
            "v1.u1.5.n.00",
            "v2.x1.-.0.5.n.00",
            "v2.u1.-.0.5.n.zz",
            "v2.u1.-.x.5.n.00",
            "v2.u1.-.0.5.n.00.extra",
        ] {
            assert_eq!(subject(&k, bad, 0), Err(TicketError::Malformed), "{bad}");
        }
        assert!(!format!("{k:?}").contains(&format!("{:?}", k.key)));
    }

    #[test]
    fn a_ticket_opens_one_connection() {
        let k = TicketKey::from_secret("shared secret");
        let s = session();
        let (a, b) = (
            k.issue(Subject::User(7), Some(&s), 1000),
            k.issue(Subject::User(7), Some(&s), 1000),
        );
        assert_ne!(a, b, "nonces differ");
        let redeem = |t: &str, now| k.redeem(t, now).map(|t| t.subject);
        assert_eq!(redeem(&a, 1000), Ok(Subject::User(7)));
        assert_eq!(redeem(&a, 1001), Err(TicketError::Used));
        assert_eq!(redeem(&b, 1001), Ok(Subject::User(7)));
        // Expired nonces leave the ledger; the ticket stays refused (expired).
        assert_eq!(redeem(&a, 2000), Err(TicketError::Expired));
        assert_eq!(
            redeem(&k.issue(Subject::Server, None, 2000), 2000),
            Ok(Subject::Server)
        );
        assert_eq!(k.redeemed.lock().unwrap().len(), 1);
    }
}
