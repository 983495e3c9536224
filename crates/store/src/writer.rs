//! The single writer: batches of commands, one transaction per batch, events and projections written in bulk.

use crate::{projection, sql, trace, AuditRecord, Command, Outcome, Shared, StoreError};
use ledger::Frontier;
use chrono::Datelike;
use domain::{machine, Action, Actor, CaseState, Event, Refusal, RefusalKind};
use std::collections::HashMap;
use sqlx::{Connection, AnyConnection};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// What the writer is asked to write. Commands and access-audit records share its batches, so a
/// burst of audited reads costs one durable commit, not one each, and never waits for the write
/// connection behind the commands.
pub(crate) enum Job {
    /// `at`: the event's time when given (recorded histories: `Store::enqueue_at`), else the clock.
    /// `audit`: the read record of showing the outcome to the actor (`Store::submit_audited`).
    Command { cmd: Command, at: Option<chrono::DateTime<chrono::Utc>>, audit: Option<crate::ReadAudit>, reply: oneshot::Sender<Result<Outcome, StoreError>> },
    Audit { rec: AuditRecord, reply: oneshot::Sender<Result<i64, StoreError>> },
}

/// The most jobs one batch takes. On SQLite with durable commits a batch takes at most
/// [`MAX_BATCH_DURABLE`]: at 3,100 commands/s offered over HTTP, 64 gave a lower p99 than 256 in
/// five of six alternated runs (median 44.3 against 51.2 ms), because a backlog no longer turns
/// into one long batch that every request behind it waits for (BENCHMARKS.md, session 12).
/// Bulk loads (demo, imports) and PostgreSQL keep 256: their commits are cheap or unmeasured.
pub(crate) const MAX_BATCH: usize = 256;
/// See [`MAX_BATCH`].
pub(crate) const MAX_BATCH_DURABLE: usize = 64;

/// The batch cap for a store (see [`MAX_BATCH`]).
pub(crate) fn max_batch(backend: crate::Backend, durability: crate::Durability) -> usize {
    if backend == crate::Backend::Sqlite && durability == crate::Durability::Full { MAX_BATCH_DURABLE } else { MAX_BATCH }
}

/// Starts the writer. On SQLite it gets a thread and a single-threaded runtime of its own: every
/// statement of a batch is a round trip to SQLite's connection thread, and a writer task sharing
/// the server's runtime would wait behind the request tasks after each one. (A PostgreSQL
/// connection's socket belongs to the runtime that opened it: there the writer stays a task.)
pub(crate) fn start(shared: Arc<Shared>, rx: mpsc::Receiver<Job>) {
    if shared.backend == crate::Backend::Sqlite {
        // The helper threads of `DerivedWork` run beside the writer, on every core the process
        // may use, even when the writer itself is kept on one (`Store::pin_writer`).
        let cores = crate::affinity::allowed_cpus();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("lianban-derive")
            .on_thread_start(move || {
                let _ = crate::affinity::pin(0, &cores);
            })
            .build()
            .expect("the writer's runtime");
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let chain = shared.clone();
        std::thread::Builder::new()
            .name("lianban-writer".into())
            .spawn(move || {
                let _ = tid_tx.send(crate::affinity::current_thread());
                rt.block_on(run(shared, rx))
            })
            .expect("the writer's thread");
        if let Ok(Some(tid)) = tid_rx.recv() {
            chain.chain_threads.lock().expect("chain threads lock").push(tid);
        }
    } else {
        tokio::spawn(run(shared, rx));
    }
}

async fn run(shared: Arc<Shared>, mut rx: mpsc::Receiver<Job>) {
    // The right edge of the trace's tree, kept between batches; reloaded from the stored nodes
    // whenever it may be stale (first batch, a failed batch, another process appended).
    let mut frontier: Option<Frontier> = None;
    // Organizations whose seal key is loaded and registered (added after the batch that
    // registered it commits).
    let mut secrets = crate::files::SealSecrets::new();
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < shared.max_batch {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let mut commands = Vec::new();
        let mut audits = Vec::new();
        for job in batch {
            match job {
                Job::Command { cmd, at, audit, reply } => commands.push(((cmd, at, audit), reply)),
                Job::Audit { rec, reply } => audits.push((rec, reply)),
            }
        }
        let mut reads: Vec<Option<crate::ReadAudit>> = commands.iter_mut().map(|((_, _, a), _)| a.take()).collect();
        let cmds: Vec<(&Command, Option<chrono::DateTime<chrono::Utc>>)> = commands.iter().map(|((c, at, _), _)| (c, *at)).collect();
        let recs: Vec<&AuditRecord> = audits.iter().map(|(r, _)| r).collect();
        let started = std::time::Instant::now();
        let results = run_batch(&shared, &cmds, &mut reads, &recs, &mut frontier, &mut secrets).await;
        // Each batch's size and time, for diagnosing the writer under load
        // (`LIANBAN_LOG=store::writer=debug`; BENCHMARKS.md, session 12).
        tracing::debug!(
            jobs = cmds.len() + recs.len(),
            commands = cmds.len(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            commit_ms = results.as_ref().map(|r| r.2.as_secs_f64() * 1e3).unwrap_or_default(),
            "batch"
        );
        if results.is_err() {
            frontier = None;
        }
        match results {
            Ok((results, ids, _)) => {
                for ((_, reply), r) in commands.into_iter().zip(results) {
                    let _ = reply.send(r);
                }
                for ((_, reply), id) in audits.into_iter().zip(ids) {
                    let _ = reply.send(Ok(id));
                }
            }
            Err(e) => {
                for (_, reply) in commands {
                    let _ = reply.send(Err(StoreError::Database(e.to_string())));
                }
                for (_, reply) in audits {
                    let _ = reply.send(Err(StoreError::Database(e.to_string())));
                }
            }
        }
    }
}

/// The batch's results, the ids of its audit records, and how long its commit took.
type BatchResults = (Vec<Result<Outcome, StoreError>>, Vec<i64>, std::time::Duration);

async fn run_batch(
    shared: &Shared,
    batch: &[(&Command, Option<chrono::DateTime<chrono::Utc>>)],
    reads: &mut [Option<crate::ReadAudit>],
    audits: &[&AuditRecord],
    frontier_slot: &mut Option<Frontier>,
    secrets: &mut crate::files::SealSecrets,
) -> Result<BatchResults, StoreError> {
    let mut conn = shared.write.acquire().await.map_err(StoreError::db)?;
    let mut tx = conn.begin().await.map_err(StoreError::db)?;
    if batch.is_empty() {
        let ids = crate::accounts::insert_audits(&mut tx, shared.backend, audits).await?;
        // The records' leaves in the access log, same transaction.
        let access = crate::access::append(&mut tx, shared, audits, &ids).await?;
        let committing = std::time::Instant::now();
        tx.commit().await.map_err(StoreError::db)?;
        let commit_time = committing.elapsed();
        crate::access::committed(shared, access);
        return Ok((Vec::new(), ids, commit_time));
    }
    let mut out = Vec::with_capacity(batch.len());
    // Asked on the writer's own connection (a reader could lag, and the read pool is busy).
    let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM events")
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::db)?;
    let mut next_position = n as u64;
    // The trace must hold exactly one leaf per event before this batch appends to it.
    let mut frontier = match frontier_slot.take() {
        Some(f) if f.size() == next_position => f,
        other => {
            if other.is_some() {
                // Someone else appended (another process on the same database): what this
                // process cached may be older than the log.
                shared.cases.clear();
            }
            let leaves = trace::leaf_count(&mut tx, trace::Log::Events).await?;
            if leaves != next_position {
                return Err(StoreError::Corrupt(format!(
                    "the trace holds {leaves} leaves for {next_position} events; run `lianban verify`"
                )));
            }
            trace::load_frontier(&mut tx, trace::Log::Events, next_position).await?
        }
    };
    let start_size = frontier.size();
    let mut pending = trace::Pending::default();
    // Read once per batch: the supervision settings can only change between batches (they are
    // written through the same single write connection).
    let cfg = crate::supervision::config(&mut tx).await?;
    let mut cache = BatchCache::default();
    // No savepoint per command: a command is refused (or found invalid) before it writes
    // anything — its event is only kept in memory until the batch's bulk insert — and a failure
    // after its first write (supervision findings: database errors only) fails
    // the whole batch, which then commits nothing.
    // Read records of accepted commands' outcomes (`Store::submit_audited`).
    let mut shown = Vec::new();
    for (&(cmd, at), read) in batch.iter().zip(reads.iter_mut()) {
        let before = frontier.clone();
        let mark = pending.mark();
        match process(shared, &mut tx, cmd, at, next_position, &mut frontier, &mut pending, &cache, &cfg).await {
            Ok((outcome, effect)) => {
                if !outcome.replayed {
                    next_position += 1;
                }
                if let Some(effect) = effect {
                    cache.apply(effect);
                }
                if let Some(rec) = read.take().and_then(|f| f(&outcome)) {
                    shown.push(rec);
                }
                out.push(Ok(outcome));
            }
            Err(Failure::AfterWrite(e)) => return Err(e),
            Err(Failure::Clean(e)) => {
                frontier = before;
                pending.rollback_to(mark);
                if let StoreError::Refused(r) = &e {
                    let dir = shared.directory.read().expect("directory lock").clone();
                    crate::supervision::on_refusal(&mut tx, cmd, r, shared.clock.now(), &dir).await?;
                }
                out.push(Err(e));
            }
        }
    }
    // The case numbers the batch advanced.
    cache.write_counters(&mut tx).await?;
    // The legal documents the batch's decisions issued: their seal ids and keys now, their
    // signatures below.
    let dir = shared.directory.read().expect("directory lock").clone();
    let plan = crate::files::reserve_seals(&mut tx, &shared.keys, &cache.documents, secrets).await?;
    // Pure CPU work goes to another thread while this connection runs the statements that do not
    // need it: the projection rows of every case the batch changed (their sealed state JSON above
    // all) and the documents' signatures (BENCHMARKS.md, session 8).
    let derived = cache.derive(shared, plan, dir);
    insert_events(&mut tx, shared.backend, &cache.events).await?;
    // Access-audit records: those asked for on their own (their ids are answered), then the reads
    // of the batch's outcomes; each also a leaf of the access log, same transaction.
    let all: Vec<&AuditRecord> = audits.iter().copied().chain(shown.iter()).collect();
    let mut ids = crate::accounts::insert_audits(&mut tx, shared.backend, &all).await?;
    let access = crate::access::append(&mut tx, shared, &all, &ids).await?;
    ids.truncate(audits.len());
    if frontier.size() > start_size {
        // The batch's leaves and nodes, in the same transaction as its events.
        trace::flush(&mut tx, &mut pending).await?;
    }
    // The projections, from each case's last state, in bulk and in the same transaction as the
    // events (so they equal a rebuild at every commit); then the sealed documents.
    let (plan, sealed) = cache.take_back(derived).await?;
    cache.write_projections(&mut tx).await?;
    crate::files::write_sealed(&mut tx, &cache.documents, &sealed).await?;
    let loaded = plan.loaded;
    if frontier.size() > start_size {
        trace::sign_checkpoint(&mut tx, &shared.ledger, trace::Log::Events, &frontier, shared.clock.now()).await?;
    }
    let committing = std::time::Instant::now();
    tx.commit().await.map_err(StoreError::db)?;
    let commit_time = committing.elapsed();
    crate::access::committed(shared, access);
    *frontier_slot = Some(frontier);
    secrets.extend(loaded);
    // Committed: the batch's states are now the latest, for readers and the next batches.
    cache.publish(shared);
    Ok((out, ids, commit_time))
}

/// What the batch has done so far, kept in memory: the current state and events of every case it
/// changed (so a later command on the same case reads neither `cases` nor `events`), the case
/// counters it advanced, and which projections to write at the end of the batch.
#[derive(Default)]
struct BatchCache {
    cases: HashMap<String, Touched>,
    order: Vec<String>,
    counters: HashMap<String, i64>,
    /// The batch's accepted events, inserted in bulk before it commits.
    events: Vec<EventRow>,
    /// Request ids of the batch's accepted events → index in `events`.
    request_ids: HashMap<String, usize>,
    /// The legal documents the batch's decisions issued, sealed before it commits.
    documents: Vec<crate::files::IssuedDocument>,
    /// The projection rows derived for each case of `order` (by `derive`), until written.
    rows: Vec<projection::Rows>,
    /// The projection rows written for each case of `order` (by `write_projections`).
    children: Vec<projection::Children>,
}

/// One `events` row waiting for the batch's bulk insert.
struct EventRow {
    position: u64,
    event: Event,
    request_id: Option<String>,
    /// The stored body (personal fields sealed).
    body: String,
}

/// Why a command failed: before writing anything (its refusal is its answer), or after (the
/// batch cannot keep part of it, so the batch fails).
enum Failure {
    Clean(StoreError),
    AfterWrite(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Clean(e)
    }
}

/// The batch's events, in multi-row statements.
async fn insert_events(conn: &mut AnyConnection, backend: crate::Backend, rows: &[EventRow]) -> Result<(), StoreError> {
    for chunk in crate::qb::pow2_chunks(rows, 128) {
        let mut b = crate::qb::QueryBuilder::new(backend, "INSERT INTO events (position, case_id, seq, at, kind, actor_user, actor_org, request_id, body) ");
        b.push_values(chunk, |mut r, row| {
            r.push_bind(row.position as i64)
                .push_bind(row.event.case_id.clone())
                .push_bind(row.event.seq as i64)
                .push_bind(sql::ts(row.event.at))
                .push_bind(row.event.action.kind())
                .push_bind(row.event.actor.user.clone())
                .push_bind(row.event.actor.org.clone())
                .push_bind(row.request_id.clone())
                .push_bind(row.body.clone());
        });
        b.build().execute(&mut *conn).await.map_err(StoreError::db)?;
    }
    Ok(())
}

struct Touched {
    state: CaseState,
    events: Vec<Event>,
    at: chrono::DateTime<chrono::Utc>,
    /// Registered in this batch: no projection rows to replace.
    fresh: bool,
    /// The case's projection rows as stored before the batch, when the cache knew them.
    prev: Option<Arc<projection::Children>>,
}

/// The effect of one accepted command on the cache, applied once the command is accepted.
struct Effect {
    case_id: String,
    touched: Touched,
    counter: Option<(String, i64)>,
    row: EventRow,
    documents: Vec<crate::files::IssuedDocument>,
}

impl BatchCache {
    fn apply(&mut self, e: Effect) {
        if let Some((name, value)) = e.counter {
            self.counters.insert(name, value);
        }
        if let Some(rid) = &e.row.request_id {
            self.request_ids.insert(rid.clone(), self.events.len());
        }
        self.events.push(e.row);
        self.documents.extend(e.documents);
        match self.cases.get_mut(&e.case_id) {
            Some(t) => {
                let (fresh, prev) = (t.fresh, t.prev.take());
                *t = Touched { fresh, prev, ..e.touched };
            }
            None => {
                self.order.push(e.case_id.clone());
                self.cases.insert(e.case_id, e.touched);
            }
        }
    }

    /// Hands every changed case's state and events to the store's cache (after the commit).
    fn publish(self, shared: &Shared) {
        let BatchCache { mut cases, order, children, .. } = self;
        for (id, rows) in order.into_iter().zip(children) {
            if let Some(t) = cases.remove(&id) {
                shared.cases.put_committed(&id, t.state, t.events, Some(Arc::new(rows)));
            }
        }
    }

    async fn write_counters(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        for (name, value) in &self.counters {
            sqlx::query("INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                .bind(name.clone())
                .bind(*value)
                .execute(&mut *conn)
                .await
                .map_err(StoreError::db)?;
        }
        Ok(())
    }

    /// Starts deriving the batch's projection rows and signing its documents on a blocking
    /// thread; [`BatchCache::take_back`] does what that thread has not started yet on the writer's
    /// own thread (a helper that waits for a core must not hold the batch up) and takes the
    /// results.
    fn derive(&mut self, shared: &Shared, plan: crate::files::SealPlan, dir: Arc<domain::Directory>) -> Derived {
        let cases = std::mem::take(&mut self.cases);
        let documents = std::mem::take(&mut self.documents);
        let (nc, nd) = (self.order.len(), documents.len());
        let work = Arc::new(DerivedWork {
            cases,
            order: self.order.clone(),
            documents,
            plan,
            dir,
            cal: shared.calendar.read().expect("calendar lock").clone(),
            fields: shared.fields.clone(),
            next: std::sync::atomic::AtomicUsize::new(0),
            rows: (0..nc).map(|_| std::sync::OnceLock::new()).collect(),
            sealed: (0..nd).map(|_| std::sync::OnceLock::new()).collect(),
        });
        // One item is not worth a hand-over (a batch of one command at light load).
        let handle = (nc + nd > 1).then(|| {
            let helper = work.clone();
            tokio::task::spawn_blocking(move || helper.run())
        });
        Derived { work, handle }
    }

    /// The cases and documents back from [`BatchCache::derive`], with the rows and signatures.
    async fn take_back(&mut self, derived: Derived) -> Result<(crate::files::SealPlan, Vec<crate::files::SealedRow>), StoreError> {
        let Derived { work, handle } = derived;
        work.run();
        // The helper finishes the item it has in hand, if any.
        if let Some(handle) = handle {
            handle.await.map_err(|e| StoreError::Database(format!("the writer's helper thread failed: {e}")))?;
        }
        let w = Arc::try_unwrap(work).unwrap_or_else(|_| unreachable!("the helper has finished"));
        self.cases = w.cases;
        self.documents = w.documents;
        self.rows = w.rows.into_iter().map(|r| r.into_inner().expect("every case's rows derived")).collect::<Result<_, _>>()?;
        let sealed = w.sealed.into_iter().map(|r| r.into_inner().expect("every document signed")).collect::<Result<_, _>>()?;
        Ok((w.plan, sealed))
    }

    /// Writes the rows [`BatchCache::take_back`] brought back.
    async fn write_projections(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let items: Vec<_> = self
            .order
            .iter()
            .map(|id| &self.cases[id])
            .map(|t| (&t.state, t.at, if t.fresh { Some(&projection::NO_ROWS) } else { t.prev.as_deref() }))
            .collect();
        self.children = projection::write_rows(conn, &items, std::mem::take(&mut self.rows)).await?;
        Ok(())
    }
}

/// The work of [`BatchCache::derive`]: the helper and the writer take items from `next`, the
/// cases' rows first, then the documents' signatures.
struct Derived {
    work: Arc<DerivedWork>,
    /// The helper's task; none for a single item.
    handle: Option<tokio::task::JoinHandle<()>>,
}

struct DerivedWork {
    cases: HashMap<String, Touched>,
    order: Vec<String>,
    documents: Vec<crate::files::IssuedDocument>,
    plan: crate::files::SealPlan,
    dir: Arc<domain::Directory>,
    cal: Arc<domain::HolidayCalendar>,
    fields: Arc<crate::accounts::FieldCipher>,
    next: std::sync::atomic::AtomicUsize,
    rows: Vec<std::sync::OnceLock<Result<projection::Rows, StoreError>>>,
    sealed: Vec<std::sync::OnceLock<Result<crate::files::SealedRow, StoreError>>>,
}

impl DerivedWork {
    /// Takes items until none is left.
    fn run(&self) {
        let nc = self.rows.len();
        loop {
            let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i < nc {
                let t = &self.cases[&self.order[i]];
                let _ = self.rows[i].set(projection::rows(&t.state, t.at, &self.cal, &self.fields));
            } else if i - nc < self.sealed.len() {
                let j = i - nc;
                let _ = self.sealed[j].set(crate::files::sign_issued(&self.plan, &self.dir, &self.documents, j));
            } else {
                return;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn process(
    shared: &Shared,
    conn: &mut AnyConnection,
    cmd: &Command,
    at: Option<chrono::DateTime<chrono::Utc>>,
    position: u64,
    frontier: &mut Frontier,
    pending: &mut trace::Pending,
    cache: &BatchCache,
    cfg: &supervision::Config,
) -> Result<(Outcome, Option<Effect>), Failure> {
    if let Some(rid) = &cmd.request_id {
        if rid.is_empty() || rid.len() > 200 {
            return Err(StoreError::Invalid { field: "request_id".into(), message: "请求编号应为1至200个字符".into() }.into());
        }
        // Accepted earlier in this batch (not yet inserted), or in an earlier one.
        let row: Option<(i64, Event)> = match cache.request_ids.get(rid) {
            Some(&i) => Some((cache.events[i].position as i64, cache.events[i].event.clone())),
            None => {
                let row: Option<(i64, String)> = sqlx::query_as("SELECT position, body FROM events WHERE request_id = $1")
                    .bind(rid.clone())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(StoreError::db)?;
                row.map(|(p, body)| Ok::<_, StoreError>((p, sql::parse_event(&body)?))).transpose()?
            }
        };
        if let Some((pos, event)) = row {
            if event.action != cmd.action || event.actor.user != cmd.actor {
                return Err(StoreError::RequestIdReused(rid.clone()).into());
            }
            let state = match cache.cases.get(&event.case_id) {
                Some(t) => Some(t.state.clone()),
                None => match shared.cases.get(&event.case_id) {
                    Some(c) => Some(c.state.clone()),
                    None => sql::load_state_conn(conn, &event.case_id).await?,
                },
            }
            .ok_or_else(|| StoreError::Corrupt(format!("case {} of event {pos} has no state", event.case_id)))?;
            return Ok((Outcome { event, position: pos as u64, state, replayed: true }, None));
        }
    }
    let dir = shared.directory.read().expect("directory lock").clone();
    let cal = shared.calendar.read().expect("calendar lock").clone();
    let user = dir.user(&cmd.actor).ok_or_else(|| StoreError::NotFound(format!("user {}", cmd.actor)))?;
    if !user.active {
        return Err(StoreError::Refused(Refusal::new(RefusalKind::WrongRole, "账号已停用")).into());
    }
    let org = dir.org(&user.org).ok_or_else(|| StoreError::Corrupt(format!("user {} has no organization", user.id)))?;
    let actor = Actor { user: user.id.clone(), name: user.name.clone(), org: org.id.clone(), agency: org.kind, role: user.role };
    let now = at.unwrap_or_else(|| shared.clock.now());
    let mut counter = None;
    let (case_id, state) = match (&cmd.case_id, &cmd.action) {
        (None, Action::Register { .. }) => {
            let year = domain::period::local_date(now).year();
            let name = format!("case:{year}");
            // The batch's counters are advanced in memory and written once at its end.
            let current = match cache.counters.get(&name) {
                Some(v) => *v,
                None => sqlx::query_scalar::<_, i64>("SELECT value FROM counters WHERE name = $1")
                    .bind(name.clone())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(StoreError::db)?
                    .unwrap_or(0),
            };
            let n = current + 1;
            counter = Some((name, n));
            (domain::ids::case_id(year, n as u64), None)
        }
        (None, _) => {
            return Err(StoreError::Invalid { field: "case_id".into(), message: "除立案外，操作须指明案件".into() }.into());
        }
        (Some(_), Action::Register { .. }) => {
            return Err(StoreError::Invalid { field: "case_id".into(), message: "立案时不能指定案件编号".into() }.into());
        }
        (Some(id), _) => {
            let st = match cache.cases.get(id) {
                Some(t) => Some(t.state.clone()),
                None => match shared.cases.get(id) {
                    Some(c) => Some(c.state.clone()),
                    None => sql::load_state_conn(conn, id).await?,
                },
            }
            .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
            (id.clone(), Some(st))
        }
    };
    if let (Some(expected), Some(st)) = (cmd.expected_version, &state)
        && expected != st.version
    {
        return Err(StoreError::VersionConflict { case_id, expected, actual: st.version }.into());
    }
    let (event, next) = machine::decide(&case_id, state.as_ref(), cmd.action.clone(), actor, now, cmd.claimed_at, &dir, &cal)
        .map_err(StoreError::Refused)?;
    let value = serde_json::to_value(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Personal fields are sealed at rest in the event log too; the leaf hashes the plaintext.
    // The row itself is inserted with the batch's others, before the batch commits.
    let body = crate::accounts::seal_event_value(&value, &shared.fields)?.to_string();
    // The event's leaf and the tree nodes it completes: computed now, written with the batch
    // (dropped again if this command fails).
    trace::stage(&shared.ledger, frontier, pending, position, &value)?;
    // The case's events, this one included, for the supervision rules (its projections are
    // written at the end of the batch).
    let fresh = state.is_none();
    let mut events = match (cache.cases.get(&case_id), fresh) {
        (Some(t), _) => t.events.clone(),
        (None, true) => Vec::new(),
        (None, false) => match shared.cases.get(&case_id).and_then(|c| c.events.clone()) {
            // Cached events are those of the state this command was decided on.
            Some(ev) if ev.last().map(|e| e.seq) == Some(event.seq - 1) => ev,
            _ => crate::supervision::events_of(conn, &case_id).await?,
        },
    };
    if events.last().map(|e| e.seq) != Some(event.seq) {
        events.push(event.clone());
    }
    // What the case's projection rows are now, if known (kept from its first touch in a batch).
    let prev = match (cache.cases.get(&case_id), fresh) {
        (None, false) => shared.cases.get(&case_id).and_then(|c| c.children.clone()),
        _ => None,
    };
    // From here on the command writes: a failure fails the batch.
    crate::supervision::evaluate(conn, &next, &events, &dir, &cal, event.at, cfg).await.map_err(Failure::AfterWrite)?;
    // The legal documents the decision issues, sealed with the batch (same transaction).
    let documents = crate::files::issued_documents(&dir, &next, &event);
    let effect = Effect {
        case_id: case_id.clone(),
        touched: Touched { state: next.clone(), events, at: event.at, fresh, prev },
        counter,
        row: EventRow { position, event: event.clone(), request_id: cmd.request_id.clone(), body },
        documents,
    };
    Ok((Outcome { event, position, state: next, replayed: false }, Some(effect)))
}
