//! Execution: steps, outcomes, engine events, load progress and the run report
//! (docs/contract.md §3).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Lookup,
    CreateUser,
    RestoreUser,
    ReactivateUser,
    UpdateUser,
    DeactivateUser,
    Manager,
    Division,
    Roles,
    Skills,
    Languages,
    Queues,
    Licenses,
    ExternalId,
    /// `PUT /routing/users/{id}/utilization` (opt-in `utilization` column).
    Utilization,
    Invite,
    Password,
    Verify,
    // Queue rows (the README's "Queue rows").
    CreateWrapupCode,
    CreateQueue,
    UpdateQueue,
    QueueDivision,
    WrapupCodes,
    QueueMembers,
    VerifyQueue,
    // A clone's dependency steps (before any user step).
    CreateSkill,
    CreateLanguage,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Lookup => "lookup",
            Step::CreateUser => "create_user",
            Step::RestoreUser => "restore_user",
            Step::ReactivateUser => "reactivate_user",
            Step::UpdateUser => "update_user",
            Step::DeactivateUser => "deactivate_user",
            Step::Manager => "manager",
            Step::Division => "division",
            Step::Roles => "roles",
            Step::Skills => "skills",
            Step::Languages => "languages",
            Step::Queues => "queues",
            Step::Licenses => "licenses",
            Step::ExternalId => "external_id",
            Step::Utilization => "utilization",
            Step::Invite => "invite",
            Step::Password => "password",
            Step::Verify => "verify",
            Step::CreateWrapupCode => "create_wrapup_code",
            Step::CreateQueue => "create_queue",
            Step::UpdateQueue => "update_queue",
            Step::QueueDivision => "queue_division",
            Step::WrapupCodes => "wrapup_codes",
            Step::QueueMembers => "queue_members",
            Step::VerifyQueue => "verify_queue",
            Step::CreateSkill => "create_skill",
            Step::CreateLanguage => "create_language",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Ok,
    Failed,
    /// Nothing to do (already as desired).
    Skipped,
    /// A write whose outcome is not known (dropped connection after send).
    Unknown,
}

/// One step of one row, as the failures drilldown and the report show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    pub step: Step,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub context_id: Option<String>,
    #[serde(skip_serializing_if = "is_zero", default)]
    pub attempts: u32,
    /// The request that failed, e.g. `POST /api/v2/routing/queues/{id}/members` (no body, no secrets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    Restored,
    Reactivated,
    Deactivated,
    Unchanged,
    Failed,
    /// The admin chose not to run the row (a skip, or a row blocked by its findings).
    Skipped,
    /// The run stopped after the row had begun: some of its steps ran (its user may exist).
    Interrupted,
    /// The run stopped before anything of the row was attempted.
    NotReached,
}

impl Outcome {
    /// The row still needs a run: it failed, or a stopped run left it unfinished.
    pub fn needs_retry(self) -> bool {
        matches!(
            self,
            Outcome::Failed | Outcome::Interrupted | Outcome::NotReached
        )
    }

    /// The stable name used in reports (docs/contract.md §3).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Restored => "restored",
            Outcome::Reactivated => "reactivated",
            Outcome::Deactivated => "deactivated",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::Interrupted => "interrupted",
            Outcome::NotReached => "not_reached",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowReport {
    /// A hire-list row (`user`) or a queue-list row (`queue`); absent in older reports.
    #[serde(default)]
    pub kind: RowKind,
    pub row: usize,
    /// The user's email; for a queue row, the queue's name.
    pub email: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user_id: Option<String>,
    pub steps: Vec<StepResult>,
}

/// Which list a report row comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    #[default]
    User,
    Queue,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub skipped: usize,
    pub unchanged: usize,
    /// Rows a stopped run left begun but unfinished.
    #[serde(default)]
    pub interrupted: usize,
    /// Rows a stopped run never attempted.
    #[serde(default)]
    pub not_reached: usize,
}

/// Counters the client keeps (requests made, 429s, retries, bytes) plus elapsed time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiStats {
    pub requests: u64,
    pub throttled: u64,
    pub retries: u64,
    #[serde(skip_serializing_if = "is_zero_u64", default)]
    pub bytes: u64,
    pub elapsed_s: f64,
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub summary: ReportSummary,
    pub api: ApiStats,
    pub rows: Vec<RowReport>,
    /// The pace of queue creates the run used (`apply --queue-rate`), when it had a queue
    /// list. An addition: absent otherwise, so older reports read the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_rate_per_min: Option<u32>,
    /// A clone's dependency steps (skills and languages created before the users). An
    /// addition: absent when there were none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DependencyReport>,
}

/// One dependency step of a clone: what became of a skill or language the org lacked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencyReport {
    /// `create_skill` or `create_language`.
    pub step: Step,
    pub name: String,
    /// `created`; `unchanged` when the name turned out to exist (adopted); `failed`;
    /// `not_reached` when the run was stopped first.
    pub outcome: Outcome,
    /// The object's id in the org, when it exists now.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<StepResult>,
}

/// Live progress from the engine (bounded channel; the TUI and the headless line read it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EngineEvent {
    Started {
        rows: usize,
        estimated_requests: u64,
    },
    Step {
        row: usize,
        result: StepResult,
    },
    RowDone {
        report: RowReport,
    },
    Rate {
        stats: ApiStats,
        /// Requests per second over the last few seconds.
        requests_per_s: f64,
        /// What the org allows, per second (from `inin-ratelimit-allowed`), if known.
        allowed_per_s: Option<f64>,
        eta_s: Option<f64>,
        /// The client's tokens: (live, pool size), when the client has a pool. The allowed
        /// rate above is that of the live tokens; more are minted as the run needs them.
        tokens: Option<(usize, usize)>,
    },
    /// The queue phase's progress: queue rows finished of `total`, and sub-resource calls
    /// waiting for a new queue to settle (a 404 retried with backoff, not a failure).
    QueueProgress {
        done: usize,
        total: usize,
        settling: usize,
    },
    Paused,
    Resumed,
    Log {
        message: String,
    },
    Finished {
        report: Report,
        cancelled: bool,
    },
}

/// Snapshot loading progress (per resource), shown on the Load screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadProgress {
    pub resource: String,
    pub loaded: usize,
    pub total: Option<usize>,
    pub done: bool,
    /// Seconds left at the pace so far, when the loader can tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_s: Option<u64>,
}
