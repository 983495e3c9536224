//! The irregularity detectors. Each returns findings keyed by `(case_id, rule, key)`: running a
//! detector twice over the same facts yields the same keys, so recording is idempotent.

use crate::config::Config;
use crate::rule::{basis_of, Rule};
use chrono::{DateTime, Duration, Utc};
use domain::action::DocumentKind;
use domain::case::{ClockState, DeadlineKind, IssuedDocument, Stage};
use domain::cite::{ccl, cpl, Citation};
use domain::machine::document_of;
use domain::period::local_date;
use domain::view::{self, Task};
use domain::{Action, CaseState, Directory, Event, HolidayCalendar, RefusalKind};
use serde::{Deserialize, Serialize};

/// One irregularity found on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub case_id: String,
    /// What makes the finding unique within its case and rule (e.g. `seq:7`, `clock:3`).
    pub key: String,
    /// The organization responsible.
    pub org: String,
    pub person: Option<u32>,
    pub event_seq: Option<u64>,
    /// When the irregular act happened (or, for states, when it was observed).
    pub at: DateTime<Utc>,
    pub message: String,
    /// `依据《刑事诉讼法》第二百零二条`, or the rule's reason.
    pub basis: String,
}

fn finding(rule: Rule, case_id: &str, key: String, org: &str, at: DateTime<Utc>, message: String) -> Finding {
    Finding { rule, case_id: case_id.to_string(), key, org: org.to_string(), person: None, event_seq: None, at, message, basis: rule.basis() }
}

/// 倒签: the claimed time is earlier than the server's time by more than the tolerance.
pub fn backdating(e: &Event, cfg: &Config) -> Option<Finding> {
    let claimed = e.claimed_at?;
    let gap = e.at - claimed;
    if gap <= Duration::minutes(cfg.backdating_tolerance_minutes) {
        return None;
    }
    let hours = gap.num_minutes() as f64 / 60.0;
    let mut f = finding(
        Rule::Backdating,
        &e.case_id,
        format!("seq:{}", e.seq),
        &e.actor.org,
        e.at,
        format!("“{}”声称发生于{}，系统收到于{}，提前{:.1}小时", e.action.label(), local(claimed), local(e.at), hours),
    );
    f.event_seq = Some(e.seq);
    f.person = e.action.person();
    Some(f)
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&domain::period::china()).format("%Y-%m-%d %H:%M").to_string()
}

/// 决定无文书: every event whose action issues a document (`document_of`) must have that document,
/// issued by the acting organization for that event. Today `apply` always issues it, so this fires
/// on imported or legacy histories — and stays true if documents ever become separate uploads.
pub fn missing_documents(events: &[Event], documents: &[IssuedDocument]) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in events {
        let Some(kind) = document_of(&e.action) else { continue };
        let present = documents.iter().any(|d| d.event_seq == e.seq && d.kind == kind && d.org == e.actor.org);
        if !present {
            let mut f = finding(
                Rule::MissingDocument,
                &e.case_id,
                format!("seq:{}", e.seq),
                &e.actor.org,
                e.at,
                format!("“{}”（第{}步）未见{}", e.action.label(), e.seq, kind.label()),
            );
            f.event_seq = Some(e.seq);
            f.person = e.action.person();
            out.push(f);
        }
    }
    out
}

/// The article behind a service deadline, if the deadline is one.
fn service_citation(kind: DeadlineKind) -> Option<Citation> {
    match kind {
        DeadlineKind::JudgmentService => Some(cpl(202)),
        DeadlineKind::HandOverForExecution => Some(cpl(264)),
        DeadlineKind::CorrectionNotice => Some(ccl(20)),
        _ => None,
    }
}

/// Custody periods of one person (CPL 91, 156–159).
const PERSON_CUSTODY_KINDS: [DeadlineKind; 3] = [DeadlineKind::ArrestRequest, DeadlineKind::ArrestReview, DeadlineKind::InvestigationCustody];
/// Handling periods that are also custody periods while anyone is held (CPL 98).
const CASE_CUSTODY_KINDS: [DeadlineKind; 4] = [
    DeadlineKind::ProsecutionReview,
    DeadlineKind::SupplementaryInvestigation,
    DeadlineKind::FirstInstanceTrial,
    DeadlineKind::SecondInstanceTrial,
];

/// Overruns read from the case's deadlines at `now`: late service (CPL 202, 264; CCL 20), every
/// other overrun, and custody past its period while the person is held (CPL 98, 99).
pub fn deadline_findings(s: &CaseState, cal: &HolidayCalendar, now: DateTime<Utc>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in view::deadlines(s, cal) {
        if !d.overdue(now) {
            continue;
        }
        let when = match d.state {
            ClockState::Met { at } => format!("于{}方才完成，已超期", local(at)),
            _ => "至今未完成".to_string(),
        };
        let who = d.person_name.as_ref().map(|n| format!("（{n}）")).unwrap_or_default();
        let observed = match d.state {
            ClockState::Met { at } => at,
            _ => d.due.expires_at,
        };
        let (rule, basis) = match service_citation(d.kind) {
            Some(c) => (Rule::LateService, basis_of(&[c], "")),
            None => (Rule::DeadlineOverrun, d.basis.clone()),
        };
        let mut f = finding(rule, &s.id, format!("clock:{}", d.clock_id), &d.org, observed, format!("{}{}期限于{}届满，{}", d.label, who, d.due.last_day, when));
        f.basis = basis;
        f.person = d.person;
        out.push(f);

        if d.running() {
            let held: Vec<u32> = if PERSON_CUSTODY_KINDS.contains(&d.kind) {
                d.person.into_iter().filter(|no| s.person(*no).is_some_and(|p| p.custody.in_custody())).collect()
            } else if CASE_CUSTODY_KINDS.contains(&d.kind) {
                s.persons.iter().filter(|p| p.custody.in_custody()).map(|p| p.no).collect()
            } else {
                vec![]
            };
            for no in held {
                let name = s.person(no).map(|p| p.name.clone()).unwrap_or_default();
                let mut f = finding(
                    Rule::CustodyOverrun,
                    &s.id,
                    format!("clock:{}:person:{}", d.clock_id, no),
                    &d.org,
                    d.due.expires_at,
                    format!("{name}仍在押，{}期限已于{}届满，应当予以释放或者变更强制措施", d.label, d.due.last_day),
                );
                f.person = Some(no);
                out.push(f);
            }
        }
    }
    out
}

/// 借用期限: a stage closed and reopened so that its clock starts again.
/// - non-prosecution, then revoked on reconsideration: the review period counts anew (always
///   flagged, for the supervisor to acknowledge when the revocation was genuine);
/// - returned for supplementary investigation and transferred back within the window: no real
///   investigation, only a fresh review period (CPL 175 ¶3);
/// - a detained person released and detained again within the window: the arrest-request clock
///   restarts (CPL 91).
pub fn borrowing_time(events: &[Event], cfg: &Config) -> Vec<Finding> {
    let window = Duration::days(cfg.borrowing_window_days);
    let mut out = Vec::new();
    let mut last_non_prosecution: Option<&Event> = None;
    let mut last_return: Option<&Event> = None;
    let mut last_release: std::collections::BTreeMap<u32, &Event> = Default::default();
    for e in events {
        match &e.action {
            Action::DecideNonProsecution { .. } => last_non_prosecution = Some(e),
            Action::DecideNonProsecutionReconsideration { revoke: true } => {
                if let Some(np) = last_non_prosecution.take() {
                    let days = (e.at - np.at).num_hours() as f64 / 24.0;
                    let mut f = finding(
                        Rule::BorrowingTime,
                        &e.case_id,
                        format!("seq:{}", e.seq),
                        &np.actor.org,
                        e.at,
                        format!("第{}步作出不起诉决定，{:.1}日后撤销并重新审查起诉，审查起诉期限重新计算", np.seq, days),
                    );
                    f.event_seq = Some(e.seq);
                    out.push(f);
                }
            }
            Action::ReturnForInvestigation { .. } => last_return = Some(e),
            Action::TransferForProsecution { .. } => {
                if let Some(r) = last_return.take()
                    && e.at - r.at < window
                {
                    let hours = (e.at - r.at).num_hours();
                    let mut f = finding(
                        Rule::BorrowingTime,
                        &e.case_id,
                        format!("seq:{}", e.seq),
                        &r.actor.org,
                        e.at,
                        format!("第{}步退回补充侦查，仅{}小时后即重新移送审查起诉，审查起诉期限重新计算", r.seq, hours),
                    );
                    f.basis = basis_of(&[cpl(175), cpl(172)], "");
                    f.event_seq = Some(e.seq);
                    out.push(f);
                }
            }
            Action::Release { person, .. } => {
                last_release.insert(*person, e);
            }
            Action::Detain { person } => {
                if let Some(r) = last_release.remove(person)
                    && e.at - r.at < window
                {
                    let mut f = finding(
                        Rule::BorrowingTime,
                        &e.case_id,
                        format!("seq:{}", e.seq),
                        &e.actor.org,
                        e.at,
                        format!("第{}步释放后{}小时内再次刑事拘留，提请批准逮捕期限重新计算", r.seq, (e.at - r.at).num_hours()),
                    );
                    f.basis = basis_of(&[cpl(91)], "");
                    f.event_seq = Some(e.seq);
                    f.person = Some(*person);
                    out.push(f);
                }
            }
            _ => {}
        }
    }
    out
}

/// A third (or later) return recorded in the history — possible only in imported data, since the
/// machine refuses it (CPL 175).
pub fn third_return_in_events(events: &[Event]) -> Vec<Finding> {
    let mut n = 0;
    let mut out = Vec::new();
    for e in events {
        if let Action::ReturnForInvestigation { .. } = e.action {
            n += 1;
            if n > 2 {
                let mut f = finding(Rule::ThirdReturn, &e.case_id, format!("seq:{}", e.seq), &e.actor.org, e.at, format!("第{n}次退回补充侦查"));
                f.event_seq = Some(e.seq);
                out.push(f);
            }
        }
    }
    out
}

/// A command the machine refused, recorded for supervision (the store keeps them outside the
/// refused command's savepoint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedAttempt {
    pub id: u64,
    pub case_id: String,
    pub at: DateTime<Utc>,
    pub actor_user: String,
    pub actor_org: String,
    /// The action's wire name (`return_for_investigation`).
    pub action_kind: String,
    pub refusal_kind: RefusalKind,
    pub message: String,
}

/// An attempted third return, refused by the machine but still an irregularity to supervise.
pub fn third_return_attempt(a: &RefusedAttempt) -> Option<Finding> {
    if a.action_kind != "return_for_investigation" || a.refusal_kind != RefusalKind::LimitReached {
        return None;
    }
    Some(finding(
        Rule::ThirdReturn,
        &a.case_id,
        format!("refusal:{}", a.id),
        &a.actor_org,
        a.at,
        format!("{}试图第三次退回补充侦查，系统已拒绝：{}", a.actor_user, a.message),
    ))
}

/// 无人承办: a case that is neither closed nor in execution, and no organization holds an open
/// task on it — or every holder has no active user (nobody can act).
pub fn unheld(s: &CaseState, tasks: &[Task], dir: Option<&Directory>, now: DateTime<Utc>) -> Option<Finding> {
    if matches!(s.stage, Stage::Closed | Stage::Execution) {
        return None;
    }
    let org = s.holder().unwrap_or(&s.police_org).to_string();
    let message = if tasks.is_empty() {
        format!("案件处于“{}”阶段，但没有任何单位有待办事项", s.stage.label())
    } else if let Some(dir) = dir {
        let staffed = |o: &str| dir.users.values().any(|u| u.active && u.org == o);
        if tasks.iter().any(|t| staffed(&t.org)) {
            return None;
        }
        let orgs: Vec<&str> = tasks.iter().map(|t| t.org.as_str()).collect();
        format!("案件处于“{}”阶段，承办单位（{}）没有在职人员", s.stage.label(), orgs.join("、"))
    } else {
        return None;
    };
    Some(finding(Rule::UnheldCase, &s.id, format!("v{}", s.version), &org, now, message))
}

/// A document replaced or withdrawn after it was sent. The store reports each new version of a
/// sealed legal document as a `DocumentChange` (a decision's document is sent when it is issued).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentChange {
    pub case_id: String,
    pub kind: DocumentKind,
    pub number: String,
    pub org: String,
    /// When the document was sent to another agency or a party (`None`: never sent).
    pub sent_at: Option<DateTime<Utc>>,
    pub changed_at: DateTime<Utc>,
    pub withdrawn: bool,
}

pub fn document_replaced(c: &DocumentChange) -> Option<Finding> {
    let sent = c.sent_at?;
    if c.changed_at <= sent {
        return None;
    }
    let what = if c.withdrawn { "撤回" } else { "替换" };
    Some(finding(
        Rule::DocumentReplaced,
        &c.case_id,
        format!("doc:{}:{}", c.number, c.changed_at.timestamp_micros()),
        &c.org,
        c.changed_at,
        format!("{}（{}）于{}送达后又被{}", c.kind.label(), c.number, local(sent), what),
    ))
}

/// A notification waiting for acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingNotification {
    pub id: u64,
    pub case_id: String,
    pub org: String,
    pub created_at: DateTime<Utc>,
    pub message: String,
}

/// A notification nobody acknowledged within the threshold raises its own alarm.
pub fn unacknowledged(n: &PendingNotification, now: DateTime<Utc>, cfg: &Config) -> Option<Finding> {
    if now - n.created_at < Duration::hours(cfg.notification_ack_hours) {
        return None;
    }
    Some(finding(
        Rule::NotificationUnacknowledged,
        &n.case_id,
        format!("notification:{}", n.id),
        &n.org,
        now,
        format!("督办通知（{}，发出于{}）超过{}小时未签收：{}", n.id, local(n.created_at), cfg.notification_ack_hours, n.message),
    ))
}

/// Every case-level detector over one case at `now`.
pub fn evaluate_case(
    events: &[Event],
    s: &CaseState,
    tasks: &[Task],
    dir: Option<&Directory>,
    cal: &HolidayCalendar,
    now: DateTime<Utc>,
    cfg: &Config,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = events.iter().filter_map(|e| backdating(e, cfg)).collect();
    out.extend(missing_documents(events, &s.documents));
    out.extend(deadline_findings(s, cal, now));
    out.extend(borrowing_time(events, cfg));
    out.extend(third_return_in_events(events));
    out.extend(unheld(s, tasks, dir, now));
    out
}

/// The local date of an instant (re-exported for callers that count days).
pub fn today(now: DateTime<Utc>) -> chrono::NaiveDate {
    local_date(now)
}
