//! Pre-flight while the org snapshot is still loading, and after a load was cancelled.
//!
//! A list is checked in three stages as its snapshot arrives: first with no org (the CSV's
//! integrity and each cell's own rules), then against the org's lists (divisions, roles,
//! skills, languages, queues, licences), then row by row as each row's identity lookups
//! answer. A row is *settled* when every lookup it depends on has answered and none found
//! a user for the row itself (a found user is planned only with its full detail, which
//! comes at the end). Rows not settled are *checking*: they keep only the findings that do
//! not depend on who exists, and are never planned — a partial snapshot must not produce
//! a create that could duplicate an existing user. A cancelled load marks them with
//! [`FindingCode::OrgNotChecked`].

use super::{CheckOptions, CheckResult, Summary, check_all, summary_add};
use crate::model::{
    ExternalId, Field, Finding, FindingCode, HireList, OrgSnapshot, PlanAction, Severity,
};
use std::collections::{BTreeSet, HashSet};

/// Findings that need no org at all: the file's integrity and each cell's own rules.
pub const ORG_FREE: [FindingCode; 10] = [
    FindingCode::MissingField,
    FindingCode::InvalidEmail,
    FindingCode::InvalidPhone,
    FindingCode::InvalidExtension,
    FindingCode::InvalidProficiency,
    FindingCode::InvalidValue,
    FindingCode::DuplicateInFile,
    FindingCode::DuplicateInRow,
    FindingCode::ShortRow,
    FindingCode::UnknownColumn,
];

/// Findings that need the org's lists but not who exists: names that match nothing.
pub const LISTS_ONLY: [FindingCode; 6] = [
    FindingCode::UnknownDivision,
    FindingCode::UnknownRole,
    FindingCode::UnknownSkill,
    FindingCode::UnknownLanguage,
    FindingCode::UnknownQueue,
    FindingCode::UnknownLicense,
];

/// What a still-loading snapshot already knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Nothing from the org yet.
    Nothing,
    /// The org's lists, and the identities [`Answered`] records.
    Lists,
}

/// The identity lookups answered so far, and which of them found a user.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    emails: HashSet<String>,
    emails_found: HashSet<String>,
    ext: HashSet<ExternalId>,
    ext_found: HashSet<ExternalId>,
    /// Every lookup answered: the snapshot is complete.
    pub all: bool,
}

impl Answered {
    /// A search answered for `emails` (lowercased) and found users with `found` emails.
    pub fn emails<'a>(&mut self, emails: &[String], found: impl IntoIterator<Item = &'a str>) {
        self.emails.extend(emails.iter().cloned());
        self.emails_found
            .extend(found.into_iter().map(str::to_lowercase));
    }

    /// The lookup of `ext` answered, finding a user or not.
    pub fn external_id(&mut self, ext: ExternalId, found: bool) {
        if found {
            self.ext_found.insert(ext.clone());
        }
        self.ext.insert(ext);
    }

    /// Lookups answered so far.
    pub fn count(&self) -> usize {
        self.emails.len() + self.ext.len()
    }

    fn email_settled(&self, cell: &str, f: Field, own: bool) -> bool {
        match super::lookups::email_to_look_up(cell, f) {
            None => true,
            Some(e) => self.emails.contains(&e) && !(own && self.emails_found.contains(&e)),
        }
    }

    /// Whether row `i`'s org checks are final: its email and external id were looked up
    /// and found no one (a found user waits for its detail), its manager was looked up.
    pub fn settled(&self, list: &HireList, i: usize) -> bool {
        if self.all {
            return true;
        }
        let Some(row) = list.rows.get(i) else {
            return false;
        };
        let ext_ok = match super::lookups::external_id_to_look_up(list.cell(row, Field::ExternalId))
        {
            None => true,
            Some(x) => self.ext.contains(&x) && !self.ext_found.contains(&x),
        };
        ext_ok
            && self.email_settled(list.cell(row, Field::Email), Field::Email, true)
            && self.email_settled(
                list.cell(row, Field::ManagerEmail),
                Field::ManagerEmail,
                false,
            )
    }
}

/// Check `list` against a snapshot that is still loading: `known` says what `snapshot`
/// holds (with [`Known::Nothing`] it is ignored), `answered` which rows are settled. Returns
/// the result and, per row, whether it is still checking (never planned: `Blocked`).
pub fn check_partial(
    list: &HireList,
    snapshot: &OrgSnapshot,
    known: Known,
    answered: &Answered,
    options: &CheckOptions,
) -> (CheckResult, Vec<bool>) {
    let empty = OrgSnapshot::default();
    let org = match known {
        Known::Nothing => &empty,
        Known::Lists => snapshot,
    };
    let mut result = check_all(list, org, options);
    let checking: Vec<bool> = (0..list.rows.len())
        .map(|i| known == Known::Nothing || !answered.settled(list, i))
        .collect();
    let keep = |code: FindingCode| {
        ORG_FREE.contains(&code) || (known == Known::Lists && LISTS_ONLY.contains(&code))
    };
    if known == Known::Nothing {
        result.file_findings.retain(|f| keep(f.code));
        result.unknown_seats.clear();
    }
    for (i, waiting) in checking.iter().enumerate() {
        if !*waiting {
            continue;
        }
        if let Some(f) = result.row_findings.get_mut(i) {
            f.retain(|f| keep(f.code));
        }
        if let Some(p) = result.plan.rows.get_mut(i) {
            hold(p);
        }
    }
    resummarize(&mut result);
    (result, checking)
}

/// A checking row is never planned.
fn hold(p: &mut crate::model::RowPlan) {
    if p.action != PlanAction::Skipped {
        p.action = PlanAction::Blocked;
    }
    p.existing = None;
    p.desired = None;
    p.diff.clear();
}

/// The finding of a row whose org checks did not finish.
pub fn not_checked(list: &HireList, i: usize) -> Option<Finding> {
    let row = list.rows.get(i)?;
    let email = list.cell(row, Field::Email);
    Some(Finding {
        row: Some(row.row),
        line: Some(row.line),
        email: (!email.is_empty()).then(|| email.to_string()),
        field: None,
        code: FindingCode::OrgNotChecked,
        severity: Severity::Error,
        message: "the org check of this row did not finish (loading was cancelled before its email, external id or manager was looked up), so whether the user already exists is unknown and the row will not run — reload the list to check it".into(),
        suggestion: None,
        persona: None,
        file: None,
    })
}

/// After a cancelled load: each row in `rows` that is still checking keeps only its
/// org-free and list findings, is blocked, and says why ([`not_checked`]). Also re-applied
/// after a re-check of such a row (an edit cannot make the missing lookups happen).
pub fn mark_not_checked(list: &HireList, result: &mut CheckResult, rows: &BTreeSet<usize>) {
    for &i in rows {
        let skipped = result
            .plan
            .rows
            .get(i)
            .is_none_or(|p| p.action == PlanAction::Skipped);
        if skipped {
            continue;
        }
        if let Some(f) = result.row_findings.get_mut(i) {
            f.retain(|f| ORG_FREE.contains(&f.code) || LISTS_ONLY.contains(&f.code));
            f.extend(not_checked(list, i));
        }
        if let Some(p) = result.plan.rows.get_mut(i) {
            hold(p);
        }
    }
    resummarize(result);
}

/// The summary from the findings and plan as they now are.
fn resummarize(result: &mut CheckResult) {
    let mut s = Summary::default();
    for (f, p) in result.row_findings.iter().zip(&result.plan.rows) {
        summary_add(&mut s, f, p.action, 1);
    }
    summary_add(&mut s, &result.file_findings, PlanAction::Skipped, 1);
    result.state.summary = s;
}
