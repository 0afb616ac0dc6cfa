//! Roles (grants) of a user.

use super::{live_index, live_user};
use crate::sim::error::{ApiError, ApiResult, parse_body};
use crate::sim::routes::{ok, user_authorization};
use crate::sim::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

// ---- roles --------------------------------------------------------------------------

pub(super) async fn get_user_roles(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    s.read(|org| {
        let u = live_user(org, &id)?;
        Ok(ok(user_authorization(org, u)))
    })
}

pub(super) async fn put_user_roles(
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
