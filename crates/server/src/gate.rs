//! The gate between agencies: one decision function for every read and write path, masking of
//! personal data by role, and the access audit.
//!
//! `decide(user, action, case)` asks the Cedar policies (`policy.rs`, `policies/gate.cedar`).
//! Everything else here is plumbing around it, so that no path decides on its own:
//! - a case the user may not even read is reported as absent (404), and the refusal audited;
//! - a case the user reads, but a part of it refused (the police file, the access log), is 403
//!   with the policy's Chinese message, audited;
//! - lists, inboxes, deadlines and counts are filtered with the same `read_case` decision (the SQL
//!   scope is only a pre-filter for speed);
//! - personal data is masked person by person unless `read_personal_data` allows it, and every
//!   response that shows it unmasked leaves a `read` record.

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::policy::{self, CaseFacts, Decision, GateAction, PersonFacts, Principal};
use crate::AppState;
use axum::http::StatusCode;
use domain::{Action, AgencyKind, CaseState, Event};
use std::collections::{BTreeMap, BTreeSet};
use store::{AuditRecord, CaseSummary};

pub use crate::policy::GateAction as Resource;

/// Whether the user's agency supervises every case (the SQL pre-filter; the policy still decides
/// each case, e.g. sealed ones).
pub fn sees_all(u: &CurrentUser) -> bool {
    u.org.kind == AgencyKind::Committee
}

/// The participant pre-filter for lists: `None` means every case. Results must still pass
/// [`filter_summaries`].
pub fn list_scope(u: &CurrentUser) -> Option<String> {
    (!sees_all(u)).then(|| u.org.id.clone())
}

/// The principal the policies see.
pub fn principal(u: &CurrentUser) -> Principal {
    Principal { user: u.user.id.clone(), agency: u.org.kind, role: u.user.role, org: u.org.id.clone(), level: u.org.level, service: u.is_service() }
}

/// **The** decision: may this user do this with this case?
pub fn decide(u: &CurrentUser, action: GateAction, case: &CaseFacts) -> Decision {
    policy::engine().decide(&principal(u), action, case, &PersonFacts::default())
}

/// The decision for one person of the case (personal data).
pub fn decide_person(u: &CurrentUser, action: GateAction, case: &CaseFacts, person: &PersonFacts) -> Decision {
    policy::engine().decide(&principal(u), action, case, person)
}

/// The facts of a case, with its sealing order looked up.
pub async fn facts(st: &AppState, s: &CaseState) -> Result<CaseFacts, ApiError> {
    let sealed = st.store.is_sealed(&s.id).await?;
    Ok(CaseFacts::of(s, sealed))
}

fn record(st: &AppState, u: &CurrentUser, kind: &str, case_id: Option<&str>, resource: &str, reason: &str, allow: bool) -> AuditRecord {
    AuditRecord {
        id: 0,
        at: st.store.now(),
        kind: kind.into(),
        user_id: Some(u.user.id.clone()),
        org: Some(u.org.id.clone()),
        case_id: case_id.map(str::to_string),
        resource: resource.into(),
        reason: reason.into(),
        decision: if allow { "allow" } else { "deny" }.into(),
    }
}

/// Records a read of unmasked personal data or of a case file (`resource` e.g. `personal_data`,
/// `case_file:<id>`), with why (the request path or the purpose given).
pub async fn record_read(st: &AppState, u: &CurrentUser, case_id: &str, resource: &str, why: &str) -> Result<(), ApiError> {
    st.store.audit(&record(st, u, "read", Some(case_id), resource, why, true)).await?;
    Ok(())
}

/// Records a refusal of the gate.
pub async fn record_denial(st: &AppState, u: &CurrentUser, case_id: Option<&str>, action: GateAction, why: &str) -> Result<(), ApiError> {
    st.store.audit(&record(st, u, "denied", case_id, action.code(), why, false)).await?;
    Ok(())
}

/// A case the user may see, its facts, or the refusal: absent (404) when the user may not read the
/// case at all, 403 when a part of it (`action`) is refused. Every refusal is audited with `why`.
pub async fn authorize(st: &AppState, u: &CurrentUser, case_id: &str, action: GateAction, why: &str) -> Result<(CaseState, CaseFacts), ApiError> {
    let Some(s) = st.store.case(case_id).await? else {
        return Err(ApiError::case_not_found(case_id));
    };
    let f = facts(st, &s).await?;
    let read = decide(u, GateAction::ReadCase, &f);
    if !read.allowed {
        record_denial(st, u, Some(case_id), GateAction::ReadCase, why).await?;
        return Err(ApiError::case_not_found(case_id));
    }
    if action != GateAction::ReadCase {
        let d = decide(u, action, &f);
        if !d.allowed {
            record_denial(st, u, Some(case_id), action, why).await?;
            return Err(refusal(&d));
        }
    }
    Ok((s, f))
}

/// The 403 for a refused decision.
pub fn refusal(d: &Decision) -> ApiError {
    let mut e = ApiError::new(StatusCode::FORBIDDEN, "forbidden", d.message.clone().unwrap_or_else(|| "无权访问".into()));
    e.citation = d.policies.first().map(|p| format!("gate:{p}"));
    e
}

/// Refuses (as 404) a case the user may not read.
pub async fn check_case(state: &AppState, u: &CurrentUser, case_id: &str) -> Result<(), ApiError> {
    authorize(state, u, case_id, GateAction::ReadCase, "case").await.map(|_| ())
}

/// For other services (files, exports): the case if `action` is allowed, else the refusal.
pub async fn check(state: &AppState, u: &CurrentUser, case_id: &str, action: GateAction, why: &str) -> Result<CaseState, ApiError> {
    authorize(state, u, case_id, action, why).await.map(|(s, _)| s)
}

/// Keeps the cases the user may read. Sealing orders are loaded once.
pub async fn filter_summaries(st: &AppState, u: &CurrentUser, cases: Vec<CaseSummary>) -> Result<Vec<CaseSummary>, ApiError> {
    let ids: Vec<String> = cases.iter().map(|c| c.id.clone()).collect();
    let readable = readable_cases(st, u, &ids).await?;
    Ok(cases.into_iter().filter(|c| readable.contains(&c.id)).collect())
}

/// Of these case ids, those the user may read.
pub async fn readable_cases(st: &AppState, u: &CurrentUser, ids: &[String]) -> Result<BTreeSet<String>, ApiError> {
    let sealed = st.store.sealed_cases().await?;
    let ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let states = st.store.cases(&ids.into_iter().collect::<Vec<_>>()).await?;
    Ok(states
        .into_iter()
        .filter(|(id, s)| decide(u, GateAction::ReadCase, &CaseFacts::of(s, sealed.contains(id))).allowed)
        .map(|(id, _)| id)
        .collect())
}

/// Cases counted in a stage count that the user may not read (sealed ones): to subtract.
pub async fn hidden_stage_counts(st: &AppState, u: &CurrentUser) -> Result<BTreeMap<domain::Stage, u64>, ApiError> {
    let mut out = BTreeMap::new();
    let scope = list_scope(u);
    for id in st.store.sealed_cases().await? {
        let Some(s) = st.store.case(&id).await? else { continue };
        let counted = scope.as_ref().is_none_or(|org| s.participants().contains(&org.as_str()));
        if counted && !decide(u, GateAction::ReadCase, &CaseFacts::of(&s, true)).allowed {
            *out.entry(s.stage).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// The sealed cases the user may not read: aggregates (reports, statistics) leave them out.
pub async fn hidden_cases(st: &AppState, u: &CurrentUser) -> Result<BTreeSet<String>, ApiError> {
    let mut out = BTreeSet::new();
    for id in st.store.sealed_cases().await? {
        let Some(s) = st.store.case(&id).await? else { continue };
        if !decide(u, GateAction::ReadCase, &CaseFacts::of(&s, true)).allowed {
            out.insert(id);
        }
    }
    Ok(out)
}

// ---------- masking ----------

/// `330102********123X`: the first six (the region) and the last four characters.
pub fn mask_id_card(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..6].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 10));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// `138****5678`; a landline keeps its area code and the last four digits: `0571-****4321`.
pub fn mask_phone(s: &str) -> String {
    let (head, rest) = match s.split_once('-') {
        Some((area, local)) => (format!("{area}-"), local),
        None => (String::new(), s),
    };
    let chars: Vec<char> = rest.chars().collect();
    if !head.is_empty() {
        if chars.len() <= 4 {
            return format!("{head}{}", "*".repeat(chars.len()));
        }
        let mut out = head;
        out.push_str(&"*".repeat(chars.len() - 4));
        out.extend(&chars[chars.len() - 4..]);
        return out;
    }
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// An address cut after its district (县/区/旗 and the divisions above it: 省, 自治区, 市, 州,
/// 盟), the rest hidden: `临江市江北区滨江路8号` → `临江市江北区****`. Without recognizable
/// divisions everything is hidden.
pub fn mask_address(s: &str) -> String {
    const HIDDEN: &str = "****";
    let chars: Vec<char> = s.trim().chars().collect();
    let mut kept = 0;
    let mut start = 0;
    // At most province, city and district; each division name is two to eight characters.
    for _ in 0..3 {
        let Some(end) = (start + 1..chars.len().min(start + 8)).find(|&i| matches!(chars[i], '省' | '市' | '州' | '盟' | '区' | '县' | '旗'))
        else {
            break;
        };
        let seg: String = chars[start..=end].iter().collect();
        if seg.ends_with("小区") || seg.ends_with("园区") || seg.ends_with("社区") {
            break;
        }
        kept = end + 1;
        start = end + 1;
        if matches!(chars[end], '区' | '县' | '旗') && !seg.ends_with("自治区") {
            break;
        }
    }
    let head: String = chars[..kept].iter().collect();
    format!("{head}{HIDDEN}")
}

/// A name shown as its surname and 某 (张某), as anonymized judgments do.
pub fn mask_name(s: &str) -> String {
    s.chars().next().map(|c| format!("{c}某")).unwrap_or_default()
}

/// Masks ID numbers (18 characters) and mobile numbers (11 digits from 1) inside free text.
pub fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || (j - i == 17 && matches!(chars[j], 'X' | 'x'))) {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            match run.len() {
                18 => out.push_str(&mask_id_card(&run)),
                11 if run.starts_with('1') => out.push_str(&mask_phone(&run)),
                _ => out.push_str(&run),
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Which persons of the case the user sees unmasked.
pub fn unmasked_persons(u: &CurrentUser, f: &CaseFacts, s: &CaseState) -> BTreeSet<u32> {
    s.persons
        .iter()
        .filter(|p| decide_person(u, GateAction::ReadPersonalData, f, &PersonFacts::of(s, p)).allowed)
        .map(|p| p.no)
        .collect()
}

/// What free text about the case must not show to a reader who sees the persons `open`
/// unmasked, and what it shows instead: the names of the other persons who are minors, and the
/// phone numbers and addresses of every other person (ID numbers and mobile numbers in free text
/// are found by [`mask_text`] whoever they belong to).
pub fn hidden_values(s: &CaseState, open: &BTreeSet<u32>) -> Vec<(String, String)> {
    let registered = domain::period::local_date(s.registered_at);
    let mut out = Vec::new();
    for p in s.persons.iter().filter(|p| !open.contains(&p.no)) {
        if policy::minor_on(p, registered) {
            out.push((p.name.clone(), mask_name(&p.name)));
        }
        if let Some(phone) = p.phone.as_deref().filter(|x| !x.is_empty()) {
            out.push((phone.to_string(), mask_phone(phone)));
        }
        if let Some(address) = p.address.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
            let masked = mask_address(address);
            // An address that is only divisions (`临江市滨江区`) hides nothing; replacing it in
            // free text would only garble the text.
            if masked.strip_suffix("****") != Some(address) {
                out.push((address.to_string(), masked));
            }
        }
    }
    // Longest first, so that a value containing another is replaced whole.
    out.sort_by_key(|(from, _)| std::cmp::Reverse(from.chars().count()));
    out
}

/// Free text as a reader who may not see some person unmasked sees it (see [`hidden_values`]).
pub fn mask_text_with(hidden: &[(String, String)], t: &str) -> String {
    let mut t = mask_text(t);
    for (from, to) in hidden {
        t = t.replace(from.as_str(), to);
    }
    t
}

/// Masks one person's personal fields: ID number, phone and address cut, birth date dropped.
fn mask_person_fields(id_card: &mut Option<String>, birth_date: &mut Option<chrono::NaiveDate>, phone: &mut Option<String>, address: &mut Option<String>) {
    *id_card = id_card.as_deref().map(mask_id_card);
    *birth_date = None;
    *phone = phone.as_deref().map(mask_phone);
    *address = address.as_deref().map(mask_address);
}

/// Masks the persons the user may not see unmasked; returns those shown unmasked.
pub fn mask_case(u: &CurrentUser, f: &CaseFacts, s: &mut CaseState) -> BTreeSet<u32> {
    let open = unmasked_persons(u, f, s);
    if open.len() == s.persons.len() {
        return open;
    }
    let hidden = hidden_values(s, &open);
    let registered = domain::period::local_date(s.registered_at);
    for p in s.persons.iter_mut().filter(|p| !open.contains(&p.no)) {
        if policy::minor_on(p, registered) {
            p.name = mask_name(&p.name);
        }
        mask_person_fields(&mut p.id_card, &mut p.birth_date, &mut p.phone, &mut p.address);
    }
    s.facts = mask_text_with(&hidden, &s.facts);
    // Titles are not cut by `mask_text` (as before); the hidden values are replaced in them.
    for (from, to) in &hidden {
        s.title = s.title.replace(from.as_str(), to);
    }
    open
}

/// Masks an event's personal data as [`mask_case`] would for the case `s` (unmasked state).
pub fn mask_event(u: &CurrentUser, f: &CaseFacts, s: &CaseState, open: &BTreeSet<u32>, e: &mut Event) {
    if open.len() == s.persons.len() {
        return;
    }
    let registered = domain::period::local_date(s.registered_at);
    let minors: Vec<(String, String)> = s
        .persons
        .iter()
        .filter(|p| !open.contains(&p.no) && policy::minor_on(p, registered))
        .map(|p| (p.name.clone(), mask_name(&p.name)))
        .collect();
    let hidden = hidden_values(s, open);
    let _ = (u, f);
    let scrub = |t: &mut String| *t = mask_text_with(&hidden, t);
    match &mut e.action {
        Action::Register { title, facts, persons, .. } => {
            scrub(title);
            scrub(facts);
            for (i, p) in persons.iter_mut().enumerate() {
                if !open.contains(&(i as u32 + 1)) {
                    mask_person_fields(&mut p.id_card, &mut p.birth_date, &mut p.phone, &mut p.address);
                    if let Some((_, m)) = minors.iter().find(|(n, _)| *n == p.name) {
                        p.name = m.clone();
                    }
                }
            }
        }
        Action::Release { reason, .. }
        | Action::RefuseArrest { reason, .. }
        | Action::ReturnForInvestigation { reason }
        | Action::DecideNonProsecution { reason, .. }
        | Action::Protest { reason }
        | Action::WithdrawCase { reason } => scrub(reason),
        _ => {}
    }
}

/// Masks minors' names in deadlines of cases where the user may not see them unmasked.
pub async fn mask_deadline_names(st: &AppState, u: &CurrentUser, ds: &mut [domain::view::Deadline]) -> Result<(), ApiError> {
    let mut hidden: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for d in ds.iter_mut() {
        let Some(no) = d.person else { continue };
        if !hidden.contains_key(&d.case_id) {
            let mut set = BTreeSet::new();
            if let Some(s) = st.store.case(&d.case_id).await? {
                let f = facts(st, &s).await?;
                let open = unmasked_persons(u, &f, &s);
                let registered = domain::period::local_date(s.registered_at);
                set = s.persons.iter().filter(|p| !open.contains(&p.no) && policy::minor_on(p, registered)).map(|p| p.no).collect();
            }
            hidden.insert(d.case_id.clone(), set);
        }
        if hidden[&d.case_id].contains(&no) {
            d.person_name = d.person_name.as_deref().map(mask_name);
        }
    }
    Ok(())
}

/// Masks a case for the user and records the read when personal data is shown unmasked.
pub async fn show_case(st: &AppState, u: &CurrentUser, f: &CaseFacts, s: &mut CaseState, why: &str) -> Result<(), ApiError> {
    if let Some(rec) = read_record(st, u, f, s, why) {
        st.store.audit(&rec).await?;
    }
    mask_case(u, f, s);
    Ok(())
}

/// The access-audit record of showing the case `s` to `u` (`None` when every personal field it
/// would show is masked, or there is none).
pub fn read_record(st: &AppState, u: &CurrentUser, f: &CaseFacts, s: &CaseState, why: &str) -> Option<AuditRecord> {
    let open = unmasked_persons(u, f, s);
    if !open.is_empty() && s.persons.iter().any(|p| open.contains(&p.no) && (p.id_card.is_some() || p.birth_date.is_some() || p.phone.is_some() || p.address.is_some())) {
        let who: Vec<String> = open.iter().map(|n| n.to_string()).collect();
        return Some(record(st, u, "read", Some(&s.id), &format!("personal_data:persons={}", who.join(",")), why, true));
    }
    None
}

/// The read record of showing a command's outcome to its actor, decided in the writer when the
/// command is accepted and written with it (`Store::submit_audited`): `sealed` is whether the
/// case is under a sealing order (sealing orders are not commands, so it cannot change with one).
pub fn outcome_audit(st: &AppState, u: &CurrentUser, sealed: bool, why: &'static str) -> store::ReadAudit {
    let (st, u) = (st.clone(), u.clone());
    Box::new(move |out: &store::Outcome| read_record(&st, &u, &CaseFacts::of(&out.state, sealed), &out.state, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_region_and_tail() {
        assert_eq!(mask_id_card("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("0571-87654321"), "0571-****4321");
        assert_eq!(mask_phone("01087654321"), "010****4321");
        assert_eq!(mask_address("临江市江北区滨江路8号3幢201室"), "临江市江北区****");
        assert_eq!(mask_address("浙江省临江市江北区滨江路8号"), "浙江省临江市江北区****");
        assert_eq!(mask_address("广西壮族自治区南宁市青秀区民族大道1号"), "广西壮族自治区南宁市青秀区****");
        assert_eq!(mask_address("临江市阳光小区5幢"), "临江市****", "a residential compound is not a district");
        assert_eq!(mask_address("临江县城关镇东街3号"), "临江县****");
        assert_eq!(mask_address("东街3号"), "****");
        assert_eq!(mask_name("张小明"), "张某");
        assert_eq!(
            mask_text("嫌疑人身份证11010519491231002X，电话13812345678，金额12345元"),
            "嫌疑人身份证110105********002X，电话138****5678，金额12345元"
        );
    }
}
