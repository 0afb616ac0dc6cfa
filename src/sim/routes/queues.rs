//! Queues: create (with `sourceQueueId`), read, whole-object `PUT`, delete, list; members;
//! a queue's wrap-up codes; creating and reading wrap-up codes (the README's "Queues in the simulator").
//!
//! The `queue_lag_ms` fault answers 404 `not.found` on a new queue's members, wrap-up codes
//! and `PUT` until the lag has passed (Terraform #1955).

use super::{division_ref, no_content, ok, user_ref};
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, page_listing, wildcard_match};
use crate::sim::queue_settings::{QueueSettings, parse_member_groups, parse_settings, ref_id};
use crate::sim::queue_settings::{member_group_json, write_settings};
use crate::sim::seed::QueueAddOfGroupMember;
use crate::sim::server::{AppState, Caller};
use crate::sim::state::{Org, Queue, Wrapup};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::time::Duration;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v2/routing/queues",
            get(list_queues).post(create_queue),
        )
        .route(
            "/api/v2/routing/queues/{queueId}",
            get(get_queue).put(put_queue).delete(delete_queue),
        )
        .route(
            "/api/v2/routing/queues/{queueId}/members",
            get(list_members).post(post_members),
        )
        .route(
            "/api/v2/routing/queues/{queueId}/wrapupcodes",
            get(list_queue_wrapups).post(add_queue_wrapups),
        )
        .route(
            "/api/v2/routing/queues/{queueId}/wrapupcodes/{codeId}",
            axum::routing::delete(remove_queue_wrapup),
        )
        .route(
            "/api/v2/routing/wrapupcodes",
            get(super::routing::list_wrapups).post(create_wrapup),
        )
        .route("/api/v2/routing/wrapupcodes/{codeId}", get(get_wrapup))
}

/// Wrap-up codes per `POST …/wrapupcodes` (SDK: "Add up to 100 wrap-up codes to a queue").
const WRAPUPS_PER_POST: usize = 100;

/// A `Queue` body (counts from the member list; `joinedMemberCount` leaves the unjoined out).
pub fn queue_json(org: &Org, q: &Queue) -> Value {
    let n = q.members.len();
    let joined = n - q.unjoined.len().min(n);
    // memberCount counts members through a group too; userMemberCount only direct ones
    // (the SDK's `UserQueue`/`Queue`: "user members (i.e., non-group members)").
    let through_groups = org
        .group_members_of(q)
        .iter()
        .filter(|m| !q.members.contains(m))
        .count();
    let mut v = Map::new();
    v.insert("id".into(), json!(q.id));
    v.insert("name".into(), json!(q.name));
    v.insert("division".into(), division_ref(org, &q.division_id));
    v.insert("dateCreated".into(), json!(q.date_created));
    v.insert("dateModified".into(), json!(q.date_modified));
    if let Some(m) = &q.modified_by {
        v.insert("modifiedBy".into(), json!(m));
    }
    v.insert("memberCount".into(), json!(n + through_groups));
    v.insert("userMemberCount".into(), json!(n));
    v.insert("joinedMemberCount".into(), json!(joined + through_groups));
    write_settings(org, &q.settings, &mut v);
    let groups: Vec<Value> = q
        .member_groups
        .iter()
        .map(|g| member_group_json(org, g))
        .collect();
    v.insert("memberGroups".into(), Value::Array(groups));
    v.insert(
        "selfUri".into(),
        json!(format!("/api/v2/routing/queues/{}", q.id)),
    );
    Value::Object(v)
}

/// Whether the queue is still "settling" under the `queue_lag_ms` fault.
fn settling(q: &Queue, lag: Duration) -> bool {
    !lag.is_zero() && q.created_at.is_some_and(|c| c.elapsed() < lag)
}

/// The queue, unless it does not exist or is still settling (both answer 404).
fn visible<'a>(org: &'a Org, id: &str, lag: Duration) -> ApiResult<&'a Queue> {
    org.queue(id)
        .filter(|q| !settling(q, lag))
        .ok_or_else(|| ApiError::not_found("queue", id))
}

fn queue_index(org: &Org, id: &str, lag: Duration) -> ApiResult<usize> {
    visible(org, id, lag)?;
    org.queues
        .iter()
        .position(|q| q.id == id)
        .ok_or_else(|| ApiError::not_found("queue", id))
}

fn body_object(body: &[u8]) -> ApiResult<Map<String, Value>> {
    parse_body(body)
}

fn required_name(m: &Map<String, Value>) -> ApiResult<String> {
    match m.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(ApiError::missing("name")),
        Some(_) => Err(ApiError::invalid(
            "name",
            "The field 'name' must be a string.",
            None,
        )),
    }
}

fn name_taken(org: &Org, name: &str, except: Option<&str>) -> ApiResult<()> {
    match org.queue_named(name, except) {
        Some(q) => {
            let mut e = ApiError::conflict(format!("A queue named '{}' already exists.", q.name));
            e.entity_id = Some(q.id.clone());
            Err(e)
        }
        None => Ok(()),
    }
}

/// `POST /api/v2/routing/queues` (`CreateQueueRequest`) → 200 `Queue`.
async fn create_queue(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult<Response> {
    let m = body_object(&body)?;
    s.write(|org| {
        let name = required_name(&m)?;
        let division_id = match ref_id(&m, "division")? {
            None => org.home_division().id.clone(),
            Some(d) if org.division(&d).is_some() => d,
            Some(d) => {
                return Err(ApiError::invalid_id(
                    "division.id",
                    format!("The division {d} does not exist."),
                    Some(&d),
                ));
            }
        };
        let source = match m.get("sourceQueueId") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(org.queue(id).cloned().ok_or_else(|| {
                ApiError::invalid_id(
                    "sourceQueueId",
                    format!("The source queue {id} does not exist."),
                    Some(id),
                )
            })?),
            Some(_) => {
                return Err(ApiError::invalid(
                    "sourceQueueId",
                    "The field 'sourceQueueId' must be a string.",
                    None,
                ));
            }
        };
        // Copying a queue copies its settings and wrap-up codes, not its members
        // (UNVERIFIED; assets/demo/ORG.md). Fields the body sends win over the source's.
        let base = source
            .as_ref()
            .map(|q| q.settings.clone())
            .unwrap_or_default();
        let settings = parse_settings(&m, &base, org)?;
        let member_groups = parse_member_groups(&m, "memberGroups", org)?;
        name_taken(org, &name, None)?;
        let stamp = org.next_stamp();
        let queue = Queue {
            id: org.new_id("queue"),
            name,
            division_id,
            member_limit: None,
            members: Vec::new(),
            unjoined: Vec::new(),
            settings,
            wrapup_ids: source.map(|q| q.wrapup_ids).unwrap_or_default(),
            member_groups,
            created_at: Some(std::time::Instant::now()),
            date_created: stamp.clone(),
            date_modified: stamp,
            modified_by: Some(caller.client_id.clone()),
        };
        let v = queue_json(org, &queue);
        org.queues.push(queue);
        Ok(ok(v))
    })
}

async fn get_queue(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.queue(&id)
            .map(|x| ok(queue_json(org, x)))
            .ok_or_else(|| ApiError::not_found("queue", &id))
    })
}

/// `PUT /api/v2/routing/queues/{id}` (`QueueRequest`): the body replaces the whole queue.
/// Fields it leaves out revert to a new queue's defaults — as the real API does (Terraform
/// #1179) — so a client must read, change and write back the whole object. The division is
/// not changed here: moves go through `POST /authorization/divisions/{id}/objects/QUEUE`, as
/// Terraform does after its `PUT`.
async fn put_queue(
    State(s): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let m = body_object(&body)?;
    let lag = s.queue_lag();
    s.write(|org| {
        let qi = queue_index(org, &id, lag)?;
        let name = required_name(&m)?;
        let settings = parse_settings(&m, &QueueSettings::default(), org)?;
        let member_groups = parse_member_groups(&m, "memberGroups", org)?;
        name_taken(org, &name, Some(&id))?;
        let stamp = org.next_stamp();
        let q = &mut org.queues[qi];
        q.name = name;
        q.settings = settings;
        q.member_groups = member_groups;
        q.date_modified = stamp;
        q.modified_by = Some(caller.client_id.clone());
        let q = org.queues[qi].clone();
        Ok(ok(queue_json(org, &q)))
    })
}

/// `DELETE /api/v2/routing/queues/{id}?forceDelete=` → 204 (`forceDelete` is accepted and
/// not needed: the simulator deletes queues with members too).
async fn delete_queue(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.write(|org| {
        let qi = org
            .queues
            .iter()
            .position(|q| q.id == id)
            .ok_or_else(|| ApiError::not_found("queue", &id))?;
        org.queues.remove(qi);
        Ok(no_content())
    })
}

async fn list_queues(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
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
        let seen = org.visibility(caller.as_ref().map(|c| c.client_id.as_str()));
        let mut matched: Vec<&Queue> = org
            .queues
            .iter()
            .filter(|x| seen.sees(&x.division_id))
            .filter(|x| name.as_deref().is_none_or(|n| wildcard_match(&x.name, n)))
            .filter(|x| ids.is_empty() || ids.contains(&x.id))
            .filter(|x| divs.is_empty() || divs.contains(&x.division_id))
            .collect();
        matched.sort_by_key(|a| a.name.to_lowercase());
        if desc {
            matched.reverse();
        }
        Ok(ok(page_listing(
            &matched,
            page,
            uri.path(),
            &q,
            false,
            |x| queue_json(org, x),
        )))
    })
}

// ---- members --------------------------------------------------------------------------------

async fn list_members(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(100)?;
    let name = q.get("name").map(str::to_lowercase);
    let member_by = q.get("memberBy");
    let lag = s.queue_lag();
    s.read(|org| {
        let queue = visible(org, &id, lag)?;
        // Direct members first, then those who are members only through a GROUP member group.
        let through_groups = org.group_members_of(queue);
        let all: Vec<(&String, &str)> = queue
            .members
            .iter()
            .map(|m| (m, "user"))
            .chain(
                through_groups
                    .iter()
                    .filter(|m| !queue.members.contains(m))
                    .map(|m| (m, "group")),
            )
            .filter(|(_, by)| member_by.is_none_or(|b| b.eq_ignore_ascii_case(by)))
            .collect();
        let members: Vec<(&String, &str)> = all
            .into_iter()
            .filter(|(m, _)| {
                name.as_deref().is_none_or(|n| {
                    org.user(m)
                        .is_some_and(|u| u.name.to_lowercase().contains(n))
                })
            })
            .collect();
        // QueueMemberEntityListing has no total/pageCount: page by nextUri.
        let mut v = page_listing(&members, page, uri.path(), &q, false, |(m, by)| {
            let uname = org.user(m).map(|u| u.name.as_str()).unwrap_or("");
            json!({"id": m, "name": uname, "user": user_ref(org, m), "ringNumber": 1,
                   "joined": !queue.unjoined.contains(m), "memberBy": by,
                   "selfUri": format!("/api/v2/routing/queues/{id}/members/{m}")})
        });
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
    let lag = s.queue_lag();
    s.write(|org| {
        let qi = queue_index(org, &id, lag)?;
        let mut ids = Vec::new();
        for it in &items {
            let uid = it.id.clone().ok_or_else(|| ApiError::missing("id"))?;
            match org.user(&uid) {
                Some(u) if u.state != UserState::Deleted => {}
                _ => {
                    return Err(ApiError::invalid(
                        "id",
                        format!("The user {uid} does not exist."),
                        Some(&uid),
                    ));
                }
            }
            if !ids.contains(&uid) {
                ids.push(uid);
            }
        }
        let queue = &mut org.queues[qi];
        if delete {
            queue.members.retain(|m| !ids.contains(m));
            queue.unjoined.retain(|m| !ids.contains(m));
            return Ok(no_content());
        }
        if org.queue_add_of_group_member == QueueAddOfGroupMember::Refuse {
            refuse_group_members(org, qi, &ids)?;
        }
        let queue = &mut org.queues[qi];
        let new: Vec<String> = ids
            .into_iter()
            .filter(|u| !queue.members.contains(u))
            .collect();
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

/// With the seed's `queueAddOfGroupMember: refuse`: an add naming users who are members of
/// the queue only through a group is refused whole — 400 `queue.member.via.group`, the users
/// named in the message and one `details` entry each. The status, code and shape are
/// UNVERIFIED (assets/demo/ORG.md "Groups").
fn refuse_group_members(org: &Org, qi: usize, ids: &[String]) -> ApiResult<()> {
    let queue = &org.queues[qi];
    let through_groups = org.group_members_of(queue);
    let refused: Vec<&String> = ids
        .iter()
        .filter(|u| through_groups.contains(u) && !queue.members.contains(u))
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = refused.iter().map(|u| u.as_str()).collect();
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        QUEUE_MEMBER_VIA_GROUP,
        format!(
            "User(s) {} already belong to queue {} through a group and cannot be added as members.",
            names.join(", "),
            queue.name
        ),
    );
    e.details = refused
        .iter()
        .map(|u| json!({"errorCode": QUEUE_MEMBER_VIA_GROUP, "fieldName": "id", "entityId": u}))
        .collect();
    Err(e)
}

/// The code of the refusal above (the simulator's choice; the real code is UNVERIFIED).
pub const QUEUE_MEMBER_VIA_GROUP: &str = "queue.member.via.group";

// ---- wrap-up codes ----------------------------------------------------------------------------

pub fn wrapup_json(org: &Org, w: &Wrapup) -> Value {
    let mut v = json!({"id": w.id, "name": w.name, "division": division_ref(org, &w.division_id),
                       "dateCreated": crate::sim::queue_state::SEED_DATE,
                       "dateModified": crate::sim::queue_state::SEED_DATE,
                       "selfUri": format!("/api/v2/routing/wrapupcodes/{}", w.id)});
    if let Some(d) = &w.description {
        v["description"] = json!(d);
    }
    v
}

/// `GET /api/v2/routing/queues/{id}/wrapupcodes` (paged, ≤100; `name` with a trailing `*`).
async fn list_queue_wrapups(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(100)?;
    let name = q.get("name").map(str::to_string);
    let lag = s.queue_lag();
    s.read(|org| {
        let queue = visible(org, &id, lag)?;
        let codes: Vec<&Wrapup> = queue
            .wrapup_ids
            .iter()
            .filter_map(|w| org.wrapup(w))
            .filter(|w| name.as_deref().is_none_or(|n| wildcard_match(&w.name, n)))
            .collect();
        Ok(ok(page_listing(&codes, page, uri.path(), &q, false, |w| {
            wrapup_json(org, w)
        })))
    })
}

/// `POST /api/v2/routing/queues/{id}/wrapupcodes` `[{id}]` (1–100) → 200 `[WrapupCode]`, the
/// codes sent. Codes already on the queue stay once.
async fn add_queue_wrapups(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let items: Vec<IdIn> = parse_body(&body)?;
    if items.is_empty() || items.len() > WRAPUPS_PER_POST {
        return Err(ApiError::bad_request(format!(
            "Please provide between 1 and {WRAPUPS_PER_POST} wrap-up codes; got {}.",
            items.len()
        )));
    }
    let lag = s.queue_lag();
    s.write(|org| {
        let qi = queue_index(org, &id, lag)?;
        let mut ids: Vec<String> = Vec::new();
        for it in &items {
            let code = it.id.clone().ok_or_else(|| ApiError::missing("id"))?;
            if org.wrapup(&code).is_none() {
                return Err(ApiError::invalid_id(
                    "id",
                    format!("The wrap-up code {code} does not exist."),
                    Some(&code),
                ));
            }
            if !ids.contains(&code) {
                ids.push(code);
            }
        }
        let answer: Vec<Value> = ids
            .iter()
            .filter_map(|c| org.wrapup(c))
            .map(|w| wrapup_json(org, w))
            .collect();
        let queue = &mut org.queues[qi];
        for c in ids {
            if !queue.wrapup_ids.contains(&c) {
                queue.wrapup_ids.push(c);
            }
        }
        Ok(ok(Value::Array(answer)))
    })
}

/// `DELETE /api/v2/routing/queues/{id}/wrapupcodes/{codeId}` → 204; a code not on the queue
/// → 404 (Terraform ignores a 404 here).
async fn remove_queue_wrapup(
    State(s): State<AppState>,
    Path((id, code)): Path<(String, String)>,
) -> ApiResult<Response> {
    let lag = s.queue_lag();
    s.write(|org| {
        let qi = queue_index(org, &id, lag)?;
        let queue = &mut org.queues[qi];
        let Some(pos) = queue.wrapup_ids.iter().position(|c| *c == code) else {
            return Err(ApiError::not_found("wrap-up code on this queue", &code));
        };
        queue.wrapup_ids.remove(pos);
        Ok(no_content())
    })
}

/// `POST /api/v2/routing/wrapupcodes` (`WrapupCodeRequest`) → 200 `WrapupCode`; a name in use
/// (case-insensitive) → 409 `general.conflict` (UNVERIFIED; assets/demo/ORG.md).
async fn create_wrapup(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let m = body_object(&body)?;
    s.write(|org| {
        let name = required_name(&m)?;
        let division_id = match ref_id(&m, "division")? {
            None => org.home_division().id.clone(),
            Some(d) if org.division(&d).is_some() => d,
            Some(d) => {
                return Err(ApiError::invalid_id(
                    "division.id",
                    format!("The division {d} does not exist."),
                    Some(&d),
                ));
            }
        };
        if let Some(w) = org
            .wrapups
            .iter()
            .find(|w| w.name.eq_ignore_ascii_case(&name))
        {
            let mut e =
                ApiError::conflict(format!("A wrap-up code named '{}' already exists.", w.name));
            e.entity_id = Some(w.id.clone());
            return Err(e);
        }
        let description = m
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string);
        let w = Wrapup {
            id: org.new_id("wrapup"),
            name,
            division_id,
            description,
        };
        let v = wrapup_json(org, &w);
        org.wrapups.push(w);
        Ok(ok(v))
    })
}

async fn get_wrapup(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.wrapup(&id)
            .map(|w| ok(wrapup_json(org, w)))
            .ok_or_else(|| ApiError::not_found("wrap-up code", &id))
    })
}
