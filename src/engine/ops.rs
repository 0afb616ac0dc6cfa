//! The seam between the scheduler's jobs and the org: [`Ops`], the API calls a run makes,
//! and the vocabulary of their answers ([`OpError`] reduced to an [`OpKind`] the jobs decide
//! on, [`UserRef`], [`ReadBack`]). The real implementation is [`super::Api`]; tests implement
//! it with scripted answers, so the jobs' retry and lookup rules run without HTTP.

use super::steps::UserPatch;
use crate::genesys::{ApiError, ErrorKind};
use crate::model::{
    ApiStats, DesiredUser, ExternalId, Grant, Id, MediaCapacity, Proficiency, StepResult, UserState,
};
use std::future::Future;

/// What the scheduler decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// Sent, no answer: it may have been applied.
    Unknown,
    /// `general.conflict` and friends (a duplicate email, an external id already present).
    Conflict,
    VersionConflict,
    NotFound,
    Other,
}

#[derive(Debug, Clone)]
pub struct OpError {
    pub kind: OpKind,
    pub http_status: Option<u16>,
    pub inner: ApiError,
}

impl From<ApiError> for OpError {
    fn from(e: ApiError) -> Self {
        let kind = match e.kind {
            ErrorKind::OutcomeUnknown => OpKind::Unknown,
            ErrorKind::Conflict => OpKind::Conflict,
            ErrorKind::VersionConflict => OpKind::VersionConflict,
            ErrorKind::NotFound => OpKind::NotFound,
            _ => OpKind::Other,
        };
        OpError {
            kind,
            http_status: e.status,
            inner: e,
        }
    }
}

impl OpError {
    pub fn step_result(&self, step: crate::model::Step) -> StepResult {
        self.inner.step_result(step)
    }
}

/// The bits of a user the scheduler tracks after a write.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRef {
    pub id: String,
    pub version: i64,
    pub division_id: Option<String>,
    pub state: Option<UserState>,
}

/// What the read-back checks.
#[derive(Debug, Clone)]
pub struct ReadBack {
    pub id: String,
    pub state: Option<UserState>,
    pub division_id: Option<String>,
    pub skills: Vec<Proficiency>,
    pub languages: Vec<Proficiency>,
}

/// The API calls a run makes, and what they have cost so far. Every call returns data or an
/// [`OpError`]; none panics. Futures are `Send` so the driver can run many at once.
pub trait Ops: Clone + Send + Sync + 'static {
    /// Requests, throttles, retries and bytes so far (cumulative for this client).
    fn stats(&self) -> ApiStats;
    /// The org's allowed requests per second, when known.
    fn allowed_per_s(&self) -> Option<f64>;
    /// The client's tokens, (live, pool size), when it has a pool.
    fn tokens(&self) -> Option<(usize, usize)> {
        None
    }

    fn create_user(
        &self,
        d: &DesiredUser,
        password: Option<&str>,
    ) -> impl Future<Output = Result<UserRef, OpError>> + Send;
    /// The user with this email in any state (active first), if one exists.
    fn find_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<UserRef>, OpError>> + Send;
    fn get_user(&self, id: &str) -> impl Future<Output = Result<UserRef, OpError>> + Send;
    /// PATCH the user at `version`. With `state`, only the state is sent.
    fn patch_user(
        &self,
        id: &str,
        version: i64,
        p: &UserPatch,
        state: Option<UserState>,
    ) -> impl Future<Output = Result<UserRef, OpError>> + Send;
    fn move_users(
        &self,
        division: &str,
        ids: &[String],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn grant_role(
        &self,
        role: &str,
        ids: &[String],
        divisions: &[Id],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn replace_grants(
        &self,
        id: &str,
        grants: &[Grant],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn patch_skills(
        &self,
        id: &str,
        s: &[Proficiency],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn put_skills(
        &self,
        id: &str,
        s: &[Proficiency],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn patch_languages(
        &self,
        id: &str,
        l: &[Proficiency],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    /// Removes one language from a user; a language the user no longer has counts as done.
    fn delete_language(
        &self,
        id: &str,
        language: &str,
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn queue_members(
        &self,
        queue: &str,
        ids: &[String],
        remove: bool,
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    /// Assigns each user its licences in one call; the answer is per user, in order.
    fn assign_licenses(
        &self,
        wanted: &[(String, Vec<Id>)],
    ) -> impl Future<Output = Result<Vec<Result<(), String>>, OpError>> + Send;
    fn add_external_id(
        &self,
        id: &str,
        x: &ExternalId,
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn external_ids(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Vec<ExternalId>, OpError>> + Send;
    /// Sets the user's utilization: only the media types given (the rest follow the org).
    fn put_utilization(
        &self,
        id: &str,
        media: &[MediaCapacity],
    ) -> impl Future<Output = Result<(), OpError>> + Send;
    fn invite(&self, id: &str) -> impl Future<Output = Result<(), OpError>> + Send;
    /// Reads many users back in as few calls as the API allows.
    fn read_back(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<ReadBack>, OpError>> + Send;
}
