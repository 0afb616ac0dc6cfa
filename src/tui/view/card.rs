//! The row card (every column of a row: its raw value, the value that will be sent, its
//! findings) and the file-level findings, as one scrollable dialog over Pre-flight.

use super::styled_lines;
use crate::model::sanitize;
use crate::tui::app::{App, Card};
use crate::tui::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn draw(f: &mut Frame, app: &App, body: Rect, card: Card, scroll: usize) {
    let t = &app.theme;
    let lines = app.card_lines(card);
    // As tall as its lines, up to the body (where `update` bounds the scrolling).
    let full = layout::card(body);
    let h = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(full.height);
    let r = layout::centered(body, full.width, h);
    let page = r.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(page));
    let more = if lines.len() > page {
        format!(
            " {}–{} of {} ",
            scroll + 1,
            (scroll + page).min(lines.len()),
            lines.len()
        )
    } else {
        String::new()
    };
    let title = match (card, &app.session) {
        (Card::Row(i), Some(s)) => {
            let email = s.cell(i, crate::model::Field::Email);
            format!(
                " Row {} {} ",
                s.list.rows.get(i).map(|r| r.row).unwrap_or(0),
                sanitize(email)
            )
        }
        _ => " Findings about the file ".to_string(),
    };
    let shown: Vec<_> = lines.into_iter().skip(scroll).take(page).collect();
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(styled_lines(app, shown)).block(
            Block::bordered()
                .title(Span::styled(
                    super::truncate(&title, r.width.saturating_sub(20) as usize),
                    t.title(),
                ))
                .title_bottom(Span::styled(format!("{more}Esc closes "), t.dim())),
        ),
        r,
    );
}
