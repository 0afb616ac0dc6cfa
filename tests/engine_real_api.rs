//! Issue 11, engine side: `apply` against the simulator over real HTTP where the real API
//! differs from the SDK's declarations (docs/genesys-api-notes.md §11): a phone update keeps every
//! other contact, stale versions in any wording are re-read and re-applied, missing
//! expansions are fetched before the diff and the verification.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::model::{Outcome, PlanAction, StepStatus};
use onboard::sim::SimHandle;
use serde_json::{Value, json};

/// `n` DIDs in the demo pools that nobody holds.
fn free_dids(sim: &SimHandle, n: usize) -> Vec<String> {
    sim.with_state(|o| {
        let mut out = Vec::new();
        for p in &o.did_pools {
            let start: u64 = p.start.trim_start_matches('+').parse().unwrap();
            let end: u64 = p.end.trim_start_matches('+').parse().unwrap();
            for x in start..=end {
                let num = format!("+{x}");
                if out.len() < n && o.owner_of_number(&num, false).is_none() {
                    out.push(num);
                }
            }
        }
        out
    })
}

/// The user's `addresses` as the API answers them, raw.
async fn addresses(sim: &SimHandle, id: &str) -> Vec<Value> {
    let u: Value = reqwest::Client::new()
        .get(format!("{}/api/v2/users/{id}", sim.url()))
        .bearer_auth(demo_token(&sim.url()).await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    u["addresses"].as_array().unwrap().clone()
}

/// Creates a user over HTTP with these addresses; returns its id.
async fn create(sim: &SimHandle, email: &str, addresses: Value) -> String {
    let home = sim.with_state(|o| o.division_by_name("Support").unwrap().id.clone());
    let r: Value = reqwest::Client::new()
        .post(format!("{}/api/v2/users", sim.url()))
        .bearer_auth(demo_token(&sim.url()).await)
        .json(
            &json!({"name": "Existing Person", "email": email, "divisionId": home,
                      "title": "Agent", "addresses": addresses}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["id"]
        .as_str()
        .unwrap_or_else(|| panic!("create: {r}"))
        .to_string()
}

fn kind(c: &Value) -> (&str, &str) {
    (
        c["mediaType"].as_str().unwrap_or(""),
        c["type"].as_str().unwrap_or(""),
    )
}

/// An existing user with a WORK phone (and extension) + MOBILE + HOME + a second e-mail; a
/// hire row changes the phone. After `apply`, the three other contacts are still there, byte
/// for byte, and the work entry holds the new number with the old extension.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_update_keeps_every_other_contact_byte_for_byte() {
    let sim = sim_with("seed=4").await;
    let [old, new]: [String; 2] = free_dids(&sim, 2).try_into().unwrap();
    let id = create(
        &sim,
        "keep.contacts@example.com",
        json!([
            {"address": old, "extension": "1998", "mediaType": "PHONE", "type": "WORK"},
            {"address": "+447700900111", "mediaType": "PHONE", "type": "MOBILE"},
            {"address": "+13125550142", "mediaType": "PHONE", "type": "HOME"},
            {"address": "keep.private@example.net", "mediaType": "EMAIL", "type": "HOME"},
        ]),
    )
    .await;
    let before = addresses(&sim, &id).await;
    let others_before: Vec<String> = before
        .iter()
        .filter(|c| kind(c) != ("PHONE", "WORK"))
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    assert_eq!(others_before.len(), 3, "{before:?}");

    let client = client(&sim.url());
    let list = ingest(&format!(
        "email,name,division,title,phone\nkeep.contacts@example.com,Existing Person,Support,Agent,{new}\n"
    ));
    let checked = check(&client, &list).await;
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));
    assert_eq!(checked.plan.count(PlanAction::Update), 1);
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    assert_eq!(
        report.rows[0].outcome,
        Outcome::Updated,
        "{:?}",
        report.rows[0]
    );

    let after = addresses(&sim, &id).await;
    let others_after: Vec<String> = after
        .iter()
        .filter(|c| kind(c) != ("PHONE", "WORK"))
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    assert_eq!(others_after, others_before, "other contacts changed");
    let work: Vec<&Value> = after
        .iter()
        .filter(|c| kind(c) == ("PHONE", "WORK"))
        .collect();
    assert_eq!(work.len(), 1, "{after:?}");
    assert_eq!(work[0]["address"], json!(new));
    assert_eq!(work[0]["extension"], "1998");
    // The old number is free again.
    assert!(sim.with_state(|o| o.owner_of_number(&old, false).is_none()));
}

/// A demo user holds a WORK number and a WORK2 extension (read back as a pool extension,
/// `address` beside it): a new number lands on WORK, the WORK2 extension stays as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_update_keeps_an_extension_held_on_another_type() {
    let sim = sim_with("seed=14").await;
    let new = free_dids(&sim, 1).remove(0);
    let (id, email, name, div, ext) = sim.with_state(|o| {
        let u = o
            .users
            .iter()
            .find(|u| {
                u.state == onboard::model::UserState::Active
                    && u.addresses.iter().any(|a| a.r#type == "WORK2")
                    && u.addresses.iter().any(|a| a.r#type == "WORK")
            })
            .unwrap();
        let ext = u.extensions().next().unwrap().to_string();
        let div = o.division(&u.division_id).unwrap().name.clone();
        (u.id.clone(), u.email.clone(), u.name.clone(), div, ext)
    });
    let before = addresses(&sim, &id).await;
    let work2_before = before
        .iter()
        .find(|c| kind(c) == ("PHONE", "WORK2"))
        .unwrap()
        .clone();
    let client = client(&sim.url());
    let list = ingest(&format!(
        "email,name,division,phone,extension\n{email},{name},{div},{new},{ext}\n"
    ));
    let checked = check(&client, &list).await;
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    assert_eq!(
        report.rows[0].outcome,
        Outcome::Updated,
        "{:?}",
        report.rows[0]
    );
    let after = addresses(&sim, &id).await;
    assert_eq!(
        after.iter().find(|c| kind(c) == ("PHONE", "WORK2")),
        Some(&work2_before)
    );
    let work = after.iter().find(|c| kind(c) == ("PHONE", "WORK")).unwrap();
    assert_eq!(work["address"], json!(new));
}

/// A new hire with a phone and an extension is created with ONE work contact holding both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_hire_gets_number_and_extension_on_one_work_contact() {
    let sim = sim_with("seed=6").await;
    let did = free_dids(&sim, 1).remove(0);
    let client = client(&sim.url());
    let list = ingest(&format!(
        "email,name,division,phone,extension\none.contact@hires.example.com,One Contact,Support,{did},1997\n"
    ));
    let checked = check(&client, &list).await;
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    assert_eq!(
        report.rows[0].outcome,
        Outcome::Created,
        "{:?}",
        report.rows[0]
    );
    let id = report.rows[0].user_id.clone().unwrap();
    let a = addresses(&sim, &id).await;
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(
        (a[0]["address"].as_str(), a[0]["extension"].as_str()),
        (Some(&*did), Some("1997"))
    );
    // Re-checking it finds nothing to do: the read shape decodes to the same phone.
    let again = check(&client, &list).await;
    assert_eq!(again.plan.count(PlanAction::Unchanged), 1);
}

/// Every user changes between the check and the run (another admin edits them, and adds an
/// SMS contact to one): each PATCH meets a stale version, answered in whichever seeded
/// wording (some never say "version", one is a 400). The engine re-reads and re-applies;
/// the contact added meanwhile survives the phone update.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_versions_in_any_wording_are_re_read_and_re_applied() {
    let sim = sim_with("seed=9").await;
    let dids = free_dids(&sim, 8);
    let mut csv = String::from("email,name,division,title,phone\n");
    let mut ids = Vec::new();
    for (i, did) in dids.iter().enumerate() {
        let email = format!("stale{i}@example.com");
        ids.push(create(&sim, &email, json!([])).await);
        csv.push_str(&format!("{email},Existing Person,Support,Lead {i},{did}\n"));
    }
    let client = client(&sim.url());
    let list = ingest(&csv);
    let checked = check(&client, &list).await;
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));
    assert_eq!(checked.plan.count(PlanAction::Update), 8);
    sim.with_state_mut(|o| {
        for id in &ids {
            let i = o.index_of(id).unwrap();
            o.users[i].version += 1;
        }
        let i = o.index_of(&ids[0]).unwrap();
        o.users[i].addresses.push(onboard::sim::seed::SeedContact {
            address: Some("+447700900222".into()),
            extension: None,
            media_type: "SMS".into(),
            r#type: "MOBILE".into(),
        });
    });
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    for r in &report.rows {
        assert_eq!(r.outcome, Outcome::Updated, "{r:?}");
    }
    let stats = sim.stats().await;
    let stale = stats.by_status.get("409").copied().unwrap_or(0)
        + stats.by_status.get("400").copied().unwrap_or(0);
    assert!(
        stale >= 8,
        "expected a stale answer per user: {:?}",
        stats.by_status
    );
    sim.with_state(|o| {
        for (i, id) in ids.iter().enumerate() {
            let u = o.user(id).unwrap();
            assert_eq!(u.title.as_deref(), Some(&*format!("Lead {i}")));
            assert!(u.phones().any(|p| p == dids[i]), "{:?}", u.addresses);
        }
        let first = o.user(&ids[0]).unwrap();
        assert!(
            first.addresses.iter().any(|c| c.media_type == "SMS"),
            "the SMS contact added meanwhile was lost: {:?}",
            first.addresses
        );
    });
}

/// The org leaves out every requested expansion. The snapshot still sees the existing
/// user's skills (so an unchanged row stays unchanged) and the verification still sees the
/// new users' skills (so no row fails with "skill missing").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_expansions_are_fetched_before_the_diff_and_the_verification() {
    let sim = sim_with("expand_drop=1,seed=12").await;
    widen_seats(&sim);
    let client = client(&sim.url());
    let dir = tempfile::tempdir().unwrap();
    let list = ingest(&hire_csv(12, "x"));
    let checked = check(&client, &list).await;
    assert!(!checked.has_errors(), "{}", checked.to_json("hires.csv"));
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    for r in &report.rows {
        assert_eq!(r.outcome, Outcome::Created, "{r:?}");
        assert!(
            r.steps.iter().all(|s| s.status == StepStatus::Ok),
            "{:?}",
            r.steps
        );
    }
    assert_provisioned(&sim, 12, "x");
    // Again: the existing users' skills come from per-user reads, so nothing differs.
    let writes_before = writes(&sim.stats().await);
    let again = check(&client, &list).await;
    assert_eq!(again.plan.count(PlanAction::Unchanged), 12);
    run(&client, &again, &dir.path().join("j.jsonl")).await;
    assert_eq!(writes(&sim.stats().await), writes_before);
}

/// `general.conflict` on a create still means "look it up and continue": someone created
/// the user between the check and the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_on_create_is_looked_up_and_the_row_continues() {
    let sim = sim_with("seed=13").await;
    widen_seats(&sim);
    let client = client(&sim.url());
    let list = ingest(&hire_csv(1, "c"));
    let checked = check(&client, &list).await;
    assert_eq!(checked.plan.count(PlanAction::Create), 1);
    create(&sim, "c0@hires.example.com", json!([])).await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &checked, &dir.path().join("j.jsonl")).await;
    assert_ne!(
        report.rows[0].outcome,
        Outcome::Failed,
        "{:?}",
        report.rows[0]
    );
    assert_eq!(sim.stats().await.by_status.get("409").copied(), Some(1));
    assert_eq!(sim.stats().await.duplicate_emails, 0);
    assert_provisioned(&sim, 1, "c");
}
