//! `onboard check HIRES.csv`: headless pre-flight, no writes to the org (docs/contract.md §1, §3).
//! Text for people (summary, then findings grouped by code) or `--format json`.

use super::{ConnectArgs, Exit, connect};
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
    /// The hire list (CSV, docs/contract.md §2).
    pub file: PathBuf,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Output: text for people, or one JSON object (docs/contract.md §3).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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
    let mut queues = BTreeSet::new();
    for row in &list.rows {
        phones |= !list.cell(row, Field::Phone).trim().is_empty()
            || !list.cell(row, Field::Extension).trim().is_empty();
        for q in preflight::rules::split_list(list.cell(row, Field::Queues)) {
            let q = q.trim();
            if !q.is_empty() {
                queues.insert(q.to_lowercase());
            }
        }
    }
    opts.telephony = phones;
    opts.memberships_of = (!every_membership).then_some(queues);
}

pub async fn run(args: Args) -> Exit {
    let list = match crate::ingest::read_path(&args.file) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("onboard check: {}", sanitize(&e.to_string()));
            return Exit::CannotRun;
        }
    };
    let conn = match connect(&args.connect) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("onboard check: {}", sanitize(&e.to_string()));
            return Exit::CannotRun;
        }
    };
    let (emails, ext) = preflight::users_to_look_up(&list);
    warn_if_slow_load(&conn.client, &emails, &ext, "check").await;
    let mut opts = conn.snapshot_options();
    scope_snapshot(&mut opts, &list, false);
    // Live progress on stderr (a line redrawn on a terminal); stdout carries the report.
    let progress = super::progress::StderrProgress::new();
    let loaded = load_snapshot(&conn.client, &emails, &ext, &opts, |p| progress.report(p)).await;
    progress.finish();
    let snapshot = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "onboard check: cannot load the org from {}: {}",
                sanitize(&conn.target),
                sanitize(&e.to_string())
            );
            return Exit::CannotRun;
        }
    };
    let result = preflight::check_all(&list, &snapshot, &CheckOptions::default());
    let notes = crate::ingest::notes(&list);
    match args.format {
        Format::Json => super::out(&format!(
            "{}\n",
            result.to_json_with_notes(&list.source, notes)
        )),
        Format::Text => super::out(&render_text_with_notes(&list.source, &result, &notes)),
    }
    if result.has_errors() {
        Exit::Findings
    } else {
        Exit::Ok
    }
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
        _ => s.push_str("file"),
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
    let mut codes: Vec<FindingCode> = FindingCode::ALL.to_vec();
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
