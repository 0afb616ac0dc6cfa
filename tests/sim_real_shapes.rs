//! Issue 11, simulator side: the shapes and rules where the real API (as Genesys's Terraform
//! provider shows it, docs/genesys-api-notes.md §11) differs from the SDK's declarations — over real
//! HTTP, and read back through onboard's client where the client must cope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::seed::SeedContact;
use onboard::sim::{FaultSpec, SimHandle};
use serde_json::{Value, json};

struct Raw {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Raw {
    async fn new(sim: &SimHandle) -> Raw {
        let base = sim.url();
        Raw {
            token: demo_token(&base).await,
            base,
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }
}

fn home(sim: &SimHandle) -> String {
    sim.with_state(|o| o.home_division().id.clone())
}

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

/// A free extension inside a pool.
fn free_extension(sim: &SimHandle) -> String {
    sim.with_state(|o| {
        let p = &o.extension_pools[0];
        let start: u64 = p.start.parse().unwrap();
        let end: u64 = p.end.parse().unwrap();
        (start..=end)
            .map(|x| x.to_string())
            .find(|x| o.owner_of_number(x, true).is_none())
            .unwrap()
    })
}

#[tokio::test]
async fn one_work_contact_carries_number_and_extension_and_same_type_twice_is_refused() {
    let sim = sim_with("").await;
    let api = Raw::new(&sim).await;
    let did = free_dids(&sim, 1).remove(0);
    let ext = free_extension(&sim);
    let (st, u) = api
        .post(
            "/api/v2/users",
            json!({"name": "One", "email": "one@example.com", "divisionId": home(&sim),
                   "addresses": [{"address": did, "extension": ext, "mediaType": "PHONE", "type": "WORK"}]}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    // Shape 3: number + extension on one entry, display = the number.
    let a = &u["addresses"][0];
    assert_eq!(
        (a["address"].as_str(), a["extension"].as_str()),
        (Some(&*did), Some(&*ext))
    );
    assert_eq!(a["display"], json!(did));

    // Two entries of the same mediaType+type: 400, nothing created.
    let [d1, d2]: [String; 2] = free_dids(&sim, 2).try_into().unwrap();
    let (st, e) = api
        .post(
            "/api/v2/users",
            json!({"name": "Two", "email": "two@example.com", "divisionId": home(&sim),
                   "addresses": [{"address": d1, "mediaType": "PHONE", "type": "WORK"},
                                 {"address": d2, "mediaType": "PHONE", "type": "WORK"}]}),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["code"], "invalid.value");
    assert!(sim.with_state(|o| o.user_by_email("two@example.com").is_none()));
    // The same number on two types is refused too; distinct types are fine.
    let (st, _) = api
        .post(
            "/api/v2/users",
            json!({"name": "Two", "email": "two@example.com", "divisionId": home(&sim),
                   "addresses": [{"address": d1, "mediaType": "PHONE", "type": "WORK"},
                                 {"address": "+447700900123", "mediaType": "PHONE", "type": "MOBILE"},
                                 {"address": "two.home@example.net", "mediaType": "EMAIL", "type": "HOME"}]}),
        )
        .await;
    assert_eq!(st, 200);
}

#[tokio::test]
async fn phones_read_back_in_four_shapes_and_the_client_decodes_each() {
    let sim = sim_with("").await;
    let api = Raw::new(&sim).await;
    let [d1, d2]: [String; 2] = free_dids(&sim, 2).try_into().unwrap();
    let in_pool = free_extension(&sim);
    let outside = "7777".to_string();
    assert!(sim.with_state(|o| !o.extension_pools.iter().any(|p| p.contains(&outside))));
    let phone = |address: Option<&str>, extension: Option<&str>| SeedContact {
        address: address.map(str::to_string),
        extension: extension.map(str::to_string),
        media_type: "PHONE".into(),
        r#type: "WORK".into(),
    };
    let shapes: [(SeedContact, Option<&str>, Option<&str>); 4] = [
        (phone(Some(&d1), None), Some(&d1), None),
        (phone(None, Some(&in_pool)), None, Some(&in_pool)),
        (phone(Some(&d2), Some("1999")), Some(&d2), Some("1999")),
        (phone(None, Some(&outside)), None, Some(&outside)),
    ];
    let emails = [
        "s1@example.com",
        "s2@example.com",
        "s3@example.com",
        "s4@example.com",
    ];
    let ids: Vec<String> = sim.with_state_mut(|o| {
        emails
            .iter()
            .zip(&shapes)
            .map(|(e, (c, _, _))| {
                let i = o
                    .users
                    .iter()
                    .position(|u| u.state == onboard::model::UserState::Active)
                    .unwrap();
                let mut u = o.users[i].clone();
                u.id = o.new_id("user");
                u.email = e.to_string();
                u.addresses = vec![c.clone()];
                u.external_ids.clear();
                o.insert_user(u);
                o.users.last().unwrap().id.clone()
            })
            .collect()
    });
    let mut raw = Vec::new();
    for id in &ids {
        let (st, u) = api.get(&format!("/api/v2/users/{id}")).await;
        assert_eq!(st, 200);
        raw.push(u["addresses"][0].clone());
    }
    // 1. number only.
    assert_eq!(raw[0]["address"], json!(d1));
    assert!(raw[0].get("extension").is_none());
    // 2. extension in a pool: extension = display; address filled too (not the number).
    assert_eq!(raw[1]["extension"], json!(in_pool));
    assert_eq!(raw[1]["display"], json!(in_pool));
    assert!(raw[1].get("address").is_some());
    // 3. number + extension.
    assert_eq!(raw[2]["address"], json!(d2));
    assert_eq!(raw[2]["extension"], "1999");
    assert_eq!(raw[2]["display"], json!(d2));
    // 4. outside every pool: display only.
    assert_eq!(raw[3]["display"], json!(outside));
    assert!(raw[3].get("address").is_none() && raw[3].get("extension").is_none());

    let c = client(&sim.url());
    for (id, (_, phone, ext)) in ids.iter().zip(&shapes) {
        let u = c.get_user(id, &[], false).await.unwrap();
        let (p, x) = u.phone_and_extension();
        assert_eq!((p.as_deref(), x.as_deref()), (*phone, *ext), "{id}");
    }
}

#[tokio::test]
async fn create_needs_a_division_id() {
    let sim = sim_with("").await;
    let api = Raw::new(&sim).await;
    for body in [
        json!({"name": "N", "email": "n1@example.com"}),
        json!({"name": "N", "email": "n1@example.com", "divisionId": ""}),
        json!({"name": "N", "email": "n1@example.com", "divisionId": "  "}),
    ] {
        let (st, e) = api.post("/api/v2/users", body).await;
        assert_eq!(st, 400, "{e}");
        assert_eq!(e["code"], "required.field.missing");
        assert_eq!(e["details"][0]["fieldName"], "divisionId");
    }
    assert!(sim.with_state(|o| o.user_by_email("n1@example.com").is_none()));
}

#[tokio::test]
async fn external_id_post_answers_one_object_and_the_client_takes_it() {
    let sim = sim_with("").await;
    let api = Raw::new(&sim).await;
    let id = sim.with_state(|o| {
        o.user_by_email("olivia.martin@example.com")
            .unwrap()
            .id
            .clone()
    });
    let (st, b) = api
        .post(
            &format!("/api/v2/users/{id}/externalid"),
            json!({"authorityName": "hr", "externalKey": "X1"}),
        )
        .await;
    assert_eq!(st, 200);
    assert!(b.is_object(), "{b}");
    assert_eq!(
        (b["authorityName"].as_str(), b["externalKey"].as_str()),
        (Some("hr"), Some("X1"))
    );
    let c = client(&sim.url());
    let x = onboard::model::ExternalId {
        authority: "hr".into(),
        key: "X2".into(),
    };
    let got = c.add_external_id(&id, &x).await.unwrap();
    assert_eq!(got, vec![x.clone()]);
    assert!(c.list_external_ids(&id).await.unwrap().contains(&x));
}

/// Stale PATCHes: 409 (or the 400 "does not match the current version"), worded in several
/// seeded ways, some without the word "version"; the client classes every one as a version
/// conflict. The same seed gives the same wordings.
#[tokio::test]
async fn stale_versions_answer_in_seeded_wordings_that_the_client_reads_as_conflicts() {
    async fn wordings(seed: u64) -> Vec<(u16, String)> {
        let sim = sim_with(&format!("seed={seed}")).await;
        let api = Raw::new(&sim).await;
        let id = sim.with_state(|o| {
            o.user_by_email("olivia.martin@example.com")
                .unwrap()
                .id
                .clone()
        });
        let mut out = Vec::new();
        for _ in 0..16 {
            let (st, e) = api
                .patch(
                    &format!("/api/v2/users/{id}"),
                    json!({"version": 0, "title": "X"}),
                )
                .await;
            out.push((st, e["message"].as_str().unwrap().to_string()));
        }
        out
    }
    let a = wordings(5).await;
    assert_eq!(a, wordings(5).await, "the same seed, the same wordings");
    let distinct: std::collections::BTreeSet<&str> = a.iter().map(|(_, m)| m.as_str()).collect();
    assert!(distinct.len() >= 3, "{distinct:?}");
    assert!(
        a.iter().any(|(s, m)| *s == 409 && !m.contains("version")),
        "{a:?}"
    );
    for (s, m) in &a {
        assert!(
            *s == 409 || (*s == 400 && m.contains("does not match the current version")),
            "{s} {m}"
        );
    }

    // Through the client: every form is a VersionConflict.
    let sim = sim_with("seed=5").await;
    let c = client(&sim.url());
    let id = sim.with_state(|o| {
        o.user_by_email("olivia.martin@example.com")
            .unwrap()
            .id
            .clone()
    });
    for _ in 0..8 {
        let body = onboard::genesys::dto::UpdateUser {
            version: 0,
            title: Some("X".into()),
            ..Default::default()
        };
        let e = c.patch_user(&id, &body).await.unwrap_err();
        assert_eq!(e.kind, onboard::genesys::ErrorKind::VersionConflict, "{e}");
    }
}

#[tokio::test]
async fn expand_drop_omits_expansions_and_the_client_fetches_them() {
    let sim = sim_with("expand_drop=1,seed=2").await;
    let api = Raw::new(&sim).await;
    let (id, want_skills) = sim.with_state(|o| {
        let u = o
            .users
            .iter()
            .find(|u| !u.skills.is_empty() && !u.languages.is_empty())
            .unwrap();
        (u.id.clone(), u.skills.len())
    });
    let (st, u) = api
        .get(&format!("/api/v2/users/{id}?expand=skills,languages"))
        .await;
    assert_eq!(st, 200);
    assert!(
        u.get("skills").is_none() && u.get("languages").is_none(),
        "{u}"
    );
    let c = client(&sim.url());
    let one = c
        .get_user(&id, &["skills", "languages"], false)
        .await
        .unwrap();
    assert_eq!(one.skills.as_ref().map(Vec::len), Some(want_skills));
    let many = c
        .get_users_by_ids(std::slice::from_ref(&id), &["skills", "languages"])
        .await
        .unwrap();
    assert_eq!(many[0].skills.as_ref().map(Vec::len), Some(want_skills));
    assert!(many[0].languages.as_ref().is_some_and(|l| !l.is_empty()));
}

#[tokio::test]
async fn too_large_answers_make_the_client_halve_the_page_size() {
    let sim = sim_with("").await;
    let api = Raw::new(&sim).await;
    let mut f = FaultSpec::parse("entity_too_large=10").unwrap();
    f.seed = Some(1);
    sim.set_faults(f);
    let (st, e) = api.get("/api/v2/routing/skills?pageSize=25").await;
    assert_eq!(st, 400);
    assert_eq!(e["code"], "response.entity.too.large");
    let c = client(&sim.url());
    let skills = c.list_skills().await.unwrap();
    assert_eq!(skills.len(), sim.with_state(|o| o.skills.len()));
    let stats = sim.stats().await;
    assert!(
        stats.by_status.get("400").copied().unwrap_or(0) >= 2,
        "{:?}",
        stats.by_status
    );
}
