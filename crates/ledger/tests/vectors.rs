//! Golden vectors: the RFC 6962 reference tree of 8 leaves used by
//! Certificate Transparency and transparency-dev/merkle (testonly/constants.go,
//! proof/verify_test.go), plus corrupted proofs that must all fail.

use std::collections::HashMap;

use ledger::*;

const LEAVES: [&str; 8] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

/// Perfect-subtree hashes by level, then index.
const NODES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// Roots by tree size 0..=8.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, audit path). Indices are 0-based here; the Go
/// source lists them 1-based.
const INCLUSION: &[(u64, u64, &[&str])] = &[
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (first size, second size, consistency proof).
const CONSISTENCY: &[(u64, u64, &[&str])] = &[
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

fn h(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn hs(v: &[&str]) -> Vec<Hash> {
    v.iter().map(|s| h(s)).collect()
}

fn tree() -> MemoryTree {
    let mut t = MemoryTree::new(Sha256Hasher);
    for l in LEAVES {
        t.append_leaf(&hex::decode(l).unwrap()).unwrap();
    }
    t
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    assert_eq!(Sha256Hasher.empty_root(), h(ROOTS[0]));
    assert_eq!(MemoryTree::new(Sha256Hasher).root(), h(ROOTS[0]));
}

#[test]
fn stored_perfect_nodes_match_reference_node_hashes() {
    let t = tree();
    for (level, row) in NODES.iter().enumerate() {
        for (index, want) in row.iter().enumerate() {
            assert_eq!(t.node(NodeId::new(level as u8, index as u64)).unwrap(), h(want), "node {level}/{index}");
        }
    }
    assert!(matches!(t.node(NodeId::new(4, 0)), Err(LedgerError::MissingNode(_))));
}

#[test]
fn roots_of_every_size_from_frontier_and_from_store() {
    let mut t = MemoryTree::new(Sha256Hasher);
    assert_eq!(t.root(), h(ROOTS[0]));
    for (i, l) in LEAVES.iter().enumerate() {
        t.append_leaf(&hex::decode(l).unwrap()).unwrap();
        assert_eq!(t.root(), h(ROOTS[i + 1]), "frontier root at size {}", i + 1);
    }
    for (size, want) in ROOTS.iter().enumerate() {
        assert_eq!(t.root_at(size as u64).unwrap(), h(want), "stored root at size {size}");
    }
}

#[test]
fn append_emits_perfect_nodes_and_frontier() {
    // The compact ranges (frontiers) of transparency-dev's CompactTrees().
    let n = |l: usize, i: usize| h(NODES[l][i]);
    let want_frontiers: [Vec<Hash>; 9] = [
        vec![],
        vec![n(0, 0)],
        vec![n(1, 0)],
        vec![n(1, 0), n(0, 2)],
        vec![n(2, 0)],
        vec![n(2, 0), n(0, 4)],
        vec![n(2, 0), n(1, 2)],
        vec![n(2, 0), n(1, 2), n(0, 6)],
        vec![n(3, 0)],
    ];
    let mut frontier: Vec<Hash> = Vec::new();
    let mut persisted = Vec::new();
    for (i, l) in LEAVES.iter().enumerate() {
        let leaf = Sha256Hasher.hash_leaf(&hex::decode(l).unwrap());
        let out = append_leaf(&Sha256Hasher, i as u64, &frontier, leaf).unwrap();
        frontier = out.frontier;
        assert_eq!(frontier, want_frontiers[i + 1]);
        persisted.extend(out.nodes);
    }
    // 8 leaves + 4 + 2 + 1 interior nodes, each exactly once.
    assert_eq!(persisted.len(), 15);
    for (id, hash) in &persisted {
        assert_eq!(*hash, h(NODES[id.level as usize][id.index as usize]));
    }
    assert!(matches!(
        append_leaf(&Sha256Hasher, 3, &frontier, [0; 32]),
        Err(LedgerError::BadFrontier { size: 3, expected: 2, got: 1 })
    ));
}

#[test]
fn inclusion_proofs_match_vectors() {
    let t = tree();
    for &(index, size, proof) in INCLUSION {
        assert_eq!(t.inclusion_proof(index, size).unwrap(), hs(proof), "inclusion {index}/{size}");
        // The plan/compute path with an explicit fetched map.
        let plan = plan_inclusion(index, size).unwrap();
        let fetched: HashMap<NodeId, Hash> = plan.nodes().iter().map(|&id| (id, t.node(id).unwrap())).collect();
        assert_eq!(plan.compute(&Sha256Hasher, &fetched).unwrap(), hs(proof));
    }
}

#[test]
fn consistency_proofs_match_vectors() {
    let t = tree();
    for &(first, second, proof) in CONSISTENCY {
        assert_eq!(t.consistency_proof(first, second).unwrap(), hs(proof), "consistency {first}->{second}");
    }
}

#[test]
fn plan_reports_missing_nodes() {
    let plan = plan_inclusion(5, 8).unwrap();
    let err = plan.compute(&Sha256Hasher, &HashMap::new()).unwrap_err();
    assert!(matches!(err, LedgerError::MissingNode(NodeId { level: 0, index: 4 })));
    assert!(matches!(plan_inclusion(8, 8), Err(LedgerError::IndexOutOfRange { index: 8, size: 8 })));
    assert!(matches!(plan_consistency(5, 4), Err(LedgerError::SizeOrder { first: 5, second: 4 })));
}

fn leaf_hash(i: usize) -> Hash {
    Sha256Hasher.hash_leaf(&hex::decode(LEAVES[i]).unwrap())
}

#[test]
fn inclusion_vectors_verify_and_corruptions_fail() {
    let hasher = Sha256Hasher;
    for &(index, size, proof) in INCLUSION {
        let proof = hs(proof);
        let root = h(ROOTS[size as usize]);
        let leaf = leaf_hash(index as usize);
        verify_inclusion(&hasher, index, size, &leaf, &proof, &root).unwrap();

        let mut probes: Vec<(String, u64, u64, Hash, Vec<Hash>, Hash)> = vec![
            ("index - 1".into(), index.wrapping_sub(1), size, leaf, proof.clone(), root),
            ("index + 1".into(), index + 1, size, leaf, proof.clone(), root),
            ("index ^ 2".into(), index ^ 2, size, leaf, proof.clone(), root),
            ("size * 2".into(), index, size * 2, leaf, proof.clone(), root),
            ("size / 2".into(), index, size / 2, leaf, proof.clone(), root),
            ("wrong leaf".into(), index, size, hasher.hash_leaf(b"WrongLeaf"), proof.clone(), root),
            ("empty root".into(), index, size, leaf, proof.clone(), h(ROOTS[0])),
            ("random root".into(), index, size, leaf, proof.clone(), h(SOME_HASH)),
            ("trailing zero hash".into(), index, size, leaf, [proof.clone(), vec![[0; 32]]].concat(), root),
            ("trailing root".into(), index, size, leaf, [proof.clone(), vec![root]].concat(), root),
            ("preceding zero hash".into(), index, size, leaf, [vec![[0; 32]], proof.clone()].concat(), root),
            ("preceding root".into(), index, size, leaf, [vec![root], proof.clone()].concat(), root),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 8;
            probes.push((format!("flipped bit in proof[{i}]"), index, size, leaf, p, root));
        }
        if !proof.is_empty() {
            probes.push(("truncated".into(), index, size, leaf, proof[..proof.len() - 1].to_vec(), root));
        }
        if proof.len() > 1 {
            let mut p = proof.clone();
            p.insert(1, h(SOME_HASH));
            probes.push(("inserted component".into(), index, size, leaf, p, root));
            let mut p = proof.clone();
            p.swap(0, 1);
            probes.push(("reordered".into(), index, size, leaf, p, root));
            let mut p = proof.clone();
            p.reverse();
            probes.push(("reversed".into(), index, size, leaf, p, root));
        }
        for (desc, i, s, l, p, r) in probes {
            assert!(
                verify_inclusion(&hasher, i, s, &l, &p, &r).is_err(),
                "inclusion {index}/{size}: {desc} verified"
            );
        }
    }
}

#[test]
fn inclusion_degenerate_inputs_fail() {
    let hasher = Sha256Hasher;
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        for (leaf, root) in [(h(SOME_HASH), h(ROOTS[0])), (h(ROOTS[0]), h(SOME_HASH))] {
            let err = verify_inclusion(&hasher, index, size, &leaf, &[], &root).unwrap_err();
            assert!(matches!(err, LedgerError::InclusionRejected { .. }), "{index}/{size}");
        }
    }
    // A single-leaf tree: the root is the leaf hash and the proof is empty.
    let leaf = hasher.hash_leaf(b"data");
    verify_inclusion(&hasher, 0, 1, &leaf, &[], &leaf).unwrap();
    assert!(verify_inclusion(&hasher, 0, 1, &leaf, &[], &h(ROOTS[0])).is_err());
}

#[test]
fn consistency_vectors_verify_and_corruptions_fail() {
    let hasher = Sha256Hasher;
    for &(first, second, proof) in CONSISTENCY {
        let proof = hs(proof);
        let (r1, r2) = (h(ROOTS[first as usize]), h(ROOTS[second as usize]));
        verify_consistency(&hasher, first, second, &r1, &r2, &proof).unwrap();
        if proof.is_empty() {
            continue;
        }
        let mut probes: Vec<(String, u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            ("first - 1".into(), first - 1, second, r1, r2, proof.clone()),
            ("first + 1".into(), first + 1, second, r1, r2, proof.clone()),
            ("first ^ 2".into(), first ^ 2, second, r1, r2, proof.clone()),
            ("second * 2".into(), first, second * 2, r1, r2, proof.clone()),
            ("second / 2".into(), first, second / 2, r1, r2, proof.clone()),
            ("wrong first root".into(), first, second, h(SOME_HASH), r2, proof.clone()),
            ("wrong second root".into(), first, second, r1, h(SOME_HASH), proof.clone()),
            ("swapped roots".into(), first, second, r2, r1, proof.clone()),
            ("empty proof".into(), first, second, r1, r2, vec![]),
            ("trailing zero hash".into(), first, second, r1, r2, [proof.clone(), vec![[0; 32]]].concat()),
            ("trailing root1".into(), first, second, r1, r2, [proof.clone(), vec![r1]].concat()),
            ("trailing root2".into(), first, second, r1, r2, [proof.clone(), vec![r2]].concat()),
            ("preceding zero hash".into(), first, second, r1, r2, [vec![[0; 32]], proof.clone()].concat()),
            ("preceding root1".into(), first, second, r1, r2, [vec![r1], proof.clone()].concat()),
            ("preceding root2".into(), first, second, r1, r2, [vec![r2], proof.clone()].concat()),
            ("preceding proof[0]".into(), first, second, r1, r2, [vec![proof[0]], proof.clone()].concat()),
            ("truncated".into(), first, second, r1, r2, proof[..proof.len() - 1].to_vec()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 16;
            probes.push((format!("flipped bit in proof[{i}]"), first, second, r1, r2, p));
        }
        if proof.len() > 1 {
            let mut p = proof.clone();
            p.swap(0, 1);
            probes.push(("reordered".into(), first, second, r1, r2, p));
        }
        for (desc, f, s, a, b, p) in probes {
            assert!(
                verify_consistency(&hasher, f, s, &a, &b, &p).is_err(),
                "consistency {first}->{second}: {desc} verified"
            );
        }
    }
}

#[test]
fn consistency_edge_cases() {
    let hasher = Sha256Hasher;
    let empty = h(ROOTS[0]);
    let (a, b) = (h(ROOTS[1]), h(ROOTS[2]));
    // Always consistent.
    verify_consistency(&hasher, 0, 0, &empty, &empty, &[]).unwrap();
    verify_consistency(&hasher, 0, 5, &empty, &b, &[]).unwrap();
    verify_consistency(&hasher, 1, 1, &a, &a, &[]).unwrap();
    // Roots that disagree, non-empty trivial proofs, time travel.
    assert!(verify_consistency(&hasher, 0, 0, &empty, &a, &[]).is_err());
    assert!(verify_consistency(&hasher, 1, 1, &a, &b, &[]).is_err());
    assert!(verify_consistency(&hasher, 0, 5, &a, &b, &[]).is_err(), "size 0 must have the empty root");
    assert!(verify_consistency(&hasher, 0, 1, &empty, &a, &[empty]).is_err());
    assert!(verify_consistency(&hasher, 1, 1, &a, &a, &[empty]).is_err());
    assert!(matches!(
        verify_consistency(&hasher, 2, 1, &b, &a, &[]),
        Err(LedgerError::SizeOrder { first: 2, second: 1 })
    ));
    assert!(verify_consistency(&hasher, 1, 2, &a, &b, &[]).is_err(), "empty proof");
}
