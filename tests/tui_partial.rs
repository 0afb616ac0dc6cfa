//! A load that never blocks the screen, at the `update()` level: the table opens on the
//! file's own checks, fills in as the org's lists and each row's identity lookups arrive,
//! rows still waiting are "checking…" and never planned, and Esc keeps what was checked
//! (the rest blocked with `org_not_checked`, whatever an edit does). Partial results come
//! from the real `preflight::partial` over the real CSV parser; snapshots of the loading
//! state at 80×24 and 200×60.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_fixture;
use crossterm::event::KeyCode;
use onboard::model::*;
use onboard::preflight::partial::{Answered, Known, check_partial};
use onboard::preflight::{CheckOptions, check_all};
use onboard::tui::App;
use onboard::tui::app::{Screen, Target};
use onboard::tui::msg::{Cmd, Loaded, Msg, Partial};
use onboard::tui::theme::Theme;
use onboard::tui::update::start_load;
use std::path::PathBuf;
use tui_fixture::*;

/// Row 1 plain; row 2 an unknown skill and an external id; row 3 an external id; row 4 an
/// invalid email; row 5 an existing user's email (its lookup finds someone).
const LIST: &str = "email,name,division,roles,skills,languages,queues,external_id\n\
ana@example.com,Ana Silva,Home,Agent,Billing:4,English:5,General,\n\
ben@example.com,Ben Okoro,Home,Agent,Biling:4,English:5,General,hr:B2\n\
cy@example.com,Cy Park,Home,Agent,Returns:3,Spanish:4,General,hr:C3\n\
dee@example,Dee Moss,Home,Agent,Billing:2,English:3,General,\n\
eve@example.com,Eve Red,Home,Agent,Billing:1,English:2,General,\n";

fn path() -> PathBuf {
    PathBuf::from("/tmp/onboard-fixture/partial.csv")
}

fn list() -> HireList {
    onboard::ingest::read_bytes("partial.csv", LIST.as_bytes()).unwrap()
}

fn ext(k: &str) -> ExternalId {
    onboard::preflight::rules::parse_external_id(k).unwrap()
}

/// Every email searched (eve's finds a user), ben's external id answered (no one); cy's
/// external id still out.
fn answered_so_far() -> Answered {
    let mut a = Answered::default();
    let emails: Vec<String> = [
        "ana@example.com",
        "ben@example.com",
        "cy@example.com",
        "dee@example",
        "eve@example.com",
    ]
    .map(String::from)
    .to_vec();
    a.emails(&emails, ["eve@example.com"]);
    a.external_id(ext("hr:B2"), false);
    a
}

fn partial(known: Known, answered: &Answered, first: bool) -> Msg {
    let list = list();
    let org = org();
    let (result, checking) = check_partial(&list, &org, known, answered, &CheckOptions::new());
    Msg::LoadPartial(Box::new(Partial {
        list: first.then(|| (path(), list)),
        snapshot: if known == Known::Nothing {
            OrgSnapshot::default()
        } else {
            org
        },
        result,
        checking,
        allowed: None,
    }))
}

/// The app while loading: the Load screen sent `Cmd::Load`.
fn loading(size: (u16, u16)) -> App {
    let mut app = App::new(Theme::plain(), size);
    app.load.targets = vec![Target {
        label: "demo org (simulated)".into(),
        ..Default::default()
    }];
    let cmds = start_load(&mut app, path());
    assert!(matches!(&cmds[..], [Cmd::Load { .. }]));
    app
}

/// Loading, with the lists and some identities in.
fn half_loaded(size: (u16, u16)) -> App {
    let mut app = loading(size);
    feed(
        &mut app,
        [partial(Known::Nothing, &Answered::default(), true)],
    );
    feed(&mut app, [partial(Known::Lists, &answered_so_far(), false)]);
    app
}

fn codes(app: &App, i: usize) -> Vec<FindingCode> {
    let s = app.session.as_ref().unwrap();
    s.findings_of(i).map(|f| f.code).collect()
}

#[test]
fn the_first_partial_opens_the_table_with_the_files_own_checks() {
    let mut app = loading((100, 30));
    assert_eq!(app.screen, Screen::Load);
    feed(
        &mut app,
        [partial(Known::Nothing, &Answered::default(), true)],
    );
    assert_eq!(app.screen, Screen::Preflight);
    assert!(app.load.loading, "the org is still loading");
    let s = app.session.as_ref().unwrap();
    assert_eq!(app.table.view.len(), 5);
    assert_eq!(
        s.checking_count, 5,
        "no row is settled before the org answers"
    );
    for i in 0..5 {
        assert!(s.is_checking(i));
        assert_eq!(s.status(i), PlanAction::Blocked, "row {i} is not planned");
    }
    assert!(s.runnable().is_empty());
    // The invalid email is known without the org; the unknown skill needs the org's list.
    assert_eq!(codes(&app, 3), vec![FindingCode::InvalidEmail]);
    assert!(codes(&app, 1).is_empty());
    let screen = render(&app);
    assert!(screen.contains("checking…"), "{screen}");
}

#[test]
fn later_partials_fill_in_list_findings_and_settled_rows() {
    let app = half_loaded((100, 30));
    let s = app.session.as_ref().unwrap();
    // ana: email searched, nothing found → planned.
    assert!(!s.is_checking(0));
    assert_eq!(s.status(0), PlanAction::Create);
    // ben: settled, blocked by the unknown skill (a list finding).
    assert!(!s.is_checking(1));
    assert_eq!(codes(&app, 1), vec![FindingCode::UnknownSkill]);
    // cy: its external id is still out.
    assert!(s.is_checking(2));
    assert_eq!(s.status(2), PlanAction::Blocked);
    // dee: searched (it has an @), found no one; the invalid email blocks it.
    assert!(!s.is_checking(3));
    // eve: her email found a user, whose detail comes with the full snapshot.
    assert!(s.is_checking(4));
    assert_eq!(s.status(4), PlanAction::Blocked);
    assert!(s.result.plan.rows[4].existing.is_none());
    assert_eq!(s.checking_count, 2);
    assert_eq!(s.runnable(), vec![0]);
}

#[test]
fn esc_stops_the_load_and_keeps_what_was_checked() {
    let mut app = half_loaded((100, 30));
    let cmds = feed(&mut app, [code(KeyCode::Esc)]);
    assert!(matches!(&cmds[..], [Cmd::CancelLoad]), "{cmds:?}");
    assert!(!app.load.loading);
    let s = app.session.as_ref().unwrap();
    assert_eq!(s.checking_count, 0);
    assert_eq!(
        s.not_checked.iter().copied().collect::<Vec<_>>(),
        vec![2, 4]
    );
    assert_eq!(
        s.status(0),
        PlanAction::Create,
        "checked rows keep their plan"
    );
    for i in [2, 4] {
        assert_eq!(s.status(i), PlanAction::Blocked);
        assert!(codes(&app, i).contains(&FindingCode::OrgNotChecked));
    }
    let f = s
        .findings_of(2)
        .find(|f| f.code == FindingCode::OrgNotChecked)
        .unwrap();
    assert!(f.message.contains("reload"), "{}", f.message);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(s.runnable(), vec![0], "unchecked rows are never planned");
    assert!(app.status.as_ref().unwrap().1.contains("loading stopped"));

    // News from the stopped load changes nothing.
    let mut all = Answered::default();
    all.all = true;
    feed(&mut app, [partial(Known::Lists, &all, false)]);
    assert!(codes(&app, 4).contains(&FindingCode::OrgNotChecked));
    assert_eq!(app.session.as_ref().unwrap().runnable(), vec![0]);
}

#[test]
fn a_row_not_checked_stays_blocked_through_edits_and_skips() {
    let mut app = half_loaded((100, 30));
    feed(&mut app, [code(KeyCode::Esc)]);
    let s = app.session.as_mut().unwrap();
    // An edit re-checks the row against a snapshot that never saw its identity.
    s.recheck(2);
    assert_eq!(s.status(2), PlanAction::Blocked);
    assert!(
        s.findings_of(2)
            .any(|f| f.code == FindingCode::OrgNotChecked)
    );
    let mut skip = std::collections::BTreeSet::new();
    skip.insert(4);
    s.set_skipped(skip);
    assert_eq!(s.status(4), PlanAction::Skipped);
    s.set_skipped(Default::default());
    assert_eq!(s.status(4), PlanAction::Blocked);
    assert!(
        s.findings_of(4)
            .any(|f| f.code == FindingCode::OrgNotChecked)
    );
    assert_eq!(s.runnable(), vec![0]);
}

#[test]
fn rows_cannot_change_or_run_while_checking() {
    let mut app = half_loaded((100, 30));
    feed(&mut app, [key('e')]);
    assert!(app.prompt.is_none(), "no edit while rows are checking");
    assert!(app.status.as_ref().unwrap().1.contains("still loading"));
    feed(&mut app, [key('3'), key('y')]);
    assert!(app.overlay.is_none(), "no run while rows are checking");
}

#[test]
fn the_full_snapshot_completes_the_table_in_place() {
    let mut app = half_loaded((100, 30));
    feed(&mut app, [key('j'), key('j')]);
    let before = app.selected_index();
    let list = list();
    let snapshot = org();
    let result = check_all(&list, &snapshot, &CheckOptions::new());
    feed(
        &mut app,
        [Msg::Loaded(Box::new(Loaded {
            path: path(),
            list,
            snapshot,
            result,
            allowed: Some(onboard::tui::estimate::AllowedRate::DEFAULT),
            queues: None,
        }))],
    );
    let s = app.session.as_ref().unwrap();
    assert!(!app.load.loading);
    assert_eq!(s.checking_count, 0);
    assert!(!(0..5).any(|i| s.is_checking(i)));
    assert_eq!(s.status(2), PlanAction::Create);
    assert_eq!(s.status(4), PlanAction::Create);
    assert_eq!(app.selected_index(), before, "the admin's place is kept");
    assert_eq!(
        s.allowed,
        Some(onboard::tui::estimate::AllowedRate::DEFAULT)
    );
}

#[test]
fn snapshots_of_the_loading_state() {
    for size in [(80u16, 24u16), (200, 60)] {
        let mut app = half_loaded(size);
        for (r, l, t, d, left) in [
            ("divisions", 2, Some(2), true, None),
            ("skills", 2, Some(2), true, None),
            ("identities", 4_120, Some(20_000), false, Some(75)),
        ] {
            feed(
                &mut app,
                [Msg::LoadProgress(LoadProgress {
                    resource: r.into(),
                    loaded: l,
                    total: t,
                    done: d,
                    left_s: left,
                })],
            );
        }
        let text = render(&app);
        assert!(
            text.contains("identities 4,120 / 20,000 · 1m 15s left"),
            "{text}"
        );
        insta::assert_snapshot!(format!("preflight_loading_{}x{}", size.0, size.1), text);
    }
}
