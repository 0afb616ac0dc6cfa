//! The value a cell will be sent as: the hire list's text resolved to the org's names and
//! ids (a role with its division scope, a skill with its level), or why nothing is sent.
//! Read by the row card for one row at a time.

use super::app::{Session, action_label};
use crate::model::{DesiredUser, Field, ManagerRef, OrgSnapshot, PlanAction};

/// Why row `index` sends nothing at all, if it does not (said once on the row card rather
/// than on every column).
pub fn not_sent(s: &Session, index: usize) -> Option<&'static str> {
    match s.status(index) {
        PlanAction::Skipped => Some("not sent: the row is skipped"),
        PlanAction::Blocked => {
            Some("not sent: the row is blocked (its errors keep it from running)")
        }
        PlanAction::Deactivate => Some("not sent: the user is deactivated"),
        PlanAction::Unchanged => Some("nothing sent: the org already matches"),
        _ => None,
    }
}

/// What column `col` of row `index` sends, in words (not sanitized: the view does that).
pub fn sent_value(s: &Session, index: usize, col: usize) -> String {
    let Some(field) = s.list.columns.get(col).copied().flatten() else {
        return "not sent: onboard does not read this column (kept as is when saved)".into();
    };
    if field == Field::Action {
        return format!("the row's action: {}", action_label(s.status(index)));
    }
    if let Some(why) = not_sent(s, index) {
        return why.into();
    }
    let status = s.status(index);
    let plan = s.result.plan.rows.get(index);
    let Some(d) = plan.and_then(|p| p.desired.as_deref()) else {
        return "not sent".into();
    };
    let value = desired_value(&s.snapshot, d, field);
    if status == PlanAction::Create {
        return value;
    }
    // Update, restore, reactivate: only what differs from the org is sent.
    match plan
        .into_iter()
        .flat_map(|p| p.diff.iter())
        .find(|x| x.field == field.as_str() || (is_name(field) && x.field == "name"))
    {
        Some(diff) => format!("{value}  (org has: {})", or_none(&diff.from)),
        None => format!("{value}  (unchanged: the org has it already)"),
    }
}

fn is_name(f: Field) -> bool {
    matches!(f, Field::Name | Field::FirstName | Field::LastName)
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "(none)" } else { s }
}

/// `name (id)` of the item with `id` among `items` (the id alone if the org lacks it).
fn named<'a>(mut items: impl Iterator<Item = (&'a str, &'a str)>, id: &str) -> String {
    match items.find(|(i, _)| *i == id) {
        Some((_, n)) => format!("{n} ({id})"),
        None => id.to_string(),
    }
}

fn division(org: &OrgSnapshot, id: &str) -> String {
    named(
        org.divisions
            .iter()
            .map(|x| (x.id.as_str(), x.name.as_str())),
        id,
    )
}

/// A desired field as sent: names with their ids, lists joined by `; `.
fn desired_value(org: &OrgSnapshot, d: &DesiredUser, field: Field) -> String {
    let opt = |v: &Option<crate::model::Text>| {
        v.as_deref()
            .map(str::to_string)
            .unwrap_or_else(|| "(none)".into())
    };
    let levels = |v: &[crate::model::Proficiency], names: &[crate::model::Named]| {
        let items: Vec<String> = v
            .iter()
            .map(|p| {
                let n = named(
                    names.iter().map(|x| (x.id.as_str(), x.name.as_str())),
                    &p.id,
                );
                format!("{n} level {}", p.proficiency)
            })
            .collect();
        join(items)
    };
    match field {
        Field::Email => d.email.to_string(),
        Field::Name | Field::FirstName | Field::LastName => format!("name {}", d.name),
        Field::Division => division(org, &d.division_id),
        Field::Department => opt(&d.department),
        Field::Title => opt(&d.title),
        Field::ManagerEmail => match &d.manager {
            Some(ManagerRef::UserId(id)) => org
                .users
                .iter()
                .find(|u| *u.id == **id)
                .map(|u| format!("{} ({id})", u.email))
                .unwrap_or_else(|| id.to_string()),
            Some(ManagerRef::Row(n)) => format!("the user of row {n} (created first)"),
            None => "(none)".into(),
        },
        Field::Roles => join(
            d.grants
                .iter()
                .map(|g| {
                    let role = named(
                        org.roles.iter().map(|x| (x.id.as_str(), x.name.as_str())),
                        &g.role_id,
                    );
                    format!("{role} in division {}", division(org, &g.division_id))
                })
                .collect(),
        ),
        Field::Skills => levels(&d.skills, &org.skills),
        Field::Languages => levels(&d.languages, &org.languages),
        Field::Queues => join(
            d.queue_ids
                .iter()
                .map(|q| {
                    named(
                        org.queues.iter().map(|x| (x.id.as_str(), x.name.as_str())),
                        q,
                    )
                })
                .collect(),
        ),
        Field::Phone => opt(&d.phone),
        Field::Extension => opt(&d.extension),
        Field::Licenses => join(d.licenses.iter().map(|l| l.to_string()).collect()),
        Field::ExternalId => d
            .external_id
            .as_ref()
            .map(|e| format!("{}:{}", e.authority, e.key))
            .unwrap_or_else(|| "(none)".into()),
        Field::Action => String::new(),
        Field::Utilization => crate::model::format_utilization(&d.utilization),
    }
}

fn join(items: Vec<String>) -> String {
    if items.is_empty() {
        "(none)".into()
    } else {
        items.join("; ")
    }
}
