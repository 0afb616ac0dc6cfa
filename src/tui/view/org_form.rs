//! Screen 1 in Clone and Drift mode: the form that fills a request (source org, reference,
//! include groups, merge/mirror, target orgs, target users, map file, create-missing), and
//! one progress row per org while the request is prepared.

use super::truncate;
use crate::model::sanitize;
use crate::tui::app::{
    App, CREATABLE, FormField, GROUPS, LoadMode, MultiOrgForm, UsersKind, org_name,
};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

const LABEL_W: usize = 11;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let l = &app.load;
    let form = &l.form;
    let orgs = l.targets.len();
    let fields = form.fields(l.mode, orgs);
    let current = form.current(l.mode, orgs);
    let form_h = (fields.len() as u16 + 4).min(area.height.saturating_sub(3));
    let [top, rest] =
        Layout::vertical([Constraint::Length(form_h), Constraint::Min(0)]).areas(area);
    let inner_w = top.width.saturating_sub(2) as usize;
    let mut lines = vec![mode_line(app)];
    let mut cursor = None;
    for (i, field) in fields.iter().enumerate() {
        let selected = *field == current && !l.loading;
        let label_style = if selected { t.selected() } else { t.key() };
        let mark = if selected { "›" } else { " " };
        let mut spans = vec![Span::styled(
            format!("{mark}{:<w$}", form.label(*field), w = LABEL_W - 1),
            label_style,
        )];
        let room = inner_w.saturating_sub(LABEL_W + 1);
        match form.input(*field) {
            Some(input) => {
                let value = sanitize(input.value()).into_owned();
                let scroll = input.visual_scroll(room);
                let shown: String = value.chars().skip(scroll).take(room).collect();
                if shown.is_empty() {
                    spans.push(Span::styled(
                        truncate(placeholder(form, *field, l.mode, orgs), room),
                        t.dim(),
                    ));
                } else {
                    spans.push(Span::raw(format!(" {shown}")));
                }
                if selected {
                    let x = input.visual_cursor().saturating_sub(scroll) + LABEL_W + 1;
                    cursor = Some((x as u16, i as u16 + 1));
                }
            }
            None => spans.extend(choice_spans(app, form, *field, selected, room)),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled(
        truncate(
            if l.loading {
                "preparing… (Esc stops)"
            } else {
                "↑/↓ line · ←/→ choose · Space toggle · Enter prepares · F3 mode · F1 help"
            },
            inner_w,
        ),
        t.dim(),
    )));
    let title = match l.mode {
        LoadMode::Drift => " Drift: compare users of other orgs with a reference ",
        _ => " Clone: copy a reference user to users of other orgs ",
    };
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(title, t.title()))),
        top,
    );
    if let Some((x, y)) = cursor
        && app.overlay.is_none()
    {
        let cx = (top.x + 1 + x).min(top.right().saturating_sub(2));
        f.set_cursor_position((cx, top.y + 1 + y));
    }
    draw_progress(f, app, rest);
}

/// `Mode  Hire list · [Clone] · Drift · Queues`.
pub fn mode_line(app: &App) -> Line<'static> {
    let t = &app.theme;
    let mut spans = vec![Span::styled(
        format!("{:<w$}", "Mode", w = LABEL_W),
        t.key(),
    )];
    let modes = [
        LoadMode::Hires,
        LoadMode::Clone,
        LoadMode::Drift,
        LoadMode::Queues,
    ];
    for (i, m) in modes.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        let style = if *m == app.load.mode {
            t.tab_active()
        } else {
            t.dim()
        };
        spans.push(Span::styled(m.title().to_string(), style));
    }
    spans.push(Span::styled("  (F3)", t.dim()));
    Line::from(spans)
}

fn placeholder(form: &MultiOrgForm, field: FormField, mode: LoadMode, orgs: usize) -> &'static str {
    match field {
        FormField::Reference if form.source >= orgs => " (the persona's name)",
        FormField::Reference => " (the reference user's email in the source org)",
        FormField::Personas => " (a personas file: personas.csv)",
        FormField::Baseline if mode == LoadMode::Drift => {
            " (optional: a hire list, each row its own reference)"
        }
        FormField::UsersText if form.users == UsersKind::List => " (a hire list of targets)",
        FormField::UsersText => " (emails, comma-separated)",
        FormField::Map => " (none: the mapping actions create clone-map.csv)",
        _ => "",
    }
}

/// The first item a checkbox line of these item widths shows so that item `keep` fits in
/// `room` (one column goes to the lead-in, one to a closing `…`).
fn first_shown(widths: &[usize], keep: usize, room: usize) -> usize {
    let mut first = 0;
    while first < keep
        && 2 + widths[first..=keep.min(widths.len().saturating_sub(1))]
            .iter()
            .sum::<usize>()
            > room
    {
        first += 1;
    }
    first
}

/// The spans of a choice or checkbox line; the item under ←/→ is marked when selected.
fn choice_spans(
    app: &App,
    form: &MultiOrgForm,
    field: FormField,
    selected: bool,
    room: usize,
) -> Vec<Span<'static>> {
    let t = &app.theme;
    let l = &app.load;
    let boxes = |items: Vec<(String, bool)>| -> Vec<Span<'static>> {
        let texts: Vec<String> = items
            .iter()
            .map(|(name, on)| format!("[{}] {} ", if *on { "x" } else { " " }, sanitize(name)))
            .collect();
        let widths: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
        // The item under ←/→ is always shown: the line starts late enough to reach it.
        let first = first_shown(&widths, if selected { form.item } else { 0 }, room);
        let mut out = vec![Span::raw(if first > 0 { "…" } else { " " })];
        let mut used = 1;
        for (i, text) in texts.into_iter().enumerate().skip(first) {
            if used + widths[i] > room {
                out.push(Span::styled("…", t.dim()));
                break;
            }
            used += widths[i];
            let style = if selected && i == form.item {
                t.selected()
            } else if items[i].1 {
                Style::new()
            } else {
                t.dim()
            };
            out.push(Span::styled(text, style));
        }
        out
    };
    match field {
        FormField::Source => {
            let name = match l.targets.get(form.source) {
                Some(o) => format!("‹ {} ›  {}", org_name(o), o.label),
                None => "‹ personas file ›".to_string(),
            };
            vec![Span::raw(format!(" {}", truncate(&sanitize(&name), room)))]
        }
        FormField::Include => boxes(
            GROUPS
                .iter()
                .zip(form.include)
                .map(|(g, on)| (g.to_string(), on))
                .collect(),
        ),
        FormField::CreateMissing => boxes(
            CREATABLE
                .iter()
                .zip(form.create)
                .map(|(g, on)| (g.to_string(), on))
                .collect(),
        ),
        FormField::Targets => boxes(
            l.targets
                .iter()
                .enumerate()
                .map(|(i, o)| (org_name(o), form.targets.get(i).copied().unwrap_or(false)))
                .collect(),
        ),
        FormField::Mode => {
            let (merge, mirror) = if form.mirror {
                (
                    "( ) merge",
                    "(•) mirror: also remove what the reference lacks",
                )
            } else {
                ("(•) merge: add and change, never remove", "( ) mirror")
            };
            vec![Span::raw(format!(
                " {}",
                truncate(&format!("{merge}  {mirror}"), room)
            ))]
        }
        FormField::Users => vec![Span::raw(format!(" ‹ {} ›", form.users.label()))],
        _ => Vec::new(),
    }
}

/// Clone mode: one row per org (and the reference) while the request is prepared, then
/// each prepared org's check and run. Only the Clone's own state: never a hire list's load.
fn draw_progress(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let l = &app.load;
    let mut lines: Vec<Line> = Vec::new();
    let progress = if l.mode == LoadMode::Clone {
        Some(&l.org_progress).filter(|p| !p.is_empty())
    } else {
        None
    };
    match (progress, l.mode) {
        (None, LoadMode::Clone) => lines.push(Line::from(Span::styled(
            "each target org is read and checked at once, one row per org here",
            t.dim(),
        ))),
        (None, _) => lines.push(Line::from(Span::styled(
            "every target org is read at once; the Drift tab shows the result",
            t.dim(),
        ))),
        (Some(_), _) => {}
    }
    // The reference first (it is read first), then the orgs by name.
    let mut rows: Vec<_> = progress.into_iter().flat_map(|p| p.values()).collect();
    rows.sort_by_key(|p| p.resource != "reference");
    for p in rows {
        let entry = p
            .resource
            .strip_prefix("org ")
            .and_then(|name| app.orgs.as_ref()?.orgs.iter().find(|o| o.profile == name));
        let (mark, style, state) = match entry {
            Some(o) if p.done && !l.loading => ("✓", t.ok(), o.state()),
            _ if p.done => ("✓", t.ok(), "read and checked".to_string()),
            _ => ("…", t.warning(), "reading".to_string()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {mark} "), style),
            Span::raw(format!(
                "{:<16} {}",
                truncate(&sanitize(&p.resource), 16),
                sanitize(&state)
            )),
        ]));
    }
    if let Some(e) = &l.error {
        lines.push(Line::from(Span::styled(
            sanitize(e).into_owned(),
            t.error(),
        )));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Orgs ", t.title()))),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::first_shown;

    #[test]
    fn the_line_starts_late_enough_to_show_the_item_under_the_cursor() {
        let w = [10, 11, 14, 11, 13, 13, 16];
        assert_eq!(first_shown(&w, 0, 64), 0);
        assert_eq!(first_shown(&w, 4, 64), 0, "10+11+14+11+13+2 fits in 64");
        assert_eq!(first_shown(&w, 6, 64), 3, "11+13+13+16+2 = 55");
        assert_eq!(first_shown(&w, 6, 200), 0);
        assert_eq!(first_shown(&w, 6, 10), 6, "alone even when too wide");
    }
}
