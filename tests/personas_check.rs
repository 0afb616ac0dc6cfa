//! Personas checked against an org once each, through the same rules as hire rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod preflight_fixture;
use onboard::model::FindingCode;
use onboard::preflight::personas::{check_personas, read_personas};
use preflight_fixture::org;

#[test]
fn a_bad_persona_value_is_one_finding_on_the_persona() {
    let set = read_personas(
        "personas.csv",
        b"persona,division,roles,skills,languages,queues,licenses\n\
Billing Agent,,Agent,Biling:4,English:5,General,cx2\n\
Sales Lead,Sales,Supervisor; Agent@Support,Returns:3,Spanish:4,,cx3\n\
Typo,Sals,Agnet,,Klingon:3,Nowhere,cx9\n",
    )
    .unwrap();
    let found = check_personas(&set, &org());
    assert_eq!(found.len(), 3);

    assert_eq!(found[0].len(), 1, "{:#?}", found[0]);
    let f = &found[0][0];
    assert_eq!(f.code, FindingCode::UnknownSkill);
    assert_eq!(f.suggestion.as_deref(), Some("Billing"));
    assert_eq!((f.row, f.line, f.email.as_deref()), (None, Some(2), None));
    assert!(
        f.message.starts_with("persona 'Billing Agent': "),
        "{}",
        f.message
    );

    // A valid persona has nothing to say, and seats are not counted per persona.
    assert!(found[1].is_empty(), "{:#?}", found[1]);

    let codes: Vec<FindingCode> = found[2].iter().map(|f| f.code).collect();
    for want in [
        FindingCode::UnknownDivision,
        FindingCode::UnknownRole,
        FindingCode::UnknownLanguage,
        FindingCode::UnknownQueue,
        FindingCode::UnknownLicense,
    ] {
        assert!(codes.contains(&want), "{want:?} missing from {codes:?}");
    }
    // Nothing about the stand-in identity leaks out (email, name, manager…).
    assert!(
        found
            .iter()
            .flatten()
            .all(|f| !f.message.contains("personas.invalid")),
        "{found:#?}"
    );
}

#[test]
fn an_empty_personas_file_has_no_findings() {
    let set = read_personas("personas.csv", b"persona,roles\n").unwrap();
    assert!(check_personas(&set, &org()).is_empty());
}

#[test]
fn division_warnings_stay_with_the_rows_unless_the_persona_has_a_division() {
    // "Sales Inbound" is in Sales; the persona's Agent role is granted in the user's division.
    let set = read_personas(
        "personas.csv",
        b"persona,division,roles,queues\nAny,,Agent,Sales Inbound\nSupport,Support,Agent,Sales Inbound\n",
    )
    .unwrap();
    let found = check_personas(&set, &org());
    assert!(found[0].is_empty(), "{:#?}", found[0]);
    let codes: Vec<FindingCode> = found[1].iter().map(|f| f.code).collect();
    assert_eq!(codes, vec![FindingCode::DivisionMismatch]);
}
