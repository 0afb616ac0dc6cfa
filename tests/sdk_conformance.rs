#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Conformance with Genesys's official Python SDK: starts two simulators in-process (one
//! without a rate limit, one limited to 3 requests per second) and runs
//! tests/sdk/conformance.py against them with $ONBOARD_SDK_PYTHON (or `python3` if it can
//! import the SDK). When ONBOARD_SDK_PYTHON is set, any failure fails the test; without it
//! and without the SDK, the test prints a SKIPPED line.

use onboard::sim::{self, RateLimit, SimConfig};
use std::process::Command;

fn python() -> Option<String> {
    if let Ok(p) = std::env::var("ONBOARD_SDK_PYTHON") {
        return Some(p);
    }
    let ok = Command::new("python3")
        .args(["-c", "import PureCloudPlatformClientV2"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then(|| "python3".to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_conformance() {
    let Some(py) = python() else {
        println!(
            "SKIPPED official_python_sdk_conformance: set ONBOARD_SDK_PYTHON to a python with \
             `pip install purecloudplatformclientv2` (see .ci/run)"
        );
        return;
    };
    let open = sim::start(SimConfig {
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let limited = sim::start(SimConfig {
        rate_limit: RateLimit::parse("3/1").unwrap(),
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/conformance.py");
    let (a, b) = (open.url(), limited.url());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&py)
            .args([script, &a, &b])
            .output()
            .expect("run the python SDK conformance script")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "SDK conformance failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("OK "), "{stdout}");
    // The script's calls reached the simulator.
    let stats = open.stats().await;
    assert!(stats.by_route["POST /api/v2/users"] >= 7);
    assert_eq!(stats.duplicate_emails, 0);
    open.shutdown().await;
    limited.shutdown().await;
}
