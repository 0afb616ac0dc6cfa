//! From a row's plan to the work it needs: its primary write, its per-user steps, and the
//! bulk groups it joins. Pure: the scheduler and the request estimate both use it, so the
//! plan screen's estimate and the engine can never disagree.

use crate::model::{
    DesiredUser, ExistingUser, Grant, Id, ManagerRef, PlanAction, Proficiency, RawContact, RowPlan,
    Step, Text, UserState,
};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};

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
/// contact must go back with it unchanged (genesys-api.md §11.4).
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
                queues_remove: vec![],
                licenses: d.licenses.clone(),
                external_id: d.external_id.is_some(),
                replace,
            })
        }
        // Update, restore, reactivate: the writing actions left.
        _ => {
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

    /// Whether this names the group `key`.
    fn is(&self, key: &GroupKey) -> bool {
        match (self, key) {
            (GroupRef::Division(a), GroupKey::Division(b))
            | (GroupRef::QueueAdd(a), GroupKey::QueueAdd(b))
            | (GroupRef::QueueRemove(a), GroupKey::QueueRemove(b)) => **a == **b,
            (GroupRef::Role(r, ds), GroupKey::Role { role_id, divisions }) => {
                **r == **role_id
                    && ds.len() == divisions.len()
                    && ds.iter().zip(divisions).all(|(a, b)| **a == **b)
            }
            (GroupRef::Licenses, GroupKey::Licenses) => true,
            _ => false,
        }
    }

    fn to_key(&self) -> GroupKey {
        match self {
            GroupRef::Division(d) => GroupKey::Division(Id::from(*d)),
            GroupRef::Role(r, ds) => GroupKey::Role {
                role_id: Id::from(*r),
                divisions: ds.iter().map(|d| Id::from(*d)).collect(),
            },
            GroupRef::QueueAdd(q) => GroupKey::QueueAdd(Id::from(*q)),
            GroupRef::QueueRemove(q) => GroupKey::QueueRemove(Id::from(*q)),
            GroupRef::Licenses => GroupKey::Licenses,
        }
    }
}

/// One row's requests when nothing fails: returns its per-user calls and whether it is read
/// back (Verify), and passes each bulk group it joins to `join` (once per membership).
/// Creates (the bulk of a big list) are counted straight from the desired state without
/// building their work; every other row from its work. The test
/// `fast_estimate_equals_the_work_based_count` keeps the two ways equal. This is the one
/// definition of the estimate: [`estimate_requests`] and [`Estimator`] both sum it.
fn row_requests(p: &RowPlan, replace: Replace, join: &mut impl FnMut(GroupRef<'_>)) -> (u64, bool) {
    let (PlanAction::Create, Some(d)) = (p.action, p.desired.as_deref()) else {
        return work_requests(p, replace, join);
    };
    let per_user = 1
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
            join(GroupRef::Role(role, divs));
        }
    }
    for q in &d.queue_ids {
        join(GroupRef::QueueAdd(q));
    }
    if !d.licenses.is_empty() {
        join(GroupRef::Licenses);
    }
    (per_user, true)
}

/// [`row_requests`] the slow, obvious way: from the row's work.
fn work_requests(
    p: &RowPlan,
    replace: Replace,
    join: &mut impl FnMut(GroupRef<'_>),
) -> (u64, bool) {
    let Some(w) = work_for(p, replace) else {
        return (0, false);
    };
    let primary = match &w.primary {
        Primary::Create | Primary::Update(_) | Primary::Deactivate => 1,
        Primary::SetState { then, .. } => 1 + u64::from(then.is_some()),
        Primary::None => 0,
    };
    let per_user = primary
        + u64::from(w.manager.is_some())
        + u64::from(!w.skills.is_empty())
        + u64::from(!w.languages.is_empty())
        + u64::from(w.external_id)
        + u64::from(w.replace.roles && !w.grants.is_empty());
    if let Some(d) = &w.division {
        join(GroupRef::Division(d));
    }
    for g in groups_for(&w) {
        if let Some(r) = GroupRef::of(&g) {
            join(r);
        }
    }
    (
        per_user,
        w.steps(p.desired.as_deref()).contains(&Step::Verify),
    )
}

/// The running sums of the estimate: per-user calls, rows read back, and members per bulk
/// group. Groups get dense ids (never freed: an edit adds at most a few), found by the hash
/// of their borrowed name, so counting a row clones nothing.
#[derive(Debug, Clone, Default)]
struct Tally {
    per_user: u64,
    verify: usize,
    hasher: RandomState,
    /// Group ids by the hash of the group.
    by_hash: HashMap<u64, Vec<usize>>,
    /// Per dense group id: the group, and the rows in it now.
    keys: Vec<GroupKey>,
    members: Vec<usize>,
}

impl Tally {
    /// The dense id of `g`, making one if it is new.
    fn id(&mut self, g: &GroupRef<'_>) -> usize {
        let ids = self.by_hash.entry(self.hasher.hash_one(g)).or_default();
        let keys = &mut self.keys;
        if let Some(id) = ids
            .iter()
            .copied()
            .find(|id| keys.get(*id).is_some_and(|k| g.is(k)))
        {
            return id;
        }
        let id = keys.len();
        ids.push(id);
        keys.push(g.to_key());
        self.members.push(0);
        id
    }

    /// Adds row `p`: returns its share, with the ids of the groups it joined in `joined`.
    fn add(&mut self, p: &RowPlan, replace: Replace, joined: &mut Vec<usize>) -> (u64, bool) {
        joined.clear();
        let (per_user, verify) = row_requests(p, replace, &mut |g| {
            let id = self.id(&g);
            if let Some(m) = self.members.get_mut(id) {
                *m += 1;
            }
            joined.push(id);
        });
        self.per_user += per_user;
        self.verify += usize::from(verify);
        (per_user, verify)
    }

    /// Takes a row's share out again.
    fn remove(&mut self, share: &Share) {
        self.per_user = self.per_user.saturating_sub(share.per_user);
        self.verify = self.verify.saturating_sub(usize::from(share.verify));
        for id in &share.groups {
            if let Some(m) = self.members.get_mut(*id) {
                *m = m.saturating_sub(1);
            }
        }
    }

    /// Per-user calls + one call per started batch of each group + the read-backs.
    fn total(&self) -> u64 {
        let bulk: u64 = self
            .members
            .iter()
            .zip(&self.keys)
            .map(|(n, k)| n.div_ceil(k.capacity()) as u64)
            .sum();
        self.per_user + bulk + self.verify.div_ceil(VERIFY_BATCH) as u64
    }
}

/// One row's part of an [`Estimator`]'s sums.
#[derive(Debug, Clone, Default)]
struct Share {
    per_user: u64,
    verify: bool,
    /// Dense ids of the groups it joins (a group may repeat).
    groups: Box<[usize]>,
}

/// Requests the plan will cost when nothing fails: per-user calls plus bulk calls divided
/// across the rows that share them. The plan screen and `apply`'s confirmation show it.
pub fn estimate_requests(plans: &[RowPlan], replace: Replace) -> u64 {
    let mut tally = Tally::default();
    let mut joined = Vec::new();
    for p in plans {
        tally.add(p, replace, &mut joined);
    }
    tally.total()
}

/// [`estimate_requests`] kept up to date as rows change: it holds each row's share (per-user
/// calls, the bulk groups it joins, whether it is read back) and the running sums, so a
/// changed row costs the work of that row and [`Estimator::total`] is O(groups). Its total
/// always equals `estimate_requests` over the same plan rows.
#[derive(Debug, Clone, Default)]
pub struct Estimator {
    replace: Replace,
    tally: Tally,
    rows: Vec<Share>,
}

impl Estimator {
    /// Counts every row of `plans` (indexed like them).
    pub fn new(plans: &[RowPlan], replace: Replace) -> Estimator {
        let mut e = Estimator {
            replace,
            tally: Tally::default(),
            rows: Vec::with_capacity(plans.len()),
        };
        let mut joined = Vec::new();
        for p in plans {
            let (per_user, verify) = e.tally.add(p, replace, &mut joined);
            e.rows.push(Share {
                per_user,
                verify,
                groups: joined.as_slice().into(),
            });
        }
        e
    }

    /// Row `index` now plans `plan`: its old share is taken out and the new one counted. An
    /// index past the end extends the rows (the rows between count nothing).
    pub fn update(&mut self, index: usize, plan: &RowPlan) {
        if index >= self.rows.len() {
            self.rows.resize_with(index + 1, Share::default);
        }
        if let Some(old) = self.rows.get(index) {
            let old = old.clone();
            self.tally.remove(&old);
        }
        let mut joined = Vec::new();
        let (per_user, verify) = self.tally.add(plan, self.replace, &mut joined);
        if let Some(row) = self.rows.get_mut(index) {
            *row = Share {
                per_user,
                verify,
                groups: joined.into_boxed_slice(),
            };
        }
    }

    /// Rows counted.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The estimate of all rows as they are now.
    pub fn total(&self) -> u64 {
        self.tally.total()
    }
}

/// The estimate the slow, obvious way (every row's work built, groups by owned key): the
/// reference the fast path and the [`Estimator`] are tested against.
#[cfg(test)]
fn estimate_by_work(plans: &[RowPlan], replace: Replace) -> u64 {
    let mut per_user = 0u64;
    let mut groups: BTreeMap<GroupKey, usize> = BTreeMap::new();
    let mut verify = 0usize;
    for p in plans {
        let (u, v) = work_requests(p, replace, &mut |g| {
            let key = match g {
                GroupRef::Division(d) => GroupKey::Division(d.into()),
                GroupRef::Role(r, divs) => GroupKey::Role {
                    role_id: r.into(),
                    divisions: divs.into_iter().map(Id::from).collect(),
                },
                GroupRef::QueueAdd(q) => GroupKey::QueueAdd(q.into()),
                GroupRef::QueueRemove(q) => GroupKey::QueueRemove(q.into()),
                GroupRef::Licenses => GroupKey::Licenses,
            };
            *groups.entry(key).or_default() += 1;
        });
        per_user += u;
        verify += usize::from(v);
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
            addresses: vec![],
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

    /// A realistic row plan from 64 bits: any action, grants over a few roles and divisions,
    /// queues (repeats included), optional skills/languages/manager/licences/external id,
    /// and an existing user that differs from the desired one in a few ways (or is absent).
    fn plan_from(bits: u64) -> RowPlan {
        let b = |shift: u32, n: u64| ((bits >> shift) % n) as usize;
        let actions = [
            PlanAction::Create,
            PlanAction::Update,
            PlanAction::Restore,
            PlanAction::Reactivate,
            PlanAction::Deactivate,
            PlanAction::Unchanged,
            PlanAction::Skipped,
            PlanAction::Blocked,
            PlanAction::Create,
            PlanAction::Update,
        ];
        let mut d = desired();
        d.division_id = format!("d{}", b(4, 3)).into();
        d.grants = (0..b(6, 4))
            .map(|k| Grant {
                role_id: format!("r{}", b(8 + 2 * k as u32, 3)).into(),
                division_id: format!("d{}", b(14 + 2 * k as u32, 3)).into(),
            })
            .collect();
        d.queue_ids = (0..b(20, 4))
            .map(|k| Id::from(format!("q{}", b(22 + 2 * k as u32, 4))))
            .collect();
        if b(30, 2) == 0 {
            d.skills.clear();
        }
        if b(31, 2) == 0 {
            d.languages.clear();
        }
        d.manager = match b(32, 3) {
            0 => None,
            1 => Some(ManagerRef::UserId("m1".into())),
            _ => Some(ManagerRef::Row(2)),
        };
        if b(34, 2) == 1 {
            d.licenses = vec!["wem".into()];
        }
        if b(35, 2) == 0 {
            d.external_id = None;
        }
        if b(36, 2) == 0 {
            d.name = "Ada B".into();
        }
        let mut e = existing_from(&d);
        if b(37, 2) == 0 {
            e.grants.clear();
        }
        match b(38, 3) {
            0 => e.queue_ids.clear(),
            1 => e.queue_ids.push("q9".into()),
            _ => {}
        }
        if b(40, 2) == 0 {
            e.division_id = "d9".into();
        }
        if b(41, 2) == 0 {
            e.skills.clear();
        }
        if b(42, 2) == 0 {
            e.external_ids.clear();
        }
        if b(43, 2) == 0 {
            e.name = "Old".into();
        }
        if b(44, 2) == 0 {
            e.licenses = vec!["WEM".into()];
        }
        e.state = match b(45, 3) {
            0 => UserState::Deleted,
            1 => UserState::Inactive,
            _ => UserState::Active,
        };
        RowPlan {
            row: 1,
            line: 2,
            email: "a@x.com".into(),
            identity: "email:a@x.com".into(),
            action: actions[b(0, actions.len() as u64)],
            existing: (b(47, 5) != 0).then_some(e.into()),
            desired: (b(50, 8) != 0).then_some(Box::new(d)),
            diff: vec![],
        }
    }

    fn replace_of(mode: u8) -> Replace {
        Replace {
            roles: mode & 1 != 0,
            skills: mode & 2 != 0,
            languages: mode & 4 != 0,
            queues: mode & 8 != 0,
        }
    }

    #[test]
    fn estimator_follows_changes_across_batch_boundaries() {
        // 101 identical creates: every shared group needs two calls; one skip brings each
        // back to one.
        let p = plan(PlanAction::Create, None);
        let mut plans: Vec<RowPlan> = (0..101).map(|_| p.clone()).collect();
        let mut est = Estimator::new(&plans, Replace::default());
        assert_eq!(est.total(), 101 * 4 + 2 + 3 * 2 + 2);
        assert_eq!(est.total(), estimate_requests(&plans, Replace::default()));
        let skipped = plan(PlanAction::Skipped, None);
        est.update(7, &skipped);
        plans[7] = skipped;
        assert_eq!(est.total(), 100 * 4 + 1 + 3 + 1);
        assert_eq!(est.total(), estimate_requests(&plans, Replace::default()));
        // Back again (an undo), then one row appended past the end.
        est.update(7, &p);
        plans[7] = p.clone();
        assert_eq!(est.total(), 101 * 4 + 2 + 3 * 2 + 2);
        est.update(101, &p);
        plans.push(p);
        assert_eq!(est.len(), 102);
        assert_eq!(est.total(), estimate_requests(&plans, Replace::default()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 48,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x6e57),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// Any plan (rows cycle through a few specs, so groups cross the batch size), any
        /// replace mode, then single-row changes, appends and restores through `update`: the
        /// estimator's total is the one-shot estimate of the whole plan after every step.
        #[test]
        fn estimator_total_equals_the_one_shot_estimate(
            specs in proptest::collection::vec(proptest::prelude::any::<u64>(), 1..6),
            rows in 0usize..260,
            changes in proptest::collection::vec(
                (proptest::prelude::any::<usize>(), proptest::prelude::any::<u64>()),
                1..25,
            ),
            mode in 0u8..16,
        ) {
            let replace = replace_of(mode);
            let initial: Vec<RowPlan> =
                (0..rows).map(|i| plan_from(specs[i % specs.len()])).collect();
            let mut plans = initial.clone();
            let mut est = Estimator::new(&plans, replace);
            let start = estimate_requests(&plans, replace);
            proptest::prop_assert_eq!(start, estimate_by_work(&plans, replace));
            proptest::prop_assert_eq!(est.total(), start);
            for (at, bits) in changes {
                let i = at % (plans.len() + 1);
                let p = plan_from(bits);
                est.update(i, &p);
                if i == plans.len() {
                    plans.push(p);
                } else {
                    plans[i] = p;
                }
                proptest::prop_assert_eq!(est.total(), estimate_requests(&plans, replace));
            }
            proptest::prop_assert_eq!(est.len(), plans.len());
            proptest::prop_assert_eq!(est.total(), estimate_by_work(&plans, replace));
            // Undo every change and skip the appended rows: the starting total again.
            for (i, p) in initial.iter().enumerate() {
                est.update(i, p);
            }
            for i in initial.len()..est.len() {
                est.update(i, &plan(PlanAction::Skipped, None));
            }
            proptest::prop_assert_eq!(est.total(), start);
        }
    }

    #[test]
    fn replace_parse_rejects_unknown_groups() {
        assert!(Replace::parse("roles,bogus").is_err());
        assert!(Replace::parse("all").unwrap().queues);
    }
}
