//! Scenario tests of the jobs over a scripted [`Ops`]: the retry and lookup rules that live in
//! the jobs (version conflicts, creates whose outcome is unknown), without HTTP. Each call is
//! logged, and answered from a per-operation script (then a default).

use super::jobs::{self, Done, Job};
use super::ops::{OpError, OpKind, Ops, ReadBack, UserRef};
use super::steps::{Primary, UserPatch};
use crate::genesys::{ApiError, ErrorKind};
use crate::model::{
    ApiStats, DesiredUser, ExternalId, Grant, Id, MediaCapacity, Proficiency, Step, StepStatus,
    UserState,
};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Script {
    /// Every call, as `name` or `name:detail`.
    calls: Vec<String>,
    create: VecDeque<Result<UserRef, OpError>>,
    find: VecDeque<Result<Option<UserRef>, OpError>>,
    patch: VecDeque<Result<UserRef, OpError>>,
    /// The version `get_user` reports.
    current_version: i64,
}

#[derive(Clone, Default)]
struct Scripted(Arc<Mutex<Script>>);

impl Scripted {
    fn with(f: impl FnOnce(&mut Script)) -> Scripted {
        let s = Scripted::default();
        f(&mut s.0.lock().unwrap_or_else(|p| p.into_inner()));
        s
    }
    fn calls(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .calls
            .clone()
    }
    /// Logs a call and returns the script to answer it from.
    fn log(&self, call: String) -> std::sync::MutexGuard<'_, Script> {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.calls.push(call);
        s
    }
    /// Logs a call that always succeeds.
    fn note(&self, call: &str) {
        drop(self.log(call.to_string()));
    }
}

fn user(id: &str, version: i64, state: UserState) -> UserRef {
    UserRef {
        id: id.into(),
        version,
        division_id: Some("d1".into()),
        state: Some(state),
    }
}

fn err(kind: OpKind, status: Option<u16>) -> OpError {
    let api_kind = match kind {
        OpKind::Unknown => ErrorKind::OutcomeUnknown,
        OpKind::Conflict => ErrorKind::Conflict,
        OpKind::VersionConflict => ErrorKind::VersionConflict,
        OpKind::NotFound => ErrorKind::NotFound,
        OpKind::Other => ErrorKind::Server,
    };
    let mut inner = ApiError::new(api_kind, "PATCH /api/v2/users/{userId}", "scripted");
    inner.status = status;
    OpError {
        kind,
        http_status: status,
        inner,
    }
}

impl Ops for Scripted {
    fn stats(&self) -> ApiStats {
        ApiStats::default()
    }
    fn allowed_per_s(&self) -> Option<f64> {
        None
    }
    async fn create_user(&self, _d: &DesiredUser, _pw: Option<&str>) -> Result<UserRef, OpError> {
        let mut s = self.log("create".into());
        match s.create.pop_front() {
            Some(scripted) => scripted,
            None => Ok(user("new", 1, UserState::Active)),
        }
    }
    async fn find_by_email(&self, _email: &str) -> Result<Option<UserRef>, OpError> {
        let mut s = self.log("find".into());
        s.find.pop_front().unwrap_or(Ok(None))
    }
    async fn get_user(&self, id: &str) -> Result<UserRef, OpError> {
        let s = self.log("get".into());
        Ok(user(id, s.current_version, UserState::Active))
    }
    async fn patch_user(
        &self,
        id: &str,
        version: i64,
        _p: &UserPatch,
        state: Option<UserState>,
    ) -> Result<UserRef, OpError> {
        let mut s = self.log(format!("patch:v{version}"));
        match s.patch.pop_front() {
            Some(scripted) => scripted,
            None => Ok(user(id, version + 1, state.unwrap_or(UserState::Active))),
        }
    }
    async fn move_users(&self, _d: &str, _ids: &[String]) -> Result<(), OpError> {
        self.note("move");
        Ok(())
    }
    async fn grant_role(&self, _r: &str, _ids: &[String], _d: &[Id]) -> Result<(), OpError> {
        self.note("grant");
        Ok(())
    }
    async fn replace_grants(&self, _id: &str, _g: &[Grant]) -> Result<(), OpError> {
        self.note("replace_grants");
        Ok(())
    }
    async fn patch_skills(&self, _id: &str, _s: &[Proficiency]) -> Result<(), OpError> {
        self.note("skills");
        Ok(())
    }
    async fn put_skills(&self, _id: &str, _s: &[Proficiency]) -> Result<(), OpError> {
        self.note("put_skills");
        Ok(())
    }
    async fn patch_languages(&self, _id: &str, _l: &[Proficiency]) -> Result<(), OpError> {
        self.note("languages");
        Ok(())
    }
    async fn delete_language(&self, _id: &str, _language: &str) -> Result<(), OpError> {
        self.note("delete_language");
        Ok(())
    }
    async fn queue_members(&self, _q: &str, _ids: &[String], _rm: bool) -> Result<(), OpError> {
        self.note("queue");
        Ok(())
    }
    async fn assign_licenses(
        &self,
        wanted: &[(String, Vec<Id>)],
    ) -> Result<Vec<Result<(), String>>, OpError> {
        self.note("licenses");
        Ok(wanted.iter().map(|_| Ok(())).collect())
    }
    async fn add_external_id(&self, _id: &str, _x: &ExternalId) -> Result<(), OpError> {
        self.note("add_external_id");
        Ok(())
    }
    async fn external_ids(&self, _id: &str) -> Result<Vec<ExternalId>, OpError> {
        self.note("external_ids");
        Ok(vec![])
    }
    async fn put_utilization(&self, _id: &str, _media: &[MediaCapacity]) -> Result<(), OpError> {
        self.note("utilization");
        Ok(())
    }
    async fn invite(&self, _id: &str) -> Result<(), OpError> {
        self.note("invite");
        Ok(())
    }
    async fn read_back(&self, _ids: &[String]) -> Result<Vec<ReadBack>, OpError> {
        self.note("read_back");
        Ok(vec![])
    }
}

fn desired() -> Box<DesiredUser> {
    Box::new(DesiredUser {
        email: "ada@x.com".into(),
        name: "Ada".into(),
        division_id: "d1".into(),
        department: None,
        title: None,
        manager: None,
        grants: vec![],
        skills: vec![],
        languages: vec![],
        queue_ids: vec![],
        phone: None,
        extension: None,
        licenses: vec![],
        external_id: None,
        utilization: vec![],
    })
}

fn create_job(in_doubt: bool) -> Job {
    Job::Primary {
        idx: 0,
        email: "ada@x.com".into(),
        primary: Box::new(Primary::Create),
        desired: Some(desired()),
        user: None,
        in_doubt,
        wants_password: false,
    }
}

fn update_job(version: i64) -> Job {
    Job::Primary {
        idx: 0,
        email: "ada@x.com".into(),
        primary: Box::new(Primary::Update(UserPatch {
            title: Some("Lead".into()),
            ..UserPatch::default()
        })),
        desired: Some(desired()),
        user: Some(("u1".into(), version)),
        in_doubt: false,
        wants_password: false,
    }
}

fn primary_answer(done: Done) -> (Vec<crate::model::StepResult>, Option<UserRef>) {
    match done {
        Done::Primary { results, user, .. } => (results, user),
        other => panic!("not a primary answer: {other:?}"),
    }
}

#[tokio::test]
async fn a_version_conflict_is_re_read_and_re_applied() {
    let ops = Scripted::with(|s| {
        s.current_version = 9;
        s.patch
            .push_back(Err(err(OpKind::VersionConflict, Some(409))));
        s.patch
            .push_back(Err(err(OpKind::VersionConflict, Some(409))));
    });
    let (results, user) = primary_answer(jobs::run(&ops, update_job(3), None).await);
    // The stale version 3 conflicts; each retry re-reads (version 9) and sends again.
    assert_eq!(
        ops.calls(),
        ["patch:v3", "get", "patch:v9", "get", "patch:v9"]
    );
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].step, Step::UpdateUser);
    assert_eq!(results[0].status, StepStatus::Ok);
    assert_eq!(user.map(|u| u.version), Some(10));
}

#[tokio::test]
async fn version_conflicts_give_up_after_four_sends_and_fail_the_step() {
    let ops = Scripted::with(|s| {
        s.current_version = 9;
        for _ in 0..10 {
            s.patch
                .push_back(Err(err(OpKind::VersionConflict, Some(409))));
        }
    });
    let (results, user) = primary_answer(jobs::run(&ops, update_job(3), None).await);
    let patches = ops
        .calls()
        .iter()
        .filter(|c| c.starts_with("patch"))
        .count();
    assert_eq!(patches, 4);
    assert!(user.is_none());
    assert_eq!(results[0].status, StepStatus::Failed);
    assert_eq!(results[0].http_status, Some(409));
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_looked_up_and_found_not_sent_again() {
    let ops = Scripted::with(|s| {
        s.create.push_back(Err(err(OpKind::Unknown, None)));
        s.find
            .push_back(Ok(Some(user("landed", 1, UserState::Active))));
    });
    let (results, user) = primary_answer(jobs::run(&ops, create_job(false), None).await);
    assert_eq!(ops.calls(), ["create", "find"]);
    assert_eq!(results[0].status, StepStatus::Ok);
    assert_eq!(user.map(|u| u.id), Some("landed".to_string()));
}

#[tokio::test]
async fn creates_with_unknown_outcomes_are_sent_at_most_five_times_each_after_a_lookup() {
    let ops = Scripted::with(|s| {
        for _ in 0..10 {
            s.create.push_back(Err(err(OpKind::Unknown, None)));
        }
    });
    let (results, user) = primary_answer(jobs::run(&ops, create_job(false), None).await);
    let calls = ops.calls();
    assert_eq!(calls.iter().filter(|c| *c == "create").count(), 5);
    // Every create after the first follows a lookup that found nobody, and a last lookup
    // follows the last create, so a create that landed is never reported as failed.
    let expected: Vec<&str> = (0..5).flat_map(|_| ["create", "find"]).collect();
    assert_eq!(calls, expected);
    assert!(user.is_none());
    assert_eq!(results[0].status, StepStatus::Unknown);
}

#[tokio::test]
async fn a_create_in_doubt_from_an_earlier_run_looks_first_and_restores_a_deleted_user() {
    let ops = Scripted::with(|s| {
        s.find
            .push_back(Ok(Some(user("old", 5, UserState::Deleted))));
    });
    let (results, user) = primary_answer(jobs::run(&ops, create_job(true), None).await);
    // No create at all: the user exists (deleted), so it is restored instead.
    assert_eq!(ops.calls(), ["find", "patch:v5"]);
    assert_eq!(results[0].status, StepStatus::Ok);
    assert_eq!(user.map(|u| u.state), Some(Some(UserState::Active)));
}

#[tokio::test]
async fn a_create_refused_as_a_conflict_adopts_the_existing_user() {
    let ops = Scripted::with(|s| {
        s.create.push_back(Err(err(OpKind::Conflict, Some(409))));
        s.find
            .push_back(Ok(Some(user("there", 2, UserState::Active))));
    });
    let (results, user) = primary_answer(jobs::run(&ops, create_job(false), None).await);
    assert_eq!(ops.calls(), ["create", "find"]);
    assert_eq!(results[0].status, StepStatus::Ok);
    assert_eq!(user.map(|u| u.id), Some("there".to_string()));
}
