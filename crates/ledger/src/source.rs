//! The synchronous path: proofs straight from a [`NodeSource`], and an
//! in-memory tree for tests and tools.

use std::collections::HashMap;

use crate::error::{LedgerError, Result};
use crate::hash::{Hash, Sha256Hasher, TreeHasher};
use crate::proof::{plan_consistency, plan_inclusion, plan_root};
use crate::tree::{Frontier, NodeId};

/// Read access to stored perfect-subtree nodes.
pub trait NodeSource {
    /// The hash of a stored perfect node, [`LedgerError::MissingNode`] if it
    /// is not (yet) stored, or [`LedgerError::Source`] if the store failed.
    fn node(&self, id: NodeId) -> Result<Hash>;
}

impl NodeSource for HashMap<NodeId, Hash> {
    fn node(&self, id: NodeId) -> Result<Hash> {
        self.get(&id).copied().ok_or(LedgerError::MissingNode(id))
    }
}

impl<S: NodeSource + ?Sized> NodeSource for &S {
    fn node(&self, id: NodeId) -> Result<Hash> {
        (**self).node(id)
    }
}

/// The audit path of leaf `index` in the tree of `size` leaves.
pub fn inclusion_proof<H: TreeHasher + ?Sized, S: NodeSource + ?Sized>(
    hasher: &H,
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>> {
    plan_inclusion(index, size)?.compute_with(hasher, |id| source.node(id))
}

/// The consistency proof from the tree of `first` leaves to that of `second`.
pub fn consistency_proof<H: TreeHasher + ?Sized, S: NodeSource + ?Sized>(
    hasher: &H,
    source: &S,
    first: u64,
    second: u64,
) -> Result<Vec<Hash>> {
    plan_consistency(first, second)?.compute_with(hasher, |id| source.node(id))
}

/// The root of the tree of `size` leaves.
pub fn root_at<H: TreeHasher + ?Sized, S: NodeSource + ?Sized>(
    hasher: &H,
    source: &S,
    size: u64,
) -> Result<Hash> {
    let mut v = plan_root(size).compute_with(hasher, |id| source.node(id))?;
    Ok(v.pop().expect("root plan yields one hash"))
}

/// A whole tree in memory: every perfect node, level by level.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree<H = Sha256Hasher> {
    hasher: H,
    levels: Vec<Vec<Hash>>,
    frontier: Frontier,
}

impl<H: TreeHasher> MemoryTree<H> {
    pub fn new(hasher: H) -> Self {
        MemoryTree { hasher, levels: Vec::new(), frontier: Frontier::new() }
    }

    pub fn hasher(&self) -> &H {
        &self.hasher
    }

    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// The current root.
    pub fn root(&self) -> Hash {
        self.frontier.root(&self.hasher)
    }

    /// Hashes `data` as a leaf, appends it and returns its index.
    pub fn append_leaf(&mut self, data: &[u8]) -> Result<u64> {
        let h = self.hasher.hash_leaf(data);
        self.append_hash(h)
    }

    /// Appends an already computed leaf hash and returns its index.
    pub fn append_hash(&mut self, leaf_hash: Hash) -> Result<u64> {
        let index = self.frontier.size();
        let levels = &mut self.levels;
        self.frontier.append_with(&self.hasher, leaf_hash, |id, h| {
            let level = id.level as usize;
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            debug_assert_eq!(levels[level].len() as u64, id.index);
            levels[level].push(*h);
        })?;
        Ok(index)
    }

    /// The hasher, the stored levels and the frontier, for bulk appends.
    pub(crate) fn parts_mut(&mut self) -> (&H, &mut Vec<Vec<Hash>>, &mut Frontier) {
        (&self.hasher, &mut self.levels, &mut self.frontier)
    }

    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        inclusion_proof(&self.hasher, self, index, size)
    }

    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>> {
        consistency_proof(&self.hasher, self, first, second)
    }

    pub fn root_at(&self, size: u64) -> Result<Hash> {
        root_at(&self.hasher, self, size)
    }
}

impl<H> NodeSource for MemoryTree<H> {
    fn node(&self, id: NodeId) -> Result<Hash> {
        usize::try_from(id.index)
            .ok()
            .and_then(|i| self.levels.get(id.level as usize)?.get(i))
            .copied()
            .ok_or(LedgerError::MissingNode(id))
    }
}
