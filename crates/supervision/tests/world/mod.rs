//! A small directory (one city, one district, five agencies each) and a case driven through
//! `domain::machine::decide`, for building event sequences by hand.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::action::PersonInput;
use domain::case::{Procedure, Sentence, Verdict};
use domain::machine;
use domain::{Action, Actor, AgencyKind, CaseState, Directory, Event, HolidayCalendar, Level, Organization, Role, User};

pub fn at(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    domain::period::china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

pub fn directory() -> Directory {
    let mut dir = Directory::default();
    for (kind, code) in [
        (AgencyKind::Committee, "committee"),
        (AgencyKind::Police, "police"),
        (AgencyKind::Procuratorate, "proc"),
        (AgencyKind::Court, "court"),
        (AgencyKind::JusticeBureau, "justice"),
    ] {
        for (prefix, level, jur, parent) in [("city", Level::City, "3301", None), ("d1", Level::County, "330101", Some(format!("city-{code}")))] {
            if kind == AgencyKind::Committee && prefix == "d1" {
                continue;
            }
            let o = Organization { id: format!("{prefix}-{code}"), name: format!("{prefix}{}", kind.label()), kind, level, jurisdiction: jur.into(), parent };
            dir.orgs.insert(o.id.clone(), o);
        }
    }
    for (id, org, role) in [
        ("officer", "d1-police", Role::Officer),
        ("prosecutor", "d1-proc", Role::Prosecutor),
        ("judge", "d1-court", Role::Judge),
        ("clerk", "d1-court", Role::Clerk),
        ("corrector", "d1-justice", Role::CorrectionOfficer),
        ("supervisor", "city-committee", Role::Supervisor),
    ] {
        dir.users.insert(id.into(), User { id: id.into(), username: id.into(), name: id.into(), org: org.into(), role, active: true });
    }
    dir
}

pub struct Case {
    pub dir: Directory,
    pub cal: HolidayCalendar,
    pub state: Option<CaseState>,
    pub events: Vec<Event>,
}

impl Case {
    pub fn new() -> Self {
        Self { dir: directory(), cal: HolidayCalendar::builtin(), state: None, events: vec![] }
    }

    fn actor(&self, user: &str) -> Actor {
        let u = self.dir.user(user).unwrap();
        let o = self.dir.org(&u.org).unwrap();
        Actor { user: u.id.clone(), name: u.name.clone(), org: o.id.clone(), agency: o.kind, role: u.role }
    }

    pub fn try_act(&mut self, user: &str, action: Action, when: &str, claimed: Option<&str>) -> Result<&Event, domain::Refusal> {
        let (e, next) = machine::decide("LB-2025-000001", self.state.as_ref(), action, self.actor(user), at(when), claimed.map(at), &self.dir, &self.cal)?;
        self.state = Some(next);
        self.events.push(e);
        Ok(self.events.last().unwrap())
    }

    pub fn act(&mut self, user: &str, action: Action, when: &str) -> &mut Self {
        if let Err(r) = self.try_act(user, action.clone(), when, None) {
            panic!("{action:?} at {when} refused: {r}");
        }
        self
    }

    pub fn state(&self) -> &CaseState {
        self.state.as_ref().unwrap()
    }

    /// Registered on 2025-09-01 with one suspect.
    pub fn registered() -> Self {
        let mut c = Self::new();
        c.act(
            "officer",
            Action::Register {
                title: "张三盗窃案".into(),
                facts: "盗窃电动车一辆".into(),
                charges: vec!["盗窃".into()],
                persons: vec![PersonInput { name: "张三".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
            },
            "2025-09-01 09:00",
        );
        c
    }

    /// Registered, detained, interrogated, transferred for prosecution on 2025-09-03.
    pub fn in_review() -> Self {
        let mut c = Self::registered();
        c.act("officer", Action::Detain { person: 1 }, "2025-09-01 10:00")
            .act("officer", Action::Interrogate { person: 1 }, "2025-09-01 12:00")
            .act("officer", Action::Release { person: 1, reason: "取保候审".into() }, "2025-09-02 10:00")
            .act("officer", Action::TransferForProsecution { confession_and_acceptance: false }, "2025-09-03 10:00");
        c
    }

    /// Through indictment, acceptance and judgment (pronounced 2025-10-20), not yet served.
    pub fn judged() -> Self {
        let mut c = Self::in_review();
        c.act("prosecutor", Action::Indict { confession_and_acceptance: false, sentencing_proposal: None }, "2025-09-20 10:00")
            .act("judge", Action::AcceptTrial { procedure: Procedure::Ordinary, judge: Some("judge".into()) }, "2025-09-22 10:00")
            .act("judge", Action::ScheduleHearing { at: at("2025-10-15 09:00") }, "2025-09-23 10:00")
            .act(
                "judge",
                Action::PronounceJudgment {
                    verdicts: vec![domain::action::PersonVerdict {
                        person: 1,
                        verdict: Verdict::Convicted { charges: vec!["盗窃".into()], sentence: Sentence::Prison { months: 12 } },
                    }],
                },
                "2025-10-20 10:00",
            );
        c
    }
}

pub fn plus_days(t: DateTime<Utc>, d: i64) -> DateTime<Utc> {
    t + Duration::days(d)
}
