//! Drift: how a target user differs from what a reference says they should have, item by
//! item, by *names* (ids differ between orgs). Pure: the wanted cells (a persona or a
//! baseline row, in the hire-list cell syntax) against the user's own configuration as
//! [`super::personas::capture`] writes it, so one normal form serves both sides: a role
//! granted in the user's own division is `Role`, elsewhere `Role@Division`.

use super::personas::{Include, capture};
use super::rules::split_list;
use crate::model::{ExistingUser, Field, OrgSnapshot, UserState};
use serde::Serialize;
use std::collections::BTreeMap;

/// The groups drift compares (and clone writes); division and utilization only when
/// included.
pub const DRIFT_GROUPS: [Field; 6] = [
    Field::Division,
    Field::Roles,
    Field::Skills,
    Field::Languages,
    Field::Queues,
    Field::Utilization,
];

/// How one item differs (the drift codes of README "Drift").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftCode {
    /// The target lacks an item the reference has.
    DriftMissing,
    /// A proficiency, the division or a media type's capacity differs.
    DriftChanged,
    /// The target has an item the reference lacks (drift only in mirror mode).
    DriftExtra,
    /// The target user is absent, deleted or inactive.
    TargetMissing,
    /// The item has no object of that name in the target org.
    Unresolvable,
}

impl DriftCode {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftCode::DriftMissing => "drift_missing",
            DriftCode::DriftChanged => "drift_changed",
            DriftCode::DriftExtra => "drift_extra",
            DriftCode::TargetMissing => "target_missing",
            DriftCode::Unresolvable => "unresolvable",
        }
    }

    /// Whether the item counts as drift: extras only when the groups are authoritative.
    pub fn counts(self, mirror: bool) -> bool {
        mirror || self != DriftCode::DriftExtra
    }

    /// The one-character mark of the text report: `+` to add, `-` to remove, `~` to change.
    pub fn mark(self) -> char {
        match self {
            DriftCode::DriftMissing => '+',
            DriftCode::DriftExtra => '-',
            DriftCode::DriftChanged => '~',
            DriftCode::TargetMissing => '!',
            DriftCode::Unresolvable => '?',
        }
    }
}

/// One difference of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftItem {
    /// `roles`, `skills`, `languages`, `queues`, or `user` for `target_missing`.
    pub group: &'static str,
    pub item: String,
    pub code: DriftCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub want: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub have: Option<String>,
}

/// The wanted cells of one target: group → cell, in the hire-list syntax.
pub type Wanted = BTreeMap<Field, String>;

/// How `user` (None: not in the org) differs from `wanted` in `groups`.
pub fn drift_of(
    wanted: &Wanted,
    user: Option<&ExistingUser>,
    snapshot: &OrgSnapshot,
    groups: &[Field],
) -> Vec<DriftItem> {
    let Some(user) = user.filter(|u| u.state == UserState::Active) else {
        let state = user.map_or("not in the org", |u| match u.state {
            UserState::Deleted => "deleted",
            UserState::Inactive => "inactive",
            UserState::Active => "active",
        });
        return vec![DriftItem {
            group: "user",
            item: user.map_or_else(String::new, |u| u.email.clone()),
            code: DriftCode::TargetMissing,
            want: Some("active".into()),
            have: Some(state.into()),
        }];
    };
    let have = capture(user, snapshot, "", Include::default()).persona;
    let own_division = division_name(user, snapshot);
    let mut out = Vec::new();
    for &group in groups {
        let cell = wanted.get(&group).map_or("", String::as_str);
        match group {
            Field::Division => out.extend(division_drift(cell, &own_division, snapshot)),
            Field::Utilization => out.extend(utilization_drift(cell, user)),
            _ => {}
        }
        if matches!(group, Field::Division | Field::Utilization) {
            continue;
        }
        let mut want = items(group, cell, &own_division);
        if group == Field::Queues {
            // Held through a group: in sync, never the user's own (contract §3, queues row).
            for name in group_queue_names(user, snapshot) {
                want.remove(&name.to_lowercase());
            }
        }
        let held = items(group, have.cell(group), &own_division);
        out.extend(compare(group, &want, &held, snapshot));
    }
    out
}

/// The division a target should be in against the one it is in. An empty wanted cell
/// leaves the division as it is (a captured home division is written empty: the target's
/// home is wherever the target is), so it is never drift.
fn division_drift(want: &str, have: &str, snapshot: &OrgSnapshot) -> Option<DriftItem> {
    let want = want.trim();
    if want.is_empty() || want.eq_ignore_ascii_case(have) {
        return None;
    }
    let known = snapshot
        .divisions
        .iter()
        .any(|d| d.name.eq_ignore_ascii_case(want));
    Some(DriftItem {
        group: Field::Division.as_str(),
        item: want.to_string(),
        code: if known {
            DriftCode::DriftChanged
        } else {
            DriftCode::Unresolvable
        },
        want: Some(want.to_string()),
        have: Some(have.to_string()),
    })
}

/// Each media type the wanted cell sets whose capacity the user does not have. The media
/// types the cell leaves out follow the org and are not compared, so there are no extras;
/// a cell pre-flight cannot read is its finding, not drift.
fn utilization_drift(want: &str, user: &ExistingUser) -> Vec<DriftItem> {
    let Ok(want) = crate::model::parse_utilization(want) else {
        return Vec::new();
    };
    let have = user.utilization.as_ref().map_or(&[][..], |h| &h.media[..]);
    crate::model::utilization_differing(&want, have)
        .into_iter()
        .map(|w| {
            let held = have.iter().find(|h| h.media == w.media);
            DriftItem {
                group: Field::Utilization.as_str(),
                item: w.media.clone(),
                code: match held {
                    Some(_) => DriftCode::DriftChanged,
                    None => DriftCode::DriftMissing,
                },
                want: Some(w.capacity.to_string()),
                have: held.map(|h| h.capacity.to_string()),
            }
        })
        .collect()
}

/// The names of the queues the user is in only through a group.
fn group_queue_names<'a>(user: &'a ExistingUser, snapshot: &'a OrgSnapshot) -> Vec<&'a str> {
    user.group_queue_ids
        .iter()
        .filter_map(|id| snapshot.queues.iter().find(|q| *q.id == **id))
        .map(|q| q.name.as_str())
        .collect()
}

/// The user's division name ("" when the snapshot cannot name it).
fn division_name(user: &ExistingUser, snapshot: &OrgSnapshot) -> String {
    snapshot
        .divisions
        .iter()
        .find(|d| *d.id == *user.division_id)
        .map(|d| d.name.clone())
        .unwrap_or_default()
}

/// A cell's items, keyed by lowercased name (a role with its scope), with the value that
/// is compared: the proficiency for skills and languages, nothing else for the rest. A
/// role scoped to the user's own division is the same item as the role unscoped.
fn items(
    group: Field,
    cell: &str,
    own_division: &str,
) -> BTreeMap<String, (String, Option<String>)> {
    let mut out = BTreeMap::new();
    for raw in split_list(cell) {
        let (name, value) = match group {
            Field::Skills | Field::Languages => match raw.rsplit_once(':') {
                Some((n, p)) => (n.trim().to_string(), Some(normal_prof(p.trim()))),
                None => (raw.to_string(), None),
            },
            Field::Roles => match raw.split_once('@') {
                Some((r, d)) if d.trim().eq_ignore_ascii_case(own_division) => {
                    (r.trim().to_string(), None)
                }
                Some((r, d)) => (format!("{}@{}", r.trim(), d.trim()), None),
                None => (raw.to_string(), None),
            },
            _ => (raw.to_string(), None),
        };
        out.insert(name.to_lowercase(), (name, value));
    }
    out
}

/// `4`, `4.0` and `4.00` are one proficiency.
fn normal_prof(p: &str) -> String {
    p.parse::<f64>()
        .map_or_else(|_| p.to_string(), super::rules::fmt_prof)
}

fn compare(
    group: Field,
    want: &BTreeMap<String, (String, Option<String>)>,
    have: &BTreeMap<String, (String, Option<String>)>,
    snapshot: &OrgSnapshot,
) -> Vec<DriftItem> {
    let name = group.as_str();
    let mut out = Vec::new();
    for (key, (item, value)) in want {
        match have.get(key) {
            None if !exists(group, item, snapshot) => out.push(DriftItem {
                group: name,
                item: item.clone(),
                code: DriftCode::Unresolvable,
                want: value.clone(),
                have: None,
            }),
            None => out.push(DriftItem {
                group: name,
                item: item.clone(),
                code: DriftCode::DriftMissing,
                want: value.clone(),
                have: None,
            }),
            Some((_, held)) if value.is_some() && held != value => out.push(DriftItem {
                group: name,
                item: item.clone(),
                code: DriftCode::DriftChanged,
                want: value.clone(),
                have: held.clone(),
            }),
            Some(_) => {}
        }
    }
    for (key, (item, value)) in have {
        if !want.contains_key(key) {
            out.push(DriftItem {
                group: name,
                item: item.clone(),
                code: DriftCode::DriftExtra,
                want: None,
                have: value.clone(),
            });
        }
    }
    out
}

/// Whether the org has an object of that name (a role's scope division included).
fn exists(group: Field, item: &str, s: &OrgSnapshot) -> bool {
    fn named<'a>(mut names: impl Iterator<Item = &'a String>, n: &str) -> bool {
        names.any(|x| x.eq_ignore_ascii_case(n.trim()))
    }
    match group {
        Field::Roles => {
            let (role, scope) = item
                .split_once('@')
                .map_or((item, None), |(r, d)| (r, Some(d)));
            named(s.roles.iter().map(|r| &r.name), role)
                && scope.is_none_or(|d| {
                    d.trim() == "*" || named(s.divisions.iter().map(|x| &x.name), d)
                })
        }
        Field::Skills => named(s.skills.iter().map(|x| &x.name), item),
        Field::Languages => named(s.languages.iter().map(|x| &x.name), item),
        Field::Queues => named(s.queues.iter().map(|x| &x.name), item),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Division, Grant, Named, Proficiency, Queue, Role};

    fn snapshot() -> OrgSnapshot {
        let named = |id: &str, name: &str| Named {
            id: id.into(),
            name: name.into(),
        };
        OrgSnapshot {
            divisions: vec![
                Division {
                    id: "d1".into(),
                    name: "Home".into(),
                    home: true,
                },
                Division {
                    id: "d2".into(),
                    name: "Sales".into(),
                    home: false,
                },
            ],
            roles: vec![
                Role {
                    id: "r1".into(),
                    name: "Agent".into(),
                    base_license: None,
                },
                Role {
                    id: "r2".into(),
                    name: "Supervisor".into(),
                    base_license: None,
                },
            ],
            skills: vec![named("s1", "Billing"), named("s2", "Returns")],
            languages: vec![named("l1", "English")],
            queues: vec![Queue {
                id: "q1".into(),
                name: "General".into(),
                division_id: "d1".into(),
                member_count: None,
                group_member_count: 0,
            }],
            ..OrgSnapshot::default()
        }
    }

    fn user() -> ExistingUser {
        let prof = |id: &str, p: f64| Proficiency {
            id: id.into(),
            proficiency: p,
        };
        ExistingUser {
            id: "u1".into(),
            name: "Ana".into(),
            email: "ana@x.com".into(),
            state: UserState::Active,
            version: 1,
            division_id: "d2".into(),
            department: None,
            title: None,
            manager_id: None,
            phone: None,
            extension: None,
            grants: vec![Grant {
                role_id: "r1".into(),
                division_id: "d2".into(),
            }],
            skills: vec![prof("s1", 2.0), prof("s2", 1.0)],
            languages: vec![prof("l1", 5.0)],
            queue_ids: vec![],
            group_queue_ids: vec![],
            licenses: vec![],
            external_ids: vec![],
            addresses: vec![],
            utilization: None,
        }
    }

    fn wanted(roles: &str, skills: &str, queues: &str) -> Wanted {
        [
            (Field::Roles, roles.to_string()),
            (Field::Skills, skills.to_string()),
            (Field::Languages, "English:5".to_string()),
            (Field::Queues, queues.to_string()),
        ]
        .into_iter()
        .collect()
    }

    fn codes(v: &[DriftItem]) -> Vec<(&str, &str, DriftCode)> {
        v.iter()
            .map(|d| (d.group, d.item.as_str(), d.code))
            .collect()
    }

    #[test]
    fn each_kind_of_difference_by_name() {
        let s = snapshot();
        let u = user();
        let w = wanted(
            "Agent@Sales; Supervisor@Home",
            "Billing:4",
            "General; Payments",
        );
        let d = drift_of(&w, Some(&u), &s, &DRIFT_GROUPS[1..5]);
        assert_eq!(
            codes(&d),
            vec![
                // Agent@Sales is the user's own division: the same as the held `Agent`.
                ("roles", "Supervisor@Home", DriftCode::DriftMissing),
                ("skills", "Billing", DriftCode::DriftChanged),
                ("skills", "Returns", DriftCode::DriftExtra),
                ("queues", "General", DriftCode::DriftMissing),
                ("queues", "Payments", DriftCode::Unresolvable),
            ]
        );
        let changed = &d[1];
        assert_eq!(
            (changed.want.as_deref(), changed.have.as_deref()),
            (Some("4"), Some("2"))
        );
        assert!(!DriftCode::DriftExtra.counts(false) && DriftCode::DriftExtra.counts(true));
    }

    #[test]
    fn division_and_utilization_when_included() {
        let s = snapshot();
        let mut u = user();
        u.utilization = Some(crate::model::UserUtilization {
            media: crate::model::parse_utilization("call=1; chat=4; email=1").unwrap(),
            own: false,
        });
        let groups = [Field::Division, Field::Utilization];
        let mut w = Wanted::new();
        w.insert(Field::Division, "home".into());
        w.insert(Field::Utilization, "chat=3; call=1; workitem=2".into());
        let d = drift_of(&w, Some(&u), &s, &groups);
        assert_eq!(
            codes(&d),
            vec![
                ("division", "home", DriftCode::DriftChanged),
                ("utilization", "chat", DriftCode::DriftChanged),
                ("utilization", "workitem", DriftCode::DriftMissing),
            ]
        );
        assert_eq!(
            (d[0].want.as_deref(), d[0].have.as_deref()),
            (Some("home"), Some("Sales"))
        );
        assert_eq!(
            (d[1].want.as_deref(), d[1].have.as_deref()),
            (Some("3"), Some("4"))
        );
        // An empty division leaves it as it is; the user's own division and capacities are
        // in sync; an unknown division cannot be resolved.
        w.insert(Field::Division, String::new());
        w.insert(Field::Utilization, "chat=4".into());
        assert_eq!(drift_of(&w, Some(&u), &s, &groups), vec![]);
        w.insert(Field::Division, "SALES".into());
        assert_eq!(drift_of(&w, Some(&u), &s, &groups), vec![]);
        w.insert(Field::Division, "Paris".into());
        assert_eq!(
            codes(&drift_of(&w, Some(&u), &s, &groups)),
            vec![("division", "Paris", DriftCode::Unresolvable)]
        );
    }

    #[test]
    fn in_sync_is_empty_and_an_absent_or_inactive_user_is_target_missing() {
        let s = snapshot();
        let mut u = user();
        let w = wanted("Agent", "Billing:2.0; Returns:1", "");
        assert_eq!(drift_of(&w, Some(&u), &s, &DRIFT_GROUPS[1..5]), vec![]);
        assert_eq!(
            codes(&drift_of(&w, None, &s, &DRIFT_GROUPS))[0].2,
            DriftCode::TargetMissing
        );
        u.state = UserState::Inactive;
        let d = drift_of(&w, Some(&u), &s, &DRIFT_GROUPS);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].have.as_deref(), Some("inactive"));
    }
}
