//! Supervision in the web interface: warnings and alarms, findings with their acknowledgement
//! forms, notifications with a sign-for button, and the period report with its CSV download.
//!
//! Who may see and acknowledge what is decided by the JSON API's handlers, which the forms here
//! call directly: a page can do nothing the API would refuse. The committee sees everything; an
//! agency sees what it is responsible for or addressed to.

use super::layout::{self, Nav, Page, china_time, date, org_name, user_name};
use super::lens::Lens;
use super::session::{UiUser, check_csrf, urlencode};
use crate::body::ApiJson;
use crate::error::ApiError;
use crate::supervision_api::{self, AcknowledgeBody};
use crate::{AppState, gate};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use domain::{AgencyKind, Directory, Role};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use store::{FindingRecord, NotificationRecord, SupervisionQuery};
use supervision::{Alert, AlertLevel, Rule};

type PageResult = Result<Response, Response>;

fn err(e: impl Into<ApiError>) -> Response {
    layout::api_error_page(e.into())
}

/// The organization filter: `None` for the committee (everything), the user's own otherwise.
fn scope(u: &UiUser) -> Option<String> {
    (!gate::sees_all(&u.cu)).then(|| u.cu.org.id.clone())
}

/// Keeps the alerts, findings and notifications of cases the user may read (the gate's
/// `read_case`, as for the API's lists), their messages masked as the case page masks persons.
async fn gated(st: &AppState, u: &UiUser, alerts: &mut Vec<Alert>, findings: &mut Vec<FindingRecord>, notes: &mut Vec<NotificationRecord>) -> Result<(), Response> {
    let ids = alerts.iter().map(|a| a.case_id.as_str()).chain(findings.iter().map(|f| f.finding.case_id.as_str())).chain(notes.iter().map(|n| n.case_id.as_str()));
    let ids: Vec<String> = ids.map(str::to_string).collect();
    let lens = Lens::of(st, &u.cu, ids.iter().map(String::as_str)).await.map_err(err)?;
    alerts.retain(|a| lens.readable(&a.case_id));
    for a in alerts.iter_mut() {
        a.message = lens.text(&a.case_id, &a.message);
    }
    findings.retain(|f| lens.readable(&f.finding.case_id));
    for f in findings.iter_mut() {
        f.finding.message = lens.text(&f.finding.case_id, &f.finding.message);
    }
    notes.retain(|n| lens.readable(&n.case_id));
    for n in notes.iter_mut() {
        n.message = lens.text(&n.case_id, &n.message);
    }
    Ok(())
}

/// Whether the user may acknowledge findings at all (the API decides each one again).
fn may_acknowledge_findings(u: &UiUser) -> bool {
    if gate::sees_all(&u.cu) { matches!(u.cu.user.role, Role::Supervisor | Role::Leader) } else { u.cu.user.role == Role::Leader }
}

/// Whether the user may sign for this notification (the API decides again).
fn may_acknowledge_notification(u: &UiUser, n: &NotificationRecord) -> bool {
    n.org == u.cu.org.id && n.acknowledged_at.is_none() && n.user.as_deref().is_none_or(|to| to == u.cu.user.id || u.cu.user.role == Role::Leader)
}

fn level_badge(level: AlertLevel) -> Markup {
    let cls = match level {
        AlertLevel::Warning => "badge sv-warning",
        AlertLevel::Alarm => "badge sv-alarm",
    };
    html! { span class=(cls) { (level.label()) } }
}

fn alerts_table(alerts: &[Alert], dir: &Directory, with_case: bool, id: &str) -> Markup {
    html! {
        div class="table-wrap" {
            table class="alerts" id=(id) {
                thead { tr {
                    th scope="col" { "级别" }
                    @if with_case { th scope="col" { "案件" } }
                    th scope="col" { "事项" } th scope="col" { "责任单位" } th scope="col" { "届满日" } th scope="col" { "倒计时" } th scope="col" { "法律依据" }
                } }
                tbody {
                    @for a in alerts {
                        tr class=[(a.level == AlertLevel::Alarm).then_some("row-overdue")] {
                            td { (level_badge(a.level)) }
                            @if with_case { td class="nowrap" { a href=(format!("/cases/{}#supervision", a.case_id)) { (a.case_id) } } }
                            td { (a.message) @if a.custody { " " span class="tag" { "羁押" } } }
                            td { (org_name(dir, &a.org)) }
                            td class="nowrap" { (date(a.last_day)) }
                            td class="nowrap" {
                                span class=(if a.level == AlertLevel::Alarm { "due overdue" } else { "due soon" }) data-expires=(a.expires_at.to_rfc3339()) {
                                    @if a.level == AlertLevel::Alarm { "已超期" } @else { "剩余" (a.working_days_left) "个工作日" }
                                }
                            }
                            td class="basis" { (a.basis) }
                        }
                    }
                }
            }
        }
    }
}

/// One finding as a list item, with the acknowledgement form when the user may sign it.
fn finding_item(f: &FindingRecord, dir: &Directory, u: &UiUser, back: &str, with_case: bool) -> Markup {
    let may = !f.acknowledged && may_acknowledge_findings(u) && (gate::sees_all(&u.cu) || f.finding.org == u.cu.org.id);
    html! {
        li class=(if f.acknowledged { "finding acked" } else { "finding open" }) id=(format!("finding-{}", f.id)) {
            div {
                strong { (f.rule_label) }
                @if with_case { " · " a href=(format!("/cases/{}#supervision", f.finding.case_id)) { (f.finding.case_id) } }
                " · " (org_name(dir, &f.finding.org))
                " · " span class="small muted" { "发现于 " (china_time(f.detected_at)) }
            }
            div class="small" { (f.finding.message) }
            div class="small basis" { (f.finding.basis) }
            @if f.acknowledged {
                div class="small ok-text" {
                    "已签收：" (f.acknowledged_by.as_deref().map(|b| user_name(dir, b)).unwrap_or_default())
                    @if let Some(at) = f.acknowledged_at { "，" (china_time(at)) }
                    @if let Some(r) = &f.acknowledgement { "。理由：" (r) }
                }
            } @else if may {
                form method="post" action=(format!("/supervision/findings/{}/ack", f.id)) class="ack-form"
                    data-confirm="确认签收该督办事项？签收记录（签收人、时间、理由）将保留，事项不会删除。" {
                    input type="hidden" name="csrf" value=(u.csrf);
                    input type="hidden" name="back" value=(back);
                    label for=(format!("reason-{}", f.id)) class="small" { "签收理由（必填）" }
                    input id=(format!("reason-{}", f.id)) name="reason" type="text" required maxlength="2000" placeholder="如：已核实，责令整改";
                    button type="submit" class="small-button" { "签收" }
                }
            } @else {
                div class="small warn" { "待签收" }
            }
        }
    }
}

fn findings_list(fs: &[FindingRecord], dir: &Directory, u: &UiUser, back: &str, with_case: bool, id: &str) -> Markup {
    html! {
        ul class="plain findings" id=(id) {
            @for f in fs { (finding_item(f, dir, u, back, with_case)) }
        }
    }
}

fn notifications_list(ns: &[NotificationRecord], dir: &Directory, u: &UiUser, back: &str, id: &str) -> Markup {
    html! {
        ul class="plain notifications" id=(id) {
            @for n in ns {
                li class=(if n.acknowledged_at.is_some() { "note acked" } else { "note open" }) id=(format!("note-{}", n.id)) {
                    div {
                        span class=(format!("badge sv-{}", n.level)) { (level_text(&n.level)) }
                        " " a href=(format!("/cases/{}#supervision", n.case_id)) { (n.case_id) }
                        " · 发往 " (org_name(dir, &n.org))
                        @if let Some(to) = &n.user { "（" (user_name(dir, to)) "）" }
                        " · " span class="small muted" { (china_time(n.created_at)) }
                    }
                    div class="small" { (n.message) }
                    @if let Some(at) = n.acknowledged_at {
                        div class="small ok-text" { "已签收：" (n.acknowledged_by.as_deref().map(|b| user_name(dir, b)).unwrap_or_default()) "，" (china_time(at)) }
                    } @else if may_acknowledge_notification(u, n) {
                        form method="post" action=(format!("/supervision/notifications/{}/ack", n.id)) class="ack-form" {
                            input type="hidden" name="csrf" value=(u.csrf);
                            input type="hidden" name="back" value=(back);
                            button type="submit" class="small-button" { "签收通知" }
                        }
                    } @else {
                        div class="small warn" { "未签收" @if n.escalated_at.is_some() { "（已逾期上报）" } }
                    }
                }
            }
        }
    }
}

fn level_text(level: &str) -> &'static str {
    match level {
        "warning" => "预警",
        "alarm" => "告警",
        "finding" => "督办事项",
        _ => "通知",
    }
}

/// The dashboard's supervision part: live warnings and alarms, open findings by rule, and
/// unacknowledged notifications.
pub async fn dashboard_section(st: &AppState, u: &UiUser) -> Result<Markup, Response> {
    let org = scope(u);
    let now = st.store.now();
    let dir = st.store.directory();
    let mut live = st.store.live_alerts(org.as_deref(), now).await.map_err(err)?;
    let mut open = st.store.supervision_findings(&SupervisionQuery { org: org.clone(), acknowledged: Some(false), limit: 1000, ..Default::default() }).await.map_err(err)?;
    let mut notes = st.store.supervision_notifications(&SupervisionQuery { org: org.clone(), acknowledged: Some(false), limit: 200, ..Default::default() }).await.map_err(err)?;
    gated(st, u, &mut live, &mut open, &mut notes).await?;
    live.sort_by_key(|a| (a.level != AlertLevel::Alarm, a.expires_at));
    let alarms = live.iter().filter(|a| a.level == AlertLevel::Alarm).count();
    let warnings = live.len() - alarms;
    let back = "/dashboard#supervision";
    Ok(html! {
        section class="card" aria-labelledby="h-sv" id="supervision" {
            h2 id="h-sv" { "督办预警与告警" }
            p class="sv-summary" id="sv-summary" {
                span class="badge sv-alarm" { "告警 " (alarms) } " "
                span class="badge sv-warning" { "预警 " (warnings) } " "
                span class="badge sv-finding" { "待签收督办事项 " (open.len()) } " "
                span class="badge" { "未签收通知 " (notes.len()) } " "
                a href="/supervision/report" { "督办报表" }
            }
            @if live.is_empty() { p class="muted" { "当前没有预警或告警。" } } @else { (alerts_table(&live[..live.len().min(100)], &dir, true, "sv-alerts")) }
        }
        section class="card" aria-labelledby="h-sv-f" id="sv-findings-card" {
            h2 id="h-sv-f" { "待签收的督办事项（" (open.len()) "）" }
            @if open.is_empty() {
                p class="muted" { "没有待签收的督办事项。" }
            } @else {
                @for rule in Rule::ALL {
                    @let fs: Vec<FindingRecord> = open.iter().filter(|f| f.finding.rule == rule).cloned().collect();
                    @if !fs.is_empty() {
                        details class="rule-group" open[fs.len() <= 5] id=(format!("rule-{}", rule.code())) {
                            summary { strong { (rule.label()) } "（" (fs.len()) "）" span class="small muted" { " " (rule.basis()) } }
                            (findings_list(&fs, &dir, u, back, true, &format!("findings-{}", rule.code())))
                        }
                    }
                }
            }
        }
        section class="card" aria-labelledby="h-sv-n" {
            h2 id="h-sv-n" { "未签收的督办通知（" (notes.len()) "）" }
            @if notes.is_empty() { p class="muted" { "没有未签收的通知。" } } @else { (notifications_list(&notes, &dir, u, back, "sv-notes")) }
        }
    })
}

/// The case page's supervision part: the case's live warnings and alarms and all its findings.
pub async fn case_section(st: &AppState, u: &UiUser, case_id: &str) -> Result<Markup, Response> {
    let org = scope(u);
    let now = st.store.now();
    let dir = st.store.directory();
    let mut live: Vec<Alert> = st.store.live_alerts(org.as_deref(), now).await.map_err(err)?.into_iter().filter(|a| a.case_id == case_id).collect();
    let mut fs = st.store.supervision_findings(&SupervisionQuery { org, case_id: Some(case_id.to_string()), limit: 1000, ..Default::default() }).await.map_err(err)?;
    gated(st, u, &mut live, &mut fs, &mut Vec::new()).await?;
    let open = fs.iter().filter(|f| !f.acknowledged).count();
    let back = format!("/cases/{}#supervision", urlencode(case_id));
    Ok(html! {
        section class="card" aria-labelledby="h-case-sv" id="supervision" {
            h2 id="h-case-sv" { "督办（预警告警 " (live.len()) "，督办事项 " (fs.len()) "，待签收 " (open) "）" }
            @if live.is_empty() && fs.is_empty() {
                p class="muted" { "本案没有预警、告警或督办事项。" }
            }
            @if !live.is_empty() { (alerts_table(&live, &dir, false, "case-alerts")) }
            @if !fs.is_empty() { (findings_list(&fs, &dir, u, &back, false, "case-findings")) }
        }
    })
}

/// The inbox's part: notifications to the user's organization.
pub async fn inbox_section(st: &AppState, u: &UiUser) -> Result<Markup, Response> {
    let dir = st.store.directory();
    let mut notes = st.store.supervision_notifications(&SupervisionQuery { org: Some(u.cu.org.id.clone()), limit: 1000, ..Default::default() }).await.map_err(err)?;
    gated(st, u, &mut Vec::new(), &mut Vec::new(), &mut notes).await?;
    // Unacknowledged first, newest first within each group; at most 50 signed ones.
    notes.sort_by_key(|n| (n.acknowledged_at.is_some(), std::cmp::Reverse(n.id)));
    let open = notes.iter().filter(|n| n.acknowledged_at.is_none()).count();
    let shown: Vec<NotificationRecord> = notes.into_iter().take(open + 20).collect();
    Ok(html! {
        section class="card" aria-labelledby="h-notes" id="supervision" {
            h2 id="h-notes" { "督办通知（未签收 " (open) "）" }
            @if shown.is_empty() { p class="muted" { "没有发给本单位的督办通知。" } } @else { (notifications_list(&shown, &dir, u, "/inbox#supervision", "inbox-notes")) }
        }
    })
}

fn safe_back(back: Option<&String>) -> String {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b.clone(),
        _ => "/".into(),
    }
}

/// Appends `done=…` to a local address, keeping its fragment.
fn with_done(back: &str, done: &str) -> String {
    let (path, frag) = back.split_once('#').map_or((back, ""), |(p, f)| (p, f));
    let sep = if path.contains('?') { '&' } else { '?' };
    if frag.is_empty() { format!("{path}{sep}sv={done}") } else { format!("{path}{sep}sv={done}#{frag}") }
}

/// `POST /supervision/findings/{id}/ack`: signs a finding with a reason (through the API's rules).
pub async fn ack_finding(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> PageResult {
    check_csrf(&st, &headers, f.get("csrf").map(String::as_str))?;
    let back = safe_back(f.get("back"));
    let reason = f.get("reason").map(|r| r.trim().to_string()).unwrap_or_default();
    if reason.is_empty() {
        return Err(layout::error_page(StatusCode::UNPROCESSABLE_ENTITY, "未能签收", "签收督办事项须填写理由。"));
    }
    let _ = supervision_api::acknowledge_finding(State(st.clone()), u.cu.clone(), Path(id), ApiJson(AcknowledgeBody { reason })).await.map_err(layout::api_error_page)?;
    Ok(Redirect::to(&with_done(&back, "finding")).into_response())
}

/// `POST /supervision/notifications/{id}/ack`: signs for a notification (through the API's rules).
pub async fn ack_notification(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> PageResult {
    check_csrf(&st, &headers, f.get("csrf").map(String::as_str))?;
    let back = safe_back(f.get("back"));
    let _ = supervision_api::acknowledge_notification(State(st.clone()), u.cu.clone(), Path(id)).await.map_err(layout::api_error_page)?;
    Ok(Redirect::to(&with_done(&back, "notification")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    from: Option<String>,
    to: Option<String>,
    org: Option<String>,
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    domain::period::china().from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed offset").with_timezone(&Utc)
}

struct Period {
    from: NaiveDate,
    to: NaiveDate,
    org: Option<String>,
}

/// Reads the report's filters: this year so far by default; the committee may pick any
/// organization, an agency only its own.
#[allow(clippy::result_large_err)]
fn period(st: &AppState, u: &UiUser, f: &ReportForm) -> Result<Period, Response> {
    let today = domain::period::local_date(st.store.now());
    let parse = |s: &Option<String>, field: &str| -> Result<Option<NaiveDate>, Response> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| layout::error_page(StatusCode::UNPROCESSABLE_ENTITY, "日期有误", &format!("{field}应为“年-月-日”格式，如 2025-01-01"))),
        }
    };
    let from = parse(&f.from, "起始日期")?.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January"));
    let to = parse(&f.to, "截止日期")?.unwrap_or(today);
    if to < from {
        return Err(layout::error_page(StatusCode::UNPROCESSABLE_ENTITY, "日期有误", "截止日期不能早于起始日期。"));
    }
    if (to - from).num_days() > 3660 {
        return Err(layout::error_page(StatusCode::UNPROCESSABLE_ENTITY, "日期有误", "报表期间不能超过十年。"));
    }
    let org = if gate::sees_all(&u.cu) { f.org.clone().filter(|o| !o.is_empty()) } else { Some(u.cu.org.id.clone()) };
    if let Some(o) = &org
        && st.store.directory().org(o).is_none()
    {
        return Err(layout::error_page(StatusCode::UNPROCESSABLE_ENTITY, "单位有误", &format!("单位“{o}”不存在。")));
    }
    Ok(Period { from, to, org })
}

fn fmt_days(d: Option<f64>) -> String {
    d.map_or_else(|| "—".into(), |d| format!("{d:.1}"))
}

fn may_see_reports(u: &UiUser) -> bool {
    u.cu.org.kind == AgencyKind::Committee || u.cu.user.role == Role::Leader
}

/// `GET /supervision/report`: the period report with filters and a CSV download.
pub async fn report_page(State(st): State<AppState>, u: UiUser, Query(f): Query<ReportForm>) -> PageResult {
    if !may_see_reports(&u) {
        return Err(layout::error_page(StatusCode::FORBIDDEN, "无权查看", "督办报表供政法委督查人员和单位领导使用。"));
    }
    let p = period(&st, &u, &f)?;
    let dir = st.store.directory();
    let hidden = gate::hidden_cases(&st, &u.cu).await.map_err(err)?;
    let r = st.store.supervision_report_excluding(p.org.as_deref(), start_of(p.from), domain::period::end_of_local_day(p.to), &hidden).await.map_err(err)?;
    let query = format!("from={}&to={}{}", p.from, p.to, p.org.as_deref().map(|o| format!("&org={}", urlencode(o))).unwrap_or_default());
    let body = html! {
        h1 { "督办报表" span class="sub" { (p.org.as_deref().map(|o| org_name(&dir, o)).unwrap_or_else(|| "全部单位".into())) } }
        form method="get" action="/supervision/report" class="filters card" aria-label="报表条件" id="report-filters" {
            div class="field" { label for="r-from" { "起始日期" } input id="r-from" name="from" type="date" value=(p.from.to_string()) required; }
            div class="field" { label for="r-to" { "截止日期" } input id="r-to" name="to" type="date" value=(p.to.to_string()) required; }
            @if gate::sees_all(&u.cu) {
                div class="field" {
                    label for="r-org" { "单位" }
                    select id="r-org" name="org" {
                        option value="" { "全部单位" }
                        @for o in dir.orgs.values() { option value=(o.id) selected[p.org.as_deref() == Some(o.id.as_str())] { (o.name) } }
                    }
                }
            }
            div class="buttons" {
                button type="submit" class="primary" { "生成报表" }
                a class="button" id="csv-link" href=(format!("/supervision/report.csv?{query}")) download { "下载CSV" }
            }
        }
        section class="card" aria-labelledby="h-r-sum" {
            h2 id="h-r-sum" { (p.from) " 至 " (p.to) }
            div class="tiles" id="report-summary" {
                div class="tile" { span class="tile-lbl" { "办理案件数" } strong class="tile-num" { (r.cases_handled) } }
                div class="tile" { span class="tile-lbl" { "届满或完成的期限" } strong class="tile-num" { (r.deadlines_concluded) } }
                div class="tile" { span class="tile-lbl" { "按期完成" } strong class="tile-num" { (r.deadlines_on_time) } }
                div class="tile" { span class="tile-lbl" { "按期率" } strong class="tile-num" { (r.on_time_rate.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))) } }
            }
        }
        div class="grid2" {
            section class="card" aria-labelledby="h-r-st" {
                h2 id="h-r-st" { "各环节用时（日）" }
                div class="table-wrap" {
                    table id="report-stages" {
                        thead { tr { th scope="col" { "环节" } th scope="col" { "件数" } th scope="col" { "平均" } th scope="col" { "最短" } th scope="col" { "最长" } } }
                        tbody {
                            @for s in &r.stages {
                                tr { th scope="row" { (s.label) } td class="num" { (s.count) } td class="num" { (fmt_days(s.mean_days)) } td class="num" { (fmt_days(s.min_days)) } td class="num" { (fmt_days(s.max_days)) } }
                            }
                        }
                    }
                }
            }
            section class="card" aria-labelledby="h-r-irr" {
                h2 id="h-r-irr" { "发现的违规情形" }
                div class="table-wrap" {
                    table id="report-irregularities" {
                        thead { tr { th scope="col" { "情形" } th scope="col" { "件数" } } }
                        tbody {
                            @for (rule, n) in &r.irregularities { tr { th scope="row" { (rule.label()) } td class="num" { (n) } } }
                        }
                    }
                }
            }
        }
    };
    Ok(Page::user("督办报表", &u, Nav::Dashboard).render(body).into_response())
}

/// `GET /supervision/report.csv`: the same report as CSV (UTF-8 with a byte-order mark, so that
/// spreadsheet programs read the Chinese labels).
pub async fn report_csv(State(st): State<AppState>, u: UiUser, Query(f): Query<ReportForm>) -> PageResult {
    if !may_see_reports(&u) {
        return Err(layout::error_page(StatusCode::FORBIDDEN, "无权查看", "督办报表供政法委督查人员和单位领导使用。"));
    }
    let p = period(&st, &u, &f)?;
    let hidden = gate::hidden_cases(&st, &u.cu).await.map_err(err)?;
    let r = st.store.supervision_report_excluding(p.org.as_deref(), start_of(p.from), domain::period::end_of_local_day(p.to), &hidden).await.map_err(err)?;
    let name = format!("supervision-{}-{}-{}.csv", p.org.as_deref().unwrap_or("all"), p.from, p.to);
    let body = format!("\u{feff}{}", supervision::report::to_csv(&r));
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], body).into_response())
}
