//! Each finding code of `clone` in one table (spec clone-drift-export §10.3), from the real
//! binary against the demo org (source) and its sibling (`assets/demo/sibling.json`, same
//! names, fresh ids, planted differences), each a simulator over HTTP. Then
//! `--create-missing` end to end: the skill is created once, the user gets its new id, and
//! no write carries an id of another org.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use onboard::sim::{Seed, SimHandle};
use serde_json::Value;
use std::path::Path;

/// A Sales agent present in both orgs.
const TARGET: &str = "aiden.jensen@example.com";
/// A demo-org Supervisor (the sibling's Supervisor also grants `routing:queue:edit`).
const SUPERVISOR: &str = "elijah.lee@example.com";
/// Inactive in the demo org.
const INACTIVE: &str = "mateo.novak@example.com";

/// The references of the table, one persona per case.
const PERSONAS: [&str; 3] = [
    "renamed-queue,Agent,,Billing Tier 2",
    "sales,Agent,Sales:3,",
    "disputes,Agent,Disputes:2,",
];

/// Each persona in a file of its own (a file's every persona is checked against the org),
/// named after it.
fn write_personas(dir: &Path) -> std::path::PathBuf {
    for line in PERSONAS {
        let name = line.split(',').next().unwrap();
        let body = format!("persona,roles,skills,queues\n{line}\n");
        std::fs::write(dir.join(format!("{name}.csv")), body).unwrap();
    }
    dir.to_path_buf()
}

/// The sibling with a second skill called `Sales` (written to a temp dir and read back, as
/// an admin's seed would be).
fn sibling_with_two_sales_skills(dir: &Path) -> Seed {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/sibling.json");
    let mut json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    json["skills"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(
            {"id": "5a1e5a1e-0000-4000-8000-000000000002", "name": "sales"}
        ));
    let out = dir.join("dup.json");
    std::fs::write(&out, serde_json::to_vec(&json).unwrap()).unwrap();
    let mut seed = Seed::from_file(&out).unwrap();
    seed.oauth_clients = sibling_seed_with_demo_client().oauth_clients;
    seed
}

/// Every finding of the report: the reference's and each org's.
fn findings(report: &Value) -> Vec<Value> {
    let mut all: Vec<Value> = report["findings"].as_array().cloned().unwrap_or_default();
    for org in report["orgs"].as_array().into_iter().flatten() {
        all.extend(org["findings"].as_array().cloned().unwrap_or_default());
    }
    all
}

struct Case {
    code: &'static str,
    severity: &'static str,
    args: Vec<String>,
    /// Credentials that replace the demo's (the environment's win over the profile's).
    env: Vec<(&'static str, &'static str)>,
    exit: i32,
    /// Text the finding's message (or suggestion) must hold.
    says: &'static str,
}

fn persona_args(personas: &Path, persona: &str, to: &str) -> Vec<String> {
    let file = personas.join(format!("{persona}.csv"));
    [
        "clone",
        "--personas",
        file.to_str().unwrap(),
        "--persona",
        persona,
        "--to",
        to,
        "--target",
        TARGET,
        "--check",
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec()
}

fn live_args(user: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "clone", "--from", "eu", "--user", user, "--to", "sib", "--target", TARGET, "--check",
        "--format", "json",
    ]
    .map(String::from)
    .to_vec();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_clone_code_is_reported_by_a_real_run() {
    let dir = tempfile::tempdir().unwrap();
    let src = demo_org().await;
    let sib = sibling_org().await;
    let dup = sim_of(sibling_with_two_sales_skills(dir.path())).await;
    common::profiles(dir.path(), &[("eu", &src), ("sib", &sib), ("dup", &dup)]);
    let personas = write_personas(dir.path());
    let map = dir.path().join("map.csv");
    std::fs::write(
        &map,
        "org,kind,source,target\n,queue,Billing Tier 2,Billing Tier Two\n",
    )
    .unwrap();
    let with = |mut v: Vec<String>, extra: &[&str]| {
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let scoped = vec![
        ("ONBOARD_CLIENT_ID", "sibling-scoped"),
        ("ONBOARD_CLIENT_SECRET", "sibling-scoped-secret"),
    ];
    let cases = vec![
        Case {
            code: "missing_in_target",
            severity: "error",
            args: persona_args(&personas, "renamed-queue", "sib"),
            env: vec![],
            exit: 1,
            says: "'Billing Tier 2' does not exist in the org — did you mean 'Billing Tier II'?",
        },
        Case {
            code: "ambiguous_name",
            severity: "error",
            args: persona_args(&personas, "sales", "dup"),
            env: vec![],
            exit: 1,
            says: "2 skills in this org are called 'Sales'",
        },
        Case {
            code: "map_target_unknown",
            severity: "error",
            args: with(
                persona_args(&personas, "renamed-queue", "sib"),
                &["--map", map.to_str().unwrap()],
            ),
            env: vec![],
            exit: 1,
            says: "'Billing Tier Two'",
        },
        Case {
            code: "will_create",
            severity: "warning",
            args: with(
                persona_args(&personas, "disputes", "sib"),
                &["--create-missing", "skills"],
            ),
            env: vec![],
            exit: 0,
            says: "skill 'Disputes' does not exist in this org: it will be created",
        },
        Case {
            code: "limited_visibility",
            severity: "warning",
            args: persona_args(&personas, "sales", "sib"),
            env: scoped,
            exit: 0,
            says: "give the OAuth client's role access to division",
        },
        Case {
            code: "role_definition_differs",
            severity: "warning",
            args: live_args(SUPERVISOR, &["--compare-roles"]),
            env: vec![],
            exit: 0,
            says: "role 'Supervisor' here also grants routing:queue:edit",
        },
        Case {
            code: "source_user_inactive",
            severity: "warning",
            args: live_args(INACTIVE, &[]),
            env: vec![],
            exit: 0,
            says: "is inactive in 'eu'",
        },
    ];
    for case in &cases {
        let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let (code, report, stderr) = run_in_env(dir.path(), &case.env, &args);
        let all = findings(&report);
        let found: Vec<&Value> = all.iter().filter(|f| f["code"] == case.code).collect();
        assert!(
            !found.is_empty(),
            "{}: no such finding\n{stderr}\n{report:#}",
            case.code
        );
        let f = found[0];
        assert_eq!(f["severity"], case.severity, "{}: {f:#}", case.code);
        let text = format!("{} {}", f["message"], f["suggestion"]);
        assert!(text.contains(case.says), "{}: {f:#}", case.code);
        assert_eq!(code, case.exit, "{}: {stderr}\n{report:#}", case.code);
    }
    // The missing queue's suggestion is the target's renamed queue (Tier II is Tier 2, not
    // the one-edit-away Tier 1), and --create-missing leaves no missing_in_target behind for
    // what it creates.
    let (_, report, _) = run_in(
        dir.path(),
        &persona_args(&personas, "renamed-queue", "sib")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let missing = findings(&report)
        .into_iter()
        .find(|f| f["code"] == "missing_in_target")
        .unwrap();
    assert_eq!(missing["suggestion"], "Billing Tier II", "{missing:#}");
    assert!(
        sib.with_state(|o| o.queues.iter().any(|q| q.name == "Billing Tier II")
            && o.queues.iter().any(|q| q.name == "Billing Tier 1")),
        "the sibling has both the renamed queue and the one a single edit away"
    );
    let args = with(
        persona_args(&personas, "disputes", "sib"),
        &["--create-missing", "skills"],
    );
    let (_, report, _) = run_in(
        dir.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["code"] != "missing_in_target"),
        "{report:#}"
    );
    assert_eq!(
        report["orgs"][0]["create"],
        serde_json::json!([{"step": "create_skill", "name": "Disputes"}])
    );
    for s in [&src, &sib, &dup] {
        assert!(
            write_routes(&s.stats().await).is_empty(),
            "--check writes nothing"
        );
    }
}

/// The skills a user holds in a sim, by name, with the ids they hold.
fn skill_ids(sim: &SimHandle, email: &str, name: &str) -> (Vec<String>, Vec<String>) {
    sim.with_state(|org| {
        let catalogue: Vec<String> = org
            .skills
            .iter()
            .filter(|s| s.name == name)
            .map(|s| s.id.clone())
            .collect();
        let u = org.users.iter().find(|u| u.email == email).unwrap();
        let held: Vec<String> = u
            .skills
            .iter()
            .filter(|(id, _)| catalogue.contains(id))
            .map(|(id, _)| id.clone())
            .collect();
        (catalogue, held)
    })
}

/// `COMMAND` with the `disputes` persona (its skill is in no org) to TARGET in `sib`,
/// creating the kinds `create` names, then `more`; the personas written in `dir`.
fn disputes_run(dir: &Path, command: &str, create: &str, more: &[&str]) -> (i32, Value, String) {
    let personas = dir.join("disputes.csv");
    let args = [
        command,
        "--personas",
        personas.to_str().unwrap(),
        "--persona",
        "disputes",
        "--to",
        "sib",
        "--target",
        TARGET,
        "--create-missing",
        create,
        "--format",
        "json",
    ];
    run_in(dir, &[&args[..], more].concat())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_missing_creates_the_skill_once_and_the_user_holds_its_new_id() {
    let dir = tempfile::tempdir().unwrap();
    let sib = sibling_org().await;
    common::profiles(dir.path(), &[("sib", &sib)]);
    write_personas(dir.path());
    let clone = || disputes_run(dir.path(), "clone", "skills,languages", &["--yes"]);
    let (code, report, stderr) = clone();
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    let org = &report["orgs"][0];
    assert_eq!(org["status"], "done", "{org:#}");
    let deps = org["dependencies"].as_array().unwrap();
    assert_eq!(deps.len(), 1, "{org:#}");
    assert_eq!(deps[0]["step"], "create_skill");
    assert_eq!(deps[0]["outcome"], "created");
    let (catalogue, held) = skill_ids(&sib, TARGET, "Disputes");
    assert_eq!(catalogue.len(), 1, "one Disputes skill in the org");
    assert_eq!(deps[0]["id"], catalogue[0].as_str());
    assert_eq!(held, catalogue, "the user holds the new skill's id");
    let stats = sib.stats().await;
    assert!(
        stats.writes_with_unknown_ids.is_empty(),
        "no write carried a stand-in or foreign id: {:?}",
        stats.writes_with_unknown_ids
    );
    assert_eq!(
        stats.by_route.get("POST /api/v2/routing/skills").copied(),
        Some(1)
    );
    // A re-run finds the skill by name: nothing to create, nothing to write.
    let before = write_routes(&stats);
    let (code, report, stderr) = clone();
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert_eq!(report["orgs"][0]["create"], serde_json::json!([]));
    assert_eq!(
        write_routes(&sib.stats().await),
        before,
        "the re-run wrote nothing"
    );
    assert_eq!(skill_ids(&sib, TARGET, "Disputes").0.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_fix_with_create_missing_creates_first_and_a_second_drift_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let sib = sibling_org().await;
    common::profiles(dir.path(), &[("sib", &sib)]);
    write_personas(dir.path());
    let (code, report, stderr) = disputes_run(dir.path(), "drift", "skills", &["--fix", "--yes"]);
    assert_eq!(code, 0, "the fix reconciled the org: {stderr}\n{report:#}");
    let (catalogue, held) = skill_ids(&sib, TARGET, "Disputes");
    assert_eq!(catalogue.len(), 1);
    assert_eq!(held, catalogue);
    assert!(sib.stats().await.writes_with_unknown_ids.is_empty());
    let before = write_routes(&sib.stats().await);
    let (code, report, stderr) = disputes_run(dir.path(), "drift", "skills", &[]);
    assert_eq!(code, 0, "no drift left: {stderr}\n{report:#}");
    assert_eq!(write_routes(&sib.stats().await), before, "drift only reads");
}
