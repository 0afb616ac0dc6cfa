//! The rules, one file per concern, run in two passes over each row.
//!
//! 1. [`analyze_local`]: everything about one row that does not depend on other rows — the
//!    CSV's own integrity (`cells.rs`), who the row is (`identity.rs`), names resolved
//!    against the org (`names.rs`), numbers (`numbers.rs`), licences (`licences.rs`). It
//!    also yields the row's keys for the cross-row index.
//! 2. [`finish`]: against the cross-row index (`row_index.rs`) — duplicates and the manager
//!    (`cross_row.rs`), licence seats (`licences.rs`) — then the action and the diff
//!    (`diff.rs`). Findings of no row (columns, trunks) are `file.rs`'s.
//!
//! Messages say what is wrong and what to do; "did you mean" and "does not exist in the
//! org" are worded once, in `message.rs`.

mod cross_row;
mod diff;
pub(super) mod file;
mod identity;
mod licences;
mod names;
mod numbers;
mod personas;

pub use identity::{identity, is_valid_email, parse_external_id};
pub use numbers::{is_e164, normalize_phone};

use super::CheckOptions;
use super::cells::Unusable;
use super::org::OrgIndex;
use super::row_index::State;
use crate::model::{
    DesiredUser, ExistingUser, ExternalId, Field, Finding, FindingCode, HireList, HireRow, RowPlan,
    Severity, Text,
};

/// What a row contributes to the cross-row indexes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowKeys {
    /// False for skipped rows: they contribute nothing.
    pub counted: bool,
    /// Hashes ([`key_hash`]) of the lowercased email, `authority:key`, E.164 phone and
    /// extension; equality is confirmed from the cells ([`key_string`]) when hashes meet.
    pub email: Option<KeyHash>,
    pub ext_id: Option<KeyHash>,
    pub phone: Option<KeyHash>,
    pub extension: Option<KeyHash>,
    /// Licences (indexes into `OrgIndex::licenses`) the row needs a new seat of.
    pub licenses: smallvec::SmallVec<[u16; 4]>,
    /// Change in phone-enabled users this row causes (−1, 0, 1).
    pub phone_delta: i8,
    /// Hash of the lowercased manager email.
    pub manager: Option<KeyHash>,
    pub deactivate: bool,
    /// Index into `OrgIndex::users` of the matched user.
    pub existing: Option<u32>,
}

/// The row-local result.
#[derive(Debug, Clone, Default)]
pub struct Local {
    pub keys: RowKeys,
    pub findings: Vec<Finding>,
    /// Index into `OrgIndex::users`.
    pub existing: Option<usize>,
    pub desired: Option<Box<DesiredUser>>,
    pub email: Text,
    pub identity: Text,
    /// Display labels of the grants / skills (for diffs and messages).
    pub manager_raw: String,
}

pub struct Ctx<'a> {
    pub row: &'a HireRow,
    pub email: Option<String>,
    pub findings: Vec<Finding>,
}

impl Ctx<'_> {
    /// Whether any finding so far is an error (the row is blocked).
    fn has_error(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn push(
        &mut self,
        field: Option<&str>,
        code: FindingCode,
        message: String,
        suggestion: Option<String>,
    ) {
        self.findings.push(Finding {
            row: Some(self.row.row),
            line: Some(self.row.line),
            email: self.email.clone(),
            field: field.map(str::to_string),
            code,
            severity: code.severity(),
            message,
            suggestion,
            persona: None,
            file: None,
        });
    }
}

/// A stable 64-bit hash of an index key.
pub fn key_hash(s: &str) -> KeyHash {
    use std::hash::BuildHasher;
    // Fixed seed: the same key hashes the same in `check_all` and every later `recheck_row`.
    let h = foldhash::fast::FixedState::with_seed(0x6f6e_626f_6172_6421).hash_one(s);
    KeyHash::new(h).unwrap_or(KeyHash::MIN)
}

/// A key's hash; never zero, so an `Option` of it takes 8 bytes.
pub type KeyHash = std::num::NonZeroU64;

/// Which cross-row key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Email,
    ExtId,
    Phone,
    Extension,
    Manager,
}

/// The exact key of a row, recomputed from its cells (what [`RowKeys`] holds the hash of).
pub fn key_string(list: &HireList, idx: usize, kind: KeyKind) -> Option<String> {
    let row = list.rows.get(idx)?;
    let cell = |f| list.cell(row, f);
    let v = match kind {
        KeyKind::Email => cell(Field::Email).to_lowercase(),
        KeyKind::Manager => cell(Field::ManagerEmail).to_lowercase(),
        KeyKind::ExtId => parse_external_id(cell(Field::ExternalId))
            .map(|e| format!("{}:{}", e.authority, e.key))?,
        KeyKind::Phone => normalize_phone(cell(Field::Phone)),
        KeyKind::Extension => cell(Field::Extension)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
    };
    (!v.is_empty()).then_some(v)
}

/// Split a multi-valued cell on `;`, `|` (and `,`, which Genesys's own template uses inside
/// quoted cells); trims and drops empty items.
pub fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', '|', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A row's cells as the rules read them: a cell over its length limit reads as empty (it
/// is reported once, by length).
pub(super) struct RowCells<'a> {
    list: &'a HireList,
    row: &'a HireRow,
    unusable: Unusable,
}

impl<'a> RowCells<'a> {
    fn new(list: &'a HireList, row: &'a HireRow) -> Self {
        RowCells {
            list,
            row,
            unusable: super::cells::unusable(list, row),
        }
    }

    fn get(&self, f: Field) -> &'a str {
        if self.unusable.has(f) {
            ""
        } else {
            self.list.cell(self.row, f)
        }
    }
}

pub fn fmt_prof(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

/// Row-local analysis. Skipped rows — and rows whose action is `skip` — produce no
/// findings and count for nothing.
pub fn analyze_local(list: &HireList, org: &OrgIndex, idx: usize, options: &CheckOptions) -> Local {
    let row = &list.rows[idx];
    let skipped = options.skipped_rows.contains(&row.row);
    let cells = RowCells::new(list, row);
    let email_raw = Text::from(cells.get(Field::Email));
    let mut cx = Ctx {
        row,
        email: (!email_raw.is_empty()).then(|| email_raw.to_string()),
        findings: Vec::new(),
    };
    let ext_cell = cells.get(Field::ExternalId);
    let ext = parse_external_id(ext_cell);
    let mut local = Local {
        email: email_raw.clone(),
        identity: identity(ext.as_ref(), &email_raw),
        ..Local::default()
    };
    let action = cells.get(Field::Action);
    if skipped || action.eq_ignore_ascii_case("skip") {
        return local;
    }
    let mut keys = RowKeys {
        counted: true,
        ..RowKeys::default()
    };

    // What the CSV itself got wrong: short/long rows, control characters, lengths.
    super::cells::report(&mut cx, list);
    personas::report(&mut cx, list, options);

    let deactivate = identity::action(&mut cx, action);
    keys.deactivate = deactivate;
    keys.email = identity::email(&mut cx, &cells, &email_raw);
    let ext_key = identity::external_id(&mut cx, ext_cell, ext.as_ref(), &mut keys);
    let email_lower = keys.email.map(|_| email_raw.to_lowercase());
    let existing_ix =
        identity::existing_user(&mut cx, org, ext_cell, &ext_key, email_lower.as_deref());
    let existing = existing_ix.map(|i| &*org.users[i]);
    keys.existing = existing_ix.map(|i| i as u32);
    let manager_raw = cells.get(Field::ManagerEmail).to_string();

    if deactivate {
        let who = if !email_raw.is_empty() {
            &*email_raw
        } else if ext.is_some() {
            ext_cell
        } else {
            ""
        };
        identity::deactivation(&mut cx, existing, who, &mut keys);
        local.keys = keys;
        local.existing = existing_ix;
        local.findings = cx.findings;
        return local;
    }

    if !manager_raw.is_empty() {
        keys.manager = Some(key_hash(&manager_raw.to_lowercase()));
    }
    let desired = desired_user(&mut cx, org, &cells, existing, email_raw, ext, &mut keys);
    local.desired = Some(Box::new(desired));
    local.keys = keys;
    local.existing = existing_ix;
    local.manager_raw = manager_raw;
    local.findings = cx.findings;
    local
}

/// What the row asks for, with the findings on its names and numbers and the keys its
/// numbers and seats take (`existing`: the org user the row matched). The manager is
/// resolved later, across rows.
fn desired_user(
    cx: &mut Ctx,
    org: &OrgIndex,
    cells: &RowCells,
    existing: Option<&ExistingUser>,
    email: Text,
    external_id: Option<ExternalId>,
    keys: &mut RowKeys,
) -> DesiredUser {
    let name = names::name(cx, cells, existing);
    let (division_id, division_known) =
        names::division(cx, org, cells.get(Field::Division), existing);
    let roles = names::roles(cx, org, cells.get(Field::Roles), &division_id);
    let mut skills = names::proficiencies(cx, cells.get(Field::Skills), Field::Skills, &org.skills);
    let mut languages = names::proficiencies(
        cx,
        cells.get(Field::Languages),
        Field::Languages,
        &org.languages,
    );
    let granted = names::granted_divisions(cx, org, &roles, existing, &division_id, division_known);
    let mut queue_ids = names::queues(cx, org, cells.get(Field::Queues), &granted, division_known);
    drop(granted);

    let existing_id = existing.map(|u| &*u.id);
    let phone = numbers::phone(cx, org, cells.get(Field::Phone), existing_id);
    let extension = numbers::extension(cx, org, cells.get(Field::Extension), existing_id);
    keys.phone = phone.as_ref().map(|(_, k)| *k);
    keys.extension = extension.as_ref().map(|(_, k)| *k);
    keys.phone_delta = numbers::phone_delta(existing, phone.is_some() || extension.is_some());

    let mut licenses = licences::licences(cx, org, cells.get(Field::Licenses));
    let utilization = utilization(cx, cells.get(Field::Utilization));
    let mut grants = roles.grants;
    keys.licenses = licences::seats_needed(org, existing, &licenses, &grants);

    // Exact capacities: the plan holds one of these per row.
    grants.shrink_to_fit();
    skills.shrink_to_fit();
    languages.shrink_to_fit();
    queue_ids.shrink_to_fit();
    licenses.shrink_to_fit();
    let opt = |s: &str| (!s.is_empty()).then(|| Text::from(s));
    DesiredUser {
        email,
        name: name.into(),
        division_id,
        department: opt(cells.get(Field::Department)),
        title: opt(cells.get(Field::Title)),
        manager: None,
        grants,
        skills,
        languages,
        queue_ids,
        phone: phone.map(|(p, _)| p),
        extension: extension.map(|(x, _)| x),
        licenses,
        external_id,
        utilization,
    }
}

/// The `utilization` cell (`call=1; chat=3`): `invalid_value` for an unknown media type or
/// a capacity that is not a whole number from 0 to 25; nothing is written then.
fn utilization(cx: &mut Ctx, cell: &str) -> Vec<crate::model::MediaCapacity> {
    match crate::model::parse_utilization(cell) {
        Ok(u) => u,
        Err(why) => {
            cx.push(
                Some(Field::Utilization.as_str()),
                FindingCode::InvalidValue,
                format!("utilization: {why}"),
                None,
            );
            Vec::new()
        }
    }
}

/// Finish a row: cross-row findings, manager, action and diff. The result is kept for every
/// row of the list, so it holds no spare capacity.
pub(super) fn finish(
    list: &HireList,
    state: &State,
    i: usize,
    local: Local,
) -> (Vec<Finding>, RowPlan) {
    let (mut findings, mut plan) = finish_row(list, state, i, local);
    findings.shrink_to_fit();
    plan.diff.shrink_to_fit();
    (findings, plan)
}

fn finish_row(list: &HireList, state: &State, i: usize, local: Local) -> (Vec<Finding>, RowPlan) {
    let row = &list.rows[i];
    let keys = &state.keys[i];
    let Local {
        keys: _,
        findings,
        existing,
        mut desired,
        email,
        identity,
        manager_raw,
    } = local;
    let mut plan = RowPlan {
        row: row.row,
        line: row.line,
        email: email.clone(),
        identity,
        action: crate::model::PlanAction::Skipped,
        existing: existing.map(|u| state.org.users[u].clone()),
        desired: None,
        diff: Vec::new(),
    };
    if !keys.counted {
        return (findings, plan);
    }
    let mut cx = Ctx {
        row,
        email: (!email.is_empty()).then(|| email.to_string()),
        findings,
    };
    cross_row::duplicates(&mut cx, list, state, i);
    licences::seat_shortfall(&mut cx, state, i);
    if let Some(d) = desired.as_mut() {
        cross_row::manager(&mut cx, list, state, i, &manager_raw, d);
    }
    diff::decide(&mut cx, state, keys.deactivate, desired, &mut plan);
    (cx.findings, plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_validation() {
        assert!(is_valid_email("ana.lima@example.com"));
        assert!(is_valid_email("a+b@x.co"));
        assert!(!is_valid_email("ana@example"));
        assert!(!is_valid_email("ana example.com"));
        assert!(!is_valid_email("ana@@example.com"));
        assert!(!is_valid_email("ana@exa mple.com"));
        assert!(!is_valid_email(".ana@example.com"));
    }

    #[test]
    fn proficiency_format() {
        assert_eq!(fmt_prof(3.0), "3");
        assert_eq!(fmt_prof(2.5), "2.5");
    }
}
