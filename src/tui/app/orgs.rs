//! A Clone across several target orgs, as the Pre-flight, Plan, Run and Failures screens
//! show it: the reference, per org its check, plan and run, and which org is selected.

use super::ListCursor;
use crate::model::{ApiStats, EngineEvent, Finding, Outcome, Report, RowReport, Severity};
use crate::tui::multi_org::MultiOrgRequest;
use crate::tui::org_check::{MultiPrepared, OrgChecked, ReferenceSummary};
use std::path::PathBuf;
use tui_input::Input;

/// One target org's run, from its engine's events.
#[derive(Debug, Clone, Default)]
pub struct OrgRun {
    pub started: bool,
    pub rows: usize,
    pub rows_done: usize,
    pub estimated: u64,
    pub stats: ApiStats,
    pub requests_per_s: f64,
    pub allowed_per_s: Option<f64>,
    pub eta_s: Option<f64>,
    pub paused: bool,
    /// The report and whether it was cancelled, once finished.
    pub finished: Option<(Report, bool)>,
    /// Why the run ended without a report.
    pub lost: Option<String>,
    /// Rows that ended failed, as they finish (with the earlier runs' failures a retry
    /// did not take up).
    pub failed: Vec<RowReport>,
    /// An earlier run's failed rows this run (a retry of others) does not run.
    pub carried: Vec<RowReport>,
    /// Retries of this org's failed rows so far.
    pub retries: usize,
}

impl OrgRun {
    /// The run of a retry of `rows`: the other failed rows stay listed.
    pub fn retry(&self, rows: &[usize]) -> OrgRun {
        let carried: Vec<RowReport> = self
            .failed
            .iter()
            .filter(|r| !rows.contains(&r.row))
            .cloned()
            .collect();
        OrgRun {
            failed: carried.clone(),
            carried,
            retries: self.retries + 1,
            ..OrgRun::default()
        }
    }

    /// The report the drilldown reads: every failed row listed (this run's and those an
    /// earlier run left).
    pub fn drilldown_report(&self) -> Report {
        let mut report = self
            .finished
            .as_ref()
            .map(|(r, _)| r.clone())
            .unwrap_or_default();
        report.rows = self.failed.clone();
        report
    }

    pub fn active(&self) -> bool {
        self.started && self.finished.is_none() && self.lost.is_none()
    }

    pub fn apply(&mut self, ev: EngineEvent) {
        match ev {
            EngineEvent::Started {
                rows,
                estimated_requests,
            } => {
                self.started = true;
                self.rows = rows;
                self.estimated = estimated_requests;
            }
            EngineEvent::RowDone { report } => {
                self.rows_done += 1;
                if report.outcome == Outcome::Failed {
                    self.failed.push(report);
                }
            }
            EngineEvent::Rate {
                stats,
                requests_per_s,
                allowed_per_s,
                eta_s,
                ..
            } => {
                self.stats = stats;
                self.requests_per_s = requests_per_s;
                self.allowed_per_s = allowed_per_s;
                self.eta_s = eta_s;
            }
            EngineEvent::Paused => self.paused = true,
            EngineEvent::Resumed => self.paused = false,
            EngineEvent::Finished { report, cancelled } => {
                self.stats = report.api;
                self.failed = self.carried.clone();
                self.failed.extend(
                    report
                        .rows
                        .iter()
                        .filter(|r| r.outcome == Outcome::Failed)
                        .cloned(),
                );
                self.rows_done = report.rows.len().max(self.rows_done);
                self.paused = false;
                self.eta_s = None;
                self.finished = Some((report, cancelled));
            }
            EngineEvent::Step { .. }
            | EngineEvent::QueueProgress { .. }
            | EngineEvent::Log { .. } => {}
        }
    }
}

/// One target org.
#[derive(Debug, Clone)]
pub struct OrgEntry {
    pub profile: String,
    /// Its check, or why it could not be read.
    pub check: Result<OrgChecked, String>,
    /// A mapping action's re-check is under way.
    pub rechecking: bool,
    /// Items marked for create-missing: (kind, name).
    pub create_marked: Vec<(String, String)>,
    /// Failed rows to retry once the re-check under way (a fresh read) comes back.
    pub retry: Option<Vec<usize>>,
    pub run: OrgRun,
}

impl OrgEntry {
    /// The kinds this org creates when missing: the request's (the form's Create line)
    /// and those of the items `c` marked here.
    pub fn create_kinds(&self, request: &MultiOrgRequest) -> Vec<String> {
        let mut kinds = request.create_missing.clone();
        for (kind, _) in &self.create_marked {
            let group = format!("{kind}s");
            if !kinds.contains(&group) {
                kinds.push(group);
            }
        }
        kinds
    }

    pub fn errors(&self) -> usize {
        match &self.check {
            Ok(c) => c.errors(),
            Err(_) => 1,
        }
    }

    /// Whether the run writes to this org (read, no error finding, something to write).
    pub fn will_write(&self) -> bool {
        matches!(&self.check, Ok(c) if !c.blocked() && c.counts.writes() > 0)
    }

    /// `us ✖3 ⚠1`, `apac ✔`, `eu ✖ unreadable`, `us …` (re-checking).
    pub fn badge(&self) -> String {
        if self.rechecking {
            return format!("{} …", self.profile);
        }
        match &self.check {
            Err(_) => format!("{} ✖ unreadable", self.profile),
            Ok(c) => format!("{} {}", self.profile, check_mark(c)),
        }
    }
}

impl OrgEntry {
    /// The org as the Load screen's Orgs pane says it: its check, then its run.
    /// `✖1 ⚠2 · not run`, `✔ · running 2/3`, `✔ · done 3/3, 1 failed`.
    pub fn state(&self) -> String {
        let check = match &self.check {
            Err(e) => return format!("unreadable: {e}"),
            Ok(c) => check_mark(c),
        };
        let r = &self.run;
        let failed = match r.failed.len() {
            0 => String::new(),
            n => format!(", {n} failed"),
        };
        let run = match (&r.finished, &r.lost) {
            (_, Some(e)) => format!("stopped: {e}"),
            (Some((_, true)), _) => format!("cancelled {}/{}{failed}", r.rows_done, r.rows),
            (Some(_), _) => format!("done {}/{}{failed}", r.rows_done, r.rows),
            (None, None) if r.started => format!("running {}/{}{failed}", r.rows_done, r.rows),
            (None, None) => "not run".to_string(),
        };
        format!("{check} · {run}")
    }
}

/// `✔`, `⚠1`, `✖3`, `✖3 ⚠1`: a check's error and warning counts.
fn check_mark(c: &OrgChecked) -> String {
    match (c.errors(), c.warnings()) {
        (0, 0) => "✔".to_string(),
        (0, w) => format!("⚠{w}"),
        (e, 0) => format!("✖{e}"),
        (e, w) => format!("✖{e} ⚠{w}"),
    }
}

/// The `m` picker: a target org's names of one kind, filtered by what is typed.
#[derive(Debug, Clone)]
pub struct Picker {
    pub org: usize,
    pub kind: String,
    /// The reference's name being mapped.
    pub source: String,
    pub query: Input,
    pub selected: usize,
}

/// The whole multi-org session.
#[derive(Debug, Clone)]
pub struct OrgsSession {
    pub request: MultiOrgRequest,
    pub reference: ReferenceSummary,
    pub orgs: Vec<OrgEntry>,
    /// The org `[`/`]` select.
    pub selected: usize,
    /// The all-orgs view (`0`) of Pre-flight.
    pub all: bool,
    /// Over the findings shown on Pre-flight.
    pub cursor: ListCursor,
    /// Over the failed rows shown on Failures.
    pub failures: ListCursor,
    /// The map file the actions write (the request's, or the one they created).
    pub map: Option<PathBuf>,
    pub picker: Option<Picker>,
    /// The orgs the confirmed run writes to (indices into `orgs`).
    pub running: Vec<usize>,
    /// The org of the row the drilldown shows.
    pub drilldown: Option<usize>,
}

impl OrgsSession {
    pub fn new(request: MultiOrgRequest, prepared: MultiPrepared) -> OrgsSession {
        let map = request.map.clone();
        OrgsSession {
            reference: prepared.reference,
            orgs: prepared
                .orgs
                .into_iter()
                .map(|(profile, check)| OrgEntry {
                    profile,
                    check,
                    rechecking: false,
                    create_marked: Vec::new(),
                    retry: None,
                    run: OrgRun::default(),
                })
                .collect(),
            request,
            selected: 0,
            all: false,
            cursor: ListCursor::default(),
            failures: ListCursor::default(),
            map,
            picker: None,
            running: Vec::new(),
            drilldown: None,
        }
    }

    /// The findings Pre-flight lists: (org index, finding), errors first within each org.
    pub fn shown_findings(&self) -> Vec<(usize, &Finding)> {
        let mut out = Vec::new();
        for (i, o) in self.orgs.iter().enumerate() {
            if !self.all && i != self.selected {
                continue;
            }
            if let Ok(c) = &o.check {
                let mut fs: Vec<&Finding> = c.findings.iter().collect();
                fs.sort_by_key(|f| f.severity != Severity::Error);
                out.extend(fs.into_iter().map(|f| (i, f)));
            }
        }
        out
    }

    pub fn selected_finding(&self) -> Option<(usize, &Finding)> {
        self.shown_findings().get(self.cursor.selected).copied()
    }

    pub fn index_of(&self, profile: &str) -> Option<usize> {
        self.orgs.iter().position(|o| o.profile == profile)
    }

    /// The failed rows Failures lists, grouped by org, then error code: (org, code, row).
    pub fn failure_rows(&self) -> Vec<(usize, String, &RowReport)> {
        let mut out = Vec::new();
        for (i, o) in self.orgs.iter().enumerate() {
            let mut rows: Vec<(String, &RowReport)> = o
                .run
                .failed
                .iter()
                .map(|r| (row_failure_code(r), r))
                .collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.row.cmp(&b.1.row)));
            out.extend(rows.into_iter().map(|(c, r)| (i, c, r)));
        }
        out
    }

    pub fn run_active(&self) -> bool {
        self.orgs.iter().any(|o| o.run.active())
    }

    pub fn run_started(&self) -> bool {
        self.orgs
            .iter()
            .any(|o| o.run.started || o.run.lost.is_some())
    }
}

/// A failed row's error code: its first failed step's code (or HTTP status).
pub fn row_failure_code(r: &RowReport) -> String {
    r.steps
        .iter()
        .find(|s| s.status == crate::model::StepStatus::Failed)
        .map(|s| {
            s.code
                .clone()
                .or_else(|| s.http_status.map(|h| format!("http {h}")))
                .unwrap_or_else(|| "failed".into())
        })
        .unwrap_or_else(|| "failed".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RowKind;

    fn failed(row: usize) -> RowReport {
        RowReport {
            kind: RowKind::default(),
            row,
            email: format!("u{row}@example.com"),
            outcome: Outcome::Failed,
            user_id: None,
            steps: Vec::new(),
        }
    }

    #[test]
    fn a_retry_of_some_rows_keeps_the_others_listed_and_merges_its_own() {
        let mut first = OrgRun::default();
        first.apply(EngineEvent::Finished {
            report: Report {
                rows: vec![failed(3), failed(4)],
                ..Default::default()
            },
            cancelled: false,
        });
        let mut retry = first.retry(&[3]);
        assert_eq!(retry.retries, 1);
        assert_eq!(retry.carried.iter().map(|r| r.row).collect::<Vec<_>>(), [4]);
        // Row 3 succeeds this time: only row 4, which this run did not take up, stays.
        let mut ok = failed(3);
        ok.outcome = Outcome::Updated;
        retry.apply(EngineEvent::Finished {
            report: Report {
                rows: vec![ok],
                ..Default::default()
            },
            cancelled: false,
        });
        assert_eq!(retry.failed.iter().map(|r| r.row).collect::<Vec<_>>(), [4]);
        assert_eq!(
            retry
                .drilldown_report()
                .rows
                .iter()
                .map(|r| r.row)
                .collect::<Vec<_>>(),
            [4],
            "the drilldown finds a row an earlier run left"
        );
    }
}
