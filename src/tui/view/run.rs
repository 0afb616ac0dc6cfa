//! Screen 4: the live run — gauge, per-step counts, the rate sent beside the org's limit,
//! throttled and retried counts, ETA, and the event log.

use crate::tui::app::{App, RunPhase, RunState, outcome_label};
use crate::tui::estimate::human_duration;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Gauge, Paragraph, Row, Table};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let r = &app.run;
    if r.phase == RunPhase::Idle {
        f.render_widget(
            Paragraph::new("No run yet. Review the plan (3) and press y to start.")
                .block(Block::bordered().title(" Run ")),
            area,
        );
        return;
    }
    // Steps and rate get what they need; the event log keeps at least 4 lines.
    let stats_h = (r.steps.len().max(6) as u16 + 3)
        .min(area.height.saturating_sub(6))
        .max(5);
    let queue_phase = r.queues.total > 0;
    let [gauge_area, mid, log_area] = Layout::vertical([
        Constraint::Length(if queue_phase { 3 } else { 2 }),
        Constraint::Length(stats_h),
        Constraint::Min(3),
    ])
    .areas(area);
    draw_gauge(f, &app.theme, r, gauge_area);
    let [steps_area, rate_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(mid);
    draw_steps(f, &app.theme, r, steps_area);
    draw_rate(f, &app.theme, r, rate_area);
    draw_log(f, &app.theme, r, log_area);
}

/// The heading and the progress bar.
fn draw_gauge(f: &mut Frame, t: &Theme, r: &RunState, area: Rect) {
    let rows_ratio = if r.total == 0 {
        0.0
    } else {
        (r.done as f64 / r.total as f64).clamp(0.0, 1.0)
    };
    // Rows finish late (a row waits for its bulk groups and its manager), so while the run
    // goes the bar follows the requests sent against the estimate; it reaches the end only
    // when every row has finished.
    let requests_ratio = if r.estimated_requests == 0 || r.phase.is_finished() {
        0.0
    } else {
        (r.stats.requests as f64 / r.estimated_requests as f64).min(0.99)
    };
    let ratio = rows_ratio.max(requests_ratio);
    let state = r.phase.label();
    let label = if r.phase.is_finished() || r.estimated_requests == 0 {
        format!("{}/{} rows · {state}", r.done, r.total)
    } else {
        format!(
            "{}/{} rows · {}/~{} requests · {state}",
            r.done, r.total, r.stats.requests, r.estimated_requests
        )
    };
    let [title, queue_bar, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(r.queues.total > 0)),
        Constraint::Length(1),
    ])
    .areas(area);
    if r.queues.total > 0 {
        // The queue phase runs first: its own bar (rows finished; settling shown, not failed).
        let q = &r.queues;
        f.render_widget(
            Gauge::default()
                .gauge_style(t.gauge())
                .ratio((q.done as f64 / q.total as f64).clamp(0.0, 1.0))
                .label(q.line())
                .use_unicode(true),
            queue_bar,
        );
    }
    let heading = if r.runs > 1 {
        format!("Run {} (retry)", r.runs)
    } else {
        "Run".to_string()
    };
    f.render_widget(Paragraph::new(Span::styled(heading, t.title())), title);
    f.render_widget(
        Gauge::default()
            .gauge_style(t.gauge())
            .ratio(ratio)
            .label(label)
            .use_unicode(true),
        bar,
    );
}

/// Per step: done, failed, skipped.
fn draw_steps(f: &mut Frame, t: &Theme, r: &RunState, area: Rect) {
    let rows: Vec<Row> = r
        .steps
        .iter()
        .map(|(step, (ok, failed, other))| {
            Row::new(vec![
                Cell::from(step.as_str()),
                Cell::from(Span::styled(format!("{ok:>6}"), t.ok())),
                Cell::from(Span::styled(
                    format!("{failed:>6}"),
                    if *failed > 0 { t.error() } else { t.dim() },
                )),
                Cell::from(format!("{other:>6}")),
            ])
        })
        .collect();
    f.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(6),
            ],
        )
        .header(Row::new(["step", "    ok", "failed", "  skip"]).style(t.header()))
        .block(Block::bordered().title(Span::styled(" Steps ", t.title()))),
        area,
    );
}

/// The rate sent, the org's limit in the Plan's words, tokens, requests, throttling, ETA,
/// outcomes.
fn draw_rate(f: &mut Frame, t: &Theme, r: &RunState, area: Rect) {
    // The limit is a budget per window and token; a run may spend a window's budget in a
    // burst, so the rate sent now is shown as what it is, beside the limit's average (not as
    // a share "of" it).
    let allowed = r
        .allowed
        .map(|a| a.words())
        .unwrap_or_else(|| "limit not known yet".into());
    // The limit counts the whole pool; say how many are live, so a low rate early in a run
    // reads as "few tokens minted yet" (more are minted on demand).
    let tokens = r.tokens.map(|(live, size)| {
        Line::from(vec![
            Span::styled("tokens     ", t.key()),
            Span::raw(format!("{live} of {size} live")),
        ])
    });
    let eta = match (r.phase.is_finished(), r.eta_s) {
        (true, _) => format!("took {}", human_duration(r.stats.elapsed_s)),
        (false, Some(e)) => human_duration(e),
        (false, None) => "estimating…".into(),
    };
    let outcomes: Vec<String> = r
        .outcomes
        .iter()
        .map(|(o, n)| format!("{} {n}", outcome_label(*o)))
        .collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled("sending    ", t.key()),
            Span::raw(format!("{:.1}/s now", r.requests_per_s)),
        ]),
        Line::from(vec![
            Span::styled("limit      ", t.key()),
            Span::raw(allowed),
        ]),
    ];
    lines.extend(tokens);
    lines.extend([
        Line::from(vec![
            Span::styled("requests   ", t.key()),
            Span::raw(format!(
                "{} (estimate {})",
                r.stats.requests, r.estimated_requests
            )),
        ]),
        Line::from(vec![
            Span::styled("throttled  ", t.key()),
            Span::styled(
                r.stats.throttled.to_string(),
                if r.stats.throttled > 0 {
                    t.warning()
                } else {
                    t.dim()
                },
            ),
            Span::styled("  retries ", t.key()),
            Span::raw(r.stats.retries.to_string()),
        ]),
        Line::from(vec![Span::styled("ETA        ", t.key()), Span::raw(eta)]),
        Line::from(Span::raw(outcomes.join(" · "))),
    ]);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Rate ", t.title()))),
        area,
    );
}

/// The event log: the newest lines, or `log_back` lines further back when scrolled.
fn draw_log(f: &mut Frame, t: &Theme, r: &RunState, area: Rect) {
    let h = area.height.saturating_sub(1) as usize;
    let back = r.log_back.min(r.log.len().saturating_sub(h));
    let skip = r.log.len().saturating_sub(h + back);
    let w = area.width as usize;
    let log: Vec<Line> = r
        .log
        .iter()
        .skip(skip)
        .take(h)
        .map(|l| {
            let style = if l.contains(" failed") {
                t.error()
            } else {
                ratatui::style::Style::new()
            };
            Line::from(Span::styled(super::truncate(l, w), style))
        })
        .collect();
    let title = if back > 0 {
        format!(" Events ({back} newer below · End follows) ")
    } else {
        " Events ".to_string()
    };
    f.render_widget(
        Paragraph::new(log).block(
            Block::new()
                .borders(Borders::TOP)
                .title(Span::styled(title, t.title())),
        ),
        area,
    );
}
