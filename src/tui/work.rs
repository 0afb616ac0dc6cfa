//! Work too slow for the input loop (a bulk skip or its undo over thousands of rows): `update`
//! hands the driver a [`RecheckJob`], the driver runs it on a blocking thread, and its
//! answer comes back as [`Msg::Rechecked`]. The list and the org are shared (`Arc`), so
//! starting a job costs no copy; keys that would change the list wait until it is done.

use super::msg::Msg;
use crate::engine::{Estimator, Replace};
use crate::model::{HireList, OrgSnapshot};
use crate::preflight::{CheckOptions, CheckResult, check_all};
use std::collections::BTreeSet;
use std::sync::Arc;

/// More rows than this change state in one key: the re-check goes off the input loop (a
/// row's re-check is 20–80 µs, but one bulk change re-checks every row it touches again
/// for each row, so a whole-list check is the cheaper way past this size).
pub const INLINE_ROWS: usize = 32;

/// A whole-list re-check with a new skipped set, run off the input loop.
#[derive(Clone)]
pub struct RecheckJob {
    /// The session's change counter when the job started: an answer to an older state is
    /// dropped.
    pub generation: u64,
    pub list: Arc<HireList>,
    pub snapshot: Arc<OrgSnapshot>,
    pub options: CheckOptions,
}

impl std::fmt::Debug for RecheckJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecheckJob")
            .field("generation", &self.generation)
            .field("rows", &self.list.rows.len())
            .field("skipped", &self.options.skipped_rows.len())
            .finish()
    }
}

/// The job's answer: the list checked afresh and its request estimate.
pub struct Rechecked {
    pub generation: u64,
    pub result: CheckResult,
    pub estimator: Estimator,
}

impl std::fmt::Debug for Rechecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rechecked")
            .field("generation", &self.generation)
            .finish()
    }
}

impl RecheckJob {
    /// Check the whole list with the job's skipped rows (pure; the driver calls it on a
    /// blocking thread, tests call it directly).
    pub fn run(self) -> Msg {
        let result = check_all(&self.list, &self.snapshot, &self.options);
        let estimator = Estimator::new(&result.plan.rows, Replace::default());
        Msg::Rechecked(Box::new(Rechecked {
            generation: self.generation,
            result,
            estimator,
        }))
    }
}

/// What the session does with a job's answer once it comes back.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub generation: u64,
    /// The skipped set (indices into the list) the job checked.
    pub want: BTreeSet<usize>,
    /// Pushed onto the undo stack once applied (None for an undo itself).
    pub undo: Option<super::app::Undo>,
    /// Shown while it runs, e.g. `skipping 19,191 rows with unknown_queue`.
    pub doing: String,
    /// Shown when it is done.
    pub done: String,
    /// Rows whose state changes (for the busy line).
    pub rows: usize,
}
