//! [`ApiError`]: every failure the client can meet, as a value a person (and the engine)
//! can act on.

use crate::model::{StepResult, StepStatus, sanitize};
use serde::Deserialize;

/// What kind of failure it is; the engine decides on this, people read the `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A non-idempotent write was sent and no answer came back (timeout, dropped
    /// connection, 5xx): it may or may not have been applied. Look before writing again.
    OutcomeUnknown,
    /// 401, or the token endpoint refused the client id/secret.
    Unauthorized,
    /// 403: the OAuth client lacks a permission or division.
    Forbidden,
    /// 404.
    NotFound,
    /// 409 on a create (e.g. `general.conflict` on a duplicate email).
    Conflict,
    /// Any 409 on a PATCH/PUT/DELETE, or a 400 "does not match the current version":
    /// re-read and re-apply.
    VersionConflict,
    /// Other 4xx (validation etc.).
    BadRequest,
    /// 429 that persisted through the retries, or a Retry-After beyond the allowed wait.
    RateLimited,
    /// 5xx that persisted through the retries.
    Server,
    /// Connection failures or timeouts on requests that were retried (or cannot be).
    Network,
    /// A response body that could not be read as the expected JSON.
    Decode,
    /// Bad configuration (URL, region, missing credentials) — before any request.
    Config,
}

/// One `details[]` entry of a Genesys error body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorDetail {
    pub error_code: Option<String>,
    pub field_name: Option<String>,
    pub entity_id: Option<String>,
    pub entity_name: Option<String>,
}

/// The Genesys error body (`ErrorBody`), read tolerantly. OAuth errors use `error` and
/// `error_description`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub message: Option<String>,
    pub code: Option<String>,
    pub context_id: Option<String>,
    #[serde(deserialize_with = "super::dto::nullable")]
    pub details: Vec<ErrorDetail>,
    #[serde(deserialize_with = "super::dto::nullable")]
    pub errors: Vec<serde_json::Value>,
    pub error: Option<String>,
    #[serde(rename = "error_description")]
    pub error_description: Option<String>,
    pub description: Option<String>,
}

/// A failed API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// HTTP status, when an answer came back.
    pub status: Option<u16>,
    /// Genesys error `code`, e.g. `general.conflict`.
    pub code: Option<Box<str>>,
    pub message: String,
    /// `contextId` from the body, else the `ININ-Correlation-Id` header.
    pub context_id: Option<Box<str>>,
    pub details: Vec<ErrorDetail>,
    /// The request as `METHOD /api/v2/path/{template}` (no ids, no bodies, no secrets).
    pub request: String,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl ApiError {
    pub fn new(kind: ErrorKind, request: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            status: None,
            code: None,
            message: message.into(),
            context_id: None,
            details: Vec::new(),
            request: request.into(),
            attempts: 0,
        }
    }

    /// A configuration problem found before any request was sent.
    pub fn config(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::Config, "", message)
    }

    /// Build from an HTTP error answer.
    pub(crate) fn from_response(
        status: u16,
        body: &[u8],
        correlation: Option<String>,
        request: &str,
        attempts: u32,
    ) -> Self {
        let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
        let message = parsed
            .message
            .clone()
            .or(parsed.error_description.clone())
            .or(parsed.description.clone())
            .or(parsed.error.clone())
            .unwrap_or_else(|| {
                let text = String::from_utf8_lossy(body);
                let text = text.trim();
                if text.is_empty() || text.len() > 300 {
                    format!("HTTP {status}")
                } else {
                    text.to_string()
                }
            });
        let code: Option<Box<str>> = parsed.code.clone().or(parsed.error.clone()).map(Into::into);
        let kind = classify(status, code.as_deref(), &message, request);
        ApiError {
            kind,
            status: Some(status),
            code,
            message,
            context_id: parsed.context_id.or(correlation).map(Into::into),
            details: parsed.details,
            request: request.to_string(),
            attempts,
        }
    }

    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }

    /// The error as a failed (or unknown-outcome) step of the run report.
    pub fn step_result(&self, step: crate::model::Step) -> StepResult {
        StepResult {
            step,
            status: if self.kind == ErrorKind::OutcomeUnknown {
                StepStatus::Unknown
            } else {
                StepStatus::Failed
            },
            http_status: self.status,
            code: self.code.as_deref().map(str::to_string),
            message: Some(self.step_message()),
            context_id: self.context_id.as_deref().map(str::to_string),
            attempts: self.attempts,
            request: if self.request.is_empty() {
                None
            } else {
                Some(self.request.clone())
            },
        }
    }

    /// The message for a step of the report: the API's own message, the fields it names
    /// and what to do — the request, status, code and context id have their own fields.
    pub fn step_message(&self) -> String {
        let mut m = self.message.clone();
        let fields: Vec<&str> = self
            .details
            .iter()
            .filter_map(|d| d.field_name.as_deref())
            .collect();
        if !fields.is_empty() {
            m.push_str(&format!(" [fields: {}]", fields.join(", ")));
        }
        if let Some(h) = self.hint() {
            m.push_str(&format!(" — {h}"));
        }
        m
    }

    /// What a person should do about it.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.kind {
            ErrorKind::OutcomeUnknown => {
                "the request was sent but no answer came back; it may have been applied — look the object up before writing again"
            }
            ErrorKind::Unauthorized => {
                "check the client id and secret (run `onboard login` again) and that the OAuth client is a Client Credentials grant in this region"
            }
            ErrorKind::Forbidden => {
                "give the OAuth client's role the missing permission (and the division), then retry"
            }
            ErrorKind::RateLimited => {
                "the org's API rate limit was hit repeatedly; wait a minute or lower --concurrency, then retry"
            }
            ErrorKind::Server => "Genesys Cloud had a server error; retry later",
            ErrorKind::Network => {
                "check the network connection and the --region / --api-url, then retry"
            }
            ErrorKind::VersionConflict => {
                "the object changed meanwhile; re-read it and apply the change again"
            }
            ErrorKind::Decode => {
                "the answer had an unexpected shape; report this with the context id"
            }
            _ => return None,
        })
    }
}

/// Map status + code + message (+ the request's method) to a kind.
///
/// Version conflicts follow Terraform's `IsVersionMismatch` (docs/genesys-api-notes.md §11.5): any 409
/// on a PATCH/PUT/DELETE of an existing object, whatever its code or message (the real
/// message does not always say "version"), and a 400 saying "does not match the current
/// version". A 409 on a POST (a create) keeps its meaning: `general.conflict`, a duplicate.
fn classify(status: u16, code: Option<&str>, message: &str, request: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    let stale = lower.contains("does not match the current version");
    let code_says_version = code.is_some_and(|c| c.to_ascii_lowercase().contains("version"));
    let is_update = ["PATCH ", "PUT ", "DELETE "]
        .iter()
        .any(|m| request.starts_with(m))
        && !versionless(request);
    match status {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 if is_update || stale || code_says_version => ErrorKind::VersionConflict,
        409 => ErrorKind::Conflict,
        400 if stale => ErrorKind::VersionConflict,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::BadRequest,
    }
}

/// Objects that carry no `version` (a queue and its sub-resources: the README's "Queue rows"): a 409
/// on their update cannot be a version conflict — it is a conflict of content (a name in
/// use), and re-sending the same body would meet it again.
fn versionless(request: &str) -> bool {
    request
        .split_once(' ')
        .is_some_and(|(_, path)| path.starts_with("/api/v2/routing/queues"))
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.request.is_empty() {
            write!(f, "{}: ", self.request)?;
        }
        if let Some(s) = self.status {
            write!(f, "HTTP {s} ")?;
        }
        if let Some(c) = &self.code {
            write!(f, "{} ", sanitize(c))?;
        }
        if self.status.is_some() || self.code.is_some() {
            f.write_str("— ")?;
        }
        f.write_str(&sanitize(&self.message))?;
        let fields: Vec<String> = self
            .details
            .iter()
            .filter_map(|d| {
                let field = d.field_name.as_deref()?;
                Some(match &d.error_code {
                    Some(c) => format!("{} ({})", sanitize(field), sanitize(c)),
                    None => sanitize(field).into_owned(),
                })
            })
            .collect();
        if !fields.is_empty() {
            write!(f, " [fields: {}]", fields.join(", "))?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        if let Some(c) = &self.context_id {
            write!(f, " (contextId {})", sanitize(c))?;
        }
        if let Some(h) = self.hint() {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_genesys_error_bodies() {
        let body = br#"{"message":"User with email a@b.c already exists","code":"general.conflict","status":409,"contextId":"ctx-1","details":[{"errorCode":"dup","fieldName":"email"}],"errors":[]}"#;
        let e = ApiError::from_response(409, body, Some("hdr".into()), "POST /api/v2/users", 1);
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert_eq!(e.context_id.as_deref(), Some("ctx-1"));
        let s = e.to_string();
        assert!(
            s.starts_with("POST /api/v2/users: HTTP 409 general.conflict — User with email"),
            "{s}"
        );
        assert!(s.contains("[fields: email (dup)]"), "{s}");

        let v = ApiError::from_response(
            400,
            br#"{"message":"The version supplied does not match the current version of the user","code":"bad.request"}"#,
            None,
            "PATCH /api/v2/users/{userId}",
            1,
        );
        assert_eq!(v.kind, ErrorKind::VersionConflict);
        let v = ApiError::from_response(
            409,
            b"",
            Some("corr".into()),
            "PATCH /api/v2/users/{userId}",
            1,
        );
        assert_eq!(v.kind, ErrorKind::VersionConflict);
        assert_eq!(v.context_id.as_deref(), Some("corr"));
        // Any 409 on an update is a version conflict, even as `general.conflict` without the
        // word "version"; on a create it stays a conflict.
        let g = ApiError::from_response(
            409,
            br#"{"message":"The user was modified by another request.","code":"general.conflict"}"#,
            None,
            "PATCH /api/v2/users/{userId}",
            1,
        );
        assert_eq!(g.kind, ErrorKind::VersionConflict);
        // A queue has no version: a 409 on its PUT is a conflict (a name in use), not stale.
        let q = ApiError::from_response(
            409,
            br#"{"message":"name in use","code":"general.conflict"}"#,
            None,
            "PUT /api/v2/routing/queues/{queueId}",
            1,
        );
        assert_eq!(q.kind, ErrorKind::Conflict);
        let c = ApiError::from_response(
            409,
            br#"{"message":"conflict","code":"general.conflict"}"#,
            None,
            "POST /api/v2/users",
            1,
        );
        assert_eq!(c.kind, ErrorKind::Conflict);
        let other400 = ApiError::from_response(
            400,
            br#"{"message":"version is required","code":"required.field.missing"}"#,
            None,
            "PATCH /api/v2/users/{userId}",
            1,
        );
        assert_eq!(other400.kind, ErrorKind::BadRequest);
        let n = ApiError::from_response(
            404,
            br#"{"message":"x","code":"not.found"}"#,
            None,
            "GET /x",
            1,
        );
        assert_eq!(n.kind, ErrorKind::NotFound);
        let a = ApiError::from_response(
            401,
            br#"{"error":"invalid_client","description":"bad","error_description":"client authentication failed"}"#,
            None,
            "POST /oauth/token",
            1,
        );
        assert_eq!(a.kind, ErrorKind::Unauthorized);
        assert!(a.to_string().contains("client authentication failed"));
    }

    #[test]
    fn display_neutralizes_control_characters() {
        let e = ApiError::from_response(
            400,
            br#"{"message":"bad \u001b[31m name"}"#,
            None,
            "GET /x",
            1,
        );
        assert!(!e.to_string().contains('\u{1b}'));
    }
}
