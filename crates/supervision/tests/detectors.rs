//! Every detector, table-driven, with positive and negative cases over event sequences built
//! with `domain::machine::decide`.

mod world;

use domain::action::NonProsecutionBasis;
use domain::view;
use domain::{Action, RefusalKind};
use supervision::detect::{self, DocumentChange, PendingNotification, RefusedAttempt};
use supervision::{alerts, AlertLevel, Audience, Config, Rule};
use world::{at, Case};

fn rules(fs: &[supervision::Finding]) -> Vec<(Rule, String)> {
    fs.iter().map(|f| (f.rule, f.key.clone())).collect()
}

#[test]
fn backdating_fires_beyond_the_tolerance_only() {
    // (claimed time, server time, fires)
    let table = [
        (None, "2025-09-01 10:00", false),
        (Some("2025-09-01 09:55"), "2025-09-01 10:00", false),
        (Some("2025-09-01 09:50"), "2025-09-01 10:00", false),
        (Some("2025-09-01 09:49"), "2025-09-01 10:00", true),
        (Some("2025-08-30 10:00"), "2025-09-01 10:00", true),
        (Some("2025-09-01 11:00"), "2025-09-01 10:00", false),
    ];
    for (claimed, server, fires) in table {
        let mut c = Case::registered();
        let e = c.try_act("officer", Action::Detain { person: 1 }, server, claimed).unwrap().clone();
        let f = detect::backdating(&e, &Config::default());
        assert_eq!(f.is_some(), fires, "claimed {claimed:?} at {server}");
        if let Some(f) = f {
            assert_eq!((f.rule, f.key.as_str(), f.org.as_str(), f.event_seq), (Rule::Backdating, "seq:2", "d1-police", Some(2)));
        }
    }
}

#[test]
fn missing_document_fires_when_a_decision_lacks_its_document() {
    let c = Case::in_review();
    let all = c.state().documents.clone();
    // (documents the history comes with, expected keys)
    let mut without_detention = all.clone();
    without_detention.retain(|d| d.event_seq != 2);
    let mut wrong_kind = all.clone();
    wrong_kind.iter_mut().filter(|d| d.event_seq == 5).for_each(|d| d.kind = domain::action::DocumentKind::Indictment);
    let mut wrong_org = all.clone();
    wrong_org.iter_mut().filter(|d| d.event_seq == 1).for_each(|d| d.org = "d1-proc".into());
    let table: Vec<(Vec<domain::case::IssuedDocument>, Vec<&str>)> = vec![
        (all.clone(), vec![]),
        (without_detention, vec!["seq:2"]),
        (wrong_kind, vec!["seq:5"]),
        (wrong_org, vec!["seq:1"]),
        // Interrogation (seq 3) issues no document: only the four decisions are missing.
        (vec![], vec!["seq:1", "seq:2", "seq:4", "seq:5"]),
    ];
    for (docs, want) in table {
        let got: Vec<String> = detect::missing_documents(&c.events, &docs).into_iter().map(|f| f.key).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn late_service_of_the_judgment_cites_cpl_202() {
    // (served at, evaluated at, late)
    let table = [
        (Some("2025-10-22 10:00"), "2025-11-30 10:00", false),
        (Some("2025-10-25 23:00"), "2025-11-30 10:00", false),
        // Five days end on Saturday 2025-10-25; nobody is held, so the period runs to Monday (CPL 105).
        (Some("2025-10-27 09:00"), "2025-11-30 10:00", false),
        (Some("2025-10-28 09:00"), "2025-11-30 10:00", true),
        (None, "2025-10-27 10:00", false),
        (None, "2025-10-28 10:00", true),
    ];
    for (served, now, late) in table {
        let mut c = Case::judged();
        if let Some(s) = served {
            c.act("clerk", Action::ServeJudgment, s);
        }
        let fs: Vec<_> = detect::deadline_findings(c.state(), &c.cal, at(now)).into_iter().filter(|f| f.rule == Rule::LateService).collect();
        assert_eq!(fs.len(), late as usize, "served {served:?}, now {now}");
        if let Some(f) = fs.first() {
            assert_eq!(f.org, "d1-court");
            assert!(f.basis.contains("第二百零二条"), "{}", f.basis);
        }
    }
}

#[test]
fn late_hand_over_for_execution_cites_cpl_264() {
    let mut c = Case::judged();
    c.act("clerk", Action::ServeJudgment, "2025-10-21 10:00").act("clerk", Action::TakeEffect, "2025-11-03 10:00");
    let fs = detect::deadline_findings(c.state(), &c.cal, at("2025-11-20 10:00"));
    let late: Vec<_> = fs.iter().filter(|f| f.rule == Rule::LateService).collect();
    assert_eq!(late.len(), 1);
    assert!(late[0].basis.contains("第二百六十四条"));
    assert!(detect::deadline_findings(c.state(), &c.cal, at("2025-11-10 10:00")).is_empty());
}

#[test]
fn overrun_of_the_review_period_is_calendar_aware() {
    // Transferred 2025-09-03, the suspect on bail: one month ends 2025-10-03, a holiday, so the
    // period runs to the first working day after the National Day holiday (CPL 105).
    let c = Case::in_review();
    let review = view::deadlines(c.state(), &c.cal).into_iter().find(|d| d.kind == domain::case::DeadlineKind::ProsecutionReview).unwrap();
    assert_eq!(review.due.last_day.to_string(), "2025-10-09");
    let table = [("2025-10-03 12:00", false), ("2025-10-09 23:00", false), ("2025-10-10 00:01", true)];
    for (now, fires) in table {
        let fs = detect::deadline_findings(c.state(), &c.cal, at(now));
        let keys = rules(&fs);
        assert_eq!(keys.contains(&(Rule::DeadlineOverrun, format!("clock:{}", review.clock_id))), fires, "{now}: {keys:?}");
        // Nobody is in custody: never a custody overrun.
        assert!(fs.iter().all(|f| f.rule != Rule::CustodyOverrun));
    }
}

#[test]
fn custody_overrun_fires_only_while_the_person_is_held() {
    // Detained 2025-09-01 10:00, never interrogated nor brought for arrest approval.
    let mut held = Case::registered();
    held.act("officer", Action::Detain { person: 1 }, "2025-09-01 10:00");
    let mut released = Case::registered();
    released
        .act("officer", Action::Detain { person: 1 }, "2025-09-01 10:00")
        .act("officer", Action::Release { person: 1, reason: "取保候审".into() }, "2025-09-02 09:00");
    let table = [(&held, "2025-09-03 12:00", false), (&held, "2025-09-05 12:00", true), (&released, "2025-09-05 12:00", false)];
    for (c, now, fires) in table {
        let fs = detect::deadline_findings(c.state(), &c.cal, at(now));
        let custody: Vec<_> = fs.iter().filter(|f| f.rule == Rule::CustodyOverrun).collect();
        assert_eq!(!custody.is_empty(), fires, "{now}: {:?}", rules(&fs));
        for f in custody {
            assert_eq!(f.person, Some(1));
            assert!(f.basis.contains("第九十八条"));
        }
    }
}

#[test]
fn borrowing_time_patterns() {
    let cfg = Config::default();
    // Returned and transferred back: within the window is borrowing, after real work is not.
    for (back_at, fires) in [("2025-09-10 16:00", true), ("2025-09-25 10:00", false)] {
        let mut c = Case::in_review();
        c.act("prosecutor", Action::ReturnForInvestigation { reason: "补充证据".into() }, "2025-09-10 10:00")
            .act("officer", Action::TransferForProsecution { confession_and_acceptance: false }, back_at);
        let fs = detect::borrowing_time(&c.events, &cfg);
        assert_eq!(fs.len(), fires as usize, "{back_at}");
        if let Some(f) = fs.first() {
            assert_eq!((f.key.as_str(), f.org.as_str()), ("seq:7", "d1-proc"));
        }
    }
    // Non-prosecution then revoked: the review period restarts.
    for (revoke, fires) in [(true, true), (false, false)] {
        let mut c = Case::in_review();
        c.act("prosecutor", Action::DecideNonProsecution { basis: NonProsecutionBasis::Discretionary, reason: "情节轻微".into() }, "2025-09-30 10:00")
            .act("officer", Action::RequestNonProsecutionReconsideration, "2025-10-09 10:00")
            .act("prosecutor", Action::DecideNonProsecutionReconsideration { revoke }, "2025-10-10 10:00");
        assert_eq!(detect::borrowing_time(&c.events, &cfg).len(), fires as usize, "revoke {revoke}");
    }
    // Released and detained again to restart the arrest-request clock.
    for (again, fires) in [("2025-09-02 11:00", true), ("2025-09-20 10:00", false)] {
        let mut c = Case::registered();
        c.act("officer", Action::Detain { person: 1 }, "2025-09-01 10:00")
            .act("officer", Action::Release { person: 1, reason: "取保候审".into() }, "2025-09-02 10:00")
            .act("officer", Action::Detain { person: 1 }, again);
        let fs = detect::borrowing_time(&c.events, &cfg);
        assert_eq!(fs.len(), fires as usize, "{again}");
    }
    // A plain history borrows nothing.
    assert!(detect::borrowing_time(&Case::judged().events, &cfg).is_empty());
}

#[test]
fn third_return_from_refused_attempts_and_from_imported_histories() {
    let mut c = Case::in_review();
    c.act("prosecutor", Action::ReturnForInvestigation { reason: "一".into() }, "2025-09-10 10:00")
        .act("officer", Action::TransferForProsecution { confession_and_acceptance: false }, "2025-09-20 10:00")
        .act("prosecutor", Action::ReturnForInvestigation { reason: "二".into() }, "2025-09-25 10:00")
        .act("officer", Action::TransferForProsecution { confession_and_acceptance: false }, "2025-10-20 10:00");
    let refusal = c.try_act("prosecutor", Action::ReturnForInvestigation { reason: "三".into() }, "2025-10-22 10:00", None).unwrap_err();
    assert_eq!(refusal.kind, RefusalKind::LimitReached);
    let attempt = |kind: &str, rk: RefusalKind| RefusedAttempt {
        id: 7,
        case_id: "LB-2025-000001".into(),
        at: at("2025-10-22 10:00"),
        actor_user: "prosecutor".into(),
        actor_org: "d1-proc".into(),
        action_kind: kind.into(),
        refusal_kind: rk,
        message: refusal.text(),
    };
    let table = [
        (attempt("return_for_investigation", RefusalKind::LimitReached), true),
        (attempt("return_for_investigation", RefusalKind::WrongStage), false),
        (attempt("indict", RefusalKind::LimitReached), false),
    ];
    for (a, fires) in table {
        let f = detect::third_return_attempt(&a);
        assert_eq!(f.is_some(), fires, "{a:?}");
        if let Some(f) = f {
            assert_eq!((f.key.as_str(), f.org.as_str()), ("refusal:7", "d1-proc"));
            assert!(f.basis.contains("第一百七十五条"));
        }
    }
    // Two returns are lawful; an imported history with a third is not.
    assert!(detect::third_return_in_events(&c.events).is_empty());
    let mut imported = c.events.clone();
    let mut third = imported.iter().rfind(|e| matches!(e.action, Action::ReturnForInvestigation { .. })).unwrap().clone();
    third.seq = imported.len() as u64 + 1;
    imported.push(third);
    assert_eq!(rules(&detect::third_return_in_events(&imported)), vec![(Rule::ThirdReturn, format!("seq:{}", imported.len()))]);
}

#[test]
fn unheld_cases() {
    let c = Case::in_review();
    let s = c.state();
    let tasks = view::tasks(s);
    let now = at("2025-09-05 10:00");
    let mut unstaffed = c.dir.clone();
    unstaffed.users.values_mut().filter(|u| u.org == "d1-proc").for_each(|u| u.active = false);
    let mut closed = s.clone();
    closed.stage = domain::Stage::Closed;
    // (state, tasks, directory, fires)
    let table = [
        (s, tasks.clone(), Some(&c.dir), false),
        (s, tasks.clone(), None, false),
        (s, vec![], Some(&c.dir), true),
        (s, tasks.clone(), Some(&unstaffed), true),
        (&closed, vec![], Some(&c.dir), false),
    ];
    for (i, (state, tasks, dir, fires)) in table.into_iter().enumerate() {
        let f = detect::unheld(state, &tasks, dir, now);
        assert_eq!(f.is_some(), fires, "row {i}");
        if let Some(f) = f {
            assert_eq!((f.org.as_str(), f.key.as_str()), ("d1-proc", "v5"));
        }
    }
}

#[test]
fn document_replaced_after_it_was_sent() {
    let change = |sent: Option<&str>, changed: &str, withdrawn| DocumentChange {
        case_id: "LB-2025-000001".into(),
        kind: domain::action::DocumentKind::Indictment,
        number: "诉字〔2025〕000001-7号".into(),
        org: "d1-proc".into(),
        sent_at: sent.map(at),
        changed_at: at(changed),
        withdrawn,
    };
    let table = [
        (change(Some("2025-09-20 10:00"), "2025-09-21 10:00", false), true),
        (change(Some("2025-09-20 10:00"), "2025-09-21 10:00", true), true),
        (change(Some("2025-09-20 10:00"), "2025-09-19 10:00", false), false),
        (change(None, "2025-09-21 10:00", false), false),
    ];
    for (c, fires) in table {
        assert_eq!(detect::document_replaced(&c).is_some(), fires, "{c:?}");
    }
}

#[test]
fn unacknowledged_notifications_raise_their_own_alarm() {
    let n = PendingNotification { id: 3, case_id: "LB-2025-000001".into(), org: "d1-court".into(), created_at: at("2025-09-01 10:00"), message: "x".into() };
    for (now, fires) in [("2025-09-01 20:00", false), ("2025-09-02 09:59", false), ("2025-09-02 10:00", true)] {
        let f = detect::unacknowledged(&n, at(now), &Config::default());
        assert_eq!(f.is_some(), fires, "{now}");
        if let Some(f) = f {
            assert_eq!((f.rule, f.key.as_str(), f.org.as_str()), (Rule::NotificationUnacknowledged, "notification:3", "d1-court"));
        }
    }
}

#[test]
fn warnings_count_working_days_and_alarms_fire_at_expiry() {
    // Review period last day 2025-10-09, after the National Day holiday (Oct 1–8; Sep 28 is a
    // working Sunday).
    let c = Case::in_review();
    let ds = view::deadlines(c.state(), &c.cal);
    let cfg = Config::default();
    // (now, expected level of the review clock's alert, working days left)
    let table = [
        ("2025-09-24 10:00", None, 0),
        ("2025-09-26 10:00", None, 0),
        ("2025-09-29 10:00", Some(AlertLevel::Warning), 2),
        ("2025-09-30 10:00", Some(AlertLevel::Warning), 1),
        ("2025-10-05 10:00", Some(AlertLevel::Warning), 1),
        ("2025-10-09 12:00", Some(AlertLevel::Warning), 0),
        ("2025-10-10 00:00", Some(AlertLevel::Alarm), 0),
    ];
    for (now, level, left) in table {
        let a: Vec<_> = alerts(&ds, at(now), &c.cal, &cfg).into_iter().filter(|a| a.kind == domain::case::DeadlineKind::ProsecutionReview).collect();
        assert_eq!(a.first().map(|a| a.level), level, "{now}");
        if let Some(a) = a.first() {
            if level == Some(AlertLevel::Warning) {
                assert_eq!(a.working_days_left, left, "{now}");
            }
            assert_eq!(a.org, "d1-proc");
        }
    }
    // A wider warning window warns earlier.
    let wide = Config { warning_working_days: 6, ..Config::default() };
    assert_eq!(alerts(&ds, at("2025-09-24 10:00"), &c.cal, &wide).len(), 1);
    // Met clocks and the appeal window raise nothing.
    let mut served = Case::judged();
    served.act("clerk", Action::ServeJudgment, "2025-10-21 10:00");
    let ds = view::deadlines(served.state(), &served.cal);
    assert!(alerts(&ds, at("2025-11-30 10:00"), &served.cal, &cfg).is_empty());
}

#[test]
fn recipients_are_the_handler_the_leadership_and_the_committee() {
    let c = Case::judged();
    let h = supervision::alert::handler_of(c.state(), &c.events, "d1-court");
    assert_eq!(h.as_deref(), Some("judge"));
    assert_eq!(supervision::alert::handler_of(c.state(), &c.events, "d1-proc").as_deref(), Some("prosecutor"));
    let rs = supervision::recipients("d1-court", h.as_deref(), &c.dir);
    let got: Vec<_> = rs.iter().map(|r| (r.org.as_str(), r.user.as_deref(), r.audience)).collect();
    assert_eq!(
        got,
        vec![("d1-court", Some("judge"), Audience::Handler), ("d1-court", None, Audience::Leadership), ("city-committee", None, Audience::Committee)]
    );
}

#[test]
fn evaluate_case_is_quiet_on_a_regular_history() {
    let mut c = Case::judged();
    c.act("clerk", Action::ServeJudgment, "2025-10-21 10:00");
    let fs = detect::evaluate_case(&c.events, c.state(), &view::tasks(c.state()), Some(&c.dir), &c.cal, at("2025-10-22 10:00"), &Config::default());
    assert!(fs.is_empty(), "{:?}", rules(&fs));
}
