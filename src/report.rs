//! Run reports (docs/contract.md §3): the JSON report, the plain-text summary for people, and the
//! CSV of failed rows that loads back as a hire list.

use crate::model::{
    ApiStats, HireList, Outcome, Report, ReportSummary, RowReport, StepStatus, sanitize,
};
use std::io::Write;
use std::path::Path;

/// Builds a report from row outcomes, counting the summary from them (never separately).
pub fn build(mut rows: Vec<RowReport>, api: ApiStats) -> Report {
    rows.sort_by_key(|r| r.row);
    let summary = summarize(&rows);
    Report {
        summary,
        api,
        rows,
        queue_rate_per_min: None,
        dependencies: Vec::new(),
    }
}

pub fn summarize(rows: &[RowReport]) -> ReportSummary {
    let mut s = ReportSummary {
        total: rows.len(),
        ..ReportSummary::default()
    };
    for r in rows {
        match r.outcome {
            Outcome::Failed => s.failed += 1,
            Outcome::Skipped => s.skipped += 1,
            Outcome::Unchanged => s.unchanged += 1,
            Outcome::Interrupted => s.interrupted += 1,
            Outcome::NotReached => s.not_reached += 1,
            Outcome::Created
            | Outcome::Updated
            | Outcome::Restored
            | Outcome::Reactivated
            | Outcome::Deactivated => s.succeeded += 1,
        }
    }
    s
}

/// A duration for people, the one format onboard prints (Plan and Run screens, the
/// confirmation, `apply`'s progress line, the slow-load notice): `1h 02m`, `3m 20s`, `45s`.
pub use crate::model::human_duration;

/// Writes the JSON report to `path` (0600 on Unix: it names people).
pub fn write_json(report: &Report, path: &Path) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    write_private(path, &json)
}

/// Writes the rows of `list` whose row numbers are in `rows` as a hire list (same header,
/// same columns, same order), so the admin can fix them and run just those again.
pub fn write_rows_csv(list: &HireList, rows: &[usize], path: &Path) -> std::io::Result<()> {
    let subset = HireList {
        rows: list
            .rows
            .iter()
            .filter(|r| rows.contains(&r.row))
            .cloned()
            .collect(),
        ..list.clone_header()
    };
    let mut out = Vec::new();
    crate::ingest::write(&subset, &mut out)?;
    write_private(path, &out)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The text a person reads at the end of `onboard apply`.
pub fn render_text(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!(
        "{} rows: {} succeeded, {} failed, {} skipped, {} unchanged",
        s.total, s.succeeded, s.failed, s.skipped, s.unchanged
    );
    if s.interrupted + s.not_reached > 0 {
        out.push_str(&format!(
            ", {} interrupted, {} not reached (the run stopped; run it again to finish them)",
            s.interrupted, s.not_reached
        ));
    }
    out.push('\n');
    let a = &report.api;
    out.push_str(&format!(
        "API: {} requests, {} throttled (429), {} retries, {:.1} s\n",
        a.requests, a.throttled, a.retries, a.elapsed_s
    ));
    let failed: Vec<&RowReport> = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .collect();
    if !failed.is_empty() {
        out.push_str("\nFailed rows:\n");
        for r in failed {
            for st in r.steps.iter().filter(|s| s.status != StepStatus::Ok) {
                if st.status == StepStatus::Skipped {
                    continue;
                }
                // The message of an API failure already names the request, status, code
                // and context id; add only what it lacks.
                let msg = st.message.as_deref().unwrap_or("");
                let mut extra = String::new();
                if let Some(h) = st.http_status.filter(|h| !msg.contains(&h.to_string())) {
                    extra.push_str(&format!(" [HTTP {h}]"));
                }
                if let Some(c) = st.code.as_deref().filter(|c| !msg.contains(c)) {
                    extra.push_str(&format!(" [{}]", sanitize(c)));
                }
                if let Some(c) = st.context_id.as_deref().filter(|c| !msg.contains(c)) {
                    extra.push_str(&format!(" (contextId {})", sanitize(c)));
                }
                out.push_str(&format!(
                    "  row {} {}: step {}: {}{}\n",
                    r.row,
                    sanitize(&r.email),
                    st.step.as_str(),
                    sanitize(msg),
                    extra
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cells, Step, StepResult};

    fn row(n: usize, outcome: Outcome) -> RowReport {
        RowReport {
            kind: crate::model::RowKind::User,
            row: n,
            email: format!("u{n}@x.com"),
            outcome,
            user_id: None,
            steps: vec![],
        }
    }

    #[test]
    fn summary_counts_come_from_rows() {
        let r = build(
            vec![
                row(3, Outcome::Failed),
                row(1, Outcome::Created),
                row(2, Outcome::Skipped),
                row(4, Outcome::Unchanged),
                row(5, Outcome::Deactivated),
            ],
            ApiStats::default(),
        );
        assert_eq!(r.rows[0].row, 1);
        assert_eq!(
            (
                r.summary.total,
                r.summary.succeeded,
                r.summary.failed,
                r.summary.skipped,
                r.summary.unchanged
            ),
            (5, 2, 1, 1, 1)
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["summary"]["failed"], 1);
        assert_eq!(json["rows"][2]["outcome"], "failed");
    }

    #[test]
    fn text_escapes_control_characters_from_the_api() {
        let mut r = row(1, Outcome::Failed);
        r.steps.push(StepResult {
            step: Step::Queues,
            status: StepStatus::Failed,
            http_status: Some(400),
            code: Some("queue.size.limit".into()),
            message: Some("bad\x1b[2Jthing".into()),
            context_id: Some("c-1".into()),
            attempts: 1,
            request: None,
        });
        let text = render_text(&build(vec![r], ApiStats::default()));
        assert!(text.contains("queue.size.limit"));
        assert!(text.contains("\\u{1b}[2J"));
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn failed_rows_csv_keeps_header_and_columns() {
        let list = HireList {
            source: "h.csv".into(),
            headers: vec!["email".into(), "name".into(), "Custom".into()],
            columns: vec![],
            rows: vec![
                crate::model::HireRow {
                    row: 1,
                    line: 2,
                    cells: Cells::new(["a@x", "A", "k1"]),
                },
                crate::model::HireRow {
                    row: 2,
                    line: 3,
                    cells: Cells::new(["b@x", "B, Jr", "k2"]),
                },
            ],
            ..HireList::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("failed.csv");
        write_rows_csv(&list, &[2], &p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "email,name,Custom\nb@x,\"B, Jr\",k2\n");
    }
}
