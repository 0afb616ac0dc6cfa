#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The simulator's API over real HTTP: every endpoint and rule of issue 2.

use onboard::sim::{self, Seed, SimConfig, SimHandle};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Api {
    base: String,
    http: reqwest::Client,
    token: String,
}

struct Resp {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Api {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut rb = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            headers,
            body,
        }
    }
    async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(body)).await
    }
    async fn patch(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> Resp {
        self.call(Method::DELETE, path, None).await
    }
}

async fn token(base: &str, id: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
}

async fn start_with(cfg: SimConfig) -> (SimHandle, Api) {
    let h = sim::start(cfg).await.unwrap();
    let base = h.url();
    let t: Value = token(&base, "demo", "demo-secret")
        .await
        .json()
        .await
        .unwrap();
    let api = Api {
        base,
        http: reqwest::Client::new(),
        token: t["access_token"].as_str().unwrap().to_string(),
    };
    (h, api)
}

async fn start() -> (SimHandle, Api) {
    start_with(SimConfig {
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
}

fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.body);
    assert_eq!(r.body["code"], code, "body: {}", r.body);
    assert_eq!(r.body["status"], status);
    for k in ["message", "contextId", "details", "errors"] {
        assert!(r.body.get(k).is_some(), "error body lacks {k}: {}", r.body);
    }
    let cid = r.headers["inin-correlation-id"].to_str().unwrap();
    assert_eq!(r.body["contextId"], cid);
}

fn home_id(h: &SimHandle) -> String {
    h.with_state(|o| o.home_division().id.clone())
}

fn id_of(h: &SimHandle, email: &str) -> String {
    h.with_state(|o| o.user_by_email(email).unwrap().id.clone())
}

#[tokio::test]
async fn oauth_token_and_bearer_checks() {
    let (h, api) = start().await;
    let ok = token(&api.base, "demo", "demo-secret").await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 86400);
    let bad = token(&api.base, "demo", "wrong").await;
    assert_eq!(bad.status(), 401);
    let b: Value = bad.json().await.unwrap();
    assert_eq!(b["error"], "invalid_client");

    let none = reqwest::get(format!("{}/api/v2/users", api.base))
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    let cid = none.headers()["inin-correlation-id"]
        .to_str()
        .unwrap()
        .to_string();
    let b: Value = none.json().await.unwrap();
    assert_eq!(b["code"], "authentication.required");
    assert_eq!(b["contextId"], cid);

    let wrong = Api {
        token: "nope".into(),
        base: api.base.clone(),
        http: reqwest::Client::new(),
    };
    assert_error(&wrong.get("/api/v2/users").await, 401, "bad.credentials");

    // Token expiry: age the token in the org, then it is refused.
    h.with_state_mut(|o| {
        for t in o.tokens.values_mut() {
            t.expires_at = 1;
        }
    });
    assert_error(&api.get("/api/v2/users").await, 401, "bad.credentials");
    h.shutdown().await;
}

#[tokio::test]
async fn users_create_get_list_patch_delete_restore() {
    let (h, api) = start().await;
    let home = h.with_state(|o| o.home_division().id.clone());
    let sales = h.with_state(|o| o.division_by_name("Sales").unwrap().id.clone());

    // Create.
    let r = api
        .post(
            "/api/v2/users",
            json!({"name": "Ada Lovelace", "email": "ada@example.com", "divisionId": sales,
                   "department": "Sales", "title": "Agent",
                   "addresses": [{"address": "+13175550300", "mediaType": "PHONE", "type": "WORK"},
                                 {"extension": "1500", "mediaType": "PHONE", "type": "WORK2"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 36);
    assert_eq!(r.body["division"]["id"], sales);
    assert_eq!(r.body["state"], "active");
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["addresses"][0]["address"], "+13175550300");

    // Duplicate email in any case and any state → 409.
    let dup = api
        .post(
            "/api/v2/users",
            json!({"name": "X", "email": "ADA@example.com", "divisionId": home}),
        )
        .await;
    assert_error(&dup, 409, "general.conflict");
    let dup_deleted = api
        .post(
            "/api/v2/users",
            json!({"name": "X", "email": "priya.jensen@example.com", "divisionId": home}),
        )
        .await;
    assert_error(&dup_deleted, 409, "general.conflict");

    // Invalid references and fields → 400 with details.
    let bad_div = api
        .post(
            "/api/v2/users",
            json!({"name": "X", "email": "x1@example.com", "divisionId": "nope"}),
        )
        .await;
    assert_error(&bad_div, 400, "invalid.value");
    assert_eq!(bad_div.body["details"][0]["fieldName"], "divisionId");
    assert_error(
        &api.post("/api/v2/users", json!({"email": "x2@example.com"}))
            .await,
        400,
        "required.field.missing",
    );
    assert_error(
        &api.post(
            "/api/v2/users",
            json!({"name": "X", "email": "not-an-email", "divisionId": home}),
        )
        .await,
        400,
        "invalid.value",
    );
    // A DID or extension belongs to one user only.
    let taken = api
        .post(
            "/api/v2/users",
            json!({"name": "X", "email": "x3@example.com", "divisionId": home,
              "addresses": [{"address": "+13175550100", "mediaType": "PHONE", "type": "WORK"}]}),
        )
        .await;
    assert_error(&taken, 400, "bad.request");
    let ext_taken = api
        .post(
            "/api/v2/users",
            json!({"name": "X", "email": "x4@example.com", "divisionId": home,
              "addresses": [{"extension": "1500", "mediaType": "PHONE", "type": "WORK"}]}),
        )
        .await;
    assert_error(&ext_taken, 400, "bad.request");
    let ext_outside = api
        .post(
            "/api/v2/users",
            json!({"name": "X", "email": "x5@example.com", "divisionId": home,
              "addresses": [{"extension": "3000", "mediaType": "PHONE", "type": "WORK"}]}),
        )
        .await;
    assert_error(&ext_outside, 400, "invalid.value");
    assert!(h.with_state(|o| o.user_by_email("x3@example.com").is_none()));

    // Invite and password.
    let inv = api
        .post(&format!("/api/v2/users/{id}/invite?force=false"), json!({}))
        .await;
    assert_eq!(inv.status, 204);
    api.post(&format!("/api/v2/users/{id}/invite"), json!({}))
        .await;
    assert_eq!(h.with_state(|o| o.user(&id).unwrap().invites_sent), 1);
    api.post(&format!("/api/v2/users/{id}/invite?force=true"), json!({}))
        .await;
    assert_eq!(h.with_state(|o| o.user(&id).unwrap().invites_sent), 2);
    assert_error(
        &api.post(
            &format!("/api/v2/users/{id}/password"),
            json!({"newPassword": "short"}),
        )
        .await,
        400,
        "invalid.value",
    );
    let pw = api
        .post(
            &format!("/api/v2/users/{id}/password"),
            json!({"newPassword": "a-long-enough-secret"}),
        )
        .await;
    assert_eq!(pw.status, 204);
    assert!(h.with_state(|o| o.user(&id).unwrap().password_set));
    assert_error(
        &api.post("/api/v2/users/nope/invite", json!({})).await,
        404,
        "not.found",
    );

    // Get, with expand.
    let g = api
        .get(&format!(
            "/api/v2/users/{id}?expand=skills,languages,authorization"
        ))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body["skills"], json!([]));
    assert_eq!(g.body["authorization"]["roles"], json!([]));
    assert_error(
        &api.get("/api/v2/users/00000000-0000-4000-8000-000000000000")
            .await,
        404,
        "not.found",
    );

    // Patch with the right version, then a stale one.
    let p = api
        .patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 1, "title": "Senior Agent"}),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.body["version"], 2);
    assert_eq!(p.body["title"], "Senior Agent");
    let stale = api
        .patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 1, "title": "Lead"}),
        )
        .await;
    // A stale version: 409 (wording drawn from several forms), or the 400 "does not match
    // the current version" (tests/sim_real_shapes.rs checks the forms).
    let msg = stale.body["message"].as_str().unwrap();
    match stale.status.as_u16() {
        409 => assert_error(&stale, 409, "general.conflict"),
        _ => {
            assert_error(&stale, 400, "bad.request");
            assert!(msg.contains("does not match the current version"), "{msg}");
        }
    }
    assert_error(
        &api.patch(&format!("/api/v2/users/{id}"), json!({"title": "Lead"}))
            .await,
        400,
        "required.field.missing",
    );
    // Manager must exist; then set one.
    let mgr = id_of(&h, "elijah.lee@example.com");
    assert_error(
        &api.patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 2, "manager": "nope"}),
        )
        .await,
        400,
        "invalid.value",
    );
    let p = api
        .patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 2, "manager": mgr}),
        )
        .await;
    assert_eq!(p.body["manager"]["id"], mgr);
    // PATCH to another user's email → 409.
    assert_error(
        &api.patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 3, "email": "olivia.martin@example.com"}),
        )
        .await,
        409,
        "general.conflict",
    );
    // State change is the only change when sent.
    let p = api
        .patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 3, "state": "inactive", "title": "ignored"}),
        )
        .await;
    assert_eq!(p.body["state"], "inactive");
    assert_eq!(p.body["title"], "Senior Agent");
    let p = api
        .patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": 4, "state": "active"}),
        )
        .await;
    assert_eq!(p.body["state"], "active");

    // Soft delete; read with state=deleted; restore via state (comes back in Home).
    let d = api.delete(&format!("/api/v2/users/{id}")).await;
    assert_eq!(d.status, 200);
    assert_eq!(d.body, json!({}));
    assert_error(
        &api.get(&format!("/api/v2/users/{id}")).await,
        404,
        "not.found",
    );
    assert_error(
        &api.delete(&format!("/api/v2/users/{id}")).await,
        404,
        "not.found",
    );
    let gd = api.get(&format!("/api/v2/users/{id}?state=deleted")).await;
    assert_eq!(gd.body["state"], "deleted");
    let v = gd.body["version"].as_i64().unwrap();
    // The phone is free again once the user is deleted.
    assert!(h.with_state(|o| o.owner_of_number("+13175550300", false).is_none()));
    let rs = api
        .patch(
            &format!("/api/v2/users/{id}"),
            json!({"version": v, "state": "active"}),
        )
        .await;
    assert_eq!(rs.status, 200, "{}", rs.body);
    assert_eq!(rs.body["state"], "active");
    assert_eq!(rs.body["division"]["id"], home);

    // List: state filter, any, ids, pagination totals and URIs.
    let l = api.get("/api/v2/users?pageSize=100&pageNumber=2").await;
    assert_eq!(l.body["total"], 282);
    assert_eq!(l.body["pageCount"], 3);
    assert_eq!(l.body["entities"].as_array().unwrap().len(), 100);
    assert_eq!(l.body["nextUri"], "/api/v2/users?pageSize=100&pageNumber=3");
    assert_eq!(
        l.body["previousUri"],
        "/api/v2/users?pageSize=100&pageNumber=1"
    );
    let last = api.get("/api/v2/users?pageSize=100&pageNumber=3").await;
    assert_eq!(last.body["entities"].as_array().unwrap().len(), 82);
    assert!(last.body.get("nextUri").is_none());
    assert_eq!(
        api.get("/api/v2/users?state=any&pageSize=1").await.body["total"],
        301
    );
    assert_eq!(
        api.get("/api/v2/users?state=deleted&pageSize=1").await.body["total"],
        6
    );
    assert_eq!(
        api.get("/api/v2/users?state=inactive&pageSize=1")
            .await
            .body["total"],
        13
    );
    let two = api
        .get(&format!("/api/v2/users?id={id}&id={mgr}&expand=skills"))
        .await;
    assert_eq!(two.body["total"], 2);
    assert!(two.body["entities"][1]["skills"].is_array());
    assert_error(
        &api.get("/api/v2/users?pageSize=0").await,
        400,
        "invalid.query.param.value",
    );
    let many: String = (0..101).map(|i| format!("id=x{i}&")).collect();
    assert_error(
        &api.get(&format!("/api/v2/users?{many}")).await,
        400,
        "max.user.ids",
    );

    let stats = h.stats().await;
    assert_eq!(stats.duplicate_emails, 0);
    assert!(stats.by_route["PATCH /api/v2/users/{userId}"] >= 8);
    assert_eq!(stats.users.total, 301);
    h.shutdown().await;
}

#[tokio::test]
async fn user_search() {
    let (h, api) = start().await;
    let s = api
        .post("/api/v2/users/search", json!({"pageSize": 25, "pageNumber": 1, "query": [
            {"type": "EXACT", "fields": ["email"], "values": ["olivia.martin@example.com", "LIAM.LOPEZ@example.com", "nobody@example.com"]}]}))
        .await;
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.body["total"], 2);
    assert_eq!(s.body["results"].as_array().unwrap().len(), 2);
    assert_eq!(s.body["types"], json!(["users"]));
    // Without a state criterion, deleted users are not returned.
    let d = api
        .post("/api/v2/users/search", json!({"query": [{"type": "EXACT", "fields": ["email"], "value": "priya.jensen@example.com"}]}))
        .await;
    assert_eq!(d.body["total"], 0);
    // Terraform's restore lookup: email + state deleted.
    let d = api
        .post(
            "/api/v2/users/search",
            json!({"query": [
            {"type": "EXACT", "fields": ["email"], "value": "priya.jensen@example.com"},
            {"type": "EXACT", "fields": ["state"], "values": ["deleted"]}]}),
        )
        .await;
    assert_eq!(d.body["total"], 1);
    assert_eq!(d.body["results"][0]["state"], "deleted");
    // Inactive users are found without a state criterion.
    let i = api
        .post("/api/v2/users/search", json!({"query": [{"type": "EXACT", "fields": ["email"], "value": "mateo.novak@example.com"}]}))
        .await;
    assert_eq!(i.body["results"][0]["state"], "inactive");
    // id and name, pagination with q64 tokens.
    let id = id_of(&h, "olivia.martin@example.com");
    let by_id = api
        .post(
            "/api/v2/users/search",
            json!({"query": [{"type": "EXACT", "fields": ["id"], "value": id}]}),
        )
        .await;
    assert_eq!(by_id.body["total"], 1);
    let by_name = api
        .post("/api/v2/users/search", json!({"pageSize": 5, "query": [{"type": "STARTS_WITH", "fields": ["name"], "value": "olivia"}], "expand": ["skills"]}))
        .await;
    let total = by_name.body["total"].as_u64().unwrap();
    assert!(total > 5);
    assert_eq!(by_name.body["pageCount"], total.div_ceil(5));
    let next = by_name.body["nextPage"].as_str().unwrap();
    let p2 = api
        .get(&format!("/api/v2/users/search?q64={}", urlencode(next)))
        .await;
    assert_eq!(p2.status, 200, "{}", p2.body);
    assert_eq!(p2.body["pageNumber"], 2);
    assert_ne!(
        p2.body["results"][0]["id"],
        by_name.body["results"][0]["id"]
    );
    assert!(p2.body["results"][0]["skills"].is_array());
    assert_error(
        &api.post(
            "/api/v2/users/search",
            json!({"query": [{"type": "EXACT", "fields": ["shoeSize"], "value": "9"}]}),
        )
        .await,
        400,
        "invalid.value",
    );
    h.shutdown().await;
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[tokio::test]
async fn external_ids() {
    let (h, api) = start().await;
    let u = api.get("/api/v2/users/externalid/workday/E1001").await;
    assert_eq!(u.status, 200);
    assert_eq!(u.body["email"], "liam.lopez@example.com");
    assert_error(
        &api.get("/api/v2/users/externalid/workday/E9999").await,
        404,
        "not.found",
    );
    let id = u.body["id"].as_str().unwrap().to_string();
    let add = api
        .post(
            &format!("/api/v2/users/{id}/externalid"),
            json!({"authorityName": "hr", "externalKey": "K1"}),
        )
        .await;
    assert_eq!(add.status, 200);
    // One object, as the real API answers (docs/genesys-api-notes.md §11.1), not the SDK's list.
    assert_eq!(add.body["authorityName"], "hr");
    assert_eq!(add.body["externalKey"], "K1");
    let list = api.get(&format!("/api/v2/users/{id}/externalid/hr")).await;
    assert_eq!(
        list.body,
        json!({"authorityName": "hr", "externalKey": "K1", "selfUri": format!("/api/v2/users/{id}/externalid/hr/K1")})
    );
    // Case-sensitive.
    assert_error(
        &api.get("/api/v2/users/externalid/HR/K1").await,
        404,
        "not.found",
    );
    let other = id_of(&h, "olivia.martin@example.com");
    assert_error(
        &api.post(
            &format!("/api/v2/users/{other}/externalid"),
            json!({"authorityName": "hr", "externalKey": "K1"}),
        )
        .await,
        409,
        "general.conflict",
    );
    let del = api
        .delete(&format!("/api/v2/users/{id}/externalid/hr/K1"))
        .await;
    assert_eq!(del.status, 204);
    assert_eq!(
        api.get(&format!("/api/v2/users/{id}/externalid"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    h.shutdown().await;
}

#[tokio::test]
async fn roles_grants_divisions() {
    let (h, api) = start().await;
    let (agent, sup, home, sales) = h.with_state(|o| {
        (
            o.role_by_name("Agent").unwrap().id.clone(),
            o.role_by_name("Supervisor").unwrap().id.clone(),
            o.home_division().id.clone(),
            o.division_by_name("Sales").unwrap().id.clone(),
        )
    });
    let divs = api
        .get("/api/v2/authorization/divisions?objectCount=true")
        .await;
    assert_eq!(divs.body["total"], 5);
    assert!(
        divs.body["entities"][0]["objectCounts"]["USER"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(
        api.get("/api/v2/authorization/divisions/home").await.body["id"],
        home
    );
    let roles = api.get("/api/v2/authorization/roles?pageSize=100").await;
    assert_eq!(roles.body["total"], 20);
    let agent_role = roles.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Agent")
        .unwrap();
    assert_eq!(agent_role["baseLicense"], "cx2");
    assert!(agent_role["userCount"].as_u64().unwrap() > 100);

    let id = api
        .post(
            "/api/v2/users",
            json!({"name": "G", "email": "g@example.com", "divisionId": home_id(&h)}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = api
        .post(&format!("/api/v2/authorization/subjects/{id}/bulkadd?subjectType=PC_USER"),
              json!({"grants": [{"roleId": agent, "divisionId": sales}, {"roleId": sup, "divisionId": home}]}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let s = api
        .get(&format!("/api/v2/authorization/subjects/{id}"))
        .await;
    assert_eq!(s.body["grants"].as_array().unwrap().len(), 2);
    assert_eq!(s.body["grants"][0]["role"]["name"], "Agent");
    assert_eq!(s.body["grants"][0]["division"]["id"], sales);
    let bad = api
        .post(
            &format!("/api/v2/authorization/subjects/{id}/bulkadd"),
            json!({"grants": [{"roleId": "nope", "divisionId": home}]}),
        )
        .await;
    assert_error(&bad, 400, "invalid.value");
    api.post(
        &format!("/api/v2/authorization/subjects/{id}/bulkremove"),
        json!({"grants": [{"roleId": sup, "divisionId": home}]}),
    )
    .await;
    assert_eq!(
        api.get(&format!("/api/v2/authorization/subjects/{id}"))
            .await
            .body["grants"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    api.post(
        &format!("/api/v2/authorization/subjects/{id}/bulkreplace"),
        json!({"grants": [{"roleId": sup, "divisionId": sales}]}),
    )
    .await;
    let roles_of = api.get(&format!("/api/v2/users/{id}/roles")).await;
    assert_eq!(
        roles_of.body["roles"],
        json!([{"id": sup, "name": "Supervisor"}])
    );
    let put = api
        .put(&format!("/api/v2/users/{id}/roles"), json!([agent]))
        .await;
    assert_eq!(put.body["roles"][0]["id"], agent);
    // Bulk grant one role to many subjects.
    let r = api
        .post(
            &format!("/api/v2/authorization/roles/{sup}"),
            json!({"subjectIds": [id], "divisionIds": [sales]}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert!(h.with_state(|o| {
        o.user(&id)
            .unwrap()
            .grants
            .contains(&(sup.clone(), sales.clone()))
    }));
    // Single grant and revoke.
    let p = format!("/api/v2/authorization/subjects/{id}/divisions/{home}/roles/{sup}");
    assert_eq!(api.post(&p, json!({})).await.status, 204);
    assert_eq!(api.delete(&p).await.status, 204);
    // Move to a division.
    let mv = api
        .post(
            &format!("/api/v2/authorization/divisions/{sales}/objects/USER"),
            json!([id]),
        )
        .await;
    assert_eq!(mv.status, 204);
    assert_eq!(
        api.get(&format!("/api/v2/users/{id}")).await.body["division"]["id"],
        sales
    );
    assert_error(
        &api.post(
            &format!("/api/v2/authorization/divisions/{sales}/objects/USER"),
            json!(["nope"]),
        )
        .await,
        400,
        "invalid.value",
    );
    assert_error(
        &api.post(
            "/api/v2/authorization/divisions/nope/objects/USER",
            json!([id]),
        )
        .await,
        404,
        "not.found",
    );
    h.shutdown().await;
}

#[tokio::test]
async fn routing_skills_languages_queues() {
    let (h, api) = start().await;
    let skills = api.get("/api/v2/routing/skills?pageSize=100").await;
    assert_eq!(skills.body["total"], 50);
    let bill = api.get("/api/v2/routing/skills?name=Bill").await;
    assert_eq!(bill.body["total"], 1);
    assert_eq!(bill.body["entities"][0]["name"], "Billing");
    assert_eq!(api.get("/api/v2/routing/languages").await.body["total"], 10);
    let qs = api.get("/api/v2/routing/queues?pageSize=10").await;
    assert_eq!(qs.body["total"], 30);
    assert_eq!(qs.body["pageCount"], 3);
    let billing = h.with_state(|o| o.division_by_name("Billing").unwrap().id.clone());
    assert_eq!(
        api.get(&format!("/api/v2/routing/queues?divisionId={billing}"))
            .await
            .body["total"],
        5
    );
    assert_eq!(
        api.get("/api/v2/routing/queues?name=Billing*").await.body["total"],
        3
    );
    assert_eq!(
        api.get("/api/v2/routing/queues?name=*Support").await.body["total"],
        4
    );
    let exact = api
        .get("/api/v2/routing/queues?name=Billing%20Tier%202")
        .await;
    assert_eq!(exact.body["total"], 1);
    assert_eq!(exact.body["entities"][0]["memberCount"], 18);
    assert_eq!(
        api.get("/api/v2/routing/wrapupcodes").await.body["total"],
        10
    );

    let (skill, skill2, lang) = h.with_state(|o| {
        (
            o.skill_by_name("Billing").unwrap().id.clone(),
            o.skill_by_name("Returns").unwrap().id.clone(),
            o.language_by_name("Spanish").unwrap().id.clone(),
        )
    });
    let id = api
        .post(
            "/api/v2/users",
            json!({"name": "R", "email": "r@example.com", "divisionId": home_id(&h)}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let one = api
        .post(
            &format!("/api/v2/users/{id}/routingskills"),
            json!({"id": skill, "proficiency": 4}),
        )
        .await;
    assert_eq!(one.body["name"], "Billing");
    assert_eq!(one.body["proficiency"], 4.0);
    let merged = api
        .patch(
            &format!("/api/v2/users/{id}/routingskills/bulk"),
            json!([{"id": skill2, "proficiency": 2.5}]),
        )
        .await;
    assert_eq!(merged.status, 200, "{}", merged.body);
    assert_eq!(merged.body["total"], 2);
    let replaced = api
        .put(
            &format!("/api/v2/users/{id}/routingskills/bulk"),
            json!([{"id": skill2, "proficiency": 1}]),
        )
        .await;
    assert_eq!(replaced.body["total"], 1);
    assert_error(
        &api.patch(
            &format!("/api/v2/users/{id}/routingskills/bulk"),
            json!([{"id": "nope", "proficiency": 1}]),
        )
        .await,
        400,
        "invalid.value",
    );
    assert_error(
        &api.patch(
            &format!("/api/v2/users/{id}/routingskills/bulk"),
            json!([{"id": skill, "proficiency": 6}]),
        )
        .await,
        400,
        "invalid.value",
    );
    let fifty_one: Vec<Value> = (0..51)
        .map(|_| json!({"id": skill, "proficiency": 1}))
        .collect();
    assert_error(
        &api.patch(
            &format!("/api/v2/users/{id}/routingskills/bulk"),
            json!(fifty_one),
        )
        .await,
        400,
        "bad.request",
    );
    assert_error(
        &api.patch(
            &format!("/api/v2/users/{id}/routinglanguages/bulk"),
            json!(fifty_one),
        )
        .await,
        400,
        "bad.request",
    );
    let l = api
        .patch(
            &format!("/api/v2/users/{id}/routinglanguages/bulk"),
            json!([{"id": lang, "proficiency": 3}]),
        )
        .await;
    assert_eq!(l.body["entities"][0]["name"], "Spanish");
    assert_eq!(
        api.get(&format!("/api/v2/users/{id}/routinglanguages"))
            .await
            .body["total"],
        1
    );
    assert_eq!(
        api.get(&format!("/api/v2/users/{id}/routingskills"))
            .await
            .body["entities"][0]["proficiency"],
        1.0
    );
    assert_eq!(
        api.put(
            &format!("/api/v2/users/{id}/routingskills/{skill2}"),
            json!({"proficiency": 5})
        )
        .await
        .body["proficiency"],
        5.0
    );
    assert_eq!(
        api.delete(&format!("/api/v2/users/{id}/routingskills/{skill2}"))
            .await
            .status,
        204
    );
    assert_eq!(
        api.patch(
            &format!("/api/v2/users/{id}/routinglanguages/{lang}"),
            json!({"proficiency": 2})
        )
        .await
        .body["proficiency"],
        2.0
    );
    assert_eq!(
        api.delete(&format!("/api/v2/users/{id}/routinglanguages/{lang}"))
            .await
            .status,
        204
    );
    // Languages have no bulk PUT in the real API; unknown paths are 404.
    assert_error(
        &api.put(
            &format!("/api/v2/users/{id}/routinglanguages/bulk"),
            json!([]),
        )
        .await,
        405,
        "method.not.allowed",
    );
    assert_error(&api.get("/api/v2/no/such/thing").await, 404, "not.found");

    // Queue members: add, list, user queues, limit, delete.
    let qid = h.with_state(|o| o.queue_by_name("Billing Tier 2").unwrap().id.clone());
    let ids: Vec<String> = (0..3)
        .map(|i| format!("q{i}@example.com"))
        .collect::<Vec<_>>();
    let mut uids = Vec::new();
    for e in &ids {
        uids.push(
            api.post(
                "/api/v2/users",
                json!({"name": "Q", "email": e, "divisionId": home_id(&h)}),
            )
            .await
            .body["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let add2 = api
        .post(
            &format!("/api/v2/routing/queues/{qid}/members"),
            json!([{"id": uids[0]}, {"id": uids[1]}]),
        )
        .await;
    assert_eq!(add2.status, 204, "{}", add2.body);
    let over = api
        .post(
            &format!("/api/v2/routing/queues/{qid}/members?delete=false"),
            json!([{"id": uids[2]}]),
        )
        .await;
    assert_error(&over, 400, "queue.size.limit");
    // Raise the limit at runtime, then it fits.
    h.with_state_mut(|o| o.queue_by_name_mut("Billing Tier 2").unwrap().member_limit = Some(25));
    assert_eq!(
        api.post(
            &format!("/api/v2/routing/queues/{qid}/members"),
            json!([{"id": uids[2]}])
        )
        .await
        .status,
        204
    );
    let members = api
        .get(&format!(
            "/api/v2/routing/queues/{qid}/members?pageSize=100"
        ))
        .await;
    assert_eq!(members.body["entities"].as_array().unwrap().len(), 21);
    let page1 = api
        .get(&format!("/api/v2/routing/queues/{qid}/members?pageSize=20"))
        .await;
    assert!(page1.body["nextUri"].is_string());
    assert_error(
        &api.get(&format!(
            "/api/v2/routing/queues/{qid}/members?pageSize=101"
        ))
        .await,
        400,
        "invalid.query.param.value",
    );
    let uq = api.get(&format!("/api/v2/users/{}/queues", uids[0])).await;
    assert_eq!(uq.body["entities"][0]["name"], "Billing Tier 2");
    assert_eq!(uq.body["entities"][0]["joined"], true);
    let del = api
        .post(
            &format!("/api/v2/routing/queues/{qid}/members?delete=true"),
            json!([{"id": uids[0]}]),
        )
        .await;
    assert_eq!(del.status, 204);
    assert_eq!(
        api.get(&format!("/api/v2/users/{}/queues", uids[0]))
            .await
            .body["total"],
        0
    );
    let hundred_one: Vec<Value> = (0..101).map(|_| json!({"id": uids[0]})).collect();
    assert_error(
        &api.post(
            &format!("/api/v2/routing/queues/{qid}/members"),
            json!(hundred_one),
        )
        .await,
        400,
        "bad.request",
    );
    assert_error(
        &api.post(
            &format!("/api/v2/routing/queues/{qid}/members"),
            json!([{"id": "nope"}]),
        )
        .await,
        400,
        "invalid.value",
    );
    h.shutdown().await;
}

#[tokio::test]
async fn licences_and_billing() {
    let (h, api) = start().await;
    let defs = api.get("/api/v2/license/definitions").await;
    assert_eq!(defs.body.as_array().unwrap().len(), 5);
    let contracts = api.get("/api/v2/billing/contracts").await;
    let c = &contracts.body["entities"][0];
    let (cid, pid) = (
        c["id"].as_str().unwrap().to_string(),
        c["billingPeriods"][0]["id"].as_str().unwrap().to_string(),
    );
    let detail = api
        .get(&format!(
            "/api/v2/billing/contracts/{cid}/billingperiods/{pid}"
        ))
        .await;
    let cx3 = detail.body["charges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["product"]["id"] == "cx3")
        .unwrap()
        .clone();
    assert_eq!(cx3["product"]["sku"], "cx3");
    assert_eq!(cx3["product"]["name"], "Genesys Cloud CX 3");
    assert_eq!(cx3["prepaidQuantity"], 58);
    assert_eq!(cx3["actualQuantity"], 55);

    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            api.post(
                "/api/v2/users",
                json!({"name": "L", "email": format!("l{i}@example.com"), "divisionId": home_id(&h)}),
            )
            .await
            .body["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let r = api
        .post(
            "/api/v2/license/organization",
            json!({"assignments": [{"licenseId": "cx3", "userIdsAdd": ids}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let res = r.body.as_array().unwrap();
    assert_eq!(res.iter().filter(|x| x["result"] == "Success").count(), 3);
    assert_eq!(res[3]["userId"], ids[3]);
    assert_ne!(res[3]["result"], "Success");
    let detail = api
        .get(&format!(
            "/api/v2/billing/contracts/{cid}/billingperiods/{pid}"
        ))
        .await;
    let cx3 = detail.body["charges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["product"]["id"] == "cx3")
        .unwrap()
        .clone();
    assert_eq!(cx3["actualQuantity"], 58);
    // Raise the seats at runtime; then the 4th fits.
    h.with_state_mut(|o| o.license_mut("cx3").unwrap().seats = 60);
    let r = api
        .post(
            "/api/v2/license/organization",
            json!({"assignments": [{"licenseId": "cx3", "userIdsAdd": [ids[3]]}]}),
        )
        .await;
    assert_eq!(r.body[0]["result"], "Success");
    let lu = api.get(&format!("/api/v2/license/users/{}", ids[3])).await;
    assert_eq!(lu.body["licenses"][0]["id"], "cx3");
    let all = api.get("/api/v2/license/users?pageSize=500").await;
    assert_eq!(all.body["total"], 298);
    let rm = api
        .post(
            "/api/v2/license/organization",
            json!({"assignments": [{"licenseId": "cx3", "userIdsRemove": [ids[3]]}]}),
        )
        .await;
    assert_eq!(rm.body[0]["result"], "Success");
    let many = api
        .post("/api/v2/license/users", json!([ids[0], ids[3]]))
        .await;
    assert_eq!(many.body[&ids[0]], json!(["cx3"]));
    assert_eq!(many.body[&ids[3]], json!([]));
    assert_error(
        &api.post(
            "/api/v2/license/organization",
            json!({"assignments": [{"licenseId": "cx9", "userIdsAdd": []}]}),
        )
        .await,
        400,
        "invalid.value",
    );
    h.shutdown().await;
}

#[tokio::test]
async fn telephony() {
    let (h, api) = start().await;
    let trunks = api.get("/api/v2/telephony/providers/edges/trunks").await;
    assert_eq!(trunks.body["total"], 3);
    let t = trunks.body["entities"].as_array().unwrap();
    assert_eq!(t.iter().filter(|t| t["inService"] == false).count(), 1);
    let base_id = t[1]["trunkBase"]["id"].as_str().unwrap();
    let base = api
        .get(&format!(
            "/api/v2/telephony/providers/edges/trunkbasesettings/{base_id}"
        ))
        .await;
    assert_eq!(
        base.body["properties"]["trunk_max_calls"]["value"]["instance"],
        84
    );
    assert_eq!(
        api.get("/api/v2/telephony/providers/edges/trunkbasesettings")
            .await
            .body["total"],
        3
    );
    let pools = api.get("/api/v2/telephony/providers/edges/didpools").await;
    assert_eq!(pools.body["total"], 3);
    let all = api.get("/api/v2/telephony/providers/edges/didpools/dids?type=ASSIGNED_AND_UNASSIGNED&pageSize=500").await;
    assert_eq!(all.body["total"], 450);
    let free = api
        .get("/api/v2/telephony/providers/edges/didpools/dids?type=UNASSIGNED&pageSize=1")
        .await;
    assert_eq!(free.body["total"], 300);
    let m = api.get("/api/v2/telephony/providers/edges/didpools/dids?type=ASSIGNED_AND_UNASSIGNED&numberMatch=13175550100").await;
    assert_eq!(m.body["total"], 1);
    assert_eq!(m.body["entities"][0]["assigned"], true);
    assert_eq!(m.body["entities"][0]["ownerType"], "USER");
    assert_eq!(
        m.body["entities"][0]["owner"]["id"],
        id_of(&h, "liam.lopez@example.com")
    );
    assert_error(
        &api.get("/api/v2/telephony/providers/edges/didpools/dids")
            .await,
        400,
        "required.field.missing",
    );
    let owned = api
        .get("/api/v2/telephony/providers/edges/dids?phoneNumber=%2B13175550100")
        .await;
    assert_eq!(owned.body["total"], 1);
    let did_id = owned.body["entities"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        owned.body["entities"][0]["owner"]["id"],
        id_of(&h, "liam.lopez@example.com")
    );
    assert_eq!(
        api.get("/api/v2/telephony/providers/edges/dids?pageSize=1")
            .await
            .body["total"],
        150
    );
    let one_did = api
        .get(&format!("/api/v2/telephony/providers/edges/dids/{did_id}"))
        .await;
    assert_eq!(one_did.body["phoneNumber"], "+13175550100");
    let ep = api
        .get("/api/v2/telephony/providers/edges/extensionpools")
        .await;
    assert_eq!(ep.body["total"], 2);
    let ex = api
        .get("/api/v2/telephony/providers/edges/extensions?pageSize=1")
        .await;
    assert_eq!(ex.body["total"], 200);
    let one = api
        .get("/api/v2/telephony/providers/edges/extensions?number=1000")
        .await;
    assert_eq!(
        one.body["entities"][0]["owner"]["id"],
        id_of(&h, "olivia.martin@example.com")
    );
    h.shutdown().await;
}

#[tokio::test]
async fn a_custom_seed_with_generated_ids() {
    let seed = Seed::from_json(
        r#"{"name":"Tiny","oauthClients":[{"clientId":"c","clientSecret":"s"}],
            "divisions":[{"name":"Home","homeDivision":true}],
            "skills":[{"name":"Billing"}],
            "users":[{"name":"A","email":"a@example.com"}]}"#,
    )
    .unwrap();
    let h = sim::start(SimConfig {
        seed,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let t = token(&h.url(), "c", "s").await;
    assert_eq!(t.status(), 200);
    let (count, id) = h.with_state(|o| (o.users.len(), o.users[0].id.clone()));
    assert_eq!(count, 1);
    assert_eq!(id.len(), 36);
    assert!(Seed::from_json(r#"{"name":"x"}"#).is_err());
    h.shutdown().await;
}
