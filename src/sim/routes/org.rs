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
    Router::new().route("/api/v2/organizations/me", get(me))
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
