#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rate limit, faults, token TTL, `--state` persistence and the `onboard sim` command.

mod common;

use common::demo_token;
use onboard::sim::{self, FaultSpec, RateLimit, SimConfig};
use serde_json::{Value, json};
use std::time::Duration;

fn home_id(h: &onboard::sim::SimHandle) -> String {
    h.with_state(|o| o.home_division().id.clone())
}

fn cfg(faults: &str, rate: Option<RateLimit>) -> SimConfig {
    SimConfig {
        rate_limit: rate,
        faults: FaultSpec::parse(faults).unwrap(),
        ..SimConfig::demo()
    }
}

#[tokio::test]
async fn rate_limit_fixed_window_per_token() {
    let h = sim::start(cfg("", RateLimit::parse("3/60").unwrap()))
        .await
        .unwrap();
    let base = h.url();
    let t = demo_token(&base).await;
    let c = reqwest::Client::new();
    for i in 1..=3 {
        let r = c
            .get(format!("{base}/api/v2/routing/skills"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["inin-ratelimit-count"], i.to_string().as_str());
        assert_eq!(r.headers()["inin-ratelimit-allowed"], "3");
        let reset: u64 = r.headers()["inin-ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&reset));
    }
    let r = c
        .get(format!("{base}/api/v2/routing/skills"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    assert!(r.headers().contains_key("inin-ratelimit-count"));
    let cid = r.headers()["inin-correlation-id"]
        .to_str()
        .unwrap()
        .to_string();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["code"], "too.many.requests.retry.after");
    assert_eq!(b["status"], 429);
    assert_eq!(b["contextId"], cid);
    assert_eq!(
        b["message"],
        format!("Rate limit exceeded the maximum. Retry the request in [{retry}] seconds")
    );
    // Another token has its own window.
    let t2 = demo_token(&base).await;
    let r = c
        .get(format!("{base}/api/v2/routing/skills"))
        .bearer_auth(&t2)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Turning the limit off at runtime lets the first token through again.
    h.set_rate_limit(None);
    let r = c
        .get(format!("{base}/api/v2/routing/skills"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(!r.headers().contains_key("inin-ratelimit-count"));
    let stats = h.stats().await;
    assert_eq!(stats.by_status["429"], 1);
    assert_eq!(stats.by_route["GET /api/v2/routing/skills"], 6);
    h.shutdown().await;
}

#[tokio::test]
async fn error_rate_answers_5xx_with_error_bodies_then_recovers() {
    let h = sim::start(cfg("error_rate=1,seed=3", None)).await.unwrap();
    let base = h.url();
    let t = demo_token(&base).await; // the token endpoint is not faulted
    let c = reqwest::Client::new();
    for _ in 0..10 {
        let r = c
            .post(format!("{base}/api/v2/users"))
            .bearer_auth(&t)
            .json(&json!({"name": "E", "email": "e@example.com", "divisionId": home_id(&h)}))
            .send()
            .await
            .unwrap();
        assert!([500, 502, 503].contains(&r.status().as_u16()));
        let b: Value = r.json().await.unwrap();
        assert!(b["code"].is_string() && b["contextId"].is_string());
    }
    // Nothing was applied.
    assert!(h.with_state(|o| o.user_by_email("e@example.com").is_none()));
    // Fix the cause, retry.
    h.set_faults(FaultSpec::default());
    let r = c
        .post(format!("{base}/api/v2/users"))
        .bearer_auth(&t)
        .json(&json!({"name": "E", "email": "e@example.com", "divisionId": home_id(&h)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    h.shutdown().await;
}

#[tokio::test]
async fn seeded_faults_repeat() {
    async fn run() -> Vec<u16> {
        let h = sim::start(cfg("error_rate=0.5,seed=11", None))
            .await
            .unwrap();
        let base = h.url();
        let t = demo_token(&base).await;
        let c = reqwest::Client::new();
        let mut out = Vec::new();
        for _ in 0..30 {
            let r = c
                .get(format!("{base}/api/v2/routing/queues"))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap();
            out.push(r.status().as_u16());
        }
        h.shutdown().await;
        out
    }
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(a.contains(&200) && a.iter().any(|s| *s >= 500));
}

#[tokio::test]
async fn drop_after_commit_applies_the_write_and_drops_the_connection() {
    let h = sim::start(cfg("drop_after_commit=1", None)).await.unwrap();
    let base = h.url();
    let t = demo_token(&base).await;
    let c = reqwest::Client::new();
    // Reads are never dropped.
    let r = c
        .get(format!("{base}/api/v2/users?pageSize=1"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Nor POSTs that only read.
    let r = c
        .post(format!("{base}/api/v2/users/search"))
        .bearer_auth(&t)
        .json(&json!({"query": [{"type": "EXACT", "fields": ["email"], "value": "olivia.martin@example.com"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sent = c
        .post(format!("{base}/api/v2/users"))
        .bearer_auth(&t)
        .json(&json!({"name": "D", "email": "d@example.com", "divisionId": home_id(&h)}))
        .send()
        .await;
    let outcome = match sent {
        Err(e) => Err(e),
        Ok(r) => r.bytes().await.map(|_| ()),
    };
    assert!(outcome.is_err(), "the connection should drop");
    // ...but the user was created: a retry meets 409, as against the real API.
    assert!(h.with_state(|o| o.user_by_email("d@example.com").is_some()));
    h.set_faults(FaultSpec::default());
    let r = c
        .post(format!("{base}/api/v2/users"))
        .bearer_auth(&t)
        .json(&json!({"name": "D", "email": "d@example.com", "divisionId": home_id(&h)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(h.stats().await.by_status["0"], 1);
    h.shutdown().await;
}

#[tokio::test]
async fn latency_and_timeouts() {
    let h = sim::start(cfg("latency_ms=40-40", None)).await.unwrap();
    let base = h.url();
    let t = demo_token(&base).await;
    let c = reqwest::Client::new();
    let start = std::time::Instant::now();
    let r = c
        .get(format!("{base}/api/v2/routing/skills"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A lower bound only: the added latency is a sleep of exactly 40 ms.
    assert!(start.elapsed() >= Duration::from_millis(40));

    h.set_faults(FaultSpec::parse("timeout_rate=1").unwrap());
    let short = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let e = short
        .get(format!("{base}/api/v2/routing/skills"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout());
    h.shutdown().await;
}

#[tokio::test]
async fn token_ttl_fault_sets_the_lifetime() {
    let h = sim::start(cfg("token_ttl=5", None)).await.unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/oauth/token", h.url()))
        .basic_auth("demo", Some("demo-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["expires_in"], 5);
    h.shutdown().await;
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    let mut c1 = cfg("", None);
    c1.state_file = Some(path.clone());
    let h = sim::start(c1.clone()).await.unwrap();
    assert!(path.exists());
    let base = h.url();
    let t = demo_token(&base).await;
    let c = reqwest::Client::new();
    let r: Value = c
        .post(format!("{base}/api/v2/users"))
        .bearer_auth(&t)
        .json(&json!({"name": "S", "email": "s@example.com", "divisionId": home_id(&h)}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = r["id"].as_str().unwrap().to_string();
    // Answered only after the change is on disk.
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("s@example.com")
    );
    let qid = h.with_state(|o| o.queue_by_name("General").unwrap().id.clone());
    let r = c
        .post(format!("{base}/api/v2/routing/queues/{qid}/members"))
        .bearer_auth(&t)
        .json(&json!([{"id": id}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    h.shutdown().await;

    let h2 = sim::start(c1).await.unwrap();
    let base2 = h2.url();
    // The old token still works, and the org continues where it was.
    let r = c
        .get(format!("{base2}/api/v2/users/{id}"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r: Value = c
        .get(format!("{base2}/api/v2/users/{id}/queues"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["entities"][0]["name"], "General");
    assert_eq!(h2.stats().await.users.total, 301);
    h2.shutdown().await;
}

#[tokio::test]
async fn stats_endpoint_over_http() {
    let h = sim::start(cfg("", None)).await.unwrap();
    let base = h.url();
    let t = demo_token(&base).await;
    let c = reqwest::Client::new();
    let id = h.with_state(|o| o.users[0].id.clone());
    c.get(format!("{base}/api/v2/users/{id}"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    c.get(format!("{base}/api/v2/users/{id}"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    let s: Value = reqwest::get(format!("{base}/__sim/stats"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s["by_route"]["GET /api/v2/users/{userId}"], 2);
    assert_eq!(s["by_route"]["POST /oauth/token"], 1);
    assert_eq!(s["requests"], 3);
    assert_eq!(s["by_status"]["200"], 3);
    assert_eq!(
        s["users"],
        json!({"total": 300, "active": 281, "inactive": 13, "deleted": 6})
    );
    assert_eq!(s["duplicate_emails"], 0);
    assert_eq!(serde_json::to_value(h.stats().await).unwrap(), s);
    h.shutdown().await;
}

#[test]
fn onboard_sim_prints_the_listening_line_first() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(["sim", "--addr", "127.0.0.1:0", "--rate-limit", "off"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::get(format!("{url}/__sim/stats"))
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    child.kill().unwrap();
    child.wait().unwrap();

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(["sim", "--faults", "bogus=1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown fault"));
}
