//! Routing skills and languages of a user: single, bulk (patch/put), listing.

use super::{live_index, live_user};
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, page_listing};
use crate::sim::routes::{language_json, no_content, ok, skill_json};
use crate::sim::server::AppState;
use crate::sim::state::{Org, User};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

// ---- routing skills and languages ---------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProficiencyIn {
    id: Option<String>,
    proficiency: Option<f64>,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
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

pub(super) fn check_prof(
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

pub(super) fn prof_listing(
    org: &Org,
    kind: Kind,
    u: &User,
    q: &Query,
    path: &str,
) -> ApiResult<Value> {
    let page = q.page(500)?;
    let list = match kind {
        Kind::Skill => &u.skills,
        Kind::Language => &u.languages,
    };
    Ok(page_listing(list, page, path, q, false, |(id, p)| {
        kind.json(org, &u.id, id, *p)
    }))
}

pub(super) async fn prof_get(
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

pub(super) async fn prof_post(
    s: AppState,
    kind: Kind,
    id: String,
    body: Bytes,
) -> ApiResult<Response> {
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

pub(super) async fn prof_bulk(
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

pub(super) async fn prof_put_one(
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

pub(super) async fn prof_delete(
    s: AppState,
    kind: Kind,
    id: String,
    sid: String,
) -> ApiResult<Response> {
    s.write(|org| {
        let i = live_index(org, &id)?;
        if !kind.exists(org, &sid) {
            return Err(ApiError::not_found(kind.field(), &sid));
        }
        kind.list(&mut org.users[i]).retain(|(x, _)| *x != sid);
        Ok(no_content())
    })
}

pub(super) async fn get_skills(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    prof_get(s, Kind::Skill, id, uri, raw).await
}
pub(super) async fn get_languages(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    prof_get(s, Kind::Language, id, uri, raw).await
}
pub(super) async fn post_skill(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_post(s, Kind::Skill, id, body).await
}
pub(super) async fn post_language(
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_post(s, Kind::Language, id, body).await
}
pub(super) async fn patch_skills_bulk(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> ApiResult<Response> {
    prof_bulk(s, Kind::Skill, id, uri, body, false).await
}
pub(super) async fn put_skills_bulk(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> ApiResult<Response> {
    prof_bulk(s, Kind::Skill, id, uri, body, true).await
}
pub(super) async fn patch_languages_bulk(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> ApiResult<Response> {
    prof_bulk(s, Kind::Language, id, uri, body, false).await
}
pub(super) async fn put_skill(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_put_one(s, Kind::Skill, id, sid, body).await
}
pub(super) async fn patch_language(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    prof_put_one(s, Kind::Language, id, sid, body).await
}
pub(super) async fn delete_skill(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<Response> {
    prof_delete(s, Kind::Skill, id, sid).await
}
pub(super) async fn delete_language(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<Response> {
    prof_delete(s, Kind::Language, id, sid).await
}
