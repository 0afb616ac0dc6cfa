//! Rules that read other rows through the cross-row index: the same email, external id,
//! phone or extension twice in the file, and the manager (in the org, or an earlier row).
//! The seat count is `licences.rs`'s, trunk capacity `file.rs`'s.

use super::{Ctx, KeyKind, key_string};
use crate::model::{DesiredUser, FindingCode, HireList, ManagerRef, UserState};
use crate::preflight::message::hint;
use crate::preflight::row_index::State;

/// `duplicate_in_file`: row `i` repeats a key of an earlier row (hashes meet → confirmed on
/// the cells).
pub(in crate::preflight) fn duplicates(cx: &mut Ctx, list: &HireList, state: &State, i: usize) {
    let keys = &state.keys[i];
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
                cx.push(
                    Some(field),
                    FindingCode::DuplicateInFile,
                    format!(
                        "{what} {} is also on row {} (line {}); each person and number may appear once — remove or fix one of the rows",
                        mine.as_deref().unwrap_or_default(),
                        f.row,
                        f.line
                    ),
                    None,
                );
            }
        }
    }
}

/// The manager: a current org user, else an earlier row of the list (not one it
/// deactivates); sets `desired.manager` when found. Suggestions come from the org's users
/// only (not from other rows), so that a row's findings never depend on unrelated rows.
pub(in crate::preflight) fn manager(
    cx: &mut Ctx,
    list: &HireList,
    state: &State,
    i: usize,
    manager_raw: &str,
    desired: &mut DesiredUser,
) {
    let keys = &state.keys[i];
    let Some(mh) = keys.manager else {
        return;
    };
    let org = &state.org;
    let row = &list.rows[i];
    let m = &manager_raw.to_lowercase();
    let in_org = org.user_by_email(m);
    let first_in_file = state.by_email.get(&mh).and_then(|v| {
        v.as_slice()
            .iter()
            .map(|&r| r as usize)
            .find(|&r| key_string(list, r, KeyKind::Email).as_ref() == Some(m))
    });
    let earlier = first_in_file.filter(|&r| r < i);
    let own_email = cx.email.as_deref().unwrap_or_default().to_lowercase();
    if keys.email == Some(mh) && own_email == *m {
        cx.push(
            Some("manager_email"),
            FindingCode::InvalidValue,
            format!("the row names itself as manager ({manager_raw}); put the person's manager, or leave it empty"),
            None,
        );
    } else if let Some(u) = in_org.filter(|u| u.state != UserState::Deleted) {
        desired.manager = Some(ManagerRef::UserId(u.id.clone()));
    } else if let Some(r) = earlier {
        if state.keys[r].deactivate {
            cx.push(
                Some("manager_email"),
                FindingCode::UnknownManager,
                format!("manager {manager_raw} is deactivated by row {} of this list; choose an active manager", list.rows[r].row),
                None,
            );
        } else {
            desired.manager = Some(ManagerRef::Row(list.rows[r].row));
        }
    } else if let Some(later) = first_in_file {
        cx.push(
            Some("manager_email"),
            FindingCode::UnknownManager,
            format!(
                "manager {manager_raw} is on row {} (line {}), after this row; move the manager's row above row {}",
                list.rows[later].row,
                list.rows[later].line,
                row.row
            ),
            None,
        );
    } else {
        let deleted = in_org.is_some();
        let sugg = org.suggest_manager(m);
        let hint = hint(sugg.as_deref(), || {
            "; use the email of a user in the org or of an earlier row".to_string()
        });
        cx.push(
            Some("manager_email"),
            FindingCode::UnknownManager,
            if deleted {
                format!("manager {manager_raw} was deleted from the org; choose a current manager")
            } else {
                format!(
                    "manager {manager_raw} is neither in the org nor earlier in this list{hint}"
                )
            },
            sugg,
        );
    }
}
