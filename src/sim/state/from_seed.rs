//! Building the org from a [`Seed`]: every object kind in a fixed order (generated ids depend
//! on it), references checked, users indexed.

use super::{
    Division, IdGen, License, Named, Org, Pool, Queue, Role, Token, Trunk, User, Wrapup, stable_id,
    user_state_from_str,
};
use crate::sim::SimError;
use crate::sim::SimError::Seed as E;
use crate::sim::seed::{Seed, SeedNamed, SeedUser};
use std::collections::HashMap;
use std::time::Instant;

fn id_or(id: &Option<String>, g: &mut IdGen, kind: &str) -> String {
    match id {
        Some(id) if !id.is_empty() => id.clone(),
        _ => g.next(kind),
    }
}

/// The divisions' ids and the home one: what a seed's `divisionId` may name.
struct DivisionIds {
    home: String,
    ids: Vec<String>,
}

impl DivisionIds {
    /// The named division (the home one when none is named), or an error naming `what`.
    fn resolve(&self, id: &Option<String>, what: &str) -> Result<String, SimError> {
        match id {
            None => Ok(self.home.clone()),
            Some(id) if self.ids.contains(id) => Ok(id.clone()),
            Some(id) => Err(E(format!("{what} names unknown division {id}"))),
        }
    }
}

/// The seed's divisions, the first one made home when none is.
fn divisions(seed: &Seed, g: &mut IdGen) -> Result<Vec<Division>, SimError> {
    let mut divisions: Vec<Division> = seed
        .divisions
        .iter()
        .map(|d| Division {
            id: id_or(&d.id, g, "division"),
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
    Ok(divisions)
}

fn named(v: &[SeedNamed], g: &mut IdGen, kind: &str) -> Vec<Named> {
    v.iter()
        .map(|s| Named {
            id: id_or(&s.id, g, kind),
            name: s.name.clone(),
        })
        .collect()
}

fn queues(seed: &Seed, g: &mut IdGen, divs: &DivisionIds) -> Result<Vec<Queue>, SimError> {
    let mut queues = Vec::new();
    for q in &seed.queues {
        queues.push(Queue {
            id: id_or(&q.id, g, "queue"),
            name: q.name.clone(),
            division_id: divs.resolve(&q.division_id, &format!("queue {}", q.name))?,
            member_limit: q.member_limit,
            members: Vec::new(),
            unjoined: Vec::new(),
            settings: Default::default(),
            wrapup_ids: Vec::new(),
            member_groups: Vec::new(),
            created_at: None,
            date_created: crate::sim::queue_state::SEED_DATE.into(),
            date_modified: crate::sim::queue_state::SEED_DATE.into(),
            modified_by: None,
        });
    }
    Ok(queues)
}

fn wrapups(seed: &Seed, g: &mut IdGen, divs: &DivisionIds) -> Result<Vec<Wrapup>, SimError> {
    let mut wrapups = Vec::new();
    for w in &seed.wrapup_codes {
        wrapups.push(Wrapup {
            id: id_or(&w.id, g, "wrapup"),
            name: w.name.clone(),
            division_id: divs.resolve(&w.division_id, &format!("wrap-up code {}", w.name))?,
            description: w.description.clone(),
        });
    }
    Ok(wrapups)
}

fn trunks(seed: &Seed, g: &mut IdGen) -> Vec<Trunk> {
    seed.trunks
        .iter()
        .map(|t| {
            let id = id_or(&t.id, g, "trunk");
            Trunk {
                base_id: stable_id(&format!("trunkbase:{id}"), 0),
                id,
                name: t.name.clone(),
                in_service: t.in_service,
                channels: t.channels,
            }
        })
        .collect()
}

/// The DID pools, then the extension pools (in that order: generated ids depend on it).
fn pools(seed: &Seed, g: &mut IdGen) -> (Vec<Pool>, Vec<Pool>) {
    let did_pools = seed
        .did_pools
        .iter()
        .map(|p| Pool {
            id: id_or(&p.id, g, "didpool"),
            start: p.start_phone_number.clone(),
            end: p.end_phone_number.clone(),
        })
        .collect();
    let extension_pools = seed
        .extension_pools
        .iter()
        .map(|p| Pool {
            id: id_or(&p.id, g, "extensionpool"),
            start: p.start_number.clone(),
            end: p.end_number.clone(),
        })
        .collect();
    (did_pools, extension_pools)
}

/// The seed user's role grants, each role known and each division resolved (the user's own
/// when the grant names none).
fn grants(
    org: &Org,
    u: &SeedUser,
    division_id: &str,
    divs: &DivisionIds,
) -> Result<Vec<(String, String)>, SimError> {
    let mut grants = Vec::new();
    for gr in &u.roles {
        if org.role(&gr.role_id).is_none() {
            return Err(E(format!(
                "user {} names unknown role {}",
                u.email, gr.role_id
            )));
        }
        let d = match &gr.division_id {
            Some(d) => divs.resolve(&Some(d.clone()), &format!("user {}", u.email))?,
            None => division_id.to_string(),
        };
        grants.push((gr.role_id.clone(), d));
    }
    Ok(grants)
}

/// Every skill and language the seed user names exists in the org.
fn check_proficiencies(org: &Org, u: &SeedUser) -> Result<(), SimError> {
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
    Ok(())
}

/// Adds the seed user (the `i`th) to the org: references checked, queue memberships added,
/// indexed by id and email.
fn add_user(
    org: &mut Org,
    i: usize,
    u: &SeedUser,
    g: &mut IdGen,
    divs: &DivisionIds,
) -> Result<(), SimError> {
    let state = user_state_from_str(&u.state)
        .ok_or_else(|| E(format!("user {} has unknown state {}", u.email, u.state)))?;
    let division_id = divs.resolve(&u.division_id, &format!("user {}", u.email))?;
    let grants = grants(org, u, &division_id, divs)?;
    check_proficiencies(org, u)?;
    let id = id_or(&u.id, g, "user");
    for (q, joined) in u
        .queue_ids
        .iter()
        .map(|q| (q, true))
        .chain(u.unjoined_queue_ids.iter().map(|q| (q, false)))
    {
        let Some(queue) = org.queues.iter_mut().find(|x| &x.id == q) else {
            return Err(E(format!("user {} names unknown queue {q}", u.email)));
        };
        // A queue named twice stays one membership (joined wins: listed first).
        if queue.members.contains(&id) {
            continue;
        }
        queue.members.push(id.clone());
        if !joined {
            queue.unjoined.push(id.clone());
        }
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
        utilization: u.utilization.clone(),
    });
    Ok(())
}

/// The saved tokens that have not expired yet.
fn restore_tokens(org: &mut Org, seed: &Seed) {
    let now = crate::sim::unix_now();
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
}

impl Org {
    /// Builds the org from a seed. Unknown references in the seed are errors.
    pub fn from_seed(seed: &Seed) -> Result<Org, SimError> {
        let mut g = IdGen(0);
        if seed.oauth_clients.is_empty() {
            return Err(E("the org seed has no oauthClients".into()));
        }
        let divisions = divisions(seed, &mut g)?;
        let divs = DivisionIds {
            home: divisions
                .iter()
                .find(|d| d.home)
                .map(|d| d.id.clone())
                .unwrap_or_default(),
            ids: divisions.iter().map(|d| d.id.clone()).collect(),
        };
        let roles = seed
            .roles
            .iter()
            .map(|r| Role {
                id: id_or(&r.id, &mut g, "role"),
                name: r.name.clone(),
                base_license: r.base_license.clone(),
                permissions: r.permissions.clone(),
            })
            .collect();
        let skills = named(&seed.skills, &mut g, "skill");
        let languages = named(&seed.languages, &mut g, "language");
        let queues = queues(seed, &mut g, &divs)?;
        let wrapups = wrapups(seed, &mut g, &divs)?;
        let licenses = seed
            .licenses
            .iter()
            .map(|l| License {
                id: l.id.clone(),
                description: l.description.clone().unwrap_or_else(|| l.id.clone()),
                seats: l.seats,
            })
            .collect();
        let trunks = trunks(seed, &mut g);
        let (did_pools, extension_pools) = pools(seed, &mut g);
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
            queue_add_of_group_member: seed.queue_add_of_group_member,
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            next_id: 0,
        };
        for (i, u) in seed.users.iter().enumerate() {
            add_user(&mut org, i, u, &mut g, &divs)?;
        }
        // After every older kind, so seeds without these keys keep their generated ids.
        crate::sim::queue_state::load(&mut org, seed, &mut |kind| g.next(kind))?;
        restore_tokens(&mut org, seed);
        // A restored state carries the counter of the run that saved it: ids are never reused.
        org.next_id = g.0.max(seed.sim_next_id);
        Ok(org)
    }
}
