//! Segmented files: large data encrypted at rest in fixed-size, separately authenticated
//! segments, so that it streams in both directions and any byte range can be read
//! without decrypting the rest. Huddle's Drive stores every file this way.
//!
//! ```text
//! okm      = HKDF-SHA256(ikm = file key (32 bytes), salt = installation salt, info = INFO, L = 64)
//! enc_key  = okm[0..32]      mac_key = okm[32..64]
//! file     = HEADER ‖ segment 0 ‖ segment 1 ‖ … ‖ segment n-1
//! HEADER   = "HSEG" ‖ 0x01 (format) ‖ 0x10 (log2 of the segment size: 64 KiB) ‖ 0x00 0x00
//! segment  = iv (16 random bytes) ‖ AES-256-CBC-PKCS7(enc_key, iv, plaintext) ‖ mac (32)
//! mac      = HMAC-SHA256(mac_key, 0x02 ‖ HEADER ‖ u32be(len context) ‖ context
//!                                 ‖ u64be(index) ‖ last (0x00 or 0x01) ‖ iv ‖ ciphertext)
//! ```
//! Every segment holds [`SEGMENT_SIZE`] bytes of plaintext except the last, which holds
//! 0 to [`SEGMENT_SIZE`] (an empty file is one empty last segment), so every segment but
//! the last is [`STORED_SEGMENT`] bytes once sealed. The MAC binds a segment to its
//! file (the `context`, e.g. `drive/<file>/<version>`), its index and whether it is the
//! last, so segments cannot be reordered, dropped, swapped between files or cut off at
//! the end; it is verified in constant time before anything is decrypted.
//!
//! A file key must seal one file (one context) only. [`Encryptor`] and [`Decryptor`] are
//! pure state machines (bytes in, bytes out) whose memory stays under two segments,
//! whatever the size of the file; [`Keys::open_segment`] reads one segment for range
//! requests.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::cbc::{AesKey, BLOCK};
use crate::{random, Error, Result};

/// HKDF `info`: the constant part of every file's keys. A new layout gets a new string.
pub const INFO: &[u8] = b"huddle/crypto-wasm segments v1: aes-256-cbc, hmac-sha256";
/// What a segmented file starts with (format 1, 64 KiB segments).
pub const HEADER: [u8; 8] = *b"HSEG\x01\x10\x00\x00";
/// Bytes of plaintext in every segment but the last.
pub const SEGMENT_SIZE: usize = 1 << 16;
/// Bytes a full segment takes once sealed: IV, plaintext, one block of padding, MAC.
pub const STORED_SEGMENT: usize = BLOCK + SEGMENT_SIZE + BLOCK + MAC_LEN;
/// The smallest sealed segment (an empty plaintext).
pub const MIN_STORED_SEGMENT: usize = BLOCK + BLOCK + MAC_LEN;
/// MAC length in bytes.
pub const MAC_LEN: usize = 32;
/// The byte that starts every MAC input.
const DOMAIN_BYTE: u8 = 2;
/// The length of a file key.
pub const FILE_KEY_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// How many segments a file of `len` plaintext bytes has (at least one).
pub fn segment_count(len: u64) -> u64 {
    len.div_ceil(SEGMENT_SIZE as u64).max(1)
}

/// Where segment `index` starts in the stored file.
pub fn segment_offset(index: u64) -> u64 {
    HEADER.len() as u64 + index * STORED_SEGMENT as u64
}

/// The stored size of a file of `len` plaintext bytes.
pub fn stored_len(len: u64) -> u64 {
    let full = len / SEGMENT_SIZE as u64;
    let rest = len % SEGMENT_SIZE as u64;
    if len > 0 && rest == 0 {
        // The last segment is a full one.
        return segment_offset(full);
    }
    segment_offset(full) + sealed_len(rest as usize) as u64
}

/// The sealed size of one segment of `len` plaintext bytes.
pub fn sealed_len(len: usize) -> usize {
    BLOCK + (len / BLOCK + 1) * BLOCK + MAC_LEN
}

/// The two keys of one file, derived from its random key, the installation's salt and
/// [`INFO`].
#[derive(Clone)]
pub struct Keys {
    enc: AesKey,
    mac: HmacSha256,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("segments::Keys(<redacted>)")
    }
}

impl Keys {
    /// Derives a file's keys from its 32-byte random key and the installation's salt
    /// (any length; empty if there is none).
    pub fn derive(file_key: &[u8], salt: &[u8]) -> Result<Keys> {
        if file_key.len() != FILE_KEY_LEN {
            return Err(Error::KeyLength(file_key.len()));
        }
        let mut okm = Zeroizing::new([0u8; 64]);
        Hkdf::<Sha256>::new(Some(salt), file_key)
            .expand(INFO, &mut *okm)
            .expect("64 bytes is a valid HKDF-SHA256 length");
        Ok(Keys {
            enc: AesKey::new(&okm[..32])?,
            mac: HmacSha256::new_from_slice(&okm[32..]).expect("HMAC takes any key length"),
        })
    }

    fn mac(&self, context: &[u8], index: u64, last: bool, iv: &[u8], ct: &[u8]) -> HmacSha256 {
        let mut m = self.mac.clone();
        m.update(&[DOMAIN_BYTE]);
        m.update(&HEADER);
        m.update(&(context.len() as u32).to_be_bytes());
        m.update(context);
        m.update(&index.to_be_bytes());
        m.update(&[last as u8]);
        m.update(iv);
        m.update(ct);
        m
    }

    /// Seals segment `index` of the file `context` (a fresh random IV) and appends it to
    /// `out`. `plaintext` must be [`SEGMENT_SIZE`] bytes unless `last`.
    pub fn seal_segment(
        &self,
        context: &[u8],
        index: u64,
        last: bool,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let mut iv = [0u8; BLOCK];
        random::fill_public(&mut iv)?;
        self.seal_segment_with_iv(context, index, last, &iv, plaintext, out)
    }

    /// [`Keys::seal_segment`] with a caller-chosen IV. Only for test vectors: an IV must
    /// never repeat.
    pub fn seal_segment_with_iv(
        &self,
        context: &[u8],
        index: u64,
        last: bool,
        iv: &[u8; BLOCK],
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        check_context(context)?;
        if plaintext.len() > SEGMENT_SIZE || (!last && plaintext.len() != SEGMENT_SIZE) {
            return Err(Error::Argument(format!(
                "a segment holds {SEGMENT_SIZE} bytes (the last one at most that), got {}",
                plaintext.len()
            )));
        }
        out.reserve(sealed_len(plaintext.len()));
        out.extend_from_slice(iv);
        let start = out.len();
        out.extend_from_slice(plaintext);
        let n = BLOCK - plaintext.len() % BLOCK;
        out.resize(start + plaintext.len() + n, n as u8);
        self.enc.encrypt_blocks(iv, &mut out[start..])?;
        let tag = self
            .mac(context, index, last, iv, &out[start..])
            .finalize()
            .into_bytes();
        out.extend_from_slice(&tag);
        Ok(())
    }

    /// Verifies and opens segment `index` of the file `context` (`last`: whether it is
    /// the file's last segment), appending its plaintext to `out`.
    pub fn open_segment(
        &self,
        context: &[u8],
        index: u64,
        last: bool,
        stored: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        check_context(context)?;
        let len = stored.len();
        if !(MIN_STORED_SEGMENT..=STORED_SEGMENT).contains(&len)
            || (len - BLOCK - MAC_LEN) % BLOCK != 0
            || (!last && len != STORED_SEGMENT)
        {
            return Err(Error::BadSegment { index });
        }
        let (iv, rest) = stored.split_at(BLOCK);
        let (ct, tag) = rest.split_at(rest.len() - MAC_LEN);
        // Constant-time comparison (hmac uses `subtle`), before any decryption.
        self.mac(context, index, last, iv, ct)
            .verify_slice(tag)
            .map_err(|_| Error::BadSegment { index })?;
        let start = out.len();
        out.extend_from_slice(ct);
        self.enc.decrypt_blocks(iv, &mut out[start..])?;
        // The MAC verified, so the padding was made by whoever holds the key.
        let n = out[out.len() - 1] as usize;
        if n == 0 || n > BLOCK || out.len() - start < n {
            out[start..].zeroize();
            out.truncate(start);
            return Err(Error::BadPadding);
        }
        out.truncate(out.len() - n);
        if !last && out.len() - start != SEGMENT_SIZE {
            out[start..].zeroize();
            out.truncate(start);
            return Err(Error::BadSegment { index });
        }
        Ok(())
    }
}

fn check_context(context: &[u8]) -> Result<()> {
    if context.len() > u32::MAX as usize {
        return Err(Error::Argument("the context is too long".into()));
    }
    Ok(())
}

/// Encrypts a file as it comes: [`Encryptor::push`] what arrives, [`Encryptor::finish`]
/// at the end. It keeps at most one segment of plaintext, the one that may turn out to be
/// the last.
pub struct Encryptor {
    keys: Keys,
    context: Vec<u8>,
    /// Plaintext not sealed yet (at most [`SEGMENT_SIZE`] bytes).
    pending: Zeroizing<Vec<u8>>,
    /// The index of the next segment to seal.
    next: u64,
    /// Plaintext bytes taken in all.
    taken: u64,
    header_written: bool,
    finished: bool,
}

impl std::fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryptor")
            .field("next", &self.next)
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl Encryptor {
    /// Starts a new file.
    pub fn new(keys: Keys, context: &[u8]) -> Result<Encryptor> {
        check_context(context)?;
        Ok(Encryptor {
            keys,
            context: context.to_vec(),
            pending: Zeroizing::new(Vec::with_capacity(SEGMENT_SIZE)),
            next: 0,
            taken: 0,
            header_written: false,
            finished: false,
        })
    }

    /// Continues a file whose header and first `sealed` segments are already stored, with
    /// `pending` (less than one segment) of plaintext received after them: what
    /// [`Encryptor::sealed`] and [`Encryptor::pending`] said when it stopped.
    pub fn resume(keys: Keys, context: &[u8], sealed: u64, pending: &[u8]) -> Result<Encryptor> {
        if pending.len() > SEGMENT_SIZE {
            return Err(Error::Argument(format!(
                "at most {SEGMENT_SIZE} bytes can be pending, got {}",
                pending.len()
            )));
        }
        let mut e = Encryptor::new(keys, context)?;
        e.next = sealed;
        e.taken = sealed * SEGMENT_SIZE as u64 + pending.len() as u64;
        e.header_written = true;
        e.pending.extend_from_slice(pending);
        Ok(e)
    }

    /// How many segments have been sealed (and handed out) so far.
    pub fn sealed(&self) -> u64 {
        self.next
    }

    /// The plaintext received but not sealed yet.
    pub fn pending(&self) -> &[u8] {
        &self.pending
    }

    /// How many plaintext bytes it has taken in all (sealed or pending).
    pub fn position(&self) -> u64 {
        self.taken
    }

    /// Takes the next bytes of the file; returns what is ready to be stored (the header
    /// first, then every segment known not to be the last).
    pub fn push(&mut self, mut data: &[u8]) -> Result<Vec<u8>> {
        if self.finished {
            return Err(Error::Argument("this file is finished".into()));
        }
        let mut out = Vec::new();
        self.taken += data.len() as u64;
        if !self.header_written {
            out.extend_from_slice(&HEADER);
            self.header_written = true;
        }
        loop {
            if self.pending.len() == SEGMENT_SIZE && !data.is_empty() {
                self.keys
                    .seal_segment(&self.context, self.next, false, &self.pending, &mut out)?;
                self.next += 1;
                self.pending.zeroize();
                self.pending.clear();
            }
            if data.is_empty() {
                return Ok(out);
            }
            let take = (SEGMENT_SIZE - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
    }

    /// Ends the file: returns the rest of it (the header if nothing was pushed, and the
    /// last segment).
    pub fn finish(&mut self) -> Result<Vec<u8>> {
        let mut out = self.push(&[])?;
        self.keys
            .seal_segment(&self.context, self.next, true, &self.pending, &mut out)?;
        self.next += 1;
        self.pending.zeroize();
        self.pending.clear();
        self.finished = true;
        Ok(out)
    }
}

/// Decrypts a stored file as it comes: [`Decryptor::push`] what is read,
/// [`Decryptor::finish`] at the end, which fails if the file was cut short. Only
/// authenticated plaintext is ever returned, one whole segment at a time; after an
/// error every call fails.
pub struct Decryptor {
    keys: Keys,
    context: Vec<u8>,
    /// Stored bytes not opened yet (at most one sealed segment, or the header).
    pending: Vec<u8>,
    next: u64,
    header_read: bool,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Finished,
    Failed,
}

impl std::fmt::Debug for Decryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decryptor")
            .field("next", &self.next)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Decryptor {
    /// Starts reading a stored file from its beginning.
    pub fn new(keys: Keys, context: &[u8]) -> Result<Decryptor> {
        check_context(context)?;
        Ok(Decryptor {
            keys,
            context: context.to_vec(),
            pending: Vec::with_capacity(STORED_SEGMENT),
            next: 0,
            header_read: false,
            state: State::Open,
        })
    }

    /// How many segments have been opened so far.
    pub fn opened(&self) -> u64 {
        self.next
    }

    fn check(&self) -> Result<()> {
        match self.state {
            State::Open => Ok(()),
            State::Finished => Err(Error::Argument("this file is finished".into())),
            State::Failed => Err(Error::Argument(
                "this file failed to decrypt; start again".into(),
            )),
        }
    }

    /// Takes the next stored bytes; returns the plaintext of every segment that is
    /// complete and known not to be the last.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        self.check()?;
        let r = self.take(data);
        if r.is_err() {
            self.state = State::Failed;
        }
        r
    }

    fn take(&mut self, mut data: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        if !self.header_read {
            let take = (HEADER.len() - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if !HEADER.starts_with(&self.pending) {
                return Err(Error::Argument(
                    "not a segmented file of format 1 (its header is wrong)".into(),
                ));
            }
            if self.pending.len() < HEADER.len() {
                return Ok(out);
            }
            self.pending.clear();
            self.header_read = true;
        }
        loop {
            if self.pending.len() == STORED_SEGMENT && !data.is_empty() {
                self.keys
                    .open_segment(&self.context, self.next, false, &self.pending, &mut out)?;
                self.next += 1;
                self.pending.clear();
            }
            if data.is_empty() {
                return Ok(out);
            }
            let take = (STORED_SEGMENT - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
    }

    /// Ends the file: opens the last segment and returns its plaintext. A file that
    /// stops before its last segment fails here.
    pub fn finish(&mut self) -> Result<Vec<u8>> {
        self.check()?;
        let mut out = Vec::new();
        let r = if !self.header_read || self.pending.is_empty() {
            Err(Error::Truncated)
        } else {
            self.keys
                .open_segment(&self.context, self.next, true, &self.pending, &mut out)
        };
        match r {
            Ok(()) => {
                self.next += 1;
                self.pending.clear();
                self.state = State::Finished;
                Ok(out)
            }
            Err(e) => {
                // A file cut after a middle segment ends in a segment that fails as the
                // last one: that is a `BadSegment` too.
                self.state = State::Failed;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::derive(&[7u8; 32], b"installation salt").unwrap()
    }

    fn seal(data: &[u8], chunk: usize) -> Vec<u8> {
        seal_as(b"drive/1/1", data, chunk)
    }

    fn seal_as(context: &[u8], data: &[u8], chunk: usize) -> Vec<u8> {
        let mut e = Encryptor::new(keys(), context).unwrap();
        let mut out = Vec::new();
        for c in data.chunks(chunk.max(1)) {
            out.extend(e.push(c).unwrap());
        }
        out.extend(e.finish().unwrap());
        out
    }

    fn open(stored: &[u8], chunk: usize) -> Result<Vec<u8>> {
        let mut d = Decryptor::new(keys(), b"drive/1/1")?;
        let mut out = Vec::new();
        for c in stored.chunks(chunk.max(1)) {
            out.extend(d.push(c)?);
        }
        out.extend(d.finish()?);
        Ok(out)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_every_boundary_in_any_chunking() {
        for len in [
            0,
            1,
            15,
            16,
            SEGMENT_SIZE - 1,
            SEGMENT_SIZE,
            SEGMENT_SIZE + 1,
            3 * SEGMENT_SIZE,
            3 * SEGMENT_SIZE + 100,
        ] {
            let plain = data(len);
            for chunk in [1000, 7, SEGMENT_SIZE, STORED_SEGMENT, len + 1] {
                if chunk < 100 && len > SEGMENT_SIZE {
                    continue;
                }
                let stored = seal(&plain, chunk);
                assert_eq!(stored.len() as u64, stored_len(len as u64), "len {len}");
                assert_eq!(
                    open(&stored, chunk).unwrap(),
                    plain,
                    "len {len} chunk {chunk}"
                );
                assert_eq!(open(&stored, 4096).unwrap(), plain);
            }
        }
    }

    #[test]
    fn segments_open_one_by_one_for_ranges() {
        let plain = data(2 * SEGMENT_SIZE + 10);
        let stored = seal(&plain, 5000);
        let n = segment_count(plain.len() as u64);
        assert_eq!(n, 3);
        let mut out = Vec::new();
        for i in (0..n).rev() {
            let start = segment_offset(i) as usize;
            let end = if i + 1 == n {
                stored.len()
            } else {
                segment_offset(i + 1) as usize
            };
            let mut seg = Vec::new();
            keys()
                .open_segment(b"drive/1/1", i, i + 1 == n, &stored[start..end], &mut seg)
                .unwrap();
            out.splice(0..0, seg);
        }
        assert_eq!(out, plain);
    }

    #[test]
    fn tampering_reordering_swapping_and_cutting_fail() {
        let plain = data(3 * SEGMENT_SIZE + 5);
        let stored = seal(&plain, 4096);
        let seg = |i: u64| segment_offset(i) as usize..segment_offset(i + 1) as usize;
        // A flipped bit anywhere.
        for at in [3, 8, 9, 8 + 20, 8 + STORED_SEGMENT - 1, stored.len() - 1] {
            let mut t = stored.clone();
            t[at] ^= 1;
            assert!(open(&t, 4096).is_err(), "bit flipped at {at}");
        }
        // Two segments swapped.
        let mut t = stored.clone();
        let (a, b) = (stored[seg(0)].to_vec(), stored[seg(1)].to_vec());
        t[seg(0)].copy_from_slice(&b);
        t[seg(1)].copy_from_slice(&a);
        assert_eq!(open(&t, 4096).err(), Some(Error::BadSegment { index: 0 }));
        // A middle segment dropped.
        let mut t = stored.clone();
        t.drain(seg(1));
        assert!(open(&t, 4096).is_err());
        // Cut at a segment boundary, and in the middle of one.
        assert_eq!(
            open(&stored[..seg(2).end], 4096).err(),
            Some(Error::BadSegment { index: 2 })
        );
        assert_eq!(
            open(&stored[..seg(2).end - 40], 4096).err(),
            Some(Error::BadSegment { index: 2 })
        );
        assert_eq!(
            open(&stored[..HEADER.len()], 4096).err(),
            Some(Error::Truncated)
        );
        assert_eq!(open(&[], 4096).err(), Some(Error::Truncated));
        // Bytes added after the last segment.
        let mut t = stored.clone();
        t.extend_from_slice(&[0; 16]);
        assert!(open(&t, 4096).is_err());
        // Another file's segment, or the same bytes under another context.
        let other = seal_as(b"drive/1/2", &plain, 4096);
        let mut t = stored.clone();
        t[seg(1)].copy_from_slice(&other[seg(1)]);
        assert_eq!(open(&t, 4096).err(), Some(Error::BadSegment { index: 1 }));
        let mut d = Decryptor::new(keys(), b"drive/1/2").unwrap();
        assert_eq!(
            d.push(&stored[..seg(1).end]).err(),
            Some(Error::BadSegment { index: 0 })
        );
        // Once failed, always failed.
        assert!(d.push(&[]).is_err() && d.finish().is_err());
        // A wrong header.
        let mut t = stored.clone();
        t[4] = 2;
        assert_eq!(open(&t, 4096).unwrap_err().code(), "BAD_ARGUMENT");
    }

    #[test]
    fn resuming_continues_the_same_file() {
        let plain = data(2 * SEGMENT_SIZE + 300);
        let mut e = Encryptor::new(keys(), b"drive/1/1").unwrap();
        let mut stored = e.push(&plain[..SEGMENT_SIZE + 100]).unwrap();
        assert_eq!(e.position(), (SEGMENT_SIZE + 100) as u64);
        let (sealed, pending) = (e.sealed(), e.pending().to_vec());
        assert_eq!((sealed, pending.len()), (1, 100));
        drop(e);
        let mut e = Encryptor::resume(keys(), b"drive/1/1", sealed, &pending).unwrap();
        stored.extend(e.push(&plain[SEGMENT_SIZE + 100..]).unwrap());
        stored.extend(e.finish().unwrap());
        assert_eq!(e.position(), plain.len() as u64);
        assert_eq!(open(&stored, 10_000).unwrap(), plain);
        assert!(e.push(b"more").is_err());
    }

    #[test]
    fn keys_depend_on_all_three_parts() {
        let stored = seal(b"hello", 5);
        for k in [
            Keys::derive(&[8u8; 32], b"installation salt").unwrap(),
            Keys::derive(&[7u8; 32], b"another salt").unwrap(),
        ] {
            let mut d = Decryptor::new(k, b"drive/1/1").unwrap();
            d.push(&stored).unwrap();
            assert_eq!(d.finish().err(), Some(Error::BadSegment { index: 0 }));
        }
        assert_eq!(
            Keys::derive(&[0; 16], b"").unwrap_err().code(),
            "KEY_LENGTH"
        );
    }
}
