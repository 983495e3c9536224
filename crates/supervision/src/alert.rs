//! Warnings and alarms on running statutory deadlines, and whom they are addressed to.

use crate::config::Config;
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::DeadlineKind;
use domain::period::{local_date, Period};
use domain::view::Deadline;
use domain::{AgencyKind, CaseState, Directory, Event, HolidayCalendar};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    /// 预警: the deadline is near (a configurable number of working days).
    Warning,
    /// 超期告警: the deadline has passed.
    Alarm,
}

impl AlertLevel {
    pub fn code(self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Alarm => "alarm",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [AlertLevel::Warning, AlertLevel::Alarm].into_iter().find(|l| l.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            AlertLevel::Warning => "期限预警",
            AlertLevel::Alarm => "超期告警",
        }
    }
}

/// A warning or alarm on one deadline. Keyed by `(case_id, clock_id, level, last_day)`: an
/// extension moves the last day and so warns again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub case_id: String,
    pub clock_id: u32,
    pub kind: DeadlineKind,
    pub level: AlertLevel,
    pub org: String,
    pub person: Option<u32>,
    pub last_day: NaiveDate,
    pub expires_at: DateTime<Utc>,
    /// Working days left after today up to the last day (0 on the last day and after).
    pub working_days_left: i64,
    pub custody: bool,
    pub message: String,
    pub basis: String,
}

/// The alerts due at `now` over a case's deadlines. Windows of a party (the appeal window) and
/// clocks no longer running raise none.
pub fn alerts(deadlines: &[Deadline], now: DateTime<Utc>, cal: &HolidayCalendar, cfg: &Config) -> Vec<Alert> {
    let today = local_date(now);
    let mut out = Vec::new();
    for d in deadlines {
        if !d.running() || d.kind.is_window() {
            continue;
        }
        let left = cal.working_days_between(today, d.due.last_day);
        // Hour periods (24-hour interrogation) are shorter than any warning in working days: they
        // only alarm.
        let hours_only = d.periods.iter().all(|p| matches!(p, Period::Hours(_)));
        let level = if now >= d.due.expires_at {
            AlertLevel::Alarm
        } else if left <= cfg.warning_working_days as i64 && !hours_only {
            AlertLevel::Warning
        } else {
            continue;
        };
        let who = d.person_name.as_ref().map(|n| format!("（{n}）")).unwrap_or_default();
        let custody = if d.custody { "，当事人在押" } else { "" };
        let message = match level {
            AlertLevel::Alarm => format!("{}{}已于{}届满，至今未完成{}", d.label, who, d.due.last_day, custody),
            AlertLevel::Warning => format!("{}{}将于{}届满，剩余{}个工作日{}", d.label, who, d.due.last_day, left, custody),
        };
        out.push(Alert {
            case_id: d.case_id.clone(),
            clock_id: d.clock_id,
            kind: d.kind,
            level,
            org: d.org.clone(),
            person: d.person,
            last_day: d.due.last_day,
            expires_at: d.due.expires_at,
            working_days_left: left,
            custody: d.custody,
            message,
            basis: d.basis.clone(),
        });
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// 承办人: the person handling the case in the responsible organization.
    Handler,
    /// 单位领导: the responsible organization's leadership.
    Leadership,
    /// 政法委: the supervising committee.
    Committee,
}

impl Audience {
    pub fn code(self) -> &'static str {
        match self {
            Audience::Handler => "handler",
            Audience::Leadership => "leadership",
            Audience::Committee => "committee",
        }
    }
}

/// One addressee of a notification: an organization, and a person in it when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub org: String,
    pub user: Option<String>,
    pub audience: Audience,
}

/// The handler of a case in `org`: the assigned judge for the court, otherwise the last person of
/// `org` who acted on the case.
pub fn handler_of(s: &CaseState, events: &[Event], org: &str) -> Option<String> {
    if s.court_org.as_deref() == Some(org)
        && let Some(j) = &s.judge
    {
        return Some(j.clone());
    }
    events.iter().rev().find(|e| e.actor.org == org).map(|e| e.actor.user.clone())
}

/// The committees supervising `org`: the committee of the same jurisdiction, else the nearest one
/// whose jurisdiction contains it (longest prefix), else every city-level committee.
pub fn committees_over(dir: &Directory, org: &str) -> Vec<String> {
    let committees: Vec<_> = dir.orgs.values().filter(|o| o.kind == AgencyKind::Committee).collect();
    let Some(o) = dir.org(org) else {
        return committees.iter().map(|c| c.id.clone()).collect();
    };
    if o.kind == AgencyKind::Committee {
        return vec![o.id.clone()];
    }
    let best = committees
        .iter()
        .filter(|c| o.jurisdiction.starts_with(&c.jurisdiction))
        .map(|c| c.jurisdiction.len())
        .max();
    match best {
        Some(len) => committees.iter().filter(|c| c.jurisdiction.len() == len && o.jurisdiction.starts_with(&c.jurisdiction)).map(|c| c.id.clone()).collect(),
        None => committees.iter().filter(|c| c.level == domain::Level::City).map(|c| c.id.clone()).collect(),
    }
}

/// Who is told about something `org` is responsible for: its handler (when known), its
/// leadership, and the supervising committee.
pub fn recipients(org: &str, handler: Option<&str>, dir: &Directory) -> Vec<Recipient> {
    let mut out = Vec::new();
    if let Some(h) = handler {
        out.push(Recipient { org: org.to_string(), user: Some(h.to_string()), audience: Audience::Handler });
    }
    out.push(Recipient { org: org.to_string(), user: None, audience: Audience::Leadership });
    for c in committees_over(dir, org) {
        if c != org {
            out.push(Recipient { org: c, user: None, audience: Audience::Committee });
        }
    }
    out
}
