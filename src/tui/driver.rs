//! The driver: owns the terminal, the inbox, the background tasks and their cancel tokens.
//! It feeds every message to `update`, runs the returned commands as tasks (never awaiting
//! the network itself), and redraws only when something changed, at most 30 times a second.

use super::app::App;
use super::msg::{Cmd, Loaded, Msg};
use super::multi_org::MultiOrgRequest;
use super::org_check::{MultiPrepared, OrgChecked};
use super::update::update;
use super::view;
use crate::model::{EngineEvent, HireList, LoadProgress, Plan, Report};
use futures::StreamExt;
use futures::future::LocalBoxFuture;
use futures::stream::FuturesUnordered;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Minimum time between two frames (30 fps).
pub const FRAME: Duration = Duration::from_millis(33);
/// Capacity of the inbox; engine events wait (back-pressure) rather than pile up.
pub const INBOX: usize = 4096;

/// Pause / resume / cancel of a running plan.
pub trait RunControl: Send + Sync {
    fn pause(&self);
    fn resume(&self);
    fn cancel(&self);
}

/// A started run: its events (ending with `Finished`) and its controls.
pub struct StartedRun {
    pub events: mpsc::Receiver<EngineEvent>,
    pub control: Box<dyn RunControl>,
}

/// Where a load reports to: progress counters (dropped when the inbox is full: the next
/// one says more), and partial results and notes (waited for: they are few).
#[derive(Clone)]
pub struct LoadInbox {
    tx: mpsc::Sender<Msg>,
    /// A Clone's preparation: its progress rows are the Orgs pane's, apart from the hire
    /// list's load.
    orgs: bool,
}

impl LoadInbox {
    pub fn new(tx: mpsc::Sender<Msg>) -> LoadInbox {
        LoadInbox { tx, orgs: false }
    }

    /// The inbox of a Clone's preparation (one progress row per org).
    pub fn for_orgs(tx: mpsc::Sender<Msg>) -> LoadInbox {
        LoadInbox { tx, orgs: true }
    }

    pub fn progress(&self, p: LoadProgress) {
        let msg = if self.orgs {
            Msg::OrgsProgress(p)
        } else {
            Msg::LoadProgress(p)
        };
        let _ = self.tx.try_send(msg);
    }

    pub async fn send(&self, msg: Msg) {
        let _ = self.tx.send(msg).await;
    }
}

/// What the driver needs from the rest of onboard: load + check a list against an org, and
/// start the engine. `cli::tui` implements it over `ingest`, `genesys`, `preflight` and
/// `engine`; both the binary and the end-to-end test use that implementation.
pub trait Services: Send + Sync + 'static {
    /// Read `path`, load the org snapshot of `target` for it, and check it, sending what is
    /// known so far to `inbox` as it grows ([`Msg::LoadPartial`]). The driver polls the
    /// future alongside its inbox (so it need not be `Send`) and drops it when the load is
    /// cancelled.
    fn load(
        &self,
        files: crate::tui::app::LoadFiles,
        target: usize,
        inbox: LoadInbox,
        cancel: CancellationToken,
    ) -> LocalBoxFuture<'static, Result<Loaded, String>>;
    /// Start the engine on `plan` against the org last loaded. Synchronous: the engine
    /// spawns its own tasks, so the control handle exists before the first key can use it.
    /// `queues`: the queue rows, run before the hire rows (the README's "Queue rows").
    fn start_run(
        &self,
        plan: Plan,
        queues: Vec<crate::engine::queues::QueueTask>,
    ) -> Result<StartedRun, String>;
    /// Run a drift for `request` (read-only, every target org at once, as `onboard drift`):
    /// the report, and the orgs that could not be read.
    fn drift(
        &self,
        request: crate::tui::multi_org::MultiOrgRequest,
    ) -> LocalBoxFuture<'static, Result<crate::tui::app::DriftLoaded, String>>;
    /// Reconcile these (org, email) pairs of `request`'s drift with the clone engine (the
    /// code path of `drift --fix`), then run the drift again.
    fn fix_drift(
        &self,
        request: crate::tui::multi_org::MultiOrgRequest,
        pairs: Vec<(String, String)>,
    ) -> LocalBoxFuture<'static, Result<crate::tui::app::DriftFixed, String>>;

    /// A Clone: resolve the reference (read-only), then read and check every target org
    /// at once, reporting one progress row per org to `inbox`.
    fn prepare_orgs(
        &self,
        request: MultiOrgRequest,
        inbox: LoadInbox,
    ) -> LocalBoxFuture<'static, Result<MultiPrepared, String>> {
        let _ = (request, inbox);
        Box::pin(async { Err("this onboard cannot clone across orgs".to_string()) })
    }

    /// Re-check one prepared org of the Clone against a fresh read of it, with the map file
    /// `map` (read again) and the kinds `create` it creates when missing.
    fn recheck_org(
        &self,
        org: String,
        map: Option<PathBuf>,
        create: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<OrgChecked, String>> {
        let _ = (org, map, create);
        Box::pin(async { Err("this onboard cannot clone across orgs".to_string()) })
    }

    /// Retry these failed rows of one org of the Clone, as its last re-check planned them.
    fn start_org_rows(&self, org: String, rows: Vec<usize>) -> Result<StartedRun, String> {
        let _ = (org, rows);
        Err("this onboard cannot clone across orgs".to_string())
    }

    /// Start the runs of these prepared orgs, one engine each (own client, journal, lock).
    fn start_orgs(&self, orgs: Vec<String>) -> Result<Vec<(String, StartedRun)>, String> {
        let _ = orgs;
        Err("this onboard cannot clone across orgs".to_string())
    }
}

pub struct Driver<B: Backend> {
    pub app: App,
    pub terminal: Terminal<B>,
    tx: mpsc::Sender<Msg>,
    rx: mpsc::Receiver<Msg>,
    services: Arc<dyn Services>,
    run: Option<Arc<dyn RunControl>>,
    /// A Clone's runs: per org (index into the session's orgs), its control.
    org_runs: Vec<(usize, Arc<dyn RunControl>)>,
    load_cancel: Option<CancellationToken>,
    /// Cancelled when the driver stops; every task it spawned watches it.
    shutdown: CancellationToken,
    last_draw: Option<Instant>,
    data_dir: Option<PathBuf>,
    /// Jobs polled by the loop itself (futures that are not `Send`); each yields messages.
    jobs: FuturesUnordered<LocalBoxFuture<'static, Vec<Msg>>>,
    /// Frames drawn (for benchmarks and tests).
    pub frames: u64,
    /// Gives the terminal back (see [`Cmd::Detach`]); after it, nothing is drawn.
    detach: Option<Box<dyn FnMut()>>,
    detached: bool,
}

impl<B: Backend> Driver<B> {
    pub fn new(
        app: App,
        terminal: Terminal<B>,
        services: Arc<dyn Services>,
        data_dir: Option<PathBuf>,
    ) -> Driver<B> {
        Driver::with_inbox(app, terminal, services, data_dir, mpsc::channel(INBOX))
    }

    /// [`Driver::new`] with an inbox made beforehand (so senders can exist before the
    /// driver, e.g. the signal listener that must be in place before the terminal changes).
    pub fn with_inbox(
        app: App,
        terminal: Terminal<B>,
        services: Arc<dyn Services>,
        data_dir: Option<PathBuf>,
        (tx, rx): (mpsc::Sender<Msg>, mpsc::Receiver<Msg>),
    ) -> Driver<B> {
        Driver {
            app,
            terminal,
            tx,
            rx,
            services,
            run: None,
            org_runs: Vec::new(),
            load_cancel: None,
            shutdown: CancellationToken::new(),
            last_draw: None,
            data_dir,
            jobs: FuturesUnordered::new(),
            frames: 0,
            detach: None,
            detached: false,
        }
    }

    /// What [`Cmd::Detach`] runs: the real terminal restores itself (tests need nothing).
    pub fn on_detach(&mut self, f: impl FnMut() + 'static) {
        self.detach = Some(Box::new(f));
    }

    /// A sender into the inbox (for the input thread, tests, and tasks).
    pub fn sender(&self) -> mpsc::Sender<Msg> {
        self.tx.clone()
    }

    /// Feed one message through `update` and run what it asks for.
    pub fn handle(&mut self, msg: Msg) {
        let cmds = update(&mut self.app, msg);
        for cmd in cmds {
            self.exec(cmd);
        }
    }

    /// Draw now if anything changed.
    pub fn draw(&mut self) -> std::io::Result<()> {
        if !self.app.dirty || self.detached {
            return Ok(());
        }
        let app = &self.app;
        self.terminal
            .draw(|f| view::draw(f, app))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.app.dirty = false;
        self.frames += 1;
        self.last_draw = Some(Instant::now());
        Ok(())
    }

    /// Run until the app quits. Messages are handled as they come; frames are drawn when
    /// something changed and at least [`FRAME`] has passed since the last one.
    pub async fn run(&mut self) -> std::io::Result<()> {
        self.draw()?;
        while !self.app.quit {
            let wait = match (self.app.dirty, self.last_draw) {
                (true, Some(t)) => FRAME.saturating_sub(t.elapsed()),
                (true, None) => Duration::ZERO,
                (false, _) => Duration::from_secs(3600),
            };
            tokio::select! {
                msg = self.rx.recv() => match msg {
                    Some(m) => self.handle(m),
                    None => break,
                },
                Some(msgs) = self.jobs.next(), if !self.jobs.is_empty() => {
                    for m in msgs {
                        self.handle(m);
                    }
                }
                _ = tokio::time::sleep(wait) => {}
            }
            // Drain what is already queued (bounded, so input stays responsive).
            for _ in 0..1024 {
                match self.rx.try_recv() {
                    Ok(m) => self.handle(m),
                    Err(_) => break,
                }
                if self.app.quit {
                    break;
                }
            }
            if self.app.dirty && self.last_draw.is_none_or(|t| t.elapsed() >= FRAME) {
                self.draw()?;
            }
        }
        self.stop();
        Ok(())
    }

    /// Handle messages until `pred` holds or `max_msgs` messages have been handled; draws
    /// after each one. For tests: no sleeps, it waits on the inbox itself.
    pub async fn run_until(&mut self, max_msgs: usize, mut pred: impl FnMut(&App) -> bool) -> bool {
        for _ in 0..max_msgs {
            if pred(&self.app) {
                return true;
            }
            tokio::select! {
                msg = self.rx.recv() => match msg {
                    Some(m) => self.handle(m),
                    None => return pred(&self.app),
                },
                Some(msgs) = self.jobs.next(), if !self.jobs.is_empty() => {
                    for m in msgs {
                        self.handle(m);
                    }
                }
            }
            let _ = self.draw();
        }
        pred(&self.app)
    }

    /// Cancel every task (a running plan is cancelled safely).
    pub fn stop(&mut self) {
        if let Some(run) = &self.run {
            run.cancel();
        }
        for (_, run) in &self.org_runs {
            run.cancel();
        }
        if let Some(c) = &self.load_cancel {
            c.cancel();
        }
        self.shutdown.cancel();
    }

    /// Run a command `update` returned outside the inbox (e.g. the start-up load).
    pub fn exec_cmd(&mut self, cmd: Cmd) {
        self.exec(cmd);
    }

    fn exec(&mut self, cmd: Cmd) {
        tracing::debug!(cmd = cmd_name(&cmd), "command");
        match cmd {
            Cmd::Recheck(job) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.blocking_send(job.run());
                });
            }
            Cmd::Load { files, target } => self.start_load(files, target),
            Cmd::CancelLoad => {
                if let Some(c) = self.load_cancel.take() {
                    c.cancel();
                }
            }
            Cmd::Complete(prefix) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.blocking_send(Msg::Completions(complete_path(&prefix)));
                });
            }
            Cmd::Save {
                path,
                source,
                list,
                overwrite,
            } => self.save(path, source, list, overwrite),
            Cmd::StartRun { plan, queues } => match self.services.start_run(plan, queues) {
                Ok(started) => self.follow_run(started),
                // Said through the job queue, as if the engine had answered.
                Err(e) => self
                    .jobs
                    .push(Box::pin(async move { vec![Msg::RunLost(e)] })),
            },
            Cmd::Pause => {
                if let Some(r) = &self.run {
                    r.pause();
                }
                self.org_runs.iter().for_each(|(_, r)| r.pause());
            }
            Cmd::Resume => {
                if let Some(r) = &self.run {
                    r.resume();
                }
                self.org_runs.iter().for_each(|(_, r)| r.resume());
            }
            Cmd::Cancel => {
                if let Some(r) = &self.run {
                    r.cancel();
                }
                self.org_runs.iter().for_each(|(_, r)| r.cancel());
            }
            Cmd::PauseOrg(i) => self.org_control(i, |r| r.pause()),
            Cmd::ResumeOrg(i) => self.org_control(i, |r| r.resume()),
            Cmd::PrepareOrgs(request) => self.prepare_orgs(request),
            Cmd::MapAndRecheck {
                map,
                beside,
                row,
                org,
                create,
                note,
            } => self.map_and_recheck(map, beside, row, org, create, note),
            Cmd::RecheckOrg {
                org,
                map,
                create,
                note,
            } => {
                let fut = self.services.recheck_org(org.clone(), map, create);
                self.jobs.push(Box::pin(async move {
                    vec![Msg::OrgRechecked {
                        org,
                        map: None,
                        note,
                        result: fut.await.map(Box::new),
                    }]
                }));
            }
            Cmd::StartOrgs(orgs) => self.start_orgs(orgs),
            Cmd::RetryOrg { org, profile, rows } => {
                match self.services.start_org_rows(profile, rows) {
                    Ok(run) => {
                        self.org_runs.retain(|(i, _)| *i != org);
                        self.follow_org(org, run);
                    }
                    Err(error) => {
                        self.jobs.push(Box::pin(
                            async move { vec![Msg::OrgRunLost { org, error }] },
                        ))
                    }
                }
            }
            Cmd::Export { path, report } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let msg = match export_report(&path, &report) {
                        Ok(()) => Msg::Exported(path),
                        Err(e) => Msg::Error(e),
                    };
                    let _ = tx.blocking_send(msg);
                });
            }
            Cmd::Drift(request) => {
                let fut = self.services.drift(request);
                self.jobs.push(Box::pin(async move {
                    vec![match fut.await {
                        Ok(loaded) => Msg::DriftLoaded(Box::new(loaded)),
                        Err(e) => Msg::DriftFailed(e),
                    }]
                }));
            }
            Cmd::FixDrift { request, pairs } => {
                let fut = self.services.fix_drift(request, pairs);
                self.jobs.push(Box::pin(async move {
                    vec![match fut.await {
                        Ok(fixed) => Msg::DriftFixed(Box::new(fixed)),
                        Err(e) => Msg::DriftFailed(e),
                    }]
                }));
            }
            Cmd::ExportDrift { json, csv, report } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let msg = match export_drift(&json, &csv, &report) {
                        Ok(()) => Msg::DriftExported { json, csv },
                        Err(e) => Msg::Error(e),
                    };
                    let _ = tx.blocking_send(msg);
                });
            }
            Cmd::Detach => {
                if let Some(f) = &mut self.detach {
                    f();
                }
                self.detached = true;
            }
            Cmd::Quit => {
                self.app.quit = true;
            }
        }
    }

    /// Start loading `path` against org `target`, stopping a load under way; its result
    /// (and the recent-files list it updates) comes back as messages.
    fn start_load(&mut self, files: crate::tui::app::LoadFiles, target: usize) {
        if let Some(c) = self.load_cancel.take() {
            c.cancel();
        }
        let cancel = self.shutdown.child_token();
        self.load_cancel = Some(cancel.clone());
        let inbox = LoadInbox::new(self.tx.clone());
        let fut = self
            .services
            .load(files.clone(), target, inbox, cancel.clone());
        let data_dir = self.data_dir.clone();
        self.jobs.push(Box::pin(async move {
            // A stopped load says nothing more (`update` already said what was kept).
            let res = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Vec::new(),
                r = fut => r,
            };
            match res {
                Ok(l) => {
                    let mut out = Vec::new();
                    if let Some(dir) = data_dir {
                        for path in files.hires.iter().chain(&files.queues) {
                            out.push(Msg::Recent(remember_recent(&dir, path)));
                        }
                    }
                    out.push(Msg::Loaded(Box::new(l)));
                    out
                }
                Err(e) => vec![Msg::LoadFailed(e)],
            }
        }));
    }

    /// Write the fixed list on a blocking thread: never over the input, never over another
    /// file unless `overwrite` (the admin said yes).
    fn save(&self, path: PathBuf, source: PathBuf, list: HireList, overwrite: bool) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            // The same file by another name (a link, `..`): never over the input.
            if crate::config::outputs::same_file(&path, &source) {
                let msg = Msg::Error(crate::tui::update::REFUSE_SAVE_OVER_INPUT.into());
                let _ = tx.blocking_send(msg);
                return;
            }
            let msg = match save_list(&path, &list, overwrite) {
                Ok(()) => Msg::Saved(path),
                Err(SaveError::Exists) => Msg::SaveExists(path),
                Err(SaveError::Other(e)) => Msg::Error(e),
            };
            let _ = tx.blocking_send(msg);
        });
    }

    /// Keep the run's control (for `Cmd::Pause`/`Resume`/`Cancel`) and forward its events to
    /// the inbox until `Finished`; on shutdown, cancel it and let in-flight steps end.
    fn follow_run(&mut self, started: StartedRun) {
        let control: Arc<dyn RunControl> = Arc::from(started.control);
        self.run = Some(control.clone());
        let tx = self.tx.clone();
        let shutdown = self.shutdown.clone();
        let mut events = started.events;
        tokio::spawn(async move {
            let mut finished = false;
            loop {
                tokio::select! {
                    ev = events.recv() => match ev {
                        Some(ev) => {
                            finished |= matches!(ev, EngineEvent::Finished { .. });
                            if tx.send(Msg::Engine(ev)).await.is_err() {
                                control.cancel();
                                return;
                            }
                        }
                        None => break,
                    },
                    _ = shutdown.cancelled() => {
                        control.cancel();
                        // Let the engine finish in-flight steps before we go.
                        while let Some(ev) = events.recv().await {
                            if matches!(ev, EngineEvent::Finished { .. }) {
                                break;
                            }
                        }
                        return;
                    }
                }
            }
            if !finished {
                let _ = tx
                    .send(Msg::RunLost("the engine stopped without a report".into()))
                    .await;
            }
        });
    }
}

impl<B: Backend> Driver<B> {
    fn org_control(&self, org: usize, f: impl Fn(&dyn RunControl)) {
        for (i, r) in &self.org_runs {
            if *i == org {
                f(r.as_ref());
            }
        }
    }

    /// Prepare a Clone off the loop; Esc on Load stops it like a load.
    fn prepare_orgs(&mut self, request: MultiOrgRequest) {
        if let Some(c) = self.load_cancel.take() {
            c.cancel();
        }
        let cancel = self.shutdown.child_token();
        self.load_cancel = Some(cancel.clone());
        let fut = self
            .services
            .prepare_orgs(request, LoadInbox::for_orgs(self.tx.clone()));
        self.jobs.push(Box::pin(async move {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => Vec::new(),
                r = fut => vec![match r {
                    Ok(p) => Msg::OrgsPrepared(Box::new(p)),
                    Err(e) => Msg::OrgsFailed(e),
                }],
            }
        }));
    }

    /// Append a map row (creating the file with its header, and saying where), then
    /// re-check the org with the map as it now is.
    fn map_and_recheck(
        &mut self,
        map: Option<PathBuf>,
        beside: Option<PathBuf>,
        row: super::org_check::MapRowText,
        org: String,
        create: Vec<String>,
        note: String,
    ) {
        let data_dir = self
            .data_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("onboard"));
        let path =
            map.unwrap_or_else(|| super::org_check::default_map_path(beside.as_deref(), &data_dir));
        let written = append_map_row(&path, &row);
        let services = self.services.clone();
        self.jobs.push(Box::pin(async move {
            let (created, line) = match written {
                Ok(w) => w,
                Err(e) => {
                    return vec![Msg::OrgRechecked {
                        org,
                        map: None,
                        note: format!("{note} not saved"),
                        result: Err(e),
                    }];
                }
            };
            let shown = crate::model::sanitize(&path.display().to_string()).into_owned();
            let note = if created {
                format!("{note} (new map file {shown}, line {line})")
            } else {
                format!("{note} ({shown} line {line})")
            };
            let result = services
                .recheck_org(org.clone(), Some(path.clone()), create)
                .await
                .map(Box::new);
            vec![Msg::OrgRechecked {
                org,
                map: Some(path),
                note,
                result,
            }]
        }));
    }

    /// Start every picked org's run and forward its events, tagged with the org.
    fn start_orgs(&mut self, orgs: Vec<(usize, String)>) {
        let names: Vec<String> = orgs.iter().map(|(_, p)| p.clone()).collect();
        let started = match self.services.start_orgs(names) {
            Ok(s) => s,
            Err(e) => {
                let lost: Vec<Msg> = orgs
                    .iter()
                    .map(|(i, _)| Msg::OrgRunLost {
                        org: *i,
                        error: e.clone(),
                    })
                    .collect();
                self.jobs.push(Box::pin(async move { lost }));
                return;
            }
        };
        self.org_runs.clear();
        for (profile, run) in started {
            let Some(&(org, _)) = orgs.iter().find(|(_, p)| *p == profile) else {
                continue;
            };
            self.follow_org(org, run);
        }
    }

    /// Keep one org's run control and forward its events, tagged with the org.
    fn follow_org(&mut self, org: usize, run: StartedRun) {
        let control: Arc<dyn RunControl> = Arc::from(run.control);
        self.org_runs.push((org, control.clone()));
        let tx = self.tx.clone();
        let shutdown = self.shutdown.clone();
        let mut events = run.events;
        tokio::spawn(async move {
            let mut finished = false;
            loop {
                tokio::select! {
                    ev = events.recv() => match ev {
                        Some(event) => {
                            finished |= matches!(event, EngineEvent::Finished { .. });
                            if tx.send(Msg::OrgEngine { org, event }).await.is_err() {
                                control.cancel();
                                return;
                            }
                        }
                        None => break,
                    },
                    _ = shutdown.cancelled() => {
                        control.cancel();
                        while events.recv().await.is_some() {}
                        return;
                    }
                }
            }
            if !finished {
                let error = "the engine stopped without a report".to_string();
                let _ = tx.send(Msg::OrgRunLost { org, error }).await;
            }
        });
    }
}

/// Append `row` to the map file, writing the header first when the file is new or empty.
/// Returns whether the file was created and the row's line number.
fn append_map_row(
    path: &Path,
    row: &super::org_check::MapRowText,
) -> Result<(bool, usize), String> {
    use std::io::Write;
    let existing = match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read the map file {}: {e}", path.display())),
    };
    let created = existing.as_ref().is_none_or(|b| b.is_empty());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut text = String::new();
    let mut lines = existing
        .as_ref()
        .map(|b| b.iter().filter(|c| **c == b'\n').count())
        .unwrap_or(0);
    if created {
        text.push_str("org,kind,source,target\n");
        lines = 1;
    } else if existing.as_ref().is_some_and(|b| !b.ends_with(b"\n")) {
        text.push('\n');
        lines += 1;
    }
    text.push_str(&row.csv_line());
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            format!(
                "cannot write the map file {}: {e}; give another with the form's Map file line",
                path.display()
            )
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the map file {}: {e}", path.display()))?;
    Ok((created, lines + 1))
}

fn cmd_name(c: &Cmd) -> &'static str {
    match c {
        Cmd::Load { .. } => "load",
        Cmd::CancelLoad => "cancel_load",
        Cmd::Complete(_) => "complete",
        Cmd::Recheck(_) => "recheck",
        Cmd::Save { .. } => "save",
        Cmd::StartRun { .. } => "start_run",
        Cmd::Pause => "pause",
        Cmd::Resume => "resume",
        Cmd::Cancel => "cancel",
        Cmd::Export { .. } => "export",
        Cmd::Drift(_) => "drift",
        Cmd::FixDrift { .. } => "fix_drift",
        Cmd::ExportDrift { .. } => "export_drift",
        Cmd::Detach => "detach",
        Cmd::PrepareOrgs(_) => "prepare_orgs",
        Cmd::MapAndRecheck { .. } => "map_and_recheck",
        Cmd::StartOrgs(_) => "start_orgs",
        Cmd::RecheckOrg { .. } => "recheck_org",
        Cmd::RetryOrg { .. } => "retry_org",
        Cmd::PauseOrg(_) => "pause_org",
        Cmd::ResumeOrg(_) => "resume_org",
        Cmd::Quit => "quit",
    }
}

enum SaveError {
    Exists,
    Other(String),
}

fn save_list(path: &Path, list: &HireList, overwrite: bool) -> Result<(), SaveError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if overwrite {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(SaveError::Exists),
        Err(e) => {
            return Err(SaveError::Other(format!(
                "cannot write {}: {e}; choose another path",
                path.display()
            )));
        }
    };
    let mut w = std::io::BufWriter::new(file);
    crate::ingest::write(list, &mut w)
        .and_then(|()| std::io::Write::flush(&mut w))
        .map_err(|e| SaveError::Other(format!("cannot write {}: {e}", path.display())))
}

fn export_report(path: &Path, report: &Report) -> Result<(), String> {
    crate::report::write_json(report, path)
        .map_err(|e| format!("cannot write {}: {e}; choose another path", path.display()))
}

/// The drift as `drift --format json` writes it, and as a CSV of its items.
fn export_drift(
    json: &Path,
    csv: &Path,
    report: &crate::preflight::drift_report::DriftReport,
) -> Result<(), String> {
    let fail = |p: &Path, e: &dyn std::fmt::Display| {
        format!("cannot write {}: {e}; choose another path", p.display())
    };
    let bytes = serde_json::to_vec_pretty(&report.to_json()).map_err(|e| fail(json, &e))?;
    crate::sim::persist::write_atomic(json, &bytes).map_err(|e| fail(json, &e))?;
    let mut out = Vec::new();
    report.write_csv(&mut out).map_err(|e| fail(csv, &e))?;
    crate::sim::persist::write_atomic(csv, &out).map_err(|e| fail(csv, &e))
}

/// File-name completions for `prefix` (directories end with `/`).
pub fn complete_path(prefix: &str) -> Vec<String> {
    let (dir, stem) = match prefix.rfind('/') {
        Some(i) => (&prefix[..=i], &prefix[i + 1..]),
        None => ("", prefix),
    };
    let read = if dir.is_empty() { "." } else { dir };
    let Ok(entries) = std::fs::read_dir(read) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(format!("{dir}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

const RECENT_FILE: &str = "recent.json";
const RECENT_MAX: usize = 8;

/// Recently loaded files, newest first.
pub fn read_recent(data_dir: &Path) -> Vec<PathBuf> {
    std::fs::read(data_dir.join(RECENT_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

fn remember_recent(data_dir: &Path, path: &Path) -> Vec<PathBuf> {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut list = read_recent(data_dir);
    list.retain(|p| *p != abs);
    list.insert(0, abs);
    list.truncate(RECENT_MAX);
    if std::fs::create_dir_all(data_dir).is_ok()
        && let Ok(json) = serde_json::to_vec(&list)
        && let Err(e) = std::fs::write(data_dir.join(RECENT_FILE), json)
    {
        tracing::warn!("cannot remember recent files: {e}");
    }
    list
}

/// Reads terminal events on a thread (crossterm's reader blocks) and posts them to the
/// inbox. Stops when `stop` is set or the inbox is gone.
pub fn spawn_input_thread(
    tx: mpsc::Sender<Msg>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    use crossterm::event::{self, Event, KeyEventKind};
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match event::poll(Duration::from_millis(50)) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => break,
            }
            let msg = match event::read() {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.blocking_send(msg).is_err() {
                break;
            }
        }
    })
}
