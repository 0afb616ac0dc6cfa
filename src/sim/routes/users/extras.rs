//! The queues of a user, invitations and setting a password.

use super::{live_index, live_user};
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::paging::{Query, page_listing};
use crate::sim::routes::{no_content, ok};
use crate::sim::server::AppState;
use crate::sim::state::{Org, Queue};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

// ---- queues of a user ---------------------------------------------------------------

/// A `UserQueue`: the queue's fields (without `autoAnswerOnly`) plus `joined`.
fn user_queue_json(org: &Org, qu: &Queue, user_id: &str) -> Value {
    let mut v = crate::sim::routes::routing::queue_json(org, qu);
    v["joined"] = json!(!qu.unjoined.iter().any(|m| m == user_id));
    if let Some(o) = v.as_object_mut() {
        o.remove("autoAnswerOnly");
    }
    v
}

/// `GET /users/{id}/queues`: `joined` defaults to true (gc CLI `users_queues.go`), so a
/// reader that never asks for `joined=false` misses the memberships the user left unjoined.
pub(super) async fn get_user_queues(
    State(s): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let q = Query::parse(raw.as_deref());
    let page = q.page(500)?;
    let divs = q.all("divisionId");
    let joined = q.bool("joined")?.unwrap_or(true);
    s.read(|org| {
        live_user(org, &id)?;
        let list: Vec<_> = org
            .memberships(&id, joined)
            .filter(|qu| divs.is_empty() || divs.contains(&qu.division_id))
            .collect();
        Ok(ok(page_listing(&list, page, uri.path(), &q, false, |qu| {
            user_queue_json(org, qu, &id)
        })))
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct JoinedIn {
    joined: Option<bool>,
}

/// `PATCH /users/{id}/queues/{queueId}` `{"joined": bool}` → the `UserQueue`: joins or
/// unjoins one of the user's memberships (a queue the user is not a member of → 404).
pub(super) async fn patch_user_queue(
    State(s): State<AppState>,
    Path((id, queue_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    let b: JoinedIn = parse_body(&body)?;
    let joined = b.joined.ok_or_else(|| ApiError::missing("joined"))?;
    s.write(|org| {
        live_user(org, &id)?;
        let queue = org
            .queues
            .iter_mut()
            .find(|qu| qu.id == queue_id && qu.members.contains(&id))
            .ok_or_else(|| ApiError::not_found("queue membership", &queue_id))?;
        queue.unjoined.retain(|m| m != &id);
        if !joined {
            queue.unjoined.push(id.clone());
        }
        let qu = org
            .queue(&queue_id)
            .ok_or_else(|| ApiError::not_found("queue", &queue_id))?;
        Ok(ok(user_queue_json(org, qu, &id)))
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
