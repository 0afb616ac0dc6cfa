//! The token pool (issue 12): the rate limit is per token, so N tokens of one client give N
//! budgets. Against the simulator over real HTTP. Figures are printed; what is asserted is
//! what must hold whatever the machine's speed: the pool fills, 429s stay under 1 %, a
//! tight mint limit on `/oauth/token` never fails a request, and expiring tokens are
//! replaced without failing one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::StreamExt;
use onboard::genesys::{Client, ClientConfig, Secret};
use onboard::sim::{self, FaultSpec, RateLimit, SimConfig, SimHandle};
use std::time::{Duration, Instant};

async fn sim(limit: RateLimit, token_rate: Option<RateLimit>, faults: &str) -> SimHandle {
    sim::start(SimConfig {
        rate_limit: Some(limit),
        token_rate,
        faults: FaultSpec::parse(faults).unwrap(),
        ..SimConfig::demo()
    })
    .await
    .unwrap()
}

fn client(url: &str, tokens: usize) -> Client {
    let u = url::Url::parse(url).unwrap();
    let mut cfg = ClientConfig::new(u.clone(), u, "demo", Secret::new("demo-secret"));
    cfg.tokens = tokens;
    cfg.jitter_seed = Some(3);
    cfg.backoff_base = Duration::from_millis(5);
    cfg.backoff_max = Duration::from_millis(50);
    Client::new(cfg).unwrap()
}

/// `n` reads through 16 workers; returns the seconds they took.
async fn reads(client: &Client, n: usize) -> f64 {
    let start = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..n)
        .map(|_| async { client.org_identity().await })
        .buffer_unordered(16)
        .collect()
        .await;
    for r in &results {
        assert!(r.is_ok(), "a read failed: {r:?}");
    }
    start.elapsed().as_secs_f64()
}

fn throttled(stats: &onboard::sim::SimStats) -> u64 {
    stats.by_status.get("429").copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_tokens_give_n_budgets_with_few_429s() {
    let limit = RateLimit {
        max: 25,
        window: Duration::from_secs(1),
    };
    let one = sim(limit, None, "").await;
    let pool = sim(limit, None, "").await;
    let (c1, c4) = (client(&one.url(), 1), client(&pool.url(), 4));
    let n = 300;
    let t1 = reads(&c1, n / 3).await;
    let t4 = reads(&c4, n).await;
    let (s1, s4) = (one.stats().await, pool.stats().await);
    let rate1 = (n / 3) as f64 / t1;
    let rate4 = n as f64 / t4;
    println!(
        "1 token: {rate1:.1} req/s; 4 tokens: {rate4:.1} req/s ({:.2}x); allowed {} and {} req/s; 429s {} and {}",
        rate4 / rate1,
        limit.max,
        4 * limit.max,
        throttled(&s1),
        throttled(&s4)
    );
    assert_eq!(c4.tokens(), (4, 4), "the pool filled");
    assert_eq!(c1.tokens(), (1, 1));
    assert!(
        throttled(&s4) * 100 <= s4.requests,
        "429s over 1 %: {} of {}",
        throttled(&s4),
        s4.requests
    );
    // The pool's budget is the sum of its tokens' budgets.
    assert_eq!(c4.rate().map(|r| r.allowed), Some(4 * limit.max));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tight_mint_limit_fills_the_pool_slowly_without_failing() {
    let limit = RateLimit {
        max: 20,
        window: Duration::from_secs(1),
    };
    // One new token per second per client.
    let mint = RateLimit {
        max: 1,
        window: Duration::from_secs(1),
    };
    let s = sim(limit, Some(mint), "").await;
    let c = client(&s.url(), 3);
    reads(&c, 150).await;
    let stats = s.stats().await;
    let token_429 = stats
        .by_route
        .get("POST /oauth/token")
        .copied()
        .unwrap_or(0);
    println!(
        "tokens {:?}, token requests {token_429}, 429s in all {}",
        c.tokens(),
        throttled(&stats)
    );
    assert!(c.tokens().0 >= 2, "the pool grew: {:?}", c.tokens());
    assert!(throttled(&stats) > 0, "the mint limit was met");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_tokens_in_a_pool_are_replaced_without_failing_a_request() {
    let limit = RateLimit {
        max: 20,
        window: Duration::from_secs(1),
    };
    let s = sim(limit, None, "token_ttl=1").await;
    let c = client(&s.url(), 3);
    reads(&c, 120).await;
    assert!(c.tokens().0 >= 2, "{:?}", c.tokens());
}

/// `check` on a list whose load will take over a minute says so first, and why; with
/// enough tokens it does not. (The slow run is stopped once it has said so.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_load_is_announced_with_its_reason() {
    use std::io::BufRead;
    let s = sim(
        RateLimit {
            max: 300,
            window: Duration::from_secs(60),
        },
        None,
        "",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let hires = dir.path().join("hires.csv");
    let mut csv = String::from("email,name,external_id\n");
    for i in 0..400 {
        csv.push_str(&format!(
            "slow{i}@hires.example.com,Slow {i},workday:slow-{i}\n"
        ));
    }
    std::fs::write(&hires, csv).unwrap();
    let bin = env!("CARGO_BIN_EXE_onboard");
    let run = |tokens: &str| {
        std::process::Command::new(bin)
            .args(["check", hires.to_str().unwrap(), "--api-url", &s.url()])
            .args(["--tokens", tokens])
            .env("ONBOARD_CLIENT_ID", "demo")
            .env("ONBOARD_CLIENT_SECRET", "demo-secret")
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut slow = run("1");
    let first = std::io::BufReader::new(slow.stderr.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    slow.kill().unwrap();
    let _ = slow.wait();
    assert!(first.contains("will take about 2m 00s"), "{first}");
    assert!(first.contains("400 external ids"), "{first}");

    // 50 tokens of 300/min: about 2 s. The check finishes without the notice.
    let out = run("50").wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("will take about"), "{stderr}");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{stderr}");
}
