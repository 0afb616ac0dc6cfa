//! The plan of a row with a matched user: what differs between the org user and the row
//! (merge semantics), the finding that says so, and the row's action.

use super::{Ctx, fmt_prof};
use crate::model::{
    DesiredUser, ExistingUser, FieldDiff, FindingCode, ManagerRef, PlanAction, RowPlan, UserState,
};
use crate::preflight::org::OrgIndex;
use crate::preflight::row_index::State;

pub(super) fn join_names<'a>(it: impl Iterator<Item = String> + 'a) -> String {
    it.collect::<Vec<_>>().join("; ")
}

fn changes_text(diff: &[FieldDiff]) -> String {
    if diff.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            diff.iter()
                .map(|d| d.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// What differs between the org user and the row (merge semantics: things the user has that
/// the row does not list are kept, not differences).
pub(super) fn diff(
    org: &OrgIndex,
    state: &State,
    u: &ExistingUser,
    d: &DesiredUser,
) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut push = |field: &str, from: String, to: String| {
        out.push(FieldDiff {
            field: field.to_string(),
            from,
            to,
        })
    };
    if !d.email.is_empty() && !d.email.eq_ignore_ascii_case(&u.email) {
        push("email", u.email.clone(), d.email.to_string());
    }
    if !d.name.is_empty() && d.name != u.name {
        push("name", u.name.clone(), d.name.to_string());
    }
    if !d.division_id.is_empty() && d.division_id != u.division_id {
        push(
            "division",
            org.division_label(&u.division_id).to_string(),
            org.division_label(&d.division_id).to_string(),
        );
    }
    for (field, want, have) in [
        ("department", &d.department, &u.department),
        ("title", &d.title, &u.title),
    ] {
        if let Some(w) = want
            && Some(w.as_str()) != have.as_deref()
        {
            push(field, have.clone().unwrap_or_default(), w.to_string());
        }
    }
    if let Some(m) = &d.manager {
        let same = match m {
            ManagerRef::UserId(id) => u.manager_id.as_deref() == Some(id),
            ManagerRef::Row(n) => state
                .keys
                .get(n.wrapping_sub(1))
                .and_then(|k| k.existing)
                .map(|u| &*org.users[u as usize].id)
                .is_some_and(|id| u.manager_id.as_deref() == Some(id)),
        };
        if !same {
            let to = match m {
                ManagerRef::UserId(id) => org
                    .user_by_id(id)
                    .map(|x| x.email.clone())
                    .unwrap_or_else(|| id.to_string()),
                ManagerRef::Row(n) => format!("row {n}"),
            };
            let from = u
                .manager_id
                .as_ref()
                .map(|id| {
                    org.user_by_id(id)
                        .map(|x| x.email.clone())
                        .unwrap_or_else(|| id.to_string())
                })
                .unwrap_or_default();
            push("manager", from, to);
        }
    }
    let grant_label = |g: &crate::model::Grant| {
        format!(
            "{}@{}",
            org.roles.label(&g.role_id),
            org.division_label(&g.division_id)
        )
    };
    if d.grants.iter().any(|g| !u.grants.contains(g)) {
        let from = join_names(u.grants.iter().map(grant_label));
        let mut all = u.grants.clone();
        all.extend(d.grants.iter().filter(|g| !u.grants.contains(g)).cloned());
        push("roles", from, join_names(all.iter().map(grant_label)));
    }
    for (field, want, have, names) in [
        ("skills", &d.skills, &u.skills, &org.skills),
        ("languages", &d.languages, &u.languages, &org.languages),
    ] {
        let differs = want.iter().any(|w| {
            !have
                .iter()
                .any(|h| h.id == w.id && h.proficiency == w.proficiency)
        });
        if differs {
            let label = |p: &crate::model::Proficiency| {
                format!("{}:{}", names.label(&p.id), fmt_prof(p.proficiency))
            };
            let from = join_names(have.iter().map(label));
            let mut all = have.clone();
            for w in want {
                match all.iter_mut().find(|h| h.id == w.id) {
                    Some(h) => h.proficiency = w.proficiency,
                    None => all.push(w.clone()),
                }
            }
            push(field, from, join_names(all.iter().map(label)));
        }
    }
    if d.queue_ids.iter().any(|q| !u.queue_ids.contains(q)) {
        let from = join_names(u.queue_ids.iter().map(|q| org.queues.label(q).to_string()));
        let mut all = u.queue_ids.clone();
        all.extend(
            d.queue_ids
                .iter()
                .filter(|q| !u.queue_ids.contains(q))
                .cloned(),
        );
        push(
            "queues",
            from,
            join_names(all.iter().map(|q| org.queues.label(q).to_string())),
        );
    }
    for (field, want, have) in [
        ("phone", &d.phone, &u.phone),
        ("extension", &d.extension, &u.extension),
    ] {
        if let Some(w) = want
            && Some(w.as_str()) != have.as_deref()
        {
            push(field, have.clone().unwrap_or_default(), w.to_string());
        }
    }
    let held: Vec<String> = u.licenses.iter().map(|l| l.to_lowercase()).collect();
    if d.licenses.iter().any(|l| !held.contains(&l.to_lowercase())) {
        let mut all = u.licenses.clone();
        all.extend(
            d.licenses
                .iter()
                .filter(|l| !held.contains(&l.to_lowercase()))
                .cloned(),
        );
        push("licenses", u.licenses.join("; "), all.join("; "));
    }
    if let Some(e) = &d.external_id
        && !u.external_ids.contains(e)
    {
        push(
            "external_id",
            join_names(
                u.external_ids
                    .iter()
                    .map(|e| format!("{}:{}", e.authority, e.key)),
            ),
            format!("{}:{}", e.authority, e.key),
        );
    }
    out
}

/// The row's action and diff, with the finding that tells the admin an existing user will
/// be changed (`existing_user`, `inactive_user`, `deleted_user`). Any error blocks the row;
/// a deactivation deactivates an active user and leaves any other alone.
pub(super) fn decide(
    cx: &mut Ctx,
    state: &State,
    deactivate: bool,
    desired: Option<Box<DesiredUser>>,
    plan: &mut RowPlan,
) {
    let has_error = cx.has_error();
    let existing = plan.existing.as_deref();
    if deactivate {
        plan.action = if has_error {
            PlanAction::Blocked
        } else {
            match existing.map(|u| u.state) {
                Some(UserState::Active) => PlanAction::Deactivate,
                _ => PlanAction::Unchanged,
            }
        };
        return;
    }
    let Some(d) = desired else {
        plan.action = PlanAction::Blocked;
        return;
    };
    if let Some(u) = existing {
        plan.diff = diff(&state.org, state, u, &d);
        let (code, msg) = match u.state {
            UserState::Deleted => (
                Some(FindingCode::DeletedUser),
                format!(
                    "{} was deleted from the org; it will be restored (Genesys returns it in the home division without its old extension or roles; this row's values are re-applied) — remove the row if the person should stay deleted",
                    u.email
                ),
            ),
            UserState::Inactive => (
                Some(FindingCode::InactiveUser),
                format!(
                    "{} exists but is inactive; it will be reactivated{} — remove the row if that is not intended",
                    u.email,
                    changes_text(&plan.diff)
                ),
            ),
            UserState::Active if !plan.diff.is_empty() => (
                Some(FindingCode::ExistingUser),
                format!(
                    "{} already exists; it will be updated{} — remove the row or fix the cells if that is not intended",
                    u.email,
                    changes_text(&plan.diff)
                ),
            ),
            UserState::Active => (None, String::new()),
        };
        if let Some(code) = code {
            cx.push(Some("email"), code, msg, None);
        }
    }
    plan.action = if has_error {
        PlanAction::Blocked
    } else {
        match existing.map(|u| u.state) {
            None => PlanAction::Create,
            Some(UserState::Deleted) => PlanAction::Restore,
            Some(UserState::Inactive) => PlanAction::Reactivate,
            Some(UserState::Active) if plan.diff.is_empty() => PlanAction::Unchanged,
            Some(UserState::Active) => PlanAction::Update,
        }
    };
    if plan.action != PlanAction::Blocked {
        plan.desired = Some(d);
    }
}
