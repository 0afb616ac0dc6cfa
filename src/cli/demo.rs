//! `onboard demo [HIRES.csv]`: start the built-in simulated org on loopback (with mild
//! faults, so retries and the Failures screen have something to show) and open the TUI on
//! the demo list against it.

use super::Exit;
use super::tui::{LiveServices, OrgSpec, open};
use crate::genesys::{self, Client, ClientConfig, Secret, SnapshotOptions};
use crate::sim::{FaultSpec, RateLimit, SimConfig};
use crate::tui::app::Target;
use crate::tui::terminal::TuiOptions;
use std::path::PathBuf;
use std::sync::Arc;

/// The demo list shipped with onboard.
pub const DEMO_LIST: &str = "assets/demo/hires.csv";
/// Mild faults: 2% of requests answer 5xx, a little latency; seeded so demos repeat.
pub const DEMO_FAULTS: &str = "error_rate=0.02,latency_ms=5-40,seed=7";
/// The demo org's rate limit: 4× Genesys's default 300/min, so the demo list runs in well
/// under a minute while the Run screen still shows pacing against an allowed rate.
pub const DEMO_RATE_LIMIT: &str = "1200/60";

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The hire list to open (default: the demo list, assets/demo/hires.csv).
    pub file: Option<PathBuf>,
    /// A queue list to open with the hire list (see `onboard tui --queues`).
    #[arg(long, value_name = "QUEUES.csv")]
    pub queues: Option<PathBuf>,
    /// Faults to inject (see `onboard sim --help`); `none` turns them off.
    #[arg(long, default_value = DEMO_FAULTS)]
    pub faults: String,
    /// The simulated org's rate limit per token, N/SECONDS (`off` for none).
    #[arg(long, default_value = DEMO_RATE_LIMIT)]
    pub rate_limit: String,
    /// Tokens in the client's pool (1–50), as for `check`/`apply`: each token has its own
    /// rate limit, so the combined allowed rate is N × the per-token limit.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub tokens: u16,
}

/// A running demo org and a client for it (the demo OAuth client of the seed).
pub struct DemoOrg {
    pub sim: crate::sim::SimHandle,
    pub client: Client,
}

/// Start the simulated demo org with `faults` and `rate_limit` (`N/SECONDS`, `off`) and
/// make a client for it with a pool of `tokens` tokens.
pub async fn start_demo_org(
    faults: &str,
    rate_limit: &str,
    tokens: usize,
) -> Result<DemoOrg, String> {
    start_sim_org(SimConfig::demo().seed, faults, rate_limit, tokens).await
}

/// The demo's sibling org (`assets/demo/sibling.json`: the same names with fresh ids and
/// planted differences), for trying Clone with no setup.
pub async fn start_sibling_org(
    faults: &str,
    rate_limit: &str,
    tokens: usize,
) -> Result<DemoOrg, String> {
    let seed = crate::sim::Seed::from_json(SIBLING_SEED)
        .map_err(|e| format!("the sibling org's seed: {e}"))?;
    start_sim_org(seed, faults, rate_limit, tokens).await
}

/// The sibling org's seed, built in (the binary may run far from its checkout).
const SIBLING_SEED: &str = include_str!("../../assets/demo/sibling.json");

/// The names the demo's orgs go by on the Load screen and in a Clone request.
pub const DEMO_NAME: &str = "demo";
pub const SIBLING_NAME: &str = "sibling";

/// Start a simulated org of `seed` with `faults` and `rate_limit`, and a client for it
/// (the seed's first OAuth client).
async fn start_sim_org(
    seed: crate::sim::Seed,
    faults: &str,
    rate_limit: &str,
    tokens: usize,
) -> Result<DemoOrg, String> {
    let faults = FaultSpec::parse(faults).map_err(|e| format!("--faults: {e}"))?;
    let rate_limit = RateLimit::parse(rate_limit).map_err(|e| format!("--rate-limit: {e}"))?;
    let cfg = SimConfig {
        seed,
        faults,
        rate_limit,
        ..SimConfig::demo()
    };
    let (id, secret) = cfg
        .seed
        .oauth_clients
        .first()
        .map(|c| (c.client_id.clone(), c.client_secret.clone()))
        .ok_or_else(|| "the demo org has no OAuth client".to_string())?;
    let sim = crate::sim::start(cfg)
        .await
        .map_err(|e| format!("cannot start the simulated org: {e}"))?;
    let ep = genesys::url_endpoints(&sim.url()).map_err(|e| e.message)?;
    let mut cfg = ClientConfig::new(ep.api_base, ep.login_base, id, Secret::new(secret));
    cfg.tokens = tokens.clamp(1, genesys::pool::MAX_TOKENS);
    let client = Client::new(cfg).map_err(|e| e.message)?;
    Ok(DemoOrg { sim, client })
}

/// The demo list: the given file, else `assets/demo/hires.csv` (beside the working
/// directory or the crate).
pub fn demo_list(file: Option<PathBuf>) -> PathBuf {
    if let Some(f) = file {
        return f;
    }
    let local = PathBuf::from(DEMO_LIST);
    if local.exists() {
        return local;
    }
    let beside_crate = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DEMO_LIST);
    if beside_crate.exists() {
        return beside_crate;
    }
    // A binary run far from its checkout: use the copy built into it.
    let copy = std::env::temp_dir().join("onboard-demo-hires.csv");
    match std::fs::write(&copy, EMBEDDED_DEMO_LIST) {
        Ok(()) => copy,
        Err(_) => local,
    }
}

/// The demo list as shipped, for binaries run away from the source tree.
const EMBEDDED_DEMO_LIST: &str = include_str!("../../assets/demo/hires.csv");

pub async fn run(args: Args) -> Exit {
    if !super::tui::have_terminal() {
        return Exit::CannotRun;
    }
    let demo = match start_demo_org(&args.faults, &args.rate_limit, usize::from(args.tokens)).await
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("onboard: {e}");
            return Exit::CannotRun;
        }
    };
    let sibling =
        match start_sibling_org(&args.faults, &args.rate_limit, usize::from(args.tokens)).await {
            Ok(d) => d,
            Err(e) => {
                eprintln!("onboard: {e}");
                demo.sim.shutdown().await;
                return Exit::CannotRun;
            }
        };
    let list = demo_list(args.file);
    // The simulated org starts fresh each time, so its journals must too: keep them in a
    // directory of this demo session only (a journal from an earlier demo would mark rows
    // done that this org has never seen).
    let journals = std::env::temp_dir().join(format!("onboard-demo-{}", std::process::id()));
    let (targets, services) = demo_orgs(&demo, &sibling, journals.clone());
    let opts = TuiOptions {
        file: Some(list),
        queues: args.queues,
        targets,
        services: Arc::new(services),
        drift: None,
    };
    let code = open(opts).await;
    demo.sim.shutdown().await;
    sibling.sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&journals);
    code
}

/// The demo's two orgs as the Load screen offers them (the demo org first: hire lists load
/// there) and the services over them, named `demo` and `sibling` for Clone.
pub fn demo_orgs(
    demo: &DemoOrg,
    sibling: &DemoOrg,
    journals: PathBuf,
) -> (Vec<Target>, LiveServices) {
    let orgs = [
        (DEMO_NAME, "demo org Acme Support", demo),
        (
            SIBLING_NAME,
            "sibling org Acme Support (sibling eu)",
            sibling,
        ),
    ];
    let targets = orgs
        .iter()
        .map(|(name, label, org)| Target {
            label: format!("{label} (simulated at {})", org.sim.url()),
            place: org.sim.url(),
            profile: Some(name.to_string()),
            simulated: true,
        })
        .collect();
    let specs = orgs
        .iter()
        .map(|(_, _, org)| OrgSpec::Client {
            client: org.client.clone(),
            opts: SnapshotOptions::default(),
        })
        .collect();
    let names = orgs.iter().map(|(n, _, _)| n.to_string()).collect();
    let services = LiveServices::new(specs, Some(journals)).with_names(names);
    (targets, services)
}
