//! Password hashing: PBKDF2-HMAC-SHA256, 600,000 iterations (OWASP 2023), a random
//! 16-byte salt per user, stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64).

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine as _;
use subtle::ConstantTimeEq;

/// Iterations for new hashes.
pub const ITERATIONS: u32 = 600_000;

/// Hashes `password` with a fresh salt. CPU-heavy: call from a blocking thread.
pub fn hash(password: &str) -> Result<String, crypto_wasm::Error> {
    let salt = crypto_wasm::random::bytes(16)?;
    let mut out = [0u8; 32];
    crypto_wasm::kdf::pbkdf2_hmac_sha256(password.as_bytes(), &salt, ITERATIONS, &mut out);
    Ok(format!(
        "pbkdf2-sha256${ITERATIONS}${}${}",
        B64.encode(salt),
        B64.encode(out)
    ))
}

/// Checks `password` against a stored hash in constant time. CPU-heavy.
pub fn verify(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(iter), Some(salt), Some(expected), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (Ok(iter), Ok(salt), Ok(expected)) =
        (iter.parse::<u32>(), B64.decode(salt), B64.decode(expected))
    else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    crypto_wasm::kdf::pbkdf2_hmac_sha256(password.as_bytes(), &salt, iter, &mut out);
    out.ct_eq(&expected).into()
}

/// A hash of a password nobody has, so that signing in as an unknown user costs the same
/// time as a wrong password (no user enumeration by timing).
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not a password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_rejects() {
        let h = super::hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("pbkdf2-sha256$600000$"));
        assert!(super::verify("correct horse battery staple", &h));
        assert!(!super::verify("correct horse battery stapl", &h));
        assert!(!super::verify("x", "garbage"));
        assert_ne!(
            h,
            super::hash("correct horse battery staple").unwrap(),
            "salted"
        );
    }
}
