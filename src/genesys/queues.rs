//! Queues (the README's "Queue rows"): create, read (by id, by exact name, by ids), the whole-object
//! `PUT`, delete; a queue's wrap-up codes; creating wrap-up codes; moving queues between
//! divisions.
//!
//! A queue is read into a [`QueueObject`] that keeps the API's JSON object whole, and an update
//! overlays only the fields it changes before the `PUT`: the API replaces the whole queue and
//! has no `version` (Terraform #1179), so a field this client does not model must go back
//! exactly as it was read.

use super::client::{Client, Req, Safety, seg};
use super::dto::{IdOnly, NamedDto};
use super::error::{ApiError, ErrorKind};
use super::pagination::PAGE_SIZE;
use crate::model::Named;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Wrap-up codes per `POST /routing/queues/{id}/wrapupcodes` ("Add up to 100").
pub const WRAPUPS_PER_CALL: usize = 100;
/// Queue ids per `GET /routing/queues?id=…`.
pub const QUEUE_IDS_PER_GET: usize = 100;
/// Queue ids per division move.
const MOVES_PER_CALL: usize = 100;
/// ACW prompts that take no timeout (SDK `AcwSettings.md`).
const PROMPTS_WITHOUT_TIMEOUT: [&str; 2] = ["MANDATORY", "OPTIONAL"];

/// A queue exactly as the API answered it (every field, known or not).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QueueObject(Map<String, Value>);

impl QueueObject {
    pub fn from_json(object: Map<String, Value>) -> Self {
        QueueObject(object)
    }
    pub fn json(&self) -> &Map<String, Value> {
        &self.0
    }
    pub fn into_json(self) -> Map<String, Value> {
        self.0
    }
    fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }
    pub fn id(&self) -> &str {
        self.text("id").unwrap_or("")
    }
    pub fn name(&self) -> &str {
        self.text("name").unwrap_or("")
    }
    pub fn division_id(&self) -> Option<&str> {
        self.0.get("division")?.get("id")?.as_str()
    }
    /// `dateModified`: the API has no version, so this is how a change since a read shows.
    pub fn date_modified(&self) -> Option<&str> {
        self.text("dateModified")
    }
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }
    /// Lays `changes` over the object: each field they set replaces the one read, objects
    /// merge key by key (so `mediaSettings.call.alertingTimeoutSeconds` keeps the call's other
    /// settings), and everything they do not mention stays byte for byte.
    pub fn overlay(&mut self, changes: &QueueSettings) {
        if let Ok(Value::Object(c)) = serde_json::to_value(changes) {
            merge(&mut self.0, c);
        }
        // A prompt that forbids a timeout cannot keep the one read (the API refuses both).
        if let Some(Value::Object(acw)) = self.0.get_mut("acwSettings") {
            let forbids = acw
                .get("wrapupPrompt")
                .and_then(Value::as_str)
                .is_some_and(|p| PROMPTS_WITHOUT_TIMEOUT.contains(&p));
            if forbids {
                acw.remove("timeoutMs");
            }
        }
    }
    /// Removes a field (e.g. `queueFlow` to unset the in-queue flow).
    pub fn clear(&mut self, field: &str) {
        self.0.remove(field);
    }
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// `{id}` references (division, flows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdRef {
    pub id: String,
}

impl IdRef {
    pub fn new(id: impl Into<String>) -> Self {
        IdRef { id: id.into() }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AcwSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrapup_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceLevel {
    /// 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// One media type's settings (`call`, `callback`, `chat`, `email`, `message`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaSetting {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerting_timeout_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_level: Option<ServiceLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_auto_answer: Option<bool>,
}

/// `MemberGroup` reference: `kind` is `SKILLGROUP`, `GROUP` or `TEAM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberGroupRef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// The queue fields onboard sets (docs/contract.md §6) in `CreateQueueRequest` names; `None`
/// = not set. The body of a create, and the changes [`QueueObject::overlay`] lays over a read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acw_settings: Option<AcwSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill_evaluation_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_agent_routing_mode: Option<String>,
    /// By media type name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_settings: Option<BTreeMap<String, MediaSetting>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_flow: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_in_queue_flow: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_in_queue_flow: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calling_party_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calling_party_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_transcription: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_manual_assignment: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppress_in_queue_call_recording: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_groups: Option<Vec<MemberGroupRef>>,
}

/// `CreateQueueRequest`: the settings plus `sourceQueueId`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateQueue<'a> {
    #[serde(flatten)]
    settings: &'a QueueSettings,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_queue_id: Option<&'a str>,
}

#[derive(Serialize)]
struct NewWrapup<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    division: Option<IdRef>,
}

fn named(v: Vec<NamedDto>) -> Vec<Named> {
    v.into_iter()
        .map(|n| Named {
            id: n.id,
            name: n.name,
        })
        .collect()
}

fn queue_path(id: &str) -> String {
    format!("/api/v2/routing/queues/{}", seg(id))
}

impl Client {
    /// `POST /api/v2/routing/queues`. Never repeated blindly: a timeout, dropped connection or
    /// 5xx is [`ErrorKind::OutcomeUnknown`] — look the name up ([`Client::queues_named`])
    /// before anything else. A name in use is [`ErrorKind::Conflict`] (409; the real status is
    /// UNVERIFIED, a 400 naming the name is possible too).
    pub async fn create_queue(
        &self,
        settings: &QueueSettings,
        source_queue_id: Option<&str>,
    ) -> Result<QueueObject, ApiError> {
        let body = CreateQueue {
            settings,
            source_queue_id,
        };
        let r = Req::new(
            Method::POST,
            "/api/v2/routing/queues",
            "/api/v2/routing/queues".into(),
        )
        .json(&body)?;
        self.call(r).await
    }

    /// `GET /api/v2/routing/queues/{queueId}`.
    pub async fn get_queue(&self, id: &str) -> Result<QueueObject, ApiError> {
        self.call(Req::get("/api/v2/routing/queues/{queueId}", queue_path(id)))
            .await
    }

    /// `PUT /api/v2/routing/queues/{queueId}` with the whole object (read it with
    /// [`Client::get_queue`], [`QueueObject::overlay`] the changes, then put it). Never send a
    /// partial body: every field left out reverts to its default.
    pub async fn put_queue(&self, queue: &QueueObject) -> Result<QueueObject, ApiError> {
        let r = Req::new(
            Method::PUT,
            "/api/v2/routing/queues/{queueId}",
            queue_path(queue.id()),
        )
        .json(queue)?;
        self.call(r).await
    }

    /// Read, overlay `changes`, write the whole object back.
    pub async fn update_queue(
        &self,
        id: &str,
        changes: &QueueSettings,
    ) -> Result<QueueObject, ApiError> {
        let mut q = self.get_queue(id).await?;
        q.overlay(changes);
        self.put_queue(&q).await
    }

    /// `DELETE /api/v2/routing/queues/{queueId}`. A retried delete that finds the queue gone
    /// has done its work.
    pub async fn delete_queue(&self, id: &str) -> Result<(), ApiError> {
        let r = Req::new(
            Method::DELETE,
            "/api/v2/routing/queues/{queueId}",
            queue_path(id),
        );
        match self.call_unit(r).await {
            Err(e) if e.kind == ErrorKind::NotFound && e.attempts > 1 => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Queues whose name equals `name` (case-insensitive), from
    /// `GET /api/v2/routing/queues?name=`. More than one means the name is ambiguous.
    pub async fn queues_named(&self, name: &str) -> Result<Vec<QueueObject>, ApiError> {
        let r = Req::get("/api/v2/routing/queues", "/api/v2/routing/queues".into()).q("name", name);
        let all: Vec<QueueObject> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(all
            .into_iter()
            .filter(|q| q.name().eq_ignore_ascii_case(name))
            .collect())
    }

    /// `GET /api/v2/routing/queues?id=…`, [`QUEUE_IDS_PER_GET`] ids a call; queues that do not
    /// exist are absent.
    pub async fn get_queues_by_ids(&self, ids: &[String]) -> Result<Vec<QueueObject>, ApiError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(QUEUE_IDS_PER_GET) {
            let mut r = Req::get("/api/v2/routing/queues", "/api/v2/routing/queues".into());
            for id in chunk {
                r = r.q("id", id);
            }
            out.extend(self.all_pages::<QueueObject>(r, chunk.len() as u32).await?);
        }
        Ok(out)
    }

    /// Every queue, whole (`GET /api/v2/routing/queues`, every page).
    pub async fn list_queue_objects(&self) -> Result<Vec<QueueObject>, ApiError> {
        let r = Req::get("/api/v2/routing/queues", "/api/v2/routing/queues".into());
        self.all_pages(r, PAGE_SIZE).await
    }

    /// `GET /api/v2/routing/queues/{queueId}/wrapupcodes`, every page (≤100 each).
    pub async fn queue_wrapup_codes(&self, queue_id: &str) -> Result<Vec<Named>, ApiError> {
        let r = Req::get(
            "/api/v2/routing/queues/{queueId}/wrapupcodes",
            format!("{}/wrapupcodes", queue_path(queue_id)),
        );
        Ok(named(self.all_pages(r, WRAPUPS_PER_CALL as u32).await?))
    }

    /// `POST /api/v2/routing/queues/{queueId}/wrapupcodes`, [`WRAPUPS_PER_CALL`] a call.
    /// Adding a code the queue has changes nothing, so a retry is safe.
    pub async fn add_queue_wrapup_codes(
        &self,
        queue_id: &str,
        code_ids: &[String],
    ) -> Result<(), ApiError> {
        for chunk in code_ids.chunks(WRAPUPS_PER_CALL) {
            let body: Vec<IdOnly> = chunk.iter().map(|id| IdOnly { id: id.clone() }).collect();
            let r = Req::new(
                Method::POST,
                "/api/v2/routing/queues/{queueId}/wrapupcodes",
                format!("{}/wrapupcodes", queue_path(queue_id)),
            )
            .json(&body)?
            .safety(Safety::Idempotent);
            self.call_unit(r).await?;
        }
        Ok(())
    }

    /// `DELETE /api/v2/routing/queues/{queueId}/wrapupcodes/{codeId}`. A code that is not
    /// (or no longer) on the queue is already removed: `Ok`. A 404 is told apart by listing
    /// the queue's codes: a queue that cannot be found (or is still settling) stays an error.
    pub async fn remove_queue_wrapup_code(
        &self,
        queue_id: &str,
        code_id: &str,
    ) -> Result<(), ApiError> {
        let r = Req::new(
            Method::DELETE,
            "/api/v2/routing/queues/{queueId}/wrapupcodes/{codeId}",
            format!("{}/wrapupcodes/{}", queue_path(queue_id), seg(code_id)),
        );
        match self.call_unit(r).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind == ErrorKind::NotFound => {
                let codes = self.queue_wrapup_codes(queue_id).await?;
                if codes.iter().any(|c| c.id == code_id) {
                    Err(e)
                } else {
                    Ok(())
                }
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v2/routing/wrapupcodes`. Not repeated blindly (an unanswered create is
    /// [`ErrorKind::OutcomeUnknown`]: list the codes by name before trying again); a name in
    /// use is [`ErrorKind::Conflict`].
    pub async fn create_wrapup_code(
        &self,
        name: &str,
        division_id: Option<&str>,
    ) -> Result<Named, ApiError> {
        let body = NewWrapup {
            name,
            division: division_id.map(IdRef::new),
        };
        let r = Req::new(
            Method::POST,
            "/api/v2/routing/wrapupcodes",
            "/api/v2/routing/wrapupcodes".into(),
        )
        .json(&body)?;
        let n: NamedDto = self.call(r).await?;
        Ok(Named {
            id: n.id,
            name: n.name,
        })
    }

    /// `GET /api/v2/routing/wrapupcodes/{codeId}`.
    pub async fn get_wrapup_code(&self, id: &str) -> Result<Named, ApiError> {
        let n: NamedDto = self
            .call(Req::get(
                "/api/v2/routing/wrapupcodes/{codeId}",
                format!("/api/v2/routing/wrapupcodes/{}", seg(id)),
            ))
            .await?;
        Ok(Named {
            id: n.id,
            name: n.name,
        })
    }

    /// `POST /api/v2/authorization/divisions/{divisionId}/objects/QUEUE`, 100 ids a call.
    pub async fn move_queues_to_division(
        &self,
        division_id: &str,
        queue_ids: &[String],
    ) -> Result<(), ApiError> {
        for chunk in queue_ids.chunks(MOVES_PER_CALL) {
            let r = Req::new(
                Method::POST,
                "/api/v2/authorization/divisions/{divisionId}/objects/QUEUE",
                format!(
                    "/api/v2/authorization/divisions/{}/objects/QUEUE",
                    seg(division_id)
                ),
            )
            .json(chunk)?
            .safety(Safety::Idempotent);
            self.call_unit(r).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overlay_changes_only_what_it_names() {
        let read = json!({
            "id": "q1", "name": "Billing", "description": "old",
            "acwSettings": {"wrapupPrompt": "MANDATORY_TIMEOUT", "timeoutMs": 30000},
            "mediaSettings": {"call": {"alertingTimeoutSeconds": 8, "autoAnswerAlertToneSeconds": 1.5}},
            "outboundEmailAddress": {"domain": {"id": "d"}, "route": {"id": "r"}},
            "somethingNew": {"deep": [1, 2.50, "x"]}
        });
        let Value::Object(m) = read.clone() else {
            panic!()
        };
        let mut q = QueueObject::from_json(m);
        let mut media = BTreeMap::new();
        media.insert(
            "call".to_string(),
            MediaSetting {
                alerting_timeout_seconds: Some(12),
                ..Default::default()
            },
        );
        q.overlay(&QueueSettings {
            description: Some("new".into()),
            media_settings: Some(media),
            acw_settings: Some(AcwSettings {
                wrapup_prompt: Some("OPTIONAL".into()),
                timeout_ms: None,
            }),
            ..Default::default()
        });
        let mut want = read;
        want["description"] = json!("new");
        want["mediaSettings"]["call"]["alertingTimeoutSeconds"] = json!(12);
        want["acwSettings"] = json!({"wrapupPrompt": "OPTIONAL"});
        assert_eq!(Value::Object(q.json().clone()), want);
        // Serialized back, the unknown field is the same text.
        let text = serde_json::to_string(&q).unwrap_or_default();
        assert!(
            text.contains(r#""somethingNew":{"deep":[1,2.5,"x"]}"#),
            "{text}"
        );
    }
}
