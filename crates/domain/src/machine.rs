//! The stage machine: which action may be taken, by whom, at which stage, and what it changes.
//!
//! Two pure steps. `authorize` checks what needs the directory (which organization is paired
//! with which, who is the higher procuratorate) and resolves where the action routes the case.
//! `apply` folds an event into the state, checking the stage, the person's status and the
//! statute; it is the only way a `CaseState` changes, and replaying a case's events through it
//! rebuilds the case exactly.

use crate::action::{Action, Actor, DocumentKind, Event, NonProsecutionBasis, PersonVerdict, Refusal, RefusalKind, SecondInstanceOutcome};
use crate::calendar::HolidayCalendar;
use crate::case::*;
use crate::charges;
use crate::cite::{ccl, cpl, Citation};
use crate::ids;
use crate::org::{AgencyKind, Directory, Role};
use crate::period::{self, local_date, Period};
use chrono::{DateTime, Datelike, Duration, Utc};
use std::collections::BTreeMap;

/// CPL 3: investigation by the police; arrest approval and prosecution by the procuratorate;
/// trial by the court. Cited whenever an action is asked of the wrong kind of agency; the
/// article of the specific step is cited when the right kind of agency is not the one handling
/// the case.
const DIVISION_OF_POWERS: Citation = cpl(3);

const MAX_TEXT: usize = 2_000;
const MAX_FACTS: usize = 50_000;

/// Checks the actor against the directory and resolves the organization the action routes to.
pub fn authorize(state: Option<&CaseState>, action: &Action, actor: &Actor, dir: &Directory) -> Result<Option<String>, Refusal> {
    let org = dir
        .org(&actor.org)
        .ok_or_else(|| Refusal::new(RefusalKind::WrongAgency, "操作人所属单位不存在"))?;
    if org.kind != actor.agency {
        return Err(Refusal::new(RefusalKind::WrongAgency, "操作人所属单位类型不符"));
    }
    let Some(s) = state else {
        return Ok(None);
    };
    let paired = |from: &str, kind: AgencyKind, what: &str, cite: Citation| {
        dir.paired(from, kind)
            .map(|o| o.id.clone())
            .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, format!("未找到与本案办案单位同级的{what}")).cite(cite))
    };
    let route = match action {
        Action::RequestArrest { .. } | Action::TransferForProsecution { .. } => Some(match &s.procuratorate_org {
            Some(p) => p.clone(),
            None => paired(&s.police_org, AgencyKind::Procuratorate, "人民检察院", cpl(162))?,
        }),
        Action::Indict { .. } => Some(match &s.court_org {
            Some(c) => c.clone(),
            None => {
                let p = s.procuratorate_org.as_deref().unwrap_or(&s.police_org);
                paired(p, AgencyKind::Court, "人民法院", cpl(176))?
            }
        }),
        Action::Appeal { .. } | Action::Protest { .. } => {
            let court = s.court_org.as_deref().unwrap_or_default();
            Some(
                dir.parent(court)
                    .map(|o| o.id.clone())
                    .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "未找到上一级人民法院").cite(cpl(231)))?,
            )
        }
        Action::RequestReview { .. } => {
            let p = s.procuratorate_org.as_deref().unwrap_or_default();
            Some(
                dir.parent(p)
                    .map(|o| o.id.clone())
                    .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "未找到上一级人民检察院").cite(cpl(92)))?,
            )
        }
        Action::HandOverForExecution { .. } => {
            Some(paired(s.court_org.as_deref().unwrap_or_default(), AgencyKind::Police, "公安机关（执行机关）", cpl(264))?)
        }
        Action::HandOverForCommunityCorrection { .. } => Some(paired(
            s.court_org.as_deref().unwrap_or_default(),
            AgencyKind::JusticeBureau,
            "社区矫正机构",
            ccl(20),
        )?),
        _ => None,
    };
    // Custody extensions are approved by the higher procuratorate (CPL 156, 158, 159).
    if let Action::ExtendCustody { basis, .. } = action
        && let Some(p) = &s.procuratorate_org
    {
        let approver = dir.parent(p).map(|o| o.id.as_str()).unwrap_or(p.as_str());
        if actor.org != approver {
            return Err(Refusal::new(
                RefusalKind::WrongAgency,
                "延长侦查羁押期限须经上一级人民检察院批准，本单位无权批准",
            )
            .cite(basis.citation()));
        }
    }
    if let Action::AcceptTrial { judge: Some(j), .. } = action {
        let ok = dir
            .user(j)
            .is_some_and(|u| u.active && u.role == Role::Judge && Some(u.org.as_str()) == s.court_org.as_deref());
        if !ok {
            return Err(Refusal::invalid("action.judge", format!("承办法官“{j}”不是本院在职法官")));
        }
    }
    Ok(route)
}

/// Decides an action: authorizes it, then applies it to a copy of the state. Returns the event
/// to record and the state after it, or the refusal.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    case_id: &str,
    state: Option<&CaseState>,
    action: Action,
    actor: Actor,
    at: DateTime<Utc>,
    claimed_at: Option<DateTime<Utc>>,
    dir: &Directory,
    cal: &HolidayCalendar,
) -> Result<(Event, CaseState), Refusal> {
    let route = authorize(state, &action, &actor, dir)?;
    let event = Event {
        case_id: case_id.to_string(),
        seq: state.map_or(1, |s| s.version + 1),
        at,
        actor,
        action,
        route,
        claimed_at,
    };
    let next = apply(state, &event, cal)?;
    Ok((event, next))
}

/// Folds one event into the state.
pub fn apply(state: Option<&CaseState>, e: &Event, cal: &HolidayCalendar) -> Result<CaseState, Refusal> {
    let mut s = match (state, &e.action) {
        (None, Action::Register { .. }) => register(e)?,
        (None, _) => return Err(Refusal::new(RefusalKind::NotFound, "案件不存在")),
        (Some(_), Action::Register { .. }) => {
            return Err(Refusal::new(RefusalKind::WrongStage, "案件已立案，不能重复立案"));
        }
        (Some(s), _) => {
            if e.seq != s.version + 1 {
                return Err(Refusal::new(RefusalKind::Invalid, format!("事件序号{}与案件版本{}不连续", e.seq, s.version)));
            }
            let mut next = s.clone();
            step(&mut next, e, cal)?;
            next
        }
    };
    s.version = e.seq;
    if let Some(kind) = document_of(&e.action) {
        let (year, no) = ids::parse_case_id(&s.id).unwrap_or((local_date(e.at).year(), 0));
        s.documents.push(IssuedDocument {
            kind,
            number: format!("{}字〔{}〕{:06}-{}号", kind.abbreviation(), year, no, e.seq),
            org: e.actor.org.clone(),
            at: e.at,
            event_seq: e.seq,
        });
    }
    Ok(s)
}

/// The legal document each action issues (a transition without it is an irregularity).
pub fn document_of(action: &Action) -> Option<DocumentKind> {
    use DocumentKind as D;
    Some(match action {
        Action::Register { .. } => D::RegistrationDecision,
        Action::Detain { .. } => D::DetentionWarrant,
        Action::Interrogate { .. } => return None,
        Action::Release { .. } => D::ReleaseCertificate,
        Action::ExtendArrestRequest { .. } => D::ArrestRequestExtensionApproval,
        Action::RequestArrest { .. } => D::ArrestRequest,
        Action::ApproveArrest { .. } => D::ArrestApproval,
        Action::RefuseArrest { .. } => D::ArrestRefusal,
        Action::RequestReconsideration { .. } => D::ReconsiderationRequest,
        Action::DecideReconsideration { .. } => D::ReconsiderationDecision,
        Action::RequestReview { .. } => D::ReviewRequest,
        Action::DecideReview { .. } => D::ReviewDecision,
        Action::ExtendCustody { .. } => D::CustodyExtensionApproval,
        Action::TransferForProsecution { .. } => D::ProsecutionRecommendation,
        Action::ExtendReview => D::ReviewExtensionDecision,
        Action::ReturnForInvestigation { .. } => D::ReturnForInvestigationDecision,
        Action::Indict { .. } => D::Indictment,
        Action::DecideNonProsecution { .. } => D::NonProsecutionDecision,
        Action::RequestNonProsecutionReconsideration => D::NonProsecutionReconsiderationRequest,
        Action::DecideNonProsecutionReconsideration { .. } => D::NonProsecutionReconsiderationDecision,
        Action::AcceptTrial { .. } => return None,
        Action::ExtendTrial | Action::ExtendSecondInstance => D::TrialExtensionApproval,
        Action::ScheduleHearing { .. } => D::CourtSummons,
        Action::PronounceJudgment { .. } => D::Judgment,
        Action::ServeJudgment => D::ServiceReceipt,
        Action::Appeal { .. } => D::AppealPetition,
        Action::Protest { .. } => D::Protest,
        Action::TakeEffect => D::EffectCertificate,
        Action::AcceptSecondInstance => return None,
        Action::DecideSecondInstance { .. } => D::SecondInstanceJudgment,
        Action::HandOverForExecution { .. } => D::ExecutionNotice,
        Action::HandOverForCommunityCorrection { .. } => D::CommunityCorrectionDocuments,
        Action::RecordCorrectionReport { .. } => D::CorrectionReportRecord,
        Action::WithdrawCase { .. } => D::WithdrawalDecision,
    })
}

fn text(field: &str, value: &str, max: usize) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        return Err(Refusal::invalid(field, format!("字段 {field} 不能为空")));
    }
    if value.chars().count() > max {
        return Err(Refusal::invalid(field, format!("字段 {field} 不能超过{max}个字")));
    }
    Ok(())
}

fn register(e: &Event) -> Result<CaseState, Refusal> {
    let Action::Register { title, facts, charges: ch, persons } = &e.action else { unreachable!() };
    require_agency(&e.actor, AgencyKind::Police, None, cpl(109))?;
    require_role(&e.actor, &[Role::Officer, Role::Leader])?;
    text("action.title", title, 200)?;
    text("action.facts", facts, MAX_FACTS)?;
    if ch.is_empty() || ch.len() > 10 {
        return Err(Refusal::invalid("action.charges", "应列明一至十个罪名"));
    }
    for (i, c) in ch.iter().enumerate() {
        if charges::article_of(c).is_none() {
            return Err(Refusal::invalid(&format!("action.charges[{i}]"), format!("“{c}”不在罪名表中")));
        }
    }
    if persons.is_empty() || persons.len() > 50 {
        return Err(Refusal::invalid("action.persons", "应列明一至五十名犯罪嫌疑人"));
    }
    let mut ps = Vec::new();
    for (i, p) in persons.iter().enumerate() {
        text(&format!("action.persons[{i}].name"), &p.name, 50)?;
        if let Some(id) = &p.id_card {
            ids::check_id_card(id).map_err(|m| Refusal::invalid(&format!("action.persons[{i}].id_card"), m))?;
        }
        if let Some(phone) = &p.phone {
            ids::check_phone(phone).map_err(|m| Refusal::invalid(&format!("action.persons[{i}].phone"), m))?;
        }
        if let Some(address) = &p.address {
            ids::check_address(address).map_err(|m| Refusal::invalid(&format!("action.persons[{i}].address"), m))?;
        }
        ps.push(Person {
            no: i as u32 + 1,
            name: p.name.trim().to_string(),
            id_card: p.id_card.as_ref().map(|s| s.to_ascii_uppercase()),
            gender: p.gender,
            birth_date: p.birth_date,
            phone: p.phone.as_deref().map(ids::normalize_phone),
            address: p.address.as_ref().map(|a| a.trim().to_string()),
            custody: Custody::Free,
            arrest: ArrestReview::None,
            arrest_request_extension: None,
            custody_extensions: vec![],
            interrogated: false,
            verdict: None,
            appealed: false,
            execution: None,
        });
    }
    let (year, no) = ids::parse_case_id(&e.case_id)
        .ok_or_else(|| Refusal::invalid("case_id", format!("案件编号“{}”格式错误", e.case_id)))?;
    let mut numbers = BTreeMap::new();
    numbers.insert(AgencyKind::Police, format!("公刑立字〔{year}〕{no}号"));
    Ok(CaseState {
        id: e.case_id.clone(),
        version: 0,
        title: title.trim().to_string(),
        facts: facts.clone(),
        charges: ch.clone(),
        registered_at: e.at,
        stage: Stage::Investigation,
        police_org: e.actor.org.clone(),
        procuratorate_org: None,
        court_org: None,
        appeal_court_org: None,
        review_org: None,
        case_numbers: numbers,
        persons: ps,
        returns: 0,
        review_extended: false,
        confession_and_acceptance: false,
        sentencing_proposal: None,
        procedure: None,
        trial_accepted: false,
        judge: None,
        indictment_served_at: None,
        hearing_at: None,
        trial_extensions: 0,
        judgment_pronounced_at: None,
        judgment_served_at: None,
        protested: false,
        second_instance_accepted: false,
        effective_at: None,
        non_prosecution_reconsideration: false,
        closure: None,
        clocks: vec![],
        documents: vec![],
    })
}

fn require_agency(actor: &Actor, kind: AgencyKind, org: Option<&str>, cite: Citation) -> Result<(), Refusal> {
    if actor.agency != kind {
        return Err(Refusal::new(
            RefusalKind::WrongAgency,
            format!("该操作只能由{}办理，{}无权办理", kind.label(), actor.agency.label()),
        )
        .cite(DIVISION_OF_POWERS));
    }
    if let Some(o) = org
        && actor.org != o
    {
        return Err(Refusal::new(RefusalKind::WrongAgency, format!("该操作只能由本案承办的{}办理", kind.label())).cite(cite));
    }
    Ok(())
}

fn require_role(actor: &Actor, roles: &[Role]) -> Result<(), Refusal> {
    if roles.contains(&actor.role) {
        Ok(())
    } else {
        let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        Err(Refusal::new(
            RefusalKind::WrongRole,
            format!("您的角色（{}）无权办理该操作，应由{}办理", actor.role.label(), names.join("或")),
        ))
    }
}

fn require_stage(s: &CaseState, stages: &[Stage], what: &str, cite: Citation) -> Result<(), Refusal> {
    if stages.contains(&s.stage) {
        Ok(())
    } else {
        Err(Refusal::new(RefusalKind::WrongStage, format!("案件处于“{}”阶段，不能{}", s.stage.label(), what)).cite(cite))
    }
}

fn person_mut(s: &mut CaseState, no: u32) -> Result<&mut Person, Refusal> {
    s.persons
        .iter_mut()
        .find(|p| p.no == no)
        .ok_or_else(|| Refusal::invalid("action.person", format!("本案没有编号为{no}的人员")))
}

fn start(s: &mut CaseState, kind: DeadlineKind, person: Option<u32>, org: &str, at: DateTime<Utc>, periods: Vec<Period>, cite: Citation) {
    let id = s.clocks.len() as u32 + 1;
    s.clocks.push(Clock {
        id,
        kind,
        person,
        org: org.to_string(),
        started_at: at,
        periods,
        citations: vec![cite],
        state: ClockState::Running,
    });
}

fn running_mut(s: &mut CaseState, kind: DeadlineKind, person: Option<u32>) -> Option<&mut Clock> {
    s.clocks
        .iter_mut()
        .rev()
        .find(|c| c.kind == kind && c.state == ClockState::Running && (person.is_none() || c.person == person))
}

fn meet(s: &mut CaseState, kind: DeadlineKind, person: Option<u32>, at: DateTime<Utc>) {
    for c in s.clocks.iter_mut() {
        if c.kind == kind && c.state == ClockState::Running && (person.is_none() || c.person == person) {
            c.state = ClockState::Met { at };
        }
    }
}

fn stop(s: &mut CaseState, kinds: &[DeadlineKind], person: Option<u32>, at: DateTime<Utc>) {
    for c in s.clocks.iter_mut() {
        if kinds.contains(&c.kind) && c.state == ClockState::Running && (person.is_none() || c.person == person) {
            c.state = ClockState::Stopped { at };
        }
    }
}

fn stop_all(s: &mut CaseState, at: DateTime<Utc>) {
    for c in s.clocks.iter_mut() {
        if c.state == ClockState::Running {
            c.state = ClockState::Stopped { at };
        }
    }
}

fn release_everyone(s: &mut CaseState, at: DateTime<Utc>) {
    for p in s.persons.iter_mut() {
        if p.custody.in_custody() {
            p.custody = Custody::Released { at };
        }
    }
}

/// The due time of a clock, with custody judged now (CPL 105).
pub fn clock_due(s: &CaseState, c: &Clock, cal: &HolidayCalendar) -> period::Due {
    let custody = match c.person {
        Some(no) => s.person(no).is_some_and(|p| p.custody.in_custody()),
        None => s.anyone_in_custody(),
    };
    period::due(c.started_at, &c.periods, custody, cal)
}

fn route(e: &Event) -> Result<String, Refusal> {
    e.route.clone().ok_or_else(|| Refusal::invalid("route", "缺少接收单位"))
}

fn step(s: &mut CaseState, e: &Event, cal: &HolidayCalendar) -> Result<(), Refusal> {
    use DeadlineKind as K;
    let at = e.at;
    let a = &e.actor;
    let police = s.police_org.clone();
    let police_roles = [Role::Officer, Role::Leader];
    let prosecutor_roles = [Role::Prosecutor, Role::Leader];
    let judge_roles = [Role::Judge, Role::Leader];
    let court_roles = [Role::Judge, Role::Clerk, Role::Leader];
    let investigating = [Stage::Investigation, Stage::SupplementaryInvestigation];
    match &e.action {
        Action::Register { .. } => unreachable!("handled by apply"),

        Action::Detain { person } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            require_stage(s, &investigating, "刑事拘留", cpl(82))?;
            let p = person_mut(s, *person)?;
            if p.custody.in_custody() {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}已在羁押中", p.name)).cite(cpl(82)));
            }
            p.custody = Custody::Detained { since: at };
            p.arrest = ArrestReview::None;
            p.arrest_request_extension = None;
            p.interrogated = false;
            start(s, K::Interrogation, Some(*person), &police, at, vec![Period::Hours(24)], cpl(86));
            start(s, K::ArrestRequest, Some(*person), &police, at, vec![Period::Days(3)], cpl(91));
        }

        Action::Interrogate { person } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            let p = person_mut(s, *person)?;
            if !p.custody.in_custody() {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}未被羁押，无需拘留后讯问", p.name)).cite(cpl(86)));
            }
            p.interrogated = true;
            meet(s, K::Interrogation, Some(*person), at);
        }

        Action::Release { person, reason } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            text("action.reason", reason, MAX_TEXT)?;
            let p = person_mut(s, *person)?;
            if !p.custody.in_custody() {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}未被羁押", p.name)).cite(cpl(86)));
            }
            p.custody = Custody::Released { at };
            stop(s, &[K::Interrogation, K::ArrestRequest, K::InvestigationCustody], Some(*person), at);
        }

        Action::ExtendArrestRequest { person, extension } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            let p = person_mut(s, *person)?;
            if !matches!(p.custody, Custody::Detained { .. }) || p.arrest != ArrestReview::None {
                return Err(Refusal::new(RefusalKind::WrongStage, "只有在拘留后、提请批准逮捕前才能延长提请批准逮捕的时间").cite(cpl(91)));
            }
            let periods = match (p.arrest_request_extension, extension) {
                (_, ArrestRequestExtension::SpecialDays { days }) if !(1..=4).contains(days) => {
                    return Err(Refusal::invalid("action.extension.days", "特殊情况下提请批准逮捕的时间只能延长一日至四日").cite(cpl(91)));
                }
                (None, ArrestRequestExtension::SpecialDays { days }) => vec![Period::Days(3), Period::Days(*days)],
                (None | Some(ArrestRequestExtension::SpecialDays { .. }), ArrestRequestExtension::SeriousSuspect) => {
                    vec![Period::Days(30)]
                }
                _ => {
                    return Err(Refusal::new(RefusalKind::LimitReached, "提请批准逮捕的时间已经延长，不能再次延长").cite(cpl(91)));
                }
            };
            p.arrest_request_extension = Some(*extension);
            let c = running_mut(s, K::ArrestRequest, Some(*person))
                .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "提请批准逮捕期限未在计算中").cite(cpl(91)))?;
            c.periods = periods;
        }

        Action::RequestArrest { person } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            require_stage(s, &investigating, "提请批准逮捕", cpl(87))?;
            let to = route(e)?;
            let p = person_mut(s, *person)?;
            if matches!(p.custody, Custody::Arrested { .. }) {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}已被逮捕", p.name)).cite(cpl(87)));
            }
            if !matches!(p.arrest, ArrestReview::None | ArrestReview::RefusalFinal | ArrestReview::RefusalUpheld | ArrestReview::Refused) {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}的逮捕审查尚未结束", p.name)).cite(cpl(91)));
            }
            p.arrest = ArrestReview::Requested;
            meet(s, K::ArrestRequest, Some(*person), at);
            s.procuratorate_org.get_or_insert(to.clone());
            start(s, K::ArrestReview, Some(*person), &to, at, vec![Period::Days(7)], cpl(91));
        }

        Action::ApproveArrest { person } | Action::RefuseArrest { person, .. } => {
            let proc_org = s.procuratorate_org.clone();
            require_agency(a, AgencyKind::Procuratorate, proc_org.as_deref(), DIVISION_OF_POWERS)?;
            require_role(a, &prosecutor_roles)?;
            let approve = matches!(e.action, Action::ApproveArrest { .. });
            if let Action::RefuseArrest { reason, .. } = &e.action {
                text("action.reason", reason, MAX_TEXT)?;
            }
            let stage = s.stage;
            let p = person_mut(s, *person)?;
            if p.arrest != ArrestReview::Requested {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("公安机关未就{}提请批准逮捕", p.name)).cite(cpl(87)));
            }
            meet(s, K::ArrestReview, Some(*person), at);
            stop(s, &[K::ArrestRequest], Some(*person), at);
            if approve {
                arrest(s, *person, at, stage);
            } else {
                let p = person_mut(s, *person)?;
                p.arrest = ArrestReview::Refused;
                // CPL 91 ¶3, 92: on refusal the police release the person at once.
                if p.custody.in_custody() {
                    p.custody = Custody::Released { at };
                }
                stop(s, &[K::Interrogation], Some(*person), at);
            }
        }

        Action::RequestReconsideration { person } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            let p = person_mut(s, *person)?;
            if p.arrest != ArrestReview::Refused {
                return Err(Refusal::new(RefusalKind::WrongStage, "只能对不批准逮捕的决定要求复议").cite(cpl(92)));
            }
            p.arrest = ArrestReview::ReconsiderationRequested;
        }

        Action::DecideReconsideration { person, change } => {
            let proc_org = s.procuratorate_org.clone();
            require_agency(a, AgencyKind::Procuratorate, proc_org.as_deref(), cpl(92))?;
            require_role(a, &prosecutor_roles)?;
            let stage = s.stage;
            let p = person_mut(s, *person)?;
            if p.arrest != ArrestReview::ReconsiderationRequested {
                return Err(Refusal::new(RefusalKind::WrongStage, "公安机关未要求复议").cite(cpl(92)));
            }
            if *change {
                arrest(s, *person, at, stage);
            } else {
                p.arrest = ArrestReview::RefusalUpheld;
            }
        }

        Action::RequestReview { person } => {
            require_agency(a, AgencyKind::Police, Some(&police), DIVISION_OF_POWERS)?;
            require_role(a, &police_roles)?;
            let to = route(e)?;
            let p = person_mut(s, *person)?;
            if p.arrest != ArrestReview::RefusalUpheld {
                return Err(Refusal::new(RefusalKind::WrongStage, "复议意见不被接受后，才能向上一级人民检察院提请复核").cite(cpl(92)));
            }
            p.arrest = ArrestReview::ReviewRequested;
            s.review_org = Some(to);
        }

        Action::DecideReview { person, change } => {
            let review_org = s.review_org.clone();
            require_agency(a, AgencyKind::Procuratorate, review_org.as_deref(), cpl(92))?;
            require_role(a, &prosecutor_roles)?;
            let stage = s.stage;
            let p = person_mut(s, *person)?;
            if p.arrest != ArrestReview::ReviewRequested {
                return Err(Refusal::new(RefusalKind::WrongStage, "公安机关未提请复核").cite(cpl(92)));
            }
            if *change {
                arrest(s, *person, at, stage);
            } else {
                p.arrest = ArrestReview::RefusalFinal;
            }
        }

        Action::ExtendCustody { person, basis } => {
            require_agency(a, AgencyKind::Procuratorate, None, basis.citation())?;
            require_role(a, &prosecutor_roles)?;
            require_stage(s, &[Stage::Investigation], "延长侦查羁押期限", basis.citation())?;
            let p = person_mut(s, *person)?;
            if !matches!(p.custody, Custody::Arrested { .. }) {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}未被逮捕，不存在侦查羁押期限", p.name)).cite(cpl(156)));
            }
            let expected = match p.custody_extensions.as_slice() {
                [] => CustodyExtension::Art156,
                [CustodyExtension::Art156] => CustodyExtension::Art158,
                [CustodyExtension::Art156, CustodyExtension::Art158] => CustodyExtension::Art159,
                _ => {
                    return Err(Refusal::new(RefusalKind::LimitReached, "侦查羁押期限已依法延长至最长期限").cite(cpl(159)));
                }
            };
            if *basis != expected {
                return Err(Refusal::new(
                    RefusalKind::WrongStage,
                    format!("应先依据{}延长侦查羁押期限", expected.citation()),
                )
                .cite(basis.citation()));
            }
            p.custody_extensions.push(*basis);
            let c = running_mut(s, K::InvestigationCustody, Some(*person))
                .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "侦查羁押期限未在计算中").cite(cpl(156)))?;
            c.periods.push(Period::Months(basis.months()));
            c.citations.push(basis.citation());
        }

        Action::TransferForProsecution { confession_and_acceptance } => {
            require_agency(a, AgencyKind::Police, Some(&police), cpl(162))?;
            require_role(a, &police_roles)?;
            require_stage(s, &investigating, "移送审查起诉", cpl(162))?;
            let to = route(e)?;
            let returning = s.stage == Stage::SupplementaryInvestigation;
            meet(s, K::InvestigationCustody, None, at);
            meet(s, K::SupplementaryInvestigation, None, at);
            stop(s, &[K::ArrestRequest, K::Interrogation], None, at);
            s.procuratorate_org.get_or_insert(to.clone());
            let proc_org = s.procuratorate_org.clone().unwrap_or(to);
            s.confession_and_acceptance |= *confession_and_acceptance;
            s.review_extended = false;
            // CPL 172: one month; ten days for fast-track cases with confession and acceptance.
            // CPL 175 ¶3: after supplementary investigation the review period is counted anew.
            let period = if s.confession_and_acceptance { Period::Days(10) } else { Period::Months(1) };
            start(s, K::ProsecutionReview, None, &proc_org, at, vec![period], if returning { cpl(175) } else { cpl(172) });
            let (year, no) = ids::parse_case_id(&s.id).unwrap_or_default();
            s.case_numbers.entry(AgencyKind::Procuratorate).or_insert_with(|| format!("检刑诉〔{year}〕{no}号"));
            s.stage = Stage::ProsecutionReview;
        }

        Action::ExtendReview => {
            prosecutor(s, a, &prosecutor_roles, cpl(172))?;
            require_stage(s, &[Stage::ProsecutionReview], "延长审查起诉期限", cpl(172))?;
            if s.review_extended {
                return Err(Refusal::new(RefusalKind::LimitReached, "审查起诉期限已经延长，不能再次延长").cite(cpl(172)));
            }
            s.review_extended = true;
            let c = running_mut(s, K::ProsecutionReview, None)
                .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "审查起诉期限未在计算中").cite(cpl(172)))?;
            if c.periods == [Period::Days(10)] {
                c.periods = vec![Period::Days(15)];
            } else {
                c.periods.push(Period::Days(15));
            }
            c.citations.push(cpl(172));
        }

        Action::ReturnForInvestigation { reason } => {
            prosecutor(s, a, &prosecutor_roles, cpl(175))?;
            text("action.reason", reason, MAX_TEXT)?;
            require_stage(s, &[Stage::ProsecutionReview], "退回补充侦查", cpl(175))?;
            if s.returns >= 2 {
                return Err(Refusal::new(RefusalKind::LimitReached, "补充侦查以二次为限，本案已退回补充侦查二次，不能第三次退回").cite(cpl(175)));
            }
            s.returns += 1;
            stop(s, &[K::ProsecutionReview], None, at);
            start(s, K::SupplementaryInvestigation, None, &police, at, vec![Period::Months(1)], cpl(175));
            s.stage = Stage::SupplementaryInvestigation;
        }

        Action::Indict { confession_and_acceptance, sentencing_proposal } => {
            prosecutor(s, a, &prosecutor_roles, cpl(176))?;
            require_stage(s, &[Stage::ProsecutionReview], "提起公诉", cpl(176))?;
            let to = route(e)?;
            let caa = *confession_and_acceptance || s.confession_and_acceptance;
            match sentencing_proposal {
                Some(p) => text("action.sentencing_proposal", p, MAX_TEXT)?,
                None if caa => {
                    return Err(Refusal::invalid("action.sentencing_proposal", "犯罪嫌疑人认罪认罚的，应当提出量刑建议").cite(cpl(176)));
                }
                None => {}
            }
            meet(s, K::ProsecutionReview, None, at);
            s.confession_and_acceptance = caa;
            s.sentencing_proposal = sentencing_proposal.clone();
            s.court_org = Some(to);
            s.trial_accepted = false;
            s.stage = Stage::FirstInstance;
        }

        Action::DecideNonProsecution { basis, reason } => {
            prosecutor(s, a, &prosecutor_roles, cpl(177))?;
            text("action.reason", reason, MAX_TEXT)?;
            require_stage(s, &[Stage::ProsecutionReview], "作出不起诉决定", cpl(177))?;
            meet(s, K::ProsecutionReview, None, at);
            stop_all(s, at);
            release_everyone(s, at);
            let why = match basis {
                NonProsecutionBasis::Statutory => "法定不起诉",
                NonProsecutionBasis::Discretionary => "酌定不起诉",
                NonProsecutionBasis::InsufficientEvidence => "证据不足不起诉",
            };
            s.closure = Some(Closure { reason: format!("{why}：{}", reason.trim()), at });
            s.stage = Stage::Closed;
        }

        Action::RequestNonProsecutionReconsideration => {
            require_agency(a, AgencyKind::Police, Some(&police), cpl(179))?;
            require_role(a, &police_roles)?;
            let non_prosecuted = s.stage == Stage::Closed
                && s.documents.last_of(DocumentKind::NonProsecutionDecision)
                && !s.non_prosecution_reconsideration;
            if !non_prosecuted {
                return Err(Refusal::new(RefusalKind::WrongStage, "只能对本案的不起诉决定要求复议").cite(cpl(179)));
            }
            s.non_prosecution_reconsideration = true;
        }

        Action::DecideNonProsecutionReconsideration { revoke } => {
            prosecutor(s, a, &prosecutor_roles, cpl(179))?;
            if !s.non_prosecution_reconsideration {
                return Err(Refusal::new(RefusalKind::WrongStage, "公安机关未要求复议不起诉决定").cite(cpl(179)));
            }
            s.non_prosecution_reconsideration = false;
            if *revoke {
                let org = s.procuratorate_org.clone().unwrap_or_default();
                s.closure = None;
                s.stage = Stage::ProsecutionReview;
                start(s, K::ProsecutionReview, None, &org, at, vec![Period::Months(1)], cpl(172));
            }
        }

        Action::AcceptTrial { procedure, judge } => {
            first_court(s, a, &judge_roles)?;
            require_stage(s, &[Stage::FirstInstance], "受理", cpl(186))?;
            if s.trial_accepted {
                return Err(Refusal::new(RefusalKind::WrongStage, "本案已受理").cite(cpl(186)));
            }
            if *procedure == Procedure::FastTrack && !s.confession_and_acceptance {
                return Err(Refusal::new(RefusalKind::WrongStage, "被告人未认罪认罚，不能适用速裁程序").cite(cpl(222)));
            }
            let (periods, cite) = match procedure {
                Procedure::Ordinary => (vec![Period::Months(2)], cpl(208)),
                Procedure::Summary => (vec![Period::Days(20)], cpl(220)),
                Procedure::FastTrack => (vec![Period::Days(10)], cpl(225)),
            };
            let court = s.court_org.clone().unwrap_or_default();
            start(s, K::FirstInstanceTrial, None, &court, at, periods, cite);
            s.procedure = Some(*procedure);
            s.judge = judge.clone().or_else(|| (a.role == Role::Judge).then(|| a.user.clone()));
            s.trial_accepted = true;
            s.indictment_served_at = Some(at);
            s.trial_extensions = 0;
            let (year, no) = ids::parse_case_id(&s.id).unwrap_or_default();
            s.case_numbers.entry(AgencyKind::Court).or_insert_with(|| format!("（{year}）刑初{no}号"));
        }

        Action::ExtendTrial => {
            first_court(s, a, &judge_roles)?;
            require_stage(s, &[Stage::FirstInstance], "延长审理期限", cpl(208))?;
            let procedure = s.procedure.ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "案件尚未受理").cite(cpl(208)))?;
            let n = s.trial_extensions;
            let c = running_mut(s, K::FirstInstanceTrial, None)
                .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "审理期限未在计算中").cite(cpl(208)))?;
            match (procedure, n) {
                // "应当在受理后二个月以内宣判，至迟不得超过三个月"
                (Procedure::Ordinary, 0) => c.periods = vec![Period::Months(3)],
                // "经上一级人民法院批准，可以延长三个月"
                (Procedure::Ordinary, 1) => c.periods.push(Period::Months(3)),
                (Procedure::Ordinary, _) => {
                    return Err(Refusal::new(RefusalKind::LimitReached, "审理期限已延长至上一级人民法院可批准的最长期限，需再延长的应报请最高人民法院批准").cite(cpl(208)));
                }
                // "对可能判处的有期徒刑超过三年的，可以延长至一个半月"
                (Procedure::Summary, 0) => c.periods = vec![Period::Months(1), Period::Days(15)],
                // "对可能判处的有期徒刑超过一年的，可以延长至十五日"
                (Procedure::FastTrack, 0) => c.periods = vec![Period::Days(15)],
                (p, _) => {
                    let cite = if p == Procedure::Summary { cpl(220) } else { cpl(225) };
                    return Err(Refusal::new(RefusalKind::LimitReached, format!("{}的审理期限已延长，不能再次延长", p.label())).cite(cite));
                }
            }
            let cite = c.citations[0];
            c.citations.push(cite);
            s.trial_extensions += 1;
        }

        Action::ScheduleHearing { at: hearing } => {
            first_court(s, a, &court_roles)?;
            require_stage(s, &[Stage::FirstInstance], "确定开庭日期", cpl(187))?;
            if !s.trial_accepted {
                return Err(Refusal::new(RefusalKind::WrongStage, "案件尚未受理，不能确定开庭日期").cite(cpl(187)));
            }
            let hearing_day = local_date(*hearing);
            // CPL 187: summons at least three days before the hearing.
            if hearing_day < local_date(at) + Duration::days(3) {
                return Err(Refusal::invalid("action.at", "传唤当事人的传票至迟应在开庭三日以前送达，开庭日期过早").cite(cpl(187)));
            }
            // CPL 187: the indictment copy at least ten days before the hearing — not required
            // in summary (CPL 219) and fast-track (CPL 224) procedure.
            if s.procedure == Some(Procedure::Ordinary) {
                let served = local_date(s.indictment_served_at.unwrap_or(at));
                if hearing_day < served + Duration::days(10) {
                    return Err(Refusal::invalid(
                        "action.at",
                        format!("起诉书副本于{served}送达，开庭日期不得早于送达后第十日"),
                    )
                    .cite(cpl(187)));
                }
            }
            s.hearing_at = Some(*hearing);
        }

        Action::PronounceJudgment { verdicts } => {
            first_court(s, a, &judge_roles)?;
            require_stage(s, &[Stage::FirstInstance], "宣告判决", cpl(202))?;
            match s.hearing_at {
                Some(h) if h <= at => {}
                _ => {
                    return Err(Refusal::new(RefusalKind::WrongStage, "尚未开庭审理，不能宣告判决").cite(cpl(198)));
                }
            }
            set_verdicts(s, verdicts)?;
            meet(s, K::FirstInstanceTrial, None, at);
            let court = s.court_org.clone().unwrap_or_default();
            start(s, K::JudgmentService, None, &court, at, vec![Period::Days(5)], cpl(202));
            s.judgment_pronounced_at = Some(at);
            s.judgment_served_at = None;
            s.stage = Stage::AppealWindow;
        }

        Action::ServeJudgment => {
            first_court(s, a, &court_roles)?;
            require_stage(s, &[Stage::AppealWindow], "送达判决书", cpl(202))?;
            if s.judgment_served_at.is_some() {
                return Err(Refusal::new(RefusalKind::WrongStage, "判决书已送达").cite(cpl(202)));
            }
            meet(s, K::JudgmentService, None, at);
            let court = s.court_org.clone().unwrap_or_default();
            // CPL 230: ten days from the day after receipt (the start day is not counted).
            start(s, K::AppealWindow, None, &court, at, vec![Period::Days(10)], cpl(230));
            s.judgment_served_at = Some(at);
        }

        Action::Appeal { .. } | Action::Protest { .. } => {
            let is_protest = matches!(e.action, Action::Protest { .. });
            if is_protest {
                prosecutor(s, a, &prosecutor_roles, cpl(228))?;
            } else {
                first_court(s, a, &court_roles)?;
            }
            if let Action::Protest { reason } = &e.action {
                text("action.reason", reason, MAX_TEXT)?;
            }
            let to = route(e)?;
            let forwarded_not_accepted = s.stage == Stage::SecondInstance && !s.second_instance_accepted;
            if !(s.stage == Stage::AppealWindow || forwarded_not_accepted) {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("案件处于“{}”阶段，不能上诉或抗诉", s.stage.label())).cite(cpl(230)));
            }
            let window = s.clocks.iter().rev().find(|c| c.kind == K::AppealWindow).cloned();
            let Some(window) = window else {
                return Err(Refusal::new(RefusalKind::Timing, "判决书尚未送达，上诉、抗诉期限尚未起算").cite(cpl(230)));
            };
            let due = clock_due(s, &window, cal);
            if at >= due.expires_at {
                return Err(Refusal::new(RefusalKind::Timing, format!("上诉、抗诉期限已于{}届满", due.last_day)).cite(cpl(230)));
            }
            if let Action::Appeal { person } = &e.action {
                let p = person_mut(s, *person)?;
                if p.verdict.is_none() {
                    return Err(Refusal::invalid("action.person", format!("{}不是本案被告人", p.name)));
                }
                p.appealed = true;
            } else {
                s.protested = true;
            }
            meet(s, K::AppealWindow, None, at);
            s.appeal_court_org = Some(to);
            s.stage = Stage::SecondInstance;
        }

        Action::TakeEffect => {
            first_court(s, a, &court_roles)?;
            require_stage(s, &[Stage::AppealWindow], "确认判决生效", cpl(259))?;
            let window = s.clocks.iter().rev().find(|c| c.kind == K::AppealWindow).cloned();
            let Some(window) = window else {
                return Err(Refusal::new(RefusalKind::Timing, "判决书尚未送达，上诉期限尚未起算，判决未生效").cite(cpl(259)));
            };
            let due = clock_due(s, &window, cal);
            if at < due.expires_at {
                return Err(Refusal::new(
                    RefusalKind::Timing,
                    format!("上诉、抗诉期限至{}届满，期满前判决尚未发生法律效力", due.last_day),
                )
                .cite(cpl(259)));
            }
            for c in s.clocks.iter_mut() {
                if c.kind == K::AppealWindow && c.state == ClockState::Running {
                    c.state = ClockState::Met { at: due.expires_at };
                }
            }
            take_effect(s, at);
        }

        Action::AcceptSecondInstance => {
            appeal_court(s, a, &judge_roles)?;
            require_stage(s, &[Stage::SecondInstance], "二审受理", cpl(243))?;
            if s.second_instance_accepted {
                return Err(Refusal::new(RefusalKind::WrongStage, "二审已受理").cite(cpl(243)));
            }
            s.second_instance_accepted = true;
            let org = s.appeal_court_org.clone().unwrap_or_default();
            start(s, K::SecondInstanceTrial, None, &org, at, vec![Period::Months(2)], cpl(243));
            let (year, no) = ids::parse_case_id(&s.id).unwrap_or_default();
            s.case_numbers.insert(AgencyKind::Court, format!("（{year}）刑终{no}号"));
        }

        Action::ExtendSecondInstance => {
            appeal_court(s, a, &judge_roles)?;
            require_stage(s, &[Stage::SecondInstance], "延长二审期限", cpl(243))?;
            let c = running_mut(s, K::SecondInstanceTrial, None)
                .ok_or_else(|| Refusal::new(RefusalKind::WrongStage, "二审尚未受理").cite(cpl(243)))?;
            if c.periods.len() > 1 {
                return Err(Refusal::new(RefusalKind::LimitReached, "二审期限已经延长，需再延长的应报请最高人民法院批准").cite(cpl(243)));
            }
            c.periods.push(Period::Months(2));
            c.citations.push(cpl(243));
        }

        Action::DecideSecondInstance { outcome } => {
            appeal_court(s, a, &judge_roles)?;
            require_stage(s, &[Stage::SecondInstance], "作出二审裁判", cpl(236))?;
            if !s.second_instance_accepted {
                return Err(Refusal::new(RefusalKind::WrongStage, "二审尚未受理").cite(cpl(243)));
            }
            meet(s, K::SecondInstanceTrial, None, at);
            match outcome {
                SecondInstanceOutcome::Uphold => take_effect(s, at),
                SecondInstanceOutcome::Amend { verdicts } => {
                    set_verdicts(s, verdicts)?;
                    take_effect(s, at);
                }
                SecondInstanceOutcome::Remand => {
                    // CPL 239: the first-instance court counts its period anew from receipt.
                    s.stage = Stage::FirstInstance;
                    s.trial_accepted = false;
                    s.second_instance_accepted = false;
                    s.hearing_at = None;
                    s.judgment_pronounced_at = None;
                    s.judgment_served_at = None;
                    s.protested = false;
                    for p in s.persons.iter_mut() {
                        p.verdict = None;
                        p.appealed = false;
                    }
                }
            }
        }

        Action::HandOverForExecution { person } | Action::HandOverForCommunityCorrection { person } => {
            first_court(s, a, &court_roles)?;
            let correction = matches!(e.action, Action::HandOverForCommunityCorrection { .. });
            let cite = if correction { ccl(20) } else { cpl(264) };
            require_stage(s, &[Stage::AwaitingExecution], "交付执行", cite)?;
            let to = route(e)?;
            let effective = s.effective_at.unwrap_or(at);
            let p = person_mut(s, *person)?;
            let Some(Verdict::Convicted { sentence, .. }) = &p.verdict else {
                return Err(Refusal::invalid("action.person", format!("{}未被判处刑罚", p.name)));
            };
            if p.execution.is_some() {
                return Err(Refusal::new(RefusalKind::WrongStage, format!("{}已交付执行", p.name)).cite(cite));
            }
            if correction != sentence.community_correction() || (!correction && !sentence.custodial()) {
                let msg = if correction { "所判刑罚不适用社区矫正" } else { "所判刑罚应交付社区矫正，不应交付监狱执行" };
                return Err(Refusal::invalid("action.type", format!("{}：{}", p.name, msg)).cite(cite));
            }
            if correction {
                p.execution = Some(Execution::CommunityCorrection { org: to.clone(), at, reported_at: None });
                meet(s, K::CorrectionNotice, Some(*person), at);
                // CCL 21: the person reports within ten days of the judgment taking effect.
                start(s, K::CorrectionReport, Some(*person), &to, effective, vec![Period::Days(10)], ccl(21));
            } else {
                p.execution = Some(Execution::Prison { org: to, at });
                meet(s, K::HandOverForExecution, Some(*person), at);
            }
            let all_done = s.persons.iter().all(|p| match &p.verdict {
                Some(Verdict::Convicted { sentence, .. }) if sentence.custodial() || sentence.community_correction() => {
                    p.execution.is_some()
                }
                _ => true,
            });
            if all_done {
                s.stage = Stage::Execution;
            }
        }

        Action::RecordCorrectionReport { person } => {
            require_agency(a, AgencyKind::JusticeBureau, None, ccl(21))?;
            require_role(a, &[Role::CorrectionOfficer, Role::Leader])?;
            let p = person_mut(s, *person)?;
            match &mut p.execution {
                Some(Execution::CommunityCorrection { org, reported_at, .. }) if *org == a.org => {
                    if reported_at.is_some() {
                        return Err(Refusal::new(RefusalKind::WrongStage, format!("{}已报到", p.name)).cite(ccl(21)));
                    }
                    *reported_at = Some(at);
                }
                _ => {
                    return Err(Refusal::new(RefusalKind::WrongAgency, format!("{}未交付本单位社区矫正", p.name)).cite(ccl(21)));
                }
            }
            meet(s, K::CorrectionReport, Some(*person), at);
        }

        Action::WithdrawCase { reason } => {
            require_agency(a, AgencyKind::Police, Some(&police), cpl(163))?;
            require_role(a, &police_roles)?;
            text("action.reason", reason, MAX_TEXT)?;
            require_stage(s, &investigating, "撤销案件", cpl(163))?;
            stop_all(s, at);
            release_everyone(s, at);
            s.closure = Some(Closure { reason: format!("撤销案件：{}", reason.trim()), at });
            s.stage = Stage::Closed;
        }
    }
    Ok(())
}

fn prosecutor(s: &CaseState, a: &Actor, roles: &[Role], cite: Citation) -> Result<(), Refusal> {
    require_agency(a, AgencyKind::Procuratorate, s.procuratorate_org.as_deref(), cite)?;
    require_role(a, roles)
}

fn first_court(s: &CaseState, a: &Actor, roles: &[Role]) -> Result<(), Refusal> {
    require_agency(a, AgencyKind::Court, s.court_org.as_deref(), DIVISION_OF_POWERS)?;
    require_role(a, roles)
}

fn appeal_court(s: &CaseState, a: &Actor, roles: &[Role]) -> Result<(), Refusal> {
    require_agency(a, AgencyKind::Court, s.appeal_court_org.as_deref(), cpl(243))?;
    require_role(a, roles)
}

/// The person is arrested: custody after arrest runs two months during investigation (CPL 156).
fn arrest(s: &mut CaseState, person: u32, at: DateTime<Utc>, stage: Stage) {
    let police = s.police_org.clone();
    if let Some(p) = s.persons.iter_mut().find(|p| p.no == person) {
        p.arrest = ArrestReview::Approved;
        p.custody = Custody::Arrested { since: at };
        p.custody_extensions.clear();
    }
    if stage == Stage::Investigation {
        start(s, DeadlineKind::InvestigationCustody, Some(person), &police, at, vec![Period::Months(2)], cpl(156));
    }
}

fn set_verdicts(s: &mut CaseState, verdicts: &[PersonVerdict]) -> Result<(), Refusal> {
    let mut seen = std::collections::BTreeSet::new();
    for (i, v) in verdicts.iter().enumerate() {
        if s.person(v.person).is_none() {
            return Err(Refusal::invalid(&format!("action.verdicts[{i}].person"), format!("本案没有编号为{}的被告人", v.person)));
        }
        if !seen.insert(v.person) {
            return Err(Refusal::invalid(&format!("action.verdicts[{i}].person"), "同一被告人不能有两项判决"));
        }
        if let Verdict::Convicted { charges: ch, sentence } = &v.verdict {
            if ch.is_empty() {
                return Err(Refusal::invalid(&format!("action.verdicts[{i}].verdict.charges"), "有罪判决应列明罪名"));
            }
            let months = match sentence {
                Sentence::Prison { months } => Some((*months, 6, 300)),
                Sentence::CriminalDetention { months } => Some((*months, 1, 12)),
                Sentence::Control { months } => Some((*months, 3, 36)),
                Sentence::Probation { months, .. } => Some((*months, 1, 36)),
                _ => None,
            };
            if let Some((m, lo, hi)) = months
                && (m < lo || m > hi)
            {
                return Err(Refusal::invalid(
                    &format!("action.verdicts[{i}].verdict.sentence.months"),
                    format!("刑期{m}个月超出法定范围（{lo}至{hi}个月）"),
                )
                .cite(Citation { law: crate::cite::Law::CriminalLaw, article: 45 }));
            }
        }
    }
    if seen.len() != s.persons.len() {
        return Err(Refusal::invalid("action.verdicts", "判决应当对每一名被告人作出"));
    }
    for v in verdicts {
        if let Some(p) = s.persons.iter_mut().find(|p| p.no == v.person) {
            p.verdict = Some(v.verdict.clone());
        }
    }
    Ok(())
}

/// The judgment takes effect (CPL 259): execution clocks start; acquitted and non-custodial
/// persons are released.
fn take_effect(s: &mut CaseState, at: DateTime<Utc>) {
    use DeadlineKind as K;
    s.effective_at = Some(at);
    let court = s.court_org.clone().unwrap_or_default();
    let mut needs_hand_over = false;
    let persons = s.persons.clone();
    for p in &persons {
        match &p.verdict {
            Some(Verdict::Convicted { sentence, .. }) if sentence.custodial() => {
                needs_hand_over = true;
                start(s, K::HandOverForExecution, Some(p.no), &court, at, vec![Period::Days(10)], cpl(264));
            }
            Some(Verdict::Convicted { sentence, .. }) if sentence.community_correction() => {
                needs_hand_over = true;
                start(s, K::CorrectionNotice, Some(p.no), &court, at, vec![Period::Days(5)], ccl(20));
            }
            _ => {}
        }
    }
    for p in s.persons.iter_mut() {
        let custodial = matches!(&p.verdict, Some(Verdict::Convicted { sentence, .. }) if sentence.custodial());
        if !custodial && p.custody.in_custody() {
            p.custody = Custody::Released { at };
        }
    }
    if needs_hand_over {
        s.stage = Stage::AwaitingExecution;
    } else {
        s.closure = Some(Closure { reason: "判决生效，无需交付执行".into(), at });
        s.stage = Stage::Closed;
    }
}

trait DocumentsExt {
    fn last_of(&self, kind: DocumentKind) -> bool;
}

impl DocumentsExt for Vec<IssuedDocument> {
    fn last_of(&self, kind: DocumentKind) -> bool {
        self.last().is_some_and(|d| d.kind == kind)
    }
}

/// Replays a case's events from scratch.
pub fn replay(events: &[Event], cal: &HolidayCalendar) -> Result<Option<CaseState>, (u64, Refusal)> {
    let mut state: Option<CaseState> = None;
    for e in events {
        state = Some(apply(state.as_ref(), e, cal).map_err(|r| (e.seq, r))?);
    }
    Ok(state)
}
