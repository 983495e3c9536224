//! The parallel bulk paths give exactly what appending one leaf at a time gives: the same root
//! (checked also against the recursive RFC 9162 definition), the same frontier and, for
//! `MemoryTree`, the same stored node at every address, for every thread count, around the chunk
//! boundaries and starting from unaligned tree sizes.

use ledger::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn leaves(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let len = (rng.next() % 90) as usize;
            (0..len).map(|_| rng.next() as u8).collect()
        })
        .collect()
}

/// MTH straight from RFC 9162 §2.1.1.
fn reference(hashes: &[Hash]) -> Hash {
    match hashes.len() {
        0 => Sha256Hasher.empty_root(),
        1 => hashes[0],
        n => {
            let k = 1 << (usize::BITS - 1 - (n - 1).leading_zeros());
            Sha256Hasher.hash_children(&reference(&hashes[..k]), &reference(&hashes[k..]))
        }
    }
}

fn sequential(prefix: &[Vec<u8>], more: &[Vec<u8>]) -> MemoryTree {
    let mut t = MemoryTree::new(Sha256Hasher);
    for l in prefix.iter().chain(more) {
        t.append_leaf(l).unwrap();
    }
    t
}

fn same_nodes(a: &MemoryTree, b: &MemoryTree, what: &str) {
    assert_eq!(a.size(), b.size(), "{what}");
    assert_eq!(a.frontier(), b.frontier(), "{what}");
    for level in 0..64u8 {
        let count = a.size() >> level;
        if count == 0 {
            break;
        }
        for index in 0..count {
            let id = NodeId::new(level, index);
            assert_eq!(a.node(id).unwrap(), b.node(id).unwrap(), "{what}: node {id:?}");
        }
        assert!(b.node(NodeId::new(level, count)).is_err(), "{what}: extra node at level {level}");
    }
}

const SIZES: [usize; 9] = [0, 1, 7, CHUNK_LEAVES, 4 * CHUNK_LEAVES - 1, 4 * CHUNK_LEAVES, 4 * CHUNK_LEAVES + 1, 5 * CHUNK_LEAVES + 333, 9 * CHUNK_LEAVES + 17];

#[test]
fn root_of_leaves_equals_sequential_and_reference_for_every_thread_count() {
    let all = leaves(*SIZES.iter().max().unwrap(), 1);
    for &n in &SIZES {
        let part = &all[..n];
        let want = sequential(&[], part).root();
        let hashes: Vec<Hash> = part.iter().map(|l| Sha256Hasher.hash_leaf(l)).collect();
        assert_eq!(reference(&hashes), want, "reference, {n} leaves");
        for threads in [1, 2, 3, 4, 7] {
            assert_eq!(root_of_leaves_on(&Sha256Hasher, part, threads), want, "{n} leaves, {threads} threads");
        }
        assert_eq!(root_of_leaves(&Sha256Hasher, part), want, "{n} leaves, default threads");
        assert_eq!(hash_leaves_on(&Sha256Hasher, part, 3), hashes, "leaf hashes, {n} leaves");
    }
}

#[test]
fn bulk_appends_from_unaligned_sizes_store_the_same_nodes() {
    let all = leaves(3 * CHUNK_LEAVES + 5 + 5 * CHUNK_LEAVES + 333, 2);
    for prefix in [0, 1, CHUNK_LEAVES - 1, CHUNK_LEAVES + 1, 3 * CHUNK_LEAVES + 5] {
        for &n in &[0, 5, 4 * CHUNK_LEAVES, 5 * CHUNK_LEAVES + 333] {
            let (before, more) = all[..prefix + n].split_at(prefix);
            let want = sequential(before, more);
            for threads in [1, 2, 3] {
                let what = format!("{prefix} then {n} leaves, {threads} threads");
                let mut t = sequential(before, &[]);
                assert_eq!(t.extend_leaves_on(more, threads).unwrap(), prefix as u64..(prefix + n) as u64, "{what}");
                same_nodes(&want, &t, &what);
                if threads != 2 {
                    continue;
                }
                let hashes: Vec<Hash> = more.iter().map(|l| Sha256Hasher.hash_leaf(l)).collect();
                let mut t = sequential(before, &[]);
                t.extend_hashes_on(&hashes, threads).unwrap();
                same_nodes(&want, &t, &format!("{what}, leaf hashes given"));

                let mut f = sequential(before, &[]).frontier().clone();
                f.extend_leaves_on(&Sha256Hasher, more, threads).unwrap();
                assert_eq!(&f, want.frontier(), "{what}, frontier");
            }
        }
    }
}

#[test]
fn a_tree_built_in_several_bulk_steps_proves_like_one_built_leaf_by_leaf() {
    let all = leaves(12 * CHUNK_LEAVES + 100, 3);
    let want = sequential(&all, &[]);
    let mut t = MemoryTree::new(Sha256Hasher);
    let mut at = 0;
    for step in [10, CHUNK_LEAVES * 5 + 7, 1, CHUNK_LEAVES * 7 + 82] {
        t.extend_leaves(&all[at..at + step]).unwrap();
        at += step;
    }
    assert_eq!(at, all.len());
    same_nodes(&want, &t, "several steps");
    let size = all.len() as u64;
    for (i, m) in [(0, 1), (4095, 4096), (5000, 9000), (size - 1, size - 1)] {
        assert_eq!(t.inclusion_proof(i, size).unwrap(), want.inclusion_proof(i, size).unwrap());
        assert_eq!(t.consistency_proof(m, size).unwrap(), want.consistency_proof(m, size).unwrap());
    }
}
