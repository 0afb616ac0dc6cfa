//! Queue jobs: each is a few calls over [`QueueOps`] and returns data, never panics. A create
//! is never repeated blindly: an unknown outcome is followed by a lookup by the exact name,
//! and only a lookup that finds nothing lets a further `POST` go out.

use super::ops::QueueOps;
use super::verify::differences;
use crate::engine::results::failed;
use crate::engine::{OpError, OpKind};
use crate::genesys::queues::QueueSettings;
use crate::model::{Step, StepResult};
use serde_json::Value;

/// Sends of a create whose outcome stays unknown (each after a lookup that found nothing).
const CREATE_SENDS: u32 = 3;
/// Sends of an idempotent write whose outcome is unknown.
const IDEMPOTENT_SENDS: u32 = 3;
/// Users per member call.
pub const MEMBERS_PER_CALL: usize = 100;

#[derive(Debug, Clone)]
pub enum QJob {
    CreateCode {
        name: String,
    },
    Create {
        idx: usize,
        name: String,
        settings: Box<QueueSettings>,
        source: Option<String>,
        /// An earlier run started this create and never saw its answer.
        in_doubt: bool,
    },
    Update {
        idx: usize,
        id: String,
        changes: Box<QueueSettings>,
    },
    Division {
        idx: usize,
        id: String,
        division: String,
    },
    Wrapups {
        idx: usize,
        id: String,
        add: Vec<String>,
        remove: Vec<String>,
        /// Read the queue's codes first (`copy_from` may have brought some).
        read_first: bool,
    },
    Members {
        idx: usize,
        id: String,
        users: Vec<String>,
    },
    /// Read back up to 100 queues: (row index, queue id, the fields expected).
    Verify {
        rows: Vec<(usize, String, Value)>,
    },
}

/// A create's answer: the queue's id, and whether it was someone else's queue of that name
/// (then its settings are converged with an update).
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub id: String,
    pub converge: bool,
}

/// A step's failure; `settling` when it was a 404 (the queue may not have settled yet).
#[derive(Debug, Clone, PartialEq)]
pub struct StepFailure {
    pub result: StepResult,
    pub not_found: bool,
}

#[derive(Debug, Clone)]
pub enum QDone {
    Code {
        name: String,
        result: Result<String, StepResult>,
    },
    Create {
        idx: usize,
        result: Result<Created, StepResult>,
    },
    Step {
        idx: usize,
        step: Step,
        result: Result<(), StepFailure>,
    },
    Verify {
        each: Vec<(usize, Result<(), StepResult>)>,
    },
}

pub async fn run<O: QueueOps>(ops: &O, job: QJob) -> QDone {
    match job {
        QJob::CreateCode { name } => {
            let result = create_code(ops, &name).await;
            QDone::Code { name, result }
        }
        QJob::Create {
            idx,
            name,
            settings,
            source,
            in_doubt,
        } => QDone::Create {
            idx,
            result: create(ops, &name, &settings, source.as_deref(), in_doubt).await,
        },
        QJob::Update { idx, id, changes } => step_done(
            idx,
            Step::UpdateQueue,
            idempotent(|| update(ops, &id, &changes)).await,
        ),
        QJob::Division { idx, id, division } => step_done(
            idx,
            Step::QueueDivision,
            idempotent(|| ops.move_queues(&division, std::slice::from_ref(&id))).await,
        ),
        QJob::Wrapups {
            idx,
            id,
            add,
            remove,
            read_first,
        } => step_done(
            idx,
            Step::WrapupCodes,
            wrapups(ops, &id, &add, &remove, read_first).await,
        ),
        QJob::Members { idx, id, users } => {
            let mut res = Ok(());
            for chunk in users.chunks(MEMBERS_PER_CALL) {
                res = idempotent(|| ops.add_members(&id, chunk)).await;
                if res.is_err() {
                    break;
                }
            }
            step_done(idx, Step::QueueMembers, res)
        }
        QJob::Verify { rows } => verify(ops, rows).await,
    }
}

fn step_done(idx: usize, step: Step, res: Result<(), OpError>) -> QDone {
    QDone::Step {
        idx,
        step,
        result: res.map_err(|e| StepFailure {
            not_found: e.kind == OpKind::NotFound,
            result: e.step_result(step),
        }),
    }
}

/// Sends a write the API may apply twice without harm again while its outcome is unknown.
async fn idempotent<F, Fut>(mut send: F) -> Result<(), OpError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), OpError>>,
{
    let mut n = 0;
    loop {
        n += 1;
        match send().await {
            Err(e) if e.kind == OpKind::Unknown && n < IDEMPOTENT_SENDS => {}
            other => return other,
        }
    }
}

/// Read-modify-write: a fresh read, the changes laid over it, the whole object back — and
/// no `PUT` at all when the read already holds them.
async fn update<O: QueueOps>(ops: &O, id: &str, changes: &QueueSettings) -> Result<(), OpError> {
    let read = ops.get_queue(id).await?;
    let mut q = read.clone();
    q.overlay(changes);
    if q == read {
        return Ok(());
    }
    ops.put_queue(&q).await
}

async fn wrapups<O: QueueOps>(
    ops: &O,
    id: &str,
    add: &[String],
    remove: &[String],
    read_first: bool,
) -> Result<(), OpError> {
    let mut add = add.to_vec();
    if read_first {
        let have = ops.queue_wrapup_codes(id).await?;
        add.retain(|c| !have.contains(c));
    }
    if !add.is_empty() {
        idempotent(|| ops.add_wrapup_codes(id, &add)).await?;
    }
    for code in remove {
        idempotent(|| ops.remove_wrapup_code(id, code)).await?;
    }
    Ok(())
}

/// A 409, or a 400 that names the name as taken: the name is in use (the real API's answer is not documented: both are handled).
pub(crate) fn name_conflict(e: &OpError) -> bool {
    if e.kind == OpKind::Conflict {
        return true;
    }
    let m = e.inner.message.to_ascii_lowercase();
    e.http_status == Some(400)
        && m.contains("name")
        && ["exist", "in use", "duplicate", "already"]
            .iter()
            .any(|w| m.contains(w))
}

async fn create<O: QueueOps>(
    ops: &O,
    name: &str,
    settings: &QueueSettings,
    source: Option<&str>,
    in_doubt: bool,
) -> Result<Created, StepResult> {
    let step = Step::CreateQueue;
    let lookup = |why: &'static str| async move {
        match ops.queues_named(name).await {
            Ok(ids) if ids.len() > 1 => Err(failed(
                step,
                format!(
                    "{} queues are named '{name}' ({why}); rename all but one in the org and run again",
                    ids.len()
                ),
            )),
            Ok(ids) => Ok(ids.into_iter().next()),
            Err(e) => Err(e.step_result(step)),
        }
    };
    // Our own earlier POST may have landed: a queue of this name is then ours.
    let mut ours_maybe = in_doubt;
    if in_doubt && let Some(id) = lookup("after an unfinished create").await? {
        return Ok(Created {
            id,
            converge: false,
        });
    }
    let mut sends = 0;
    loop {
        sends += 1;
        match ops.create_queue(settings, source).await {
            Ok(id) => {
                return Ok(Created {
                    id,
                    converge: false,
                });
            }
            Err(e) if e.kind == OpKind::Unknown => {
                ours_maybe = true;
                if let Some(id) = lookup("after a create without an answer").await? {
                    return Ok(Created {
                        id,
                        converge: false,
                    });
                }
                if sends >= CREATE_SENDS {
                    let mut r = e.step_result(step);
                    r.message = Some(format!(
                        "the create's outcome stayed unknown after {sends} sends, and no queue named '{name}' was found after each; run again"
                    ));
                    return Err(r);
                }
            }
            Err(e) if name_conflict(&e) => {
                return match lookup("after a name conflict").await? {
                    Some(id) => Ok(Created {
                        id,
                        converge: !ours_maybe,
                    }),
                    None => Err(e.step_result(step)),
                };
            }
            Err(e) => return Err(e.step_result(step)),
        }
    }
}

async fn create_code<O: QueueOps>(ops: &O, name: &str) -> Result<String, StepResult> {
    let step = Step::CreateWrapupCode;
    let lookup = || async {
        match ops.wrapup_codes_named(name).await {
            Ok(ids) => Ok(ids.into_iter().next()),
            Err(e) => Err(e.step_result(step)),
        }
    };
    for sends in 1..=CREATE_SENDS {
        match ops.create_wrapup_code(name).await {
            Ok(id) => return Ok(id),
            Err(e) if e.kind == OpKind::Unknown || name_conflict(&e) => {
                if let Some(id) = lookup().await? {
                    return Ok(id);
                }
                if e.kind != OpKind::Unknown || sends == CREATE_SENDS {
                    return Err(e.step_result(step));
                }
            }
            Err(e) => return Err(e.step_result(step)),
        }
    }
    Err(failed(
        step,
        format!("wrap-up code '{name}' was not created"),
    ))
}

async fn verify<O: QueueOps>(ops: &O, rows: Vec<(usize, String, Value)>) -> QDone {
    let step = Step::VerifyQueue;
    let ids: Vec<String> = rows.iter().map(|(_, id, _)| id.clone()).collect();
    let each = match ops.get_queues(&ids).await {
        Ok(found) => rows
            .into_iter()
            .map(|(idx, id, want)| {
                let r = match found.iter().find(|q| q.id() == id) {
                    None => Err(failed(step, format!("queue {id} could not be read back"))),
                    Some(q) => {
                        let d = differences(&want, &Value::Object(q.json().clone()));
                        if d.is_empty() {
                            Ok(())
                        } else {
                            Err(failed(step, format!("read-back differs: {}", d.join("; "))))
                        }
                    }
                };
                (idx, r)
            })
            .collect(),
        Err(e) => rows
            .into_iter()
            .map(|(idx, _, _)| (idx, Err(e.step_result(step))))
            .collect(),
    };
    QDone::Verify { each }
}
