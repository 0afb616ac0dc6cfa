//! The queue phase of a run (the README's "Queue rows"): queue rows are created or updated before any
//! hire row runs, so hire rows that name a queue created in this run join it once it exists.
//!
//! Shape, as for users: a pure state machine ([`machine`]) owns every queue row's state, the
//! shared wrap-up code creates, the pacing of creates (`--queue-rate`) and the settle retries
//! of new queues, with time given to it as plain milliseconds (tests drive the clock); the
//! jobs ([`jobs`]) are a few calls over [`QueueOps`]; the driver ([`driver`]) writes the
//! journal (a write goes out only after its `started` record is durable), sends the events
//! and owns the real clock.

mod api;
mod driver;
pub(crate) mod jobs;
mod machine;
mod ops;
#[cfg(test)]
mod scenarios;
mod verify;

pub use driver::{QueuePhase, run_queue_phase};
pub use machine::{QueueMachine, QueueRunSettings};
pub use ops::QueueOps;

use crate::preflight::queues::{QueueAction, QueueCheck, QueuePlanRow, QueueRunData};

/// A hire row's queue id that stands for a queue this run creates: the hire list is checked
/// (and planned) before the queue exists, so its rows name it by this id until the queue
/// phase answers with the real one ([`QueuePhase::resolve_hire_plan`]).
pub const NEW_QUEUE_PREFIX: &str = "new-queue:";

/// One queue row as the engine runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueTask {
    pub row: usize,
    pub name: String,
    pub action: QueueAction,
    /// The existing queue's id (update).
    pub queue_id: Option<String>,
    pub run: QueueRunData,
}

impl QueueTask {
    /// The journal key of a queue row: its name, case-insensitive.
    pub fn identity(&self) -> String {
        format!("queue:{}", self.name.to_lowercase())
    }
}

impl From<&QueuePlanRow> for QueueTask {
    fn from(p: &QueuePlanRow) -> Self {
        QueueTask {
            row: p.row,
            name: p.name.clone(),
            action: p.action,
            queue_id: p.queue_id.clone(),
            run: p.run.clone(),
        }
    }
}

/// The tasks of a checked queue list, in file order.
pub fn tasks(check: &QueueCheck) -> Vec<QueueTask> {
    check.plan.iter().map(QueueTask::from).collect()
}

/// Requests the queue rows will cost (README "Measured"): a create 1, an update 2 (read
/// and write), a division move 1, wrap-up codes 1 per 100 (+1 read after `copy_from`, +1 per
/// code removed), members 1 per 100, a read-back 1 per 100 queues; each wrap-up code created 1.
pub fn estimate_requests(tasks: &[QueueTask]) -> u64 {
    let mut total = 0u64;
    let mut verified = 0u64;
    let mut codes = std::collections::BTreeSet::new();
    for t in tasks {
        let r = &t.run;
        let mut n = 0u64;
        match t.action {
            QueueAction::Create => n += 1,
            QueueAction::Update if r.settings.is_some() => n += 2,
            _ => {}
        }
        if t.action == QueueAction::Update && r.division_move.is_some() {
            n += 1;
        }
        let adds = r.wrapups_add.len() + r.wrapups_create.len();
        n += adds.div_ceil(100) as u64 + r.wrapups_remove.len() as u64;
        if adds > 0 && r.copy_from_id.is_some() {
            n += 1;
        }
        n += r.member_ids.len().div_ceil(100) as u64;
        if n > 0 {
            verified += 1;
        }
        codes.extend(r.wrapups_create.iter().map(|c| c.to_lowercase()));
        total += n;
    }
    total + verified.div_ceil(100) + codes.len() as u64
}
