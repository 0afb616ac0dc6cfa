//! The TUI's load path (Driver + LiveServices + views on TestBackend) against the simulator
//! over HTTP shows rows before the snapshot is complete: the sim holds every external-id
//! lookup (a gate, not a sleep), so rows without one are planned while rows with one stay
//! "checking…"; Esc keeps the checked rows, and running them writes only those.
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
use std::time::Duration;
use tui_fixture::{buffer_text, code, key};

/// Rows 1 and 3 have no external id (settled by the email search); rows 2 and 4 have one.
const LIST: &str = "email,name,division,roles,skills,languages,queues,external_id\n\
gia.part@example.com,Gia Part,Billing,Agent,Billing:4,English:5,General,\n\
hal.part@example.com,Hal Part,Billing,Agent,Billing:3,English:4,General,workday:PART2\n\
ida.part@example.com,Ida Part,Billing,Agent,Billing:3,English:4,General,\n\
jon.part@example.com,Jon Part,Billing,Agent,Billing:3,English:4,General,workday:PART4\n";

async fn send(d: &mut Driver<TestBackend>, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        d.handle(m);
    }
    d.draw().unwrap();
}

/// Bounded so a broken load fails the test instead of hanging it (no timing is asserted).
const LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_show_before_the_snapshot_completes_and_esc_keeps_them() {
    let demo = start_demo_org("none", "off", 1)
        .await
        .expect("simulator starts");
    let gate = demo.sim.hold("/api/v2/users/externalid/");
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
    let mut app = App::new(Theme::plain(), (120, 30));
    app.load.targets = vec![Target {
        label: "demo".into(),
        ..Default::default()
    }];
    let terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let mut d = Driver::new(
        app,
        terminal,
        Arc::new(services),
        Some(dir.path().join("data")),
    );
    for c in start_load(&mut d.app, path.clone()) {
        d.exec_cmd(c);
    }

    // The rows without an external id are planned while the lookups of the others are
    // held: the table is there before the snapshot is complete.
    let settled = |a: &App| {
        a.session
            .as_ref()
            .is_some_and(|s| s.status(0) == PlanAction::Create && s.status(2) == PlanAction::Create)
    };
    let shown = tokio::time::timeout(LIMIT, d.run_until(1_000_000, settled)).await;
    assert_eq!(
        shown,
        Ok(true),
        "{}",
        d.app.load.error.clone().unwrap_or_default()
    );
    assert!(d.app.load.loading, "the snapshot is not complete");
    assert_eq!(d.app.screen, Screen::Preflight);
    let s = d.app.session.as_ref().unwrap();
    assert!(s.is_checking(1) && s.is_checking(3));
    assert_eq!(s.checking_count, 2);
    assert_eq!(s.status(1), PlanAction::Blocked);
    let screen = buffer_text(d.terminal.backend());
    assert!(screen.contains("checking…"), "{screen}");
    assert!(screen.contains("org loading"), "{screen}");

    // Esc: the load stops; the held rows are blocked with org_not_checked.
    send(&mut d, [code(KeyCode::Esc)]).await;
    assert!(!d.app.load.loading);
    let s = d.app.session.as_ref().unwrap();
    for i in [1, 3] {
        assert_eq!(s.status(i), PlanAction::Blocked);
        assert!(
            s.findings_of(i)
                .any(|f| f.code == FindingCode::OrgNotChecked)
        );
    }
    assert_eq!(s.runnable(), vec![0, 2]);
    // Let the held requests go: nothing of the stopped load may change the table.
    gate.open();

    // The checked rows run (the org was known as soon as its lists arrived).
    send(&mut d, [key('3'), key('y'), code(KeyCode::Enter)]).await;
    assert_eq!(d.app.screen, Screen::Run);
    let done =
        tokio::time::timeout(LIMIT, d.run_until(1_000_000, |a| !a.run.phase.is_active())).await;
    assert_eq!(done, Ok(true));
    let report = d.app.report.as_ref().expect("a report");
    assert_eq!(report.rows.len(), 2);
    let emails: Vec<String> = demo
        .sim
        .users()
        .iter()
        .map(|u| u.email.to_lowercase())
        .collect();
    assert!(emails.contains(&"gia.part@example.com".to_string()));
    assert!(emails.contains(&"ida.part@example.com".to_string()));
    assert!(!emails.contains(&"hal.part@example.com".to_string()));
    assert!(!emails.contains(&"jon.part@example.com".to_string()));
    let s = d.app.session.as_ref().unwrap();
    assert!(
        s.findings_of(1)
            .any(|f| f.code == FindingCode::OrgNotChecked)
    );
    demo.sim.shutdown().await;
}
