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

impl Client {
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
