//! The scheduler: owns every row's state, the bulk groups and the journal; hands jobs to a
//! bounded set of in-flight futures and applies their results. Jobs only make API calls and
//! return data; all decisions happen here, in one place, without locks.

use super::api::{Api, OpError, OpKind, ReadBack, UserRef};
use super::journal::{Journal, Record, RecordStatus, RowHistory};
use super::steps::{GroupKey, Primary, RowWork, UserPatch, groups_for, work_for};
use super::{EngineConfig, RunControl};
use crate::model::{
    ApiStats, EngineEvent, ExternalId, ManagerRef, Outcome, Plan, PlanAction, Proficiency, Report,
    RowPlan, RowReport, Step, StepResult, StepStatus, UserState,
};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Where generated passwords go: one `email,password` line per created user, mode 0600,
/// fsync per line. Never anywhere else.
pub struct PasswordSink {
    file: std::fs::File,
}

impl PasswordSink {
    pub fn open(path: &Path) -> std::io::Result<PasswordSink> {
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(PasswordSink { file })
    }

    fn write(&mut self, email: &str, password: &str) -> std::io::Result<()> {
        // A CSV like every other onboard writes: a cell that starts like a formula gets a
        // leading `'` (passwords never start like one: see `generate_password`).
        let (email, password) = (
            crate::ingest::escape_cell(email),
            crate::ingest::escape_cell(password),
        );
        writeln!(self.file, "{email},{password}")?;
        self.file.sync_data()
    }
}

/// A strong temporary password from the OS RNG: 20 characters over letters, digits and
/// symbols, with at least one of each class.
pub fn generate_password() -> Result<String, getrandom::Error> {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+-=?@^_";
    // Uniform picks by rejection sampling over OS random bytes.
    let mut pool = [0u8; 256];
    getrandom::fill(&mut pool)?;
    let mut next = pool.into_iter();
    let mut pick = |n: usize| -> Result<usize, getrandom::Error> {
        let limit = 256 - 256 % n;
        loop {
            let b = match next.next() {
                Some(b) => b,
                None => {
                    getrandom::fill(&mut pool)?;
                    next = pool.into_iter();
                    continue;
                }
            };
            if usize::from(b) < limit {
                return Ok(usize::from(b) % n);
            }
        }
    };
    let all: Vec<u8> = [LOWER, UPPER, DIGIT, SYMBOL].concat();
    let mut out = Vec::with_capacity(20);
    for set in [LOWER, UPPER, DIGIT, SYMBOL] {
        out.push(set[pick(set.len())?]);
    }
    while out.len() < 20 {
        out.push(all[pick(all.len())?]);
    }
    // Shuffle so the class order is not fixed.
    for i in (1..out.len()).rev() {
        let j = pick(i + 1)?;
        out.swap(i, j);
    }
    // Never a symbol first: `+`, `-`, `=` or `@` there would make the passwords file's cell
    // look like a formula, and its escape (a leading `'`) would be copied with the password.
    if let Some(k) = out.iter().position(u8::is_ascii_alphanumeric) {
        out.swap(0, k);
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
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

enum Job {
    Primary(usize),
    UserStep(usize, Step),
    Group(GroupKey, Vec<usize>),
}

enum Done {
    Primary {
        idx: usize,
        results: Vec<StepResult>,
        user: Option<UserRef>,
    },
    UserStep {
        idx: usize,
        result: StepResult,
        version: Option<i64>,
    },
    Group {
        key: GroupKey,
        members: Vec<usize>,
        result: GroupResult,
    },
}

enum GroupResult {
    /// One outcome for every member.
    All(Result<(), OpError>),
    /// Per-member outcomes (licences: the API answers per user; verify: per user).
    Each(Vec<Result<(), String>>),
}

type JobFuture = Pin<Box<dyn Future<Output = Done> + Send>>;

pub struct Scheduler {
    api: Api,
    cfg: EngineConfig,
    rows: Vec<Row>,
    /// Row number → index.
    by_row: HashMap<usize, usize>,
    /// Rows that do not run (skipped, blocked, unchanged) and their outcome.
    idle: Vec<RowReport>,
    journal: Journal,
    passwords: Option<PasswordSink>,
    events: mpsc::Sender<EngineEvent>,
    control: RunControl,
    waiting_primary: VecDeque<usize>,
    ready_steps: VecDeque<usize>,
    ready_groups: VecDeque<(GroupKey, Vec<usize>)>,
    group_pending: BTreeMap<GroupKey, Vec<usize>>,
    group_outstanding: HashMap<GroupKey, usize>,
    estimated: u64,
    started: Instant,
    rate_samples: VecDeque<(Instant, u64)>,
    journal_broken: Option<String>,
    base_stats: ApiStats,
    /// Rows whose work may have just completed without a job finishing.
    to_check: Vec<usize>,
}

impl Scheduler {
    pub fn new(
        api: Api,
        plan: Plan,
        cfg: EngineConfig,
        journal: Journal,
        passwords: Option<PasswordSink>,
        events: mpsc::Sender<EngineEvent>,
        control: RunControl,
    ) -> Scheduler {
        let base_stats = api.stats();
        let mut s = Scheduler {
            api,
            rows: Vec::new(),
            by_row: HashMap::new(),
            idle: Vec::new(),
            journal,
            passwords,
            events,
            control,
            waiting_primary: VecDeque::new(),
            ready_steps: VecDeque::new(),
            ready_groups: VecDeque::new(),
            group_pending: BTreeMap::new(),
            group_outstanding: HashMap::new(),
            estimated: 0,
            started: Instant::now(),
            rate_samples: VecDeque::new(),
            journal_broken: None,
            base_stats,
            to_check: Vec::new(),
            cfg,
        };
        let plans: Vec<RowPlan> = plan
            .rows
            .into_iter()
            .filter(|p| s.cfg.only_rows.as_ref().is_none_or(|o| o.contains(&p.row)))
            .collect();
        s.estimated = super::steps::estimate_requests(&plans, s.cfg.replace);
        for p in plans {
            s.admit(p);
        }
        s
    }

    /// Adds one row: works out what it needs from the plan — which comes from a fresh
    /// snapshot of the org, so the journal never removes a step the org still lacks.
    fn admit(&mut self, plan: RowPlan) {
        let history = self.journal.history(&plan.identity).cloned();
        let work = work_for(&plan, self.cfg.replace);
        let Some(work) = work.filter(|w| !w.steps(plan.desired.as_deref()).is_empty()) else {
            let outcome = match plan.action {
                PlanAction::Skipped | PlanAction::Blocked => Outcome::Skipped,
                _ => finished_earlier(history.as_ref()),
            };
            self.idle.push(RowReport {
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

    pub async fn run(mut self) -> Report {
        let total = self.rows.len() + self.idle.len();
        self.emit(EngineEvent::Started {
            rows: total,
            estimated_requests: self.estimated,
        })
        .await;
        for r in self.idle.clone() {
            self.emit(EngineEvent::RowDone { report: r }).await;
        }
        let mut in_flight: FuturesUnordered<JobFuture> = FuturesUnordered::new();
        let mut paused_rx = self.control.subscribe();
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut was_paused = false;
        let cancel = self.control.cancel.clone();
        loop {
            for idx in std::mem::take(&mut self.to_check) {
                self.maybe_finish_work(idx).await;
            }
            let paused = *paused_rx.borrow();
            if paused != was_paused {
                was_paused = paused;
                self.emit(if paused {
                    EngineEvent::Paused
                } else {
                    EngineEvent::Resumed
                })
                .await;
            }
            let stopping = self.control.is_cancelled() || self.journal_broken.is_some();
            if !paused && !stopping {
                for job in self.next_jobs(in_flight.len()) {
                    in_flight.push(self.launch(job));
                }
            }
            if in_flight.is_empty() {
                // The journal may have just refused the next jobs' records.
                let stopping = stopping || self.journal_broken.is_some();
                if stopping || self.all_done() {
                    break;
                }
                if !paused {
                    // Nothing runnable and nothing in flight: flush whatever groups wait.
                    if !self.force_flush() {
                        self.fail_stuck();
                        break;
                    }
                    continue;
                }
            }
            tokio::select! {
                Some(done) = in_flight.next(), if !in_flight.is_empty() => self.apply(done).await,
                _ = paused_rx.changed() => {}
                _ = cancel.cancelled(), if !cancel.is_cancelled() => {}
                _ = tick.tick() => self.emit_rate().await,
            }
        }
        let cancelled = self.control.is_cancelled() || self.journal_broken.is_some();
        if cancelled {
            self.journal_unfinished();
        }
        if let Some(msg) = &self.journal_broken {
            self.emit(EngineEvent::Log {
                message: msg.clone(),
            })
            .await;
        }
        self.emit_rate().await;
        let report = self.report();
        self.emit(EngineEvent::Finished {
            report: report.clone(),
            cancelled,
        })
        .await;
        report
    }

    fn all_done(&self) -> bool {
        self.rows.iter().all(|r| r.phase == Phase::Done)
    }

    fn stats(&self) -> ApiStats {
        let now = self.api.stats();
        ApiStats {
            requests: now.requests.saturating_sub(self.base_stats.requests),
            throttled: now.throttled.saturating_sub(self.base_stats.throttled),
            retries: now.retries.saturating_sub(self.base_stats.retries),
            bytes: now.bytes.saturating_sub(self.base_stats.bytes),
            elapsed_s: self.started.elapsed().as_secs_f64(),
        }
    }

    fn report(&self) -> Report {
        let mut rows: Vec<RowReport> = self.idle.clone();
        for r in &self.rows {
            rows.push(self.row_report(r));
        }
        crate::report::build(rows, self.stats())
    }

    async fn emit(&self, ev: EngineEvent) {
        // A receiver that went away (the UI closed) must not stop the run.
        let _ = self.events.send(ev).await;
    }

    async fn emit_rate(&mut self) {
        let stats = self.stats();
        let now = Instant::now();
        self.rate_samples.push_back((now, stats.requests));
        while self
            .rate_samples
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > Duration::from_secs(5))
        {
            self.rate_samples.pop_front();
        }
        let requests_per_s = match (self.rate_samples.front(), self.rate_samples.back()) {
            (Some((t0, n0)), Some((t1, n1))) if t1 > t0 => {
                (n1 - n0) as f64 / t1.duration_since(*t0).as_secs_f64()
            }
            _ => 0.0,
        };
        let allowed_per_s = self.api.allowed_per_s();
        let remaining = self.estimated.saturating_sub(stats.requests) as f64;
        let pace = if requests_per_s > 0.0 {
            Some(requests_per_s)
        } else {
            allowed_per_s
        };
        let eta_s = pace.filter(|p| *p > 0.0).map(|p| remaining / p);
        // Rate updates are droppable: never block the run on a slow UI for them.
        let _ = self.events.try_send(EngineEvent::Rate {
            stats,
            requests_per_s,
            allowed_per_s,
            eta_s,
        });
    }

    // --- choosing work -----------------------------------------------------------------

    /// The jobs to launch now (up to the free concurrency), each of whose writes has its
    /// `started` record durable in the journal first — one write and one fsync for all of
    /// them. If the journal cannot take the records, no job goes out and the run stops.
    fn next_jobs(&mut self, in_flight: usize) -> Vec<Job> {
        let mut jobs = Vec::new();
        while in_flight + jobs.len() < self.cfg.concurrency.max(1) {
            let Some(job) = self.next_job() else { break };
            jobs.push(job);
        }
        let records: Vec<Record> = jobs.iter().flat_map(|j| self.started_records(j)).collect();
        if let Err(e) = self.journal.append_all(&records) {
            self.journal_broken = Some(e.to_string());
            for job in jobs.into_iter().rev() {
                self.put_back(job);
            }
            return Vec::new();
        }
        jobs
    }

    /// The `started` records of a job's writes (none for reads).
    fn started_records(&self, job: &Job) -> Vec<Record> {
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
        match job {
            Job::Primary(idx) => match primary_step(&self.rows[*idx].work.primary) {
                Some(step) => vec![started(*idx, step)],
                None => Vec::new(),
            },
            Job::UserStep(idx, step) => vec![started(*idx, *step)],
            Job::Group(GroupKey::Verify, _) => Vec::new(),
            Job::Group(key, members) => members.iter().map(|&i| started(i, key.step())).collect(),
        }
    }

    /// Undoes [`Self::next_job`] for a job that will not be launched, so the row's outcome
    /// says truly how far it got.
    fn put_back(&mut self, job: Job) {
        match job {
            Job::Primary(idx) => {
                self.rows[idx].phase = Phase::Waiting;
                self.waiting_primary.push_front(idx);
            }
            Job::UserStep(idx, step) => {
                let row = &mut self.rows[idx];
                row.pending.push_front(step);
                row.busy = false;
            }
            Job::Group(key, members) => self.ready_groups.push_front((key, members)),
        }
    }

    fn next_job(&mut self) -> Option<Job> {
        if let Some((key, members)) = self.ready_groups.pop_front() {
            return Some(Job::Group(key, members));
        }
        while let Some(idx) = self.ready_steps.pop_front() {
            if let Some(step) = self.take_step(idx) {
                return Some(Job::UserStep(idx, step));
            }
        }
        if let Some(idx) = self.waiting_primary.pop_front() {
            self.rows[idx].phase = Phase::Primary;
            return Some(Job::Primary(idx));
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

    fn launch(&mut self, job: Job) -> JobFuture {
        let api = self.api.clone();
        match job {
            Job::Primary(idx) => {
                let row = &self.rows[idx];
                let email = row.plan.email.clone();
                let primary = row.work.primary.clone();
                let desired = row.plan.desired.clone();
                let user = row.user_id.clone().zip(row.version);
                let in_doubt = row
                    .history
                    .as_ref()
                    .is_some_and(|h| h.create_in_doubt || h.done.contains(&Step::CreateUser));
                let mut password = None;
                if primary == Primary::Create && self.passwords.is_some() {
                    match generate_password() {
                        Ok(p) => password = Some(p),
                        Err(e) => {
                            self.journal_broken = Some(format!(
                                "cannot get random bytes from the OS for a password: {e}; the run stopped"
                            ))
                        }
                    }
                }
                let email_for_pw = email.clone();
                let pw = password.clone();
                let fut = async move {
                    let (results, user) =
                        primary_job(&api, &email, primary, desired, user, in_doubt, pw).await;
                    Done::Primary { idx, results, user }
                };
                if let (Some(pw), Some(sink)) = (password, self.passwords.as_mut()) {
                    // Written before the create is sent: a user that exists always has its
                    // password on file. A failed create leaves an unused line, which is safe.
                    if let Err(e) = sink.write(&email_for_pw, &pw) {
                        self.journal_broken = Some(format!(
                            "cannot write the passwords file: {e}; the run stopped"
                        ));
                    }
                }
                Box::pin(fut)
            }
            Job::UserStep(idx, step) => {
                let row = &self.rows[idx];
                let user_id = row.user_id.clone().unwrap_or_default();
                let version = row.version;
                let desired = row.plan.desired.clone();
                let work = row.work.clone();
                let manager = self
                    .manager_id(idx)
                    .ok_or_else(|| self.manager_missing(idx));
                Box::pin(async move {
                    let (result, version) =
                        user_step_job(&api, step, &user_id, version, desired, work, manager).await;
                    Done::UserStep {
                        idx,
                        result,
                        version,
                    }
                })
            }
            Job::Group(key, members) => {
                let payload: Vec<GroupMember> = members
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
                let k = key.clone();
                Box::pin(async move {
                    let result = group_job(&api, &k, &payload).await;
                    Done::Group {
                        key: k,
                        members,
                        result,
                    }
                })
            }
        }
    }

    // --- applying results ----------------------------------------------------------------

    async fn apply(&mut self, done: Done) {
        match done {
            Done::Primary { idx, results, user } => {
                for r in &results {
                    self.record(idx, r.clone(), user.as_ref().map(|u| u.id.clone()))
                        .await;
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
                        self.maybe_finish_work(idx).await;
                    }
                    _ => {
                        self.rows[idx].failed = true;
                        let waiters = std::mem::take(&mut self.rows[idx].manager_waiters);
                        self.abandon(idx);
                        self.ready_steps.extend(waiters);
                        self.finish(idx).await;
                    }
                }
            }
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
                self.record(idx, result, uid).await;
                self.ready_steps.push_back(idx);
                self.maybe_finish_work(idx).await;
            }
            Done::Group {
                key,
                members,
                result,
            } => {
                let step = key.step();
                match result {
                    GroupResult::All(Err(e)) if members.len() > 1 && bisectable(&e) => {
                        // One member may be the cause (a queue's limit, a bad id): split
                        // the call so the others still go through and the cause fails alone.
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
                            self.group_answered(idx, &key, r).await;
                        }
                    }
                    GroupResult::Each(each) => {
                        for (idx, res) in members.into_iter().zip(each) {
                            let r = match res {
                                Ok(()) => ok(step),
                                Err(msg) => failed(step, msg),
                            };
                            self.group_answered(idx, &key, r).await;
                        }
                    }
                }
            }
        }
    }

    async fn group_answered(&mut self, idx: usize, key: &GroupKey, r: StepResult) {
        let uid = self.rows[idx].user_id.clone();
        if r.status != StepStatus::Ok {
            self.rows[idx].failed = true;
        }
        if *key == GroupKey::Verify {
            self.record(idx, r, uid).await;
            self.finish(idx).await;
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
            self.record_journal_only(idx, &merged, uid);
            self.emit(EngineEvent::Step {
                row: self.rows[idx].plan.row,
                result: merged,
            })
            .await;
        }
        self.maybe_finish_work(idx).await;
    }

    /// How many groups of `step` the row joined.
    fn joined_count(&self, idx: usize, step: Step) -> usize {
        let row = &self.rows[idx];
        match step {
            Step::Queues => row.work.queues_add.len() + row.work.queues_remove.len(),
            Step::Roles => super::steps::grant_groups(&row.work.grants).len(),
            _ => 1,
        }
    }

    /// The user exists: queue its per-user steps and join its bulk groups.
    fn enter_working(&mut self, idx: usize, user: &UserRef) {
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
        if !row.work.languages.is_empty() {
            pending.push_back(Step::Languages);
        }
        if row.work.external_id {
            pending.push_back(Step::ExternalId);
        }
        if self.cfg.invite && row.work.primary == Primary::Create {
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

    fn force_flush(&mut self) -> bool {
        let keys: Vec<GroupKey> = self.group_pending.keys().cloned().collect();
        for k in &keys {
            self.flush(k, true);
        }
        !self.ready_groups.is_empty() || !self.ready_steps.is_empty()
    }

    /// Defensive: rows that can make no progress end as failed instead of hanging the run.
    fn fail_stuck(&mut self) {
        for row in self.rows.iter_mut().filter(|r| r.phase != Phase::Done) {
            row.results.push(failed(
                Step::Verify,
                "the run could not schedule this row's remaining steps; run it again".into(),
            ));
            row.failed = true;
            row.phase = Phase::Done;
        }
    }

    async fn maybe_finish_work(&mut self, idx: usize) {
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
            self.finish(idx).await;
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

    async fn finish(&mut self, idx: usize) {
        if self.rows[idx].phase == Phase::Done {
            return;
        }
        self.rows[idx].phase = Phase::Done;
        let report = self.row_report(&self.rows[idx]);
        let rec = Record {
            id: self.rows[idx].plan.identity.to_string(),
            row: self.rows[idx].plan.row,
            step: Step::Verify,
            status: if report.outcome == Outcome::Failed {
                RecordStatus::Failed
            } else {
                RecordStatus::Ok
            },
            user_id: report.user_id.clone(),
            outcome: Some(report.outcome),
        };
        // The final record carries the outcome; a Verify "ok" only counts when it ran.
        let rec = if self.rows[idx].verify || report.outcome == Outcome::Failed {
            rec
        } else {
            Record {
                step: Step::Lookup,
                ..rec
            }
        };
        self.append(&rec);
        self.emit(EngineEvent::RowDone { report }).await;
    }

    fn row_report(&self, row: &Row) -> RowReport {
        let mut steps: Vec<StepResult> = Vec::new();
        for r in &row.results {
            match steps.iter_mut().find(|s| s.step == r.step) {
                Some(s) if s.status == StepStatus::Ok && r.status != StepStatus::Ok => {
                    *s = r.clone()
                }
                Some(_) => {}
                None => steps.push(r.clone()),
            }
        }
        let outcome = if row.failed
            || steps
                .iter()
                .any(|s| s.status != StepStatus::Ok && s.status != StepStatus::Skipped)
        {
            Outcome::Failed
        } else if row.phase != Phase::Done {
            // The run stopped before the row finished: it resumes next time.
            if row.phase == Phase::Waiting && row.results.is_empty() {
                Outcome::NotReached
            } else {
                Outcome::Interrupted
            }
        } else {
            let earlier = row.history.as_ref().and_then(|h| h.first_change);
            let now = match &row.work.primary {
                Primary::Create => Outcome::Created,
                Primary::SetState {
                    step: Step::RestoreUser,
                    ..
                } => Outcome::Restored,
                Primary::SetState { .. } => Outcome::Reactivated,
                Primary::Deactivate => Outcome::Deactivated,
                Primary::Update(_) | Primary::None => Outcome::Updated,
            };
            match (earlier, now) {
                (Some(e), Outcome::Updated) => e,
                _ => now,
            }
        };
        RowReport {
            row: row.plan.row,
            email: row.plan.email.to_string(),
            outcome,
            user_id: row.user_id.clone(),
            steps,
        }
    }

    // --- journal ------------------------------------------------------------------------

    async fn record(&mut self, idx: usize, r: StepResult, user_id: Option<String>) {
        let row_no = self.rows[idx].plan.row;
        self.record_journal_only(idx, &r, user_id);
        self.rows[idx].results.push(r.clone());
        self.emit(EngineEvent::Step {
            row: row_no,
            result: r,
        })
        .await;
    }

    fn record_journal_only(&mut self, idx: usize, r: &StepResult, user_id: Option<String>) {
        let status = RecordStatus::from(r.status);
        self.journal_write(idx, r.step, status, user_id);
    }

    fn journal_write(
        &mut self,
        idx: usize,
        step: Step,
        status: RecordStatus,
        user_id: Option<String>,
    ) {
        let rec = Record {
            id: self.rows[idx].plan.identity.to_string(),
            row: self.rows[idx].plan.row,
            step,
            status,
            user_id,
            outcome: None,
        };
        self.append(&rec);
    }

    /// A stopped run records how far each unfinished row got, so `--only-failed` and the
    /// next report know (one write for all of them).
    fn journal_unfinished(&mut self) {
        if self.journal_broken.is_some() {
            return;
        }
        let records: Vec<Record> = self
            .rows
            .iter()
            .filter(|r| r.phase != Phase::Done)
            .map(|r| {
                let report = self.row_report(r);
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
            .collect();
        if let Err(e) = self.journal.append_all(&records) {
            self.journal_broken = Some(e.to_string());
        }
    }

    fn append(&mut self, rec: &Record) {
        if let Err(e) = self.journal.append(rec) {
            // Stop starting new work: an unrecorded step could be repeated on resume.
            self.journal_broken = Some(e.to_string());
        }
    }
}

/// The outcome of a row the org shows needs nothing: `unchanged`, unless an unfinished run
/// of this list in this org made the change (a resumed run still reports it `created`).
fn finished_earlier(history: Option<&RowHistory>) -> Outcome {
    let Some(h) = history else {
        return Outcome::Unchanged;
    };
    let unfinished = h.last_outcome.is_none_or(|o| o.needs_retry());
    match h.first_change {
        Some(change) if unfinished => change,
        _ => Outcome::Unchanged,
    }
}

/// The step a primary write records, or None when it writes nothing.
fn primary_step(p: &Primary) -> Option<Step> {
    match p {
        Primary::Create => Some(Step::CreateUser),
        Primary::SetState { step, .. } => Some(*step),
        Primary::Update(_) => Some(Step::UpdateUser),
        Primary::Deactivate => Some(Step::DeactivateUser),
        Primary::None => None,
    }
}

fn ok(step: Step) -> StepResult {
    StepResult {
        step,
        status: StepStatus::Ok,
        http_status: None,
        code: None,
        message: None,
        context_id: None,
        attempts: 0,
        request: None,
    }
}

fn failed(step: Step, message: String) -> StepResult {
    StepResult {
        status: StepStatus::Failed,
        message: Some(message),
        ..ok(step)
    }
}

/// Collapses a step's group results into one (failed wins) and keeps it once in `results`.
fn merge_step(results: &mut Vec<StepResult>, step: Step) -> StepResult {
    let mut merged: Option<StepResult> = None;
    results.retain(|r| {
        if r.step != step {
            return true;
        }
        match &merged {
            Some(m) if m.status != StepStatus::Ok => {}
            _ => merged = Some(r.clone()),
        }
        false
    });
    let m = merged.unwrap_or_else(|| ok(step));
    results.push(m.clone());
    m
}

/// Whether splitting a failed bulk call could isolate the cause: a 4xx about the payload.
fn bisectable(e: &OpError) -> bool {
    matches!(e.http_status, Some(400 | 404 | 409 | 422))
}

struct GroupMember {
    user_id: String,
    licenses: Vec<crate::model::Id>,
    desired: Option<Box<crate::model::DesiredUser>>,
}

// --- jobs (API calls only) -------------------------------------------------------------

/// How many times a version conflict is re-read and re-applied.
const VERSION_ATTEMPTS: u32 = 4;

async fn patch_with_retry(
    api: &Api,
    user_id: &str,
    mut version: Option<i64>,
    patch: &UserPatch,
    state: Option<UserState>,
) -> Result<UserRef, OpError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let v = match version {
            Some(v) => v,
            None => api.get_user(user_id).await?.version,
        };
        match api.patch_user(user_id, v, patch, state).await {
            Err(e) if e.kind == OpKind::VersionConflict && attempt < VERSION_ATTEMPTS => {
                version = None;
            }
            // A PATCH is idempotent: when its outcome is unknown, send it again (with a fresh
            // version, so a change that did land is not applied twice).
            Err(e) if e.kind == OpKind::Unknown && attempt < VERSION_ATTEMPTS => {
                version = None;
            }
            other => return other,
        }
    }
}

async fn primary_job(
    api: &Api,
    email: &str,
    primary: Primary,
    desired: Option<Box<crate::model::DesiredUser>>,
    user: Option<(String, i64)>,
    in_doubt: bool,
    password: Option<String>,
) -> (Vec<StepResult>, Option<UserRef>) {
    match primary {
        Primary::None => {
            let Some((id, version)) = user else {
                return (vec![failed(Step::Lookup, "no user to update".into())], None);
            };
            (
                vec![],
                Some(UserRef {
                    id,
                    version,
                    division_id: None,
                    state: None,
                }),
            )
        }
        Primary::Create => {
            let Some(d) = desired else {
                return (
                    vec![failed(Step::CreateUser, "nothing to create".into())],
                    None,
                );
            };
            create_job(api, email, &d, in_doubt, password.as_deref()).await
        }
        Primary::SetState { state, step, then } => {
            let Some((id, version)) = user else {
                return (vec![failed(step, "the user was not found".into())], None);
            };
            let res =
                patch_with_retry(api, &id, Some(version), &UserPatch::default(), Some(state)).await;
            let u = match res {
                Ok(u) => u,
                Err(e) => return (vec![e.step_result(step)], None),
            };
            let mut results = vec![ok(step)];
            let Some(patch) = then else {
                return (results, Some(u));
            };
            match patch_with_retry(api, &id, Some(u.version), &patch, None).await {
                Ok(u2) => {
                    results.push(ok(Step::UpdateUser));
                    (results, Some(u2))
                }
                Err(e) => {
                    results.push(e.step_result(Step::UpdateUser));
                    (results, None)
                }
            }
        }
        Primary::Update(patch) => {
            let Some((id, version)) = user else {
                return (
                    vec![failed(Step::UpdateUser, "the user was not found".into())],
                    None,
                );
            };
            match patch_with_retry(api, &id, Some(version), &patch, None).await {
                Ok(u) => (vec![ok(Step::UpdateUser)], Some(u)),
                Err(e) => (vec![e.step_result(Step::UpdateUser)], None),
            }
        }
        Primary::Deactivate => {
            let Some((id, version)) = user else {
                return (
                    vec![failed(
                        Step::DeactivateUser,
                        "the user was not found".into(),
                    )],
                    None,
                );
            };
            match patch_with_retry(
                api,
                &id,
                Some(version),
                &UserPatch::default(),
                Some(UserState::Inactive),
            )
            .await
            {
                Ok(u) => (vec![ok(Step::DeactivateUser)], Some(u)),
                Err(e) => (vec![e.step_result(Step::DeactivateUser)], None),
            }
        }
    }
}

/// Creates sent for one row at most. Each one after an unknown outcome follows a lookup
/// that found no user, so repeating is safe; five rides out a run of server errors.
const CREATE_ATTEMPTS: u32 = 5;

/// Create a user, never twice: an unknown outcome or a conflict is answered by looking the
/// email up (any state) before anything else is written.
async fn create_job(
    api: &Api,
    email: &str,
    d: &crate::model::DesiredUser,
    in_doubt: bool,
    password: Option<&str>,
) -> (Vec<StepResult>, Option<UserRef>) {
    let mut look_first = in_doubt;
    let mut attempts = 0u32;
    let mut last_err: Option<OpError> = None;
    loop {
        // Look before every create after one whose outcome is unknown — also after the
        // last attempt, so a create that landed is never reported as failed.
        if look_first {
            match api.find_by_email(email).await {
                Ok(Some(u)) => return adopt(api, u, attempts).await,
                Ok(None) => {}
                Err(e) => {
                    let mut r = e.step_result(Step::CreateUser);
                    r.message = Some(format!(
                        "could not check whether the user already exists: {}",
                        r.message.unwrap_or_default()
                    ));
                    return (vec![r], None);
                }
            }
        }
        if attempts >= CREATE_ATTEMPTS {
            break;
        }
        attempts += 1;
        match api.create_user(d, password).await {
            Ok(u) => {
                let mut r = ok(Step::CreateUser);
                r.attempts = attempts;
                return (vec![r], Some(u));
            }
            Err(e) if matches!(e.kind, OpKind::Unknown | OpKind::Conflict) => {
                look_first = true;
                last_err = Some(e);
            }
            Err(e) => {
                let mut r = e.step_result(Step::CreateUser);
                r.attempts = attempts.max(r.attempts);
                return (vec![r], None);
            }
        }
    }
    let e = last_err
        .map(|e| e.step_result(Step::CreateUser))
        .unwrap_or_else(|| failed(Step::CreateUser, "the create did not complete".into()));
    (vec![e], None)
}

/// A user with the row's email already exists (an earlier interrupted run created it, or the
/// create's answer was lost): use it; restore it first if it is deleted.
async fn adopt(api: &Api, u: UserRef, attempts: u32) -> (Vec<StepResult>, Option<UserRef>) {
    let mut r = ok(Step::CreateUser);
    r.attempts = attempts;
    match u.state {
        Some(UserState::Deleted) | Some(UserState::Inactive) => {
            match patch_with_retry(
                api,
                &u.id,
                Some(u.version),
                &UserPatch::default(),
                Some(UserState::Active),
            )
            .await
            {
                Ok(u2) => (vec![r], Some(u2)),
                Err(e) => (vec![e.step_result(Step::CreateUser)], None),
            }
        }
        _ => (vec![r], Some(u)),
    }
}

/// Repeats an idempotent write whose outcome is unknown (at most 3 sends in all).
macro_rules! idempotent {
    ($call:expr) => {{
        let mut n = 0;
        loop {
            n += 1;
            match $call.await {
                Err(e) if e.kind == OpKind::Unknown && n < 3 => continue,
                other => break other,
            }
        }
    }};
}

async fn user_step_job(
    api: &Api,
    step: Step,
    user_id: &str,
    version: Option<i64>,
    desired: Option<Box<crate::model::DesiredUser>>,
    work: RowWork,
    manager: Result<String, String>,
) -> (StepResult, Option<i64>) {
    let res: Result<Option<i64>, OpError> = match step {
        Step::Manager => match manager {
            Ok(m) => {
                let patch = UserPatch {
                    manager_id: Some(m),
                    ..UserPatch::default()
                };
                patch_with_retry(api, user_id, version, &patch, None)
                    .await
                    .map(|u| Some(u.version))
            }
            Err(why) => return (failed(Step::Manager, why), None),
        },
        Step::Skills => {
            let skills: Vec<Proficiency> = if work.replace.skills {
                desired
                    .as_ref()
                    .map(|d| d.skills.clone())
                    .unwrap_or_default()
            } else {
                work.skills.clone()
            };
            if work.replace.skills {
                idempotent!(api.put_skills(user_id, &skills)).map(|_| None)
            } else {
                idempotent!(api.patch_skills(user_id, &skills)).map(|_| None)
            }
        }
        Step::Languages => idempotent!(api.patch_languages(user_id, &work.languages)).map(|_| None),
        Step::Roles => {
            let grants = desired
                .as_ref()
                .map(|d| d.grants.clone())
                .unwrap_or_default();
            idempotent!(api.replace_grants(user_id, &grants)).map(|_| None)
        }
        Step::ExternalId => match desired.as_deref().and_then(|d| d.external_id.clone()) {
            Some(x) => add_external_id(api, user_id, &x).await.map(|_| None),
            None => Ok(None),
        },
        Step::Invite => idempotent!(api.invite(user_id)).map(|_| None),
        other => {
            return (
                failed(
                    other,
                    format!("step {} is not a per-user step", other.as_str()),
                ),
                None,
            );
        }
    };
    match res {
        Ok(v) => (ok(step), v),
        Err(e) => (e.step_result(step), None),
    }
}

async fn add_external_id(api: &Api, user_id: &str, x: &ExternalId) -> Result<(), OpError> {
    match api.add_external_id(user_id, x).await {
        Ok(()) => Ok(()),
        // Already there (a repeated send, or an earlier run): that is the desired state.
        Err(e) if e.kind == OpKind::Conflict => Ok(()),
        Err(e) if e.kind == OpKind::Unknown => {
            let have = api.external_ids(user_id).await?;
            if have.contains(x) {
                Ok(())
            } else {
                api.add_external_id(user_id, x).await
            }
        }
        Err(e) => Err(e),
    }
}

async fn group_job(api: &Api, key: &GroupKey, members: &[GroupMember]) -> GroupResult {
    let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
    match key {
        GroupKey::Division(d) => GroupResult::All(idempotent!(api.move_users(d, &ids))),
        GroupKey::Role { role_id, divisions } => {
            GroupResult::All(idempotent!(api.grant_role(role_id, &ids, divisions)))
        }
        GroupKey::QueueAdd(q) => GroupResult::All(idempotent!(api.queue_members(q, &ids, false))),
        GroupKey::QueueRemove(q) => GroupResult::All(idempotent!(api.queue_members(q, &ids, true))),
        GroupKey::Licenses => {
            let wanted: Vec<(String, Vec<crate::model::Id>)> = members
                .iter()
                .map(|m| (m.user_id.clone(), m.licenses.clone()))
                .collect();
            match idempotent!(api.assign_licenses(&wanted)) {
                Ok(per_user) => GroupResult::Each(per_user),
                Err(e) => GroupResult::All(Err(e)),
            }
        }
        GroupKey::Verify => match api.read_back(&ids).await {
            Ok(found) => GroupResult::Each(
                members
                    .iter()
                    .map(|m| verify_one(m, found.iter().find(|f| f.id == m.user_id)))
                    .collect(),
            ),
            Err(e) => GroupResult::All(Err(e)),
        },
    }
}

/// Compares what the org now holds with what the row asked for.
fn verify_one(m: &GroupMember, got: Option<&ReadBack>) -> Result<(), String> {
    let Some(got) = got else {
        return Err("the user could not be read back after provisioning".into());
    };
    let Some(d) = &m.desired else { return Ok(()) };
    let mut diffs = Vec::new();
    if got.state != Some(UserState::Active) {
        diffs.push(format!("state is {:?}, expected active", got.state));
    }
    if got.division_id.as_deref() != Some(&*d.division_id) {
        diffs.push("division differs".to_string());
    }
    for s in &d.skills {
        if !got
            .skills
            .iter()
            .any(|g| g.id == s.id && (g.proficiency - s.proficiency).abs() < 1e-9)
        {
            diffs.push(format!("skill {} missing", s.id));
        }
    }
    for l in &d.languages {
        if !got
            .languages
            .iter()
            .any(|g| g.id == l.id && (g.proficiency - l.proficiency).abs() < 1e-9)
        {
            diffs.push(format!("language {} missing", l.id));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!("read-back differs: {}", diffs.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_strong_and_different() {
        let a = generate_password().unwrap();
        let b = generate_password().unwrap();
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, b);
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()));
        for _ in 0..200 {
            let p = generate_password().unwrap();
            assert!(p.starts_with(|c: char| c.is_ascii_alphanumeric()), "{p}");
        }
    }

    #[test]
    fn merge_step_keeps_one_result_and_failure_wins() {
        let mut rs = vec![
            ok(Step::Queues),
            failed(Step::Queues, "full".into()),
            ok(Step::Skills),
            ok(Step::Queues),
        ];
        let m = merge_step(&mut rs, Step::Queues);
        assert_eq!(m.status, StepStatus::Failed);
        assert_eq!(rs.iter().filter(|r| r.step == Step::Queues).count(), 1);
        assert_eq!(rs.len(), 2);
    }
}
