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
    let usable = |f: Field, c: &str| !super::cells::over_limit(Some(f), c);
    for row in &list.rows {
        for f in [Field::Email, Field::ManagerEmail] {
            let e = list.cell(row, f);
            if e.contains('@') && usable(f, e) {
                emails.insert(e.to_lowercase());
            }
        }
        let x = list.cell(row, Field::ExternalId);
        if let Some(x) = super::rules::parse_external_id(x).filter(|_| usable(Field::ExternalId, x))
        {
            ext.insert(x);
        }
    }
    (emails.into_iter().collect(), ext.into_iter().collect())
}
