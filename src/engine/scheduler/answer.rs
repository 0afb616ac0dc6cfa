//! Applying a job's answer: a row's state moves on, bulk groups fill and flush, a failed bulk
//! call is split, rows finish; every outcome is journaled before it is reported.

use super::report::{bisectable, row_report};
use super::via_group::{VIA_GROUP_NOTE, ViaGroup, split_via_group, via_group_refusal};
use super::{Effect, Phase, Scheduler, Write};
use crate::engine::jobs::{Done, GroupResult};
use crate::engine::journal::{Record, RecordStatus};
use crate::engine::ops::UserRef;
use crate::engine::results::{failed, merge_step, ok};
use crate::engine::steps::{GroupKey, Primary, grant_groups, groups_for};
use crate::model::{EngineEvent, Outcome, Step, StepResult, StepStatus};
use std::collections::VecDeque;

impl Scheduler {
    pub(super) fn apply(&mut self, done: Done) {
        match done {
            Done::Primary { idx, results, user } => self.primary_answered(idx, results, user),
            Done::UserStep {
                idx,
                result,
                version,
            } => {
                let uid = self.rows[idx].user_id.clone();
                let row = &mut self.rows[idx];
                row.busy = false;
                if let Some(v) = version {
                    row.version = Some(v);
                }
                if result.status != StepStatus::Ok {
                    row.failed = true;
                }
                self.record(idx, result, uid);
                self.ready_steps.push_back(idx);
                self.maybe_finish_work(idx);
            }
            Done::Group {
                key,
                members,
                result,
            } => self.group_done(key, members, result),
        }
    }

    fn primary_answered(
        &mut self,
        idx: usize,
        results: Vec<crate::model::StepResult>,
        user: Option<UserRef>,
    ) {
        for r in &results {
            self.record(idx, r.clone(), user.as_ref().map(|u| u.id.clone()));
        }
        let ok = user.is_some() && results.iter().all(|r| r.status == StepStatus::Ok);
        match user {
            Some(u) if ok => {
                let row = &mut self.rows[idx];
                row.user_id = Some(u.id.clone());
                row.version = Some(u.version);
                row.phase = Phase::Working;
                let waiters = std::mem::take(&mut row.manager_waiters);
                self.ready_steps.extend(waiters);
                self.enter_working(idx, &u);
                self.maybe_finish_work(idx);
            }
            _ => {
                self.rows[idx].failed = true;
                let waiters = std::mem::take(&mut self.rows[idx].manager_waiters);
                self.abandon(idx);
                self.ready_steps.extend(waiters);
                self.finish(idx);
            }
        }
    }

    fn group_done(&mut self, key: GroupKey, members: Vec<usize>, result: GroupResult) {
        let step = key.step();
        match result {
            GroupResult::All(Err(e)) if via_group_refusal(&key, &e).is_some() => {
                let named = via_group_refusal(&key, &e).unwrap_or_default();
                self.via_group(key, members, &named);
            }
            GroupResult::All(Err(e)) if members.len() > 1 && bisectable(&e) => {
                // One member may be the cause (a queue's limit, a bad id): split the call so
                // the others still go through and the cause fails alone.
                let mid = members.len() / 2;
                self.ready_groups
                    .push_front((key.clone(), members[mid..].to_vec()));
                self.ready_groups
                    .push_front((key.clone(), members[..mid].to_vec()));
            }
            GroupResult::All(res) => {
                for idx in members {
                    let r = match &res {
                        Ok(()) => ok(step),
                        Err(e) => e.step_result(step),
                    };
                    self.group_answered(idx, &key, r);
                }
            }
            GroupResult::Each(each) => {
                for (idx, res) in members.into_iter().zip(each) {
                    let r = match res {
                        Ok(()) => ok(step),
                        Err(msg) => failed(step, msg),
                    };
                    self.group_answered(idx, &key, r);
                }
            }
        }
    }

    /// A queue add refused because some members are already in the queue through a group:
    /// those are done (they hold the queue), the rest of the batch is sent again. When the
    /// answer names nobody of the batch, the batch is split like any refused bulk call and a
    /// lone refused member is the one held through a group.
    fn via_group(&mut self, key: GroupKey, members: Vec<usize>, named: &[String]) {
        let user_of = |idx: usize| self.rows[idx].user_id.clone();
        match split_via_group(&members, user_of, named) {
            ViaGroup::Held { held, rest } => {
                if !rest.is_empty() {
                    self.ready_groups.push_front((key.clone(), rest));
                }
                for idx in held {
                    let mut r = ok(key.step());
                    r.message = Some(VIA_GROUP_NOTE.into());
                    self.group_answered(idx, &key, r);
                }
            }
            ViaGroup::Bisect => {
                let mid = members.len() / 2;
                self.ready_groups
                    .push_front((key.clone(), members[mid..].to_vec()));
                self.ready_groups
                    .push_front((key.clone(), members[..mid].to_vec()));
            }
        }
    }

    fn group_answered(&mut self, idx: usize, key: &GroupKey, r: StepResult) {
        let uid = self.rows[idx].user_id.clone();
        if r.status != StepStatus::Ok {
            self.rows[idx].failed = true;
        }
        if *key == GroupKey::Verify {
            self.record(idx, r, uid);
            self.finish(idx);
            return;
        }
        // A row in several groups of one step (three queues) reports that step once, when
        // its last group of the step answers, and as failed if any of them failed.
        let step = key.step();
        let row = &mut self.rows[idx];
        row.results.push(r);
        row.groups_waiting = row.groups_waiting.saturating_sub(1);
        let answered = row.results.iter().filter(|x| x.step == step).count();
        if answered >= self.joined_count(idx, step) {
            let merged = merge_step(&mut self.rows[idx].results, step);
            self.journal(idx, merged.step, RecordStatus::from(merged.status), uid);
            self.emit(EngineEvent::Step {
                row: self.rows[idx].plan.row,
                result: merged,
            });
        }
        self.maybe_finish_work(idx);
    }

    /// How many groups of `step` the row joined.
    fn joined_count(&self, idx: usize, step: Step) -> usize {
        let row = &self.rows[idx];
        match step {
            Step::Queues => row.work.queues_add.len() + row.work.queues_remove.len(),
            Step::Roles => grant_groups(&row.work.grants).len(),
            _ => 1,
        }
    }

    /// The user exists: queue its per-user steps and join its bulk groups.
    fn enter_working(&mut self, idx: usize, user: &UserRef) {
        let invite = self.settings.invite;
        let row = &mut self.rows[idx];
        let mut pending = VecDeque::new();
        if row.work.manager.is_some() {
            pending.push_back(Step::Manager);
        }
        if row.work.replace.roles && !row.work.grants.is_empty() {
            pending.push_back(Step::Roles);
        }
        if !row.work.skills.is_empty() || (row.work.replace.skills && row.plan.desired.is_some()) {
            pending.push_back(Step::Skills);
        }
        if row.work.writes_languages() {
            pending.push_back(Step::Languages);
        }
        if row.work.external_id {
            pending.push_back(Step::ExternalId);
        }
        if !row.work.utilization.is_empty() {
            pending.push_back(Step::Utilization);
        }
        if invite && row.work.primary == Primary::Create {
            pending.push_back(Step::Invite);
        }
        row.pending = pending;
        let mut keys = groups_for(&row.work);
        if let Some(d) = row.work.division.clone() {
            let key = GroupKey::Division(d.clone());
            if user.division_id.as_deref() != Some(&*d) {
                keys.push(key);
            } else {
                // Already there (a restore that came back in the right division).
                row.work.division = None;
                self.outstanding_done(&key);
            }
        }
        self.rows[idx].groups_waiting = keys.len();
        for key in keys {
            self.outstanding_done(&key);
            self.group_pending.entry(key.clone()).or_default().push(idx);
            self.flush(&key, false);
        }
        self.ready_steps.push_back(idx);
    }

    fn outstanding_done(&mut self, key: &GroupKey) {
        if let Some(n) = self.group_outstanding.get_mut(key) {
            *n = n.saturating_sub(1);
        }
    }

    /// A row that will not reach its groups: stop counting on it.
    fn abandon(&mut self, idx: usize) {
        let work = self.rows[idx].work.clone();
        let mut keys = groups_for(&work);
        if let Some(d) = work.division {
            keys.push(GroupKey::Division(d));
        }
        if self.rows[idx].verify {
            keys.push(GroupKey::Verify);
        }
        for key in keys {
            self.outstanding_done(&key);
            self.flush(&key, false);
        }
    }

    /// Moves full groups (or groups no further row can join) to the ready queue.
    fn flush(&mut self, key: &GroupKey, force: bool) {
        let cap = key.capacity();
        let outstanding = self.group_outstanding.get(key).copied().unwrap_or(0);
        let Some(members) = self.group_pending.get_mut(key) else {
            return;
        };
        while members.len() >= cap {
            let batch: Vec<usize> = members.drain(..cap).collect();
            self.ready_groups.push_back((key.clone(), batch));
        }
        if !members.is_empty() && (outstanding == 0 || force) {
            let batch = std::mem::take(members);
            self.ready_groups.push_back((key.clone(), batch));
        }
        if self.group_pending.get(key).is_some_and(Vec::is_empty) {
            self.group_pending.remove(key);
        }
    }

    /// Flushes every waiting group; whether any work is now ready.
    pub(super) fn force_flush(&mut self) -> bool {
        let keys: Vec<GroupKey> = self.group_pending.keys().cloned().collect();
        for k in &keys {
            self.flush(k, true);
        }
        !self.ready_groups.is_empty() || !self.ready_steps.is_empty()
    }

    /// Defensive: rows that can make no progress end as failed instead of hanging the run.
    pub(super) fn fail_stuck(&mut self) {
        for row in self.rows.iter_mut().filter(|r| r.phase != Phase::Done) {
            row.results.push(failed(
                Step::Verify,
                "the run could not schedule this row's remaining steps; run it again".into(),
            ));
            row.failed = true;
            row.phase = Phase::Done;
        }
    }

    pub(super) fn maybe_finish_work(&mut self, idx: usize) {
        let row = &self.rows[idx];
        if row.phase != Phase::Working || row.busy || !row.pending.is_empty() {
            return;
        }
        if row.groups_waiting > 0 {
            return;
        }
        if row.failed || !row.verify {
            if row.verify {
                self.outstanding_done(&GroupKey::Verify);
                self.flush(&GroupKey::Verify, false);
            }
            self.finish(idx);
            return;
        }
        self.rows[idx].phase = Phase::Verifying;
        self.outstanding_done(&GroupKey::Verify);
        self.group_pending
            .entry(GroupKey::Verify)
            .or_default()
            .push(idx);
        self.flush(&GroupKey::Verify, false);
    }

    /// The row is done: its final record carries the outcome, then `RowDone` is emitted.
    fn finish(&mut self, idx: usize) {
        if self.rows[idx].phase == Phase::Done {
            return;
        }
        self.rows[idx].phase = Phase::Done;
        let report = row_report(&self.rows[idx]);
        let row = &self.rows[idx];
        // A Verify "ok" only counts when it ran.
        let step = if row.verify || report.outcome == Outcome::Failed {
            Step::Verify
        } else {
            Step::Lookup
        };
        let rec = Record {
            id: row.plan.identity.to_string(),
            row: row.plan.row,
            step,
            status: if report.outcome == Outcome::Failed {
                RecordStatus::Failed
            } else {
                RecordStatus::Ok
            },
            user_id: report.user_id.clone(),
            outcome: Some(report.outcome),
        };
        self.append(rec);
        self.emit(EngineEvent::RowDone { report });
    }

    /// A step's result: journaled, kept, then reported.
    fn record(&mut self, idx: usize, r: StepResult, user_id: Option<String>) {
        let row_no = self.rows[idx].plan.row;
        self.journal(idx, r.step, RecordStatus::from(r.status), user_id);
        self.rows[idx].results.push(r.clone());
        self.emit(EngineEvent::Step {
            row: row_no,
            result: r,
        });
    }

    fn journal(&mut self, idx: usize, step: Step, status: RecordStatus, user_id: Option<String>) {
        let rec = Record {
            id: self.rows[idx].plan.identity.to_string(),
            row: self.rows[idx].plan.row,
            step,
            status,
            user_id,
            outcome: None,
        };
        self.append(rec);
    }

    fn append(&mut self, rec: Record) {
        self.out.push(Effect::Journal(vec![rec]));
        self.writes.push_back(Write::Outcome);
    }

    /// How far each unfinished row got, for a stopped run.
    pub(super) fn unfinished_records(&self) -> Vec<Record> {
        self.rows
            .iter()
            .filter(|r| r.phase != Phase::Done)
            .map(|r| {
                let report = row_report(r);
                Record {
                    id: r.plan.identity.to_string(),
                    row: r.plan.row,
                    step: Step::Lookup,
                    status: if report.outcome == Outcome::Failed {
                        RecordStatus::Failed
                    } else {
                        RecordStatus::Skipped
                    },
                    user_id: report.user_id,
                    outcome: Some(report.outcome),
                }
            })
            .collect()
    }
}
