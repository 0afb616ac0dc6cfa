//! The seam between the TUI and the pre-flight rules: the TUI keeps a [`Checked`] result and
//! asks a [`Checker`] to (re)compute it. The real checker wraps `preflight` with the loaded
//! [`OrgSnapshot`](crate::model::OrgSnapshot); the Pre-flight screen never does IO.

use crate::model::{Finding, HireList, Plan};

/// Findings and plan for the whole list, as the Pre-flight screen shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub plan: Plan,
}

/// Runs the pre-flight rules. Implementations are pure (the snapshot is already loaded), so
/// `recheck_row` can run on a keystroke.
pub trait Checker: Send {
    /// Check every row.
    fn check_all(&self, list: &HireList) -> Checked;
    /// Re-check the row at `index` (0-based into `list.rows`) after an edit, and whatever rows
    /// it can affect (duplicates, seats, capacity).
    fn recheck_row(&self, list: &HireList, checked: &mut Checked, index: usize);
}
