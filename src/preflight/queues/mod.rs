//! Pre-flight of a queue list (docs/contract.md §6): pure, no IO. Each row is typed
//! (`ingest::queues`), its names resolved against the org (`names.rs`), its settings checked
//! together (`fields.rs`), its coverage judged (`coverage.rs`), and its plan and diff made
//! (`plan.rs`). Findings carry the row and line like the hire list's; the JSON adds
//! `"file": "queues.csv"` and the queue's name.

mod coverage;
mod fields;
mod names;
mod org;
mod plan;

pub use org::QueueOrg;
pub use plan::{QueueAction, QueueDiff, QueuePlanRow, QueueRunData, desired_settings};

use crate::ingest::queues::{QueueList, QueueRow, typed_row};
use crate::model::{Finding, FindingCode, HireList, OrgSnapshot, Severity};
use serde::Serialize;

/// How a queue list is checked (the `apply` options that change findings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCheckOptions {
    /// `--create-missing wrapup_codes`: an unknown wrap-up code is a warning (it will be
    /// created) instead of an error.
    pub create_missing_wrapup_codes: bool,
    /// `--replace wrapup_codes`: codes a queue has beyond the row's are removed (shown as −).
    pub replace_wrapup_codes: bool,
}

/// Queue plan counts (`plan.queues` in the check JSON).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub blocked: usize,
}

/// The outcome of a queue-list pre-flight.
#[derive(Debug, Clone, Default)]
pub struct QueueCheck {
    /// Findings of no row (`unknown_column`).
    pub file_findings: Vec<Finding>,
    /// Findings per row, indexed like `QueueList::rows`.
    pub row_findings: Vec<Vec<Finding>>,
    pub plan: Vec<QueuePlanRow>,
}

impl QueueCheck {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.file_findings
            .iter()
            .chain(self.row_findings.iter().flatten())
    }

    pub fn has_errors(&self) -> bool {
        self.findings().any(|f| f.severity == Severity::Error)
    }

    pub fn counts(&self) -> QueueCounts {
        let mut c = QueueCounts::default();
        for r in &self.plan {
            match r.action {
                QueueAction::Create => c.create += 1,
                QueueAction::Update => c.update += 1,
                QueueAction::Unchanged => c.unchanged += 1,
                QueueAction::Blocked => c.blocked += 1,
            }
        }
        c
    }
}

/// Collects one queue row's findings.
pub(super) struct Cx<'a> {
    row: &'a QueueRow,
    findings: Vec<Finding>,
}

impl Cx<'_> {
    fn push(&mut self, column: Option<&str>, code: FindingCode, message: String) {
        self.push_with(column, code, code.severity(), message, None);
    }

    fn push_with(
        &mut self,
        column: Option<&str>,
        code: FindingCode,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        self.findings.push(Finding {
            row: Some(self.row.row),
            line: Some(self.row.line),
            email: None,
            field: column.map(str::to_string),
            code,
            severity,
            message,
            suggestion,
            persona: None,
            file: None,
        });
    }

    fn has_error(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Checks a queue list against the org. `hires` is the hire list of the same run, if any:
/// its rows count as members (`unknown_member`) and their skills as coverage.
pub fn check_queues(
    list: &QueueList,
    hires: Option<&HireList>,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
    options: &QueueCheckOptions,
) -> QueueCheck {
    let people = coverage::People::new(hires, snapshot);
    let mut out = QueueCheck {
        file_findings: fields::column_findings(list),
        ..QueueCheck::default()
    };
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for raw in &list.rows {
        let row = typed_row(list, raw);
        let mut cx = Cx {
            row: &row,
            findings: Vec::new(),
        };
        fields::cell_findings(&mut cx);
        fields::duplicate(&mut cx, &mut seen);
        let resolved = names::resolve(&mut cx, snapshot, org, &people, options);
        coverage::check(&mut cx, &resolved, snapshot, org, &people);
        let plan = plan::plan_row(&mut cx, &resolved, snapshot, org, options);
        out.row_findings.push(cx.findings);
        out.plan.push(plan);
    }
    out
}

/// The member emails a queue list names (lower-cased, each once): the snapshot looks these
/// users up with the hire list's, in the same batched reads.
pub fn member_emails(list: &QueueList) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    if let Some(i) = list.column_index(crate::ingest::queues::QueueColumn::Members) {
        for row in &list.rows {
            let cell = row.cells.get(i).unwrap_or("");
            for e in crate::preflight::rules::split_list(cell) {
                out.insert(e.to_lowercase());
            }
        }
    }
    out.into_iter().collect()
}
