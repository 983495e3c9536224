//! Robustness under bad input: for every JSON endpoint of the OpenAPI document, deterministic
//! generated bad requests — malformed JSON, random bytes, wrong types, missing fields, unknown
//! fields, unknown enum values, oversized bodies, weird query parameters — are answered with a
//! 4xx and a JSON error naming a field (or `body`), never a 500 or a panic, and nothing is
//! written (the event count stays the same).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{TimeZone, Utc};
use domain::{AgencyKind, Level, Organization, Role, User};
use http_body_util::BodyExt;
use serde_json::{json, Map, Value};
use server::openapi::{self, Endpoint};
use std::sync::Arc;
use store::{Durability, ManualClock, Store};
use tower::ServiceExt;

/// xorshift64*: small, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

struct World {
    app: axum::Router,
    token: String,
    case_id: String,
    _tmp: tempfile::TempDir,
}

async fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2025, 9, 1, 1, 0, 0).unwrap()));
    let store = Store::open(&tmp.path().join("db"), Durability::Full, clock).await.unwrap();
    for (id, kind, parent) in [("city-committee", AgencyKind::Committee, None), ("city-police", AgencyKind::Police, None), ("d1-police", AgencyKind::Police, Some("city-police"))] {
        store
            .put_organization(&Organization { id: id.into(), name: id.into(), kind, level: if parent.is_some() { Level::County } else { Level::City }, jurisdiction: "99".into(), parent: parent.map(String::from) })
            .await
            .unwrap();
    }
    let hash = server::auth::hash_password("pw");
    store.put_user(&User { id: "officer".into(), username: "officer".into(), name: "警官".into(), org: "d1-police".into(), role: Role::Officer, active: true }, Some(&hash)).await.unwrap();
    let app = server::router(server::AppState::new(store));
    let mut w = World { app, token: String::new(), case_id: String::new(), _tmp: tmp };
    let (s, v) = w.send("POST", "/api/v1/session", "application/json", json!({"username": "officer", "password": "pw"}).to_string().into_bytes()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    w.token = v["token"].as_str().unwrap().to_string();
    let reg = json!({ "action": { "type": "register", "title": "张某盗窃案", "facts": "案情", "charges": ["盗窃"], "persons": [{ "name": "张某" }] } });
    let (s, v) = w.send("POST", "/api/v1/cases", "application/json", reg.to_string().into_bytes()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    w.case_id = v["case"]["case"]["id"].as_str().unwrap().to_string();
    w
}

impl World {
    async fn send(&self, method: &str, uri: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri).header("content-type", content_type);
        if !self.token.is_empty() {
            req = req.header("authorization", format!("Bearer {}", self.token));
        }
        let res = self.app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes[..bytes.len().min(200)]) })))
    }

    async fn events(&self) -> u64 {
        let (s, v) = self.send("GET", "/healthz", "application/json", vec![]).await;
        assert_eq!(s, StatusCode::OK);
        v["events"].as_u64().unwrap()
    }

    fn path(&self, template: &str) -> String {
        template
            .split('/')
            .map(|seg| match seg {
                "{id}" if template.starts_with("/api/v1/cases/") => self.case_id.clone(),
                "{size}" => "1".into(),
                s if s.starts_with('{') => "1".into(),
                s => s.into(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// Checks one answer: a 4xx with a JSON error naming a field.
fn check(failures: &mut Vec<String>, what: &str, s: StatusCode, v: &Value) {
    let field = v["error"]["field"].as_str().unwrap_or("");
    if !s.is_client_error() || v["error"]["code"].as_str().is_none() || field.is_empty() {
        failures.push(format!("{what}: {s} {v}"));
    }
}

fn resolve<'a>(schemas: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(schemas, &schemas[r.strip_prefix("#/components/schemas/").unwrap()]),
        None => schema,
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => vec![],
    }
}

/// A valid-shaped instance of `schema`; objects are recorded with their JSON pointer and schema.
fn generate(schemas: &Value, schema: &Value, rng: &mut Rng, at: &str, sites: &mut Vec<(String, Value)>) -> Value {
    let schema = resolve(schemas, schema);
    if let Some(alts) = schema["oneOf"].as_array() {
        let pick = &alts[rng.below(alts.len())];
        return generate(schemas, pick, rng, at, sites);
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(e) = schema["enum"].as_array() {
        return e.iter().find(|v| !v.is_null()).unwrap().clone();
    }
    match types(schema).first().copied() {
        Some("string") => match schema["format"].as_str() {
            Some("date-time") => json!("2025-09-01T08:00:00Z"),
            Some("date") => json!("2025-09-01"),
            _ => json!("x"),
        },
        Some("integer") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([generate(schemas, &schema["items"], rng, &format!("{at}/0"), sites)]),
        _ => {
            let mut o = Map::new();
            let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            for (k, p) in schema["properties"].as_object().into_iter().flatten() {
                if required.contains(&k.as_str()) || rng.below(2) == 0 {
                    o.insert(k.clone(), generate(schemas, p, rng, &format!("{at}/{k}"), sites));
                }
            }
            sites.push((at.to_string(), schema.clone()));
            Value::Object(o)
        }
    }
}

/// A value of a type the schema does not allow.
fn wrong_type(schemas: &Value, schema: &Value) -> Value {
    let schema = resolve(schemas, schema);
    if schema.get("const").is_some() || schema["enum"].is_array() {
        return json!("no_such_value");
    }
    let t = types(schema);
    if t.contains(&"string") {
        json!(12345)
    } else if t.contains(&"integer") || t.contains(&"boolean") || t.contains(&"array") {
        json!("x")
    } else {
        json!(7)
    }
}

/// One mutation of a valid-shaped body that makes it invalid; returns the body and a label.
fn mutate(schemas: &Value, body_schema: &str, rng: &mut Rng) -> (Value, String) {
    let mut sites = Vec::new();
    let mut v = generate(schemas, &json!({ "$ref": format!("#/components/schemas/{body_schema}") }), rng, "", &mut sites);
    loop {
        let (at, schema) = sites[rng.below(sites.len())].clone();
        let props = schema["properties"].as_object().cloned().unwrap_or_default();
        let required: Vec<String> = schema["required"].as_array().into_iter().flatten().filter_map(|x| x.as_str().map(String::from)).collect();
        let target = v.pointer_mut(&at).unwrap().as_object_mut().unwrap();
        match rng.below(4) {
            0 if !required.is_empty() => {
                let k = &required[rng.below(required.len())];
                target.remove(k);
                return (v, format!("missing {at}/{k}"));
            }
            1 if !props.is_empty() => {
                let keys: Vec<&String> = props.keys().collect();
                let k = keys[rng.below(keys.len())];
                target.insert(k.clone(), wrong_type(schemas, &props[k]));
                return (v, format!("wrong type {at}/{k}"));
            }
            // Unknown fields: on the body itself and on a non-unit action (serde does not deny
            // them on unit variants of internally tagged enums, nor on untagged helpers).
            2 if at.is_empty() || (at == "/action" && props.len() > 1) => {
                target.insert("zz_unknown".into(), json!(1));
                return (v, format!("unknown field {at}/zz_unknown"));
            }
            3 => {
                let enums: Vec<&String> = props.iter().filter(|(_, p)| p["enum"].is_array() || p.get("const").is_some()).map(|(k, _)| k).collect();
                if !enums.is_empty() {
                    let k = enums[rng.below(enums.len())];
                    target.insert(k.clone(), json!("no_such_value"));
                    return (v, format!("unknown enum value {at}/{k}"));
                }
            }
            _ => {}
        }
    }
}

/// Known gaps (none today; a gap found later is listed here with an ignored test stating the
/// wanted behaviour).
const KNOWN_BODY_GAPS: &[(&str, &str)] = &[];

fn json_endpoints() -> Vec<&'static Endpoint> {
    openapi::ENDPOINTS.iter().filter(|e| matches!(e.body, openapi::Body::Json(_) | openapi::Body::OptionalJson(_))).collect()
}

#[tokio::test]
async fn bad_bodies_are_refused_with_a_field_and_write_nothing() {
    let w = world().await;
    let before = w.events().await;
    let doc = openapi::document();
    let schemas = &doc["components"]["schemas"];
    let mut rng = Rng(0x5EED_1A4B_A400_0001);
    let mut failures = Vec::new();
    let mut tried = 0;
    for e in json_endpoints() {
        let (openapi::Body::Json(schema) | openapi::Body::OptionalJson(schema)) = e.body else { unreachable!() };
        let method = e.method.to_uppercase();
        let uri = w.path(e.path);
        let mut bodies: Vec<(String, Vec<u8>, &str)> = vec![
            ("malformed JSON".into(), b"{\"a\": ".to_vec(), "application/json"),
            ("trailing garbage".into(), b"{} xx".to_vec(), "application/json"),
            ("array".into(), b"[]".to_vec(), "application/json"),
            ("string".into(), b"\"x\"".to_vec(), "application/json"),
            ("number".into(), b"42".to_vec(), "application/json"),
            ("null".into(), b"null".to_vec(), "application/json"),
            ("deep nesting".into(), "[".repeat(10_000).into_bytes(), "application/json"),
            ("invalid UTF-8".into(), b"{\"a\": \"\xff\xfe\"}".to_vec(), "application/json"),
            ("oversized".into(), format!("{{\"x\": \"{}\"}}", "a".repeat(server::MAX_BODY + 10)).into_bytes(), "application/json"),
            ("wrong content type".into(), b"not json at all".to_vec(), "text/plain"),
        ];
        if e.body == openapi::Body::Json(schema) {
            bodies.push(("empty object".into(), b"{}".to_vec(), "application/json"));
            bodies.push(("empty body".into(), vec![], "application/json"));
        }
        for i in 0..8 {
            let n = 1 + rng.below(64);
            bodies.push((format!("random bytes #{i}"), rng.bytes(n), "application/json"));
        }
        for _ in 0..24 {
            let (v, label) = mutate(schemas, schema, &mut rng);
            bodies.push((format!("{label}: {v}"), v.to_string().into_bytes(), "application/json"));
        }
        for (label, body, ct) in bodies {
            tried += 1;
            let (s, v) = w.send(&method, &uri, ct, body).await;
            let what = format!("{method} {} [{label}]", e.path);
            let mut local = Vec::new();
            check(&mut local, &what, s, &v);
            if !local.is_empty() && KNOWN_BODY_GAPS.iter().any(|(p, l)| *p == e.path && label == *l) {
                assert!(s.is_client_error(), "{what}: {s} {v}");
                continue;
            }
            // A mutation of the body's own fields names that field.
            if local.is_empty() && let Some(name) = label.split(": ").next().and_then(|l| l.rsplit_once(" /")).map(|(_, k)| k).filter(|k| !k.contains('/')) {
                let field = v["error"]["field"].as_str().unwrap_or("");
                if !field.contains(name) {
                    local.push(format!("{what}: field {field:?} does not name {name}"));
                }
            }
            failures.extend(local);
        }
    }
    assert!(tried > 500, "only {tried} requests");
    assert_eq!(w.events().await, before, "a bad request wrote an event");
    assert!(failures.is_empty(), "{} of {tried} bad bodies not refused with a field:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn unknown_action_types_and_commands_on_the_wrong_route_are_refused() {
    let w = world().await;
    let before = w.events().await;
    let mut failures = Vec::new();
    let acts = format!("/api/v1/cases/{}/actions", w.case_id);
    for (uri, body) in [
        (acts.as_str(), json!({ "action": { "type": "fly_to_the_moon" } })),
        (acts.as_str(), json!({ "action": { "type": 7 } })),
        (acts.as_str(), json!({ "action": { "person": 0 } })),
        (acts.as_str(), json!({ "action": "detain" })),
        (acts.as_str(), json!({ "action": { "type": "detain", "person": -1 } })),
        (acts.as_str(), json!({ "action": { "type": "detain", "person": 4294967296u64 } })),
        (acts.as_str(), json!({ "action": { "type": "detain", "person": 1.5 } })),
        (acts.as_str(), json!({ "action": { "type": "detain", "person": 0 }, "expected_version": -1 })),
        (acts.as_str(), json!({ "action": { "type": "detain", "person": 0 }, "claimed_at": "yesterday" })),
        (acts.as_str(), json!({ "action": { "type": "extend_custody", "person": 0, "basis": "art999" } })),
        (acts.as_str(), json!({ "action": { "type": "schedule_hearing", "at": "2025-13-45T99:00:00Z" } })),
        ("/api/v1/cases", json!({ "action": { "type": "detain", "person": 0 } })),
        ("/api/v1/cases", json!({ "action": { "type": "register", "title": "t", "facts": "f", "charges": "盗窃罪", "persons": [] } })),
        ("/api/v1/cases", json!({ "action": { "type": "register", "title": "t", "facts": "f", "charges": [], "persons": [{ "name": "n", "gender": "unknown" }] } })),
        ("/api/v1/cases", json!({ "action": { "type": "register", "title": "t", "facts": "f", "charges": [], "persons": [{ "name": "n", "birth_date": "01/02/1990" }] } })),
        ("/api/v1/cases/no-such-case/actions", json!({ "action": { "type": "nope" } })),
    ] {
        let (s, v) = w.send("POST", uri, "application/json", body.to_string().into_bytes()).await;
        check(&mut failures, &format!("POST {uri} {body}"), s, &v);
    }
    assert_eq!(w.events().await, before, "a bad request wrote an event");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Endpoints that once parsed their query string with axum's plain `Query` extractor (a bad query
/// was a plain-text 400); they now use `body::ApiQuery`, and must answer the JSON error.
const PLAIN_QUERY_REJECTION: &[&str] = &[
    "/api/v1/cases",
    "/api/v1/deadlines",
    "/api/v1/admin/audit",
    "/api/v1/supervision/alerts",
    "/api/v1/supervision/findings",
    "/api/v1/supervision/notifications",
    "/api/v1/supervision/report",
    "/api/v1/feed",
    "/api/v1/feed/stream",
    "/api/v1/feed/consumers",
];

#[tokio::test]
async fn weird_query_parameters_are_refused_with_a_field() {
    let w = world().await;
    let before = w.events().await;
    let mut failures = Vec::new();
    let mut gaps = Vec::new();
    for e in openapi::ENDPOINTS.iter().filter(|e| !e.query.is_empty()) {
        let base = w.path(e.path);
        let required: Vec<&str> = e.query.iter().filter(|p| p.2).map(|p| p.0).collect();
        // Valid-looking values of the required parameters, to combine with one bad one.
        let valid = |skip: &str| -> Vec<String> {
            e.query.iter().filter(|p| p.2 && p.0 != skip).map(|p| format!("{}={}", p.0, if p.1 == "integer" { "1" } else if p.0 == "from" || p.0 == "to" { "2025-01-01" } else { "x" })).collect()
        };
        let mut queries: Vec<String> = vec![format!("{}&zz_unknown=1", valid("").join("&")).trim_start_matches('&').to_string()];
        for p in e.query {
            let mut with = |bad: &str| {
                let mut q = valid(p.0);
                q.push(format!("{}={bad}", p.0));
                queries.push(q.join("&"));
            };
            match p.1 {
                "integer" => {
                    for bad in ["abc", "-5", "1.5", "99999999999999999999999", "", "%ZZ", "0x10"] {
                        // Supervision and audit cursors (`after`) are signed row ids.
                        if bad == "-5" && p.0 == "after" && !e.path.starts_with("/api/v1/feed") {
                            continue;
                        }
                        with(bad);
                    }
                }
                "boolean" => {
                    for bad in ["maybe", "2", ""] {
                        with(bad);
                    }
                }
                _ if p.0 == "from" || p.0 == "to" => {
                    for bad in ["2025-02-30", "yesterday", ""] {
                        with(bad);
                    }
                }
                _ => {}
            }
        }
        if !required.is_empty() {
            queries.push(String::new());
        }
        for q in queries {
            let uri = if q.is_empty() { base.clone() } else { format!("{base}?{q}") };
            let method = e.method.to_uppercase();
            let (s, v) = if e.body == openapi::Body::Bytes { w.send(&method, &uri, "application/octet-stream", b"x".to_vec()).await } else { w.send(&method, &uri, "application/json", vec![]).await };
            let mut local = Vec::new();
            check(&mut local, &format!("{method} {uri}"), s, &v);
            if local.is_empty() {
                continue;
            }
            // Some values are legitimately accepted (e.g. `limit=` empty on an optional filter).
            if s.is_success() && !required.is_empty() && q.contains("=&") {
                continue;
            }
            if false {
                gaps.push(local.remove(0));
            } else if s.is_success() && (q.ends_with('=') || q.contains("=&")) {
                // An empty optional parameter treated as absent is acceptable.
            } else {
                failures.extend(local);
            }
        }
    }
    eprintln!("known gap, plain-text query rejections ({}):\n{}", gaps.len(), gaps.join("\n"));
    assert_eq!(w.events().await, before, "a bad request wrote an event");
    assert!(failures.is_empty(), "{} weird queries not refused with a field:\n{}", failures.len(), failures.join("\n"));
}

/// Characters after the JSON value make the body malformed (a login with trailing garbage once
/// succeeded).
#[tokio::test]
async fn trailing_garbage_after_a_valid_body_is_refused() {
    let mut w = world().await;
    w.token.clear();
    let (s, v) = w.send("POST", "/api/v1/session", "application/json", br#"{"username": "officer", "password": "pw"} garbage"#.to_vec()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "body");
}

/// An oversized upload completion answers the JSON error like every JSON endpoint.
#[tokio::test]
async fn oversized_upload_completion_answers_a_json_error() {
    let w = world().await;
    let body = format!("{{\"sha256\": \"{}\"}}", "a".repeat(server::MAX_BODY + 10));
    let (s, v) = w.send("POST", "/api/v1/uploads/1/complete", "application/json", body.into_bytes()).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(v["error"]["field"], "body", "{v}");
}

/// A bad query string answers the JSON error naming the parameter on every endpoint.
#[tokio::test]
async fn bad_query_strings_answer_json_errors_everywhere() {
    let w = world().await;
    for path in PLAIN_QUERY_REJECTION {
        let (s, v) = w.send("GET", &format!("{path}?zz_unknown=1"), "application/json", vec![]).await;
        assert!(s.is_client_error() && v["error"]["field"].is_string(), "{path}: {s} {v}");
    }
}

/// The names in serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn expected_names(text: &str) -> Option<Vec<String>> {
    let rest = &text[text.find("expected ")? + 9..];
    let rest = rest.strip_prefix("one of ").unwrap_or(rest);
    // serde: "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
    let rest = rest.replacen("` or `", "`, `", 1);
    let names: Vec<String> = rest.split(", ").map_while(|s| s.trim_end_matches(['"', '}']).strip_prefix('`').and_then(|s| s.split('`').next()).map(String::from)).collect();
    (!names.is_empty()).then_some(names)
}

/// The documented query parameters are the ones the handlers read: an unknown parameter's
/// refusal lists the accepted names; a GET documented without parameters takes none.
#[tokio::test]
async fn documented_query_parameters_are_the_accepted_ones() {
    let w = world().await;
    let mut failures = Vec::new();
    for e in openapi::ENDPOINTS.iter().filter(|e| e.method == "get" || !e.query.is_empty()) {
        let mut q: Vec<String> = e.query.iter().filter(|p| p.2).map(|p| format!("{}={}", p.0, if p.1 == "integer" { "1" } else if p.0 == "from" || p.0 == "to" { "2025-01-01" } else { "x" })).collect();
        q.push("zz_unknown=1".into());
        let uri = format!("{}?{}", w.path(e.path), q.join("&"));
        let method = e.method.to_uppercase();
        let (_, v) = w.send(&method, &uri, "application/octet-stream", vec![]).await;
        let text = v.to_string();
        let documented: Vec<String> = e.query.iter().map(|p| p.0.to_string()).collect();
        match (text.contains("zz_unknown"), expected_names(&text)) {
            (true, Some(mut names)) => {
                let mut want = documented.clone();
                names.sort();
                want.sort();
                if names != want {
                    failures.push(format!("{method} {}: accepts {names:?}, documented {want:?}", e.path));
                }
            }
            (true, None) => failures.push(format!("{method} {}: refusal of an unknown parameter lists no names: {text}", e.path)),
            (false, _) if !documented.is_empty() => failures.push(format!("{method} {}: documented parameters but an unknown one is not refused: {text}", e.path)),
            (false, _) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Fields an action does not have are refused, even on actions without fields and inside
/// nested values, where serde's `deny_unknown_fields` does not reach.
#[tokio::test]
async fn unknown_fields_inside_actions_are_refused() {
    let w = world().await;
    let before = w.events().await;
    for (body, field) in [
        (r#"{"action": {"type": "extend_review", "x": 1}}"#, "action.x"),
        (r#"{"action": {"type": "take_effect", "when": "now"}}"#, "action.when"),
        (r#"{"action": {"type": "extend_arrest_request", "person": 1, "extension": {"kind": "special_days", "days": 2, "why": "x"}}}"#, "action.extension.why"),
    ] {
        let (s, v) = w.send("POST", "/api/v1/cases/LB-2025-000001/actions", "application/json", body.as_bytes().to_vec()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["error"]["field"], field, "{body}: {v}");
    }
    assert_eq!(w.events().await, before);
}
