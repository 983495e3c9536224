//! The web interface applies the same gate as the JSON API: sealed cases are absent from every
//! list, inbox, dashboard and count and their pages are 404 (audited); minors' names and ID
//! numbers are masked on the committee's pages; unmasked reads leave an access record; and the
//! login form takes the second factor.

mod ui_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use ui_support::*;

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Vec<(String, String)>, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string())).collect();
    let body = String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, headers, body)
}

fn form(uri: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

fn set_cookie(h: &[(String, String)], name: &str) -> Option<String> {
    h.iter().filter(|(k, _)| k == "set-cookie").find_map(|(_, v)| v.strip_prefix(&format!("{name}=")).map(|r| r.split(';').next().unwrap().to_string()))
}

fn hidden(body: &str, name: &str) -> String {
    let at = body.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no hidden {name}"));
    let rest = &body[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Posts the login form (with a TOTP code when given); the session cookie, or the refusal page.
async fn web_login(app: &axum::Router, user: &str, totp: Option<&str>) -> Result<String, (StatusCode, String)> {
    let (_, h, body) = send(app, get("/login", "")).await;
    assert!(body.contains("name=\"totp\""), "the login form has the second-factor field");
    let pre = set_cookie(&h, "lianban_csrf").unwrap();
    let csrf = hidden(&body, "csrf");
    let cookie = format!("lianban_csrf={pre}");
    let totp = totp.map(|t| format!("&totp={t}")).unwrap_or_default();
    let (status, h, body) = send(app, form("/login", &cookie, &format!("username={user}&password={PASSWORD}&csrf={csrf}{totp}"))).await;
    if status != StatusCode::SEE_OTHER {
        return Err((status, body));
    }
    Ok(format!("lianban_session={}; lianban_csrf={pre}", set_cookie(&h, "lianban_session").unwrap()))
}

async fn page(app: &axum::Router, cookie: &str, uri: &str) -> (StatusCode, String) {
    let (s, _, b) = send(app, get(uri, cookie)).await;
    (s, b)
}

async fn api(app: &axum::Router, method: &str, path: &str, user: &str, body: Option<Value>) -> (StatusCode, Value) {
    let login = json!({"username": user, "password": PASSWORD});
    let req = Request::post("/api/v1/session").header("content-type", "application/json").body(Body::from(login.to_string())).unwrap();
    let (_, _, b) = send(app, req).await;
    let token = serde_json::from_str::<Value>(&b).unwrap()["token"].as_str().unwrap().to_string();
    bearer(app, method, path, &token, body).await
}

async fn bearer(app: &axum::Router, method: &str, path: &str, token: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
    let req = match body {
        Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let (s, _, b) = send(app, req).await;
    (s, serde_json::from_str(&b).unwrap_or(Value::Null))
}

const MINOR_ID_PREFIX: &str = "11010520090101001";

/// 李大壮's address and 王小明's landline.
const ADDRESS: &str = "临江市江北区滨江路88号3幢201室";
const LANDLINE: &str = "0571-87654321";

/// A case with an adult and a minor (born 2009), both with ID numbers and phone numbers, the
/// adult with an address, the minor detained.
async fn register(srv: &Server, app: &axum::Router, title: &str) -> String {
    let minor_id = format!("{MINOR_ID_PREFIX}{}", domain::ids::id_card_check_char(MINOR_ID_PREFIX));
    let (s, v) = api(
        app,
        "POST",
        "/api/v1/cases",
        "officer",
        Some(json!({"action": {"type": "register", "title": title, "facts": format!("王小明、李大壮盗窃电动车，联系电话13812345678。李大壮住{ADDRESS}。"), "charges": ["盗窃"],
            "persons": [{"name": "李大壮", "id_card": "11010519491231002X", "phone": "13812345678", "address": ADDRESS}, {"name": "王小明", "id_card": minor_id, "phone": LANDLINE}]}})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["case"]["case"]["id"].as_str().unwrap().to_string();
    srv.clock.set(srv.store.now() + chrono::Duration::minutes(30));
    let (s, v) = api(app, "POST", &format!("/api/v1/cases/{id}/actions"), "officer", Some(json!({"action": {"type": "detain", "person": 2}}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

#[tokio::test]
async fn sealed_cases_are_absent_from_every_page_and_list() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let open = register(&srv, &app, "李大壮盗窃案").await;
    let sealed = register(&srv, &app, "赵某某封存案").await;

    // Before sealing, both show up for the handling police and the committee.
    let officer = web_login(&app, "officer", None).await.unwrap();
    let supervisor = web_login(&app, "supervisor", None).await.unwrap();
    let (_, inbox) = page(&app, &officer, "/inbox").await;
    assert!(inbox.contains(&sealed) && inbox.contains(&open), "{inbox}");
    let (_, dash) = page(&app, &supervisor, "/dashboard").await;
    assert!(dash.contains(&sealed), "the deadlines of both cases are on the dashboard");
    let report_uri = "/api/v1/supervision/report?from=2025-01-01&to=2025-12-31&org=d1-police";
    let (s, before) = api(&app, "GET", report_uri, "supervisor", None).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    assert_eq!(before["report"]["cases_handled"], 2, "{before}");

    srv.store
        .seal_case(&store::SealRecord { case_id: sealed.clone(), sealed_by: "judge".into(), org: "d1-court".into(), at: srv.store.now(), reason: "未成年人犯罪记录封存".into() })
        .await
        .unwrap();

    let leader = web_login(&app, "proc-leader", None).await.unwrap();
    let prosecutor = web_login(&app, "prosecutor", None).await.unwrap();
    for (who, cookie) in [("officer", &officer), ("supervisor", &supervisor), ("prosecutor", &prosecutor), ("proc-leader", &leader)] {
        for uri in ["/inbox", "/cases", "/cases?due=soon", "/cases?due=overdue"] {
            let (_, body) = page(&app, cookie, uri).await;
            assert!(!body.contains(&sealed) && !body.contains("赵某某封存案"), "{who} finds the sealed case on {uri}");
        }
        // Searching for it by number finds nothing (the search box echoes the number).
        let (_, body) = page(&app, cookie, &format!("/cases?q={sealed}")).await;
        assert!(body.contains("共 0 件") && !body.contains("赵某某封存案"), "{who} finds the sealed case by its number");
        let (s, body) = page(&app, cookie, &format!("/cases/{sealed}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who} opens the sealed case: {body}");
        assert!(!body.contains("赵某某封存案"));
    }
    for (who, cookie) in [("supervisor", &supervisor), ("proc-leader", &leader)] {
        let (s, dash) = page(&app, cookie, "/dashboard").await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert!(!dash.contains(&sealed), "{who} finds the sealed case on the dashboard");
    }
    // The supervision report's aggregates leave it out too.
    let (_, after) = api(&app, "GET", report_uri, "supervisor", None).await;
    assert_eq!(after["report"]["cases_handled"], 1, "{after}");
    // Counts leave it out: the committee's total is the one open case.
    let (_, dash) = page(&app, &supervisor, "/dashboard").await;
    let tile = dash.find("案件总数").map(|i| &dash[i..i + 200]).unwrap();
    assert!(tile.contains(">1<"), "the total counts only the readable case: {tile}");
    let (_, cases) = page(&app, &supervisor, "/cases").await;
    assert!(cases.contains("共 1 件"), "{cases}");
    // The open case is still there.
    let (_, inbox) = page(&app, &officer, "/inbox").await;
    assert!(inbox.contains(&open));
    // Refusals are audited as the API's are.
    let audit = srv.store.case_audit(&sealed, 100).await.unwrap();
    for who in ["officer", "supervisor", "prosecutor"] {
        assert!(audit.iter().any(|r| r.kind == "denied" && r.user_id.as_deref() == Some(who) && r.resource == "read_case"), "{who}: {audit:?}");
    }
}

#[tokio::test]
async fn the_committee_sees_minors_masked_and_handling_reads_are_recorded() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let id = register(&srv, &app, "王小明等盗窃案").await;
    let minor_id = format!("{MINOR_ID_PREFIX}{}", domain::ids::id_card_check_char(MINOR_ID_PREFIX));

    let supervisor = web_login(&app, "supervisor", None).await.unwrap();
    for uri in [format!("/cases/{id}"), "/dashboard".into(), "/cases".into(), "/cases?due=soon".into()] {
        let (s, body) = page(&app, &supervisor, &uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(!body.contains("王小明"), "the minor's name leaks on {uri}");
        assert!(!body.contains(&minor_id) && !body.contains("11010519491231002X") && !body.contains("13812345678"), "numbers leak on {uri}");
        assert!(!body.contains("87654321") && !body.contains("滨江路"), "phone or address leaks on {uri}");
    }
    let (_, case) = page(&app, &supervisor, &format!("/cases/{id}")).await;
    assert!(case.contains("王某") && case.contains("李大壮"), "masked, not removed");
    assert!(case.contains("138****5678") && case.contains("0571-****4321") && case.contains("临江市江北区****"), "masked, not removed: {case}");
    let (_, dash) = page(&app, &supervisor, "/dashboard").await;
    assert!(dash.contains("王某"), "the deadline table names the minor masked");
    // The committee may not act: refused on the page, audited as the API's refusal.
    let csrf = hidden(&case, "csrf");
    let (s, _, body) = send(&app, form(&format!("/cases/{id}/act"), &supervisor, &format!("csrf={csrf}&type=release&person=2&reason=x"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.contains("王小明"));
    let audit = srv.store.case_audit(&id, 100).await.unwrap();
    assert!(!audit.iter().any(|r| r.kind == "read" && r.user_id.as_deref() == Some("supervisor")), "masked views are not personal-data reads");
    assert!(audit.iter().any(|r| r.kind == "denied" && r.user_id.as_deref() == Some("supervisor") && r.resource == "act_on_case"), "{audit:?}");

    // The handling police see the minor and the read is recorded.
    let officer = web_login(&app, "officer", None).await.unwrap();
    let (_, case) = page(&app, &officer, &format!("/cases/{id}")).await;
    assert!(case.contains("王小明"));
    assert!(case.contains(ADDRESS) && case.contains(LANDLINE) && case.contains("13812345678"), "the handling police see phones and addresses");
    let (_, inbox) = page(&app, &officer, "/inbox").await;
    assert!(inbox.contains("王小明"), "the handling police's deadlines name the minor");
    let audit = srv.store.case_audit(&id, 100).await.unwrap();
    assert!(
        audit.iter().any(|r| r.kind == "read" && r.user_id.as_deref() == Some("officer") && r.resource.starts_with("personal_data")),
        "{audit:?}"
    );
}

#[tokio::test]
async fn the_login_form_takes_the_second_factor() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let (_, v) = api(&app, "POST", "/api/v1/session", "judge", None).await;
    let _ = v;
    let login = json!({"username": "judge", "password": PASSWORD});
    let req = Request::post("/api/v1/session").header("content-type", "application/json").body(Body::from(login.to_string())).unwrap();
    let (_, _, b) = send(&app, req).await;
    let token = serde_json::from_str::<Value>(&b).unwrap()["token"].as_str().unwrap().to_string();
    let (s, v) = bearer(&app, "POST", "/api/v1/me/totp", &token, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let secret = v["secret"].as_str().unwrap().to_string();
    let code = server::auth::totp_code(&secret, srv.store.now()).unwrap();
    let (s, v) = bearer(&app, "POST", "/api/v1/me/totp/confirm", &token, Some(json!({"code": code}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");

    // Without the code: refused on the form, with the reason.
    let (s, body) = web_login(&app, "judge", None).await.unwrap_err();
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("id=\"login-error\"") && body.contains("name=\"totp\""), "{body}");
    // A wrong code neither.
    assert!(web_login(&app, "judge", Some("000000")).await.is_err());
    // The next step's code logs in; spaces typed in the code are ignored.
    srv.clock.set(srv.store.now() + chrono::Duration::seconds(30));
    let code = server::auth::totp_code(&secret, srv.store.now()).unwrap();
    let spaced = format!("{}+{}", &code[..3], &code[3..]);
    let cookie = web_login(&app, "judge", Some(&spaced)).await.unwrap();
    let (s, _) = page(&app, &cookie, "/inbox").await;
    assert_eq!(s, StatusCode::OK);
    // Accounts without a second factor leave the field empty.
    assert!(web_login(&app, "officer", Some("")).await.is_ok());
}
