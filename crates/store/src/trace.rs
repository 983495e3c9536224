//! The store's side of the tamper-evident trace: the signing key, appending leaves and perfect
//! nodes inside the writer's transaction, signing checkpoints, proofs for auditors, witnesses'
//! cosignatures and split-view alarms.
//!
//! Tables (migration 0002): `ledger_leaves(position, salt, leaf)`, `ledger_nodes(level, idx,
//! hash)`, `ledger_checkpoints(size, root, timestamp, note)`, `ledger_witnesses(org, key)`,
//! `ledger_cosignatures(org, size, root, timestamp, line)`, `ledger_alarms`. Leaf index equals
//! `events.position`.

use crate::{leaf, sql, Store, StoreError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ledger::{
    Checkpoint, CosignatureVerifier, Ed25519NoteSigner, Ed25519NoteVerifier, Frontier, Hash, NodeId, NoteSignature, NoteSigner,
    ProofPlan, Sha256Hasher, TreeHasher, frontier_nodes, open_checkpoint, open_note, plan_consistency, plan_inclusion,
    plan_root,
};
use serde::Serialize;
use sqlx::{Row, AnyConnection};
use std::collections::HashMap;
use std::path::Path;

/// The hasher of the trace (RFC 9162 with SHA-256).
pub(crate) const HASHER: Sha256Hasher = Sha256Hasher;

/// The deployment's signing key and its public half.
pub(crate) struct LedgerKey {
    pub signer: Ed25519NoteSigner,
    pub verifier: Ed25519NoteVerifier,
}

/// File names inside `DATA/keys/`.
pub const PRIVATE_KEY_FILE: &str = "ledger.key";
pub const PUBLIC_KEY_FILE: &str = "ledger.pub";

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| StoreError::Database(format!("no system randomness: {e}")))?;
    Ok(b)
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Database(format!("{}: {e}", path.display()))
}

/// Writes `contents` to a new file readable by the owner only (0600).
pub fn write_secret_file(path: &Path, contents: &str) -> Result<(), StoreError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| io(path, e))?;
    f.write_all(contents.as_bytes()).map_err(|e| io(path, e))?;
    f.sync_all().map_err(|e| io(path, e))
}

/// Creates a folder readable by the owner only (0700), if missing.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| io(dir, e))
}

/// Loads the deployment's key from `keys_dir`, creating it (and the public key file) on first use.
pub(crate) fn load_or_create_key(keys_dir: &Path) -> Result<LedgerKey, StoreError> {
    let private = keys_dir.join(PRIVATE_KEY_FILE);
    let signer = if private.exists() {
        let text = std::fs::read_to_string(&private).map_err(|e| io(&private, e))?;
        Ed25519NoteSigner::from_private_key_string(text.trim())
            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", private.display())))?
    } else {
        create_private_dir(keys_dir)?;
        let seed = random_bytes::<32>()?;
        let name = format!("lianban.ledger/{}", hex::encode(random_bytes::<4>()?));
        let signer = Ed25519NoteSigner::from_seed(&name, &seed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        write_secret_file(&private, &format!("{}\n", signer.private_key_string()))?;
        let public = keys_dir.join(PUBLIC_KEY_FILE);
        std::fs::write(&public, format!("{}\n", signer.verifier_key_string())).map_err(|e| io(&public, e))?;
        signer
    };
    let verifier = signer.verifier();
    Ok(LedgerKey { signer, verifier })
}

fn hash_of(bytes: &[u8], what: &str) -> Result<Hash, StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt(format!("{what} is not 32 bytes")))
}

/// Leaves and nodes computed for a batch, written to the database in bulk before the batch
/// commits (two statements per batch instead of two per command; same transaction as the events).
#[derive(Default)]
pub(crate) struct Pending {
    leaves: Vec<(u64, [u8; leaf::SALT_LEN], Vec<u8>)>,
    nodes: Vec<(NodeId, Hash)>,
}

impl Pending {
    /// A mark to roll back to when a command's savepoint is rolled back.
    pub fn mark(&self) -> (usize, usize) {
        (self.leaves.len(), self.nodes.len())
    }
    pub fn rollback_to(&mut self, mark: (usize, usize)) {
        self.leaves.truncate(mark.0);
        self.nodes.truncate(mark.1);
    }
}

/// Computes the leaf of the event at `position` (its JSON `event`) with a fresh salt, advances
/// `frontier`, and queues the leaf and the perfect nodes it completes in `pending`.
pub(crate) fn stage(frontier: &mut Frontier, pending: &mut Pending, position: u64, event: &serde_json::Value) -> Result<(), StoreError> {
    if frontier.size() != position {
        return Err(StoreError::Corrupt(format!("ledger holds {} leaves but the event is at position {position}", frontier.size())));
    }
    let salt = random_bytes::<{ leaf::SALT_LEN }>()?;
    let leaf = leaf::leaf_bytes(position, event, &salt).map_err(StoreError::Corrupt)?;
    let nodes = &mut pending.nodes;
    frontier
        .append_with(&HASHER, HASHER.hash_leaf(&leaf), |id, h| nodes.push((id, *h)))
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    pending.leaves.push((position, salt, leaf));
    Ok(())
}

/// Writes the queued leaves and nodes (one statement per table) and empties `pending`.
pub(crate) async fn flush(conn: &mut AnyConnection, pending: &mut Pending) -> Result<(), StoreError> {
    if !pending.leaves.is_empty() {
        let rows: Vec<serde_json::Value> = pending
            .leaves
            .iter()
            .map(|(p, salt, leaf)| serde_json::json!([p, hex::encode(salt), hex::encode(leaf)]))
            .collect();
        sqlx::query(crate::Backend::of(conn).insert_leaves())
        .bind(serde_json::Value::Array(rows).to_string())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    }
    if !pending.nodes.is_empty() {
        let rows: Vec<serde_json::Value> =
            pending.nodes.iter().map(|(id, h)| serde_json::json!([id.level, id.index, hex::encode(h)])).collect();
        sqlx::query(crate::Backend::of(conn).insert_nodes())
        .bind(serde_json::Value::Array(rows).to_string())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    }
    pending.leaves.clear();
    pending.nodes.clear();
    Ok(())
}

/// Fetches the named nodes (one query); absent nodes are simply missing from the map.
pub(crate) async fn fetch_nodes<'e, E>(exec: E, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut out = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = String::from("SELECT level, idx, hash FROM ledger_nodes WHERE (level, idx) IN (VALUES ");
    for i in 0..ids.len() {
        if i > 0 {
            q.push_str(", ");
        }
        q.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
    }
    q.push(')');
    let mut query = sqlx::query(sqlx::AssertSqlSafe(q));
    for id in ids {
        query = query.bind(id.level as i64).bind(id.index as i64);
    }
    for r in query.fetch_all(exec).await.map_err(StoreError::db)? {
        let id = NodeId::new(r.get::<i64, _>("level") as u8, r.get::<i64, _>("idx") as u64);
        out.insert(id, hash_of(r.get::<&[u8], _>("hash"), "stored node")?);
    }
    Ok(out)
}

fn compute(plan: &ProofPlan, fetched: &HashMap<NodeId, Hash>) -> Result<Vec<Hash>, StoreError> {
    plan.compute(&HASHER, fetched).map_err(|e| StoreError::Corrupt(format!("ledger: {e}")))
}

/// The frontier of the tree of `size` leaves, from the stored nodes.
pub(crate) async fn load_frontier(conn: &mut AnyConnection, size: u64) -> Result<Frontier, StoreError> {
    let ids = frontier_nodes(size);
    let got = fetch_nodes(&mut *conn, &ids).await?;
    let mut hashes = Vec::with_capacity(ids.len());
    for id in &ids {
        hashes.push(*got.get(id).ok_or_else(|| {
            StoreError::Corrupt(format!("ledger node (level {}, index {}) is missing; run `lianban verify`", id.level, id.index))
        })?);
    }
    Frontier::from_parts(size, hashes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) async fn leaf_count(conn: &mut AnyConnection) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM ledger_leaves")
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    Ok(n as u64)
}

pub(crate) async fn raise_alarm(
    conn: &mut AnyConnection,
    at: chrono::DateTime<chrono::Utc>,
    kind: &str,
    org: Option<&str>,
    size: Option<u64>,
    detail: &str,
) -> Result<(), StoreError> {
    // The same alarm (kind, organization, size, detail) is recorded once: a re-check that finds
    // the same disagreement again does not repeat it.
    sqlx::query(
        "INSERT INTO ledger_alarms (at, kind, org, size, detail) SELECT $1, $2, $3, $4, $5
         WHERE NOT EXISTS (SELECT 1 FROM ledger_alarms WHERE kind = $2 AND org IS NOT DISTINCT FROM $3
                           AND size IS NOT DISTINCT FROM $4 AND detail = $5)",
    )
        .bind(sql::ts(at))
        .bind(kind.to_string())
        .bind(org.map(str::to_string))
        .bind(size.map(|s| s as i64))
        .bind(detail.to_string())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    Ok(())
}

/// Signs and stores the checkpoint of the tree `frontier` describes, stamped with `now`. If a
/// stored checkpoint of the same size names another root, that is a split view: an alarm is
/// raised and nothing is signed.
pub(crate) async fn sign_checkpoint(
    conn: &mut AnyConnection,
    key: &LedgerKey,
    frontier: &Frontier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let size = frontier.size();
    let root = frontier.root(&HASHER);
    let existing: Option<Vec<u8>> = sqlx::query_scalar("SELECT root FROM ledger_checkpoints WHERE size = $1")
        .bind(size as i64)
        .fetch_optional(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    if let Some(r) = existing {
        if r.as_slice() != root.as_slice() {
            let detail = format!(
                "stored checkpoint of size {size} has root {}, the tree now has root {}",
                hex::encode(&r),
                hex::encode(root)
            );
            return raise_alarm(conn, now, "split_view", None, Some(size), &detail).await;
        }
        return Ok(());
    }
    let t = now.timestamp().max(0) as u64;
    let cp = Checkpoint::new(key.signer.name(), size, root).with_timestamp(t);
    let note = cp.sign(&key.signer).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("INSERT INTO ledger_checkpoints (size, root, timestamp, note) VALUES ($1, $2, $3, $4)")
        .bind(size as i64)
        .bind(root.to_vec())
        .bind(ledger::format_rfc3339(t).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(note)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    Ok(())
}

/// Gives every event that has no leaf yet (a database from before the trace existed) its leaf,
/// then signs a checkpoint. Only when the trace is entirely empty: a trace with some leaves
/// missing is damage for `verify` to report, never something to paper over.
pub(crate) async fn backfill(conn: &mut AnyConnection, key: &LedgerKey, now: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
    use sqlx::Connection;
    let leaves = leaf_count(conn).await?;
    let checkpoints: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ledger_checkpoints").fetch_one(&mut *conn).await.map_err(StoreError::db)?;
    let events: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM events")
        .fetch_one(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    if leaves > 0 || checkpoints > 0 || events == 0 {
        return Ok(());
    }
    let mut tx = conn.begin().await.map_err(StoreError::db)?;
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT position, body FROM events ORDER BY position").fetch_all(&mut *tx).await.map_err(StoreError::db)?;
    let mut frontier = Frontier::new();
    let mut pending = Pending::default();
    for (pos, body) in rows {
        let mut v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("event at position {pos}: {e}")))?;
        crate::accounts::open_event_value(&mut v)?;
        stage(&mut frontier, &mut pending, pos as u64, &v)?;
        if pending.leaves.len() >= 1000 {
            flush(&mut tx, &mut pending).await?;
        }
    }
    flush(&mut tx, &mut pending).await?;
    sign_checkpoint(&mut tx, key, &frontier, now).await?;
    tx.commit().await.map_err(StoreError::db)?;
    Ok(())
}

fn hx(h: &Hash) -> String {
    hex::encode(h)
}

/// A signed tree head as auditors read it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckpointView {
    pub tree_size: u64,
    /// Lowercase hex.
    pub root_hash: String,
    /// RFC 3339, UTC, seconds.
    pub timestamp: String,
    /// The signed note (C2SP tlog-checkpoint, signed by the deployment's key).
    pub note: String,
    pub cosignatures: Vec<CosignatureView>,
}

/// One witness's cosignature of a checkpoint.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CosignatureView {
    pub org: String,
    /// The witness key's name and id.
    pub name: String,
    pub key_id: String,
    /// When the witness cosigned (POSIX seconds, from the cosignature itself).
    pub timestamp: u64,
    /// The signature line to append to the note (C2SP tlog-cosignature, without newline).
    pub signature: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InclusionView {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub audit_path: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConsistencyView {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EntryView {
    pub index: u64,
    /// Standard base64 of the leaf bytes.
    pub leaf: String,
}

/// A registered witness and the largest tree size it has cosigned.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WitnessView {
    pub org: String,
    pub key: String,
    pub witnessed_size: Option<u64>,
    pub witnessed_root: Option<String>,
    pub witnessed_at: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AlarmView {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub org: Option<String>,
    pub size: Option<u64>,
    pub detail: String,
}

fn bad(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid { field: field.into(), message: message.into() }
}

impl Store {
    /// The log's name (checkpoint origin and key name).
    pub fn ledger_origin(&self) -> String {
        self.shared().ledger.signer.name().to_string()
    }

    /// The deployment's public key as a signed-note verifier key string.
    pub fn ledger_public_key(&self) -> String {
        self.shared().ledger.verifier.key_string()
    }

    /// How many leaves the trace holds.
    pub async fn ledger_size(&self) -> Result<u64, StoreError> {
        let mut conn = self.shared().read.acquire().await.map_err(StoreError::db)?;
        leaf_count(&mut conn).await
    }

    /// The root of the tree of `size` leaves, from the stored nodes.
    pub async fn ledger_root(&self, size: u64) -> Result<Hash, StoreError> {
        let plan = plan_root(size);
        let fetched = fetch_nodes(&self.shared().read, plan.nodes()).await?;
        Ok(compute(&plan, &fetched)?.pop().expect("one root"))
    }

    async fn cosignatures_of(&self, size: u64) -> Result<Vec<CosignatureView>, StoreError> {
        let rows = sqlx::query("SELECT org, line FROM ledger_cosignatures WHERE size = $1 ORDER BY org")
            .bind(size as i64)
            .fetch_all(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let line: String = r.get("line");
            let sig = ledger::Note::parse(&format!("x\n\n{line}\n"))
                .ok()
                .and_then(|n| n.signatures.into_iter().next())
                .ok_or_else(|| StoreError::Corrupt(format!("stored cosignature line {line:?}")))?;
            out.push(CosignatureView {
                org: r.get("org"),
                name: sig.name.clone(),
                key_id: format!("{:08x}", sig.key_id),
                timestamp: CosignatureVerifier::timestamp_of(&sig).unwrap_or(0),
                signature: line,
            });
        }
        Ok(out)
    }

    /// The checkpoint of exactly `size` leaves, or the latest one, with its cosignatures.
    pub async fn ledger_checkpoint(&self, size: Option<u64>) -> Result<Option<CheckpointView>, StoreError> {
        let q = match size {
            Some(_) => "SELECT size, root, timestamp, note FROM ledger_checkpoints WHERE size = $1",
            None => "SELECT size, root, timestamp, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1",
        };
        let row = sqlx::query(q)
            .bind(size.unwrap_or(0) as i64)
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        let Some(r) = row else { return Ok(None) };
        let size = r.get::<i64, _>("size") as u64;
        Ok(Some(CheckpointView {
            tree_size: size,
            root_hash: hex::encode(r.get::<&[u8], _>("root")),
            timestamp: r.get("timestamp"),
            note: r.get("note"),
            cosignatures: self.cosignatures_of(size).await?,
        }))
    }

    /// The latest checkpoint's note with every stored cosignature line appended.
    pub fn cosigned_note(view: &CheckpointView) -> String {
        let mut s = view.note.clone();
        for c in &view.cosignatures {
            s.push_str(&c.signature);
            s.push('\n');
        }
        s
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (default: the latest
    /// checkpoint's size).
    pub async fn ledger_inclusion(&self, index: u64, size: Option<u64>) -> Result<InclusionView, StoreError> {
        let size = match size {
            Some(s) => s,
            None => self.ledger_checkpoint(None).await?.map(|c| c.tree_size).unwrap_or(0),
        };
        let have = self.ledger_size().await?;
        if size > have {
            return Err(bad("size", format!("树只有{have}个叶子，不能证明大小{size}")));
        }
        let plan = plan_inclusion(index, size).map_err(|e| bad("index", e.to_string()))?;
        let mut ids = plan.nodes().to_vec();
        ids.push(NodeId::leaf(index));
        let fetched = fetch_nodes(&self.shared().read, &ids).await?;
        let path = compute(&plan, &fetched)?;
        let leaf_hash = fetched.get(&NodeId::leaf(index)).ok_or_else(|| StoreError::Corrupt(format!("leaf hash {index} is missing")))?;
        Ok(InclusionView { index, tree_size: size, leaf_hash: hx(leaf_hash), audit_path: path.iter().map(hx).collect() })
    }

    /// The consistency proof between the trees of `from` and `to` leaves.
    pub async fn ledger_consistency(&self, from: u64, to: u64) -> Result<ConsistencyView, StoreError> {
        let have = self.ledger_size().await?;
        if to > have {
            return Err(bad("to", format!("树只有{have}个叶子，不能证明大小{to}")));
        }
        let plan = plan_consistency(from, to).map_err(|e| bad("from", e.to_string()))?;
        let fetched = fetch_nodes(&self.shared().read, plan.nodes()).await?;
        let proof = compute(&plan, &fetched)?;
        Ok(ConsistencyView { from, to, proof: proof.iter().map(hx).collect() })
    }

    /// The leaves `start <= index < end`, in order.
    pub async fn ledger_entries(&self, start: u64, end: u64) -> Result<Vec<EntryView>, StoreError> {
        if start > end {
            return Err(bad("start", "start 不能大于 end"));
        }
        let rows = sqlx::query("SELECT position, leaf FROM ledger_leaves WHERE position >= $1 AND position < $2 ORDER BY position")
            .bind(start.min(i64::MAX as u64) as i64)
            .bind(end.min(i64::MAX as u64) as i64)
            .fetch_all(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        Ok(rows
            .iter()
            .map(|r| EntryView { index: r.get::<i64, _>("position") as u64, leaf: B64.encode(r.get::<&[u8], _>("leaf")) })
            .collect())
    }

    /// Registers (or replaces) an organization's witness key, a cosignature/v1 verifier key
    /// string `<name>+<hex id>+<base64(0x04 ‖ key)>`.
    pub async fn register_witness(&self, org: &str, key: &str) -> Result<(), StoreError> {
        if self.directory().org(org).is_none() {
            return Err(bad("org", format!("单位“{org}”不存在")));
        }
        CosignatureVerifier::from_key_string(key).map_err(|e| bad("key", format!("见证公钥无效：{e}")))?;
        sqlx::query(
            "INSERT INTO ledger_witnesses (org, key, added_at) VALUES ($1, $2, $3)
             ON CONFLICT (org) DO UPDATE SET key = excluded.key, added_at = excluded.added_at",
        )
        .bind(org.to_string())
        .bind(key.to_string())
        .bind(sql::ts(self.now()))
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        Ok(())
    }

    /// Removes an organization's witness key (its node no longer cosigns); the cosignatures it
    /// made stay. False if none was registered.
    pub async fn revoke_witness(&self, org: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM ledger_witnesses WHERE org = $1")
            .bind(org.to_string())
            .execute(&self.shared().write)
            .await
            .map_err(StoreError::db)?;
        Ok(r.rows_affected() > 0)
    }

    /// The registered witness key of an organization.
    pub async fn witness_key(&self, org: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT key FROM ledger_witnesses WHERE org = $1")
            .bind(org.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)
    }

    /// Every registered witness and the largest size it has cosigned.
    pub async fn witnesses(&self) -> Result<Vec<WitnessView>, StoreError> {
        let rows = sqlx::query(
            "SELECT w.org, w.key, c.size, c.root, c.timestamp FROM ledger_witnesses w
             LEFT JOIN ledger_cosignatures c ON c.org = w.org
               AND c.size = (SELECT MAX(size) FROM ledger_cosignatures WHERE org = w.org)
             ORDER BY w.org",
        )
        .fetch_all(&self.shared().read)
        .await
        .map_err(StoreError::db)?;
        Ok(rows
            .iter()
            .map(|r| WitnessView {
                org: r.get("org"),
                key: r.get("key"),
                witnessed_size: r.get::<Option<i64>, _>("size").map(|s| s as u64),
                witnessed_root: r.get::<Option<Vec<u8>>, _>("root").map(hex::encode),
                witnessed_at: r.get::<Option<i64>, _>("timestamp").map(|t| t as u64),
            })
            .collect())
    }

    /// Records an alarm (e.g. a witness that found a split view).
    pub async fn raise_ledger_alarm(&self, kind: &str, org: Option<&str>, size: Option<u64>, detail: &str) -> Result<(), StoreError> {
        let mut conn = self.shared().write.acquire().await.map_err(StoreError::db)?;
        raise_alarm(&mut conn, self.now(), kind, org, size, detail).await
    }

    /// Every alarm, newest first.
    pub async fn ledger_alarms(&self) -> Result<Vec<AlarmView>, StoreError> {
        let rows = sqlx::query("SELECT id, at, kind, org, size, detail FROM ledger_alarms ORDER BY id DESC")
            .fetch_all(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        Ok(rows
            .iter()
            .map(|r| AlarmView {
                id: r.get("id"),
                at: r.get("at"),
                kind: r.get("kind"),
                org: r.get("org"),
                size: r.get::<Option<i64>, _>("size").map(|s| s as u64),
                detail: r.get("detail"),
            })
            .collect())
    }

    /// Accepts a witness's cosignature: `note` is a checkpoint note signed by this deployment and
    /// cosigned by `org`'s registered witness key. A checkpoint that contradicts this store's
    /// tree (a size it never reached, or another root) is a split view: it is refused and
    /// alarmed.
    pub async fn add_cosignature(&self, org: &str, note: &str) -> Result<CosignatureView, StoreError> {
        let key = self.witness_key(org).await?.ok_or_else(|| bad("org", format!("单位“{org}”没有登记见证公钥")))?;
        let cv = CosignatureVerifier::from_key_string(&key).map_err(|e| StoreError::Corrupt(format!("witness key of {org}: {e}")))?;
        let signed = open_checkpoint(note, &self.shared().ledger.verifier).map_err(|e| bad("note", format!("检查点签名无效：{e}")))?;
        let opened = open_note(note, &[&cv]).map_err(|e| bad("note", format!("没有{org}的有效副署：{e}")))?;
        let sig: &NoteSignature = opened.verified.first().expect("open_note verified one");
        let cp = signed.checkpoint();
        let have = self.ledger_size().await?;
        let contradiction = if cp.size > have {
            Some(format!("{org} cosigned a checkpoint of size {} signed by this log's key, but the tree holds only {have} leaves", cp.size))
        } else {
            let ours = self.ledger_root(cp.size).await?;
            (ours != cp.root).then(|| {
                format!("{org} cosigned root {} for size {}, the tree has root {}", hx(&cp.root), cp.size, hx(&ours))
            })
        };
        if let Some(detail) = contradiction {
            self.raise_ledger_alarm("split_view", Some(org), Some(cp.size), &detail).await?;
            return Err(StoreError::SplitView(detail));
        }
        let line = sig.to_line().trim_end_matches('\n').to_string();
        let t = CosignatureVerifier::timestamp_of(sig).unwrap_or(0);
        sqlx::query(
            "INSERT INTO ledger_cosignatures (org, size, root, timestamp, line, received_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (org, size) DO NOTHING",
        )
        .bind(org.to_string())
        .bind(cp.size as i64)
        .bind(cp.root.to_vec())
        .bind(t as i64)
        .bind(line.clone())
        .bind(sql::ts(self.now()))
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        Ok(CosignatureView { org: org.into(), name: sig.name.clone(), key_id: format!("{:08x}", sig.key_id), timestamp: t, signature: line })
    }

    /// Re-checks every witnessed tree head against the stored tree; each contradiction is
    /// alarmed and returned.
    pub async fn check_witnessed(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String, i64, Vec<u8>)> = sqlx::query_as("SELECT org, size, root FROM ledger_cosignatures ORDER BY size")
            .fetch_all(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        let have = self.ledger_size().await?;
        let mut found = Vec::new();
        for (org, size, root) in rows {
            let size = size as u64;
            let ours = if size <= have { self.ledger_root(size).await.ok() } else { None };
            if ours.map(|h| h.to_vec()) != Some(root.clone()) {
                let detail = format!("{org} witnessed size {size} with root {}, which the stored tree no longer has", hex::encode(&root));
                self.raise_ledger_alarm("split_view", Some(&org), Some(size), &detail).await?;
                found.push(detail);
            }
        }
        Ok(found)
    }
}
