//! The simulated org's state: built from a [`Seed`], mutated by the routes, turned back into a
//! seed for `--state` persistence. Tests read and change it through `SimHandle::with_state*`.

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
    /// User ids, in the order they joined.
    pub members: Vec<String>,
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
    pub groups: Vec<Named>,
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
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    next_id: u64,
}

fn id_or(id: &Option<String>, org: &mut IdGen, kind: &str) -> String {
    match id {
        Some(id) if !id.is_empty() => id.clone(),
        _ => org.next(kind),
    }
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
    /// Builds the org from a seed. Unknown references in the seed are errors.
    pub fn from_seed(seed: &Seed) -> Result<Org, super::SimError> {
        use super::SimError::Seed as E;
        let mut g = IdGen(0);
        if seed.oauth_clients.is_empty() {
            return Err(E("the org seed has no oauthClients".into()));
        }
        let mut divisions: Vec<Division> = seed
            .divisions
            .iter()
            .map(|d| Division {
                id: id_or(&d.id, &mut g, "division"),
                name: d.name.clone(),
                home: d.home_division,
            })
            .collect();
        if divisions.is_empty() {
            return Err(E("the org seed has no divisions".into()));
        }
        if !divisions.iter().any(|d| d.home) {
            divisions[0].home = true;
        }
        let home = divisions
            .iter()
            .find(|d| d.home)
            .map(|d| d.id.clone())
            .unwrap_or_default();
        let div_ids: Vec<String> = divisions.iter().map(|d| d.id.clone()).collect();
        let div_ok = |id: &Option<String>, what: &str| -> Result<String, super::SimError> {
            match id {
                None => Ok(home.clone()),
                Some(id) if div_ids.contains(id) => Ok(id.clone()),
                Some(id) => Err(E(format!("{what} names unknown division {id}"))),
            }
        };
        let roles = seed
            .roles
            .iter()
            .map(|r| Role {
                id: id_or(&r.id, &mut g, "role"),
                name: r.name.clone(),
                base_license: r.base_license.clone(),
            })
            .collect::<Vec<_>>();
        let skills = seed
            .skills
            .iter()
            .map(|s| Named {
                id: id_or(&s.id, &mut g, "skill"),
                name: s.name.clone(),
            })
            .collect::<Vec<_>>();
        let languages = seed
            .languages
            .iter()
            .map(|s| Named {
                id: id_or(&s.id, &mut g, "language"),
                name: s.name.clone(),
            })
            .collect::<Vec<_>>();
        let mut queues = Vec::new();
        for q in &seed.queues {
            queues.push(Queue {
                id: id_or(&q.id, &mut g, "queue"),
                name: q.name.clone(),
                division_id: div_ok(&q.division_id, &format!("queue {}", q.name))?,
                member_limit: q.member_limit,
                members: Vec::new(),
                settings: Default::default(),
                wrapup_ids: Vec::new(),
                member_groups: Vec::new(),
                created_at: None,
                date_created: super::queue_state::SEED_DATE.into(),
                date_modified: super::queue_state::SEED_DATE.into(),
                modified_by: None,
            });
        }
        let mut wrapups = Vec::new();
        for w in &seed.wrapup_codes {
            wrapups.push(Wrapup {
                id: id_or(&w.id, &mut g, "wrapup"),
                name: w.name.clone(),
                division_id: div_ok(&w.division_id, &format!("wrap-up code {}", w.name))?,
                description: w.description.clone(),
            });
        }
        let licenses = seed
            .licenses
            .iter()
            .map(|l| License {
                id: l.id.clone(),
                description: l.description.clone().unwrap_or_else(|| l.id.clone()),
                seats: l.seats,
            })
            .collect::<Vec<_>>();
        let trunks = seed
            .trunks
            .iter()
            .map(|t| {
                let id = id_or(&t.id, &mut g, "trunk");
                Trunk {
                    base_id: stable_id(&format!("trunkbase:{id}"), 0),
                    id,
                    name: t.name.clone(),
                    in_service: t.in_service,
                    channels: t.channels,
                }
            })
            .collect::<Vec<_>>();
        let did_pools = seed
            .did_pools
            .iter()
            .map(|p| Pool {
                id: id_or(&p.id, &mut g, "didpool"),
                start: p.start_phone_number.clone(),
                end: p.end_phone_number.clone(),
            })
            .collect::<Vec<_>>();
        let extension_pools = seed
            .extension_pools
            .iter()
            .map(|p| Pool {
                id: id_or(&p.id, &mut g, "extensionpool"),
                start: p.start_number.clone(),
                end: p.end_number.clone(),
            })
            .collect::<Vec<_>>();
        let mut org = Org {
            id: match &seed.id {
                Some(id) if !id.is_empty() => id.clone(),
                _ => uuid::Uuid::new_v4().to_string(),
            },
            name: seed.name.clone(),
            clients: seed.oauth_clients.clone(),
            contract_id: stable_id(&format!("contract:{}", seed.name), 0),
            period_id: stable_id(&format!("period:{}", seed.name), 0),
            divisions,
            roles,
            skills,
            languages,
            queues,
            wrapups,
            flows: Vec::new(),
            skill_groups: Vec::new(),
            groups: Vec::new(),
            last_stamp_ms: 0,
            licenses,
            trunks,
            did_pools,
            extension_pools,
            users: Vec::new(),
            tokens: HashMap::new(),
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            next_id: 0,
        };
        for (i, u) in seed.users.iter().enumerate() {
            let state = match u.state.as_str() {
                "active" => UserState::Active,
                "inactive" => UserState::Inactive,
                "deleted" => UserState::Deleted,
                other => return Err(E(format!("user {} has unknown state {other}", u.email))),
            };
            let division_id = div_ok(&u.division_id, &format!("user {}", u.email))?;
            let mut grants = Vec::new();
            for gr in &u.roles {
                if org.role(&gr.role_id).is_none() {
                    return Err(E(format!(
                        "user {} names unknown role {}",
                        u.email, gr.role_id
                    )));
                }
                let d = match &gr.division_id {
                    Some(d) => div_ok(&Some(d.clone()), &format!("user {}", u.email))?,
                    None => division_id.clone(),
                };
                grants.push((gr.role_id.clone(), d));
            }
            for s in &u.skills {
                if org.skill(&s.id).is_none() {
                    return Err(E(format!("user {} names unknown skill {}", u.email, s.id)));
                }
            }
            for s in &u.languages {
                if org.language(&s.id).is_none() {
                    return Err(E(format!(
                        "user {} names unknown language {}",
                        u.email, s.id
                    )));
                }
            }
            let id = id_or(&u.id, &mut g, "user");
            for q in &u.queue_ids {
                let Some(queue) = org.queues.iter_mut().find(|x| &x.id == q) else {
                    return Err(E(format!("user {} names unknown queue {q}", u.email)));
                };
                queue.members.push(id.clone());
            }
            let key = u.email.to_lowercase();
            if org.by_email.contains_key(&key) {
                return Err(E(format!("two users share the email {}", u.email)));
            }
            org.by_email.insert(key, i);
            org.by_id.insert(id.clone(), i);
            org.users.push(User {
                id,
                name: u.name.clone(),
                email: u.email.clone(),
                division_id,
                state,
                version: u.version.unwrap_or(1),
                department: u.department.clone(),
                title: u.title.clone(),
                manager_id: u.manager_id.clone(),
                preferred_name: None,
                acd_auto_answer: false,
                addresses: u.addresses.clone(),
                grants,
                skills: u
                    .skills
                    .iter()
                    .map(|s| (s.id.clone(), s.proficiency))
                    .collect(),
                languages: u
                    .languages
                    .iter()
                    .map(|s| (s.id.clone(), s.proficiency))
                    .collect(),
                licenses: u.licenses.clone(),
                external_ids: u.external_ids.clone(),
                invites_sent: 0,
                password_set: false,
            });
        }
        // After every older kind, so seeds without these keys keep their generated ids.
        super::queue_state::load(&mut org, seed, &mut |kind| g.next(kind))?;
        let now = super::unix_now();
        for t in &seed.sim_tokens {
            if t.expires_at > now {
                org.tokens.insert(
                    t.token_sha256.clone(),
                    Token {
                        client_id: t.client_id.clone(),
                        expires_at: t.expires_at,
                        window_start: Instant::now(),
                        count: 0,
                    },
                );
            }
        }
        // A restored state carries the counter of the run that saved it: ids are never reused.
        org.next_id = g.0.max(seed.sim_next_id);
        Ok(org)
    }

    /// The org as a seed (what `--state` saves).
    pub fn to_seed(&self) -> Seed {
        let home = self.home_division().id.clone();
        Seed {
            name: self.name.clone(),
            id: Some(self.id.clone()),
            sim_next_id: self.next_id,
            oauth_clients: self.clients.clone(),
            divisions: self
                .divisions
                .iter()
                .map(|d| SeedDivision {
                    id: Some(d.id.clone()),
                    name: d.name.clone(),
                    home_division: d.home,
                })
                .collect(),
            roles: self
                .roles
                .iter()
                .map(|r| SeedRole {
                    id: Some(r.id.clone()),
                    name: r.name.clone(),
                    base_license: r.base_license.clone(),
                })
                .collect(),
            skills: named_seed(&self.skills),
            languages: named_seed(&self.languages),
            queues: self
                .queues
                .iter()
                .map(|q| super::queue_state::queue_to_seed(self, q))
                .collect(),
            wrapup_codes: self
                .wrapups
                .iter()
                .map(|w| SeedWrapup {
                    id: Some(w.id.clone()),
                    name: w.name.clone(),
                    division_id: Some(w.division_id.clone()),
                    description: w.description.clone(),
                })
                .collect(),
            flows: super::queue_state::flows_to_seed(&self.flows),
            skill_groups: super::queue_state::skill_groups_to_seed(&self.skill_groups),
            groups: named_seed(&self.groups),
            licenses: self
                .licenses
                .iter()
                .map(|l| SeedLicense {
                    id: l.id.clone(),
                    description: Some(l.description.clone()),
                    seats: l.seats,
                })
                .collect(),
            trunks: self
                .trunks
                .iter()
                .map(|t| SeedTrunk {
                    id: Some(t.id.clone()),
                    name: t.name.clone(),
                    in_service: t.in_service,
                    channels: t.channels,
                })
                .collect(),
            did_pools: self
                .did_pools
                .iter()
                .map(|p| SeedDidPool {
                    id: Some(p.id.clone()),
                    start_phone_number: p.start.clone(),
                    end_phone_number: p.end.clone(),
                })
                .collect(),
            extension_pools: self
                .extension_pools
                .iter()
                .map(|p| SeedExtensionPool {
                    id: Some(p.id.clone()),
                    start_number: p.start.clone(),
                    end_number: p.end.clone(),
                })
                .collect(),
            users: self
                .users
                .iter()
                .map(|u| SeedUser {
                    id: Some(u.id.clone()),
                    name: u.name.clone(),
                    email: u.email.clone(),
                    division_id: Some(if u.division_id.is_empty() {
                        home.clone()
                    } else {
                        u.division_id.clone()
                    }),
                    state: state_str(u.state).into(),
                    department: u.department.clone(),
                    title: u.title.clone(),
                    manager_id: u.manager_id.clone(),
                    version: Some(u.version),
                    roles: u
                        .grants
                        .iter()
                        .map(|(r, d)| SeedGrant {
                            role_id: r.clone(),
                            division_id: Some(d.clone()),
                        })
                        .collect(),
                    skills: prof_seed(&u.skills),
                    languages: prof_seed(&u.languages),
                    queue_ids: self.queues_of(&u.id).map(|q| q.id.clone()).collect(),
                    licenses: u.licenses.clone(),
                    addresses: u.addresses.clone(),
                    external_ids: u.external_ids.clone(),
                })
                .collect(),
            sim_tokens: self
                .tokens
                .iter()
                .map(|(t, v)| SeedToken {
                    token_sha256: t.clone(),
                    client_id: v.client_id.clone(),
                    expires_at: v.expires_at,
                })
                .collect(),
        }
    }

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
    /// Queues the user is a member of.
    pub fn queues_of<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a Queue> + 'a {
        self.queues
            .iter()
            .filter(move |q| q.members.iter().any(|m| m == user_id))
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

fn named_seed(v: &[Named]) -> Vec<SeedNamed> {
    v.iter()
        .map(|n| SeedNamed {
            id: Some(n.id.clone()),
            name: n.name.clone(),
        })
        .collect()
}

fn prof_seed(v: &[(String, f64)]) -> Vec<SeedProficiency> {
    v.iter()
        .map(|(id, p)| SeedProficiency {
            id: id.clone(),
            proficiency: *p,
        })
        .collect()
}

pub fn state_str(s: UserState) -> &'static str {
    match s {
        UserState::Active => "active",
        UserState::Inactive => "inactive",
        UserState::Deleted => "deleted",
    }
}
