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
    /// The hire list (CSV, docs/contract.md §2); optional when --queues is given.
    #[arg(required_unless_present = "queues")]
    pub file: Option<PathBuf>,
    /// A queue list (CSV, spec queues.md §3): its queues are created or updated first, and
    /// hire rows that name one of them join it once it exists.
    #[arg(long, value_name = "FILE")]
    pub queues: Option<PathBuf>,
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

async fn run_inner(args: ApplyArgs) -> Result<Exit, String> {
    let (user_groups, replace_wrapups) = split_replace(args.replace.as_deref().unwrap_or(""))?;
    let replace = Replace::parse(&user_groups)?;
    let create_missing_wrapups = parse_create_missing(args.create_missing.as_deref())?;
    let creates_per_min = parse_queue_rate(&args.queue_rate)?;
    let read =
        |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let file_name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let hire_bytes = args.file.as_ref().map(read).transpose()?;
    let name = args.file.as_ref().map(file_name).unwrap_or_default();
    let list = match (&hire_bytes, &args.file) {
        (Some(b), Some(_)) => crate::ingest::read_bytes(&name, b).map_err(|e| e.to_string())?,
        // No hire list: an empty one (the queue list alone runs).
        _ => crate::ingest::read_bytes("(no hire list)", b"email,name\n")
            .map_err(|e| e.to_string())?,
    };
    let queue_bytes = args.queues.as_ref().map(read).transpose()?;
    let queue_list = match (&queue_bytes, &args.queues) {
        (Some(b), Some(p)) => {
            Some(crate::ingest::queues::read_bytes(&file_name(p), b).map_err(|e| e.to_string())?)
        }
        _ => None,
    };
    // The journal and lock are keyed by both lists (spec §5); a hire list alone keeps the
    // key it always had.
    let mut bytes = hire_bytes.clone().unwrap_or_default();
    if let Some(q) = &queue_bytes {
        bytes.extend_from_slice(b"\0queues\0");
        bytes.extend_from_slice(q);
    }
    if args.file.is_some() {
        for note in crate::ingest::notes(&list) {
            eprintln!("note: {}", sanitize(&note));
        }
    }
    let conn = super::connect(&args.connect).map_err(|e| e.to_string())?;
    let client = conn.client.clone();
    client
        .verify()
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", conn.target))?;

    let progress_tty = std::io::stderr().is_terminal();
    let (mut emails, external_ids) = crate::preflight::users_to_look_up(&list);
    if let Some(q) = &queue_list {
        emails.extend(crate::preflight::queues::member_emails(q));
        emails.sort();
        emails.dedup();
    }
    super::check::warn_if_slow_load(&client, &emails, &external_ids, "apply").await;
    let mut snapshot = crate::genesys::snapshot::load_snapshot(
        &client,
        &emails,
        &external_ids,
        &{
            let mut opts = conn.snapshot_options();
            super::check::scope_snapshot(&mut opts, &list, replace.queues);
            if let Some(q) = &queue_list {
                super::check_queues::scope_for_queues(&mut opts, q);
            }
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
    let queue_check = match &queue_list {
        Some(q) => {
            let org = crate::genesys::queue_snapshot::load_queue_org(&client, q)
                .await
                .map_err(|e| format!("cannot load the org's queues: {e}"))?;
            let opts = crate::preflight::queues::QueueCheckOptions {
                create_missing_wrapup_codes: create_missing_wrapups,
                replace_wrapup_codes: replace_wrapups,
            };
            let hires = args.file.is_some().then_some(&list);
            Some(crate::preflight::queues::check_queues(
                q, hires, &snapshot, &org, &opts,
            ))
        }
        None => None,
    };
    if let Some(qc) = &queue_check {
        super::apply_queues::stand_in_new_queues(&mut snapshot, qc);
    }
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
    let mut queue_tasks = queue_check
        .as_ref()
        .map(engine::queues::tasks)
        .unwrap_or_default();
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
            let queues_failed = queue_tasks.iter().any(|t| failed.contains(&t.identity()));
            if !rows.is_empty() || queues_failed {
                queue_tasks.retain(|t| failed.contains(&t.identity()));
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
    let queue_rows: BTreeSet<usize> = queue_tasks.iter().map(|t| t.row).collect();
    let errors: Vec<_> = checked
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| {
            only_rows
                .as_ref()
                .is_none_or(|o| f.row.is_some_and(|r| o.contains(&r)))
        })
        .map(|f| (name.as_str(), f))
        .chain(
            queue_check
                .iter()
                .flat_map(|qc| qc.findings())
                .filter(|f| f.severity == Severity::Error)
                .filter(|f| f.row.is_none_or(|r| queue_rows.contains(&r)))
                .map(|f| (queue_list.as_ref().map_or("", |q| q.source.as_str()), f)),
        )
        .collect();
    if !errors.is_empty() && !args.skip_invalid {
        eprintln!(
            "onboard apply: {} error finding(s); nothing was written. Fix them (see `onboard check`) or pass --skip-invalid to provision the valid rows only.",
            errors.len(),
        );
        for (file, f) in errors.iter().take(20) {
            eprintln!(
                "  {} row {} (line {}) {}: {}",
                sanitize(file),
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

    let estimate = engine::estimate_requests(&plan.rows, replace)
        + engine::queues::estimate_requests(&queue_tasks);
    if !queue_tasks.is_empty() {
        eprintln!(
            "{}",
            super::apply_queues::queue_plan_line(&queue_tasks, creates_per_min)
        );
    }
    let summary = format!(
        "Plan for {}: {} create, {} update, {} restore, {} reactivate, {} deactivate, {} unchanged, {} skipped — about {} API requests",
        if args.file.is_some() {
            name.as_str()
        } else {
            "the hire list (none)"
        },
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
    let writes =
        plan.rows.iter().any(|r| r.action.writes()) || super::apply_queues::writes(&queue_tasks);
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
    let queue_run = engine::QueueRun {
        tasks: queue_tasks,
        settings: engine::queues::QueueRunSettings {
            creates_per_min,
            concurrency: cfg.concurrency,
        },
    };
    let pool = client.clone();
    let mut handle =
        engine::start_with_queues(client, plan, queue_run, cfg).map_err(|e| e.to_string())?;
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
    let mut queue_line = String::new();
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
                        "{}row {} {}: {}",
                        if report.kind == crate::model::RowKind::Queue {
                            "queue "
                        } else {
                            ""
                        },
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
            EngineEvent::QueueProgress {
                done,
                total,
                settling,
            } => {
                queue_line = format!("queues {done}/{total} · settling {settling} | ");
            }
            EngineEvent::Log { message } => eprintln!("{}", sanitize(&message)),
            EngineEvent::Finished { report, cancelled } => {
                finished = Some((report, cancelled));
            }
            _ => {}
        }
        if progress_tty {
            eprint!(
                "\r\x1b[2K{queue_line}[{done_rows}/{total_rows}] {failed_rows} failed | {last_rate}"
            );
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
        .filter(|r| r.kind == crate::model::RowKind::User && r.outcome.needs_retry())
        .map(|r| r.row)
        .collect();
    if !failed.is_empty() && args.file.is_some() {
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
