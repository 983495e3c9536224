//! The supervision API under `/api/v1/supervision`: deadline warnings and alarms, irregularity
//! findings (acknowledged with a reason, never dropped), notifications with a cursor (kept until
//! acknowledged), reports (JSON or CSV), and the periodic sweep. The committee sees everything;
//! an agency sees what it is responsible for or addressed to.

use crate::body::ApiQuery;
use crate::auth::CurrentUser;
use crate::body::ApiJson;
use crate::error::ApiError;
use crate::gate;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::Role;
use serde::Deserialize;
use serde_json::{json, Value};
use store::{Store, SupervisionQuery};
use supervision::{AlertLevel, Rule};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervision/dashboard", get(dashboard))
        .route("/supervision/rules", get(rules))
        .route("/supervision/alerts", get(alerts))
        .route("/supervision/findings", get(findings))
        .route("/supervision/findings/{id}/acknowledge", post(acknowledge_finding))
        .route("/supervision/notifications", get(notifications))
        .route("/supervision/notifications/{id}/acknowledge", post(acknowledge_notification))
        .route("/supervision/cases/{id}", get(case_supervision))
        .route("/supervision/report", get(report))
        .route("/supervision/sweep", post(sweep))
}

/// Runs `Store::sweep_supervision` every `every` (first run at once) until the task is dropped.
/// The server's startup code calls this once.
pub fn spawn_sweeper(store: Store, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.sweep_supervision(store.now()).await {
                Ok(s) => tracing::info!(cases = s.cases, alerts = s.new_alerts, findings = s.new_findings, escalated = s.escalated_notifications, "supervision sweep"),
                Err(e) => tracing::error!(error = %e, "supervision sweep failed"),
            }
        }
    })
}

/// The organization filter: `None` for the committee (everything), the user's own otherwise.
/// The committee may narrow to one organization with `org`.
fn scope(u: &CurrentUser, org: Option<String>) -> Option<String> {
    if gate::sees_all(u) { org } else { Some(u.org.id.clone()) }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub org: Option<String>,
    pub case_id: Option<String>,
    /// Alerts: `warning` | `alarm`; findings: a rule code; notifications: `warning` | `alarm` | `finding`.
    pub kind: Option<String>,
    pub acknowledged: Option<bool>,
    /// Cursor: rows with an id greater than this.
    pub after: Option<i64>,
    pub limit: Option<u32>,
}

fn query(u: &CurrentUser, p: ListParams) -> Result<SupervisionQuery, ApiError> {
    let limit = p.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "limit 应在1至1000之间"));
    }
    Ok(SupervisionQuery { org: scope(u, p.org), case_id: p.case_id, kind: p.kind, acknowledged: p.acknowledged, after: p.after, limit })
}

fn next_cursor(ids: impl Iterator<Item = i64>) -> Option<i64> {
    ids.max()
}

/// `GET /api/v1/supervision/alerts`: warnings and alarms as raised (cursor `after`).
pub async fn alerts(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<ListParams>) -> Result<Json<Value>, ApiError> {
    if let Some(k) = &p.kind
        && AlertLevel::parse(k).is_none()
    {
        return Err(ApiError::invalid("kind", "kind 应为 warning 或 alarm"));
    }
    let rows = st.store.supervision_alerts(&query(&u, p)?).await?;
    let cursor = next_cursor(rows.iter().map(|r| r.id));
    Ok(Json(json!({ "alerts": rows, "next_after": cursor })))
}

/// `GET /api/v1/supervision/findings`: irregularities, acknowledged ones included.
pub async fn findings(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<ListParams>) -> Result<Json<Value>, ApiError> {
    if let Some(k) = &p.kind
        && Rule::parse(k).is_none()
    {
        return Err(ApiError::invalid("kind", format!("没有名为“{k}”的督办规则")));
    }
    let rows = st.store.supervision_findings(&query(&u, p)?).await?;
    let cursor = next_cursor(rows.iter().map(|r| r.id));
    Ok(Json(json!({ "findings": rows, "next_after": cursor })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    pub reason: String,
}

/// `POST /api/v1/supervision/findings/{id}/acknowledge` `{ "reason": "…" }`: by a committee
/// supervisor or leader, or the responsible organization's leader.
pub async fn acknowledge_finding(State(st): State<AppState>, u: CurrentUser, Path(id): Path<i64>, ApiJson(body): ApiJson<AcknowledgeBody>) -> Result<Json<Value>, ApiError> {
    let f = st.store.supervision_finding(id).await?;
    let Some(f) = f.filter(|f| gate::sees_all(&u) || f.finding.org == u.org.id) else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("督办事项{id}不存在或无权查看")));
    };
    let may = if gate::sees_all(&u) { matches!(u.user.role, Role::Supervisor | Role::Leader) } else { u.user.role == Role::Leader };
    if !may {
        return Err(ApiError::forbidden("只有政法委督查人员、领导或责任单位领导可以签收督办事项"));
    }
    let rec = st.store.acknowledge_finding(f.id, &u.user.id, &body.reason).await?;
    Ok(Json(json!({ "finding": rec })))
}

/// `GET /api/v1/supervision/notifications`: what was sent to my organization (the committee: to
/// any), oldest first after the cursor — the feed agency systems poll.
pub async fn notifications(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<ListParams>) -> Result<Json<Value>, ApiError> {
    let rows = st.store.supervision_notifications(&query(&u, p)?).await?;
    let cursor = next_cursor(rows.iter().map(|r| r.id));
    Ok(Json(json!({ "notifications": rows, "next_after": cursor })))
}

/// `POST /api/v1/supervision/notifications/{id}/acknowledge`: by the addressee (the person named,
/// or anyone of the organization when none is named; a leader always).
pub async fn acknowledge_notification(State(st): State<AppState>, u: CurrentUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let n = st.store.supervision_notification(id).await?;
    let Some(n) = n.filter(|n| n.org == u.org.id) else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("通知{id}不存在或不是发给本单位的")));
    };
    if let Some(to) = &n.user
        && *to != u.user.id && u.user.role != Role::Leader
    {
        return Err(ApiError::forbidden("该通知发给承办人本人，应由本人或单位领导签收"));
    }
    let rec = st.store.acknowledge_notification(n.id, &u.user.id).await?;
    Ok(Json(json!({ "notification": rec })))
}

/// `GET /api/v1/supervision/cases/{id}`: a case's warnings, alarms and findings (within the gate).
pub async fn case_supervision(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    let q = SupervisionQuery { org: scope(&u, None), case_id: Some(id.clone()), limit: 1000, ..Default::default() };
    let alerts = st.store.supervision_alerts(&q).await?;
    let findings = st.store.supervision_findings(&q).await?;
    let now = st.store.now();
    let live: Vec<_> = st.store.live_alerts(q.org.as_deref(), now).await?.into_iter().filter(|a| a.case_id == id).collect();
    Ok(Json(json!({ "case_id": id, "live": live, "alerts": alerts, "findings": findings })))
}

/// `GET /api/v1/supervision/dashboard`: what needs attention now.
pub async fn dashboard(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    let org = scope(&u, None);
    let now = st.store.now();
    let live = st.store.live_alerts(org.as_deref(), now).await?;
    let warnings = live.iter().filter(|a| a.level == AlertLevel::Warning).count();
    let alarms = live.iter().filter(|a| a.level == AlertLevel::Alarm).count();
    let open = st.store.supervision_findings(&SupervisionQuery { org: org.clone(), acknowledged: Some(false), limit: 1000, ..Default::default() }).await?;
    let by_rule: Vec<Value> = Rule::ALL
        .into_iter()
        .map(|r| json!({ "rule": r, "label": r.label(), "open": open.iter().filter(|f| f.finding.rule == r).count() }))
        .collect();
    let unacked = st
        .store
        .supervision_notifications(&SupervisionQuery { org: Some(org.clone().unwrap_or_else(|| u.org.id.clone())), acknowledged: Some(false), limit: 1000, ..Default::default() })
        .await?;
    Ok(Json(json!({
        "now": now,
        "warnings": warnings,
        "alarms": alarms,
        "live": live,
        "open_findings": open.len(),
        "open_findings_by_rule": by_rule,
        "unacknowledged_notifications": unacked.len(),
    })))
}

/// `GET /api/v1/supervision/rules`: the catalogue of rules with their articles or reasons.
pub async fn rules(_u: CurrentUser) -> Json<Value> {
    let rows: Vec<Value> = Rule::ALL
        .into_iter()
        .map(|r| json!({ "rule": r, "label": r.label(), "basis": r.basis(), "reason": r.reason(), "citations": r.citations().iter().map(|c| c.to_string()).collect::<Vec<_>>() }))
        .collect();
    Json(json!({ "rules": rows }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    pub org: Option<String>,
    /// First day of the period (local date, inclusive).
    pub from: NaiveDate,
    /// Last day of the period (local date, inclusive).
    pub to: NaiveDate,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    domain::period::china().from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("fixed offset").with_timezone(&Utc)
}

/// `GET /api/v1/supervision/report?from=2025-01-01&to=2025-12-31[&org=…][&format=csv]`.
pub async fn report(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<ReportParams>) -> Result<Response, ApiError> {
    if p.to < p.from {
        return Err(ApiError::invalid("to", "截止日期不能早于起始日期"));
    }
    if (p.to - p.from).num_days() > 3660 {
        return Err(ApiError::invalid("to", "报表期间不能超过十年"));
    }
    let org = scope(&u, p.org);
    if let Some(o) = &org
        && st.store.directory().org(o).is_none()
    {
        return Err(ApiError::invalid("org", format!("单位“{o}”不存在")));
    }
    let to = domain::period::end_of_local_day(p.to);
    let hidden = gate::hidden_cases(&st, &u).await?;
    let r = st.store.supervision_report_excluding(org.as_deref(), start_of(p.from), to, &hidden).await?;
    match p.format.as_deref() {
        None | Some("json") => Ok(Json(json!({ "report": r })).into_response()),
        Some("csv") => {
            let name = format!("supervision-{}-{}-{}.csv", org.as_deref().unwrap_or("all"), p.from, p.to);
            Ok((
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))],
                supervision::report::to_csv(&r),
            )
                .into_response())
        }
        Some(other) => Err(ApiError::invalid("format", format!("不支持的格式“{other}”，应为 json 或 csv"))),
    }
}

/// `POST /api/v1/supervision/sweep`: runs the sweep now (committee or administrators).
pub async fn sweep(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    if !(gate::sees_all(&u) || u.user.role == Role::Admin) {
        return Err(ApiError::forbidden("只有政法委或系统管理员可以立即执行督办巡查"));
    }
    let s = st.store.sweep_supervision(st.store.now()).await?;
    Ok(Json(json!({ "sweep": s })))
}
