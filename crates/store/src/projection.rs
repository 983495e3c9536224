//! Projections: the rows queries read, derived from a case's state alone.

use crate::sql::{self, ts};
use crate::{Shared, StoreError};
use chrono::{DateTime, Utc};
use domain::case::ClockState;
use domain::{view, CaseState, HolidayCalendar};
use crate::qb::QueryBuilder;
use sqlx::{AnyConnection, Connection, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rows {
    case: Vec<String>,
    deadlines: Vec<Vec<String>>,
    tasks: Vec<Vec<String>>,
    orgs: Vec<String>,
}

fn opt(v: Option<impl ToString>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub(crate) fn rows(s: &CaseState, updated_at: DateTime<Utc>, cal: &HolidayCalendar, fields: &crate::accounts::FieldCipher) -> Result<Rows, StoreError> {
    let json = |v: &dyn erased::Ser| v.to_json();
    let case = vec![
        s.id.clone(),
        s.version.to_string(),
        s.stage.code().to_string(),
        opt(s.holder()),
        s.title.clone(),
        json(&s.charges)?,
        s.police_org.clone(),
        ts(s.registered_at),
        ts(updated_at),
        // Personal fields are sealed at rest (accounts::FieldCipher).
        crate::accounts::seal_state_json(s, fields)?,
    ];
    let mut deadlines = Vec::new();
    for d in view::deadlines(s, cal) {
        let (status, ended) = match d.state {
            ClockState::Running => ("running", None),
            ClockState::Met { at } => ("met", Some(ts(at))),
            ClockState::Stopped { at } => ("stopped", Some(ts(at))),
        };
        deadlines.push(vec![
            s.id.clone(),
            d.clock_id.to_string(),
            d.kind.code().to_string(),
            opt(d.person),
            d.org.clone(),
            ts(d.started_at),
            d.due.last_day.to_string(),
            ts(d.due.expires_at),
            status.to_string(),
            opt(ended),
            json(&d)?,
        ]);
    }
    let tasks = view::tasks(s)
        .into_iter()
        .map(|t| {
            vec![s.id.clone(), t.org, t.kind, opt(t.person), t.label, (t.incoming as i64).to_string(), ts(updated_at)]
        })
        .collect();
    let orgs = s.participants().into_iter().map(str::to_string).collect();
    Ok(Rows { case, deadlines, tasks, orgs })
}

mod erased {
    use crate::StoreError;
    pub trait Ser {
        fn to_json(&self) -> Result<String, StoreError>;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> Result<String, StoreError> {
            serde_json::to_string(self).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
    }
}

/// Below this many cases their rows are derived on the calling thread. A writer's batch (about a
/// hundred cases) spawned threads for them, which under load wait for a core the server's request
/// threads are using; the writer's phase took as long without them (BENCHMARKS.md, session 5).
/// Rebuilds are larger.
const PARALLEL_ROWS: usize = 1024;

/// The rows of many cases, derived on every core when there are many (a rebuild's chunks).
fn rows_of_all(cases: &[(&CaseState, DateTime<Utc>, Option<&Children>)], cal: &HolidayCalendar, fields: &crate::accounts::FieldCipher) -> Result<Vec<Rows>, StoreError> {
    let threads = ledger::default_threads().min(8);
    if threads < 2 || cases.len() < PARALLEL_ROWS {
        return cases.iter().map(|(s, at, _)| rows(s, *at, cal, fields)).collect();
    }
    let per = cases.len().div_ceil(threads);
    let parts: Vec<Result<Vec<Rows>, StoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(per)
            .map(|chunk| scope.spawn(move || chunk.iter().map(|(s, at, _)| rows(s, *at, cal, fields)).collect::<Result<Vec<_>, _>>()))
            .collect();
        handles.into_iter().map(|h| h.join().expect("projection rows thread")).collect()
    });
    let mut all = Vec::with_capacity(cases.len());
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

fn null_if_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Rows per multi-row statement at most (SQLite allows 32,766 parameters; the widest row binds
/// 11), in power-of-two pieces (`qb::pow2_chunks`).
const CHUNK: usize = 128;

/// A case's projection rows besides its `cases` row, as last written: the writer's cache keeps
/// them (`cache::Cached::children`) so that the next write of the case writes only what changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Children {
    deadlines: Vec<Vec<String>>,
    orgs: Vec<String>,
}

/// No rows at all: a case just registered, or after a rebuild's deletes.
pub(crate) static NO_ROWS: Children = Children { deadlines: Vec::new(), orgs: Vec::new() };

/// Writes the projection rows of several cases with a few multi-row statements. `prev` is what
/// is stored for the case now (its last written [`Children`]; [`NO_ROWS`] when it has none), or
/// `None` when unknown: then its deadlines are deleted and rewritten. With `prev` known, only
/// deadlines that changed are written (upserted) and only organizations that are new; tasks are
/// always rewritten (their `since` is the case's last change). Returns each case's new
/// [`Children`], in order.
pub(crate) async fn write_cases(
    conn: &mut AnyConnection,
    cases: &[(&CaseState, DateTime<Utc>, Option<&Children>)],
    cal: &HolidayCalendar,
    fields: &crate::accounts::FieldCipher,
) -> Result<Vec<Children>, StoreError> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let all = rows_of_all(cases, cal, fields)?;
    write_rows(conn, cases, all).await
}

/// Writes rows derived by [`rows`] (one per case, in order), as [`write_cases`] does: the writer
/// derives them on another thread while its connection runs the batch's other statements.
pub(crate) async fn write_rows(
    conn: &mut AnyConnection,
    cases: &[(&CaseState, DateTime<Utc>, Option<&Children>)],
    all: Vec<Rows>,
) -> Result<Vec<Children>, StoreError> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    debug_assert_eq!(cases.len(), all.len());
    let backend = crate::Backend::of(conn);
    for chunk in crate::qb::pow2_chunks(&cases.iter().zip(&all).collect::<Vec<_>>(), CHUNK) {
        let mut b: QueryBuilder = QueryBuilder::new(
            backend,
            "INSERT INTO cases (id, version, stage, holder, title, charges, police_org, registered_at, updated_at, state) ",
        );
        b.push_values(chunk, |mut b, ((s, _, _), r)| {
            let c = &r.case;
            b.push_bind(c[0].clone())
                .push_bind(s.version as i64)
                .push_bind(c[2].clone())
                .push_bind(null_if_empty(&c[3]))
                .push_bind(c[4].clone())
                .push_bind(c[5].clone())
                .push_bind(c[6].clone())
                .push_bind(c[7].clone())
                .push_bind(c[8].clone())
                .push_bind(c[9].clone());
        });
        b.push(
            " ON CONFLICT (id) DO UPDATE SET version = excluded.version, stage = excluded.stage, holder = excluded.holder,
             title = excluded.title, charges = excluded.charges, police_org = excluded.police_org,
             registered_at = excluded.registered_at, updated_at = excluded.updated_at, state = excluded.state",
        );
        b.build().execute(&mut *conn).await.map_err(StoreError::db)?;
    }
    let has_rows = |prev: &Option<&Children>| !prev.is_some_and(|p| std::ptr::eq(p, &NO_ROWS));
    // Tasks of every case that may have some; deadlines of those whose stored rows are unknown.
    let stale: Vec<&str> = cases.iter().filter(|(_, _, prev)| has_rows(prev)).map(|(s, _, _)| s.id.as_str()).collect();
    let unknown: Vec<&str> = cases.iter().filter(|(_, _, prev)| prev.is_none()).map(|(s, _, _)| s.id.as_str()).collect();
    for (table, ids) in [("tasks", &stale), ("deadlines", &unknown)] {
        for chunk in crate::qb::pow2_chunks(ids, CHUNK) {
            let mut b: QueryBuilder = QueryBuilder::new(backend, format!("DELETE FROM {table} WHERE case_id IN ("));
            let mut sep = b.separated(", ");
            for id in chunk {
                sep.push_bind(id.to_string());
            }
            sep.push_unseparated(")");
            b.build().execute(&mut *conn).await.map_err(StoreError::db)?;
        }
    }
    // Deadlines: every row of a case whose rows are unknown, else the rows that changed; a
    // deadline that is gone (none is, today: clocks are only added) is deleted.
    let mut deadlines: Vec<&Vec<String>> = Vec::new();
    let mut gone: Vec<(&str, String)> = Vec::new();
    for ((s, _, prev), r) in cases.iter().zip(&all) {
        match prev {
            None => deadlines.extend(&r.deadlines),
            Some(p) => {
                deadlines.extend(r.deadlines.iter().filter(|d| !p.deadlines.contains(d)));
                for old in &p.deadlines {
                    if !r.deadlines.iter().any(|d| d[1] == old[1]) {
                        gone.push((s.id.as_str(), old[1].clone()));
                    }
                }
            }
        }
    }
    for (case_id, clock_id) in gone {
        sqlx::query("DELETE FROM deadlines WHERE case_id = $1 AND clock_id = $2")
            .bind(case_id.to_string())
            .bind(clock_id.parse::<i64>().unwrap_or_default())
            .execute(&mut *conn)
            .await
            .map_err(StoreError::db)?;
    }
    for chunk in crate::qb::pow2_chunks(&deadlines, CHUNK) {
        let mut b: QueryBuilder = QueryBuilder::new(
            backend,
            "INSERT INTO deadlines (case_id, clock_id, kind, person, org, started_at, last_day, expires_at, status, ended_at, body) ",
        );
        b.push_values(chunk, |mut b, d| {
            b.push_bind(d[0].clone())
                .push_bind(d[1].parse::<i64>().unwrap_or_default())
                .push_bind(d[2].clone())
                .push_bind(d[3].parse::<i64>().ok())
                .push_bind(d[4].clone())
                .push_bind(d[5].clone())
                .push_bind(d[6].clone())
                .push_bind(d[7].clone())
                .push_bind(d[8].clone())
                .push_bind(null_if_empty(&d[9]))
                .push_bind(d[10].clone());
        });
        b.push(
            " ON CONFLICT (case_id, clock_id) DO UPDATE SET kind = excluded.kind, person = excluded.person, org = excluded.org,
             started_at = excluded.started_at, last_day = excluded.last_day, expires_at = excluded.expires_at,
             status = excluded.status, ended_at = excluded.ended_at, body = excluded.body",
        );
        b.build().execute(&mut *conn).await.map_err(StoreError::db)?;
    }
    let tasks: Vec<&Vec<String>> = all.iter().flat_map(|r| &r.tasks).collect();
    for chunk in crate::qb::pow2_chunks(&tasks, CHUNK) {
        let mut b: QueryBuilder = QueryBuilder::new(backend, "INSERT INTO tasks (case_id, org, kind, person, label, incoming, since) ");
        b.push_values(chunk, |mut b, t| {
            b.push_bind(t[0].clone())
                .push_bind(t[1].clone())
                .push_bind(t[2].clone())
                .push_bind(t[3].parse::<i64>().ok())
                .push_bind(t[4].clone())
                .push_bind(t[5].parse::<i64>().unwrap_or_default())
                .push_bind(t[6].clone());
        });
        b.build().execute(&mut *conn).await.map_err(StoreError::db)?;
    }
    // Organizations only ever join a case (`case_orgs` rows are never deleted).
    let orgs: Vec<(&str, &String)> = cases
        .iter()
        .zip(&all)
        .flat_map(|((_, _, prev), r)| r.orgs.iter().filter(move |o| !prev.is_some_and(|p| p.orgs.contains(o))).map(move |o| (r.case[0].as_str(), o)))
        .collect();
    for chunk in crate::qb::pow2_chunks(&orgs, CHUNK) {
        let mut b: QueryBuilder = QueryBuilder::new(backend, "INSERT INTO case_orgs (case_id, org) ");
        b.push_values(chunk, |mut b, (id, o)| {
            b.push_bind(id.to_string()).push_bind((*o).clone());
        });
        b.push(" ON CONFLICT DO NOTHING");
        b.build().execute(&mut *conn).await.map_err(StoreError::db)?;
    }
    Ok(all.into_iter().map(|r| Children { deadlines: r.deadlines, orgs: r.orgs }).collect())
}

async fn stored_rows(conn: &mut AnyConnection, id: &str) -> Result<Rows, StoreError> {
    let text = |r: &sqlx::any::AnyRow, i: usize| -> String {
        r.try_get::<Option<String>, _>(i)
            .ok()
            .flatten()
            .or_else(|| r.try_get::<Option<i64>, _>(i).ok().flatten().map(|n| n.to_string()))
            .unwrap_or_default()
    };
    let case = match sqlx::query(
        "SELECT id, version, stage, holder, title, charges, police_org, registered_at, updated_at, state FROM cases WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::db)?
    {
        Some(r) => (0..10).map(|i| text(&r, i)).collect(),
        None => vec![],
    };
    let deadlines = sqlx::query(
        "SELECT case_id, clock_id, kind, person, org, started_at, last_day, expires_at, status, ended_at, body
         FROM deadlines WHERE case_id = $1 ORDER BY clock_id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(StoreError::db)?
    .iter()
    .map(|r| (0..11).map(|i| text(r, i)).collect())
    .collect();
    let tasks = sqlx::query("SELECT case_id, org, kind, person, label, incoming, since FROM tasks WHERE case_id = $1")
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::db)?
        .iter()
        .map(|r| (0..7).map(|i| text(r, i)).collect())
        .collect();
    let orgs = sqlx::query_scalar("SELECT org FROM case_orgs WHERE case_id = $1 ORDER BY org")
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    Ok(Rows { case, deadlines, tasks, orgs })
}

/// Folds every case's events, in case order, calling `each` with the rebuilt state.
async fn fold_cases<F>(conn: &mut AnyConnection, cal: &HolidayCalendar, mut each: F) -> Result<u64, StoreError>
where
    F: AsyncFnMut(&CaseState, DateTime<Utc>) -> Result<(), StoreError>,
{
    let rows = sqlx::query("SELECT position, case_id, body FROM events ORDER BY case_id, seq")
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::db)?;
    let mut current: Option<(CaseState, DateTime<Utc>)> = None;
    let mut cases = 0;
    for r in rows {
        let position: i64 = r.get("position");
        let event = sql::parse_event(r.get::<&str, _>("body"))?;
        let prev = match current.take() {
            Some((s, at)) if s.id == event.case_id => Some(s).map(|s| (s, at)),
            Some((s, at)) => {
                each(&s, at).await?;
                cases += 1;
                None
            }
            None => None,
        };
        let next = domain::machine::apply(prev.as_ref().map(|(s, _)| s), &event, cal)
            .map_err(|r| StoreError::Corrupt(format!("event at position {position} (case {} seq {}) does not replay: {r}", event.case_id, event.seq)))?;
        current = Some((next, event.at));
    }
    if let Some((s, at)) = current {
        each(&s, at).await?;
        cases += 1;
    }
    Ok(cases)
}

pub(crate) async fn rebuild(shared: &Shared) -> Result<(), StoreError> {
    let cal = shared.calendar.read().expect("calendar lock").clone();
    let mut conn = shared.write.acquire().await.map_err(StoreError::db)?;
    let mut tx = conn.begin().await.map_err(StoreError::db)?;
    for t in ["cases", "deadlines", "tasks", "case_orgs"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {t}"))).execute(&mut *tx).await.map_err(StoreError::db)?;
    }
    let states = {
        let mut v = Vec::new();
        fold_cases(&mut tx, &cal, async |s, at| {
            v.push((s.clone(), at));
            Ok(())
        })
        .await?;
        v
    };
    // Every row was deleted above: write the cases in bulk, nothing to delete first.
    for chunk in states.chunks(PARALLEL_ROWS) {
        let items: Vec<(&CaseState, DateTime<Utc>, Option<&Children>)> = chunk.iter().map(|(s, at)| (s, *at, Some(&NO_ROWS))).collect();
        write_cases(&mut tx, &items, &cal, &shared.fields).await?;
    }
    tx.commit().await.map_err(StoreError::db)?;
    Ok(())
}

fn sorted(rows: &[Vec<String>]) -> Vec<&Vec<String>> {
    let mut v: Vec<_> = rows.iter().collect();
    v.sort();
    v
}

pub(crate) async fn check(shared: &Shared) -> Result<(), StoreError> {
    let cal = shared.calendar.read().expect("calendar lock").clone();
    let mut conn = shared.read.acquire().await.map_err(StoreError::db)?;
    let mut expected = Vec::new();
    let n = fold_cases(&mut conn, &cal, async |s, at| {
        expected.push(rows(s, at, &cal, &shared.fields)?);
        Ok(())
    })
    .await?;
    for want in &expected {
        let id = &want.case[0];
        let got = stored_rows(&mut conn, id).await?;
        for (what, same) in [
            ("cases", got.case == want.case),
            ("deadlines", got.deadlines == want.deadlines),
            // Task rows have no order of their own (no rowid on PostgreSQL): compared as sets.
            ("tasks", sorted(&got.tasks) == sorted(&want.tasks)),
            ("case_orgs", got.orgs == want.orgs),
        ] {
            if !same {
                return Err(StoreError::Corrupt(format!("projection `{what}` of case {id} differs from a rebuild from the events")));
            }
        }
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&mut *conn).await.map_err(StoreError::db)?;
    if stored as u64 != n {
        return Err(StoreError::Corrupt(format!("projection `cases` has {stored} rows but the events describe {n} cases")));
    }
    Ok(())
}
