//! The real [`Ops`]: the operations provisioning needs, over the Genesys client, with errors
//! reduced to what the scheduler decides on. Everything network-related stays in `genesys`.

use super::ops::{OpError, Ops, ReadBack, UserRef};
use super::steps::{PhoneContacts, UserPatch};
use crate::genesys::dto::Contact;
use crate::genesys::{self, ApiError, Client, ErrorKind};
use crate::model::{
    ApiStats, DesiredUser, ExternalId, Grant, Id, MediaCapacity, Proficiency, RawContact, UserState,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Sends a versionless update again when it meets a version conflict (any 409 on a
/// PATCH/PUT): the body carries the whole change, so sending it again re-applies it.
async fn resend_on_conflict<F, Fut>(mut send: F) -> Result<(), OpError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), ApiError>>,
{
    let mut sent = 0;
    loop {
        sent += 1;
        match send().await {
            Err(e) if e.kind == ErrorKind::VersionConflict && sent < CONFLICT_SENDS => {}
            other => return other.map_err(OpError::from),
        }
    }
}

/// A skill or language this run was to create first and could not still has its stand-in
/// id: say so, and send nothing (the org would refuse the id anyway).
fn not_created(items: &[Proficiency], request: &str) -> Option<OpError> {
    let (noun, name) = items
        .iter()
        .find_map(|p| super::dependencies::stand_in_name(&p.id))?;
    Some(OpError::from(ApiError::new(
        ErrorKind::BadRequest,
        request,
        format!(
            "{noun} '{name}' was not created in this run (its create_{noun} step failed; see the report's dependencies); fix that and run again"
        ),
    )))
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

/// Writes without a version that may still meet a 409 (bulk skill/language writes): sent
/// again this many times in all, as Terraform does.
const CONFLICT_SENDS: u32 = 4;

#[derive(Debug, Clone)]
pub struct Api {
    client: Client,
    /// Longest `inin-ratelimit-reset` seen: the length of the org's rate window.
    window_s: Arc<std::sync::atomic::AtomicU32>,
    /// Each user's `addresses` as last read, with the version they were read at: a PATCH
    /// that replaces `addresses` re-sends the other contacts from here (see
    /// [`Api::patch_user`]). Filled by every user read and PATCH answer this Api sees.
    contacts: Arc<Mutex<HashMap<String, SeenContacts>>>,
}

/// A user's `addresses` and the version they were read at.
type SeenContacts = (i64, Vec<RawContact>);

/// The addresses a PATCH sends: `base` with its work phone entries (one, or two from older
/// onboard versions) replaced by ONE `PHONE`/`WORK` contact holding the number and the
/// extension, at the place the first one was; every other contact as it was read. A number
/// or extension that another kept contact already carries (e.g. an extension on `WORK2`)
/// stays there and is not repeated on the work entry.
pub fn merged_addresses(
    base: &[RawContact],
    phone: Option<&str>,
    ext: Option<&str>,
) -> Vec<Contact> {
    let contacts: Vec<Contact> = base.iter().map(Contact::from_raw).collect();
    let kept: Vec<(Option<String>, Option<String>)> = contacts
        .iter()
        .filter(|c| c.is_phone() && !c.is_work_phone())
        .map(Contact::phone_parts)
        .collect();
    let phone = phone.filter(|p| !kept.iter().any(|(n, _)| n.as_deref() == Some(*p)));
    let ext = ext.filter(|x| !kept.iter().any(|(_, e)| e.as_deref() == Some(*x)));
    let new = Contact::work_phone(phone, ext);
    let mut out = Vec::with_capacity(contacts.len() + 1);
    let mut placed = false;
    for c in contacts {
        if c.is_work_phone() {
            if !placed {
                out.extend(new.clone());
                placed = true;
            }
        } else {
            out.push(c.for_resend());
        }
    }
    if !placed {
        out.extend(new);
    }
    out
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
            contacts: Default::default(),
        }
    }

    pub fn stats(&self) -> ApiStats {
        self.client.stats()
    }

    /// The client, for the queue phase's calls (`engine::queues`).
    pub(super) fn client(&self) -> &Client {
        &self.client
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

    fn remember_contacts(&self, u: &genesys::dto::User) {
        let Some(version) = u.version else { return };
        let raw = u.addresses.iter().map(Contact::to_raw).collect();
        let mut m = self.contacts.lock().unwrap_or_else(|p| p.into_inner());
        m.insert(u.id.clone(), (version, raw));
    }

    /// The user's addresses as they are at `version`, and the version to send: the last
    /// answer seen for this user, else the snapshot's (when still current), else a fresh
    /// read (the user changed since: its version and addresses both come from that read).
    async fn contacts_at(
        &self,
        id: &str,
        version: i64,
        pc: &PhoneContacts,
    ) -> Result<(i64, Vec<RawContact>), OpError> {
        let seen = {
            let m = self.contacts.lock().unwrap_or_else(|p| p.into_inner());
            m.get(id).filter(|(v, _)| *v == version).cloned()
        };
        if let Some(hit) = seen {
            return Ok(hit);
        }
        if pc.base_version == version {
            return Ok((version, pc.base.clone()));
        }
        let u = self.client.get_user(id, &[], false).await?;
        self.remember_contacts(&u);
        Ok((
            u.version.unwrap_or(version),
            u.addresses.iter().map(Contact::to_raw).collect(),
        ))
    }

    pub async fn create_user(
        &self,
        d: &DesiredUser,
        password: Option<&str>,
    ) -> Result<UserRef, OpError> {
        let addresses: Vec<Contact> =
            Contact::work_phone(d.phone.as_deref(), d.extension.as_deref())
                .into_iter()
                .collect();
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
        let u = match self.client.get_user(id, &[], false).await {
            Ok(u) => u,
            Err(e) if e.kind == ErrorKind::NotFound => self.client.get_user(id, &[], true).await?,
            Err(e) => return Err(e.into()),
        };
        self.remember_contacts(&u);
        Ok(UserRef::from(&u))
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
                // `addresses` replaces the whole list: send the other contacts back.
                let (v, base) = self.contacts_at(id, version, pc).await?;
                body.version = v;
                body.addresses = Some(merged_addresses(
                    &base,
                    pc.phone.as_deref(),
                    pc.extension.as_deref(),
                ));
            }
        }
        let u = self.client.patch_user(id, &body).await?;
        self.remember_contacts(&u);
        Ok(UserRef::from(&u))
    }

    pub async fn move_users(&self, division: &str, ids: &[String]) -> Result<(), OpError> {
        Ok(self.client.move_users_to_division(division, ids).await?)
    }

    pub async fn grant_role(
        &self,
        role: &str,
        ids: &[String],
        divisions: &[Id],
    ) -> Result<(), OpError> {
        Ok(self.client.grant_role_bulk(role, ids, divisions).await?)
    }

    pub async fn replace_grants(&self, id: &str, grants: &[Grant]) -> Result<(), OpError> {
        Ok(self.client.subject_bulk_replace(id, grants).await?)
    }

    pub async fn patch_skills(&self, id: &str, s: &[Proficiency]) -> Result<(), OpError> {
        if let Some(e) = not_created(s, "PATCH /api/v2/users/{userId}/routingskills/bulk") {
            return Err(e);
        }
        resend_on_conflict(|| self.client.patch_user_skills(id, s)).await
    }

    pub async fn put_skills(&self, id: &str, s: &[Proficiency]) -> Result<(), OpError> {
        if let Some(e) = not_created(s, "PUT /api/v2/users/{userId}/routingskills/bulk") {
            return Err(e);
        }
        resend_on_conflict(|| self.client.put_user_skills(id, s)).await
    }

    pub async fn patch_languages(&self, id: &str, l: &[Proficiency]) -> Result<(), OpError> {
        if let Some(e) = not_created(l, "PATCH /api/v2/users/{userId}/routinglanguages/bulk") {
            return Err(e);
        }
        resend_on_conflict(|| self.client.patch_user_languages(id, l)).await
    }

    pub async fn delete_language(&self, id: &str, language: &str) -> Result<(), OpError> {
        match self.client.delete_user_language(id, language).await {
            // Already gone (an earlier attempt whose answer was lost): the goal holds.
            Err(e) if e.kind == ErrorKind::NotFound => Ok(()),
            other => Ok(other?),
        }
    }

    pub async fn queue_members(
        &self,
        queue: &str,
        ids: &[String],
        remove: bool,
    ) -> Result<(), OpError> {
        if let Some(name) = queue.strip_prefix(super::queues::NEW_QUEUE_PREFIX) {
            // A queue of this run's queue list that was not created: say so, send nothing.
            return Err(OpError::from(ApiError::new(
                ErrorKind::BadRequest,
                "POST /api/v2/routing/queues/{queueId}/members",
                format!(
                    "queue '{name}' was not created in this run (its queue row failed); fix that row and run again"
                ),
            )));
        }
        if remove {
            Ok(self.client.remove_queue_members(queue, ids).await?)
        } else {
            Ok(self.client.add_queue_members(queue, ids).await?)
        }
    }

    /// Assigns each user its licences in one call; the answer is per user, in order.
    pub async fn assign_licenses(
        &self,
        wanted: &[(String, Vec<Id>)],
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

    pub async fn put_utilization(&self, id: &str, media: &[MediaCapacity]) -> Result<(), OpError> {
        Ok(self.client.put_user_utilization(id, media).await?)
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

impl Ops for Api {
    fn stats(&self) -> ApiStats {
        Api::stats(self)
    }
    fn allowed_per_s(&self) -> Option<f64> {
        Api::allowed_per_s(self)
    }
    fn tokens(&self) -> Option<(usize, usize)> {
        Some(self.client.tokens())
    }
    async fn create_user(&self, d: &DesiredUser, pw: Option<&str>) -> Result<UserRef, OpError> {
        Api::create_user(self, d, pw).await
    }
    async fn find_by_email(&self, email: &str) -> Result<Option<UserRef>, OpError> {
        Api::find_by_email(self, email).await
    }
    async fn get_user(&self, id: &str) -> Result<UserRef, OpError> {
        Api::get_user(self, id).await
    }
    async fn patch_user(
        &self,
        id: &str,
        version: i64,
        p: &UserPatch,
        state: Option<UserState>,
    ) -> Result<UserRef, OpError> {
        Api::patch_user(self, id, version, p, state).await
    }
    async fn move_users(&self, division: &str, ids: &[String]) -> Result<(), OpError> {
        Api::move_users(self, division, ids).await
    }
    async fn grant_role(&self, role: &str, ids: &[String], divs: &[Id]) -> Result<(), OpError> {
        Api::grant_role(self, role, ids, divs).await
    }
    async fn replace_grants(&self, id: &str, grants: &[Grant]) -> Result<(), OpError> {
        Api::replace_grants(self, id, grants).await
    }
    async fn patch_skills(&self, id: &str, s: &[Proficiency]) -> Result<(), OpError> {
        Api::patch_skills(self, id, s).await
    }
    async fn put_skills(&self, id: &str, s: &[Proficiency]) -> Result<(), OpError> {
        Api::put_skills(self, id, s).await
    }
    async fn patch_languages(&self, id: &str, l: &[Proficiency]) -> Result<(), OpError> {
        Api::patch_languages(self, id, l).await
    }
    async fn delete_language(&self, id: &str, language: &str) -> Result<(), OpError> {
        Api::delete_language(self, id, language).await
    }
    async fn queue_members(&self, q: &str, ids: &[String], remove: bool) -> Result<(), OpError> {
        Api::queue_members(self, q, ids, remove).await
    }
    async fn assign_licenses(
        &self,
        wanted: &[(String, Vec<Id>)],
    ) -> Result<Vec<Result<(), String>>, OpError> {
        Api::assign_licenses(self, wanted).await
    }
    async fn add_external_id(&self, id: &str, x: &ExternalId) -> Result<(), OpError> {
        Api::add_external_id(self, id, x).await
    }
    async fn external_ids(&self, id: &str) -> Result<Vec<ExternalId>, OpError> {
        Api::external_ids(self, id).await
    }
    async fn put_utilization(&self, id: &str, media: &[MediaCapacity]) -> Result<(), OpError> {
        Api::put_utilization(self, id, media).await
    }
    async fn invite(&self, id: &str) -> Result<(), OpError> {
        Api::invite(self, id).await
    }
    async fn read_back(&self, ids: &[String]) -> Result<Vec<ReadBack>, OpError> {
        Api::read_back(self, ids).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(v: serde_json::Value) -> RawContact {
        match v {
            serde_json::Value::Object(m) => RawContact(m),
            _ => RawContact::default(),
        }
    }

    #[test]
    fn merged_addresses_replace_only_the_work_phone() {
        let base = vec![
            raw(
                serde_json::json!({"address": "+13175550100", "display": "+13175550100", "mediaType": "PHONE", "type": "WORK", "countryCode": "US"}),
            ),
            raw(
                serde_json::json!({"address": "1000", "extension": "1000", "display": "1000", "mediaType": "PHONE", "type": "WORK2"}),
            ),
            raw(serde_json::json!({"display": "7777", "mediaType": "PHONE", "type": "WORK3"})),
            raw(
                serde_json::json!({"address": "a@b.example", "mediaType": "EMAIL", "type": "HOME", "integration": "x"}),
            ),
        ];
        // The extension lives on WORK2 already: the new WORK entry carries only the number.
        let out = merged_addresses(&base, Some("+13175550101"), Some("1000"));
        let v: Vec<serde_json::Value> = out
            .iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .collect();
        assert_eq!(
            v[0],
            serde_json::json!({"address": "+13175550101", "mediaType": "PHONE", "type": "WORK"})
        );
        // A pool extension goes back without the pool's `address` beside it.
        assert_eq!(
            v[1],
            serde_json::json!({"extension": "1000", "display": "1000", "mediaType": "PHONE", "type": "WORK2"})
        );
        // Shape 4 goes back named as the extension it is.
        assert_eq!(v[2]["extension"], "7777");
        // Unknown fields survive.
        assert_eq!(v[3], serde_json::to_value(&base[3]).unwrap());
        // No work entry before: it is added at the end, with both parts.
        let out = merged_addresses(&base[3..], Some("+13175550101"), Some("1201"));
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].extension.as_deref(), Some("1201"));
    }
}
