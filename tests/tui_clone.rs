//! The TUI's Clone across orgs (issue 16 §8) through the real driver, `update`, views and
//! `LiveServices` against three simulators over HTTP: the source (the demo org), `us` (a
//! copy of the demo org) and `sibling` (assets/demo/sibling.json, where `Billing Tier 2`
//! is called `Billing Tier II`). F3 → the Clone form → Pre-flight per org with badges, the
//! all-orgs view and the Reference panel → `m` picks the sibling's name for the missing
//! queue, which writes a map row and re-checks the sibling
//! → the org × action Plan → `y` names both orgs → the runs, one gauge per org → Failures
//! grouped by org (the queue's member limit). Waits on the inbox, never sleeps. Snapshots
//! at 80×24 and 200×60 of each screen as the run left it.
//!
//! A second test: `c` creates a skill the sibling lacks (`will_create`, the Plan's create
//! step, one create), and `r` retries a row whose queue step failed in the sibling (its
//! queues full) once that is cleared — a fresh read of the org, then that org's engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_fixture;
use crossterm::event::KeyCode;
use onboard::cli::demo::{DemoOrg, start_demo_org, start_sibling_org};
use onboard::cli::tui::{LiveServices, OrgSpec};
use onboard::genesys::SnapshotOptions;
use onboard::model::*;
use onboard::tui::app::{App, LoadMode, PromptKind, Screen, Target};
use onboard::tui::driver::Driver;
use onboard::tui::msg::Msg;
use onboard::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use tui_fixture::{buffer_text, code, key};

/// A Billing Agent whose queues are Payments and Billing Tier 2.
const REFERENCE: &str = "emma.dubois@example.com";
/// Three users in no Billing queue: Billing Tier 2 (18 of 20 members) takes two of them;
/// the third fails with `queue.size.limit` in each org.
const TARGETS: &str = "liam.lopez@example.com, ava.chen@example.com, lucas.johnson@example.com";

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

async fn send(d: &mut Driver<TestBackend>, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        d.handle(m);
    }
    d.draw().unwrap();
}

fn type_text(s: &str) -> Vec<Msg> {
    s.chars().map(key).collect()
}

fn screen(d: &Driver<TestBackend>) -> String {
    buffer_text(d.terminal.backend())
}

/// The screen at both sizes, the simulators' addresses named instead of their ports.
fn snap(d: &mut Driver<TestBackend>, orgs: &[(&str, &DemoOrg)], dir: &Path, name: &str) {
    let size = d.app.size;
    for (w, h) in SIZES {
        d.app.size = (w, h);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| onboard::tui::view::draw(f, &d.app)).unwrap();
        let mut text = buffer_text(t.backend());
        for (n, o) in orgs {
            let url = o.sim.url();
            text = text.replace(url.trim_end_matches('/'), &format!("http://{n}.sim"));
        }
        text = text.replace(&dir.display().to_string(), "DIR");
        text = without_ports(&text);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
    d.app.size = size;
}

/// `127.0.0.1:PORT` for every loopback port (a cut address keeps no digits either).
fn without_ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(i + "127.0.0.1:".len());
        out.push_str(head);
        out.push_str("PORT");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clone_form_preflight_map_plan_run_failures_across_two_orgs() {
    let eu = start_demo_org("none", "off", 1).await.unwrap();
    let us = start_demo_org("none", "off", 1).await.unwrap();
    let sibling = start_sibling_org("none", "off", 1).await.unwrap();
    let orgs = [("eu", &eu), ("us", &us), ("sibling", &sibling)];
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let services = LiveServices::new(
        orgs.iter()
            .map(|(_, o)| OrgSpec::Client {
                client: o.client.clone(),
                opts: SnapshotOptions::default(),
            })
            .collect(),
        Some(data.clone()),
    )
    .with_names(orgs.iter().map(|(n, _)| n.to_string()).collect())
    // One request at a time per org: which user the full queue refuses is repeatable.
    .with_clone_concurrency(1);
    let mut app = App::new(Theme::plain(), (100, 30));
    app.load.targets = orgs
        .iter()
        .map(|(n, _)| Target {
            label: format!("{n} (simulated)"),
            place: format!("http://{n}.sim"),
            profile: Some(n.to_string()),
            simulated: true,
        })
        .collect();
    let terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut d = Driver::new(app, terminal, Arc::new(services), Some(data.clone()));

    // A hire list's load progress from before: the Clone's Orgs pane never shows it.
    d.handle(Msg::LoadProgress(LoadProgress {
        resource: "users".into(),
        loaded: 3,
        total: Some(9),
        done: false,
        left_s: None,
    }));
    // F3 → Clone: reference emma (source eu), targets us and sibling, three typed users.
    send(&mut d, [code(KeyCode::F(3))]).await;
    // (The old pane showed it as `… users  reading`.)
    assert!(!screen(&d).contains("reading"), "{}", screen(&d));
    assert_eq!(d.app.load.mode, LoadMode::Clone);
    let down = || code(KeyCode::Down);
    let right = || code(KeyCode::Right);
    let mut keys = vec![down()];
    keys.extend(type_text(REFERENCE));
    // Include, Mode, Targets: → us, Space, → sibling, Space.
    keys.extend([down(), down(), down(), right(), key(' '), right(), key(' ')]);
    // Users: → typed emails; the emails line.
    keys.extend([down(), right(), down()]);
    keys.extend(type_text(TARGETS));
    send(&mut d, keys).await;
    assert!(screen(&d).contains("[x] sibling"), "{}", screen(&d));
    snap(&mut d, &orgs, dir.path(), "clone_form");

    // Enter prepares: the reference is read from eu, then both targets at once.
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert!(
        d.run_until(100_000, |a| a.orgs.is_some() || a.load.error.is_some())
            .await
    );
    assert_eq!(d.app.load.error, None, "{:?}", d.app.status);
    assert_eq!(d.app.screen, Screen::Preflight);
    assert!(
        d.app.load.org_progress.contains_key("org us")
            && d.app.load.org_progress.contains_key("org sibling"),
        "one progress row per org: {:?}",
        d.app.load.org_progress.keys()
    );
    assert!(
        !d.app.load.progress.contains_key("org us"),
        "the hire list's progress stays its own"
    );
    let s = d.app.orgs.as_ref().unwrap();
    assert_eq!(s.orgs.len(), 2);
    let us_check = s.orgs[0].check.as_ref().unwrap();
    assert_eq!(us_check.errors(), 0, "{:#?}", us_check.findings);
    let sib = s.orgs[1].check.as_ref().unwrap();
    let missing: Vec<&Finding> = sib
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::MissingInTarget)
        .collect();
    assert_eq!(missing.len(), 1, "{:#?}", sib.findings);
    // The suggestion is the renamed queue ('Tier II' reads as 'Tier 2'), not the one a
    // single edit away ('Billing Tier 1'); the picker below maps any other name.
    assert_eq!(
        missing[0].suggestion.as_deref(),
        Some("Billing Tier II"),
        "{:#?}",
        missing[0]
    );
    assert!(
        s.reference
            .groups
            .iter()
            .any(|(g, names)| g == "queues" && names.iter().any(|n| n == "Billing Tier 2")),
        "{:?}",
        s.reference.groups
    );
    let header = screen(&d);
    assert!(header.contains("Orgs us ⚠"), "{header}");
    assert!(header.contains("sibling ✖"), "{header}");
    snap(&mut d, &orgs, dir.path(), "clone_preflight");

    // 0: every org's findings with an org column; ] selects the sibling.
    send(&mut d, [key('0')]).await;
    snap(&mut d, &orgs, dir.path(), "clone_preflight_all");
    send(&mut d, [key('0'), key(']')]).await;
    assert_eq!(d.app.orgs.as_ref().unwrap().selected, 1);

    // m on the missing queue: the sibling's queues, filtered as typed; Enter writes a map
    // row to the picked name and re-checks the sibling.
    let (_, f) = d.app.orgs.as_ref().unwrap().selected_finding().unwrap();
    assert_eq!(f.code, FindingCode::MissingInTarget);
    let mut keys = vec![key('m')];
    keys.extend(type_text("tier ii"));
    send(&mut d, keys).await;
    let picker = screen(&d);
    assert!(picker.contains("Billing Tier II"), "{picker}");
    snap(&mut d, &orgs, dir.path(), "clone_picker");
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert!(
        d.run_until(100_000, |a| a
            .orgs
            .as_ref()
            .is_some_and(|o| !o.orgs[1].rechecking))
            .await
    );
    let s = d.app.orgs.as_ref().unwrap();
    let map = s.map.clone().expect("the map file the action wrote");
    assert_eq!(map, data.join("clone-map.csv"));
    assert_eq!(
        std::fs::read_to_string(&map).unwrap(),
        "org,kind,source,target\nsibling,queue,Billing Tier 2,Billing Tier II\n"
    );
    let sib = s.orgs[1].check.as_ref().unwrap();
    assert_eq!(sib.errors(), 0, "{:#?}", sib.findings);
    let status = d.app.status.clone().unwrap().1;
    assert!(
        status.contains("mapped to 'Billing Tier II' for sibling"),
        "{status}"
    );
    assert!(
        status.contains("clone-map.csv"),
        "the status says where: {status}"
    );
    snap(&mut d, &orgs, dir.path(), "clone_mapped");

    // Load (1): the form's Map line names the file the action wrote (a later prepare reads
    // it), and the Orgs pane says each org's check and run — not the hire list's load.
    send(&mut d, [key('1')]).await;
    assert_eq!(d.app.load.form.map.value(), map.display().to_string());
    let load = screen(&d);
    assert!(load.contains("org sibling      ⚠"), "{load}");
    assert!(load.contains("not run"), "{load}");
    snap(&mut d, &orgs, dir.path(), "clone_form_prepared");
    // Esc goes back to the Clone's Pre-flight.
    send(&mut d, [code(KeyCode::Esc)]).await;
    assert_eq!(d.app.screen, Screen::Preflight);

    // Plan: org × action, requests and ETA per org.
    send(&mut d, [key('3')]).await;
    let plan = screen(&d);
    assert!(plan.contains("us ") && plan.contains(" write"), "{plan}");
    snap(&mut d, &orgs, dir.path(), "clone_plan");

    // y names both orgs; Enter runs them.
    send(&mut d, [key('y')]).await;
    let ask = screen(&d);
    assert!(ask.contains("Clone to these orgs?"), "{ask}");
    assert!(ask.contains("us —") && ask.contains("sibling —"), "{ask}");
    snap(&mut d, &orgs, dir.path(), "clone_confirm");
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert_eq!(d.app.screen, Screen::Run);
    assert!(
        d.run_until(200_000, |a| a
            .orgs
            .as_ref()
            .is_some_and(|o| o.run_started() && !o.run_active()))
            .await,
        "both runs finish"
    );
    let s = d.app.orgs.as_ref().unwrap();
    for o in &s.orgs {
        let (report, cancelled) = o.run.finished.as_ref().expect("finished");
        assert!(!cancelled);
        // Billing Tier 2 had room for two: the third user fails in each org.
        assert_eq!(report.summary.failed, 1, "{}: {report:#?}", o.profile);
    }
    snap(&mut d, &orgs, dir.path(), "clone_run");

    // Failures: by org, then error code; Enter opens the drilldown.
    send(&mut d, [key('5')]).await;
    let failures = screen(&d);
    assert!(failures.contains("queue.size.limit"), "{failures}");
    snap(&mut d, &orgs, dir.path(), "clone_failures");
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert!(screen(&d).contains("queue.size.limit"));

    // R asks first, naming each org and its failed rows; n leaves them.
    send(&mut d, [code(KeyCode::Esc), key('R')]).await;
    let ask = screen(&d);
    assert!(ask.contains("Retry the failed rows?"), "{ask}");
    assert!(
        ask.contains("us — row") && ask.contains("sibling — row"),
        "{ask}"
    );
    snap(&mut d, &orgs, dir.path(), "clone_retry_all_confirm");
    send(&mut d, [key('n')]).await;
    assert!(d.app.overlay.is_none());

    // The sibling was written with its own names: the queue is Billing Tier II there.
    let joined = sibling.sim.with_state(|org| {
        let q = org
            .queues
            .iter()
            .find(|q| q.name == "Billing Tier II")
            .unwrap();
        org.users
            .iter()
            .filter(|u| TARGETS.contains(u.email.as_str()))
            .filter(|u| q.members.contains(&u.id))
            .count()
    });
    assert_eq!(joined, 2);
    drop(d);
    for o in [eu, us, sibling] {
        o.sim.shutdown().await;
    }
}

/// Has `Disputes:4`, which the sibling lacks, and the queues Refunds and Billing Tier 2.
const CREATOR: &str = "james.okafor@example.com";
const TARGET: &str = "noah.costa@example.com";
const FULL_QUEUES: [&str; 2] = ["Refunds", "Billing Tier II"];

/// The sibling's queues the target joins refuse new members (`queue.size.limit`), or take
/// them again (each queue's limit put back).
fn fill_queues(org: &DemoOrg, full: bool, limits: &mut Vec<(String, Option<u32>)>) {
    org.sim.with_state_mut(|o| {
        for q in o.queues.iter_mut() {
            if !FULL_QUEUES.contains(&q.name.as_str()) {
                continue;
            }
            if full {
                limits.push((q.name.clone(), q.member_limit));
                q.member_limit = Some(q.members.len() as u32);
            } else if let Some((_, l)) = limits.iter().find(|(n, _)| *n == q.name) {
                q.member_limit = *l;
            }
        }
    });
}

fn skills_named(org: &DemoOrg, name: &str) -> usize {
    org.sim
        .with_state(|o| o.skills.iter().filter(|s| s.name == name).count())
}

/// `c` on a skill the sibling lacks re-checks the org with create-missing skills:
/// `will_create`, the Plan's create step, the run creates it once. A fault (the target's
/// queues full) fails the row's queue step in that org; cleared, `r` in the drilldown reads
/// the org again and retries the row there, with that org's engine and journal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clone_create_missing_skill_then_retry_a_failed_row_in_its_org() {
    let eu = start_demo_org("none", "off", 1).await.unwrap();
    let sibling = start_sibling_org("none", "off", 1).await.unwrap();
    let orgs = [("eu", &eu), ("sibling", &sibling)];
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let map = dir.path().join("map.csv");
    std::fs::write(
        &map,
        "org,kind,source,target\nsibling,queue,Billing Tier 2,Billing Tier II\n",
    )
    .unwrap();
    let services = LiveServices::new(
        orgs.iter()
            .map(|(_, o)| OrgSpec::Client {
                client: o.client.clone(),
                opts: SnapshotOptions::default(),
            })
            .collect(),
        Some(data.clone()),
    )
    .with_names(orgs.iter().map(|(n, _)| n.to_string()).collect())
    .with_clone_concurrency(1);
    let mut app = App::new(Theme::plain(), (100, 30));
    app.load.targets = orgs
        .iter()
        .map(|(n, _)| Target {
            label: format!("{n} (simulated)"),
            place: format!("http://{n}.sim"),
            profile: Some(n.to_string()),
            simulated: true,
        })
        .collect();
    let terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut d = Driver::new(app, terminal, Arc::new(services), Some(data.clone()));

    // Clone james (eu) to noah in the sibling, with the map file typed on the Map line.
    let down = || code(KeyCode::Down);
    let right = || code(KeyCode::Right);
    let mut keys = vec![code(KeyCode::F(3)), down()];
    keys.extend(type_text(CREATOR));
    keys.extend([down(), down(), down(), right(), key(' ')]);
    keys.extend([down(), right(), down()]);
    keys.extend(type_text(TARGET));
    keys.push(down());
    keys.extend(type_text(&map.display().to_string()));
    send(&mut d, keys).await;
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert!(
        d.run_until(100_000, |a| a.orgs.is_some() || a.load.error.is_some())
            .await
    );
    assert_eq!(d.app.load.error, None, "{:?}", d.app.status);
    let s = d.app.orgs.as_ref().unwrap();
    let (_, f) = s.selected_finding().unwrap();
    assert_eq!(f.code, FindingCode::MissingInTarget, "{f:#?}");
    assert!(f.message.contains("skill 'Disputes'"), "{}", f.message);

    // c: the sibling is re-checked with create-missing skills.
    send(&mut d, [key('c')]).await;
    assert!(
        d.run_until(100_000, |a| a
            .orgs
            .as_ref()
            .is_some_and(|o| !o.orgs[0].rechecking))
            .await
    );
    let c = d.app.orgs.as_ref().unwrap().orgs[0].check.clone().unwrap();
    assert_eq!(c.errors(), 0, "{:#?}", c.findings);
    assert!(
        c.findings
            .iter()
            .any(|f| f.code == FindingCode::WillCreate && f.message.contains("'Disputes'")),
        "{:#?}",
        c.findings
    );
    assert_eq!(c.creates, vec!["skill 'Disputes'".to_string()]);
    send(&mut d, [key('3')]).await;
    assert!(screen(&d).contains("creates first: skill 'Disputes'"));
    snap(&mut d, &orgs, dir.path(), "clone_create_plan");

    // The fault: the target's queues are full in the sibling.
    let mut limits = Vec::new();
    fill_queues(&sibling, true, &mut limits);
    send(&mut d, [key('y'), code(KeyCode::Enter)]).await;
    assert!(
        d.run_until(200_000, |a| a
            .orgs
            .as_ref()
            .is_some_and(|o| o.run_started() && !o.run_active()))
            .await
    );
    let o = &d.app.orgs.as_ref().unwrap().orgs[0];
    let (report, _) = o.run.finished.as_ref().unwrap();
    assert_eq!(report.summary.failed, 1, "{report:#?}");
    assert_eq!(skills_named(&sibling, "Disputes"), 1, "created once");
    let noah_in_queues = || {
        sibling.sim.with_state(|o| {
            let id = o
                .users
                .iter()
                .find(|u| u.email == TARGET)
                .map(|u| u.id.clone())
                .unwrap();
            o.queues
                .iter()
                .filter(|q| FULL_QUEUES.contains(&q.name.as_str()) && q.members.contains(&id))
                .count()
        })
    };
    assert_eq!(noah_in_queues(), 0);
    send(&mut d, [key('5')]).await;
    assert!(screen(&d).contains("queue.size.limit"), "{}", screen(&d));
    snap(&mut d, &orgs, dir.path(), "clone_retry_failures");

    // Cleared, r in the drilldown: a fresh read of the sibling, then the row alone.
    fill_queues(&sibling, false, &mut limits);
    send(&mut d, [code(KeyCode::Enter), key('r')]).await;
    assert!(d.app.overlay.is_none());
    assert!(
        d.run_until(200_000, |a| a.orgs.as_ref().is_some_and(|o| {
            let r = &o.orgs[0].run;
            r.retries == 1 && r.finished.is_some()
        }))
        .await,
        "{:?}",
        d.app.status
    );
    let s = d.app.orgs.as_ref().unwrap();
    let o = &s.orgs[0];
    let (report, cancelled) = o.run.finished.as_ref().unwrap();
    assert!(!cancelled);
    assert_eq!(report.rows.len(), 1, "{report:#?}");
    assert_eq!(report.summary.failed, 0, "{report:#?}");
    assert!(s.failure_rows().is_empty());
    assert_eq!(noah_in_queues(), 2);
    // The fresh read found the skill the first run created: no second create.
    assert_eq!(skills_named(&sibling, "Disputes"), 1);
    assert!(o.check.as_ref().unwrap().creates.is_empty());
    assert_eq!(d.app.screen, Screen::Run);
    snap(&mut d, &orgs, dir.path(), "clone_retry_run");

    // With the Clone still open, Load → F3 → Drift: the Drift tab draws its matrix and
    // takes its own keys (before, the open Clone drew nothing there and ate them).
    send(
        &mut d,
        [key('1'), code(KeyCode::F(3)), code(KeyCode::Enter)],
    )
    .await;
    assert_eq!(d.app.load.mode, LoadMode::Drift);
    assert!(
        d.run_until(200_000, |a| a.drift.available() && a.drift.busy.is_none())
            .await,
        "{:?}",
        d.app.status
    );
    assert!(d.app.orgs.is_some());
    send(&mut d, []).await;
    let drawn = screen(&d);
    assert_eq!(d.app.screen, Screen::Drift);
    assert!(drawn.contains(TARGET), "{drawn}");
    send(&mut d, [key('/')]).await;
    assert!(
        matches!(
            d.app.prompt.as_ref().map(|p| &p.kind),
            Some(PromptKind::DriftFilter { .. })
        ),
        "{:?}",
        d.app.prompt.as_ref().map(|p| &p.kind)
    );
    drop(d);
    for o in [eu, sibling] {
        o.sim.shutdown().await;
    }
}
