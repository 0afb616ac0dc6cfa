//! Whether a queue can be answered after the plan: someone holds a required skill
//! (`skill_not_covered`), it has members or member groups (`queue_unstaffed`), a mandatory
//! wrap-up prompt has codes to choose from (`wrapup_mandatory_without_codes`), the members
//! fit the org's limit (`queue_member_limit`) and can see the queue's division
//! (`division_mismatch`).

use super::names::Resolved;
use super::{Cx, QueueOrg};
use crate::genesys::queues::QueueObject;
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

/// The warnings about who will answer the queue: skill coverage, staffing, mandatory
/// wrap-up without codes, the member limit, and members who will not see it.
pub(super) fn check(
    cx: &mut Cx,
    r: &Resolved,
    snapshot: &OrgSnapshot,
    org: &QueueOrg,
    people: &People,
) {
    let existing = r.existing.and_then(|i| org.queues.get(i));
    let existing_members = existing_member_count(existing, snapshot);
    skill_not_covered(cx, r, existing, people);
    unstaffed(cx, r, existing, existing_members);
    wrapup_mandatory_without_codes(cx, existing, org);
    member_limit(cx, r, org, existing_members);
    members_division(cx, r, existing, snapshot, people);
}

/// `skill_not_covered`: the queue evaluates skills and no planned member holds one.
fn skill_not_covered(cx: &mut Cx, r: &Resolved, existing: Option<&QueueObject>, people: &People) {
    let row = cx.row;
    let method = row.skill_evaluation.map(str::to_string).or_else(|| {
        existing
            .and_then(|e| e.get("skillEvaluationMethod")?.as_str())
            .map(str::to_string)
    });
    let evaluates = matches!(method.as_deref(), Some("BEST" | "ALL"));
    if !evaluates || r.required_skill_ids.is_empty() {
        return;
    }
    let covered = r
        .required_skill_ids
        .iter()
        .any(|s| r.members.iter().any(|(_, m)| people.holds_skill(*m, s)));
    if !covered {
        cx.push(
            Some("required_skills"),
            FindingCode::SkillNotCovered,
            format!(
                "queue '{}' evaluates skills, but none of its planned members holds {}; add a member who does, or give a member the skill in the hire list",
                row.name,
                row.required_skills.join(" or ")
            ),
        );
    }
}

/// Members an existing queue has (0 for a new one).
fn existing_member_count(existing: Option<&QueueObject>, snapshot: &OrgSnapshot) -> u64 {
    existing
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
        .unwrap_or(0)
}

/// `queue_unstaffed`: no members and no member groups, planned or already there.
fn unstaffed(cx: &mut Cx, r: &Resolved, existing: Option<&QueueObject>, existing_members: u64) {
    let row = cx.row;
    let existing_groups = existing
        .and_then(|e| e.get("memberGroups")?.as_array().map(Vec::len))
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
            format!(
                "queue '{}' will have no members and no member groups; nobody will answer it — add members, skill_groups or groups",
                row.name
            ),
        );
    }
}

/// `wrapup_mandatory_without_codes`: agents could never finish wrap-up.
fn wrapup_mandatory_without_codes(cx: &mut Cx, existing: Option<&QueueObject>, org: &QueueOrg) {
    let row = cx.row;
    let prompt = row.acw.map(str::to_string).or_else(|| {
        existing
            .and_then(|e| e.get("acwSettings")?.get("wrapupPrompt")?.as_str())
            .map(str::to_string)
    });
    let existing_codes = existing
        .and_then(|e| org.queue_wrapup_codes.get(e.id()))
        .map_or(0, Vec::len);
    let mandatory = prompt
        .as_deref()
        .is_some_and(|p| p.starts_with("MANDATORY"));
    if mandatory && row.wrapup_codes.len() + existing_codes == 0 {
        cx.push(
            Some("wrapup_codes"),
            FindingCode::WrapupMandatoryWithoutCodes,
            format!(
                "queue '{}' has a mandatory wrap-up prompt but no wrap-up codes; agents cannot finish wrap-up — add wrapup_codes or make acw OPTIONAL",
                row.name
            ),
        );
    }
}

/// `queue_member_limit`: more members than the org allows a queue.
fn member_limit(cx: &mut Cx, r: &Resolved, org: &QueueOrg, existing_members: u64) {
    let Some(limit) = org.member_limit else {
        return;
    };
    let planned = existing_members + r.members.len() as u64;
    if planned > u64::from(limit) {
        let q = &cx.row.name;
        let message = format!(
            "queue '{q}' would have {planned} members, over the org's limit of {limit}; split the members across queues or use member groups"
        );
        cx.push(Some("members"), FindingCode::QueueMemberLimit, message);
    }
}

/// `division_mismatch`: an existing user joins a queue in a division where they hold no
/// role (a hire row's grants are made by this run, so only existing users).
fn members_division(
    cx: &mut Cx,
    r: &Resolved,
    existing: Option<&QueueObject>,
    snapshot: &OrgSnapshot,
    people: &People,
) {
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
    let Some(division) = division else {
        return;
    };
    let q = cx.row.name.clone();
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
