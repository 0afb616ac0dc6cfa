//! The organization itself (`GET /api/v2/organizations/me`): its id binds journals, locks
//! and failure history to one org, and its name is what the admin sees before any write.

use super::client::{Client, Req};
use super::error::{ApiError, ErrorKind};
use serde::Deserialize;

/// Which org a client's credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgIdentity {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationDto {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LimitsListing {
    #[serde(default)]
    entities: Vec<LimitDto>,
}

#[derive(Debug, Deserialize)]
struct LimitDto {
    key: Option<String>,
    value: Option<f64>,
}

/// The limit key of requests per minute per client-credentials token (docs/genesys-api-notes.md §7.3).
pub const TOKEN_RATE_KEY: &str = "client.credentials.token.rate.per.minute";

impl Client {
    /// Requests per minute one token may make, from
    /// `GET /api/v2/organizations/limits/namespaces/platform.api` (no permission needed);
    /// None when the org does not say.
    pub async fn token_rate_per_minute(&self) -> Result<Option<u32>, ApiError> {
        let l: LimitsListing = self
            .call(Req::get(
                "/api/v2/organizations/limits/namespaces/{namespaceName}",
                "/api/v2/organizations/limits/namespaces/platform.api".into(),
            ))
            .await?;
        Ok(l.entities
            .into_iter()
            .find(|e| e.key.as_deref() == Some(TOKEN_RATE_KEY))
            .and_then(|e| e.value)
            .filter(|v| *v >= 1.0)
            .map(|v| v.min(f64::from(u32::MAX)) as u32))
    }

    /// `GET /api/v2/organizations/me`.
    pub async fn org_identity(&self) -> Result<OrgIdentity, ApiError> {
        let o: OrganizationDto = self
            .call(Req::get(
                "/api/v2/organizations/me",
                "/api/v2/organizations/me".into(),
            ))
            .await?;
        let id = o.id.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            ApiError::new(
                ErrorKind::Decode,
                "GET /api/v2/organizations/me",
                "the answer names no org id",
            )
        })?;
        Ok(OrgIdentity {
            name: o.name.unwrap_or_else(|| id.clone()),
            id,
        })
    }
}
