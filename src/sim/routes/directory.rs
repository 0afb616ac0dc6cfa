//! What a queue names besides users and codes: Architect flows (`GET /api/v2/flows`), skill
//! groups (`GET /api/v2/routing/skillgroups`, cursor paging) and groups (`GET /api/v2/groups`).

use super::{division_ref, ok};
use crate::sim::error::ApiResult;
use crate::sim::paging::{Query, bad_param, name_filter, page_listing};
use crate::sim::queue_state::Group;
use crate::sim::queue_state::{Flow, SEED_DATE, SkillGroup};
use crate::sim::server::AppState;
use crate::sim::state::Org;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use base64::Engine;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/flows", get(list_flows))
        .route("/api/v2/routing/skillgroups", get(list_skill_groups))
        .route("/api/v2/groups", get(list_groups))
}

fn flow_json(org: &Org, f: &Flow) -> Value {
    json!({"id": f.id, "name": f.name, "division": division_ref(org, &f.division_id),
           "type": f.kind, "active": true, "system": false, "deleted": false,
           "selfUri": format!("/api/v2/flows/{}", f.id)})
}

/// The `name` filter of `GET /api/v2/flows`: case-insensitive, matching anywhere in the name
/// (`*` ignored). UNVERIFIED (assets/demo/ORG.md): Terraform keeps only exact names from the
/// answer, so a client must filter exactly itself.
fn flow_name_matches(name: &str, filter: &str) -> bool {
    let f = filter.trim_matches('*').to_lowercase();
    f.is_empty() || name.to_lowercase().contains(&f)
}

/// `GET /api/v2/flows?type=inqueuecall&name=…` (paged). `type` is taken in any case and
/// answered upper case, as the SDK's `Flow.type` enum has it.
async fn list_flows(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let types: Vec<String> = q.all("type").iter().map(|t| t.to_uppercase()).collect();
    let name = q.get("name").map(str::to_string);
    let ids = q.all("id");
    let divs = q.all("divisionId");
    // No flow is ever deleted in the simulator, so `deleted=true` changes nothing.
    q.bool("deleted")?;
    s.read(|org| {
        let mut matched: Vec<&Flow> = org
            .flows
            .iter()
            .filter(|f| types.is_empty() || types.contains(&f.kind))
            .filter(|f| {
                name.as_deref()
                    .is_none_or(|n| flow_name_matches(&f.name, n))
            })
            .filter(|f| ids.is_empty() || ids.contains(&f.id))
            .filter(|f| divs.is_empty() || divs.contains(&f.division_id))
            .collect();
        matched.sort_by_key(|f| f.name.to_lowercase());
        Ok(ok(page_listing(
            &matched,
            page,
            uri.path(),
            &q,
            false,
            |f| flow_json(org, f),
        )))
    })
}

fn skill_group_json(org: &Org, g: &SkillGroup) -> Value {
    let mut v = json!({"id": g.id, "name": g.name, "division": division_ref(org, &g.division_id),
                       "memberCount": 0, "dateModified": SEED_DATE, "dateCreated": SEED_DATE,
                       "selfUri": format!("/api/v2/routing/skillgroups/{}", g.id)});
    if let Some(d) = &g.description {
        v["description"] = json!(d);
    }
    v
}

/// An opaque cursor for a position in the skill-group listing.
fn cursor(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("skillgroups:{offset}"))
}

fn offset_of(cursor: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("skillgroups:")?
        .parse()
        .ok()
}

/// `GET /api/v2/routing/skillgroups?name=&pageSize=&after=&before=`: a name prefix
/// (case-insensitive, SDK doc) and cursor paging — `SkillGroupEntityListing` has only
/// `entities`, `nextUri`, `previousUri` and `selfUri`.
async fn list_skill_groups(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let size = q.page(100)?.size;
    let name = q.get("name").map(str::to_string);
    let (start, end) = match (q.get("after"), q.get("before")) {
        (Some(a), _) => {
            let o = offset_of(a).ok_or_else(|| bad_param("after", a))?;
            (o, o + size)
        }
        (None, Some(b)) => {
            let o = offset_of(b).ok_or_else(|| bad_param("before", b))?;
            (o.saturating_sub(size), o)
        }
        (None, None) => (0, size),
    };
    s.read(|org| {
        let matched: Vec<&SkillGroup> = org
            .skill_groups
            .iter()
            .filter(|g| name_filter(&g.name, name.as_deref()))
            .collect();
        let start = start.min(matched.len());
        let end = end.min(matched.len());
        let entities: Vec<Value> = matched[start..end]
            .iter()
            .map(|g| skill_group_json(org, g))
            .collect();
        let base = |extra: String| {
            let mut u = format!("{}?pageSize={size}", uri.path());
            if let Some(n) = &name {
                u.push_str(&format!(
                    "&{}",
                    url::form_urlencoded::Serializer::new(String::new())
                        .append_pair("name", n)
                        .finish()
                ));
            }
            u + &extra
        };
        let mut v = json!({"entities": entities, "selfUri": base(String::new())});
        if end < matched.len() {
            v["nextUri"] = json!(base(format!("&after={}", cursor(end))));
        }
        if start > 0 {
            v["previousUri"] = json!(base(format!("&before={}", cursor(start))));
        }
        Ok(ok(v))
    })
}

fn group_json(g: &Group) -> Value {
    json!({"id": g.id, "name": g.name, "dateModified": SEED_DATE, "memberCount": g.member_ids.len(),
           "state": "active", "version": 1, "type": "official", "rulesVisible": true,
           "visibility": "public", "selfUri": format!("/api/v2/groups/{}", g.id)})
}

/// `GET /api/v2/groups?pageSize=&pageNumber=&id=&sortOrder=` (no name filter in the API:
/// names are found by listing, or by the groups search).
async fn list_groups(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let ids = q.all("id");
    let desc = q
        .get("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("descending") || o.eq_ignore_ascii_case("desc"));
    s.read(|org| {
        let mut matched: Vec<&Group> = org
            .groups
            .iter()
            .filter(|g| ids.is_empty() || ids.contains(&g.id))
            .collect();
        matched.sort_by_key(|g| g.name.to_lowercase());
        if desc {
            matched.reverse();
        }
        Ok(ok(page_listing(
            &matched,
            page,
            uri.path(),
            &q,
            false,
            |g| group_json(g),
        )))
    })
}
