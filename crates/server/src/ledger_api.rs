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

use crate::AppState;
use crate::body::ApiJson;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use store::StoreError;

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
    Json(json!({ "origin": st.store.ledger_origin(), "key": st.store.ledger_public_key() }))
}

/// `GET /api/v1/ledger/checkpoint`
pub async fn checkpoint(State(st): State<AppState>) -> Result<Json<store::CheckpointView>, ApiError> {
    st.store.ledger_checkpoint(None).await.map_err(err)?.map(Json).ok_or_else(no_checkpoint)
}

/// `GET /api/v1/ledger/checkpoints/{size}`
pub async fn checkpoint_at(State(st): State<AppState>, Path(size): Path<String>) -> Result<Json<store::CheckpointView>, ApiError> {
    let size: u64 = size.parse().map_err(|_| ApiError::invalid("size", "size 应为非负整数"))?;
    st.store.ledger_checkpoint(Some(size)).await.map_err(err)?.map(Json).ok_or_else(no_checkpoint)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    pub index: u64,
    #[serde(default)]
    pub size: Option<u64>,
}

/// `GET /api/v1/ledger/proof/inclusion?index=N[&size=M]`
pub async fn inclusion(State(st): State<AppState>, q: Result<Query<InclusionQuery>, axum::extract::rejection::QueryRejection>) -> Result<Json<store::InclusionView>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::invalid("index", format!("参数应为 index=N[&size=M]：{e}")))?;
    Ok(Json(st.store.ledger_inclusion(q.index, q.size).await.map_err(err)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    pub from: u64,
    pub to: u64,
}

/// `GET /api/v1/ledger/proof/consistency?from=A&to=B`
pub async fn consistency(State(st): State<AppState>, q: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>) -> Result<Json<store::ConsistencyView>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::invalid("from", format!("参数应为 from=A&to=B：{e}")))?;
    Ok(Json(st.store.ledger_consistency(q.from, q.to).await.map_err(err)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    pub start: u64,
    pub end: u64,
}

/// `GET /api/v1/ledger/entries?start=A&end=B`
pub async fn entries(State(st): State<AppState>, q: Result<Query<EntriesQuery>, axum::extract::rejection::QueryRejection>) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::invalid("start", format!("参数应为 start=A&end=B：{e}")))?;
    if q.start > q.end {
        return Err(ApiError::invalid("start", "start 不能大于 end"));
    }
    if q.end - q.start > MAX_ENTRIES {
        return Err(ApiError::invalid("end", format!("一次最多取{MAX_ENTRIES}条")));
    }
    let e = st.store.ledger_entries(q.start, q.end).await.map_err(err)?;
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
    Ok(Json(st.store.add_cosignature(&body.org, &body.note).await.map_err(err)?))
}
