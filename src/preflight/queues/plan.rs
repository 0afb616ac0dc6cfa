//! A queue row's plan: create, update (with the diff of settings, wrap-up codes, members and
//! member groups), unchanged, or blocked; and the warnings an existing queue gets
//! (`existing_queue`, `queue_division_move`).
//!
//! The settings diff is the real update's: the row's settings laid over the queue as read
//! ([`QueueObject::overlay`]), compared field by field with what was read.

use super::coverage::Member;
use super::names::Resolved;
use super::{Cx, QueueCheckOptions, QueueOrg};
use crate::genesys::queues::{
    AcwSettings, IdRef, MediaSetting, MemberGroupRef, QueueObject, QueueSettings, ServiceLevel,
};
use crate::ingest::queues::{FlowSlot, QueueRow};
use crate::model::{FindingCode, OrgSnapshot};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueAction {
    Create,
    Update,
    Unchanged,
    Blocked,
}

/// What a run changes on one queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueueDiff {
    /// Settings that change, as `field: before → after` (JSON values).
    pub settings: Vec<String>,
    pub wrapup_codes_add: Vec<String>,
    /// Only with `--replace wrapup_codes`.
    pub wrapup_codes_remove: Vec<String>,
    /// Emails of members to add.
    pub members_add: Vec<String>,
    /// Member groups to add (`SKILLGROUP:name` / `GROUP:name`).
    pub member_groups_add: Vec<String>,
    /// Set when the queue moves to another division (the division's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub division_move: Option<String>,
}

impl QueueDiff {
    pub fn is_empty(&self) -> bool {
        *self == QueueDiff::default()
    }
}

/// One queue row's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuePlanRow {
    pub row: usize,
    pub line: usize,
    pub name: String,
    pub action: QueueAction,
    /// The existing queue's id (update / unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    pub diff: QueueDiff,
    /// What a run needs besides the diff (ids resolved from the org); not part of the JSON.
    #[serde(skip)]
    pub run: QueueRunData,
}

/// A queue row's work in ids, for the engine (`engine::queues`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueRunData {
    /// The create body (create), or the changes laid over a fresh read (update); `None` on an
    /// update whose settings do not change (no `PUT`).
    pub settings: Option<QueueSettings>,
    pub copy_from_id: Option<String>,
    /// The division an existing queue moves to.
    pub division_move: Option<String>,
    /// Ids of existing wrap-up codes to add.
    pub wrapups_add: Vec<String>,
    /// Names of wrap-up codes to create first (`--create-missing wrapup_codes`), then add.
    pub wrapups_create: Vec<String>,
    /// Ids of codes to remove (`--replace wrapup_codes`).
    pub wrapups_remove: Vec<String>,
    /// Existing users to add as members (ids).
    pub member_ids: Vec<String>,
    /// Hire-list rows (lower-cased emails) that join the queue through the hire list's
    /// queue membership groups.
    pub member_hires: Vec<String>,
}

/// The settings a row sets, in API names, with ids resolved. `division` is left out for an
/// existing queue (a move is its own step); member groups are the row's.
pub fn desired_settings(
    row: &QueueRow,
    division_id: Option<&str>,
    flow_ids: &BTreeMap<FlowSlot, String>,
    member_groups: &[MemberGroupRef],
) -> QueueSettings {
    let acw = (row.acw.is_some() || row.acw_timeout_s.is_some()).then(|| AcwSettings {
        wrapup_prompt: row.acw.map(str::to_string),
        timeout_ms: row.acw_timeout_s.map(|s| s * 1000),
    });
    let media: BTreeMap<String, MediaSetting> = row
        .media
        .iter()
        .map(|(m, c)| {
            let sl = (c.sl_pct.is_some() || c.sl_ms.is_some()).then(|| ServiceLevel {
                percentage: c.sl_pct.map(|p| p / 100.0),
                duration_ms: c.sl_ms,
            });
            let setting = MediaSetting {
                alerting_timeout_seconds: c.alert_s,
                service_level: sl,
                enable_auto_answer: c.auto_answer,
            };
            (m.as_str().to_string(), setting)
        })
        .collect();
    let flow = |s: FlowSlot| flow_ids.get(&s).map(IdRef::new);
    QueueSettings {
        name: Some(row.name.clone()),
        division: division_id.map(IdRef::new),
        description: row.description.clone(),
        acw_settings: acw,
        skill_evaluation_method: row.skill_evaluation.map(str::to_string),
        scoring_method: row.scoring.map(str::to_string),
        last_agent_routing_mode: row.last_agent_routing.map(str::to_string),
        media_settings: (!media.is_empty()).then_some(media),
        queue_flow: flow(FlowSlot::Call),
        email_in_queue_flow: flow(FlowSlot::Email),
        message_in_queue_flow: flow(FlowSlot::Message),
        calling_party_name: row.calling_party_name.clone(),
        calling_party_number: row.calling_party_number.clone(),
        enable_transcription: row.enable_transcription,
        enable_manual_assignment: row.enable_manual_assignment,
        suppress_in_queue_call_recording: row.suppress_in_queue_call_recording,
        member_groups: (!member_groups.is_empty()).then(|| member_groups.to_vec()),
    }
}

/// Member groups after a merge: the queue's, then the row's it lacks.
fn merged_groups(existing: &QueueObject, wanted: &[MemberGroupRef]) -> Vec<MemberGroupRef> {
    let mut out: Vec<MemberGroupRef> = existing
        .get("memberGroups")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|g| {
                    Some(MemberGroupRef {
                        id: g.get("id")?.as_str()?.to_string(),
                        kind: g.get("type")?.as_str()?.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    for g in wanted {
        if !out.iter().any(|o| o.id == g.id) {
            out.push(g.clone());
        }
    }
    out
}

/// A queue row's plan: create, update (with its diff), unchanged, or blocked by an error.
pub(super) fn plan_row(
    cx: &mut Cx,
    r: &Resolved,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
    options: &QueueCheckOptions,
) -> QueuePlanRow {
    let row = cx.row;
    let existing = r.existing.and_then(|i| org.queues.get(i));
    let (action, diff, run) = match existing {
        None => {
            let (diff, run) = plan_create(row, r, snapshot, org);
            (QueueAction::Create, diff, run)
        }
        Some(q) => plan_update(cx, q, r, snapshot, org, options),
    };
    QueuePlanRow {
        row: row.row,
        line: row.line,
        name: row.name.clone(),
        action: if cx.has_error() {
            QueueAction::Blocked
        } else {
            action
        },
        queue_id: existing.map(|q| q.id().to_string()),
        diff,
        run,
    }
}

/// A member group as the diff shows it: `KIND:name` (the id when the org has no name).
fn group_label(org: &QueueOrg, g: &MemberGroupRef) -> String {
    let name = match g.kind.as_str() {
        "SKILLGROUP" => org
            .skill_groups
            .iter()
            .find(|x| x.id == g.id)
            .map(|x| x.name.clone()),
        _ => org
            .groups
            .iter()
            .find(|x| x.id == g.id)
            .map(|x| x.name.clone()),
    };
    format!("{}:{}", g.kind, name.unwrap_or_else(|| g.id.clone()))
}

/// A new queue: everything the row names is added.
fn plan_create(
    row: &QueueRow,
    r: &Resolved,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
) -> (QueueDiff, QueueRunData) {
    let mut diff = QueueDiff::default();
    let mut run = QueueRunData::default();
    diff.wrapup_codes_add = row.wrapup_codes.clone();
    diff.members_add = r.members.iter().map(|(e, _)| e.clone()).collect();
    diff.member_groups_add = r
        .member_groups
        .iter()
        .map(|g| group_label(org, g))
        .collect();
    run.settings = Some(desired_settings(
        row,
        r.division_id.as_deref(),
        &r.flow_ids,
        &r.member_groups,
    ));
    run.copy_from_id = r.copy_from_id.clone();
    run.wrapups_add = r.wrapup_ids.clone();
    run.wrapups_create = r.wrapups_to_create.clone();
    members_to_run(&mut run, &r.members, |_| true, snapshot);
    (diff, run)
}

/// An existing queue: the row's settings laid over it as read, and what that changes.
fn plan_update(
    cx: &mut Cx,
    q: &QueueObject,
    r: &Resolved,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
    options: &QueueCheckOptions,
) -> (QueueAction, QueueDiff, QueueRunData) {
    let row = cx.row;
    let mut diff = QueueDiff::default();
    let mut run = QueueRunData::default();
    let groups = merged_groups(q, &r.member_groups);
    let wanted = desired_settings(row, None, &r.flow_ids, &groups);
    let mut after = q.clone();
    after.overlay(&wanted);
    if after != *q {
        run.settings = Some(wanted.clone());
    }
    for (k, v) in after.json() {
        let before = q.get(k);
        if before != Some(v) && k != "memberGroups" {
            let b = before.map_or("(none)".to_string(), |b| b.to_string());
            diff.settings.push(format!("{k}: {b} → {v}"));
        }
    }
    let has_group = |g: &MemberGroupRef| {
        q.get("memberGroups")
            .and_then(|v| v.as_array())
            .is_some_and(|a| {
                a.iter()
                    .any(|x| x.get("id").and_then(|i| i.as_str()) == Some(g.id.as_str()))
            })
    };
    diff.member_groups_add = r
        .member_groups
        .iter()
        .filter(|g| !has_group(g))
        .map(|g| group_label(org, g))
        .collect();
    wrapup_changes(q, r, org, options, row, &mut diff, &mut run);
    // A user already in the queue is not added again; a hire row is (the row may be a new
    // user, or an existing one the run will add).
    let not_in_queue = |m: &Member| match m {
        Member::User(i) => !snapshot
            .users
            .get(*i)
            .is_some_and(|u| u.queue_ids.iter().any(|id| &**id == q.id())),
        Member::Hire(_) => true,
    };
    diff.members_add = r
        .members
        .iter()
        .filter(|(_, m)| not_in_queue(m))
        .map(|(e, _)| e.clone())
        .collect();
    members_to_run(&mut run, &r.members, not_in_queue, snapshot);
    if let Some(d) = &r.division_id
        && q.division_id() != Some(d.as_str())
    {
        diff.division_move = Some(d.clone());
        run.division_move = Some(d.clone());
        cx.push(
            Some("division"),
            FindingCode::QueueDivisionMove,
            format!(
                "queue '{}' exists in another division; a move to the row's division is planned",
                row.name
            ),
        );
    }
    if diff.is_empty() {
        return (QueueAction::Unchanged, diff, run);
    }
    cx.push(
        Some("name"),
        FindingCode::ExistingQueue,
        format!(
            "queue '{}' exists; it will be updated as the plan's diff shows",
            row.name
        ),
    );
    (QueueAction::Update, diff, run)
}

/// Wrap-up codes an existing queue gains, and with `--replace wrapup_codes` those it loses.
fn wrapup_changes(
    q: &QueueObject,
    r: &Resolved,
    org: &QueueOrg,
    options: &QueueCheckOptions,
    row: &QueueRow,
    diff: &mut QueueDiff,
    run: &mut QueueRunData,
) {
    let current = org
        .queue_wrapup_codes
        .get(q.id())
        .cloned()
        .unwrap_or_default();
    diff.wrapup_codes_add = row
        .wrapup_codes
        .iter()
        .filter(|c| !current.iter().any(|x| x.name.eq_ignore_ascii_case(c)))
        .cloned()
        .collect();
    run.wrapups_add = r
        .wrapup_ids
        .iter()
        .filter(|id| !current.iter().any(|x| &x.id == *id))
        .cloned()
        .collect();
    run.wrapups_create = r.wrapups_to_create.clone();
    if !options.replace_wrapup_codes || row.wrapup_codes.is_empty() {
        return;
    }
    let extra: Vec<_> = current
        .iter()
        .filter(|x| {
            !row.wrapup_codes
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&x.name))
        })
        .collect();
    run.wrapups_remove = extra.iter().map(|x| x.id.clone()).collect();
    diff.wrapup_codes_remove = extra.iter().map(|x| x.name.clone()).collect();
}

/// The members a run adds: existing users by id, hire rows by email (they join through the
/// hire list's membership groups).
fn members_to_run(
    run: &mut QueueRunData,
    members: &[(String, Member)],
    wanted: impl Fn(&Member) -> bool,
    snapshot: &OrgSnapshot,
) {
    for (email, m) in members.iter().filter(|(_, m)| wanted(m)) {
        match m {
            Member::User(i) => {
                if let Some(u) = snapshot.users.get(*i) {
                    run.member_ids.push(u.id.to_string());
                }
            }
            Member::Hire(_) => run.member_hires.push(email.to_lowercase()),
        }
    }
}
