//! Issue 11, client side: answers the simulator does not give (it picks one form) but the
//! real API may — a division listing that marks no home division, `null` for fields, an
//! external-id POST answered with a list or nothing — served by a small stub over real
//! HTTP; and `bulkremove` sent without `subjectType`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use onboard::genesys::{Client, ClientConfig, Secret};
use onboard::model::{ExternalId, Grant};
use serde_json::json;
use std::sync::{Arc, Mutex};

type Seen = Arc<Mutex<Vec<String>>>;

async fn token() -> Response {
    axum::Json(json!({"access_token": "t", "token_type": "bearer", "expires_in": 86400}))
        .into_response()
}

async fn divisions() -> Response {
    // No `homeDivision` anywhere (and a null one).
    axum::Json(json!({"entities": [{"id": "d1", "name": "Sales"},
                                   {"id": "d2", "name": "Home", "homeDivision": null}],
                      "pageSize": 100, "pageNumber": 1, "total": 2, "pageCount": 1}))
    .into_response()
}

async fn home() -> Response {
    axum::Json(json!({"id": "d2", "name": "Home", "homeDivision": true})).into_response()
}

async fn user(Path(id): Path<String>) -> Response {
    axum::Json(
        json!({"id": id, "name": null, "email": "n@example.com", "division": null,
                      "addresses": null, "primaryContactInfo": null, "version": 3,
                      "skills": null, "languages": [{"id": "l1", "proficiency": null}]}),
    )
    .into_response()
}

async fn user_skills() -> Response {
    axum::Json(
        json!({"entities": [{"id": "s1", "name": null, "proficiency": 4.0}],
                      "pageSize": 100, "pageNumber": 1, "total": 1, "pageCount": 1}),
    )
    .into_response()
}

/// The external-id POST, answered in the form the user id names.
async fn add_external_id(Path(id): Path<String>) -> Response {
    match id.as_str() {
        "object" => axum::Json(json!({"authorityName": "hr", "externalKey": "K"})).into_response(),
        "list" => axum::Json(json!([{"authorityName": "hr", "externalKey": "K"}])).into_response(),
        "empty200" => axum::http::StatusCode::OK.into_response(),
        _ => axum::http::StatusCode::NO_CONTENT.into_response(),
    }
}

async fn bulk(
    State(seen): State<Seen>,
    Path((_, op)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    seen.lock()
        .unwrap()
        .push(format!("{op}?{}", q.unwrap_or_default()));
    axum::http::StatusCode::NO_CONTENT.into_response()
}

async fn stub() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/oauth/token", post(token))
        .route("/api/v2/authorization/divisions", get(divisions))
        .route("/api/v2/authorization/divisions/home", get(home))
        .route("/api/v2/users/{id}", get(user))
        .route("/api/v2/users/{id}/routingskills", get(user_skills))
        .route("/api/v2/users/{id}/externalid", post(add_external_id))
        .route("/api/v2/authorization/subjects/{id}/{op}", post(bulk))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

fn client(url: &str) -> Client {
    let u = url::Url::parse(url).unwrap();
    Client::new(ClientConfig::new(u.clone(), u, "id", Secret::new("secret"))).unwrap()
}

#[tokio::test]
async fn no_division_marked_home_falls_back_to_the_home_endpoint() {
    let (url, _) = stub().await;
    let divs = client(&url).divisions_with_home().await.unwrap();
    let home: Vec<_> = divs
        .iter()
        .filter(|d| d.home)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(home, ["d2"]);
}

#[tokio::test]
async fn null_fields_read_as_absent_and_a_missing_expansion_is_fetched() {
    let (url, _) = stub().await;
    let u = client(&url)
        .get_user("u1", &["skills", "languages"], false)
        .await
        .unwrap();
    assert_eq!(u.name, "");
    assert!(u.addresses.is_empty() && u.division.is_none());
    assert_eq!(u.version, Some(3));
    // `skills: null` is unknown, so it was read from the user's listing.
    let skills = u.skills.unwrap();
    assert_eq!((skills[0].id.as_str(), skills[0].proficiency), ("s1", 4.0));
    assert_eq!(u.languages.unwrap()[0].proficiency, 0.0);
}

#[tokio::test]
async fn external_id_post_accepts_an_object_a_list_or_no_body() {
    let (url, _) = stub().await;
    let c = client(&url);
    let x = ExternalId {
        authority: "hr".into(),
        key: "K".into(),
    };
    assert_eq!(
        c.add_external_id("object", &x).await.unwrap(),
        vec![x.clone()]
    );
    assert_eq!(
        c.add_external_id("list", &x).await.unwrap(),
        vec![x.clone()]
    );
    assert!(c.add_external_id("empty200", &x).await.unwrap().is_empty());
    assert!(c.add_external_id("nocontent", &x).await.unwrap().is_empty());
}

#[tokio::test]
async fn bulkremove_takes_no_subject_type() {
    let (url, seen) = stub().await;
    let c = client(&url);
    let g = [Grant {
        role_id: "r".into(),
        division_id: "d".into(),
    }];
    c.subject_bulk_remove("u", &g).await.unwrap();
    c.subject_bulk_add("u", &g).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, ["bulkremove?", "bulkadd?subjectType=PC_USER"]);
}
