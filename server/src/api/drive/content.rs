//! The bytes of a version: sealed as they arrive into chunks (see `blobs`), and read back
//! for any byte range, one authenticated segment at a time.
//!
//! Each version has its own 32-byte random key (sealed under the workspace's data key in
//! `drive_versions.file_key`); the segment keys come from it, the installation's Drive
//! salt and crypto-wasm's constant by HKDF (`segments::Keys::derive`). The segments are
//! bound to the context `drive/v<version id>`: a version id names one version of one file.
//! A copied file's version reads the bytes of the version it was copied from (its
//! `content_id`), with the same key sealed again for its own row: see [`reader`].

use std::ops::Range;

use bytes::Bytes;
use crypto_wasm::segments::{self, Encryptor, Keys, SEGMENT_SIZE, STORED_SEGMENT};
use futures_util::Stream;
use zeroize::Zeroizing;

use crate::args;
use crate::blobs::{Blobs, CHUNK_SEGMENTS};
use crate::db::Tx;
use crate::error::{ApiError, ApiResult};
use crate::vault::{Place, Scope};

/// Segments a download reads at once (1 MiB): one read of the store each.
const READ_SEGMENTS: u64 = 16;

/// What a version's segments are bound to.
pub fn context(version: i64) -> Vec<u8> {
    format!("drive/v{version}").into_bytes()
}

/// A fresh file key, sealed for `drive_versions.file_key` of `version`.
pub async fn new_key(tx: &mut Tx, workspace: i64, version: i64) -> ApiResult<String> {
    let key = Zeroizing::new(crypto_wasm::random::token(32).map_err(ApiError::internal)?);
    tx.seal(
        Scope::Workspace(workspace),
        &Place::new("drive_versions", "file_key", version),
        &key,
    )
    .await
}

/// The file key of `from` (sealed there as `sealed`), sealed again for version `to` (a
/// copy, which reads the same bytes).
pub async fn reseal_key(
    tx: &mut Tx,
    workspace: i64,
    from: i64,
    sealed: &str,
    to: i64,
) -> ApiResult<String> {
    let key = Zeroizing::new(
        tx.open(&Place::new("drive_versions", "file_key", from), sealed)
            .await?,
    );
    tx.seal(
        Scope::Workspace(workspace),
        &Place::new("drive_versions", "file_key", to),
        &key,
    )
    .await
}

/// The segment keys of `version` from its sealed file key.
pub async fn keys(tx: &mut Tx, version: i64, sealed: &str, salt: &[u8]) -> ApiResult<Keys> {
    let hex = Zeroizing::new(
        tx.open(&Place::new("drive_versions", "file_key", version), sealed)
            .await?,
    );
    let key =
        Zeroizing::new(crypto_wasm::hex::decode(&hex, "file key").map_err(ApiError::internal)?);
    Keys::derive(&key, salt).map_err(ApiError::internal)
}

/// One chunk of a version: its number, where it starts in the stored file, its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// Its number.
    pub seq: i64,
    /// Where it starts in the whole stored file.
    pub start: i64,
    /// Its length.
    pub bytes: i64,
}

/// The chunks of `version`, in order.
pub async fn chunks(tx: &mut Tx, version: i64) -> ApiResult<Vec<Chunk>> {
    let rows: Vec<(i64, i64, i64)> = tx
        .all(
            "SELECT seq, start, bytes FROM drive_chunks WHERE version_id = $1 ORDER BY seq",
            args![version],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, start, bytes)| Chunk { seq, start, bytes })
        .collect())
}

/// Seals an upload into chunks as its bytes arrive. It writes a chunk every
/// [`CHUNK_SEGMENTS`] segments and on [`Writer::flush`]; the caller records the chunks it
/// wrote ([`Writer::written`]) in the same transaction as the upload's new offset.
pub struct Writer {
    blobs: Blobs,
    version: i64,
    enc: Encryptor,
    buf: Vec<u8>,
    next_seq: i64,
    next_start: i64,
    written: Vec<Chunk>,
}

impl Writer {
    /// Continues `version` after `chunks` (its chunks so far), with `sealed` segments and
    /// the plaintext `pending` after them.
    pub fn resume(
        blobs: Blobs,
        version: i64,
        keys: Keys,
        chunks: &[Chunk],
        sealed: u64,
        pending: &[u8],
    ) -> ApiResult<Writer> {
        let enc = if chunks.is_empty() {
            let mut e = Encryptor::new(keys, &context(version)).map_err(ApiError::internal)?;
            // Nothing stored yet: the header comes with the first chunk.
            let head = e.push(pending).map_err(ApiError::internal)?;
            return Ok(Writer {
                blobs,
                version,
                enc: e,
                buf: head,
                next_seq: 0,
                next_start: 0,
                written: Vec::new(),
            });
        } else {
            Encryptor::resume(keys, &context(version), sealed, pending)
                .map_err(ApiError::internal)?
        };
        let last = chunks.last().expect("not empty");
        Ok(Writer {
            blobs,
            version,
            enc,
            buf: Vec::new(),
            next_seq: last.seq + 1,
            next_start: last.start + last.bytes,
            written: Vec::new(),
        })
    }

    /// Plaintext bytes taken so far (the upload's offset).
    pub fn position(&self) -> u64 {
        self.enc.position()
    }

    /// Segments sealed so far.
    pub fn sealed(&self) -> u64 {
        self.enc.sealed()
    }

    /// The plaintext after the last sealed segment.
    pub fn pending(&self) -> &[u8] {
        self.enc.pending()
    }

    /// The chunks written so far by this writer.
    pub fn written(&self) -> &[Chunk] {
        &self.written
    }

    /// Takes the next bytes of the upload.
    pub async fn push(&mut self, data: &[u8]) -> ApiResult<()> {
        let out = self.enc.push(data).map_err(ApiError::internal)?;
        self.buf.extend_from_slice(&out);
        if self.buf.len() >= CHUNK_SEGMENTS * STORED_SEGMENT {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is sealed and not written yet as a chunk.
    pub async fn flush(&mut self) -> ApiResult<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buf);
        let chunk = Chunk {
            seq: self.next_seq,
            start: self.next_start,
            bytes: bytes.len() as i64,
        };
        self.blobs.put(self.version, chunk.seq, bytes).await?;
        self.next_seq += 1;
        self.next_start += chunk.bytes;
        self.written.push(chunk);
        Ok(())
    }

    /// Seals the last segment and writes the rest.
    pub async fn finish(&mut self) -> ApiResult<()> {
        let out = self.enc.finish().map_err(ApiError::internal)?;
        self.buf.extend_from_slice(&out);
        self.flush().await
    }
}

/// A reader of `version`: its key, and the chunks and context of its content (its own, or
/// those of the version it was copied from).
pub async fn reader(tx: &mut Tx, blobs: &Blobs, salt: &[u8], version: i64) -> ApiResult<Reader> {
    let (size, sealed, content): (i64, String, Option<i64>) = tx
        .one(
            "SELECT size, file_key, content_id FROM drive_versions WHERE id = $1",
            args![version],
        )
        .await?;
    let content = content.unwrap_or(version);
    Ok(Reader {
        blobs: blobs.clone(),
        content,
        keys: keys(tx, version, &sealed, salt).await?,
        chunks: chunks(tx, content).await?,
        size: size as u64,
    })
}

/// Where segment `index` of a stored file of `size` plaintext bytes lies: its stored
/// byte range and whether it is the last.
fn segment_range(index: u64, size: u64) -> (Range<u64>, bool) {
    let count = segments::segment_count(size);
    let start = segments::segment_offset(index);
    let last = index + 1 == count;
    let end = if last {
        segments::stored_len(size)
    } else {
        start + STORED_SEGMENT as u64
    };
    (start..end, last)
}

/// Everything needed to read a version back.
#[derive(Clone)]
pub struct Reader {
    /// Where its chunks are.
    pub blobs: Blobs,
    /// The version whose chunks hold the bytes (itself, or the original of a copy).
    pub content: i64,
    /// Its segment keys.
    pub keys: Keys,
    /// Its chunks.
    pub chunks: Vec<Chunk>,
    /// Its plaintext size.
    pub size: u64,
}

impl Reader {
    /// Reads and opens segment `index`.
    pub async fn segment(&self, index: u64) -> ApiResult<Vec<u8>> {
        self.segments(index, index).await
    }

    /// Reads segments `first..=last` (of one chunk: the caller stops at a chunk's end)
    /// with one read of the store, and opens them in order; their plaintext, joined.
    async fn segments(&self, first: u64, last: u64) -> ApiResult<Vec<u8>> {
        let (start, _) = segment_range(first, self.size);
        let (end, _) = segment_range(last, self.size);
        let c = self.chunk_of(start.start, first)?;
        let (from, to) = (start.start - c.start as u64, end.end - c.start as u64);
        if to > c.bytes as u64 {
            return Err(unreadable(self.content, last, "its chunk is too short"));
        }
        let stored = self.blobs.read(self.content, c.seq, from..to).await?;
        // A store may answer short (an object cut behind the server's back).
        if stored.len() as u64 != to - from {
            return Err(unreadable(
                self.content,
                first,
                "its chunk is shorter than listed",
            ));
        }
        let mut out = Vec::with_capacity(SEGMENT_SIZE * (last - first + 1) as usize);
        for index in first..=last {
            let (r, is_last) = segment_range(index, self.size);
            let at = (r.start - start.start) as usize..(r.end - start.start) as usize;
            self.keys
                .open_segment(
                    &context(self.content),
                    index,
                    is_last,
                    &stored[at],
                    &mut out,
                )
                .map_err(|e| unreadable(self.content, index, &e.to_string()))?;
        }
        Ok(out)
    }

    /// The chunk that holds stored byte `at` (of segment `index`, for the error).
    fn chunk_of(&self, at: u64, index: u64) -> ApiResult<Chunk> {
        let i = self
            .chunks
            .partition_point(|c| c.start as u64 <= at)
            .checked_sub(1)
            .ok_or_else(|| unreadable(self.content, index, "no chunk holds it"))?;
        Ok(self.chunks[i])
    }

    /// The last segment, from `first` on and at most [`READ_SEGMENTS`] of them, that is
    /// in the same chunk as `first` and not past `until`.
    fn batch_end(&self, first: u64, until: u64) -> u64 {
        let Ok(c) = self.chunk_of(segment_range(first, self.size).0.start, first) else {
            return first;
        };
        let chunk_end = (c.start + c.bytes) as u64;
        let mut last = first;
        while last < until
            && last + 1 < first + READ_SEGMENTS
            && segment_range(last + 1, self.size).0.end <= chunk_end
        {
            last += 1;
        }
        last
    }

    /// The whole plaintext, in memory (for small files only: thumbnails).
    pub async fn read_all(self) -> ApiResult<Vec<u8>> {
        use futures_util::StreamExt as _;
        let size = self.size;
        let mut out = Vec::with_capacity(size as usize);
        let mut s = std::pin::pin!(self.stream(0..size));
        while let Some(b) = s.next().await {
            out.extend_from_slice(&b?);
        }
        Ok(out)
    }

    /// The plaintext bytes `range` (within the size), as a stream of pieces of up to
    /// [`READ_SEGMENTS`] segments, trimmed to the range: memory stays at one piece.
    pub fn stream(self, range: Range<u64>) -> impl Stream<Item = Result<Bytes, ApiError>> + Send {
        let seg = SEGMENT_SIZE as u64;
        let first = range.start / seg;
        let until = range.end.saturating_sub(1) / seg;
        futures_util::stream::unfold(
            (self, range, Some(first)),
            move |(reader, range, index)| async move {
                let index = index?;
                let seg_start = index * seg;
                if seg_start >= range.end {
                    return None;
                }
                let last = reader.batch_end(index, until);
                let r = reader.segments(index, last).await.map(|plain| {
                    let from = range.start.saturating_sub(seg_start) as usize;
                    let to = ((range.end - seg_start) as usize).min(plain.len());
                    Bytes::from(plain).slice(from.min(to)..to)
                });
                // After an error the stream ends (the response is cut short).
                let next = r.is_ok().then_some(last + 1);
                Some((r, (reader, range, next)))
            },
        )
    }
}

/// A stored segment that does not open: tampered with, moved or cut short. Logged; the
/// download is cut rather than ever sending wrong bytes.
fn unreadable(version: i64, index: u64, why: &str) -> ApiError {
    tracing::error!(
        version,
        index,
        why,
        "drive: a stored segment failed to open"
    );
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "UNREADABLE",
        "this file is damaged on the server and cannot be read",
    )
}
