//! The platform's tamper-evident log.
//!
//! **What is logged:** every event of the platform becomes one leaf, given
//! to this crate as opaque bytes; the crate does not know what a case is.
//! It does no I/O and reads no clock or randomness: times and key seeds are
//! arguments.
//!
//! # Key design decisions
//!
//! * **RFC 9162 hashing behind a trait.** Leaves are `H(0x00 ‖ bytes)`,
//!   interior nodes `H(0x01 ‖ left ‖ right)`, the empty tree `H()`, with
//!   SHA-256 by default ([`Sha256Hasher`]). [`TreeHasher`] lets an SM3 hasher
//!   be plugged in for national-crypto deployments; nothing else changes.
//!
//! * **Only perfect subtrees are stored.** A node `(level, index)` covers
//!   leaves `[index·2^level, (index+1)·2^level)` and is final the moment its
//!   last leaf is appended, so a SQL store writes it once, in the same
//!   transaction as the event, and never updates it (an insert-only table
//!   keyed by `(level, index)`, about two rows per leaf). Every root, audit
//!   path and consistency proof of *any* past size is a right fold of such
//!   nodes, so historical proofs need no snapshots. Appending needs only the
//!   right-edge [`Frontier`] (at most 64 hashes), which the store can keep in
//!   a row or re-read via [`frontier_nodes`].
//!
//! * **Plan, then compute.** The store is async (SQLite/PostgreSQL), but this
//!   crate must not depend on an async runtime nor use async traits. So a
//!   proof is two pure steps: [`plan_inclusion`] / [`plan_consistency`] /
//!   [`plan_root`] name the distinct nodes needed (one `IN (…)` query), and
//!   [`ProofPlan::compute`] turns the fetched map into the proof. A
//!   synchronous [`NodeSource`] path ([`inclusion_proof`],
//!   [`consistency_proof`], [`root_at`]) and an in-memory [`MemoryTree`] use
//!   the very same plans, so the tests exercise the store path.
//!
//! * **Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 literally**
//!   ([`verify_inclusion`], [`verify_consistency`]), and is checked against
//!   the published RFC 6962 vectors and an independent recursive reference.
//!
//! * **Checkpoints are C2SP signed notes** ([`Checkpoint`], [`sign_note`],
//!   [`open_note`]) so outside tools (Go `sumdb/note`, witnesses) read them;
//!   signing is behind [`NoteSigner`] / [`NoteVerifier`] / [`Cosigner`] so
//!   SM2 can be added. Witnesses ([`Witness`]) cosign in the C2SP
//!   `cosignature/v1` format only after checking the log signature and a
//!   consistency proof; [`detect_split_view`] turns two contradicting
//!   signed heads into a typed [`Finding`].
//!
//! * **Bulk verification uses every core.** [`root_of_leaves`],
//!   [`Frontier::extend_leaves`] and [`MemoryTree::extend_leaves`] hash
//!   aligned perfect subtrees of [`CHUNK_LEAVES`] leaves on several threads
//!   (`std::thread::scope`) and join their roots in order: the same tree,
//!   node for node, as appending one leaf at a time.

mod checkpoint;
mod error;
mod hash;
mod note;
mod parallel;
mod proof;
mod source;
mod tree;
mod witness;

pub use checkpoint::{
    Checkpoint, SignedCheckpoint, TIMESTAMP_PREFIX, format_rfc3339, open_checkpoint, parse_rfc3339,
};
pub use error::{LedgerError, Result};
pub use hash::{Hash, Sha256Hasher, TreeHasher};
pub use note::{
    ALG_COSIGNATURE_V1, ALG_ED25519, CosignatureVerifier, Cosigner, Ed25519Cosigner, Ed25519NoteSigner,
    Ed25519NoteVerifier, MAX_SIGNATURES, Note, NoteSignature, NoteSigner, NoteVerifier, OpenedNote,
    cosignature_message, is_valid_name, key_id, open_note, sign_note,
};
pub use parallel::{
    CHUNK_LEAVES, CHUNK_LEVEL, default_threads, hash_leaves, hash_leaves_on, root_of_leaves, root_of_leaves_on,
};
pub use proof::{
    PlanKind, ProofPlan, plan_consistency, plan_inclusion, plan_root, root_from_inclusion_proof,
    verify_consistency, verify_inclusion,
};
pub use source::{MemoryTree, NodeSource, consistency_proof, inclusion_proof, root_at};
pub use tree::{Appended, Frontier, NodeId, append_leaf, frontier_nodes};
pub use witness::{Finding, SplitView, Witness, detect_split_view, detect_split_view_in_notes};
