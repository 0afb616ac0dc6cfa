//! A clone to three orgs killed with SIGKILL twice, at journal-progress points (not times),
//! then run again: every org ends with each target user exactly once, as the reference (its
//! roles) and the targets' own cells say, and a third run writes nothing. Each org keeps its own
//! journal, bound to that org, so a resumed run continues org by org.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::SimHandle;
use std::path::Path;
use std::process::Stdio;

const REFERENCE: &str = "aiden.haddad@example.com";
const TARGETS: usize = 200;

async fn org() -> SimHandle {
    let sim = sim_with("seed=11,latency_ms=1-3").await;
    widen_seats(&sim);
    sim
}

/// Records in every journal of the run's data dir (one journal per org).
fn journal_records(data: &Path) -> usize {
    let Ok(orgs) = std::fs::read_dir(data.join("journals")) else {
        return 0;
    };
    orgs.filter_map(Result::ok)
        .filter_map(|o| std::fs::read_dir(o.path()).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter(|f| f.path().extension().is_some_and(|x| x == "jsonl"))
        .map(|f| journal_lines(&f.path()))
        .sum()
}

fn clone_cmd(dir: &Path, targets: &Path) -> std::process::Command {
    clone_list_cmd(dir, REFERENCE, &["us", "apac", "latam"], targets)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_twice_during_a_three_org_clone_then_resume_ends_each_org_once() {
    let src = org().await;
    let targets = [org().await, org().await, org().await];
    let dir = tempfile::tempdir().unwrap();
    common::profiles(
        dir.path(),
        &[
            ("eu", &src),
            ("us", &targets[0]),
            ("apac", &targets[1]),
            ("latam", &targets[2]),
        ],
    );
    let list = dir.path().join("targets.csv");
    std::fs::write(&list, hire_csv(TARGETS, "c")).unwrap();
    let data = dir.path().join("data");

    for delta in [40usize, 400] {
        let start = journal_records(&data);
        let mut child = clone_cmd(dir.path(), &list)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reached = false;
        for _ in 0..20_000 {
            if journal_records(&data) >= start + delta {
                reached = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        if reached {
            child.kill().unwrap();
        }
        let _ = child.wait();
        assert!(
            reached,
            "the run finished before {delta} more records; kill earlier"
        );
        for t in &targets {
            assert_eq!(t.stats().await.duplicate_emails, 0);
        }
    }

    let out = clone_cmd(dir.path(), &list).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for org in report["orgs"].as_array().unwrap() {
        assert_eq!(org["status"], "done", "{org:#}");
        assert_eq!(org["summary"]["failed"], 0, "{org:#}");
        assert_eq!(org["summary"]["total"], TARGETS, "{org:#}");
    }
    for t in &targets {
        assert_eq!(t.stats().await.duplicate_emails, 0);
        assert_provisioned(t, TARGETS, "c");
        // The reference's roles came along, by name, beside each row's own: Employee@Home.
        t.with_state(|o| {
            let employee = o.roles.iter().find(|r| r.name == "Employee").unwrap();
            let home = o.divisions.iter().find(|d| d.name == "Home").unwrap();
            for i in 0..TARGETS {
                let email = format!("c{i}@hires.example.com");
                let u = o.users.iter().find(|u| u.email == email).unwrap();
                assert!(
                    u.grants
                        .iter()
                        .any(|(r, d)| *r == employee.id && *d == home.id),
                    "{email}: {:?}",
                    u.grants
                );
            }
        });
    }
    assert_eq!(
        write_routes(&src.stats().await).len(),
        0,
        "the source is only read"
    );

    let before: Vec<u64> = futures_writes(&targets).await;
    let out = clone_cmd(dir.path(), &list).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        futures_writes(&targets).await,
        before,
        "a third run writes nothing"
    );
}

async fn futures_writes(targets: &[SimHandle]) -> Vec<u64> {
    let mut v = Vec::new();
    for t in targets {
        v.push(writes(&t.stats().await));
    }
    v
}
