//! The event feed over HTTP: a long-poll consumer killed mid-stream resumes from its acknowledged
//! cursor and ends with every event it may see exactly once; another district's agency never
//! receives a case's events; a long-poll wakes when an event arrives; consumers show their lag.

mod support;
use support::PASSWORD;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::Role;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use store::{Durability, Store, SystemClock};
use tower::ServiceExt;

pub struct World {
    pub app: axum::Router,
    pub store: Store,
    tokens: std::sync::Mutex<BTreeMap<String, String>>,
    _tmp: tempfile::TempDir,
}

pub async fn world() -> World {
    let (store, tmp) = support::world(
        Arc::new(SystemClock),
        support::Options { durability: Durability::Bulk, district_committees: true },
        &[("officer", "d1-police", Role::Officer), ("officer2", "d2-police", Role::Officer), ("proc2", "d2-proc", Role::Prosecutor), ("admin", "city-committee", Role::Admin), ("supervisor", "city-committee", Role::Supervisor)],
    )
    .await;
    let app = server::router(server::AppState::new(store.clone()));
    World { app, store, tokens: Default::default(), _tmp: tmp }
}

impl World {
    pub async fn call(&self, method: &str, path: &str, user: &str, body: Option<Value>) -> (StatusCode, Value) {
        let t = self.token(user).await;
        let req = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {t}"));
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let res = self.app.clone().oneshot(req).await.unwrap();
        let s = res.status();
        (s, serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, user: &str) -> Value {
        let (s, v) = self.call("GET", path, user, None).await;
        assert_eq!(s, StatusCode::OK, "GET {path} as {user}: {v}");
        v
    }

    async fn token(&self, user: &str) -> String {
        if user.starts_with("lbt_") {
            return user.to_string();
        }
        if let Some(t) = self.tokens.lock().unwrap().get(user) {
            return t.clone();
        }
        let req = Request::post("/api/v1/session")
            .header("content-type", "application/json")
            .body(Body::from(json!({"username": user, "password": PASSWORD}).to_string()))
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let v: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
        let t = v["token"].as_str().unwrap_or_else(|| panic!("login {user}: {v}")).to_string();
        self.tokens.lock().unwrap().insert(user.into(), t.clone());
        t
    }

    /// Registers a case and detains, interrogates and releases its suspect: four events.
    pub async fn case(&self, user: &str, title: &str) -> String {
        let (s, v) = self
            .call("POST", "/api/v1/cases", user, Some(json!({"action": {"type": "register", "title": title, "facts": "盗窃电动车一辆，嫌疑人身份证11010519491231002X，住临江市江北区滨江路88号。", "charges": ["盗窃"], "persons": [{"name": "张三", "id_card": "11010519491231002X", "phone": "0571-87654321", "address": "临江市江北区滨江路88号"}]}})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["case"]["case"]["id"].as_str().unwrap().to_string();
        for a in [json!({"type": "detain", "person": 1}), json!({"type": "interrogate", "person": 1}), json!({"type": "release", "person": 1, "reason": "取保候审"})] {
            let (s, v) = self.call("POST", &format!("/api/v1/cases/{id}/actions"), user, Some(json!({ "action": a }))).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        id
    }
}

fn events(v: &Value) -> &Vec<Value> {
    v["events"].as_array().unwrap_or_else(|| panic!("no events in {v}"))
}

#[tokio::test]
async fn a_killed_consumer_resumes_from_its_ack_with_every_event_exactly_once() {
    let w = world().await;
    let mut mine = Vec::new();
    let mut theirs = Vec::new();
    for i in 0..3 {
        mine.push(w.case("officer", &format!("甲区案{i}")).await);
        theirs.push(w.case("officer2", &format!("乙区案{i}")).await);
    }

    // The consumer processes a page and acknowledges it; at the fourth page it is killed after
    // receiving the page but before processing it. The restarted consumer asks where it was.
    let mut processed: Vec<(u64, String, u64)> = Vec::new();
    let mut pages = 0;
    let mut killed = false;
    loop {
        let consumers = w.get("/api/v1/feed/consumers", "officer").await;
        let cursor = consumers["consumers"].as_array().unwrap().iter().find(|c| c["consumer"] == "d1-rms").map(|c| c["position"].as_u64().unwrap()).unwrap_or(0);
        let page = w.get(&format!("/api/v1/feed?after={cursor}&limit=3"), "officer").await;
        pages += 1;
        if pages == 4 && !killed {
            killed = true;
            assert!(!events(&page).is_empty());
            continue; // killed: the page is lost, nothing acknowledged
        }
        for e in events(&page) {
            processed.push((e["position"].as_u64().unwrap(), e["case_id"].as_str().unwrap().to_string(), e["seq"].as_u64().unwrap()));
        }
        // Acknowledged even when empty: the cursor moves past what the consumer may not see.
        let (s, v) = w.call("POST", "/api/v1/feed/ack", "officer", Some(json!({"consumer": "d1-rms", "position": page["next"]}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if events(&page).is_empty() {
            break;
        }
        assert!(pages < 50, "the feed does not end");
    }
    assert!(killed);
    // Exactly once, in trace order, and exactly the events of the district's own cases.
    let positions: Vec<u64> = processed.iter().map(|p| p.0).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(positions, sorted, "duplicated or out of order: {positions:?}");
    assert_eq!(processed.len(), mine.len() * 4);
    for id in &mine {
        let seqs: Vec<u64> = processed.iter().filter(|p| &p.1 == id).map(|p| p.2).collect();
        assert_eq!(seqs, vec![1, 2, 3, 4], "case {id}");
    }
    assert!(processed.iter().all(|p| !theirs.contains(&p.1)), "another district's events leaked");

    // Lag: none after the last ack; a new event makes it 1.
    let c = w.get("/api/v1/feed/consumers", "officer").await;
    assert_eq!(c["consumers"][0]["lag"], 0, "{c}");
    w.case("officer2", "乙区新案").await;
    let c = w.get("/api/v1/feed/consumers?threshold=3", "officer").await;
    assert_eq!(c["consumers"][0]["lag"], 4, "{c}");
    assert_eq!(c["consumers"][0]["lagging"], true, "{c}");
    // Other organizations do not see d1's consumers; a cursor never moves back or past the head.
    assert!(w.get("/api/v1/feed/consumers", "officer2").await["consumers"].as_array().unwrap().is_empty());
    let (s, v) = w.call("POST", "/api/v1/feed/ack", "officer", Some(json!({"consumer": "d1-rms", "position": 0}))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["consumer"]["position"], c["consumers"][0]["position"]);
    let (s, _) = w.call("POST", "/api/v1/feed/ack", "officer", Some(json!({"consumer": "d1-rms", "position": 10_000}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn another_district_never_receives_a_cases_events_and_personal_data_is_masked() {
    let w = world().await;
    let a = w.case("officer", "甲区案").await;
    let b = w.case("officer2", "乙区案").await;
    let d1 = w.get("/api/v1/feed?limit=1000", "officer").await;
    let d2 = w.get("/api/v1/feed?limit=1000", "officer2").await;
    let p2 = w.get("/api/v1/feed?limit=1000", "proc2").await;
    assert!(events(&d1).iter().all(|e| e["case_id"] == a.as_str()), "{d1}");
    assert!(events(&d2).iter().all(|e| e["case_id"] == b.as_str()), "{d2}");
    assert_eq!(events(&d1).len(), 4);
    // The district's procuratorate has not taken part in the case yet: nothing.
    assert!(events(&p2).is_empty(), "{p2}");
    assert_eq!(d1["next"], d1["head"]);
    assert_eq!(p2["next"], p2["head"], "the cursor moves past what the caller may not see");
    // The handling police see the ID number unmasked.
    let reg = &events(&d1)[0];
    assert_eq!(reg["action"], "register");
    assert_eq!(reg["event"]["action"]["persons"][0]["id_card"], "11010519491231002X", "{reg}");
    assert_eq!(reg["event"]["action"]["persons"][0]["phone"], "0571-87654321", "{reg}");
    assert_eq!(reg["event"]["action"]["persons"][0]["address"], "临江市江北区滨江路88号", "{reg}");
    // The committee follows every case's progress, with personal data masked.
    let c = w.get("/api/v1/feed?limit=1000", "supervisor").await;
    assert_eq!(events(&c).len(), 8);
    let reg = &events(&c)[0];
    assert_eq!(reg["event"]["action"]["persons"][0]["id_card"], "110105********002X", "{reg}");
    assert!(!reg["event"]["action"]["facts"].as_str().unwrap().contains("11010519491231002X"), "{reg}");
    assert_eq!(reg["event"]["action"]["persons"][0]["phone"], "0571-****4321", "{reg}");
    assert_eq!(reg["event"]["action"]["persons"][0]["address"], "临江市江北区****", "{reg}");
    for leak in ["87654321", "滨江路"] {
        assert!(!c.to_string().contains(leak), "the feed leaks {leak}: {c}");
    }
    // Bad parameters.
    let (s, _) = w.call("GET", "/api/v1/feed?limit=0", "officer", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = w.call("GET", "/api/v1/feed?wait=3600", "officer", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_long_poll_wakes_when_an_event_arrives() {
    let w = Arc::new(world().await);
    w.case("officer", "甲区案").await;
    let head = w.get("/api/v1/feed", "officer").await["head"].as_u64().unwrap();
    let w2 = w.clone();
    let poll = tokio::spawn(async move { w2.get(&format!("/api/v1/feed?after={head}&wait=20"), "officer").await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!poll.is_finished(), "the long-poll returned before any event");
    // Another district's event does not wake it with anything; the officer's own does.
    w.case("officer2", "乙区案").await;
    let started = std::time::Instant::now();
    let id = w.case("officer", "甲区新案").await;
    let v = poll.await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(!events(&v).is_empty(), "{v}");
    assert!(events(&v).iter().all(|e| e["case_id"] == id.as_str()), "{v}");
    // An empty long-poll gives up after `wait` with the cursor at the head.
    let head = w.get("/api/v1/feed", "officer").await["head"].as_u64().unwrap();
    let v = w.get(&format!("/api/v1/feed?after={head}&wait=1"), "officer").await;
    assert!(events(&v).is_empty());
    assert_eq!(v["next"], head);
}

/// Reads server-sent events from a streaming body until `n` events arrived: (id, case id).
async fn sse_events(body: axum::body::Body, n: usize) -> Vec<(u64, String)> {
    let mut body = body;
    let mut text = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while out.len() < n {
        let frame = tokio::time::timeout_at(deadline, body.frame()).await.expect("server-sent events did not arrive in time").unwrap().unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
        }
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if !block.contains("event: case_event") {
                continue;
            }
            let id = block.lines().find_map(|l| l.strip_prefix("id: ")).unwrap().parse().unwrap();
            let data: Value = serde_json::from_str(block.lines().find_map(|l| l.strip_prefix("data: ")).unwrap()).unwrap();
            out.push((id, data["case_id"].as_str().unwrap().to_string()));
        }
    }
    out
}

#[tokio::test]
async fn server_sent_events_resume_from_last_event_id() {
    let w = world().await;
    let a = w.case("officer", "甲区案").await;
    w.case("officer2", "乙区案").await;
    let t = w.token("officer").await;
    let open = |last: Option<u64>| {
        let mut req = Request::get("/api/v1/feed/stream").header("authorization", format!("Bearer {t}"));
        if let Some(l) = last {
            req = req.header("last-event-id", l.to_string());
        }
        w.app.clone().oneshot(req.body(Body::empty()).unwrap())
    };
    let res = open(None).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    // The client drops the connection after two events and reconnects with the last id.
    let first = sse_events(res.into_body(), 2).await;
    let res = open(Some(first[1].0)).await.unwrap();
    let b = w.case("officer", "甲区新案").await;
    let rest = sse_events(res.into_body(), 6).await;
    let all: Vec<(u64, String)> = first.into_iter().chain(rest).collect();
    let ids: Vec<u64> = all.iter().map(|e| e.0).collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 9, 10, 11, 12], "each event once, in order, none of the other district's");
    assert!(all.iter().all(|e| e.1 == a || e.1 == b));
}

#[tokio::test]
async fn an_agency_system_follows_its_feed_with_an_api_token() {
    let w = world().await;
    w.case("officer", "甲区案").await;
    let b = w.case("officer2", "乙区案").await;
    let mut tokens = Vec::new();
    for scopes in [json!(["read", "act"]), json!(["read"])] {
        let (s, v) = w.call("POST", "/api/v1/admin/tokens", "admin", Some(json!({"name": "乙区公安执法办案系统", "org": "d2-police", "role": "officer", "scopes": scopes}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        tokens.push(v["token"].as_str().unwrap().to_string());
    }
    let page = w.get("/api/v1/feed", &tokens[0]).await;
    assert_eq!(events(&page).len(), 4);
    assert!(events(&page).iter().all(|e| e["case_id"] == b.as_str()), "{page}");
    let (s, v) = w.call("POST", "/api/v1/feed/ack", &tokens[0], Some(json!({"consumer": "d2-rms", "position": page["next"]}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["consumer"]["org"], "d2-police");
    // A read-only token reads the feed but cannot acknowledge (acknowledging writes).
    assert_eq!(events(&w.get("/api/v1/feed", &tokens[1]).await).len(), 4);
    let (s, _) = w.call("POST", "/api/v1/feed/ack", &tokens[1], Some(json!({"consumer": "d2-rms", "position": 0}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The officer of the same organization sees the system's consumer.
    let c = w.get("/api/v1/feed/consumers", "officer2").await;
    assert_eq!(c["consumers"][0]["consumer"], "d2-rms", "{c}");
    assert_eq!(c["consumers"][0]["lag"], 0, "{c}");
}
