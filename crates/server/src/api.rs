//! The JSON API under `/api/v1`. Handlers authenticate, check the gate, call the store, and map
//! errors; the rules live in the domain.

use crate::body::ApiQuery;
use crate::auth::{self, CurrentUser};
use crate::body::ApiJson;
use crate::error::ApiError;
use crate::gate;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use domain::view::{self, Deadline};
use domain::{Action, CaseState, Stage};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use store::{CaseQuery, Command};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
    /// The six-digit TOTP code, when the account has a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// `POST /api/v1/session`: logs in; returns a bearer token and sets the session cookie.
pub async fn login(State(st): State<AppState>, ApiJson(body): ApiJson<LoginBody>) -> Result<Response, ApiError> {
    let user = auth::authenticate(&st, &body.username, &body.password, body.totp.as_deref()).await?;
    let (token, cookie) = auth::start_session(&st, &user).await?;
    let org = st.store.directory().org(&user.org).cloned();
    Ok(([(header::SET_COOKIE, cookie)], Json(json!({ "token": token, "user": user, "organization": org }))).into_response())
}

/// `DELETE /api/v1/session`
pub async fn logout(State(st): State<AppState>, headers: axum::http::HeaderMap) -> Result<StatusCode, ApiError> {
    if let Some(t) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|h| h.strip_prefix("Bearer ")) {
        st.store.delete_session(&auth::token_hash(t.trim())).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me`
pub async fn me(u: CurrentUser) -> Json<Value> {
    Json(json!({ "user": u.user, "organization": u.org }))
}

/// `GET /api/v1/organizations`
pub async fn organizations(State(st): State<AppState>, _u: CurrentUser) -> Json<Value> {
    let dir = st.store.directory();
    Json(json!({ "organizations": dir.orgs.values().collect::<Vec<_>>() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandBody {
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub expected_version: Option<u64>,
    #[serde(default)]
    pub claimed_at: Option<DateTime<Utc>>,
    pub action: Action,
}

/// A case as a user sees it: its state, deadlines (with overrun flags), open tasks.
#[derive(Serialize)]
pub struct CaseView {
    pub case: CaseState,
    pub stage_label: &'static str,
    pub holder: Option<String>,
    pub deadlines: Vec<DeadlineView>,
    pub tasks: Vec<view::Task>,
}

#[derive(Serialize)]
pub struct DeadlineView {
    #[serde(flatten)]
    pub deadline: Deadline,
    pub running: bool,
    pub overdue: bool,
    /// Whole days from today to the last day (negative when past).
    pub days_left: i64,
}

pub fn deadline_view(d: Deadline, now: DateTime<Utc>) -> DeadlineView {
    let today = domain::period::local_date(now);
    DeadlineView { running: d.running(), overdue: d.overdue(now), days_left: (d.due.last_day - today).num_days(), deadline: d }
}

pub fn case_view(st: &AppState, s: CaseState) -> CaseView {
    let now = st.store.now();
    let cal = st.store.calendar();
    let deadlines = view::deadlines(&s, &cal).into_iter().map(|d| deadline_view(d, now)).collect();
    CaseView { stage_label: s.stage.label(), holder: s.holder().map(str::to_string), tasks: view::tasks(&s), deadlines, case: s }
}

async fn run(st: &AppState, u: &CurrentUser, case_id: Option<&str>, body: CommandBody) -> Result<(StatusCode, Response), ApiError> {
    let cmd = Command {
        request_id: body.request_id,
        case_id: case_id.map(str::to_string),
        expected_version: body.expected_version,
        actor: u.user.id.clone(),
        action: body.action,
        claimed_at: body.claimed_at,
    };
    let sealed = match case_id {
        Some(id) => st.store.is_sealed(id).await?,
        None => false,
    };
    // The read of personal data the answer shows is recorded with the command (one commit).
    let out = st.store.submit_audited(cmd, gate::outcome_audit(st, u, sealed, "act")).await?;
    let status = if out.replayed { StatusCode::OK } else if case_id.is_none() { StatusCode::CREATED } else { StatusCode::OK };
    let mut state = out.state;
    let f = gate::facts(st, &state).await?;
    gate::mask_case(u, &f, &mut state);
    let view = case_view(st, state);
    Ok((status, Json(CommandResponse { event: out.event, position: out.position, replayed: out.replayed, case: view }).into_response()))
}

/// The answer to a command (serialized directly, not through a `Value`).
#[derive(Serialize)]
struct CommandResponse {
    event: domain::Event,
    position: u64,
    replayed: bool,
    case: CaseView,
}

/// Parses a command, refusing fields the action does not have (serde cannot, inside an
/// internally tagged enum or a variant without fields).
fn command(v: Value) -> Result<CommandBody, ApiError> {
    let body: CommandBody = crate::body::from_value(v.clone())?;
    let parsed = serde_json::to_value(&body.action).unwrap_or(Value::Null);
    let mut unknown = Vec::new();
    crate::body::unknown_fields(&v["action"], &parsed, "action", &mut unknown);
    match unknown.first() {
        Some(f) => Err(ApiError::invalid(f.clone(), format!("字段 {f} 不是操作“{}”的字段", body.action.kind()))),
        None => Ok(body),
    }
}

/// `POST /api/v1/cases`: registers a case (`action.type` = `register`).
pub async fn create_case(State(st): State<AppState>, u: CurrentUser, ApiJson(body): ApiJson<Value>) -> Result<(StatusCode, Response), ApiError> {
    let body = command(body)?;
    if !matches!(body.action, Action::Register { .. }) {
        return Err(ApiError::invalid("action.type", "此处只能立案（register），其他操作请提交到 /api/v1/cases/{id}/actions"));
    }
    run(&st, &u, None, body).await
}

/// `POST /api/v1/cases/{id}/actions`: any other action on a case.
pub async fn act(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, ApiJson(body): ApiJson<Value>) -> Result<(StatusCode, Response), ApiError> {
    let body = command(body)?;
    // An agency may act on a case routed to it even before it has taken part (e.g. a higher
    // procuratorate asked to approve an extension); the stage machine decides. But a case the
    // user can neither see nor act on must not be revealed: refusals from the machine for
    // organizations outside the case are reported as "not found".
    let Some(s) = st.store.case(&id).await? else {
        return Err(ApiError::case_not_found(&id));
    };
    let f = gate::facts(&st, &s).await?;
    let reads = gate::decide(&u, gate::Resource::ReadCase, &f).allowed;
    let may_act = gate::decide(&u, gate::Resource::ActOnCase, &f);
    if !may_act.allowed {
        gate::record_denial(&st, &u, Some(&id), gate::Resource::ActOnCase, body.action.kind()).await?;
        return Err(if reads { gate::refusal(&may_act) } else { ApiError::case_not_found(&id) });
    }
    if !reads {
        let r = run(&st, &u, Some(&id), body).await;
        return r.map_err(|e| if e.status == StatusCode::FORBIDDEN { ApiError::case_not_found(&id) } else { e });
    }
    run(&st, &u, Some(&id), body).await
}

/// `GET /api/v1/cases/{id}`
pub async fn get_case(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<CaseView>, ApiError> {
    let (mut s, f) = gate::authorize(&st, &u, &id, gate::Resource::ReadCase, "GET /cases/{id}").await?;
    gate::show_case(&st, &u, &f, &mut s, "GET /cases/{id}").await?;
    Ok(Json(case_view(&st, s)))
}

#[derive(Serialize)]
pub struct TimelineEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub action: &'static str,
    pub label: &'static str,
    pub actor: String,
    pub actor_org: String,
    pub actor_org_name: String,
    pub document: Option<String>,
    pub event: domain::Event,
}

/// `GET /api/v1/cases/{id}/timeline`
pub async fn timeline(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let (state, f) = gate::authorize(&st, &u, &id, gate::Resource::ReadTimeline, "GET /cases/{id}/timeline").await?;
    let mut events = st.store.case_events(&id).await?;
    if events.is_empty() {
        return Err(ApiError::case_not_found(&id));
    }
    let open = gate::unmasked_persons(&u, &f, &state);
    for e in &mut events {
        gate::mask_event(&u, &f, &state, &open, e);
    }
    if !open.is_empty() {
        gate::record_read(&st, &u, &id, "personal_data:timeline", "GET /cases/{id}/timeline").await?;
    }
    let dir = st.store.directory();
    let entries: Vec<TimelineEntry> = events
        .into_iter()
        .map(|e| TimelineEntry {
            seq: e.seq,
            at: e.at,
            action: e.action.kind(),
            label: e.action.label(),
            actor: e.actor.name.clone(),
            actor_org_name: dir.org(&e.actor.org).map(|o| o.name.clone()).unwrap_or_default(),
            actor_org: e.actor.org.clone(),
            document: state.documents.iter().find(|d| d.event_seq == e.seq).map(|d| format!("{}（{}）", d.kind.label(), d.number)),
            event: e,
        })
        .collect();
    Ok(Json(json!({ "case_id": id, "timeline": entries })))
}

/// `GET /api/v1/cases/{id}/deadlines`
pub async fn case_deadlines(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let (mut s, f) = gate::authorize(&st, &u, &id, gate::Resource::ReadCase, "GET /cases/{id}/deadlines").await?;
    gate::mask_case(&u, &f, &mut s);
    Ok(Json(json!({ "case_id": id, "deadlines": case_view(&st, s).deadlines })))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub stage: Option<String>,
    pub charge: Option<String>,
    pub q: Option<String>,
    /// `mine`: only cases my organization holds now.
    pub holder: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// `GET /api/v1/cases`
pub async fn list_cases(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<ListParams>) -> Result<Json<Value>, ApiError> {
    let stage = match p.stage.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Stage::parse(s).ok_or_else(|| ApiError::invalid("stage", format!("未知的阶段“{s}”")))?),
    };
    let after = match p.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            c.split_once('|')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| ApiError::invalid("cursor", "游标格式错误"))?,
        ),
    };
    let limit = p.limit.unwrap_or(50);
    if limit == 0 || limit > 500 {
        return Err(ApiError::invalid("limit", "每页条数应在1至500之间"));
    }
    let holder = match p.holder.as_deref() {
        None | Some("") => None,
        Some("mine") => Some(u.org.id.clone()),
        Some(other) => return Err(ApiError::invalid("holder", format!("holder 只能为 mine，收到“{other}”"))),
    };
    let q = CaseQuery { participant: gate::list_scope(&u), holder, stage, charge: p.charge, text: p.q, after, limit };
    let cases = st.store.list_cases(&q).await?;
    // The cursor follows the unfiltered page, so paging goes on past refused cases.
    let next = (cases.len() as u32 == limit)
        .then(|| cases.last().map(|c| format!("{}|{}", store_ts(c.updated_at), c.id)))
        .flatten();
    let mut cases = gate::filter_summaries(&st, &u, cases).await?;
    // Titles often name the suspects: minors' names are masked as on the case page.
    let lens = crate::ui::lens::Lens::of(&st, &u, cases.iter().map(|c| c.id.as_str())).await?;
    for c in cases.iter_mut() {
        c.title = lens.text(&c.id, &c.title);
    }
    Ok(Json(json!({ "cases": cases, "next_cursor": next })))
}

fn store_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// At most this many items (1–1000, default 50), oldest change first.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize)]
struct InboxResponse<'a> {
    organization: &'a str,
    items: Vec<store::InboxItem>,
    next_cursor: Option<String>,
}

/// `GET /api/v1/inbox`: what my organization owes, oldest change first, a page of at most
/// `limit` items (whole cases); `next_cursor` continues.
pub async fn inbox(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<InboxParams>) -> Result<Response, ApiError> {
    let limit = p.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "条数应在1至1000之间"));
    }
    let after = match p.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(c.split_once('|').ok_or_else(|| ApiError::invalid("cursor", "游标格式错误"))?),
    };
    // Only the page is loaded and looked at (states, the gate): the work of a request is bounded.
    let page = st.store.inbox_page(&u.org.id, after, limit).await?;
    // One look at every case: what the user may read, and what to mask.
    let lens = crate::ui::lens::Lens::of(&st, &u, page.items.iter().map(|i| i.case.id.as_str())).await?;
    let mut items: Vec<_> = page.items.into_iter().filter(|i| lens.readable(&i.case.id)).collect();
    for i in items.iter_mut() {
        i.case.title = lens.text(&i.case.id, &i.case.title);
        i.task_label = lens.text(&i.case.id, &i.task_label);
    }
    // The cursor follows the unfiltered page, so paging goes on past unreadable cases.
    let next_cursor = page.next.map(|(since, id)| format!("{since}|{id}"));
    Ok(Json(InboxResponse { organization: &u.org.id, items, next_cursor }).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DeadlineParams {
    /// Deadlines expiring within this many days (default 7); overdue ones are always included.
    pub within_days: Option<u32>,
}

/// `GET /api/v1/deadlines`: running deadlines due soon or overdue (the committee sees all).
pub async fn deadlines(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<DeadlineParams>) -> Result<Json<Value>, ApiError> {
    let days = p.within_days.unwrap_or(7);
    if days > 366 {
        return Err(ApiError::invalid("within_days", "天数应在0至366之间"));
    }
    let now = st.store.now();
    let org = (!gate::sees_all(&u)).then(|| u.org.id.clone());
    let ds = st.store.running_deadlines(org.as_deref(), Some(now + Duration::days(days as i64 + 1)), 2000).await?;
    let ids: Vec<String> = ds.iter().map(|d| d.case_id.clone()).collect();
    let readable = gate::readable_cases(&st, &u, &ids).await?;
    let mut ds: Vec<Deadline> = ds.into_iter().filter(|d| readable.contains(&d.case_id)).collect();
    gate::mask_deadline_names(&st, &u, &mut ds).await?;
    let views: Vec<DeadlineView> = ds.into_iter().map(|d| deadline_view(d, now)).collect();
    Ok(Json(json!({ "deadlines": views })))
}

/// `GET /api/v1/stats/stages`: cases by stage.
pub async fn stage_stats(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    let counts = st.store.stage_counts(gate::list_scope(&u).as_deref()).await?;
    let hidden = gate::hidden_stage_counts(&st, &u).await?;
    let counts = counts.into_iter().map(|(s, n)| (s, n.saturating_sub(hidden.get(&s).copied().unwrap_or(0)))).filter(|(_, n)| *n > 0);
    let rows: Vec<Value> = counts.map(|(s, n)| json!({ "stage": s, "label": s.label(), "cases": n })).collect();
    Ok(Json(json!({ "stages": rows })))
}

/// `GET /healthz`
pub async fn healthz(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    let events = st.store.event_count().await?;
    Ok(Json(json!({ "status": "ok", "events": events })))
}
