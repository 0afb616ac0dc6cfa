//! The org as onboard sees it: loaded by `genesys`, read by `preflight`.

use super::{Id, Text};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgSnapshot {
    /// The org's id (`GET /api/v2/organizations/me`): binds journals and locks to it.
    #[serde(default)]
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub divisions: Vec<Division>,
    pub roles: Vec<Role>,
    pub skills: Vec<Named>,
    pub languages: Vec<Named>,
    pub queues: Vec<Queue>,
    pub licenses: Vec<License>,
    pub trunks: Vec<Trunk>,
    pub did_pools: Vec<NumberPool>,
    /// DIDs the org reports as assigned (with their owner), from `/didpools/dids`.
    pub assigned_dids: Vec<AssignedNumber>,
    pub extension_pools: Vec<NumberPool>,
    /// Extensions in use (with their owner).
    pub used_extensions: Vec<AssignedNumber>,
    /// Users in the org that currently have a phone (DID or extension) — the base load on
    /// trunk capacity before this list runs.
    pub phone_enabled_users: u32,
    /// Agents allowed per trunk channel (profile config; default 1.0).
    pub agents_per_channel: f64,
    /// The existing users the hire list names (by email or external id), in any state.
    /// Shared with pre-flight's index and the plan rows that match them.
    pub users: Vec<Arc<ExistingUser>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub id: String,
    pub name: String,
    pub home: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    /// Licence implied by the role (`baseLicense`), e.g. `cx2`.
    pub base_license: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub id: String,
    pub name: String,
    pub division_id: String,
    pub member_count: Option<u32>,
    /// Members through a group (`memberCount` − `userMemberCount`; 0 when not known). Only
    /// a queue with some is read for them (`GET …/members?memberBy=group`).
    #[serde(default)]
    pub group_member_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct License {
    pub id: String,
    pub description: String,
    pub seats: Seats,
}

/// A seat count; `Unknown` makes the check say so instead of guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Seats {
    Known {
        total: u32,
        used: u32,
        /// Where the count came from (the check says so).
        #[serde(default)]
        from: FigureSource,
    },
    Unknown,
}

impl Seats {
    pub fn free(self) -> Option<u32> {
        match self {
            Seats::Known { total, used, .. } => Some(total.saturating_sub(used)),
            Seats::Unknown => None,
        }
    }
}

/// Where a figure that the API does not type came from. The org's figure rests on an
/// assumption the real API may not share (licence seats from billing products matched to
/// licence ids; trunk channels from a trunk-base property: docs/genesys-api-notes.md §10), so the
/// profile's setting, when there is one, overrides it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureSource {
    /// Read from the org (billing contract products, trunk base settings).
    #[default]
    Org,
    /// Set in the profile (`license_seats`, `trunk_channels`).
    Profile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trunk {
    pub id: String,
    pub name: String,
    pub in_service: bool,
    /// Channel count from the profile, else the trunk base settings' properties; None =
    /// unknown.
    pub channels: Option<u32>,
    /// Where `channels` came from.
    #[serde(default)]
    pub channels_from: FigureSource,
}

/// A DID pool (E.164 numbers) or an extension pool (digits); inclusive range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberPool {
    pub id: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedNumber {
    pub number: String,
    pub owner_id: Option<String>,
    /// `USER`, `PHONE`, `IVR_CONFIG`, `GROUP`, … as the API says.
    pub owner_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserState {
    Active,
    Inactive,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role_id: Id,
    pub division_id: Id,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proficiency {
    pub id: Id,
    pub proficiency: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ExternalId {
    pub authority: Text,
    pub key: Text,
}

/// A user that exists in the org, as far as provisioning cares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExistingUser {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub version: i64,
    pub division_id: Id,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<Id>,
    /// Work phone (E.164) from `addresses`.
    pub phone: Option<String>,
    pub extension: Option<String>,
    pub grants: Vec<Grant>,
    pub skills: Vec<Proficiency>,
    pub languages: Vec<Proficiency>,
    /// Queues the user is a member of directly (its own; what mirror may remove).
    pub queue_ids: Vec<Id>,
    /// Queues the user is a member of only through a group, among the queues the snapshot
    /// read members of: held for adds and drift, never the user's own to remove.
    #[serde(default)]
    pub group_queue_ids: Vec<Id>,
    pub licenses: Vec<Id>,
    /// In a snapshot: the hire list's external ids that this user holds (each was looked up
    /// once, so no per-user read is needed); other ids the user may hold are not listed.
    pub external_ids: Vec<ExternalId>,
    /// Every entry of the user's `addresses` exactly as the org returned it. A PATCH that
    /// sets `addresses` replaces the whole list, so an update of the work phone sends the
    /// other contacts (mobile, home, SMS, e-mails…) back from here, unchanged.
    #[serde(default)]
    pub addresses: Vec<RawContact>,
    /// Maximum capacity per media type, read only when a row sets `utilization` or a
    /// clone, drift or export includes it (one GET per user); None when not read.
    #[serde(default)]
    pub utilization: Option<super::UserUtilization>,
}

/// One `addresses` entry as the org returned it: every field, known to onboard or not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawContact(pub serde_json::Map<String, serde_json::Value>);
