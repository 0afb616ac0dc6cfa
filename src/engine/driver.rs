//! The driver: performs the scheduler's effects. It owns everything with side effects — the
//! journal file, the passwords file, the event channel, the clock and the in-flight job
//! futures — and turns what happens (a job answers, the control changes, a tick) into
//! scheduler events. It decides nothing.

use super::RunControl;
use super::jobs::{self, Done, Job};
use super::journal::Journal;
use super::ops::Ops;
use super::passwords::{PasswordSink, generate_password};
use super::scheduler::{Effect, Event, Scheduler};
use crate::model::{ApiStats, EngineEvent, Report};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

type JobFuture = Pin<Box<dyn Future<Output = Done> + Send>>;

/// The side of a run that touches the world.
pub struct Driver<O: Ops> {
    ops: O,
    journal: Journal,
    passwords: Option<PasswordSink>,
    events: mpsc::Sender<EngineEvent>,
    control: RunControl,
    meter: Meter,
    /// Report rows of an earlier phase of the same run (the queue rows), reported with the
    /// user rows.
    earlier_rows: Vec<crate::model::RowReport>,
    /// What a clone's dependency phase did, reported beside the rows.
    dependencies: Vec<crate::model::DependencyReport>,
}

impl<O: Ops> Driver<O> {
    pub fn new(
        ops: O,
        journal: Journal,
        passwords: Option<PasswordSink>,
        events: mpsc::Sender<EngineEvent>,
        control: RunControl,
        estimated: u64,
    ) -> Driver<O> {
        let meter = Meter::new(ops.stats(), estimated);
        Driver {
            ops,
            journal,
            passwords,
            events,
            control,
            meter,
            earlier_rows: Vec::new(),
            dependencies: Vec::new(),
        }
    }

    /// Runs the queue phase (the README's "Queue rows") on this driver's journal, events and control,
    /// before the user rows; its rows join the run's report.
    pub async fn run_queue_phase(
        &mut self,
        tasks: Vec<super::queues::QueueTask>,
        settings: super::queues::QueueRunSettings,
    ) -> super::queues::QueuePhase
    where
        O: super::queues::QueueOps,
    {
        let ops = self.ops.clone();
        let phase = super::queues::run_queue_phase(
            &ops,
            tasks,
            settings,
            &mut self.journal,
            &self.events,
            &self.control,
        )
        .await;
        self.earlier_rows.extend(phase.rows.iter().cloned());
        phase
    }

    /// Runs a clone's dependency steps (skills and languages the org lacks) on this driver's
    /// journal, before every other phase.
    pub async fn run_dependency_phase(
        &mut self,
        new: &[crate::preflight::personas::NewObject],
    ) -> super::dependencies::DependencyPhase
    where
        O: super::dependencies::DependencyOps,
    {
        let ops = self.ops.clone();
        let phase =
            super::dependencies::run(&ops, new, &mut self.journal, &self.events, &self.control)
                .await;
        self.dependencies.extend(phase.reports.iter().cloned());
        phase
    }

    /// The history the journal holds of a row identity.
    pub fn history(&self, identity: &str) -> Option<super::journal::RowHistory> {
        self.journal.history(identity).cloned()
    }

    /// The user phase's request estimate (known once its plan is final).
    pub fn set_estimated(&mut self, estimated: u64) {
        self.meter.estimated = estimated;
    }

    /// Runs the scheduler to its end and returns the report.
    pub async fn run(mut self, mut scheduler: Scheduler) -> Report {
        let mut in_flight: FuturesUnordered<JobFuture> = FuturesUnordered::new();
        let mut paused_rx = self.control.subscribe();
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let cancel = self.control.cancel.clone();
        let mut cancel_seen = cancel.is_cancelled();
        let start = Event::Start {
            paused: *paused_rx.borrow_and_update(),
            cancelled: cancel_seen,
        };
        let mut queue: VecDeque<Effect> = scheduler.handle(start).into();
        loop {
            while let Some(effect) = queue.pop_front() {
                let follow = match effect {
                    Effect::Emit(ev) => {
                        // A receiver that went away (the UI closed) must not stop the run.
                        let _ = self.events.send(ev).await;
                        None
                    }
                    Effect::Journal(records) => Some(Event::JournalWritten(
                        self.journal.append_all(&records).map_err(|e| e.to_string()),
                    )),
                    Effect::Send(job) => {
                        let (password, stop) = self.password_for(&job);
                        let ops = self.ops.clone();
                        in_flight.push(Box::pin(
                            async move { jobs::run(&ops, job, password).await },
                        ));
                        stop.map(Event::Stop)
                    }
                    Effect::ReportRate => {
                        self.emit_rate();
                        None
                    }
                    Effect::Finish {
                        mut rows,
                        cancelled,
                    } => {
                        rows.extend(std::mem::take(&mut self.earlier_rows));
                        let mut report = crate::report::build(rows, self.meter.stats(&self.ops));
                        report.dependencies = std::mem::take(&mut self.dependencies);
                        let _ = self
                            .events
                            .send(EngineEvent::Finished {
                                report: report.clone(),
                                cancelled,
                            })
                            .await;
                        return report;
                    }
                };
                // Answers go back at once, before any later effect is performed: the
                // scheduler's next decision may depend on them.
                if let Some(ev) = follow {
                    queue.extend(scheduler.handle(ev));
                }
            }
            let event = tokio::select! {
                Some(done) = in_flight.next(), if !in_flight.is_empty() => Event::Done(done),
                Ok(()) = paused_rx.changed() => {
                    if *paused_rx.borrow_and_update() { Event::Pause } else { Event::Resume }
                }
                _ = cancel.cancelled(), if !cancel_seen => {
                    cancel_seen = true;
                    Event::Cancel
                }
                _ = tick.tick() => Event::Tick,
            };
            queue.extend(scheduler.handle(event));
        }
    }

    /// A create with `--passwords` gets a generated password, written to the passwords file
    /// before the create is sent: a user that exists always has its password on file (a
    /// failed create leaves an unused line, which is safe). Returns the password and, when
    /// the RNG or the file failed, why the run must stop.
    fn password_for(&mut self, job: &Job) -> (Option<String>, Option<String>) {
        let Job::Primary {
            email,
            wants_password: true,
            ..
        } = job
        else {
            return (None, None);
        };
        let Some(sink) = self.passwords.as_mut() else {
            return (None, None);
        };
        match generate_password() {
            Ok(p) => {
                let stop = sink
                    .write(email, &p)
                    .err()
                    .map(|e| format!("cannot write the passwords file: {e}; the run stopped"));
                (Some(p), stop)
            }
            Err(e) => (
                None,
                Some(format!(
                    "cannot get random bytes from the OS for a password: {e}; the run stopped"
                )),
            ),
        }
    }

    fn emit_rate(&mut self) {
        let ev = self.meter.rate(&self.ops);
        // Rate updates are droppable: never block the run on a slow UI for them.
        let _ = self.events.try_send(ev);
    }
}

/// The run's request counters and rate, from the client's cumulative stats.
struct Meter {
    base: ApiStats,
    started: Instant,
    samples: VecDeque<(Instant, u64)>,
    estimated: u64,
}

impl Meter {
    fn new(base: ApiStats, estimated: u64) -> Meter {
        Meter {
            base,
            started: Instant::now(),
            samples: VecDeque::new(),
            estimated,
        }
    }

    /// This run's share of the client's counters.
    fn stats(&self, ops: &impl Ops) -> ApiStats {
        let now = ops.stats();
        ApiStats {
            requests: now.requests.saturating_sub(self.base.requests),
            throttled: now.throttled.saturating_sub(self.base.throttled),
            retries: now.retries.saturating_sub(self.base.retries),
            bytes: now.bytes.saturating_sub(self.base.bytes),
            elapsed_s: self.started.elapsed().as_secs_f64(),
        }
    }

    /// The rate over the last 5 seconds and the ETA of the estimate's remaining requests.
    fn rate(&mut self, ops: &impl Ops) -> EngineEvent {
        let stats = self.stats(ops);
        let now = Instant::now();
        self.samples.push_back((now, stats.requests));
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > Duration::from_secs(5))
        {
            self.samples.pop_front();
        }
        let requests_per_s = match (self.samples.front(), self.samples.back()) {
            (Some((t0, n0)), Some((t1, n1))) if t1 > t0 => {
                (n1 - n0) as f64 / t1.duration_since(*t0).as_secs_f64()
            }
            _ => 0.0,
        };
        let allowed_per_s = ops.allowed_per_s();
        let remaining = self.estimated.saturating_sub(stats.requests) as f64;
        let pace = if requests_per_s > 0.0 {
            Some(requests_per_s)
        } else {
            allowed_per_s
        };
        let eta_s = pace.filter(|p| *p > 0.0).map(|p| remaining / p);
        EngineEvent::Rate {
            stats,
            requests_per_s,
            allowed_per_s,
            eta_s,
            tokens: ops.tokens(),
        }
    }
}
