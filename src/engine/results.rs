//! Step results the engine makes itself (not from an API error), and how a step answered by
//! several bulk groups becomes one result.

use crate::model::{Step, StepResult, StepStatus};

pub fn ok(step: Step) -> StepResult {
    StepResult {
        step,
        status: StepStatus::Ok,
        http_status: None,
        code: None,
        message: None,
        context_id: None,
        attempts: 0,
        request: None,
    }
}

pub fn failed(step: Step, message: String) -> StepResult {
    StepResult {
        status: StepStatus::Failed,
        message: Some(message),
        ..ok(step)
    }
}

/// Collapses a step's group results into one (failed wins) and keeps it once in `results`.
pub fn merge_step(results: &mut Vec<StepResult>, step: Step) -> StepResult {
    let mut merged: Option<StepResult> = None;
    results.retain(|r| {
        if r.step != step {
            return true;
        }
        match &merged {
            Some(m) if m.status != StepStatus::Ok => {}
            _ => merged = Some(r.clone()),
        }
        false
    });
    let m = merged.unwrap_or_else(|| ok(step));
    results.push(m.clone());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_step_keeps_one_result_and_failure_wins() {
        let mut rs = vec![
            ok(Step::Queues),
            failed(Step::Queues, "full".into()),
            ok(Step::Skills),
            ok(Step::Queues),
        ];
        let m = merge_step(&mut rs, Step::Queues);
        assert_eq!(m.status, StepStatus::Failed);
        assert_eq!(rs.iter().filter(|r| r.step == Step::Queues).count(), 1);
        assert_eq!(rs.len(), 2);
    }
}
