//! A queue the target is in only through a group (contract §3, queues row) over real
//! simulators set to refuse a direct add of such a user (`queueAddOfGroupMember: refuse`):
//! - clone (the real binary): the snapshot sees the membership (one `?memberBy=group` read
//!   of the one queue that counts group members) and plans no add for that user; the others
//!   become direct members in the same one call; a drift right after is clean;
//! - apply whose snapshot predates the group membership (the library engine): the batch is
//!   refused, the named user is held as done and the rest is added by one more call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::queue_settings::MemberGroup;
use onboard::sim::seed::QueueAddOfGroupMember;
use onboard::sim::{self, Org, SimConfig, SimHandle};
use std::collections::BTreeMap;

/// A demo-org Sales agent (Sales queues).
const REFERENCE: &str = "aiden.haddad@example.com";
/// Customer Support agents: in none of the reference's queues.
const TARGETS: [&str; 3] = [
    "liam.lopez@example.com",
    "sophia.rossi@example.com",
    "mateo.novak@example.com",
];
/// The target that is in the reference's queue through the group.
const VIA_GROUP: &str = "mateo.novak@example.com";
const GROUP: &str = "Night Shift";
const QUEUE: &str = "Sales Chat";
const MEMBERS_POST: &str = "POST /api/v2/routing/queues/{queueId}/members";
const MEMBERS_GET: &str = "GET /api/v2/routing/queues/{queueId}/members";

async fn org(refuse: bool) -> SimHandle {
    let s = sim::start(SimConfig {
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    if refuse {
        s.with_state_mut(|o| o.queue_add_of_group_member = QueueAddOfGroupMember::Refuse);
    }
    s
}

fn user_id(org: &Org, email: &str) -> String {
    org.users
        .iter()
        .find(|u| u.email == email)
        .unwrap()
        .id
        .clone()
}

/// Makes `email` a member of `queue` through the group (and not directly).
fn join_through_group(org: &mut Org, email: &str, queue: &str) {
    let uid = user_id(org, email);
    let group = org.group_by_name_mut(GROUP).unwrap();
    group.member_ids.push(uid.clone());
    let group_id = group.id.clone();
    let q = org.queue_by_name_mut(queue).unwrap();
    assert!(!q.members.contains(&uid), "{email} starts outside {queue}");
    q.member_groups.push(MemberGroup {
        id: group_id,
        kind: "GROUP".into(),
    });
}

fn direct_member(org: &Org, email: &str, queue: &str) -> bool {
    let uid = user_id(org, email);
    org.queue_by_name(queue).unwrap().members.contains(&uid)
}

fn group_member(org: &Org, email: &str, queue: &str) -> bool {
    let uid = user_id(org, email);
    org.group_members_of(org.queue_by_name(queue).unwrap())
        .contains(&uid)
}

/// The reference's queues, by name.
fn reference_queues(org: &Org) -> Vec<String> {
    let uid = user_id(org, REFERENCE);
    org.queues
        .iter()
        .filter(|q| q.members.contains(&uid))
        .map(|q| q.name.clone())
        .collect()
}

fn assert_no_failed_rows(report: &serde_json::Value) {
    for org in report["orgs"].as_array().unwrap() {
        assert_eq!(org["status"], "done", "{org:#}");
        assert_eq!(org["summary"]["failed"], 0, "{org:#}");
    }
}

/// `clone` of the reference to the three targets: its exit code and the target org's
/// requests by route.
async fn clone_to_targets(src: &SimHandle, us: &SimHandle) -> BTreeMap<String, u64> {
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", src), ("us", us)]);
    let targets = TARGETS.join(",");
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "clone", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", &targets,
            "--yes", "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_no_failed_rows(&report);
    let routes = us.stats().await.by_route;
    // A drift right after: in sync, nothing written.
    let writes_before = writes(&us.stats().await);
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "drift", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", &targets,
            "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(
        writes(&us.stats().await),
        writes_before,
        "drift writes nothing"
    );
    routes.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clone_holds_a_queue_the_target_has_through_a_group_and_adds_the_others_in_one_call() {
    // Control: the same clone where nobody is in a queue through a group.
    let (src, plain) = (org(false).await, org(true).await);
    let queues = src.with_state(reference_queues);
    assert!(queues.contains(&QUEUE.to_string()), "{queues:?}");
    let control = clone_to_targets(&src, &plain).await;
    plain.with_state(|o| {
        for t in TARGETS {
            for q in &queues {
                assert!(direct_member(o, t, q), "{t} in {q}");
            }
        }
    });

    let us = org(true).await;
    us.with_state_mut(|o| join_through_group(o, VIA_GROUP, QUEUE));
    let with_group = clone_to_targets(&src, &us).await;
    us.with_state(|o| {
        for t in TARGETS {
            for q in &queues {
                let held_by_group = t == VIA_GROUP && q == QUEUE;
                assert_eq!(direct_member(o, t, q), !held_by_group, "{t} in {q}");
            }
        }
        assert!(
            group_member(o, VIA_GROUP, QUEUE),
            "still in through the group"
        );
    });
    // One queue-member call per reference queue either way (the group member is left out
    // of its batch, not sent alone); the group costs one read of that queue's group members
    // (in the clone; the drift reads it once more).
    let n = |routes: &BTreeMap<String, u64>, r: &str| routes.get(r).copied().unwrap_or(0);
    println!(
        "target org, clone: {} member POSTs / {} member GETs without the group, {} / {} with it",
        n(&control, MEMBERS_POST),
        n(&control, MEMBERS_GET),
        n(&with_group, MEMBERS_POST),
        n(&with_group, MEMBERS_GET)
    );
    assert_eq!(
        n(&control, MEMBERS_POST),
        queues.len() as u64,
        "{control:#?}"
    );
    assert_eq!(
        n(&with_group, MEMBERS_POST),
        queues.len() as u64,
        "{with_group:#?}"
    );
    assert_eq!(
        n(&with_group, MEMBERS_GET),
        n(&control, MEMBERS_GET) + 1,
        "control {control:#?}\nwith the group {with_group:#?}"
    );
    // Nothing else differs.
    let others = |routes: &BTreeMap<String, u64>| -> BTreeMap<String, u64> {
        routes
            .iter()
            .filter(|(r, _)| *r != MEMBERS_GET && *r != "POST /oauth/token")
            .map(|(r, c)| (r.clone(), *c))
            .collect()
    };
    assert_eq!(others(&with_group), others(&control));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_after_the_snapshot_holds_a_refused_group_member_as_done_and_adds_the_rest() {
    let sim = org(true).await;
    let csv: String = std::iter::once("email,queues\n".to_string())
        .chain(TARGETS.iter().map(|t| format!("{t},{QUEUE}\n")))
        .collect();
    let list = ingest(&csv);
    let c = client(&sim.url());
    let checked = check(&c, &list).await;
    // The group membership appears after the snapshot: the plan still adds all three.
    sim.with_state_mut(|o| join_through_group(o, VIA_GROUP, QUEUE));
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let posts_before = sim
        .stats()
        .await
        .by_route
        .get(MEMBERS_POST)
        .copied()
        .unwrap_or(0);
    let report = run(&c, &checked, &journal).await;
    assert_eq!(report.summary.failed, 0, "{report:#?}");
    assert_eq!(report.summary.succeeded, TARGETS.len(), "{report:#?}");
    // The batch of three is refused naming the group member; the two others go in one
    // more call.
    let posts = sim
        .stats()
        .await
        .by_route
        .get(MEMBERS_POST)
        .copied()
        .unwrap_or(0);
    assert_eq!(posts - posts_before, 2);
    sim.with_state(|o| {
        for t in TARGETS {
            assert_eq!(direct_member(o, t, QUEUE), t != VIA_GROUP, "{t}");
        }
        assert!(group_member(o, VIA_GROUP, QUEUE));
    });
    // Each row's queues step is journaled ok.
    let text = std::fs::read_to_string(&journal).unwrap();
    let ok_queue_steps = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|r| r["step"] == "queues" && r["status"] == "ok")
        .count();
    assert_eq!(ok_queue_steps, TARGETS.len(), "{text}");
}
