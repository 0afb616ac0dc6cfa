//! Snapshot cost (issue 12): existing users' grants are read from the role side when that
//! costs fewer requests than one subjects GET per user, and per user otherwise. Both paths
//! must give the same grants. Against the simulator over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

const SUBJECT_ROUTE: &str = "GET /api/v2/authorization/subjects/{subjectId}";
const ROLE_ROUTE: &str = "GET /api/v2/authorization/roles/{roleId}/subjectgrants";

fn route(stats: &onboard::sim::SimStats, r: &str) -> u64 {
    stats.by_route.get(r).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_per_role_and_per_user_agree_and_the_cheaper_path_is_taken() {
    let sim = sim_with("seed=31").await;
    widen_seats(&sim);
    let client = client(&sim.url());
    let list = ingest(&hire_csv(40, "cost"));
    let checked = check(&client, &list).await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    assert_eq!(report.summary.succeeded, 40);
    let ids: Vec<String> = report
        .rows
        .iter()
        .filter_map(|r| r.user_id.clone())
        .collect();
    assert_eq!(ids.len(), 40);

    // Many users: the role side (a few pages) beats 40 subject reads.
    let before = sim.stats().await;
    let many = client.fetch_existing_users(&ids).await.unwrap();
    let after = sim.stats().await;
    let subject_reads = route(&after, SUBJECT_ROUTE) - route(&before, SUBJECT_ROUTE);
    let role_reads = route(&after, ROLE_ROUTE) - route(&before, ROLE_ROUTE);
    println!("40 users: {role_reads} role pages, {subject_reads} subject reads");
    assert_eq!(subject_reads, 0, "grants came from the role side");
    assert!(role_reads > 0 && role_reads < 40);

    // Few users: per user.
    let before = sim.stats().await;
    let few = client.fetch_existing_users(&ids[..3]).await.unwrap();
    let after = sim.stats().await;
    assert_eq!(
        route(&after, SUBJECT_ROUTE) - route(&before, SUBJECT_ROUTE),
        3
    );
    assert_eq!(route(&after, ROLE_ROUTE) - route(&before, ROLE_ROUTE), 0);

    // The same grants either way, and what the org holds.
    for u in &few {
        let m = many.iter().find(|x| x.id == u.id).unwrap();
        assert_eq!(u.grants, m.grants, "{}", u.email);
        assert!(!u.grants.is_empty(), "{}: holds Agent", u.email);
    }
    sim.with_state(|org| {
        for u in &many {
            let held = org.users.iter().find(|x| *x.id == *u.id).unwrap();
            let mut want: Vec<(String, String)> = held.grants.clone();
            want.sort();
            let mut got: Vec<(String, String)> = u
                .grants
                .iter()
                .map(|g| (g.role_id.to_string(), g.division_id.to_string()))
                .collect();
            got.sort();
            assert_eq!(got, want, "{}", u.email);
        }
    });
}
