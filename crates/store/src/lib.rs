//! Lianban's store: the event log and the projections queries read.
//!
//! The key decision: **one writer, one transaction per batch.** Every command goes through a
//! single writer task. It takes whatever commands are waiting (up to a batch), and for each one:
//! loads the case (from the batch's memory, the state cache or the database), decides the action
//! with the domain's stage machine — a refused command has written nothing — and keeps the event;
//! the batch then inserts its events, ledger leaves and every changed case's projections (state,
//! deadlines, inbox tasks, participants) in bulk. The batch commits once, durably (WAL, `synchronous=FULL`), and only then are the callers answered:
//! an acknowledged command is on disk, and a crash loses only unacknowledged ones. The server's
//! clock stamps every event; a request id makes a command idempotent; an expected version gives
//! optimistic concurrency.
//!
//! Projections are a pure function of the events (`domain::machine::apply`), so they can always be
//! rebuilt from scratch and checked against a rebuild.

pub mod accounts;
mod access;
mod affinity;
pub mod blobcrypt;
pub mod blobs;
mod backend;
mod cache;
mod clock;
mod error;
mod feed;
pub mod files;
pub mod leaf;
pub mod trace;
mod projection;
mod qb;
mod read;
mod sql;
mod supervision;
mod verify;
mod writer;

pub use clock::{Clock, ManualClock, SystemClock};
pub use accounts::{ApiTokenRecord, AuditRecord, SealRecord, TotpRecord};
pub use affinity::{PinnedWriter, WriterCpu};
pub use backend::Backend;
pub use cache::CaseRef;
pub use error::StoreError;
pub use feed::FeedConsumer;
pub use files::{CaseFile, FileActor, FileCategory, FilesLogEntry, Manifest, NewFile, SealedView, UploadStatus, Volume};
pub use trace::{LedgerHasher, Log, AlarmView, CheckpointView, ConsistencyView, CosignatureView, EntryView, InclusionView, WitnessView};
pub use read::{CaseQuery, CaseSummary, InboxItem, InboxPage};
pub use verify::{Disagreement, VerifyReport};
pub use supervision::{AlertRecord, FindingRecord, NotificationRecord, SupervisionQuery, SweepSummary};

use domain::{Action, CaseState, Directory, Event, HolidayCalendar, Organization, User};
use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use tokio::sync::{mpsc, oneshot};

/// How hard a commit waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL` (PostgreSQL: `synchronous_commit=on`): a commit is on disk before it is
    /// acknowledged (the default).
    Full,
    /// `synchronous=OFF` (PostgreSQL: `synchronous_commit=off`): for building demo or import data
    /// that can be rebuilt if lost.
    Bulk,
}

/// A command: one person's action on one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// Makes the command idempotent: the same id returns the first outcome.
    pub request_id: Option<String>,
    /// `None` registers a new case.
    pub case_id: Option<String>,
    /// Refuse unless the case is at this version.
    pub expected_version: Option<u64>,
    /// The user acting (already authenticated by the caller).
    pub actor: String,
    pub action: Action,
    /// When the actor claims the act happened, if different from now (never trusted as the
    /// event's time; kept for back-dating detection).
    pub claimed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Command {
    pub fn new(actor: impl Into<String>, case_id: Option<&str>, action: Action) -> Self {
        Self {
            request_id: None,
            case_id: case_id.map(str::to_string),
            expected_version: None,
            actor: actor.into(),
            action,
            claimed_at: None,
        }
    }
}

/// A command queued with [`Store::enqueue_at`]: its outcome once the writer has committed (or
/// refused) it.
pub struct Queued(oneshot::Receiver<Result<Outcome, StoreError>>);

impl Queued {
    pub async fn outcome(self) -> Result<Outcome, StoreError> {
        self.0.await.map_err(|_| StoreError::Closed)?
    }
}

/// Which read of personal data showing an outcome to its actor amounts to (`None`: nothing
/// unmasked), decided by the caller's gate; see [`Store::submit_audited`].
pub type ReadAudit = Box<dyn FnOnce(&Outcome) -> Option<AuditRecord> + Send>;

/// Live sessions looked up recently: token hash → (user id, expiry, when looked up).
pub type SessionCache = std::collections::HashMap<String, (String, chrono::DateTime<chrono::Utc>, std::time::Instant)>;

/// What an accepted command produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub event: Event,
    /// The event's position in the trace (0-based).
    pub position: u64,
    pub state: CaseState,
    /// True when the request id had already been processed and this is the first outcome again.
    pub replayed: bool,
}

pub(crate) struct Shared {
    pub backend: Backend,
    pub read: AnyPool,
    pub write: AnyPool,
    pub directory: RwLock<Arc<Directory>>,
    pub calendar: RwLock<Arc<HolidayCalendar>>,
    pub clock: Arc<dyn Clock>,
    pub ledger: trace::LedgerKey,
    /// The access log's right edge, kept between the writer's batches (`access.rs`).
    pub access_frontier: std::sync::Mutex<Option<ledger::Frontier>>,
    /// Seals personal fields of stored states (`DATA/keys/field.key`).
    pub fields: Arc<accounts::FieldCipher>,
    /// Parsed states of recently read or written cases (`cache.rs`).
    pub cases: cache::CaseCache,
    pub sessions: std::sync::Mutex<SessionCache>,
    /// The ids of sealed cases, loaded on first use (sealing orders are only ever added).
    pub sealed: tokio::sync::OnceCell<RwLock<std::collections::HashSet<String>>>,
    /// `DATA/keys/`: the organizations' seal keys, for documents sealed by the writer.
    pub keys: PathBuf,
    /// On SQLite: the writer's thread and its connection's thread (`Store::pin_writer`).
    pub chain_threads: std::sync::Mutex<Vec<i32>>,
    /// The most jobs the writer takes into one batch (`writer::max_batch`).
    pub max_batch: usize,
}

/// How long a session looked up in the database is trusted without asking again. Logging out
/// or disabling an account through this process forgets it at once; the bound only matters for
/// a session ended by another process on the same database.
const SESSION_CACHE: std::time::Duration = std::time::Duration::from_secs(10);

/// How many cases' parsed states the store keeps in memory (two generations of this many).
const CASE_CACHE: usize = 20_000;

/// The store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
    jobs: mpsc::Sender<writer::Job>,
    path: PathBuf,
    data_dir: PathBuf,
    /// Where case-file blobs live when not in `data_dir/blobs` (`files::Store::with_blobs`).
    blobs: Option<Arc<files::Blobs>>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and starts the writer. The
    /// deployment's ledger signing key lives in `keys/` next to the database (created on first
    /// open, 0600).
    pub async fn open(path: &Path, durability: Durability, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let data_dir = path.parent().unwrap_or_else(|| Path::new(".")).to_path_buf();
        Self::start(Backend::Sqlite, &backend::sqlite_url(path), path.to_path_buf(), data_dir, durability, clock).await
    }

    /// Opens the database a URL names — `sqlite://FILE` or `postgres://…`/`postgresql://…` — and
    /// starts the writer. Keys (`keys/`) and case-file blobs (`blobs/`) live in `data_dir` for
    /// both backends. A PostgreSQL store uses the connection's schema (`search_path`, e.g. the
    /// URL's `options=-c search_path=NAME`).
    pub async fn open_url(url: &str, durability: Durability, clock: Arc<dyn Clock>, data_dir: &Path) -> Result<Self, StoreError> {
        match Backend::from_url(url)? {
            Backend::Sqlite => {
                let path = backend::sqlite_path(url)?;
                Self::start(Backend::Sqlite, &backend::sqlite_url(&path), path, data_dir.to_path_buf(), durability, clock).await
            }
            Backend::Postgres => {
                std::fs::create_dir_all(data_dir).map_err(|e| StoreError::Database(format!("数据目录 {}：{e}", data_dir.display())))?;
                Self::start(Backend::Postgres, url, data_dir.join("lianban.db"), data_dir.to_path_buf(), durability, clock).await
            }
        }
    }

    async fn start(
        backend: Backend,
        url: &str,
        path: PathBuf,
        data_dir: PathBuf,
        durability: Durability,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let (write, read, writer_threads) = backend::connect(backend, url, durability).await?;
        backend.migrator().run(&write).await.map_err(|e| StoreError::Migration(e.to_string()))?;
        let directory = sql::load_directory(&write).await?;
        let calendar = match sql::meta(&write, "calendar").await? {
            Some(tsv) => HolidayCalendar::from_tsv(&tsv).map_err(|e| StoreError::Corrupt(format!("stored calendar: {e}")))?,
            None => HolidayCalendar::builtin(),
        };
        let keys = data_dir.join("keys");
        let key = trace::load_or_create_key(&keys)?;
        let fields = accounts::FieldCipher::load_or_create(&keys)?;
        {
            let mut conn = write.acquire().await.map_err(StoreError::db)?;
            trace::backfill(&mut conn, &key, clock.now()).await?;
            access::backfill(&mut conn, &key, clock.now()).await?;
        }
        let shared = Arc::new(Shared {
            backend,
            read,
            write,
            directory: RwLock::new(Arc::new(directory)),
            calendar: RwLock::new(Arc::new(calendar)),
            clock,
            ledger: key,
            access_frontier: std::sync::Mutex::new(None),
            fields,
            cases: cache::CaseCache::new(CASE_CACHE),
            sessions: Default::default(),
            sealed: Default::default(),
            keys,
            chain_threads: std::sync::Mutex::new(writer_threads),
            max_batch: writer::max_batch(backend, durability),
        });
        let (tx, rx) = mpsc::channel(4096);
        writer::start(shared.clone(), rx);
        let store = Self { shared, jobs: tx, path, data_dir, blobs: None };
        // Databases written before personal fields were sealed at rest, or before the present
        // list of sealed fields: the case states are rewritten (sealed) once.
        if accounts::needs_resealing(&store.shared.read, backend).await? {
            store.rebuild_projections().await?;
            accounts::mark_sealed(&store.shared.write).await?;
        }
        Ok(store)
    }

    /// Keeps the writer's thread and its SQLite connection's thread on one core (`affinity.rs`;
    /// BENCHMARKS.md, "Session 12"). Returns the core and the threads, or `None` when they are not
    /// pinned: `Off` (which gives them back every core the caller may use), `Auto` with one core,
    /// PostgreSQL (whose writer is a task of the server's runtime), or a system other than Linux.
    /// A core the process may not run on is refused (`writer_cpu`), and nothing changes then.
    pub fn pin_writer(&self, choice: WriterCpu) -> Result<Option<PinnedWriter>, StoreError> {
        let threads = self.shared.chain_threads.lock().expect("chain threads lock").clone();
        if self.shared.backend != Backend::Sqlite || threads.is_empty() {
            return Ok(None);
        }
        let allowed = affinity::allowed_cpus();
        let cpu = affinity::choose(choice, &allowed)?;
        let cores = cpu.map_or(allowed, |c| vec![c]);
        for &tid in &threads {
            affinity::pin(tid, &cores).map_err(|e| StoreError::Database(format!("无法设置写入线程{tid}可用的处理器{cores:?}：{e}")))?;
        }
        Ok(cpu.map(|cpu| PinnedWriter { cpu, threads }))
    }

    /// Waits for the writer to finish what it has and closes the database cleanly.
    pub async fn close(self) {
        let Store { shared, jobs, .. } = self;
        drop(jobs);
        shared.write.close().await;
        shared.read.close().await;
    }

    /// The SQLite database file; for PostgreSQL, `lianban.db` in the data directory (a name
    /// other files are placed beside, never opened).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data directory: `keys/` and `blobs/` live here.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The database the store runs on.
    pub fn backend(&self) -> Backend {
        self.shared.backend
    }

    /// Submits a command and waits until it is durably committed (or refused).
    pub async fn submit(&self, cmd: Command) -> Result<Outcome, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.jobs.send(writer::Job::Command { cmd, at: None, audit: None, reply }).await.map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Like [`Store::submit`], for a caller that will show the outcome's state to the actor:
    /// `audit` is asked, inside the writer right after the command is accepted (or replayed),
    /// which read of personal data that showing amounts to, and its record is written in the
    /// same transaction as the command. The answer then waits for one durable commit, not for
    /// the command's and then the read record's. Nothing is recorded for a refused command.
    pub async fn submit_audited(&self, cmd: Command, audit: ReadAudit) -> Result<Outcome, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.jobs.send(writer::Job::Command { cmd, at: None, audit: Some(audit), reply }).await.map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Queues a command whose event is stamped `at` instead of the clock's time, and returns as
    /// soon as the writer has it (waiting only when its queue is full). For building a recorded
    /// history (the demo world): commands queued one after another are applied in that order,
    /// many per transaction and durable commit, instead of one commit each as with
    /// [`Store::submit`]. Never reachable from the API, whose events are stamped by the clock.
    pub async fn enqueue_at(&self, cmd: Command, at: chrono::DateTime<chrono::Utc>) -> Result<Queued, StoreError> {
        let (reply, rx) = oneshot::channel();
        let at = chrono::SubsecRound::trunc_subsecs(at, 6);
        self.jobs.send(writer::Job::Command { cmd, at: Some(at), audit: None, reply }).await.map_err(|_| StoreError::Closed)?;
        Ok(Queued(rx))
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.shared.clock.now()
    }

    pub fn directory(&self) -> Arc<Directory> {
        self.shared.directory.read().expect("directory lock").clone()
    }

    pub fn calendar(&self) -> Arc<HolidayCalendar> {
        self.shared.calendar.read().expect("calendar lock").clone()
    }

    /// Replaces the holiday calendar (validated TSV) and recomputes every deadline.
    pub async fn set_calendar(&self, tsv: &str) -> Result<(), StoreError> {
        let cal = HolidayCalendar::from_tsv(tsv).map_err(|e| StoreError::Invalid { field: "calendar".into(), message: e.to_string() })?;
        sql::set_meta(&self.shared.write, "calendar", tsv).await?;
        *self.shared.calendar.write().expect("calendar lock") = Arc::new(cal);
        self.rebuild_projections().await
    }

    /// Adds or updates an organization.
    pub async fn put_organization(&self, org: &Organization) -> Result<(), StoreError> {
        sql::put_org(&self.shared.write, org).await?;
        self.reload_directory().await
    }

    /// Adds or updates a user; `password_hash` (a PHC string) replaces the stored one when given.
    pub async fn put_user(&self, user: &User, password_hash: Option<&str>) -> Result<(), StoreError> {
        let dir = self.directory();
        let org = dir.org(&user.org).ok_or_else(|| StoreError::Invalid { field: "org".into(), message: format!("单位“{}”不存在", user.org) })?;
        if !user.role.fits(org.kind) {
            return Err(StoreError::Invalid {
                field: "role".into(),
                message: format!("{}不能设在{}", user.role.label(), org.kind.label()),
            });
        }
        sql::put_user(&self.shared.write, user, password_hash).await?;
        self.reload_directory().await
    }

    async fn reload_directory(&self) -> Result<(), StoreError> {
        let dir = sql::load_directory(&self.shared.write).await?;
        *self.shared.directory.write().expect("directory lock") = Arc::new(dir);
        Ok(())
    }

    /// The user with this login name and their password hash.
    pub async fn login_record(&self, username: &str) -> Result<Option<(User, Option<String>)>, StoreError> {
        sql::login_record(&self.shared.read, username).await
    }

    /// Stores a session (by the hash of its token).
    pub async fn create_session(&self, token_hash: &str, user: &str, ttl: chrono::Duration) -> Result<(), StoreError> {
        let now = self.now();
        sql::create_session(&self.shared.write, token_hash, user, now, now + ttl).await
    }

    /// The user of a live session.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let now = self.now();
        let cached = {
            let m = self.shared.sessions.lock().expect("session cache lock");
            m.get(token_hash).filter(|(_, expires, seen)| *expires > now && seen.elapsed() < SESSION_CACHE).map(|(u, _, _)| u.clone())
        };
        let uid = match cached {
            Some(uid) => uid,
            None => {
                let Some((uid, expires)) = sql::session_user(&self.shared.read, token_hash, now).await? else {
                    self.shared.sessions.lock().expect("session cache lock").remove(token_hash);
                    return Ok(None);
                };
                let mut m = self.shared.sessions.lock().expect("session cache lock");
                if m.len() >= 100_000 {
                    m.clear();
                }
                m.insert(token_hash.to_string(), (uid.clone(), expires, std::time::Instant::now()));
                uid
            }
        };
        Ok(self.directory().user(&uid).cloned().filter(|u| u.active))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.shared.sessions.lock().expect("session cache lock").remove(token_hash);
        sql::delete_session(&self.shared.write, token_hash).await
    }

    /// Whether a sealing order covers the case (kept in memory: orders are only ever added).
    pub async fn is_sealed(&self, case_id: &str) -> Result<bool, StoreError> {
        Ok(self.sealed_set().await?.read().expect("sealed lock").contains(case_id))
    }

    /// The current state of a case.
    pub async fn case(&self, id: &str) -> Result<Option<CaseState>, StoreError> {
        if let Some(c) = self.shared.cases.get(id) {
            return Ok(Some(c.state.clone()));
        }
        let s = sql::load_state(&self.shared.read, id).await?;
        if let Some(s) = &s {
            self.shared.cases.put_loaded(s);
        }
        Ok(s)
    }

    /// The current states of several cases at once (lists, inboxes): one query per 500 ids.
    /// Ids without a case are left out.
    pub async fn cases(&self, ids: &[&str]) -> Result<std::collections::HashMap<String, CaseRef>, StoreError> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match self.shared.cases.get(id) {
                Some(c) => {
                    out.insert(id.to_string(), CaseRef(c));
                }
                None => missing.push(*id),
            }
        }
        for chunk in missing.chunks(500) {
            let mut b = qb::QueryBuilder::new(self.shared.backend, "SELECT id, state FROM cases WHERE id IN (");
            let mut sep = b.separated(", ");
            for id in chunk {
                sep.push_bind(id.to_string());
            }
            b.push(")");
            let rows = b.build().fetch_all(&self.shared.read).await.map_err(StoreError::db)?;
            for r in rows {
                use sqlx::Row;
                let s = sql::parse_state(r.get::<&str, _>("state"))?;
                self.shared.cases.put_loaded(&s);
                out.insert(r.get::<String, _>("id"), CaseRef::new(s));
            }
        }
        Ok(out)
    }

    /// A case's events in order.
    pub async fn case_events(&self, id: &str) -> Result<Vec<Event>, StoreError> {
        sql::case_events(&self.shared.read, id).await
    }

    /// Events by trace position, `start <= position < end`.
    pub async fn events_range(&self, start: u64, end: u64) -> Result<Vec<(u64, Event)>, StoreError> {
        sql::events_range(&self.shared.read, start, end).await
    }

    /// How many events the trace holds.
    pub async fn event_count(&self) -> Result<u64, StoreError> {
        sql::event_count(&self.shared.read).await
    }

    /// Recomputes every projection from the events, in one transaction.
    pub async fn rebuild_projections(&self) -> Result<(), StoreError> {
        let r = projection::rebuild(&self.shared).await;
        self.shared.cases.clear();
        r
    }

    /// Compares the stored projections with a rebuild from the events; names the first case that
    /// differs.
    pub async fn check_projections(&self) -> Result<(), StoreError> {
        projection::check(&self.shared).await
    }

    /// Every table's columns as the database describes them — `(table, column, not null, position
    /// in the primary key or 0)` in table then column order — so that a test can check that the
    /// SQLite and PostgreSQL migrations describe the same schema.
    #[doc(hidden)]
    pub async fn schema_columns(&self) -> Result<Vec<(String, String, bool, i64)>, StoreError> {
        let rows: Vec<(String, String, i64, i64)> =
            sqlx::query_as(self.shared.backend.schema_query()).fetch_all(&self.shared.read).await.map_err(StoreError::db)?;
        // SQLite lets key columns be NULL unless declared otherwise; PostgreSQL never does.
        Ok(rows.into_iter().map(|(t, c, nn, pk)| (t, c, nn != 0 || pk > 0, pk)).collect())
    }

    pub(crate) fn jobs(&self) -> &mpsc::Sender<writer::Job> {
        &self.jobs
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }
}
