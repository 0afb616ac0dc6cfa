//! Screen geometry as pure functions of the terminal size, shared by the views (to draw)
//! and by `update` (to scroll and to hit-test mouse clicks), so the two always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// The org header and the tabs on top, status line and key hints at the bottom, the screen
/// body between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chrome {
    /// Which org every screen acts on (k9s-style), so no key is pressed against the wrong one.
    pub header: Rect,
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn chrome(area: Rect) -> Chrome {
    let [header, tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Chrome {
        header,
        tabs,
        body,
        status,
        hints,
    }
}

/// The Pre-flight screen: summary lines, the file-level findings line (when the file has
/// some), the table, the selected row's findings pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreflightLayout {
    pub summary: Rect,
    /// One line, or none when the file has no file-level findings.
    pub file: Rect,
    /// The table including its header line.
    pub table: Rect,
    /// The findings pane including its title line.
    pub detail: Rect,
}

/// `pane_lines` is what the findings pane wants to show (without its title): it gets them,
/// up to two fifths of the screen, and never less than the table's header and 3 rows leave.
pub fn preflight(body: Rect, file_line: bool, pane_lines: usize) -> PreflightLayout {
    let top = 2 + u16::from(file_line);
    let share = (body.height * 2 / 5).max(4);
    let room = body.height.saturating_sub(top + 4);
    let want = u16::try_from(pane_lines.saturating_add(1)).unwrap_or(u16::MAX);
    let detail_h = want.max(3).min(share).min(room);
    let [summary, file, table, detail] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(u16::from(file_line)),
        Constraint::Min(2),
        Constraint::Length(detail_h),
    ])
    .areas(body);
    PreflightLayout {
        summary,
        file,
        table,
        detail,
    }
}

/// The Plan screen: the summary (counts, requests, rate, ETA, file-level findings), the
/// rows that will run, and the selected row's changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLayout {
    pub summary: Rect,
    /// The queue rows, which run first (empty without a queue list).
    pub queues: Rect,
    /// The table including its header line.
    pub table: Rect,
    pub detail: Rect,
}

/// `queue_lines`: the lines the queue rows want (0: no queue list); they get at most a
/// quarter of the screen body.
pub fn plan(body: Rect, queue_lines: u16) -> PlanLayout {
    let detail_h = if body.height >= 40 { 14 } else { 7 };
    let queues_h = match queue_lines {
        0 => 0,
        n => n.min((body.height / 4).max(2)),
    };
    let [summary, queues, table, detail] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(queues_h),
        Constraint::Min(2),
        Constraint::Length(detail_h),
    ])
    .areas(body);
    PlanLayout {
        summary,
        queues,
        table,
        detail,
    }
}

/// Data rows the Plan's table shows.
pub fn plan_rows(size: (u16, u16), queue_lines: u16) -> usize {
    let area = Rect::new(0, 0, size.0, size.1);
    plan(chrome(area).body, queue_lines)
        .table
        .height
        .saturating_sub(1) as usize
}

/// The Failures screen: the grouped list on the left (or top), the selected row on the right.
pub fn failures(body: Rect) -> (Rect, Rect) {
    if body.width >= 100 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
            .areas(body);
        (l, r)
    } else {
        let [t, b] = Layout::vertical([Constraint::Min(3), Constraint::Length(6)]).areas(body);
        (t, b)
    }
}

/// Lines the failures list shows (inside its border).
pub fn failure_rows(size: (u16, u16)) -> usize {
    let area = Rect::new(0, 0, size.0, size.1);
    failures(chrome(area).body).0.height.saturating_sub(2) as usize
}

/// The row card and the file-findings dialog: up to 100 columns wide, the body's height.
pub fn card(body: Rect) -> Rect {
    centered(body, 100.min(body.width), body.height)
}

/// A centred rectangle for modals.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Tab titles' x ranges, for mouse clicks on the tab bar: (start, end) per screen.
pub fn tab_ranges(titles: &[String]) -> Vec<(u16, u16)> {
    let mut x = 0u16;
    let mut out = Vec::new();
    for t in titles {
        let w = t.chars().count() as u16 + 2;
        out.push((x, x + w));
        x += w + 1;
    }
    out
}

/// The Pre-flight Queues table: summary lines, the table, the selected queue's detail (its
/// findings and planned change). Its own geometry, so the Hires table's can change alone.
pub fn queue_table(body: Rect) -> PreflightLayout {
    let detail_h = if body.height >= 40 {
        14
    } else {
        body.height / 3
    };
    let [summary, table, detail] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(2),
        Constraint::Length(detail_h),
    ])
    .areas(body);
    PreflightLayout {
        summary,
        // The queue list's file-level findings are counted in its summary lines.
        file: Rect::new(summary.x, summary.y, summary.width, 0),
        table,
        detail,
    }
}

/// Data rows the Queues table shows (its area minus the header line).
pub fn queue_table_rows(size: (u16, u16)) -> usize {
    let area = Rect::new(0, 0, size.0, size.1);
    queue_table(chrome(area).body)
        .table
        .height
        .saturating_sub(1) as usize
}
