//! The real `lianban` binary as an outside auditor and a witness node uses it: checkpoint,
//! entries, proofs and consistency verified independently with the `ledger` crate; a witness
//! cosigning twice; and `verify` failing, naming the position, after a one-byte edit of a leaf.
//! Then a remote witness against a real `lianban serve`: its key registered through the admin
//! API, cosigning over HTTP twice (the second run checking consistency), the server's timer
//! alarming on a stored tree that no longer has a witnessed root, and a forked history refused
//! by the witness and alarmed by the server it was shown to.

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
    add_tagged_events(data, n, "测试").await
}

async fn add_tagged_events(data: &Path, n: usize, tag: &str) {
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
            title: format!("{tag}{i}号盗窃案"),
            facts: "某人盗窃手机一部。".into(),
            charges: vec!["盗窃".into()],
            persons: vec![PersonInput { name: format!("嫌疑人{i}"), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
        };
        let id = store.submit(store::Command::new("officer", None, action)).await.unwrap().state.id;
        store.submit(store::Command::new("officer", Some(&id), Action::Detain { person: 1 })).await.unwrap();
    }
}

/// The access log through the CLI: `--log access` prints its checkpoint (own origin, same key),
/// entries and proofs, which verify with the `ledger` crate; `verify` names an edited audit row
/// by its access-log position.
#[tokio::test(flavor = "multi_thread")]
async fn the_access_log_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let d = data.to_str().unwrap();
    {
        let store = store::Store::open(&data.join("lianban.db"), store::Durability::Full, Arc::new(store::SystemClock)).await.unwrap();
        for i in 0..5 {
            let rec = store::AuditRecord {
                id: 0,
                at: chrono::Utc::now(),
                kind: if i == 3 { "denied" } else { "read" }.into(),
                user_id: Some("prosecutor".into()),
                org: Some("proc".into()),
                case_id: Some("LB-2026-000001".into()),
                resource: "personal_data".into(),
                reason: format!("核对嫌疑人身份{i}"),
                decision: if i == 3 { "deny" } else { "allow" }.into(),
            };
            store.audit(&rec).await.unwrap();
        }
        store.close().await;
    }
    let key = json(&["ledger", "key", "--data", d, "--log", "access"]);
    let events_key = json(&["ledger", "key", "--data", d]);
    assert_eq!(key["origin"].as_str().unwrap(), format!("{}/access", events_key["origin"].as_str().unwrap()));
    let cp = json(&["ledger", "checkpoint", "--data", d, "--log", "access"]);
    assert_eq!(cp["tree_size"], 5);
    let verifier = ledger::Ed25519NoteVerifier::from_key_string(key["key"].as_str().unwrap()).unwrap();
    ledger::open_checkpoint(cp["note"].as_str().unwrap(), &verifier).unwrap();
    let (ok, out, _) = run(&["ledger", "entries", "--data", d, "--log", "access", "--start", "0", "--end", "5"]);
    assert!(ok);
    let mut tree = MemoryTree::new(Sha256Hasher);
    for line in out.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let leaf = base64::engine::general_purpose::STANDARD.decode(e["leaf"].as_str().unwrap()).unwrap();
        assert!(!String::from_utf8_lossy(&leaf).contains("核对"), "the reason is hashed");
        tree.append_leaf(&leaf).unwrap();
    }
    assert_eq!(hex::encode(tree.root()), cp["root_hash"].as_str().unwrap());
    let p = json(&["ledger", "prove", "--data", d, "--log", "access", "--index", "3"]);
    let path: Vec<Hash> = p["audit_path"].as_array().unwrap().iter().map(h).collect();
    ledger::verify_inclusion(&Sha256Hasher, 3, 5, &h(&p["leaf_hash"]), &path, &tree.root()).unwrap();
    let c = json(&["ledger", "consistency", "--data", d, "--log", "access", "--from", "2", "--to", "5"]);
    let proof: Vec<Hash> = c["proof"].as_array().unwrap().iter().map(h).collect();
    ledger::verify_consistency(&Sha256Hasher, 2, 5, &tree.root_at(2).unwrap(), &tree.root(), &proof).unwrap();
    let a = json(&["ledger", "audit", "--data", d, "--log", "access"]);
    assert_eq!((a["verified"].as_bool(), a["tree_size"].as_u64()), (Some(true), Some(5)));
    assert_eq!(a["root_hash"], cp["root_hash"]);
    let (ok, out, err) = run(&["verify", "--data", d]);
    assert!(ok, "{err}");
    assert!(out.contains("access log: 5 records"), "{out}");
    // The denial turned into an allowed read behind the log's back.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("lianban.db").display())).await.unwrap();
    sqlx::query("UPDATE access_audit SET decision = 'allow' WHERE kind = 'denied'").execute(&pool).await.unwrap();
    pool.close().await;
    let (ok, _, err) = run(&["verify", "--data", d]);
    assert!(!ok, "verify passed after an audit row was edited");
    assert!(err.contains("access log position 3:"), "{err}");
}

/// A national-suite deployment through the CLI: `init --crypto-suite national` fixes SM3/SM2;
/// the auditor's recomputation (SM3, picked from the key's type byte) and the witness agree with
/// the SM2-signed checkpoint; a one-byte edit of a leaf is named by `verify`; the suite cannot be
/// changed by a second `init`.
#[tokio::test(flavor = "multi_thread")]
async fn a_national_deployment_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();
    let (ok, out, err) = run(&["init", "--data", d, "--admin-password", "national-1234", "--crypto-suite", "national"]);
    assert!(ok, "{err}");
    assert!(out.contains("national"), "{out}");
    let field_key = std::fs::read_to_string(data.join("keys/field.key")).unwrap();
    assert!(field_key.starts_with("national:"), "personal fields sealed with SM4: {field_key}");
    add_events(&data, 3).await;
    let key = json(&["ledger", "key", "--data", d]);
    let blob = base64::engine::general_purpose::STANDARD.decode(key["key"].as_str().unwrap().splitn(3, '+').nth(2).unwrap()).unwrap();
    assert_eq!(blob[0], 0xff, "an SM2 key");
    let cp = json(&["ledger", "checkpoint", "--data", d]);
    assert_eq!(cp["tree_size"], 6);
    let (ok, out, _) = run(&["ledger", "entries", "--data", d, "--start", "0", "--end", "6"]);
    assert!(ok);
    let sm3 = store::LedgerHasher::of(crypto::Suite::National);
    let mut tree = MemoryTree::new(sm3);
    for line in out.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let leaf = base64::engine::general_purpose::STANDARD.decode(e["leaf"].as_str().unwrap()).unwrap();
        assert!(String::from_utf8_lossy(&leaf).contains("\"sm3:"));
        tree.append_leaf(&leaf).unwrap();
    }
    assert_eq!(hex::encode(tree.root()), cp["root_hash"].as_str().unwrap());
    let a = json(&["ledger", "audit", "--data", d]);
    assert_eq!((a["verified"].as_bool(), a["tree_size"].as_u64()), (Some(true), Some(6)));
    let w = json(&["ledger", "witness", "--data", d, "--org", "proc"]);
    assert_eq!(w["tree_size"], 6);
    add_events(&data, 1).await;
    let w = json(&["ledger", "witness", "--data", d, "--org", "proc"]);
    assert_eq!(w["tree_size"], 8, "the second cosignature checked an SM3 consistency proof");
    let (ok, _, err) = run(&["verify", "--data", d]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["init", "--data", d, "--admin-password", "national-1234", "--crypto-suite", "standard"]);
    assert!(!ok && err.contains("crypto-suite"), "{err}");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("lianban.db").display())).await.unwrap();
    sqlx::query("UPDATE ledger_leaves SET leaf = CAST(replace(CAST(leaf AS TEXT), '\"seq\":1', '\"seq\":9') AS BLOB) WHERE position = 4")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (ok, _, err) = run(&["verify", "--data", d]);
    assert!(!ok);
    assert!(err.contains("position 4:"), "{err}");
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
    assert!(out.contains("verified (SQLite): 6 events"), "{out}");

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

    // The CLI's own full verification agrees.
    let a = json(&["ledger", "audit", "--data", d]);
    assert_eq!((a["verified"].as_bool(), a["tree_size"].as_u64()), (Some(true), Some(6)));
    assert_eq!(h(&a["root_hash"]), root);

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

// ---- A remote witness against a real server ----

/// A `lianban serve` child process, killed when dropped.
struct Served {
    child: std::process::Child,
    port: u16,
}

impl Served {
    fn start(data: &Path) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(BIN)
            .args(["serve", "--data", data.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}"), "--witness-check-secs", "1"])
            .env("LIANBAN_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start lianban serve");
        let s = Served { child, port };
        let t = std::time::Instant::now();
        while http(s.port, "GET", "/healthz", None, None).0 != 200 {
            assert!(t.elapsed().as_secs() < 60, "lianban serve did not come up");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        s
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> Value {
        let (status, v) = http(self.port, "GET", path, None, None);
        assert_eq!(status, 200, "GET {path}: {v}");
        v
    }

    fn stop(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// One HTTP/1.1 request on its own connection; the status and the JSON body (`null` if none).
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return (0, Value::Null) };
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", body.len());
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    if s.write_all(req.as_bytes()).is_err() {
        return (0, Value::Null);
    }
    let mut out = Vec::new();
    if s.read_to_end(&mut out).is_err() {
        return (0, Value::Null);
    }
    let text = String::from_utf8_lossy(&out);
    let Some((head, rest)) = text.split_once("\r\n\r\n") else { return (0, Value::Null) };
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "chunked answer to {path}");
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, serde_json::from_str(rest).unwrap_or(Value::Null))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

async fn add_admin(data: &Path, password: &str) {
    let store = store::Store::open(&data.join("lianban.db"), store::Durability::Full, Arc::new(store::SystemClock)).await.unwrap();
    store
        .put_organization(&Organization { id: "platform".into(), name: "平台".into(), kind: AgencyKind::Committee, level: Level::City, jurisdiction: "0000".into(), parent: None })
        .await
        .unwrap();
    let admin = User { id: "admin".into(), username: "admin".into(), name: "管理员".into(), org: "platform".into(), role: Role::Admin, active: true };
    store.put_user(&admin, Some(&server::auth::hash_password(password))).await.unwrap();
    // The police's own administrator: manages the police, not the procuratorate.
    let police_admin = User { id: "police-admin".into(), username: "police-admin".into(), name: "公安管理员".into(), org: "police".into(), role: Role::Admin, active: true };
    store.put_user(&police_admin, Some(&server::auth::hash_password(password))).await.unwrap();
}

fn state_of(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_witness_cosigns_over_http_and_split_views_are_alarmed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    add_events(&data, 3).await;
    add_admin(&data, "admin-password-1").await;
    let node = tmp.path().join("witness-node");
    let (key, state) = (node.join("proc.key"), node.join("proc.state.json"));
    let (key_s, state_s) = (key.to_str().unwrap().to_string(), state.to_str().unwrap().to_string());

    let served = Served::start(&data);
    let url = served.url();
    let witness_args = ["ledger", "witness", "--url", url.as_str(), "--org", "proc", "--key", key_s.as_str(), "--state", state_s.as_str()];

    // Not registered yet: the witness says how to register its key.
    let (ok, _, err) = run(&witness_args);
    assert!(!ok);
    assert!(err.contains("尚未在平台登记") && err.contains("/api/v1/admin/witnesses"), "{err}");
    let printed = json(&["ledger", "witness", "--org", "proc", "--key", key_s.as_str(), "--print-key"]);
    let my_key = printed["key"].as_str().unwrap().to_string();
    assert!(my_key.starts_with("witness/proc+"), "{my_key}");

    // An administrator registers it through the API.
    let body = serde_json::json!({ "org": "proc", "key": my_key });
    assert_eq!(http(served.port, "POST", "/api/v1/admin/witnesses", None, Some(&body)).0, 401);
    let (status, login) = http(served.port, "POST", "/api/v1/session", None, Some(&serde_json::json!({ "username": "police-admin", "password": "admin-password-1" })));
    assert_eq!(status, 200, "{login}");
    let police_admin = login["token"].as_str().unwrap().to_string();
    let (status, refused) = http(served.port, "POST", "/api/v1/admin/witnesses", Some(&police_admin), Some(&body));
    assert_eq!(status, 403, "an administrator of another organization registered proc's key: {refused}");
    let (status, login) = http(served.port, "POST", "/api/v1/session", None, Some(&serde_json::json!({ "username": "admin", "password": "admin-password-1" })));
    assert_eq!(status, 200, "{login}");
    let token = login["token"].as_str().unwrap().to_string();
    let (status, bad) = http(served.port, "POST", "/api/v1/admin/witnesses", Some(&token), Some(&serde_json::json!({ "org": "proc", "key": "witness/proc+00000000+AAAA" })));
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("key")), "{bad}");
    let (status, reg) = http(served.port, "POST", "/api/v1/admin/witnesses", Some(&token), Some(&body));
    assert_eq!(status, 200, "{reg}");
    assert_eq!(reg["witness"]["key"], my_key.as_str());
    let (status, listed) = http(served.port, "GET", "/api/v1/admin/witnesses", Some(&token), None);
    assert_eq!(status, 200);
    assert!(listed["witnesses"].as_array().unwrap().iter().any(|w| w["org"] == "proc" && w["key"] == my_key.as_str()), "{listed}");
    let (status, listed) = http(served.port, "GET", "/api/v1/admin/witnesses", Some(&police_admin), None);
    assert_eq!(status, 200);
    assert!(listed["witnesses"].as_array().unwrap().is_empty(), "the police administrator sees proc's witness: {listed}");
    // Revocation: refused to another organization's administrator; the key removed (a second
    // revocation finds nothing), then registered again.
    assert_eq!(http(served.port, "DELETE", "/api/v1/admin/witnesses/proc", Some(&police_admin), None).0, 403);
    let (status, revoked) = http(served.port, "DELETE", "/api/v1/admin/witnesses/proc", Some(&token), None);
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["key"], my_key.as_str());
    assert_eq!(http(served.port, "DELETE", "/api/v1/admin/witnesses/proc", Some(&token), None).0, 404);
    let (_, listed) = http(served.port, "GET", "/api/v1/admin/witnesses", Some(&token), None);
    assert!(!listed["witnesses"].as_array().unwrap().iter().any(|w| w["org"] == "proc"), "revoked key still listed: {listed}");
    assert_eq!(http(served.port, "POST", "/api/v1/admin/witnesses", Some(&token), Some(&body)).0, 200);

    // First run: trust on first use of the log key, cosign the checkpoint of 6 entries.
    let w = json(&witness_args);
    assert_eq!(w["tree_size"], 6);
    assert_eq!(w["cosignature"]["org"], "proc");
    assert_eq!(state_of(&state)["size"], 6);
    let cp = served.get("/api/v1/ledger/checkpoint");
    assert_eq!(cp["cosignatures"][0]["org"], "proc");
    served.stop();

    // A fork of the platform as it stood at 6 entries (same signing key), kept for later.
    let fork = tmp.path().join("fork");
    copy_dir(&data, &fork);

    // More events; second run: the consistency proof 6 → 10 is checked before cosigning.
    add_events(&data, 2).await;
    let served = Served::start(&data);
    let url = served.url();
    let witness_args = ["ledger", "witness", "--url", url.as_str(), "--org", "proc", "--key", key_s.as_str(), "--state", state_s.as_str()];
    let w = json(&witness_args);
    assert_eq!(w["tree_size"], 10);
    let st = state_of(&state);
    assert_eq!(st["size"], 10);
    assert_eq!(st["root"], w["root_hash"]);
    let ws = served.get("/api/v1/ledger/witnesses");
    assert_eq!(ws["witnesses"][0]["witnessed_size"], 10);
    // An outside auditor's full verification over HTTP, trusting the key the witness pinned.
    let a = json(&["ledger", "audit", "--url", url.as_str(), "--log-key", st["log_key"].as_str().unwrap()]);
    assert_eq!((a["verified"].as_bool(), a["tree_size"].as_u64()), (Some(true), Some(10)));
    assert_eq!(a["root_hash"], w["root_hash"]);
    assert!(served.get("/api/v1/ledger/alarms")["alarms"].as_array().unwrap().is_empty());

    // The stored tree changes under the running server (a node of the root of 10 replaced):
    // its timer finds that the witnessed root of 10 is gone, with no one asking.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("lianban.db").display())).await.unwrap();
    sqlx::query("UPDATE ledger_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 4").execute(&pool).await.unwrap();
    pool.close().await;
    let t = std::time::Instant::now();
    loop {
        let alarms = served.get("/api/v1/ledger/alarms");
        if alarms["alarms"].as_array().unwrap().iter().any(|a| a["kind"] == "split_view" && a["org"] == "proc" && a["size"] == 10) {
            break;
        }
        assert!(t.elapsed().as_secs() < 30, "no split_view alarm from the timer: {alarms}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    served.stop();

    // The fork grows another history and is shown to the witness: the proof from its cosigned
    // 10 does not hold, so it refuses (exit status 3), keeps its state, and presents its last
    // cosigned checkpoint to the fork, which finds it contradicts its tree and alarms.
    add_tagged_events(&fork, 3, "分叉").await;
    let served = Served::start(&fork);
    let url = served.url();
    let witness_args = ["ledger", "witness", "--url", url.as_str(), "--org", "proc", "--key", key_s.as_str(), "--state", state_s.as_str()];
    let out = Command::new(BIN).args(witness_args).env("LIANBAN_LOG", "warn").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("split_view") && err.contains("平台已告警"), "{err}");
    let st = state_of(&state);
    assert_eq!(st["size"], 10);
    assert_eq!(st["alarms"][0]["kind"], "split_view");
    assert_eq!(st["alarms"][0]["tree_size"], 12);
    let alarms = served.get("/api/v1/ledger/alarms");
    assert!(alarms["alarms"].as_array().unwrap().iter().any(|a| a["kind"] == "split_view" && a["org"] == "proc" && a["size"] == 10), "{alarms}");
    served.stop();
}
