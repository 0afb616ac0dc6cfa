//! API errors in the real `ErrorBody` shape. Handlers return [`ApiError`]; the middleware
//! renders it with the request's correlation id as `contextId`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Value>,
    pub entity_id: Option<String>,
    /// `entity_id` is the id of an object the request referred to (in its path or body), so
    /// a rejected write whose id this org does not know counts in `/__sim/stats`
    /// `writes_with_unknown_ids`. False for entities that are not object ids (external ids).
    pub id_ref: bool,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            entity_id: None,
            id_ref: false,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad.request", message)
    }
    /// 400 `invalid.value` naming the field (and the offending id, if any).
    pub fn invalid(field: &str, message: impl Into<String>, entity: Option<&str>) -> Self {
        let mut d = json!({"errorCode": "invalid.value", "fieldName": field});
        if let Some(e) = entity {
            d["entityId"] = json!(e);
        }
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid.value", message);
        e.details.push(d);
        e.entity_id = entity.map(str::to_string);
        e.id_ref = entity.is_some();
        e
    }
    /// 400 `invalid.id`: the field names an object that does not exist (or of the wrong
    /// kind, e.g. a flow of another type).
    pub fn invalid_id(field: &str, message: impl Into<String>, entity: Option<&str>) -> Self {
        let mut e = Self::invalid(field, message, entity);
        e.code = "invalid.id";
        if let Some(d) = e.details.first_mut() {
            d["errorCode"] = json!("invalid.id");
        }
        e
    }
    /// 400 `required.field.missing`.
    pub fn missing(field: &str) -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "required.field.missing",
            format!("The field '{field}' is required."),
        );
        e.details
            .push(json!({"errorCode": "required.field.missing", "fieldName": field}));
        e
    }
    pub fn not_found(what: &str, id: &str) -> Self {
        let mut e = Self::new(
            StatusCode::NOT_FOUND,
            "not.found",
            format!("The requested {what} was not found: {id}"),
        );
        e.entity_id = Some(id.to_string());
        e.id_ref = true;
        e
    }
    /// The same error, its entity not an object id (e.g. an external id `authority/key`).
    pub fn not_an_id(mut self) -> Self {
        self.id_ref = false;
        self
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "general.conflict", message)
    }

    /// The JSON body, with `contextId`.
    pub fn body(&self, context_id: &str) -> Value {
        let mut b = json!({
            "message": self.message,
            "code": self.code,
            "status": self.status.as_u16(),
            "messageWithParams": self.message,
            "messageParams": {},
            "contextId": context_id,
            "details": self.details,
            "errors": [],
        });
        if let Some(id) = &self.entity_id {
            b["entityId"] = json!(id);
        }
        b
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        r.extensions_mut().insert(self);
        r
    }
}

/// Rejects bodies that are not JSON of the expected shape with the real 400 body.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad.request",
            format!(
                "The request could not be understood by the server due to malformed syntax: {e}"
            ),
        )
    })
}
