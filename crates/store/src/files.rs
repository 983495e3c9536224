//! Electronic case files (电子卷宗) and sealed legal documents (电子签章).
//!
//! The key decisions:
//! * **Content by hash, metadata in rows, nothing replaced.** Uploaded bytes stream to a staging
//!   file, sealed chunk by chunk, while SHA-256 (the blob's address) and the suite's hash are
//!   computed; the staged file then goes to `<aa>/<bb>/<sha256>` of the blob store ([`Blobs`]: a
//!   rename into `DATA/blobs/`, or a multipart upload to an S3-compatible bucket). A correction is
//!   a new version in the same lineage with a reason; a court-ordered sealing (封存, [`Store::purge_content`])
//!   deletes the blob and keeps its hash and every record.
//! * **Every read is verified.** Blobs are sealed at rest in 1 MiB chunks ([`crate::blobcrypt`]);
//!   `blobs.blocks` holds each chunk's authentication tag (for blobs stored before, each block's
//!   SHA-256); a reader checks a block before handing out any of its bytes, so corrupted content
//!   is an error, never served (a range read checks only the blocks it touches).
//! * **What travels is frozen.** A manifest lists the exact file versions sent to another
//!   organization, with the SHA-256 of its canonical JSON; the receiver may read those items.
//! * **Seals use the deployment's crypto provider** (`meta.crypto_suite`, SHA-256/Ed25519 or
//!   SM3/SM2) and per-organization keys created on demand in `DATA/keys/` (0600).
//! * **Every change and every download is an entry of `files_log`**, chained by hash, the table
//!   the ledger can include.
//!
//! Writes go through the store's write pool (one connection), each operation one transaction.

use crate::blobcrypt::{self, BlobKey};
use crate::{sql, trace, Store, StoreError};
use chrono::{DateTime, Utc};
use crypto::seal::{DocumentMetadata, SealedDocument};
use crypto::{CryptoProvider, StreamHasher, Suite};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Row, AnyConnection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Size of a verified block.
pub const BLOCK_SIZE: u64 = 1 << 20;
/// Largest title.
const MAX_TITLE: usize = 200;

/// The kind of content, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileCategory {
    Pdf,
    Image,
    Audio,
    Video,
    Office,
    Text,
    Other,
}

impl FileCategory {
    pub fn of_media_type(mt: &str) -> Self {
        let mt = mt.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match mt.as_str() {
            "application/pdf" => Self::Pdf,
            m if m.starts_with("image/") => Self::Image,
            m if m.starts_with("audio/") => Self::Audio,
            m if m.starts_with("video/") => Self::Video,
            m if m.starts_with("text/") => Self::Text,
            "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint" | "application/ofd" => Self::Office,
            m if m.starts_with("application/vnd.openxmlformats-officedocument") || m.starts_with("application/vnd.oasis.opendocument") => Self::Office,
            _ => Self::Other,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Office => "office",
            Self::Text => "text",
            Self::Other => "other",
        }
    }
    fn parse(s: &str) -> Self {
        serde_json::from_value(serde_json::Value::String(s.into())).unwrap_or(Self::Other)
    }
}

/// What the uploader says about a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFile {
    pub title: String,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub pages: Option<u32>,
    /// The person of the case the item concerns (their number in the case).
    #[serde(default)]
    pub person: Option<u32>,
    /// The evidence item it belongs to (the agency's own evidence number).
    #[serde(default)]
    pub evidence: Option<String>,
}

/// Who acts on files: a user of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileActor {
    pub user: String,
    pub org: String,
}

/// An item of a case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseFile {
    pub id: String,
    pub case_id: String,
    /// The id of the first version; all versions share it.
    pub lineage: String,
    pub version: u32,
    pub supersedes: Option<String>,
    pub reason: Option<String>,
    pub person: Option<u32>,
    pub evidence: Option<String>,
    pub category: FileCategory,
    pub media_type: String,
    pub title: String,
    pub pages: Option<u32>,
    pub sha256: String,
    pub size: u64,
    pub org: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// False after a court-ordered sealing removed the content.
    pub content_available: bool,
}

/// A resumable upload's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadStatus {
    pub id: String,
    pub case_id: String,
    pub expected_size: Option<u64>,
    pub received: u64,
    pub completed_file: Option<String>,
}

/// A volume and its ordered catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Volume {
    pub id: String,
    pub case_id: String,
    pub org: String,
    pub title: String,
    pub items: Vec<VolumeItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeItem {
    pub position: u32,
    pub file_id: String,
    pub title: String,
}

/// A frozen transfer manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    pub case_id: String,
    pub from_org: String,
    pub to_org: String,
    pub event_seq: Option<u64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub items: Vec<ManifestItem>,
    /// SHA-256 (hex) of the canonical JSON of everything above.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestItem {
    pub file_id: String,
    pub title: String,
    pub sha256: String,
    pub size: u64,
    pub volume: Option<String>,
    pub position: Option<u32>,
}

/// One entry of the files trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilesLogEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub case_id: String,
    pub actor_user: String,
    pub actor_org: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
    pub hash: String,
}

/// A sealed document with its place in the lineage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedView {
    pub id: String,
    pub number: String,
    pub version: u32,
    pub latest: bool,
    pub document: SealedDocument,
}

/// An organization's public seal key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealKeyView {
    pub org: String,
    pub suite: Suite,
    pub public_key: String,
    pub fingerprint: String,
    pub created_at: String,
}

/// Result of checking a sealed document against the platform's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealCheck {
    /// The signature and content hash are valid.
    pub valid: bool,
    /// The public key is the one the platform holds for the issuing organization.
    pub key_registered: bool,
    pub content_checked: bool,
    pub error: Option<String>,
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { field: field.into(), message: message.into() }
}

fn io_err(what: &Path, e: std::io::Error) -> StoreError {
    StoreError::Database(format!("{}: {e}", what.display()))
}

fn db(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Blob store

pub use crate::blobs::{BlobReader, Blobs};

/// Hashes computed while content streams in.
pub struct ContentHasher {
    whole: Sha256,
    /// Per-block SHA-256 digests; off when the sealed chunks' tags stand in for them.
    per_block: bool,
    block: Sha256,
    in_block: u64,
    blocks: Vec<u8>,
    size: u64,
    suite: Option<Box<dyn StreamHasher>>,
    suite_name: Suite,
}

impl ContentHasher {
    /// The whole content's SHA-256 (and the suite's hash) plus the SHA-256 of every 1 MiB block.
    pub fn new(suite: Suite) -> Self {
        Self { per_block: true, ..Self::whole_only(suite) }
    }

    /// Only the whole content's hashes: one SHA-256 pass (blocks are checked by their chunks'
    /// authentication tags instead, [`FileWriter`]).
    pub fn whole_only(suite: Suite) -> Self {
        Self {
            whole: Sha256::new(),
            per_block: false,
            block: Sha256::new(),
            in_block: 0,
            blocks: Vec::new(),
            size: 0,
            // SHA-256 is already computed; only another suite needs a second hash.
            suite: (suite != Suite::Standard).then(|| suite.provider().hasher()),
            suite_name: suite,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.whole.update(data);
        if let Some(s) = &mut self.suite {
            s.update(data);
        }
        self.size += data.len() as u64;
        while self.per_block && !data.is_empty() {
            let take = ((BLOCK_SIZE - self.in_block) as usize).min(data.len());
            self.block.update(&data[..take]);
            self.in_block += take as u64;
            data = &data[take..];
            if self.in_block == BLOCK_SIZE {
                let b = std::mem::take(&mut self.block).finalize();
                self.blocks.extend_from_slice(&b);
                self.in_block = 0;
            }
        }
    }

    pub fn finish(mut self) -> ContentHashes {
        if self.in_block > 0 {
            self.blocks.extend_from_slice(&self.block.finalize());
        }
        let sha256 = hex::encode(self.whole.finalize());
        let suite_hash = match self.suite {
            Some(s) => hex::encode(s.finalize()),
            None => sha256.clone(),
        };
        ContentHashes { sha256, size: self.size, blocks: self.blocks, suite: self.suite_name, suite_hash }
    }
}

/// The hashes of a staged content.
#[derive(Debug, Clone)]
pub struct ContentHashes {
    pub sha256: String,
    pub size: u64,
    pub blocks: Vec<u8>,
    pub suite: Suite,
    pub suite_hash: String,
}

/// Content being streamed to a staging file, sealed chunk by chunk as it arrives
/// ([`crate::blobcrypt`]).
pub struct FileWriter {
    file: tokio::io::BufWriter<tokio::fs::File>,
    path: PathBuf,
    hasher: ContentHasher,
    limit: u64,
    key: Arc<BlobKey>,
    /// Plaintext not sealed yet: a chunk is sealed once the next byte shows it is not the last.
    pending: Vec<u8>,
    chunk: u64,
    /// The authentication tag of every sealed chunk, in order (`blobs.blocks`).
    tags: Vec<u8>,
}

/// Content hashed and on disk, not yet attached to a case.
pub struct StagedContent {
    path: PathBuf,
    pub hashes: ContentHashes,
}

impl Drop for StagedContent {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl FileWriter {
    /// Writes a chunk; refuses to grow past the limit.
    pub async fn write(&mut self, data: &[u8]) -> Result<(), StoreError> {
        if self.hasher.size + data.len() as u64 > self.limit {
            let _ = tokio::fs::remove_file(&self.path).await;
            return Err(invalid("body", format!("文件超过上限（{} 字节）", self.limit)));
        }
        self.hasher.update(data);
        self.pending.extend_from_slice(data);
        let block = BLOCK_SIZE as usize;
        if self.pending.len() > block {
            let mut done = 0;
            while self.pending.len() - done > block {
                let sealed = self.key.seal_chunk(self.chunk, false, &self.pending[done..done + block])?;
                self.tags.extend_from_slice(&sealed[sealed.len() - blobcrypt::TAG_LEN..]);
                self.file.write_all(&sealed).await.map_err(|e| io_err(&self.path, e))?;
                self.chunk += 1;
                done += block;
            }
            self.pending.drain(..done);
        }
        Ok(())
    }

    pub fn written(&self) -> u64 {
        self.hasher.size
    }

    /// Flushes to disk (fsync) and returns the hashes.
    pub async fn finish(mut self) -> Result<StagedContent, StoreError> {
        if !self.pending.is_empty() {
            let sealed = self.key.seal_chunk(self.chunk, true, &self.pending)?;
            self.tags.extend_from_slice(&sealed[sealed.len() - blobcrypt::TAG_LEN..]);
            self.file.write_all(&sealed).await.map_err(|e| io_err(&self.path, e))?;
        }
        self.file.flush().await.map_err(|e| io_err(&self.path, e))?;
        self.file.get_mut().sync_all().await.map_err(|e| io_err(&self.path, e))?;
        let mut hashes = self.hasher.finish();
        hashes.blocks = self.tags;
        Ok(StagedContent { path: self.path, hashes })
    }

    /// Abandons the content.
    pub async fn abort(self) {
        let _ = tokio::fs::remove_file(&self.path).await;
    }
}

/// Reads a range of a blob, verifying each 1 MiB block before any of its bytes are returned.
pub struct VerifiedReader {
    file: BlobReader,
    /// The key of a sealed blob; `None` for a blob stored before encryption at rest.
    key: Option<Arc<BlobKey>>,
    blocks: Vec<u8>,
    size: u64,
    /// Next byte to return and one past the last.
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    what: String,
}

impl VerifiedReader {
    /// The next verified chunk, `None` at the end of the range.
    pub async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, StoreError>> {
        if self.pos >= self.end {
            return None;
        }
        Some(self.read_block().await)
    }

    async fn read_block(&mut self) -> Result<Vec<u8>, StoreError> {
        let block = self.pos / BLOCK_SIZE;
        let start = block * BLOCK_SIZE;
        let len = (self.size - start).min(BLOCK_SIZE) as usize;
        let (offset, stored) = match self.key {
            Some(_) => (blobcrypt::chunk_offset(block), len + blobcrypt::CHUNK_OVERHEAD as usize),
            None => (start, len),
        };
        self.buf.resize(stored, 0);
        self.file.read_at(offset, &mut self.buf).await.map_err(|e| StoreError::Corrupt(format!("{}: {e}", self.what)))?;
        let check = BlockCheck::of(&self.blocks, self.size);
        self.buf = open_block(check, &self.blocks, self.key.as_deref(), block, start + len as u64 == self.size, std::mem::take(&mut self.buf)).map_err(|e| StoreError::Corrupt(format!("{}: {e}", self.what)))?;
        let from = (self.pos - start) as usize;
        let to = ((self.end - start) as usize).min(len);
        self.pos = start + to as u64;
        Ok(self.buf[from..to].to_vec())
    }
}

/// How `blobs.blocks` checks each block: the SHA-256 of every plaintext block (blobs stored
/// before uploads were hashed once), or the authentication tag of every sealed chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockCheck {
    Digests,
    Tags,
}

impl BlockCheck {
    fn of(blocks: &[u8], size: u64) -> Self {
        if blocks.len() as u64 == size.div_ceil(BLOCK_SIZE) * blobcrypt::TAG_LEN as u64 && size > 0 {
            Self::Tags
        } else {
            Self::Digests
        }
    }
    fn valid(blocks: &[u8], size: u64) -> bool {
        let n = size.div_ceil(BLOCK_SIZE);
        blocks.len() as u64 == n * 32 || blocks.len() as u64 == n * blobcrypt::TAG_LEN as u64
    }
}

/// Checks one stored block against its row and returns its plaintext: a sealed chunk's tag must be
/// the recorded one (and the chunk must open), a plain or digest-checked block must hash to its
/// recorded SHA-256. Nothing unchecked comes out.
fn open_block(check: BlockCheck, blocks: &[u8], key: Option<&BlobKey>, block: u64, last: bool, stored: Vec<u8>) -> Result<Vec<u8>, String> {
    let plain = match (check, key) {
        (BlockCheck::Tags, None) => return Err(format!("block {block}: stored unsealed but recorded as sealed")),
        (BlockCheck::Tags, Some(k)) => {
            let t = blobcrypt::TAG_LEN;
            let want = &blocks[block as usize * t..block as usize * t + t];
            if stored.len() < t || &stored[stored.len() - t..] != want {
                return Err(format!("block {block} is not the chunk recorded for this content"));
            }
            k.open_chunk(block, last, &stored).map_err(|e| e.to_string())?
        }
        (BlockCheck::Digests, Some(k)) => k.open_chunk(block, last, &stored).map_err(|e| e.to_string())?,
        (BlockCheck::Digests, None) => stored,
    };
    if check == BlockCheck::Digests && Sha256::digest(&plain).as_slice() != &blocks[block as usize * 32..block as usize * 32 + 32] {
        return Err(format!("block {block} does not match its hash"));
    }
    Ok(plain)
}

// ---------------------------------------------------------------------------------------------
// Row mapping and the files trace

const FILE_COLUMNS: &str = "f.id, f.case_id, f.lineage, f.version, f.supersedes, f.reason, f.person, f.evidence, f.category, f.media_type, f.title, f.pages, f.sha256, f.size, f.org, f.uploaded_by, f.uploaded_at, b.purged_at";

fn file_row(r: &sqlx::any::AnyRow) -> Result<CaseFile, StoreError> {
    Ok(CaseFile {
        id: r.get("id"),
        case_id: r.get("case_id"),
        lineage: r.get("lineage"),
        version: r.get::<i64, _>("version") as u32,
        supersedes: r.get("supersedes"),
        reason: r.get("reason"),
        person: r.get::<Option<i64>, _>("person").map(|p| p as u32),
        evidence: r.get("evidence"),
        category: FileCategory::parse(r.get::<&str, _>("category")),
        media_type: r.get("media_type"),
        title: r.get("title"),
        pages: r.get::<Option<i64>, _>("pages").map(|p| p as u32),
        sha256: r.get("sha256"),
        size: r.get::<i64, _>("size") as u64,
        org: r.get("org"),
        uploaded_by: r.get("uploaded_by"),
        uploaded_at: sql::parse_ts(r.get::<&str, _>("uploaded_at"))?,
        content_available: r.get::<Option<String>, _>("purged_at").is_none(),
    })
}

async fn next_id(conn: &mut AnyConnection, counter: &str, prefix: &str) -> Result<String, StoreError> {
    let n: i64 = sqlx::query_scalar("INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT(name) DO UPDATE SET value = counters.value + 1 RETURNING value")
        .bind(counter)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    Ok(format!("{prefix}{n:06}"))
}

#[derive(Serialize)]
struct LogBody<'a> {
    seq: i64,
    at: &'a str,
    case_id: &'a str,
    actor_user: &'a str,
    actor_org: &'a str,
    action: &'a str,
    subject: &'a str,
    detail: &'a serde_json::Value,
}

/// An entry of the files trace about to be appended.
struct LogEntry<'a> {
    at: DateTime<Utc>,
    case_id: &'a str,
    actor: &'a FileActor,
    action: &'a str,
    subject: &'a str,
    detail: serde_json::Value,
}

/// Appends an entry to the files trace, chained to the previous one.
async fn log(conn: &mut AnyConnection, at: DateTime<Utc>, case_id: &str, actor: &FileActor, action: &str, subject: &str, detail: serde_json::Value) -> Result<(), StoreError> {
    log_many(conn, &[LogEntry { at, case_id, actor, action, subject, detail }]).await
}

/// Appends entries to the files trace in order, each chained to the one before it
/// (`hash = SHA-256(prev_hash ‖ body)`), in multi-row statements.
async fn log_many(conn: &mut AnyConnection, entries: &[LogEntry<'_>]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let prev: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM files_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *conn).await.map_err(db)?;
    let (mut seq, mut prev_hash) = match prev {
        Some((s, h)) => (s, hex::decode(h).map_err(|_| StoreError::Corrupt("files_log hash".into()))?),
        None => (0, vec![0u8; 32]),
    };
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let at_s = sql::ts(e.at);
        let body = serde_json::to_string(&LogBody { seq, at: &at_s, case_id: e.case_id, actor_user: &e.actor.user, actor_org: &e.actor.org, action: e.action, subject: e.subject, detail: &e.detail }).expect("log body");
        let mut h = Sha256::new();
        h.update(&prev_hash);
        h.update(body.as_bytes());
        let digest = h.finalize().to_vec();
        rows.push((seq, at_s, e, body, hex::encode(&digest)));
        prev_hash = digest;
    }
    for chunk in crate::qb::pow2_chunks(&rows, 128) {
        let mut b = crate::qb::QueryBuilder::new(crate::Backend::of(conn), "INSERT INTO files_log (seq, at, case_id, actor_user, actor_org, action, subject, body, hash) ");
        b.push_values(chunk, |mut r, (seq, at_s, e, body, hash)| {
            r.push_bind(*seq)
                .push_bind(at_s.clone())
                .push_bind(e.case_id.to_string())
                .push_bind(e.actor.user.clone())
                .push_bind(e.actor.org.clone())
                .push_bind(e.action.to_string())
                .push_bind(e.subject.to_string())
                .push_bind(body.clone())
                .push_bind(hash.clone());
        });
        b.build().execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

fn check_title(title: &str) -> Result<String, StoreError> {
    let t = title.trim();
    if t.is_empty() {
        return Err(invalid("title", "标题不能为空"));
    }
    if t.chars().count() > MAX_TITLE {
        return Err(invalid("title", format!("标题不能超过{MAX_TITLE}字")));
    }
    Ok(t.to_string())
}

fn check_reason(reason: &str) -> Result<String, StoreError> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(invalid("reason", "更正必须说明理由"));
    }
    if r.chars().count() > 500 {
        return Err(invalid("reason", "理由不能超过500字"));
    }
    Ok(r.to_string())
}

fn secret_hex_file(dir: &Path, org: &str, suite: Suite) -> PathBuf {
    // Organization ids are validated identifiers; keep only safe characters in the file name.
    let safe: String = org.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    dir.join(format!("seal-{safe}-{suite}.key"))
}

// ---------------------------------------------------------------------------------------------
// The store's file operations

impl Store {
    /// The blob store: `DATA/blobs/` unless [`Store::with_blobs`] chose another.
    pub fn blobs(&self) -> Blobs {
        match &self.blobs {
            Some(b) => (**b).clone(),
            None => Blobs::local(self.data_dir().join("blobs")),
        }
    }

    /// This store with its case-file blobs in `blobs` (e.g. an S3-compatible bucket).
    pub fn with_blobs(mut self, blobs: Blobs) -> Self {
        self.blobs = Some(Arc::new(blobs));
        self
    }

    /// The deployment's crypto suite (`standard` unless set).
    pub async fn crypto_suite(&self) -> Result<Suite, StoreError> {
        match sql::meta(&self.shared().read, "crypto_suite").await? {
            Some(s) => s.parse().map_err(|e: crypto::CryptoError| StoreError::Corrupt(e.to_string())),
            None => Ok(Suite::Standard),
        }
    }

    /// Chooses the deployment's crypto suite. Existing seals keep the suite they were made with.
    pub async fn set_crypto_suite(&self, suite: Suite) -> Result<(), StoreError> {
        sql::set_meta(&self.shared().write, "crypto_suite", suite.as_str()).await
    }

    /// Starts streaming content to a staging file; `limit` caps its size.
    pub async fn file_writer(&self, limit: u64) -> Result<FileWriter, StoreError> {
        let suite = self.crypto_suite().await?;
        let dir = self.blobs().staging_dir();
        tokio::fs::create_dir_all(&dir).await.map_err(|e| io_err(&dir, e))?;
        let name = hex::encode(trace::random_bytes::<16>()?);
        let path = dir.join(format!("{name}.tmp"));
        let key = self.blob_key(suite).await?;
        let file = tokio::fs::File::create(&path).await.map_err(|e| io_err(&path, e))?;
        let mut file = tokio::io::BufWriter::with_capacity(1 << 20, file);
        file.write_all(&key.header()).await.map_err(|e| io_err(&path, e))?;
        Ok(FileWriter { file, path, hasher: ContentHasher::whole_only(suite), limit, key, pending: Vec::new(), chunk: 0, tags: Vec::new() })
    }

    /// The key that seals new blobs in `suite` (`DATA/keys/blob-<suite>.key`).
    async fn blob_key(&self, suite: Suite) -> Result<Arc<BlobKey>, StoreError> {
        let keys = self.data_dir().join("keys");
        tokio::task::spawn_blocking(move || BlobKey::load_or_create(&keys, suite)).await.map_err(|e| StoreError::Database(e.to_string()))?
    }

    /// Opens a stored blob of `size` plaintext bytes: sealed (with its key) or, if written before
    /// encryption at rest, plain. Any other length is corruption.
    async fn open_blob(&self, sha256: &str, size: u64) -> Result<(BlobReader, Option<Arc<BlobKey>>), StoreError> {
        let mut f = self.blobs().open(sha256).await?;
        let len = f.len();
        if len == size {
            return Ok((f, None));
        }
        if len != blobcrypt::stored_len(size) {
            return Err(StoreError::Corrupt(format!("blob {sha256}: {len} bytes stored, expected {} for {size} bytes of content", blobcrypt::stored_len(size))));
        }
        let mut header = [0u8; blobcrypt::HEADER_LEN as usize];
        f.read_at(0, &mut header).await.map_err(|e| StoreError::Corrupt(format!("blob {sha256}: {e}")))?;
        let keys = self.data_dir().join("keys");
        let key = tokio::task::spawn_blocking(move || BlobKey::for_header(&keys, &header)).await.map_err(|e| StoreError::Database(e.to_string()))?.map_err(|e| StoreError::Corrupt(format!("blob {sha256}: {e}")))?;
        Ok((f, Some(key)))
    }

    /// Attaches staged content to a case as a new item (or, with `corrects`, as the next version of
    /// an item, with a reason). One transaction: blob row, file row, the uploader's seal, the trace.
    pub async fn add_file(&self, case_id: &str, actor: &FileActor, meta: NewFile, content: StagedContent, corrects: Option<(&str, &str)>) -> Result<CaseFile, StoreError> {
        let title = check_title(&meta.title)?;
        let state = self.case(case_id).await?.ok_or_else(|| StoreError::NotFound(format!("案件 {case_id}")))?;
        if let Some(p) = meta.person
            && state.person(p).is_none()
        {
            return Err(invalid("person", format!("案件中没有第{p}号人员")));
        }
        if let Some(e) = &meta.evidence
            && (e.trim().is_empty() || e.chars().count() > 100)
        {
            return Err(invalid("evidence", "证据编号应为1至100字"));
        }
        if meta.pages == Some(0) || meta.pages.is_some_and(|p| p > 100_000) {
            return Err(invalid("pages", "页数应在1至100000之间"));
        }
        let media_type = meta.media_type.clone().filter(|m| !m.trim().is_empty()).unwrap_or_else(|| "application/octet-stream".into());
        if media_type.len() > 200 || !media_type.is_ascii() {
            return Err(invalid("media_type", "媒体类型无效"));
        }
        let reason = corrects.map(|(_, r)| check_reason(r)).transpose()?;
        let h = content.hashes.clone();
        let now = self.now();
        let blobs = self.blobs();

        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        let purged: Option<Option<String>> = sqlx::query_scalar("SELECT purged_at FROM blobs WHERE sha256 = $1").bind(&h.sha256).fetch_optional(&mut *tx).await.map_err(db)?;
        if let Some(Some(_)) = purged {
            return Err(invalid("body", "该内容已被法院命令封存，不能再次上传"));
        }
        let (lineage, version, supersedes) = match corrects {
            None => (None, 1u32, None),
            Some((prev_id, _)) => {
                let row = sqlx::query("SELECT lineage, org, case_id FROM case_files WHERE id = $1").bind(prev_id).fetch_optional(&mut *tx).await.map_err(db)?.ok_or_else(|| StoreError::NotFound(format!("文件 {prev_id}")))?;
                let lineage: String = row.get("lineage");
                if row.get::<String, _>("org") != actor.org {
                    return Err(invalid("file", "只有上传单位可以更正该文件"));
                }
                if row.get::<String, _>("case_id") != case_id {
                    return Err(invalid("file", "文件不属于该案件"));
                }
                let (latest_id, latest_v): (String, i64) = sqlx::query_as("SELECT id, version FROM case_files WHERE lineage = $1 ORDER BY version DESC LIMIT 1").bind(&lineage).fetch_one(&mut *tx).await.map_err(db)?;
                (Some(lineage), latest_v as u32 + 1, Some(latest_id))
            }
        };
        let id = next_id(&mut tx, "files.file", "F").await?;
        let lineage = lineage.unwrap_or_else(|| id.clone());
        let category = FileCategory::of_media_type(&media_type);

        // The uploading organization seals the item's metadata and content hash.
        let dir = self.directory();
        let org_name = dir.org(&actor.org).map(|o| o.name.clone()).unwrap_or_default();
        let signer_name = dir.user(&actor.user).map(|u| u.name.clone()).unwrap_or_default();
        let (suite, secret) = self.seal_secret(&mut tx, &actor.org, now).await?;
        if suite != h.suite {
            return Err(invalid("body", "部署的密码套件已变更，请重新上传"));
        }
        // The seal covers the suite's hash of the blob (computed while streaming) and its size.
        let doc_meta = DocumentMetadata {
            kind: "case_file".into(),
            kind_label: "卷宗材料".into(),
            number: id.clone(),
            case_id: case_id.into(),
            org: actor.org.clone(),
            org_name,
            signer: actor.user.clone(),
            signer_name,
            issued_at: now.to_rfc3339(),
            version,
            supersedes: supersedes.clone(),
            reason: reason.clone(),
            media_type: media_type.clone(),
            content_hash: h.suite_hash.clone(),
            content_length: h.size,
        };
        let seal = resign(suite, &secret, &id, doc_meta, &now.to_rfc3339())?;

        let new_blob = sqlx::query("INSERT INTO blobs (sha256, size, block_size, blocks, suite, suite_hash, stored_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
            .bind(&h.sha256)
            .bind(h.size as i64)
            .bind(BLOCK_SIZE as i64)
            .bind(&h.blocks)
            .bind(h.suite.as_str())
            .bind(&h.suite_hash)
            .bind(sql::ts(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected()
            == 1;
        sqlx::query("INSERT INTO case_files (id, case_id, lineage, version, supersedes, reason, person, evidence, category, media_type, title, pages, sha256, size, org, uploaded_by, uploaded_at, seal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)")
            .bind(&id)
            .bind(case_id)
            .bind(&lineage)
            .bind(version as i64)
            .bind(&supersedes)
            .bind(&reason)
            .bind(meta.person.map(|p| p as i64))
            .bind(meta.evidence.as_ref().map(|e| e.trim().to_string()))
            .bind(category.as_str())
            .bind(&media_type)
            .bind(&title)
            .bind(meta.pages.map(|p| p as i64))
            .bind(&h.sha256)
            .bind(h.size as i64)
            .bind(&actor.org)
            .bind(&actor.user)
            .bind(sql::ts(now))
            .bind(serde_json::to_string(&seal).expect("seal json"))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let action = if supersedes.is_some() { "file_corrected" } else { "file_uploaded" };
        log(&mut tx, now, case_id, actor, action, &id, serde_json::json!({ "sha256": h.sha256, "size": h.size, "title": title, "version": version, "supersedes": supersedes, "reason": reason })).await?;
        // The blob goes into place before the commit: a crash between leaves an unreferenced blob
        // (harmless), never a row without content.
        // A new row records this staged blob's chunk tags: it replaces any unreferenced object left
        // under the hash (by a transaction that did not commit); an existing row keeps its object.
        blobs.commit(&content.path, &h.sha256, new_blob).await?;
        tx.commit().await.map_err(db)?;
        drop(content);
        self.file(&id).await?.ok_or(StoreError::NotFound(id))
    }

    /// One item of a case file.
    pub async fn file(&self, id: &str) -> Result<Option<CaseFile>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {FILE_COLUMNS} FROM case_files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.id = $1")))
            .bind(id)
            .fetch_optional(&self.shared().read)
            .await
            .map_err(db)?;
        row.as_ref().map(file_row).transpose()
    }

    /// Every version of a case's file items, in upload order.
    pub async fn case_files(&self, case_id: &str) -> Result<Vec<CaseFile>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {FILE_COLUMNS} FROM case_files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.case_id = $1 ORDER BY f.id")))
            .bind(case_id)
            .fetch_all(&self.shared().read)
            .await
            .map_err(db)?;
        rows.iter().map(file_row).collect()
    }

    /// The versions of an item, oldest first.
    pub async fn file_versions(&self, lineage: &str) -> Result<Vec<CaseFile>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {FILE_COLUMNS} FROM case_files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.lineage = $1 ORDER BY f.version")))
            .bind(lineage)
            .fetch_all(&self.shared().read)
            .await
            .map_err(db)?;
        rows.iter().map(file_row).collect()
    }

    /// The uploader's seal over an item (self-contained JSON; content is the blob).
    pub async fn file_seal(&self, id: &str) -> Result<Option<SealedDocument>, StoreError> {
        let s: Option<String> = sqlx::query_scalar("SELECT seal FROM case_files WHERE id = $1").bind(id).fetch_optional(&self.shared().read).await.map_err(db)?;
        s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("seal of {id}: {e}")))).transpose()
    }

    /// Whether an organization may read an item: it uploaded it, or received it in a frozen
    /// manifest. (The caller has already checked that the organization may read the case, and
    /// lets the committee read everything.)
    pub async fn org_may_read_file(&self, file: &CaseFile, org: &str) -> Result<bool, StoreError> {
        if file.org == org {
            return Ok(true);
        }
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id WHERE i.file_id = $1 AND m.to_org = $2")
            .bind(&file.id)
            .bind(org)
            .fetch_one(&self.shared().read)
            .await
            .map_err(db)?;
        Ok(n > 0)
    }

    /// Opens `[start, end)` of an item's content for verified reading.
    pub async fn read_file(&self, file: &CaseFile, start: u64, end: u64) -> Result<VerifiedReader, StoreError> {
        if !file.content_available {
            return Err(StoreError::NotFound(format!("文件 {} 的内容已依法院命令封存", file.id)));
        }
        if start > end || end > file.size {
            return Err(invalid("range", "范围超出文件大小"));
        }
        let blocks: Vec<u8> = sqlx::query_scalar("SELECT blocks FROM blobs WHERE sha256 = $1").bind(&file.sha256).fetch_one(&self.shared().read).await.map_err(db)?;
        if !BlockCheck::valid(&blocks, file.size) {
            return Err(StoreError::Corrupt(format!("block digests of {}", file.sha256)));
        }
        let (f, key) = self.open_blob(&file.sha256, file.size).await.map_err(|e| StoreError::Corrupt(format!("content of {}: {e}", file.id)))?;
        Ok(VerifiedReader { file: f, key, blocks, size: file.size, pos: start, end, buf: Vec::new(), what: format!("content of {}", file.id) })
    }

    /// Records a download (who, what, which bytes, when) in the files trace.
    pub async fn record_download(&self, file: &CaseFile, actor: &FileActor, range: Option<(u64, u64)>) -> Result<(), StoreError> {
        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        let detail = serde_json::json!({ "sha256": file.sha256, "range": range.map(|(s, e)| [s, e]) });
        log(&mut conn, self.now(), &file.case_id, actor, "file_downloaded", &file.id, detail).await
    }

    // -- resumable uploads --

    /// Starts a resumable upload.
    pub async fn begin_upload(&self, case_id: &str, actor: &FileActor, meta: &NewFile, expected_size: Option<u64>) -> Result<UploadStatus, StoreError> {
        check_title(&meta.title)?;
        if self.case(case_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("案件 {case_id}")));
        }
        let id = format!("U{}", hex::encode(trace::random_bytes::<12>()?));
        sqlx::query("INSERT INTO uploads (id, case_id, org, user_id, meta, expected_size, received, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)")
            .bind(&id)
            .bind(case_id)
            .bind(&actor.org)
            .bind(&actor.user)
            .bind(serde_json::to_string(meta).expect("meta json"))
            .bind(expected_size.map(|s| s as i64))
            .bind(sql::ts(self.now()))
            .execute(&self.shared().write)
            .await
            .map_err(db)?;
        self.upload(&id, actor).await
    }

    /// An upload's progress, for its owner only.
    pub async fn upload(&self, id: &str, actor: &FileActor) -> Result<UploadStatus, StoreError> {
        let row = sqlx::query("SELECT id, case_id, user_id, expected_size, received, completed_file FROM uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.shared().write)
            .await
            .map_err(db)?
            .filter(|r| r.get::<String, _>("user_id") == actor.user)
            .ok_or_else(|| StoreError::NotFound(format!("上传 {id}")))?;
        Ok(UploadStatus {
            id: row.get("id"),
            case_id: row.get("case_id"),
            expected_size: row.get::<Option<i64>, _>("expected_size").map(|s| s as u64),
            received: row.get::<i64, _>("received") as u64,
            completed_file: row.get("completed_file"),
        })
    }

    fn part_path(&self, id: &str) -> PathBuf {
        self.blobs().staging_dir().join(format!("{id}.part"))
    }

    /// Appends a chunk that starts at `offset` (which must equal the bytes received so far).
    /// Returns a writer; call [`UploadChunk::finish`] when the chunk's bytes are written.
    pub async fn upload_chunk(&self, id: &str, actor: &FileActor, offset: u64, limit: u64) -> Result<UploadChunk, StoreError> {
        let st = self.upload(id, actor).await?;
        if st.completed_file.is_some() {
            return Err(invalid("upload", "上传已完成"));
        }
        if offset != st.received {
            return Err(StoreError::Invalid { field: "offset".into(), message: format!("偏移量应为{}（已接收字节数）", st.received) });
        }
        let path = self.part_path(id);
        tokio::fs::create_dir_all(path.parent().expect("staging")).await.map_err(|e| io_err(&path, e))?;
        let mut f = tokio::fs::OpenOptions::new().create(true).write(true).truncate(false).open(&path).await.map_err(|e| io_err(&path, e))?;
        // Bytes past `received` are from an interrupted chunk: drop them.
        f.set_len(offset).await.map_err(|e| io_err(&path, e))?;
        f.seek(std::io::SeekFrom::Start(offset)).await.map_err(|e| io_err(&path, e))?;
        let cap = st.expected_size.map_or(limit, |e| e.min(limit));
        Ok(UploadChunk { store: self.clone(), id: id.into(), file: tokio::io::BufWriter::with_capacity(1 << 20, f), path, offset, written: 0, cap })
    }

    /// Finishes an upload: hashes the assembled content, checks the expected size and hash, and
    /// attaches it to the case.
    pub async fn complete_upload(&self, id: &str, actor: &FileActor, expected_sha256: Option<&str>) -> Result<CaseFile, StoreError> {
        let st = self.upload(id, actor).await?;
        if let Some(f) = &st.completed_file {
            return self.file(f).await?.ok_or_else(|| StoreError::NotFound(f.clone()));
        }
        if let Some(e) = st.expected_size
            && e != st.received
        {
            return Err(invalid("size", format!("已接收{}字节，应为{e}字节", st.received)));
        }
        let meta_json: String = sqlx::query_scalar("SELECT meta FROM uploads WHERE id = $1").bind(id).fetch_one(&self.shared().write).await.map_err(db)?;
        let meta: NewFile = serde_json::from_str(&meta_json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let path = self.part_path(id);
        // The assembled plaintext is read once: hashed and sealed into a staged blob.
        let mut writer = self.file_writer(u64::MAX).await?;
        let mut f = tokio::fs::File::open(&path).await.map_err(|e| io_err(&path, e))?;
        let mut buf = vec![0u8; 1 << 20];
        let mut left = st.received;
        while left > 0 {
            let n = f.read(&mut buf[..(left.min(1 << 20) as usize)]).await.map_err(|e| io_err(&path, e))?;
            if n == 0 {
                return Err(StoreError::Corrupt(format!("upload {id}: part file shorter than received")));
            }
            writer.write(&buf[..n]).await?;
            left -= n as u64;
        }
        drop(f);
        let staged = writer.finish().await?;
        if let Some(want) = expected_sha256
            && !want.eq_ignore_ascii_case(&staged.hashes.sha256)
        {
            return Err(invalid("sha256", format!("内容的SHA-256为{}，与声明的{want}不符", staged.hashes.sha256)));
        }
        let file = self.add_file(&st.case_id, actor, meta, staged, None).await?;
        sqlx::query("UPDATE uploads SET completed_file = $1 WHERE id = $2").bind(&file.id).bind(id).execute(&self.shared().write).await.map_err(db)?;
        let _ = tokio::fs::remove_file(&path).await;
        Ok(file)
    }

    // -- court-ordered sealing of content --

    /// Removes an item's content by court order (封存): the blob is deleted for every item that
    /// shares it; hashes, rows, seals and the trace stay.
    pub async fn purge_content(&self, file_id: &str, actor: &FileActor, order: &str) -> Result<CaseFile, StoreError> {
        let order = order.trim();
        if order.is_empty() || order.chars().count() > 200 {
            return Err(invalid("order", "须写明法院命令（文书编号），1至200字"));
        }
        let file = self.file(file_id).await?.ok_or_else(|| StoreError::NotFound(format!("文件 {file_id}")))?;
        let now = self.now();
        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        sqlx::query("UPDATE blobs SET purged_at = $1, purge_order = $2 WHERE sha256 = $3 AND purged_at IS NULL").bind(sql::ts(now)).bind(order).bind(&file.sha256).execute(&mut *tx).await.map_err(db)?;
        log(&mut tx, now, &file.case_id, actor, "content_purged", file_id, serde_json::json!({ "sha256": file.sha256, "order": order })).await?;
        tx.commit().await.map_err(db)?;
        self.blobs().remove(&file.sha256).await?;
        self.file(file_id).await?.ok_or_else(|| StoreError::NotFound(file_id.into()))
    }

    // -- volumes and catalogues --

    async fn check_items(&self, conn: &mut AnyConnection, case_id: &str, org: &str, items: &[String], sees_all: bool) -> Result<(), StoreError> {
        if items.len() > 10_000 {
            return Err(invalid("items", "条目过多"));
        }
        for (i, f) in items.iter().enumerate() {
            let file = self.file(f).await?.ok_or_else(|| invalid(&format!("items[{i}]"), format!("文件“{f}”不存在")))?;
            if file.case_id != case_id {
                return Err(invalid(&format!("items[{i}]"), format!("文件“{f}”不属于该案件")));
            }
            if !sees_all && !self.org_may_read_file(&file, org).await? {
                return Err(invalid(&format!("items[{i}]"), format!("无权使用文件“{f}”")));
            }
        }
        let _ = conn;
        Ok(())
    }

    /// Creates a volume with an ordered catalogue of items.
    pub async fn create_volume(&self, case_id: &str, actor: &FileActor, title: &str, items: &[String]) -> Result<Volume, StoreError> {
        let title = check_title(title)?;
        let now = self.now();
        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        self.check_items(&mut conn, case_id, &actor.org, items, false).await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        let id = next_id(&mut tx, "files.volume", "V").await?;
        sqlx::query("INSERT INTO volumes (id, case_id, org, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(case_id)
            .bind(&actor.org)
            .bind(&title)
            .bind(&actor.user)
            .bind(sql::ts(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        write_items(&mut tx, &id, items).await?;
        log(&mut tx, now, case_id, actor, "volume_created", &id, serde_json::json!({ "title": title, "items": items })).await?;
        tx.commit().await.map_err(db)?;
        drop(conn);
        self.volume(&id).await?.ok_or(StoreError::NotFound(id))
    }

    /// Replaces a volume's catalogue (the order of its items). Logged; the items themselves never
    /// change.
    pub async fn set_volume_items(&self, volume_id: &str, actor: &FileActor, items: &[String]) -> Result<Volume, StoreError> {
        let v = self.volume(volume_id).await?.ok_or_else(|| StoreError::NotFound(format!("卷 {volume_id}")))?;
        if v.org != actor.org {
            return Err(invalid("volume", "只有建卷单位可以调整目录"));
        }
        let now = self.now();
        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        self.check_items(&mut conn, &v.case_id, &actor.org, items, false).await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        sqlx::query("DELETE FROM volume_items WHERE volume_id = $1").bind(volume_id).execute(&mut *tx).await.map_err(db)?;
        write_items(&mut tx, volume_id, items).await?;
        let before: Vec<&str> = v.items.iter().map(|i| i.file_id.as_str()).collect();
        log(&mut tx, now, &v.case_id, actor, "volume_reordered", volume_id, serde_json::json!({ "before": before, "after": items })).await?;
        tx.commit().await.map_err(db)?;
        drop(conn);
        self.volume(volume_id).await?.ok_or_else(|| StoreError::NotFound(volume_id.into()))
    }

    pub async fn volume(&self, id: &str) -> Result<Option<Volume>, StoreError> {
        let Some(row) = sqlx::query("SELECT id, case_id, org, title FROM volumes WHERE id = $1").bind(id).fetch_optional(&self.shared().write).await.map_err(db)? else {
            return Ok(None);
        };
        let items = sqlx::query("SELECT i.position, i.file_id, f.title FROM volume_items i JOIN case_files f ON f.id = i.file_id WHERE i.volume_id = $1 ORDER BY i.position")
            .bind(id)
            .fetch_all(&self.shared().write)
            .await
            .map_err(db)?
            .iter()
            .map(|r| VolumeItem { position: r.get::<i64, _>("position") as u32, file_id: r.get("file_id"), title: r.get("title") })
            .collect();
        Ok(Some(Volume { id: row.get("id"), case_id: row.get("case_id"), org: row.get("org"), title: row.get("title"), items }))
    }

    /// A case's volumes, optionally only one organization's.
    pub async fn case_volumes(&self, case_id: &str, org: Option<&str>) -> Result<Vec<Volume>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM volumes WHERE case_id = $1 AND ($2 IS NULL OR org = $2) ORDER BY id").bind(case_id).bind(org).fetch_all(&self.shared().read).await.map_err(db)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.volume(&id).await?);
        }
        Ok(out)
    }

    // -- frozen manifests --

    /// Freezes what travels to `to_org`: the listed volumes' items in catalogue order, then the
    /// listed loose items. The receiver may read exactly these file versions.
    pub async fn freeze_manifest(&self, case_id: &str, actor: &FileActor, to_org: &str, event_seq: Option<u64>, volumes: &[String], files: &[String]) -> Result<Manifest, StoreError> {
        if self.directory().org(to_org).is_none() {
            return Err(invalid("to_org", format!("单位“{to_org}”不存在")));
        }
        if to_org == actor.org {
            return Err(invalid("to_org", "不能移送给本单位"));
        }
        if let Some(seq) = event_seq {
            let state = self.case(case_id).await?.ok_or_else(|| StoreError::NotFound(format!("案件 {case_id}")))?;
            if seq == 0 || seq > state.version {
                return Err(invalid("event_seq", format!("案件没有第{seq}个事件")));
            }
        }
        let mut items: Vec<ManifestItem> = Vec::new();
        for (i, vid) in volumes.iter().enumerate() {
            let v = self.volume(vid).await?.filter(|v| v.case_id == case_id).ok_or_else(|| invalid(&format!("volumes[{i}]"), format!("卷“{vid}”不存在")))?;
            for it in &v.items {
                let f = self.file(&it.file_id).await?.ok_or_else(|| StoreError::Corrupt(it.file_id.clone()))?;
                items.push(ManifestItem { file_id: f.id, title: f.title, sha256: f.sha256, size: f.size, volume: Some(v.title.clone()), position: Some(it.position) });
            }
        }
        for f in files {
            let file = self.file(f).await?.ok_or_else(|| invalid("files", format!("文件“{f}”不存在")))?;
            items.push(ManifestItem { file_id: file.id, title: file.title, sha256: file.sha256, size: file.size, volume: None, position: None });
        }
        if items.is_empty() {
            return Err(invalid("files", "移送清单不能为空"));
        }
        let mut seen = std::collections::HashSet::new();
        items.retain(|i| seen.insert(i.file_id.clone()));
        let ids: Vec<String> = items.iter().map(|i| i.file_id.clone()).collect();
        let now = self.now();
        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        self.check_items(&mut conn, case_id, &actor.org, &ids, false).await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        let id = next_id(&mut tx, "files.manifest", "M").await?;
        let mut m = Manifest { id: id.clone(), case_id: case_id.into(), from_org: actor.org.clone(), to_org: to_org.into(), event_seq, created_by: actor.user.clone(), created_at: now, items, hash: String::new() };
        let body = serde_json::to_string(&m).expect("manifest json");
        m.hash = hex::encode(Sha256::digest(body.as_bytes()));
        sqlx::query("INSERT INTO manifests (id, case_id, from_org, to_org, event_seq, created_by, created_at, hash, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&id)
            .bind(case_id)
            .bind(&actor.org)
            .bind(to_org)
            .bind(event_seq.map(|s| s as i64))
            .bind(&actor.user)
            .bind(sql::ts(now))
            .bind(&m.hash)
            .bind(&body)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        for f in &ids {
            sqlx::query("INSERT INTO manifest_items (manifest_id, file_id) VALUES ($1, $2)").bind(&id).bind(f).execute(&mut *tx).await.map_err(db)?;
        }
        log(&mut tx, now, case_id, actor, "manifest_frozen", &id, serde_json::json!({ "to_org": to_org, "hash": m.hash, "items": ids, "event_seq": event_seq })).await?;
        tx.commit().await.map_err(db)?;
        Ok(m)
    }

    pub async fn manifest(&self, id: &str) -> Result<Option<Manifest>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as("SELECT body, hash FROM manifests WHERE id = $1").bind(id).fetch_optional(&self.shared().read).await.map_err(db)?;
        row.map(|(body, hash)| {
            let mut m: Manifest = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if hex::encode(Sha256::digest(body.as_bytes())) != hash {
                return Err(StoreError::Corrupt(format!("manifest {id} does not match its hash")));
            }
            m.hash = hash;
            Ok(m)
        })
        .transpose()
    }

    /// A case's manifests that concern `org` (sent or received), or all.
    pub async fn case_manifests(&self, case_id: &str, org: Option<&str>) -> Result<Vec<Manifest>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM manifests WHERE case_id = $1 AND ($2 IS NULL OR from_org = $2 OR to_org = $2) ORDER BY id").bind(case_id).bind(org).fetch_all(&self.shared().read).await.map_err(db)?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.manifest(&id).await?);
        }
        Ok(out)
    }

    /// The files trace of a case, oldest first.
    pub async fn files_log(&self, case_id: &str) -> Result<Vec<FilesLogEntry>, StoreError> {
        let rows = sqlx::query("SELECT seq, at, case_id, actor_user, actor_org, action, subject, body, hash FROM files_log WHERE case_id = $1 ORDER BY seq").bind(case_id).fetch_all(&self.shared().read).await.map_err(db)?;
        rows.iter()
            .map(|r| {
                let body: serde_json::Value = serde_json::from_str(r.get::<&str, _>("body")).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(FilesLogEntry {
                    seq: r.get::<i64, _>("seq") as u64,
                    at: sql::parse_ts(r.get::<&str, _>("at"))?,
                    case_id: r.get("case_id"),
                    actor_user: r.get("actor_user"),
                    actor_org: r.get("actor_org"),
                    action: r.get("action"),
                    subject: r.get("subject"),
                    detail: body.get("detail").cloned().unwrap_or_default(),
                    hash: r.get("hash"),
                })
            })
            .collect()
    }

    /// Re-hashes every stored blob whose content has not been removed by court order; names the
    /// first one whose bytes no longer match its SHA-256 (or that is missing).
    pub async fn verify_blobs(&self) -> Result<u64, StoreError> {
        let rows: Vec<(String, i64, Vec<u8>)> = sqlx::query_as("SELECT sha256, size, blocks FROM blobs WHERE purged_at IS NULL ORDER BY sha256")
            .fetch_all(&self.shared().read)
            .await
            .map_err(db)?;
        for (sha, size, blocks) in &rows {
            let size = *size as u64;
            if !BlockCheck::valid(blocks, size) {
                return Err(StoreError::Corrupt(format!("blob {sha}: block records of the wrong length")));
            }
            let check = BlockCheck::of(blocks, size);
            let (mut file, key) = self.open_blob(sha, size).await?;
            let mut h = Sha256::new();
            let mut buf = vec![0u8; BLOCK_SIZE as usize + blobcrypt::CHUNK_OVERHEAD as usize];
            let mut n_total: u64 = 0;
            // Block by block, each checked as a read checks it, then the whole content hashed.
            let mut block = 0u64;
            while n_total < size {
                let len = (size - n_total).min(BLOCK_SIZE) as usize;
                let stored = len + if key.is_some() { blobcrypt::CHUNK_OVERHEAD as usize } else { 0 };
                let offset = if key.is_some() { blobcrypt::chunk_offset(block) } else { n_total };
                buf.resize(stored, 0);
                file.read_at(offset, &mut buf).await.map_err(|e| StoreError::Corrupt(format!("blob {sha}: {e}")))?;
                let last = n_total + len as u64 == size;
                let plain = open_block(check, blocks, key.as_deref(), block, last, std::mem::take(&mut buf)).map_err(|e| StoreError::Corrupt(format!("blob {sha}: {e}")))?;
                h.update(&plain);
                buf = plain;
                n_total += len as u64;
                block += 1;
            }
            if hex::encode(h.finalize()) != *sha {
                return Err(StoreError::Corrupt(format!("blob {sha}: its content no longer matches its SHA-256")));
            }
        }
        Ok(rows.len() as u64)
    }

    /// Recomputes the files trace's hash chain; names the first entry that does not match.
    pub async fn verify_files_log(&self) -> Result<u64, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as("SELECT seq, body, hash FROM files_log ORDER BY seq").fetch_all(&self.shared().read).await.map_err(db)?;
        let mut prev = vec![0u8; 32];
        for (seq, body, hash) in &rows {
            let mut h = Sha256::new();
            h.update(&prev);
            h.update(body.as_bytes());
            let got = h.finalize();
            if hex::encode(got) != *hash {
                return Err(StoreError::Corrupt(format!("files_log entry {seq} does not match its chained hash")));
            }
            prev = got.to_vec();
        }
        Ok(rows.len() as u64)
    }

    // -- seal keys --

    /// The organization's secret seal key for the deployment's suite, created on first use.
    async fn seal_secret(&self, conn: &mut AnyConnection, org: &str, now: DateTime<Utc>) -> Result<(Suite, Vec<u8>), StoreError> {
        seal_secret(conn, &self.data_dir().join("keys"), org, now).await
    }

    /// Every organization's public seal keys.
    pub async fn seal_keys(&self) -> Result<Vec<SealKeyView>, StoreError> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as("SELECT org, suite, public_key, fingerprint, created_at FROM seal_keys ORDER BY org, suite").fetch_all(&self.shared().read).await.map_err(db)?;
        rows.into_iter()
            .map(|(org, suite, public_key, fingerprint, created_at)| Ok(SealKeyView { org, suite: suite.parse().map_err(|e: crypto::CryptoError| StoreError::Corrupt(e.to_string()))?, public_key, fingerprint, created_at }))
            .collect()
    }

    /// Verifies a sealed document and whether its key is the issuing organization's registered key.
    pub async fn check_seal(&self, doc: &SealedDocument) -> Result<SealCheck, StoreError> {
        let (valid, content_checked, error) = match doc.verify() {
            Ok(v) => (true, v.content_checked, None),
            Err(e) => (false, false, Some(e.to_string())),
        };
        let registered: Option<String> = sqlx::query_scalar("SELECT public_key FROM seal_keys WHERE org = $1 AND suite = $2")
            .bind(&doc.document.org)
            .bind(doc.seal.suite.as_str())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(db)?;
        Ok(SealCheck { valid, key_registered: registered.is_some_and(|k| k.eq_ignore_ascii_case(&doc.seal.public_key)), content_checked, error })
    }

    // -- sealed legal documents --

    /// Seals every legal document the case's decisions have issued and that is not sealed yet,
    /// then returns all sealed versions. The content is rendered from the case as it stood right
    /// after the deciding event; the seal is the issuing organization's; the signer is the person
    /// who took the decision.
    pub async fn case_documents(&self, case_id: &str) -> Result<Vec<SealedView>, StoreError> {
        let state = self.case(case_id).await?.ok_or_else(|| StoreError::NotFound(format!("案件 {case_id}")))?;
        let sealed: Vec<String> = sqlx::query_scalar("SELECT number FROM sealed_documents WHERE case_id = $1 AND version = 1").bind(case_id).fetch_all(&self.shared().read).await.map_err(db)?;
        let missing: Vec<_> = state.documents.iter().filter(|d| !sealed.contains(&d.number)).collect();
        if !missing.is_empty() {
            let events = self.case_events(case_id).await?;
            let cal = self.calendar();
            for d in missing {
                let upto: Vec<_> = events.iter().filter(|e| e.seq <= d.event_seq).cloned().collect();
                let at_state = domain::machine::replay(&upto, &cal).map_err(|(seq, r)| StoreError::Corrupt(format!("replay of {case_id} at {seq}: {}", r.text())))?.ok_or_else(|| StoreError::Corrupt(case_id.into()))?;
                let event = events.iter().find(|e| e.seq == d.event_seq).ok_or_else(|| StoreError::Corrupt(format!("{case_id}: document {} names missing event {}", d.number, d.event_seq)))?;
                let content = render_document(&at_state, d, event, &self.directory());
                let kind = serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let actor = FileActor { user: event.actor.user.clone(), org: d.org.clone() };
                self.store_sealed(case_id, &d.number, &kind, d.kind.label(), d.at, &actor, &event.actor.name, 1, None, None, &content).await?;
            }
        }
        self.sealed_versions(case_id, None).await
    }

    /// Issues a corrected version of a sealed document, with a reason; the issuing organization's
    /// seal. The original stays.
    pub async fn correct_document(&self, case_id: &str, number: &str, actor: &FileActor, signer_name: &str, reason: &str, content: &str) -> Result<SealedView, StoreError> {
        let reason = check_reason(reason)?;
        if content.trim().is_empty() || content.len() > 512 * 1024 {
            return Err(invalid("content", "文书内容应为1字节至512 KiB"));
        }
        let versions = self.sealed_versions(case_id, Some(number)).await?;
        let latest = versions.last().ok_or_else(|| StoreError::NotFound(format!("文书 {number}")))?;
        if latest.document.document.org != actor.org {
            return Err(invalid("number", "只有制作单位可以更正该文书"));
        }
        let d = &latest.document.document;
        let issued = chrono::DateTime::parse_from_rfc3339(&d.issued_at).map_err(|e| StoreError::Corrupt(e.to_string()))?.with_timezone(&Utc);
        self.store_sealed(case_id, number, &d.kind.clone(), &d.kind_label.clone(), issued, actor, signer_name, latest.version + 1, Some(latest.id.clone()), Some(reason), content).await?;
        let all = self.sealed_versions(case_id, Some(number)).await?;
        all.into_iter().last().ok_or_else(|| StoreError::NotFound(number.into()))
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_sealed(&self, case_id: &str, number: &str, kind: &str, kind_label: &str, issued_at: DateTime<Utc>, actor: &FileActor, signer_name: &str, version: u32, supersedes: Option<String>, reason: Option<String>, content: &str) -> Result<(), StoreError> {
        let now = self.now();
        let dir = self.directory();
        let keys = self.data_dir().join("keys");
        let mut conn = self.shared().write.acquire().await.map_err(db)?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
        let doc = DocToSeal { case_id, number, kind, kind_label, issued_at, actor, signer_name, version, supersedes, reason, content };
        insert_sealed(&mut tx, &keys, &dir, now, doc).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// Sealed documents of a case (or of one number), oldest first, each with its content.
    pub async fn sealed_versions(&self, case_id: &str, number: Option<&str>) -> Result<Vec<SealedView>, StoreError> {
        let rows: Vec<(String, String, i64, String, Option<String>)> = sqlx::query_as("SELECT id, number, version, body, content FROM sealed_documents WHERE case_id = $1 AND ($2 IS NULL OR number = $2) ORDER BY id")
            .bind(case_id)
            .bind(number)
            .fetch_all(&self.shared().read)
            .await
            .map_err(db)?;
        let mut latest = std::collections::HashMap::new();
        for (_, n, v, _, _) in &rows {
            let e = latest.entry(n.clone()).or_insert(0);
            *e = (*e).max(*v);
        }
        rows.into_iter()
            .map(|(id, number, version, body, content)| {
                let mut document: SealedDocument = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("sealed document {id}: {e}")))?;
                document.content = content;
                Ok(SealedView { latest: latest.get(&number) == Some(&version), id, number, version: version as u32, document })
            })
            .collect()
    }
}

/// The organization's secret seal key for the deployment's suite (in `keys_dir`), created on
/// first use.
async fn seal_secret(conn: &mut AnyConnection, keys_dir: &Path, org: &str, now: DateTime<Utc>) -> Result<(Suite, Vec<u8>), StoreError> {
    let suite = match sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = 'crypto_suite'").fetch_optional(&mut *conn).await.map_err(db)? {
        Some(s) => s.parse().map_err(|e: crypto::CryptoError| StoreError::Corrupt(e.to_string()))?,
        None => Suite::Standard,
    };
    let p: &dyn CryptoProvider = suite.provider();
    let dir = keys_dir.to_path_buf();
    trace::create_private_dir(&dir)?;
    let path = secret_hex_file(&dir, org, suite);
    let pair = if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(|e| io_err(&path, e))?;
        let secret = hex::decode(text.trim()).map_err(|_| StoreError::Corrupt(format!("{}: not hex", path.display())))?;
        p.key_pair_from_secret(&secret).map_err(|e| StoreError::Corrupt(format!("{}: {e}", path.display())))?
    } else {
        let pair = p.generate_key_pair().map_err(|e| StoreError::Database(e.to_string()))?;
        trace::write_secret_file(&path, &hex::encode(&pair.secret))?;
        pair
    };
    let public = hex::encode(&pair.public);
    let stored: Option<String> = sqlx::query_scalar("SELECT public_key FROM seal_keys WHERE org = $1 AND suite = $2").bind(org).bind(suite.as_str()).fetch_optional(&mut *conn).await.map_err(db)?;
    match stored {
        Some(s) if s != public => return Err(StoreError::Corrupt(format!("seal key file of {org} does not match the registered public key"))),
        Some(_) => {}
        None => {
            sqlx::query("INSERT INTO seal_keys (org, suite, public_key, fingerprint, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(org)
                .bind(suite.as_str())
                .bind(&public)
                .bind(crypto::fingerprint(suite, &pair.public))
                .bind(sql::ts(now))
                .execute(&mut *conn)
                .await
                .map_err(db)?;
        }
    }
    Ok((suite, pair.secret))
}

/// A legal document about to be sealed.
struct DocToSeal<'a> {
    case_id: &'a str,
    number: &'a str,
    kind: &'a str,
    kind_label: &'a str,
    issued_at: DateTime<Utc>,
    actor: &'a FileActor,
    signer_name: &'a str,
    version: u32,
    supersedes: Option<String>,
    reason: Option<String>,
    content: &'a str,
}

impl DocToSeal<'_> {
    /// What the seal signs about the document (its hash and length are filled in by sealing).
    fn metadata(&self, dir: &domain::Directory) -> DocumentMetadata {
        DocumentMetadata {
            kind: self.kind.into(),
            kind_label: self.kind_label.into(),
            number: self.number.into(),
            case_id: self.case_id.into(),
            org: self.actor.org.clone(),
            org_name: dir.org(&self.actor.org).map(|o| o.name.clone()).unwrap_or_default(),
            signer: self.actor.user.clone(),
            signer_name: self.signer_name.into(),
            issued_at: self.issued_at.to_rfc3339(),
            version: self.version,
            supersedes: self.supersedes.clone(),
            reason: self.reason.clone(),
            media_type: "text/plain; charset=utf-8".into(),
            content_hash: String::new(),
            content_length: 0,
        }
    }
}

/// Seals a legal document with the issuing organization's key and records it (row, supervision of
/// replacements, files trace) on `conn`, inside the caller's transaction.
async fn insert_sealed(conn: &mut AnyConnection, keys_dir: &Path, dir: &domain::Directory, now: DateTime<Utc>, doc: DocToSeal<'_>) -> Result<(), StoreError> {
    let meta = doc.metadata(dir);
    let DocToSeal { case_id, number, kind, issued_at, actor, version, supersedes, reason, content, .. } = doc;
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sealed_documents WHERE case_id = $1 AND number = $2 AND version = $3").bind(case_id).bind(number).bind(version as i64).fetch_one(&mut *conn).await.map_err(db)?;
    if exists > 0 {
        // Sealed concurrently by another request: the first seal stands.
        return if version == 1 { Ok(()) } else { Err(invalid("number", "该文书已被同时更正，请刷新后重试")) };
    }
    let (suite, secret) = seal_secret(conn, keys_dir, &actor.org, now).await?;
    let id = next_id(conn, "files.seal", "S").await?;
    let mut doc = SealedDocument::seal(suite, &secret, &id, meta, content, &now.to_rfc3339()).map_err(|e| StoreError::Database(e.to_string()))?;
    doc.content = None;
    sqlx::query("INSERT INTO sealed_documents (id, case_id, number, kind, version, supersedes, org, signer, sealed_at, content_hash, body, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(&id)
        .bind(case_id)
        .bind(number)
        .bind(kind)
        .bind(version as i64)
        .bind(&supersedes)
        .bind(&actor.org)
        .bind(&actor.user)
        .bind(sql::ts(now))
        .bind(&doc.document.content_hash)
        .bind(serde_json::to_string(&doc).expect("seal json"))
        .bind(content)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    if version > 1 {
        // A decision's document is issued to the other agency or the party at once: any later
        // version is a replacement after it was sent, which supervision must see.
        if let Ok(doc_kind) = serde_json::from_value::<domain::action::DocumentKind>(serde_json::Value::String(kind.to_string())) {
            let change = supervision::DocumentChange {
                case_id: case_id.to_string(),
                kind: doc_kind,
                number: number.to_string(),
                org: actor.org.clone(),
                sent_at: Some(issued_at),
                changed_at: now,
                withdrawn: false,
            };
            crate::supervision::on_document_change(conn, &change, dir).await?;
        }
    }
    let action = if version == 1 { "document_sealed" } else { "document_corrected" };
    log(conn, now, case_id, actor, action, &id, serde_json::json!({ "number": number, "version": version, "content_hash": doc.document.content_hash, "suite": suite, "supersedes": supersedes, "reason": reason })).await?;
    Ok(())
}

/// A legal document a decision issued, rendered from the case right after the decision and
/// waiting to be sealed with the rest of the writer's batch (`reserve_seals`, `sign_issued`,
/// `write_sealed`).
pub(crate) struct IssuedDocument {
    case_id: String,
    number: String,
    kind: String,
    kind_label: &'static str,
    issued_at: DateTime<Utc>,
    actor: FileActor,
    signer_name: String,
    content: String,
    /// When it is sealed: the deciding event's time.
    sealed_at: DateTime<Utc>,
}

/// The legal documents that `event` issued (`state` is the case right after the decision),
/// rendered; the writer seals them in the deciding command's transaction.
pub(crate) fn issued_documents(dir: &domain::Directory, state: &domain::CaseState, event: &domain::Event) -> Vec<IssuedDocument> {
    state
        .documents
        .iter()
        .filter(|d| d.event_seq == event.seq)
        .map(|d| IssuedDocument {
            case_id: state.id.clone(),
            number: d.number.clone(),
            kind: serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            kind_label: d.kind.label(),
            issued_at: d.at,
            actor: FileActor { user: event.actor.user.clone(), org: d.org.clone() },
            signer_name: event.actor.name.clone(),
            content: render_document(state, d, event, dir),
            sealed_at: event.at,
        })
        .collect()
}

/// Organizations' seal keys already loaded and registered: org → parsed key.
pub(crate) type SealSecrets = std::collections::HashMap<String, Arc<dyn crypto::KeySigner>>;

/// Reserves the seal ids of the documents a writer batch's decisions issued. They are sealed inside
/// the batch's transaction, in a few statements for the whole batch: one counter update for their ids, one multi-row insert of
/// the sealed documents, one read of the files trace's head and one multi-row insert of its
/// entries. First versions only: the numbers are new with their events, so no earlier seal can
/// exist (the lazy path in `case_documents` checks again before sealing).
///
/// In three steps, so that the writer can sign on another thread while its connection runs the
/// batch's other statements: [`reserve_seals`] (statements), [`sign_issued`] (CPU only) and
/// [`write_sealed`] (statements).
///
/// `known` holds the secrets of organizations whose key is already registered (kept by the writer
/// across batches); the secrets this batch had to load are returned in the plan, to be added to
/// `known` only once the batch has committed (their `seal_keys` rows are written in it).
pub(crate) async fn reserve_seals(conn: &mut AnyConnection, keys_dir: &Path, docs: &[IssuedDocument], known: &SealSecrets) -> Result<SealPlan, StoreError> {
    let mut loaded = SealSecrets::new();
    if docs.is_empty() {
        return Ok(SealPlan { first: 0, signers: Vec::new(), loaded });
    }
    for d in docs {
        if !known.contains_key(&d.actor.org) && !loaded.contains_key(&d.actor.org) {
            let (suite, secret) = seal_secret(conn, keys_dir, &d.actor.org, d.sealed_at).await?;
            let signer = suite.provider().signer(&secret).map_err(|e| StoreError::Corrupt(format!("seal key of {}: {e}", d.actor.org)))?;
            loaded.insert(d.actor.org.clone(), Arc::from(signer));
        }
    }
    let k = docs.len() as i64;
    let last: i64 = sqlx::query_scalar("INSERT INTO counters (name, value) VALUES ('files.seal', $1) ON CONFLICT(name) DO UPDATE SET value = counters.value + $2 RETURNING value")
        .bind(k)
        .bind(k)
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let signers = docs
        .iter()
        .map(|d| known.get(&d.actor.org).or_else(|| loaded.get(&d.actor.org)).expect("key loaded above").clone())
        .collect();
    Ok(SealPlan { first: last - k + 1, signers, loaded })
}

/// The seal ids and keys of a batch's documents, reserved on the writer's connection.
pub(crate) struct SealPlan {
    /// The first document's id number; the others follow in order.
    first: i64,
    /// Each document's signing key.
    signers: Vec<Arc<dyn crypto::KeySigner>>,
    /// The keys this batch loaded (registered in its transaction).
    pub loaded: SealSecrets,
}

/// One sealed document, ready to be written: id, suite, content hash, sealed JSON.
pub(crate) struct SealedRow(String, Suite, String, String);

/// Signs the batch's `i`-th document with its id and key in `plan`: no statements, so it may run
/// on any thread.
pub(crate) fn sign_issued(plan: &SealPlan, dir: &domain::Directory, docs: &[IssuedDocument], i: usize) -> Result<SealedRow, StoreError> {
    let (d, signer) = (&docs[i], &plan.signers[i]);
    let id = format!("S{:06}", plan.first + i as i64);
    let meta = DocToSeal {
        case_id: &d.case_id,
        number: &d.number,
        kind: &d.kind,
        kind_label: d.kind_label,
        issued_at: d.issued_at,
        actor: &d.actor,
        signer_name: &d.signer_name,
        version: 1,
        supersedes: None,
        reason: None,
        content: &d.content,
    }
    .metadata(dir);
    let mut sealed = SealedDocument::seal_with(&**signer, &id, meta, &d.content, &d.sealed_at.to_rfc3339()).map_err(|e| StoreError::Database(e.to_string()))?;
    sealed.content = None;
    let hash = sealed.document.content_hash.clone();
    Ok(SealedRow(id, signer.suite(), hash, serde_json::to_string(&sealed).expect("seal json")))
}

/// Writes the batch's sealed documents and their files-trace entries.
pub(crate) async fn write_sealed(conn: &mut AnyConnection, docs: &[IssuedDocument], rows: &[SealedRow]) -> Result<(), StoreError> {
    if docs.is_empty() {
        return Ok(());
    }
    for chunk in crate::qb::pow2_chunks(&docs.iter().zip(rows).collect::<Vec<_>>(), 64) {
        let mut b = crate::qb::QueryBuilder::new(crate::Backend::of(conn), "INSERT INTO sealed_documents (id, case_id, number, kind, version, supersedes, org, signer, sealed_at, content_hash, body, content) ");
        b.push_values(chunk, |mut r, (d, SealedRow(id, _, hash, body))| {
            r.push_bind(id.clone())
                .push_bind(d.case_id.clone())
                .push_bind(d.number.clone())
                .push_bind(d.kind.clone())
                .push_bind(1i64)
                .push_bind(None::<String>)
                .push_bind(d.actor.org.clone())
                .push_bind(d.actor.user.clone())
                .push_bind(sql::ts(d.sealed_at))
                .push_bind(hash.clone())
                .push_bind(body.clone())
                .push_bind(d.content.clone());
        });
        b.build().execute(&mut *conn).await.map_err(db)?;
    }
    // The files trace: each entry chained to the previous one, as `log` does one at a time.
    let entries: Vec<LogEntry> = docs
        .iter()
        .zip(rows)
        .map(|(d, SealedRow(id, suite, hash, _))| LogEntry {
            at: d.sealed_at,
            case_id: &d.case_id,
            actor: &d.actor,
            action: "document_sealed",
            subject: id,
            detail: serde_json::json!({ "number": d.number, "version": 1, "content_hash": hash, "suite": suite, "supersedes": null, "reason": null }),
        })
        .collect();
    log_many(conn, &entries).await?;
    Ok(())
}

fn resign(suite: Suite, secret: &[u8], id: &str, meta: DocumentMetadata, sealed_at: &str) -> Result<SealedDocument, StoreError> {
    // `SealedDocument::seal` hashes the given content; for blobs the hash was computed while
    // streaming, so sign the metadata as given by sealing and then restoring the fields.
    let (hash, len) = (meta.content_hash.clone(), meta.content_length);
    let mut doc = SealedDocument::seal(suite, secret, id, meta, "", sealed_at).map_err(|e| StoreError::Database(e.to_string()))?;
    doc.document.content_hash = hash;
    doc.document.content_length = len;
    let p = suite.provider();
    let sig = p.sign(secret, &doc.signing_bytes()).map_err(|e| StoreError::Database(e.to_string()))?;
    use base64::Engine;
    doc.seal.signature = base64::engine::general_purpose::STANDARD.encode(sig);
    doc.content = None;
    Ok(doc)
}

async fn write_items(conn: &mut AnyConnection, volume_id: &str, items: &[String]) -> Result<(), StoreError> {
    for (i, f) in items.iter().enumerate() {
        sqlx::query("INSERT INTO volume_items (volume_id, position, file_id) VALUES ($1, $2, $3)").bind(volume_id).bind(i as i64 + 1).bind(f).execute(&mut *conn).await.map_err(db)?;
    }
    Ok(())
}

/// The plain-text rendering of a legal document from the case as it stood after the decision.
pub fn render_document(state: &domain::CaseState, d: &domain::case::IssuedDocument, event: &domain::Event, dir: &domain::Directory) -> String {
    use std::fmt::Write;
    let org = dir.org(&d.org).map(|o| o.name.as_str()).unwrap_or(&d.org);
    let local = d.at.with_timezone(&domain::period::china());
    let mut s = String::new();
    let _ = writeln!(s, "{org}");
    let _ = writeln!(s, "{}", d.kind.label());
    let _ = writeln!(s, "{}", d.number);
    let _ = writeln!(s);
    let _ = writeln!(s, "案件：{}（{}）", state.title, state.id);
    for (agency, no) in &state.case_numbers {
        let _ = writeln!(s, "{}案号：{no}", agency.label());
    }
    if !state.charges.is_empty() {
        let _ = writeln!(s, "罪名：{}", state.charges.join("、"));
    }
    for p in &state.persons {
        let _ = writeln!(s, "{}：{}", state.role_of(p).label(), p.name);
    }
    let _ = writeln!(s, "决定事项：{}", event.action.label());
    if let Some(route) = &event.route {
        let to = dir.org(route).map(|o| o.name.as_str()).unwrap_or(route);
        let _ = writeln!(s, "送达单位：{to}");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "承办人：{}", event.actor.name);
    let _ = writeln!(s, "{}", local.format("%Y年%m月%d日"));
    s
}

/// A chunk of a resumable upload being written.
pub struct UploadChunk {
    store: Store,
    id: String,
    file: tokio::io::BufWriter<tokio::fs::File>,
    path: PathBuf,
    offset: u64,
    written: u64,
    cap: u64,
}

impl UploadChunk {
    pub async fn write(&mut self, data: &[u8]) -> Result<(), StoreError> {
        if self.offset + self.written + data.len() as u64 > self.cap {
            return Err(invalid("body", format!("超过声明的大小或上限（{} 字节）", self.cap)));
        }
        self.file.write_all(data).await.map_err(|e| io_err(&self.path, e))?;
        self.written += data.len() as u64;
        Ok(())
    }

    /// Makes the chunk durable and records the new offset; returns the bytes received so far.
    pub async fn finish(mut self) -> Result<u64, StoreError> {
        self.file.flush().await.map_err(|e| io_err(&self.path, e))?;
        self.file.get_mut().sync_all().await.map_err(|e| io_err(&self.path, e))?;
        let received = self.offset + self.written;
        sqlx::query("UPDATE uploads SET received = $1 WHERE id = $2 AND received = $3")
            .bind(received as i64)
            .bind(&self.id)
            .bind(self.offset as i64)
            .execute(&self.store.shared().write)
            .await
            .map_err(db)?;
        Ok(received)
    }
}
