//! The OpenAPI document stays in sync with the router and the `Action` union: every documented
//! operation reaches a handler, every route registered in the source is documented, and a sample
//! of every action validates against its schema.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use domain::action::{NonProsecutionBasis, PersonInput, PersonVerdict, SecondInstanceOutcome};
use domain::case::{ArrestRequestExtension, CustodyExtension, Gender, Procedure, Sentence, Verdict};
use domain::Action;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;
use store::{Durability, ManualClock, Store};
use tower::ServiceExt;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

async fn app() -> (axum::Router, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 9, 1, 1, 0, 0).unwrap()));
    let store = Store::open(&tmp.path().join("db"), Durability::Full, clock).await.unwrap();
    (server::router(server::AppState::new(store)), tmp)
}

async fn send(app: &axum::Router, method: &str, path: &str) -> (StatusCode, Value) {
    let req = Request::builder().method(method.to_uppercase().as_str()).uri(path).header("content-type", "application/json").body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The router's fallback: no route at all for this path.
fn is_fallback(status: StatusCode, v: &Value) -> bool {
    status == StatusCode::NOT_FOUND && v["error"]["message"] == "没有这个地址"
}

/// A concrete path for a template: `{size}` and acknowledge ids are numbers.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|seg| match seg {
            "{size}" => "1".to_string(),
            "{id}" if template.ends_with("/acknowledge") => "1".to_string(),
            s if s.starts_with('{') => "x".to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn documented() -> BTreeSet<(String, String)> {
    let doc = server::openapi::document();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            out.insert((m.clone(), path.clone()));
        }
    }
    out
}

/// `(method, full path)` of every `.route("…", …)` in the server's API source files: routes of
/// the API modules are nested under `/api/v1`; those of `lib.rs` are at the root.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let root = p.file_name().unwrap() == "lib.rs";
        let src = std::fs::read_to_string(&p).unwrap();
        let mut rest = src.as_str();
        while let Some(i) = rest.find(".route(\"") {
            rest = &rest[i + 8..];
            let end = rest.find('"').unwrap();
            let path = &rest[..end];
            // The method router: up to the closing parenthesis of `.route(`.
            let mut depth = 1;
            let mut j = end + 1;
            for (k, c) in rest[end + 1..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    j = end + 1 + k;
                    break;
                }
            }
            let methods = &rest[end + 1..j];
            let full = if root { path.to_string() } else { format!("/api/v1{path}") };
            for m in METHODS {
                let needle = format!("{m}(");
                if methods.match_indices(&needle).any(|(k, _)| k == 0 || !methods.as_bytes()[k - 1].is_ascii_alphanumeric() && methods.as_bytes()[k - 1] != b'_') {
                    out.insert((m.to_string(), full.clone()));
                }
            }
            rest = &rest[j..];
        }
    }
    out
}

#[tokio::test]
async fn served_document_is_openapi_3_with_errors_auth_and_cursors() {
    let (app, _tmp) = app().await;
    let (s, v) = send(&app, "get", "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, server::openapi::document());
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(v["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let err = &v["components"]["schemas"]["Error"]["properties"]["error"];
    for f in ["code", "message", "field", "citation"] {
        assert!(err["properties"].get(f).is_some(), "error schema lacks {f}");
    }
    let params = |path: &str| v["paths"][path]["get"]["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(params("/api/v1/cases").contains(&"cursor".to_string()));
    assert!(params("/api/v1/cases").contains(&"limit".to_string()));
    assert!(params("/api/v1/supervision/alerts").contains(&"after".to_string()));
    // Every operation documents the error schema and every $ref resolves.
    let schemas = v["components"]["schemas"].as_object().unwrap();
    let text = v.to_string();
    for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &r[..r.find('"').unwrap()];
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    for r in text.split("\"$ref\":\"#/components/responses/").skip(1) {
        let name = &r[..r.find('"').unwrap()];
        let resp = &v["components"]["responses"][name];
        assert_eq!(resp["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error", "response {name}");
    }
    for (path, item) in v["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            assert_eq!(op["responses"]["422"]["$ref"], "#/components/responses/Invalid", "{m} {path}");
        }
    }
    let post_cases = &v["paths"]["/api/v1/cases"]["post"];
    assert_eq!(post_cases["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/CommandBody");
    assert_eq!(post_cases["security"][0]["bearer"], json!([]));
}

#[tokio::test]
async fn every_documented_operation_reaches_a_handler() {
    let (app, _tmp) = app().await;
    for (m, path) in documented() {
        let (s, v) = send(&app, &m, &concrete(&path)).await;
        assert!(!is_fallback(s, &v), "{m} {path}: documented but the router has no such path");
        assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}: documented but the method is not routed");
        assert!(s != StatusCode::INTERNAL_SERVER_ERROR, "{m} {path}: {v}");
    }
}

#[tokio::test]
async fn every_answering_api_route_is_documented() {
    let (app, _tmp) = app().await;
    let doc = documented();
    // Every route written in the API sources.
    let src = routes_in_source();
    assert!(src.len() > 50, "route parser found only {} routes", src.len());
    for (m, path) in &src {
        if path.starts_with("/api/") || path == "/healthz" {
            if path == "/api/openapi.json" {
                continue;
            }
            assert!(doc.contains(&(m.clone(), path.clone())), "{m} {path} is routed but not in the OpenAPI document");
        }
    }
    // Probing: on every documented path, an undocumented method must not answer.
    let paths: BTreeSet<String> = doc.iter().map(|(_, p)| p.clone()).collect();
    for path in &paths {
        for m in METHODS {
            if doc.contains(&(m.to_string(), path.clone())) {
                continue;
            }
            let (s, v) = send(&app, m, &concrete(path)).await;
            assert!(s == StatusCode::METHOD_NOT_ALLOWED || is_fallback(s, &v), "{m} {path} answers {s} but is not documented: {v}");
        }
    }
    // Probing: prefixes of documented paths and common names under /api/v1 must not answer.
    let mut probes: BTreeSet<String> = BTreeSet::new();
    for path in &paths {
        let segs: Vec<&str> = path.split('/').collect();
        for n in 3..segs.len() {
            probes.insert(concrete(&segs[..n].join("/")));
        }
    }
    for w in ["events", "feed", "stream", "search", "export", "exports", "metrics", "version", "health", "users", "persons", "documents", "files", "uploads", "volumes", "manifests", "seals", "ledger", "admin", "supervision", "stats", "notifications", "webhooks", "subscriptions"] {
        probes.insert(format!("/api/v1/{w}"));
        probes.insert(format!("/api/v1/cases/x/{w}"));
    }
    for p in probes {
        if paths.contains(&p) || paths.iter().any(|d| concrete(d) == p) {
            continue;
        }
        for m in METHODS {
            let (s, v) = send(&app, m, &p).await;
            assert!(s == StatusCode::METHOD_NOT_ALLOWED || is_fallback(s, &v), "{m} {p} answers {s} but is not documented: {v}");
        }
    }
}

/// Fails to compile when a variant is added without a sample below.
fn covered(a: &Action) -> &'static str {
    match a {
        Action::Register { .. }
        | Action::Detain { .. }
        | Action::Interrogate { .. }
        | Action::Release { .. }
        | Action::ExtendArrestRequest { .. }
        | Action::RequestArrest { .. }
        | Action::ApproveArrest { .. }
        | Action::RefuseArrest { .. }
        | Action::RequestReconsideration { .. }
        | Action::DecideReconsideration { .. }
        | Action::RequestReview { .. }
        | Action::DecideReview { .. }
        | Action::ExtendCustody { .. }
        | Action::TransferForProsecution { .. }
        | Action::ExtendReview
        | Action::ReturnForInvestigation { .. }
        | Action::Indict { .. }
        | Action::DecideNonProsecution { .. }
        | Action::RequestNonProsecutionReconsideration
        | Action::DecideNonProsecutionReconsideration { .. }
        | Action::AcceptTrial { .. }
        | Action::ExtendTrial
        | Action::ScheduleHearing { .. }
        | Action::PronounceJudgment { .. }
        | Action::ServeJudgment
        | Action::Appeal { .. }
        | Action::Protest { .. }
        | Action::TakeEffect
        | Action::AcceptSecondInstance
        | Action::ExtendSecondInstance
        | Action::DecideSecondInstance { .. }
        | Action::HandOverForExecution { .. }
        | Action::HandOverForCommunityCorrection { .. }
        | Action::RecordCorrectionReport { .. }
        | Action::WithdrawCase { .. } => a.kind(),
    }
}

fn samples() -> Vec<Action> {
    let r = || "理由".to_string();
    let verdicts = vec![
        PersonVerdict { person: 0, verdict: Verdict::Convicted { charges: vec!["盗窃罪".into()], sentence: Sentence::Probation { months: 6, probation_months: 12 } } },
        PersonVerdict { person: 1, verdict: Verdict::Acquitted },
    ];
    vec![
        Action::Register {
            title: "张某盗窃案".into(),
            facts: "案情".into(),
            charges: vec!["盗窃罪".into()],
            persons: vec![
                PersonInput { name: "张某".into(), id_card: Some("110101199001011234".into()), gender: Some(Gender::Male), birth_date: Some(chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap()), phone: Some("13812345678".into()), address: Some("北京市东城区某路1号".into()) },
                PersonInput { name: "李某".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None },
            ],
        },
        Action::Detain { person: 0 },
        Action::Interrogate { person: 0 },
        Action::Release { person: 0, reason: r() },
        Action::ExtendArrestRequest { person: 0, extension: ArrestRequestExtension::SpecialDays { days: 4 } },
        Action::ExtendArrestRequest { person: 0, extension: ArrestRequestExtension::SeriousSuspect },
        Action::RequestArrest { person: 0 },
        Action::ApproveArrest { person: 0 },
        Action::RefuseArrest { person: 0, reason: r() },
        Action::RequestReconsideration { person: 0 },
        Action::DecideReconsideration { person: 0, change: true },
        Action::RequestReview { person: 0 },
        Action::DecideReview { person: 0, change: false },
        Action::ExtendCustody { person: 0, basis: CustodyExtension::Art156 },
        Action::ExtendCustody { person: 0, basis: CustodyExtension::Art159 },
        Action::TransferForProsecution { confession_and_acceptance: true },
        Action::ExtendReview,
        Action::ReturnForInvestigation { reason: r() },
        Action::Indict { confession_and_acceptance: true, sentencing_proposal: Some("有期徒刑六个月".into()) },
        Action::Indict { confession_and_acceptance: false, sentencing_proposal: None },
        Action::DecideNonProsecution { basis: NonProsecutionBasis::InsufficientEvidence, reason: r() },
        Action::RequestNonProsecutionReconsideration,
        Action::DecideNonProsecutionReconsideration { revoke: true },
        Action::AcceptTrial { procedure: Procedure::FastTrack, judge: Some("judge".into()) },
        Action::AcceptTrial { procedure: Procedure::Ordinary, judge: None },
        Action::ExtendTrial,
        Action::ScheduleHearing { at: Utc.with_ymd_and_hms(2025, 10, 1, 2, 0, 0).unwrap() },
        Action::PronounceJudgment { verdicts: verdicts.clone() },
        Action::ServeJudgment,
        Action::Appeal { person: 0 },
        Action::Protest { reason: r() },
        Action::TakeEffect,
        Action::AcceptSecondInstance,
        Action::ExtendSecondInstance,
        Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Uphold },
        Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Amend { verdicts: vec![PersonVerdict { person: 0, verdict: Verdict::Convicted { charges: vec!["盗窃罪".into()], sentence: Sentence::Death { reprieve: true } } }] } },
        Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Remand },
        Action::HandOverForExecution { person: 0 },
        Action::HandOverForCommunityCorrection { person: 0 },
        Action::RecordCorrectionReport { person: 0 },
        Action::WithdrawCase { reason: r() },
    ]
}

/// A small validator for the subset of JSON Schema the document uses.
fn validate(schemas: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        return validate(schemas, &schemas[name], v, at);
    }
    if let Some(alts) = schema["oneOf"].as_array() {
        let ok: Vec<_> = alts.iter().filter(|s| validate(schemas, s, v, at).is_ok()).collect();
        return if ok.len() == 1 { Ok(()) } else { Err(format!("{at}: {} alternatives match {v}", ok.len())) };
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        return Err(format!("{at}: expected {c}, got {v}"));
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(v)
    {
        return Err(format!("{at}: {v} not in {e:?}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() {
        let actual = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !(types.contains(&actual) || actual == "integer" && types.contains(&"number")) {
            return Err(format!("{at}: {actual} is not {types:?}"));
        }
        if schema["minimum"].as_i64() == Some(0) && v.as_i64().is_some_and(|n| n < 0) {
            return Err(format!("{at}: negative"));
        }
    }
    if let Value::Object(o) = v {
        for req in schema["required"].as_array().into_iter().flatten() {
            let req = req.as_str().unwrap();
            if !o.contains_key(req) {
                return Err(format!("{at}: missing required {req}"));
            }
        }
        let props = schema["properties"].as_object();
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(schemas, s, x, &format!("{at}.{k}"))?,
                None if schema["additionalProperties"] == false => return Err(format!("{at}: unknown property {k}")),
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (v, schema.get("items")) {
        for (i, x) in items.iter().enumerate() {
            validate(schemas, s, x, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn every_action_has_a_schema_its_sample_validates_against() {
    let doc = server::openapi::document();
    let schemas = &doc["components"]["schemas"];
    let samples = samples();
    let kinds: BTreeSet<&str> = samples.iter().map(covered).collect();
    assert_eq!(kinds.len(), 35, "a sample per variant");
    let mapping = doc["components"]["schemas"]["Action"]["discriminator"]["mapping"].as_object().unwrap();
    assert_eq!(mapping.keys().map(String::as_str).collect::<BTreeSet<_>>(), kinds, "the document's action types are exactly the enum's");
    for a in &samples {
        let v = serde_json::to_value(a).unwrap();
        let kind = v["type"].as_str().unwrap();
        assert_eq!(kind, a.kind());
        let name = server::openapi::action_schema_name(kind);
        let schema = &schemas[&name];
        assert!(schema.is_object(), "no schema {name}");
        validate(schemas, schema, &v, "action").unwrap_or_else(|e| panic!("{kind}: {e}"));
        validate(schemas, &json!({ "$ref": "#/components/schemas/Action" }), &v, "action").unwrap_or_else(|e| panic!("{kind}: {e}"));
        // A full command body too; and the document's required fields are what serde requires.
        let body = json!({ "request_id": "r1", "expected_version": 3, "action": v });
        validate(schemas, &schemas["CommandBody"], &body, "body").unwrap();
        for req in schema["required"].as_array().unwrap() {
            let mut without = v.clone();
            without.as_object_mut().unwrap().remove(req.as_str().unwrap());
            assert!(serde_json::from_value::<Action>(without).is_err(), "{kind}: {req} is documented as required but serde accepts its absence");
        }
        for (prop, _) in schema["properties"].as_object().unwrap() {
            let is_req = schema["required"].as_array().unwrap().iter().any(|r| r == prop);
            if !is_req {
                let mut without = v.clone();
                without.as_object_mut().unwrap().remove(prop);
                assert!(serde_json::from_value::<Action>(without).is_ok(), "{kind}: {prop} is documented as optional but serde requires it");
            }
        }
        let mut extra = v.clone();
        extra["unexpected"] = json!(1);
        // Known gap: serde's `deny_unknown_fields` does not reach the unit variants of an
        // internally tagged enum (`{"type": "extend_review", "x": 1}` is accepted); the document
        // is stricter than the server there.
        let unit = schema["properties"].as_object().unwrap().len() == 1;
        assert!(unit || serde_json::from_value::<Action>(extra.clone()).is_err(), "{kind}: serde accepts an unknown field");
        assert!(validate(schemas, schema, &extra, "action").is_err());
    }
}

/// The checked-in copy (`crates/server/openapi/openapi.json`, for integrators and validators)
/// equals the served document. `UPDATE_OPENAPI=1 cargo test -p server --test openapi` rewrites it.
#[test]
fn checked_in_copy_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let want = serde_json::to_string_pretty(&server::openapi::document()).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "{} is stale: run UPDATE_OPENAPI=1 cargo test -p server --test openapi", path.display());
}

/// Real answers have the documented shapes: the login, a command's result, a case, an error.
#[tokio::test]
async fn answers_validate_against_their_documented_schemas() {
    use domain::{AgencyKind, Level, Organization, Role, User};
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 9, 1, 1, 0, 0).unwrap()));
    let store = Store::open(&tmp.path().join("db"), Durability::Full, clock).await.unwrap();
    store.put_organization(&Organization { id: "d1-police".into(), name: "公安".into(), kind: AgencyKind::Police, level: Level::County, jurisdiction: "99".into(), parent: None }).await.unwrap();
    store.put_user(&User { id: "officer".into(), username: "officer".into(), name: "警官".into(), org: "d1-police".into(), role: Role::Officer, active: true }, Some(&server::auth::hash_password("pw"))).await.unwrap();
    let app = server::router(server::AppState::new(store));
    let doc = server::openapi::document();
    let schemas = &doc["components"]["schemas"];
    let call = |method: &'static str, path: String, token: Option<String>, body: Value| {
        let app = app.clone();
        async move {
            let mut req = Request::builder().method(method).uri(path).header("content-type", "application/json");
            if let Some(t) = token {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            let res = app.oneshot(req.body(Body::from(body.to_string())).unwrap()).await.unwrap();
            let status = res.status();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap())
        }
    };
    let login = json!({ "username": "officer", "password": "pw" });
    validate(schemas, &schemas["LoginBody"], &login, "login").unwrap();
    let (s, v) = call("POST", "/api/v1/session".into(), None, login).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let token = v["token"].as_str().unwrap().to_string();
    let cmd = json!({ "request_id": "r-1", "action": { "type": "register", "title": "张某盗窃案", "facts": "案情", "charges": ["盗窃"], "persons": [{ "name": "张某", "gender": "male" }] } });
    validate(schemas, &schemas["CommandBody"], &cmd, "command").unwrap();
    let (s, v) = call("POST", "/api/v1/cases".into(), Some(token.clone()), cmd).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    validate(schemas, &schemas["CommandResult"], &v, "result").unwrap();
    let event_action = &v["event"]["action"];
    validate(schemas, &schemas["Action"], event_action, "event.action").unwrap();
    let id = v["case"]["case"]["id"].as_str().unwrap().to_string();
    let (s, v) = call("GET", format!("/api/v1/cases/{id}"), Some(token.clone()), Value::Null).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    validate(schemas, &schemas["CaseView"], &v, "case").unwrap();
    let (s, v) = call("POST", format!("/api/v1/cases/{id}/actions"), Some(token), json!({ "action": { "type": "detain" } })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    validate(schemas, &schemas["Error"], &v, "error").unwrap();
    assert_eq!(v["error"]["field"], "action.person");
}
