//! Lowercase hex encoding and strict decoding (no dependency, no data-dependent table).

use crate::{Error, Result};

/// Encodes bytes as lowercase hex.
pub fn encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(nibble(b >> 4));
        s.push(nibble(b & 15));
    }
    s
}

fn nibble(n: u8) -> char {
    // Branch-free: '0'..'9' then 'a'..'f'.
    let n = n as u32;
    let adjust = ((9u32.wrapping_sub(n)) >> 8) & 39; // 39 when n > 9
    char::from((b'0' as u32 + n + adjust) as u8)
}

/// Decodes hex (either case). `what` names the field in the error message.
pub fn decode(s: &str, what: &str) -> Result<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return Err(Error::Envelope(format!("{what} is not hex (odd length)")));
    }
    b.chunks_exact(2)
        .map(|p| match (val(p[0]), val(p[1])) {
            (Some(h), Some(l)) => Ok(h << 4 | l),
            _ => Err(Error::Envelope(format!("{what} is not hex"))),
        })
        .collect()
}

fn val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let all: Vec<u8> = (0..=255).collect();
        let h = super::encode(&all);
        assert!(h.starts_with("000102") && h.ends_with("fdfeff"));
        assert_eq!(super::decode(&h, "x").unwrap(), all);
        assert_eq!(super::decode("ABcd", "x").unwrap(), vec![0xab, 0xcd]);
        assert!(super::decode("abc", "x").is_err());
        assert!(super::decode("zz", "x").is_err());
    }
}
