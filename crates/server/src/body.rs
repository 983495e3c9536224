//! JSON body and query-string extractors whose errors name the field and the rule.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

fn malformed(detail: impl std::fmt::Display) -> ApiError {
    let mut err = ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("请求体不是合法的JSON：{detail}"));
    err.field = Some("body".into());
    err
}

/// Parses JSON (one value, nothing after it), reporting the path of the offending field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = deserialize(&mut de)?;
    de.end().map_err(malformed)?;
    Ok(value)
}

fn deserialize<'de, T: DeserializeOwned, D: serde::Deserializer<'de, Error = serde_json::Error>>(de: D) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            malformed(inner)
        } else {
            let mut field = if path == "." { "body".to_string() } else { path };
            // Internally tagged enums (`{"type": ...}`) hide the path inside the variant; serde
            // still names the field in "missing field `x`" and "unknown field `x`".
            let msg = inner.to_string();
            if let Some(name) = msg.split('`').nth(1).filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
                && !field.ends_with(name)
            {
                field = format!("{field}.{name}");
            }
            ApiError::invalid(field.clone(), format!("字段 {field} 无效：{inner}"))
        }
    })
}

/// Deserializes an already parsed JSON value, reporting the path of the offending field.
pub fn from_value<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
    deserialize(v)
}

/// The unknown fields of `input` — members that `parsed` (what the input deserialized to, written
/// back as JSON) does not have — as paths. Serde's `deny_unknown_fields` misses them inside
/// variants without fields and inside internally tagged enums.
pub fn unknown_fields(input: &serde_json::Value, parsed: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match (input, parsed) {
        (Value::Object(i), Value::Object(p)) => {
            for (k, v) in i {
                let here = format!("{path}.{k}");
                match p.get(k) {
                    None => out.push(here),
                    Some(pv) => unknown_fields(v, pv, &here, out),
                }
            }
        }
        (Value::Array(i), Value::Array(p)) => {
            for (n, (v, pv)) in i.iter().zip(p).enumerate() {
                unknown_fields(v, pv, &format!("{path}[{n}]"), out);
            }
        }
        _ => {}
    }
}

/// A query string whose errors name the parameter, as a JSON error like every other.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|e| {
            let path = e.path().to_string();
            let msg = e.into_inner().to_string();
            let named = msg.split('`').nth(1).filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"));
            let field = match (named, path.as_str()) {
                (Some(n), _) => n.to_string(),
                (None, "." | "") => "query".to_string(),
                (None, p) => p.to_string(),
            };
            ApiError::invalid(field.clone(), format!("查询参数 {field} 无效：{msg}"))
        })
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let mut err = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("请求体过大或无法读取：{e}"));
            err.field = Some("body".into());
            err
        })?;
        parse(&bytes).map(ApiJson)
    }
}
