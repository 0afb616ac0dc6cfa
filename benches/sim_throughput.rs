//! Simulator throughput: rate limit off, N concurrent reqwest clients over loopback for a
//! few seconds each, on simple GETs. Prints requests/s (target ≥ 3,000/s on 2 cores).
//!
//! Run: `cargo bench --bench sim_throughput` (env SIM_BENCH_SECS, SIM_BENCH_CLIENTS).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use onboard::sim::{self, SimConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

async fn run(url: String, token: String, path: String, clients: usize, secs: u64) -> (f64, u64) {
    let done = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let bad = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (done, ok, bad) = (done.clone(), ok.clone(), bad.clone());
        let (url, token, path) = (url.clone(), token.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let target = format!("{url}{path}");
            while !done.load(Ordering::Relaxed) {
                match c.get(&target).bearer_auth(&token).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        bad.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    done.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    let n = ok.load(Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    (n as f64 / elapsed, bad.load(Ordering::Relaxed))
}

fn main() {
    let secs: u64 = std::env::var("SIM_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let clients: usize = std::env::var("SIM_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let h = sim::start(SimConfig {
            rate_limit: None,
            ..SimConfig::demo()
        })
        .await
        .unwrap();
        let url = h.url();
        let token = common::demo_token(&url).await;
        let (skill, user) = h.with_state(|o| (o.skills[0].id.clone(), o.users[1].id.clone()));
        println!("sim_throughput: {clients} concurrent clients, {secs} s per case, rate limit off");
        for (name, path) in [
            (
                "GET /api/v2/routing/skills/{skillId}",
                format!("/api/v2/routing/skills/{skill}"),
            ),
            (
                "GET /api/v2/users/{userId}",
                format!("/api/v2/users/{user}"),
            ),
            (
                "GET /api/v2/users?pageSize=25",
                "/api/v2/users?pageSize=25".to_string(),
            ),
        ] {
            let (rps, errors) = run(url.clone(), token.clone(), path, clients, secs).await;
            println!("  {name:<40} {rps:>9.0} requests/s  ({errors} errors)");
        }
        h.shutdown().await;
    });
}
