#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator routes issue 16 adds (clone, drift, export), over real HTTP against the
//! demo org: a user's queues with `joined`, creating skills and languages, utilization,
//! role permission policies. Visibility and the sibling org are in `sim_siblings.rs`, the
//! unknown-id counter in `sim_unknown_ids.rs`.

#[path = "common/queue_org.rs"]
mod queue_org;
#[path = "common/sim_http.rs"]
mod sim_http;

use onboard::sim::{Seed, SimHandle};
use serde_json::{Value, json};
use sim_http::*;

async fn demo() -> (SimHandle, Api) {
    start_seeded(Seed::demo(), "", None).await
}

fn user_id(h: &SimHandle, email: &str) -> String {
    h.with_state(|o| o.user_by_email(email).unwrap().id.clone())
}

fn queue_id(h: &SimHandle, name: &str) -> String {
    h.with_state(|o| o.queue_by_name(name).unwrap().id.clone())
}

fn names(listing: &Value) -> Vec<String> {
    let mut v: Vec<String> = listing["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn user_queues_default_to_joined_and_list_unjoined_on_request() {
    let (h, api) = demo().await;
    let tomas = user_id(&h, "tomas.silva@example.com");
    let path = format!("/api/v2/users/{tomas}/queues");

    let default = api.get(&path).await;
    assert_eq!(default.status, 200, "{}", default.body);
    assert_eq!(names(&default.body), ["Billing Tier 2", "Refunds"]);
    let explicit = api.get(&format!("{path}?joined=true")).await;
    assert_eq!(names(&explicit.body), names(&default.body));

    let unjoined = api.get(&format!("{path}?joined=false")).await;
    assert_eq!(unjoined.status, 200);
    assert_eq!(names(&unjoined.body), ["Billing Disputes"]);
    let e = &unjoined.body["entities"][0];
    // A UserQueue: the queue's fields plus `joined`, without `autoAnswerOnly`.
    assert_eq!(e["joined"], false);
    assert_eq!(e["id"], queue_id(&h, "Billing Disputes"));
    assert_eq!(e["division"]["name"], "Billing");
    assert!(e.get("autoAnswerOnly").is_none(), "{e}");
    assert!(e["acwSettings"].is_object(), "{e}");
    assert!(
        default.body["entities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["joined"] == true)
    );

    let bad = api.get(&format!("{path}?joined=maybe")).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    h.shutdown().await;
}

#[tokio::test]
async fn user_queues_page_by_number() {
    let (h, api) = demo().await;
    let tomas = user_id(&h, "tomas.silva@example.com");
    let first = api
        .get(&format!(
            "/api/v2/users/{tomas}/queues?pageSize=1&pageNumber=1"
        ))
        .await;
    let second = api
        .get(&format!(
            "/api/v2/users/{tomas}/queues?pageSize=1&pageNumber=2"
        ))
        .await;
    assert_eq!(first.body["total"], 2, "{}", first.body);
    assert_eq!(first.body["pageCount"], 2);
    assert_eq!(first.body["entities"].as_array().unwrap().len(), 1);
    let mut both = vec![
        first.body["entities"][0]["name"]
            .as_str()
            .unwrap()
            .to_string(),
        second.body["entities"][0]["name"]
            .as_str()
            .unwrap()
            .to_string(),
    ];
    both.sort();
    assert_eq!(both, ["Billing Tier 2", "Refunds"]);
    h.shutdown().await;
}

#[tokio::test]
async fn a_membership_is_unjoined_and_joined_again_and_members_show_it() {
    let (h, api) = demo().await;
    let tomas = user_id(&h, "tomas.silva@example.com");
    let refunds = queue_id(&h, "Refunds");
    let r = api
        .patch(
            &format!("/api/v2/users/{tomas}/queues/{refunds}"),
            json!({"joined": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["joined"], false);
    assert_eq!(r.body["name"], "Refunds");
    let unjoined = api
        .get(&format!("/api/v2/users/{tomas}/queues?joined=false"))
        .await;
    assert_eq!(names(&unjoined.body), ["Billing Disputes", "Refunds"]);

    // The queue side lists the member with its `joined`.
    let members = api
        .get(&format!(
            "/api/v2/routing/queues/{refunds}/members?pageSize=100"
        ))
        .await;
    let me = members.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == tomas.as_str())
        .cloned()
        .unwrap();
    assert_eq!(me["joined"], false);
    let queue = api
        .get(&format!("/api/v2/routing/queues/{refunds}"))
        .await
        .body;
    assert_eq!(
        queue["joinedMemberCount"].as_u64().unwrap() + 1,
        queue["memberCount"].as_u64().unwrap(),
        "{queue}"
    );

    let back = api
        .patch(
            &format!("/api/v2/users/{tomas}/queues/{refunds}"),
            json!({"joined": true}),
        )
        .await;
    assert_eq!(back.body["joined"], true);
    let joined = api.get(&format!("/api/v2/users/{tomas}/queues")).await;
    assert_eq!(names(&joined.body), ["Billing Tier 2", "Refunds"]);

    // Not a member of that queue → 404; no `joined` → 400.
    let general = queue_id(&h, "General");
    let r = api
        .patch(
            &format!("/api/v2/users/{tomas}/queues/{general}"),
            json!({"joined": false}),
        )
        .await;
    assert_error(&r, 404, "not.found");
    let r = api
        .patch(
            &format!("/api/v2/users/{tomas}/queues/{refunds}"),
            json!({}),
        )
        .await;
    assert_error(&r, 400, "required.field.missing");
    h.shutdown().await;
}

#[tokio::test]
async fn removing_a_member_drops_the_unjoined_membership_too() {
    let (h, api) = demo().await;
    let tomas = user_id(&h, "tomas.silva@example.com");
    let disputes = queue_id(&h, "Billing Disputes");
    let r = api
        .post(
            &format!("/api/v2/routing/queues/{disputes}/members?delete=true"),
            json!([{"id": tomas}]),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let unjoined = api
        .get(&format!("/api/v2/users/{tomas}/queues?joined=false"))
        .await;
    assert_eq!(unjoined.body["total"], 0, "{}", unjoined.body);
    assert!(h.with_state(|o| o.queue(&disputes).unwrap().unjoined.is_empty()));
    h.shutdown().await;
}

#[test]
fn unjoined_memberships_and_utilization_survive_the_state_file() {
    let org = onboard::sim::Org::from_seed(&Seed::demo()).unwrap();
    let seed = org.to_seed();
    let tomas = seed
        .users
        .iter()
        .find(|u| u.email == "tomas.silva@example.com")
        .unwrap();
    assert_eq!(tomas.unjoined_queue_ids.len(), 1);
    assert_eq!(tomas.queue_ids.len(), 2);
    let mut org = onboard::sim::Org::from_seed(&seed).unwrap();
    let id = tomas.id.clone().unwrap();
    assert_eq!(org.memberships(&id, false).count(), 1);
    assert_eq!(org.memberships(&id, true).count(), 2);

    let util = json!({"utilization": {"chat": {"maximumCapacity": 3,
        "interruptableMediaTypes": [], "includeNonAcd": false}}});
    org.user_mut(&id).unwrap().utilization = Some(util.clone());
    let again = onboard::sim::Org::from_seed(&org.to_seed()).unwrap();
    assert_eq!(again.user(&id).unwrap().utilization, Some(util));
}

#[tokio::test]
async fn skills_and_languages_are_created_by_name_and_a_taken_name_conflicts() {
    let (h, api) = demo().await;
    for (kind, name, taken) in [
        ("skills", "Crypto Payments", "billing"),
        ("languages", "Swahili", "ENGLISH"),
    ] {
        let path = format!("/api/v2/routing/{kind}");
        let r = api.post(&path, json!({"name": name})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["name"], name);
        assert_eq!(r.body["state"], "active");
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        let read = api.get(&format!("{path}/{id}")).await;
        assert_eq!(read.status, 200);
        assert_eq!(read.body["name"], name);
        let listed = api
            .get(&format!("{path}?name={}", name.replace(' ', "%20")))
            .await;
        assert_eq!(listed.body["entities"][0]["id"], id.as_str());

        // Any case of a name in use → 409, naming the holder; nothing is added.
        let before = api.get(&format!("{path}?pageSize=500")).await.body["total"].clone();
        let dup = api.post(&path, json!({"name": taken})).await;
        assert_error(&dup, 409, "general.conflict");
        assert!(dup.body["entityId"].as_str().is_some(), "{}", dup.body);
        let again = api.post(&path, json!({"name": name})).await;
        assert_error(&again, 409, "general.conflict");
        assert_eq!(again.body["entityId"], id.as_str());
        let after = api.get(&format!("{path}?pageSize=500")).await.body["total"].clone();
        assert_eq!(before, after);

        for blank in [json!({}), json!({"name": "  "})] {
            let r = api.post(&path, blank).await;
            assert_error(&r, 400, "required.field.missing");
        }
    }
    h.shutdown().await;
}

#[tokio::test]
async fn utilization_follows_the_org_until_set_and_again_after_delete() {
    let (h, api) = demo().await;
    let tomas = user_id(&h, "tomas.silva@example.com");
    let path = format!("/api/v2/routing/users/{tomas}/utilization");

    let org_level = api.get(&path).await;
    assert_eq!(org_level.status, 200, "{}", org_level.body);
    assert_eq!(org_level.body["level"], "Organization");
    assert_eq!(org_level.body["utilization"]["chat"]["maximumCapacity"], 4);
    assert_eq!(org_level.body["utilization"]["call"]["maximumCapacity"], 1);

    let put = api
        .put(
            &path,
            json!({"utilization": {
                "call": {"maximumCapacity": 1},
                "chat": {"maximumCapacity": 3, "interruptableMediaTypes": ["call"]},
                "email": {"maximumCapacity": 1, "includeNonAcd": true}}}),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["level"], "Agent");
    let got = api.get(&path).await;
    assert_eq!(got.body, put.body);
    let u = &got.body["utilization"];
    assert_eq!(u["chat"]["maximumCapacity"], 3);
    assert_eq!(u["chat"]["interruptableMediaTypes"], json!(["call"]));
    assert_eq!(u["email"]["includeNonAcd"], true);
    // Media types the PUT left out follow the org.
    assert_eq!(u["message"]["maximumCapacity"], 4);

    for (bad, field) in [
        (
            json!({"utilization": {"fax": {"maximumCapacity": 1}}}),
            "utilization.fax",
        ),
        (
            json!({"utilization": {"chat": {"maximumCapacity": 26}}}),
            "utilization.chat.maximumCapacity",
        ),
        (
            json!({"utilization": {"chat": {"maximumCapacity": 2, "interruptableMediaTypes": ["fax"]}}}),
            "utilization.chat.interruptableMediaTypes",
        ),
    ] {
        let r = api.put(&path, bad).await;
        assert_error(&r, 400, "invalid.value");
        assert_eq!(r.body["details"][0]["fieldName"], field);
    }
    // A rejected PUT changed nothing.
    assert_eq!(api.get(&path).await.body, put.body);

    let del = api.delete(&path).await;
    assert_eq!(del.status, 204);
    let after = api.get(&path).await;
    assert_eq!(after.body, org_level.body);

    let nobody = api
        .get("/api/v2/routing/users/00000000-0000-4000-8000-000000000000/utilization")
        .await;
    assert_error(&nobody, 404, "not.found");
    h.shutdown().await;
}

#[tokio::test]
async fn a_role_answers_its_permissions_as_policies() {
    let (h, api) = demo().await;
    let sup = h.with_state(|o| o.role_by_name("Supervisor").unwrap().id.clone());
    let r = api.get(&format!("/api/v2/authorization/roles/{sup}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["permissions"],
        json!([
            "analytics:queueObservation:view",
            "quality:evaluation:view",
            "routing:queue:join",
            "routing:queue:view"
        ])
    );
    // One policy per domain:entity, its actions merged.
    assert_eq!(
        r.body["permissionPolicies"],
        json!([
            {"domain": "analytics", "entityName": "queueObservation", "actionSet": ["view"], "allowConditions": false},
            {"domain": "quality", "entityName": "evaluation", "actionSet": ["view"], "allowConditions": false},
            {"domain": "routing", "entityName": "queue", "actionSet": ["join", "view"], "allowConditions": false}
        ])
    );
    let trainer = h.with_state(|o| o.role_by_name("Trainer").unwrap().id.clone());
    let r = api
        .get(&format!("/api/v2/authorization/roles/{trainer}"))
        .await;
    assert_eq!(r.body["permissionPolicies"], json!([]));
    h.shutdown().await;
}
