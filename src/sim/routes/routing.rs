//! Routing: skills, languages, queues (+ members), wrap-up codes.

use super::{division_ref, no_content, ok, user_ref};
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, listing, name_filter, wildcard_match};
use crate::sim::server::AppState;
use crate::sim::state::{Named, Org, Queue};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/routing/skills", get(list_skills))
        .route("/api/v2/routing/skills/{skillId}", get(get_skill))
        .route("/api/v2/routing/languages", get(list_languages))
        .route("/api/v2/routing/languages/{languageId}", get(get_language))
        .route("/api/v2/routing/queues", get(list_queues))
        .route("/api/v2/routing/queues/{queueId}", get(get_queue))
        .route(
            "/api/v2/routing/queues/{queueId}/members",
            get(list_members).post(post_members),
        )
        .route("/api/v2/routing/wrapupcodes", get(list_wrapups))
}

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
    let r = page.range(matched.len());
    let entities = matched[r].iter().map(|n| named_json(n, kind)).collect();
    Ok(ok(listing(
        entities,
        matched.len(),
        page,
        uri.path(),
        &q,
        false,
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

/// A `Queue` body (counts from the member list; every member is joined).
pub fn queue_json(org: &Org, q: &Queue) -> Value {
    let n = q.members.len();
    json!({
        "id": q.id,
        "name": q.name,
        "division": division_ref(org, &q.division_id),
        "dateCreated": DATE,
        "dateModified": DATE,
        "memberCount": n,
        "userMemberCount": n,
        "joinedMemberCount": n,
        "acwSettings": {"wrapupPrompt": "OPTIONAL", "timeoutMs": 30000},
        "skillEvaluationMethod": "ALL",
        "scoringMethod": "TimestampAndPriority",
        "lastAgentRoutingMode": "Disabled",
        "autoAnswerOnly": false,
        "enableTranscription": false,
        "enableAudioMonitoring": false,
        "enableManualAssignment": false,
        "suppressInQueueCallRecording": true,
        "selfUri": format!("/api/v2/routing/queues/{}", q.id),
    })
}

async fn list_queues(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let name = q.get("name").map(str::to_string);
    let ids = q.all("id");
    let divs = q.all("divisionId");
    let desc = q
        .get("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    s.read(|org| {
        let mut matched: Vec<&Queue> = org
            .queues
            .iter()
            .filter(|x| name.as_deref().is_none_or(|n| wildcard_match(&x.name, n)))
            .filter(|x| ids.is_empty() || ids.contains(&x.id))
            .filter(|x| divs.is_empty() || divs.contains(&x.division_id))
            .collect();
        matched.sort_by_key(|a| a.name.to_lowercase());
        if desc {
            matched.reverse();
        }
        let r = page.range(matched.len());
        let entities = matched[r].iter().map(|x| queue_json(org, x)).collect();
        Ok(ok(listing(
            entities,
            matched.len(),
            page,
            uri.path(),
            &q,
            false,
        )))
    })
}

async fn get_queue(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.queue(&id)
            .map(|x| ok(queue_json(org, x)))
            .ok_or_else(|| ApiError::not_found("queue", &id))
    })
}

async fn list_members(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(100)?;
    let name = q.get("name").map(str::to_lowercase);
    s.read(|org| {
        let queue = org.queue(&id).ok_or_else(|| ApiError::not_found("queue", &id))?;
        let members: Vec<&String> = queue
            .members
            .iter()
            .filter(|m| name.as_deref().is_none_or(|n| org.user(m).is_some_and(|u| u.name.to_lowercase().contains(n))))
            .collect();
        let r = page.range(members.len());
        let entities: Vec<Value> = members[r]
            .iter()
            .map(|m| {
                let uname = org.user(m).map(|u| u.name.as_str()).unwrap_or("");
                json!({"id": m, "name": uname, "user": user_ref(org, m), "ringNumber": 1, "joined": true,
                       "memberBy": "user", "selfUri": format!("/api/v2/routing/queues/{id}/members/{m}")})
            })
            .collect();
        // QueueMemberEntityListing has no total/pageCount: page by nextUri.
        let mut v = listing(entities, members.len(), page, uri.path(), &q, false);
        if let Some(o) = v.as_object_mut() {
            for k in ["total", "pageCount", "lastUri"] {
                o.remove(k);
            }
        }
        Ok(ok(v))
    })
}

#[derive(Debug, Deserialize)]
struct IdIn {
    id: Option<String>,
}

async fn post_members(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let delete = q.bool("delete")?.unwrap_or(false);
    let items: Vec<IdIn> = parse_body(&body)?;
    if items.is_empty() || items.len() > 100 {
        return Err(ApiError::bad_request(format!(
            "Please provide a valid number of queue members (1-100); got {}.",
            items.len()
        )));
    }
    s.write(|org| {
        let qi = org.queues.iter().position(|x| x.id == id).ok_or_else(|| ApiError::not_found("queue", &id))?;
        let mut ids = Vec::new();
        for it in &items {
            let uid = it.id.clone().ok_or_else(|| ApiError::missing("id"))?;
            match org.user(&uid) {
                Some(u) if u.state != UserState::Deleted => {}
                _ => return Err(ApiError::invalid("id", format!("The user {uid} does not exist."), Some(&uid))),
            }
            if !ids.contains(&uid) {
                ids.push(uid);
            }
        }
        let queue = &mut org.queues[qi];
        if delete {
            queue.members.retain(|m| !ids.contains(m));
            return Ok(no_content());
        }
        let new: Vec<String> = ids.into_iter().filter(|u| !queue.members.contains(u)).collect();
        if let Some(limit) = queue.member_limit
            && queue.members.len() + new.len() > limit as usize
        {
            let mut e = ApiError::new(
                StatusCode::BAD_REQUEST,
                "queue.size.limit",
                format!(
                    "Adding {} members would exceed queue member limit of {} (queue {} has {} members).",
                    new.len(),
                    limit,
                    queue.name,
                    queue.members.len()
                ),
            );
            e.entity_id = Some(queue.id.clone());
            return Err(e);
        }
        queue.members.extend(new);
        Ok(no_content())
    })
}

async fn list_wrapups(
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
        let r = page.range(matched.len());
        let entities = matched[r]
            .iter()
            .map(|w| {
                json!({"id": w.id, "name": w.name, "division": division_ref(org, &w.division_id),
                            "dateCreated": DATE, "dateModified": DATE,
                            "selfUri": format!("/api/v2/routing/wrapupcodes/{}", w.id)})
            })
            .collect();
        Ok(ok(listing(
            entities,
            matched.len(),
            page,
            uri.path(),
            &q,
            false,
        )))
    })
}
