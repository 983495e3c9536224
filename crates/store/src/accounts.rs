//! Accounts and the gate's records: login failures and lockouts, scoped API tokens, TOTP second
//! factors, court sealing orders, and the access audit (who read what, when, why; who was
//! refused). The rules (how many failures lock, what a scope allows) belong to the server; this
//! module only keeps the rows.

use crate::sql::{parse_ts, ts};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One record of the access audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Assigned by the store (0 when writing).
    #[serde(default)]
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `read` (unmasked personal data, a case file), `denied` (the gate refused), `login_locked`,
    /// `login_failed`, `token_created`, `token_revoked`, `account`, `seal`.
    pub kind: String,
    pub user_id: Option<String>,
    pub org: Option<String>,
    pub case_id: Option<String>,
    /// What was read or refused, e.g. `personal_data`, `case_file:<id>`, `read_police_file`.
    pub resource: String,
    /// Why: the purpose given or the request path.
    pub reason: String,
    /// `allow` or `deny`.
    pub decision: String,
}

/// A stored API token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRecord {
    pub id: String,
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub name: String,
    /// The service user the token acts as.
    pub user_id: String,
    pub scopes: Vec<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiTokenRecord {
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// A user's TOTP secret (base32) and whether enrollment was confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpRecord {
    pub secret: String,
    pub enabled: bool,
    pub last_step: i64,
}

/// A court's sealing order on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealRecord {
    pub case_id: String,
    pub sealed_by: String,
    pub org: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

fn opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.as_deref().map(parse_ts).transpose()
}

fn token_row(r: &sqlx::any::AnyRow) -> Result<ApiTokenRecord, StoreError> {
    Ok(ApiTokenRecord {
        id: r.get("id"),
        token_hash: r.get("token_hash"),
        name: r.get("name"),
        user_id: r.get("user_id"),
        scopes: serde_json::from_str(r.get::<&str, _>("scopes")).map_err(|e| StoreError::Corrupt(format!("token scopes: {e}")))?,
        created_by: r.get("created_by"),
        created_at: parse_ts(r.get::<&str, _>("created_at"))?,
        expires_at: opt_ts(r.get("expires_at"))?,
        revoked_at: opt_ts(r.get("revoked_at"))?,
        last_used_at: opt_ts(r.get("last_used_at"))?,
    })
}

fn audit_row(r: &sqlx::any::AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        id: r.get("id"),
        at: parse_ts(r.get::<&str, _>("at"))?,
        kind: r.get("kind"),
        user_id: r.get("user_id"),
        org: r.get("org"),
        case_id: r.get("case_id"),
        resource: r.get("resource"),
        reason: r.get("reason"),
        decision: r.get("decision"),
    })
}

const TOKEN_COLUMNS: &str = "id, token_hash, name, user_id, scopes, created_by, created_at, expires_at, revoked_at, last_used_at";

impl Store {
    // ---- lockout ----

    /// Until when a login name is locked, if it is now.
    pub async fn locked_until(&self, username: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let until: Option<String> = sqlx::query_scalar("SELECT until FROM account_locks WHERE username = $1")
            .bind(username.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        let now = self.now();
        Ok(opt_ts(until)?.filter(|u| *u > now))
    }

    /// Records a failed login. When `max` failures fall within `window`, locks the name for
    /// `lock_for` and returns the end of the lock (the failures are then cleared).
    pub async fn record_login_failure(
        &self,
        username: &str,
        max: u32,
        window: chrono::Duration,
        lock_for: chrono::Duration,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let now = self.now();
        let mut tx = self.shared().write.begin().await.map_err(StoreError::db)?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(ts(now - window))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db)?;
        sqlx::query("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
            .bind(username.to_string())
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db)?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE username = $1")
            .bind(username.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db)?;
        let locked = if n >= max as i64 {
            let until = now + lock_for;
            sqlx::query(
                "INSERT INTO account_locks (username, until, since) VALUES ($1, $2, $3)
                 ON CONFLICT (username) DO UPDATE SET until = excluded.until, since = excluded.since",
            )
            .bind(username.to_string())
            .bind(ts(until))
            .bind(ts(now))
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db)?;
            sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username.to_string()).execute(&mut *tx).await.map_err(StoreError::db)?;
            Some(until)
        } else {
            None
        };
        tx.commit().await.map_err(StoreError::db)?;
        Ok(locked)
    }

    /// Forgets the failures of a login name (after a successful login) and lifts its lock
    /// (after an administrator's reset).
    pub async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        for q in ["DELETE FROM login_failures WHERE username = $1", "DELETE FROM account_locks WHERE username = $1"] {
            sqlx::query(q).bind(username.to_string()).execute(&self.shared().write).await.map_err(StoreError::db)?;
        }
        Ok(())
    }

    /// Ends every session of a user (password reset, account disabled).
    pub async fn delete_user_sessions(&self, user_id: &str) -> Result<(), StoreError> {
        self.shared().sessions.lock().expect("session cache lock").retain(|_, (u, _, _)| u != user_id);
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id.to_string()).execute(&self.shared().write).await.map_err(StoreError::db)?;
        Ok(())
    }

    // ---- API tokens ----

    pub async fn create_api_token(&self, t: &ApiTokenRecord) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO api_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )))
        .bind(t.id.clone())
        .bind(t.token_hash.clone())
        .bind(t.name.clone())
        .bind(t.user_id.clone())
        .bind(serde_json::to_string(&t.scopes).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(t.created_by.clone())
        .bind(ts(t.created_at))
        .bind(t.expires_at.map(ts))
        .bind(t.revoked_at.map(ts))
        .bind(t.last_used_at.map(ts))
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        Ok(())
    }

    /// The token with this hash, whatever its state.
    pub async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1")))
            .bind(token_hash.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        row.as_ref().map(token_row).transpose()
    }

    pub async fn api_token(&self, id: &str) -> Result<Option<ApiTokenRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1")))
            .bind(id.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        row.as_ref().map(token_row).transpose()
    }

    /// Tokens whose service user belongs to `org` (every token when `None`), newest first.
    pub async fn list_api_tokens(&self, org: Option<&str>) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE $1 IS NULL OR user_id IN (SELECT id FROM users WHERE org = $1)
             ORDER BY created_at DESC, id"
        )))
        .bind(org.map(str::to_string))
        .fetch_all(&self.shared().read)
        .await
        .map_err(StoreError::db)?;
        rows.iter().map(token_row).collect()
    }

    /// Revokes a token; false when it does not exist or was already revoked.
    pub async fn revoke_api_token(&self, id: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.to_string())
            .bind(ts(self.now()))
            .execute(&self.shared().write)
            .await
            .map_err(StoreError::db)?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn touch_api_token(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(ts(self.now()))
            .execute(&self.shared().write)
            .await
            .map_err(StoreError::db)?;
        Ok(())
    }

    // ---- TOTP ----

    pub async fn totp(&self, user_id: &str) -> Result<Option<TotpRecord>, StoreError> {
        let row = sqlx::query("SELECT secret, enabled, last_step FROM user_totp WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        Ok(row.map(|r| TotpRecord { secret: r.get("secret"), enabled: r.get::<i64, _>("enabled") != 0, last_step: r.get("last_step") }))
    }

    /// Stores a (new, not yet confirmed) secret, replacing any previous one.
    pub async fn put_totp_secret(&self, user_id: &str, secret: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_totp (user_id, secret, enabled, last_step) VALUES ($1, $2, 0, 0)
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = 0, last_step = 0",
        )
        .bind(user_id.to_string())
        .bind(secret.to_string())
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        Ok(())
    }

    /// Uses a TOTP time step: true only if it is later than every step used before (a code is
    /// good once). `enable` confirms the enrollment.
    pub async fn use_totp_step(&self, user_id: &str, step: i64, enable: bool) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE user_totp SET last_step = $2, enabled = CASE WHEN $3 THEN 1 ELSE enabled END
             WHERE user_id = $1 AND last_step < $2",
        )
        .bind(user_id.to_string())
        .bind(step)
        .bind(enable)
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        Ok(r.rows_affected() > 0)
    }

    pub async fn delete_totp(&self, user_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM user_totp WHERE user_id = $1").bind(user_id.to_string()).execute(&self.shared().write).await.map_err(StoreError::db)?;
        Ok(())
    }

    // ---- sealing ----

    pub async fn seal_case(&self, seal: &SealRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO case_seals (case_id, sealed_by, org, at, reason) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(seal.case_id.clone())
        .bind(seal.sealed_by.clone())
        .bind(seal.org.clone())
        .bind(ts(seal.at))
        .bind(seal.reason.clone())
        .execute(&self.shared().write)
        .await
        .map_err(StoreError::db)?;
        // Loaded first if need be (a load racing with this insert may not see the new row).
        self.sealed_set().await?.write().expect("sealed lock").insert(seal.case_id.clone());
        Ok(())
    }

    pub async fn case_seal(&self, case_id: &str) -> Result<Option<SealRecord>, StoreError> {
        let row = sqlx::query("SELECT case_id, sealed_by, org, at, reason FROM case_seals WHERE case_id = $1")
            .bind(case_id.to_string())
            .fetch_optional(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        row.map(|r| {
            Ok(SealRecord {
                case_id: r.get("case_id"),
                sealed_by: r.get("sealed_by"),
                org: r.get("org"),
                at: parse_ts(r.get::<&str, _>("at"))?,
                reason: r.get("reason"),
            })
        })
        .transpose()
    }

    /// Every sealed case id.
    pub async fn sealed_cases(&self) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let set = self.sealed_set().await?;
        Ok(set.read().expect("sealed lock").iter().cloned().collect())
    }

    /// The sealed case ids, loaded once and then kept up to date by `seal_case`.
    pub(crate) async fn sealed_set(&self) -> Result<&std::sync::RwLock<std::collections::HashSet<String>>, StoreError> {
        self.shared()
            .sealed
            .get_or_try_init(|| async {
                let ids: Vec<String> =
                    sqlx::query_scalar("SELECT case_id FROM case_seals").fetch_all(&self.shared().read).await.map_err(StoreError::db)?;
                Ok(std::sync::RwLock::new(ids.into_iter().collect()))
            })
            .await
    }

    // ---- access audit ----

    /// Appends an audit record; returns its id once it is durably committed. Records go through
    /// the single writer and share its batches (group commit); each becomes a leaf of the access
    /// log in the same transaction (`access.rs`, docs/leaf-format.md §8).
    pub async fn audit(&self, rec: &AuditRecord) -> Result<i64, StoreError> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        self.jobs().send(crate::writer::Job::Audit { rec: rec.clone(), reply }).await.map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Audit records of one case, oldest first.
    pub async fn case_audit(&self, case_id: &str, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM access_audit WHERE case_id = $1 ORDER BY id LIMIT $2")
            .bind(case_id.to_string())
            .bind(limit.clamp(1, 10_000) as i64)
            .fetch_all(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        rows.iter().map(audit_row).collect()
    }

    /// Audit records after `after` (by id), optionally of one kind: for administrators and for
    /// pipelines that follow them. (Each record is also a leaf of the access log, `access.rs`.)
    pub async fn audit_since(&self, after: i64, kind: Option<&str>, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM access_audit WHERE id > $1 AND ($2 IS NULL OR kind = $2) ORDER BY id LIMIT $3")
            .bind(after)
            .bind(kind.map(str::to_string))
            .bind(limit.clamp(1, 10_000) as i64)
            .fetch_all(&self.shared().read)
            .await
            .map_err(StoreError::db)?;
        rows.iter().map(audit_row).collect()
    }
}

// ---------- field encryption at rest ----------

/// The name of the field key file inside `DATA/keys/`.
pub const FIELD_KEY_FILE: &str = "field.key";
const SEALED_PREFIX: &str = "enc1:";

/// Encrypts personal fields (ID numbers) inside the stored case state, with a key kept outside
/// the database (`DATA/keys/field.key`, 0600), through the deployment's crypto suite
/// (AES-256-GCM by default, SM4-GCM for 国密).
///
/// Encryption is deterministic (the nonce is derived from the key, the field's context and the
/// value, a synthetic-IV construction): the same state always encrypts to the same text, so a
/// projection rebuilt from the events compares equal to the stored one. It reveals only that two
/// equal values in the same context are equal.
pub struct FieldCipher {
    suite: crypto::Suite,
    key: Vec<u8>,
    /// Names the key inside each ciphertext (`enc1:<kid>:<base64>`).
    kid: String,
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldCipher").field("suite", &self.suite).field("kid", &self.kid).finish_non_exhaustive()
    }
}

fn keyring() -> &'static std::sync::RwLock<std::collections::HashMap<String, std::sync::Arc<FieldCipher>>> {
    static RING: std::sync::OnceLock<std::sync::RwLock<std::collections::HashMap<String, std::sync::Arc<FieldCipher>>>> = std::sync::OnceLock::new();
    RING.get_or_init(Default::default)
}

impl FieldCipher {
    pub fn new(suite: crypto::Suite, key: Vec<u8>) -> Result<Self, StoreError> {
        let p = suite.provider();
        if key.len() != p.key_len() {
            return Err(StoreError::Corrupt(format!("field key: {} bytes, {} needs {}", key.len(), suite, p.key_len())));
        }
        let kid = hex::encode(&p.hash(&[b"lianban-field-kid/1".as_slice(), &key].concat())[..8]);
        Ok(Self { suite, key, kid })
    }

    /// Loads `keys_dir/field.key` (`<suite>:<hex key>`), creating a standard-suite key on first
    /// use. The cipher is registered so that any stored state naming its key can be opened.
    pub fn load_or_create(keys_dir: &std::path::Path) -> Result<std::sync::Arc<Self>, StoreError> {
        Self::load_or_create_in(keys_dir, crypto::Suite::Standard)
    }

    /// As [`load_or_create`](Self::load_or_create), a new key being of `suite` (`lianban init
    /// --crypto-suite national` creates an SM4 key before the store first opens).
    pub fn load_or_create_in(keys_dir: &std::path::Path, new_suite: crypto::Suite) -> Result<std::sync::Arc<Self>, StoreError> {
        let path = keys_dir.join(FIELD_KEY_FILE);
        let io = |e: std::io::Error| StoreError::Corrupt(format!("field key {}: {e}", path.display()));
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(keys_dir).map_err(io)?;
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| StoreError::Corrupt(format!("randomness: {e}")))?;
                let text = format!("{}:{}\n", new_suite.as_str(), hex::encode(key));
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                use std::io::Write;
                opts.open(&path).and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all())).map_err(io)?;
                text
            }
            Err(e) => return Err(io(e)),
        };
        let (suite, hexkey) = text.trim().split_once(':').ok_or_else(|| StoreError::Corrupt(format!("field key {}: expected <suite>:<hex>", path.display())))?;
        let suite: crypto::Suite = suite.parse().map_err(|e: crypto::CryptoError| StoreError::Corrupt(e.to_string()))?;
        let mut key = hex::decode(hexkey).map_err(|e| StoreError::Corrupt(format!("field key: {e}")))?;
        key.truncate(suite.provider().key_len());
        let c = std::sync::Arc::new(Self::new(suite, key)?);
        keyring().write().expect("keyring lock").insert(c.kid.clone(), c.clone());
        Ok(c)
    }

    /// `enc1:<kid>:<base64(nonce ‖ ciphertext ‖ tag)>`, bound to `context` (e.g. `case/person/field`).
    pub fn seal(&self, context: &str, plaintext: &str) -> Result<String, StoreError> {
        use base64::Engine;
        let p = self.suite.provider();
        let digest = p.hash(&[b"lianban-field-nonce/1".as_slice(), &self.key, context.as_bytes(), &[0], plaintext.as_bytes()].concat());
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&digest[..12]);
        let sealed = p
            .encrypt_with_nonce(&self.key, &nonce, context.as_bytes(), plaintext.as_bytes())
            .map_err(|e| StoreError::Corrupt(format!("field encryption: {e}")))?;
        Ok(format!("{SEALED_PREFIX}{}:{}", self.kid, base64::engine::general_purpose::STANDARD.encode(sealed)))
    }

    fn open_with(&self, context: &str, b64: &str) -> Result<String, StoreError> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| StoreError::Corrupt(format!("sealed field: {e}")))?;
        let plain = self
            .suite
            .provider()
            .decrypt(&self.key, context.as_bytes(), &bytes)
            .map_err(|e| StoreError::Corrupt(format!("sealed field {context}: {e}")))?;
        String::from_utf8(plain).map_err(|e| StoreError::Corrupt(format!("sealed field: {e}")))
    }
}

/// Opens a value sealed by any registered key; a plain value (older rows) passes through.
pub fn open_field(context: &str, value: &str) -> Result<String, StoreError> {
    let Some(rest) = value.strip_prefix(SEALED_PREFIX) else {
        return Ok(value.to_string());
    };
    let (kid, b64) = rest.split_once(':').ok_or_else(|| StoreError::Corrupt("sealed field without key id".into()))?;
    let c = keyring().read().expect("keyring lock").get(kid).cloned().ok_or_else(|| StoreError::Corrupt(format!("sealed field: unknown field key {kid}")))?;
    c.open_with(context, b64)
}

/// The personal fields of a person that are sealed at rest, in the case state and in a
/// registration event alike: the one rule both sealing and opening follow. Each is sealed under
/// its own context `case/{case_id}/person/{no}/{field}`, so a value moved to another person or
/// field does not open. `birth_date` is a date in the clear and a sealed string at rest, so
/// sealing and opening work on the JSON, before the types are read.
pub const SEALED_PERSON_FIELDS: &[&str] = &["id_card", "phone", "address", "birth_date"];

fn person_context(case_id: &str, no: u32, field: &str) -> String {
    format!("case/{case_id}/person/{no}/{field}")
}

/// Applies `f(context, value)` to every sealed field ([`SEALED_PERSON_FIELDS`]) of the persons
/// `persons` (a JSON array), replacing each string value with the result; `no(i, person)` is the
/// person's number. Nulls and absent members are left alone.
fn map_person_fields(
    persons: &mut serde_json::Value,
    case_id: &str,
    no: impl Fn(usize, &serde_json::Value) -> u32,
    f: &impl Fn(&str, &str) -> Result<String, StoreError>,
) -> Result<(), StoreError> {
    let Some(persons) = persons.as_array_mut() else { return Ok(()) };
    for (i, p) in persons.iter_mut().enumerate() {
        let n = no(i, p);
        let Some(obj) = p.as_object_mut() else { continue };
        for field in SEALED_PERSON_FIELDS {
            if let Some(serde_json::Value::String(v)) = obj.get_mut(*field) {
                *v = f(&person_context(case_id, n, field), v)?;
            }
        }
    }
    Ok(())
}

/// The sealed fields of a case state's JSON (persons carry their `no`).
fn map_state_fields(v: &mut serde_json::Value, f: &impl Fn(&str, &str) -> Result<String, StoreError>) -> Result<(), StoreError> {
    let case_id = v["id"].as_str().unwrap_or_default().to_string();
    if let Some(persons) = v.get_mut("persons") {
        map_person_fields(persons, &case_id, |i, p| p["no"].as_u64().map_or(i as u32 + 1, |n| n as u32), f)?;
    }
    Ok(())
}

/// The sealed fields of an event's JSON: the persons a registration names (the only action that
/// carries personal fields; person `no` = position + 1, the same context as in the case state).
fn map_event_fields(v: &mut serde_json::Value, f: &impl Fn(&str, &str) -> Result<String, StoreError>) -> Result<(), StoreError> {
    if v.pointer("/action/type").and_then(|t| t.as_str()) != Some("register") {
        return Ok(());
    }
    let case_id = v["case_id"].as_str().unwrap_or_default().to_string();
    if let Some(persons) = v.pointer_mut("/action/persons") {
        map_person_fields(persons, &case_id, |i, _| i as u32 + 1, f)?;
    }
    Ok(())
}

/// The state's JSON as stored: personal fields sealed.
pub(crate) fn seal_state_json(s: &domain::CaseState, c: &FieldCipher) -> Result<String, StoreError> {
    let mut v = serde_json::to_value(s).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    map_state_fields(&mut v, &|ctx, x| c.seal(ctx, x))?;
    Ok(v.to_string())
}

/// The `meta` key recording which person fields the stored case states have sealed.
const SEALED_FIELDS_META: &str = "sealed_person_fields";

/// Whether the stored case states must be rewritten: some still holds an ID number or birth date
/// in clear (written before sealing), or they were sealed under another list of fields than
/// [`SEALED_PERSON_FIELDS`].
pub(crate) async fn needs_resealing(pool: &sqlx::AnyPool, backend: crate::Backend) -> Result<bool, StoreError> {
    if crate::sql::meta(pool, SEALED_FIELDS_META).await?.as_deref() != Some(SEALED_PERSON_FIELDS.join(",").as_str()) {
        return Ok(true);
    }
    let n: i64 = sqlx::query_scalar(backend.count_unsealed_states())
        .fetch_one(pool)
        .await
        .map_err(StoreError::db)?;
    Ok(n > 0)
}

/// Records that the stored case states are sealed under [`SEALED_PERSON_FIELDS`].
pub(crate) async fn mark_sealed(pool: &sqlx::AnyPool) -> Result<(), StoreError> {
    crate::sql::set_meta(pool, SEALED_FIELDS_META, &SEALED_PERSON_FIELDS.join(",")).await
}

/// The event's JSON as stored in `events.body`: the personal fields a registration names sealed.
/// The ledger leaf is derived from the plaintext event, before sealing.
pub(crate) fn seal_event_value(v: &serde_json::Value, c: &FieldCipher) -> Result<serde_json::Value, StoreError> {
    let mut v = v.clone();
    map_event_fields(&mut v, &|ctx, x| c.seal(ctx, x))?;
    Ok(v)
}

/// Opens the sealed fields of a stored event's JSON (for `verify` and the ledger backfill,
/// which derive leaves from the plaintext); a plain value (older rows) passes through.
pub(crate) fn open_event_value(v: &mut serde_json::Value) -> Result<(), StoreError> {
    map_event_fields(v, &open_field)
}

/// Reads a stored JSON document into `T`, its sealed fields opened by `map` first. A document
/// with nothing sealed in it is read directly.
fn read_opened<T: serde::de::DeserializeOwned>(
    json: &str,
    what: &str,
    map: impl Fn(&mut serde_json::Value) -> Result<(), StoreError>,
) -> Result<T, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("{what}: {e}"));
    if !json.contains(SEALED_PREFIX) {
        return serde_json::from_str(json).map_err(corrupt);
    }
    let mut v: serde_json::Value = serde_json::from_str(json).map_err(corrupt)?;
    map(&mut v)?;
    serde_json::from_value(v).map_err(corrupt)
}

/// A stored event (`events.body`), its sealed fields opened.
pub(crate) fn open_event_json(json: &str) -> Result<domain::Event, StoreError> {
    read_opened(json, "event", open_event_value)
}

/// A stored case state (`cases.state`), its sealed fields opened.
pub(crate) fn open_state_json(json: &str) -> Result<domain::CaseState, StoreError> {
    read_opened(json, "case state", |v| map_state_fields(v, &open_field))
}

#[cfg(test)]
mod field_tests {
    use super::*;

    #[test]
    fn sealed_fields_round_trip_deterministically_and_bind_their_context() {
        let dir = tempfile::tempdir().unwrap();
        let c = FieldCipher::load_or_create(dir.path()).unwrap();
        let again = FieldCipher::load_or_create(dir.path()).unwrap();
        assert_eq!(c.kid, again.kid, "the key file is reused");
        let a = c.seal("case/x/person/1/id_card", "11010519491231002X").unwrap();
        assert!(a.starts_with("enc1:") && !a.contains("1101051949"));
        assert_eq!(a, c.seal("case/x/person/1/id_card", "11010519491231002X").unwrap(), "deterministic");
        assert_ne!(a, c.seal("case/y/person/1/id_card", "11010519491231002X").unwrap(), "bound to its context");
        assert_eq!(open_field("case/x/person/1/id_card", &a).unwrap(), "11010519491231002X");
        assert!(open_field("case/y/person/1/id_card", &a).is_err(), "moved to another person: refused");
        assert_eq!(open_field("any", "plain").unwrap(), "plain");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FIELD_KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

#[cfg(test)]
mod at_rest_tests {
    use crate::{Command, Durability, ManualClock, Store};
    use domain::action::PersonInput;
    use domain::{Action, AgencyKind, Level, Organization, Role, User};
    use std::sync::Arc;

    async fn raw_state(store: &Store, id: &str) -> String {
        sqlx::query_scalar("SELECT state FROM cases WHERE id = $1").bind(id.to_string()).fetch_one(&store.shared().read).await.unwrap()
    }

    #[tokio::test]
    async fn personal_fields_are_sealed_in_the_projection_and_old_rows_are_sealed_at_open() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("db");
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let store = Store::open(&db, Durability::Full, clock.clone()).await.unwrap();
        store
            .put_organization(&Organization { id: "p".into(), name: "公安".into(), kind: AgencyKind::Police, level: Level::County, jurisdiction: "1".into(), parent: None })
            .await
            .unwrap();
        store.put_user(&User { id: "o".into(), username: "o".into(), name: "民警".into(), org: "p".into(), role: Role::Officer, active: true }, None).await.unwrap();
        let action = Action::Register {
            title: "案".into(),
            facts: "事实".into(),
            charges: vec!["盗窃".into()],
            persons: vec![PersonInput {
                name: "甲".into(),
                id_card: Some("11010519491231002X".into()),
                gender: None,
                birth_date: chrono::NaiveDate::from_ymd_opt(1949, 12, 31),
                phone: Some("13812345678".into()),
                address: Some("临江市江北区滨江路8号".into()),
            }],
        };
        let clear = ["11010519491231002X", "1949-12-31", "13812345678", "滨江路"];
        let out = store.submit(Command::new("o", None, action)).await.unwrap();
        let id = out.state.id.clone();
        let raw = raw_state(&store, &id).await;
        assert!(clear.iter().all(|c| !raw.contains(c)), "sealed at rest: {raw}");
        let p = &store.case(&id).await.unwrap().unwrap().persons[0];
        assert_eq!(p.id_card.as_deref(), Some("11010519491231002X"));
        assert_eq!(p.phone.as_deref(), Some("13812345678"));
        assert_eq!(p.address.as_deref(), Some("临江市江北区滨江路8号"));
        assert_eq!(p.birth_date, chrono::NaiveDate::from_ymd_opt(1949, 12, 31));
        store.check_projections().await.unwrap();
        // A row written before sealing existed: plain JSON.
        let plain = serde_json::to_string(&store.case(&id).await.unwrap().unwrap()).unwrap();
        sqlx::query("UPDATE cases SET state = $1").bind(plain.clone()).execute(&store.shared().write).await.unwrap();
        assert!(raw_state(&store, &id).await.contains("11010519491231002X"));
        assert_eq!(store.case(&id).await.unwrap().unwrap().persons[0].phone.as_deref(), Some("13812345678"), "plain rows pass through");
        store.close().await;
        let store = Store::open(&db, Durability::Full, clock.clone()).await.unwrap();
        let raw = raw_state(&store, &id).await;
        assert!(clear.iter().all(|c| !raw.contains(c)), "sealed on open: {raw}");
        store.check_projections().await.unwrap();
        // Sealed under an older list of fields (phones, addresses, birth dates in clear, members
        // in the struct's order): rewritten once on open.
        // (No ID number or birth date in clear, so only the recorded list tells.)
        let mut older: serde_json::Value = serde_json::from_str(&plain).unwrap();
        older["persons"][0]["id_card"] = serde_json::Value::Null;
        older["persons"][0]["birth_date"] = serde_json::Value::Null;
        sqlx::query("UPDATE cases SET state = $1").bind(older.to_string()).execute(&store.shared().write).await.unwrap();
        assert!(raw_state(&store, &id).await.contains("13812345678"));
        sqlx::query("DELETE FROM meta WHERE key = 'sealed_person_fields'").execute(&store.shared().write).await.unwrap();
        store.close().await;
        let store = Store::open(&db, Durability::Full, clock).await.unwrap();
        let raw = raw_state(&store, &id).await;
        assert!(clear.iter().all(|c| !raw.contains(c)), "sealed on open: {raw}");
        store.check_projections().await.unwrap();
    }
}

/// Writes audit records inside the writer's transaction; their ids in order.
pub(crate) async fn insert_audits(conn: &mut sqlx::AnyConnection, backend: crate::Backend, recs: &[&AuditRecord]) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(recs.len());
    // Multi-row statements: a burst of audited reads is a few statements, not one per record.
    for chunk in crate::qb::pow2_chunks(recs, 128) {
        let mut b = crate::qb::QueryBuilder::new(backend, "INSERT INTO access_audit (at, kind, user_id, org, case_id, resource, reason, decision) ");
        b.push_values(chunk, |mut r, rec| {
            r.push_bind(ts(rec.at))
                .push_bind(rec.kind.clone())
                .push_bind(rec.user_id.clone())
                .push_bind(rec.org.clone())
                .push_bind(rec.case_id.clone())
                .push_bind(rec.resource.clone())
                .push_bind(rec.reason.clone())
                .push_bind(rec.decision.clone());
        });
        b.push(" RETURNING id");
        let mut got: Vec<i64> = b.build_query_scalar().fetch_all(&mut *conn).await.map_err(StoreError::db)?;
        // Ids are assigned in row order by the single writer; RETURNING's order is not promised.
        got.sort_unstable();
        if got.len() != chunk.len() {
            return Err(StoreError::Database(format!("{} audit rows inserted for {}", got.len(), chunk.len())));
        }
        ids.extend(got);
    }
    Ok(ids)
}
