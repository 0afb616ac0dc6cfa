//! The phases of `onboard apply` ([`super::apply`]): reading the lists, loading and checking
//! against the org, choosing the rows to run (`--only-failed`), refusing on errors, the plan
//! line and the confirmation, the live progress line, and the outputs.

use super::apply::{ApplyArgs, Format};
use super::hires::{self, PersonasFile};
use crate::engine::queues::QueueTask;
use crate::engine::{self, Journal, JournalBinding, Replace};
use crate::ingest::queues::QueueList;
use crate::model::{
    EngineEvent, Finding, HireList, OrgSnapshot, Outcome, Plan, PlanAction, Report, RowKind,
    Severity, sanitize,
};
use crate::preflight::queues::{QueueCheck, QueueCheckOptions};
use crate::preflight::{CheckOptions, CheckResult};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The lists of one run, read.
pub(super) struct Inputs {
    /// The hire list as written (an empty one when only a queue list is given).
    pub list: HireList,
    /// Whether a hire list was given.
    pub has_hire_list: bool,
    pub queue_list: Option<QueueList>,
    pub personas: Option<PersonasFile>,
    /// What the journal and lock are bound to: every list's bytes.
    pub bytes: Vec<u8>,
}

impl Inputs {
    pub fn read(args: &ApplyArgs) -> Result<Inputs, String> {
        let read =
            |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
        let hire_bytes = args.file.as_ref().map(read).transpose()?;
        let list = match (&hire_bytes, &args.file) {
            (Some(b), Some(p)) => {
                crate::ingest::read_bytes(&file_name(p), b).map_err(|e| e.to_string())?
            }
            // No hire list: an empty one (the queue list alone runs).
            _ => crate::ingest::read_bytes("(no hire list)", b"email,name\n")
                .map_err(|e| e.to_string())?,
        };
        let queue_bytes = args.queues.as_ref().map(read).transpose()?;
        let queue_list = match (&queue_bytes, &args.queues) {
            (Some(b), Some(p)) => Some(
                crate::ingest::queues::read_bytes(&file_name(p), b).map_err(|e| e.to_string())?,
            ),
            _ => None,
        };
        let personas = hires::read_personas_arg(args.personas.as_deref())?;
        if personas.is_some() && args.file.is_none() {
            return Err(
                "--personas resolves a hire list's persona column: give the hire list too".into(),
            );
        }
        // The journal and lock are keyed by every list; a hire list alone keeps the key it
        // always had.
        let mut bytes =
            hires::bound_bytes(hire_bytes.as_deref().unwrap_or_default(), personas.as_ref())
                .into_owned();
        if let Some(q) = &queue_bytes {
            bytes.extend_from_slice(b"\0queues\0");
            bytes.extend_from_slice(q);
        }
        if args.file.is_some() {
            for note in crate::ingest::notes(&list) {
                eprintln!("note: {}", sanitize(&note));
            }
        }
        Ok(Inputs {
            list,
            has_hire_list: args.file.is_some(),
            queue_list,
            personas,
            bytes,
        })
    }

    /// The hire list's name in messages.
    pub fn name(&self) -> &str {
        if self.has_hire_list {
            &self.list.source
        } else {
            "the hire list (none)"
        }
    }

    /// The org snapshot, read for what the lists (personas resolved) can need.
    pub async fn load_org(
        &self,
        conn: &super::connect::Connection,
        replace: Replace,
    ) -> Result<OrgSnapshot, String> {
        let provisioned = hires::provisioned(&self.list, self.personas.as_ref());
        let (mut emails, external_ids) = crate::preflight::users_to_look_up(&provisioned);
        let mut opts = conn.snapshot_options();
        super::check::scope_snapshot(&mut opts, &provisioned, replace.queues);
        if let Some(q) = &self.queue_list {
            emails.extend(crate::preflight::queues::member_emails(q));
            emails.sort();
            emails.dedup();
            super::check_queues::scope_for_queues(&mut opts, q);
        }
        super::check::warn_if_slow_load(&conn.client, &emails, &external_ids, "apply").await;
        crate::genesys::snapshot::load_snapshot(&conn.client, &emails, &external_ids, &opts, |_| {})
            .await
            .map_err(|e| format!("cannot load the org: {e}"))
    }

    /// The queue list's pre-flight, when there is one.
    pub async fn check_queue_list(
        &self,
        client: &crate::genesys::Client,
        snapshot: &OrgSnapshot,
        opts: &QueueCheckOptions,
    ) -> Result<Option<QueueCheck>, String> {
        let Some(q) = &self.queue_list else {
            return Ok(None);
        };
        let org = crate::genesys::queue_snapshot::load_queue_org(client, q)
            .await
            .map_err(|e| format!("cannot load the org's queues: {e}"))?;
        let provisioned = hires::provisioned(&self.list, self.personas.as_ref());
        let hires = self.has_hire_list.then_some(&*provisioned);
        Ok(Some(crate::preflight::queues::check_queues(
            q, hires, snapshot, &org, opts,
        )))
    }

    /// The hire list's pre-flight (personas resolved when given).
    pub fn check_hires(&self, snapshot: &OrgSnapshot) -> CheckResult {
        hires::check(
            &self.list,
            self.personas.as_ref(),
            snapshot,
            &CheckOptions::new(),
        )
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// The rows this run takes on, and the journal it continues.
pub(super) struct Selection {
    /// `--only-failed`: the hire rows to retry; None: every row.
    pub only_rows: Option<BTreeSet<usize>>,
    pub queue_tasks: Vec<QueueTask>,
    pub journal_path: PathBuf,
}

impl Selection {
    /// Every row, or with `--only-failed` the failures recorded for this list in this org.
    /// When the list was edited since (to fix a failed row), its content — and so its
    /// journal — changed: then the newest journal of this org that recorded failures for
    /// rows of this list is used. None: nothing to retry (said on stderr).
    pub fn choose(
        args: &ApplyArgs,
        journal_path: PathBuf,
        binding: &JournalBinding,
        checked: &CheckResult,
        mut queue_tasks: Vec<QueueTask>,
    ) -> Result<Option<Selection>, String> {
        if !args.only_failed {
            return Ok(Some(Selection {
                only_rows: None,
                queue_tasks,
                journal_path,
            }));
        }
        let candidates = if args.journal.is_some() || journal_path.exists() {
            vec![journal_path.clone()]
        } else {
            journals_newest_first(&journal_path)
        };
        let mut not_listed: Option<(PathBuf, Vec<String>)> = None;
        for path in candidates {
            let Some(journal) = Journal::read(&path, binding).map_err(|e| e.to_string())? else {
                continue;
            };
            let failed = journal.failed_identities();
            if not_listed.is_none() {
                let names = super::apply_queues::failed_queues_not_listed(&failed, &queue_tasks);
                if !names.is_empty() {
                    not_listed = Some((path.clone(), names));
                }
            }
            let rows: BTreeSet<usize> = checked
                .plan
                .rows
                .iter()
                .filter(|r| failed.contains(r.identity.as_str()))
                .map(|r| r.row)
                .collect();
            let queues_failed = queue_tasks.iter().any(|t| failed.contains(&t.identity()));
            if rows.is_empty() && !queues_failed {
                continue;
            }
            queue_tasks.retain(|t| failed.contains(&t.identity()));
            if let Some((p, names)) = &not_listed
                && *p == path
            {
                eprintln!("{}", super::apply_queues::not_listed_note(p, names));
            }
            if path != journal_path {
                eprintln!(
                    "{}",
                    super::apply_queues::retry_note(&path, rows.len(), &queue_tasks)
                );
            }
            return Ok(Some(Selection {
                only_rows: Some(rows),
                queue_tasks,
                journal_path: path,
            }));
        }
        if let Some((path, names)) = not_listed {
            eprintln!("{}", super::apply_queues::not_listed_note(&path, &names));
        }
        eprintln!(
            "onboard apply: no failed rows of this list are recorded in {}; nothing to retry",
            journal_path.display()
        );
        Ok(None)
    }

    /// The plan of the selected rows.
    pub fn plan(&self, checked: &CheckResult) -> Plan {
        let mut plan = checked.plan.clone();
        if let Some(o) = &self.only_rows {
            plan.rows.retain(|r| o.contains(&r.row));
        }
        plan
    }
}

/// The journals beside `path` (same directory, `.jsonl`), newest first.
fn journals_newest_first(path: &Path) -> Vec<PathBuf> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
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

/// The error findings of the selected rows (and the file's), each with the file it is in.
pub(super) fn blocking_errors<'a>(
    inputs: &'a Inputs,
    checked: &'a CheckResult,
    queue_check: Option<&'a QueueCheck>,
    selection: &Selection,
) -> Vec<(&'a str, &'a Finding)> {
    let queue_rows: BTreeSet<usize> = selection.queue_tasks.iter().map(|t| t.row).collect();
    let queue_file = inputs.queue_list.as_ref().map_or("", |q| q.source.as_str());
    let hires = checked
        .findings()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| {
            selection
                .only_rows
                .as_ref()
                .is_none_or(|o| f.row.is_some_and(|r| o.contains(&r)))
        })
        .map(|f| (f.file.as_deref().unwrap_or(inputs.name()), f));
    let queues = queue_check
        .into_iter()
        .flat_map(|qc| qc.findings())
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| f.row.is_none_or(|r| queue_rows.contains(&r)))
        .map(move |f| (queue_file, f));
    hires.chain(queues).collect()
}

pub(super) fn print_blocking_errors(errors: &[(&str, &Finding)]) {
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
}

/// The plan in one line per list, with the request estimate.
pub(super) fn print_plan(
    inputs: &Inputs,
    plan: &Plan,
    queue_tasks: &[QueueTask],
    replace: Replace,
    creates_per_min: u32,
) {
    let estimate = engine::estimate_requests(&plan.rows, replace)
        + engine::queues::estimate_requests(queue_tasks);
    if !queue_tasks.is_empty() {
        eprintln!(
            "{}",
            super::apply_queues::queue_plan_line(queue_tasks, creates_per_min)
        );
    }
    eprintln!(
        "Plan for {}: {} create, {} update, {} restore, {} reactivate, {} deactivate, {} unchanged, {} skipped — about {} API requests",
        sanitize(inputs.name()),
        plan.count(PlanAction::Create),
        plan.count(PlanAction::Update),
        plan.count(PlanAction::Restore),
        plan.count(PlanAction::Reactivate),
        plan.count(PlanAction::Deactivate),
        plan.count(PlanAction::Unchanged),
        plan.count(PlanAction::Skipped) + plan.count(PlanAction::Blocked),
        estimate
    );
}

/// Whether to go on: `--yes`, or the admin's "y" on a terminal. Without a terminal and
/// without `--yes`, an error: nothing is written unconfirmed.
pub(super) fn confirmed(yes: bool) -> Result<bool, String> {
    if yes {
        return Ok(true);
    }
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
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES"))
}

/// The progress line's state: redrawn in place on a terminal, one line per row otherwise.
#[derive(Default)]
struct ProgressLine {
    done_rows: usize,
    total_rows: usize,
    failed_rows: usize,
    rate: String,
    queues: String,
}

impl ProgressLine {
    /// Take in one engine event; the finished report when it is the last.
    fn on(
        &mut self,
        ev: EngineEvent,
        tty: bool,
        pool: &crate::genesys::Client,
    ) -> Option<(Report, bool)> {
        match ev {
            EngineEvent::Started { rows, .. } => self.total_rows = rows,
            EngineEvent::RowDone { report } => {
                self.done_rows += 1;
                if report.outcome == Outcome::Failed {
                    self.failed_rows += 1;
                }
                if !tty {
                    let kind = if report.kind == RowKind::Queue {
                        "queue "
                    } else {
                        ""
                    };
                    eprintln!(
                        "{kind}row {} {}: {}",
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
                self.rate = format!(
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
            } => self.queues = format!("queues {done}/{total} · settling {settling} | "),
            EngineEvent::Log { message } => eprintln!("{}", sanitize(&message)),
            EngineEvent::Finished { report, cancelled } => return Some((report, cancelled)),
            _ => {}
        }
        None
    }

    fn redraw(&self) {
        eprint!(
            "\r\x1b[2K{}[{}/{}] {} failed | {}",
            self.queues, self.done_rows, self.total_rows, self.failed_rows, self.rate
        );
        let _ = std::io::stderr().flush();
    }
}

/// Follow the run to its end with a live progress line; Ctrl-C stops it cleanly (in-flight
/// steps finish, the journal stays intact). Returns the report and whether it was stopped.
pub(super) async fn watch(
    mut handle: engine::RunHandle,
    pool: &crate::genesys::Client,
) -> Result<(Report, bool), String> {
    let tty = std::io::stderr().is_terminal();
    let control = handle.control.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\nonboard apply: stopping — in-flight steps finish, the journal stays intact; run the same command again to resume"
            );
            control.cancel();
        }
    });
    let mut line = ProgressLine::default();
    let mut finished = None;
    while let Some(ev) = handle.events.recv().await {
        if let Some(f) = line.on(ev, tty, pool) {
            finished = Some(f);
        }
        if tty {
            line.redraw();
        }
    }
    ctrl_c.abort();
    if tty {
        eprintln!();
    }
    match finished {
        Some(f) => Ok(f),
        None => {
            let r = handle.task.await.map_err(|e| {
                format!("the run stopped unexpectedly: {e}; re-run the same command to resume")
            })?;
            Ok((r, false))
        }
    }
}

/// The report (file and stdout) and the CSV of the hire rows to run again: failed, and those
/// a stopped run left unfinished — the admin's own rows, persona column included.
pub(super) fn write_outputs(
    args: &ApplyArgs,
    inputs: &Inputs,
    report: &Report,
    journal_path: &Path,
) -> Result<(), String> {
    if let Some(path) = &args.report {
        crate::report::write_json(report, path)
            .map_err(|e| format!("cannot write the report {}: {e}", path.display()))?;
    }
    let failed: Vec<usize> = report
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::User && r.outcome.needs_retry())
        .map(|r| r.row)
        .collect();
    if !failed.is_empty() && inputs.has_hire_list {
        let csv_path = match &args.report {
            Some(p) => p.with_extension("failed.csv"),
            None => journal_path.with_extension("failed.csv"),
        };
        match crate::report::write_rows_csv(&inputs.list, &failed, &csv_path) {
            Ok(()) => eprintln!(
                "{} failed or unfinished row(s) written to {} (fix and run it, or re-run with --only-failed)",
                failed.len(),
                csv_path.display()
            ),
            Err(e) => eprintln!("cannot write {}: {e}", csv_path.display()),
        }
    }
    match args.format {
        Format::Json => match serde_json::to_string_pretty(report) {
            Ok(s) => super::out(&format!("{s}\n")),
            Err(e) => return Err(format!("cannot encode the report: {e}")),
        },
        Format::Text => super::out(&crate::report::render_text(report)),
    }
    Ok(())
}
