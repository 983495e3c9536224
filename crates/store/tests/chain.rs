mod common;

use common::*;
use domain::action::{PersonInput, PersonVerdict};
use domain::case::{Procedure, Sentence, Verdict};
use domain::{Action, RefusalKind, Stage};
use std::sync::Arc;
use store::{Command, ManualClock, StoreError};

fn register() -> Action {
    Action::Register {
        title: "张三盗窃案".into(),
        facts: "2025年9月1日，张三在某超市盗窃手机一部，价值3000元。".into(),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: "张三".into(), id_card: Some("11010519491231002X".into()), gender: None, birth_date: None, phone: None, address: None }],
    }
}

async fn a_case_from_registration_to_community_correction(b: Backend) {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&tmp, clock.clone()).await;
    let out = store.submit(Command::new("officer", None, register())).await.unwrap();
    let id = out.state.id.clone();
    assert_eq!(id, "LB-2025-000001");
    let steps: Vec<(&str, &str, Action)> = vec![
        ("2025-09-01 10:30", "officer", Action::Detain { person: 1 }),
        ("2025-09-01 14:00", "officer", Action::Interrogate { person: 1 }),
        ("2025-09-03 09:00", "officer", Action::RequestArrest { person: 1 }),
        ("2025-09-08 09:00", "prosecutor", Action::ApproveArrest { person: 1 }),
        ("2025-10-20 09:00", "officer", Action::TransferForProsecution { confession_and_acceptance: false }),
        ("2025-11-10 09:00", "prosecutor", Action::Indict { confession_and_acceptance: true, sentencing_proposal: Some("有期徒刑一年，缓刑一年".into()) }),
        ("2025-11-12 09:00", "judge", Action::AcceptTrial { procedure: Procedure::Summary, judge: None }),
        ("2025-11-13 09:00", "clerk", Action::ScheduleHearing { at: at("2025-11-18 09:30") }),
        ("2025-11-18 11:00", "judge", Action::PronounceJudgment { verdicts: vec![PersonVerdict { person: 1, verdict: Verdict::Convicted { charges: vec!["盗窃".into()], sentence: Sentence::Probation { months: 12, probation_months: 12 } } }] }),
        ("2025-11-19 09:00", "clerk", Action::ServeJudgment),
        ("2025-12-01 09:00", "clerk", Action::TakeEffect),
        ("2025-12-03 09:00", "clerk", Action::HandOverForCommunityCorrection { person: 1 }),
        ("2025-12-08 09:00", "corrector", Action::RecordCorrectionReport { person: 1 }),
    ];
    for (t, user, action) in steps {
        clock.set(at(t));
        let kind = action.kind();
        let out = store.submit(Command::new(user, Some(&id), action)).await.unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(out.event.at, at(t), "the server clock stamps the event");
    }
    let state = store.case(&id).await.unwrap().unwrap();
    assert_eq!(state.stage, Stage::Execution);
    assert_eq!(state.version, 14);
    assert_eq!(store.case_events(&id).await.unwrap().len(), 14);
    store.check_projections().await.unwrap();
    let inbox = store.inbox("d1-justice").await.unwrap();
    assert!(inbox.is_empty(), "reported: nothing left for the justice bureau");
}

async fn refusals_leave_nothing_written_and_request_ids_are_idempotent(b: Backend) {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&tmp, clock.clone()).await;
    let mut cmd = Command::new("officer", None, register());
    cmd.request_id = Some("req-1".into());
    let first = store.submit(cmd.clone()).await.unwrap();
    let again = store.submit(cmd.clone()).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.event, first.event);
    assert_eq!(store.event_count().await.unwrap(), 1);
    let id = first.state.id.clone();
    // The wrong agency: a prosecutor cannot detain.
    let err = store.submit(Command::new("prosecutor", Some(&id), Action::Detain { person: 1 })).await.unwrap_err();
    match err {
        StoreError::Refused(r) => {
            assert_eq!(r.kind, RefusalKind::WrongAgency);
            assert!(r.text().contains("《刑事诉讼法》第三条"), "{}", r.text());
        }
        e => panic!("{e}"),
    }
    // Out of order: indicting during investigation.
    let err = store
        .submit(Command::new("prosecutor", Some(&id), Action::Indict { confession_and_acceptance: false, sentencing_proposal: None }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err}");
    // A stale version.
    let mut stale = Command::new("officer", Some(&id), Action::Detain { person: 1 });
    stale.expected_version = Some(7);
    assert!(matches!(store.submit(stale).await.unwrap_err(), StoreError::VersionConflict { actual: 1, .. }));
    // The same request id for another action.
    let mut reuse = Command::new("officer", Some(&id), Action::Detain { person: 1 });
    reuse.request_id = Some("req-1".into());
    assert!(matches!(store.submit(reuse).await.unwrap_err(), StoreError::RequestIdReused(_)));
    assert_eq!(store.event_count().await.unwrap(), 1, "nothing half-written");
    store.check_projections().await.unwrap();
}

/// Personal data (ID numbers, phone numbers, addresses, birth dates) is sealed at rest in the
/// event log itself, not only in the projections: the stored body holds ciphertext, readers get
/// the plaintext, the ledger leaf (derived from the plaintext) and `verify` still agree, and a
/// rebuild reproduces the state.
async fn personal_fields_are_sealed_in_the_event_log(b: Backend) {
    const PHONE: &str = "13912345678";
    const LANDLINE: &str = "0571-87654321";
    const ADDRESS: &str = "临江市江北区滨江路88号3幢201室";
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&tmp, clock.clone()).await;
    let birth = chrono::NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
    let action = Action::Register {
        title: "张三盗窃案".into(),
        facts: "张三盗窃手机一部。".into(),
        charges: vec!["盗窃".into()],
        persons: vec![
            PersonInput { name: "张三".into(), id_card: Some("11010519491231002X".into()), gender: None, birth_date: Some(birth), phone: Some(PHONE.into()), address: Some(ADDRESS.into()) },
            PersonInput { name: "李四".into(), id_card: None, gender: None, birth_date: None, phone: Some(LANDLINE.into()), address: None },
        ],
    };
    let out = store.submit(Command::new("officer", None, action)).await.unwrap();
    let id = out.state.id.clone();
    let clear = ["11010519491231002X", PHONE, LANDLINE, ADDRESS, "1949-12-31", "滨江路"];
    for body in tmp.strings("SELECT body FROM events").await {
        for c in clear {
            assert!(!body.contains(c), "{c} in clear in events.body: {body}");
        }
        assert_eq!(body.matches("enc1:").count(), 5, "five sealed fields in events.body: {body}");
    }
    for state in tmp.strings("SELECT state FROM cases").await {
        for c in clear {
            assert!(!state.contains(c), "{c} in clear in cases.state: {state}");
        }
        assert_eq!(state.matches("enc1:").count(), 5, "five sealed fields in cases.state: {state}");
    }
    // The ledger leaf (docs/leaf-format.md §1) holds salted hashes of them, not the values.
    let leaves = match b {
        Backend::Sqlite => "SELECT CAST(leaf AS TEXT) FROM ledger_leaves",
        Backend::Postgres => "SELECT convert_from(leaf, 'UTF8') FROM ledger_leaves",
    };
    let leaves = tmp.strings(leaves).await;
    assert!(!leaves.is_empty());
    for leaf in leaves {
        for c in clear {
            assert!(!leaf.contains(c), "{c} in clear in a ledger leaf: {leaf}");
        }
        assert!(leaf.contains("\"phone\":\"sha256:") && leaf.contains("\"address\":\"sha256:"), "{leaf}");
    }
    let events = store.case_events(&id).await.unwrap();
    match &events[0].action {
        Action::Register { persons, .. } => {
            assert_eq!(persons[0].id_card.as_deref(), Some("11010519491231002X"));
            assert_eq!(persons[0].phone.as_deref(), Some(PHONE));
            assert_eq!(persons[0].address.as_deref(), Some(ADDRESS));
            assert_eq!(persons[0].birth_date, Some(birth));
            assert_eq!(persons[1].phone.as_deref(), Some(LANDLINE));
        }
        other => panic!("first event is {}", other.kind()),
    }
    assert_eq!(events[0], out.event, "the event read back equals the one decided");
    let state = |s: &domain::CaseState| (s.persons[0].id_card.clone(), s.persons[0].phone.clone(), s.persons[0].address.clone(), s.persons[0].birth_date, s.persons[1].phone.clone());
    let want = (Some("11010519491231002X".to_string()), Some(PHONE.to_string()), Some(ADDRESS.to_string()), Some(birth), Some(LANDLINE.to_string()));
    assert_eq!(state(&store.case(&id).await.unwrap().unwrap()), want);
    store.rebuild_projections().await.unwrap();
    assert_eq!(state(&store.case(&id).await.unwrap().unwrap()), want);
    store.check_projections().await.unwrap();
    store.verify().await.unwrap().expect("verify agrees with sealed event bodies");
}

both!(a_case_from_registration_to_community_correction);
both!(personal_fields_are_sealed_in_the_event_log);
both!(refusals_leave_nothing_written_and_request_ids_are_idempotent);

/// The inbox is read a page at a time with a cursor: pages hold whole cases, oldest change first,
/// and following `next` visits every task exactly once.
async fn inbox_pages_follow_a_cursor(b: Backend) {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&tmp, clock.clone()).await;
    let mut ids = Vec::new();
    for i in 0..7 {
        clock.set(at(&format!("2025-09-01 {:02}:00", 9 + i)));
        let id = store.submit(Command::new("officer", None, register())).await.unwrap().state.id;
        // Two open tasks for the police on some cases (a detained suspect to interrogate, and
        // the arrest request), one on the others.
        if i % 2 == 0 {
            store.submit(Command::new("officer", Some(&id), Action::Detain { person: 1 })).await.unwrap();
        }
        ids.push(id);
    }
    let all = store.inbox("d1-police").await.unwrap();
    assert!(all.len() >= 7, "every case owes the police something: {}", all.len());
    for limit in [1u32, 2, 3, 5, 1000] {
        let mut seen = Vec::new();
        let mut after: Option<(String, String)> = None;
        for _ in 0..100 {
            let page = store.inbox_page("d1-police", after.as_ref().map(|(a, b)| (a.as_str(), b.as_str())), limit).await.unwrap();
            // Whole cases: a case on this page has all of its tasks here.
            for item in &page.items {
                let total = all.iter().filter(|i| i.case.id == item.case.id).count();
                let here = page.items.iter().filter(|i| i.case.id == item.case.id).count();
                assert_eq!(here, total, "limit {limit}: case {} split across pages", item.case.id);
            }
            seen.extend(page.items.iter().map(|i| (i.case.id.clone(), i.task_kind.clone(), i.person)));
            match page.next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let want: Vec<_> = all.iter().map(|i| (i.case.id.clone(), i.task_kind.clone(), i.person)).collect();
        assert_eq!(seen, want, "limit {limit}: the pages together are the inbox, in order, once each");
    }
    // Oldest change first.
    assert!(all.windows(2).all(|w| (w[0].case.updated_at, &w[0].case.id) <= (w[1].case.updated_at, &w[1].case.id)));
    // Projections written by difference (deadlines and organizations only when they change)
    // still equal a rebuild after more commands on the same cases.
    for id in &ids {
        clock.set(at("2025-09-02 10:00"));
        store.submit(Command::new("officer", Some(id), Action::Detain { person: 1 })).await.ok();
        store.submit(Command::new("officer", Some(id), Action::RequestArrest { person: 1 })).await.ok();
    }
    store.check_projections().await.unwrap();
}
both!(inbox_pages_follow_a_cursor);
