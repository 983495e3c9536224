//! The web interface without a browser: CSRF on every form post, login redirects, the public
//! query's refusals, and that pages render for each agency.

mod ui_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
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

fn set_cookie(h: &[(String, String)], name: &str) -> String {
    h.iter()
        .filter(|(k, _)| k == "set-cookie")
        .find_map(|(_, v)| v.strip_prefix(&format!("{name}=")).map(|r| r.split(';').next().unwrap().to_string()))
        .unwrap_or_else(|| panic!("no {name} cookie in {h:?}"))
}

fn hidden(body: &str, name: &str) -> String {
    let at = body.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no hidden {name}"));
    let rest = &body[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn login(app: &axum::Router, user: &str) -> (String, String) {
    let (_, h, body) = send(app, get("/login", "")).await;
    let pre = set_cookie(&h, "lianban_csrf");
    let csrf = hidden(&body, "csrf");
    let cookie = format!("lianban_csrf={pre}");
    let (status, h, _) = send(app, form("/login", &cookie, &format!("username={user}&password={PASSWORD}&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session = set_cookie(&h, "lianban_session");
    let cookie = format!("lianban_session={session}; lianban_csrf={pre}");
    let (_, _, page) = send(app, get("/cases", &cookie)).await;
    (cookie, hidden(&page, "csrf"))
}

#[tokio::test]
async fn forms_need_their_csrf_token_and_pages_need_a_session() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));

    // Not signed in: sent to the login page, coming back afterwards.
    let (status, h, _) = send(&app, get("/inbox", "")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(h.iter().any(|(k, v)| k == "location" && v == "/login?next=/inbox"), "{h:?}");

    // A login post without the token is refused.
    let (status, _, body) = send(&app, form("/login", "", &format!("username=officer&password={PASSWORD}"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("表单校验码不符"));

    let (cookie, csrf) = login(&app, "officer").await;
    let register = "title=%E6%B5%8B%E8%AF%95%E6%A1%88&facts=%E6%A1%88%E6%83%85&charges=%E7%9B%97%E7%AA%83&name1=%E5%BC%A0%E4%B8%89";
    // Registering with a wrong token writes nothing.
    let (status, _, _) = send(&app, form("/cases/new", &cookie, &format!("{register}&csrf=00"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(srv.store.event_count().await.unwrap(), 0);
    // With the token it is registered.
    let (status, h, _) = send(&app, form("/cases/new", &cookie, &format!("{register}&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{h:?}");
    assert_eq!(srv.store.event_count().await.unwrap(), 1);
    // The form takes phone numbers and addresses; a bad one is refused naming the person and the
    // rule, the form kept filled in, nothing written.
    let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let contact = format!("&phone1={}&address1={}", enc("0571-87654321"), enc("临江市江北区滨江路8号"));
    let (status, _, body) = send(&app, form("/cases/new", &cookie, &format!("{register}&phone1=1381234567&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("第1名犯罪嫌疑人") && body.contains("手机号码应为11位数字"), "{body}");
    assert!(body.contains("value=\"1381234567\""), "the form keeps what was typed");
    assert_eq!(srv.store.event_count().await.unwrap(), 1);
    let (status, h, _) = send(&app, form("/cases/new", &cookie, &format!("{register}{contact}&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{h:?}");
    let p = &srv.store.case("LB-2025-000002").await.unwrap().unwrap().persons[0];
    assert_eq!((p.phone.as_deref(), p.address.as_deref()), (Some("0571-87654321"), Some("临江市江北区滨江路8号")));
    let (_, _, page) = send(&app, get("/cases/LB-2025-000002", &cookie)).await;
    assert!(page.contains("0571-87654321") && page.contains("临江市江北区滨江路8号"), "the handling officer sees them");
    // An action without the token is refused; with it, taken.
    let (status, _, _) = send(&app, form("/cases/LB-2025-000001/act", &cookie, "type=detain&person=1")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(&app, form("/cases/LB-2025-000001/act", &cookie, &format!("type=detain&person=1&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A refused action shows the case page with the reason (a prosecutor's action by the police
    // is not even offered, and a forged post is refused by the domain with the article).
    let (status, _, body) = send(&app, form("/cases/LB-2025-000001/act", &cookie, &format!("type=approve_arrest&person=1&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("未能办理") && body.contains("依据《刑事诉讼法》"), "{body}");
    // A stale form (an older case version) is refused rather than applied twice.
    let (status, _, body) = send(&app, form("/cases/LB-2025-000001/act", &cookie, &format!("type=interrogate&person=1&version=1&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("请刷新后重试"), "{body}");

    // Another agency that never took part cannot open the case.
    let (court, _) = login(&app, "judge").await;
    let (status, _, body) = send(&app, get("/cases/LB-2025-000001", &court)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("不存在或无权查看"));

    // Every page renders for its users.
    for (user, path) in [("officer", "/inbox"), ("officer", "/cases?due=overdue"), ("officer", "/cases/new"), ("supervisor", "/dashboard"), ("supervisor", "/cases/LB-2025-000001")] {
        let (c, _) = login(&app, user).await;
        let (status, _, body) = send(&app, get(path, &c)).await;
        assert_eq!(status, StatusCode::OK, "{user} {path}: {body}");
    }
    let (status, _, _) = send(&app, get("/dashboard", &court)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the dashboard is for the committee and leaders");
}

#[tokio::test]
async fn the_public_query_needs_the_right_code_and_shows_no_names() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let (cookie, csrf) = login(&app, "officer").await;
    let reg = "title=%E6%9D%8E%E5%9B%9B%E6%A1%88&facts=x&charges=%E7%9B%97%E7%AA%83&name1=%E6%9D%8E%E5%9B%9B";
    send(&app, form("/cases/new", &cookie, &format!("{reg}&csrf={csrf}"))).await;
    let (_, _, page) = send(&app, get("/cases/LB-2025-000001", &cookie)).await;
    let at = page.find("id=\"access-code\">").unwrap();
    let code = page[at + 17..at + 26].to_string();

    let (_, h, body) = send(&app, get("/public", "")).await;
    let pre = format!("lianban_csrf={}", set_cookie(&h, "lianban_csrf"));
    let pcsrf = hidden(&body, "csrf");
    let (status, _, body) = send(&app, form("/public", &pre, &format!("case_no=LB-2025-000001&code=ZZZZ-ZZZZ&csrf={pcsrf}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("查询码不正确"));
    // An unknown case gets the same answer as a wrong code.
    let (status, _, body2) = send(&app, form("/public", &pre, &format!("case_no=LB-2025-000999&code={code}&csrf={pcsrf}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body2.contains("查询码不正确"));
    let (status, _, body) = send(&app, form("/public", &pre, &format!("case_no=lb-2025-000001&code={}&csrf={pcsrf}", code.to_lowercase()))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("侦查") && body.contains("公安机关立案侦查"));
    assert!(!body.contains("李四") && !body.contains("盗窃"), "no names, no charges");
}

/// Registered, detained, interrogated, released on bail and transferred on 2025-09-03 (through the
/// store); swept until the review period (last day 2025-10-09) has run out.
async fn overrun_case(srv: &Server) -> String {
    use domain::Action;
    use domain::action::PersonInput;
    use store::Command;
    let act = |user: &'static str, case: Option<String>, action: Action, when: &'static str| {
        let store = srv.store.clone();
        let clock = srv.clock.clone();
        async move {
            clock.set(at(when));
            store.submit(Command::new(user, case.as_deref(), action)).await.unwrap()
        }
    };
    let reg = Action::Register {
        title: "张三盗窃案".into(),
        facts: "盗窃电动车一辆".into(),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: "张三".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
    };
    let id = act("officer", None, reg, "2025-09-01 09:00").await.event.case_id.clone();
    act("officer", Some(id.clone()), Action::Detain { person: 1 }, "2025-09-01 10:00").await;
    act("officer", Some(id.clone()), Action::Interrogate { person: 1 }, "2025-09-01 12:00").await;
    act("officer", Some(id.clone()), Action::Release { person: 1, reason: "取保候审".into() }, "2025-09-02 10:00").await;
    act("officer", Some(id.clone()), Action::TransferForProsecution { confession_and_acceptance: false }, "2025-09-03 10:00").await;
    srv.store.sweep_supervision(at("2025-09-29 10:00")).await.unwrap();
    srv.clock.set(at("2025-10-10 09:00"));
    srv.store.sweep_supervision(at("2025-10-10 09:00")).await.unwrap();
    id
}

fn location(h: &[(String, String)]) -> String {
    h.iter().find(|(k, _)| k == "location").map(|(_, v)| v.clone()).unwrap_or_default()
}

#[tokio::test]
async fn supervision_pages_and_acknowledgement_forms() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let id = overrun_case(&srv).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let q = store::SupervisionQuery { limit: 100, ..Default::default() };
    let finding = srv.store.supervision_findings(&q).await.unwrap().into_iter().find(|f| f.finding.rule == supervision::Rule::DeadlineOverrun).unwrap();

    // The committee's dashboard: the alarm, the open finding under its rule with a form.
    let (sup, sup_csrf) = login(&app, "supervisor").await;
    let (status, _, body) = send(&app, get("/dashboard", &sup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("督办预警与告警") && body.contains("告警 1"), "{body}");
    assert!(body.contains("id=\"rule-deadline_overrun\"") && body.contains(&format!("/supervision/findings/{}/ack", finding.id)), "{body}");
    assert!(body.contains("未签收的督办通知"), "{body}");

    // The case page shows the case's alarm and finding.
    let (status, _, body) = send(&app, get(&format!("/cases/{id}"), &sup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"case-alerts\"") && body.contains("办案期限超期"), "{body}");

    // Acknowledging: the token is required, and a reason.
    let ack = format!("/supervision/findings/{}/ack", finding.id);
    let (status, _, _) = send(&app, form(&ack, &sup, "reason=%E5%B7%B2%E6%A0%B8%E5%AE%9E&back=/dashboard")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = send(&app, form(&ack, &sup, &format!("reason=+&back=/dashboard&csrf={sup_csrf}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("须填写理由"), "{body}");
    // The police may not sign the procuratorate's finding: answered as if it did not exist.
    let (police, police_csrf) = login(&app, "officer").await;
    let (status, _, _) = send(&app, form(&ack, &police, &format!("reason=x&csrf={police_csrf}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!srv.store.supervision_finding(finding.id).await.unwrap().unwrap().acknowledged);
    // With both, signed; back on the dashboard with a message; an off-site `back` is ignored.
    let (status, h, _) = send(&app, form(&ack, &sup, &format!("reason=%E5%B7%B2%E6%A0%B8%E5%AE%9E&back=//evil.example/&csrf={sup_csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/?sv=finding");
    let rec = srv.store.supervision_finding(finding.id).await.unwrap().unwrap();
    assert_eq!((rec.acknowledged, rec.acknowledged_by.as_deref(), rec.acknowledgement.as_deref()), (true, Some("supervisor"), Some("已核实")));
    let (_, _, body) = send(&app, get("/dashboard?sv=finding", &sup)).await;
    assert!(body.contains("已签收督办事项") && !body.contains(&ack), "{body}");
    let (_, _, body) = send(&app, get(&format!("/cases/{id}"), &sup)).await;
    assert!(body.contains("已签收：周督查") && body.contains("理由：已核实"), "{body}");

    // The procuratorate's leader signs for the notifications sent to it from the inbox.
    let notes = srv.store.supervision_notifications(&store::SupervisionQuery { org: Some("d1-proc".into()), acknowledged: Some(false), limit: 100, ..Default::default() }).await.unwrap();
    assert!(!notes.is_empty());
    let (leader, leader_csrf) = login(&app, "proc-leader").await;
    let (status, _, body) = send(&app, get("/inbox", &leader)).await;
    assert_eq!(status, StatusCode::OK);
    let note_ack = format!("/supervision/notifications/{}/ack", notes[0].id);
    assert!(body.contains("督办通知（未签收") && body.contains(&note_ack), "{body}");
    let (status, _, _) = send(&app, form(&note_ack, &police, &format!("csrf={police_csrf}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not the police's notification");
    let (status, _, _) = send(&app, form(&note_ack, &leader, "back=/inbox")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token");
    let (status, h, _) = send(&app, form(&note_ack, &leader, &format!("back=/inbox%23supervision&csrf={leader_csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/inbox?sv=notification#supervision");
    assert!(srv.store.supervision_notification(notes[0].id).await.unwrap().unwrap().acknowledged_at.is_some());
    // The leader's dashboard shows only the procuratorate's.
    let (status, _, body) = send(&app, get("/dashboard", &leader)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("督办预警与告警"), "{body}");

    // The report with filters, and its CSV.
    let (status, _, body) = send(&app, get("/supervision/report?from=2025-09-01&to=2025-10-31&org=d1-proc", &sup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("督办报表") && body.contains("/supervision/report.csv?from=2025-09-01&amp;to=2025-10-31&amp;org=d1-proc"), "{body}");
    assert!(body.contains("办案期限超期"), "{body}");
    let (status, h, csv) = send(&app, get("/supervision/report.csv?from=2025-09-01&to=2025-10-31&org=d1-proc", &sup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.iter().any(|(k, v)| k == "content-type" && v.starts_with("text/csv")), "{h:?}");
    assert!(h.iter().any(|(k, v)| k == "content-disposition" && v.contains("supervision-d1-proc-2025-09-01-2025-10-31.csv")), "{h:?}");
    assert!(csv.starts_with("\u{feff}org,from,to,section,key,label,value"), "{csv}");
    assert!(csv.contains("d1-proc,") && csv.contains(",irregularity,deadline_overrun,"), "{csv}");
    let (status, _, _) = send(&app, get("/supervision/report?from=2025-10-31&to=2025-09-01", &sup)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = send(&app, get("/supervision/report", &police)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reports are for the committee and leaders");
    // A leader's report is always of their own organization, whatever `org` says.
    let (status, h, _) = send(&app, get("/supervision/report.csv?from=2025-09-01&to=2025-10-31&org=d1-police", &leader)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.iter().any(|(k, v)| k == "content-disposition" && v.contains("supervision-d1-proc-")), "{h:?}");
}

#[tokio::test]
async fn case_files_are_listed_with_their_seals_and_viewed_only_by_those_who_may_read_them() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let (police, csrf) = login(&app, "officer").await;
    let reg = "title=%E6%9D%8E%E5%9B%9B%E6%A1%88&facts=x&charges=%E7%9B%97%E7%AA%83&name1=%E6%9D%8E%E5%9B%9B";
    send(&app, form("/cases/new", &police, &format!("{reg}&csrf={csrf}"))).await;
    // The page's upload form carries the case and the token for the script.
    let (_, _, page) = send(&app, get("/cases/LB-2025-000001", &police)).await;
    assert!(page.contains("id=\"upload-form\"") && page.contains("data-case=\"LB-2025-000001\"") && page.contains(&format!("data-csrf=\"{csrf}\"")), "{page}");
    assert!(page.contains("id=\"files-empty\""), "{page}");
    // The register decision's document is sealed and verified.
    assert!(page.contains("立案决定书") && page.contains("电子印章验证通过"), "{page}");

    // Upload through the files API with the browser's session (as the page's script does).
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";
    let req = Request::post("/api/v1/cases/LB-2025-000001/files?title=%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87")
        .header(header::COOKIE, &police)
        .header(header::CONTENT_TYPE, "image/png")
        .body(Body::from(png.to_vec()))
        .unwrap();
    let (status, _, body) = send(&app, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let fid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();

    let (_, _, page) = send(&app, get("/cases/LB-2025-000001", &police)).await;
    assert!(page.contains("现场照片") && page.contains(&format!("id=\"seal-{fid}\"")), "{page}");
    assert!(page.contains(&format!("href=\"/files/{fid}\"")), "{page}");
    let (status, _, view) = send(&app, get(&format!("/files/{fid}"), &police)).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert!(view.contains("id=\"viewer-image\"") && view.contains(&format!("/api/v1/files/{fid}/content")), "{view}");
    assert!(view.contains("电子印章验证通过"), "{view}");
    // The content route serves ranges for the viewer.
    let req = Request::get(format!("/api/v1/files/{fid}/content")).header(header::COOKIE, &police).header(header::RANGE, "bytes=0-7").body(Body::empty()).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);

    // Another agency that never received it cannot open it; nor can a court outside the case.
    let (court, _) = login(&app, "judge").await;
    let (status, _, _) = send(&app, get(&format!("/files/{fid}"), &court)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&app, get("/files/F-nonexistent", &police)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The committee supervises progress and deadlines; it reads no case-file content and has no
    // upload form.
    let (sup, _) = login(&app, "supervisor").await;
    let (status, _, page) = send(&app, get("/cases/LB-2025-000001", &sup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("现场照片") && !page.contains("id=\"upload-form\""), "{page}");
    let (status, _, _) = send(&app, get(&format!("/files/{fid}"), &sup)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Uploads an item through the files API with the browser's session; its id.
async fn upload(app: &axum::Router, cookie: &str, case: &str, title: &str) -> String {
    let q: String = form_urlencoded::byte_serialize(title.as_bytes()).collect();
    let req = Request::post(format!("/api/v1/cases/{case}/files?title={q}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(format!("{title}的内容")))
        .unwrap();
    let (status, _, body) = send(app, req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string()
}

/// A theft registered, the suspect detained and interrogated (the transfer is open to the police).
async fn theft(srv: &Server) -> String {
    use domain::Action;
    use domain::action::PersonInput;
    use store::Command;
    let reg = Action::Register {
        title: "张三盗窃案".into(),
        facts: "2025年8月30日，犯罪嫌疑人张三在滨江区某超市盗窃手机一部，经价格认证中心认定价值人民币3000元。张三到案后如实供述。".into(),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: "张三".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
    };
    let id = srv.store.submit(Command::new("officer", None, reg)).await.unwrap().state.id;
    srv.clock.set(at("2025-09-01 10:00"));
    srv.store.submit(Command::new("officer", Some(&id), Action::Detain { person: 1 })).await.unwrap();
    srv.clock.set(at("2025-09-01 12:00"));
    srv.store.submit(Command::new("officer", Some(&id), Action::Interrogate { person: 1 })).await.unwrap();
    srv.clock.set(at("2025-09-02 10:00"));
    srv.store.submit(Command::new("officer", Some(&id), Action::Release { person: 1, reason: "取保候审".into() })).await.unwrap();
    id
}

#[tokio::test]
async fn suggestions_evidence_gaps_and_the_manifest_of_a_transfer_on_the_case_page() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let id = theft(&srv).await;
    let case = format!("/cases/{id}");
    let (police, csrf) = login(&app, "officer").await;

    // The investigating police see suggested charges with their articles and reasons, but no
    // sentencing reference and nothing to adopt.
    let (status, _, page) = send(&app, get(&case, &police)).await;
    assert_eq!(status, StatusCode::OK);
    let assist = &page[page.find("id=\"assist\"").expect("the suggestions card") ..];
    assert!(assist.contains("建议罪名") && assist.contains("盗窃罪") && assist.contains("《刑法》第二百六十四条"), "{assist}");
    assert!(assist.contains("理由（"), "reasons are shown: {assist}");
    // The reasons are the models' Chinese text: the registered charge's article, and no English.
    assert!(assist.contains("盗窃罪适用刑法第264条"), "{assist}");
    let lists: Vec<&str> = assist.split("<details class=\"reasons\">").skip(1).collect();
    assert!(!lists.is_empty(), "{assist}");
    for list in lists {
        let list = &list[..list.find("</details>").unwrap()];
        let mut text = String::new();
        let mut in_tag = false;
        for c in list.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        assert!(!text.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w.len() >= 4), "a reason in English: {text}");
    }
    assert!(!page.contains("量刑参考") && !page.contains("class=\"button adopt\""), "{page}");
    // The transfer form warns of the missing evidence (the theft checklist, CPL 50 and 162) and
    // offers nothing to send yet.
    let gaps = &page[page.find("id=\"gaps-transfer_for_prosecution\"").expect("the evidence check in the transfer form") ..];
    assert!(gaps.contains("证据核对（提示，不影响提交）") && gaps.contains("价格认定（鉴定）结论") && gaps.contains("犯罪嫌疑人供述和辩解"), "{gaps}");
    assert!(page.contains("本单位尚无卷宗材料可随案移送"), "{page}");

    // Two items later, the check finds the interrogation record and the appraisal.
    let record = upload(&app, &police, &id, "张三讯问笔录").await;
    let appraisal = upload(&app, &police, &id, "价格认定结论书").await;
    let (_, _, page) = send(&app, get(&case, &police)).await;
    let gaps = &page[page.find("id=\"gaps-transfer_for_prosecution\"").unwrap() ..];
    let gaps = &gaps[..gaps.find("</fieldset>").unwrap()];
    assert!(!gaps.contains("价格认定（鉴定）结论") && !gaps.contains("犯罪嫌疑人供述和辩解") && gaps.contains("到案经过"), "{gaps}");
    assert!(gaps.contains(&format!("name=\"mff_{record}\"")) && gaps.contains(&format!("name=\"mff_{appraisal}\"")), "both items are offered to travel: {gaps}");

    // The transfer without the token is refused and writes nothing; with it, the ticked item
    // (only the appraisal) is frozen as the manifest of the transfer event, to the procuratorate.
    let version = srv.store.case(&id).await.unwrap().unwrap().version;
    let post = format!("type=transfer_for_prosecution&version={version}&mff_{appraisal}=1");
    let (status, _, _) = send(&app, form(&format!("{case}/act"), &police, &post)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(srv.store.case_manifests(&id, None).await.unwrap().is_empty());
    let (status, h, _) = send(&app, form(&format!("{case}/act"), &police, &format!("{post}&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ms = srv.store.case_manifests(&id, None).await.unwrap();
    assert_eq!(ms.len(), 1);
    let m = &ms[0];
    assert_eq!((m.from_org.as_str(), m.to_org.as_str(), m.event_seq), ("d1-police", "d1-proc", Some(version + 1)));
    assert_eq!(m.items.iter().map(|i| i.file_id.as_str()).collect::<Vec<_>>(), [appraisal.as_str()]);
    assert!(location(&h).contains(&format!("manifest={}", m.id)), "{h:?}");
    let (_, _, page) = send(&app, get(&location(&h), &police)).await;
    assert!(page.contains("已办理：移送审查起诉") && page.contains(&format!("移送清单{}已冻结", m.id)), "{page}");

    // The procuratorate reviewing for prosecution: the full suggestions, and "采用" fills the
    // indictment's sentencing proposal — opened, with a note, not submitted.
    let (proc, _) = login(&app, "prosecutor").await;
    let (_, _, page) = send(&app, get(&case, &proc)).await;
    assert!(page.contains("量刑参考") && page.contains("id=\"assist-amount\""), "{page}");
    let href = {
        let needle = "id=\"adopt-term\" href=\"";
        let at = page.find(needle).expect("an adopt link for the sentencing reference") + needle.len();
        page[at..at + page[at..].find('"').unwrap()].replace("&amp;", "&")
    };
    assert!(href.starts_with(&format!("/cases/{id}?adopt=")) && href.ends_with("#action-indict"), "{href}");
    let (_, _, plain) = send(&app, get(&case, &proc)).await;
    assert!(!plain.contains("id=\"adopted-indict\""), "nothing is filled in before adopting");
    let (status, _, page) = send(&app, get(href.split('#').next().unwrap(), &proc)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"action-indict\" open"), "the indictment form is opened");
    assert!(page.contains("id=\"adopted-indict\"") && page.contains("请核对、修改后自行提交"), "{page}");
    let input = &page[page.find("id=\"indict-proposal\"").unwrap()..];
    let input = &input[..input.find('>').unwrap()];
    assert!(input.contains("value=\"以盗窃罪追诉，建议判处"), "the proposal is pre-filled: {input}");
    assert_eq!(srv.store.case(&id).await.unwrap().unwrap().stage, domain::Stage::ProsecutionReview, "adopting decides nothing");
    // The indictment form shows the evidence check and offers the received item to the court.
    let gaps = &page[page.find("id=\"gaps-indict\"").expect("the evidence check in the indictment form") ..];
    assert!(gaps.contains(&format!("name=\"mff_{appraisal}\"")) && !gaps.contains(&format!("name=\"mff_{record}\"")), "only what the procuratorate received: {gaps}");

    // The receiving procuratorate reads exactly the manifest's items.
    let (status, _, files) = send(&app, get(&format!("{case}/files"), &proc)).await;
    assert_eq!(status, StatusCode::OK);
    let sec = &files[files.find("id=\"manifests\"").unwrap()..];
    assert!(sec.contains(&m.id) && sec.contains("本单位收到") && sec.contains("随“移送审查起诉”") && sec.contains(&format!("href=\"/files/{appraisal}\"")), "{sec}");
    let (status, _, _) = send(&app, get(&format!("/files/{appraisal}"), &proc)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(&app, get(&format!("/files/{record}"), &proc)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an item left out of the manifest stays with the police");

    // The committee gets no suggestions; the court, before the indictment, not even the case.
    let (sup, _) = login(&app, "supervisor").await;
    let (_, _, page) = send(&app, get(&case, &sup)).await;
    assert!(!page.contains("辅助办案建议"), "{page}");
    let (court, _) = login(&app, "judge").await;
    let (status, _, page) = send(&app, get(&format!("{case}?adopt=%E7%9B%97%E7%AA%83"), &court)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("建议罪名"));

    // At trial the court adopts the reference into the judgment form: the sentence and its months
    // are filled in for each defendant.
    use domain::Action;
    use store::Command;
    let step = |user: &'static str, when: &'static str, a: Action| {
        let (store, clock, id) = (srv.store.clone(), srv.clock.clone(), id.clone());
        async move {
            clock.set(at(when));
            store.submit(Command::new(user, Some(&id), a)).await.unwrap_or_else(|e| panic!("{user}: {e}"));
        }
    };
    step("prosecutor", "2025-09-20 09:00", Action::Indict { confession_and_acceptance: false, sentencing_proposal: None }).await;
    step("judge", "2025-09-22 09:00", Action::AcceptTrial { procedure: domain::case::Procedure::Ordinary, judge: None }).await;
    step("judge", "2025-09-22 10:00", Action::ScheduleHearing { at: at("2025-10-13 09:30") }).await;
    srv.clock.set(at("2025-10-13 11:00"));
    let (court, _) = login(&app, "judge").await;
    let (status, _, page) = send(&app, get(&format!("{case}?adopt=%E7%9B%97%E7%AA%83"), &court)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"adopted-pronounce_judgment\"") && page.contains("id=\"action-pronounce_judgment\" open"), "{page}");
    let months = &page[page.find("id=\"pronounce_judgment-1-m\"").unwrap()..];
    let months: u32 = months[months.find("value=\"").unwrap() + 7..].split('"').next().unwrap().parse().unwrap();
    let note = &page[page.find("id=\"adopted-pronounce_judgment\"").unwrap()..];
    let note = &note[..note.find("</p>").unwrap()];
    assert!(note.contains(&domain::case::Sentence::Prison { months }.label()), "the months filled in are the reference's ({months}): {note}");
    assert!(page.contains("<option value=\"prison\" selected>"), "{page}");
    assert!(srv.store.case(&id).await.unwrap().unwrap().persons[0].verdict.is_none(), "adopting decides nothing");
}

#[tokio::test]
async fn volumes_are_created_and_ordered_and_manifests_frozen_on_the_files_page() {
    let srv = serve(at("2025-09-01 09:00")).await;
    let app = server::router(server::AppState::new(srv.store.clone()));
    let id = theft(&srv).await;
    let (police, csrf) = login(&app, "officer").await;
    let a = upload(&app, &police, &id, "受案登记表").await;
    let b = upload(&app, &police, &id, "讯问笔录").await;
    let c = upload(&app, &police, &id, "现场勘验笔录").await;
    let page_url = format!("/cases/{id}/files");
    let (status, _, page) = send(&app, get(&page_url, &police)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"volumes-empty\"") && page.contains("id=\"volume-form\""), "{page}");
    for f in [&a, &b, &c] {
        assert!(page.contains(&format!("name=\"item_{f}\"")), "{page}");
    }

    // Creating a volume needs the token.
    let create = format!("/cases/{id}/files/volumes");
    let body = format!("title=%E7%AC%AC%E4%B8%80%E5%8D%B7&item_{a}=1&item_{b}=1");
    let (status, _, _) = send(&app, form(&create, &police, &body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(srv.store.case_volumes(&id, None).await.unwrap().is_empty());
    let (status, h, _) = send(&app, form(&create, &police, &format!("{body}&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let vs = srv.store.case_volumes(&id, None).await.unwrap();
    assert_eq!(vs.len(), 1);
    let v = &vs[0];
    assert_eq!((v.title.as_str(), v.org.as_str()), ("第一卷", "d1-police"));
    let order = |v: &store::Volume| v.items.iter().map(|i| i.file_id.clone()).collect::<Vec<_>>();
    assert_eq!(order(v), [a.clone(), b.clone()]);
    assert!(location(&h).starts_with(&format!("/cases/{id}/files?done=volume#volume-")), "{h:?}");
    // An empty title is refused with the store's reason, and nothing is created.
    let (status, _, page) = send(&app, form(&create, &police, &format!("title=+&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("未能保存"), "{page}");
    assert_eq!(srv.store.case_volumes(&id, None).await.unwrap().len(), 1);

    // Reordering: numbers give the order; an item is added at the end; one is taken out.
    let items = format!("/cases/{id}/files/volumes/{}", v.id);
    let (status, _, _) = send(&app, form(&items, &police, &format!("pos_{a}=2&pos_{b}=1&add={c}&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(order(&srv.store.volume(&v.id).await.unwrap().unwrap()), [b.clone(), a.clone(), c.clone()]);
    let (status, _, _) = send(&app, form(&items, &police, &format!("pos_{a}=1&pos_{b}=2&pos_{c}=3&rm_{b}=1&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(order(&srv.store.volume(&v.id).await.unwrap().unwrap()), [a.clone(), c.clone()]);
    let (status, _, page) = send(&app, form(&items, &police, &format!("pos_{a}=x&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("序号应为正整数"), "{page}");
    let (status, _, _) = send(&app, form(&items, &police, &format!("pos_{a}=9"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token");
    assert_eq!(order(&srv.store.volume(&v.id).await.unwrap().unwrap()), [a.clone(), c.clone()]);
    // The page shows the catalogue in its order.
    let (_, _, page) = send(&app, get(&format!("{page_url}?done=items"), &police)).await;
    assert!(page.contains("卷内目录已保存"), "{page}");
    let vol = &page[page.find(&format!("id=\"volume-{}\"", v.id)).unwrap()..];
    let (pa, pc) = (vol.find("受案登记表").unwrap(), vol.find("现场勘验笔录").unwrap());
    assert!(pa < pc, "in catalogue order");

    // The case page's transfer form offers the volume as a whole, and the files outside it.
    let (_, _, page) = send(&app, get(&format!("/cases/{id}"), &police)).await;
    let choice = &page[page.find("id=\"manifest-transfer_for_prosecution\"").unwrap()..];
    let choice = &choice[..choice.find("</fieldset>").unwrap()];
    assert!(choice.contains(&format!("name=\"mfv_{}\"", v.id)) && choice.contains(&format!("name=\"mff_{b}\"")) && !choice.contains(&format!("name=\"mff_{a}\"")), "{choice}");

    // Another county's court neither sees nor changes the volumes; the committee only reads.
    let (court, court_csrf) = login(&app, "judge").await;
    let (status, _, _) = send(&app, get(&page_url, &court)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&app, form(&create, &court, &format!("title=x&csrf={court_csrf}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (sup, sup_csrf) = login(&app, "supervisor").await;
    let (status, _, page) = send(&app, get(&page_url, &sup)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("第一卷") && !page.contains("id=\"volume-form\""), "{page}");
    let (status, _, _) = send(&app, form(&create, &sup, &format!("title=x&csrf={sup_csrf}"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A manifest frozen on the files page: the volume's items in catalogue order, then the item.
    let freeze = format!("/cases/{id}/files/manifests");
    let (status, _, _) = send(&app, form(&freeze, &police, &format!("to_org=d1-proc&mfv_{}=1&mff_{b}=1", v.id))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, page) = send(&app, form(&freeze, &police, &format!("to_org=d1-police&mff_{b}=1&csrf={csrf}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("不能移送给本单位"), "{page}");
    let (status, _, _) = send(&app, form(&freeze, &police, &format!("to_org=d1-proc&event_seq=1&mfv_{}=1&mff_{b}=1&csrf={csrf}", v.id))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ms = srv.store.case_manifests(&id, None).await.unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].items.iter().map(|i| i.file_id.clone()).collect::<Vec<_>>(), [a.clone(), c.clone(), b.clone()]);
    assert_eq!(ms[0].event_seq, Some(1));
    let (_, _, page) = send(&app, get(&page_url, &police)).await;
    let sec = &page[page.find("id=\"manifests\"").unwrap()..];
    assert!(sec.contains(&ms[0].id) && sec.contains("本单位发出") && sec.contains("随“刑事立案”") && sec.contains(&ms[0].hash), "{sec}");
}
