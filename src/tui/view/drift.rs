//! The Drift tab: the header (reference, mode, counts), a users × orgs matrix whose cells
//! say how many items drifted and how (`2 ~`, `1 −q`, `1 +r`, `✔`, `—` not a target), and
//! the diff of the selected pair. Only the visible lines are built, so 2,000 users × 3
//! orgs draw as fast as 20.

use super::confirm::Dialog;
use super::{fit_line, truncate};
use crate::model::sanitize;
use crate::preflight::drift::{DriftCode, DriftItem};
use crate::tui::app::drift::{CellTone, DriftLayout, mark};
use crate::tui::app::{App, DriftFix};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Narrowest org column (fits `12 +−~q`).
const MIN_COL: usize = 8;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let d = &app.drift;
    let l = d.layout(area);
    draw_header(f, app, l.header);
    if let Some(loaded) = &d.loaded {
        if !loaded.failed.is_empty() {
            let text: Vec<String> = loaded
                .failed
                .iter()
                .map(|(o, e)| format!("{o}: {e}"))
                .collect();
            let line = format!(" could not read — {}", text.join("; "));
            f.render_widget(
                Paragraph::new(Span::styled(
                    truncate(&sanitize(&line), area.width as usize),
                    app.theme.error(),
                )),
                l.failed,
            );
        }
        draw_matrix(f, app, &l);
        if d.diff_open {
            draw_diff(f, app, l.diff);
        }
    }
}

/// ` Drift  ref@x.com (eu) · mode merge · 120 targets · 8 drifted · 1 missing · 17 items`
fn draw_header(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let d = &app.drift;
    let mut parts: Vec<(String, Style)> = vec![(" Drift  ".into(), t.title())];
    if let Some(r) = d.report() {
        let s = r.summary();
        let reference = sanitize(&r.reference.describe()).into_owned();
        let counts = format!(
            "{} targets · {} drifted · {} missing · {} items",
            s.targets, s.drifted, s.missing, s.items
        );
        let mode = format!("mode {}", r.mode());
        // The sketch's order when it fits; else the counts first (they matter most).
        let full = 8 + reference.chars().count() + 3 + mode.len() + 3 + counts.chars().count();
        if full <= area.width as usize {
            parts.push((reference, t.key()));
            parts.push((format!(" · {mode} · {counts}"), Style::new()));
        } else {
            parts.push((format!("{counts} · {mode} · "), Style::new()));
            parts.push((reference, t.key()));
        }
        if !d.filter.is_empty() {
            parts.push((
                format!(" · filter {} ({} users)", sanitize(&d.filter), d.view.len()),
                t.warning(),
            ));
        }
    }
    if let Some(busy) = &d.busy {
        parts.push((format!(" · ⟳ {busy}…"), t.warning()));
    }
    f.render_widget(Paragraph::new(fit_line(parts, area.width as usize)), area);
}

/// The user column's width and the org columns' (first shown, count shown, width).
fn columns(app: &App, width: usize) -> (usize, usize, usize, usize) {
    let m = &app.drift.matrix;
    let user_w = m.email_width.clamp(10, (width * 2 / 5).max(10));
    let col_w = m
        .orgs
        .iter()
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(0)
        .max(MIN_COL)
        + 2;
    let fit = (width.saturating_sub(user_w + 2) / col_w).max(1);
    let first = (app.drift.col + 1).saturating_sub(fit);
    (user_w, first, fit, col_w)
}

fn pad(s: &str, w: usize) -> String {
    let cut = truncate(s, w);
    let n = cut.chars().count();
    format!("{cut}{}", " ".repeat(w.saturating_sub(n)))
}

fn draw_matrix(f: &mut Frame, app: &App, l: &DriftLayout) {
    let t = &app.theme;
    let d = &app.drift;
    let width = l.columns.width as usize;
    let (user_w, first, fit, col_w) = columns(app, width);
    let orgs: Vec<(usize, &String)> = d
        .matrix
        .orgs
        .iter()
        .enumerate()
        .skip(first)
        .take(fit)
        .collect();
    let mut head = vec![Span::styled(
        format!(" {} ", pad("user", user_w)),
        t.header(),
    )];
    for (i, o) in &orgs {
        let style = if *i == d.col { t.key() } else { t.header() };
        head.push(Span::styled(pad(&sanitize(o), col_w), style));
    }
    f.render_widget(Paragraph::new(Line::from(head)), l.columns);
    let height = l.matrix.height as usize;
    if d.view.is_empty() {
        let text = if d.filter.is_empty() {
            "no target users".to_string()
        } else {
            format!(
                "no user has an item matching \"{}\" (Esc clears the filter)",
                d.filter
            )
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {}", sanitize(&text)), t.dim())),
            l.matrix,
        );
        return;
    }
    // The cursor as `update` left it, kept in view of this frame's height.
    let mut cursor = d.cursor;
    cursor.clamp(d.view.len(), height);
    let offset = cursor.offset;
    let mut lines = Vec::with_capacity(height);
    for pos in offset..(offset + height).min(d.view.len()) {
        let row = d.view[pos] as usize;
        let selected = pos == d.cursor.selected;
        let email = d.matrix.emails.get(row).map_or("", String::as_str);
        let row_style = if selected { t.selected() } else { Style::new() };
        let mut spans = vec![Span::styled(
            format!(" {} ", pad(&sanitize(email), user_w)),
            row_style,
        )];
        for (col, _) in &orgs {
            let (text, tone) = match d.pair(row, *col) {
                Some(u) => {
                    let c = d.cell_of(u);
                    let style = match c.tone {
                        CellTone::InSync => t.ok(),
                        CellTone::Drifted => t.warning(),
                        CellTone::Unresolvable | CellTone::Missing => t.error(),
                    };
                    (c.text, style)
                }
                None => ("—".to_string(), t.dim()),
            };
            let style = if selected && *col == d.col {
                t.cell_cursor()
            } else {
                tone
            };
            spans.push(Span::styled(pad(&text, col_w.saturating_sub(1)), style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), l.matrix);
}

/// What the diff says of an item's values.
fn values(item: &DriftItem, mirror: bool) -> String {
    let w = item.want.as_deref().map(sanitize);
    let h = item.have.as_deref().map(sanitize);
    match item.code {
        DriftCode::DriftChanged | DriftCode::TargetMissing => format!(
            "want {}  have {}",
            w.as_deref().unwrap_or("—"),
            h.as_deref().unwrap_or("—")
        ),
        DriftCode::DriftMissing => match w {
            Some(w) => format!("missing  want {w}"),
            None => "missing".into(),
        },
        DriftCode::DriftExtra => {
            let have = h.map(|h| format!("  have {h}")).unwrap_or_default();
            let kept = if mirror { "" } else { " (kept in merge mode)" };
            format!("extra{have}{kept}")
        }
        DriftCode::Unresolvable => {
            "no object of that name in this org (map it, or create it)".into()
        }
    }
}

/// `lena@x.com @ us   skills  ~ Billing   want 4  have 2`, one line per item.
fn draw_diff(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let d = &app.drift;
    let width = area.width as usize;
    let mut lines = vec![Line::from(Span::styled("─".repeat(width), t.dim()))];
    let Some(pair) = d.selected() else {
        f.render_widget(Paragraph::new(lines), area);
        return;
    };
    let mirror = d.report().is_some_and(|r| r.mirror);
    let who = sanitize(&format!("{} @ {}", pair.email, pair.org)).into_owned();
    let who_w = who.chars().count().min(width / 3);
    let items = d.diff_items();
    if items.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", pad(&who, who_w)), t.key()),
            Span::styled("  in sync: nothing differs", t.ok()),
        ]));
    }
    let item_w = items
        .iter()
        .map(|i| i.item.chars().count())
        .max()
        .unwrap_or(0)
        .min(32);
    for (n, i) in items.iter().enumerate() {
        let head = if n == 0 { who.as_str() } else { "" };
        let style = match i.code {
            DriftCode::DriftExtra if !mirror => t.dim(),
            DriftCode::Unresolvable | DriftCode::TargetMissing => t.error(),
            _ => t.warning(),
        };
        lines.push(fit_line(
            vec![
                (format!(" {}  ", pad(head, who_w)), t.key()),
                (format!("{} ", pad(i.group, 11)), Style::new()),
                (
                    format!("{} {}  ", mark(i.code), pad(&sanitize(&i.item), item_w)),
                    style,
                ),
                (values(i, mirror), Style::new()),
            ],
            width,
        ));
    }
    let shown = area.height as usize;
    if lines.len() > shown && shown > 0 {
        let more = lines.len() - shown + 1;
        lines.truncate(shown - 1);
        lines.push(Line::from(Span::styled(
            format!(" … {more} more line(s): filter by group (/) to see them"),
            t.dim(),
        )));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The chrome's org line on the Drift tab: the orgs compared (a drift acts on several).
pub fn org_line(app: &App) -> Vec<(String, Style)> {
    let t = &app.theme;
    let mut parts: Vec<(String, Style)> = vec![("Orgs ".into(), t.key())];
    let Some(r) = app.drift.report() else {
        parts.push(("reading…".into(), t.dim()));
        return parts;
    };
    let orgs: Vec<String> = r
        .orgs
        .iter()
        .map(|o| format!("{} ({})", o.org, o.org_name))
        .collect();
    parts.push((sanitize(&orgs.join(", ")).into_owned(), t.title()));
    parts
}

/// The fix confirmation: who, where, how many requests, and what is not written.
pub fn fix_dialog(app: &App, fix: &DriftFix) -> Dialog {
    let t = &app.theme;
    let plain = Style::new();
    let report = app.drift.report();
    let mirror = report.is_some_and(|r| r.mirror);
    let writable = fix
        .pairs
        .iter()
        .filter(|(o, _)| fix.orgs.contains(o))
        .count();
    let mut body = Vec::new();
    let what = match fix.pairs.as_slice() {
        [(org, email)] => format!("{} in {}", sanitize(email), sanitize(org)),
        _ => format!(
            "{writable} drifted user(s) in {}",
            sanitize(&fix.orgs.join(", "))
        ),
    };
    body.push((
        format!(
            "Reconcile {what} with the reference {} (mode {}): the clone engine adds what is missing and changes what differs{}.",
            sanitize(&report.map(|r| r.reference.describe()).unwrap_or_default()),
            if mirror { "mirror" } else { "merge" },
            if mirror { ", and removes what the reference lacks" } else { "; extras stay" }
        ),
        plain,
    ));
    body.push((
        format!(
            "About {} API requests; then the drift runs again (read-only).",
            fix.requests
        ),
        plain,
    ));
    if !fix.blocked.is_empty() {
        body.push((
            format!(
                "Not written (error findings): {}",
                sanitize(&fix.blocked.join(", "))
            ),
            t.warning(),
        ));
    }
    Dialog {
        title: "Fix the drift?",
        body,
        yes: "fix",
        no: "not now",
    }
}
