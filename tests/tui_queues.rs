//! The TUI with a queue list (issue 15): the Load screen's queue field, the Pre-flight
//! Queues table (switch, move, filter, error jumps, edit with a re-check, skip), the queue
//! rows in the plan and the run's first phase, and the Run screen's queue gauge — over the
//! real ingest, pre-flight and `update`, drawn on ratatui's TestBackend (80×24 and 200×60).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_fixture;
use crossterm::event::KeyCode;
use onboard::model::*;
use onboard::tui::App;
use onboard::tui::app::{LoadField, PromptKind, QueueStatus, RunPhase, Screen};
use onboard::tui::msg::{Cmd, Msg};
use std::path::PathBuf;
use tui_fixture::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn snap(name: &str, build: impl Fn((u16, u16)) -> App) {
    for size in SIZES {
        let app = build(size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), render(&app));
    }
}

fn queues_app(size: (u16, u16)) -> App {
    app_with_queues(CSV, QUEUES_CSV, size)
}

fn selected_queue(app: &App) -> usize {
    app.queues.as_ref().unwrap().selected().unwrap()
}

#[test]
fn f3_cycles_to_the_queue_field_and_enter_loads_either_list_or_both() {
    let mut app = App::new(onboard::tui::theme::Theme::plain(), (80, 24));
    // Neither file: refused, with what to do.
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    assert!(cmds.is_empty());
    assert!(app.status.as_ref().unwrap().1.contains("F3"));
    // A queue list alone (F3 cycles Hire list → Clone → Drift → Queues).
    feed(
        &mut app,
        [
            code(KeyCode::F(3)),
            code(KeyCode::F(3)),
            code(KeyCode::F(3)),
        ],
    );
    assert_eq!(app.load.field, LoadField::Queues);
    type_text(&mut app, "q.csv");
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    let [Cmd::Load { files, .. }] = &cmds[..] else {
        panic!("expected a load, got {cmds:?}");
    };
    assert_eq!(files.hires, None);
    assert_eq!(files.queues, Some(PathBuf::from("q.csv")));
    // Both: the hire field keeps its own text.
    let mut app = App::new(onboard::tui::theme::Theme::plain(), (80, 24));
    type_text(&mut app, "h.csv");
    feed(
        &mut app,
        [
            code(KeyCode::F(3)),
            code(KeyCode::F(3)),
            code(KeyCode::F(3)),
        ],
    );
    assert_eq!(app.load.input.value(), "");
    type_text(&mut app, "q.csv");
    feed(&mut app, [code(KeyCode::F(3))]);
    assert_eq!(app.load.field, LoadField::Hires);
    assert_eq!(app.load.input.value(), "h.csv");
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    let [Cmd::Load { files, .. }] = &cmds[..] else {
        panic!("expected a load, got {cmds:?}");
    };
    assert_eq!(files.hires, Some(PathBuf::from("h.csv")));
    assert_eq!(files.queues, Some(PathBuf::from("q.csv")));
    assert!(render(&app).contains("Queues: q.csv"));
}

#[test]
fn a_loaded_queue_list_is_checked_and_t_switches_the_tables() {
    let mut app = queues_app((200, 60));
    let q = app.queues.as_ref().unwrap();
    // The same check `check --queues` makes: the new queue with a hire-list member is
    // ready, "General" is updated, the third row is blocked by its errors.
    assert_eq!(q.status(0), QueueStatus::Create);
    assert_eq!(q.status(1), QueueStatus::Update);
    assert_eq!(q.status(2), QueueStatus::Blocked);
    let codes: Vec<&str> = q.findings_of(2).map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"unknown_division"), "{codes:?}");
    assert!(codes.contains(&"acw_timeout_not_allowed"), "{codes:?}");
    assert!(codes.contains(&"unknown_wrapup_code"), "{codes:?}");
    assert!(app.status.as_ref().unwrap().1.contains("queues: 3 rows"));
    // Hires first (a hire list was loaded); t shows the queues, t again the hires.
    assert!(!q.shown);
    assert!(render(&app).contains("t queues"));
    feed(&mut app, [key('t')]);
    assert!(app.queues.as_ref().unwrap().shown);
    let screen = render(&app);
    assert!(screen.contains("Billing East"), "{screen}");
    assert!(screen.contains("t hires"), "{screen}");
    feed(&mut app, [key('t')]);
    assert!(!app.queues.as_ref().unwrap().shown);
    // Without a queue list, t says how to load one.
    let mut plain = app_with(CSV, (80, 24));
    feed(&mut plain, [key('t')]);
    assert!(plain.status.as_ref().unwrap().1.contains("no queue list"));
}

#[test]
fn hire_rows_naming_a_queue_of_the_list_are_not_unknown_queue() {
    // Ana is the new queue's member (from the hire list); Zed names the queue.
    let csv = "email,name,division,roles,queues\n\
ana@example.com,Ana Silva,Home,Agent,General\n\
zed@example.com,Zed Ray,Home,Agent,Billing East\n";
    let app = app_with_queues(csv, QUEUES_CSV, (80, 24));
    let s = app.session.as_ref().unwrap();
    let codes: Vec<&str> = s.findings_of(1).map(|f| f.code.as_str()).collect();
    assert!(!codes.contains(&"unknown_queue"), "{codes:?}");
    // Without the queue list the same row names an unknown queue: the test can fail.
    let alone = app_with(csv, (80, 24));
    let s = alone.session.as_ref().unwrap();
    assert!(
        s.findings_of(1)
            .any(|f| f.code == FindingCode::UnknownQueue)
    );
}

#[test]
fn the_queue_table_moves_filters_and_jumps_to_errors() {
    let mut app = queues_app((80, 24));
    feed(&mut app, [key('t')]);
    assert_eq!(selected_queue(&app), 0);
    feed(&mut app, [code(KeyCode::Down)]);
    assert_eq!(selected_queue(&app), 1);
    feed(&mut app, [key('n')]);
    assert_eq!(selected_queue(&app), 2);
    // The cell cursor lands on the error's column.
    let q = app.queues.as_ref().unwrap();
    let col = q.table.col;
    assert!(q.findings_of(2).any(|f| q.finding_col(f) == Some(col)));
    feed(&mut app, [key('N')]);
    assert_eq!(
        selected_queue(&app),
        2,
        "the only error row, wrapping around"
    );
    // `/` filters live; Esc in the prompt puts the old filter back; Esc clears it.
    feed(&mut app, [key('/')]);
    assert!(matches!(
        app.prompt.as_ref().map(|p| &p.kind),
        Some(PromptKind::QueueFilter { .. })
    ));
    type_text(&mut app, "code:unknown_division");
    assert_eq!(app.queues.as_ref().unwrap().table.view, vec![2]);
    feed(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.queues.as_ref().unwrap().table.view, vec![2]);
    feed(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(app.queues.as_ref().unwrap().table.view, vec![0, 1, 2]);
    feed(&mut app, [key('/')]);
    type_text(&mut app, "update");
    assert_eq!(app.queues.as_ref().unwrap().table.view, vec![1]);
}

#[test]
fn e_edits_a_queue_cell_and_the_row_is_checked_again_at_once() {
    let mut app = queues_app((80, 24));
    feed(&mut app, [key('t'), key('n')]);
    assert_eq!(selected_queue(&app), 2);
    let division = {
        let q = app.queues.as_ref().unwrap();
        q.list
            .column_index(onboard::ingest::queues::QueueColumn::Division)
            .unwrap()
    };
    app.queues.as_mut().unwrap().table.col = division;
    feed(&mut app, [key('e'), ctrl('u')]);
    type_text(&mut app, "Home");
    feed(&mut app, [code(KeyCode::Enter)]);
    let q = app.queues.as_ref().unwrap();
    assert_eq!(q.cell(2, division), "Home");
    let codes: Vec<&str> = q.findings_of(2).map(|f| f.code.as_str()).collect();
    assert!(!codes.contains(&"unknown_division"), "{codes:?}");
    assert!(codes.contains(&"acw_timeout_not_allowed"), "{codes:?}");
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .1
            .contains("re-checked queue Returns")
    );
    // Fix the rest: the row is ready to create.
    let col = |c| q.list.column_index(c).unwrap();
    let (timeout, codes_col) = (
        col(onboard::ingest::queues::QueueColumn::AcwTimeoutS),
        col(onboard::ingest::queues::QueueColumn::WrapupCodes),
    );
    for (c, v) in [(timeout, ""), (codes_col, "Resolved")] {
        app.queues.as_mut().unwrap().table.col = c;
        feed(&mut app, [key('e'), ctrl('u')]);
        type_text(&mut app, v);
        feed(&mut app, [code(KeyCode::Enter)]);
    }
    let q = app.queues.as_ref().unwrap();
    assert_eq!(q.status(2), QueueStatus::Create);
    assert!(q.unsaved);
}

#[test]
fn s_skips_a_queue_row_and_it_leaves_the_run() {
    let mut app = queues_app((80, 24));
    feed(&mut app, [key('t'), key('s')]);
    let q = app.queues.as_ref().unwrap();
    assert_eq!(q.status(0), QueueStatus::Skipped);
    assert_eq!(q.tasks().iter().map(|t| t.row).collect::<Vec<_>>(), vec![2]);
    feed(&mut app, [key('s')]);
    assert_eq!(app.queues.as_ref().unwrap().status(0), QueueStatus::Create);
}

#[test]
fn y_runs_the_ready_queue_rows_first_and_the_run_shows_the_queue_phase() {
    let mut app = queues_app((80, 24));
    feed(&mut app, [key('3'), key('y')]);
    let Some(onboard::tui::app::Overlay::Confirm(onboard::tui::app::Question::Provision {
        queues,
        requests,
        ..
    })) = app.overlay.clone()
    else {
        panic!("expected the provision question");
    };
    assert_eq!(queues, vec![1, 2]);
    let hires = app.session.as_ref().unwrap().estimate();
    let queue_requests = app.queues.as_ref().unwrap().estimate();
    assert!(queue_requests > 0);
    assert_eq!(requests, hires + queue_requests);
    assert!(render(&app).contains("Create or update 2 queue row(s) first"));
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    let [Cmd::StartRun { queues, .. }] = &cmds[..] else {
        panic!("expected StartRun, got {cmds:?}");
    };
    assert_eq!(
        queues.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["Billing East", "General"]
    );
    assert_eq!(app.run.queues.total, 2);
    // The queue phase's events.
    let done = |row: usize, name: &str, outcome: Outcome| {
        Msg::Engine(EngineEvent::RowDone {
            report: RowReport {
                kind: RowKind::Queue,
                ..row_report(row, name, outcome, Vec::new())
            },
        })
    };
    feed(
        &mut app,
        [
            Msg::Engine(EngineEvent::QueueProgress {
                done: 0,
                total: 2,
                settling: 3,
            }),
            done(1, "Billing East", Outcome::Created),
            Msg::Engine(EngineEvent::QueueProgress {
                done: 1,
                total: 2,
                settling: 0,
            }),
            done(2, "General", Outcome::Failed),
        ],
    );
    let g = &app.run.queues;
    assert_eq!((g.done, g.total, g.settling), (1, 2, 0));
    assert_eq!(g.outcomes.get(&Outcome::Created), Some(&1));
    assert_eq!(g.outcomes.get(&Outcome::Failed), Some(&1));
    // Queue rows are not hire rows: the hire gauge has not moved.
    assert_eq!(app.run.done, 0);
    assert_eq!(app.run.phase, RunPhase::Running);
    let log: Vec<&String> = app.run.log.iter().collect();
    assert!(
        log.iter()
            .any(|l| l.contains("queue Billing East: created")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains("waiting for new queues to settle")),
        "{log:?}"
    );
    assert_eq!(app.screen, Screen::Run);
}

#[test]
fn a_queue_list_alone_opens_on_the_queue_table_and_runs() {
    let mut app = app_with_queues("email,name\n", QUEUES_CSV, (80, 24));
    assert!(app.queues.as_ref().unwrap().shown);
    feed(&mut app, [key('3'), key('y')]);
    assert!(app.overlay.is_some(), "{:?}", app.status);
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    let [Cmd::StartRun { plan, queues }] = &cmds[..] else {
        panic!("expected StartRun, got {cmds:?}");
    };
    assert!(plan.rows.is_empty());
    // Without the hire list, the new queue's member is nobody: that row is blocked.
    assert_eq!(
        queues.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["General"]
    );
    let q = app.queues.as_ref().unwrap();
    assert!(
        q.findings_of(0)
            .any(|f| f.code.as_str() == "unknown_member")
    );
}

#[test]
fn queue_screens() {
    snap("queues_load", |size| {
        let mut app = App::new(onboard::tui::theme::Theme::plain(), size);
        type_text(&mut app, "assets/demo/hires.csv");
        feed(
            &mut app,
            [
                code(KeyCode::F(3)),
                code(KeyCode::F(3)),
                code(KeyCode::F(3)),
            ],
        );
        type_text(&mut app, "queues.csv");
        app
    });
    snap("queues_table", |size| {
        let mut app = queues_app(size);
        feed(&mut app, [key('t')]);
        app
    });
    snap("queues_table_error_row", |size| {
        let mut app = queues_app(size);
        feed(&mut app, [key('t'), key('n')]);
        app
    });
    snap("queues_table_update_row", |size| {
        let mut app = queues_app(size);
        feed(&mut app, [key('t'), code(KeyCode::Down)]);
        app
    });
}

#[test]
fn run_screen_shows_the_queue_phase() {
    snap("queues_run", |size| {
        let mut app = queues_app(size);
        feed(&mut app, [key('3'), key('y'), code(KeyCode::Enter)]);
        let mut report = row_report(1, "Billing East", Outcome::Created, Vec::new());
        report.kind = RowKind::Queue;
        feed(
            &mut app,
            [
                Msg::Engine(EngineEvent::QueueProgress {
                    done: 0,
                    total: 2,
                    settling: 2,
                }),
                Msg::Engine(EngineEvent::RowDone { report }),
                Msg::Engine(EngineEvent::QueueProgress {
                    done: 1,
                    total: 2,
                    settling: 1,
                }),
            ],
        );
        app
    });
}

#[test]
fn plan_shows_the_queue_rows_first_with_their_changes_and_counts_their_requests() {
    let mut app = queues_app((200, 60));
    feed(&mut app, [key('3')]);
    let screen = render(&app);
    assert!(
        screen.contains("Queues first: create 1  update 1  blocked 1"),
        "{screen}"
    );
    // A create with what it sets; an update field by field, old → new.
    assert!(screen.contains("+ members: ana@example.com"), "{screen}");
    assert!(
        screen.contains(r#"~ description: "General queue" → "Front desk""#),
        "{screen}"
    );
    let hires = app.session.as_ref().unwrap().estimate();
    let queues = app.queues.as_ref().unwrap().estimate();
    assert!(
        screen.contains(&format!("about {}", hires + queues)),
        "{screen}"
    );
    snap("queues_plan", |size| {
        let mut app = queues_app(size);
        feed(&mut app, [key('3')]);
        app
    });
}

/// A run where queue row 2 ("General") failed and hire row 2 succeeded: the two share a
/// number, and must stay apart.
fn run_with_a_failed_queue(size: (u16, u16)) -> App {
    let mut app = queues_app(size);
    feed(&mut app, [key('3'), key('y'), code(KeyCode::Enter)]);
    let mut queue_ok = row_report(1, "Billing East", Outcome::Created, Vec::new());
    queue_ok.kind = RowKind::Queue;
    let mut queue_failed = row_report(
        2,
        "General",
        Outcome::Failed,
        vec![failed_step(
            Step::UpdateQueue,
            409,
            "general.conflict",
            "The queue was modified by someone else",
        )],
    );
    queue_failed.kind = RowKind::Queue;
    let hire_ok = row_report(2, "ben@example.com", Outcome::Created, Vec::new());
    let rows = vec![queue_ok, hire_ok, queue_failed];
    let report = Report {
        summary: onboard::report::summarize(&rows),
        api: ApiStats::default(),
        rows,
        queue_rate_per_min: None,
        dependencies: Vec::new(),
    };
    feed(
        &mut app,
        [Msg::Engine(EngineEvent::Finished {
            report,
            cancelled: false,
        })],
    );
    app
}

#[test]
fn failed_queue_rows_show_in_failures_with_the_drilldown_and_r_retries_them() {
    use onboard::tui::app::{FailureItem, Overlay, QUEUE_KEY, Question};
    let mut app = run_with_a_failed_queue((120, 40));
    // The failed queue row, keyed apart from hire row 2 (which succeeded).
    let qkey = QUEUE_KEY + 2;
    assert_eq!(app.failed_rows(), vec![qkey]);
    assert_eq!(app.report_row(qkey).unwrap().email, "General");
    assert_eq!(app.report_row(2).unwrap().email, "ben@example.com");
    assert!(app.failure_items().iter().any(
        |i| matches!(i, FailureItem::Object { object, .. } if object == "update_queue: General")
    ));
    feed(&mut app, [key('5')]);
    let screen = render(&app);
    assert!(screen.contains("queue row 2"), "{screen}");
    // Enter opens the same drilldown as a hire row's: step, status, code, contextId.
    feed(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.overlay, Some(Overlay::Drilldown { row: qkey }));
    let screen = render(&app);
    assert!(screen.contains("Queue row 2"), "{screen}");
    assert!(screen.contains("general.conflict"), "{screen}");
    feed(&mut app, [code(KeyCode::Esc)]);
    // R asks, then runs the failed queue row (and no hire row).
    feed(&mut app, [key('R')]);
    assert!(matches!(
        &app.overlay,
        Some(Overlay::Confirm(Question::RetryAll { rows, .. })) if rows == &vec![qkey]
    ));
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    let [Cmd::StartRun { plan, queues }] = &cmds[..] else {
        panic!("expected StartRun, got {cmds:?}");
    };
    assert!(plan.rows.is_empty());
    assert_eq!(
        queues.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["General"]
    );
    // The retry's report merges by kind and row: hire row 2 stays, the queue row is fixed.
    let mut fixed = row_report(2, "General", Outcome::Updated, Vec::new());
    fixed.kind = RowKind::Queue;
    let rows = vec![fixed];
    feed(
        &mut app,
        [Msg::Engine(EngineEvent::Finished {
            report: Report {
                summary: onboard::report::summarize(&rows),
                api: ApiStats::default(),
                rows,
                queue_rate_per_min: None,
                dependencies: Vec::new(),
            },
            cancelled: false,
        })],
    );
    assert!(app.failed_rows().is_empty());
    assert_eq!(app.report_row(2).unwrap().email, "ben@example.com");
    assert_eq!(app.report_row(qkey).unwrap().outcome, Outcome::Updated);
    assert_eq!(app.report.as_ref().unwrap().rows.len(), 3);
}

#[test]
fn s_on_a_failed_queue_row_skips_it_on_the_queue_list() {
    let mut app = run_with_a_failed_queue((80, 24));
    feed(&mut app, [key('5'), key('s')]);
    assert!(app.failed_rows().is_empty());
    assert_eq!(app.queues.as_ref().unwrap().status(1), QueueStatus::Skipped);
}

#[test]
fn failures_screen_with_a_queue_row() {
    snap("queues_failures", |size| {
        let mut app = run_with_a_failed_queue(size);
        feed(&mut app, [key('5')]);
        app
    });
}
