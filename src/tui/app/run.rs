//! The live run as the Run screen shows it, folded from the engine's events.

use super::*;
use crate::model::RowKind;

/// Where a run is in its life. Every change of phase goes through [`RunState`]'s methods
/// (`begin`, `toggle_pause`, `cancel`, `lost`, and `apply` for the engine's events).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum RunPhase {
    /// No run in this session yet (or the last one was lost before it reported).
    #[default]
    Idle,
    /// Asked the engine to start; it has not said `Started` yet.
    Starting,
    Running,
    /// Paused by the admin (the engine finishes in-flight steps and sends no new ones).
    Paused,
    /// Cancel asked: in-flight steps finish, then the engine reports.
    Cancelling,
    /// The engine reported; `cancelled` when it stopped early.
    Finished {
        cancelled: bool,
    },
}

impl RunPhase {
    /// A run exists and has not reported yet.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RunPhase::Starting | RunPhase::Running | RunPhase::Paused | RunPhase::Cancelling
        )
    }

    /// Pause and cancel can still be asked for.
    pub fn is_controllable(self) -> bool {
        self.is_active() && self != RunPhase::Cancelling
    }

    pub fn is_finished(self) -> bool {
        matches!(self, RunPhase::Finished { .. })
    }

    /// The word the Run gauge shows.
    pub fn label(self) -> &'static str {
        match self {
            RunPhase::Idle => "idle",
            RunPhase::Starting | RunPhase::Running => "running",
            RunPhase::Paused => "paused",
            RunPhase::Cancelling => "cancelling…",
            RunPhase::Finished { cancelled: true } => "cancelled",
            RunPhase::Finished { cancelled: false } => "done",
        }
    }
}

/// The live run.
#[derive(Debug, Default)]
pub struct RunState {
    pub phase: RunPhase,
    /// Row numbers in this run.
    pub rows: Vec<usize>,
    pub total: usize,
    pub done: usize,
    pub estimated_requests: u64,
    /// Per step: (ok, failed, other).
    pub steps: BTreeMap<Step, (usize, usize, usize)>,
    pub outcomes: BTreeMap<Outcome, usize>,
    pub stats: ApiStats,
    pub requests_per_s: f64,
    /// The org's limit: from the load, else from the engine's first rate report.
    pub allowed: Option<crate::tui::estimate::AllowedRate>,
    pub eta_s: Option<f64>,
    /// The client's tokens, (live, pool size), when known.
    pub tokens: Option<(usize, usize)>,
    pub log: VecDeque<String>,
    /// How many lines the event log is scrolled back from the newest (0 follows new ones).
    pub log_back: usize,
    /// Number of runs started in this session (1 = first run, more = retries).
    pub runs: usize,
    /// The queue phase (runs before the hire rows), when the run has queue rows.
    pub queues: QueueGauge,
}

/// The queue phase's progress: from `QueueProgress` (done, total, settling) and the queue
/// rows' `RowDone` (outcomes).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct QueueGauge {
    /// Queue rows in this run (0: no queue phase).
    pub total: usize,
    pub done: usize,
    /// Sub-resource calls waiting for a new queue to settle (404s retried, not failures).
    pub settling: usize,
    pub outcomes: BTreeMap<Outcome, usize>,
}

impl QueueGauge {
    /// `queues 87/150 · created 80 · updated 5 · unchanged 1 · failed 1 · settling 4`.
    pub fn line(&self) -> String {
        let n = |o: Outcome| self.outcomes.get(&o).copied().unwrap_or(0);
        format!(
            "queues {}/{} · created {} · updated {} · unchanged {} · failed {} · settling {}",
            self.done,
            self.total,
            n(Outcome::Created),
            n(Outcome::Updated),
            n(Outcome::Unchanged),
            n(Outcome::Failed),
            self.settling
        )
    }
}

/// Whether a step is one of a queue row's (their `row` is the queue list's).
pub fn is_queue_step(step: Step) -> bool {
    matches!(
        step,
        Step::CreateWrapupCode
            | Step::CreateQueue
            | Step::UpdateQueue
            | Step::QueueDivision
            | Step::WrapupCodes
            | Step::QueueMembers
            | Step::VerifyQueue
    )
}

pub const LOG_CAP: usize = 500;

impl RunState {
    /// A fresh run of `rows` rows (the `runs`-th of the session) waiting for the engine.
    pub fn begin(
        runs: usize,
        rows: Vec<usize>,
        allowed: Option<crate::tui::estimate::AllowedRate>,
    ) -> RunState {
        RunState {
            phase: RunPhase::Starting,
            total: rows.len(),
            rows,
            allowed,
            runs,
            ..RunState::default()
        }
    }

    /// A fresh run with `queue_rows` queue rows run first.
    pub fn begin_with_queues(
        runs: usize,
        rows: Vec<usize>,
        queue_rows: usize,
        allowed: Option<crate::tui::estimate::AllowedRate>,
    ) -> RunState {
        let mut s = RunState::begin(runs, rows, allowed);
        s.queues.total = queue_rows;
        s
    }

    /// `p`: pause a running run or resume a paused one; the new phase is returned (`None`
    /// when the run cannot be paused or resumed now).
    pub fn toggle_pause(&mut self) -> Option<RunPhase> {
        self.phase = match self.phase {
            RunPhase::Starting | RunPhase::Running => RunPhase::Paused,
            RunPhase::Paused => RunPhase::Running,
            _ => return None,
        };
        Some(self.phase)
    }

    /// Cancel asked; false when there is nothing left to cancel (finished, or already
    /// cancelling).
    pub fn cancel(&mut self) -> bool {
        if !self.phase.is_controllable() {
            return false;
        }
        self.phase = RunPhase::Cancelling;
        true
    }

    /// The engine went away without a report: no run is in progress any more.
    pub fn lost(&mut self) {
        self.phase = RunPhase::Idle;
    }

    pub fn push_log(&mut self, line: String) {
        if self.log.len() == LOG_CAP {
            self.log.pop_front();
        }
        self.log.push_back(line);
        // Scrolled back: the same lines stay in view as new ones arrive.
        if self.log_back > 0 {
            self.log_back = (self.log_back + 1).min(self.log.len());
        }
    }

    /// Scroll the event log `delta` lines older (negative: newer), within the log.
    pub fn scroll_log(&mut self, delta: isize) {
        self.log_back = (self.log_back as isize)
            .saturating_add(delta)
            .clamp(0, self.log.len() as isize) as usize;
    }

    pub fn apply(&mut self, ev: &EngineEvent) {
        match ev {
            EngineEvent::Started {
                rows,
                estimated_requests,
            } => {
                if self.phase == RunPhase::Starting {
                    self.phase = RunPhase::Running;
                }
                self.total = *rows;
                self.estimated_requests = *estimated_requests;
                self.push_log(format!(
                    "run started: {rows} rows, about {estimated_requests} requests"
                ));
            }
            EngineEvent::Step { row, result } => {
                let what = if is_queue_step(result.step) {
                    "queue row"
                } else {
                    "row"
                };
                let e = self.steps.entry(result.step).or_insert((0, 0, 0));
                match result.status {
                    StepStatus::Ok => e.0 += 1,
                    StepStatus::Failed => {
                        e.1 += 1;
                        let code = result
                            .code
                            .as_deref()
                            .map(|c| crate::model::sanitize(c).into_owned())
                            .unwrap_or_default();
                        let msg = result
                            .message
                            .as_deref()
                            .map(|m| crate::model::sanitize(m).into_owned())
                            .unwrap_or_default();
                        self.push_log(format!(
                            "{what} {row}: {} failed {} {code} {msg}",
                            result.step.as_str(),
                            result
                                .http_status
                                .map(|s| s.to_string())
                                .unwrap_or_default()
                        ));
                    }
                    StepStatus::Skipped | StepStatus::Unknown => e.2 += 1,
                }
            }
            EngineEvent::RowDone { report } if report.kind == RowKind::Queue => {
                *self.queues.outcomes.entry(report.outcome).or_insert(0) += 1;
                self.push_log(format!(
                    "queue {}: {}",
                    crate::model::sanitize(&report.email),
                    outcome_label(report.outcome)
                ));
            }
            EngineEvent::RowDone { report } => {
                self.done += 1;
                *self.outcomes.entry(report.outcome).or_insert(0) += 1;
                self.push_log(format!(
                    "row {}: {} {}",
                    report.row,
                    crate::model::sanitize(&report.email),
                    outcome_label(report.outcome)
                ));
            }
            EngineEvent::Rate {
                stats,
                requests_per_s,
                allowed_per_s,
                eta_s,
                tokens,
            } => {
                if tokens.is_some() {
                    self.tokens = *tokens;
                }
                self.stats = *stats;
                self.requests_per_s = *requests_per_s;
                // The engine's figure is the sum over the live tokens; it stands in only
                // when the load did not learn the limit.
                if self.allowed.is_none()
                    && let (Some(per_s), Some((live, _))) = (allowed_per_s, tokens)
                {
                    let pool = crate::tui::estimate::AllowedRate::from_pool_per_s(*per_s, *live);
                    self.allowed = Some(crate::tui::estimate::AllowedRate {
                        tokens: tokens.map_or(1, |(_, size)| size.max(1)),
                        ..pool
                    });
                }
                self.eta_s = *eta_s;
            }
            EngineEvent::QueueProgress {
                done,
                total,
                settling,
            } => {
                if self.phase == RunPhase::Starting {
                    self.phase = RunPhase::Running;
                }
                // Settling starts and ends are worth a line; every finished row has its own.
                if (*settling > 0) != (self.queues.settling > 0) {
                    self.push_log(if *settling > 0 {
                        format!("queues: {settling} call(s) waiting for new queues to settle")
                    } else {
                        "queues: new queues settled".to_string()
                    });
                }
                self.queues.done = *done;
                self.queues.total = *total;
                self.queues.settling = *settling;
            }
            EngineEvent::Paused => {
                if self.phase.is_controllable() {
                    self.phase = RunPhase::Paused;
                }
                self.push_log("paused".into());
            }
            EngineEvent::Resumed => {
                if self.phase == RunPhase::Paused {
                    self.phase = RunPhase::Running;
                }
                self.push_log("resumed".into());
            }
            EngineEvent::Log { message } => {
                self.push_log(crate::model::sanitize(message).into_owned());
            }
            EngineEvent::Finished { report, cancelled } => {
                self.phase = RunPhase::Finished {
                    cancelled: *cancelled,
                };
                self.stats = report.api;
                self.eta_s = None;
                let s = report.summary;
                self.push_log(format!(
                    "run {}: {} succeeded, {} failed, {} skipped, {} unchanged",
                    if *cancelled { "cancelled" } else { "finished" },
                    s.succeeded,
                    s.failed,
                    s.skipped,
                    s.unchanged
                ));
            }
        }
    }
}

pub fn outcome_label(o: Outcome) -> &'static str {
    match o {
        // People read a space; the report's name keeps its underscore.
        Outcome::NotReached => "not reached",
        other => other.as_str(),
    }
}
