//! From a row's plan to the work it needs: its primary write, its per-user steps, and the
//! bulk groups it joins. Pure: the scheduler and the request estimate both use it, so the
//! plan screen's estimate and the engine can never disagree.

use crate::model::{
    DesiredUser, ExistingUser, Grant, Id, ManagerRef, PlanAction, Proficiency, RowPlan, Step, Text,
    UserState,
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhoneContacts {
    pub phone: Option<String>,
    pub extension: Option<String>,
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
    pub queues_add: Vec<Id>,
    pub queues_remove: Vec<Id>,
    pub licenses: Vec<Id>,
    pub external_id: bool,
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
        if !self.languages.is_empty() {
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
        if !s.is_empty() {
            s.push(Step::Verify);
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.steps(None).is_empty()
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
        queues_remove: vec![],
        licenses: vec![],
        external_id: false,
        replace,
    };
    match plan.action {
        PlanAction::Skipped | PlanAction::Blocked | PlanAction::Unchanged => None,
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
                queues_remove: vec![],
                licenses: d.licenses.clone(),
                external_id: d.external_id.is_some(),
                replace,
            })
        }
        PlanAction::Update | PlanAction::Restore | PlanAction::Reactivate => {
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
            let queues_add: Vec<Id> = d
                .queue_ids
                .iter()
                .filter(|q| !have.queue_ids.contains(q))
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
            // A restored user comes back in the home division; the engine checks the division
            // the restore reports and moves the user if needed.
            let division =
                (restore || e.division_id != d.division_id).then(|| d.division_id.clone());
            Some(RowWork {
                primary,
                manager,
                division,
                grants,
                skills,
                languages,
                queues_add,
                queues_remove,
                licenses,
                external_id,
                replace,
            })
        }
    }
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

/// A bulk group named by borrowed ids (the estimate counts without cloning).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum GroupRef<'a> {
    Division(&'a str),
    Role(&'a str, Vec<&'a str>),
    QueueAdd(&'a str),
    QueueRemove(&'a str),
    Licenses,
}

impl GroupRef<'_> {
    fn capacity(&self) -> usize {
        match self {
            GroupRef::Division(_) => DIVISION_BATCH,
            GroupRef::Role(..) => GRANT_BATCH,
            GroupRef::QueueAdd(_) | GroupRef::QueueRemove(_) => QUEUE_BATCH,
            GroupRef::Licenses => LICENSE_BATCH,
        }
    }

    fn of(key: &GroupKey) -> Option<GroupRef<'_>> {
        Some(match key {
            GroupKey::Division(d) => GroupRef::Division(d),
            GroupKey::Role { role_id, divisions } => {
                GroupRef::Role(role_id, divisions.iter().map(|d| &**d).collect())
            }
            GroupKey::QueueAdd(q) => GroupRef::QueueAdd(q),
            GroupKey::QueueRemove(q) => GroupRef::QueueRemove(q),
            GroupKey::Licenses => GroupRef::Licenses,
            GroupKey::Verify => return None,
        })
    }
}

/// Requests the plan will cost when nothing fails: per-user calls plus bulk calls divided
/// across the rows that share them. The plan screen and `apply`'s confirmation show it.
/// Creates (the bulk of a big list) are counted straight from the desired state without
/// building their work; the test `fast_estimate_equals_the_work_based_count` keeps the two
/// ways equal.
pub fn estimate_requests(plans: &[RowPlan], replace: Replace) -> u64 {
    let mut per_user = 0u64;
    let mut owned: BTreeMap<GroupKey, usize> = BTreeMap::new();
    let mut verify = 0usize;
    let mut groups: std::collections::HashMap<GroupRef<'_>, usize> = Default::default();
    for p in plans {
        if let (PlanAction::Create, Some(d)) = (p.action, p.desired.as_deref()) {
            per_user += 1
                + u64::from(d.manager.is_some())
                + u64::from(!d.skills.is_empty())
                + u64::from(!d.languages.is_empty())
                + u64::from(d.external_id.is_some())
                + u64::from(replace.roles && !d.grants.is_empty());
            if !replace.roles {
                let mut roles: Vec<(&str, Vec<&str>)> = Vec::new();
                for g in &d.grants {
                    match roles.iter_mut().find(|(r, _)| *r == &*g.role_id) {
                        Some((_, divs)) => divs.push(&g.division_id),
                        None => roles.push((&g.role_id, vec![&g.division_id])),
                    }
                }
                for (role, mut divs) in roles {
                    divs.sort_unstable();
                    divs.dedup();
                    *groups.entry(GroupRef::Role(role, divs)).or_default() += 1;
                }
            }
            for q in &d.queue_ids {
                *groups.entry(GroupRef::QueueAdd(q)).or_default() += 1;
            }
            if !d.licenses.is_empty() {
                *groups.entry(GroupRef::Licenses).or_default() += 1;
            }
            verify += 1;
            continue;
        }
        count_work(p, replace, &mut per_user, &mut owned, &mut verify);
    }
    for (k, n) in &owned {
        if let Some(r) = GroupRef::of(k) {
            *groups.entry(r).or_default() += n;
        }
    }
    let bulk: u64 = groups
        .iter()
        .map(|(k, n)| n.div_ceil(k.capacity()) as u64)
        .sum();
    per_user + bulk + verify.div_ceil(VERIFY_BATCH) as u64
}

/// Counts one row's requests from its work: per-user calls into `per_user`, bulk groups into
/// `groups`, and whether it is read back into `verify`.
fn count_work(
    p: &RowPlan,
    replace: Replace,
    per_user: &mut u64,
    groups: &mut BTreeMap<GroupKey, usize>,
    verify: &mut usize,
) {
    let Some(w) = work_for(p, replace) else {
        return;
    };
    *per_user += match &w.primary {
        Primary::Create | Primary::Update(_) | Primary::Deactivate => 1,
        Primary::SetState { then, .. } => 1 + u64::from(then.is_some()),
        Primary::None => 0,
    };
    *per_user += u64::from(w.manager.is_some())
        + u64::from(!w.skills.is_empty())
        + u64::from(!w.languages.is_empty())
        + u64::from(w.external_id)
        + u64::from(w.replace.roles && !w.grants.is_empty());
    if let Some(d) = &w.division {
        *groups.entry(GroupKey::Division(d.clone())).or_default() += 1;
    }
    for g in groups_for(&w) {
        *groups.entry(g).or_default() += 1;
    }
    if w.steps(p.desired.as_deref()).contains(&Step::Verify) {
        *verify += 1;
    }
}

/// The estimate the slow, obvious way (every row's work built): the reference the fast
/// path is tested against.
#[cfg(test)]
fn estimate_by_work(plans: &[RowPlan], replace: Replace) -> u64 {
    let mut per_user = 0u64;
    let mut groups: BTreeMap<GroupKey, usize> = BTreeMap::new();
    let mut verify = 0usize;
    for p in plans {
        count_work(p, replace, &mut per_user, &mut groups, &mut verify);
    }
    let bulk: u64 = groups
        .iter()
        .map(|(k, n)| n.div_ceil(k.capacity()) as u64)
        .sum();
    per_user + bulk + verify.div_ceil(VERIFY_BATCH) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ExternalId;

    fn desired() -> DesiredUser {
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
        }
    }

    fn existing_from(d: &DesiredUser) -> ExistingUser {
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
            licenses: vec![],
            external_ids: d.external_id.clone().into_iter().collect(),
        }
    }

    fn plan(action: PlanAction, existing: Option<ExistingUser>) -> RowPlan {
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
    fn fast_estimate_equals_the_work_based_count() {
        let d = desired();
        let mut plans = Vec::new();
        for i in 0..250 {
            let mut p = plan(PlanAction::Create, None);
            let mut dd = d.clone();
            dd.queue_ids.truncate(i % 4);
            if i % 3 == 0 {
                dd.grants.push(Grant {
                    role_id: "agent".into(),
                    division_id: format!("d{}", i % 5).into(),
                });
                dd.licenses = vec!["wem".into()];
            }
            if i % 7 == 0 {
                dd.manager = Some(ManagerRef::Row(1));
                dd.skills.clear();
            }
            p.desired = Some(Box::new(dd));
            plans.push(p);
        }
        let mut e = existing_from(&d);
        e.queue_ids.clear();
        e.division_id = "d9".into();
        for _ in 0..120 {
            plans.push(plan(PlanAction::Update, Some(e.clone())));
        }
        let mut gone = existing_from(&d);
        gone.state = UserState::Deleted;
        plans.push(plan(PlanAction::Restore, Some(gone)));
        plans.push(plan(PlanAction::Deactivate, Some(existing_from(&d))));
        for replace in [Replace::default(), Replace::parse("all").unwrap()] {
            assert_eq!(
                estimate_requests(&plans, replace),
                estimate_by_work(&plans, replace)
            );
        }
    }

    #[test]
    fn replace_parse_rejects_unknown_groups() {
        assert!(Replace::parse("roles,bogus").is_err());
        assert!(Replace::parse("all").unwrap().queues);
    }
}
