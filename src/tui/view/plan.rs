//! Screen 3: what the run will do, how many requests it will take, and how long at the
//! org's rate limit. `y` confirms.

use crate::model::{PlanAction, sanitize};
use crate::tui::app::{App, action_label, is_runnable};
use crate::tui::estimate::{eta_seconds, human_duration};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

/// Rate assumed when the org's limit is unknown: the Genesys default of 300 per minute.
pub const DEFAULT_RATE_PER_S: f64 = 5.0;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let Some(s) = &app.session else {
        f.render_widget(
            Paragraph::new("No hire list loaded yet. Press 1 to load one.")
                .block(Block::bordered().title(" Plan ")),
            area,
        );
        return;
    };
    let counts = s.status_counts();
    let order = [
        PlanAction::Create,
        PlanAction::Update,
        PlanAction::Restore,
        PlanAction::Reactivate,
        PlanAction::Deactivate,
        PlanAction::Unchanged,
        PlanAction::Skipped,
        PlanAction::Blocked,
    ];
    let rows: Vec<Row> = order
        .iter()
        .map(|a| {
            let n = counts.get(a).copied().unwrap_or(0);
            let style = match a {
                PlanAction::Blocked if n > 0 => t.error(),
                PlanAction::Deactivate if n > 0 => t.warning(),
                a if is_runnable(*a) => t.ok(),
                _ => t.dim(),
            };
            Row::new(vec![
                ratatui::widgets::Cell::from(Span::styled(action_label(*a), style)),
                ratatui::widgets::Cell::from(format!("{n:>8}")),
            ])
        })
        .collect();
    let runnable = s.runnable_count();
    let requests = s.estimate();
    let (rate, assumed) = match s.allowed_per_s {
        Some(r) => (r, false),
        None => (DEFAULT_RATE_PER_S, true),
    };
    let eta = eta_seconds(requests, Some(rate))
        .map(human_duration)
        .unwrap_or_else(|| "unknown".into());
    let [left, right] =
        Layout::horizontal([Constraint::Length(24), Constraint::Min(20)]).areas(area);
    f.render_widget(
        Table::new(rows, [Constraint::Length(12), Constraint::Length(9)])
            .header(Row::new(["action", "   rows"]).style(t.header()))
            .block(Block::bordered().title(Span::styled(" Plan ", t.title()))),
        left,
    );
    let blocked = counts.get(&PlanAction::Blocked).copied().unwrap_or(0);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Rows to run:  ", t.key()),
            Span::raw(runnable.to_string()),
        ]),
        Line::from(vec![
            Span::styled("Requests:     ", t.key()),
            Span::raw(format!("about {requests}")),
        ]),
        Line::from(vec![
            Span::styled("Rate limit:   ", t.key()),
            Span::raw(format!(
                "{:.1} requests/s ({:.0}/min){}",
                rate,
                rate * 60.0,
                if assumed {
                    ", assumed: the org did not say"
                } else {
                    ""
                }
            )),
        ]),
        Line::from(vec![
            Span::styled("ETA:          ", t.key()),
            Span::raw(eta),
        ]),
        Line::from(""),
    ];
    if blocked > 0 {
        lines.push(Line::from(Span::styled(
            format!(
                "{blocked} row(s) with errors will not run: fix or skip them on Pre-flight (2)."
            ),
            t.error(),
        )));
    }
    let file_level: Vec<_> = s.file_findings().iter().collect();
    for fnd in file_level.iter().take(4) {
        lines.push(Line::from(Span::styled(
            format!("! {}: {}", fnd.code.as_str(), sanitize(&fnd.message)),
            t.warning(),
        )));
    }
    lines.push(Line::from(""));
    if app.run.active {
        lines.push(Line::from(Span::styled(
            "A run is in progress (4).",
            t.warning(),
        )));
    } else if runnable == 0 {
        lines.push(Line::from(Span::styled("Nothing to run.", t.dim())));
    } else {
        lines.push(Line::from(vec![
            Span::raw("Press "),
            Span::styled("y", t.key()),
            Span::raw(format!(" to provision {} user(s).", runnable)),
        ]));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Estimate ", t.title()))),
        right,
    );
}
