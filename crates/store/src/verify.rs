//! Re-deriving everything from the events: every leaf, every stored tree node, every checkpoint
//! signature and root, every witness cosignature, and the projections.

use crate::trace::HASHER;
use crate::{leaf, sql, Store, StoreError};
use ledger::{open_checkpoint, open_note, Checkpoint, CosignatureVerifier, MemoryTree, NodeId, NodeSource, TreeHasher};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;
use std::fmt;

/// The first thing that does not agree with the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The trace position (event = leaf index) at fault, when the fault has one.
    pub position: Option<u64>,
    /// What disagrees, e.g. "leaf differs from the leaf derived from its event".
    pub what: String,
    /// How many further disagreements were found.
    pub more: usize,
}

impl fmt::Display for Disagreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "position {p}: {}", self.what)?,
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
    /// The disagreement at the smallest position (position-less ones last, in finding order).
    fn first(self) -> Option<Disagreement> {
        let more = self.0.len().saturating_sub(1);
        let mut v = self.0;
        v.sort_by_key(|(p, _)| p.unwrap_or(u64::MAX));
        v.into_iter().next().map(|(position, what)| Disagreement { position, what, more })
    }
}

impl Store {
    /// Verifies the whole store. `Ok(Err(d))` names the first disagreement; `Err` is a failure to
    /// read the database at all.
    pub async fn verify(&self) -> Result<Result<VerifyReport, Disagreement>, StoreError> {
        let pool = &self.shared().read;
        let mut problems = Problems(Vec::new(), Default::default());

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

        // The stored tree nodes (checked in step 3).
        let nodes = sqlx::query("SELECT level, idx, hash FROM ledger_nodes").fetch_all(pool).await.map_err(StoreError::db)?;
        let mut stored_nodes: HashMap<NodeId, Vec<u8>> = HashMap::with_capacity(nodes.len());
        for r in &nodes {
            let (level, idx) = (r.get::<i64, _>("level"), r.get::<i64, _>("idx"));
            if !(0..64).contains(&level) || idx < 0 {
                problems.other(format!("tree node (level {level}, index {idx}) is not a valid address"));
                continue;
            }
            stored_nodes.insert(NodeId::new(level as u8, idx as u64), bytes(r, "hash"));
        }
        // 2. Leaves: one per event, each equal to the leaf derived from its event.
        let leaves = sqlx::query("SELECT position, salt, leaf FROM ledger_leaves ORDER BY position")
            .fetch_all(pool)
            .await
            .map_err(StoreError::db)?;
        let mut tree = MemoryTree::new(HASHER);
        let mut next = 0u64;
        for r in &leaves {
            let pos = r.get::<i64, _>("position").max(0) as u64;
            while next < pos {
                problems.at(next, "leaf is missing (deleted row)");
                // Keep the tree's positions aligned with the leaf indices, trusting the stored
                // leaf hash for the missing leaf so that only this position is blamed.
                let h = stored_nodes.get(&NodeId::leaf(next)).and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok());
                tree.append_hash(h.unwrap_or([0u8; 32])).expect("tree not full");
                next += 1;
            }
            let salt = bytes(r, "salt");
            let stored = bytes(r, "leaf");
            let stored_hash = HASHER.hash_leaf(&stored);
            let mut tree_hash = stored_hash;
            if pos >= n {
                problems.at(pos, "leaf has no event");
            } else if let Some(Some(v)) = bodies.get(pos as usize) {
                match leaf::leaf_bytes(pos, v, &salt) {
                    Ok(derived) if derived == stored => {}
                    Ok(derived) => {
                        problems.at(pos, "stored leaf differs from the leaf derived from its event");
                        // Rebuild the tree with whichever of the two the stored leaf hash
                        // confirms (the derived one if neither), so that the damage is blamed
                        // on this position and not on the nodes above it.
                        let derived_hash = HASHER.hash_leaf(&derived);
                        let node0 = stored_nodes.get(&NodeId::leaf(pos)).map(Vec::as_slice);
                        if node0 != Some(&stored_hash[..]) {
                            tree_hash = derived_hash;
                        }
                    }
                    Err(e) => problems.at(pos, format!("no leaf can be derived from the event: {e}")),
                }
            }
            tree.append_hash(tree_hash).expect("tree not full");
            next = pos + 1;
        }
        while next < n {
            problems.at(next, "leaf is missing (deleted row)");
            let h = stored_nodes.get(&NodeId::leaf(next)).and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok());
            tree.append_hash(h.unwrap_or([0u8; 32])).expect("tree not full");
            next += 1;
        }

        // 3. Stored nodes: exactly the perfect subtrees of the rebuilt tree.
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

        // 4. Checkpoints: signed by this deployment's key, naming the rebuilt tree's roots; the
        //    latest one covers every event.
        let verifier = &self.shared().ledger.verifier;
        let cps = sqlx::query("SELECT size, root, timestamp, note FROM ledger_checkpoints ORDER BY size")
            .fetch_all(pool)
            .await
            .map_err(StoreError::db)?;
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
                problems.other(format!("{name}: signed root differs from the root rebuilt from the events (split view or rewritten history)"));
            }
        }
        if latest < n && n > 0 {
            problems.at(latest, format!("events from position {latest} on are not covered by any signed checkpoint (latest covers {latest})"));
        }

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

        if let Some(d) = problems.first() {
            return Ok(Err(d));
        }
        Ok(Ok(VerifyReport {
            events: n,
            root_hash: hex::encode(tree.root()),
            checkpoints: cps.len() as u64,
            cosignatures: cosigs.len() as u64,
        }))
    }
}
