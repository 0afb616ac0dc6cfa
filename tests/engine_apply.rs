//! Issue 5's acceptance tests: the engine against the simulator over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::model::{Outcome, PlanAction, StepStatus};

/// 300 new hires with 5% server errors and 2% writes whose answer is dropped after they
/// were applied: every row ends as asked, exactly once; the report's counts match; then a
/// second run writes nothing and reports every row unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_rows_with_faults_then_rerun_is_a_no_op() {
    let sim = sim_with("error_rate=0.05,drop_after_commit=0.02,seed=11").await;
    widen_seats(&sim);
    let client = client(&sim.url());
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    let list = ingest(&hire_csv(300, "f"));

    let before_snapshot = client.stats().requests;
    let checked = check(&client, &list).await;
    println!(
        "snapshot of the org for 300 new hires: {} requests",
        client.stats().requests - before_snapshot
    );
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));
    assert_eq!(checked.plan.count(PlanAction::Create), 300);
    let before = client.stats().requests;
    let report = run(&client, &checked, &journal).await;
    let failed: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .collect();
    assert!(failed.is_empty(), "failed rows: {failed:#?}");
    assert_eq!(report.summary.total, 300);
    assert_eq!(report.summary.succeeded, 300);
    assert_eq!(
        report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Created)
            .count(),
        300
    );
    assert_eq!(report.api.requests, client.stats().requests - before);
    assert_provisioned(&sim, 300, "f");
    let stats = sim.stats().await;
    assert_eq!(stats.duplicate_emails, 0);
    println!(
        "300 creates under faults: {} requests ({:.2} per user), {} retries",
        report.api.requests,
        report.api.requests as f64 / 300.0,
        report.api.retries
    );

    // Run it again: nothing to write, every row unchanged.
    sim.set_faults(onboard::sim::FaultSpec::default());
    let writes_before = write_routes(&sim.stats().await);
    let before_snapshot = client.stats().requests;
    let again = check(&client, &list).await;
    println!(
        "snapshot of the org with 300 existing hires: {} requests",
        client.stats().requests - before_snapshot
    );
    assert_eq!(
        again.plan.count(PlanAction::Unchanged),
        300,
        "{:?}",
        again
            .plan
            .rows
            .iter()
            .filter(|r| r.action != PlanAction::Unchanged)
            .take(2)
            .collect::<Vec<_>>()
    );
    let report2 = run(&client, &again, &journal).await;
    assert_eq!(
        write_routes(&sim.stats().await),
        writes_before,
        "a re-run wrote to the org"
    );
    assert_eq!(report2.summary.unchanged, 300);
    assert!(report2.rows.iter().all(|r| r.outcome == Outcome::Unchanged));
}

/// A queue at its member limit and a licence whose last seats went between check and run:
/// those rows fail alone, with step, status, code and message; the rest complete. After the
/// cause is fixed, running only the failed rows completes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_failures_fail_alone_and_only_failed_completes_them() {
    let sim = sim_with("seed=3").await;
    widen_seats(&sim);
    let client = client(&sim.url());
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.jsonl");
    // Billing Tier 2 has 18 members and a limit of 20: the third and fourth joiner fail.
    let mut csv = String::from("email,name,division,roles,queues,licenses\n");
    for i in 0..4 {
        csv.push_str(&format!(
            "bt{i}@hires.example.com,Billing Hire {i},Billing,Agent,Billing Tier 1;Billing Tier 2,\n"
        ));
    }
    csv.push_str("wem0@hires.example.com,Wem Hire,Support,Agent,Support Tier 1,wem\n");
    csv.push_str("ok0@hires.example.com,Plain Hire,Support,Agent,Support Tier 1,\n");
    let list = ingest(&csv);
    let checked = check(&client, &list).await;
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));

    // The wem seats run out after the check (someone else used them).
    sim.with_state_mut(|org| {
        let assigned = org
            .users
            .iter()
            .filter(|u| u.licenses.iter().any(|l| l == "wem"))
            .count() as u32;
        let wem = org.licenses.iter_mut().find(|l| l.id == "wem").unwrap();
        wem.seats = assigned;
    });

    let report = run(&client, &checked, &journal).await;
    let by_email = |e: &str| report.rows.iter().find(|r| r.email == e).unwrap();
    let queue_failures: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.email.starts_with("bt") && r.outcome == Outcome::Failed)
        .collect();
    assert_eq!(queue_failures.len(), 2, "{:#?}", report.rows);
    for r in &queue_failures {
        let st = r
            .steps
            .iter()
            .find(|s| s.status == StepStatus::Failed)
            .unwrap();
        assert_eq!(st.step, onboard::model::Step::Queues);
        assert_eq!(st.http_status, Some(400));
        assert_eq!(st.code.as_deref(), Some("queue.size.limit"));
        assert!(st.message.as_deref().is_some_and(|m| !m.is_empty()));
        assert!(st.context_id.is_some());
    }
    let wem = by_email("wem0@hires.example.com");
    assert_eq!(wem.outcome, Outcome::Failed);
    assert!(
        wem.steps
            .iter()
            .any(|s| s.step == onboard::model::Step::Licenses && s.status == StepStatus::Failed)
    );
    assert_eq!(by_email("ok0@hires.example.com").outcome, Outcome::Created);
    assert_eq!(report.summary.failed, 3);
    assert_eq!(report.summary.succeeded, 3);

    // Fix the causes, then retry only the failed rows.
    sim.with_state_mut(|org| {
        org.queues
            .iter_mut()
            .find(|q| q.name == "Billing Tier 2")
            .unwrap()
            .member_limit = Some(100);
        org.licenses
            .iter_mut()
            .find(|l| l.id == "wem")
            .unwrap()
            .seats += 10;
    });
    let j = onboard::engine::Journal::open(&journal, &binding(&client).await).unwrap();
    let failed_ids = j.failed_identities();
    assert_eq!(failed_ids.len(), 3);
    drop(j);
    let again = check(&client, &list).await;
    let only: std::collections::BTreeSet<usize> = again
        .plan
        .rows
        .iter()
        .filter(|r| failed_ids.contains(r.identity.as_str()))
        .map(|r| r.row)
        .collect();
    let mut cfg = onboard::engine::EngineConfig::new(journal.clone(), binding(&client).await);
    cfg.only_rows = Some(only);
    let retry = onboard::engine::run_to_end(client.clone(), again.plan.clone(), cfg)
        .await
        .unwrap();
    assert_eq!(retry.summary.total, 3);
    assert_eq!(retry.summary.failed, 0, "{:#?}", retry.rows);
    // The rows were created in the first run; the retry finished them.
    assert!(retry.rows.iter().all(|r| r.outcome == Outcome::Created));
    sim.with_state(|org| {
        let q = org
            .queues
            .iter()
            .find(|q| q.name == "Billing Tier 2")
            .unwrap();
        assert_eq!(q.members.len(), 22);
    });
    assert_eq!(sim.stats().await.duplicate_emails, 0);
}

/// A create whose answer is lost after the org applied it is found by the lookup that
/// follows, so the engine never creates the user a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_with_a_lost_answer_is_found_not_repeated() {
    let sim = sim_with("drop_after_commit=1.0,seed=1").await;
    let client = client(&sim.url());
    let api = onboard::engine::Api::new(client.clone());
    let d = onboard::model::DesiredUser {
        email: "lost.answer@hires.example.com".into(),
        name: "Lost Answer".into(),
        division_id: sim
            .with_state(|o| o.divisions.iter().find(|d| d.home).unwrap().id.clone())
            .into(),
        department: None,
        title: None,
        manager: None,
        grants: vec![],
        skills: vec![],
        languages: vec![],
        queue_ids: vec![],
        phone: None,
        extension: None,
        licenses: vec![],
        external_id: None,
        utilization: vec![],
    };
    let err = api.create_user(&d, None).await.unwrap_err();
    assert_eq!(err.kind, onboard::engine::OpKind::Unknown, "{err:?}");
    let found = api.find_by_email(&d.email).await.unwrap();
    assert!(found.is_some(), "the committed user must be found by email");
    assert_eq!(
        sim.stats().await.users.total,
        sim.with_state(|o| o.users.len()) as u64
    );
}
