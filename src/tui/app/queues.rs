//! A loaded queue list (docs/contract.md §6) with its check, the admin's edits and skips,
//! and the Pre-flight Queues table's cursor and filter. Re-checks run `check_queues` over
//! the whole list: duplicates are cross-row, and a queue list is small (hundreds of rows).

use super::ListCursor;
use crate::engine::queues::QueueTask;
use crate::ingest::queues::QueueList;
use crate::model::{Finding, HireList, OrgSnapshot, Severity};
use crate::preflight::queues::{
    QueueAction, QueueCheck, QueueCheckOptions, QueueOrg, check_queues,
};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

/// Queue creates per minute in a TUI run (the engine's default, as `apply --queue-rate`).
pub const QUEUE_RATE: u32 = 60;

/// What a queue row will do: its plan action, or skipped by the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueStatus {
    Create,
    Update,
    Unchanged,
    Blocked,
    Skipped,
}

impl QueueStatus {
    pub fn label(self) -> &'static str {
        match self {
            QueueStatus::Create => "create",
            QueueStatus::Update => "update",
            QueueStatus::Unchanged => "unchanged",
            QueueStatus::Blocked => "blocked",
            QueueStatus::Skipped => "skipped",
        }
    }

    /// Whether the row goes to the run.
    pub fn runs(self) -> bool {
        matches!(
            self,
            QueueStatus::Create | QueueStatus::Update | QueueStatus::Unchanged
        )
    }
}

/// The Queues table: visible rows (indices into `list.rows`), cursor, selected column and
/// the `/` filter (text in the name or any cell, `code:NAME`, `error`, `warning`, `skipped`).
#[derive(Debug, Default)]
pub struct QueueTable {
    pub view: Vec<usize>,
    pub cursor: ListCursor,
    pub col: usize,
    pub filter: String,
}

/// A loaded queue list and its check.
#[derive(Debug)]
pub struct QueueSession {
    pub path: PathBuf,
    pub list: QueueList,
    /// What the org holds for queues (read once at load; re-checks use it, no IO).
    pub org: Arc<QueueOrg>,
    pub options: QueueCheckOptions,
    pub check: QueueCheck,
    /// Skipped rows, by index into `list.rows`.
    pub skipped: BTreeSet<usize>,
    /// Edits or skips not yet saved.
    pub unsaved: bool,
    pub table: QueueTable,
    /// The Pre-flight screen shows the Queues table (else the Hires table).
    pub shown: bool,
}

impl QueueSession {
    pub fn new(
        path: PathBuf,
        list: QueueList,
        org: QueueOrg,
        options: QueueCheckOptions,
        check: QueueCheck,
    ) -> QueueSession {
        let mut s = QueueSession {
            path,
            list,
            org: Arc::new(org),
            options,
            check,
            skipped: BTreeSet::new(),
            unsaved: false,
            table: QueueTable::default(),
            shown: false,
        };
        s.rebuild_view();
        s
    }

    pub fn status(&self, index: usize) -> QueueStatus {
        if self.skipped.contains(&index) {
            return QueueStatus::Skipped;
        }
        match self.check.plan.get(index).map(|p| p.action) {
            Some(QueueAction::Create) => QueueStatus::Create,
            Some(QueueAction::Update) => QueueStatus::Update,
            Some(QueueAction::Unchanged) => QueueStatus::Unchanged,
            Some(QueueAction::Blocked) | None => QueueStatus::Blocked,
        }
    }

    pub fn findings_of(&self, index: usize) -> impl Iterator<Item = &Finding> {
        self.check.row_findings.get(index).into_iter().flatten()
    }

    /// (errors, warnings) of one row.
    pub fn counts(&self, index: usize) -> (usize, usize) {
        let errors = self
            .findings_of(index)
            .filter(|f| f.severity == Severity::Error)
            .count();
        (errors, self.findings_of(index).count() - errors)
    }

    /// (errors, warnings) of the whole list, file findings included.
    pub fn totals(&self) -> (usize, usize) {
        let errors = self
            .check
            .findings()
            .filter(|f| f.severity == Severity::Error)
            .count();
        (errors, self.check.findings().count() - errors)
    }

    pub fn cell(&self, index: usize, col: usize) -> &str {
        self.list
            .rows
            .get(index)
            .and_then(|r| r.cells.get(col))
            .unwrap_or("")
    }

    /// The queue's name as the plan has it (the row number when it has none).
    pub fn name(&self, index: usize) -> String {
        match self.check.plan.get(index) {
            Some(p) if !p.name.is_empty() => p.name.clone(),
            _ => format!(
                "(row {})",
                self.list
                    .rows
                    .get(index)
                    .map(|r| r.row)
                    .unwrap_or(index + 1)
            ),
        }
    }

    /// The column of a finding's field (a header of the list).
    pub fn finding_col(&self, f: &Finding) -> Option<usize> {
        let name = f.field.as_deref()?;
        self.list
            .headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .or_else(|| {
                let c = crate::ingest::queues::column_for_header(name)?;
                self.list.column_index(c)
            })
    }

    /// Check the whole list again (after an edit): against the same org reads, with the
    /// hire list of the session (its rows count as members).
    pub fn recheck(&mut self, hires: Option<&HireList>, snapshot: &OrgSnapshot) {
        self.check = check_queues(&self.list, hires, snapshot, &self.org, &self.options);
        self.rebuild_view();
    }

    /// Set cell `col` of row `index` (a short row gets every column first).
    pub fn set_cell(&mut self, index: usize, col: usize, value: &str) -> Option<String> {
        let width = self.list.headers.len();
        let row = self.list.rows.get_mut(index)?;
        let old = row.cells.get(col).unwrap_or("").to_string();
        for c in 0..width {
            if row.cells.get(c).is_none() {
                row.cells.set(c, "");
            }
        }
        row.cells.set(col, value);
        self.unsaved = true;
        Some(old)
    }

    pub fn toggle_skip(&mut self, index: usize) -> bool {
        let skipped = if self.skipped.remove(&index) {
            false
        } else {
            self.skipped.insert(index);
            true
        };
        self.unsaved = true;
        self.rebuild_view();
        skipped
    }

    /// Whether row `index` passes the table's `/` filter.
    fn matches(&self, index: usize, needle: &str) -> bool {
        if needle.is_empty() {
            return true;
        }
        let (errors, warnings) = self.counts(index);
        match needle {
            "error" | "errors" => return errors > 0,
            "warning" | "warnings" => return warnings > 0,
            "skipped" => return self.skipped.contains(&index),
            _ => {}
        }
        if let Some(code) = needle.strip_prefix("code:") {
            return self.findings_of(index).any(|f| f.code.as_str() == code);
        }
        let Some(row) = self.list.rows.get(index) else {
            return false;
        };
        (0..self.list.headers.len()).any(|c| {
            row.cells
                .get(c)
                .unwrap_or("")
                .to_lowercase()
                .contains(needle)
        }) || self.status(index).label() == needle
    }

    /// Recompute the visible rows from the filter, keeping the cursor in range.
    pub fn rebuild_view(&mut self) {
        let needle = self.table.filter.trim().to_lowercase();
        self.table.view = (0..self.list.rows.len())
            .filter(|i| self.matches(*i, &needle))
            .collect();
        let n = self.table.view.len();
        if self.table.cursor.selected >= n {
            self.table.cursor.selected = n.saturating_sub(1);
        }
    }

    pub fn selected(&self) -> Option<usize> {
        self.table.view.get(self.table.cursor.selected).copied()
    }

    /// The rows that go to a run, as engine tasks (file order): not blocked, not skipped.
    pub fn tasks(&self) -> Vec<QueueTask> {
        self.check
            .plan
            .iter()
            .enumerate()
            .filter(|(i, _)| self.status(*i).runs())
            .map(|(_, p)| QueueTask::from(p))
            .collect()
    }

    /// Rows per status, in status order (for the summary and the Plan).
    pub fn status_counts(&self) -> Vec<(QueueStatus, usize)> {
        let mut counts = std::collections::BTreeMap::new();
        for i in 0..self.list.rows.len() {
            *counts.entry(self.status(i)).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    /// Queue creates a run makes.
    pub fn creates(&self) -> usize {
        self.tasks()
            .iter()
            .filter(|t| t.action == QueueAction::Create)
            .count()
    }

    /// Seconds the queue phase adds beyond its requests at `per_s`: its creates are paced
    /// at the queue rate (`apply --queue-rate`'s default, 60/min), one every `60/rate` s.
    pub fn pacing_s(&self, per_s: f64) -> f64 {
        let paced = self.creates().saturating_sub(1) as f64 * 60.0 / f64::from(QUEUE_RATE);
        let at_rate = if per_s > 0.0 {
            self.estimate() as f64 / per_s
        } else {
            0.0
        };
        (paced - at_rate).max(0.0)
    }

    /// The requests the queue rows of a run will cost (the engine's estimate).
    pub fn estimate(&self) -> u64 {
        crate::engine::queues::estimate_requests(&self.tasks())
    }
}
