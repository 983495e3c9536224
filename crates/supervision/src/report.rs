//! Supervision reports: per organization (or all) and period — cases handled, each stage's
//! duration (mean and distribution), the on-time rate, irregularities by rule — and CSV.

use crate::rule::Rule;
use chrono::{DateTime, Utc};
use domain::case::ClockState;
use domain::view;
use domain::{Action, CaseState, Event, HolidayCalendar};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// 审查批准逮捕: request → approval or refusal, per person.
    ArrestReview,
    /// 审查起诉: transfer (or reopening) → indictment, non-prosecution or return.
    ProsecutionReview,
    /// 一审审理: acceptance → judgment.
    Trial,
}

impl StageKind {
    pub const ALL: [StageKind; 3] = [StageKind::ArrestReview, StageKind::ProsecutionReview, StageKind::Trial];
    pub fn code(self) -> &'static str {
        match self {
            StageKind::ArrestReview => "arrest_review",
            StageKind::ProsecutionReview => "prosecution_review",
            StageKind::Trial => "trial",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            StageKind::ArrestReview => "审查批准逮捕",
            StageKind::ProsecutionReview => "审查起诉",
            StageKind::Trial => "一审审理",
        }
    }
}

/// One completed spell of a stage, attributed to the organization that ended it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spell {
    pub stage: StageKind,
    pub case_id: String,
    pub org: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
}

impl Spell {
    pub fn days(&self) -> f64 {
        (self.ended_at - self.started_at).num_seconds() as f64 / 86_400.0
    }
}

/// The completed spells in a case's history.
pub fn spells(events: &[Event]) -> Vec<Spell> {
    let mut out = Vec::new();
    let mut arrest: BTreeMap<u32, DateTime<Utc>> = BTreeMap::new();
    let mut review: Option<DateTime<Utc>> = None;
    let mut trial: Option<DateTime<Utc>> = None;
    let mut push = |stage, e: &Event, start| {
        out.push(Spell { stage, case_id: e.case_id.clone(), org: e.actor.org.clone(), started_at: start, ended_at: e.at })
    };
    for e in events {
        match &e.action {
            Action::RequestArrest { person } => {
                arrest.insert(*person, e.at);
            }
            Action::ApproveArrest { person } | Action::RefuseArrest { person, .. } => {
                if let Some(start) = arrest.remove(person) {
                    push(StageKind::ArrestReview, e, start);
                }
            }
            Action::TransferForProsecution { .. } | Action::DecideNonProsecutionReconsideration { revoke: true } => {
                review = Some(e.at);
            }
            Action::Indict { .. } | Action::DecideNonProsecution { .. } | Action::ReturnForInvestigation { .. } => {
                if let Some(start) = review.take() {
                    push(StageKind::ProsecutionReview, e, start);
                }
            }
            Action::AcceptTrial { .. } => trial = Some(e.at),
            Action::PronounceJudgment { .. } => {
                if let Some(start) = trial.take() {
                    push(StageKind::Trial, e, start);
                }
            }
            _ => {}
        }
    }
    out
}

/// Duration buckets in days: `[0,1) [1,3) [3,7) [7,15) [15,30) [30,60) [60,∞)`.
pub const BUCKETS: [(f64, &str); 7] = [(1.0, "0-1"), (3.0, "1-3"), (7.0, "3-7"), (15.0, "7-15"), (30.0, "15-30"), (60.0, "30-60"), (f64::INFINITY, "60+")];

pub fn bucket_of(days: f64) -> usize {
    BUCKETS.iter().position(|(hi, _)| days < *hi).unwrap_or(BUCKETS.len() - 1)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageStats {
    pub stage: StageKind,
    pub label: String,
    pub count: u64,
    pub mean_days: Option<f64>,
    pub min_days: Option<f64>,
    pub max_days: Option<f64>,
    /// Counts per bucket of `BUCKETS`.
    pub distribution: Vec<u64>,
}

/// Which organization (or all) and which period `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub org: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Scope {
    fn org_ok(&self, org: &str) -> bool {
        self.org.as_deref().is_none_or(|o| o == org)
    }
    fn in_period(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub scope: Scope,
    /// Cases on which the organization acted in the period.
    pub cases_handled: u64,
    /// Deadlines of the organization concluded in the period: met, or expired unmet.
    pub deadlines_concluded: u64,
    pub deadlines_on_time: u64,
    pub on_time_rate: Option<f64>,
    pub stages: Vec<StageStats>,
    /// Findings in the period by rule (every rule listed, zeros included).
    pub irregularities: Vec<(Rule, u64)>,
}

/// A recorded finding, as far as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingFact {
    pub rule: Rule,
    pub org: String,
    pub at: DateTime<Utc>,
}

/// The report over the given cases (each: its events and its current state) and findings.
pub fn report(cases: &[(Vec<Event>, CaseState)], findings: &[FindingFact], scope: &Scope, cal: &HolidayCalendar, now: DateTime<Utc>) -> Report {
    let mut handled = BTreeSet::new();
    let mut by_stage: BTreeMap<StageKind, Vec<f64>> = BTreeMap::new();
    let (mut concluded, mut on_time) = (0u64, 0u64);
    for (events, state) in cases {
        if events.iter().any(|e| scope.org_ok(&e.actor.org) && scope.in_period(e.at)) {
            handled.insert(state.id.clone());
        }
        for sp in spells(events) {
            if scope.org_ok(&sp.org) && scope.in_period(sp.ended_at) {
                by_stage.entry(sp.stage).or_default().push(sp.days());
            }
        }
        for d in view::deadlines(state, cal) {
            if d.kind.is_window() || !scope.org_ok(&d.org) {
                continue;
            }
            match d.state {
                ClockState::Met { at } if scope.in_period(at) => {
                    concluded += 1;
                    if at < d.due.expires_at {
                        on_time += 1;
                    }
                }
                ClockState::Running if scope.in_period(d.due.expires_at) && d.due.expires_at <= now => concluded += 1,
                _ => {}
            }
        }
    }
    let stages = StageKind::ALL
        .into_iter()
        .map(|k| {
            let v = by_stage.remove(&k).unwrap_or_default();
            let mut distribution = vec![0; BUCKETS.len()];
            for d in &v {
                distribution[bucket_of(*d)] += 1;
            }
            let n = v.len();
            StageStats {
                stage: k,
                label: k.label().to_string(),
                count: n as u64,
                mean_days: (n > 0).then(|| v.iter().sum::<f64>() / n as f64),
                min_days: v.iter().copied().reduce(f64::min),
                max_days: v.iter().copied().reduce(f64::max),
                distribution,
            }
        })
        .collect();
    let irregularities = Rule::ALL
        .into_iter()
        .map(|r| (r, findings.iter().filter(|f| f.rule == r && scope.org_ok(&f.org) && scope.in_period(f.at)).count() as u64))
        .collect();
    Report {
        scope: scope.clone(),
        cases_handled: handled.len() as u64,
        deadlines_concluded: concluded,
        deadlines_on_time: on_time,
        on_time_rate: (concluded > 0).then(|| on_time as f64 / concluded as f64),
        stages,
        irregularities,
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_default()
}

/// The report as CSV in long form: `org,from,to,section,key,label,value`.
pub fn to_csv(r: &Report) -> String {
    let org = r.scope.org.clone().unwrap_or_else(|| "all".into());
    let (from, to) = (r.scope.from.to_rfc3339(), r.scope.to.to_rfc3339());
    let mut out = String::from("org,from,to,section,key,label,value\n");
    let mut row = |section: &str, key: &str, label: &str, value: String| {
        out.push_str(&[csv_field(&org), from.clone(), to.clone(), section.into(), csv_field(key), csv_field(label), value].join(","));
        out.push('\n');
    };
    row("summary", "cases_handled", "办理案件数", r.cases_handled.to_string());
    row("summary", "deadlines_concluded", "届满或完成的期限数", r.deadlines_concluded.to_string());
    row("summary", "deadlines_on_time", "按期完成数", r.deadlines_on_time.to_string());
    row("summary", "on_time_rate", "按期率", num(r.on_time_rate));
    for s in &r.stages {
        let k = s.stage.code();
        row("stage", &format!("{k}.count"), &format!("{}：件数", s.label), s.count.to_string());
        row("stage", &format!("{k}.mean_days"), &format!("{}：平均天数", s.label), num(s.mean_days));
        row("stage", &format!("{k}.min_days"), &format!("{}：最短天数", s.label), num(s.min_days));
        row("stage", &format!("{k}.max_days"), &format!("{}：最长天数", s.label), num(s.max_days));
        for (i, (_, b)) in BUCKETS.iter().enumerate() {
            row("stage", &format!("{k}.days_{b}"), &format!("{}：{b}日", s.label), s.distribution[i].to_string());
        }
    }
    for (rule, n) in &r.irregularities {
        row("irregularity", rule.code(), rule.label(), n.to_string());
    }
    out
}
