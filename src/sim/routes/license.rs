//! Licensing (definitions, per-user licences, batch assignment that refuses past the seat
//! count) and billing (contracts; the period detail's charges carry seats and assignments).

use super::ok;
use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::Query;
use crate::sim::server::AppState;
use crate::sim::state::{License, Org};
use crate::sim::stats::MissedIds;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/license/definitions", get(definitions))
        .route("/api/v2/license/definitions/{licenseId}", get(definition))
        .route(
            "/api/v2/license/users",
            get(license_users).post(license_users_post),
        )
        .route("/api/v2/license/users/{userId}", get(license_user))
        .route("/api/v2/license/organization", post(assign))
        .route("/api/v2/billing/contracts", get(contracts))
        .route("/api/v2/billing/contracts/{contractId}", get(contract))
        .route(
            "/api/v2/billing/contracts/{contractId}/billingperiods/{billingPeriodId}",
            get(period),
        )
}

fn def_json(l: &License) -> Value {
    json!({"id": l.id, "description": l.description, "permissions": {"ids": []},
           "prerequisites": [], "comprises": [], "selfUri": format!("/api/v2/license/definitions/{}", l.id)})
}

async fn definitions(State(s): State<AppState>) -> ApiResult<Response> {
    s.read(|org| {
        Ok(ok(json!(
            org.licenses.iter().map(def_json).collect::<Vec<_>>()
        )))
    })
}

async fn definition(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        org.license(&id)
            .map(|l| ok(def_json(l)))
            .ok_or_else(|| ApiError::not_found("license", &id))
    })
}

async fn license_users(State(s): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    s.read(|org| {
        let users: Vec<_> = org.users.iter().filter(|u| u.state != UserState::Deleted).collect();
        let r = page.range(users.len());
        let e: Vec<Value> = users[r]
            .iter()
            .map(|u| json!({"id": u.id, "licenses": u.licenses, "selfUri": format!("/api/v2/license/users/{}", u.id)}))
            .collect();
        Ok(ok(json!({"entities": e, "pageSize": page.size, "pageNumber": page.number,
                      "total": users.len(), "pageCount": page.count(users.len())})))
    })
}

async fn license_users_post(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let ids: Vec<String> = parse_body(&body)?;
    if ids.len() > 100 {
        return Err(ApiError::bad_request(
            "At most 100 user ids may be sent per request.",
        ));
    }
    s.read(|org| {
        let mut m = serde_json::Map::new();
        for id in ids {
            if let Some(u) = org.user(&id).filter(|u| u.state != UserState::Deleted) {
                m.insert(id, json!(u.licenses));
            }
        }
        Ok(ok(Value::Object(m)))
    })
}

async fn license_user(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        let u = super::users::live_user(org, &id)?;
        let defs: Vec<Value> = u.licenses.iter().filter_map(|l| org.license(l)).map(def_json).collect();
        Ok(ok(json!({"id": u.id, "licenses": defs, "selfUri": format!("/api/v2/license/users/{}", u.id)})))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Assignment {
    license_id: Option<String>,
    #[serde(default)]
    user_ids_add: Vec<String>,
    #[serde(default)]
    user_ids_remove: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Batch {
    #[serde(default)]
    assignments: Vec<Assignment>,
}

/// `POST /license/organization`: per-user results; an add past the seat count fails for
/// that user (result is not "Success") and changes nothing for them.
async fn assign(State(s): State<AppState>, body: Bytes) -> ApiResult<Response> {
    let b: Batch = parse_body(&body)?;
    s.write(|org| {
        for a in &b.assignments {
            let id = a
                .license_id
                .as_deref()
                .ok_or_else(|| ApiError::missing("assignments.licenseId"))?;
            if org.license(id).is_none() {
                return Err(ApiError::invalid(
                    "assignments.licenseId",
                    format!("The license {id} does not exist."),
                    Some(id),
                ));
            }
        }
        let mut results = Vec::new();
        for a in &b.assignments {
            let lic = a.license_id.clone().unwrap_or_default();
            for uid in &a.user_ids_remove {
                let r = match org.index_of(uid) {
                    Some(i) if org.users[i].state != UserState::Deleted => {
                        org.users[i].licenses.retain(|l| l != &lic);
                        "Success".to_string()
                    }
                    _ => format!("Failure: user {uid} not found"),
                };
                results.push(json!({"userId": uid, "licenseId": lic, "result": r}));
            }
            for uid in &a.user_ids_add {
                let r = add_one(org, uid, &lic);
                results.push(json!({"userId": uid, "licenseId": lic, "result": r}));
            }
        }
        let missed: Vec<String> = results
            .iter()
            .filter(|r| {
                r["result"]
                    .as_str()
                    .is_some_and(|t| t.ends_with("not found"))
            })
            .filter_map(|r| r["userId"].as_str().map(str::to_string))
            .collect();
        let mut resp = ok(json!(results));
        resp.extensions_mut().insert(MissedIds(missed));
        Ok(resp)
    })
}

fn add_one(org: &mut Org, uid: &str, lic: &str) -> String {
    let Some(i) = org
        .index_of(uid)
        .filter(|&i| org.users[i].state != UserState::Deleted)
    else {
        return format!("Failure: user {uid} not found");
    };
    if org.users[i].licenses.iter().any(|l| l == lic) {
        return "Success".into();
    }
    let seats = org.license(lic).map(|l| l.seats).unwrap_or(0);
    let used = org.license_assigned(lic);
    if used >= seats {
        return format!("Failure: no seats left for license {lic} ({used} of {seats} assigned)");
    }
    org.users[i].licenses.push(lic.to_string());
    "Success".into()
}

const START: &str = "2026-01-01";
const END: &str = "2026-12-31";

fn contract_json(org: &Org) -> Value {
    json!({
        "id": org.contract_id,
        "externalNumber": "ACME-0001",
        "status": "Active",
        "purchaseOrderNumbers": [],
        "dateStart": START,
        "dateEnd": END,
        "billingPeriods": [{"id": org.period_id, "dateStart": "2026-11-01", "dateEnd": "2026-11-30", "status": "Open"}],
        "plans": [],
    })
}

async fn contracts(State(s): State<AppState>) -> ApiResult<Response> {
    s.read(|org| {
        Ok(ok(
            json!({"entities": [contract_json(org)], "selfUri": "/api/v2/billing/contracts"}),
        ))
    })
}

async fn contract(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    s.read(|org| {
        if id != org.contract_id {
            return Err(ApiError::not_found("contract", &id));
        }
        Ok(ok(contract_json(org)))
    })
}

async fn period(
    State(s): State<AppState>,
    Path((cid, pid)): Path<(String, String)>,
) -> ApiResult<Response> {
    s.read(|org| {
        if cid != org.contract_id {
            return Err(ApiError::not_found("contract", &cid));
        }
        if pid != org.period_id {
            return Err(ApiError::not_found("billing period", &pid));
        }
        let charges: Vec<Value> = org
            .licenses
            .iter()
            .map(|l| {
                let used = org.license_assigned(&l.id);
                json!({
                    "id": crate::sim::state::stable_id(&format!("charge:{}", l.id), 0),
                    "name": l.description,
                    "product": {"id": l.id, "sku": l.id, "name": l.description, "unitOfMeasure": "User"},
                    "prepaidQuantity": l.seats,
                    "actualQuantity": used,
                    "overageQuantity": used.saturating_sub(l.seats),
                })
            })
            .collect();
        Ok(ok(json!({"id": org.period_id, "dateStart": "2026-11-01", "dateEnd": "2026-11-30",
                      "status": "Open", "charges": charges, "wallets": []})))
    })
}
