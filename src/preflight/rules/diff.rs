//! The plan of a row with a matched user: what differs between the org user and the row
//! (merge semantics), the finding that says so, and the row's action.

use super::{Ctx, fmt_prof};
use crate::model::{
    DesiredUser, ExistingUser, FieldDiff, FindingCode, Grant, Id, ManagerRef, PlanAction,
    Proficiency, RowPlan, UserState,
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
/// the row does not list are kept, not differences), field by field in the hire list's order.
pub(super) fn diff(
    org: &OrgIndex,
    state: &State,
    u: &ExistingUser,
    d: &DesiredUser,
) -> Vec<FieldDiff> {
    let mut out = profile_diffs(org, u, d);
    out.extend(manager_diff(org, state, u, d));
    out.extend(grants_diff(org, u, d));
    out.extend(proficiency_diffs(org, u, d));
    out.extend(queues_diff(org, u, d));
    out.extend(optional_text_diffs([
        ("phone", d.phone.as_deref(), u.phone.as_deref()),
        ("extension", d.extension.as_deref(), u.extension.as_deref()),
    ]));
    out.extend(licenses_diff(u, d));
    out.extend(external_id_diff(u, d));
    out.extend(utilization_diff(u, d));
    out
}

/// The media types whose capacity the row sets and the user does not have (all of them
/// when the user's utilization was not read).
fn utilization_diff(u: &ExistingUser, d: &DesiredUser) -> Option<FieldDiff> {
    if d.utilization.is_empty() {
        return None;
    }
    let have = u.utilization.as_ref().map_or(&[][..], |h| &h.media[..]);
    if u.utilization.is_some()
        && crate::model::utilization_differing(&d.utilization, have).is_empty()
    {
        return None;
    }
    // The user's capacities of the media types the row names: what the write changes.
    let before: Vec<crate::model::MediaCapacity> = have
        .iter()
        .filter(|h| d.utilization.iter().any(|w| w.media == h.media))
        .cloned()
        .collect();
    Some(field_diff(
        "utilization",
        crate::model::format_utilization(&before),
        crate::model::format_utilization(&d.utilization),
    ))
}

fn field_diff(field: &str, from: String, to: String) -> FieldDiff {
    FieldDiff {
        field: field.to_string(),
        from,
        to,
    }
}

/// Email, name, division, department and title.
fn profile_diffs(org: &OrgIndex, u: &ExistingUser, d: &DesiredUser) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    if !d.email.is_empty() && !d.email.eq_ignore_ascii_case(&u.email) {
        out.push(field_diff("email", u.email.clone(), d.email.to_string()));
    }
    if !d.name.is_empty() && d.name != u.name {
        out.push(field_diff("name", u.name.clone(), d.name.to_string()));
    }
    if !d.division_id.is_empty() && d.division_id != u.division_id {
        out.push(field_diff(
            "division",
            org.division_label(&u.division_id).to_string(),
            org.division_label(&d.division_id).to_string(),
        ));
    }
    out.extend(optional_text_diffs([
        (
            "department",
            d.department.as_deref(),
            u.department.as_deref(),
        ),
        ("title", d.title.as_deref(), u.title.as_deref()),
    ]));
    out
}

/// Text fields the row may leave empty (then kept as they are).
fn optional_text_diffs<const N: usize>(
    fields: [(&str, Option<&str>, Option<&str>); N],
) -> Vec<FieldDiff> {
    fields
        .into_iter()
        .filter_map(|(field, want, have)| {
            let w = want?;
            (Some(w) != have)
                .then(|| field_diff(field, have.unwrap_or_default().to_string(), w.to_string()))
        })
        .collect()
}

/// The manager, by user id or by another row of the list (then the user that row matched).
fn manager_diff(
    org: &OrgIndex,
    state: &State,
    u: &ExistingUser,
    d: &DesiredUser,
) -> Option<FieldDiff> {
    let m = d.manager.as_ref()?;
    let same = match m {
        ManagerRef::UserId(id) => u.manager_id.as_deref() == Some(id),
        ManagerRef::Row(n) => state
            .keys
            .get(n.wrapping_sub(1))
            .and_then(|k| k.existing)
            .map(|u| &*org.users[u as usize].id)
            .is_some_and(|id| u.manager_id.as_deref() == Some(id)),
    };
    if same {
        return None;
    }
    let email_or_id = |id: &str| {
        org.user_by_id(id)
            .map(|x| x.email.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let to = match m {
        ManagerRef::UserId(id) => email_or_id(id),
        ManagerRef::Row(n) => format!("row {n}"),
    };
    let from = u.manager_id.as_deref().map(email_or_id).unwrap_or_default();
    Some(field_diff("manager", from, to))
}

/// Role grants (role@division) the user lacks.
fn grants_diff(org: &OrgIndex, u: &ExistingUser, d: &DesiredUser) -> Option<FieldDiff> {
    let missing: Vec<&Grant> = d.grants.iter().filter(|g| !u.grants.contains(g)).collect();
    if missing.is_empty() {
        return None;
    }
    let label = |g: &Grant| {
        format!(
            "{}@{}",
            org.roles.label(&g.role_id),
            org.division_label(&g.division_id)
        )
    };
    let from = join_names(u.grants.iter().map(label));
    let after = u.grants.iter().chain(missing);
    Some(field_diff("roles", from, join_names(after.map(label))))
}

/// Skills and languages missing or at another proficiency.
fn proficiency_diffs(org: &OrgIndex, u: &ExistingUser, d: &DesiredUser) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for (field, want, have, names) in [
        ("skills", &d.skills, &u.skills, &org.skills),
        ("languages", &d.languages, &u.languages, &org.languages),
    ] {
        let differs = want.iter().any(|w| {
            !have
                .iter()
                .any(|h| h.id == w.id && h.proficiency == w.proficiency)
        });
        if !differs {
            continue;
        }
        let label = |p: &Proficiency| format!("{}:{}", names.label(&p.id), fmt_prof(p.proficiency));
        let from = join_names(have.iter().map(label));
        let mut all = have.clone();
        for w in want {
            match all.iter_mut().find(|h| h.id == w.id) {
                Some(h) => h.proficiency = w.proficiency,
                None => all.push(w.clone()),
            }
        }
        out.push(field_diff(field, from, join_names(all.iter().map(label))));
    }
    out
}

/// Queues the user is not a member of.
fn queues_diff(org: &OrgIndex, u: &ExistingUser, d: &DesiredUser) -> Option<FieldDiff> {
    let missing: Vec<&Id> = d
        .queue_ids
        .iter()
        .filter(|q| !u.queue_ids.contains(q) && !u.group_queue_ids.contains(q))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let label = |q: &Id| org.queues.label(q).to_string();
    let from = join_names(u.queue_ids.iter().map(label));
    let after = u.queue_ids.iter().chain(missing);
    Some(field_diff("queues", from, join_names(after.map(label))))
}

/// Licences the user lacks (names compared without case).
fn licenses_diff(u: &ExistingUser, d: &DesiredUser) -> Option<FieldDiff> {
    let held: Vec<String> = u.licenses.iter().map(|l| l.to_lowercase()).collect();
    let missing: Vec<&Id> = d
        .licenses
        .iter()
        .filter(|l| !held.contains(&l.to_lowercase()))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut all = u.licenses.clone();
    all.extend(missing.into_iter().cloned());
    Some(field_diff(
        "licenses",
        u.licenses.join("; "),
        all.join("; "),
    ))
}

/// The row's external id, when the user does not carry it yet.
fn external_id_diff(u: &ExistingUser, d: &DesiredUser) -> Option<FieldDiff> {
    let e = d.external_id.as_ref()?;
    if u.external_ids.contains(e) {
        return None;
    }
    let label = |e: &crate::model::ExternalId| format!("{}:{}", e.authority, e.key);
    let from = join_names(u.external_ids.iter().map(label));
    Some(field_diff("external_id", from, label(e)))
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
