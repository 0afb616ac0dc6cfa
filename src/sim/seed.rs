//! The simulator's org seed (docs/contract.md §4). The seed format is the simulator's own and never
//! leaks into API responses. Every field but `name`, `oauthClients` and `divisions` may be
//! absent; ids may be omitted and are then generated.

use super::SimError;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    pub name: String,
    /// The org's id, served by `GET /api/v2/organizations/me`. Absent: a fresh random id at
    /// each start (kept by `--state`), so two simulators are always two different orgs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub oauth_clients: Vec<SeedClient>,
    pub divisions: Vec<SeedDivision>,
    #[serde(default)]
    pub roles: Vec<SeedRole>,
    #[serde(default)]
    pub skills: Vec<SeedNamed>,
    #[serde(default)]
    pub languages: Vec<SeedNamed>,
    #[serde(default)]
    pub queues: Vec<SeedQueue>,
    #[serde(default)]
    pub wrapup_codes: Vec<SeedWrapup>,
    /// Architect flows a queue can name (`{name, type}`; type as in `GET /api/v2/flows?type=`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<SeedFlow>,
    /// Skill groups (a queue's `memberGroups` of type SKILLGROUP).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skill_groups: Vec<SeedSkillGroup>,
    /// Groups (a queue's `memberGroups` of type GROUP), with their members and role grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<SeedGroup>,
    #[serde(default)]
    pub licenses: Vec<SeedLicense>,
    #[serde(default)]
    pub trunks: Vec<SeedTrunk>,
    #[serde(default)]
    pub did_pools: Vec<SeedDidPool>,
    #[serde(default)]
    pub extension_pools: Vec<SeedExtensionPool>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// Live tokens (SHA-256 of each, never the token itself), written only by `--state`
    /// persistence so a restarted simulator keeps serving the tokens it issued.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sim_tokens: Vec<SeedToken>,
    /// The id counter, written only by `--state` persistence so a restarted simulator never
    /// hands out an id it gave before.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sim_next_id: u64,
    /// How `POST /routing/queues/{id}/members` answers an add of a user who is already a
    /// member through a GROUP member group. Absent = `accept`.
    #[serde(default, skip_serializing_if = "QueueAddOfGroupMember::is_accept")]
    pub queue_add_of_group_member: QueueAddOfGroupMember,
}

/// The answer to a direct queue add of a user who is a member only through a group. Whether
/// a real org refuses it, and how, is UNVERIFIED (Terraform checks `memberBy=group` itself
/// before it adds and never sends such an add; assets/demo/ORG.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueAddOfGroupMember {
    /// 204, and the user becomes a direct member too.
    #[default]
    Accept,
    /// The whole request is answered 400 `queue.member.via.group`, one `details` entry per
    /// refused user (`entityId` = the user id); nobody in it is added.
    Refuse,
}

impl QueueAddOfGroupMember {
    fn is_accept(&self) -> bool {
        *self == QueueAddOfGroupMember::Accept
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedClient {
    pub client_id: String,
    pub client_secret: String,
    #[serde(default = "default_ttl")]
    pub token_ttl_seconds: u64,
    /// Divisions (ids or names) this client's role is scoped to: list endpoints (users,
    /// user search, queues, wrap-up codes) hide objects in other divisions, while
    /// `GET /authorization/divisions?objectCount=true` still counts them (Terraform #389).
    /// Absent = every division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_divisions: Option<Vec<String>>,
}

fn default_ttl() -> u64 {
    86_400
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedDivision {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub home_division: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedRole {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_license: Option<String>,
    /// Permission strings (`domain:entity:action`, e.g. `routing:queue:view`), answered as
    /// the role's `permissionPolicies` by `GET /authorization/roles/{id}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedNamed {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedQueue {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// Absent = the home division.
    #[serde(default)]
    pub division_id: Option<String>,
    /// Absent = no limit below the platform's.
    #[serde(default)]
    pub member_limit: Option<u32>,
    /// The queue's settings in the API's `CreateQueueRequest` shape (`description`,
    /// `acwSettings`, `mediaSettings`, `queueFlow`, `bullseye`, …); absent fields take the
    /// defaults of a new queue. `dateCreated`, `dateModified` and `modifiedBy` are read too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
    /// Wrap-up codes on the queue (ids of `wrapupCodes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wrapup_code_ids: Vec<String>,
    /// `[{id, type}]` with type `SKILLGROUP` or `GROUP`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_groups: Vec<SeedMemberGroup>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedMemberGroup {
    pub id: String,
    pub r#type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedFlow {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// e.g. `inqueuecall` (any case).
    pub r#type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_id: Option<String>,
}

/// A group: its members inherit its role grants and are members of every queue that names
/// it in `memberGroups`. Both lists are optional (absent = empty).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedGroup {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// User ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_ids: Vec<String>,
    /// Role grants its members inherit; a grant without a division is in the home division.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<SeedGrant>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedSkillGroup {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedWrapup {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub division_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedLicense {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    pub seats: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedTrunk {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default = "yes")]
    pub in_service: bool,
    #[serde(default)]
    pub channels: Option<u32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedDidPool {
    #[serde(default)]
    pub id: Option<String>,
    pub start_phone_number: String,
    pub end_phone_number: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedExtensionPool {
    #[serde(default)]
    pub id: Option<String>,
    pub start_number: String,
    pub end_number: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedUser {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub email: String,
    /// Absent = the home division.
    #[serde(default)]
    pub division_id: Option<String>,
    /// `active` (default), `inactive` or `deleted`.
    #[serde(default = "active")]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default)]
    pub roles: Vec<SeedGrant>,
    #[serde(default)]
    pub skills: Vec<SeedProficiency>,
    #[serde(default)]
    pub languages: Vec<SeedProficiency>,
    #[serde(default)]
    pub queue_ids: Vec<String>,
    /// Queues the user is a member of without being joined (`GET /users/{id}/queues?joined=false`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unjoined_queue_ids: Vec<String>,
    /// The user's utilization (`PUT /routing/users/{id}/utilization` body: `{"utilization":
    /// {"call": {"maximumCapacity": 1, …}, …}}`); absent = the org's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilization: Option<serde_json::Value>,
    #[serde(default)]
    pub licenses: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<SeedContact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_ids: Vec<SeedExternalId>,
}

fn active() -> String {
    "active".into()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedGrant {
    pub role_id: String,
    /// Absent = the user's division.
    #[serde(default)]
    pub division_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedProficiency {
    pub id: String,
    pub proficiency: f64,
}

/// A user address, as the API's `Contact` (`address` or `extension`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(default = "phone")]
    pub media_type: String,
    #[serde(default = "work")]
    pub r#type: String,
}

fn phone() -> String {
    "PHONE".into()
}
fn work() -> String {
    "WORK".into()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedExternalId {
    pub authority_name: String,
    pub external_key: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedToken {
    /// SHA-256 of the bearer token, hex.
    pub token_sha256: String,
    pub client_id: String,
    /// Unix seconds.
    pub expires_at: u64,
}

impl Seed {
    /// The built-in demo org "Acme Support" (assets/demo/org.json, described in ORG.md).
    pub fn demo() -> Seed {
        const DEMO: &str = include_str!("../../assets/demo/org.json");
        // The demo seed is checked by a unit test; an empty fallback keeps this infallible.
        serde_json::from_str(DEMO).unwrap_or_else(|_| Seed {
            name: "Acme Support".into(),
            oauth_clients: vec![SeedClient {
                client_id: "demo".into(),
                client_secret: "demo-secret".into(),
                token_ttl_seconds: default_ttl(),
                visible_divisions: None,
            }],
            divisions: vec![SeedDivision {
                id: None,
                name: "Home".into(),
                home_division: true,
            }],
            ..Seed::default()
        })
    }

    /// Reads a seed file (docs/contract.md §4).
    pub fn from_file(path: &Path) -> Result<Seed, SimError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SimError::Seed(format!("cannot read org seed {}: {e}", path.display())))?;
        Seed::from_json(&text).map_err(|e| match e {
            SimError::Seed(m) => SimError::Seed(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Parses a seed from JSON text.
    pub fn from_json(text: &str) -> Result<Seed, SimError> {
        serde_json::from_str(text).map_err(|e| {
            SimError::Seed(format!(
                "invalid org seed at line {} column {}: {e}",
                e.line(),
                e.column()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_seed_parses_and_has_the_documented_shape() {
        const DEMO: &str = include_str!("../../assets/demo/org.json");
        let seed: Seed = serde_json::from_str(DEMO).unwrap_or_default();
        assert_eq!(seed.name, "Acme Support");
        assert_eq!(seed.divisions.len(), 5);
        assert_eq!(seed.roles.len(), 20);
        assert_eq!(seed.skills.len(), 50);
        assert_eq!(seed.languages.len(), 10);
        assert_eq!(seed.queues.len(), 30);
        assert_eq!(seed.users.len(), 300);
        assert_eq!(seed.flows.len(), 6);
        assert_eq!(seed.skill_groups.len(), 3);
        assert_eq!(seed.groups.len(), 3);
        assert_eq!(seed.oauth_clients[0].client_id, "demo");
    }
}
