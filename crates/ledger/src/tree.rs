//! Perfect-subtree addressing and appending through the right-edge frontier.

use crate::error::{LedgerError, Result};
use crate::hash::{Hash, TreeHasher};

/// The address of a perfect subtree: the node at `level` and `index` covers
/// the leaves `[index · 2^level, (index + 1) · 2^level)`. Level 0 holds the
/// leaf hashes. Such a node never changes once its last leaf is appended, so
/// a store can write it once and keep it forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

impl NodeId {
    pub const fn new(level: u8, index: u64) -> Self {
        NodeId { level, index }
    }

    /// The leaf hash of leaf `index`.
    pub const fn leaf(index: u64) -> Self {
        NodeId { level: 0, index }
    }

    /// First leaf covered (saturating at `u64::MAX` for invalid levels).
    pub const fn begin(&self) -> u64 {
        saturate((self.index as u128) << (self.level as u32 & 127), self.level)
    }

    /// One past the last leaf covered (saturating at `u64::MAX`).
    pub const fn end(&self) -> u64 {
        saturate(((self.index as u128) + 1) << (self.level as u32 & 127), self.level)
    }
}

const fn saturate(v: u128, level: u8) -> u64 {
    if level >= 64 || v > u64::MAX as u128 { u64::MAX } else { v as u64 }
}

/// Appends the perfect nodes whose concatenation is the leaf range
/// `[begin, end)`, left to right, largest first.
///
/// Callers only pass RFC 9162 subtrees (`begin` a multiple of a power of two
/// at least `end - begin`): for those, folding the node hashes from the right
/// gives the subtree's Merkle Tree Hash.
pub(crate) fn push_range_nodes(begin: u64, end: u64, out: &mut Vec<NodeId>) {
    let mut at = begin;
    while at < end {
        let remaining = end - at;
        let fit = 63 - remaining.leading_zeros(); // floor(log2(remaining))
        let align = if at == 0 { 63 } else { at.trailing_zeros() };
        let level = fit.min(align);
        out.push(NodeId::new(level as u8, at >> level));
        at += 1u64 << level;
    }
}

/// The node addresses of the frontier of a tree of `size` leaves: one perfect
/// node per set bit of `size`, largest (leftmost) first. The root of the tree
/// is the right fold of their hashes, so this is also what a root needs.
pub fn frontier_nodes(size: u64) -> Vec<NodeId> {
    let mut out = Vec::with_capacity(size.count_ones() as usize);
    push_range_nodes(0, size, &mut out);
    out
}

/// Folds hashes from the right: `h0 ‖ (h1 ‖ (… ‖ hk))`.
pub(crate) fn fold_right<H: TreeHasher + ?Sized>(hasher: &H, hashes: &[Hash]) -> Option<Hash> {
    let (last, rest) = hashes.split_last()?;
    let mut acc = *last;
    for h in rest.iter().rev() {
        acc = hasher.hash_children(h, &acc);
    }
    Some(acc)
}

/// The right edge of the tree (a compact range over `[0, size)`): the hashes
/// of the perfect nodes named by [`frontier_nodes`]. At most 64 hashes; this
/// is all that appending needs, and all a root needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    hashes: Vec<Hash>,
}

/// What one append produced (the pure-function form of [`Frontier::append`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// New perfect nodes to persist: the leaf hash, then each completed parent.
    pub nodes: Vec<(NodeId, Hash)>,
    /// The frontier of the tree with one more leaf.
    pub frontier: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a frontier from stored hashes (fetched for [`frontier_nodes`]).
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Result<Self> {
        let expected = size.count_ones() as usize;
        if hashes.len() != expected {
            return Err(LedgerError::BadFrontier { size, expected, got: hashes.len() });
        }
        Ok(Frontier { size, hashes })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Frontier hashes, largest subtree first.
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// The Merkle Tree Hash of the whole tree.
    pub fn root<H: TreeHasher + ?Sized>(&self, hasher: &H) -> Hash {
        fold_right(hasher, &self.hashes).unwrap_or_else(|| hasher.empty_root())
    }

    /// Appends one leaf hash and hands every new perfect node to `persist`
    /// (the leaf itself at level 0, then each parent it completes). On
    /// average that is two nodes per leaf.
    pub fn append_with<H: TreeHasher + ?Sized>(
        &mut self,
        hasher: &H,
        leaf_hash: Hash,
        persist: impl FnMut(NodeId, &Hash),
    ) -> Result<()> {
        self.append_node_with(hasher, 0, leaf_hash, persist)
    }

    /// Appends a whole perfect subtree of `2^level` leaves given its root
    /// `hash`, handing it and every parent it completes to `persist`. The size
    /// must be a multiple of `2^level` (then every frontier node is at least
    /// that large, and the result is that of appending its leaves one by one).
    pub(crate) fn append_node_with<H: TreeHasher + ?Sized>(
        &mut self,
        hasher: &H,
        level: u8,
        hash: Hash,
        mut persist: impl FnMut(NodeId, &Hash),
    ) -> Result<()> {
        debug_assert!(level < 64 && self.size & ((1u64 << level) - 1) == 0, "unaligned perfect node");
        let new_size = self.size.checked_add(1u64 << level).ok_or(LedgerError::TreeFull)?;
        let mut index = self.size >> level;
        let mut level = level;
        let mut hash = hash;
        persist(NodeId::new(level, index), &hash);
        while index & 1 == 1 {
            // The left sibling is complete and sits at the end of the frontier.
            let left = self.hashes.pop().expect("frontier length matches size bits");
            hash = hasher.hash_children(&left, &hash);
            index >>= 1;
            level += 1;
            persist(NodeId::new(level, index), &hash);
        }
        self.hashes.push(hash);
        self.size = new_size;
        Ok(())
    }

    /// Appends one leaf hash and returns the new perfect nodes to persist.
    pub fn append<H: TreeHasher + ?Sized>(
        &mut self,
        hasher: &H,
        leaf_hash: Hash,
    ) -> Result<Vec<(NodeId, Hash)>> {
        let mut nodes = Vec::with_capacity(2);
        self.append_with(hasher, leaf_hash, |id, h| nodes.push((id, *h)))?;
        Ok(nodes)
    }
}

/// Pure append: from the current `size` and its `frontier` (as stored), the
/// nodes to persist for `leaf_hash` (which becomes leaf number `size`) and
/// the next frontier.
pub fn append_leaf<H: TreeHasher + ?Sized>(
    hasher: &H,
    size: u64,
    frontier: &[Hash],
    leaf_hash: Hash,
) -> Result<Appended> {
    let mut f = Frontier::from_parts(size, frontier.to_vec())?;
    let nodes = f.append(hasher, leaf_hash)?;
    Ok(Appended { nodes, frontier: f.hashes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontier_nodes_follow_size_bits() {
        assert!(frontier_nodes(0).is_empty());
        assert_eq!(frontier_nodes(1), vec![NodeId::new(0, 0)]);
        assert_eq!(
            frontier_nodes(7),
            vec![NodeId::new(2, 0), NodeId::new(1, 2), NodeId::new(0, 6)]
        );
        assert_eq!(frontier_nodes(u64::MAX).len(), 64);
        assert_eq!(frontier_nodes(u64::MAX)[0], NodeId::new(63, 0));
    }

    #[test]
    fn range_nodes_of_a_right_subtree() {
        let mut v = Vec::new();
        push_range_nodes(8, 13, &mut v);
        assert_eq!(v, vec![NodeId::new(2, 2), NodeId::new(0, 12)]);
    }

    #[test]
    fn node_extent() {
        let n = NodeId::new(3, 2);
        assert_eq!((n.begin(), n.end()), (16, 24));
        assert_eq!(NodeId::new(63, 1).end(), u64::MAX);
    }
}
