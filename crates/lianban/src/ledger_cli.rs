//! `lianban verify` and `lianban ledger …`: the tamper-evident trace for outside auditors and for
//! each agency's witness node. Output is JSON (hashes lowercase hex, leaf bytes base64); the
//! formats are specified in docs/leaf-format.md.

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use ledger::{Ed25519Cosigner, LedgerError, NoteVerifier, TreeHasher, Witness};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use store::{Durability, LedgerHasher, Log, Store, SystemClock};

#[derive(Subcommand)]
pub enum LedgerCmd {
    /// Print the latest signed checkpoint and its witnesses' cosignatures.
    Checkpoint {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// Which log: `events` (the event trace) or `access` (the access log of reads, denials
        /// and administration).
        #[arg(long, default_value = "events")]
        log: Log,
    },
    /// Print the inclusion proof (audit path) of entry INDEX in the tree of SIZE entries
    /// (default: the latest checkpoint's size).
    Prove {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// Which log: `events` (the event trace) or `access` (the access log of reads, denials
        /// and administration).
        #[arg(long, default_value = "events")]
        log: Log,
        #[arg(long)]
        index: u64,
        #[arg(long)]
        size: Option<u64>,
    },
    /// Print the consistency proof between the trees of FROM and TO entries.
    Consistency {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// Which log: `events` (the event trace) or `access` (the access log of reads, denials
        /// and administration).
        #[arg(long, default_value = "events")]
        log: Log,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
    },
    /// Print entries START <= index < END, one JSON line each.
    Entries {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// Which log: `events` (the event trace) or `access` (the access log of reads, denials
        /// and administration).
        #[arg(long, default_value = "events")]
        log: Log,
        #[arg(long)]
        start: u64,
        #[arg(long)]
        end: u64,
    },
    /// Print the deployment's public key (signed-note verifier key string) and origin.
    Key {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// Which log: `events` (the event trace) or `access` (the access log of reads, denials
        /// and administration).
        #[arg(long, default_value = "events")]
        log: Log,
    },
    /// Act as ORG's witness: check the latest checkpoint against the last one this witness
    /// cosigned (consistency proof), cosign it, and hand the cosignature to the platform.
    /// With --url the platform is reached over HTTP (its /api/v1/ledger API) and --key and
    /// --state are required; without it the local data folder is used. A checkpoint that does
    /// not extend what this witness cosigned is refused, alarmed and exits with status 3.
    Witness {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// The organization this witness node belongs to.
        #[arg(long)]
        org: String,
        /// The witness's private key (created if missing). Default: DATA/witness/ORG.key.
        #[arg(long)]
        key: Option<PathBuf>,
        /// The witness's state: the log key it trusts and the last tree head it cosigned.
        /// Default: DATA/witness/ORG.state.json.
        #[arg(long)]
        state: Option<PathBuf>,
        /// The platform's base URL (http:// or https://): work remotely instead of on DATA.
        #[arg(long, env = "LIANBAN_URL")]
        url: Option<String>,
        /// An API token sent as `Authorization: Bearer` (the ledger API itself is public; for
        /// deployments that put it behind authentication).
        #[arg(long, env = "LIANBAN_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Only print this witness's public key (to be registered by an administrator with
        /// POST /api/v1/admin/witnesses) and exit; the key is created if missing.
        #[arg(long)]
        print_key: bool,
    },
    /// Full verification as an outside auditor does it: fetch every entry of the latest signed
    /// checkpoint, recompute the root (on every core) and check it and the log's signature.
    /// With --url over the public HTTP API, else from the local data folder.
    Audit {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        /// The platform's base URL (http:// or https://).
        #[arg(long, env = "LIANBAN_URL")]
        url: Option<String>,
        #[arg(long, env = "LIANBAN_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// The log's verifier key string to trust (default: the key the platform publishes).
        #[arg(long)]
        log_key: Option<String>,
        /// Which log: `events` (the event trace) or `access` (the access log).
        #[arg(long, default_value = "events")]
        log: Log,
    },
    /// List the registered witnesses and the tree size each has witnessed.
    Witnesses {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
    },
    /// List split-view and other alarms.
    Alarms {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
    },
}

async fn open_existing(data: &Path) -> Result<Store> {
    let db = data.join("lianban.db");
    if !db.exists() {
        bail!("{} holds no Lianban database", data.display());
    }
    let key = data.join("keys").join(store::trace::PRIVATE_KEY_FILE);
    if !key.exists() {
        bail!("the ledger key {} is missing: checkpoints cannot be checked", key.display());
    }
    Store::open(&db, Durability::Full, Arc::new(SystemClock)).await.with_context(|| format!("cannot open {}", db.display()))
}

fn print<T: Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string(v)?);
    Ok(())
}

/// `lianban verify`: re-derives every leaf, the tree, every checkpoint and cosignature, and the
/// projections; fails naming the first position that disagrees.
pub async fn verify(data: &Path) -> Result<()> {
    let store = open_existing(data).await?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = data.join("keys").join(store::trace::PRIVATE_KEY_FILE);
        let mode = std::fs::metadata(&key)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!("warning: {} is readable by others (mode {mode:o}); it should be 0600", key.display());
        }
    }
    verify_store(&store).await
}

/// The checks of `lianban verify` on an open store (the data folder's SQLite file or a database
/// named by URL): the trace, the projections, the files log's chain and every stored blob's bytes.
pub async fn verify_store(store: &Store) -> Result<()> {
    let r = match store.verify().await? {
        Ok(r) => r,
        Err(d) => bail!("verification failed at {d}"),
    };
    // The electronic case files: the hash chain of the files log and every stored blob's bytes.
    let log = store.verify_files_log().await.map_err(|e| anyhow::anyhow!("verification failed: {e}"))?;
    let blobs = store.verify_blobs().await.map_err(|e| anyhow::anyhow!("verification failed: {e}"))?;
    println!(
        "verified ({}): {} events; every leaf, tree node, {} signed checkpoints and {} cosignatures agree with the events; projections equal a rebuild; root {}; access log: {} records, every leaf, node and {} signed checkpoints agree with the access audit, root {}; {log} files-log entries chained; {blobs} blobs match their SHA-256",
        store.backend().name(), r.events, r.checkpoints, r.cosignatures, r.root_hash, r.access_records, r.access_checkpoints, r.access_root_hash
    );
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct WitnessState {
    /// The log's verifier key string, pinned on first use.
    log_key: String,
    origin: String,
    size: u64,
    /// Lowercase hex.
    root: String,
    /// The last checkpoint note this witness cosigned, its cosignature line appended: the
    /// evidence it presents to the platform when it sees a split view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// Split views and bad checkpoints this witness refused, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    alarms: Vec<WitnessAlarm>,
}

#[derive(Serialize, Deserialize)]
struct WitnessAlarm {
    /// RFC 3339.
    at: String,
    kind: String,
    tree_size: u64,
    detail: String,
}

/// Exit status of a witness that refused a split view (2 is clap's usage error).
pub const SPLIT_VIEW_EXIT: i32 = 3;

/// A refusal by the witness: alarmed, and the process exits with [`SPLIT_VIEW_EXIT`].
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn load_or_create_cosigner(path: &Path, org: &str) -> Result<Ed25519Cosigner> {
    let name = format!("witness/{org}");
    if path.exists() {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let seed: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| anyhow!("{}: expected 64 hex digits", path.display()))?;
        return Ok(Ed25519Cosigner::from_seed(&name, &seed)?);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        store::trace::create_private_dir(dir)?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no system randomness: {e}"))?;
    store::trace::write_secret_file(path, &format!("{}\n", hex::encode(seed)))?;
    Ok(Ed25519Cosigner::from_seed(&name, &seed)?)
}

fn load_state(path: &Path) -> Result<Option<WitnessState>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(serde_json::from_str(&text).with_context(|| format!("cannot read {}", path.display()))?))
}

fn save_state(path: &Path, st: &WitnessState) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(st)?)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn parse_hash(h: &str) -> Result<ledger::Hash> {
    hex::decode(h).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| anyhow!("not a 32-byte hex hash: {h:?}"))
}

/// What a witness does with a checkpoint, wherever it came from: verify it against the state,
/// and either cosign it (the state advances) or refuse it (an alarm is recorded in the state).
enum Decision {
    Cosign { note: String },
    Refuse { kind: &'static str, detail: String },
}

/// A log key string as its verifier and the tree hasher of its suite (Ed25519 → SHA-256, SM2 →
/// SM3; docs/leaf-format.md §9).
fn log_verifier(key: &str) -> Result<(Box<dyn NoteVerifier + Send + Sync>, LedgerHasher)> {
    let (suite, v) = store::trace::parse_verifier_key(key).map_err(|e| anyhow!("log key {key:?}: {e}"))?;
    Ok((v, LedgerHasher::of(suite)))
}

fn empty_root_of(key: &str) -> Result<String> {
    Ok(hex::encode(log_verifier(key)?.1.empty_root()))
}

fn decide(org: &str, st: &WitnessState, cosigner: &Ed25519Cosigner, note: &str, tree_size: u64, proof: &[String]) -> Result<(Decision, Witness)> {
    let (log, hasher) = log_verifier(&st.log_key)?;
    let mut w = Witness { origin: st.origin.clone(), size: st.size, root: parse_hash(&st.root)? };
    let proof: Vec<ledger::Hash> = proof.iter().map(|h| parse_hash(h)).collect::<Result<_>>()?;
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    Ok(match w.cosign(&hasher, log.as_ref(), cosigner, note, &proof, now) {
        Ok(line) => (Decision::Cosign { note: format!("{note}{}", line.to_line()) }, w),
        Err(e) => {
            let kind = match e {
                LedgerError::Rollback { .. } | LedgerError::ConflictingRoot { .. } | LedgerError::ConsistencyRejected { .. } => "split_view",
                _ => "bad_checkpoint",
            };
            let detail = format!("witness of {org} (last cosigned size {}) refused the checkpoint of size {tree_size}: {e}", st.size);
            (Decision::Refuse { kind, detail }, w)
        }
    })
}

fn record_alarm(st: &mut WitnessState, kind: &str, tree_size: u64, detail: &str) {
    st.alarms.push(WitnessAlarm { at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true), kind: kind.into(), tree_size, detail: detail.into() });
}

async fn witness(data: &Path, org: &str, key: Option<PathBuf>, state: Option<PathBuf>) -> Result<()> {
    let store = open_existing(data).await?;
    if store.directory().org(org).is_none() {
        bail!("--org: no organization {org:?}");
    }
    let key_path = key.unwrap_or_else(|| data.join("witness").join(format!("{org}.key")));
    let state_path = state.unwrap_or_else(|| data.join("witness").join(format!("{org}.state.json")));
    let cosigner = load_or_create_cosigner(&key_path, org)?;
    let my_key = cosigner.verifier_key_string();
    match store.witness_key(org).await? {
        None => {
            store.register_witness(org, &my_key).await?;
            eprintln!("registered {org}'s witness key {my_key}");
        }
        Some(k) if k == my_key => {}
        Some(k) => bail!("{org} has another witness key registered ({k}); this node's key is {my_key}"),
    }
    let mut st = match load_state(&state_path)? {
        Some(st) => st,
        None => WitnessState {
            log_key: store.ledger_public_key(),
            origin: store.ledger_origin(),
            size: 0,
            root: empty_root_of(&store.ledger_public_key())?,
            note: None,
            alarms: Vec::new(),
        },
    };
    let cp = store.ledger_checkpoint(None).await?.ok_or_else(|| anyhow!("the ledger has no checkpoint yet"))?;
    let proof = if cp.tree_size >= st.size && cp.tree_size <= store.ledger_size().await? {
        store.ledger_consistency(st.size, cp.tree_size).await?.proof
    } else {
        Vec::new()
    };
    let (decision, w) = decide(org, &st, &cosigner, &cp.note, cp.tree_size, &proof)?;
    let note = match decision {
        Decision::Cosign { note, .. } => note,
        Decision::Refuse { kind, detail } => {
            store.raise_ledger_alarm(kind, Some(org), Some(cp.tree_size), &detail).await?;
            record_alarm(&mut st, kind, cp.tree_size, &detail);
            save_state(&state_path, &st)?;
            return Err(Refused(format!("{kind}: {detail}")).into());
        }
    };
    let accepted = store.add_cosignature(org, &note).await?;
    server::ledger_api::check_witnessed(&store).await;
    st.size = w.size;
    st.root = hex::encode(w.root);
    st.note = Some(note);
    save_state(&state_path, &st)?;
    print(&serde_json::json!({
        "org": org,
        "tree_size": cp.tree_size,
        "root_hash": cp.root_hash,
        "cosignature": accepted,
    }))
}

/// A small HTTP/1.1 client for the platform's JSON API (http and https, system roots).
struct Platform {
    base: String,
    token: Option<String>,
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

/// How long one request may take.
const HTTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl Platform {
    fn new(url: &str, token: Option<String>) -> Result<Self> {
        let base = url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("--url：应以 http:// 或 https:// 开头：{url}");
        }
        // Name the TLS provider: a build of the whole workspace enables both of rustls's (ring via
        // the NATS client, aws-lc-rs via the browser tests' client), and rustls then refuses to
        // pick one by itself.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
            .context("cannot load the system's root certificates")?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Platform { base, token, client: Client::builder(TokioExecutor::new()).build(https) })
    }

    /// Sends a request and returns the status and the parsed JSON body (`null` if empty).
    async fn send(&self, method: Method, path: &str, body: Option<&serde_json::Value>) -> Result<(StatusCode, serde_json::Value)> {
        let url = format!("{}{path}", self.base);
        let mut req = Request::builder().method(method.clone()).uri(&url).header("accept", "application/json");
        if let Some(t) = &self.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Full::new(Bytes::from(serde_json::to_vec(b)?)))?,
            None => req.body(Full::new(Bytes::new()))?,
        };
        let res = tokio::time::timeout(HTTP_TIMEOUT, async {
            let res = self.client.request(req).await?;
            let status = res.status();
            let bytes = res.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, bytes))
        })
        .await
        .map_err(|_| anyhow!("{method} {url}：{}秒内没有应答", HTTP_TIMEOUT.as_secs()))?
        .with_context(|| format!("{method} {url}"))?;
        let (status, bytes) = res;
        let v = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).with_context(|| format!("{method} {url}：应答不是 JSON（状态 {status}）"))?
        };
        Ok((status, v))
    }

    /// GET, expecting 200 and a body of type `T`.
    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let (status, v) = self.send(Method::GET, path, None).await?;
        if status != StatusCode::OK {
            bail!("GET {}{path}：{status} {}", self.base, api_message(&v));
        }
        serde_json::from_value(v).with_context(|| format!("GET {}{path}：应答格式不符", self.base))
    }
}

/// The `error.message` of an API error body, or the body itself.
fn api_message(v: &serde_json::Value) -> String {
    v["error"]["message"].as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

#[derive(Deserialize)]
struct RemoteKey {
    origin: String,
    key: String,
}

#[derive(Deserialize)]
struct RemoteCheckpoint {
    tree_size: u64,
    root_hash: String,
    note: String,
}

#[derive(Deserialize)]
struct RemoteProof {
    proof: Vec<String>,
}

#[derive(Deserialize)]
struct RemoteWitness {
    org: String,
    key: String,
}

#[derive(Deserialize)]
struct RemoteWitnesses {
    witnesses: Vec<RemoteWitness>,
}

/// `lianban ledger witness --url`: the same duties over the platform's HTTP API.
async fn witness_remote(url: &str, token: Option<String>, org: &str, key_path: &Path, state_path: &Path) -> Result<()> {
    let cosigner = load_or_create_cosigner(key_path, org)?;
    let my_key = cosigner.verifier_key_string();
    let platform = Platform::new(url, token)?;
    let registered: RemoteWitnesses = platform.get("/api/v1/ledger/witnesses").await?;
    match registered.witnesses.iter().find(|w| w.org == org) {
        Some(w) if w.key == my_key => {}
        Some(w) => bail!("平台为“{org}”登记的见证公钥是 {}，与本节点的公钥 {my_key} 不同：请管理员用 POST /api/v1/admin/witnesses 更换", w.key),
        None => bail!("“{org}”的见证公钥尚未在平台登记：请管理员用 POST /api/v1/admin/witnesses 登记 {{\"org\": \"{org}\", \"key\": \"{my_key}\"}}"),
    }
    let log: RemoteKey = platform.get("/api/v1/ledger/key").await?;
    let mut st = match load_state(state_path)? {
        Some(st) => {
            if st.log_key != log.key {
                // The pinned key stays; the checkpoint below will not verify under it.
                eprintln!("警告：平台现在公布的账本公钥 {} 与本见证节点记录的 {} 不同", log.key, st.log_key);
            }
            st
        }
        None => WitnessState {
            root: empty_root_of(&log.key)?,
            log_key: log.key,
            origin: log.origin,
            size: 0,
            note: None,
            alarms: Vec::new(),
        },
    };
    let cp: RemoteCheckpoint = platform.get("/api/v1/ledger/checkpoint").await?;
    let proof = if cp.tree_size >= st.size {
        let path = format!("/api/v1/ledger/proof/consistency?from={}&to={}", st.size, cp.tree_size);
        // A failure here (network, or the platform refusing to prove its own checkpoint) is an
        // error, not evidence: nothing is cosigned and nothing is alarmed.
        platform.get::<RemoteProof>(&path).await.context("无法取得一致性证明，本次不副署")?.proof
    } else {
        Vec::new()
    };
    let (decision, w) = decide(org, &st, &cosigner, &cp.note, cp.tree_size, &proof)?;
    let note = match decision {
        Decision::Cosign { note, .. } => note,
        Decision::Refuse { kind, detail } => {
            record_alarm(&mut st, kind, cp.tree_size, &detail);
            save_state(state_path, &st)?;
            // Present the evidence: the last checkpoint this witness cosigned. A platform whose
            // stored tree contradicts it answers 409 split_view and raises its own alarm.
            let evidence = match &st.note {
                Some(n) => {
                    let (status, v) = platform.send(Method::POST, "/api/v1/ledger/cosignatures", Some(&serde_json::json!({ "org": org, "note": n }))).await?;
                    if status == StatusCode::CONFLICT {
                        format!("平台已告警：{}", api_message(&v))
                    } else {
                        format!("平台的树仍包含本节点上次副署的规模{}（{status}）；它提供的新检查点与之不一致", st.size)
                    }
                }
                None => "本节点尚无副署过的检查点可作证据".to_string(),
            };
            return Err(Refused(format!("{kind}: {detail}; {evidence}")).into());
        }
    };
    let (status, v) = platform.send(Method::POST, "/api/v1/ledger/cosignatures", Some(&serde_json::json!({ "org": org, "note": note }))).await?;
    if status != StatusCode::OK {
        if status == StatusCode::CONFLICT {
            record_alarm(&mut st, "split_view", cp.tree_size, &api_message(&v));
            save_state(state_path, &st)?;
            return Err(Refused(format!("split_view: 平台拒绝了副署：{}", api_message(&v))).into());
        }
        bail!("POST {url}/api/v1/ledger/cosignatures：{status} {}", api_message(&v));
    }
    st.size = w.size;
    st.root = hex::encode(w.root);
    st.note = Some(note);
    save_state(state_path, &st)?;
    print(&serde_json::json!({
        "org": org,
        "url": platform.base,
        "tree_size": cp.tree_size,
        "root_hash": cp.root_hash,
        "cosignature": v,
    }))
}

#[derive(Deserialize)]
struct RemoteEntry {
    index: u64,
    leaf: String,
}

#[derive(Deserialize)]
struct RemoteEntries {
    entries: Vec<RemoteEntry>,
}

/// Leaves hashed per bulk step of an audit (then handed to the parallel tree code).
const AUDIT_BATCH: u64 = 1 << 16;

/// `lianban ledger audit`: the root of every entry recomputed and checked against the latest
/// signed checkpoint.
async fn audit(data: &Path, url: Option<String>, token: Option<String>, log_key: Option<String>, log: Log) -> Result<()> {
    let api = match log {
        Log::Events => "/api/v1/ledger",
        Log::Access => "/api/v1/ledger/access",
    };
    use base64::Engine;
    let started = std::time::Instant::now();
    enum Source {
        Remote(Box<Platform>),
        Local(Store),
    }
    let source = match &url {
        Some(u) => Source::Remote(Box::new(Platform::new(u, token)?)),
        None => Source::Local(open_existing(data).await?),
    };
    let (published, note, size, root_hex) = match &source {
        Source::Remote(p) => {
            let k: RemoteKey = p.get(&format!("{api}/key")).await?;
            let cp: RemoteCheckpoint = p.get(&format!("{api}/checkpoint")).await?;
            (k.key, cp.note, cp.tree_size, cp.root_hash)
        }
        Source::Local(store) => {
            let cp = store.log_checkpoint(log, None).await?.ok_or_else(|| anyhow!("the {log} log has no checkpoint yet"))?;
            (store.log_public_key(log), cp.note, cp.tree_size, cp.root_hash)
        }
    };
    let key = log_key.unwrap_or(published);
    let (verifier, hasher) = log_verifier(&key)?;
    let signed = ledger::open_checkpoint(&note, verifier.as_ref()).context("the latest checkpoint does not verify under the log key")?;
    let cp = signed.checkpoint();
    if cp.size != size || hex::encode(cp.root) != root_hex {
        bail!("the checkpoint's note (size {}, root {}) differs from the size {size} and root {root_hex} served beside it", cp.size, hex::encode(cp.root));
    }
    let mut frontier = ledger::Frontier::new();
    let mut at = 0u64;
    while at < size {
        let end = size.min(at + AUDIT_BATCH);
        let mut leaves: Vec<Vec<u8>> = Vec::with_capacity((end - at) as usize);
        while at + (leaves.len() as u64) < end {
            let from = at + leaves.len() as u64;
            let page: Vec<(u64, String)> = match &source {
                Source::Remote(p) => {
                    let to = end.min(from + 1000);
                    let e: RemoteEntries = p.get(&format!("{api}/entries?start={from}&end={to}")).await?;
                    e.entries.into_iter().map(|e| (e.index, e.leaf)).collect()
                }
                Source::Local(store) => store.log_entries(log, from, end).await?.into_iter().map(|e| (e.index, e.leaf)).collect(),
            };
            if page.is_empty() {
                bail!("entry {from} is missing: the checkpoint covers {size} entries");
            }
            for (i, (index, leaf)) in page.into_iter().enumerate() {
                if index != from + i as u64 {
                    bail!("expected entry {}, got {index}", from + i as u64);
                }
                leaves.push(base64::engine::general_purpose::STANDARD.decode(&leaf).with_context(|| format!("entry {index} is not base64"))?);
            }
        }
        frontier.extend_leaves(&hasher, &leaves)?;
        at = end;
    }
    let root = frontier.root(&hasher);
    if root != cp.root {
        bail!("the {size} entries hash to root {}, the signed checkpoint says {}", hex::encode(root), hex::encode(cp.root));
    }
    print(&serde_json::json!({
        "verified": true,
        "tree_size": size,
        "root_hash": hex::encode(root),
        "log_key": key,
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

pub async fn run(cmd: LedgerCmd) -> Result<()> {
    match cmd {
        LedgerCmd::Checkpoint { data, log } => {
            let store = open_existing(&data).await?;
            let cp = store.log_checkpoint(log, None).await?.ok_or_else(|| anyhow!("the {log} log has no checkpoint yet"))?;
            print(&cp)
        }
        LedgerCmd::Prove { data, log, index, size } => print(&open_existing(&data).await?.log_inclusion(log, index, size).await?),
        LedgerCmd::Consistency { data, log, from, to } => print(&open_existing(&data).await?.log_consistency(log, from, to).await?),
        LedgerCmd::Entries { data, log, start, end } => {
            let store = open_existing(&data).await?;
            use std::io::Write;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let mut at = start;
            while at < end {
                let chunk_end = end.min(at.saturating_add(10_000));
                let entries = store.log_entries(log, at, chunk_end).await?;
                if entries.is_empty() {
                    break;
                }
                for e in &entries {
                    writeln!(out, "{}", serde_json::to_string(e)?)?;
                }
                at = chunk_end;
            }
            out.flush()?;
            Ok(())
        }
        LedgerCmd::Key { data, log } => {
            let store = open_existing(&data).await?;
            print(&serde_json::json!({ "origin": store.log_origin(log), "key": store.log_public_key(log) }))
        }
        LedgerCmd::Witness { data, org, key, state, url, token, print_key } => {
            if print_key {
                let key_path = key.unwrap_or_else(|| data.join("witness").join(format!("{org}.key")));
                let cosigner = load_or_create_cosigner(&key_path, &org)?;
                return print(&serde_json::json!({ "org": org, "key": cosigner.verifier_key_string() }));
            }
            match url {
                Some(url) => {
                    let (Some(key), Some(state)) = (key, state) else { bail!("--url 需要同时给出 --key 与 --state") };
                    witness_remote(&url, token, &org, &key, &state).await
                }
                None => witness(&data, &org, key, state).await,
            }
        }
        LedgerCmd::Audit { data, url, token, log_key, log } => audit(&data, url, token, log_key, log).await,
        LedgerCmd::Witnesses { data } => print(&open_existing(&data).await?.witnesses().await?),
        LedgerCmd::Alarms { data } => print(&open_existing(&data).await?.ledger_alarms().await?),
    }
}
