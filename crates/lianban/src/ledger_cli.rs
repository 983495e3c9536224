//! `lianban verify` and `lianban ledger …`: the tamper-evident trace for outside auditors and for
//! each agency's witness node. Output is JSON (hashes lowercase hex, leaf bytes base64); the
//! formats are specified in docs/leaf-format.md.

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use ledger::{Ed25519Cosigner, Ed25519NoteVerifier, LedgerError, Sha256Hasher, Witness};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::{Durability, Store, SystemClock};

#[derive(Subcommand)]
pub enum LedgerCmd {
    /// Print the latest signed checkpoint and its witnesses' cosignatures.
    Checkpoint {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
    },
    /// Print the inclusion proof (audit path) of entry INDEX in the tree of SIZE entries
    /// (default: the latest checkpoint's size).
    Prove {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        #[arg(long)]
        index: u64,
        #[arg(long)]
        size: Option<u64>,
    },
    /// Print the consistency proof between the trees of FROM and TO entries.
    Consistency {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
    },
    /// Print entries START <= index < END, one JSON line each.
    Entries {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
        #[arg(long)]
        start: u64,
        #[arg(long)]
        end: u64,
    },
    /// Print the deployment's public key (signed-note verifier key string) and origin.
    Key {
        #[arg(long, env = "LIANBAN_DATA", default_value = "lianban-data")]
        data: PathBuf,
    },
    /// Act as ORG's witness: check the latest checkpoint against the last one this witness
    /// cosigned (consistency proof), cosign it, and hand the cosignature to the platform.
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
    let r = match store.verify().await? {
        Ok(r) => r,
        Err(d) => bail!("verification failed at {d}"),
    };
    // The electronic case files: the hash chain of the files log and every stored blob's bytes.
    let log = store.verify_files_log().await.map_err(|e| anyhow::anyhow!("verification failed: {e}"))?;
    let blobs = store.verify_blobs().await.map_err(|e| anyhow::anyhow!("verification failed: {e}"))?;
    println!(
        "verified: {} events; every leaf, tree node, {} signed checkpoints and {} cosignatures agree with the events; projections equal a rebuild; root {}; {log} files-log entries chained; {blobs} blobs match their SHA-256",
        r.events, r.checkpoints, r.cosignatures, r.root_hash
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
}

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
    if let Some(dir) = path.parent() {
        store::trace::create_private_dir(dir)?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no system randomness: {e}"))?;
    store::trace::write_secret_file(path, &format!("{}\n", hex::encode(seed)))?;
    Ok(Ed25519Cosigner::from_seed(&name, &seed)?)
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
    let mut st: WitnessState = if state_path.exists() {
        serde_json::from_str(&std::fs::read_to_string(&state_path)?).with_context(|| format!("cannot read {}", state_path.display()))?
    } else {
        WitnessState {
            log_key: store.ledger_public_key(),
            origin: store.ledger_origin(),
            size: 0,
            root: hex::encode(ledger::TreeHasher::empty_root(&Sha256Hasher)),
        }
    };
    let log = Ed25519NoteVerifier::from_key_string(&st.log_key)?;
    let root: ledger::Hash = hex::decode(&st.root)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("{}: bad root", state_path.display()))?;
    let mut w = Witness { origin: st.origin.clone(), size: st.size, root };
    let cp = store.ledger_checkpoint(None).await?.ok_or_else(|| anyhow!("the ledger has no checkpoint yet"))?;
    let proof = if cp.tree_size >= st.size && cp.tree_size <= store.ledger_size().await? {
        store.ledger_consistency(st.size, cp.tree_size).await?.proof
    } else {
        Vec::new()
    };
    let proof: Vec<ledger::Hash> = proof.iter().map(|h| hex::decode(h).ok().and_then(|b| b.try_into().ok()).expect("hex from the store")).collect();
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    let line = match w.cosign(&Sha256Hasher, &log, &cosigner, &cp.note, &proof, now) {
        Ok(line) => line,
        Err(e) => {
            let kind = match e {
                LedgerError::Rollback { .. } | LedgerError::ConflictingRoot { .. } | LedgerError::ConsistencyRejected { .. } => "split_view",
                _ => "bad_checkpoint",
            };
            let detail = format!("witness of {org} (last cosigned size {}) refused the checkpoint of size {}: {e}", st.size, cp.tree_size);
            store.raise_ledger_alarm(kind, Some(org), Some(cp.tree_size), &detail).await?;
            bail!("{kind}: {detail}");
        }
    };
    let note = format!("{}{}", cp.note, line.to_line());
    let accepted = store.add_cosignature(org, &note).await?;
    st.size = w.size;
    st.root = hex::encode(w.root);
    if let Some(dir) = state_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = state_path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(&st)?)?;
    std::fs::rename(&tmp, &state_path)?;
    print(&serde_json::json!({
        "org": org,
        "tree_size": cp.tree_size,
        "root_hash": cp.root_hash,
        "cosignature": accepted,
    }))
}

pub async fn run(cmd: LedgerCmd) -> Result<()> {
    match cmd {
        LedgerCmd::Checkpoint { data } => {
            let store = open_existing(&data).await?;
            let cp = store.ledger_checkpoint(None).await?.ok_or_else(|| anyhow!("the ledger has no checkpoint yet"))?;
            print(&cp)
        }
        LedgerCmd::Prove { data, index, size } => print(&open_existing(&data).await?.ledger_inclusion(index, size).await?),
        LedgerCmd::Consistency { data, from, to } => print(&open_existing(&data).await?.ledger_consistency(from, to).await?),
        LedgerCmd::Entries { data, start, end } => {
            let store = open_existing(&data).await?;
            use std::io::Write;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let mut at = start;
            while at < end {
                let chunk_end = end.min(at.saturating_add(10_000));
                let entries = store.ledger_entries(at, chunk_end).await?;
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
        LedgerCmd::Key { data } => {
            let store = open_existing(&data).await?;
            print(&serde_json::json!({ "origin": store.ledger_origin(), "key": store.ledger_public_key() }))
        }
        LedgerCmd::Witness { data, org, key, state } => witness(&data, &org, key, state).await,
        LedgerCmd::Witnesses { data } => print(&open_existing(&data).await?.witnesses().await?),
        LedgerCmd::Alarms { data } => print(&open_existing(&data).await?.ledger_alarms().await?),
    }
}
