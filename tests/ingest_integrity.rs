//! Ingest and pre-flight integrity (issue 10) through the real CSV parser: unbalanced quotes,
//! short rows, control characters, duplicates in a cell, cell lengths, files that are not
//! hire lists, `;`/tab separators, `action=skip`, and the CSV escape of every file onboard
//! writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod preflight_fixture;

use onboard::ingest::{self, IngestError, escape_cell, read_bytes, unescape_cell, write};
use onboard::model::{Field, Finding, FindingCode as C, PlanAction, Separator};
use onboard::preflight::CheckResult;
use preflight_fixture::{check_with, org};

fn run(text: &str) -> CheckResult {
    check_with(&org(), text).1
}

fn with_code(r: &CheckResult, code: C) -> Vec<&Finding> {
    r.findings().filter(|f| f.code == code).collect()
}

// ---------------------------------------------------------------------------------------
// Unbalanced quotes and line breaks
// ---------------------------------------------------------------------------------------

/// The issue's case: `"Agent` opens a quote that never closes, so the rest of the file is
/// read into that one cell. Today that said "0 errors"; now the row is short and the cell
/// holds line breaks, both errors, and the message names the line the quote opened on.
#[test]
fn unbalanced_quote_in_a_middle_column_is_an_error_naming_the_line() {
    let text = "email,name,roles,title\n\
                a@example.com,Ann,\"Agent,Agent\n\
                b@example.com,Bob,Agent,Agent\n\
                c@example.com,Cy,Agent,Agent\n";
    let r = run(text);
    assert_eq!(r.plan.rows.len(), 1, "the quote swallowed rows 2 and 3");
    let breaks = with_code(&r, C::InvalidValue);
    let f = breaks
        .iter()
        .find(|f| f.field.as_deref() == Some("roles"))
        .unwrap_or_else(|| panic!("{breaks:#?}"));
    assert!(
        f.message.contains("opens on line 2 and runs to line 4"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("a quote is probably unbalanced"),
        "{}",
        f.message
    );
    assert_eq!((f.row, f.line), (Some(1), Some(2)));
    assert_eq!(with_code(&r, C::ShortRow).len(), 1);
    assert!(r.has_errors());
    assert_eq!(r.plan.rows[0].action, PlanAction::Blocked);
}

/// In the last column the swallowing cell leaves the row full width: only the line break
/// gives it away. A quote that opens after an earlier multi-line cell is located by counting
/// the breaks before it.
#[test]
fn unbalanced_quote_in_the_last_column_and_line_counting() {
    let text = "email,name,title\n\
                a@example.com,Ann,Agent\n\
                b@example.com,Bob,\"Agent\n\
                c@example.com,Cy,Agent\n";
    let r = run(text);
    assert_eq!(r.plan.rows.len(), 2);
    let f = with_code(&r, C::InvalidValue)[0];
    assert_eq!(f.field.as_deref(), Some("title"));
    assert!(
        f.message.contains("opens on line 3 and runs to line 4"),
        "{}",
        f.message
    );
    assert!(with_code(&r, C::ShortRow).is_empty());

    // Two quoted cells with breaks in one row: the second opens where the first ended.
    let text = "email,name,title,department\n\
                a@example.com,Ann,\"two\nlines\",\"dept\nx\"\n";
    let r = run(text);
    let msgs: Vec<_> = with_code(&r, C::InvalidValue)
        .into_iter()
        .map(|f| (f.field.clone().unwrap(), f.message.clone()))
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].1.contains("opens on line 2 and runs to line 3"));
    assert!(msgs[1].1.contains("opens on line 3 and runs to line 4"));
    assert_eq!(msgs[1].0, "department");
}

#[test]
fn control_characters_are_errors_naming_the_column() {
    for (cell, what) in [
        ("An\0n", "NUL (U+0000)"),
        ("An\u{7f}n", "U+007F"),
        ("An\u{85}n", "U+0085"),
        ("An\u{9b}31mn", "U+009B"),
        ("An\tn", "a tab"),
        ("An\u{1b}[2Jn", "U+001B"),
    ] {
        let text = format!("email,name\nnew@example.com,\"{cell}\"\n");
        let r = run(&text);
        let f = with_code(&r, C::InvalidValue);
        assert_eq!(f.len(), 1, "{cell:?}: {f:#?}");
        assert_eq!(f[0].field.as_deref(), Some("name"), "{cell:?}");
        assert!(f[0].message.contains(what), "{cell:?}: {}", f[0].message);
        assert!(f[0].message.contains("character 3"), "{}", f[0].message);
    }
    // Unknown columns too: an unbalanced quote there swallows rows just the same.
    let r = run("email,name,Notes\nnew@example.com,N,\"a\nb\"\n");
    let f = with_code(&r, C::InvalidValue);
    assert_eq!(f[0].field.as_deref(), Some("Notes"));
}

/// U+0080–U+00BF share the lead byte 0xC2 that the fast scan looks for: accents, NBSP and
/// symbols must not be mistaken for control characters.
#[test]
fn printable_unicode_is_not_a_control_character() {
    let r = run(
        "email,name,title,department\nnew@example.com,José Ñúñez\u{a0}°,Agent ©,Support «EU» ¿\n",
    );
    let f: Vec<_> = r.findings().collect();
    assert!(f.is_empty(), "{f:#?}");
}

// ---------------------------------------------------------------------------------------
// Short rows
// ---------------------------------------------------------------------------------------

#[test]
fn a_short_row_is_an_error_and_nothing_is_guessed() {
    let text = "email,name,division,roles,queues,title\n\
                a@example.com,Ann,Home,Agent,General,Agent\n\
                b@example.com,Bob,Agent\n";
    let (list, r) = check_with(&org(), text);
    assert_eq!(list.rows[1].cells.len(), 3, "not padded");
    let f = with_code(&r, C::ShortRow);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].row, Some(2));
    assert!(
        f[0].message
            .contains("3 cells but the header has 6 columns (no cell for roles, queues, title)"),
        "{}",
        f[0].message
    );
    assert_eq!(r.plan.rows[1].action, PlanAction::Blocked);
    assert_eq!(r.plan.rows[0].action, PlanAction::Create);
    // More cells than the header stays what it was: invalid_value, not short_row.
    let r = run("email,name\nnew@example.com,N,extra\n");
    assert!(with_code(&r, C::ShortRow).is_empty());
    assert!(
        with_code(&r, C::InvalidValue)[0]
            .message
            .contains("3 cells but the header has 2")
    );
}

// ---------------------------------------------------------------------------------------
// Duplicates in one cell
// ---------------------------------------------------------------------------------------

#[test]
fn the_same_name_twice_in_a_cell_is_duplicate_in_row() {
    for (col, cell, first, second) in [
        ("skills", "Billing:3; Billing:4", "Billing:3", "Billing:4"),
        ("skills", "Billing; BILLING:4", "Billing", "BILLING:4"),
        ("languages", "English:5|english:4", "English:5", "english:4"),
        (
            "queues",
            "General; Sales Inbound; general",
            "General",
            "general",
        ),
        ("roles", "Agent; agent", "Agent", "agent"),
        (
            "roles",
            "Agent@Sales; Agent@sales",
            "Agent@Sales",
            "Agent@sales",
        ),
    ] {
        let text =
            format!("email,name,roles,{col}\nnew@example.com,N,Agent@Sales;Agent,\"{cell}\"\n");
        let text = if col == "roles" {
            format!("email,name,roles\nnew@example.com,N,\"{cell}\"\n")
        } else {
            text
        };
        let r = run(&text);
        let f = with_code(&r, C::DuplicateInRow);
        assert_eq!(
            f.len(),
            1,
            "{col} {cell}: {:#?}",
            r.findings().collect::<Vec<_>>()
        );
        assert_eq!(f[0].field.as_deref(), Some(col));
        assert!(
            f[0].message.contains(&format!("'{first}' and '{second}'")),
            "{}",
            f[0].message
        );
    }
    // Not duplicates: the same role in two divisions, different skills.
    for (col, cell) in [
        ("roles", "Agent; Agent@Sales"),
        ("skills", "Billing:3; Returns:3"),
    ] {
        let r = run(&format!(
            "email,name,roles,{col}\nnew@example.com,N,Agent;Agent@Sales,\"{cell}\"\n"
        ));
        assert!(with_code(&r, C::DuplicateInRow).is_empty(), "{cell}");
    }
}

// ---------------------------------------------------------------------------------------
// Lengths
// ---------------------------------------------------------------------------------------

#[test]
fn cells_longer_than_the_api_takes_are_errors() {
    let at = |n: usize| "x".repeat(n);
    for (col, limit) in [
        ("name", 255),
        ("title", 255),
        ("department", 255),
        ("first_name", 255),
    ] {
        let over = run(&format!("email,{col}\nnew@example.com,{}\n", at(limit + 1)));
        let f = with_code(&over, C::InvalidValue);
        assert_eq!(f.len(), 1, "{col}: {f:#?}");
        assert_eq!(f[0].field.as_deref(), Some(col));
        assert!(
            f[0].message.contains(&format!(
                "{} characters long; Genesys Cloud takes at most {limit}",
                limit + 1
            )),
            "{}",
            f[0].message
        );
        // Nothing else is said about the unusable cell (no missing name, for one).
        assert!(
            with_code(&over, C::MissingField).is_empty() || col == "title" || col == "department"
        );
        let ok = run(&format!(
            "email,name,{col}\nnew@example.com,N,{}\n",
            at(limit)
        ));
        assert!(
            with_code(&ok, C::InvalidValue).is_empty(),
            "{col} at the limit"
        );
    }
    // Characters, not bytes: 255 two-byte characters are fine.
    let r = run(&format!(
        "email,name\nnew@example.com,{}\n",
        "é".repeat(255)
    ));
    assert!(with_code(&r, C::InvalidValue).is_empty());
    // An email over 254 characters: one finding, by length, and no "email is empty".
    let long_email = format!("{}@example.com", "a".repeat(250));
    let r = run(&format!("email,name\n{long_email},N\n"));
    assert_eq!(
        with_code(&r, C::InvalidValue)[0].field.as_deref(),
        Some("email")
    );
    assert!(with_code(&r, C::MissingField).is_empty());
    // first_name + last_name together.
    let r = run(&format!(
        "email,first_name,last_name\nnew@example.com,{},{}\n",
        at(200),
        at(100)
    ));
    let f = with_code(&r, C::InvalidValue);
    assert_eq!(f[0].field.as_deref(), Some("name"));
    assert!(f[0].message.contains("301 characters"), "{}", f[0].message);
}

/// A 10 MB cell is refused at pre-flight, once, without echoing it anywhere.
#[test]
fn a_huge_cell_is_one_short_finding() {
    let huge = "B".repeat(10 << 20);
    for col in ["title", "skills", "Notes"] {
        let text = format!("email,name,{col}\nnew@example.com,N,{huge}\n");
        let r = run(&text);
        let f: Vec<_> = r.findings().filter(|f| f.row.is_some()).collect();
        assert_eq!(
            f.len(),
            1,
            "{col}: {:?}",
            f.iter().map(|f| f.code).collect::<Vec<_>>()
        );
        assert_eq!(f[0].code, C::InvalidValue);
        assert_eq!(f[0].field.as_deref(), Some(col));
        assert!(f[0].message.len() < 300, "{col}: the cell is not echoed");
        assert!(r.has_errors());
    }
}

// ---------------------------------------------------------------------------------------
// Files that are not hire lists; separators
// ---------------------------------------------------------------------------------------

#[test]
fn a_file_that_is_not_a_csv_hire_list_is_refused_in_one_line() {
    for (bytes, looks) in [
        (&b"[{\"email\": \"a@example.com\"}]\n"[..], "JSON"),
        (b"  {\n  \"users\": []\n}\n", "JSON"),
        (b"<?xml version=\"1.0\"?>\n<users/>\n", "XML or HTML"),
        (
            b"<!DOCTYPE html>\n<html><body>email</body></html>",
            "XML or HTML",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary"),
        (b"\x00\x01\x02email,name\n", "binary"),
    ] {
        let err = read_bytes("hires.csv", bytes).unwrap_err();
        assert!(matches!(err, IngestError::NotCsv { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains(looks), "{msg}");
        assert!(msg.contains("hires.csv is not a CSV hire list"), "{msg}");
        assert!(msg.contains("no 'email' column"), "{msg}");
        assert_eq!(msg.lines().count(), 1, "{msg}");
    }
    // A first line that starts oddly but names an email column is read.
    let l = read_bytes("h.csv", b"<id>,email\n1,a@example.com\n").unwrap();
    assert_eq!(l.cell(&l.rows[0], Field::Email), "a@example.com");
    // Non-UTF-8 text keeps its own message (it is text, just not UTF-8).
    let err = read_bytes("h.csv", b"email,name\na@example.com,Jos\xe9\n").unwrap_err();
    assert!(matches!(err, IngestError::NotUtf8 { .. }), "{err:?}");
}

#[test]
fn semicolon_and_tab_separated_files_are_detected_and_said() {
    let semi = "email;name;skills;queues\n\
                a@example.com;Lima, Ana;\"Billing:3; Returns:2\";General\n";
    let l = read_bytes("hires.csv", semi.as_bytes()).unwrap();
    assert_eq!(l.separator, Separator::Semicolon);
    assert_eq!(l.cell(&l.rows[0], Field::Name), "Lima, Ana");
    assert_eq!(l.cell(&l.rows[0], Field::Skills), "Billing:3; Returns:2");
    let notes = ingest::notes(&l);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("semicolons (;)"), "{notes:?}");
    let r = check_with(&org(), semi).1;
    assert!(!r.has_errors(), "{:#?}", r.findings().collect::<Vec<_>>());

    let tab = "Email\tName\tRoles\na@example.com\tAna\tAgent\n";
    let l = read_bytes("hires.tsv", tab.as_bytes()).unwrap();
    assert_eq!(l.separator, Separator::Tab);
    assert_eq!(l.cell(&l.rows[0], Field::Roles), "Agent");
    assert!(ingest::notes(&l)[0].contains("tabs"));

    // A comma file whose cells hold `;` stays a comma file, with no note.
    let comma = "email,name,skills\na@example.com,Ana,Billing:3;Returns:2\n";
    let l = read_bytes("h.csv", comma.as_bytes()).unwrap();
    assert_eq!(l.separator, Separator::Comma);
    assert!(ingest::notes(&l).is_empty());
    // Written back with the separator it was read with.
    let l = read_bytes("h.csv", semi.as_bytes()).unwrap();
    let mut out = Vec::new();
    write(&l, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("email;name;skills;queues\n"), "{text}");
    let back = read_bytes("h.csv", text.as_bytes()).unwrap();
    assert_eq!(back.rows[0].cells, l.rows[0].cells);
}

// ---------------------------------------------------------------------------------------
// action = skip
// ---------------------------------------------------------------------------------------

#[test]
fn action_skip_keeps_the_row_and_does_not_run_it() {
    let text = "email,name,skills,action\n\
                a@example.com,Ann,Billing:3,\n\
                not-an-email,,Biling:9,Skip\n\
                c@example.com,Cy,,skip\n";
    let r = run(text);
    let actions: Vec<_> = r.plan.rows.iter().map(|p| p.action).collect();
    assert_eq!(
        actions,
        [PlanAction::Create, PlanAction::Skipped, PlanAction::Skipped]
    );
    // A skipped row is not checked: its errors do not block the run.
    assert!(!r.has_errors(), "{:#?}", r.findings().collect::<Vec<_>>());
    assert_eq!((r.summary().ready, r.summary().blocked), (1, 0));
    // An unknown action suggests the three.
    let r = run("email,name,action\nnew@example.com,N,skp\n");
    let f = with_code(&r, C::InvalidValue);
    assert_eq!(f[0].suggestion.as_deref(), Some("skip"));
    assert!(f[0].message.contains("'skip'"), "{}", f[0].message);
}

// ---------------------------------------------------------------------------------------
// CSV escaping
// ---------------------------------------------------------------------------------------

const TRICKY: [&str; 14] = [
    "+13175550101",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "=cmd|' /C calc'!A0",
    "-5",
    "@x",
    "\tlead tab",
    "\rlead cr",
    "'=already quoted",
    "''+two",
    "'plain apostrophe",
    "'",
    "a=b",
    "O'Brien",
    "",
];

#[test]
fn escape_and_unescape_are_inverse() {
    for v in TRICKY {
        assert_eq!(unescape_cell(&escape_cell(v)), v, "{v:?}");
    }
    assert_eq!(escape_cell("+13175550101"), "'+13175550101");
    assert_eq!(escape_cell("=1+2"), "'=1+2");
    assert_eq!(escape_cell("O'Brien"), "O'Brien");
    // What a person types in a spreadsheet to keep a phone as text reads as the phone.
    assert_eq!(unescape_cell("'+13175550101"), "+13175550101");
    assert_eq!(unescape_cell("'quoted"), "'quoted");
}

#[test]
fn written_lists_escape_formulas_and_load_back_with_the_same_values() {
    let mut text = String::from("email,phone,title,=Formula Header\n");
    for (i, v) in TRICKY.iter().enumerate() {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([format!("a{i}@example.com").as_str(), "", v, ""])
            .unwrap();
        text.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
    }
    // Read as a user's file would be: cells as given (none starts with `'` + formula char
    // except the deliberate ones, which read without their `'`).
    let mut list = read_bytes("h.csv", text.as_bytes()).unwrap();
    for (i, v) in TRICKY.iter().enumerate() {
        list.rows[i].cells.set(2, v);
        list.rows[i].cells.set(1, "+13175550101");
    }
    let mut out = Vec::new();
    write(&list, &mut out).unwrap();
    let written = String::from_utf8(out.clone()).unwrap();
    assert!(
        written.starts_with("email,phone,title,'=Formula Header\n"),
        "{written}"
    );
    assert!(written.contains(",'+13175550101,"), "{written}");
    assert!(written.contains("\"'=HYPERLINK("), "{written}");
    assert!(written.contains("'=cmd|"), "{written}");
    assert!(written.contains(",'-5,"), "{written}");
    assert!(written.contains(",'@x,"), "{written}");
    // No written cell starts like a formula (quoted or not).
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(written.as_bytes());
    for rec in r.records() {
        for c in rec.unwrap().iter() {
            assert!(
                !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unescaped cell {c:?}"
            );
        }
    }
    let back = read_bytes("h.csv", &out).unwrap();
    assert_eq!(back.headers, list.headers);
    for (a, b) in back.rows.iter().zip(&list.rows) {
        assert_eq!(a.cells, b.cells);
    }
}

/// The failed-rows CSV beside a report goes through the same writer.
#[test]
fn failed_rows_csv_is_escaped_and_loads_back() {
    let text = "email,phone,title\n\
                a@example.com,'+13175550101,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n\
                b@example.com,+13175550102,-5\n";
    let list = read_bytes("h.csv", text.as_bytes()).unwrap();
    assert_eq!(list.cell(&list.rows[0], Field::Phone), "+13175550101");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("failed.csv");
    onboard::report::write_rows_csv(&list, &[1, 2], &p).unwrap();
    let written = std::fs::read_to_string(&p).unwrap();
    assert_eq!(
        written,
        "email,phone,title\n\
         a@example.com,'+13175550101,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n\
         b@example.com,'+13175550102,'-5\n"
    );
    let back = ingest::read_path(&p).unwrap();
    for (a, b) in back.rows.iter().zip(&list.rows) {
        assert_eq!(a.cells, b.cells);
    }
}
