//! Where Drive keeps the bytes of files, through `object_store`: a directory (by default
//! `DATA_DIR/drive/`, outside anything served), or an S3-compatible object store
//! (`--drive-store s3://BUCKET[/PREFIX]`, with the standard `AWS_*` variables for the
//! endpoint and credentials).
//!
//! A version of a file is one crypto-wasm segmented file (see `docs/protocol.md`), kept
//! as numbered **chunks**: objects `v<version>/<seq>` that each hold whole segments (the
//! first one also the 8-byte header). An upload writes a chunk whenever it has sealed
//! [`CHUNK_SEGMENTS`] segments and at the end of every request, so nothing is ever
//! appended to an object, and the bytes of one upload in memory stay under one chunk.
//! `drive_chunks` lists every chunk with where it starts in the whole stored file.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::error::{ApiError, ApiResult};

/// Segments per chunk: 64, about 4 MiB.
pub const CHUNK_SEGMENTS: usize = 64;

/// The store of Drive's chunks.
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blobs({})", self.store)
    }
}

fn failed(what: &'static str) -> impl Fn(object_store::Error) -> ApiError {
    move |e| ApiError::internal(format!("storage: cannot {what}: {e}"))
}

impl Blobs {
    /// Chunks as files under `dir` (created, readable by the server only).
    pub fn local(dir: &Path) -> Result<Blobs, String> {
        crate::private_fs::create_dir(dir)
            .and_then(|()| crate::private_fs::tighten(dir))
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Blobs {
            store: Arc::new(store),
        })
    }

    /// Chunks in an S3-compatible bucket, `s3://BUCKET[/PREFIX]`; the endpoint, region
    /// and credentials come from the environment (`AWS_ENDPOINT`, `AWS_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP` for a plain-HTTP
    /// endpoint on a private network).
    pub fn s3(url: &str) -> Result<Blobs, String> {
        let rest = url
            .strip_prefix("s3://")
            .filter(|r| !r.is_empty())
            .ok_or(format!(
                "--drive-store: expected s3://BUCKET[/PREFIX], got {url:?}"
            ))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let s3 = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("--drive-store {url}: {e}"))?;
        let store: Arc<dyn ObjectStore> = match prefix.trim_matches('/') {
            "" => Arc::new(s3),
            p => Arc::new(object_store::prefix::PrefixStore::new(s3, p)),
        };
        Ok(Blobs { store })
    }

    /// Every stored object, its name and bytes (for tests and tools that check what is
    /// at rest).
    pub async fn objects(&self) -> Result<Vec<(String, Bytes)>, String> {
        use futures_util::TryStreamExt;
        let metas: Vec<_> = self
            .store
            .list(None)
            .try_collect()
            .await
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for m in metas {
            let bytes = self
                .store
                .get(&m.location)
                .await
                .map_err(|e| e.to_string())?
                .bytes()
                .await
                .map_err(|e| e.to_string())?;
            out.push((m.location.to_string(), bytes));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Replaces the object `name` (one of [`Blobs::objects`]) with `bytes` (for tests
    /// that damage what is stored).
    pub async fn overwrite(&self, name: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.store
            .put(&ObjectPath::from(name), PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn path(version: i64, seq: i64) -> ObjectPath {
        ObjectPath::from(format!("v{version}/{seq}"))
    }

    /// Stores chunk `seq` of `version`.
    pub async fn put(&self, version: i64, seq: i64, bytes: Vec<u8>) -> ApiResult<()> {
        self.store
            .put(&Self::path(version, seq), PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(failed("write a chunk"))
    }

    /// Bytes `range` of chunk `seq` of `version`.
    pub async fn read(&self, version: i64, seq: i64, range: Range<u64>) -> ApiResult<Bytes> {
        self.store
            .get_range(&Self::path(version, seq), range)
            .await
            .map_err(failed("read a chunk"))
    }

    /// Removes chunk `seq` of `version` (logged if it fails).
    pub async fn remove_chunk(&self, version: i64, seq: i64) {
        match self.store.delete(&Self::path(version, seq)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(version, seq, error = %e, "drive: a chunk was not removed"),
        }
    }

    /// Removes every chunk of `version`, those no row lists included (written by a
    /// request that failed before it committed). A failure is logged: it leaves bytes
    /// nobody can reach, never a file that lacks some.
    pub async fn remove_version(&self, version: i64) {
        if let Err(e) = self.try_remove_version(version).await {
            tracing::warn!(version, error = %e, "drive: chunks not removed");
        }
    }

    async fn try_remove_version(&self, version: i64) -> Result<(), object_store::Error> {
        use futures_util::TryStreamExt;
        let prefix = ObjectPath::from(format!("v{version}"));
        let found: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        for meta in found {
            match self.store.delete(&meta.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
