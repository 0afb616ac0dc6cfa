//! Queue phase scenarios without a network: the machine is handed answers and times (no
//! sleeps), the jobs run over a scripted [`QueueOps`].

use super::jobs::{self, Created, QDone, QJob, StepFailure};
use super::machine::{QEffect, QEvent, QueueMachine, QueueRunSettings};
use super::ops::QueueOps;
use super::{QueueRunData, QueueTask};
use crate::engine::journal::RecordStatus;
use crate::engine::{OpError, OpKind};
use crate::genesys::queues::{QueueObject, QueueSettings};
use crate::genesys::{ApiError, ErrorKind};
use crate::model::{EngineEvent, Outcome, RowReport, Step, StepStatus};
use crate::preflight::queues::QueueAction;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

fn task(row: usize, name: &str) -> QueueTask {
    QueueTask {
        row,
        name: name.into(),
        action: QueueAction::Create,
        queue_id: None,
        run: QueueRunData {
            settings: Some(QueueSettings {
                name: Some(name.into()),
                description: Some("d".into()),
                ..Default::default()
            }),
            wrapups_add: vec!["w1".into(), "w2".into(), "w3".into()],
            member_ids: vec!["u1".into()],
            ..Default::default()
        },
    }
}

fn err(kind: ErrorKind, status: u16) -> StepFailure {
    let mut e = ApiError::new(kind, "POST /x", "scripted");
    e.status = Some(status);
    let e = OpError::from(e);
    StepFailure {
        not_found: e.kind == OpKind::NotFound,
        result: e.step_result(Step::WrapupCodes),
    }
}

/// A machine under test: effects are collected, jobs queued for the test to answer.
struct Run {
    m: QueueMachine,
    jobs: VecDeque<QJob>,
    emitted: Vec<EngineEvent>,
    journal: Vec<crate::engine::journal::Record>,
    finished: Option<(Vec<RowReport>, bool)>,
}

impl Run {
    fn new(tasks: Vec<QueueTask>, creates_per_min: u32) -> Run {
        let settings = QueueRunSettings {
            creates_per_min,
            concurrency: 8,
        };
        let mut r = Run {
            m: QueueMachine::new(tasks, settings, |_| None),
            jobs: VecDeque::new(),
            emitted: Vec::new(),
            journal: Vec::new(),
            finished: None,
        };
        r.at(0, QEvent::Start { cancelled: false });
        r
    }

    fn at(&mut self, now: u64, ev: QEvent) {
        for e in self.m.handle(now, ev) {
            match e {
                QEffect::Emit(ev) => self.emitted.push(ev),
                QEffect::Journal(recs) => self.journal.extend(recs),
                QEffect::Send { started, job } => {
                    if !matches!(job, QJob::Verify { .. }) {
                        assert!(!started.is_empty(), "a write without a started record");
                    }
                    self.journal.extend(started);
                    self.jobs.push_back(job);
                }
                QEffect::Finish {
                    rows, cancelled, ..
                } => self.finished = Some((rows, cancelled)),
            }
        }
    }

    fn next(&mut self) -> QJob {
        self.jobs.pop_front().expect("a job was expected")
    }

    fn report(&self, row: usize) -> RowReport {
        let (rows, _) = self.finished.as_ref().expect("the phase has not finished");
        rows.iter().find(|r| r.row == row).cloned().expect("row")
    }

    fn settling_seen(&self) -> Vec<usize> {
        self.emitted
            .iter()
            .filter_map(|e| match e {
                EngineEvent::QueueProgress { settling, .. } => Some(*settling),
                _ => None,
            })
            .collect()
    }
}

fn created(idx: usize, id: &str) -> QEvent {
    QEvent::Done(QDone::Create {
        idx,
        result: Ok(Created {
            id: id.into(),
            converge: false,
        }),
    })
}

fn step_ok(idx: usize, step: Step) -> QEvent {
    QEvent::Done(QDone::Step {
        idx,
        step,
        result: Ok(()),
    })
}

fn verified(idx: usize) -> QEvent {
    QEvent::Done(QDone::Verify {
        each: vec![(idx, Ok(()))],
    })
}

#[test]
fn a_new_queue_that_answers_404_is_settling_then_succeeds_on_the_backoff() {
    let mut r = Run::new(vec![task(1, "Billing")], 60);
    assert!(matches!(r.next(), QJob::Create { .. }));
    r.at(10, created(0, "q1"));
    // The wrap-up codes meet the new queue's lag.
    let a = r.next();
    assert!(matches!(a, QJob::Wrapups { ref add, .. } if add.len() == 3));
    let not_found = |step| {
        QEvent::Done(QDone::Step {
            idx: 0,
            step,
            result: Err(err(ErrorKind::NotFound, 404)),
        })
    };
    r.at(20, not_found(Step::WrapupCodes));
    assert!(r.jobs.is_empty());
    assert!(r.settling_seen().contains(&1), "{:?}", r.settling_seen());
    r.at(1019, QEvent::Tick);
    assert!(r.jobs.is_empty(), "retried before the first backoff (1 s)");
    r.at(1020, QEvent::Tick);
    assert!(matches!(r.next(), QJob::Wrapups { .. }));
    r.at(1030, not_found(Step::WrapupCodes));
    r.at(3029, QEvent::Tick);
    assert!(r.jobs.is_empty(), "the second backoff is 2 s");
    r.at(3030, QEvent::Tick);
    assert!(matches!(r.next(), QJob::Wrapups { .. }));
    r.at(3040, step_ok(0, Step::WrapupCodes));
    assert!(matches!(r.next(), QJob::Members { .. }));
    r.at(3045, step_ok(0, Step::QueueMembers));
    assert!(matches!(r.next(), QJob::Verify { .. }));
    r.at(3050, verified(0));
    let rep = r.report(1);
    assert_eq!(rep.outcome, Outcome::Created);
    let w = rep
        .steps
        .iter()
        .find(|s| s.step == Step::WrapupCodes)
        .unwrap();
    assert_eq!((w.status, w.attempts), (StepStatus::Ok, 3));
    assert_eq!(r.settling_seen().last(), Some(&0));
}

#[test]
fn settling_is_bounded_and_a_failed_step_never_deletes_the_queue() {
    let mut r = Run::new(vec![task(1, "Billing")], 60);
    r.next();
    r.at(0, created(0, "q1"));
    let _wrapups = r.next();
    let mut now = 1;
    for backoff in [1_000, 2_000, 4_000, 8_000, 16_000] {
        r.at(
            now,
            QEvent::Done(QDone::Step {
                idx: 0,
                step: Step::WrapupCodes,
                result: Err(err(ErrorKind::NotFound, 404)),
            }),
        );
        now += backoff;
        r.at(now, QEvent::Tick);
        assert!(matches!(r.next(), QJob::Wrapups { .. }));
    }
    r.at(
        now,
        QEvent::Done(QDone::Step {
            idx: 0,
            step: Step::WrapupCodes,
            result: Err(err(ErrorKind::NotFound, 404)),
        }),
    );
    // The member step still runs; then no delete and no verify of a failed row.
    assert!(matches!(r.next(), QJob::Members { .. }));
    r.at(now + 1, step_ok(0, Step::QueueMembers));
    assert!(r.jobs.is_empty(), "no delete, no verify of a failed row");
    let rep = r.report(1);
    assert_eq!(rep.outcome, Outcome::Failed);
    assert_eq!(rep.user_id.as_deref(), Some("q1"), "the queue is kept");
    let w = rep
        .steps
        .iter()
        .find(|s| s.step == Step::WrapupCodes)
        .unwrap();
    assert_eq!(w.status, StepStatus::Failed);
    assert_eq!(w.http_status, Some(404));
}

#[test]
fn a_404_on_a_queue_not_created_in_this_run_is_a_failure_not_settling() {
    let mut t = task(1, "Billing");
    t.action = QueueAction::Update;
    t.queue_id = Some("q9".into());
    let mut r = Run::new(vec![t], 60);
    assert!(matches!(r.next(), QJob::Update { .. }));
    r.at(
        5,
        QEvent::Done(QDone::Step {
            idx: 0,
            step: Step::UpdateQueue,
            result: Err(err(ErrorKind::NotFound, 404)),
        }),
    );
    assert!(r.settling_seen().iter().all(|s| *s == 0));
    let failed: Vec<_> = r
        .journal
        .iter()
        .filter(|x| x.step == Step::UpdateQueue && x.status == RecordStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
}

#[test]
fn one_row_failing_its_wrapups_leaves_the_others_and_its_own_members_going() {
    let mut r = Run::new(vec![task(1, "A"), task(2, "B")], 6000);
    assert!(matches!(r.next(), QJob::Create { idx: 0, .. }));
    r.at(10, QEvent::Tick);
    assert!(matches!(r.next(), QJob::Create { idx: 1, .. }));
    r.at(11, created(0, "qa"));
    r.at(12, created(1, "qb"));
    let jobs: Vec<QJob> = r.jobs.drain(..).collect();
    assert_eq!(jobs.len(), 2, "each row's wrap-up codes");
    r.at(
        13,
        QEvent::Done(QDone::Step {
            idx: 0,
            step: Step::WrapupCodes,
            result: Err(err(ErrorKind::BadRequest, 400)),
        }),
    );
    assert!(matches!(r.next(), QJob::Members { idx: 0, .. }));
    r.at(14, step_ok(0, Step::QueueMembers));
    r.at(15, step_ok(1, Step::WrapupCodes));
    assert!(matches!(r.next(), QJob::Members { idx: 1, .. }));
    r.at(16, step_ok(1, Step::QueueMembers));
    match r.next() {
        QJob::Verify { rows } => assert_eq!(rows.iter().map(|x| x.0).collect::<Vec<_>>(), [1]),
        other => panic!("{other:?}"),
    }
    r.at(17, verified(1));
    assert_eq!(r.report(1).outcome, Outcome::Failed);
    let members = r
        .report(1)
        .steps
        .iter()
        .any(|s| s.step == Step::QueueMembers && s.status == StepStatus::Ok);
    assert!(members, "the failed row's member step still ran");
    assert_eq!(r.report(2).outcome, Outcome::Created);
}

#[test]
fn creates_are_paced_at_the_queue_rate() {
    let mut r = Run::new(vec![task(1, "A"), task(2, "B"), task(3, "C")], 60);
    assert!(matches!(r.next(), QJob::Create { idx: 0, .. }));
    assert!(r.jobs.is_empty());
    r.at(999, QEvent::Tick);
    assert!(r.jobs.is_empty(), "60/min is one create a second");
    r.at(1000, QEvent::Tick);
    assert!(matches!(r.next(), QJob::Create { idx: 1, .. }));
    r.at(1500, QEvent::Tick);
    assert!(r.jobs.is_empty());
    r.at(2000, QEvent::Tick);
    assert!(matches!(r.next(), QJob::Create { idx: 2, .. }));
}

#[test]
fn a_name_conflict_adopts_the_queue_and_converges_it_with_an_update() {
    let mut r = Run::new(vec![task(1, "A")], 60);
    r.next();
    r.at(
        1,
        QEvent::Done(QDone::Create {
            idx: 0,
            result: Ok(Created {
                id: "qa".into(),
                converge: true,
            }),
        }),
    );
    assert!(matches!(r.next(), QJob::Update { ref id, .. } if id == "qa"));
    r.at(2, step_ok(0, Step::UpdateQueue));
    r.at(3, step_ok(0, Step::WrapupCodes));
    r.next();
    r.at(4, step_ok(0, Step::QueueMembers));
    r.next();
    r.at(5, verified(0));
    assert_eq!(r.report(1).outcome, Outcome::Updated);
}

#[test]
fn a_cancelled_phase_says_which_rows_began_and_which_were_not_reached() {
    let mut r = Run::new(vec![task(1, "A"), task(2, "B")], 60);
    r.next();
    r.at(1, QEvent::Cancel);
    assert!(r.finished.is_none(), "the in-flight create finishes first");
    r.at(2, created(0, "qa"));
    assert!(r.jobs.is_empty());
    assert_eq!(r.report(1).outcome, Outcome::Interrupted);
    assert_eq!(r.report(2).outcome, Outcome::NotReached);
    let last: Vec<_> = r.journal.iter().filter(|x| x.outcome.is_some()).collect();
    assert_eq!(last.len(), 2);
}

// ---- jobs over a scripted org ----

#[derive(Clone, Default)]
struct Scripted {
    creates: Arc<Mutex<VecDeque<Result<String, OpError>>>>,
    lookups: Arc<Mutex<VecDeque<Vec<String>>>>,
    calls: Arc<Mutex<Vec<String>>>,
}

fn op_err(kind: ErrorKind, status: Option<u16>) -> OpError {
    let mut e = ApiError::new(kind, "POST /api/v2/routing/queues", "scripted");
    e.status = status;
    OpError::from(e)
}

impl Scripted {
    fn log(&self, s: &str) {
        self.calls.lock().unwrap().push(s.into());
    }
    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl QueueOps for Scripted {
    async fn create_queue(&self, _: &QueueSettings, _: Option<&str>) -> Result<String, OpError> {
        self.log("POST");
        let next = self.creates.lock().unwrap().pop_front();
        match next {
            Some(answer) => answer,
            None => Ok("q-new".into()),
        }
    }
    async fn queues_named(&self, _: &str) -> Result<Vec<String>, OpError> {
        self.log("LOOKUP");
        Ok(self.lookups.lock().unwrap().pop_front().unwrap_or_default())
    }
    async fn get_queue(&self, _: &str) -> Result<QueueObject, OpError> {
        Ok(QueueObject::default())
    }
    async fn put_queue(&self, _: &QueueObject) -> Result<(), OpError> {
        Ok(())
    }
    async fn move_queues(&self, _: &str, _: &[String]) -> Result<(), OpError> {
        Ok(())
    }
    async fn queue_wrapup_codes(&self, _: &str) -> Result<Vec<String>, OpError> {
        Ok(vec![])
    }
    async fn add_wrapup_codes(&self, _: &str, _: &[String]) -> Result<(), OpError> {
        Ok(())
    }
    async fn remove_wrapup_code(&self, _: &str, _: &str) -> Result<(), OpError> {
        Ok(())
    }
    async fn add_members(&self, _: &str, _: &[String]) -> Result<(), OpError> {
        Ok(())
    }
    async fn get_queues(&self, _: &[String]) -> Result<Vec<QueueObject>, OpError> {
        Ok(vec![])
    }
    async fn create_wrapup_code(&self, _: &str) -> Result<String, OpError> {
        Ok("w".into())
    }
    async fn wrapup_codes_named(&self, _: &str) -> Result<Vec<String>, OpError> {
        Ok(vec![])
    }
}

fn create_job(in_doubt: bool) -> QJob {
    QJob::Create {
        idx: 0,
        name: "A".into(),
        settings: Box::default(),
        source: None,
        in_doubt,
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn created_of(done: QDone) -> Result<Created, crate::model::StepResult> {
    match done {
        QDone::Create { result, .. } => result,
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unknown_create_outcome_is_looked_up_and_adopted_never_posted_again_blindly() {
    let org = Scripted::default();
    org.creates
        .lock()
        .unwrap()
        .push_back(Err(op_err(ErrorKind::OutcomeUnknown, None)));
    org.lookups
        .lock()
        .unwrap()
        .push_back(vec!["q-landed".into()]);
    let got = created_of(block_on(jobs::run(&org, create_job(false))));
    assert_eq!(
        got,
        Ok(Created {
            id: "q-landed".into(),
            converge: false
        })
    );
    assert_eq!(org.calls(), ["POST", "LOOKUP"]);
}

#[test]
fn an_unknown_create_that_did_not_land_is_sent_again_only_after_the_lookup() {
    let org = Scripted::default();
    org.creates
        .lock()
        .unwrap()
        .push_back(Err(op_err(ErrorKind::OutcomeUnknown, None)));
    let got = created_of(block_on(jobs::run(&org, create_job(false))));
    assert_eq!(got.map(|c| c.id), Ok("q-new".to_string()));
    assert_eq!(org.calls(), ["POST", "LOOKUP", "POST"]);
}

#[test]
fn a_conflict_after_a_lost_answer_is_our_own_queue_and_a_fresh_conflict_converges() {
    // Our first POST landed late: the second meets the name. It is ours (created).
    let org = Scripted::default();
    {
        let mut c = org.creates.lock().unwrap();
        c.push_back(Err(op_err(ErrorKind::OutcomeUnknown, None)));
        c.push_back(Err(op_err(ErrorKind::Conflict, Some(409))));
    }
    {
        let mut l = org.lookups.lock().unwrap();
        l.push_back(vec![]);
        l.push_back(vec!["q-late".into()]);
    }
    let got = created_of(block_on(jobs::run(&org, create_job(false))));
    assert_eq!(
        got,
        Ok(Created {
            id: "q-late".into(),
            converge: false
        })
    );
    // A conflict on the first send: someone's queue; adopt it and converge.
    let org = Scripted::default();
    org.creates
        .lock()
        .unwrap()
        .push_back(Err(op_err(ErrorKind::BadRequest, Some(400))));
    let got = created_of(block_on(jobs::run(&org, create_job(false))));
    assert!(
        got.is_err(),
        "a 400 that does not name the name is a plain failure"
    );
    let org = Scripted::default();
    org.creates
        .lock()
        .unwrap()
        .push_back(Err(op_err(ErrorKind::Conflict, Some(409))));
    org.lookups
        .lock()
        .unwrap()
        .push_back(vec!["q-theirs".into()]);
    let got = created_of(block_on(jobs::run(&org, create_job(false))));
    assert_eq!(
        got,
        Ok(Created {
            id: "q-theirs".into(),
            converge: true
        })
    );
}

#[test]
fn a_create_left_in_doubt_by_a_killed_run_is_looked_up_before_any_post() {
    let org = Scripted::default();
    org.lookups
        .lock()
        .unwrap()
        .push_back(vec!["q-earlier".into()]);
    let got = created_of(block_on(jobs::run(&org, create_job(true))));
    assert_eq!(got.map(|c| c.id), Ok("q-earlier".to_string()));
    assert_eq!(org.calls(), ["LOOKUP"]);
}
