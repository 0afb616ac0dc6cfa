//! Who the row is: its `action`, email, external id, and the org user it matches (external
//! id first, then email); a deactivation's own rule.

use super::{Ctx, RowCells, RowKeys, key_hash};
use crate::model::{ExistingUser, ExternalId, Field, FindingCode, Text, UserState};
use crate::preflight::org::{OrgIndex, suggest};

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

/// The `action` cell (`skip` is handled before any rule runs): whether the row deactivates.
pub(super) fn action(cx: &mut Ctx, action: &str) -> bool {
    match action.to_lowercase().as_str() {
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
    }
}

/// The email: present and well formed. Returns its index key (a cell over its limit is
/// reported by length, not as missing).
pub(super) fn email(cx: &mut Ctx, cells: &RowCells, email_raw: &str) -> Option<super::KeyHash> {
    if email_raw.is_empty() {
        if !cells.unusable.has(Field::Email) {
            let msg = if cells.list.column_of(Field::Email).is_none() {
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
        None
    } else if !is_valid_email(email_raw) {
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
        None
    } else {
        Some(key_hash(&email_raw.to_lowercase()))
    }
}

/// The external id cell: `authority:key`. Returns that key (empty when there is none).
pub(super) fn external_id(
    cx: &mut Ctx,
    ext_cell: &str,
    ext: Option<&ExternalId>,
    keys: &mut RowKeys,
) -> Text {
    let mut ext_key = Text::default();
    if !ext_cell.is_empty() {
        match ext {
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
    ext_key
}

/// The org user this row is (index into `OrgIndex::users`): by external id first, then by
/// email; an external id and an email naming two different users is an error.
pub(super) fn existing_user(
    cx: &mut Ctx,
    org: &OrgIndex,
    ext_cell: &str,
    ext_key: &str,
    email_lower: Option<&str>,
) -> Option<usize> {
    let by_ext = (!ext_key.is_empty())
        .then(|| org.users_by_ext.get(ext_key))
        .flatten()
        .copied();
    let by_email = email_lower
        .and_then(|e| org.users_by_email.get(e))
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
    by_ext.or(by_email)
}

/// A deactivation needs a user to deactivate; an active one with a phone frees a line.
pub(super) fn deactivation(
    cx: &mut Ctx,
    existing: Option<&ExistingUser>,
    who: &str,
    keys: &mut RowKeys,
) {
    match existing {
        None if !who.is_empty() => cx.push(
            Some("email"),
            FindingCode::InvalidValue,
            format!(
                "this row asks to deactivate {who}, but no such user exists in the org; check the email or external id, or remove the row"
            ),
            None,
        ),
        Some(u)
            if u.state == UserState::Active && (u.phone.is_some() || u.extension.is_some()) =>
        {
            keys.phone_delta = -1;
        }
        _ => {}
    }
}
