//! The assistance endpoints for agency systems: `GET /api/v1/cases/{id}/suggestions` and
//! `GET /api/v1/cases/{id}/evidence-gaps` — gated exactly like reading the case (absent when it
//! may not be read, sealed cases included), masked like the case (minors' names, ID and phone
//! numbers never reach a reader who may not see them, not even inside the reasons), and with the
//! reasons the models give.

mod ui_support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::Action;
use domain::action::PersonInput;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use store::Command;
use tower::ServiceExt;
use ui_support::*;

struct W {
    app: axum::Router,
    srv: Server,
}

impl W {
    async fn send(&self, method: &str, uri: &str, token: Option<&str>, body: Body) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if uri.contains("/seal") {
            req = req.header("content-type", "application/json");
        }
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = self.app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn token(&self, user: &str) -> String {
        let body = Body::from(json!({"username": user, "password": PASSWORD}).to_string());
        let req = Request::post("/api/v1/session").header("content-type", "application/json").body(body).unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let v: Value = serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
        v["token"].as_str().unwrap().to_string()
    }

    async fn get(&self, uri: &str, user: &str) -> (StatusCode, Value) {
        let t = self.token(user).await;
        self.send("GET", uri, Some(&t), Body::empty()).await
    }

    async fn act(&self, when: &str, user: &str, case: &str, action: Action) {
        self.srv.clock.set(at(when));
        self.srv.store.submit(Command::new(user, Some(case), action)).await.unwrap_or_else(|e| panic!("{user}: {e}"));
    }
}

/// The minor's ID number (born 2009-01-01: sixteen at registration).
fn minor_id() -> String {
    format!("11010520090101001{}", domain::ids::id_card_check_char("11010520090101001"))
}

/// A theft by an adult and a minor, whose name, ID number and phone number appear in the facts.
async fn world() -> (W, String) {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let facts = format!(
        "2025年8月30日晚，犯罪嫌疑人李大壮伙同王小明（身份证号{}，电话13812345678）在滨江区某超市内盗窃手机一部，经价格认证中心鉴定价值人民币3000元；王小明窃得现金500元。",
        minor_id()
    );
    let reg = Action::Register {
        title: "李大壮、王小明盗窃案".into(),
        facts,
        charges: vec!["盗窃".into()],
        persons: vec![
            PersonInput { name: "李大壮".into(), id_card: Some("11010519491231002X".into()), gender: None, birth_date: None, phone: None, address: None },
            PersonInput { name: "王小明".into(), id_card: Some(minor_id()), gender: None, birth_date: None, phone: None, address: None },
        ],
    };
    let id = srv.store.submit(Command::new("officer", None, reg)).await.unwrap().state.id;
    (W { app, srv }, id)
}

fn strings(v: &Value) -> String {
    v.to_string()
}

#[tokio::test]
async fn suggestions_and_gaps_follow_the_gate_and_the_masking() {
    let (w, id) = world().await;
    let sug = format!("/api/v1/cases/{id}/suggestions");
    let gaps = format!("/api/v1/cases/{id}/evidence-gaps");

    // The police, who handle the case, get the suggestions for the facts, with reasons.
    let (s, v) = w.get(&sug, "officer").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let charges = v["charges"].as_array().unwrap();
    assert_eq!(charges[0]["charge"], "盗窃", "theft is the first suggestion: {v}");
    assert!(!charges[0]["reasons"].as_array().unwrap().is_empty(), "a suggested charge comes with its reasons");
    assert!(v["articles"]["articles"].as_array().unwrap().contains(&json!(264)), "刑法第264条: {v}");
    assert!(!v["articles"]["reasons"].as_array().unwrap().is_empty());
    assert_eq!(v["term"]["charge"], "盗窃");
    assert!(["months", "life", "death"].contains(&v["term"]["kind"].as_str().unwrap()), "{v}");
    assert!(!v["term"]["label"].as_str().unwrap().is_empty() && !v["term"]["reasons"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(v["registered_charges"], json!(["盗窃"]));
    assert!(v["notice"].as_str().unwrap().contains("仅供参考"));
    // The handling police see the facts unmasked, and the reasons quote them (the amount's
    // context names the minor).
    assert!(strings(&v).contains("王小明"), "the handling agency is not masked: {v}");
    assert_eq!(v["amount"]["amount"], 3500.0, "the phone and the cash: {v}");

    // The committee reads the case masked; so are the suggestions, reasons included.
    let (s, v) = w.get(&sug, "supervisor").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let text = strings(&v);
    assert!(!text.contains("王小明") && !text.contains("13812345678") && !text.contains(&minor_id()), "the minor leaks into suggestions: {v}");
    assert!(text.contains("王某"), "the reasons quote the masked facts: {v}");
    assert_eq!(v["charges"][0]["charge"], "盗窃", "masking does not change what is suggested: {v}");
    let (_, g) = w.get(&gaps, "supervisor").await;
    assert!(!strings(&g).contains("王小明"), "{g}");

    // Before an arrest request or a transfer the procuratorate and the court do not know the case.
    for user in ["prosecutor", "judge"] {
        for path in [&sug, &gaps] {
            let (s, v) = w.get(path, user).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{user} {path}: {v}");
            assert!(v["error"]["message"].as_str().unwrap().contains("不存在或无权查看"), "{v}");
        }
    }
    // Without a login: 401.
    let (s, _) = w.send("GET", &sug, None, Body::empty()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Evidence gaps: the theft checklist against the police's items — none yet.
    let (s, v) = w.get(&gaps, "officer").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["charges"][0]["charge"], "盗窃");
    let items = |v: &Value| v["charges"][0]["gaps"].as_array().unwrap().iter().map(|g| g["item"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let before = items(&v);
    assert!(before.contains(&"价格认定（鉴定）结论".to_string()) && before.contains(&"犯罪嫌疑人供述和辩解".to_string()), "{v}");
    assert!(v["charges"][0]["gaps"][0]["reason"].as_str().unwrap().contains("刑事诉讼法第50条"), "each gap says why: {v}");
    assert!(v["basis"].as_str().unwrap().contains("第一百六十二条"));
    // Upload the appraisal: that gap closes, the others stay.
    let t = w.token("officer").await;
    let (s, f) = w.send("POST", &format!("/api/v1/cases/{id}/files?title=%E4%BB%B7%E6%A0%BC%E8%AE%A4%E5%AE%9A%E7%BB%93%E8%AE%BA%E4%B9%A6"), Some(&t), Body::from("appraisal")).await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let (_, v) = w.get(&gaps, "officer").await;
    let after = items(&v);
    assert!(!after.contains(&"价格认定（鉴定）结论".to_string()), "{v}");
    assert_eq!(after.len(), before.len() - 1, "{v}");
    assert_eq!(v["checked_titles"], json!(["价格认定结论书"]));

    // The arrest request puts the case before the procuratorate: now it may ask. It holds no item
    // yet (nothing was sent in a manifest), so the checklist is all gaps for it.
    w.act("2025-09-01 10:00", "officer", &id, Action::Detain { person: 1 }).await;
    w.act("2025-09-01 15:00", "officer", &id, Action::Interrogate { person: 1 }).await;
    w.act("2025-09-03 09:00", "officer", &id, Action::RequestArrest { person: 1 }).await;
    let (s, v) = w.get(&sug, "prosecutor").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = w.get(&gaps, "prosecutor").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(items(&v).contains(&"价格认定（鉴定）结论".to_string()), "the police's own item is not the procuratorate's: {v}");

    // Down to an effective judgment, then the court seals the record (CPL 286): only the court
    // still reads the case, and so only the court gets suggestions.
    w.act("2025-09-05 09:00", "prosecutor", &id, Action::ApproveArrest { person: 1 }).await;
    w.act("2025-10-20 09:00", "officer", &id, Action::TransferForProsecution { confession_and_acceptance: true }).await;
    w.act("2025-10-24 09:00", "prosecutor", &id, Action::Indict { confession_and_acceptance: true, sentencing_proposal: Some("有期徒刑六个月，缓刑一年".into()) }).await;
    let (s, _) = w.get(&sug, "judge").await;
    assert_eq!(s, StatusCode::OK, "the court reads the indicted case");
    w.act("2025-10-25 09:00", "judge", &id, Action::AcceptTrial { procedure: domain::case::Procedure::FastTrack, judge: None }).await;
    w.act("2025-10-25 10:00", "judge", &id, Action::ScheduleHearing { at: at("2025-10-28 09:30") }).await;
    let convicted = |person| domain::action::PersonVerdict {
        person,
        verdict: domain::case::Verdict::Convicted { charges: vec!["盗窃".into()], sentence: domain::case::Sentence::Probation { months: 6, probation_months: 12 } },
    };
    w.act("2025-10-28 11:00", "judge", &id, Action::PronounceJudgment { verdicts: vec![convicted(1), convicted(2)] }).await;
    w.act("2025-10-28 15:00", "judge", &id, Action::ServeJudgment).await;
    w.act("2025-11-10 09:00", "judge", &id, Action::TakeEffect).await;
    let t = w.token("judge").await;
    let (s, v) = w.send("POST", &format!("/api/v1/cases/{id}/seal"), Some(&t), Body::from(json!({"reason": "未成年人犯罪记录封存"}).to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    for user in ["officer", "prosecutor", "supervisor"] {
        for path in [&sug, &gaps] {
            let (s, v) = w.get(path, user).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{user} reads a sealed case's {path}: {v}");
        }
    }
    let (s, v) = w.get(&sug, "judge").await;
    assert_eq!(s, StatusCode::OK, "the sealing court still reads it: {v}");
    // Refusals were audited as refused reads of the case.
    let audit = w.srv.store.case_audit(&id, 1000).await.unwrap();
    assert!(audit.iter().any(|r| r.kind == "denied" && r.user_id.as_deref() == Some("officer") && r.reason.contains("suggestions")), "{audit:?}");
}
