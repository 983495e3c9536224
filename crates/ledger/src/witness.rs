//! Witnesses and split-view detection.
//!
//! A witness remembers the last tree head it cosigned and cosigns a newer
//! one only when the log's signature verifies and a consistency proof links
//! the two. A log that shows different histories to different parties
//! (a split view) then cannot gather cosignatures for both.

use crate::checkpoint::{SignedCheckpoint, open_checkpoint};
use crate::error::{LedgerError, Result};
use crate::hash::{Hash, TreeHasher};
use crate::note::{Cosigner, NoteSignature, NoteVerifier};
use crate::proof::verify_consistency;

/// A witness's whole state for one log: the last cosigned tree head.
/// Persist it after every successful [`Witness::cosign`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Witness {
    /// A witness that has seen nothing of the log yet (the empty tree).
    pub fn new<H: TreeHasher + ?Sized>(hasher: &H, origin: impl Into<String>) -> Self {
        Witness { origin: origin.into(), size: 0, root: hasher.empty_root() }
    }

    /// Checks `signed_note` (a checkpoint note) and, if it extends what was
    /// last cosigned, cosigns it at `timestamp` and advances the state.
    ///
    /// Order: (a) the log's signature, (b) origin, (c) no rollback and no
    /// conflicting root, (d) the consistency `proof` from the last cosigned
    /// size. On any error the state is unchanged. Returns the cosignature
    /// line to append to the note.
    pub fn cosign<H: TreeHasher + ?Sized>(
        &mut self,
        hasher: &H,
        log: &dyn NoteVerifier,
        cosigner: &dyn Cosigner,
        signed_note: &str,
        proof: &[Hash],
        timestamp: u64,
    ) -> Result<NoteSignature> {
        let signed = open_checkpoint(signed_note, log)?;
        let cp = signed.checkpoint();
        if cp.origin != self.origin {
            return Err(LedgerError::OriginMismatch { expected: self.origin.clone(), got: cp.origin.clone() });
        }
        if cp.size < self.size {
            return Err(LedgerError::Rollback { last: self.size, new: cp.size });
        }
        if cp.size == self.size && cp.root != self.root {
            return Err(LedgerError::ConflictingRoot { size: cp.size });
        }
        verify_consistency(hasher, self.size, cp.size, &self.root, &cp.root, proof)?;
        let line = cosigner.cosign(&signed.note().text, timestamp)?;
        self.size = cp.size;
        self.root = cp.root;
        Ok(line)
    }
}

/// Evidence that a log contradicted itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitView {
    /// Two signed heads of the same size with different roots: conclusive.
    SameSizeDifferentRoots { size: u64, first_root: Hash, second_root: Hash },
    /// The supplied consistency proof does not link the smaller head to the
    /// larger. Conclusive when the proof came from the log itself.
    NotConsistent { smaller_size: u64, larger_size: u64, reason: String },
}

/// The outcome of comparing two signed checkpoints of one log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Same head, or the proof links them.
    Consistent,
    /// Sizes differ and no proof was given: nothing can be concluded yet.
    Unproven { smaller_size: u64, larger_size: u64 },
    SplitView(SplitView),
}

/// Compares two verified checkpoints of the same log, in either order.
/// `proof` is a consistency proof from the smaller to the larger size.
pub fn detect_split_view<H: TreeHasher + ?Sized>(
    hasher: &H,
    a: &SignedCheckpoint,
    b: &SignedCheckpoint,
    proof: Option<&[Hash]>,
) -> Result<Finding> {
    let (a, b) = (a.checkpoint(), b.checkpoint());
    if a.origin != b.origin {
        return Err(LedgerError::OriginMismatch { expected: a.origin.clone(), got: b.origin.clone() });
    }
    let (small, large) = if a.size <= b.size { (a, b) } else { (b, a) };
    if small.size == large.size {
        return Ok(if small.root == large.root {
            Finding::Consistent
        } else {
            Finding::SplitView(SplitView::SameSizeDifferentRoots {
                size: a.size,
                first_root: a.root,
                second_root: b.root,
            })
        });
    }
    let Some(proof) = proof else {
        return Ok(Finding::Unproven { smaller_size: small.size, larger_size: large.size });
    };
    match verify_consistency(hasher, small.size, large.size, &small.root, &large.root, proof) {
        Ok(()) => Ok(Finding::Consistent),
        Err(e) => Ok(Finding::SplitView(SplitView::NotConsistent {
            smaller_size: small.size,
            larger_size: large.size,
            reason: e.to_string(),
        })),
    }
}

/// Convenience: verify both notes with the log key, then compare them.
pub fn detect_split_view_in_notes<H: TreeHasher + ?Sized>(
    hasher: &H,
    log: &dyn NoteVerifier,
    first_note: &str,
    second_note: &str,
    proof: Option<&[Hash]>,
) -> Result<Finding> {
    let a = open_checkpoint(first_note, log)?;
    let b = open_checkpoint(second_note, log)?;
    detect_split_view(hasher, &a, &b, proof)
}
