#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator's queue API over real HTTP (issue 15, spec queues.md §7): queue create, read,
//! whole-object `PUT`, delete and listing, each 4xx rule, `sourceQueueId`, the `queue_lag_ms`
//! fault, the stats fields and the seed keys (with `--state`). Wrap-up codes, flows, skill
//! groups, groups and division moves: `sim_queue_refs.rs`.

#[path = "common/queue_org.rs"]
mod queue_org;
#[path = "common/sim_http.rs"]
mod sim_http;

use onboard::sim::{self, FaultSpec, Seed, SimConfig};
use queue_org::*;
use serde_json::{Value, json};
use sim_http::*;

#[tokio::test]
async fn create_read_put_delete_and_list() {
    let (h, api) = start("").await;
    let r = api
        .post("/api/v2/routing/queues", json!({"name": "New Line"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let q = r.body;
    let id = q["id"].as_str().unwrap().to_string();
    // A new queue's defaults.
    assert_eq!(
        q["division"]["id"],
        h.with_state(|o| o.home_division().id.clone())
    );
    assert_eq!(
        q["acwSettings"],
        json!({"wrapupPrompt": "MANDATORY_TIMEOUT", "timeoutMs": 30000})
    );
    assert_eq!(q["skillEvaluationMethod"], "ALL");
    assert_eq!(q["scoringMethod"], "TimestampAndPriority");
    assert_eq!(q["mediaSettings"]["call"]["alertingTimeoutSeconds"], 8);
    assert_eq!(q["suppressInQueueCallRecording"], true);
    assert_eq!(q["memberGroups"], json!([]));
    assert_eq!(q["modifiedBy"], "demo");
    assert!(q.get("callingPartyNumber").is_none() && q.get("bullseye").is_none());
    assert_eq!(
        api.get(&format!("/api/v2/routing/queues/{id}")).await.body,
        q
    );

    // Listing by exact name (case-insensitive) and by ids.
    let by_name = api.get("/api/v2/routing/queues?name=new%20line").await.body;
    assert_eq!(by_name["total"], 1);
    assert_eq!(by_name["entities"][0]["id"], id.as_str());
    let by_ids = api
        .get(&format!("/api/v2/routing/queues?id={id}&id={PREMIUM}"))
        .await
        .body;
    assert_eq!(by_ids["total"], 2);
    assert_eq!(
        api.get("/api/v2/routing/queues?name=New").await.body["total"],
        0
    );

    // PUT writes what it is given; dateModified moves.
    let mut body = q.clone();
    body["description"] = json!("Opened in December");
    body["callingPartyNumber"] = json!("+13175550123");
    body["queueFlow"] = json!({"id": CALL_FLOW});
    let put = api.put(&format!("/api/v2/routing/queues/{id}"), body).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["description"], "Opened in December");
    assert_eq!(put.body["queueFlow"]["name"], "Standard Hold");
    assert!(put.body["dateModified"].as_str() > q["dateModified"].as_str());
    assert_eq!(
        api.get(&format!("/api/v2/routing/queues/{id}")).await.body,
        put.body
    );

    let del = api.delete(&format!("/api/v2/routing/queues/{id}")).await;
    assert_eq!(del.status, 204);
    assert_error(
        &api.get(&format!("/api/v2/routing/queues/{id}")).await,
        404,
        "not.found",
    );
    assert_error(
        &api.delete(&format!("/api/v2/routing/queues/{id}")).await,
        404,
        "not.found",
    );
}

#[tokio::test]
async fn create_rules_answer_400_or_409_and_change_nothing() {
    let (_h, api) = start("").await;
    let before = stats(&api).await["queues"]["total"].clone();
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({}), 400, "required.field.missing"),
        (json!({"name": "  "}), 400, "required.field.missing"),
        (
            json!({"name": "A", "division": {"id": "nope"}}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "A", "queueFlow": {"id": "nope"}}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "A", "queueFlow": {"id": INBOUND_FLOW}}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "A", "emailInQueueFlow": {"id": CALL_FLOW}}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "A", "messageInQueueFlow": {"id": MESSAGE_FLOW}}),
            200,
            "",
        ),
        (
            json!({"name": "B", "sourceQueueId": "nope"}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "B", "skillEvaluationMethod": "SOME"}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "scoringMethod": "Random"}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "lastAgentRoutingMode": "Always"}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "acwSettings": {"wrapupPrompt": "SOMETIMES"}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "mediaSettings": {"call": {"alertingTimeoutSeconds": 6}}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "mediaSettings": {"chat": {"serviceLevel": {"durationMs": 999}}}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "mediaSettings": {"chat": {"serviceLevel": {"percentage": 1.5}}}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "acwSettings": {"wrapupPrompt": "OPTIONAL", "timeoutMs": 5000}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "acwSettings": {"wrapupPrompt": "MANDATORY", "timeoutMs": 5000}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "acwSettings": {"wrapupPrompt": "AGENT_REQUESTED", "timeoutMs": 3600001}}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "memberGroups": [{"id": "nope", "type": "GROUP"}]}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "B", "memberGroups": [{"id": NIGHT_SHIFT, "type": "SQUAD"}]}),
            400,
            "invalid.value",
        ),
        (
            json!({"name": "B", "memberGroups": [{"id": NIGHT_SHIFT, "type": "SKILLGROUP"}]}),
            400,
            "invalid.id",
        ),
        (
            json!({"name": "B", "bullseye": {"rings": [{"actions": {"skillsToRemove": [{"id": "nope"}]}}]}}),
            400,
            "invalid.id",
        ),
        (json!({"name": "premium billing"}), 409, "general.conflict"),
        (json!({"name": "General"}), 409, "general.conflict"),
    ];
    for (body, status, code) in cases {
        let r = api.post("/api/v2/routing/queues", body.clone()).await;
        if status == 200 {
            assert_eq!(r.status, 200, "{body}: {}", r.body);
        } else {
            assert_error(&r, status, code);
        }
    }
    // Only the one valid create landed.
    assert_eq!(
        stats(&api).await["queues"]["total"],
        before.as_u64().unwrap() + 1
    );
    // A timed prompt without a timeout gets the default; OPTIONAL gets none.
    let r = api
        .post(
            "/api/v2/routing/queues",
            json!({"name": "C", "acwSettings": {"wrapupPrompt": "OPTIONAL"}}),
        )
        .await;
    assert_eq!(r.body["acwSettings"], json!({"wrapupPrompt": "OPTIONAL"}));
}

#[tokio::test]
async fn seeded_settings_read_back_in_the_real_shape() {
    let (_h, api) = start("").await;
    let q = api
        .get(&format!("/api/v2/routing/queues/{PREMIUM}"))
        .await
        .body;
    assert_eq!(q["name"], "Premium Billing");
    assert_eq!(q["description"], "Billing for premium customers");
    assert_eq!(q["acwSettings"]["timeoutMs"], 45000);
    assert_eq!(
        q["mediaSettings"]["call"]["serviceLevel"],
        json!({"percentage": 0.9, "durationMs": 15000})
    );
    assert_eq!(
        q["mediaSettings"]["call"]["autoAnswerAlertToneSeconds"],
        1.5
    );
    assert_eq!(q["mediaSettings"]["chat"]["alertingTimeoutSeconds"], 8);
    assert_eq!(q["queueFlow"]["id"], CALL_FLOW);
    assert_eq!(q["emailInQueueFlow"]["name"], "Email Hold");
    assert_eq!(q["callingPartyNumber"], "+13175550999");
    assert_eq!(
        q["outboundEmailAddress"]["domain"]["id"],
        "acme.mypurecloud.com"
    );
    assert_eq!(q["bullseye"]["rings"].as_array().unwrap().len(), 2);
    assert_eq!(
        q["bullseye"]["rings"][0]["actions"]["skillsToRemove"][0]["name"],
        "Billing"
    );
    assert_eq!(
        q["bullseye"]["rings"][0]["memberGroups"][0]["name"],
        "Billing Experts"
    );
    assert_eq!(q["routingRules"][0]["threshold"], 9);
    let groups: Vec<(&str, &str)> = q["memberGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap(), g["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        groups,
        [("Billing Experts", "SKILLGROUP"), ("Night Shift", "GROUP")]
    );
    let codes = api
        .get(&format!("/api/v2/routing/queues/{PREMIUM}/wrapupcodes"))
        .await
        .body;
    let names: Vec<&str> = codes["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Resolved", "Escalated"]);
}

#[tokio::test]
async fn put_replaces_the_whole_queue() {
    let (_h, api) = start("").await;
    let path = format!("/api/v2/routing/queues/{PREMIUM}");
    let before = api.get(&path).await.body;
    // Read-modify-write: only the description changes.
    let mut whole = before.clone();
    whole["description"] = json!("Premium, renamed desk");
    let after = api.put(&path, whole).await;
    assert_eq!(after.status, 200, "{}", after.body);
    let mut expect = settled(&before);
    expect["description"] = json!("Premium, renamed desk");
    assert_eq!(settled(&api.get(&path).await.body), expect);

    // A partial PUT (Terraform #1179): everything it leaves out reverts to the defaults.
    let partial = api
        .put(
            &path,
            json!({"name": "Premium Billing", "description": "only this"}),
        )
        .await;
    assert_eq!(partial.status, 200, "{}", partial.body);
    let now = api.get(&path).await.body;
    for lost in [
        "callingPartyNumber",
        "callingPartyName",
        "outboundEmailAddress",
        "bullseye",
        "queueFlow",
        "routingRules",
    ] {
        assert!(
            now.get(lost).is_none(),
            "{lost} survived a partial PUT: {now}"
        );
    }
    assert_eq!(now["memberGroups"], json!([]));
    assert_eq!(
        now["acwSettings"],
        json!({"wrapupPrompt": "MANDATORY_TIMEOUT", "timeoutMs": 30000})
    );
    assert_eq!(now["mediaSettings"]["call"]["alertingTimeoutSeconds"], 8);
    // The division is not a PUT's to change, and wrap-up codes are their own resource.
    assert_eq!(now["division"], before["division"]);
    let codes = api.get(&format!("{path}/wrapupcodes")).await.body;
    assert_eq!(codes["total"], 2);

    // PUT rules.
    assert_error(
        &api.put(&path, json!({"description": "x"})).await,
        400,
        "required.field.missing",
    );
    assert_error(
        &api.put(&path, json!({"name": "General"})).await,
        409,
        "general.conflict",
    );
    assert_error(
        &api.put(&path, json!({"name": "P", "scoringMethod": "x"}))
            .await,
        400,
        "invalid.value",
    );
    assert_error(
        &api.put("/api/v2/routing/queues/nope", json!({"name": "P"}))
            .await,
        404,
        "not.found",
    );
}

#[tokio::test]
async fn source_queue_copies_settings_and_codes_but_not_members() {
    let (h, api) = start("").await;
    let member = h.with_state(|o| {
        o.users
            .iter()
            .find(|u| u.state == onboard::model::UserState::Active)
            .unwrap()
            .id
            .clone()
    });
    let add = api
        .post(
            &format!("/api/v2/routing/queues/{PREMIUM}/members"),
            json!([{"id": member}]),
        )
        .await;
    assert_eq!(add.status, 204);
    let src = api
        .get(&format!("/api/v2/routing/queues/{PREMIUM}"))
        .await
        .body;
    let r = api
        .post("/api/v2/routing/queues", json!({"name": "Premium Billing 2", "sourceQueueId": PREMIUM, "callingPartyName": "Acme Two"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let copy = &r.body;
    let id = copy["id"].as_str().unwrap();
    for k in [
        "description",
        "acwSettings",
        "mediaSettings",
        "queueFlow",
        "callingPartyNumber",
        "outboundEmailAddress",
        "bullseye",
        "routingRules",
        "skillEvaluationMethod",
    ] {
        assert_eq!(copy[k], src[k], "{k} was not copied");
    }
    assert_eq!(
        copy["callingPartyName"], "Acme Two",
        "the body wins over the source"
    );
    assert_eq!(copy["memberCount"], 0);
    assert_eq!(copy["memberGroups"], json!([]));
    let codes = api
        .get(&format!("/api/v2/routing/queues/{id}/wrapupcodes"))
        .await
        .body;
    assert_eq!(codes["total"], 2);
}

#[tokio::test]
async fn queue_lag_hides_a_new_queues_parts_until_it_settles() {
    let (h, api) = start("queue_lag_ms=600000").await;
    let seed = queue_seed();
    let code = wrapup_id(&seed, "Resolved");
    let user = h.with_state(|o| {
        o.users
            .iter()
            .find(|u| u.state == onboard::model::UserState::Active)
            .unwrap()
            .id
            .clone()
    });
    let q = api
        .post("/api/v2/routing/queues", json!({"name": "Lagging"}))
        .await
        .body;
    let id = q["id"].as_str().unwrap().to_string();
    let base = format!("/api/v2/routing/queues/{id}");
    // The queue itself reads (a lookup by id or name finds it) ...
    assert_eq!(api.get(&base).await.status, 200);
    assert_eq!(
        api.get("/api/v2/routing/queues?name=Lagging").await.body["total"],
        1
    );
    // ... but its members, wrap-up codes and PUT do not yet.
    assert_error(&api.get(&format!("{base}/members")).await, 404, "not.found");
    assert_error(
        &api.post(&format!("{base}/members"), json!([{"id": user}]))
            .await,
        404,
        "not.found",
    );
    assert_error(
        &api.get(&format!("{base}/wrapupcodes")).await,
        404,
        "not.found",
    );
    assert_error(
        &api.post(&format!("{base}/wrapupcodes"), json!([{"id": code}]))
            .await,
        404,
        "not.found",
    );
    assert_error(
        &api.delete(&format!("{base}/wrapupcodes/{code}")).await,
        404,
        "not.found",
    );
    assert_error(
        &api.put(&base, json!({"name": "Lagging"})).await,
        404,
        "not.found",
    );
    // Seeded queues never lag.
    assert_eq!(
        api.get(&format!("/api/v2/routing/queues/{PREMIUM}/members"))
            .await
            .status,
        200
    );
    // Nothing was written while it lagged.
    assert!(
        h.with_state(|o| o.queue(&id).unwrap().members.is_empty()
            && o.queue(&id).unwrap().wrapup_ids.is_empty())
    );

    // Without the fault the same calls succeed at once.
    h.set_faults(FaultSpec::default());
    assert_eq!(
        api.post(&format!("{base}/members"), json!([{"id": user}]))
            .await
            .status,
        204
    );
    assert_eq!(
        api.post(&format!("{base}/wrapupcodes"), json!([{"id": code}]))
            .await
            .status,
        200
    );
    assert_eq!(api.put(&base, json!({"name": "Lagging"})).await.status, 200);
}

#[tokio::test]
async fn a_short_queue_lag_ends_by_itself() {
    let (_h, api) = start("queue_lag_ms=1500").await;
    let q = api
        .post("/api/v2/routing/queues", json!({"name": "Settles"}))
        .await
        .body;
    let path = format!(
        "/api/v2/routing/queues/{}/wrapupcodes",
        q["id"].as_str().unwrap()
    );
    let first = api.get(&path).await;
    assert_error(&first, 404, "not.found");
    // Poll, bounded, until the queue has settled (the lag is measured from its creation).
    let mut settled_after = None;
    for attempt in 0..400 {
        if api.get(&path).await.status == 200 {
            settled_after = Some(attempt);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(settled_after.is_some(), "the queue never settled");
}

#[tokio::test]
async fn stats_count_queues_names_and_codes() {
    let (_h, api) = start("").await;
    let s = stats(&api).await;
    assert_eq!(s["queues"], json!({"total": 31}));
    assert_eq!(s["duplicate_queue_names"], 0);
    assert_eq!(s["wrapup_codes"], json!({"total": 10}));
    api.post("/api/v2/routing/queues", json!({"name": "One More"}))
        .await;
    api.post("/api/v2/routing/queues", json!({"name": "one more"}))
        .await;
    let s = stats(&api).await;
    assert_eq!(s["queues"]["total"], 32);
    assert_eq!(s["duplicate_queue_names"], 0);
    assert_eq!(s["by_route"]["POST /api/v2/routing/queues"], 2);
}

#[tokio::test]
async fn seed_keys_survive_a_restart_with_state() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("org.json");
    let (h, api) = start_seeded(queue_seed(), "", Some(file.clone())).await;
    let premium = api
        .get(&format!("/api/v2/routing/queues/{PREMIUM}"))
        .await
        .body;
    let created = api
        .post("/api/v2/routing/queues", json!({"name": "Persisted", "sourceQueueId": PREMIUM, "acwSettings": {"wrapupPrompt": "OPTIONAL"}}))
        .await
        .body;
    let id = created["id"].as_str().unwrap().to_string();
    let flows = api.get("/api/v2/flows").await.body;
    h.shutdown().await;

    // The saved file uses the contract's keys.
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(
        saved["flows"].is_array() && saved["skillGroups"].is_array() && saved["groups"].is_array()
    );
    let pq = saved["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == PREMIUM)
        .unwrap();
    assert!(
        pq["settings"].is_object()
            && pq["wrapupCodeIds"].is_array()
            && pq["memberGroups"].is_array()
    );

    let (h2, api2) = start_seeded(Seed::demo(), "", Some(file)).await;
    assert_eq!(
        api2.get(&format!("/api/v2/routing/queues/{PREMIUM}"))
            .await
            .body,
        premium
    );
    assert_eq!(
        api2.get(&format!("/api/v2/routing/queues/{id}")).await.body,
        created
    );
    assert_eq!(
        api2.get("/api/v2/flows").await.body["entities"],
        flows["entities"]
    );
    h2.shutdown().await;
}

#[tokio::test]
async fn a_seed_with_a_bad_queue_reference_is_refused() {
    let mut seed = queue_seed();
    seed.queues.last_mut().unwrap().settings.as_mut().unwrap()["queueFlow"] =
        json!({"id": INBOUND_FLOW});
    let err = sim::start(SimConfig {
        seed,
        ..SimConfig::demo()
    })
    .await
    .err()
    .unwrap();
    assert!(err.to_string().contains("Premium Billing"), "{err}");
    let mut seed = queue_seed();
    seed.queues
        .last_mut()
        .unwrap()
        .wrapup_code_ids
        .push("nope".into());
    assert!(
        sim::start(SimConfig {
            seed,
            ..SimConfig::demo()
        })
        .await
        .is_err()
    );
}

#[tokio::test]
async fn refuse_mode_answers_an_add_of_a_member_through_a_group_400_naming_it() {
    // The seed option, through JSON as a seed file gives it.
    let mut v = serde_json::to_value(Seed::demo()).unwrap();
    v["queueAddOfGroupMember"] = json!("refuse");
    let seed: Seed = serde_json::from_value(v).unwrap();
    let (h, api) = start_seeded(seed, "", None).await;
    let (qid, gid, via, direct, other) = h.with_state_mut(|o| {
        let ids: Vec<String> = o.users.iter().take(3).map(|u| u.id.clone()).collect();
        let g = o.group_by_name_mut("Night Shift").unwrap();
        g.member_ids.push(ids[0].clone());
        let gid = g.id.clone();
        let q = o.queue_by_name_mut("Reception").unwrap();
        q.members.retain(|m| !ids.contains(m));
        q.member_groups
            .push(onboard::sim::queue_settings::MemberGroup {
                id: gid.clone(),
                kind: "GROUP".into(),
            });
        q.members.push(ids[1].clone());
        (
            q.id.clone(),
            gid,
            ids[0].clone(),
            ids[1].clone(),
            ids[2].clone(),
        )
    });
    assert!(!gid.is_empty());
    // Counts: memberCount has the group member, userMemberCount only direct ones.
    let q = api.get(&format!("/api/v2/routing/queues/{qid}")).await.body;
    assert_eq!(
        q["memberCount"].as_u64().unwrap(),
        q["userMemberCount"].as_u64().unwrap() + 1,
        "{q:#}"
    );
    let members = format!("/api/v2/routing/queues/{qid}/members");
    let by_group = api.get(&format!("{members}?memberBy=group")).await.body;
    let listed: Vec<&str> = by_group["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(listed, [via.as_str()]);
    // The whole add is refused, naming the group member; nobody is added.
    let r = api
        .post(
            &format!("{members}?delete=false"),
            json!([{"id": other}, {"id": via}, {"id": direct}]),
        )
        .await;
    assert_error(&r, 400, "queue.member.via.group");
    assert!(
        r.body["message"].as_str().unwrap().contains(&via),
        "{}",
        r.body
    );
    assert_eq!(r.body["details"][0]["entityId"], json!(via), "{}", r.body);
    assert_eq!(r.body["details"].as_array().unwrap().len(), 1);
    h.with_state(|o| {
        let q = o.queue_by_name("Reception").unwrap();
        assert!(!q.members.contains(&other) && !q.members.contains(&via));
    });
    // Without the group member the add goes through.
    let r = api
        .post(&format!("{members}?delete=false"), json!([{"id": other}]))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
}
