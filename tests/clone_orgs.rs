//! `clone`, `drift` and `export` as an admin runs them: the real binary against several
//! simulated orgs at once over HTTP, each a saved profile. The source org is only read;
//! every target is checked before anything is written; a re-run writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::SimHandle;
use serde_json::Value;

/// A demo-org reference agent in Sales: Agent (own division), Employee@Home, two skills,
/// English, two Sales queues.
const REFERENCE: &str = "aiden.haddad@example.com";
/// A Sales agent with other skills (Sales:3, SMB Accounts:1) and the same queues.
const TARGET: &str = "aiden.jensen@example.com";

/// The user's skills by name with their proficiencies, sorted.
fn skills_of(sim: &SimHandle, email: &str) -> Vec<(String, f64)> {
    sim.with_state(|org| {
        let u = org.users.iter().find(|u| u.email == email).unwrap();
        let mut v: Vec<(String, f64)> = u
            .skills
            .iter()
            .map(|(id, p)| {
                let s = org.skills.iter().find(|s| s.id == *id).unwrap();
                (s.name.clone(), *p)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clone_to_two_orgs_by_name_never_writes_the_source_and_a_rerun_writes_nothing() {
    let (src, us, apac) = (demo_org().await, demo_org().await, demo_org().await);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("us", &us), ("apac", &apac)]);
    let args = [
        "clone", "--from", "eu", "--user", REFERENCE, "--to", "us,apac", "--target", TARGET,
        "--yes", "--format", "json",
    ];
    let (code, report, stderr) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    for org in report["orgs"].as_array().unwrap() {
        assert_eq!(org["status"], "done", "{org:#}");
        assert_eq!(org["summary"]["failed"], 0, "{org:#}");
    }
    for target in [&us, &apac] {
        assert_eq!(
            skills_of(target, TARGET),
            vec![
                ("Enterprise Accounts".into(), 3.0),
                ("SMB Accounts".into(), 1.0),
                ("Sales".into(), 3.0),
                ("Upsell".into(), 1.0),
            ],
            "merge adds the reference's skills and keeps the user's own"
        );
    }
    assert_eq!(writes(&src.stats().await), 0, "the source is only read");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "not_portable")
    );

    let before = (writes(&us.stats().await), writes(&apac.stats().await));
    let (code, report, stderr) = run_in(dir.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        (writes(&us.stats().await), writes(&apac.stats().await)),
        before,
        "a re-run writes nothing: {report:#}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mirror_removes_what_the_reference_lacks_and_merge_keeps_it() {
    let (src, us) = (demo_org().await, demo_org().await);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("us", &us)]);
    let base = [
        "clone", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", TARGET,
    ];
    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            &base[..],
            &["--include", "skills", "--mode", "mirror", "--yes"],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        skills_of(&us, TARGET),
        vec![("Enterprise Accounts".into(), 3.0), ("Upsell".into(), 1.0)],
        "mirror leaves exactly the reference's skills"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_missing_a_name_is_skipped_with_missing_in_target_and_the_others_run() {
    let (src, us, apac) = (demo_org().await, demo_org().await, demo_org().await);
    // apac has no "Upsell" skill.
    apac.with_state_mut(|o| o.skills.retain(|s| s.name != "Upsell"));
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("us", &us), ("apac", &apac)]);
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "clone", "--from", "eu", "--user", REFERENCE, "--to", "us,apac", "--target", TARGET,
            "--yes", "--format", "json",
        ],
    );
    assert_eq!(code, 1, "an org with errors makes exit 1: {stderr}");
    let orgs = report["orgs"].as_array().unwrap();
    let status = |name: &str| {
        orgs.iter().find(|o| o["org"] == name).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("us"), "done");
    assert_eq!(status("apac"), "skipped");
    let apac_findings = &orgs.iter().find(|o| o["org"] == "apac").unwrap()["findings"];
    let missing: Vec<&Value> = apac_findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "missing_in_target")
        .collect();
    assert_eq!(missing.len(), 1, "{apac_findings:#}");
    assert!(missing[0]["message"].as_str().unwrap().contains("Upsell"));
    assert_eq!(
        writes(&apac.stats().await),
        0,
        "a skipped org is not written"
    );

    // --all-or-nothing: no org is written.
    let us2 = demo_org().await;
    common::profiles(dir.path(), &[("eu", &src), ("us", &us2), ("apac", &apac)]);
    let (code, _, _) = run_in(
        dir.path(),
        &[
            "clone",
            "--from",
            "eu",
            "--user",
            REFERENCE,
            "--to",
            "us,apac",
            "--target",
            TARGET,
            "--yes",
            "--all-or-nothing",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(writes(&us2.stats().await), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_finds_planted_items_fix_reconciles_and_a_second_drift_is_clean() {
    let (src, us) = (demo_org().await, demo_org().await);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("us", &us)]);
    let drift = [
        "drift", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", TARGET, "--format",
        "json",
    ];
    let (code, report, stderr) = run_in(dir.path(), &drift);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        drift_items(&report),
        [
            "Enterprise Accounts drift_missing",
            "Upsell drift_missing",
            "Sales drift_extra",
            "SMB Accounts drift_extra",
        ]
        .map(|i| format!("{TARGET} skills {i}")),
        "{report:#}"
    );
    assert_eq!(report["summary"]["drifted"], 1);
    assert_eq!(
        report["summary"]["items"], 2,
        "extras are not drift in merge mode"
    );
    assert_eq!(writes(&us.stats().await), 0, "drift only reads");

    let (code, _, stderr) = run_in(dir.path(), &[&drift[..], &["--fix", "--yes"]].concat());
    assert_eq!(code, 0, "{stderr}");
    let before = writes(&us.stats().await);
    let (code, report, stderr) = run_in(dir.path(), &drift);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(report["summary"]["drifted"], 0);
    assert_eq!(writes(&us.stats().await), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_applies_to_an_org_and_reads_back_the_same() {
    let (a, b) = (demo_org().await, demo_org().await);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("a", &a), ("b", &b)]);
    let exported = dir.path().join("sales.csv");
    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            "export",
            "--profile",
            "a",
            "--division",
            "Sales",
            "-o",
            exported.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let csv = std::fs::read_to_string(&exported).unwrap();
    assert!(csv.starts_with("email,name,division,"), "{csv}");
    assert!(csv.lines().count() > 10, "{csv}");
    // The export is a hire list the same org reads as already done: nothing to write.
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "check",
            exported.to_str().unwrap(),
            "--profile",
            "a",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    let rows = csv.lines().count() - 1;
    assert_eq!(report["plan"]["unchanged"], rows, "{:#}", report["plan"]);
    assert_eq!(writes(&a.stats().await), 0, "export only reads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clone_into_a_sibling_translates_every_id_by_name() {
    let (src, sib) = (demo_org().await, sibling_org().await);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("sib", &sib)]);
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "clone", "--from", "eu", "--user", REFERENCE, "--to", "sib", "--target", TARGET,
            "--yes", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(
        skills_of(&sib, TARGET),
        vec![
            ("Enterprise Accounts".into(), 3.0),
            ("SMB Accounts".into(), 1.0),
            ("Sales".into(), 3.0),
            ("Upsell".into(), 1.0),
        ]
    );
    let stats = sib.stats().await;
    assert!(writes(&stats) > 0, "the sibling was written");
    assert!(
        stats.writes_with_unknown_ids.is_empty(),
        "no write carried an id of another org: {:?}",
        stats.writes_with_unknown_ids
    );
    assert_eq!(writes(&src.stats().await), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_against_an_exported_baseline_finds_exactly_the_planted_differences() {
    let (src, sib) = (demo_org().await, sibling_org().await);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("sib", &sib)]);
    let three = dir.path().join("three.csv");
    std::fs::write(
        &three,
        "email\ndiego.walsh@example.com\nkenji.chen@example.com\npriya.costa@example.com\n",
    )
    .unwrap();
    let base = dir.path().join("base.csv");
    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            "export",
            "--profile",
            "eu",
            "--users",
            three.to_str().unwrap(),
            "-o",
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let drift_of_sib = |more: &[&str]| {
        let base = base.to_str().unwrap();
        let args = [
            "drift",
            "--baseline",
            base,
            "--to",
            "sib",
            "--format",
            "json",
        ];
        run_in(dir.path(), &[&args[..], more].concat())
    };
    let (code, report, stderr) = drift_of_sib(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        drift_items(&report),
        vec![
            "diego.walsh@example.com skills Billing drift_changed",
            "diego.walsh@example.com queues Billing Tier 2 unresolvable",
            "diego.walsh@example.com queues Billing Tier II drift_extra",
            "kenji.chen@example.com queues Support Tier 2 drift_missing",
            "priya.costa@example.com roles Trainer drift_extra",
        ],
        "{report:#}"
    );
    assert_eq!(report["summary"]["drifted"], 2);

    // A map renames the baseline's own cells for that org: the renamed queue is in sync.
    let map = dir.path().join("map.csv");
    std::fs::write(
        &map,
        "org,kind,source,target\nsib,queue,Billing Tier 2,Billing Tier II\n",
    )
    .unwrap();
    let (code, report, stderr) = drift_of_sib(&["--map", map.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        drift_items(&report),
        vec![
            "diego.walsh@example.com skills Billing drift_changed",
            "kenji.chen@example.com queues Support Tier 2 drift_missing",
            "priya.costa@example.com roles Trainer drift_extra",
        ],
        "{report:#}"
    );
    assert_eq!(writes(&sib.stats().await), 0, "drift only reads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_target_that_is_not_in_the_org_is_said_so_with_how_to_create_it() {
    let (src, us) = (demo_org().await, demo_org().await);
    us.with_state_mut(|o| o.users.retain(|u| u.email != TARGET));
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("us", &us)]);
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "clone", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", TARGET,
            "--check", "--format", "json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let said: Vec<&str> = report["orgs"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "missing_field")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        said,
        vec![format!(
            "{TARGET} is not a user of 'us': --target and --same-email change existing users only; to create users, give --targets HIRES.csv with their names"
        )],
        "{report:#}"
    );
    assert_eq!(writes(&us.stats().await), 0);
}
