//! The engine's view of the client: the operations provisioning needs, with errors reduced
//! to what the scheduler decides on. Everything network-related stays in `genesys`.

use super::steps::UserPatch;
use crate::genesys::{self, ApiError, Client, ErrorKind};
use crate::model::{ApiStats, DesiredUser, ExternalId, Proficiency, StepResult, UserState};

/// What the scheduler decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// Sent, no answer: it may have been applied.
    Unknown,
    /// `general.conflict` and friends (a duplicate email, an external id already present).
    Conflict,
    VersionConflict,
    NotFound,
    Other,
}

#[derive(Debug, Clone)]
pub struct OpError {
    pub kind: OpKind,
    pub http_status: Option<u16>,
    pub inner: ApiError,
}

impl From<ApiError> for OpError {
    fn from(e: ApiError) -> Self {
        let kind = match e.kind {
            ErrorKind::OutcomeUnknown => OpKind::Unknown,
            ErrorKind::Conflict => OpKind::Conflict,
            ErrorKind::VersionConflict => OpKind::VersionConflict,
            ErrorKind::NotFound => OpKind::NotFound,
            _ => OpKind::Other,
        };
        OpError {
            kind,
            http_status: e.status,
            inner: e,
        }
    }
}

impl OpError {
    pub fn step_result(&self, step: crate::model::Step) -> StepResult {
        self.inner.step_result(step)
    }
}

/// The bits of a user the scheduler tracks after a write.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRef {
    pub id: String,
    pub version: i64,
    pub division_id: Option<String>,
    pub state: Option<UserState>,
}

impl From<&genesys::dto::User> for UserRef {
    fn from(u: &genesys::dto::User) -> Self {
        UserRef {
            id: u.id.clone(),
            version: u.version.unwrap_or(1),
            division_id: u.division.as_ref().map(|d| d.id.clone()),
            state: Some(u.state()),
        }
    }
}

/// What the read-back checks.
#[derive(Debug, Clone)]
pub struct ReadBack {
    pub id: String,
    pub state: Option<UserState>,
    pub division_id: Option<String>,
    pub skills: Vec<Proficiency>,
    pub languages: Vec<Proficiency>,
}

#[derive(Debug, Clone)]
pub struct Api {
    client: Client,
    /// Longest `inin-ratelimit-reset` seen: the length of the org's rate window.
    window_s: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

fn profs(v: &Option<Vec<genesys::dto::UserRouting>>) -> Vec<Proficiency> {
    v.iter()
        .flatten()
        .map(|s| Proficiency {
            id: s.id.clone().into(),
            proficiency: s.proficiency,
        })
        .collect()
}

impl Api {
    pub fn new(client: Client) -> Api {
        Api {
            client,
            window_s: Default::default(),
        }
    }

    pub fn stats(&self) -> ApiStats {
        self.client.stats()
    }

    /// The org's allowance per second: `inin-ratelimit-allowed` over the window length (the
    /// longest `inin-ratelimit-reset` seen; Genesys Cloud's windows are a minute).
    pub fn allowed_per_s(&self) -> Option<f64> {
        use std::sync::atomic::Ordering;
        let r = self.client.rate()?;
        let window = self
            .window_s
            .fetch_max(r.reset_s, Ordering::Relaxed)
            .max(r.reset_s)
            .max(1);
        Some(f64::from(r.allowed) / f64::from(window)).filter(|a| *a > 0.0)
    }

    pub async fn create_user(
        &self,
        d: &DesiredUser,
        password: Option<&str>,
    ) -> Result<UserRef, OpError> {
        let mut addresses = Vec::new();
        if let Some(p) = d.phone.as_deref().filter(|p| !p.is_empty()) {
            addresses.push(genesys::dto::Contact::work_phone(p));
        }
        if let Some(x) = d.extension.as_deref().filter(|x| !x.is_empty()) {
            addresses.push(genesys::dto::Contact::work_extension(x));
        }
        let body = genesys::dto::CreateUser {
            name: d.name.to_string(),
            email: d.email.to_string(),
            division_id: d.division_id.to_string(),
            department: d
                .department
                .as_ref()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_string()),
            title: d
                .title
                .as_ref()
                .filter(|s| !s.is_empty())
                .map(|s| s.to_string()),
            password: password.map(genesys::Secret::new),
            addresses,
            state: Some("active".into()),
        };
        let u = self.client.create_user(&body).await?;
        Ok(UserRef::from(&u))
    }

    /// The user with this email in any state (active first), if one exists.
    pub async fn find_by_email(&self, email: &str) -> Result<Option<UserRef>, OpError> {
        let users = self
            .client
            .search_users_exact(
                "email",
                &[email.to_string()],
                &[UserState::Active, UserState::Inactive, UserState::Deleted],
            )
            .await?;
        let mut found: Vec<&genesys::dto::User> = users
            .iter()
            .filter(|u| u.email().eq_ignore_ascii_case(email))
            .collect();
        found.sort_by_key(|u| match u.state() {
            UserState::Active => 0,
            UserState::Inactive => 1,
            UserState::Deleted => 2,
        });
        Ok(found.first().map(|u| UserRef::from(*u)))
    }

    pub async fn get_user(&self, id: &str) -> Result<UserRef, OpError> {
        match self.client.get_user(id, &[], false).await {
            Ok(u) => Ok(UserRef::from(&u)),
            Err(e) if e.kind == ErrorKind::NotFound => {
                let u = self.client.get_user(id, &[], true).await?;
                Ok(UserRef::from(&u))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// PATCH the user. With `state`, only the state is sent (the API then changes nothing
    /// else).
    pub async fn patch_user(
        &self,
        id: &str,
        version: i64,
        p: &UserPatch,
        state: Option<UserState>,
    ) -> Result<UserRef, OpError> {
        let mut body = genesys::dto::UpdateUser {
            version,
            ..Default::default()
        };
        if let Some(s) = state {
            body.state = Some(
                match s {
                    UserState::Active => "active",
                    UserState::Inactive => "inactive",
                    UserState::Deleted => "deleted",
                }
                .into(),
            );
        } else {
            body.name = p.name.clone();
            body.department = p.department.clone();
            body.title = p.title.clone();
            body.manager = p.manager_id.clone();
            if let Some(pc) = &p.phone {
                let mut addresses = Vec::new();
                if let Some(n) = pc.phone.as_deref().filter(|s| !s.is_empty()) {
                    addresses.push(genesys::dto::Contact::work_phone(n));
                }
                if let Some(x) = pc.extension.as_deref().filter(|s| !s.is_empty()) {
                    addresses.push(genesys::dto::Contact::work_extension(x));
                }
                body.addresses = Some(addresses);
            }
        }
        let u = self.client.patch_user(id, &body).await?;
        Ok(UserRef::from(&u))
    }

    pub async fn move_users(&self, division: &str, ids: &[String]) -> Result<(), OpError> {
        Ok(self.client.move_users_to_division(division, ids).await?)
    }

    pub async fn grant_role(
        &self,
        role: &str,
        ids: &[String],
        divisions: &[crate::model::Id],
    ) -> Result<(), OpError> {
        Ok(self.client.grant_role_bulk(role, ids, divisions).await?)
    }

    pub async fn replace_grants(
        &self,
        id: &str,
        grants: &[crate::model::Grant],
    ) -> Result<(), OpError> {
        Ok(self.client.subject_bulk_replace(id, grants).await?)
    }

    pub async fn patch_skills(&self, id: &str, s: &[Proficiency]) -> Result<(), OpError> {
        Ok(self.client.patch_user_skills(id, s).await?)
    }

    pub async fn put_skills(&self, id: &str, s: &[Proficiency]) -> Result<(), OpError> {
        Ok(self.client.put_user_skills(id, s).await?)
    }

    pub async fn patch_languages(&self, id: &str, l: &[Proficiency]) -> Result<(), OpError> {
        Ok(self.client.patch_user_languages(id, l).await?)
    }

    pub async fn queue_members(
        &self,
        queue: &str,
        ids: &[String],
        remove: bool,
    ) -> Result<(), OpError> {
        if remove {
            Ok(self.client.remove_queue_members(queue, ids).await?)
        } else {
            Ok(self.client.add_queue_members(queue, ids).await?)
        }
    }

    /// Assigns each user its licences in one call; the answer is per user, in order.
    pub async fn assign_licenses(
        &self,
        wanted: &[(String, Vec<crate::model::Id>)],
    ) -> Result<Vec<Result<(), String>>, OpError> {
        let mut by_license: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (user, lics) in wanted {
            for l in lics {
                by_license
                    .entry(l.to_string())
                    .or_default()
                    .push(user.clone());
            }
        }
        let assignments: Vec<genesys::LicenseChange> = by_license
            .into_iter()
            .map(|(license_id, add)| genesys::LicenseChange {
                license_id,
                add,
                remove: Vec::new(),
            })
            .collect();
        let results = self.client.assign_licenses(&assignments).await?;
        Ok(wanted
            .iter()
            .map(|(user, lics)| {
                let bad: Vec<String> = results
                    .iter()
                    .filter(|r| &r.user_id == user && !r.result.eq_ignore_ascii_case("success"))
                    .map(|r| format!("licence {}: {}", r.license_id, r.result))
                    .collect();
                let answered = lics.iter().all(|l| {
                    results
                        .iter()
                        .any(|r| &r.user_id == user && r.license_id.eq_ignore_ascii_case(l))
                });
                if !bad.is_empty() {
                    Err(bad.join("; "))
                } else if !answered {
                    Err("the licence service did not confirm this assignment".into())
                } else {
                    Ok(())
                }
            })
            .collect())
    }

    pub async fn add_external_id(&self, id: &str, x: &ExternalId) -> Result<(), OpError> {
        self.client.add_external_id(id, x).await?;
        Ok(())
    }

    pub async fn external_ids(&self, id: &str) -> Result<Vec<ExternalId>, OpError> {
        Ok(self.client.list_external_ids(id).await?)
    }

    pub async fn invite(&self, id: &str) -> Result<(), OpError> {
        Ok(self.client.invite_user(id, false).await?)
    }

    /// Reads many users back in as few calls as the API allows (`GET /users?id=…`).
    pub async fn read_back(&self, ids: &[String]) -> Result<Vec<ReadBack>, OpError> {
        let users = self
            .client
            .get_users_by_ids(ids, &["skills", "languages"])
            .await?;
        Ok(users
            .iter()
            .map(|u| ReadBack {
                id: u.id.clone(),
                state: Some(u.state()),
                division_id: u.division.as_ref().map(|d| d.id.clone()),
                skills: profs(&u.skills),
                languages: profs(&u.languages),
            })
            .collect())
    }
}
