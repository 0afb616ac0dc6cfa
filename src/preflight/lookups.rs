//! The users a list names, which the org snapshot must look up (by email and by external
//! id) before pre-flight can match rows to existing users and managers. One home for it: the
//! headless commands and the TUI load the same snapshot for the same list.

use crate::model::{ExternalId, Field, HireList};
use std::collections::BTreeSet;

/// The lowercased emails (row and manager) and the external ids a list names, sorted and
/// without repeats.
///
/// - Emails are lowercased: pre-flight matches emails case-insensitively, so `Ana@X.com` and
///   `ana@x.com` are one lookup.
/// - A cell without an `@` is not looked up: it cannot be anyone's email (pre-flight reports
///   it), and a search for it would only cost a request.
/// - A cell over its length limit is never sent as a search (a 10 MB "email" would fail the
///   snapshot before pre-flight could say what is wrong); pre-flight reports it.
pub fn users_to_look_up(list: &HireList) -> (Vec<String>, Vec<ExternalId>) {
    let mut emails = BTreeSet::new();
    let mut ext = BTreeSet::new();
    for row in &list.rows {
        for f in [Field::Email, Field::ManagerEmail] {
            if let Some(e) = email_to_look_up(list.cell(row, f), f) {
                emails.insert(e);
            }
        }
        if let Some(x) = external_id_to_look_up(list.cell(row, Field::ExternalId)) {
            ext.insert(x);
        }
    }
    (emails.into_iter().collect(), ext.into_iter().collect())
}

/// The lookup an email cell (`Email` or `ManagerEmail`) asks for, by the rules above; `None`
/// when the cell is not looked up.
pub fn email_to_look_up(cell: &str, field: Field) -> Option<String> {
    (cell.contains('@') && !super::cells::over_limit(Some(field), cell))
        .then(|| cell.to_lowercase())
}

/// The lookup an external-id cell asks for, by the rules above.
pub fn external_id_to_look_up(cell: &str) -> Option<ExternalId> {
    super::rules::parse_external_id(cell)
        .filter(|_| !super::cells::over_limit(Some(Field::ExternalId), cell))
}
