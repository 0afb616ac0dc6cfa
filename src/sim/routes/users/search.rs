//! `POST /users/search` and its base64 `GET` form: criteria, groups, paging.

use crate::model::UserState;
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::Query;
use crate::sim::routes::{Expand, ok, user_json};
use crate::sim::server::{AppState, Caller};
use crate::sim::state::{Org, User, state_str};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

// ---- search -------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SearchRequest {
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
pub(super) struct Criteria {
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

pub(super) fn field_values(org: &Org, u: &User, field: &str) -> ApiResult<Vec<String>> {
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

pub(super) fn criteria_match(org: &Org, u: &User, c: &Criteria) -> ApiResult<bool> {
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

pub(super) fn group_match(org: &Org, u: &User, list: &[Criteria]) -> ApiResult<bool> {
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

pub(super) fn mentions_state(list: &[Criteria]) -> bool {
    list.iter()
        .any(|c| c.fields.iter().any(|f| f == "state") || mentions_state(&c.group))
}

pub(super) fn run_search(
    s: &AppState,
    req: SearchRequest,
    client_id: Option<&str>,
) -> ApiResult<Value> {
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
        let seen = org.visibility(client_id);
        let mut hits = Vec::new();
        for u in &org.users {
            if (!with_state && u.state == UserState::Deleted) || !seen.sees(&u.division_id) {
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

pub(super) async fn search_users(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> ApiResult<Response> {
    let req: SearchRequest = parse_body(&body)?;
    let client = caller.as_ref().map(|c| c.client_id.as_str());
    Ok(ok(run_search(&s, req, client)?))
}

pub(super) async fn search_q64(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let q64 = q.get("q64").ok_or_else(|| ApiError::missing("q64"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(q64)
        .map_err(|_| ApiError::invalid("q64", "q64 is not a valid search token", None))?;
    let req: SearchRequest = parse_body(&bytes)?;
    let client = caller.as_ref().map(|c| c.client_id.as_str());
    Ok(ok(run_search(&s, req, client)?))
}
