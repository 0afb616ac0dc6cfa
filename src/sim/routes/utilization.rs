//! A user's utilization (`/api/v2/routing/users/{userId}/utilization`, the clone's opt-in
//! `utilization` group): GET answers the user's own settings over the org's defaults, PUT
//! stores the media types it sends, DELETE returns the user to the org's defaults.

use super::{no_content, ok};
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::server::AppState;
use crate::sim::state::User;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};

/// Media types a utilization may name, with the org's default maximum capacity of each
/// (the simulator's choice; the real org's defaults are UNVERIFIED, ORG.md).
const MEDIA_DEFAULTS: [(&str, u64); 6] = [
    ("call", 1),
    ("callback", 1),
    ("chat", 4),
    ("email", 1),
    ("message", 4),
    ("workitem", 1),
];

/// The highest `maximumCapacity` the simulator accepts (UNVERIFIED).
const MAX_CAPACITY: u64 = 25;

fn default_media(capacity: u64) -> Value {
    json!({"maximumCapacity": capacity, "interruptableMediaTypes": [], "includeNonAcd": false})
}

/// An `AgentMaxUtilizationResponse`: every media type, the user's own where set (`level`
/// `Agent`), else the org's defaults (`level` `Organization`).
fn utilization_json(u: &User) -> Value {
    let own = u
        .utilization
        .as_ref()
        .and_then(|v| v.get("utilization"))
        .and_then(Value::as_object);
    let mut media = Map::new();
    for (name, capacity) in MEDIA_DEFAULTS {
        let v = own
            .and_then(|o| o.get(name))
            .cloned()
            .unwrap_or_else(|| default_media(capacity));
        media.insert(name.to_string(), v);
    }
    json!({"utilization": media, "labelUtilizations": {},
           "level": if own.is_some() { "Agent" } else { "Organization" }})
}

/// The `utilization` map of a `UtilizationRequest`, each media type known and each setting
/// in range; stored normalised (every field present).
fn check_request(body: &Value) -> ApiResult<Value> {
    let Some(map) = body.get("utilization").and_then(Value::as_object) else {
        return Err(ApiError::missing("utilization"));
    };
    let known = |m: &str| MEDIA_DEFAULTS.iter().any(|(n, _)| *n == m);
    let mut out = Map::new();
    for (media, setting) in map {
        let field = format!("utilization.{media}");
        if !known(media) {
            return Err(ApiError::invalid(
                &field,
                format!(
                    "Unknown media type {media} (call, callback, chat, email, message, workitem)."
                ),
                None,
            ));
        }
        let capacity = setting
            .get("maximumCapacity")
            .and_then(Value::as_u64)
            .filter(|c| *c <= MAX_CAPACITY)
            .ok_or_else(|| {
                ApiError::invalid(
                    &format!("{field}.maximumCapacity"),
                    format!("maximumCapacity must be a whole number from 0 to {MAX_CAPACITY}."),
                    None,
                )
            })?;
        let interruptable: Vec<Value> = match setting.get("interruptableMediaTypes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) if a.iter().all(|m| m.as_str().is_some_and(known)) => a.clone(),
            Some(_) => {
                return Err(ApiError::invalid(
                    &format!("{field}.interruptableMediaTypes"),
                    "interruptableMediaTypes must list known media types.",
                    None,
                ));
            }
        };
        let non_acd = setting
            .get("includeNonAcd")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        out.insert(
            media.clone(),
            json!({"maximumCapacity": capacity, "interruptableMediaTypes": interruptable,
                   "includeNonAcd": non_acd}),
        );
    }
    Ok(json!({"utilization": out}))
}

/// `GET /routing/users/{id}/utilization`.
pub(super) async fn get_utilization(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    s.read(|org| {
        let u = super::users::live_user(org, &id)?;
        Ok(ok(utilization_json(u)))
    })
}

/// `PUT /routing/users/{id}/utilization` (`UtilizationRequest`) → the new settings. Only
/// the media types sent become the user's own ("Include only those media types requiring
/// custom configuration", PY RoutingApi); the others follow the org.
pub(super) async fn put_utilization(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: Value = parse_body(&body)?;
    let own = check_request(&b)?;
    s.write(|org| {
        let i = super::users::live_index(org, &id)?;
        org.users[i].utilization = Some(own);
        Ok(ok(utilization_json(&org.users[i])))
    })
}

/// `DELETE /routing/users/{id}/utilization` → 204; the user follows the org again.
pub(super) async fn delete_utilization(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    s.write(|org| {
        let i = super::users::live_index(org, &id)?;
        org.users[i].utilization = None;
        Ok(no_content())
    })
}
