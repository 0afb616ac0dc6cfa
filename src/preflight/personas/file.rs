//! Reading and writing a personas file (from and to bytes: the caller does the IO). It is read by the hire list's own reader (same UTF-8 and quoting
//! errors, BOM, separators, header aliases), then its `persona` column is the key and every
//! other column must be one of the persona fields.

use super::{FileProblem, Persona, PersonaSet, combine, is_persona_header, same_name};
use crate::ingest::IngestError;

/// Why a personas file could not be read at all. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum PersonaFileError {
    #[error("{0}")]
    Ingest(#[from] IngestError),
    #[error(
        "{source_name} has no 'persona' column: a personas file needs one, naming each persona (e.g. `persona,roles,skills` then `Billing Agent,Agent,Billing:4`)"
    )]
    NoPersonaColumn { source_name: String },
}

/// Read a personas file from bytes; `name` is used in messages.
pub fn read_personas(name: &str, bytes: &[u8]) -> Result<PersonaSet, PersonaFileError> {
    from_hire_list(crate::ingest::read_bytes(name, bytes)?)
}

/// A personas file already read by the hire list's reader.
pub fn from_hire_list(list: crate::model::HireList) -> Result<PersonaSet, PersonaFileError> {
    let key = list
        .headers
        .iter()
        .position(|h| is_persona_header(h))
        .ok_or_else(|| PersonaFileError::NoPersonaColumn {
            source_name: list.source.clone(),
        })?;
    let mut problems = Vec::new();
    // The persona field each column sets, None for the key and for unused columns.
    let mut fields = Vec::with_capacity(list.headers.len());
    for (i, header) in list.headers.iter().enumerate() {
        let field = list.columns.get(i).copied().flatten();
        let usable = field.filter(|f| combine(*f).is_some());
        if i != key && usable.is_none() && !header.trim().is_empty() {
            problems.push(FileProblem::UnusedColumn {
                header: header.trim().to_string(),
            });
        }
        fields.push(if i == key { None } else { usable });
    }
    let mut personas: Vec<Persona> = Vec::new();
    for row in &list.rows {
        let name = row.cells.get(key).unwrap_or("").trim().to_string();
        let cells: Vec<_> = fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((((*f)?), row.cells.get(i).unwrap_or("").trim().to_string())))
            .collect();
        if name.is_empty() {
            if cells.iter().any(|(_, v)| !v.is_empty()) {
                problems.push(FileProblem::MissingName { line: row.line });
            }
            continue;
        }
        if let Some(first) = personas.iter().find(|p| same_name(&p.name, &name)) {
            problems.push(FileProblem::DuplicatePersona {
                name,
                line: row.line,
                first_line: first.line,
            });
            continue;
        }
        personas.push(Persona {
            name,
            line: row.line,
            cells,
        });
    }
    Ok(PersonaSet {
        source: list.source,
        personas,
        problems,
    })
}

/// Write `set` as a personas file: a `persona` column, then every persona field any persona
/// has a column for, in the usual order. Cells are escaped so a spreadsheet shows them as text.
pub fn write_personas(set: &PersonaSet, out: impl std::io::Write) -> std::io::Result<()> {
    let fields: Vec<_> = super::PERSONA_FIELDS
        .into_iter()
        .filter(|f| {
            set.personas
                .iter()
                .any(|p| p.cells.iter().any(|(g, _)| g == f))
        })
        .collect();
    let mut w = csv::Writer::from_writer(out);
    let header = std::iter::once("persona").chain(fields.iter().map(|f| f.as_str()));
    w.write_record(header).map_err(std::io::Error::other)?;
    for p in &set.personas {
        let cells = std::iter::once(p.name.as_str()).chain(fields.iter().map(|f| p.cell(*f)));
        w.write_record(
            cells
                .map(crate::ingest::escape_cell)
                .map(|c| c.into_owned()),
        )
        .map_err(std::io::Error::other)?;
    }
    w.flush()
}

/// Put `persona` into `set`: in place of the persona of the same name, else at the end.
pub fn upsert(set: &mut PersonaSet, persona: Persona) {
    match set.position(&persona.name) {
        Some(i) => {
            let line = set.personas[i].line;
            set.personas[i] = Persona { line, ..persona };
        }
        None => set.personas.push(persona),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;

    const SPEC: &str = "persona,division,roles,skills,languages,queues,licenses,title,department\n\
Billing Agent,,Agent,Billing:4; Payments:3,English:5,Billing Tier 1; Payments,,Billing Agent,Billing\n\
Spanish,,,,Spanish:4,Spanish Support,,,\n\
Team Lead,,Supervisor; Agent,Escalations:5,,Escalations,cx3,Team Lead,\n";

    #[test]
    fn reads_the_spec_example() {
        let set = read_personas("personas.csv", SPEC.as_bytes()).unwrap();
        assert_eq!(set.personas.len(), 3);
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        let billing = set.get("billing agent").unwrap();
        assert_eq!(billing.line, 2);
        assert_eq!(billing.cell(Field::Skills), "Billing:4; Payments:3");
        assert_eq!(billing.cell(Field::Title), "Billing Agent");
        assert_eq!(set.get(" Team Lead ").unwrap().cell(Field::Licenses), "cx3");
        assert!(set.get("Team").is_none());
        assert_eq!(set.suggest("Spansh").as_deref(), Some("Spanish"));
    }

    #[test]
    fn duplicates_unused_columns_and_nameless_rows_are_problems() {
        let text = "Persona,Roles,email,wrapup\nA,Agent,a@x.co,\na,Supervisor,,\n,Agent,,\n,,,\n";
        let set = read_personas("p.csv", text.as_bytes()).unwrap();
        assert_eq!(set.personas.len(), 1);
        assert_eq!(set.personas[0].cell(Field::Roles), "Agent");
        assert_eq!(
            set.problems,
            vec![
                FileProblem::UnusedColumn {
                    header: "email".into()
                },
                FileProblem::UnusedColumn {
                    header: "wrapup".into()
                },
                FileProblem::DuplicatePersona {
                    name: "a".into(),
                    line: 3,
                    first_line: 2
                },
                FileProblem::MissingName { line: 4 },
            ]
        );
    }

    #[test]
    fn written_personas_read_back_the_same() {
        let mut set = read_personas("p.csv", SPEC.as_bytes()).unwrap();
        upsert(
            &mut set,
            Persona {
                name: "spanish".into(),
                line: 0,
                cells: vec![
                    (Field::Languages, "Spanish:5".into()),
                    (Field::Queues, "=cmd()".into()),
                ],
            },
        );
        let mut bytes = Vec::new();
        write_personas(&set, &mut bytes).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("'=cmd()"), "{text}");
        let back = read_personas("p.csv", &bytes).unwrap();
        assert_eq!(back.personas.len(), 3);
        assert_eq!(
            back.get("Spanish").unwrap().cell(Field::Languages),
            "Spanish:5"
        );
        assert_eq!(back.get("Spanish").unwrap().cell(Field::Queues), "=cmd()");
        assert_eq!(
            back.get("Billing Agent").unwrap().cell(Field::Skills),
            "Billing:4; Payments:3"
        );
    }

    #[test]
    fn a_file_without_a_persona_column_is_refused_with_what_to_do() {
        let err = read_personas("p.csv", b"name,roles\nA,Agent\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("no 'persona' column"), "{msg}");
        assert!(msg.contains("p.csv"), "{msg}");
    }
}
