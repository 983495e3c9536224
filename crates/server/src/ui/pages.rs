//! The agency pages: inbox, case lists, registration, the case page with its actions, and the
//! committee's dashboard.

use super::actions;
use super::lens::Lens;
use super::chart::{self, Bar};
use super::layout::{self, Nav, Page, china_date, china_time, date, days_left_label, mask_id_card, org_name};
use super::session::{UiUser, check_csrf, urlencode};
use crate::api::{DeadlineView, case_view, deadline_view};
use crate::error::ApiError;
use crate::{AppState, gate};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use domain::action::PersonInput;
use domain::case::{ArrestReview, ClockState, Custody, Execution};
use domain::{Action, AgencyKind, Role, Stage};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use store::{CaseQuery, CaseSummary, Command};

type PageResult = Result<Response, Response>;

fn err(e: impl Into<ApiError>) -> Response {
    layout::api_error_page(e.into())
}

/// `GET /`: the user's start page.
pub async fn home(u: UiUser) -> Redirect {
    if u.cu.org.kind == AgencyKind::Committee { Redirect::to("/dashboard") } else { Redirect::to("/inbox") }
}

fn stage_badge(stage: Stage) -> Markup {
    html! { span class=(format!("badge stage-{}", stage.code())) { (stage.label()) } }
}

fn deadline_cell(d: &DeadlineView) -> Markup {
    let cls = if d.overdue { "due overdue" } else if d.days_left <= 2 { "due soon" } else { "due" };
    html! {
        span class=(cls) data-expires=[d.running.then(|| d.deadline.due.expires_at.to_rfc3339())] {
            (days_left_label(d.days_left, d.overdue))
        }
    }
}

fn deadlines_table(ds: &[DeadlineView], dir: &domain::Directory, with_case: bool) -> Markup {
    html! {
        div class="table-wrap" {
            table class="deadlines" {
                thead { tr {
                    @if with_case { th scope="col" { "案件" } }
                    th scope="col" { "期限" } th scope="col" { "涉案人员" } th scope="col" { "责任单位" }
                    th scope="col" { "期间" } th scope="col" { "届满日" } th scope="col" { "倒计时" } th scope="col" { "法律依据" }
                } }
                tbody {
                    @for d in ds {
                        tr class=[d.overdue.then_some("row-overdue")] {
                            @if with_case { td { a href=(format!("/cases/{}", d.deadline.case_id)) { (d.deadline.case_id) } } }
                            td { (d.deadline.label) }
                            td { (d.deadline.person_name.clone().unwrap_or_else(|| "—".into())) }
                            td { (org_name(dir, &d.deadline.org)) }
                            td { (d.deadline.period_label) @if d.deadline.custody { " " span class="tag" title="羁押期间，期限不因节假日顺延" { "羁押" } } }
                            td { (date(d.deadline.due.last_day))
                                @if let Some(m) = d.deadline.due.moved_from { br; span class="small muted" { "（原" (date(m)) "，遇节假日顺延）" } } }
                            td {
                                @match &d.deadline.state {
                                    ClockState::Running => (deadline_cell(d)),
                                    ClockState::Met { at } => span class=(if d.overdue { "due overdue" } else { "done" }) { "已于" (china_date(*at)) "完成" @if d.overdue { "（超期）" } },
                                    ClockState::Stopped { at } => span class="muted" { "已于" (china_date(*at)) "停止计算" },
                                }
                            }
                            td class="basis" { (d.deadline.basis) }
                        }
                    }
                }
            }
        }
    }
}

fn case_rows(cases: &[CaseSummary], dir: &domain::Directory) -> Markup {
    html! {
        div class="table-wrap" {
            table class="cases" {
                thead { tr { th scope="col" { "案件编号" } th scope="col" { "案件名称" } th scope="col" { "罪名" } th scope="col" { "阶段" } th scope="col" { "当前承办单位" } th scope="col" { "最近更新" } } }
                tbody {
                    @for c in cases {
                        tr {
                            td class="nowrap" { a href=(format!("/cases/{}", c.id)) { (c.id) } }
                            td { a href=(format!("/cases/{}", c.id)) { (c.title) } }
                            td { (c.charges.join("、")) }
                            td { (stage_badge(c.stage)) }
                            td { (c.holder.as_deref().map(|h| org_name(dir, h)).unwrap_or_else(|| "—".into())) }
                            td class="nowrap" { (china_time(c.updated_at)) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /inbox`: what my organization owes, incoming transfers and requests first.
pub async fn inbox(State(st): State<AppState>, u: UiUser, Query(sv): Query<SvParams>) -> PageResult {
    let items = st.store.inbox(&u.cu.org.id).await.map_err(err)?;
    let now = st.store.now();
    let dir = st.store.directory();
    let raw = st.store.running_deadlines(Some(&u.cu.org.id), Some(now + Duration::days(8)), 200).await.map_err(err)?;
    // The same gate as the API's inbox and deadlines: what the user may not read is left out.
    let lens = Lens::of(&st, &u.cu, items.iter().map(|i| i.case.id.as_str()).chain(raw.iter().map(|d| d.case_id.as_str()))).await.map_err(err)?;
    let items: Vec<store::InboxItem> = items
        .into_iter()
        .filter(|i| lens.readable(&i.case.id))
        .map(|mut i| {
            i.case.title = lens.text(&i.case.id, &i.case.title);
            i
        })
        .collect();
    let ds = visible_deadlines(&st, &u, raw).await?;
    let ds: Vec<DeadlineView> = ds.into_iter().map(|d| deadline_view(d, now)).collect();
    let (incoming, own): (Vec<_>, Vec<_>) = items.iter().partition(|i| i.incoming);
    let notes = super::supervision::inbox_section(&st, &u).await?;
    let list = |items: &[&store::InboxItem], id: &str, empty: &str| {
        html! {
            @if items.is_empty() {
                p class="muted" { (empty) }
            } @else {
                ul class="inbox" id=(id) {
                    @for i in items {
                        li {
                            a href=(format!("/cases/{}", i.case.id)) class="inbox-item" {
                                span class="task" { (i.task_label) }
                                span class="title" { (i.case.title) }
                                span class="meta" { (i.case.id) " · " (stage_badge(i.case.stage)) " · " (i.case.charges.join("、")) " · 更新于 " (china_time(i.case.updated_at)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        h1 { "收件箱" span class="sub" { (u.cu.org.name) } }
        @if let Some(m) = sv_flash(sv.sv.as_deref()) { div class="flash ok" role="status" id="flash" { (m) } }
        div class="grid2" {
            section class="card" aria-labelledby="h-in" {
                h2 id="h-in" { "收到的移送和提请（" (incoming.len()) "）" }
                (list(&incoming, "incoming", "暂无其他机关移送或提请的事项。"))
            }
            section class="card" aria-labelledby="h-own" {
                h2 id="h-own" { "本单位在办（" (own.len()) "）" }
                (list(&own, "own", "暂无在办案件。"))
            }
        }
        section class="card" aria-labelledby="h-dl" {
            h2 id="h-dl" { "七日内届满及已超期的期限（" (ds.len()) "）" }
            @if ds.is_empty() { p class="muted" { "没有即将届满的期限。" } } @else { (deadlines_table(&ds, &dir, true)) }
        }
        (notes)
    };
    Ok(Page::user("收件箱", &u, Nav::Inbox).render(body).into_response())
}

/// Deadlines of the cases the user may read, minors' names masked as the API's deadlines are.
async fn visible_deadlines(st: &AppState, u: &UiUser, ds: Vec<domain::view::Deadline>) -> Result<Vec<domain::view::Deadline>, Response> {
    let ids: Vec<String> = ds.iter().map(|d| d.case_id.clone()).collect();
    let readable = gate::readable_cases(st, &u.cu, &ids).await.map_err(err)?;
    let mut ds: Vec<domain::view::Deadline> = ds.into_iter().filter(|d| readable.contains(&d.case_id)).collect();
    gate::mask_deadline_names(st, &u.cu, &mut ds).await.map_err(err)?;
    Ok(ds)
}

/// Case summaries the user may read, titles masked as the case page masks them.
async fn visible_summaries(st: &AppState, u: &UiUser, cases: Vec<CaseSummary>) -> Result<Vec<CaseSummary>, Response> {
    let lens = Lens::of(st, &u.cu, cases.iter().map(|c| c.id.as_str())).await.map_err(err)?;
    Ok(cases
        .into_iter()
        .filter(|c| lens.readable(&c.id))
        .map(|mut c| {
            c.title = lens.text(&c.id, &c.title);
            c
        })
        .collect())
}

/// `?sv=finding|notification`: what the supervision forms just did.
#[derive(Deserialize, Default)]
pub struct SvParams {
    sv: Option<String>,
}

fn sv_flash(sv: Option<&str>) -> Option<&'static str> {
    match sv {
        Some("finding") => Some("已签收督办事项，签收记录已保存。"),
        Some("notification") => Some("已签收督办通知。"),
        _ => None,
    }
}

#[derive(Deserialize, Default)]
pub struct ListForm {
    stage: Option<String>,
    charge: Option<String>,
    q: Option<String>,
    /// `soon` (a deadline within seven days) or `overdue`.
    due: Option<String>,
    /// `mine`: only cases my organization holds now.
    holder: Option<String>,
}

/// `GET /cases`: my cases (the committee: all cases) with filters.
pub async fn cases(State(st): State<AppState>, u: UiUser, Query(f): Query<ListForm>) -> PageResult {
    let stage = f.stage.as_deref().filter(|s| !s.is_empty()).and_then(Stage::parse);
    let charge = f.charge.clone().filter(|s| !s.is_empty());
    let q = f.q.clone().filter(|s| !s.trim().is_empty());
    let due = f.due.clone().filter(|s| s == "soon" || s == "overdue");
    let mine = f.holder.as_deref() == Some("mine");
    let now = st.store.now();
    let dir = st.store.directory();
    let query = CaseQuery {
        participant: gate::list_scope(&u.cu),
        holder: mine.then(|| u.cu.org.id.clone()),
        stage,
        charge: charge.clone(),
        text: q.clone(),
        after: None,
        limit: 200,
    };
    let mut cases = st.store.list_cases(&query).await.map_err(err)?;
    if let Some(due) = &due {
        let org = (!gate::sees_all(&u.cu)).then(|| u.cu.org.id.clone());
        let ds = st.store.running_deadlines(org.as_deref(), Some(now + Duration::days(8)), 5000).await.map_err(err)?;
        let ids: BTreeSet<String> = ds
            .into_iter()
            .map(|d| deadline_view(d, now))
            .filter(|d| if due == "overdue" { d.overdue } else { !d.overdue && d.days_left <= 7 })
            .map(|d| d.deadline.case_id)
            .collect();
        if query.participant.is_some() || mine || stage.is_some() || charge.is_some() || q.is_some() {
            cases.retain(|c| ids.contains(&c.id));
        } else {
            cases.clear();
            for id in ids.iter().take(200) {
                if let Some(c) = st.store.case_summary(id).await.map_err(err)? {
                    cases.push(c);
                }
            }
        }
    }
    // The SQL scope is only a pre-filter: the gate decides each case (sealed ones drop out).
    let cases = visible_summaries(&st, &u, cases).await?;
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let title = if gate::sees_all(&u.cu) { "全部案件" } else { "我的案件" };
    let body = html! {
        h1 { (title) }
        form method="get" action="/cases" class="filters card" role="search" aria-label="筛选案件" {
            div class="field" {
                label for="f-q" { "案件名称或编号" }
                input id="f-q" name="q" type="search" value=[q.as_deref()] placeholder="如：张三 或 LB-2025";
            }
            div class="field" {
                label for="f-stage" { "阶段" }
                select id="f-stage" name="stage" {
                    option value="" { "全部阶段" }
                    @for s in Stage::ALL { option value=(s.code()) selected[stage == Some(s)] { (s.label()) } }
                }
            }
            div class="field" {
                label for="f-charge" { "罪名" }
                select id="f-charge" name="charge" {
                    option value="" { "全部罪名" }
                    @for (c, _, _) in domain::charges::CHARGES { option value=(c) selected[sel(&charge, c)] { (c) } }
                }
            }
            div class="field" {
                label for="f-due" { "期限" }
                select id="f-due" name="due" {
                    option value="" { "不限" }
                    option value="soon" selected[sel(&due, "soon")] { "七日内届满" }
                    option value="overdue" selected[sel(&due, "overdue")] { "已超期" }
                }
            }
            @if !gate::sees_all(&u.cu) {
                div class="field check" {
                    input id="f-holder" name="holder" type="checkbox" value="mine" checked[mine];
                    label for="f-holder" { "仅本单位正在承办" }
                }
            }
            div class="buttons" {
                button type="submit" class="primary" { "筛选" }
                a href="/cases" class="button" { "清除" }
            }
        }
        p class="muted" id="count" { "共 " (cases.len()) " 件" @if cases.len() >= 200 { "（仅显示最近更新的200件，请缩小筛选范围）" } }
        @if cases.is_empty() { p class="card muted" { "没有符合条件的案件。" } } @else { (case_rows(&cases, &dir)) }
    };
    Ok(Page::user(title, &u, Nav::Cases).render(body).into_response())
}

fn new_case_form(u: &UiUser, error: Option<&str>, f: &HashMap<String, String>) -> Markup {
    let v = |k: &str| f.get(k).cloned().unwrap_or_default();
    html! {
        h1 { "刑事立案" }
        @if let Some(e) = error { div class="flash error" role="alert" { (e) } }
        form method="post" action="/cases/new" class="card form" data-confirm="确认立案？立案决定将记入不可篡改的办案记录，不能撤回。" {
            input type="hidden" name="csrf" value=(u.csrf);
            div class="field" {
                label for="title" { "案件名称" }
                input id="title" name="title" type="text" required maxlength="200" value=(v("title")) placeholder="如：张三盗窃案";
            }
            div class="field" {
                label for="facts" { "简要案情" }
                textarea id="facts" name="facts" rows="5" required { (v("facts")) }
            }
            div class="field" {
                label for="charges" { "涉嫌罪名（多个罪名用顿号或逗号分隔）" }
                input id="charges" name="charges" type="text" required list="charge-list" value=(v("charges")) placeholder="如：盗窃";
                datalist id="charge-list" { @for (c, _, _) in domain::charges::CHARGES { option value=(c) {} } }
            }
            fieldset {
                legend { "犯罪嫌疑人" }
                @for i in 1..=3 {
                    div class="person-row" {
                        div class="field" {
                            label for=(format!("name{i}")) { "姓名" @if i > 1 { "（可选）" } }
                            input id=(format!("name{i}")) name=(format!("name{i}")) type="text" maxlength="50" required[i == 1] value=(v(&format!("name{i}")));
                        }
                        div class="field" {
                            label for=(format!("idcard{i}")) { "公民身份号码（可选）" }
                            input id=(format!("idcard{i}")) name=(format!("idcard{i}")) type="text" maxlength="18" pattern="[0-9]{17}[0-9Xx]" inputmode="text" value=(v(&format!("idcard{i}")));
                        }
                        div class="field" {
                            label for=(format!("phone{i}")) { "联系电话（可选）" }
                            input id=(format!("phone{i}")) name=(format!("phone{i}")) type="tel" maxlength="20" inputmode="tel" placeholder="手机号码或区号-号码" value=(v(&format!("phone{i}")));
                        }
                        div class="field" {
                            label for=(format!("address{i}")) { "住址（现住址或户籍地址，可选）" }
                            input id=(format!("address{i}")) name=(format!("address{i}")) type="text" maxlength=(domain::ids::MAX_ADDRESS) value=(v(&format!("address{i}")));
                        }
                    }
                }
            }
            button type="submit" class="primary" id="submit-register" { "立案" }
        }
    }
}

/// `GET /cases/new`
pub async fn new_case_page(u: UiUser) -> Response {
    Page::user("刑事立案", &u, Nav::NewCase).render(new_case_form(&u, None, &HashMap::new())).into_response()
}

/// `POST /cases/new`: registers a case.
pub async fn new_case(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> PageResult {
    check_csrf(&st, &headers, f.get("csrf").map(String::as_str))?;
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let charges: Vec<String> = get("charges").split(['、', ',', '，', ';', '；', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    let persons: Vec<PersonInput> = (1..=3)
        .filter(|i| !get(&format!("name{i}")).is_empty())
        .map(|i| {
            let given = |k: &str| Some(get(&format!("{k}{i}"))).filter(|v| !v.is_empty());
            PersonInput { name: get(&format!("name{i}")), id_card: given("idcard"), gender: None, birth_date: None, phone: given("phone"), address: given("address") }
        })
        .collect();
    let action = Action::Register { title: get("title"), facts: get("facts"), charges, persons };
    match st.store.submit(Command::new(u.cu.user.id.clone(), None, action)).await {
        Ok(out) => Ok(Redirect::to(&format!("/cases/{}?done=register", out.state.id)).into_response()),
        Err(e) => {
            let e: ApiError = e.into();
            let msg = match &e.citation { Some(c) if !e.message.contains(c.as_str()) => format!("{}（依据{c}）", e.message), _ => e.message.clone() };
            // A person's field: say which row of the form it is.
            let who = e
                .field
                .as_deref()
                .and_then(|f| f.strip_prefix("action.persons["))
                .and_then(|r| r.split_once(']'))
                .and_then(|(n, _)| n.parse::<usize>().ok())
                .map(|n| format!("第{}名犯罪嫌疑人：", n + 1))
                .unwrap_or_default();
            let page = Page::user("刑事立案", &u, Nav::NewCase).render(new_case_form(&u, Some(&format!("立案未成功：{who}{msg}")), &f));
            Ok((e.status, page).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
pub struct CaseParams {
    done: Option<String>,
    sv: Option<String>,
    uploaded: Option<String>,
    /// A suggested charge whose sentencing reference is adopted into a form.
    adopt: Option<String>,
    /// The manifest frozen with the action just taken.
    manifest: Option<String>,
}

fn custody_text(c: &Custody) -> String {
    match c {
        Custody::Free => c.label().into(),
        Custody::Detained { since } | Custody::Arrested { since } => format!("{}（自{}）", c.label(), china_time(*since)),
        Custody::Released { at } => format!("{}（{}）", c.label(), china_time(*at)),
    }
}

fn arrest_text(a: ArrestReview) -> &'static str {
    match a {
        ArrestReview::None => "—",
        ArrestReview::Requested => "已提请批准逮捕，待审查",
        ArrestReview::Approved => "已批准逮捕",
        ArrestReview::Refused => "不批准逮捕",
        ArrestReview::ReconsiderationRequested => "已要求复议",
        ArrestReview::RefusalUpheld => "复议维持不批准逮捕",
        ArrestReview::ReviewRequested => "已提请复核",
        ArrestReview::RefusalFinal => "复核维持不批准逮捕",
    }
}

async fn render_case(st: &AppState, u: &UiUser, id: &str, flash: Option<(bool, String)>, adopt: Option<&str>) -> Result<Markup, Response> {
    // The API's decision and masking: absent (404, audited) when the user may not read the case;
    // persons masked as `GET /api/v1/cases/{id}` masks them, unmasked reads recorded.
    let why = "GET /cases/{id} (web)";
    let (raw, f) = gate::authorize(st, &u.cu, id, gate::Resource::ReadCase, why).await.map_err(layout::api_error_page)?;
    let mut s = raw.clone();
    gate::show_case(st, &u.cu, &f, &mut s, why).await.map_err(err)?;
    let open = gate::unmasked_persons(&u.cu, &f, &raw);
    let mut events = st.store.case_events(id).await.map_err(err)?;
    for e in &mut events {
        gate::mask_event(&u.cu, &f, &raw, &open, e);
    }
    let lens = Lens::of(st, &u.cu, [id]).await.map_err(err)?;
    let dir = st.store.directory();
    let cal = st.store.calendar();
    let now = st.store.now();
    // The domain decides on the full state; what the page says about it is masked.
    let mut offers = actions::offers(&raw, &u.cu, &dir, &cal, now);
    for o in &mut offers {
        o.scrub(|t| lens.text(id, t));
    }
    let view = case_view(st, s.clone());
    let code = super::access::access_code(&super::access::secret(st), &s.id);
    let mut running: Vec<&DeadlineView> = view.deadlines.iter().filter(|d| d.running).collect();
    running.sort_by_key(|d| d.deadline.due.expires_at);
    let finished: Vec<DeadlineView> = view.deadlines.iter().filter(|d| !d.running).map(|d| deadline_view(d.deadline.clone(), now)).collect();
    let running: Vec<DeadlineView> = running.into_iter().map(|d| deadline_view(d.deadline.clone(), now)).collect();
    let supervision = super::supervision::case_section(st, u, id).await?;
    let files = super::files::case_section(st, u, id).await?;
    // Assistance is an aid: if it fails, the case page is still served, without it.
    let assist = super::assist::case_section(st, u, &raw, &s, &f, &offers, adopt).await.unwrap_or_else(|e| {
        tracing::warn!(case = id, status = %e.status(), "assisted case handling unavailable on the case page");
        None
    });
    let mut extras = actions::Extras { adopted: assist.as_ref().and_then(|a| a.adopted.as_ref()).map(|a| actions::Adopted { kind: a.kind, proposal: a.proposal.clone(), sentence: a.sentence, note: a.note.clone() }), ..Default::default() };
    for kind in SENDS_FILES {
        if offers.iter().any(|o| o.available() && o.kind() == kind) && u.cu.org.kind != AgencyKind::Committee {
            let gaps = super::assist::gaps_note(st, u, &raw, &s, kind).await.unwrap_or_else(|e| {
                tracing::warn!(case = id, status = %e.status(), "evidence check unavailable");
                html! {}
            });
            let choice = super::files::manifest_choice(st, u, &raw, kind).await?;
            extras.inserts.insert(kind, html! { (gaps) (choice) });
        }
    }
    Ok(html! {
        @if let Some((ok, msg)) = flash {
            div class=(if ok { "flash ok" } else { "flash error" }) role=(if ok { "status" } else { "alert" }) id="flash" { (msg) }
        }
        div class="case-head" {
            div {
                h1 { (s.title) }
                p class="meta" {
                    span class="mono" id="case-id" { (s.id) } " · " (stage_badge(s.stage))
                    " · 当前承办：" (view.holder.as_deref().map(|h| org_name(&dir, h)).unwrap_or_else(|| "—（无机关在办）".into()))
                }
                p class="meta small" {
                    @for (k, n) in &s.case_numbers { span class="casenum" { (k.label()) "：" (n) } }
                }
            }
            @if u.cu.org.kind != AgencyKind::Committee {
                div class="access" {
                    span class="small muted" { "当事人查询码" }
                    strong class="mono" id="access-code" { (code) }
                    span class="small muted" { "告知当事人或律师，凭案件编号和查询码在“公众查询”查看进度" }
                }
            }
        }
        div class="case-grid" {
            div class="col-main" {
                section class="card" aria-labelledby="h-actions" id="actions" {
                    h2 id="h-actions" { "办理" }
                    (actions::panel(&s, &offers, &u.csrf, &dir, now, &extras))
                }
                @if let Some(a) = &assist { (a.markup.clone()) }
                section class="card" aria-labelledby="h-deadlines" {
                    h2 id="h-deadlines" { "正在计算的期限（" (running.len()) "）" }
                    @if running.is_empty() { p class="muted" { "当前没有正在计算的法定期限。" } } @else { (deadlines_table(&running, &dir, false)) }
                    @if !finished.is_empty() {
                        details { summary { "已完成或停止的期限（" (finished.len()) "）" } (deadlines_table(&finished, &dir, false)) }
                    }
                }
                (supervision)
                (files)
                section class="card" aria-labelledby="h-timeline" {
                    h2 id="h-timeline" { "办案记录（" (events.len()) "）" }
                    ol class="timeline" id="timeline" {
                        @for e in events.iter().rev() {
                            li {
                                time datetime=(e.at.to_rfc3339()) { (china_time(e.at)) }
                                div {
                                    strong { (e.action.label()) }
                                    " · " (e.actor.name) "（" (org_name(&dir, &e.actor.org)) "）"
                                    @let d = actions::detail(e, &s, &dir);
                                    @if !d.is_empty() { div class="small" { (d) } }
                                    @if let Some(doc) = s.documents.iter().find(|d| d.event_seq == e.seq) {
                                        div class="small doc" { "文书：" (doc.kind.label()) "（" (doc.number) "）" }
                                    }
                                    @if let Some(c) = e.claimed_at.filter(|c| *c < e.at) {
                                        div class="small warn" { "声称办理时间 " (china_time(c)) " 早于系统收到时间" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div class="col-side" {
                section class="card" aria-labelledby="h-persons" {
                    h2 id="h-persons" { "涉案人员" }
                    ul class="persons" id="persons" {
                        @for p in &s.persons {
                            li {
                                div { strong { (p.name) } " " span class="tag" { (s.role_of(p).label()) } }
                                @if let Some(idc) = &p.id_card { div class="small mono" { (mask_id_card(idc)) } }
                                // Phone and address as the gate left them: masked unless the
                                // reader may see this person's personal data (then the read is audited).
                                @if let Some(ph) = &p.phone { div class="small mono phone" { "电话：" (ph) } }
                                @if let Some(ad) = &p.address { div class="small address" { "住址：" (ad) } }
                                div class=(if p.custody.in_custody() { "custody in" } else { "custody" }) { "羁押状态：" (custody_text(&p.custody)) }
                                div class="small" { "逮捕：" (arrest_text(p.arrest)) }
                                @if let Some(v) = &p.verdict {
                                    div class="small" { "判决：" @match v {
                                        domain::case::Verdict::Acquitted => "无罪",
                                        domain::case::Verdict::Convicted { sentence, .. } => (sentence.label()),
                                    } }
                                }
                                @if let Some(x) = &p.execution {
                                    div class="small" { @match x {
                                        Execution::Prison { org, at } => { "已交付执行：" (org_name(&dir, org)) "（" (china_date(*at)) "）" }
                                        Execution::CommunityCorrection { org, at, reported_at } => {
                                            "社区矫正：" (org_name(&dir, org)) "（" (china_date(*at)) "交付"
                                            @if let Some(r) = reported_at { "，" (china_date(*r)) "报到" } "）"
                                        }
                                    } }
                                }
                            }
                        }
                    }
                }
                section class="card" aria-labelledby="h-charges" {
                    h2 id="h-charges" { "罪名" }
                    ul class="plain" {
                        @for c in &s.charges {
                            li { (c) @if let Some(a) = domain::charges::article_of(c) { span class="small muted" { "（《刑法》第" (domain::cite::chinese_number(a)) "条）" } } }
                        }
                    }
                    @if s.returns > 0 { p class="small warn" { "已退回补充侦查" (s.returns) "次（至多二次，依据《刑事诉讼法》第一百七十五条）" } }
                    @if let Some(p) = s.procedure { p class="small" { "审理程序：" (p.label()) } }
                    @if let Some(h) = s.hearing_at { p class="small" { "开庭时间：" (china_time(h)) } }
                    @if let Some(c) = &s.closure { p class="small" { "结案：" (c.reason) "（" (china_date(c.at)) "）" } }
                }
                section class="card" aria-labelledby="h-docs" {
                    h2 id="h-docs" { "法律文书（" (s.documents.len()) "）" }
                    ul class="plain docs" id="documents" {
                        @for d in s.documents.iter().rev() {
                            li { strong { (d.kind.label()) } br; span class="small mono" { (d.number) } br; span class="small muted" { (org_name(&dir, &d.org)) " · " (china_time(d.at)) } }
                        }
                    }
                }
                section class="card" aria-labelledby="h-facts" {
                    h2 id="h-facts" { "简要案情" }
                    p class="facts" { (s.facts) }
                }
            }
        }
    })
}

/// The actions that send the case file to another agency: the arrest request (CPL 87), the
/// transfer for prosecution (CPL 162) and the indictment (CPL 176). Their forms show the evidence
/// check and the choice of what travels, frozen as a manifest.
const SENDS_FILES: [&str; 3] = ["request_arrest", "transfer_for_prosecution", "indict"];

/// `GET /cases/{id}`: the case page.
pub async fn case_page(State(st): State<AppState>, u: UiUser, Path(id): Path<String>, Query(p): Query<CaseParams>) -> PageResult {
    let flash = p.done.as_deref().map(|k| {
        let label = if k == "register" { "刑事立案" } else { actions::label_of(k).unwrap_or("操作") };
        (true, format!("已办理：{label}。已记入办案记录。"))
    });
    let flash = flash.or_else(|| sv_flash(p.sv.as_deref()).map(|m| (true, m.to_string())));
    let flash = flash.map(|(ok, m)| match &p.manifest {
        Some(mid) => (ok, format!("{m}移送清单{mid}已冻结，随案移送。")),
        None => (ok, m),
    });
    let flash = flash.or_else(|| p.uploaded.as_ref().map(|_| (true, "材料已上传并加盖本单位电子印章，已记入卷宗记录。".to_string())));
    let body = render_case(&st, &u, &id, flash, p.adopt.as_deref()).await?;
    Ok(Page::user(&id, &u, Nav::Cases).render(body).into_response())
}

/// The case page again, with the reason an action was refused.
async fn refused(st: &AppState, u: &UiUser, id: &str, status: StatusCode, msg: String) -> PageResult {
    let body = render_case(st, u, id, Some((false, msg)), None).await?;
    Ok((status, Page::user(id, u, Nav::Cases).render(body)).into_response())
}

/// `POST /cases/{id}/act`: takes an action; on refusal shows the case page with the reason.
pub async fn act(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Path(id): Path<String>, Form(f): Form<HashMap<String, String>>) -> PageResult {
    check_csrf(&st, &headers, f.get("csrf").map(String::as_str))?;
    gate::check_case(&st, &u.cu, &id).await.map_err(layout::api_error_page)?;
    let s = st.store.case(&id).await.map_err(err)?.ok_or_else(|| err(ApiError::case_not_found(&id)))?;
    let action = match actions::parse(&f, &s) {
        Ok(a) => a,
        Err(m) => return refused(&st, &u, &id, StatusCode::UNPROCESSABLE_ENTITY, format!("未能办理：{m}")).await,
    };
    let label = action.label();
    let kind = action.kind();
    // As the API's `act`: the gate's act_on_case first, refusals audited.
    let facts = gate::facts(&st, &s).await.map_err(err)?;
    let may = gate::decide(&u.cu, gate::Resource::ActOnCase, &facts);
    if !may.allowed {
        gate::record_denial(&st, &u.cu, Some(&id), gate::Resource::ActOnCase, kind).await.map_err(err)?;
        let e = gate::refusal(&may);
        return refused(&st, &u, &id, e.status, format!("“{label}”未能办理：{}", e.message)).await;
    }
    let cmd = Command {
        request_id: f.get("request_id").filter(|r| !r.is_empty()).cloned(),
        case_id: Some(id.clone()),
        expected_version: f.get("version").and_then(|v| v.parse().ok()),
        actor: u.cu.user.id.clone(),
        action,
        claimed_at: None,
    };
    match st.store.submit(cmd).await {
        Ok(out) => {
            // What travels with it: the volumes and items ticked in the form, frozen as the
            // manifest of this very event, addressed to where the domain routed the case.
            let (volumes, files) = super::files::manifest_picks(&f);
            if !SENDS_FILES.contains(&kind) || (volumes.is_empty() && files.is_empty()) || out.replayed {
                return Ok(Redirect::to(&format!("/cases/{}?done={}", urlencode(&id), kind)).into_response());
            }
            let Some(to) = out.event.route.clone() else {
                return refused(&st, &u, &id, StatusCode::UNPROCESSABLE_ENTITY, format!("已办理：{label}。但本操作没有接收单位，移送清单未冻结。")).await;
            };
            let actor = store::FileActor { user: u.cu.user.id.clone(), org: u.cu.org.id.clone() };
            match st.store.freeze_manifest(&id, &actor, &to, Some(out.event.seq), &volumes, &files).await {
                Ok(m) => Ok(Redirect::to(&format!("/cases/{}?done={}&manifest={}", urlencode(&id), kind, urlencode(&m.id))).into_response()),
                Err(e) => {
                    let e: ApiError = e.into();
                    refused(&st, &u, &id, StatusCode::UNPROCESSABLE_ENTITY, format!("已办理：{label}。但移送清单未能冻结：{}。请在卷宗管理页补充冻结。", e.message)).await
                }
            }
        }
        Err(e) => {
            let e: ApiError = e.into();
            let msg = match &e.citation { Some(c) if !e.message.contains(c.as_str()) => format!("{}（依据{c}）", e.message), _ => e.message.clone() };
            refused(&st, &u, &id, e.status, format!("“{label}”未能办理：{msg}")).await
        }
    }
}

/// Every case summary in scope (paged; capped for very large installations).
async fn all_summaries(st: &AppState, participant: Option<String>) -> Result<Vec<CaseSummary>, Response> {
    let mut out: Vec<CaseSummary> = Vec::new();
    let mut after = None;
    for _ in 0..40 {
        let q = CaseQuery { participant: participant.clone(), after: after.clone(), limit: 500, ..Default::default() };
        let page = st.store.list_cases(&q).await.map_err(err)?;
        let n = page.len();
        after = page.last().map(|c| (c.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), c.id.clone()));
        out.extend(page);
        if n < 500 {
            break;
        }
    }
    Ok(out)
}

/// `GET /dashboard`: cases by stage and agency, deadlines due this week, overdue cases.
pub async fn dashboard(State(st): State<AppState>, u: UiUser, Query(sv): Query<SvParams>) -> PageResult {
    if u.cu.org.kind != AgencyKind::Committee && u.cu.user.role != Role::Leader {
        return Err(layout::error_page(StatusCode::FORBIDDEN, "无权查看", "督办看板供政法委督查人员和单位领导使用。"));
    }
    let scope = gate::list_scope(&u.cu);
    let now = st.store.now();
    let dir = st.store.directory();
    // Counts as the API's: the SQL counts less the cases the gate hides from the user (sealed).
    let hidden = gate::hidden_stage_counts(&st, &u.cu).await.map_err(err)?;
    let stages: Vec<(Stage, u64)> = st
        .store
        .stage_counts(scope.as_deref())
        .await
        .map_err(err)?
        .into_iter()
        .map(|(s, n)| (s, n.saturating_sub(hidden.get(&s).copied().unwrap_or(0))))
        .filter(|(_, n)| *n > 0)
        .collect();
    let total: u64 = stages.iter().map(|(_, n)| n).sum();
    // Only cases someone holds count per agency: ask the gate about those alone (most cases of a
    // city are closed or in execution, and each gate question loads the case).
    let held: Vec<_> = all_summaries(&st, scope.clone()).await?.into_iter().filter(|c| c.holder.is_some()).collect();
    let summaries = visible_summaries(&st, &u, held).await?;
    let mut by_kind: BTreeMap<AgencyKind, u64> = BTreeMap::new();
    let mut by_org: BTreeMap<String, BTreeMap<Stage, u64>> = BTreeMap::new();
    for c in &summaries {
        if let Some(h) = &c.holder {
            if let Some(o) = dir.org(h) {
                *by_kind.entry(o.kind).or_default() += 1;
            }
            *by_org.entry(h.clone()).or_default().entry(c.stage).or_default() += 1;
        }
    }
    let raw = st.store.running_deadlines(scope.as_deref(), Some(now + Duration::days(8)), 5000).await.map_err(err)?;
    let ds: Vec<DeadlineView> = visible_deadlines(&st, &u, raw)
        .await?
        .into_iter()
        .map(|d| deadline_view(d, now))
        .filter(|d| !d.deadline.kind.is_window())
        .collect();
    let overdue: Vec<&DeadlineView> = ds.iter().filter(|d| d.overdue).collect();
    let week: Vec<&DeadlineView> = ds.iter().filter(|d| !d.overdue && d.days_left <= 7).collect();
    let overdue_cases: BTreeSet<&str> = overdue.iter().map(|d| d.deadline.case_id.as_str()).collect();
    let stage_bars: Vec<Bar> = stages
        .iter()
        .map(|(s, n)| Bar { label: s.label().into(), value: *n, class: "b-stage", href: Some(format!("/cases?stage={}", s.code())) })
        .collect();
    let kind_bars: Vec<Bar> = [AgencyKind::Police, AgencyKind::Procuratorate, AgencyKind::Court, AgencyKind::JusticeBureau]
        .into_iter()
        .map(|k| Bar { label: k.label().into(), value: by_kind.get(&k).copied().unwrap_or(0), class: "b-agency", href: None })
        .collect();
    let today = domain::period::local_date(now);
    let day_bars: Vec<Bar> = (0..=7)
        .map(|i| {
            let day = today + Duration::days(i);
            let n = week.iter().filter(|d| d.deadline.due.last_day == day).count() as u64;
            Bar { label: if i == 0 { "今天".into() } else { day.format("%m-%d").to_string() }, value: n, class: if i <= 1 { "b-warn" } else { "b-due" }, href: None }
        })
        .collect();
    let mut week_sorted = week.clone();
    week_sorted.sort_by_key(|d| d.deadline.due.expires_at);
    let week_owned: Vec<DeadlineView> = week_sorted.iter().take(100).map(|d| deadline_view(d.deadline.clone(), now)).collect();
    let overdue_owned: Vec<DeadlineView> = overdue.iter().take(100).map(|d| deadline_view(d.deadline.clone(), now)).collect();
    let supervision = super::supervision::dashboard_section(&st, &u).await?;
    let body = html! {
        h1 { "督办看板" span class="sub" { (u.cu.org.name) " · " (china_time(now)) } }
        @if let Some(m) = sv_flash(sv.sv.as_deref()) { div class="flash ok" role="status" id="flash" { (m) } }
        div class="tiles" {
            (chart::tile("案件总数", total, "", "/cases"))
            (chart::tile("在办案件", total - stages.iter().filter(|(s, _)| matches!(s, Stage::Closed | Stage::Execution)).map(|(_, n)| n).sum::<u64>(), "", "/cases"))
            (chart::tile("七日内届满期限", week.len(), "t-warn", "/cases?due=soon"))
            (chart::tile("超期案件", overdue_cases.len(), "t-bad", "/cases?due=overdue"))
        }
        div class="grid2" {
            section class="card" aria-labelledby="h-c1" {
                h2 id="h-c1" { "各阶段案件数" }
                (chart::hbars("chart-stages", "各阶段案件数", &stage_bars))
                h2 id="h-c3" { "未来七日每日届满期限" }
                @if week.is_empty() {
                    p class="muted" id="chart-week-empty" { "未来七日没有届满的期限。" }
                } @else {
                    (chart::columns("chart-week", "未来七日每日届满期限数", &day_bars))
                }
            }
            section class="card" aria-labelledby="h-c2" {
                h2 id="h-c2" { "各机关在办案件数" }
                (chart::hbars("chart-agencies", "各机关在办案件数", &kind_bars))
            }
        }
        (supervision)
        section class="card" aria-labelledby="h-over" {
            h2 id="h-over" { "超期未办（" (overdue.len()) "项，涉及" (overdue_cases.len()) "件案件）" }
            @if overdue_owned.is_empty() { p class="muted" { "没有超期的期限。" } } @else { (deadlines_table(&overdue_owned, &dir, true)) }
        }
        section class="card" aria-labelledby="h-week" {
            h2 id="h-week" { "本周届满的期限（" (week.len()) "）" }
            @if week_owned.is_empty() { p class="muted" { "七日内没有届满的期限。" } } @else { (deadlines_table(&week_owned, &dir, true)) }
        }
        section class="card" aria-labelledby="h-orgs" {
            h2 id="h-orgs" { "各单位在办案件（按阶段）" }
            div class="table-wrap" {
                table {
                    thead { tr { th scope="col" { "承办单位" } @for s in Stage::ALL.iter().filter(|s| s.holder_kind().is_some()) { th scope="col" { (s.label()) } } th scope="col" { "合计" } } }
                    tbody {
                        @for (org, m) in &by_org {
                            tr {
                                th scope="row" { (org_name(&dir, org)) }
                                @for s in Stage::ALL.iter().filter(|s| s.holder_kind().is_some()) { td class="num" { (m.get(s).copied().unwrap_or(0)) } }
                                td class="num" { strong { (m.values().sum::<u64>()) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Page::user("督办看板", &u, Nav::Dashboard).render(body).into_response())
}
