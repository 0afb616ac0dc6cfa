//! Runs the queue machine against the org: writes the journal (every `started` record is
//! durable before its job goes out), sends events, runs up to the concurrency of jobs at
//! once, and ticks the machine with the real clock (10 times a second, for pacing and settle
//! retries). It decides nothing.

use super::QueueTask;
use super::jobs::{self, QDone};
use super::machine::{QEffect, QEvent, QueueMachine, QueueRunSettings};
use super::ops::QueueOps;
use crate::engine::RunControl;
use crate::engine::journal::Journal;
use crate::model::{EngineEvent, PlanAction, RowPlan, RowReport};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

type JobFuture = Pin<Box<dyn Future<Output = QDone> + Send>>;

/// What the queue phase leaves for the hire rows and the report.
#[derive(Debug, Clone, Default)]
pub struct QueuePhase {
    pub rows: Vec<RowReport>,
    /// Lower-cased queue name → id, for every queue of the list that exists now.
    pub ids: BTreeMap<String, String>,
    pub cancelled: bool,
}

impl QueuePhase {
    /// Hire rows that name a queue this run created get its real id, and hire rows a queue
    /// row lists as members join it (through the hire rows' queue membership groups). A
    /// queue that could not be created keeps its stand-in id: the hire row's queue step then
    /// fails saying so.
    pub fn resolve_hire_plan(&self, tasks: &[QueueTask], rows: &mut [RowPlan]) {
        let real = |id: &str| -> Option<String> {
            let name = id.strip_prefix(super::NEW_QUEUE_PREFIX)?;
            self.ids.get(&name.to_lowercase()).cloned()
        };
        let mut joins: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in tasks {
            let id = self
                .ids
                .get(&t.name.to_lowercase())
                .cloned()
                .unwrap_or_else(|| format!("{}{}", super::NEW_QUEUE_PREFIX, t.name));
            for email in &t.run.member_hires {
                joins.entry(email.clone()).or_default().push(id.clone());
            }
        }
        for row in rows.iter_mut() {
            let joined = joins.get(row.email.to_lowercase().as_str());
            let Some(d) = row.desired.as_mut() else {
                continue;
            };
            for q in d.queue_ids.iter_mut() {
                if let Some(id) = real(q) {
                    *q = id.into();
                }
            }
            let mut added = false;
            for id in joined.into_iter().flatten() {
                if !d.queue_ids.iter().any(|q| **q == **id) {
                    d.queue_ids.push(id.clone().into());
                    added = true;
                }
            }
            if added && row.action == PlanAction::Unchanged {
                row.action = PlanAction::Update;
            }
        }
    }
}

/// Runs the queue phase to its end.
pub async fn run_queue_phase<O: QueueOps>(
    ops: &O,
    tasks: Vec<QueueTask>,
    settings: QueueRunSettings,
    journal: &mut Journal,
    events: &mpsc::Sender<EngineEvent>,
    control: &RunControl,
) -> QueuePhase {
    let mut machine = QueueMachine::new(tasks, settings, |id| journal.history(id).cloned());
    let start = Instant::now();
    let now = || start.elapsed().as_millis() as u64;
    let mut in_flight: FuturesUnordered<JobFuture> = FuturesUnordered::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let cancel = control.cancel.clone();
    let mut cancel_seen = cancel.is_cancelled();
    let mut queue: VecDeque<QEffect> = machine
        .handle(
            now(),
            QEvent::Start {
                cancelled: cancel_seen,
            },
        )
        .into();
    let mut refused: Option<String> = None;
    loop {
        while let Some(effect) = queue.pop_front() {
            match effect {
                QEffect::Emit(ev) => {
                    let _ = events.send(ev).await;
                }
                QEffect::Journal(recs) => {
                    if refused.is_none()
                        && let Err(e) = journal.append_all(&recs)
                    {
                        refused = Some(e.to_string());
                        queue.extend(machine.handle(now(), QEvent::Cancel));
                    }
                }
                QEffect::Send { started, job } => {
                    // No write without a durable record of it.
                    let written = match &refused {
                        Some(why) => Err(why.clone()),
                        None => journal.append_all(&started).map_err(|e| e.to_string()),
                    };
                    match written {
                        Ok(()) => {
                            let ops = ops.clone();
                            in_flight.push(Box::pin(async move { jobs::run(&ops, job).await }));
                        }
                        Err(why) => {
                            refused = Some(why.clone());
                            queue.extend(machine.handle(now(), QEvent::Refused(why)));
                        }
                    }
                }
                QEffect::Finish {
                    rows,
                    ids,
                    cancelled,
                } => {
                    return QueuePhase {
                        rows,
                        ids,
                        cancelled: cancelled || refused.is_some(),
                    };
                }
            }
        }
        let event = tokio::select! {
            Some(done) = in_flight.next(), if !in_flight.is_empty() => QEvent::Done(done),
            _ = cancel.cancelled(), if !cancel_seen => {
                cancel_seen = true;
                QEvent::Cancel
            }
            _ = tick.tick() => QEvent::Tick,
        };
        queue.extend(machine.handle(now(), event));
    }
}
