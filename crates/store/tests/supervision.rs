//! Supervision through the store: warnings and alarms appear as time passes, findings are kept
//! (and acknowledged, never dropped), refused third returns are recorded, unacknowledged
//! notifications escalate, and the report's figures equal those computed from the events.

mod common;

use chrono::Duration;
use common::{at, Backend, TestDb};
use domain::action::PersonInput;
use domain::case::{Procedure, Sentence, Verdict};
use domain::Action;
use std::sync::Arc;
use store::{Command, ManualClock, Store, StoreError, SupervisionQuery};
use supervision::{AlertLevel, Rule};

struct World {
    store: Store,
    clock: Arc<ManualClock>,
    _tmp: common::TestDb,
}

async fn world(b: Backend) -> World {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = common::open(&tmp, clock.clone()).await;
    World { store, clock, _tmp: tmp }
}

impl World {
    async fn act(&self, user: &str, case: Option<&str>, action: Action, when: &str) -> Result<store::Outcome, StoreError> {
        self.clock.set(at(when));
        self.store.submit(Command::new(user, case, action)).await
    }

    /// Registered, detained, interrogated, released on bail, transferred on 2025-09-03.
    async fn case_in_review(&self) -> String {
        let out = self
            .act(
                "officer",
                None,
                Action::Register {
                    title: "张三盗窃案".into(),
                    facts: "盗窃电动车一辆".into(),
                    charges: vec!["盗窃".into()],
                    persons: vec![PersonInput { name: "张三".into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
                },
                "2025-09-01 09:00",
            )
            .await
            .unwrap();
        let id = out.event.case_id.clone();
        for (action, when) in [
            (Action::Detain { person: 1 }, "2025-09-01 10:00"),
            (Action::Interrogate { person: 1 }, "2025-09-01 12:00"),
            (Action::Release { person: 1, reason: "取保候审".into() }, "2025-09-02 10:00"),
            (Action::TransferForProsecution { confession_and_acceptance: false }, "2025-09-03 10:00"),
        ] {
            self.act("officer", Some(&id), action, when).await.unwrap();
        }
        id
    }

    fn q(&self) -> SupervisionQuery {
        SupervisionQuery { limit: 1000, ..Default::default() }
    }
}

async fn warnings_then_alarms_as_the_review_period_runs_out(b: Backend) {
    let w = world(b).await;
    let id = w.case_in_review().await;
    // Last day 2025-10-09 (after the National Day holiday). Four working days before: quiet.
    let s = w.store.sweep_supervision(at("2025-09-26 10:00")).await.unwrap();
    assert_eq!(s.new_alerts, 0);
    let s = w.store.sweep_supervision(at("2025-09-29 10:00")).await.unwrap();
    assert_eq!(s.new_alerts, 1);
    let alerts = w.store.supervision_alerts(&w.q()).await.unwrap();
    assert_eq!(alerts.len(), 1);
    let a = &alerts[0];
    assert_eq!((a.alert.level, a.alert.org.as_str(), a.alert.case_id.as_str()), (AlertLevel::Warning, "d1-proc", id.as_str()));
    assert_eq!(a.alert.last_day.to_string(), "2025-10-09");
    assert!(a.alert.basis.contains("第一百七十二条"), "{}", a.alert.basis);
    // Addressed to the procuratorate's leadership and the district committee.
    let notes = w.store.supervision_notifications(&w.q()).await.unwrap();
    let to: Vec<_> = notes.iter().map(|n| (n.org.as_str(), n.audience.as_str())).collect();
    assert_eq!(to, vec![("d1-proc", "leadership"), ("d1-committee", "committee")]);
    // The same warning is not raised twice.
    assert_eq!(w.store.sweep_supervision(at("2025-09-30 10:00")).await.unwrap().new_alerts, 0);
    // Past the last day: an alarm, and an overrun finding.
    let s = w.store.sweep_supervision(at("2025-10-10 09:00")).await.unwrap();
    assert_eq!(s.new_alerts, 1);
    let alarms = w.store.supervision_alerts(&SupervisionQuery { kind: Some("alarm".into()), ..w.q() }).await.unwrap();
    assert_eq!(alarms.len(), 1);
    let findings = w.store.supervision_findings(&w.q()).await.unwrap();
    assert!(findings.iter().any(|f| f.finding.rule == Rule::DeadlineOverrun && f.finding.org == "d1-proc"), "{findings:?}");
    // Visible per organization: the police see none of the procuratorate's.
    let police = SupervisionQuery { org: Some("d1-police".into()), ..w.q() };
    assert!(w.store.supervision_alerts(&police).await.unwrap().is_empty());
    // Live view agrees.
    let live = w.store.live_alerts(Some("d1-proc"), at("2025-10-10 09:00")).await.unwrap();
    assert_eq!(live.iter().map(|a| a.level).collect::<Vec<_>>(), vec![AlertLevel::Alarm]);
    w.store.check_projections().await.unwrap();
}

async fn backdating_is_found_in_the_writers_transaction_and_acknowledged_not_dropped(b: Backend) {
    let w = world(b).await;
    let id = w.case_in_review().await;
    w.clock.set(at("2025-09-05 10:00"));
    let mut cmd = Command::new("prosecutor", Some(&id), Action::ExtendReview);
    cmd.claimed_at = Some(at("2025-09-04 16:00"));
    w.store.submit(cmd).await.unwrap();
    let fs = w.store.supervision_findings(&SupervisionQuery { kind: Some("backdating".into()), ..w.q() }).await.unwrap();
    assert_eq!(fs.len(), 1);
    let f = &fs[0];
    assert_eq!((f.finding.org.as_str(), f.finding.event_seq, f.acknowledged), ("d1-proc", Some(6), false));
    // Handler, leadership and committee are told.
    let notes = w.store.supervision_notifications(&SupervisionQuery { kind: Some("finding".into()), ..w.q() }).await.unwrap();
    assert_eq!(notes.iter().map(|n| n.audience.as_str()).collect::<Vec<_>>(), vec!["handler", "leadership", "committee"]);
    assert_eq!(notes[0].user.as_deref(), Some("prosecutor"));

    assert!(matches!(w.store.acknowledge_finding(f.id, "supervisor", "  ").await, Err(StoreError::Invalid { .. })));
    let acked = w.store.acknowledge_finding(f.id, "supervisor", "补录纸质文书时间，已核实").await.unwrap();
    assert!(acked.acknowledged);
    assert_eq!(acked.acknowledged_by.as_deref(), Some("supervisor"));
    assert!(w.store.acknowledge_finding(f.id, "supervisor", "again").await.is_err());
    // Still listed, as acknowledged; a sweep does not raise it again.
    w.store.sweep_supervision(at("2025-09-06 10:00")).await.unwrap();
    let all = w.store.supervision_findings(&SupervisionQuery { kind: Some("backdating".into()), ..w.q() }).await.unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].acknowledged);
    let open = w.store.supervision_findings(&SupervisionQuery { acknowledged: Some(false), kind: Some("backdating".into()), ..w.q() }).await.unwrap();
    assert!(open.is_empty());
}

async fn a_refused_third_return_is_recorded_and_found(b: Backend) {
    let w = world(b).await;
    let id = w.case_in_review().await;
    for (user, action, when) in [
        ("prosecutor", Action::ReturnForInvestigation { reason: "一".into() }, "2025-09-10 10:00"),
        ("officer", Action::TransferForProsecution { confession_and_acceptance: false }, "2025-09-25 10:00"),
        ("prosecutor", Action::ReturnForInvestigation { reason: "二".into() }, "2025-09-28 10:00"),
        ("officer", Action::TransferForProsecution { confession_and_acceptance: false }, "2025-10-20 10:00"),
    ] {
        w.act(user, Some(&id), action, when).await.unwrap();
    }
    let events = w.store.event_count().await.unwrap();
    let r = w.act("prosecutor", Some(&id), Action::ReturnForInvestigation { reason: "三".into() }, "2025-10-22 10:00").await;
    assert!(matches!(r, Err(StoreError::Refused(_))));
    assert_eq!(w.store.event_count().await.unwrap(), events, "the refused command leaves no event");
    let fs = w.store.supervision_findings(&SupervisionQuery { kind: Some("third_return".into()), ..w.q() }).await.unwrap();
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].finding.org, "d1-proc");
    assert!(fs[0].finding.basis.contains("第一百七十五条"));
    // The sweep reads the refusals too, without duplicating.
    w.store.sweep_supervision(at("2025-10-23 10:00")).await.unwrap();
    assert_eq!(w.store.supervision_findings(&SupervisionQuery { kind: Some("third_return".into()), ..w.q() }).await.unwrap().len(), 1);
    // Two returns within a day of each other's retransfer? No: these were real investigations.
    assert!(w.store.supervision_findings(&SupervisionQuery { kind: Some("borrowing_time".into()), ..w.q() }).await.unwrap().is_empty());
    w.store.check_projections().await.unwrap();
}

async fn unacknowledged_notifications_escalate_once(b: Backend) {
    let w = world(b).await;
    let _id = w.case_in_review().await;
    w.store.sweep_supervision(at("2025-09-29 10:00")).await.unwrap();
    let notes = w.store.supervision_notifications(&w.q()).await.unwrap();
    assert_eq!(notes.len(), 2);
    // The procuratorate acknowledges its own; the committee's is left.
    let acked = w.store.acknowledge_notification(notes[0].id, "prosecutor").await.unwrap();
    assert!(acked.acknowledged_at.is_some());
    let s = w.store.sweep_supervision(at("2025-09-29 20:00")).await.unwrap();
    assert_eq!(s.escalated_notifications, 0);
    let s = w.store.sweep_supervision(at("2025-09-30 10:00")).await.unwrap();
    assert_eq!(s.escalated_notifications, 1);
    let fs = w.store.supervision_findings(&SupervisionQuery { kind: Some("notification_unacknowledged".into()), ..w.q() }).await.unwrap();
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].finding.org, "d1-committee");
    assert_eq!(w.store.sweep_supervision(at("2025-10-02 10:00")).await.unwrap().escalated_notifications, 0);
    // The cursor: notifications after the last seen id.
    let last = notes.last().unwrap().id;
    let newer = w.store.supervision_notifications(&SupervisionQuery { after: Some(last), ..w.q() }).await.unwrap();
    assert!(newer.iter().all(|n| n.id > last) && !newer.is_empty());
}

async fn report_figures_equal_those_computed_from_the_events(b: Backend) {
    let w = world(b).await;
    let id = w.case_in_review().await;
    let steps: Vec<(&str, Action, &str)> = vec![
        ("prosecutor", Action::Indict { confession_and_acceptance: false, sentencing_proposal: None }, "2025-09-20 10:00"),
        ("judge", Action::AcceptTrial { procedure: Procedure::Ordinary, judge: Some("judge".into()) }, "2025-09-22 10:00"),
        ("judge", Action::ScheduleHearing { at: at("2025-10-15 09:00") }, "2025-09-23 10:00"),
        (
            "judge",
            Action::PronounceJudgment {
                verdicts: vec![domain::action::PersonVerdict {
                    person: 1,
                    verdict: Verdict::Convicted { charges: vec!["盗窃".into()], sentence: Sentence::Prison { months: 12 } },
                }],
            },
            "2025-10-20 10:00",
        ),
        // Served late: five days end Saturday 10-25, carried to Monday 10-27 (nobody held).
        ("clerk", Action::ServeJudgment, "2025-10-29 10:00"),
    ];
    for (user, action, when) in steps {
        w.act(user, Some(&id), action, when).await.unwrap();
    }
    let events = w.store.case_events(&id).await.unwrap();
    let t = |kind: &str| events.iter().find(|e| e.action.kind() == kind).unwrap().at;
    let days = |a: chrono::DateTime<chrono::Utc>, b: chrono::DateTime<chrono::Utc>| (b - a).num_seconds() as f64 / 86_400.0;
    w.clock.set(at("2025-11-01 10:00"));
    let (from, to) = (at("2025-09-01 00:00"), at("2025-11-01 00:00"));

    let proc = w.store.supervision_report(Some("d1-proc"), from, to).await.unwrap();
    assert_eq!(proc.cases_handled, 1);
    let review = proc.stages.iter().find(|s| s.stage == supervision::StageKind::ProsecutionReview).unwrap();
    assert_eq!(review.count, 1);
    assert!((review.mean_days.unwrap() - days(t("transfer_for_prosecution"), t("indict"))).abs() < 1e-9);
    assert_eq!(review.distribution[supervision::report::bucket_of(days(t("transfer_for_prosecution"), t("indict")))], 1);
    // The review clock was met on time.
    assert_eq!((proc.deadlines_concluded, proc.deadlines_on_time), (1, 1));

    let court = w.store.supervision_report(Some("d1-court"), from, to).await.unwrap();
    let trial = court.stages.iter().find(|s| s.stage == supervision::StageKind::Trial).unwrap();
    assert_eq!(trial.count, 1);
    assert!((trial.mean_days.unwrap() - days(t("accept_trial"), t("pronounce_judgment"))).abs() < 1e-9);
    // Trial on time, judgment service late: one of two.
    assert_eq!((court.deadlines_concluded, court.deadlines_on_time), (2, 1));
    assert_eq!(court.on_time_rate, Some(0.5));
    let late: u64 = court.irregularities.iter().find(|(r, _)| *r == Rule::LateService).unwrap().1;
    assert_eq!(late, 1);

    // The whole city over the period: the police transfer, the procuratorate, the court.
    let all = w.store.supervision_report(None, from, to).await.unwrap();
    assert_eq!(all.cases_handled, 1);
    // Outside the period nothing.
    let later = w.store.supervision_report(Some("d1-court"), to, to + Duration::days(30)).await.unwrap();
    assert_eq!((later.cases_handled, later.stages.iter().map(|s| s.count).sum::<u64>()), (0, 0));

    let csv = supervision::report::to_csv(&court);
    assert!(csv.starts_with("org,from,to,section,key,label,value\n"));
    assert!(csv.contains(",irregularity,late_service,法律文书送达超期,1\n"), "{csv}");
    assert!(csv.contains(",summary,on_time_rate,按期率,0.50\n"));
}

both!(warnings_then_alarms_as_the_review_period_runs_out);
both!(backdating_is_found_in_the_writers_transaction_and_acknowledged_not_dropped);
both!(a_refused_third_return_is_recorded_and_found);
both!(unacknowledged_notifications_escalate_once);
both!(report_figures_equal_those_computed_from_the_events);
