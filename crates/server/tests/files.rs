//! Case files over HTTP: streaming upload past the JSON body limit, the read gate and frozen
//! manifests, range requests, integrity failures, resumable uploads, sealed documents and public
//! seal verification.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use domain::action::PersonInput;
use domain::{Action, AgencyKind, Level, Organization, Role, User};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use store::{Command, Durability, ManualClock, Store};
use tower::ServiceExt;

fn at(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    domain::period::china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

struct World {
    app: axum::Router,
    store: Store,
    case: String,
    tmp: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at("2026-11-02 09:00")));
    let store = Store::open(&tmp.path().join("lianban.db"), Durability::Full, clock.clone()).await.unwrap();
    for (kind, code) in [(AgencyKind::Committee, "committee"), (AgencyKind::Police, "police"), (AgencyKind::Procuratorate, "proc"), (AgencyKind::Court, "court")] {
        store.put_organization(&Organization { id: format!("city-{code}"), name: format!("市{}", kind.label()), kind, level: Level::City, jurisdiction: "99".into(), parent: None }).await.unwrap();
        for d in ["d1", "d2"] {
            if kind != AgencyKind::Committee {
                store.put_organization(&Organization { id: format!("{d}-{code}"), name: format!("{d}{}", kind.label()), kind, level: Level::County, jurisdiction: format!("99{d}"), parent: Some(format!("city-{code}")) }).await.unwrap();
            }
        }
    }
    for (id, org, role) in [("officer", "d1-police", Role::Officer), ("officer2", "d2-police", Role::Officer), ("prosecutor", "d1-proc", Role::Prosecutor), ("judge", "d1-court", Role::Judge), ("supervisor", "city-committee", Role::Supervisor)] {
        store.put_user(&User { id: id.into(), username: id.into(), name: format!("{id}的姓名"), org: org.into(), role, active: true }, None).await.unwrap();
        // Sessions straight in the store: these tests are about files, not logging in.
        store.create_session(&server::auth::token_hash(&format!("token-{id}")), id, chrono::Duration::days(365)).await.unwrap();
    }
    let reg = Action::Register { title: "王五盗窃案".into(), facts: "王五盗窃电动车一辆。".into(), charges: vec!["盗窃".into()], persons: vec![PersonInput { name: "王五".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }] };
    let case = store.submit(Command::new("officer", None, reg)).await.unwrap().state.id;
    for (t, action) in [("2026-11-02 10:00", Action::Detain { person: 1 }), ("2026-11-02 11:00", Action::Interrogate { person: 1 }), ("2026-11-04 09:00", Action::RequestArrest { person: 1 })] {
        clock.set(at(t));
        store.submit(Command::new("officer", Some(&case), action)).await.unwrap();
    }
    let app = server::router(server::AppState::new(store.clone()));
    World { app, store, case, tmp }
}

impl World {
    async fn send(&self, method: &str, path: &str, user: Option<&str>, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(u) = user {
            req = req.header("authorization", format!("Bearer token-{u}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self.app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = match res.into_body().collect().await {
            Ok(b) => b.to_bytes().to_vec(),
            Err(_) => b"<aborted>".to_vec(),
        };
        Reply { status, headers, bytes }
    }

    async fn json(&self, method: &str, path: &str, user: Option<&str>, body: Value) -> Reply {
        self.send(method, path, user, &[("content-type", "application/json")], body.to_string().into_bytes()).await
    }

    async fn upload(&self, user: &str, title: &str, data: &[u8]) -> Reply {
        let path = format!("/api/v1/cases/{}/files?title={}&pages=12&person=1", self.case, urlencode(title));
        self.send("POST", &path, Some(user), &[("content-type", "application/pdf")], data.to_vec()).await
    }
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn content(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 13 % 251) as u8).collect()
}

#[tokio::test]
async fn upload_read_gate_manifest_ranges_and_integrity() {
    let w = world().await;
    // 2.5 MiB: well past the JSON API's 1 MiB limit.
    let data = content(5 * 512 * 1024 + 3);
    let r = w.upload("officer", "现场勘验笔录", &data).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&r.bytes));
    let f = r.json();
    let fid = f["id"].as_str().unwrap().to_string();
    assert_eq!(f["size"], data.len() as u64);
    assert_eq!(f["pages"], 12);
    assert_eq!(f["category"], "pdf");
    assert_eq!(f["sha256"], hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data)));

    // Bad metadata names the field; an outsider cannot upload to the case.
    let r = w.send("POST", &format!("/api/v1/cases/{}/files?title=x&person=7", w.case), Some("officer"), &[], b"abc".to_vec()).await;
    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("person")));
    let r = w.send("POST", &format!("/api/v1/cases/{}/files?pages=1", w.case), Some("officer"), &[], b"abc".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.upload("officer2", "x", b"abc").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(w.send("GET", &format!("/api/v1/files/{fid}/content"), None, &[], vec![]).await.status == StatusCode::UNAUTHORIZED);

    // The procuratorate takes part in the case but has not received the item.
    let content_path = format!("/api/v1/files/{fid}/content");
    assert_eq!(w.send("GET", &content_path, Some("prosecutor"), &[], vec![]).await.status, StatusCode::NOT_FOUND);
    let r = w.json("GET", &format!("/api/v1/cases/{}/files", w.case), Some("prosecutor"), json!(null)).await;
    assert_eq!(r.json()["files"].as_array().unwrap().len(), 0);
    // Another district's police never see it; nor does the committee, which supervises progress
    // and deadlines but does not read the police's file (the gate's read_police_file).
    assert_eq!(w.send("GET", &content_path, Some("officer2"), &[], vec![]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.send("GET", &content_path, Some("supervisor"), &[], vec![]).await.status, StatusCode::NOT_FOUND);

    // The police freeze a manifest for the procuratorate: now it reads exactly that item.
    let r = w.json("POST", &format!("/api/v1/cases/{}/manifests", w.case), Some("officer"), json!({ "to_org": "d1-proc", "event_seq": 4, "files": [fid] })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let mid = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(w.json("GET", &format!("/api/v1/manifests/{mid}"), Some("prosecutor"), json!(null)).await.json()["hash"], r.json()["hash"]);
    let r = w.send("GET", &content_path, Some("prosecutor"), &[], vec![]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, data);
    assert_eq!(r.headers["accept-ranges"], "bytes");
    assert_eq!(r.headers["content-type"], "application/pdf");
    // Ranges, as a browser's PDF viewer asks for them.
    let r = w.send("GET", &content_path, Some("prosecutor"), &[("range", "bytes=1048570-1048590")], vec![]).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.bytes, &data[1048570..1048591]);
    assert_eq!(r.headers["content-range"], format!("bytes 1048570-1048590/{}", data.len()));
    let r = w.send("GET", &content_path, Some("prosecutor"), &[("range", "bytes=-10")], vec![]).await;
    assert_eq!(r.bytes, &data[data.len() - 10..]);
    let r = w.send("GET", &content_path, Some("prosecutor"), &[("range", format!("bytes={}-", data.len()).as_str())], vec![]).await;
    assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE);

    // Every download is in the files trace, with who and which bytes.
    let log = w.json("GET", &format!("/api/v1/cases/{}/files-log", w.case), Some("prosecutor"), json!(null)).await.json();
    let downloads: Vec<&Value> = log["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "file_downloaded").collect();
    assert_eq!(downloads.len(), 3, "full read, two ranges (the refused reads and range are not downloads)");
    assert!(downloads.iter().any(|e| e["actor_user"] == "prosecutor" && e["detail"]["range"] == json!([1048570, 1048591])));

    // Corrupt the stored content: a clean error, never the bytes.
    let sha = f["sha256"].as_str().unwrap();
    let blob = w.tmp.path().join("blobs").join(&sha[..2]).join(&sha[2..4]).join(sha);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&blob, &bytes).unwrap();
    let r = w.send("GET", &content_path, Some("prosecutor"), &[], vec![]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.json()["error"]["code"], "integrity");
    // Corruption in a later block aborts the stream instead of serving it.
    bytes[10] ^= 1;
    bytes[2 * 1024 * 1024 + 1] ^= 1;
    std::fs::write(&blob, &bytes).unwrap();
    let r = w.send("GET", &content_path, Some("prosecutor"), &[], vec![]).await;
    assert_ne!(r.bytes, data);
    assert!(r.bytes.len() < data.len());

    // Only a court may order content removed.
    let r = w.json("POST", &format!("/api/v1/files/{fid}/purge"), Some("officer"), json!({ "order": "x" })).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn resumable_upload_and_corrections() {
    let w = world().await;
    let data = content(1_500_000);
    let r = w.json("POST", &format!("/api/v1/cases/{}/uploads", w.case), Some("officer"), json!({ "title": "询问录像", "media_type": "video/mp4", "size": data.len() })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let uid = r.json()["id"].as_str().unwrap().to_string();
    let r = w.send("PUT", &format!("/api/v1/uploads/{uid}?offset=0"), Some("officer"), &[], data[..1_000_000].to_vec()).await;
    assert_eq!(r.json()["received"], 1_000_000, "{}", r.json());
    // A retried chunk at a stale offset: 409 naming the offset to resume from.
    let r = w.send("PUT", &format!("/api/v1/uploads/{uid}?offset=0"), Some("officer"), &[], data[..10].to_vec()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["field"], "offset");
    assert_eq!(w.json("GET", &format!("/api/v1/uploads/{uid}"), Some("officer"), json!(null)).await.json()["received"], 1_000_000);
    assert_eq!(w.json("GET", &format!("/api/v1/uploads/{uid}"), Some("prosecutor"), json!(null)).await.status, StatusCode::NOT_FOUND);
    w.send("PUT", &format!("/api/v1/uploads/{uid}?offset=1000000"), Some("officer"), &[], data[1_000_000..].to_vec()).await;
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data));
    let r = w.json("POST", &format!("/api/v1/uploads/{uid}/complete"), Some("officer"), json!({ "sha256": sha })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let f = r.json();
    assert_eq!(f["category"], "video");
    let fid = f["id"].as_str().unwrap();
    assert_eq!(w.send("GET", &format!("/api/v1/files/{fid}/content"), Some("officer"), &[], vec![]).await.bytes, data);

    // A correction: a new version with its reason, the original still readable.
    let r = w.send("POST", &format!("/api/v1/files/{fid}/versions?reason={}", urlencode("补录片段")), Some("officer"), &[("content-type", "video/mp4")], b"v2".to_vec()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    assert_eq!(r.json()["version"], 2);
    let info = w.json("GET", &format!("/api/v1/files/{fid}"), Some("officer"), json!(null)).await.json();
    assert_eq!(info["versions"].as_array().unwrap().len(), 2);
    assert_eq!(w.send("GET", &format!("/api/v1/files/{fid}/content"), Some("officer"), &[], vec![]).await.bytes, data);
    let r = w.send("POST", &format!("/api/v1/files/{fid}/versions?reason=%20"), Some("officer"), &[], b"v3".to_vec()).await;
    assert_eq!((r.status, r.json()["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));

    // Volumes: an ordered catalogue.
    let r = w.json("POST", &format!("/api/v1/cases/{}/volumes", w.case), Some("officer"), json!({ "title": "诉讼卷第一卷", "items": [fid] })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let vid = r.json()["id"].as_str().unwrap().to_string();
    let r = w.json("PUT", &format!("/api/v1/volumes/{vid}/items"), Some("prosecutor"), json!({ "items": [] })).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn documents_are_sealed_and_anyone_can_verify_them() {
    let w = world().await;
    let r = w.json("GET", &format!("/api/v1/cases/{}/documents", w.case), Some("prosecutor"), json!(null)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    let docs = r.json()["documents"].as_array().unwrap().clone();
    assert_eq!(docs.len(), w.store.case(&w.case).await.unwrap().unwrap().documents.len());
    let number = docs[0]["number"].as_str().unwrap().to_string();
    let r = w.send("GET", &format!("/api/v1/cases/{}/documents/{}", w.case, urlencode(&number)), Some("officer"), &[], vec![]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-disposition"].to_str().unwrap().contains(".seal.json"));
    let sealed = r.json();
    assert_eq!(sealed["document"]["org"], "d1-police");

    // Public verification: no login needed.
    let v = w.json("POST", "/api/v1/seals/verify", None, sealed.clone()).await.json();
    assert_eq!((v["valid"].as_bool(), v["key_registered"].as_bool()), (Some(true), Some(true)), "{v}");
    let mut forged = sealed.clone();
    forged["content"] = json!("伪造的内容");
    let v = w.json("POST", "/api/v1/seals/verify", None, forged).await.json();
    assert_eq!(v["valid"], false);
    let keys = w.json("GET", "/api/v1/seal-keys", None, json!(null)).await.json();
    assert_eq!(keys["keys"][0]["fingerprint"], sealed["seal"]["key_fingerprint"]);

    // Outsiders cannot read the documents; corrections are new versions by the issuer.
    assert_eq!(w.json("GET", &format!("/api/v1/cases/{}/documents", w.case), Some("officer2"), json!(null)).await.status, StatusCode::NOT_FOUND);
    let path = format!("/api/v1/cases/{}/documents/{}/versions", w.case, urlencode(&number));
    assert_eq!(w.json("POST", &path, Some("prosecutor"), json!({ "reason": "r", "content": "c" })).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.json("POST", &path, Some("officer"), json!({ "reason": "文书日期笔误", "content": "更正后的立案决定书" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    assert_eq!(r.json()["version"], 2);
    let r = w.send("GET", &format!("/api/v1/cases/{}/documents/{}?version=1", w.case, urlencode(&number)), Some("officer"), &[], vec![]).await;
    assert_eq!(r.json(), sealed);
}
