//! The calls only `clone` and `drift` make: creating a missing skill or language (and finding
//! one by name when a create's outcome is unknown or the name is taken), the division object
//! counts behind `limited_visibility`, and a role's permission set for `--compare-roles`
//! (docs/genesys-api-notes.md §10/§11; spec clone-drift-export §7).

use super::client::{Client, Req, seg};
use super::dto::NamedDto;
use super::error::ApiError;
use super::pagination::PAGE_SIZE;
use crate::model::Named;
use reqwest::Method;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The two catalogues `--create-missing` may add to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Catalogue {
    Skills,
    Languages,
}

impl Catalogue {
    fn path(self) -> &'static str {
        match self {
            Catalogue::Skills => "/api/v2/routing/skills",
            Catalogue::Languages => "/api/v2/routing/languages",
        }
    }
}

/// One division and how many objects of each type it holds (`objectCounts`, e.g.
/// `USER`, `QUEUE`), whether or not this client may list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionCounts {
    pub id: String,
    pub name: String,
    pub counts: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct DivisionCountsDto {
    id: String,
    name: String,
    object_counts: Option<BTreeMap<String, u64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PolicyDto {
    domain: String,
    entity_name: String,
    action_set: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RoleDefinitionDto {
    permission_policies: Option<Vec<PolicyDto>>,
    permissions: Option<Vec<String>>,
}

#[derive(serde::Serialize)]
struct NameBody<'a> {
    name: &'a str,
}

impl Client {
    /// `POST /api/v2/routing/skills` or `/languages` `{name}`: the new object.
    pub async fn create_named(&self, kind: Catalogue, name: &str) -> Result<Named, ApiError> {
        let r = Req::new(Method::POST, kind.path(), kind.path().into()).json(&NameBody { name })?;
        let n: NamedDto = self.call(r).await?;
        Ok(Named {
            id: n.id,
            name: n.name,
        })
    }

    /// The objects of `kind` called exactly `name` (case-insensitive): `GET …?name=` is a
    /// prefix filter, so every answer is compared again here.
    pub async fn named(&self, kind: Catalogue, name: &str) -> Result<Vec<Named>, ApiError> {
        let r = Req::get(kind.path(), kind.path().into()).q("name", name);
        let all: Vec<NamedDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(all
            .into_iter()
            .filter(|n| n.name.trim().eq_ignore_ascii_case(name.trim()))
            .filter(|n| {
                n.state
                    .as_deref()
                    .is_none_or(|s| !s.eq_ignore_ascii_case("deleted"))
            })
            .map(|n| Named {
                id: n.id,
                name: n.name,
            })
            .collect())
    }

    /// `GET /api/v2/authorization/divisions?objectCount=true`: what each division holds,
    /// counted by the org whatever this client may list.
    pub async fn division_object_counts(&self) -> Result<Vec<DivisionCounts>, ApiError> {
        let r = Req::get(
            "/api/v2/authorization/divisions",
            "/api/v2/authorization/divisions".into(),
        )
        .q("objectCount", "true");
        let all: Vec<DivisionCountsDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(all
            .into_iter()
            .map(|d| DivisionCounts {
                id: d.id,
                name: d.name,
                counts: d.object_counts.unwrap_or_default(),
            })
            .collect())
    }

    /// `GET /api/v2/authorization/roles/{roleId}`: the role's permissions as
    /// `domain:entity:action` strings, from `permissionPolicies` (else `permissions`).
    pub async fn role_permissions(&self, role_id: &str) -> Result<BTreeSet<String>, ApiError> {
        let r = Req::get(
            "/api/v2/authorization/roles/{roleId}",
            format!("/api/v2/authorization/roles/{}", seg(role_id)),
        );
        let d: RoleDefinitionDto = self.call(r).await?;
        let mut out = BTreeSet::new();
        for p in d.permission_policies.unwrap_or_default() {
            for a in &p.action_set {
                out.insert(format!("{}:{}:{a}", p.domain, p.entity_name));
            }
        }
        if out.is_empty() {
            out.extend(d.permissions.unwrap_or_default());
        }
        Ok(out)
    }
}
