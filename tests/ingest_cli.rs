//! Bad hire lists as a user meets them: the real binary against the simulator over HTTP.
//! An unbalanced quote or a short row makes `check` exit 1 with the findings and `apply`
//! (without --skip-invalid) exit 1 with nothing written; a file that is not a hire list is
//! refused (exit 2); a `;`-separated file is read and said; `action=skip` rows are reported
//! skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

fn onboard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .env("ONBOARD_CLIENT_ID", CLIENT_ID)
        .env("ONBOARD_CLIENT_SECRET", CLIENT_SECRET)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `check --format json` on `file`: exit code and the JSON.
fn check_json(dir: &Path, url: &str, file: &Path) -> (Option<i32>, serde_json::Value) {
    let out = onboard(
        dir,
        &[
            "check",
            file.to_str().unwrap(),
            "--api-url",
            url,
            "--format",
            "json",
        ],
    );
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: stdout {:?}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), json)
}

fn findings_with<'a>(json: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// `apply --yes` without --skip-invalid: exit 1, the error findings on stderr, and not one
/// write reaches the org.
async fn apply_refuses_without_writes(
    sim: &onboard::sim::SimHandle,
    dir: &Path,
    file: &Path,
    says: &str,
) {
    let before = write_routes(&sim.stats().await);
    let journal = dir.join("journal.jsonl");
    let out = onboard(
        dir,
        &[
            "apply",
            file.to_str().unwrap(),
            "--api-url",
            &sim.url(),
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(err.contains(says), "{err}");
    assert_eq!(
        write_routes(&sim.stats().await),
        before,
        "no write may reach the org"
    );
}

/// The issue's file: `"Agent` on row 1 opens a quote that never closes. Before, `check`
/// said 0 errors and rows 2–4 vanished; now row 1 is short and its roles cell holds the
/// swallowed lines, both errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbalanced_quote_check_exits_1_and_apply_writes_nothing() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hires.csv");
    let csv = hire_csv(4, "uq");
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    lines[1] = lines[1].replacen(",Agent,Agent,", ",Agent,\"Agent,", 1);
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let (code, json) = check_json(dir.path(), &sim.url(), &file);
    assert_eq!(code, Some(1), "{json:#}");
    assert_eq!(json["rows"], 1, "the quote swallowed rows 2-4");
    let roles: Vec<_> = findings_with(&json, "invalid_value")
        .into_iter()
        .filter(|f| f["field"] == "roles")
        .collect();
    assert_eq!(roles.len(), 1, "{json:#}");
    let msg = roles[0]["message"].as_str().unwrap();
    assert!(msg.contains("opens on line 2 and runs to line 5"), "{msg}");
    assert!(msg.contains("a quote is probably unbalanced"), "{msg}");
    assert_eq!(findings_with(&json, "short_row").len(), 1, "{json:#}");
    assert_eq!(json["summary"]["ready"], 0);

    let text = onboard(
        dir.path(),
        &["check", file.to_str().unwrap(), "--api-url", &sim.url()],
    );
    assert_eq!(text.status.code(), Some(1));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("\nshort_row (error, 1)"), "{text}");
    assert!(text.contains("[roles]: roles holds a line break"), "{text}");

    apply_refuses_without_writes(&sim, dir.path(), &file, "short_row").await;
}

/// Row 2 has 4 of 11 cells: `short_row`, and no bare user is created from it — not without
/// --skip-invalid (nothing at all is written), and not with it (the row is skipped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_row_check_exits_1_and_apply_writes_nothing_unless_skip_invalid() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hires.csv");
    let csv = hire_csv(3, "sr");
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    lines[2] = lines[2].split(',').take(4).collect::<Vec<_>>().join(",");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let (code, json) = check_json(dir.path(), &sim.url(), &file);
    assert_eq!(code, Some(1), "{json:#}");
    let short = findings_with(&json, "short_row");
    assert_eq!(short.len(), 1, "{json:#}");
    assert_eq!(short[0]["row"], 2);
    assert_eq!(short[0]["email"], "sr1@hires.example.com");
    let msg = short[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("4 cells but the header has 11 columns"),
        "{msg}"
    );
    assert_eq!(json["summary"]["ready"], 2);

    apply_refuses_without_writes(&sim, dir.path(), &file, "short_row").await;

    let out = onboard(
        dir.path(),
        &[
            "apply",
            file.to_str().unwrap(),
            "--api-url",
            &sim.url(),
            "--yes",
            "--skip-invalid",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["succeeded"], 2, "{report:#}");
    assert_eq!(report["summary"]["skipped"], 1, "{report:#}");
    sim.with_state(|org| {
        assert!(
            !org.users.iter().any(|u| u.email == "sr1@hires.example.com"),
            "the short row must not become a bare user"
        );
    });
}

/// A JSON export picked by mistake: refused in one line, exit 2, for check and apply, and
/// nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_hire_list_exits_2() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hires.csv");
    std::fs::write(
        &file,
        "[{\"email\": \"a@hires.example.com\", \"name\": \"A\"}]\n",
    )
    .unwrap();
    let before = write_routes(&sim.stats().await);
    for cmd in ["check", "apply"] {
        let out = onboard(
            dir.path(),
            &[
                cmd,
                file.to_str().unwrap(),
                "--api-url",
                &sim.url(),
                "--yes",
            ][..if cmd == "check" { 4 } else { 5 }],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{cmd}: {err}");
        assert!(
            err.contains("hires.csv is not a CSV hire list: it starts like JSON"),
            "{cmd}: {err}"
        );
    }
    assert_eq!(write_routes(&sim.stats().await), before);
}

/// A `;`-separated export (a spreadsheet in a decimal-comma locale) is read, and `check`
/// says so in its text and in the JSON's `notes`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_semicolon_separated_file_is_read_and_said() {
    let sim = sim_with("").await;
    widen_seats(&sim);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hires.csv");
    // Lists inside cells use `|`, the cells `;`.
    let csv = hire_csv(2, "semi").replace(';', "|").replace(',', ";");
    std::fs::write(&file, csv).unwrap();

    let (code, json) = check_json(dir.path(), &sim.url(), &file);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(json["summary"]["ready"], 2);
    let notes = json["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .contains("separated by semicolons (;)"),
        "{notes:?}"
    );
    let out = onboard(
        dir.path(),
        &["check", file.to_str().unwrap(), "--api-url", &sim.url()],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("note: hires.csv is separated by semicolons")),
        "{text}"
    );
}

/// `action=skip` keeps a row in the file without running it: no write for it, and the
/// report says `skipped`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_skip_rows_are_reported_skipped_and_not_written() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hires.csv");
    let csv: Vec<String> = hire_csv(2, "sk")
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},action"),
            2 => format!("{l},Skip"),
            _ => format!("{l},"),
        })
        .collect();
    std::fs::write(&file, csv.join("\n") + "\n").unwrap();
    let out = onboard(
        dir.path(),
        &[
            "apply",
            file.to_str().unwrap(),
            "--api-url",
            &sim.url(),
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["succeeded"], 1, "{report:#}");
    assert_eq!(report["summary"]["skipped"], 1, "{report:#}");
    let row2 = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == 2)
        .unwrap();
    assert_eq!(row2["outcome"], "skipped");
    sim.with_state(|org| {
        assert!(org.users.iter().any(|u| u.email == "sk0@hires.example.com"));
        assert!(!org.users.iter().any(|u| u.email == "sk1@hires.example.com"));
    });
}
