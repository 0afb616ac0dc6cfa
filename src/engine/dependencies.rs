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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::JournalBinding;
    use crate::genesys::{ApiError, ErrorKind};
    use std::sync::{Arc, Mutex};

    /// Scripted answers: what a create answers, and the ids a name look-up finds.
    #[derive(Clone)]
    struct Scripted {
        create: Arc<Mutex<Vec<Result<String, OpError>>>>,
        found: Vec<String>,
        creates_sent: Arc<Mutex<u32>>,
    }

    impl Scripted {
        fn new(create: Vec<Result<String, OpError>>, found: &[&str]) -> Scripted {
            Scripted {
                create: Arc::new(Mutex::new(create)),
                found: found.iter().map(|s| s.to_string()).collect(),
                creates_sent: Arc::new(Mutex::new(0)),
            }
        }
        fn sent(&self) -> u32 {
            *self.creates_sent.lock().unwrap()
        }
    }

    impl DependencyOps for Scripted {
        async fn create(&self, _: Catalogue, _: &str) -> Result<String, OpError> {
            *self.creates_sent.lock().unwrap() += 1;
            self.create.lock().unwrap().remove(0)
        }
        async fn named(&self, _: Catalogue, _: &str) -> Result<Vec<String>, OpError> {
            Ok(self.found.clone())
        }
    }

    fn err(kind: ErrorKind, status: Option<u16>) -> OpError {
        let mut e = ApiError::new(kind, "POST /api/v2/routing/skills", "scripted");
        e.status = status;
        OpError::from(e)
    }

    fn disputes() -> Vec<NewObject> {
        vec![NewObject {
            kind: Catalogue::Skills,
            name: "Disputes".into(),
        }]
    }

    fn journal(dir: &std::path::Path) -> Journal {
        let binding = JournalBinding {
            org_id: "org".into(),
            org_name: "Org".into(),
            list_key: "k".into(),
        };
        Journal::open(&dir.join("j.jsonl"), &binding).unwrap()
    }

    async fn phase(ops: &Scripted, j: &mut Journal) -> DependencyPhase {
        let (tx, _rx) = mpsc::channel(16);
        run(ops, &disputes(), j, &tx, &RunControl::default()).await
    }

    #[tokio::test]
    async fn a_created_skill_replaces_its_stand_in_and_is_journaled_done() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = journal(dir.path());
        let ops = Scripted::new(vec![Ok("s-new".into())], &[]);
        let p = phase(&ops, &mut j).await;
        assert_eq!(p.reports[0].outcome, Outcome::Created);
        assert_eq!(
            p.ids.get("new-skill:Disputes").map(String::as_str),
            Some("s-new")
        );
        let h = j.history("skill:disputes").unwrap();
        assert!(!h.create_in_doubt && h.user_id.as_deref() == Some("s-new"));
    }

    #[tokio::test]
    async fn an_unknown_outcome_or_a_taken_name_is_looked_up_and_adopted() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = journal(dir.path());
        let ops = Scripted::new(vec![Err(err(ErrorKind::OutcomeUnknown, None))], &["s-1"]);
        let p = phase(&ops, &mut j).await;
        assert_eq!((p.reports[0].outcome, p.ids.len()), (Outcome::Created, 1));
        let ops = Scripted::new(vec![Err(err(ErrorKind::Conflict, Some(409)))], &["s-1"]);
        let p = phase(&ops, &mut j).await;
        assert_eq!(p.reports[0].outcome, Outcome::Unchanged, "adopted");
        assert_eq!(
            p.ids.get("new-skill:Disputes").map(String::as_str),
            Some("s-1")
        );
        let ops = Scripted::new(vec![Err(err(ErrorKind::OutcomeUnknown, None))], &[]);
        let p = phase(&ops, &mut j).await;
        assert_eq!(p.reports[0].outcome, Outcome::Failed, "not found after all");
        assert!(p.ids.is_empty());
    }

    #[tokio::test]
    async fn a_create_a_killed_run_left_in_doubt_is_looked_up_before_any_resend() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut j = journal(dir.path());
            j.append(&record(&disputes()[0], RecordStatus::Started, None, None))
                .unwrap();
        }
        // The killed run's create went through: the re-run adopts it and sends nothing.
        let mut j = journal(dir.path());
        assert!(j.history("skill:disputes").unwrap().create_in_doubt);
        let ops = Scripted::new(vec![], &["s-1"]);
        let p = phase(&ops, &mut j).await;
        assert_eq!(ops.sent(), 0, "no second create");
        assert_eq!(
            p.ids.get("new-skill:Disputes").map(String::as_str),
            Some("s-1")
        );
        assert!(!j.history("skill:disputes").unwrap().create_in_doubt);
    }

    #[test]
    fn unresolved_stand_ins_stay_and_real_ids_replace_the_rest() {
        use crate::model::{DesiredUser, PlanAction, Proficiency};
        let desired = DesiredUser {
            email: "a@x".into(),
            name: "A".into(),
            division_id: "d".into(),
            department: None,
            title: None,
            manager: None,
            grants: vec![],
            skills: vec![
                Proficiency {
                    id: "new-skill:Disputes".into(),
                    proficiency: 2.0,
                },
                Proficiency {
                    id: "new-skill:Other".into(),
                    proficiency: 1.0,
                },
            ],
            languages: vec![],
            queue_ids: vec![],
            phone: None,
            extension: None,
            licenses: vec![],
            external_id: None,
            utilization: vec![],
        };
        let mut rows = vec![RowPlan {
            row: 1,
            line: 2,
            email: "a@x".into(),
            identity: "email:a@x".into(),
            action: PlanAction::Update,
            existing: None,
            desired: Some(Box::new(desired)),
            diff: vec![],
        }];
        let phase = DependencyPhase {
            ids: [("new-skill:Disputes".to_string(), "s-1".to_string())].into(),
            reports: vec![],
        };
        phase.resolve_plan(&mut rows);
        let ids: Vec<&str> = rows[0]
            .desired
            .as_ref()
            .unwrap()
            .skills
            .iter()
            .map(|p| &*p.id)
            .collect();
        assert_eq!(ids, vec!["s-1", "new-skill:Other"]);
        assert_eq!(stand_in_name("new-skill:Other"), Some(("skill", "Other")));
    }
}
