//! A loaded list with its check results and the admin's fixes, and the undo of them.

use super::*;

/// An undoable change.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    Cell {
        index: usize,
        col: usize,
        old: String,
        /// The row's cell count before the edit (an edit gives a short row every column).
        cells: usize,
    },
    /// Skip set before a skip / unskip.
    Skips(BTreeSet<usize>),
}

/// A loaded list with its check results and the admin's fixes.
pub struct Session {
    pub path: PathBuf,
    /// Shared with a background re-check while one runs (edits wait for it; see
    /// [`super::work`]), so starting one copies nothing.
    pub list: Arc<HireList>,
    /// The org as loaded; pre-flight re-checks against it (no IO).
    pub snapshot: Arc<OrgSnapshot>,
    pub result: CheckResult,
    /// Skipped rows, by index into `list.rows` (mirrors `result.options.skipped_rows`).
    pub skipped: BTreeSet<usize>,
    /// The rows skipped when the list was loaded (a `skip` a save must clear once unskipped).
    pub loaded_skips: BTreeSet<usize>,
    /// Per row: (errors, warnings).
    pub counts: Vec<(u16, u16)>,
    /// Plan action per row index (Blocked if the plan has no entry).
    pub actions: Vec<PlanAction>,
    pub undo: Vec<Undo>,
    /// Edits or skips not yet saved to a file.
    pub unsaved: bool,
    /// Findings per code (for the summary).
    pub by_code: BTreeMap<FindingCode, usize>,
    /// The org's request limit, if known.
    pub allowed: Option<crate::tui::estimate::AllowedRate>,
    /// The org the list was loaded against (where a run goes).
    pub target: Target,
    /// Rows per plan action and finding totals (errors, warnings).
    pub action_counts: BTreeMap<PlanAction, usize>,
    pub totals: (usize, usize),
    /// The engine's request estimate of the plan, kept up to date row by row as re-checks
    /// rewrite rows (see [`Session::estimate`]).
    estimator: Estimator,
    /// Per row: its org checks are not final yet (the snapshot is still loading). Empty
    /// once the load is complete.
    pub checking: Vec<bool>,
    /// Rows that are `checking`.
    pub checking_count: usize,
    /// Rows whose org checks never finished (the load was stopped): blocked with
    /// `org_not_checked`, whatever an edit does, until the list is reloaded.
    pub not_checked: BTreeSet<usize>,
    /// Counts changes to the list or its skips: a background answer to an older state is
    /// dropped.
    pub generation: u64,
    /// A bulk skip or undo re-checking off the input loop; keys that change the list wait.
    pub pending: Option<Pending>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("path", &self.path)
            .field("rows", &self.list.rows.len())
            .finish()
    }
}

impl Session {
    pub fn new(
        path: PathBuf,
        list: HireList,
        snapshot: OrgSnapshot,
        result: CheckResult,
        allowed: Option<crate::tui::estimate::AllowedRate>,
    ) -> Session {
        let skipped: BTreeSet<usize> = list
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| result.options.skipped_rows.contains(&r.row))
            .map(|(i, _)| i)
            .collect();
        let mut s = Session {
            path,
            list: Arc::new(list),
            snapshot: Arc::new(snapshot),
            result,
            loaded_skips: skipped.clone(),
            skipped,
            counts: Vec::new(),
            actions: Vec::new(),
            undo: Vec::new(),
            unsaved: false,
            by_code: BTreeMap::new(),
            allowed,
            target: Target::default(),
            action_counts: BTreeMap::new(),
            totals: (0, 0),
            estimator: Estimator::default(),
            checking: Vec::new(),
            checking_count: 0,
            not_checked: BTreeSet::new(),
            generation: 0,
            pending: None,
        };
        s.estimator = Estimator::new(&s.result.plan.rows, Replace::default());
        s.reindex();
        s
    }

    /// Make the skipped set `want`: at once when few rows change, else by starting a
    /// whole-list re-check off the input loop (the answer goes to [`Session::finish_job`]).
    /// `undo` is pushed once the change is made; `doing`/`done` describe it to the admin.
    pub fn change_skips(
        &mut self,
        want: BTreeSet<usize>,
        undo: Option<Undo>,
        doing: String,
        done: String,
    ) -> Option<RecheckJob> {
        let rows = self.skipped.symmetric_difference(&want).count();
        self.generation += 1;
        if rows <= INLINE_ROWS {
            self.set_skipped(want);
            self.undo.extend(undo);
            return None;
        }
        let mut options = self.result.options.clone();
        options.skipped_rows = want
            .iter()
            .filter_map(|i| self.list.rows.get(*i).map(|r| r.row))
            .collect();
        self.pending = Some(Pending {
            generation: self.generation,
            want,
            undo,
            doing,
            done,
            rows,
        });
        Some(RecheckJob {
            generation: self.generation,
            list: Arc::clone(&self.list),
            snapshot: Arc::clone(&self.snapshot),
            options,
        })
    }

    /// Take a background re-check's answer: the new findings, plan and estimate replace the
    /// old. Returns what was pending (None: the answer was for an older state, dropped).
    pub fn finish_job(&mut self, done: Rechecked) -> Option<Pending> {
        let pending = self.pending.take_if(|p| p.generation == done.generation)?;
        self.result = done.result;
        self.estimator = done.estimator;
        self.skipped = pending.want.clone();
        self.undo.extend(pending.undo.clone());
        self.reindex();
        Some(pending)
    }

    /// The list to change in place (copied only if a background job still holds it).
    pub fn list_mut(&mut self) -> &mut HireList {
        self.generation += 1;
        Arc::make_mut(&mut self.list)
    }

    /// Re-check row `index` after an edit (and the rows it affects). Pure and fast.
    pub fn recheck(&mut self, index: usize) {
        let rewritten = preflight::recheck_row(&self.list, &self.snapshot, &mut self.result, index);
        self.keep_not_checked(&rewritten);
        self.reestimate(&rewritten);
        self.reindex();
    }

    /// Rows a re-check rewrote that never had their org checks stay blocked: the snapshot
    /// does not know whether their users exist.
    fn keep_not_checked(&mut self, rewritten: &[usize]) {
        let again: BTreeSet<usize> = rewritten
            .iter()
            .copied()
            .filter(|i| self.not_checked.contains(i))
            .collect();
        if !again.is_empty() {
            preflight::partial::mark_not_checked(&self.list, &mut self.result, &again);
        }
    }

    /// The check so far of a load still under way (or, with `checking` empty, its final
    /// check): replaces the result, keeping the admin's place in the table.
    pub fn apply_partial(
        &mut self,
        snapshot: OrgSnapshot,
        result: CheckResult,
        checking: Vec<bool>,
    ) {
        self.snapshot = Arc::new(snapshot);
        self.result = result;
        self.checking_count = checking.iter().filter(|c| **c).count();
        self.checking = checking;
        self.estimator = Estimator::new(&self.result.plan.rows, Replace::default());
        self.reindex();
    }

    /// The first partial check of a load: which rows are still checking.
    pub fn apply_partial_checking(&mut self, checking: Vec<bool>) {
        self.checking_count = checking.iter().filter(|c| **c).count();
        self.checking = checking;
    }

    /// The load was stopped: rows still checking keep what was checked, are blocked and
    /// say why (`org_not_checked`: reload to check them). Returns how many.
    pub fn stop_checking(&mut self) -> usize {
        let rows: BTreeSet<usize> = self
            .checking
            .iter()
            .enumerate()
            .filter(|(_, c)| **c)
            .map(|(i, _)| i)
            .collect();
        preflight::partial::mark_not_checked(&self.list, &mut self.result, &rows);
        let n = rows.len();
        self.not_checked = rows;
        self.checking = Vec::new();
        self.checking_count = 0;
        self.estimator = Estimator::new(&self.result.plan.rows, Replace::default());
        self.reindex();
        n
    }

    /// Whether row `index`'s org checks are still under way.
    pub fn is_checking(&self, index: usize) -> bool {
        self.checking.get(index).copied().unwrap_or(false)
    }

    /// Make the skipped set `want`, re-checking the rows whose state changes.
    pub fn set_skipped(&mut self, want: BTreeSet<usize>) {
        let changed: Vec<(usize, bool)> = self
            .skipped
            .symmetric_difference(&want)
            .map(|i| (*i, want.contains(i)))
            .collect();
        let mut rewritten = Vec::new();
        for (i, skip) in changed {
            rewritten.extend(preflight::set_skipped(
                &self.list,
                &self.snapshot,
                &mut self.result,
                i,
                skip,
            ));
        }
        rewritten.sort_unstable();
        rewritten.dedup();
        self.keep_not_checked(&rewritten);
        self.reestimate(&rewritten);
        self.skipped = want;
        self.reindex();
    }

    /// Brings the estimate up to date after pre-flight rewrote the plan of the rows
    /// `rewritten`: row by row, or counted afresh when most rows changed (a full re-check)
    /// or the plan shrank.
    fn reestimate(&mut self, rewritten: &[usize]) {
        let rows = &self.result.plan.rows;
        if rows.len() < self.estimator.len() || rewritten.len() * 2 > rows.len() {
            self.estimator = Estimator::new(rows, Replace::default());
            return;
        }
        for &i in rewritten {
            if let Some(p) = rows.get(i) {
                self.estimator.update(i, p);
            }
        }
    }

    /// The list as `w` writes it: the edits, and each skipped row's `action` cell set to
    /// `skip` (an `action` column is added when the list has none), so the skips survive
    /// the file. A row loaded as skipped and unskipped since loses its `skip`; other action
    /// cells are kept as they are.
    pub fn list_to_save(&self) -> HireList {
        let mut list = (*self.list).clone();
        let col = match list.column_of(Field::Action) {
            Some(c) => c,
            None if self.skipped.is_empty() => return list,
            None => {
                list.headers.push(Field::Action.as_str().to_string());
                list.columns.push(Some(Field::Action));
                let col = list.headers.len() - 1;
                // Every row gets the cell, so the file stays rectangular.
                for row in &mut list.rows {
                    row.cells.set(col, "");
                }
                col
            }
        };
        for (i, row) in list.rows.iter_mut().enumerate() {
            let cell = row.cells.get(col).unwrap_or("").trim();
            let is_skip = cell.eq_ignore_ascii_case(SKIP_ACTION);
            if self.skipped.contains(&i) {
                if !is_skip {
                    row.cells.set(col, SKIP_ACTION);
                }
            } else if is_skip && self.loaded_skips.contains(&i) {
                row.cells.set(col, "");
            }
        }
        list
    }

    /// Position of data row number `row` (1-based) in `list.rows`.
    pub fn index_of_row(&self, row: usize) -> Option<usize> {
        let rows = &self.list.rows;
        if row >= 1 && rows.get(row - 1).is_some_and(|r| r.row == row) {
            return Some(row - 1);
        }
        rows.iter().position(|r| r.row == row)
    }

    /// Rebuild the per-row counts after a check or recheck. O(rows + findings).
    pub fn reindex(&mut self) {
        let n = self.list.rows.len();
        let mut counts = vec![(0u16, 0u16); n];
        let mut by_code = BTreeMap::new();
        let mut totals = (0, 0);
        let all = self
            .result
            .row_findings
            .iter()
            .enumerate()
            .flat_map(|(i, v)| v.iter().map(move |f| (Some(i), f)))
            .chain(self.result.file_findings.iter().map(|f| (None, f)));
        for (i, f) in all {
            *by_code.entry(f.code).or_insert(0) += 1;
            let err = f.severity == Severity::Error;
            if err {
                totals.0 += 1;
            } else {
                totals.1 += 1;
            }
            if let Some(c) = i.and_then(|i| counts.get_mut(i)) {
                if err {
                    c.0 = c.0.saturating_add(1);
                } else {
                    c.1 = c.1.saturating_add(1);
                }
            }
        }
        let mut actions = vec![PlanAction::Blocked; n];
        for (i, rp) in self.result.plan.rows.iter().enumerate() {
            // The plan is indexed like the list; fall back to the row number otherwise.
            let at = if self.list.rows.get(i).is_some_and(|r| r.row == rp.row) {
                Some(i)
            } else {
                self.index_of_row(rp.row)
            };
            if let Some(at) = at {
                actions[at] = rp.action;
            }
        }
        let mut action_counts = BTreeMap::new();
        for a in &actions {
            *action_counts.entry(*a).or_insert(0) += 1;
        }
        self.counts = counts;
        self.by_code = by_code;
        self.actions = actions;
        self.action_counts = action_counts;
        self.totals = totals;
    }

    pub fn findings_of(&self, index: usize) -> impl Iterator<Item = &Finding> {
        self.result.row_findings.get(index).into_iter().flatten()
    }

    pub fn file_findings(&self) -> &[Finding] {
        &self.result.file_findings
    }

    /// What the row will do: its plan action, or `Skipped` if the admin skipped it.
    pub fn status(&self, index: usize) -> PlanAction {
        if self.skipped.contains(&index) {
            PlanAction::Skipped
        } else {
            self.actions
                .get(index)
                .copied()
                .unwrap_or(PlanAction::Blocked)
        }
    }

    pub fn errors(&self, index: usize) -> u16 {
        self.counts.get(index).map(|c| c.0).unwrap_or(0)
    }

    /// The request estimate of the plan: `engine::estimate_requests` over its rows, kept up
    /// to date incrementally (O(bulk groups) to read).
    pub fn estimate(&self) -> u64 {
        self.estimator.total()
    }

    /// Rows that will run: runnable actions (from the cached counts).
    pub fn runnable_count(&self) -> usize {
        self.action_counts
            .iter()
            .filter(|(a, _)| is_runnable(**a))
            .map(|(_, n)| *n)
            .sum()
    }

    /// Counts of rows per status (plan action; pre-flight marks skipped rows `Skipped`).
    pub fn status_counts(&self) -> BTreeMap<PlanAction, usize> {
        self.action_counts.clone()
    }

    /// (errors, warnings) over all findings.
    pub fn severity_totals(&self) -> (usize, usize) {
        self.totals
    }

    /// Column index of `field` in the list.
    pub fn col_of(&self, field: Field) -> Option<usize> {
        self.list.column_of(field)
    }

    /// The cell text of `field` in row `index`, or "".
    pub fn cell(&self, index: usize, field: Field) -> &str {
        self.list
            .rows
            .get(index)
            .map(|r| self.list.cell(r, field))
            .unwrap_or("")
    }

    /// Display name: `name`, or `first_name last_name`.
    pub fn display_name(&self, index: usize) -> String {
        let mut out = String::new();
        self.push_display_name(index, &mut out);
        out
    }

    /// Appends the [`display_name`](Session::display_name) of row `index` to `out`.
    pub fn push_display_name(&self, index: usize, out: &mut String) {
        let n = self.cell(index, Field::Name);
        if !n.is_empty() {
            out.push_str(n);
            return;
        }
        let start = out.len();
        out.push_str(self.cell(index, Field::FirstName));
        out.push(' ');
        out.push_str(self.cell(index, Field::LastName));
        // Trim what was appended, as a whole.
        let added = &out[start..];
        let lead = added.len() - added.trim_start().len();
        let kept = added.trim().len();
        out.drain(start..start + lead);
        out.truncate(start + kept);
    }

    /// The rows that would run now: runnable plan actions, not skipped.
    pub fn runnable(&self) -> Vec<usize> {
        (0..self.list.rows.len())
            .filter(|i| is_runnable(self.status(*i)))
            .collect()
    }
}

/// The `action` cell value of a row kept in the list but not run.
pub const SKIP_ACTION: &str = "skip";

pub fn is_runnable(a: PlanAction) -> bool {
    a.writes()
}

pub fn action_label(a: PlanAction) -> &'static str {
    match a {
        PlanAction::Create => "create",
        PlanAction::Update => "update",
        PlanAction::Restore => "restore",
        PlanAction::Reactivate => "reactivate",
        PlanAction::Deactivate => "deactivate",
        PlanAction::Unchanged => "unchanged",
        PlanAction::Skipped => "skipped",
        PlanAction::Blocked => "blocked",
    }
}
