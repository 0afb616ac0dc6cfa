//! External ids of a user: look up by id, list, add, delete.

use super::{expand_of, live_index, live_user};
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::Query;
use crate::sim::routes::{no_content, ok, user_json};
use crate::sim::seed::SeedExternalId;
use crate::sim::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

// ---- external ids -------------------------------------------------------------------

pub(super) fn ext_json(user_id: &str, e: &SeedExternalId) -> Value {
    json!({"authorityName": e.authority_name, "externalKey": e.external_key,
           "selfUri": format!("/api/v2/users/{user_id}/externalid/{}/{}", e.authority_name, e.external_key)})
}

pub(super) async fn user_by_external_id(
    State(s): State<AppState>,
    Path((auth, key)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let ex = expand_of(&q);
    s.read(|org| {
        org.users
            .iter()
            .find(|u| {
                u.state != UserState::Deleted
                    && u.external_ids
                        .iter()
                        .any(|e| e.authority_name == auth && e.external_key == key)
            })
            .map(|u| ok(user_json(org, u, ex)))
            .ok_or_else(|| ApiError::not_found("external id", &format!("{auth}/{key}")).not_an_id())
    })
}

pub(super) async fn list_external_ids(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    s.read(|org| {
        let u = live_user(org, &id)?;
        Ok(ok(json!(
            u.external_ids
                .iter()
                .map(|e| ext_json(&id, e))
                .collect::<Vec<_>>()
        )))
    })
}

pub(super) async fn list_external_ids_by_authority(
    State(s): State<AppState>,
    Path((id, auth)): Path<(String, String)>,
) -> ApiResult<Response> {
    s.read(|org| {
        let u = live_user(org, &id)?;
        // The SDK models this response as one UserExternalIdentifier.
        u.external_ids
            .iter()
            .find(|e| e.authority_name == auth)
            .map(|e| ok(ext_json(&id, e)))
            .ok_or_else(|| ApiError::not_found("external id", &auth).not_an_id())
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExternalIdIn {
    authority_name: Option<String>,
    external_key: Option<String>,
}

pub(super) async fn add_external_id(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: ExternalIdIn = parse_body(&body)?;
    let auth = b
        .authority_name
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::missing("authorityName"))?;
    let key = b
        .external_key
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::missing("externalKey"))?;
    s.write(|org| {
        let i = live_index(org, &id)?;
        if let Some(other) = org.users.iter().find(|u| {
            u.id != id
                && u.state != UserState::Deleted
                && u.external_ids
                    .iter()
                    .any(|e| e.authority_name == auth && e.external_key == key)
        }) {
            let mut e = ApiError::conflict(format!(
                "The external id {auth}/{key} belongs to another user."
            ));
            e.entity_id = Some(other.id.clone());
            return Err(e);
        }
        let u = &mut org.users[i];
        if !u
            .external_ids
            .iter()
            .any(|e| e.authority_name == auth && e.external_key == key)
        {
            if u.external_ids.len() >= 100 {
                return Err(ApiError::bad_request(
                    "A user can have at most 100 external ids.",
                ));
            }
            u.external_ids.push(SeedExternalId {
                authority_name: auth.clone(),
                external_key: key.clone(),
            });
        }
        // One object, not the list the SDK declares: Terraform decodes a single
        // UserExternalIdentifier here (docs/genesys-api-notes.md §11.1).
        Ok(ok(ext_json(
            &id,
            &SeedExternalId {
                authority_name: auth,
                external_key: key,
            },
        )))
    })
}

pub(super) async fn delete_external_id(
    State(s): State<AppState>,
    Path((id, auth, key)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    s.write(|org| {
        let i = live_index(org, &id)?;
        let u = &mut org.users[i];
        let before = u.external_ids.len();
        u.external_ids
            .retain(|e| !(e.authority_name == auth && e.external_key == key));
        if u.external_ids.len() == before {
            return Err(ApiError::not_found("external id", &format!("{auth}/{key}")).not_an_id());
        }
        Ok(no_content())
    })
}
