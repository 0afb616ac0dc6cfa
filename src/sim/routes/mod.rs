//! The Platform API v2 routes, one file per area. Handlers lock the org briefly, validate
//! first and change second (an error leaves no trace), and build JSON in the real shapes.

pub mod authz;
pub mod directory;
pub mod license;
pub mod org;
pub mod queues;
pub mod routing;
pub mod telephony;
pub mod users;
pub mod utilization;

use super::server::AppState;
use super::state::{Org, User, state_str};
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .merge(users::routes())
        .merge(authz::routes())
        .merge(routing::routes())
        .merge(queues::routes())
        .merge(directory::routes())
        .merge(license::routes())
        .merge(telephony::routes())
        .merge(org::routes())
}

pub fn ok(v: Value) -> Response {
    axum::Json(v).into_response()
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

pub fn division_ref(org: &Org, id: &str) -> Value {
    let name = org.division(id).map(|d| d.name.as_str()).unwrap_or("");
    json!({"id": id, "name": name, "selfUri": format!("/api/v2/authorization/divisions/{id}")})
}

pub fn user_ref(org: &Org, id: &str) -> Value {
    let name = org.user(id).map(|u| u.name.as_str()).unwrap_or("");
    json!({"id": id, "name": name, "selfUri": format!("/api/v2/users/{id}")})
}

/// What `expand` asked for on a user.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expand {
    pub skills: bool,
    pub languages: bool,
    pub authorization: bool,
    pub groups: bool,
}

impl Expand {
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Expand {
        let mut e = Expand::default();
        for v in values {
            for p in v.split(',') {
                match p.trim() {
                    "skills" => e.skills = true,
                    "languages" => e.languages = true,
                    "authorization" | "authorization.unusedRoles" => e.authorization = true,
                    "groups" => e.groups = true,
                    _ => {}
                }
            }
        }
        e
    }
}

fn country_code(number: &str) -> Option<&'static str> {
    if number.starts_with("+44") {
        Some("GB")
    } else if number.starts_with("+1") {
        Some("US")
    } else {
        None
    }
}

/// A `Contact` as the real API reads it back. Phones come in four shapes (Terraform's
/// `flattenUserAddresses`, docs/genesys-api-notes.md §11.3):
/// 1. a number: `address` (+ `display`, `countryCode`);
/// 2. an extension in a pool: `extension` = `display`, and `address` filled too (some orgs
///    do; it is not the user's number);
/// 3. a number with its extension: `address` + `extension`, `display` = the number;
/// 4. an extension outside every pool: `display` only.
pub fn contact_json(org: &Org, c: &crate::sim::seed::SeedContact) -> Value {
    let mut v = json!({"mediaType": c.media_type, "type": c.r#type});
    match (&c.address, &c.extension) {
        (Some(a), None) => {
            v["address"] = json!(a);
            v["display"] = json!(a);
            if c.media_type != "EMAIL"
                && let Some(cc) = country_code(a)
            {
                v["countryCode"] = json!(cc);
            }
        }
        (None, Some(e)) if org.extension_pools.iter().any(|p| p.contains(e)) => {
            v["address"] = json!(e);
            v["extension"] = json!(e);
            v["display"] = json!(e);
        }
        (None, Some(e)) => v["display"] = json!(e),
        (Some(a), Some(e)) => {
            v["address"] = json!(a);
            v["extension"] = json!(e);
            v["display"] = json!(a);
            if let Some(cc) = country_code(a) {
                v["countryCode"] = json!(cc);
            }
        }
        (None, None) => {}
    }
    v
}

pub fn skill_json(org: &Org, user_id: &str, id: &str, p: f64) -> Value {
    let name = org.skill(id).map(|s| s.name.as_str()).unwrap_or("");
    json!({"id": id, "name": name, "proficiency": p, "state": "active",
           "skillUri": format!("/api/v2/routing/skills/{id}"),
           "selfUri": format!("/api/v2/users/{user_id}/routingskills/{id}")})
}

pub fn language_json(org: &Org, user_id: &str, id: &str, p: f64) -> Value {
    let name = org.language(id).map(|s| s.name.as_str()).unwrap_or("");
    json!({"id": id, "name": name, "proficiency": p, "state": "active",
           "languageUri": format!("/api/v2/routing/languages/{id}"),
           "selfUri": format!("/api/v2/users/{user_id}/routinglanguages/{id}")})
}

pub fn user_authorization(org: &Org, u: &User) -> Value {
    let mut seen = Vec::new();
    for (r, _) in &u.grants {
        if !seen.contains(&r) {
            seen.push(r);
        }
    }
    let roles: Vec<Value> = seen
        .iter()
        .map(|r| json!({"id": r, "name": org.role(r).map(|x| x.name.as_str()).unwrap_or("")}))
        .collect();
    json!({"roles": roles, "unusedRoles": [], "permissions": [], "permissionPolicies": []})
}

/// A `User` body in the real shape.
pub fn user_json(org: &Org, u: &User, ex: Expand) -> Value {
    let mut primary = vec![json!({"address": u.email, "mediaType": "EMAIL", "type": "PRIMARY"})];
    if let Some(p) = u.phones().next() {
        primary.push(json!({"address": p, "display": p, "mediaType": "PHONE", "type": "PRIMARY"}));
    }
    let jid = format!("{}@acme.orgspan.com", u.id.replace('-', ""));
    let mut v = json!({
        "id": u.id,
        "name": u.name,
        "division": division_ref(org, &u.division_id),
        "chat": {"jabberId": jid},
        "email": u.email,
        "primaryContactInfo": primary,
        "addresses": u.addresses.iter().map(|c| contact_json(org, c)).collect::<Vec<_>>(),
        "state": state_str(u.state),
        "username": u.email,
        "images": [],
        "version": u.version,
        "acdAutoAnswer": u.acd_auto_answer,
        "selfUri": format!("/api/v2/users/{}", u.id),
    });
    if let Some(d) = &u.department {
        v["department"] = json!(d);
    }
    if let Some(t) = &u.title {
        v["title"] = json!(t);
    }
    if let Some(p) = &u.preferred_name {
        v["preferredName"] = json!(p);
    }
    if let Some(m) = &u.manager_id {
        v["manager"] = json!({"id": m, "selfUri": format!("/api/v2/users/{m}")});
    }
    if ex.skills {
        v["skills"] = json!(
            u.skills
                .iter()
                .map(|(id, p)| skill_json(org, &u.id, id, *p))
                .collect::<Vec<_>>()
        );
    }
    if ex.languages {
        v["languages"] = json!(
            u.languages
                .iter()
                .map(|(id, p)| language_json(org, &u.id, id, *p))
                .collect::<Vec<_>>()
        );
    }
    if ex.authorization {
        v["authorization"] = user_authorization(org, u);
    }
    if ex.groups {
        v["groups"] = json!([]);
    }
    v
}
