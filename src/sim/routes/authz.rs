//! Authorization: divisions (+ moving users/queues), roles (+ bulk grant), subjects' grants.

use super::{division_ref, no_content, ok};
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, name_filter, page_listing};
use crate::sim::server::AppState;
use crate::sim::state::{Division, Org, Role, User};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/authorization/divisions", get(list_divisions))
        .route("/api/v2/authorization/divisions/home", get(home_division))
        .route(
            "/api/v2/authorization/divisions/{divisionId}",
            get(get_division),
        )
        .route(
            "/api/v2/authorization/divisions/{divisionId}/objects/{objectType}",
            post(move_objects),
        )
        .route("/api/v2/authorization/roles", get(list_roles))
        .route(
            "/api/v2/authorization/roles/{roleId}",
            get(get_role).post(grant_role),
        )
        .route(
            "/api/v2/authorization/roles/{roleId}/subjectgrants",
            get(role_subject_grants),
        )
        .route(
            "/api/v2/authorization/subjects/{subjectId}",
            get(get_subject),
        )
        .route(
            "/api/v2/authorization/subjects/{subjectId}/bulkadd",
            post(bulk_add),
        )
        .route(
            "/api/v2/authorization/subjects/{subjectId}/bulkremove",
            post(bulk_remove),
        )
        .route(
            "/api/v2/authorization/subjects/{subjectId}/bulkreplace",
            post(bulk_replace),
        )
        .route(
            "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}",
            post(grant_one).delete(revoke_one),
        )
}

fn division_json(org: &Org, d: &Division, counts: bool) -> Value {
    let mut v = json!({"id": d.id, "name": d.name, "description": "", "homeDivision": d.home,
                       "selfUri": format!("/api/v2/authorization/divisions/{}", d.id)});
    if counts {
        let users = org
            .users
            .iter()
            .filter(|u| u.state != UserState::Deleted && u.division_id == d.id)
            .count();
        let queues = org.queues.iter().filter(|q| q.division_id == d.id).count();
        v["objectCounts"] = json!({"USER": users, "QUEUE": queues});
    }
    v
}

async fn list_divisions(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let name = q.get("name");
    let ids = q.all("id");
    let counts = q.bool("objectCount")?.unwrap_or(false);
    s.read(|org| {
        let m: Vec<&Division> = org
            .divisions
            .iter()
            .filter(|d| name.is_none_or(|n| d.name.eq_ignore_ascii_case(n)))
            .filter(|d| ids.is_empty() || ids.contains(&d.id))
            .collect();
        Ok(ok(page_listing(&m, page, uri.path(), &q, false, |d| {
            division_json(org, d, counts)
        })))
    })
}

async fn home_division(State(s): State<AppState>) -> ApiResult<Response> {
    s.read(|org| Ok(ok(division_json(org, org.home_division(), false))))
}

async fn get_division(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let counts = q.bool("objectCount")?.unwrap_or(false);
    s.read(|org| {
        org.division(&id)
            .map(|d| ok(division_json(org, d, counts)))
            .ok_or_else(|| ApiError::not_found("division", &id))
    })
}

async fn move_objects(
    State(s): State<AppState>,
    Path((div, typ)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let ids: Vec<String> = parse_body(&body)?;
    s.write(|org| {
        if org.division(&div).is_none() {
            return Err(ApiError::not_found("division", &div));
        }
        match typ.as_str() {
            "USER" => {
                let mut idx = Vec::new();
                for id in &ids {
                    match org.index_of(id) {
                        Some(i) if org.users[i].state != UserState::Deleted => idx.push(i),
                        _ => return Err(ApiError::invalid("objectIds", format!("The user {id} does not exist."), Some(id))),
                    }
                }
                for i in idx {
                    if org.users[i].division_id != div {
                        org.users[i].division_id = div.clone();
                        org.users[i].version += 1;
                    }
                }
            }
            "QUEUE" => {
                for id in &ids {
                    if org.queue(id).is_none() {
                        return Err(ApiError::invalid("objectIds", format!("The queue {id} does not exist."), Some(id)));
                    }
                }
                for q in &mut org.queues {
                    if ids.contains(&q.id) {
                        q.division_id = div.clone();
                    }
                }
            }
            other => {
                return Err(ApiError::invalid("objectType", format!("Moving objects of type {other} is not supported by the simulator (USER, QUEUE)."), None));
            }
        }
        Ok(no_content())
    })
}

/// A role's `permissionPolicies` (SDK `DomainPermissionPolicy`): one per `domain:entity`,
/// its `actionSet` the actions the role's permission strings grant there (`*` kept as is).
/// A string without two colons is left out (the seed is the simulator's own).
fn permission_policies(permissions: &[String]) -> Vec<Value> {
    let mut by_entity: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for p in permissions {
        let mut parts = p.splitn(3, ':');
        let (Some(domain), Some(entity), Some(action)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        match by_entity
            .iter_mut()
            .find(|(d, e, _)| *d == domain && *e == entity)
        {
            Some((_, _, actions)) if !actions.contains(&action) => actions.push(action),
            Some(_) => {}
            None => by_entity.push((domain, entity, vec![action])),
        }
    }
    by_entity
        .into_iter()
        .map(|(domain, entity, actions)| {
            json!({"domain": domain, "entityName": entity, "actionSet": actions,
                   "allowConditions": false})
        })
        .collect()
}

fn role_json(org: &Org, r: &Role, user_count: bool) -> Value {
    let mut v = json!({"id": r.id, "name": r.name, "description": "", "permissions": r.permissions,
                       "permissionPolicies": permission_policies(&r.permissions),
                       "default": false, "base": false,
                       "addonLicenses": [], "selfUri": format!("/api/v2/authorization/roles/{}", r.id)});
    if let Some(l) = &r.base_license {
        v["baseLicense"] = json!(l);
    }
    if user_count {
        let n = org
            .users
            .iter()
            .filter(|u| u.state != UserState::Deleted && u.grants.iter().any(|(x, _)| x == &r.id))
            .count();
        v["userCount"] = json!(n);
    }
    v
}

async fn list_roles(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let name = q.get("name");
    let ids = q.all("id");
    let counts = q.bool("userCount")?.unwrap_or(true);
    s.read(|org| {
        let m: Vec<&Role> = org
            .roles
            .iter()
            .filter(|r| name_filter(&r.name, name))
            .filter(|r| ids.is_empty() || ids.contains(&r.id))
            .collect();
        Ok(ok(page_listing(&m, page, uri.path(), &q, false, |x| {
            role_json(org, x, counts)
        })))
    })
}

async fn get_role(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.role(&id)
            .map(|r| ok(role_json(org, r, true)))
            .ok_or_else(|| ApiError::not_found("role", &id))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubjectDivisions {
    #[serde(default)]
    subject_ids: Vec<String>,
    #[serde(default)]
    division_ids: Vec<String>,
}

async fn grant_role(
    State(s): State<AppState>,
    Path(role): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    if let Some(t) = q.get("subjectType")
        && t != "PC_USER"
    {
        return Err(ApiError::invalid(
            "subjectType",
            "The simulator grants roles to users (PC_USER) only.",
            None,
        ));
    }
    let b: SubjectDivisions = parse_body(&body)?;
    s.write(|org| {
        if org.role(&role).is_none() {
            return Err(ApiError::not_found("role", &role));
        }
        let divs = if b.division_ids.is_empty() {
            vec![org.home_division().id.clone()]
        } else {
            b.division_ids.clone()
        };
        for d in &divs {
            if org.division(d).is_none() {
                return Err(ApiError::invalid(
                    "divisionIds",
                    format!("The division {d} does not exist."),
                    Some(d),
                ));
            }
        }
        let mut idx = Vec::new();
        for id in &b.subject_ids {
            match org.index_of(id) {
                Some(i) if org.users[i].state != UserState::Deleted => idx.push(i),
                _ => {
                    return Err(ApiError::invalid(
                        "subjectIds",
                        format!("The user {id} does not exist."),
                        Some(id),
                    ));
                }
            }
        }
        for i in idx {
            for d in &divs {
                let g = (role.clone(), d.clone());
                if !org.users[i].grants.contains(&g) {
                    org.users[i].grants.push(g);
                }
            }
        }
        Ok(no_content())
    })
}

/// `GET /api/v2/authorization/roles/{roleId}/subjectgrants` (SDK
/// `SubjectDivisionGrantsEntityListing`): every subject holding the role, each with the
/// divisions it holds it in; page-number paged (maximum page size 100 here: unverified).
async fn role_subject_grants(
    State(s): State<AppState>,
    Path(role_id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(100)?;
    s.read(|org| {
        if org.role(&role_id).is_none() {
            return Err(ApiError::not_found("role", &role_id));
        }
        let holders: Vec<&User> = org
            .users
            .iter()
            .filter(|u| u.state != UserState::Deleted)
            .filter(|u| u.grants.iter().any(|(r, _)| *r == role_id))
            .collect();
        Ok(ok(page_listing(
            &holders,
            page,
            uri.path(),
            &q,
            false,
            |u| {
                let divisions: Vec<Value> = u
                    .grants
                    .iter()
                    .filter(|(r, _)| *r == role_id)
                    .map(|(_, d)| division_ref(org, d))
                    .collect();
                json!({"id": u.id, "name": u.name, "type": "PC_USER", "divisions": divisions,
                   "selfUri": format!("/api/v2/users/{}", u.id)})
            },
        )))
    })
}

/// `GET /authorization/subjects/{id}`: the user's direct grants (`subjectId` = the user), then
/// the grants inherited from each group the user is in (`subjectId` = the group's id), as the
/// API's spec describes; the client keeps only the user's own.
async fn get_subject(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        let u = super::users::live_user(org, &id)?;
        let direct = u.grants.iter().map(|(r, d)| grant_json(org, &u.id, r, d));
        let inherited = org
            .groups_of(&u.id)
            .flat_map(|g| g.grants.iter().map(|(r, d)| grant_json(org, &g.id, r, d)));
        let grants: Vec<Value> = direct.chain(inherited).collect();
        Ok(ok(
            json!({"id": u.id, "name": u.name, "grants": grants, "version": 1,
                      "selfUri": format!("/api/v2/authorization/subjects/{}", u.id)}),
        ))
    })
}

/// One `AuthzGrant` of `subject` (a user or a group).
fn grant_json(org: &Org, subject: &str, role: &str, division: &str) -> Value {
    let mut div = division_ref(org, division);
    div["homeDivision"] = json!(org.division(division).is_some_and(|x| x.home));
    json!({"subjectId": subject, "division": div,
           "role": {"id": role, "name": org.role(role).map(|x| x.name.as_str()).unwrap_or(""), "default": false,
                    "selfUri": format!("/api/v2/authorization/roles/{role}")},
           "grantMadeAt": "2026-01-05T09:00:00.000Z"})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrantIn {
    role_id: Option<String>,
    division_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Grants {
    #[serde(default)]
    grants: Vec<GrantIn>,
}

fn check_grants(org: &Org, grants: &[GrantIn]) -> ApiResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for g in grants {
        let r = g
            .role_id
            .clone()
            .ok_or_else(|| ApiError::missing("grants.roleId"))?;
        let d = g
            .division_id
            .clone()
            .ok_or_else(|| ApiError::missing("grants.divisionId"))?;
        if org.role(&r).is_none() {
            return Err(ApiError::invalid(
                "grants.roleId",
                format!("The role {r} does not exist."),
                Some(&r),
            ));
        }
        if d != "*" && org.division(&d).is_none() {
            return Err(ApiError::invalid(
                "grants.divisionId",
                format!("The division {d} does not exist."),
                Some(&d),
            ));
        }
        if !out.contains(&(r.clone(), d.clone())) {
            out.push((r, d));
        }
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Bulk {
    Add,
    Remove,
    Replace,
}

async fn bulk(
    s: AppState,
    id: String,
    raw: Option<String>,
    body: Bytes,
    mode: Bulk,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    if let Some(t) = q.get("subjectType")
        && t != "PC_USER"
    {
        return Err(ApiError::invalid(
            "subjectType",
            "The simulator holds grants for users (PC_USER) only.",
            None,
        ));
    }
    let b: Grants = parse_body(&body)?;
    s.write(|org| {
        let i = org
            .index_of(&id)
            .filter(|&i| org.users[i].state != UserState::Deleted)
            .ok_or_else(|| ApiError::not_found("subject", &id))?;
        let grants = check_grants(org, &b.grants)?;
        let u = &mut org.users[i];
        match mode {
            Bulk::Add => {
                for g in grants {
                    if !u.grants.contains(&g) {
                        u.grants.push(g);
                    }
                }
            }
            Bulk::Remove => u.grants.retain(|g| !grants.contains(g)),
            Bulk::Replace => u.grants = grants,
        }
        Ok(no_content())
    })
}

async fn bulk_add(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> ApiResult<Response> {
    bulk(s, id, raw, body, Bulk::Add).await
}
async fn bulk_remove(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> ApiResult<Response> {
    bulk(s, id, raw, body, Bulk::Remove).await
}
async fn bulk_replace(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> ApiResult<Response> {
    bulk(s, id, raw, body, Bulk::Replace).await
}

async fn one(
    s: AppState,
    (id, div, role): (String, String, String),
    add: bool,
) -> ApiResult<Response> {
    s.write(|org| {
        let i = org
            .index_of(&id)
            .filter(|&i| org.users[i].state != UserState::Deleted)
            .ok_or_else(|| ApiError::not_found("subject", &id))?;
        if org.division(&div).is_none() {
            return Err(ApiError::not_found("division", &div));
        }
        if org.role(&role).is_none() {
            return Err(ApiError::not_found("role", &role));
        }
        let g = (role, div);
        let u = &mut org.users[i];
        if add {
            if !u.grants.contains(&g) {
                u.grants.push(g);
            }
        } else {
            u.grants.retain(|x| x != &g);
        }
        Ok(no_content())
    })
}

async fn grant_one(
    State(s): State<AppState>,
    Path(p): Path<(String, String, String)>,
) -> ApiResult<Response> {
    one(s, p, true).await
}
async fn revoke_one(
    State(s): State<AppState>,
    Path(p): Path<(String, String, String)>,
) -> ApiResult<Response> {
    one(s, p, false).await
}
