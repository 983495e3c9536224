//! `lianban demo --database postgres://…` builds the demo world on the PostgreSQL server at
//! 127.0.0.1:5432 (database `test`, or `$LIANBAN_TEST_PG_URL`), in a fresh schema dropped
//! afterwards, and `lianban verify` passes on it. An unreachable PostgreSQL fails the test.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_lianban");

fn pg_url() -> String {
    std::env::var("LIANBAN_TEST_PG_URL").unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into())
}

/// A fresh schema, dropped when the test ends (passing or not).
struct Schema {
    base: String,
    name: String,
}

impl Schema {
    async fn new() -> Schema {
        sqlx::any::install_default_drivers();
        let base = pg_url();
        let name = format!("lianban_demo_t{}_{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos());
        let mut conn = connect(&base).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}"))).execute(&mut conn).await.unwrap();
        let _ = sqlx::Connection::close(conn).await;
        Schema { base, name }
    }

    /// The URL of the schema, as `lianban` takes it.
    fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.base, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(&base).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {name} CASCADE"))).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    match tokio::time::timeout(std::time::Duration::from_secs(15), <sqlx::AnyConnection as sqlx::Connection>::connect(url)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => panic!("PostgreSQL is not reachable at {url}: {e}. This test needs it: start PostgreSQL (database `test`) or set LIANBAN_TEST_PG_URL."),
        Err(_) => panic!("PostgreSQL at {url} did not answer within 15 s (set LIANBAN_TEST_PG_URL to another server)."),
    }
}

fn lianban(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("LIANBAN_LOG", "warn").env_remove("LIANBAN_DATABASE_URL").env_remove("LIANBAN_DATA");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run lianban");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = connect(url).await;
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = sqlx::Connection::close(conn).await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_builds_on_postgresql_and_verifies() {
    let schema = Schema::new().await;
    let url = schema.url();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();

    let (ok, stdout, stderr) = lianban(&["demo", "--data", dir, "--database", &url, "--no-serve", "--cases", "120"], &[]);
    assert!(ok, "demo on PostgreSQL failed:\n{stderr}");
    assert!(stderr.contains("已生成") && stderr.contains("120 件案件"), "{stderr}");
    assert!(stdout.contains("所有演示账号的密码"), "{stdout}");
    // The world is in the schema, not in a SQLite file of the data folder.
    assert!(!data.path().join("lianban.db").exists(), "a SQLite file was written instead");
    let events = count(&url, "SELECT COUNT(*) FROM events").await;
    assert!(events > 1000, "{events} events");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM cases").await, 120);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM users").await, demo::world().users.len() as i64);

    // verify re-derives everything from the events (the database named by the environment).
    let (ok, out, err) = lianban(&["verify", "--data", dir], &[("LIANBAN_DATABASE_URL", &url)]);
    assert!(ok, "verify failed on the PostgreSQL demo:\n{out}\n{err}");

    // A second run keeps the world it finds instead of building another one.
    let (ok, _, stderr) = lianban(&["demo", "--data", dir, "--no-serve", "--cases", "120"], &[("LIANBAN_DATABASE_URL", &url)]);
    assert!(ok && stderr.contains("已有演示数据"), "{stderr}");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM events").await, events);

    // --reset only removes the data folder's SQLite file: refused with a database URL.
    let (ok, _, stderr) = lianban(&["demo", "--data", dir, "--database", &url, "--no-serve", "--reset"], &[]);
    assert!(!ok && stderr.contains("--reset"), "{stderr}");
    assert_eq!(count(&url, "SELECT COUNT(*) FROM events").await, events);
}
