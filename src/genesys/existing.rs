//! Existing users as provisioning sees them ([`ExistingUser`]), fetched in as few requests
//! as the API allows.

use super::client::Client;
use super::dto::User;
use super::error::{ApiError, ErrorKind};
use crate::model::{ExistingUser, ExternalId, Proficiency};
use futures::{StreamExt, TryStreamExt};
use std::collections::{BTreeMap, BTreeSet};

/// Per-user detail requests in flight at once (the limiter paces them).
const DETAIL_CONCURRENCY: usize = 8;

fn or_empty<T: Default>(r: Result<T, ApiError>) -> Result<T, ApiError> {
    match r {
        Err(e) if e.kind == ErrorKind::NotFound => Ok(T::default()),
        other => other,
    }
}

fn to_prof(v: &[super::dto::UserRouting]) -> Vec<Proficiency> {
    v.iter()
        .filter(|s| {
            s.state
                .as_deref()
                .is_none_or(|s| !s.eq_ignore_ascii_case("deleted"))
        })
        .map(|s| Proficiency {
            id: s.id.clone(),
            proficiency: s.proficiency,
        })
        .collect()
}

impl Client {
    /// Full provisioning view of the given users, in any state. Requests: one
    /// `GET /users?id=…&state=any&expand=skills,languages` per 100 ids, one
    /// `POST /license/users` per 100 ids, and per user its grants
    /// (`/authorization/subjects/{id}`), queues (`/users/{id}/queues`) and external ids.
    /// Unknown ids are left out.
    pub async fn fetch_existing_users(
        &self,
        ids: &[String],
    ) -> Result<Vec<ExistingUser>, ApiError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut users = self.get_users_by_ids(ids, &["skills", "languages"]).await?;
        let found: BTreeSet<String> = users.iter().map(|u| u.id.clone()).collect();
        // Deleted users may be left out of the list form: read them one by one.
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| !found.contains(*id))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let extra: Vec<Option<User>> = futures::stream::iter(missing)
            .map(|id| async move {
                match self.get_user(&id, &["skills", "languages"], true).await {
                    Ok(u) => Ok(Some(u)),
                    Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::BadRequest) => {
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            })
            .buffered(DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        users.extend(extra.into_iter().flatten());
        let user_ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let licenses = self.licenses_for_users(&user_ids).await?;
        let licenses = &licenses;
        let out: Vec<ExistingUser> = futures::stream::iter(users)
            .map(|u| async move { self.existing_user_detail(u, licenses).await })
            .buffered(DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(out)
    }

    async fn existing_user_detail(
        &self,
        u: User,
        licenses: &BTreeMap<String, Vec<String>>,
    ) -> Result<ExistingUser, ApiError> {
        let (grants, queues, ext) = futures::try_join!(
            async { or_empty(self.subject_grants(&u.id).await) },
            async { or_empty(self.user_queues(&u.id).await) },
            async { or_empty(self.list_external_ids(&u.id).await) },
        )?;
        let skills = match &u.skills {
            Some(s) => to_prof(s),
            None => or_empty(self.user_skills(&u.id).await)?,
        };
        let languages = match &u.languages {
            Some(s) => to_prof(s),
            None => or_empty(self.user_languages(&u.id).await)?,
        };
        let (phone, extension) = u.phone_and_extension();
        let mut lic = licenses.get(&u.id).cloned().unwrap_or_default();
        lic.sort();
        lic.dedup();
        Ok(ExistingUser {
            state: u.state(),
            email: u.email().to_string(),
            version: u.version.unwrap_or(0),
            division_id: u
                .division
                .as_ref()
                .map(|d| d.id.clone())
                .unwrap_or_default(),
            department: u.department.clone().filter(|s| !s.is_empty()),
            title: u.title.clone().filter(|s| !s.is_empty()),
            manager_id: u
                .manager
                .as_ref()
                .map(|m| m.id.clone())
                .filter(|s| !s.is_empty()),
            phone,
            extension,
            grants,
            skills,
            languages,
            queue_ids: queues,
            licenses: lic,
            external_ids: ext,
            id: u.id,
            name: u.name,
        })
    }

    /// The users named by these emails or external ids, in any state (deleted included),
    /// with full detail. One search per 50 emails; external ids already held by a user
    /// found by email cost nothing more, the rest one lookup each.
    pub async fn find_existing_users(
        &self,
        emails: &[String],
        external_ids: &[ExternalId],
    ) -> Result<Vec<ExistingUser>, ApiError> {
        let by_email = self.search_users_exact("email", emails, &[]).await?;
        let ids: Vec<String> = by_email.iter().map(|u| u.id.clone()).collect();
        let mut out = self.fetch_existing_users(&ids).await?;
        let known: BTreeSet<&ExternalId> = out.iter().flat_map(|u| u.external_ids.iter()).collect();
        let mut todo: Vec<ExternalId> = external_ids
            .iter()
            .filter(|e| !known.contains(e))
            .cloned()
            .collect();
        todo.sort();
        todo.dedup();
        let found: Vec<Option<User>> = futures::stream::iter(todo)
            .map(|e| async move { self.user_by_external_id(&e.authority, &e.key).await })
            .buffered(DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        let have: BTreeSet<String> = out.iter().map(|u| u.id.clone()).collect();
        let more: Vec<String> = found
            .into_iter()
            .flatten()
            .map(|u| u.id)
            .filter(|id| !have.contains(id))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !more.is_empty() {
            out.extend(self.fetch_existing_users(&more).await?);
        }
        out.sort_by(|a, b| {
            a.email
                .to_ascii_lowercase()
                .cmp(&b.email.to_ascii_lowercase())
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }
}
