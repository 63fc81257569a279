//! Envelopes: the JSON objects that carry one encrypted realtime payload.
//!
//! * **v0** — `{encrypted, iv, salt, key_version}`, bit-compatible with the Twake web
//!   client (see [`v0`]). Not authenticated: kept for interoperability.
//! * **v1** — `{v: 1, key_version, iv, encrypted, mac}`, encrypt-then-MAC bound to the
//!   room and key version (see [`v1`]). The default.
//!
//! The exact layouts are in `docs/protocol.md`.

pub mod v0;
pub mod v1;

use base64::Engine as _;

use crate::{Error, Result};

/// Which envelope format to produce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Twake-compatible, unauthenticated.
    V0,
    /// Authenticated (AES-256-CBC + HMAC-SHA256). The default.
    #[default]
    V1,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "v0" => Ok(Format::V0),
            "v1" => Ok(Format::V1),
            other => Err(Error::UnknownFormat(other.to_owned())),
        }
    }
}

/// A Twake-compatible v0 envelope; fields exactly as they travel.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct V0Envelope {
    /// Base64 (standard, padded) AES-256-CBC ciphertext.
    pub encrypted: String,
    /// Hex IV (16 bytes).
    pub iv: String,
    /// Hex PBKDF2 salt (Twake uses 256 bytes).
    pub salt: String,
    /// The room key version the sender used.
    pub key_version: String,
}

/// An authenticated v1 envelope; fields exactly as they travel.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct V1Envelope {
    /// Always 1.
    pub v: u32,
    /// The room key version the sender used (covered by the MAC).
    pub key_version: String,
    /// Base64 IV (16 bytes).
    pub iv: String,
    /// Base64 AES-256-CBC ciphertext.
    pub encrypted: String,
    /// Base64 HMAC-SHA256 tag (32 bytes).
    pub mac: String,
}

/// An envelope of either format.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged, try_from = "RawEnvelope"))]
pub enum Envelope {
    /// Twake-compatible.
    V0(V0Envelope),
    /// Authenticated.
    V1(V1Envelope),
}

impl Envelope {
    /// The key version the envelope was sealed under.
    pub fn key_version(&self) -> &str {
        match self {
            Envelope::V0(e) => &e.key_version,
            Envelope::V1(e) => &e.key_version,
        }
    }

    /// The envelope's format.
    pub fn format(&self) -> Format {
        match self {
            Envelope::V0(_) => Format::V0,
            Envelope::V1(_) => Format::V1,
        }
    }
}

/// The fields of an envelope as found in untrusted input, before validation. Turned into
/// an [`Envelope`] with `try_from`, which detects the format and names what is wrong.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct RawEnvelope {
    /// Format version; absent for v0.
    pub v: Option<f64>,
    /// Ciphertext.
    pub encrypted: Option<String>,
    /// IV.
    pub iv: Option<String>,
    /// v0 salt.
    pub salt: Option<String>,
    /// v1 MAC.
    pub mac: Option<String>,
    /// Key version.
    pub key_version: Option<String>,
}

fn required(field: Option<String>, name: &str) -> Result<String> {
    field.ok_or_else(|| Error::Envelope(format!("missing string field `{name}`")))
}

impl TryFrom<RawEnvelope> for Envelope {
    type Error = Error;
    fn try_from(r: RawEnvelope) -> Result<Envelope> {
        match r.v {
            Some(1.0) => Ok(Envelope::V1(V1Envelope {
                v: 1,
                key_version: required(r.key_version, "key_version")?,
                iv: required(r.iv, "iv")?,
                encrypted: required(r.encrypted, "encrypted")?,
                mac: required(r.mac, "mac")?,
            })),
            Some(v) => Err(Error::UnknownFormat(format!("v{v}"))),
            None if r.salt.is_some() => Ok(Envelope::V0(V0Envelope {
                encrypted: required(r.encrypted, "encrypted")?,
                iv: required(r.iv, "iv")?,
                salt: required(r.salt, "salt")?,
                key_version: required(r.key_version, "key_version")?,
            })),
            None => Err(Error::Envelope(
                "neither `v` (v1) nor `salt` (v0) is present".into(),
            )),
        }
    }
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The largest ciphertext accepted from the wire (16 MiB), checked before decoding.
pub const MAX_CIPHERTEXT: usize = 16 << 20;

pub(crate) fn unb64(s: &str, what: &str) -> Result<Vec<u8>> {
    if s.len() > MAX_CIPHERTEXT / 3 * 4 + 4 {
        return Err(Error::Envelope(format!(
            "`{what}` is larger than {} MiB",
            MAX_CIPHERTEXT >> 20
        )));
    }
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| Error::Envelope(format!("`{what}` is not valid base64")))
}

pub(crate) fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::NotUtf8)
}
