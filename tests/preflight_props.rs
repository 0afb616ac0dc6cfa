//! Property: after any sequence of cell edits and skips, `recheck_row` leaves exactly what a
//! fresh `check_all` of the edited list gives (findings, plan, summary, unknown seats).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod preflight_fixture;
use onboard::model::HireList;
use onboard::preflight::{CheckOptions, CheckResult, check_all, recheck_row, set_skipped};
use preflight_fixture::*;
use proptest::prelude::*;

const VALUES: &[(&str, &[&str])] = &[
    (
        "email",
        &[
            "a@example.com",
            "b@example.com",
            "A@example.com",
            "liam@example.com",
            "ivy@example.com",
            "dan@example.com",
            "bad@",
            "",
        ],
    ),
    ("name", &["", "Ann", "Liam Lopez"]),
    ("division", &["", "Sales", "Sals", "home"]),
    (
        "manager_email",
        &[
            "",
            "a@example.com",
            "b@example.com",
            "boss@example.com",
            "nobody@example.com",
            "dan@example.com",
        ],
    ),
    (
        "roles",
        &[
            "",
            "Agent",
            "Supervisor",
            "Agent; Supervisor@Sales",
            "Supervisor@Sales",
            "Agnet",
        ],
    ),
    (
        "skills",
        &["", "Billing:3", "Billing:9", "Biling:2", "Billing"],
    ),
    ("queues", &["", "General", "Sales Inbound", "Generl"]),
    (
        "phone",
        &[
            "",
            "+13175550100",
            "+13175550150",
            "+13175550151",
            "12345",
            "+14155550123",
        ],
    ),
    ("extension", &["", "1000", "1001", "1002", "3000", "x1"]),
    ("licenses", &["", "cx2", "cx3", "wem", "cx9"]),
    ("external_id", &["", "workday:E1", "workday:E2", "bad"]),
    ("action", &["", "deactivate", "remove"]),
];

fn same(l: &HireList, r: &CheckResult, opts: &CheckOptions) -> Result<(), TestCaseError> {
    let b = check_all(l, &org(), opts);
    prop_assert_eq!(&r.row_findings, &b.row_findings);
    prop_assert_eq!(&r.file_findings, &b.file_findings);
    prop_assert_eq!(&r.plan, &b.plan);
    prop_assert_eq!(r.summary(), b.summary());
    prop_assert_eq!(&r.unknown_seats, &b.unknown_seats);
    Ok(())
}

fn cell_strategy() -> impl Strategy<Value = (usize, usize)> {
    (0..VALUES.len()).prop_flat_map(|c| (Just(c), 0..VALUES[c].1.len()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn recheck_equals_full_check(
        initial in proptest::collection::vec(proptest::collection::vec(cell_strategy(), 0..6), 1..7),
        edits in proptest::collection::vec((0usize..7, cell_strategy(), any::<bool>()), 1..12),
    ) {
        let rows: Vec<Vec<(&str, &str)>> = initial
            .iter()
            .map(|cells| cells.iter().map(|&(c, v)| (VALUES[c].0, VALUES[c].1[v])).collect())
            .collect();
        let slices: Vec<&[(&str, &str)]> = rows.iter().map(|r| r.as_slice()).collect();
        let org = org();
        let mut l = list(&csv(&slices));
        if l.rows.is_empty() {
            return Ok(()); // all-empty rows are dropped by ingest
        }
        let mut opts = CheckOptions::default();
        let mut r = check_all(&l, &org, &opts);
        for (row, (c, v), skip) in edits {
            let row = row % l.rows.len();
            if skip && row.is_multiple_of(3) {
                let now = !opts.skipped_rows.contains(&l.rows[row].row);
                set_skipped(&l, &org, &mut r, row, now);
                if now { opts.skipped_rows.insert(l.rows[row].row); } else { opts.skipped_rows.remove(&l.rows[row].row); }
            } else {
                let col = l.headers.iter().position(|h| h == VALUES[c].0).unwrap();
                l.rows[row].cells.set(col, VALUES[c].1[v]);
                recheck_row(&l, &org, &mut r, row);
            }
            same(&l, &r, &opts)?;
        }
    }
}
