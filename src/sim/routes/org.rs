//! The organization itself: `GET /api/v2/organizations/me` (SDK `OrganizationApi
//! .get_organizations_me`, model `Organization`). onboard reads the org's id from it to bind
//! journals, locks and failure history to one org.

use super::ok;
use crate::sim::error::ApiResult;
use crate::sim::server::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/organizations/me", get(me))
        .route(
            "/api/v2/organizations/limits/namespaces/{namespaceName}",
            get(limits),
        )
}

/// `GET /api/v2/organizations/limits/namespaces/{namespaceName}` (SDK `LimitsEntityListing`
/// of `Limit {key, namespace, value}`): the per-token request limit the simulator enforces,
/// as requests per minute, under the real key name (docs/genesys-api-notes.md §7.3).
async fn limits(
    State(s): State<AppState>,
    axum::extract::Path(namespace): axum::extract::Path<String>,
) -> ApiResult<Response> {
    let limit = *crate::sim::lock(&s.rate_limit);
    let mut entities = Vec::new();
    if namespace == "platform.api"
        && let Some(l) = limit
    {
        let per_minute = (f64::from(l.max) * 60.0 / l.window.as_secs_f64().max(0.001)).floor();
        entities.push(json!({
            "key": "client.credentials.token.rate.per.minute",
            "namespace": "platform.api",
            "value": per_minute as u64,
        }));
    }
    // `LimitsEntityListing` has only `entities` (the SDK's model: no paging fields).
    Ok(ok(json!({ "entities": entities })))
}

async fn me(State(s): State<AppState>) -> ApiResult<Response> {
    s.read(|org| {
        let short: String = org
            .name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase();
        Ok(ok(json!({
            "id": org.id,
            "name": org.name,
            "thirdPartyOrgName": short,
            "domain": short,
            "defaultLanguage": "en-us",
            "defaultCountryCode": "US",
            "state": "active",
            "version": 1,
            "selfUri": "/api/v2/organizations/me",
        })))
    })
}
