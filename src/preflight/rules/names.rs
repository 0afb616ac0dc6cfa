//! Names resolved against the org: the person's name, division, roles (with their division
//! scope), skills and languages, queues — and `division_mismatch` where a role scope or a
//! queue lies outside the divisions the user will hold a role in.

use super::{Ctx, RowCells, split_list};
use crate::model::{ExistingUser, Field, FindingCode, Grant, Id, Proficiency, UserState};
use crate::preflight::message::{hint, not_in_org};
use crate::preflight::org::{Lookup, Names, OrgIndex};

/// The user's name: `name`, else `first_name last_name`; an existing user keeps theirs when
/// the row gives none, a new user needs one.
pub(super) fn name(cx: &mut Ctx, cells: &RowCells, existing: Option<&ExistingUser>) -> String {
    let name_unusable = [Field::Name, Field::FirstName, Field::LastName]
        .into_iter()
        .any(|f| cells.unusable.has(f));
    let name = {
        let n = cells.get(Field::Name);
        if n.is_empty() {
            let first = cells.get(Field::FirstName);
            let last = cells.get(Field::LastName);
            format!("{first} {last}").trim().to_string()
        } else {
            n.to_string()
        }
    };
    if let Some(limit) = crate::preflight::cells::max_chars(Field::Name)
        && name.len() > limit
        && name.chars().count() > limit
    {
        cx.push(
            Some("name"),
            FindingCode::InvalidValue,
            format!(
                "first_name and last_name make a name of {} characters; Genesys Cloud takes at most {limit} — shorten them",
                name.chars().count()
            ),
            None,
        );
    }
    // Existing users keep their name when the cell is empty; new users need one.
    let name = match existing {
        Some(u) if name.is_empty() => u.name.clone(),
        _ => name,
    };
    if name.is_empty() && !name_unusable {
        let list = cells.list;
        let msg = if list.column_of(Field::Name).is_none()
            && list.column_of(Field::FirstName).is_none()
        {
            "the list has no 'name' (or 'first_name' + 'last_name') column; add the person's full name"
        } else {
            "name is empty; fill in the person's full name (or first_name and last_name)"
        };
        cx.push(
            Some("name"),
            FindingCode::MissingField,
            msg.to_string(),
            None,
        );
    }
    name
}

/// The user's division and whether it resolved (an unknown division must not cascade into
/// `division_mismatch` findings). Empty = keep an existing user's division, else the home
/// division.
pub(super) fn division(
    cx: &mut Ctx,
    org: &OrgIndex,
    div_cell: &str,
    existing: Option<&ExistingUser>,
) -> (Id, bool) {
    if div_cell.is_empty() {
        let id = match existing {
            Some(u) if u.state != UserState::Deleted && !u.division_id.is_empty() => {
                u.division_id.clone()
            }
            _ => org.home_division.clone().unwrap_or_default(),
        };
        return (id, true);
    }
    match org.divisions.resolve(div_cell) {
        Lookup::Found(id) => (Id::clone(id), true),
        Lookup::Missing(sugg) => {
            let hint = hint(sugg.as_deref(), || {
                " ; use a division listed in Admin > Divisions, or leave it empty for the home division".to_string()
            });
            cx.push(
                Some("division"),
                FindingCode::UnknownDivision,
                not_in_org("division", div_cell, &hint),
                sugg,
            );
            (org.home_division.clone().unwrap_or_default(), false)
        }
    }
}

/// The row's role grants, and the scoped ones with the item that asked for each (for
/// `division_mismatch`).
pub(super) struct Roles {
    pub grants: Vec<Grant>,
    pub scoped: Vec<(String, Grant)>,
}

/// Roles: `Role` or `Role@Division` (also `Role:Division`, as in Genesys's template); an
/// unscoped role is granted in the user's division.
pub(super) fn roles(cx: &mut Ctx, org: &OrgIndex, cell: &str, division_id: &Id) -> Roles {
    let mut grants: Vec<Grant> = Vec::new();
    // The item that asked for each grant (same order), to name both of a duplicate.
    let mut grant_items: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
    let mut scoped: Vec<(String, Grant)> = Vec::new();
    for item in split_list(cell) {
        let (role_name, scope) = match item.split_once('@') {
            Some((r, d)) => (r.trim(), Some(d.trim())),
            None => match item.split_once(':') {
                Some((r, d)) if !matches!(org.roles.resolve(item), Lookup::Found(_)) => {
                    (r.trim(), Some(d.trim()))
                }
                _ => (item, None),
            },
        };
        if role_name.is_empty() || scope.is_some_and(str::is_empty) {
            cx.push(
                Some("roles"),
                FindingCode::InvalidValue,
                format!("'{item}' is not a role; write 'Role' or 'Role@Division', e.g. 'Agent; Supervisor@Sales'"),
                None,
            );
            continue;
        }
        let role_id = match org.roles.resolve(role_name) {
            Lookup::Found(id) => Some(Id::clone(id)),
            Lookup::Missing(sugg) => {
                let hint = hint(sugg.as_deref(), || {
                    "; use a role from Admin > Roles / Permissions (onboard never creates roles)"
                        .to_string()
                });
                cx.push(
                    Some("roles"),
                    FindingCode::UnknownRole,
                    not_in_org("role", role_name, &hint),
                    sugg,
                );
                None
            }
        };
        let div = match scope {
            None => Some(division_id.clone()),
            Some(d) => match org.divisions.resolve(d) {
                Lookup::Found(id) => Some(Id::clone(id)),
                Lookup::Missing(sugg) => {
                    let scoped_sugg = sugg.as_deref().map(|s| format!("{role_name}@{s}"));
                    let hint = hint(scoped_sugg.as_deref(), || {
                        "; use a division listed in Admin > Divisions".to_string()
                    });
                    cx.push(
                        Some("roles"),
                        FindingCode::UnknownDivision,
                        format!("role scope '{item}' names division '{d}', which does not exist in the org{hint}"),
                        sugg,
                    );
                    None
                }
            },
        };
        if let (Some(role_id), Some(division_id)) = (role_id, div) {
            let g = Grant {
                role_id,
                division_id,
            };
            if let Some(k) = grants.iter().position(|x| *x == g) {
                cx.push(
                    Some("roles"),
                    FindingCode::DuplicateInRow,
                    format!(
                        "'{}' and '{item}' grant the same role in the same division; keep one of them",
                        grant_items[k]
                    ),
                    None,
                );
                continue;
            }
            if scope.is_some() {
                scoped.push((item.to_string(), g.clone()));
            }
            grants.push(g);
            grant_items.push(item);
        }
    }
    Roles { grants, scoped }
}

/// The divisions the user will hold a role grant in (this row's grants, an existing user's
/// grants, and the user's own division, where new users get the default role). A role
/// scoped outside the user's division while the own division gets no role is a
/// `division_mismatch` warning (the contract's severity for the code: the API accepts the
/// user, who just sees nothing division-scoped at home).
pub(super) fn granted_divisions<'a>(
    cx: &mut Ctx,
    org: &OrgIndex,
    roles: &'a Roles,
    existing: Option<&'a ExistingUser>,
    division_id: &'a Id,
    division_known: bool,
) -> Vec<&'a str> {
    let keeps_grants = existing.is_some_and(|u| u.state != UserState::Deleted);
    let mut granted: Vec<&str> = roles.grants.iter().map(|g| &*g.division_id).collect();
    if keeps_grants && let Some(u) = existing {
        granted.extend(u.grants.iter().map(|g| &*g.division_id));
    }
    let own_granted = roles.grants.iter().any(|g| g.division_id == *division_id)
        || (keeps_grants
            && existing.is_some_and(|u| u.grants.iter().any(|g| g.division_id == *division_id)));
    if !own_granted && !division_id.is_empty() && division_known {
        for (item, g) in &roles.scoped {
            if g.division_id != *division_id {
                let own = org.division_label(division_id);
                cx.push(
                    Some("roles"),
                    FindingCode::DivisionMismatch,
                    format!(
                        "role scope '{item}' grants a role only in {}, but the user's division {own} gets no role; add a role for {own} (e.g. 'Agent; {item}') or set division to {}",
                        org.division_label(&g.division_id),
                        org.division_label(&g.division_id),
                    ),
                    None,
                );
            }
        }
    }
    granted.push(division_id);
    granted
}

/// Parse a `Name:proficiency` list (skills or languages) into resolved ids.
pub(super) fn proficiencies(
    cx: &mut Ctx,
    cell: &str,
    field: Field,
    names: &Names,
) -> Vec<Proficiency> {
    let (what, code) = match field {
        Field::Skills => ("skill", FindingCode::UnknownSkill),
        _ => ("language", FindingCode::UnknownLanguage),
    };
    let f = Some(field.as_str());
    let mut out: Vec<Proficiency> = Vec::new();
    // Every resolved name with the item that named it, to catch the same one twice.
    let mut seen: smallvec::SmallVec<[(&Id, &str); 8]> = smallvec::SmallVec::new();
    for item in split_list(cell) {
        let (name, prof) = match item.rsplit_once(':') {
            Some((n, p)) => (n.trim(), Some(p.trim())),
            None => (item, None),
        };
        let prof = match prof.map(|p| p.parse::<f64>()) {
            Some(Ok(p)) if p.is_finite() && (0.0..=5.0).contains(&p) => Some(p),
            Some(_) => {
                cx.push(
                    f,
                    FindingCode::InvalidProficiency,
                    format!(
                        "{what} '{name}' has proficiency '{}'; use a number from 0 to 5, e.g. '{name}:3'",
                        prof.unwrap_or_default()
                    ),
                    None,
                );
                None
            }
            None => {
                cx.push(
                    f,
                    FindingCode::InvalidProficiency,
                    format!("{what} '{name}' has no proficiency; write it as '{name}:N' with N from 0 to 5"),
                    Some(format!("{name}:3")),
                );
                None
            }
        };
        if name.is_empty() {
            cx.push(
                f,
                FindingCode::InvalidValue,
                format!(
                    "'{item}' in {} has no {what} name; write 'Name:proficiency'",
                    field.as_str()
                ),
                None,
            );
            continue;
        }
        match names.resolve(name) {
            Lookup::Found(id) => {
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
                    cx.push(
                        f,
                        FindingCode::DuplicateInRow,
                        format!(
                            "'{first}' and '{item}' name the same {what}; keep one of them with the proficiency you want"
                        ),
                        None,
                    );
                    continue;
                }
                seen.push((id, item));
                if let Some(p) = prof {
                    out.push(Proficiency {
                        id: Id::clone(id),
                        proficiency: p,
                    });
                }
            }
            Lookup::Missing(sugg) => {
                let hint = hint(sugg.as_deref(), || {
                    format!("; create it in Admin > Routing or fix the {what} name")
                });
                cx.push(f, code, not_in_org(what, name, &hint), sugg);
            }
        }
    }
    out
}

/// Queues, each resolved once; a queue in a division where the user holds no role is a
/// `division_mismatch` warning.
pub(super) fn queues(
    cx: &mut Ctx,
    org: &OrgIndex,
    cell: &str,
    granted: &[&str],
    division_known: bool,
) -> Vec<Id> {
    let mut queue_ids: Vec<Id> = Vec::new();
    // The item that named each queue (same order), to name both of a duplicate.
    let mut queue_items: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
    for q in split_list(cell) {
        match org.queues.resolve(q) {
            Lookup::Found(id) => {
                if let Some(k) = queue_ids.iter().position(|x| x == id) {
                    cx.push(
                        Some("queues"),
                        FindingCode::DuplicateInRow,
                        format!(
                            "'{}' and '{q}' name the same queue; keep one of them",
                            queue_items[k]
                        ),
                        None,
                    );
                    continue;
                }
                if let Some(qd) = org.queue_division.get(&**id)
                    && division_known
                    && !qd.is_empty()
                    && !granted.contains(&&**qd)
                {
                    // A queue's division decides who may manage it, not who may be a member
                    // (docs/genesys-api-notes.md §11.10): a warning.
                    let qdl = org.division_label(qd);
                    cx.push(
                        Some("queues"),
                        FindingCode::DivisionMismatch,
                        format!(
                            "queue '{q}' is in division {qdl}, where this user will hold no role: they will receive the queue's interactions, but won't see the queue in division-scoped views (queue lists, reports); if they should, add a role scoped to it (e.g. 'Agent@{qdl}')"
                        ),
                        None,
                    );
                }
                queue_ids.push(Id::clone(id));
                queue_items.push(q);
            }
            Lookup::Missing(sugg) => {
                let hint = hint(sugg.as_deref(), || {
                    "; use a queue from Admin > Queues".to_string()
                });
                cx.push(
                    Some("queues"),
                    FindingCode::UnknownQueue,
                    not_in_org("queue", q, &hint),
                    sugg,
                );
            }
        }
    }
    queue_ids
}
