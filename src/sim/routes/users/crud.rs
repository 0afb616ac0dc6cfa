//! Create, get, list, patch (versions, state changes, restore) and delete (soft) users.

use super::contacts::{ContactIn, check_addresses, valid_email};
use super::{expand_of, live_index, parse_state};
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, page_listing};
use crate::sim::routes::{Expand, ok, user_json};
use crate::sim::server::{AppState, Caller};
use crate::sim::state::{Org, User, state_str};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

// ---- create / get / list ------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateUser {
    name: Option<String>,
    email: Option<String>,
    division_id: Option<String>,
    department: Option<String>,
    title: Option<String>,
    password: Option<String>,
    addresses: Option<Vec<ContactIn>>,
    state: Option<String>,
}

pub(super) async fn create_user(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let b: CreateUser = parse_body(&body)?;
    let name = b
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::missing("name"))?;
    let email = b
        .email
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::missing("email"))?;
    if !valid_email(&email) {
        return Err(ApiError::invalid(
            "email",
            format!("'{email}' is not a valid email address"),
            None,
        ));
    }
    let state = match &b.state {
        None => UserState::Active,
        Some(s) => parse_state(s, "state")?,
    };
    if state == UserState::Deleted {
        return Err(ApiError::invalid(
            "state",
            "A user cannot be created deleted.",
            None,
        ));
    }
    let v = s.write(|org| {
        // `CreateUser.divisionId` is required (SDK `CreateUser.md`, docs/genesys-api-notes.md §11.7).
        let division_id = match b.division_id.as_deref().filter(|d| !d.trim().is_empty()) {
            None => return Err(ApiError::missing("divisionId")),
            Some(d) if org.division(d).is_some() => d.to_string(),
            Some(d) => return Err(ApiError::invalid("divisionId", format!("The division {d} does not exist."), Some(d))),
        };
        if let Some(existing) = org.user_by_email(&email) {
            let mut e = ApiError::conflict(format!(
                "A user with the email {email} already exists (state {}).",
                state_str(existing.state)
            ));
            e.details.push(json!({"errorCode": "general.conflict", "fieldName": "email", "entityId": existing.id}));
            return Err(e);
        }
        let addresses = check_addresses(org, b.addresses.as_deref().unwrap_or(&[]), None)?;
        let id = org.new_id("user");
        let user = User {
            id,
            name: name.clone(),
            email: email.clone(),
            division_id,
            state,
            version: 1,
            department: b.department.clone().filter(|d| !d.is_empty()),
            title: b.title.clone().filter(|d| !d.is_empty()),
            manager_id: None,
            preferred_name: None,
            acd_auto_answer: false,
            addresses,
            grants: Vec::new(),
            skills: Vec::new(),
            languages: Vec::new(),
            licenses: Vec::new(),
            external_ids: Vec::new(),
            invites_sent: 0,
            password_set: b.password.as_deref().is_some_and(|p| !p.is_empty()),
            utilization: None,
        };
        let i = org.insert_user(user);
        Ok(user_json(org, &org.users[i], Expand::default()))
    })?;
    Ok((StatusCode::OK, axum::Json(v)).into_response())
}

pub(super) async fn get_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let want_deleted = match q.get("state") {
        None | Some("active") => false,
        Some("deleted") => true,
        Some(v) => return Err(crate::sim::paging::bad_param("state", v)),
    };
    let ex = expand_of(&q);
    s.read(|org| match org.user(&id) {
        Some(u) if (u.state == UserState::Deleted) == want_deleted => Ok(ok(user_json(org, u, ex))),
        _ => Err(ApiError::not_found("user", &id)),
    })
}

pub(super) async fn list_users(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let ids = q.all("id");
    if ids.len() > 100 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "max.user.ids",
            "Too many user ids: at most 100 may be requested at once.",
        ));
    }
    let state = match q.get("state") {
        None => Some(UserState::Active),
        Some("any") => None,
        Some(v) => {
            Some(parse_state(v, "state").map_err(|_| crate::sim::paging::bad_param("state", v))?)
        }
    };
    let desc = q
        .get("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("descending") || o.eq_ignore_ascii_case("desc"));
    let ex = expand_of(&q);
    let body = s.read(|org| {
        let seen = org.visibility(caller.as_ref().map(|c| c.client_id.as_str()));
        let mut matched: Vec<&User> = org
            .users
            .iter()
            .filter(|u| seen.sees(&u.division_id))
            .filter(|u| state.is_none_or(|st| u.state == st))
            .filter(|u| ids.is_empty() || ids.contains(&u.id))
            .collect();
        if desc {
            matched.reverse();
        }
        page_listing(&matched, page, uri.path(), &q, false, |u| {
            user_json(org, u, ex)
        })
    });
    Ok(ok(body))
}

// ---- patch / delete -----------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UpdateUser {
    version: Option<i64>,
    name: Option<String>,
    department: Option<String>,
    email: Option<String>,
    title: Option<String>,
    preferred_name: Option<String>,
    manager: Option<Value>,
    addresses: Option<Vec<ContactIn>>,
    state: Option<String>,
    acd_auto_answer: Option<bool>,
}

/// Applies a state change: deleting drops queues, licences, grants and phones; restoring
/// brings the user back in the home division (as Genesys Cloud does).
pub(super) fn set_state(org: &mut Org, i: usize, new: UserState) {
    let old = org.users[i].state;
    if old == new {
        return;
    }
    let id = org.users[i].id.clone();
    if new == UserState::Deleted {
        for q in &mut org.queues {
            q.members.retain(|m| m != &id);
            q.unjoined.retain(|m| m != &id);
        }
        let u = &mut org.users[i];
        u.licenses.clear();
        u.grants.clear();
        u.addresses.retain(|a| a.media_type != "PHONE");
    } else if old == UserState::Deleted {
        let home = org.home_division().id.clone();
        org.users[i].division_id = home;
    }
    org.users[i].state = new;
}

pub(super) async fn patch_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: UpdateUser = parse_body(&body)?;
    let version = b.version.ok_or_else(|| ApiError::missing("version"))?;
    let form = crate::sim::lock(&s.faults).conflict_form();
    let v = s.write(|org| {
        let i = org
            .index_of(&id)
            .ok_or_else(|| ApiError::not_found("user", &id))?;
        let deleted = org.users[i].state == UserState::Deleted;
        if deleted && b.state.is_none() {
            return Err(ApiError::not_found("user", &id));
        }
        let current = org.users[i].version;
        if version != current {
            return Err(stale_version(form, &id, version, current));
        }
        if let Some(st) = &b.state {
            // When state is sent, it is the only field changed.
            let new = parse_state(st, "state")?;
            set_state(org, i, new);
            org.users[i].version += 1;
            return Ok(user_json(org, &org.users[i], Expand::default()));
        }
        // Validate everything first.
        check_name_and_email(org, &id, &b)?;
        let manager = patch_manager(org, &id, b.manager.as_ref())?;
        let addresses = match &b.addresses {
            Some(a) => Some(check_addresses(org, a, Some(&id))?),
            None => None,
        };
        // Then change.
        if let Some(e) = &b.email {
            org.set_email(i, e.clone());
        }
        let u = &mut org.users[i];
        if let Some(n) = &b.name {
            u.name = n.clone();
        }
        if let Some(d) = &b.department {
            u.department = Some(d.clone()).filter(|d| !d.is_empty());
        }
        if let Some(t) = &b.title {
            u.title = Some(t.clone()).filter(|d| !d.is_empty());
        }
        if let Some(p) = &b.preferred_name {
            u.preferred_name = Some(p.clone()).filter(|d| !d.is_empty());
        }
        if let Some(m) = manager {
            u.manager_id = m;
        }
        if let Some(a) = addresses {
            u.addresses = a;
        }
        if let Some(a) = b.acd_auto_answer {
            u.acd_auto_answer = a;
        }
        u.version += 1;
        Ok(user_json(org, &org.users[i], Expand::default()))
    })?;
    Ok(ok(v))
}

/// A PATCH's name (not blank) and email (well formed, no other user's).
fn check_name_and_email(org: &Org, id: &str, b: &UpdateUser) -> ApiResult<()> {
    if let Some(n) = &b.name
        && n.trim().is_empty()
    {
        return Err(ApiError::invalid("name", "The name cannot be empty.", None));
    }
    if let Some(e) = &b.email {
        if !valid_email(e) {
            return Err(ApiError::invalid(
                "email",
                format!("'{e}' is not a valid email address"),
                None,
            ));
        }
        if let Some(other) = org.user_by_email(e)
            && other.id != id
        {
            return Err(ApiError::conflict(format!(
                "A user with the email {e} already exists."
            )));
        }
    }
    Ok(())
}

/// A PATCH's `manager`: absent (no change), null or "" (cleared), a live user's id, or
/// `{"id": …}`; never the user itself.
fn patch_manager(
    org: &Org,
    id: &str,
    manager: Option<&Value>,
) -> ApiResult<Option<Option<String>>> {
    Ok(match manager {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(m)) if m.is_empty() => Some(None),
        Some(Value::String(m)) => {
            if m == id {
                return Err(ApiError::invalid(
                    "manager",
                    "A user cannot be their own manager.",
                    Some(m),
                ));
            }
            match org.user(m) {
                Some(u) if u.state != UserState::Deleted => Some(Some(m.clone())),
                _ => {
                    return Err(ApiError::invalid(
                        "manager",
                        format!("The manager {m} does not exist."),
                        Some(m),
                    ));
                }
            }
        }
        Some(Value::Object(o)) => match o.get("id").and_then(Value::as_str) {
            Some(m) if org.user(m).is_some_and(|u| u.state != UserState::Deleted) => {
                Some(Some(m.to_string()))
            }
            other => {
                return Err(ApiError::invalid(
                    "manager",
                    format!("The manager {} does not exist.", other.unwrap_or("")),
                    other,
                ));
            }
        },
        Some(_) => {
            return Err(ApiError::invalid(
                "manager",
                "manager must be a user id",
                None,
            ));
        }
    })
}

/// The answer to a PATCH with a stale version, in one of several wordings (the real text is
/// unverified: Terraform retries ANY 409 on an update, and a 400 saying "does not match the
/// current version", docs/genesys-api-notes.md §11.5). Some wordings do not say "version".
pub(super) fn stale_version(form: usize, id: &str, supplied: i64, current: i64) -> ApiError {
    let mut e = match form {
        0 => ApiError::conflict(format!(
            "The version supplied ({supplied}) does not match the current version of the user ({current})."
        )),
        1 => {
            ApiError::conflict("The user was modified by another request. Read it again and retry.")
        }
        2 => ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad.request",
            "The version supplied does not match the current version of the user.",
        ),
        _ => ApiError::conflict("Unable to save the user: it changed since it was read."),
    };
    e.entity_id = Some(id.to_string());
    e
}

pub(super) async fn delete_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    s.write(|org| {
        let i = live_index(org, &id)?;
        set_state(org, i, UserState::Deleted);
        org.users[i].version += 1;
        Ok(ok(json!({})))
    })
}
