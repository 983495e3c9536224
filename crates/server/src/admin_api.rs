//! Administration and account self-service under `/api/v1`: organizations, users, roles,
//! password resets, disabling accounts, API tokens for agency systems, the audit; TOTP enrollment;
//! court sealing orders and the access log of a case.
//!
//! An administrator (`admin` role, signed in as a person, never through a token) manages its own
//! organization and those below it; the committee's administrator manages every organization.

use crate::body::ApiQuery;
use crate::auth::{self, CurrentUser};
use crate::body::ApiJson;
use crate::error::ApiError;
use crate::gate;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::Duration;
use domain::{AgencyKind, Level, Organization, Role, User};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{ApiTokenRecord, AuditRecord, SealRecord};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/organizations", post(put_organization))
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/users/{id}/disable", post(disable_user))
        .route("/admin/users/{id}/enable", post(enable_user))
        .route("/admin/tokens", get(list_tokens).post(create_token))
        .route("/admin/tokens/{id}", delete(revoke_token))
        .route("/admin/audit", get(audit))
        .route("/me/totp", post(totp_enroll).delete(totp_remove))
        .route("/me/totp/confirm", post(totp_confirm))
        .route("/cases/{id}/seal", post(seal_case))
        .route("/cases/{id}/access-log", get(access_log))
}

/// Whether `u` administers organization `org`.
pub fn manages(st: &AppState, u: &CurrentUser, org: &str) -> bool {
    if u.user.role != Role::Admin || u.is_service() {
        return false;
    }
    if u.org.kind == AgencyKind::Committee {
        return true;
    }
    let dir = st.store.directory();
    let mut cur = dir.org(org);
    while let Some(o) = cur {
        if o.id == u.org.id {
            return true;
        }
        cur = o.parent.as_deref().and_then(|p| dir.org(p));
    }
    false
}

fn require_admin(u: &CurrentUser) -> Result<(), ApiError> {
    if u.is_service() {
        return Err(ApiError::forbidden("管理操作不能使用接口令牌"));
    }
    if u.user.role != Role::Admin {
        return Err(ApiError::forbidden("仅系统管理员可以进行此操作"));
    }
    Ok(())
}

fn require_manages(st: &AppState, u: &CurrentUser, org: &str) -> Result<(), ApiError> {
    require_admin(u)?;
    if !manages(st, u, org) {
        return Err(ApiError::forbidden(format!("无权管理单位“{org}”")));
    }
    Ok(())
}

/// The access-audit record of an administrator's change (accounts, tokens, witness keys).
pub(crate) async fn audit_admin(st: &AppState, u: &CurrentUser, kind: &str, resource: String, reason: String) -> Result<(), ApiError> {
    st.store
        .audit(&AuditRecord {
            id: 0,
            at: st.store.now(),
            kind: kind.into(),
            user_id: Some(u.user.id.clone()),
            org: Some(u.org.id.clone()),
            case_id: None,
            resource,
            reason,
            decision: "allow".into(),
        })
        .await?;
    Ok(())
}

fn check_password(p: &str) -> Result<(), ApiError> {
    if p.chars().count() < 8 {
        return Err(ApiError::invalid("password", "密码至少8个字符"));
    }
    Ok(())
}

fn non_empty(field: &str, v: &str) -> Result<(), ApiError> {
    if v.trim().is_empty() {
        return Err(ApiError::invalid(field, format!("{field} 不能为空")));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgBody {
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
    pub level: Level,
    pub jurisdiction: String,
    #[serde(default)]
    pub parent: Option<String>,
}

/// `POST /api/v1/admin/organizations`: creates or updates an organization under one the admin
/// manages.
pub async fn put_organization(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<OrgBody>) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_admin(&u)?;
    non_empty("id", &b.id)?;
    non_empty("name", &b.name)?;
    let anchor = b.parent.clone().unwrap_or_else(|| b.id.clone());
    if u.org.kind != AgencyKind::Committee && !manages(&st, &u, &anchor) {
        return Err(ApiError::forbidden("只能在本单位之下设立单位"));
    }
    if let Some(p) = &b.parent
        && st.store.directory().org(p).is_none()
    {
        return Err(ApiError::invalid("parent", format!("上级单位“{p}”不存在")));
    }
    let org = Organization { id: b.id, name: b.name, kind: b.kind, level: b.level, jurisdiction: b.jurisdiction, parent: b.parent };
    st.store.put_organization(&org).await?;
    audit_admin(&st, &u, "account", format!("organization:{}", org.id), "设立或修改单位".into()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "organization": org }))))
}

/// `GET /api/v1/admin/users`: the users of organizations the admin manages.
pub async fn list_users(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    require_admin(&u)?;
    let dir = st.store.directory();
    let users: Vec<&User> = dir.users.values().filter(|x| manages(&st, &u, &x.org)).collect();
    Ok(Json(json!({ "users": users })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    pub id: String,
    pub username: String,
    pub name: String,
    pub org: String,
    pub role: Role,
    pub password: String,
}

/// `POST /api/v1/admin/users`: creates a user (or changes one's name, organization and role).
pub async fn create_user(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<UserBody>) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_manages(&st, &u, &b.org)?;
    non_empty("id", &b.id)?;
    non_empty("username", &b.username)?;
    check_password(&b.password)?;
    if let Some(old) = st.store.directory().user(&b.id) {
        require_manages(&st, &u, &old.org)?;
    }
    let user = User { id: b.id, username: b.username, name: b.name, org: b.org, role: b.role, active: true };
    st.store.put_user(&user, Some(&auth::hash_password(&b.password))).await?;
    audit_admin(&st, &u, "account", format!("user:{}", user.id), format!("设立账号，角色{}", user.role.label())).await?;
    Ok((StatusCode::CREATED, Json(json!({ "user": user }))))
}

fn managed_user(st: &AppState, u: &CurrentUser, id: &str) -> Result<User, ApiError> {
    require_admin(u)?;
    let user = st.store.directory().user(id).cloned().ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("账号“{id}”不存在")))?;
    require_manages(st, u, &user.org)?;
    Ok(user)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub password: String,
}

/// `POST /api/v1/admin/users/{id}/password`: sets a new password, lifts a lockout, ends sessions.
pub async fn reset_password(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, ApiJson(b): ApiJson<PasswordBody>) -> Result<StatusCode, ApiError> {
    let user = managed_user(&st, &u, &id)?;
    check_password(&b.password)?;
    st.store.put_user(&user, Some(&auth::hash_password(&b.password))).await?;
    st.store.clear_login_failures(&user.username).await?;
    st.store.delete_user_sessions(&user.id).await?;
    audit_admin(&st, &u, "account", format!("user:{id}"), "重置密码".into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_active(st: &AppState, u: &CurrentUser, id: &str, active: bool) -> Result<StatusCode, ApiError> {
    let mut user = managed_user(st, u, id)?;
    if user.id == u.user.id && !active {
        return Err(ApiError::invalid("id", "不能停用自己的账号"));
    }
    user.active = active;
    st.store.put_user(&user, None).await?;
    if !active {
        st.store.delete_user_sessions(&user.id).await?;
    }
    audit_admin(st, u, "account", format!("user:{id}"), if active { "启用账号" } else { "停用账号" }.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/admin/users/{id}/disable`: the account can no longer log in; its sessions end
/// and its tokens stop working.
pub async fn disable_user(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    set_active(&st, &u, &id, false).await
}

/// `POST /api/v1/admin/users/{id}/enable`
pub async fn enable_user(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    set_active(&st, &u, &id, true).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What system uses it, e.g. `公安执法办案系统`.
    pub name: String,
    pub org: String,
    /// The role the service user holds (must fit the organization).
    pub role: Role,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

/// `POST /api/v1/admin/tokens`: creates a service user of the organization and a token acting
/// as it. The token is shown once.
pub async fn create_token(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<TokenBody>) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_manages(&st, &u, &b.org)?;
    non_empty("name", &b.name)?;
    if b.scopes.is_empty() {
        return Err(ApiError::invalid("scopes", "至少需要一个权限范围（read、act）"));
    }
    if let Some(bad) = b.scopes.iter().find(|s| !auth::SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid("scopes", format!("未知的权限范围“{bad}”，可选 read、act")));
    }
    let (token, hash) = auth::new_api_token();
    let id = format!("tok-{}", &hash[..12]);
    let svc = User { id: format!("svc-{}", &hash[..12]), username: format!("svc-{}", &hash[..12]), name: format!("接口：{}", b.name), org: b.org.clone(), role: b.role, active: true };
    st.store.put_user(&svc, None).await?;
    let now = st.store.now();
    let rec = ApiTokenRecord {
        id,
        token_hash: hash,
        name: b.name,
        user_id: svc.id.clone(),
        scopes: b.scopes,
        created_by: u.user.id.clone(),
        created_at: now,
        expires_at: b.expires_in_days.map(|d| now + Duration::days(d as i64)),
        revoked_at: None,
        last_used_at: None,
    };
    st.store.create_api_token(&rec).await?;
    audit_admin(&st, &u, "token_created", format!("token:{}", rec.id), format!("{}，范围{}", rec.name, rec.scopes.join(","))).await?;
    Ok((StatusCode::CREATED, Json(json!({ "token": token, "record": rec, "service_user": svc }))))
}

/// `GET /api/v1/admin/tokens`
pub async fn list_tokens(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    require_admin(&u)?;
    let dir = st.store.directory();
    let tokens: Vec<ApiTokenRecord> = st
        .store
        .list_api_tokens(None)
        .await?
        .into_iter()
        .filter(|t| dir.user(&t.user_id).is_some_and(|x| manages(&st, &u, &x.org)))
        .collect();
    Ok(Json(json!({ "tokens": tokens })))
}

/// `DELETE /api/v1/admin/tokens/{id}`
pub async fn revoke_token(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    require_admin(&u)?;
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("接口令牌“{id}”不存在"));
    let rec = st.store.api_token(&id).await?.ok_or_else(not_found)?;
    let org = st.store.directory().user(&rec.user_id).map(|x| x.org.clone()).ok_or_else(not_found)?;
    require_manages(&st, &u, &org)?;
    if !st.store.revoke_api_token(&id).await? {
        return Err(ApiError::new(StatusCode::CONFLICT, "already_revoked", "接口令牌已撤销"));
    }
    audit_admin(&st, &u, "token_revoked", format!("token:{id}"), rec.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    pub after: Option<i64>,
    pub kind: Option<String>,
    pub limit: Option<u32>,
}

/// `GET /api/v1/admin/audit`: audit records after an id (committee administrators).
pub async fn audit(State(st): State<AppState>, u: CurrentUser, ApiQuery(p): ApiQuery<AuditParams>) -> Result<Json<Value>, ApiError> {
    require_admin(&u)?;
    if u.org.kind != AgencyKind::Committee {
        return Err(ApiError::forbidden("仅政法委系统管理员可以查阅全部审计记录"));
    }
    let records = st.store.audit_since(p.after.unwrap_or(0), p.kind.as_deref(), p.limit.unwrap_or(500)).await?;
    Ok(Json(json!({ "records": records })))
}

// ---------- TOTP self-service ----------

fn session_only(u: &CurrentUser) -> Result<(), ApiError> {
    if u.is_service() {
        return Err(ApiError::forbidden("接口令牌没有动态口令"));
    }
    Ok(())
}

/// `POST /api/v1/me/totp`: a new secret (not active until confirmed with a code).
pub async fn totp_enroll(State(st): State<AppState>, u: CurrentUser) -> Result<Json<Value>, ApiError> {
    session_only(&u)?;
    if st.store.totp(&u.user.id).await?.is_some_and(|t| t.enabled) {
        return Err(ApiError::new(StatusCode::CONFLICT, "totp_enabled", "已启用动态口令；如需更换请先停用"));
    }
    let secret = auth::new_totp_secret();
    st.store.put_totp_secret(&u.user.id, &secret).await?;
    let uri = format!("otpauth://totp/Lianban:{}?secret={secret}&issuer=Lianban&digits=6&period=30", u.user.username);
    Ok(Json(json!({ "secret": secret, "otpauth_uri": uri })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    pub code: String,
}

async fn check_code(st: &AppState, u: &CurrentUser, code: &str, enable: bool) -> Result<(), ApiError> {
    let bad = || {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_totp", "动态口令错误或已使用");
        e.field = Some("code".into());
        e
    };
    let t = st.store.totp(&u.user.id).await?.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "尚未申请动态口令"))?;
    let step = auth::verify_totp(&t.secret, code.trim(), st.store.now()).ok_or_else(bad)?;
    if !st.store.use_totp_step(&u.user.id, step, enable).await? {
        return Err(bad());
    }
    Ok(())
}

/// `POST /api/v1/me/totp/confirm`: confirms enrollment with a first code; logins then need one.
pub async fn totp_confirm(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<CodeBody>) -> Result<StatusCode, ApiError> {
    session_only(&u)?;
    check_code(&st, &u, &b.code, true).await?;
    audit_admin(&st, &u, "account", format!("user:{}", u.user.id), "启用动态口令".into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/me/totp` with a current code.
pub async fn totp_remove(State(st): State<AppState>, u: CurrentUser, ApiJson(b): ApiJson<CodeBody>) -> Result<StatusCode, ApiError> {
    session_only(&u)?;
    check_code(&st, &u, &b.code, false).await?;
    st.store.delete_totp(&u.user.id).await?;
    audit_admin(&st, &u, "account", format!("user:{}", u.user.id), "停用动态口令".into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- sealing and the access log ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealBody {
    pub reason: String,
}

/// `POST /api/v1/cases/{id}/seal`: the court seals the case (CPL 286); from then on only its
/// courts see it.
pub async fn seal_case(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>, ApiJson(b): ApiJson<SealBody>) -> Result<(StatusCode, Json<Value>), ApiError> {
    non_empty("reason", &b.reason)?;
    gate::authorize(&st, &u, &id, gate::Resource::SealCase, "POST /cases/{id}/seal").await?;
    let seal = SealRecord { case_id: id.clone(), sealed_by: u.user.id.clone(), org: u.org.id.clone(), at: st.store.now(), reason: b.reason };
    st.store.seal_case(&seal).await?;
    st.store
        .audit(&AuditRecord {
            id: 0,
            at: seal.at,
            kind: "seal".into(),
            user_id: Some(u.user.id.clone()),
            org: Some(u.org.id.clone()),
            case_id: Some(id.clone()),
            resource: "case".into(),
            reason: seal.reason.clone(),
            decision: "allow".into(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "seal": st.store.case_seal(&id).await? }))))
}

/// `GET /api/v1/cases/{id}/access-log`: who read the case's personal data and files, and who was
/// refused (supervisors; leaders of the organizations handling it).
pub async fn access_log(State(st): State<AppState>, u: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    gate::authorize(&st, &u, &id, gate::Resource::ReadAccessLog, "GET /cases/{id}/access-log").await?;
    let records = st.store.case_audit(&id, 5000).await?;
    Ok(Json(json!({ "case_id": id, "records": records })))
}
