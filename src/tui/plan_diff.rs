//! What the plan will do to one row, in words: a create with everything it sets, an update
//! with each field old → new and what list fields gain or lose. Read by the Plan screen for
//! the visible rows only, so it costs nothing at 100,000 rows.

use super::app::Session;
use crate::model::{DesiredUser, ManagerRef, OrgSnapshot, PlanAction, sanitize};

/// One line of a row's changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub text: String,
}

fn change(field: &str, text: String) -> Change {
    Change {
        field: field.to_string(),
        text: sanitize(&text).into_owned(),
    }
}

/// The changes of row `index` (empty for rows that do not run).
pub fn row_changes(s: &Session, index: usize) -> Vec<Change> {
    let Some(p) = s.result.plan.rows.get(index) else {
        return Vec::new();
    };
    match s.status(index) {
        PlanAction::Create => p
            .desired
            .as_deref()
            .map(|d| created(&s.snapshot, d))
            .unwrap_or_default(),
        PlanAction::Deactivate => vec![change(
            "state",
            "active → inactive (the user loses access to the org)".into(),
        )],
        a @ (PlanAction::Update | PlanAction::Restore | PlanAction::Reactivate) => {
            let mut out = Vec::new();
            match a {
                PlanAction::Restore => out.push(change("state", "deleted → active".into())),
                PlanAction::Reactivate => out.push(change("state", "inactive → active".into())),
                _ => {}
            }
            for d in &p.diff {
                out.push(diff_change(&d.field, &d.from, &d.to));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// A list-valued field (`a; b; c`) as added / removed / changed items; a single value as
/// old → new.
fn diff_change(field: &str, from: &str, to: &str) -> Change {
    const LISTS: [&str; 5] = ["roles", "skills", "languages", "queues", "licenses"];
    if !LISTS.contains(&field) {
        let from = if from.is_empty() { "(none)" } else { from };
        return change(field, format!("{from} → {to}"));
    }
    let split = |s: &str| -> Vec<String> {
        s.split("; ")
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    let (old, new) = (split(from), split(to));
    // `Billing:3` → `Billing:4` is a changed level, not one removed and one added.
    let name = |x: &str| {
        x.rsplit_once(':')
            .map(|(n, _)| n.to_string())
            .unwrap_or_else(|| x.to_string())
    };
    let mut parts = Vec::new();
    for n in &new {
        if old.contains(n) {
            continue;
        }
        match old.iter().find(|o| name(o) == name(n) && *o != n) {
            Some(o) => parts.push(format!("{o} → {n}")),
            None => parts.push(format!("+{n}")),
        }
    }
    for o in &old {
        if !new.contains(o) && !new.iter().any(|n| name(n) == name(o)) {
            parts.push(format!("−{o}"));
        }
    }
    change(field, parts.join(", "))
}

fn name_of<'a>(items: impl Iterator<Item = (&'a str, &'a str)>, id: &str) -> String {
    let mut items = items;
    items
        .find(|(i, _)| *i == id)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| id.to_string())
}

/// Everything a create sets, by name.
fn created(org: &OrgSnapshot, d: &DesiredUser) -> Vec<Change> {
    let division = |id: &str| {
        name_of(
            org.divisions
                .iter()
                .map(|x| (x.id.as_str(), x.name.as_str())),
            id,
        )
    };
    let mut out = vec![change("name", d.name.to_string())];
    out.push(change("division", division(&d.division_id)));
    for (field, v) in [("title", &d.title), ("department", &d.department)] {
        if let Some(v) = v {
            out.push(change(field, v.to_string()));
        }
    }
    if let Some(m) = &d.manager {
        let text = match m {
            ManagerRef::UserId(id) => org
                .users
                .iter()
                .find(|u| *u.id == **id)
                .map(|u| u.email.clone())
                .unwrap_or_else(|| id.to_string()),
            ManagerRef::Row(n) => format!("row {n} (created first)"),
        };
        out.push(change("manager", text));
    }
    let list = |v: Vec<String>| v.join(", ");
    if !d.grants.is_empty() {
        let roles = d.grants.iter().map(|g| {
            let role = name_of(
                org.roles.iter().map(|x| (x.id.as_str(), x.name.as_str())),
                &g.role_id,
            );
            format!("+{role} in {}", division(&g.division_id))
        });
        out.push(change("roles", list(roles.collect())));
    }
    for (field, v, names) in [
        ("skills", &d.skills, &org.skills),
        ("languages", &d.languages, &org.languages),
    ] {
        if !v.is_empty() {
            let items = v.iter().map(|p| {
                let n = name_of(
                    names.iter().map(|x| (x.id.as_str(), x.name.as_str())),
                    &p.id,
                );
                format!("+{n}:{}", p.proficiency)
            });
            out.push(change(field, list(items.collect())));
        }
    }
    if !d.queue_ids.is_empty() {
        let items = d.queue_ids.iter().map(|q| {
            format!(
                "+{}",
                name_of(
                    org.queues.iter().map(|x| (x.id.as_str(), x.name.as_str())),
                    q
                )
            )
        });
        out.push(change("queues", list(items.collect())));
    }
    for (field, v) in [("phone", &d.phone), ("extension", &d.extension)] {
        if let Some(v) = v {
            out.push(change(field, v.to_string()));
        }
    }
    if !d.licenses.is_empty() {
        out.push(change(
            "licenses",
            list(d.licenses.iter().map(|l| format!("+{l}")).collect()),
        ));
    }
    if let Some(e) = &d.external_id {
        out.push(change("external_id", format!("{}:{}", e.authority, e.key)));
    }
    out
}

/// One line: `field text; field text; …` (for the plan table's changes column).
pub fn summary(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| format!("{} {}", c.field, c.text))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_fields_read_as_added_removed_and_changed_levels() {
        let c = diff_change(
            "skills",
            "Billing:3; Returns:2",
            "Billing:4; Returns:2; Chat:1",
        );
        assert_eq!(c.text, "Billing:3 → Billing:4, +Chat:1");
        let c = diff_change("queues", "General; Sales", "General");
        assert_eq!(c.text, "−Sales");
        let c = diff_change("title", "", "Agent");
        assert_eq!(c.text, "(none) → Agent");
    }
}
