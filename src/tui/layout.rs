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

/// The Pre-flight screen: summary lines, the table, the selected row's detail pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreflightLayout {
    pub summary: Rect,
    /// The table including its header line.
    pub table: Rect,
    pub detail: Rect,
}

pub fn preflight(body: Rect) -> PreflightLayout {
    let detail_h = if body.height >= 40 {
        12
    } else if body.height >= 18 {
        7
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
        table,
        detail,
    }
}

/// Data rows the pre-flight table can show (its area minus the header line).
pub fn table_rows(size: (u16, u16)) -> usize {
    let area = Rect::new(0, 0, size.0, size.1);
    preflight(chrome(area).body).table.height.saturating_sub(1) as usize
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
