//! A JSON body extractor whose errors name the field and the rule.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

/// Parses JSON, reporting the path of the offending field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            let mut err = ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("请求体不是合法的JSON：{inner}"));
            err.field = Some("body".into());
            err
        } else {
            let mut field = if path == "." { "body".to_string() } else { path };
            // Internally tagged enums (`{"type": ...}`) hide the path inside the variant; serde
            // still names the field in "missing field `x`" and "unknown field `x`".
            let msg = inner.to_string();
            if let Some(name) = msg.split('`').nth(1).filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field")) {
                if !field.ends_with(name) {
                    field = format!("{field}.{name}");
                }
            }
            ApiError::invalid(field.clone(), format!("字段 {field} 无效：{inner}"))
        }
    })
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
