//! The opt-in `utilization` column end to end: the real binary against the simulator over
//! HTTP. A new user gets one PUT of only the media types the cell names; the same list again
//! writes nothing (the snapshot read the user's utilization); one changed capacity is one PUT.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;

fn apply(dir: &Path, url: &str, list: &str) -> serde_json::Value {
    let hires = dir.join("hires.csv");
    std::fs::write(&hires, list).unwrap();
    let out = onboard(dir)
        .args(["apply", hires.to_str().unwrap(), "--api-url", url, "--yes"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The user's own utilization in the simulated org: media type → maximum capacity.
fn own_utilization(sim: &onboard::sim::SimHandle, email: &str) -> Vec<(String, u64)> {
    sim.with_state(|org| {
        let u = org.users.iter().find(|u| u.email == email).unwrap();
        let own = u.utilization.as_ref().unwrap()["utilization"]
            .as_object()
            .unwrap();
        own.iter()
            .map(|(m, v)| (m.clone(), v["maximumCapacity"].as_u64().unwrap()))
            .collect()
    })
}

const PUT: &str = "PUT /api/v2/routing/users/{userId}/utilization";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utilization_is_put_once_then_left_alone_then_changed_per_media_type() {
    let sim = sim_with("").await;
    let url = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let email = "uma.util@hires.example.com";
    let list =
        |cell: &str| format!("email,name,roles,utilization\n{email},Uma Util,Agent,{cell}\n");

    let report = apply(dir.path(), &url, &list("call=1; Chat=3"));
    assert_eq!(report["rows"][0]["outcome"], "created", "{report:#}");
    assert_eq!(
        own_utilization(&sim, email),
        vec![("call".into(), 1), ("chat".into(), 3)]
    );
    assert_eq!(write_routes(&sim.stats().await).get(PUT), Some(&1));

    // The same list again: the user's utilization was read and matches; nothing is written.
    let before = writes(&sim.stats().await);
    let report = apply(dir.path(), &url, &list("chat=3; call=1"));
    assert_eq!(report["rows"][0]["outcome"], "unchanged", "{report:#}");
    assert_eq!(writes(&sim.stats().await), before);

    // One capacity changed: an update of one PUT, carrying only the named media types.
    let report = apply(dir.path(), &url, &list("chat=2; call=1"));
    assert_eq!(report["rows"][0]["outcome"], "updated", "{report:#}");
    assert_eq!(
        own_utilization(&sim, email),
        vec![("call".into(), 1), ("chat".into(), 2)]
    );
    let routes = write_routes(&sim.stats().await);
    assert_eq!(routes.get(PUT), Some(&2), "{routes:#?}");
}
