//! Access codes for the public progress query, and the server secret they (and CSRF tokens) are
//! derived from.
//!
//! An access code is HMAC-SHA256(secret, case id), shortened to eight characters from an
//! alphabet without look-alikes. Nothing is stored per case: the agency reads the code off the
//! case page and hands it to the party; the server recomputes it on every query. The secret comes
//! from `LIANBAN_ACCESS_SECRET`, or else from a key file created once beside the database, so
//! codes survive restarts.

use crate::AppState;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L).
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ9";

static SECRETS: Mutex<Option<HashMap<PathBuf, [u8; 32]>>> = Mutex::new(None);

/// The server secret for this store.
pub fn secret(st: &AppState) -> [u8; 32] {
    if let Ok(s) = std::env::var("LIANBAN_ACCESS_SECRET")
        && !s.is_empty()
    {
        return Sha256::digest(s.as_bytes()).into();
    }
    let path = st.store.path().with_file_name("access-code.key");
    let mut guard = SECRETS.lock().expect("secret lock");
    let map = guard.get_or_insert_with(HashMap::new);
    if let Some(k) = map.get(&path) {
        return *k;
    }
    let key = match std::fs::read_to_string(&path).ok().and_then(|t| hex::decode(t.trim()).ok()).and_then(|b| <[u8; 32]>::try_from(b).ok()) {
        Some(k) => k,
        None => {
            let mut k = [0u8; 32];
            getrandom::fill(&mut k).expect("system randomness");
            if let Err(e) = std::fs::write(&path, hex::encode(k)) {
                tracing::warn!(error = %e, path = %path.display(), "cannot persist the access-code key; codes will change on restart");
            }
            k
        }
    };
    map.insert(path, key);
    key
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(msg);
    let ih = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(ih);
    outer.finalize().into()
}

/// The access code of a case, shown as `ABCD-EFGH`.
pub fn access_code(secret: &[u8; 32], case_id: &str) -> String {
    let mac = hmac(secret, format!("access-code|{case_id}").as_bytes());
    let chars: String = mac[..8].iter().map(|b| ALPHABET[(*b & 31) as usize] as char).collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// Normalizes what a person typed: case-insensitive, spaces and dashes ignored.
pub fn normalize_code(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Compares in time independent of where the strings differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2_shape() {
        // RFC 4231 test case 2 uses a 4-byte key ("Jefe"), zero-padded like ours.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = hmac(&key, b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn codes_are_stable_and_forgiving() {
        let k = [7u8; 32];
        let c = access_code(&k, "LB-2025-000001");
        assert_eq!(c, access_code(&k, "LB-2025-000001"));
        assert_ne!(c, access_code(&k, "LB-2025-000002"));
        assert_eq!(c.len(), 9);
        assert!(same(&normalize_code(&c.to_lowercase().replace('-', " ")), &normalize_code(&c)));
    }
}
