//! `onboard apply HIRES.csv`: pre-flight, plan and confirmation, provisioning with a live
//! progress line, the report (docs/contract.md §3) and a CSV of the failed rows.

use super::{ConnectArgs, Exit};
use crate::engine::{self, EngineConfig, Journal, JournalBinding, Replace};
use crate::model::{EngineEvent, Outcome, PlanAction, Report, Severity, sanitize};
use clap::{Args, ValueEnum};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The hire list (CSV, docs/contract.md §2).
    pub file: PathBuf,
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
    /// (roles,skills,languages,queues or all). Default: merge, never remove.
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

async fn run_inner(args: ApplyArgs) -> Result<Exit, String> {
    let replace = match &args.replace {
        Some(s) => Replace::parse(s)?,
        None => Replace::default(),
    };
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let list = crate::ingest::read_bytes(&name, &bytes).map_err(|e| e.to_string())?;
    for note in crate::ingest::notes(&list) {
        eprintln!("note: {}", sanitize(&note));
    }
    let conn = super::connect(&args.connect).map_err(|e| e.to_string())?;
    let client = conn.client.clone();
    client
        .verify()
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", conn.target))?;

    let progress_tty = std::io::stderr().is_terminal();
    let (emails, external_ids) = crate::preflight::users_to_look_up(&list);
    super::check::warn_if_slow_load(&client, &emails, &external_ids, "apply").await;
    let snapshot = crate::genesys::snapshot::load_snapshot(
        &client,
        &emails,
        &external_ids,
        &{
            let mut opts = conn.snapshot_options();
            super::check::scope_snapshot(&mut opts, &list, replace.queues);
            opts
        },
        |_| {},
    )
    .await
    .map_err(|e| format!("cannot load the org: {e}"))?;
    let binding = JournalBinding::for_list(&snapshot, &bytes).ok_or_else(|| {
        "the org did not say who it is (GET /api/v2/organizations/me); check the client's permissions".to_string()
    })?;
    eprintln!(
        "Org: {} ({}) at {}",
        sanitize(&binding.org_name),
        sanitize(&binding.org_id),
        conn.target
    );
    let data_dir = crate::config::Paths::resolve().map_err(|e| e.0)?.data_dir;
    let org_id = binding.org_id.clone();
    let mut journal_path = match &args.journal {
        Some(p) => p.clone(),
        None => engine::default_journal_path(&data_dir, &org_id, &bytes),
    };
    check_outputs(&args, &journal_path)?;
    // `--only-failed`: the failures recorded for this list in this org. When the list was
    // edited since (to fix a failed row), its content — and so its journal — changed: then
    // the newest journal of this org that recorded failures for rows of this list is used.
    let candidates: Vec<std::path::PathBuf> = if args.only_failed {
        if args.journal.is_some() || journal_path.exists() {
            vec![journal_path.clone()]
        } else {
            journals_newest_first(&journal_path)
        }
    } else {
        Vec::new()
    };
    let opts = crate::preflight::CheckOptions::new();
    let checked = crate::preflight::check_all(&list, &snapshot, &opts);
    let only_rows: Option<BTreeSet<usize>> = if args.only_failed {
        let mut found = None;
        for path in &candidates {
            let Some(journal) = Journal::read(path, &binding).map_err(|e| e.to_string())? else {
                continue;
            };
            let failed = journal.failed_identities();
            let rows: BTreeSet<usize> = checked
                .plan
                .rows
                .iter()
                .filter(|r| failed.contains(r.identity.as_str()))
                .map(|r| r.row)
                .collect();
            if !rows.is_empty() {
                found = Some((path.clone(), rows));
                break;
            }
        }
        match found {
            Some((path, rows)) => {
                if path != journal_path {
                    eprintln!(
                        "onboard apply: retrying the rows that failed in {} (this list changed since)",
                        path.display()
                    );
                    journal_path = path;
                }
                Some(rows)
            }
            None => {
                eprintln!(
                    "onboard apply: no failed rows of this list are recorded in {}; nothing to retry",
                    journal_path.display()
                );
                return Ok(Exit::Ok);
            }
        }
    } else {
        None
    };
    let errors: Vec<_> = checked
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| {
            only_rows
                .as_ref()
                .is_none_or(|o| f.row.is_some_and(|r| o.contains(&r)))
        })
        .collect();
    if !errors.is_empty() && !args.skip_invalid {
        eprintln!(
            "onboard apply: {} error finding(s); nothing was written. Fix them (see `onboard check {}`) or pass --skip-invalid to provision the valid rows only.",
            errors.len(),
            args.file.display()
        );
        for f in errors.iter().take(20) {
            eprintln!(
                "  row {} (line {}) {}: {}",
                f.row.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                f.line.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                f.code.as_str(),
                sanitize(&f.message)
            );
        }
        if errors.len() > 20 {
            eprintln!("  … and {} more", errors.len() - 20);
        }
        return Ok(Exit::Findings);
    }
    let mut plan = checked.plan.clone();
    if let Some(o) = &only_rows {
        plan.rows.retain(|r| o.contains(&r.row));
    }

    let estimate = engine::estimate_requests(&plan.rows, replace);
    let summary = format!(
        "Plan for {}: {} create, {} update, {} restore, {} reactivate, {} deactivate, {} unchanged, {} skipped — about {} API requests",
        name,
        plan.count(PlanAction::Create),
        plan.count(PlanAction::Update),
        plan.count(PlanAction::Restore),
        plan.count(PlanAction::Reactivate),
        plan.count(PlanAction::Deactivate),
        plan.count(PlanAction::Unchanged),
        plan.count(PlanAction::Skipped) + plan.count(PlanAction::Blocked),
        estimate
    );
    eprintln!("{summary}");
    let writes = plan.rows.iter().any(|r| r.action.writes());
    if writes && !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                "refusing to write to the org without confirmation: pass --yes for unattended runs"
                    .into(),
            );
        }
        eprint!("Proceed? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| format!("cannot read the answer: {e}"))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
            eprintln!("onboard apply: cancelled; nothing was written");
            return Ok(Exit::Ok);
        }
    }

    let mut cfg = EngineConfig::new(journal_path.clone(), binding);
    cfg.lock_path = Some(engine::default_lock_path(&data_dir, &org_id, &bytes));
    cfg.concurrency = args.concurrency.max(1);
    cfg.replace = replace;
    cfg.passwords_file = args.passwords.clone();
    cfg.invite = args.invite;
    let pool = client.clone();
    let mut handle = engine::start(client, plan, cfg).map_err(|e| e.to_string())?;
    let control = handle.control.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\nonboard apply: stopping — in-flight steps finish, the journal stays intact; run the same command again to resume"
            );
            control.cancel();
        }
    });

    let mut done_rows = 0usize;
    let mut total_rows = 0usize;
    let mut failed_rows = 0usize;
    let mut last_rate = String::new();
    let mut finished: Option<(Report, bool)> = None;
    while let Some(ev) = handle.events.recv().await {
        match ev {
            EngineEvent::Started { rows, .. } => total_rows = rows,
            EngineEvent::RowDone { report } => {
                done_rows += 1;
                if report.outcome == Outcome::Failed {
                    failed_rows += 1;
                }
                if !progress_tty {
                    eprintln!(
                        "row {} {}: {}",
                        report.row,
                        sanitize(&report.email),
                        report.outcome.as_str()
                    );
                }
            }
            EngineEvent::Rate {
                requests_per_s,
                allowed_per_s,
                eta_s,
                stats,
                tokens: _,
            } => {
                let (live, size) = pool.tokens();
                last_rate = format!(
                    "{:.1} req/s{} | {live}/{size} tokens | {} requests, {} throttled, {} retries{}",
                    requests_per_s,
                    allowed_per_s
                        .map(|a| format!(" of {a:.1} allowed"))
                        .unwrap_or_default(),
                    stats.requests,
                    stats.throttled,
                    stats.retries,
                    eta_s
                        .map(|e| format!(" | ETA {}", crate::report::human_duration(e)))
                        .unwrap_or_default()
                );
            }
            EngineEvent::Log { message } => eprintln!("{}", sanitize(&message)),
            EngineEvent::Finished { report, cancelled } => {
                finished = Some((report, cancelled));
            }
            _ => {}
        }
        if progress_tty {
            eprint!("\r\x1b[2K[{done_rows}/{total_rows}] {failed_rows} failed | {last_rate}");
            let _ = std::io::stderr().flush();
        }
    }
    ctrl_c.abort();
    if progress_tty {
        eprintln!();
    }
    let (report, cancelled) = match finished {
        Some(f) => f,
        None => {
            let r = handle.task.await.map_err(|e| {
                format!("the run stopped unexpectedly: {e}; re-run the same command to resume")
            })?;
            (r, false)
        }
    };

    if let Some(path) = &args.report {
        crate::report::write_json(&report, path)
            .map_err(|e| format!("cannot write the report {}: {e}", path.display()))?;
    }
    // Rows to run again: failed, and those a stopped run left unfinished.
    let failed: Vec<usize> = report
        .rows
        .iter()
        .filter(|r| r.outcome.needs_retry())
        .map(|r| r.row)
        .collect();
    if !failed.is_empty() {
        let csv_path = match &args.report {
            Some(p) => p.with_extension("failed.csv"),
            None => journal_path.with_extension("failed.csv"),
        };
        match crate::report::write_rows_csv(&list, &failed, &csv_path) {
            Ok(()) => eprintln!(
                "{} failed or unfinished row(s) written to {} (fix and run it, or re-run with --only-failed)",
                failed.len(),
                csv_path.display()
            ),
            Err(e) => eprintln!("cannot write {}: {e}", csv_path.display()),
        }
    }
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(s) => super::out(&format!("{s}\n")),
            Err(e) => return Err(format!("cannot encode the report: {e}")),
        },
        Format::Text => super::out(&crate::report::render_text(&report)),
    }
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
    let mut files: Vec<(&str, &std::path::Path)> = vec![("the hire list", &args.file)];
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

/// The journals beside `path` (same directory, `.jsonl`), newest first.
fn journals_newest_first(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, std::path::PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| {
            let t = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            Some((t, p))
        })
        .collect();
    found.sort_by_key(|e| std::cmp::Reverse(e.0));
    found.into_iter().map(|(_, p)| p).collect()
}
