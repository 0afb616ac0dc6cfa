//! Engine benchmark (issue 5): requests per created user, and the achieved request rate
//! against the org's allowed rate, on a list of new users with 2 skills, 1 language,
//! 3 queues, 1 role and an external id each. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench engine` (env BENCH_ROWS, BENCH_RATE=N/SECONDS to change the shape).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use onboard::sim::{self, FaultSpec, RateLimit, SimConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let rate = std::env::var("BENCH_RATE").unwrap_or_else(|_| "600/20".into());
    let limit = RateLimit::parse(&rate).unwrap();
    let cfg = SimConfig {
        rate_limit: limit,
        faults: FaultSpec::default(),
        ..SimConfig::demo()
    };
    let sim = sim::start(cfg).await.unwrap();
    common::widen_seats(&sim);
    let client = common::client(&sim.url());
    let list = common::ingest(&common::hire_csv(rows, "bench"));
    let checked = common::check(&client, &list).await;
    assert!(!checked.has_errors());
    let estimate = onboard::engine::estimate_requests(&checked.plan.rows, Default::default());
    let dir = tempfile::tempdir().unwrap();
    let start_stats = sim.stats().await;
    let t0 = std::time::Instant::now();
    let report = common::run(&client, &checked, &dir.path().join("j.jsonl")).await;
    let secs = t0.elapsed().as_secs_f64();
    let end_stats = sim.stats().await;
    let created = report
        .rows
        .iter()
        .filter(|r| r.outcome == onboard::model::Outcome::Created)
        .count();
    let served = end_stats.requests - start_stats.requests;
    let allowed = limit.map(|l| l.max as f64 / l.window.as_secs_f64());
    println!("engine bench: {rows} rows, rate limit {rate}");
    println!("  created            {created}");
    println!("  estimate           {estimate} requests");
    println!(
        "  api.requests       {} ({:.3} per created user; floor 4.0, target <= 4.2)",
        report.api.requests,
        report.api.requests as f64 / created.max(1) as f64
    );
    println!("  served by sim      {served} (incl. token requests)");
    println!("  throttled (429)    {}", report.api.throttled);
    println!("  retries            {}", report.api.retries);
    println!("  elapsed            {secs:.1} s");
    let achieved = report.api.requests as f64 / secs;
    match allowed {
        Some(a) => println!(
            "  achieved rate      {achieved:.2} req/s of {a:.2} allowed ({:.0}%)",
            100.0 * achieved / a
        ),
        None => println!("  achieved rate      {achieved:.2} req/s (no limit)"),
    }
}
