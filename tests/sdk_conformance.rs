#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Conformance with Genesys's official Python SDK: starts two simulators in-process (one
//! without a rate limit, one limited to 3 requests per second, one with the queue org of
//! `tests/common/queue_org.rs`) and runs tests/sdk/conformance.py against them.
//!
//! The Python comes from `$ONBOARD_SDK_PYTHON` (CI's `.ci/run` sets it); else, on a machine
//! with `python3`, the test sets the SDK up by itself in a venv under `target/sdk-venv`
//! (`pip install purecloudplatformclientv2`) and fails with a clear message when it cannot.
//! It never passes by skipping: only `ONBOARD_SDK_SKIP=1` (or no `python3` at all) skips it,
//! and it says so.

#[path = "common/queue_org.rs"]
mod queue_org;

use onboard::sim::{self, RateLimit, SimConfig};
use std::path::{Path, PathBuf};
use std::process::Command;

const SDK_PACKAGE: &str = "purecloudplatformclientv2";

fn imports_sdk(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import PureCloudPlatformClientV2"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Runs a set-up step; a failure is a test failure that says what to do.
fn step(what: &str, cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("SDK set-up: cannot {what}: {e}"));
    assert!(
        out.status.success(),
        "SDK set-up: cannot {what} (exit {:?}):\n{}\n{}\nSet ONBOARD_SDK_PYTHON to a python \
         that has `pip install {SDK_PACKAGE}`, or ONBOARD_SDK_SKIP=1 to skip this test.",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Python to run the script with: `$ONBOARD_SDK_PYTHON`, else a venv under `target/`
/// with the SDK (made on first use). `None` only when skipping is asked for or there is no
/// `python3`.
fn python() -> Option<PathBuf> {
    if std::env::var("ONBOARD_SDK_SKIP").is_ok_and(|v| v == "1") {
        println!("SKIPPED official_python_sdk_conformance: ONBOARD_SDK_SKIP=1");
        return None;
    }
    if let Some(p) = std::env::var_os("ONBOARD_SDK_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let has_python3 = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_python3 {
        println!(
            "SKIPPED official_python_sdk_conformance: no python3 on this machine (install it, \
             or set ONBOARD_SDK_PYTHON)"
        );
        return None;
    }
    let venv = target_dir().join("sdk-venv");
    let py = venv.join("bin").join("python");
    if py.exists() && imports_sdk(&py) {
        return Some(py);
    }
    println!("setting up the official SDK in {} …", venv.display());
    if !py.exists() {
        step(
            "create a venv with `python3 -m venv` (on Debian/Ubuntu: apt-get install python3-venv)",
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
        );
    }
    step(
        &format!("pip install {SDK_PACKAGE} (is PyPI reachable?)"),
        Command::new(&py).args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            SDK_PACKAGE,
        ]),
    );
    assert!(
        imports_sdk(&py),
        "SDK set-up: {SDK_PACKAGE} installed in {} but `import PureCloudPlatformClientV2` fails",
        venv.display()
    );
    Some(py)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_conformance() {
    // `python()` prints why when it skips.
    let Some(py) = python() else { return };
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
    let queues = sim::start(SimConfig {
        seed: queue_org::queue_seed(),
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/conformance.py");
    let (a, b, c) = (open.url(), limited.url(), queues.url());
    let ids = format!(
        "{},{},{},{},{}",
        queue_org::PREMIUM,
        queue_org::CALL_FLOW,
        queue_org::INBOUND_FLOW,
        queue_org::BILLING_EXPERTS,
        queue_org::NIGHT_SHIFT
    );
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&py)
            .args([script, &a, &b, &c, &ids])
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
    assert!(stats.by_route["POST /api/v2/users"] >= 10);
    assert_eq!(stats.duplicate_emails, 0);
    let qs = queues.stats().await;
    for route in [
        "POST /api/v2/routing/queues",
        "PUT /api/v2/routing/queues/{queueId}",
        "GET /api/v2/routing/queues/{queueId}",
        "POST /api/v2/routing/queues/{queueId}/wrapupcodes",
        "GET /api/v2/routing/queues/{queueId}/wrapupcodes",
        "DELETE /api/v2/routing/queues/{queueId}/wrapupcodes/{codeId}",
        "GET /api/v2/flows",
        "GET /api/v2/routing/skillgroups",
    ] {
        assert!(
            qs.by_route.get(route).copied().unwrap_or(0) >= 1,
            "the SDK never called {route}"
        );
    }
    assert_eq!(qs.duplicate_queue_names, 0);
    queues.shutdown().await;
    open.shutdown().await;
    limited.shutdown().await;
}
