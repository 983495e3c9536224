//! The real `lianban` binary as an outside auditor and a witness node uses it: checkpoint,
//! entries, proofs and consistency verified independently with the `ledger` crate; a witness
//! cosigning twice; and `verify` failing, naming the position, after a one-byte edit of a leaf.

use base64::Engine;
use domain::action::PersonInput;
use domain::{Action, AgencyKind, Level, Organization, Role, User};
use ledger::{Hash, MemoryTree, Sha256Hasher, TreeHasher};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_lianban");

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).env("LIANBAN_LOG", "warn").output().expect("run lianban");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn json(args: &[&str]) -> Value {
    let (ok, out, err) = run(args);
    assert!(ok, "lianban {args:?} failed: {err}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

fn h(v: &Value) -> Hash {
    hex::decode(v.as_str().unwrap()).unwrap().try_into().unwrap()
}

async fn add_events(data: &Path, n: usize) {
    let store = store::Store::open(&data.join("lianban.db"), store::Durability::Full, Arc::new(store::SystemClock)).await.unwrap();
    if store.directory().org("police").is_none() {
        for (id, kind) in [("police", AgencyKind::Police), ("proc", AgencyKind::Procuratorate)] {
            store
                .put_organization(&Organization { id: id.into(), name: id.into(), kind, level: Level::County, jurisdiction: "99".into(), parent: None })
                .await
                .unwrap();
        }
        let user = User { id: "officer".into(), username: "officer".into(), name: "警官".into(), org: "police".into(), role: Role::Officer, active: true };
        store.put_user(&user, None).await.unwrap();
    }
    for i in 0..n {
        let action = Action::Register {
            title: format!("测试{i}号盗窃案"),
            facts: "某人盗窃手机一部。".into(),
            charges: vec!["盗窃".into()],
            persons: vec![PersonInput { name: format!("嫌疑人{i}"), id_card: None, gender: None, birth_date: None }],
        };
        let id = store.submit(store::Command::new("officer", None, action)).await.unwrap().state.id;
        store.submit(store::Command::new("officer", Some(&id), Action::Detain { person: 1 })).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn auditors_and_witnesses_use_the_cli_and_verify_names_the_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let d = data.to_str().unwrap();
    add_events(&data, 3).await;

    let (ok, out, err) = run(&["verify", "--data", d]);
    assert!(ok, "{err}");
    assert!(out.contains("verified: 6 events"), "{out}");

    let cp = json(&["ledger", "checkpoint", "--data", d]);
    assert_eq!(cp["tree_size"], 6);
    let root = h(&cp["root_hash"]);
    let key = json(&["ledger", "key", "--data", d]);
    let verifier = ledger::Ed25519NoteVerifier::from_key_string(key["key"].as_str().unwrap()).unwrap();
    let opened = ledger::open_checkpoint(cp["note"].as_str().unwrap(), &verifier).unwrap();
    assert_eq!(opened.checkpoint().root, root);

    // Entries rebuild the same root.
    let (ok, out, _) = run(&["ledger", "entries", "--data", d, "--start", "0", "--end", "6"]);
    assert!(ok);
    let mut tree = MemoryTree::new(Sha256Hasher);
    let mut leaves = Vec::new();
    for (i, line) in out.lines().enumerate() {
        let e: Value = serde_json::from_str(line).unwrap();
        assert_eq!(e["index"], i as u64);
        let leaf = base64::engine::general_purpose::STANDARD.decode(e["leaf"].as_str().unwrap()).unwrap();
        assert!(!String::from_utf8_lossy(&leaf).contains("嫌疑人"), "personal data in a leaf");
        tree.append_leaf(&leaf).unwrap();
        leaves.push(leaf);
    }
    assert_eq!(leaves.len(), 6);
    assert_eq!(tree.root(), root);

    // An inclusion proof and a consistency proof, checked with the RFC 9162 algorithms.
    let p = json(&["ledger", "prove", "--data", d, "--index", "4"]);
    assert_eq!((p["index"].as_u64(), p["tree_size"].as_u64()), (Some(4), Some(6)));
    assert_eq!(h(&p["leaf_hash"]), Sha256Hasher.hash_leaf(&leaves[4]));
    let path: Vec<Hash> = p["audit_path"].as_array().unwrap().iter().map(h).collect();
    ledger::verify_inclusion(&Sha256Hasher, 4, 6, &h(&p["leaf_hash"]), &path, &root).unwrap();
    let c = json(&["ledger", "consistency", "--data", d, "--from", "3", "--to", "6"]);
    let proof: Vec<Hash> = c["proof"].as_array().unwrap().iter().map(h).collect();
    ledger::verify_consistency(&Sha256Hasher, 3, 6, &tree.root_at(3).unwrap(), &root, &proof).unwrap();

    // The procuratorate's witness cosigns, then cosigns again after more events.
    let w = json(&["ledger", "witness", "--data", d, "--org", "proc"]);
    assert_eq!(w["tree_size"], 6);
    add_events(&data, 2).await;
    let w = json(&["ledger", "witness", "--data", d, "--org", "proc"]);
    assert_eq!(w["tree_size"], 10);
    let cp = json(&["ledger", "checkpoint", "--data", d]);
    assert_eq!(cp["cosignatures"].as_array().unwrap().len(), 1);
    assert_eq!(cp["cosignatures"][0]["org"], "proc");
    let ws = json(&["ledger", "witnesses", "--data", d]);
    assert_eq!(ws[0]["witnessed_size"], 10);
    let (ok, out, err) = run(&["verify", "--data", d]);
    assert!(ok, "{err}");
    assert!(out.contains("2 cosignatures"), "{out}");

    // One byte of leaf 7 changed: verify fails and names position 7.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("lianban.db").display())).await.unwrap();
    sqlx::query("UPDATE ledger_leaves SET leaf = CAST(replace(CAST(leaf AS TEXT), '\"position\":7', '\"position\":8') AS BLOB) WHERE position = 7")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (ok, _, err) = run(&["verify", "--data", d]);
    assert!(!ok, "verify passed after tampering");
    assert!(err.contains("position 7:"), "{err}");
}
