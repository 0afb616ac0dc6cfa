//! The Drift tab at 2,000 users × 3 orgs: showing a report (the matrix built once), and
//! key-to-redraw (update + draw) for moving, switching org, opening the diff and filtering,
//! at 80×24 and 200×60. Prints figures; asserts nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use onboard::preflight::drift::{DriftCode, DriftItem};
use onboard::preflight::drift_report::{DriftReport, OrgDrift, UserDrift};
use onboard::tui::app::DriftLoaded;
use onboard::tui::msg::Msg;
use onboard::tui::theme::Theme;
use onboard::tui::{App, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const USERS: usize = 2_000;
const ORGS: [&str; 3] = ["us", "apac", "emea"];

fn report() -> DriftReport {
    let item = |group, name: &str, code| DriftItem {
        group,
        item: name.into(),
        code,
        want: Some("4".into()),
        have: Some("2".into()),
    };
    DriftReport {
        orgs: ORGS
            .iter()
            .map(|o| OrgDrift {
                org: o.to_string(),
                org_name: format!("Acme {o}"),
                requests: 900,
                fix_requests: 300,
                has_errors: false,
            })
            .collect(),
        users: (0..USERS)
            .flat_map(|n| {
                ORGS.iter().map(move |o| UserDrift {
                    org: o.to_string(),
                    email: format!("agent.{n:05}@acme-support.example.com"),
                    items: match n % 5 {
                        0 => vec![item("skills", "Billing", DriftCode::DriftChanged)],
                        1 => vec![
                            item("queues", "Payments", DriftCode::DriftMissing),
                            item("roles", "Supervisor@Sales", DriftCode::DriftExtra),
                        ],
                        _ => vec![],
                    },
                    fix_requests: 7,
                })
            })
            .collect(),
        ..DriftReport::default()
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn stats(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(v[v.len() / 2]),
        ms(v[(v.len() * 95 / 100).min(v.len() - 1)]),
        ms(*v.last().unwrap()),
    )
}

fn main() {
    for size in [(80u16, 24u16), (200, 60)] {
        let mut app = App::new(Theme::colored(), size);
        let start = Instant::now();
        update(
            &mut app,
            Msg::DriftLoaded(Box::new(DriftLoaded {
                request: None,
                report: report(),
                failed: vec![],
            })),
        );
        let shown = start.elapsed();
        let mut t = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        t.draw(|f| view::draw(f, &app)).unwrap();
        println!(
            "drift tab {}x{} @ {USERS} users × {} orgs: report shown (matrix built) in {:.2} ms",
            size.0,
            size.1,
            ORGS.len(),
            shown.as_secs_f64() * 1000.0
        );
        let keys: [(&str, Vec<Msg>); 5] = [
            ("j", vec![key('j')]),
            ("PgDn", vec![code(KeyCode::PageDown)]),
            ("→/←", vec![code(KeyCode::Right), code(KeyCode::Left)]),
            ("Enter (diff)", vec![code(KeyCode::Enter)]),
            ("G/g", vec![key('G'), key('g')]),
        ];
        for (name, msgs) in keys {
            let mut times = Vec::new();
            for i in 0..400 {
                let start = Instant::now();
                update(
                    &mut app,
                    msgs.iter().map(clone_key).nth(i % msgs.len()).unwrap(),
                );
                t.draw(|f| view::draw(f, &app)).unwrap();
                times.push(start.elapsed());
            }
            let (med, p95, max) = stats(times);
            println!("  key-to-redraw {name}: median {med:.3} ms, p95 {p95:.3}, max {max:.3}");
        }
        // The `/` filter re-selects the rows on every keystroke.
        let mut times = Vec::new();
        for _ in 0..20 {
            update(&mut app, key('/'));
            for c in "skills".chars() {
                let start = Instant::now();
                update(&mut app, key(c));
                t.draw(|f| view::draw(f, &app)).unwrap();
                times.push(start.elapsed());
            }
            update(&mut app, code(KeyCode::Esc));
        }
        let (med, p95, max) = stats(times);
        println!(
            "  key-to-redraw / typing a filter: median {med:.3} ms, p95 {p95:.3}, max {max:.3}"
        );
    }
}

fn clone_key(m: &Msg) -> Msg {
    match m {
        Msg::Key(k) => Msg::Key(*k),
        _ => key('j'),
    }
}
