//! Mouse: scrolling and clicks on tabs, the table and the failures list.

use super::*;

pub(super) fn on_mouse(app: &mut App, ev: MouseEvent) -> Vec<Cmd> {
    if app.prompt.is_some() || matches!(app.overlay, Some(Overlay::Confirm(_))) {
        return Vec::new();
    }
    let key = |a: Action| -> Option<Action> { Some(a) };
    let action = match ev.kind {
        MouseEventKind::ScrollDown => key(Action::Down),
        MouseEventKind::ScrollUp => key(Action::Up),
        MouseEventKind::Down(MouseButton::Left) => {
            click(app, ev.column, ev.row);
            None
        }
        _ => None,
    };
    if let Some(a) = action {
        for _ in 0..3 {
            match (&app.overlay, app.screen) {
                (Some(Overlay::Help { .. } | Overlay::Card { .. }), _) => {
                    let o = app.overlay.clone();
                    if let Some(o) = o {
                        on_overlay(app, o, a);
                    }
                }
                (Some(_), _) => {}
                (None, Screen::Preflight) => {
                    on_preflight(app, a);
                }
                (None, Screen::Failures) => {
                    on_failures(app, a);
                }
                (None, Screen::Drift) => {
                    on_drift(app, a);
                }
                _ => {}
            }
        }
    }
    Vec::new()
}

pub(super) fn click(app: &mut App, x: u16, y: u16) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let chrome = layout::chrome(area);
    let pos = Position::new(x, y);
    if app.overlay.is_some() {
        return;
    }
    if chrome.tabs.contains(pos) {
        let titles = Screen::tab_titles();
        for (i, (a, b)) in layout::tab_ranges(&titles).into_iter().enumerate() {
            if x >= a
                && x < b
                && let Some(s) = Screen::ALL.get(i)
            {
                goto(app, *s);
            }
        }
        return;
    }
    match app.screen {
        Screen::Preflight => {
            let t = app.preflight_layout().table;
            if t.contains(pos) && y > t.y {
                let pos = app.table.cursor.offset + (y - t.y - 1) as usize;
                if pos < app.table.view.len() {
                    app.table.cursor.selected = pos;
                    clamp_table(app);
                    focus_first_finding(app);
                }
            }
        }
        Screen::Failures => {
            let (list, _) = layout::failures(chrome.body);
            if list.contains(pos) && y > list.y {
                let line = app.failures.cursor.offset + (y - list.y - 1) as usize;
                if line < app.failure_items().len() {
                    app.failures.cursor.selected = line;
                    clamp_failures(app);
                }
            }
        }
        _ => {}
    }
}
