//! Users: create, list, get, patch (versions, state changes, restore), delete (soft),
//! search, external ids, roles, routing skills and languages per user, queues per user.

use super::{Expand, language_json, no_content, ok, skill_json, user_authorization, user_json};
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, listing};
use crate::sim::seed::{SeedContact, SeedExternalId};
use crate::sim::server::AppState;
use crate::sim::state::{Org, User, state_str};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

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

fn live_index(org: &Org, id: &str) -> ApiResult<usize> {
    match org.index_of(id) {
        Some(i) if org.users[i].state != UserState::Deleted => Ok(i),
        _ => Err(ApiError::not_found("user", id)),
    }
}

fn parse_state(s: &str, field: &str) -> ApiResult<UserState> {
    match s {
        "active" => Ok(UserState::Active),
        "inactive" => Ok(UserState::Inactive),
        "deleted" => Ok(UserState::Deleted),
        other => Err(ApiError::invalid(
            field,
            format!("'{other}' is not a valid state (active, inactive, deleted)"),
            None,
        )),
    }
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn valid_e164(p: &str) -> bool {
    let Some(d) = p.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactIn {
    address: Option<String>,
    extension: Option<String>,
    media_type: Option<String>,
    r#type: Option<String>,
}

const CONTACT_TYPES: [&str; 9] = [
    "PRIMARY", "WORK", "WORK2", "WORK3", "WORK4", "HOME", "MOBILE", "MAIN", "OTHER",
];

/// Validates `addresses`: shapes, E.164, extension pools, and that a DID or extension
/// belongs to no other user. A phone contact may carry a number AND its extension (one
/// `PHONE`/`WORK` entry, as Terraform writes them: docs/genesys-api-notes.md §11.2); two entries with
/// the same `mediaType` and `type` are refused. An extension outside every pool is accepted
/// only when the user already holds it (it was given before the pool existed and comes back
/// as `display` only), so a client can send the user's contacts back unchanged.
fn check_addresses(
    org: &Org,
    list: &[ContactIn],
    self_id: Option<&str>,
) -> ApiResult<Vec<SeedContact>> {
    let mut out: Vec<SeedContact> = Vec::new();
    for c in list {
        let contact = check_contact(org, c, self_id)?;
        if out
            .iter()
            .any(|o| o.media_type == contact.media_type && o.r#type == contact.r#type)
        {
            return Err(ApiError::invalid(
                "addresses",
                format!(
                    "Only one {} contact of type {} is allowed.",
                    contact.media_type, contact.r#type
                ),
                None,
            ));
        }
        if out.iter().any(|o| {
            (contact.address.is_some() && o.address == contact.address)
                || (contact.extension.is_some() && o.extension == contact.extension)
        }) {
            return Err(ApiError::invalid(
                "addresses",
                "The same number appears twice.",
                None,
            ));
        }
        out.push(contact);
    }
    Ok(out)
}

/// One `addresses` entry: media type, type, and the address / extension rules.
fn check_contact(org: &Org, c: &ContactIn, self_id: Option<&str>) -> ApiResult<SeedContact> {
    let media = c.media_type.clone().unwrap_or_else(|| "PHONE".into());
    if !["PHONE", "EMAIL", "SMS"].contains(&media.as_str()) {
        return Err(ApiError::invalid(
            "addresses.mediaType",
            format!("'{media}' is not a valid mediaType (PHONE, EMAIL, SMS)"),
            None,
        ));
    }
    let typ = c.r#type.clone().unwrap_or_else(|| "WORK".into());
    if !CONTACT_TYPES.contains(&typ.as_str()) {
        return Err(ApiError::invalid(
            "addresses.type",
            format!("'{typ}' is not a valid contact type"),
            None,
        ));
    }
    let address = c.address.clone().filter(|a| !a.is_empty());
    let extension = c.extension.clone().filter(|a| !a.is_empty());
    if address.is_none() && extension.is_none() {
        return Err(ApiError::invalid(
            "addresses",
            "A contact needs an address or an extension.",
            None,
        ));
    }
    if media == "EMAIL" {
        if extension.is_some() {
            return Err(ApiError::invalid(
                "addresses.extension",
                "An EMAIL contact cannot have an extension.",
                None,
            ));
        }
        if let Some(a) = &address
            && !valid_email(a)
        {
            return Err(ApiError::invalid(
                "addresses.address",
                format!("'{a}' is not a valid email address"),
                None,
            ));
        }
    } else if let Some(a) = &address {
        check_number(org, &media, a, self_id)?;
    }
    if let Some(x) = &extension {
        check_extension(org, x, self_id)?;
    }
    Ok(SeedContact {
        address,
        extension,
        media_type: media,
        r#type: typ,
    })
}

fn check_number(org: &Org, media: &str, a: &str, self_id: Option<&str>) -> ApiResult<()> {
    if !valid_e164(a) {
        return Err(ApiError::invalid(
            "addresses.address",
            format!("'{a}' is not a valid E.164 phone number"),
            None,
        ));
    }
    if media == "PHONE"
        && let Some(owner) = org.owner_of_number(a, false)
        && Some(owner.id.as_str()) != self_id
    {
        let mut e = ApiError::bad_request(format!(
            "The phone number {a} is already assigned to another user."
        ));
        e.details.push(json!({"errorCode": "phone.number.in.use", "fieldName": "addresses.address", "entityId": owner.id}));
        return Err(e);
    }
    Ok(())
}

fn check_extension(org: &Org, x: &str, self_id: Option<&str>) -> ApiResult<()> {
    if !(2..=10).contains(&x.len()) || !x.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(
            "addresses.extension",
            format!("'{x}' is not a valid extension"),
            None,
        ));
    }
    let owner = org.owner_of_number(x, true);
    let already_mine = self_id.is_some() && owner.map(|o| o.id.as_str()) == self_id;
    if !already_mine && !org.extension_pools.iter().any(|p| p.contains(x)) {
        return Err(ApiError::invalid(
            "addresses.extension",
            format!("The extension {x} is not in any extension pool."),
            None,
        ));
    }
    if let Some(owner) = owner
        && Some(owner.id.as_str()) != self_id
    {
        let mut e = ApiError::bad_request(format!(
            "The extension {x} is already assigned to another user."
        ));
        e.details.push(json!({"errorCode": "extension.in.use", "fieldName": "addresses.extension", "entityId": owner.id}));
        return Err(e);
    }
    Ok(())
}

fn expand_of(q: &Query) -> Expand {
    let v = q.all("expand");
    Expand::parse(v.iter().map(String::as_str))
}

// ---- create / get / list ------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateUser {
    name: Option<String>,
    email: Option<String>,
    division_id: Option<String>,
    department: Option<String>,
    title: Option<String>,
    password: Option<String>,
    addresses: Option<Vec<ContactIn>>,
    state: Option<String>,
}

async fn create_user(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
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
        };
        let i = org.insert_user(user);
        Ok(user_json(org, &org.users[i], Expand::default()))
    })?;
    Ok((StatusCode::OK, axum::Json(v)).into_response())
}

async fn get_user(
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

async fn list_users(
    State(s): State<AppState>,
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
        let mut matched: Vec<&User> = org
            .users
            .iter()
            .filter(|u| state.is_none_or(|st| u.state == st))
            .filter(|u| ids.is_empty() || ids.contains(&u.id))
            .collect();
        if desc {
            matched.reverse();
        }
        let r = page.range(matched.len());
        let entities = matched[r].iter().map(|u| user_json(org, u, ex)).collect();
        listing(entities, matched.len(), page, uri.path(), &q, false)
    });
    Ok(ok(body))
}

// ---- patch / delete -----------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateUser {
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
fn set_state(org: &mut Org, i: usize, new: UserState) {
    let old = org.users[i].state;
    if old == new {
        return;
    }
    let id = org.users[i].id.clone();
    if new == UserState::Deleted {
        for q in &mut org.queues {
            q.members.retain(|m| m != &id);
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

async fn patch_user(
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
        let manager = match &b.manager {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(m)) if m.is_empty() => Some(None),
            Some(Value::String(m)) => {
                if m == &id {
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
        };
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

/// The answer to a PATCH with a stale version, in one of several wordings (the real text is
/// unverified: Terraform retries ANY 409 on an update, and a 400 saying "does not match the
/// current version", docs/genesys-api-notes.md §11.5). Some wordings do not say "version".
fn stale_version(form: usize, id: &str, supplied: i64, current: i64) -> ApiError {
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

async fn delete_user(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.write(|org| {
        let i = live_index(org, &id)?;
        set_state(org, i, UserState::Deleted);
        org.users[i].version += 1;
        Ok(ok(json!({})))
    })
}

// ---- search -------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page_size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sort_order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sort_by: Option<String>,
    #[serde(default)]
    query: Vec<Criteria>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    expand: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Criteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    operator: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    group: Vec<Criteria>,
}

fn field_values(org: &Org, u: &User, field: &str) -> ApiResult<Vec<String>> {
    Ok(match field {
        "email" | "username" => vec![u.email.to_lowercase()],
        "name" => vec![u.name.to_lowercase()],
        "id" => vec![u.id.to_lowercase()],
        "state" => vec![state_str(u.state).to_string()],
        "department" => u.department.iter().map(|d| d.to_lowercase()).collect(),
        "title" => u.title.iter().map(|d| d.to_lowercase()).collect(),
        "division.id" | "divisionId" => vec![u.division_id.to_lowercase()],
        "manager.id" => u.manager_id.iter().map(|d| d.to_lowercase()).collect(),
        "addresses" | "addresses.address" | "phone" => u
            .addresses
            .iter()
            .filter_map(|a| a.address.clone().or_else(|| a.extension.clone()))
            .map(|a| a.to_lowercase())
            .collect(),
        "routingSkills" | "skills" => u
            .skills
            .iter()
            .filter_map(|(s, _)| org.skill(s).map(|x| x.name.to_lowercase()))
            .collect(),
        "languages" => u
            .languages
            .iter()
            .filter_map(|(s, _)| org.language(s).map(|x| x.name.to_lowercase()))
            .collect(),
        other => {
            return Err(ApiError::invalid(
                "query.fields",
                format!("'{other}' is not a searchable user field"),
                None,
            ));
        }
    })
}

fn criteria_match(org: &Org, u: &User, c: &Criteria) -> ApiResult<bool> {
    let typ = c
        .r#type
        .as_deref()
        .ok_or_else(|| ApiError::missing("query.type"))?;
    if !c.group.is_empty() {
        return group_match(org, u, &c.group);
    }
    let mut wanted: Vec<String> = c.values.iter().map(|v| v.to_lowercase()).collect();
    if let Some(v) = &c.value {
        wanted.push(v.to_lowercase());
    }
    let mut any = false;
    for f in &c.fields {
        let have = field_values(org, u, f)?;
        let hit = match typ {
            "EXACT" | "TERM" | "TERMS" => have.iter().any(|h| wanted.iter().any(|w| h == w)),
            "STARTS_WITH" => have
                .iter()
                .any(|h| wanted.iter().any(|w| h.starts_with(w.as_str()))),
            "CONTAINS" | "QUERY_STRING" => have
                .iter()
                .any(|h| wanted.iter().any(|w| h.contains(w.as_str()))),
            "REQUIRED_FIELDS" => !have.is_empty(),
            "MATCH_ALL" => true,
            "REGEX" => {
                return Err(ApiError::invalid(
                    "query.type",
                    "REGEX is not supported by the simulator",
                    None,
                ));
            }
            "RANGE" | "DATE_RANGE" => {
                return Err(ApiError::invalid(
                    "query.type",
                    format!("{typ} is not supported on user fields"),
                    None,
                ));
            }
            other => {
                return Err(ApiError::invalid(
                    "query.type",
                    format!("'{other}' is not a valid search type"),
                    None,
                ));
            }
        };
        any |= hit;
    }
    if typ == "MATCH_ALL" {
        return Ok(true);
    }
    if c.fields.is_empty() {
        return Err(ApiError::missing("query.fields"));
    }
    Ok(any)
}

fn group_match(org: &Org, u: &User, list: &[Criteria]) -> ApiResult<bool> {
    let mut acc: Option<bool> = None;
    for c in list {
        let m = criteria_match(org, u, c)?;
        acc = Some(match (acc, c.operator.as_deref().unwrap_or("AND")) {
            (None, "NOT") => !m,
            (None, _) => m,
            (Some(a), "OR") => a || m,
            (Some(a), "NOT") => a && !m,
            (Some(a), _) => a && m,
        });
    }
    Ok(acc.unwrap_or(true))
}

fn mentions_state(list: &[Criteria]) -> bool {
    list.iter()
        .any(|c| c.fields.iter().any(|f| f == "state") || mentions_state(&c.group))
}

fn run_search(s: &AppState, req: SearchRequest) -> ApiResult<Value> {
    let size = req.page_size.unwrap_or(25);
    let number = req.page_number.unwrap_or(1);
    if !(1..=100).contains(&size) {
        return Err(ApiError::invalid(
            "pageSize",
            format!("pageSize {size} is out of range (1-100)"),
            None,
        ));
    }
    if number < 1 {
        return Err(ApiError::invalid(
            "pageNumber",
            format!("pageNumber {number} is out of range"),
            None,
        ));
    }
    let page = crate::sim::paging::Page {
        size: size as usize,
        number: number as usize,
    };
    let ex = Expand::parse(req.expand.iter().map(String::as_str));
    let with_state = mentions_state(&req.query);
    let (total, results) = s.read(|org| -> ApiResult<(usize, Vec<Value>)> {
        let mut hits = Vec::new();
        for u in &org.users {
            if !with_state && u.state == UserState::Deleted {
                continue;
            }
            if group_match(org, u, &req.query)? {
                hits.push(u);
            }
        }
        if req
            .sort_order
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case("DESC"))
        {
            hits.reverse();
        }
        let r = page.range(hits.len());
        Ok((
            hits.len(),
            hits[r].iter().map(|u| user_json(org, u, ex)).collect(),
        ))
    })?;
    let page_count = page.count(total);
    let q64 = |n: usize| {
        let mut r = req.clone();
        r.page_number = Some(n as i64);
        r.page_size = Some(size);
        base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&r).unwrap_or_default())
    };
    let mut v = json!({
        "total": total,
        "pageCount": page_count,
        "pageSize": size,
        "pageNumber": number,
        "currentPage": q64(page.number),
        "types": ["users"],
        "results": results,
    });
    if page.number < page_count {
        v["nextPage"] = json!(q64(page.number + 1));
    }
    if page.number > 1 {
        v["previousPage"] = json!(q64(page.number - 1));
    }
    Ok(v)
}

async fn search_users(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let req: SearchRequest = parse_body(&body)?;
    Ok(ok(run_search(&s, req)?))
}

async fn search_q64(State(s): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let q64 = q.get("q64").ok_or_else(|| ApiError::missing("q64"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(q64)
        .map_err(|_| ApiError::invalid("q64", "q64 is not a valid search token", None))?;
    let req: SearchRequest = parse_body(&bytes)?;
    Ok(ok(run_search(&s, req)?))
}

// ---- external ids -------------------------------------------------------------------

fn ext_json(user_id: &str, e: &SeedExternalId) -> Value {
    json!({"authorityName": e.authority_name, "externalKey": e.external_key,
           "selfUri": format!("/api/v2/users/{user_id}/externalid/{}/{}", e.authority_name, e.external_key)})
}

async fn user_by_external_id(
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
            .ok_or_else(|| ApiError::not_found("external id", &format!("{auth}/{key}")))
    })
}

async fn list_external_ids(
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

async fn list_external_ids_by_authority(
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
            .ok_or_else(|| ApiError::not_found("external id", &auth))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalIdIn {
    authority_name: Option<String>,
    external_key: Option<String>,
}

async fn add_external_id(
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

async fn delete_external_id(
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
            return Err(ApiError::not_found("external id", &format!("{auth}/{key}")));
        }
        Ok(no_content())
    })
}

// ---- roles --------------------------------------------------------------------------

async fn get_user_roles(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        let u = live_user(org, &id)?;
        Ok(ok(user_authorization(org, u)))
    })
}

async fn put_user_roles(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let roles: Vec<String> = parse_body(&body)?;
    s.write(|org| {
        let i = live_index(org, &id)?;
        for r in &roles {
            if org.role(r).is_none() {
                return Err(ApiError::invalid(
                    "roleId",
                    format!("The role {r} does not exist."),
                    Some(r),
                ));
            }
        }
        let home = org.home_division().id.clone();
        let u = &mut org.users[i];
        u.grants.retain(|(r, _)| roles.contains(r));
        for r in &roles {
            if !u.grants.iter().any(|(x, _)| x == r) {
                u.grants.push((r.clone(), home.clone()));
            }
        }
        Ok(ok(user_authorization(org, &org.users[i])))
    })
}

// ---- routing skills and languages ---------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProficiencyIn {
    id: Option<String>,
    proficiency: Option<f64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Skill,
    Language,
}

impl Kind {
    fn field(self) -> &'static str {
        match self {
            Kind::Skill => "skill",
            Kind::Language => "language",
        }
    }
    fn exists(self, org: &Org, id: &str) -> bool {
        match self {
            Kind::Skill => org.skill(id).is_some(),
            Kind::Language => org.language(id).is_some(),
        }
    }
    fn list(self, u: &mut User) -> &mut Vec<(String, f64)> {
        match self {
            Kind::Skill => &mut u.skills,
            Kind::Language => &mut u.languages,
        }
    }
    fn json(self, org: &Org, uid: &str, id: &str, p: f64) -> Value {
        match self {
            Kind::Skill => skill_json(org, uid, id, p),
            Kind::Language => language_json(org, uid, id, p),
        }
    }
}

fn check_prof(
    org: &Org,
    kind: Kind,
    items: &[ProficiencyIn],
    id_in_path: Option<&str>,
) -> ApiResult<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for it in items {
        let id = it
            .id
            .clone()
            .or_else(|| id_in_path.map(str::to_string))
            .ok_or_else(|| ApiError::missing("id"))?;
        if !kind.exists(org, &id) {
            return Err(ApiError::invalid(
                "id",
                format!("The {} {id} does not exist.", kind.field()),
                Some(&id),
            ));
        }
        let p = it
            .proficiency
            .ok_or_else(|| ApiError::missing("proficiency"))?;
        if !(0.0..=5.0).contains(&p) {
            return Err(ApiError::invalid(
                "proficiency",
                format!("Proficiency {p} is out of range (0.0-5.0)."),
                Some(&id),
            ));
        }
        out.push((id, p));
    }
    Ok(out)
}

fn prof_listing(org: &Org, kind: Kind, u: &User, q: &Query, path: &str) -> ApiResult<Value> {
    let page = q.page(500)?;
    let list = match kind {
        Kind::Skill => &u.skills,
        Kind::Language => &u.languages,
    };
    let r = page.range(list.len());
    let entities = list[r]
        .iter()
        .map(|(id, p)| kind.json(org, &u.id, id, *p))
        .collect();
    Ok(listing(entities, list.len(), page, path, q, false))
}

async fn prof_get(
    s: AppState,
    kind: Kind,
    id: String,
    uri: Uri,
    raw: Option<String>,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    s.read(|org| {
        let u = live_user(org, &id)?;
        Ok(ok(prof_listing(org, kind, u, &q, uri.path())?))
    })
}

async fn prof_post(s: AppState, kind: Kind, id: String, body: Bytes) -> ApiResult<Response> {
    let item: ProficiencyIn = parse_body(&body)?;
    s.write(|org| {
        let i = live_index(org, &id)?;
        let items = check_prof(org, kind, std::slice::from_ref(&item), None)?;
        let (sid, p) = items
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::missing("id"))?;
        let list = kind.list(&mut org.users[i]);
        match list.iter_mut().find(|(x, _)| *x == sid) {
            Some(e) => e.1 = p,
            None => list.push((sid.clone(), p)),
        }
        Ok(ok(kind.json(org, &id, &sid, p)))
    })
}

async fn prof_bulk(
    s: AppState,
    kind: Kind,
    id: String,
    uri: Uri,
    body: Bytes,
    replace: bool,
) -> ApiResult<Response> {
    let items: Vec<ProficiencyIn> = parse_body(&body)?;
    if items.len() > 50 {
        let mut e = ApiError::bad_request(format!(
            "At most 50 {}s may be sent per request; got {}.",
            kind.field(),
            items.len()
        ));
        e.details
            .push(json!({"errorCode": "bad.request", "fieldName": "body"}));
        return Err(e);
    }
    s.write(|org| {
        let i = live_index(org, &id)?;
        let items = check_prof(org, kind, &items, None)?;
        let list = kind.list(&mut org.users[i]);
        if replace {
            list.clear();
        }
        for (sid, p) in items {
            match list.iter_mut().find(|(x, _)| *x == sid) {
                Some(e) => e.1 = p,
                None => list.push((sid, p)),
            }
        }
        let q = Query(Vec::new());
        Ok(ok(prof_listing(
            org,
            kind,
            &org.users[i],
            &q,
            uri.path().trim_end_matches("/bulk"),
        )?))
    })
}

async fn prof_put_one(
    s: AppState,
    kind: Kind,
    id: String,
    sid: String,
    body: Bytes,
) -> ApiResult<Response> {
    let item: ProficiencyIn = parse_body(&body)?;
    s.write(|org| {
        let i = live_index(org, &id)?;
        let items = check_prof(org, kind, std::slice::from_ref(&item), Some(&sid))?;
        let (_, p) = items
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::missing("proficiency"))?;
        let list = kind.list(&mut org.users[i]);
        match list.iter_mut().find(|(x, _)| *x == sid) {
            Some(e) => e.1 = p,
            None => list.push((sid.clone(), p)),
        }
        Ok(ok(kind.json(org, &id, &sid, p)))
    })
}

async fn prof_delete(s: AppState, kind: Kind, id: String, sid: String) -> ApiResult<Response> {
    s.write(|org| {
        let i = live_index(org, &id)?;
        if !kind.exists(org, &sid) {
            return Err(ApiError::not_found(kind.field(), &sid));
        }
        kind.list(&mut org.users[i]).retain(|(x, _)| *x != sid);
        Ok(no_content())
    })
}

async fn get_skills(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    prof_get(s, Kind::Skill, id, uri, raw).await
}
async fn get_languages(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    prof_get(s, Kind::Language, id, uri, raw).await
}
async fn post_skill(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_post(s, Kind::Skill, id, body).await
}
async fn post_language(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_post(s, Kind::Language, id, body).await
}
async fn patch_skills_bulk(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> ApiResult<Response> {
    prof_bulk(s, Kind::Skill, id, uri, body, false).await
}
async fn put_skills_bulk(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> ApiResult<Response> {
    prof_bulk(s, Kind::Skill, id, uri, body, true).await
}
async fn patch_languages_bulk(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> ApiResult<Response> {
    prof_bulk(s, Kind::Language, id, uri, body, false).await
}
async fn put_skill(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_put_one(s, Kind::Skill, id, sid, body).await
}
async fn patch_language(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_put_one(s, Kind::Language, id, sid, body).await
}
async fn delete_skill(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<Response> {
    prof_delete(s, Kind::Skill, id, sid).await
}
async fn delete_language(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<Response> {
    prof_delete(s, Kind::Language, id, sid).await
}

// ---- queues of a user ---------------------------------------------------------------

async fn get_user_queues(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let divs = q.all("divisionId");
    let joined = q.bool("joined")?;
    s.read(|org| {
        live_user(org, &id)?;
        let list: Vec<_> = org
            .queues_of(&id)
            .filter(|qu| divs.is_empty() || divs.contains(&qu.division_id))
            .filter(|_| joined != Some(false))
            .collect();
        let r = page.range(list.len());
        let entities = list[r]
            .iter()
            .map(|qu| {
                let mut v = super::routing::queue_json(org, qu);
                v["joined"] = json!(true);
                if let Some(o) = v.as_object_mut() {
                    o.remove("autoAnswerOnly");
                }
                v
            })
            .collect();
        Ok(ok(listing(
            entities,
            list.len(),
            page,
            uri.path(),
            &q,
            false,
        )))
    })
}

// ---- invite / password ------------------------------------------------------------------

/// `POST /users/{id}/invite?force=bool` → 204. Without `force`, an already invited user is
/// not invited again (still 204).
async fn invite(
    State(s): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let force = q.bool("force")?.unwrap_or(false);
    s.write(|org| {
        let i = live_index(org, &id)?;
        let u = &mut org.users[i];
        if force || u.invites_sent == 0 {
            u.invites_sent += 1;
        }
        Ok(no_content())
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordIn {
    new_password: Option<String>,
}

/// `POST /users/{id}/password` `{"newPassword": …}` → 204; the password is not stored.
async fn set_password(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: PasswordIn = parse_body(&body)?;
    let pw = b
        .new_password
        .ok_or_else(|| ApiError::missing("newPassword"))?;
    if pw.chars().count() < 8 {
        return Err(ApiError::invalid(
            "newPassword",
            "The password does not meet the password policy (at least 8 characters).",
            None,
        ));
    }
    s.write(|org| {
        let i = live_index(org, &id)?;
        org.users[i].password_set = true;
        Ok(no_content())
    })
}
