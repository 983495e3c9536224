//! Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4), split into a
//! *plan* (which stored nodes are needed) and a pure *computation* (the proof
//! from the fetched hashes), plus the RFC verification algorithms.

use std::collections::HashMap;

use crate::error::{LedgerError, Result};
use crate::hash::{Hash, TreeHasher};
use crate::tree::{NodeId, fold_right, push_range_nodes};

/// What a [`ProofPlan`] computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    /// The audit path of leaf `index` in the tree of `size` leaves.
    Inclusion { index: u64, size: u64 },
    /// The consistency proof between tree sizes `first` and `second`.
    Consistency { first: u64, second: u64 },
    /// The root of the tree of `size` leaves (a one-element result).
    Root { size: u64 },
}

/// The stored nodes a proof or root needs, and how to combine them.
///
/// Every proof element is the Merkle Tree Hash of one RFC 9162 subtree; each
/// subtree is a run of perfect nodes in [`ProofPlan::nodes`], folded from the
/// right. The nodes are distinct, so a caller can fetch them in one query
/// (`WHERE (level, index) IN (…)`), in any order, and then call
/// [`ProofPlan::compute`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofPlan {
    kind: PlanKind,
    nodes: Vec<NodeId>,
    /// One `(start, end)` slice of `nodes` per output hash, in output order.
    parts: Vec<(usize, usize)>,
}

impl ProofPlan {
    fn from_ranges(kind: PlanKind, ranges: &[(u64, u64)]) -> Self {
        let mut nodes = Vec::new();
        let mut parts = Vec::with_capacity(ranges.len());
        for &(begin, end) in ranges {
            let start = nodes.len();
            push_range_nodes(begin, end, &mut nodes);
            parts.push((start, nodes.len()));
        }
        ProofPlan { kind, nodes, parts }
    }

    pub fn kind(&self) -> PlanKind {
        self.kind
    }

    /// The nodes to fetch; all distinct.
    pub fn nodes(&self) -> &[NodeId] {
        &self.nodes
    }

    /// The proof (or the one-element root) from a map of fetched hashes.
    pub fn compute<H: TreeHasher + ?Sized>(
        &self,
        hasher: &H,
        fetched: &HashMap<NodeId, Hash>,
    ) -> Result<Vec<Hash>> {
        self.compute_with(hasher, |id| {
            fetched.get(&id).copied().ok_or(LedgerError::MissingNode(id))
        })
    }

    /// The proof (or the one-element root), asking `fetch` for each node once.
    pub fn compute_with<H: TreeHasher + ?Sized>(
        &self,
        hasher: &H,
        mut fetch: impl FnMut(NodeId) -> Result<Hash>,
    ) -> Result<Vec<Hash>> {
        if let PlanKind::Root { size: 0 } = self.kind {
            return Ok(vec![hasher.empty_root()]);
        }
        let mut hashes = Vec::with_capacity(self.nodes.len());
        for &id in &self.nodes {
            hashes.push(fetch(id)?);
        }
        Ok(self
            .parts
            .iter()
            .map(|&(s, e)| fold_right(hasher, &hashes[s..e]).expect("plan parts are non-empty"))
            .collect())
    }
}

/// Largest power of two strictly below `n` (`n >= 2`).
fn split_point(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Plans the audit path (RFC 9162 §2.1.3.1) of leaf `index` in a tree of
/// `size` leaves. The proof lists sibling subtrees from the leaf upwards.
pub fn plan_inclusion(index: u64, size: u64) -> Result<ProofPlan> {
    if index >= size {
        return Err(LedgerError::IndexOutOfRange { index, size });
    }
    // Walk PATH(m, D[a:b]) from the root down; the RFC emits siblings in the
    // reverse order (deepest first).
    let mut ranges = Vec::with_capacity(64);
    let (mut a, mut b) = (0u64, size);
    while b - a > 1 {
        let k = split_point(b - a);
        if index < a + k {
            ranges.push((a + k, b));
            b = a + k;
        } else {
            ranges.push((a, a + k));
            a += k;
        }
    }
    ranges.reverse();
    Ok(ProofPlan::from_ranges(PlanKind::Inclusion { index, size }, &ranges))
}

/// Plans the consistency proof (RFC 9162 §2.1.4.1) between the trees of
/// `first` and `second` leaves. For `first == 0` or `first == second` the
/// proof is empty.
pub fn plan_consistency(first: u64, second: u64) -> Result<ProofPlan> {
    if first > second {
        return Err(LedgerError::SizeOrder { first, second });
    }
    let kind = PlanKind::Consistency { first, second };
    if first == 0 || first == second {
        return Ok(ProofPlan::from_ranges(kind, &[]));
    }
    // SUBPROOF(m, D[a:b], whole) from the root down, m = first - a.
    let mut ranges = Vec::with_capacity(64);
    let (mut a, mut b, mut whole) = (0u64, second, true);
    loop {
        if first == b {
            if !whole {
                ranges.push((a, b));
            }
            break;
        }
        let k = split_point(b - a);
        if first <= a + k {
            ranges.push((a + k, b));
            b = a + k;
        } else {
            ranges.push((a, a + k));
            a += k;
            whole = false;
        }
    }
    ranges.reverse();
    Ok(ProofPlan::from_ranges(kind, &ranges))
}

/// Plans the root of the tree of `size` leaves: its frontier nodes.
pub fn plan_root(size: u64) -> ProofPlan {
    let ranges: &[(u64, u64)] = if size == 0 { &[] } else { &[(0, size)] };
    ProofPlan::from_ranges(PlanKind::Root { size }, ranges)
}

/// The root implied by an inclusion proof (RFC 9162 §2.1.3.2, steps 1–4).
pub fn root_from_inclusion_proof<H: TreeHasher + ?Sized>(
    hasher: &H,
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
) -> Result<Hash> {
    let reject = |reason| LedgerError::InclusionRejected { index, size, reason };
    if index >= size {
        return Err(reject("leaf index is not below the tree size"));
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(reject("proof is longer than the path"));
        }
        if fnode & 1 == 1 || fnode == snode {
            r = hasher.hash_children(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = hasher.hash_children(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(reject("proof is shorter than the path"));
    }
    Ok(r)
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion<H: TreeHasher + ?Sized>(
    hasher: &H,
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    let computed = root_from_inclusion_proof(hasher, index, size, leaf_hash, proof)?;
    if &computed != root {
        return Err(LedgerError::InclusionRejected { index, size, reason: "root mismatch" });
    }
    Ok(())
}

/// Verifies a consistency proof (RFC 9162 §2.1.4.2) between the tree heads
/// `(first, first_root)` and `(second, second_root)`.
///
/// Edge cases, stricter than the RFC text which leaves them to the caller:
/// `first == second` needs an empty proof and equal roots; `first == 0`
/// needs an empty proof and `first_root` equal to the empty-tree root.
pub fn verify_consistency<H: TreeHasher + ?Sized>(
    hasher: &H,
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<()> {
    let reject = |reason| LedgerError::ConsistencyRejected { first, second, reason };
    if first > second {
        return Err(LedgerError::SizeOrder { first, second });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(reject("proof between equal sizes must be empty"));
        }
        if first_root != second_root {
            return Err(reject("roots of equal sizes differ"));
        }
        return Ok(());
    }
    if first == 0 {
        if !proof.is_empty() {
            return Err(reject("proof from the empty tree must be empty"));
        }
        if *first_root != hasher.empty_root() {
            return Err(reject("root of size 0 is not the empty-tree root"));
        }
        return Ok(());
    }
    // 1. An empty path fails.
    if proof.is_empty() {
        return Err(reject("proof is empty"));
    }
    // 2. If first is a power of two, first_root is the path's first value.
    let path: Vec<&Hash> = if first.is_power_of_two() {
        std::iter::once(first_root).chain(proof.iter()).collect()
    } else {
        proof.iter().collect()
    };
    // 3.–4.
    let (mut fnode, mut snode) = (first - 1, second - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // 5.
    let (mut fr, mut sr) = (*path[0], *path[0]);
    // 6.
    for c in &path[1..] {
        if snode == 0 {
            return Err(reject("proof is longer than expected"));
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = hasher.hash_children(c, &fr);
            sr = hasher.hash_children(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = hasher.hash_children(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // 7.
    if snode != 0 {
        return Err(reject("proof is shorter than expected"));
    }
    if &fr != first_root {
        return Err(reject("first root mismatch"));
    }
    if &sr != second_root {
        return Err(reject("second root mismatch"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_points() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn inclusion_plan_of_leaf_5_in_7() {
        // siblings: leaf 4, leaf 6, subtree [0,4)
        let p = plan_inclusion(5, 7).unwrap();
        assert_eq!(p.nodes(), &[NodeId::new(0, 4), NodeId::new(0, 6), NodeId::new(2, 0)]);
    }

    #[test]
    fn consistency_plan_3_to_7() {
        // RFC 9162 §2.1.5 example: PROOF(3, D[7]) = [c, d, g, l]
        let p = plan_consistency(3, 7).unwrap();
        assert_eq!(
            p.nodes(),
            &[NodeId::new(0, 2), NodeId::new(0, 3), NodeId::new(1, 0), NodeId::new(1, 2), NodeId::new(0, 6)]
        );
        assert_eq!(p.parts.len(), 4);
    }
}
