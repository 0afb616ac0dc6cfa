//! `onboard sim`: run the simulated org as a standalone HTTP server (docs/contract.md §1).

use super::Exit;
use crate::sim::{FaultSpec, RateLimit, Seed, SimConfig};
use clap::Args as ClapArgs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// Address to listen on (HOST:PORT; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Org seed file (docs/contract.md §4); default: the built-in demo org "Acme Support".
    /// `--seed` is an alias (e.g. `--seed assets/demo/sibling.json`, a sibling org).
    #[arg(long, alias = "seed", value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Rate limit per token, fixed window: N/SECONDS, or `off`.
    #[arg(long, value_name = "N/SECONDS", default_value = "300/60")]
    pub rate_limit: String,
    /// Injected faults, e.g. error_rate=0.05,drop_after_commit=0.02,latency_ms=5-20,seed=7.
    #[arg(long, value_name = "SPEC", default_value = "")]
    pub faults: String,
    /// Load the org state from FILE if present and save it on every change.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Tokens one OAuth client may mint per window: N/SECONDS (429 with Retry-After on
    /// /oauth/token beyond it), or `off` (the default).
    #[arg(long, value_name = "N/SECONDS", default_value = "off")]
    pub token_rate: String,
}

pub async fn run(args: Args) -> Exit {
    match serve(args).await {
        Ok(()) => Exit::Ok,
        Err(e) => {
            eprintln!("onboard sim: {e}");
            Exit::CannotRun
        }
    }
}

async fn serve(args: Args) -> Result<(), crate::sim::SimError> {
    let seed = match &args.org {
        Some(p) => Seed::from_file(p)?,
        None => Seed::demo(),
    };
    let cfg = SimConfig {
        seed,
        addr: args.addr,
        rate_limit: RateLimit::parse(&args.rate_limit)?,
        faults: FaultSpec::parse(&args.faults)?,
        state_file: args.state,
        token_rate: RateLimit::parse(&args.token_rate)?,
    };
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "onboard sim: warning: listening on {}, which other machines can reach; the simulator has no real security (its client secret is in the seed). Use 127.0.0.1 unless you mean it",
            args.addr
        );
    }
    let handle = crate::sim::start(cfg).await?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", handle.url());
        let _ = out.flush();
    }
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    Ok(())
}
