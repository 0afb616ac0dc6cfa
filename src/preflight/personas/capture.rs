//! Capturing a reference user as a persona: the user's configuration written by *names* in
//! the hire-list cell syntax, so the persona means the same in any org that has those names.
//! The rules:
//! - a role granted in the user's own division is written without `@` (it follows the division
//!   of whoever gets the persona); a grant in another division is written `Role@Division`;
//! - skills and languages as `Name:proficiency`; queues by name; the division, licences and
//!   utilization only when asked for (`--include division,licenses,utilization`), the home
//!   division as empty, utilization only when the user has settings of their own;
//! - what cannot move between users (phone, extension, manager, external ids) is never
//!   captured, and said once.

use super::{PERSONA_FIELDS, Persona};
use crate::model::{ExistingUser, Field, OrgSnapshot, Proficiency};
use crate::preflight::rules::fmt_prof;

/// Optional groups a capture may include.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Include {
    pub division: bool,
    pub licenses: bool,
    /// The user's own utilization (empty when the user follows the org's defaults, or when
    /// it was not read).
    pub utilization: bool,
}

/// A captured persona and the user's attributes that were not captured (not portable).
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub persona: Persona,
    pub not_portable: Vec<&'static str>,
    /// Ids the snapshot could not name (a role, skill… deleted meanwhile): left out, said.
    pub unnamed: Vec<String>,
}

/// `user` (from `snapshot`) as the persona `name`.
pub fn capture(
    user: &ExistingUser,
    snapshot: &OrgSnapshot,
    name: &str,
    include: Include,
) -> Capture {
    let mut unnamed = Vec::new();
    let mut cells = Vec::new();
    for f in PERSONA_FIELDS {
        let value = match f {
            Field::Division if include.division => division(user, snapshot),
            Field::Roles => roles(user, snapshot, &mut unnamed),
            Field::Skills => proficiencies(&user.skills, &snapshot.skills, "skill", &mut unnamed),
            Field::Languages => proficiencies(
                &user.languages,
                &snapshot.languages,
                "language",
                &mut unnamed,
            ),
            Field::Queues => queues(user, snapshot, &mut unnamed),
            Field::Licenses if include.licenses => user.licenses.join("; "),
            Field::Utilization if include.utilization => user
                .utilization
                .as_ref()
                .map(crate::model::UserUtilization::own_cell)
                .unwrap_or_default(),
            Field::Title => user.title.clone().unwrap_or_default(),
            Field::Department => user.department.clone().unwrap_or_default(),
            _ => continue,
        };
        cells.push((f, value));
    }
    let mut not_portable = Vec::new();
    for (present, what) in [
        (user.phone.is_some(), "phone"),
        (user.extension.is_some(), "extension"),
        (user.manager_id.is_some(), "manager"),
        (!user.external_ids.is_empty(), "external ids"),
    ] {
        if present {
            not_portable.push(what);
        }
    }
    Capture {
        persona: Persona {
            name: name.to_string(),
            line: 0,
            cells,
        },
        not_portable,
        unnamed,
    }
}

fn division(user: &ExistingUser, snapshot: &OrgSnapshot) -> String {
    snapshot
        .divisions
        .iter()
        .find(|d| *d.id == *user.division_id && !d.home)
        .map(|d| d.name.clone())
        .unwrap_or_default()
}

fn roles(user: &ExistingUser, snapshot: &OrgSnapshot, unnamed: &mut Vec<String>) -> String {
    let mut items: Vec<String> = Vec::new();
    for g in &user.grants {
        let Some(role) = snapshot.roles.iter().find(|r| *r.id == *g.role_id) else {
            unnamed.push(format!("role {}", g.role_id));
            continue;
        };
        let item = if g.division_id == user.division_id {
            role.name.clone()
        } else if &*g.division_id == "*" {
            format!("{}@*", role.name)
        } else {
            match snapshot.divisions.iter().find(|d| *d.id == *g.division_id) {
                Some(d) => format!("{}@{}", role.name, d.name),
                None => {
                    unnamed.push(format!("division {}", g.division_id));
                    continue;
                }
            }
        };
        if !items.contains(&item) {
            items.push(item);
        }
    }
    items.join("; ")
}

fn proficiencies(
    held: &[Proficiency],
    names: &[crate::model::Named],
    what: &str,
    unnamed: &mut Vec<String>,
) -> String {
    let mut items = Vec::new();
    for p in held {
        match names.iter().find(|n| *n.id == *p.id) {
            Some(n) => items.push(format!("{}:{}", n.name, fmt_prof(p.proficiency))),
            None => unnamed.push(format!("{what} {}", p.id)),
        }
    }
    items.join("; ")
}

fn queues(user: &ExistingUser, snapshot: &OrgSnapshot, unnamed: &mut Vec<String>) -> String {
    let mut items = Vec::new();
    for id in &user.queue_ids {
        match snapshot.queues.iter().find(|q| *q.id == **id) {
            Some(q) => items.push(q.name.clone()),
            None => unnamed.push(format!("queue {id}")),
        }
    }
    items.join("; ")
}
