//! The queue phase's state machine: pure, no IO and no clock of its own — every event comes
//! with the time (`now`, milliseconds since the phase began), so pacing and settle backoff
//! run in tests by handing it times.
//!
//! Per queue row, in order: `create_queue` or `update_queue` (a name conflict on create adds
//! an `update_queue` that converges the adopted queue), `queue_division`, `wrapup_codes`
//! (after the shared `create_wrapup_code`s it needs), `queue_members`, then `verify_queue`
//! (read back 100 queues a call). A failed step marks the row failed and the row's other
//! steps still run; nothing is ever deleted. A 404 from a step on a queue this run created
//! less than [`SETTLE_WINDOW_MS`] ago is retried after 1, 2, 4, 8, 16 s and counted as
//! settling, not as a failure.

use super::QueueTask;
use super::jobs::{Created, QDone, QJob, StepFailure};
use crate::engine::journal::{Record, RecordStatus, RowHistory};
use crate::engine::results::{failed, ok};
use crate::model::{EngineEvent, Outcome, RowKind, RowReport, Step, StepResult, StepStatus};
use crate::preflight::queues::QueueAction;
use std::collections::{BTreeMap, VecDeque};

/// How long after its create a queue's 404s are read as "not settled yet" (README "Queue rows").
pub const SETTLE_WINDOW_MS: u64 = 60_000;
/// The settle backoff (1, 2, 4, 8, 16 s: README "Queue rows"); a row fails after the last.
pub const SETTLE_BACKOFF_MS: [u64; 5] = [1_000, 2_000, 4_000, 8_000, 16_000];
/// Queues read back per call.
pub const VERIFY_BATCH: usize = 100;

#[derive(Debug, Clone)]
pub struct QueueRunSettings {
    /// Queue creates per minute (`--queue-rate`, default 60).
    pub creates_per_min: u32,
    /// Jobs in flight at once.
    pub concurrency: usize,
}

impl Default for QueueRunSettings {
    fn default() -> Self {
        QueueRunSettings {
            creates_per_min: 60,
            concurrency: 8,
        }
    }
}

#[derive(Debug, Clone)]
pub enum QEvent {
    Start {
        cancelled: bool,
    },
    Done(QDone),
    /// Time passed: settle retries and paced creates that are due go out.
    Tick,
    Cancel,
    /// A journal write failed: nothing more is sent, the phase ends.
    Refused(String),
}

#[derive(Debug, Clone)]
pub enum QEffect {
    Emit(EngineEvent),
    /// Outcome records: write (fsync) before any later effect.
    Journal(Vec<Record>),
    /// Write `started` (fsync), then send the job; a refused write answers
    /// [`QEvent::Refused`] and the job is not sent.
    Send {
        started: Vec<Record>,
        job: QJob,
    },
    /// The phase is over.
    Finish {
        rows: Vec<RowReport>,
        /// Lower-cased queue name → id, for every queue row that has a queue now.
        ids: BTreeMap<String, String>,
        cancelled: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CodeState {
    Waiting,
    Sent,
    Ready,
    Failed,
}

struct Code {
    state: CodeState,
    id: Option<String>,
    failure: Option<StepResult>,
}

struct QRow {
    task: QueueTask,
    history: Option<RowHistory>,
    queue_id: Option<String>,
    /// When this run created the queue.
    created_at: Option<u64>,
    /// A queue of that name existed (name conflict): converged, reported `updated`.
    adopted: bool,
    steps: VecDeque<Step>,
    busy: bool,
    /// A settle retry of the current step: (due at, retries so far).
    retry: Option<(u64, usize)>,
    settles: usize,
    results: Vec<StepResult>,
    failed: bool,
    done: bool,
}

pub struct QueueMachine {
    settings: QueueRunSettings,
    rows: Vec<QRow>,
    idle: Vec<RowReport>,
    codes: BTreeMap<String, Code>,
    verify_waiting: Vec<usize>,
    next_create_at: u64,
    in_flight: usize,
    cancelled: bool,
    broken: Option<String>,
    finished: bool,
    now: u64,
    out: Vec<QEffect>,
}

fn report(task: &QueueTask, outcome: Outcome, queue_id: Option<String>) -> RowReport {
    RowReport {
        kind: RowKind::Queue,
        row: task.row,
        email: task.name.clone(),
        outcome,
        user_id: queue_id,
        steps: vec![],
    }
}

impl QueueMachine {
    pub fn new(
        tasks: Vec<QueueTask>,
        settings: QueueRunSettings,
        history: impl Fn(&str) -> Option<RowHistory>,
    ) -> QueueMachine {
        let mut m = QueueMachine {
            settings,
            rows: Vec::new(),
            idle: Vec::new(),
            codes: BTreeMap::new(),
            verify_waiting: Vec::new(),
            next_create_at: 0,
            in_flight: 0,
            cancelled: false,
            broken: None,
            finished: false,
            now: 0,
            out: Vec::new(),
        };
        for t in tasks {
            let h = history(&t.identity());
            m.admit(t, h);
        }
        m
    }

    fn admit(&mut self, task: QueueTask, history: Option<RowHistory>) {
        let steps = steps_for(&task);
        if steps.is_empty() {
            let outcome = match task.action {
                QueueAction::Blocked => Outcome::Skipped,
                // Members that are hire rows join through the hire list's groups.
                QueueAction::Update => Outcome::Updated,
                _ => earlier_outcome(history.as_ref()),
            };
            let id = task.queue_id.clone();
            self.idle.push(report(&task, outcome, id));
            return;
        }
        for name in &task.run.wrapups_create {
            self.codes.entry(name.to_lowercase()).or_insert(Code {
                state: CodeState::Waiting,
                id: None,
                failure: None,
            });
        }
        // A queue an earlier run of these lists created (or may have) may still be settling
        // when a resumed run reaches it: its 404s get the settle window from the start.
        let created_earlier = history
            .as_ref()
            .is_some_and(|h| h.create_in_doubt || h.done.contains(&Step::CreateQueue));
        self.rows.push(QRow {
            queue_id: task.queue_id.clone(),
            task,
            history,
            created_at: created_earlier.then_some(0),
            adopted: false,
            steps,
            busy: false,
            retry: None,
            settles: 0,
            results: Vec::new(),
            failed: false,
            done: false,
        });
    }

    /// Handles one event at time `now` (ms) and returns what to do, in order.
    pub fn handle(&mut self, now: u64, event: QEvent) -> Vec<QEffect> {
        if self.finished {
            return Vec::new();
        }
        self.now = self.now.max(now);
        match event {
            QEvent::Start { cancelled } => {
                self.cancelled |= cancelled;
                for r in self.idle.clone() {
                    self.out
                        .push(QEffect::Emit(EngineEvent::RowDone { report: r }));
                }
                self.progress();
            }
            QEvent::Done(done) => {
                self.in_flight = self.in_flight.saturating_sub(1);
                self.answer(done);
            }
            QEvent::Tick => {}
            QEvent::Cancel => self.cancelled = true,
            QEvent::Refused(why) => {
                // The job was not sent.
                self.in_flight = self.in_flight.saturating_sub(1);
                self.broken = Some(why);
            }
        }
        self.pump();
        std::mem::take(&mut self.out)
    }

    /// Rows waiting out a settle retry now.
    pub fn settling(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| !r.done && r.retry.is_some())
            .count()
    }

    fn progress(&mut self) {
        let done = self.idle.len() + self.rows.iter().filter(|r| r.done).count();
        self.out.push(QEffect::Emit(EngineEvent::QueueProgress {
            done,
            total: self.idle.len() + self.rows.len(),
            settling: self.settling(),
        }));
    }

    fn stopping(&self) -> bool {
        self.cancelled || self.broken.is_some()
    }

    fn pump(&mut self) {
        if !self.stopping() {
            self.start_codes();
            for idx in 0..self.rows.len() {
                if self.in_flight >= self.settings.concurrency.max(1) {
                    break;
                }
                self.try_row(idx);
            }
            self.flush_verify();
        }
        if self.in_flight == 0 {
            let open = self.rows.iter().any(|r| !r.done);
            let waiting = self.rows.iter().any(|r| !r.done && r.retry.is_some())
                || (!self.stopping() && self.next_create_at > self.now && self.create_due());
            if self.stopping() || !open {
                self.end();
            } else if !waiting && !self.anything_startable() {
                // Defensive: nothing can move (should not happen); fail what is left.
                for idx in 0..self.rows.len() {
                    if !self.rows[idx].done {
                        let r = failed(
                            Step::VerifyQueue,
                            "the run could not schedule this queue's remaining steps; run it again"
                                .into(),
                        );
                        self.rows[idx].results.push(r);
                        self.rows[idx].failed = true;
                        self.finish(idx);
                    }
                }
                self.end();
            }
        }
    }

    fn create_due(&self) -> bool {
        self.rows
            .iter()
            .any(|r| !r.done && !r.busy && r.steps.front() == Some(&Step::CreateQueue))
    }

    fn anything_startable(&self) -> bool {
        self.rows
            .iter()
            .any(|r| !r.done && !r.busy && !r.steps.is_empty())
            || !self.verify_waiting.is_empty()
    }

    fn start_codes(&mut self) {
        let names: Vec<String> = self
            .codes
            .iter()
            .filter(|(_, c)| c.state == CodeState::Waiting)
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            if self.in_flight >= self.settings.concurrency.max(1) {
                return;
            }
            if let Some(c) = self.codes.get_mut(&name) {
                c.state = CodeState::Sent;
            }
            let started = vec![Record {
                id: format!("wrapup:{name}"),
                row: 0,
                step: Step::CreateWrapupCode,
                status: RecordStatus::Started,
                user_id: None,
                outcome: None,
            }];
            self.send(started, QJob::CreateCode { name });
        }
    }

    fn send(&mut self, started: Vec<Record>, job: QJob) {
        self.in_flight += 1;
        self.out.push(QEffect::Send { started, job });
    }

    fn started(&self, idx: usize, step: Step) -> Vec<Record> {
        let r = &self.rows[idx];
        vec![Record {
            id: r.task.identity(),
            row: r.task.row,
            step,
            status: RecordStatus::Started,
            user_id: r.queue_id.clone(),
            outcome: None,
        }]
    }

    /// Starts the row's next step if it can go now.
    fn try_row(&mut self, idx: usize) {
        let now = self.now;
        let row = &self.rows[idx];
        if row.done || row.busy {
            return;
        }
        if let Some((due, _)) = row.retry
            && due > now
        {
            return;
        }
        let Some(step) = row.steps.front().copied() else {
            return;
        };
        let id = row.queue_id.clone().unwrap_or_default();
        let run = &row.task.run;
        let job = match step {
            Step::CreateQueue => {
                if self.next_create_at > now {
                    return;
                }
                let interval = 60_000 / u64::from(self.settings.creates_per_min.max(1));
                self.next_create_at = now.max(self.next_create_at) + interval;
                QJob::Create {
                    idx,
                    name: row.task.name.clone(),
                    settings: Box::new(run.settings.clone().unwrap_or_default()),
                    source: run.copy_from_id.clone(),
                    in_doubt: row.history.as_ref().is_some_and(|h| h.create_in_doubt),
                }
            }
            Step::UpdateQueue => QJob::Update {
                idx,
                id,
                changes: Box::new(run.settings.clone().unwrap_or_default()),
            },
            Step::QueueDivision => QJob::Division {
                idx,
                id,
                division: run.division_move.clone().unwrap_or_default(),
            },
            Step::WrapupCodes => {
                let mut add = run.wrapups_add.clone();
                for name in &run.wrapups_create {
                    match self.codes.get(&name.to_lowercase()) {
                        Some(c) if c.state == CodeState::Ready => {
                            add.extend(c.id.clone());
                        }
                        Some(c) if c.state == CodeState::Failed => {
                            let mut r = c
                                .failure
                                .clone()
                                .unwrap_or_else(|| failed(Step::WrapupCodes, String::new()));
                            r.step = Step::WrapupCodes;
                            r.message = Some(format!(
                                "wrap-up code '{name}' could not be created: {}",
                                r.message.unwrap_or_default()
                            ));
                            self.step_answered(idx, Step::WrapupCodes, Err(r));
                            return;
                        }
                        // Still being created.
                        _ => return,
                    }
                }
                QJob::Wrapups {
                    idx,
                    id,
                    add,
                    remove: run.wrapups_remove.clone(),
                    read_first: run.copy_from_id.is_some(),
                }
            }
            Step::QueueMembers => QJob::Members {
                idx,
                id,
                users: run.member_ids.clone(),
            },
            Step::VerifyQueue => {
                self.rows[idx].busy = true;
                self.verify_waiting.push(idx);
                return;
            }
            other => {
                let r = failed(other, format!("{} is not a queue step", other.as_str()));
                self.step_answered(idx, other, Err(r));
                return;
            }
        };
        let started = self.started(idx, step);
        self.rows[idx].busy = true;
        self.send(started, job);
    }

    /// Sends a read-back when 100 wait or when no other row can still join.
    fn flush_verify(&mut self) {
        while self.verify_waiting.len() >= VERIFY_BATCH {
            let batch: Vec<usize> = self.verify_waiting.drain(..VERIFY_BATCH).collect();
            self.send_verify(batch);
        }
        // A row that may still join this read-back.
        let others_open = self.rows.iter().enumerate().any(|(i, r)| {
            !r.done && !self.verify_waiting.contains(&i) && r.steps.contains(&Step::VerifyQueue)
        });
        if !self.verify_waiting.is_empty() && !others_open {
            let batch = std::mem::take(&mut self.verify_waiting);
            self.send_verify(batch);
        }
    }

    fn send_verify(&mut self, batch: Vec<usize>) {
        let rows = batch
            .into_iter()
            .map(|i| {
                let r = &self.rows[i];
                let mut want = r
                    .task
                    .run
                    .settings
                    .as_ref()
                    .and_then(|s| serde_json::to_value(s).ok())
                    .unwrap_or(serde_json::Value::Object(Default::default()));
                if let (Some(d), Some(o)) = (&r.task.run.division_move, want.as_object_mut()) {
                    o.insert("division".into(), serde_json::json!({"id": d}));
                }
                (i, r.queue_id.clone().unwrap_or_default(), want)
            })
            .collect();
        self.send(Vec::new(), QJob::Verify { rows });
    }

    fn answer(&mut self, done: QDone) {
        match done {
            QDone::Code { name, result } => {
                let key = name.to_lowercase();
                let (state, id, failure) = match result {
                    Ok(id) => (CodeState::Ready, Some(id), None),
                    Err(r) => (CodeState::Failed, None, Some(r)),
                };
                let status = if state == CodeState::Ready {
                    RecordStatus::Ok
                } else {
                    RecordStatus::Failed
                };
                self.out.push(QEffect::Journal(vec![Record {
                    id: format!("wrapup:{key}"),
                    row: 0,
                    step: Step::CreateWrapupCode,
                    status,
                    user_id: id.clone(),
                    outcome: None,
                }]));
                self.codes.insert(key, Code { state, id, failure });
            }
            QDone::Create { idx, result } => match result {
                Ok(Created { id, converge }) => {
                    let row = &mut self.rows[idx];
                    row.queue_id = Some(id);
                    row.created_at = Some(self.now);
                    if converge {
                        // Someone's queue of this name: adopt it and converge its settings.
                        row.adopted = true;
                        row.created_at = None;
                        row.steps.insert(1, Step::UpdateQueue);
                    }
                    self.step_answered(idx, Step::CreateQueue, Ok(()));
                }
                Err(r) => {
                    // Without a queue nothing else of the row can run.
                    self.rows[idx].steps.truncate(1);
                    self.step_answered(idx, Step::CreateQueue, Err(r));
                }
            },
            QDone::Step { idx, step, result } => match result {
                Err(StepFailure {
                    not_found: true,
                    result,
                }) if self.may_settle(idx) => {
                    let row = &mut self.rows[idx];
                    let n = row.retry.map_or(0, |(_, n)| n);
                    row.busy = false;
                    row.settles += 1;
                    row.retry = Some((self.now + SETTLE_BACKOFF_MS[n], n + 1));
                    let _ = result;
                    self.progress();
                }
                Err(StepFailure { result, .. }) => self.step_answered(idx, step, Err(result)),
                Ok(()) => self.step_answered(idx, step, Ok(())),
            },
            QDone::Verify { each } => {
                for (idx, r) in each {
                    self.step_answered(idx, Step::VerifyQueue, r);
                }
            }
        }
    }

    /// Whether a 404 on this row's step is a queue that has not settled yet.
    fn may_settle(&self, idx: usize) -> bool {
        let r = &self.rows[idx];
        let retries = r.retry.map_or(0, |(_, n)| n);
        r.created_at
            .is_some_and(|t| self.now.saturating_sub(t) <= SETTLE_WINDOW_MS)
            && retries < SETTLE_BACKOFF_MS.len()
    }

    fn step_answered(&mut self, idx: usize, step: Step, result: Result<(), StepResult>) {
        let row = &mut self.rows[idx];
        row.busy = false;
        let settled_after = row.retry.take().map_or(0, |(_, n)| n);
        if row.steps.front() == Some(&step) {
            row.steps.pop_front();
        }
        let mut r = match result {
            Ok(()) => ok(step),
            Err(r) => r,
        };
        if settled_after > 0 {
            r.attempts = r.attempts.max(settled_after as u32 + 1);
        }
        if r.status != StepStatus::Ok {
            row.failed = true;
            // A failed write leaves nothing to verify.
            row.steps.retain(|s| *s != Step::VerifyQueue);
        }
        let rec = Record {
            id: row.task.identity(),
            row: row.task.row,
            step,
            status: RecordStatus::from(r.status),
            user_id: row.queue_id.clone(),
            outcome: None,
        };
        row.results.push(r.clone());
        let row_no = row.task.row;
        self.out.push(QEffect::Journal(vec![rec]));
        self.out.push(QEffect::Emit(EngineEvent::Step {
            row: row_no,
            result: r,
        }));
        if settled_after > 0 {
            self.progress();
        }
        if self.rows[idx].steps.is_empty() {
            self.finish(idx);
        }
    }

    fn outcome(&self, idx: usize) -> Outcome {
        let r = &self.rows[idx];
        if r.failed {
            return Outcome::Failed;
        }
        if !r.done {
            let began = !r.results.is_empty() || r.busy;
            return if began {
                Outcome::Interrupted
            } else {
                Outcome::NotReached
            };
        }
        let now = match r.task.action {
            QueueAction::Create if !r.adopted => Outcome::Created,
            _ => Outcome::Updated,
        };
        match (r.history.as_ref().and_then(|h| h.first_change), now) {
            (Some(e), Outcome::Updated) => e,
            _ => now,
        }
    }

    fn row_report(&self, idx: usize) -> RowReport {
        let r = &self.rows[idx];
        let mut rep = report(&r.task, self.outcome(idx), r.queue_id.clone());
        rep.steps = r.results.clone();
        rep
    }

    fn finish(&mut self, idx: usize) {
        if self.rows[idx].done {
            return;
        }
        self.rows[idx].done = true;
        let rep = self.row_report(idx);
        let r = &self.rows[idx];
        self.out.push(QEffect::Journal(vec![Record {
            id: r.task.identity(),
            row: r.task.row,
            step: Step::VerifyQueue,
            status: if rep.outcome == Outcome::Failed {
                RecordStatus::Failed
            } else {
                RecordStatus::Ok
            },
            user_id: r.queue_id.clone(),
            outcome: Some(rep.outcome),
        }]));
        self.out
            .push(QEffect::Emit(EngineEvent::RowDone { report: rep }));
        self.progress();
    }

    /// The phase ends: unfinished rows say how far they got (journaled), then `Finish`.
    fn end(&mut self) {
        let cancelled = self.stopping();
        let mut recs = Vec::new();
        for idx in 0..self.rows.len() {
            if self.rows[idx].done {
                continue;
            }
            let outcome = self.outcome(idx);
            let r = &self.rows[idx];
            recs.push(Record {
                id: r.task.identity(),
                row: r.task.row,
                step: Step::Lookup,
                status: if outcome == Outcome::Failed {
                    RecordStatus::Failed
                } else {
                    RecordStatus::Skipped
                },
                user_id: r.queue_id.clone(),
                outcome: Some(outcome),
            });
        }
        if !recs.is_empty() && self.broken.is_none() {
            self.out.push(QEffect::Journal(recs));
        }
        if let Some(why) = self.broken.clone() {
            self.out
                .push(QEffect::Emit(EngineEvent::Log { message: why }));
        }
        let mut rows = self.idle.clone();
        rows.extend((0..self.rows.len()).map(|i| self.row_report(i)));
        let mut ids = BTreeMap::new();
        for r in &self.rows {
            if let Some(id) = &r.queue_id {
                ids.insert(r.task.name.to_lowercase(), id.clone());
            }
        }
        for r in &self.idle {
            if let Some(id) = &r.user_id {
                ids.insert(r.email.to_lowercase(), id.clone());
            }
        }
        self.out.push(QEffect::Finish {
            rows,
            ids,
            cancelled,
        });
        self.finished = true;
    }
}

/// The outcome of a row the org shows needs nothing: `unchanged`, unless an unfinished run
/// of these lists made the change (a resumed run still reports it `created`).
fn earlier_outcome(history: Option<&RowHistory>) -> Outcome {
    match history {
        Some(h) if h.last_outcome.is_none_or(|o| o.needs_retry()) => {
            h.first_change.unwrap_or(Outcome::Unchanged)
        }
        _ => Outcome::Unchanged,
    }
}

/// The steps a queue row runs, in order.
fn steps_for(task: &QueueTask) -> VecDeque<Step> {
    let run = &task.run;
    let mut s = VecDeque::new();
    match task.action {
        QueueAction::Create => s.push_back(Step::CreateQueue),
        QueueAction::Update if run.settings.is_some() => s.push_back(Step::UpdateQueue),
        QueueAction::Update => {}
        QueueAction::Unchanged | QueueAction::Blocked => return s,
    }
    if task.action == QueueAction::Update && run.division_move.is_some() {
        s.push_back(Step::QueueDivision);
    }
    let codes = !run.wrapups_add.is_empty()
        || !run.wrapups_create.is_empty()
        || !run.wrapups_remove.is_empty();
    if codes {
        s.push_back(Step::WrapupCodes);
    }
    if !run.member_ids.is_empty() {
        s.push_back(Step::QueueMembers);
    }
    if !s.is_empty() {
        s.push_back(Step::VerifyQueue);
    }
    s
}
