//! The public ledger API under /api/v1/ledger: no login needed, the same JSON as the store (and
//! the CLI) produce, bounded entry ranges, bad queries named, and cosignatures that do not verify
//! refused.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use domain::action::PersonInput;
use domain::{Action, AgencyKind, Level, Organization, Role, User};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use store::{Command, Durability, ManualClock, Store};
use tower::ServiceExt;

async fn call(app: &axum::Router, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(path);
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_trace_is_public_and_matches_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()));
    let store = Store::open(&tmp.path().join("lianban.db"), Durability::Full, clock).await.unwrap();
    for (id, kind) in [("police", AgencyKind::Police), ("proc", AgencyKind::Procuratorate)] {
        store.put_organization(&Organization { id: id.into(), name: id.into(), kind, level: Level::County, jurisdiction: "99".into(), parent: None }).await.unwrap();
    }
    store.put_user(&User { id: "officer".into(), username: "officer".into(), name: "警官".into(), org: "police".into(), role: Role::Officer, active: true }, None).await.unwrap();
    for i in 0..5 {
        let action = Action::Register {
            title: format!("案{i}"),
            facts: "事实".into(),
            charges: vec!["盗窃".into()],
            persons: vec![PersonInput { name: format!("某{i}"), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
        };
        store.submit(Command::new("officer", None, action)).await.unwrap();
    }
    let app = server::router(server::AppState::new(store.clone()));

    let (s, key) = call(&app, "GET", "/api/v1/ledger/key", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(key["key"], store.ledger_public_key());
    assert_eq!(key["origin"], store.ledger_origin());

    let (s, cp) = call(&app, "GET", "/api/v1/ledger/checkpoint", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cp, serde_json::to_value(store.ledger_checkpoint(None).await.unwrap().unwrap()).unwrap());
    assert_eq!(cp["tree_size"], 5);
    let (s, cp3) = call(&app, "GET", "/api/v1/ledger/checkpoints/3", None).await;
    assert_eq!((s, cp3["tree_size"].as_u64()), (StatusCode::OK, Some(3)));
    assert_eq!(call(&app, "GET", "/api/v1/ledger/checkpoints/99", None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(&app, "GET", "/api/v1/ledger/checkpoints/x", None).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, p) = call(&app, "GET", "/api/v1/ledger/proof/inclusion?index=2", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p, serde_json::to_value(store.ledger_inclusion(2, None).await.unwrap()).unwrap());
    let (s, p) = call(&app, "GET", "/api/v1/ledger/proof/inclusion?index=2&size=4", None).await;
    assert_eq!((s, p["tree_size"].as_u64()), (StatusCode::OK, Some(4)));
    let (s, e) = call(&app, "GET", "/api/v1/ledger/proof/inclusion?index=7", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("index")));
    let (s, e) = call(&app, "GET", "/api/v1/ledger/proof/inclusion?index=-1", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("index")));

    let (s, c) = call(&app, "GET", "/api/v1/ledger/proof/consistency?from=2&to=5", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c, json!({"from": 2, "to": 5, "proof": store.ledger_consistency(2, 5).await.unwrap().proof}));
    assert_eq!(call(&app, "GET", "/api/v1/ledger/proof/consistency?from=5&to=2", None).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(call(&app, "GET", "/api/v1/ledger/proof/consistency?from=1&to=6", None).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, es) = call(&app, "GET", "/api/v1/ledger/entries?start=1&end=4", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(es["entries"], serde_json::to_value(store.ledger_entries(1, 4).await.unwrap()).unwrap());
    assert_eq!(es["entries"].as_array().unwrap().len(), 3);
    let (s, e) = call(&app, "GET", "/api/v1/ledger/entries?start=0&end=5000", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("end")));

    let (s, w) = call(&app, "GET", "/api/v1/ledger/witnesses", None).await;
    assert_eq!((s, w), (StatusCode::OK, json!({"witnesses": []})));
    // No witness key registered for the organization; a body without a note.
    let note = cp["note"].as_str().unwrap();
    let (s, e) = call(&app, "POST", "/api/v1/ledger/cosignatures", Some(json!({"org": "proc", "note": note}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("org")));
    let (s, _) = call(&app, "POST", "/api/v1/ledger/cosignatures", Some(json!({"org": "proc"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, a) = call(&app, "GET", "/api/v1/ledger/alarms", None).await;
    assert_eq!((s, a), (StatusCode::OK, json!({"alarms": []})));
}

/// The access log (every sensitive read and denial) under /api/v1/ledger/access: public, the same
/// JSON as the store, its own origin, proofs that verify against its checkpoint.
#[tokio::test]
async fn the_access_log_is_public_and_matches_the_store() {
    use ledger::{Hash, Sha256Hasher, TreeHasher};
    use store::{AuditRecord, Log};
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()));
    let store = Store::open(&tmp.path().join("lianban.db"), Durability::Full, clock).await.unwrap();
    let app = server::router(server::AppState::new(store.clone()));
    assert_eq!(call(&app, "GET", "/api/v1/ledger/access/checkpoint", None).await.0, StatusCode::NOT_FOUND);
    for i in 0..6 {
        let rec = AuditRecord {
            id: 0,
            at: Utc.with_ymd_and_hms(2026, 11, 22, 1, i, 0).unwrap(),
            kind: if i % 2 == 0 { "read" } else { "denied" }.into(),
            user_id: Some("prosecutor".into()),
            org: Some("proc".into()),
            case_id: Some("LB-2026-000001".into()),
            resource: "personal_data".into(),
            reason: "GET /api/v1/cases/LB-2026-000001".into(),
            decision: if i % 2 == 0 { "allow" } else { "deny" }.into(),
        };
        store.audit(&rec).await.unwrap();
    }
    let (s, key) = call(&app, "GET", "/api/v1/ledger/access/key", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(key["origin"], format!("{}/access", store.ledger_origin()));
    assert_eq!(key["key"], store.log_public_key(Log::Access));
    let (s, cp) = call(&app, "GET", "/api/v1/ledger/access/checkpoint", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cp, serde_json::to_value(store.log_checkpoint(Log::Access, None).await.unwrap().unwrap()).unwrap());
    assert_eq!(cp["tree_size"], 6);
    let verifier = ledger::Ed25519NoteVerifier::from_key_string(key["key"].as_str().unwrap()).unwrap();
    ledger::open_checkpoint(cp["note"].as_str().unwrap(), &verifier).unwrap();
    let (s, cp2) = call(&app, "GET", "/api/v1/ledger/access/checkpoints/2", None).await;
    assert_eq!((s, cp2["tree_size"].as_u64()), (StatusCode::OK, Some(2)));
    // The event trace is a different log: still empty.
    assert_eq!(call(&app, "GET", "/api/v1/ledger/checkpoint", None).await.0, StatusCode::NOT_FOUND);

    let (s, es) = call(&app, "GET", "/api/v1/ledger/access/entries?start=0&end=6", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(es["entries"], serde_json::to_value(store.log_entries(Log::Access, 0, 6).await.unwrap()).unwrap());
    let h = |v: &Value| -> Hash { hex::decode(v.as_str().unwrap()).unwrap().try_into().unwrap() };
    let root = h(&cp["root_hash"]);
    use base64::Engine;
    for i in 0..6u64 {
        let leaf = base64::engine::general_purpose::STANDARD.decode(es["entries"][i as usize]["leaf"].as_str().unwrap()).unwrap();
        assert!(String::from_utf8(leaf.clone()).unwrap().contains("\"format\":\"lianban-access/1\""));
        let (s, p) = call(&app, "GET", &format!("/api/v1/ledger/access/proof/inclusion?index={i}"), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h(&p["leaf_hash"]), Sha256Hasher.hash_leaf(&leaf));
        let path: Vec<Hash> = p["audit_path"].as_array().unwrap().iter().map(h).collect();
        ledger::verify_inclusion(&Sha256Hasher, i, 6, &h(&p["leaf_hash"]), &path, &root).unwrap();
    }
    let (s, c) = call(&app, "GET", "/api/v1/ledger/access/proof/consistency?from=2&to=6", None).await;
    assert_eq!(s, StatusCode::OK);
    let proof: Vec<Hash> = c["proof"].as_array().unwrap().iter().map(h).collect();
    let r2 = h(&cp2["root_hash"]);
    ledger::verify_consistency(&Sha256Hasher, 2, 6, &r2, &root, &proof).unwrap();
    let (s, e) = call(&app, "GET", "/api/v1/ledger/access/proof/inclusion?index=6", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("index")));
    let (s, e) = call(&app, "GET", "/api/v1/ledger/access/entries?start=0&end=5000", None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("end")));
}
