//! Two-factor sign-in codes: TOTP (RFC 6238, with `totp-rs`: HMAC-SHA1, 6 digits,
//! 30-second steps, the common authenticator apps' settings) and recovery codes. Pure:
//! the database keeps which step was used last (see `api::auth::totp`).

use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::{ApiError, ApiResult};

/// Seconds per code.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Bytes of a secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;
/// The issuer authenticator apps show beside the account.
pub const ISSUER: &str = "Huddle";
/// Recovery codes given at once.
pub const RECOVERY_CODES: usize = 10;
/// Random bytes in a recovery code (64 bits; 16 hex digits).
const RECOVERY_BYTES: usize = 8;

/// A new random secret (CSPRNG), in base32 without padding.
pub fn new_secret() -> ApiResult<String> {
    let bytes = crypto_wasm::random::bytes(SECRET_BYTES).map_err(ApiError::internal)?;
    Ok(Secret::Raw(bytes).to_encoded().to_string())
}

fn totp(secret: &str, account: &str) -> ApiResult<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| ApiError::internal(format!("TOTP secret: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(|e| ApiError::internal(format!("TOTP: {e:?}")))
}

/// The `otpauth://totp/…` URI that authenticator apps read (from a QR code).
pub fn uri(secret: &str, account: &str) -> ApiResult<String> {
    Ok(totp(secret, account)?.get_url())
}

/// The time step of `code` if it is the code of the step of `now`, the one before or the
/// one after (clocks drift), and later than `after` (the step of the last code taken: a
/// code is good once). Compared in constant time.
pub fn matching_step(secret: &str, code: &str, now: u64, after: i64) -> ApiResult<Option<i64>> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret, "")?;
    let current = now / STEP_SECS;
    let mut found = None;
    for step in [current.saturating_sub(1), current, current + 1] {
        // Every step is checked, so the time taken does not tell which one matched.
        let good = t.check(code, step * STEP_SECS);
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        if good && step > after && found.is_none() {
            found = Some(step);
        }
    }
    Ok(found)
}

/// A new recovery code, like `3f9a-07c2-b1d4-e86a`.
pub fn new_recovery_code() -> ApiResult<String> {
    let hex = crypto_wasm::random::token(RECOVERY_BYTES).map_err(ApiError::internal)?;
    Ok(hex
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

/// A recovery code as typed, reduced to its 16 hex digits (case, spaces and dashes do
/// not matter); `None` if it cannot be one.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (s.len() == RECOVERY_BYTES * 2 && s.bytes().all(|b| b.is_ascii_hexdigit())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn the_rfc_6238_vectors_in_six_digits() {
        // Appendix B lists 8 digits; an app showing 6 shows their last 6.
        for (time, code) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            let step = i64::try_from(time / STEP_SECS).unwrap();
            assert_eq!(
                matching_step(RFC_SECRET, code, time, 0).unwrap(),
                Some(step),
                "{time}"
            );
        }
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_once() {
        let now = 1_234_567_890;
        let step = i64::try_from(now / STEP_SECS).unwrap();
        // The code of `now` typed 30 s early or late.
        assert_eq!(
            matching_step(RFC_SECRET, "005924", now - 30, 0).unwrap(),
            Some(step)
        );
        assert_eq!(
            matching_step(RFC_SECRET, "005924", now + 30, 0).unwrap(),
            Some(step)
        );
        assert_eq!(
            matching_step(RFC_SECRET, "005924", now + 60, 0).unwrap(),
            None
        );
        // Taken already.
        assert_eq!(
            matching_step(RFC_SECRET, "005924", now, step).unwrap(),
            None
        );
        for bad in ["", "00592", "0059245", "00592a", "123456"] {
            assert_eq!(
                matching_step(RFC_SECRET, bad, now, 0).unwrap(),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn secrets_and_uris() {
        let s = new_secret().unwrap();
        assert_eq!(s.len(), 32, "160 bits in base32");
        assert_ne!(s, new_secret().unwrap());
        let u = uri(&s, "alice").unwrap();
        assert!(u.starts_with("otpauth://totp/Huddle:alice?secret="), "{u}");
        assert!(u.contains("issuer=Huddle"), "{u}");
    }

    #[test]
    fn recovery_codes_are_typed_loosely() {
        let c = new_recovery_code().unwrap();
        assert_eq!(c.len(), 19);
        let n = normalize_recovery_code(&c).unwrap();
        assert_eq!(
            normalize_recovery_code(&c.to_uppercase().replace('-', " ")),
            Some(n)
        );
        assert_eq!(normalize_recovery_code("3f9a-07c2-b1d4"), None);
        assert_eq!(normalize_recovery_code("3f9a-07c2-b1d4-e86z"), None);
    }
}
