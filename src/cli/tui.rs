//! `onboard [HIRES.csv]` / `onboard tui [HIRES.csv]`: the interactive TUI against an org
//! chosen with the connection options (or any saved profile, switchable on the Load screen).
//!
//! [`LiveServices`] is what the TUI driver runs its commands through: ingest, the org
//! snapshot over the Genesys client, pre-flight, and the engine. `onboard demo` and the
//! end-to-end test use it too.

use super::{ConnectArgs, Exit};
use crate::engine::queues::QueueTask;
use crate::engine::{self, EngineConfig};
use crate::genesys::{Client, SnapshotOptions};
use crate::model::Plan;
use crate::preflight::{self, CheckOptions};
use crate::tui::app::LoadFiles;
use crate::tui::app::Target;
use crate::tui::driver::{LoadInbox, RunControl, Services, StartedRun};
use crate::tui::estimate::AllowedRate;
use crate::tui::msg::{Loaded, QueuesLoaded};
use crate::tui::multi_org::MultiOrgRequest;
use crate::tui::org_check::{MultiPrepared, OrgChecked};
use crate::tui::terminal::{TuiOptions, run as run_terminal};
use futures::FutureExt;
use futures::future::LocalBoxFuture;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The hire list (CSV) to open; without it, pick one on the Load screen.
    pub file: Option<PathBuf>,
    /// A queue list (CSV, docs/contract.md §6) to open with the hire list, or alone; its
    /// queues run first, as with `apply --queues`.
    #[arg(long, value_name = "QUEUES.csv")]
    pub queues: Option<PathBuf>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How to reach one org offered on the Load screen.
#[derive(Clone)]
pub enum OrgSpec {
    /// Resolve these connection options when loading (profile, region, api-url, env).
    Connect(ConnectArgs),
    /// A ready client (the demo's simulator).
    Client {
        client: Client,
        opts: SnapshotOptions,
    },
}

/// The TUI's services over the real modules.
pub struct LiveServices {
    orgs: Vec<OrgSpec>,
    /// Journals live under `<data_dir>/journals` (one per hire-list content, as `apply`).
    data_dir: Option<PathBuf>,
    /// The org and journal of the list last loaded; runs go there.
    current: Arc<Mutex<Option<Current>>>,
    /// Queue creates per minute in runs (`apply --queue-rate`'s default).
    queue_rate: u32,
    /// The orgs by the names a Clone request uses.
    book: super::tui_orgs::OrgBook,
    /// The Clone prepared last (its orgs' runs start from it).
    clone: super::tui_orgs::SharedClone,
    /// Requests in flight at once per org in a Clone's runs (`clone --concurrency`).
    clone_concurrency: usize,
}

#[derive(Clone)]
struct Current {
    client: Client,
    /// The run's journal and lock for this (org, list), and the binding the journal checks.
    journal: Option<(PathBuf, PathBuf, engine::JournalBinding)>,
}

impl LiveServices {
    /// `data_dir`: where journals go (None: the configured data dir).
    pub fn new(orgs: Vec<OrgSpec>, data_dir: Option<PathBuf>) -> LiveServices {
        let data_dir =
            data_dir.or_else(|| crate::config::Paths::resolve().ok().map(|p| p.data_dir));
        let book = super::tui_orgs::OrgBook {
            orgs: orgs
                .iter()
                .enumerate()
                .map(|(i, spec)| {
                    let name = match spec {
                        OrgSpec::Connect(a) => a.profile.clone(),
                        OrgSpec::Client { .. } => None,
                    };
                    (
                        name.unwrap_or_else(|| format!("org{}", i + 1)),
                        spec.clone(),
                    )
                })
                .collect(),
        };
        LiveServices {
            orgs,
            data_dir,
            current: Arc::new(Mutex::new(None)),
            queue_rate: crate::tui::app::QUEUE_RATE,
            book,
            clone: Arc::new(Mutex::new(None)),
            clone_concurrency: 8,
        }
    }

    /// Requests in flight at once per org in a Clone's runs (1 makes a run's order of
    /// requests repeatable, for tests).
    pub fn with_clone_concurrency(mut self, n: usize) -> LiveServices {
        self.clone_concurrency = n.max(1);
        self
    }

    /// Name the orgs as the Load screen does (`tui::app::org_name` of each target, in the
    /// same order), so a Clone request's names find them.
    pub fn with_names(mut self, names: Vec<String>) -> LiveServices {
        for ((name, _), new) in self.book.orgs.iter_mut().zip(names) {
            *name = new;
        }
        self
    }

    /// The client runs use (after a load).
    pub fn client(&self) -> Option<Client> {
        self.current
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(|c| c.client.clone()))
    }
}

fn resolve(spec: &OrgSpec) -> Result<(Client, SnapshotOptions), String> {
    match spec {
        OrgSpec::Client { client, opts } => Ok((client.clone(), opts.clone())),
        OrgSpec::Connect(args) => {
            let conn = super::connect(args).map_err(|e| e.0)?;
            let opts = conn.snapshot_options();
            Ok((conn.client, opts))
        }
    }
}

/// Requests per second the whole token pool may make: the per-token limit (the org's limits
/// endpoint, else the last rate-limit headers; Genesys counts per minute) times the pool's
/// size, since further tokens are minted as the run needs them.
pub(super) async fn allowed_rate(client: &Client) -> Option<AllowedRate> {
    let (live, size) = client.tokens();
    let per_token = match client.token_rate_per_minute().await {
        Ok(Some(n)) => Some(f64::from(n)),
        _ => client
            .rate()
            .filter(|r| r.allowed > 0)
            .map(|r| f64::from(r.allowed) / live.max(1) as f64),
    };
    per_token.map(|n| AllowedRate {
        per_window: n,
        window_s: 60.0,
        tokens: size.max(1),
    })
}

/// The run journal and lock for this (org, list) under `data_dir`, and their binding.
fn journal_for(
    data_dir: Option<&std::path::Path>,
    snapshot: &crate::model::OrgSnapshot,
    bytes: &[u8],
) -> Option<(PathBuf, PathBuf, engine::JournalBinding)> {
    let d = data_dir?;
    let binding = engine::JournalBinding::for_list(snapshot, bytes)?;
    Some((
        engine::default_journal_path(d, &binding.org_id, bytes),
        engine::default_lock_path(d, &binding.org_id, bytes),
        binding,
    ))
}

impl Services for LiveServices {
    fn load(
        &self,
        files: LoadFiles,
        target: usize,
        inbox: LoadInbox,
        cancel: CancellationToken,
    ) -> LocalBoxFuture<'static, Result<Loaded, String>> {
        let spec = self.orgs.get(target).cloned();
        let current = self.current.clone();
        let data_dir = self.data_dir.clone();
        async move {
            let spec = spec.ok_or_else(|| {
                "no org to load against: pass --profile, --region or --api-url".to_string()
            })?;
            let lists = files.clone();
            let read = tokio::task::spawn_blocking(move || super::tui_load::read_lists(&lists))
                .await
                .map_err(|e| format!("reading {} failed: {e}", files.describe()))??;
            let (client, mut opts) = resolve(&spec)?;
            super::check::scope_snapshot(&mut opts, &read.hires, false);
            let mut extra_emails = Vec::new();
            if let Some(q) = &read.queues {
                super::check_queues::scope_for_queues(&mut opts, q);
                extra_emails = preflight::queues::member_emails(q);
            }
            let path = files.hires.clone().unwrap_or_default();
            let list = Arc::new(read.hires);
            let bytes = Arc::new(read.bytes);
            // Runs may start once the org is known (after Esc, the checked rows can run).
            let on_lists = {
                let (client, current, data_dir, bytes) = (
                    client.clone(),
                    current.clone(),
                    data_dir.clone(),
                    bytes.clone(),
                );
                move |lists: &crate::model::OrgSnapshot| {
                    let journal = journal_for(data_dir.as_deref(), lists, &bytes);
                    if let Ok(mut c) = current.lock() {
                        *c = Some(Current { client, journal });
                    }
                }
            };
            let load = super::tui_load::load_progressively(
                client.clone(),
                opts,
                super::tui_load::ListsToCheck {
                    path: path.clone(),
                    list: list.clone(),
                    extra_emails,
                },
                &inbox,
                allowed_rate(&client),
                on_lists,
            );
            let mut snapshot = tokio::select! {
                s = load => s?,
                _ = cancel.cancelled() => return Err("loading cancelled".into()),
            };
            let queues = match (read.queues, files.queues.clone()) {
                (Some(q), Some(qpath)) => {
                    let hires = read.has_hires.then_some(&*list);
                    let check = tokio::select! {
                        c = super::tui_load::check_queue_list(&client, q, hires, &snapshot) => c?,
                        _ = cancel.cancelled() => return Err("loading cancelled".into()),
                    };
                    // Hire rows may name queues this load's list creates (as `apply` does).
                    super::apply_queues::stand_in_new_queues(&mut snapshot, &check.check);
                    Some(QueuesLoaded {
                        path: qpath,
                        ..check
                    })
                }
                _ => None,
            };
            let list = Arc::unwrap_or_clone(list);
            let (list, snapshot, result) = tokio::task::spawn_blocking(move || {
                let result = preflight::check_all(&list, &snapshot, &CheckOptions::new());
                (list, snapshot, result)
            })
            .await
            .map_err(|e| format!("pre-flight failed: {e}"))?;
            let journal = journal_for(data_dir.as_deref(), &snapshot, &bytes);
            let allowed = allowed_rate(&client).await;
            if let Ok(mut c) = current.lock() {
                *c = Some(Current { client, journal });
            }
            Ok(Loaded {
                path,
                list,
                snapshot,
                result,
                allowed,
                queues,
            })
        }
        .boxed_local()
    }

    fn start_run(&self, plan: Plan, queues: Vec<QueueTask>) -> Result<StartedRun, String> {
        let cur = self
            .current
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(|| "load a list against an org first".to_string())?;
        let (journal, lock, binding) = cur.journal.ok_or_else(|| {
            "no data directory for the run journal, or the org did not say who it is: set ONBOARD_DATA_DIR and reload".to_string()
        })?;
        let mut cfg = EngineConfig::new(journal, binding);
        cfg.lock_path = Some(lock);
        let queue_run = engine::QueueRun {
            settings: engine::queues::QueueRunSettings {
                creates_per_min: self.queue_rate,
                concurrency: cfg.concurrency,
            },
            tasks: queues,
        };
        let handle = engine::start_with_queues(cur.client, plan, queue_run, cfg)
            .map_err(|e| e.to_string())?;
        Ok(StartedRun {
            events: handle.events,
            control: Box::new(EngineControl(handle.control)),
        })
    }

    fn drift(
        &self,
        request: crate::tui::multi_org::MultiOrgRequest,
    ) -> LocalBoxFuture<'static, Result<crate::tui::app::DriftLoaded, String>> {
        super::drift_tui::run_drift(request, self.book.clone()).boxed_local()
    }

    fn fix_drift(
        &self,
        request: crate::tui::multi_org::MultiOrgRequest,
        pairs: Vec<(String, String)>,
    ) -> LocalBoxFuture<'static, Result<crate::tui::app::DriftFixed, String>> {
        super::drift_tui::fix_drift(request, pairs, self.book.clone()).boxed_local()
    }

    fn prepare_orgs(
        &self,
        request: MultiOrgRequest,
        inbox: LoadInbox,
    ) -> LocalBoxFuture<'static, Result<MultiPrepared, String>> {
        super::tui_orgs::prepare(self.book.clone(), self.clone.clone(), request, inbox)
            .boxed_local()
    }

    fn recheck_org(
        &self,
        org: String,
        map: Option<PathBuf>,
        create: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<OrgChecked, String>> {
        super::tui_orgs::recheck(self.book.clone(), self.clone.clone(), org, map, create)
            .boxed_local()
    }

    fn start_org_rows(&self, org: String, rows: Vec<usize>) -> Result<StartedRun, String> {
        let h = super::tui_orgs::start_rows(
            &self.clone,
            &org,
            &rows,
            self.data_dir.as_deref(),
            self.clone_concurrency,
        )?;
        Ok(StartedRun {
            events: h.events,
            control: Box::new(EngineControl(h.control)),
        })
    }

    fn start_orgs(&self, orgs: Vec<String>) -> Result<Vec<(String, StartedRun)>, String> {
        let started = super::tui_orgs::start(
            &self.clone,
            &orgs,
            self.data_dir.as_deref(),
            self.clone_concurrency,
        )?;
        Ok(started
            .into_iter()
            .map(|(org, h)| {
                let run = StartedRun {
                    events: h.events,
                    control: Box::new(EngineControl(h.control)),
                };
                (org, run)
            })
            .collect())
    }
}

/// The engine's run control, as the driver sees it.
struct EngineControl(engine::RunControl);

impl RunControl for EngineControl {
    fn pause(&self) {
        self.0.pause();
    }
    fn resume(&self) {
        self.0.resume();
    }
    fn cancel(&self) {
        self.0.cancel();
    }
}

/// Orgs offered on the Load screen: the one the options name (if they resolve), then every
/// other saved profile.
fn targets(args: &ConnectArgs) -> Result<(Vec<Target>, Vec<OrgSpec>), String> {
    let mut labels = Vec::new();
    let mut specs = Vec::new();
    let given = super::connect(args);
    let given_profile = match &given {
        Ok(conn) => {
            let label = match &conn.profile {
                Some((name, _)) => format!("profile {name} ({})", conn.target),
                None => conn.target.clone(),
            };
            // The header names the place as the admin gave it: the region, else the URL.
            let place = args
                .region
                .clone()
                .or_else(|| args.api_url.clone())
                .or_else(|| conn.profile.as_ref().map(|(_, p)| p.target()))
                .unwrap_or_else(|| conn.target.clone());
            labels.push(Target {
                label,
                place,
                profile: conn.profile.as_ref().map(|(n, _)| n.clone()),
                simulated: false,
            });
            specs.push(OrgSpec::Connect(args.clone()));
            conn.profile.as_ref().map(|(n, _)| n.clone())
        }
        Err(_) => None,
    };
    if let Ok(paths) = crate::config::Paths::resolve()
        && let Ok(profiles) = crate::config::Profiles::load(&paths)
    {
        for (name, p) in &profiles.profiles {
            if Some(name) == given_profile.as_ref() {
                continue;
            }
            labels.push(Target {
                label: format!("profile {name} ({})", p.target()),
                place: p.target(),
                profile: Some(name.clone()),
                simulated: false,
            });
            specs.push(OrgSpec::Connect(ConnectArgs {
                profile: Some(name.clone()),
                region: None,
                api_url: None,
                tokens: args.tokens,
            }));
        }
    }
    match given {
        Err(e) if specs.is_empty() => Err(e.0),
        _ => Ok((labels, specs)),
    }
}

pub async fn run(args: Args) -> Exit {
    if !have_terminal() {
        return Exit::CannotRun;
    }
    let (labels, specs) = match targets(&args.connect) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("onboard: {e}");
            return Exit::CannotRun;
        }
    };
    let names = labels.iter().map(crate::tui::app::org_name).collect();
    let opts = TuiOptions {
        file: args.file,
        queues: args.queues,
        targets: labels,
        services: Arc::new(LiveServices::new(specs, None).with_names(names)),
        drift: None,
    };
    open(opts).await
}

/// Whether stdin and stdout are a terminal; says why not on stderr.
pub fn have_terminal() -> bool {
    use std::io::IsTerminal;
    let ok = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !ok {
        eprintln!(
            "onboard: the interactive screen needs a terminal; for scripts use `onboard check FILE` or `onboard apply FILE`"
        );
    }
    ok
}

/// Open the TUI on the terminal (refusing when stdin/stdout is not one).
pub async fn open(opts: TuiOptions) -> Exit {
    if !have_terminal() {
        return Exit::CannotRun;
    }
    match run_terminal(opts).await {
        Ok(false) => Exit::Ok,
        // Stopped from outside (SIGTERM, SIGHUP, SIGINT): like a stopped run, not a success.
        Ok(true) => Exit::Findings,
        Err(e) => {
            eprintln!("onboard: the terminal failed: {e}");
            Exit::CannotRun
        }
    }
}
