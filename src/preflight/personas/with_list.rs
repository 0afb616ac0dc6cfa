//! A hire list checked with its personas file: the list compiled (each row's personas
//! resolved into its cells), each persona checked once against the org, and what resolution
//! noticed on each row handed to the row's own check, so it blocks or warns like any finding.
//!
//! A finding about a persona's values is reported once, on the persona (`row: null`,
//! `persona`, `file`), not again on every row that uses it; a row using a persona with an
//! error is blocked with `persona_invalid`, which points at it.

use super::{Compiled, FileProblem, Note, PersonaSet, check_personas, compile};
use crate::model::{Field, Finding, FindingCode, HireList, HireRow, OrgSnapshot, Severity};
use crate::preflight::message::did_you_mean;
use crate::preflight::{CheckOptions, CheckResult, check_all};

/// A list checked with personas.
#[derive(Debug, Clone)]
pub struct PersonaChecked {
    /// The check of the compiled list; its file findings include the personas file's.
    pub result: CheckResult,
    /// The list as provisioned: persona fields resolved, every other cell as written.
    pub compiled: Compiled,
    /// Rows naming each persona (same order as the set's personas).
    pub rows_using: Vec<usize>,
}

/// Check `list` against `snapshot` with the personas of `set`.
pub fn check_with_personas(
    list: &HireList,
    set: &PersonaSet,
    snapshot: &OrgSnapshot,
    options: &CheckOptions,
) -> PersonaChecked {
    let compiled = compile(list, set);
    let per_persona = check_personas(set, snapshot);
    let invalid: Vec<bool> = per_persona
        .iter()
        .map(|f| f.iter().any(|f| f.severity == Severity::Error))
        .collect();
    let mut options = options.clone();
    options.personas_resolved = true;
    for (row, r) in compiled.list.rows.iter().zip(&compiled.resolutions) {
        let email = list.cell(row, Field::Email);
        let mut found: Vec<Finding> = r
            .notes
            .iter()
            .map(|n| row_finding(row, email, note_code(n), note_message(n, set)))
            .collect();
        for &p in r.personas.iter().filter(|&&p| invalid[p]) {
            let persona = &set.personas[p];
            // Line 0: a reference captured from an org (clone, drift), not a file's row.
            let message = if persona.line == 0 {
                format!(
                    "the reference {} has error findings in this org (listed with it); map or create what is missing (--map, --create-missing) — the row is blocked until then",
                    persona.name
                )
            } else {
                format!(
                    "persona '{}' has errors in {} (line {}); fix the persona there — the row is blocked until then",
                    persona.name, set.source, persona.line
                )
            };
            found.push(row_finding(
                row,
                email,
                FindingCode::PersonaInvalid,
                message,
            ));
        }
        if !found.is_empty() {
            options.outside_findings.insert(row.row, found);
        }
    }
    let mut result = check_all(&compiled.list, snapshot, &options);
    for (i, r) in compiled.resolutions.iter().enumerate() {
        let theirs: Vec<(&str, &Finding)> = r
            .personas
            .iter()
            .flat_map(|&p| {
                per_persona[p]
                    .iter()
                    .map(move |f| (set.personas[p].name.as_str(), f))
            })
            .collect();
        if !theirs.is_empty() {
            result.drop_row_findings(i, |f| {
                theirs.iter().any(|(name, p)| same_finding(name, p, f))
            });
        }
    }
    let mut file_findings = problem_findings(set);
    for (p, findings) in set.personas.iter().zip(per_persona) {
        file_findings.extend(findings.into_iter().map(|f| Finding {
            persona: Some(p.name.clone()),
            file: Some(set.source.clone()),
            ..f
        }));
    }
    result.add_file_findings(file_findings);
    let mut rows_using = vec![0; set.personas.len()];
    for r in &compiled.resolutions {
        for &p in &r.personas {
            rows_using[p] += 1;
        }
    }
    PersonaChecked {
        result,
        compiled,
        rows_using,
    }
}

/// Whether a row's finding repeats one of persona `name`'s: same code and field, and the
/// persona's message is the row's behind the persona's name (`persona 'X': …`).
fn same_finding(name: &str, persona: &Finding, row: &Finding) -> bool {
    persona.code == row.code
        && persona.field == row.field
        && persona
            .message
            .strip_prefix(&format!("persona '{name}': "))
            .is_some_and(|m| m == row.message)
}

fn row_finding(row: &HireRow, email: &str, code: FindingCode, message: String) -> Finding {
    Finding {
        row: Some(row.row),
        line: Some(row.line),
        email: (!email.is_empty()).then(|| email.to_string()),
        field: Some("persona".to_string()),
        code,
        severity: code.severity(),
        message,
        suggestion: None,
        persona: None,
        file: None,
    }
}

fn note_code(note: &Note) -> FindingCode {
    match note {
        Note::UnknownPersona { .. } => FindingCode::UnknownPersona,
        Note::Conflict { .. } => FindingCode::PersonaConflict,
        Note::RemovesNothing { .. } => FindingCode::PersonaRemovesNothing,
        Note::SkillLimit { .. } => FindingCode::SkillLimit,
    }
}

fn note_message(note: &Note, set: &PersonaSet) -> String {
    let name = |i: usize| set.personas.get(i).map_or("?", |p| p.name.as_str());
    match note {
        Note::UnknownPersona { name, suggestion } => {
            let hint = match suggestion {
                Some(s) => did_you_mean(s),
                None => "; add it to the personas file or fix the name".to_string(),
            };
            format!("persona '{name}' is not in {}{hint}", set.source)
        }
        Note::Conflict {
            field,
            item,
            earlier,
            earlier_value,
            later,
            later_value,
        } => {
            let what = match item {
                Some(i) => format!("{} '{i}'", field.as_str()),
                None => field.as_str().to_string(),
            };
            format!(
                "personas '{}' and '{}' disagree on {what} ('{earlier_value}' and '{later_value}'); '{}' wins, as the later one in the cell — put the row's own value in its {} cell to choose",
                name(*earlier),
                name(*later),
                name(*later),
                field.as_str()
            )
        }
        Note::RemovesNothing { field, item } => format!(
            "'-{item}' in {} removes nothing: none of the row's personas gives '{item}'",
            field.as_str()
        ),
        Note::SkillLimit { count } => format!(
            "the row resolves to {count} skills; a user can have up to {} — drop skills from the row or its personas",
            super::resolve::SKILL_LIMIT
        ),
    }
}

/// The personas file's own problems as findings of that file.
fn problem_findings(set: &PersonaSet) -> Vec<Finding> {
    set.problems
        .iter()
        .map(|p| {
            let (code, line, persona, field) = match p {
                FileProblem::UnusedColumn { header } => {
                    (FindingCode::UnknownColumn, None, None, Some(header.clone()))
                }
                FileProblem::DuplicatePersona { name, line, .. } => (
                    FindingCode::DuplicateInFile,
                    Some(*line),
                    Some(name.clone()),
                    Some("persona".to_string()),
                ),
                FileProblem::MissingName { line } => (
                    FindingCode::MissingField,
                    Some(*line),
                    None,
                    Some("persona".to_string()),
                ),
            };
            Finding {
                row: None,
                line,
                email: None,
                field,
                code,
                severity: code.severity(),
                message: p.to_string(),
                suggestion: None,
                persona,
                file: Some(set.source.clone()),
            }
        })
        .collect()
}
