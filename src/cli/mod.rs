//! The command line (docs/contract.md §1): clap definitions and dispatch. Each command lives in
//! its own file with an `Args` struct and a `run` function returning an [`Exit`].

use clap::{Args, Parser, Subcommand};

pub mod apply;
pub mod apply_queues;
mod apply_steps;
pub mod check;
pub mod check_queues;
pub mod clone;
pub mod connect;
pub mod drift;
pub mod drift_tui;
pub mod export;
pub mod hires;
pub mod login;
mod multi_org;
pub mod persona;
pub mod profiles;
pub mod progress;

pub use connect::{ConnectEnv, ConnectError, Connection, connect, connect_verified, connect_with};
use std::process::ExitCode;

pub mod demo;
pub mod sim;
pub mod tui;
mod tui_load;
mod tui_orgs;

/// Writes command output to stdout. A closed pipe (`onboard check … | head`) is not an
/// error worth a panic: the reader has what it wanted.
pub fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Exit codes shared by every command (docs/contract.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done and nothing failed.
    Ok = 0,
    /// Done, but error findings (check) or failed rows (apply).
    Findings = 1,
    /// Could not run: bad arguments, unreadable file, authentication failed, org unreachable.
    CannotRun = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "onboard",
    version,
    about = "Provision Genesys Cloud users in bulk from a hire list"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `onboard [HIRES.csv]` opens the interactive TUI (same as `onboard tui`).
    #[command(flatten)]
    pub tui: tui::Args,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive TUI (also what `onboard [HIRES.csv]` does).
    Tui(tui::Args),
    /// Start the built-in simulated org and open the TUI on the demo list against it.
    Demo(demo::Args),
    /// Run the simulated Genesys Cloud org as a standalone HTTP server on loopback.
    Sim(sim::Args),
    /// Store an org's OAuth client: verify it, keep the secret in the OS keyring.
    Login(login::Args),
    /// List saved profiles, or remove one with --remove NAME.
    Profiles(profiles::Args),
    /// Provision the hire list: pre-flight, plan, confirm, run, report.
    Apply(apply::ApplyArgs),
    /// Pre-flight a hire list against the org (no writes): findings and the plan.
    Check(check::Args),
    /// Personas: capture a reference user as one, or check a personas file against the org.
    Persona(persona::Args),
    /// Copy a reference user's configuration (roles with division scopes, skills, languages,
    /// queues) to users in other orgs, by names.
    #[command(alias = "replicate")]
    Clone(clone::Args),
    /// Which users no longer look like the reference, per org, per user, per item
    /// (read-only; exit 1 on drift); --fix reconciles.
    Drift(drift::Args),
    /// Write an org's users as a hire list, by names (read-only).
    Export(export::Args),
}

/// Connection options, on every command that talks to an org (docs/contract.md §1).
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectArgs {
    /// A saved profile (region + client id; the secret is in the OS keyring).
    #[arg(long)]
    pub profile: Option<String>,
    /// Genesys Cloud region domain, e.g. mypurecloud.ie (API at https://api.DOMAIN).
    #[arg(long)]
    pub region: Option<String>,
    /// Explicit base URL, e.g. the simulator's http://127.0.0.1:PORT.
    #[arg(long)]
    pub api_url: Option<String>,
    /// Access tokens of the client to spread the work over, 1–50 (default 10, or the
    /// profile's `tokens`): the org's rate limit is per token, so N tokens give N budgets.
    /// Further tokens are minted only when the live ones are out of budget.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=50))]
    pub tokens: Option<u16>,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::CannotRun
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("onboard: cannot start the async runtime: {e}");
            return Exit::CannotRun.into();
        }
    };
    runtime.block_on(dispatch(cli)).into()
}

async fn dispatch(cli: Cli) -> Exit {
    match cli.command {
        None => tui::run(cli.tui).await,
        Some(Command::Tui(a)) => tui::run(a).await,
        Some(Command::Demo(a)) => demo::run(a).await,
        Some(Command::Sim(args)) => sim::run(args).await,
        Some(Command::Login(a)) => login::run(a).await,
        Some(Command::Profiles(a)) => profiles::run(a).await,
        Some(Command::Apply(a)) => apply::run(a).await,
        Some(Command::Check(args)) => check::run(args).await,
        Some(Command::Persona(a)) => persona::run(a).await,
        Some(Command::Export(a)) => export::run(a).await,
        Some(Command::Clone(a)) => clone::run(a).await,
        Some(Command::Drift(a)) => drift::run(a).await,
    }
}
