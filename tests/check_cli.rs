//! `onboard check` end to end: the real binary against the simulator (demo org) over HTTP.
//! The JSON for assets/demo/hires.csv must match tests/fixtures/check_demo.json
//! (regenerate with `ONBOARD_UPDATE_FIXTURES=1 cargo test --test check_cli`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::model::FindingCode;
use onboard::sim::{self, SimConfig, SimHandle};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Sim {
    _rt: tokio::runtime::Runtime,
    handle: SimHandle,
}

fn start_sim() -> Sim {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = rt
        .block_on(sim::start(SimConfig {
            rate_limit: None,
            ..SimConfig::demo()
        }))
        .unwrap();
    Sim { _rt: rt, handle }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn onboard(args: &[&str], secret: &str, home: &Path) -> Output {
    onboard_env(args, secret, home, &[])
}

fn onboard_env(args: &[&str], secret: &str, home: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .env("ONBOARD_CLIENT_ID", "demo")
        .env("ONBOARD_CLIENT_SECRET", secret)
        .env("ONBOARD_CONFIG_DIR", home.join("config"))
        .env("ONBOARD_DATA_DIR", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("HOME", home.join("home"))
        .output()
        .unwrap()
}

#[test]
fn check_demo_list_json_matches_fixture_and_text_covers_every_code() {
    let sim = start_sim();
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();

    let out = onboard(
        &[
            "check",
            "assets/demo/hires.csv",
            "--api-url",
            &url,
            "--format",
            "json",
        ],
        "demo-secret",
        home.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    // every finding code of docs/contract.md §3 appears, with a message
    let codes: Vec<&str> = got["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // org_not_checked is the TUI's, for a load stopped part-way: check always finishes.
    for c in FindingCode::ALL
        .iter()
        .filter(|c| **c != FindingCode::OrgNotChecked)
    {
        assert!(codes.contains(&c.as_str()), "missing {}", c.as_str());
    }
    assert_eq!(got["file"], "hires.csv");
    assert_eq!(got["rows"], 150);

    let fixture = root().join("tests/fixtures/check_demo.json");
    if std::env::var_os("ONBOARD_UPDATE_FIXTURES").is_some() {
        std::fs::write(&fixture, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
    }
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    if got != want {
        let (g, w) = (
            got["findings"].as_array().unwrap(),
            want["findings"].as_array().unwrap(),
        );
        for (a, b) in g.iter().zip(w) {
            assert_eq!(a, b, "first differing finding");
        }
        assert_eq!(got, want, "check JSON differs from {}", fixture.display());
    }

    // text output: summary first, findings grouped by code with row, line and email
    let out = onboard(
        &["check", "assets/demo/hires.csv", "--api-url", &url],
        "demo-secret",
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("hires.csv: 150 rows — "), "{text}");
    // org_not_checked is the TUI's, for a load stopped part-way: check always finishes.
    for c in FindingCode::ALL
        .iter()
        .filter(|c| **c != FindingCode::OrgNotChecked)
    {
        assert!(
            text.contains(&format!("\n{} (", c.as_str())),
            "text lacks {}",
            c.as_str()
        );
    }
    assert!(text.contains(
        "(line 139) talia.baker@example.com [skills]: skill 'Biling' does not exist in the org — did you mean 'Billing'?"
    ), "{text}");
}

#[test]
fn exit_codes() {
    let sim = start_sim();
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();

    // a clean list → 0
    let clean = dir.path().join("clean.csv");
    std::fs::write(
        &clean,
        "email,name,division,roles,queues,skills\nnew.person@example.com,New Person,Support,Agent,Support Tier 1,Technical Support:3\n",
    )
    .unwrap();
    let out = onboard(
        &["check", clean.to_str().unwrap(), "--api-url", &url],
        "demo-secret",
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // control characters from the file never reach the terminal raw
    let evil = dir.path().join("evil.csv");
    std::fs::write(
        &evil,
        "email,name,skills\nx@example.com,X,\"Bil\x1b[31mling:3\"\n",
    )
    .unwrap();
    let out = onboard(
        &["check", evil.to_str().unwrap(), "--api-url", &url],
        "demo-secret",
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stdout.contains(&0x1b), "raw escape in output");

    // unreadable file → 2, one line naming it
    let out = onboard(
        &["check", "no/such/file.csv", "--api-url", &url],
        "demo-secret",
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/file.csv"), "{err}");

    // not UTF-8 → 2, naming the line
    let bad = dir.path().join("latin1.csv");
    std::fs::write(&bad, b"email,name\nx@example.com,Jos\xe9\n").unwrap();
    let out = onboard(
        &["check", bad.to_str().unwrap(), "--api-url", &url],
        "demo-secret",
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));

    // wrong secret → 2
    let out = onboard(
        &["check", clean.to_str().unwrap(), "--api-url", &url],
        "wrong",
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("wrong"));
}

/// The load's progress line goes to stderr only (drawn as on a terminal here, with
/// ONBOARD_PROGRESS=always): stdout stays one JSON document.
#[test]
fn progress_goes_to_stderr_never_into_the_json() {
    let sim = start_sim();
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let out = onboard_env(
        &[
            "check",
            "assets/demo/hires.csv",
            "--api-url",
            &url,
            "--format",
            "json",
        ],
        "demo-secret",
        home.path(),
        &[("ONBOARD_PROGRESS", "always")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("loading the org:") && stderr.contains("identities"),
        "progress on stderr: {stderr}"
    );
    assert!(stderr.contains("lists loaded"), "{stderr}");
    assert!(
        !stdout.contains("loading the org") && !stdout.contains('\r'),
        "no progress in stdout"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON");
    assert!(json["findings"].is_array());

    // Not a terminal (the default under a test harness): no progress line at all for a
    // load this short.
    let out = onboard(
        &[
            "check",
            "assets/demo/hires.csv",
            "--api-url",
            &url,
            "--format",
            "json",
        ],
        "demo-secret",
        home.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("loading the org:"), "{stderr}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("stdout is one JSON");
}
