//! The queue side of the simulated org: flows, skill groups and groups, each queue's settings,
//! wrap-up codes and member groups — from the seed (validated by the same rules as the API),
//! back to a seed for `--state`, and the lookups and stamps the queue routes use.

use super::SimError;
use super::queue_settings::{self, MemberGroup, parse_member_groups, parse_settings};
use super::seed::{
    Seed, SeedFlow, SeedGrant, SeedGroup, SeedMemberGroup, SeedQueue, SeedSkillGroup,
};
use super::state::{Org, Queue, Wrapup};
use serde_json::{Map, Value, json};

/// `dateCreated` / `dateModified` of seeded objects without one.
pub const SEED_DATE: &str = "2026-01-05T09:00:00.000Z";

/// `Flow.type` values (SDK enum); the API answers them upper case and takes `?type=` lower case.
pub const FLOW_TYPES: [&str; 21] = [
    "BOT",
    "BUSINESSPROCESS",
    "COMMONMODULE",
    "DIGITALBOT",
    "EMAILSEND",
    "INBOUNDCALL",
    "INBOUNDCHAT",
    "INBOUNDEMAIL",
    "INBOUNDSHORTMESSAGE",
    "INQUEUECALL",
    "INQUEUEEMAIL",
    "INQUEUESHORTMESSAGE",
    "OUTBOUNDCALL",
    "SECURECALL",
    "SPEECH",
    "SURVEYINVITE",
    "VOICE",
    "VOICEMAIL",
    "VOICESURVEY",
    "WORKFLOW",
    "WORKITEM",
];

#[derive(Debug, Clone)]
pub struct Flow {
    pub id: String,
    pub name: String,
    /// Upper case, one of [`FLOW_TYPES`].
    pub kind: String,
    pub division_id: String,
}

/// A group: members (user ids) and the role grants they inherit (role id, division id).
/// Group grants are not the members' own: `bulkreplace` and friends never touch them.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub member_ids: Vec<String>,
    pub grants: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct SkillGroup {
    pub id: String,
    pub name: String,
    pub division_id: String,
    pub description: Option<String>,
}

impl Org {
    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }
    pub fn skill_group(&self, id: &str) -> Option<&SkillGroup> {
        self.skill_groups.iter().find(|g| g.id == id)
    }
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }
    pub fn group_by_name_mut(&mut self, name: &str) -> Option<&mut Group> {
        self.groups.iter_mut().find(|g| g.name == name)
    }
    /// The groups `user_id` is a member of.
    pub fn groups_of<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups
            .iter()
            .filter(move |g| g.member_ids.iter().any(|m| m == user_id))
    }
    /// Users who are members of `q` through a GROUP member group, in group order, each once.
    pub fn group_members_of(&self, q: &Queue) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for mg in q.member_groups.iter().filter(|g| g.kind == "GROUP") {
            for m in self
                .group(&mg.id)
                .map(|g| g.member_ids.as_slice())
                .unwrap_or(&[])
            {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
        out
    }
    pub fn wrapup(&self, id: &str) -> Option<&Wrapup> {
        self.wrapups.iter().find(|w| w.id == id)
    }
    /// A queue other than `except` whose name equals `name` (case-insensitive).
    pub fn queue_named(&self, name: &str, except: Option<&str>) -> Option<&Queue> {
        self.queues
            .iter()
            .find(|q| q.name.eq_ignore_ascii_case(name) && Some(q.id.as_str()) != except)
    }
    /// Queue names held by more than one queue (case-insensitive); the API forbids it, so
    /// this stays 0 unless the simulator has a bug.
    pub fn duplicate_queue_names(&self) -> u64 {
        let mut seen = std::collections::HashSet::new();
        self.queues
            .iter()
            .filter(|q| !seen.insert(q.name.to_lowercase()))
            .count() as u64
    }
    /// A new `dateModified`: now, and always later than the previous stamp.
    pub fn next_stamp(&mut self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        self.last_stamp_ms = now.max(self.last_stamp_ms + 1);
        iso_utc(self.last_stamp_ms)
    }
}

/// `2026-12-01T19:40:00.123Z` for unix milliseconds (civil-from-days, proleptic Gregorian).
pub fn iso_utc(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

fn id_of(id: &Option<String>, next_id: &mut dyn FnMut(&str) -> String, kind: &str) -> String {
    match id {
        Some(id) if !id.is_empty() => id.clone(),
        _ => next_id(kind),
    }
}

fn division_of(org: &Org, id: &Option<String>, what: &str) -> Result<String, SimError> {
    match id {
        None => Ok(org.home_division().id.clone()),
        Some(d) if org.division(d).is_some() => Ok(d.clone()),
        Some(d) => Err(SimError::Seed(format!("{what} names unknown division {d}"))),
    }
}

/// Adds the seed's flows, skill groups and groups, then each queue's settings, wrap-up codes
/// and member groups (`org.queues` are in seed order).
pub fn load(
    org: &mut Org,
    seed: &Seed,
    next_id: &mut dyn FnMut(&str) -> String,
) -> Result<(), SimError> {
    for f in &seed.flows {
        let kind = f.r#type.to_uppercase();
        if !FLOW_TYPES.contains(&kind.as_str()) {
            return Err(SimError::Seed(format!(
                "flow {} has unknown type {} (e.g. inqueuecall, inqueueemail, inqueueshortmessage, inboundcall)",
                f.name, f.r#type
            )));
        }
        let flow = Flow {
            id: id_of(&f.id, next_id, "flow"),
            name: f.name.clone(),
            kind,
            division_id: division_of(org, &f.division_id, &format!("flow {}", f.name))?,
        };
        org.flows.push(flow);
    }
    for g in &seed.skill_groups {
        let sg = SkillGroup {
            id: id_of(&g.id, next_id, "skillgroup"),
            name: g.name.clone(),
            division_id: division_of(org, &g.division_id, &format!("skill group {}", g.name))?,
            description: g.description.clone(),
        };
        org.skill_groups.push(sg);
    }
    for g in &seed.groups {
        let group = group_from_seed(org, g, next_id)?;
        org.groups.push(group);
    }
    for (i, sq) in seed.queues.iter().enumerate() {
        let (settings, dates) = queue_settings_from_seed(org, sq)?;
        let groups = member_groups_from_seed(org, sq)?;
        for w in &sq.wrapup_code_ids {
            if org.wrapup(w).is_none() {
                return Err(SimError::Seed(format!(
                    "queue {} names unknown wrap-up code {w}",
                    sq.name
                )));
            }
        }
        let q = &mut org.queues[i];
        q.settings = settings;
        q.member_groups = groups;
        q.wrapup_ids.clear();
        for w in &sq.wrapup_code_ids {
            if !q.wrapup_ids.contains(w) {
                q.wrapup_ids.push(w.clone());
            }
        }
        if let Some(d) = dates.0 {
            q.date_created = d;
        }
        if let Some(d) = dates.1 {
            q.date_modified = d;
        }
        q.modified_by = dates.2;
    }
    Ok(())
}

type SeedDates = (Option<String>, Option<String>, Option<String>);

fn queue_settings_from_seed(
    org: &Org,
    sq: &SeedQueue,
) -> Result<(queue_settings::QueueSettings, SeedDates), SimError> {
    let Some(m) = &sq.settings else {
        return Ok((Default::default(), (None, None, None)));
    };
    let settings = parse_settings(m, &Default::default(), org)
        .map_err(|e| SimError::Seed(format!("queue {}: settings: {}", sq.name, e.message)))?;
    let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
    Ok((
        settings,
        (
            text("dateCreated"),
            text("dateModified"),
            text("modifiedBy"),
        ),
    ))
}

/// A seed group, its members known users and its grants known roles and divisions.
fn group_from_seed(
    org: &Org,
    g: &SeedGroup,
    next_id: &mut dyn FnMut(&str) -> String,
) -> Result<Group, SimError> {
    for m in &g.member_ids {
        if org.user(m).is_none() {
            return Err(SimError::Seed(format!(
                "group {} names unknown member {m} (memberIds are user ids)",
                g.name
            )));
        }
    }
    let mut grants = Vec::new();
    for gr in &g.grants {
        if org.role(&gr.role_id).is_none() {
            return Err(SimError::Seed(format!(
                "group {} names unknown role {}",
                g.name, gr.role_id
            )));
        }
        let d = match &gr.division_id {
            Some(d) => division_of(org, &Some(d.clone()), &format!("group {}", g.name))?,
            None => org.home_division().id.clone(),
        };
        grants.push((gr.role_id.clone(), d));
    }
    Ok(Group {
        id: id_of(&g.id, next_id, "group"),
        name: g.name.clone(),
        member_ids: g.member_ids.clone(),
        grants,
    })
}

fn member_groups_from_seed(org: &Org, sq: &SeedQueue) -> Result<Vec<MemberGroup>, SimError> {
    let list: Vec<Value> = sq
        .member_groups
        .iter()
        .map(|g| json!({"id": g.id, "type": g.r#type}))
        .collect();
    let mut m = Map::new();
    m.insert("memberGroups".into(), Value::Array(list));
    parse_member_groups(&m, "memberGroups", org)
        .map_err(|e| SimError::Seed(format!("queue {}: memberGroups: {}", sq.name, e.message)))
}

/// A queue as the seed stores it (what `--state` saves).
pub fn queue_to_seed(org: &Org, q: &Queue) -> SeedQueue {
    let mut settings = queue_settings::settings_seed_json(org, &q.settings);
    settings.insert("dateCreated".into(), json!(q.date_created));
    settings.insert("dateModified".into(), json!(q.date_modified));
    if let Some(m) = &q.modified_by {
        settings.insert("modifiedBy".into(), json!(m));
    }
    SeedQueue {
        id: Some(q.id.clone()),
        name: q.name.clone(),
        division_id: Some(q.division_id.clone()),
        member_limit: q.member_limit,
        settings: Some(settings),
        wrapup_code_ids: q.wrapup_ids.clone(),
        member_groups: q
            .member_groups
            .iter()
            .map(|g| SeedMemberGroup {
                id: g.id.clone(),
                r#type: g.kind.clone(),
            })
            .collect(),
    }
}

pub fn flows_to_seed(flows: &[Flow]) -> Vec<SeedFlow> {
    flows
        .iter()
        .map(|f| SeedFlow {
            id: Some(f.id.clone()),
            name: f.name.clone(),
            r#type: f.kind.to_lowercase(),
            division_id: Some(f.division_id.clone()),
        })
        .collect()
}

pub fn groups_to_seed(groups: &[Group]) -> Vec<SeedGroup> {
    groups
        .iter()
        .map(|g| SeedGroup {
            id: Some(g.id.clone()),
            name: g.name.clone(),
            member_ids: g.member_ids.clone(),
            grants: g
                .grants
                .iter()
                .map(|(r, d)| SeedGrant {
                    role_id: r.clone(),
                    division_id: Some(d.clone()),
                })
                .collect(),
        })
        .collect()
}

pub fn skill_groups_to_seed(groups: &[SkillGroup]) -> Vec<SeedSkillGroup> {
    groups
        .iter()
        .map(|g| SeedSkillGroup {
            id: Some(g.id.clone()),
            name: g.name.clone(),
            division_id: Some(g.division_id.clone()),
            description: g.description.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_utc_formats_known_instants() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(1_767_603_600_000), "2026-01-05T09:00:00.000Z");
        assert_eq!(iso_utc(951_782_400_123), "2000-02-29T00:00:00.123Z");
    }
}
