//! Requests per new queue and the achieved rate (spec queues.md §5 "Request cost": target
//! ≤ 3.3 a queue with 3 wrap-up codes and members). The real binary against the simulator
//! over loopback: `onboard check --queues` first (the pre-flight reads alone), then `onboard
//! apply --queues`; the queue phase's cost is the difference, divided by the queues created.
//! Printed twice: with no lag, and with `queue_lag_ms=3000` (settle retries cost requests).
//!
//! Run: `cargo bench --bench queues` (env QUEUE_BENCH_N, default 60; QUEUE_BENCH_RATE
//! creates per minute, default 600).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::sim::{self, FaultSpec, SimConfig};
use std::path::Path;
use std::process::Command;

const CODES: [&str; 6] = [
    "Resolved",
    "Callback Scheduled",
    "Escalated",
    "Sale Made",
    "No Sale",
    "Refund Issued",
];

fn onboard(args: &[&str], home: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .env("ONBOARD_CLIENT_ID", "demo")
        .env("ONBOARD_CLIENT_SECRET", "demo-secret")
        .env("ONBOARD_CONFIG_DIR", home.join("config"))
        .env("ONBOARD_DATA_DIR", home.join("data"))
        .env("HOME", home.join("home"))
        .env("ONBOARD_PROGRESS", "never")
        .output()
        .unwrap()
}

fn scenario(faults: &str, n: usize, rate: u32) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let h = rt
        .block_on(sim::start(SimConfig {
            faults: FaultSpec::parse(faults).unwrap(),
            ..SimConfig::demo()
        }))
        .unwrap();
    let url = h.url();
    let emails: Vec<String> = h.with_state(|o| {
        o.users
            .iter()
            .filter(|u| u.state == onboard::model::UserState::Active)
            .map(|u| u.email.clone())
            .take(20)
            .collect()
    });
    let home = tempfile::tempdir().unwrap();
    let mut csv = String::from("name,description,wrapup_codes,members\n");
    for i in 0..n {
        let codes: Vec<&str> = (0..3).map(|k| CODES[(i + k) % CODES.len()]).collect();
        csv += &format!(
            "Bench Queue {i:04},bench,{},{};{}\n",
            codes.join(";"),
            emails[i % 20],
            emails[(i + 1) % 20]
        );
    }
    let q = home.path().join("queues.csv");
    std::fs::write(&q, csv).unwrap();
    let q = q.to_str().unwrap();
    let requests = || rt.block_on(h.stats()).requests;
    let r0 = requests();
    let out = onboard(&["check", "--queues", q, "--api-url", &url], home.path());
    assert!(out.status.code().is_some_and(|c| c <= 1), "check failed");
    let preflight = requests() - r0;
    let r1 = requests();
    let rate_arg = format!("{rate}/min");
    let out = onboard(
        &[
            "apply",
            "--queues",
            q,
            "--api-url",
            &url,
            "--yes",
            "--format",
            "json",
            "--queue-rate",
            &rate_arg,
        ],
        home.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = requests() - r1;
    let elapsed = report["api"]["elapsed_s"].as_f64().unwrap_or(0.0);
    let phase = total.saturating_sub(preflight);
    println!(
        "queues ({}): {n} new, 3 wrap-up codes and 2 members each",
        if faults.is_empty() {
            "no faults"
        } else {
            faults
        }
    );
    println!(
        "  apply: {total} requests ({preflight} pre-flight reads, as `check` makes them), {:.1} s, failed rows {}",
        elapsed, report["summary"]["failed"]
    );
    println!(
        "  requests per new queue (queue phase): {:.2}   (target ≤ 3.3)",
        phase as f64 / n as f64
    );
    println!(
        "  achieved {:.1} requests/s against 5.0/s allowed per token (300/60 s; the pool holds up to 10 tokens); creates {:.0}/min against --queue-rate {rate}/min",
        total as f64 / elapsed.max(1e-9),
        n as f64 / elapsed.max(1e-9) * 60.0
    );
}

fn main() {
    let n: usize = std::env::var("QUEUE_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let rate: u32 = std::env::var("QUEUE_BENCH_RATE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    scenario("", n, rate);
    scenario("queue_lag_ms=3000", n, rate);
}
