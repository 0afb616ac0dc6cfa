//! One table-driven case per finding code of docs/contract.md §3: a list that must raise it (with
//! the expected field, severity and suggestion) and a near-identical list that must not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod preflight_fixture;
use onboard::model::{FindingCode as C, OrgSnapshot, Severity};
use preflight_fixture::*;

type Rows = &'static [&'static [(&'static str, &'static str)]];

struct Case {
    code: C,
    org: fn(&mut OrgSnapshot),
    pos: Rows,
    neg: Rows,
    field: Option<&'static str>,
    suggestion: Option<&'static str>,
    /// A word the message must contain (what to change).
    says: &'static str,
}

fn same(_: &mut OrgSnapshot) {}

const NEW: (&str, &str) = ("email", "new@example.com");
const NAME: (&str, &str) = ("name", "New Person");

const CASES: &[Case] = &[
    Case {
        code: C::MissingField,
        org: same,
        pos: &[&[NEW, ("roles", "Agent")]],
        neg: &[&[NEW, NAME, ("roles", "Agent")]],
        field: Some("name"),
        suggestion: None,
        says: "fill in",
    },
    Case {
        code: C::InvalidEmail,
        org: same,
        pos: &[&[("email", "new@example"), NAME]],
        neg: &[&[("email", "new@example.com"), NAME]],
        field: Some("email"),
        suggestion: None,
        says: "name@company.com",
    },
    Case {
        code: C::InvalidPhone,
        org: same,
        pos: &[&[NEW, NAME, ("phone", "3175550150")]],
        neg: &[&[NEW, NAME, ("phone", "+1 317 555-0150")]],
        field: Some("phone"),
        suggestion: None,
        says: "E.164",
    },
    Case {
        code: C::InvalidExtension,
        org: same,
        pos: &[&[NEW, NAME, ("extension", "10a2")]],
        neg: &[&[NEW, NAME, ("extension", "1042")]],
        field: Some("extension"),
        suggestion: None,
        says: "digits only",
    },
    Case {
        code: C::InvalidProficiency,
        org: same,
        pos: &[&[NEW, NAME, ("skills", "Billing:7")]],
        neg: &[&[NEW, NAME, ("skills", "Billing:4.5")]],
        field: Some("skills"),
        suggestion: None,
        says: "0 to 5",
    },
    Case {
        code: C::InvalidValue,
        org: same,
        pos: &[&[NEW, NAME, ("action", "delete")]],
        neg: &[&[NEW, NAME, ("action", "Upsert")]],
        field: Some("action"),
        suggestion: None,
        says: "'deactivate'",
    },
    Case {
        code: C::DuplicateInFile,
        org: same,
        pos: &[
            &[NEW, NAME],
            &[("email", "NEW@example.com"), ("name", "Other")],
        ],
        neg: &[
            &[NEW, NAME],
            &[("email", "new2@example.com"), ("name", "Other")],
        ],
        field: Some("email"),
        suggestion: None,
        says: "row 1",
    },
    Case {
        code: C::DuplicateInRow,
        org: same,
        pos: &[&[NEW, NAME, ("skills", "Billing:3; billing:4")]],
        neg: &[&[NEW, NAME, ("skills", "Billing:3; Returns:4")]],
        field: Some("skills"),
        suggestion: None,
        says: "'Billing:3' and 'billing:4' name the same skill",
    },
    Case {
        code: C::ShortRow,
        org: same,
        pos: &[&[NEW, NAME, (CUT, "2")]],
        neg: &[&[NEW, NAME]],
        field: None,
        suggestion: None,
        says: "a comma or quote is probably missing",
    },
    Case {
        code: C::UnknownDivision,
        org: same,
        pos: &[&[NEW, NAME, ("division", "Sals")]],
        neg: &[&[NEW, NAME, ("division", "sales")]],
        field: Some("division"),
        suggestion: Some("Sales"),
        says: "did you mean 'Sales'",
    },
    Case {
        code: C::UnknownRole,
        org: same,
        pos: &[&[NEW, NAME, ("roles", "Agnet")]],
        neg: &[&[NEW, NAME, ("roles", "agent")]],
        field: Some("roles"),
        suggestion: Some("Agent"),
        says: "did you mean 'Agent'",
    },
    Case {
        code: C::UnknownSkill,
        org: same,
        pos: &[&[NEW, NAME, ("skills", "Biling:4")]],
        neg: &[&[NEW, NAME, ("skills", "billing:4")]],
        field: Some("skills"),
        suggestion: Some("Billing"),
        says: "skill 'Biling' does not exist in the org — did you mean 'Billing'?",
    },
    Case {
        code: C::UnknownLanguage,
        org: same,
        pos: &[&[NEW, NAME, ("languages", "Englsh:5")]],
        neg: &[&[NEW, NAME, ("languages", "English:5")]],
        field: Some("languages"),
        suggestion: Some("English"),
        says: "did you mean 'English'",
    },
    Case {
        code: C::UnknownQueue,
        org: same,
        pos: &[&[NEW, NAME, ("queues", "Generl")]],
        neg: &[&[NEW, NAME, ("queues", "General")]],
        field: Some("queues"),
        suggestion: Some("General"),
        says: "did you mean 'General'",
    },
    Case {
        code: C::UnknownManager,
        org: same,
        pos: &[&[NEW, NAME, ("manager_email", "bos@example.com")]],
        neg: &[&[NEW, NAME, ("manager_email", "boss@example.com")]],
        field: Some("manager_email"),
        suggestion: Some("boss@example.com"),
        says: "did you mean",
    },
    Case {
        code: C::UnknownLicense,
        org: same,
        pos: &[&[NEW, NAME, ("licenses", "cx9")]],
        neg: &[&[NEW, NAME, ("licenses", "CX2")]],
        field: Some("licenses"),
        suggestion: Some("cx2"),
        says: "did you mean",
    },
    // A warning on a role scope as on a queue (see
    // queue_in_another_division_is_a_warning_that_says_how_to_see_it).
    Case {
        code: C::DivisionMismatch,
        org: same,
        pos: &[&[NEW, NAME, ("roles", "Supervisor@Sales")]],
        neg: &[&[NEW, NAME, ("roles", "Agent; Supervisor@Sales")]],
        field: Some("roles"),
        suggestion: None,
        says: "Agent; Supervisor@Sales",
    },
    Case {
        code: C::LicenseShortfall,
        org: same,
        pos: &[
            &[NEW, NAME, ("roles", "Supervisor")],
            &[("email", "b@example.com"), NAME, ("roles", "Supervisor")],
        ],
        neg: &[
            &[NEW, NAME, ("roles", "Supervisor")],
            &[("email", "b@example.com"), NAME, ("roles", "Agent")],
        ],
        field: Some("licenses"),
        suggestion: None,
        says: "buy more seats",
    },
    Case {
        code: C::DidUnavailable,
        org: same,
        pos: &[&[NEW, NAME, ("phone", "+13175550100")]],
        neg: &[&[NEW, NAME, ("phone", "+13175550150")]],
        field: Some("phone"),
        suggestion: None,
        says: "choose a free DID",
    },
    Case {
        code: C::ExtensionConflict,
        org: same,
        pos: &[&[NEW, NAME, ("extension", "1000")]],
        neg: &[&[NEW, NAME, ("extension", "1001")]],
        field: Some("extension"),
        suggestion: None,
        says: "choose a free extension",
    },
    Case {
        code: C::TrunkCapacity,
        org: same,
        pos: &[
            &[("email", "a1@example.com"), NAME, ("extension", "1101")],
            &[("email", "a2@example.com"), NAME, ("extension", "1102")],
            &[("email", "a3@example.com"), NAME, ("extension", "1103")],
            &[("email", "a4@example.com"), NAME, ("extension", "1104")],
            &[("email", "a5@example.com"), NAME, ("extension", "1105")],
            &[("email", "a6@example.com"), NAME, ("extension", "1106")],
        ],
        neg: &[
            &[("email", "a1@example.com"), NAME, ("extension", "1101")],
            &[("email", "a2@example.com"), NAME, ("extension", "1102")],
            &[("email", "a3@example.com"), NAME, ("extension", "1103")],
            &[("email", "a4@example.com"), NAME, ("extension", "1104")],
            &[("email", "a5@example.com"), NAME, ("extension", "1105")],
            &[("email", "a6@example.com"), NAME],
        ],
        field: Some("phone"),
        suggestion: None,
        says: "add trunk channels",
    },
    Case {
        code: C::TrunkOutOfService,
        org: |o| o.trunks[0].in_service = false,
        pos: &[&[NEW, NAME]],
        neg: &[&[NEW, NAME]],
        field: None,
        suggestion: None,
        says: "bring it back in service",
    },
    Case {
        code: C::ExistingUser,
        org: same,
        pos: &[&[
            ("email", "liam@example.com"),
            ("name", "Liam Lopez"),
            ("title", "Senior Agent"),
        ]],
        neg: &[&[
            ("email", "liam@example.com"),
            ("name", "Liam Lopez"),
            ("title", "Agent"),
        ]],
        field: Some("email"),
        suggestion: None,
        says: "title",
    },
    Case {
        code: C::DeletedUser,
        org: same,
        pos: &[&[("email", "dan@example.com"), NAME]],
        neg: &[&[("email", "dan2@example.com"), NAME]],
        field: Some("email"),
        suggestion: None,
        says: "restored",
    },
    Case {
        code: C::InactiveUser,
        org: same,
        pos: &[&[("email", "Ivy@Example.com"), NAME]],
        neg: &[&[("email", "ivy2@example.com"), NAME]],
        field: Some("email"),
        suggestion: None,
        says: "reactivated",
    },
    Case {
        code: C::UnknownColumn,
        org: same,
        pos: &[&[NEW, NAME, ("Cost Centre", "42")]],
        neg: &[&[NEW, NAME]],
        field: Some("Cost Centre"),
        suggestion: None,
        says: "not used by onboard",
    },
];

#[test]
fn every_code_has_a_case() {
    // `org_not_checked` is never produced by `check_all`: only a TUI load stopped with Esc
    // gives it (`preflight::partial::mark_not_checked`), tested in tests/tui_partial.rs and
    // tests/tui_load_sim.rs.
    for code in C::ALL.into_iter().filter(|c| *c != C::OrgNotChecked) {
        assert!(
            CASES.iter().any(|c| c.code == code),
            "no table case for {}",
            code.as_str()
        );
    }
}

#[test]
fn each_code_positive_and_negative() {
    for case in CASES {
        let name = case.code.as_str();
        let mut pos_org = org();
        (case.org)(&mut pos_org);
        let (_, pos) = check_with(&pos_org, &csv(case.pos));
        let hits: Vec<_> = pos.findings().filter(|f| f.code == case.code).collect();
        assert!(
            !hits.is_empty(),
            "{name}: expected the code, got {:#?}",
            pos.findings().collect::<Vec<_>>()
        );
        let f = hits[0];
        assert_eq!(f.severity, case.code.severity(), "{name}");
        assert_eq!(f.field.as_deref(), case.field, "{name}: field");
        assert_eq!(
            f.suggestion.as_deref(),
            case.suggestion,
            "{name}: suggestion"
        );
        assert!(
            f.message.contains(case.says),
            "{name}: message {:?} should say {:?}",
            f.message,
            case.says
        );
        if f.row.is_some() {
            assert!(f.line.unwrap() >= 2, "{name}: line");
        }
        // errors block their row
        if case.code.severity() == Severity::Error {
            assert!(
                pos.summary().errors >= 1 && pos.summary().blocked >= 1,
                "{name}"
            );
        }

        let (_, neg) = check_with(&org(), &csv(case.neg));
        assert!(
            !neg.findings().any(|f| f.code == case.code),
            "{name}: negative case raised it: {:#?}",
            neg.findings().collect::<Vec<_>>()
        );
    }
}

#[test]
fn license_shortfall_is_on_rows_past_the_limit_only() {
    let r = check(&[
        &[("email", "a@example.com"), NAME, ("roles", "Supervisor")],
        &[("email", "b@example.com"), NAME, ("roles", "Supervisor")],
        &[("email", "c@example.com"), NAME, ("roles", "Supervisor")],
    ]);
    let rows: Vec<_> = r
        .findings()
        .filter(|f| f.code == C::LicenseShortfall)
        .map(|f| f.row.unwrap())
        .collect();
    assert_eq!(rows, vec![2, 3]);
}

#[test]
fn unknown_seats_do_not_invent_a_shortfall() {
    let rows: Vec<Vec<(&str, String)>> = (0..5)
        .map(|i| {
            vec![
                ("email", format!("w{i}@example.com")),
                ("name", "W".to_string()),
                ("licenses", "wem".to_string()),
            ]
        })
        .collect();
    let refs: Vec<Vec<(&str, &str)>> = rows
        .iter()
        .map(|r| r.iter().map(|(k, v)| (*k, v.as_str())).collect())
        .collect();
    let slices: Vec<&[(&str, &str)]> = refs.iter().map(|r| r.as_slice()).collect();
    let r = check(&slices);
    assert!(!codes(&r).contains(&C::LicenseShortfall));
    assert_eq!(r.unknown_seats, vec!["wem".to_string()]);
}

#[test]
fn did_owned_by_the_same_user_is_fine() {
    let r = check(&[&[
        ("email", "liam@example.com"),
        ("phone", "+13175550100"),
        ("extension", "1000"),
    ]]);
    let c = codes(&r);
    assert!(!c.contains(&C::DidUnavailable), "{c:?}");
    assert!(!c.contains(&C::ExtensionConflict), "{c:?}");
}

#[test]
fn numbers_outside_pools() {
    let r = check(&[&[NEW, NAME, ("phone", "+14155550123"), ("extension", "3000")]]);
    let msgs: Vec<_> = r.findings().map(|f| (f.code, f.message.clone())).collect();
    assert!(
        msgs.iter()
            .any(|(c, m)| *c == C::DidUnavailable && m.contains("no DID pool"))
    );
    assert!(
        msgs.iter()
            .any(|(c, m)| *c == C::ExtensionConflict && m.contains("outside every extension pool"))
    );
}

#[test]
fn manager_rules() {
    // earlier row: fine; later row: unknown_manager saying to move it; self: invalid_value
    let r = check(&[
        &[("email", "lead@example.com"), NAME],
        &[NEW, NAME, ("manager_email", "lead@example.com")],
        &[
            ("email", "x@example.com"),
            NAME,
            ("manager_email", "late@example.com"),
        ],
        &[
            ("email", "late@example.com"),
            NAME,
            ("manager_email", "late@example.com"),
        ],
    ]);
    let f: Vec<_> = r.findings().map(|f| (f.row, f.code)).collect();
    assert!(!f.contains(&(Some(2), C::UnknownManager)));
    assert!(f.contains(&(Some(3), C::UnknownManager)));
    assert!(f.contains(&(Some(4), C::InvalidValue)));
    let m = r.findings().find(|x| x.row == Some(3)).unwrap();
    assert!(
        m.message.contains("move the manager's row above row 3"),
        "{}",
        m.message
    );
}

#[test]
fn queue_in_another_division_is_a_warning_that_says_how_to_see_it() {
    let r = check(&[&[NEW, NAME, ("roles", "Agent"), ("queues", "Sales Inbound")]]);
    let f = r
        .findings()
        .find(|f| f.code == C::DivisionMismatch)
        .unwrap();
    assert_eq!(f.field.as_deref(), Some("queues"));
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("will receive the queue's interactions"),
        "{}",
        f.message
    );
    assert!(f.message.contains("won't see the queue"), "{}", f.message);
    assert!(f.message.contains("Agent@Sales"), "{}", f.message);
    // A warning never blocks the row.
    assert_eq!(r.summary().errors, 0);
    assert_eq!(r.summary().blocked, 0);
    let ok = check(&[&[
        NEW,
        NAME,
        ("roles", "Agent; Agent@Sales"),
        ("queues", "Sales Inbound"),
    ]]);
    assert!(!codes(&ok).contains(&C::DivisionMismatch));
}

#[test]
fn role_scope_without_a_role_in_own_division_is_a_mismatch() {
    let r = check(&[&[NEW, NAME, ("roles", "Supervisor@Sales")]]);
    let f = r
        .findings()
        .find(|f| f.code == C::DivisionMismatch)
        .unwrap();
    assert_eq!(f.field.as_deref(), Some("roles"));
    // The contract's severity for the code: the user is created, the row is not blocked.
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(r.summary().errors, 0);
    assert_eq!(r.plan.rows[0].action, onboard::model::PlanAction::Create);
    let ok = check(&[&[NEW, NAME, ("roles", "Agent; Supervisor@Sales")]]);
    assert!(!codes(&ok).contains(&C::DivisionMismatch));
}

#[test]
fn missing_email_column_is_reported_per_row() {
    let (_, r) = check_with(&org(), "name,roles\nAna,Agent\n");
    let f = r.findings().find(|f| f.code == C::MissingField).unwrap();
    assert!(f.message.contains("no 'email' column"), "{}", f.message);
    assert_eq!(r.summary().blocked, 1);
}

#[test]
fn utilization_cells_are_checked_and_diffed_per_media_type() {
    use onboard::model::{PlanAction, parse_utilization};
    // A bad cell is invalid_value on its row and field, and blocks that row only.
    let r = check(&[
        &[NEW, NAME, ("utilization", "call=1; Chat=3")],
        &[("email", "two@example.com"), NAME, ("utilization", "fax=2")],
        &[
            ("email", "three@example.com"),
            NAME,
            ("utilization", "chat=26"),
        ],
    ]);
    let bad: Vec<_> = r.findings().filter(|f| f.code == C::InvalidValue).collect();
    assert_eq!(bad.len(), 2, "{bad:#?}");
    assert_eq!(bad[0].row, Some(2));
    assert_eq!(bad[0].field.as_deref(), Some("utilization"));
    assert!(
        bad[0].message.contains("unknown media type 'fax'"),
        "{}",
        bad[0].message
    );
    assert_eq!(bad[1].row, Some(3));
    assert!(bad[1].message.contains("0 to 25"), "{}", bad[1].message);
    assert_eq!(r.summary().blocked, 2);
    let first = &r.plan.rows[0];
    assert_eq!(first.action, PlanAction::Create);
    let want = parse_utilization("call=1; chat=3").unwrap();
    assert_eq!(first.desired.as_ref().unwrap().utilization, want);

    // An existing user: only a media type the row names, at another capacity, is a change.
    let mut o = org();
    let liam = o
        .users
        .iter_mut()
        .find(|u| u.email == "liam@example.com")
        .unwrap();
    std::sync::Arc::make_mut(liam).utilization = Some(onboard::model::UserUtilization {
        media: parse_utilization("call=1; chat=4; email=1").unwrap(),
        own: true,
    });
    let row = |cell| csv(&[&[("email", "liam@example.com"), ("utilization", cell)]]);
    let (_, same) = check_with(&o, &row("chat=4; call=1"));
    assert_eq!(
        same.plan.rows[0].action,
        PlanAction::Unchanged,
        "{:?}",
        same.plan.rows[0].diff
    );
    let (_, changed) = check_with(&o, &row("chat=3; call=1"));
    let plan = &changed.plan.rows[0];
    assert_eq!(plan.action, PlanAction::Update);
    let d = plan.diff.iter().find(|d| d.field == "utilization").unwrap();
    assert_eq!(
        (d.from.as_str(), d.to.as_str()),
        ("call=1; chat=4", "call=1; chat=3")
    );
}
