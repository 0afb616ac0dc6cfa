//! Scenario tests of the scheduler: plain data in (events, job answers), effects out. No
//! network, no clock: a test plays the driver — it answers journal writes (or refuses them),
//! holds the jobs the scheduler sends and answers them in the order the scenario needs.

use super::{Effect, Event, Scheduler, Settings};
use crate::engine::jobs::{Done, GroupResult, Job};
use crate::engine::journal::{Record, RecordStatus};
use crate::engine::ops::{OpError, OpKind, UserRef};
use crate::engine::results::{failed, ok};
use crate::engine::steps::GroupKey;
use crate::genesys::{ApiError, ErrorKind};
use crate::model::{
    DesiredUser, EngineEvent, ExternalId, ManagerRef, Outcome, Plan, PlanAction, RowPlan,
    RowReport, Step, StepStatus, UserState,
};

/// A new hire with only what a scenario needs (no skills, languages, roles or external id
/// unless the scenario adds them).
fn hire(row: usize, queues: &[&str]) -> RowPlan {
    let email = format!("hire{row}@x.com");
    RowPlan {
        row,
        line: row + 1,
        email: email.as_str().into(),
        identity: format!("email:{email}").into(),
        action: PlanAction::Create,
        existing: None,
        desired: Some(Box::new(DesiredUser {
            email: email.as_str().into(),
            name: format!("Hire {row}").into(),
            division_id: "d1".into(),
            department: None,
            title: None,
            manager: None,
            grants: vec![],
            skills: vec![],
            languages: vec![],
            queue_ids: queues.iter().map(|q| (*q).into()).collect(),
            phone: None,
            extension: None,
            licenses: vec![],
            external_id: None,
            utilization: vec![],
        })),
        diff: vec![],
    }
}

fn settings(concurrency: usize) -> Settings {
    Settings {
        concurrency,
        ..Settings::default()
    }
}

fn op_error(status: u16, kind: OpKind, message: &str) -> OpError {
    let mut inner = ApiError::new(ErrorKind::BadRequest, "POST /api/v2/test", message);
    inner.status = Some(status);
    OpError {
        kind,
        http_status: Some(status),
        inner,
    }
}

/// The test's driver: what the scheduler asked for, and the jobs it sent, not yet answered.
struct Harness {
    s: Scheduler,
    /// Jobs sent and not yet answered, in send order.
    sent: Vec<Job>,
    /// Every job ever sent.
    all_sent: Vec<Job>,
    /// Journal writes the "disk" took, in order.
    journal: Vec<Vec<Record>>,
    /// The write (0-based, counting every write offered) from which the journal refuses.
    refuse_from: Option<usize>,
    writes_offered: usize,
    events: Vec<EngineEvent>,
    finish: Option<(Vec<RowReport>, bool)>,
}

impl Harness {
    fn new(rows: Vec<RowPlan>, settings: Settings) -> Harness {
        Harness {
            s: Scheduler::new(Plan { rows }, settings, |_| None),
            sent: Vec::new(),
            all_sent: Vec::new(),
            journal: Vec::new(),
            refuse_from: None,
            writes_offered: 0,
            events: Vec::new(),
            finish: None,
        }
    }

    fn start(&mut self) {
        self.feed(Event::Start {
            paused: false,
            cancelled: false,
        });
    }

    /// Hands the scheduler an event and performs its effects as the driver does: a journal
    /// write is answered at once, before the next effect.
    fn feed(&mut self, event: Event) {
        let mut queue: std::collections::VecDeque<Effect> = self.s.handle(event).into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Emit(ev) => self.events.push(ev),
                Effect::Journal(records) => {
                    let n = self.writes_offered;
                    self.writes_offered += 1;
                    let result = if self.refuse_from.is_some_and(|k| n >= k) {
                        Err("journal: disk full".to_string())
                    } else {
                        self.journal.push(records);
                        Ok(())
                    };
                    queue.extend(self.s.handle(Event::JournalWritten(result)));
                }
                Effect::Send(job) => {
                    // A write job goes out only after its started records are durable.
                    self.assert_started_durable(&job);
                    self.all_sent.push(job.clone());
                    self.sent.push(job);
                }
                Effect::ReportRate => {}
                Effect::Finish { rows, cancelled } => {
                    assert!(self.finish.is_none(), "Finish twice");
                    self.finish = Some((rows, cancelled));
                }
            }
        }
    }

    fn assert_started_durable(&self, job: &Job) {
        let started = |idx: usize, step: Step| {
            let row = self.s.rows[idx].plan.row;
            self.journal
                .iter()
                .flatten()
                .any(|r| r.status == RecordStatus::Started && r.row == row && r.step == step)
        };
        match job {
            Job::Primary { idx, primary, .. } => {
                if let Some(step) = super::report::primary_step(primary) {
                    assert!(
                        started(*idx, step),
                        "row index {idx}: {step:?} before started"
                    );
                }
            }
            Job::UserStep { idx, step, .. } => {
                assert!(
                    started(*idx, *step),
                    "row index {idx}: {step:?} before started"
                )
            }
            Job::Group { key, members, .. } if *key != GroupKey::Verify => {
                for &m in members {
                    assert!(started(m, key.step()), "member {m}: {key:?} before started");
                }
            }
            Job::Group { .. } => {}
        }
    }

    /// Removes and returns the first unanswered job that matches.
    fn take(&mut self, pred: impl Fn(&Job) -> bool) -> Job {
        let i = self
            .sent
            .iter()
            .position(pred)
            .unwrap_or_else(|| panic!("no such job in flight: {:#?}", self.sent));
        self.sent.remove(i)
    }

    fn answer(&mut self, done: Done) {
        self.feed(Event::Done(done));
    }

    /// Answers every job in flight, oldest first, with `respond` (or success), until none
    /// is left.
    fn settle(&mut self, respond: &mut dyn FnMut(&Job) -> Option<Done>) {
        while !self.sent.is_empty() {
            let job = self.sent.remove(0);
            let done = respond(&job).unwrap_or_else(|| success(&job));
            self.answer(done);
        }
    }

    /// Answers with success every job in flight that matches, until none does.
    fn succeed_while(&mut self, pred: impl Fn(&Job) -> bool) {
        while let Some(i) = self.sent.iter().position(&pred) {
            let job = self.sent.remove(i);
            self.answer(success(&job));
        }
    }

    fn row(&self, row: usize) -> RowReport {
        let (rows, _) = self.finish.as_ref().expect("the run has not finished");
        rows.iter()
            .find(|r| r.row == row)
            .cloned()
            .unwrap_or_else(|| panic!("no report for row {row}"))
    }

    fn outcomes(&self) -> Vec<(usize, Outcome)> {
        let (rows, _) = self.finish.as_ref().expect("the run has not finished");
        let mut v: Vec<(usize, Outcome)> = rows.iter().map(|r| (r.row, r.outcome)).collect();
        v.sort();
        v
    }
}

fn user_id(idx: usize) -> String {
    format!("user-{idx}")
}

/// The answer of a job that went well.
fn success(job: &Job) -> Done {
    match job {
        Job::Primary { idx, .. } => Done::Primary {
            idx: *idx,
            results: vec![ok(Step::CreateUser)],
            user: Some(UserRef {
                id: user_id(*idx),
                version: 1,
                division_id: Some("d1".into()),
                state: Some(UserState::Active),
            }),
        },
        Job::UserStep { idx, step, .. } => Done::UserStep {
            idx: *idx,
            result: ok(*step),
            version: None,
        },
        Job::Group { key, members, .. } => Done::Group {
            key: key.clone(),
            members: members.clone(),
            result: match key {
                GroupKey::Licenses | GroupKey::Verify => {
                    GroupResult::Each(members.iter().map(|_| Ok(())).collect())
                }
                _ => GroupResult::All(Ok(())),
            },
        },
    }
}

fn is_primary(job: &Job) -> bool {
    matches!(job, Job::Primary { .. })
}

fn is_group(job: &Job, want: &GroupKey) -> bool {
    matches!(job, Job::Group { key, .. } if key == want)
}

fn step_of(report: &RowReport, step: Step) -> Option<&crate::model::StepResult> {
    report.steps.iter().find(|s| s.step == step)
}

#[test]
fn a_bulk_call_over_a_queues_limit_is_split_until_only_the_rows_past_it_fail() {
    // Six new hires join queue q1, which has room for four more members. The queue's
    // answer to a call that would take it past its limit is a 400 for the whole call.
    let rows: Vec<RowPlan> = (1..=6).map(|r| hire(r, &["q1"])).collect();
    let mut h = Harness::new(rows, settings(8));
    h.start();
    h.succeed_while(is_primary);
    let q1 = GroupKey::QueueAdd("q1".into());
    let mut members_now = 0usize;
    let mut call_sizes = Vec::new();
    let mut respond = |job: &Job| match job {
        Job::Group { key, members, .. } if *key == GroupKey::QueueAdd("q1".into()) => {
            call_sizes.push(members.len());
            let result = if members_now + members.len() <= 4 {
                members_now += members.len();
                Ok(())
            } else {
                Err(op_error(
                    400,
                    OpKind::Other,
                    "the queue is at its member limit",
                ))
            };
            Some(Done::Group {
                key: key.clone(),
                members: members.clone(),
                result: GroupResult::All(result),
            })
        }
        _ => None,
    };
    assert!(h.sent.iter().any(|j| is_group(j, &q1)), "{:#?}", h.sent);
    h.settle(&mut respond);
    // One call for all six, then halves, then quarters: the first four rows get in, the
    // two past the limit fail alone.
    assert_eq!(call_sizes, vec![6, 3, 3, 1, 2, 1, 1]);
    for row in 1..=4 {
        let r = h.row(row);
        assert_eq!(r.outcome, Outcome::Created, "row {row}: {r:?}");
        assert_eq!(
            step_of(&r, Step::Queues).map(|s| s.status),
            Some(StepStatus::Ok)
        );
    }
    for row in 5..=6 {
        let r = h.row(row);
        assert_eq!(r.outcome, Outcome::Failed, "row {row}: {r:?}");
        let q = step_of(&r, Step::Queues).expect("queues step");
        assert_eq!(q.status, StepStatus::Failed);
        assert_eq!(q.http_status, Some(400));
    }
    // The failed rows are not read back; the four others are, in one call.
    let verify: Vec<&Job> = h
        .all_sent
        .iter()
        .filter(|j| is_group(j, &GroupKey::Verify))
        .collect();
    assert_eq!(verify.len(), 1);
    assert!(matches!(verify[0], Job::Group { members, .. } if members.len() == 4));
}

#[test]
fn a_failed_bulk_call_that_splitting_cannot_help_fails_every_member_at_once() {
    // A 503 (not about the payload) is not bisected: one call, every member failed.
    let rows: Vec<RowPlan> = (1..=4).map(|r| hire(r, &["q1"])).collect();
    let mut h = Harness::new(rows, settings(8));
    h.start();
    h.succeed_while(is_primary);
    let mut calls = 0;
    h.settle(&mut |job| match job {
        Job::Group { key, members, .. } if matches!(key, GroupKey::QueueAdd(_)) => {
            calls += 1;
            Some(Done::Group {
                key: key.clone(),
                members: members.clone(),
                result: GroupResult::All(Err(op_error(503, OpKind::Other, "unavailable"))),
            })
        }
        _ => None,
    });
    assert_eq!(calls, 1);
    assert!(h.outcomes().iter().all(|(_, o)| *o == Outcome::Failed));
}

/// Row 1 is the manager of row 2; both are new hires.
fn manager_and_report() -> Vec<RowPlan> {
    let manager = hire(1, &[]);
    let mut report = hire(2, &[]);
    if let Some(d) = report.desired.as_mut() {
        d.manager = Some(ManagerRef::Row(1));
    }
    vec![manager, report]
}

fn is_manager_step(job: &Job) -> bool {
    matches!(
        job,
        Job::UserStep {
            step: Step::Manager,
            ..
        }
    )
}

#[test]
fn a_report_waits_for_its_managers_create_then_points_at_the_new_user() {
    let mut h = Harness::new(manager_and_report(), settings(8));
    h.start();
    assert_eq!(h.sent.iter().filter(|j| is_primary(j)).count(), 2);
    // The report's create answers first: its manager step must wait.
    let report_create = h.take(|j| matches!(j, Job::Primary { idx: 1, .. }));
    h.answer(success(&report_create));
    assert!(!h.sent.iter().any(is_manager_step), "{:#?}", h.sent);
    // The manager's user now exists: the report's manager step goes out, naming it.
    let manager_create = h.take(|j| matches!(j, Job::Primary { idx: 0, .. }));
    h.answer(success(&manager_create));
    let step = h.take(is_manager_step);
    match &step {
        Job::UserStep { idx, manager, .. } => {
            assert_eq!(*idx, 1);
            assert_eq!(manager.as_deref(), Ok(user_id(0).as_str()));
        }
        other => panic!("not a manager step: {other:?}"),
    }
    h.answer(success(&step));
    h.settle(&mut |_| None);
    assert_eq!(
        h.outcomes(),
        vec![(1, Outcome::Created), (2, Outcome::Created)]
    );
}

#[test]
fn a_report_whose_manager_failed_fails_at_its_manager_step_naming_that_row() {
    let mut h = Harness::new(manager_and_report(), settings(8));
    h.start();
    let report_create = h.take(|j| matches!(j, Job::Primary { idx: 1, .. }));
    h.answer(success(&report_create));
    let _manager_create = h.take(|j| matches!(j, Job::Primary { idx: 0, .. }));
    h.answer(Done::Primary {
        idx: 0,
        results: vec![op_error(400, OpKind::Other, "bad name").step_result(Step::CreateUser)],
        user: None,
    });
    h.settle(&mut |_| None);
    assert!(
        !h.all_sent.iter().any(is_manager_step),
        "no manager PATCH without a manager"
    );
    assert_eq!(h.row(1).outcome, Outcome::Failed);
    let report = h.row(2);
    assert_eq!(report.outcome, Outcome::Failed);
    assert_eq!(report.user_id.as_deref(), Some(user_id(1).as_str()));
    let m = step_of(&report, Step::Manager).expect("manager step");
    assert_eq!(m.status, StepStatus::Failed);
    assert!(
        m.message.as_deref().unwrap_or("").contains("row 1"),
        "{m:?}"
    );
}

#[test]
fn the_version_a_patch_reached_is_where_the_rows_next_patch_starts() {
    // A PATCH job re-reads and re-applies on a version conflict (see the job scenarios);
    // the scheduler keeps the version it ended at, so the next PATCH does not conflict.
    let mut row = hire(1, &[]);
    if let Some(d) = row.desired.as_mut() {
        d.manager = Some(ManagerRef::UserId("boss".into()));
        d.external_id = Some(ExternalId {
            authority: "hr".into(),
            key: "7".into(),
        });
    }
    let mut h = Harness::new(vec![row], settings(1));
    h.start();
    let create = h.take(is_primary);
    h.answer(success(&create));
    let manager = h.take(is_manager_step);
    // The manager PATCH met two conflicts and landed at version 4.
    h.answer(Done::UserStep {
        idx: 0,
        result: ok(Step::Manager),
        version: Some(4),
    });
    let next = h.take(|j| matches!(j, Job::UserStep { .. }));
    assert!(matches!(
        manager,
        Job::UserStep {
            version: Some(1),
            ..
        }
    ));
    assert!(
        matches!(
            next,
            Job::UserStep {
                step: Step::ExternalId,
                version: Some(4),
                ..
            }
        ),
        "{next:?}"
    );
}

/// Three hires in queue q1 and the run's concurrency at 8.
fn three_in_a_queue() -> Harness {
    let rows: Vec<RowPlan> = (1..=3).map(|r| hire(r, &["q1"])).collect();
    Harness::new(rows, settings(8))
}

fn unfinished_records(h: &Harness) -> Vec<(usize, Option<Outcome>)> {
    let mut v: Vec<(usize, Option<Outcome>)> = h
        .journal
        .iter()
        .flatten()
        .filter(|r| r.step == Step::Lookup && r.status != RecordStatus::Ok)
        .map(|r| (r.row, r.outcome))
        .collect();
    v.sort();
    v
}

#[test]
fn cancel_before_any_primary_write_leaves_every_row_not_reached() {
    let mut h = three_in_a_queue();
    h.feed(Event::Start {
        paused: true,
        cancelled: false,
    });
    assert!(h.sent.is_empty(), "a paused run sends nothing");
    h.feed(Event::Cancel);
    assert!(h.all_sent.is_empty());
    let (_, cancelled) = h.finish.clone().expect("a cancelled idle run ends at once");
    assert!(cancelled);
    assert!(h.outcomes().iter().all(|(_, o)| *o == Outcome::NotReached));
    // The journal says how far each row got, for the next report and --only-failed.
    assert_eq!(
        unfinished_records(&h),
        vec![
            (1, Some(Outcome::NotReached)),
            (2, Some(Outcome::NotReached)),
            (3, Some(Outcome::NotReached))
        ]
    );
}

#[test]
fn cancel_mid_bulk_groups_lets_the_call_in_flight_finish_and_sends_nothing_new() {
    // Concurrency 2: two creates go first, the third row waits.
    let rows: Vec<RowPlan> = (1..=3).map(|r| hire(r, &["q1"])).collect();
    let mut h = Harness::new(rows, settings(2));
    h.start();
    let a = h.take(is_primary);
    h.answer(success(&a));
    let b = h.take(is_primary);
    h.answer(success(&b));
    // No q1 call while row 3 may still join it; row 3's create goes out in the freed slot.
    assert!(!h.sent.iter().any(|j| matches!(j, Job::Group { .. })));
    let c = h.take(is_primary);
    h.answer(success(&c));
    let q1 = GroupKey::QueueAdd("q1".into());
    let call = h.take(|j| is_group(j, &q1));
    let sent_before = h.all_sent.len();
    h.feed(Event::Cancel);
    assert!(h.finish.is_none(), "the run waits for the call in flight");
    h.answer(success(&call));
    assert_eq!(h.all_sent.len(), sent_before, "nothing new after cancel");
    let (_, cancelled) = h.finish.clone().expect("finished after the call answered");
    assert!(cancelled);
    // The queue step landed and is recorded; the read-back did not run: interrupted.
    for row in 1..=3 {
        let r = h.row(row);
        assert_eq!(r.outcome, Outcome::Interrupted, "{r:?}");
        assert_eq!(
            step_of(&r, Step::Queues).map(|s| s.status),
            Some(StepStatus::Ok)
        );
    }
    assert_eq!(
        unfinished_records(&h),
        (1..=3)
            .map(|r| (r, Some(Outcome::Interrupted)))
            .collect::<Vec<_>>()
    );
}

#[test]
fn cancel_during_read_back_finishes_the_rows_read_and_leaves_the_rest_not_reached() {
    // 101 hires, one job at a time: the read-back of the first 100 goes out as soon as it
    // is full, ahead of row 101's create.
    let rows: Vec<RowPlan> = (1..=101).map(|r| hire(r, &[])).collect();
    let mut h = Harness::new(rows, settings(1));
    h.start();
    let verify = loop {
        let job = h.sent.remove(0);
        if is_group(&job, &GroupKey::Verify) {
            break job;
        }
        h.answer(success(&job));
    };
    assert!(matches!(&verify, Job::Group { members, .. } if members.len() == 100));
    h.feed(Event::Cancel);
    assert!(h.finish.is_none(), "the read-back in flight finishes first");
    h.answer(success(&verify));
    let (_, cancelled) = h.finish.clone().expect("finished");
    assert!(cancelled);
    let outcomes = h.outcomes();
    assert!(outcomes[..100].iter().all(|(_, o)| *o == Outcome::Created));
    assert_eq!(outcomes[100], (101, Outcome::NotReached));
    assert_eq!(
        unfinished_records(&h),
        vec![(101, Some(Outcome::NotReached))]
    );
}

#[test]
fn a_journal_that_refuses_the_started_records_stops_the_run_before_any_write() {
    let mut h = three_in_a_queue();
    h.refuse_from = Some(0);
    h.start();
    assert!(
        h.all_sent.is_empty(),
        "no job goes out without its started record"
    );
    let (_, cancelled) = h.finish.clone().expect("the run stops at once");
    assert!(cancelled);
    assert!(h.outcomes().iter().all(|(_, o)| *o == Outcome::NotReached));
    assert!(
        h.events
            .iter()
            .any(|e| matches!(e, EngineEvent::Log { message } if message.contains("disk full"))),
        "the reason is reported"
    );
}

#[test]
fn a_journal_that_fails_mid_run_stops_new_work_and_the_rows_are_not_finished() {
    let mut h = three_in_a_queue();
    h.start();
    assert_eq!(h.sent.iter().filter(|j| is_primary(j)).count(), 3);
    // The first create's result cannot be recorded.
    h.refuse_from = Some(h.writes_offered);
    let a = h.take(is_primary);
    h.answer(success(&a));
    let sent_after_failure = h.all_sent.len();
    h.settle(&mut |_| None);
    assert_eq!(
        h.all_sent.len(),
        sent_after_failure,
        "no job after the failure"
    );
    let (_, cancelled) = h.finish.clone().expect("finished once in flight drained");
    assert!(cancelled);
    assert!(
        h.outcomes().iter().all(|(_, o)| *o == Outcome::Interrupted),
        "{:?}",
        h.outcomes()
    );
}

#[test]
fn groups_flush_when_full_and_when_no_other_row_can_join() {
    // 101 rows in one queue: one full call of 100 as soon as 100 have joined, then the
    // last row alone once it is the only one left.
    let rows: Vec<RowPlan> = (1..=101).map(|r| hire(r, &["q1"])).collect();
    let mut h = Harness::new(rows, settings(16));
    h.start();
    h.settle(&mut |_| None);
    let sizes: Vec<usize> = h
        .all_sent
        .iter()
        .filter_map(|j| match j {
            Job::Group {
                key: GroupKey::QueueAdd(_),
                members,
                ..
            } => Some(members.len()),
            _ => None,
        })
        .collect();
    assert_eq!(sizes, vec![100, 1]);
    assert!(h.outcomes().iter().all(|(_, o)| *o == Outcome::Created));
    // Requests: 101 creates + 2 queue calls + 2 read-backs: the estimate's figure.
    assert_eq!(h.all_sent.len() as u64, h.s.estimated());
}

#[test]
fn a_failed_create_is_journaled_before_it_is_reported() {
    let mut h = Harness::new(vec![hire(1, &[])], settings(1));
    h.start();
    let _create = h.take(is_primary);
    h.answer(Done::Primary {
        idx: 0,
        results: vec![failed(Step::CreateUser, "refused".into())],
        user: None,
    });
    let (rows, cancelled) = h.finish.clone().expect("finished");
    assert!(!cancelled);
    assert_eq!(rows[0].outcome, Outcome::Failed);
    let last = h.journal.iter().flatten().last().cloned().expect("records");
    assert_eq!(last.outcome, Some(Outcome::Failed));
    assert_eq!(last.status, RecordStatus::Failed);
}

/// The refusal of a queue add naming `users` as members through a group.
fn via_group_error(users: &[String]) -> OpError {
    let mut e = op_error(400, OpKind::Other, "already members through a group");
    e.inner.code = Some(crate::genesys::routing::QUEUE_MEMBER_VIA_GROUP.into());
    e.inner.details = users
        .iter()
        .map(|u| crate::genesys::ErrorDetail {
            error_code: e.inner.code.as_deref().map(str::to_string),
            field_name: Some("id".into()),
            entity_id: Some(u.clone()),
            entity_name: None,
        })
        .collect();
    e
}

/// Six hires join q1; the third (index 2) is already in q1 through a group, and the org
/// refuses any add that names it. `names` says whether the refusal names the user. Returns
/// the sizes of the q1 calls, in order.
fn queue_add_with_a_group_member(names: bool) -> (Harness, Vec<usize>) {
    let rows: Vec<RowPlan> = (1..=6).map(|r| hire(r, &["q1"])).collect();
    let mut h = Harness::new(rows, settings(8));
    h.start();
    h.succeed_while(is_primary);
    let mut call_sizes = Vec::new();
    let mut respond = |job: &Job| match job {
        Job::Group { key, members, .. } if *key == GroupKey::QueueAdd("q1".into()) => {
            call_sizes.push(members.len());
            let refused = members.contains(&2);
            let named: Vec<String> = if names { vec![user_id(2)] } else { vec![] };
            Some(Done::Group {
                key: key.clone(),
                members: members.clone(),
                result: GroupResult::All(if refused {
                    Err(via_group_error(&named))
                } else {
                    Ok(())
                }),
            })
        }
        _ => None,
    };
    h.settle(&mut respond);
    (h, call_sizes)
}

fn assert_every_row_done_and_the_group_member_noted(h: &Harness) {
    for row in 1..=6 {
        let r = h.row(row);
        assert_eq!(r.outcome, Outcome::Created, "row {row}: {r:?}");
        let q = step_of(&r, Step::Queues).expect("queues step");
        assert_eq!(q.status, StepStatus::Ok, "row {row}: {q:?}");
        let noted = q.message.as_deref() == Some(super::via_group::VIA_GROUP_NOTE);
        assert_eq!(noted, row == 3, "row {row}: {q:?}");
    }
    // Every row's queues step is journaled ok, like any other step outcome (after the
    // `started` records each call is preceded by).
    let queue_records: Vec<&Record> = h
        .journal
        .iter()
        .flatten()
        .filter(|r| r.step == Step::Queues && r.status != RecordStatus::Started)
        .collect();
    assert_eq!(queue_records.len(), 6, "{queue_records:#?}");
    assert!(queue_records.iter().all(|r| r.status == RecordStatus::Ok));
}

#[test]
fn a_queue_add_refused_for_a_named_member_through_a_group_holds_it_and_adds_the_rest() {
    let (h, call_sizes) = queue_add_with_a_group_member(true);
    // The batch of six, then the five others again: one extra call.
    assert_eq!(call_sizes, vec![6, 5]);
    assert_every_row_done_and_the_group_member_noted(&h);
}

#[test]
fn a_queue_add_refused_without_names_is_split_until_the_group_member_is_alone() {
    let (h, call_sizes) = queue_add_with_a_group_member(false);
    // Halves, then quarters: log2-many extra calls, never one per member.
    assert_eq!(call_sizes, vec![6, 3, 3, 1, 2, 1, 1]);
    assert_every_row_done_and_the_group_member_noted(&h);
}
