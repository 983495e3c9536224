//! The store's side of the tamper-evident trace: the signing key, appending leaves and perfect
//! nodes inside the writer's transaction, signing checkpoints, proofs for auditors, witnesses'
//! cosignatures and split-view alarms.
//!
//! Tables (migration 0002): `ledger_leaves(position, salt, leaf)`, `ledger_nodes(level, idx,
//! hash)`, `ledger_checkpoints(size, root, timestamp, note)`, `ledger_witnesses(org, key)`,
//! `ledger_cosignatures(org, size, root, timestamp, line)`, `ledger_alarms`. Leaf index equals
//! `events.position`.
//!
//! A second log, the access log (`access.rs`, migration 0007: `access_leaves`, `access_nodes`,
//! `access_checkpoints`), uses the same functions through [`Log`]: same key, its own origin
//! (`<origin>/access`), its own tree and checkpoints.

use crate::{leaf, sql, Store, StoreError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use crypto::Suite;
use crypto::ledger_adapters::{ProviderNoteSigner, ProviderNoteVerifier, ProviderTreeHasher, ALG_SM2};
use ledger::{
    Checkpoint, CosignatureVerifier, Ed25519NoteSigner, Ed25519NoteVerifier, Frontier, Hash, NodeId, NoteSignature, NoteSigner,
    NoteVerifier, ProofPlan, Sha256Hasher, TreeHasher, frontier_nodes, open_checkpoint, open_note, plan_consistency,
    plan_inclusion, plan_root,
};
use serde::Serialize;
use sqlx::{Row, AnyConnection};
use std::collections::HashMap;
use std::path::Path;

/// The trace's tree hasher: RFC 9162 with SHA-256 (standard suite) or with SM3 (national suite,
/// GB/T 32905), fixed by the deployment's ledger key.
#[derive(Clone, Copy, Debug)]
pub enum LedgerHasher {
    Sha256,
    Sm3(ProviderTreeHasher),
}

impl LedgerHasher {
    pub fn of(suite: Suite) -> Self {
        match suite {
            Suite::Standard => LedgerHasher::Sha256,
            Suite::National => LedgerHasher::Sm3(ProviderTreeHasher::new(Suite::National)),
        }
    }
}

impl TreeHasher for LedgerHasher {
    fn hash_leaf(&self, data: &[u8]) -> Hash {
        match self {
            LedgerHasher::Sha256 => Sha256Hasher.hash_leaf(data),
            LedgerHasher::Sm3(h) => h.hash_leaf(data),
        }
    }
    fn hash_children(&self, left: &Hash, right: &Hash) -> Hash {
        match self {
            LedgerHasher::Sha256 => Sha256Hasher.hash_children(left, right),
            LedgerHasher::Sm3(h) => h.hash_children(left, right),
        }
    }
    fn empty_root(&self) -> Hash {
        match self {
            LedgerHasher::Sha256 => Sha256Hasher.empty_root(),
            LedgerHasher::Sm3(h) => h.empty_root(),
        }
    }
}

/// One log's signer and verifier (the deployment key under the log's name).
pub(crate) struct LogKey {
    signer: Box<dyn NoteSigner + Send + Sync>,
    verifier: Box<dyn NoteVerifier + Send + Sync>,
    key_string: String,
}

impl LogKey {
    fn new(suite: Suite, name: &str, secret: &[u8; 32]) -> Result<Self, StoreError> {
        let bad = |e: ledger::LedgerError| StoreError::Corrupt(format!("ledger key: {e}"));
        Ok(match suite {
            Suite::Standard => {
                let s = Ed25519NoteSigner::from_seed(name, secret).map_err(bad)?;
                let v = s.verifier();
                LogKey { key_string: v.key_string(), signer: Box::new(s), verifier: Box::new(v) }
            }
            Suite::National => {
                let s = ProviderNoteSigner::new(suite, name, secret).map_err(bad)?;
                let pair = suite.provider().key_pair_from_secret(secret).map_err(|e| StoreError::Corrupt(format!("ledger key: {e}")))?;
                let key_string = format!("{name}+{:08x}+{}", s.key_id(), B64.encode([&[ALG_SM2][..], &pair.public].concat()));
                LogKey { key_string, verifier: Box::new(s.verifier()), signer: Box::new(s) }
            }
        })
    }
}

/// The deployment's signing key, under the event trace's name and under the access log's
/// (`<name>/access`; same key, another key name and so another key id), with the suite it
/// belongs to (which also fixes the tree hash and the leaves' field hashes).
pub(crate) struct LedgerKey {
    pub suite: Suite,
    pub hasher: LedgerHasher,
    events: LogKey,
    access: LogKey,
}

impl LedgerKey {
    pub(crate) fn new(suite: Suite, name: &str, secret: &[u8; 32]) -> Result<Self, StoreError> {
        Ok(LedgerKey {
            suite,
            hasher: LedgerHasher::of(suite),
            events: LogKey::new(suite, name, secret)?,
            access: LogKey::new(suite, &format!("{name}{ACCESS_ORIGIN_SUFFIX}"), secret)?,
        })
    }
    fn of(&self, log: Log) -> &LogKey {
        match log {
            Log::Events => &self.events,
            Log::Access => &self.access,
        }
    }
    pub(crate) fn signer(&self, log: Log) -> &dyn NoteSigner {
        self.of(log).signer.as_ref()
    }
    pub(crate) fn verifier(&self, log: Log) -> &dyn NoteVerifier {
        self.of(log).verifier.as_ref()
    }
    pub(crate) fn key_string(&self, log: Log) -> &str {
        &self.of(log).key_string
    }
}

/// The signed-note key type byte of a suite's ledger key: 0x01 (Ed25519, C2SP) or 0xff (SM2 with
/// SM3, Lianban's choice from the unallocated range; docs/leaf-format.md §9).
pub fn key_type(suite: Suite) -> u8 {
    crypto::ledger_adapters::note_algorithm(suite)
}

/// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(type ‖ 32-byte secret)>`; the type byte names the
/// suite.
fn parse_private_key(text: &str) -> Result<(Suite, String, [u8; 32]), String> {
    let rest = text.strip_prefix("PRIVATE+KEY+").ok_or("missing PRIVATE+KEY+ prefix")?;
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("expected PRIVATE+KEY+<name>+<key id>+<key>".into());
    };
    let blob = B64.decode(b64).map_err(|_| "key is not standard base64")?;
    if blob.len() != 33 {
        return Err("key must be one type byte and 32 key bytes".into());
    }
    let suite = match blob[0] {
        ledger::ALG_ED25519 => Suite::Standard,
        ALG_SM2 => Suite::National,
        other => return Err(format!("unknown key type 0x{other:02x}")),
    };
    let secret: [u8; 32] = blob[1..].try_into().expect("32 bytes");
    let key = LedgerKey::new(suite, name, &secret).map_err(|e| e.to_string())?;
    if format!("{:08x}", key.signer(Log::Events).key_id()) != id {
        return Err("key id does not match the key".into());
    }
    Ok((suite, name.to_string(), secret))
}

/// A log's verifier key string `<name>+<hex id>+<base64(type ‖ public key)>` (Ed25519, type
/// 0x01; or SM2, type 0xff with the 65-byte uncompressed point), as the suite it names.
pub fn parse_verifier_key(s: &str) -> Result<(Suite, Box<dyn NoteVerifier + Send + Sync>), String> {
    let blob = s.splitn(3, '+').nth(2).and_then(|b| B64.decode(b).ok()).ok_or("key is not <name>+<key id>+<base64 key>")?;
    match blob.first() {
        Some(&ledger::ALG_ED25519) => {
            Ok((Suite::Standard, Box::new(Ed25519NoteVerifier::from_key_string(s).map_err(|e| e.to_string())?)))
        }
        Some(&ALG_SM2) => {
            let mut parts = s.splitn(3, '+');
            let (Some(name), Some(id)) = (parts.next(), parts.next()) else { return Err("expected <name>+<key id>+<key>".into()) };
            let v = ProviderNoteVerifier::new(Suite::National, name, &blob[1..]);
            if format!("{:08x}", v.key_id()) != id {
                return Err("key id does not match the key".into());
            }
            Ok((Suite::National, Box::new(v)))
        }
        _ => Err("unknown key type".into()),
    }
}

/// Appended to the deployment's origin to name the access log.
pub const ACCESS_ORIGIN_SUFFIX: &str = "/access";

/// One of the deployment's two Merkle logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Log {
    /// The event trace: leaf `i` is the event at position `i` (`lianban-leaf/1`).
    Events,
    /// The access log: one leaf per access-audit record (`lianban-access/1`).
    Access,
}

impl Log {
    pub const ALL: [Log; 2] = [Log::Events, Log::Access];
    pub fn name(self) -> &'static str {
        match self {
            Log::Events => "events",
            Log::Access => "access",
        }
    }
    pub(crate) fn leaves(self) -> &'static str {
        match self {
            Log::Events => "ledger_leaves",
            Log::Access => "access_leaves",
        }
    }
    pub(crate) fn nodes(self) -> &'static str {
        match self {
            Log::Events => "ledger_nodes",
            Log::Access => "access_nodes",
        }
    }
    pub(crate) fn checkpoints(self) -> &'static str {
        match self {
            Log::Events => "ledger_checkpoints",
            Log::Access => "access_checkpoints",
        }
    }
}

impl std::str::FromStr for Log {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "events" => Ok(Log::Events),
            "access" => Ok(Log::Access),
            other => Err(format!("日志应为 events 或 access，而不是“{other}”")),
        }
    }
}

impl std::fmt::Display for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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

/// Loads the deployment's key from `keys_dir`, creating a standard-suite key (and the public key
/// file) on first use. The key file's type byte fixes the suite (see [`create_key`]).
pub(crate) fn load_or_create_key(keys_dir: &Path) -> Result<LedgerKey, StoreError> {
    create_key(keys_dir, None)?;
    let private = keys_dir.join(PRIVATE_KEY_FILE);
    let text = std::fs::read_to_string(&private).map_err(|e| io(&private, e))?;
    let (suite, name, secret) = parse_private_key(text.trim()).map_err(|e| StoreError::Corrupt(format!("{}: {e}", private.display())))?;
    LedgerKey::new(suite, &name, &secret)
}

/// Creates the deployment's ledger key in `keys_dir` for `suite` (default standard) if there is
/// none: `ledger.key` (0600, `PRIVATE+KEY+<name>+<id>+<base64(type ‖ secret)>`) and `ledger.pub`.
/// The suite is fixed from then on: an existing key of another suite is an error. `lianban init
/// --crypto-suite national` calls this before the first open.
pub fn create_key(keys_dir: &Path, suite: Option<Suite>) -> Result<Suite, StoreError> {
    let private = keys_dir.join(PRIVATE_KEY_FILE);
    if private.exists() {
        let text = std::fs::read_to_string(&private).map_err(|e| io(&private, e))?;
        let (have, _, _) = parse_private_key(text.trim()).map_err(|e| StoreError::Corrupt(format!("{}: {e}", private.display())))?;
        if let Some(want) = suite
            && want != have
        {
            return Err(StoreError::Invalid {
                field: "crypto_suite".into(),
                message: format!("账本密钥已按“{have}”套件创建，套件在初始化时确定，不能改为“{want}”"),
            });
        }
        return Ok(have);
    }
    let suite = suite.unwrap_or(Suite::Standard);
    create_private_dir(keys_dir)?;
    let secret = random_bytes::<32>()?;
    let name = format!("lianban.ledger/{}", hex::encode(random_bytes::<4>()?));
    let key = LedgerKey::new(suite, &name, &secret)?;
    let text = format!(
        "PRIVATE+KEY+{name}+{:08x}+{}",
        key.signer(Log::Events).key_id(),
        B64.encode([&[key_type(suite)][..], &secret].concat())
    );
    write_secret_file(&private, &format!("{text}\n"))?;
    let public = keys_dir.join(PUBLIC_KEY_FILE);
    std::fs::write(&public, format!("{}\n", key.key_string(Log::Events))).map_err(|e| io(&public, e))?;
    Ok(suite)
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
    /// A mark to roll back to when a command is refused after its leaf was staged.
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
pub(crate) fn stage(key: &LedgerKey, frontier: &mut Frontier, pending: &mut Pending, position: u64, event: &serde_json::Value) -> Result<(), StoreError> {
    if frontier.size() != position {
        return Err(StoreError::Corrupt(format!("ledger holds {} leaves but the event is at position {position}", frontier.size())));
    }
    let salt = random_bytes::<{ leaf::SALT_LEN }>()?;
    let leaf = leaf::leaf_bytes_in(key.suite, position, event, &salt).map_err(StoreError::Corrupt)?;
    let nodes = &mut pending.nodes;
    let hasher = &key.hasher;
    frontier
        .append_with(hasher, hasher.hash_leaf(&leaf), |id, h| nodes.push((id, *h)))
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
    flush_nodes(conn, Log::Events, &pending.nodes).await?;
    pending.leaves.clear();
    pending.nodes.clear();
    Ok(())
}

/// Writes perfect nodes of `log` (one statement).
pub(crate) async fn flush_nodes(conn: &mut AnyConnection, log: Log, nodes: &[(NodeId, Hash)]) -> Result<(), StoreError> {
    if nodes.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = nodes.iter().map(|(id, h)| serde_json::json!([id.level, id.index, hex::encode(h)])).collect();
    sqlx::query(sqlx::AssertSqlSafe(crate::Backend::of(conn).insert_nodes(log.nodes())))
        .bind(serde_json::Value::Array(rows).to_string())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    Ok(())
}

/// Fetches the named nodes (one query); absent nodes are simply missing from the map.
pub(crate) async fn fetch_nodes<'e, E>(exec: E, log: Log, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let mut out = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = format!("SELECT level, idx, hash FROM {} WHERE (level, idx) IN (VALUES ", log.nodes());
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

fn compute(hasher: &LedgerHasher, plan: &ProofPlan, fetched: &HashMap<NodeId, Hash>) -> Result<Vec<Hash>, StoreError> {
    plan.compute(hasher, fetched).map_err(|e| StoreError::Corrupt(format!("ledger: {e}")))
}

/// The frontier of the tree of `size` leaves, from the stored nodes.
pub(crate) async fn load_frontier(conn: &mut AnyConnection, log: Log, size: u64) -> Result<Frontier, StoreError> {
    let ids = frontier_nodes(size);
    let got = fetch_nodes(&mut *conn, log, &ids).await?;
    let mut hashes = Vec::with_capacity(ids.len());
    for id in &ids {
        hashes.push(*got.get(id).ok_or_else(|| {
            StoreError::Corrupt(format!("ledger node (level {}, index {}) is missing; run `lianban verify`", id.level, id.index))
        })?);
    }
    Frontier::from_parts(size, hashes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) async fn leaf_count(conn: &mut AnyConnection, log: Log) -> Result<u64, StoreError> {
    let q = format!("SELECT COALESCE(MAX(position) + 1, 0) FROM {}", log.leaves());
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(q))
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
/// raised and the new checkpoint is not stored.
pub(crate) async fn sign_checkpoint(
    conn: &mut AnyConnection,
    key: &LedgerKey,
    log: Log,
    frontier: &Frontier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let size = frontier.size();
    let root = frontier.root(&key.hasher);
    let t = now.timestamp().max(0) as u64;
    let signer = key.signer(log);
    let cp = Checkpoint::new(signer.name(), size, root).with_timestamp(t);
    let note = cp.sign(signer).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Inserted unless a checkpoint of this size exists (one statement in the usual case, not a
    // read first: the writer signs one per batch).
    let q = format!("INSERT INTO {} (size, root, timestamp, note) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING", log.checkpoints());
    let inserted = sqlx::query(sqlx::AssertSqlSafe(q))
        .bind(size as i64)
        .bind(root.to_vec())
        .bind(ledger::format_rfc3339(t).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(note)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?
        .rows_affected();
    if inserted == 1 {
        return Ok(());
    }
    // Signed before (another process, or the same size again): it must name the same root.
    let q = format!("SELECT root FROM {} WHERE size = $1", log.checkpoints());
    let existing: Vec<u8> = sqlx::query_scalar(sqlx::AssertSqlSafe(q)).bind(size as i64).fetch_one(&mut *conn).await.map_err(StoreError::db)?;
    if existing.as_slice() != root.as_slice() {
        let detail = format!(
            "stored {log} checkpoint of size {size} has root {}, the tree now has root {}",
            hex::encode(&existing),
            hex::encode(root)
        );
        return raise_alarm(conn, now, "split_view", None, Some(size), &detail).await;
    }
    Ok(())
}

/// Gives every event that has no leaf yet (a database from before the trace existed) its leaf,
/// then signs a checkpoint. Only when the trace is entirely empty: a trace with some leaves
/// missing is damage for `verify` to report, never something to paper over.
pub(crate) async fn backfill(conn: &mut AnyConnection, key: &LedgerKey, now: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
    use sqlx::Connection;
    let leaves = leaf_count(conn, Log::Events).await?;
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
        stage(key, &mut frontier, &mut pending, pos as u64, &v)?;
        if pending.leaves.len() >= 1000 {
            flush(&mut tx, &mut pending).await?;
        }
    }
    flush(&mut tx, &mut pending).await?;
    sign_checkpoint(&mut tx, key, Log::Events, &frontier, now).await?;
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
        self.log_origin(Log::Events)
    }

    /// The origin (and key name) of one of the two logs.
    pub fn log_origin(&self, log: Log) -> String {
        self.shared().ledger.signer(log).name().to_string()
    }

    /// The deployment's crypto suite of the trace, fixed when its key was created: the tree hash
    /// (SHA-256 or SM3), the checkpoint signature (Ed25519 or SM2) and the leaves' field hashes.
    pub fn ledger_suite(&self) -> Suite {
        self.shared().ledger.suite
    }

    /// The trace's tree hasher (for callers that recompute roots and proofs).
    pub fn ledger_hasher(&self) -> LedgerHasher {
        self.shared().ledger.hasher
    }

    /// The deployment's public key as a signed-note verifier key string.
    pub fn ledger_public_key(&self) -> String {
        self.log_public_key(Log::Events)
    }

    /// The verifier key string of one log (the same public key, under the log's name).
    pub fn log_public_key(&self, log: Log) -> String {
        self.shared().ledger.key_string(log).to_string()
    }

    /// How many leaves the trace holds.
    pub async fn ledger_size(&self) -> Result<u64, StoreError> {
        self.log_size(Log::Events).await
    }

    /// How many leaves a log holds.
    pub async fn log_size(&self, log: Log) -> Result<u64, StoreError> {
        let mut conn = self.shared().read.acquire().await.map_err(StoreError::db)?;
        leaf_count(&mut conn, log).await
    }

    /// The root of the tree of `size` leaves, from the stored nodes.
    pub async fn ledger_root(&self, size: u64) -> Result<Hash, StoreError> {
        self.log_root(Log::Events, size).await
    }

    /// The root of a log's tree of `size` leaves, from the stored nodes.
    pub async fn log_root(&self, log: Log, size: u64) -> Result<Hash, StoreError> {
        let plan = plan_root(size);
        let fetched = fetch_nodes(&self.shared().read, log, plan.nodes()).await?;
        Ok(compute(&self.shared().ledger.hasher, &plan, &fetched)?.pop().expect("one root"))
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
        self.log_checkpoint(Log::Events, size).await
    }

    /// A log's checkpoint of exactly `size` leaves, or its latest one. Witnesses cosign the
    /// event trace only, so an access-log checkpoint has no cosignatures.
    pub async fn log_checkpoint(&self, log: Log, size: Option<u64>) -> Result<Option<CheckpointView>, StoreError> {
        let table = log.checkpoints();
        let q = match size {
            Some(_) => format!("SELECT size, root, timestamp, note FROM {table} WHERE size = $1"),
            None => format!("SELECT size, root, timestamp, note FROM {table} WHERE size >= $1 ORDER BY size DESC LIMIT 1"),
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(q))
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
            cosignatures: match log {
                Log::Events => self.cosignatures_of(size).await?,
                Log::Access => Vec::new(),
            },
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
        self.log_inclusion(Log::Events, index, size).await
    }

    /// The inclusion proof of leaf `index` of a log in its tree of `size` leaves (default: its
    /// latest checkpoint's size).
    pub async fn log_inclusion(&self, log: Log, index: u64, size: Option<u64>) -> Result<InclusionView, StoreError> {
        let size = match size {
            Some(s) => s,
            None => self.log_checkpoint(log, None).await?.map(|c| c.tree_size).unwrap_or(0),
        };
        let have = self.log_size(log).await?;
        if size > have {
            return Err(bad("size", format!("树只有{have}个叶子，不能证明大小{size}")));
        }
        let plan = plan_inclusion(index, size).map_err(|e| bad("index", e.to_string()))?;
        let mut ids = plan.nodes().to_vec();
        ids.push(NodeId::leaf(index));
        let fetched = fetch_nodes(&self.shared().read, log, &ids).await?;
        let path = compute(&self.shared().ledger.hasher, &plan, &fetched)?;
        let leaf_hash = fetched.get(&NodeId::leaf(index)).ok_or_else(|| StoreError::Corrupt(format!("leaf hash {index} is missing")))?;
        Ok(InclusionView { index, tree_size: size, leaf_hash: hx(leaf_hash), audit_path: path.iter().map(hx).collect() })
    }

    /// The consistency proof between the trees of `from` and `to` leaves.
    pub async fn ledger_consistency(&self, from: u64, to: u64) -> Result<ConsistencyView, StoreError> {
        self.log_consistency(Log::Events, from, to).await
    }

    /// The consistency proof between a log's trees of `from` and `to` leaves.
    pub async fn log_consistency(&self, log: Log, from: u64, to: u64) -> Result<ConsistencyView, StoreError> {
        let have = self.log_size(log).await?;
        if to > have {
            return Err(bad("to", format!("树只有{have}个叶子，不能证明大小{to}")));
        }
        let plan = plan_consistency(from, to).map_err(|e| bad("from", e.to_string()))?;
        let fetched = fetch_nodes(&self.shared().read, log, plan.nodes()).await?;
        let proof = compute(&self.shared().ledger.hasher, &plan, &fetched)?;
        Ok(ConsistencyView { from, to, proof: proof.iter().map(hx).collect() })
    }

    /// The leaves `start <= index < end`, in order.
    pub async fn ledger_entries(&self, start: u64, end: u64) -> Result<Vec<EntryView>, StoreError> {
        self.log_entries(Log::Events, start, end).await
    }

    /// A log's leaves `start <= index < end`, in order.
    pub async fn log_entries(&self, log: Log, start: u64, end: u64) -> Result<Vec<EntryView>, StoreError> {
        if start > end {
            return Err(bad("start", "start 不能大于 end"));
        }
        let q = format!("SELECT position, leaf FROM {} WHERE position >= $1 AND position < $2 ORDER BY position", log.leaves());
        let rows = sqlx::query(sqlx::AssertSqlSafe(q))
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
        let signed = open_checkpoint(note, self.shared().ledger.verifier(Log::Events)).map_err(|e| bad("note", format!("检查点签名无效：{e}")))?;
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
