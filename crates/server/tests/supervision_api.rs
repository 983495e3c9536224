//! The supervision API over HTTP: a review period runs out on the manual clock, the sweep raises a
//! warning and then an alarm with an overrun finding; alerts, findings, notifications, the per-case
//! view, the dashboard and the report (JSON and CSV) are read by each organization; findings and
//! notifications are acknowledged — and refused to the wrong organization or role.

mod support;
use support::PASSWORD;
use support::at;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::Role;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use store::{Durability, ManualClock};
use tower::ServiceExt;

struct World {
    app: axum::Router,
    clock: Arc<ManualClock>,
    _tmp: tempfile::TempDir,
}

async fn world() -> World {
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let (store, tmp) = support::world(
        clock.clone(),
        support::Options { durability: Durability::Bulk, district_committees: true },
        &[
            ("officer", "d1-police", Role::Officer),
            ("officer2", "d2-police", Role::Officer),
            ("prosecutor", "d1-proc", Role::Prosecutor),
            ("proc-leader", "d1-proc", Role::Leader),
            ("proc2-leader", "d2-proc", Role::Leader),
            ("supervisor", "city-committee", Role::Supervisor),
            ("d1-supervisor", "d1-committee", Role::Supervisor),
        ],
    )
    .await;
    let app = server::router(server::AppState::new(store));
    World { app, clock, _tmp: tmp }
}

impl World {
    /// The raw response: status, content type, body bytes. `user` logs in afresh every call
    /// (simulated time runs past a session's lifetime).
    async fn send(&self, method: &str, path: &str, user: Option<&str>, body: Option<Value>) -> (StatusCode, String, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(u) = user {
            let t = self.token(u).await;
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, ct, bytes)
    }

    async fn call(&self, method: &str, path: &str, user: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let (s, _, b) = Box::pin(self.send(method, path, user, body)).await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, user: &str) -> Value {
        let (s, v) = self.call("GET", path, Some(user), None).await;
        assert_eq!(s, StatusCode::OK, "GET {path} as {user}: {v}");
        v
    }

    async fn token(&self, user: &str) -> String {
        let req = Request::post("/api/v1/session")
            .header("content-type", "application/json")
            .body(Body::from(json!({"username": user, "password": PASSWORD}).to_string()))
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let s = res.status();
        let v: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap_or(Value::Null);
        assert_eq!(s, StatusCode::OK, "login {user}: {v}");
        v["token"].as_str().unwrap().to_string()
    }

    async fn act(&self, when: &str, user: &str, case: &str, action: Value) {
        self.clock.set(at(when));
        let (s, v) = self.call("POST", &format!("/api/v1/cases/{case}/actions"), Some(user), Some(json!({ "action": action }))).await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
    }

    /// Registered, detained, interrogated, released on bail, transferred on 2025-09-03: the
    /// review period's last day is 2025-10-09 (after the National Day holiday).
    async fn case_in_review(&self) -> String {
        self.clock.set(at("2025-09-01 09:00"));
        let (s, v) = self
            .call(
                "POST",
                "/api/v1/cases",
                Some("officer"),
                Some(json!({"action": {"type": "register", "title": "张三盗窃案", "facts": "盗窃电动车一辆。", "charges": ["盗窃"], "persons": [{"name": "张三"}]}})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["case"]["case"]["id"].as_str().unwrap().to_string();
        self.act("2025-09-01 10:00", "officer", &id, json!({"type": "detain", "person": 1})).await;
        self.act("2025-09-01 12:00", "officer", &id, json!({"type": "interrogate", "person": 1})).await;
        self.act("2025-09-02 10:00", "officer", &id, json!({"type": "release", "person": 1, "reason": "取保候审"})).await;
        self.act("2025-09-03 10:00", "officer", &id, json!({"type": "transfer_for_prosecution", "confession_and_acceptance": false})).await;
        id
    }

    async fn sweep(&self, when: &str) -> Value {
        self.clock.set(at(when));
        let (s, v) = self.call("POST", "/api/v1/supervision/sweep", Some("supervisor"), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["sweep"].clone()
    }
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("no {key} in {v}"))
}

#[tokio::test]
async fn a_review_period_runs_out_warned_alarmed_found_and_acknowledged() {
    let w = world().await;
    let id = w.case_in_review().await;

    // Only the committee (or an administrator) may run the sweep.
    w.clock.set(at("2025-09-26 10:00"));
    let (s, _) = w.call("POST", "/api/v1/supervision/sweep", Some("officer"), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = w.call("POST", "/api/v1/supervision/sweep", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Four working days before the last day: quiet.
    assert_eq!(w.sweep("2025-09-26 10:00").await["new_alerts"], 0);
    // Three working days before: a warning to the procuratorate.
    assert_eq!(w.sweep("2025-09-29 10:00").await["new_alerts"], 1);
    let alerts = w.get("/api/v1/supervision/alerts", "proc-leader").await;
    let a = &list(&alerts, "alerts")[0];
    assert_eq!((a["level"].as_str(), a["org"].as_str(), a["case_id"].as_str()), (Some("warning"), Some("d1-proc"), Some(id.as_str())));
    assert_eq!(a["last_day"], "2025-10-09");
    assert!(a["basis"].as_str().unwrap().contains("第一百七十二条"), "{a}");
    // The police see none of the procuratorate's alerts; another district's procuratorate neither.
    assert!(list(&w.get("/api/v1/supervision/alerts", "officer").await, "alerts").is_empty());
    assert!(list(&w.get("/api/v1/supervision/alerts", "proc2-leader").await, "alerts").is_empty());
    // An agency cannot widen its scope with `org`.
    assert!(list(&w.get("/api/v1/supervision/alerts?org=d1-proc", "officer").await, "alerts").is_empty());
    // Filters are checked.
    let (s, v) = w.call("GET", "/api/v1/supervision/alerts?kind=fire", Some("supervisor"), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "kind");
    let (s, _) = w.call("GET", "/api/v1/supervision/findings?kind=nonsense", Some("supervisor"), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = w.call("GET", "/api/v1/supervision/alerts?limit=0", Some("supervisor"), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The same warning is not raised twice.
    assert_eq!(w.sweep("2025-09-30 10:00").await["new_alerts"], 0);
    // Past the last day: an alarm and an overrun finding.
    let s = w.sweep("2025-10-10 09:00").await;
    assert_eq!(s["new_alerts"], 1, "{s}");
    assert!(s["new_findings"].as_u64().unwrap() >= 1, "{s}");
    let alarms = w.get("/api/v1/supervision/alerts?kind=alarm", "supervisor").await;
    assert_eq!(list(&alarms, "alerts").len(), 1, "{alarms}");
    assert_eq!(list(&alarms, "alerts")[0]["org"], "d1-proc");
    // The cursor: nothing after the last id.
    let last = alarms["next_after"].as_i64().unwrap();
    assert!(list(&w.get(&format!("/api/v1/supervision/alerts?after={last}"), "supervisor").await, "alerts").is_empty());

    // The dashboard: the committee sees the alarm; the police see nothing of it.
    let d = w.get("/api/v1/supervision/dashboard", "supervisor").await;
    assert_eq!(d["alarms"], 1, "{d}");
    assert!(d["open_findings"].as_u64().unwrap() >= 1, "{d}");
    let overrun_open = d["open_findings_by_rule"].as_array().unwrap().iter().find(|r| r["rule"] == "deadline_overrun").unwrap()["open"].as_u64().unwrap();
    assert_eq!(overrun_open, 1, "{d}");
    let d = w.get("/api/v1/supervision/dashboard", "officer").await;
    assert_eq!((d["alarms"].as_u64(), d["warnings"].as_u64(), d["open_findings"].as_u64()), (Some(0), Some(0), Some(0)), "{d}");

    // Findings: the overrun, the procuratorate's.
    let fs = w.get("/api/v1/supervision/findings?kind=deadline_overrun", "prosecutor").await;
    let f = list(&fs, "findings")[0].clone();
    assert_eq!((f["org"].as_str(), f["case_id"].as_str(), f["acknowledged"].as_bool()), (Some("d1-proc"), Some(id.as_str()), Some(false)), "{f}");
    assert!(list(&w.get("/api/v1/supervision/findings", "officer").await, "findings").is_empty());
    let fid = f["id"].as_i64().unwrap();
    let ack = format!("/api/v1/supervision/findings/{fid}/acknowledge");
    let reason = json!({"reason": "已督促承办检察官当日作出决定"});
    // Refused: another organization (as if it did not exist), a prosecutor who is not a leader,
    // an empty reason, an unknown field, nobody signed in.
    let (s, v) = w.call("POST", &ack, Some("officer"), Some(reason.clone())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = w.call("POST", &ack, Some("proc2-leader"), Some(reason.clone())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = w.call("POST", &ack, Some("prosecutor"), Some(reason.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = w.call("POST", &ack, Some("proc-leader"), Some(json!({"reason": "   "}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "reason");
    let (s, _) = w.call("POST", &ack, Some("proc-leader"), Some(json!({"reason": "x", "extra": 1}))).await;
    assert!(s.is_client_error(), "{s}");
    let (s, _) = w.call("POST", &ack, None, Some(reason.clone())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = w.call("POST", "/api/v1/supervision/findings/999999/acknowledge", Some("supervisor"), Some(reason.clone())).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The responsible organization's leader signs it; it stays listed, as acknowledged.
    let (s, v) = w.call("POST", &ack, Some("proc-leader"), Some(reason.clone())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["finding"]["acknowledged"], true);
    assert_eq!(v["finding"]["acknowledged_by"], "proc-leader");
    assert_eq!(v["finding"]["acknowledgement"], "已督促承办检察官当日作出决定");
    // Not twice.
    let (s, v) = w.call("POST", &ack, Some("supervisor"), Some(reason.clone())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let all = w.get("/api/v1/supervision/findings?kind=deadline_overrun", "supervisor").await;
    assert_eq!(list(&all, "findings").len(), 1);
    assert!(list(&w.get("/api/v1/supervision/findings?kind=deadline_overrun&acknowledged=false", "supervisor").await, "findings").is_empty());
    // A sweep does not raise it again.
    w.sweep("2025-10-11 09:00").await;
    assert_eq!(list(&w.get("/api/v1/supervision/findings?kind=deadline_overrun", "supervisor").await, "findings").len(), 1);

    // The per-case view, within the gate.
    let c = w.get(&format!("/api/v1/supervision/cases/{id}"), "prosecutor").await;
    assert_eq!(c["case_id"], id.as_str());
    assert!(!list(&c, "alerts").is_empty() && !list(&c, "findings").is_empty(), "{c}");
    assert!(list(&c, "live").iter().any(|a| a["level"] == "alarm"), "{c}");
    let (s, _) = w.call("GET", &format!("/api/v1/supervision/cases/{id}"), Some("officer2"), None).await;
    assert!(s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN, "another district's police: {s}");
    let (s, _) = w.call("GET", "/api/v1/supervision/cases/LB-2099-999999", Some("supervisor"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn notifications_are_signed_by_their_addressee_only() {
    let w = world().await;
    let _id = w.case_in_review().await;
    w.sweep("2025-09-29 10:00").await;
    // The warning went to the procuratorate's leadership and the district committee.
    let all = w.get("/api/v1/supervision/notifications", "supervisor").await;
    let to: Vec<(&str, &str)> = list(&all, "notifications").iter().map(|n| (n["org"].as_str().unwrap(), n["audience"].as_str().unwrap())).collect();
    assert_eq!(to, vec![("d1-proc", "leadership"), ("d1-committee", "committee")]);
    let proc_note = list(&all, "notifications")[0]["id"].as_i64().unwrap();
    let committee_note = list(&all, "notifications")[1]["id"].as_i64().unwrap();
    // Each organization reads its own.
    let mine = w.get("/api/v1/supervision/notifications", "prosecutor").await;
    assert_eq!(list(&mine, "notifications").iter().map(|n| n["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![proc_note]);
    assert!(list(&w.get("/api/v1/supervision/notifications", "officer").await, "notifications").is_empty());
    assert_eq!(w.get("/api/v1/supervision/dashboard", "prosecutor").await["unacknowledged_notifications"], 1);

    let ack = |id: i64| format!("/api/v1/supervision/notifications/{id}/acknowledge");
    // Another organization cannot sign it — not even the city committee for the district's.
    for (user, id) in [("officer", proc_note), ("proc2-leader", proc_note), ("supervisor", committee_note), ("prosecutor", committee_note)] {
        let (s, v) = w.call("POST", &ack(id), Some(user), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{user} signing {id}: {v}");
    }
    let (s, v) = w.call("POST", &ack(proc_note), Some("prosecutor"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["notification"]["acknowledged_by"], "prosecutor");
    assert!(v["notification"]["acknowledged_at"].is_string());
    // Signing again changes nothing: the first signature stands.
    let (s, v) = w.call("POST", &ack(proc_note), Some("proc-leader"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["notification"]["acknowledged_by"], "prosecutor");
    assert_eq!(w.get("/api/v1/supervision/dashboard", "prosecutor").await["unacknowledged_notifications"], 0);
    let open = w.get("/api/v1/supervision/notifications?acknowledged=false", "supervisor").await;
    assert_eq!(list(&open, "notifications").iter().map(|n| n["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![committee_note]);

    // The committee's own, left unsigned, escalates to a finding after the configured hours.
    let s = w.sweep("2025-09-30 10:00").await;
    assert_eq!(s["escalated_notifications"], 1, "{s}");
    let fs = w.get("/api/v1/supervision/findings?kind=notification_unacknowledged", "supervisor").await;
    assert_eq!(list(&fs, "findings").len(), 1);
    assert_eq!(list(&fs, "findings")[0]["org"], "d1-committee");
    // The district committee signs its notification.
    let (s, v) = w.call("POST", &ack(committee_note), Some("d1-supervisor"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The cursor: only newer notifications after the last seen id.
    let newer = w.get(&format!("/api/v1/supervision/notifications?after={committee_note}"), "supervisor").await;
    assert!(list(&newer, "notifications").iter().all(|n| n["id"].as_i64().unwrap() > committee_note));

    // The catalogue of rules names its articles.
    let rules = w.get("/api/v1/supervision/rules", "officer").await;
    let third = list(&rules, "rules").iter().find(|r| r["rule"] == "third_return").unwrap();
    assert!(third["citations"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().contains("第一百七十五条")), "{third}");
}

#[tokio::test]
async fn the_report_as_json_and_csv_per_organization() {
    let w = world().await;
    let _id = w.case_in_review().await;
    w.sweep("2025-09-29 10:00").await;
    w.sweep("2025-10-10 09:00").await;
    let r = w.get("/api/v1/supervision/report?from=2025-09-01&to=2025-10-31", "supervisor").await;
    let rep = &r["report"];
    assert!(rep["scope"]["org"].is_null(), "{rep}");
    assert!(rep["cases_handled"].as_u64().unwrap() >= 1, "{rep}");
    let overrun = |rep: &Value| rep["irregularities"].as_array().unwrap().iter().find(|p| p[0] == "deadline_overrun").map_or(0, |p| p[1].as_u64().unwrap());
    assert_eq!(overrun(rep), 1, "{rep}");
    // The committee narrows to one organization; an agency always gets its own.
    let r = w.get("/api/v1/supervision/report?from=2025-09-01&to=2025-10-31&org=d1-proc", "supervisor").await;
    assert_eq!(r["report"]["scope"]["org"], "d1-proc");
    assert_eq!(overrun(&r["report"]), 1);
    let r = w.get("/api/v1/supervision/report?from=2025-09-01&to=2025-10-31&org=d1-proc", "officer").await;
    assert_eq!(r["report"]["scope"]["org"], "d1-police");
    assert_eq!(overrun(&r["report"]), 0);
    // A period before the overrun has none.
    let r = w.get("/api/v1/supervision/report?from=2025-09-01&to=2025-09-30", "supervisor").await;
    assert_eq!(overrun(&r["report"]), 0);

    // CSV: a download with a header row and the same figures.
    let (s, ct, body) = w.send("GET", "/api/v1/supervision/report?from=2025-09-01&to=2025-10-31&format=csv", Some("supervisor"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let csv = String::from_utf8(body).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("org,from,to,section,key,label,value"));
    let row = csv.lines().find(|l| l.contains(",irregularity,deadline_overrun,")).unwrap_or_else(|| panic!("{csv}"));
    assert!(row.starts_with("all,") && row.ends_with(",1"), "{row}");
    assert!(csv.contains(",summary,cases_handled,"), "{csv}");

    // Refusals: bad dates, an unknown organization, an unknown format, nobody signed in.
    for q in ["from=2025-10-31&to=2025-09-01", "from=2015-01-01&to=2025-12-31", "from=2025-09-01&to=2025-10-31&org=nowhere", "from=2025-09-01&to=2025-10-31&format=xlsx"] {
        let (s, v) = w.call("GET", &format!("/api/v1/supervision/report?{q}"), Some("supervisor"), None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
    }
    let (s, _) = w.call("GET", "/api/v1/supervision/report?from=2025-09-01", Some("supervisor"), None).await;
    assert!(s.is_client_error(), "missing `to`: {s}");
    let (s, _) = w.call("GET", "/api/v1/supervision/report?from=2025-09-01&to=2025-10-31", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
