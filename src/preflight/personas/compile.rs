//! Compiling a hire list with personas into the list pre-flight checks: each row's persona
//! fields replaced by their resolution (a column is added for a field the list lacks), every
//! other cell, row number and line kept, so findings and reports still point at the admin's
//! file.

use super::{PERSONA_FIELDS, PersonaSet, Resolution, resolve};
use crate::model::{Cells, HireList, HireRow};

/// The hire list's `persona` column (the same header names as in a personas file).
pub fn persona_column(list: &HireList) -> Option<usize> {
    list.headers
        .iter()
        .position(|h| super::is_persona_header(h))
}

/// A hire list after persona resolution, with each row's resolution (same order as rows).
#[derive(Debug, Clone)]
pub struct Compiled {
    pub list: HireList,
    pub resolutions: Vec<Resolution>,
}

/// Resolve every row of `list` against `set`. A list without a `persona` column still has its
/// `-Name` items applied (they remove nothing, and say so).
pub fn compile(list: &HireList, set: &PersonaSet) -> Compiled {
    let key = persona_column(list);
    let mut out = list.clone_header();
    // The column each persona field is written to: the list's own, else a new one at the end.
    let mut targets = Vec::with_capacity(PERSONA_FIELDS.len());
    for f in PERSONA_FIELDS {
        let col = match out.column_of(f) {
            Some(c) => c,
            None => {
                out.headers.push(f.as_str().to_string());
                out.columns.push(Some(f));
                out.headers.len() - 1
            }
        };
        targets.push(col);
    }
    let width = out.headers.len();
    let mut resolutions = Vec::with_capacity(list.rows.len());
    for row in &list.rows {
        let cell = key.and_then(|k| row.cells.get(k)).unwrap_or("");
        let r = resolve(set, cell, |f| list.cell(row, f));
        let mut cells: Vec<String> = row.cells.iter().map(str::to_string).collect();
        // A short or long row stays as it is (pre-flight reports it and blocks it; nothing is
        // guessed): filling added persona columns would pad it or overwrite its extra cells.
        if cells.len() == list.headers.len() {
            cells.resize(width, String::new());
            for (f, col) in PERSONA_FIELDS.iter().zip(&targets) {
                cells[*col] = r.cell(*f).to_string();
            }
        }
        out.rows.push(HireRow {
            row: row.row,
            line: row.line,
            cells: Cells::new(cells),
        });
        resolutions.push(r);
    }
    Compiled {
        list: out,
        resolutions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_bytes;
    use crate::model::Field;
    use crate::preflight::personas::read_personas;

    #[test]
    fn rows_get_their_personas_and_keep_their_own_cells() {
        let set = read_personas(
            "personas.csv",
            b"persona,roles,skills,queues\nBilling Agent,Agent,Billing:4,Billing\nSpanish,,,Spanish\n",
        )
        .unwrap();
        let list = read_bytes(
            "hires.csv",
            b"email,name,persona,queues\na@x.co,Ann,Billing Agent; Spanish,VIP\nb@x.co,Bo,,\n",
        )
        .unwrap();
        let c = compile(&list, &set);
        let l = &c.list;
        assert_eq!(l.headers[..4], list.headers[..]);
        let a = &l.rows[0];
        assert_eq!(l.cell(a, Field::Email), "a@x.co");
        assert_eq!(l.cell(a, Field::Roles), "Agent");
        assert_eq!(l.cell(a, Field::Skills), "Billing:4");
        assert_eq!(l.cell(a, Field::Queues), "Billing; Spanish; VIP");
        assert_eq!((a.row, a.line), (1, 2));
        let b = &l.rows[1];
        assert_eq!(l.cell(b, Field::Roles), "");
        assert_eq!(l.cell(b, Field::Name), "Bo");
        assert_eq!(c.resolutions[0].personas, vec![0, 1]);
    }

    #[test]
    fn a_short_row_stays_short() {
        let set = read_personas("p.csv", b"persona,skills\nP,Billing:4\n").unwrap();
        let list = read_bytes("h.csv", b"email,persona,name\na@x.co,P\n").unwrap();
        let c = compile(&list, &set);
        let row = &c.list.rows[0];
        assert_eq!(row.cells.len(), 2);
        assert!(row.cells.len() < c.list.headers.len());
        let long = read_bytes("h.csv", b"email,persona\na@x.co,P,extra\n").unwrap();
        let c = compile(&long, &set);
        assert_eq!(c.list.rows[0].cells.get(2), Some("extra"));
    }
}
