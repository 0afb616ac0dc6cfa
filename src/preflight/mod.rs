//! Pre-flight (pure, no IO): every rule of docs/contract.md §3 against an [`OrgSnapshot`], and the
//! [`Plan`] the engine runs.
//!
//! [`check_all`] checks a whole list; [`recheck_row`] re-validates one edited row and the
//! rows it can affect (same email / external id / phone / extension, rows naming it as
//! manager, the licence-seat boundary, trunk capacity) in well under a millisecond, so the
//! TUI can call it on every keystroke. Row numbers (`Finding::row`, `RowPlan::row`,
//! `ManagerRef::Row`, [`CheckOptions::skipped_rows`]) are 1-based like the file's data rows;
//! `row_index` parameters are 0-based indexes into `HireList::rows`.

pub mod cells;
pub mod drift;
pub mod drift_report;
pub mod export;
mod lookups;
mod message;
mod org;
pub mod partial;
pub mod personas;
pub mod queues;
mod row_index;
pub mod rules;

pub use lookups::{email_to_look_up, external_id_to_look_up, users_to_look_up};
pub use org::{norm as normalize_name, suggest};

use crate::model::{
    Finding, FindingCode, HireList, OrgSnapshot, Plan, PlanAction, RowPlan, Seats, Severity, Text,
};
use org::OrgIndex;
use row_index::State;
use rules::file::{column_findings, trunk_findings};
use rules::{Local, RowKeys, analyze_local, finish};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Options of a check. Skipped rows become `PlanAction::Skipped`, have no findings and do
/// not count toward duplicates, seats or trunk capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// 1-based row numbers (`HireRow::row`).
    pub skipped_rows: BTreeSet<usize>,
    /// Findings a row carries from outside its own cells, by 1-based row number: what
    /// resolving its personas noticed ([`personas::check_with_personas`]). They count like
    /// the row's own: an error blocks the row.
    pub outside_findings: BTreeMap<usize, Vec<Finding>>,
    /// The list's `persona` column was resolved from a personas file. When false, a row
    /// naming a persona is blocked (`unknown_persona`): without the file its skills, roles
    /// and queues would silently be missing.
    pub personas_resolved: bool,
}

impl CheckOptions {
    pub fn new() -> Self {
        CheckOptions::default()
    }
}

/// Summary counts (docs/contract.md §3 `summary`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Rows that will run (neither blocked nor skipped).
    pub ready: usize,
    /// Rows with at least one error.
    pub blocked: usize,
}

/// Plan counts (docs/contract.md §3 `plan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlanCounts {
    pub create: usize,
    pub update: usize,
    pub restore: usize,
    pub reactivate: usize,
    pub deactivate: usize,
    pub unchanged: usize,
}

/// The outcome of a pre-flight: findings, the plan, counts, and the indexes that make
/// [`recheck_row`] fast.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Findings that belong to no row: unknown columns, trunks.
    pub file_findings: Vec<Finding>,
    /// Findings per row, indexed like `HireList::rows`.
    pub row_findings: Vec<Vec<Finding>>,
    pub plan: Plan,
    pub options: CheckOptions,
    /// Licences this list needs whose free seats the org did not reveal (not checked).
    pub unknown_seats: Vec<String>,
    state: State,
}

fn summary_add(s: &mut Summary, findings: &[Finding], action: PlanAction, sign: isize) {
    let e = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count() as isize;
    let w = findings.len() as isize - e;
    let apply = |x: &mut usize, d: isize| *x = (*x as isize + d * sign).max(0) as usize;
    apply(&mut s.errors, e);
    apply(&mut s.warnings, w);
    match action {
        PlanAction::Blocked => apply(&mut s.blocked, 1),
        PlanAction::Skipped => {}
        _ => apply(&mut s.ready, 1),
    }
}

/// Licences some row needs whose free seats the org did not reveal.
fn unknown_seats(state: &State) -> Vec<String> {
    let mut v: Vec<String> = state
        .by_license
        .iter()
        .zip(&state.org.licenses)
        .filter(|(rows, info)| !rows.is_empty() && info.seats == Seats::Unknown)
        .map(|(_, info)| info.id.to_string())
        .collect();
    v.sort();
    v
}

/// Check a whole list against the org.
pub fn check_all(list: &HireList, snapshot: &OrgSnapshot, options: &CheckOptions) -> CheckResult {
    check_all_in(list, snapshot, options, true)
}

/// [`check_all`] on this thread only, whatever the list's size: tests hold the two-thread
/// path to it.
#[doc(hidden)]
pub fn check_all_one_thread(
    list: &HireList,
    snapshot: &OrgSnapshot,
    options: &CheckOptions,
) -> CheckResult {
    check_all_in(list, snapshot, options, false)
}

/// Rows per batch when two threads share the row-local analysis.
const BATCH: usize = 256;

/// Large lists: a second thread analyzes batches of rows (row-local rules) while this one
/// hands them, in row order, to `take` (which indexes and finishes them). Whenever the next
/// batch is not ready, this thread analyzes an unclaimed batch itself, so the two cores share
/// the work whichever half is heavier. Stops early only if the worker dies; the caller then
/// finishes the rows `take` has not seen.
fn analyze_in_two_threads(
    n: usize,
    org: &std::sync::Arc<OrgIndex>,
    analyze: &(dyn Fn(usize, &OrgIndex) -> Local + Sync),
    take: &mut dyn FnMut(usize, Local),
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let batches = n.div_ceil(BATCH);
    let next = AtomicUsize::new(0);
    let analyze_batch = |b: usize, org: &OrgIndex| -> Vec<Local> {
        (b * BATCH..((b + 1) * BATCH).min(n))
            .map(|i| analyze(i, org))
            .collect()
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Local>)>(16);
    std::thread::scope(|scope| {
        let worker_org = std::sync::Arc::clone(org);
        let (next, analyze_batch) = (&next, &analyze_batch);
        // If the thread cannot start, the loop below claims every batch itself.
        let _worker = std::thread::Builder::new()
            .name("preflight-analyze".into())
            .spawn_scoped(scope, move || {
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= batches || tx.send((b, analyze_batch(b, &worker_org))).is_err() {
                        return;
                    }
                }
            });
        let mut ready: BTreeMap<usize, Vec<Local>> = BTreeMap::new();
        let mut b_next = 0;
        while b_next < batches {
            if let Some(batch) = ready.remove(&b_next) {
                for (k, local) in batch.into_iter().enumerate() {
                    take(b_next * BATCH + k, local);
                }
                b_next += 1;
                continue;
            }
            if let Ok((b, batch)) = rx.try_recv() {
                ready.insert(b, batch);
                continue;
            }
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b < batches {
                ready.insert(b, analyze_batch(b, org));
                continue;
            }
            // Everything is claimed: wait for the worker's batch.
            match rx.recv() {
                Ok((b, batch)) => {
                    ready.insert(b, batch);
                }
                // The worker is gone without it (it panicked): the caller finishes.
                Err(_) => break,
            }
        }
    });
}

fn check_all_in(
    list: &HireList,
    snapshot: &OrgSnapshot,
    options: &CheckOptions,
    threads: bool,
) -> CheckResult {
    let mut state = State {
        org: std::sync::Arc::new(OrgIndex::new(snapshot)),
        ..State::default()
    };
    state.by_license = vec![Vec::new(); state.org.licenses.len()];
    state.columns = list.columns.clone();
    let n = list.rows.len();
    state.keys.reserve_exact(n);
    let mut row_findings = Vec::with_capacity(n);
    let mut plan = Plan {
        rows: Vec::with_capacity(n),
    };
    // Streaming: each row is finished against the rows up to and including it. That gives
    // the same answer as a full index for duplicates (the first occurrence is never later)
    // and seats (only earlier rows take seats first). Only a manager that is not found
    // might be a later row: those rows are finished again once every row is indexed.
    let mut again = Vec::new();
    let mut take = |i: usize, mut local: Local, state: &mut State| {
        let keys = std::mem::take(&mut local.keys);
        state.add_keys(i, &keys);
        state.keys.push(keys);
        let (f, p) = finish(list, state, i, local);
        if f.iter().any(|f| f.code == FindingCode::UnknownManager) {
            again.push(i);
        }
        row_findings.push(f);
        plan.rows.push(p);
    };
    let analyze = |i: usize, org: &OrgIndex| analyze_local(list, org, i, options);
    let mut done = 0;
    if threads && n >= 8 * BATCH {
        let org = std::sync::Arc::clone(&state.org);
        analyze_in_two_threads(n, &org, &analyze, &mut |i, local| {
            take(i, local, &mut state);
            done = i + 1;
        });
    }
    // Whatever the worker did not do (no thread, or it stopped early).
    while done < n {
        let local = analyze(done, &state.org);
        take(done, local, &mut state);
        done += 1;
    }
    for i in again {
        let local = analyze_local(list, &state.org, i, options);
        let (f, p) = finish(list, &state, i, local);
        row_findings[i] = f;
        plan.rows[i] = p;
    }
    let mut summary = Summary::default();
    for (f, p) in row_findings.iter().zip(&plan.rows) {
        summary_add(&mut summary, f, p.action, 1);
    }
    let mut file_findings = column_findings(list);
    file_findings.extend(trunk_findings(&state));
    summary_add(&mut summary, &file_findings, PlanAction::Skipped, 1);
    state.summary = summary;
    let unknown_seats = unknown_seats(&state);
    CheckResult {
        file_findings,
        row_findings,
        plan,
        options: options.clone(),
        unknown_seats,
        state,
    }
}

/// Re-validate row `row_index` (0-based) after an edit, and every row it can affect.
/// `snapshot` must be the one `check_all` used (its index is kept in `result`). Rows
/// appended at the end are picked up; if rows were removed or the columns changed, this
/// falls back to a full [`check_all`]. Returns the (0-based, ascending) indexes of the rows
/// whose plan it rewrote: every row after a full check.
pub fn recheck_row(
    list: &HireList,
    snapshot: &OrgSnapshot,
    result: &mut CheckResult,
    row_index: usize,
) -> Vec<usize> {
    if row_index >= list.rows.len() {
        return Vec::new();
    }
    // Rows were removed (or the columns changed): indexes no longer line up, start over.
    if list.rows.len() < result.row_findings.len() || result.state.columns != list.columns {
        let options = result.options.clone();
        *result = check_all(list, snapshot, &options);
        return (0..result.plan.rows.len()).collect();
    }
    let grown_from = grow_to(list, result);
    let new_local = analyze_local(list, &result.state.org, row_index, &result.options);
    let affected = reindex_row(&mut result.state, row_index, &new_local.keys);
    let mut rewritten = refinish_rows(list, result, row_index, new_local, affected);
    result.unknown_seats = unknown_seats(&result.state);
    refresh_trunk_findings(result);
    rewritten.extend(grown_from..result.plan.rows.len());
    rewritten.sort_unstable();
    rewritten.dedup();
    rewritten
}

/// The list may have grown (a row added in the TUI): give the new rows empty places.
/// Returns the first new row's index.
fn grow_to(list: &HireList, result: &mut CheckResult) -> usize {
    let grown_from = result.plan.rows.len();
    while result.row_findings.len() < list.rows.len() {
        let j = result.row_findings.len();
        result.row_findings.push(Vec::new());
        result.state.keys.push(RowKeys::default());
        result.plan.rows.push(RowPlan {
            row: list.rows[j].row,
            line: list.rows[j].line,
            email: Text::default(),
            identity: Text::default(),
            action: PlanAction::Skipped,
            existing: None,
            desired: None,
            diff: Vec::new(),
        });
    }
    grown_from
}

/// Swap row `row_index`'s keys for `new_keys` in the index. Returns the rows whose findings
/// can change: those sharing an old or new key, and the row's reports when what they read
/// of their manager changed (a lead with hundreds of reports re-checks them on an email
/// edit, not on a fix to their own skills).
fn reindex_row(state: &mut State, row_index: usize, new_keys: &RowKeys) -> BTreeSet<usize> {
    let old_keys = std::mem::take(&mut state.keys[row_index]);
    let mut affected = BTreeSet::new();
    state.related(row_index, &old_keys, &mut affected);
    state.remove_keys(row_index, &old_keys);
    state.add_keys(row_index, new_keys);
    state.keys[row_index] = new_keys.clone();
    state.related(row_index, new_keys, &mut affected);
    let as_manager = |k: &RowKeys| (k.counted, k.email, k.deactivate, k.existing);
    if as_manager(&old_keys) != as_manager(new_keys) {
        for k in [old_keys.email, new_keys.email].into_iter().flatten() {
            if let Some(v) = state.by_manager.get(&k) {
                affected.extend(v.as_slice().iter().map(|&r| r as usize));
            }
        }
    }
    affected
}

/// Finish the `affected` rows again (row `row_index` from its fresh analysis), keeping the
/// summary in step. Returns the rows rewritten.
fn refinish_rows(
    list: &HireList,
    result: &mut CheckResult,
    row_index: usize,
    new_local: Local,
    affected: BTreeSet<usize>,
) -> Vec<usize> {
    let mut new_local = Some(new_local);
    let mut rewritten = Vec::with_capacity(affected.len());
    for j in affected {
        if j >= list.rows.len() {
            continue;
        }
        rewritten.push(j);
        let local = if j == row_index {
            new_local.take().unwrap_or_default()
        } else {
            analyze_local(list, &result.state.org, j, &result.options)
        };
        let (f, p) = finish(list, &result.state, j, local);
        let old_f = std::mem::replace(&mut result.row_findings[j], f);
        let old_action = result.plan.rows[j].action;
        let summary = &mut result.state.summary;
        summary_add(summary, &old_f, old_action, -1);
        summary_add(summary, &result.row_findings[j], p.action, 1);
        result.plan.rows[j] = p;
    }
    rewritten
}

fn is_trunk_finding(f: &Finding) -> bool {
    matches!(
        f.code,
        FindingCode::TrunkCapacity | FindingCode::TrunkOutOfService
    )
}

/// Trunk findings depend on the list's total only: replace them when it moved them.
fn refresh_trunk_findings(result: &mut CheckResult) {
    let old_trunk: Vec<Finding> = result
        .file_findings
        .iter()
        .filter(|f| is_trunk_finding(f))
        .cloned()
        .collect();
    let new_trunk = trunk_findings(&result.state);
    if old_trunk == new_trunk {
        return;
    }
    let summary = &mut result.state.summary;
    summary_add(summary, &old_trunk, PlanAction::Skipped, -1);
    summary_add(summary, &new_trunk, PlanAction::Skipped, 1);
    result.file_findings.retain(|f| !is_trunk_finding(f));
    result.file_findings.extend(new_trunk);
}

/// Skip (or un-skip) row `row_index` (0-based) and re-check what that changes. Returns the
/// indexes of the rows whose plan it rewrote, as [`recheck_row`].
pub fn set_skipped(
    list: &HireList,
    snapshot: &OrgSnapshot,
    result: &mut CheckResult,
    row_index: usize,
    skipped: bool,
) -> Vec<usize> {
    let Some(row) = list.rows.get(row_index) else {
        return Vec::new();
    };
    if skipped {
        result.options.skipped_rows.insert(row.row);
    } else {
        result.options.skipped_rows.remove(&row.row);
    }
    recheck_row(list, snapshot, result, row_index)
}

/// The JSON object of `onboard check --format json` (docs/contract.md §3), plus `notes` (an
/// addition: how the file was read, e.g. its separator; absent when there is none).
#[derive(Debug, Serialize)]
pub struct CheckJson<'a> {
    pub file: &'a str,
    pub rows: usize,
    pub summary: Summary,
    pub plan: PlanCounts,
    pub findings: Vec<&'a Finding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CheckResult {
    /// Drop row `i`'s findings that `drop` selects, keeping the counts in step. The row's
    /// action stays: callers drop only findings reported once elsewhere, on a row another
    /// error blocks anyway, or warnings.
    pub fn drop_row_findings(&mut self, i: usize, drop: impl Fn(&Finding) -> bool) {
        let action = self.plan.rows[i].action;
        let summary = &mut self.state.summary;
        summary_add(summary, &self.row_findings[i], action, -1);
        self.row_findings[i].retain(|f| !drop(f));
        summary_add(summary, &self.row_findings[i], action, 1);
    }

    /// Add findings of no row (another file's, e.g. the personas file), counted in the
    /// summary like the list's own.
    pub fn add_file_findings(&mut self, findings: Vec<Finding>) {
        summary_add(&mut self.state.summary, &findings, PlanAction::Skipped, 1);
        self.file_findings.extend(findings);
    }

    pub fn summary(&self) -> Summary {
        self.state.summary
    }

    pub fn plan_counts(&self) -> PlanCounts {
        let mut c = PlanCounts::default();
        for r in &self.plan.rows {
            match r.action {
                PlanAction::Create => c.create += 1,
                PlanAction::Update => c.update += 1,
                PlanAction::Restore => c.restore += 1,
                PlanAction::Reactivate => c.reactivate += 1,
                PlanAction::Deactivate => c.deactivate += 1,
                PlanAction::Unchanged => c.unchanged += 1,
                PlanAction::Skipped | PlanAction::Blocked => {}
            }
        }
        c
    }

    /// Every finding: file-level first, then by row.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.file_findings
            .iter()
            .chain(self.row_findings.iter().flatten())
    }

    pub fn has_errors(&self) -> bool {
        self.summary().errors > 0
    }

    pub fn json<'a>(&'a self, source: &'a str) -> CheckJson<'a> {
        CheckJson {
            file: source,
            rows: self.plan.rows.len(),
            summary: self.summary(),
            plan: self.plan_counts(),
            findings: self.findings().collect(),
            notes: Vec::new(),
        }
    }

    /// Pretty JSON as docs/contract.md §3.
    pub fn to_json(&self, source: &str) -> String {
        self.to_json_with_notes(source, Vec::new())
    }

    /// Pretty JSON as docs/contract.md §3, with `notes` about how the file was read.
    pub fn to_json_with_notes(&self, source: &str, notes: Vec<String>) -> String {
        let mut json = self.json(source);
        json.notes = notes;
        serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
