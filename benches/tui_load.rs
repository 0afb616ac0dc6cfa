//! The TUI's load of a big list (issue 12): a generated list of new hires with external ids
//! (default 20,000) at a per-token limit (default 300 per 6 s) with the default pool of 10
//! tokens, through the real driver, `update`, views (TestBackend 120×40) and LiveServices
//! against the simulator. Prints the time until the table's rows are shown (target 2 s),
//! until every row is settled, and until the full pre-flight completes (target 60 s), with
//! the frames drawn and requests made. Asserts nothing about time.
//!
//! `cargo bench --bench tui_load` (env BENCH_ROWS, BENCH_RATE=N/SECONDS, BENCH_TOKENS).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use onboard::cli::tui::{LiveServices, OrgSpec};
use onboard::genesys::{Client, ClientConfig, Secret, SnapshotOptions};
use onboard::sim::{self, RateLimit, SimConfig};
use onboard::tui::app::{App, Target};
use onboard::tui::driver::Driver;
use onboard::tui::theme::Theme;
use onboard::tui::update::start_load;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Instant;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: usize = env_or("BENCH_ROWS", 20_000);
    let tokens: usize = env_or("BENCH_TOKENS", 10);
    let rate = std::env::var("BENCH_RATE").unwrap_or_else(|_| "300/6".into());
    let limit = RateLimit::parse(&rate).unwrap();
    println!(
        "tui load bench: {rows} new hires with external ids, per-token limit {rate}, {tokens} tokens"
    );
    let sim = sim::start(SimConfig {
        rate_limit: limit,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    common::widen_seats(&sim);
    let u = url::Url::parse(&sim.url()).unwrap();
    let mut cfg = ClientConfig::new(
        u.clone(),
        u,
        common::CLIENT_ID,
        Secret::new(common::CLIENT_SECRET),
    );
    cfg.tokens = tokens;
    cfg.jitter_seed = Some(7);
    let client = Client::new(cfg).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hires.csv");
    std::fs::write(&path, common::hire_csv(rows, "tuiload")).unwrap();
    let services = LiveServices::new(
        vec![OrgSpec::Client {
            client,
            opts: SnapshotOptions::default(),
        }],
        Some(dir.path().join("data")),
    );
    let mut app = App::new(Theme::plain(), (120, 40));
    app.load.targets = vec![Target {
        label: "sim".into(),
        ..Default::default()
    }];
    let mut d = Driver::new(
        app,
        Terminal::new(TestBackend::new(120, 40)).unwrap(),
        Arc::new(services),
        None,
    );
    let before = sim.stats().await.requests;
    let t0 = Instant::now();
    for c in start_load(&mut d.app, path) {
        d.exec_cmd(c);
    }
    d.run_until(usize::MAX, |a| {
        a.session.is_some() || a.load.error.is_some()
    })
    .await;
    let shown = t0.elapsed().as_secs_f64();
    let frames_shown = d.frames;
    d.run_until(usize::MAX, |a| {
        a.session
            .as_ref()
            .is_some_and(|s| s.snapshot.org_id.is_some())
            || !a.load.loading
    })
    .await;
    let lists = t0.elapsed().as_secs_f64();
    d.run_until(usize::MAX, |a| {
        a.session
            .as_ref()
            .is_some_and(|s| !s.checking.is_empty() && s.checking_count == 0)
            || !a.load.loading
    })
    .await;
    let settled = t0.elapsed().as_secs_f64();
    d.run_until(usize::MAX, |a| !a.load.loading).await;
    let full = t0.elapsed().as_secs_f64();
    if let Some(e) = &d.app.load.error {
        println!("  load failed: {e}");
        return;
    }
    let s = d.app.session.as_ref().unwrap();
    let requests = sim.stats().await.requests - before;
    let throttled = sim.stats().await.by_status.get("429").copied().unwrap_or(0);
    println!(
        "  rows shown:            {shown:>6.2} s (target <= 2 s; {frames_shown} frame(s) drawn by then)"
    );
    println!("  org lists' findings:   {lists:>6.2} s");
    println!("  every row settled:     {settled:>6.2} s (last partial check)");
    println!("  full pre-flight:       {full:>6.2} s (target <= 60 s)");
    println!(
        "  {} rows, {} errors, {} runnable; {requests} requests (tokens included), {throttled} x 429, {} frames",
        s.list.rows.len(),
        s.severity_totals().0,
        s.runnable_count(),
        d.frames
    );
    sim.shutdown().await;
}
