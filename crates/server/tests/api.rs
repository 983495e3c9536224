//! The JSON API end to end: login, a case through every branch, refusals with their articles,
//! bad input, and what each agency may read.

mod support;
use support::PASSWORD;
use support::at;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::Role;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use store::{Durability, ManualClock};
use tower::ServiceExt;

struct World {
    app: axum::Router,
    store: store::Store,
    clock: Arc<ManualClock>,
    _tmp: tempfile::TempDir,
}

async fn world() -> World {
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let (store, tmp) = support::world(
        clock.clone(),
        support::Options { durability: Durability::Full, district_committees: false },
        &[
            ("officer", "d1-police", Role::Officer),
            ("officer2", "d2-police", Role::Officer),
            ("prosecutor", "d1-proc", Role::Prosecutor),
            ("prosecutor2", "d2-proc", Role::Prosecutor),
            ("city-prosecutor", "city-proc", Role::Prosecutor),
            ("judge", "d1-court", Role::Judge),
            ("clerk", "d1-court", Role::Clerk),
            ("city-judge", "city-court", Role::Judge),
            ("corrector", "d1-justice", Role::CorrectionOfficer),
            ("supervisor", "city-committee", Role::Supervisor),
        ],
    )
    .await;
    let app = server::router(server::AppState::new(store.clone()));
    World { app, store, clock, _tmp: tmp }
}

impl World {
    /// `user` logs in afresh for every call: simulated time runs past a session's lifetime.
    async fn call(&self, method: &str, path: &str, user: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
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
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, v)
    }

    async fn raw(&self, method: &str, path: &str, user: &str, body: &str) -> (StatusCode, Value) {
        let token = self.token(user).await;
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn token(&self, user: &str) -> String {
        let (s, v) = Box::pin(self.call("POST", "/api/v1/session", None, Some(json!({"username": user, "password": PASSWORD})))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_string()
    }

    /// Checks the user can log in; returns the name used to act as them.
    async fn login(&self, user: &str) -> String {
        self.token(user).await;
        user.to_string()
    }

    /// Performs an action at a local time; panics with the server's message if refused.
    async fn act(&self, when: &str, token: &str, case: &str, action: Value) -> Value {
        let (s, v) = self.try_act(when, token, case, action.clone()).await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
        v
    }

    async fn try_act(&self, when: &str, token: &str, case: &str, action: Value) -> (StatusCode, Value) {
        self.clock.set(at(when));
        self.call("POST", &format!("/api/v1/cases/{case}/actions"), Some(token), Some(json!({ "action": action }))).await
    }

    async fn register(&self, when: &str, token: &str, persons: usize) -> String {
        self.clock.set(at(when));
        let persons: Vec<Value> = (0..persons).map(|i| json!({"name": format!("嫌疑人{i}")})).collect();
        let (s, v) = self
            .call(
                "POST",
                "/api/v1/cases",
                Some(token),
                Some(json!({"action": {"type": "register", "title": "测试案", "facts": "某日某地盗窃财物。", "charges": ["盗窃"], "persons": persons}})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["case"]["case"]["id"].as_str().unwrap().to_string()
    }
}

fn stage(v: &Value) -> &str {
    v["case"]["case"]["stage"].as_str().unwrap()
}

fn convicted(sentence: Value) -> Value {
    json!([{ "person": 1, "verdict": { "kind": "convicted", "charges": ["盗窃"], "sentence": sentence } }])
}

#[tokio::test]
async fn a_case_through_the_whole_chain_to_community_correction() {
    let w = world().await;
    let (police, proc_, judge, clerk, corrector) = (
        w.login("officer").await,
        w.login("prosecutor").await,
        w.login("judge").await,
        w.login("clerk").await,
        w.login("corrector").await,
    );
    let id = w.register("2025-09-01 09:00", &police, 1).await;
    w.act("2025-09-01 10:00", &police, &id, json!({"type": "detain", "person": 1})).await;
    w.act("2025-09-01 15:00", &police, &id, json!({"type": "interrogate", "person": 1})).await;
    w.act("2025-09-02 09:00", &police, &id, json!({"type": "extend_arrest_request", "person": 1, "extension": {"kind": "special_days", "days": 2}})).await;
    let v = w.act("2025-09-05 09:00", &police, &id, json!({"type": "request_arrest", "person": 1})).await;
    // The request reached the paired procuratorate's inbox.
    let (_, inbox) = w.call("GET", "/api/v1/inbox", Some(&proc_), None).await;
    assert!(inbox["items"].as_array().unwrap().iter().any(|i| i["case"]["id"] == id.as_str() && i["task_kind"] == "arrest_review"), "{inbox}");
    // The arrest review deadline: seven days from 5 September → 12 September (custody).
    let review = v["case"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "arrest_review").unwrap().clone();
    assert_eq!(review["due"]["last_day"], "2025-09-12");
    assert_eq!(review["basis"], "依据《刑事诉讼法》第九十一条");
    w.act("2025-09-10 09:00", &proc_, &id, json!({"type": "approve_arrest", "person": 1})).await;
    let v = w.act("2025-10-20 09:00", &police, &id, json!({"type": "transfer_for_prosecution"})).await;
    assert_eq!(stage(&v), "prosecution_review");
    w.act("2025-10-25 09:00", &proc_, &id, json!({"type": "return_for_investigation", "reason": "补充被害人陈述"})).await;
    w.act("2025-11-10 09:00", &police, &id, json!({"type": "transfer_for_prosecution"})).await;
    w.act("2025-11-12 09:00", &proc_, &id, json!({"type": "return_for_investigation", "reason": "补充价格认定"})).await;
    let v = w.act("2025-11-20 09:00", &police, &id, json!({"type": "transfer_for_prosecution", "confession_and_acceptance": true})).await;
    // After a return the review period is counted anew (CPL 175); confession: ten days (CPL 172).
    let running: Vec<&Value> = v["case"]["deadlines"].as_array().unwrap().iter().filter(|d| d["kind"] == "prosecution_review" && d["running"] == true).collect();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0]["due"]["last_day"], "2025-11-30");
    // A third return is refused, citing CPL 175.
    let (s, err) = w.try_act("2025-11-21 09:00", &proc_, &id, json!({"type": "return_for_investigation", "reason": "再补充"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("二次为限"), "{err}");
    assert_eq!(err["error"]["citation"], "《刑事诉讼法》第一百七十五条");
    // Indicting with confession needs a sentencing proposal (CPL 176).
    let (s, err) = w.try_act("2025-11-24 09:00", &proc_, &id, json!({"type": "indict", "confession_and_acceptance": true})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["field"], "action.sentencing_proposal");
    w.act("2025-11-24 09:00", &proc_, &id, json!({"type": "indict", "confession_and_acceptance": true, "sentencing_proposal": "有期徒刑十个月，缓刑一年"})).await;
    w.act("2025-11-25 09:00", &judge, &id, json!({"type": "accept_trial", "procedure": "fast_track"})).await;
    w.act("2025-11-25 10:00", &clerk, &id, json!({"type": "schedule_hearing", "at": at("2025-11-28 09:30")})).await;
    w.act("2025-11-28 11:00", &judge, &id, json!({"type": "pronounce_judgment", "verdicts": convicted(json!({"kind": "probation", "months": 10, "probation_months": 12}))})).await;
    w.act("2025-11-28 15:00", &clerk, &id, json!({"type": "serve_judgment"})).await;
    // Before the ten-day window passes the judgment has not taken effect (CPL 230, 259).
    let (s, err) = w.try_act("2025-12-05 09:00", &clerk, &id, json!({"type": "take_effect"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"]["citation"], "《刑事诉讼法》第二百五十九条");
    w.act("2025-12-09 09:00", &clerk, &id, json!({"type": "take_effect"})).await;
    w.act("2025-12-10 09:00", &clerk, &id, json!({"type": "hand_over_for_community_correction", "person": 1})).await;
    let (_, inbox) = w.call("GET", "/api/v1/inbox", Some(&corrector), None).await;
    assert_eq!(inbox["items"][0]["task_kind"], "correction_report", "{inbox}");
    let v = w.act("2025-12-12 09:00", &corrector, &id, json!({"type": "record_correction_report", "person": 1})).await;
    assert_eq!(stage(&v), "execution");
    // The whole timeline is visible to every agency that took part.
    for t in [&police, &proc_, &judge, &corrector] {
        let (s, tl) = w.call("GET", &format!("/api/v1/cases/{id}/timeline"), Some(t), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(tl["timeline"].as_array().unwrap().len(), 19);
    }
}

#[tokio::test]
async fn refusal_reconsideration_review_non_prosecution_and_appeal() {
    let w = world().await;
    let (police, proc_, city_proc, judge, clerk, city_judge) = (
        w.login("officer").await,
        w.login("prosecutor").await,
        w.login("city-prosecutor").await,
        w.login("judge").await,
        w.login("clerk").await,
        w.login("city-judge").await,
    );
    // Refusal → reconsideration upheld → review by the higher procuratorate.
    let a = w.register("2025-09-24 09:00", &police, 2).await;
    w.act("2025-09-24 10:00", &police, &a, json!({"type": "detain", "person": 1})).await;
    let v = w.act("2025-09-24 11:00", &police, &a, json!({"type": "detain", "person": 2})).await;
    // The arrest request deadline is a custody period: three days, never extended by holidays.
    let d = v["case"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "arrest_request" && d["person"] == 2).unwrap().clone();
    assert_eq!(d["due"]["last_day"], "2025-09-27");
    let v = w.act("2025-09-24 15:00", &police, &a, json!({"type": "request_arrest", "person": 1})).await;
    // Seven days from 24 September, suspect in custody: 1 October, although it is National Day.
    let d = v["case"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "arrest_review").unwrap().clone();
    assert_eq!(d["due"]["last_day"], "2025-10-01");
    assert_eq!(d["custody"], true);
    let v = w.act("2025-09-30 09:00", &proc_, &a, json!({"type": "refuse_arrest", "person": 1, "reason": "证据不足"})).await;
    assert_eq!(v["case"]["case"]["persons"][0]["custody"]["status"], "released", "released at once (CPL 92)");
    w.act("2025-09-30 10:00", &police, &a, json!({"type": "request_reconsideration", "person": 1})).await;
    w.act("2025-10-09 09:00", &proc_, &a, json!({"type": "decide_reconsideration", "person": 1, "change": false})).await;
    w.act("2025-10-09 10:00", &police, &a, json!({"type": "request_review", "person": 1})).await;
    let (_, inbox) = w.call("GET", "/api/v1/inbox", Some(&city_proc), None).await;
    assert!(inbox["items"].as_array().unwrap().iter().any(|i| i["task_kind"] == "review"), "{inbox}");
    let v = w.act("2025-10-10 09:00", &city_proc, &a, json!({"type": "decide_review", "person": 1, "change": true})).await;
    assert_eq!(v["case"]["case"]["persons"][0]["custody"]["status"], "arrested");
    // Custody extension approved by the higher procuratorate only (CPL 156).
    let (s, err) = w.try_act("2025-11-20 09:00", &proc_, &a, json!({"type": "extend_custody", "person": 1, "basis": "art156"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{err}");
    w.act("2025-11-20 09:00", &city_proc, &a, json!({"type": "extend_custody", "person": 1, "basis": "art156"})).await;
    w.act("2025-12-01 09:00", &police, &a, json!({"type": "release", "person": 2, "reason": "取保候审"})).await;
    w.act("2025-12-20 09:00", &police, &a, json!({"type": "transfer_for_prosecution"})).await;
    let v = w.act("2026-01-10 09:00", &proc_, &a, json!({"type": "decide_non_prosecution", "basis": "discretionary", "reason": "犯罪情节轻微"})).await;
    assert_eq!(stage(&v), "closed");
    w.act("2026-01-12 09:00", &police, &a, json!({"type": "request_non_prosecution_reconsideration"})).await;
    let v = w.act("2026-01-15 09:00", &proc_, &a, json!({"type": "decide_non_prosecution_reconsideration", "revoke": false})).await;
    assert_eq!(stage(&v), "closed");

    // Ordinary procedure, appeal, second instance.
    let b = w.register("2025-09-01 09:00", &police, 1).await;
    w.act("2025-09-02 09:00", &police, &b, json!({"type": "transfer_for_prosecution"})).await;
    w.act("2025-09-20 09:00", &proc_, &b, json!({"type": "indict"})).await;
    w.act("2025-09-22 09:00", &judge, &b, json!({"type": "accept_trial", "procedure": "ordinary", "judge": "judge"})).await;
    // CPL 187: the indictment copy at least ten days before the hearing.
    let (s, err) = w.try_act("2025-09-22 10:00", &clerk, &b, json!({"type": "schedule_hearing", "at": at("2025-09-29 09:00")})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["citation"], "《刑事诉讼法》第一百八十七条");
    w.act("2025-09-22 10:00", &clerk, &b, json!({"type": "schedule_hearing", "at": at("2025-10-13 09:00")})).await;
    w.act("2025-10-13 16:00", &judge, &b, json!({"type": "pronounce_judgment", "verdicts": convicted(json!({"kind": "prison", "months": 18}))})).await;
    w.act("2025-10-14 09:00", &clerk, &b, json!({"type": "serve_judgment"})).await;
    let v = w.act("2025-10-20 09:00", &clerk, &b, json!({"type": "appeal", "person": 1})).await;
    assert_eq!(stage(&v), "second_instance");
    w.act("2025-10-23 09:00", &city_judge, &b, json!({"type": "accept_second_instance"})).await;
    let v = w.act("2025-11-20 09:00", &city_judge, &b, json!({"type": "decide_second_instance", "outcome": {"kind": "uphold"}})).await;
    assert_eq!(stage(&v), "awaiting_execution");
    let v = w.act("2025-11-25 09:00", &clerk, &b, json!({"type": "hand_over_for_execution", "person": 1})).await;
    assert_eq!(stage(&v), "execution");
}

#[tokio::test]
async fn wrong_agency_wrong_order_bad_input_and_the_read_gate() {
    let w = world().await;
    let police = w.login("officer").await;
    let police2 = w.login("officer2").await;
    let proc_ = w.login("prosecutor").await;
    let proc2 = w.login("prosecutor2").await;
    let supervisor = w.login("supervisor").await;
    let id = w.register("2025-09-01 09:00", &police, 1).await;
    // The wrong agency: a prosecutor detaining.
    let (s, err) = w.try_act("2025-09-01 10:00", &proc_, &id, json!({"type": "detain", "person": 1})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a procuratorate not yet in the case does not learn it exists: {err}");
    // Out of order: the police indicting / the court before the case reaches it.
    let (s, err) = w.try_act("2025-09-01 10:00", &police, &id, json!({"type": "indict"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("《刑事诉讼法》第三条"), "{err}");
    assert_eq!(err["error"]["citation"], "《刑事诉讼法》第三条");
    let (s, err) = w.try_act("2025-09-01 10:00", &police, &id, json!({"type": "serve_judgment"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{err}");
    w.act("2025-09-02 09:00", &police, &id, json!({"type": "transfer_for_prosecution"})).await;
    let (s, err) = w.try_act("2025-09-03 09:00", &police, &id, json!({"type": "detain", "person": 1})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("审查起诉"), "{err}");
    // Now the prosecutor takes part: a wrong-agency action is a 403 with the article.
    let (s, err) = w.try_act("2025-09-03 10:00", &proc_, &id, json!({"type": "detain", "person": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("公安机关"), "{err}");
    // The read gate: the other district's agencies do not see the case anywhere.
    for t in [&police2, &proc2] {
        let (s, _) = w.call("GET", &format!("/api/v1/cases/{id}"), Some(t), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) = w.call("GET", "/api/v1/cases", Some(t), None).await;
        assert!(list["cases"].as_array().unwrap().is_empty(), "{list}");
    }
    let (_, list) = w.call("GET", "/api/v1/cases", Some(&supervisor), None).await;
    assert_eq!(list["cases"].as_array().unwrap().len(), 1, "the committee sees every case");
    // Bad input names the field and the rule; nothing is written.
    let (s, err) = w.raw("POST", &format!("/api/v1/cases/{id}/actions"), &proc_, "{not json").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{err}");
    let (s, err) = w.raw("POST", &format!("/api/v1/cases/{id}/actions"), &proc_, r#"{"action": {"type": "explode"}}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "action.type");
    let (s, err) = w.raw("POST", &format!("/api/v1/cases/{id}/actions"), &proc_, r#"{"action": {"type": "return_for_investigation", "reason": 5}}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "action", "a wrong type inside an action names the action");
    let (s, err) = w.raw("POST", &format!("/api/v1/cases/{id}/actions"), &proc_, r#"{"action": {"type": "return_for_investigation"}}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "action.reason");
    let (s, err) = w.raw("POST", &format!("/api/v1/cases/{id}/actions"), &proc_, r#"{"action": {"type": "extend_review"}, "surprise": 1}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "surprise");
    let (s, err) = w.raw("POST", "/api/v1/cases", &police, r#"{"action": {"type": "register", "title": "x", "facts": "y", "charges": ["盗窃"], "persons": [{"name": "甲", "id_card": "110105194912310021"}]}}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "action.persons[0].id_card");
    // Phone numbers and addresses: the field and the rule, nothing written.
    let count = async || w.call("GET", "/api/v1/cases", Some(&police), None).await.1["cases"].as_array().unwrap().len();
    let before = count().await;
    for (person, field, rule) in [
        (r#"{"name": "甲", "phone": "1381234567"}"#, "action.persons[1].phone", "手机号码应为11位数字"),
        (r#"{"name": "甲", "phone": "0571-0765432"}"#, "action.persons[1].phone", "本地号码"),
        (r#"{"name": "甲", "phone": "电话13812345678"}"#, "action.persons[1].phone", "非数字字符"),
        (r#"{"name": "甲", "address": "   "}"#, "action.persons[1].address", "住址不能为空"),
    ] {
        let body = format!(r#"{{"action": {{"type": "register", "title": "x", "facts": "y", "charges": ["盗窃"], "persons": [{{"name": "乙", "phone": "13812345678", "address": "临江市江北区滨江路8号"}}, {person}]}}}}"#);
        let (s, err) = w.raw("POST", "/api/v1/cases", &police, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["field"], field, "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains(rule), "{err}");
    }
    assert_eq!(count().await, before, "refused registrations wrote nothing");
    let (s, err) = w.raw("POST", "/api/v1/cases", &police, r#"{"action": {"type": "register", "title": "x", "facts": "y", "charges": ["不存在罪"], "persons": [{"name": "甲"}]}}"#).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "action.charges[0]");
    let (s, _) = w.call("GET", "/api/v1/cases?stage=nonsense", Some(&police), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = w.call("GET", "/api/v1/cases", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = w.call("POST", "/api/v1/session", None, Some(json!({"username": "officer", "password": "wrong"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (_, tl) = w.call("GET", &format!("/api/v1/cases/{id}/timeline"), Some(&supervisor), None).await;
    assert_eq!(tl["timeline"].as_array().unwrap().len(), 2, "refused actions wrote nothing");
    // Idempotency through the API.
    w.clock.set(at("2025-09-04 09:00"));
    let body = json!({"request_id": "r-1", "action": {"type": "extend_review"}});
    let (s1, v1) = w.call("POST", &format!("/api/v1/cases/{id}/actions"), Some(&proc_), Some(body.clone())).await;
    let (s2, v2) = w.call("POST", &format!("/api/v1/cases/{id}/actions"), Some(&proc_), Some(body)).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(v1["event"], v2["event"]);
    assert_eq!(v2["replayed"], true);
}

impl World {
    /// One call with a given bearer token.
    async fn with_token(&self, method: &str, path: &str, token: &str) -> StatusCode {
        let req = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        self.app.clone().oneshot(req).await.unwrap().status()
    }
}

/// Sessions are remembered between requests (the store keeps looked-up sessions in memory), but
/// logging out, the session's lifetime and a disabled account still end them at once.
#[tokio::test]
async fn sessions_end_on_logout_expiry_and_disabled_accounts() {
    let w = world().await;
    let t = w.token("officer").await;
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::OK);
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::OK, "served from memory");
    assert_eq!(w.with_token("DELETE", "/api/v1/session", &t).await, StatusCode::NO_CONTENT);
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::UNAUTHORIZED, "logged out");

    let t = w.token("officer").await;
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::OK);
    w.clock.set(at("2025-09-01 21:01"));
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::UNAUTHORIZED, "past its 12 hours");

    let t = w.token("prosecutor").await;
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::OK);
    let mut u = w.store.directory().user("prosecutor").cloned().unwrap();
    u.active = false;
    w.store.put_user(&u, None).await.unwrap();
    assert_eq!(w.with_token("GET", "/api/v1/me", &t).await, StatusCode::UNAUTHORIZED, "a disabled account's session ends");
}

#[tokio::test]
async fn the_inbox_is_paged_with_a_cursor() {
    let w = world().await;
    let police = w.login("officer").await;
    let mut ids = Vec::new();
    for h in 0..4 {
        ids.push(w.register(&format!("2025-09-01 {:02}:00", 9 + h), &police, 1).await);
    }
    let (s, whole) = w.call("GET", "/api/v1/inbox?limit=1000", Some(&police), None).await;
    assert_eq!(s, StatusCode::OK, "{whole}");
    assert!(whole["next_cursor"].is_null(), "one page holds it all: {whole}");
    let want: Vec<Value> = whole["items"].as_array().unwrap().clone();
    assert!(want.len() >= 4);
    // A page of one item at a time, following next_cursor.
    let mut got = Vec::new();
    let mut path = "/api/v1/inbox?limit=1".to_string();
    for _ in 0..50 {
        let (s, page) = w.call("GET", &path, Some(&police), None).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        got.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/inbox?limit=1&cursor={}", urlencode(c)),
            None => break,
        }
    }
    assert_eq!(got, want, "the pages together are the inbox, in order, each item once");
    for id in &ids {
        assert!(got.iter().any(|i| i["case"]["id"] == id.as_str()));
    }
    let (s, err) = w.call("GET", "/api/v1/inbox?cursor=garbage", Some(&police), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["field"], "cursor");
    let (s, err) = w.call("GET", "/api/v1/inbox?limit=0", Some(&police), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["field"], "limit");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
