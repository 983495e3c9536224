//! The public progress query: a party or lawyer enters the case number and the access code and
//! sees the stage and the dates — no names, no facts, no documents.

use super::access::{access_code, normalize_code, same, secret};
use super::layout::{Page, china_date, china_time};
use super::session::{check_csrf, pre_session, with_cookie};
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{Action, CaseState, Event};
use maud::{Markup, html};
use serde::Deserialize;

fn form(csrf: &str, case_no: &str, error: Option<&str>) -> Markup {
    html! {
        section class="card narrow" aria-labelledby="h-public" {
            h1 id="h-public" { "案件进度查询" }
            p class="muted" { "当事人及其辩护人、诉讼代理人可凭办案机关告知的案件编号和查询码，查询案件所处阶段和关键日期。" }
            @if let Some(e) = error { div class="flash error" role="alert" id="public-error" { (e) } }
            form method="post" action="/public" {
                input type="hidden" name="csrf" value=(csrf);
                div class="field" {
                    label for="case_no" { "案件编号" }
                    input id="case_no" name="case_no" type="text" required value=(case_no) placeholder="如：LB-2025-000001" autocomplete="off" autocapitalize="characters";
                }
                div class="field" {
                    label for="code" { "查询码" }
                    input id="code" name="code" type="text" required placeholder="如：ABCD-EFGH" autocomplete="off" autocapitalize="characters";
                }
                button type="submit" class="primary wide" { "查询" }
            }
        }
    }
}

/// `GET /public`
pub async fn page(headers: HeaderMap) -> Response {
    let (csrf, set) = pre_session(&headers);
    with_cookie(Page::public("案件进度查询").render(form(&csrf, "", None)), set)
}

#[derive(Deserialize)]
pub struct Lookup {
    case_no: String,
    code: String,
    csrf: Option<String>,
}

/// Milestones a party may see: what happened and when, never who or why.
fn milestone(e: &Event) -> Option<&'static str> {
    Some(match &e.action {
        Action::Register { .. } => "公安机关立案侦查",
        Action::TransferForProsecution { .. } => "移送人民检察院审查起诉",
        Action::ReturnForInvestigation { .. } => "退回公安机关补充侦查",
        Action::Indict { .. } => "人民检察院提起公诉",
        Action::DecideNonProsecution { .. } => "人民检察院决定不起诉",
        Action::AcceptTrial { .. } => "人民法院受理",
        Action::ScheduleHearing { .. } => "确定开庭日期",
        Action::PronounceJudgment { .. } => "一审宣判",
        Action::ServeJudgment => "送达判决书",
        Action::Appeal { .. } | Action::Protest { .. } => "提出上诉或抗诉",
        Action::AcceptSecondInstance => "二审受理",
        Action::DecideSecondInstance { .. } => "二审裁判",
        Action::TakeEffect => "判决生效",
        Action::HandOverForExecution { .. } => "交付执行",
        Action::HandOverForCommunityCorrection { .. } => "交付社区矫正",
        Action::WithdrawCase { .. } => "撤销案件",
        _ => return None,
    })
}

fn result(s: &CaseState, events: &[Event]) -> Markup {
    html! {
        section class="card narrow" aria-labelledby="h-result" id="public-result" {
            h1 id="h-result" { "案件进度" }
            dl class="facts-list" {
                dt { "案件编号" } dd class="mono" { (s.id) }
                dt { "当前阶段" } dd { strong id="public-stage" { (s.stage.label()) } }
                dt { "立案日期" } dd { (china_date(s.registered_at)) }
                @if let Some(h) = s.hearing_at { dt { "开庭时间" } dd { (china_time(h)) } }
                @if let Some(e) = s.effective_at { dt { "判决生效日期" } dd { (china_date(e)) } }
            }
            h2 { "关键节点" }
            ol class="timeline" {
                @for e in events.iter().filter(|e| milestone(e).is_some()) {
                    li { time datetime=(e.at.to_rfc3339()) { (china_date(e.at)) } div { (milestone(e).unwrap_or_default()) } }
                }
            }
            p class="small muted" { "如需了解详细情况，请联系承办机关。" }
            p { a href="/public" { "查询其他案件" } }
        }
    }
}

/// `POST /public`: checks the code and shows the progress.
pub async fn lookup(State(st): State<AppState>, headers: HeaderMap, Form(f): Form<Lookup>) -> Response {
    if let Err(r) = check_csrf(&st, &headers, f.csrf.as_deref()) {
        return r;
    }
    let case_no = f.case_no.trim().to_ascii_uppercase();
    let refuse = |status: StatusCode, msg: &str| {
        let (csrf, set) = pre_session(&headers);
        with_cookie((status, Page::public("案件进度查询").render(form(&csrf, &case_no, Some(msg)))), set)
    };
    // The same answer for an unknown case and a wrong code: the query reveals nothing else.
    let wrong = "案件编号或查询码不正确，请核对后重新输入。";
    if domain::ids::parse_case_id(&case_no).is_none() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "案件编号格式应为 LB-年份-六位序号，如 LB-2025-000001。");
    }
    let expected = normalize_code(&access_code(&secret(&st), &case_no));
    if !same(&expected, &normalize_code(&f.code)) {
        return refuse(StatusCode::NOT_FOUND, wrong);
    }
    let state = match st.store.case(&case_no).await {
        Ok(Some(s)) => s,
        Ok(None) => return refuse(StatusCode::NOT_FOUND, wrong),
        Err(e) => return super::layout::api_error_page(e.into()),
    };
    let events = match st.store.case_events(&case_no).await {
        Ok(e) => e,
        Err(e) => return super::layout::api_error_page(e.into()),
    };
    let (csrf, set) = pre_session(&headers);
    let body = html! { (result(&state, &events)) (form(&csrf, "", None)) };
    with_cookie(Page::public("案件进度").render(body), set).into_response()
}
