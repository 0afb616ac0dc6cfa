//! The plan the engine consumes: actions, resolved ids, merge-semantics diffs, identity,
//! managers, skipping; and `recheck_row` agreeing with a full `check_all`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod preflight_fixture;
use onboard::model::{FindingCode as C, Grant, Id, ManagerRef, PlanAction, Proficiency};
use onboard::preflight::{
    CheckOptions, CheckResult, check_all, check_all_one_thread, recheck_row, set_skipped,
};
use preflight_fixture::*;

const LIAM_SAME: &[(&str, &str)] = &[
    ("email", "LIAM@example.com"),
    ("name", "Liam Lopez"),
    ("title", "Agent"),
    ("roles", "Agent"),
    ("skills", "Billing:3"),
    ("queues", "General"),
    ("phone", "+13175550100"),
    ("extension", "1000"),
    ("licenses", "cx2"),
    ("external_id", "workday:E1"),
    ("manager_email", "boss@example.com"),
];

#[test]
fn unchanged_when_nothing_differs_and_merge_semantics() {
    let r = check(&[LIAM_SAME]);
    let p = &r.plan.rows[0];
    assert_eq!(p.action, PlanAction::Unchanged, "{:?}", p.diff);
    assert!(p.diff.is_empty());
    assert_eq!(p.identity, "ext:workday:E1");
    assert_eq!(p.existing.as_ref().unwrap().id, "u-liam".into());
    assert!(r.findings().next().is_none(), "{:?}", codes(&r));
    // a row listing less than the user has (no languages, no Employee role) is unchanged too
    let r = check(&[&[("email", "liam@example.com"), ("skills", "Billing:3")]]);
    assert_eq!(r.plan.rows[0].action, PlanAction::Unchanged);
}

#[test]
fn proficiency_change_and_new_queue_are_an_update_with_diff() {
    let r = check(&[&[
        ("email", "liam@example.com"),
        ("skills", "Billing:4; Returns:2"),
        ("queues", "General; Sales Inbound"),
        ("roles", "Agent@Sales"),
    ]]);
    let p = &r.plan.rows[0];
    assert_eq!(p.action, PlanAction::Update);
    let skills = p.diff.iter().find(|d| d.field == "skills").unwrap();
    assert_eq!(skills.from, "Billing:3");
    assert_eq!(skills.to, "Billing:4; Returns:2");
    let queues = p.diff.iter().find(|d| d.field == "queues").unwrap();
    assert_eq!(queues.to, "General; Sales Inbound");
    assert!(
        p.diff
            .iter()
            .any(|d| d.field == "roles" && d.to.contains("Agent@Sales"))
    );
    let w = r.findings().find(|f| f.code == C::ExistingUser).unwrap();
    assert!(w.message.contains("skills"), "{}", w.message);
}

#[test]
fn create_resolves_every_name_to_ids() {
    let r = check(&[&[
        ("email", "Ana@Example.com"),
        ("name", "Ana Lima"),
        ("division", "Sales"),
        ("roles", "Agent; Supervisor@Home"),
        ("skills", "Billing:4; technical support:2.5"),
        ("languages", "English:5"),
        ("queues", "Sales Inbound; General"),
        ("phone", "+1 317 555 0150"),
        ("extension", "1042"),
        ("licenses", "wem"),
        ("external_id", "workday:E42"),
        ("manager_email", "boss@example.com"),
        ("department", "Support"),
    ]]);
    assert!(
        r.findings().next().is_none(),
        "{:?}",
        r.findings().collect::<Vec<_>>()
    );
    let p = &r.plan.rows[0];
    assert_eq!(p.action, PlanAction::Create);
    assert_eq!(p.identity, "ext:workday:E42");
    let d = p.desired.as_deref().unwrap();
    assert_eq!(d.division_id, "d-sales".into());
    assert_eq!(
        d.grants,
        vec![
            Grant {
                role_id: "r-agent".into(),
                division_id: "d-sales".into()
            },
            Grant {
                role_id: "r-supervisor".into(),
                division_id: "d-home".into()
            },
        ]
    );
    assert_eq!(
        d.skills,
        vec![
            Proficiency {
                id: "s-billing".into(),
                proficiency: 4.0
            },
            Proficiency {
                id: "s-tech".into(),
                proficiency: 2.5
            },
        ]
    );
    assert_eq!(
        d.queue_ids,
        vec![Id::from("q-sales"), Id::from("q-general")]
    );
    assert_eq!(d.phone.as_deref(), Some("+13175550150"));
    assert_eq!(d.extension.as_deref(), Some("1042"));
    assert_eq!(d.licenses, vec![Id::from("wem")]);
    assert_eq!(d.manager, Some(ManagerRef::UserId("u-boss".into())));
    assert_eq!(d.department.as_deref(), Some("Support"));
}

#[test]
fn empty_division_is_home_for_new_users_and_kept_for_existing() {
    let r = check(&[
        &[
            ("email", "new@example.com"),
            ("name", "N"),
            ("roles", "Agent"),
        ],
        &[("email", "liam@example.com")],
    ]);
    assert_eq!(
        r.plan.rows[0].desired.as_deref().unwrap().division_id,
        "d-home".into()
    );
    assert_eq!(
        r.plan.rows[0].desired.as_deref().unwrap().grants[0].division_id,
        "d-home".into()
    );
    assert_eq!(r.plan.rows[0].identity, "email:new@example.com");
}

#[test]
fn restore_reactivate_deactivate() {
    let r = check(&[
        &[("email", "dan@example.com"), ("name", "Dan")],
        &[("email", "ivy@example.com"), ("name", "ivy")],
        &[("email", "boss@example.com"), ("action", "deactivate")],
        &[("email", "gone@example.com"), ("action", "deactivate")],
        &[
            ("email", "ivy2@example.com"),
            ("name", "I2"),
            ("action", "deactivate"),
        ],
    ]);
    let actions: Vec<_> = r.plan.rows.iter().map(|p| p.action).collect();
    assert_eq!(
        actions,
        vec![
            PlanAction::Restore,
            PlanAction::Reactivate,
            PlanAction::Deactivate,
            PlanAction::Blocked,
            PlanAction::Blocked
        ]
    );
    let f = r.findings().find(|f| f.row == Some(4)).unwrap();
    assert!(f.message.contains("no such user exists"), "{}", f.message);
    assert!(r.plan.rows[2].desired.is_none());
    let c = r.plan_counts();
    assert_eq!((c.restore, c.reactivate, c.deactivate), (1, 1, 1));
}

#[test]
fn external_id_matches_before_email() {
    let r = check(&[&[
        ("email", "liam.new@example.com"),
        ("external_id", "workday:E1"),
    ]]);
    let p = &r.plan.rows[0];
    assert_eq!(p.existing.as_ref().unwrap().id, "u-liam".into());
    assert_eq!(p.action, PlanAction::Update);
    assert!(p.diff.iter().any(|d| d.field == "email"));
}

#[test]
fn manager_earlier_in_file_is_a_row_ref() {
    let r = check(&[
        &[("email", "lead@example.com"), ("name", "Lead")],
        &[
            ("email", "new@example.com"),
            ("name", "N"),
            ("manager_email", "Lead@example.com"),
        ],
    ]);
    assert_eq!(
        r.plan.rows[1].desired.as_deref().unwrap().manager,
        Some(ManagerRef::Row(1))
    );
}

#[test]
fn skipped_rows_do_not_count() {
    let rows: &[&[(&str, &str)]] = &[
        &[
            ("email", "a@example.com"),
            ("name", "A"),
            ("roles", "Supervisor"),
        ],
        &[
            ("email", "b@example.com"),
            ("name", "B"),
            ("roles", "Supervisor"),
        ],
        &[("email", "a@example.com"), ("name", "A again")],
    ];
    let l = list(&csv(rows));
    let mut opts = CheckOptions::new();
    opts.skipped_rows.insert(1);
    let r = check_all(&l, &org(), &opts);
    assert_eq!(r.plan.rows[0].action, PlanAction::Skipped);
    assert!(r.row_findings[0].is_empty());
    assert!(!codes(&r).contains(&C::LicenseShortfall));
    assert!(!codes(&r).contains(&C::DuplicateInFile));
    let s = r.summary();
    assert_eq!((s.ready, s.blocked, s.errors), (2, 0, 0));
}

/// Findings, plan and summary of an incremental recheck equal a fresh full check.
fn assert_same(l: &onboard::model::HireList, a: &CheckResult, opts: &CheckOptions, what: &str) {
    let b = check_all(l, &org(), opts);
    assert_eq!(a.row_findings, b.row_findings, "{what}: row findings");
    assert_eq!(a.file_findings, b.file_findings, "{what}: file findings");
    assert_eq!(a.plan, b.plan, "{what}: plan");
    assert_eq!(a.summary(), b.summary(), "{what}: summary");
}

#[test]
fn recheck_row_matches_a_full_check_after_edits() {
    let rows: &[&[(&str, &str)]] = &[
        &[
            ("email", "lead@example.com"),
            ("name", "Lead"),
            ("roles", "Supervisor"),
            ("extension", "1101"),
        ],
        &[
            ("email", "a@example.com"),
            ("name", "A"),
            ("manager_email", "lead@example.com"),
            ("extension", "1102"),
        ],
        &[
            ("email", "b@example.com"),
            ("name", "B"),
            ("roles", "Supervisor"),
            ("phone", "+13175550150"),
        ],
        &[
            ("email", "c@example.com"),
            ("name", "C"),
            ("extension", "1103"),
        ],
        &[
            ("email", "d@example.com"),
            ("name", "D"),
            ("extension", "1104"),
            ("roles", "Supervisor"),
        ],
        &[
            ("email", "e@example.com"),
            ("name", "E"),
            ("phone", "+13175550151"),
        ],
    ];
    let org = org();
    let mut l = list(&csv(rows));
    let opts = CheckOptions::new();
    let mut r = check_all(&l, &org, &opts);
    assert!(codes(&r).contains(&C::TrunkCapacity));
    let email = l.column_of(onboard::model::Field::Email).unwrap();
    let roles = l.column_of(onboard::model::Field::Roles).unwrap();
    let ext = l.column_of(onboard::model::Field::Extension).unwrap();
    let phone = l.column_of(onboard::model::Field::Phone).unwrap();
    let edits: Vec<(usize, usize, &str)> = vec![
        (0, email, "lead2@example.com"), // row 2's manager disappears
        (3, email, "a@example.com"),     // duplicate of row 2
        (1, email, "x@example.com"),     // now row 4 is the first
        (0, email, "lead@example.com"),  // manager back
        (2, roles, "Agent"),             // frees the one cx3 seat for row 5
        (4, ext, ""),                    // trunk capacity changes
        (5, phone, ""),
        (3, ext, "1102"), // duplicate extension
        (1, ext, "1000"), // taken extension
        (0, roles, "Supervisor; Agnet"),
    ];
    for (i, (row, col, value)) in edits.into_iter().enumerate() {
        l.rows[row].cells.set(col, value);
        recheck_row(&l, &org, &mut r, row);
        assert_same(&l, &r, &opts, &format!("edit {i} ({row},{col}={value})"));
    }
    // skipping and un-skipping
    set_skipped(&l, &org, &mut r, 0, true);
    let mut o2 = CheckOptions::new();
    o2.skipped_rows.insert(1);
    assert_same(&l, &r, &o2, "skip row 1");
    set_skipped(&l, &org, &mut r, 0, false);
    assert_same(&l, &r, &opts, "unskip row 1");
}

#[test]
fn json_matches_contract_shape() {
    let r = check(&[&[
        ("email", "new@example.com"),
        ("name", "N"),
        ("skills", "Biling:4"),
    ]]);
    let v: serde_json::Value = serde_json::from_str(&r.to_json("hires.csv")).unwrap();
    assert_eq!(v["file"], "hires.csv");
    assert_eq!(v["rows"], 1);
    assert_eq!(
        v["summary"],
        serde_json::json!({"errors": 1, "warnings": 0, "ready": 0, "blocked": 1})
    );
    assert_eq!(v["plan"]["create"], 0);
    let f = &v["findings"][0];
    assert_eq!(f["row"], 1);
    assert_eq!(f["line"], 2);
    assert_eq!(f["email"], "new@example.com");
    assert_eq!(f["field"], "skills");
    assert_eq!(f["code"], "unknown_skill");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["suggestion"], "Billing");
}

#[test]
fn genesys_import_template_loads_and_checks() {
    // Genesys's own template: commas inside quoted skills/queues cells, `location_work` unused.
    let text = "name,email,phone_work,extension,title,department,email_manager,location_work,roles_divisions,queues,division,skills\n\
        Ana Lima,ana@example.com,+13175550150,1042,Agent,Support,boss@example.com,Indy,Agent,\"General\",Home,\"Billing:5,Returns:3\"\n";
    let (_, r) = check_with(&org(), text);
    let c = codes(&r);
    assert_eq!(
        c,
        vec![C::UnknownColumn],
        "{:?}",
        r.findings().collect::<Vec<_>>()
    );
    let d = r.plan.rows[0].desired.as_deref().unwrap();
    assert_eq!(d.skills.len(), 2);
    assert_eq!(d.phone.as_deref(), Some("+13175550150"));
    assert_eq!(d.manager, Some(ManagerRef::UserId("u-boss".into())));
}

#[test]
fn large_list_threaded_check_agrees_with_per_row_recheck() {
    // ≥ 2048 rows takes the two-thread path; recheck_row re-derives single rows on this
    // thread, so an unchanged row must come out identical.
    let mut text = String::from("email,name,roles,skills,manager_email,extension\n");
    for i in 0..3000 {
        let email = if i == 2500 {
            "u10@example.com".to_string()
        } else {
            format!("u{i}@example.com")
        };
        let manager = match i {
            5 => "u2999@example.com".to_string(), // a manager later in the file
            _ if i % 7 == 0 && i > 0 => format!("u{}@example.com", i - 1),
            _ => String::new(),
        };
        let skill = if i % 97 == 0 { "Biling:3" } else { "Billing:3" };
        let role = if i % 500 == 0 { "Supervisor" } else { "Agent" };
        text.push_str(&format!(
            "{email},U {i},{role},{skill},{manager},{}\n",
            1100 + (i % 800)
        ));
    }
    let (l, r) = check_with(&org(), &text);
    assert!(
        r.row_findings[2500]
            .iter()
            .any(|f| f.code == C::DuplicateInFile)
    );
    assert!(
        r.row_findings[5]
            .iter()
            .any(|f| f.code == C::UnknownManager && f.message.contains("after this row"))
    );
    assert!(
        r.row_findings[1000]
            .iter()
            .any(|f| f.code == C::LicenseShortfall)
    );
    assert_eq!(
        r.plan.rows[7].desired.as_deref().unwrap().manager,
        Some(ManagerRef::Row(7))
    );
    // The two threads share batches in whatever order they get to them; the answer is the
    // one a single thread gives.
    let one = check_all_one_thread(&l, &org(), &CheckOptions::default());
    assert_eq!(one.row_findings, r.row_findings);
    assert_eq!(one.file_findings, r.file_findings);
    assert_eq!(one.plan, r.plan);
    assert_eq!(one.summary(), r.summary());
    let mut again = r.clone();
    for i in [0, 5, 6, 7, 97, 511, 512, 513, 1000, 2047, 2048, 2500, 2999] {
        recheck_row(&l, &org(), &mut again, i);
    }
    assert_eq!(again.row_findings, r.row_findings);
    assert_eq!(again.plan, r.plan);
    assert_eq!(again.summary(), r.summary());
    assert_same(&l, &again, &CheckOptions::default(), "large list");
}

#[test]
fn recheck_after_removing_a_row_falls_back_to_a_full_check() {
    let rows: &[&[(&str, &str)]] = &[
        &[("email", "a@example.com"), ("name", "A")],
        &[("email", "a@example.com"), ("name", "B")],
    ];
    let org = org();
    let mut l = list(&csv(rows));
    let mut r = check_all(&l, &org, &CheckOptions::default());
    assert!(codes(&r).contains(&C::DuplicateInFile));
    l.rows.pop();
    recheck_row(&l, &org, &mut r, 0);
    assert_same(&l, &r, &CheckOptions::default(), "after removal");
    assert!(!codes(&r).contains(&C::DuplicateInFile));
}
