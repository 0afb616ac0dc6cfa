//! The Pre-flight Queues table: cursor, `/` filter, `n`/`N` error jumps, `e` edit with a
//! re-check, `s` skip, `t` back to the Hires table. The keys mirror the Hires table's where
//! they make sense; the table itself lives in [`crate::tui::app::QueueSession`].

use super::*;

pub(super) fn on_queue_table(app: &mut App, a: Action) -> Vec<Cmd> {
    let height = layout::queue_table_rows(app.size);
    let Some(q) = app.queues.as_mut() else {
        return Vec::new();
    };
    if let Some(delta) = ListCursor::delta(a, height) {
        let n = q.table.view.len();
        q.table.cursor.move_by(delta, n, height);
        return Vec::new();
    }
    match a {
        Action::SwitchTable => {
            q.shown = false;
            app.set_info("the Hires table (t: the Queues table)");
        }
        Action::Left => q.table.col = q.table.col.saturating_sub(1),
        Action::Right => {
            let last = q.list.headers.len().saturating_sub(1);
            q.table.col = (q.table.col + 1).min(last);
        }
        Action::NextError | Action::PrevError => jump_to_error(app, a == Action::NextError),
        Action::Filter => {
            let before = q.table.filter.clone();
            app.prompt = Some(Prompt {
                kind: PromptKind::QueueFilter {
                    before: before.clone(),
                },
                input: Input::new(before),
            });
        }
        Action::Back => set_queue_filter(app, ""),
        Action::Edit => edit_selected(app),
        Action::Skip => skip_selected(app),
        _ => app.set_info(
            "on the Queues table: ↑/↓ move, ←/→ cell, / filter, n/N errors, e edit, s skip, t Hires",
        ),
    }
    Vec::new()
}

/// Set the Queues table's filter (live while typing) and say how many rows match.
pub(super) fn set_queue_filter(app: &mut App, filter: &str) {
    let height = layout::queue_table_rows(app.size);
    let Some(q) = app.queues.as_mut() else { return };
    q.table.filter = filter.to_string();
    q.table.cursor.selected = 0;
    q.rebuild_view();
    q.table.cursor.clamp(q.table.view.len(), height);
    if !filter.is_empty() {
        let n = q.table.view.len();
        app.set_info(format!("{n} queue rows match \"{filter}\""));
    }
}

/// `n` / `N`: the next (previous) visible queue row with an error, wrapping around.
fn jump_to_error(app: &mut App, forward: bool) {
    let height = layout::queue_table_rows(app.size);
    let Some(q) = app.queues.as_mut() else { return };
    let n = q.table.view.len();
    let at = q.table.cursor.selected;
    let found = (1..=n)
        .map(|k| {
            if forward {
                (at + k) % n
            } else {
                (at + n - k % n) % n
            }
        })
        .find(|pos| q.counts(q.table.view[*pos]).0 > 0);
    match found {
        Some(pos) => {
            q.table.cursor.select(pos, n, height);
            let index = q.table.view[pos];
            let col = q
                .findings_of(index)
                .find(|f| f.severity == Severity::Error)
                .and_then(|f| q.finding_col(f));
            if let Some(col) = col {
                q.table.col = col;
            }
        }
        None => app.set_info("no queue row with an error"),
    }
}

fn edit_selected(app: &mut App) {
    let Some(q) = &app.queues else { return };
    let Some(index) = q.selected() else {
        app.set_error("no queue row selected");
        return;
    };
    let col = q.table.col;
    app.prompt = Some(Prompt {
        kind: PromptKind::QueueEdit { index, col },
        input: Input::new(q.cell(index, col).to_string()),
    });
}

/// Enter on a queue cell edit: set the cell and re-check the queue list at once.
pub(super) fn commit_queue_edit(app: &mut App, index: usize, col: usize, value: &str) {
    let hires = app
        .session
        .as_ref()
        .map(|s| (s.list.clone(), s.snapshot.clone()));
    let Some(q) = app.queues.as_mut() else { return };
    if q.set_cell(index, col, value).is_none() {
        return;
    }
    let Some((list, snapshot)) = hires else {
        return;
    };
    let list = (!list.rows.is_empty()).then_some(&*list);
    q.recheck(list, &snapshot);
    let (e, w) = q.counts(index);
    let name = crate::model::sanitize(&q.name(index)).into_owned();
    let status = q.status(index).label();
    app.set_info(format!(
        "re-checked queue {name}: {status}, {e} errors, {w} warnings"
    ));
}

fn skip_selected(app: &mut App) {
    let Some(q) = app.queues.as_mut() else { return };
    let Some(index) = q.selected() else { return };
    let skipped = q.toggle_skip(index);
    let name = crate::model::sanitize(&q.name(index)).into_owned();
    app.set_info(if skipped {
        format!("queue {name} skipped: it will not run")
    } else {
        format!("queue {name} unskipped")
    });
}

/// `t` on the Hires table: show the Queues table (when a queue list is loaded).
pub(super) fn show_queue_table(app: &mut App) {
    match app.queues.as_mut() {
        Some(q) => {
            q.shown = true;
            app.set_info("the Queues table (t: the Hires table)");
        }
        None => app.set_info("no queue list loaded: type one on the Load screen (1, then F3)"),
    }
}
