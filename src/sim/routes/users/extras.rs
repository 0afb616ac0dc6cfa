//! The queues of a user, invitations and setting a password.

use super::{live_index, live_user};
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, page_listing};
use crate::sim::routes::{no_content, ok};
use crate::sim::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

// ---- queues of a user ---------------------------------------------------------------

pub(super) async fn get_user_queues(
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
        Ok(ok(page_listing(&list, page, uri.path(), &q, false, |qu| {
            let mut v = crate::sim::routes::routing::queue_json(org, qu);
            v["joined"] = json!(true);
            if let Some(o) = v.as_object_mut() {
                o.remove("autoAnswerOnly");
            }
            v
        })))
    })
}

// ---- invite / password ------------------------------------------------------------------

/// `POST /users/{id}/invite?force=bool` → 204. Without `force`, an already invited user is
/// not invited again (still 204).
pub(super) async fn invite(
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
pub(super) struct PasswordIn {
    new_password: Option<String>,
}

/// `POST /users/{id}/password` `{"newPassword": …}` → 204; the password is not stored.
pub(super) async fn set_password(
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
