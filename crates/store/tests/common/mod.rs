#![allow(dead_code)]
//! A small world for store tests: one city and one district, each with its five agencies; and the
//! databases the shared suite runs against. Every test body is written once, taking a
//! [`Backend`], and `both!(name)` makes two tests of it: `name::sqlite` (a file in a temporary
//! folder) and `name::postgres` (a fresh schema in the PostgreSQL database at
//! `postgres://root@127.0.0.1:5432/test`, or `$LIANBAN_TEST_PG_URL`, dropped afterwards). An
//! unreachable PostgreSQL fails the test; it is never skipped.

use chrono::{DateTime, TimeZone, Utc};
use domain::{AgencyKind, Level, Organization, Role, User};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
pub use store::Backend;
use store::{Clock, Durability, ManualClock, Store};

/// The two tests of one body: `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    };
}

/// The PostgreSQL server the suite runs against.
pub fn pg_url() -> String {
    std::env::var("LIANBAN_TEST_PG_URL").unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into())
}

fn with_param(url: &str, param: &str) -> String {
    format!("{url}{}{param}", if url.contains('?') { '&' } else { '?' })
}

/// One test's database: a data folder (keys, blobs; the SQLite file) and, for PostgreSQL, a schema
/// of its own.
pub struct TestDb {
    pub backend: Backend,
    dir: tempfile::TempDir,
    /// The URL the store opens.
    pub url: String,
    /// PostgreSQL: the server's URL and the schema to drop at the end.
    schema: Option<(String, String)>,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        Self::in_dir(backend, dir).await
    }

    async fn in_dir(backend: Backend, dir: tempfile::TempDir) -> TestDb {
        sqlx::any::install_default_drivers();
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("lianban.db").display());
                TestDb { backend, dir, url, schema: None }
            }
            Backend::Postgres => {
                let base = pg_url();
                let name = format!(
                    "lianban_t{}_{}_{}",
                    std::process::id(),
                    SEQ.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
                );
                let mut conn = connect_pg(&base).await;
                raw_exec(&mut conn, &format!("CREATE SCHEMA {name}")).await;
                let _ = sqlx::Connection::close(conn).await;
                let url = with_param(&base, &format!("options[search_path]={name}"));
                TestDb { backend, dir, url, schema: Some((base, name)) }
            }
        }
    }

    /// The data folder (keys, blobs, and the SQLite file).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Opens the store on this database, with nothing added.
    pub async fn open_bare(&self, clock: Arc<dyn Clock>) -> Store {
        Store::open_url(&self.url, Durability::Full, clock, self.path())
            .await
            .unwrap_or_else(|e| panic!("cannot open the {} store at {}: {e}", self.backend.name(), self.url))
    }

    /// Runs statements (separated by "; ") on a connection of its own, outside the store.
    pub async fn exec(&self, sql: &str) {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url).await.unwrap_or_else(|e| panic!("{}: {e}", self.url));
        for stmt in sql.split("; ") {
            raw_exec(&mut conn, stmt).await;
        }
        let _ = sqlx::Connection::close(conn).await;
    }

    /// The first column of a query's rows, as text, read outside the store.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url).await.unwrap_or_else(|e| panic!("{}: {e}", self.url));
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_all(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let _ = sqlx::Connection::close(conn).await;
        rows
    }

    /// A copy of this database (as it is now) in a new folder or schema, with the same ledger key.
    pub async fn copy(&self) -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("keys")).unwrap();
        std::fs::copy(self.path().join("keys/ledger.key"), dir.path().join("keys/ledger.key")).unwrap();
        std::fs::copy(self.path().join("keys/field.key"), dir.path().join("keys/field.key")).unwrap();
        let to = Self::in_dir(self.backend, dir).await;
        match &self.schema {
            None => {
                // VACUUM INTO makes a consistent copy of the database whatever the WAL holds.
                self.exec(&format!("VACUUM INTO '{}'", to.path().join("lianban.db").display())).await;
            }
            Some((base, from)) => {
                let (_, into) = to.schema.as_ref().unwrap();
                let mut conn = connect_pg(base).await;
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT table_name::TEXT FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
                )
                .bind(from.clone())
                .fetch_all(&mut conn)
                .await
                .unwrap();
                for t in tables {
                    raw_exec(&mut conn, &format!("CREATE TABLE {into}.{t} (LIKE {from}.{t} INCLUDING ALL)")).await;
                    raw_exec(&mut conn, &format!("INSERT INTO {into}.{t} SELECT * FROM {from}.{t}")).await;
                }
                let _ = sqlx::Connection::close(conn).await;
            }
        }
        to
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.schema.take() {
            // Dropped on a thread of its own: the test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(&base).await {
                        // This thread blocks the test's runtime until it is done, so a store
                        // connection whose rollback that runtime has not yet sent keeps its
                        // locks: give up after a while (the schema is left behind) rather
                        // than wait for it forever.
                        let _ = sqlx::query("SET lock_timeout = '5s'").execute(&mut conn).await;
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {name} CASCADE"))).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

async fn connect_pg(url: &str) -> sqlx::AnyConnection {
    match tokio::time::timeout(std::time::Duration::from_secs(15), <sqlx::AnyConnection as sqlx::Connection>::connect(url)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!(
            "PostgreSQL is not reachable at {url}: {e}. The shared store suite runs every test against SQLite and PostgreSQL: \
             start PostgreSQL (database `test`) or point LIANBAN_TEST_PG_URL at one."
        ),
        Err(_) => panic!("PostgreSQL at {url} did not answer within 15 s (set LIANBAN_TEST_PG_URL to another server)."),
    }
}

async fn raw_exec(conn: &mut sqlx::AnyConnection, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub fn at(s: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    domain::period::china().from_local_datetime(&naive).unwrap().with_timezone(&Utc)
}

pub fn orgs() -> Vec<Organization> {
    let mut v = Vec::new();
    for (kind, code) in [
        (AgencyKind::Committee, "committee"),
        (AgencyKind::Police, "police"),
        (AgencyKind::Procuratorate, "proc"),
        (AgencyKind::Court, "court"),
        (AgencyKind::JusticeBureau, "justice"),
    ] {
        v.push(Organization { id: format!("city-{code}"), name: format!("市{}", kind.label()), kind, level: Level::City, jurisdiction: "3301".into(), parent: None });
        v.push(Organization {
            id: format!("d1-{code}"),
            name: format!("一区{}", kind.label()),
            kind,
            level: Level::County,
            jurisdiction: "330101".into(),
            parent: Some(format!("city-{code}")),
        });
    }
    v
}

pub fn users() -> Vec<User> {
    let u = |id: &str, org: &str, role: Role| User { id: id.into(), username: id.into(), name: id.into(), org: org.into(), role, active: true };
    vec![
        u("officer", "d1-police", Role::Officer),
        u("prosecutor", "d1-proc", Role::Prosecutor),
        u("city-prosecutor", "city-proc", Role::Prosecutor),
        u("judge", "d1-court", Role::Judge),
        u("clerk", "d1-court", Role::Clerk),
        u("city-judge", "city-court", Role::Judge),
        u("corrector", "d1-justice", Role::CorrectionOfficer),
        u("supervisor", "city-committee", Role::Supervisor),
    ]
}

/// Opens the store on `db` with the small world's organizations and users.
pub async fn open(db: &TestDb, clock: Arc<ManualClock>) -> Store {
    let store = db.open_bare(clock).await;
    let mut os = orgs();
    os.sort_by_key(|o| o.parent.is_some());
    for o in &os {
        store.put_organization(o).await.unwrap();
    }
    for u in users() {
        store.put_user(&u, None).await.unwrap();
    }
    store
}
