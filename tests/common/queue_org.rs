//! The demo org plus what queue tests name: flows of each in-queue type (and one of another
//! type), skill groups, groups, and "Premium Billing", a queue whose settings are all away from
//! the defaults (calling party, outbound email address, bullseye, a kept routing rule, …).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use onboard::sim::Seed;
use serde_json::{Value, json};

pub const CALL_FLOW: &str = "0f1c0000-0000-4000-8000-000000000001";
pub const EMAIL_FLOW: &str = "0f1c0000-0000-4000-8000-000000000002";
pub const MESSAGE_FLOW: &str = "0f1c0000-0000-4000-8000-000000000003";
pub const INBOUND_FLOW: &str = "0f1c0000-0000-4000-8000-000000000004";
pub const BILLING_EXPERTS: &str = "5c1e0000-0000-4000-8000-000000000001";
pub const NIGHT_SHIFT: &str = "6a0b0000-0000-4000-8000-000000000001";
pub const PREMIUM: &str = "9b1e0000-0000-4000-8000-000000000001";

pub fn wrapup_id(seed: &Seed, name: &str) -> String {
    seed.wrapup_codes
        .iter()
        .find(|w| w.name == name)
        .and_then(|w| w.id.clone())
        .unwrap()
}

pub fn skill_id(seed: &Seed, name: &str) -> String {
    seed.skills
        .iter()
        .find(|w| w.name == name)
        .and_then(|w| w.id.clone())
        .unwrap()
}

/// Settings of "Premium Billing", in the API's shape.
pub fn premium_settings(seed: &Seed) -> Value {
    json!({
        "description": "Billing for premium customers",
        "acwSettings": {"wrapupPrompt": "MANDATORY_FORCED_TIMEOUT", "timeoutMs": 45000},
        "skillEvaluationMethod": "BEST",
        "scoringMethod": "PriorityOnly",
        "lastAgentRoutingMode": "QueueMembersOnly",
        "mediaSettings": {
            "call": {"alertingTimeoutSeconds": 12, "serviceLevel": {"percentage": 0.9, "durationMs": 15000},
                     "enableAutoAnswer": true, "autoAnswerAlertToneSeconds": 1.5},
            "email": {"alertingTimeoutSeconds": 600, "serviceLevel": {"percentage": 0.5, "durationMs": 3600000}}
        },
        "queueFlow": {"id": CALL_FLOW},
        "emailInQueueFlow": {"id": EMAIL_FLOW},
        "callingPartyName": "Acme Billing",
        "callingPartyNumber": "+13175550999",
        "enableTranscription": true,
        "enableManualAssignment": true,
        "suppressInQueueCallRecording": false,
        "outboundEmailAddress": {"domain": {"id": "acme.mypurecloud.com"}, "route": {"id": "7e3a0000-0000-4000-8000-000000000001"}},
        "bullseye": {"rings": [
            {"expansionCriteria": [{"type": "TIMEOUT_SECONDS", "threshold": 15.0}],
             "actions": {"skillsToRemove": [{"id": skill_id(seed, "Billing")}]},
             "memberGroups": [{"id": BILLING_EXPERTS, "type": "SKILLGROUP"}]},
            {"expansionCriteria": [{"type": "TIMEOUT_SECONDS", "threshold": 30.0}]}
        ]},
        "routingRules": [{"operator": "MEETS_THRESHOLD", "threshold": 9, "waitSeconds": 5.0}]
    })
}

/// The demo seed with the queue side filled in.
pub fn queue_seed() -> Seed {
    let mut seed = Seed::demo();
    seed.flows = serde_json::from_value(json!([
        {"id": CALL_FLOW, "name": "Standard Hold", "type": "inqueuecall"},
        {"id": EMAIL_FLOW, "name": "Email Hold", "type": "inqueueemail"},
        {"id": MESSAGE_FLOW, "name": "SMS Hold", "type": "inqueueshortmessage"},
        {"id": INBOUND_FLOW, "name": "Main Menu", "type": "inboundcall"},
        {"name": "Standard Hold Spanish", "type": "INQUEUECALL"}
    ]))
    .unwrap();
    seed.skill_groups = serde_json::from_value(json!([
        {"id": BILLING_EXPERTS, "name": "Billing Experts"},
        {"name": "Billing Novices"},
        {"name": "Spanish Speakers", "divisionId": seed.divisions[1].id}
    ]))
    .unwrap();
    seed.groups = serde_json::from_value(json!([
        {"id": NIGHT_SHIFT, "name": "Night Shift"},
        {"name": "Escalation Team"}
    ]))
    .unwrap();
    let settings = premium_settings(&seed);
    let queue = json!({
        "id": PREMIUM, "name": "Premium Billing", "divisionId": seed.divisions[3].id,
        "settings": settings,
        "wrapupCodeIds": [wrapup_id(&seed, "Resolved"), wrapup_id(&seed, "Escalated")],
        "memberGroups": [{"id": BILLING_EXPERTS, "type": "SKILLGROUP"}, {"id": NIGHT_SHIFT, "type": "GROUP"}]
    });
    seed.queues.push(serde_json::from_value(queue).unwrap());
    seed
}
