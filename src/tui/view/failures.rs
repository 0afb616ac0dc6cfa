//! Screen 5: failed rows grouped by error code, the selected row's failing step, and the
//! drilldown with every step.

use super::truncate;
use crate::model::{StepStatus, sanitize};
use crate::tui::app::{
    App, FailureItem, heading_label, key_label, row_key, rows_under, status_label,
};
use crate::tui::layout;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let items = app.failure_items();
    if items.is_empty() {
        let text = if app.report.is_none() {
            "No run yet: nothing has failed."
        } else {
            "Nothing failed."
        };
        f.render_widget(
            Paragraph::new(text)
                .block(Block::bordered().title(Span::styled(" Failures ", t.title()))),
            area,
        );
        return;
    }
    let (list_area, detail_area) = layout::failures(area);
    draw_list(f, app, &items, list_area);
    draw_detail(f, app, &items, detail_area);
}

/// The grouped list: code, object, rows; the selected line marked.
fn draw_list(f: &mut Frame, app: &App, items: &[FailureItem], list_area: Rect) {
    let t = &app.theme;
    let selected_line = app.failures.cursor.selected;
    let h = list_area.height.saturating_sub(2) as usize;
    let w = list_area.width.saturating_sub(2) as usize;
    let mark = |i: usize, style: Style| {
        if i == selected_line {
            t.selected()
        } else {
            style
        }
    };
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(app.failures.cursor.offset)
        .take(h)
        .map(|(i, it)| match it {
            FailureItem::Group { code, count } => Line::from(Span::styled(
                truncate(&format!("{code} ({count})"), w),
                mark(i, t.error()),
            )),
            FailureItem::Object { object, count, .. } => Line::from(Span::styled(
                truncate(&format!("  {object} ({count})"), w),
                mark(i, t.key()),
            )),
            FailureItem::Row { row } => {
                let email = app
                    .report_row(*row)
                    .map(|r| sanitize(&r.email).into_owned())
                    .unwrap_or_default();
                Line::from(Span::styled(
                    truncate(&format!("    {:<10} {email}", key_label(*row)), w),
                    mark(i, Style::new()),
                ))
            }
        })
        .collect();
    let total = items.iter().filter(|i| i.is_row()).count();
    let filter = if app.failures.filter.is_empty() {
        String::new()
    } else {
        format!(" matching \"{}\"", sanitize(&app.failures.filter))
    };
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(
            truncate(&format!(" Failed rows ({total}){filter} "), w),
            t.title(),
        ))),
        list_area,
    );
}

/// Beside the list: a group's count and actions, or a row's failed steps.
fn draw_detail(f: &mut Frame, app: &App, items: &[FailureItem], detail_area: Rect) {
    let t = &app.theme;
    let selected_line = app.failures.cursor.selected;
    let row = match items.get(selected_line) {
        Some(FailureItem::Row { row }) => Some(*row),
        _ => None,
    };
    if row.is_none() {
        let rows = rows_under(items, selected_line);
        let what = heading_label(items, selected_line).unwrap_or_default();
        let detail = vec![
            Line::from(vec![
                Span::styled(format!("{} row(s) ", rows.len()), t.key()),
                Span::raw(sanitize(&what).into_owned()),
            ]),
            Line::from(Span::styled(
                "r retry every row of this group · s skip them all (both ask first) · / filter",
                t.dim(),
            )),
        ];
        f.render_widget(
            Paragraph::new(detail)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(Span::styled(" Group ", t.title()))),
            detail_area,
        );
        return;
    }
    let mut detail = Vec::new();
    if let Some(r) = row.and_then(|row| app.report_row(row)) {
        detail.push(Line::from(vec![
            Span::styled(format!("{} ", key_label(row_key(r))), t.key()),
            Span::raw(sanitize(&r.email).into_owned()),
        ]));
        for s in r.steps.iter().filter(|s| s.status != StepStatus::Ok) {
            detail.push(Line::from(vec![
                Span::styled(
                    format!("{} {} ", s.step.as_str(), status_label(s.status)),
                    t.error(),
                ),
                Span::raw(format!(
                    "{} {} {}",
                    s.http_status.map(|h| h.to_string()).unwrap_or_default(),
                    s.code.as_deref().map(sanitize).unwrap_or_default(),
                    s.message.as_deref().map(sanitize).unwrap_or_default()
                )),
            ]));
        }
        detail.push(Line::from(Span::styled(
            "Enter: all steps · r retry · e edit + retry · s skip",
            t.dim(),
        )));
    }
    f.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Why ", t.title()))),
        detail_area,
    );
}

pub fn draw_drilldown(f: &mut Frame, app: &App, area: Rect, row: usize) {
    let t = &app.theme;
    let r = layout::centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, r);
    let Some(rep) = app.report_row(row) else {
        f.render_widget(
            Paragraph::new("row not in the report").block(Block::bordered()),
            r,
        );
        return;
    };
    let title = format!(
        " {} · {} · {:?} ",
        upper_first(&key_label(row)),
        sanitize(&rep.email),
        rep.outcome
    );
    let wide = r.width >= 110;
    let rows: Vec<Row> = rep
        .steps
        .iter()
        .map(|s| {
            let style = match s.status {
                StepStatus::Ok => t.ok(),
                StepStatus::Failed | StepStatus::Unknown => t.error(),
                StepStatus::Skipped => t.dim(),
            };
            let mut cells = vec![
                Cell::from(s.step.as_str()),
                Cell::from(Span::styled(status_label(s.status), style)),
                Cell::from(s.http_status.map(|h| h.to_string()).unwrap_or_default()),
                Cell::from(
                    s.code
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_default()
                        .into_owned(),
                ),
                Cell::from(s.attempts.to_string()),
                Cell::from(
                    s.message
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_default()
                        .into_owned(),
                ),
            ];
            if wide {
                cells.push(Cell::from(
                    s.context_id
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_default()
                        .into_owned(),
                ));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(15),
        Constraint::Length(8),
        Constraint::Length(4),
        Constraint::Length(if wide { 28 } else { 18 }),
        Constraint::Length(3),
        Constraint::Fill(1),
    ];
    let mut header = vec!["step", "status", "http", "code", "try", "message"];
    if wide {
        widths.push(Constraint::Length(36));
        header.push("contextId");
    }
    let steps_h = (rep.steps.len() as u16 + 3).min(r.height.saturating_sub(4));
    let [top, bottom] =
        ratatui::layout::Layout::vertical([Constraint::Length(steps_h), Constraint::Min(0)])
            .areas(r);
    f.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(t.header()))
            .block(Block::bordered().title(Span::styled(title, t.title()))),
        top,
    );
    // The failing steps in full: request, contextId, message (wrapped).
    let mut lines = Vec::new();
    for s in rep
        .steps
        .iter()
        .filter(|s| s.status != StepStatus::Ok && s.status != StepStatus::Skipped)
    {
        lines.push(Line::from(Span::styled(
            format!("{} {}", s.step.as_str(), status_label(s.status)),
            t.error(),
        )));
        if let Some(req) = &s.request {
            lines.push(Line::from(format!("  request:   {}", sanitize(req))));
        }
        if let Some(c) = &s.context_id {
            lines.push(Line::from(format!("  contextId: {}", sanitize(c))));
        }
        if let Some(m) = &s.message {
            lines.push(Line::from(format!("  message:   {}", sanitize(m))));
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Failing step ", t.title()))),
        bottom,
    );
}

/// `queue row 2` → `Queue row 2` (a title's first word).
fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
