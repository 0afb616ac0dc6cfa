//! Every screen, the help and the modals on ratatui's TestBackend, at 80×24 and 200×60.
//! Plain theme (as with NO_COLOR) so the snapshots show text and layout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_fixture;
use crossterm::event::KeyCode;
use onboard::model::*;
use onboard::tui::App;
use onboard::tui::app::{Overlay, Question};
use onboard::tui::msg::Msg;
use tui_fixture::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn snap(name: &str, build: impl Fn((u16, u16)) -> App) {
    for size in SIZES {
        let app = build(size);
        let text = render(&app);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

fn loaded_app(size: (u16, u16)) -> App {
    app_with(CSV, size)
}

fn after_run(size: (u16, u16)) -> App {
    let mut app = loaded_app(size);
    feed(&mut app, [key('3'), key('y'), code(KeyCode::Enter)]);
    let evs = run_events(&[(1, "ana@example.com"), (5, "eve@example.com")], &[5]);
    feed(
        &mut app,
        evs.into_iter().map(Msg::Engine).collect::<Vec<_>>(),
    );
    app
}

#[test]
fn load_screen() {
    snap("load_empty", |size| {
        let mut app = App::new(onboard::tui::theme::Theme::plain(), size);
        app.load.targets = vec![onboard::tui::app::Target {
            label: "demo org (simulated, http://127.0.0.1:PORT)".into(),
            place: "http://127.0.0.1:PORT".into(),
            profile: None,
            simulated: true,
        }];
        app.load.recent = vec![
            "/home/ana/hires-june.csv".into(),
            "/home/ana/leavers.csv".into(),
        ];
        type_text(&mut app, "assets/demo/hires.csv");
        app
    });
    snap("load_progress", |size| {
        let mut app = App::new(onboard::tui::theme::Theme::plain(), size);
        app.load.targets = vec![onboard::tui::app::Target {
            label: "profile acme (mypurecloud.ie)".into(),
            place: "mypurecloud.ie".into(),
            profile: Some("acme".into()),
            simulated: false,
        }];
        type_text(&mut app, "hires.csv");
        feed(&mut app, [code(KeyCode::Enter)]);
        for (r, l, t, d) in [
            ("divisions", 3, Some(3), true),
            ("roles", 12, Some(12), true),
            ("users", 40, Some(250), false),
        ] {
            feed(
                &mut app,
                [Msg::LoadProgress(LoadProgress {
                    resource: r.into(),
                    loaded: l,
                    total: t,
                    done: d,
                    left_s: None,
                })],
            );
        }
        app
    });
}

#[test]
fn preflight_screen() {
    snap("preflight", loaded_app);
    snap("preflight_error_row", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('n')]);
        app
    });
    snap("preflight_filter", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('/')]);
        type_text(&mut app, "code:unknown_skill");
        app
    });
    snap("preflight_edit", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('n'), key('n'), key('e')]);
        app
    });
    snap("preflight_big", |size| {
        let mut app = app_with(&big_csv(100_000), size);
        feed(&mut app, [key('G'), key('N')]);
        app
    });
}

#[test]
fn plan_screen() {
    snap("plan", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3')]);
        app
    });
}

#[test]
fn run_screen() {
    snap("run_live", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3'), key('y'), code(KeyCode::Enter)]);
        let evs = run_events(&[(1, "ana@example.com"), (5, "eve@example.com")], &[5]);
        feed(
            &mut app,
            evs.into_iter().take(5).map(Msg::Engine).collect::<Vec<_>>(),
        );
        feed(
            &mut app,
            [Msg::Engine(EngineEvent::Rate {
                stats: ApiStats {
                    requests: 3,
                    throttled: 1,
                    retries: 1,
                    bytes: 0,
                    elapsed_s: 1.0,
                },
                requests_per_s: 3.0,
                allowed_per_s: Some(5.0),
                eta_s: Some(42.0),
                tokens: Some((2, 10)),
            })],
        );
        feed(&mut app, [key('p')]);
        app
    });
    snap("run_done", after_run);
}

#[test]
fn failures_screen() {
    snap("failures", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5')]);
        app
    });
    snap("drilldown", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), code(KeyCode::Enter)]);
        app
    });
}

#[test]
fn help_and_questions() {
    snap("help", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('?')]);
        app
    });
    snap("confirm_provision", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3'), key('y')]);
        app
    });
    // Deactivations are called out (the fixture org has no users to deactivate, so the
    // question is set as `y` would set it for such a plan).
    snap("confirm_provision_deactivate", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3')]);
        app.overlay = Some(Overlay::Confirm(Question::Provision {
            rows: (1..=117).collect(),
            counts: vec![
                (PlanAction::Create, 100),
                (PlanAction::Update, 10),
                (PlanAction::Deactivate, 7),
            ],
            requests: 472,
            queues: vec![],
        }));
        app
    });
    snap("confirm_retry_all", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), key('R')]);
        app
    });
    snap("confirm_skip_code", |size| {
        let mut app = app_with(&big_csv(30), size);
        feed(&mut app, [key('n'), key('S')]);
        app
    });
    snap("confirm_cancel_run", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3'), key('y'), code(KeyCode::Enter)]);
        let evs = run_events(&[(1, "ana@example.com"), (5, "eve@example.com")], &[5]);
        feed(
            &mut app,
            evs.into_iter().take(4).map(Msg::Engine).collect::<Vec<_>>(),
        );
        feed(&mut app, [key('c')]);
        app
    });
    snap("confirm_load_unsaved", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('s'), key('1')]);
        feed(&mut app, [ctrl('u')]);
        type_text(&mut app, "/home/ana/other-hires.csv");
        feed(&mut app, [code(KeyCode::Enter)]);
        app
    });
    snap("confirm_quit_unsaved", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('s'), key('q')]);
        app
    });
    snap("confirm_quit_during_run", |size| {
        let mut app = loaded_app(size);
        feed(
            &mut app,
            [key('3'), key('y'), code(KeyCode::Enter), key('q')],
        );
        app
    });
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    for size in [(1, 1), (10, 3), (20, 5), (40, 10), (300, 100)] {
        let mut app = after_run(size);
        for k in ['1', '2', '3', '4', '5'] {
            feed(&mut app, [key(k)]);
            render(&app);
        }
        feed(&mut app, [code(KeyCode::Enter)]);
        render(&app);
        feed(&mut app, [code(KeyCode::Esc), key('?')]);
        render(&app);
        feed(&mut app, [code(KeyCode::Esc), key('2'), key('e')]);
        render(&app);
    }
}

#[test]
fn no_color_theme_draws_without_colours() {
    use ratatui::style::Color;
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    for k in ['2', '3', '4', '5'] {
        let mut app2 = after_run((100, 30));
        feed(&mut app2, [key(k)]);
        t.draw(|f| onboard::tui::view::draw(f, &app2)).unwrap();
        let buf = t.backend().buffer();
        // The screen has text on it (so "no colour" is not said of a blank screen).
        let text: String = buf.content().iter().map(|c| c.symbol()).collect();
        assert!(text.trim().len() > 100, "screen {k} is blank");
        for cell in buf.content() {
            assert_eq!(cell.fg, Color::Reset, "screen {k}: {:?}", cell);
            assert_eq!(cell.bg, Color::Reset, "screen {k}: {:?}", cell);
        }
    }
    // The coloured theme does use colour (so the check above can fail).
    let mut coloured = after_run((100, 30));
    coloured.theme = onboard::tui::theme::Theme::colored();
    feed(&mut coloured, [key('2')]);
    t.draw(|f| onboard::tui::view::draw(f, &coloured)).unwrap();
    assert!(
        t.backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset)
    );
}

#[test]
fn preflight_after_a_run_shows_outcomes() {
    snap("preflight_after_run", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('2')]);
        app
    });
}

#[test]
fn plan_filtered_and_scrolled() {
    snap("plan_filter", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3'), key('/')]);
        type_text(&mut app, "eve");
        feed(&mut app, [code(KeyCode::Enter)]);
        app
    });
    snap("plan_big", |size| {
        let mut app = app_with(&big_csv(20_000), size);
        feed(&mut app, [key('3'), key('G')]);
        app
    });
}

#[test]
fn busy_bulk_skip() {
    snap("preflight_busy", |size| {
        let mut app = app_with(&big_csv(1_000), size);
        feed(&mut app, [key('n'), key('S'), code(KeyCode::Enter)]);
        app
    });
}

#[test]
fn failures_group_selected_and_filtered() {
    snap("failures_group", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), key('g')]);
        app
    });
    snap("failures_group_skip_question", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), key('g'), key('s')]);
        app
    });
    snap("failures_filter", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), key('/')]);
        type_text(&mut app, "queues");
        app
    });
}

/// Issue 13's Pre-flight layout: more columns when wide, the findings pane sized to the
/// row (and scrolled), the file-level line, the row card and the file findings card.
#[test]
fn preflight_layout_pane_card_and_file_findings() {
    let wide = |size| app_with(WIDE_CSV, size);
    snap("preflight_wide_list", wide);
    snap("preflight_pane_tall", |size| {
        let mut app = wide(size);
        feed(&mut app, [key('j')]);
        app
    });
    snap("preflight_pane_scrolled", |size| {
        let mut app = wide(size);
        feed(&mut app, [key('j'), key('J'), key('J')]);
        app
    });
    snap("row_card", |size| {
        let mut app = wide(size);
        feed(&mut app, [code(KeyCode::Enter)]);
        app
    });
    snap("row_card_blocked_scrolled", |size| {
        let mut app = wide(size);
        feed(
            &mut app,
            [key('j'), code(KeyCode::Enter), code(KeyCode::PageDown)],
        );
        app
    });
    snap("file_findings", |size| {
        let mut app = wide(size);
        feed(&mut app, [key('F')]);
        app
    });
}

/// The prompts and the question that had no snapshot: the plan's filter while typing,
/// save-as, export, and overwriting a file on save.
#[test]
fn remaining_prompts_and_questions() {
    snap("plan_filter_prompt", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('3'), key('/')]);
        type_text(&mut app, "eve");
        app
    });
    snap("save_as_prompt", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('s'), key('w')]);
        app
    });
    snap("export_prompt", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), key('x')]);
        app
    });
    snap("confirm_overwrite", |size| {
        let mut app = loaded_app(size);
        feed(&mut app, [key('s')]);
        feed(
            &mut app,
            [Msg::SaveExists(
                "/tmp/onboard-fixture/hires-fixed.csv".into(),
            )],
        );
        app
    });
}

/// The help scrolled to the Pre-flight keys (issue 13's new keys, within 80 columns), and
/// the retry question for one group of failures.
#[test]
fn help_preflight_keys_and_group_retry_question() {
    snap("help_preflight_keys", |size| {
        let mut app = loaded_app(size);
        feed(
            &mut app,
            [key('?'), code(KeyCode::PageDown), code(KeyCode::PageDown)],
        );
        app
    });
    snap("confirm_retry_group", |size| {
        let mut app = after_run(size);
        feed(&mut app, [key('5'), key('g'), key('r')]);
        app
    });
}
