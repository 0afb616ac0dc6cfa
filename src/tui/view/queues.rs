//! Pre-flight's Queues table (`t` switches from the Hires table): summary, the queue rows
//! (name, action, findings, then the list's cells), and the selected row's cell, findings
//! and planned change (settings, wrap-up codes, members, member groups).

use super::truncate;
use crate::model::{Severity, sanitize};
use crate::preflight::queues::{QueueAction, QueuePlanRow};
use crate::tui::app::{App, QueueSession, QueueStatus};
use crate::tui::layout;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

/// Width of a cell of the list's own columns.
const CELL_W: usize = 18;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let Some(q) = &app.queues else {
        return;
    };
    let l = layout::queue_table(area);
    draw_summary(f, app, q, l.summary);
    draw_table(f, app, q, l.table);
    draw_detail(f, app, q, l.detail);
}

/// The prompt's label for an edit of a queue cell.
pub fn edit_label(app: &App, index: usize, col: usize) -> String {
    let Some(q) = &app.queues else {
        return "edit: ".into();
    };
    let row = q.list.rows.get(index).map(|r| r.row).unwrap_or(0);
    let head = q.list.headers.get(col).cloned().unwrap_or_default();
    format!("edit queue row {row} {}: ", sanitize(&head))
}

fn draw_summary(f: &mut Frame, app: &App, q: &QueueSession, area: Rect) {
    let t = &app.theme;
    let (errors, warnings) = q.totals();
    let mut first = vec![
        Span::styled(
            format!(
                "Queues: {} ({} rows)",
                sanitize(&q.list.source),
                q.list.rows.len()
            ),
            t.title(),
        ),
        Span::raw("  "),
        Span::styled(
            format!("{errors} errors"),
            if errors > 0 { t.error() } else { t.ok() },
        ),
        Span::raw("  "),
        Span::styled(
            format!("{warnings} warnings"),
            if warnings > 0 { t.warning() } else { t.ok() },
        ),
        Span::raw("  │ "),
    ];
    for (s, n) in q.status_counts() {
        first.push(Span::raw(format!("{} {n}  ", s.label())));
    }
    let mut second = Vec::new();
    if !q.table.filter.is_empty() {
        second.push(Span::styled(
            format!(
                "filter: {} ({} shown)  ",
                sanitize(&q.table.filter),
                q.table.view.len()
            ),
            t.key(),
        ));
    }
    let mut by_code = std::collections::BTreeMap::new();
    for fi in q.check.findings() {
        *by_code.entry(fi.code).or_insert(0usize) += 1;
    }
    let mut by_code: Vec<_> = by_code.into_iter().collect();
    by_code.sort_by_key(|(code, n)| (code.severity(), std::cmp::Reverse(*n)));
    for (code, n) in by_code {
        let style = match code.severity() {
            Severity::Error => t.error(),
            Severity::Warning => t.warning(),
        };
        second.push(Span::styled(format!("{} {n}  ", code.as_str()), style));
    }
    f.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn status_style(app: &App, s: QueueStatus, errors: usize) -> Style {
    let t = &app.theme;
    match s {
        QueueStatus::Skipped | QueueStatus::Unchanged => t.dim(),
        QueueStatus::Blocked => t.error(),
        _ if errors > 0 => t.error(),
        _ => t.ok(),
    }
}

fn draw_table(f: &mut Frame, app: &App, q: &QueueSession, area: Rect) {
    let t = &app.theme;
    let height = area.height.saturating_sub(1) as usize;
    let tbl = &q.table;
    let start = tbl.cursor.offset.min(tbl.view.len());
    let end = (start + height).min(tbl.view.len());
    // Name, action and findings first; then every other column of the list.
    let name_col = q
        .list
        .column_index(crate::ingest::queues::QueueColumn::Name);
    let all_others: Vec<usize> = (0..q.list.headers.len())
        .filter(|c| Some(*c) != name_col)
        .collect();
    // As many other columns as fit, scrolled so the selected one is among them.
    let fixed = 4 + 22 + 9 + 12 + 4;
    let fit = (usize::from(area.width).saturating_sub(fixed) / (CELL_W + 1)).max(1);
    let at = all_others.iter().position(|c| *c == tbl.col).unwrap_or(0);
    let first = (at + 1).saturating_sub(fit);
    let others: Vec<usize> = all_others.iter().copied().skip(first).take(fit).collect();
    let mut header = vec![
        Cell::from("row"),
        Cell::from("queue"),
        Cell::from("action"),
        Cell::from("findings"),
    ];
    header.extend(
        others
            .iter()
            .map(|c| Cell::from(sanitize(&q.list.headers[*c]).into_owned())),
    );
    let rows: Vec<Row> = tbl.view[start..end]
        .iter()
        .enumerate()
        .map(|(k, &index)| {
            let (e, w) = q.counts(index);
            let status = q.status(index);
            let row_no = q.list.rows.get(index).map(|r| r.row).unwrap_or(0);
            let findings = match (e, w) {
                (0, 0) => String::new(),
                (e, 0) => format!("{e} err"),
                (0, w) => format!("{w} warn"),
                (e, w) => format!("{e} err {w} warn"),
            };
            let selected = start + k == tbl.cursor.selected;
            let mut cells = vec![
                Cell::from(row_no.to_string()),
                Cell::from(truncate(&sanitize(&q.name(index)), 22)),
                Cell::from(status.label()).style(status_style(app, status, e)),
                Cell::from(findings).style(if e > 0 { t.error() } else { t.warning() }),
            ];
            cells.extend(others.iter().map(|c| {
                let text = truncate(&sanitize(q.cell(index, *c)), CELL_W);
                if selected && *c == tbl.col {
                    Cell::from(text).style(t.key())
                } else {
                    Cell::from(text)
                }
            }));
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(4),
        Constraint::Length(22),
        Constraint::Length(9),
        Constraint::Length(12),
    ];
    widths.extend(others.iter().map(|_| Constraint::Length(CELL_W as u16)));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.title()))
        .row_highlight_style(t.selected());
    let mut state =
        TableState::default().with_selected(Some(tbl.cursor.selected.saturating_sub(start)));
    if tbl.view.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(
                "no queue row matches the filter (Esc clears it)",
                t.dim(),
            )),
            area,
        );
        return;
    }
    f.render_stateful_widget(table, area, &mut state);
}

fn draw_detail(f: &mut Frame, app: &App, q: &QueueSession, area: Rect) {
    let t = &app.theme;
    let Some(index) = q.selected() else {
        f.render_widget(Block::new().borders(Borders::TOP), area);
        return;
    };
    let width = area.width as usize;
    let col = q.table.col.min(q.list.headers.len().saturating_sub(1));
    let head = q
        .list
        .headers
        .get(col)
        .map(|h| sanitize(h).into_owned())
        .unwrap_or_default();
    let value = sanitize(q.cell(index, col)).into_owned();
    let status = q.status(index);
    let title = format!(" Queue {} · {} ", sanitize(&q.name(index)), status.label());
    let mut lines = vec![Line::from(vec![
        Span::styled("◀ ", t.dim()),
        Span::styled(head.clone(), t.key()),
        Span::styled(" ▶ ", t.dim()),
        Span::raw(truncate(
            &value,
            width.saturating_sub(head.chars().count() + 6),
        )),
    ])];
    if status == QueueStatus::Skipped {
        lines.push(Line::from(Span::styled(
            "skipped: this queue row will not run (s unskips)",
            t.dim(),
        )));
    }
    let mut findings: Vec<_> = q.findings_of(index).collect();
    findings.sort_by_key(|f| (q.finding_col(f) != Some(col), f.severity));
    for fi in findings {
        let (mark, style) = match fi.severity {
            Severity::Error => ("✗", t.error()),
            Severity::Warning => ("!", t.warning()),
        };
        let field = fi
            .field
            .as_deref()
            .map(|x| format!("{x}: "))
            .unwrap_or_default();
        let mut text = format!("{field}{}", sanitize(&fi.message));
        if let Some(sg) = &fi.suggestion {
            text.push_str(&format!(" — suggestion: {}", sanitize(sg)));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {} ", fi.code.as_str()), style),
            Span::raw(text),
        ]));
    }
    if let Some(p) = q.check.plan.get(index) {
        for line in change_lines(p) {
            lines.push(Line::from(Span::styled(truncate(&line, width), t.dim())));
        }
    }
    let p = Paragraph::new(lines)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .block(
            Block::new()
                .borders(Borders::TOP)
                .title(Span::styled(title, t.title())),
        );
    f.render_widget(p, area);
}

/// A queue row's planned change, one line per part (sanitized): the settings as
/// `field: before → after`, then wrap-up codes, members, member groups, a division move, and
/// a new queue's settings (`= field: value`).
pub fn change_lines(p: &QueuePlanRow) -> Vec<String> {
    let d = &p.diff;
    let mut out: Vec<String> = d
        .settings
        .iter()
        .map(|s| format!("~ {}", sanitize(s)))
        .collect();
    let lists = [
        ("+ wrap-up codes", &d.wrapup_codes_add),
        ("- wrap-up codes", &d.wrapup_codes_remove),
        ("+ members", &d.members_add),
        ("+ member groups", &d.member_groups_add),
    ];
    for (label, items) in lists {
        if !items.is_empty() {
            out.push(format!("{label}: {}", sanitize(&items.join(", "))));
        }
    }
    if let Some(div) = &d.division_move {
        out.push(format!("> division {}", sanitize(div)));
    }
    // A new queue's settings last: the lists above are what a one-line summary must keep.
    if p.action == QueueAction::Create {
        out.extend(create_settings(p).into_iter().map(|s| format!("= {s}")));
    }
    out
}

/// A new queue's settings as the create sends them (`field: value`, ids as resolved),
/// sanitized: what the row sets, since the org has nothing to compare with.
fn create_settings(p: &QueuePlanRow) -> Vec<String> {
    let Some(settings) = &p.run.settings else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(settings) else {
        return Vec::new();
    };
    map.into_iter()
        .filter(|(k, v)| !v.is_null() && k != "name")
        .map(|(k, v)| sanitize(&format!("{k}: {v}")).into_owned())
        .collect()
}

/// The Plan's queue section: counts, the queue phase's requests and pacing, then one line
/// per queue row that runs with what it changes.
pub fn draw_plan(f: &mut Frame, app: &App, q: &QueueSession, area: Rect) {
    if area.height == 0 {
        return;
    }
    let t = &app.theme;
    let width = usize::from(area.width);
    let counts: Vec<String> = q
        .status_counts()
        .into_iter()
        .map(|(s, n)| format!("{} {n}", s.label()))
        .collect();
    let heading = format!(
        "Queues first: {} · about {} requests · creates paced at {}/min",
        counts.join("  "),
        q.estimate(),
        crate::tui::app::QUEUE_RATE
    );
    let mut lines = vec![Line::from(Span::styled(truncate(&heading, width), t.key()))];
    for task in q.tasks() {
        let Some(p) = q.check.plan.iter().find(|p| p.row == task.row) else {
            continue;
        };
        let status = match p.action {
            QueueAction::Create => QueueStatus::Create,
            QueueAction::Update => QueueStatus::Update,
            _ => QueueStatus::Unchanged,
        };
        let changes = change_lines(p).join("; ");
        let text = format!(
            "{:<9} {:<22} {}",
            status.label(),
            truncate(&sanitize(&p.name), 22),
            changes
        );
        lines.push(Line::from(Span::styled(
            truncate(&text, width),
            status_style(app, status, 0),
        )));
    }
    f.render_widget(Paragraph::new(lines), area);
}
