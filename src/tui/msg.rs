//! The one inbox (`Msg`: input, engine events, load progress, results, errors) and the
//! commands `update` asks the driver to run (`Cmd`: everything that does IO).

use crate::model::{EngineEvent, HireList, LoadProgress, OrgSnapshot, Plan, Report};
use crate::preflight::CheckResult;
use crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;

/// A loaded and checked list, ready for the Pre-flight screen.
pub struct Loaded {
    pub path: PathBuf,
    pub list: HireList,
    pub snapshot: OrgSnapshot,
    pub result: CheckResult,
    /// The org's request limit, if the client knows it.
    pub allowed: Option<crate::tui::estimate::AllowedRate>,
    /// The queue list, read and checked like `check --queues` does, when one was given.
    pub queues: Option<QueuesLoaded>,
}

/// A queue list read and checked against the org (and the hire list of the same load).
pub struct QueuesLoaded {
    pub path: PathBuf,
    pub list: crate::ingest::queues::QueueList,
    pub org: crate::preflight::queues::QueueOrg,
    pub options: crate::preflight::queues::QueueCheckOptions,
    pub check: crate::preflight::queues::QueueCheck,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("path", &self.path)
            .field("rows", &self.list.rows.len())
            .finish()
    }
}

/// What a list's check knows while its org snapshot is still loading (see
/// [`crate::preflight::partial`]): the table can show it at once and fill in as it grows.
pub struct Partial {
    /// The list, with the first partial of a load only (later ones check the same list).
    pub list: Option<(PathBuf, HireList)>,
    pub snapshot: OrgSnapshot,
    pub result: CheckResult,
    /// Per row (index into `list.rows`): its org checks are not final yet ("checking…").
    pub checking: Vec<bool>,
    /// The org's request limit, once known.
    pub allowed: Option<crate::tui::estimate::AllowedRate>,
}

impl std::fmt::Debug for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partial")
            .field("first", &self.list.is_some())
            .field("checking", &self.checking.iter().filter(|c| **c).count())
            .finish()
    }
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Org snapshot loading progress, per resource.
    LoadProgress(LoadProgress),
    /// The check so far of a list whose snapshot is still loading.
    LoadPartial(Box<Partial>),
    /// Something the admin should know about the load under way (e.g. that it will be slow,
    /// and why).
    LoadNote(String),
    Loaded(Box<Loaded>),
    LoadFailed(String),
    /// Recently used files (from the data dir).
    Recent(Vec<PathBuf>),
    /// Path completions for the Load input.
    Completions(Vec<String>),
    Engine(EngineEvent),
    /// The run ended without a `Finished` event (the engine task died).
    RunLost(String),
    Saved(PathBuf),
    /// The save target exists; `update` asks before overwriting.
    SaveExists(PathBuf),
    Exported(PathBuf),
    /// An IO result the user should see.
    Error(String),
    /// A background re-check (bulk skip or its undo) is done.
    Rechecked(Box<super::work::Rechecked>),
    /// A drift run's result: shown on the Drift tab.
    DriftLoaded(Box<crate::tui::app::DriftLoaded>),
    /// A drift could not run (the reference or the request is wrong).
    DriftFailed(String),
    /// A drift fix ended (and the drift was run again).
    DriftFixed(Box<crate::tui::app::DriftFixed>),
    /// The drift export was written: the JSON and the CSV.
    DriftExported {
        json: PathBuf,
        csv: PathBuf,
    },
    /// SIGTERM, SIGHUP or SIGINT from outside: restore the terminal, stop a run safely, go.
    Signal(&'static str),
    /// A Clone request prepared: the reference and every target org's check.
    OrgsPrepared(Box<crate::tui::org_check::MultiPrepared>),
    /// A Clone's preparation: the reference's or one org's progress row.
    OrgsProgress(LoadProgress),
    /// A Clone request could not be prepared at all (the reference, the target list).
    OrgsFailed(String),
    /// One org re-checked after a mapping action wrote `map`.
    OrgRechecked {
        org: String,
        map: Option<PathBuf>,
        /// What the action did, for the status line.
        note: String,
        result: Result<Box<crate::tui::org_check::OrgChecked>, String>,
    },
    /// An event of one org's run (index into the session's orgs).
    OrgEngine {
        org: usize,
        event: EngineEvent,
    },
    /// One org's run ended without a `Finished` event.
    OrgRunLost {
        org: usize,
        error: String,
    },
}

#[derive(Debug, Clone)]
pub enum Cmd {
    /// Read the lists, load the org snapshot for them (reporting progress), check them.
    Load {
        files: crate::tui::app::LoadFiles,
        target: usize,
    },
    /// Stop the load under way; what was checked stays.
    CancelLoad,
    /// Complete a path prefix.
    Complete(String),
    /// Write the edited list (never silently over the source: `update` asks first).
    Save {
        path: PathBuf,
        /// The loaded list's file: never overwritten.
        source: PathBuf,
        list: HireList,
        overwrite: bool,
    },
    /// Start the engine on this plan.
    StartRun {
        plan: Plan,
        /// The queue rows to run first (empty without a queue list).
        queues: Vec<crate::engine::queues::QueueTask>,
    },
    /// Re-check the whole list off the input loop (a bulk skip or its undo).
    Recheck(super::work::RecheckJob),
    Pause,
    Resume,
    /// Cancel safely: in-flight steps finish.
    Cancel,
    /// Write the report as JSON.
    Export {
        path: PathBuf,
        report: Report,
    },
    /// Run a drift (read-only) for this request.
    Drift(crate::tui::multi_org::MultiOrgRequest),
    /// Reconcile these (org, email) pairs with the clone engine, then run the drift again.
    FixDrift {
        request: crate::tui::multi_org::MultiOrgRequest,
        pairs: Vec<(String, String)>,
    },
    /// Write the drift as JSON (`drift --format json`) and CSV.
    ExportDrift {
        json: PathBuf,
        csv: PathBuf,
        report: Box<crate::preflight::drift_report::DriftReport>,
    },
    /// Resolve the reference and prepare every target org of a Clone (progress per org).
    PrepareOrgs(crate::tui::multi_org::MultiOrgRequest),
    /// Append `row` to the map file (`map`, else one the driver picks and names), then
    /// re-check `org` with it.
    MapAndRecheck {
        map: Option<PathBuf>,
        /// The target list file, beside which a new map file goes.
        beside: Option<PathBuf>,
        row: crate::tui::org_check::MapRowText,
        org: String,
        /// The kinds the org creates when missing (kept across its re-checks).
        create: Vec<String>,
        note: String,
    },
    /// Re-check `org` against a fresh read of it (the map file `map`, the kinds `create`
    /// creates when missing); `note` says why, on the status line.
    RecheckOrg {
        org: String,
        map: Option<PathBuf>,
        create: Vec<String>,
        note: String,
    },
    /// Start the runs of these prepared orgs: (index into the session's orgs, profile).
    StartOrgs(Vec<(usize, String)>),
    /// Retry these failed rows of one org (index into the session's orgs) as its last
    /// re-check planned them.
    RetryOrg {
        org: usize,
        profile: String,
        rows: Vec<usize>,
    },
    /// Pause or resume one org's run (index into the session's orgs).
    PauseOrg(usize),
    ResumeOrg(usize),
    /// Give the terminal back now (a signal: whoever sent it may own the terminal next, or
    /// it is gone); nothing is drawn after this.
    Detach,
    Quit,
}
