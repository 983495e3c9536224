//! Hashing many leaves at once on several threads (`std::thread::scope`, no
//! thread pool, no dependency).
//!
//! Full verification recomputes the root of every leaf. Sequentially an RFC
//! 9162 tree costs, per 300-byte leaf, five SHA-256 compressions for the leaf
//! and two for its share of interior nodes (each hashes 65 bytes), so one core
//! tops out near two thirds of the speed of streaming the same bytes. The
//! work splits cleanly, though: the tree is cut into perfect subtrees of
//! [`CHUNK_LEAVES`] aligned leaves, each hashed whole by one thread (threads
//! take the next chunk from a shared counter, so a slow core does less), and
//! the chunk roots are then appended to the [`Frontier`] as perfect nodes of
//! level [`CHUNK_LEVEL`], in order. Leaves before the first aligned chunk and
//! after the last go through the ordinary one-leaf append. The result is the
//! very same tree, node for node, as appending leaf by leaf (checked by
//! `tests/parallel.rs` against the sequential path and the recursive
//! reference, for every thread count).

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Result;
use crate::hash::{Hash, TreeHasher};
use crate::source::MemoryTree;
use crate::tree::{Frontier, NodeId};

/// Level of the perfect subtrees one thread hashes at a time.
pub const CHUNK_LEVEL: u8 = 10;
/// Leaves per chunk: `2^CHUNK_LEVEL`.
pub const CHUNK_LEAVES: usize = 1 << CHUNK_LEVEL;
/// Below this many aligned chunks the calling thread does the work alone.
const MIN_PARALLEL_CHUNKS: usize = 4;
/// Most threads used, whatever the machine offers.
const MAX_THREADS: usize = 64;

/// The number of threads the parallel functions use by default: the
/// machine's available parallelism (1 if unknown), asked once per process
/// (the standard library reads the cgroup files on every call).
pub fn default_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_THREADS))
}

/// Where leaf hashes come from: leaf bytes to hash, or hashes already made.
trait Leaves: Sync {
    fn count(&self) -> usize;
    fn leaf_hash<H: TreeHasher + ?Sized>(&self, hasher: &H, i: usize) -> Hash;
}

struct Bytes<'a, L>(&'a [L]);

impl<L: AsRef<[u8]> + Sync> Leaves for Bytes<'_, L> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn leaf_hash<H: TreeHasher + ?Sized>(&self, hasher: &H, i: usize) -> Hash {
        hasher.hash_leaf(self.0[i].as_ref())
    }
}

struct Hashes<'a>(&'a [Hash]);

impl Leaves for Hashes<'_> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn leaf_hash<H: TreeHasher + ?Sized>(&self, _: &H, i: usize) -> Hash {
        self.0[i]
    }
}

/// Runs `work(0..n)` on up to `threads` threads (the caller's included), each
/// taking the next index from a shared counter; results in index order.
fn run_indexed<R: Send>(n: usize, threads: usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, MAX_THREADS).min(n.max(1));
    if threads == 1 {
        return (0..n).map(&work).collect();
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return done;
            }
            done.push((i, work(i)));
        }
    };
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(worker)).collect();
        let mut parts = vec![worker()];
        parts.extend(others.into_iter().map(|h| h.join().expect("a hashing thread panicked")));
        parts
    });
    let mut slots: Vec<Option<R>> = (0..n).map(|_| None).collect();
    for (i, r) in parts.iter_mut().flat_map(std::mem::take) {
        slots[i] = Some(r);
    }
    slots.into_iter().map(|r| r.expect("every index was taken once")).collect()
}

/// The root of the perfect subtree over `range` (a power of two long),
/// handing every node below the root to `persist` as `(level, offset)`, the
/// offset counted from the subtree's first node of that level.
fn perfect_subtree<H: TreeHasher + ?Sized, L: Leaves>(
    hasher: &H,
    leaves: &L,
    range: Range<usize>,
    mut persist: impl FnMut(u8, usize, &Hash),
) -> Hash {
    debug_assert!(range.len().is_power_of_two());
    let top = range.len().trailing_zeros() as u8;
    let mut stack = [[0u8; 32]; 64];
    let mut depth = 0;
    for (k, i) in range.enumerate() {
        let mut hash = leaves.leaf_hash(hasher, i);
        let (mut level, mut offset) = (0u8, k);
        while offset & 1 == 1 {
            if level < top {
                persist(level, offset, &hash);
            }
            depth -= 1;
            hash = hasher.hash_children(&stack[depth], &hash);
            offset >>= 1;
            level += 1;
        }
        if level < top {
            persist(level, offset, &hash);
        }
        stack[depth] = hash;
        depth += 1;
    }
    stack[0]
}

/// Appends `leaves` to `frontier`, the aligned middle in parallel; every new
/// perfect node goes to `persist`, in the order the one-leaf append would
/// give them except within a chunk (below [`CHUNK_LEVEL`], nodes of a chunk
/// come level by level, see [`MemoryTree::extend_leaves`]).
fn extend<H, L>(
    frontier: &mut Frontier,
    hasher: &H,
    leaves: &L,
    threads: usize,
    keep_nodes: bool,
    mut persist: impl FnMut(NodeId, &Hash),
) -> Result<()>
where
    H: TreeHasher + Sync + ?Sized,
    L: Leaves,
{
    let n = leaves.count();
    let start = frontier.size();
    // Leaves up to the next multiple of CHUNK_LEAVES, one at a time.
    let misalign = (start % CHUNK_LEAVES as u64) as usize;
    let head = if misalign == 0 { 0 } else { (CHUNK_LEAVES - misalign).min(n) };
    let chunks = (n - head) / CHUNK_LEAVES;
    if chunks < MIN_PARALLEL_CHUNKS || threads <= 1 {
        for i in 0..n {
            frontier.append_with(hasher, leaves.leaf_hash(hasher, i), &mut persist)?;
        }
        return Ok(());
    }
    for i in 0..head {
        frontier.append_with(hasher, leaves.leaf_hash(hasher, i), &mut persist)?;
    }
    // Refuse before any thread starts if the chunks would not fit.
    frontier.size().checked_add((chunks * CHUNK_LEAVES) as u64).ok_or(crate::error::LedgerError::TreeFull)?;
    let first_chunk = frontier.size() >> CHUNK_LEVEL;
    let results = run_indexed(chunks, threads, |c| {
        let begin = head + c * CHUNK_LEAVES;
        let mut below: Vec<Vec<Hash>> = Vec::new();
        if keep_nodes {
            below = (0..CHUNK_LEVEL).map(|l| vec![[0u8; 32]; CHUNK_LEAVES >> l]).collect();
        }
        let root = perfect_subtree(hasher, leaves, begin..begin + CHUNK_LEAVES, |level, offset, h| {
            if keep_nodes {
                below[level as usize][offset] = *h;
            }
        });
        (root, below)
    });
    for (c, (root, below)) in results.into_iter().enumerate() {
        let chunk = first_chunk + c as u64;
        for (level, hashes) in below.iter().enumerate() {
            let base = chunk << (CHUNK_LEVEL as usize - level);
            for (k, h) in hashes.iter().enumerate() {
                persist(NodeId::new(level as u8, base + k as u64), h);
            }
        }
        frontier.append_node_with(hasher, CHUNK_LEVEL, root, &mut persist)?;
    }
    for i in head + chunks * CHUNK_LEAVES..n {
        frontier.append_with(hasher, leaves.leaf_hash(hasher, i), &mut persist)?;
    }
    Ok(())
}

/// The Merkle Tree Hash of `leaves` (leaf bytes), computed on
/// [`default_threads`] threads. Equal to appending them one by one.
pub fn root_of_leaves<H, L>(hasher: &H, leaves: &[L]) -> Hash
where
    H: TreeHasher + Sync + ?Sized,
    L: AsRef<[u8]> + Sync,
{
    root_of_leaves_on(hasher, leaves, default_threads())
}

/// [`root_of_leaves`] on exactly `threads` threads (1: the calling thread only).
pub fn root_of_leaves_on<H, L>(hasher: &H, leaves: &[L], threads: usize) -> Hash
where
    H: TreeHasher + Sync + ?Sized,
    L: AsRef<[u8]> + Sync,
{
    let mut f = Frontier::new();
    extend(&mut f, hasher, &Bytes(leaves), threads, false, |_, _| {}).expect("fewer than 2^64 leaves");
    f.root(hasher)
}

/// The leaf hashes `H(0x00 ‖ leaf)` of `leaves`, in order, computed on
/// [`default_threads`] threads (for callers that compare them with stored ones).
pub fn hash_leaves<H, L>(hasher: &H, leaves: &[L]) -> Vec<Hash>
where
    H: TreeHasher + Sync + ?Sized,
    L: AsRef<[u8]> + Sync,
{
    hash_leaves_on(hasher, leaves, default_threads())
}

/// [`hash_leaves`] on exactly `threads` threads.
pub fn hash_leaves_on<H, L>(hasher: &H, leaves: &[L], threads: usize) -> Vec<Hash>
where
    H: TreeHasher + Sync + ?Sized,
    L: AsRef<[u8]> + Sync,
{
    let blocks = leaves.chunks(CHUNK_LEAVES).collect::<Vec<_>>();
    let threads = if blocks.len() < MIN_PARALLEL_CHUNKS { 1 } else { threads };
    run_indexed(blocks.len(), threads, |b| blocks[b].iter().map(|l| hasher.hash_leaf(l.as_ref())).collect::<Vec<_>>())
        .into_iter()
        .flatten()
        .collect()
}

impl Frontier {
    /// Appends many leaves (their bytes), hashing on [`default_threads`]
    /// threads. Same result as [`Frontier::append`] for each in turn.
    pub fn extend_leaves<H, L>(&mut self, hasher: &H, leaves: &[L]) -> Result<()>
    where
        H: TreeHasher + Sync + ?Sized,
        L: AsRef<[u8]> + Sync,
    {
        self.extend_leaves_on(hasher, leaves, default_threads())
    }

    /// [`Frontier::extend_leaves`] on exactly `threads` threads.
    pub fn extend_leaves_on<H, L>(&mut self, hasher: &H, leaves: &[L], threads: usize) -> Result<()>
    where
        H: TreeHasher + Sync + ?Sized,
        L: AsRef<[u8]> + Sync,
    {
        extend(self, hasher, &Bytes(leaves), threads, false, |_, _| {})
    }

    /// Appends many leaf hashes, hashing the interior nodes on
    /// [`default_threads`] threads.
    pub fn extend_hashes<H: TreeHasher + Sync + ?Sized>(&mut self, hasher: &H, leaf_hashes: &[Hash]) -> Result<()> {
        extend(self, hasher, &Hashes(leaf_hashes), default_threads(), false, |_, _| {})
    }
}

impl<H: TreeHasher + Sync> MemoryTree<H> {
    /// Appends many leaves (their bytes), keeping every perfect node, on
    /// [`default_threads`] threads. Returns the indices given to them.
    pub fn extend_leaves<L: AsRef<[u8]> + Sync>(&mut self, leaves: &[L]) -> Result<Range<u64>> {
        self.extend_leaves_on(leaves, default_threads())
    }

    /// [`MemoryTree::extend_leaves`] on exactly `threads` threads.
    pub fn extend_leaves_on<L: AsRef<[u8]> + Sync>(&mut self, leaves: &[L], threads: usize) -> Result<Range<u64>> {
        self.extend_from(&Bytes(leaves), threads)
    }

    /// Appends many leaf hashes, keeping every perfect node, on
    /// [`default_threads`] threads. Returns the indices given to them.
    pub fn extend_hashes(&mut self, leaf_hashes: &[Hash]) -> Result<Range<u64>> {
        self.extend_from(&Hashes(leaf_hashes), default_threads())
    }

    /// [`MemoryTree::extend_hashes`] on exactly `threads` threads.
    pub fn extend_hashes_on(&mut self, leaf_hashes: &[Hash], threads: usize) -> Result<Range<u64>> {
        self.extend_from(&Hashes(leaf_hashes), threads)
    }

    fn extend_from<L: Leaves>(&mut self, leaves: &L, threads: usize) -> Result<Range<u64>> {
        let start = self.size();
        let (hasher, levels, frontier) = self.parts_mut();
        extend(frontier, hasher, leaves, threads, true, |id, h| {
            let level = id.level as usize;
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            debug_assert_eq!(levels[level].len() as u64, id.index);
            levels[level].push(*h);
        })?;
        Ok(start..self.size())
    }
}
