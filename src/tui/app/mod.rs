//! The TUI's state. Views only read it; `update` is the only writer.

use super::sort::SortBuffers;
use super::theme::Theme;

mod cursor;
pub mod drift;
mod failures;
mod filter;
mod org_form;
mod orgs;
mod query;
mod queues;
mod run;
mod session;
use super::work::{INLINE_ROWS, Pending, RecheckJob, Rechecked};
use crate::engine::{Estimator, Replace};
use crate::model::OrgSnapshot;
use crate::model::{
    ApiStats, EngineEvent, Field, Finding, FindingCode, HireList, LoadProgress, Outcome,
    PlanAction, Report, RowReport, Severity, Step, StepStatus,
};
use crate::preflight::{self, CheckResult};
pub use cursor::ListCursor;
pub use drift::{DriftFix, DriftFixed, DriftLoaded, DriftState};
pub use failures::*;
pub use filter::*;
pub use org_form::*;
pub use orgs::*;
pub use query::{step_field, waits_while_busy};
pub use queues::{QUEUE_RATE, QueueSession, QueueStatus, QueueTable};
pub use run::*;
pub use session::*;
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
    /// Users × orgs drift against a reference (shown once a drift is loaded or under way).
    Drift,
}

impl Screen {
    pub const ALL: [Screen; 6] = [
        Screen::Load,
        Screen::Preflight,
        Screen::Plan,
        Screen::Run,
        Screen::Failures,
        Screen::Drift,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Screen::Load => "Load",
            Screen::Preflight => "Pre-flight",
            Screen::Plan => "Plan",
            Screen::Run => "Run",
            Screen::Failures => "Failures",
            Screen::Drift => "Drift",
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
        /// Queue rows (row numbers of the queue list) run first.
        queues: Vec<usize>,
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
    /// `y` on the Plan of a Clone: run these orgs (indices into the session's orgs); each
    /// line names the org, where it is, and what it changes, so the admin sees every org
    /// that will be written to.
    ProvisionOrgs {
        orgs: Vec<usize>,
        lines: Vec<String>,
    },
    /// `R` on the Failures of a Clone: retry each org's failed rows (index into the
    /// session's orgs, row numbers), each after a fresh read of its org; a line per org.
    RetryOrgs {
        groups: Vec<(usize, Vec<usize>)>,
        lines: Vec<String>,
    },
    /// Load other files over edits not saved to a file.
    LoadUnsaved(LoadFiles),
    /// Quit while a run is in progress (cancels it first).
    QuitDuringRun,
    /// Quit with edits not saved to a file.
    QuitUnsaved,
    /// Save over an existing file.
    Overwrite(PathBuf),
    /// `f`/`F` on Drift: reconcile these (org, user) pairs with the clone engine.
    FixDrift(DriftFix),
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
    /// The `/` filter of the Queues table, live while typing; Esc puts `before` back.
    QueueFilter {
        before: String,
    },
    /// Inline edit of the queue list's `rows[index].cells[col]`.
    QueueEdit {
        index: usize,
        col: usize,
    },
    SaveAs,
    Export,
    /// The `/` filter of the Drift tab (group or code), live; Esc puts `before` back.
    DriftFilter {
        before: String,
    },
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
    /// A scrollable card over Pre-flight: a row's every column, or the file-level findings.
    Card {
        card: Card,
        /// First line shown.
        scroll: usize,
    },
}

/// What a card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    /// Every column of the row (index into `list.rows`): raw value, value sent, findings.
    Row(usize),
    /// The findings about the file as a whole (row = none).
    File,
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

/// What a load reads: a hire list, a queue list, or both (never neither).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadFiles {
    pub hires: Option<PathBuf>,
    pub queues: Option<PathBuf>,
}

impl From<PathBuf> for LoadFiles {
    /// A hire list alone (the command line's `onboard FILE`).
    fn from(hires: PathBuf) -> LoadFiles {
        LoadFiles {
            hires: Some(hires),
            queues: None,
        }
    }
}

impl LoadFiles {
    /// How the status line names the files: `hires.csv + queues queues.csv`.
    pub fn describe(&self) -> String {
        let hires = self.hires.as_ref().map(|p| p.display().to_string());
        let queues = self
            .queues
            .as_ref()
            .map(|p| format!("queues {}", p.display()));
        [hires, queues]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// Which path field of the Load screen has the keyboard (F3 switches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadField {
    #[default]
    Hires,
    Queues,
}

#[derive(Debug, Default)]
pub struct LoadState {
    /// The path field that has the keyboard (`field` says which one it is).
    pub input: Input,
    /// The other path field (swapped with `input` by F3).
    pub other: Input,
    pub field: LoadField,
    pub recent: Vec<PathBuf>,
    /// Index into `recent` while browsing it with ↑/↓.
    pub recent_sel: Option<usize>,
    pub targets: Vec<Target>,
    pub target: usize,
    pub completions: Vec<String>,
    pub loading: bool,
    pub progress: BTreeMap<String, LoadProgress>,
    /// A Clone's preparation: the reference and one row per target org (apart from the
    /// hire list's `progress`, so neither mode shows the other's).
    pub org_progress: BTreeMap<String, LoadProgress>,
    pub error: Option<String>,
    /// What the loader said about the load under way (e.g. that it will be slow, and why).
    pub note: Option<String>,
    /// What F3 cycles: hire list, Clone, Drift, queue list.
    pub mode: LoadMode,
    /// The Clone/Drift form.
    pub form: MultiOrgForm,
}

impl LoadState {
    /// The hire list and queue list fields, trimmed (empty: none).
    pub fn paths(&self) -> (String, String) {
        let (hires, queues) = match self.field {
            LoadField::Hires => (&self.input, &self.other),
            LoadField::Queues => (&self.other, &self.input),
        };
        (
            hires.value().trim().to_string(),
            queues.value().trim().to_string(),
        )
    }

    /// F3: the next mode (hire list → Clone → Drift → queue list); the path fields follow.
    pub fn cycle_mode(&mut self) {
        self.mode = self.mode.next();
        match (self.mode, self.field) {
            (LoadMode::Queues, LoadField::Hires) | (LoadMode::Hires, LoadField::Queues) => {
                self.switch_field()
            }
            _ => {}
        }
        self.recent_sel = None;
        self.completions.clear();
    }

    /// Give the keyboard to the other path field.
    pub fn switch_field(&mut self) {
        std::mem::swap(&mut self.input, &mut self.other);
        self.field = match self.field {
            LoadField::Hires => LoadField::Queues,
            LoadField::Queues => LoadField::Hires,
        };
        self.recent_sel = None;
        self.completions.clear();
    }

    /// Show `files` in the two fields (the keyboard stays where it is).
    pub fn show_files(&mut self, files: &LoadFiles) {
        let text = |p: &Option<PathBuf>| {
            Input::new(
                p.as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            )
        };
        let (hires, queues) = (text(&files.hires), text(&files.queues));
        match self.field {
            LoadField::Hires => (self.input, self.other) = (hires, queues),
            LoadField::Queues => (self.input, self.other) = (queues, hires),
        }
    }
}

/// The pre-flight table: which rows are visible, in what order, and the cursor.
#[derive(Debug, Default)]
pub struct TableState {
    /// Indices into `list.rows`, filtered and sorted.
    pub view: Vec<u32>,
    /// Position in `view`, and the first one shown.
    pub cursor: ListCursor,
    pub sort: SortKey,
    pub descending: bool,
    pub filter: Filter,
    /// Selected column (index into `list.headers`) for edits and suggestions.
    pub col: usize,
    /// Kept between sorts (see [`SortBuffers`]).
    pub sort_buffers: SortBuffers,
    /// First line shown of the selected row's findings pane (back to 0 on another row).
    pub pane_scroll: usize,
}

/// The Plan screen's list of the rows that will run: cursor, scroll and `/` filter.
#[derive(Debug, Default)]
pub struct PlanState {
    /// Position in [`App::plan_rows`].
    pub cursor: ListCursor,
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
    /// The queue list loaded with (or instead of) the hire list.
    pub queues: Option<QueueSession>,
    /// A Clone across several orgs (instead of a list against one org).
    pub orgs: Option<OrgsSession>,
    pub table: TableState,
    pub run: RunState,
    /// Every row's latest outcome across the first run and its retries.
    pub report: Option<Report>,
    pub failures: FailuresState,
    pub plan: PlanState,
    /// The Drift tab.
    pub drift: DriftState,
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
            queues: None,
            orgs: None,
            table: TableState::default(),
            run: RunState::default(),
            report: None,
            failures: FailuresState::default(),
            plan: PlanState::default(),
            drift: DriftState::default(),
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
        self.run.phase.is_active()
    }

    pub fn set_info(&mut self, s: impl Into<String>) {
        self.status = Some((StatusKind::Info, s.into()));
    }
    pub fn set_error(&mut self, s: impl Into<String>) {
        self.status = Some((StatusKind::Error, s.into()));
    }
}
