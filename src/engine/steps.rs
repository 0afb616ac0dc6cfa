//! From a row's plan to the work it needs: its primary write, its per-user steps, and the
//! bulk groups it joins. Pure: the scheduler and the request estimate both use it, so the
//! plan screen's estimate and the engine can never disagree.

use crate::model::{
    DesiredUser, ExistingUser, Grant, Id, ManagerRef, MediaCapacity, PlanAction, Proficiency,
    RawContact, RowPlan, Step, Text, UserState,
};
use std::collections::BTreeMap;

/// Which groups `--replace` makes authoritative (the default is merge: never remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replace {
    pub roles: bool,
    pub skills: bool,
    pub languages: bool,
    pub queues: bool,
}

impl Replace {
    /// Parses `roles,skills,languages,queues` (any subset, or `all`).
    pub fn parse(s: &str) -> Result<Replace, String> {
        let mut r = Replace::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "roles" => r.roles = true,
                "skills" => r.skills = true,
                "languages" => r.languages = true,
                "queues" => r.queues = true,
                "all" => {
                    r = Replace {
                        roles: true,
                        skills: true,
                        languages: true,
                        queues: true,
                    }
                }
                other => {
                    return Err(format!(
                        "unknown --replace group '{other}'; use roles, skills, languages, queues or all"
                    ));
                }
            }
        }
        Ok(r)
    }
}

/// The user-record write a row starts with.
#[derive(Debug, Clone, PartialEq)]
pub enum Primary {
    Create,
    /// PATCH `state` (restore a deleted user / reactivate an inactive one), then `then`.
    SetState {
        state: UserState,
        step: Step,
        then: Option<UserPatch>,
    },
    Update(UserPatch),
    Deactivate,
    /// Nothing to write on the user record itself.
    None,
}

/// The fields of a user PATCH (only those that differ are `Some`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserPatch {
    pub name: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<String>,
    /// Set when the phone or extension differs: the complete desired phone contacts.
    pub phone: Option<PhoneContacts>,
}

impl UserPatch {
    pub fn is_empty(&self) -> bool {
        *self == UserPatch::default()
    }
}

/// The work phone a PATCH sets, and the user's `addresses` as last read (with the version
/// they were read at): a PATCH with `addresses` replaces the whole list, so every other
/// contact must go back with it unchanged (docs/genesys-api-notes.md §11.4).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhoneContacts {
    pub phone: Option<String>,
    pub extension: Option<String>,
    pub base: Vec<RawContact>,
    pub base_version: i64,
}

/// Work for one row, before any request is made.
#[derive(Debug, Clone, PartialEq)]
pub struct RowWork {
    pub primary: Primary,
    /// A manager to set after the user exists (when it could not go in the primary PATCH).
    pub manager: Option<ManagerRef>,
    pub division: Option<Id>,
    pub grants: Vec<Grant>,
    pub skills: Vec<Proficiency>,
    pub languages: Vec<Proficiency>,
    /// With `--replace languages`: languages the user has and the row does not name. The
    /// API has no bulk replace for languages, so each is one DELETE.
    pub languages_remove: Vec<Id>,
    pub queues_add: Vec<Id>,
    pub queues_remove: Vec<Id>,
    pub licenses: Vec<Id>,
    pub external_id: bool,
    /// The utilization to PUT (only the media types the row names); empty: no write.
    pub utilization: Vec<MediaCapacity>,
    /// Skills/languages/roles are written as a full replacement.
    pub replace: Replace,
}

impl RowWork {
    /// The steps this row will report, in order (Verify last; not for deactivations).
    pub fn steps(&self, desired: Option<&DesiredUser>) -> Vec<Step> {
        let mut s = Vec::new();
        match &self.primary {
            Primary::Create => s.push(Step::CreateUser),
            Primary::SetState { step, then, .. } => {
                s.push(*step);
                if then.is_some() {
                    s.push(Step::UpdateUser);
                }
            }
            Primary::Update(_) => s.push(Step::UpdateUser),
            Primary::Deactivate => {
                s.push(Step::DeactivateUser);
                return s;
            }
            Primary::None => {}
        }
        if self.manager.is_some() {
            s.push(Step::Manager);
        }
        if self.division.is_some() {
            s.push(Step::Division);
        }
        if !self.grants.is_empty() {
            s.push(Step::Roles);
        }
        if !self.skills.is_empty() || (self.replace.skills && desired.is_some()) {
            s.push(Step::Skills);
        }
        if self.writes_languages() {
            s.push(Step::Languages);
        }
        if !self.queues_add.is_empty() || !self.queues_remove.is_empty() {
            s.push(Step::Queues);
        }
        if !self.licenses.is_empty() {
            s.push(Step::Licenses);
        }
        if self.external_id {
            s.push(Step::ExternalId);
        }
        if !self.utilization.is_empty() {
            s.push(Step::Utilization);
        }
        if !s.is_empty() {
            s.push(Step::Verify);
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.steps(None).is_empty()
    }

    /// Whether the languages step has anything to add or (with `--replace`) remove.
    pub fn writes_languages(&self) -> bool {
        !self.languages.is_empty() || !self.languages_remove.is_empty()
    }
}

fn norm<S: AsRef<str>>(s: &Option<S>) -> &str {
    s.as_ref().map(|s| s.as_ref().trim()).unwrap_or("")
}

fn owned(s: &Option<Text>) -> Option<String> {
    s.as_ref().map(|s| s.to_string())
}

fn prof_missing(want: &[Proficiency], have: &[Proficiency]) -> Vec<Proficiency> {
    want.iter()
        .filter(|w| {
            !have
                .iter()
                .any(|h| h.id == w.id && (h.proficiency - w.proficiency).abs() < 1e-9)
        })
        .cloned()
        .collect()
}

/// Works out what a row needs. `existing` is what the org holds now (None for a create).
/// For a restore the org gives back no roles, queues or skills, so everything is re-applied.
pub fn work_for(plan: &RowPlan, replace: Replace) -> Option<RowWork> {
    let empty = RowWork {
        primary: Primary::None,
        manager: None,
        division: None,
        grants: vec![],
        skills: vec![],
        languages: vec![],
        queues_add: vec![],
        languages_remove: vec![],
        queues_remove: vec![],
        licenses: vec![],
        external_id: false,
        utilization: vec![],
        replace,
    };
    if !plan.action.writes() {
        return None;
    }
    match plan.action {
        PlanAction::Deactivate => Some(RowWork {
            primary: Primary::Deactivate,
            ..empty
        }),
        PlanAction::Create => {
            let d = plan.desired.as_deref()?;
            Some(RowWork {
                primary: Primary::Create,
                manager: d.manager.clone(),
                division: None,
                grants: d.grants.clone(),
                skills: d.skills.clone(),
                languages: d.languages.clone(),
                queues_add: d.queue_ids.clone(),
                languages_remove: vec![],
                queues_remove: vec![],
                licenses: d.licenses.clone(),
                external_id: d.external_id.is_some(),
                utilization: d.utilization.clone(),
                replace,
            })
        }
        // Update, restore, reactivate: the writing actions left.
        _ => changed_work(plan, replace),
    }
}

/// The work of an update, restore or reactivation: only what differs from the org's user
/// (everything, after a restore).
fn changed_work(plan: &RowPlan, replace: Replace) -> Option<RowWork> {
    let d = plan.desired.as_deref()?;
    let e = plan.existing.as_ref()?;
    let restore = plan.action == PlanAction::Restore;
    // After a restore the user holds nothing: compare against an empty user.
    let blank;
    let have: &ExistingUser = if restore {
        blank = ExistingUser {
            grants: vec![],
            skills: vec![],
            languages: vec![],
            queue_ids: vec![],
            licenses: vec![],
            external_ids: vec![],
            phone: None,
            extension: None,
            utilization: None,
            ..ExistingUser::clone(e)
        };
        &blank
    } else {
        e
    };
    let (patch, manager) = user_patch(d, have);
    let primary = match plan.action {
        PlanAction::Restore => Primary::SetState {
            state: UserState::Active,
            step: Step::RestoreUser,
            then: (!patch.is_empty()).then_some(patch),
        },
        PlanAction::Reactivate => Primary::SetState {
            state: UserState::Active,
            step: Step::ReactivateUser,
            then: (!patch.is_empty()).then_some(patch),
        },
        _ if patch.is_empty() => Primary::None,
        _ => Primary::Update(patch),
    };
    let grants: Vec<Grant> = if replace.roles {
        let mut want = d.grants.clone();
        want.sort();
        let mut got = have.grants.clone();
        got.sort();
        if want == got { vec![] } else { want }
    } else {
        d.grants
            .iter()
            .filter(|g| !have.grants.contains(g))
            .cloned()
            .collect()
    };
    let skills = if replace.skills {
        let missing = prof_missing(&d.skills, &have.skills);
        let extra = have
            .skills
            .iter()
            .any(|h| !d.skills.iter().any(|w| w.id == h.id));
        if missing.is_empty() && !extra {
            vec![]
        } else {
            d.skills.clone()
        }
    } else {
        prof_missing(&d.skills, &have.skills)
    };
    let languages = prof_missing(&d.languages, &have.languages);
    let languages_remove: Vec<Id> = if replace.languages {
        have.languages
            .iter()
            .filter(|h| !d.languages.iter().any(|w| w.id == h.id))
            .map(|h| h.id.clone())
            .collect()
    } else {
        vec![]
    };
    // A queue the user is in through a group is held: a direct add would be refused or
    // make it the user's own (contract §3, queues row).
    let queues_add: Vec<Id> = d
        .queue_ids
        .iter()
        .filter(|q| !have.queue_ids.contains(q) && !have.group_queue_ids.contains(q))
        .cloned()
        .collect();
    let queues_remove: Vec<Id> = if replace.queues {
        have.queue_ids
            .iter()
            .filter(|q| !d.queue_ids.contains(q))
            .cloned()
            .collect()
    } else {
        vec![]
    };
    let licenses = d
        .licenses
        .iter()
        .filter(|l| !have.licenses.iter().any(|h| h.eq_ignore_ascii_case(l)))
        .cloned()
        .collect();
    let external_id = d
        .external_id
        .as_ref()
        .is_some_and(|x| !have.external_ids.contains(x));
    // Unread (None) counts as different: the PUT lands on the same state either way.
    let utilization = match &have.utilization {
        Some(h) if crate::model::utilization_differing(&d.utilization, &h.media).is_empty() => {
            vec![]
        }
        _ => d.utilization.clone(),
    };
    // A restored user comes back in the home division; the engine checks the division
    // the restore reports and moves the user if needed.
    let division = (restore || e.division_id != d.division_id).then(|| d.division_id.clone());
    Some(RowWork {
        primary,
        manager,
        division,
        grants,
        skills,
        languages,
        languages_remove,
        queues_add,
        queues_remove,
        licenses,
        external_id,
        utilization,
        replace,
    })
}

/// Field differences for the user PATCH; a manager that is a row of this file is returned
/// separately (it can only be set once that row's user exists).
fn user_patch(d: &DesiredUser, e: &ExistingUser) -> (UserPatch, Option<ManagerRef>) {
    let mut p = UserPatch::default();
    if d.name.trim() != e.name.trim() {
        p.name = Some(d.name.to_string());
    }
    if !norm(&d.department).is_empty() && norm(&d.department) != norm(&e.department) {
        p.department = owned(&d.department);
    }
    if !norm(&d.title).is_empty() && norm(&d.title) != norm(&e.title) {
        p.title = owned(&d.title);
    }
    let mut manager = None;
    match &d.manager {
        Some(ManagerRef::UserId(id)) if e.manager_id.as_deref() != Some(&**id) => {
            p.manager_id = Some(id.to_string())
        }
        Some(ManagerRef::Row(n)) => manager = Some(ManagerRef::Row(*n)),
        _ => {}
    }
    let phone_differs = d.phone.is_some() && norm(&d.phone) != norm(&e.phone);
    let ext_differs = d.extension.is_some() && norm(&d.extension) != norm(&e.extension);
    if phone_differs || ext_differs {
        p.phone = Some(PhoneContacts {
            phone: owned(&d.phone).or_else(|| e.phone.clone()),
            extension: owned(&d.extension).or_else(|| e.extension.clone()),
            base: e.addresses.clone(),
            base_version: e.version,
        });
    }
    (p, manager)
}

/// Bulk groups: how many rows each call can carry.
pub const QUEUE_BATCH: usize = 100;
pub const GRANT_BATCH: usize = 100;
pub const DIVISION_BATCH: usize = 100;
pub const LICENSE_BATCH: usize = 100;
pub const VERIFY_BATCH: usize = 100;

/// A bulk call that several rows share.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    Division(Id),
    /// One role granted in a set of divisions.
    Role {
        role_id: Id,
        divisions: Vec<Id>,
    },
    QueueAdd(Id),
    QueueRemove(Id),
    Licenses,
    Verify,
}

impl GroupKey {
    pub fn capacity(&self) -> usize {
        match self {
            GroupKey::Division(_) => DIVISION_BATCH,
            GroupKey::Role { .. } => GRANT_BATCH,
            GroupKey::QueueAdd(_) | GroupKey::QueueRemove(_) => QUEUE_BATCH,
            GroupKey::Licenses => LICENSE_BATCH,
            GroupKey::Verify => VERIFY_BATCH,
        }
    }

    pub fn step(&self) -> Step {
        match self {
            GroupKey::Division(_) => Step::Division,
            GroupKey::Role { .. } => Step::Roles,
            GroupKey::QueueAdd(_) | GroupKey::QueueRemove(_) => Step::Queues,
            GroupKey::Licenses => Step::Licenses,
            GroupKey::Verify => Step::Verify,
        }
    }
}

/// Role grants grouped so each (role, divisions) pair is one call for many users. With
/// `replace.roles` the grants are set per user instead (bulkreplace), not grouped.
pub fn grant_groups(grants: &[Grant]) -> Vec<GroupKey> {
    let mut by_role: BTreeMap<&Id, Vec<Id>> = BTreeMap::new();
    for g in grants {
        by_role
            .entry(&g.role_id)
            .or_default()
            .push(Id::clone(&g.division_id));
    }
    by_role
        .into_iter()
        .map(|(role, mut divisions)| {
            divisions.sort();
            divisions.dedup();
            GroupKey::Role {
                role_id: Id::clone(role),
                divisions,
            }
        })
        .collect()
}

/// The groups a row joins once its user exists (the division group is decided then).
pub fn groups_for(work: &RowWork) -> Vec<GroupKey> {
    let mut g = Vec::new();
    if !work.replace.roles {
        g.extend(grant_groups(&work.grants));
    }
    g.extend(
        work.queues_add
            .iter()
            .map(|q| GroupKey::QueueAdd(q.clone())),
    );
    g.extend(
        work.queues_remove
            .iter()
            .map(|q| GroupKey::QueueRemove(q.clone())),
    );
    if !work.licenses.is_empty() {
        g.push(GroupKey::Licenses);
    }
    g
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::engine::estimate::estimate_requests;
    use crate::model::ExternalId;

    pub(crate) fn desired() -> DesiredUser {
        DesiredUser {
            email: "a@x.com".into(),
            name: "Ada".into(),
            division_id: "d1".into(),
            department: Some("Support".into()),
            title: None,
            manager: None,
            grants: vec![Grant {
                role_id: "agent".into(),
                division_id: "d1".into(),
            }],
            skills: vec![
                Proficiency {
                    id: "s1".into(),
                    proficiency: 3.0,
                },
                Proficiency {
                    id: "s2".into(),
                    proficiency: 2.0,
                },
            ],
            languages: vec![Proficiency {
                id: "l1".into(),
                proficiency: 5.0,
            }],
            queue_ids: vec!["q1".into(), "q2".into(), "q3".into()],
            phone: None,
            extension: None,
            licenses: vec![],
            external_id: Some(ExternalId {
                authority: "workday".into(),
                key: "E1".into(),
            }),
            utilization: vec![],
        }
    }

    pub(crate) fn existing_from(d: &DesiredUser) -> ExistingUser {
        ExistingUser {
            id: "u1".into(),
            name: d.name.to_string(),
            email: d.email.to_string(),
            state: UserState::Active,
            version: 3,
            division_id: d.division_id.clone(),
            department: d.department.as_ref().map(|s| s.to_string()),
            title: None,
            manager_id: None,
            phone: None,
            extension: None,
            grants: d.grants.clone(),
            skills: d.skills.clone(),
            languages: d.languages.clone(),
            queue_ids: d.queue_ids.clone(),
            group_queue_ids: vec![],
            licenses: vec![],
            external_ids: d.external_id.clone().into_iter().collect(),
            addresses: vec![],
            utilization: None,
        }
    }

    pub(crate) fn plan(action: PlanAction, existing: Option<ExistingUser>) -> RowPlan {
        RowPlan {
            row: 1,
            line: 2,
            email: "a@x.com".into(),
            identity: "email:a@x.com".into(),
            action,
            existing: existing.map(std::sync::Arc::new),
            desired: Some(Box::new(desired())),
            diff: vec![],
        }
    }

    #[test]
    fn create_needs_every_step_and_estimate_meets_the_floor() {
        let p = plan(PlanAction::Create, None);
        let w = work_for(&p, Replace::default()).unwrap();
        assert_eq!(
            w.steps(p.desired.as_deref()),
            vec![
                Step::CreateUser,
                Step::Roles,
                Step::Skills,
                Step::Languages,
                Step::Queues,
                Step::ExternalId,
                Step::Verify
            ]
        );
        // 200 identical creates: 4 per user + bulk grants/queues/verify shared.
        let plans: Vec<RowPlan> = (0..200).map(|_| p.clone()).collect();
        let est = estimate_requests(&plans, Replace::default());
        assert_eq!(est, 200 * 4 + 2 + 3 * 2 + 2);
        assert!((est as f64 / 200.0) <= 4.2);
    }

    #[test]
    fn update_is_only_the_difference_and_merge_never_removes() {
        let d = desired();
        let mut e = existing_from(&d);
        // The user has an extra skill and queue the list does not name: merge keeps them.
        e.skills.push(Proficiency {
            id: "s9".into(),
            proficiency: 1.0,
        });
        e.queue_ids.push("q9".into());
        // One skill at another proficiency, one queue missing.
        e.skills[0].proficiency = 1.0;
        e.queue_ids.retain(|q| &**q != "q3");
        let w = work_for(
            &plan(PlanAction::Update, Some(e.clone())),
            Replace::default(),
        )
        .unwrap();
        assert_eq!(w.primary, Primary::None);
        assert_eq!(w.skills.len(), 1);
        assert_eq!(w.skills[0].id, "s1".into());
        assert_eq!(w.queues_add, vec![Id::from("q3")]);
        assert!(w.queues_remove.is_empty());
        assert!(w.grants.is_empty() && w.languages.is_empty() && !w.external_id);

        let r = Replace::parse("queues,skills").unwrap();
        let w = work_for(&plan(PlanAction::Update, Some(e)), r).unwrap();
        assert_eq!(w.queues_remove, vec![Id::from("q9")]);
        assert_eq!(w.skills.len(), 2, "replace sends the whole desired set");
    }

    #[test]
    fn replace_languages_removes_each_extra_and_merge_keeps_it() {
        let d = desired();
        let mut e = existing_from(&d);
        e.languages.push(Proficiency {
            id: "l9".into(),
            proficiency: 3.0,
        });
        let plan = plan(PlanAction::Update, Some(e));
        let merged = work_for(&plan, Replace::default()).unwrap();
        assert!(merged.languages_remove.is_empty());
        assert!(!merged.steps(None).contains(&Step::Languages));
        let mirrored = work_for(&plan, Replace::parse("languages").unwrap()).unwrap();
        assert_eq!(mirrored.languages_remove, vec![Id::from("l9")]);
        assert!(
            mirrored.languages.is_empty(),
            "the wanted ones are there already"
        );
        assert!(mirrored.steps(None).contains(&Step::Languages));
    }

    #[test]
    fn unchanged_fields_make_no_patch_and_changed_ones_do() {
        let d = desired();
        let mut e = existing_from(&d);
        let w = work_for(
            &plan(PlanAction::Update, Some(e.clone())),
            Replace::default(),
        )
        .unwrap();
        assert!(w.is_empty());
        e.name = "Ada L".into();
        let w = work_for(&plan(PlanAction::Update, Some(e)), Replace::default()).unwrap();
        match w.primary {
            Primary::Update(p) => assert_eq!(p.name.as_deref(), Some("Ada")),
            other => panic!("expected an update, got {other:?}"),
        }
    }

    #[test]
    fn restore_reapplies_everything_and_checks_division() {
        let d = desired();
        let mut e = existing_from(&d);
        e.state = UserState::Deleted;
        let w = work_for(&plan(PlanAction::Restore, Some(e)), Replace::default()).unwrap();
        assert!(matches!(
            w.primary,
            Primary::SetState {
                step: Step::RestoreUser,
                ..
            }
        ));
        assert_eq!(w.grants.len(), 1);
        assert_eq!(w.skills.len(), 2);
        assert_eq!(w.queues_add.len(), 3);
        assert_eq!(w.division.as_deref(), Some("d1"));
    }

    #[test]
    fn replace_parse_rejects_unknown_groups() {
        assert!(Replace::parse("roles,bogus").is_err());
        assert!(Replace::parse("all").unwrap().queues);
    }
}
