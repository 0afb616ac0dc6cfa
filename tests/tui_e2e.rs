//! The real TUI loop (Driver + update + views on TestBackend) against the simulator over
//! HTTP, through the same LiveServices the binary uses: load → fix a finding → skip a row →
//! run → a run-time failure → edit + retry → done. Waits on the inbox, never sleeps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_fixture;
use crossterm::event::KeyCode;
use onboard::cli::demo::start_demo_org;
use onboard::cli::tui::{LiveServices, OrgSpec};
use onboard::genesys::SnapshotOptions;
use onboard::model::*;
use onboard::tui::app::{App, Screen, Target};
use onboard::tui::driver::Driver;
use onboard::tui::msg::Msg;
use onboard::tui::theme::Theme;
use onboard::tui::update::start_load;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use tui_fixture::{buffer_text, code, key};

/// Rows for the demo org: row 2 has a typo'd skill (fixable with `a`), row 4 an unknown
/// division (we skip it), rows 1–3 join "Billing Tier 2" (18 of 20 members): the third
/// new member fails at run time with `queue.size.limit`.
const LIST: &str = "email,name,division,roles,skills,languages,queues,external_id\n\
nina.e2e@example.com,Nina Etoe,Billing,Agent,Billing:4,English:5,Billing Tier 2,workday:E2E1\n\
omar.e2e@example.com,Omar Etoe,Billing,Agent,Biling:3,English:4,Billing Tier 2,workday:E2E2\n\
pia.e2e@example.com,Pia Etoe,Billing,Agent,Payments:3,Spanish:4,Billing Tier 2,workday:E2E3\n\
quin.e2e@example.com,Quin Etoe,Nowhere,Agent,Sales:3,English:4,General,workday:E2E4\n\
rui.e2e@example.com,Rui Etoe,Support,Agent,Returns:3,English:4,Support Tier 1,workday:E2E5\n";

async fn send(d: &mut Driver<TestBackend>, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        d.handle(m);
    }
    d.draw().unwrap();
}

fn screen(d: &Driver<TestBackend>) -> String {
    buffer_text(d.terminal.backend())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_fix_skip_run_fail_retry_done() {
    let demo = start_demo_org("none", "off", 1)
        .await
        .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hires.csv");
    std::fs::write(&path, LIST).unwrap();

    let services = LiveServices::new(
        vec![OrgSpec::Client {
            client: demo.client.clone(),
            opts: SnapshotOptions::default(),
        }],
        Some(dir.path().join("data")),
    );
    let mut app = App::new(Theme::plain(), (100, 30));
    app.load.targets = vec![Target {
        label: "demo".into(),
        ..Default::default()
    }];
    let terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut d = Driver::new(
        app,
        terminal,
        Arc::new(services),
        Some(dir.path().join("data")),
    );

    // Load: the list is read, the snapshot loads over HTTP (progress shows), pre-flight runs.
    for c in start_load(&mut d.app, path.clone()) {
        d.exec_cmd(c);
    }
    assert!(
        d.run_until(100_000, |a| (a.session.is_some() && !a.load.loading)
            || a.load.error.is_some())
            .await
    );
    assert_eq!(d.app.load.error, None);
    assert!(
        !d.app.load.progress.is_empty(),
        "snapshot progress was reported"
    );
    assert_eq!(d.app.screen, Screen::Preflight);
    let s = d.app.session.as_ref().unwrap();
    assert_eq!(s.errors(1), 1, "row 2: unknown skill");
    assert!(s.errors(3) >= 1, "row 4: unknown division");

    // Fix a finding: n jumps to row 2, a applies the suggestion, the row re-checks clean.
    send(&mut d, [key('n'), key('a')]).await;
    let s = d.app.session.as_ref().unwrap();
    assert_eq!(s.cell(1, Field::Skills), "Billing:3");
    assert_eq!(s.errors(1), 0);
    assert!(screen(&d).contains("row 2 re-checked: no errors"));

    // Skip a row: n goes to row 4, s skips it.
    send(&mut d, [key('n'), key('s')]).await;
    let s = d.app.session.as_ref().unwrap();
    assert_eq!(s.status(3), PlanAction::Skipped);

    // Plan → y: the run starts with rows 1, 2, 3, 5.
    send(&mut d, [key('3')]).await;
    assert!(
        screen(&d).contains("what changes (4 rows)"),
        "{}",
        screen(&d)
    );
    send(&mut d, [key('y')]).await;
    assert!(screen(&d).contains("Start the run?"), "y asks first");
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert_eq!(d.app.screen, Screen::Run);
    assert!(
        d.run_until(100_000, |a| !a.run.phase.is_active()).await,
        "the run finishes"
    );
    assert!(d.app.run.phase.is_finished(), "status: {:?}", d.app.status);
    // A failure: the third member of Billing Tier 2 hits the queue's limit.
    let failed = d.app.failed_rows();
    assert_eq!(failed.len(), 1, "report: {:?}", d.app.report);
    let row = failed[0];
    let rep = d.app.report_row(row).unwrap();
    let step = rep
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .unwrap();
    assert_eq!(step.step, Step::Queues);
    assert_eq!(step.code.as_deref(), Some("queue.size.limit"));

    // Failures: drilldown shows it; e edits the row's queues, Enter re-checks and retries.
    send(&mut d, [key('5'), code(KeyCode::Enter)]).await;
    assert!(screen(&d).contains("queue.size.limit"));
    send(
        &mut d,
        [code(KeyCode::Esc), key('e'), tui_fixture::ctrl('u')],
    )
    .await;
    send(
        &mut d,
        "Billing Tier 1".chars().map(key).collect::<Vec<_>>(),
    )
    .await;
    send(&mut d, [code(KeyCode::Enter)]).await;
    assert_eq!(d.app.screen, Screen::Run, "status: {:?}", d.app.status);
    assert!(d.run_until(100_000, |a| !a.run.phase.is_active()).await);

    // Done: nothing failed, the org has every provisioned user exactly once.
    assert!(d.app.failed_rows().is_empty(), "report: {:?}", d.app.report);
    let report = d.app.report.as_ref().unwrap();
    assert_eq!(report.summary.failed, 0);
    assert_eq!(report.summary.succeeded, 4);
    let stats = demo.sim.stats().await;
    assert_eq!(stats.duplicate_emails, 0);
    demo.sim.shutdown().await;
}

#[tokio::test]
async fn the_driver_redraws_only_when_something_changed() {
    let services = LiveServices::new(Vec::new(), None);
    let app = tui_fixture::app_with(tui_fixture::CSV, (80, 24));
    let terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut d = Driver::new(app, terminal, Arc::new(services), None);
    d.draw().unwrap();
    assert_eq!(d.frames, 1);
    d.draw().unwrap();
    assert_eq!(d.frames, 1, "nothing changed: no frame");
    d.handle(key('j'));
    d.draw().unwrap();
    assert_eq!(d.frames, 2);
    assert!(screen(&d).contains("Row 2 (line 3)"));
    // Messages sent into the inbox are handled by the loop (here: until the app quits).
    let tx = d.sender();
    tx.send(key('q')).await.unwrap();
    assert!(d.run_until(10, |a| a.quit).await);
}
