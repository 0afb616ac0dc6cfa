//! Screen 1: the org to load against, the file path (with completion), recent files, and the
//! snapshot loading progress per resource.

use super::truncate;
use crate::model::{LoadProgress, fmt_count, fmt_left, sanitize};
use crate::tui::app::{App, LoadField};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// `4,120 / 20,000 · 1m 15s left`.
fn progress_count(p: &LoadProgress) -> String {
    let mut s = match p.total {
        Some(total) => format!("{} / {}", fmt_count(p.loaded), fmt_count(total)),
        None => fmt_count(p.loaded),
    };
    if let Some(left) = p.left_s.filter(|_| !p.done) {
        s.push_str(" · ");
        s.push_str(&fmt_left(left));
    }
    s
}

/// The load's live counters in one line: the resources still loading, the slowest first
/// (`identities 4,120 / 20,000 · 1m 15s left`), or what is done.
pub fn counters(app: &App) -> String {
    let open: Vec<String> = app
        .load
        .progress
        .values()
        .filter(|p| !p.done)
        .filter(|p| p.total.is_some() || p.loaded > 0)
        .map(|p| format!("{} {}", sanitize(&p.resource), progress_count(p)))
        .collect();
    if open.is_empty() {
        let loading = app.load.progress.values().filter(|p| !p.done).count();
        return format!("{loading} lists loading");
    }
    open.join(" · ")
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let l = &app.load;
    let [top, rest] = Layout::vertical([Constraint::Length(6), Constraint::Min(0)]).areas(area);
    let [recent_area, progress_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest);

    let org = l
        .targets
        .get(l.target)
        .map(|x| x.label.clone())
        .unwrap_or_else(|| "no org configured (use --profile, --region or --api-url)".into());
    let inner_w = top.width.saturating_sub(2) as usize;
    // Both path fields; the one with the keyboard scrolls with its cursor.
    let label = "Queues: ";
    let width = inner_w.saturating_sub(label.len() + 1);
    let value = sanitize(l.input.value()).into_owned();
    let scroll = l.input.visual_scroll(width);
    let shown: String = value.chars().skip(scroll).take(width).collect();
    let other: String = sanitize(l.other.value()).chars().take(width).collect();
    let (hires, queues, cursor_line) = match l.field {
        LoadField::Hires => (shown, other, 2),
        LoadField::Queues => (other, shown, 3),
    };
    let empty = |s: String, what: &'static str| {
        if s.is_empty() {
            Span::styled(what, t.dim())
        } else {
            Span::raw(s)
        }
    };
    let switch = if l.targets.len() > 1 {
        "  (F2 switches)"
    } else {
        ""
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("Org:  ", t.key()),
            Span::raw(truncate(
                &sanitize(&org),
                inner_w.saturating_sub(6 + switch.len()),
            )),
            Span::styled(switch, t.dim()),
        ]),
        Line::from(vec![
            Span::styled("Hires:  ", t.key()),
            empty(hires, "(none)"),
        ]),
        Line::from(vec![
            Span::styled(label, t.key()),
            empty(queues, "(none: F3 to Queues to type a queue list)"),
        ]),
        Line::from(Span::styled(
            if l.loading {
                "loading…".to_string()
            } else if l.completions.len() > 1 {
                truncate(&l.completions.join("  "), inner_w)
            } else {
                "Enter loads · Tab completes · ↑/↓ recent · F3 mode (Hire list → Clone → Drift → Queues)".to_string()
            },
            t.dim(),
        )),
    ];
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(
            " Load a hire list, a queue list, or both ",
            t.title(),
        ))),
        top,
    );
    if app.prompt.is_none() && app.overlay.is_none() && !l.loading {
        let cx =
            top.x + 1 + label.len() as u16 + l.input.visual_cursor().saturating_sub(scroll) as u16;
        f.set_cursor_position((cx.min(top.right().saturating_sub(2)), top.y + cursor_line));
    }

    let mut recent: Vec<Line> = Vec::new();
    if l.recent.is_empty() {
        recent.push(Line::from(Span::styled("no recent files yet", t.dim())));
    }
    let rw = recent_area.width.saturating_sub(4) as usize;
    for (i, p) in l.recent.iter().enumerate() {
        let text = truncate(&sanitize(&p.display().to_string()), rw);
        let style = if l.recent_sel == Some(i) {
            t.selected()
        } else {
            ratatui::style::Style::new()
        };
        recent.push(Line::from(Span::styled(format!(" {text}"), style)));
    }
    f.render_widget(
        Paragraph::new(recent)
            .block(Block::bordered().title(Span::styled(" Recent files ", t.title()))),
        recent_area,
    );

    let mut prog: Vec<Line> = Vec::new();
    if l.progress.is_empty() {
        prog.push(Line::from(Span::styled(
            if l.loading {
                "reading the file…"
            } else {
                "the org snapshot loads after the file"
            },
            t.dim(),
        )));
    }
    if let Some(note) = &l.note {
        prog.push(Line::from(Span::styled(
            sanitize(note).into_owned(),
            t.warning(),
        )));
    }
    for p in l.progress.values() {
        let count = progress_count(p);
        let mark = if p.done { "✓" } else { "…" };
        let style = if p.done { t.ok() } else { t.warning() };
        prog.push(Line::from(vec![
            Span::styled(format!(" {mark} "), style),
            Span::raw(format!(
                "{:<12} {count}",
                truncate(&sanitize(&p.resource), 12)
            )),
        ]));
    }
    if let Some(e) = &l.error {
        prog.push(Line::from(""));
        prog.push(Line::from(Span::styled(
            sanitize(e).into_owned(),
            t.error(),
        )));
    }
    f.render_widget(
        Paragraph::new(prog)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Org snapshot ", t.title()))),
        progress_area,
    );
}
