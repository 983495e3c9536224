//! Read models derived from a case state: its deadlines with due dates, and the open tasks that
//! put it in an organization's inbox. These are what the store's projections hold.

use crate::calendar::HolidayCalendar;
use crate::case::{ArrestReview, CaseState, ClockState, DeadlineKind, Execution, Stage};
use crate::cite::Citation;
use crate::machine::clock_due;
use crate::period::{Due, Period};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A statutory deadline as users see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub case_id: String,
    pub clock_id: u32,
    pub kind: DeadlineKind,
    pub label: String,
    pub person: Option<u32>,
    pub person_name: Option<String>,
    pub org: String,
    pub started_at: DateTime<Utc>,
    pub periods: Vec<Period>,
    pub period_label: String,
    pub citations: Vec<Citation>,
    /// `依据《刑事诉讼法》第九十一条` (all articles behind the period and its extensions).
    pub basis: String,
    pub custody: bool,
    pub due: Due,
    pub state: ClockState,
}

impl Deadline {
    pub fn running(&self) -> bool {
        self.state == ClockState::Running
    }
    /// Overrun: running past its expiry, or met after it. Windows (the appeal window) are never
    /// overrun.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        if self.kind.is_window() {
            return false;
        }
        match self.state {
            ClockState::Running => now >= self.due.expires_at,
            ClockState::Met { at } => at >= self.due.expires_at,
            ClockState::Stopped { .. } => false,
        }
    }
}

/// Every deadline of the case, due dates computed with the calendar.
pub fn deadlines(s: &CaseState, cal: &HolidayCalendar) -> Vec<Deadline> {
    s.clocks
        .iter()
        .map(|c| {
            let due = clock_due(s, c, cal);
            let custody = match c.person {
                Some(no) => s.person(no).is_some_and(|p| p.custody.in_custody()),
                None => s.anyone_in_custody(),
            };
            let mut cites = c.citations.clone();
            cites.dedup();
            let basis = format!("依据{}", cites.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("、"));
            Deadline {
                case_id: s.id.clone(),
                clock_id: c.id,
                kind: c.kind,
                label: c.kind.label().to_string(),
                person: c.person,
                person_name: c.person.and_then(|n| s.person(n)).map(|p| p.name.clone()),
                org: c.org.clone(),
                started_at: c.started_at,
                period_label: c.periods.iter().map(|p| p.label()).collect::<Vec<_>>().join("+"),
                periods: c.periods.clone(),
                citations: c.citations.clone(),
                basis,
                custody,
                due,
                state: c.state.clone(),
            }
        })
        .collect()
}

/// Something an organization owes on a case: what puts the case in its inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub case_id: String,
    pub org: String,
    pub kind: String,
    pub label: String,
    pub person: Option<u32>,
    /// Whether it came from another agency (a transfer or a request), not the agency's own work.
    pub incoming: bool,
}

/// The open tasks of a case.
pub fn tasks(s: &CaseState) -> Vec<Task> {
    let mut out = Vec::new();
    let mut push = |org: &Option<String>, kind: &str, label: String, person: Option<u32>, incoming: bool| {
        if let Some(org) = org {
            out.push(Task { case_id: s.id.clone(), org: org.clone(), kind: kind.into(), label, person, incoming });
        }
    };
    let police = Some(s.police_org.clone());
    match s.stage {
        Stage::Investigation => push(&police, "investigate", "侦查".into(), None, false),
        Stage::SupplementaryInvestigation => push(&police, "supplementary_investigation", "补充侦查".into(), None, true),
        Stage::ProsecutionReview => push(&s.procuratorate_org, "prosecution_review", "审查起诉".into(), None, true),
        Stage::FirstInstance if !s.trial_accepted => push(&s.court_org, "accept_trial", "受理公诉案件".into(), None, true),
        Stage::FirstInstance => push(&s.court_org, "first_instance", "一审审理".into(), None, false),
        Stage::AppealWindow if s.judgment_served_at.is_none() => {
            push(&s.court_org, "serve_judgment", "送达判决书".into(), None, false)
        }
        Stage::AppealWindow => push(&s.court_org, "await_effect", "上诉期届满后确认生效".into(), None, false),
        Stage::SecondInstance if !s.second_instance_accepted => {
            push(&s.appeal_court_org, "accept_second_instance", "受理二审案件".into(), None, true)
        }
        Stage::SecondInstance => push(&s.appeal_court_org, "second_instance", "二审审理".into(), None, false),
        Stage::AwaitingExecution => push(&s.court_org, "hand_over", "交付执行".into(), None, false),
        Stage::Closed if s.non_prosecution_reconsideration => {
            push(&s.procuratorate_org, "non_prosecution_reconsideration", "不起诉复议".into(), None, true)
        }
        Stage::Execution | Stage::Closed => {}
    }
    for p in &s.persons {
        match p.arrest {
            ArrestReview::Requested => push(&s.procuratorate_org, "arrest_review", format!("审查批准逮捕：{}", p.name), Some(p.no), true),
            ArrestReview::ReconsiderationRequested => {
                push(&s.procuratorate_org, "reconsideration", format!("复议不批准逮捕决定：{}", p.name), Some(p.no), true)
            }
            ArrestReview::ReviewRequested => push(&s.review_org, "review", format!("复核不批准逮捕决定：{}", p.name), Some(p.no), true),
            _ => {}
        }
        if let Some(Execution::CommunityCorrection { org, reported_at: None, .. }) = &p.execution {
            push(&Some(org.clone()), "correction_report", format!("社区矫正报到：{}", p.name), Some(p.no), true);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_are_never_overdue() {
        assert!(super::DeadlineKind::AppealWindow.is_window());
        assert!(!super::DeadlineKind::ArrestReview.is_window());
    }
}
