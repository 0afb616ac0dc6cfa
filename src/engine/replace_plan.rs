//! `--replace` (and clone's mirror mode) on the plan. Pre-flight diffs with merge semantics:
//! what a user has and the row does not name is kept, so a user with only extras is
//! `unchanged` there. Under `--replace` those extras are work: this turns such rows into
//! updates, with one diff line per group saying what goes, so the plan, the confirmation and
//! the engine agree.

use super::steps::{Replace, RowWork, work_for};
use crate::model::{FieldDiff, Id, OrgSnapshot, Plan, PlanAction, RowPlan};

/// Rows the merge plan calls `unchanged` whose groups under `replace` hold extras become
/// `update`s, and every updated row gains `removes` lines naming what will be removed.
pub fn plan_removals(plan: &mut Plan, replace: Replace, snapshot: &OrgSnapshot) {
    if replace == Replace::default() {
        return;
    }
    for row in &mut plan.rows {
        if !matches!(row.action, PlanAction::Unchanged | PlanAction::Update) {
            continue;
        }
        let Some(work) = removal_work(row, replace) else {
            continue;
        };
        let lines = removal_lines(row, &work, snapshot);
        if lines.is_empty() {
            continue;
        }
        row.action = PlanAction::Update;
        row.diff.extend(lines);
    }
}

/// The row's work as an update under `replace`.
fn removal_work(row: &RowPlan, replace: Replace) -> Option<RowWork> {
    let mut as_update = row.clone();
    as_update.action = PlanAction::Update;
    work_for(&as_update, replace)
}

/// One diff line per group with something to remove: `from` the extras, `to` empty.
fn removal_lines(row: &RowPlan, work: &RowWork, snapshot: &OrgSnapshot) -> Vec<FieldDiff> {
    let (Some(have), Some(want)) = (row.existing.as_deref(), row.desired.as_deref()) else {
        return vec![];
    };
    let mut out = Vec::new();
    let mut push = |field: &str, names: Vec<String>| {
        if !names.is_empty() {
            out.push(FieldDiff {
                field: format!("{field} removed"),
                from: names.join("; "),
                to: String::new(),
            });
        }
    };
    if work.replace.roles && !work.grants.is_empty() {
        let extra = have
            .grants
            .iter()
            .filter(|g| !want.grants.contains(g))
            .map(|g| {
                format!(
                    "{}@{}",
                    name_in(&snapshot.roles, &g.role_id, |r| (&r.id, &r.name)),
                    name_in(&snapshot.divisions, &g.division_id, |d| (&d.id, &d.name))
                )
            })
            .collect();
        push("roles", extra);
    }
    if work.replace.skills {
        let extra = have
            .skills
            .iter()
            .filter(|h| !want.skills.iter().any(|w| w.id == h.id))
            .map(|h| name_in(&snapshot.skills, &h.id, |s| (&s.id, &s.name)))
            .collect();
        push("skills", extra);
    }
    let languages = work
        .languages_remove
        .iter()
        .map(|id| name_in(&snapshot.languages, id, |l| (&l.id, &l.name)))
        .collect();
    push("languages", languages);
    let queues = work
        .queues_remove
        .iter()
        .map(|id| name_in(&snapshot.queues, id, |q| (&q.id, &q.name)))
        .collect();
    push("queues", queues);
    out
}

/// The name of `id` in `items`, or the id itself when the snapshot does not list it.
fn name_in<T>(items: &[T], id: &Id, key: impl Fn(&T) -> (&String, &String)) -> String {
    items
        .iter()
        .map(&key)
        .find(|(i, _)| i.as_str() == &**id)
        .map_or_else(|| id.to_string(), |(_, n)| n.clone())
}
