//! `lianban-bench`: workflow commands and reads over HTTP against a real `lianban serve`, and the
//! raw durable insert rate of the same SQLite on the same disk, in the same run.
//!
//! ```text
//! cargo build --release -p lianban -p bench
//! ./target/release/lianban-bench [--clients 200] [--seconds 30] [--lianban PATH] [--dir DIR]
//!                                [--database postgres://USER@HOST:PORT/DB] [--rate N] [--keep] [--help]
//! ```
//!
//! Without `--rate` every client sends its next request as soon as the last is answered (a closed
//! loop): the run shows the most the server does, and its latencies are those of a saturated
//! server (by Little's law the mean answer is then about the number of clients divided by the
//! requests per second, whatever the server does). With `--rate N` the officers keep to a
//! schedule that offers N workflow commands a second in all (five of a case's six commands are
//! the officers'; the prosecutors approve as requests arrive): each officer's next step (a read of
//! the case page and a command, or a command alone) is due a fixed interval after the last one's,
//! and a step that starts late has its lateness added to the latencies of its requests, so that a
//! server falling behind cannot hide it (the correction for coordinated omission, as in wrk2).
//! The run then reports how many steps started late.
//!
//! `--keep` leaves the data folder in place after the run (to inspect the database).
//!
//! With `--database postgres://…` the platform runs on PostgreSQL (schema `lianban_bench`,
//! recreated; keys in DIR) and the raw inserts go to a plain table in schema `lianban_bench_raw`
//! of the same database (`synchronous_commit=on`).
//!
//! 1. Prepares a data folder (one district: police and procuratorate; officers and prosecutors
//!    with argon2 password hashes) through the store crate, then starts `lianban serve` on it.
//! 2. Logs in N clients (3/4 officers, 1/4 prosecutors) over a hand-written HTTP/1.1 keep-alive
//!    client, one connection each, and runs the mix for the given time: officers register a case,
//!    detain, interrogate and request arrest (reading the case page between steps, the inbox now
//!    and then) and transfer approved cases for prosecution; prosecutors read the case and
//!    approve arrests, and with nothing to approve read their inbox every 250 ms.
//! 3. Prints throughput and latency (p50/p90/p99/max) for commands and reads, errors, and the CPU
//!    the server and the load client used during the run (from `/proc`); then
//!    the raw single-row `INSERT` rate of a plain table in the same SQLite (WAL,
//!    `synchronous=FULL`), one row per transaction and 256 per transaction.

use anyhow::{anyhow, bail, Context, Result};
use domain::{AgencyKind, Level, Organization, Role, User};
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const PASSWORD: &str = "bench-password-2026";

/// How long a prosecutor with nothing to approve waits before reading the inbox again.
const IDLE_POLL: Duration = Duration::from_millis(250);

struct Args {
    clients: usize,
    seconds: u64,
    lianban: PathBuf,
    dir: PathBuf,
    port: u16,
    /// A PostgreSQL server URL; SQLite in `dir` when absent.
    database: Option<String>,
    /// Leave `dir` in place after the run.
    keep: bool,
    /// Offered workflow commands per second (a schedule); as many as answered when absent.
    rate: Option<f64>,
}

const USAGE: &str = "usage: lianban-bench [--clients 200] [--seconds 30] [--lianban PATH] [--dir DIR] \
[--port PORT] [--database postgres://USER@HOST:PORT/DB] [--rate COMMANDS_PER_SECOND] [--keep] [--help]";

fn args() -> Result<Args> {
    let exe = std::env::current_exe()?;
    let mut a = Args {
        clients: 200,
        seconds: 30,
        lianban: exe.with_file_name("lianban"),
        dir: std::env::temp_dir().join(format!("lianban-bench-{}", std::process::id())),
        port: 18_000 + (std::process::id() % 1000) as u16,
        database: None,
        keep: false,
        rate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--keep" => {
                a.keep = true;
                continue;
            }
            _ => {}
        }
        let v = it.next().ok_or_else(|| anyhow!("{k} needs a value\n{USAGE}"))?;
        match k.as_str() {
            "--clients" => a.clients = v.parse()?,
            "--seconds" => a.seconds = v.parse()?,
            "--lianban" => a.lianban = v.into(),
            "--dir" => a.dir = v.into(),
            "--port" => a.port = v.parse()?,
            "--database" => a.database = Some(v),
            "--rate" => {
                let r: f64 = v.parse().map_err(|_| anyhow!("--rate needs a number of commands per second, got {v:?}"))?;
                if !(r.is_finite() && r > 0.0) {
                    bail!("--rate must be a positive number of commands per second, got {v}");
                }
                a.rate = Some(r);
            }
            _ => bail!("unknown option {k}\n{USAGE}"),
        }
    }
    Ok(a)
}

/// One keep-alive HTTP/1.1 connection.
struct Http {
    r: BufReader<TcpStream>,
    addr: String,
    token: Option<String>,
}

impl Http {
    async fn connect(addr: &str) -> Result<Self> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Self { r: BufReader::new(s), addr: addr.to_string(), token: None })
    }

    async fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value)> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n", self.addr, body.len());
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        if let Some(t) = &self.token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        self.r.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.r.read_line(&mut line).await?;
        let status: u16 = line.split_whitespace().nth(1).ok_or_else(|| anyhow!("no status line: {line:?}"))?.parse()?;
        let (mut len, mut chunked) = (0usize, false);
        loop {
            line.clear();
            if self.r.read_line(&mut line).await? == 0 {
                bail!("connection closed");
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse()?;
            } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let mut buf = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.r.read_line(&mut line).await?;
                let n = usize::from_str_radix(line.trim(), 16)?;
                let mut chunk = vec![0; n + 2];
                self.r.read_exact(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
        } else {
            buf.resize(len, 0);
            self.r.read_exact(&mut buf).await?;
        }
        let v = if buf.is_empty() { Value::Null } else { serde_json::from_slice(&buf).unwrap_or(Value::Null) };
        Ok((status, v))
    }
}

#[derive(Default)]
struct Samples {
    commands: Vec<Duration>,
    reads: Vec<Duration>,
    command_errors: u64,
    read_errors: u64,
    first_error: Option<String>,
    /// Scheduled steps (with `--rate`), and those that started more than `LATE` after their time.
    steps: u64,
    late_steps: u64,
}

/// A scheduled step starting later than this behind its time counts as late.
const LATE: Duration = Duration::from_millis(10);

/// An officer's schedule (with `--rate`): when the next step is due.
struct Pace {
    next: Instant,
    every: Duration,
}

impl Pace {
    /// Waits for the next step's time and returns how late the step starts (zero when on time).
    async fn step(pace: &mut Option<Pace>, s: &mut Samples) -> Duration {
        let Some(p) = pace else { return Duration::ZERO };
        let due = p.next;
        p.next += p.every;
        tokio::time::sleep_until(due.into()).await;
        let late = Instant::now().saturating_duration_since(due);
        s.steps += 1;
        if late > LATE {
            s.late_steps += 1;
        }
        late
    }
}

struct Shared {
    requested: Mutex<VecDeque<String>>,
    approved: Mutex<VecDeque<String>>,
}

/// How often each of `officers` takes a step so that all clients offer `rate` commands a second:
/// five of a case's six commands are the officers' (the sixth, the approval, the prosecutors').
fn officer_interval(officers: usize, rate: f64) -> Duration {
    Duration::from_secs_f64(officers as f64 / (rate * 5.0 / 6.0))
}

/// One request; its latency (plus `late`, how late its scheduled step started) is recorded.
async fn timed(c: &mut Http, s: &mut Samples, late: Duration, command: bool, method: &str, path: &str, body: Option<&Value>) -> Option<Value> {
    let t = Instant::now();
    let r = c.call(method, path, body).await;
    let d = t.elapsed() + late;
    let err = match r {
        Ok((st, v)) if (200..300).contains(&st) => {
            if command {
                s.commands.push(d);
            } else {
                s.reads.push(d);
            }
            return Some(v);
        }
        Ok((st, v)) => format!("{method} {path}: {st} {v}"),
        Err(e) => format!("{method} {path}: {e}"),
    };
    if command {
        s.command_errors += 1;
    } else {
        s.read_errors += 1;
    }
    s.first_error.get_or_insert(err);
    None
}

fn register(i: usize) -> Value {
    json!({ "action": { "type": "register", "title": format!("张某{i}盗窃案"),
        "facts": format!("2026年11月1日，张某{i}在某超市盗窃手机一部，价值3000元，后被当场抓获。"),
        "charges": ["盗窃"], "persons": [{ "name": format!("张某{i}"), "id_card": "11010519491231002X" }] } })
}

fn act(kind: &str) -> Value {
    match kind {
        "transfer_for_prosecution" => json!({ "action": { "type": kind } }),
        _ => json!({ "action": { "type": kind, "person": 1 } }),
    }
}

async fn officer(mut c: Http, sh: Arc<Shared>, n: usize, until: Instant, mut pace: Option<Pace>) -> Samples {
    let mut s = Samples::default();
    let mut i = 0;
    while Instant::now() < until {
        let late = Pace::step(&mut pace, &mut s).await;
        let next = sh.approved.lock().unwrap().pop_front();
        if let Some(id) = next {
            timed(&mut c, &mut s, late, true, "POST", &format!("/api/v1/cases/{id}/actions"), Some(&act("transfer_for_prosecution"))).await;
            continue;
        }
        i += 1;
        let Some(v) = timed(&mut c, &mut s, late, true, "POST", "/api/v1/cases", Some(&register(n * 1_000_000 + i))).await else { continue };
        let Some(id) = v["case"]["case"]["id"].as_str().map(str::to_string) else {
            s.first_error.get_or_insert(format!("no case id in {v}"));
            continue;
        };
        let mut ok = true;
        for kind in ["detain", "interrogate", "request_arrest"] {
            if Instant::now() >= until {
                // The run is over: a case stopped half-way is not handed to the prosecutors.
                ok = false;
                break;
            }
            let late = Pace::step(&mut pace, &mut s).await;
            timed(&mut c, &mut s, late, false, "GET", &format!("/api/v1/cases/{id}"), None).await;
            ok &= timed(&mut c, &mut s, late, true, "POST", &format!("/api/v1/cases/{id}/actions"), Some(&act(kind))).await.is_some();
        }
        if ok {
            sh.requested.lock().unwrap().push_back(id);
        }
        if i % 4 == 0 {
            timed(&mut c, &mut s, Duration::ZERO, false, "GET", "/api/v1/inbox", None).await;
        }
    }
    s
}

async fn prosecutor(mut c: Http, sh: Arc<Shared>, until: Instant) -> Samples {
    let mut s = Samples::default();
    while Instant::now() < until {
        let next = sh.requested.lock().unwrap().pop_front();
        match next {
            Some(id) => {
                timed(&mut c, &mut s, Duration::ZERO, false, "GET", &format!("/api/v1/cases/{id}"), None).await;
                if timed(&mut c, &mut s, Duration::ZERO, true, "POST", &format!("/api/v1/cases/{id}/actions"), Some(&act("approve_arrest"))).await.is_some() {
                    sh.approved.lock().unwrap().push_back(id);
                }
            }
            None => {
                // Nothing to approve: look at the inbox again in a quarter of a second (a person
                // or an agency system polling four times a second; the feed is the way to wait).
                timed(&mut c, &mut s, Duration::ZERO, false, "GET", "/api/v1/inbox", None).await;
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
    s
}

fn pct(v: &mut [Duration]) -> [f64; 4] {
    v.sort();
    if v.is_empty() {
        return [0.0; 4];
    }
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)].as_secs_f64() * 1e3;
    [at(0.5), at(0.9), at(0.99), v[v.len() - 1].as_secs_f64() * 1e3]
}

/// `url` with its connections' `search_path` set to `schema`.
fn in_schema(url: &str, schema: &str) -> String {
    format!("{url}{}options[search_path]={schema}", if url.contains('?') { '&' } else { '?' })
}

/// Drops and recreates the harness's schemas on a PostgreSQL server.
async fn fresh_schemas(url: &str) -> Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await.with_context(|| format!("connecting to {url}"))?;
    for s in ["lianban_bench", "lianban_bench_raw"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {s} CASCADE"))).execute(&mut conn).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {s}"))).execute(&mut conn).await?;
    }
    Ok(())
}

async fn prepare(dir: &Path, database: Option<&str>, officers: usize, prosecutors: usize) -> Result<()> {
    let store = match database {
        None => store::Store::open(&dir.join("lianban.db"), store::Durability::Full, Arc::new(store::SystemClock)).await?,
        Some(url) => store::Store::open_url(url, store::Durability::Full, Arc::new(store::SystemClock), dir).await?,
    };
    for (kind, code) in [(AgencyKind::Police, "police"), (AgencyKind::Procuratorate, "proc")] {
        let city = Organization { id: format!("city-{code}"), name: format!("市{}", kind.label()), kind, level: Level::City, jurisdiction: "3301".into(), parent: None };
        store.put_organization(&city).await?;
        store
            .put_organization(&Organization { id: format!("d1-{code}"), name: format!("一区{}", kind.label()), kind, level: Level::County, jurisdiction: "330101".into(), parent: Some(city.id.clone()) })
            .await?;
    }
    let hash = server::auth::hash_password(PASSWORD);
    let users = (0..officers)
        .map(|i| (format!("officer{i}"), "d1-police", Role::Officer))
        .chain((0..prosecutors).map(|i| (format!("prosecutor{i}"), "d1-proc", Role::Prosecutor)));
    for (id, org, role) in users {
        store.put_user(&User { id: id.clone(), username: id.clone(), name: id, org: org.into(), role, active: true }, Some(&hash)).await?;
    }
    store.close().await;
    Ok(())
}

/// The same raw inserts into a plain table of a PostgreSQL database (`synchronous_commit=on`).
async fn raw_inserts_pg(url: &str, seconds: f64, per_tx: usize) -> Result<f64> {
    let mut conn = sqlx::PgConnection::connect(&in_schema(url, "lianban_bench_raw")).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE TABLE t{per_tx} (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"))).execute(&mut conn).await?;
    let insert = format!("INSERT INTO t{per_tx} (id, body) VALUES ($1, $2)");
    let body = register(0).to_string();
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed().as_secs_f64() < seconds {
        let mut tx = conn.begin().await?;
        for _ in 0..per_tx {
            sqlx::query(sqlx::AssertSqlSafe(insert.clone())).bind(n as i64).bind(body.clone()).execute(&mut *tx).await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n as f64 / t.elapsed().as_secs_f64())
}

async fn raw_inserts(dir: &Path, seconds: f64, per_tx: usize) -> Result<f64> {
    let path = dir.join(format!("raw-{per_tx}.db"));
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").execute(&pool).await?;
    let body = register(0).to_string();
    let mut conn = pool.acquire().await?;
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed().as_secs_f64() < seconds {
        let mut tx = conn.begin().await?;
        for _ in 0..per_tx {
            sqlx::query("INSERT INTO t (id, body) VALUES ($1, $2)").bind(n as i64).bind(body.clone()).execute(&mut *tx).await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n as f64 / t.elapsed().as_secs_f64())
}

/// The `lianban serve` child, stopped when dropped (also on an early error).
struct Server(std::process::Child);

/// User + system CPU time a process has used so far, from `/proc/PID/stat` (fields 14 and 15, in
/// USER_HZ ticks, which Linux fixes at 100 per second); 0 where there is no `/proc`.
fn cpu_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(0.0, |stat| stat_seconds(&stat))
}

/// Each thread of a process: (thread id, name, user + system CPU seconds so far), from
/// `/proc/PID/task/TID/{comm,stat}`; empty where there is no `/proc`.
fn thread_cpu(pid: u32) -> Vec<(u32, String, f64)> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse::<u32>().ok()) else { continue };
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default().trim().to_string();
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        out.push((tid, comm, stat_seconds(&stat)));
    }
    out
}

/// The CPU seconds of a `/proc/…/stat` line (utime + stime, fields 14 and 15).
fn stat_seconds(stat: &str) -> f64 {
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // After the name: field 3 is index 0, so utime (14) is 11 and stime (15) is 12.
    (ticks(11) + ticks(12)) / 100.0
}

/// The writer chain on SQLite: the CPU the server's writer thread (`lianban-writer`) and its
/// SQLite connection's thread (the busiest `sqlx-sqlite-worker`: the writer's statements are
/// most of the database work) used per workflow command between two readings, and how much of
/// the run the two together were on a core. Every command passes through this chain one at a
/// time, so when it is busy nearly all the time it is the limit whatever the other threads do.
/// `None` without a writer thread (PostgreSQL: the writer is a task on the server's runtime).
fn writer_chain(before: &[(u32, String, f64)], after: &[(u32, String, f64)], commands: usize, secs: f64) -> Option<String> {
    let used = |name: &dyn Fn(&str) -> bool| -> Vec<f64> {
        after
            .iter()
            .filter(|(_, n, _)| name(n))
            .map(|(tid, _, t)| t - before.iter().find(|(b, _, _)| b == tid).map_or(0.0, |(_, _, t0)| *t0))
            .collect()
    };
    let writer: f64 = used(&|n| n == "lianban-writer").into_iter().sum();
    if writer == 0.0 || commands == 0 {
        return None;
    }
    let sqlite = used(&|n| n.starts_with("sqlx-sqlite")).into_iter().fold(0.0, f64::max);
    let per = |t: f64| 1e6 * t / commands as f64;
    Some(format!(
        "writer chain: {:.0} µs per command on the writer's thread + {:.0} µs on its SQLite thread = {:.0} µs; on a core {:.0} % of the run",
        per(writer),
        per(sqlite),
        per(writer + sqlite),
        100.0 * (writer + sqlite) / secs
    ))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let prosecutors = (a.clients / 4).max(1);
    let officers = a.clients.saturating_sub(prosecutors).max(1);
    let _ = std::fs::remove_dir_all(&a.dir);
    std::fs::create_dir_all(&a.dir)?;
    let database = match &a.database {
        Some(url) => {
            fresh_schemas(url).await?;
            Some(in_schema(url, "lianban_bench"))
        }
        None => None,
    };
    prepare(&a.dir, database.as_deref(), officers, prosecutors).await.context("preparing the data folder")?;
    let addr = format!("127.0.0.1:{}", a.port);
    let mut serve = std::process::Command::new(&a.lianban);
    serve.args(["serve", "--data"]).arg(&a.dir).args(["--listen", &addr]);
    if let Some(url) = &database {
        serve.args(["--database", url]);
    }
    let server = Server(serve
        .stdout(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", a.lianban.display()))?);
    let t = Instant::now();
    loop {
        if let Ok(mut c) = Http::connect(&addr).await
            && let Ok((200, _)) = c.call("GET", "/healthz", None).await
        {
            break;
        }
        if t.elapsed() > Duration::from_secs(30) {
            bail!("lianban serve did not answer on {addr}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Log everyone in (argon2 verification: concurrent, not timed).
    let mut logins = Vec::new();
    for i in 0..officers + prosecutors {
        let addr = addr.clone();
        logins.push(tokio::spawn(async move {
            let user = if i < officers { format!("officer{i}") } else { format!("prosecutor{}", i - officers) };
            let mut c = Http::connect(&addr).await?;
            let (st, v) = c.call("POST", "/api/v1/session", Some(&json!({ "username": user, "password": PASSWORD }))).await?;
            if st != 200 {
                bail!("login {user}: {st} {v}");
            }
            c.token = v["token"].as_str().map(str::to_string);
            Ok::<_, anyhow::Error>(c)
        }));
    }
    let mut clients = Vec::new();
    for l in logins {
        clients.push(l.await??);
    }
    let sh = Arc::new(Shared { requested: Mutex::new(VecDeque::new()), approved: Mutex::new(VecDeque::new()) });
    let server_cpu0 = cpu_seconds(server.0.id());
    let threads0 = thread_cpu(server.0.id());
    let client_cpu0 = cpu_seconds(std::process::id());
    let start = Instant::now();
    let until = start + Duration::from_secs(a.seconds);
    let mut tasks = Vec::new();
    // With `--rate`: five of a case's six commands are the officers' (register, detain,
    // interrogate, request arrest, transfer), so each officer takes a step every
    // officers / (5/6 · rate) seconds, the officers' first steps spread over one interval.
    let every = a.rate.map(|r| officer_interval(officers, r));
    for (i, c) in clients.into_iter().enumerate() {
        let sh = sh.clone();
        let pace = every.map(|every| Pace { next: start + every.mul_f64(i as f64 / officers as f64), every });
        tasks.push(if i < officers { tokio::spawn(officer(c, sh, i, until, pace)) } else { tokio::spawn(prosecutor(c, sh, until)) });
    }
    let mut all = Samples::default();
    for t in tasks {
        let s = t.await?;
        all.commands.extend(s.commands);
        all.reads.extend(s.reads);
        all.command_errors += s.command_errors;
        all.read_errors += s.read_errors;
        all.steps += s.steps;
        all.late_steps += s.late_steps;
        if all.first_error.is_none() {
            all.first_error = s.first_error;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let server_cpu = cpu_seconds(server.0.id()) - server_cpu0;
    let threads1 = thread_cpu(server.0.id());
    let chain = writer_chain(&threads0, &threads1, all.commands.len(), secs).map(|line| {
        // Where the writer's thread was allowed to run (`lianban serve --writer-cpu`).
        let cores = threads1.iter().find(|(_, n, _)| n == "lianban-writer").and_then(|(tid, _, _)| {
            let status = std::fs::read_to_string(format!("/proc/{}/task/{tid}/status", server.0.id())).ok()?;
            status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).map(|c| c.trim().to_string())
        });
        match cores {
            Some(c) => format!("{line}; the writer's thread on cores {c}"),
            None => line,
        }
    });
    let client_cpu = cpu_seconds(std::process::id()) - client_cpu0;
    drop(server);
    let (nc, nr) = (all.commands.len(), all.reads.len());
    let c = pct(&mut all.commands);
    let r = pct(&mut all.reads);
    let (raw1, raw256, db) = match &a.database {
        Some(url) => (raw_inserts_pg(url, 5.0, 1).await?, raw_inserts_pg(url, 5.0, 256).await?, "PostgreSQL"),
        None => (raw_inserts(&a.dir, 5.0, 1).await?, raw_inserts(&a.dir, 5.0, 256).await?, "SQLite"),
    };
    println!("lianban-bench: {} clients ({officers} officers, {prosecutors} prosecutors), {secs:.1} s, {db}, data in {}", a.clients, a.dir.display());
    match a.rate {
        Some(r) => println!(
            "offered: {r:.0} workflow commands/s on a schedule; officers' steps started more than {} ms late: {} of {} ({:.1} %), their lateness counted in the latencies",
            LATE.as_millis(),
            all.late_steps,
            all.steps,
            100.0 * all.late_steps as f64 / all.steps.max(1) as f64
        ),
        None => println!("offered: as many as answered (each client sends its next request when the last is answered)"),
    }
    println!();
    println!("| measurement | per second | p50 ms | p90 ms | p99 ms | max ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    println!("| workflow commands over HTTP ({nc}) | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} |", nc as f64 / secs, c[0], c[1], c[2], c[3], all.command_errors);
    println!("| reads over HTTP ({nr}) | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} |", nr as f64 / secs, r[0], r[1], r[2], r[3], all.read_errors);
    println!("| raw {db} INSERT, 1 row per durable transaction | {raw1:.0} | | | | | |");
    println!("| raw {db} INSERT, 256 rows per durable transaction | {raw256:.0} | | | | | |");
    println!();
    println!("commands / raw single-row inserts: {:.1} %", 100.0 * (nc as f64 / secs) / raw1);
    println!(
        "CPU: server {:.2} cores ({:.0} µs per request, commands and reads), load client {:.2} cores",
        server_cpu / secs,
        1e6 * server_cpu / (nc + nr).max(1) as f64,
        client_cpu / secs
    );
    if let Some(chain) = chain {
        println!("{chain}");
    }
    if let Some(e) = all.first_error {
        println!("first error: {e}");
    }
    if a.keep {
        println!("data kept in {}", a.dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&a.dir);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_chain_is_the_writer_and_its_busiest_sqlite_thread() {
        let t = |tid, name: &str, secs| (tid, name.to_string(), secs);
        let before = [t(1, "tokio-rt-worker", 1.0), t(2, "lianban-writer", 2.0), t(3, "sqlx-sqlite-wor", 1.0), t(4, "sqlx-sqlite-wor", 0.5)];
        // 10 s, 1,000 commands: the writer used 1.5 s, its SQLite thread 2.0 s (the other 0.1 s,
        // the runtime 9 s, which do not count).
        let after = [t(1, "tokio-rt-worker", 10.0), t(2, "lianban-writer", 3.5), t(3, "sqlx-sqlite-wor", 3.0), t(4, "sqlx-sqlite-wor", 0.6)];
        let line = writer_chain(&before, &after, 1000, 10.0).expect("a writer thread");
        assert!(line.contains("1500 µs per command on the writer's thread + 2000 µs on its SQLite thread = 3500 µs"), "{line}");
        assert!(line.ends_with("on a core 35 % of the run"), "{line}");
        // A thread that started during the run counts from zero.
        let late = [t(2, "lianban-writer", 3.5), t(9, "sqlx-sqlite-wor", 4.0)];
        assert!(writer_chain(&before, &late, 1000, 10.0).unwrap().contains("+ 4000 µs"));
        // No writer thread (PostgreSQL), or no command: nothing to say.
        assert_eq!(writer_chain(&before[..1], &after[..1], 1000, 10.0), None);
        assert_eq!(writer_chain(&before, &after, 0, 10.0), None);
    }

    #[test]
    fn a_stat_line_gives_user_and_system_time() {
        // The name may hold spaces and parentheses; utime 250 and stime 50 ticks.
        let stat = "42 (tokio (rt) x) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0";
        assert!((stat_seconds(stat) - 3.0).abs() < 1e-9);
        assert_eq!(stat_seconds("garbage"), 0.0);
    }

    #[test]
    fn the_schedule_offers_the_rate() {
        // 150 officers offering 2,500 of 3,000 commands a second: one step each every 60 ms.
        assert_eq!(officer_interval(150, 3000.0), Duration::from_millis(60));
        assert_eq!(officer_interval(1, 1.0), Duration::from_secs_f64(1.2));
    }

    #[tokio::test]
    async fn a_late_step_counts_its_lateness() {
        let mut s = Samples::default();
        // Due 30 ms ago: starts at once, 30 ms late, and counts as late.
        let mut pace = Some(Pace { next: Instant::now() - Duration::from_millis(30), every: Duration::from_millis(5) });
        let late = Pace::step(&mut pace, &mut s).await;
        assert!(late >= Duration::from_millis(30), "{late:?}");
        assert_eq!((s.steps, s.late_steps), (1, 1));
        // The next step is due one interval after the last one's time, not after now: still late.
        let late = Pace::step(&mut pace, &mut s).await;
        assert!(late >= Duration::from_millis(25), "{late:?}");
        // A step due in the future waits for its time and is on time.
        pace = Some(Pace { next: Instant::now() + Duration::from_millis(20), every: Duration::from_millis(5) });
        let t = Instant::now();
        let late = Pace::step(&mut pace, &mut s).await;
        assert!(t.elapsed() >= Duration::from_millis(19), "{:?}", t.elapsed());
        assert!(late < LATE, "{late:?}");
        assert_eq!((s.steps, s.late_steps), (3, 2));
        // Without a schedule nothing waits and nothing is counted.
        let mut none = None;
        assert_eq!(Pace::step(&mut none, &mut s).await, Duration::ZERO);
        assert_eq!(s.steps, 3);
    }
}
