//! The Drift tab (issue 16, spec §8) on ratatui's TestBackend, at 80×24 and 200×60: the
//! users × orgs matrix, the diff of a pair, the fix confirmation, the filter; and what its
//! keys ask the driver to do (fix exactly the drifted pairs of writable orgs, export JSON
//! and CSV side by side, re-run after a fix). Reached by the drift-loaded message, as the
//! services send it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_fixture;
use crossterm::event::KeyCode;
use onboard::preflight::drift::{DriftCode, DriftItem};
use onboard::preflight::drift_report::{DriftReference, DriftReport, OrgDrift, UserDrift};
use onboard::tui::App;
use onboard::tui::app::{DriftFixed, DriftLoaded, Overlay, Question, Screen};
use onboard::tui::msg::{Cmd, Msg};
use onboard::tui::multi_org::{MultiOrgRequest, ReferenceSource, TargetUsers};
use onboard::tui::theme::Theme;
use tui_fixture::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn item(
    group: &'static str,
    name: &str,
    code: DriftCode,
    want: Option<&str>,
    have: Option<&str>,
) -> DriftItem {
    DriftItem {
        group,
        item: name.into(),
        code,
        want: want.map(str::to_string),
        have: have.map(str::to_string),
    }
}

fn user(org: &str, email: &str, items: Vec<DriftItem>) -> UserDrift {
    UserDrift {
        org: org.into(),
        email: email.into(),
        items,
        fix_requests: 7,
    }
}

fn org(name: &str, fix_requests: u64, has_errors: bool) -> OrgDrift {
    OrgDrift {
        org: name.into(),
        org_name: format!("Acme {name}"),
        requests: 40,
        fix_requests,
        has_errors,
    }
}

/// The sketch of spec §8, plus an absent user and a name the org lacks: each kind of cell.
fn report() -> DriftReport {
    use DriftCode::*;
    DriftReport {
        mirror: false,
        reference: DriftReference {
            org: Some("eu".into()),
            email: Some("ref.billing@acme.com".into()),
            persona: "ref.billing@acme.com".into(),
        },
        orgs: vec![org("us", 9, false), org("apac", 4, false)],
        users: vec![
            user(
                "us",
                "lena.ruiz@acme.com",
                vec![
                    item("skills", "Billing", DriftChanged, Some("4"), Some("2")),
                    item("queues", "Payments", DriftMissing, None, None),
                ],
            ),
            user(
                "apac",
                "li.wei@acme.com",
                vec![
                    item("queues", "Support Tier 2", DriftMissing, None, None),
                    item("queues", "Billing Tier II", DriftExtra, None, None),
                ],
            ),
            user(
                "us",
                "sam.o@acme.com",
                vec![item("roles", "Supervisor@Sales", DriftMissing, None, None)],
            ),
            user("apac", "sam.o@acme.com", vec![]),
            user(
                "us",
                "kim.gone@acme.com",
                vec![item(
                    "user",
                    "kim.gone@acme.com",
                    TargetMissing,
                    Some("active"),
                    Some("deleted"),
                )],
            ),
            user(
                "apac",
                "kim.gone@acme.com",
                vec![item("skills", "Upsell", Unresolvable, Some("1"), None)],
            ),
        ],
        ..DriftReport::default()
    }
}

fn request() -> MultiOrgRequest {
    MultiOrgRequest {
        reference: ReferenceSource::Live {
            profile: "eu".into(),
            email: "ref.billing@acme.com".into(),
        },
        include: vec![],
        mirror: false,
        targets: vec!["us".into(), "apac".into()],
        users: TargetUsers::SameEmail,
        map: None,
        create_missing: vec![],
    }
}

fn loaded(report: DriftReport) -> Msg {
    Msg::DriftLoaded(Box::new(DriftLoaded {
        request: Some(request()),
        report,
        failed: vec![],
    }))
}

fn drift_app(size: (u16, u16)) -> App {
    let mut app = App::new(Theme::plain(), size);
    let cmds = feed(&mut app, [loaded(report())]);
    assert!(cmds.is_empty());
    app
}

fn snap(name: &str, build: impl Fn((u16, u16)) -> App) {
    for size in SIZES {
        let app = build(size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), render(&app));
    }
}

#[test]
fn the_matrix_the_diff_the_fix_question_and_the_filter() {
    snap("drift_matrix", drift_app);
    snap("drift_diff", |size| {
        let mut app = drift_app(size);
        feed(&mut app, [code(KeyCode::Enter)]);
        app
    });
    snap("drift_fix_all", |size| {
        let mut app = drift_app(size);
        feed(&mut app, [key('F')]);
        app
    });
    snap("drift_filter", |size| {
        let mut app = drift_app(size);
        feed(&mut app, [key('/')]);
        type_text(&mut app, "queues");
        app
    });
}

#[test]
fn the_drift_tab_appears_with_a_drift_and_cells_say_what_drifted() {
    let mut app = App::new(Theme::plain(), (100, 30));
    assert!(!render(&app).contains("6 Drift"), "no tab without a drift");
    feed(&mut app, [loaded(report())]);
    assert_eq!(app.screen, Screen::Drift);
    let screen = render(&app);
    assert!(screen.contains("6 Drift"), "{screen}");
    let line = |email: &str| {
        screen
            .lines()
            .find(|l| l.contains(email))
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("lena.ruiz@acme.com"), "2 +~ —");
    assert_eq!(line("li.wei@acme.com"), "— 1 +q");
    assert_eq!(line("sam.o@acme.com"), "1 +r ✔");
    assert_eq!(line("kim.gone@acme.com"), "✖ absent 1 ?s");
    assert!(
        screen.contains(
            "ref.billing@acme.com (eu) · mode merge · 6 targets · 4 drifted · 1 missing · 6 items"
        ),
        "{screen}"
    );
}

#[test]
fn f_fixes_the_selected_pair_and_capital_f_every_drifted_pair_of_writable_orgs() {
    let mut r = report();
    r.orgs[1].has_errors = true;
    let mut app = App::new(Theme::plain(), (100, 30));
    feed(&mut app, [loaded(r)]);
    // The first row (lena) in us: one pair, its own estimate.
    feed(&mut app, [key('f')]);
    let Some(Overlay::Confirm(Question::FixDrift(fix))) = app.overlay.clone() else {
        panic!("no question: {:?}", app.overlay)
    };
    assert_eq!(
        fix.pairs,
        vec![("us".to_string(), "lena.ruiz@acme.com".to_string())]
    );
    assert_eq!(fix.requests, 7);
    feed(&mut app, [code(KeyCode::Esc)]);
    // F: every drifted pair; apac has error findings, so only us is written.
    feed(&mut app, [key('F')]);
    let screen = render(&app);
    assert!(screen.contains("Orgs us"), "{screen}");
    assert!(
        screen.contains("Not written (error findings): apac"),
        "{screen}"
    );
    let cmds = feed(&mut app, [key('y')]);
    let [
        Cmd::FixDrift {
            pairs,
            request: asked,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(asked, &request());
    assert_eq!(
        pairs,
        &vec![
            ("us".to_string(), "lena.ruiz@acme.com".to_string()),
            ("us".to_string(), "sam.o@acme.com".to_string()),
            ("us".to_string(), "kim.gone@acme.com".to_string()),
        ]
    );
    // While it runs, fixes wait; the fix's result shows the drift run again.
    feed(&mut app, [key('F')]);
    assert!(app.overlay.is_none());
    let mut after = report();
    after
        .users
        .iter_mut()
        .filter(|u| u.org == "us")
        .for_each(|u| u.items.clear());
    feed(
        &mut app,
        [Msg::DriftFixed(Box::new(DriftFixed {
            lines: vec!["us: 3 updated, 0 failed, 21 requests".into()],
            ok: true,
            after: Ok(DriftLoaded {
                request: Some(request()),
                report: after,
                failed: vec![],
            }),
        }))],
    );
    let screen = render(&app);
    assert!(screen.contains("fixed — us: 3 updated"), "{screen}");
    let lena = screen.lines().find(|l| l.contains("lena.ruiz")).unwrap();
    assert!(lena.contains('✔'), "{screen}");
}

#[test]
fn x_exports_json_and_csv_and_the_filter_keeps_users_with_a_matching_item() {
    let mut app = drift_app((100, 30));
    feed(&mut app, [key('x')]);
    for _ in 0.."drift.json".len() {
        feed(&mut app, [code(KeyCode::Backspace)]);
    }
    type_text(&mut app, "out/nightly");
    let cmds = feed(&mut app, [code(KeyCode::Enter)]);
    let [
        Cmd::ExportDrift {
            json,
            csv,
            report: r,
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(json.to_str(), Some("out/nightly.json"));
    assert_eq!(csv.to_str(), Some("out/nightly.csv"));
    assert_eq!(r.to_json()["summary"]["items"], 6);

    feed(&mut app, [key('/')]);
    type_text(&mut app, "roles");
    feed(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.drift.view.len(), 1, "only sam has a role item");
    feed(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(app.drift.view.len(), 4, "Esc clears the filter");
}

#[test]
fn two_thousand_users_in_three_orgs_scroll_and_select_drawing_only_what_shows() {
    let mut r = report();
    r.orgs.push(org("emea", 2, false));
    r.users = (0..2000)
        .flat_map(|n| {
            ["us", "apac", "emea"].into_iter().map(move |o| {
                let items = if n % 7 == 0 {
                    vec![item(
                        "skills",
                        "Billing",
                        DriftCode::DriftChanged,
                        Some("4"),
                        Some("2"),
                    )]
                } else {
                    vec![]
                };
                user(o, &format!("user{n:04}@acme.com"), items)
            })
        })
        .collect();
    let mut app = App::new(Theme::plain(), (80, 24));
    feed(&mut app, [loaded(r)]);
    assert_eq!(app.drift.view.len(), 2000);
    feed(
        &mut app,
        [
            code(KeyCode::End),
            code(KeyCode::Right),
            code(KeyCode::Right),
        ],
    );
    let screen = render(&app);
    assert!(screen.contains("user1999@acme.com"), "{screen}");
    assert!(!screen.contains("user0000@acme.com"), "{screen}");
    assert_eq!(app.drift.selected().map(|d| d.org.as_str()), Some("emea"));
    feed(&mut app, [code(KeyCode::PageUp), key('g')]);
    let screen = render(&app);
    let first = screen.lines().find(|l| l.contains("user0000")).unwrap();
    assert!(first.contains("1 ~s"), "{screen}");
}
