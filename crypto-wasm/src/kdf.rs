//! Password-based key derivation for Rust users of the crate (the server's password
//! hashes): PBKDF2-HMAC-SHA256 (RFC 8018), a thin non-generic wrapper over RustCrypto's
//! `pbkdf2`, so that it is compiled (and optimised) once, here.

/// Fills `out` with PBKDF2-HMAC-SHA256 of `password` and `salt` over `rounds` rounds.
pub fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7914 §11's PBKDF2-HMAC-SHA256 vector.
    #[test]
    fn rfc_7914_vector() {
        let mut out = [0u8; 64];
        pbkdf2_hmac_sha256(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            crate::hex::encode(&out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
             49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
    }
}
