//! Arbitrary bytes never panic the parser (nor pre-flight on what it parses).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::ingest;
use onboard::preflight::{CheckOptions, check_all, recheck_row};
use proptest::prelude::*;

mod preflight_fixture;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = ingest::read_bytes("fuzz.csv", &bytes);
    }

    #[test]
    fn csv_like_text_never_panics_parse_or_check(
        cells in proptest::collection::vec(
            proptest::string::string_regex("[a-zA-Z0-9@.;:|+ \"\\r\\n,_-]{0,14}").unwrap(), 0..60),
        header in proptest::sample::subsequence(preflight_fixture::COLUMNS.to_vec(), 1..10),
    ) {
        let mut text = header.join(",");
        text.push('\n');
        for (i, c) in cells.iter().enumerate() {
            text.push_str(c);
            text.push(if i % header.len() == header.len() - 1 { '\n' } else { ',' });
        }
        if let Ok(list) = ingest::read_bytes("fuzz.csv", text.as_bytes()) {
            let org = preflight_fixture::org();
            let mut r = check_all(&list, &org, &CheckOptions::new());
            if !list.rows.is_empty() {
                recheck_row(&list, &org, &mut r, 0);
            }
            let s = r.summary();
            prop_assert_eq!(s.ready + s.blocked, list.rows.len());
            let mut out = Vec::new();
            ingest::write(&list, &mut out).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Whatever the cells hold — formula lead-ins, apostrophes, quotes, separators, line
    /// breaks, any Unicode — a list onboard writes loads back with the same values, in the
    /// separator it was read with, and no written cell starts like a formula.
    #[test]
    fn written_lists_load_back_with_the_same_values(
        rows in proptest::collection::vec(
            proptest::collection::vec(
                proptest::string::string_regex("['=+\\-@\\t\\r\\n,;\"| a-zA-Z0-9éß€\u{85}]{0,12}").unwrap(),
                3,
            ),
            1..12,
        ),
        sep in proptest::sample::select(onboard::model::Separator::ALL.to_vec()),
    ) {
        use onboard::model::{Cells, HireList, HireRow};
        let headers: Vec<String> = ["email", "phone", "title", "notes"].map(String::from).to_vec();
        let list = HireList {
            source: "h.csv".into(),
            columns: ingest::map_columns(&headers),
            headers,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| HireRow {
                    row: i + 1,
                    line: i + 2,
                    // A non-blank first cell: an all-blank row is skipped on reading.
                    cells: Cells::new(
                        std::iter::once(format!("a{i}@x.com")).chain(cells.iter().cloned()),
                    ),
                })
                .collect(),
            separator: sep,
        };
        let mut out = Vec::new();
        ingest::write(&list, &mut out).unwrap();
        let back = ingest::read_bytes("h.csv", &out).unwrap();
        prop_assert_eq!(back.separator, sep);
        prop_assert_eq!(&back.headers, &list.headers);
        prop_assert_eq!(back.rows.len(), list.rows.len());
        for (a, b) in back.rows.iter().zip(&list.rows) {
            prop_assert_eq!(&a.cells, &b.cells);
        }
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(sep.byte())
            .from_reader(&out[..]);
        for rec in r.records() {
            for c in rec.unwrap().iter() {
                prop_assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", c);
            }
        }
    }
}
