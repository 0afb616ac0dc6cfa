//! Token-pool benchmark (issue 12): a list of new hires with external ids, at a per-token
//! limit (default 300 per 6 s), run end to end — snapshot and apply — with one token and
//! with a pool; then a re-run of the finished list. Prints requests per created user (all
//! included), wall times and their ratio (both runs in this one process, so the ratio
//! holds on a noisy machine), 429s, and the re-run's requests per row and writes. Asserts
//! nothing about time.
//!
//! `cargo bench --bench pool` (env BENCH_ROWS, BENCH_RATE=N/SECONDS, BENCH_TOKENS).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use onboard::genesys::{Client, ClientConfig, Secret};
use onboard::sim::{self, RateLimit, SimConfig, SimHandle};
use std::time::Instant;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pool_client(url: &str, tokens: usize) -> Client {
    let u = url::Url::parse(url).unwrap();
    let mut cfg = ClientConfig::new(
        u.clone(),
        u,
        common::CLIENT_ID,
        Secret::new(common::CLIENT_SECRET),
    );
    cfg.tokens = tokens;
    cfg.jitter_seed = Some(7);
    Client::new(cfg).unwrap()
}

struct Run {
    /// Requests by route (token requests left out).
    routes: std::collections::BTreeMap<String, u64>,
    secs: f64,
    requests: u64,
    writes: u64,
    throttled: u64,
    created: usize,
}

/// Snapshot + pre-flight + apply of `csv` on `sim`, counted at the simulator.
async fn run_once(sim: &SimHandle, client: &Client, csv: &str, journal: &std::path::Path) -> Run {
    let before = sim.stats().await;
    let t0 = Instant::now();
    let list = common::ingest(csv);
    let checked = common::check(client, &list).await;
    assert!(!checked.has_errors());
    let report = common::run(client, &checked, journal).await;
    let secs = t0.elapsed().as_secs_f64();
    let after = sim.stats().await;
    let token_reqs =
        |s: &onboard::sim::SimStats| s.by_route.get("POST /oauth/token").copied().unwrap_or(0);
    let routes = after
        .by_route
        .iter()
        .filter(|(r, _)| r.as_str() != "POST /oauth/token")
        .map(|(r, n)| (r.clone(), n - before.by_route.get(r).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    Run {
        routes,
        secs,
        requests: (after.requests - token_reqs(&after)) - (before.requests - token_reqs(&before)),
        writes: common::writes(&after) - common::writes(&before),
        throttled: after.by_status.get("429").copied().unwrap_or(0)
            - before.by_status.get("429").copied().unwrap_or(0),
        created: report
            .rows
            .iter()
            .filter(|r| r.outcome == onboard::model::Outcome::Created)
            .count(),
    }
}

async fn provision(rows: usize, limit: Option<RateLimit>, tokens: usize, tag: &str) -> (Run, Run) {
    let sim = sim::start(SimConfig {
        rate_limit: limit,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    common::widen_seats(&sim);
    let client = pool_client(&sim.url(), tokens);
    let dir = tempfile::tempdir().unwrap();
    let csv = common::hire_csv(rows, tag);
    let first = run_once(&sim, &client, &csv, &dir.path().join("j.jsonl")).await;
    let again = run_once(&sim, &client, &csv, &dir.path().join("j.jsonl")).await;
    println!(
        "  {tokens:>2} token(s): live at the end {:?}",
        client.tokens()
    );
    (first, again)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: usize = env_or("BENCH_ROWS", 300);
    let tokens: usize = env_or("BENCH_TOKENS", 10);
    let rate = std::env::var("BENCH_RATE").unwrap_or_else(|_| "300/6".into());
    let limit = RateLimit::parse(&rate).unwrap();
    println!("pool bench: {rows} new hires with external ids, per-token limit {rate}");
    let (one, _) = provision(rows, limit, 1, "one").await;
    let (pool, rerun) = provision(rows, limit, tokens, "pool").await;
    for (name, r) in [("1 token", &one), ("pool", &pool)] {
        println!(
            "  {name:<8} {:>6.1} s  {:>5} requests ({:.3} per created user, snapshot included; floor 5.0, target <= 5.1)  {} x 429  {} created",
            r.secs,
            r.requests,
            r.requests as f64 / r.created.max(1) as f64,
            r.throttled,
            r.created
        );
    }
    println!(
        "  wall time pool / 1 token: {:.3} (target <= 0.15)",
        pool.secs / one.secs
    );
    if std::env::var_os("BENCH_ROUTES").is_some() {
        for (name, r) in [("first run", &pool), ("re-run", &rerun)] {
            println!("  {name} by route:");
            for (route, n) in &r.routes {
                println!("    {n:>6}  {route}");
            }
        }
    }
    println!(
        "  re-run of the finished list: {} requests ({:.3} per row; target <= 1.2), {} writes, {:.1} s",
        rerun.requests,
        rerun.requests as f64 / rows as f64,
        rerun.writes,
        rerun.secs
    );
}
