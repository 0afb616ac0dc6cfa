#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator's routes a queue names, over real HTTP (issue 15, spec queues.md §7): a
//! queue's wrap-up codes, creating and reading wrap-up codes, flows by type, skill groups by
//! cursor, groups, and moving queues between divisions.

#[path = "common/queue_org.rs"]
mod queue_org;
#[path = "common/sim_http.rs"]
mod sim_http;

use queue_org::*;
use serde_json::{Value, json};
use sim_http::*;

#[tokio::test]
async fn queue_wrapup_codes_add_list_remove() {
    let (_h, api) = start("").await;
    let seed = queue_seed();
    let q = api
        .post("/api/v2/routing/queues", json!({"name": "Codes"}))
        .await
        .body;
    let path = format!(
        "/api/v2/routing/queues/{}/wrapupcodes",
        q["id"].as_str().unwrap()
    );
    assert_eq!(api.get(&path).await.body["total"], 0);
    let ids: Vec<String> = ["Sale Made", "No Sale", "Wrong Number"]
        .iter()
        .map(|n| wrapup_id(&seed, n))
        .collect();
    let body: Vec<Value> = ids.iter().map(|i| json!({"id": i})).collect();
    let r = api.post(&path, json!(body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body.as_array().unwrap().len(), 3);
    assert_eq!(r.body[0]["name"], "Sale Made");
    // Adding again changes nothing.
    assert_eq!(api.post(&path, json!([{"id": ids[0]}])).await.status, 200);
    let list = api.get(&path).await.body;
    assert_eq!(list["total"], 3);
    assert_eq!(
        api.get(&format!("{path}?name=Sale*")).await.body["total"],
        1
    );
    assert_eq!(
        api.get(&format!("{path}?pageSize=2")).await.body["pageCount"],
        2
    );

    assert_error(&api.post(&path, json!([])).await, 400, "bad.request");
    let too_many: Vec<Value> = (0..101).map(|_| json!({"id": ids[0]})).collect();
    assert_error(&api.post(&path, json!(too_many)).await, 400, "bad.request");
    assert_error(
        &api.post(&path, json!([{"id": "nope"}])).await,
        400,
        "invalid.id",
    );

    assert_eq!(api.delete(&format!("{path}/{}", ids[1])).await.status, 204);
    assert_eq!(api.get(&path).await.body["total"], 2);
    assert_error(
        &api.delete(&format!("{path}/{}", ids[1])).await,
        404,
        "not.found",
    );
    assert_error(
        &api.get("/api/v2/routing/queues/nope/wrapupcodes").await,
        404,
        "not.found",
    );
}

#[tokio::test]
async fn wrapup_codes_create_and_read() {
    let (_h, api) = start("").await;
    let before = stats(&api).await["wrapup_codes"]["total"].as_u64().unwrap();
    let sales = queue_seed().divisions[1].id.clone().unwrap();
    let r = api
        .post(
            "/api/v2/routing/wrapupcodes",
            json!({"name": "Upsell Accepted", "division": {"id": sales}, "description": "d"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["division"]["name"], "Sales");
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(
        api.get(&format!("/api/v2/routing/wrapupcodes/{id}"))
            .await
            .body,
        r.body
    );
    assert_eq!(
        api.get("/api/v2/routing/wrapupcodes?name=Upsell")
            .await
            .body["total"],
        1
    );
    assert_error(
        &api.post(
            "/api/v2/routing/wrapupcodes",
            json!({"name": "upsell accepted"}),
        )
        .await,
        409,
        "general.conflict",
    );
    assert_error(
        &api.post("/api/v2/routing/wrapupcodes", json!({})).await,
        400,
        "required.field.missing",
    );
    assert_error(
        &api.post(
            "/api/v2/routing/wrapupcodes",
            json!({"name": "X", "division": {"id": "nope"}}),
        )
        .await,
        400,
        "invalid.id",
    );
    assert_error(
        &api.get("/api/v2/routing/wrapupcodes/nope").await,
        404,
        "not.found",
    );
    assert_eq!(stats(&api).await["wrapup_codes"]["total"], before + 1);
}

#[tokio::test]
async fn flows_skill_groups_and_groups() {
    let (_h, api) = start("").await;
    let f = api.get("/api/v2/flows?type=inqueuecall").await.body;
    let names: Vec<&str> = f["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Standard Hold", "Standard Hold Spanish"]);
    assert!(
        f["entities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["type"] == "INQUEUECALL")
    );
    let two = api
        .get("/api/v2/flows?type=inqueueemail&type=inqueueshortmessage")
        .await
        .body;
    assert_eq!(two["total"], 2);
    assert_eq!(
        api.get("/api/v2/flows?name=Main%20Menu").await.body["entities"][0]["type"],
        "INBOUNDCALL"
    );
    let paged = api.get("/api/v2/flows?pageSize=2&pageNumber=3").await.body;
    assert_eq!(
        (paged["total"].clone(), paged["pageCount"].clone()),
        (json!(5), json!(3))
    );
    assert_eq!(paged["entities"].as_array().unwrap().len(), 1);

    let sg = api
        .get("/api/v2/routing/skillgroups?name=billing")
        .await
        .body;
    assert_eq!(sg["entities"].as_array().unwrap().len(), 2);
    assert!(sg.get("total").is_none(), "a cursor listing has no total");
    // Walk the cursor one at a time.
    let mut seen = Vec::new();
    let mut next = Some("/api/v2/routing/skillgroups?pageSize=1".to_string());
    for _ in 0..10 {
        let Some(path) = next.take() else { break };
        let page = api.get(&path).await.body;
        for e in page["entities"].as_array().unwrap() {
            seen.push(e["name"].as_str().unwrap().to_string());
        }
        next = page["nextUri"].as_str().map(str::to_string);
    }
    assert_eq!(
        seen,
        ["Billing Experts", "Billing Novices", "Spanish Speakers"]
    );
    assert_error(
        &api.get("/api/v2/routing/skillgroups?after=garbage").await,
        400,
        "invalid.query.param.value",
    );

    let g = api.get("/api/v2/groups?pageSize=1").await.body;
    assert_eq!(
        (g["total"].clone(), g["pageCount"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(g["entities"][0]["name"], "Escalation Team");
    assert_eq!(
        api.get(&format!("/api/v2/groups?id={NIGHT_SHIFT}"))
            .await
            .body["entities"][0]["name"],
        "Night Shift"
    );
}

#[tokio::test]
async fn queues_move_between_divisions() {
    let (h, api) = start("").await;
    let sales = h.with_state(|o| o.division_by_name("Sales").unwrap().id.clone());
    let q = api
        .post("/api/v2/routing/queues", json!({"name": "Mover"}))
        .await
        .body;
    let id = q["id"].as_str().unwrap();
    let r = api
        .post(
            &format!("/api/v2/authorization/divisions/{sales}/objects/QUEUE"),
            json!([id, PREMIUM]),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    for qid in [id, PREMIUM] {
        assert_eq!(
            api.get(&format!("/api/v2/routing/queues/{qid}")).await.body["division"]["id"],
            sales.as_str()
        );
    }
    assert_error(
        &api.post(
            &format!("/api/v2/authorization/divisions/{sales}/objects/QUEUE"),
            json!(["nope"]),
        )
        .await,
        400,
        "invalid.value",
    );
}
