//! The simulated org's state: built from a [`Seed`], mutated by the routes, turned back into a
//! seed for `--state` persistence. Tests read and change it through `SimHandle::with_state*`.

mod from_seed;
mod known_ids;
mod to_seed;
mod visibility;

pub use visibility::Visibility;

use super::seed::*;
use crate::model::UserState;
use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Division {
    pub id: String,
    pub name: String,
    pub home: bool,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub base_license: Option<String>,
    /// `domain:entity:action` strings (seed `permissions`).
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub id: String,
    pub name: String,
    pub division_id: String,
    /// None = no limit below the platform's.
    pub member_limit: Option<u32>,
    /// User ids, in the order they were added (joined or not).
    pub members: Vec<String>,
    /// Members who are not joined (`UserQueue.joined` false): still members, but not routed
    /// to. A subset of `members`.
    pub unjoined: Vec<String>,
    pub settings: super::queue_settings::QueueSettings,
    /// Wrap-up codes on the queue, in the order they were added.
    pub wrapup_ids: Vec<String>,
    pub member_groups: Vec<super::queue_settings::MemberGroup>,
    /// When this simulator created the queue (the `queue_lag_ms` fault); None for seeded ones.
    pub created_at: Option<Instant>,
    pub date_created: String,
    pub date_modified: String,
    pub modified_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Wrapup {
    pub id: String,
    pub name: String,
    pub division_id: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct License {
    pub id: String,
    pub description: String,
    pub seats: u32,
}

#[derive(Debug, Clone)]
pub struct Trunk {
    pub id: String,
    pub name: String,
    pub in_service: bool,
    pub channels: Option<u32>,
    /// The id of its trunk base settings.
    pub base_id: String,
}

/// An inclusive number range (DID pool: E.164; extension pool: digits).
#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub start: String,
    pub end: String,
}

impl Pool {
    /// Whether `number` lies in the pool (same length, digits compared numerically).
    pub fn contains(&self, number: &str) -> bool {
        let n = number.trim_start_matches('+');
        let s = self.start.trim_start_matches('+');
        let e = self.end.trim_start_matches('+');
        if n.len() != s.len() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        n >= s && n <= e
    }

    /// Every number in the pool, in order (pools are small in a simulated org).
    pub fn numbers(&self) -> Vec<String> {
        let plus = self.start.starts_with('+');
        let s = self.start.trim_start_matches('+');
        let e = self.end.trim_start_matches('+');
        let (Ok(a), Ok(b)) = (s.parse::<u64>(), e.parse::<u64>()) else {
            return Vec::new();
        };
        let width = s.len();
        (a..=b.min(a + 100_000))
            .map(|n| format!("{}{n:0width$}", if plus { "+" } else { "" }))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub division_id: String,
    pub state: UserState,
    pub version: i64,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<String>,
    pub preferred_name: Option<String>,
    pub acd_auto_answer: bool,
    pub addresses: Vec<SeedContact>,
    /// (role id, division id)
    pub grants: Vec<(String, String)>,
    /// (skill id, proficiency)
    pub skills: Vec<(String, f64)>,
    /// (language id, proficiency)
    pub languages: Vec<(String, f64)>,
    pub licenses: Vec<String>,
    pub external_ids: Vec<SeedExternalId>,
    /// Activation invites sent (`POST /users/{id}/invite`); not persisted.
    pub invites_sent: u32,
    /// Whether a password was set (`POST /users/{id}/password`); the password is not kept.
    pub password_set: bool,
    /// The user's own utilization (`{"utilization": {media: {maximumCapacity, …}}}` as last
    /// PUT); None = the org's default.
    pub utilization: Option<serde_json::Value>,
}

impl User {
    /// The user's work phone numbers (E.164 `address` entries of media type PHONE).
    pub fn phones(&self) -> impl Iterator<Item = &str> {
        self.addresses
            .iter()
            .filter(|a| a.media_type == "PHONE")
            .filter_map(|a| a.address.as_deref())
    }
    pub fn extensions(&self) -> impl Iterator<Item = &str> {
        self.addresses
            .iter()
            .filter(|a| a.media_type == "PHONE")
            .filter_map(|a| a.extension.as_deref())
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub client_id: String,
    /// Unix seconds.
    pub expires_at: u64,
    pub window_start: Instant,
    pub count: u32,
}

/// The whole simulated org. Fields are public so tests can inspect and adjust it.
#[derive(Debug, Clone)]
pub struct Org {
    /// The org's id (`GET /api/v2/organizations/me`).
    pub id: String,
    pub name: String,
    pub clients: Vec<SeedClient>,
    pub divisions: Vec<Division>,
    pub roles: Vec<Role>,
    pub skills: Vec<Named>,
    pub languages: Vec<Named>,
    pub queues: Vec<Queue>,
    pub wrapups: Vec<Wrapup>,
    pub flows: Vec<super::queue_state::Flow>,
    pub skill_groups: Vec<super::queue_state::SkillGroup>,
    pub groups: Vec<super::queue_state::Group>,
    /// The last `dateModified` handed out (unix ms), so stamps only grow.
    pub last_stamp_ms: u64,
    pub licenses: Vec<License>,
    pub trunks: Vec<Trunk>,
    pub did_pools: Vec<Pool>,
    pub extension_pools: Vec<Pool>,
    pub users: Vec<User>,
    /// Live tokens, keyed by [`token_key`] (a SHA-256 of the token, so `--state` files hold
    /// no usable bearer token).
    pub tokens: HashMap<String, Token>,
    pub contract_id: String,
    pub period_id: String,
    /// How a direct queue add of a member through a group is answered (seed option).
    pub queue_add_of_group_member: crate::sim::seed::QueueAddOfGroupMember,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    next_id: u64,
}

struct IdGen(u64);
impl IdGen {
    fn next(&mut self, kind: &str) -> String {
        self.0 += 1;
        stable_id(kind, self.0)
    }
}

/// The key a bearer token is stored under: its SHA-256, hex.
pub fn token_key(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(token.as_bytes());
    let mut s = String::with_capacity(64);
    for b in d {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    s
}

/// A deterministic UUID-shaped id.
pub fn stable_id(kind: &str, n: u64) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(n.to_le_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

impl Org {
    // ---- lookups ------------------------------------------------------------------------

    pub fn home_division(&self) -> &Division {
        // from_seed guarantees one home division
        self.divisions
            .iter()
            .find(|d| d.home)
            .unwrap_or(&self.divisions[0])
    }
    pub fn division(&self, id: &str) -> Option<&Division> {
        self.divisions.iter().find(|d| d.id == id)
    }
    pub fn division_by_name(&self, name: &str) -> Option<&Division> {
        self.divisions.iter().find(|d| d.name == name)
    }
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }
    pub fn role_by_name(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }
    pub fn skill(&self, id: &str) -> Option<&Named> {
        self.skills.iter().find(|r| r.id == id)
    }
    pub fn skill_by_name(&self, name: &str) -> Option<&Named> {
        self.skills.iter().find(|r| r.name == name)
    }
    pub fn language(&self, id: &str) -> Option<&Named> {
        self.languages.iter().find(|r| r.id == id)
    }
    pub fn language_by_name(&self, name: &str) -> Option<&Named> {
        self.languages.iter().find(|r| r.name == name)
    }
    pub fn queue(&self, id: &str) -> Option<&Queue> {
        self.queues.iter().find(|r| r.id == id)
    }
    pub fn queue_by_name(&self, name: &str) -> Option<&Queue> {
        self.queues.iter().find(|r| r.name == name)
    }
    pub fn queue_by_name_mut(&mut self, name: &str) -> Option<&mut Queue> {
        self.queues.iter_mut().find(|r| r.name == name)
    }
    pub fn license(&self, id: &str) -> Option<&License> {
        self.licenses.iter().find(|r| r.id == id)
    }
    pub fn license_mut(&mut self, id: &str) -> Option<&mut License> {
        self.licenses.iter_mut().find(|r| r.id == id)
    }
    pub fn user(&self, id: &str) -> Option<&User> {
        self.by_id.get(id).map(|&i| &self.users[i])
    }
    pub fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.by_id.get(id).map(|&i| &mut self.users[i])
    }
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.by_email
            .get(&email.to_lowercase())
            .map(|&i| &self.users[i])
    }
    /// Queues the user is a member of, joined or not.
    pub fn queues_of<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a Queue> + 'a {
        self.queues
            .iter()
            .filter(move |q| q.members.iter().any(|m| m == user_id))
    }
    /// The queues the user is a member of with `joined` as asked.
    pub fn memberships<'a>(
        &'a self,
        user_id: &'a str,
        joined: bool,
    ) -> impl Iterator<Item = &'a Queue> + 'a {
        self.queues_of(user_id)
            .filter(move |q| q.unjoined.iter().any(|m| m == user_id) != joined)
    }
    /// Users (not deleted) holding the licence.
    pub fn license_assigned(&self, license_id: &str) -> u32 {
        self.users
            .iter()
            .filter(|u| u.state != UserState::Deleted && u.licenses.iter().any(|l| l == license_id))
            .count() as u32
    }
    /// Who owns a phone number or extension (non-deleted users only).
    pub fn owner_of_number(&self, number: &str, extension: bool) -> Option<&User> {
        self.users.iter().find(|u| {
            u.state != UserState::Deleted
                && if extension {
                    u.extensions().any(|e| e == number)
                } else {
                    u.phones().any(|p| p == number)
                }
        })
    }
    /// Numbers owned by users: number → user index.
    pub fn number_owners(&self, extension: bool) -> HashMap<&str, usize> {
        let mut m = HashMap::new();
        for (i, u) in self.users.iter().enumerate() {
            if u.state == UserState::Deleted {
                continue;
            }
            if extension {
                for e in u.extensions() {
                    m.insert(e, i);
                }
            } else {
                for p in u.phones() {
                    m.insert(p, i);
                }
            }
        }
        m
    }
    pub fn user_count(&self) -> (u64, u64, u64) {
        let mut c = (0, 0, 0);
        for u in &self.users {
            match u.state {
                UserState::Active => c.0 += 1,
                UserState::Inactive => c.1 += 1,
                UserState::Deleted => c.2 += 1,
            }
        }
        c
    }
    /// Emails shared by more than one user (case-insensitive); the API forbids it, so this
    /// stays 0 unless the simulator has a bug.
    pub fn duplicate_emails(&self) -> u64 {
        let mut seen = std::collections::HashSet::new();
        let mut dup = 0;
        for u in &self.users {
            if !seen.insert(u.email.to_lowercase()) {
                dup += 1;
            }
        }
        dup
    }

    // ---- changes ------------------------------------------------------------------------

    /// A new deterministic id.
    pub fn new_id(&mut self, kind: &str) -> String {
        self.next_id += 1;
        stable_id(&format!("new-{kind}"), self.next_id)
    }

    pub fn insert_user(&mut self, user: User) -> usize {
        let i = self.users.len();
        self.by_id.insert(user.id.clone(), i);
        self.by_email.insert(user.email.to_lowercase(), i);
        self.users.push(user);
        i
    }

    /// Changes a user's email, keeping the index right.
    pub fn set_email(&mut self, idx: usize, email: String) {
        let old = self.users[idx].email.to_lowercase();
        self.by_email.remove(&old);
        self.by_email.insert(email.to_lowercase(), idx);
        self.users[idx].email = email;
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
    pub fn index_of_email(&self, email: &str) -> Option<usize> {
        self.by_email.get(&email.to_lowercase()).copied()
    }
}

/// The API's name of a user state.
pub fn state_str(s: UserState) -> &'static str {
    match s {
        UserState::Active => "active",
        UserState::Inactive => "inactive",
        UserState::Deleted => "deleted",
    }
}

/// The state a seed or a request names (`active`, `inactive`, `deleted`); the inverse of
/// [`state_str`].
pub fn user_state_from_str(s: &str) -> Option<UserState> {
    match s {
        "active" => Some(UserState::Active),
        "inactive" => Some(UserState::Inactive),
        "deleted" => Some(UserState::Deleted),
        _ => None,
    }
}
