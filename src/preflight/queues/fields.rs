//! A queue row's own cells: what did not type (`missing_field`, `invalid_value`,
//! `invalid_phone`), settings that contradict each other (`acw_timeout_not_allowed`), a name
//! given twice (`duplicate_in_file`), and columns onboard does not use (`unknown_column`).

use super::Cx;
use crate::ingest::queues::{PROMPTS_WITHOUT_TIMEOUT, QueueColumn, QueueList, column_for_header};
use crate::model::{Finding, FindingCode};
use crate::preflight::message::did_you_mean;
use crate::preflight::org::suggest;
use std::collections::HashMap;

pub(super) fn cell_findings(cx: &mut Cx) {
    for p in &cx.row.problems {
        let column = p.column.name();
        cx.findings.push(Finding {
            row: Some(cx.row.row),
            line: Some(cx.row.line),
            email: None,
            field: Some(column),
            code: p.code,
            severity: p.code.severity(),
            message: p.message.clone(),
            suggestion: None,
            persona: None,
            file: None,
        });
    }
    if let (Some(prompt), Some(s)) = (cx.row.acw, cx.row.acw_timeout_s)
        && PROMPTS_WITHOUT_TIMEOUT.contains(&prompt)
    {
        cx.push(
            Some("acw_timeout_s"),
            FindingCode::AcwTimeoutNotAllowed,
            format!(
                "queue '{}': an ACW timeout ({s} s) is given with the {prompt} prompt, which takes none; empty acw_timeout_s or use MANDATORY_TIMEOUT / MANDATORY_FORCED_TIMEOUT",
                cx.row.name
            ),
        );
    }
}

/// `duplicate_in_file`: a queue is identified by its name, case-insensitive.
pub(super) fn duplicate(cx: &mut Cx, seen: &mut HashMap<String, usize>) {
    if cx.row.name.is_empty() {
        return;
    }
    match seen.get(&cx.row.name.to_lowercase()) {
        Some(&first) => cx.push(
            Some("name"),
            FindingCode::DuplicateInFile,
            format!(
                "queue '{}' is also on row {first}; keep one row per queue",
                cx.row.name
            ),
        ),
        None => {
            seen.insert(cx.row.name.to_lowercase(), cx.row.row);
        }
    }
}

/// `unknown_column`: headers that map to no queue column (unnamed, repeated or unknown).
pub(super) fn column_findings(list: &QueueList) -> Vec<Finding> {
    let known: Vec<String> = QueueColumn::all()
        .into_iter()
        .map(QueueColumn::name)
        .collect();
    let mut out = Vec::new();
    for (i, h) in list.headers.iter().enumerate() {
        if list.columns.get(i).copied().flatten().is_some() {
            continue;
        }
        let mut suggestion = None;
        let (field, message) = if h.trim().is_empty() {
            (
                format!("column {}", i + 1),
                format!(
                    "column {} has no header; its cells are kept but not used — name it or delete it",
                    i + 1
                ),
            )
        } else if let Some(c) = column_for_header(h) {
            (
                h.clone(),
                format!(
                    "column '{h}' repeats '{}'; onboard reads the first one — remove the duplicate column",
                    c.name()
                ),
            )
        } else {
            suggestion = suggest(h, known.iter().map(String::as_str));
            let hint = match &suggestion {
                Some(s) => format!("{} Rename the header to use it", did_you_mean(s)),
                None => " — its cells are kept as they are but not provisioned".into(),
            };
            (
                h.clone(),
                format!("column '{h}' is not used by onboard{hint}"),
            )
        };
        let code = FindingCode::UnknownColumn;
        out.push(Finding {
            row: None,
            line: None,
            email: None,
            field: Some(field),
            code,
            severity: code.severity(),
            message,
            suggestion,
            persona: None,
            file: None,
        });
    }
    out
}
