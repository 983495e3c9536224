//! The tamper-evident trace over HTTP, under `/api/v1/ledger`. Public (no login): the trace holds
//! only hashes. Formats as in docs/leaf-format.md (hashes lowercase hex, leaf bytes base64).
//!
//! | method | path | answer |
//! |---|---|---|
//! | GET | `/ledger/key` | `{"origin", "key"}`: the signed-note verifier key string |
//! | GET | `/ledger/checkpoint` | the latest checkpoint with its cosignatures |
//! | GET | `/ledger/checkpoints/{size}` | the checkpoint of that size |
//! | GET | `/ledger/proof/inclusion?index=N[&size=M]` | audit path of entry N |
//! | GET | `/ledger/proof/consistency?from=A&to=B` | RFC 9162 consistency proof |
//! | GET | `/ledger/entries?start=A&end=B` | `{"entries": [{"index", "leaf"}]}`, at most 1,000 |
//! | GET | `/ledger/witnesses` | each organization's witness key and witnessed size |
//! | POST | `/ledger/cosignatures` | `{"org", "note"}`: a witness's cosigned checkpoint |
//! | GET | `/ledger/alarms` | split views and other contradictions found |
//!
//! The access log (every sensitive read, denial, lockout and administration act; leaf format
//! `lianban-access/1`) has the same read routes under `/ledger/access/`: `key`, `checkpoint`,
//! `checkpoints/{size}`, `proof/inclusion`, `proof/consistency`, `entries`. Its checkpoints are
//! signed with the same deployment key under the origin `<origin>/access`; witnesses cosign the
//! event trace only.
//!
//! Administration of witness keys (an administrator signed in as a person, for the organizations
//! it manages; never through an API token), also under `/api/v1`:
//!
//! | method | path | answer |
//! |---|---|---|
//! | GET | `/admin/witnesses` | the witnesses of the organizations the administrator manages |
//! | POST | `/admin/witnesses` | `{"org", "key"}`: registers (or replaces) an organization's witness key |
//! | DELETE | `/admin/witnesses/{org}` | removes an organization's witness key (its cosignatures stay) |
//!
//! Split-view detection runs without being asked: [`spawn_witness_checker`] re-checks every
//! witnessed tree head against the stored tree on a timer (`lianban serve`), and each accepted
//! cosignature triggers the same check.

use crate::AppState;
use crate::admin_api::manages;
use crate::auth::CurrentUser;
use crate::body::ApiJson;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use store::{Log, StoreError};

/// Most entries one request returns.
pub const MAX_ENTRIES: u64 = 1000;

/// The routes, to be nested under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ledger/key", get(key))
        .route("/ledger/checkpoint", get(checkpoint))
        .route("/ledger/checkpoints/{size}", get(checkpoint_at))
        .route("/ledger/proof/inclusion", get(inclusion))
        .route("/ledger/proof/consistency", get(consistency))
        .route("/ledger/entries", get(entries))
        .route("/ledger/witnesses", get(witnesses))
        .route("/ledger/cosignatures", post(cosign))
        .route("/ledger/alarms", get(alarms))
        .route("/ledger/access/key", get(access_key))
        .route("/ledger/access/checkpoint", get(access_checkpoint))
        .route("/ledger/access/checkpoints/{size}", get(access_checkpoint_at))
        .route("/ledger/access/proof/inclusion", get(access_inclusion))
        .route("/ledger/access/proof/consistency", get(access_consistency))
        .route("/ledger/access/entries", get(access_entries))
        .route("/admin/witnesses", get(admin_witnesses).post(register_witness))
        .route("/admin/witnesses/{org}", axum::routing::delete(revoke_witness))
}

fn err(e: StoreError) -> ApiError {
    match e {
        StoreError::SplitView(detail) => ApiError::new(StatusCode::CONFLICT, "split_view", format!("检查点与本平台的树相矛盾（分叉视图）：{detail}")),
        other => other.into(),
    }
}

fn no_checkpoint() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "账本尚无检查点")
}

/// `GET /api/v1/ledger/key`
pub async fn key(State(st): State<AppState>) -> Json<Value> {
    log_key(&st, Log::Events)
}

/// `GET /api/v1/ledger/access/key`
pub async fn access_key(State(st): State<AppState>) -> Json<Value> {
    log_key(&st, Log::Access)
}

fn log_key(st: &AppState, log: Log) -> Json<Value> {
    Json(json!({ "origin": st.store.log_origin(log), "key": st.store.log_public_key(log) }))
}

/// `GET /api/v1/ledger/checkpoint`
pub async fn checkpoint(State(st): State<AppState>) -> Result<Json<store::CheckpointView>, ApiError> {
    st.store.log_checkpoint(Log::Events, None).await.map_err(err)?.map(Json).ok_or_else(no_checkpoint)
}

/// `GET /api/v1/ledger/access/checkpoint`
pub async fn access_checkpoint(State(st): State<AppState>) -> Result<Json<store::CheckpointView>, ApiError> {
    st.store.log_checkpoint(Log::Access, None).await.map_err(err)?.map(Json).ok_or_else(no_checkpoint)
}

/// `GET /api/v1/ledger/checkpoints/{size}`
pub async fn checkpoint_at(State(st): State<AppState>, Path(size): Path<String>) -> Result<Json<store::CheckpointView>, ApiError> {
    log_checkpoint_at(&st, Log::Events, &size).await
}

/// `GET /api/v1/ledger/access/checkpoints/{size}`
pub async fn access_checkpoint_at(State(st): State<AppState>, Path(size): Path<String>) -> Result<Json<store::CheckpointView>, ApiError> {
    log_checkpoint_at(&st, Log::Access, &size).await
}

async fn log_checkpoint_at(st: &AppState, log: Log, size: &str) -> Result<Json<store::CheckpointView>, ApiError> {
    let size: u64 = size.parse().map_err(|_| ApiError::invalid("size", "size 应为非负整数"))?;
    st.store.log_checkpoint(log, Some(size)).await.map_err(err)?.map(Json).ok_or_else(no_checkpoint)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    pub index: u64,
    #[serde(default)]
    pub size: Option<u64>,
}

type QueryResult<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

/// `GET /api/v1/ledger/proof/inclusion?index=N[&size=M]`
pub async fn inclusion(State(st): State<AppState>, q: QueryResult<InclusionQuery>) -> Result<Json<store::InclusionView>, ApiError> {
    log_inclusion(&st, Log::Events, q).await
}

/// `GET /api/v1/ledger/access/proof/inclusion?index=N[&size=M]`
pub async fn access_inclusion(State(st): State<AppState>, q: QueryResult<InclusionQuery>) -> Result<Json<store::InclusionView>, ApiError> {
    log_inclusion(&st, Log::Access, q).await
}

async fn log_inclusion(st: &AppState, log: Log, q: QueryResult<InclusionQuery>) -> Result<Json<store::InclusionView>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::invalid("index", format!("参数应为 index=N[&size=M]：{e}")))?;
    Ok(Json(st.store.log_inclusion(log, q.index, q.size).await.map_err(err)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    pub from: u64,
    pub to: u64,
}

/// `GET /api/v1/ledger/proof/consistency?from=A&to=B`
pub async fn consistency(State(st): State<AppState>, q: QueryResult<ConsistencyQuery>) -> Result<Json<store::ConsistencyView>, ApiError> {
    log_consistency(&st, Log::Events, q).await
}

/// `GET /api/v1/ledger/access/proof/consistency?from=A&to=B`
pub async fn access_consistency(State(st): State<AppState>, q: QueryResult<ConsistencyQuery>) -> Result<Json<store::ConsistencyView>, ApiError> {
    log_consistency(&st, Log::Access, q).await
}

async fn log_consistency(st: &AppState, log: Log, q: QueryResult<ConsistencyQuery>) -> Result<Json<store::ConsistencyView>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::invalid("from", format!("参数应为 from=A&to=B：{e}")))?;
    Ok(Json(st.store.log_consistency(log, q.from, q.to).await.map_err(err)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    pub start: u64,
    pub end: u64,
}

/// `GET /api/v1/ledger/entries?start=A&end=B`
pub async fn entries(State(st): State<AppState>, q: QueryResult<EntriesQuery>) -> Result<Json<Value>, ApiError> {
    log_entries(&st, Log::Events, q).await
}

/// `GET /api/v1/ledger/access/entries?start=A&end=B`
pub async fn access_entries(State(st): State<AppState>, q: QueryResult<EntriesQuery>) -> Result<Json<Value>, ApiError> {
    log_entries(&st, Log::Access, q).await
}

async fn log_entries(st: &AppState, log: Log, q: QueryResult<EntriesQuery>) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::invalid("start", format!("参数应为 start=A&end=B：{e}")))?;
    if q.start > q.end {
        return Err(ApiError::invalid("start", "start 不能大于 end"));
    }
    if q.end - q.start > MAX_ENTRIES {
        return Err(ApiError::invalid("end", format!("一次最多取{MAX_ENTRIES}条")));
    }
    let e = st.store.log_entries(log, q.start, q.end).await.map_err(err)?;
    Ok(Json(json!({ "entries": e })))
}

/// `GET /api/v1/ledger/witnesses`
pub async fn witnesses(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "witnesses": st.store.witnesses().await.map_err(err)? })))
}

/// `GET /api/v1/ledger/alarms`
pub async fn alarms(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "alarms": st.store.ledger_alarms().await.map_err(err)? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosignBody {
    /// The organization whose registered witness key cosigned.
    pub org: String,
    /// The checkpoint note (as published) with the witness's cosignature line appended.
    pub note: String,
}

/// `POST /api/v1/ledger/cosignatures`: verified against the organization's registered witness
/// key; a checkpoint contradicting the stored tree answers 409 `split_view` and raises an alarm.
pub async fn cosign(State(st): State<AppState>, ApiJson(body): ApiJson<CosignBody>) -> Result<Json<store::CosignatureView>, ApiError> {
    let view = st.store.add_cosignature(&body.org, &body.note).await.map_err(err)?;
    // A new witnessed head: re-check every witnessed head against the stored tree now.
    check_witnessed(&st.store).await;
    Ok(Json(view))
}

/// Re-checks every witnessed tree head against the stored tree ([`store::Store::check_witnessed`]
/// raises a `split_view` alarm for each contradiction); logs what it found. Returns the number
/// of contradictions.
pub async fn check_witnessed(store: &store::Store) -> usize {
    match store.check_witnessed().await {
        Ok(found) => {
            for detail in &found {
                tracing::error!(detail = %detail, "ledger split view: a witnessed tree head is no longer in the stored tree");
            }
            found.len()
        }
        Err(e) => {
            tracing::error!(error = %e, "ledger witness check failed");
            0
        }
    }
}

/// Runs [`check_witnessed`] every `every` (the first run at once), so that a stored tree that
/// stops agreeing with what witnesses cosigned is alarmed without anyone asking. Each check that
/// finds a contradiction raises its alarms again, so after one the checker backs off (skipping
/// 1, 2, 4, … periods, at most a day's worth) until a check comes back clean.
pub fn spawn_witness_checker(store: store::Store, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let max_skip = (86_400 / every.as_secs().max(1)).max(1);
        let (mut skip, mut backoff) = (0u64, 1u64);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if skip > 0 {
                skip -= 1;
                continue;
            }
            if check_witnessed(&store).await > 0 {
                skip = backoff;
                backoff = (backoff * 2).min(max_skip);
            } else {
                backoff = 1;
            }
        }
    })
}

fn require_admin_person(u: &CurrentUser) -> Result<(), ApiError> {
    if u.is_service() {
        return Err(ApiError::forbidden("管理操作不能使用接口令牌"));
    }
    if u.user.role != domain::Role::Admin {
        return Err(ApiError::forbidden("仅系统管理员可以管理见证公钥"));
    }
    Ok(())
}

/// `GET /api/v1/admin/witnesses`: the registered witnesses of the organizations the
/// administrator manages, with the tree size each has witnessed.
pub async fn admin_witnesses(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    require_admin_person(&u)?;
    let all = st.store.witnesses().await.map_err(err)?;
    let mine: Vec<_> = all.into_iter().filter(|w| manages(&st, &u, &w.org)).collect();
    Ok(Json(json!({ "witnesses": mine })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessKeyBody {
    /// The organization whose witness node holds the key.
    pub org: String,
    /// The witness's cosignature/v1 verifier key string `<name>+<hex key id>+<base64(0x04 ‖ key)>`
    /// (what `lianban ledger witness --print-key` prints).
    pub key: String,
}

/// `POST /api/v1/admin/witnesses`: registers (or replaces) the witness key of an organization
/// the administrator manages (the key is checked by the store: 422 naming `key` if malformed);
/// audited as `witness_registered`.
pub async fn register_witness(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<WitnessKeyBody>) -> Result<Json<Value>, ApiError> {
    require_admin_person(&u)?;
    if st.store.directory().org(&b.org).is_none() {
        return Err(ApiError::invalid("org", format!("单位“{}”不存在", b.org)));
    }
    if !manages(&st, &u, &b.org) {
        return Err(ApiError::forbidden(format!("无权管理单位“{}”", b.org)));
    }
    let key = b.key.trim();
    let previous = st.store.witness_key(&b.org).await.map_err(err)?;
    st.store.register_witness(&b.org, key).await.map_err(err)?;
    let reason = match &previous {
        Some(p) if p == key => "见证公钥未变".to_string(),
        Some(p) => format!("更换见证公钥：{p} → {key}"),
        None => format!("登记见证公钥：{key}"),
    };
    audit_witness(&st, &u, "witness_registered", &b.org, reason).await?;
    let view = st.store.witnesses().await.map_err(err)?.into_iter().find(|w| w.org == b.org);
    Ok(Json(json!({ "witness": view, "replaced": previous.filter(|p| p != key) })))
}

/// `DELETE /api/v1/admin/witnesses/{org}`: removes the witness key of an organization the
/// administrator manages (404 if none is registered); the cosignatures it made stay; audited as
/// `witness_revoked`.
pub async fn revoke_witness(State(st): State<AppState>, u: CurrentUser, axum::extract::Path(org): axum::extract::Path<String>) -> Result<Json<Value>, ApiError> {
    require_admin_person(&u)?;
    if st.store.directory().org(&org).is_none() {
        return Err(ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", format!("单位“{org}”不存在")));
    }
    if !manages(&st, &u, &org) {
        return Err(ApiError::forbidden(format!("无权管理单位“{org}”")));
    }
    let Some(previous) = st.store.witness_key(&org).await.map_err(err)? else {
        return Err(ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", format!("单位“{org}”没有登记见证公钥")));
    };
    st.store.revoke_witness(&org).await.map_err(err)?;
    audit_witness(&st, &u, "witness_revoked", &org, format!("撤销见证公钥：{previous}")).await?;
    Ok(Json(json!({ "revoked": org, "key": previous })))
}

/// The access-audit record of a change to an organization's witness key.
async fn audit_witness(st: &AppState, u: &CurrentUser, kind: &str, org: &str, reason: String) -> Result<(), ApiError> {
    crate::admin_api::audit_admin(st, u, kind, format!("witness:{org}"), reason).await
}
