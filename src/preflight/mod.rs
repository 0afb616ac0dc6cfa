//! Pre-flight (pure, no IO): every rule of contract §3 against an [`OrgSnapshot`], and the
//! [`Plan`] the engine runs.
//!
//! [`check_all`] checks a whole list; [`recheck_row`] re-validates one edited row and the
//! rows it can affect (same email / external id / phone / extension, rows naming it as
//! manager, the licence-seat boundary, trunk capacity) in well under a millisecond, so the
//! TUI can call it on every keystroke. Row numbers (`Finding::row`, `RowPlan::row`,
//! `ManagerRef::Row`, [`CheckOptions::skipped_rows`]) are 1-based like the file's data rows;
//! `row_index` parameters are 0-based indexes into `HireList::rows`.

pub mod cells;
mod org;
pub mod partial;
pub mod rules;

pub use org::{norm as normalize_name, suggest};

use crate::model::{
    ExistingUser, FieldDiff, FigureSource, Finding, FindingCode, HireList, ManagerRef, OrgSnapshot,
    Plan, PlanAction, RowPlan, Seats, Severity, Text, Trunk, UserState,
};
use org::OrgIndex;
use rules::{KeyHash, KeyKind, Local, RowKeys, analyze_local, fmt_prof, key_string};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Options of a check. Skipped rows become `PlanAction::Skipped`, have no findings and do
/// not count toward duplicates, seats or trunk capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// 1-based row numbers (`HireRow::row`).
    pub skipped_rows: BTreeSet<usize>,
}

impl CheckOptions {
    pub fn new() -> Self {
        CheckOptions::default()
    }
}

/// Summary counts (contract §3 `summary`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Rows that will run (neither blocked nor skipped).
    pub ready: usize,
    /// Rows with at least one error.
    pub blocked: usize,
}

/// Plan counts (contract §3 `plan`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlanCounts {
    pub create: usize,
    pub update: usize,
    pub restore: usize,
    pub reactivate: usize,
    pub deactivate: usize,
    pub unchanged: usize,
}

/// The outcome of a pre-flight: findings, the plan, counts, and the indexes that make
/// [`recheck_row`] fast.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Findings that belong to no row: unknown columns, trunks.
    pub file_findings: Vec<Finding>,
    /// Findings per row, indexed like `HireList::rows`.
    pub row_findings: Vec<Vec<Finding>>,
    pub plan: Plan,
    pub options: CheckOptions,
    /// Licences this list needs whose free seats the org did not reveal (not checked).
    pub unknown_seats: Vec<String>,
    state: State,
}

/// Hash-map keys are already hashes: pass them through.
#[derive(Debug, Clone, Copy, Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The rows (sorted 0-based indexes) sharing a key; almost always exactly one.
#[derive(Debug, Clone)]
enum Rows {
    One(u32),
    Many(Vec<u32>),
}

impl Rows {
    fn as_slice(&self) -> &[u32] {
        match self {
            Rows::One(x) => std::slice::from_ref(x),
            Rows::Many(v) => v,
        }
    }
}

type KeyMap = HashMap<KeyHash, Rows, std::hash::BuildHasherDefault<IdHasher>>;

fn map_insert(map: &mut KeyMap, key: Option<KeyHash>, i: usize) {
    let Some(k) = key else { return };
    let i = i as u32;
    match map.entry(k) {
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(Rows::One(i));
        }
        std::collections::hash_map::Entry::Occupied(e) => {
            let r = e.into_mut();
            match r {
                Rows::One(x) if *x == i => {}
                Rows::One(x) => {
                    let mut v = vec![*x, i];
                    v.sort_unstable();
                    *r = Rows::Many(v);
                }
                Rows::Many(v) => {
                    if let Err(p) = v.binary_search(&i) {
                        v.insert(p, i);
                    }
                }
            }
        }
    }
}

fn map_remove(map: &mut KeyMap, key: Option<KeyHash>, i: usize) {
    let Some(k) = key else { return };
    let i = i as u32;
    let drop_key = match map.get_mut(&k) {
        None => false,
        Some(Rows::One(x)) => *x == i,
        Some(r @ Rows::Many(_)) => {
            if let Rows::Many(v) = r {
                if let Ok(p) = v.binary_search(&i) {
                    v.remove(p);
                }
                match v.len() {
                    0 => true,
                    1 => {
                        *r = Rows::One(v[0]);
                        false
                    }
                    _ => false,
                }
            } else {
                false
            }
        }
    };
    if drop_key {
        map.remove(&k);
    }
}

#[derive(Debug, Clone, Default)]
struct State {
    org: std::sync::Arc<OrgIndex>,
    keys: Vec<RowKeys>,
    by_email: KeyMap,
    by_ext: KeyMap,
    by_phone: KeyMap,
    by_extension: KeyMap,
    by_manager: KeyMap,
    /// Per licence (index into `org.licenses`), the sorted rows needing a new seat.
    by_license: Vec<Vec<u32>>,
    phone_delta: i64,
    summary: Summary,
    /// The column map checked (a change means a full re-check).
    columns: Vec<Option<crate::model::Field>>,
}

impl State {
    fn add_keys(&mut self, i: usize, k: &RowKeys) {
        if !k.counted {
            return;
        }
        map_insert(&mut self.by_email, k.email, i);
        map_insert(&mut self.by_ext, k.ext_id, i);
        map_insert(&mut self.by_phone, k.phone, i);
        map_insert(&mut self.by_extension, k.extension, i);
        map_insert(&mut self.by_manager, k.manager, i);
        for &l in &k.licenses {
            if let Some(v) = self.by_license.get_mut(l as usize)
                && let Err(p) = v.binary_search(&(i as u32))
            {
                v.insert(p, i as u32);
            }
        }
        self.phone_delta += i64::from(k.phone_delta);
    }

    fn remove_keys(&mut self, i: usize, k: &RowKeys) {
        if !k.counted {
            return;
        }
        map_remove(&mut self.by_email, k.email, i);
        map_remove(&mut self.by_ext, k.ext_id, i);
        map_remove(&mut self.by_phone, k.phone, i);
        map_remove(&mut self.by_extension, k.extension, i);
        map_remove(&mut self.by_manager, k.manager, i);
        for &l in &k.licenses {
            if let Some(v) = self.by_license.get_mut(l as usize)
                && let Ok(p) = v.binary_search(&(i as u32))
            {
                v.remove(p);
            }
        }
        self.phone_delta -= i64::from(k.phone_delta);
    }

    /// Rows whose findings can change when row `i`'s keys change from/to `k`.
    fn related(&self, i: usize, k: &RowKeys, out: &mut BTreeSet<usize>) {
        out.insert(i);
        for (map, key) in [
            (&self.by_email, k.email),
            (&self.by_ext, k.ext_id),
            (&self.by_phone, k.phone),
            (&self.by_extension, k.extension),
        ] {
            if let Some(v) = key.and_then(|k| map.get(&k)) {
                out.extend(v.as_slice().iter().map(|&r| r as usize));
            }
        }
        // The rows just around each licence's seat boundary.
        for &l in &k.licenses {
            if let (Some(v), Some(free)) = (
                self.by_license.get(l as usize),
                self.org.licenses.get(l as usize).and_then(|x| x.free),
            ) {
                let f = free as usize;
                for p in [f.wrapping_sub(1), f] {
                    if let Some(&r) = v.get(p) {
                        out.insert(r as usize);
                    }
                }
            }
        }
    }
}

fn file_finding(code: FindingCode, field: Option<String>, message: String) -> Finding {
    Finding {
        row: None,
        line: None,
        email: None,
        field,
        code,
        severity: code.severity(),
        message,
        suggestion: None,
    }
}

fn column_findings(list: &HireList) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, h) in list.headers.iter().enumerate() {
        if list.columns.get(i).copied().flatten().is_some() {
            continue;
        }
        let mapped = crate::ingest::field_for_header(h);
        let (name, msg) = if h.trim().is_empty() {
            (
                format!("column {}", i + 1),
                format!(
                    "column {} has no header; its cells are kept but not used — name it or delete it",
                    i + 1
                ),
            )
        } else if let Some(f) = mapped {
            (
                h.clone(),
                format!(
                    "column '{h}' repeats '{}'; onboard reads the first one and keeps this one unused — remove the duplicate column",
                    f.as_str()
                ),
            )
        } else {
            let known = crate::model::Field::ALL.map(|f| f.as_str());
            let sugg = suggest(h, known);
            let hint = match &sugg {
                Some(s) => format!(" — did you mean '{s}'? Rename the header to use it"),
                None => " — its cells are kept as they are but not provisioned".to_string(),
            };
            (
                h.clone(),
                format!("column '{h}' is not used by onboard{hint}"),
            )
        };
        let mut f = file_finding(FindingCode::UnknownColumn, Some(name), msg);
        if mapped.is_none() && !h.trim().is_empty() {
            f.suggestion = suggest(h, crate::model::Field::ALL.map(|f| f.as_str()));
        }
        out.push(f);
    }
    out
}

/// Where a seat count came from, for the finding's message.
fn seats_source(from: FigureSource) -> &'static str {
    match from {
        FigureSource::Org => {
            "seats from the billing contract's product matching the licence id, which is an assumption; set license_seats in the profile to override"
        }
        FigureSource::Profile => "seats from the profile's license_seats",
    }
}

/// Where the channel counts came from, for the finding's message.
fn channels_source(trunks: &[&Trunk]) -> &'static str {
    let profile = trunks
        .iter()
        .filter(|t| t.channels_from == FigureSource::Profile)
        .count();
    match profile {
        0 => {
            "channels read from the trunk base settings' property, which is an assumption; set trunk_channels in the profile to override"
        }
        n if n == trunks.len() => "channels from the profile's trunk_channels",
        _ => "channels from the profile's trunk_channels and the trunk base settings' property",
    }
}

fn trunk_findings(state: &State) -> Vec<Finding> {
    let org = &state.org;
    let mut out = Vec::new();
    for t in &org.trunks {
        if !t.in_service {
            out.push(file_finding(
                FindingCode::TrunkOutOfService,
                None,
                format!(
                    "trunk '{}' is not in service{}; bring it back in service in Telephony > Trunks, or expect fewer lines for agents with a phone",
                    t.name,
                    t.channels
                        .map(|c| format!(" ({c} channels not counted)"))
                        .unwrap_or_default()
                ),
            ));
        }
    }
    let in_service: Vec<&Trunk> = org.trunks.iter().filter(|t| t.in_service).collect();
    let known = !org.trunks.is_empty() && in_service.iter().all(|t| t.channels.is_some());
    if !known && !in_service.is_empty() && state.phone_delta > 0 {
        let unknown: Vec<&str> = in_service
            .iter()
            .filter(|t| t.channels.is_none())
            .map(|t| t.name.as_str())
            .collect();
        out.push(file_finding(
            FindingCode::TrunkCapacity,
            Some("phone".to_string()),
            format!(
                "trunk capacity unknown: the org shows no channel count for {} and the profile sets none, so whether {} more agents with a phone fit was not checked; set trunk_channels in the profile (by trunk name or id) to check it",
                unknown.join(", "),
                state.phone_delta
            ),
        ));
    }
    if known && state.phone_delta > 0 {
        let channels: u64 = in_service
            .iter()
            .map(|t| u64::from(t.channels.unwrap_or(0)))
            .sum();
        let capacity = (channels as f64 * org.agents_per_channel).floor() as i64;
        let after = i64::from(org.phone_enabled_users) + state.phone_delta;
        if after > capacity {
            out.push(file_finding(
                FindingCode::TrunkCapacity,
                Some("phone".to_string()),
                format!(
                    "after this list {after} agents will have a phone ({} today + {} from this list), but in-service trunks carry {channels} channels × {} agents per channel = {capacity} ({}); add trunk channels, bring trunks back in service, or remove phones/extensions from {} rows",
                    org.phone_enabled_users,
                    state.phone_delta,
                    org.agents_per_channel,
                    channels_source(&in_service),
                    after - capacity
                ),
            ));
        }
    }
    out
}

fn summary_add(s: &mut Summary, findings: &[Finding], action: PlanAction, sign: isize) {
    let e = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count() as isize;
    let w = findings.len() as isize - e;
    let apply = |x: &mut usize, d: isize| *x = (*x as isize + d * sign).max(0) as usize;
    apply(&mut s.errors, e);
    apply(&mut s.warnings, w);
    match action {
        PlanAction::Blocked => apply(&mut s.blocked, 1),
        PlanAction::Skipped => {}
        _ => apply(&mut s.ready, 1),
    }
}

fn join_names<'a>(it: impl Iterator<Item = String> + 'a) -> String {
    it.collect::<Vec<_>>().join("; ")
}

/// Finish a row: cross-row findings, manager, action and diff. The result is kept for every
/// row of the list, so it holds no spare capacity.
fn finish(list: &HireList, state: &State, i: usize, local: Local) -> (Vec<Finding>, RowPlan) {
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
        mut findings,
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
        action: PlanAction::Skipped,
        existing: existing.map(|u| state.org.users[u].clone()),
        desired: None,
        diff: Vec::new(),
    };
    if !keys.counted {
        return (findings, plan);
    }
    let org = &state.org;
    let mk =
        |field: &str, code: FindingCode, message: String, suggestion: Option<String>| Finding {
            row: Some(row.row),
            line: Some(row.line),
            email: (!email.is_empty()).then(|| email.to_string()),
            field: Some(field.to_string()),
            code,
            severity: code.severity(),
            message,
            suggestion,
        };

    // duplicates in the file (hashes meet → confirm on the cells)
    for (map, key, kind, field, what) in [
        (
            &state.by_email,
            keys.email,
            KeyKind::Email,
            "email",
            "email",
        ),
        (
            &state.by_ext,
            keys.ext_id,
            KeyKind::ExtId,
            "external_id",
            "external id",
        ),
        (
            &state.by_phone,
            keys.phone,
            KeyKind::Phone,
            "phone",
            "phone",
        ),
        (
            &state.by_extension,
            keys.extension,
            KeyKind::Extension,
            "extension",
            "extension",
        ),
    ] {
        if let Some(rows) = key.and_then(|k| map.get(&k))
            && rows.as_slice().len() > 1
        {
            let mine = key_string(list, i, kind);
            let first = rows
                .as_slice()
                .iter()
                .map(|&r| r as usize)
                .find(|&r| r == i || key_string(list, r, kind) == mine);
            if let Some(first) = first.filter(|&f| f != i) {
                let f = &list.rows[first];
                findings.push(mk(
                    field,
                    FindingCode::DuplicateInFile,
                    format!(
                        "{what} {} is also on row {} (line {}); each person and number may appear once — remove or fix one of the rows",
                        mine.as_deref().unwrap_or_default(),
                        f.row,
                        f.line
                    ),
                    None,
                ));
            }
        }
    }

    // licence seats
    for &l in &keys.licenses {
        let Some(info) = org.licenses.get(l as usize) else {
            continue;
        };
        let (Some(free), Seats::Known { total, used, from }) = (info.free, info.seats) else {
            continue;
        };
        if let Some(v) = state.by_license.get(l as usize)
            && let Ok(pos) = v.binary_search(&(i as u32))
            && pos >= free as usize
        {
            findings.push(mk(
                "licenses",
                FindingCode::LicenseShortfall,
                format!(
                    "licence '{}' has {free} free seats ({total} bought, {used} used; {}) and rows above this one already take them; buy more seats, free unused ones, or skip rows (this row needs it through its licences or its roles' base licence)",
                    info.id,
                    seats_source(from),
                ),
                None,
            ));
        }
    }

    // manager
    if let (Some(d), Some(mh)) = (desired.as_mut(), keys.manager) {
        let m = &manager_raw.to_lowercase();
        let in_org = org.user_by_email(m);
        let first_in_file = state.by_email.get(&mh).and_then(|v| {
            v.as_slice()
                .iter()
                .map(|&r| r as usize)
                .find(|&r| key_string(list, r, KeyKind::Email).as_ref() == Some(m))
        });
        let earlier = first_in_file.filter(|&r| r < i);
        if keys.email == Some(mh) && email.to_lowercase() == *m {
            findings.push(mk(
                "manager_email",
                FindingCode::InvalidValue,
                format!("the row names itself as manager ({manager_raw}); put the person's manager, or leave it empty"),
                None,
            ));
        } else if let Some(u) = in_org.filter(|u| u.state != UserState::Deleted) {
            d.manager = Some(ManagerRef::UserId(u.id.clone()));
        } else if let Some(r) = earlier {
            if state.keys[r].deactivate {
                findings.push(mk(
                    "manager_email",
                    FindingCode::UnknownManager,
                    format!("manager {manager_raw} is deactivated by row {} of this list; choose an active manager", list.rows[r].row),
                    None,
                ));
            } else {
                d.manager = Some(ManagerRef::Row(list.rows[r].row));
            }
        } else if let Some(later) = first_in_file {
            findings.push(mk(
                "manager_email",
                FindingCode::UnknownManager,
                format!(
                    "manager {manager_raw} is on row {} (line {}), after this row; move the manager's row above row {}",
                    list.rows[later].row,
                    list.rows[later].line,
                    row.row
                ),
                None,
            ));
        } else {
            let deleted = in_org.is_some();
            // Suggestions come from the org's users only (not from other rows), so that a
            // row's findings never depend on unrelated rows.
            let sugg = org.suggest_manager(m);
            let hint = match &sugg {
                Some(s) => format!(" — did you mean '{s}'?"),
                None => "; use the email of a user in the org or of an earlier row".to_string(),
            };
            findings.push(mk(
                "manager_email",
                FindingCode::UnknownManager,
                if deleted {
                    format!(
                        "manager {manager_raw} was deleted from the org; choose a current manager"
                    )
                } else {
                    format!(
                        "manager {manager_raw} is neither in the org nor earlier in this list{hint}"
                    )
                },
                sugg,
            ));
        }
    }

    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    let existing = plan.existing.as_ref();

    if keys.deactivate {
        plan.action = if has_error {
            PlanAction::Blocked
        } else {
            match existing.map(|u| u.state) {
                Some(UserState::Active) => PlanAction::Deactivate,
                _ => PlanAction::Unchanged,
            }
        };
        return (findings, plan);
    }

    let Some(d) = desired else {
        plan.action = PlanAction::Blocked;
        return (findings, plan);
    };
    if let Some(u) = existing {
        plan.diff = diff(org, state, u, &d);
        let (code, msg) = match u.state {
            UserState::Deleted => (
                Some(FindingCode::DeletedUser),
                format!(
                    "{} was deleted from the org; it will be restored (Genesys returns it in the home division without its old extension or roles; this row's values are re-applied) — remove the row if the person should stay deleted",
                    u.email
                ),
            ),
            UserState::Inactive => (
                Some(FindingCode::InactiveUser),
                format!(
                    "{} exists but is inactive; it will be reactivated{} — remove the row if that is not intended",
                    u.email,
                    changes_text(&plan.diff)
                ),
            ),
            UserState::Active if !plan.diff.is_empty() => (
                Some(FindingCode::ExistingUser),
                format!(
                    "{} already exists; it will be updated{} — remove the row or fix the cells if that is not intended",
                    u.email,
                    changes_text(&plan.diff)
                ),
            ),
            UserState::Active => (None, String::new()),
        };
        if let Some(code) = code {
            findings.push(mk("email", code, msg, None));
        }
    }
    plan.action = if has_error {
        PlanAction::Blocked
    } else {
        match existing.map(|u| u.state) {
            None => PlanAction::Create,
            Some(UserState::Deleted) => PlanAction::Restore,
            Some(UserState::Inactive) => PlanAction::Reactivate,
            Some(UserState::Active) if plan.diff.is_empty() => PlanAction::Unchanged,
            Some(UserState::Active) => PlanAction::Update,
        }
    };
    if plan.action != PlanAction::Blocked {
        plan.desired = Some(d);
    }
    (findings, plan)
}

fn changes_text(diff: &[FieldDiff]) -> String {
    if diff.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            diff.iter()
                .map(|d| d.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// What differs between the org user and the row (merge semantics: things the user has that
/// the row does not list are kept, not differences).
fn diff(
    org: &OrgIndex,
    state: &State,
    u: &ExistingUser,
    d: &crate::model::DesiredUser,
) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut push = |field: &str, from: String, to: String| {
        out.push(FieldDiff {
            field: field.to_string(),
            from,
            to,
        })
    };
    if !d.email.is_empty() && !d.email.eq_ignore_ascii_case(&u.email) {
        push("email", u.email.clone(), d.email.to_string());
    }
    if !d.name.is_empty() && d.name != u.name {
        push("name", u.name.clone(), d.name.to_string());
    }
    if !d.division_id.is_empty() && d.division_id != u.division_id {
        push(
            "division",
            org.division_label(&u.division_id).to_string(),
            org.division_label(&d.division_id).to_string(),
        );
    }
    for (field, want, have) in [
        ("department", &d.department, &u.department),
        ("title", &d.title, &u.title),
    ] {
        if let Some(w) = want
            && Some(w.as_str()) != have.as_deref()
        {
            push(field, have.clone().unwrap_or_default(), w.to_string());
        }
    }
    if let Some(m) = &d.manager {
        let same = match m {
            ManagerRef::UserId(id) => u.manager_id.as_deref() == Some(id),
            ManagerRef::Row(n) => state
                .keys
                .get(n.wrapping_sub(1))
                .and_then(|k| k.existing)
                .map(|u| &*org.users[u as usize].id)
                .is_some_and(|id| u.manager_id.as_deref() == Some(id)),
        };
        if !same {
            let to = match m {
                ManagerRef::UserId(id) => org
                    .user_by_id(id)
                    .map(|x| x.email.clone())
                    .unwrap_or_else(|| id.to_string()),
                ManagerRef::Row(n) => format!("row {n}"),
            };
            let from = u
                .manager_id
                .as_ref()
                .map(|id| {
                    org.user_by_id(id)
                        .map(|x| x.email.clone())
                        .unwrap_or_else(|| id.to_string())
                })
                .unwrap_or_default();
            push("manager", from, to);
        }
    }
    let grant_label = |g: &crate::model::Grant| {
        format!(
            "{}@{}",
            org.roles.label(&g.role_id),
            org.division_label(&g.division_id)
        )
    };
    if d.grants.iter().any(|g| !u.grants.contains(g)) {
        let from = join_names(u.grants.iter().map(grant_label));
        let mut all = u.grants.clone();
        all.extend(d.grants.iter().filter(|g| !u.grants.contains(g)).cloned());
        push("roles", from, join_names(all.iter().map(grant_label)));
    }
    for (field, want, have, names) in [
        ("skills", &d.skills, &u.skills, &org.skills),
        ("languages", &d.languages, &u.languages, &org.languages),
    ] {
        let differs = want.iter().any(|w| {
            !have
                .iter()
                .any(|h| h.id == w.id && h.proficiency == w.proficiency)
        });
        if differs {
            let label = |p: &crate::model::Proficiency| {
                format!("{}:{}", names.label(&p.id), fmt_prof(p.proficiency))
            };
            let from = join_names(have.iter().map(label));
            let mut all = have.clone();
            for w in want {
                match all.iter_mut().find(|h| h.id == w.id) {
                    Some(h) => h.proficiency = w.proficiency,
                    None => all.push(w.clone()),
                }
            }
            push(field, from, join_names(all.iter().map(label)));
        }
    }
    if d.queue_ids.iter().any(|q| !u.queue_ids.contains(q)) {
        let from = join_names(u.queue_ids.iter().map(|q| org.queues.label(q).to_string()));
        let mut all = u.queue_ids.clone();
        all.extend(
            d.queue_ids
                .iter()
                .filter(|q| !u.queue_ids.contains(q))
                .cloned(),
        );
        push(
            "queues",
            from,
            join_names(all.iter().map(|q| org.queues.label(q).to_string())),
        );
    }
    for (field, want, have) in [
        ("phone", &d.phone, &u.phone),
        ("extension", &d.extension, &u.extension),
    ] {
        if let Some(w) = want
            && Some(w.as_str()) != have.as_deref()
        {
            push(field, have.clone().unwrap_or_default(), w.to_string());
        }
    }
    let held: Vec<String> = u.licenses.iter().map(|l| l.to_lowercase()).collect();
    if d.licenses.iter().any(|l| !held.contains(&l.to_lowercase())) {
        let mut all = u.licenses.clone();
        all.extend(
            d.licenses
                .iter()
                .filter(|l| !held.contains(&l.to_lowercase()))
                .cloned(),
        );
        push("licenses", u.licenses.join("; "), all.join("; "));
    }
    if let Some(e) = &d.external_id
        && !u.external_ids.contains(e)
    {
        push(
            "external_id",
            join_names(
                u.external_ids
                    .iter()
                    .map(|e| format!("{}:{}", e.authority, e.key)),
            ),
            format!("{}:{}", e.authority, e.key),
        );
    }
    out
}

/// Licences some row needs whose free seats the org did not reveal.
fn unknown_seats(state: &State) -> Vec<String> {
    let mut v: Vec<String> = state
        .by_license
        .iter()
        .zip(&state.org.licenses)
        .filter(|(rows, info)| !rows.is_empty() && info.seats == Seats::Unknown)
        .map(|(_, info)| info.id.to_string())
        .collect();
    v.sort();
    v
}

/// Check a whole list against the org.
pub fn check_all(list: &HireList, snapshot: &OrgSnapshot, options: &CheckOptions) -> CheckResult {
    check_all_in(list, snapshot, options, true)
}

/// [`check_all`] on this thread only, whatever the list's size: tests hold the two-thread
/// path to it.
#[doc(hidden)]
pub fn check_all_one_thread(
    list: &HireList,
    snapshot: &OrgSnapshot,
    options: &CheckOptions,
) -> CheckResult {
    check_all_in(list, snapshot, options, false)
}

fn check_all_in(
    list: &HireList,
    snapshot: &OrgSnapshot,
    options: &CheckOptions,
    threads: bool,
) -> CheckResult {
    let mut state = State {
        org: std::sync::Arc::new(OrgIndex::new(snapshot)),
        ..State::default()
    };
    state.by_license = vec![Vec::new(); state.org.licenses.len()];
    state.columns = list.columns.clone();
    let n = list.rows.len();
    state.keys.reserve_exact(n);
    let mut row_findings = Vec::with_capacity(n);
    let mut plan = Plan {
        rows: Vec::with_capacity(n),
    };
    // Streaming: each row is finished against the rows up to and including it. That gives
    // the same answer as a full index for duplicates (the first occurrence is never later)
    // and seats (only earlier rows take seats first). Only a manager that is not found
    // might be a later row: those rows are finished again once every row is indexed.
    let mut again = Vec::new();
    let mut take = |i: usize, mut local: Local, state: &mut State| {
        let keys = std::mem::take(&mut local.keys);
        state.add_keys(i, &keys);
        state.keys.push(keys);
        let (f, p) = finish(list, state, i, local);
        if f.iter().any(|f| f.code == FindingCode::UnknownManager) {
            again.push(i);
        }
        row_findings.push(f);
        plan.rows.push(p);
    };
    let analyze = |i: usize, org: &OrgIndex| {
        let skipped = options.skipped_rows.contains(&list.rows[i].row);
        analyze_local(list, org, i, skipped)
    };
    // Large lists: a second thread analyzes batches of rows (row-local rules) while this one
    // indexes and finishes them in order. Whenever the next batch is not ready, this thread
    // analyzes an unclaimed batch itself, so the two cores share the work whichever half is
    // heavier. Small lists, or no thread: all here.
    const BATCH: usize = 256;
    let mut done = 0;
    if threads && n >= 8 * BATCH {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let batches = n.div_ceil(BATCH);
        let next = AtomicUsize::new(0);
        let analyze_batch = |b: usize, org: &OrgIndex| -> Vec<Local> {
            (b * BATCH..((b + 1) * BATCH).min(n))
                .map(|i| analyze(i, org))
                .collect()
        };
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Local>)>(16);
        std::thread::scope(|scope| {
            let org = std::sync::Arc::clone(&state.org);
            let (next, analyze_batch) = (&next, &analyze_batch);
            // If the thread cannot start, the loop below claims every batch itself.
            let _worker = std::thread::Builder::new()
                .name("preflight-analyze".into())
                .spawn_scoped(scope, move || {
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        if b >= batches || tx.send((b, analyze_batch(b, &org))).is_err() {
                            return;
                        }
                    }
                });
            let mut ready: BTreeMap<usize, Vec<Local>> = BTreeMap::new();
            let mut b_next = 0;
            while b_next < batches {
                if let Some(batch) = ready.remove(&b_next) {
                    for local in batch {
                        take(done, local, &mut state);
                        done += 1;
                    }
                    b_next += 1;
                    continue;
                }
                if let Ok((b, batch)) = rx.try_recv() {
                    ready.insert(b, batch);
                    continue;
                }
                let b = next.fetch_add(1, Ordering::Relaxed);
                if b < batches {
                    let batch = analyze_batch(b, &state.org);
                    ready.insert(b, batch);
                    continue;
                }
                // Everything is claimed: wait for the worker's batch.
                match rx.recv() {
                    Ok((b, batch)) => {
                        ready.insert(b, batch);
                    }
                    // The worker is gone without it (it panicked): finish below.
                    Err(_) => break,
                }
            }
        });
    }
    // Whatever the worker did not do (no thread, or it stopped early).
    while done < n {
        let local = analyze(done, &state.org);
        take(done, local, &mut state);
        done += 1;
    }
    for i in again {
        let skipped = options.skipped_rows.contains(&list.rows[i].row);
        let local = analyze_local(list, &state.org, i, skipped);
        let (f, p) = finish(list, &state, i, local);
        row_findings[i] = f;
        plan.rows[i] = p;
    }
    let mut summary = Summary::default();
    for (f, p) in row_findings.iter().zip(&plan.rows) {
        summary_add(&mut summary, f, p.action, 1);
    }
    let mut file_findings = column_findings(list);
    file_findings.extend(trunk_findings(&state));
    summary_add(&mut summary, &file_findings, PlanAction::Skipped, 1);
    state.summary = summary;
    let unknown_seats = unknown_seats(&state);
    CheckResult {
        file_findings,
        row_findings,
        plan,
        options: options.clone(),
        unknown_seats,
        state,
    }
}

/// Re-validate row `row_index` (0-based) after an edit, and every row it can affect.
/// `snapshot` must be the one `check_all` used (its index is kept in `result`). Rows
/// appended at the end are picked up; if rows were removed or the columns changed, this
/// falls back to a full [`check_all`]. Returns the (0-based, ascending) indexes of the rows
/// whose plan it rewrote: every row after a full check.
pub fn recheck_row(
    list: &HireList,
    snapshot: &OrgSnapshot,
    result: &mut CheckResult,
    row_index: usize,
) -> Vec<usize> {
    if row_index >= list.rows.len() {
        return Vec::new();
    }
    // Rows were removed (or the columns changed): indexes no longer line up, start over.
    if list.rows.len() < result.row_findings.len() || result.state.columns != list.columns {
        let options = result.options.clone();
        *result = check_all(list, snapshot, &options);
        return (0..result.plan.rows.len()).collect();
    }
    // The list may have grown (a row added in the TUI): extend everything.
    let grown_from = result.plan.rows.len();
    while result.row_findings.len() < list.rows.len() {
        let j = result.row_findings.len();
        result.row_findings.push(Vec::new());
        result.state.keys.push(RowKeys::default());
        result.plan.rows.push(RowPlan {
            row: list.rows[j].row,
            line: list.rows[j].line,
            email: Text::default(),
            identity: Text::default(),
            action: PlanAction::Skipped,
            existing: None,
            desired: None,
            diff: Vec::new(),
        });
    }
    let skipped = result
        .options
        .skipped_rows
        .contains(&list.rows[row_index].row);
    let new_local = analyze_local(list, &result.state.org, row_index, skipped);
    let old_keys = std::mem::take(&mut result.state.keys[row_index]);

    let mut affected = BTreeSet::new();
    result.state.related(row_index, &old_keys, &mut affected);
    result.state.remove_keys(row_index, &old_keys);
    result.state.add_keys(row_index, &new_local.keys);
    result.state.keys[row_index] = new_local.keys.clone();
    result
        .state
        .related(row_index, &new_local.keys, &mut affected);
    // Rows that name this row's old/new email as their manager: only when what they read
    // of it changed (a lead with hundreds of reports re-checks them on an email edit, not on
    // a fix to their own skills).
    let as_manager = |k: &RowKeys| (k.counted, k.email, k.deactivate, k.existing);
    if as_manager(&old_keys) != as_manager(&new_local.keys) {
        for k in [old_keys.email, new_local.keys.email].into_iter().flatten() {
            if let Some(v) = result.state.by_manager.get(&k) {
                affected.extend(v.as_slice().iter().map(|&r| r as usize));
            }
        }
    }

    let mut new_local = Some(new_local);
    let mut rewritten = Vec::with_capacity(affected.len());
    for j in affected {
        if j >= list.rows.len() {
            continue;
        }
        rewritten.push(j);
        let local = if j == row_index {
            new_local.take().unwrap_or_default()
        } else {
            let skipped = result.options.skipped_rows.contains(&list.rows[j].row);
            analyze_local(list, &result.state.org, j, skipped)
        };
        let (f, p) = finish(list, &result.state, j, local);
        let old_f = std::mem::replace(&mut result.row_findings[j], f);
        let old_action = result.plan.rows[j].action;
        summary_add(&mut result.state.summary, &old_f, old_action, -1);
        summary_add(
            &mut result.state.summary,
            &result.row_findings[j],
            p.action,
            1,
        );
        result.plan.rows[j] = p;
    }

    result.unknown_seats = unknown_seats(&result.state);
    // Trunk findings depend on the total only.
    let old_trunk: Vec<Finding> = result
        .file_findings
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                FindingCode::TrunkCapacity | FindingCode::TrunkOutOfService
            )
        })
        .cloned()
        .collect();
    let new_trunk = trunk_findings(&result.state);
    if old_trunk != new_trunk {
        summary_add(
            &mut result.state.summary,
            &old_trunk,
            PlanAction::Skipped,
            -1,
        );
        summary_add(
            &mut result.state.summary,
            &new_trunk,
            PlanAction::Skipped,
            1,
        );
        result.file_findings.retain(|f| {
            !matches!(
                f.code,
                FindingCode::TrunkCapacity | FindingCode::TrunkOutOfService
            )
        });
        result.file_findings.extend(new_trunk);
    }
    rewritten.extend(grown_from..result.plan.rows.len());
    rewritten.sort_unstable();
    rewritten.dedup();
    rewritten
}

/// Skip (or un-skip) row `row_index` (0-based) and re-check what that changes. Returns the
/// indexes of the rows whose plan it rewrote, as [`recheck_row`].
pub fn set_skipped(
    list: &HireList,
    snapshot: &OrgSnapshot,
    result: &mut CheckResult,
    row_index: usize,
    skipped: bool,
) -> Vec<usize> {
    let Some(row) = list.rows.get(row_index) else {
        return Vec::new();
    };
    if skipped {
        result.options.skipped_rows.insert(row.row);
    } else {
        result.options.skipped_rows.remove(&row.row);
    }
    recheck_row(list, snapshot, result, row_index)
}

/// The JSON object of `onboard check --format json` (contract §3), plus `notes` (an
/// addition: how the file was read, e.g. its separator; absent when there is none).
#[derive(Debug, Serialize)]
pub struct CheckJson<'a> {
    pub file: &'a str,
    pub rows: usize,
    pub summary: Summary,
    pub plan: PlanCounts,
    pub findings: Vec<&'a Finding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CheckResult {
    pub fn summary(&self) -> Summary {
        self.state.summary
    }

    pub fn plan_counts(&self) -> PlanCounts {
        let mut c = PlanCounts::default();
        for r in &self.plan.rows {
            match r.action {
                PlanAction::Create => c.create += 1,
                PlanAction::Update => c.update += 1,
                PlanAction::Restore => c.restore += 1,
                PlanAction::Reactivate => c.reactivate += 1,
                PlanAction::Deactivate => c.deactivate += 1,
                PlanAction::Unchanged => c.unchanged += 1,
                PlanAction::Skipped | PlanAction::Blocked => {}
            }
        }
        c
    }

    /// Every finding: file-level first, then by row.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.file_findings
            .iter()
            .chain(self.row_findings.iter().flatten())
    }

    pub fn has_errors(&self) -> bool {
        self.summary().errors > 0
    }

    pub fn json<'a>(&'a self, source: &'a str) -> CheckJson<'a> {
        CheckJson {
            file: source,
            rows: self.plan.rows.len(),
            summary: self.summary(),
            plan: self.plan_counts(),
            findings: self.findings().collect(),
            notes: Vec::new(),
        }
    }

    /// Pretty JSON as contract §3.
    pub fn to_json(&self, source: &str) -> String {
        self.to_json_with_notes(source, Vec::new())
    }

    /// Pretty JSON as contract §3, with `notes` about how the file was read.
    pub fn to_json_with_notes(&self, source: &str, notes: Vec<String>) -> String {
        let mut json = self.json(source);
        json.notes = notes;
        serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
