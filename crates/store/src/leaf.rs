//! The canonical leaf bytes of an event (specified in docs/leaf-format.md).
//!
//! A leaf is the event's JSON with every sensitive string replaced by a salted SHA-256 hash,
//! wrapped with the format name and the leaf index, serialized canonically (RFC 8785 for the
//! values events use: objects with members sorted by key, no whitespace, integers only). The full
//! event stays in the `events` table; the leaf holds nothing a reader of the trace could not see.

use crypto::Suite;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The format name written into every leaf.
pub const LEAF_FORMAT: &str = "lianban-leaf/1";

/// Member names whose string values, anywhere inside the event's `action`, are replaced by their
/// salted hash. (`actor.name` is hashed too.) Adding a name here is a new leaf format version.
pub const SENSITIVE_ACTION_FIELDS: &[&str] =
    &["title", "facts", "reason", "sentencing_proposal", "judge", "name", "id_card", "birth_date", "phone", "address"];

/// Length of the per-event salt.
pub const SALT_LEN: usize = 32;

/// `"sha256:" ‖ hex(SHA-256(salt ‖ UTF-8(value)))`.
pub fn field_hash(salt: &[u8], value: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(value.as_bytes());
    format!("sha256:{}", hex::encode(h.finalize()))
}

/// The salted field hash of a suite: `"sha256:" ‖ hex(SHA-256(salt ‖ value))` (standard) or
/// `"sm3:" ‖ hex(SM3(salt ‖ value))` (national).
pub fn field_hash_in(suite: Suite, salt: &[u8], value: &str) -> String {
    match suite {
        Suite::Standard => field_hash(salt, value),
        Suite::National => {
            let mut h = suite.provider().hasher();
            h.update(salt);
            h.update(value.as_bytes());
            format!("sm3:{}", hex::encode(h.finalize()))
        }
    }
}

fn redact_in(suite: Suite, v: &mut Value, salt: &[u8]) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                match child {
                    Value::String(s) if SENSITIVE_ACTION_FIELDS.contains(&k.as_str()) => {
                        *child = Value::String(field_hash_in(suite, salt, s));
                    }
                    _ => redact_in(suite, child, salt),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| redact_in(suite, i, salt)),
        _ => {}
    }
}

/// The event JSON with its sensitive fields replaced by their salted hashes (standard suite).
pub fn redact(event: &Value, salt: &[u8]) -> Value {
    redact_in_suite(Suite::Standard, event, salt)
}

/// The event JSON with its sensitive fields replaced by the suite's salted hashes.
pub fn redact_in_suite(suite: Suite, event: &Value, salt: &[u8]) -> Value {
    let mut v = event.clone();
    if let Some(Value::String(name)) = v.pointer_mut("/actor/name") {
        *name = field_hash_in(suite, salt, name);
    }
    if let Some(action) = v.get_mut("action") {
        redact_in(suite, action, salt);
    }
    v
}

/// The leaf bytes of the event at `position`, from its JSON (as stored in `events.body`), in the
/// standard suite.
pub fn leaf_bytes(position: u64, event: &Value, salt: &[u8]) -> Result<Vec<u8>, String> {
    leaf_bytes_in(Suite::Standard, position, event, salt)
}

/// The leaf bytes of the event at `position` with the suite's field hashes.
pub fn leaf_bytes_in(suite: Suite, position: u64, event: &Value, salt: &[u8]) -> Result<Vec<u8>, String> {
    let mut wrapper = serde_json::Map::new();
    wrapper.insert("event".into(), redact_in_suite(suite, event, salt));
    wrapper.insert("format".into(), Value::String(LEAF_FORMAT.into()));
    wrapper.insert("position".into(), Value::from(position));
    let mut out = Vec::with_capacity(512);
    write_canonical(&Value::Object(wrapper), &mut out)?;
    Ok(out)
}

/// The format name written into every access-log leaf.
pub const ACCESS_FORMAT: &str = "lianban-access/1";

/// Members of an access record whose string values are replaced by their salted hash (free text:
/// the purpose given or the request path). Adding a name here is a new access format version.
pub const SENSITIVE_ACCESS_FIELDS: &[&str] = &["reason"];

/// One access-audit record as the access log sees it: the `access_audit` row's columns as text
/// (`at` exactly as stored, RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub user: Option<String>,
    pub org: Option<String>,
    pub case_id: Option<String>,
    pub resource: String,
    pub reason: String,
    pub decision: String,
}

/// The leaf bytes of the access record at `position` of the access log (docs/leaf-format.md §8),
/// standard suite.
pub fn access_leaf_bytes(position: u64, rec: &AccessEntry, salt: &[u8]) -> Result<Vec<u8>, String> {
    access_leaf_bytes_in(Suite::Standard, position, rec, salt)
}

/// The leaf bytes of an access record with the suite's field hashes.
pub fn access_leaf_bytes_in(suite: Suite, position: u64, rec: &AccessEntry, salt: &[u8]) -> Result<Vec<u8>, String> {
    let opt = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
    let mut record = serde_json::Map::new();
    record.insert("id".into(), Value::from(rec.id));
    record.insert("at".into(), Value::String(rec.at.clone()));
    record.insert("kind".into(), Value::String(rec.kind.clone()));
    record.insert("user".into(), opt(&rec.user));
    record.insert("org".into(), opt(&rec.org));
    record.insert("case_id".into(), opt(&rec.case_id));
    record.insert("resource".into(), Value::String(rec.resource.clone()));
    record.insert("reason".into(), Value::String(rec.reason.clone()));
    record.insert("decision".into(), Value::String(rec.decision.clone()));
    for (k, v) in record.iter_mut() {
        if let Value::String(text) = v
            && SENSITIVE_ACCESS_FIELDS.contains(&k.as_str())
        {
            *v = Value::String(field_hash_in(suite, salt, text));
        }
    }
    let mut wrapper = serde_json::Map::new();
    wrapper.insert("format".into(), Value::String(ACCESS_FORMAT.into()));
    wrapper.insert("position".into(), Value::from(position));
    wrapper.insert("record".into(), Value::Object(record));
    let mut out = Vec::with_capacity(320);
    write_canonical(&Value::Object(wrapper), &mut out)?;
    Ok(out)
}

/// RFC 8785 (JCS) serialization restricted to integers (a float is refused).
pub fn write_canonical(v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            if n.is_u64() || n.is_i64() {
                out.extend_from_slice(n.to_string().as_bytes());
            } else {
                return Err(format!("non-integer number {n} cannot be put in a leaf"));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // RFC 8785 §3.2.3: sort by the UTF-16 code units of the member names.
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (k, val)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_canonical(val, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{08}' => out.extend_from_slice(b"\\b"),
            '\u{0c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes()),
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_form_sorts_members_and_escapes_minimally() {
        let v = json!({"b": [1, -2, true, null], "a": "x\"\\\n\u{1}é张", "\u{e9}": 0, "z": {}});
        let mut out = Vec::new();
        write_canonical(&v, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":\"x\\\"\\\\\\n\\u0001é张\",\"b\":[1,-2,true,null],\"z\":{},\"é\":0}");
        assert!(write_canonical(&json!(1.5), &mut Vec::new()).is_err());
    }

    #[test]
    fn sensitive_fields_are_hashed_with_the_salt() {
        let salt = [7u8; SALT_LEN];
        let event = json!({
            "case_id": "LB-2025-000001", "seq": 1, "at": "2025-09-01T01:00:00Z",
            "actor": {"user": "officer", "name": "李警官", "org": "d1-police", "agency": "police", "role": "officer"},
            "action": {"type": "register", "title": "张三盗窃案", "facts": "事实", "charges": ["盗窃"],
                "persons": [{"name": "张三", "id_card": "11010519491231002X", "gender": "male", "birth_date": null}]}
        });
        let leaf = String::from_utf8(leaf_bytes(5, &event, &salt).unwrap()).unwrap();
        for secret in ["李警官", "张三", "事实", "11010519491231002X"] {
            assert!(!leaf.contains(secret), "{secret} leaked into {leaf}");
        }
        assert!(leaf.contains(&field_hash(&salt, "张三")));
        assert!(leaf.contains("\"charges\":[\"盗窃\"]"));
        assert!(leaf.contains("\"birth_date\":null"));
        assert!(leaf.starts_with("{\"event\":{\"action\":{"));
        assert!(leaf.ends_with(",\"format\":\"lianban-leaf/1\",\"position\":5}"));
        assert_ne!(leaf_bytes(5, &event, &[8u8; SALT_LEN]).unwrap(), leaf.as_bytes());
    }

    #[test]
    fn access_leaf_hashes_the_reason_and_keeps_the_rest() {
        let salt = [7u8; SALT_LEN];
        let rec = AccessEntry {
            id: 42,
            at: "2025-09-01T01:00:00Z".into(),
            kind: "read".into(),
            user: Some("prosecutor".into()),
            org: Some("d1-proc".into()),
            case_id: Some("LB-2025-000001".into()),
            resource: "personal_data".into(),
            reason: "审查逮捕需要核对张三身份".into(),
            decision: "allow".into(),
        };
        let leaf = String::from_utf8(access_leaf_bytes(3, &rec, &salt).unwrap()).unwrap();
        assert!(!leaf.contains("张三"), "{leaf}");
        assert_eq!(
            leaf,
            format!(
                "{{\"format\":\"lianban-access/1\",\"position\":3,\"record\":{{\"at\":\"2025-09-01T01:00:00Z\",\"case_id\":\"LB-2025-000001\",\"decision\":\"allow\",\"id\":42,\"kind\":\"read\",\"org\":\"d1-proc\",\"reason\":\"{}\",\"resource\":\"personal_data\",\"user\":\"prosecutor\"}}}}",
                field_hash(&salt, "审查逮捕需要核对张三身份")
            )
        );
        let anonymous = AccessEntry { user: None, org: None, case_id: None, ..rec };
        assert!(String::from_utf8(access_leaf_bytes(3, &anonymous, &salt).unwrap()).unwrap().contains("\"user\":null"));
    }
}
