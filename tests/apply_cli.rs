//! `onboard apply` as a user runs it: the real binary against the simulator over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Killed with SIGKILL at several points and re-run: every row ends provisioned exactly
/// once — nothing lost, nothing duplicated — and the final run's report says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_several_points_then_resume() {
    let sim = sim_with("seed=5,latency_ms=1-3").await;
    widen_seats(&sim);
    let dir = tempfile::tempdir().unwrap();
    let hires = dir.path().join("hires.csv");
    std::fs::write(&hires, hire_csv(90, "k")).unwrap();
    let journal = dir.path().join("journal.jsonl");
    let url = sim.url();

    for delta in [3usize, 120, 250] {
        let start = journal_lines(&journal);
        let mut child = onboard(dir.path())
            .args(["apply", hires.to_str().unwrap(), "--api-url", &url, "--yes"])
            .args(["--journal", journal.to_str().unwrap(), "--format", "json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the run has journaled `delta` more records, then kill it.
        let killed = await_journal(&mut child, &journal, start + delta).await;
        if killed {
            child.kill().unwrap();
        }
        let _ = child.wait();
        assert!(
            killed,
            "the run finished before {delta} records; kill earlier"
        );
        assert_eq!(sim.stats().await.duplicate_emails, 0);
        sim.with_state(|org| {
            for i in 0..90 {
                let email = format!("k{i}@hires.example.com");
                assert!(org.users.iter().filter(|u| u.email == email).count() <= 1);
            }
        });
    }

    let out = onboard(dir.path())
        .args(["apply", hires.to_str().unwrap(), "--api-url", &url, "--yes"])
        .args(["--journal", journal.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["failed"], 0, "{report:#}");
    assert_eq!(report["summary"]["total"], 90);
    assert_provisioned(&sim, 90, "k");
    assert_eq!(sim.stats().await.duplicate_emails, 0);
}

/// Bad input: a clear one-line message, exit 2, nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_file_and_bad_credentials_exit_2_without_writes() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let before = writes(&sim.stats().await);

    let out = onboard(dir.path())
        .args([
            "apply",
            "/nonexistent/hires.csv",
            "--api-url",
            &sim.url(),
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/hires.csv"), "{err}");

    let hires = dir.path().join("hires.csv");
    std::fs::write(&hires, hire_csv(3, "b")).unwrap();
    let out = onboard(dir.path())
        .env("ONBOARD_CLIENT_SECRET", "wrong")
        .args([
            "apply",
            hires.to_str().unwrap(),
            "--api-url",
            &sim.url(),
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("wrong"),
        "the secret must not be echoed: {err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(writes(&sim.stats().await), before);
}

/// Error findings abort before the first write unless --skip-invalid; with it, the valid
/// rows run and the invalid ones are reported as skipped. Passwords go only to their file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_abort_unless_skip_invalid_and_passwords_stay_in_their_file() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let hires = dir.path().join("hires.csv");
    let mut csv = hire_csv(2, "p");
    csv.push_str(
        "bad@hires.example.com,Bad,Row,Support,,,Agent,Biling:3,English:5,Support Tier 1,\n",
    );
    std::fs::write(&hires, &csv).unwrap();
    let journal = dir.path().join("j.jsonl");
    let before = writes(&sim.stats().await);
    let out = onboard(dir.path())
        .args([
            "apply",
            hires.to_str().unwrap(),
            "--api-url",
            &sim.url(),
            "--yes",
        ])
        .args(["--journal", journal.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown_skill"));
    assert_eq!(writes(&sim.stats().await), before, "nothing may be written");

    let pw = dir.path().join("passwords.csv");
    let report_path = dir.path().join("report.json");
    let out = onboard(dir.path())
        .args([
            "apply",
            hires.to_str().unwrap(),
            "--api-url",
            &sim.url(),
            "--yes",
        ])
        .args(["--journal", journal.to_str().unwrap(), "--skip-invalid"])
        .args(["--passwords", pw.to_str().unwrap(), "--format", "json"])
        .args(["--report", report_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["succeeded"], 2);
    assert_eq!(report["summary"]["skipped"], 1);
    let from_file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(from_file, report);

    let pw_text = std::fs::read_to_string(&pw).unwrap();
    let passwords: Vec<&str> = pw_text
        .lines()
        .map(|l| l.split_once(',').unwrap().1)
        .collect();
    assert_eq!(passwords.len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pw).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The passwords appear nowhere else: stdout, stderr, report, journal.
    let elsewhere = [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(&report_path).unwrap(),
        std::fs::read_to_string(&journal).unwrap(),
    ];
    for p in passwords {
        assert!(p.len() >= 16);
        for text in &elsewhere {
            assert!(!text.contains(p), "a password leaked");
        }
    }
}

/// Ctrl-C (SIGINT) stops cleanly: in-flight steps finish, the journal stays readable, the
/// exit code says the run did not finish, and the same command afterwards completes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_and_the_same_command_resumes() {
    let sim = sim_with("seed=9,latency_ms=2-6").await;
    widen_seats(&sim);
    let dir = tempfile::tempdir().unwrap();
    let hires = dir.path().join("hires.csv");
    std::fs::write(&hires, hire_csv(60, "c")).unwrap();
    let journal = dir.path().join("journal.jsonl");
    let url = sim.url();
    let mut child = onboard(dir.path())
        .args(["apply", hires.to_str().unwrap(), "--api-url", &url, "--yes"])
        .args(["--journal", journal.to_str().unwrap(), "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let interrupted = await_journal(&mut child, &journal, 40).await;
    if interrupted {
        let st = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(st.success());
    }
    let out = child.wait_with_output().unwrap();
    assert!(interrupted, "the run ended before it could be interrupted");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("resume"), "{stderr}");
    // Every journal line is whole: nothing torn by the stop.
    for line in std::fs::read_to_string(&journal).unwrap().lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["summary"]["succeeded"].as_u64().unwrap() < 60);

    let out = onboard(dir.path())
        .args(["apply", hires.to_str().unwrap(), "--api-url", &url, "--yes"])
        .args(["--journal", journal.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_provisioned(&sim, 60, "c");
    assert_eq!(sim.stats().await.duplicate_emails, 0);
}

/// The admin's loop with the real binary: a row fails at run time (a queue at its member
/// limit), the cause is fixed, the list is edited, and `--only-failed` retries just that
/// row — found in the journal of the list as it was before the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_failed_retries_the_failed_row_even_after_the_list_was_edited() {
    let sim = sim_with("seed=4").await;
    let dir = tempfile::tempdir().unwrap();
    let hires = dir.path().join("hires.csv");
    let mut csv = String::from("email,name,division,roles,queues,title\n");
    for i in 0..3 {
        csv.push_str(&format!(
            "q{i}@hires.example.com,Queue Hire {i},Billing,Agent,Billing Tier 2,Agent\n"
        ));
    }
    std::fs::write(&hires, &csv).unwrap();
    let url = sim.url();
    let run = |extra: &[&str]| {
        let mut c = onboard(dir.path());
        c.args(["apply", hires.to_str().unwrap(), "--api-url", &url, "--yes"])
            .args(["--format", "json"])
            .args(extra);
        c.output().unwrap()
    };
    let out = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["failed"], 1);
    // The failed row is written as a hire list that loads back.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let csv_path = stderr
        .lines()
        .find_map(|l| l.split(" written to ").nth(1))
        .and_then(|rest| rest.split(" (fix").next())
        .unwrap_or_else(|| panic!("no failed-rows file named in: {stderr}"));
    let failed_list = onboard::ingest::read_path(Path::new(csv_path)).unwrap();
    assert_eq!(failed_list.rows.len(), 1);
    assert_eq!(
        failed_list.headers,
        vec!["email", "name", "division", "roles", "queues", "title"]
    );

    sim.with_state_mut(|org| {
        org.queues
            .iter_mut()
            .find(|q| q.name == "Billing Tier 2")
            .unwrap()
            .member_limit = Some(50);
    });
    // The admin also touches the list (a title), so its content and journal name change.
    std::fs::write(&hires, csv.replace(",Agent\n", ",Senior Agent\n")).unwrap();
    let out = run(&["--only-failed"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("this list changed since"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["total"], 1, "{report:#}");
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["rows"][0]["outcome"], "created");
    sim.with_state(|org| {
        let q = org
            .queues
            .iter()
            .find(|q| q.name == "Billing Tier 2")
            .unwrap();
        assert_eq!(q.members.len(), 21);
    });
}
