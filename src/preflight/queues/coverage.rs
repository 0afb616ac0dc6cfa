//! Whether a queue can be answered after the plan: someone holds a required skill
//! (`skill_not_covered`), it has members or member groups (`queue_unstaffed`), a mandatory
//! wrap-up prompt has codes to choose from (`wrapup_mandatory_without_codes`), the members
//! fit the org's limit (`queue_member_limit`) and can see the queue's division
//! (`division_mismatch`).

use super::names::Resolved;
use super::{Cx, QueueOrg};
use crate::model::{ExistingUser, Field, FindingCode, HireList, OrgSnapshot};
use std::collections::HashMap;

/// A queue member: an existing user (index into `OrgSnapshot::users`) or a hire-list row
/// (index into `HireList::rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    User(usize),
    Hire(usize),
}

/// Everyone a queue row may name as a member: the org's users the snapshot holds (any
/// state) and the hire list's rows, by lower-cased email, with the skills they will hold.
pub(super) struct People<'a> {
    by_email: HashMap<String, Member>,
    snapshot: &'a OrgSnapshot,
    hires: Option<&'a HireList>,
}

impl<'a> People<'a> {
    pub fn new(hires: Option<&'a HireList>, snapshot: &'a OrgSnapshot) -> Self {
        let mut by_email = HashMap::new();
        for (i, u) in snapshot.users.iter().enumerate() {
            by_email.insert(u.email.to_lowercase(), Member::User(i));
        }
        // A hire row is who the person will be after this run: it wins over the org's user.
        if let Some(list) = hires {
            for (i, row) in list.rows.iter().enumerate() {
                let email = list.cell(row, Field::Email).to_lowercase();
                if !email.is_empty() {
                    by_email.insert(email, Member::Hire(i));
                }
            }
        }
        People {
            by_email,
            snapshot,
            hires,
        }
    }

    pub fn find(&self, email: &str) -> Option<Member> {
        self.by_email.get(&email.to_lowercase()).copied()
    }

    fn user(&self, m: Member) -> Option<&ExistingUser> {
        match m {
            Member::User(i) => self.snapshot.users.get(i).map(|u| &**u),
            Member::Hire(_) => None,
        }
    }

    /// Whether the member will hold the skill (by id): an existing user's skills, or the
    /// skill names of the hire row resolved through the snapshot.
    fn holds_skill(&self, m: Member, skill_id: &str) -> bool {
        match m {
            Member::User(_) => self
                .user(m)
                .is_some_and(|u| u.skills.iter().any(|s| &*s.id == skill_id)),
            Member::Hire(i) => {
                let Some((list, row)) = self.hires.and_then(|l| Some((l, l.rows.get(i)?))) else {
                    return false;
                };
                let Some(name) = self
                    .snapshot
                    .skills
                    .iter()
                    .find(|s| s.id == skill_id)
                    .map(|s| s.name.as_str())
                else {
                    return false;
                };
                crate::preflight::rules::split_list(list.cell(row, Field::Skills)).any(|item| {
                    let n = item.rsplit_once(':').map_or(item, |(n, _)| n);
                    n.trim().eq_ignore_ascii_case(name)
                })
            }
        }
    }
}

pub(super) fn check(
    cx: &mut Cx,
    r: &Resolved,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
    people: &People,
) {
    let row = cx.row;
    let existing = r.existing.and_then(|i| org.queues.get(i));
    let q = &row.name;
    // skill_not_covered
    let method = row.skill_evaluation.map(str::to_string).or_else(|| {
        existing
            .and_then(|e| e.get("skillEvaluationMethod")?.as_str())
            .map(str::to_string)
    });
    let evaluates = matches!(method.as_deref(), Some("BEST" | "ALL"));
    if evaluates && !r.required_skill_ids.is_empty() {
        let covered = r
            .required_skill_ids
            .iter()
            .any(|s| r.members.iter().any(|(_, m)| people.holds_skill(*m, s)));
        if !covered {
            cx.push(
                Some("required_skills"),
                FindingCode::SkillNotCovered,
                format!(
                    "queue '{q}' evaluates skills, but none of its planned members holds {}; add a member who does, or give a member the skill in the hire list",
                    row.required_skills.join(" or ")
                ),
            );
        }
    }
    // queue_unstaffed
    let existing_groups = existing
        .and_then(|e| e.get("memberGroups")?.as_array().map(Vec::len))
        .unwrap_or(0);
    let existing_members = existing
        .and_then(|e| e.get("memberCount")?.as_u64())
        .or_else(|| {
            let id = existing?.id();
            snapshot
                .queues
                .iter()
                .find(|x| x.id == id)?
                .member_count
                .map(u64::from)
        })
        .unwrap_or(0);
    if r.members.is_empty()
        && r.member_groups.is_empty()
        && row.members.is_empty()
        && existing_groups == 0
        && existing_members == 0
    {
        cx.push(
            Some("members"),
            FindingCode::QueueUnstaffed,
            format!("queue '{q}' will have no members and no member groups; nobody will answer it — add members, skill_groups or groups"),
        );
    }
    // wrapup_mandatory_without_codes
    let prompt = row.acw.map(str::to_string).or_else(|| {
        existing
            .and_then(|e| e.get("acwSettings")?.get("wrapupPrompt")?.as_str())
            .map(str::to_string)
    });
    let existing_codes = existing
        .and_then(|e| org.queue_wrapup_codes.get(e.id()))
        .map_or(0, Vec::len);
    let codes = row.wrapup_codes.len() + existing_codes;
    if prompt
        .as_deref()
        .is_some_and(|p| p.starts_with("MANDATORY"))
        && codes == 0
    {
        cx.push(
            Some("wrapup_codes"),
            FindingCode::WrapupMandatoryWithoutCodes,
            format!(
                "queue '{q}' has a mandatory wrap-up prompt but no wrap-up codes; agents cannot finish wrap-up — add wrapup_codes or make acw OPTIONAL"
            ),
        );
    }
    // queue_member_limit
    if let Some(limit) = org.member_limit {
        let planned = existing_members + r.members.len() as u64;
        if planned > u64::from(limit) {
            cx.push(
                Some("members"),
                FindingCode::QueueMemberLimit,
                format!("queue '{q}' would have {planned} members, over the org's limit of {limit}; split the members across queues or use member groups"),
            );
        }
    }
    // division_mismatch: existing users only (a hire row's grants are made by this run).
    let division = r
        .division_id
        .clone()
        .or_else(|| existing.and_then(|e| e.division_id()).map(str::to_string))
        .or_else(|| {
            snapshot
                .divisions
                .iter()
                .find(|d| d.home)
                .map(|d| d.id.clone())
        });
    if let Some(division) = division {
        for (_, m) in &r.members {
            let Some(u) = people.user(*m) else { continue };
            let sees = u
                .grants
                .iter()
                .any(|g| *g.division_id == *division || &*g.division_id == "*");
            if !u.grants.is_empty() && !sees {
                cx.push(
                    Some("members"),
                    FindingCode::DivisionMismatch,
                    format!(
                        "member '{}' holds no role in queue '{q}''s division; they join but will not see it — grant them a role there",
                        u.email
                    ),
                );
            }
        }
    }
}
