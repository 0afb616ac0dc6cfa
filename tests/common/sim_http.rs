//! A raw HTTP caller for the simulator's queue tests (`sim_queues.rs`, `sim_queue_refs.rs`):
//! a token, JSON in and out, and the checks those tests share.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::queue_org::queue_seed;
use onboard::sim::{self, FaultSpec, Seed, SimConfig, SimHandle};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Api {
    pub base: String,
    http: reqwest::Client,
    token: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
}

impl Api {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut rb = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.expect("request");
        let status = r.status();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, body }
    }
    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.call(Method::DELETE, path, None).await
    }
}

pub async fn start_seeded(
    seed: Seed,
    faults: &str,
    state: Option<std::path::PathBuf>,
) -> (SimHandle, Api) {
    let h = sim::start(SimConfig {
        seed,
        rate_limit: None,
        faults: FaultSpec::parse(faults).unwrap(),
        state_file: state,
        ..SimConfig::demo()
    })
    .await
    .unwrap();
    let api = login(&h.url(), "demo", "demo-secret").await;
    (h, api)
}

/// A caller holding a fresh token of the OAuth client `client`.
pub async fn login(base: &str, client: &str, secret: &str) -> Api {
    let t: Value = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(client, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Api {
        base: base.to_string(),
        http: reqwest::Client::new(),
        token: t["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token for {client}: {t}"))
            .to_string(),
    }
}

pub async fn start(faults: &str) -> (SimHandle, Api) {
    start_seeded(queue_seed(), faults, None).await
}

pub fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.body);
    assert_eq!(r.body["code"], code, "body: {}", r.body);
}

/// The body without the fields a write always changes.
pub fn settled(v: &Value) -> Value {
    let mut v = v.clone();
    for k in ["dateModified", "modifiedBy"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

pub async fn stats(api: &Api) -> Value {
    reqwest::get(format!("{}/__sim/stats", api.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
