//! The request estimate: how many API requests a plan costs when nothing fails — the plan
//! screen's figure and the run's ETA. Counted from the same work definition the scheduler
//! runs ([`super::steps`]), so the two never disagree; [`Estimator`] keeps the figure current
//! while the TUI edits rows.

use super::steps::{GroupKey, Primary, Replace, VERIFY_BATCH, groups_for, work_for};
use crate::model::{Id, PlanAction, RowPlan, Step};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

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
        + u64::from(!d.utilization.is_empty())
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
        + w.languages_remove.len() as u64
        + u64::from(w.external_id)
        + u64::from(!w.utilization.is_empty())
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
    let mut groups: std::collections::BTreeMap<GroupKey, usize> = Default::default();
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
    use crate::engine::steps::tests::{desired, existing_from, plan};
    use crate::model::{Grant, ManagerRef, UserState};

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
}
