//! Property-style checks against a naive reference written straight from the
//! recursive definitions of RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and
//! §2.1.4.1 (PROOF/SUBPROOF): for many tree sizes, every proof produced by
//! the store path (plan → fetch → compute) equals the reference and verifies.

use std::cell::RefCell;
use std::collections::HashMap;

use ledger::*;

/// The reference: recursion over leaf hashes, with MTH(a, b) memoised so
/// that checking every index of a few-thousand-leaf tree stays fast.
struct Reference {
    leaves: Vec<Hash>,
    memo: RefCell<HashMap<(usize, usize), Hash>>,
}

fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

impl Reference {
    fn mth(&self, a: usize, b: usize) -> Hash {
        let n = b - a;
        if n == 0 {
            return Sha256Hasher.empty_root();
        }
        if n == 1 {
            return self.leaves[a];
        }
        if let Some(h) = self.memo.borrow().get(&(a, b)) {
            return *h;
        }
        let k = k_of(n);
        let h = Sha256Hasher.hash_children(&self.mth(a, a + k), &self.mth(a + k, b));
        self.memo.borrow_mut().insert((a, b), h);
        h
    }

    fn path(&self, m: usize, a: usize, b: usize) -> Vec<Hash> {
        let n = b - a;
        if n == 1 {
            return vec![];
        }
        let k = k_of(n);
        if m < k {
            let mut p = self.path(m, a, a + k);
            p.push(self.mth(a + k, b));
            p
        } else {
            let mut p = self.path(m - k, a + k, b);
            p.push(self.mth(a, a + k));
            p
        }
    }

    fn subproof(&self, m: usize, a: usize, b: usize, whole: bool) -> Vec<Hash> {
        let n = b - a;
        if m == n {
            return if whole { vec![] } else { vec![self.mth(a, b)] };
        }
        let k = k_of(n);
        if m <= k {
            let mut p = self.subproof(m, a, a + k, whole);
            p.push(self.mth(a + k, b));
            p
        } else {
            let mut p = self.subproof(m - k, a + k, b, false);
            p.push(self.mth(a, a + k));
            p
        }
    }

    fn consistency(&self, m: usize, n: usize) -> Vec<Hash> {
        if m == 0 || m == n { vec![] } else { self.subproof(m, 0, n, true) }
    }
}

/// splitmix64: a deterministic generator, so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn build(n: usize, rng: &mut Rng) -> (MemoryTree, Reference) {
    let mut tree = MemoryTree::new(Sha256Hasher);
    let mut leaves = Vec::with_capacity(n);
    for _ in 0..n {
        let data = rng.next().to_le_bytes();
        leaves.push(Sha256Hasher.hash_leaf(&data));
        tree.append_leaf(&data).unwrap();
    }
    (tree, Reference { leaves, memo: RefCell::new(HashMap::new()) })
}

/// Checks all inclusion proofs at `size`, and consistency proofs from every
/// `first <= size` (or from a sample when `all_first` is false).
fn check_size(tree: &MemoryTree, r: &Reference, size: usize, firsts: &[usize]) {
    let hasher = Sha256Hasher;
    let root = r.mth(0, size);
    assert_eq!(tree.root_at(size as u64).unwrap(), root, "root at {size}");
    for i in 0..size {
        let got = tree.inclusion_proof(i as u64, size as u64).unwrap();
        assert_eq!(got, r.path(i, 0, size), "inclusion {i}/{size}");
        verify_inclusion(&hasher, i as u64, size as u64, &r.leaves[i], &got, &root).unwrap();
    }
    for &m in firsts {
        let got = tree.consistency_proof(m as u64, size as u64).unwrap();
        assert_eq!(got, r.consistency(m, size), "consistency {m}->{size}");
        verify_consistency(&hasher, m as u64, size as u64, &r.mth(0, m), &root, &got).unwrap();
    }
}

#[test]
fn every_proof_of_small_trees_matches_reference() {
    let mut rng = Rng(1);
    let (tree, r) = build(70, &mut rng);
    for size in 1..=70 {
        let firsts: Vec<usize> = (0..=size).collect();
        check_size(&tree, &r, size, &firsts);
    }
}

#[test]
fn every_inclusion_proof_of_random_large_trees_matches_reference() {
    let mut rng = Rng(2);
    let (tree, r) = build(3000, &mut rng);
    let mut sizes = vec![1024, 1025, 2047, 2048, 2049, 3000];
    for _ in 0..6 {
        sizes.push(1 + rng.below(3000) as usize);
    }
    for size in sizes {
        let mut firsts: Vec<usize> = (0..64).map(|_| rng.below(size as u64 + 1) as usize).collect();
        firsts.extend([0, 1, size / 2, size - 1, size]);
        check_size(&tree, &r, size, &firsts);
    }
}

#[test]
fn random_proofs_are_rejected_under_other_indices_and_sizes() {
    let mut rng = Rng(3);
    let (tree, r) = build(500, &mut rng);
    let hasher = Sha256Hasher;
    for _ in 0..300 {
        let size = 2 + rng.below(499);
        let i = rng.below(size);
        let proof = tree.inclusion_proof(i, size).unwrap();
        let root = r.mth(0, size as usize);
        let leaf = r.leaves[i as usize];
        let j = (i + 1 + rng.below(size - 1)) % size;
        assert!(verify_inclusion(&hasher, j, size, &leaf, &proof, &root).is_err(), "{i}->{j}/{size}");
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let k = rng.below(bad.len() as u64) as usize;
            bad[k][(rng.below(32)) as usize] ^= 1 << rng.below(8);
            assert!(verify_inclusion(&hasher, i, size, &leaf, &bad, &root).is_err());
        }
        let m = 1 + rng.below(size - 1);
        let proof = tree.consistency_proof(m, size).unwrap();
        let r1 = r.mth(0, m as usize);
        let other = 1 + (m + rng.below(size - 2).max(1)) % (size - 1);
        if other != m {
            assert!(verify_consistency(&hasher, other, size, &r1, &root, &proof).is_err(), "{m}/{other}->{size}");
        }
        let mut bad = proof.clone();
        let k = rng.below(bad.len() as u64) as usize;
        bad[k][0] ^= 0x80;
        assert!(verify_consistency(&hasher, m, size, &r1, &root, &bad).is_err());
    }
}

#[test]
fn frontier_survives_a_round_trip_through_storage() {
    // A store keeps the frontier by re-reading frontier_nodes(size).
    let mut rng = Rng(4);
    let (tree, r) = build(777, &mut rng);
    let ids = frontier_nodes(777);
    let hashes: Vec<Hash> = ids.iter().map(|&id| tree.node(id).unwrap()).collect();
    let mut f = Frontier::from_parts(777, hashes).unwrap();
    assert_eq!(f.root(&Sha256Hasher), r.mth(0, 777));
    let extra = Sha256Hasher.hash_leaf(b"one more");
    let nodes = f.append(&Sha256Hasher, extra).unwrap();
    // 777 = 0b1100001001: the new leaf completes exactly one parent.
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[0].0, NodeId::leaf(777));
    assert_eq!(nodes[1].0, NodeId::new(1, 388));
}
