//! The crate's one error type.

use crate::tree::NodeId;

/// Everything that can go wrong in the ledger: bad arguments, missing stored
/// nodes, rejected proofs, malformed or untrusted notes and checkpoints, and
/// witness refusals.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A leaf index at or beyond the tree size.
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    /// A consistency request or proof whose first size exceeds the second.
    #[error("consistency from size {first} to size {second}: first must not exceed second")]
    SizeOrder { first: u64, second: u64 },
    /// The tree already holds 2^64 - 1 leaves.
    #[error("tree is full")]
    TreeFull,
    /// A frontier whose length does not match the number of set bits of its size.
    #[error("frontier for size {size} must hold {expected} hashes, got {got}")]
    BadFrontier { size: u64, expected: usize, got: usize },
    /// A node the computation needs was not fetched or is not stored.
    #[error("node (level {}, index {}) is not available", .0.level, .0.index)]
    MissingNode(NodeId),
    /// A node source (a store) failed for its own reasons.
    #[error("node source failed")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// An inclusion proof that does not prove the leaf under the root.
    #[error("inclusion proof for leaf {index} in tree of size {size} rejected: {reason}")]
    InclusionRejected { index: u64, size: u64, reason: &'static str },
    /// A consistency proof that does not link the two tree heads.
    #[error("consistency proof from size {first} to size {second} rejected: {reason}")]
    ConsistencyRejected { first: u64, second: u64, reason: &'static str },
    /// A signed note that breaks the C2SP signed-note syntax.
    #[error("malformed note: {0}")]
    MalformedNote(&'static str),
    /// A key string, seed or key name that cannot be used.
    #[error("malformed key: {0}")]
    MalformedKey(&'static str),
    /// A signature line that names a trusted key but does not verify.
    #[error("signature by trusted key {name} ({key_id:08x}) does not verify")]
    BadSignature { name: String, key_id: u32 },
    /// A note without any signature from a trusted key.
    #[error("note has no signature from a trusted key (signed by: {signers:?})")]
    UntrustedNote { signers: Vec<String> },
    /// A checkpoint body that breaks the C2SP tlog-checkpoint syntax.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(&'static str),
    /// A checkpoint from another log than the one expected.
    #[error("checkpoint origin {got:?} does not match expected {expected:?}")]
    OriginMismatch { expected: String, got: String },
    /// A checkpoint smaller than the one a witness already cosigned.
    #[error("checkpoint size {new} is smaller than the last cosigned size {last}")]
    Rollback { last: u64, new: u64 },
    /// A checkpoint with the size a witness already cosigned but another root.
    #[error("checkpoint of size {size} has a different root than the one last cosigned")]
    ConflictingRoot { size: u64 },
    /// A signer implementation failed (e.g. a hardware module refused).
    #[error("signing failed: {0}")]
    Signing(String),
}

/// Shorthand for results of this crate.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
