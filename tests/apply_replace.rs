//! `apply --replace`: a group named there becomes authoritative — what the user has and the
//! list does not name is removed — while merge (the default) never removes. Languages have
//! no bulk replace in the API: each extra is one DELETE. The real binary against the
//! simulator over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use std::path::Path;

fn apply(dir: &Path, url: &str, list: &str, extra: &[&str]) -> serde_json::Value {
    let hires = dir.join("hires.csv");
    std::fs::write(&hires, list).unwrap();
    let out = onboard(dir)
        .args(["apply", hires.to_str().unwrap(), "--api-url", url, "--yes"])
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The user's language and skill names in the simulated org.
fn held(sim: &onboard::sim::SimHandle, email: &str) -> (Vec<String>, Vec<String>) {
    sim.with_state(|org| {
        let u = org.users.iter().find(|u| u.email == email).unwrap();
        let name = |list: &[onboard::sim::state::Named], id: &str| {
            list.iter().find(|n| n.id == id).unwrap().name.clone()
        };
        let mut langs: Vec<String> = u
            .languages
            .iter()
            .map(|(id, _)| name(&org.languages, id))
            .collect();
        let mut skills: Vec<String> = u
            .skills
            .iter()
            .map(|(id, _)| name(&org.skills, id))
            .collect();
        langs.sort();
        skills.sort();
        (langs, skills)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_removes_extra_languages_one_delete_each_and_merge_keeps_them() {
    let sim = sim_with("").await;
    let url = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let email = "rita.replace@hires.example.com";
    let full = format!(
        "email,name,roles,skills,languages\n{email},Rita Replace,Agent,Billing:3;Returns:2,English:5;Spanish:4;French:2\n"
    );
    let report = apply(dir.path(), &url, &full, &[]);
    assert_eq!(report["rows"][0]["outcome"], "created", "{report:#}");

    let trimmed =
        format!("email,name,roles,skills,languages\n{email},,Agent,Billing:3,English:5\n");
    // Merge: the extras stay, nothing is written.
    let before = writes(&sim.stats().await);
    let report = apply(dir.path(), &url, &trimmed, &[]);
    assert_eq!(report["rows"][0]["outcome"], "unchanged", "{report:#}");
    assert_eq!(writes(&sim.stats().await), before);
    assert_eq!(
        held(&sim, email),
        (
            vec!["English".into(), "French".into(), "Spanish".into()],
            vec!["Billing".into(), "Returns".into()]
        )
    );

    // Replace: a user with only extras is an update; each extra language is one DELETE.
    let before = write_routes(&sim.stats().await);
    let report = apply(
        dir.path(),
        &url,
        &trimmed,
        &["--replace", "languages,skills"],
    );
    assert_eq!(report["rows"][0]["outcome"], "updated", "{report:#}");
    assert_eq!(
        held(&sim, email),
        (vec!["English".into()], vec!["Billing".into()])
    );
    let after = write_routes(&sim.stats().await);
    let deletes = |m: &std::collections::BTreeMap<String, u64>| {
        m.get("DELETE /api/v2/users/{userId}/routinglanguages/{languageId}")
            .copied()
            .unwrap_or(0)
    };
    assert_eq!(deletes(&after) - deletes(&before), 2, "{after:?}");

    // And a second replace run finds nothing to do.
    let before = writes(&sim.stats().await);
    let report = apply(
        dir.path(),
        &url,
        &trimmed,
        &["--replace", "languages,skills"],
    );
    assert_eq!(report["rows"][0]["outcome"], "unchanged", "{report:#}");
    assert_eq!(writes(&sim.stats().await), before);
}
