//! Screen 2: summary, the virtualised table (only visible rows are built, so 100k rows draw
//! as fast as 100), and the selected row's cell and findings.

use super::preflight_cols::{self, Kind};
use super::{styled_lines, truncate};
use crate::model::{PlanAction, Severity, sanitize};
use crate::tui::app::{App, Session, action_label};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
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
    // The layout of the whole screen (its body is `area`): the pane's height follows the
    // selected row's findings, the same way `update` scrolls the table.
    let l = app.preflight_layout();
    draw_summary(f, app, s, l.summary);
    draw_file_line(f, app, s, l.file);
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
    // Each line cut with `…` rather than mid-word at the edge.
    let width = area.width as usize;
    let fit = |spans: Vec<Span<'static>>| {
        super::fit_line(
            spans
                .into_iter()
                .map(|s| (s.content.into_owned(), s.style))
                .collect(),
            width,
        )
    };
    f.render_widget(Paragraph::new(vec![fit(first), fit(second)]), area);
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
    let visible = &tbl.view[start..end];
    let columns = preflight_cols::choose(s, area.width, visible, tbl.col);
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|c| Constraint::Length(c.width))
        .collect();
    let selected = app.selected_index();
    let rows: Vec<Row> = visible
        .iter()
        .map(|i| {
            let i = *i as usize;
            let r = &s.list.rows[i];
            let (e, w) = s.counts[i];
            let cells = columns.iter().map(|c| {
                // A cut cell ends in `…`: a cut email that reads as a valid, different
                // address is worse than none.
                let fit = |text: &str| truncate(&sanitize(text), c.width as usize);
                let cell = match &c.kind {
                    Kind::Row => Cell::from(r.row.to_string()),
                    Kind::Name(_) => Cell::from(fit(&s.display_name(i))),
                    Kind::List(col) => Cell::from(fit(r.cells.get(*col).unwrap_or_default())),
                    Kind::Status => Cell::from(status_cell(app, s, i, r.row, s.status(i), e)),
                    Kind::Findings => Cell::from(Span::styled(
                        findings_label(e, w),
                        if e > 0 { t.error() } else { t.warning() },
                    )),
                };
                if c.kind.shows(tbl.col) && Some(i) == selected {
                    cell.style(t.cell_cursor())
                } else {
                    cell
                }
            });
            Row::new(cells.collect::<Vec<_>>())
        })
        .collect();
    let header =
        Row::new(columns.iter().map(|c| truncate(&c.title, c.width as usize))).style(t.header());
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

/// The selected row's cell and every finding, wrapped; `J`/`K` scroll what does not fit.
fn draw_detail(f: &mut Frame, app: &App, s: &Session, area: Rect) {
    let t = &app.theme;
    let Some(index) = app.selected_index() else {
        f.render_widget(Block::new().borders(Borders::TOP), area);
        return;
    };
    let r = &s.list.rows[index];
    let lines = app.pane_lines();
    let page = area.height.saturating_sub(1) as usize;
    let scroll = app.table.pane_scroll.min(lines.len().saturating_sub(page));
    let mut title = format!(
        " Row {} (line {}){} ",
        r.row,
        r.line,
        if s.skipped.contains(&index) {
            " · skipped"
        } else {
            ""
        }
    );
    title.push_str("─ Enter: the whole row ");
    if lines.len() > page {
        title.push_str(&format!(
            "─ lines {}–{} of {} (J/K scroll) ",
            scroll + 1,
            (scroll + page).min(lines.len()),
            lines.len()
        ));
    }
    let shown: Vec<_> = lines.into_iter().skip(scroll).take(page).collect();
    let p = Paragraph::new(styled_lines(app, shown)).block(
        Block::new()
            .borders(Borders::TOP)
            .title(Span::styled(title, t.title())),
    );
    f.render_widget(p, area);
}

/// The findings about the file as a whole, on one line above the table: counts by code,
/// and the key that opens them.
fn draw_file_line(f: &mut Frame, app: &App, s: &Session, area: Rect) {
    let t = &app.theme;
    let findings = s.file_findings();
    if findings.is_empty() || area.height == 0 {
        return;
    }
    let mut by_code: Vec<(crate::model::FindingCode, usize)> = Vec::new();
    for fi in findings {
        match by_code.iter_mut().find(|(c, _)| *c == fi.code) {
            Some((_, n)) => *n += 1,
            None => by_code.push((fi.code, 1)),
        }
    }
    by_code.sort_by_key(|(c, n)| (c.severity(), std::cmp::Reverse(*n)));
    let mut parts = vec![("File: ".to_string(), t.key())];
    for (code, n) in by_code {
        let style = match code.severity() {
            Severity::Error => t.error(),
            Severity::Warning => t.warning(),
        };
        parts.push((format!("{} {n}  ", code.as_str()), style));
    }
    parts.push(("(F shows them)".to_string(), t.dim()));
    f.render_widget(
        Paragraph::new(super::fit_line(parts, area.width as usize)),
        area,
    );
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
