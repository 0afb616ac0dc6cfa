//! The jobs: what the scheduler sends, each a few API calls over [`Ops`] that return data and
//! never panic. The retry rules that need no scheduler state live here — a version conflict
//! is re-read and re-applied, a create whose outcome is unknown is looked up before it is
//! sent again, an idempotent write whose outcome is unknown is repeated.

use super::ops::{OpError, OpKind, Ops, ReadBack, UserRef};
use super::results::{failed, ok};
use super::steps::{GroupKey, Primary, RowWork, UserPatch};
use crate::model::{DesiredUser, ExternalId, Id, Proficiency, Step, StepResult, UserState};

/// A job as the scheduler hands it out: everything its calls need, owned, and the row index
/// (or indices) its answer goes back to.
#[derive(Debug, Clone)]
pub enum Job {
    /// The user-record write a row starts with.
    Primary {
        idx: usize,
        email: String,
        primary: Box<Primary>,
        desired: Option<Box<DesiredUser>>,
        /// The user's id and version, when it exists.
        user: Option<(String, i64)>,
        /// An earlier run may have created the user: look it up before creating.
        in_doubt: bool,
        /// Generate a password for the create (`--passwords`); the driver writes it to the
        /// passwords file before the create is sent.
        wants_password: bool,
    },
    UserStep {
        idx: usize,
        step: Step,
        user_id: String,
        version: Option<i64>,
        desired: Option<Box<DesiredUser>>,
        work: Box<RowWork>,
        /// The manager's user id, or why it is not known.
        manager: Result<String, String>,
    },
    /// One bulk call for many rows.
    Group {
        key: GroupKey,
        members: Vec<usize>,
        payload: Vec<GroupMember>,
    },
}

/// A job's answer.
#[derive(Debug, Clone)]
pub enum Done {
    Primary {
        idx: usize,
        results: Vec<StepResult>,
        user: Option<UserRef>,
    },
    UserStep {
        idx: usize,
        result: StepResult,
        version: Option<i64>,
    },
    Group {
        key: GroupKey,
        members: Vec<usize>,
        result: GroupResult,
    },
}

#[derive(Debug, Clone)]
pub enum GroupResult {
    /// One outcome for every member.
    All(Result<(), OpError>),
    /// Per-member outcomes (licences: the API answers per user; verify: per user).
    Each(Vec<Result<(), String>>),
}

/// What a bulk call needs of one member row.
#[derive(Debug, Clone)]
pub struct GroupMember {
    pub user_id: String,
    pub licenses: Vec<Id>,
    pub desired: Option<Box<DesiredUser>>,
}

/// Runs one job to its answer. `password` is the generated password for a create, if any.
pub async fn run<O: Ops>(ops: &O, job: Job, password: Option<String>) -> Done {
    match job {
        Job::Primary {
            idx,
            email,
            primary,
            desired,
            user,
            in_doubt,
            ..
        } => {
            let (results, user) =
                primary_job(ops, &email, *primary, desired, user, in_doubt, password).await;
            Done::Primary { idx, results, user }
        }
        Job::UserStep {
            idx,
            step,
            user_id,
            version,
            desired,
            work,
            manager,
        } => {
            let (result, version) =
                user_step_job(ops, step, &user_id, version, desired, *work, manager).await;
            Done::UserStep {
                idx,
                result,
                version,
            }
        }
        Job::Group {
            key,
            members,
            payload,
        } => {
            let result = group_job(ops, &key, &payload).await;
            Done::Group {
                key,
                members,
                result,
            }
        }
    }
}

/// How many times a version conflict is re-read and re-applied.
const VERSION_ATTEMPTS: u32 = 4;

async fn patch_with_retry<O: Ops>(
    api: &O,
    user_id: &str,
    mut version: Option<i64>,
    patch: &UserPatch,
    state: Option<UserState>,
) -> Result<UserRef, OpError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let v = match version {
            Some(v) => v,
            None => api.get_user(user_id).await?.version,
        };
        match api.patch_user(user_id, v, patch, state).await {
            Err(e) if e.kind == OpKind::VersionConflict && attempt < VERSION_ATTEMPTS => {
                version = None;
            }
            // A PATCH is idempotent: when its outcome is unknown, send it again (with a fresh
            // version, so a change that did land is not applied twice).
            Err(e) if e.kind == OpKind::Unknown && attempt < VERSION_ATTEMPTS => {
                version = None;
            }
            other => return other,
        }
    }
}

async fn primary_job<O: Ops>(
    api: &O,
    email: &str,
    primary: Primary,
    desired: Option<Box<DesiredUser>>,
    user: Option<(String, i64)>,
    in_doubt: bool,
    password: Option<String>,
) -> (Vec<StepResult>, Option<UserRef>) {
    match primary {
        Primary::None => {
            let Some((id, version)) = user else {
                return (vec![failed(Step::Lookup, "no user to update".into())], None);
            };
            (
                vec![],
                Some(UserRef {
                    id,
                    version,
                    division_id: None,
                    state: None,
                }),
            )
        }
        Primary::Create => {
            let Some(d) = desired else {
                return (
                    vec![failed(Step::CreateUser, "nothing to create".into())],
                    None,
                );
            };
            create_job(api, email, &d, in_doubt, password.as_deref()).await
        }
        Primary::SetState { state, step, then } => {
            let Some((id, version)) = user else {
                return (vec![failed(step, "the user was not found".into())], None);
            };
            let res =
                patch_with_retry(api, &id, Some(version), &UserPatch::default(), Some(state)).await;
            let u = match res {
                Ok(u) => u,
                Err(e) => return (vec![e.step_result(step)], None),
            };
            let mut results = vec![ok(step)];
            let Some(patch) = then else {
                return (results, Some(u));
            };
            match patch_with_retry(api, &id, Some(u.version), &patch, None).await {
                Ok(u2) => {
                    results.push(ok(Step::UpdateUser));
                    (results, Some(u2))
                }
                Err(e) => {
                    results.push(e.step_result(Step::UpdateUser));
                    (results, None)
                }
            }
        }
        Primary::Update(patch) => {
            let Some((id, version)) = user else {
                return (
                    vec![failed(Step::UpdateUser, "the user was not found".into())],
                    None,
                );
            };
            match patch_with_retry(api, &id, Some(version), &patch, None).await {
                Ok(u) => (vec![ok(Step::UpdateUser)], Some(u)),
                Err(e) => (vec![e.step_result(Step::UpdateUser)], None),
            }
        }
        Primary::Deactivate => {
            let Some((id, version)) = user else {
                return (
                    vec![failed(
                        Step::DeactivateUser,
                        "the user was not found".into(),
                    )],
                    None,
                );
            };
            match patch_with_retry(
                api,
                &id,
                Some(version),
                &UserPatch::default(),
                Some(UserState::Inactive),
            )
            .await
            {
                Ok(u) => (vec![ok(Step::DeactivateUser)], Some(u)),
                Err(e) => (vec![e.step_result(Step::DeactivateUser)], None),
            }
        }
    }
}

/// Creates sent for one row at most. Each one after an unknown outcome follows a lookup
/// that found no user, so repeating is safe; five rides out a run of server errors.
const CREATE_ATTEMPTS: u32 = 5;

/// Create a user, never twice: an unknown outcome or a conflict is answered by looking the
/// email up (any state) before anything else is written.
async fn create_job<O: Ops>(
    api: &O,
    email: &str,
    d: &DesiredUser,
    in_doubt: bool,
    password: Option<&str>,
) -> (Vec<StepResult>, Option<UserRef>) {
    let mut look_first = in_doubt;
    let mut attempts = 0u32;
    let mut last_err: Option<OpError> = None;
    loop {
        // Look before every create after one whose outcome is unknown — also after the
        // last attempt, so a create that landed is never reported as failed.
        if look_first {
            match api.find_by_email(email).await {
                Ok(Some(u)) => return adopt(api, u, attempts).await,
                Ok(None) => {}
                Err(e) => {
                    let mut r = e.step_result(Step::CreateUser);
                    r.message = Some(format!(
                        "could not check whether the user already exists: {}",
                        r.message.unwrap_or_default()
                    ));
                    return (vec![r], None);
                }
            }
        }
        if attempts >= CREATE_ATTEMPTS {
            break;
        }
        attempts += 1;
        match api.create_user(d, password).await {
            Ok(u) => {
                let mut r = ok(Step::CreateUser);
                r.attempts = attempts;
                return (vec![r], Some(u));
            }
            Err(e) if matches!(e.kind, OpKind::Unknown | OpKind::Conflict) => {
                look_first = true;
                last_err = Some(e);
            }
            Err(e) => {
                let mut r = e.step_result(Step::CreateUser);
                r.attempts = attempts.max(r.attempts);
                return (vec![r], None);
            }
        }
    }
    let e = last_err
        .map(|e| e.step_result(Step::CreateUser))
        .unwrap_or_else(|| failed(Step::CreateUser, "the create did not complete".into()));
    (vec![e], None)
}

/// A user with the row's email already exists (an earlier interrupted run created it, or the
/// create's answer was lost): use it; restore it first if it is deleted.
async fn adopt<O: Ops>(api: &O, u: UserRef, attempts: u32) -> (Vec<StepResult>, Option<UserRef>) {
    let mut r = ok(Step::CreateUser);
    r.attempts = attempts;
    match u.state {
        Some(UserState::Deleted) | Some(UserState::Inactive) => {
            match patch_with_retry(
                api,
                &u.id,
                Some(u.version),
                &UserPatch::default(),
                Some(UserState::Active),
            )
            .await
            {
                Ok(u2) => (vec![r], Some(u2)),
                Err(e) => (vec![e.step_result(Step::CreateUser)], None),
            }
        }
        _ => (vec![r], Some(u)),
    }
}

/// Repeats an idempotent write whose outcome is unknown (at most 3 sends in all).
macro_rules! idempotent {
    ($call:expr) => {{
        let mut n = 0;
        loop {
            n += 1;
            match $call.await {
                Err(e) if e.kind == OpKind::Unknown && n < 3 => continue,
                other => break other,
            }
        }
    }};
}

/// The languages step: merge the wanted ones (one PATCH), then, with `--replace languages`,
/// one DELETE per language the row does not name (the API has no bulk replace).
async fn languages<O: Ops>(api: &O, user_id: &str, work: &RowWork) -> Result<(), OpError> {
    if !work.languages.is_empty() {
        idempotent!(api.patch_languages(user_id, &work.languages))?;
    }
    for language in &work.languages_remove {
        idempotent!(api.delete_language(user_id, language))?;
    }
    Ok(())
}

async fn user_step_job<O: Ops>(
    api: &O,
    step: Step,
    user_id: &str,
    version: Option<i64>,
    desired: Option<Box<DesiredUser>>,
    work: RowWork,
    manager: Result<String, String>,
) -> (StepResult, Option<i64>) {
    let res: Result<Option<i64>, OpError> = match step {
        Step::Manager => match manager {
            Ok(m) => {
                let patch = UserPatch {
                    manager_id: Some(m),
                    ..UserPatch::default()
                };
                patch_with_retry(api, user_id, version, &patch, None)
                    .await
                    .map(|u| Some(u.version))
            }
            Err(why) => return (failed(Step::Manager, why), None),
        },
        Step::Skills => {
            let skills: Vec<Proficiency> = if work.replace.skills {
                desired
                    .as_ref()
                    .map(|d| d.skills.clone())
                    .unwrap_or_default()
            } else {
                work.skills.clone()
            };
            if work.replace.skills {
                idempotent!(api.put_skills(user_id, &skills)).map(|_| None)
            } else {
                idempotent!(api.patch_skills(user_id, &skills)).map(|_| None)
            }
        }
        Step::Languages => languages(api, user_id, &work).await.map(|_| None),
        Step::Roles => {
            let grants = desired
                .as_ref()
                .map(|d| d.grants.clone())
                .unwrap_or_default();
            idempotent!(api.replace_grants(user_id, &grants)).map(|_| None)
        }
        Step::ExternalId => match desired.as_deref().and_then(|d| d.external_id.clone()) {
            Some(x) => add_external_id(api, user_id, &x).await.map(|_| None),
            None => Ok(None),
        },
        Step::Utilization => {
            idempotent!(api.put_utilization(user_id, &work.utilization)).map(|_| None)
        }
        Step::Invite => idempotent!(api.invite(user_id)).map(|_| None),
        other => {
            return (
                failed(
                    other,
                    format!("step {} is not a per-user step", other.as_str()),
                ),
                None,
            );
        }
    };
    match res {
        Ok(v) => (ok(step), v),
        Err(e) => (e.step_result(step), None),
    }
}

async fn add_external_id<O: Ops>(api: &O, user_id: &str, x: &ExternalId) -> Result<(), OpError> {
    match api.add_external_id(user_id, x).await {
        Ok(()) => Ok(()),
        // Already there (a repeated send, or an earlier run): that is the desired state.
        Err(e) if e.kind == OpKind::Conflict => Ok(()),
        Err(e) if e.kind == OpKind::Unknown => {
            let have = api.external_ids(user_id).await?;
            if have.contains(x) {
                Ok(())
            } else {
                api.add_external_id(user_id, x).await
            }
        }
        Err(e) => Err(e),
    }
}

async fn group_job<O: Ops>(api: &O, key: &GroupKey, members: &[GroupMember]) -> GroupResult {
    let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
    match key {
        GroupKey::Division(d) => GroupResult::All(idempotent!(api.move_users(d, &ids))),
        GroupKey::Role { role_id, divisions } => {
            GroupResult::All(idempotent!(api.grant_role(role_id, &ids, divisions)))
        }
        GroupKey::QueueAdd(q) => GroupResult::All(idempotent!(api.queue_members(q, &ids, false))),
        GroupKey::QueueRemove(q) => GroupResult::All(idempotent!(api.queue_members(q, &ids, true))),
        GroupKey::Licenses => {
            let wanted: Vec<(String, Vec<Id>)> = members
                .iter()
                .map(|m| (m.user_id.clone(), m.licenses.clone()))
                .collect();
            match idempotent!(api.assign_licenses(&wanted)) {
                Ok(per_user) => GroupResult::Each(per_user),
                Err(e) => GroupResult::All(Err(e)),
            }
        }
        GroupKey::Verify => match api.read_back(&ids).await {
            Ok(found) => GroupResult::Each(
                members
                    .iter()
                    .map(|m| verify_one(m, found.iter().find(|f| f.id == m.user_id)))
                    .collect(),
            ),
            Err(e) => GroupResult::All(Err(e)),
        },
    }
}

/// Compares what the org now holds with what the row asked for.
fn verify_one(m: &GroupMember, got: Option<&ReadBack>) -> Result<(), String> {
    let Some(got) = got else {
        return Err("the user could not be read back after provisioning".into());
    };
    let Some(d) = &m.desired else { return Ok(()) };
    let mut diffs = Vec::new();
    if got.state != Some(UserState::Active) {
        diffs.push(format!("state is {:?}, expected active", got.state));
    }
    if got.division_id.as_deref() != Some(&*d.division_id) {
        diffs.push("division differs".to_string());
    }
    for s in &d.skills {
        if !got
            .skills
            .iter()
            .any(|g| g.id == s.id && (g.proficiency - s.proficiency).abs() < 1e-9)
        {
            diffs.push(format!("skill {} missing", s.id));
        }
    }
    for l in &d.languages {
        if !got
            .languages
            .iter()
            .any(|g| g.id == l.id && (g.proficiency - l.proficiency).abs() < 1e-9)
        {
            diffs.push(format!("language {} missing", l.id));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!("read-back differs: {}", diffs.join("; ")))
    }
}
