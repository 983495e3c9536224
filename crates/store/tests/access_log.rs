//! The access log: every access-audit record (sensitive reads, denials, lockouts, administration)
//! is a leaf of a second Merkle log, appended in the writer's transaction with its row, signed
//! under `<origin>/access`; proofs verify; any edited, deleted, reordered or unlogged record, leaf,
//! node or checkpoint is named by `Store::verify` at its access-log position.

mod common;

use base64::Engine;
use common::*;
use ledger::{Ed25519NoteVerifier, Hash, Sha256Hasher, TreeHasher};
use std::sync::Arc;
use store::{AuditRecord, Disagreement, Log, ManualClock, Store, StoreError};

fn rec(i: usize, kind: &str, decision: &str) -> AuditRecord {
    AuditRecord {
        id: 0,
        at: at("2025-09-01 10:00") + chrono::Duration::seconds(i as i64),
        kind: kind.into(),
        user_id: Some(if decision == "deny" { "officer" } else { "prosecutor" }.into()),
        org: Some(if decision == "deny" { "d1-police" } else { "d1-proc" }.into()),
        case_id: Some(format!("LB-2025-{:06}", 1 + i % 3)),
        resource: "personal_data".into(),
        reason: format!("审查第{i}号案件，核对张三身份证号码"),
        decision: decision.into(),
    }
}

/// 4 records one by one, then 8 at once (batched with each other): 12 records.
async fn world(db: &TestDb) -> Store {
    let store = open(db, Arc::new(ManualClock::new(at("2025-09-01 09:00")))).await;
    for i in 0..4 {
        store.audit(&rec(i, "read", "allow")).await.unwrap();
    }
    let mut handles = Vec::new();
    for i in 4..12 {
        let s = store.clone();
        let (kind, decision) = if i % 2 == 0 { ("denied", "deny") } else { ("read", "allow") };
        handles.push(tokio::spawn(async move { s.audit(&rec(i, kind, decision)).await.unwrap() }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(store.audit_since(0, None, 100).await.unwrap().len(), 12);
    store
}

fn h(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

async fn records_are_leaves_with_proofs_and_checkpoints(b: Backend) {
    let tmp = TestDb::new(b).await;
    let store = world(&tmp).await;
    let report = store.verify().await.unwrap().unwrap();
    assert_eq!(report.access_records, 12);
    assert_eq!(store.log_size(Log::Access).await.unwrap(), 12);
    assert_eq!(store.log_size(Log::Events).await.unwrap(), 0, "audit records are not events");
    let cp = store.log_checkpoint(Log::Access, None).await.unwrap().unwrap();
    assert_eq!(cp.tree_size, 12);
    assert_eq!(cp.root_hash, report.access_root_hash);
    assert!(report.access_checkpoints >= 2, "one checkpoint per batch: {}", report.access_checkpoints);
    assert!(store.log_checkpoint(Log::Access, Some(1)).await.unwrap().is_some(), "the first record's batch signed size 1");
    // Its own origin, signed by the same deployment key.
    let origin = store.log_origin(Log::Access);
    assert_eq!(origin, format!("{}/access", store.ledger_origin()));
    assert!(cp.note.starts_with(&format!("{origin}\n12\n")), "{}", cp.note);
    let verifier = Ed25519NoteVerifier::from_key_string(&store.log_public_key(Log::Access)).unwrap();
    let opened = ledger::open_checkpoint(&cp.note, &verifier).unwrap();
    assert_eq!(hex::encode(opened.checkpoint().root), cp.root_hash);
    let public = |k: String| k.splitn(3, '+').nth(2).unwrap().to_string();
    assert_eq!(public(store.log_public_key(Log::Access)), public(store.ledger_public_key()), "same key");
    // The event trace's key does not open the access log's checkpoint (another origin).
    let events_key = Ed25519NoteVerifier::from_key_string(&store.ledger_public_key()).unwrap();
    assert!(ledger::open_checkpoint(&cp.note, &events_key).is_err());

    // Leaves: the documented format, in id order, the reason hashed.
    let records = store.audit_since(0, None, 100).await.unwrap();
    let entries = store.log_entries(Log::Access, 0, 12).await.unwrap();
    assert_eq!(entries.len(), 12);
    for (e, r) in entries.iter().zip(&records) {
        let leaf = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(&e.leaf).unwrap()).unwrap();
        assert!(leaf.starts_with(&format!("{{\"format\":\"lianban-access/1\",\"position\":{},\"record\":{{", e.index)), "{leaf}");
        assert!(leaf.contains(&format!("\"id\":{}", r.id)), "{leaf}");
        assert!(leaf.contains(&format!("\"decision\":\"{}\"", r.decision)), "{leaf}");
        assert!(leaf.contains("\"reason\":\"sha256:"), "{leaf}");
        assert!(!leaf.contains("张三"), "leaf {} leaks the reason: {leaf}", e.index);
    }
    // Proofs against the access checkpoint.
    let root = h(&cp.root_hash);
    for i in 0..12 {
        let p = store.log_inclusion(Log::Access, i, None).await.unwrap();
        let leaf = base64::engine::general_purpose::STANDARD.decode(&entries[i as usize].leaf).unwrap();
        assert_eq!(h(&p.leaf_hash), Sha256Hasher.hash_leaf(&leaf));
        let path: Vec<Hash> = p.audit_path.iter().map(|x| h(x)).collect();
        ledger::verify_inclusion(&Sha256Hasher, i, 12, &h(&p.leaf_hash), &path, &root).unwrap();
    }
    for a in 0..=12 {
        let c = store.log_consistency(Log::Access, a, 12).await.unwrap();
        let proof: Vec<Hash> = c.proof.iter().map(|x| h(x)).collect();
        let ra = store.log_root(Log::Access, a).await.unwrap();
        ledger::verify_consistency(&Sha256Hasher, a, 12, &ra, &root, &proof).unwrap_or_else(|e| panic!("{a}->12: {e}"));
    }
    assert!(matches!(store.log_inclusion(Log::Access, 12, Some(12)).await, Err(StoreError::Invalid { .. })));
    assert!(matches!(store.log_consistency(Log::Access, 3, 13).await, Err(StoreError::Invalid { .. })));

    // A database from before the access log: its records get their leaves on the next open.
    store.close().await;
    tmp.exec("DELETE FROM access_leaves; DELETE FROM access_nodes; DELETE FROM access_checkpoints").await;
    let store = tmp.open_bare(Arc::new(ManualClock::new(at("2025-09-02 09:00")))).await;
    let report = store.verify().await.unwrap().unwrap();
    assert_eq!(report.access_records, 12);
    assert_eq!(store.log_checkpoint(Log::Access, None).await.unwrap().unwrap().tree_size, 12);
    // And appending goes on from there.
    store.audit(&rec(12, "read", "allow")).await.unwrap();
    assert_eq!(store.verify().await.unwrap().unwrap().access_records, 13);
}

async fn disagreement(store: &Store) -> Disagreement {
    match store.verify().await.unwrap() {
        Ok(r) => panic!("verify passed after tampering: {r:?}"),
        Err(d) => d,
    }
}

async fn every_tampering_of_the_access_log_is_named(b: Backend) {
    let tmp = TestDb::new(b).await;
    let store = world(&tmp).await;
    let ids: Vec<i64> = store.audit_since(0, None, 100).await.unwrap().iter().map(|r| r.id).collect();
    store.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let zero = match b {
        Backend::Sqlite => "zeroblob(32)",
        Backend::Postgres => "decode(repeat('00', 32), 'hex')",
    };
    let id = |p: usize| ids[p];
    let flip_leaf = |p: usize, k: usize| match b {
        Backend::Postgres => format!(
            "UPDATE access_leaves SET leaf = set_byte(leaf, {k}, CASE WHEN get_byte(leaf, {k}) = 48 THEN 49 ELSE 48 END) WHERE position = {p}"
        ),
        Backend::Sqlite => format!(
            "UPDATE access_leaves SET leaf = unhex(substr(hex(leaf), 1, {a}) || CASE substr(hex(leaf), {c}, 2) WHEN '30' THEN '31' ELSE '30' END || substr(hex(leaf), {d})) WHERE position = {p}",
            a = 2 * k,
            c = 2 * k + 1,
            d = 2 * k + 3
        ),
    };
    // (SQL, position, part of the message)
    let cases: Vec<(String, Option<u64>, &str)> = vec![
        // An audit row edited: who, the decision, the reason (free text), the time.
        (format!("UPDATE access_audit SET user_id = 'judge' WHERE id = {}", id(0)), Some(0), "differs from the leaf derived from its audit record"),
        (format!("UPDATE access_audit SET decision = 'allow' WHERE id = {}", id(6)), Some(6), "audit record"),
        (format!("UPDATE access_audit SET reason = 'x' WHERE id = {}", id(11)), Some(11), "audit record"),
        (format!("UPDATE access_audit SET at = '2025-09-01T10:00:09Z' WHERE id = {}", id(3)), Some(3), "audit record"),
        // An audit row deleted (the denial nobody should see).
        (format!("DELETE FROM access_audit WHERE id = {}", id(4)), Some(4), "missing"),
        // A record inserted behind the log's back.
        (
            "INSERT INTO access_audit (id, at, kind, user_id, org, case_id, resource, reason, decision) SELECT MAX(id) + 1, '2025-09-01T11:00:00Z', 'read', 'officer', 'd1-police', NULL, 'personal_data', 'x', 'allow' FROM access_audit".to_string(),
            Some(12),
            "has no leaf",
        ),
        // Two audit rows swapped (reordered history).
        (
            format!(
                "UPDATE access_audit SET id = -1 WHERE id = {a}; UPDATE access_audit SET id = {a} WHERE id = {b}; UPDATE access_audit SET id = {b} WHERE id = -1",
                a = id(2),
                b = id(9)
            ),
            Some(2),
            "",
        ),
        // A leaf: one byte; deleted; two swapped; its salt.
        (flip_leaf(5, 60), Some(5), "leaf"),
        ("DELETE FROM access_leaves WHERE position = 7".to_string(), Some(7), ""),
        (
            "UPDATE access_leaves SET position = -1 WHERE position = 1; UPDATE access_leaves SET position = 1 WHERE position = 8; UPDATE access_leaves SET position = 8 WHERE position = -1".to_string(),
            Some(1),
            "",
        ),
        (format!("UPDATE access_leaves SET salt = {zero} WHERE position = 10"), Some(10), "leaf"),
        // Tree nodes.
        (format!("UPDATE access_nodes SET hash = {zero} WHERE level = 0 AND idx = 9"), Some(9), "level 0, index 9"),
        ("DELETE FROM access_nodes WHERE level = 2 AND idx = 1".to_string(), Some(4), "missing"),
        // Checkpoints: the stored root, the latest deleted.
        (format!("UPDATE access_checkpoints SET root = {zero} WHERE size = 1"), None, "checkpoint of tree size 1"),
        ("DELETE FROM access_checkpoints WHERE size = (SELECT MAX(size) FROM access_checkpoints)".to_string(), None, "not covered by any signed checkpoint"),
    ];
    for (i, (sql, position, contains)) in cases.iter().enumerate() {
        let copy = tmp.copy().await;
        copy.exec(sql).await;
        let store = copy.open_bare(Arc::new(ManualClock::new(at("2025-09-02 09:00")))).await;
        let d = disagreement(&store).await;
        let shown = d.to_string();
        assert_eq!(d.log, Log::Access, "case {i} ({sql}): {shown}");
        if let Some(p) = position {
            assert_eq!(d.position, Some(*p), "case {i} ({sql}): {shown}");
            assert!(shown.starts_with(&format!("access log position {p}:")), "{shown}");
        } else {
            assert!(shown.starts_with("access log"), "{shown}");
        }
        assert!(shown.contains(contains), "case {i} ({sql}): {shown:?} lacks {contains:?}");
    }
}

both!(records_are_leaves_with_proofs_and_checkpoints);
both!(every_tampering_of_the_access_log_is_named);

/// A command's answer and the read record of showing it (`Store::submit_audited`) commit
/// together: the record is there as soon as the command is answered, is a leaf of the access
/// log, and names the outcome the closure was shown; a refused command records nothing.
async fn a_commands_read_record_is_written_with_it(b: Backend) {
    use domain::action::PersonInput;
    use domain::Action;
    use store::Command;
    let tmp = TestDb::new(b).await;
    let store = open(&tmp, Arc::new(ManualClock::new(at("2025-09-01 09:00")))).await;
    let audit = |why: &'static str| -> store::ReadAudit {
        Box::new(move |out: &store::Outcome| {
            Some(AuditRecord {
                id: 0,
                at: out.event.at,
                kind: "read".into(),
                user_id: Some(out.event.actor.user.clone()),
                org: Some(out.event.actor.org.clone()),
                case_id: Some(out.state.id.clone()),
                resource: format!("personal_data:version={}", out.state.version),
                reason: why.into(),
                decision: "allow".into(),
            })
        })
    };
    let register = Action::Register {
        title: "张三盗窃案".into(),
        facts: "2025年9月1日，张三在某超市盗窃手机一部，价值3000元。".into(),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: "张三".into(), id_card: Some("11010519491231002X".into()), gender: None, birth_date: None, phone: None, address: None }],
    };
    let out = store.submit_audited(Command::new("officer", None, register), audit("act")).await.unwrap();
    let recs = store.case_audit(&out.state.id, 10).await.unwrap();
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!((recs[0].resource.as_str(), recs[0].reason.as_str()), ("personal_data:version=1", "act"));
    // Refused (a prosecutor cannot detain): the closure is not asked, nothing is recorded.
    let refused = store.submit_audited(Command::new("prosecutor", Some(&out.state.id), Action::Detain { person: 1 }), audit("act")).await;
    assert!(matches!(refused, Err(StoreError::Refused(_))), "{refused:?}");
    assert_eq!(store.case_audit(&out.state.id, 10).await.unwrap().len(), 1);
    let report = store.verify().await.unwrap().unwrap();
    assert_eq!(report.access_records, 1, "the record is a leaf of the access log");
}
both!(a_commands_read_record_is_written_with_it);
