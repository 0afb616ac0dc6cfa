//! Users: create, list, get, patch (versions, state changes, restore), delete (soft),
//! search, external ids, roles, routing skills and languages per user, queues per user —
//! one file per concern below; this module holds the routes and the lookups they share.

mod contacts;
mod crud;
mod external_ids;
mod extras;
mod proficiencies;
mod roles;
mod search;

use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult};
use crate::sim::paging::Query;
use crate::sim::routes::Expand;
use crate::sim::server::AppState;
use crate::sim::state::{Org, User, user_state_from_str};
use axum::Router;
use axum::routing::{get, patch, post, put};
use crud::{create_user, delete_user, get_user, list_users, patch_user};
use external_ids::{
    add_external_id, delete_external_id, list_external_ids, list_external_ids_by_authority,
    user_by_external_id,
};
use extras::{get_user_queues, invite, patch_user_queue, set_password};
use proficiencies::{
    delete_language, delete_skill, get_languages, get_skills, patch_language, patch_languages_bulk,
    patch_skills_bulk, post_language, post_skill, put_skill, put_skills_bulk,
};
use roles::{get_user_roles, put_user_roles};
use search::{search_q64, search_users};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/users", post(create_user).get(list_users))
        .route("/api/v2/users/search", post(search_users).get(search_q64))
        .route(
            "/api/v2/users/{userId}",
            get(get_user).patch(patch_user).delete(delete_user),
        )
        .route(
            "/api/v2/users/externalid/{authorityName}/{externalKey}",
            get(user_by_external_id),
        )
        .route(
            "/api/v2/users/{userId}/externalid",
            get(list_external_ids).post(add_external_id),
        )
        .route(
            "/api/v2/users/{userId}/externalid/{authorityName}",
            get(list_external_ids_by_authority),
        )
        .route(
            "/api/v2/users/{userId}/externalid/{authorityName}/{externalKey}",
            axum::routing::delete(delete_external_id),
        )
        .route(
            "/api/v2/users/{userId}/roles",
            get(get_user_roles).put(put_user_roles),
        )
        .route(
            "/api/v2/users/{userId}/routingskills",
            get(get_skills).post(post_skill),
        )
        .route(
            "/api/v2/users/{userId}/routingskills/bulk",
            patch(patch_skills_bulk).put(put_skills_bulk),
        )
        .route(
            "/api/v2/users/{userId}/routingskills/{skillId}",
            put(put_skill).delete(delete_skill),
        )
        .route(
            "/api/v2/users/{userId}/routinglanguages",
            get(get_languages).post(post_language),
        )
        .route(
            "/api/v2/users/{userId}/routinglanguages/bulk",
            patch(patch_languages_bulk),
        )
        .route(
            "/api/v2/users/{userId}/routinglanguages/{languageId}",
            patch(patch_language).delete(delete_language),
        )
        .route("/api/v2/users/{userId}/queues", get(get_user_queues))
        .route(
            "/api/v2/users/{userId}/queues/{queueId}",
            patch(patch_user_queue),
        )
        .route("/api/v2/users/{userId}/invite", post(invite))
        .route("/api/v2/users/{userId}/password", post(set_password))
}

// ---- helpers ----------------------------------------------------------------------------

/// A user that is not deleted, or 404.
pub fn live_user<'a>(org: &'a Org, id: &str) -> ApiResult<&'a User> {
    match org.user(id) {
        Some(u) if u.state != UserState::Deleted => Ok(u),
        _ => Err(ApiError::not_found("user", id)),
    }
}

pub(super) fn live_index(org: &Org, id: &str) -> ApiResult<usize> {
    match org.index_of(id) {
        Some(i) if org.users[i].state != UserState::Deleted => Ok(i),
        _ => Err(ApiError::not_found("user", id)),
    }
}

pub(super) fn parse_state(s: &str, field: &str) -> ApiResult<UserState> {
    user_state_from_str(s).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("'{s}' is not a valid state (active, inactive, deleted)"),
            None,
        )
    })
}

pub(super) fn expand_of(q: &Query) -> Expand {
    let v = q.all("expand");
    Expand::parse(v.iter().map(String::as_str))
}
