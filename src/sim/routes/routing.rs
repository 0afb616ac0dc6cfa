//! Routing: skills, languages, the wrap-up code listing. Queues live in `queues.rs`.

use super::ok;
use crate::sim::error::{ApiError, ApiResult};
use crate::sim::paging::{Query, name_filter, page_listing};
use crate::sim::server::AppState;
use crate::sim::state::Named;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/routing/skills", get(list_skills))
        .route("/api/v2/routing/skills/{skillId}", get(get_skill))
        .route("/api/v2/routing/languages", get(list_languages))
        .route("/api/v2/routing/languages/{languageId}", get(get_language))
}

/// Kept here too: other route files read a queue's body through this path.
pub use super::queues::queue_json;

const DATE: &str = "2026-01-05T09:00:00.000Z";

fn named_json(n: &Named, kind: &str) -> Value {
    json!({"id": n.id, "name": n.name, "dateModified": DATE, "state": "active", "version": "1",
           "selfUri": format!("/api/v2/routing/{kind}/{}", n.id)})
}

fn list_named(items: &[Named], kind: &str, uri: &Uri, raw: Option<String>) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let name = q.get("name");
    let ids = q.all("id");
    let mut matched: Vec<&Named> = items
        .iter()
        .filter(|n| name_filter(&n.name, name))
        .filter(|n| ids.is_empty() || ids.contains(&n.id))
        .collect();
    if q.get("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("DESC") || o.eq_ignore_ascii_case("descending"))
    {
        matched.sort_by(|a, b| b.name.cmp(&a.name));
    }
    Ok(ok(page_listing(
        &matched,
        page,
        uri.path(),
        &q,
        false,
        |n| named_json(n, kind),
    )))
}

async fn list_skills(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    s.read(|org| list_named(&org.skills, "skills", &uri, raw))
}
async fn list_languages(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    s.read(|org| list_named(&org.languages, "languages", &uri, raw))
}
async fn get_skill(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.skill(&id)
            .map(|n| ok(named_json(n, "skills")))
            .ok_or_else(|| ApiError::not_found("skill", &id))
    })
}
async fn get_language(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.language(&id)
            .map(|n| ok(named_json(n, "languages")))
            .ok_or_else(|| ApiError::not_found("language", &id))
    })
}

pub(super) async fn list_wrapups(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let name = q.get("name");
    let ids = q.all("id");
    let divs = q.all("divisionId");
    s.read(|org| {
        let matched: Vec<_> = org
            .wrapups
            .iter()
            .filter(|w| name_filter(&w.name, name))
            .filter(|w| ids.is_empty() || ids.contains(&w.id))
            .filter(|w| divs.is_empty() || divs.contains(&w.division_id))
            .collect();
        Ok(ok(page_listing(
            &matched,
            page,
            uri.path(),
            &q,
            false,
            |w| super::queues::wrapup_json(org, w),
        )))
    })
}
