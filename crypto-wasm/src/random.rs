//! Random bytes, tokens and UUIDs from the platform CSPRNG (`getrandom`: the OS natively,
//! `crypto.getRandomValues` in browsers and Node.js).

use crate::{hex, Error, Result};

/// The largest request [`bytes`] accepts (16 MiB).
pub const MAX_RANDOM_BYTES: usize = 16 << 20;
/// The largest token [`token`] makes, in random bytes.
pub const MAX_TOKEN_BYTES: usize = 1024;

/// Fills `buf` from the CSPRNG.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf).map_err(|e| Error::Random(e.to_string()))
}

/// Fills `buf` with random bytes that will be published (IVs, salts), from a pool that
/// is refilled from the CSPRNG 4 KiB at a time.
///
/// In browsers and Node.js every `crypto.getRandomValues` call costs one to two
/// microseconds, more than sealing a short message; the pool makes it one call per
/// 256 IVs. Each pooled byte is handed out once and wiped from the pool as it goes.
/// Secrets (keys, tokens, UUIDs) never come from the pool: they would sit in memory
/// before use. Outside WebAssembly this is [`fill`].
pub fn fill_public(buf: &mut [u8]) -> Result<()> {
    #[cfg(target_arch = "wasm32")]
    {
        pool::fill(buf)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        fill(buf)
    }
}

#[cfg(target_arch = "wasm32")]
mod pool {
    use std::cell::RefCell;

    use crate::Result;

    const SIZE: usize = 4096;

    struct Pool {
        buf: Box<[u8; SIZE]>,
        /// Bytes before `next` are spent (and zero).
        next: usize,
    }

    thread_local! {
        static POOL: RefCell<Pool> = RefCell::new(Pool { buf: Box::new([0; SIZE]), next: SIZE });
    }

    pub fn fill(out: &mut [u8]) -> Result<()> {
        if out.len() > SIZE / 8 {
            return super::fill(out);
        }
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            if SIZE - pool.next < out.len() {
                super::fill(&mut pool.buf[..])?;
                pool.next = 0;
            }
            let range = pool.next..pool.next + out.len();
            out.copy_from_slice(&pool.buf[range.clone()]);
            pool.buf[range].fill(0);
            pool.next += out.len();
            Ok(())
        })
    }
}

/// `n` random bytes.
pub fn bytes(n: usize) -> Result<Vec<u8>> {
    if n > MAX_RANDOM_BYTES {
        return Err(Error::Argument(format!(
            "randomBytes: at most {MAX_RANDOM_BYTES} bytes per call, asked for {n}"
        )));
    }
    let mut v = vec![0u8; n];
    fill(&mut v)?;
    Ok(v)
}

/// A random token: `n` random bytes as lowercase hex (`2n` characters).
pub fn token(n: usize) -> Result<String> {
    if n == 0 || n > MAX_TOKEN_BYTES {
        return Err(Error::Argument(format!(
            "randomToken: length must be 1 to {MAX_TOKEN_BYTES} bytes, got {n}"
        )));
    }
    Ok(hex::encode(&bytes(n)?))
}

/// A random (version 4) UUID in lowercase `8-4-4-4-12` form.
pub fn uuid_v4() -> Result<String> {
    let mut b = [0u8; 16];
    fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let u = uuid_v4().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(u, uuid_v4().unwrap());
    }

    #[test]
    fn token_bounds() {
        assert_eq!(token(32).unwrap().len(), 64);
        assert!(token(0).is_err());
        assert!(token(MAX_TOKEN_BYTES + 1).is_err());
        assert!(bytes(MAX_RANDOM_BYTES + 1).is_err());
        assert_eq!(bytes(0).unwrap().len(), 0);
    }
}
