//! `onboard check HIRES.csv`: headless pre-flight, no writes to the org (docs/contract.md §1, §3).
//! Text for people (summary, then findings grouped by code) or `--format json`.

use super::{ConnectArgs, Exit, connect};
use crate::genesys::SnapshotOptions;
use crate::genesys::load_snapshot;
use crate::model::{ExternalId, Field, Finding, FindingCode, HireList, Severity, sanitize};
use crate::preflight::{self, CheckOptions, CheckResult};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The hire list (CSV, docs/contract.md §2); optional when --queues is given.
    #[arg(required_unless_present = "queues")]
    pub file: Option<PathBuf>,
    /// A queue list (CSV, docs/contract.md §6) checked in the same run.
    #[arg(long, value_name = "QUEUES.csv")]
    pub queues: Option<PathBuf>,
    /// A personas file: the rows' `persona` cells are resolved from it (README "Personas").
    #[arg(long, value_name = "PERSONAS.csv")]
    pub personas: Option<PathBuf>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output: text for people, or one JSON object (docs/contract.md §3).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also list what each row will ask for after persona resolution, by names, with where
    /// each item came from (`row` or `persona:<name>`); JSON key `desired`.
    #[arg(long)]
    pub plan_detail: bool,
}

/// Before a load that will take more than a minute, says so on stderr and why (see
/// [`super::progress::slow_load_note`]). The per-token rate comes from the org's limits
/// (one request); without it, the API's default (300/min).
pub async fn warn_if_slow_load(
    client: &crate::genesys::Client,
    emails: &[String],
    ext: &[ExternalId],
    command: &str,
) {
    if super::progress::snapshot_reads(emails.len(), ext.len()) < 300 {
        return;
    }
    let per_token = client.token_rate_per_minute().await.ok().flatten();
    let (_, tokens) = client.tokens();
    if let Some(note) = super::progress::slow_load_note(emails, ext, per_token, tokens) {
        eprintln!("onboard {command}: {note}");
    }
}

/// Narrows the snapshot to what this list can need: no telephony reads when no row sets a
/// phone or extension, and existing users' membership only of the queues the rows name —
/// unless queue membership is authoritative (`--replace queues`), which needs all of it.
pub fn scope_snapshot(
    opts: &mut crate::genesys::SnapshotOptions,
    list: &HireList,
    every_membership: bool,
) {
    let mut phones = false;
    let mut utilization = false;
    let mut queues = BTreeSet::new();
    for row in &list.rows {
        phones |= !list.cell(row, Field::Phone).trim().is_empty()
            || !list.cell(row, Field::Extension).trim().is_empty();
        utilization |= !list.cell(row, Field::Utilization).trim().is_empty();
        for q in preflight::rules::split_list(list.cell(row, Field::Queues)) {
            let q = q.trim();
            if !q.is_empty() {
                queues.insert(q.to_lowercase());
            }
        }
    }
    opts.telephony = phones;
    opts.memberships_of = (!every_membership).then_some(queues);
    // Only rows that set a utilization need the users' read (one GET each): a persona list
    // always has the column, mostly empty.
    opts.utilization = utilization;
}

pub async fn run(args: Args) -> Exit {
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("onboard check: {}", sanitize(&e.to_string()));
        Exit::CannotRun
    };
    let list = match args.file.as_deref().map(crate::ingest::read_path) {
        Some(Ok(l)) => Some(l),
        Some(Err(e)) => return fail(&e),
        None => None,
    };
    let queues = match args.queues.as_deref().map(crate::ingest::queues::read_path) {
        Some(Ok(q)) => Some(q),
        Some(Err(e)) => return fail(&e),
        None => None,
    };
    let personas = match super::hires::read_personas_arg(args.personas.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    if personas.is_some() && list.is_none() {
        return fail(&"--personas resolves a hire list's persona column: give the hire list too");
    }
    let conn = match connect(&args.connect) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let provisioned = list
        .as_ref()
        .map(|l| super::hires::provisioned(l, personas.as_ref()));
    let (mut emails, ext) = match &provisioned {
        Some(l) => preflight::users_to_look_up(l),
        None => (Vec::new(), Vec::new()),
    };
    if let Some(q) = &queues {
        emails.extend(preflight::queues::member_emails(q));
        emails.sort();
        emails.dedup();
    }
    warn_if_slow_load(&conn.client, &emails, &ext, "check").await;
    let opts = scoped_options(
        conn.snapshot_options(),
        provisioned.as_deref(),
        queues.as_ref(),
    );
    // Live progress on stderr (a line redrawn on a terminal); stdout carries the report.
    let progress = super::progress::StderrProgress::new();
    let loaded = load_snapshot(&conn.client, &emails, &ext, &opts, |p| progress.report(p)).await;
    progress.finish();
    let cannot_load = |e: &dyn std::fmt::Display| {
        eprintln!(
            "onboard check: cannot load the org from {}: {}",
            sanitize(&conn.target),
            sanitize(&e.to_string())
        );
        Exit::CannotRun
    };
    let snapshot = match loaded {
        Ok(s) => s,
        Err(e) => return cannot_load(&e),
    };
    let queue_check = match &queues {
        Some(q) => match crate::genesys::queue_snapshot::load_queue_org(&conn.client, q).await {
            Ok(org) => Some(preflight::queues::check_queues(
                q,
                list.as_ref(),
                &snapshot,
                &org,
                &preflight::queues::QueueCheckOptions::default(),
            )),
            Err(e) => return cannot_load(&e),
        },
        None => None,
    };
    let result = list
        .as_ref()
        .map(|l| super::hires::check(l, personas.as_ref(), &snapshot, &CheckOptions::default()));
    let mut notes = list.as_ref().map(crate::ingest::notes).unwrap_or_default();
    if let Some(q) = &queues
        && q.separator != crate::model::Separator::Comma
    {
        notes.push(format!(
            "{} is separated by {}, not commas; onboard read it that way",
            q.source,
            q.separator.describe()
        ));
    }
    let hires = list.as_ref().zip(result.as_ref());
    let queue_report = queues.as_ref().zip(queue_check.as_ref());
    let report = match (hires, queue_report) {
        (None, None) => {
            return fail(&"nothing to check: give a hire list, --queues QUEUES.csv, or both");
        }
        // A hire list alone: exactly as before queues existed.
        (Some((l, r)), None) => match args.format {
            Format::Json => format!("{}\n", r.to_json_with_notes(&l.source, notes)),
            Format::Text => render_text_with_notes(&l.source, r, &notes),
        },
        (hires, Some((q, qc))) => match args.format {
            Format::Json => combined_json(hires, q, qc, &notes),
            Format::Text => combined_text(hires, q, qc, &notes),
        },
    };
    let desired = match (&list, args.plan_detail) {
        (Some(l), true) => {
            let empty = preflight::personas::PersonaSet::default();
            let set = personas.as_ref().map_or(&empty, |p| &p.set);
            Some(preflight::personas::desired(l, set))
        }
        _ => None,
    };
    super::out(&match (desired, args.format) {
        (None, _) => report,
        (Some(d), Format::Json) => with_desired_json(&report, &d),
        (Some(d), Format::Text) => format!("{report}{}", desired_text(&d)),
    });
    let errors = result.as_ref().is_some_and(CheckResult::has_errors)
        || queue_check.as_ref().is_some_and(|q| q.has_errors());
    if errors { Exit::Findings } else { Exit::Ok }
}

/// The JSON report with `desired` (`--plan-detail`) added.
fn with_desired_json(report: &str, desired: &[preflight::personas::DesiredRow]) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(report) else {
        return report.to_string();
    };
    if let Some(o) = v.as_object_mut() {
        o.insert("desired".into(), serde_json::json!(desired));
    }
    let text = serde_json::to_string_pretty(&v).unwrap_or_else(|_| report.to_string());
    format!("{text}\n")
}

/// `--plan-detail` for people: one line per row, each item with its source in brackets.
fn desired_text(desired: &[preflight::personas::DesiredRow]) -> String {
    let mut out = String::from("\nDesired per row (after personas; [source]):\n");
    for r in desired {
        let items: Vec<String> = r
            .items
            .iter()
            .map(|i| format!("{} {} [{}]", i.field, i.item, i.source))
            .collect();
        let _ = writeln!(
            out,
            "  row {} (line {}) {}: {}",
            r.row,
            r.line,
            sanitize(&r.email),
            sanitize(&items.join("; "))
        );
    }
    out
}

/// The snapshot options narrowed to what the lists need: no telephony or memberships
/// unless a list asks for them.
fn scoped_options(
    mut opts: SnapshotOptions,
    list: Option<&HireList>,
    queues: Option<&crate::ingest::queues::QueueList>,
) -> SnapshotOptions {
    match list {
        Some(l) => scope_snapshot(&mut opts, l, false),
        None => {
            opts.telephony = false;
            opts.memberships_of = Some(BTreeSet::new());
        }
    }
    if let Some(q) = queues {
        super::check_queues::scope_for_queues(&mut opts, q);
    }
    opts
}

/// The JSON report of a check with a queue list (the hire part empty without a hire list).
fn combined_json(
    hires: Option<(&HireList, &CheckResult)>,
    q: &crate::ingest::queues::QueueList,
    qc: &preflight::queues::QueueCheck,
    notes: &[String],
) -> String {
    let mut v = match hires {
        Some((l, r)) => serde_json::to_value(r.json(&l.source))
            .unwrap_or_else(|_| super::check_queues::empty_hire_json()),
        None => super::check_queues::empty_hire_json(),
    };
    super::check_queues::add_queue_json(&mut v, q, qc);
    if !notes.is_empty()
        && let Some(o) = v.as_object_mut()
    {
        o.insert("notes".into(), serde_json::json!(notes));
    }
    let text =
        serde_json::to_string_pretty(&v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    format!("{text}\n")
}

/// The text report of a check with a queue list: the hire list's part, then the queues'.
fn combined_text(
    hires: Option<(&HireList, &CheckResult)>,
    q: &crate::ingest::queues::QueueList,
    qc: &preflight::queues::QueueCheck,
    notes: &[String],
) -> String {
    let mut text = match hires {
        Some((l, r)) => render_text_with_notes(&l.source, r, notes) + "\n",
        None => notes
            .iter()
            .map(|n| format!("note: {}\n", sanitize(n)))
            .collect(),
    };
    text += &super::check_queues::render_queue_text(q, qc);
    text
}

fn where_(f: &Finding) -> String {
    let mut s = String::new();
    match (f.row, f.line) {
        (Some(r), Some(l)) => {
            let _ = write!(s, "row {r} (line {l})");
        }
        (Some(r), None) => {
            let _ = write!(s, "row {r}");
        }
        (None, line) => {
            // Another file's finding (the personas file): name it, its line, the persona.
            match &f.file {
                Some(file) => s.push_str(&sanitize(file)),
                None => s.push_str("file"),
            }
            if let (Some(l), Some(_)) = (line, &f.file) {
                let _ = write!(s, " line {l}");
            }
        }
    }
    if let Some(e) = &f.email {
        let _ = write!(s, " {}", sanitize(e));
    }
    if let Some(field) = &f.field {
        let _ = write!(s, " [{}]", sanitize(field));
    }
    s
}

/// The text report: a summary, then findings grouped by code (errors first), each with
/// row, line and email. Everything from the file or the org is sanitized.
pub fn render_text(source: &str, r: &CheckResult) -> String {
    render_text_with_notes(source, r, &[])
}

/// [`render_text`] with notes about how the file was read (e.g. its separator), printed
/// under the summary.
pub fn render_text_with_notes(source: &str, r: &CheckResult, notes: &[String]) -> String {
    let mut out = String::new();
    let s = r.summary();
    let p = r.plan_counts();
    let _ = writeln!(
        out,
        "{}: {} rows — {} errors, {} warnings; {} ready, {} blocked",
        sanitize(source),
        r.plan.rows.len(),
        s.errors,
        s.warnings,
        s.ready,
        s.blocked
    );
    let _ = writeln!(
        out,
        "plan: {} create, {} update, {} restore, {} reactivate, {} deactivate, {} unchanged",
        p.create, p.update, p.restore, p.reactivate, p.deactivate, p.unchanged
    );
    for note in notes {
        let _ = writeln!(out, "note: {}", sanitize(note));
    }
    if !r.unknown_seats.is_empty() {
        let _ = writeln!(
            out,
            "note: seat count unknown for {}: no billing product matches and the profile sets no license_seats, so licence availability for them was not checked",
            sanitize(&r.unknown_seats.join(", "))
        );
    }
    let mut codes: Vec<FindingCode> = FindingCode::ALL
        .into_iter()
        .chain(FindingCode::PERSONAS)
        .chain(FindingCode::CLONE)
        .collect();
    codes.sort_by_key(|c| (c.severity() != Severity::Error, *c as u8));
    for code in codes {
        let group: Vec<&Finding> = r.findings().filter(|f| f.code == code).collect();
        if group.is_empty() {
            continue;
        }
        // Every code has one severity today; the count is per finding all the same.
        let errors = group
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let sev = match errors {
            0 => "warning",
            n if n == group.len() => "error",
            _ => "error/warning",
        };
        let _ = writeln!(out, "\n{} ({sev}, {})", code.as_str(), group.len());
        for f in group {
            let _ = writeln!(out, "  {}: {}", where_(f), sanitize(&f.message));
        }
    }
    if s.errors == 0 {
        let _ = writeln!(
            out,
            "\nno errors: `onboard apply {}` can provision every ready row",
            sanitize(source)
        );
    } else {
        let _ = writeln!(
            out,
            "\nfix the errors above (or run `onboard apply --skip-invalid` to provision only the ready rows)"
        );
    }
    out
}
