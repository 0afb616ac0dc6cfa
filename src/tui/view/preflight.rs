//! Screen 2: summary, the virtualised table (only visible rows are built, so 100k rows draw
//! as fast as 100), and the selected row's cell and findings.

use super::truncate;
use crate::model::{Field, PlanAction, Severity, sanitize};
use crate::tui::app::{App, Session, action_label};
use crate::tui::layout;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let Some(s) = &app.session else {
        f.render_widget(
            Paragraph::new("No hire list loaded yet. Press 1 to load one.")
                .block(Block::bordered().title(" Pre-flight ")),
            area,
        );
        return;
    };
    let l = layout::preflight(area);
    draw_summary(f, app, s, l.summary);
    draw_table(f, app, s, l.table);
    draw_detail(f, app, s, l.detail);
}

fn draw_summary(f: &mut Frame, app: &App, s: &Session, area: Rect) {
    let t = &app.theme;
    let (errors, warnings) = s.severity_totals();
    let counts = s.status_counts();
    let mut first = vec![
        Span::styled(format!("{} rows", s.list.rows.len()), t.title()),
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
    for (a, n) in &counts {
        first.push(Span::raw(format!("{} {n}  ", action_label(*a))));
    }
    let mut second = Vec::new();
    if app.load.loading && s.checking_count > 0 {
        second.push(Span::styled(
            format!(
                "org loading: {} · {} checking · Esc stops  ",
                super::load::counters(app),
                crate::model::fmt_count(s.checking_count)
            ),
            t.warning(),
        ));
    }
    let filter = app.table.filter.describe();
    if !filter.is_empty() {
        second.push(Span::styled(
            format!(
                "filter: {} ({} shown)  ",
                sanitize(&filter),
                app.table.view.len()
            ),
            t.key(),
        ));
    }
    if app.table.sort != Default::default() || app.table.descending {
        second.push(Span::styled(
            format!(
                "sort: {}{}  ",
                app.table.sort.label(),
                if app.table.descending { " ↓" } else { "" }
            ),
            t.dim(),
        ));
    }
    let mut by_code: Vec<_> = s.by_code.iter().collect();
    by_code.sort_by_key(|(code, n)| (code.severity(), std::cmp::Reverse(**n)));
    for (code, n) in by_code {
        let style = match code.severity() {
            Severity::Error => t.error(),
            Severity::Warning => t.warning(),
        };
        second.push(Span::styled(format!("{} {n}", code.as_str()), style));
        second.push(Span::raw("  "));
    }
    f.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

fn status_style(app: &App, a: PlanAction, errors: u16) -> Style {
    let t = &app.theme;
    if errors > 0 && a != PlanAction::Skipped {
        return t.error();
    }
    match a {
        PlanAction::Blocked => t.error(),
        PlanAction::Skipped | PlanAction::Unchanged => t.dim(),
        // Taking a user's access away is not "all green".
        PlanAction::Deactivate => t.warning(),
        _ => t.ok(),
    }
}

fn draw_table(f: &mut Frame, app: &App, s: &Session, area: Rect) {
    let t = &app.theme;
    let height = area.height.saturating_sub(1) as usize;
    let tbl = &app.table;
    let start = tbl.cursor.offset.min(tbl.view.len());
    let end = (start + height).min(tbl.view.len());
    let email_col = s.col_of(Field::Email);
    let name_col = s.col_of(Field::Name).or(s.col_of(Field::FirstName));
    let div_col = s.col_of(Field::Division);
    // Wide terminals also show the selected field (the one `e` edits) for every row, unless
    // it is already a column.
    let wide = area.width >= 110;
    let extra = (wide && ![email_col, name_col, div_col].contains(&Some(tbl.col)))
        .then_some(tbl.col)
        .filter(|c| *c < s.list.headers.len());
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(if wide { 16 } else { 10 }),
    ];
    let mut titles: Vec<String> = ["row", "email", "name", "division"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    if let Some(c) = extra {
        widths.push(Constraint::Fill(3));
        titles.push(sanitize(&s.list.headers[c]).into_owned());
    }
    widths.extend([Constraint::Length(10), Constraint::Length(8)]);
    titles.extend(["status".to_string(), "findings".to_string()]);
    // The columns' widths as the table will lay them out, so a cut cell can end in `…`
    // (a cut email that reads as a valid, different address is worse than none).
    let col_w: Vec<usize> = Layout::horizontal(widths.clone())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, area.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let fit =
        |pos: usize, text: &str| truncate(&sanitize(text), col_w.get(pos).copied().unwrap_or(0));
    let rows: Vec<Row> = tbl.view[start..end]
        .iter()
        .map(|i| {
            let i = *i as usize;
            let r = &s.list.rows[i];
            let (e, w) = s.counts[i];
            let status = s.status(i);
            let cell = |pos: usize, col: Option<usize>, text: String| {
                let c = Cell::from(fit(pos, &text));
                if col == Some(tbl.col) && Some(i) == app.selected_index() {
                    c.style(t.cell_cursor())
                } else {
                    c
                }
            };
            let found = findings_label(e, w);
            let mut cells = vec![
                Cell::from(r.row.to_string()),
                cell(1, email_col, s.cell(i, Field::Email).to_string()),
                cell(2, name_col, s.display_name(i)),
                cell(3, div_col, s.cell(i, Field::Division).to_string()),
            ];
            if let Some(c) = extra {
                cells.push(cell(
                    4,
                    Some(c),
                    r.cells.get(c).unwrap_or_default().to_string(),
                ));
            }
            cells.push(Cell::from(status_cell(app, s, i, r.row, status, e)));
            cells.push(Cell::from(Span::styled(
                found,
                if e > 0 { t.error() } else { t.warning() },
            )));
            Row::new(cells)
        })
        .collect();
    let header = Row::new(titles).style(t.header());
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(t.selected())
        .column_spacing(1);
    let mut state = TableState::default();
    if !tbl.view.is_empty() {
        state.select(Some(tbl.cursor.selected.saturating_sub(start)));
    }
    f.render_stateful_widget(table, area, &mut state);
    if tbl.view.is_empty() {
        let msg = if s.list.rows.is_empty() {
            "the list has no data rows"
        } else {
            "no row matches the filter (Esc clears it)"
        };
        let r = Rect::new(
            area.x,
            area.y + 1,
            area.width,
            1.min(area.height.saturating_sub(1)),
        );
        f.render_widget(Paragraph::new(Span::styled(msg, t.dim())), r);
    }
}

/// A row's findings in the table: `2E 1W`, `1E`, `3W` or nothing.
fn findings_label(errors: u16, warnings: u16) -> String {
    match (errors, warnings) {
        (0, 0) => String::new(),
        (e, 0) => format!("{e}E"),
        (0, w) => format!("{w}W"),
        (e, w) => format!("{e}E {w}W"),
    }
}

/// The status column: after a run, the row's outcome replaces what the plan said it would
/// do; while the org loads, "checking…".
fn status_cell(
    app: &App,
    s: &Session,
    index: usize,
    row: usize,
    status: PlanAction,
    errors: u16,
) -> Span<'static> {
    let t = &app.theme;
    match app.report_row(row) {
        Some(rep) => Span::styled(
            crate::tui::app::outcome_label(rep.outcome),
            match rep.outcome {
                crate::model::Outcome::Failed => t.error(),
                o if o.needs_retry() => t.warning(),
                crate::model::Outcome::Deactivated => t.warning(),
                _ => t.ok(),
            },
        ),
        None if s.is_checking(index) => Span::styled("checking…", t.dim()),
        None => Span::styled(action_label(status), status_style(app, status, errors)),
    }
}

fn draw_detail(f: &mut Frame, app: &App, s: &Session, area: Rect) {
    let t = &app.theme;
    let Some(index) = app.selected_index() else {
        f.render_widget(Block::new().borders(Borders::TOP), area);
        return;
    };
    let r = &s.list.rows[index];
    let col = app.table.col.min(s.list.headers.len().saturating_sub(1));
    let head = s
        .list
        .headers
        .get(col)
        .map(|h| sanitize(h).into_owned())
        .unwrap_or_default();
    let value = r
        .cells
        .get(col)
        .map(|v| sanitize(v).into_owned())
        .unwrap_or_default();
    let width = area.width as usize;
    let title = format!(
        " Row {} (line {}){} ",
        r.row,
        r.line,
        if s.skipped.contains(&index) {
            " · skipped"
        } else {
            ""
        }
    );
    let mut lines = vec![Line::from(vec![
        Span::styled("◀ ", t.dim()),
        Span::styled(head.clone(), t.key()),
        Span::styled(" ▶ ", t.dim()),
        Span::raw(truncate(
            &value,
            width.saturating_sub(head.chars().count() + 6),
        )),
    ])];
    let mut findings: Vec<_> = s.findings_of(index).collect();
    findings.sort_by_key(|f| (s.finding_col(f) != Some(col), f.severity));
    if s.skipped.contains(&index) {
        lines.push(Line::from(Span::styled(
            "skipped: the row stays in the list and will not run (s unskips; w saves it as action skip)",
            t.dim(),
        )));
    } else if findings.is_empty() {
        lines.push(Line::from(Span::styled(
            "no findings: this row is ready",
            t.ok(),
        )));
    }
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
            text.push_str(&format!(" — suggestion: {} (a applies)", sanitize(sg)));
        }
        let code = fi.code.as_str();
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {code} "), style),
            Span::raw(text),
        ]));
    }
    if let Some(p) = s.result.plan.rows.get(index).filter(|p| p.row == r.row)
        && !p.diff.is_empty()
    {
        let diff: Vec<String> = p
            .diff
            .iter()
            .map(|d| format!("{}: {} → {}", d.field, sanitize(&d.from), sanitize(&d.to)))
            .collect();
        lines.push(Line::from(Span::styled(
            truncate(&format!("update: {}", diff.join("; ")), width),
            t.dim(),
        )));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::Theme;
    use ratatui::style::Color;

    #[test]
    fn deactivations_are_a_warning_not_green_like_creates() {
        let app = App::new(Theme::colored(), (80, 24));
        assert_eq!(
            status_style(&app, PlanAction::Create, 0).fg,
            Some(Color::Green)
        );
        assert_eq!(
            status_style(&app, PlanAction::Deactivate, 0).fg,
            Some(Color::Yellow)
        );
        assert_ne!(
            status_style(&app, PlanAction::Deactivate, 0),
            status_style(&app, PlanAction::Create, 0)
        );
    }
}
