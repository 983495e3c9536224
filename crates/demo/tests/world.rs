//! The demo world: every stage and every action appears, every step is accepted, projections
//! match a rebuild, deadlines run and some are overdue, and the directory is consistent.

use demo::{build, world, Options, DISTRICTS};
use domain::{Action, AgencyKind, Directory, Stage};
use std::collections::BTreeSet;
use std::sync::Arc;
use store::{Durability, ManualClock, Store};

/// A fixed PHC string: hashing for real is slow in debug builds and irrelevant here.
fn fake_hash(p: &str) -> String {
    format!("$argon2id$v=19$m=19456,t=2,p=1$ZGVtb3NhbHQ${}", p.len())
}

#[test]
fn the_directory_fits_and_pairs() {
    let w = world();
    let mut dir = Directory::default();
    for o in &w.orgs {
        dir.orgs.insert(o.id.clone(), o.clone());
    }
    for u in &w.users {
        let org = dir.org(&u.user.org).expect("user's org exists");
        assert!(u.user.role.fits(org.kind), "{} {:?} in {}", u.user.username, u.user.role, org.id);
        assert!(u.user.username.is_ascii() && u.user.id == u.user.username);
        assert_eq!(u.password, demo::PASSWORD);
        dir.users.insert(u.user.id.clone(), u.user.clone());
    }
    assert!((45..=60).contains(&w.users.len()), "{}", w.users.len());
    let names: BTreeSet<_> = w.users.iter().map(|u| &u.user.username).collect();
    assert_eq!(names.len(), w.users.len(), "usernames are unique");
    for o in &w.orgs {
        assert!(o.id.is_ascii());
        if let Some(p) = &o.parent {
            let parent = dir.org(p).expect("parent exists");
            assert_eq!(parent.kind, o.kind);
            assert_eq!(parent.level, domain::Level::City);
        }
    }
    for d in &DISTRICTS {
        let police = demo::district_org(d, AgencyKind::Police);
        for kind in [AgencyKind::Procuratorate, AgencyKind::Court, AgencyKind::JusticeBureau] {
            let paired = dir.paired(&police, kind).expect("paired agency");
            assert_eq!(paired.id, demo::district_org(d, kind));
            assert_eq!(dir.parent(&paired.id).map(|o| o.id.clone()), Some(demo::city_org(kind)));
        }
        for kind in [AgencyKind::Police, AgencyKind::Procuratorate, AgencyKind::Court, AgencyKind::JusticeBureau] {
            let org = demo::district_org(d, kind);
            assert!(w.users.iter().any(|u| u.user.org == org), "{org} has staff");
        }
    }
    let admins: Vec<_> = w.users.iter().filter(|u| u.user.role == domain::Role::Admin).collect();
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].user.username, "admin");
}

#[test]
fn the_plan_is_deterministic() {
    let cal = domain::HolidayCalendar::builtin();
    let opts = Options { cases: 200, ..Options::default() };
    let a = demo::plan(&opts, &cal);
    let b = demo::plan(&opts, &cal);
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(x, y)| x.at == y.at && x.actor == y.actor && x.action == y.action));
    let c = demo::plan(&Options { seed: 7, ..opts }, &cal);
    assert!(a.iter().zip(&c).any(|(x, y)| x.action != y.action));
}

async fn built(opts: &Options) -> (tempfile::TempDir, Store, demo::Report) {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(opts.now));
    let store = Store::open(&tmp.path().join("demo.db"), Durability::Bulk, clock.clone()).await.unwrap();
    let report = build(&store, &clock, opts, &fake_hash).await.unwrap_or_else(|e| panic!("{e}"));
    eprintln!("built {} cases, {} events in {} ms", report.cases, report.events, report.elapsed_ms);
    assert_eq!(report.cases, opts.cases);
    assert_eq!(store.event_count().await.unwrap(), report.events);
    (tmp, store, report)
}

/// No case is returned a third time (CPL 175), and the projections equal a rebuild.
async fn check_consistency(store: &Store, report: &demo::Report) {
    let events = store.events_range(0, report.events).await.unwrap();
    assert_eq!(events.len() as u64, report.events);
    let mut returns: std::collections::BTreeMap<String, u32> = Default::default();
    for (_, e) in &events {
        if matches!(e.action, Action::ReturnForInvestigation { .. }) {
            *returns.entry(e.case_id.clone()).or_default() += 1;
        }
    }
    assert!(returns.values().all(|&n| n <= 2), "a third return");
    store.check_projections().await.unwrap();
}

/// A small world, quick in debug builds: every step accepted, consistent, deadlines running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_world_builds() {
    let opts = Options { cases: 250, seed: 11, ..Options::default() };
    let (_tmp, store, report) = built(&opts).await;
    check_consistency(&store, &report).await;
    assert!(report.running_deadlines > 0);
    assert!(report.stages.get(&Stage::Execution).copied().unwrap_or(0) > 0);
    assert!(report.stages.get(&Stage::Investigation).copied().unwrap_or(0) > 0);
}

/// Queued building records exactly what submitting one step at a time with the clock set to each
/// step's time records (the way the platform itself would have): the same events, at the same
/// positions and times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_building_equals_one_at_a_time() {
    let opts = Options { cases: 120, seed: 5, ..Options::default() };
    let (_tmp, store, report) = built(&opts).await;
    let queued = store.events_range(0, report.events).await.unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(opts.now));
    let reference = Store::open(&tmp.path().join("ref.db"), Durability::Bulk, clock.clone()).await.unwrap();
    let w = world();
    let mut orgs = w.orgs.clone();
    orgs.sort_by_key(|o| o.parent.is_some());
    for o in &orgs {
        reference.put_organization(o).await.unwrap();
    }
    for u in &w.users {
        reference.put_user(&u.user, Some(&fake_hash(&u.password))).await.unwrap();
    }
    let mut ids: Vec<Option<String>> = vec![None; opts.cases];
    let mut submitted = 0u64;
    for st in demo::plan(&opts, &reference.calendar()) {
        if st.at > opts.now {
            continue;
        }
        clock.set(st.at);
        let out = reference.submit(store::Command::new(st.actor.clone(), ids[st.case].as_deref(), st.action)).await.unwrap();
        if st.seq == 0 {
            ids[st.case] = Some(out.state.id.clone());
        }
        submitted += 1;
    }
    assert_eq!(submitted, report.events);
    let one_by_one = reference.events_range(0, submitted).await.unwrap();
    assert_eq!(queued.len(), one_by_one.len());
    for (q, r) in queued.iter().zip(&one_by_one) {
        assert_eq!(q, r, "event at position {} differs", r.0);
    }
    assert!(queued.iter().any(|(_, e)| e.at < opts.now - chrono::Duration::days(300)), "events keep their scripted times");
}

/// The full-size world (2000 cases over two years): every stage, every action, deadlines due
/// this week and overdue at `now`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_world_builds() {
    let opts = Options::default();
    let (_tmp, store, report) = built(&opts).await;
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
    for stage in Stage::ALL {
        assert!(report.stages.get(&stage).copied().unwrap_or(0) > 0, "no case in stage {stage:?}");
    }
    for k in all_action_kinds() {
        assert!(report.actions.get(k).copied().unwrap_or(0) > 0, "action {k} never taken");
    }
    check_consistency(&store, &report).await;
    assert!(report.actions["return_for_investigation"] > 0);

    // Deadlines are running at `now`: some due within the week, some overdue, most on time.
    let running = store.running_deadlines(None, None, 10_000).await.unwrap();
    assert!(running.len() > 50, "{}", running.len());
    let overdue = running.iter().filter(|d| d.overdue(opts.now)).count();
    let this_week = running.iter().filter(|d| !d.overdue(opts.now) && d.due.expires_at <= opts.now + chrono::Duration::days(7)).count();
    assert!(overdue > 0 && overdue * 5 < running.len(), "overdue {overdue} of {}", running.len());
    assert!(this_week > 0);
    eprintln!("running deadlines {}, overdue {overdue}, due this week {this_week}", running.len());
}

fn all_action_kinds() -> Vec<&'static str> {
    // Kept in step with `domain::Action`: a new action fails to compile here until listed.
    fn kind_of(a: &Action) -> &'static str {
        match a {
            Action::Register { .. }
            | Action::Detain { .. }
            | Action::Interrogate { .. }
            | Action::Release { .. }
            | Action::ExtendArrestRequest { .. }
            | Action::RequestArrest { .. }
            | Action::ApproveArrest { .. }
            | Action::RefuseArrest { .. }
            | Action::RequestReconsideration { .. }
            | Action::DecideReconsideration { .. }
            | Action::RequestReview { .. }
            | Action::DecideReview { .. }
            | Action::ExtendCustody { .. }
            | Action::TransferForProsecution { .. }
            | Action::ExtendReview
            | Action::ReturnForInvestigation { .. }
            | Action::Indict { .. }
            | Action::DecideNonProsecution { .. }
            | Action::RequestNonProsecutionReconsideration
            | Action::DecideNonProsecutionReconsideration { .. }
            | Action::AcceptTrial { .. }
            | Action::ExtendTrial
            | Action::ScheduleHearing { .. }
            | Action::PronounceJudgment { .. }
            | Action::ServeJudgment
            | Action::Appeal { .. }
            | Action::Protest { .. }
            | Action::TakeEffect
            | Action::AcceptSecondInstance
            | Action::ExtendSecondInstance
            | Action::DecideSecondInstance { .. }
            | Action::HandOverForExecution { .. }
            | Action::HandOverForCommunityCorrection { .. }
            | Action::RecordCorrectionReport { .. }
            | Action::WithdrawCase { .. } => a.kind(),
        }
    }
    let _ = kind_of;
    vec![
        "register", "detain", "interrogate", "release", "extend_arrest_request", "request_arrest", "approve_arrest",
        "refuse_arrest", "request_reconsideration", "decide_reconsideration", "request_review", "decide_review",
        "extend_custody", "transfer_for_prosecution", "extend_review", "return_for_investigation", "indict",
        "decide_non_prosecution", "request_non_prosecution_reconsideration", "decide_non_prosecution_reconsideration",
        "accept_trial", "extend_trial", "schedule_hearing", "pronounce_judgment", "serve_judgment", "appeal", "protest",
        "take_effect", "accept_second_instance", "extend_second_instance", "decide_second_instance",
        "hand_over_for_execution", "hand_over_for_community_correction", "record_correction_report", "withdraw_case",
    ]
}

#[test]
fn facts_are_varied_and_name_the_suspects() {
    let cal = domain::HolidayCalendar::builtin();
    let plan = demo::plan(&Options { cases: 300, ..Options::default() }, &cal);
    let mut seen = BTreeSet::new();
    let mut charges = BTreeSet::new();
    for st in &plan {
        if let Action::Register { title, facts, charges: ch, persons } = &st.action {
            assert!(facts.contains(&persons[0].name), "{facts}");
            assert!(title.contains(&persons[0].name) && title.ends_with('案'));
            for p in persons {
                domain::ids::check_id_card(p.id_card.as_deref().unwrap()).unwrap();
                domain::ids::check_phone(p.phone.as_deref().unwrap()).unwrap();
                domain::ids::check_address(p.address.as_deref().unwrap()).unwrap();
                assert!(p.address.as_deref().unwrap().starts_with("临江市"), "{:?}", p.address);
            }
            if seen.len() < 6 {
                eprintln!("{title}（{}）：{facts}", ch.join("、"));
            }
            seen.insert(facts.clone());
            charges.insert(ch[0].clone());
        }
    }
    assert_eq!(seen.len(), 300, "every case has its own facts");
    assert!(charges.len() >= 25, "{}", charges.len());
}
