//! Property: onboard's persona resolution equals a second, plain resolver written straight
//! from the rules (personas in cell order — list groups a union, the later persona wins a
//! skill's or language's proficiency, a media type's capacity and a scalar — then the row's
//! own cells: a scalar overrides, items add, `Name:prof` and `media=n` override, `-Name`
//! removes), for random personas files
//! and rows, through the real CSV reader.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::model::Field;
use onboard::preflight::personas::{Note, PERSONA_FIELDS, read_personas, resolve};
use proptest::prelude::*;

const NAMES: &[&str] = &["Billing", "Spanish", "Lead", "Night"];
const SCALARS: &[&str] = &["", "Sales", "Support", "sales"];
const ROLES: &[&str] = &[
    "Agent",
    "Supervisor",
    "agent",
    "Agent@Sales",
    "Agent @ sales",
];
const SKILLS: &[&str] = &[
    "Billing:4",
    "billing:2",
    "Payments:3",
    "Chat:5",
    "Payments:3",
];
const QUEUES: &[&str] = &["Q1", "Q2", "q1", "Escalations"];
const CAPACITIES: &[&str] = &["chat=3", "Chat=2", "call:1", "email=4", "call=2"];
const REMOVALS: &[&str] = &["-Q1", "-Agent", "-Billing", "-Chat", "-Nothing", "-call"];

/// How a field combines, as the rules say (written again here, on purpose).
fn kind(f: Field) -> &'static str {
    match f {
        Field::Division | Field::Department | Field::Title => "scalar",
        Field::Skills | Field::Languages => "prof",
        Field::Utilization => "capacity",
        _ => "union",
    }
}

/// Whether a later item of the same name replaces the earlier one.
fn keyed(f: Field) -> bool {
    matches!(kind(f), "prof" | "capacity")
}

fn pool(f: Field) -> &'static [&'static str] {
    match kind(f) {
        "scalar" => SCALARS,
        "prof" => SKILLS,
        "capacity" => CAPACITIES,
        _ if f == Field::Roles => ROLES,
        _ => QUEUES,
    }
}

fn key(f: Field, item: &str) -> String {
    let name = match kind(f) {
        "prof" => item.split(':').next().unwrap_or(item),
        "capacity" => item.split(['=', ':']).next().unwrap_or(item),
        _ => item,
    };
    name.to_lowercase().replace(' ', "")
}

/// The plain resolver: per field, a list of (key, text) built step by step.
fn plain(personas: &[Vec<String>], used: &[usize], row: &[String]) -> (Vec<String>, usize) {
    let mut cells = Vec::new();
    let mut removes_nothing = 0;
    for (fi, f) in PERSONA_FIELDS.iter().enumerate() {
        let mut items: Vec<(String, String)> = Vec::new();
        for &p in used {
            let cell = &personas[p][fi];
            if kind(*f) == "scalar" {
                if !cell.trim().is_empty() {
                    items = vec![(String::new(), cell.trim().to_string())];
                }
                continue;
            }
            for it in cell.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                match items.iter().position(|(k, _)| *k == key(*f, it)) {
                    None => items.push((key(*f, it), it.to_string())),
                    Some(i) if keyed(*f) => items[i].1 = it.to_string(),
                    Some(_) => {}
                }
            }
        }
        let own = &row[fi];
        if kind(*f) == "scalar" {
            if !own.trim().is_empty() {
                items = vec![(String::new(), own.trim().to_string())];
            }
        } else {
            for it in own.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                if let Some(gone) = it.strip_prefix('-') {
                    let n = items.len();
                    items.retain(|(k, _)| *k != key(*f, gone.trim()));
                    if items.len() == n {
                        removes_nothing += 1;
                    }
                    continue;
                }
                match items.iter().position(|(k, _)| *k == key(*f, it)) {
                    None => items.push((key(*f, it), it.to_string())),
                    Some(i) if keyed(*f) => items[i].1 = it.to_string(),
                    Some(_) => {}
                }
            }
        }
        let text: Vec<String> = items.into_iter().map(|(_, t)| t).collect();
        cells.push(text.join("; "));
    }
    (cells, removes_nothing)
}

fn cell_strategy(f: Field, with_removals: bool) -> BoxedStrategy<String> {
    let mut choices: Vec<&'static str> = pool(f).to_vec();
    if with_removals && kind(f) != "scalar" {
        choices.extend_from_slice(REMOVALS);
    }
    if kind(f) == "scalar" {
        proptest::sample::select(choices)
            .prop_map(str::to_string)
            .boxed()
    } else {
        proptest::collection::vec(proptest::sample::select(choices), 0..4)
            .prop_map(|v| v.join("; "))
            .boxed()
    }
}

fn cells_strategy(with_removals: bool) -> impl Strategy<Value = Vec<String>> {
    PERSONA_FIELDS
        .iter()
        .map(|f| cell_strategy(*f, with_removals))
        .collect::<Vec<_>>()
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn resolution_equals_the_plain_resolver(
        personas in proptest::collection::vec(cells_strategy(false), 1..=4),
        used in proptest::collection::vec(0usize..4, 0..4),
        row in cells_strategy(true),
    ) {
        let mut file = String::from("persona");
        for f in PERSONA_FIELDS {
            file.push(',');
            file.push_str(f.as_str());
        }
        file.push('\n');
        for (i, cells) in personas.iter().enumerate() {
            file.push_str(NAMES[i]);
            for c in cells {
                file.push(',');
                file.push_str(&quote(c));
            }
            file.push('\n');
        }
        let set = read_personas("personas.csv", file.as_bytes()).unwrap();
        // The row names personas by index; an index past the file's personas is unknown.
        let mut names = Vec::new();
        let mut known = Vec::new();
        for &u in &used {
            names.push(NAMES[u]);
            if u < personas.len() && !known.contains(&u) {
                known.push(u);
            }
        }
        let own = |f: Field| {
            let i = PERSONA_FIELDS.iter().position(|g| *g == f).unwrap();
            row[i].as_str()
        };
        let got = resolve(&set, &names.join("; "), own);
        let (want, removes_nothing) = plain(&personas, &known, &row);
        for (i, f) in PERSONA_FIELDS.iter().enumerate() {
            prop_assert_eq!(
                got.cell(*f).to_lowercase().replace(' ', ""),
                want[i].to_lowercase().replace(' ', ""),
                "field {}", f.as_str()
            );
        }
        prop_assert_eq!(got.personas.clone(), known.clone());
        let unknown = used.iter().filter(|u| **u >= personas.len()).count();
        let noted_unknown = got.notes.iter().filter(|n| matches!(n, Note::UnknownPersona { .. })).count();
        prop_assert_eq!(noted_unknown, unknown);
        let noted_removals = got.notes.iter().filter(|n| matches!(n, Note::RemovesNothing { .. })).count();
        prop_assert_eq!(noted_removals, removes_nothing);
    }
}
