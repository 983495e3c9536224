//! The gate's accounts (sessions, lockouts, second factor, access audit), the event feed's cursors
//! and the list queries, on both backends: the statements outside the writer that differ least
//! visibly between SQLite and PostgreSQL (typed NULL parameters, GREATEST, LIKE, LIMIT binds).

mod common;

use chrono::Duration;
use common::*;
use domain::action::PersonInput;
use domain::{Action, Stage};
use std::sync::Arc;
use store::{AuditRecord, CaseQuery, Command, ManualClock};

async fn accounts_feed_and_lists(b: Backend) {
    let db = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&db, clock.clone()).await;
    for name in ["张三", "李四"] {
        let reg = Action::Register {
            title: format!("{name}盗窃案"),
            facts: "盗窃手机一部。".into(),
            charges: vec!["盗窃".into()],
            persons: vec![PersonInput { name: name.into(), id_card: None, gender: None, birth_date: None, phone: None, address: None }],
        };
        store.submit(Command::new("officer", None, reg)).await.unwrap();
        clock.advance(Duration::minutes(10));
    }
    // Sessions.
    store.create_session("h1", "officer", Duration::hours(1)).await.unwrap();
    assert_eq!(store.session_user("h1").await.unwrap().unwrap().id, "officer");
    clock.advance(Duration::hours(2));
    assert!(store.session_user("h1").await.unwrap().is_none(), "expired");
    // Lockout after three failures.
    for i in 0..3 {
        let locked = store.record_login_failure("officer", 3, Duration::minutes(15), Duration::minutes(15)).await.unwrap();
        assert_eq!(locked.is_some(), i == 2);
    }
    assert!(store.locked_until("officer").await.unwrap().is_some());
    store.clear_login_failures("officer").await.unwrap();
    assert!(store.locked_until("officer").await.unwrap().is_none());
    // Second factor: a step is used once.
    store.put_totp_secret("officer", "SECRET").await.unwrap();
    assert!(store.use_totp_step("officer", 100, true).await.unwrap());
    assert!(!store.use_totp_step("officer", 100, false).await.unwrap(), "replayed step");
    let t = store.totp("officer").await.unwrap().unwrap();
    assert!(t.enabled && t.last_step == 100);
    // Access audit.
    let rec = AuditRecord {
        id: 0,
        at: store.now(),
        kind: "read".into(),
        user_id: Some("officer".into()),
        org: None,
        case_id: Some("LB-2025-000001".into()),
        resource: "personal_data".into(),
        reason: "test".into(),
        decision: "allow".into(),
    };
    let id = store.audit(&rec).await.unwrap();
    assert!(id > 0);
    assert_eq!(store.audit_since(0, None, 10).await.unwrap().len(), 1);
    assert_eq!(store.audit_since(0, Some("denied"), 10).await.unwrap().len(), 0);
    // Feed cursors only move forward.
    assert_eq!(store.feed_ack("d1-police", "ops", 2, Some("officer")).await.unwrap().position, 2);
    assert_eq!(store.feed_ack("d1-police", "ops", 1, None).await.unwrap().position, 2);
    assert!(store.feed_ack("d1-police", "ops", 3, None).await.is_err(), "past the end");
    assert_eq!(store.feed_consumers(None).await.unwrap().len(), 1);
    assert_eq!(store.feed_consumers(Some("d1-proc")).await.unwrap().len(), 0);
    store.set_publisher_cursor("nats:x", 2).await.unwrap();
    store.set_publisher_cursor("nats:x", 1).await.unwrap();
    assert_eq!(store.publisher_cursor("nats:x").await.unwrap(), 2);
    // Lists: filters, text search, the cursor, counts, inbox, deadlines.
    let all = store.list_cases(&CaseQuery { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(all.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["LB-2025-000002", "LB-2025-000001"]);
    let q = CaseQuery { text: Some("李四".into()), charge: Some("盗窃".into()), participant: Some("d1-police".into()), limit: 10, ..Default::default() };
    assert_eq!(store.list_cases(&q).await.unwrap().len(), 1);
    let after = Some((all[0].updated_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), all[0].id.clone()));
    let next = store.list_cases(&CaseQuery { after, limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].id, "LB-2025-000001");
    assert_eq!(store.stage_counts(Some("d1-police")).await.unwrap(), [(Stage::Investigation, 2)]);
    assert!(!store.inbox("d1-police").await.unwrap().is_empty());
    store.running_deadlines(Some("d1-police"), Some(store.now() + Duration::days(400)), 100).await.unwrap();
    store.check_projections().await.unwrap();
}

both!(accounts_feed_and_lists);
