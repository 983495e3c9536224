//! Assisted case handling (智能辅助办案) for agency systems and the case page, under `/api/v1`.
//!
//! | route | what |
//! |---|---|
//! | `GET /cases/{id}/suggestions` | suggested charges, Criminal Law articles, a sentencing reference, entities and the crime amount (or why no sum counts, `amount_left_out`) — each with its reasons |
//! | `GET /cases/{id}/evidence-gaps` | per charge, the kinds of evidence missing from the items the reader's organization holds |
//!
//! The key decision: **suggestions are computed from what the reader may read.** The gate
//! decides exactly as for `GET /cases/{id}` (absent when the case may not be read, audited); the
//! facts are masked for the reader first (`gate::show_case`) and only then given to the models,
//! so no reason can quote — or, by its character positions, hint at — what the reader may not
//! see; every string of the answer is masked once more on the way out. Nothing here decides:
//! a person adopts a suggestion into a form and submits it (see `ui/assist.rs`).
//!
//! The models (`crates/assist`, ≈0.15 s and ≈33 MB with jieba) are loaded once per server, on
//! first use, off the async threads ([`assistant`]).

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::policy::{CaseFacts, GateAction};
use crate::{AppState, gate};
use assist::eval::Term;
use assist::{Assistant, CaseInput, Reason};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::case::Sentence;
use domain::{AgencyKind, CaseState, Role, Stage};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/suggestions", get(suggestions))
        .route("/cases/{id}/evidence-gaps", get(evidence_gaps))
}

/// The shared assistant, loaded on first use (on a blocking thread).
pub async fn assistant(st: &AppState) -> Result<Arc<Assistant>, ApiError> {
    if let Some(a) = st.assist.get() {
        return Ok(a.clone());
    }
    let cell = st.assist.clone();
    tokio::task::spawn_blocking(move || -> Result<Arc<Assistant>, String> {
        if let Some(a) = cell.get() {
            return Ok(a.clone());
        }
        let a = Arc::new(Assistant::load(None).map_err(|e| e.to_string())?);
        // Build the shared jieba now, not in the first request that segments.
        let _ = assist::segment("预热");
        Ok(cell.get_or_init(|| a).clone())
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "assist", format!("辅助办案模型加载失败：{e}")))?
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "assist", format!("辅助办案模型加载失败：{e}")))
}

/// A sentencing reference, in the court's terms.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    /// `months`, `life` or `death`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// `有期徒刑8个月`, `无期徒刑`, `死刑`.
    pub label: String,
    /// The charge the reference is for.
    pub charge: String,
    pub reasons: Vec<Reason>,
}

impl TermView {
    fn of(t: assist::term::TermSuggestion, charge: &str) -> Self {
        let (kind, months, label) = match t.term {
            Term::Months(m) => ("months", Some(m), Sentence::Prison { months: m }.label()),
            Term::Life => ("life", None, Sentence::Life.label()),
            Term::Death => ("death", None, Sentence::Death { reprieve: false }.label()),
        };
        TermView { kind, months, label, charge: charge.to_string(), reasons: t.reasons }
    }

    /// The text a prosecutor's sentencing proposal would start from.
    pub fn proposal(&self) -> String {
        format!("以{}罪追诉，建议判处{}", self.charge.trim_end_matches('罪'), self.label)
    }
}

/// Everything suggested for a case's (masked) facts.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSuggestions {
    pub charges: Vec<assist::charges::ChargeSuggestion>,
    /// Articles of the Criminal Law: those of the registered charges, else of the suggested ones.
    pub articles: Vec<u32>,
    pub article_reasons: Vec<Reason>,
    pub term: TermView,
    pub entities: assist::entities::Entities,
    pub amount: Option<assist::amount::AmountSuggestion>,
    /// Without an amount: why each sum the facts name was left out (empty when they name none).
    pub amount_left_out: Vec<Reason>,
}

/// Suggestions for facts (already masked for the reader), with the case's registered charges.
pub fn suggest(a: &Assistant, facts: &str, registered: &[String]) -> CaseSuggestions {
    let given = CaseInput { facts: facts.to_string(), charges: registered.to_vec(), articles: vec![] };
    let plain = CaseInput { facts: facts.to_string(), ..Default::default() };
    let s = a.suggest(facts);
    let (articles, article_reasons) = a.articles_for(&given);
    // Several registered charges are sentenced together (刑法第69条): the reference is for all.
    let charge = if registered.is_empty() { s.charges.first().map(|c| c.charge.clone()).unwrap_or_default() } else { registered.iter().map(|c| c.trim_end_matches('罪')).collect::<Vec<_>>().join("、") };
    let term = if registered.is_empty() { a.term_for(&plain, &s.charges) } else { a.term_for(&given, &[]) };
    let amount_left_out = if s.amount.is_none() { assist::amount::crime_amount_explained(facts).err().unwrap_or_default() } else { Vec::new() };
    CaseSuggestions { charges: s.charges, articles, article_reasons, term: TermView::of(term, &charge), entities: s.entities, amount: s.amount, amount_left_out }
}

/// The sentencing reference for one charge (what "采用" on a suggested charge fills in).
pub fn term_for_charge(a: &Assistant, facts: &str, charge: &str) -> TermView {
    let input = CaseInput { facts: facts.to_string(), charges: vec![charge.to_string()], articles: vec![] };
    TermView::of(a.term(&input), charge)
}

/// Which suggestions a reader is shown on the case page: those who handle the case at a stage
/// where the suggestion serves them. `None`: none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The police investigating: suggested charges and their articles (CPL 115: investigation
    /// establishes the crime).
    Charges,
    /// The procuratorate reviewing an arrest request or for prosecution, and the court trying the
    /// case: everything, with the sentencing reference (CPL 176 ¶2: the sentencing proposal).
    Full,
}

pub fn audience(u: &CurrentUser, s: &CaseState, f: &CaseFacts) -> Option<Audience> {
    if u.is_service() || !f.handling_orgs.contains(&u.org.id) {
        return None;
    }
    let role = u.user.role;
    match u.org.kind {
        AgencyKind::Police if matches!(role, Role::Officer | Role::Leader) && matches!(s.stage, Stage::Investigation | Stage::SupplementaryInvestigation) => {
            Some(Audience::Charges)
        }
        AgencyKind::Procuratorate
            if matches!(role, Role::Prosecutor | Role::Leader)
                && f.procuratorate_orgs.contains(&u.org.id)
                && (matches!(s.stage, Stage::ProsecutionReview | Stage::SupplementaryInvestigation | Stage::FirstInstance | Stage::AppealWindow | Stage::SecondInstance)
                    || (s.stage == Stage::Investigation && f.arrest_requested)) =>
        {
            Some(Audience::Full)
        }
        AgencyKind::Court
            if matches!(role, Role::Judge | Role::Clerk | Role::Leader)
                && f.court_orgs.contains(&u.org.id)
                && matches!(s.stage, Stage::FirstInstance | Stage::AppealWindow | Stage::SecondInstance) =>
        {
            Some(Audience::Full)
        }
        _ => None,
    }
}

/// Masks every string of a JSON answer as the case's free text is masked for the reader (ID and
/// phone numbers, addresses, the names of minors the reader may not see).
pub fn scrub(v: &mut Value, mask: &dyn Fn(&str) -> String) {
    match v {
        Value::String(s) => *s = mask(s),
        Value::Array(xs) => xs.iter_mut().for_each(|x| scrub(x, mask)),
        Value::Object(m) => m.values_mut().for_each(|x| scrub(x, mask)),
        _ => {}
    }
}

/// The masking of free text about a case for a reader: `None` when the reader sees every person
/// unmasked.
pub fn text_mask(u: &CurrentUser, f: &CaseFacts, raw: &CaseState) -> Option<Vec<(String, String)>> {
    let open = gate::unmasked_persons(u, f, raw);
    if open.len() == raw.persons.len() {
        return None;
    }
    Some(gate::hidden_values(raw, &open))
}

pub fn mask_with(hidden: &Option<Vec<(String, String)>>, t: &str) -> String {
    match hidden {
        None => t.to_string(),
        Some(hidden) => gate::mask_text_with(hidden, t),
    }
}

/// The case as the reader may see it (gate and masking of `GET /cases/{id}`), and the raw state.
async fn read_case(st: &AppState, u: &CurrentUser, id: &str, why: &str) -> Result<(CaseState, CaseState, CaseFacts), ApiError> {
    let (raw, f) = gate::authorize(st, u, id, GateAction::ReadCase, why).await?;
    let mut s = raw.clone();
    gate::show_case(st, u, &f, &mut s, why).await?;
    Ok((raw, s, f))
}

/// `GET /cases/{id}/suggestions`
async fn suggestions(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let (raw, s, f) = read_case(&st, &u, &id, "GET /api/v1/cases/{id}/suggestions").await?;
    let a = assistant(&st).await?;
    let (facts, charges) = (s.facts.clone(), s.charges.clone());
    let sug = tokio::task::spawn_blocking(move || suggest(&a, &facts, &charges))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "assist", format!("辅助办案计算失败：{e}")))?;
    let mut v = json!({
        "case_id": s.id,
        "registered_charges": s.charges,
        "charges": sug.charges,
        "articles": { "articles": sug.articles, "reasons": sug.article_reasons },
        "term": sug.term,
        "entities": sug.entities,
        "amount": sug.amount,
        "amount_left_out": sug.amount_left_out,
        "notice": NOTICE,
    });
    let names = text_mask(&u, &f, &raw);
    scrub(&mut v, &|t| mask_with(&names, t));
    Ok(Json(v))
}

/// Shown with every suggestion.
pub const NOTICE: &str = "辅助建议由模型根据案情自动生成，仅供参考，不代替办案人员依法作出的判断。";

/// Titles of the items the reader's organization may read (what it could send on), current
/// versions only.
pub async fn readable_titles(st: &AppState, u: &CurrentUser, case: &CaseState) -> Result<Vec<store::CaseFile>, ApiError> {
    let all = st.store.case_files(&case.id).await?;
    let superseded: BTreeSet<String> = all.iter().filter_map(|f| f.supersedes.clone()).collect();
    let mut out = Vec::new();
    for f in all {
        if !superseded.contains(&f.id) && crate::files_api::may_read_file(st, u, case, &f).await? {
            out.push(f);
        }
    }
    Ok(out)
}

/// Evidence gaps per charge, checked against titles. Charges: the registered ones, else the first
/// suggested one.
pub fn gaps(a: &Assistant, facts: &str, registered: &[String], titles: &[&str]) -> Vec<(String, Vec<assist::Gap>)> {
    let charges: Vec<String> = if registered.is_empty() { a.charges_for(&CaseInput { facts: facts.to_string(), ..Default::default() }).into_iter().take(1).map(|c| c.charge).collect() } else { registered.to_vec() };
    charges.into_iter().map(|c| {
        let g = a.evidence_gaps(&c, titles);
        (c, g)
    }).collect()
}

/// `GET /cases/{id}/evidence-gaps`
async fn evidence_gaps(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let (raw, s, f) = read_case(&st, &u, &id, "GET /api/v1/cases/{id}/evidence-gaps").await?;
    let files = readable_titles(&st, &u, &raw).await?;
    let titles: Vec<String> = files.iter().map(|f| f.title.clone()).collect();
    let a = assistant(&st).await?;
    let (facts, charges, t2) = (s.facts.clone(), s.charges.clone(), titles.clone());
    let per = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = t2.iter().map(String::as_str).collect();
        gaps(&a, &facts, &charges, &refs)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "assist", format!("辅助办案计算失败：{e}")))?;
    let mut v = json!({
        "case_id": s.id,
        "checked_titles": titles,
        "charges": per.iter().map(|(c, g)| json!({ "charge": c, "gaps": g })).collect::<Vec<_>>(),
        "basis": GAPS_BASIS,
        "notice": NOTICE,
    });
    let names = text_mask(&u, &f, &raw);
    scrub(&mut v, &|t| mask_with(&names, t));
    Ok(Json(v))
}

/// Why the check exists.
pub const GAPS_BASIS: &str = "《刑事诉讼法》第五十条（证据种类）、第一百六十二条（移送审查起诉应当做到犯罪事实清楚，证据确实、充分）";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_without_an_amount_say_why_each_sum_was_left_out() {
        let a = Assistant::load(None).expect("embedded models");
        let none = suggest(&a, "被告人殴打被害人致轻伤。案发后，被告人赔偿被害人人民币2万元，取得谅解。", &[]);
        assert!(none.amount.is_none());
        assert!(none.amount_left_out.iter().any(|r| r.text.starts_with("不计入20,000元")), "{:?}", none.amount_left_out);
        // an amount found: nothing to explain away
        let some = suggest(&a, "被告人盗窃被害人现金人民币3000元。", &[]);
        assert_eq!(some.amount.map(|x| x.amount), Some(3000.0));
        assert!(some.amount_left_out.is_empty());
    }
}
