//! The writer's batch cache: several commands on the same case in one batch (some refused), new
//! and existing cases mixed, leave projections equal to a rebuild and the trace verifying.

mod common;

use common::*;
use domain::action::PersonInput;
use domain::Action;
use std::sync::Arc;
use store::{Command, ManualClock};

fn register(i: usize) -> Action {
    Action::Register {
        title: format!("张{i}盗窃案"),
        facts: "2025年9月1日，张某在某超市盗窃手机一部，价值3000元。".into(),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: format!("张{i}"), id_card: Some("11010519491231002X".into()), gender: None, birth_date: None, phone: None, address: None }],
    }
}

async fn same_case_commands_in_one_batch_match_a_rebuild(b: Backend) {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&tmp, clock.clone()).await;
    let first = store.submit(Command::new("officer", None, register(0))).await.unwrap();
    let old = first.state.id.clone();
    clock.set(at("2025-09-01 10:00"));
    // Submitted together: they reach the writer as one batch, in this order.
    let mut futs = Vec::new();
    for i in 1..=5 {
        futs.push(store.submit(Command::new("officer", None, register(i))));
    }
    let cmds = vec![
        Command::new("officer", Some(&old), Action::Detain { person: 1 }),
        Command::new("officer", Some(&old), Action::Detain { person: 1 }), // refused: already detained
        Command::new("prosecutor", Some(&old), Action::Detain { person: 1 }), // refused: wrong agency
        Command::new("officer", Some(&old), Action::Interrogate { person: 1 }),
        Command::new("officer", Some(&old), Action::RequestArrest { person: 1 }),
        Command::new("prosecutor", Some(&old), Action::ApproveArrest { person: 1 }),
    ];
    let acts: Vec<_> = cmds.into_iter().map(|c| store.submit(c)).collect();
    let (regs, acts) = tokio::join!(futures_join(futs), futures_join(acts));
    let ids: Vec<String> = regs.into_iter().map(|r| r.unwrap().state.id).collect();
    assert_eq!(ids.len(), 5);
    let ok: Vec<bool> = acts.iter().map(|r| r.is_ok()).collect();
    assert_eq!(ok, [true, false, false, true, true, true], "{acts:?}");
    let last = acts.last().unwrap().as_ref().unwrap();
    assert_eq!(last.state.version, 5);
    // A new case acted on in the next batch, and the old one again.
    let again = store.submit(Command::new("officer", Some(&ids[0]), Action::Detain { person: 1 })).await.unwrap();
    assert_eq!(again.state.version, 2);
    assert_eq!(store.case(&old).await.unwrap().unwrap(), last.state);
    store.check_projections().await.unwrap();
    store.verify().await.unwrap().expect("the trace verifies");
    // The documents the batch's decisions issued were sealed by the writer, with the batch: each
    // registration's decision document is in the files trace before anyone lists it, under its
    // own id; the trace's chain holds across the batch, and every seal checks with the key the
    // platform registered for the police.
    let mut seal_ids = std::collections::BTreeSet::new();
    for id in ids.iter().chain([&old]) {
        let issued = store.case(id).await.unwrap().unwrap().documents.len();
        assert!(issued >= 1, "{id}: a registration issues its decision document");
        let log = store.files_log(id).await.unwrap();
        let sealed: Vec<_> = log.iter().filter(|e| e.action == "document_sealed").collect();
        assert_eq!(sealed.len(), issued, "{id}: every issued document sealed by the writer: {log:?}");
        for e in &sealed {
            assert!(seal_ids.insert(e.subject.clone()), "seal ids are distinct: {}", e.subject);
        }
        let docs = store.case_documents(id).await.unwrap();
        assert_eq!(docs.len(), issued);
        for d in &docs {
            assert!(sealed.iter().any(|e| e.subject == d.id), "{}", d.id);
            let check = store.check_seal(&d.document).await.unwrap();
            assert!(check.valid && check.key_registered, "{check:?}");
        }
        assert_eq!(store.files_log(id).await.unwrap().len(), log.len(), "listing sealed nothing more");
    }
    assert!(store.verify_files_log().await.unwrap() >= ids.len() as u64);
}

async fn futures_join<F: std::future::Future>(fs: Vec<F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    let handles: Vec<_> = fs.into_iter().map(Box::pin).collect();
    // Poll them all once so every command is queued before any answer is awaited.
    let mut pinned = handles;
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut done: Vec<Option<F::Output>> = pinned.iter_mut().map(|f| match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }).collect();
    for (f, d) in pinned.into_iter().zip(done.iter_mut()) {
        if d.is_none() {
            *d = Some(f.await);
        }
    }
    out.extend(done.into_iter().map(Option::unwrap));
    out
}

both!(same_case_commands_in_one_batch_match_a_rebuild);

/// Request ids within one batch: the batch's events are inserted only when it ends, so a repeated
/// request id must be found among the batch's own accepted commands — replayed when it is the
/// same action, refused when it is another — and a refused command in the middle writes nothing.
async fn request_ids_repeated_within_one_batch(b: Backend) {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = open(&tmp, clock.clone()).await;
    let with_id = |mut c: Command, rid: &str| {
        c.request_id = Some(rid.into());
        c
    };
    let cmds = vec![
        with_id(Command::new("officer", None, register(1)), "r-1"),
        with_id(Command::new("prosecutor", None, register(2)), "r-2"), // refused: wrong agency
        with_id(Command::new("officer", None, register(1)), "r-1"), // the same request again
        with_id(Command::new("officer", None, register(3)), "r-1"), // another action, same id
        with_id(Command::new("officer", None, register(4)), "r-4"),
    ];
    let out = futures_join(cmds.into_iter().map(|c| store.submit(c)).collect()).await;
    let first = out[0].as_ref().unwrap();
    assert!(!first.replayed);
    assert!(matches!(out[1], Err(store::StoreError::Refused(_))), "{:?}", out[1]);
    let again = out[2].as_ref().unwrap();
    assert!(again.replayed, "the repeated request is answered with the first outcome");
    assert_eq!((again.position, &again.state.id), (first.position, &first.state.id));
    assert!(matches!(&out[3], Err(store::StoreError::RequestIdReused(r)) if r == "r-1"), "{:?}", out[3]);
    let last = out[4].as_ref().unwrap();
    assert_eq!(last.position, first.position + 1, "refused and replayed commands took no position");
    // After the batch, from the database: the same answers.
    let later = store.submit(with_id(Command::new("officer", None, register(1)), "r-1")).await.unwrap();
    assert!(later.replayed);
    assert_eq!(later.position, first.position);
    assert_eq!(store.events_range(0, 100).await.unwrap().len(), 2);
    store.check_projections().await.unwrap();
    store.verify().await.unwrap().expect("the trace verifies");
}

both!(request_ids_repeated_within_one_batch);

/// Many cases carried through several steps at once, each step submitted twice under one request
/// id (the copies land in the same batch or in the next, while the first copy's batch is being
/// written): every step is taken once and the other copy replayed, case numbers and event
/// positions have no gaps, and projections and trace match a rebuild.
async fn concurrent_workflows_with_repeated_request_ids(b: Backend) {
    let tmp = TestDb::new(b).await;
    let clock = Arc::new(ManualClock::new(at("2025-09-01 09:00")));
    let store = Arc::new(open(&tmp, clock.clone()).await);
    const CASES: usize = 40;
    let mut flows = Vec::new();
    for i in 0..CASES {
        let store = store.clone();
        flows.push(tokio::spawn(async move {
            let twice = |c: Command, rid: String| {
                let mut a = c.clone();
                a.request_id = Some(rid.clone());
                let mut b = c;
                b.request_id = Some(rid);
                (a, b)
            };
            let (a, b) = twice(Command::new("officer", None, register(i)), format!("reg-{i}"));
            let (x, y) = tokio::join!(store.submit(a), store.submit(b));
            let (x, y) = (x.unwrap(), y.unwrap());
            assert_eq!((x.position, &x.state.id), (y.position, &y.state.id), "one registration for both copies");
            assert!(x.replayed != y.replayed, "exactly one copy is replayed");
            let id = x.state.id.clone();
            let steps = [
                ("officer", Action::Detain { person: 1 }),
                ("officer", Action::Interrogate { person: 1 }),
                ("officer", Action::RequestArrest { person: 1 }),
                ("prosecutor", Action::ApproveArrest { person: 1 }),
            ];
            for (n, (who, action)) in steps.into_iter().enumerate() {
                let (a, b) = twice(Command::new(who, Some(&id), action), format!("{id}-{n}"));
                let (x, y) = tokio::join!(store.submit(a), store.submit(b));
                let (x, y) = (x.unwrap(), y.unwrap());
                assert_eq!(x.position, y.position);
                assert_eq!(x.state.version, n as u64 + 2);
            }
            id
        }));
    }
    let mut ids = Vec::new();
    for f in flows {
        ids.push(f.await.unwrap());
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), CASES, "each registration got its own case number");
    let events = store.events_range(0, 10_000).await.unwrap();
    assert_eq!(events.len(), CASES * 5, "each step written once");
    let positions: Vec<u64> = events.iter().map(|(p, _)| *p).collect();
    assert_eq!(positions, (0..(CASES * 5) as u64).collect::<Vec<_>>(), "positions without gaps");
    for id in &ids {
        assert_eq!(store.case(id).await.unwrap().unwrap().version, 5);
    }
    store.check_projections().await.unwrap();
    store.verify().await.unwrap().expect("the trace verifies");
}

both!(concurrent_workflows_with_repeated_request_ids);

/// The cores this process (`None`) or one of its threads may run on, from
/// `/proc/self/[task/TID/]status` (`Cpus_allowed_list: 0-1,4`).
#[cfg(target_os = "linux")]
fn allowed(task: Option<i32>) -> Vec<usize> {
    let path = match task {
        Some(t) => format!("/proc/self/task/{t}/status"),
        None => "/proc/self/status".to_string(),
    };
    let status = std::fs::read_to_string(path).unwrap();
    let list = status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).unwrap().trim().to_string();
    let mut out = Vec::new();
    for part in list.split(',') {
        match part.split_once('-') {
            Some((a, b)) => out.extend(a.parse::<usize>().unwrap()..=b.parse::<usize>().unwrap()),
            None => out.push(part.parse().unwrap()),
        }
    }
    out
}

/// `Store::pin_writer`: on SQLite the writer's thread and its connection's thread end up on the
/// one core chosen, and the store goes on writing; a core the process may not use is refused
/// naming `writer_cpu`; PostgreSQL's writer (a task) is left alone.
#[cfg(target_os = "linux")]
async fn the_writer_chain_is_kept_on_one_core(b: Backend) {
    use store::WriterCpu;
    let tmp = TestDb::new(b).await;
    let store = open(&tmp, Arc::new(ManualClock::new(at("2025-09-01 09:00")))).await;
    let cores = allowed(None);
    match store.pin_writer(WriterCpu::Cpu(usize::MAX)) {
        Err(store::StoreError::Invalid { field, .. }) if b == Backend::Sqlite => assert_eq!(field, "writer_cpu"),
        Ok(None) if b == Backend::Postgres => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(store.pin_writer(WriterCpu::Off).unwrap(), None);
    let pinned = store.pin_writer(WriterCpu::Auto).unwrap();
    if b == Backend::Postgres || cores.len() < 2 {
        assert_eq!(pinned, None);
    } else {
        let p = pinned.expect("pinned");
        assert_eq!(p.cpu, *cores.last().unwrap());
        let names: Vec<String> = p.threads.iter().map(|t| std::fs::read_to_string(format!("/proc/self/task/{t}/comm")).unwrap().trim().to_string()).collect();
        assert!(names.iter().any(|n| n == "lianban-writer"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("sqlx-sqlite-wor")), "{names:?}");
        for t in &p.threads {
            assert_eq!(allowed(Some(*t)), vec![p.cpu], "thread {t}");
        }
        // The core of one's own choice; then every core again.
        let first = cores[0];
        assert_eq!(store.pin_writer(WriterCpu::Cpu(first)).unwrap().map(|p| p.cpu), Some(first));
        assert_eq!(allowed(Some(p.threads[0])), vec![first]);
        assert_eq!(store.pin_writer(WriterCpu::Off).unwrap(), None);
        for t in &p.threads {
            assert_eq!(allowed(Some(*t)), cores, "thread {t}");
        }
        assert!(store.pin_writer(WriterCpu::Auto).unwrap().is_some());
    }
    // Still writing, documents sealed beside the batch included: the registration's row and
    // document are derived on a helper thread the pinned writer starts, which runs on every core.
    let out = store.submit(Command::new("officer", None, register(1))).await.unwrap();
    assert_eq!(out.state.version, 1);
    store.check_projections().await.unwrap();
    if b == Backend::Sqlite && cores.len() >= 2 {
        let helpers: Vec<i32> = std::fs::read_dir("/proc/self/task")
            .unwrap()
            .flatten()
            .filter(|e| std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == "lianban-derive"))
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect();
        assert!(!helpers.is_empty());
        for t in helpers {
            assert_eq!(allowed(Some(t)), cores, "helper thread {t}");
        }
    }
}

#[cfg(target_os = "linux")]
both!(the_writer_chain_is_kept_on_one_core);

/// A backlog of durable commands on SQLite is written in batches of at most 64 (a long batch
/// holds up every request queued behind it: BENCHMARKS.md, session 12), elsewhere of at most 256.
/// Each batch that appends events signs one checkpoint, so the checkpoints' sizes show the
/// batches.
async fn a_backlog_is_written_in_bounded_batches(b: Backend) {
    let tmp = TestDb::new(b).await;
    let store = open(&tmp, Arc::new(ManualClock::new(at("2025-09-01 09:00")))).await;
    let regs: Vec<_> = (0..300).map(|i| store.submit(Command::new("officer", None, register(i)))).collect();
    let out = futures_join(regs).await;
    assert!(out.iter().all(|r| r.is_ok()));
    let mut sizes: Vec<u64> = tmp.strings("SELECT CAST(size AS TEXT) FROM ledger_checkpoints").await.iter().map(|s| s.parse().unwrap()).collect();
    sizes.sort();
    assert_eq!(sizes.last(), Some(&300));
    let largest = sizes.iter().scan(0, |prev, &s| Some(s - std::mem::replace(prev, s))).max().unwrap();
    // On PostgreSQL the cap of 256 is not reached here (tokio's cooperative budget lets about 127
    // commands into the queue at once), so only the SQLite half tests a cap; both test batching.
    let cap = if b == Backend::Sqlite { 64 } else { 256 };
    assert!(largest <= cap, "a batch of {largest} events, more than {cap}: {sizes:?}");
    // The backlog was batched at all (several commands to a commit).
    assert!(sizes.len() < 300, "{} checkpoints for 300 events", sizes.len());
    store.verify().await.unwrap().expect("the trace verifies");
}

both!(a_backlog_is_written_in_bounded_batches);
