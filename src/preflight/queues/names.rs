//! A queue row's names resolved against the org: the queue itself (existing or new), its
//! division, `copy_from`, wrap-up codes, in-queue flows (by type), skill groups, groups,
//! required skills and members. Each name that is not found says so with the nearest name;
//! a name two objects share is `ambiguous_name`.

use super::coverage::{Member, People};
use super::{Cx, QueueCheckOptions, QueueOrg};
use crate::genesys::queues::MemberGroupRef;
use crate::ingest::queues::FlowSlot;
use crate::model::{FindingCode, OrgSnapshot, Severity};
use crate::preflight::message::{hint, not_in_org};
use crate::preflight::org::suggest;
use std::collections::BTreeMap;

/// What a row's names resolve to (ids; `None` / absent when not given or not found).
#[derive(Debug, Clone, Default)]
pub(super) struct Resolved {
    /// Index into `QueueOrg::queues` of the queue of this name.
    pub existing: Option<usize>,
    pub division_id: Option<String>,
    pub copy_from_id: Option<String>,
    pub wrapup_ids: Vec<String>,
    /// Wrap-up code names that will be created (`--create-missing wrapup_codes`).
    pub wrapups_to_create: Vec<String>,
    pub flow_ids: BTreeMap<FlowSlot, String>,
    pub member_groups: Vec<MemberGroupRef>,
    pub required_skill_ids: Vec<String>,
    /// Members with the email the row gave.
    pub members: Vec<(String, Member)>,
}

/// One name looked up among `(id, name)` pairs, case-insensitively.
enum Found<'a> {
    One(&'a str),
    Many(usize),
    /// Not found; the nearest name, if one is close.
    None(Option<String>),
}

fn find<'a>(items: &[(&'a str, &'a str)], name: &str) -> Found<'a> {
    let hits: Vec<&str> = items
        .iter()
        .filter(|(_, n)| n.trim().eq_ignore_ascii_case(name.trim()))
        .map(|(id, _)| *id)
        .collect();
    match hits.as_slice() {
        [one] => Found::One(one),
        [] => Found::None(suggest(name, items.iter().map(|(_, n)| *n))),
        many => Found::Many(many.len()),
    }
}

/// Resolves one name; reports it when it is missing (`code`) or shared (`ambiguous_name`).
fn resolve_one<'a>(
    cx: &mut Cx,
    column: &str,
    what: &str,
    code: FindingCode,
    items: &[(&'a str, &'a str)],
    name: &str,
) -> Option<&'a str> {
    match find(items, name) {
        Found::One(id) => Some(id),
        Found::Many(n) => {
            cx.push(
                Some(column),
                FindingCode::AmbiguousName,
                format!("{n} {what}s are named '{name}'; rename all but one in the org, then check again"),
            );
            None
        }
        Found::None(s) => {
            let h = hint(s.as_deref(), || {
                format!("; create the {what} first or fix the name")
            });
            cx.push_with(
                Some(column),
                code,
                code.severity(),
                not_in_org(what, name, &h),
                s,
            );
            None
        }
    }
}

pub(super) fn resolve(
    cx: &mut Cx,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
    people: &People,
    options: &QueueCheckOptions,
) -> Resolved {
    let row = cx.row;
    let mut r = Resolved::default();
    let queues: Vec<(&str, &str)> = org.queues.iter().map(|q| (q.id(), q.name())).collect();
    if !row.name.is_empty() {
        match find(&queues, &row.name) {
            Found::One(id) => r.existing = org.queues.iter().position(|q| q.id() == id),
            Found::Many(n) => cx.push(
                Some("name"),
                FindingCode::AmbiguousName,
                format!(
                    "{n} queues are named '{}' in the org; rename all but one, then check again",
                    row.name
                ),
            ),
            Found::None(_) => {}
        }
    }
    if let Some(d) = &row.division {
        let divisions: Vec<(&str, &str)> = snapshot
            .divisions
            .iter()
            .map(|d| (d.id.as_str(), d.name.as_str()))
            .collect();
        r.division_id = resolve_one(
            cx,
            "division",
            "division",
            FindingCode::UnknownDivision,
            &divisions,
            d,
        )
        .map(str::to_string);
    }
    if let Some(c) = &row.copy_from {
        r.copy_from_id = resolve_one(
            cx,
            "copy_from",
            "queue",
            FindingCode::UnknownQueue,
            &queues,
            c,
        )
        .map(str::to_string);
    }
    wrapups(cx, org, options, &mut r);
    flows(cx, org, &mut r);
    let groups: Vec<(&str, &str)> = org
        .skill_groups
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str()))
        .collect();
    for g in &row.skill_groups {
        if let Some(id) = resolve_one(
            cx,
            "skill_groups",
            "skill group",
            FindingCode::UnknownSkillGroup,
            &groups,
            g,
        ) {
            r.member_groups.push(MemberGroupRef {
                id: id.to_string(),
                kind: "SKILLGROUP".into(),
            });
        }
    }
    let groups: Vec<(&str, &str)> = org
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.name.as_str()))
        .collect();
    for g in &row.groups {
        if let Some(id) = resolve_one(cx, "groups", "group", FindingCode::UnknownGroup, &groups, g)
        {
            r.member_groups.push(MemberGroupRef {
                id: id.to_string(),
                kind: "GROUP".into(),
            });
        }
    }
    let skills: Vec<(&str, &str)> = snapshot
        .skills
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    for s in &row.required_skills {
        if let Some(id) = resolve_one(
            cx,
            "required_skills",
            "skill",
            FindingCode::UnknownSkill,
            &skills,
            s,
        ) {
            r.required_skill_ids.push(id.to_string());
        }
    }
    for email in &row.members {
        match people.find(email) {
            Some(m) => r.members.push((email.clone(), m)),
            None => cx.push(
                Some("members"),
                FindingCode::UnknownMember,
                format!(
                    "member '{email}' is neither a user in the org nor a row of the hire list; fix the email or add the person to the hire list"
                ),
            ),
        }
    }
    r
}

/// Wrap-up codes: found, or (with `--create-missing wrapup_codes`) to be created.
fn wrapups(cx: &mut Cx, org: &QueueOrg, options: &QueueCheckOptions, r: &mut Resolved) {
    let codes: Vec<(&str, &str)> = org
        .wrapup_codes
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    for name in &cx.row.wrapup_codes {
        match find(&codes, name) {
            Found::One(id) => r.wrapup_ids.push(id.to_string()),
            Found::Many(n) => cx.push(
                Some("wrapup_codes"),
                FindingCode::AmbiguousName,
                format!("{n} wrap-up codes are named '{name}'; rename all but one in the org, then check again"),
            ),
            Found::None(s) if options.create_missing_wrapup_codes => {
                let near = s
                    .as_deref()
                    .map(|s| format!(" (the nearest existing code is '{s}')"))
                    .unwrap_or_default();
                cx.push_with(
                    Some("wrapup_codes"),
                    FindingCode::UnknownWrapupCode,
                    Severity::Warning,
                    format!("wrap-up code '{name}' will be created (--create-missing wrapup_codes){near}"),
                    s,
                );
                r.wrapups_to_create.push(name.clone());
            }
            Found::None(s) => {
                let h = hint(s.as_deref(), || {
                    "; fix the name, or run apply with --create-missing wrapup_codes".into()
                });
                cx.push_with(
                    Some("wrapup_codes"),
                    FindingCode::UnknownWrapupCode,
                    Severity::Error,
                    not_in_org("wrap-up code", name, &h),
                    s,
                );
            }
        }
    }
}

/// In-queue flows: a flow of the slot's type, else `flow_type_mismatch` when the name
/// exists with another type, else `unknown_flow`.
fn flows(cx: &mut Cx, org: &QueueOrg, r: &mut Resolved) {
    for (slot, name) in &cx.row.flows {
        let column = slot.column().name();
        let typed: Vec<(&str, &str)> = org
            .flows
            .iter()
            .filter(|f| f.kind.eq_ignore_ascii_case(slot.flow_type()))
            .map(|f| (f.id.as_str(), f.name.as_str()))
            .collect();
        match find(&typed, name) {
            Found::One(id) => {
                r.flow_ids.insert(*slot, id.to_string());
            }
            Found::Many(n) => cx.push(
                Some(&column),
                FindingCode::AmbiguousName,
                format!("{n} {} flows are named '{name}'; rename all but one in Architect, then check again", slot.flow_type().to_lowercase()),
            ),
            Found::None(s) => {
                let other = org
                    .flows
                    .iter()
                    .find(|f| f.name.trim().eq_ignore_ascii_case(name.trim()));
                match other {
                    Some(f) => cx.push(
                        Some(&column),
                        FindingCode::FlowTypeMismatch,
                        format!(
                            "flow '{name}' is of type {}, but {column} takes an {} flow; name an {} flow",
                            f.kind.to_lowercase(),
                            slot.flow_type().to_lowercase(),
                            slot.flow_type().to_lowercase()
                        ),
                    ),
                    None => {
                        let h = hint(s.as_deref(), || {
                            format!("; publish an {} flow of that name first or fix the name", slot.flow_type().to_lowercase())
                        });
                        cx.push_with(
                            Some(&column),
                            FindingCode::UnknownFlow,
                            Severity::Error,
                            not_in_org("flow", name, &h),
                            s,
                        );
                    }
                }
            }
        }
    }
}
