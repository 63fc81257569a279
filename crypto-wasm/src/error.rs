//! The one error type of the crate.

use std::fmt;

/// Everything that can go wrong in this crate. Every variant carries enough context for
/// a readable message; [`Error::code`] gives a stable machine-readable code that the
/// JavaScript bindings put on the thrown `Error` as `err.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An AES key that is not 16, 24 or 32 bytes long.
    KeyLength(usize),
    /// An IV that is not 16 bytes long.
    IvLength(usize),
    /// A ciphertext whose length is not a positive multiple of 16.
    CiphertextLength(usize),
    /// PKCS#7 padding did not check out after decryption (wrong key or corrupted data).
    BadPadding,
    /// The envelope's MAC did not verify (tampered, wrong key, wrong room or key version).
    BadMac,
    /// Decrypted bytes are not valid UTF-8.
    NotUtf8,
    /// A field of an envelope is missing, has the wrong type, or is badly encoded.
    Envelope(String),
    /// An envelope names a format this version does not know.
    UnknownFormat(String),
    /// A keyring has no key for the envelope's key version.
    UnknownKeyVersion {
        /// The version the envelope asked for.
        wanted: String,
        /// The versions the keyring holds, oldest first.
        known: Vec<String>,
    },
    /// A keyring has no key yet.
    NoKey,
    /// A keyring that requires authenticated envelopes was handed a v0 one.
    V0Rejected,
    /// A segment of a segmented file failed authentication: tampered, reordered, cut
    /// short, of another file or under another key.
    BadSegment {
        /// Its index in the file.
        index: u64,
    },
    /// A segmented file ended before its first segment.
    Truncated,
    /// An argument is out of range (message explains).
    Argument(String),
    /// The platform's random number generator failed.
    Random(String),
}

impl Error {
    /// A stable, machine-readable code for this error (`"BAD_MAC"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::KeyLength(_) => "KEY_LENGTH",
            Error::IvLength(_) => "IV_LENGTH",
            Error::CiphertextLength(_) => "CIPHERTEXT_LENGTH",
            Error::BadPadding => "BAD_PADDING",
            Error::BadMac => "BAD_MAC",
            Error::NotUtf8 => "NOT_UTF8",
            Error::Envelope(_) => "BAD_ENVELOPE",
            Error::UnknownFormat(_) => "UNKNOWN_FORMAT",
            Error::UnknownKeyVersion { .. } => "UNKNOWN_KEY_VERSION",
            Error::NoKey => "NO_KEY",
            Error::V0Rejected => "V0_REJECTED",
            Error::BadSegment { .. } => "BAD_SEGMENT",
            Error::Truncated => "TRUNCATED",
            Error::Argument(_) => "BAD_ARGUMENT",
            Error::Random(_) => "RANDOM",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::KeyLength(n) => {
                write!(f, "AES key must be 16, 24 or 32 bytes long, got {n} bytes")
            }
            Error::IvLength(n) => write!(f, "IV must be 16 bytes long, got {n} bytes"),
            Error::CiphertextLength(n) => write!(
                f,
                "ciphertext length must be a positive multiple of 16 bytes, got {n} bytes"
            ),
            Error::BadPadding => f.write_str(
                "decryption failed: bad PKCS#7 padding (wrong key or corrupted ciphertext)",
            ),
            Error::BadMac => f.write_str(
                "envelope authentication failed: MAC mismatch (tampered envelope, wrong key, \
                 wrong room or wrong key version)",
            ),
            Error::NotUtf8 => f.write_str("decrypted plaintext is not valid UTF-8"),
            Error::Envelope(m) => write!(f, "malformed envelope: {m}"),
            Error::UnknownFormat(v) => write!(f, "unknown envelope format {v:?}"),
            Error::UnknownKeyVersion { wanted, known } => {
                write!(f, "no key for key_version {wanted:?} in this keyring")?;
                if known.is_empty() {
                    f.write_str(" (it holds no keys)")
                } else {
                    write!(f, " (it holds versions {})", known.join(", "))
                }
            }
            Error::NoKey => f.write_str("the keyring has no key yet: call setKey or addKeyPart"),
            Error::V0Rejected => f.write_str(
                "unauthenticated v0 envelope rejected: this keyring accepts only v1 \
                 (create it with acceptV0 to talk to Twake clients)",
            ),
            Error::BadSegment { index } => write!(
                f,
                "segment {index} failed authentication: the file was tampered with, \
                 reordered or cut short, or it is another file's or under another key"
            ),
            Error::Truncated => f.write_str("the file ends before its first segment"),
            Error::Argument(m) => f.write_str(m),
            Error::Random(m) => write!(f, "random number generator failed: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
