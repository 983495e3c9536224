//! Case files and sealed legal documents over HTTP, under `/api/v1`.
//!
//! Uploads stream: the request body goes to disk chunk by chunk while it is hashed; nothing holds
//! a whole file in memory. Downloads stream too, each 1 MiB block verified before it is sent, and
//! honour single `Range` requests so a browser can view a large PDF or seek in a video. Who may
//! read: the gate decides the case (`gate::check_case`); inside it, an organization reads the items
//! it uploaded and those it received in a frozen manifest (the committee reads all). Every download
//! is recorded in the files trace.
//!
//! | route | what |
//! |---|---|
//! | `POST /cases/{id}/files?title=&pages=&person=&evidence=` | one-shot streaming upload (body = content, `Content-Type` = media type) |
//! | `GET /cases/{id}/files` | items the user's organization may read |
//! | `POST /cases/{id}/uploads` · `GET /uploads/{uid}` · `PUT /uploads/{uid}?offset=` · `POST /uploads/{uid}/complete` | resumable upload |
//! | `GET /files/{fid}` · `GET /files/{fid}/content` · `GET /files/{fid}/seal` | item, content (ranges), uploader's seal |
//! | `POST /files/{fid}/versions?reason=&title=…` | a correction: new version with a reason |
//! | `POST /files/{fid}/purge` | court-ordered removal of the content (court only) |
//! | `GET·POST /cases/{id}/volumes` · `PUT /volumes/{vid}/items` | volumes and catalogues |
//! | `GET·POST /cases/{id}/manifests` · `GET /manifests/{mid}` | frozen transfer manifests |
//! | `GET /cases/{id}/documents` · `GET /cases/{id}/documents/{number}` · `POST …/{number}/versions` | sealed legal documents |
//! | `POST /seals/verify` · `GET /seal-keys` | anyone may check a seal and read the public keys |
//! | `GET /cases/{id}/files-log` | the files trace of a case |

use crate::auth::CurrentUser;
use crate::body::ApiJson;
use crate::error::ApiError;
use crate::gate;
use domain::CaseState;
use crate::policy::GateAction;
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use crypto::seal::SealedDocument;
use domain::AgencyKind;
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::{json, Value};
use store::files::{FileWriter, UploadChunk};
use store::{CaseFile, FileActor, NewFile, StoreError};

/// The largest file accepted (also the cap of a resumable upload).
pub const MAX_FILE: u64 = 64 << 30;
/// The body limit of JSON requests on these routes (a corrected document's text).
pub const MAX_JSON: usize = 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route("/cases/{id}/files", post(upload).get(list_files))
        .route("/uploads/{uid}", put(upload_chunk).get(upload_status))
        .route("/files/{fid}/versions", post(new_version))
        .layer(DefaultBodyLimit::max(MAX_FILE as usize));
    Router::new()
        .route("/cases/{id}/uploads", post(begin_upload))
        .route("/uploads/{uid}/complete", post(complete_upload))
        .route("/files/{fid}", get(file_info))
        .route("/files/{fid}/content", get(content))
        .route("/files/{fid}/seal", get(file_seal))
        .route("/files/{fid}/purge", post(purge))
        .route("/cases/{id}/volumes", get(list_volumes).post(create_volume))
        .route("/volumes/{vid}/items", put(set_volume_items))
        .route("/cases/{id}/manifests", get(list_manifests).post(freeze_manifest))
        .route("/manifests/{mid}", get(get_manifest))
        .route("/cases/{id}/documents", get(list_documents))
        .route("/cases/{id}/documents/{number}", get(get_document))
        .route("/cases/{id}/documents/{number}/versions", post(correct_document))
        .route("/seals/verify", post(verify_seal))
        .route("/seal-keys", get(seal_keys))
        .route("/cases/{id}/files-log", get(files_log))
        .layer(DefaultBodyLimit::max(MAX_JSON))
        .merge(uploads)
}

fn actor(u: &CurrentUser) -> FileActor {
    FileActor { user: u.user.id.clone(), org: u.org.id.clone() }
}

/// Store errors, with integrity failures reported as such (and logged), never as content.
fn store_err(e: StoreError) -> ApiError {
    match e {
        StoreError::Corrupt(detail) => {
            tracing::error!(%detail, "case file integrity check failed");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "integrity", "文件内容校验失败，已拒绝提供；已记录并通知管理员")
        }
        other => other.into(),
    }
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| ApiError::invalid("query", format!("查询参数无效：{}", e.body_text())))
}

fn file_not_found(id: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("文件“{id}”不存在或无权查看"))
}

/// Whether the user may read an item of a case they may read. The gate decides the resource —
/// an item the case's police put in their own file needs `read_police_file` (the court never
/// reads it; the procuratorate only once an arrest request or a transfer put the case before it,
/// CPL 87/162); any other item, and anything reaching the court, `read_case_files` — and the item
/// must be the reader's organization's own or received in a frozen manifest.
pub async fn may_read_file(st: &AppState, u: &CurrentUser, case: &CaseState, f: &CaseFile) -> Result<bool, ApiError> {
    let facts = gate::facts(st, case).await?;
    let action = if f.org == case.police_org && u.org.kind != domain::AgencyKind::Court {
        GateAction::ReadPoliceFile
    } else {
        GateAction::ReadCaseFiles
    };
    if !gate::decide(u, action, &facts).allowed {
        return Ok(false);
    }
    Ok(st.store.org_may_read_file(f, &u.org.id).await?)
}

/// The item, if the user may read it (reported as absent otherwise; the refusal is audited).
async fn readable_file(st: &AppState, u: &CurrentUser, fid: &str) -> Result<CaseFile, ApiError> {
    let f = st.store.file(fid).await?.ok_or_else(|| file_not_found(fid))?;
    let case = gate::check(st, u, &f.case_id, GateAction::ReadCase, "文件").await.map_err(|_| file_not_found(fid))?;
    if may_read_file(st, u, &case, &f).await? {
        Ok(f)
    } else {
        gate::record_denial(st, u, Some(&f.case_id), GateAction::ReadCaseFiles, &format!("file:{fid}")).await?;
        Err(file_not_found(fid))
    }
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Streams a request body into a sink, frame by frame.
macro_rules! stream_body {
    ($body:expr, $sink:expr) => {{
        let mut body = $body;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                let mut err = ApiError::new(StatusCode::BAD_REQUEST, "body_read", format!("读取上传内容失败：{e}"));
                err.field = Some("body".into());
                err
            })?;
            if let Ok(data) = frame.into_data() {
                $sink.write(&data).await.map_err(store_err)?;
            }
        }
    }};
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    pub title: String,
    #[serde(default)]
    pub pages: Option<u32>,
    #[serde(default)]
    pub person: Option<u32>,
    #[serde(default)]
    pub evidence: Option<String>,
}

async fn receive(st: &AppState, body: Body) -> Result<store::files::StagedContent, ApiError> {
    let mut w: FileWriter = st.store.file_writer(MAX_FILE).await?;
    stream_body!(body, w);
    w.finish().await.map_err(store_err)
}

/// `POST /cases/{id}/files`: one-shot streaming upload.
async fn upload(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, q: Result<Query<UploadQuery>, QueryRejection>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let q = query(q)?;
    gate::check_case(&st, &u, &id).await?;
    let staged = receive(&st, body).await?;
    let meta = NewFile { title: q.title, media_type: media_type(&headers), pages: q.pages, person: q.person, evidence: q.evidence };
    let f = st.store.add_file(&id, &actor(&u), meta, staged, None).await.map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    pub reason: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub pages: Option<u32>,
}

/// `POST /files/{fid}/versions`: a correction, streamed like an upload.
async fn new_version(State(st): State<AppState>, u: CurrentUser, Path(fid): Path<String>, q: Result<Query<VersionQuery>, QueryRejection>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let q = query(q)?;
    let prev = readable_file(&st, &u, &fid).await?;
    if prev.org != u.org.id {
        return Err(ApiError::forbidden("只有上传单位可以更正该文件"));
    }
    let staged = receive(&st, body).await?;
    let meta = NewFile {
        title: q.title.unwrap_or(prev.title.clone()),
        media_type: media_type(&headers).or(Some(prev.media_type.clone())),
        pages: q.pages.or(prev.pages),
        person: prev.person,
        evidence: prev.evidence.clone(),
    };
    let f = st.store.add_file(&prev.case_id, &actor(&u), meta, staged, Some((&prev.id, &q.reason))).await.map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

/// `GET /cases/{id}/files`
async fn list_files(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let case = gate::check(&st, &u, &id, GateAction::ReadCase, "文件列表").await?;
    let mut out = Vec::new();
    for f in st.store.case_files(&id).await? {
        if may_read_file(&st, &u, &case, &f).await? {
            out.push(f);
        }
    }
    Ok(Json(json!({ "files": out })))
}

/// `GET /files/{fid}`: the item and the versions of it the user may read.
async fn file_info(State(st): State<AppState>, u: CurrentUser, Path(fid): Path<String>) -> Result<Json<Value>, ApiError> {
    let f = readable_file(&st, &u, &fid).await?;
    let case = gate::check(&st, &u, &f.case_id, GateAction::ReadCase, "文件版本").await?;
    let mut versions = Vec::new();
    for v in st.store.file_versions(&f.lineage).await? {
        if may_read_file(&st, &u, &case, &v).await? {
            versions.push(v);
        }
    }
    Ok(Json(json!({ "file": f, "versions": versions })))
}

/// `GET /files/{fid}/seal`
async fn file_seal(State(st): State<AppState>, u: CurrentUser, Path(fid): Path<String>) -> Result<Json<SealedDocument>, ApiError> {
    readable_file(&st, &u, &fid).await?;
    Ok(Json(st.store.file_seal(&fid).await?.ok_or_else(|| file_not_found(&fid))?))
}

/// A `Range` header no byte of the file satisfies (RFC 9110 §15.5.17: 416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

/// A single byte range `[start, end)` from a `Range` header; `Ok(None)` means the whole file
/// (absent, multi-range or not bytes: a server may ignore it).
pub fn parse_range(h: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, Unsatisfiable> {
    let Some(spec) = h.and_then(|h| h.trim().strip_prefix("bytes=")) else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(Unsatisfiable)?;
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| Unsatisfiable)?;
        if n == 0 {
            return Err(Unsatisfiable);
        }
        (size.saturating_sub(n), size)
    } else {
        let start: u64 = a.parse().map_err(|_| Unsatisfiable)?;
        let end = if b.is_empty() { size } else { b.parse::<u64>().map_err(|_| Unsatisfiable)?.saturating_add(1).min(size) };
        (start, end)
    };
    if range.0 >= size || range.0 >= range.1 {
        return Err(Unsatisfiable);
    }
    Ok(Some(range))
}

fn content_disposition(title: &str) -> HeaderValue {
    let mut enc = String::new();
    for b in title.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!("inline; filename*=UTF-8''{enc}")).unwrap_or(HeaderValue::from_static("inline"))
}

/// `GET /files/{fid}/content`: verified, streamed, with single-range support.
async fn content(State(st): State<AppState>, u: CurrentUser, Path(fid): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let f = readable_file(&st, &u, &fid).await?;
    gate::record_read(&st, &u, &f.case_id, &format!("case_file:{fid}"), "查看或下载电子卷宗").await?;
    if !f.content_available {
        return Err(ApiError::new(StatusCode::GONE, "content_sealed", format!("文件“{fid}”的内容已依法院命令封存，仅保留其摘要和记录")));
    }
    let range = match parse_range(headers.get(header::RANGE).and_then(|v| v.to_str().ok()), f.size) {
        Ok(r) => r,
        Err(Unsatisfiable) => {
            return Ok((StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{}", f.size))]).into_response());
        }
    };
    let (start, end) = range.unwrap_or((0, f.size));
    let mut reader = st.store.read_file(&f, start, end).await.map_err(store_err)?;
    // Verify the first block before answering, so that a corrupt start is a clean error.
    let first = match reader.next_chunk().await {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => return Err(store_err(e)),
        None => None,
    };
    st.store.record_download(&f, &actor(&u), range).await?;
    let rest = futures_util::stream::unfold(reader, |mut r| async move {
        match r.next_chunk().await {
            Some(Ok(c)) => Some((Ok(Bytes::from(c)), r)),
            Some(Err(e)) => {
                tracing::error!(error = %e, "case file integrity check failed mid-stream; connection aborted");
                Some((Err(e), r))
            }
            None => None,
        }
    });
    let head = futures_util::stream::iter(first.map(|c| Ok::<_, StoreError>(Bytes::from(c))));
    let body = Body::from_stream(futures_util::StreamExt::chain(head, rest));
    let mut resp = Response::new(body);
    *resp.status_mut() = if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&f.media_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", f.sha256)).expect("hex etag"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::CONTENT_DISPOSITION, content_disposition(&f.title));
    h.insert("x-content-sha256", HeaderValue::from_str(&f.sha256).expect("hex"));
    if range.is_some() {
        h.insert(header::CONTENT_RANGE, HeaderValue::from_str(&format!("bytes {}-{}/{}", start, end - 1, f.size)).expect("range"));
    }
    Ok(resp)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurgeBody {
    /// The court's order (its document number).
    pub order: String,
}

/// `POST /files/{fid}/purge`: court-ordered removal of content (封存).
async fn purge(State(st): State<AppState>, u: CurrentUser, Path(fid): Path<String>, ApiJson(b): ApiJson<PurgeBody>) -> Result<Json<CaseFile>, ApiError> {
    let f = st.store.file(&fid).await?.ok_or_else(|| file_not_found(&fid))?;
    gate::check_case(&st, &u, &f.case_id).await.map_err(|_| file_not_found(&fid))?;
    if u.org.kind != AgencyKind::Court {
        return Err(ApiError::forbidden("只有人民法院可以命令封存内容"));
    }
    Ok(Json(st.store.purge_content(&fid, &actor(&u), &b.order).await.map_err(store_err)?))
}

// -- resumable uploads --

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeginUpload {
    pub title: String,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub pages: Option<u32>,
    #[serde(default)]
    pub person: Option<u32>,
    #[serde(default)]
    pub evidence: Option<String>,
    /// The total size, if known: the upload completes only when exactly this many bytes arrived.
    #[serde(default)]
    pub size: Option<u64>,
}

/// `POST /cases/{id}/uploads`
async fn begin_upload(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, ApiJson(b): ApiJson<BeginUpload>) -> Result<Response, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    if b.size.is_some_and(|s| s > MAX_FILE) {
        return Err(ApiError::invalid("size", format!("文件不能超过{MAX_FILE}字节")));
    }
    let meta = NewFile { title: b.title, media_type: b.media_type, pages: b.pages, person: b.person, evidence: b.evidence };
    let s = st.store.begin_upload(&id, &actor(&u), &meta, b.size).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// `GET /uploads/{uid}`: how many bytes arrived (resume from there).
async fn upload_status(State(st): State<AppState>, u: CurrentUser, Path(uid): Path<String>) -> Result<Json<store::UploadStatus>, ApiError> {
    Ok(Json(st.store.upload(&uid, &actor(&u)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChunkQuery {
    pub offset: u64,
}

/// `PUT /uploads/{uid}?offset=N`: appends the body at `N` (must equal the bytes received).
async fn upload_chunk(State(st): State<AppState>, u: CurrentUser, Path(uid): Path<String>, q: Result<Query<ChunkQuery>, QueryRejection>, body: Body) -> Result<Json<store::UploadStatus>, ApiError> {
    let q = query(q)?;
    let status = st.store.upload(&uid, &actor(&u)).await?;
    gate::check_case(&st, &u, &status.case_id).await?;
    let mut chunk: UploadChunk = st.store.upload_chunk(&uid, &actor(&u), q.offset, MAX_FILE).await.map_err(|e| match e {
        StoreError::Invalid { field, message } if field == "offset" => {
            let mut err = ApiError::new(StatusCode::CONFLICT, "offset_mismatch", message);
            err.field = Some(field);
            err
        }
        e => store_err(e),
    })?;
    stream_body!(body, chunk);
    chunk.finish().await?;
    Ok(Json(st.store.upload(&uid, &actor(&u)).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    /// The SHA-256 the client computed; refused if the content differs.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// `POST /uploads/{uid}/complete`
async fn complete_upload(State(st): State<AppState>, u: CurrentUser, Path(uid): Path<String>, body: Result<Bytes, axum::extract::rejection::BytesRejection>) -> Result<Response, ApiError> {
    let body = body.map_err(|e| {
        let mut err = ApiError::new(e.status(), "body_too_large", format!("请求体过大或无法读取：{e}"));
        err.field = Some("body".into());
        err
    })?;
    let b: CompleteBody = match body.iter().find(|c| !c.is_ascii_whitespace()) {
        None => CompleteBody::default(),
        Some(b'{') => crate::body::parse(&body)?,
        Some(_) => return Err(ApiError::invalid("body", "请求体应为JSON对象")),
    };
    let status = st.store.upload(&uid, &actor(&u)).await?;
    gate::check_case(&st, &u, &status.case_id).await?;
    let f = st.store.complete_upload(&uid, &actor(&u), b.sha256.as_deref()).await.map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

// -- volumes and manifests --

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeBody {
    pub title: String,
    #[serde(default)]
    pub items: Vec<String>,
}

/// `GET /cases/{id}/volumes`: the organization's own volumes (the committee sees all).
async fn list_volumes(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    let scope = gate::list_scope(&u);
    Ok(Json(json!({ "volumes": st.store.case_volumes(&id, scope.as_deref()).await? })))
}

/// `POST /cases/{id}/volumes`
async fn create_volume(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, ApiJson(b): ApiJson<VolumeBody>) -> Result<Response, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    let v = st.store.create_volume(&id, &actor(&u), &b.title, &b.items).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsBody {
    pub items: Vec<String>,
}

/// `PUT /volumes/{vid}/items`: the new order of the catalogue.
async fn set_volume_items(State(st): State<AppState>, u: CurrentUser, Path(vid): Path<String>, ApiJson(b): ApiJson<ItemsBody>) -> Result<Json<store::Volume>, ApiError> {
    let v = st.store.volume(&vid).await?.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("卷“{vid}”不存在或无权查看")))?;
    gate::check_case(&st, &u, &v.case_id).await?;
    if v.org != u.org.id {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("卷“{vid}”不存在或无权查看")));
    }
    Ok(Json(st.store.set_volume_items(&vid, &actor(&u), &b.items).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestBody {
    pub to_org: String,
    /// The case event (e.g. the transfer) this manifest travels with.
    #[serde(default)]
    pub event_seq: Option<u64>,
    #[serde(default)]
    pub volumes: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
}

/// `POST /cases/{id}/manifests`: freezes what travels with a transfer.
async fn freeze_manifest(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, ApiJson(b): ApiJson<ManifestBody>) -> Result<Response, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    let m = st.store.freeze_manifest(&id, &actor(&u), &b.to_org, b.event_seq, &b.volumes, &b.files).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// `GET /cases/{id}/manifests`: those the organization sent or received (the committee: all).
async fn list_manifests(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    let scope = gate::list_scope(&u);
    Ok(Json(json!({ "manifests": st.store.case_manifests(&id, scope.as_deref()).await? })))
}

/// `GET /manifests/{mid}`
async fn get_manifest(State(st): State<AppState>, u: CurrentUser, Path(mid): Path<String>) -> Result<Json<store::Manifest>, ApiError> {
    let nf = || ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("清单“{mid}”不存在或无权查看"));
    let m = st.store.manifest(&mid).await.map_err(store_err)?.ok_or_else(nf)?;
    gate::check_case(&st, &u, &m.case_id).await.map_err(|_| nf())?;
    if !gate::sees_all(&u) && m.from_org != u.org.id && m.to_org != u.org.id {
        return Err(nf());
    }
    Ok(Json(m))
}

// -- sealed legal documents --

/// `GET /cases/{id}/documents`: every legal document of the case, sealed (sealing any not yet
/// sealed), with all versions.
async fn list_documents(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    Ok(Json(json!({ "documents": st.store.case_documents(&id).await.map_err(store_err)? })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocQuery {
    #[serde(default)]
    pub version: Option<u32>,
}

/// `GET /cases/{id}/documents/{number}`: the self-contained sealed JSON (latest or `?version=`),
/// as a file to keep and verify offline with `lianban seal verify`.
async fn get_document(State(st): State<AppState>, u: CurrentUser, Path((id, number)): Path<(String, String)>, q: Result<Query<DocQuery>, QueryRejection>) -> Result<Response, ApiError> {
    let q = query(q)?;
    gate::check_case(&st, &u, &id).await?;
    st.store.case_documents(&id).await.map_err(store_err)?;
    let versions = st.store.sealed_versions(&id, Some(&number)).await?;
    let nf = || ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("文书“{number}”不存在"));
    let v = match q.version {
        Some(n) => versions.into_iter().find(|v| v.version == n).ok_or_else(nf)?,
        None => versions.into_iter().last().ok_or_else(nf)?,
    };
    let disposition = format!("attachment; filename=\"{}.seal.json\"", v.id);
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(v.document)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectBody {
    pub reason: String,
    pub content: String,
}

/// `POST /cases/{id}/documents/{number}/versions`: a corrected version, sealed anew.
async fn correct_document(State(st): State<AppState>, u: CurrentUser, Path((id, number)): Path<(String, String)>, ApiJson(b): ApiJson<CorrectBody>) -> Result<Response, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    st.store.case_documents(&id).await.map_err(store_err)?;
    let v = st.store.correct_document(&id, &number, &actor(&u), &u.user.name, &b.reason, &b.content).await.map_err(store_err)?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// `POST /seals/verify`: checks a sealed document (no login needed: anyone may check a seal).
async fn verify_seal(State(st): State<AppState>, ApiJson(doc): ApiJson<SealedDocument>) -> Result<Json<Value>, ApiError> {
    let check = st.store.check_seal(&doc).await?;
    Ok(Json(json!({
        "valid": check.valid,
        "key_registered": check.key_registered,
        "content_checked": check.content_checked,
        "error": check.error,
        "org": doc.document.org,
        "org_name": doc.document.org_name,
        "kind_label": doc.document.kind_label,
        "number": doc.document.number,
        "version": doc.document.version,
        "key_fingerprint": doc.seal.key_fingerprint,
        "suite": doc.seal.suite,
    })))
}

/// `GET /seal-keys`: every organization's public seal key (public by design).
async fn seal_keys(State(st): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "keys": st.store.seal_keys().await? })))
}

/// `GET /cases/{id}/files-log`
async fn files_log(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    gate::check_case(&st, &u, &id).await?;
    Ok(Json(json!({ "entries": st.store.files_log(&id).await? })))
}

#[cfg(test)]
mod tests {
    use super::{Unsatisfiable, parse_range};

    #[test]
    fn ranges() {
        for (h, want) in [
            (None, Ok(None)),
            (Some("bytes=0-9"), Ok(Some((0, 10)))),
            (Some("bytes=5-"), Ok(Some((5, 100)))),
            (Some("bytes=-10"), Ok(Some((90, 100)))),
            (Some("bytes=-1000"), Ok(Some((0, 100)))),
            (Some("bytes=90-1000"), Ok(Some((90, 100)))),
            (Some("bytes=0-1,5-6"), Ok(None)),
            (Some("items=0-1"), Ok(None)),
            (Some("bytes=100-"), Err(Unsatisfiable)),
            (Some("bytes=9-3"), Err(Unsatisfiable)),
            (Some("bytes=-0"), Err(Unsatisfiable)),
            (Some("bytes=x-3"), Err(Unsatisfiable)),
        ] {
            assert_eq!(parse_range(h, 100), want, "{h:?}");
        }
    }
}
