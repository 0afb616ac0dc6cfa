//! What a clone says about a target org as a whole, beyond its names: objects the client
//! cannot see (`limited_visibility`), and roles of the same name whose permissions differ
//! from the source's (`role_definition_differs`, with `--compare-roles`). Pure: the calls
//! are made by the caller.

use crate::genesys::clone_calls::DivisionCounts;
use crate::model::{Finding, FindingCode, OrgSnapshot};
use std::collections::BTreeSet;

/// Permissions listed in a `role_definition_differs` message, per side.
const DIFF_SHOWN: usize = 5;

fn org_finding(code: FindingCode, field: &str, message: String) -> Finding {
    Finding {
        row: None,
        line: None,
        email: None,
        field: Some(field.to_string()),
        code,
        severity: code.severity(),
        message,
        suggestion: None,
        persona: None,
        file: None,
    }
}

/// `limited_visibility`, one per division whose `objectCounts` count more queues than the
/// snapshot lists there: the client's role does not reach them, so a name there reads as
/// missing (Terraform #389). Users are not compared: the snapshot holds only the users the
/// list names, not every user of a division.
pub fn limited_visibility(counts: &[DivisionCounts], org: &OrgSnapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in counts {
        let Some(&counted) = d.counts.get("QUEUE") else {
            continue;
        };
        let listed = org.queues.iter().filter(|q| q.division_id == d.id).count() as u64;
        if counted <= listed {
            continue;
        }
        out.push(org_finding(
            FindingCode::LimitedVisibility,
            "division",
            format!(
                "division '{}' holds {counted} queues but this client can list {listed}: names there may be reported missing wrongly; give the OAuth client's role access to division '{}' (or to all divisions) and check again",
                d.name, d.name
            ),
        ));
    }
    out
}

/// `role_definition_differs` when a role grants other permissions in the target than in
/// the source: what the target's role adds and lacks, the first few of each.
pub fn role_differs(
    role: &str,
    source: &BTreeSet<String>,
    target: &BTreeSet<String>,
) -> Option<Finding> {
    if source == target {
        return None;
    }
    let list = |v: Vec<&String>| {
        let more = v.len().saturating_sub(DIFF_SHOWN);
        let mut s = v
            .iter()
            .take(DIFF_SHOWN)
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if more > 0 {
            s.push_str(&format!(" and {more} more"));
        }
        s
    };
    let added: Vec<&String> = target.difference(source).collect();
    let removed: Vec<&String> = source.difference(target).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("also grants {}", list(added)));
    }
    if !removed.is_empty() {
        parts.push(format!("lacks {}", list(removed)));
    }
    Some(org_finding(
        FindingCode::RoleDefinitionDiffers,
        "roles",
        format!(
            "role '{role}' here {} compared with the source org: users get other rights than the reference; align the role's permissions, or map the role to another with --map",
            parts.join(" and ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Queue;

    #[test]
    fn a_division_with_more_queues_than_listed_is_limited() {
        let counts = |q: u64| DivisionCounts {
            id: "d1".into(),
            name: "Sales".into(),
            counts: [("QUEUE".to_string(), q), ("USER".to_string(), 99)].into(),
        };
        let org = OrgSnapshot {
            queues: vec![Queue {
                id: "q".into(),
                name: "General".into(),
                division_id: "d1".into(),
                member_count: None,
                group_member_count: 0,
            }],
            ..OrgSnapshot::default()
        };
        assert!(limited_visibility(&[counts(1)], &org).is_empty());
        let f = limited_visibility(&[counts(3)], &org);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("holds 3 queues but this client can list 1")
        );
    }

    #[test]
    fn a_role_diff_names_what_is_added_and_lacking() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        let a = set(&["routing:queue:join", "routing:queue:view"]);
        assert!(role_differs("Supervisor", &a, &a).is_none());
        let b = set(&["routing:queue:join", "routing:queue:edit"]);
        let f = role_differs("Supervisor", &a, &b).unwrap();
        assert!(
            f.message
                .contains("also grants routing:queue:edit and lacks routing:queue:view"),
            "{}",
            f.message
        );
    }
}
