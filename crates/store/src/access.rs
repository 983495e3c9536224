//! The access log: the access-audit records (every sensitive read, every denial, lockouts,
//! administration) as leaves of a second append-only Merkle log beside the event trace.
//!
//! Same machinery as the trace (`trace.rs` through [`Log::Access`]): RFC 9162 tree, perfect
//! nodes stored (`access_nodes`), checkpoints signed with the deployment key under the name
//! `<origin>/access` (`access_checkpoints`). A record's leaf (`lianban-access/1`,
//! docs/leaf-format.md §8) is appended in the writer's batch, in the same transaction as its
//! `access_audit` row; leaf index = position in `access_leaves`, which also names the row
//! (`audit_id`). A separate log keeps `events.position` = event-trace leaf index.

use crate::leaf::{self, AccessEntry};
use crate::trace::{self, Log};
use crate::{sql, AuditRecord, Shared, StoreError};
use ledger::{Frontier, Hash, NodeId, TreeHasher};
use sqlx::AnyConnection;

impl AccessEntry {
    /// The record as the access log sees it, once the store has given it `id`.
    pub(crate) fn of(rec: &AuditRecord, id: i64) -> Self {
        AccessEntry {
            id,
            at: sql::ts(rec.at),
            kind: rec.kind.clone(),
            user: rec.user_id.clone(),
            org: rec.org.clone(),
            case_id: rec.case_id.clone(),
            resource: rec.resource.clone(),
            reason: rec.reason.clone(),
            decision: rec.decision.clone(),
        }
    }
}

/// Appends the leaves of `entries` (in order) to the access log on `conn`, with the nodes they
/// complete and a signed checkpoint. `frontier` is the log's right edge if the caller kept it;
/// it is reloaded from the stored nodes when missing or stale. Returns the new frontier (valid
/// once the transaction commits).
pub(crate) async fn append_entries(
    conn: &mut AnyConnection,
    key: &trace::LedgerKey,
    frontier: Option<Frontier>,
    entries: &[AccessEntry],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Frontier, StoreError> {
    let size = trace::leaf_count(conn, Log::Access).await?;
    let mut frontier = match frontier {
        Some(f) if f.size() == size => f,
        _ => trace::load_frontier(conn, Log::Access, size).await?,
    };
    if entries.is_empty() {
        return Ok(frontier);
    }
    let mut leaves = Vec::with_capacity(entries.len());
    let mut nodes: Vec<(NodeId, Hash)> = Vec::new();
    for e in entries {
        let position = frontier.size();
        let salt = trace::random_bytes::<{ leaf::SALT_LEN }>()?;
        let bytes = leaf::access_leaf_bytes_in(key.suite, position, e, &salt).map_err(StoreError::Corrupt)?;
        frontier
            .append_with(&key.hasher, key.hasher.hash_leaf(&bytes), |id, h| nodes.push((id, *h)))
            .map_err(|err| StoreError::Corrupt(err.to_string()))?;
        leaves.push(serde_json::json!([position, e.id, hex::encode(salt), hex::encode(&bytes)]));
    }
    sqlx::query(crate::Backend::of(conn).insert_access_leaves())
        .bind(serde_json::Value::Array(leaves).to_string())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    trace::flush_nodes(conn, Log::Access, &nodes).await?;
    trace::sign_checkpoint(conn, key, Log::Access, &frontier, now).await?;
    Ok(frontier)
}

/// The writer's part: the batch's audit records (already inserted, with `ids`) become leaves in
/// the same transaction. The log's frontier is kept in `Shared` between batches; call
/// [`committed`] with the result once the transaction has committed.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    shared: &Shared,
    recs: &[&AuditRecord],
    ids: &[i64],
) -> Result<Option<Frontier>, StoreError> {
    if recs.is_empty() {
        return Ok(None);
    }
    let kept = shared.access_frontier.lock().expect("access frontier lock").take();
    let entries: Vec<AccessEntry> = recs.iter().zip(ids).map(|(r, id)| AccessEntry::of(r, *id)).collect();
    append_entries(conn, &shared.ledger, kept, &entries, shared.clock.now()).await.map(Some)
}

/// Keeps the access log's frontier after its batch committed.
pub(crate) fn committed(shared: &Shared, frontier: Option<Frontier>) {
    if let Some(f) = frontier {
        *shared.access_frontier.lock().expect("access frontier lock") = Some(f);
    }
}

/// Reads every access-audit row, by id, as access entries (text columns as stored).
pub(crate) async fn entries<'e, E>(exec: E) -> Result<Vec<AccessEntry>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    use sqlx::Row;
    let rows = sqlx::query("SELECT id, at, kind, user_id, org, case_id, resource, reason, decision FROM access_audit ORDER BY id")
        .fetch_all(exec)
        .await
        .map_err(StoreError::db)?;
    Ok(rows
        .iter()
        .map(|r| AccessEntry {
            id: r.get("id"),
            at: r.try_get("at").unwrap_or_default(),
            kind: r.try_get("kind").unwrap_or_default(),
            user: r.try_get("user_id").ok().flatten(),
            org: r.try_get("org").ok().flatten(),
            case_id: r.try_get("case_id").ok().flatten(),
            resource: r.try_get("resource").unwrap_or_default(),
            reason: r.try_get("reason").unwrap_or_default(),
            decision: r.try_get("decision").unwrap_or_default(),
        })
        .collect())
}

/// Gives the audit records of a database from before the access log existed their leaves, in id
/// order, and signs a checkpoint. Only when the access log is entirely empty: a log with leaves
/// missing is damage for `verify` to report.
pub(crate) async fn backfill(conn: &mut AnyConnection, key: &trace::LedgerKey, now: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
    use sqlx::Connection;
    let leaves = trace::leaf_count(conn, Log::Access).await?;
    let checkpoints: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM access_checkpoints").fetch_one(&mut *conn).await.map_err(StoreError::db)?;
    if leaves > 0 || checkpoints > 0 {
        return Ok(());
    }
    let mut tx = conn.begin().await.map_err(StoreError::db)?;
    let all = entries(&mut *tx).await?;
    if all.is_empty() {
        return Ok(());
    }
    let mut frontier = None;
    for chunk in all.chunks(1000) {
        frontier = Some(append_entries(&mut tx, key, frontier, chunk, now).await?);
    }
    tx.commit().await.map_err(StoreError::db)?;
    Ok(())
}
