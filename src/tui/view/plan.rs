//! Screen 3: what the run will do — counts, the request estimate and the ETA at the org's
//! rate, file-level findings, then every row that will run with what changes (a create with
//! all it sets, an update field by field), scrollable and filterable. `y` confirms.

use super::truncate;
use crate::model::{PlanAction, sanitize};
use crate::tui::app::{App, Session, action_label, is_runnable};
use crate::tui::estimate::{AllowedRate, eta_seconds, human_duration};
use crate::tui::layout;
use crate::tui::plan_diff::{row_changes, summary};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

const ORDER: [PlanAction; 8] = [
    PlanAction::Create,
    PlanAction::Update,
    PlanAction::Restore,
    PlanAction::Reactivate,
    PlanAction::Deactivate,
    PlanAction::Unchanged,
    PlanAction::Skipped,
    PlanAction::Blocked,
];

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let Some(s) = &app.session else {
        f.render_widget(
            Paragraph::new("No hire list loaded yet. Press 1 to load one.")
                .block(Block::bordered().title(" Plan ")),
            area,
        );
        return;
    };
    let l = layout::plan(area, app.plan_queue_lines());
    let rows = app.plan_rows();
    draw_summary(f, app, s, l.summary);
    if let Some(q) = &app.queues {
        super::queues::draw_plan(f, app, q, l.queues);
    }
    draw_rows(f, app, s, &rows, l.table);
    draw_detail(f, app, s, &rows, l.detail);
}

fn action_style(app: &App, a: PlanAction, n: usize) -> Style {
    let t = &app.theme;
    match a {
        PlanAction::Blocked if n > 0 => t.error(),
        PlanAction::Deactivate if n > 0 => t.warning(),
        a if is_runnable(a) => t.ok(),
        _ => t.dim(),
    }
}

fn draw_summary(f: &mut Frame, app: &App, s: &Session, area: Rect) {
    let t = &app.theme;
    let counts = s.status_counts();
    let mut first = Vec::new();
    for a in ORDER {
        let n = counts.get(&a).copied().unwrap_or(0);
        first.push(Span::styled(
            format!("{} {n}", action_label(a)),
            action_style(app, a, n),
        ));
        first.push(Span::raw("  "));
    }
    let runnable = s.runnable_count();
    let queue_requests = app.queues.as_ref().map_or(0, |q| q.estimate());
    let requests = s.estimate() + queue_requests;
    let (rate, assumed) = match s.allowed {
        Some(r) => (r, false),
        None => (AllowedRate::DEFAULT, true),
    };
    // The queue phase runs first and its creates are paced: it takes the longer of its
    // requests at the org's rate and its creates at the queue rate.
    let eta = eta_seconds(requests, Some(rate.per_s()))
        .map(|s| {
            s + app
                .queues
                .as_ref()
                .map_or(0.0, |q| q.pacing_s(rate.per_s()))
        })
        .map(human_duration)
        .unwrap_or_else(|| "unknown".into());
    let second = vec![
        Span::styled("Requests ", t.key()),
        Span::raw(format!("about {requests}  ")),
        // The words start with "allowed": no label, so the line fits 80 columns.
        Span::raw(format!(
            "{}{}  ",
            rate.words(),
            if assumed {
                " (assumed: the org did not say)"
            } else {
                ""
            }
        )),
        Span::styled("ETA ", t.key()),
        Span::raw(eta),
    ];
    let mut lines = vec![Line::from(first), Line::from(second)];
    let blocked = counts.get(&PlanAction::Blocked).copied().unwrap_or(0);
    if blocked > 0 {
        lines.push(Line::from(Span::styled(
            format!(
                "{blocked} row(s) with errors will not run: fix or skip them on Pre-flight (2)."
            ),
            t.error(),
        )));
    }
    for fnd in s.file_findings() {
        lines.push(Line::from(Span::styled(
            format!("! {}: {}", fnd.code.as_str(), sanitize(&fnd.message)),
            t.warning(),
        )));
    }
    let queue_rows = app.queues.as_ref().map_or(0, |q| q.tasks().len());
    lines.push(Line::from(if app.run.phase.is_active() {
        Span::styled("A run is in progress (4).", t.warning())
    } else if runnable == 0 && queue_rows > 0 {
        Span::raw(format!(
            "y runs these {queue_rows} queue row(s) (asks first)."
        ))
    } else if runnable == 0 {
        Span::styled("Nothing to run.", t.dim())
    } else {
        Span::raw(format!(
            "y provisions these {runnable} row(s) (asks first)."
        ))
    }));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn draw_rows(f: &mut Frame, app: &App, s: &Session, rows: &[usize], area: Rect) {
    let t = &app.theme;
    let height = area.height.saturating_sub(1) as usize;
    let start = app.plan.cursor.offset.min(rows.len());
    let end = (start + height).min(rows.len());
    let widths = [
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Fill(5),
    ];
    let email_w = (area.width as usize).saturating_sub(20) * 2 / 7;
    let changes_w = (area.width as usize).saturating_sub(20 + email_w);
    let body: Vec<Row> = rows[start..end]
        .iter()
        .map(|&i| {
            let a = s.status(i);
            Row::new(vec![
                Cell::from(s.list.rows.get(i).map(|r| r.row).unwrap_or(0).to_string()),
                Cell::from(Span::styled(action_label(a), action_style(app, a, 1))),
                Cell::from(truncate(
                    &sanitize(s.cell(i, crate::model::Field::Email)),
                    email_w,
                )),
                Cell::from(truncate(&summary(&row_changes(s, i)), changes_w)),
            ])
        })
        .collect();
    let filter = if app.plan.filter.is_empty() {
        String::new()
    } else {
        format!(" matching \"{}\"", sanitize(&app.plan.filter))
    };
    let table = Table::new(body, widths)
        .header(
            Row::new(vec![
                "row".to_string(),
                "action".into(),
                "email".into(),
                format!("what changes ({} rows{filter})", rows.len()),
            ])
            .style(t.header()),
        )
        .row_highlight_style(t.selected())
        .column_spacing(1);
    let mut state = TableState::default();
    if !rows.is_empty() {
        state.select(Some(app.plan.cursor.selected.saturating_sub(start)));
    }
    f.render_stateful_widget(table, area, &mut state);
}

fn draw_detail(f: &mut Frame, app: &App, s: &Session, rows: &[usize], area: Rect) {
    let t = &app.theme;
    let Some(&i) = rows.get(app.plan.cursor.selected) else {
        f.render_widget(Block::new().borders(Borders::TOP), area);
        return;
    };
    let a = s.status(i);
    let row = s.list.rows.get(i).map(|r| r.row).unwrap_or(0);
    let title = format!(
        " Row {row} · {} · {} ",
        action_label(a),
        sanitize(s.cell(i, crate::model::Field::Email))
    );
    let lines: Vec<Line> = row_changes(s, i)
        .into_iter()
        .map(|c| {
            Line::from(vec![
                Span::styled(format!("{:<12}", c.field), t.key()),
                Span::raw(c.text),
            ])
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::new()
                .borders(Borders::TOP)
                .title(Span::styled(title, t.title())),
        ),
        area,
    );
}
