//! Screens 2–5 of a Clone across orgs: Pre-flight (findings per org or all orgs, the
//! Reference panel, the `m` picker), the org × action Plan, one gauge per org on Run, and
//! the failures grouped by org and error code.

use super::truncate;
use crate::model::{Severity, fmt_count, sanitize};
use crate::tui::app::{App, OrgsSession, Screen};
use crate::tui::estimate::{AllowedRate, human_duration};
use crate::tui::layout;
use crate::tui::org_check::missing_item;
use crate::tui::update::{findings_height, picker_matches};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn draw(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    match app.screen {
        Screen::Preflight => draw_preflight(f, app, s, area),
        Screen::Plan => draw_plan(f, app, s, area),
        Screen::Run => draw_run(f, app, s, area),
        Screen::Failures => draw_failures(f, app, s, area),
        Screen::Load | Screen::Drift => {}
    }
    if s.picker.is_some() {
        draw_picker(f, app, s, area);
    }
}

/// The header's org part: every org's badge, the selected one marked.
pub fn header_parts(app: &App, s: &OrgsSession) -> Vec<(String, Style)> {
    let t = &app.theme;
    let mut parts = vec![("Orgs ".to_string(), t.key())];
    for (i, o) in s.orgs.iter().enumerate() {
        if i > 0 {
            parts.push((" · ".into(), t.dim()));
        }
        let style = match &o.check {
            _ if i == s.selected && !(app.screen == Screen::Preflight && s.all) => t.selected(),
            Ok(c) if c.errors() == 0 => t.ok(),
            _ => t.error(),
        };
        parts.push((sanitize(&o.badge()).into_owned(), style));
    }
    parts.push(("  Reference ".into(), t.key()));
    parts.push((sanitize(&s.reference.label).into_owned(), Style::new()));
    parts
}

fn severity_mark(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "✖",
        Severity::Warning => "⚠",
    }
}

fn draw_preflight(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let panel_w = if area.width >= 120 { 44 } else { 28 };
    let [table, panel] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(panel_w)]).areas(area);
    draw_findings(f, app, s, table);
    draw_reference(f, app, s, panel);
}

fn draw_findings(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let t = &app.theme;
    let shown = s.shown_findings();
    let height = findings_height(app.size).min(area.height.saturating_sub(4) as usize);
    let width = area.width.saturating_sub(2) as usize;
    let org_w = s
        .orgs
        .iter()
        .map(|o| o.profile.chars().count())
        .max()
        .unwrap_or(3)
        .clamp(3, 12);
    let mut lines = Vec::new();
    let head = if s.all {
        format!("  {:<org_w$} {:<18} {:<9} message", "org", "code", "field")
    } else {
        format!("  {:<18} {:<9} message", "code", "field")
    };
    lines.push(Line::from(Span::styled(truncate(&head, width), t.header())));
    if shown.is_empty() {
        let what = match s.orgs.get(s.selected).map(|o| &o.check) {
            Some(Err(e)) if !s.all => format!("this org could not be read: {e}"),
            _ => "no findings: nothing stops this org".to_string(),
        };
        lines.push(Line::from(Span::styled(
            truncate(&sanitize(&what), width),
            t.dim(),
        )));
    }
    let offset = s.cursor.offset.min(shown.len());
    for (i, (org, finding)) in shown.iter().enumerate().skip(offset).take(height) {
        let entry = &s.orgs[*org];
        let marked = missing_item(finding).is_some_and(|m| {
            entry
                .create_marked
                .iter()
                .any(|(k, n)| k == m.kind && *n == m.name)
        });
        let mut msg = sanitize(&finding.message).into_owned();
        if marked {
            msg = format!("[create] {msg}");
        }
        let row = finding
            .row
            .map(|r| format!("row {r}: "))
            .unwrap_or_default();
        let field = finding.field.clone().unwrap_or_default();
        let text = if s.all {
            format!(
                "{} {:<org_w$} {:<18} {:<9} {row}{msg}",
                severity_mark(finding.severity),
                truncate(&entry.profile, org_w),
                truncate(finding.code.as_str(), 18),
                truncate(&field, 9),
            )
        } else {
            format!(
                "{} {:<18} {:<9} {row}{msg}",
                severity_mark(finding.severity),
                truncate(finding.code.as_str(), 18),
                truncate(&field, 9),
            )
        };
        let style = if i == s.cursor.selected {
            t.selected()
        } else if finding.severity == Severity::Error {
            t.error()
        } else if finding.severity == Severity::Warning {
            t.warning()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(truncate(&text, width), style)));
    }
    // The selected finding in full, then its item and what the keys do with it.
    if let Some((_, finding)) = s.selected_finding() {
        let used = lines.len() + 1;
        let room = (area.height as usize).saturating_sub(2 + used).min(3);
        let text = format!("{}: {}", finding.code.as_str(), sanitize(&finding.message));
        for l in super::wrap_words(&text, width, 2).into_iter().take(room) {
            lines.push(Line::from(Span::styled(l, t.dim())));
        }
    }
    if let Some((org, finding)) = s.selected_finding()
        && let Some(item) = missing_item(finding)
    {
        let sugg = finding
            .suggestion
            .as_ref()
            .map(|x| format!("a → '{}'  ", sanitize(x)))
            .unwrap_or_default();
        let create = if matches!(item.kind, "skill" | "language") {
            "c create  "
        } else {
            ""
        };
        let line = format!(
            "{} '{}' in {}: {sugg}m pick a name  {create}s drop",
            item.kind,
            sanitize(&item.name),
            sanitize(&s.orgs[org].profile)
        );
        lines.push(Line::from(Span::styled(truncate(&line, width), t.key())));
    }
    let title = match (s.all, s.orgs.get(s.selected)) {
        (true, _) => format!(" Findings · all {} orgs ", s.orgs.len()),
        (false, Some(o)) => match &o.check {
            Ok(c) => format!(" Findings · {} · {} ({}) ", o.profile, c.org_name, c.place),
            Err(_) => format!(" Findings · {} ", o.profile),
        },
        (false, None) => " Findings ".into(),
    };
    f.render_widget(
        Paragraph::new(lines).block(
            Block::bordered().title(Span::styled(truncate(&sanitize(&title), width), t.title())),
        ),
        area,
    );
}

/// The captured persona by group with counts, and the `not_portable` line.
fn draw_reference(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let t = &app.theme;
    let w = area.width.saturating_sub(2) as usize;
    let r = &s.reference;
    let mut lines = vec![Line::from(Span::styled(
        truncate(&sanitize(&r.label), w),
        t.title(),
    ))];
    for finding in r.findings.iter().filter(|f| f.severity == Severity::Error) {
        lines.push(Line::from(Span::styled(
            truncate(&sanitize(&finding.message), w),
            t.error(),
        )));
    }
    if r.groups.is_empty() {
        lines.push(Line::from(Span::styled("nothing captured", t.dim())));
    }
    for (group, names) in &r.groups {
        lines.push(Line::from(vec![
            Span::styled(format!("{group} "), t.key()),
            Span::styled(format!("({})", names.len()), t.dim()),
        ]));
        for n in names {
            lines.push(Line::from(truncate(&format!("  {}", sanitize(n)), w)));
        }
    }
    if let Some(np) = &r.not_portable {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("not_portable: {}", sanitize(np)),
            t.warning(),
        )));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(Span::styled(" Reference ", t.title()))),
        area,
    );
}

/// The org × action matrix, requests and ETA per org at its limit; the total ETA is the
/// longest org's (they run at once).
fn draw_plan(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let t = &app.theme;
    let w = area.width.saturating_sub(2) as usize;
    let wide = w >= 100;
    let mut lines = Vec::new();
    let head = if wide {
        format!(
            "{:<12} {:>7} {:>7} {:>9} {:>7} {:>9} {:>8}  {:<28} state",
            "org", "create", "update", "unchanged", "blocked", "requests", "ETA", "limit"
        )
    } else {
        format!(
            "{:<8} {:>6} {:>6} {:>5} {:>5} {:>6} {:>6} {:>7} state",
            "org", "create", "update", "same", "block", "reqs", "ETA", "limit"
        )
    };
    lines.push(Line::from(Span::styled(truncate(&head, w), t.header())));
    let mut total_requests = 0u64;
    let mut max_eta: f64 = 0.0;
    let mut writing = 0;
    for (i, o) in s.orgs.iter().enumerate() {
        let style = if i == s.selected {
            t.selected()
        } else {
            Style::new()
        };
        let line = match &o.check {
            Err(e) => format!(
                "{:<w1$} could not be read: {}",
                truncate(&o.profile, if wide { 12 } else { 8 }),
                sanitize(e),
                w1 = if wide { 12 } else { 8 }
            ),
            Ok(c) => {
                let state = match (c.blocked(), c.counts.writes(), wide) {
                    (true, _, true) => format!("skipped: {} error(s)", c.errors()),
                    (true, _, false) => format!("skip: {} err", c.errors()),
                    (false, 0, true) => "nothing to change".into(),
                    (false, 0, false) => "no change".into(),
                    (false, _, true) => "will be written".into(),
                    (false, _, false) => "write".into(),
                };
                let per_s = c.allowed.unwrap_or(AllowedRate::DEFAULT).per_s();
                let eta = c.eta_s();
                if !c.blocked() && c.counts.writes() > 0 {
                    total_requests += c.requests;
                    max_eta = max_eta.max(eta);
                    writing += 1;
                }
                if wide {
                    let limit = if c.allowed.is_some() {
                        format!("{per_s:.1}/s")
                    } else {
                        format!("{per_s:.1}/s (default)")
                    };
                    format!(
                        "{:<12} {:>7} {:>7} {:>9} {:>7} {:>9} {:>8}  {:<28} {state}",
                        truncate(&o.profile, 12),
                        c.counts.create,
                        c.counts.update,
                        c.counts.unchanged,
                        c.counts.blocked,
                        fmt_count(c.requests as usize),
                        human_duration(eta),
                        limit
                    )
                } else {
                    format!(
                        "{:<8} {:>6} {:>6} {:>5} {:>5} {:>6} {:>6} {:>7} {state}",
                        truncate(&o.profile, 8),
                        c.counts.create,
                        c.counts.update,
                        c.counts.unchanged,
                        c.counts.blocked,
                        fmt_count(c.requests as usize),
                        human_duration(eta),
                        format!("{per_s:.1}/s"),
                    )
                }
            }
        };
        let style = match &o.check {
            Ok(c) if c.blocked() && i != s.selected => t.error(),
            Err(_) if i != s.selected => t.error(),
            _ => style,
        };
        lines.push(Line::from(Span::styled(truncate(&line, w), style)));
        if let Ok(c) = &o.check
            && !c.creates.is_empty()
        {
            let text = format!("  creates first: {}", c.creates.join(", "));
            lines.push(Line::from(Span::styled(
                truncate(&sanitize(&text), w),
                t.dim(),
            )));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        truncate(
            &format!(
                "{writing} org(s) written · {} requests · ETA {} (the longest org: they run at once)",
                fmt_count(total_requests as usize),
                human_duration(max_eta)
            ),
            w,
        ),
        t.title(),
    )));
    let hint = if s.run_started() {
        "the run has started: 4 shows it"
    } else if writing > 0 {
        "y runs every org to be written (the question names each one); limits: the org's, else 300/min"
    } else {
        "nothing to write: fix the orgs' errors on Pre-flight (2)"
    };
    lines.push(Line::from(Span::styled(truncate(hint, w), t.dim())));
    f.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(Span::styled(" Plan · org × action ", t.title()))),
        area,
    );
}

/// A text gauge: `████░░░░`.
fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn draw_run(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let t = &app.theme;
    let w = area.width.saturating_sub(2) as usize;
    let wide = w >= 120;
    let bar_w = if wide { 30 } else { 8 };
    let mut lines = Vec::new();
    let (mut done, mut rows, mut req, mut throttled, mut retries) = (0, 0, 0u64, 0u64, 0u64);
    let mut rate = 0.0;
    let mut eta: f64 = 0.0;
    for (i, o) in s.orgs.iter().enumerate() {
        let r = &o.run;
        let planned = s.running.contains(&i);
        let state = match (&r.finished, &r.lost) {
            (Some((_, true)), _) => "stopped".to_string(),
            (Some(_), _) if r.failed.is_empty() => "done".to_string(),
            // A retry of some rows: its own failures, then those it left for later.
            (Some(_), _) if !r.carried.is_empty() => format!(
                "done, {} failed (+{} not retried)",
                r.failed.len().saturating_sub(r.carried.len()),
                r.carried.len()
            ),
            (Some(_), _) => format!("done, {} failed", r.failed.len()),
            (None, Some(e)) => format!("lost: {}", sanitize(e)),
            (None, None) if r.paused => "paused".to_string(),
            (None, None) if r.started => "running".to_string(),
            (None, None) if planned => "starting".to_string(),
            (None, None) => "not written".to_string(),
        };
        let limit = r
            .allowed_per_s
            .map(|a| format!("{a:.1}/s"))
            .unwrap_or_else(|| "?".into());
        let org_eta = r
            .eta_s
            .filter(|_| r.active())
            .map(human_duration)
            .unwrap_or_else(|| "—".into());
        // A finished org says what it took; a running one its pace against its limit.
        let pace = if r.finished.is_some() {
            format!("{:>5} req      ", r.stats.requests)
        } else {
            format!("{:>5.1}/s of {:<6}", r.requests_per_s, limit)
        };
        let rows_done = format!("{}/{}", r.rows_done, r.rows);
        let line = if wide {
            format!(
                "{} {:<10} {} {rows_done:>9} {pace} 429s {:<3} retries {:<3} ETA {:<6} {state}",
                if i == s.selected { "›" } else { " " },
                truncate(&o.profile, 10),
                bar(r.rows_done, r.rows, bar_w),
                r.stats.throttled,
                r.stats.retries,
                org_eta,
            )
        } else {
            format!(
                "{}{:<8} {} {rows_done:>7} {pace} 429 {:<2} rt {:<2} {:<5} {state}",
                if i == s.selected { "›" } else { " " },
                truncate(&o.profile, 8),
                bar(r.rows_done, r.rows, bar_w),
                r.stats.throttled,
                r.stats.retries,
                org_eta,
            )
        };
        let style = if r.lost.is_some() || !r.failed.is_empty() {
            t.error()
        } else if r.paused {
            t.warning()
        } else if r.finished.is_some() {
            t.ok()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(truncate(&line, w), style)));
        if planned {
            done += r.rows_done;
            rows += r.rows;
            req += r.stats.requests;
            throttled += r.stats.throttled;
            retries += r.stats.retries;
            if r.active() {
                rate += r.requests_per_s;
                eta = eta.max(r.eta_s.unwrap_or(0.0));
            }
        }
    }
    lines.push(Line::from(""));
    let pace = if s.run_active() {
        format!("{rate:>5.1}/s  ")
    } else {
        String::new()
    };
    let overall = format!(
        "{}{:<w0$} {} {:>w1$} {pace}requests {}  429s {throttled}  retries {retries}  ETA {}",
        if wide { "  " } else { " " },
        "all",
        bar(done, rows, bar_w),
        format!("{done}/{rows}"),
        fmt_count(req as usize),
        if s.run_active() {
            human_duration(eta)
        } else {
            "—".into()
        },
        w0 = if wide { 10 } else { 8 },
        w1 = if wide { 9 } else { 7 },
    );
    lines.push(Line::from(Span::styled(truncate(&overall, w), t.title())));
    if !wide {
        lines.push(Line::from(Span::styled(
            "429: rate-limited answers · rt: retries · p pauses all, P the selected org",
            t.dim(),
        )));
    }
    if !s.run_started() && s.running.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing running: confirm the plan with y on screen 3",
            t.dim(),
        )));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(Span::styled(" Run · per org ", t.title()))),
        area,
    );
}

fn draw_failures(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let t = &app.theme;
    let w = area.width.saturating_sub(2) as usize;
    let rows = s.failure_rows();
    let height = area.height.saturating_sub(2) as usize;
    let mut lines: Vec<(Line, Option<usize>)> = Vec::new();
    if rows.is_empty() {
        lines.push((Line::from(Span::styled("no failed rows", t.dim())), None));
    }
    let mut last: Option<(usize, &str)> = None;
    for (i, (org, code, r)) in rows.iter().enumerate() {
        if last.map(|l| l.0) != Some(*org) {
            let o = &s.orgs[*org];
            let n = o.run.failed.len();
            let name = o
                .check
                .as_ref()
                .map(|c| c.org_name.clone())
                .unwrap_or_default();
            lines.push((
                Line::from(Span::styled(
                    truncate(
                        &sanitize(&format!("{} · {name} — {n} failed", o.profile)),
                        w,
                    ),
                    t.title(),
                )),
                None,
            ));
            last = None;
        }
        if last.map(|l| l.1) != Some(code.as_str()) {
            let n = rows
                .iter()
                .filter(|(o2, c2, _)| o2 == org && c2 == code)
                .count();
            lines.push((
                Line::from(Span::styled(
                    truncate(&format!("  {} ({n})", sanitize(code)), w),
                    t.error(),
                )),
                None,
            ));
        }
        last = Some((*org, code.as_str()));
        let msg = r
            .steps
            .iter()
            .find(|st| st.status == crate::model::StepStatus::Failed)
            .and_then(|st| st.message.clone())
            .unwrap_or_default();
        let text = format!("    row {} {} — {}", r.row, r.email, msg);
        let style = if i == s.failures.selected {
            t.selected()
        } else {
            Style::new()
        };
        lines.push((
            Line::from(Span::styled(truncate(&sanitize(&text), w), style)),
            Some(i),
        ));
    }
    // Keep the selected row in view.
    let sel_line = lines
        .iter()
        .position(|(_, i)| *i == Some(s.failures.selected))
        .unwrap_or(0);
    let skip = sel_line.saturating_sub(height.saturating_sub(1));
    let shown: Vec<Line> = lines.into_iter().skip(skip).map(|(l, _)| l).collect();
    f.render_widget(
        Paragraph::new(shown).block(Block::bordered().title(Span::styled(
            " Failures · by org, then error code (Enter: steps · r retry · R all) ",
            t.title(),
        ))),
        area,
    );
}

fn draw_picker(f: &mut Frame, app: &App, s: &OrgsSession, area: Rect) {
    let t = &app.theme;
    let Some(p) = &s.picker else { return };
    let width = area.width.saturating_sub(8).min(60);
    let height = area.height.saturating_sub(2).min(16);
    let r = layout::centered(area, width, height);
    f.render_widget(Clear, r);
    let inner = width.saturating_sub(2) as usize;
    let org = s.orgs.get(p.org).map(|o| o.profile.as_str()).unwrap_or("");
    let mut lines = vec![
        Line::from(Span::styled(
            truncate(
                &sanitize(&format!("map {} '{}' in {org} to:", p.kind, p.source)),
                inner,
            ),
            t.key(),
        )),
        Line::from(vec![
            Span::styled("› ", t.key()),
            Span::raw(sanitize(p.query.value()).into_owned()),
        ]),
    ];
    let matches = picker_matches(s, p);
    let room = (height as usize).saturating_sub(5);
    let start = p.selected.saturating_sub(room.saturating_sub(1));
    for (i, name) in matches.iter().enumerate().skip(start).take(room) {
        let style = if i == p.selected {
            t.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            truncate(&format!("  {}", sanitize(name)), inner),
            style,
        )));
    }
    if matches.is_empty() {
        lines.push(Line::from(Span::styled("  no name matches", t.dim())));
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(
            " Map to (type to filter, Enter picks, Esc) ",
            t.title(),
        ))),
        r,
    );
    let cx = r.x + 3 + p.query.visual_cursor() as u16;
    f.set_cursor_position((cx.min(r.right().saturating_sub(2)), r.y + 2));
}
