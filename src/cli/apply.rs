//! `onboard apply HIRES.csv`: pre-flight, plan and confirmation, provisioning with a live
//! progress line, the report (docs/contract.md §3) and a CSV of the failed rows.

use super::apply_steps as steps;
use super::{ConnectArgs, Exit};
use crate::engine::{self, EngineConfig, JournalBinding, Replace};
use crate::model::sanitize;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The hire list (CSV, docs/contract.md §2); optional when --queues is given.
    #[arg(required_unless_present = "queues")]
    pub file: Option<PathBuf>,
    /// A queue list (CSV, docs/contract.md §6): its queues are created or updated first, and
    /// hire rows that name one of them join it once it exists.
    #[arg(long, value_name = "FILE")]
    pub queues: Option<PathBuf>,
    /// A personas file: the rows' `persona` cells are resolved from it (README "Personas").
    #[arg(long, value_name = "PERSONAS.csv")]
    pub personas: Option<PathBuf>,
    /// Create what the org lacks instead of refusing the row: `wrapup_codes`.
    #[arg(long, value_name = "KINDS")]
    pub create_missing: Option<String>,
    /// Pace queue creates: at most N a minute (default 60/min).
    #[arg(long, value_name = "N/MIN", default_value = "60/min")]
    pub queue_rate: String,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output format of the report on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// The journal file (default: one per hire-list content in the data directory).
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// Also write the JSON report here (a CSV of failed rows goes beside it).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Retry just the rows that failed last time (from the journal).
    #[arg(long)]
    pub only_failed: bool,
    /// Requests in flight at once (the org's rate limit paces them).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Provision the valid rows and skip rows with errors (without it, any error aborts
    /// before the first write).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Make groups authoritative: remove what the list does not name
    /// (roles,skills,languages,queues or all; for a queue list, wrapup_codes). Default: merge,
    /// never remove.
    #[arg(long, value_name = "GROUPS")]
    pub replace: Option<String>,
    /// Generate temporary passwords for created users and write them only to this file
    /// (mode 0600). Default: no password (Genesys's welcome invite or SSO).
    #[arg(long, value_name = "FILE")]
    pub passwords: Option<PathBuf>,
    /// Send the activation invite (POST /users/{id}/invite) to each created user.
    #[arg(long)]
    pub invite: bool,
}

pub async fn run(args: ApplyArgs) -> Exit {
    match run_inner(args).await {
        Ok(exit) => exit,
        Err(msg) => {
            eprintln!("onboard apply: {}", sanitize(&msg));
            Exit::CannotRun
        }
    }
}

/// The whole apply, phase by phase; each phase is a function of `apply_steps`.
async fn run_inner(args: ApplyArgs) -> Result<Exit, String> {
    let (user_groups, replace_wrapups) = split_replace(args.replace.as_deref().unwrap_or(""))?;
    let replace = Replace::parse(&user_groups)?;
    let create_missing_wrapups = parse_create_missing(args.create_missing.as_deref())?;
    let creates_per_min = parse_queue_rate(&args.queue_rate)?;
    let inputs = steps::Inputs::read(&args)?;
    let conn = super::connect(&args.connect).map_err(|e| e.to_string())?;
    let client = conn.client.clone();
    client
        .verify()
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", conn.target))?;

    let mut snapshot = inputs.load_org(&conn, replace).await?;
    let binding = JournalBinding::for_list(&snapshot, &inputs.bytes).ok_or_else(|| {
        "the org did not say who it is (GET /api/v2/organizations/me); check the client's permissions".to_string()
    })?;
    eprintln!(
        "Org: {} ({}) at {}",
        sanitize(&binding.org_name),
        sanitize(&binding.org_id),
        conn.target
    );
    let queue_opts = crate::preflight::queues::QueueCheckOptions {
        create_missing_wrapup_codes: create_missing_wrapups,
        replace_wrapup_codes: replace_wrapups,
    };
    let queue_check = inputs
        .check_queue_list(&client, &snapshot, &queue_opts)
        .await?;
    if let Some(qc) = &queue_check {
        super::apply_queues::stand_in_new_queues(&mut snapshot, qc);
    }
    let data_dir = crate::config::Paths::resolve().map_err(|e| e.0)?.data_dir;
    let org_id = binding.org_id.clone();
    let journal_path = match &args.journal {
        Some(p) => p.clone(),
        None => engine::default_journal_path(&data_dir, &org_id, &inputs.bytes),
    };
    check_outputs(&args, &journal_path)?;
    let checked = inputs.check_hires(&snapshot);
    let queue_tasks = queue_check
        .as_ref()
        .map(engine::queues::tasks)
        .unwrap_or_default();
    let Some(selection) =
        steps::Selection::choose(&args, journal_path, &binding, &checked, queue_tasks)?
    else {
        return Ok(Exit::Ok);
    };
    let errors = steps::blocking_errors(&inputs, &checked, queue_check.as_ref(), &selection);
    if !errors.is_empty() && !args.skip_invalid {
        steps::print_blocking_errors(&errors);
        return Ok(Exit::Findings);
    }
    let mut plan = selection.plan(&checked);
    engine::plan_removals(&mut plan, replace, &snapshot);
    steps::print_plan(
        &inputs,
        &plan,
        &selection.queue_tasks,
        replace,
        creates_per_min,
    );
    let writes = plan.rows.iter().any(|r| r.action.writes())
        || super::apply_queues::writes(&selection.queue_tasks);
    if writes && !steps::confirmed(args.yes)? {
        eprintln!("onboard apply: cancelled; nothing was written");
        return Ok(Exit::Ok);
    }

    let journal_path = selection.journal_path.clone();
    let mut cfg = EngineConfig::new(journal_path.clone(), binding);
    cfg.lock_path = Some(engine::default_lock_path(&data_dir, &org_id, &inputs.bytes));
    cfg.concurrency = args.concurrency.max(1);
    cfg.replace = replace;
    cfg.passwords_file = args.passwords.clone();
    cfg.invite = args.invite;
    let queue_run = engine::QueueRun {
        tasks: selection.queue_tasks,
        settings: engine::queues::QueueRunSettings {
            creates_per_min,
            concurrency: cfg.concurrency,
        },
    };
    let pool = client.clone();
    let handle =
        engine::start_with_queues(client, plan, queue_run, cfg).map_err(|e| e.to_string())?;
    let (mut report, cancelled) = steps::watch(handle, &pool).await?;
    if args.queues.is_some() {
        // The report states the pace used (the spec's B.6: the real threshold is unverified).
        report.queue_rate_per_min = Some(creates_per_min);
    }
    steps::write_outputs(&args, &inputs, &report, &journal_path)?;
    if cancelled {
        eprintln!(
            "onboard apply: stopped before the end; run the same command again to resume (journal {})",
            journal_path.display()
        );
    }
    Ok(if report.summary.failed > 0 || cancelled {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// Refuses outputs that would overwrite the hire list or each other.
fn check_outputs(args: &ApplyArgs, journal: &std::path::Path) -> Result<(), String> {
    let mut files: Vec<(&str, &std::path::Path)> = Vec::new();
    if let Some(f) = &args.file {
        files.push(("the hire list", f));
    }
    if let Some(q) = &args.queues {
        files.push(("the queue list", q));
    }
    if let Some(p) = &args.passwords {
        files.push(("--passwords", p));
    }
    let failed_csv = args.report.as_ref().map(|p| p.with_extension("failed.csv"));
    if let Some(p) = &args.report {
        files.push(("--report", p));
    }
    if let Some(p) = &failed_csv {
        files.push(("the failed-rows CSV beside --report", p));
    }
    files.push(("the journal", journal));
    crate::config::outputs::check_distinct(&files)
}

/// Splits `--replace`: the queue list's `wrapup_codes` from the hire list's groups.
fn split_replace(s: &str) -> Result<(String, bool), String> {
    let mut users = Vec::new();
    let mut wrapups = false;
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.to_ascii_lowercase().as_str() {
            "wrapup_codes" => wrapups = true,
            "members" | "member_groups" => {
                return Err(format!(
                    "--replace {part} is not supported yet; queue members and member groups are merged"
                ));
            }
            _ => users.push(part),
        }
    }
    Ok((users.join(","), wrapups))
}

/// `--create-missing`: only `wrapup_codes` so far.
fn parse_create_missing(s: Option<&str>) -> Result<bool, String> {
    let mut wrapups = false;
    for part in s
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.to_ascii_lowercase().as_str() {
            "wrapup_codes" => wrapups = true,
            other => {
                return Err(format!(
                    "unknown --create-missing kind '{other}'; use wrapup_codes"
                ));
            }
        }
    }
    Ok(wrapups)
}

/// `--queue-rate N/MIN` (or a plain N): queue creates per minute, 1–6000.
fn parse_queue_rate(s: &str) -> Result<u32, String> {
    let n = s.trim().to_ascii_lowercase();
    let n = n.strip_suffix("/min").unwrap_or(&n);
    match n.trim().parse::<u32>() {
        Ok(v) if (1..=6000).contains(&v) => Ok(v),
        _ => Err(format!(
            "--queue-rate '{s}' is not a rate; give creates per minute, e.g. 60/min (1–6000)"
        )),
    }
}
