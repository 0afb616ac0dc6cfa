#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The client's queue endpoints against the simulator over real HTTP (issue 15): whole-object
//! updates that keep every field they do not change, creates that are never repeated blindly,
//! wrap-up codes in calls of 100, flows, skill groups (cursor), groups, division moves, and the
//! errors each rule gives.

mod common;
#[path = "common/queue_org.rs"]
mod queue_org;

use onboard::genesys::ErrorKind;
use onboard::genesys::queues::{
    AcwSettings, IdRef, MediaSetting, MemberGroupRef, QueueObject, QueueSettings,
};
use onboard::sim::{self, FaultSpec, SimConfig, SimHandle};
use queue_org::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

async fn start(faults: &str) -> SimHandle {
    start_with(queue_org::queue_seed(), faults).await
}

async fn start_with(seed: onboard::sim::Seed, faults: &str) -> SimHandle {
    sim::start(SimConfig {
        seed,
        rate_limit: None,
        faults: FaultSpec::parse(faults).unwrap(),
        ..SimConfig::demo()
    })
    .await
    .unwrap()
}

fn without_stamps(q: &QueueObject) -> Value {
    let mut m = q.json().clone();
    m.remove("dateModified");
    m.remove("modifiedBy");
    Value::Object(m)
}

fn named(name: &str) -> QueueSettings {
    QueueSettings {
        name: Some(name.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_read_update_delete() {
    let h = start("").await;
    let c = common::client(&h.url());
    let mut media = BTreeMap::new();
    media.insert(
        "call".to_string(),
        MediaSetting {
            alerting_timeout_seconds: Some(10),
            ..Default::default()
        },
    );
    let settings = QueueSettings {
        name: Some("Client Queue".into()),
        description: Some("made by the client".into()),
        acw_settings: Some(AcwSettings {
            wrapup_prompt: Some("AGENT_REQUESTED".into()),
            timeout_ms: Some(60_000),
        }),
        media_settings: Some(media),
        queue_flow: Some(IdRef::new(CALL_FLOW)),
        calling_party_number: Some("+13175550777".into()),
        member_groups: Some(vec![MemberGroupRef {
            id: NIGHT_SHIFT.into(),
            kind: "GROUP".into(),
        }]),
        ..Default::default()
    };
    let q = c.create_queue(&settings, None).await.unwrap();
    assert_eq!(q.name(), "Client Queue");
    assert_eq!(q.get("acwSettings").unwrap()["timeoutMs"], 60_000);
    assert_eq!(
        q.get("mediaSettings").unwrap()["call"]["alertingTimeoutSeconds"],
        10
    );
    assert_eq!(q.get("memberGroups").unwrap()[0]["name"], "Night Shift");
    assert_eq!(c.get_queue(q.id()).await.unwrap(), q);

    let changed = c
        .update_queue(
            q.id(),
            &QueueSettings {
                description: Some("changed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut want = without_stamps(&q);
    want["description"] = json!("changed");
    assert_eq!(without_stamps(&changed), want);
    assert!(changed.date_modified() > q.date_modified());

    c.delete_queue(q.id()).await.unwrap();
    let gone = c.get_queue(q.id()).await.unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound);
    assert_eq!(
        c.delete_queue(q.id()).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
}

/// The guard against Terraform #1179: read-modify-write keeps every field it does not change
/// (those the client models and those it does not: routing rules, bullseye, the outbound
/// email address), while a partial body loses them.
#[tokio::test]
async fn an_update_keeps_every_field_it_does_not_change() {
    let h = start("").await;
    let c = common::client(&h.url());
    let before = c.get_queue(PREMIUM).await.unwrap();
    for field in [
        "routingRules",
        "bullseye",
        "outboundEmailAddress",
        "callingPartyNumber",
    ] {
        assert!(before.get(field).is_some(), "the seed should set {field}");
    }
    let after = c
        .update_queue(
            PREMIUM,
            &QueueSettings {
                description: Some("desk moved".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut want = without_stamps(&before);
    want["description"] = json!("desk moved");
    assert_eq!(without_stamps(&c.get_queue(PREMIUM).await.unwrap()), want);
    assert_eq!(without_stamps(&after), want);

    // What a partial PUT does (the reason for the read): the same change loses the rest.
    let mut partial = serde_json::Map::new();
    partial.insert("id".into(), json!(PREMIUM));
    partial.insert("name".into(), json!("Premium Billing"));
    partial.insert("description".into(), json!("desk moved"));
    let lost = c.put_queue(&QueueObject::from_json(partial)).await.unwrap();
    for field in [
        "routingRules",
        "bullseye",
        "outboundEmailAddress",
        "callingPartyNumber",
    ] {
        assert!(lost.get(field).is_none(), "{field} survived a partial PUT");
    }
}

#[tokio::test]
async fn create_rules_map_to_error_kinds() {
    let h = start("").await;
    let c = common::client(&h.url());
    let dup = c
        .create_queue(&named("premium BILLING"), None)
        .await
        .unwrap_err();
    assert_eq!(
        (dup.kind, dup.code.as_deref()),
        (ErrorKind::Conflict, Some("general.conflict"))
    );
    let wrong_type = QueueSettings {
        queue_flow: Some(IdRef::new(INBOUND_FLOW)),
        ..named("Typed")
    };
    let e = c.create_queue(&wrong_type, None).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::BadRequest, Some("invalid.id"))
    );
    assert!(
        e.step_message().contains("queueFlow.id"),
        "{}",
        e.step_message()
    );
    let e = c
        .create_queue(&QueueSettings::default(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code.as_deref(), Some("required.field.missing"));
    let e = c.create_queue(&named("X"), Some("nope")).await.unwrap_err();
    assert_eq!(e.code.as_deref(), Some("invalid.id"));
    let timed = QueueSettings {
        acw_settings: Some(AcwSettings {
            wrapup_prompt: Some("OPTIONAL".into()),
            timeout_ms: Some(10_000),
        }),
        ..named("Timed")
    };
    let e = c.create_queue(&timed, None).await.unwrap_err();
    assert_eq!(e.code.as_deref(), Some("invalid.value"));
    assert_eq!(
        h.stats().await.queues.total,
        31,
        "no failed create left a queue"
    );
}

/// A create whose answer is lost is never sent again: the caller looks the name up.
#[tokio::test]
async fn an_unanswered_create_is_looked_up_by_exact_name() {
    let h = start("drop_after_commit=1.0,seed=3").await;
    let c = common::client(&h.url());
    let e = c
        .create_queue(&named("Dropped Answer"), None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutcomeUnknown);
    assert_eq!(e.attempts, 1, "a create is sent once");
    h.set_faults(FaultSpec::default());
    c.create_queue(&named("Dropped Answer 2"), None)
        .await
        .unwrap();
    let found = c.queues_named("dropped answer").await.unwrap();
    assert_eq!(found.len(), 1, "exact name only, not a prefix");
    assert_eq!(found[0].name(), "Dropped Answer");
    assert_eq!(h.stats().await.duplicate_queue_names, 0);
    assert!(c.queues_named("No Such Queue").await.unwrap().is_empty());

    let ids = vec![
        PREMIUM.to_string(),
        found[0].id().to_string(),
        "nope".to_string(),
    ];
    let mut got: Vec<String> = c
        .get_queues_by_ids(&ids)
        .await
        .unwrap()
        .iter()
        .map(|q| q.name().to_string())
        .collect();
    got.sort();
    assert_eq!(got, ["Dropped Answer", "Premium Billing"]);
}

#[tokio::test]
async fn wrapup_codes_go_in_calls_of_100() {
    let h = start("").await;
    let c = common::client(&h.url());
    let q = c.create_queue(&named("Many Codes"), None).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..150 {
        ids.push(
            c.create_wrapup_code(&format!("Code {i:03}"), None)
                .await
                .unwrap()
                .id,
        );
    }
    assert_eq!(h.stats().await.wrapup_codes.total, 160);
    c.add_queue_wrapup_codes(q.id(), &ids).await.unwrap();
    let s = h.stats().await;
    assert_eq!(
        s.by_route["POST /api/v2/routing/queues/{queueId}/wrapupcodes"],
        2
    );
    let on_queue = c.queue_wrapup_codes(q.id()).await.unwrap();
    assert_eq!(on_queue.len(), 150);
    assert_eq!(on_queue[149].name, "Code 149");

    c.remove_queue_wrapup_code(q.id(), &ids[0]).await.unwrap();
    // Removing it again is not an error: it is not on the queue.
    c.remove_queue_wrapup_code(q.id(), &ids[0]).await.unwrap();
    assert_eq!(c.queue_wrapup_codes(q.id()).await.unwrap().len(), 149);
    let e = c
        .remove_queue_wrapup_code("nope", &ids[1])
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = c
        .add_queue_wrapup_codes(q.id(), &["nope".to_string()])
        .await
        .unwrap_err();
    assert_eq!(e.code.as_deref(), Some("invalid.id"));

    let dup = c.create_wrapup_code("code 000", None).await.unwrap_err();
    assert_eq!(dup.kind, ErrorKind::Conflict);
    let got = c.get_wrapup_code(&ids[5]).await.unwrap();
    assert_eq!(got.name, "Code 005");
}

#[tokio::test]
async fn flows_skill_groups_groups_and_division_moves() {
    let mut seed = queue_org::queue_seed();
    // More skill groups than one page, so the cursor is followed.
    for i in 0..150 {
        seed.skill_groups
            .push(serde_json::from_value(json!({"name": format!("Zone {i:03}")})).unwrap());
    }
    let h = start_with(seed, "").await;
    let c = common::client(&h.url());
    let calls = c.list_flows(&["inqueuecall"]).await.unwrap();
    let names: Vec<&str> = calls.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Standard Hold", "Standard Hold Spanish"]);
    assert!(calls.iter().all(|f| f.kind == "INQUEUECALL"));
    let email = c
        .list_flows(&["INQUEUEEMAIL", "inqueueshortmessage"])
        .await
        .unwrap();
    assert_eq!(email.len(), 2);

    let before = h
        .stats()
        .await
        .by_route
        .get("GET /api/v2/routing/skillgroups")
        .copied()
        .unwrap_or(0);
    let all = c.list_skill_groups(None).await.unwrap();
    assert_eq!(all.len(), 153);
    let pages = h.stats().await.by_route["GET /api/v2/routing/skillgroups"] - before;
    assert_eq!(pages, 2);
    let billing = c.list_skill_groups(Some("billing")).await.unwrap();
    let names: Vec<&str> = billing.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Billing Experts", "Billing Novices"]);

    let groups = c.list_groups().await.unwrap();
    assert_eq!(
        groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["Escalation Team", "Night Shift"]
    );

    let sales = h.with_state(|o| o.division_by_name("Sales").unwrap().id.clone());
    c.move_queues_to_division(&sales, &[PREMIUM.to_string()])
        .await
        .unwrap();
    assert_eq!(
        c.get_queue(PREMIUM).await.unwrap().division_id(),
        Some(sales.as_str())
    );
}

#[tokio::test]
async fn a_settling_queue_answers_not_found() {
    let h = start("queue_lag_ms=600000").await;
    let c = common::client(&h.url());
    let q = c.create_queue(&named("Settling"), None).await.unwrap();
    let code = c.create_wrapup_code("Settling Code", None).await.unwrap();
    let e = c
        .add_queue_wrapup_codes(q.id(), std::slice::from_ref(&code.id))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = c.put_queue(&q).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    // A removal on a settling queue is not mistaken for "already removed".
    let e = c
        .remove_queue_wrapup_code(q.id(), &code.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let e = c
        .add_queue_members(q.id(), &[h.users()[0].id.clone()])
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    // The queue itself is found, by id and by name.
    assert_eq!(c.get_queue(q.id()).await.unwrap().name(), "Settling");
    assert_eq!(c.queues_named("Settling").await.unwrap().len(), 1);
    h.set_faults(FaultSpec::default());
    c.add_queue_wrapup_codes(q.id(), &[code.id]).await.unwrap();
    c.put_queue(&q).await.unwrap();
}
