//! The live run as the Run screen shows it, folded from the engine's events.

use super::*;

/// The live run.
#[derive(Debug, Default)]
pub struct RunState {
    pub active: bool,
    pub paused: bool,
    pub cancelling: bool,
    pub started: bool,
    pub finished: bool,
    pub cancelled: bool,
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
    pub allowed_per_s: Option<f64>,
    pub eta_s: Option<f64>,
    /// The client's tokens, (live, pool size), when known.
    pub tokens: Option<(usize, usize)>,
    pub log: VecDeque<String>,
    /// Number of runs started in this session (1 = first run, more = retries).
    pub runs: usize,
}

pub const LOG_CAP: usize = 500;

impl RunState {
    pub fn push_log(&mut self, line: String) {
        if self.log.len() == LOG_CAP {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }

    pub fn apply(&mut self, ev: &EngineEvent) {
        match ev {
            EngineEvent::Started {
                rows,
                estimated_requests,
            } => {
                self.started = true;
                self.total = *rows;
                self.estimated_requests = *estimated_requests;
                self.push_log(format!(
                    "run started: {rows} rows, about {estimated_requests} requests"
                ));
            }
            EngineEvent::Step { row, result } => {
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
                            "row {row}: {} failed {} {code} {msg}",
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
                if allowed_per_s.is_some() {
                    self.allowed_per_s = *allowed_per_s;
                }
                self.eta_s = *eta_s;
            }
            // The queue phase is not shown on the Run screen yet (issue 15's TUI part).
            EngineEvent::QueueProgress { .. } => {}
            EngineEvent::Paused => {
                self.paused = true;
                self.push_log("paused".into());
            }
            EngineEvent::Resumed => {
                self.paused = false;
                self.push_log("resumed".into());
            }
            EngineEvent::Log { message } => {
                self.push_log(crate::model::sanitize(message).into_owned());
            }
            EngineEvent::Finished { report, cancelled } => {
                self.active = false;
                self.paused = false;
                self.cancelling = false;
                self.finished = true;
                self.cancelled = *cancelled;
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
