//! A hire list checked with its personas file (`check_with_personas`): each persona code on
//! the row it belongs to, a bad persona reported once however many rows use it, rows using it
//! blocked, and a list naming personas without the file blocked rather than provisioned bare.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod preflight_fixture;
use onboard::ingest::read_bytes;
use onboard::model::{Finding, FindingCode, PlanAction};
use onboard::preflight::personas::{check_with_personas, read_personas};
use onboard::preflight::{CheckOptions, check_all};
use preflight_fixture::org;

const PERSONAS: &str = "persona,title,roles,skills,languages,queues\n\
Billing Agent,Agent,Agent,Billing:4,English:5,General\n\
Spanish,,,,Spanish:4,\n\
Lead,Team Lead,Supervisor,Billing:5,,General\n\
Broken,,,Biling:4,,\n";

fn check(hires: &str) -> (Vec<Vec<Finding>>, Vec<Finding>, Vec<PlanAction>) {
    check_with(PERSONAS, hires)
}

fn check_with(personas: &str, hires: &str) -> (Vec<Vec<Finding>>, Vec<Finding>, Vec<PlanAction>) {
    let set = read_personas("personas.csv", personas.as_bytes()).unwrap();
    let list = read_bytes("hires.csv", hires.as_bytes()).unwrap();
    let c = check_with_personas(&list, &set, &org(), &CheckOptions::new());
    let actions = c.result.plan.rows.iter().map(|r| r.action).collect();
    (c.result.row_findings, c.result.file_findings, actions)
}

fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

/// One case per persona code: a row that has it, and a row like it that does not.
#[test]
fn each_persona_code_fires_on_its_row_and_only_there() {
    let many_skills: Vec<String> = (1..=51).map(|i| format!("Skill{i}:1")).collect();
    let cases: [(FindingCode, String, String); 5] = [
        (
            FindingCode::UnknownPersona,
            "Billing Agnet".to_string(),
            "Billing Agent".to_string(),
        ),
        (
            FindingCode::PersonaInvalid,
            "Broken".to_string(),
            "Spanish".to_string(),
        ),
        (
            FindingCode::PersonaConflict,
            "Billing Agent; Lead".to_string(),
            "Billing Agent; Spanish".to_string(),
        ),
        (
            FindingCode::PersonaRemovesNothing,
            "Spanish\",\"\",\"-General".to_string(),
            "Billing Agent\",\"\",\"-General".to_string(),
        ),
        (
            FindingCode::SkillLimit,
            format!("Spanish\",\"{}\",\"", many_skills.join("; ")),
            format!("Spanish\",\"{}\",\"", many_skills[..50].join("; ")),
        ),
    ];
    for (code, has, lacks) in cases {
        let hires = format!(
            "email,name,persona,skills,queues\n\
a@example.com,Ann,\"{has}\"{pad}\n\
b@example.com,Bo,\"{lacks}\"{pad}\n",
            pad = if has.contains("\",\"") { "" } else { ",," },
        );
        let (rows, _, _) = check(&hires);
        assert!(
            codes(&rows[0]).contains(&code),
            "{code:?} missing on the row with it: {:#?}",
            rows[0]
        );
        assert!(
            !codes(&rows[1]).contains(&code),
            "{code:?} on the row without it: {:#?}",
            rows[1]
        );
        let f = rows[0].iter().find(|f| f.code == code).unwrap();
        assert_eq!(f.field.as_deref(), Some("persona"));
        assert_eq!((f.row, f.line), (Some(1), Some(2)));
    }
}

#[test]
fn an_unknown_persona_suggests_the_nearest_name_and_blocks_the_row() {
    let (rows, _, actions) = check("email,name,persona\na@example.com,Ann,Spanihs\n");
    let f = &rows[0][0];
    assert_eq!(f.code, FindingCode::UnknownPersona);
    assert!(
        f.message.contains("did you mean 'Spanish'"),
        "{}",
        f.message
    );
    assert_eq!(actions[0], PlanAction::Blocked);
}

/// 300 rows over 5 personas, one of them misspelling a skill: the misspelling is one
/// finding, on the persona, and each row using it is blocked by `persona_invalid` alone.
/// (These personas grant no roles, so no seat runs out over 300 rows.)
#[test]
fn a_bad_persona_is_reported_once_not_once_per_row() {
    let personas = "persona,title,skills,languages,queues\n\
Billing Agent,Agent,Billing:4,English:5,General\n\
Spanish,,,Spanish:4,\n\
Returns,,Returns:3,,General\n\
Broken,,Biling:4,,\n\
Tech,,Technical Support:2,,\n";
    let names = [
        "Billing Agent",
        "Spanish",
        "Returns; Tech",
        "Broken",
        "Tech; Spanish",
    ];
    let mut hires = String::from("email,name,persona\n");
    for i in 0..300 {
        hires += &format!("h{i}@example.com,Hire {i},\"{}\"\n", names[i % names.len()]);
    }
    let (rows, file, actions) = check_with(personas, &hires);
    let on_persona: Vec<&Finding> = file
        .iter()
        .filter(|f| f.code == FindingCode::UnknownSkill)
        .collect();
    assert_eq!(on_persona.len(), 1, "{file:#?}");
    assert_eq!(on_persona[0].persona.as_deref(), Some("Broken"));
    assert_eq!(on_persona[0].file.as_deref(), Some("personas.csv"));
    assert_eq!(on_persona[0].row, None);
    assert!(
        rows.iter()
            .flatten()
            .all(|f| f.code != FindingCode::UnknownSkill),
        "the persona's finding repeated on a row"
    );
    for (i, (r, action)) in rows.iter().zip(&actions).enumerate() {
        let broken = names[i % names.len()] == "Broken";
        assert_eq!(
            codes(r),
            if broken {
                vec![FindingCode::PersonaInvalid]
            } else {
                vec![]
            },
            "row {}",
            i + 1
        );
        assert_eq!(*action == PlanAction::Blocked, broken, "row {}", i + 1);
    }
}

#[test]
fn rows_get_what_their_personas_give() {
    let set = read_personas("personas.csv", PERSONAS.as_bytes()).unwrap();
    let list = read_bytes(
        "hires.csv",
        b"email,name,persona,queues\na@example.com,Ann,Billing Agent; Spanish,-General\n",
    )
    .unwrap();
    let c = check_with_personas(&list, &set, &org(), &CheckOptions::new());
    let d = c.result.plan.rows[0].desired.as_deref().unwrap();
    assert_eq!(d.title.as_deref(), Some("Agent"));
    assert_eq!(d.skills.len(), 1);
    assert_eq!(d.languages.len(), 2);
    assert!(
        d.queue_ids.is_empty(),
        "the row's -General removes the queue"
    );
    assert_eq!(c.rows_using, vec![1, 1, 0, 0]);
}

/// Without the personas file, a row naming a persona is blocked: provisioning it bare would
/// leave out every skill, role and queue its personas give.
#[test]
fn a_list_naming_personas_without_the_file_is_blocked_not_provisioned_bare() {
    let list = read_bytes(
        "hires.csv",
        b"email,name,persona\na@example.com,Ann,Billing Agent\nb@example.com,Bo,\n",
    )
    .unwrap();
    let r = check_all(&list, &org(), &CheckOptions::new());
    assert_eq!(codes(&r.row_findings[0]), vec![FindingCode::UnknownPersona]);
    assert!(
        r.row_findings[0][0].message.contains("--personas"),
        "{}",
        r.row_findings[0][0].message
    );
    assert_eq!(r.plan.rows[0].action, PlanAction::Blocked);
    assert!(r.row_findings[1].is_empty());
    assert_eq!(r.plan.rows[1].action, PlanAction::Create);
    // The persona column is not an unknown column.
    assert!(r.file_findings.is_empty(), "{:#?}", r.file_findings);
}
