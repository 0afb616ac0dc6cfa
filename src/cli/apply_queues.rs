//! The queue half of `onboard apply … --queues QUEUES.csv` (docs/contract.md §6 and the README's "Queue rows"): the
//! stand-in ids that let hire rows name queues this run creates, and the plan line.

use crate::engine::queues::{NEW_QUEUE_PREFIX, QueueTask};
use crate::model::{OrgSnapshot, Queue};
use crate::preflight::queues::{QueueAction, QueueCheck};
use std::collections::BTreeSet;

/// Hire rows are checked before the queues they name exist: each queue the run will create
/// is added to the snapshot under a stand-in id (replaced by the real one once created).
pub fn stand_in_new_queues(snapshot: &mut OrgSnapshot, check: &QueueCheck) {
    let home = snapshot
        .divisions
        .iter()
        .find(|d| d.home)
        .map(|d| d.id.clone())
        .unwrap_or_default();
    for p in check
        .plan
        .iter()
        .filter(|p| p.action == QueueAction::Create)
    {
        let division = p
            .run
            .settings
            .as_ref()
            .and_then(|s| s.division.as_ref())
            .map(|d| d.id.clone())
            .unwrap_or_else(|| home.clone());
        snapshot.queues.push(Queue {
            id: format!("{NEW_QUEUE_PREFIX}{}", p.name),
            name: p.name.clone(),
            division_id: division,
            member_count: Some(0),
            group_member_count: 0,
        });
    }
}

/// Whether any queue row writes.
pub fn writes(tasks: &[QueueTask]) -> bool {
    tasks
        .iter()
        .any(|t| matches!(t.action, QueueAction::Create | QueueAction::Update))
}

/// `Queues: 20 create, 3 update, 1 unchanged, 0 blocked — creates paced at 60/min`.
pub fn queue_plan_line(tasks: &[QueueTask], per_min: u32) -> String {
    let n = |a: QueueAction| tasks.iter().filter(|t| t.action == a).count();
    format!(
        "Queues: {} create, {} update, {} unchanged, {} blocked — creates paced at {per_min}/min",
        n(QueueAction::Create),
        n(QueueAction::Update),
        n(QueueAction::Unchanged),
        n(QueueAction::Blocked)
    )
}

/// What `--only-failed` says when it continues an older journal: the lists changed since
/// (a journal is bound to their content), and what it retries from it.
pub fn retry_note(path: &std::path::Path, hire_rows: usize, queue_tasks: &[QueueTask]) -> String {
    let mut what = vec![format!("{hire_rows} hire row(s)")];
    if !queue_tasks.is_empty() {
        let names: Vec<&str> = queue_tasks.iter().map(|t| t.name.as_str()).collect();
        what.push(format!(
            "{} queue row(s) ({})",
            queue_tasks.len(),
            names.join(", ")
        ));
    }
    format!(
        "onboard apply: retrying what failed in {} (this list changed since, and a journal is bound to the lists' content): {}, each with its plan from the lists as they are now",
        path.display(),
        what.join(" and ")
    )
}

/// Failed queue rows a journal records that the queue list no longer names (renamed or
/// removed): `--only-failed` matches queue rows by name, so it cannot retry them.
pub fn failed_queues_not_listed(failed: &BTreeSet<String>, tasks: &[QueueTask]) -> Vec<String> {
    let listed: BTreeSet<String> = tasks.iter().map(QueueTask::identity).collect();
    failed
        .iter()
        .filter(|id| !listed.contains(*id))
        .filter_map(|id| id.strip_prefix("queue:"))
        .map(str::to_string)
        .collect()
}

/// What `--only-failed` says when failed queue rows of `path` are not in the queue list.
pub fn not_listed_note(path: &std::path::Path, names: &[String]) -> String {
    format!(
        "onboard apply: {} records failed queue row(s) this queue list no longer names (renamed or removed?): {}; --only-failed matches queue rows by name, so run without --only-failed to apply the whole list (finished rows are left as they are)",
        path.display(),
        names.join(", ")
    )
}
