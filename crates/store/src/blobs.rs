//! Where case-file blobs live: a local folder (the default, `DATA/blobs/`) or an S3-compatible
//! bucket (`s3://bucket/prefix`, through the `object_store` crate).
//!
//! Either way a blob is stored under `<aa>/<bb>/<sha256>` of its plaintext's SHA-256, in the sealed
//! format of [`crate::blobcrypt`]. Uploads are streamed to a staging file on local disk while they
//! are hashed and sealed (the address is known only at the end); [`Blobs::commit`] then renames the
//! staged file into the folder, or sends it to the bucket in 8 MiB multipart parts. Reads are byte
//! ranges (`read_at`): a file seek, or an HTTP range request, so a range read fetches only the
//! sealed chunks it needs.

use crate::StoreError;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Size of a multipart part sent to a bucket.
const PART_SIZE: usize = 8 << 20;

/// The blob store of a deployment.
#[derive(Clone)]
pub struct Blobs {
    kind: Kind,
    staging: PathBuf,
}

#[derive(Clone)]
enum Kind {
    Local(PathBuf),
    Object { store: Arc<dyn ObjectStore>, prefix: ObjectPath, url: String },
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

fn object_err(what: &str, e: object_store::Error) -> StoreError {
    StoreError::Database(format!("{what}: {e}"))
}

impl Blobs {
    /// Blobs in a local folder, staged in `<root>/staging` (same file system, so a commit is a rename).
    pub fn local(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self { staging: root.join("staging"), kind: Kind::Local(root) }
    }

    /// Blobs in an S3-compatible bucket named by `url` (`s3://bucket[/prefix]`). Credentials,
    /// region and endpoint come from the usual `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT` for an S3-compatible server,
    /// `AWS_ALLOW_HTTP=true` for one without TLS), overridden by `options` (the same keys in lower
    /// case, e.g. `aws_endpoint`). Uploads are staged in `staging` on local disk.
    pub fn s3(url: &str, options: &[(String, String)], staging: impl Into<PathBuf>) -> Result<Self, StoreError> {
        let bad = |m: String| StoreError::Invalid { field: "blobs".into(), message: m };
        let (bucket, path) = url.strip_prefix("s3://").map(|r| r.split_once('/').unwrap_or((r, ""))).unwrap_or(("", ""));
        if bucket.is_empty() || !bucket.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_') {
            return Err(bad(format!("对象存储地址应为 s3://存储桶/前缀，而不是“{url}”")));
        }
        // rustls needs a process-wide crypto provider (ring; aws-lc-rs is not built). Installing
        // it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
        for (k, v) in options {
            let key: object_store::aws::AmazonS3ConfigKey = k.parse().map_err(|e| bad(format!("对象存储选项“{k}”无效：{e}")))?;
            b = b.with_config(key, v);
        }
        let store = b.build().map_err(|e| bad(format!("对象存储“{url}”配置无效：{e}")))?;
        let prefix = ObjectPath::from(path.trim_matches('/'));
        Ok(Self { kind: Kind::Object { store: Arc::new(store), prefix, url: url.trim_end_matches('/').to_string() }, staging: staging.into() })
    }

    /// Where the blobs are, for people (`/data/blobs` or `s3://bucket/prefix`).
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Local(root) => root.display().to_string(),
            Kind::Object { url, .. } => url.clone(),
        }
    }

    /// A folder on local disk for staging uploads.
    pub fn staging_dir(&self) -> PathBuf {
        self.staging.clone()
    }

    /// The local path of a blob (`None` for a bucket).
    pub fn local_path(&self, sha256: &str) -> Option<PathBuf> {
        match &self.kind {
            Kind::Local(root) => Some(root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256)),
            Kind::Object { .. } => None,
        }
    }

    fn key(prefix: &ObjectPath, sha256: &str) -> ObjectPath {
        prefix.clone().join(&sha256[..2]).join(&sha256[2..4]).join(sha256)
    }

    /// Moves a staged, sealed file into place under its hash and removes the staged file. An
    /// object already there is kept unless `replace` (its row is new, so nothing refers to it).
    pub async fn commit(&self, staged: &Path, sha256: &str, replace: bool) -> Result<(), StoreError> {
        let io = |p: &Path, e: std::io::Error| StoreError::Database(format!("{}: {e}", p.display()));
        match &self.kind {
            Kind::Local(_) => {
                let dest = self.local_path(sha256).expect("local");
                let from = staged.to_path_buf();
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    if !replace && dest.exists() {
                        return std::fs::remove_file(&from);
                    }
                    std::fs::create_dir_all(dest.parent().expect("blob parent"))?;
                    std::fs::rename(&from, &dest)?;
                    // Make the rename durable.
                    if let Ok(d) = std::fs::File::open(dest.parent().expect("blob parent")) {
                        let _ = d.sync_all();
                    }
                    Ok(())
                })
                .await
                .map_err(|e| StoreError::Database(e.to_string()))?
                .map_err(|e| io(staged, e))
            }
            Kind::Object { store, prefix, .. } => {
                let key = Self::key(prefix, sha256);
                let what = format!("blob {sha256} in {}", self.describe());
                let exists = match store.head(&key).await {
                    Ok(_) => !replace,
                    Err(object_store::Error::NotFound { .. }) => false,
                    Err(e) => return Err(object_err(&what, e)),
                };
                if !exists {
                    {
                        let mut f = tokio::fs::File::open(staged).await.map_err(|e| io(staged, e))?;
                        let mut w = object_store::buffered::BufWriter::with_capacity(store.clone(), key, PART_SIZE);
                        let mut buf = vec![0u8; PART_SIZE];
                        loop {
                            let mut n = 0;
                            while n < buf.len() {
                                let r = f.read(&mut buf[n..]).await.map_err(|e| io(staged, e))?;
                                if r == 0 {
                                    break;
                                }
                                n += r;
                            }
                            if n == 0 {
                                break;
                            }
                            if let Err(e) = w.put(bytes::Bytes::copy_from_slice(&buf[..n])).await {
                                let _ = w.abort().await;
                                return Err(object_err(&what, e));
                            }
                        }
                        if let Err(e) = tokio::io::AsyncWriteExt::shutdown(&mut w).await {
                            let _ = w.abort().await;
                            return Err(StoreError::Database(format!("{what}: {e}")));
                        }
                    }
                }
                tokio::fs::remove_file(staged).await.map_err(|e| io(staged, e))
            }
        }
    }

    /// Opens a stored blob for reading byte ranges.
    pub async fn open(&self, sha256: &str) -> Result<BlobReader, StoreError> {
        match &self.kind {
            Kind::Local(_) => {
                let path = self.local_path(sha256).expect("local");
                let f = tokio::fs::File::open(&path).await.map_err(|e| StoreError::Corrupt(format!("blob {sha256}: cannot be read ({e})")))?;
                let len = f.metadata().await.map_err(|e| StoreError::Corrupt(format!("blob {sha256}: {e}")))?.len();
                Ok(BlobReader { src: Source::File(f), len })
            }
            Kind::Object { store, prefix, .. } => {
                let key = Self::key(prefix, sha256);
                let meta = store.head(&key).await.map_err(|e| match e {
                    object_store::Error::NotFound { .. } => StoreError::Corrupt(format!("blob {sha256}: missing from {}", self.describe())),
                    e => object_err(&format!("blob {sha256}"), e),
                })?;
                Ok(BlobReader { src: Source::Object(store.clone(), key), len: meta.size })
            }
        }
    }

    /// Deletes a blob's content (nothing to do if it is gone).
    pub async fn remove(&self, sha256: &str) -> Result<(), StoreError> {
        match &self.kind {
            Kind::Local(_) => {
                let path = self.local_path(sha256).expect("local");
                match tokio::fs::remove_file(&path).await {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Database(format!("{}: {e}", path.display()))),
                    _ => Ok(()),
                }
            }
            Kind::Object { store, prefix, .. } => match store.delete(&Self::key(prefix, sha256)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(object_err(&format!("blob {sha256}"), e)),
            },
        }
    }

    /// The stored bytes of a blob as they are (sealed), `None` if it is missing. For repair tools
    /// and tests; readers use [`crate::Store::read_file`], which verifies.
    pub async fn read_stored(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut r = match self.open(sha256).await {
            Ok(r) => r,
            Err(StoreError::Corrupt(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut buf = vec![0u8; r.len() as usize];
        r.read_at(0, &mut buf).await.map_err(StoreError::Corrupt)?;
        Ok(Some(buf))
    }

    /// Replaces a blob's stored bytes as given (no check). For repair tools and tests.
    pub async fn write_stored(&self, sha256: &str, bytes: &[u8]) -> Result<(), StoreError> {
        match &self.kind {
            Kind::Local(_) => {
                let path = self.local_path(sha256).expect("local");
                let io = |e: std::io::Error| StoreError::Database(format!("{}: {e}", path.display()));
                tokio::fs::create_dir_all(path.parent().expect("blob parent")).await.map_err(io)?;
                tokio::fs::write(&path, bytes).await.map_err(io)
            }
            Kind::Object { store, prefix, .. } => {
                store.put(&Self::key(prefix, sha256), bytes.to_vec().into()).await.map_err(|e| object_err(&format!("blob {sha256}"), e))?;
                Ok(())
            }
        }
    }
}

/// A stored blob opened for range reads.
pub struct BlobReader {
    src: Source,
    len: u64,
}

enum Source {
    File(tokio::fs::File),
    Object(Arc<dyn ObjectStore>, ObjectPath),
}

impl BlobReader {
    /// The stored length.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fills `buf` from `offset`; a short blob is an error.
    pub async fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        match &mut self.src {
            Source::File(f) => {
                f.seek(std::io::SeekFrom::Start(offset)).await.map_err(|e| e.to_string())?;
                f.read_exact(buf).await.map_err(|e| format!("content truncated ({e})"))?;
                Ok(())
            }
            Source::Object(store, key) => {
                if buf.is_empty() {
                    return Ok(());
                }
                let bytes = store.get_range(key, offset..offset + buf.len() as u64).await.map_err(|e| e.to_string())?;
                if bytes.len() != buf.len() {
                    return Err(format!("content truncated ({} of {} bytes)", bytes.len(), buf.len()));
                }
                buf.copy_from_slice(&bytes);
                Ok(())
            }
        }
    }
}
