//! Durable appends through the store, ledger included, against raw SQLite inserts in the same run.
//!
//! `cargo run --release -p store --example bench_append [COMMANDS] [SUBMITTERS]`
//!
//! 1. COMMANDS case registrations (default 40,000) from SUBMITTERS concurrent tasks (default 512)
//!    through `Store::submit` with `Durability::Full` (WAL, synchronous=FULL): each command is
//!    checked by the stage machine and written, in the writer's batch transaction, as event +
//!    leaf + tree nodes + projections, with one signed checkpoint per batch. Acknowledged = on
//!    disk.
//! 2. The same number of raw `INSERT`s of the same event JSON into a one-table database with the
//!    same pragmas, in transactions of 256 rows (the writer's batch size), on the same disk.
//!
//! Between 1 and 2, COMMANDS / 2 access-audit records (`Store::audit`) from the same submitters,
//! each a row and an access-log leaf. Then `Store::verify` over everything written, timed.
//!
//! With `BENCH_DATABASE_URL=postgres://…` the store runs on PostgreSQL instead (in a fresh schema
//! `bench_append`, `synchronous_commit=on`) and the raw inserts go to a one-table schema
//! `bench_append_raw` of the same database, 256 rows per transaction, through sqlx's native
//! PostgreSQL driver.

use chrono::{TimeZone, Utc};
use domain::action::PersonInput;
use domain::{Action, AgencyKind, Level, Organization, Role, User};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;
use store::{Command, Durability, ManualClock, Store};

fn register(i: usize) -> Action {
    Action::Register {
        title: format!("张某{i}盗窃案"),
        facts: format!("2025年9月1日，张某{i}在某超市盗窃手机一部，价值3000元，后被当场抓获。"),
        charges: vec!["盗窃".into()],
        persons: vec![PersonInput { name: format!("张某{i}"), id_card: Some("11010519491231002X".into()), gender: None, birth_date: None, phone: None, address: None }],
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(40_000);
    let submitters: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(512);
    // On the real disk (not tmpfs), so that fsync costs what it costs.
    let base = std::env::var("BENCH_DIR").unwrap_or_else(|_| "target-ledger/bench-append".into());
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).unwrap();
    let base = std::path::Path::new(&base).canonicalize().unwrap();

    let pg = std::env::var("BENCH_DATABASE_URL").ok().filter(|u| u.starts_with("postgres"));
    if let Some(url) = &pg {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
        for stmt in [
            "DROP SCHEMA IF EXISTS bench_append CASCADE",
            "DROP SCHEMA IF EXISTS bench_append_raw CASCADE",
            "CREATE SCHEMA bench_append",
            "CREATE SCHEMA bench_append_raw",
        ] {
            sqlx::query(stmt).execute(&mut conn).await.unwrap();
        }
    }
    let with_schema = |url: &str, schema: &str| format!("{url}{}options[search_path]={schema}", if url.contains('?') { '&' } else { '?' });

    // 1. Through the store.
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()));
    let store = match &pg {
        None => Store::open(&base.join("lianban.db"), Durability::Full, clock).await.unwrap(),
        Some(url) => Store::open_url(&with_schema(url, "bench_append"), Durability::Full, clock, &base).await.unwrap(),
    };
    println!("backend: {}", store.backend().name());
    store
        .put_organization(&Organization { id: "police".into(), name: "某公安分局".into(), kind: AgencyKind::Police, level: Level::County, jurisdiction: "99".into(), parent: None })
        .await
        .unwrap();
    store
        .put_user(&User { id: "officer".into(), username: "officer".into(), name: "警官".into(), org: "police".into(), role: Role::Officer, active: true }, None)
        .await
        .unwrap();
    let t = Instant::now();
    let mut handles = Vec::with_capacity(submitters);
    for s in 0..submitters {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut i = s;
            while i < n {
                store.submit(Command::new("officer", None, register(i))).await.unwrap();
                i += submitters;
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let store_secs = t.elapsed().as_secs_f64();
    let count = store.event_count().await.unwrap();
    assert_eq!(count as usize, n);

    // 1b. Access-audit records (an audited read each) from the same submitters: each is a row and
    //     a leaf of the access log, with one signed access checkpoint per writer batch.
    let audits = n / 2;
    let t = Instant::now();
    let mut handles = Vec::with_capacity(submitters);
    for s in 0..submitters {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut i = s;
            while i < audits {
                let rec = store::AuditRecord {
                    id: 0,
                    at: Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap(),
                    kind: "read".into(),
                    user_id: Some("officer".into()),
                    org: Some("police".into()),
                    case_id: Some(format!("LB-2026-{:06}", 1 + i % 1000)),
                    resource: "personal_data".into(),
                    reason: format!("GET /api/v1/cases/LB-2026-{:06}", 1 + i % 1000),
                    decision: "allow".into(),
                };
                store.audit(&rec).await.unwrap();
                i += submitters;
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let audit_secs = t.elapsed().as_secs_f64();
    let checkpoints = store.ledger_checkpoint(None).await.unwrap().unwrap();
    assert_eq!(checkpoints.tree_size as usize, n);
    let sample_body = serde_json::to_string(&store.events_range(0, 1).await.unwrap()[0].1).unwrap();

    // 2. Raw inserts, same pragmas (or server), same batch size.
    let t;
    if let Some(url) = &pg {
        let mut conn = sqlx::PgConnection::connect(&with_schema(url, "bench_append_raw")).await.unwrap();
        sqlx::query("CREATE TABLE events (position BIGINT PRIMARY KEY, body TEXT NOT NULL)").execute(&mut conn).await.unwrap();
        t = Instant::now();
        let mut i = 0usize;
        while i < n {
            let mut tx = conn.begin().await.unwrap();
            for _ in 0..256.min(n - i) {
                sqlx::query("INSERT INTO events (position, body) VALUES ($1, $2)")
                    .bind(i as i64)
                    .bind(sample_body.clone())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                i += 1;
            }
            tx.commit().await.unwrap();
        }
    } else {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", base.join("raw.db").display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await.unwrap();
        sqlx::query("CREATE TABLE events (position INTEGER PRIMARY KEY, body TEXT NOT NULL)").execute(&pool).await.unwrap();
        t = Instant::now();
        let mut conn = pool.acquire().await.unwrap();
        let mut i = 0usize;
        while i < n {
            let mut tx = conn.begin().await.unwrap();
            for _ in 0..256.min(n - i) {
                sqlx::query("INSERT INTO events (position, body) VALUES ($1, $2)")
                    .bind(i as i64)
                    .bind(sample_body.clone())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                i += 1;
            }
            tx.commit().await.unwrap();
        }
    }
    let raw_secs = t.elapsed().as_secs_f64();

    // 3. Full verification of what the store wrote.
    let t = Instant::now();
    let report = store.verify().await.unwrap().expect("verifies");
    let verify_secs = t.elapsed().as_secs_f64();
    // Of which: the projections against a rebuild (the rest is reading, leaves, tree, nodes,
    // checkpoints and the access log).
    let t = Instant::now();
    store.check_projections().await.unwrap();
    let projections_secs = t.elapsed().as_secs_f64();

    // 4. The ledger's own CPU work per event, on the stored events: salt, redaction, canonical
    //    leaf, leaf hash, frontier append (what the writer adds per command before its bulk insert).
    let events = store.events_range(0, n as u64).await.unwrap();
    let values: Vec<serde_json::Value> = events.iter().map(|(_, e)| serde_json::to_value(e).unwrap()).collect();
    let t = Instant::now();
    let mut frontier = ledger::Frontier::new();
    let mut nodes = 0usize;
    for (i, v) in values.iter().enumerate() {
        let mut salt = [0u8; 32];
        getrandom::fill(&mut salt).unwrap();
        let leaf = store::leaf::leaf_bytes(i as u64, v, &salt).unwrap();
        let h = ledger::TreeHasher::hash_leaf(&ledger::Sha256Hasher, &leaf);
        frontier.append_with(&ledger::Sha256Hasher, h, |_, _| nodes += 1).unwrap();
    }
    let leaf_secs = t.elapsed().as_secs_f64();

    println!("commands: {n}, submitters: {submitters}, event JSON ~{} bytes", sample_body.len());
    println!("store (event + leaf + nodes + projections + checkpoint per batch, durable): {store_secs:.2} s = {:.0} commands/s", n as f64 / store_secs);
    println!("raw INSERT of the same JSON, 256 per durable transaction: {raw_secs:.2} s = {:.0} rows/s", n as f64 / raw_secs);
    println!("store / raw: {:.1} %", 100.0 * (n as f64 / store_secs) / (n as f64 / raw_secs));
    println!("ledger CPU per event (salt + leaf + hash + frontier): {:.1} µs = {:.1} % of a command's wall time", 1e6 * leaf_secs / n as f64, 100.0 * leaf_secs / store_secs);
    println!("access-audit records (row + access-log leaf + checkpoint per batch, durable): {audits} in {audit_secs:.2} s = {:.0} records/s", audits as f64 / audit_secs);
    println!("verify (leaves, tree, {} checkpoints, projections; access log of {} records): {verify_secs:.2} s = {:.0} events/s", report.checkpoints, report.access_records, n as f64 / verify_secs);
    println!(
        "  of which projections against a rebuild (timed again alone): {projections_secs:.2} s; the rest (read, leaves, tree, checkpoints, access log): {:.2} s = {:.0} events/s",
        verify_secs - projections_secs,
        n as f64 / (verify_secs - projections_secs).max(1e-9)
    );
}
