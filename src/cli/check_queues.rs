//! The queue half of `onboard check … --queues QUEUES.csv` (docs/contract.md §6): what the
//! snapshot must read for a queue list, and how the queue findings and plan are written,
//! as JSON keys added beside the hire list's (docs/contract.md §3) and as a text section.

use crate::genesys::SnapshotOptions;
use crate::ingest::queues::{QueueColumn, QueueList};
use crate::model::{FindingCode, Severity, sanitize};
use crate::preflight::queues::{QueueAction, QueueCheck};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Widens a snapshot scope to what a queue list needs: members' membership of the queues it
/// names (the plan adds only those not in the queue yet).
pub fn scope_for_queues(opts: &mut SnapshotOptions, list: &QueueList) {
    if let Some(names) = opts.memberships_of.as_mut() {
        for row in &list.rows {
            let n = list.cell(row, QueueColumn::Name);
            if !n.is_empty() {
                names.insert(n.to_lowercase());
            }
        }
    }
}

/// The JSON of a check with no hire list: the hire-list keys, empty.
pub fn empty_hire_json() -> Value {
    json!({
        "file": null,
        "rows": 0,
        "summary": {"errors": 0, "warnings": 0, "ready": 0, "blocked": 0},
        "plan": {"create": 0, "update": 0, "restore": 0, "reactivate": 0, "deactivate": 0, "unchanged": 0},
        "findings": [],
    })
}

/// Adds the queue list to a check's JSON: `plan.queues` counts, each queue finding in
/// `findings` with `"file"` and `"queue"`, `queues_file`, `queue_summary` and `queue_plan`
/// (one entry per row with its action and diff).
pub fn add_queue_json(out: &mut Value, list: &QueueList, check: &QueueCheck) {
    let counts = check.counts();
    if let Some(plan) = out.get_mut("plan").and_then(Value::as_object_mut) {
        plan.insert("queues".into(), json!(counts));
    }
    let name_of = |row: Option<usize>| {
        row.and_then(|r| check.plan.iter().find(|p| p.row == r))
            .map(|p| p.name.clone())
    };
    let findings: Vec<Value> = check
        .findings()
        .map(|f| {
            let mut v = json!(f);
            if let Some(o) = v.as_object_mut() {
                o.insert("file".into(), json!(list.source));
                o.insert("queue".into(), json!(name_of(f.row)));
            }
            v
        })
        .collect();
    if let Some(all) = out.get_mut("findings").and_then(Value::as_array_mut) {
        all.extend(findings);
    }
    let errors = check
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let o = match out.as_object_mut() {
        Some(o) => o,
        None => return,
    };
    o.insert("queues_file".into(), json!(list.source));
    o.insert(
        "queue_summary".into(),
        json!({
            "rows": check.plan.len(),
            "errors": errors,
            "warnings": check.findings().count() - errors,
            "ready": counts.create + counts.update + counts.unchanged,
            "blocked": counts.blocked,
        }),
    );
    o.insert("queue_plan".into(), json!(check.plan));
}

/// The text section for the queue list: counts, each queue's planned change, then the
/// findings grouped by code (errors first).
pub fn render_queue_text(list: &QueueList, check: &QueueCheck) -> String {
    let mut out = String::new();
    let c = check.counts();
    let errors = check
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let _ = writeln!(
        out,
        "{}: {} queues — {} errors, {} warnings",
        sanitize(&list.source),
        check.plan.len(),
        errors,
        check.findings().count() - errors
    );
    let _ = writeln!(
        out,
        "queue plan: {} create, {} update, {} unchanged, {} blocked",
        c.create, c.update, c.unchanged, c.blocked
    );
    for p in &check.plan {
        if !matches!(p.action, QueueAction::Create | QueueAction::Update) {
            continue;
        }
        let verb = if p.action == QueueAction::Create {
            "create"
        } else {
            "update"
        };
        let _ = writeln!(out, "  {verb} '{}'", sanitize(&p.name));
        let d = &p.diff;
        for s in &d.settings {
            let _ = writeln!(out, "    ~ {}", sanitize(s));
        }
        let lists = [
            ("+ wrap-up", &d.wrapup_codes_add),
            ("- wrap-up", &d.wrapup_codes_remove),
            ("+ member", &d.members_add),
            ("+ member group", &d.member_groups_add),
        ];
        for (label, items) in lists {
            if !items.is_empty() {
                let _ = writeln!(out, "    {label}: {}", sanitize(&items.join(", ")));
            }
        }
        if let Some(d) = &d.division_move {
            let _ = writeln!(out, "    > division {}", sanitize(d));
        }
    }
    let mut codes: Vec<FindingCode> = FindingCode::ALL
        .into_iter()
        .chain(FindingCode::QUEUES)
        .collect();
    codes.sort_by_key(|c| (c.severity() != Severity::Error, *c as u8));
    for code in codes {
        let group: Vec<_> = check.findings().filter(|f| f.code == code).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", code.as_str(), group.len());
        for f in group {
            let at = match (f.row, f.line) {
                (Some(r), Some(l)) => format!("row {r} (line {l})"),
                _ => "file".to_string(),
            };
            let field = f
                .field
                .as_deref()
                .map(|x| format!(" [{}]", sanitize(x)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {at}{field}: {}", sanitize(&f.message));
        }
    }
    out
}
