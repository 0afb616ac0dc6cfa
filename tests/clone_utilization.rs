//! The opt-in `utilization` group (spec clone-drift-export §3, §6): captured from a reference
//! user's own settings, cloned into a sibling org by media type, compared by `drift`
//! (`drift_changed` per media type), reconciled by `drift --fix`, and exported. The real
//! binary against the demo org and its sibling, each a simulator over HTTP. Without the
//! group, nothing about utilization is read or written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::SimHandle;
use serde_json::{Value, json};

/// A demo-org Sales agent; given its own chat and email capacities below.
const REFERENCE: &str = "aiden.haddad@example.com";
/// A Sales agent in both orgs, following the org's defaults.
const TARGET: &str = "aiden.jensen@example.com";
/// What the reference reads back: its own chat and email, the org's defaults for the rest
/// (the simulator's defaults: call 1, callback 1, chat 4, email 1, message 4, workitem 1).
const CAPTURED: &str = "call=1; callback=1; chat=3; email=2; message=4; workitem=1";
const PUT_ROUTE: &str = "PUT /api/v2/routing/users/{userId}/utilization";
const GET_ROUTE: &str = "GET /api/v2/routing/users/{userId}/utilization";

/// Gives `email` its own capacities (as a `PUT` with these media types would).
fn set_own(sim: &SimHandle, email: &str, media: &[(&str, u64)]) {
    let mut map = serde_json::Map::new();
    for (m, c) in media {
        map.insert(
            m.to_string(),
            json!({"maximumCapacity": c, "interruptableMediaTypes": [], "includeNonAcd": false}),
        );
    }
    sim.with_state_mut(|org| {
        let id = org.user_by_email(email).unwrap().id.clone();
        org.user_mut(&id).unwrap().utilization = Some(json!({ "utilization": map }));
    });
}

/// The capacities `email` holds of its own, by media type (empty: the org's defaults).
fn own(sim: &SimHandle, email: &str) -> Vec<(String, u64)> {
    sim.with_state(|org| {
        let u = org.user_by_email(email).unwrap();
        let Some(map) = u
            .utilization
            .as_ref()
            .and_then(|v| v["utilization"].as_object())
        else {
            return vec![];
        };
        map.iter()
            .map(|(m, s)| (m.clone(), s["maximumCapacity"].as_u64().unwrap()))
            .collect()
    })
}

fn route(stats: &onboard::sim::SimStats, r: &str) -> u64 {
    stats.by_route.get(r).copied().unwrap_or(0)
}

fn drift_values(report: &Value) -> Vec<(String, String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                s(&d["group"]),
                s(&d["item"]),
                s(&d["code"]),
                s(&d["want"]),
                s(&d["have"]),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utilization_is_captured_cloned_drift_checked_fixed_and_exported() {
    let (src, sib) = (demo_org().await, sibling_org().await);
    set_own(&src, REFERENCE, &[("chat", 3), ("email", 2)]);
    let dir = tempfile::tempdir().unwrap();
    profiles(dir.path(), &[("eu", &src), ("sib", &sib)]);
    let d = dir.path();

    // Capture: the reference's own settings, as the API reads them back; a user who follows
    // the org has none to capture.
    let personas = d.join("personas.csv");
    let p = personas.to_str().unwrap();
    for (user, name) in [(REFERENCE, "ref"), (TARGET, "plain")] {
        let (code, _, stderr) = run_in(
            d,
            &[
                "persona",
                "capture",
                "--profile",
                "eu",
                "--user",
                user,
                "--name",
                name,
                "--include",
                "utilization",
                "-o",
                p,
            ],
        );
        assert_eq!(code, 0, "{stderr}");
    }
    let set = onboard::preflight::personas::read_personas(
        "personas.csv",
        &std::fs::read(&personas).unwrap(),
    )
    .unwrap();
    use onboard::model::Field;
    assert_eq!(set.get("ref").unwrap().cell(Field::Utilization), CAPTURED);
    assert_eq!(set.get("plain").unwrap().cell(Field::Utilization), "");
    assert!(
        !set.get("ref").unwrap().cell(Field::Skills).is_empty(),
        "--include utilization alone adds to the four groups"
    );

    // Clone: one PUT for the target, by media type; ids never cross orgs.
    let clone = [
        "clone",
        "--from",
        "eu",
        "--user",
        REFERENCE,
        "--to",
        "sib",
        "--target",
        TARGET,
        "--include",
        "roles,skills,languages,queues,utilization",
        "--yes",
        "--format",
        "json",
    ];
    let (code, report, stderr) = run_in(d, &clone);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    let mut got = own(&sib, TARGET);
    got.sort();
    let want: Vec<(String, u64)> = onboard::model::parse_utilization(CAPTURED)
        .unwrap()
        .into_iter()
        .map(|m| (m.media, u64::from(m.capacity)))
        .collect();
    assert_eq!(got, want);
    let stats = sib.stats().await;
    assert_eq!(route(&stats, PUT_ROUTE), 1);
    assert!(stats.writes_with_unknown_ids.is_empty());
    assert_eq!(writes(&src.stats().await), 0);

    // Drift: in sync, then a supervisor raises the target's chat capacity.
    let drift: Vec<&str> = [
        "drift",
        "--from",
        "eu",
        "--user",
        REFERENCE,
        "--to",
        "sib",
        "--target",
        TARGET,
        "--include",
        "utilization",
        "--format",
        "json",
    ]
    .to_vec();
    let (code, report, stderr) = run_in(d, &drift);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    set_own(&sib, TARGET, &[("chat", 5)]);
    let (code, report, stderr) = run_in(d, &drift);
    assert_eq!(code, 1, "{stderr}\n{report:#}");
    assert_eq!(
        drift_values(&report),
        vec![
            (
                "utilization".into(),
                "chat".into(),
                "drift_changed".into(),
                "3".into(),
                "5".into()
            ),
            // The PUT of chat alone returned email to the org's default (1).
            (
                "utilization".into(),
                "email".into(),
                "drift_changed".into(),
                "2".into(),
                "1".into()
            ),
        ]
    );

    // --fix reconciles with one PUT; a drift right after finds nothing and writes nothing.
    let mut fix = drift.clone();
    fix.extend(["--fix", "--yes"]);
    let (code, report, stderr) = run_in(d, &fix);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    let puts = route(&sib.stats().await, PUT_ROUTE);
    assert_eq!(puts, 2);
    let before = writes(&sib.stats().await);
    let (code, report, stderr) = run_in(d, &drift);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(writes(&sib.stats().await), before);

    // Export: the column holds each user's own settings, empty for the org's defaults.
    let users = d.join("users.csv");
    std::fs::write(&users, format!("email\n{TARGET}\n{REFERENCE}\n")).unwrap();
    let out = d.join("export.csv");
    let (code, _, stderr) = run_in(
        d,
        &[
            "export",
            "--profile",
            "sib",
            "--users",
            users.to_str().unwrap(),
            "--include",
            "utilization",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let list = onboard::ingest::read_path(&out).unwrap();
    let cell = |email: &str| {
        let row = list
            .rows
            .iter()
            .find(|r| list.cell(r, Field::Email) == email)
            .unwrap();
        list.cell(row, Field::Utilization).to_string()
    };
    assert_eq!(cell(TARGET), CAPTURED);
    assert_eq!(cell(REFERENCE), "", "follows the sibling's defaults");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_group_utilization_is_neither_read_nor_written() {
    let (src, sib) = (demo_org().await, sibling_org().await);
    set_own(&src, REFERENCE, &[("chat", 3)]);
    let dir = tempfile::tempdir().unwrap();
    profiles(dir.path(), &[("eu", &src), ("sib", &sib)]);
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "clone", "--from", "eu", "--user", REFERENCE, "--to", "sib", "--target", TARGET,
            "--yes", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    for sim in [&src, &sib] {
        let stats = sim.stats().await;
        assert_eq!((route(&stats, GET_ROUTE), route(&stats, PUT_ROUTE)), (0, 0));
    }
    assert!(own(&sib, TARGET).is_empty());
}
