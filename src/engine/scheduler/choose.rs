//! Choosing work: which jobs go out next, the `started` records that must be durable first,
//! and the data each job carries.

use super::{Effect, Phase, Pick, Scheduler, Write, report::primary_step};
use crate::engine::jobs::{GroupMember, Job};
use crate::engine::journal::{Record, RecordStatus};
use crate::engine::results::failed;
use crate::engine::steps::{GroupKey, Primary};
use crate::model::{ManagerRef, Step};

impl Scheduler {
    /// Chooses the jobs to start now (up to the free concurrency). Jobs that write go out
    /// only once their `started` records are durable: one journal write for all of them,
    /// answered by [`super::Event::JournalWritten`]. Jobs that only read go out at once.
    pub(super) fn start_jobs(&mut self) {
        let mut picks = Vec::new();
        while self.in_flight + picks.len() < self.settings.concurrency.max(1) {
            let Some(pick) = self.next_pick() else { break };
            picks.push(pick);
        }
        if picks.is_empty() {
            return;
        }
        let records: Vec<Record> = picks.iter().flat_map(|p| self.started_records(p)).collect();
        if records.is_empty() {
            self.send(picks);
        } else {
            self.out.push(Effect::Journal(records));
            self.writes.push_back(Write::Started(picks));
        }
    }

    /// Sends chosen jobs.
    pub(super) fn send(&mut self, picks: Vec<Pick>) {
        for pick in picks {
            let job = self.job(pick);
            self.in_flight += 1;
            self.out.push(Effect::Send(job));
        }
    }

    /// The `started` records of a job's writes (none for reads).
    fn started_records(&self, pick: &Pick) -> Vec<Record> {
        let started = |idx: usize, step: Step| {
            let row = &self.rows[idx];
            Record {
                id: row.plan.identity.to_string(),
                row: row.plan.row,
                step,
                status: RecordStatus::Started,
                user_id: row.user_id.clone(),
                outcome: None,
            }
        };
        match pick {
            Pick::Primary(idx) => match primary_step(&self.rows[*idx].work.primary) {
                Some(step) => vec![started(*idx, step)],
                None => Vec::new(),
            },
            Pick::UserStep(idx, step) => vec![started(*idx, *step)],
            Pick::Group(GroupKey::Verify, _) => Vec::new(),
            Pick::Group(key, members) => members.iter().map(|&i| started(i, key.step())).collect(),
        }
    }

    /// Undoes [`Self::next_pick`] for a job that will not be sent, so the row's outcome
    /// says truly how far it got.
    pub(super) fn put_back(&mut self, pick: Pick) {
        match pick {
            Pick::Primary(idx) => {
                self.rows[idx].phase = Phase::Waiting;
                self.waiting_primary.push_front(idx);
            }
            Pick::UserStep(idx, step) => {
                let row = &mut self.rows[idx];
                row.pending.push_front(step);
                row.busy = false;
            }
            Pick::Group(key, members) => self.ready_groups.push_front((key, members)),
        }
    }

    /// Ready bulk groups first (they unblock many rows), then per-user steps, then new rows.
    fn next_pick(&mut self) -> Option<Pick> {
        if let Some((key, members)) = self.ready_groups.pop_front() {
            return Some(Pick::Group(key, members));
        }
        while let Some(idx) = self.ready_steps.pop_front() {
            if let Some(step) = self.take_step(idx) {
                return Some(Pick::UserStep(idx, step));
            }
        }
        if let Some(idx) = self.waiting_primary.pop_front() {
            self.rows[idx].phase = Phase::Primary;
            return Some(Pick::Primary(idx));
        }
        None
    }

    /// The row's next per-user step if it can run now (a manager that is a row of this
    /// file must exist first).
    fn take_step(&mut self, idx: usize) -> Option<Step> {
        let row = &self.rows[idx];
        if row.busy || row.phase != Phase::Working {
            return None;
        }
        let step = *row.pending.front()?;
        if step == Step::Manager
            && let Some(ManagerRef::Row(m)) = &row.work.manager
        {
            let m = *m;
            match self.by_row.get(&m).copied() {
                Some(midx) if self.rows[midx].user_id.is_none() => {
                    if self.rows[midx].phase == Phase::Done {
                        // The manager row failed before its user existed.
                        let r = &mut self.rows[idx];
                        r.pending.pop_front();
                        r.results.push(failed(
                            Step::Manager,
                            format!(
                                "the manager (row {m}) was not created; fix that row and retry both"
                            ),
                        ));
                        r.failed = true;
                        self.ready_steps.push_back(idx);
                        self.to_check.push(idx);
                        return None;
                    }
                    self.rows[midx].manager_waiters.push(idx);
                    return None;
                }
                _ => {}
            }
        }
        let row = &mut self.rows[idx];
        row.pending.pop_front();
        row.busy = true;
        Some(step)
    }

    fn manager_id(&self, idx: usize) -> Option<String> {
        match &self.rows[idx].work.manager {
            Some(ManagerRef::UserId(id)) => Some(id.to_string()),
            Some(ManagerRef::Row(m)) => match self.by_row.get(m) {
                Some(midx) => self.rows[*midx].user_id.clone(),
                // The manager row is not in this run (done earlier, or unchanged): the plan
                // resolved it to an org user if it existed.
                None => self
                    .idle
                    .iter()
                    .find(|r| r.row == *m)
                    .and_then(|r| r.user_id.clone()),
            },
            None => None,
        }
    }

    /// Why a row's manager has no user id to point at.
    fn manager_missing(&self, idx: usize) -> String {
        match &self.rows[idx].work.manager {
            Some(ManagerRef::Row(m)) => format!(
                "the manager (row {m}) was skipped, blocked or not created in this run; fix or include that row, then retry this one"
            ),
            _ => "the manager's user id is not known; check manager_email".into(),
        }
    }

    /// The job for a pick: everything its calls need, from the row's state now.
    fn job(&self, pick: Pick) -> Job {
        match pick {
            Pick::Primary(idx) => {
                let row = &self.rows[idx];
                Job::Primary {
                    idx,
                    email: row.plan.email.to_string(),
                    primary: Box::new(row.work.primary.clone()),
                    desired: row.plan.desired.clone(),
                    user: row.user_id.clone().zip(row.version),
                    in_doubt: row
                        .history
                        .as_ref()
                        .is_some_and(|h| h.create_in_doubt || h.done.contains(&Step::CreateUser)),
                    wants_password: row.work.primary == Primary::Create && self.settings.passwords,
                }
            }
            Pick::UserStep(idx, step) => {
                let row = &self.rows[idx];
                Job::UserStep {
                    idx,
                    step,
                    user_id: row.user_id.clone().unwrap_or_default(),
                    version: row.version,
                    desired: row.plan.desired.clone(),
                    work: Box::new(row.work.clone()),
                    manager: self
                        .manager_id(idx)
                        .ok_or_else(|| self.manager_missing(idx)),
                }
            }
            Pick::Group(key, members) => {
                let payload = members
                    .iter()
                    .map(|&i| {
                        let r = &self.rows[i];
                        GroupMember {
                            user_id: r.user_id.clone().unwrap_or_default(),
                            licenses: r.work.licenses.clone(),
                            desired: r.plan.desired.clone(),
                        }
                    })
                    .collect();
                Job::Group {
                    key,
                    members,
                    payload,
                }
            }
        }
    }
}
