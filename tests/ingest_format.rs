//! The hire-list format (docs/contract.md §2) through the real CSV parser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::ingest::{IngestError, read_bytes, read_path, write};
use onboard::model::Field;

#[test]
fn bom_crlf_quotes_blank_lines() {
    let text = "\u{feff}Email,Name,Queues\r\n\"ana@example.com\",\"Lima, Ana\",\"General; Overflow\"\r\n\r\nbo@example.com,\"Bo \"\"B\"\" Li\",General\r\n\r\n,,\r\n";
    let l = read_bytes("h.csv", text.as_bytes()).unwrap();
    assert_eq!(l.headers, vec!["Email", "Name", "Queues"]);
    assert_eq!(l.rows.len(), 2);
    assert_eq!(l.cell(&l.rows[0], Field::Email), "ana@example.com");
    assert_eq!(l.cell(&l.rows[0], Field::Name), "Lima, Ana");
    assert_eq!(l.cell(&l.rows[1], Field::Name), "Bo \"B\" Li");
    assert_eq!((l.rows[0].row, l.rows[0].line), (1, 2));
    assert_eq!((l.rows[1].row, l.rows[1].line), (2, 4));
}

#[test]
fn multiline_quoted_cell_keeps_line_of_row_start() {
    let text = "email,title\na@x.com,\"two\nlines\"\nb@x.com,t\n";
    let l = read_bytes("h.csv", text.as_bytes()).unwrap();
    assert_eq!(&l.rows[0].cells[1], "two\nlines");
    assert_eq!(l.rows[1].line, 4);
}

#[test]
fn ragged_rows_keep_exactly_their_cells() {
    let text = "email,name,title\na@x.com\nb@x.com,B,T,extra\nc@x.com,C,,,\n";
    let l = read_bytes("h.csv", text.as_bytes()).unwrap();
    // A short row is not padded (pre-flight reports it); missing cells read as empty.
    assert_eq!(l.rows[0].cells, vec!["a@x.com"]);
    assert_eq!(l.cell(&l.rows[0], Field::Name), "");
    assert_eq!(l.rows[1].cells, vec!["b@x.com", "B", "T", "extra"]);
    // trailing empty cells past the header carry nothing
    assert_eq!(l.rows[2].cells, vec!["c@x.com", "C", ""]);
}

#[test]
fn genesys_import_template_headers_map() {
    let text = "name,email,phone_work,extension,title,department,email_manager,location_work,roles_divisions,queues,division,skills\n";
    let l = read_bytes("t.csv", text.as_bytes()).unwrap();
    assert_eq!(
        l.columns,
        vec![
            Some(Field::Name),
            Some(Field::Email),
            Some(Field::Phone),
            Some(Field::Extension),
            Some(Field::Title),
            Some(Field::Department),
            Some(Field::ManagerEmail),
            None,
            Some(Field::Roles),
            Some(Field::Queues),
            Some(Field::Division),
            Some(Field::Skills),
        ]
    );
}

#[test]
fn header_matching_ignores_case_spaces_underscores_dashes() {
    let text = "E-Mail, First Name ,LAST_NAME,Manager Email,External-Id\n";
    let l = read_bytes("t.csv", text.as_bytes()).unwrap();
    assert_eq!(
        l.columns,
        vec![
            Some(Field::Email),
            Some(Field::FirstName),
            Some(Field::LastName),
            Some(Field::ManagerEmail),
            Some(Field::ExternalId)
        ]
    );
}

#[test]
fn non_utf8_is_a_clear_error_naming_the_line() {
    let err = read_bytes("h.csv", b"email,name\r\na@x.com,A\r\nb@x.com,Jos\xe9\r\n").unwrap_err();
    assert!(
        matches!(err, IngestError::NotUtf8 { line: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("UTF-8"), "{err}");
}

#[test]
fn empty_input_is_an_error() {
    for text in ["", "\u{feff}", "\n\n", ",,\n"] {
        let err = read_bytes("e.csv", text.as_bytes()).unwrap_err();
        assert!(
            matches!(err, IngestError::Empty { .. }),
            "{text:?}: {err:?}"
        );
    }
}

#[test]
fn header_only_gives_no_rows() {
    let l = read_bytes("h.csv", b"email,name\n").unwrap();
    assert!(l.rows.is_empty());
}

#[test]
fn unreadable_path_names_the_file() {
    let err = read_path(std::path::Path::new("/nonexistent/hires.csv")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/hires.csv"), "{err}");
}

#[test]
fn write_back_keeps_every_column_and_order() {
    let text = "Email,Cost Centre,name,skills\na@x.com,42,\"Lima, Ana\",Billing:4; Returns:2\nb@x.com,,B,\n";
    let mut l = read_bytes("h.csv", text.as_bytes()).unwrap();
    l.rows[1].cells.set(2, "Bo \"Bee\"");
    let mut out = Vec::new();
    write(&l, &mut out).unwrap();
    let back = read_bytes("h.csv", &out).unwrap();
    assert_eq!(back.headers, l.headers);
    assert_eq!(
        back.rows.iter().map(|r| &r.cells).collect::<Vec<_>>(),
        l.rows.iter().map(|r| &r.cells).collect::<Vec<_>>()
    );
    let s = String::from_utf8(out).unwrap();
    assert!(s.starts_with("Email,Cost Centre,name,skills\n"), "{s}");
}

#[test]
fn write_to_file_and_read_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.csv");
    let l = read_bytes("h.csv", b"email,x\na@x.com,1\n").unwrap();
    write(&l, std::fs::File::create(&p).unwrap()).unwrap();
    let back = read_path(&p).unwrap();
    assert_eq!(back.source, "out.csv");
    assert_eq!(back.rows[0].cells, vec!["a@x.com", "1"]);
}
