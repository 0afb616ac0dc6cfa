//! The org as a [`Seed`]: what `--state` saves and `from_seed` reads back.

use super::{Named, Org, User, state_str};
use crate::sim::seed::*;

impl Org {
    /// The org as a seed (what `--state` saves).
    pub fn to_seed(&self) -> Seed {
        let home = self.home_division().id.clone();
        Seed {
            name: self.name.clone(),
            id: Some(self.id.clone()),
            sim_next_id: self.next_id,
            queue_add_of_group_member: self.queue_add_of_group_member,
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
                    permissions: r.permissions.clone(),
                })
                .collect(),
            skills: named_seed(&self.skills),
            languages: named_seed(&self.languages),
            queues: self
                .queues
                .iter()
                .map(|q| crate::sim::queue_state::queue_to_seed(self, q))
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
            flows: crate::sim::queue_state::flows_to_seed(&self.flows),
            skill_groups: crate::sim::queue_state::skill_groups_to_seed(&self.skill_groups),
            groups: crate::sim::queue_state::groups_to_seed(&self.groups),
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
                .map(|u| user_seed(self, u, &home))
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
}

/// One user as a seed; a user without a division is saved in the home one.
fn user_seed(org: &Org, u: &User, home: &str) -> SeedUser {
    SeedUser {
        id: Some(u.id.clone()),
        name: u.name.clone(),
        email: u.email.clone(),
        division_id: Some(if u.division_id.is_empty() {
            home.to_string()
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
        queue_ids: org.memberships(&u.id, true).map(|q| q.id.clone()).collect(),
        unjoined_queue_ids: org
            .memberships(&u.id, false)
            .map(|q| q.id.clone())
            .collect(),
        utilization: u.utilization.clone(),
        licenses: u.licenses.clone(),
        addresses: u.addresses.clone(),
        external_ids: u.external_ids.clone(),
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
