//! The TUI's state. Views only read it; `update` is the only writer.

use super::sort::SortBuffers;
use super::theme::Theme;

mod query;
use super::work::{INLINE_ROWS, Pending, RecheckJob, Rechecked};
use crate::engine::{Estimator, Replace};
use crate::model::OrgSnapshot;
use crate::model::{
    ApiStats, EngineEvent, Field, Finding, FindingCode, HireList, LoadProgress, Outcome,
    PlanAction, Report, RowReport, Severity, Step, StepStatus,
};
use crate::preflight::{self, CheckResult};
pub use query::{step_field, waits_while_busy};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Load,
    Preflight,
    Plan,
    Run,
    Failures,
}

impl Screen {
    pub const ALL: [Screen; 5] = [
        Screen::Load,
        Screen::Preflight,
        Screen::Plan,
        Screen::Run,
        Screen::Failures,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Screen::Load => "Load",
            Screen::Preflight => "Pre-flight",
            Screen::Plan => "Plan",
            Screen::Run => "Run",
            Screen::Failures => "Failures",
        }
    }
    /// The tab titles, numbered as the keys that go to them.
    pub fn tab_titles() -> Vec<String> {
        Screen::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}", i + 1, s.title()))
            .collect()
    }

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// A question waiting for an answer (Enter/y confirms, Esc/n cancels). Each holds what it
/// will act on, as shown, so the answer acts on exactly what the admin read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// `y` on Plan: run these rows (row numbers); their count per action and the request
    /// estimate, for the dialog.
    Provision {
        rows: Vec<usize>,
        counts: Vec<(PlanAction, usize)>,
        requests: u64,
    },
    /// `R` on Failures, or `r` on a group heading: run these failed rows (row numbers)
    /// again; `what` names the group or filter they come from.
    RetryAll {
        rows: Vec<usize>,
        what: Option<String>,
    },
    /// `s` on a group heading of Failures: skip these failed rows (row numbers).
    SkipFailed { what: String, rows: Vec<usize> },
    /// `S` over more than one row: skip these rows (indices into the list) with `code`.
    SkipCode { code: FindingCode, rows: Vec<usize> },
    /// `c` during a run.
    CancelRun,
    /// Load another file over edits not saved to a file.
    LoadUnsaved(PathBuf),
    /// Quit while a run is in progress (cancels it first).
    QuitDuringRun,
    /// Quit with edits not saved to a file.
    QuitUnsaved,
    /// Save over an existing file.
    Overwrite(PathBuf),
}

/// What a one-line text prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// The `/` filter, live while typing; Esc puts `before` back.
    Filter {
        before: Filter,
    },
    /// Inline edit of `list.rows[index].cells[col]`.
    Edit {
        index: usize,
        col: usize,
    },
    /// The `/` filter of the Plan, live while typing; Esc puts `before` back.
    PlanFilter {
        before: String,
    },
    /// The `/` filter of Failures, live while typing; Esc puts `before` back.
    FailureFilter {
        before: String,
    },
    SaveAs,
    Export,
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Confirm(Question),
    /// Step drilldown of a report row (row number).
    Drilldown {
        row: usize,
    },
}

/// An org to load against, as offered on the Load screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    /// Shown to the user, e.g. `demo org (simulated)` or `profile acme (mypurecloud.ie)`.
    pub label: String,
    /// Where the org is: the region domain (`mypurecloud.ie`) or the API URL.
    pub place: String,
    /// The saved profile the connection comes from, if any.
    pub profile: Option<String>,
    /// The built-in simulated org (`onboard demo`): nothing real is changed.
    pub simulated: bool,
}

#[derive(Debug, Default)]
pub struct LoadState {
    pub input: Input,
    pub recent: Vec<PathBuf>,
    /// Index into `recent` while browsing it with ↑/↓.
    pub recent_sel: Option<usize>,
    pub targets: Vec<Target>,
    pub target: usize,
    pub completions: Vec<String>,
    pub loading: bool,
    pub progress: BTreeMap<String, LoadProgress>,
    pub error: Option<String>,
    /// What the loader said about the load under way (e.g. that it will be slow, and why).
    pub note: Option<String>,
}

/// Sort keys of the pre-flight table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Row,
    Email,
    Name,
    Division,
    Status,
    Findings,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Row => SortKey::Email,
            SortKey::Email => SortKey::Name,
            SortKey::Name => SortKey::Division,
            SortKey::Division => SortKey::Status,
            SortKey::Status => SortKey::Findings,
            SortKey::Findings => SortKey::Row,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Row => "row",
            SortKey::Email => "email",
            SortKey::Name => "name",
            SortKey::Division => "division",
            SortKey::Status => "status",
            SortKey::Findings => "findings",
        }
    }
}

/// A parsed `/` filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Text(String),
    Code(FindingCode),
    Severity(Severity),
    Skipped,
}

impl Filter {
    /// `code:unknown_skill`, `error`/`errors`, `warning`/`warnings`, `skipped`, else text.
    pub fn parse(s: &str) -> Filter {
        let t = s.trim();
        let lower = t.to_lowercase();
        if t.is_empty() {
            return Filter::All;
        }
        if let Some(code) = lower.strip_prefix("code:") {
            let code = code.trim();
            if let Some(c) = FindingCode::ALL.iter().find(|c| c.as_str() == code) {
                return Filter::Code(*c);
            }
        }
        if let Some(c) = FindingCode::ALL.iter().find(|c| c.as_str() == lower) {
            return Filter::Code(*c);
        }
        match lower.as_str() {
            "error" | "errors" | "sev:error" => Filter::Severity(Severity::Error),
            "warning" | "warnings" | "sev:warning" => Filter::Severity(Severity::Warning),
            "skipped" => Filter::Skipped,
            _ => Filter::Text(lower),
        }
    }
    pub fn describe(&self) -> String {
        match self {
            Filter::All => String::new(),
            Filter::Text(t) => format!("\"{t}\""),
            Filter::Code(c) => format!("code {}", c.as_str()),
            Filter::Severity(Severity::Error) => "rows with errors".into(),
            Filter::Severity(Severity::Warning) => "rows with warnings".into(),
            Filter::Skipped => "skipped rows".into(),
        }
    }
}

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
    /// The org's allowed request rate (per second), if known.
    pub allowed_per_s: Option<f64>,
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
        allowed_per_s: Option<f64>,
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
            allowed_per_s,
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

/// The pre-flight table: which rows are visible, in what order, and the cursor.
#[derive(Debug, Default)]
pub struct TableState {
    /// Indices into `list.rows`, filtered and sorted.
    pub view: Vec<u32>,
    /// Position in `view`.
    pub selected: usize,
    /// First visible position in `view`.
    pub offset: usize,
    pub sort: SortKey,
    pub descending: bool,
    pub filter: Filter,
    /// Selected column (index into `list.headers`) for edits and suggestions.
    pub col: usize,
    /// Kept between sorts (see [`SortBuffers`]).
    pub sort_buffers: SortBuffers,
}

/// The live run.
#[derive(Debug, Default)]
pub struct RunState {
    pub active: bool,
    pub paused: bool,
    pub cancelling: bool,
    pub started: bool,
    pub finished: bool,
    pub cancelled: bool,
    /// Row numbers in this run.
    pub rows: Vec<usize>,
    pub total: usize,
    pub done: usize,
    pub estimated_requests: u64,
    /// Per step: (ok, failed, other).
    pub steps: BTreeMap<Step, (usize, usize, usize)>,
    pub outcomes: BTreeMap<Outcome, usize>,
    pub stats: ApiStats,
    pub requests_per_s: f64,
    pub allowed_per_s: Option<f64>,
    pub eta_s: Option<f64>,
    /// The client's tokens, (live, pool size), when known.
    pub tokens: Option<(usize, usize)>,
    pub log: VecDeque<String>,
    /// Number of runs started in this session (1 = first run, more = retries).
    pub runs: usize,
}

pub const LOG_CAP: usize = 500;

impl RunState {
    pub fn push_log(&mut self, line: String) {
        if self.log.len() == LOG_CAP {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }

    pub fn apply(&mut self, ev: &EngineEvent) {
        match ev {
            EngineEvent::Started {
                rows,
                estimated_requests,
            } => {
                self.started = true;
                self.total = *rows;
                self.estimated_requests = *estimated_requests;
                self.push_log(format!(
                    "run started: {rows} rows, about {estimated_requests} requests"
                ));
            }
            EngineEvent::Step { row, result } => {
                let e = self.steps.entry(result.step).or_insert((0, 0, 0));
                match result.status {
                    StepStatus::Ok => e.0 += 1,
                    StepStatus::Failed => {
                        e.1 += 1;
                        let code = result
                            .code
                            .as_deref()
                            .map(|c| crate::model::sanitize(c).into_owned())
                            .unwrap_or_default();
                        let msg = result
                            .message
                            .as_deref()
                            .map(|m| crate::model::sanitize(m).into_owned())
                            .unwrap_or_default();
                        self.push_log(format!(
                            "row {row}: {} failed {} {code} {msg}",
                            result.step.as_str(),
                            result
                                .http_status
                                .map(|s| s.to_string())
                                .unwrap_or_default()
                        ));
                    }
                    StepStatus::Skipped | StepStatus::Unknown => e.2 += 1,
                }
            }
            EngineEvent::RowDone { report } => {
                self.done += 1;
                *self.outcomes.entry(report.outcome).or_insert(0) += 1;
                self.push_log(format!(
                    "row {}: {} {}",
                    report.row,
                    crate::model::sanitize(&report.email),
                    outcome_label(report.outcome)
                ));
            }
            EngineEvent::Rate {
                stats,
                requests_per_s,
                allowed_per_s,
                eta_s,
                tokens,
            } => {
                if tokens.is_some() {
                    self.tokens = *tokens;
                }
                self.stats = *stats;
                self.requests_per_s = *requests_per_s;
                if allowed_per_s.is_some() {
                    self.allowed_per_s = *allowed_per_s;
                }
                self.eta_s = *eta_s;
            }
            EngineEvent::Paused => {
                self.paused = true;
                self.push_log("paused".into());
            }
            EngineEvent::Resumed => {
                self.paused = false;
                self.push_log("resumed".into());
            }
            EngineEvent::Log { message } => {
                self.push_log(crate::model::sanitize(message).into_owned());
            }
            EngineEvent::Finished { report, cancelled } => {
                self.active = false;
                self.paused = false;
                self.cancelling = false;
                self.finished = true;
                self.cancelled = *cancelled;
                self.stats = report.api;
                self.eta_s = None;
                let s = report.summary;
                self.push_log(format!(
                    "run {}: {} succeeded, {} failed, {} skipped, {} unchanged",
                    if *cancelled { "cancelled" } else { "finished" },
                    s.succeeded,
                    s.failed,
                    s.skipped,
                    s.unchanged
                ));
            }
        }
    }
}

pub fn outcome_label(o: Outcome) -> &'static str {
    match o {
        // People read a space; the report's name keeps its underscore.
        Outcome::NotReached => "not reached",
        other => other.as_str(),
    }
}

/// The Failures screen: rows of the merged report that failed, grouped by error code and
/// then by the object the failing step wrote (a queue, a role…).
#[derive(Debug, Default)]
pub struct FailuresState {
    /// The selected line of [`App::failure_items`] (a group heading or a row).
    pub selected: usize,
    pub offset: usize,
    /// The `/` filter: text matched (case-insensitively) in the code, the object, the
    /// email, or a row number.
    pub filter: String,
}

/// One line of the failures list.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureItem {
    /// An error code and the rows that failed with it.
    Group {
        code: String,
        count: usize,
    },
    /// Within a code: the object the failing step wrote, e.g. `queues: Sales Inbound`.
    Object {
        code: String,
        object: String,
        count: usize,
    },
    Row {
        row: usize,
    },
}

impl FailureItem {
    pub fn is_row(&self) -> bool {
        matches!(self, FailureItem::Row { .. })
    }
}

/// The rows under the heading at `line` (or the row itself), in list order.
pub fn rows_under(items: &[FailureItem], line: usize) -> Vec<usize> {
    let Some(head) = items.get(line) else {
        return Vec::new();
    };
    let depth = |i: &FailureItem| match i {
        FailureItem::Group { .. } => 0,
        FailureItem::Object { .. } => 1,
        FailureItem::Row { .. } => 2,
    };
    if let FailureItem::Row { row } = head {
        return vec![*row];
    }
    let d = depth(head);
    items[line + 1..]
        .iter()
        .take_while(|i| depth(i) > d)
        .filter_map(|i| match i {
            FailureItem::Row { row } => Some(*row),
            _ => None,
        })
        .collect()
}

/// How the failures list names the heading at `line`, e.g. `queue.member.limit · queues:
/// Sales Inbound`.
pub fn heading_label(items: &[FailureItem], line: usize) -> Option<String> {
    match items.get(line)? {
        FailureItem::Group { code, .. } => Some(code.clone()),
        FailureItem::Object { code, object, .. } => Some(format!("{code} · {object}")),
        FailureItem::Row { .. } => None,
    }
}

/// The error code a failed row is grouped under: the Genesys code of its first failed step,
/// else `http <status>`, else the step name.
pub fn failure_code(r: &RowReport) -> String {
    let step = r
        .steps
        .iter()
        .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Unknown));
    match step {
        Some(s) => match (&s.code, s.http_status) {
            (Some(c), _) => crate::model::sanitize(c).into_owned(),
            (None, Some(h)) => format!("http {h}"),
            (None, None) => format!("{} {}", s.step.as_str(), status_label(s.status)),
        },
        // A stopped run: the row is unfinished, not broken.
        None if r.outcome != Outcome::Failed => outcome_label(r.outcome).into(),
        None => "unknown".into(),
    }
}

pub fn status_label(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::Skipped => "skipped",
        StepStatus::Unknown => "unknown",
    }
}

/// The Plan screen's list of the rows that will run: cursor, scroll and `/` filter.
#[derive(Debug, Default)]
pub struct PlanState {
    /// Position in [`App::plan_rows`].
    pub selected: usize,
    pub offset: usize,
    /// Text matched (case-insensitively) in the email, name, action and changed fields.
    pub filter: String,
}

/// The whole app.
#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub prompt: Option<Prompt>,
    pub load: LoadState,
    pub session: Option<Session>,
    pub table: TableState,
    pub run: RunState,
    /// Every row's latest outcome across the first run and its retries.
    pub report: Option<Report>,
    pub failures: FailuresState,
    pub plan: PlanState,
    /// One-line status message (results, errors).
    pub status: Option<(StatusKind, String)>,
    pub theme: Theme,
    /// Terminal size.
    pub size: (u16, u16),
    /// Row to retry once its inline edit is committed (Failures `e`).
    pub retry_after_edit: Option<usize>,
    /// Quit once the current run has finished (quit was confirmed during a run).
    pub quit_after_run: bool,
    /// The signal that stopped onboard (SIGTERM, SIGHUP, SIGINT), if one did.
    pub signal: Option<&'static str>,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
}

/// Who the screens act on, for the header line and the confirmations.
#[derive(Debug, Clone, Copy)]
pub struct OrgInfo<'a> {
    /// The org's name (`GET /api/v2/organizations/me`), once a list is loaded.
    pub name: Option<&'a str>,
    pub id: Option<&'a str>,
    pub target: Option<&'a Target>,
    /// A list is loaded against this org (else it is only the one selected on Load).
    pub loaded: bool,
}

impl OrgInfo<'_> {
    pub fn simulated(&self) -> bool {
        self.target.is_some_and(|t| t.simulated)
    }

    /// How a sentence names the org: its name (or id, or where it is), and whether it is
    /// the simulated one. Not sanitized: the view does that.
    pub fn title(&self) -> String {
        let base = self
            .name
            .or(self.id)
            .map(str::to_string)
            .or_else(|| self.target.map(|t| t.label.clone()))
            .unwrap_or_else(|| "no org".into());
        if self.simulated() {
            format!("{base} (the simulated org)")
        } else {
            base
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

impl App {
    pub fn new(theme: Theme, size: (u16, u16)) -> App {
        App {
            screen: Screen::Load,
            overlay: None,
            prompt: None,
            load: LoadState::default(),
            session: None,
            table: TableState::default(),
            run: RunState::default(),
            report: None,
            failures: FailuresState::default(),
            plan: PlanState::default(),
            status: None,
            theme,
            size,
            retry_after_edit: None,
            quit_after_run: false,
            signal: None,
            quit: false,
            dirty: true,
        }
    }

    /// The rows the Plan lists (indices into the list): every row that will run, in list
    /// order, that the `/` filter matches.
    pub fn plan_rows(&self) -> Vec<usize> {
        let Some(s) = &self.session else {
            return Vec::new();
        };
        let needle = self.plan.filter.trim().to_lowercase();
        (0..s.list.rows.len())
            .filter(|i| is_runnable(s.status(*i)))
            .filter(|i| {
                needle.is_empty() || {
                    let hay = format!(
                        "{} {} {} {}",
                        s.cell(*i, Field::Email),
                        s.display_name(*i),
                        action_label(s.status(*i)),
                        super::plan_diff::summary(&super::plan_diff::row_changes(s, *i))
                    );
                    hay.to_lowercase().contains(&needle)
                }
            })
            .collect()
    }

    /// The failures list: by code, then by object (each sorted by size), rows by number;
    /// only what the `/` filter matches.
    pub fn failure_items(&self) -> Vec<FailureItem> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let skipped: BTreeSet<usize> = match &self.session {
            Some(s) => s
                .skipped
                .iter()
                .filter_map(|i| s.list.rows.get(*i).map(|r| r.row))
                .collect(),
            None => BTreeSet::new(),
        };
        let needle = self.failures.filter.trim().to_lowercase();
        type Objects = BTreeMap<String, Vec<usize>>;
        let mut groups: BTreeMap<String, Objects> = BTreeMap::new();
        for r in &report.rows {
            if !r.outcome.needs_retry() || skipped.contains(&r.row) {
                continue;
            }
            let code = failure_code(r);
            let object = self.failure_object(r);
            let hit = needle.is_empty()
                || code.to_lowercase().contains(&needle)
                || object.to_lowercase().contains(&needle)
                || r.email.to_lowercase().contains(&needle)
                || needle.parse::<usize>().is_ok_and(|n| n == r.row);
            if hit {
                groups
                    .entry(code)
                    .or_default()
                    .entry(object)
                    .or_default()
                    .push(r.row);
            }
        }
        let by_size = |a: &(String, usize), b: &(String, usize)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        let mut codes: Vec<(String, usize)> = groups
            .iter()
            .map(|(c, o)| (c.clone(), o.values().map(Vec::len).sum()))
            .collect();
        codes.sort_by(by_size);
        let mut out = Vec::new();
        for (code, count) in codes {
            out.push(FailureItem::Group {
                code: code.clone(),
                count,
            });
            let Some(objects) = groups.remove(&code) else {
                continue;
            };
            let mut objects: Vec<(String, Vec<usize>)> = objects.into_iter().collect();
            objects.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
            // One object under a code says nothing the code does not: no sub-heading then,
            // unless it names something.
            let single = objects.len() == 1;
            for (object, mut rows) in objects {
                rows.sort_unstable();
                if !(single && object.is_empty()) {
                    out.push(FailureItem::Object {
                        code: code.clone(),
                        object,
                        count: rows.len(),
                    });
                }
                out.extend(rows.into_iter().map(|row| FailureItem::Row { row }));
            }
        }
        out
    }

    /// What a failed row's failing step wrote, as the hire list names it: the step and the
    /// cell behind it (`queues: Sales Inbound`), or the step alone.
    pub fn failure_object(&self, r: &RowReport) -> String {
        let Some(step) = r
            .steps
            .iter()
            .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Unknown))
        else {
            return String::new();
        };
        let cell = step_field(step.step)
            .filter(|f| !matches!(f, Field::Email))
            .and_then(|f| {
                let s = self.session.as_ref()?;
                let i = s.index_of_row(r.row)?;
                let v = s.cell(i, f).trim();
                (!v.is_empty()).then(|| crate::model::sanitize(v).into_owned())
            });
        match cell {
            Some(v) => format!("{}: {v}", step.step.as_str()),
            None => step.step.as_str().to_string(),
        }
    }

    /// Row numbers of the failed rows the list shows, in its order.
    pub fn failed_rows(&self) -> Vec<usize> {
        self.failure_items()
            .into_iter()
            .filter_map(|i| match i {
                FailureItem::Row { row } => Some(row),
                _ => None,
            })
            .collect()
    }

    /// The selected line of the failures list.
    pub fn selected_failure(&self) -> Option<FailureItem> {
        self.failure_items().get(self.failures.selected).cloned()
    }

    pub fn report_row(&self, row: usize) -> Option<&RowReport> {
        let rows = &self.report.as_ref()?.rows;
        rows.binary_search_by_key(&row, |r| r.row)
            .ok()
            .and_then(|i| rows.get(i))
    }

    /// Merge a finished run's rows into the cumulative report.
    pub fn merge_report(&mut self, new: &Report) {
        match &mut self.report {
            None => {
                let mut r = new.clone();
                r.rows.sort_by_key(|x| x.row);
                self.report = Some(r);
            }
            Some(acc) => {
                for r in &new.rows {
                    match acc.rows.iter_mut().find(|x| x.row == r.row) {
                        // A stopped retry never hides what an earlier run learned.
                        Some(x) if r.outcome == Outcome::NotReached && x.outcome.needs_retry() => {}
                        Some(x) => *x = r.clone(),
                        None => acc.rows.push(r.clone()),
                    }
                }
                acc.rows.sort_by_key(|r| r.row);
                acc.api.requests += new.api.requests;
                acc.api.throttled += new.api.throttled;
                acc.api.retries += new.api.retries;
                acc.api.bytes += new.api.bytes;
                acc.api.elapsed_s += new.api.elapsed_s;
                acc.summary = crate::report::summarize(&acc.rows);
            }
        }
    }

    /// The org the screens act on: the loaded list's org, else the one selected on Load.
    pub fn org(&self) -> OrgInfo<'_> {
        match &self.session {
            Some(s) => OrgInfo {
                name: s.snapshot.org_name.as_deref(),
                id: s.snapshot.org_id.as_deref(),
                target: Some(&s.target),
                loaded: true,
            },
            None => OrgInfo {
                name: None,
                id: None,
                target: self.load.targets.get(self.load.target),
                loaded: false,
            },
        }
    }

    pub fn run_in_progress(&self) -> bool {
        self.run.active
    }

    pub fn set_info(&mut self, s: impl Into<String>) {
        self.status = Some((StatusKind::Info, s.into()));
    }
    pub fn set_error(&mut self, s: impl Into<String>) {
        self.status = Some((StatusKind::Error, s.into()));
    }
}
