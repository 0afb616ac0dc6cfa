#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Sibling orgs (issue 16): the demo org and `assets/demo/sibling.json` served by two
//! simulators on two ports: the same names, no shared id, exactly the planted differences
//! (assets/demo/ORG.md "Sibling orgs"); a client scoped to some divisions sees less than the
//! division object counts say; `onboard sim --seed` serves the sibling.

mod common;
#[path = "common/queue_org.rs"]
mod queue_org;
#[path = "common/sim_http.rs"]
mod sim_http;

use common::{demo_org, sibling_seed, sibling_seed_path, sim_of};
use onboard::sim::SimHandle;
use serde_json::Value;
use sim_http::*;
use std::collections::{BTreeMap, BTreeSet};

/// name → id of every entity of a page-number listing (all pages of up to 500).
async fn by_name(api: &Api, path: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    for page in 1.. {
        let r = api
            .get(&format!("{path}{sep}pageSize=500&pageNumber={page}"))
            .await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let entities = r.body["entities"].as_array().unwrap();
        for e in entities {
            let key = e["email"]
                .as_str()
                .or(e["name"].as_str())
                .unwrap()
                .to_string();
            out.insert(key, e["id"].as_str().unwrap().to_string());
        }
        if entities.len() < 500 {
            break;
        }
    }
    out
}

fn keys(m: &BTreeMap<String, String>) -> BTreeSet<String> {
    m.keys().cloned().collect()
}

fn ids(m: &BTreeMap<String, String>) -> BTreeSet<String> {
    m.values().cloned().collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn two_simulators_serve_the_same_names_with_different_ids_and_the_planted_differences() {
    let demo = demo_org().await;
    let sib = sim_of(sibling_seed()).await;
    assert_ne!(demo.addr().port(), sib.addr().port());
    let a = login(&demo.url(), "demo", "demo-secret").await;
    let b = login(&sib.url(), "sibling", "sibling-secret").await;
    // The demo's client does not exist in the sibling.
    let refused = reqwest::Client::new()
        .post(format!("{}/oauth/token", sib.url()))
        .basic_auth("demo", Some("demo-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    let me_a = a.get("/api/v2/organizations/me").await.body;
    let me_b = b.get("/api/v2/organizations/me").await.body;
    assert_eq!(me_b["name"], "Acme Support (sibling eu)");
    assert_ne!(me_a["id"], me_b["id"]);

    // (path, names only in the demo org, names only in the sibling)
    let kinds: [(&str, &[&str], &[&str]); 6] = [
        (
            "/api/v2/authorization/divisions",
            &["Collections"],
            &["Collection Services"],
        ),
        ("/api/v2/authorization/roles", &["Chat Agent"], &[]),
        ("/api/v2/routing/skills", &["Disputes"], &[]),
        ("/api/v2/routing/languages", &[], &[]),
        (
            "/api/v2/routing/queues",
            &["Billing Tier 2"],
            &["Billing Tier II"],
        ),
        ("/api/v2/users?state=any", &[], &[]),
    ];
    for (path, only_a, only_b) in kinds {
        let in_a = by_name(&a, path).await;
        let in_b = by_name(&b, path).await;
        assert!(in_a.len() >= 5, "{path}: {}", in_a.len());
        let names_a = keys(&in_a);
        let names_b = keys(&in_b);
        assert_eq!(
            names_a
                .difference(&names_b)
                .cloned()
                .collect::<BTreeSet<_>>(),
            set(only_a),
            "{path}"
        );
        assert_eq!(
            names_b
                .difference(&names_a)
                .cloned()
                .collect::<BTreeSet<_>>(),
            set(only_b),
            "{path}"
        );
        assert!(
            ids(&in_a).is_disjoint(&ids(&in_b)),
            "{path}: an id is shared between the two orgs"
        );
    }
    demo.shutdown().await;
    sib.shutdown().await;
}

/// A sibling's name in the demo org's words: the planted renames undone.
fn demo_name(name: &str) -> String {
    match name {
        "Billing Tier II" => "Billing Tier 2",
        "Collection Services" => "Collections",
        other => other,
    }
    .to_string()
}

type Profile = (BTreeMap<String, f64>, BTreeSet<String>, BTreeSet<String>);

/// A user's skills by name, queues (joined) by name and grants as `role@division`, in the
/// demo org's names.
async fn profile(api: &Api, id: &str) -> Profile {
    let skills = api
        .get(&format!("/api/v2/users/{id}/routingskills?pageSize=100"))
        .await
        .body;
    let skills = skills["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["proficiency"].as_f64().unwrap(),
            )
        })
        .collect();
    let queues = api.get(&format!("/api/v2/users/{id}/queues")).await.body;
    let queues = queues["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| demo_name(q["name"].as_str().unwrap()))
        .collect();
    let subject = api
        .get(&format!("/api/v2/authorization/subjects/{id}"))
        .await
        .body;
    let grants = subject["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{}@{}",
                g["role"]["name"].as_str().unwrap(),
                demo_name(g["division"]["name"].as_str().unwrap())
            )
        })
        .collect();
    (skills, queues, grants)
}

#[tokio::test]
async fn the_planted_drift_is_exactly_one_item_per_drifted_user() {
    let demo = demo_org().await;
    let sib = sim_of(sibling_seed()).await;
    let a = login(&demo.url(), "demo", "demo-secret").await;
    let b = login(&sib.url(), "sibling", "sibling-secret").await;
    let id_in =
        |h: &SimHandle, email: &str| h.with_state(|o| o.user_by_email(email).unwrap().id.clone());

    let email = "diego.walsh@example.com";
    let (sa, qa, ga) = profile(&a, &id_in(&demo, email)).await;
    let (sb, qb, gb) = profile(&b, &id_in(&sib, email)).await;
    assert_eq!(sa["Billing"], 4.0);
    assert_eq!(sb["Billing"], 2.0);
    assert_eq!((sa.len(), qa, ga), (sb.len(), qb, gb));

    let email = "kenji.chen@example.com";
    let (sa, qa, ga) = profile(&a, &id_in(&demo, email)).await;
    let (sb, qb, gb) = profile(&b, &id_in(&sib, email)).await;
    assert_eq!(
        qa.difference(&qb).cloned().collect::<BTreeSet<_>>(),
        set(&["Support Tier 2"])
    );
    assert!(qb.is_subset(&qa));
    assert_eq!((sa, ga), (sb, gb));

    let email = "priya.costa@example.com";
    let (sa, qa, ga) = profile(&a, &id_in(&demo, email)).await;
    let (sb, qb, gb) = profile(&b, &id_in(&sib, email)).await;
    assert_eq!(
        gb.difference(&ga).cloned().collect::<BTreeSet<_>>(),
        set(&["Trainer@Sales"])
    );
    assert!(ga.is_subset(&gb));
    assert_eq!((sa, qa), (sb, qb));

    // An undrifted reference: the same at name level, its unjoined membership included.
    let email = "leila.brown@example.com";
    assert_eq!(
        profile(&a, &id_in(&demo, email)).await,
        profile(&b, &id_in(&sib, email)).await
    );
    let unjoined = |id: String| format!("/api/v2/users/{id}/queues?joined=false");
    let ua = a.get(&unjoined(id_in(&demo, email))).await.body;
    let ub = b.get(&unjoined(id_in(&sib, email))).await.body;
    assert_eq!(ua["entities"][0]["name"], "Support Tier 1");
    assert_eq!(ub["entities"][0]["name"], "Support Tier 1");
    assert_ne!(ua["entities"][0]["id"], ub["entities"][0]["id"]);
    demo.shutdown().await;
    sib.shutdown().await;
}

#[tokio::test]
async fn role_permissions_differ_only_on_the_planted_role() {
    let demo = demo_org().await;
    let sib = sim_of(sibling_seed()).await;
    let a = login(&demo.url(), "demo", "demo-secret").await;
    let b = login(&sib.url(), "sibling", "sibling-secret").await;
    let roles_a = by_name(&a, "/api/v2/authorization/roles").await;
    let roles_b = by_name(&b, "/api/v2/authorization/roles").await;
    let mut differing = Vec::new();
    for (name, id_b) in &roles_b {
        let pa = a
            .get(&format!("/api/v2/authorization/roles/{}", roles_a[name]))
            .await
            .body;
        let pb = b
            .get(&format!("/api/v2/authorization/roles/{id_b}"))
            .await
            .body;
        if pa["permissionPolicies"] != pb["permissionPolicies"] {
            differing.push(name.clone());
        }
    }
    assert_eq!(differing, ["Supervisor"]);
    demo.shutdown().await;
    sib.shutdown().await;
}

/// Division name → (USER, QUEUE) object counts.
async fn object_counts(api: &Api) -> BTreeMap<String, (u64, u64)> {
    let r = api
        .get("/api/v2/authorization/divisions?objectCount=true&pageSize=100")
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let c = &d["objectCounts"];
            (
                d["name"].as_str().unwrap().to_string(),
                (c["USER"].as_u64().unwrap(), c["QUEUE"].as_u64().unwrap()),
            )
        })
        .collect()
}

/// The division names of every entity a listing answers.
async fn divisions_listed(api: &Api, path: &str) -> (usize, BTreeSet<String>) {
    let r = api.get(path).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    let e = r.body["entities"].as_array().unwrap();
    let divs = e
        .iter()
        .map(|x| x["division"]["name"].as_str().unwrap().to_string())
        .collect();
    (r.body["total"].as_u64().unwrap() as usize, divs)
}

#[tokio::test]
async fn a_scoped_client_lists_less_than_the_object_counts_count() {
    let sib = sim_of(sibling_seed()).await;
    let full = login(&sib.url(), "sibling", "sibling-secret").await;
    let scoped = login(&sib.url(), "sibling-scoped", "sibling-scoped-secret").await;

    // Both see every division and the same counts.
    let counts = object_counts(&full).await;
    assert_eq!(counts.len(), 5);
    assert_eq!(object_counts(&scoped).await, counts);
    let (users_total, queues_total) = counts
        .values()
        .fold((0, 0), |(u, q), (a, b)| (u + a, q + b));
    let visible = set(&["Home", "Sales"]);
    let (users_visible, queues_visible) = counts
        .iter()
        .filter(|(n, _)| visible.contains(*n))
        .fold((0, 0), |(u, q), (_, (a, b))| (u + a, q + b));
    assert!(users_visible < users_total && queues_visible < queues_total);

    // Lists: the full client sees everything, the scoped one only Home and Sales.
    let users = "/api/v2/users?pageSize=500&state=any";
    let (n_full, _) = divisions_listed(&full, users).await;
    let (n_scoped, divs) = divisions_listed(&scoped, users).await;
    assert!(divs.is_subset(&visible), "{divs:?}");
    assert!(n_scoped < n_full);
    let live = |h: &SimHandle, names: &BTreeSet<String>| {
        h.with_state(|o| {
            o.users
                .iter()
                .filter(|u| u.state != onboard::model::UserState::Deleted)
                .filter(|u| names.contains(&o.division(&u.division_id).unwrap().name))
                .count()
        })
    };
    let all = set(&["Home", "Sales", "Support", "Billing", "Collection Services"]);
    assert_eq!(live(&sib, &all) as u64, users_total);
    assert_eq!(live(&sib, &visible) as u64, users_visible);

    let queues = "/api/v2/routing/queues?pageSize=500";
    let (q_full, _) = divisions_listed(&full, queues).await;
    let (q_scoped, qdivs) = divisions_listed(&scoped, queues).await;
    assert_eq!(q_full as u64, queues_total);
    assert_eq!(q_scoped as u64, queues_visible);
    assert!(qdivs.is_subset(&visible), "{qdivs:?}");

    let codes = "/api/v2/routing/wrapupcodes?pageSize=500";
    let (w_full, _) = divisions_listed(&full, codes).await;
    let (w_scoped, wdivs) = divisions_listed(&scoped, codes).await;
    assert!(w_scoped < w_full);
    assert!(wdivs.is_subset(&visible), "{wdivs:?}");

    // Search hides them too: a Support user is found by the full client only.
    let body = serde_json::json!({"query": [{"type": "EXACT", "fields": ["email"],
                                             "value": "kenji.chen@example.com"}]});
    let hit = full.post("/api/v2/users/search", body.clone()).await;
    assert_eq!(hit.body["total"], 1, "{}", hit.body);
    let miss = scoped.post("/api/v2/users/search", body).await;
    assert_eq!(miss.body["total"], 0, "{}", miss.body);
    sib.shutdown().await;
}

/// Kills the simulator process when the test ends, also when it fails.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn onboard_sim_seed_serves_the_sibling() {
    use std::io::BufRead;
    let path = sibling_seed_path();
    let mut child = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_onboard"))
            .args(["sim", "--seed"])
            .arg(&path)
            .args(["--addr", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    std::io::BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let me: Value = rt.block_on(async {
        let api = login(&url, "sibling", "sibling-secret").await;
        api.get("/api/v2/organizations/me").await.body
    });
    assert_eq!(me["name"], "Acme Support (sibling eu)");
}
