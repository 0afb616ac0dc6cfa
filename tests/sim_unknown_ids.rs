#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `/__sim/stats` `writes_with_unknown_ids` (issue 16's UUID leak detector), over real HTTP:
//! every kind of write that can carry an id, sent to the demo org with the id the same-named
//! object has in the sibling org (what a clone that forgot to translate would send), is
//! counted once under its route; rejections for other reasons, ids this org knows (a deleted
//! user, a known object of the wrong kind) and reads are not.

#[path = "common/queue_org.rs"]
mod queue_org;
#[path = "common/sim_http.rs"]
mod sim_http;

use onboard::sim::{Seed, SimHandle};
use serde_json::{Value, json};
use sim_http::*;
use std::collections::BTreeMap;

/// The sibling org's ids (`assets/demo/sibling.json`): same names, ids unknown in the demo.
struct Foreign(Seed);

impl Foreign {
    fn load() -> Foreign {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/sibling.json");
        Foreign(Seed::from_file(&path).unwrap())
    }
    fn division(&self, name: &str) -> String {
        let d = self.0.divisions.iter().find(|d| d.name == name).unwrap();
        d.id.clone().unwrap()
    }
    fn role(&self, name: &str) -> String {
        let r = self.0.roles.iter().find(|r| r.name == name).unwrap();
        r.id.clone().unwrap()
    }
    fn skill(&self, name: &str) -> String {
        let s = self.0.skills.iter().find(|s| s.name == name).unwrap();
        s.id.clone().unwrap()
    }
    fn language(&self, name: &str) -> String {
        let s = self.0.languages.iter().find(|s| s.name == name).unwrap();
        s.id.clone().unwrap()
    }
    fn queue(&self, name: &str) -> String {
        let q = self.0.queues.iter().find(|q| q.name == name).unwrap();
        q.id.clone().unwrap()
    }
    fn user(&self, email: &str) -> String {
        let u = self.0.users.iter().find(|u| u.email == email).unwrap();
        u.id.clone().unwrap()
    }
}

fn counted(stats: &Value) -> BTreeMap<String, u64> {
    serde_json::from_value(stats["writes_with_unknown_ids"].clone()).unwrap()
}

fn local_user(h: &SimHandle, email: &str) -> (String, i64) {
    h.with_state(|o| {
        let u = o.user_by_email(email).unwrap();
        (u.id.clone(), u.version)
    })
}

#[tokio::test]
async fn every_write_carrying_a_foreign_id_is_counted_under_its_route() {
    let (h, api) = start_seeded(Seed::demo(), "", None).await;
    let f = Foreign::load();
    let (me, version) = local_user(&h, "leila.brown@example.com");
    let my_queue = h.with_state(|o| o.queue_by_name("Support Tier 1").unwrap().id.clone());
    let home = h.with_state(|o| o.home_division().id.clone());
    let agent = h.with_state(|o| o.role_by_name("Agent").unwrap().id.clone());
    let stranger = f.user("kenji.chen@example.com");

    // (expected route, status, request)
    let cases: Vec<(&str, u16, Resp)> = vec![
        (
            "POST /api/v2/users",
            400,
            api.post(
                "/api/v2/users",
                json!({"name": "New Hire", "email": "new.hire@example.com",
                       "divisionId": f.division("Support")}),
            )
            .await,
        ),
        (
            "PATCH /api/v2/users/{userId}",
            400,
            api.patch(
                &format!("/api/v2/users/{me}"),
                json!({"version": version, "manager": f.user("lucas.lopez@example.com")}),
            )
            .await,
        ),
        (
            "PATCH /api/v2/users/{userId}",
            404,
            api.patch(
                &format!("/api/v2/users/{stranger}"),
                json!({"version": 1, "title": "x"}),
            )
            .await,
        ),
        (
            "POST /api/v2/authorization/subjects/{subjectId}/bulkadd",
            400,
            api.post(
                &format!("/api/v2/authorization/subjects/{me}/bulkadd"),
                json!({"grants": [{"roleId": f.role("Agent"), "divisionId": home}]}),
            )
            .await,
        ),
        (
            "POST /api/v2/authorization/subjects/{subjectId}/bulkadd",
            400,
            api.post(
                &format!("/api/v2/authorization/subjects/{me}/bulkadd"),
                json!({"grants": [{"roleId": agent, "divisionId": f.division("Home")}]}),
            )
            .await,
        ),
        (
            "POST /api/v2/authorization/subjects/{subjectId}/bulkreplace",
            404,
            api.post(
                &format!("/api/v2/authorization/subjects/{stranger}/bulkreplace"),
                json!({"grants": []}),
            )
            .await,
        ),
        (
            "POST /api/v2/authorization/roles/{roleId}",
            400,
            api.post(
                &format!("/api/v2/authorization/roles/{agent}"),
                json!({"subjectIds": [stranger], "divisionIds": [home]}),
            )
            .await,
        ),
        (
            "POST /api/v2/users/{userId}/routingskills",
            400,
            api.post(
                &format!("/api/v2/users/{me}/routingskills"),
                json!({"id": f.skill("Hardware"), "proficiency": 3}),
            )
            .await,
        ),
        (
            "DELETE /api/v2/users/{userId}/routingskills/{skillId}",
            404,
            api.delete(&format!(
                "/api/v2/users/{me}/routingskills/{}",
                f.skill("Hardware")
            ))
            .await,
        ),
        (
            "PATCH /api/v2/users/{userId}/routinglanguages/bulk",
            400,
            api.patch(
                &format!("/api/v2/users/{me}/routinglanguages/bulk"),
                json!([{"id": f.language("Spanish"), "proficiency": 4}]),
            )
            .await,
        ),
        (
            "POST /api/v2/routing/queues/{queueId}/members",
            400,
            api.post(
                &format!("/api/v2/routing/queues/{my_queue}/members"),
                json!([{"id": stranger}]),
            )
            .await,
        ),
        (
            "POST /api/v2/routing/queues/{queueId}/members",
            404,
            api.post(
                &format!(
                    "/api/v2/routing/queues/{}/members",
                    f.queue("Support Tier 1")
                ),
                json!([{"id": me}]),
            )
            .await,
        ),
        (
            "POST /api/v2/routing/queues",
            400,
            api.post(
                "/api/v2/routing/queues",
                json!({"name": "Brand New", "division": {"id": f.division("Sales")}}),
            )
            .await,
        ),
        (
            "POST /api/v2/license/organization",
            400,
            api.post(
                "/api/v2/license/organization",
                json!({"assignments": [{"licenseId": "cx9", "userIdsAdd": [me]}]}),
            )
            .await,
        ),
        (
            "POST /api/v2/license/organization",
            200,
            api.post(
                "/api/v2/license/organization",
                json!({"assignments": [{"licenseId": "cx2", "userIdsAdd": [stranger]}]}),
            )
            .await,
        ),
        (
            "PUT /api/v2/routing/users/{userId}/utilization",
            404,
            api.put(
                &format!("/api/v2/routing/users/{stranger}/utilization"),
                json!({"utilization": {"call": {"maximumCapacity": 1}}}),
            )
            .await,
        ),
        (
            "POST /api/v2/authorization/divisions/{divisionId}/objects/{objectType}",
            400,
            api.post(
                &format!("/api/v2/authorization/divisions/{home}/objects/USER"),
                json!([stranger]),
            )
            .await,
        ),
    ];
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for (route, status, r) in &cases {
        assert_eq!(r.status.as_u16(), *status, "{route}: {}", r.body);
        *expected.entry(route.to_string()).or_default() += 1;
    }
    assert_eq!(counted(&stats(&api).await), expected);
    h.shutdown().await;
}

#[tokio::test]
async fn known_ids_other_rejections_and_reads_are_not_counted() {
    let (h, api) = start_seeded(Seed::demo(), "", None).await;
    let f = Foreign::load();
    let (me, version) = local_user(&h, "leila.brown@example.com");
    let deleted = h.with_state(|o| {
        o.users
            .iter()
            .find(|u| u.state == onboard::model::UserState::Deleted)
            .unwrap()
            .id
            .clone()
    });
    let hardware = h.with_state(|o| o.skill_by_name("Hardware").unwrap().id.clone());
    let stranger = f.user("kenji.chen@example.com");
    // A deleted user as manager: rejected, but the id is this org's.
    let r = api
        .patch(
            &format!("/api/v2/users/{me}"),
            json!({"version": version, "manager": deleted}),
        )
        .await;
    assert_error(&r, 400, "invalid.value");
    // A known skill with a proficiency out of range.
    let r = api
        .post(
            &format!("/api/v2/users/{me}/routingskills"),
            json!({"id": hardware, "proficiency": 9}),
        )
        .await;
    assert_error(&r, 400, "invalid.value");
    // An external id that does not exist is not an object id.
    let r = api
        .delete(&format!("/api/v2/users/{me}/externalid/workday/E99999"))
        .await;
    assert_error(&r, 404, "not.found");
    // Reads of foreign ids.
    let r = api.get(&format!("/api/v2/users/{stranger}")).await;
    assert_error(&r, 404, "not.found");
    let r = api
        .get(&format!("/api/v2/routing/skills/{}", f.skill("Hardware")))
        .await;
    assert_error(&r, 404, "not.found");
    // A write that succeeds.
    let r = api
        .post(
            &format!("/api/v2/users/{me}/routingskills"),
            json!({"id": hardware, "proficiency": 3}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = stats(&api).await;
    assert_eq!(counted(&s), BTreeMap::new(), "{s}");
    assert!(s["by_status"]["400"].as_u64().unwrap() >= 2);
    h.shutdown().await;
}
