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
