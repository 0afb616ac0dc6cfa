#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Queue pre-flight (spec queues.md §4) against the simulator over real HTTP: every finding
//! code of §4 with a row that raises it and a row that does not (one table), the suggestion
//! for `unknown_wrapup_code`, `--create-missing wrapup_codes`, hire-list rows as members, and
//! the plan's counts and diffs.

mod common;
#[path = "common/queue_org.rs"]
mod queue_org;

use onboard::genesys::queue_snapshot::load_queue_org;
use onboard::genesys::snapshot::{SnapshotOptions, load_snapshot};
use onboard::ingest::queues::read_bytes;
use onboard::model::{FindingCode, Severity};
use onboard::preflight::queues::{
    QueueAction, QueueCheck, QueueCheckOptions, check_queues, member_emails,
};
use onboard::sim::{self, FaultSpec, SimConfig, SimHandle};
use std::collections::BTreeMap;

async fn start() -> SimHandle {
    let mut seed = queue_org::queue_seed();
    // A second queue named "General": the name is ambiguous.
    let mut twin = seed
        .queues
        .iter()
        .find(|q| q.name == "General")
        .unwrap()
        .clone();
    twin.id = None;
    seed.queues.push(twin);
    sim::start(SimConfig {
        seed,
        rate_limit: None,
        faults: FaultSpec::parse("").unwrap(),
        ..SimConfig::demo()
    })
    .await
    .unwrap()
}

/// Checks a queue list (and optional hire list) the way `onboard check` does: the snapshot
/// with the members looked up, the queue side read over HTTP.
async fn check(
    sim: &SimHandle,
    csv: &str,
    hires: Option<&str>,
    options: &QueueCheckOptions,
    member_limit: Option<u32>,
) -> QueueCheck {
    let client = common::client(&sim.url());
    let list = read_bytes("queues.csv", csv.as_bytes()).unwrap();
    let hires = hires.map(common::ingest);
    let (mut emails, ext) = match &hires {
        Some(h) => onboard::preflight::users_to_look_up(h),
        None => (Vec::new(), Vec::new()),
    };
    emails.extend(member_emails(&list));
    let snap = load_snapshot(&client, &emails, &ext, &SnapshotOptions::default(), |_| {})
        .await
        .unwrap();
    let mut org = load_queue_org(&client, &list).await.unwrap();
    org.member_limit = member_limit;
    check_queues(&list, hires.as_ref(), &snap, &org, options)
}

/// A CSV from rows given as (column, value) pairs over a good default row.
fn csv(rows: &[&[(&str, &str)]]) -> String {
    let defaults = [
        ("name", ""),
        ("division", "Billing"),
        ("members", "emma.dubois@example.com"),
        ("wrapup_codes", "Resolved"),
    ];
    let mut table: Vec<BTreeMap<&str, String>> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let mut m: BTreeMap<&str, String> =
            defaults.iter().map(|(k, v)| (*k, v.to_string())).collect();
        m.insert("name", format!("Case Queue {i}"));
        for (k, v) in r.iter() {
            m.insert(k, v.to_string());
        }
        table.push(m);
    }
    let mut headers: Vec<&str> = Vec::new();
    for m in &table {
        for k in m.keys() {
            if !headers.contains(k) {
                headers.push(k);
            }
        }
    }
    let mut out = headers.join(",") + "\n";
    for m in &table {
        let cells: Vec<String> = headers
            .iter()
            .map(|h| format!("\"{}\"", m.get(h).map_or("", String::as_str)))
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

struct Case {
    code: FindingCode,
    yes: Vec<&'static [(&'static str, &'static str)]>,
    no: Vec<&'static [(&'static str, &'static str)]>,
    member_limit: Option<u32>,
}

fn case(
    code: FindingCode,
    yes: &'static [(&'static str, &'static str)],
    no: &'static [(&'static str, &'static str)],
) -> Case {
    Case {
        code,
        yes: vec![yes],
        no: vec![no],
        member_limit: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_queue_code_fires_and_holds_its_fire() {
    use FindingCode::*;
    let sim = start().await;
    let mut cases = vec![
        case(MissingField, &[("name", "")], &[("name", "Named")]),
        case(
            InvalidValue,
            &[("call_alert_s", "6")],
            &[("call_alert_s", "7")],
        ),
        case(
            InvalidPhone,
            &[("calling_party_number", "555")],
            &[("calling_party_number", "+13175550100")],
        ),
        case(UnknownColumn, &[("colour", "blue")], &[]),
        case(
            AcwTimeoutNotAllowed,
            &[("acw", "OPTIONAL"), ("acw_timeout_s", "30")],
            &[("acw", "MANDATORY_TIMEOUT"), ("acw_timeout_s", "30")],
        ),
        case(
            UnknownDivision,
            &[("division", "Bilings")],
            &[("division", "Billing")],
        ),
        case(
            UnknownQueue,
            &[("copy_from", "Overflw")],
            &[("copy_from", "Overflow")],
        ),
        case(
            UnknownSkill,
            &[("required_skills", "Bilingg")],
            &[("required_skills", "Billing")],
        ),
        case(
            UnknownWrapupCode,
            &[("wrapup_codes", "Resolvd")],
            &[("wrapup_codes", "Resolved")],
        ),
        case(
            UnknownFlow,
            &[("in_queue_flow", "Nope Hold")],
            &[("in_queue_flow", "Standard Hold")],
        ),
        case(
            FlowTypeMismatch,
            &[("in_queue_flow", "Main Menu")],
            &[("in_queue_flow", "Standard Hold")],
        ),
        case(
            UnknownSkillGroup,
            &[("skill_groups", "Billing Expurts")],
            &[("skill_groups", "Billing Experts")],
        ),
        case(
            UnknownGroup,
            &[("groups", "Night Shfit")],
            &[("groups", "Night Shift")],
        ),
        case(
            UnknownMember,
            &[("members", "nobody@example.com")],
            &[("members", "mateo.novak@example.com")],
        ),
        case(
            AmbiguousName,
            &[("name", "General")],
            &[("name", "Overflow")],
        ),
        case(
            ExistingQueue,
            &[("name", "Overflow"), ("description", "Spill-over")],
            &[("name", "Brand New")],
        ),
        case(
            QueueDivisionMove,
            &[("name", "Premium Billing"), ("division", "Sales")],
            &[("name", "Premium Billing"), ("division", "Billing")],
        ),
        case(
            DivisionMismatch,
            &[("division", "Sales")],
            &[("division", "Billing")],
        ),
        case(
            SkillNotCovered,
            &[("skill_evaluation", "BEST"), ("required_skills", "Billing")],
            &[
                ("skill_evaluation", "BEST"),
                ("required_skills", "Billing"),
                ("members", "amelia.moreau@example.com"),
            ],
        ),
        case(
            QueueUnstaffed,
            &[("members", "")],
            &[("members", ""), ("groups", "Night Shift")],
        ),
        case(
            WrapupMandatoryWithoutCodes,
            &[("acw", "MANDATORY"), ("wrapup_codes", "")],
            &[("acw", "MANDATORY")],
        ),
    ];
    cases.push(Case {
        code: DuplicateInFile,
        yes: vec![&[("name", "Twin")], &[("name", "twin")]],
        no: vec![&[("name", "Twin")], &[("name", "Twins")]],
        member_limit: None,
    });
    cases.push(Case {
        code: QueueMemberLimit,
        yes: vec![&[(
            "members",
            "emma.dubois@example.com; james.okafor@example.com",
        )]],
        no: vec![&[("members", "emma.dubois@example.com")]],
        member_limit: Some(1),
    });
    let mut covered: Vec<FindingCode> = Vec::new();
    for c in &cases {
        let opts = QueueCheckOptions::default();
        let yes = check(&sim, &csv(&c.yes), None, &opts, c.member_limit).await;
        let hits: Vec<_> = yes.findings().filter(|f| f.code == c.code).collect();
        assert!(
            !hits.is_empty(),
            "{} did not fire: {:?}",
            c.code.as_str(),
            yes.findings().collect::<Vec<_>>()
        );
        assert!(
            hits.iter().all(|f| f.severity == c.code.severity()),
            "{}",
            c.code.as_str()
        );
        let no = check(&sim, &csv(&c.no), None, &opts, c.member_limit).await;
        let stray: Vec<_> = no.findings().filter(|f| f.code == c.code).collect();
        assert!(
            stray.is_empty(),
            "{} fired on the negative: {stray:?}",
            c.code.as_str()
        );
        covered.push(c.code);
        if c.code == UnknownWrapupCode {
            assert_eq!(hits[0].suggestion.as_deref(), Some("Resolved"));
            assert!(
                hits[0].message.contains("did you mean 'Resolved'"),
                "{}",
                hits[0].message
            );
            assert_eq!(hits[0].field.as_deref(), Some("wrapup_codes"));
        }
    }
    // Every code §4 names is in the table.
    for code in FindingCode::QUEUES {
        assert!(covered.contains(&code), "no case for {}", code.as_str());
    }
    for code in [
        MissingField,
        InvalidValue,
        InvalidPhone,
        DuplicateInFile,
        UnknownColumn,
        UnknownDivision,
        UnknownQueue,
        UnknownSkill,
        DivisionMismatch,
    ] {
        assert!(covered.contains(&code), "no case for {}", code.as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_missing_makes_an_unknown_code_a_warning() {
    let sim = start().await;
    let opts = QueueCheckOptions {
        create_missing_wrapup_codes: true,
        ..QueueCheckOptions::default()
    };
    let r = check(
        &sim,
        &csv(&[&[("wrapup_codes", "Resolved; Brand New Code")]]),
        None,
        &opts,
        None,
    )
    .await;
    let f: Vec<_> = r
        .findings()
        .filter(|f| f.code == FindingCode::UnknownWrapupCode)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("will be created"), "{}", f[0].message);
    assert_eq!(r.plan[0].action, QueueAction::Create);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hire_rows_are_members_and_their_skills_cover() {
    let sim = start().await;
    let hires = "email,name,skills\nnew.agent@example.com,New Agent,Billing:4\n";
    let queues = csv(&[&[
        ("members", "new.agent@example.com"),
        ("skill_evaluation", "ALL"),
        ("required_skills", "Billing"),
    ]]);
    let r = check(
        &sim,
        &queues,
        Some(hires),
        &QueueCheckOptions::default(),
        None,
    )
    .await;
    assert_eq!(
        r.findings().count(),
        0,
        "{:?}",
        r.findings().collect::<Vec<_>>()
    );
    assert_eq!(r.plan[0].diff.members_add, ["new.agent@example.com"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_counts_and_diffs_queues() {
    let sim = start().await;
    let queues = "name,division,description,wrapup_codes,members,groups\n\
        Fresh Queue,Billing,,Resolved,emma.dubois@example.com,\n\
        Premium Billing,Billing,New words,Resolved; Sale Made,,\n\
        Premium Billing Copy,Nowhere,,,emma.dubois@example.com,\n\
        Overflow,,,,,\n";
    let opts = QueueCheckOptions {
        replace_wrapup_codes: true,
        ..QueueCheckOptions::default()
    };
    let r = check(&sim, queues, None, &opts, None).await;
    let c = r.counts();
    assert_eq!(
        (c.create, c.update, c.unchanged, c.blocked),
        (1, 1, 1, 1),
        "{:?}",
        r.plan
    );
    let premium = &r.plan[1];
    assert_eq!(premium.action, QueueAction::Update);
    assert_eq!(premium.queue_id.as_deref(), Some(queue_org::PREMIUM));
    assert_eq!(
        premium.diff.settings.len(),
        1,
        "{:?}",
        premium.diff.settings
    );
    assert!(
        premium.diff.settings[0].starts_with("description: "),
        "{:?}",
        premium.diff.settings
    );
    assert_eq!(premium.diff.wrapup_codes_add, ["Sale Made"]);
    assert_eq!(premium.diff.wrapup_codes_remove, ["Escalated"]);
    assert_eq!(r.plan[0].diff.members_add, ["emma.dubois@example.com"]);
    assert_eq!(r.plan[3].action, QueueAction::Unchanged);
}
