//! Existing users as provisioning sees them ([`ExistingUser`]), fetched in as few requests
//! as the API allows.

use super::client::Client;
use super::dto::User;
use super::error::{ApiError, ErrorKind};
use super::routing::QUEUE_MEMBERS_MAX;
use super::users::SEARCH_VALUES_PER_CALL;
use crate::model::{ExistingUser, ExternalId, Grant, Proficiency, Queue};
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
            id: s.id.clone().into(),
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
        self.fetch_existing_users_with(ids, None, None).await
    }

    /// [`Client::fetch_existing_users`], given the org's queues (with member counts): when
    /// reading every queue's member list costs fewer requests than one
    /// `/users/{id}/queues` per user, queue membership is read from the queue side.
    ///
    /// `known_ext`: when the caller already looked up every external id it cares about
    /// (user id → the ones that user holds), those stand in for one
    /// `GET /users/{id}/externalid` per user.
    pub async fn fetch_existing_users_with(
        &self,
        ids: &[String],
        queues: Option<&[Queue]>,
        known_ext: Option<&BTreeMap<String, Vec<ExternalId>>>,
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
        let queue_pages = |q: &Queue| {
            q.member_count
                .map_or(1, |n| n.div_ceil(QUEUE_MEMBERS_MAX as u32))
                .max(1) as usize
        };
        let by_queue = match queues {
            Some(qs) if qs.iter().map(queue_pages).sum::<usize>() < users.len() => {
                let wanted: BTreeSet<&str> = user_ids.iter().map(String::as_str).collect();
                let lists: Vec<(String, Vec<String>)> =
                    futures::stream::iter(qs.iter().filter(|q| q.member_count != Some(0)))
                        .map(|q| async move {
                            Ok::<_, ApiError>((
                                q.id.clone(),
                                or_empty(self.queue_members(&q.id).await)?,
                            ))
                        })
                        .buffered(DETAIL_CONCURRENCY)
                        .try_collect()
                        .await?;
                let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for (qid, members) in lists {
                    for uid in members {
                        if wanted.contains(uid.as_str()) {
                            m.entry(uid).or_default().push(qid.clone());
                        }
                    }
                }
                Some(m)
            }
            _ => None,
        };
        let licenses = self.licenses_for_users(&user_ids).await?;
        let by_role = self.grants_by_role_if_cheaper(&user_ids).await?;
        let through_groups = self.group_memberships(queues, &user_ids).await?;
        let licenses = &licenses;
        let by_queue = &by_queue;
        let by_role = &by_role;
        let out: Vec<ExistingUser> = futures::stream::iter(users)
            .map(|u| async move {
                let queues = by_queue
                    .as_ref()
                    .map(|m| m.get(&u.id).cloned().unwrap_or_default());
                let ext = known_ext.map(|m| m.get(&u.id).cloned().unwrap_or_default());
                // A deleted user may be missing from the role side: read it per user.
                let grants = by_role
                    .as_ref()
                    .filter(|_| u.state() != crate::model::UserState::Deleted)
                    .map(|m| m.get(&u.id).cloned().unwrap_or_default());
                self.existing_user_detail(u, licenses, queues, ext, grants)
                    .await
            })
            .buffered(DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(out
            .into_iter()
            .map(|u| with_group_queues(u, &through_groups))
            .collect())
    }

    /// Which of `user_ids` are members through a group of which of `queues`: one
    /// `GET …/members?memberBy=group` (a page per 100) per queue that counts members through
    /// a group (`memberCount` > `userMemberCount`); no request when none does.
    async fn group_memberships(
        &self,
        queues: Option<&[Queue]>,
        user_ids: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
        let with_groups: Vec<&Queue> = queues
            .unwrap_or(&[])
            .iter()
            .filter(|q| q.group_member_count > 0)
            .collect();
        let wanted: BTreeSet<&str> = user_ids.iter().map(String::as_str).collect();
        let lists: Vec<(String, Vec<String>)> = futures::stream::iter(with_groups)
            .map(|q| async move {
                Ok::<_, ApiError>((
                    q.id.clone(),
                    or_empty(self.queue_group_members(&q.id).await)?,
                ))
            })
            .buffered(DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        let mut by_user: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (qid, members) in lists {
            for uid in members.into_iter().filter(|u| wanted.contains(u.as_str())) {
                by_user.entry(uid).or_default().push(qid.clone());
            }
        }
        Ok(by_user)
    }

    /// Every existing user's grants, read from the role side when that costs fewer requests
    /// than one `GET /authorization/subjects/{id}` per user (docs/genesys-api-notes.md §11.11): one
    /// count of holders per role, then each held role's subject grants, 100 a page. None
    /// means "read them per user" (few users, a cheaper per-user path, or no counts).
    async fn grants_by_role_if_cheaper(
        &self,
        user_ids: &[String],
    ) -> Result<Option<BTreeMap<String, Vec<Grant>>>, ApiError> {
        // With fewer users the count request alone costs about as much as it could save.
        if user_ids.len() < 4 {
            return Ok(None);
        }
        let counts = match self.role_user_counts().await {
            Ok(c) => c,
            Err(e) if matches!(e.kind, ErrorKind::Forbidden | ErrorKind::NotFound) => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let page = super::authz::ROLE_GRANTS_PAGE_SIZE;
        let held: Vec<&String> = counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(id, _)| id)
            .collect();
        let cost: u32 = counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(_, n)| n.div_ceil(page))
            .sum();
        if cost as usize >= user_ids.len() {
            return Ok(None);
        }
        let wanted: BTreeSet<&str> = user_ids.iter().map(String::as_str).collect();
        let lists: Vec<Vec<(String, Grant)>> = futures::stream::iter(held)
            .map(|role| async move { or_empty(self.role_grants(role).await) })
            .buffered(DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        let mut by_user: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
        for (user, grant) in lists.into_iter().flatten() {
            if wanted.contains(user.as_str()) {
                by_user.entry(user).or_default().push(grant);
            }
        }
        for g in by_user.values_mut() {
            g.sort();
            g.dedup();
        }
        Ok(Some(by_user))
    }

    async fn existing_user_detail(
        &self,
        u: User,
        licenses: &BTreeMap<String, Vec<String>>,
        queues: Option<Vec<String>>,
        known_ext: Option<Vec<ExternalId>>,
        known_grants: Option<Vec<Grant>>,
    ) -> Result<ExistingUser, ApiError> {
        let (grants, mut queues, ext) = futures::try_join!(
            async {
                match known_grants {
                    Some(g) => Ok(g),
                    None => or_empty(self.subject_grants(&u.id).await),
                }
            },
            async {
                match queues {
                    Some(q) => Ok(q),
                    None => or_empty(self.user_queues(&u.id).await),
                }
            },
            async {
                match known_ext {
                    Some(x) => Ok(x),
                    None => or_empty(self.list_external_ids(&u.id).await),
                }
            },
        )?;
        queues.sort();
        queues.dedup();
        let skills = match &u.skills {
            Some(s) => to_prof(s),
            None => or_empty(self.user_skills(&u.id).await)?,
        };
        let languages = match &u.languages {
            Some(s) => to_prof(s),
            None => or_empty(self.user_languages(&u.id).await)?,
        };
        let mut lic = licenses.get(&u.id).cloned().unwrap_or_default();
        lic.sort();
        lic.dedup();
        Ok(existing_from(
            u, grants, skills, languages, queues, lic, ext,
        ))
    }

    /// The users named by these emails or external ids, in any state (deleted included),
    /// with full detail. One search per 50 emails and one lookup per external id, run
    /// concurrently, then one [`Client::fetch_existing_users`] for everyone found.
    pub async fn find_existing_users(
        &self,
        emails: &[String],
        external_ids: &[ExternalId],
    ) -> Result<Vec<ExistingUser>, ApiError> {
        self.find_existing_users_with(emails, external_ids, None)
            .await
    }

    /// [`Client::find_existing_users`] given the org's queues (see
    /// [`Client::fetch_existing_users_with`]).
    pub async fn find_existing_users_with(
        &self,
        emails: &[String],
        external_ids: &[ExternalId],
        queues: Option<&[Queue]>,
    ) -> Result<Vec<ExistingUser>, ApiError> {
        self.find_existing_users_observed(emails, external_ids, queues, &|_| {})
            .await
    }

    /// [`Client::find_existing_users_with`], telling `looked` about every lookup as it
    /// finishes (a search of up to [`SEARCH_VALUES_PER_CALL`] emails, or one external id),
    /// so a caller can act on the identities already answered before the slow rest is done.
    /// The requests are the same: lookups first, then one detail fetch for everyone found.
    pub async fn find_existing_users_observed(
        &self,
        emails: &[String],
        external_ids: &[ExternalId],
        queues: Option<&[Queue]>,
        looked: &(dyn Fn(Looked) + Send + Sync),
    ) -> Result<Vec<ExistingUser>, ApiError> {
        let mut todo: Vec<ExternalId> = external_ids.to_vec();
        todo.sort();
        todo.dedup();
        let mut emails: Vec<String> = emails.iter().filter(|e| !e.is_empty()).cloned().collect();
        emails.sort();
        emails.dedup();
        // Emails in bulk searches and external ids one lookup each, all at once; then one
        // detail fetch for everyone found.
        let batches: Vec<Vec<String>> = emails
            .chunks(SEARCH_VALUES_PER_CALL)
            .map(<[String]>::to_vec)
            .collect();
        let by_email = futures::stream::iter(batches)
            .map(|batch| async move {
                let users = self.search_users_exact("email", &batch, &[]).await?;
                looked(Looked {
                    emails: batch.iter().map(|e| e.to_lowercase()).collect(),
                    external_ids: Vec::new(),
                    found: users.iter().map(lookup_view).collect(),
                });
                Ok::<_, ApiError>(users)
            })
            .buffer_unordered(4)
            .try_collect::<Vec<Vec<User>>>();
        let by_ext = futures::stream::iter(todo)
            .map(|e| async move {
                let u = self.user_by_external_id(&e.authority, &e.key).await?;
                looked(Looked {
                    emails: Vec::new(),
                    external_ids: vec![e.clone()],
                    found: u.iter().map(lookup_view).collect(),
                });
                Ok::<_, ApiError>(u.map(|u| (u, e)))
            })
            .buffer_unordered(LOOKUP_CONCURRENCY)
            .try_collect::<Vec<Option<(User, ExternalId)>>>();
        let (by_email, by_ext) = futures::try_join!(by_email, by_ext)?;
        // Every external id of the list was looked up, so who holds which is known: no
        // per-user external-id read is needed.
        let mut known_ext: BTreeMap<String, Vec<ExternalId>> = BTreeMap::new();
        for (u, e) in by_ext.iter().flatten() {
            known_ext.entry(u.id.clone()).or_default().push(e.clone());
        }
        for v in known_ext.values_mut() {
            v.sort();
        }
        let ids: Vec<String> = by_email
            .into_iter()
            .flatten()
            .chain(by_ext.into_iter().flatten().map(|(u, _)| u))
            .map(|u| u.id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut out = self
            .fetch_existing_users_with(&ids, queues, Some(&known_ext))
            .await?;
        out.sort_by(|a, b| {
            a.email
                .to_ascii_lowercase()
                .cmp(&b.email.to_ascii_lowercase())
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }
}

/// External-id lookups in flight at once: one request each (the API has no bulk form), so
/// enough of them to keep every token of the pool busy (the limiter paces them).
const LOOKUP_CONCURRENCY: usize = 32;

/// One identity lookup that finished (see [`Client::find_existing_users_observed`]).
#[derive(Debug, Clone, Default)]
pub struct Looked {
    /// The emails (lowercased) this search answered for.
    pub emails: Vec<String>,
    /// The external ids this lookup answered for.
    pub external_ids: Vec<ExternalId>,
    /// The users it found, as the lookup returned them: identity, state, division and
    /// the fields of the user record, but no grants, queues, licences or external ids yet
    /// (those come with the detail fetch). Enough to name a manager; never enough to plan
    /// the row of that user.
    pub found: Vec<ExistingUser>,
}

/// A user as a lookup returned it (see [`Looked::found`]).
fn lookup_view(u: &User) -> ExistingUser {
    let skills = u.skills.as_deref().map(to_prof).unwrap_or_default();
    let languages = u.languages.as_deref().map(to_prof).unwrap_or_default();
    existing_from(
        u.clone(),
        Vec::new(),
        skills,
        languages,
        Vec::new(),
        Vec::new(),
        Vec::new(),
    )
}

/// `u` with the queues the org lists it in through a group: those go to `group_queue_ids`
/// and out of its own `queue_ids` — in case `GET /users/{id}/queues` lists them too (which
/// is UNVERIFIED) — so mirror never removes them and drift never counts them extra. A user
/// listed both ways is taken as a member through the group (never removed: the safe side).
fn with_group_queues(
    mut u: ExistingUser,
    through_groups: &BTreeMap<String, Vec<String>>,
) -> ExistingUser {
    let Some(qs) = through_groups.get(&*u.id) else {
        return u;
    };
    u.queue_ids.retain(|d| !qs.iter().any(|q| **q == **d));
    u.group_queue_ids = qs.iter().map(|q| q.as_str().into()).collect();
    u
}

/// The provisioning view of `u` with the details read beside it.
fn existing_from(
    u: User,
    grants: Vec<Grant>,
    skills: Vec<Proficiency>,
    languages: Vec<Proficiency>,
    queues: Vec<String>,
    licenses: Vec<String>,
    external_ids: Vec<ExternalId>,
) -> ExistingUser {
    let (phone, extension) = u.phone_and_extension();
    ExistingUser {
        state: u.state(),
        email: u.email().to_string(),
        version: u.version.unwrap_or(0),
        division_id: u
            .division
            .as_ref()
            .map(|d| d.id.clone())
            .unwrap_or_default()
            .into(),
        department: u.department.clone().filter(|s| !s.is_empty()),
        title: u.title.clone().filter(|s| !s.is_empty()),
        manager_id: u
            .manager
            .as_ref()
            .filter(|m| !m.id.is_empty())
            .map(|m| m.id.as_str().into()),
        phone,
        extension,
        grants,
        skills,
        languages,
        queue_ids: queues.into_iter().map(Into::into).collect(),
        group_queue_ids: Vec::new(),
        licenses: licenses.into_iter().map(Into::into).collect(),
        external_ids,
        addresses: u
            .addresses
            .iter()
            .map(super::dto::Contact::to_raw)
            .collect(),
        utilization: None,
        id: u.id.into(),
        name: u.name,
    }
}
