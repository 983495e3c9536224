//! The actions a user may take on a case, as forms.
//!
//! Each action kind has a spec: the agency whose work it is, whether it concerns one person, and
//! its fields. Availability is decided by the domain: a probe action with harmless field values
//! is decided on a copy of the state (`domain::machine::decide`); a refusal is shown with its
//! text and article instead of the form. The submitted form is parsed back into an `Action`
//! with Chinese messages naming the field.

use super::layout::{org_name, user_name};
use crate::auth::CurrentUser;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use domain::action::{NonProsecutionBasis, PersonVerdict, SecondInstanceOutcome};
use domain::case::{ArrestRequestExtension, CustodyExtension, Procedure, Sentence, Verdict};
use domain::{Action, AgencyKind, CaseState, Directory, HolidayCalendar, Refusal, RefusalKind, Role};
use maud::{Markup, html};
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Reason,
    ArrestExtension,
    CustodyBasis,
    Confession,
    SentencingProposal,
    NonProsecutionBasis,
    /// A yes/no decision: (field name, label of "change", label of "keep").
    Decision(&'static str, &'static str, &'static str),
    Procedure,
    Judge,
    HearingAt,
    Verdicts,
    SecondInstanceOutcome,
}

struct Spec {
    kind: &'static str,
    agency: AgencyKind,
    per_person: bool,
    fields: &'static [Field],
}

use AgencyKind::{Court, JusticeBureau, Police, Procuratorate};
use Field::*;

const SPECS: &[Spec] = &[
    Spec { kind: "detain", agency: Police, per_person: true, fields: &[] },
    Spec { kind: "interrogate", agency: Police, per_person: true, fields: &[] },
    Spec { kind: "extend_arrest_request", agency: Police, per_person: true, fields: &[ArrestExtension] },
    Spec { kind: "request_arrest", agency: Police, per_person: true, fields: &[] },
    Spec { kind: "release", agency: Police, per_person: true, fields: &[Reason] },
    Spec { kind: "request_reconsideration", agency: Police, per_person: true, fields: &[] },
    Spec { kind: "request_review", agency: Police, per_person: true, fields: &[] },
    Spec { kind: "transfer_for_prosecution", agency: Police, per_person: false, fields: &[Confession] },
    Spec { kind: "request_non_prosecution_reconsideration", agency: Police, per_person: false, fields: &[] },
    Spec { kind: "withdraw_case", agency: Police, per_person: false, fields: &[Reason] },
    Spec { kind: "approve_arrest", agency: Procuratorate, per_person: true, fields: &[] },
    Spec { kind: "refuse_arrest", agency: Procuratorate, per_person: true, fields: &[Reason] },
    Spec { kind: "decide_reconsideration", agency: Procuratorate, per_person: true, fields: &[Decision("change", "改变原决定，批准逮捕", "维持不批准逮捕决定")] },
    Spec { kind: "decide_review", agency: Procuratorate, per_person: true, fields: &[Decision("change", "改变原决定，批准逮捕", "维持不批准逮捕决定")] },
    Spec { kind: "extend_custody", agency: Procuratorate, per_person: true, fields: &[CustodyBasis] },
    Spec { kind: "extend_review", agency: Procuratorate, per_person: false, fields: &[] },
    Spec { kind: "return_for_investigation", agency: Procuratorate, per_person: false, fields: &[Reason] },
    Spec { kind: "indict", agency: Procuratorate, per_person: false, fields: &[Confession, SentencingProposal] },
    Spec { kind: "decide_non_prosecution", agency: Procuratorate, per_person: false, fields: &[NonProsecutionBasis, Reason] },
    Spec { kind: "decide_non_prosecution_reconsideration", agency: Procuratorate, per_person: false, fields: &[Decision("revoke", "撤销不起诉决定，继续审查起诉", "维持不起诉决定")] },
    Spec { kind: "protest", agency: Procuratorate, per_person: false, fields: &[Reason] },
    Spec { kind: "accept_trial", agency: Court, per_person: false, fields: &[Procedure, Judge] },
    Spec { kind: "schedule_hearing", agency: Court, per_person: false, fields: &[HearingAt] },
    Spec { kind: "extend_trial", agency: Court, per_person: false, fields: &[] },
    Spec { kind: "pronounce_judgment", agency: Court, per_person: false, fields: &[Verdicts] },
    Spec { kind: "serve_judgment", agency: Court, per_person: false, fields: &[] },
    Spec { kind: "appeal", agency: Court, per_person: true, fields: &[] },
    Spec { kind: "take_effect", agency: Court, per_person: false, fields: &[] },
    Spec { kind: "accept_second_instance", agency: Court, per_person: false, fields: &[] },
    Spec { kind: "extend_second_instance", agency: Court, per_person: false, fields: &[] },
    Spec { kind: "decide_second_instance", agency: Court, per_person: false, fields: &[SecondInstanceOutcome, Verdicts] },
    Spec { kind: "hand_over_for_execution", agency: Court, per_person: true, fields: &[] },
    Spec { kind: "hand_over_for_community_correction", agency: Court, per_person: true, fields: &[] },
    Spec { kind: "record_correction_report", agency: JusticeBureau, per_person: true, fields: &[] },
];

/// An action with harmless field values, to ask the domain whether it would be accepted.
fn probe(kind: &str, person: u32, s: Option<&CaseState>, now: DateTime<Utc>) -> Option<Action> {
    let reason = || "（可办理性检查）".to_string();
    let verdicts = || {
        s.map(|s| {
            s.persons
                .iter()
                .map(|p| PersonVerdict { person: p.no, verdict: Verdict::Convicted { charges: s.charges.clone(), sentence: Sentence::Prison { months: 12 } } })
                .collect()
        })
        .unwrap_or_default()
    };
    Some(match kind {
        "detain" => Action::Detain { person },
        "interrogate" => Action::Interrogate { person },
        "release" => Action::Release { person, reason: reason() },
        "extend_arrest_request" => Action::ExtendArrestRequest { person, extension: ArrestRequestExtension::SpecialDays { days: 1 } },
        "request_arrest" => Action::RequestArrest { person },
        "approve_arrest" => Action::ApproveArrest { person },
        "refuse_arrest" => Action::RefuseArrest { person, reason: reason() },
        "request_reconsideration" => Action::RequestReconsideration { person },
        "decide_reconsideration" => Action::DecideReconsideration { person, change: false },
        "request_review" => Action::RequestReview { person },
        "decide_review" => Action::DecideReview { person, change: false },
        "extend_custody" => Action::ExtendCustody { person, basis: CustodyExtension::Art156 },
        "transfer_for_prosecution" => Action::TransferForProsecution { confession_and_acceptance: false },
        "extend_review" => Action::ExtendReview,
        "return_for_investigation" => Action::ReturnForInvestigation { reason: reason() },
        "indict" => Action::Indict { confession_and_acceptance: false, sentencing_proposal: None },
        "decide_non_prosecution" => Action::DecideNonProsecution { basis: NonProsecutionBasis::Discretionary, reason: reason() },
        "request_non_prosecution_reconsideration" => Action::RequestNonProsecutionReconsideration,
        "decide_non_prosecution_reconsideration" => Action::DecideNonProsecutionReconsideration { revoke: false },
        "accept_trial" => Action::AcceptTrial { procedure: Procedure::Ordinary, judge: None },
        "extend_trial" => Action::ExtendTrial,
        "schedule_hearing" => Action::ScheduleHearing { at: now + Duration::days(40) },
        "pronounce_judgment" => Action::PronounceJudgment { verdicts: verdicts() },
        "serve_judgment" => Action::ServeJudgment,
        "appeal" => Action::Appeal { person },
        "protest" => Action::Protest { reason: reason() },
        "take_effect" => Action::TakeEffect,
        "accept_second_instance" => Action::AcceptSecondInstance,
        "extend_second_instance" => Action::ExtendSecondInstance,
        "decide_second_instance" => Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Uphold },
        "hand_over_for_execution" => Action::HandOverForExecution { person },
        "hand_over_for_community_correction" => Action::HandOverForCommunityCorrection { person },
        "record_correction_report" => Action::RecordCorrectionReport { person },
        "withdraw_case" => Action::WithdrawCase { reason: reason() },
        _ => return None,
    })
}

/// The Chinese name of an action kind (`批准逮捕` for `approve_arrest`).
pub fn label_of(kind: &str) -> Option<&'static str> {
    probe(kind, 1, None, Utc::now()).map(|a| a.label())
}

/// What the page shows for one action kind.
pub struct Offer {
    kind: &'static str,
    label: &'static str,
    /// Persons the action may be taken for (empty for case-wide actions that are available).
    persons: Vec<u32>,
    /// Why it is not available, when it is not.
    refusal: Option<Refusal>,
    spec: &'static Spec,
}

impl Offer {
    /// Rewrites the refusal's text (masking persons' names the user may not see).
    pub fn scrub(&mut self, f: impl Fn(&str) -> String) {
        if let Some(r) = &mut self.refusal {
            r.message = f(&r.message);
        }
    }

    pub fn available(&self) -> bool {
        self.refusal.is_none()
    }

    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

/// A suggestion adopted into a form (`?adopt=` on the case page): the form is opened with these
/// values filled in; the person still reads and submits it.
pub struct Adopted {
    /// The action kind whose form is pre-filled.
    pub kind: &'static str,
    /// The indictment's sentencing proposal.
    pub proposal: String,
    /// The judgment's sentence for each person: (`prison` | `life` | `death`, months).
    pub sentence: (&'static str, u32),
    /// Shown above the form's fields.
    pub note: String,
}

/// What the case page adds to the action forms.
#[derive(Default)]
pub struct Extras {
    pub adopted: Option<Adopted>,
    /// Markup placed inside a form before its submit button, by action kind (the evidence check,
    /// the choice of what travels with a transfer).
    pub inserts: HashMap<&'static str, Markup>,
}

/// Every action of the user's agency, decided on a copy of the state.
pub fn offers(s: &CaseState, u: &CurrentUser, dir: &Directory, cal: &HolidayCalendar, now: DateTime<Utc>) -> Vec<Offer> {
    let actor = u.actor();
    let decide = |a: Action| domain::machine::decide(&s.id, Some(s), a, actor.clone(), now, None, dir, cal).map(|_| ());
    let mut out = Vec::new();
    for spec in SPECS.iter().filter(|sp| sp.agency == u.org.kind) {
        let Some(label) = probe(spec.kind, 1, Some(s), now).map(|a| a.label()) else { continue };
        let mut persons = Vec::new();
        let mut refusal = None;
        if spec.per_person {
            for p in &s.persons {
                match decide(probe(spec.kind, p.no, Some(s), now).expect("known kind")) {
                    Ok(()) => persons.push(p.no),
                    Err(r) => {
                        refusal.get_or_insert(if s.persons.len() > 1 { Refusal { message: format!("{}：{}", p.name, r.message), ..r } } else { r });
                    }
                }
            }
            if !persons.is_empty() {
                refusal = None;
            } else if s.persons.is_empty() {
                refusal = Some(Refusal::new(RefusalKind::NotFound, "本案没有涉案人员"));
            }
        } else if let Err(r) = decide(probe(spec.kind, 0, Some(s), now).expect("known kind")) {
            refusal = Some(r);
        }
        // Another organization's business (e.g. a different court's case) is not shown at all;
        // custody extensions stay visible so the district sees that the higher one decides.
        if refusal.as_ref().is_some_and(|r| r.kind == RefusalKind::WrongAgency) && spec.kind != "extend_custody" {
            continue;
        }
        out.push(Offer { kind: spec.kind, label, persons, refusal, spec });
    }
    out
}

fn person_select(s: &CaseState, o: &Offer) -> Markup {
    let id = format!("{}-person", o.kind);
    html! {
        div class="field" {
            label for=(id) { "涉案人员" }
            select id=(id) name="person" required {
                @for no in &o.persons {
                    @if let Some(p) = s.person(*no) {
                        option value=(no) { (p.name) "（" (s.role_of(p).label()) "）" }
                    }
                }
            }
        }
    }
}

fn verdict_fields(s: &CaseState, kind: &str, adopted: Option<&Adopted>) -> Markup {
    let (sentence, months) = adopted.map_or(("prison", 12), |a| (a.sentence.0, a.sentence.1));
    html! {
        fieldset class="verdicts" {
            legend { "判决结果（每名被告人）" }
            @for p in &s.persons {
                @let pfx = format!("{kind}-{}", p.no);
                div class="verdict-row" {
                    strong { (p.name) }
                    div class="field" {
                        label for=(format!("{pfx}-v")) { "裁判" }
                        select id=(format!("{pfx}-v")) name=(format!("v{}", p.no)) {
                            option value="convicted" { "有罪" }
                            option value="acquitted" { "无罪" }
                        }
                    }
                    div class="field" {
                        label for=(format!("{pfx}-s")) { "刑罚" }
                        select id=(format!("{pfx}-s")) name=(format!("s{}", p.no)) {
                            option value="prison" selected[sentence == "prison"] { "有期徒刑" }
                            option value="probation" { "有期徒刑缓刑" }
                            option value="criminal_detention" { "拘役" }
                            option value="control" { "管制" }
                            option value="fine_only" { "单处罚金" }
                            option value="life" selected[sentence == "life"] { "无期徒刑" }
                            option value="death_reprieve" { "死刑缓期二年执行" }
                            option value="death" selected[sentence == "death"] { "死刑" }
                        }
                    }
                    div class="field small-num" {
                        label for=(format!("{pfx}-m")) { "刑期（月）" }
                        input id=(format!("{pfx}-m")) name=(format!("m{}", p.no)) type="number" min="0" max="300" value=(months);
                    }
                    div class="field small-num" {
                        label for=(format!("{pfx}-p")) { "缓刑考验期（月）" }
                        input id=(format!("{pfx}-p")) name=(format!("p{}", p.no)) type="number" min="0" max="60" value="0";
                    }
                    div class="field small-num" {
                        label for=(format!("{pfx}-y")) { "罚金（元）" }
                        input id=(format!("{pfx}-y")) name=(format!("y{}", p.no)) type="number" min="0" value="0";
                    }
                }
            }
            p class="hint" { "罪名按本案罪名（" (s.charges.join("、")) "）记载。" }
        }
    }
}

fn field(s: &CaseState, o: &Offer, f: Field, dir: &Directory, now: DateTime<Utc>, adopted: Option<&Adopted>) -> Markup {
    let id = |n: &str| format!("{}-{n}", o.kind);
    let adopted = adopted.filter(|a| a.kind == o.kind);
    match f {
        Reason => html! {
            div class="field" {
                label for=(id("reason")) { (if o.kind == "protest" { "抗诉理由" } else { "理由" }) }
                textarea id=(id("reason")) name="reason" rows="3" required maxlength="2000" {}
            }
        },
        ArrestExtension => html! {
            div class="field" {
                label for=(id("extension")) { "延长事由" }
                select id=(id("extension")) name="extension" {
                    option value="1" { "特殊情况，延长一日" }
                    option value="2" { "特殊情况，延长二日" }
                    option value="3" { "特殊情况，延长三日" }
                    option value="4" { "特殊情况，延长四日" }
                    option value="serious" { "流窜作案、多次作案、结伙作案的重大嫌疑分子（至三十日）" }
                }
            }
        },
        CustodyBasis => html! {
            div class="field" {
                label for=(id("basis")) { "延长依据" }
                select id=(id("basis")) name="basis" {
                    option value="art156" { "第一百五十六条：案情复杂、期限届满不能终结，延长一个月" }
                    option value="art158" { "第一百五十八条：重大复杂案件，再延长二个月" }
                    option value="art159" { "第一百五十九条：可能判处十年有期徒刑以上，再延长二个月" }
                }
            }
        },
        Confession => html! {
            div class="field check" {
                input id=(id("confession")) name="confession" type="checkbox" value="1" checked[s.confession_and_acceptance];
                label for=(id("confession")) { "犯罪嫌疑人认罪认罚" }
            }
        },
        SentencingProposal => html! {
            div class="field" {
                label for=(id("proposal")) { "量刑建议（认罪认罚案件）" }
                input id=(id("proposal")) name="sentencing_proposal" type="text" maxlength="500" placeholder="如：有期徒刑一年，缓刑一年" value=[adopted.map(|a| a.proposal.as_str())];
            }
        },
        NonProsecutionBasis => html! {
            div class="field" {
                label for=(id("np-basis")) { "不起诉类型" }
                select id=(id("np-basis")) name="np_basis" {
                    option value="discretionary" { "酌定不起诉（第一百七十七条第二款）" }
                    option value="statutory" { "法定不起诉（第一百七十七条第一款）" }
                    option value="insufficient_evidence" { "证据不足不起诉（第一百七十五条第四款）" }
                }
            }
        },
        Decision(name, yes, no) => html! {
            fieldset class="radios" {
                legend { "决定" }
                label { input type="radio" name=(name) value="0" checked; " " (no) }
                label { input type="radio" name=(name) value="1"; " " (yes) }
            }
        },
        Procedure => html! {
            div class="field" {
                label for=(id("procedure")) { "审理程序" }
                select id=(id("procedure")) name="procedure" {
                    option value="ordinary" { "普通程序" }
                    option value="summary" { "简易程序" }
                    option value="fast_track" { "速裁程序（须认罪认罚）" }
                }
            }
        },
        Judge => {
            let court = s.court_org.as_deref().unwrap_or_default();
            let judges: Vec<_> = dir.users.values().filter(|u| u.org == court && u.role == Role::Judge && u.active).collect();
            html! {
                div class="field" {
                    label for=(id("judge")) { "承办法官" }
                    select id=(id("judge")) name="judge" {
                        option value="" { "由本人承办 / 暂不指定" }
                        @for j in judges { option value=(j.id) { (j.name) } }
                    }
                }
            }
        }
        HearingAt => {
            let suggested = (now + Duration::days(14)).with_timezone(&domain::period::china()).format("%Y-%m-%dT09:30").to_string();
            html! {
                div class="field" {
                    label for=(id("at")) { "开庭时间（北京时间）" }
                    input id=(id("at")) name="at" type="datetime-local" required value=(suggested);
                }
            }
        }
        Verdicts => verdict_fields(s, o.kind, adopted),
        SecondInstanceOutcome => html! {
            div class="field" {
                label for=(id("outcome")) { "二审结果" }
                select id=(id("outcome")) name="outcome" {
                    option value="uphold" { "驳回上诉、抗诉，维持原判" }
                    option value="remand" { "撤销原判，发回重审" }
                    option value="amend" { "改判（按下列判决结果）" }
                }
            }
        },
    }
}

fn confirm_text(o: &Offer, s: &CaseState, now: DateTime<Utc>) -> String {
    let doc = probe(o.kind, 1, Some(s), now)
        .and_then(|a| domain::machine::document_of(&a))
        .map(|d| format!("，并制作《{}》", d.label()))
        .unwrap_or_default();
    format!("确认办理“{}”{}？提交后将记入不可篡改的办案记录，不能撤回。", o.label, doc)
}

/// The actions panel of the case page.
pub fn panel(s: &CaseState, offers: &[Offer], csrf: &str, dir: &Directory, now: DateTime<Utc>, extras: &Extras) -> Markup {
    let adopted = extras.adopted.as_ref();
    let (open, closed): (Vec<&Offer>, Vec<&Offer>) = offers.iter().partition(|o| o.available());
    html! {
        @if open.is_empty() {
            p class="muted" id="no-actions" { "本单位当前没有可办理的操作。" }
        }
        div class="actions" {
            @for o in &open {
                details class="action" id=(format!("action-{}", o.kind)) open[open.len() == 1 || adopted.is_some_and(|a| a.kind == o.kind)] {
                    summary { (o.label) }
                    form method="post" action=(format!("/cases/{}/act", s.id)) data-confirm=(confirm_text(o, s, now)) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="type" value=(o.kind);
                        input type="hidden" name="version" value=(s.version);
                        input type="hidden" name="request_id" value=(request_id());
                        @if let Some(a) = adopted.filter(|a| a.kind == o.kind) { p class="flash ok small adopted" id=(format!("adopted-{}", o.kind)) { (a.note) } }
                        @if o.spec.per_person { (person_select(s, o)) }
                        @for f in o.spec.fields { (field(s, o, *f, dir, now, adopted)) }
                        @if let Some(m) = extras.inserts.get(o.kind) { (m.clone()) }
                        button type="submit" class="primary" id=(format!("submit-{}", o.kind)) { "办理：" (o.label) }
                    }
                }
            }
        }
        @if !closed.is_empty() {
            details class="unavailable" id="unavailable" {
                summary { "当前不可办理的操作（" (closed.len()) "）" }
                ul {
                    @for o in &closed {
                        li id=(format!("refused-{}", o.kind)) {
                            button type="button" disabled aria-describedby=(format!("why-{}", o.kind)) { (o.label) }
                            span class="why" id=(format!("why-{}", o.kind)) { (o.refusal.as_ref().map(|r| r.text()).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

fn request_id() -> String {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).expect("system randomness");
    format!("ui-{}", hex::encode(b))
}

/// A field's value, trimmed.
fn get<'a>(f: &'a HashMap<String, String>, k: &str) -> Option<&'a str> {
    f.get(k).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn num(f: &HashMap<String, String>, k: &str, what: &str) -> Result<u32, String> {
    match get(f, k) {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| format!("{what}应为非负整数，收到“{v}”")),
    }
}

fn verdicts(f: &HashMap<String, String>, s: &CaseState) -> Result<Vec<PersonVerdict>, String> {
    let mut out = Vec::new();
    for p in &s.persons {
        let n = p.no;
        let verdict = match get(f, &format!("v{n}")).unwrap_or("convicted") {
            "acquitted" => Verdict::Acquitted,
            _ => {
                let months = num(f, &format!("m{n}"), &format!("{}的刑期", p.name))?;
                let probation_months = num(f, &format!("p{n}"), &format!("{}的缓刑考验期", p.name))?;
                let yuan = num(f, &format!("y{n}"), &format!("{}的罚金", p.name))? as u64;
                let sentence = match get(f, &format!("s{n}")).unwrap_or("prison") {
                    "prison" => Sentence::Prison { months },
                    "probation" => Sentence::Probation { months, probation_months },
                    "criminal_detention" => Sentence::CriminalDetention { months },
                    "control" => Sentence::Control { months },
                    "fine_only" => Sentence::FineOnly { yuan },
                    "life" => Sentence::Life,
                    "death_reprieve" => Sentence::Death { reprieve: true },
                    "death" => Sentence::Death { reprieve: false },
                    other => return Err(format!("未知的刑罚“{other}”")),
                };
                if matches!(sentence, Sentence::Prison { .. } | Sentence::Probation { .. } | Sentence::CriminalDetention { .. } | Sentence::Control { .. }) && months == 0 {
                    return Err(format!("请填写{}的刑期（月）", p.name));
                }
                if matches!(sentence, Sentence::Probation { .. }) && probation_months == 0 {
                    return Err(format!("请填写{}的缓刑考验期（月）", p.name));
                }
                Verdict::Convicted { charges: s.charges.clone(), sentence }
            }
        };
        out.push(PersonVerdict { person: n, verdict });
    }
    Ok(out)
}

/// Parses a submitted action form. Errors are Chinese messages for the user.
pub fn parse(f: &HashMap<String, String>, s: &CaseState) -> Result<Action, String> {
    let kind = get(f, "type").ok_or("缺少操作类型")?;
    let spec = SPECS.iter().find(|sp| sp.kind == kind).ok_or_else(|| format!("未知的操作“{kind}”"))?;
    let person = if spec.per_person {
        let v = get(f, "person").ok_or("请选择涉案人员")?;
        v.parse::<u32>().map_err(|_| format!("涉案人员编号“{v}”无效"))?
    } else {
        0
    };
    let reason = || get(f, "reason").map(str::to_string).ok_or_else(|| "请填写理由".to_string());
    let flag = |k: &str| get(f, k).is_some_and(|v| v == "1");
    Ok(match kind {
        "release" => Action::Release { person, reason: reason()? },
        "extend_arrest_request" => Action::ExtendArrestRequest {
            person,
            extension: match get(f, "extension").unwrap_or("1") {
                "serious" => ArrestRequestExtension::SeriousSuspect,
                d => ArrestRequestExtension::SpecialDays { days: d.parse().map_err(|_| format!("延长天数“{d}”无效"))? },
            },
        },
        "refuse_arrest" => Action::RefuseArrest { person, reason: reason()? },
        "decide_reconsideration" => Action::DecideReconsideration { person, change: flag("change") },
        "decide_review" => Action::DecideReview { person, change: flag("change") },
        "extend_custody" => Action::ExtendCustody {
            person,
            basis: match get(f, "basis").unwrap_or("art156") {
                "art158" => CustodyExtension::Art158,
                "art159" => CustodyExtension::Art159,
                _ => CustodyExtension::Art156,
            },
        },
        "transfer_for_prosecution" => Action::TransferForProsecution { confession_and_acceptance: flag("confession") },
        "return_for_investigation" => Action::ReturnForInvestigation { reason: reason()? },
        "indict" => Action::Indict {
            confession_and_acceptance: flag("confession"),
            sentencing_proposal: get(f, "sentencing_proposal").map(str::to_string),
        },
        "decide_non_prosecution" => Action::DecideNonProsecution {
            basis: match get(f, "np_basis").unwrap_or("discretionary") {
                "statutory" => NonProsecutionBasis::Statutory,
                "insufficient_evidence" => NonProsecutionBasis::InsufficientEvidence,
                _ => NonProsecutionBasis::Discretionary,
            },
            reason: reason()?,
        },
        "decide_non_prosecution_reconsideration" => Action::DecideNonProsecutionReconsideration { revoke: flag("revoke") },
        "protest" => Action::Protest { reason: reason()? },
        "withdraw_case" => Action::WithdrawCase { reason: reason()? },
        "accept_trial" => Action::AcceptTrial {
            procedure: match get(f, "procedure").unwrap_or("ordinary") {
                "summary" => Procedure::Summary,
                "fast_track" => Procedure::FastTrack,
                _ => Procedure::Ordinary,
            },
            judge: get(f, "judge").map(str::to_string),
        },
        "schedule_hearing" => {
            let v = get(f, "at").ok_or("请填写开庭时间")?;
            let naive = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
                .map_err(|_| format!("开庭时间“{v}”格式无效，应为 年-月-日 时:分"))?;
            let at = domain::period::china().from_local_datetime(&naive).single().ok_or("开庭时间无效")?.with_timezone(&Utc);
            Action::ScheduleHearing { at }
        }
        "pronounce_judgment" => Action::PronounceJudgment { verdicts: verdicts(f, s)? },
        "decide_second_instance" => Action::DecideSecondInstance {
            outcome: match get(f, "outcome").unwrap_or("uphold") {
                "remand" => SecondInstanceOutcome::Remand,
                "amend" => SecondInstanceOutcome::Amend { verdicts: verdicts(f, s)? },
                _ => SecondInstanceOutcome::Uphold,
            },
        },
        other => probe(other, person, Some(s), Utc::now()).ok_or_else(|| format!("未知的操作“{other}”"))?,
    })
}

/// A readable one-line summary of an event's details for the timeline.
pub fn detail(e: &domain::Event, s: &CaseState, dir: &Directory) -> String {
    let who = |n: u32| s.person(n).map(|p| p.name.clone()).unwrap_or_else(|| format!("第{n}人"));
    let mut parts: Vec<String> = Vec::new();
    if let Some(n) = e.action.person() {
        parts.push(who(n));
    }
    match &e.action {
        Action::Register { charges, persons, .. } => {
            parts.push(format!("罪名：{}", charges.join("、")));
            parts.push(format!("犯罪嫌疑人：{}", persons.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、")));
        }
        Action::Release { reason, .. }
        | Action::RefuseArrest { reason, .. }
        | Action::ReturnForInvestigation { reason }
        | Action::Protest { reason }
        | Action::WithdrawCase { reason }
        | Action::DecideNonProsecution { reason, .. } => parts.push(format!("理由：{reason}")),
        Action::DecideReconsideration { change, .. } | Action::DecideReview { change, .. } => {
            parts.push(if *change { "改变原决定".into() } else { "维持原决定".into() })
        }
        Action::AcceptTrial { procedure, judge } => {
            parts.push(procedure.label().into());
            if let Some(j) = judge {
                parts.push(format!("承办法官：{}", user_name(dir, j)));
            }
        }
        Action::ScheduleHearing { at } => parts.push(format!("开庭：{}", super::layout::china_time(*at))),
        Action::PronounceJudgment { verdicts } | Action::DecideSecondInstance { outcome: SecondInstanceOutcome::Amend { verdicts } } => {
            for v in verdicts {
                parts.push(match &v.verdict {
                    Verdict::Acquitted => format!("{}：无罪", who(v.person)),
                    Verdict::Convicted { sentence, .. } => format!("{}：{}", who(v.person), sentence.label()),
                })
            }
        }
        Action::Indict { sentencing_proposal: Some(p), .. } => parts.push(format!("量刑建议：{p}")),
        _ => {}
    }
    if let Some(r) = &e.route {
        parts.push(format!("送达：{}", org_name(dir, r)));
    }
    parts.join("；")
}
