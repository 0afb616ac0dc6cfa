//! The Genesys client against the simulator over real HTTP: pacing under a tight rate limit,
//! token expiry, injected faults, dropped writes, the demo snapshot, and a login → snapshot
//! → use cycle that must leave the secret nowhere on disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures::{StreamExt, TryStreamExt};
use onboard::genesys::dto::CreateUser;
use onboard::genesys::{Client, ClientConfig, ErrorKind, Secret, SnapshotOptions, load_snapshot};
use onboard::model::{ExternalId, Seats, UserState};
use onboard::sim::{self, FaultSpec, RateLimit, Seed, SimConfig, SimHandle};
use std::time::{Duration, Instant};
use url::Url;

async fn start_sim(rate_limit: Option<RateLimit>, faults: FaultSpec) -> SimHandle {
    sim::start(SimConfig {
        seed: Seed::demo(),
        rate_limit,
        faults,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn config_for(h: &SimHandle) -> ClientConfig {
    let url = Url::parse(&h.url()).unwrap();
    let mut cfg = ClientConfig::new(url.clone(), url, "demo", Secret::new("demo-secret"));
    cfg.backoff_base = Duration::from_millis(20);
    cfg.backoff_max = Duration::from_millis(400);
    cfg.timeout = Duration::from_secs(5);
    cfg.jitter_seed = Some(7);
    cfg
}

fn client_for(h: &SimHandle) -> Client {
    Client::new(config_for(h)).unwrap()
}

fn status_count(stats: &serde_json::Value, status: &str) -> u64 {
    stats["by_status"][status].as_u64().unwrap_or(0)
}

async fn sim_stats(h: &SimHandle) -> serde_json::Value {
    serde_json::to_value(h.stats().await).unwrap()
}

/// 300 reads from 16 concurrent workers against 50 requests / 2 s per token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_storm_stays_just_under_the_limit() {
    let max = 50u32;
    let window = Duration::from_secs(2);
    let h = start_sim(Some(RateLimit { max, window }), FaultSpec::default()).await;
    let c = client_for(&h);
    let n = 300usize;
    let start = Instant::now();
    let done: Vec<_> = futures::stream::iter(0..n)
        .map(|_| c.home_division())
        .buffer_unordered(16)
        .try_collect()
        .await
        .unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(done.len(), n);
    let stats = c.stats();
    let server = sim_stats(&h).await;
    let throttled_share = stats.throttled as f64 / stats.requests as f64;
    let allowed_rate = f64::from(max) / window.as_secs_f64();
    let achieved_rate = n as f64 / elapsed;
    // The least time any client that never exceeds the limit needs for n requests: the
    // last window's burst is free, every earlier window must run out.
    let min_elapsed = ((n as f64 / f64::from(max)).ceil() - 1.0) * window.as_secs_f64();
    let efficiency = min_elapsed / elapsed;
    println!(
        "storm: {n} reads in {elapsed:.2} s; requests {} throttled {} ({:.2}%), server 429s {}; \
         achieved {achieved_rate:.1} req/s vs allowed {allowed_rate:.1} req/s; \
         window efficiency {:.1}% (minimum possible {min_elapsed:.1} s)",
        stats.requests,
        stats.throttled,
        throttled_share * 100.0,
        status_count(&server, "429"),
        efficiency * 100.0
    );
    assert!(
        throttled_share < 0.02,
        "429s must stay under 2% of requests"
    );
    // The client counts exactly the 429s the server sent (none is hidden or invented), and
    // every extra request is a retry of one of them. How close the pacing comes to the
    // allowed rate is a figure (printed above; `cargo bench --bench pool` measures it), not
    // an assert: wall-clock time on a shared machine cannot fail for the right reason.
    assert_eq!(stats.throttled, status_count(&server, "429"));
    assert_eq!(stats.requests, n as u64 + stats.retries);
    let rate = c.rate().unwrap();
    assert_eq!(rate.allowed, max);
}

/// Tokens live 2 s; a 5 s run of reads never sees it.
#[tokio::test]
async fn token_expiry_mid_run_is_invisible() {
    let h = start_sim(
        None,
        FaultSpec {
            token_ttl: Some(2),
            latency_ms: Some((15, 25)),
            seed: Some(3),
            ..FaultSpec::default()
        },
    )
    .await;
    let c = client_for(&h);
    let start = Instant::now();
    // A fixed number of reads (≈ 20 ms each, so ≈ 5 s: more than two 2-second tokens); the
    // assert is on the tokens the server issued, not on the clock.
    let reads = 250;
    for i in 0..reads {
        let r = if i % 2 == 0 {
            c.home_division().await.map(|_| ())
        } else {
            c.list_languages().await.map(|_| ())
        };
        r.unwrap();
    }
    let server = sim_stats(&h).await;
    let tokens = server["by_route"]["POST /oauth/token"]
        .as_u64()
        .unwrap_or(0);
    println!(
        "token expiry: {reads} reads over {:.1} s, {} tokens issued, server 401s {}, client retries {}",
        start.elapsed().as_secs_f64(),
        tokens,
        status_count(&server, "401"),
        c.stats().retries
    );
    // Every read succeeded (above) while the server minted fresh tokens: the run outlived
    // its first tokens and the renewals were invisible to the caller.
    assert!(tokens >= 3, "tokens were renewed: {tokens} issued");
}

/// A fifth of all answers are 500/502/503: reads absorb them.
#[tokio::test]
async fn server_errors_are_absorbed_by_reads() {
    let h = start_sim(
        None,
        FaultSpec {
            error_rate: 0.2,
            seed: Some(11),
            ..FaultSpec::default()
        },
    )
    .await;
    let c = client_for(&h);
    let mut reads = 0;
    for _ in 0..40 {
        c.list_skills().await.unwrap();
        c.home_division().await.unwrap();
        c.list_queues().await.unwrap();
        reads += 3;
    }
    let emails: Vec<String> = h.users().iter().take(30).map(|u| u.email.clone()).collect();
    let found = c.search_users_exact("email", &emails, &[]).await.unwrap();
    assert_eq!(found.len(), 30);
    let server = sim_stats(&h).await;
    let errors: u64 = ["500", "502", "503"]
        .iter()
        .map(|s| status_count(&server, s))
        .sum();
    let stats = c.stats();
    println!(
        "faults: {reads} list reads + 1 search all succeeded; server 5xx {errors}, client retries {} of {} requests",
        stats.retries, stats.requests
    );
    assert!(
        errors > 0 && stats.retries >= errors,
        "the faults happened and were retried"
    );
}

/// A write applied but answered with a dropped connection is "outcome unknown", never
/// repeated; looking up the email shows it was applied.
#[tokio::test]
async fn dropped_create_is_outcome_unknown() {
    let h = start_sim(
        None,
        FaultSpec {
            drop_after_commit: 1.0,
            seed: Some(5),
            ..FaultSpec::default()
        },
    )
    .await;
    let c = client_for(&h);
    let home = c.home_division().await.unwrap();
    let email = "dropped.write@example.com".to_string();
    let err = c
        .create_user(&CreateUser {
            name: "Dropped Write".into(),
            email: email.clone(),
            division_id: home.id,
            ..Default::default()
        })
        .await
        .unwrap_err();
    println!("dropped write: {err}");
    assert_eq!(err.kind, ErrorKind::OutcomeUnknown);
    assert_eq!(err.attempts, 1, "never repeated blindly");
    assert_eq!(err.request, "POST /api/v2/users");
    // The simulator drops every POST (the search too) while the fault is on.
    h.set_faults(FaultSpec::default());
    let found = c.search_users_exact("email", &[email], &[]).await.unwrap();
    assert_eq!(found.len(), 1, "the write was applied once");
}

/// Hanging requests time out and reads are repeated.
#[tokio::test]
async fn timeouts_are_retried_on_reads() {
    let h = start_sim(
        None,
        FaultSpec {
            timeout_rate: 0.3,
            seed: Some(2),
            ..FaultSpec::default()
        },
    )
    .await;
    let mut cfg = config_for(&h);
    cfg.timeout = Duration::from_millis(400);
    let c = Client::new(cfg).unwrap();
    for _ in 0..10 {
        c.home_division().await.unwrap();
    }
    println!("timeouts: 10 reads ok with {} retries", c.stats().retries);
    assert!(c.stats().retries > 0);
}

#[tokio::test]
async fn wrong_secret_is_unauthorized_with_a_clear_message() {
    let h = start_sim(None, FaultSpec::default()).await;
    let mut cfg = config_for(&h);
    cfg.secret = Secret::new("not-the-secret");
    let err = Client::new(cfg).unwrap().verify().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    let text = err.to_string();
    assert!(text.contains("client id 'demo'"), "{text}");
    assert!(!text.contains("not-the-secret"));
}

fn demo_seed() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/org.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The demo org loads completely and matches its seed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_snapshot_matches_the_seed() {
    let seed = demo_seed();
    let h = start_sim(
        Some(RateLimit {
            max: 300,
            window: Duration::from_secs(60),
        }),
        FaultSpec::default(),
    )
    .await;
    let c = client_for(&h);
    let users = seed["users"].as_array().unwrap();
    // 40 users named by email (every state), 10 more only by external id.
    let by_email: Vec<&serde_json::Value> = users.iter().step_by(5).take(40).collect();
    let by_ext: Vec<&serde_json::Value> = users
        .iter()
        .skip(1)
        .step_by(7)
        .filter(|u| u["externalIds"].as_array().is_some_and(|a| !a.is_empty()))
        .take(10)
        .collect();
    let emails: Vec<String> = by_email
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    let ext_ids: Vec<ExternalId> = by_ext
        .iter()
        .map(|u| ExternalId {
            authority: u["externalIds"][0]["authorityName"]
                .as_str()
                .unwrap()
                .into(),
            key: u["externalIds"][0]["externalKey"].as_str().unwrap().into(),
        })
        .collect();
    let events = std::sync::Mutex::new(Vec::new());
    let before = c.stats().requests;
    let snap = load_snapshot(&c, &emails, &ext_ids, &SnapshotOptions::default(), |p| {
        events.lock().unwrap().push(p)
    })
    .await
    .unwrap();
    let requests = c.stats().requests - before;
    let events = events.into_inner().unwrap();
    let server = sim_stats(&h).await;
    println!("snapshot requests by route: {}", server["by_route"]);
    println!(
        "demo snapshot: {requests} requests, {} users, {} divisions, {} roles, {} skills, {} languages, {} queues, {} licences, {} trunks, {} DID pools ({} DIDs assigned), {} extension pools ({} used), {} progress events",
        snap.users.len(),
        snap.divisions.len(),
        snap.roles.len(),
        snap.skills.len(),
        snap.languages.len(),
        snap.queues.len(),
        snap.licenses.len(),
        snap.trunks.len(),
        snap.did_pools.len(),
        snap.assigned_dids.len(),
        snap.extension_pools.len(),
        snap.used_extensions.len(),
        events.len()
    );
    let len = |k: &str| seed[k].as_array().map_or(0, Vec::len);
    assert_eq!(snap.divisions.len(), len("divisions"));
    assert_eq!(snap.divisions.iter().filter(|d| d.home).count(), 1);
    assert_eq!(snap.roles.len(), len("roles"));
    for r in seed["roles"].as_array().unwrap() {
        let got = snap
            .roles
            .iter()
            .find(|x| x.name == r["name"].as_str().unwrap())
            .unwrap();
        assert_eq!(got.base_license.as_deref(), r["baseLicense"].as_str());
    }
    assert_eq!(snap.skills.len(), len("skills"));
    assert_eq!(snap.languages.len(), len("languages"));
    assert_eq!(snap.queues.len(), len("queues"));
    for q in seed["queues"].as_array().unwrap() {
        let got = snap
            .queues
            .iter()
            .find(|x| x.name == q["name"].as_str().unwrap())
            .unwrap();
        if let Some(d) = q["divisionId"].as_str() {
            assert_eq!(got.division_id, d);
        }
        assert!(got.member_count.is_some());
    }
    for l in seed["licenses"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        let got = snap.licenses.iter().find(|x| x.id == id).unwrap();
        let holders = users
            .iter()
            .filter(|u| u["state"].as_str() != Some("deleted"))
            .filter(|u| {
                u["licenses"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == id))
            })
            .count() as u32;
        let Seats::Known { total, used, .. } = got.seats else {
            panic!("seats of {id} unknown")
        };
        assert_eq!(total, l["seats"].as_u64().unwrap() as u32, "{id}");
        assert_eq!(used, holders, "{id}");
    }
    assert_eq!(snap.trunks.len(), len("trunks"));
    for t in seed["trunks"].as_array().unwrap() {
        let got = snap
            .trunks
            .iter()
            .find(|x| x.name == t["name"].as_str().unwrap())
            .unwrap();
        assert_eq!(got.in_service, t["inService"].as_bool().unwrap());
        assert_eq!(got.channels, t["channels"].as_u64().map(|c| c as u32));
    }
    assert_eq!(snap.did_pools.len(), len("didPools"));
    assert_eq!(snap.extension_pools.len(), len("extensionPools"));
    assert!(snap.phone_enabled_users > 0);
    // Every named user found, in its state, with its grants, skills, queues and licences.
    let named: Vec<&serde_json::Value> = by_email.iter().chain(by_ext.iter()).copied().collect();
    let mut ids: Vec<&str> = named.iter().map(|u| u["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(snap.users.len(), ids.len());
    for u in named {
        let got = snap
            .users
            .iter()
            .find(|x| x.id == u["id"].as_str().unwrap().into())
            .unwrap();
        assert!(got.email.eq_ignore_ascii_case(u["email"].as_str().unwrap()));
        let state = match u["state"].as_str().unwrap_or("active") {
            "inactive" => UserState::Inactive,
            "deleted" => UserState::Deleted,
            _ => UserState::Active,
        };
        assert_eq!(got.state, state, "{}", got.email);
        if state == UserState::Deleted {
            continue;
        }
        assert_eq!(got.division_id, u["divisionId"].as_str().unwrap().into());
        let roles = u["roles"].as_array().map_or(0, Vec::len);
        assert_eq!(got.grants.len(), roles, "grants of {}", got.email);
        assert_eq!(
            got.skills.len(),
            u["skills"].as_array().map_or(0, Vec::len),
            "skills of {}",
            got.email
        );
        assert_eq!(
            got.languages.len(),
            u["languages"].as_array().map_or(0, Vec::len)
        );
        // Memberships, joined or not: the snapshot reads them from the queue side, where an
        // unjoined member (seed `unjoinedQueueIds`, issue 16) is still a member.
        let mut queues: Vec<&str> = ["queueIds", "unjoinedQueueIds"]
            .iter()
            .filter_map(|k| u[*k].as_array())
            .flatten()
            .map(|q| q.as_str().unwrap())
            .collect();
        queues.sort();
        let got_queues: Vec<&str> = got.queue_ids.iter().map(|q| &**q).collect();
        assert_eq!(got_queues, queues, "queues of {}", got.email);
        let mut lic: Vec<&str> = u["licenses"].as_array().map_or(Vec::new(), |a| {
            a.iter().map(|q| q.as_str().unwrap()).collect()
        });
        lic.sort();
        let got_lic: Vec<&str> = got.licenses.iter().map(|l| &**l).collect();
        assert_eq!(got_lic, lic, "licences of {}", got.email);
        // A snapshot knows the external ids the list asked about (each looked up once),
        // not every id a user holds: those the user holds of the looked-up ones.
        let held: Vec<ExternalId> = u["externalIds"]
            .as_array()
            .map_or(Vec::new(), |a| {
                a.iter()
                    .map(|x| ExternalId {
                        authority: x["authorityName"].as_str().unwrap().into(),
                        key: x["externalKey"].as_str().unwrap().into(),
                    })
                    .collect()
            })
            .into_iter()
            .filter(|x| ext_ids.contains(x))
            .collect();
        assert_eq!(got.external_ids, held, "external ids of {}", got.email);
        assert!(got.version >= 1);
    }
    assert!(events.iter().filter(|e| e.done).count() >= 10);
}

/// The org's limit drops under a running client: the 429s that follow are waited out for
/// exactly `Retry-After` (all requests of the token pause together), then pacing follows
/// the new headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sudden_429s_wait_retry_after_then_pace() {
    let h = start_sim(
        Some(RateLimit {
            max: 1000,
            window: Duration::from_secs(60),
        }),
        FaultSpec::default(),
    )
    .await;
    let c = client_for(&h);
    // 30 requests into the token's window, then the limit drops below that count.
    for _ in 0..30 {
        c.home_division().await.unwrap();
    }
    assert_eq!(c.rate().unwrap().allowed, 1000);
    let max = 20u32;
    h.set_rate_limit(Some(RateLimit {
        max,
        window: Duration::from_secs(2),
    }));
    let start = Instant::now();
    let n = 100usize;
    let done: Vec<_> = futures::stream::iter(0..n)
        .map(|_| c.home_division())
        .buffer_unordered(8)
        .try_collect()
        .await
        .unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(done.len(), n);
    let stats = c.stats();
    let server = sim_stats(&h).await;
    println!(
        "limit drop: {n} reads in {elapsed:.2} s, 429s {} (server {}), retries {}, requests {}",
        stats.throttled,
        status_count(&server, "429"),
        stats.retries,
        stats.requests
    );
    assert!(stats.throttled >= 1, "the drop was noticed through a 429");
    assert!(
        stats.throttled <= 8,
        "one wave of 429s at most (the requests in flight)"
    );
    assert_eq!(c.rate().unwrap().allowed, max);
    // Staying under the new limit is what the server counts, not the clock: every 429 it sent
    // is one the client saw (none hidden), and each was retried, not dropped. The time the
    // 100 reads took is a figure (printed above), not an assert.
    assert_eq!(stats.throttled, status_count(&server, "429"));
    assert_eq!(stats.retries, stats.throttled);
}
