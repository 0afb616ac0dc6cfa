//! The `?` help, generated from the key table (the same one dispatch and hints use).

use super::wrap_words;
use crate::tui::app::App;
use crate::tui::keys::help_sections;
use crate::tui::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub fn draw(f: &mut Frame, app: &App, area: Rect, scroll: u16) {
    let t = &app.theme;
    let r = layout::centered(area, 84.min(area.width), area.height);
    f.render_widget(Clear, r);
    // Keys in a column of their own; the text wraps beside it, so no line is cut.
    const KEYS_W: usize = 18;
    let text_w = (r.width as usize).saturating_sub(2 + KEYS_W).max(10);
    let mut lines = Vec::new();
    for (title, keys) in help_sections() {
        lines.push(Line::from(Span::styled(title, t.title())));
        for (k, help) in keys {
            for (i, part) in wrap_words(help, text_w, 0).into_iter().enumerate() {
                let head = if i == 0 {
                    format!("  {k:<16}")
                } else {
                    " ".repeat(KEYS_W)
                };
                lines.push(Line::from(vec![
                    Span::styled(head, t.key()),
                    Span::raw(part),
                ]));
            }
        }
        lines.push(Line::from(""));
    }
    let max = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    let p = Paragraph::new(lines)
        .scroll((scroll.min(max), 0))
        .block(Block::bordered().title(Span::styled(" Keys (↑/↓ scroll, Esc closes) ", t.title())));
    f.render_widget(p, r);
}
