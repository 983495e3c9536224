//! Case-file blobs encrypted at rest, in a chunked format that range reads can decrypt in part.
//!
//! A stored blob is a 16-byte header (`LBENC01\n`, the suite, seven zero bytes) followed by one
//! sealed chunk per 1 MiB block of the plaintext ([`BLOCK_SIZE`]): `nonce (12) ‖ ciphertext ‖
//! tag (16)`, AES-256-GCM in the standard
//! suite, SM4-GCM in the national one, through the crypto provider. Each chunk's associated data
//! binds its index and whether it is the last, so chunks cannot be reordered or the blob cut short
//! unnoticed. Each chunk's tag is also recorded with the blob's row (`blobs.blocks`), so a chunk is
//! served only if it is the one written for this content: uploads hash the content once (its
//! SHA-256, the address), with no second per-block hash. Chunk `i` starts at
//! [`chunk_offset`]`(i)`, so a range read decrypts only the chunks it touches. The blob's address
//! stays the SHA-256 of the plaintext.
//!
//! The key lives outside the database, in `DATA/keys/blob-<suite>.key` (hex, 0600), created on
//! first use. Blobs stored before encryption are plain: told apart by their length (a sealed blob
//! is always longer than its plaintext, [`stored_len`]).

use crate::files::BLOCK_SIZE;
use crate::{trace, StoreError};
use crypto::Suite;
use std::path::Path;
use std::sync::Arc;

/// The header's first eight bytes.
pub const MAGIC: &[u8; 8] = b"LBENC01\n";
/// Length of the header.
pub const HEADER_LEN: u64 = 16;
/// Bytes a sealed chunk adds to its plaintext (nonce and tag).
pub const CHUNK_OVERHEAD: u64 = 28;
/// Length of a chunk's authentication tag (its last bytes).
pub const TAG_LEN: usize = 16;

/// Where sealed chunk `index` starts in a stored blob.
pub fn chunk_offset(index: u64) -> u64 {
    HEADER_LEN + index * (BLOCK_SIZE + CHUNK_OVERHEAD)
}

/// The stored length of a sealed blob of `size` plaintext bytes.
pub fn stored_len(size: u64) -> u64 {
    HEADER_LEN + size + size.div_ceil(BLOCK_SIZE) * CHUNK_OVERHEAD
}

fn suite_byte(suite: Suite) -> u8 {
    match suite {
        Suite::Standard => 1,
        Suite::National => 2,
    }
}

/// The key that seals blobs in one suite.
pub struct BlobKey {
    suite: Suite,
    key: Vec<u8>,
}

impl std::fmt::Debug for BlobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobKey").field("suite", &self.suite).finish_non_exhaustive()
    }
}

impl BlobKey {
    /// Loads `keys_dir/blob-<suite>.key`, creating it (0600) on first use.
    pub fn load_or_create(keys_dir: &Path, suite: Suite) -> Result<Arc<Self>, StoreError> {
        let path = keys_dir.join(format!("blob-{suite}.key"));
        let p = suite.provider();
        if !path.exists() {
            trace::create_private_dir(keys_dir)?;
            let mut key = vec![0u8; p.key_len()];
            getrandom::fill(&mut key).map_err(|e| StoreError::Database(format!("no system randomness: {e}")))?;
            // Two first uses at once: the file created first wins, the other reads it.
            let _ = trace::write_secret_file(&path, &hex::encode(&key));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| StoreError::Corrupt(format!("blob key {}: {e}", path.display())))?;
        let key = hex::decode(text.trim()).map_err(|_| StoreError::Corrupt(format!("blob key {}: not hex", path.display())))?;
        if key.len() != p.key_len() {
            return Err(StoreError::Corrupt(format!("blob key {}: {} bytes, {suite} needs {}", path.display(), key.len(), p.key_len())));
        }
        Ok(Arc::new(Self { suite, key }))
    }

    /// The key for the suite a stored header names.
    pub fn for_header(keys_dir: &Path, header: &[u8]) -> Result<Arc<Self>, StoreError> {
        if header.len() < HEADER_LEN as usize || &header[..8] != MAGIC {
            return Err(StoreError::Corrupt("not a sealed blob (bad header)".into()));
        }
        let suite = match header[8] {
            1 => Suite::Standard,
            2 => Suite::National,
            n => return Err(StoreError::Corrupt(format!("sealed blob names unknown suite {n}"))),
        };
        if header[9..HEADER_LEN as usize].iter().any(|&b| b != 0) {
            return Err(StoreError::Corrupt("not a sealed blob (bad header)".into()));
        }
        Self::load_existing(keys_dir, suite)
    }

    fn load_existing(keys_dir: &Path, suite: Suite) -> Result<Arc<Self>, StoreError> {
        if !keys_dir.join(format!("blob-{suite}.key")).exists() {
            return Err(StoreError::Corrupt(format!("blob key for {suite} missing from {}", keys_dir.display())));
        }
        Self::load_or_create(keys_dir, suite)
    }

    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The header of a blob sealed with this key.
    pub fn header(&self) -> [u8; HEADER_LEN as usize] {
        let mut h = [0u8; HEADER_LEN as usize];
        h[..8].copy_from_slice(MAGIC);
        h[8] = suite_byte(self.suite);
        h
    }

    fn aad(index: u64, last: bool) -> [u8; 23] {
        let mut a = [0u8; 23];
        a[..14].copy_from_slice(b"lianban-blob/1");
        a[14..22].copy_from_slice(&index.to_be_bytes());
        a[22] = last as u8;
        a
    }

    /// Seals plaintext block `index` (a fresh random nonce each time).
    pub fn seal_chunk(&self, index: u64, last: bool, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.suite.provider().encrypt(&self.key, &Self::aad(index, last), plain).map_err(|e| StoreError::Database(format!("blob encryption: {e}")))
    }

    /// Opens sealed chunk `index`; any change to it (or its place) is an error.
    pub fn open_chunk(&self, index: u64, last: bool, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.suite.provider().decrypt(&self.key, &Self::aad(index, last), sealed).map_err(|_| StoreError::Corrupt(format!("chunk {index} fails its authentication tag")))
    }
}
