//! `clone --mode merge` and `--mode mirror` on a target user who has more than the reference:
//! extra direct roles, skills, languages and queues, plus a role inherited from a group and
//! queue memberships through a group (spec clone-drift-export §10.4). Two real simulators over
//! HTTP, the real binary. Mirror removes exactly the direct extras; what comes from a group is
//! not the user's own and survives; merge removes nothing; a drift right after is clean.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::queue_settings::MemberGroup;
use onboard::sim::{self, Org, SimConfig, SimHandle};

/// A demo-org Sales agent: Agent, Employee@Home, two skills, English, Sales queues
/// (the same two queues as the target).
const REFERENCE: &str = "aiden.haddad@example.com";
const TARGET: &str = "aiden.jensen@example.com";
/// A reference queue the target is in only through the group after planting.
const QUEUE_VIA_GROUP: &str = "Sales Chat";
/// A queue the reference is not in; the target is in it only through the group.
const OTHER_QUEUE_VIA_GROUP: &str = "Escalations";
/// A queue the reference is not in; the target is in it directly (an extra).
const EXTRA_QUEUE: &str = "Overflow";
const GROUP: &str = "Night Shift";
/// Granted to the group, so the target inherits it.
const GROUP_ROLE: &str = "Quality Evaluator";
const EXTRA_ROLES: [&str; 2] = ["Supervisor", "Trainer"];
const EXTRA_LANGUAGES: [&str; 2] = ["Spanish", "French"];
const LANGUAGE_DELETE: &str = "DELETE /api/v2/users/{userId}/routinglanguages/{languageId}";

async fn org() -> SimHandle {
    sim::start(SimConfig {
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap()
}

fn user_id(org: &Org, email: &str) -> String {
    org.users
        .iter()
        .find(|u| u.email == email)
        .unwrap()
        .id
        .clone()
}

/// Gives the target the extras (a)–(d) listed in the module comment.
fn plant(org: &mut Org) {
    let uid = user_id(org, TARGET);
    let home = org.home_division().id.clone();
    let role = |o: &Org, n: &str| o.role_by_name(n).unwrap().id.clone();
    let extra_roles: Vec<String> = EXTRA_ROLES.iter().map(|n| role(org, n)).collect();
    let langs: Vec<String> = EXTRA_LANGUAGES
        .iter()
        .map(|n| org.language_by_name(n).unwrap().id.clone())
        .collect();
    let group_role = role(org, GROUP_ROLE);
    let u = org.user_mut(&uid).unwrap();
    for r in extra_roles {
        u.grants.push((r, home.clone()));
    }
    for l in langs {
        u.languages.push((l, 2.0));
    }
    let group = org.group_by_name_mut(GROUP).unwrap();
    group.member_ids.push(uid.clone());
    group.grants.push((group_role, home));
    let group_id = group.id.clone();
    org.queue_by_name_mut(EXTRA_QUEUE)
        .unwrap()
        .members
        .push(uid.clone());
    let via = org.queue_by_name_mut(QUEUE_VIA_GROUP).unwrap();
    assert!(
        via.members.contains(&uid),
        "the demo target is a direct member"
    );
    via.members.retain(|m| *m != uid);
    for name in [QUEUE_VIA_GROUP, OTHER_QUEUE_VIA_GROUP] {
        org.queue_by_name_mut(name)
            .unwrap()
            .member_groups
            .push(MemberGroup {
                id: group_id.clone(),
                kind: "GROUP".into(),
            });
    }
}

/// The target's direct role names, sorted.
fn direct_roles(org: &Org) -> Vec<String> {
    let u = org.user(&user_id(org, TARGET)).unwrap();
    let mut v: Vec<String> = u
        .grants
        .iter()
        .map(|(r, _)| org.role(r).unwrap().name.clone())
        .collect();
    v.sort();
    v
}

fn language_names(org: &Org, email: &str) -> Vec<String> {
    let u = org.user(&user_id(org, email)).unwrap();
    let mut v: Vec<String> = u
        .languages
        .iter()
        .map(|(l, _)| org.language(l).unwrap().name.clone())
        .collect();
    v.sort();
    v
}

fn skill_names(org: &Org, email: &str) -> Vec<String> {
    let u = org.user(&user_id(org, email)).unwrap();
    let mut v: Vec<String> = u
        .skills
        .iter()
        .map(|(s, _)| org.skill(s).unwrap().name.clone())
        .collect();
    v.sort();
    v
}

/// Queues the user is a direct member of, by name, sorted.
fn direct_queues(org: &Org, email: &str) -> Vec<String> {
    let uid = user_id(org, email);
    let mut v: Vec<String> = org
        .queues
        .iter()
        .filter(|q| q.members.contains(&uid))
        .map(|q| q.name.clone())
        .collect();
    v.sort();
    v
}

/// Queues the target is in through a group, by name, sorted.
fn queues_via_group(org: &Org) -> Vec<String> {
    let uid = user_id(org, TARGET);
    let mut v: Vec<String> = org
        .queues
        .iter()
        .filter(|q| org.group_members_of(q).contains(&uid))
        .map(|q| q.name.clone())
        .collect();
    v.sort();
    v
}

fn group_role_kept(org: &Org) -> bool {
    let g = org.groups.iter().find(|g| g.name == GROUP).unwrap();
    let role = org.role_by_name(GROUP_ROLE).unwrap().id.clone();
    g.member_ids.contains(&user_id(org, TARGET)) && g.grants.iter().any(|(r, _)| *r == role)
}

fn assert_no_failed_rows(report: &serde_json::Value) {
    for org in report["orgs"].as_array().unwrap() {
        assert_eq!(org["status"], "done", "{org:#}");
        assert_eq!(org["summary"]["failed"], 0, "{org:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_keeps_everything_mirror_removes_only_direct_extras_and_group_grants_and_memberships_survive()
 {
    let (src, us) = (org().await, org().await);
    us.with_state_mut(plant);
    let dir = tempfile::tempdir().unwrap();
    common::profiles(dir.path(), &[("eu", &src), ("us", &us)]);
    let base = [
        "clone", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", TARGET, "--yes",
        "--format", "json",
    ];
    let before = us.with_state(|o| (direct_roles(o), language_names(o, TARGET)));

    // Merge: nothing is removed, and the reference's queue the target is in through the
    // group is held, not added (nor failed).
    let (code, report, stderr) = run_in(dir.path(), &base);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_no_failed_rows(&report);
    us.with_state(|o| {
        let roles = direct_roles(o);
        for r in &before.0 {
            assert!(roles.contains(r), "merge keeps role {r}: {roles:?}");
        }
        assert_eq!(language_names(o, TARGET), before.1, "merge keeps languages");
        assert!(direct_queues(o, TARGET).contains(&EXTRA_QUEUE.to_string()));
        assert!(group_role_kept(o));
        assert_eq!(
            queues_via_group(o),
            [OTHER_QUEUE_VIA_GROUP, QUEUE_VIA_GROUP],
            "merge keeps the group memberships"
        );
    });
    assert_eq!(
        us.stats().await.by_route.get(LANGUAGE_DELETE).copied(),
        None,
        "merge deletes no language"
    );

    // Mirror: exactly the direct extras go.
    let (code, report, stderr) = run_in(dir.path(), &[&base[..], &["--mode", "mirror"]].concat());
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_no_failed_rows(&report);
    let reference = src.with_state(|o| {
        let u = o.user(&user_id(o, REFERENCE)).unwrap();
        let mut roles: Vec<String> = u
            .grants
            .iter()
            .map(|(r, _)| o.role(r).unwrap().name.clone())
            .collect();
        roles.sort();
        (
            roles,
            skill_names(o, REFERENCE),
            language_names(o, REFERENCE),
            direct_queues(o, REFERENCE),
        )
    });
    us.with_state(|o| {
        assert_eq!(
            direct_roles(o),
            reference.0,
            "mirror leaves the reference's roles"
        );
        assert_eq!(skill_names(o, TARGET), reference.1);
        assert_eq!(language_names(o, TARGET), reference.2);
        // The reference's queue the target holds through the group is not added directly:
        // the snapshot reads that queue's group members and the plan holds it.
        let want: Vec<String> = reference
            .3
            .iter()
            .filter(|q| *q != QUEUE_VIA_GROUP)
            .cloned()
            .collect();
        assert_eq!(direct_queues(o, TARGET), want);
        assert!(group_role_kept(o), "the group's grant survives");
        assert_eq!(
            queues_via_group(o),
            [OTHER_QUEUE_VIA_GROUP, QUEUE_VIA_GROUP],
            "the group memberships survive"
        );
    });
    let stats = us.stats().await;
    assert_eq!(
        stats.by_route.get(LANGUAGE_DELETE).copied(),
        Some(EXTRA_LANGUAGES.len() as u64),
        "one DELETE per extra language"
    );
    assert!(
        stats
            .by_route
            .get("POST /api/v2/authorization/subjects/{subjectId}/bulkreplace")
            .is_some_and(|n| *n >= 1),
        "roles are mirrored with bulkreplace: {:?}",
        stats.by_route
    );

    // Drift right after: in sync (the group's role is not the user's own, so not extra).
    let writes_before = writes(&us.stats().await);
    let (code, report, stderr) = run_in(
        dir.path(),
        &[
            "drift", "--from", "eu", "--user", REFERENCE, "--to", "us", "--target", TARGET,
            "--format", "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(
        writes(&us.stats().await),
        writes_before,
        "drift writes nothing"
    );
}
