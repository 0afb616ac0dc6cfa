//! Users (docs/genesys-api-notes.md §2).

use super::client::{Client, Req, Safety, seg};
use super::dto::{ExternalIdDto, SearchCriteria, SearchRequest, SearchResponse, User, UserRouting};
use super::error::{ApiError, ErrorKind};
use super::secret::Secret;
use crate::model::{ExternalId, UserState};
use futures::{StreamExt, TryStreamExt};
use reqwest::Method;

/// Ids per `GET /api/v2/users?id=…` call (the API's maximum is unverified; halved on
/// `max.user.ids`).
pub const USER_IDS_PER_GET: usize = 100;
/// Values per `EXACT` search criterion.
pub const SEARCH_VALUES_PER_CALL: usize = 50;
const SEARCH_PAGE_SIZE: u32 = 100;
/// Per-user reads of a missing expansion in flight at once (the limiter paces them).
const EXPAND_CONCURRENCY: usize = 8;

pub(crate) fn state_str(s: UserState) -> &'static str {
    match s {
        UserState::Active => "active",
        UserState::Inactive => "inactive",
        UserState::Deleted => "deleted",
    }
}

impl Client {
    /// `POST /api/v2/users`. Never repeated blindly: a timeout, dropped connection or 5xx
    /// comes back as [`ErrorKind::OutcomeUnknown`]; look the email up before trying again.
    /// A duplicate email (any state) is [`ErrorKind::Conflict`] (`general.conflict`).
    pub async fn create_user(&self, body: &super::dto::CreateUser) -> Result<User, ApiError> {
        self.call(Req::new(Method::POST, "/api/v2/users", "/api/v2/users".into()).json(body)?)
            .await
    }

    /// `GET /api/v2/users/{userId}`; `deleted` reads a soft-deleted user (`state=deleted`).
    pub async fn get_user(
        &self,
        id: &str,
        expand: &[&str],
        deleted: bool,
    ) -> Result<User, ApiError> {
        let mut r = Req::get(
            "/api/v2/users/{userId}",
            format!("/api/v2/users/{}", seg(id)),
        );
        for e in expand {
            r = r.q("expand", e);
        }
        if deleted {
            r = r.q("state", "deleted");
        }
        let mut u: User = self.call(r).await?;
        self.fill_missing_expansions(std::slice::from_mut(&mut u), expand)
            .await?;
        Ok(u)
    }

    /// `expand` is best effort (docs/genesys-api-notes.md §11.6): a user read without the `skills` or
    /// `languages` it asked for has them *unknown*, not empty. Reads each missing part from
    /// the user's own listing, so every caller (snapshot, diff, verification) sees complete
    /// data. Costs nothing when the API honoured the expansion.
    pub async fn fill_missing_expansions(
        &self,
        users: &mut [User],
        expand: &[&str],
    ) -> Result<(), ApiError> {
        let want_skills = expand.contains(&"skills");
        let want_languages = expand.contains(&"languages");
        if !want_skills && !want_languages {
            return Ok(());
        }
        let todo: Vec<(usize, bool)> = users
            .iter()
            .enumerate()
            .flat_map(|(i, u)| {
                let s = (want_skills && u.skills.is_none()).then_some((i, true));
                let l = (want_languages && u.languages.is_none()).then_some((i, false));
                s.into_iter().chain(l)
            })
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let fetched: Vec<(usize, bool, Vec<UserRouting>)> = futures::stream::iter(todo)
            .map(|(i, skills)| {
                let id = users[i].id.clone();
                async move {
                    let list = self.user_routing_list(&id, skills).await?;
                    Ok::<_, ApiError>((i, skills, list))
                }
            })
            .buffered(EXPAND_CONCURRENCY)
            .try_collect()
            .await?;
        for (i, skills, list) in fetched {
            if skills {
                users[i].skills = Some(list);
            } else {
                users[i].languages = Some(list);
            }
        }
        Ok(())
    }

    /// `GET /users/{id}/routingskills` or `/routinglanguages`, every page; a user that cannot
    /// be found there (e.g. deleted) holds none.
    async fn user_routing_list(
        &self,
        id: &str,
        skills: bool,
    ) -> Result<Vec<UserRouting>, ApiError> {
        let r = if skills {
            Req::get(
                "/api/v2/users/{userId}/routingskills",
                format!("/api/v2/users/{}/routingskills", seg(id)),
            )
        } else {
            Req::get(
                "/api/v2/users/{userId}/routinglanguages",
                format!("/api/v2/users/{}/routinglanguages", seg(id)),
            )
        };
        match self.all_pages(r, super::pagination::PAGE_SIZE).await {
            Err(e) if e.kind == ErrorKind::NotFound => Ok(Vec::new()),
            other => other,
        }
    }

    /// `GET /api/v2/users?id=…&state=any`, in batches of [`USER_IDS_PER_GET`] ids (halved
    /// when the API answers `max.user.ids`). Users that do not exist are simply absent.
    pub async fn get_users_by_ids(
        &self,
        ids: &[String],
        expand: &[&str],
    ) -> Result<Vec<User>, ApiError> {
        let mut ids: Vec<String> = ids.to_vec();
        ids.sort();
        ids.dedup();
        let mut batch = USER_IDS_PER_GET;
        let mut out = Vec::with_capacity(ids.len());
        let mut rest: &[String] = &ids;
        while !rest.is_empty() {
            // Owned chunks: a closure over borrowed slices makes the future not `Send`-general
            // enough to be spawned (rustc's higher-ranked closure limitation).
            let chunks: Vec<Vec<String>> = rest.chunks(batch).map(<[String]>::to_vec).collect();
            let results: Vec<Result<Vec<User>, ApiError>> = futures::stream::iter(chunks.clone())
                .map(|chunk: Vec<String>| async move { self.get_users_page(&chunk, expand).await })
                .buffered(4)
                .collect()
                .await;
            let mut done = 0usize;
            let mut shrink = false;
            for (chunk, res) in chunks.iter().zip(results) {
                match res {
                    Ok(users) => {
                        out.extend(users);
                        done += chunk.len();
                    }
                    Err(e) if e.code.as_deref() == Some("max.user.ids") && batch > 1 => {
                        shrink = true;
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
            rest = &rest[done..];
            if shrink {
                batch = (batch / 2).max(1);
            }
        }
        self.fill_missing_expansions(&mut out, expand).await?;
        Ok(out)
    }

    async fn get_users_page(&self, ids: &[String], expand: &[&str]) -> Result<Vec<User>, ApiError> {
        let mut r = Req::get("/api/v2/users", "/api/v2/users".into()).q("state", "any");
        for id in ids {
            r = r.q("id", id);
        }
        for e in expand {
            r = r.q("expand", e);
        }
        // One page holds them all unless the API caps pageSize lower: then read on.
        self.all_pages(r, ids.len().clamp(1, USER_IDS_PER_GET) as u32)
            .await
    }

    /// The ids of every user in `state` (`active`, `inactive` or `any`):
    /// `GET /api/v2/users?state=…`, 500 a page.
    pub async fn list_user_ids(&self, state: &str) -> Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: String,
        }
        let r = Req::get("/api/v2/users", "/api/v2/users".into()).q("state", state);
        let users: Vec<IdOnly> = self.all_pages(r, 500).await?;
        Ok(users.into_iter().map(|u| u.id).collect())
    }

    /// `PATCH /api/v2/users/{userId}` (with `version`). A stale version is
    /// [`ErrorKind::VersionConflict`].
    pub async fn patch_user(
        &self,
        id: &str,
        body: &super::dto::UpdateUser,
    ) -> Result<User, ApiError> {
        self.call(
            Req::new(
                Method::PATCH,
                "/api/v2/users/{userId}",
                format!("/api/v2/users/{}", seg(id)),
            )
            .json(body)?,
        )
        .await
    }

    /// `DELETE /api/v2/users/{userId}` (soft delete).
    pub async fn delete_user(&self, id: &str) -> Result<(), ApiError> {
        self.call_unit(Req::new(
            Method::DELETE,
            "/api/v2/users/{userId}",
            format!("/api/v2/users/{}", seg(id)),
        ))
        .await
        .map(|_| ())
    }

    /// `POST /api/v2/users/search` with `EXACT` on `field` (`email`, `id`, …) and many
    /// `values` per request, restricted to `states` (empty = all three states, so deleted
    /// users are found too). Batched by [`SEARCH_VALUES_PER_CALL`], every page read.
    pub async fn search_users_exact(
        &self,
        field: &str,
        values: &[String],
        states: &[UserState],
    ) -> Result<Vec<User>, ApiError> {
        let states: Vec<String> = if states.is_empty() {
            [UserState::Active, UserState::Inactive, UserState::Deleted]
                .iter()
                .map(|s| state_str(*s).to_string())
                .collect()
        } else {
            states.iter().map(|s| state_str(*s).to_string()).collect()
        };
        let mut values: Vec<String> = values.iter().filter(|v| !v.is_empty()).cloned().collect();
        values.sort();
        values.dedup();
        let batches: Vec<Vec<String>> = values
            .chunks(SEARCH_VALUES_PER_CALL)
            .map(<[String]>::to_vec)
            .collect();
        let pages: Vec<Vec<User>> = futures::stream::iter(batches)
            .map(|batch| {
                let states = states.clone();
                async move { self.search_all_pages(field, batch, states).await }
            })
            .buffered(4)
            .try_collect()
            .await?;
        let mut out: Vec<User> = pages.into_iter().flatten().collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        Ok(out)
    }

    async fn search_all_pages(
        &self,
        field: &str,
        values: Vec<String>,
        states: Vec<String>,
    ) -> Result<Vec<User>, ApiError> {
        let mut out = Vec::new();
        let mut page = 1u32;
        loop {
            let body = SearchRequest {
                page_size: SEARCH_PAGE_SIZE,
                page_number: page,
                query: vec![
                    SearchCriteria {
                        kind: "EXACT".into(),
                        fields: vec![field.to_string()],
                        value: None,
                        values: values.clone(),
                    },
                    SearchCriteria {
                        kind: "EXACT".into(),
                        fields: vec!["state".into()],
                        value: None,
                        values: states.clone(),
                    },
                ],
                expand: Vec::new(),
            };
            let r = Req::new(
                Method::POST,
                "/api/v2/users/search",
                "/api/v2/users/search".into(),
            )
            .json(&body)?
            .safety(Safety::Read);
            let resp: SearchResponse = self.call(r).await?;
            let n = resp.results.len();
            out.extend(resp.results);
            let more = match resp.page_count {
                Some(pc) => page < pc,
                None => resp
                    .total
                    .map_or(n as u32 >= SEARCH_PAGE_SIZE, |t| (out.len() as u64) < t),
            };
            if !more || n == 0 || page >= 1000 {
                return Ok(out);
            }
            page += 1;
        }
    }

    /// `GET /api/v2/users/externalid/{authorityName}/{externalKey}`; `None` when no user has it.
    pub async fn user_by_external_id(
        &self,
        authority: &str,
        key: &str,
    ) -> Result<Option<User>, ApiError> {
        let r = Req::get(
            "/api/v2/users/externalid/{authorityName}/{externalKey}",
            format!("/api/v2/users/externalid/{}/{}", seg(authority), seg(key)),
        );
        match self.call(r).await {
            Ok(u) => Ok(Some(u)),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v2/users/{userId}/externalid`. The real API answers with ONE
    /// `UserExternalIdentifier` although the SDK declares a list (docs/genesys-api-notes.md §11.1), so
    /// any 2xx counts as done: returns what the body holds (an object, a list, or nothing).
    pub async fn add_external_id(
        &self,
        user_id: &str,
        ext: &ExternalId,
    ) -> Result<Vec<ExternalId>, ApiError> {
        let body = ExternalIdDto {
            authority_name: ext.authority.to_string(),
            external_key: ext.key.to_string(),
        };
        let r = Req::new(
            Method::POST,
            "/api/v2/users/{userId}/externalid",
            format!("/api/v2/users/{}/externalid", seg(user_id)),
        )
        .json(&body)?
        .safety(Safety::Idempotent);
        let resp = self.execute(&r).await?;
        Ok(external_ids_in(&resp.body))
    }

    /// `GET /api/v2/users/{userId}/externalid` (a list; an object is read as a list of one).
    pub async fn list_external_ids(&self, user_id: &str) -> Result<Vec<ExternalId>, ApiError> {
        let r = Req::get(
            "/api/v2/users/{userId}/externalid",
            format!("/api/v2/users/{}/externalid", seg(user_id)),
        );
        let v: ExternalIds = self.call(r).await?;
        Ok(v.into_vec().into_iter().map(to_ext).collect())
    }

    /// `DELETE /api/v2/users/{userId}/externalid/{authorityName}/{externalKey}`.
    pub async fn delete_external_id(
        &self,
        user_id: &str,
        ext: &ExternalId,
    ) -> Result<(), ApiError> {
        let r = Req::new(
            Method::DELETE,
            "/api/v2/users/{userId}/externalid/{authorityName}/{externalKey}",
            format!(
                "/api/v2/users/{}/externalid/{}/{}",
                seg(user_id),
                seg(&ext.authority),
                seg(&ext.key)
            ),
        );
        self.call_unit(r).await.map(|_| ())
    }

    /// `POST /api/v2/users/{userId}/invite` — sends the activation email (not repeated
    /// blindly: an unanswered attempt is `OutcomeUnknown`).
    pub async fn invite_user(&self, user_id: &str, force: bool) -> Result<(), ApiError> {
        let r = Req::new(
            Method::POST,
            "/api/v2/users/{userId}/invite",
            format!("/api/v2/users/{}/invite", seg(user_id)),
        )
        .q("force", force);
        self.call_unit(r).await.map(|_| ())
    }

    /// `POST /api/v2/users/{userId}/password` `{"newPassword": …}`.
    pub async fn set_password(&self, user_id: &str, password: &Secret) -> Result<(), ApiError> {
        let body = serde_json::json!({ "newPassword": password.expose() });
        let r = Req::new(
            Method::POST,
            "/api/v2/users/{userId}/password",
            format!("/api/v2/users/{}/password", seg(user_id)),
        )
        .json(&body)?
        .safety(Safety::Idempotent);
        self.call_unit(r).await.map(|_| ())
    }
}

/// An external-id answer in any of the shapes seen: one object, a list, or nothing.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(untagged)]
enum ExternalIds {
    #[default]
    None,
    Many(Vec<ExternalIdDto>),
    One(ExternalIdDto),
}

impl ExternalIds {
    fn into_vec(self) -> Vec<ExternalIdDto> {
        match self {
            ExternalIds::None => Vec::new(),
            ExternalIds::Many(v) => v,
            ExternalIds::One(d) => vec![d],
        }
        .into_iter()
        .filter(|d| !d.authority_name.is_empty() || !d.external_key.is_empty())
        .collect()
    }
}

/// The external ids a 2xx body names; an unreadable body names none (the status said done).
fn external_ids_in(body: &[u8]) -> Vec<ExternalId> {
    serde_json::from_slice::<Option<ExternalIds>>(body)
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_vec()
        .into_iter()
        .map(to_ext)
        .collect()
}

fn to_ext(d: ExternalIdDto) -> ExternalId {
    ExternalId {
        authority: d.authority_name.into(),
        key: d.external_key.into(),
    }
}
