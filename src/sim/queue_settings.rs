//! A queue's settings as the simulator keeps them: every writable field of the SDK's
//! `CreateQueueRequest` / `QueueRequest` that onboard's queue list can set (docs/contract.md §6),
//! parsed and validated from a request body (or a seed's `settings`), with the defaults a new
//! queue gets, and rendered back in the real `Queue` shape.
//!
//! A `PUT` replaces the whole queue: [`parse_settings`] starts from the defaults, so a field
//! the body leaves out reverts (Terraform #1179). Writable fields the simulator does not
//! interpret (routing rules, scripts, prompts, …) are kept exactly as sent, so the same rule
//! holds for them.

use super::error::{ApiError, ApiResult};
use super::state::Org;
use serde_json::{Map, Value, json};

/// The media types of `QueueMediaSettings`, in the SDK's order.
pub const MEDIA: [&str; 5] = ["call", "callback", "chat", "email", "message"];
/// `AcwSettings.wrapupPrompt` (SDK enum).
pub const WRAPUP_PROMPTS: [&str; 5] = [
    "MANDATORY",
    "OPTIONAL",
    "MANDATORY_TIMEOUT",
    "MANDATORY_FORCED_TIMEOUT",
    "AGENT_REQUESTED",
];
/// Prompts that take no `timeoutMs` (SDK `AcwSettings.md`: a timeout "can only be used when
/// ACW is AGENT_REQUESTED, MANDATORY_TIMEOUT or MANDATORY_FORCED_TIMEOUT").
pub const PROMPTS_WITHOUT_TIMEOUT: [&str; 2] = ["MANDATORY", "OPTIONAL"];
const SKILL_EVALUATION: [&str; 3] = ["NONE", "BEST", "ALL"];
const SCORING: [&str; 2] = ["TimestampAndPriority", "PriorityOnly"];
const LAST_AGENT_ROUTING: [&str; 3] = ["Disabled", "QueueMembersOnly", "AnyAgent"];
/// `MemberGroup.type` (SDK enum).
pub const MEMBER_GROUP_TYPES: [&str; 3] = ["TEAM", "GROUP", "SKILLGROUP"];
/// The flow type each in-queue flow field takes (`Flow.type`, upper case as the API answers).
pub const FLOW_FIELDS: [(&str, &str); 3] = [
    ("queueFlow", "INQUEUECALL"),
    ("emailInQueueFlow", "INQUEUEEMAIL"),
    ("messageInQueueFlow", "INQUEUESHORTMESSAGE"),
];
/// Writable `QueueRequest` fields the simulator keeps as sent without interpreting them.
const KEPT_AS_SENT: [&str; 12] = [
    "routingRules",
    "conditionalGroupRouting",
    "conditionalGroupActivation",
    "whisperPrompt",
    "onHoldPrompt",
    "defaultMediaLanguage",
    "cannedResponseLibraries",
    "agentOwnedRouting",
    "directRouting",
    "defaultScripts",
    "outboundMessagingAddresses",
    "peerId",
];
/// ACW timeout bounds (SDK: "Min: 1 sec, Max: 60 min").
const ACW_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 1_000..=3_600_000;
/// The timeout a timed prompt gets when none is sent (UNVERIFIED; assets/demo/ORG.md).
const DEFAULT_ACW_TIMEOUT_MS: u64 = 30_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Acw {
    pub wrapup_prompt: String,
    pub timeout_ms: Option<u64>,
}

/// One media type's settings; `extra` keeps the other fields of that media as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub alerting_timeout_seconds: u64,
    pub service_level_percentage: f64,
    pub service_level_duration_ms: u64,
    pub enable_auto_answer: bool,
    pub extra: Map<String, Value>,
}

/// A `MemberGroup` reference: `kind` is `SKILLGROUP`, `GROUP` or `TEAM`.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberGroup {
    pub id: String,
    pub kind: String,
}

/// One bullseye ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    /// `(type, threshold)`, e.g. `("TIMEOUT_SECONDS", 15.0)`.
    pub expansion_criteria: Vec<(String, f64)>,
    pub skills_to_remove: Vec<String>,
    pub member_groups: Vec<MemberGroup>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueSettings {
    pub description: Option<String>,
    pub acw: Acw,
    pub skill_evaluation_method: String,
    pub scoring_method: String,
    pub last_agent_routing_mode: String,
    /// In [`MEDIA`] order.
    pub media: Vec<(String, Media)>,
    /// Flow ids by field name of [`FLOW_FIELDS`].
    pub flows: Vec<(String, String)>,
    pub calling_party_name: Option<String>,
    pub calling_party_number: Option<String>,
    pub enable_transcription: bool,
    pub enable_manual_assignment: bool,
    pub enable_audio_monitoring: bool,
    pub suppress_in_queue_call_recording: bool,
    pub auto_answer_only: bool,
    /// `outboundEmailAddress` as `(domain id, route id)`.
    pub outbound_email_address: Option<(String, String)>,
    /// Empty = no bullseye.
    pub bullseye: Vec<Ring>,
    /// Fields of [`KEPT_AS_SENT`], as sent.
    pub kept: Map<String, Value>,
}

fn default_media(kind: &str) -> Media {
    // Email waits longer than live media (UNVERIFIED figures; assets/demo/ORG.md).
    let (alerting, duration) = if kind == "email" {
        (300, 86_400_000)
    } else {
        (8, 20_000)
    };
    Media {
        alerting_timeout_seconds: alerting,
        service_level_percentage: 0.8,
        service_level_duration_ms: duration,
        enable_auto_answer: false,
        extra: Map::new(),
    }
}

impl Default for QueueSettings {
    /// What a queue created with only a name gets (Terraform's schema defaults where it has
    /// them; the rest UNVERIFIED, listed in assets/demo/ORG.md).
    fn default() -> Self {
        QueueSettings {
            description: None,
            acw: Acw {
                wrapup_prompt: "MANDATORY_TIMEOUT".into(),
                timeout_ms: Some(DEFAULT_ACW_TIMEOUT_MS),
            },
            skill_evaluation_method: "ALL".into(),
            scoring_method: "TimestampAndPriority".into(),
            last_agent_routing_mode: "Disabled".into(),
            media: MEDIA
                .iter()
                .map(|m| (m.to_string(), default_media(m)))
                .collect(),
            flows: Vec::new(),
            calling_party_name: None,
            calling_party_number: None,
            enable_transcription: false,
            enable_manual_assignment: false,
            enable_audio_monitoring: false,
            suppress_in_queue_call_recording: true,
            auto_answer_only: true,
            outbound_email_address: None,
            bullseye: Vec::new(),
            kept: Map::new(),
        }
    }
}

impl QueueSettings {
    pub fn flow(&self, field: &str) -> Option<&str> {
        self.flows
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, id)| id.as_str())
    }
    pub fn media(&self, kind: &str) -> Option<&Media> {
        self.media.iter().find(|(k, _)| k == kind).map(|(_, m)| m)
    }
}

// ---- reading a body ------------------------------------------------------------------------

fn wrong(path: &str, what: &str) -> ApiError {
    ApiError::invalid(path, format!("The field '{path}' must be {what}."), None)
}

fn get_str(m: &Map<String, Value>, key: &str, path: &str) -> ApiResult<Option<String>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong(path, "a string")),
    }
}

fn get_bool(m: &Map<String, Value>, key: &str, path: &str) -> ApiResult<Option<bool>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong(path, "true or false")),
    }
}

fn get_u64(m: &Map<String, Value>, key: &str, path: &str) -> ApiResult<Option<u64>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| {
                v.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| wrong(path, "a whole number")),
    }
}

fn get_f64(m: &Map<String, Value>, key: &str, path: &str) -> ApiResult<Option<f64>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or_else(|| wrong(path, "a number")),
    }
}

fn get_obj<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> ApiResult<Option<&'a Map<String, Value>>> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(wrong(path, "an object")),
    }
}

fn get_list<'a>(m: &'a Map<String, Value>, key: &str, path: &str) -> ApiResult<&'a [Value]> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(wrong(path, "a list")),
    }
}

/// The `id` of a `{id, …}` reference; `None` when the field is absent or null.
pub fn ref_id(m: &Map<String, Value>, key: &str) -> ApiResult<Option<String>> {
    match get_obj(m, key, key)? {
        None => Ok(None),
        Some(o) => match get_str(o, "id", &format!("{key}.id"))? {
            Some(id) if !id.trim().is_empty() => Ok(Some(id)),
            _ => Err(ApiError::missing(&format!("{key}.id"))),
        },
    }
}

fn one_of(value: String, allowed: &[&str], path: &str) -> ApiResult<String> {
    if allowed.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(ApiError::invalid(
            path,
            format!(
                "The value '{value}' is not valid for {path}; expected one of {}.",
                allowed.join(", ")
            ),
            None,
        ))
    }
}

fn parse_acw(m: &Map<String, Value>, base: &Acw) -> ApiResult<Acw> {
    let Some(o) = get_obj(m, "acwSettings", "acwSettings")? else {
        return Ok(base.clone());
    };
    let prompt = match get_str(o, "wrapupPrompt", "acwSettings.wrapupPrompt")? {
        Some(p) => one_of(p, &WRAPUP_PROMPTS, "acwSettings.wrapupPrompt")?,
        None => base.wrapup_prompt.clone(),
    };
    let sent = get_u64(o, "timeoutMs", "acwSettings.timeoutMs")?;
    let forbids = PROMPTS_WITHOUT_TIMEOUT.contains(&prompt.as_str());
    let timeout_ms = match sent {
        Some(_) if forbids => {
            return Err(ApiError::invalid(
                "acwSettings.timeoutMs",
                format!("An ACW timeout cannot be used with the wrap-up prompt {prompt}."),
                None,
            ));
        }
        Some(t) if !ACW_TIMEOUT_MS.contains(&t) => {
            return Err(ApiError::invalid(
                "acwSettings.timeoutMs",
                format!("The ACW timeout must be between 1000 and 3600000 ms; got {t}."),
                None,
            ));
        }
        Some(t) => Some(t),
        None if forbids => None,
        None => Some(DEFAULT_ACW_TIMEOUT_MS),
    };
    Ok(Acw {
        wrapup_prompt: prompt,
        timeout_ms,
    })
}

fn parse_media_one(o: &Map<String, Value>, kind: &str, base: &Media) -> ApiResult<Media> {
    let p = |f: &str| format!("mediaSettings.{kind}.{f}");
    let mut m = base.clone();
    if let Some(a) = get_u64(o, "alertingTimeoutSeconds", &p("alertingTimeoutSeconds"))? {
        if a < 7 {
            return Err(ApiError::invalid(
                &p("alertingTimeoutSeconds"),
                format!("The alerting timeout must be at least 7 seconds; got {a}."),
                None,
            ));
        }
        m.alerting_timeout_seconds = a;
    }
    if let Some(sl) = get_obj(o, "serviceLevel", &p("serviceLevel"))? {
        if let Some(pct) = get_f64(sl, "percentage", &p("serviceLevel.percentage"))? {
            if !(0.0..=1.0).contains(&pct) {
                return Err(ApiError::invalid(
                    &p("serviceLevel.percentage"),
                    format!("The service level percentage must be between 0 and 1; got {pct}."),
                    None,
                ));
            }
            m.service_level_percentage = pct;
        }
        if let Some(d) = get_u64(sl, "durationMs", &p("serviceLevel.durationMs"))? {
            if d < 1000 {
                return Err(ApiError::invalid(
                    &p("serviceLevel.durationMs"),
                    format!("The service level target must be at least 1000 ms; got {d}."),
                    None,
                ));
            }
            m.service_level_duration_ms = d;
        }
    }
    if let Some(b) = get_bool(o, "enableAutoAnswer", &p("enableAutoAnswer"))? {
        m.enable_auto_answer = b;
    }
    m.extra = o
        .iter()
        .filter(|(k, v)| {
            !matches!(
                k.as_str(),
                "alertingTimeoutSeconds" | "serviceLevel" | "enableAutoAnswer"
            ) && !v.is_null()
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(m)
}

fn parse_media(m: &Map<String, Value>, base: &QueueSettings) -> ApiResult<Vec<(String, Media)>> {
    let Some(o) = get_obj(m, "mediaSettings", "mediaSettings")? else {
        return Ok(base.media.clone());
    };
    let mut out = Vec::new();
    for kind in MEDIA {
        let fallback = base
            .media(kind)
            .cloned()
            .unwrap_or_else(|| default_media(kind));
        let media = match get_obj(o, kind, &format!("mediaSettings.{kind}"))? {
            Some(one) => parse_media_one(one, kind, &fallback)?,
            None => fallback,
        };
        out.push((kind.to_string(), media));
    }
    Ok(out)
}

/// Flow references: each must name a flow of the field's type (`invalid.id` otherwise).
fn parse_flows(m: &Map<String, Value>, org: &Org) -> ApiResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (field, want) in FLOW_FIELDS {
        let Some(id) = ref_id(m, field)? else {
            continue;
        };
        match org.flow(&id) {
            Some(f) if f.kind == want => out.push((field.to_string(), id)),
            Some(f) => {
                return Err(ApiError::invalid_id(
                    &format!("{field}.id"),
                    format!(
                        "The flow {id} is of type {}; {field} takes a flow of type {want}.",
                        f.kind
                    ),
                    Some(&id),
                ));
            }
            None => {
                return Err(ApiError::invalid_id(
                    &format!("{field}.id"),
                    format!("The flow {id} does not exist."),
                    Some(&id),
                ));
            }
        }
    }
    Ok(out)
}

/// `memberGroups` (or a ring's): each `{id, type}` must name an existing group of that type.
pub fn parse_member_groups(
    m: &Map<String, Value>,
    key: &str,
    org: &Org,
) -> ApiResult<Vec<MemberGroup>> {
    let mut out: Vec<MemberGroup> = Vec::new();
    for (i, v) in get_list(m, key, key)?.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let o = v.as_object().ok_or_else(|| wrong(&path, "an object"))?;
        let id = get_str(o, "id", &format!("{path}.id"))?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| ApiError::missing(&format!("{path}.id")))?;
        let kind = get_str(o, "type", &format!("{path}.type"))?
            .ok_or_else(|| ApiError::missing(&format!("{path}.type")))?;
        let kind = one_of(kind, &MEMBER_GROUP_TYPES, &format!("{path}.type"))?;
        let exists = match kind.as_str() {
            "SKILLGROUP" => org.skill_group(&id).is_some(),
            "GROUP" => org.group(&id).is_some(),
            _ => false, // the simulator has no teams
        };
        if !exists {
            return Err(ApiError::invalid_id(
                &format!("{path}.id"),
                format!("The {kind} {id} does not exist."),
                Some(&id),
            ));
        }
        if !out.iter().any(|g| g.id == id) {
            out.push(MemberGroup { id, kind });
        }
    }
    Ok(out)
}

fn parse_bullseye(m: &Map<String, Value>, org: &Org) -> ApiResult<Vec<Ring>> {
    let Some(b) = get_obj(m, "bullseye", "bullseye")? else {
        return Ok(Vec::new());
    };
    let mut rings = Vec::new();
    for (i, r) in get_list(b, "rings", "bullseye.rings")?.iter().enumerate() {
        let path = format!("bullseye.rings[{i}]");
        let r = r.as_object().ok_or_else(|| wrong(&path, "an object"))?;
        let mut criteria = Vec::new();
        let crit_path = format!("{path}.expansionCriteria");
        for c in get_list(r, "expansionCriteria", &crit_path)? {
            let c = c
                .as_object()
                .ok_or_else(|| wrong(&crit_path, "a list of objects"))?;
            let kind = get_str(c, "type", &format!("{crit_path}.type"))?
                .unwrap_or_else(|| "TIMEOUT_SECONDS".into());
            let kind = one_of(kind, &["TIMEOUT_SECONDS"], &format!("{crit_path}.type"))?;
            let t = get_f64(c, "threshold", &format!("{crit_path}.threshold"))?.unwrap_or(0.0);
            criteria.push((kind, t));
        }
        let mut skills = Vec::new();
        if let Some(a) = get_obj(r, "actions", &format!("{path}.actions"))? {
            let sp = format!("{path}.actions.skillsToRemove");
            for s in get_list(a, "skillsToRemove", &sp)? {
                let id = s
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::missing(&format!("{sp}.id")))?;
                if org.skill(id).is_none() {
                    return Err(ApiError::invalid_id(
                        &format!("{sp}.id"),
                        format!("The skill {id} does not exist."),
                        Some(id),
                    ));
                }
                skills.push(id.to_string());
            }
        }
        let groups =
            parse_member_groups(r, "memberGroups", org).map_err(|e| prefix_field(e, &path))?;
        rings.push(Ring {
            expansion_criteria: criteria,
            skills_to_remove: skills,
            member_groups: groups,
        });
    }
    Ok(rings)
}

fn prefix_field(mut e: ApiError, prefix: &str) -> ApiError {
    for d in &mut e.details {
        if let Some(f) = d.get("fieldName").and_then(Value::as_str) {
            d["fieldName"] = json!(format!("{prefix}.{f}"));
        }
    }
    e
}

fn parse_email_address(m: &Map<String, Value>) -> ApiResult<Option<(String, String)>> {
    let Some(o) = get_obj(m, "outboundEmailAddress", "outboundEmailAddress")? else {
        return Ok(None);
    };
    let domain = ref_id(o, "domain").map_err(|e| prefix_field(e, "outboundEmailAddress"))?;
    let route = ref_id(o, "route").map_err(|e| prefix_field(e, "outboundEmailAddress"))?;
    match (domain, route) {
        (Some(d), Some(r)) => Ok(Some((d, r))),
        (None, _) => Err(ApiError::missing("outboundEmailAddress.domain.id")),
        (_, None) => Err(ApiError::missing("outboundEmailAddress.route.id")),
    }
}

/// The settings a body describes. Fields it leaves out take `base`'s value: the defaults for
/// a create or a `PUT` (whole replacement), the source queue's for `sourceQueueId`.
pub fn parse_settings(
    m: &Map<String, Value>,
    base: &QueueSettings,
    org: &Org,
) -> ApiResult<QueueSettings> {
    let text = |key: &str, fallback: &Option<String>| -> ApiResult<Option<String>> {
        Ok(match m.contains_key(key) {
            true => get_str(m, key, key)?,
            false => fallback.clone(),
        })
    };
    let choice = |key: &str, allowed: &[&str], fallback: &str| -> ApiResult<String> {
        match get_str(m, key, key)? {
            Some(v) => one_of(v, allowed, key),
            None => Ok(fallback.to_string()),
        }
    };
    let flag = |key: &str, fallback: bool| -> ApiResult<bool> {
        Ok(get_bool(m, key, key)?.unwrap_or(fallback))
    };
    let flows = match FLOW_FIELDS.iter().any(|(f, _)| m.contains_key(*f)) {
        true => parse_flows(m, org)?,
        false => base.flows.clone(),
    };
    Ok(QueueSettings {
        description: text("description", &base.description)?,
        acw: parse_acw(m, &base.acw)?,
        skill_evaluation_method: choice(
            "skillEvaluationMethod",
            &SKILL_EVALUATION,
            &base.skill_evaluation_method,
        )?,
        scoring_method: choice("scoringMethod", &SCORING, &base.scoring_method)?,
        last_agent_routing_mode: choice(
            "lastAgentRoutingMode",
            &LAST_AGENT_ROUTING,
            &base.last_agent_routing_mode,
        )?,
        media: parse_media(m, base)?,
        flows,
        calling_party_name: text("callingPartyName", &base.calling_party_name)?,
        calling_party_number: text("callingPartyNumber", &base.calling_party_number)?,
        enable_transcription: flag("enableTranscription", base.enable_transcription)?,
        enable_manual_assignment: flag("enableManualAssignment", base.enable_manual_assignment)?,
        enable_audio_monitoring: flag("enableAudioMonitoring", base.enable_audio_monitoring)?,
        suppress_in_queue_call_recording: flag(
            "suppressInQueueCallRecording",
            base.suppress_in_queue_call_recording,
        )?,
        auto_answer_only: flag("autoAnswerOnly", base.auto_answer_only)?,
        outbound_email_address: match m.contains_key("outboundEmailAddress") {
            true => parse_email_address(m)?,
            false => base.outbound_email_address.clone(),
        },
        bullseye: match m.contains_key("bullseye") {
            true => parse_bullseye(m, org)?,
            false => base.bullseye.clone(),
        },
        kept: {
            let mut k = base.kept.clone();
            for key in KEPT_AS_SENT {
                match m.get(key) {
                    Some(Value::Null) => {
                        k.remove(key);
                    }
                    Some(v) => {
                        k.insert(key.to_string(), v.clone());
                    }
                    None => {}
                }
            }
            k
        },
    })
}

// ---- writing the real shape ----------------------------------------------------------------

pub fn member_group_json(org: &Org, g: &MemberGroup) -> Value {
    let (name, uri, division, count) = match g.kind.as_str() {
        "SKILLGROUP" => match org.skill_group(&g.id) {
            Some(sg) => (
                sg.name.as_str(),
                format!("/api/v2/routing/skillgroups/{}", g.id),
                Some(sg.division_id.as_str()),
                0,
            ),
            None => ("", String::new(), None, 0),
        },
        "GROUP" => (
            org.group(&g.id).map(|x| x.name.as_str()).unwrap_or(""),
            format!("/api/v2/groups/{}", g.id),
            None,
            0,
        ),
        _ => ("", format!("/api/v2/teams/{}", g.id), None, 0),
    };
    let mut v =
        json!({"id": g.id, "name": name, "type": g.kind, "memberCount": count, "selfUri": uri});
    if let Some(d) = division {
        v["division"] = super::routes::division_ref(org, d);
    }
    v
}

fn media_json(m: &Media) -> Value {
    let mut v = Map::new();
    v.insert(
        "alertingTimeoutSeconds".into(),
        json!(m.alerting_timeout_seconds),
    );
    v.insert(
        "serviceLevel".into(),
        json!({"percentage": m.service_level_percentage, "durationMs": m.service_level_duration_ms}),
    );
    v.insert("enableAutoAnswer".into(), json!(m.enable_auto_answer));
    for (k, x) in &m.extra {
        v.insert(k.clone(), x.clone());
    }
    Value::Object(v)
}

fn ring_json(org: &Org, r: &Ring) -> Value {
    let criteria: Vec<Value> = r
        .expansion_criteria
        .iter()
        .map(|(t, x)| json!({"type": t, "threshold": x}))
        .collect();
    let skills: Vec<Value> = r
        .skills_to_remove
        .iter()
        .map(|id| {
            let name = org.skill(id).map(|s| s.name.as_str()).unwrap_or("");
            json!({"id": id, "name": name, "selfUri": format!("/api/v2/routing/skills/{id}")})
        })
        .collect();
    let mut v = json!({"expansionCriteria": criteria, "actions": {"skillsToRemove": skills}});
    if !r.member_groups.is_empty() {
        v["memberGroups"] = json!(
            r.member_groups
                .iter()
                .map(|g| member_group_json(org, g))
                .collect::<Vec<_>>()
        );
    }
    v
}

/// Writes the settings into a `Queue` body (the caller adds id, name, division, counts, …).
pub fn write_settings(org: &Org, s: &QueueSettings, v: &mut Map<String, Value>) {
    if let Some(d) = &s.description {
        v.insert("description".into(), json!(d));
    }
    let media: Map<String, Value> = s
        .media
        .iter()
        .map(|(k, m)| (k.clone(), media_json(m)))
        .collect();
    v.insert("mediaSettings".into(), Value::Object(media));
    if !s.bullseye.is_empty() {
        let rings: Vec<Value> = s.bullseye.iter().map(|r| ring_json(org, r)).collect();
        v.insert("bullseye".into(), json!({"rings": rings}));
    }
    let mut acw = json!({"wrapupPrompt": s.acw.wrapup_prompt});
    if let Some(t) = s.acw.timeout_ms {
        acw["timeoutMs"] = json!(t);
    }
    v.insert("acwSettings".into(), acw);
    v.insert(
        "skillEvaluationMethod".into(),
        json!(s.skill_evaluation_method),
    );
    v.insert("scoringMethod".into(), json!(s.scoring_method));
    v.insert(
        "lastAgentRoutingMode".into(),
        json!(s.last_agent_routing_mode),
    );
    for (field, id) in &s.flows {
        let name = org.flow(id).map(|f| f.name.as_str()).unwrap_or("");
        v.insert(
            field.clone(),
            json!({"id": id, "name": name, "selfUri": format!("/api/v2/flows/{id}")}),
        );
    }
    v.insert("autoAnswerOnly".into(), json!(s.auto_answer_only));
    v.insert("enableTranscription".into(), json!(s.enable_transcription));
    v.insert(
        "enableAudioMonitoring".into(),
        json!(s.enable_audio_monitoring),
    );
    v.insert(
        "enableManualAssignment".into(),
        json!(s.enable_manual_assignment),
    );
    if let Some(n) = &s.calling_party_name {
        v.insert("callingPartyName".into(), json!(n));
    }
    if let Some(n) = &s.calling_party_number {
        v.insert("callingPartyNumber".into(), json!(n));
    }
    if let Some((d, r)) = &s.outbound_email_address {
        v.insert(
            "outboundEmailAddress".into(),
            json!({
                "domain": {"id": d, "selfUri": format!("/api/v2/routing/email/domains/{d}")},
                "route": {"id": r, "selfUri": format!("/api/v2/routing/email/domains/{d}/routes/{r}")},
            }),
        );
    }
    v.insert(
        "suppressInQueueCallRecording".into(),
        json!(s.suppress_in_queue_call_recording),
    );
    for (k, x) in &s.kept {
        v.insert(k.clone(), x.clone());
    }
}

/// The settings as a seed's `settings` object (what `--state` saves): a body that
/// [`parse_settings`] reads back to the same settings.
pub fn settings_seed_json(org: &Org, s: &QueueSettings) -> Map<String, Value> {
    let mut v = Map::new();
    write_settings(org, s, &mut v);
    v
}
