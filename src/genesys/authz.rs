//! Roles, grants and divisions (docs/genesys-api-notes.md §3).

use super::client::{Client, Req, Safety, seg};
use super::dto::{AuthzSubject, DivisionDto, GrantItem, GrantsBody, RoleDto, RoleGrantBody};
use super::error::ApiError;
use super::pagination::PAGE_SIZE;
use crate::model::{Division, Grant, Role};
use reqwest::Method;

/// Page size for a role's subject grants (the API's maximum is unverified).
pub const ROLE_GRANTS_PAGE_SIZE: u32 = 100;

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleCountDto {
    id: String,
    #[serde(default)]
    user_count: Option<u32>,
}

#[derive(Debug, serde::Deserialize)]
struct SubjectGrantsDto {
    id: String,
    #[serde(default)]
    divisions: Option<Vec<IdOnly>>,
}

#[derive(Debug, serde::Deserialize)]
struct IdOnly {
    id: String,
}

impl Client {
    /// `GET /api/v2/authorization/divisions`, every page.
    pub async fn list_divisions(&self) -> Result<Vec<Division>, ApiError> {
        let r = Req::get(
            "/api/v2/authorization/divisions",
            "/api/v2/authorization/divisions".into(),
        );
        let v: Vec<DivisionDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .map(|d| Division {
                id: d.id,
                name: d.name,
                home: d.home_division.unwrap_or(false),
            })
            .collect())
    }

    /// Every division, with the home division marked: when the listing marks none,
    /// `GET /api/v2/authorization/divisions/home` says which it is (docs/genesys-api-notes.md §11.7: a
    /// create needs a `divisionId`, so "home" must be known).
    pub async fn divisions_with_home(&self) -> Result<Vec<Division>, ApiError> {
        let mut all = self.list_divisions().await?;
        if all.iter().any(|d| d.home) {
            return Ok(all);
        }
        let home = self.home_division().await?;
        match all.iter_mut().find(|d| d.id == home.id) {
            Some(d) => d.home = true,
            None if !home.id.is_empty() => all.push(home),
            None => {}
        }
        Ok(all)
    }

    /// `GET /api/v2/authorization/divisions/home`.
    pub async fn home_division(&self) -> Result<Division, ApiError> {
        let d: DivisionDto = self
            .call(Req::get(
                "/api/v2/authorization/divisions/home",
                "/api/v2/authorization/divisions/home".into(),
            ))
            .await?;
        Ok(Division {
            id: d.id,
            name: d.name,
            home: true,
        })
    }

    /// `POST /api/v2/authorization/divisions/{divisionId}/objects/USER` with the user ids.
    pub async fn move_users_to_division(
        &self,
        division_id: &str,
        user_ids: &[String],
    ) -> Result<(), ApiError> {
        for chunk in user_ids.chunks(100) {
            let r = Req::new(
                Method::POST,
                "/api/v2/authorization/divisions/{divisionId}/objects/USER",
                format!(
                    "/api/v2/authorization/divisions/{}/objects/USER",
                    seg(division_id)
                ),
            )
            .json(chunk)?
            .safety(Safety::Idempotent);
            self.call_unit(r).await?;
        }
        Ok(())
    }

    /// `GET /api/v2/authorization/roles`, every page, with `baseLicense`.
    pub async fn list_roles(&self) -> Result<Vec<Role>, ApiError> {
        let r = Req::get(
            "/api/v2/authorization/roles",
            "/api/v2/authorization/roles".into(),
        )
        .q("userCount", false);
        let v: Vec<RoleDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .map(|r| Role {
                id: r.id,
                name: r.name,
                base_license: r.base_license.filter(|l| !l.is_empty()),
            })
            .collect())
    }

    /// `POST /api/v2/authorization/roles/{roleId}?subjectType=PC_USER`: one role to many
    /// users in many divisions.
    pub async fn grant_role_bulk(
        &self,
        role_id: &str,
        subject_ids: &[String],
        division_ids: &[impl AsRef<str>],
    ) -> Result<(), ApiError> {
        for chunk in subject_ids.chunks(100) {
            let body = RoleGrantBody {
                subject_ids: chunk.to_vec(),
                division_ids: division_ids
                    .iter()
                    .map(|d| d.as_ref().to_string())
                    .collect(),
            };
            let r = Req::new(
                Method::POST,
                "/api/v2/authorization/roles/{roleId}",
                format!("/api/v2/authorization/roles/{}", seg(role_id)),
            )
            .q("subjectType", "PC_USER")
            .json(&body)?
            .safety(Safety::Idempotent);
            self.call_unit(r).await?;
        }
        Ok(())
    }

    /// How many users hold each role (`GET /api/v2/authorization/roles?userCount=true`).
    pub async fn role_user_counts(&self) -> Result<Vec<(String, u32)>, ApiError> {
        let r = Req::get(
            "/api/v2/authorization/roles",
            "/api/v2/authorization/roles".into(),
        )
        .q("userCount", true);
        let v: Vec<RoleCountDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .map(|r| (r.id, r.user_count.unwrap_or(0)))
            .collect())
    }

    /// `GET /api/v2/authorization/roles/{roleId}/subjectgrants`, every page: who holds the
    /// role, and in which divisions, as grants of that role.
    pub async fn role_grants(&self, role_id: &str) -> Result<Vec<(String, Grant)>, ApiError> {
        let r = Req::get(
            "/api/v2/authorization/roles/{roleId}/subjectgrants",
            format!("/api/v2/authorization/roles/{}/subjectgrants", seg(role_id)),
        );
        let v: Vec<SubjectGrantsDto> = self.all_pages(r, ROLE_GRANTS_PAGE_SIZE).await?;
        Ok(v.into_iter()
            .flat_map(|s| {
                let subject = s.id;
                s.divisions.into_iter().flatten().map(move |d| {
                    (
                        subject.clone(),
                        Grant {
                            role_id: role_id.into(),
                            division_id: d.id.into(),
                        },
                    )
                })
            })
            .collect())
    }

    /// `GET /api/v2/authorization/subjects/{subjectId}`: the user's own grants with divisions.
    /// Grants whose `subjectId` is another subject (a group the user is in) are inherited, not
    /// the user's: they are left out so capture never copies them and mirror never removes
    /// them. A grant without `subjectId` is taken as the user's own (UNVERIFIED shape).
    pub async fn subject_grants(&self, user_id: &str) -> Result<Vec<Grant>, ApiError> {
        let s: AuthzSubject = self
            .call(Req::get(
                "/api/v2/authorization/subjects/{subjectId}",
                format!("/api/v2/authorization/subjects/{}", seg(user_id)),
            ))
            .await?;
        let mut grants: Vec<Grant> = s
            .grants
            .into_iter()
            .filter(|g| g.subject_id.as_deref().is_none_or(|sid| sid == user_id))
            .filter_map(|g| {
                Some(Grant {
                    role_id: g.role?.id.into(),
                    division_id: g.division?.id.into(),
                })
            })
            .collect();
        grants.sort();
        grants.dedup();
        Ok(grants)
    }

    async fn subject_bulk(
        &self,
        op: &'static str,
        template: &'static str,
        user_id: &str,
        grants: &[Grant],
    ) -> Result<(), ApiError> {
        let body = GrantsBody {
            grants: grants
                .iter()
                .map(|g| GrantItem {
                    role_id: g.role_id.to_string(),
                    division_id: g.division_id.to_string(),
                })
                .collect(),
        };
        let mut r = Req::new(
            Method::POST,
            template,
            format!("/api/v2/authorization/subjects/{}/{op}", seg(user_id)),
        );
        // `bulkremove` takes no subjectType (SDK v269, docs/genesys-api-notes.md §11).
        if op != "bulkremove" {
            r = r.q("subjectType", "PC_USER");
        }
        let r = r.json(&body)?.safety(Safety::Idempotent);
        self.call_unit(r).await.map(|_| ())
    }

    /// `POST …/subjects/{subjectId}/bulkadd`.
    pub async fn subject_bulk_add(&self, user_id: &str, grants: &[Grant]) -> Result<(), ApiError> {
        self.subject_bulk(
            "bulkadd",
            "/api/v2/authorization/subjects/{subjectId}/bulkadd",
            user_id,
            grants,
        )
        .await
    }

    /// `POST …/subjects/{subjectId}/bulkremove`.
    pub async fn subject_bulk_remove(
        &self,
        user_id: &str,
        grants: &[Grant],
    ) -> Result<(), ApiError> {
        self.subject_bulk(
            "bulkremove",
            "/api/v2/authorization/subjects/{subjectId}/bulkremove",
            user_id,
            grants,
        )
        .await
    }

    /// `POST …/subjects/{subjectId}/bulkreplace`: the user's direct grants become exactly these.
    pub async fn subject_bulk_replace(
        &self,
        user_id: &str,
        grants: &[Grant],
    ) -> Result<(), ApiError> {
        self.subject_bulk(
            "bulkreplace",
            "/api/v2/authorization/subjects/{subjectId}/bulkreplace",
            user_id,
            grants,
        )
        .await
    }
}
