//! The Plan screen's request estimate: roughly what the engine will send, batching the way
//! the engine does (one create per user, one bulk call per user for skills and for languages,
//! one per external id, grants per (role, division) group, queue members 100 per call,
//! read-back 100 users per call). A guide for the ETA, not a promise.

use crate::model::{ManagerRef, Plan, PlanAction, RowPlan};
use std::collections::{BTreeMap, BTreeSet};

pub fn estimate_requests(plan: &Plan, rows: &BTreeSet<usize>) -> u64 {
    let selected: Vec<&RowPlan> = plan.rows.iter().filter(|r| rows.contains(&r.row)).collect();
    let mut total: u64 = 0;
    let mut grants: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queues: BTreeMap<String, u64> = BTreeMap::new();
    let mut licensed = 0u64;
    let mut users = 0u64;
    for r in &selected {
        let base = match r.action {
            PlanAction::Create | PlanAction::Deactivate => 1,
            PlanAction::Update => 1,
            PlanAction::Restore | PlanAction::Reactivate => 2,
            _ => continue,
        };
        users += 1;
        total += base;
        let Some(d) = &r.desired else { continue };
        let existing = r.existing.as_ref();
        let changed =
            |f: &str| r.action != PlanAction::Update || r.diff.iter().any(|x| x.field == f);
        if !d.skills.is_empty() && changed("skills") {
            total += 1;
        }
        if !d.languages.is_empty() && changed("languages") {
            total += 1;
        }
        if d.external_id.is_some() && existing.is_none_or(|e| e.external_ids.is_empty()) {
            total += 1;
        }
        if matches!(d.manager, Some(ManagerRef::Row(_))) {
            total += 1;
        }
        for g in &d.grants {
            if existing.is_none_or(|e| !e.grants.contains(g)) {
                grants.insert((g.role_id.clone(), g.division_id.clone()));
            }
        }
        for q in &d.queue_ids {
            if existing.is_none_or(|e| !e.queue_ids.contains(q)) {
                *queues.entry(q.clone()).or_insert(0) += 1;
            }
        }
        if !d.licenses.is_empty() {
            licensed += 1;
        }
    }
    total += grants.len() as u64;
    total += queues.values().map(|n| n.div_ceil(100)).sum::<u64>();
    total += licensed.div_ceil(100);
    // Existence lookups and read-back verification, 100 users per call each.
    total += 2 * users.div_ceil(100);
    total
}

/// Seconds to send `requests` at `per_s` (None when the rate is unknown or zero).
pub fn eta_seconds(requests: u64, per_s: Option<f64>) -> Option<f64> {
    per_s.filter(|r| *r > 0.0).map(|r| requests as f64 / r)
}

/// `1h 02m`, `3m 20s`, `45s`.
pub fn human_duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(45.2), "45s");
        assert_eq!(human_duration(200.0), "3m 20s");
        assert_eq!(human_duration(3720.0), "1h 02m");
        assert_eq!(eta_seconds(300, Some(5.0)), Some(60.0));
        assert_eq!(eta_seconds(300, Some(0.0)), None);
    }
}
