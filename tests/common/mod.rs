//! Shared helpers for the engine and apply integration tests: a simulator on loopback, a
//! client for it, generated hire lists over the demo org's names, and checks of the org.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use onboard::engine::{self, EngineConfig};
use onboard::genesys::{Client, ClientConfig, Secret};
use onboard::model::{HireList, Report};
use onboard::preflight::{CheckOptions, CheckResult};
use onboard::sim::{self, FaultSpec, SimConfig, SimHandle};
use std::path::Path;

mod orgs;
// Each test binary uses some of these, many none.
#[allow(unused_imports)]
pub use orgs::*;

pub const CLIENT_ID: &str = "demo";
pub const CLIENT_SECRET: &str = "demo-secret";

/// The demo org, no rate limit (tests measure requests, not waiting), optional faults.
pub async fn sim_with(faults: &str) -> SimHandle {
    let cfg = SimConfig {
        rate_limit: None,
        faults: FaultSpec::parse(faults).unwrap(),
        ..SimConfig::demo()
    };
    sim::start(cfg).await.unwrap()
}

pub fn client(url: &str) -> Client {
    let u = url::Url::parse(url).unwrap();
    let mut cfg = ClientConfig::new(u.clone(), u, CLIENT_ID, Secret::new(CLIENT_SECRET));
    // Keep retries quick in tests; the limiter still follows the simulator's headers.
    cfg.backoff_base = std::time::Duration::from_millis(5);
    cfg.backoff_max = std::time::Duration::from_millis(50);
    cfg.timeout = std::time::Duration::from_secs(5);
    cfg.jitter_seed = Some(7);
    Client::new(cfg).unwrap()
}

/// A fresh access token of the demo's OAuth client from the simulator at `base`, for
/// tests that call the API over raw HTTP.
pub async fn demo_token(base: &str) -> String {
    let t: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    t["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token from {base}: {t}"))
        .to_string()
}

pub struct Division {
    pub name: &'static str,
    pub queues: [&'static str; 3],
}

/// Divisions and three queues in each (all with room; not Billing Tier 2).
pub const DIVISIONS: [Division; 3] = [
    Division {
        name: "Support",
        queues: ["Support Tier 1", "Support Tier 2", "Technical Support"],
    },
    Division {
        name: "Sales",
        queues: ["Sales Inbound", "Sales Renewals", "Sales Chat"],
    },
    Division {
        name: "Collections",
        queues: [
            "Collections Early Stage",
            "Collections Late Stage",
            "Payment Plans",
        ],
    },
];

const SKILLS: [&str; 6] = [
    "Billing", "Returns", "Refunds", "Payments", "Sales", "Upsell",
];
const LANGS: [&str; 3] = ["English", "Spanish", "French"];

/// `n` new hires, each: a division, role Agent, 2 skills, 1 language, 3 queues, an external
/// id — the shape issue 5's request target is stated for.
pub fn hire_csv(n: usize, tag: &str) -> String {
    let mut s = String::from(
        "email,first_name,last_name,division,department,title,roles,skills,languages,queues,external_id\n",
    );
    for i in 0..n {
        let d = &DIVISIONS[i % DIVISIONS.len()];
        s.push_str(&format!(
            "{tag}{i}@hires.example.com,Hire{i},{tag},{div},Contact Center,Agent,Agent,{s1}:{p1};{s2}:3,{l}:5,{q},workday:{tag}-{i}\n",
            div = d.name,
            s1 = SKILLS[i % SKILLS.len()],
            p1 = i % 5 + 1,
            s2 = SKILLS[(i + 1) % SKILLS.len()],
            l = LANGS[i % LANGS.len()],
            q = d.queues.join(";"),
        ));
    }
    s
}

/// Gives licences room so a large generated list passes the seat check.
pub fn widen_seats(sim: &SimHandle) {
    sim.with_state_mut(|org| {
        for l in &mut org.licenses {
            l.seats += 5_000;
        }
    });
}

pub fn ingest(csv: &str) -> HireList {
    onboard::ingest::read_bytes("hires.csv", csv.as_bytes()).unwrap()
}

pub async fn check(client: &Client, list: &HireList) -> CheckResult {
    let (emails, ext) = onboard::preflight::users_to_look_up(list);
    // Scoped as `onboard check` scopes it (merge: memberships of named queues only).
    let mut opts = onboard::genesys::snapshot::SnapshotOptions::default();
    onboard::cli::check::scope_snapshot(&mut opts, list, false);
    let snap = onboard::genesys::snapshot::load_snapshot(client, &emails, &ext, &opts, |_| {})
        .await
        .unwrap();
    if let Some(id) = &snap.org_id {
        remember_org(client, id, snap.org_name.as_deref().unwrap_or(id));
    }
    onboard::preflight::check_all(list, &snap, &CheckOptions::new())
}

/// Orgs seen by `check`, by API base, so `run` needs no extra request to bind its journal
/// (tests compare the run's request count with the client's).
static ORGS: std::sync::Mutex<Vec<(String, String, String)>> = std::sync::Mutex::new(Vec::new());

fn remember_org(client: &Client, id: &str, name: &str) {
    let base = client.api_base().to_string();
    let mut orgs = ORGS.lock().unwrap();
    orgs.retain(|(b, _, _)| *b != base);
    orgs.push((base, id.to_string(), name.to_string()));
}

/// The org the client talks to, as a journal binding (the list key is the tests' own).
pub async fn binding(client: &Client) -> onboard::engine::JournalBinding {
    let base = client.api_base().to_string();
    let known = ORGS
        .lock()
        .unwrap()
        .iter()
        .find(|(b, _, _)| *b == base)
        .map(|(_, id, name)| (id.clone(), name.clone()));
    let (org_id, org_name) = match known {
        Some(k) => k,
        None => {
            let org = client.org_identity().await.unwrap();
            (org.id, org.name)
        }
    };
    onboard::engine::JournalBinding {
        org_id,
        org_name,
        list_key: "test-list".into(),
    }
}

pub async fn run(client: &Client, checked: &CheckResult, journal: &Path) -> Report {
    let cfg = EngineConfig::new(journal.to_path_buf(), binding(client).await);
    engine::run_to_end(client.clone(), checked.plan.clone(), cfg)
        .await
        .unwrap()
}

/// Routes that are POSTs but only read (searches, bulk reads) or get a token.
const READ_POSTS: [&str; 3] = [
    "POST /api/v2/users/search",
    "POST /api/v2/license/users",
    "POST /oauth/token",
];

/// Requests that change the org (everything but reads, searches and tokens), by route.
pub fn writes(stats: &onboard::sim::SimStats) -> u64 {
    write_routes(stats).values().sum()
}

pub fn write_routes(stats: &onboard::sim::SimStats) -> std::collections::BTreeMap<String, u64> {
    stats
        .by_route
        .iter()
        .filter(|(route, _)| !route.starts_with("GET ") && !READ_POSTS.contains(&route.as_str()))
        .map(|(r, n)| (r.clone(), *n))
        .collect()
}

/// Asserts that every generated row is in the org exactly once, as the list asks.
pub fn assert_provisioned(sim: &SimHandle, n: usize, tag: &str) {
    sim.with_state(|org| {
        for i in 0..n {
            let email = format!("{tag}{i}@hires.example.com");
            let matches: Vec<_> = org
                .users
                .iter()
                .filter(|u| u.email.eq_ignore_ascii_case(&email))
                .collect();
            assert_eq!(matches.len(), 1, "{email}: expected exactly one user");
            let u = matches[0];
            assert_eq!(u.state, onboard::model::UserState::Active, "{email}");
            let d = &DIVISIONS[i % DIVISIONS.len()];
            let div = org.divisions.iter().find(|x| x.name == d.name).unwrap();
            assert_eq!(u.division_id, div.id, "{email}: division");
            let agent = org.roles.iter().find(|r| r.name == "Agent").unwrap();
            assert!(
                u.grants
                    .iter()
                    .any(|(r, dv)| *r == agent.id && *dv == div.id),
                "{email}: Agent@{} grant missing: {:?}",
                d.name,
                u.grants
            );
            assert_eq!(u.skills.len(), 2, "{email}: skills {:?}", u.skills);
            let s1 = org
                .skills
                .iter()
                .find(|s| s.name == SKILLS[i % SKILLS.len()])
                .unwrap();
            assert!(
                u.skills
                    .iter()
                    .any(|(id, p)| *id == s1.id && (*p - (i % 5 + 1) as f64).abs() < 1e-9),
                "{email}: skill proficiency"
            );
            assert_eq!(u.languages.len(), 1, "{email}: languages");
            for qn in d.queues {
                let q = org.queues.iter().find(|q| q.name == qn).unwrap();
                assert_eq!(
                    q.members.iter().filter(|m| **m == u.id).count(),
                    1,
                    "{email}: member of {qn} once"
                );
            }
            assert!(
                u.external_ids.iter().any(
                    |x| x.authority_name == "workday" && x.external_key == format!("{tag}-{i}")
                ),
                "{email}: external id"
            );
        }
    });
}

// --- the real binary ---------------------------------------------------------------------

/// The `onboard` binary with the simulator's credentials and its own data and config dirs.
pub fn onboard(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_onboard"));
    c.env("ONBOARD_CLIENT_ID", CLIENT_ID)
        .env("ONBOARD_CLIENT_SECRET", CLIENT_SECRET)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .env_remove("NO_COLOR");
    c
}

/// The binary with the multi-org tests' config and data dirs under `dir` (see
/// [`profiles`]).
pub fn onboard_in(dir: &Path) -> std::process::Command {
    let mut c = onboard(dir);
    c.env("ONBOARD_CONFIG_DIR", dir.join("config"))
        .env("ONBOARD_DATA_DIR", dir.join("data"));
    c
}

/// The binary run as [`onboard_in`] does: its exit code, its stdout as JSON (Null when it
/// is not), and its stderr.
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    run_in_env(dir, &[], args)
}

/// [`run_in`] with more environment (e.g. other credentials, which win over the profile's).
pub fn run_in_env(
    dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
) -> (i32, serde_json::Value, String) {
    let out = onboard_in(dir)
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// `onboard clone` of `reference` (a user of the profile `eu`) to the users `targets` lists
/// (a hire list) in the orgs `to`: roles only, no question, a JSON report — the multi-org
/// run the resume test kills and the clone benchmark times.
pub fn clone_list_cmd(
    dir: &Path,
    reference: &str,
    to: &[&str],
    targets: &Path,
) -> std::process::Command {
    let mut c = onboard_in(dir);
    c.args([
        "clone",
        "--from",
        "eu",
        "--user",
        reference,
        "--to",
        &to.join(","),
    ])
    .args(["--targets", targets.to_str().unwrap(), "--include", "roles"])
    .args(["--yes", "--format", "json"]);
    c
}

/// A drift report's items, one line each: `EMAIL GROUP ITEM CODE`, in the report's order.
pub fn drift_items(report: &serde_json::Value) -> Vec<String> {
    report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!("{} {} {} {}", d["email"], d["group"], d["item"], d["code"]).replace('"', "")
        })
        .collect()
}

pub fn journal_lines(p: &Path) -> usize {
    std::fs::read_to_string(p)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

/// Waits (bounded, polling the file) until `journal` holds at least `lines` records; false if
/// `child` exited first or the bound ran out.
pub async fn await_journal(child: &mut std::process::Child, journal: &Path, lines: usize) -> bool {
    for _ in 0..20_000 {
        if journal_lines(journal) >= lines {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    false
}

/// Saved profiles for simulators, one per (name, sim), in `dir/config` — the directory the
/// multi-org tests point `ONBOARD_CONFIG_DIR` at.
pub fn profiles(dir: &Path, orgs: &[(&str, &SimHandle)]) {
    let mut p = serde_json::Map::new();
    for (name, sim) in orgs {
        p.insert(
            name.to_string(),
            serde_json::json!({"api_url": sim.url(), "client_id": CLIENT_ID}),
        );
    }
    let cfg = dir.join("config");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("profiles.json"),
        serde_json::to_vec(&serde_json::json!({ "profiles": p })).unwrap(),
    )
    .unwrap();
}
