//! The web interface in a real headless Chromium, driven through chromedriver (WebDriver).
//!
//! One case goes down the chain by clicking, as each agency in turn: the police register,
//! detain, interrogate and request arrest; the prosecutor finds the request in the inbox and
//! approves; the police transfer for prosecution; the prosecutor indicts; the court accepts and
//! schedules a hearing — first too early, which is refused with the article's text. The
//! committee's dashboard and the public query are checked too, and screenshots of the main pages
//! are saved under `artifacts/screenshots/`.
//!
//! Needs `chromium` and `chromedriver` on PATH (or CHROME_BIN / CHROMEDRIVER); fails — never
//! skips — without them.

mod ui_support;

use domain::Action;
use domain::action::PersonInput;
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use store::Command;
use ui_support::*;

async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(needle) {
                return t;
            }
            last = t;
        }
        if Instant::now() > deadline {
            let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            panic!("waited 10 s for “{needle}” in {css} on {url}; last text: {last:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fill(c: &Client, css: &str, text: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no field {css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no element {css}: {e}")).click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Clicks a submit button guarded by a confirmation and accepts the confirmation.
async fn click_confirmed(c: &Client, css: &str) {
    click(c, css).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match c.get_alert_text().await {
            Ok(text) => {
                assert!(text.contains("不能撤回"), "the confirmation says the step is irreversible: {text}");
                c.accept_alert().await.unwrap();
                return;
            }
            Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(30)).await,
            Err(e) => panic!("no confirmation dialog after clicking {css}: {e}"),
        }
    }
}

/// Opens an action's form on the case page and submits it.
async fn act(c: &Client, kind: &str, label: &str) {
    let details = format!("#action-{kind}");
    c.find(Locator::Css(&details)).await.unwrap_or_else(|_| panic!("action {kind} ({label}) is not offered"));
    let open: bool = c.execute(&format!("return document.querySelector('{details}').open"), vec![]).await.unwrap().as_bool().unwrap_or(false);
    if !open {
        click(c, &format!("{details} > summary")).await;
    }
    click_confirmed(c, &format!("#submit-{kind}")).await;
    wait_text(c, "#flash", &format!("已办理：{label}")).await;
}

async fn login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#username", user).await;
    fill(c, "#password", PASSWORD).await;
    click(c, "button[type=submit].primary").await;
    wait_text(c, ".who-name", "").await;
}

async fn logout(c: &Client) {
    click(c, ".who button[type=submit]").await;
    wait_text(c, "#login-title", "联办").await;
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// Other cases, so that lists, inboxes and the dashboard are not empty.
async fn background_cases(srv: &Server) {
    let names = [("陈某某危险驾驶案", "危险驾驶", "陈某某"), ("刘某诈骗案", "诈骗", "刘某"), ("黄某故意伤害案", "故意伤害", "黄某"), ("吴某帮信案", "帮助信息网络犯罪活动", "吴某")];
    for (i, (title, charge, name)) in names.into_iter().enumerate() {
        let reg = Action::Register {
            title: title.into(),
            facts: format!("{name}涉嫌{charge}，详见卷宗。"),
            charges: vec![charge.into()],
            persons: vec![PersonInput { name: name.into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
        };
        let id = srv.store.submit(Command::new("officer", None, reg)).await.unwrap().state.id;
        if i >= 1 {
            srv.store.submit(Command::new("officer", Some(&id), Action::Detain { person: 1 })).await.unwrap();
        }
        if i >= 2 {
            srv.store.submit(Command::new("officer", Some(&id), Action::Interrogate { person: 1 })).await.unwrap();
            srv.store.submit(Command::new("officer", Some(&id), Action::RequestArrest { person: 1 })).await.unwrap();
        }
        if i >= 3 {
            srv.store.submit(Command::new("prosecutor", Some(&id), Action::ApproveArrest { person: 1 })).await.unwrap();
            srv.store.submit(Command::new("officer", Some(&id), Action::TransferForProsecution { confession_and_acceptance: true })).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_agency_takes_a_case_down_the_chain_in_chromium() {
    let started = Instant::now();
    let srv = serve(at("2025-09-01 09:00")).await;
    let driver = chromedriver();
    let c = browser(&driver).await;
    let base = srv.url.clone();

    // Anonymous users are sent to the login page; a wrong password is refused in Chinese.
    c.goto(&format!("{base}/inbox")).await.unwrap();
    wait_text(&c, "#login-title", "联办").await;
    shot(&c, "login").await;
    fill(&c, "#username", "officer").await;
    fill(&c, "#password", "wrong").await;
    click(&c, "button[type=submit].primary").await;
    wait_text(&c, "#login-error", "用户名或密码错误").await;

    // Police: register, detain, interrogate, request arrest.
    login(&c, &base, "officer").await;
    c.goto(&format!("{base}/cases/new")).await.unwrap();
    fill(&c, "#title", "张三盗窃案").await;
    fill(&c, "#facts", "2025年8月30日，张三在滨江区某超市盗窃手机一部，价值3000元。").await;
    fill(&c, "#charges", "盗窃").await;
    fill(&c, "#name1", "张三").await;
    fill(&c, "#idcard1", "11010519491231002X").await;
    click_confirmed(&c, "#submit-register").await;
    wait_text(&c, "#flash", "已办理：刑事立案").await;
    let case_id = c.find(Locator::Css("#case-id")).await.unwrap().text().await.unwrap();
    assert!(case_id.starts_with("LB-2025-"), "{case_id}");
    let access_code = c.find(Locator::Css("#access-code")).await.unwrap().text().await.unwrap();
    let case_url = format!("{base}/cases/{case_id}");
    act(&c, "detain", "刑事拘留").await;
    wait_text(&c, "#persons", "刑事拘留").await;
    let deadlines = wait_text(&c, "#main", "拘留后讯问").await;
    assert!(deadlines.contains("依据《刑事诉讼法》第八十六条"), "the interrogation deadline shows its article");
    srv.clock.set(at("2025-09-01 14:00"));
    act(&c, "interrogate", "讯问").await;
    // Sessions last twelve hours of the server's clock: two days later, log in again.
    logout(&c).await;
    srv.clock.set(at("2025-09-03 09:00"));
    login(&c, &base, "officer").await;
    c.goto(&case_url).await.unwrap();
    act(&c, "request_arrest", "提请批准逮捕").await;
    wait_text(&c, "#documents", "提请批准逮捕书").await;
    wait_text(&c, "#timeline", "提请批准逮捕").await;
    // The legal document is sealed by the police and its seal checks out.
    wait_text(&c, "#sealed-list", "提请批准逮捕书").await;
    wait_text(&c, "#sealed-list", "电子印章验证通过").await;
    // Case files: upload a picture (a screenshot of this very page) with the progress bar, see it
    // listed with its seal verified, and open it in the online viewer.
    let upload_dir = tempfile::tempdir().unwrap();
    let picture = upload_dir.path().join("现场照片.png");
    std::fs::write(&picture, c.screenshot().await.unwrap()).unwrap();
    let file_input = c.find(Locator::Css("#upload-file")).await.unwrap();
    file_input.send_keys(&picture.display().to_string()).await.unwrap();
    fill(&c, "#upload-title", "现场勘验照片").await;
    click(&c, "#upload-submit").await;
    wait_text(&c, "#flash", "材料已上传").await;
    let listed = wait_text(&c, "#file-list", "现场勘验照片").await;
    assert!(listed.contains("图片") && listed.contains("电子印章验证通过"), "the upload is listed with its seal verified: {listed}");
    c.execute("document.getElementById('files').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "case-files").await;
    click(&c, "#file-list .view-link").await;
    wait_text(&c, "#file-seal", "电子印章验证通过").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let w = c.execute("var i = document.getElementById('viewer-image'); return i && i.complete ? i.naturalWidth : 0", vec![]).await.unwrap();
        if w.as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the picture is shown inline from the content route");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    shot(&c, "file-viewer").await;
    // Volumes: from the case page to the files page, a volume with the picture in it.
    c.goto(&case_url).await.unwrap();
    click(&c, "#files-manage").await;
    wait_text(&c, "h1", "卷宗管理").await;
    fill(&c, "#volume-title", "第一卷　证据材料卷").await;
    click(&c, "#volume-form input[type=checkbox]").await;
    click(&c, "#volume-submit").await;
    wait_text(&c, "#flash", "已建卷").await;
    let volumes = wait_text(&c, "#volumes", "第一卷　证据材料卷").await;
    assert!(volumes.contains("现场勘验照片") && volumes.contains("1件"), "the new volume lists its item: {volumes}");
    shot(&c, "case-volumes").await;
    logout(&c).await;

    background_cases(&srv).await;

    // Procuratorate: the request is in the inbox; approve the arrest.
    srv.clock.set(at("2025-09-08 09:00"));
    login(&c, &base, "prosecutor").await;
    wait_text(&c, "#incoming", "审查批准逮捕：张三").await;
    shot(&c, "inbox").await;
    // Refused, with the reason: indicting during investigation.
    c.goto(&case_url).await.unwrap();
    click(&c, "#unavailable > summary").await;
    let why = wait_text(&c, "#why-indict", "依据").await;
    assert!(why.contains("《刑事诉讼法》"), "a greyed-out action says why, with the article: {why}");
    assert!(c.find(Locator::Css("#refused-indict button[disabled]")).await.is_ok(), "the refused action is disabled");
    act(&c, "approve_arrest", "批准逮捕").await;
    wait_text(&c, "#persons", "逮捕羁押").await;
    wait_text(&c, "#main", "侦查羁押期限").await;
    logout(&c).await;

    // Police: transfer for prosecution review.
    srv.clock.set(at("2025-10-20 09:00"));
    login(&c, &base, "officer").await;
    c.goto(&case_url).await.unwrap();
    // The transfer form checks the evidence against the theft checklist (a warning only) and
    // sends the volume along, frozen as the manifest of the transfer.
    click(&c, "#action-transfer_for_prosecution > summary").await;
    let gaps = wait_text(&c, "#gaps-transfer_for_prosecution", "证据核对").await;
    assert!(gaps.contains("价格认定（鉴定）结论") && gaps.contains("不影响提交"), "{gaps}");
    act(&c, "transfer_for_prosecution", "移送审查起诉").await;
    wait_text(&c, "#flash", "移送清单").await;
    logout(&c).await;

    // Procuratorate: indict.
    srv.clock.set(at("2025-11-10 09:00"));
    login(&c, &base, "prosecutor").await;
    wait_text(&c, "#incoming", "审查起诉").await;
    c.goto(&case_url).await.unwrap();
    // Assisted case handling: suggestions with reasons; "采用" fills the sentencing proposal of
    // the indictment form, which the prosecutor still submits.
    let charges = wait_text(&c, "#assist-charges", "盗窃罪").await;
    assert!(charges.contains("第二百六十四条"), "{charges}");
    let term = wait_text(&c, "#assist-term", "").await;
    let proposal: String = c.execute("return document.getElementById('indict-proposal').value", vec![]).await.unwrap().as_str().unwrap_or_default().to_string();
    assert!(proposal.is_empty(), "nothing is filled in before adopting: {proposal}");
    c.execute("document.getElementById('assist').scrollIntoView()", vec![]).await.unwrap();
    shot(&c, "case-assist").await;
    click(&c, "#adopt-term").await;
    wait_text(&c, "#adopted-indict", "请核对").await;
    let proposal: String = c.execute("return document.getElementById('indict-proposal').value", vec![]).await.unwrap().as_str().unwrap_or_default().to_string();
    assert!(proposal.starts_with("以盗窃罪追诉，建议判处"), "the proposal is pre-filled: {proposal}");
    let label = term.split_whitespace().next().unwrap_or_default().trim_end_matches("采用").to_string();
    assert!(!label.is_empty() && proposal.contains(&label), "the proposal carries the reference {label:?}: {proposal}");
    let open: bool = c.execute("return document.getElementById('action-indict').open", vec![]).await.unwrap().as_bool().unwrap_or(false);
    assert!(open, "the indictment form is opened for review");
    // The manifest received with the transfer: the prosecutor reads the picture.
    act(&c, "indict", "提起公诉").await;
    wait_text(&c, "#timeline", "量刑建议：以盗窃罪追诉").await;
    c.goto(&format!("{case_url}/files")).await.unwrap();
    let manifests = wait_text(&c, "#manifests", "本单位收到").await;
    assert!(manifests.contains("现场勘验照片") && manifests.contains("移送审查起诉"), "{manifests}");
    logout(&c).await;

    // Court: accept, then a hearing date that is too early is refused with CPL 187's text.
    srv.clock.set(at("2025-11-12 09:00"));
    login(&c, &base, "judge").await;
    wait_text(&c, "#incoming", "受理公诉案件").await;
    c.goto(&case_url).await.unwrap();
    act(&c, "accept_trial", "受理并分案").await;
    click(&c, "#action-schedule_hearing > summary").await;
    c.execute("document.getElementById('schedule_hearing-at').value = '2025-11-14T09:30'", vec![]).await.unwrap();
    click_confirmed(&c, "#submit-schedule_hearing").await;
    let refusal = wait_text(&c, "#flash", "未能办理").await;
    assert!(refusal.contains("《刑事诉讼法》第一百八十七条"), "the refusal cites the article: {refusal}");
    shot(&c, "case-refused").await;
    act(&c, "schedule_hearing", "确定开庭日期").await;
    wait_text(&c, "#timeline", "开庭：2025-11-26 09:30").await;
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    shot(&c, "case").await;
    c.set_window_size(412, 915).await.unwrap();
    shot(&c, "case-phone").await;
    c.set_window_size(1366, 900).await.unwrap();
    // The court's own list, filtered by stage.
    c.goto(&format!("{base}/cases?stage=first_instance")).await.unwrap();
    wait_text(&c, "#count", "共 1 件").await;
    wait_text(&c, "table.cases", "张三盗窃案").await;
    logout(&c).await;

    // Committee: the dashboard, with a case now overdue, its alarm and the overrun found by the
    // supervision sweep; a finding is signed with a reason.
    srv.clock.set(at("2025-11-20 09:00"));
    srv.store.sweep_supervision(at("2025-11-20 09:00")).await.unwrap();
    login(&c, &base, "supervisor").await;
    wait_text(&c, "h1", "督办看板").await;
    assert!(c.find(Locator::Css("svg#chart-stages")).await.is_ok(), "the stage chart is drawn");
    wait_text(&c, "#main", "超期未办").await;
    wait_text(&c, "#sv-summary", "告警").await;
    wait_text(&c, "#sv-alerts", "已超期").await;
    shot(&c, "dashboard").await;
    let open_before = c.find_all(Locator::Css("#sv-findings-card form.ack-form")).await.unwrap().len();
    assert!(open_before > 0, "open findings have a form to sign them");
    c.execute("var d = document.querySelector('#sv-findings-card details'); d.open = true; d.scrollIntoView()", vec![]).await.unwrap();
    fill(&c, "#sv-findings-card form.ack-form input[name=reason]", "已督促承办单位限期办结").await;
    click(&c, "#sv-findings-card form.ack-form button[type=submit]").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match c.get_alert_text().await {
            Ok(text) => {
                assert!(text.contains("签收"), "{text}");
                c.accept_alert().await.unwrap();
                break;
            }
            Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(30)).await,
            Err(e) => panic!("no confirmation before signing a finding: {e}"),
        }
    }
    wait_text(&c, "#flash", "已签收督办事项").await;
    let open_after = c.find_all(Locator::Css("#sv-findings-card form.ack-form")).await.unwrap().len();
    assert_eq!(open_after, open_before - 1, "the signed finding has no form any more");
    c.goto(&format!("{base}/supervision/report?from=2025-09-01&to=2025-11-30")).await.unwrap();
    wait_text(&c, "h1", "督办报表").await;
    wait_text(&c, "#report-irregularities", "办案期限超期").await;
    assert!(c.find(Locator::Css("a#csv-link[href^='/supervision/report.csv?from=2025-09-01']")).await.is_ok(), "a CSV download link");
    shot(&c, "supervision-report").await;
    c.goto(&format!("{base}/cases?due=overdue")).await.unwrap();
    wait_text(&c, "table.cases", "刘某诈骗案").await;
    logout(&c).await;

    // Public: a wrong code is refused; the right one shows the stage and dates only.
    c.set_window_size(412, 915).await.unwrap();
    c.goto(&format!("{base}/public")).await.unwrap();
    fill(&c, "#case_no", &case_id).await;
    fill(&c, "#code", "AAAA-AAAA").await;
    click(&c, "button[type=submit].primary").await;
    wait_text(&c, "#public-error", "查询码不正确").await;
    fill(&c, "#code", &access_code.to_lowercase()).await;
    click(&c, "button[type=submit].primary").await;
    wait_text(&c, "#public-stage", "一审").await;
    let page = c.find(Locator::Css("#public-result")).await.unwrap().text().await.unwrap();
    assert!(page.contains("开庭时间") && page.contains("人民检察院提起公诉"), "{page}");
    assert!(!page.contains("张三") && !page.contains("盗窃"), "the public sees no names or charges: {page}");
    shot(&c, "public").await;

    c.close().await.unwrap();
    eprintln!("browser test took {:.1} s", started.elapsed().as_secs_f64());
}
