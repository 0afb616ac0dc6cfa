//! The Drift tab's state: a drift report (spec §6) as a users × orgs matrix — one row per
//! target email, one column per target org, each cell one (user, org) pair — with the `/`
//! filter, the cursor, the diff pane, and what `f`/`F` would fix. Built once per report
//! (O(users)); moving and drawing touch only the visible rows.

use super::ListCursor;
use crate::preflight::drift::{DriftCode, DriftItem};
use crate::preflight::drift_report::{DriftReport, UserDrift};
use crate::tui::multi_org::MultiOrgRequest;
use std::collections::HashMap;

/// A drift run's result, as the services hand it to the Drift tab.
#[derive(Debug, Clone)]
pub struct DriftLoaded {
    /// What was asked (re-run after a fix, and by `r`); None: shown without one.
    pub request: Option<MultiOrgRequest>,
    pub report: DriftReport,
    /// Orgs that could not be read: (profile, why).
    pub failed: Vec<(String, String)>,
}

/// A fix's result: one line per org, then the drift run again.
#[derive(Debug, Clone)]
pub struct DriftFixed {
    /// `us: 3 updated, 0 failed, 14 requests`, one per org written.
    pub lines: Vec<String>,
    /// Every pair asked for was reconciled.
    pub ok: bool,
    /// The drift after the fix (Err: why it could not be re-run).
    pub after: Result<DriftLoaded, String>,
}

/// What `f` or `F` asks to fix, as the confirmation shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftFix {
    /// (org, email) pairs.
    pub pairs: Vec<(String, String)>,
    /// The orgs written, in column order.
    pub orgs: Vec<String>,
    /// Orgs with drifted users that have error findings: not written.
    pub blocked: Vec<String>,
    /// The engine's request estimate.
    pub requests: u64,
}

/// The matrix: rows are target emails (first-seen order), columns the target orgs.
#[derive(Debug, Default, Clone)]
pub struct DriftMatrix {
    pub orgs: Vec<String>,
    pub emails: Vec<String>,
    /// `cells[row * orgs.len() + col]`: index into the report's users (None: not a target).
    pub cells: Vec<Option<u32>>,
    /// The widest email (display chars), for the user column.
    pub email_width: usize,
}

impl DriftMatrix {
    pub fn build(report: &DriftReport) -> DriftMatrix {
        let mut orgs: Vec<String> = report.orgs.iter().map(|o| o.org.clone()).collect();
        for u in &report.users {
            if !orgs.contains(&u.org) {
                orgs.push(u.org.clone());
            }
        }
        let col_of: HashMap<&str, usize> = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.as_str(), i))
            .collect();
        let mut row_of: HashMap<&str, usize> = HashMap::new();
        let mut emails: Vec<String> = Vec::new();
        let mut placed: Vec<(usize, usize, u32)> = Vec::with_capacity(report.users.len());
        for (i, u) in report.users.iter().enumerate() {
            let row = *row_of.entry(u.email.as_str()).or_insert_with(|| {
                emails.push(u.email.clone());
                emails.len() - 1
            });
            let col = col_of.get(u.org.as_str()).copied().unwrap_or(0);
            placed.push((row, col, i as u32));
        }
        let mut cells = vec![None; emails.len() * orgs.len()];
        for (row, col, i) in placed {
            cells[row * orgs.len() + col] = Some(i);
        }
        let email_width = emails.iter().map(|e| e.chars().count()).max().unwrap_or(0);
        DriftMatrix {
            orgs,
            emails,
            cells,
            email_width,
        }
    }

    pub fn cell(&self, row: usize, col: usize) -> Option<u32> {
        if col >= self.orgs.len() {
            return None;
        }
        self.cells
            .get(row * self.orgs.len() + col)
            .copied()
            .flatten()
    }
}

/// The Drift tab.
#[derive(Debug, Default)]
pub struct DriftState {
    pub loaded: Option<DriftLoaded>,
    pub matrix: DriftMatrix,
    /// Matrix rows shown (the filter's), in order.
    pub view: Vec<u32>,
    /// Position in `view`.
    pub cursor: ListCursor,
    /// Selected org column.
    pub col: usize,
    /// Items shown: those whose group or code contains this (lowercase); empty: all.
    pub filter: String,
    /// The diff pane of the selected pair is open (Enter).
    pub diff_open: bool,
    /// What runs now (`drifting`, `fixing 3 pairs`), if anything.
    pub busy: Option<String>,
    /// Drifted pairs in the report (counted once per report, not per frame).
    pub drifted: usize,
}

impl DriftState {
    /// Whether the tab has something to show (a drift loaded, or one under way).
    pub fn available(&self) -> bool {
        self.loaded.is_some() || self.busy.is_some()
    }

    pub fn report(&self) -> Option<&DriftReport> {
        self.loaded.as_ref().map(|l| &l.report)
    }

    /// Show a new report; the filter, the selected email and org stay where they can.
    pub fn show(&mut self, loaded: DriftLoaded) {
        let keep = self.selected_email().map(str::to_string);
        self.matrix = DriftMatrix::build(&loaded.report);
        self.drifted = loaded
            .report
            .users
            .iter()
            .filter(|d| loaded.report.is_drifted(d))
            .count();
        self.loaded = Some(loaded);
        self.col = self.col.min(self.matrix.orgs.len().saturating_sub(1));
        self.rebuild_view();
        if let Some(e) = keep
            && let Some(pos) = self
                .view
                .iter()
                .position(|r| self.matrix.emails[*r as usize] == e)
        {
            self.cursor.selected = pos;
        }
    }

    /// Whether `item` passes the `/` filter (its group or its code contains the text).
    pub fn matches(&self, item: &DriftItem) -> bool {
        self.filter.is_empty()
            || item.group.contains(&self.filter)
            || item.code.as_str().contains(&self.filter)
    }

    /// The rows the filter keeps: with it, those with a matching item in some org.
    pub fn rebuild_view(&mut self) {
        let Some(report) = self.report() else {
            self.view.clear();
            return;
        };
        let orgs = self.matrix.orgs.len();
        let view: Vec<u32> = (0..self.matrix.emails.len())
            .filter(|row| {
                self.filter.is_empty()
                    || (0..orgs).any(|col| {
                        self.matrix.cell(*row, col).is_some_and(|i| {
                            report.users[i as usize]
                                .items
                                .iter()
                                .any(|it| self.matches(it))
                        })
                    })
            })
            .map(|r| r as u32)
            .collect();
        self.view = view;
        self.cursor.clamp(self.view.len(), usize::MAX);
    }

    /// The user drift of a matrix cell.
    pub fn pair(&self, row: usize, col: usize) -> Option<&UserDrift> {
        let i = self.matrix.cell(row, col)?;
        self.report()?.users.get(i as usize)
    }

    pub fn selected_row(&self) -> Option<usize> {
        self.view.get(self.cursor.selected).map(|r| *r as usize)
    }

    pub fn selected_email(&self) -> Option<&str> {
        self.selected_row()
            .and_then(|r| self.matrix.emails.get(r))
            .map(String::as_str)
    }

    /// The selected (user, org) pair.
    pub fn selected(&self) -> Option<&UserDrift> {
        self.pair(self.selected_row()?, self.col)
    }

    /// What a cell says, and how it looks.
    pub fn cell_of(&self, d: &UserDrift) -> Cell {
        let mirror = self.report().is_some_and(|r| r.mirror);
        let shown: Vec<&DriftItem> = d.items.iter().filter(|i| self.matches(i)).collect();
        if shown.iter().any(|i| i.code == DriftCode::TargetMissing) {
            return Cell {
                text: "✖ absent".into(),
                tone: CellTone::Missing,
            };
        }
        let counted: Vec<&&DriftItem> = shown.iter().filter(|i| i.code.counts(mirror)).collect();
        if counted.is_empty() {
            let extras = shown.len();
            return Cell {
                text: if extras > 0 {
                    format!("✔ {extras}{}", mark(DriftCode::DriftExtra))
                } else {
                    "✔".into()
                },
                tone: CellTone::InSync,
            };
        }
        let mut marks: Vec<char> = Vec::new();
        for code in [
            DriftCode::DriftMissing,
            DriftCode::DriftExtra,
            DriftCode::DriftChanged,
            DriftCode::Unresolvable,
        ] {
            if counted.iter().any(|i| i.code == code) {
                marks.push(mark(code));
            }
        }
        let group = counted[0].group;
        let hint = if counted.iter().all(|i| i.group == group) {
            group.chars().next().map(String::from).unwrap_or_default()
        } else {
            String::new()
        };
        let unresolvable = counted.iter().any(|i| i.code == DriftCode::Unresolvable);
        Cell {
            text: format!(
                "{} {}{hint}",
                counted.len(),
                marks.into_iter().collect::<String>()
            ),
            tone: if unresolvable {
                CellTone::Unresolvable
            } else {
                CellTone::Drifted
            },
        }
    }

    /// Whether `d` counts as drifted in the report's mode.
    pub fn is_drifted(&self, d: &UserDrift) -> bool {
        self.report().is_some_and(|r| r.is_drifted(d))
    }

    /// What `f` fixes: the selected pair, if it drifted.
    pub fn fix_selected(&self) -> Option<DriftFix> {
        let d = self.selected().filter(|d| self.is_drifted(d))?;
        let report = self.report()?;
        let errors = report.orgs.iter().any(|o| o.org == d.org && o.has_errors);
        Some(DriftFix {
            pairs: vec![(d.org.clone(), d.email.clone())],
            orgs: if errors { vec![] } else { vec![d.org.clone()] },
            blocked: if errors { vec![d.org.clone()] } else { vec![] },
            requests: d.fix_requests,
        })
    }

    /// What `F` fixes: every drifted pair, whatever the filter shows.
    pub fn fix_all(&self) -> Option<DriftFix> {
        let report = self.report()?;
        let pairs: Vec<(String, String)> = report
            .users
            .iter()
            .filter(|d| report.is_drifted(d))
            .map(|d| (d.org.clone(), d.email.clone()))
            .collect();
        if pairs.is_empty() {
            return None;
        }
        let mut fix = DriftFix {
            pairs,
            orgs: vec![],
            blocked: vec![],
            requests: 0,
        };
        for o in &report.orgs {
            if !fix.pairs.iter().any(|(org, _)| *org == o.org) {
                continue;
            }
            if o.has_errors {
                fix.blocked.push(o.org.clone());
            } else {
                fix.orgs.push(o.org.clone());
                fix.requests += o.fix_requests;
            }
        }
        Some(fix)
    }
}

/// A matrix cell as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub tone: CellTone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellTone {
    InSync,
    Drifted,
    /// An item has no object of that name in the org: a fix cannot add it.
    Unresolvable,
    /// The user is absent, deleted or inactive.
    Missing,
}

/// The TUI's mark of a code: `+` missing, `−` extra, `~` changed, `?` unresolvable, `!` absent.
pub fn mark(code: DriftCode) -> char {
    match code {
        DriftCode::DriftExtra => '−',
        other => other.mark(),
    }
}

/// The Drift tab's areas: the header line, the unreadable orgs' line (if any), the matrix
/// (its column titles, then one line per user), and the diff pane when it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriftLayout {
    pub header: ratatui::layout::Rect,
    /// Zero height when every org could be read.
    pub failed: ratatui::layout::Rect,
    /// The column titles.
    pub columns: ratatui::layout::Rect,
    /// The user lines.
    pub matrix: ratatui::layout::Rect,
    /// Zero height when the diff is closed.
    pub diff: ratatui::layout::Rect,
}

impl DriftState {
    /// Where everything goes in `body`; the diff gets what its lines need (plus its rule),
    /// up to half of the body.
    pub fn layout(&self, body: ratatui::layout::Rect) -> DriftLayout {
        use ratatui::layout::{Constraint, Layout};
        let failed = u16::from(self.loaded.as_ref().is_some_and(|l| !l.failed.is_empty()));
        let diff = if self.diff_open {
            let want = u16::try_from(self.diff_items().len().max(1) + 2).unwrap_or(u16::MAX);
            want.min(body.height / 2)
        } else {
            0
        };
        let [header, failed, columns, matrix, diff] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(failed),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(diff),
        ])
        .areas(body);
        DriftLayout {
            header,
            failed,
            columns,
            matrix,
            diff,
        }
    }

    /// The selected pair's items the filter shows, for the diff pane.
    pub fn diff_items(&self) -> Vec<&DriftItem> {
        self.selected()
            .map(|d| d.items.iter().filter(|i| self.matches(i)).collect())
            .unwrap_or_default()
    }
}
