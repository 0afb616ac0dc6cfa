//! Numbers against the org: the phone (E.164, inside a DID pool, not someone else's) and the
//! extension (digits, inside an extension pool, free), and how the row changes the count of
//! phone-enabled users (trunk capacity).

use super::{Ctx, KeyHash, key_hash};
use crate::model::{ExistingUser, FindingCode, Text, UserState};
use crate::preflight::org::OrgIndex;

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

/// A valid number and its index key.
pub(super) type Number = Option<(Text, KeyHash)>;

/// The phone cell (`existing_id`: the matched user, who may keep their own number).
pub(super) fn phone(
    cx: &mut Ctx,
    org: &OrgIndex,
    phone_cell: &str,
    existing_id: Option<&str>,
) -> Number {
    if phone_cell.is_empty() {
        return None;
    }
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
        return None;
    }
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
    let key = key_hash(&p);
    Some((Text::from(p), key))
}

/// The extension cell (`existing_id` as for [`phone`]).
pub(super) fn extension(
    cx: &mut Ctx,
    org: &OrgIndex,
    ext_cell: &str,
    existing_id: Option<&str>,
) -> Number {
    if ext_cell.is_empty() {
        return None;
    }
    let x: String = ext_cell.chars().filter(|c| !c.is_whitespace()).collect();
    if x.is_empty() || x.len() > 15 || !x.bytes().all(|b| b.is_ascii_digit()) {
        cx.push(
            Some("extension"),
            FindingCode::InvalidExtension,
            format!("extension '{ext_cell}' must be digits only, e.g. 1042"),
            None,
        );
        return None;
    }
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
    let key = key_hash(&x);
    Some((Text::from(x), key))
}

/// Change in phone-enabled users (−1, 0, 1) when a row sets (or keeps) a phone or extension.
pub(super) fn phone_delta(existing: Option<&ExistingUser>, sets_number: bool) -> i8 {
    let before = existing.is_some_and(|u| {
        u.state == UserState::Active && (u.phone.is_some() || u.extension.is_some())
    });
    let after = sets_number
        || existing.is_some_and(|u| {
            u.state != UserState::Deleted && (u.phone.is_some() || u.extension.is_some())
        });
    i8::from(after) - i8::from(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164() {
        assert!(is_e164("+13175550100"));
        assert!(!is_e164("13175550100"));
        assert!(!is_e164("+0317555"));
        assert_eq!(normalize_phone("+1 (317) 555-0100"), "+13175550100");
    }
}
