//! Ledger benchmark harness: `cargo run --release -p ledger --example bench`.
//!
//! Prints a Markdown table of:
//! (a) inclusion and consistency proof generation + verification at
//!     100 million leaves (a real tree: leaf i = H(0x00 ‖ i as 8 bytes BE);
//!     perfect nodes at levels ≥ CUTOFF kept in memory, lower ones
//!     recomputed from the leaves on demand, which is counted in the time);
//! (b) full verification (recomputing the root of N events of 300 bytes) with
//!     [`root_of_leaves`] (every core) and one leaf at a time (one core),
//!     beside raw single-core SHA-256 over the same bytes, same run;
//! (c) in-memory append rate.
//!
//! Environment overrides: LEDGER_BENCH_LEAVES (default 100000000),
//! LEDGER_BENCH_EVENTS (default 10000000), LEDGER_BENCH_CUTOFF (default 4),
//! LEDGER_BENCH_PROOFS (default 5000), LEDGER_BENCH_ROUNDS (default 3).

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use ledger::*;
use sha2::{Digest, Sha256};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

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

fn leaf(i: u64) -> Hash {
    Sha256Hasher.hash_leaf(&i.to_be_bytes())
}

/// A large deterministic tree: upper levels in memory, lower recomputed.
struct BigTree {
    size: u64,
    cutoff: u8,
    upper: Vec<Vec<Hash>>,
}

impl BigTree {
    fn build(size: u64, cutoff: u8) -> (Self, Hash) {
        let mut upper: Vec<Vec<Hash>> = Vec::new();
        let mut f = Frontier::new();
        for i in 0..size {
            f.append_with(&Sha256Hasher, leaf(i), |id, h| {
                if id.level >= cutoff {
                    let l = (id.level - cutoff) as usize;
                    if upper.len() <= l {
                        upper.resize_with(l + 1, Vec::new);
                    }
                    upper[l].push(*h);
                }
            })
            .unwrap();
        }
        let root = f.root(&Sha256Hasher);
        (BigTree { size, cutoff, upper }, root)
    }

    fn perfect(begin: u64, level: u8) -> Hash {
        if level == 0 {
            return leaf(begin);
        }
        let half = 1u64 << (level - 1);
        Sha256Hasher.hash_children(&Self::perfect(begin, level - 1), &Self::perfect(begin + half, level - 1))
    }
}

impl NodeSource for BigTree {
    fn node(&self, id: NodeId) -> Result<Hash> {
        if id.end() > self.size {
            return Err(LedgerError::MissingNode(id));
        }
        if id.level >= self.cutoff {
            return self.upper[(id.level - self.cutoff) as usize]
                .get(id.index as usize)
                .copied()
                .ok_or(LedgerError::MissingNode(id));
        }
        Ok(Self::perfect(id.begin(), id.level))
    }
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[(v.len() * 99 / 100).min(v.len() - 1)])
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// CPU seconds this process has used (user + system, all threads), from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let leaves = env("LEDGER_BENCH_LEAVES", 100_000_000);
    let events = env("LEDGER_BENCH_EVENTS", 10_000_000) as usize;
    let cutoff = env("LEDGER_BENCH_CUTOFF", 4) as u8;
    let proofs = env("LEDGER_BENCH_PROOFS", 5000) as usize;
    let rounds = env("LEDGER_BENCH_ROUNDS", 3) as usize;
    let hasher = Sha256Hasher;
    let mut rows: Vec<(String, String, String)> = Vec::new();

    // (a) proofs at scale.
    eprintln!("building a tree of {leaves} leaves (levels >= {cutoff} kept in memory)...");
    let t = Instant::now();
    let (tree, root) = BigTree::build(leaves, cutoff);
    let build = t.elapsed();
    let kept: usize = tree.upper.iter().map(Vec::len).sum();
    rows.push((
        format!("build {leaves} leaves (leaf hashing + append, nodes ≥ level {cutoff} kept: {} MiB)", (kept * 32) >> 20),
        format!("{:.1} s", build.as_secs_f64()),
        format!("{:.0} appends/s", leaves as f64 / build.as_secs_f64()),
    ));
    assert_eq!(root_at(&hasher, &tree, leaves).unwrap(), root);

    let mut rng = Rng(42);
    let mut incl = Vec::with_capacity(proofs);
    let mut incl_pure = Vec::with_capacity(proofs);
    for _ in 0..proofs {
        let i = rng.next() % leaves;
        let lh = leaf(i);
        let t = Instant::now();
        let proof = inclusion_proof(&hasher, &tree, i, leaves).unwrap();
        verify_inclusion(&hasher, i, leaves, &lh, &proof, &root).unwrap();
        incl.push(t.elapsed());
        // The async-store path: fetch first (untimed), then compute + verify.
        let plan = plan_inclusion(i, leaves).unwrap();
        let fetched: HashMap<NodeId, Hash> = plan.nodes().iter().map(|&n| (n, tree.node(n).unwrap())).collect();
        let t = Instant::now();
        let plan = plan_inclusion(i, leaves).unwrap();
        let proof = plan.compute(&hasher, &fetched).unwrap();
        verify_inclusion(&hasher, i, leaves, &lh, &proof, &root).unwrap();
        incl_pure.push(t.elapsed());
    }
    let mut cons = Vec::with_capacity(proofs);
    let mut cons_pure = Vec::with_capacity(proofs);
    for _ in 0..proofs {
        let m = 1 + rng.next() % (leaves - 1);
        let r1 = root_at(&hasher, &tree, m).unwrap();
        let t = Instant::now();
        let proof = consistency_proof(&hasher, &tree, m, leaves).unwrap();
        verify_consistency(&hasher, m, leaves, &r1, &root, &proof).unwrap();
        cons.push(t.elapsed());
        let plan = plan_consistency(m, leaves).unwrap();
        let fetched: HashMap<NodeId, Hash> = plan.nodes().iter().map(|&n| (n, tree.node(n).unwrap())).collect();
        let t = Instant::now();
        let plan = plan_consistency(m, leaves).unwrap();
        let proof = plan.compute(&hasher, &fetched).unwrap();
        verify_consistency(&hasher, m, leaves, &r1, &root, &proof).unwrap();
        cons_pure.push(t.elapsed());
    }
    for (name, v) in [
        (format!("inclusion proof at {leaves}: generate (incl. recomputing levels < {cutoff}) + verify"), incl),
        ("inclusion proof: plan + compute from fetched map + verify".to_string(), incl_pure),
        (format!("consistency proof (random m → {leaves}): generate (incl. recompute) + verify"), cons),
        ("consistency proof: plan + compute from fetched map + verify".to_string(), cons_pure),
    ] {
        let (p50, p99) = percentiles(v);
        rows.push((format!("{name} ({proofs} samples)"), format!("median {}", us(p50)), format!("p99 {}", us(p99))));
    }
    drop(tree);

    // (b) full verification vs raw SHA-256 on the same bytes.
    const EVENT: usize = 300;
    eprintln!("generating {events} events of {EVENT} bytes...");
    let mut data = vec![0u8; events * EVENT];
    let mut rng = Rng(7);
    for chunk in data.chunks_mut(8) {
        let x = rng.next().to_le_bytes();
        chunk.copy_from_slice(&x[..chunk.len()]);
    }
    let mb = (events * EVENT) as f64 / 1e6;
    let slices: Vec<&[u8]> = data.chunks_exact(EVENT).collect();
    let threads = env("LEDGER_BENCH_THREADS", default_threads() as u64) as usize;
    let (mut verify_mbs, mut seq_mbs, mut stream_mbs, mut each_mbs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cores_used = Vec::new();
    let mut roots = Vec::new();
    for round in 0..rounds {
        eprintln!("verification round {}/{rounds}...", round + 1);
        // The library's full verification: root_of_leaves on every core.
        let (t, cpu) = (Instant::now(), cpu_seconds());
        roots.push(root_of_leaves_on(&hasher, &slices, threads));
        let wall = t.elapsed().as_secs_f64();
        verify_mbs.push(mb / wall);
        cores_used.push((cpu_seconds() - cpu) / wall);

        // The sequential reference: one leaf at a time on this thread.
        let t = Instant::now();
        let mut f = Frontier::new();
        for e in &slices {
            f.append_with(&hasher, hasher.hash_leaf(e), |_, _| {}).unwrap();
        }
        roots.push(f.root(&hasher));
        seq_mbs.push(mb / t.elapsed().as_secs_f64());

        let t = Instant::now();
        black_box(Sha256::digest(&data));
        stream_mbs.push(mb / t.elapsed().as_secs_f64());

        let t = Instant::now();
        for e in &slices {
            black_box(Sha256::digest(e));
        }
        each_mbs.push(mb / t.elapsed().as_secs_f64());
        eprintln!(
            "  round {}: parallel {:.0} MB/s ({:.2} cores busy), sequential {:.0} MB/s, SHA-256 stream {:.0} MB/s, per event {:.0} MB/s",
            round + 1,
            verify_mbs[round],
            cores_used[round],
            seq_mbs[round],
            stream_mbs[round],
            each_mbs[round]
        );
    }
    assert!(roots.windows(2).all(|w| w[0] == w[1]));
    let (v, q, s, e) = (median(verify_mbs), median(seq_mbs), median(stream_mbs), median(each_mbs));
    rows.push((
        format!("full verification: root_of_leaves of {events} events × {EVENT} B on {threads} threads (median of {rounds})"),
        format!("{v:.0} MB/s"),
        format!("{:.0} events/s; CPU time / wall time {:.2}", v * 1e6 / EVENT as f64, median(cores_used.clone())),
    ));
    rows.push((
        format!("full verification, sequential (one leaf at a time, 1 thread, median of {rounds})"),
        format!("{q:.0} MB/s"),
        format!("{:.0} events/s", q * 1e6 / EVENT as f64),
    ));
    rows.push((
        "raw SHA-256, one stream over the same bytes (sha256sum-like), 1 thread".into(),
        format!("{s:.0} MB/s"),
        format!("verification = {:.1}% (sequential {:.1}%)", 100.0 * v / s, 100.0 * q / s),
    ));
    rows.push((
        "raw SHA-256, one digest per 300-byte event, 1 thread".into(),
        format!("{e:.0} MB/s"),
        format!("verification = {:.1}% (sequential {:.1}%)", 100.0 * v / e, 100.0 * q / e),
    ));
    drop(slices);

    // (c) in-memory append.
    let n = events.min(2_000_000);
    let leaf_hashes: Vec<Hash> = data.chunks_exact(EVENT).take(n).map(|e| hasher.hash_leaf(e)).collect();
    let mut rates_hash = Vec::new();
    let mut rates_event = Vec::new();
    for _ in 0..rounds {
        let mut tree = MemoryTree::new(hasher);
        let t = Instant::now();
        for h in &leaf_hashes {
            tree.append_hash(*h).unwrap();
        }
        rates_hash.push(n as f64 / t.elapsed().as_secs_f64());
        black_box(tree.root());
        let mut tree = MemoryTree::new(hasher);
        let t = Instant::now();
        for e in data.chunks_exact(EVENT).take(n) {
            tree.append_leaf(e).unwrap();
        }
        rates_event.push(n as f64 / t.elapsed().as_secs_f64());
        black_box(tree.root());
    }
    rows.push((format!("MemoryTree append, leaf hash given ({n} leaves, median of {rounds})"), format!("{:.2} M/s", median(rates_hash) / 1e6), "all perfect nodes kept".into()));
    rows.push((format!("MemoryTree append incl. hashing a {EVENT}-byte event ({n})"), format!("{:.2} M/s", median(rates_event) / 1e6), String::new()));

    println!("| measurement | result | note |");
    println!("|---|---|---|");
    for (a, b, c) in rows {
        println!("| {a} | {b} | {c} |");
    }
}
