//! The provisioning engine: runs a [`Plan`] against an org, idempotently and resumably, in
//! close to the fewest requests the API allows.
//!
//! Shape: the scheduler ([`scheduler`]) is a pure state machine that owns every row's state
//! and the bulk groups; the driver ([`driver`]) performs its effects (journal writes, events,
//! the passwords file) and runs at most `concurrency` jobs at once; each job ([`jobs`]) is a
//! few API calls over [`Ops`] and returns data, never panics. Per-user calls (create, skills,
//! languages, external id) run per row; calls the API lets many users share (role grants per
//! role and division set, queue members per queue, licences, division moves, the read-back)
//! are collected into bulk groups and sent when a group is full or no further row can join
//! it. A write goes out only after its `started` record is durable in the journal, and every
//! outcome is journaled (fsync) before it is reported; the plan itself always comes from a fresh snapshot of the org, so a killed
//! run resumes with exactly what the org still lacks. A run holds its (org, list) lock.

mod api;
pub mod dependencies;
mod driver;
mod estimate;
#[cfg(test)]
mod job_scenarios;
mod jobs;
pub mod journal;
pub mod lock;
mod ops;
mod passwords;
pub mod queues;
mod replace_plan;
mod results;
mod scheduler;
pub mod steps;

pub use api::Api;
pub use estimate::{Estimator, estimate_requests};
pub use journal::{Journal, JournalBinding, JournalError, content_key};
pub use lock::{LockError, RunLock};
pub use ops::{OpError, OpKind, Ops};
pub use replace_plan::plan_removals;
pub use steps::Replace;

use crate::model::{EngineEvent, Plan, Report};
use driver::Driver;
use passwords::PasswordSink;
use scheduler::{Scheduler, Settings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Jobs in flight at once (the client's limiter paces them to the org's rate limit).
    pub concurrency: usize,
    /// The journal file (one per org and hire-list content; see [`default_journal_path`]).
    pub journal_path: PathBuf,
    /// The org (and list) the run belongs to; the journal must be this org's.
    pub binding: JournalBinding,
    /// The run lock (one run at a time per org and list); default: beside the journal.
    pub lock_path: Option<PathBuf>,
    /// Generate temporary passwords for created users and write them (only) to this file,
    /// mode 0600. Without it, users get Genesys's welcome invite or SSO.
    pub passwords_file: Option<PathBuf>,
    /// Send `POST /users/{id}/invite` for each created user (for orgs that do not send the
    /// welcome email on create).
    pub invite: bool,
    /// Which groups are authoritative (`--replace`); default merge.
    pub replace: Replace,
    /// Run only these rows (row numbers), e.g. the failed ones.
    pub only_rows: Option<BTreeSet<usize>>,
    /// Capacity of the event channel.
    pub event_buffer: usize,
    /// A clone's dependency steps: skills and languages created before any other step
    /// (the plan names them by stand-in ids; see [`dependencies`]).
    pub dependencies: Vec<crate::preflight::personas::NewObject>,
}

impl EngineConfig {
    pub fn new(journal_path: PathBuf, binding: JournalBinding) -> EngineConfig {
        EngineConfig {
            concurrency: 8,
            journal_path,
            binding,
            lock_path: None,
            passwords_file: None,
            invite: false,
            replace: Replace::default(),
            only_rows: None,
            event_buffer: 1024,
            dependencies: Vec::new(),
        }
    }
}

/// The journal path for a hire list's content in one org, in the data directory:
/// `journals/<org id>/<content key>.jsonl`. Journals of different orgs never share a folder.
pub fn default_journal_path(data_dir: &Path, org_id: &str, list_bytes: &[u8]) -> PathBuf {
    org_journal_dir(data_dir, org_id).join(format!("{}.jsonl", content_key(list_bytes)))
}

/// The folder that holds one org's journals.
pub fn org_journal_dir(data_dir: &Path, org_id: &str) -> PathBuf {
    data_dir.join("journals").join(path_safe(org_id))
}

/// The run lock of one (org, list): keyed by the list's content, whatever `--journal` says,
/// so two runs of one list in one org always meet at the same lock.
pub fn default_lock_path(data_dir: &Path, org_id: &str, list_bytes: &[u8]) -> PathBuf {
    org_journal_dir(data_dir, org_id).join(format!("{}.lock", content_key(list_bytes)))
}

/// An org id as one path component: kept when it is plain (a UUID), hashed otherwise.
fn path_safe(org_id: &str) -> String {
    let plain = !org_id.is_empty()
        && org_id.len() <= 64
        && org_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        org_id.to_string()
    } else {
        format!("org-{}", content_key(org_id.as_bytes()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Locked(#[from] LockError),
    #[error(
        "the run stopped unexpectedly: {0}. Re-run the same command to resume from the journal"
    )]
    Crashed(String),
    #[error(
        "cannot open the passwords file {path}: {source}. Choose a writable path for --passwords"
    )]
    Passwords {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Pause, resume and cancel a run from another task (the TUI, Ctrl-C).
#[derive(Debug, Clone)]
pub struct RunControl {
    cancel: CancellationToken,
    paused: Arc<watch::Sender<bool>>,
}

impl Default for RunControl {
    fn default() -> Self {
        RunControl {
            cancel: CancellationToken::new(),
            paused: Arc::new(watch::channel(false).0),
        }
    }
}

impl RunControl {
    /// Stop starting new work; in-flight steps finish and are journaled.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
    pub fn pause(&self) {
        self.paused.send_replace(true);
    }
    pub fn resume(&self) {
        self.paused.send_replace(false);
    }
    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }
    fn subscribe(&self) -> watch::Receiver<bool> {
        self.paused.subscribe()
    }
}

/// A run in progress: its events, its control, and the task that yields the report.
pub struct RunHandle {
    pub events: mpsc::Receiver<EngineEvent>,
    pub control: RunControl,
    pub task: tokio::task::JoinHandle<Report>,
}

/// Starts a run on the current tokio runtime. Opens the journal first, so a journal that
/// cannot be written stops the run before any request.
pub fn start(
    client: crate::genesys::Client,
    plan: Plan,
    cfg: EngineConfig,
) -> Result<RunHandle, EngineError> {
    start_with_queues(client, plan, QueueRun::default(), cfg)
}

/// A queue list's part of a run: its rows and how creates are paced.
#[derive(Debug, Clone, Default)]
pub struct QueueRun {
    pub tasks: Vec<queues::QueueTask>,
    pub settings: queues::QueueRunSettings,
}

/// Starts a run of a queue list and a hire list: the queue rows first (the README's "Queue rows"),
/// then the hire rows, which join the queues created meanwhile. One journal, one lock, one
/// report (queue rows are `"kind": "queue"`).
pub fn start_with_queues(
    client: crate::genesys::Client,
    plan: Plan,
    queue_run: QueueRun,
    cfg: EngineConfig,
) -> Result<RunHandle, EngineError> {
    let lock_path = cfg
        .lock_path
        .clone()
        .unwrap_or_else(|| cfg.journal_path.with_extension("lock"));
    // The lock first: a second run must not even read a journal the first is writing.
    let lock = RunLock::acquire(&lock_path)?;
    let journal = Journal::open(&cfg.journal_path, &cfg.binding)?;
    let passwords = match &cfg.passwords_file {
        Some(path) => Some(
            PasswordSink::open(path).map_err(|source| EngineError::Passwords {
                path: path.clone(),
                source,
            })?,
        ),
        None => None,
    };
    let (tx, rx) = mpsc::channel(cfg.event_buffer.max(16));
    let control = RunControl::default();
    let settings = Settings::from(&cfg);
    let mut driver = Driver::new(Api::new(client), journal, passwords, tx, control.clone(), 0);
    let phase_control = control.clone();
    let dependencies = cfg.dependencies.clone();
    let task = tokio::spawn(async move {
        let mut plan = plan;
        if !dependencies.is_empty() {
            let phase = driver.run_dependency_phase(&dependencies).await;
            phase.resolve_plan(&mut plan.rows);
        }
        if !queue_run.tasks.is_empty() {
            let phase = driver
                .run_queue_phase(queue_run.tasks.clone(), queue_run.settings)
                .await;
            phase.resolve_hire_plan(&queue_run.tasks, &mut plan.rows);
            if phase.cancelled {
                // A stopped queue phase stops the run: the hire rows end `not_reached`.
                phase_control.cancel();
            }
        }
        let scheduler = Scheduler::new(plan, settings, |id| driver.history(id));
        driver.set_estimated(scheduler.estimated());
        let report = driver.run(scheduler).await;
        drop(lock);
        report
    });
    Ok(RunHandle {
        events: rx,
        control,
        task,
    })
}

/// Runs to the end and returns the report, discarding events (for callers that only want
/// the result, e.g. tests and `apply --format json` without a terminal).
pub async fn run_to_end(
    client: crate::genesys::Client,
    plan: Plan,
    cfg: EngineConfig,
) -> Result<Report, EngineError> {
    let mut handle = start(client, plan, cfg)?;
    while handle.events.recv().await.is_some() {}
    handle
        .task
        .await
        .map_err(|e| EngineError::Crashed(e.to_string()))
}
