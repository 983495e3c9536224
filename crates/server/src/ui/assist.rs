//! Assisted case handling on the case page: suggested charges, articles, a sentencing reference,
//! entities and the crime amount, each with its reasons; "采用" pre-fills a form; and the
//! evidence check shown inside the forms that send the case file on.
//!
//! Shown only to those who handle the case at a stage where it serves them
//! (`assist_api::audience`), computed from the facts as the reader may see them. "采用" is a
//! plain link back to the case page with `?adopt=<charge>`: the page opens the form (the
//! indictment's sentencing proposal, the judgment's sentence) with the reference filled in, and
//! the person reads, changes and submits it — nothing is decided here.

use super::actions::{Adopted, Offer};
use super::layout;
use super::session::{UiUser, urlencode};
use crate::assist_api::{self, Audience, CaseSuggestions};
use crate::error::ApiError;
use crate::policy::CaseFacts;
use crate::AppState;
use assist::Reason;
use axum::response::Response;
use domain::CaseState;
use maud::{Markup, html};

fn err(e: impl Into<ApiError>) -> Response {
    layout::api_error_page(e.into())
}

fn reason_kind(k: &str) -> &'static str {
    match k {
        "fact" => "案情",
        "statute" => "法条",
        "similar" => "相似案例",
        _ => "规则",
    }
}

fn reasons(rs: &[Reason], mask: &dyn Fn(&str) -> String) -> Markup {
    html! {
        @if !rs.is_empty() {
            details class="reasons" {
                summary { "理由（" (rs.len()) "）" }
                ul class="small" {
                    @for r in rs {
                        li { span class="tag" { (reason_kind(r.kind)) @if let Some(a) = r.article { " 第" (a) "条" } } " " (mask(&r.text)) }
                    }
                }
            }
        }
    }
}

fn article_label(a: u32) -> String {
    format!("《刑法》第{}条", domain::cite::chinese_number(a))
}

/// The form a suggestion may be adopted into, among those the user may take now.
pub fn adopt_target(offers: &[Offer]) -> Option<&'static str> {
    ["indict", "pronounce_judgment", "decide_second_instance"].into_iter().find(|k| offers.iter().any(|o| o.available() && o.kind() == *k))
}

/// What the page shows, and the adopted values for the action panel.
pub struct Section {
    pub markup: Markup,
    pub adopted: Option<Adopted>,
}

/// The suggestions card of the case page (`None`: not for this reader).
pub async fn case_section(st: &AppState, u: &UiUser, raw: &CaseState, shown: &CaseState, f: &CaseFacts, offers: &[Offer], adopt: Option<&str>) -> Result<Option<Section>, Response> {
    let Some(aud) = assist_api::audience(&u.cu, raw, f) else { return Ok(None) };
    if shown.facts.trim().is_empty() {
        return Ok(None);
    }
    let a = assist_api::assistant(st).await.map_err(err)?;
    let (facts, charges) = (shown.facts.clone(), shown.charges.clone());
    let adopt_charge = adopt.map(str::to_string).filter(|_| aud == Audience::Full);
    let (sug, adopted_term): (CaseSuggestions, Option<assist_api::TermView>) = tokio::task::spawn_blocking(move || {
        let sug = assist_api::suggest(&a, &facts, &charges);
        let t = adopt_charge.map(|c| if c == sug.term.charge { sug.term.clone() } else { assist_api::term_for_charge(&a, &facts, &c) });
        (sug, t)
    })
    .await
    .map_err(|e| err(ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "assist", format!("辅助办案计算失败：{e}"))))?;
    let names = assist_api::text_mask(&u.cu, f, raw);
    let mask = |t: &str| assist_api::mask_with(&names, t);
    let target = if aud == Audience::Full { adopt_target(offers) } else { None };
    let adopt_href = |charge: &str| target.map(|t| format!("/cases/{}?adopt={}#action-{t}", urlencode(&shown.id), urlencode(charge)));
    let adopted = match (target, adopted_term) {
        (Some(kind), Some(t)) => Some(Adopted {
            kind,
            proposal: t.proposal(),
            sentence: match t.kind {
                "life" => ("life", 0),
                "death" => ("death", 0),
                _ => ("prison", t.months.unwrap_or(0)),
            },
            note: format!("已采用辅助建议（{}：{}），请核对、修改后自行提交。", t.charge, t.label),
        }),
        _ => None,
    };
    let markup = html! {
        section class="card assist" aria-labelledby="h-assist" id="assist" {
            h2 id="h-assist" { "辅助办案建议" }
            p class="small muted" id="assist-notice" { (assist_api::NOTICE) }
            h3 { "建议罪名" }
            @if sug.charges.is_empty() {
                p class="muted" { "未能根据案情提出罪名建议。" }
            } @else {
                ol class="plain suggestions" id="assist-charges" {
                    @for (i, c) in sug.charges.iter().enumerate() {
                        li id=(format!("assist-charge-{i}")) {
                            strong class="charge" { (c.charge) "罪" }
                            @for art in &c.articles { " " span class="small muted" { (article_label(*art)) } }
                            " " span class="small muted" { "（匹配度 " (format!("{:.2}", c.score)) "）" }
                            @if shown.charges.iter().any(|r| r.trim_end_matches('罪') == c.charge.trim_end_matches('罪')) {
                                " " span class="tag" { "与立案罪名一致" }
                            }
                            @if let Some(h) = adopt_href(&c.charge) {
                                " " a class="button adopt" id=(format!("adopt-charge-{i}")) href=(h) { "采用" }
                            }
                            (reasons(&c.reasons, &mask))
                        }
                    }
                }
            }
            h3 { "适用法条" }
            p id="assist-articles" {
                @if sug.articles.is_empty() { span class="muted" { "—" } }
                @for (i, a) in sug.articles.iter().enumerate() { @if i > 0 { "、" } (article_label(*a)) }
            }
            (reasons(&sug.article_reasons, &mask))
            @if aud == Audience::Full {
                h3 { "量刑参考" }
                p id="assist-term" {
                    strong { (sug.term.label) } " " span class="small muted" { "（" (sug.term.charge) "罪）" }
                    @if let Some(h) = adopt_href(&sug.term.charge) {
                        " " a class="button adopt" id="adopt-term" href=(h) { "采用" }
                    }
                }
                (reasons(&sug.term.reasons, &mask))
                @if target.is_none() {
                    p class="small muted" id="assist-no-target" { "本单位当前没有可填入建议的办理表单（提起公诉的量刑建议、判决的刑罚）。" }
                }
                h3 { "案情要素" }
                @if let Some(am) = &sug.amount {
                    p id="assist-amount" { "涉案金额：" strong { (format!("{}", am.amount)) "元" } }
                    (reasons(&am.reasons, &mask))
                } @else if !sug.amount_left_out.is_empty() {
                    p id="assist-amount" { "涉案金额：" strong { "未认定" } "（案情所述金额均不计入犯罪数额）" }
                    (reasons(&sug.amount_left_out, &mask))
                }
                @let found: Vec<(&String, &Vec<String>)> = sug.entities.by_type.iter().filter(|(_, vs)| !vs.is_empty()).collect();
                @if found.is_empty() {
                    p class="muted" { "未提取到案情要素。" }
                } @else {
                    ul class="plain small entities" id="assist-entities" {
                        @for (k, vs) in &found {
                            li { span class="tag" { (k) } " " (mask(&vs.join("、"))) }
                        }
                    }
                    (reasons(&sug.entities.reasons, &mask))
                }
            }
        }
    };
    Ok(Some(Section { markup, adopted }))
}

/// The evidence check inside a form that sends the case file on: what the checklist of each
/// charge expects and the titles of the items the organization holds do not show. A warning,
/// never a block.
pub async fn gaps_note(st: &AppState, u: &UiUser, raw: &CaseState, shown: &CaseState, kind: &str) -> Result<Markup, Response> {
    let files = assist_api::readable_titles(st, &u.cu, raw).await.map_err(err)?;
    let titles: Vec<String> = files.iter().map(|f| f.title.clone()).collect();
    let a = assist_api::assistant(st).await.map_err(err)?;
    let (facts, charges) = (shown.facts.clone(), shown.charges.clone());
    let per = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        assist_api::gaps(&a, &facts, &charges, &refs)
    })
    .await
    .map_err(|e| err(ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "assist", format!("辅助办案计算失败：{e}"))))?;
    let missing: usize = per.iter().map(|(_, g)| g.len()).sum();
    Ok(html! {
        div class=(if missing > 0 { "evidence-gaps warn-box" } else { "evidence-gaps" }) id=(format!("gaps-{kind}")) role="note" {
            strong { "证据核对（提示，不影响提交）" }
            @for (charge, gaps) in &per {
                @if gaps.is_empty() {
                    p class="small" { "已对照" (charge.trim_end_matches('罪')) "罪的证据清单核对本单位卷宗材料（" (files.len()) "件），未发现缺项。" }
                } @else {
                    p class="small" { "对照" (charge.trim_end_matches('罪')) "罪的证据清单，本单位卷宗材料（" (files.len()) "件）中未见：" }
                    ul class="small gaps" {
                        @for g in gaps {
                            li { strong { (g.item) } " — " (g.reason) span class="muted" { "（材料名称含“" (g.expected_titles.join("”“")) "”之一即视为已有）" } }
                        }
                    }
                }
            }
            p class="small muted" { "依据" (assist_api::GAPS_BASIS) "。" }
        }
    })
}
