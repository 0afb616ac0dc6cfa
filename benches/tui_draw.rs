//! TUI frame cost at 100,000 rows: drawing the Pre-flight screen (median per frame, target
//! ≤ 2 ms), key-to-redraw (update + draw, target ≤ 16 ms) for the keys an admin uses, and
//! the memory the loaded list + checks + UI state take. Prints figures; asserts nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/tui_fixture/mod.rs"]
mod tui_fixture;

use crossterm::event::KeyCode;
use onboard::tui::msg::Msg;
use onboard::tui::{App, update, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};
use tui_fixture::*;

const ROWS: usize = 100_000;

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn stats(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let med = ms(v[v.len() / 2]);
    let p95 = ms(v[(v.len() * 95 / 100).min(v.len() - 1)]);
    let max = ms(*v.last().unwrap());
    (med, p95, max)
}

fn draw(t: &mut Terminal<TestBackend>, app: &App) -> Duration {
    let start = Instant::now();
    t.draw(|f| view::draw(f, app)).unwrap();
    start.elapsed()
}

fn frames(size: (u16, u16), app: &mut App) {
    app.size = size;
    update(app, Msg::Resize(size.0, size.1));
    let mut t = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    let mut times = Vec::new();
    for i in 0..400 {
        // Move through the list so every frame shows different rows.
        update(app, if i % 50 == 49 { key('n') } else { key('j') });
        times.push(draw(&mut t, app));
    }
    let (med, p95, max) = stats(times);
    println!(
        "draw pre-flight {}x{} @ {ROWS} rows: median {med:.3} ms, p95 {p95:.3} ms, max {max:.3} ms (target median ≤ 2 ms)",
        size.0, size.1
    );
}

fn key_to_redraw(
    name: &str,
    app: &mut App,
    t: &mut Terminal<TestBackend>,
    msgs: impl Fn(usize) -> Vec<Msg>,
    n: usize,
) {
    key_to_redraw_after(name, app, t, |_| Vec::new(), msgs, n);
}

/// Like [`key_to_redraw`], but `prep(i)` runs first, untimed (and undrawn): times what
/// `msgs(i)` costs right after it, e.g. the first Plan visit after an edit.
fn key_to_redraw_after(
    name: &str,
    app: &mut App,
    t: &mut Terminal<TestBackend>,
    prep: impl Fn(usize) -> Vec<Msg>,
    msgs: impl Fn(usize) -> Vec<Msg>,
    n: usize,
) {
    let mut times = Vec::new();
    for i in 0..n {
        for msg in prep(i) {
            update(app, msg);
        }
        let m = msgs(i);
        let start = Instant::now();
        for msg in m {
            update(app, msg);
        }
        t.draw(|f| view::draw(f, app)).unwrap();
        times.push(start.elapsed());
    }
    let (med, p95, max) = stats(times);
    println!(
        "key-to-redraw {name:<28} median {med:.3} ms, p95 {p95:.3} ms, max {max:.3} ms (target ≤ 16 ms)"
    );
}

/// `S` (skip the 10,000 rows with unknown_skill) + Enter, then `u`: the key-to-redraw (the
/// key hands the re-check to a background job) and, apart, how long that job takes.
fn bulk_skip_and_undo(app: &mut App, t: &mut Terminal<TestBackend>) {
    use onboard::tui::msg::Cmd;
    let mut keys = (Vec::new(), Vec::new());
    let mut jobs = (Vec::new(), Vec::new());
    let take_job = |cmds: Vec<Cmd>| {
        cmds.into_iter().find_map(|c| match c {
            Cmd::Recheck(j) => Some(j),
            _ => None,
        })
    };
    for _ in 0..5 {
        update(app, key('2'));
        update(app, key('g'));
        update(app, key('n'));
        let start = Instant::now();
        let mut cmds = update(app, key('S'));
        cmds.extend(update(app, code(KeyCode::Enter)));
        t.draw(|f| view::draw(f, app)).unwrap();
        keys.0.push(start.elapsed());
        let Some(job) = take_job(cmds) else {
            println!("S did not start a background re-check: {:?}", app.status);
            return;
        };
        let start = Instant::now();
        let done = job.run();
        jobs.0.push(start.elapsed());
        update(app, done);
        let start = Instant::now();
        let cmds = update(app, key('u'));
        t.draw(|f| view::draw(f, app)).unwrap();
        keys.1.push(start.elapsed());
        let Some(job) = take_job(cmds) else {
            println!("u did not start a background re-check: {:?}", app.status);
            return;
        };
        let start = Instant::now();
        let done = job.run();
        jobs.1.push(start.elapsed());
        update(app, done);
    }
    for (name, k, j) in [
        ("S+Enter (bulk skip 10k)", keys.0, jobs.0),
        ("u (undo the bulk skip)", keys.1, jobs.1),
    ] {
        let (med, p95, max) = stats(k);
        let (jmed, _, jmax) = stats(j);
        println!(
            "key-to-redraw {name:<28} median {med:.3} ms, p95 {p95:.3} ms, max {max:.3} ms (target ≤ 16 ms); background re-check median {jmed:.0} ms, max {jmax:.0} ms"
        );
    }
}

fn main() {
    let mb = |kb: u64| kb as f64 / 1024.0;
    let rss0 = status_kb("VmRSS:");
    let csv = big_csv(ROWS);
    let csv_bytes = csv.len();
    // Where the memory goes: the parsed list, pre-flight's result, then the TUI's own state.
    let start = Instant::now();
    let list = onboard::ingest::read_bytes("hires.csv", csv.as_bytes()).unwrap();
    drop(csv);
    let rss_list = status_kb("VmRSS:");
    let snapshot = org();
    let result =
        onboard::preflight::check_all(&list, &snapshot, &onboard::preflight::CheckOptions::new());
    let rss_check = status_kb("VmRSS:");
    let mut app = App::new(onboard::tui::theme::Theme::plain(), (160, 48));
    update(
        &mut app,
        Msg::Loaded(Box::new(onboard::tui::msg::Loaded {
            path: "hires.csv".into(),
            list,
            snapshot,
            result,
            allowed: Some(onboard::tui::estimate::AllowedRate::DEFAULT),
            queues: None,
        })),
    );
    let load = start.elapsed();
    let rss_app = status_kb("VmRSS:");
    println!(
        "load {ROWS} rows (parse + pre-flight + TUI index) in {:.0} ms; CSV {:.1} MB",
        load.as_secs_f64() * 1000.0,
        csv_bytes as f64 / 1e6
    );
    println!(
        "memory at {ROWS} rows: RSS {:.1} MB at start; list +{:.1} MB; pre-flight result +{:.1} MB; TUI state (counts, actions, view) +{:.1} MB; total {:.1} MB, peak {:.1} MB",
        mb(rss0),
        mb(rss_list.saturating_sub(rss0)),
        mb(rss_check.saturating_sub(rss_list)),
        mb(rss_app.saturating_sub(rss_check)),
        mb(rss_app),
        mb(status_kb("VmHWM:"))
    );

    frames((80, 24), &mut app);
    frames((160, 48), &mut app);
    frames((250, 70), &mut app);

    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    update(&mut app, Msg::Resize(160, 48));
    t.draw(|f| view::draw(f, &app)).unwrap();
    key_to_redraw("j (down)", &mut app, &mut t, |_| vec![key('j')], 300);
    key_to_redraw("n (next error)", &mut app, &mut t, |_| vec![key('n')], 300);
    key_to_redraw(
        "PgDn",
        &mut app,
        &mut t,
        |_| vec![code(KeyCode::PageDown)],
        200,
    );
    key_to_redraw(
        "G / g (ends)",
        &mut app,
        &mut t,
        |i| vec![key(if i % 2 == 0 { 'G' } else { 'g' })],
        100,
    );
    key_to_redraw(
        "a (apply fix + recheck)",
        &mut app,
        &mut t,
        |_| vec![key('n'), key('a')],
        100,
    );
    key_to_redraw(
        "e..Enter (edit + recheck)",
        &mut app,
        &mut t,
        |i| {
            let mut v = vec![key('e'), ctrl('u')];
            v.extend(format!("Billing:{}", i % 5).chars().map(key));
            v.push(code(KeyCode::Enter));
            v
        },
        100,
    );
    key_to_redraw(
        "u (undo + recheck)",
        &mut app,
        &mut t,
        |_| vec![key('u')],
        100,
    );
    key_to_redraw(
        "s (skip + recheck)",
        &mut app,
        &mut t,
        |_| vec![key('s')],
        100,
    );
    // Issue 13: the row card (open, scroll) and the findings pane's scroll.
    key_to_redraw_after(
        "Enter (open the row card)",
        &mut app,
        &mut t,
        |_| vec![code(KeyCode::Esc), key('n')],
        |_| vec![code(KeyCode::Enter)],
        100,
    );
    key_to_redraw(
        "PgDn/g in the row card",
        &mut app,
        &mut t,
        |i| {
            vec![if i % 4 == 3 {
                key('g')
            } else {
                code(KeyCode::PageDown)
            }]
        },
        100,
    );
    update(&mut app, code(KeyCode::Esc));
    key_to_redraw(
        "J/K (scroll findings pane)",
        &mut app,
        &mut t,
        |i| vec![key(if i % 2 == 0 { 'J' } else { 'K' })],
        100,
    );
    key_to_redraw(
        "/ filter typing (100k scan)",
        &mut app,
        &mut t,
        |i| {
            if i % 8 == 0 {
                vec![key('/'), key('u')]
            } else if i % 8 == 7 {
                vec![code(KeyCode::Esc)]
            } else {
                vec![key(char::from(b'0' + (i % 8) as u8))]
            }
        },
        80,
    );
    key_to_redraw(
        "o (sort 100k rows)",
        &mut app,
        &mut t,
        |_| vec![key('o')],
        24,
    );
    // The same key by the column it sorts by (the cost depends on the keys).
    let mut by_col: Vec<(&str, Vec<Duration>)> = Vec::new();
    for _ in 0..5 * 6 {
        let start = Instant::now();
        update(&mut app, key('o'));
        t.draw(|f| view::draw(f, &app)).unwrap();
        let took = start.elapsed();
        let label = app.table.sort.label();
        match by_col.iter_mut().find(|(l, _)| *l == label) {
            Some((_, v)) => v.push(took),
            None => by_col.push((label, vec![took])),
        }
    }
    let cols: Vec<String> = by_col
        .into_iter()
        .map(|(l, v)| {
            let (med, _, max) = stats(v);
            format!("{l} {med:.1}/{max:.1}")
        })
        .collect();
    println!(
        "key-to-redraw o by column (median/max ms of 5): {}",
        cols.join(", ")
    );
    key_to_redraw(
        "3 / 2 (switch screens)",
        &mut app,
        &mut t,
        |i| vec![key(if i % 2 == 0 { '3' } else { '2' })],
        100,
    );
    // The Plan screen right after an edit (the estimate of the whole plan must be current).
    key_to_redraw_after(
        "3 after an edit (Plan)",
        &mut app,
        &mut t,
        |i| {
            let mut v = vec![key('2'), key('e'), ctrl('u')];
            v.extend(format!("Billing:{}", i % 5).chars().map(key));
            v.push(code(KeyCode::Enter));
            v
        },
        |_| vec![key('3')],
        60,
    );
    bulk_skip_and_undo(&mut app, &mut t);
    println!(
        "RSS at the end {:.1} MB, peak {:.1} MB",
        status_kb("VmRSS:") as f64 / 1024.0,
        status_kb("VmHWM:") as f64 / 1024.0
    );
}
