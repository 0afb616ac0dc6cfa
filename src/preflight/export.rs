//! Export: an org's users written back as a hire list (docs/contract.md §2 columns), by
//! names, so it can be committed, applied to another org, or checked later. Pure: the users
//! and the snapshot that names their ids. Each user is written with the capture rules (a
//! role granted in the user's own division without `@`, which is what an unscoped role
//! means in a hire list), cells sorted so two exports compare line by line.

use super::personas::{Include, capture};
use super::rules::split_list;
use crate::model::{ExistingUser, Field, OrgSnapshot};
use std::collections::BTreeMap;

/// The columns an export writes, in order; `licenses` and `utilization` only when asked for.
pub fn export_fields(include: Include) -> Vec<Field> {
    let mut f = vec![
        Field::Email,
        Field::Name,
        Field::Division,
        Field::Title,
        Field::Department,
        Field::ManagerEmail,
        Field::Roles,
        Field::Skills,
        Field::Languages,
        Field::Queues,
        Field::Phone,
        Field::Extension,
    ];
    if include.licenses {
        f.push(Field::Licenses);
    }
    if include.utilization {
        f.push(Field::Utilization);
    }
    f
}

/// What an export wrote, and what it could not name.
#[derive(Debug, Default, PartialEq)]
pub struct Exported {
    /// One row per user, cells in [`export_fields`] order: managers before the users they
    /// manage (a hire list names a manager on an earlier row), by email otherwise.
    pub rows: Vec<Vec<String>>,
    /// Users whose manager is not among the exported users (the cell is left empty).
    pub managers_outside: usize,
    /// Ids the snapshot could not name (left out of the cells).
    pub unnamed: Vec<String>,
}

/// `users` as hire-list rows (the division is always a column; `include.division` is not
/// read).
pub fn export_rows(users: &[&ExistingUser], snapshot: &OrgSnapshot, include: Include) -> Exported {
    let emails: BTreeMap<&str, &str> = users.iter().map(|u| (&*u.id, u.email.as_str())).collect();
    let fields = export_fields(include);
    let mut out = Exported::default();
    for u in managers_first(users) {
        let captured = capture(u, snapshot, "", include);
        out.unnamed.extend(captured.unnamed);
        let manager = match u.manager_id.as_deref() {
            Some(id) => match emails.get(id) {
                Some(e) => e.to_string(),
                None => {
                    out.managers_outside += 1;
                    String::new()
                }
            },
            None => String::new(),
        };
        let row = fields
            .iter()
            .map(|f| match f {
                Field::Email => u.email.clone(),
                Field::Name => u.name.clone(),
                Field::Division => division_name(u, snapshot),
                Field::ManagerEmail => manager.clone(),
                Field::Phone => u.phone.clone().unwrap_or_default(),
                Field::Extension => u.extension.clone().unwrap_or_default(),
                Field::Roles
                | Field::Skills
                | Field::Languages
                | Field::Queues
                | Field::Licenses => sorted_cell(captured.persona.cell(*f)),
                other => captured.persona.cell(*other).to_string(),
            })
            .collect();
        out.rows.push(row);
    }
    out.unnamed.sort();
    out.unnamed.dedup();
    out
}

/// `users` ordered by how many managers above them are exported too (0: none), then by
/// email; so every manager's row comes before their reports'. A management cycle (which the
/// org should not have) stops counting after one pass round it.
fn managers_first<'a>(users: &[&'a ExistingUser]) -> Vec<&'a ExistingUser> {
    let by_id: BTreeMap<&str, &ExistingUser> = users.iter().map(|u| (&*u.id, *u)).collect();
    let depth = |u: &ExistingUser| {
        let mut d = 0usize;
        let mut at = u;
        while let Some(m) = at.manager_id.as_deref().and_then(|id| by_id.get(id)) {
            d += 1;
            if d > users.len() {
                break;
            }
            at = m;
        }
        d
    };
    let mut sorted: Vec<(usize, String, &ExistingUser)> = users
        .iter()
        .map(|u| (depth(u), u.email.to_lowercase(), *u))
        .collect();
    sorted.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    sorted.into_iter().map(|(_, _, u)| u).collect()
}

fn division_name(u: &ExistingUser, snapshot: &OrgSnapshot) -> String {
    snapshot
        .divisions
        .iter()
        .find(|d| *d.id == *u.division_id)
        .map(|d| d.name.clone())
        .unwrap_or_default()
}

/// A multi-valued cell with its items in one order (case-insensitive), `; `-separated.
pub fn sorted_cell(cell: &str) -> String {
    let mut items: Vec<&str> = split_list(cell).collect();
    items.sort_by_key(|i| i.to_lowercase());
    items.join("; ")
}
