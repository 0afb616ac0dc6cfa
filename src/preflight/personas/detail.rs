//! `check --plan-detail`: what each row will ask for after persona resolution, by names, with
//! where each item came from (the row's own cell, or a persona), so an admin can see why a
//! user gets a skill before anything is written. Pure; the same resolution pre-flight checks.

use super::{PERSONA_FIELDS, PersonaSet, Source, compile};
use crate::model::{Field, HireList};
use serde::Serialize;

/// One desired item and its source: `row`, or `persona:<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesiredItem {
    pub field: &'static str,
    pub item: String,
    pub source: String,
}

/// One row's desired items, sorted by field (the personas' field order), then by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesiredRow {
    pub row: usize,
    pub line: usize,
    pub email: String,
    pub items: Vec<DesiredItem>,
}

/// Every row of `list` resolved against `set` (an empty set: every item is the row's own).
pub fn desired(list: &HireList, set: &PersonaSet) -> Vec<DesiredRow> {
    let compiled = compile(list, set);
    let rank = |f: Field| {
        PERSONA_FIELDS
            .iter()
            .position(|p| *p == f)
            .unwrap_or(usize::MAX)
    };
    list.rows
        .iter()
        .zip(&compiled.resolutions)
        .map(|(row, r)| {
            let mut items: Vec<(usize, String, DesiredItem)> = r
                .provenance
                .iter()
                .filter(|p| !p.item.trim().is_empty())
                .map(|p| {
                    let source = match p.source {
                        Source::Row => "row".to_string(),
                        Source::Persona(i) => set
                            .personas
                            .get(i)
                            .map_or_else(|| "persona".into(), |x| format!("persona:{}", x.name)),
                    };
                    let item = DesiredItem {
                        field: p.field.as_str(),
                        item: p.item.trim().to_string(),
                        source,
                    };
                    (rank(p.field), p.item.trim().to_lowercase(), item)
                })
                .collect();
            items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            DesiredRow {
                row: row.row,
                line: row.line,
                email: list.cell(row, Field::Email).trim().to_string(),
                items: items.into_iter().map(|(_, _, i)| i).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::personas::read_personas;

    #[test]
    fn items_are_sorted_by_field_then_name_with_their_source() {
        let set = read_personas(
            "p.csv",
            b"persona,roles,skills,queues\nBilling,Agent,Billing:4;Returns:2,Billing Tier 2\n",
        )
        .unwrap();
        let list = crate::ingest::read_bytes(
            "h.csv",
            b"email,persona,skills,queues\nana@x.com,Billing,Appeals:3;-Returns,General\nbo@x.com,,Sales:1,\n",
        )
        .unwrap();
        let d = desired(&list, &set);
        let show = |r: &DesiredRow| {
            r.items
                .iter()
                .map(|i| format!("{} {} {}", i.field, i.item, i.source))
                .collect::<Vec<_>>()
        };
        assert_eq!(d[0].email, "ana@x.com");
        assert_eq!(
            show(&d[0]),
            vec![
                "roles Agent persona:Billing",
                "skills Appeals:3 row",
                "skills Billing:4 persona:Billing",
                "queues Billing Tier 2 persona:Billing",
                "queues General row",
            ]
        );
        assert_eq!((d[1].row, d[1].line), (2, 3));
        assert_eq!(show(&d[1]), vec!["skills Sales:1 row"]);
    }
}
