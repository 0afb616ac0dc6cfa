#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Conformance with Genesys's official Python SDK: starts simulators in-process (one
//! without a rate limit, one limited to 3 requests per second, one with the queue org of
//! `tests/common/queue_org.rs`, one with the sibling org `assets/demo/sibling.json`) and runs
//! tests/sdk/conformance.py against them; then reads a queue through the SDK before and after
//! `onboard apply --queues` changes only its description (tests/sdk/queue_to_dict.py).
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
    let sibling = sim::start(SimConfig {
        seed: sim::Seed::from_file(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/sibling.json"
        )))
        .unwrap(),
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/conformance.py");
    let (a, b, c, d) = (open.url(), limited.url(), queues.url(), sibling.url());
    let ids = format!(
        "{},{},{},{},{}",
        queue_org::PREMIUM,
        queue_org::CALL_FLOW,
        queue_org::INBOUND_FLOW,
        queue_org::BILLING_EXPERTS,
        queue_org::NIGHT_SHIFT
    );
    let py2 = py.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&py2)
            .args([script, &a, &b, &c, &ids, &d])
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
    for route in [
        "POST /api/v2/routing/skills",
        "POST /api/v2/routing/languages",
        "PUT /api/v2/routing/users/{userId}/utilization",
        "GET /api/v2/authorization/roles/{roleId}",
        "GET /api/v2/users/{userId}/queues",
    ] {
        assert!(
            stats.by_route.get(route).copied().unwrap_or(0) >= 1,
            "the SDK never called {route}"
        );
    }
    queues.shutdown().await;
    open.shutdown().await;
    limited.shutdown().await;
    sibling.shutdown().await;
    description_only_apply_read_back_through_the_sdk(py).await;
}

/// `GET /routing/queues/{id}` through the SDK, as its `to_dict()` in JSON.
async fn sdk_queue(py: &Path, url: &str, id: &str) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/queue_to_dict.py");
    let (py, url, id) = (py.to_path_buf(), url.to_string(), id.to_string());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&py)
            .args([script, &url, &id])
            .output()
            .expect("run queue_to_dict.py")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "queue_to_dict.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Issue 15's partial-PUT guard seen by the official SDK: `onboard apply --queues` changing
/// only the description of the queue whose every setting is away from the defaults leaves
/// every other field of the SDK's `to_dict()` equal (the stamps of the write aside).
async fn description_only_apply_read_back_through_the_sdk(py: PathBuf) {
    let sim = sim::start(SimConfig {
        seed: queue_org::queue_seed(),
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let url = sim.url();
    let before = sdk_queue(&py, &url, queue_org::PREMIUM).await;
    let home = tempfile::tempdir().unwrap();
    let list = home.path().join("queues.csv");
    std::fs::write(
        &list,
        "name,description\nPremium Billing,Changed by onboard\n",
    )
    .unwrap();
    let (h, l, u) = (home.path().to_path_buf(), list.clone(), url.clone());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_onboard"))
            .args(["apply", "--queues"])
            .arg(&l)
            .args(["--api-url", &u, "--yes", "--format", "json"])
            .env("ONBOARD_CLIENT_ID", "demo")
            .env("ONBOARD_CLIENT_SECRET", "demo-secret")
            .env("ONBOARD_CONFIG_DIR", h.join("config"))
            .env("ONBOARD_DATA_DIR", h.join("data"))
            .env("XDG_CONFIG_HOME", h.join("xdg-config"))
            .env("XDG_DATA_HOME", h.join("xdg-data"))
            .env("HOME", h.join("home"))
            .env("ONBOARD_PROGRESS", "never")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "onboard apply --queues: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = sdk_queue(&py, &url, queue_org::PREMIUM).await;
    assert_eq!(after["description"], "Changed by onboard");
    let (mut want, mut got) = (before.clone(), after.clone());
    for v in [&mut want, &mut got] {
        let o = v.as_object_mut().unwrap();
        for k in ["description", "date_modified", "modified_by"] {
            o.remove(k);
        }
    }
    assert!(want.as_object().unwrap().len() > 20, "{want}");
    assert!(!before["bullseye"].is_null() && !before["outbound_email_address"].is_null());
    assert_eq!(
        serde_json::to_string(&got).unwrap(),
        serde_json::to_string(&want).unwrap()
    );
    sim.shutdown().await;
}
