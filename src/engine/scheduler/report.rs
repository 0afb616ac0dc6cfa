//! What a row's state says: its report (outcome and steps), and small rules the scheduler
//! decides with.

use super::{Phase, Row};
use crate::engine::journal::RowHistory;
use crate::engine::ops::OpError;
use crate::engine::steps::Primary;
use crate::model::{Outcome, RowReport, Step, StepResult, StepStatus};

/// A row's report: one result per step (a failure wins over an earlier ok), and its outcome.
pub(super) fn row_report(row: &Row) -> RowReport {
    let mut steps: Vec<StepResult> = Vec::new();
    for r in &row.results {
        match steps.iter_mut().find(|s| s.step == r.step) {
            Some(s) if s.status == StepStatus::Ok && r.status != StepStatus::Ok => *s = r.clone(),
            Some(_) => {}
            None => steps.push(r.clone()),
        }
    }
    let outcome = if row.failed
        || steps
            .iter()
            .any(|s| s.status != StepStatus::Ok && s.status != StepStatus::Skipped)
    {
        Outcome::Failed
    } else if row.phase != Phase::Done {
        // The run stopped before the row finished: it resumes next time.
        if row.phase == Phase::Waiting && row.results.is_empty() {
            Outcome::NotReached
        } else {
            Outcome::Interrupted
        }
    } else {
        let earlier = row.history.as_ref().and_then(|h| h.first_change);
        let now = match &row.work.primary {
            Primary::Create => Outcome::Created,
            Primary::SetState {
                step: Step::RestoreUser,
                ..
            } => Outcome::Restored,
            Primary::SetState { .. } => Outcome::Reactivated,
            Primary::Deactivate => Outcome::Deactivated,
            Primary::Update(_) | Primary::None => Outcome::Updated,
        };
        match (earlier, now) {
            (Some(e), Outcome::Updated) => e,
            _ => now,
        }
    };
    RowReport {
        kind: crate::model::RowKind::User,
        row: row.plan.row,
        email: row.plan.email.to_string(),
        outcome,
        user_id: row.user_id.clone(),
        steps,
    }
}

/// The outcome of a row the org shows needs nothing: `unchanged`, unless an unfinished run
/// of this list in this org made the change (a resumed run still reports it `created`).
pub(super) fn finished_earlier(history: Option<&RowHistory>) -> Outcome {
    let Some(h) = history else {
        return Outcome::Unchanged;
    };
    let unfinished = h.last_outcome.is_none_or(|o| o.needs_retry());
    match h.first_change {
        Some(change) if unfinished => change,
        _ => Outcome::Unchanged,
    }
}

/// The step a primary write records, or None when it writes nothing.
pub(super) fn primary_step(p: &Primary) -> Option<Step> {
    match p {
        Primary::Create => Some(Step::CreateUser),
        Primary::SetState { step, .. } => Some(*step),
        Primary::Update(_) => Some(Step::UpdateUser),
        Primary::Deactivate => Some(Step::DeactivateUser),
        Primary::None => None,
    }
}

/// Whether splitting a failed bulk call could isolate the cause: a 4xx about the payload.
pub(super) fn bisectable(e: &OpError) -> bool {
    matches!(e.http_status, Some(400 | 404 | 409 | 422))
}
