//! Authentication: argon2id password hashes, lockout after repeated failures, an optional TOTP
//! second factor (RFC 6238), session tokens and scoped API tokens (both stored hashed), and the
//! current user of a request.
//!
//! A session is a person; an API token is an agency system acting as a named service user of
//! its organization, limited to its scopes (`read`: GET requests; `act`: everything else). Both
//! pass through the same gate afterwards.

use crate::error::ApiError;
use crate::AppState;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use domain::{Actor, Organization, User};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use store::AuditRecord;

/// Failures within [`LOCKOUT_WINDOW`] that lock a login name.
pub const LOCKOUT_FAILURES: u32 = 5;
pub const LOCKOUT_WINDOW: Duration = Duration::minutes(15);
/// How long a lock lasts.
pub const LOCKOUT_DURATION: Duration = Duration::minutes(15);
/// How long a session lives.
pub const SESSION_TTL: Duration = Duration::hours(12);

/// Hashes a password as a PHC string (`$argon2id$v=19$...`).
pub fn hash_password(password: &str) -> String {
    Argon2::default().hash_password(password.as_bytes()).expect("argon2 hashing").to_string()
}

/// Checks a password against a PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("system randomness");
    bytes
}

/// A fresh random session token (hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let token = hex::encode(random_bytes::<32>());
    let hash = token_hash(&token);
    (token, hash)
}

/// Prefix that tells an API token from a session token.
pub const API_TOKEN_PREFIX: &str = "lbt_";

/// A fresh API token (`lbt_` + hex) and the hash that is stored.
pub fn new_api_token() -> (String, String) {
    let token = format!("{API_TOKEN_PREFIX}{}", hex::encode(random_bytes::<32>()));
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub const SESSION_COOKIE: &str = "lianban_session";

/// The scopes an API token may carry.
pub const SCOPES: [&str; 2] = ["read", "act"];

/// How the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session,
    /// An API token (its id) with its scopes.
    Token { id: String, scopes: Vec<String> },
}

/// The authenticated user of a request, with their organization.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub org: Organization,
    pub via: Credential,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor { user: self.user.id.clone(), name: self.user.name.clone(), org: self.org.id.clone(), agency: self.org.kind, role: self.user.role }
    }
    /// Whether an agency system (API token) is acting.
    pub fn is_service(&self) -> bool {
        matches!(self.via, Credential::Token { .. })
    }
}

fn bearer_or_cookie(parts: &Parts) -> Option<String> {
    if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some(t) = h.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_string());
    }
    let cookies = parts.headers.get_all(axum::http::header::COOKIE);
    for c in cookies.iter().filter_map(|v| v.to_str().ok()) {
        for kv in c.split(';') {
            if let Some(v) = kv.trim().strip_prefix(SESSION_COOKIE).and_then(|r| r.strip_prefix('=')) {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// The scope a request needs: reading for safe methods, acting for the rest.
pub fn scope_for(method: &Method) -> &'static str {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) { "read" } else { "act" }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_or_cookie(parts).ok_or_else(ApiError::unauthorized)?;
        if token.starts_with(API_TOKEN_PREFIX) {
            let rec = state.store.api_token_by_hash(&token_hash(&token)).await?.ok_or_else(ApiError::unauthorized)?;
            if !rec.live(state.store.now()) {
                return Err(ApiError::new(StatusCode::UNAUTHORIZED, "token_revoked", "接口令牌已撤销或过期"));
            }
            let user = state.store.directory().user(&rec.user_id).cloned().filter(|u| u.active).ok_or_else(ApiError::unauthorized)?;
            let org = state.store.directory().org(&user.org).cloned().ok_or_else(ApiError::unauthorized)?;
            let need = scope_for(&parts.method);
            if !rec.scopes.iter().any(|s| s == need) {
                return Err(ApiError::forbidden(format!("接口令牌“{}”没有“{need}”权限", rec.name)));
            }
            // "Last used" to the minute: a busy agency system must not cost a write per request.
            let now = state.store.now();
            if rec.last_used_at.is_none_or(|t| now - t > chrono::Duration::seconds(60)) {
                state.store.touch_api_token(&rec.id).await?;
            }
            return Ok(CurrentUser { user, org, via: Credential::Token { id: rec.id, scopes: rec.scopes } });
        }
        let user = state.store.session_user(&token_hash(&token)).await?.ok_or_else(ApiError::unauthorized)?;
        let org = state.store.directory().org(&user.org).cloned().ok_or_else(ApiError::unauthorized)?;
        Ok(CurrentUser { user, org, via: Credential::Session })
    }
}

fn audit_login(st: &AppState, kind: &str, username: &str, user: Option<&User>, reason: String) -> AuditRecord {
    AuditRecord {
        id: 0,
        at: st.store.now(),
        kind: kind.into(),
        user_id: user.map(|u| u.id.clone()),
        org: user.map(|u| u.org.clone()),
        case_id: None,
        resource: format!("account:{username}"),
        reason,
        decision: "deny".into(),
    }
}

fn locked(until: DateTime<Utc>) -> ApiError {
    let local = until.with_timezone(&domain::period::china());
    ApiError::new(StatusCode::LOCKED, "account_locked", format!("登录失败次数过多，账号已锁定至{}", local.format("%H:%M")))
}

/// Checks a login: lockout, password (in constant-ish time for unknown names), active account,
/// and the second factor when enrolled. Failures count towards the lockout; the lock itself is
/// audited. Returns the user; the caller starts the session.
pub async fn authenticate(st: &AppState, username: &str, password: &str, totp: Option<&str>) -> Result<User, ApiError> {
    let bad = || ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "用户名或密码错误");
    if let Some(until) = st.store.locked_until(username).await? {
        let _ = verify_password(password, &st.dummy_hash);
        return Err(locked(until));
    }
    let record = st.store.login_record(username).await?;
    let user = match record {
        Some((user, Some(hash))) if verify_password(password, &hash) => user,
        other => {
            if other.is_none() {
                // Spend the same time as a real check, so that absent users cannot be told apart.
                let _ = verify_password(password, &st.dummy_hash);
            }
            let user = other.map(|(u, _)| u);
            return Err(login_failed(st, username, user.as_ref(), "密码错误").await.unwrap_or_else(bad));
        }
    };
    if !user.active {
        return Err(ApiError::forbidden("账号已停用"));
    }
    if let Some(t) = st.store.totp(&user.id).await?.filter(|t| t.enabled) {
        let Some(code) = totp.map(str::trim).filter(|c| !c.is_empty()) else {
            let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "totp_required", "请输入动态口令");
            e.field = Some("totp".into());
            return Err(e);
        };
        let ok = match verify_totp(&t.secret, code, st.store.now()) {
            Some(step) => st.store.use_totp_step(&user.id, step, false).await?,
            None => false,
        };
        if !ok {
            return Err(login_failed(st, username, Some(&user), "动态口令错误").await.unwrap_or_else(|| {
                let mut e = ApiError::new(StatusCode::UNAUTHORIZED, "bad_totp", "动态口令错误或已使用");
                e.field = Some("totp".into());
                e
            }));
        }
    }
    st.store.clear_login_failures(username).await?;
    Ok(user)
}

/// Counts a failure; returns the lock error when this failure locked the name.
async fn login_failed(st: &AppState, username: &str, user: Option<&User>, why: &str) -> Option<ApiError> {
    let until = match st.store.record_login_failure(username, LOCKOUT_FAILURES, LOCKOUT_WINDOW, LOCKOUT_DURATION).await {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "recording a login failure");
            return None;
        }
    };
    let until = until?;
    let reason = format!("{why}；{}分钟内失败{}次，锁定至{}", LOCKOUT_WINDOW.num_minutes(), LOCKOUT_FAILURES, until.to_rfc3339());
    if let Err(e) = st.store.audit(&audit_login(st, "login_locked", username, user, reason)).await {
        tracing::error!(error = %e, "auditing a lockout");
    }
    Some(locked(until))
}

/// Starts a session: the token for `Authorization: Bearer` and the cookie (HttpOnly,
/// SameSite=Strict) for browsers.
pub async fn start_session(st: &AppState, user: &User) -> Result<(String, String), ApiError> {
    let (token, token_hash) = new_token();
    st.store.create_session(&token_hash, &user.id, SESSION_TTL).await?;
    let cookie = format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}", SESSION_TTL.num_seconds());
    Ok((token, cookie))
}

// ---------- TOTP (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, 30 s steps, 6 digits) ----------

pub const TOTP_STEP_SECONDS: i64 = 30;
pub const TOTP_DIGITS: u32 = 6;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (what authenticator apps take).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            out.push(BASE32[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(BASE32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let v = BASE32.iter().position(|&b| b as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buf >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// HOTP (RFC 4226 §5.3): dynamic truncation of HMAC-SHA1(key, counter).
pub fn hotp(key: &[u8], counter: u64) -> u32 {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key).expect("hmac takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    bin % 10u32.pow(TOTP_DIGITS)
}

/// The TOTP time step of an instant.
pub fn totp_step(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(TOTP_STEP_SECONDS)
}

/// The code for a base32 secret at an instant.
pub fn totp_code(secret_b32: &str, now: DateTime<Utc>) -> Option<String> {
    let key = base32_decode(secret_b32)?;
    Some(format!("{:06}", hotp(&key, totp_step(now) as u64)))
}

/// Checks a code, allowing one step of clock drift either way; returns the step it matched.
pub fn verify_totp(secret_b32: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let key = base32_decode(secret_b32)?;
    if code.len() != TOTP_DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let want: u32 = code.parse().ok()?;
    let step = totp_step(now);
    (step - 1..=step + 1).find(|s| *s >= 0 && hotp(&key, *s as u64) == want)
}

/// A fresh 160-bit TOTP secret, base32.
pub fn new_totp_secret() -> String {
    base32_encode(&random_bytes::<20>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("正确的密码");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码", &h));
        assert!(!verify_password("错误的密码", &h));
        assert!(!verify_password("x", "not a phc string"));
        let (t, th) = new_token();
        assert_eq!(token_hash(&t), th);
        assert_ne!(t, th);
        let (a, ah) = new_api_token();
        assert!(a.starts_with(API_TOKEN_PREFIX));
        assert_eq!(token_hash(&a), ah);
    }

    /// RFC 4226 appendix D: the HOTP values of the ASCII secret "12345678901234567890".
    #[test]
    fn hotp_matches_rfc4226_vectors() {
        let key = b"12345678901234567890";
        let want = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (i, w) in want.iter().enumerate() {
            assert_eq!(hotp(key, i as u64), *w, "counter {i}");
        }
    }

    /// RFC 6238 appendix B (SHA-1 rows), truncated to six digits.
    #[test]
    fn totp_matches_rfc6238_vectors() {
        let secret = base32_encode(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (t, code) in [(59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"), (2000000000, "279037")] {
            let now = Utc.timestamp_opt(t, 0).unwrap();
            assert_eq!(totp_code(&secret, now).unwrap(), code, "t={t}");
            assert_eq!(verify_totp(&secret, code, now), Some(totp_step(now)));
        }
        let now = Utc.timestamp_opt(59, 0).unwrap();
        assert_eq!(verify_totp(&secret, "287082", now + Duration::seconds(30)), Some(1), "one step of drift");
        assert_eq!(verify_totp(&secret, "287082", now + Duration::seconds(90)), None);
        assert_eq!(verify_totp(&secret, "28708", now), None);
        assert_eq!(base32_decode(&secret).unwrap(), b"12345678901234567890");
    }
}
