//! The text of the Pre-flight findings pane, the row card and the file-level findings,
//! wrapped to a width. One source for the view (which styles and draws it) and for
//! `update` (which sizes the pane and bounds the scrolling), so the two always agree.

use super::app::{Session, action_label};
use super::sent::{not_sent, sent_value};
use super::view::{truncate, wrap_words};
use crate::model::{Finding, Severity, sanitize};

/// How a part of a line is drawn; the view maps it onto the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Title,
    Key,
    Dim,
    Ok,
    Error,
    Warning,
}

/// One screen line: styled parts, already cut or wrapped to the width.
pub type TextLine = Vec<(String, Tone)>;

/// `lead` then `text`, word-wrapped to `width` with continuation lines indented by
/// `indent`; the lead keeps its tone on the first line.
fn wrapped(
    lead: &str,
    lead_tone: Tone,
    text: &str,
    tone: Tone,
    width: usize,
    indent: usize,
) -> Vec<TextLine> {
    let lead_w = lead.chars().count();
    if lead_w > 0 && indent == lead_w {
        // A label column (`  sent   `): the text wraps beside it, its spacing kept.
        return wrap_words(text, width.saturating_sub(indent).max(1), 0)
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                let head = if i == 0 {
                    lead.to_string()
                } else {
                    " ".repeat(indent)
                };
                vec![(head, lead_tone), (line, tone)]
            })
            .collect();
    }
    let full = format!("{lead}{text}");
    wrap_words(&full, width, indent)
        .into_iter()
        .enumerate()
        .map(|(i, line)| match line.strip_prefix(lead) {
            Some(rest) if i == 0 && !lead.is_empty() => {
                vec![(lead.to_string(), lead_tone), (rest.to_string(), tone)]
            }
            _ => vec![(line, tone)],
        })
        .collect()
}

fn finding_lines(f: &Finding, width: usize, indent: usize) -> Vec<TextLine> {
    let (mark, tone) = match f.severity {
        Severity::Error => ("✗", Tone::Error),
        Severity::Warning => ("!", Tone::Warning),
    };
    let field = f
        .field
        .as_deref()
        .map(|x| format!("{}: ", sanitize(x)))
        .unwrap_or_default();
    let mut text = format!("{field}{}", sanitize(&f.message));
    if let Some(sg) = &f.suggestion {
        text.push_str(&format!(" — suggestion: {} (a applies)", sanitize(sg)));
    }
    let lead = format!("{}{mark} {} ", " ".repeat(indent), f.code.as_str());
    wrapped(&lead, tone, &text, Tone::Plain, width, indent + 2)
}

/// The findings pane of row `index` with the cell cursor on column `col`: the cell, then
/// every finding of the row (the cell's first), wrapped — nothing is cut mid-sentence.
pub fn findings_pane(s: &Session, index: usize, col: usize, width: usize) -> Vec<TextLine> {
    let Some(r) = s.list.rows.get(index) else {
        return Vec::new();
    };
    let col = col.min(s.list.headers.len().saturating_sub(1));
    let head = sanitize(s.list.headers.get(col).map(String::as_str).unwrap_or("")).into_owned();
    let value = sanitize(r.cells.get(col).unwrap_or_default()).into_owned();
    let room = width.saturating_sub(head.chars().count() + 6);
    let mut lines = vec![vec![
        ("◀ ".to_string(), Tone::Dim),
        (head, Tone::Key),
        (" ▶ ".to_string(), Tone::Dim),
        (truncate(&value, room), Tone::Plain),
    ]];
    let mut findings: Vec<_> = s.findings_of(index).collect();
    findings.sort_by_key(|f| (s.finding_col(f) != Some(col), f.severity));
    if s.skipped.contains(&index) {
        lines.extend(wrapped(
            "",
            Tone::Dim,
            "skipped: the row stays in the list and will not run (s unskips; w saves it as action skip)",
            Tone::Dim,
            width,
            2,
        ));
    } else if findings.is_empty() {
        lines.push(vec![("no findings: this row is ready".into(), Tone::Ok)]);
    }
    for f in findings {
        lines.extend(finding_lines(f, width, 0));
    }
    if let Some(p) = s.result.plan.rows.get(index).filter(|p| p.row == r.row)
        && !p.diff.is_empty()
    {
        let diff: Vec<String> = p
            .diff
            .iter()
            .map(|d| format!("{}: {} → {}", d.field, sanitize(&d.from), sanitize(&d.to)))
            .collect();
        lines.extend(wrapped(
            "update: ",
            Tone::Dim,
            &diff.join("; "),
            Tone::Dim,
            width,
            2,
        ));
    }
    lines
}

/// The row card of row `index`: every column with its raw value, the value that will be
/// sent, and that cell's findings; then the row's findings that name no column.
pub fn row_card(s: &Session, index: usize, width: usize) -> Vec<TextLine> {
    let Some(r) = s.list.rows.get(index) else {
        return Vec::new();
    };
    let mut lines = vec![vec![
        (format!("row {} · line {} · ", r.row, r.line), Tone::Dim),
        (action_label(s.status(index)).to_string(), Tone::Title),
    ]];
    let why = not_sent(s, index);
    if let Some(why) = why {
        lines.extend(wrapped("", Tone::Dim, why, Tone::Dim, width, 2));
    }
    let findings: Vec<&Finding> = s.findings_of(index).collect();
    for (col, head) in s.list.headers.iter().enumerate() {
        lines.push(Vec::new());
        lines.push(vec![(sanitize(head).into_owned(), Tone::Title)]);
        let raw = r.cells.get(col).unwrap_or_default();
        let raw = if raw.is_empty() { "(empty)" } else { raw };
        lines.extend(wrapped(
            "  value  ",
            Tone::Key,
            &sanitize(raw),
            Tone::Plain,
            width,
            9,
        ));
        // A row that sends nothing says so once, above.
        if why.is_none() {
            lines.extend(wrapped(
                "  sent   ",
                Tone::Key,
                &sanitize(&sent_value(s, index, col)),
                Tone::Plain,
                width,
                9,
            ));
        }
        for f in findings.iter().filter(|f| s.finding_col(f) == Some(col)) {
            lines.extend(finding_lines(f, width, 2));
        }
    }
    let loose: Vec<_> = findings
        .iter()
        .filter(|f| s.finding_col(f).is_none())
        .collect();
    if !loose.is_empty() {
        lines.push(Vec::new());
        lines.push(vec![("the row as a whole".into(), Tone::Title)]);
        for f in loose {
            lines.extend(finding_lines(f, width, 2));
        }
    }
    lines
}

/// The findings about the file rather than a row (columns, trunk capacity, personas).
pub fn file_card(s: &Session, width: usize) -> Vec<TextLine> {
    let findings = s.file_findings();
    if findings.is_empty() {
        return vec![vec![(
            "no findings about the file as a whole".into(),
            Tone::Ok,
        )]];
    }
    findings
        .iter()
        .flat_map(|f| finding_lines(f, width, 0))
        .collect()
}
