//! `onboard persona capture` and `persona list`: the real binary against the simulator over
//! HTTP, read-only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{onboard, sim_with, writes};
use onboard::model::Field;
use onboard::preflight::personas::read_personas;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_writes_the_reference_user_by_names_and_changes_nothing() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("personas.csv");
    let url = sim.url();
    let capture = |email: &str, extra: &[&str]| {
        let mut args = vec!["persona", "capture", "--api-url", &url, "--user", email];
        args.extend_from_slice(extra);
        onboard(dir.path()).args(&args).output().unwrap()
    };

    // Printed to stdout without -o: the demo org's supervisor, by names.
    let out = capture("sophia.rossi@example.com", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "persona,department,title,roles,skills,languages,queues\n\
Customer Support Supervisor,Customer Support,Customer Support Supervisor,Employee@Home; Supervisor,Returns:2; Software:4,English:5,Technical Support; Support Chat\n"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("not captured") && stderr.contains("phone"),
        "{stderr}"
    );

    // Into a file, twice under one name (replaced, not duplicated), with the opt-in groups.
    for _ in 0..2 {
        let out = capture(
            "sophia.rossi@example.com",
            &[
                "--name",
                "Lead",
                "--include",
                "division,licenses",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let set = read_personas("personas.csv", &std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(set.personas.len(), 1);
    let lead = set.get("lead").unwrap();
    assert_eq!(lead.cell(Field::Division), "Support");
    assert_eq!(lead.cell(Field::Licenses), "cx3; wem");
    assert_eq!(lead.cell(Field::Roles), "Employee@Home; Supervisor");

    // An address the org does not have: one line saying so, exit 2, no file change.
    let out = capture("nobody@example.com", &["-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no user with the email nobody@example.com")
    );

    assert_eq!(writes(&sim.stats().await), 0, "capture only reads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_checks_each_persona_once_and_exits_1_on_errors() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("personas.csv");
    std::fs::write(
        &file,
        "persona,roles,skills,queues\nGood,Supervisor,Returns:2,Support Chat\nBad,Agnet,Retruns:2,\n",
    )
    .unwrap();
    let out = onboard(dir.path())
        .args([
            "persona",
            "list",
            file.to_str().unwrap(),
            "--api-url",
            &sim.url(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Good (line 2): 3 roles/skills/languages/queues, ok"),
        "{stdout}"
    );
    assert!(stdout.contains("Bad (line 3)"), "{stdout}");
    assert!(
        stdout.contains("unknown_role persona 'Bad': role 'Agnet'"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean 'Returns'"), "{stdout}");
    assert_eq!(writes(&sim.stats().await), 0);
}

/// `check HIRES --personas FILE`: a bad persona is one finding of the personas file (with
/// `persona` and `file`), rows using it are blocked with `persona_invalid`, the others are
/// planned with what their personas give; without `--personas` every row naming one is
/// blocked. Exit 1 on errors, and nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_with_personas_reports_a_bad_persona_once() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("personas.csv"),
        "persona,roles,skills,languages,queues\n\
Support Agent,Agent,Technical Support:3,English:5,Support Tier 1\n\
Broken,,Softwar:4,,\n",
    )
    .unwrap();
    let mut hires = String::from("email,first_name,last_name,division,persona\n");
    for i in 0..40 {
        let persona = if i % 4 == 3 {
            "Support Agent; Broken"
        } else {
            "Support Agent"
        };
        hires += &format!("p{i}.new@example.com,Pat,N{i},Support,{persona}\n");
    }
    std::fs::write(dir.path().join("hires.csv"), hires).unwrap();
    let url = sim.url();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "hires.csv", "--api-url", &url, "--format", "json"];
        args.extend_from_slice(extra);
        onboard(dir.path())
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap()
    };

    let out = check(&["--personas", "personas.csv"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let skill: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["code"] == "unknown_skill")
        .collect();
    assert_eq!(skill.len(), 1, "{findings:#?}");
    assert_eq!(skill[0]["persona"], "Broken");
    assert_eq!(skill[0]["file"], "personas.csv");
    assert!(skill[0]["row"].is_null());
    let invalid = findings
        .iter()
        .filter(|f| f["code"] == "persona_invalid")
        .count();
    assert_eq!(invalid, 10);
    assert_eq!(v["summary"]["blocked"], 10);
    assert_eq!(v["summary"]["ready"], 30);
    assert_eq!(v["plan"]["create"], 30);

    // --plan-detail: each row's items by name, sorted, with where each came from.
    let out = check(&["--personas", "personas.csv", "--plan-detail"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let desired = v["desired"].as_array().unwrap();
    assert_eq!(desired.len(), 40);
    assert_eq!(desired[3]["email"], "p3.new@example.com");
    assert_eq!(desired[3]["line"], 5);
    let items: Vec<String> = desired[3]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("{} {} {}", i["field"], i["item"], i["source"]).replace('"', ""))
        .collect();
    assert_eq!(
        items,
        vec![
            "division Support row",
            "roles Agent persona:Support Agent",
            "skills Softwar:4 persona:Broken",
            "skills Technical Support:3 persona:Support Agent",
            "languages English:5 persona:Support Agent",
            "queues Support Tier 1 persona:Support Agent",
        ]
    );
    assert!(
        v["findings"].as_array().is_some(),
        "the check report is still there"
    );

    let out = check(&[]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["summary"]["blocked"], 40,
        "no personas file: every row blocked"
    );

    assert_eq!(writes(&sim.stats().await), 0, "check only reads");
}

/// `apply --personas`: users get what their personas give plus their own cells, a persona's
/// `-Name` removal holds, and the same command again writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_with_personas_provisions_what_they_give_and_reruns_clean() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("personas.csv"),
        "persona,title,roles,skills,languages\n\
Support Agent,Support Agent,Agent,Technical Support:3; Software:2,English:5\n\
Spanish,,,,Spanish:4\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("hires.csv"),
        "email,first_name,last_name,division,persona,skills\n\
ana.p@example.com,Ana,P,Support,Support Agent; Spanish,Software:4\n\
bo.p@example.com,Bo,P,Support,Support Agent,-Software\n",
    )
    .unwrap();
    let url = sim.url();
    let apply = || {
        onboard(dir.path())
            .current_dir(dir.path())
            .args([
                "apply",
                "hires.csv",
                "--personas",
                "personas.csv",
                "--api-url",
                &url,
                "--yes",
                "--format",
                "json",
            ])
            .output()
            .unwrap()
    };
    let out = apply();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let users = sim.users();
    let user = |email: &str| users.iter().find(|u| u.email == email).unwrap().clone();
    let skill_names = |u: &onboard::sim::state::User| {
        let mut v: Vec<(String, f64)> = u
            .skills
            .iter()
            .map(|(id, p)| {
                let name = sim.with_state(|o| {
                    o.skills
                        .iter()
                        .find(|s| &s.id == id)
                        .map(|s| s.name.clone())
                        .unwrap_or_default()
                });
                (name, *p)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let ana = user("ana.p@example.com");
    assert_eq!(ana.title.as_deref(), Some("Support Agent"));
    assert_eq!(
        skill_names(&ana),
        vec![("Software".into(), 4.0), ("Technical Support".into(), 3.0)],
        "the row's Software:4 overrides the persona's proficiency"
    );
    assert_eq!(
        ana.languages.len(),
        2,
        "English from one persona, Spanish from the other"
    );
    let bo = user("bo.p@example.com");
    assert_eq!(
        skill_names(&bo),
        vec![("Technical Support".into(), 3.0)],
        "-Software removes what the persona gave"
    );

    let before = writes(&sim.stats().await);
    let out = apply();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        writes(&sim.stats().await),
        before,
        "the same command again writes nothing"
    );
}
