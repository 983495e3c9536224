//! Authentication: argon2id password hashes, session tokens (stored hashed), the current user.

use crate::error::ApiError;
use crate::AppState;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use domain::{Actor, Organization, User};
use sha2::{Digest, Sha256};

/// Hashes a password as a PHC string (`$argon2id$v=19$...`).
pub fn hash_password(password: &str) -> String {
    Argon2::default().hash_password(password.as_bytes()).expect("argon2 hashing").to_string()
}

/// Checks a password against a PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh random session token (hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("system randomness");
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub const SESSION_COOKIE: &str = "lianban_session";

/// The authenticated user of a request, with their organization.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub org: Organization,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor { user: self.user.id.clone(), name: self.user.name.clone(), org: self.org.id.clone(), agency: self.org.kind, role: self.user.role }
    }
}

fn bearer_or_cookie(parts: &Parts) -> Option<String> {
    if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(t) = h.strip_prefix("Bearer ") {
            return Some(t.trim().to_string());
        }
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

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_or_cookie(parts).ok_or_else(ApiError::unauthorized)?;
        let user = state.store.session_user(&token_hash(&token)).await?.ok_or_else(ApiError::unauthorized)?;
        let org = state.store.directory().org(&user.org).cloned().ok_or_else(ApiError::unauthorized)?;
        Ok(CurrentUser { user, org })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_verify_only_themselves() {
        let h = super::hash_password("正确的密码");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify_password("正确的密码", &h));
        assert!(!super::verify_password("错误的密码", &h));
        assert!(!super::verify_password("x", "not a phc string"));
        let (t, th) = super::new_token();
        assert_eq!(super::token_hash(&t), th);
        assert_ne!(t, th);
    }
}
