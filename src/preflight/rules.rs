//! Row-local rules: everything about one row that does not depend on other rows (formats,
//! name resolution, existing users, numbers against the org). Cross-row rules (duplicates,
//! managers in the file, seats, trunk capacity) live in `mod.rs`.

use super::org::{Lookup, OrgIndex, suggest};
use crate::model::{
    DesiredUser, ExternalId, Field, Finding, FindingCode, Grant, HireList, HireRow, Id,
    Proficiency, Severity, Text, UserState,
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
    pub fn push(
        &mut self,
        field: Option<&str>,
        code: FindingCode,
        message: String,
        suggestion: Option<String>,
    ) {
        self.push_with(field, code, code.severity(), message, suggestion);
    }

    /// A finding whose severity differs from its code's usual one (e.g. `division_mismatch`
    /// is an error on a role scope but a warning on a queue).
    pub fn push_with(
        &mut self,
        field: Option<&str>,
        code: FindingCode,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        self.findings.push(Finding {
            row: Some(self.row.row),
            line: Some(self.row.line),
            email: self.email.clone(),
            field: field.map(str::to_string),
            code,
            severity,
            message,
            suggestion,
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

/// Strip the usual formatting (spaces, dashes, dots, parentheses) from a phone number.
pub fn normalize_phone(s: &str) -> String {
    s.chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '/')))
        .collect()
}

pub fn is_e164(p: &str) -> bool {
    let Some(d) = p.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
}

/// A pragmatic address check: one `@`, a plausible local part, a dotted domain.
pub fn is_valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.len() > 253 || domain.contains('@') {
        return false;
    }
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// A number's owner for messages: the user's email when the snapshot has it, else the id.
fn owner_label(org: &OrgIndex, owner: Option<&str>) -> String {
    match owner {
        Some(id) => org
            .user_by_id(id)
            .map(|u| u.email.clone())
            .unwrap_or_else(|| format!("id {id}")),
        None => "owner unknown".to_string(),
    }
}

pub fn parse_external_id(s: &str) -> Option<ExternalId> {
    let (a, k) = s.split_once(':')?;
    let (a, k) = (a.trim(), k.trim());
    if a.is_empty() || k.is_empty() || a.chars().any(char::is_whitespace) {
        return None;
    }
    Some(ExternalId {
        authority: a.into(),
        key: k.into(),
    })
}

pub fn identity(ext: Option<&ExternalId>, email: &str) -> Text {
    match ext {
        Some(e) => compact_str::format_compact!("ext:{}:{}", e.authority, e.key),
        None => compact_str::format_compact!("email:{}", email.to_lowercase()),
    }
}

pub fn fmt_prof(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

/// Parse a `Name:proficiency` list (skills or languages) into resolved ids.
fn proficiencies(
    cx: &mut Ctx,
    cell: &str,
    field: Field,
    names: &super::org::Names,
) -> Vec<Proficiency> {
    let (what, code) = match field {
        Field::Skills => ("skill", FindingCode::UnknownSkill),
        _ => ("language", FindingCode::UnknownLanguage),
    };
    let f = Some(field.as_str());
    let mut out: Vec<Proficiency> = Vec::new();
    // Every resolved name with the item that named it, to catch the same one twice.
    let mut seen: smallvec::SmallVec<[(&Id, &str); 8]> = smallvec::SmallVec::new();
    for item in split_list(cell) {
        let (name, prof) = match item.rsplit_once(':') {
            Some((n, p)) => (n.trim(), Some(p.trim())),
            None => (item, None),
        };
        let prof = match prof.map(|p| p.parse::<f64>()) {
            Some(Ok(p)) if p.is_finite() && (0.0..=5.0).contains(&p) => Some(p),
            Some(_) => {
                cx.push(
                    f,
                    FindingCode::InvalidProficiency,
                    format!(
                        "{what} '{name}' has proficiency '{}'; use a number from 0 to 5, e.g. '{name}:3'",
                        prof.unwrap_or_default()
                    ),
                    None,
                );
                None
            }
            None => {
                cx.push(
                    f,
                    FindingCode::InvalidProficiency,
                    format!("{what} '{name}' has no proficiency; write it as '{name}:N' with N from 0 to 5"),
                    Some(format!("{name}:3")),
                );
                None
            }
        };
        if name.is_empty() {
            cx.push(
                f,
                FindingCode::InvalidValue,
                format!(
                    "'{item}' in {} has no {what} name; write 'Name:proficiency'",
                    field.as_str()
                ),
                None,
            );
            continue;
        }
        match names.resolve(name) {
            Lookup::Found(id) => {
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
                    cx.push(
                        f,
                        FindingCode::DuplicateInRow,
                        format!(
                            "'{first}' and '{item}' name the same {what}; keep one of them with the proficiency you want"
                        ),
                        None,
                    );
                    continue;
                }
                seen.push((id, item));
                if let Some(p) = prof {
                    out.push(Proficiency {
                        id: Id::clone(id),
                        proficiency: p,
                    });
                }
            }
            Lookup::Missing(sugg) => {
                let hint = match &sugg {
                    Some(s) => format!(" — did you mean '{s}'?"),
                    None => format!("; create it in Admin > Routing or fix the {what} name"),
                };
                cx.push(
                    f,
                    code,
                    format!("{what} '{name}' does not exist in the org{hint}"),
                    sugg,
                );
            }
        }
    }
    out
}

/// Row-local analysis. `skipped` rows — and rows whose action is `skip` — produce no
/// findings and count for nothing.
pub fn analyze_local(list: &HireList, org: &OrgIndex, idx: usize, skipped: bool) -> Local {
    let row = &list.rows[idx];
    // A cell over its length limit reads as empty here: it is reported once, by length.
    let unusable = super::cells::unusable(list, row);
    let cell = |f: Field| {
        if unusable.has(f) {
            ""
        } else {
            list.cell(row, f)
        }
    };
    let email_raw = Text::from(cell(Field::Email));
    let email_lower = email_raw.to_lowercase();
    let mut cx = Ctx {
        row,
        email: (!email_raw.is_empty()).then(|| email_raw.to_string()),
        findings: Vec::new(),
    };
    let ext_cell = cell(Field::ExternalId);
    let ext = parse_external_id(ext_cell);
    let mut local = Local {
        email: email_raw.clone(),
        identity: identity(ext.as_ref(), &email_raw),
        ..Local::default()
    };
    let action = cell(Field::Action);
    if skipped || action.eq_ignore_ascii_case("skip") {
        return local;
    }
    let mut keys = RowKeys {
        counted: true,
        ..RowKeys::default()
    };

    // What the CSV itself got wrong: short/long rows, control characters, lengths.
    super::cells::report(&mut cx, list);

    // action (`skip` returned above)
    let deactivate = match action.to_lowercase().as_str() {
        "" | "upsert" => false,
        "deactivate" => true,
        other => {
            let sugg = suggest(other, ["upsert", "deactivate", "skip"]);
            cx.push(
                Some("action"),
                FindingCode::InvalidValue,
                format!("action '{action}' is not known; use 'upsert' (create or update), 'deactivate' (a leaver) or 'skip' (keep the row, don't run it)"),
                sugg,
            );
            false
        }
    };
    keys.deactivate = deactivate;

    // email (a cell over its limit is reported by length, not as missing)
    if email_raw.is_empty() {
        if !unusable.has(Field::Email) {
            let msg = if list.column_of(Field::Email).is_none() {
                "the list has no 'email' column; add one with each person's login email"
            } else {
                "email is empty; every row needs the person's login email"
            };
            cx.push(
                Some("email"),
                FindingCode::MissingField,
                msg.to_string(),
                None,
            );
        }
    } else if !is_valid_email(&email_raw) {
        let trimmed: String = email_raw.chars().filter(|c| !c.is_whitespace()).collect();
        let sugg = (trimmed != email_raw && is_valid_email(&trimmed)).then_some(trimmed);
        cx.push(
            Some("email"),
            FindingCode::InvalidEmail,
            format!(
                "'{email_raw}' is not a valid email address; fix it to the form name@company.com"
            ),
            sugg,
        );
    } else {
        keys.email = Some(key_hash(&email_lower));
    }

    // external id
    let mut ext_key = Text::default();
    if !ext_cell.is_empty() {
        match &ext {
            Some(e) => {
                ext_key = compact_str::format_compact!("{}:{}", e.authority, e.key);
                keys.ext_id = Some(key_hash(&ext_key));
            }
            None => cx.push(
                Some("external_id"),
                FindingCode::InvalidValue,
                format!("external id '{ext_cell}' must be 'authority:key', e.g. 'workday:E1042'"),
                None,
            ),
        }
    }

    // existing user: external id first, then email
    let by_ext = ext
        .as_ref()
        .and_then(|_| org.users_by_ext.get(ext_key.as_str()))
        .copied();
    let by_email = keys
        .email
        .and_then(|_| org.users_by_email.get(email_lower.as_str()))
        .and_then(|v| v.first())
        .copied();
    if let (Some(a), Some(b)) = (
        by_ext.map(|i| &org.users[i]),
        by_email.map(|i| &org.users[i]),
    ) && a.id != b.id
    {
        cx.push(
            Some("external_id"),
            FindingCode::InvalidValue,
            format!(
                "external id '{ext_cell}' belongs to {} but the email belongs to another user ({}); fix the email or the external id",
                a.email, b.email
            ),
            None,
        );
    }
    let existing_ix = by_ext.or(by_email);
    let existing = existing_ix.map(|i| &org.users[i]);
    keys.existing = existing_ix.map(|i| i as u32);

    let manager_raw = cell(Field::ManagerEmail).to_string();

    if deactivate {
        match &existing {
            None if !email_raw.is_empty() || ext.is_some() => cx.push(
                Some("email"),
                FindingCode::InvalidValue,
                format!(
                    "this row asks to deactivate {}, but no such user exists in the org; check the email or external id, or remove the row",
                    if email_raw.is_empty() { ext_cell } else { &email_raw }
                ),
                None,
            ),
            Some(u) if u.state == UserState::Active && (u.phone.is_some() || u.extension.is_some()) => {
                keys.phone_delta = -1;
            }
            _ => {}
        }
        local.keys = keys;
        local.existing = existing_ix;
        local.findings = cx.findings;
        return local;
    }

    // name
    let name_unusable = [Field::Name, Field::FirstName, Field::LastName]
        .into_iter()
        .any(|f| unusable.has(f));
    let name = {
        let n = cell(Field::Name);
        if n.is_empty() {
            let first = cell(Field::FirstName);
            let last = cell(Field::LastName);
            format!("{first} {last}").trim().to_string()
        } else {
            n.to_string()
        }
    };
    if let Some(limit) = super::cells::max_chars(Field::Name)
        && name.len() > limit
        && name.chars().count() > limit
    {
        cx.push(
            Some("name"),
            FindingCode::InvalidValue,
            format!(
                "first_name and last_name make a name of {} characters; Genesys Cloud takes at most {limit} — shorten them",
                name.chars().count()
            ),
            None,
        );
    }
    // Existing users keep their name when the cell is empty; new users need one.
    let name = match &existing {
        Some(u) if name.is_empty() => u.name.clone(),
        _ => name,
    };
    if name.is_empty() && !name_unusable {
        let msg = if list.column_of(Field::Name).is_none()
            && list.column_of(Field::FirstName).is_none()
        {
            "the list has no 'name' (or 'first_name' + 'last_name') column; add the person's full name"
        } else {
            "name is empty; fill in the person's full name (or first_name and last_name)"
        };
        cx.push(
            Some("name"),
            FindingCode::MissingField,
            msg.to_string(),
            None,
        );
    }

    // division: empty = keep an existing user's division, else the home division
    let div_cell = cell(Field::Division);
    // An unknown division must not cascade into division_mismatch findings.
    let mut division_known = true;
    let division_id = if div_cell.is_empty() {
        match &existing {
            Some(u) if u.state != UserState::Deleted && !u.division_id.is_empty() => {
                u.division_id.clone()
            }
            _ => org.home_division.clone().unwrap_or_default(),
        }
    } else {
        match org.divisions.resolve(div_cell) {
            Lookup::Found(id) => Id::clone(id),
            Lookup::Missing(sugg) => {
                let hint = match &sugg {
                    Some(s) => format!(" — did you mean '{s}'?"),
                    None => " ; use a division listed in Admin > Divisions, or leave it empty for the home division".to_string(),
                };
                cx.push(
                    Some("division"),
                    FindingCode::UnknownDivision,
                    format!("division '{div_cell}' does not exist in the org{hint}"),
                    sugg,
                );
                division_known = false;
                org.home_division.clone().unwrap_or_default()
            }
        }
    };

    // roles: `Role` or `Role@Division` (also `Role:Division`, as in Genesys's template)
    let mut grants: Vec<Grant> = Vec::new();
    // The item that asked for each grant (same order), to name both of a duplicate.
    let mut grant_items: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
    let mut scoped: Vec<(String, Grant)> = Vec::new();
    for item in split_list(cell(Field::Roles)) {
        let (role_name, scope) = match item.split_once('@') {
            Some((r, d)) => (r.trim(), Some(d.trim())),
            None => match item.split_once(':') {
                Some((r, d)) if !matches!(org.roles.resolve(item), Lookup::Found(_)) => {
                    (r.trim(), Some(d.trim()))
                }
                _ => (item, None),
            },
        };
        if role_name.is_empty() || scope.is_some_and(str::is_empty) {
            cx.push(
                Some("roles"),
                FindingCode::InvalidValue,
                format!("'{item}' is not a role; write 'Role' or 'Role@Division', e.g. 'Agent; Supervisor@Sales'"),
                None,
            );
            continue;
        }
        let role_id = match org.roles.resolve(role_name) {
            Lookup::Found(id) => Some(Id::clone(id)),
            Lookup::Missing(sugg) => {
                let hint = match &sugg {
                    Some(s) => format!(" — did you mean '{s}'?"),
                    None => "; use a role from Admin > Roles / Permissions (onboard never creates roles)".to_string(),
                };
                cx.push(
                    Some("roles"),
                    FindingCode::UnknownRole,
                    format!("role '{role_name}' does not exist in the org{hint}"),
                    sugg,
                );
                None
            }
        };
        let div = match scope {
            None => Some(division_id.clone()),
            Some(d) => match org.divisions.resolve(d) {
                Lookup::Found(id) => Some(Id::clone(id)),
                Lookup::Missing(sugg) => {
                    let hint = match &sugg {
                        Some(s) => format!(" — did you mean '{role_name}@{s}'?"),
                        None => "; use a division listed in Admin > Divisions".to_string(),
                    };
                    cx.push(
                        Some("roles"),
                        FindingCode::UnknownDivision,
                        format!("role scope '{item}' names division '{d}', which does not exist in the org{hint}"),
                        sugg,
                    );
                    None
                }
            },
        };
        if let (Some(role_id), Some(division_id)) = (role_id, div) {
            let g = Grant {
                role_id,
                division_id,
            };
            if let Some(k) = grants.iter().position(|x| *x == g) {
                cx.push(
                    Some("roles"),
                    FindingCode::DuplicateInRow,
                    format!(
                        "'{}' and '{item}' grant the same role in the same division; keep one of them",
                        grant_items[k]
                    ),
                    None,
                );
                continue;
            }
            if scope.is_some() {
                scoped.push((item.to_string(), g.clone()));
            }
            grants.push(g);
            grant_items.push(item);
        }
    }

    let skills = proficiencies(&mut cx, cell(Field::Skills), Field::Skills, &org.skills);
    let languages = proficiencies(
        &mut cx,
        cell(Field::Languages),
        Field::Languages,
        &org.languages,
    );

    // Divisions the user will hold a role grant in (this row + existing grants; the user's
    // own division always counts: new users get the default role there).
    let keeps_grants = existing
        .as_ref()
        .is_some_and(|u| u.state != UserState::Deleted);
    let mut granted: Vec<&str> = grants.iter().map(|g| &*g.division_id).collect();
    if keeps_grants && let Some(u) = &existing {
        granted.extend(u.grants.iter().map(|g| &*g.division_id));
    }
    let own_granted = grants.iter().any(|g| g.division_id == division_id)
        || (keeps_grants
            && existing
                .as_ref()
                .is_some_and(|u| u.grants.iter().any(|g| g.division_id == division_id)));
    if !own_granted && !division_id.is_empty() && division_known {
        for (item, g) in &scoped {
            if g.division_id != division_id {
                let own = org.division_label(&division_id);
                cx.push(
                    Some("roles"),
                    FindingCode::DivisionMismatch,
                    format!(
                        "role scope '{item}' grants a role only in {}, but the user's division {own} gets no role; add a role for {own} (e.g. 'Agent; {item}') or set division to {}",
                        org.division_label(&g.division_id),
                        org.division_label(&g.division_id),
                    ),
                    None,
                );
            }
        }
    }
    granted.push(&division_id);

    // queues
    let mut queue_ids: Vec<Id> = Vec::new();
    // The item that named each queue (same order), to name both of a duplicate.
    let mut queue_items: smallvec::SmallVec<[&str; 4]> = smallvec::SmallVec::new();
    for q in split_list(cell(Field::Queues)) {
        match org.queues.resolve(q) {
            Lookup::Found(id) => {
                if let Some(k) = queue_ids.iter().position(|x| x == id) {
                    cx.push(
                        Some("queues"),
                        FindingCode::DuplicateInRow,
                        format!(
                            "'{}' and '{q}' name the same queue; keep one of them",
                            queue_items[k]
                        ),
                        None,
                    );
                    continue;
                }
                if let Some(qd) = org.queue_division.get(&**id)
                    && division_known
                    && !qd.is_empty()
                    && !granted.contains(&&**qd)
                {
                    // A queue's division decides who may manage it, not who may be a member
                    // (genesys-api.md §11.10): a warning, never a blocker.
                    let qdl = org.division_label(qd);
                    cx.push_with(
                        Some("queues"),
                        FindingCode::DivisionMismatch,
                        Severity::Warning,
                        format!(
                            "queue '{q}' is in division {qdl}, where this user will hold no role: they will receive the queue's interactions, but won't see the queue in division-scoped views (queue lists, reports); if they should, add a role scoped to it (e.g. 'Agent@{qdl}')"
                        ),
                        None,
                    );
                }
                queue_ids.push(Id::clone(id));
                queue_items.push(q);
            }
            Lookup::Missing(sugg) => {
                let hint = match &sugg {
                    Some(s) => format!(" — did you mean '{s}'?"),
                    None => "; use a queue from Admin > Queues".to_string(),
                };
                cx.push(
                    Some("queues"),
                    FindingCode::UnknownQueue,
                    format!("queue '{q}' does not exist in the org{hint}"),
                    sugg,
                );
            }
        }
    }
    drop(granted);

    let existing_id = existing.as_ref().map(|u| &*u.id);

    // phone
    let phone_cell = cell(Field::Phone);
    let mut phone = None;
    if !phone_cell.is_empty() {
        let p = normalize_phone(phone_cell);
        if !is_e164(&p) {
            // `00` is the international prefix: `0044…` is `+44…`.
            let sugg = p
                .strip_prefix("00")
                .map(|rest| format!("+{rest}"))
                .filter(|s| is_e164(s));
            cx.push(
                Some("phone"),
                FindingCode::InvalidPhone,
                format!("phone '{phone_cell}' is not in E.164 form; write it with '+' and the country code, e.g. +13175550100"),
                sugg,
            );
        } else {
            if !org.did_pools.iter().any(|r| r.contains(&p[1..])) {
                let pools: Vec<&str> = org.did_pools.iter().map(|r| r.label.as_str()).collect();
                cx.push(
                    Some("phone"),
                    FindingCode::DidUnavailable,
                    if pools.is_empty() {
                        format!("phone {p} is in no DID pool (the org has none); add a DID pool in Telephony > DID Numbers or leave the phone empty")
                    } else {
                        format!("phone {p} is in no DID pool ({}); choose a number from a pool or add the range in Telephony > DID Numbers", pools.join(", "))
                    },
                    None,
                );
            } else if let Some((owner, owner_type)) = org.assigned_dids.get(&p)
                && (owner.is_none() || owner.as_deref() != existing_id)
            {
                cx.push(
                    Some("phone"),
                    FindingCode::DidUnavailable,
                    format!(
                        "phone {p} is already assigned to another {} ({}); choose a free DID or release it first",
                        owner_type.as_deref().unwrap_or("owner").to_lowercase(),
                        owner_label(org, owner.as_deref())
                    ),
                    None,
                );
            }
            keys.phone = Some(key_hash(&p));
            phone = Some(Text::from(p));
        }
    }

    // extension
    let ext_cell_x = cell(Field::Extension);
    let mut extension = None;
    if !ext_cell_x.is_empty() {
        let x: String = ext_cell_x.chars().filter(|c| !c.is_whitespace()).collect();
        if x.is_empty() || x.len() > 15 || !x.bytes().all(|b| b.is_ascii_digit()) {
            cx.push(
                Some("extension"),
                FindingCode::InvalidExtension,
                format!("extension '{ext_cell_x}' must be digits only, e.g. 1042"),
                None,
            );
        } else {
            if !org.ext_pools.iter().any(|r| r.contains(&x)) {
                let pools: Vec<&str> = org.ext_pools.iter().map(|r| r.label.as_str()).collect();
                cx.push(
                    Some("extension"),
                    FindingCode::ExtensionConflict,
                    if pools.is_empty() {
                        format!("extension {x} is outside every extension pool (the org has none); add a pool in Telephony > Extensions or leave it empty")
                    } else {
                        format!("extension {x} is outside every extension pool ({}); pick one inside a pool", pools.join(", "))
                    },
                    None,
                );
            } else if let Some((owner, _)) = org.used_extensions.get(&x)
                && (owner.is_none() || owner.as_deref() != existing_id)
            {
                cx.push(
                    Some("extension"),
                    FindingCode::ExtensionConflict,
                    format!(
                        "extension {x} is already used by another user ({}); choose a free extension",
                        owner_label(org, owner.as_deref())
                    ),
                    None,
                );
            }
            keys.extension = Some(key_hash(&x));
            extension = Some(Text::from(x));
        }
    }

    // licences: explicit ones must exist; count new seats for explicit + role base licences
    let mut licenses: Vec<Id> = Vec::new();
    for l in split_list(cell(Field::Licenses)) {
        let found =
            org.license(l)
                .map(|i| i.id.clone())
                .or_else(|| match org.license_names.resolve(l) {
                    Lookup::Found(id) => Some(Id::clone(id)),
                    Lookup::Missing(_) => None,
                });
        match found {
            Some(id) => {
                if !licenses.contains(&id) {
                    licenses.push(id);
                }
            }
            None => {
                let sugg = org.license_names.suggest(l).map(|s| {
                    // suggest the id even when the description matched
                    match org.license_names.resolve(&s) {
                        Lookup::Found(id) => id.to_string(),
                        Lookup::Missing(_) => s,
                    }
                });
                let known: Vec<&str> = org.licenses.iter().map(|i| &*i.id).collect();
                let hint = match &sugg {
                    Some(s) => format!(" — did you mean '{s}'?"),
                    None if known.is_empty() => {
                        "; the org reports no licences, leave the column empty to use role licences"
                            .to_string()
                    }
                    None => format!("; the org has: {}", {
                        let mut k = known.clone();
                        k.sort_unstable();
                        k.join(", ")
                    }),
                };
                cx.push(
                    Some("licenses"),
                    FindingCode::UnknownLicense,
                    format!("licence '{l}' does not exist in the org{hint}"),
                    sugg,
                );
            }
        }
    }
    let held: Vec<String> = match &existing {
        Some(u) if u.state != UserState::Deleted => {
            u.licenses.iter().map(|l| l.to_lowercase()).collect()
        }
        _ => Vec::new(),
    };
    let mut need: smallvec::SmallVec<[u16; 4]> = licenses
        .iter()
        .filter_map(|l| org.license_ix.get(&l.to_lowercase()).copied())
        .collect();
    for g in &grants {
        if let Some(&l) = org.role_license.get(&*g.role_id)
            && !need.contains(&l)
        {
            need.push(l);
        }
    }
    need.retain(|l| !held.contains(&org.licenses[*l as usize].id.to_lowercase()));
    keys.licenses = need;

    // phone-enabled delta (trunk capacity)
    let before = existing.as_ref().is_some_and(|u| {
        u.state == UserState::Active && (u.phone.is_some() || u.extension.is_some())
    });
    let after = phone.is_some()
        || extension.is_some()
        || existing.as_ref().is_some_and(|u| {
            u.state != UserState::Deleted && (u.phone.is_some() || u.extension.is_some())
        });
    keys.phone_delta = i8::from(after) - i8::from(before);

    if !manager_raw.is_empty() {
        keys.manager = Some(key_hash(&manager_raw.to_lowercase()));
    }

    let opt = |s: &str| (!s.is_empty()).then(|| Text::from(s));
    // Exact capacities: the plan holds one of these per row.
    grants.shrink_to_fit();
    let (mut skills, mut languages, mut queue_ids, mut licenses) =
        (skills, languages, queue_ids, licenses);
    skills.shrink_to_fit();
    languages.shrink_to_fit();
    queue_ids.shrink_to_fit();
    licenses.shrink_to_fit();
    local.desired = Some(Box::new(DesiredUser {
        email: email_raw,
        name: name.into(),
        division_id,
        department: opt(cell(Field::Department)),
        title: opt(cell(Field::Title)),
        manager: None,
        grants,
        skills,
        languages,
        queue_ids,
        phone,
        extension,
        licenses,
        external_id: ext,
    }));
    local.keys = keys;
    local.existing = existing_ix;
    local.manager_raw = manager_raw;
    local.findings = cx.findings;
    local
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
    fn e164() {
        assert!(is_e164("+13175550100"));
        assert!(!is_e164("13175550100"));
        assert!(!is_e164("+0317555"));
        assert_eq!(normalize_phone("+1 (317) 555-0100"), "+13175550100");
    }

    #[test]
    fn proficiency_format() {
        assert_eq!(fmt_prof(3.0), "3");
        assert_eq!(fmt_prof(2.5), "2.5");
    }
}
