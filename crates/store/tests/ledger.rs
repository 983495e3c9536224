//! The tamper-evident trace: every event is a leaf written with it; proofs verify against signed
//! checkpoints; witnesses cosign; and any one-byte edit, deleted or reordered row is named by
//! `Store::verify` at the right position.

mod common;

use base64::Engine;
use common::*;
use domain::Action;
use domain::action::PersonInput;
use ledger::{Ed25519Cosigner, Ed25519NoteSigner, Hash, NoteVerifier, Sha256Hasher, TreeHasher, Witness};
use std::sync::Arc;
use store::{Command, Disagreement, ManualClock, Store, StoreError};

fn register(name: &str) -> Action {
    Action::Register {
        title: format!("{name}盗窃案"),
        facts: format!("2025年9月1日，{name}在某超市盗窃手机一部，价值3000元。"),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: name.into(), id_card: Some("11010519491231002X".into()), gender: None, birth_date: None, phone: None, address: None }],
    }
}

/// 3 cases × 3 events one by one, then 8 registrations at once (batched): 17 events.
async fn world(db: &TestDb) -> (Store, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(db, clock.clone()).await;
    for name in ["张三", "李四", "王五"] {
        let id = store.submit(Command::new("officer", None, register(name))).await.unwrap().state.id;
        clock.advance(chrono::Duration::minutes(30));
        store.submit(Command::new("officer", Some(&id), Action::Detain { person: 1 })).await.unwrap();
        clock.advance(chrono::Duration::minutes(30));
        store.submit(Command::new("officer", Some(&id), Action::Interrogate { person: 1 })).await.unwrap();
    }
    let mut handles = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        handles.push(tokio::spawn(async move { s.submit(Command::new("officer", None, register(&format!("赵{i}")))).await.unwrap() }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(store.event_count().await.unwrap(), 17);
    (store, clock)
}

async fn disagreement(store: &Store) -> Disagreement {
    match store.verify().await.unwrap() {
        Ok(r) => panic!("verify passed after tampering: {r:?}"),
        Err(d) => d,
    }
}

fn h(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

async fn leaves_proofs_and_checkpoints_agree(b: Backend) {
    let tmp = TestDb::new(b).await;
    let (store, _) = world(&tmp).await;
    let report = store.verify().await.unwrap().unwrap();
    assert_eq!(report.events, 17);
    assert_eq!(store.ledger_size().await.unwrap(), 17);
    let cp = store.ledger_checkpoint(None).await.unwrap().unwrap();
    assert_eq!(cp.tree_size, 17);
    assert_eq!(cp.root_hash, report.root_hash);
    assert!(cp.note.starts_with(&format!("{}\n17\n", store.ledger_origin())));
    assert!(cp.note.contains("\ntimestamp 2025-09-01T"), "{}", cp.note);
    // The signed note opens with the published key.
    let verifier = ledger::Ed25519NoteVerifier::from_key_string(&store.ledger_public_key()).unwrap();
    let opened = ledger::open_checkpoint(&cp.note, &verifier).unwrap();
    assert_eq!(hex::encode(opened.checkpoint().root), cp.root_hash);
    // The key file is private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("keys/ledger.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Each committed batch signed a checkpoint: 9 one-event batches, then the concurrent ones.
    assert!(store.ledger_checkpoint(Some(9)).await.unwrap().is_some());
    // Leaves hold hashes, not personal data or free text.
    let entries = store.ledger_entries(0, 17).await.unwrap();
    assert_eq!(entries.len(), 17);
    for e in &entries {
        let leaf = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(&e.leaf).unwrap()).unwrap();
        for secret in ["张三", "李四", "11010519491231002X", "盗窃手机", "officer\",\"name\":\"officer"] {
            assert!(!leaf.contains(secret), "leaf {} leaks {secret}: {leaf}", e.index);
        }
        assert!(leaf.contains(&format!("\"position\":{}", e.index)));
    }
    // Every inclusion proof verifies against the checkpoint root; consistency between every
    // pair of sizes verifies against the roots.
    let root = h(&cp.root_hash);
    for i in 0..17 {
        let p = store.ledger_inclusion(i, None).await.unwrap();
        assert_eq!(p.tree_size, 17);
        let leaf = base64::engine::general_purpose::STANDARD.decode(&entries[i as usize].leaf).unwrap();
        assert_eq!(h(&p.leaf_hash), Sha256Hasher.hash_leaf(&leaf));
        let path: Vec<Hash> = p.audit_path.iter().map(|x| h(x)).collect();
        ledger::verify_inclusion(&Sha256Hasher, i, 17, &h(&p.leaf_hash), &path, &root).unwrap();
    }
    for a in 0..=17 {
        for b in a..=17 {
            let c = store.ledger_consistency(a, b).await.unwrap();
            let proof: Vec<Hash> = c.proof.iter().map(|x| h(x)).collect();
            let (ra, rb) = (store.ledger_root(a).await.unwrap(), store.ledger_root(b).await.unwrap());
            ledger::verify_consistency(&Sha256Hasher, a, b, &ra, &rb, &proof).unwrap_or_else(|e| panic!("{a}->{b}: {e}"));
        }
    }
    assert!(matches!(store.ledger_inclusion(17, Some(17)).await, Err(StoreError::Invalid { .. })));
    assert!(matches!(store.ledger_consistency(3, 18).await, Err(StoreError::Invalid { .. })));
}

/// A checkpoint of the next size already stored with another root (a forked or forged log): the
/// writer's batch still commits its event, keeps the stored checkpoint, and raises a split-view
/// alarm naming the size.
async fn a_stored_checkpoint_with_another_root_is_a_split_view(b: Backend) {
    let tmp = TestDb::new(b).await;
    let (store, _) = world(&tmp).await;
    let root = match b {
        Backend::Sqlite => "unhex('0909090909090909090909090909090909090909090909090909090909090909')",
        Backend::Postgres => "decode('0909090909090909090909090909090909090909090909090909090909090909', 'hex')",
    };
    tmp.exec(&format!("INSERT INTO ledger_checkpoints (size, root, timestamp, note) VALUES (18, {root}, '2025-09-01T12:00:00Z', 'forged')")).await;
    assert!(store.ledger_alarms().await.unwrap().is_empty());
    let out = store.submit(Command::new("officer", None, register("钱七"))).await.unwrap();
    assert_eq!(out.position, 17);
    let alarms = store.ledger_alarms().await.unwrap();
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    assert_eq!((alarms[0].kind.as_str(), alarms[0].size), ("split_view", Some(18)));
    assert!(alarms[0].detail.contains(&"09".repeat(32)), "{}", alarms[0].detail);
    assert_eq!(tmp.strings("SELECT note FROM ledger_checkpoints WHERE size = 18").await, vec!["forged".to_string()]);
    // The next batch signs its own size as usual.
    store.submit(Command::new("officer", None, register("孙八"))).await.unwrap();
    assert_eq!(tmp.strings("SELECT CAST(COUNT(*) AS TEXT) FROM ledger_checkpoints WHERE size = 19").await, vec!["1".to_string()]);
}

async fn witnesses_cosign_and_split_views_are_alarmed(b: Backend) {
    let tmp = TestDb::new(b).await;
    let (store, _) = world(&tmp).await;
    let cosigner = Ed25519Cosigner::from_seed("witness/d1-proc", &[5; 32]).unwrap();
    assert!(store.add_cosignature("d1-proc", "x\n").await.is_err(), "no key registered yet");
    store.register_witness("d1-proc", &cosigner.verifier_key_string()).await.unwrap();
    assert!(store.register_witness("nowhere", &cosigner.verifier_key_string()).await.is_err());
    let log = ledger::Ed25519NoteVerifier::from_key_string(&store.ledger_public_key()).unwrap();
    let mut w = Witness::new(&Sha256Hasher, store.ledger_origin());
    let cp = store.ledger_checkpoint(Some(9)).await.unwrap().unwrap();
    let line = w.cosign(&Sha256Hasher, &log, &cosigner, &cp.note, &[], 1_795_336_205).unwrap();
    let accepted = store.add_cosignature("d1-proc", &format!("{}{}", cp.note, line.to_line())).await.unwrap();
    assert_eq!(accepted.timestamp, 1_795_336_205);
    // Then the latest, with a consistency proof from 9.
    let latest = store.ledger_checkpoint(None).await.unwrap().unwrap();
    let proof: Vec<Hash> = store.ledger_consistency(9, latest.tree_size).await.unwrap().proof.iter().map(|x| h(x)).collect();
    let line = w.cosign(&Sha256Hasher, &log, &cosigner, &latest.note, &proof, 1_795_336_300).unwrap();
    store.add_cosignature("d1-proc", &format!("{}{}", latest.note, line.to_line())).await.unwrap();
    let ws = store.witnesses().await.unwrap();
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0].witnessed_size, Some(17));
    let shown = store.ledger_checkpoint(None).await.unwrap().unwrap();
    assert_eq!(shown.cosignatures.len(), 1);
    assert_eq!(shown.cosignatures[0].org, "d1-proc");
    // The published note with the cosignature opens with the witness key.
    ledger::open_note(&Store::cosigned_note(&shown), &[&cosigner.verifier()]).unwrap();
    assert!(store.verify().await.unwrap().is_ok());

    // A split view: a checkpoint of size 17 with another root, signed by this log's key (as a
    // compromised or forked server would), cosigned by a witness that was shown only that one.
    let key = std::fs::read_to_string(tmp.path().join("keys/ledger.key")).unwrap();
    let signer = Ed25519NoteSigner::from_private_key_string(key.trim()).unwrap();
    assert_eq!(signer.verifier().key_id(), log.key_id());
    let forged = ledger::Checkpoint::new(store.ledger_origin(), 17, [9; 32]).with_timestamp(1_795_336_400).sign(&signer).unwrap();
    let mut fresh = Witness::new(&Sha256Hasher, store.ledger_origin());
    let line = fresh.cosign(&Sha256Hasher, &log, &cosigner, &forged, &[], 1_795_336_401).unwrap();
    let err = store.add_cosignature("d1-proc", &format!("{forged}{}", line.to_line())).await.unwrap_err();
    assert!(matches!(err, StoreError::SplitView(_)), "{err}");
    let alarms = store.ledger_alarms().await.unwrap();
    assert_eq!(alarms.len(), 1);
    assert_eq!((alarms[0].kind.as_str(), alarms[0].size), ("split_view", Some(17)));
    // The same split view found again (a re-check, the same forged note resent) is not repeated.
    let _ = store.add_cosignature("d1-proc", &format!("{forged}{}", line.to_line())).await;
    store.raise_ledger_alarm(&alarms[0].kind, alarms[0].org.as_deref(), alarms[0].size, &alarms[0].detail).await.unwrap();
    assert_eq!(store.ledger_alarms().await.unwrap().len(), 1, "the same alarm recorded twice");
    store.raise_ledger_alarm("split_view", Some("d1-proc"), Some(18), "another disagreement").await.unwrap();
    assert_eq!(store.ledger_alarms().await.unwrap().len(), 2);
    // And the honest witness refuses the fork itself.
    assert!(w.cosign(&Sha256Hasher, &log, &cosigner, &forged, &[], 1_795_336_402).is_err());
    // A cosignature by another key is refused.
    let other = Ed25519Cosigner::from_seed("witness/d1-proc", &[6; 32]).unwrap();
    let line = Witness::new(&Sha256Hasher, store.ledger_origin()).cosign(&Sha256Hasher, &log, &other, &latest.note, &[], 1).unwrap();
    assert!(matches!(store.add_cosignature("d1-proc", &format!("{}{}", latest.note, line.to_line())).await, Err(StoreError::Invalid { .. })));
    // A revoked key no longer cosigns; what it cosigned stays.
    assert!(store.revoke_witness("d1-proc").await.unwrap());
    assert!(!store.revoke_witness("d1-proc").await.unwrap());
    assert!(store.add_cosignature("d1-proc", &Store::cosigned_note(&shown)).await.is_err(), "a revoked witness cosigned");
    assert_eq!(store.ledger_checkpoint(None).await.unwrap().unwrap().cosignatures.len(), 1);
}

/// One tampering, and the position (or the message part) `verify` must name.
struct Case {
    sql: String,
    position: Option<u64>,
    contains: &'static str,
}

fn case(sql: impl Into<String>, position: Option<u64>, contains: &'static str) -> Case {
    Case { sql: sql.into(), position, contains }
}

/// SQL that changes one byte (the `k`-th, 1-based) of a text column to the next ASCII letter.
fn bump_text(b: Backend, table: &str, col: &str, key: &str, k: usize) -> String {
    if b == Backend::Postgres {
        return format!(
            "UPDATE {table} SET {col} = substr({col}, 1, {km1}) || chr(CASE WHEN ascii(substr({col}, {k}, 1)) = 122 THEN 97 ELSE ascii(substr({col}, {k}, 1)) + 1 END) || substr({col}, {kp1}) WHERE {key}",
            km1 = k - 1,
            kp1 = k + 1
        );
    }
    format!(
        "UPDATE {table} SET {col} = substr({col}, 1, {km1}) || char(CASE WHEN unicode(substr({col}, {k}, 1)) = 122 THEN 97 ELSE unicode(substr({col}, {k}, 1)) + 1 END) || substr({col}, {kp1}) WHERE {key}",
        km1 = k - 1,
        kp1 = k + 1
    )
}

/// SQL that changes byte `k` (0-based) of a blob column (its low hex digit), keeping it a blob.
fn flip_blob(b: Backend, table: &str, col: &str, key: &str, k: usize) -> String {
    if b == Backend::Postgres {
        return format!(
            "UPDATE {table} SET {col} = set_byte({col}, {k}, CASE WHEN get_byte({col}, {k}) & 15 = 0 THEN get_byte({col}, {k}) | 1 ELSE get_byte({col}, {k}) & 240 END) WHERE {key}"
        );
    }
    format!(
        "UPDATE {table} SET {col} = unhex(substr(hex({col}), 1, {a}) || CASE substr(hex({col}), {b}, 1) WHEN '0' THEN '1' ELSE '0' END || substr(hex({col}), {c})) WHERE {key}",
        a = 2 * k + 1,
        b = 2 * k + 2,
        c = 2 * k + 3
    )
}

async fn every_tampering_is_named_at_its_position(b: Backend) {
    // `position: None` means: any position (or none), as long as the message names the fault.
    // 32 zero bytes and 32 random bytes in each dialect.
    let (zero, random) = match b {
        Backend::Sqlite => ("zeroblob(32)", "randomblob(32)"),
        Backend::Postgres => ("decode(repeat('00', 32), 'hex')", "decode(md5(random()::text) || md5(random()::text), 'hex')"),
    };
    let mut cases = vec![
        // An event's body, one byte, at the first, a middle and the last position. Byte 30 of
        // the body lies in `"actor":{…}` / `"action":{…}` text.
        case(bump_text(b, "events", "body", "position = 0", 30), Some(0), ""),
        case(bump_text(b, "events", "body", "position = 7", 40), Some(7), ""),
        case(bump_text(b, "events", "body", "position = 16", 60), Some(16), ""),
        // An event's indexed column.
        case("UPDATE events SET actor_org = 'd1-proc' WHERE position = 5", Some(5), "actor_org"),
        // A leaf, one byte (inside its JSON text).
        case(flip_blob(b, "ledger_leaves", "leaf", "position = 3", 20), Some(3), "leaf"),
        case(flip_blob(b, "ledger_leaves", "leaf", "position = 16", 100), Some(16), "leaf"),
        // The salt: the leaf no longer derives from the event.
        case(format!("UPDATE ledger_leaves SET salt = {zero} WHERE position = 11"), Some(11), "leaf"),
        // Tree nodes: a leaf hash, an interior node covering 4..8, the node covering 8..16.
        case(format!("UPDATE ledger_nodes SET hash = {zero} WHERE level = 0 AND idx = 9"), Some(9), "level 0, index 9"),
        case(format!("UPDATE ledger_nodes SET hash = {zero} WHERE level = 2 AND idx = 1"), Some(4), "level 2, index 1"),
        case(format!("UPDATE ledger_nodes SET hash = {random} WHERE level = 3 AND idx = 1"), Some(8), "level 3, index 1"),
        // Deleted rows.
        case("DELETE FROM events WHERE position = 6", Some(6), "missing"),
        case("DELETE FROM ledger_leaves WHERE position = 2", Some(2), "missing"),
        case("DELETE FROM ledger_nodes WHERE level = 1 AND idx = 6", Some(12), "missing"),
        // The tail cut off consistently (events, leaves, nodes, not the checkpoint).
        case(
            "DELETE FROM events WHERE position = 16; DELETE FROM ledger_leaves WHERE position = 16; DELETE FROM ledger_nodes WHERE level = 0 AND idx = 16",
            Some(16),
            "",
        ),
        // Reordered rows: two events swapped, two leaves swapped.
        case(
            "UPDATE events SET position = -1 WHERE position = 4; UPDATE events SET position = 4 WHERE position = 13; UPDATE events SET position = 13 WHERE position = -1",
            Some(4),
            "",
        ),
        case(
            "UPDATE ledger_leaves SET position = -1 WHERE position = 10; UPDATE ledger_leaves SET position = 10 WHERE position = 12; UPDATE ledger_leaves SET position = 12 WHERE position = -1",
            Some(10),
            "leaf",
        ),
        // A checkpoint: its note by one byte, its stored root, a deleted latest checkpoint.
        case(bump_text(b, "ledger_checkpoints", "note", "size = 9", 25), None, "checkpoint of tree size 9"),
        case(format!("UPDATE ledger_checkpoints SET root = {zero} WHERE size = 5"), None, "checkpoint of tree size 5"),
        case("DELETE FROM ledger_checkpoints WHERE size = (SELECT MAX(size) FROM ledger_checkpoints)", None, "not covered by any signed checkpoint"),
    ];
    // A leaf turned into text of the same bytes but one (SQLite only: a PostgreSQL BYTEA column
    // cannot hold text).
    if b == Backend::Sqlite {
        cases.push(case(bump_text(b, "ledger_leaves", "leaf", "position = 8", 30), Some(8), "leaf"));
    }
    // A tree node's hash, one bit.
    cases.push(case(flip_blob(b, "ledger_nodes", "hash", "level = 0 AND idx = 14", 31), Some(14), "level 0, index 14"));
    let tmp = TestDb::new(b).await;
    let (store, _) = world(&tmp).await;
    drop(store);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    for (i, c) in cases.iter().enumerate() {
        let copy = tmp.copy().await;
        copy.exec(&c.sql).await;
        let store = copy.open_bare(Arc::new(ManualClock::new(at("2025-09-02 09:00")))).await;
        let d = disagreement(&store).await;
        let shown = d.to_string();
        if let Some(p) = c.position {
            assert_eq!(d.position, Some(p), "case {i} ({}): {shown}", c.sql);
            assert!(shown.starts_with(&format!("position {p}:")), "{shown}");
        }
        assert!(shown.contains(c.contains), "case {i} ({}): {shown:?} lacks {:?}", c.sql, c.contains);
    }
}

/// A national-suite deployment (key created for it before the first open): SM3 tree and field
/// hashes, SM2-signed checkpoints for both logs; it appends, proves, verifies and detects
/// tampering. A standard deployment's key cannot be turned into a national one.
async fn a_national_deployment_hashes_with_sm3_and_signs_with_sm2(b: Backend) {
    use store::{LedgerHasher, Log};
    let tmp = TestDb::new(b).await;
    assert_eq!(store::trace::create_key(&tmp.path().join("keys"), Some(crypto::Suite::National)).unwrap(), crypto::Suite::National);
    let (store, _) = world(&tmp).await;
    store
        .audit(&store::AuditRecord {
            id: 0,
            at: at("2025-09-01 12:00"),
            kind: "read".into(),
            user_id: Some("prosecutor".into()),
            org: Some("d1-proc".into()),
            case_id: None,
            resource: "personal_data".into(),
            reason: "核对身份".into(),
            decision: "allow".into(),
        })
        .await
        .unwrap();
    assert_eq!(store.ledger_suite(), crypto::Suite::National);
    let sm3 = LedgerHasher::of(crypto::Suite::National);
    let report = store.verify().await.unwrap().unwrap();
    assert_eq!(report.events, 17);
    // The published key is an SM2 key (type 0xff); it opens both logs' checkpoints.
    let key = store.ledger_public_key();
    let blob = base64::engine::general_purpose::STANDARD.decode(key.splitn(3, '+').nth(2).unwrap()).unwrap();
    assert_eq!((blob[0], blob.len()), (0xff, 66), "{key}");
    assert!(Ed25519NoteSigner::from_private_key_string(std::fs::read_to_string(tmp.path().join("keys/ledger.key")).unwrap().trim()).is_err());
    for log in Log::ALL {
        let cp = store.log_checkpoint(log, None).await.unwrap().unwrap();
        let (suite, verifier) = store::trace::parse_verifier_key(&store.log_public_key(log)).unwrap();
        assert_eq!(suite, crypto::Suite::National);
        let opened = ledger::open_checkpoint(&cp.note, verifier.as_ref()).unwrap();
        assert_eq!(hex::encode(opened.checkpoint().root), cp.root_hash);
        // The root is the SM3 tree of the entries, not the SHA-256 one.
        let entries = store.log_entries(log, 0, cp.tree_size).await.unwrap();
        let leaves: Vec<Vec<u8>> = entries.iter().map(|e| base64::engine::general_purpose::STANDARD.decode(&e.leaf).unwrap()).collect();
        let mut tree = ledger::MemoryTree::new(sm3);
        let mut sha = ledger::MemoryTree::new(Sha256Hasher);
        for l in &leaves {
            tree.append_leaf(l).unwrap();
            sha.append_leaf(l).unwrap();
            let text = String::from_utf8(l.clone()).unwrap();
            assert!(text.contains("\"sm3:") && !text.contains("sha256:"), "{text}");
        }
        assert_eq!(hex::encode(tree.root()), cp.root_hash);
        assert_ne!(hex::encode(sha.root()), cp.root_hash);
        // Proofs verify with SM3.
        let n = cp.tree_size;
        for i in 0..n {
            let p = store.log_inclusion(log, i, None).await.unwrap();
            assert_eq!(h(&p.leaf_hash), sm3.hash_leaf(&leaves[i as usize]));
            let path: Vec<Hash> = p.audit_path.iter().map(|x| h(x)).collect();
            ledger::verify_inclusion(&sm3, i, n, &h(&p.leaf_hash), &path, &tree.root()).unwrap();
        }
        let c = store.log_consistency(log, 1, n).await.unwrap();
        let proof: Vec<Hash> = c.proof.iter().map(|x| h(x)).collect();
        ledger::verify_consistency(&sm3, 1, n, &tree.root_at(1).unwrap(), &tree.root(), &proof).unwrap();
    }
    // A witness checks and cosigns with SM3 consistency proofs and the SM2 log key.
    let (_, log_key) = store::trace::parse_verifier_key(&store.ledger_public_key()).unwrap();
    let cosigner = Ed25519Cosigner::from_seed("witness/d1-proc", &[5; 32]).unwrap();
    store.register_witness("d1-proc", &cosigner.verifier_key_string()).await.unwrap();
    let latest = store.ledger_checkpoint(None).await.unwrap().unwrap();
    let mut w = Witness::new(&sm3, store.ledger_origin());
    let proof: Vec<Hash> = store.ledger_consistency(0, latest.tree_size).await.unwrap().proof.iter().map(|x| h(x)).collect();
    let line = w.cosign(&sm3, log_key.as_ref(), &cosigner, &latest.note, &proof, 1_795_336_300).unwrap();
    store.add_cosignature("d1-proc", &format!("{}{}", latest.note, line.to_line())).await.unwrap();
    assert!(store.verify().await.unwrap().is_ok());
    // The suite is fixed: asking for the standard suite now is refused.
    assert!(store::trace::create_key(&tmp.path().join("keys"), Some(crypto::Suite::Standard)).is_err());
    store.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // Tampering is found, in both logs.
    for (sql, log, position) in [
        (flip_blob(b, "ledger_leaves", "leaf", "position = 6", 40), Log::Events, 6),
        (format!("UPDATE ledger_nodes SET hash = {} WHERE level = 1 AND idx = 2", if b == Backend::Sqlite { "zeroblob(32)" } else { "decode(repeat('00', 32), 'hex')" }), Log::Events, 4),
        ("UPDATE access_audit SET decision = 'deny'".to_string(), Log::Access, 0),
    ] {
        let copy = tmp.copy().await;
        copy.exec(&sql).await;
        let store = copy.open_bare(Arc::new(ManualClock::new(at("2025-09-02 09:00")))).await;
        assert_eq!(store.ledger_suite(), crypto::Suite::National);
        let d = disagreement(&store).await;
        assert_eq!((d.log, d.position), (log, Some(position)), "{sql}: {d}");
    }
}


both!(leaves_proofs_and_checkpoints_agree);
both!(witnesses_cosign_and_split_views_are_alarmed);
both!(a_stored_checkpoint_with_another_root_is_a_split_view);
both!(every_tampering_is_named_at_its_position);
both!(a_national_deployment_hashes_with_sm3_and_signs_with_sm2);
