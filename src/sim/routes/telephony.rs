//! Telephony (read-only): trunks, trunk base settings (`properties.trunk_max_calls` holds the
//! channel count), DID pools, `didpools/dids`, DIDs in use, extension pools, extensions in use.

use super::{division_ref, ok, user_ref};
use crate::sim::error::{ApiError, ApiResult};
use crate::sim::paging::{Query, listing, page_listing};
use crate::sim::server::AppState;
use crate::sim::state::{Org, Pool, Trunk};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

const BASE: &str = "/api/v2/telephony/providers/edges";
const DATE: &str = "2026-01-05T09:00:00.000Z";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/telephony/providers/edges/trunks", get(trunks))
        .route(
            "/api/v2/telephony/providers/edges/trunks/{trunkId}",
            get(trunk),
        )
        .route(
            "/api/v2/telephony/providers/edges/trunkbasesettings",
            get(bases),
        )
        .route(
            "/api/v2/telephony/providers/edges/trunkbasesettings/{trunkBaseSettingsId}",
            get(base),
        )
        .route("/api/v2/telephony/providers/edges/didpools", get(did_pools))
        .route("/api/v2/telephony/providers/edges/didpools/dids", get(dids))
        .route(
            "/api/v2/telephony/providers/edges/didpools/{didPoolId}",
            get(did_pool),
        )
        .route(
            "/api/v2/telephony/providers/edges/extensionpools",
            get(ext_pools),
        )
        .route(
            "/api/v2/telephony/providers/edges/extensionpools/{extensionPoolId}",
            get(ext_pool),
        )
        .route(
            "/api/v2/telephony/providers/edges/extensions",
            get(extensions),
        )
        .route("/api/v2/telephony/providers/edges/dids", get(list_dids))
        .route(
            "/api/v2/telephony/providers/edges/dids/{didId}",
            get(get_did),
        )
}

fn home(org: &Org) -> Value {
    division_ref(org, &org.home_division().id)
}

fn metabase() -> Value {
    json!({"id": "external_sip_pcv_byoc_carrier.json", "name": "Generic BYOC Carrier"})
}

fn trunk_json(org: &Org, t: &Trunk) -> Value {
    json!({
        "id": t.id, "name": t.name, "division": home(org), "state": "active", "version": 1,
        "dateCreated": DATE, "dateModified": DATE,
        "trunkType": "EXTERNAL",
        "trunkBase": {"id": t.base_id, "name": t.name, "selfUri": format!("{BASE}/trunkbasesettings/{}", t.base_id)},
        "trunkMetabase": metabase(),
        "inService": t.in_service,
        "enabled": true,
        "connectedStatus": {"connected": t.in_service, "connectedStateTime": DATE},
        "optionsEnabledStatus": "ENABLED",
        "registersEnabledStatus": "DISABLED",
        "family": 2,
        "selfUri": format!("{BASE}/trunks/{}", t.id),
    })
}

fn base_json(org: &Org, t: &Trunk) -> Value {
    let mut props = json!({
        "trunk_label": {"type": "string", "value": {"default": null, "instance": t.name}},
        "trunk_enabled": {"type": "boolean", "value": {"default": true, "instance": true}},
    });
    if let Some(c) = t.channels {
        props["trunk_max_calls"] =
            json!({"type": "integer", "value": {"default": 0, "instance": c}});
    }
    json!({
        "id": t.base_id, "name": t.name, "division": home(org), "state": "active", "version": 1,
        "dateCreated": DATE, "dateModified": DATE,
        "trunkMetabase": metabase(), "properties": props, "trunkType": "EXTERNAL", "managed": false,
        "selfUri": format!("{BASE}/trunkbasesettings/{}", t.base_id),
    })
}

async fn trunks(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let base = q.get("trunkBaseId").map(str::to_string);
    let typ = q.get("trunkType").map(str::to_string);
    s.read(|org| {
        let m: Vec<&Trunk> = org
            .trunks
            .iter()
            .filter(|t| base.as_deref().is_none_or(|b| b == t.base_id))
            .filter(|_| typ.as_deref().is_none_or(|t| t == "EXTERNAL"))
            .collect();
        Ok(ok(page_listing(&m, page, uri.path(), &q, true, |t| {
            trunk_json(org, t)
        })))
    })
}

/// `GET` of a whole collection: paged (up to 500 a page), with totals.
fn list_all<T>(
    s: &AppState,
    uri: &Uri,
    raw: Option<&str>,
    items: impl FnOnce(&Org) -> &[T],
    json: fn(&Org, &T) -> Value,
) -> ApiResult<Response> {
    let q = Query::parse(raw);
    let page = q.page(500)?;
    s.read(|org| {
        Ok(ok(page_listing(
            items(org),
            page,
            uri.path(),
            &q,
            true,
            |t| json(org, t),
        )))
    })
}

/// `GET …/{id}` of one item of a collection: its body, or the API's 404 naming `what`.
fn get_one<T>(
    s: &AppState,
    what: &str,
    id: &str,
    items: impl FnOnce(&Org) -> &[T],
    is: impl Fn(&T) -> bool,
    json: fn(&Org, &T) -> Value,
) -> ApiResult<Response> {
    s.read(|org| {
        items(org)
            .iter()
            .find(|t| is(t))
            .map(|t| ok(json(org, t)))
            .ok_or_else(|| ApiError::not_found(what, id))
    })
}

async fn trunk(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    get_one(&s, "trunk", &id, |o| &o.trunks, |t| t.id == id, trunk_json)
}

async fn bases(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    list_all(&s, &uri, raw.as_deref(), |o| &o.trunks, base_json)
}

async fn base(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let is = |t: &Trunk| t.base_id == id;
    get_one(&s, "trunk base settings", &id, |o| &o.trunks, is, base_json)
}

fn did_pool_json(org: &Org, p: &Pool) -> Value {
    json!({"id": p.id, "name": format!("{} - {}", p.start, p.end), "division": home(org), "state": "active",
           "version": 1, "dateCreated": DATE, "dateModified": DATE,
           "startPhoneNumber": p.start, "endPhoneNumber": p.end, "provider": "PURE_CLOUD",
           "selfUri": format!("{BASE}/didpools/{}", p.id)})
}

fn ext_pool_json(org: &Org, p: &Pool) -> Value {
    json!({"id": p.id, "name": format!("{} - {}", p.start, p.end), "division": home(org), "state": "active",
           "version": 1, "dateCreated": DATE, "dateModified": DATE,
           "startNumber": p.start, "endNumber": p.end,
           "selfUri": format!("{BASE}/extensionpools/{}", p.id)})
}

async fn did_pools(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    list_all(&s, &uri, raw.as_deref(), |o| &o.did_pools, did_pool_json)
}

async fn did_pool(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let is = |p: &Pool| p.id == id;
    get_one(&s, "DID pool", &id, |o| &o.did_pools, is, did_pool_json)
}

async fn ext_pools(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    list_all(
        &s,
        &uri,
        raw.as_deref(),
        |o| &o.extension_pools,
        ext_pool_json,
    )
}

async fn ext_pool(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let is = |p: &Pool| p.id == id;
    get_one(
        &s,
        "extension pool",
        &id,
        |o| &o.extension_pools,
        is,
        ext_pool_json,
    )
}

/// `GET …/didpools/dids?type=ASSIGNED_AND_UNASSIGNED|UNASSIGNED&id=POOL&numberMatch=…`
async fn dids(State(s): State<AppState>, uri: Uri, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let typ = q
        .get("type")
        .ok_or_else(|| ApiError::missing("type"))?
        .to_string();
    let unassigned_only = match typ.as_str() {
        "ASSIGNED_AND_UNASSIGNED" => false,
        "UNASSIGNED" => true,
        other => return Err(crate::sim::paging::bad_param("type", other)),
    };
    let pools = q.all("id");
    let number_match = q
        .get("numberMatch")
        .map(|m| m.trim_start_matches('+').to_string());
    let desc = q
        .get("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("descending") || o.eq_ignore_ascii_case("desc"));
    s.read(|org| {
        let owners = org.number_owners(false);
        let mut rows: Vec<(String, &Pool, Option<usize>)> = Vec::new();
        for p in org.did_pools.iter().filter(|p| pools.is_empty() || pools.contains(&p.id)) {
            for n in p.numbers() {
                if let Some(m) = &number_match
                    && !n.contains(m.as_str())
                {
                    continue;
                }
                let owner = owners.get(n.as_str()).copied();
                if unassigned_only && owner.is_some() {
                    continue;
                }
                rows.push((n, p, owner));
            }
        }
        if desc {
            rows.reverse();
        }
        let r = page.range(rows.len());
        let e: Vec<Value> = rows[r]
            .iter()
            .map(|(n, p, owner)| {
                let mut v = json!({"number": n, "assigned": owner.is_some(),
                                   "didPool": {"id": p.id, "selfUri": format!("{BASE}/didpools/{}", p.id)}});
                if let Some(i) = owner {
                    let u = &org.users[*i];
                    v["id"] = json!(crate::sim::state::stable_id(&format!("did:{n}"), 0));
                    v["name"] = json!(n);
                    v["owner"] = user_ref(org, &u.id);
                    v["ownerType"] = json!("USER");
                    v["selfUri"] = json!(format!("{BASE}/dids/{}", v["id"].as_str().unwrap_or("")));
                }
                v
            })
            .collect();
        Ok(ok(listing(e, rows.len(), page, uri.path(), &q, false)))
    })
}

/// Extensions in use (one per user address with an extension).
async fn extensions(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let number = q.get("number").map(str::to_string);
    s.read(|org| {
        let mut rows: Vec<(&str, usize)> = org.number_owners(true).into_iter().collect();
        rows.sort();
        if let Some(n) = &number {
            rows.retain(|(x, _)| x == n);
        }
        let r = page.range(rows.len());
        let e: Vec<Value> = rows[r]
            .iter()
            .map(|(n, i)| {
                let u = &org.users[*i];
                let id = crate::sim::state::stable_id(&format!("extension:{n}"), 0);
                let mut v = json!({"id": id, "name": n, "number": n, "state": "active", "version": 1,
                                   "division": home(org), "dateCreated": DATE, "dateModified": DATE,
                                   "owner": user_ref(org, &u.id), "ownerType": "USER",
                                   "selfUri": format!("{BASE}/extensions/{id}")});
                if let Some(p) = org.extension_pools.iter().find(|p| p.contains(n)) {
                    v["extensionPool"] = json!({"id": p.id, "name": format!("{} - {}", p.start, p.end),
                                                "selfUri": format!("{BASE}/extensionpools/{}", p.id)});
                }
                v
            })
            .collect();
        Ok(ok(listing(e, rows.len(), page, uri.path(), &q, true)))
    })
}

/// A `DID` object: one per pool number that a user holds.
fn did_json(org: &Org, number: &str, user_idx: usize) -> Value {
    let u = &org.users[user_idx];
    let id = crate::sim::state::stable_id(&format!("did:{number}"), 0);
    let mut v = json!({"id": id, "name": number, "phoneNumber": number, "state": "active", "version": 1,
                       "division": home(org), "dateCreated": DATE, "dateModified": DATE,
                       "owner": user_ref(org, &u.id), "ownerType": "USER",
                       "selfUri": format!("{BASE}/dids/{id}")});
    if let Some(p) = org.did_pools.iter().find(|p| p.contains(number)) {
        v["didPool"] = json!({"id": p.id, "name": format!("{} - {}", p.start, p.end),
                              "selfUri": format!("{BASE}/didpools/{}", p.id)});
    }
    v
}

fn assigned_dids(org: &Org) -> Vec<(&str, usize)> {
    let mut rows: Vec<(&str, usize)> = org
        .number_owners(false)
        .into_iter()
        .filter(|(n, _)| org.did_pools.iter().any(|p| p.contains(n)))
        .collect();
    rows.sort();
    rows
}

/// `GET …/dids?phoneNumber&ownerId&didPoolId&id` — the DIDs in use (read-only).
async fn list_dids(
    State(s): State<AppState>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let phone = q.get("phoneNumber").map(str::to_string);
    let owner = q.get("ownerId").map(str::to_string);
    let pool = q.get("didPoolId").map(str::to_string);
    let ids = q.all("id");
    s.read(|org| {
        let rows: Vec<(&str, usize)> = assigned_dids(org)
            .into_iter()
            .filter(|(n, _)| phone.as_deref().is_none_or(|p| p == *n))
            .filter(|(_, i)| owner.as_deref().is_none_or(|o| o == org.users[*i].id))
            .filter(|(n, _)| {
                pool.as_deref()
                    .is_none_or(|p| org.did_pools.iter().any(|x| x.id == p && x.contains(n)))
            })
            .filter(|(n, _)| {
                ids.is_empty()
                    || ids.contains(&crate::sim::state::stable_id(&format!("did:{n}"), 0))
            })
            .collect();
        Ok(ok(page_listing(
            &rows,
            page,
            uri.path(),
            &q,
            true,
            |(n, i)| did_json(org, n, *i),
        )))
    })
}

async fn get_did(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        assigned_dids(org)
            .into_iter()
            .find(|(n, _)| crate::sim::state::stable_id(&format!("did:{n}"), 0) == id)
            .map(|(n, i)| ok(did_json(org, n, i)))
            .ok_or_else(|| ApiError::not_found("DID", &id))
    })
}
