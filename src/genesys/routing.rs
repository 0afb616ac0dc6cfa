//! Routing: skills, languages, queues, wrap-up codes, and a user's routing data
//! (docs/genesys-api-notes.md §2.5, §4).

use super::client::{Client, Req, Safety, seg};
use super::dto::{
    IdOnly, NamedDto, QueueDto, QueueMemberDto, RoutingPost, UserQueueDto, UserRouting,
};
use super::error::ApiError;
use super::pagination::PAGE_SIZE;
use crate::model::{Named, Proficiency, Queue};
use reqwest::Method;

/// Items per bulk skill/language write (documented cap).
pub const ROUTING_BULK_MAX: usize = 50;
/// Members per queue-member write (documented cap).
pub const QUEUE_MEMBERS_MAX: usize = 100;

/// The code of a queue add refused because users are already members through a group: the
/// simulator's (`queueAddOfGroupMember: refuse`). Whether a real org refuses such an add, and
/// with which status and code, is UNVERIFIED (assets/demo/ORG.md "Groups").
pub const QUEUE_MEMBER_VIA_GROUP: &str = "queue.member.via.group";

/// When `e` refuses a queue add because users are members through a group: the user ids
/// its `details` name (possibly none).
pub fn via_group_refusal(e: &ApiError) -> Option<Vec<String>> {
    if e.status != Some(400) || e.code.as_deref() != Some(QUEUE_MEMBER_VIA_GROUP) {
        return None;
    }
    Some(
        e.details
            .iter()
            .filter_map(|d| d.entity_id.clone())
            .collect(),
    )
}

fn named(v: Vec<NamedDto>) -> Vec<Named> {
    v.into_iter()
        .filter(|n| {
            n.state
                .as_deref()
                .is_none_or(|s| !s.eq_ignore_ascii_case("deleted"))
        })
        .map(|n| Named {
            id: n.id,
            name: n.name,
        })
        .collect()
}

fn prof(v: Vec<UserRouting>) -> Vec<Proficiency> {
    v.into_iter()
        .filter(|s| {
            s.state
                .as_deref()
                .is_none_or(|s| !s.eq_ignore_ascii_case("deleted"))
        })
        .map(|s| Proficiency {
            id: s.id.into(),
            proficiency: s.proficiency,
        })
        .collect()
}

fn posts(items: &[Proficiency]) -> Vec<RoutingPost> {
    items
        .iter()
        .map(|p| RoutingPost {
            id: p.id.to_string(),
            proficiency: p.proficiency,
        })
        .collect()
}

impl Client {
    /// `GET /api/v2/routing/skills`, every page.
    pub async fn list_skills(&self) -> Result<Vec<Named>, ApiError> {
        let r = Req::get("/api/v2/routing/skills", "/api/v2/routing/skills".into());
        Ok(named(self.all_pages(r, PAGE_SIZE).await?))
    }

    /// `GET /api/v2/routing/languages`, every page.
    pub async fn list_languages(&self) -> Result<Vec<Named>, ApiError> {
        let r = Req::get(
            "/api/v2/routing/languages",
            "/api/v2/routing/languages".into(),
        );
        Ok(named(self.all_pages(r, PAGE_SIZE).await?))
    }

    /// `GET /api/v2/routing/wrapupcodes`, every page.
    pub async fn list_wrapup_codes(&self) -> Result<Vec<Named>, ApiError> {
        let r = Req::get(
            "/api/v2/routing/wrapupcodes",
            "/api/v2/routing/wrapupcodes".into(),
        );
        Ok(named(self.all_pages(r, PAGE_SIZE).await?))
    }

    /// `GET /api/v2/routing/queues`, every page, with division and member count.
    pub async fn list_queues(&self) -> Result<Vec<Queue>, ApiError> {
        let r = Req::get("/api/v2/routing/queues", "/api/v2/routing/queues".into());
        let v: Vec<QueueDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .map(|q| Queue {
                id: q.id,
                name: q.name,
                division_id: q.division.map(|d| d.id).unwrap_or_default(),
                member_count: q.member_count.or(q.user_member_count),
                group_member_count: match (q.member_count, q.user_member_count) {
                    (Some(all), Some(direct)) => all.saturating_sub(direct),
                    _ => 0,
                },
            })
            .collect())
    }

    /// `PATCH /api/v2/users/{userId}/routingskills/bulk` (merge), in chunks of 50.
    pub async fn patch_user_skills(
        &self,
        user_id: &str,
        skills: &[Proficiency],
    ) -> Result<(), ApiError> {
        for chunk in skills.chunks(ROUTING_BULK_MAX) {
            let r = Req::new(
                Method::PATCH,
                "/api/v2/users/{userId}/routingskills/bulk",
                format!("/api/v2/users/{}/routingskills/bulk", seg(user_id)),
            )
            .json(&posts(chunk))?;
            self.call_unit(r).await?;
        }
        Ok(())
    }

    /// `PUT /api/v2/users/{userId}/routingskills/bulk` (replace all). Beyond 50 skills the
    /// first 50 replace and the rest are merged with PATCH.
    pub async fn put_user_skills(
        &self,
        user_id: &str,
        skills: &[Proficiency],
    ) -> Result<(), ApiError> {
        let (head, tail) = skills.split_at(skills.len().min(ROUTING_BULK_MAX));
        let r = Req::new(
            Method::PUT,
            "/api/v2/users/{userId}/routingskills/bulk",
            format!("/api/v2/users/{}/routingskills/bulk", seg(user_id)),
        )
        .json(&posts(head))?;
        self.call_unit(r).await?;
        if !tail.is_empty() {
            self.patch_user_skills(user_id, tail).await?;
        }
        Ok(())
    }

    /// `GET /api/v2/users/{userId}/routingskills`, every page.
    pub async fn user_skills(&self, user_id: &str) -> Result<Vec<Proficiency>, ApiError> {
        let r = Req::get(
            "/api/v2/users/{userId}/routingskills",
            format!("/api/v2/users/{}/routingskills", seg(user_id)),
        );
        Ok(prof(self.all_pages(r, PAGE_SIZE).await?))
    }

    /// `PATCH /api/v2/users/{userId}/routinglanguages/bulk` (merge), in chunks of 50.
    pub async fn patch_user_languages(
        &self,
        user_id: &str,
        langs: &[Proficiency],
    ) -> Result<(), ApiError> {
        for chunk in langs.chunks(ROUTING_BULK_MAX) {
            let r = Req::new(
                Method::PATCH,
                "/api/v2/users/{userId}/routinglanguages/bulk",
                format!("/api/v2/users/{}/routinglanguages/bulk", seg(user_id)),
            )
            .json(&posts(chunk))?;
            self.call_unit(r).await?;
        }
        Ok(())
    }

    /// `DELETE /api/v2/users/{userId}/routinglanguages/{languageId}`.
    pub async fn delete_user_language(
        &self,
        user_id: &str,
        language_id: &str,
    ) -> Result<(), ApiError> {
        let r = Req::new(
            Method::DELETE,
            "/api/v2/users/{userId}/routinglanguages/{languageId}",
            format!(
                "/api/v2/users/{}/routinglanguages/{}",
                seg(user_id),
                seg(language_id)
            ),
        );
        self.call_unit(r).await.map(|_| ())
    }

    /// Make the user's languages exactly `langs`. The API has no bulk replace for
    /// languages: merge with PATCH, then delete the ones not wanted (`current` = what the
    /// user has now, e.g. from the snapshot).
    pub async fn replace_user_languages(
        &self,
        user_id: &str,
        current: &[Proficiency],
        langs: &[Proficiency],
    ) -> Result<(), ApiError> {
        if !langs.is_empty() {
            self.patch_user_languages(user_id, langs).await?;
        }
        for c in current {
            if !langs.iter().any(|l| l.id == c.id) {
                self.delete_user_language(user_id, &c.id).await?;
            }
        }
        Ok(())
    }

    /// `GET /api/v2/users/{userId}/routinglanguages`, every page.
    pub async fn user_languages(&self, user_id: &str) -> Result<Vec<Proficiency>, ApiError> {
        let r = Req::get(
            "/api/v2/users/{userId}/routinglanguages",
            format!("/api/v2/users/{}/routinglanguages", seg(user_id)),
        );
        Ok(prof(self.all_pages(r, PAGE_SIZE).await?))
    }

    async fn queue_members_write(
        &self,
        queue_id: &str,
        user_ids: &[String],
        delete: bool,
    ) -> Result<(), ApiError> {
        for chunk in user_ids.chunks(QUEUE_MEMBERS_MAX) {
            let body: Vec<IdOnly> = chunk.iter().map(|id| IdOnly { id: id.clone() }).collect();
            let r = Req::new(
                Method::POST,
                "/api/v2/routing/queues/{queueId}/members",
                format!("/api/v2/routing/queues/{}/members", seg(queue_id)),
            )
            .q("delete", delete)
            .json(&body)?
            .safety(Safety::Idempotent);
            self.call_unit(r).await?;
        }
        Ok(())
    }

    /// `POST /api/v2/routing/queues/{queueId}/members?delete=false`, ≤100 per call.
    pub async fn add_queue_members(
        &self,
        queue_id: &str,
        user_ids: &[String],
    ) -> Result<(), ApiError> {
        self.queue_members_write(queue_id, user_ids, false).await
    }

    /// `POST /api/v2/routing/queues/{queueId}/members?delete=true`, ≤100 per call.
    pub async fn remove_queue_members(
        &self,
        queue_id: &str,
        user_ids: &[String],
    ) -> Result<(), ApiError> {
        self.queue_members_write(queue_id, user_ids, true).await
    }

    /// `GET /api/v2/routing/queues/{queueId}/members` (pageSize ≤ 100): the users who are
    /// direct members (`memberBy` user; the plain list holds group members too).
    pub async fn queue_members(&self, queue_id: &str) -> Result<Vec<String>, ApiError> {
        self.queue_members_by(queue_id, "user", None).await
    }

    /// `GET /api/v2/routing/queues/{queueId}/members?memberBy=group` (pageSize ≤ 100): the
    /// users who are members through a group (Terraform reads the same before it adds).
    pub async fn queue_group_members(&self, queue_id: &str) -> Result<Vec<String>, ApiError> {
        self.queue_members_by(queue_id, "group", Some("group"))
            .await
    }

    /// The member user ids of a queue whose `memberBy` is `kind` (an entry without one
    /// counts), asking the API for that kind when `filter` is given.
    async fn queue_members_by(
        &self,
        queue_id: &str,
        kind: &str,
        filter: Option<&str>,
    ) -> Result<Vec<String>, ApiError> {
        let mut r = Req::get(
            "/api/v2/routing/queues/{queueId}/members",
            format!("/api/v2/routing/queues/{}/members", seg(queue_id)),
        );
        if let Some(f) = filter {
            r = r.q("memberBy", f);
        }
        let v: Vec<QueueMemberDto> = self.all_pages(r, QUEUE_MEMBERS_MAX as u32).await?;
        Ok(v.into_iter()
            .filter(|m| {
                m.member_by
                    .as_deref()
                    .is_none_or(|b| b.eq_ignore_ascii_case(kind))
            })
            .map(|m| {
                m.user
                    .map(|u| u.id)
                    .filter(|i| !i.is_empty())
                    .unwrap_or(m.id)
            })
            .collect())
    }

    /// `GET /api/v2/users/{userId}/queues`: the queue ids the user is a member of.
    pub async fn user_queues(&self, user_id: &str) -> Result<Vec<String>, ApiError> {
        let r = Req::get(
            "/api/v2/users/{userId}/queues",
            format!("/api/v2/users/{}/queues", seg(user_id)),
        );
        let v: Vec<UserQueueDto> = self.all_pages(r, PAGE_SIZE).await?;
        let mut ids: Vec<String> = v.into_iter().map(|q| q.id).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The queues a user is a member of but has not joined:
    /// `GET /api/v2/users/{userId}/queues?joined=false`. The plain read answers joined ones
    /// only (the API's default), so a capture that read it alone would miss these.
    pub async fn user_unjoined_queues(&self, user_id: &str) -> Result<Vec<String>, ApiError> {
        let r = Req::get(
            "/api/v2/users/{userId}/queues",
            format!("/api/v2/users/{}/queues", seg(user_id)),
        )
        .q("joined", "false");
        let v: Vec<UserQueueDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter().map(|q| q.id).collect())
    }

    /// `user` with its unjoined queue memberships added to `queue_ids` (one read).
    pub async fn with_unjoined_queues(
        &self,
        user: &crate::model::ExistingUser,
    ) -> Result<crate::model::ExistingUser, ApiError> {
        let mut u = user.clone();
        for id in self.user_unjoined_queues(&u.id).await? {
            let id: crate::model::Id = id.into();
            if !u.queue_ids.contains(&id) {
                u.queue_ids.push(id);
            }
        }
        Ok(u)
    }
}
