//! API errors: a status, a machine code, a Chinese message, the field at fault and the article.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::RefusalKind;
use serde_json::json;
use store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub citation: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None, citation: None }
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "请先登录")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// A case the user may not see is reported as absent: its existence is not revealed.
    pub fn case_not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("案件“{id}”不存在或无权查看"))
    }
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
        e.field = Some(field.into());
        e
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(r) => {
                let (status, code) = match r.kind {
                    RefusalKind::WrongAgency | RefusalKind::WrongRole => (StatusCode::FORBIDDEN, "forbidden"),
                    RefusalKind::WrongStage | RefusalKind::LimitReached | RefusalKind::Timing => (StatusCode::CONFLICT, "refused"),
                    RefusalKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
                    RefusalKind::NotFound => (StatusCode::NOT_FOUND, "not_found"),
                };
                ApiError { status, code, message: r.text(), field: r.field.clone(), citation: r.citation.map(|c| c.to_string()) }
            }
            StoreError::NotFound(what) => ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("未找到：{what}")),
            StoreError::VersionConflict { expected, actual, .. } => ApiError {
                field: Some("expected_version".into()),
                ..ApiError::new(StatusCode::CONFLICT, "version_conflict", format!("案件已被他人更新（当前版本{actual}，请求基于版本{expected}），请刷新后重试"))
            },
            StoreError::RequestIdReused(id) => ApiError {
                field: Some("request_id".into()),
                ..ApiError::new(StatusCode::CONFLICT, "request_id_reused", format!("请求编号“{id}”已用于另一操作"))
            },
            StoreError::Invalid { field, message } => ApiError::invalid(field, message),
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后重试")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "field": self.field,
                "citation": self.citation,
            }
        });
        (self.status, axum::Json(body)).into_response()
    }
}
