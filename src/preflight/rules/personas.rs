//! The row's `persona` cell: what resolving it from the personas file noticed (handed in
//! through [`CheckOptions::outside_findings`]), or, when no personas file was resolved, the
//! block that keeps a row from being provisioned without the skills, roles and queues its
//! personas would give.

use super::Ctx;
use crate::model::{FindingCode, HireList};
use crate::preflight::CheckOptions;
use crate::preflight::personas::persona_column;
use crate::preflight::rules::split_list;

pub(super) fn report(cx: &mut Ctx, list: &HireList, options: &CheckOptions) {
    if let Some(found) = options.outside_findings.get(&cx.row.row) {
        cx.findings.extend(found.iter().cloned());
    }
    if options.personas_resolved {
        return;
    }
    let Some(col) = persona_column(list) else {
        return;
    };
    let cell = cx.row.cells.get(col).unwrap_or("");
    let names: Vec<&str> = split_list(cell).collect();
    if names.is_empty() {
        return;
    }
    cx.push(
        Some("persona"),
        FindingCode::UnknownPersona,
        format!(
            "the row names {} {}, but no personas file was given; check and apply with --personas FILE, or clear the cell",
            if names.len() == 1 { "persona" } else { "personas" },
            names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None,
    );
}
