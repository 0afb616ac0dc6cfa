//! Routing: skills, languages, the wrap-up code listing. Queues live in `queues.rs`.

use super::ok;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, name_filter, page_listing};
use crate::sim::server::{AppState, Caller};
use crate::sim::state::{Named, Org};
use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/routing/skills",
            get(list_skills).post(create_skill),
        )
        .route("/api/v2/routing/skills/{skillId}", get(get_skill))
        .route(
            "/api/v2/routing/languages",
            get(list_languages).post(create_language),
        )
        .route("/api/v2/routing/languages/{languageId}", get(get_language))
        .route(
            "/api/v2/routing/users/{userId}/utilization",
            get(super::utilization::get_utilization)
                .put(super::utilization::put_utilization)
                .delete(super::utilization::delete_utilization),
        )
}

#[derive(Debug, Deserialize)]
struct NameIn {
    name: Option<String>,
}

/// Which catalogue a `POST {name}` adds to.
#[derive(Clone, Copy)]
enum Catalogue {
    Skills,
    Languages,
}

impl Catalogue {
    fn path(self) -> &'static str {
        match self {
            Catalogue::Skills => "skills",
            Catalogue::Languages => "languages",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Catalogue::Skills => "skill",
            Catalogue::Languages => "language",
        }
    }
    fn items(self, org: &mut Org) -> &mut Vec<Named> {
        match self {
            Catalogue::Skills => &mut org.skills,
            Catalogue::Languages => &mut org.languages,
        }
    }
}

/// `POST /routing/skills` or `/routing/languages` `{name}` → 200 with the new `RoutingSkill`
/// / `Language`. No or blank name → 400 `required.field.missing`; a name in use
/// (case-insensitive) → 409 `general.conflict` naming the holder (UNVERIFIED, ORG.md).
async fn create_named(s: AppState, body: Bytes, kind: Catalogue) -> ApiResult<Response> {
    let b: NameIn = parse_body(&body)?;
    let name = b
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("name"))?;
    s.write(|org| {
        if let Some(held) = kind
            .items(org)
            .iter()
            .find(|n| n.name.eq_ignore_ascii_case(&name))
        {
            let mut e = ApiError::conflict(format!(
                "A {} named {} already exists.",
                kind.noun(),
                held.name
            ));
            e.entity_id = Some(held.id.clone());
            return Err(e);
        }
        let id = org.new_id(kind.noun());
        let item = Named { id, name };
        let v = named_json(&item, kind.path());
        kind.items(org).push(item);
        Ok(ok(v))
    })
}

async fn create_skill(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    create_named(s, body, Catalogue::Skills).await
}
async fn create_language(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    create_named(s, body, Catalogue::Languages).await
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
    caller: Option<Extension<Caller>>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let name = q.get("name");
    let ids = q.all("id");
    let divs = q.all("divisionId");
    s.read(|org| {
        let seen = org.visibility(caller.as_ref().map(|c| c.client_id.as_str()));
        let matched: Vec<_> = org
            .wrapups
            .iter()
            .filter(|w| seen.sees(&w.division_id))
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
