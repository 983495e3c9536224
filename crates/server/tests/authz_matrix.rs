//! The authorization matrix: every agency × role × relation to the case × stage × flag, against
//! every gate action, compared with the table `authz_matrix.tsv` (A = allow, D = deny).
//!
//! The table is the reviewable statement of who may see what. When a policy changes on purpose,
//! regenerate it with `UPDATE_MATRIX=1 cargo test -p server --test authz_matrix` and review the
//! diff. A few legal invariants are also checked directly, so that a careless regeneration cannot
//! hide them. Then the same gate is exercised over HTTP: refusals are 404 or 403 with a Chinese
//! message and leave an audit record; lists never show what the page refuses.

mod support;
use support::PASSWORD;
use support::at;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::{AgencyKind, Level, Role};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use server::policy::{self, CaseFacts, GateAction, PersonFacts, Principal};
use std::collections::BTreeSet;
use std::sync::Arc;
use store::{Durability, ManualClock, Store};
use tower::ServiceExt;

// ---------- the matrix ----------

/// Situations a case passes through, with the facts the gate sees in each.
const SITUATIONS: [&str; 10] = [
    "investigation",
    "investigation+arrest_request",
    "prosecution_review",
    "supplementary_investigation",
    "first_instance",
    "appeal_window",
    "second_instance",
    "awaiting_execution",
    "execution",
    "closed",
];

const FLAGS: [&str; 3] = ["-", "sealed", "minor"];

/// The organizations of the case: county police, procuratorate and court, the city court for
/// the appeal, the county justice bureau for community correction.
fn case_facts(situation: &str, flag: &str) -> (CaseFacts, PersonFacts) {
    let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<BTreeSet<String>>();
    let order = SITUATIONS.iter().position(|x| *x == situation).unwrap();
    let reached = |x: &str| order >= SITUATIONS.iter().position(|y| *y == x).unwrap();
    let mut participants = s(&["d1-police"]);
    let mut handling = s(&["d1-police"]);
    let mut procs = s(&[]);
    let mut courts = s(&[]);
    let mut correction = s(&[]);
    if reached("investigation+arrest_request") {
        participants.insert("d1-proc".into());
        handling.insert("d1-proc".into());
        procs.insert("d1-proc".into());
    }
    if reached("first_instance") {
        for x in [&mut participants, &mut handling, &mut courts] {
            x.insert("d1-court".into());
        }
    }
    if reached("second_instance") {
        for x in [&mut participants, &mut handling, &mut courts] {
            x.insert("city-court".into());
        }
    }
    if reached("execution") {
        participants.insert("d1-justice".into());
        correction.insert("d1-justice".into());
    }
    let stage = match situation {
        "investigation+arrest_request" => "investigation",
        other => other,
    };
    let facts = CaseFacts {
        id: "case-1".into(),
        stage: stage.into(),
        police_org: "d1-police".into(),
        participants,
        handling_orgs: handling,
        procuratorate_orgs: procs,
        court_orgs: courts,
        correction_orgs: correction.clone(),
        sealed: flag == "sealed",
        arrest_requested: reached("investigation+arrest_request"),
        transferred: reached("prosecution_review"),
        indicted: reached("first_instance"),
        judged: reached("appeal_window"),
        effective: reached("awaiting_execution"),
        has_minor: flag == "minor",
    };
    (facts, PersonFacts { minor: flag == "minor", person_handlers: correction })
}

/// Every role that fits each agency, in the organization that handles the case ("own") or in a
/// same-kind organization elsewhere ("other"). The committee has one city committee.
fn principals() -> Vec<(String, Principal)> {
    let mut out = Vec::new();
    for kind in AgencyKind::ALL {
        for role in Role::ALL.into_iter().filter(|r| r.fits(kind)) {
            for relation in ["own", "other"] {
                let (org, level) = match (kind, relation) {
                    (AgencyKind::Committee, "own") => ("city-committee", Level::City),
                    (AgencyKind::Committee, _) => ("d2-committee", Level::County),
                    (AgencyKind::Police, "own") => ("d1-police", Level::County),
                    (AgencyKind::Procuratorate, "own") => ("d1-proc", Level::County),
                    (AgencyKind::Court, "own") => ("d1-court", Level::County),
                    (AgencyKind::JusticeBureau, "own") => ("d1-justice", Level::County),
                    (AgencyKind::Police, _) => ("d2-police", Level::County),
                    (AgencyKind::Procuratorate, _) => ("d2-proc", Level::County),
                    (AgencyKind::Court, _) => ("d2-court", Level::County),
                    (AgencyKind::JusticeBureau, _) => ("d2-justice", Level::County),
                };
                let key = format!("{}\t{}\t{relation}", kind.code(), role.code());
                out.push((key, Principal { user: format!("u-{}", role.code()), agency: kind, role, org: org.into(), level, service: false }));
            }
        }
    }
    out
}

fn header() -> String {
    let actions: Vec<&str> = GateAction::ALL.iter().map(|a| a.code()).collect();
    format!("agency\trole\trelation\tsituation\tflag\t{}", actions.join("\t"))
}

fn compute() -> String {
    let engine = policy::engine();
    let mut lines = vec![header()];
    for (key, p) in principals() {
        for situation in SITUATIONS {
            for flag in FLAGS {
                let (facts, person) = case_facts(situation, flag);
                let cells: Vec<&str> = GateAction::ALL
                    .iter()
                    .map(|a| {
                        let person = if *a == GateAction::ReadPersonalData { person.clone() } else { PersonFacts::default() };
                        if engine.decide(&p, *a, &facts, &person).allowed { "A" } else { "D" }
                    })
                    .collect();
                lines.push(format!("{key}\t{situation}\t{flag}\t{}", cells.join("\t")));
            }
        }
    }
    lines.join("\n") + "\n"
}

const TABLE: &str = "tests/authz_matrix.tsv";

#[test]
fn the_matrix_matches_the_table() {
    let got = compute();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLE);
    if std::env::var_os("UPDATE_MATRIX").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).expect("authz_matrix.tsv (regenerate with UPDATE_MATRIX=1)");
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let diffs: Vec<String> = w
        .iter()
        .zip(g.iter())
        .filter(|(a, b)| a != b)
        .take(20)
        .map(|(a, b)| format!("table:  {a}\npolicy: {b}"))
        .collect();
    assert!(diffs.is_empty() && w.len() == g.len(), "{} rows vs {}; first differences:\n{}", w.len(), g.len(), diffs.join("\n"));
}

/// Reads a cell of the table (the table, not the policy, is what these check).
fn cell(table: &str, agency: &str, role: &str, relation: &str, situation: &str, flag: &str, action: GateAction) -> bool {
    let col = 5 + GateAction::ALL.iter().position(|a| *a == action).unwrap();
    let prefix = format!("{agency}\t{role}\t{relation}\t{situation}\t{flag}\t");
    let line = table.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no row {prefix}"));
    line.split('\t').nth(col).unwrap() == "A"
}

#[test]
fn the_table_keeps_the_legal_invariants() {
    let t = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLE)).unwrap();
    let rows: Vec<Vec<&str>> = t.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    let col = |a: GateAction| 5 + GateAction::ALL.iter().position(|x| *x == a).unwrap();
    for r in &rows {
        let (agency, role, relation, situation, flag) = (r[0], r[1], r[2], r[3], r[4]);
        let allowed = |a: GateAction| r[col(a)] == "A";
        // A sealed case is invisible to all but its courts.
        let its_court = agency == "court" && relation == "own" && SITUATIONS.iter().position(|s| *s == situation) >= SITUATIONS.iter().position(|s| *s == "first_instance");
        if flag == "sealed" && !its_court {
            assert!(GateAction::ALL.iter().all(|a| !allowed(*a)), "sealed case visible: {r:?}");
        }
        // Minors' personal data never outside the handling agencies.
        if flag == "minor" && (agency == "committee" || relation == "other") {
            assert!(!allowed(GateAction::ReadPersonalData), "minor's data leaked: {r:?}");
        }
        // Administrators never read cases; the committee never acts.
        if role == "admin" {
            assert!(GateAction::ALL.iter().all(|a| !allowed(*a)), "admin reads cases: {r:?}");
        }
        if agency == "committee" {
            assert!(!allowed(GateAction::ActOnCase) && !allowed(GateAction::ReadPersonalData) && !allowed(GateAction::ReadPoliceFile), "{r:?}");
        }
        // The court never reads the police's internal file.
        if agency == "court" {
            assert!(!allowed(GateAction::ReadPoliceFile), "court reads police file: {r:?}");
        }
        // Another county's agency sees nothing of the case.
        if relation == "other" && agency != "committee" {
            assert!(!allowed(GateAction::ReadCase) && !allowed(GateAction::ReadPersonalData), "{r:?}");
        }
    }
    // The prosecutor reads the police file only once arrest approval was requested or the case
    // transferred (CPL 87, 162).
    assert!(!cell(&t, "procuratorate", "prosecutor", "own", "investigation", "-", GateAction::ReadPoliceFile));
    assert!(cell(&t, "procuratorate", "prosecutor", "own", "investigation+arrest_request", "-", GateAction::ReadPoliceFile));
    assert!(cell(&t, "procuratorate", "prosecutor", "own", "prosecution_review", "-", GateAction::ReadPoliceFile));
    // The judge reads the indictment once filed.
    assert!(!cell(&t, "court", "judge", "own", "prosecution_review", "-", GateAction::ReadIndictment));
    assert!(cell(&t, "court", "judge", "own", "first_instance", "-", GateAction::ReadIndictment));
    assert!(cell(&t, "court", "judge", "own", "first_instance", "-", GateAction::ReadCaseFiles));
    // The committee sees every case's progress.
    assert!(cell(&t, "committee", "supervisor", "own", "investigation", "-", GateAction::ReadCase));
    assert!(cell(&t, "committee", "supervisor", "own", "investigation", "-", GateAction::ReadAccessLog));
    // The correction agency reads the person it corrects, minors included.
    assert!(cell(&t, "justice_bureau", "correction_officer", "own", "execution", "minor", GateAction::ReadPersonalData));
    assert!(!cell(&t, "justice_bureau", "correction_officer", "own", "first_instance", "-", GateAction::ReadCase));
    // The court of the case still sees a sealed case; it alone may seal.
    assert!(cell(&t, "court", "judge", "own", "execution", "sealed", GateAction::ReadCase));
    assert!(cell(&t, "court", "judge", "own", "execution", "-", GateAction::SealCase));
    assert!(!cell(&t, "court", "judge", "own", "first_instance", "-", GateAction::SealCase));
}

// ---------- over HTTP ----------

struct World {
    app: axum::Router,
    store: Store,
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
            ("judge", "d1-court", Role::Judge),
            ("clerk", "d1-court", Role::Clerk),
            ("corrector", "d1-justice", Role::CorrectionOfficer),
            ("supervisor", "city-committee", Role::Supervisor),
            ("admin", "city-committee", Role::Admin),
            ("police-admin", "d1-police", Role::Admin),
            ("police-leader", "d1-police", Role::Leader),
        ],
    )
    .await;
    let app = server::router(server::AppState::new(store.clone()));
    World { app, store, clock, _tmp: tmp }
}

impl World {
    async fn send(&self, method: &str, path: &str, bearer: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = bearer {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn login_with(&self, user: &str, password: &str, totp: Option<&str>) -> (StatusCode, Value) {
        self.send("POST", "/api/v1/session", None, Some(json!({"username": user, "password": password, "totp": totp}))).await
    }

    async fn token(&self, user: &str) -> String {
        let (s, v) = self.login_with(user, PASSWORD, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_string()
    }

    async fn call(&self, method: &str, path: &str, user: &str, body: Option<Value>) -> (StatusCode, Value) {
        let t = self.token(user).await;
        self.send(method, path, Some(&t), body).await
    }

    async fn act(&self, when: &str, user: &str, case: &str, action: Value) -> Value {
        self.clock.set(at(when));
        let (s, v) = self.call("POST", &format!("/api/v1/cases/{case}/actions"), user, Some(json!({ "action": action }))).await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
        v
    }
}

/// 李大壮's address and 王小明's landline (personal data the gate masks).
const ADDRESS: &str = "临江市江北区滨江路88号3幢201室";
const LANDLINE: &str = "0571-87654321";

/// A case with an adult and a minor (born 2009, 16 at registration), with ID numbers, phone
/// numbers and an address.
async fn register(w: &World) -> String {
    w.clock.set(at("2025-09-01 09:30"));
    let (s, v) = w
        .call(
            "POST",
            "/api/v1/cases",
            "officer",
            Some(json!({"action": {"type": "register", "title": "王小明等盗窃案", "facts": format!("王小明、李大壮盗窃电动车，联系电话13812345678。李大壮住{ADDRESS}，王小明家中电话{LANDLINE}。"), "charges": ["盗窃"],
                "persons": [{"name": "李大壮", "id_card": "11010519491231002X", "phone": "13812345678", "address": ADDRESS},
                    {"name": "王小明", "id_card": format!("11010520090101001{}", domain::ids::id_card_check_char("11010520090101001")), "phone": LANDLINE}]}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["case"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn stage_by_stage_over_http_with_masking_and_audit() {
    let w = world().await;
    let id = register(&w).await;
    let case = format!("/api/v1/cases/{id}");

    // The police see their case unmasked; the read is audited.
    let (s, v) = w.call("GET", &case, "officer", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["case"]["persons"][0]["id_card"], "11010519491231002X");
    assert_eq!(v["case"]["persons"][0]["phone"], "13812345678");
    assert_eq!(v["case"]["persons"][0]["address"], ADDRESS);
    assert_eq!(v["case"]["persons"][1]["phone"], LANDLINE);
    assert_eq!(v["case"]["persons"][1]["name"], "王小明");
    assert!(v["case"]["facts"].as_str().unwrap().contains(ADDRESS));
    let (_, tl) = w.call("GET", &format!("{case}/timeline"), "officer", None).await;
    assert_eq!(tl["timeline"][0]["event"]["action"]["persons"][0]["address"], ADDRESS, "{tl}");

    // The committee sees progress, masked: ID numbers cut, the minor's name hidden, phone
    // numbers cut, addresses down to the district — in the persons and in the facts.
    let (s, v) = w.call("GET", &case, "supervisor", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["case"]["persons"][0]["id_card"], "110105********002X");
    assert_eq!(v["case"]["persons"][0]["name"], "李大壮");
    assert_eq!(v["case"]["persons"][0]["phone"], "138****5678");
    assert_eq!(v["case"]["persons"][0]["address"], "临江市江北区****");
    assert_eq!(v["case"]["persons"][1]["phone"], "0571-****4321");
    assert_eq!(v["case"]["persons"][1]["name"], "王某");
    assert!(v["case"]["persons"][1]["birth_date"].is_null());
    let facts = v["case"]["facts"].as_str().unwrap();
    assert!(facts.contains("138****5678") && !facts.contains("王小明"), "{facts}");
    assert!(facts.contains("李大壮住临江市江北区****") && facts.contains("0571-****4321"), "{facts}");
    for leak in ["滨江路", "87654321", "13812345678"] {
        assert!(!v.to_string().contains(leak), "case leaks {leak}: {v}");
    }
    let (_, tl) = w.call("GET", &format!("{case}/timeline"), "supervisor", None).await;
    let reg = &tl["timeline"][0]["event"]["action"];
    assert_eq!(reg["persons"][0]["id_card"], "110105********002X", "{tl}");
    assert_eq!(reg["persons"][0]["phone"], "138****5678", "{tl}");
    assert_eq!(reg["persons"][0]["address"], "临江市江北区****", "{tl}");
    assert_eq!(reg["persons"][1]["phone"], "0571-****4321", "{tl}");
    assert_eq!(reg["persons"][1]["name"], "王某");
    for leak in ["王小明", "13812345678", "滨江路", "87654321"] {
        assert!(!tl.to_string().contains(leak), "timeline leaks {leak}: {tl}");
    }

    // Before any transfer the procuratorate does not know the case exists.
    let (s, v) = w.call("GET", &case, "prosecutor", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("不存在或无权查看"));
    let (_, list) = w.call("GET", "/api/v1/cases", "prosecutor", None).await;
    assert!(list["cases"].as_array().unwrap().is_empty());

    // Another county's police neither.
    let (s, _) = w.call("GET", &case, "officer2", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // An administrator manages accounts, not cases.
    let (s, _) = w.call("GET", &case, "police-admin", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Arrest review: the procuratorate now reads the case, unmasked (a handling agency).
    w.act("2025-09-01 10:00", "officer", &id, json!({"type": "detain", "person": 1})).await;
    w.act("2025-09-01 15:00", "officer", &id, json!({"type": "interrogate", "person": 1})).await;
    w.act("2025-09-03 09:00", "officer", &id, json!({"type": "request_arrest", "person": 1})).await;
    let (s, v) = w.call("GET", &case, "prosecutor", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["case"]["persons"][1]["name"], "王小明");
    w.act("2025-09-05 09:00", "prosecutor", &id, json!({"type": "approve_arrest", "person": 1})).await;
    w.act("2025-10-20 09:00", "officer", &id, json!({"type": "transfer_for_prosecution", "confession_and_acceptance": true})).await;

    // The court does not see it before the indictment.
    let (s, _) = w.call("GET", &case, "judge", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    w.act("2025-10-24 09:00", "prosecutor", &id, json!({"type": "indict", "confession_and_acceptance": true, "sentencing_proposal": "有期徒刑十个月，缓刑一年"})).await;
    let (s, _) = w.call("GET", &case, "judge", None).await;
    assert_eq!(s, StatusCode::OK);

    // The committee may not act: 403 with a Chinese message, audited.
    w.clock.set(at("2025-10-25 09:00"));
    let (s, v) = w.call("POST", &format!("{case}/actions"), "supervisor", Some(json!({"action": {"type": "extend_review"}}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("无权"), "{v}");

    // The access log: who read, who was refused.
    let (s, log) = w.call("GET", &format!("{case}/access-log"), "supervisor", None).await;
    assert_eq!(s, StatusCode::OK, "{log}");
    let recs = log["records"].as_array().unwrap();
    assert!(recs.iter().any(|r| r["kind"] == "read" && r["user_id"] == "officer" && r["resource"].as_str().unwrap().starts_with("personal_data")), "{log}");
    assert!(recs.iter().any(|r| r["kind"] == "denied" && r["user_id"] == "prosecutor" && r["resource"] == "read_case"), "{log}");
    assert!(recs.iter().any(|r| r["kind"] == "denied" && r["user_id"] == "officer2"), "{log}");
    assert!(recs.iter().any(|r| r["kind"] == "denied" && r["user_id"] == "supervisor" && r["resource"] == "act_on_case"), "{log}");
    assert!(!recs.iter().any(|r| r["kind"] == "read" && r["user_id"] == "supervisor"), "masked reads are not personal-data reads");
    // An officer may not read the access log: 403 (the case is theirs, so not hidden).
    let (s, v) = w.call("GET", &format!("{case}/access-log"), "officer", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // Their leader may.
    let (s, _) = w.call("GET", &format!("{case}/access-log"), "police-leader", None).await;
    assert_eq!(s, StatusCode::OK);

    // Through judgment and effect to community correction, then sealing by the court.
    w.act("2025-10-25 09:00", "judge", &id, json!({"type": "accept_trial", "procedure": "fast_track"})).await;
    w.act("2025-10-25 10:00", "clerk", &id, json!({"type": "schedule_hearing", "at": at("2025-10-28 09:30")})).await;
    let (s, v) = w.call("POST", &format!("{case}/seal"), "judge", Some(json!({"reason": "未成年人犯罪记录封存"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not before the judgment takes effect: {v}");
    w.act("2025-10-28 11:00", "judge", &id, json!({"type": "pronounce_judgment", "verdicts": [
        {"person": 1, "verdict": {"kind": "convicted", "charges": ["盗窃"], "sentence": {"kind": "probation", "months": 10, "probation_months": 12}}},
        {"person": 2, "verdict": {"kind": "convicted", "charges": ["盗窃"], "sentence": {"kind": "probation", "months": 6, "probation_months": 12}}}]})).await;
    w.act("2025-10-28 15:00", "clerk", &id, json!({"type": "serve_judgment"})).await;
    w.act("2025-11-10 09:00", "clerk", &id, json!({"type": "take_effect"})).await;
    w.act("2025-11-10 10:00", "clerk", &id, json!({"type": "hand_over_for_community_correction", "person": 2})).await;
    let (s, v) = w.call("GET", &case, "corrector", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["case"]["persons"][1]["name"], "王小明", "the correction agency reads the minor it corrects");
    assert_eq!(v["case"]["persons"][1]["phone"], LANDLINE, "and its phone number");
    assert_eq!(v["case"]["persons"][0]["id_card"], "110105********002X", "but not the other person");
    assert_eq!(v["case"]["persons"][0]["phone"], "138****5678", "nor the other person's phone");
    assert_eq!(v["case"]["persons"][0]["address"], "临江市江北区****", "nor the other person's address");
    let facts = v["case"]["facts"].as_str().unwrap();
    assert!(!facts.contains("滨江路") && facts.contains(LANDLINE), "{facts}");

    let (s, v) = w.call("POST", &format!("{case}/seal"), "judge", Some(json!({"reason": "未成年人犯罪记录封存"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    for user in ["officer", "prosecutor", "supervisor", "corrector"] {
        let (s, v) = w.call("GET", &case, user, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{user} sees a sealed case: {v}");
        let (_, list) = w.call("GET", "/api/v1/cases", user, None).await;
        assert!(!list.to_string().contains(&id), "{user} finds a sealed case in lists");
        let (_, inbox) = w.call("GET", "/api/v1/inbox", user, None).await;
        assert!(!inbox.to_string().contains(&id), "{user} finds a sealed case in the inbox");
        let (_, dl) = w.call("GET", "/api/v1/deadlines?within_days=366", user, None).await;
        assert!(!dl.to_string().contains(&id), "{user} finds a sealed case in deadlines");
        // The assistance endpoints read the case's facts: gated exactly like the case.
        for part in ["suggestions", "evidence-gaps"] {
            let (s, v) = w.call("GET", &format!("{case}/{part}"), user, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{user} reads a sealed case's {part}: {v}");
        }
    }
    let (_, stats) = w.call("GET", "/api/v1/stats/stages", "supervisor", None).await;
    assert!(stats["stages"].as_array().unwrap().is_empty(), "sealed cases are not counted: {stats}");
    let (s, _) = w.call("GET", &case, "judge", None).await;
    assert_eq!(s, StatusCode::OK, "the court still sees it");
}

#[tokio::test]
async fn lockout_after_five_failures_is_audited_and_lifted_by_reset() {
    let w = world().await;
    for i in 0..4 {
        let (s, _) = w.login_with("officer", "wrong", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let (s, v) = w.login_with("officer", "wrong", None).await;
    assert_eq!(s, StatusCode::LOCKED, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("锁定"));
    // Even the right password is refused while locked.
    let (s, _) = w.login_with("officer", PASSWORD, None).await;
    assert_eq!(s, StatusCode::LOCKED);
    let audit = w.store.audit_since(0, Some("login_locked"), 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].user_id.as_deref(), Some("officer"));
    // Unknown names lock the same way, so that they cannot be told apart.
    for _ in 0..5 {
        w.login_with("nobody", "x", None).await;
    }
    assert_eq!(w.login_with("nobody", "x", None).await.0, StatusCode::LOCKED);
    // The lock ends after 15 minutes.
    w.clock.set(at("2025-09-01 09:16"));
    assert_eq!(w.login_with("officer", PASSWORD, None).await.0, StatusCode::OK);
    // Failures spread over more than the window do not lock.
    for m in [20, 30, 40, 50] {
        w.clock.set(at(&format!("2025-09-01 09:{m}")));
        w.login_with("officer", "wrong", None).await;
    }
    w.clock.set(at("2025-09-01 10:10"));
    assert_eq!(w.login_with("officer", "wrong", None).await.0, StatusCode::UNAUTHORIZED);
    // An administrator's reset lifts a lock and ends sessions.
    for _ in 0..5 {
        w.login_with("prosecutor", "wrong", None).await;
    }
    assert_eq!(w.login_with("prosecutor", PASSWORD, None).await.0, StatusCode::LOCKED);
    let (s, v) = w.call("POST", "/api/v1/admin/users/prosecutor/password", "admin", Some(json!({"password": "new password 1"}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    assert_eq!(w.login_with("prosecutor", "new password 1", None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn totp_enrollment_and_login() {
    let w = world().await;
    let t = w.token("judge").await;
    let (s, v) = w.send("POST", "/api/v1/me/totp", Some(&t), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let secret = v["secret"].as_str().unwrap().to_string();
    assert!(v["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    // Not required until confirmed.
    assert_eq!(w.login_with("judge", PASSWORD, None).await.0, StatusCode::OK);
    let (s, _) = w.send("POST", "/api/v1/me/totp/confirm", Some(&t), Some(json!({"code": "000000"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let code = server::auth::totp_code(&secret, w.store.now()).unwrap();
    let (s, v) = w.send("POST", "/api/v1/me/totp/confirm", Some(&t), Some(json!({"code": code}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = w.login_with("judge", PASSWORD, None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("totp_required")));
    // The code just used is spent; the next step's works.
    assert_eq!(w.login_with("judge", PASSWORD, Some(&code)).await.0, StatusCode::UNAUTHORIZED);
    w.clock.set(w.store.now() + chrono::Duration::seconds(30));
    let code = server::auth::totp_code(&secret, w.store.now()).unwrap();
    assert_eq!(w.login_with("judge", PASSWORD, Some(&code)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn api_tokens_are_scoped_revocable_and_admin_only() {
    let w = world().await;
    let id = register(&w).await;
    // Only administrators create tokens, and only through a session.
    let (s, _) = w.call("POST", "/api/v1/admin/tokens", "officer", Some(json!({"name": "x", "org": "d1-police", "role": "officer", "scopes": ["read"]}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = w.call("POST", "/api/v1/admin/tokens", "police-admin", Some(json!({"name": "执法办案系统", "org": "d1-police", "role": "officer", "scopes": ["read"]}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let token_id = v["record"]["id"].as_str().unwrap().to_string();
    assert!(v["record"].get("token_hash").is_none(), "the hash is never shown");
    // A district police admin cannot make tokens for the procuratorate.
    let (s, _) = w.call("POST", "/api/v1/admin/tokens", "police-admin", Some(json!({"name": "x", "org": "d1-proc", "role": "prosecutor", "scopes": ["read"]}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = w.call("POST", "/api/v1/admin/tokens", "police-admin", Some(json!({"name": "x", "org": "d1-police", "role": "officer", "scopes": ["delete"]}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // The token reads as its service user, through the same gate.
    let (s, v) = w.send("GET", &format!("/api/v1/cases/{id}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // It may not act (no `act` scope), nor administer.
    let (s, v) = w.send("POST", &format!("/api/v1/cases/{id}/actions"), Some(&token), Some(json!({"action": {"type": "detain", "person": 1}}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = w.send("GET", "/api/v1/admin/tokens", Some(&token), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, v) = w.call("GET", "/api/v1/admin/tokens", "police-admin", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["tokens"].as_array().unwrap().len(), 1);
    let (s, _) = w.call("DELETE", &format!("/api/v1/admin/tokens/{token_id}"), "police-admin", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = w.send("GET", &format!("/api/v1/cases/{id}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn administration_of_organizations_and_accounts() {
    let w = world().await;
    let (s, v) = w
        .call("POST", "/api/v1/admin/organizations", "admin", Some(json!({"id": "d3-police", "name": "三区公安分局", "kind": "police", "level": "county", "jurisdiction": "99d3", "parent": "city-police"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = w
        .call("POST", "/api/v1/admin/users", "admin", Some(json!({"id": "officer3", "username": "officer3", "name": "三区民警", "org": "d3-police", "role": "officer", "password": "long enough 1"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(w.login_with("officer3", "long enough 1", None).await.0, StatusCode::OK);
    // Role must fit the agency; passwords must be long enough.
    let (s, v) = w.call("POST", "/api/v1/admin/users", "admin", Some(json!({"id": "x", "username": "x", "name": "x", "org": "d3-police", "role": "judge", "password": "long enough 1"}))).await;
    assert_eq!((s, v["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("role")));
    let (s, _) = w.call("POST", "/api/v1/admin/users", "admin", Some(json!({"id": "y", "username": "y", "name": "y", "org": "d3-police", "role": "officer", "password": "short"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // A district administrator manages only its own organization.
    let (s, _) = w.call("POST", "/api/v1/admin/users/prosecutor/disable", "police-admin", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Disabling ends the sessions and logins.
    let (_, v) = w.login_with("officer3", "long enough 1", None).await;
    let t = v["token"].as_str().unwrap().to_string();
    let (s, _) = w.call("POST", "/api/v1/admin/users/officer3/disable", "admin", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(w.send("GET", "/api/v1/me", Some(&t), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(w.login_with("officer3", "long enough 1", None).await.0, StatusCode::FORBIDDEN);
    let (s, _) = w.call("POST", "/api/v1/admin/users/officer3/enable", "admin", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(w.login_with("officer3", "long enough 1", None).await.0, StatusCode::OK);
    // Non-administrators are refused with a Chinese message.
    let (s, v) = w.call("GET", "/api/v1/admin/users", "supervisor", None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(v["error"]["message"].as_str().unwrap().contains("管理员"));
    let (s, v) = w.call("GET", "/api/v1/admin/audit", "admin", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["records"].as_array().unwrap().iter().any(|r| r["kind"] == "account"));
}

#[tokio::test]
async fn minors_names_are_masked_in_supervision_deadlines() {
    let w = world().await;
    let id = register(&w).await;
    w.act("2025-09-01 10:00", "officer", &id, json!({"type": "detain", "person": 2})).await;
    let (s, v) = w.call("GET", "/api/v1/deadlines?within_days=30", "supervisor", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.to_string().contains("王某") && !v.to_string().contains("王小明"), "{v}");
    let (_, v) = w.call("GET", "/api/v1/deadlines?within_days=30", "officer", None).await;
    assert!(v.to_string().contains("王小明"), "the handling police see the name: {v}");
}

#[tokio::test]
async fn minors_names_are_masked_in_case_lists_and_inboxes() {
    let w = world().await;
    let id = register(&w).await;
    let (s, v) = w.call("GET", "/api/v1/cases", "supervisor", None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let listed = v["cases"].as_array().unwrap().iter().find(|c| c["id"] == id.as_str()).expect("the committee lists the case").clone();
    assert_eq!(listed["title"], "王某等盗窃案", "{listed}");
    let (_, v) = w.call("GET", "/api/v1/cases", "officer", None).await;
    assert!(v.to_string().contains("王小明等盗窃案"), "the handling police see the title as written: {v}");
    let (_, v) = w.call("GET", "/api/v1/inbox", "officer", None).await;
    assert!(v.to_string().contains("王小明"), "{v}");
}
