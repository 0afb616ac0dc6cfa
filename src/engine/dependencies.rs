//! A clone's dependency steps (spec clone-drift-export §7): the skills and languages a target
//! org lacks, created once per name before any user step, so the user steps can use their
//! ids. Pre-flight checks the users against stand-in ids ([`stand_in`]); this phase replaces
//! them with the real ones ([`DependencyPhase::resolve_plan`]).
//!
//! Each create is journaled like every write: its `started` record is durable before the
//! `POST`. A create whose outcome is unknown (no answer), or that an earlier run started and
//! never confirmed, is resolved by looking the name up (`GET …?name=` is a prefix filter;
//! the names are compared exactly), and a name already taken (409, or a 400 saying so) is
//! looked up and adopted — so a resumed run never creates twice. A re-run's fresh snapshot
//! already has what an earlier run created: it plans no create for it at all.

use super::journal::{Journal, Record, RecordStatus};
use super::ops::{OpError, OpKind};
use super::{Api, RunControl};
use crate::genesys::clone_calls::Catalogue;
use crate::model::{
    DependencyReport, EngineEvent, Named, OrgSnapshot, Outcome, RowPlan, Step, StepResult,
    StepStatus,
};
use crate::preflight::personas::NewObject;
use std::collections::BTreeMap;
use std::future::Future;
use tokio::sync::mpsc;

/// Stand-in ids: `new-skill:<name>`, `new-language:<name>`.
pub const NEW_SKILL_PREFIX: &str = "new-skill:";
pub const NEW_LANGUAGE_PREFIX: &str = "new-language:";

/// The stand-in id pre-flight and the plan use for an object not created yet.
pub fn stand_in_id(o: &NewObject) -> String {
    match o.kind {
        Catalogue::Skills => format!("{NEW_SKILL_PREFIX}{}", o.name),
        Catalogue::Languages => format!("{NEW_LANGUAGE_PREFIX}{}", o.name),
    }
}

/// The name a stand-in id stands for, with its noun; None for a real id.
pub fn stand_in_name(id: &str) -> Option<(&'static str, &str)> {
    id.strip_prefix(NEW_SKILL_PREFIX)
        .map(|n| ("skill", n))
        .or_else(|| {
            id.strip_prefix(NEW_LANGUAGE_PREFIX)
                .map(|n| ("language", n))
        })
}

/// Adds each object to be created to the snapshot under its stand-in id, so the users'
/// rules resolve its name.
pub fn stand_in(snapshot: &mut OrgSnapshot, new: &[NewObject]) {
    for o in new {
        let item = Named {
            id: stand_in_id(o),
            name: o.name.clone(),
        };
        match o.kind {
            Catalogue::Skills => snapshot.skills.push(item),
            Catalogue::Languages => snapshot.languages.push(item),
        }
    }
}

/// The calls the phase makes (the real one is [`Api`]).
pub trait DependencyOps: Clone + Send + Sync + 'static {
    /// `POST /routing/skills` or `/languages`; the new object's id.
    fn create(
        &self,
        kind: Catalogue,
        name: &str,
    ) -> impl Future<Output = Result<String, OpError>> + Send;
    /// Ids of the objects named exactly `name` (case-insensitive).
    fn named(
        &self,
        kind: Catalogue,
        name: &str,
    ) -> impl Future<Output = Result<Vec<String>, OpError>> + Send;
}

impl DependencyOps for Api {
    async fn create(&self, kind: Catalogue, name: &str) -> Result<String, OpError> {
        Ok(self.client().create_named(kind, name).await?.id)
    }
    async fn named(&self, kind: Catalogue, name: &str) -> Result<Vec<String>, OpError> {
        let found = self.client().named(kind, name).await?;
        Ok(found.into_iter().map(|n| n.id).collect())
    }
}

/// What the phase leaves for the user rows and the report.
#[derive(Debug, Clone, Default)]
pub struct DependencyPhase {
    /// Stand-in id → real id, for every object that exists now.
    pub ids: BTreeMap<String, String>,
    pub reports: Vec<DependencyReport>,
}

impl DependencyPhase {
    /// The user rows' stand-in ids become the real ones. One that could not be created
    /// stays: the row's skills or languages step then fails saying so, and sends nothing.
    pub fn resolve_plan(&self, rows: &mut [RowPlan]) {
        for d in rows.iter_mut().filter_map(|r| r.desired.as_mut()) {
            for p in d.skills.iter_mut().chain(d.languages.iter_mut()) {
                if let Some(real) = self.ids.get(&*p.id) {
                    p.id = real.clone().into();
                }
            }
        }
    }
}

/// `create_skill` or `create_language`: the plan's name for the step.
pub fn step_name(o: &NewObject) -> &'static str {
    step_of(o.kind).as_str()
}

fn step_of(kind: Catalogue) -> Step {
    match kind {
        Catalogue::Skills => Step::CreateSkill,
        Catalogue::Languages => Step::CreateLanguage,
    }
}

/// The journal identity of a dependency: `skill:<name>` (lowercased).
pub fn identity(o: &NewObject) -> String {
    let noun = match o.kind {
        Catalogue::Skills => "skill",
        Catalogue::Languages => "language",
    };
    format!("{noun}:{}", o.name.trim().to_lowercase())
}

/// Runs every create, one after another (there are few), and stops starting new ones when
/// the run is cancelled.
pub async fn run<O: DependencyOps>(
    ops: &O,
    new: &[NewObject],
    journal: &mut Journal,
    events: &mpsc::Sender<EngineEvent>,
    control: &RunControl,
) -> DependencyPhase {
    let mut phase = DependencyPhase::default();
    for o in new {
        let report = if control.is_cancelled() {
            DependencyReport {
                step: step_of(o.kind),
                name: o.name.clone(),
                outcome: Outcome::NotReached,
                id: None,
                error: None,
            }
        } else {
            create_one(ops, o, journal).await
        };
        if let Some(id) = &report.id {
            phase.ids.insert(stand_in_id(o), id.clone());
        }
        let _ = events
            .send(EngineEvent::Log {
                message: format!(
                    "{} '{}': {}",
                    report.step.as_str(),
                    o.name,
                    report.outcome.as_str()
                ),
            })
            .await;
        phase.reports.push(report);
    }
    phase
}

/// One record of a dependency, durable before anything depends on it.
fn record(
    o: &NewObject,
    status: RecordStatus,
    id: Option<&str>,
    outcome: Option<Outcome>,
) -> Record {
    Record {
        id: identity(o),
        row: 0,
        step: step_of(o.kind),
        status,
        user_id: id.map(str::to_string),
        outcome,
    }
}

async fn create_one<O: DependencyOps>(
    ops: &O,
    o: &NewObject,
    journal: &mut Journal,
) -> DependencyReport {
    let step = step_of(o.kind);
    let mut report = DependencyReport {
        step,
        name: o.name.clone(),
        outcome: Outcome::Failed,
        id: None,
        error: None,
    };
    let in_doubt = journal
        .history(&identity(o))
        .is_some_and(|h| h.create_in_doubt);
    if in_doubt {
        // An earlier run sent the create and never learned its outcome: look before writing.
        match lookup(ops, o).await {
            Ok(Some(id)) => return adopted(journal, o, report, id, Outcome::Created),
            Ok(None) => {}
            Err(e) => {
                report.error = Some(e.step_result(step));
                return report;
            }
        }
    }
    if let Err(e) = journal.append(&record(o, RecordStatus::Started, None, None)) {
        report.error = Some(failure(step, format!("{e}; the create was not sent")));
        return report;
    }
    match ops.create(o.kind, &o.name).await {
        Ok(id) => adopted(journal, o, report, id, Outcome::Created),
        Err(e) if e.kind == OpKind::Unknown || super::queues::jobs::name_conflict(&e) => {
            // Sent without an answer, or the name is taken: whoever holds the name is it.
            let outcome = if e.kind == OpKind::Unknown {
                Outcome::Created
            } else {
                Outcome::Unchanged
            };
            match lookup(ops, o).await {
                Ok(Some(id)) => adopted(journal, o, report, id, outcome),
                Ok(None) => finish_failed(journal, o, report, e.step_result(step)),
                Err(l) => finish_failed(journal, o, report, l.step_result(step)),
            }
        }
        Err(e) => finish_failed(journal, o, report, e.step_result(step)),
    }
}

/// The one object named `o.name`, if exactly one exists.
async fn lookup<O: DependencyOps>(ops: &O, o: &NewObject) -> Result<Option<String>, OpError> {
    let mut ids = ops.named(o.kind, &o.name).await?;
    Ok((ids.len() == 1).then(|| ids.remove(0)))
}

fn adopted(
    journal: &mut Journal,
    o: &NewObject,
    mut report: DependencyReport,
    id: String,
    outcome: Outcome,
) -> DependencyReport {
    // The id is usable even if its record cannot be written: the org holds the object, and
    // a re-run's snapshot finds it by name.
    if let Err(e) = journal.append(&record(o, RecordStatus::Ok, Some(&id), Some(outcome))) {
        report.error = Some(failure(report.step, e.to_string()));
    }
    report.outcome = outcome;
    report.id = Some(id);
    report
}

fn finish_failed(
    journal: &mut Journal,
    o: &NewObject,
    mut report: DependencyReport,
    error: StepResult,
) -> DependencyReport {
    let status = if error.status == StepStatus::Unknown {
        RecordStatus::Unknown
    } else {
        RecordStatus::Failed
    };
    // Best effort: the failure is in the report either way.
    let _ = journal.append(&record(o, status, None, Some(Outcome::Failed)));
    report.error = Some(error);
    report
}

fn failure(step: Step, message: String) -> StepResult {
    StepResult {
        step,
        status: StepStatus::Failed,
        http_status: None,
        code: None,
        message: Some(message),
        context_id: None,
        attempts: 0,
        request: None,
    }
}
