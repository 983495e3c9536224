//! Re-deriving everything from the events: every leaf, every stored tree node, every checkpoint
//! signature and root, every witness cosignature, and the projections; and the same for the
//! access log from the `access_audit` rows.
//!
//! Leaves are derived (JSON, canonical form) and hashed on every core: the derivation in
//! aligned chunks with `std::thread::scope`, the hashing with `ledger::hash_leaves`, and the tree
//! is built with `MemoryTree::extend_hashes` (aligned perfect subtrees in parallel).

use crate::leaf::AccessEntry;
use crate::trace::{LedgerHasher, Log};
use crate::{leaf, sql, Store, StoreError};
use ledger::{open_checkpoint, open_note, Checkpoint, CosignatureVerifier, Hash, MemoryTree, NodeId, NodeSource};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;
use std::fmt;

/// The first thing that does not agree with the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The log at fault: `events` (the event trace) or `access` (the access log).
    pub log: Log,
    /// The position at fault (in the event trace: event = leaf index; in the access log: leaf
    /// index), when the fault has one.
    pub position: Option<u64>,
    /// What disagrees, e.g. "leaf differs from the leaf derived from its event".
    pub what: String,
    /// How many further disagreements were found.
    pub more: usize,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.log {
            Log::Events => "",
            Log::Access => "access log ",
        };
        match self.position {
            Some(p) => write!(f, "{prefix}position {p}: {}", self.what)?,
            None if self.log == Log::Access => write!(f, "access log: {}", self.what)?,
            None => f.write_str(&self.what)?,
        }
        if self.more > 0 {
            write!(f, " (and {} more disagreements)", self.more)?;
        }
        Ok(())
    }
}

/// What a successful verification covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub events: u64,
    pub root_hash: String,
    pub checkpoints: u64,
    pub cosignatures: u64,
    /// Access-audit records, each a leaf of the access log.
    pub access_records: u64,
    /// The access log's root (lowercase hex).
    pub access_root_hash: String,
    pub access_checkpoints: u64,
}

/// A blob column as bytes, whatever type a tampering gave it.
fn bytes(r: &sqlx::any::AnyRow, col: &str) -> Vec<u8> {
    r.try_get::<Vec<u8>, _>(col)
        .or_else(|_| r.try_get::<String, _>(col).map(String::into_bytes))
        .or_else(|_| r.try_get::<i64, _>(col).map(|i| i.to_string().into_bytes()))
        .unwrap_or_default()
}

/// A text column, whatever type a tampering gave it.
fn text(r: &sqlx::any::AnyRow, col: &str) -> String {
    r.try_get::<String, _>(col).unwrap_or_else(|_| String::from_utf8_lossy(&bytes(r, col)).into_owned())
}

struct Problems(Vec<(Option<u64>, String)>, std::collections::BTreeSet<u64>);

impl Problems {
    fn at(&mut self, position: u64, what: impl Into<String>) {
        self.1.insert(position);
        self.0.push((Some(position), what.into()));
    }
    /// Where to blame a damaged node covering leaves `[begin, end)`: the first position under it
    /// already found at fault (the node is then a consequence), else its first leaf.
    fn blame(&self, begin: u64, end: u64) -> u64 {
        self.1.range(begin..end).next().copied().unwrap_or(begin)
    }
    fn other(&mut self, what: impl Into<String>) {
        self.0.push((None, what.into()));
    }
    fn new() -> Self {
        Problems(Vec::new(), Default::default())
    }
    /// The disagreement at the smallest position (position-less ones last, in finding order).
    fn first(self, log: Log, more: usize) -> Option<Disagreement> {
        let more = more + self.0.len().saturating_sub(1);
        let mut v = self.0;
        v.sort_by_key(|(p, _)| p.unwrap_or(u64::MAX));
        v.into_iter().next().map(|(position, what)| Disagreement { log, position, what, more })
    }
}

/// Maps `f` over `0..n` on every core, in aligned chunks, keeping the order.
fn par_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = ledger::default_threads().max(1);
    if n < 2048 || threads == 1 {
        return (0..n).map(&f).collect();
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| scope.spawn(move || (start..(start + chunk).min(n)).map(f).collect::<Vec<T>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("verify worker")).collect()
    })
}

/// One stored leaf row.
struct LeafRow {
    pos: u64,
    salt: Vec<u8>,
    leaf: Vec<u8>,
}

/// What a stored leaf is checked against: `None` when its source is already reported missing or
/// broken, else the leaf derived from the source with the stored salt.
type Derive<'a> = dyn Fn(u64, &[u8]) -> Option<Result<Vec<u8>, String>> + Sync + 'a;

/// Checks a log's leaves (one per source position `0..n`, each equal to the leaf derived from its
/// source), its stored nodes (exactly the perfect subtrees of the rebuilt tree), and rebuilds the
/// tree. `what` names the source ("event", "audit record").
fn check_tree(
    hasher: LedgerHasher,
    problems: &mut Problems,
    rows: &[LeafRow],
    n: u64,
    mut stored_nodes: HashMap<NodeId, Vec<u8>>,
    derive: &Derive<'_>,
    what: &str,
) -> MemoryTree<LedgerHasher> {
    // Stored leaves hashed on every core; derived leaves computed on every core.
    let stored_hashes = ledger::hash_leaves(&hasher, &rows.iter().map(|r| r.leaf.as_slice()).collect::<Vec<_>>());
    let derived = par_map(rows.len(), |i| if rows[i].pos < n { derive(rows[i].pos, &rows[i].salt) } else { None });
    let stored_leaf_hash = |p: u64| stored_nodes.get(&NodeId::leaf(p)).and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok());
    let mut tree_hashes: Vec<Hash> = Vec::with_capacity(rows.len().max(n as usize));
    let mut next = 0u64;
    for (i, r) in rows.iter().enumerate() {
        let pos = r.pos;
        while next < pos {
            problems.at(next, "leaf is missing (deleted row)");
            // Keep the tree's positions aligned with the leaf indices, trusting the stored leaf
            // hash for the missing leaf so that only this position is blamed.
            tree_hashes.push(stored_leaf_hash(next).unwrap_or([0u8; 32]));
            next += 1;
        }
        let stored_hash = stored_hashes[i];
        let mut tree_hash = stored_hash;
        if pos >= n {
            problems.at(pos, format!("leaf has no {what}"));
        } else {
            match &derived[i] {
                None => {}
                Some(Ok(d)) if *d == r.leaf => {}
                Some(Ok(d)) => {
                    problems.at(pos, format!("stored leaf differs from the leaf derived from its {what}"));
                    // Rebuild the tree with whichever of the two the stored leaf hash confirms
                    // (the derived one if neither), so that the damage is blamed on this
                    // position and not on the nodes above it.
                    if stored_leaf_hash(pos) != Some(stored_hash) {
                        tree_hash = ledger::TreeHasher::hash_leaf(&hasher, d);
                    }
                }
                Some(Err(e)) => problems.at(pos, format!("no leaf can be derived from the {what}: {e}")),
            }
        }
        tree_hashes.push(tree_hash);
        next = pos + 1;
    }
    while next < n {
        problems.at(next, "leaf is missing (deleted row)");
        tree_hashes.push(stored_leaf_hash(next).unwrap_or([0u8; 32]));
        next += 1;
    }
    let mut tree = MemoryTree::new(hasher);
    tree.extend_hashes(&tree_hashes).expect("tree not full");

    // Stored nodes: exactly the perfect subtrees of the rebuilt tree.
    let size = tree.size();
    for level in 0..64u8 {
        let count = size >> level;
        if count == 0 && level > 0 {
            break;
        }
        for idx in 0..count {
            let id = NodeId::new(level, idx);
            let want = tree.node(id).expect("perfect node of the rebuilt tree");
            match stored_nodes.remove(&id) {
                None => problems.at(problems.blame(id.begin(), id.end()), format!("tree node (level {level}, index {idx}) is missing")),
                Some(h) if h != want => problems.at(
                    problems.blame(id.begin(), id.end()),
                    format!("tree node (level {level}, index {idx}, leaves {}..{}) differs from the rebuilt tree", id.begin(), id.end()),
                ),
                Some(_) => {}
            }
        }
    }
    for id in stored_nodes.keys() {
        problems.at(id.begin(), format!("tree node (level {}, index {}) lies beyond the tree of {size} leaves", id.level, id.index));
    }
    tree
}

async fn load_nodes(pool: &sqlx::AnyPool, log: Log, problems: &mut Problems) -> Result<HashMap<NodeId, Vec<u8>>, StoreError> {
    let q = format!("SELECT level, idx, hash FROM {}", log.nodes());
    let nodes = sqlx::query(sqlx::AssertSqlSafe(q)).fetch_all(pool).await.map_err(StoreError::db)?;
    let mut stored_nodes: HashMap<NodeId, Vec<u8>> = HashMap::with_capacity(nodes.len());
    for r in &nodes {
        let (level, idx) = (r.get::<i64, _>("level"), r.get::<i64, _>("idx"));
        if !(0..64).contains(&level) || idx < 0 {
            problems.other(format!("tree node (level {level}, index {idx}) is not a valid address"));
            continue;
        }
        stored_nodes.insert(NodeId::new(level as u8, idx as u64), bytes(r, "hash"));
    }
    Ok(stored_nodes)
}

/// Checks a log's checkpoints: signed by this deployment's key under the log's name, naming the
/// rebuilt tree's roots; the latest one covers every leaf. Returns the opened note bodies by size
/// and how many checkpoints there are.
async fn check_checkpoints(
    store: &Store,
    log: Log,
    tree: &MemoryTree<LedgerHasher>,
    n: u64,
    problems: &mut Problems,
) -> Result<(HashMap<u64, String>, u64), StoreError> {
    let verifier = store.shared().ledger.verifier(log);
    let q = format!("SELECT size, root, timestamp, note FROM {} ORDER BY size", log.checkpoints());
    let cps = sqlx::query(sqlx::AssertSqlSafe(q)).fetch_all(&store.shared().read).await.map_err(StoreError::db)?;
    let size = tree.size();
    let mut bodies_by_size: HashMap<u64, String> = HashMap::new();
    let mut latest = 0u64;
    for r in &cps {
        let cp_size = r.get::<i64, _>("size").max(0) as u64;
        latest = latest.max(cp_size);
        let name = format!("checkpoint of tree size {cp_size}");
        let note = text(r, "note");
        let opened = match open_checkpoint(&note, verifier) {
            Ok(o) => o,
            Err(e) => {
                problems.other(format!("{name}: signature or note does not verify: {e}"));
                continue;
            }
        };
        let cp: &Checkpoint = opened.checkpoint();
        bodies_by_size.insert(cp_size, opened.note().text.clone());
        let root = bytes(r, "root");
        let ts = text(r, "timestamp");
        if cp.size != cp_size {
            problems.other(format!("{name}: the signed note says size {}", cp.size));
        }
        if root != cp.root {
            problems.other(format!("{name}: stored root differs from the signed root"));
        }
        if cp.timestamp.and_then(|t| ledger::format_rfc3339(t).ok()).as_deref() != Some(ts.as_str()) {
            problems.other(format!("{name}: stored timestamp differs from the signed timestamp"));
        }
        if cp_size > size {
            problems.at(size, format!("{name} covers leaves the store no longer has (it holds {size})"));
        } else if tree.root_at(cp_size).map(|h| h != cp.root).unwrap_or(true) {
            problems.other(format!("{name}: signed root differs from the root rebuilt from the {} (split view or rewritten history)", match log {
                Log::Events => "events",
                Log::Access => "access records",
            }));
        }
    }
    if latest < n && n > 0 {
        let what = match log {
            Log::Events => "events",
            Log::Access => "access records",
        };
        problems.at(latest, format!("{what} from position {latest} on are not covered by any signed checkpoint (latest covers {latest})"));
    }
    Ok((bodies_by_size, cps.len() as u64))
}

impl Store {
    /// Verifies the whole store. `Ok(Err(d))` names the first disagreement; `Err` is a failure to
    /// read the database at all.
    pub async fn verify(&self) -> Result<Result<VerifyReport, Disagreement>, StoreError> {
        let pool = &self.shared().read;
        let mut problems = Problems::new();

        // 1. Events, contiguous from 0, their columns agreeing with their bodies.
        let events = sqlx::query(
            "SELECT position, case_id, seq, at, kind, actor_user, actor_org, body FROM events ORDER BY position",
        )
        .fetch_all(pool)
        .await
        .map_err(StoreError::db)?;
        let mut bodies: Vec<Option<serde_json::Value>> = Vec::with_capacity(events.len());
        for r in &events {
            let pos = r.get::<i64, _>("position");
            let expected = bodies.len() as i64;
            if pos < expected {
                problems.at(pos.max(0) as u64, "event has a negative position");
                continue;
            }
            while (bodies.len() as i64) < pos {
                problems.at(bodies.len() as u64, "event is missing (deleted row)");
                bodies.push(None);
            }
            let pos = pos as u64;
            let body = text(r, "body");
            let value: serde_json::Value = match serde_json::from_str(&body) {
                Ok(mut v) => match crate::accounts::open_event_value(&mut v) {
                    Ok(()) => v,
                    Err(e) => {
                        problems.at(pos, format!("event body's sealed field cannot be opened: {e}"));
                        bodies.push(None);
                        continue;
                    }
                },
                Err(e) => {
                    problems.at(pos, format!("event body is not JSON: {e}"));
                    bodies.push(None);
                    continue;
                }
            };
            match serde_json::from_value::<domain::Event>(value.clone()) {
                Err(e) => problems.at(pos, format!("event body is not an event: {e}")),
                Ok(ev) => {
                    let cols = [
                        ("case_id", text(r, "case_id") == ev.case_id),
                        ("seq", r.try_get::<i64, _>("seq").ok() == Some(ev.seq as i64)),
                        ("at", text(r, "at") == sql::ts(ev.at)),
                        ("kind", text(r, "kind") == ev.action.kind()),
                        ("actor_user", text(r, "actor_user") == ev.actor.user),
                        ("actor_org", text(r, "actor_org") == ev.actor.org),
                    ];
                    for (col, ok) in cols {
                        if !ok {
                            problems.at(pos, format!("event column {col} disagrees with the event body"));
                        }
                    }
                }
            }
            bodies.push(Some(value));
        }
        let n = bodies.len() as u64;

        // 2–3. Leaves (one per event, each equal to the leaf derived from its event) and the
        //      stored nodes (exactly the perfect subtrees of the rebuilt tree).
        let stored_nodes = load_nodes(pool, Log::Events, &mut problems).await?;
        let leaves = sqlx::query("SELECT position, salt, leaf FROM ledger_leaves ORDER BY position")
            .fetch_all(pool)
            .await
            .map_err(StoreError::db)?;
        let rows: Vec<LeafRow> = leaves
            .iter()
            .map(|r| LeafRow { pos: r.get::<i64, _>("position").max(0) as u64, salt: bytes(r, "salt"), leaf: bytes(r, "leaf") })
            .collect();
        let (suite, hasher) = (self.shared().ledger.suite, self.shared().ledger.hasher);
        let derive = |pos: u64, salt: &[u8]| bodies.get(pos as usize).and_then(Option::as_ref).map(|v| leaf::leaf_bytes_in(suite, pos, v, salt));
        let tree = check_tree(hasher, &mut problems, &rows, n, stored_nodes, &derive, "event");
        let size = tree.size();

        // 4. Checkpoints: signed by this deployment's key, naming the rebuilt tree's roots; the
        //    latest one covers every event.
        let (bodies_by_size, checkpoints) = check_checkpoints(self, Log::Events, &tree, n, &mut problems).await?;

        // 5. Cosignatures: by the organization's registered witness key, over a stored checkpoint.
        let cosigs = sqlx::query(
            "SELECT c.org, c.size, c.root, c.line, w.key FROM ledger_cosignatures c LEFT JOIN ledger_witnesses w ON w.org = c.org ORDER BY c.size, c.org",
        )
        .fetch_all(pool)
        .await
        .map_err(StoreError::db)?;
        for r in &cosigs {
            let org: String = r.get("org");
            let cs = r.get::<i64, _>("size").max(0) as u64;
            let name = format!("cosignature of {org} for tree size {cs}");
            let Some(key) = r.get::<Option<String>, _>("key") else {
                problems.other(format!("{name}: {org} has no registered witness key"));
                continue;
            };
            let Some(body) = bodies_by_size.get(&cs) else {
                problems.other(format!("{name}: no valid stored checkpoint of that size"));
                continue;
            };
            let line = text(r, "line");
            let ok = CosignatureVerifier::from_key_string(&key)
                .ok()
                .is_some_and(|cv| open_note(&format!("{body}\n{line}\n"), &[&cv]).is_ok());
            if !ok {
                problems.other(format!("{name}: does not verify with the registered key"));
            }
            if bytes(r, "root") != tree.root_at(cs.min(size)).map(|h| h.to_vec()).unwrap_or_default() || cs > size {
                problems.other(format!("{name}: the witnessed root differs from the rebuilt tree"));
            }
        }

        // 6. Projections against a rebuild from the events.
        if let Err(e) = self.check_projections().await {
            problems.other(format!("projections: {e}"));
        }

        // 7. The access log, from the access-audit rows.
        let mut access_problems = Problems::new();
        let (access_tree, access_records, access_checkpoints) = self.verify_access(&mut access_problems).await?;

        let (ev_count, ac_count) = (problems.0.len(), access_problems.0.len());
        if let Some(d) = problems.first(Log::Events, ac_count) {
            return Ok(Err(d));
        }
        if let Some(d) = access_problems.first(Log::Access, ev_count) {
            return Ok(Err(d));
        }
        Ok(Ok(VerifyReport {
            events: n,
            root_hash: hex::encode(tree.root()),
            checkpoints,
            cosignatures: cosigs.len() as u64,
            access_records,
            access_root_hash: hex::encode(access_tree.root()),
            access_checkpoints,
        }))
    }

    /// The access log: one leaf per access-audit row, in id order, each equal to the leaf derived
    /// from its row; nodes and checkpoints as for the events.
    async fn verify_access(&self, problems: &mut Problems) -> Result<(MemoryTree<LedgerHasher>, u64, u64), StoreError> {
        let pool = &self.shared().read;
        let records = crate::access::entries(pool).await?;
        let stored_nodes = load_nodes(pool, Log::Access, problems).await?;
        let leaves = sqlx::query("SELECT position, audit_id, salt, leaf FROM access_leaves ORDER BY position")
            .fetch_all(pool)
            .await
            .map_err(StoreError::db)?;
        let n = records.len() as u64;
        // The record each leaf names; every record named exactly once, in id order.
        let mut by_id: HashMap<i64, usize> = records.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let mut sources: Vec<Option<&AccessEntry>> = vec![None; leaves.len().max(records.len())];
        let mut rows = Vec::with_capacity(leaves.len());
        for r in &leaves {
            let pos = r.get::<i64, _>("position").max(0) as u64;
            let id = r.try_get::<i64, _>("audit_id").unwrap_or(-1);
            match by_id.remove(&id) {
                Some(i) if i as u64 == pos => sources[pos as usize] = Some(&records[i]),
                Some(i) => {
                    problems.at(pos, format!("leaf names audit record {id}, which is record number {i} in id order (records reordered or deleted)"));
                    if (pos as usize) < sources.len() {
                        sources[pos as usize] = Some(&records[i]);
                    }
                }
                None => problems.at(pos, format!("audit record {id} of this leaf is missing (deleted row) or named twice")),
            }
            rows.push(LeafRow { pos, salt: bytes(r, "salt"), leaf: bytes(r, "leaf") });
        }
        let mut orphans: Vec<(usize, i64)> = by_id.into_iter().map(|(id, i)| (i, id)).collect();
        orphans.sort();
        for (i, id) in orphans {
            problems.at(i as u64, format!("audit record {id} has no leaf in the access log"));
        }
        let (suite, hasher) = (self.shared().ledger.suite, self.shared().ledger.hasher);
        let derive = |pos: u64, salt: &[u8]| sources.get(pos as usize).copied().flatten().map(|e| leaf::access_leaf_bytes_in(suite, pos, e, salt));
        let tree = check_tree(hasher, problems, &rows, n, stored_nodes, &derive, "audit record");
        let (_, checkpoints) = check_checkpoints(self, Log::Access, &tree, n, problems).await?;
        Ok((tree, n, checkpoints))
    }
}
