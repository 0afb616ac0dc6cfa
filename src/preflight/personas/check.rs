//! Checking each persona against the org once, so a misspelt skill in a persona used by 300
//! rows is one finding, not 300. Each persona is checked as a hire row holding only its own
//! cells (an unscoped role means the user's division, as in the hire list; with no division
//! the home division stands in), through the same rules as every row.

use super::{PERSONA_FIELDS, PersonaSet};
use crate::model::{Cells, Field, Finding, FindingCode, HireList, HireRow, OrgSnapshot};
use crate::preflight::{CheckOptions, check_all};

/// Findings about persona values, one list per persona (same order as `set.personas`). Each
/// finding has no row, the persona's line in the personas file, and a message that starts with
/// the persona's name.
pub fn check_personas(set: &PersonaSet, snapshot: &OrgSnapshot) -> Vec<Vec<Finding>> {
    if set.personas.is_empty() {
        return Vec::new();
    }
    let list = as_hire_list(set);
    let result = check_all(&list, snapshot, &CheckOptions::new());
    set.personas
        .iter()
        .zip(&result.row_findings)
        .map(|(p, findings)| {
            findings
                .iter()
                .filter(|f| about_persona_values(f))
                // Without a division of its own, where its roles and queues land depends on
                // each row's division: those warnings belong to the rows.
                .filter(|f| {
                    f.code != FindingCode::DivisionMismatch || !p.cell(Field::Division).is_empty()
                })
                .map(|f| Finding {
                    row: None,
                    line: Some(p.line),
                    email: None,
                    message: format!("persona '{}': {}", p.name, f.message),
                    ..f.clone()
                })
                .collect()
        })
        .collect()
}

/// Whether a finding on the stand-in row is about the persona's own values: a persona field,
/// and not a count across rows (seats are counted over the resolved hire list instead).
fn about_persona_values(f: &Finding) -> bool {
    let persona_field = f
        .field
        .as_deref()
        .is_some_and(|name| PERSONA_FIELDS.iter().any(|p| p.as_str() == name));
    persona_field && f.code != FindingCode::LicenseShortfall
}

/// One stand-in hire row per persona: a placeholder identity and the persona's cells.
fn as_hire_list(set: &PersonaSet) -> HireList {
    let mut headers = vec![
        Field::Email.as_str().to_string(),
        Field::Name.as_str().to_string(),
    ];
    let mut columns = vec![Some(Field::Email), Some(Field::Name)];
    for f in PERSONA_FIELDS {
        headers.push(f.as_str().to_string());
        columns.push(Some(f));
    }
    let rows = set
        .personas
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut cells = vec![
                format!("persona-{}@personas.invalid", i + 1),
                format!("Persona {}", i + 1),
            ];
            cells.extend(PERSONA_FIELDS.iter().map(|f| p.cell(*f).to_string()));
            HireRow {
                row: i + 1,
                line: p.line,
                cells: Cells::new(cells),
            }
        })
        .collect();
    HireList {
        source: set.source.clone(),
        headers,
        columns,
        rows,
        separator: Default::default(),
    }
}
