//! The scheduler: a pure state machine. It owns every row's state, the bulk groups and the
//! order of journal writes; it takes [`Event`]s (a job's answer, pause/resume/cancel, a tick,
//! a journal write's result) and returns [`Effect`]s (send a job, write journal records, emit
//! a progress event, finish). It does no IO and keeps no clock, so every decision — bisection,
//! manager waits, cancel, a refused journal — can be driven in a test with plain data; the
//! async driver (`super::driver`) performs the effects.
//!
//! The durability rule lives here: a job is chosen only when every journal write before it is
//! answered, a write job goes out only after the driver answers that its `started` records
//! are durable, and a refused write puts the jobs back and stops the run.

mod answer;
mod choose;
mod report;
#[cfg(test)]
mod scenarios;
mod via_group;

use super::jobs::{Done, Job};
use super::journal::Record;
use super::journal::RowHistory;
use super::steps::{GroupKey, Replace, RowWork, groups_for, work_for};
use super::{EngineConfig, estimate::estimate_requests};
use crate::model::{EngineEvent, Outcome, Plan, PlanAction, RowPlan, RowReport, Step, StepResult};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// What the scheduler needs of the run's configuration.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Jobs in flight at once.
    pub concurrency: usize,
    /// Send an invite for each created user.
    pub invite: bool,
    pub replace: Replace,
    /// Created users get a generated password (`--passwords`).
    pub passwords: bool,
    /// Run only these rows.
    pub only_rows: Option<BTreeSet<usize>>,
}

impl From<&EngineConfig> for Settings {
    fn from(cfg: &EngineConfig) -> Settings {
        Settings {
            concurrency: cfg.concurrency,
            invite: cfg.invite,
            replace: cfg.replace,
            passwords: cfg.passwords_file.is_some(),
            only_rows: cfg.only_rows.clone(),
        }
    }
}

/// What happens to the scheduler.
#[derive(Debug, Clone)]
pub enum Event {
    /// The run begins; `paused`/`cancelled` is the control's state at that moment.
    Start {
        paused: bool,
        cancelled: bool,
    },
    /// A job sent earlier answered.
    Done(Done),
    Pause,
    Resume,
    Cancel,
    /// Time passed (the driver ticks twice a second): report the rate.
    Tick,
    /// The answer to the oldest unanswered [`Effect::Journal`]: the driver sends it right
    /// after the write, before it performs any later effect.
    JournalWritten(Result<(), String>),
    /// Something the driver does on the scheduler's behalf failed in a way that must stop the
    /// run (the passwords file cannot be written, the OS RNG failed).
    Stop(String),
}

/// What the scheduler asks the driver to do, in order.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Send a progress event to the front end.
    Emit(EngineEvent),
    /// Append these records to the journal in one write and one fsync, then answer with
    /// [`Event::JournalWritten`].
    Journal(Vec<Record>),
    /// Start a job (its `started` records, if it writes, are already durable).
    Send(Job),
    /// Emit the request rate and ETA (the driver owns the clock and the request counters).
    ReportRate,
    /// The run is over: build the report from these rows and the request counters, emit
    /// `Finished` and return it.
    Finish {
        rows: Vec<RowReport>,
        cancelled: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for its primary write.
    Waiting,
    Primary,
    /// Per-user steps and bulk groups.
    Working,
    Verifying,
    Done,
}

struct Row {
    plan: RowPlan,
    work: RowWork,
    history: Option<RowHistory>,
    phase: Phase,
    user_id: Option<String>,
    version: Option<i64>,
    /// Per-user steps still to run, in order.
    pending: VecDeque<Step>,
    busy: bool,
    /// Bulk groups joined and not yet answered.
    groups_waiting: usize,
    results: Vec<StepResult>,
    failed: bool,
    verify: bool,
    /// Rows waiting for this row's user id (their manager).
    manager_waiters: Vec<usize>,
}

/// A job chosen but not yet sent (its `started` records are being written).
#[derive(Debug, Clone, PartialEq)]
enum Pick {
    Primary(usize),
    UserStep(usize, Step),
    Group(GroupKey, Vec<usize>),
}

/// A journal write sent to the driver and not yet answered.
enum Write {
    /// `started` records: on success these jobs go out, on failure they are put back.
    Started(Vec<Pick>),
    /// A step's or a row's outcome.
    Outcome,
    /// The stopped run's record of how far each unfinished row got; the run closes after.
    Unfinished { cancelled: bool },
}

pub struct Scheduler {
    settings: Settings,
    rows: Vec<Row>,
    /// Row number → index.
    by_row: HashMap<usize, usize>,
    /// Rows that do not run (skipped, blocked, unchanged) and their outcome.
    idle: Vec<RowReport>,
    waiting_primary: VecDeque<usize>,
    ready_steps: VecDeque<usize>,
    ready_groups: VecDeque<(GroupKey, Vec<usize>)>,
    group_pending: BTreeMap<GroupKey, Vec<usize>>,
    group_outstanding: HashMap<GroupKey, usize>,
    estimated: u64,
    /// Rows whose work may have just completed without a job finishing.
    to_check: Vec<usize>,
    /// Jobs sent and not yet answered.
    in_flight: usize,
    /// Journal writes sent and not yet answered, oldest first.
    writes: VecDeque<Write>,
    paused: bool,
    cancelled: bool,
    /// Why the run must stop (a journal or passwords write failed).
    broken: Option<String>,
    finished: bool,
    /// Effects of the event being handled.
    out: Vec<Effect>,
}

impl Scheduler {
    /// The scheduler for a plan; `history` is what the journal knows of a row identity.
    pub fn new(
        plan: Plan,
        settings: Settings,
        history: impl Fn(&str) -> Option<RowHistory>,
    ) -> Scheduler {
        let plans: Vec<RowPlan> = plan
            .rows
            .into_iter()
            .filter(|p| {
                settings
                    .only_rows
                    .as_ref()
                    .is_none_or(|o| o.contains(&p.row))
            })
            .collect();
        let mut s = Scheduler {
            estimated: estimate_requests(&plans, settings.replace),
            settings,
            rows: Vec::new(),
            by_row: HashMap::new(),
            idle: Vec::new(),
            waiting_primary: VecDeque::new(),
            ready_steps: VecDeque::new(),
            ready_groups: VecDeque::new(),
            group_pending: BTreeMap::new(),
            group_outstanding: HashMap::new(),
            to_check: Vec::new(),
            in_flight: 0,
            writes: VecDeque::new(),
            paused: false,
            cancelled: false,
            broken: None,
            finished: false,
            out: Vec::new(),
        };
        for p in plans {
            let h = history(&p.identity);
            s.admit(p, h);
        }
        s
    }

    /// The request estimate of the rows this run takes.
    pub fn estimated(&self) -> u64 {
        self.estimated
    }

    /// Adds one row: works out what it needs from the plan — which comes from a fresh
    /// snapshot of the org, so the journal never removes a step the org still lacks.
    fn admit(&mut self, plan: RowPlan, history: Option<RowHistory>) {
        let work = work_for(&plan, self.settings.replace);
        let Some(work) = work.filter(|w| !w.steps(plan.desired.as_deref()).is_empty()) else {
            let outcome = match plan.action {
                PlanAction::Skipped | PlanAction::Blocked => Outcome::Skipped,
                _ => report::finished_earlier(history.as_ref()),
            };
            self.idle.push(RowReport {
                kind: crate::model::RowKind::User,
                row: plan.row,
                email: plan.email.to_string(),
                outcome,
                user_id: plan
                    .existing
                    .as_ref()
                    .map(|e| e.id.to_string())
                    .or_else(|| history.as_ref().and_then(|h| h.user_id.clone())),
                steps: vec![],
            });
            return;
        };
        let steps = work.steps(plan.desired.as_deref());
        let idx = self.rows.len();
        self.by_row.insert(plan.row, idx);
        for key in groups_for(&work) {
            *self.group_outstanding.entry(key).or_default() += 1;
        }
        if let Some(d) = &work.division {
            *self
                .group_outstanding
                .entry(GroupKey::Division(d.clone()))
                .or_default() += 1;
        }
        let verify = steps.contains(&Step::Verify);
        if verify {
            *self.group_outstanding.entry(GroupKey::Verify).or_default() += 1;
        }
        let existing = plan.existing.as_ref();
        self.rows.push(Row {
            user_id: existing.map(|e| e.id.to_string()),
            version: existing.map(|e| e.version),
            history,
            phase: Phase::Waiting,
            pending: VecDeque::new(),
            busy: false,
            groups_waiting: 0,
            results: Vec::new(),
            failed: false,
            verify,
            manager_waiters: Vec::new(),
            work,
            plan,
        });
        self.waiting_primary.push_back(idx);
    }

    /// Handles one event and returns what to do, in order.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        if self.finished {
            return Vec::new();
        }
        match event {
            Event::Start { paused, cancelled } => {
                let total = self.rows.len() + self.idle.len();
                self.emit(EngineEvent::Started {
                    rows: total,
                    estimated_requests: self.estimated,
                });
                for r in self.idle.clone() {
                    self.emit(EngineEvent::RowDone { report: r });
                }
                if paused {
                    self.set_paused(true);
                }
                self.cancelled |= cancelled;
                self.pump();
            }
            Event::Done(done) => {
                self.in_flight = self.in_flight.saturating_sub(1);
                self.apply(done);
                self.pump();
            }
            Event::Pause => self.set_paused(true),
            Event::Resume => {
                self.set_paused(false);
                self.pump();
            }
            Event::Cancel => {
                self.cancelled = true;
                self.pump();
            }
            Event::Tick => self.out.push(Effect::ReportRate),
            Event::JournalWritten(result) => self.written(result),
            Event::Stop(why) => {
                self.broken = Some(why);
                self.pump();
            }
        }
        std::mem::take(&mut self.out)
    }

    fn set_paused(&mut self, paused: bool) {
        if self.paused != paused {
            self.paused = paused;
            self.emit(if paused {
                EngineEvent::Paused
            } else {
                EngineEvent::Resumed
            });
        }
    }

    fn emit(&mut self, ev: EngineEvent) {
        self.out.push(Effect::Emit(ev));
    }

    fn stopping(&self) -> bool {
        self.cancelled || self.broken.is_some()
    }

    /// A journal write answered.
    fn written(&mut self, result: Result<(), String>) {
        let Some(write) = self.writes.pop_front() else {
            return;
        };
        match (write, result) {
            (Write::Started(picks), Ok(())) => self.send(picks),
            (Write::Started(picks), Err(e)) => {
                // The journal refused the records: no job goes out, and each row says
                // truly how far it got.
                self.broken = Some(e);
                for pick in picks.into_iter().rev() {
                    self.put_back(pick);
                }
            }
            (Write::Outcome, Ok(())) => {}
            // Stop starting new work: an unrecorded step could be repeated on resume.
            (Write::Outcome, Err(e)) => self.broken = Some(e),
            (Write::Unfinished { cancelled }, result) => {
                if let Err(e) = result {
                    self.broken = Some(e);
                }
                self.close(cancelled);
                return;
            }
        }
        self.pump();
    }

    /// Moves the run forward after an event: finishes rows whose work is complete, chooses
    /// and sends jobs up to the concurrency, flushes waiting groups when nothing else can
    /// run, and ends the run when nothing is left or it is stopping and idle.
    fn pump(&mut self) {
        loop {
            if self.finished || !self.writes.is_empty() {
                // A journal write is unanswered: decide nothing until it is.
                return;
            }
            for idx in std::mem::take(&mut self.to_check) {
                self.maybe_finish_work(idx);
            }
            if !self.paused && !self.stopping() {
                self.start_jobs();
                if !self.writes.is_empty() {
                    return;
                }
            }
            if self.in_flight == 0 {
                if self.stopping() || self.all_done() {
                    self.end();
                    return;
                }
                if !self.paused {
                    // Nothing runnable and nothing in flight: flush whatever groups wait.
                    if !self.force_flush() {
                        self.fail_stuck();
                        self.end();
                        return;
                    }
                    continue;
                }
            }
            if self.to_check.is_empty() {
                return;
            }
        }
    }

    fn all_done(&self) -> bool {
        self.rows.iter().all(|r| r.phase == Phase::Done)
    }

    /// The run stops: a stopped run first records how far each unfinished row got, so
    /// `--only-failed` and the next report know (one write for all of them).
    fn end(&mut self) {
        let cancelled = self.stopping();
        if cancelled && self.broken.is_none() {
            let records = self.unfinished_records();
            if !records.is_empty() {
                self.out.push(Effect::Journal(records));
                self.writes.push_back(Write::Unfinished { cancelled });
                return;
            }
        }
        self.close(cancelled);
    }

    fn close(&mut self, cancelled: bool) {
        if let Some(msg) = self.broken.clone() {
            self.emit(EngineEvent::Log { message: msg });
        }
        self.out.push(Effect::ReportRate);
        let mut rows: Vec<RowReport> = self.idle.clone();
        rows.extend(self.rows.iter().map(report::row_report));
        self.out.push(Effect::Finish { rows, cancelled });
        self.finished = true;
    }
}
