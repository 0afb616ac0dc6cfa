//! Views: pure functions of `&App` onto a frame. One per screen plus the chrome and modals.

mod card;
mod confirm;
mod drift;
mod failures;
mod help;
mod load;
mod org_form;
mod orgs;
mod plan;
mod preflight;
mod preflight_cols;
pub mod queues;
mod run;

use super::app::{App, Overlay, PromptKind, Screen, StatusKind};
use super::detail::{TextLine, Tone};
use super::keys;
use super::layout;
use crate::model::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Tab titles as drawn (`1 Load`, `2 Pre-flight`, …), also used for mouse hit-testing.
pub fn tab_titles() -> Vec<String> {
    Screen::tab_titles()
}

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    let c = layout::chrome(area);
    draw_header(f, app, c.header);
    draw_tabs(f, app, c.tabs);
    match app.screen {
        Screen::Load if app.load.mode.multi_org() => org_form::draw(f, app, c.body),
        Screen::Load => load::draw(f, app, c.body),
        _ if app.clone_shown() => {
            if let Some(s) = &app.orgs {
                orgs::draw(f, app, s, c.body);
            }
        }
        Screen::Preflight if app.queues.as_ref().is_some_and(|q| q.shown) => {
            queues::draw(f, app, c.body)
        }
        Screen::Preflight => preflight::draw(f, app, c.body),
        Screen::Plan => plan::draw(f, app, c.body),
        Screen::Run => run::draw(f, app, c.body),
        Screen::Failures => failures::draw(f, app, c.body),
        Screen::Drift => drift::draw(f, app, c.body),
    }
    draw_status(f, app, c.status);
    draw_hints(f, app, c.hints);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::draw(f, app, c.body, *scroll),
        Some(Overlay::Confirm(q)) => confirm::draw(f, app, area, q),
        Some(Overlay::Drilldown { row }) => failures::draw_drilldown(f, app, c.body, *row),
        Some(Overlay::Card { card, scroll }) => card::draw(f, app, c.body, *card, *scroll),
        None => {}
    }
}

/// The org every screen acts on: name, region or URL, profile (and id when there is room).
/// The simulated org says so; a real one has no such mark.
fn draw_header(f: &mut Frame, app: &App, area: Rect) {
    if app.screen == Screen::Drift {
        let parts = drift::org_line(app);
        f.render_widget(Paragraph::new(fit_line(parts, area.width as usize)), area);
        return;
    }
    let t = &app.theme;
    if let Some(s) = &app.orgs {
        let parts = orgs::header_parts(app, s);
        f.render_widget(Paragraph::new(fit_line(parts, area.width as usize)), area);
        return;
    }
    let org = app.org();
    let mut parts: Vec<(String, Style)> = vec![("Org ".into(), t.key())];
    let name = match (org.name, org.id, org.target) {
        (Some(n), _, _) => n.to_string(),
        (None, Some(id), _) => id.to_string(),
        (None, None, Some(_)) if !org.loaded => "not loaded yet".into(),
        (None, None, Some(_)) => "unnamed".into(),
        (None, None, None) => "none configured (use --profile, --region or --api-url)".into(),
    };
    let name_style = if org.loaded { t.title() } else { t.dim() };
    parts.push((sanitize(&name).into_owned(), name_style));
    if org.simulated() {
        parts.push((" (simulated)".into(), t.warning()));
    }
    if let Some(target) = org.target {
        if !target.place.is_empty() {
            let what = if target.place.contains("://") {
                "URL"
            } else {
                "Region"
            };
            parts.push((format!("  {what} "), t.key()));
            parts.push((sanitize(&target.place).into_owned(), Style::new()));
        }
        parts.push(("  Profile ".into(), t.key()));
        let profile = target.profile.as_deref().unwrap_or("none");
        parts.push((sanitize(profile).into_owned(), Style::new()));
    }
    if let Some(id) = org.id.filter(|_| org.name.is_some()) {
        parts.push(("  Id ".into(), t.key()));
        parts.push((sanitize(id).into_owned(), t.dim()));
    }
    f.render_widget(Paragraph::new(fit_line(parts, area.width as usize)), area);
}

/// One line of styled parts cut to `width` columns; a cut part ends in `…`.
pub fn fit_line(parts: Vec<(String, Style)>, width: usize) -> Line<'static> {
    let mut left = width;
    let mut spans = Vec::new();
    for (text, style) in parts {
        if left == 0 {
            break;
        }
        let shown = truncate(&text, left);
        left -= shown.chars().count();
        spans.push(Span::styled(shown, style));
    }
    Line::from(spans)
}

fn draw_tabs(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let mut spans = Vec::new();
    for (i, title) in tab_titles().into_iter().enumerate() {
        // The Drift tab shows once there is a drift (the other tabs keep their places).
        if Screen::ALL[i] == Screen::Drift && !app.drift.available() {
            continue;
        }
        let style = if Screen::ALL[i] == app.screen {
            t.tab_active()
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!(" {title} "), style));
        spans.push(Span::raw(" "));
    }
    let right = match &app.session {
        Some(s) => {
            let name = s
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{}{}", sanitize(&name), if s.unsaved { " *" } else { "" })
        }
        None => String::new(),
    };
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let room = (area.width as usize).saturating_sub(used + 1);
    if room > 3 && !right.is_empty() {
        let r = truncate(&right, room);
        let pad = room.saturating_sub(r.chars().count());
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(r, t.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    if let Some(p) = &app.prompt {
        let label = match &p.kind {
            PromptKind::Filter { .. } => {
                "filter (text, code:NAME, error, warning, skipped): ".to_string()
            }
            PromptKind::Edit { index, col } => {
                let (row, head) = app
                    .session
                    .as_ref()
                    .map(|s| {
                        (
                            s.list.rows.get(*index).map(|r| r.row).unwrap_or(0),
                            s.list.headers.get(*col).cloned().unwrap_or_default(),
                        )
                    })
                    .unwrap_or_default();
                format!("edit row {row} {}: ", sanitize(&head))
            }
            PromptKind::PlanFilter { .. } => {
                "filter the plan (email, name, action, change): ".into()
            }
            PromptKind::FailureFilter { .. } => {
                "filter failures (code, queue, role, email, row): ".to_string()
            }
            PromptKind::QueueFilter { .. } => {
                "filter queues (text, code:NAME, error, warning, skipped): ".to_string()
            }
            PromptKind::QueueEdit { index, col } => queues::edit_label(app, *index, *col),
            PromptKind::SaveAs => "save the edited list as: ".into(),
            PromptKind::Export if app.screen == Screen::Drift => {
                "export the drift (JSON, and a CSV beside it) to: ".into()
            }
            PromptKind::Export => "export the report (JSON) to: ".into(),
            PromptKind::DriftFilter { .. } => "filter (group or code): ".into(),
        };
        let label = truncate(&label, (area.width as usize) / 2);
        let lw = label.chars().count() as u16;
        let width = area.width.saturating_sub(lw + 1) as usize;
        let value = sanitize(p.input.value()).into_owned();
        let scroll = p.input.visual_scroll(width);
        let shown: String = value.chars().skip(scroll).take(width).collect();
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, t.key()),
                Span::raw(shown),
            ])),
            area,
        );
        let cx = area.x + lw + (p.input.visual_cursor().saturating_sub(scroll)) as u16;
        f.set_cursor_position((cx.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    // Work running off the input loop shows until it is done, whatever else was said.
    if let Some(p) = app.busy() {
        let text = format!(
            "⟳ {}… ({} rows re-checking; moving and looking work, changes wait)",
            p.doing, p.rows
        );
        let text = truncate(&sanitize(&text), area.width as usize);
        f.render_widget(Paragraph::new(Span::styled(text, t.warning())), area);
        return;
    }
    let (style, text) = match &app.status {
        Some((StatusKind::Error, s)) => (t.error(), s.as_str()),
        Some((StatusKind::Info, s)) => (Style::new(), s.as_str()),
        None => (Style::new(), ""),
    };
    let text = truncate(&sanitize(text), area.width as usize);
    f.render_widget(Paragraph::new(Span::styled(text, style)), area);
}

fn draw_hints(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let all = keys::hints(&app.contexts(), |a| app.offered(a));
    let width = area.width as usize;
    let piece = |(k, h): &(String, &str)| k.chars().count() + 1 + h.chars().count() + 2;
    // The last two (help and quit, from the outer context) always keep their place; the
    // screen's own hints fill what is left, in the key table's order.
    let tail = all.len().saturating_sub(2);
    let reserved: usize = all[tail..].iter().map(piece).sum();
    let mut used = 0usize;
    let mut shown = Vec::new();
    for (i, h) in all.iter().enumerate() {
        let room = if i < tail {
            width.saturating_sub(reserved)
        } else {
            width
        };
        if used + piece(h) > room {
            if i < tail {
                continue;
            }
            break;
        }
        used += piece(h);
        shown.push(h.clone());
    }
    let mut spans = Vec::new();
    for (k, h) in shown {
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::raw(format!(" {h}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Shared text (see [`crate::tui::detail`]) in the theme's styles.
pub fn styled_lines(app: &App, lines: Vec<TextLine>) -> Vec<Line<'static>> {
    let t = &app.theme;
    lines
        .into_iter()
        .map(|parts| {
            Line::from(
                parts
                    .into_iter()
                    .map(|(text, tone)| {
                        let style = match tone {
                            Tone::Plain => Style::new(),
                            Tone::Title => t.title(),
                            Tone::Key => t.key(),
                            Tone::Dim => t.dim(),
                            Tone::Ok => t.ok(),
                            Tone::Error => t.error(),
                            Tone::Warning => t.warning(),
                        };
                        Span::styled(text, style)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// Cut `s` to `width` display chars with an ellipsis.
pub fn truncate(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    // `Customer…`, not `Customer …`: the mark sits on the cut.
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Word-wrap `text` to `width` columns; continuation lines start with `indent` spaces. A word
/// longer than a line is split. Always at least one line.
pub fn wrap_words(text: &str, width: usize, indent: usize) -> Vec<String> {
    let width = width.max(indent + 1);
    if text.chars().count() <= width {
        return vec![text.to_string()];
    }
    let lead = text.len() - text.trim_start().len();
    let mut lines = Vec::new();
    let mut cur = text[..lead].to_string();
    let mut cur_w = cur.chars().count();
    let mut fresh = true;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let sep = usize::from(!fresh);
            if cur_w + sep + word.len() <= width {
                if !fresh {
                    cur.push(' ');
                }
                cur.extend(word.iter());
                cur_w += sep + word.len();
                fresh = false;
                break;
            }
            if !fresh || cur_w > indent {
                lines.push(std::mem::replace(&mut cur, " ".repeat(indent)));
                cur_w = indent;
                fresh = true;
                continue;
            }
            // A word wider than a whole line: fill the line with its head.
            let room = width - cur_w;
            let rest = word.split_off(room.min(word.len()));
            cur.extend(word.iter());
            lines.push(std::mem::replace(&mut cur, " ".repeat(indent)));
            cur_w = indent;
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !fresh || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn wrap_words_keeps_lines_within_width_and_indents_continuations() {
        let w = wrap_words("the quick brown fox jumps over the lazy dog", 15, 2);
        assert_eq!(
            w,
            ["the quick brown", "  fox jumps", "  over the lazy", "  dog"]
        );
        assert!(
            wrap_words("abcdefghijklmnopqrstuvwxyz", 10, 2)
                .iter()
                .all(|l| l.chars().count() <= 10)
        );
        assert_eq!(wrap_words("abcdefghijkl", 10, 2), ["abcdefghij", "  kl"]);
        assert_eq!(
            wrap_words("  create  3", 20, 2),
            ["  create  3"],
            "fits: unchanged"
        );
        assert_eq!(wrap_words("", 10, 2), [""]);
    }
}
