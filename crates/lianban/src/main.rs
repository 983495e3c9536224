//! The `lianban` command: serve the platform, build the demo world, verify the trace, run the
//! assistance models. Configuration is the command line, each flag also readable from the
//! environment variable shown in `--help`.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::{Durability, Store, SystemClock};

/// mimalloc instead of glibc's malloc: the server allocates and frees small buffers on every core
/// for every request (JSON, SQL arguments, case views).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod demo_cli;
mod ledger_cli;
mod seal_cli;

#[derive(Parser)]
#[command(name = "lianban", version, about = "联办：政法跨部门大数据办案平台")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API and web interface on an existing data folder.
    Serve {
        /// Data folder (database, files, keys).
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// The database: `sqlite://FILE` or `postgres://USER@HOST:PORT/DB` (default: the SQLite
        /// file `lianban.db` in the data folder, which also holds keys and files in both cases).
        #[arg(long, env = "LIANBAN_DATABASE_URL")]
        database: Option<String>,
        /// Keep case-file blobs in an S3-compatible bucket, `s3://BUCKET/PREFIX` (default: the
        /// data folder's `blobs/`). Credentials, region and endpoint from the usual `AWS_*`
        /// variables (`AWS_ENDPOINT`, `AWS_ALLOW_HTTP=true` for an S3-compatible server).
        #[arg(long, env = "LIANBAN_BLOBS")]
        blobs: Option<String>,
        /// Address to listen on.
        #[arg(long, env = "LIANBAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Also publish the event feed to NATS JetStream at this URL (subjects
        /// `lianban.events.<org id>`, stream LIANBAN_EVENTS).
        #[arg(long, env = "LIANBAN_NATS")]
        nats: Option<String>,
        /// Seconds between re-checks of every witnessed tree head against the stored tree
        /// (split-view detection; each accepted cosignature also triggers one).
        #[arg(long, env = "LIANBAN_WITNESS_CHECK_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        witness_check_secs: u64,
        /// On SQLite, the core that the writer's thread and its connection's thread share:
        /// `auto` (the last core the process may use, when it may use two or more), `off`, or a
        /// core number. The two threads hand each statement to each other; on one core a
        /// hand-over does not wait for a slice on the other (BENCHMARKS.md, session 12).
        #[arg(long, env = "LIANBAN_WRITER_CPU", default_value = "auto")]
        writer_cpu: store::WriterCpu,
    },
    /// Create a data folder with a platform administrator.
    Init {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// The database: `sqlite://FILE` or `postgres://USER@HOST:PORT/DB` (default: the SQLite
        /// file `lianban.db` in the data folder, which also holds keys and files in both cases).
        #[arg(long, env = "LIANBAN_DATABASE_URL")]
        database: Option<String>,
        /// The administrator's password (at least 8 characters).
        #[arg(long, env = "LIANBAN_ADMIN_PASSWORD")]
        admin_password: String,
        /// The deployment's crypto suite, fixed here for the trace: `standard` (SHA-256, Ed25519)
        /// or `national` (SM3 tree and field hashes, SM2-signed checkpoints; also the suite of
        /// new seals). Default: standard, or the suite of an existing ledger key.
        #[arg(long, env = "LIANBAN_CRYPTO_SUITE")]
        crypto_suite: Option<crypto::Suite>,
    },
    /// Build the demo world (one city, three districts, ~50 users, 2,000 cases) and serve it.
    Demo {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-demo")]
        data: PathBuf,
        /// The database: `sqlite://FILE` or `postgres://USER@HOST:PORT/DB` (default: the SQLite
        /// file `lianban.db` in the data folder, which also holds keys and files in both cases).
        /// The demo is built only into a database without events.
        #[arg(long, env = "LIANBAN_DATABASE_URL")]
        database: Option<String>,
        #[arg(long, env = "LIANBAN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Only build the data; do not serve.
        #[arg(long)]
        no_serve: bool,
        /// Number of cases.
        #[arg(long, default_value_t = 2000)]
        cases: u32,
        /// Seed of the generator (same seed, same world).
        #[arg(long, default_value_t = 20261122)]
        seed: u64,
        /// Rebuild even if the folder already holds a demo (the data folder's SQLite file only).
        #[arg(long)]
        reset: bool,
    },
    /// Re-derive everything from the events and check it; exits non-zero naming the first
    /// disagreement.
    Verify {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// The database: `sqlite://FILE` or `postgres://USER@HOST:PORT/DB` (default: the SQLite
        /// file `lianban.db` in the data folder, which also holds keys and files in both cases).
        #[arg(long, env = "LIANBAN_DATABASE_URL")]
        database: Option<String>,
        /// Keep case-file blobs in an S3-compatible bucket, `s3://BUCKET/PREFIX` (default: the
        /// data folder's `blobs/`). Credentials, region and endpoint from the usual `AWS_*`
        /// variables (`AWS_ENDPOINT`, `AWS_ALLOW_HTTP=true` for an S3-compatible server).
        #[arg(long, env = "LIANBAN_BLOBS")]
        blobs: Option<String>,
    },
    /// The tamper-evident trace: checkpoints, proofs and entries for auditors; witness nodes.
    /// Sealed legal documents (电子签章): verify a sealed file offline, the crypto suite, export.
    Seal {
        #[command(subcommand)]
        command: seal_cli::SealCmd,
    },
    Ledger {
        #[command(subcommand)]
        command: ledger_cli::LedgerCmd,
    },
    /// Assisted case handling: run a task on a JSON-lines file, train, or evaluate.
    Assist {
        #[command(subcommand)]
        command: AssistCmd,
    },
}

#[derive(Subcommand)]
enum AssistCmd {
    /// Rebuild every model from the shared data.
    Train {
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        #[arg(long, default_value = "crates/assist/models")]
        out: PathBuf,
    },
    /// Print each task's score on the development sets (the CAIL test rows with charge and term
    /// models learnt afresh without test.jsonl, which the shipped ones have learnt; the
    /// judgments of article_prediction.jsonl, which the charge model learns, by 5-fold
    /// cross-validation).
    Eval {
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        #[arg(long)]
        models: Option<PathBuf>,
        /// Also cross-validate the charge and term models over train.jsonl and test.jsonl
        /// together, in this many folds.
        #[arg(long, value_parser = clap::value_parser!(u16).range(2..=20))]
        cv: Option<u16>,
    },
    #[command(external_subcommand)]
    Task(Vec<String>),
}

fn db_path(data: &Path) -> PathBuf {
    data.join("lianban.db")
}

async fn open(data: &Path, durability: Durability) -> Result<Store> {
    std::fs::create_dir_all(data).with_context(|| format!("cannot create data folder {}", data.display()))?;
    Store::open(&db_path(data), durability, Arc::new(SystemClock)).await.with_context(|| format!("cannot open {}", db_path(data).display()))
}

/// Opens the database a URL names (PostgreSQL or SQLite), keys and files in `data`.
async fn open_url(data: &Path, url: &str, durability: Durability) -> Result<Store> {
    std::fs::create_dir_all(data).with_context(|| format!("cannot create data folder {}", data.display()))?;
    let shown = url.split('@').next_back().unwrap_or(url);
    Store::open_url(url, durability, Arc::new(SystemClock), data).await.with_context(|| format!("cannot open the database at {shown}"))
}

/// `lianban verify` on a database named by URL, or with blobs in a bucket: the same checks as on
/// the data folder alone.
async fn verify_url(data: &Path, url: Option<&str>, blobs: Option<&str>) -> Result<()> {
    let store = match url {
        Some(url) => open_url(data, url, Durability::Full).await?,
        None => {
            if !db_path(data).exists() {
                bail!("{} holds no Lianban database", data.display());
            }
            open(data, Durability::Full).await?
        }
    };
    let store = with_blobs(store, data, blobs)?;
    ledger_cli::verify_store(&store).await
}

/// The store with its blobs in the bucket `--blobs` names (uploads staged in `DATA/staging`).
fn with_blobs(store: Store, data: &Path, blobs: Option<&str>) -> Result<Store> {
    let Some(url) = blobs else { return Ok(store) };
    let b = store::files::Blobs::s3(url, &[], data.join("staging")).map_err(|e| anyhow::anyhow!("--blobs: {e}"))?;
    tracing::info!(blobs = %b.describe(), "case-file blobs in object storage");
    Ok(store.with_blobs(b))
}

async fn serve(store: Store, listen: &str) -> Result<()> {
    serve_with(store, listen, std::time::Duration::from_secs(60), store::WriterCpu::Auto).await
}

async fn serve_with(store: Store, listen: &str, witness_check: std::time::Duration, writer_cpu: store::WriterCpu) -> Result<()> {
    match store.pin_writer(writer_cpu).map_err(|e| anyhow::anyhow!("--writer-cpu: {e}"))? {
        Some(p) => tracing::info!(cpu = p.cpu, threads = ?p.threads, "the writer's threads share one core"),
        None if matches!(writer_cpu, store::WriterCpu::Cpu(_)) => {
            tracing::warn!("--writer-cpu: only the SQLite writer on Linux is kept on a core; not pinned")
        }
        None => tracing::debug!("the writer's threads are not pinned"),
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(address = %listen, "serving");
    // Supervision: deadline warnings, alarms and irregularity findings are also swept every five
    // minutes, so that the passing of time alone raises them.
    let sweeper = server::supervision_api::spawn_sweeper(store.clone(), std::time::Duration::from_secs(300));
    // The ledger: witnessed tree heads re-checked against the stored tree (split views alarmed).
    let witness_checker = server::ledger_api::spawn_witness_checker(store.clone(), witness_check);
    server::serve(store, listener).await?;
    sweeper.abort();
    witness_checker.abort();
    Ok(())
}

fn assist_task(args: &[String]) -> Result<()> {
    let usage = "usage: lianban assist TASK --input FILE.jsonl [--models DIR]; TASK is entities, amount, charges, articles, term or proofread";
    let Some((task, rest)) = args.split_first() else { bail!(usage) };
    let mut input = None;
    let mut models = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--input" => input = it.next().map(PathBuf::from),
            "--models" => models = it.next().map(PathBuf::from),
            other => bail!("unknown argument {other}; {usage}"),
        }
    }
    let input = input.with_context(|| usage.to_string())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    assist::run_task(task, &input, models.as_deref(), &mut out)?;
    use std::io::Write;
    out.flush()?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("LIANBAN_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Cmd::Serve { data, database, blobs, listen, nats, witness_check_secs, writer_cpu } => {
            let store = match &database {
                Some(url) => open_url(&data, url, Durability::Full).await?,
                None => {
                    if !db_path(&data).exists() {
                        bail!("{} holds no Lianban database: run `lianban init --data {}` or `lianban demo` first", data.display(), data.display());
                    }
                    open(&data, Durability::Full).await?
                }
            };
            let store = with_blobs(store, &data, blobs.as_deref())?;
            let publisher = match nats {
                Some(url) => {
                    let cfg = server::feed::NatsConfig::new(url);
                    let p = server::feed::NatsPublisher::connect(server::AppState::new(store.clone()), cfg).await.map_err(|e| anyhow::anyhow!("event feed publisher: {e}"))?;
                    Some(tokio::spawn(p.run()))
                }
                None => None,
            };
            let served = serve_with(store, &listen, std::time::Duration::from_secs(witness_check_secs), writer_cpu).await;
            if let Some(p) = publisher {
                p.abort();
            }
            served
        }
        Cmd::Init { data, database, admin_password, crypto_suite } => {
            if admin_password.chars().count() < 8 {
                bail!("--admin-password: at least 8 characters");
            }
            // The trace's suite is fixed by the ledger key, created here before the first open.
            let suite = store::trace::create_key(&data.join("keys"), crypto_suite).map_err(|e| anyhow::anyhow!("--crypto-suite: {e}"))?;
            // Personal fields are sealed with the same suite (SM4-GCM in national mode).
            store::accounts::FieldCipher::load_or_create_in(&data.join("keys"), suite).map_err(|e| anyhow::anyhow!("--crypto-suite: {e}"))?;
            let store = match &database {
                Some(url) => open_url(&data, url, Durability::Full).await?,
                None => open(&data, Durability::Full).await?,
            };
            admin::init(&store, &admin_password).await?;
            if crypto_suite.is_some() {
                store.set_crypto_suite(suite).await?;
            }
            println!("已初始化 {}：管理员账号 admin，账本密码套件 {suite}", data.display());
            Ok(())
        }
        Cmd::Demo { data, database, listen, no_serve, cases, seed, reset } => {
            demo_cli::run(&data, database.as_deref(), &listen, no_serve, cases, seed, reset).await
        }
        Cmd::Verify { data, database: None, blobs: None } => ledger_cli::verify(&data).await,
        Cmd::Verify { data, database, blobs } => verify_url(&data, database.as_deref(), blobs.as_deref()).await,
        Cmd::Ledger { command } => match ledger_cli::run(command).await {
            // A witness that refused a split view: its own exit status, for schedulers to alarm on.
            Err(e) if e.downcast_ref::<ledger_cli::Refused>().is_some() => {
                eprintln!("Error: {e:#}");
                std::process::exit(ledger_cli::SPLIT_VIEW_EXIT);
            }
            other => other,
        },
        Cmd::Seal { command } => seal_cli::run(command).await,
        Cmd::Assist { command } => match command {
            AssistCmd::Train { data, out } => {
                let report = assist::train(&data, &out)?;
                println!("{report:?}");
                Ok(())
            }
            AssistCmd::Eval { data, models, cv } => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                assist::evaluate(&data, models.as_deref(), cv.map(usize::from), &mut out)?;
                Ok(())
            }
            AssistCmd::Task(args) => assist_task(&args),
        },
    }
}

mod admin {
    use anyhow::Result;
    use domain::{AgencyKind, Level, Organization, Role, User};
    use store::Store;

    /// Creates the platform's own organization and its administrator.
    pub async fn init(store: &Store, password: &str) -> Result<()> {
        store
            .put_organization(&Organization {
                id: "platform".into(),
                name: "联办平台管理".into(),
                kind: AgencyKind::Committee,
                level: Level::City,
                jurisdiction: "0000".into(),
                parent: None,
            })
            .await?;
        let admin = User { id: "admin".into(), username: "admin".into(), name: "系统管理员".into(), org: "platform".into(), role: Role::Admin, active: true };
        store.put_user(&admin, Some(&server::auth::hash_password(password))).await?;
        Ok(())
    }
}

