//! The Failures screen: its cursor and filter, retry, skip, edit-and-retry, export.

use super::*;

pub(super) fn on_failures(app: &mut App, a: Action) -> Vec<Cmd> {
    if let Some(delta) = ListCursor::delta(a, layout::failure_rows(app.size)) {
        move_failures(app, delta);
        return Vec::new();
    }
    let items = app.failure_items();
    let line = app.failures.cursor.selected;
    let sel_row = match items.get(line) {
        Some(FailureItem::Row { row }) => Some(*row),
        _ => None,
    };
    let heading = heading_label(&items, line);
    match a {
        Action::Filter => {
            app.prompt = Some(Prompt {
                kind: PromptKind::FailureFilter {
                    before: app.failures.filter.clone(),
                },
                input: Input::new(app.failures.filter.clone()),
            });
        }
        Action::Back if !app.failures.filter.is_empty() => {
            app.failures.filter.clear();
            app.failures.cursor.selected = first_row_line(&app.failure_items());
            clamp_failures(app);
        }
        Action::Open => {
            if let Some(row) = sel_row {
                app.overlay = Some(Overlay::Drilldown { row });
            }
        }
        Action::Retry => match (sel_row, heading) {
            (Some(row), _) => return retry_rows(app, &[row]),
            (None, Some(what)) => {
                let rows = rows_under(&items, line);
                app.overlay = Some(Overlay::Confirm(Question::RetryAll {
                    rows,
                    what: Some(what),
                }));
            }
            _ => {}
        },
        Action::RetryAll => {
            let rows = app.failed_rows();
            if rows.is_empty() {
                app.set_info("no failed rows to retry");
            } else {
                let what = (!app.failures.filter.is_empty())
                    .then(|| format!("the rows matching \"{}\"", app.failures.filter.trim()));
                app.overlay = Some(Overlay::Confirm(Question::RetryAll { rows, what }));
            }
        }
        Action::EditRetry => {
            if let Some(row) = sel_row {
                edit_then_retry(app, row);
            }
        }
        Action::SkipFailed => match (sel_row, heading) {
            (Some(row), _) => return skip_failed(app, &[row], None),
            (None, Some(what)) => {
                let rows = rows_under(&items, line);
                app.overlay = Some(Overlay::Confirm(Question::SkipFailed { what, rows }));
            }
            _ => {}
        },
        Action::Export => {
            if app.report.is_none() {
                app.set_error("nothing to export yet: run the plan first");
            } else {
                let default = match &app.session {
                    Some(s) => {
                        let stem = s
                            .path
                            .file_stem()
                            .map(|x| x.to_string_lossy().into_owned())
                            .unwrap_or_else(|| "hires".into());
                        s.path.with_file_name(format!("{stem}.report.json"))
                    }
                    None => PathBuf::from("onboard-report.json"),
                };
                app.prompt = Some(Prompt {
                    kind: PromptKind::Export,
                    input: Input::new(default.display().to_string()),
                });
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Skip failed rows (row numbers) so they leave Failures and retries, as one undo step: at
/// once for a few, off the input loop for many (like `S`).
pub(super) fn skip_failed(app: &mut App, keys: &[usize], what: Option<String>) -> Vec<Cmd> {
    // Queue rows are skipped on the queue list (a few, at once).
    let mut queues_skipped = 0;
    if let Some(q) = &mut app.queues {
        for row in keys
            .iter()
            .filter_map(|k| crate::tui::app::queue_row_of(*k))
        {
            if let Some(i) = q.list.rows.iter().position(|r| r.row == row)
                && q.skipped.insert(i)
            {
                queues_skipped += 1;
            }
        }
        if queues_skipped > 0 {
            q.unsaved = true;
            q.rebuild_view();
        }
    }
    let rows: Vec<usize> = keys
        .iter()
        .copied()
        .filter(|k| crate::tui::app::queue_row_of(*k).is_none())
        .collect();
    let rows = &rows[..];
    if rows.is_empty() {
        if queues_skipped > 0 {
            app.set_info(format!("{queues_skipped} queue row(s) skipped"));
        }
        clamp_failures(app);
        return Vec::new();
    }
    let Some(s) = &mut app.session else {
        return Vec::new();
    };
    let before = s.skipped.clone();
    let mut want = s.skipped.clone();
    want.extend(rows.iter().filter_map(|r| s.index_of_row(*r)));
    let n = want.len() - before.len();
    if n == 0 {
        return Vec::new();
    }
    let label = match (&what, rows) {
        (None, [row]) => format!("row {row}"),
        (Some(w), _) => format!("{n} row(s) of {}", crate::model::sanitize(w)),
        (None, _) => format!("{n} row(s)"),
    };
    let doing = format!("skipping {label}");
    let done = format!("{label} skipped (u on Pre-flight undoes)");
    s.unsaved = true;
    let cmds = match s.change_skips(want, Some(Undo::Skips(before)), doing.clone(), done.clone()) {
        Some(job) => {
            app.set_info(format!("{doing}…"));
            vec![Cmd::Recheck(job)]
        }
        None => {
            app.set_info(done);
            Vec::new()
        }
    };
    clamp_failures(app);
    cmds
}

pub(super) fn move_failures(app: &mut App, delta: isize) {
    let n = app.failure_items().len();
    app.failures
        .cursor
        .move_by(delta, n, layout::failure_rows(app.size));
}

/// The line of the first failed row (past its headings), 0 when there is none.
pub(super) fn first_row_line(items: &[FailureItem]) -> usize {
    items.iter().position(FailureItem::is_row).unwrap_or(0)
}

/// Keep the failures cursor valid and visible.
pub(super) fn clamp_failures(app: &mut App) {
    let n = app.failure_items().len();
    app.failures.cursor.clamp(n, layout::failure_rows(app.size));
}

/// Jump to the row in Pre-flight with the editor open on the field that failed; retry it
/// when the edit is committed and the row has no errors left.
pub(super) fn edit_then_retry(app: &mut App, row: usize) {
    if let Some(qrow) = crate::tui::app::queue_row_of(row) {
        edit_queue_row(app, qrow);
        return;
    }
    let step = app.report_row(row).and_then(|r| {
        r.steps
            .iter()
            .find(|s| {
                s.status != crate::model::StepStatus::Ok
                    && s.status != crate::model::StepStatus::Skipped
            })
            .map(|s| s.step)
    });
    let Some(s) = &app.session else { return };
    let Some(index) = s.index_of_row(row) else {
        app.set_error(format!("row {row} is not in the loaded list"));
        return;
    };
    let field = step.and_then(step_field);
    if !app.table.view.contains(&(index as u32)) {
        app.table.filter = Filter::All;
        rebuild_view(app);
    }
    if let Some(pos) = app.table.view.iter().position(|v| *v as usize == index) {
        app.table.cursor.selected = pos;
        clamp_table(app);
    }
    if let Some(col) = field.and_then(|f| app.session.as_ref().and_then(|s| s.col_of(f))) {
        app.table.col = col;
    } else {
        focus_first_finding(app);
    }
    app.screen = Screen::Preflight;
    app.retry_after_edit = Some(row);
    open_edit(app, index);
}

/// `e` on a failed queue row: the Queues table with the row selected and its editor open;
/// `r` on Failures retries it once fixed.
fn edit_queue_row(app: &mut App, qrow: usize) {
    let Some(q) = &mut app.queues else { return };
    let Some(index) = q.list.rows.iter().position(|r| r.row == qrow) else {
        app.set_error(format!("queue row {qrow} is not in the loaded queue list"));
        return;
    };
    q.table.filter.clear();
    q.rebuild_view();
    if let Some(pos) = q.table.view.iter().position(|i| *i == index) {
        q.table.cursor.selected = pos;
    }
    q.shown = true;
    let col = q.table.col;
    let value = q.cell(index, col).to_string();
    app.screen = Screen::Preflight;
    app.prompt = Some(Prompt {
        kind: PromptKind::QueueEdit { index, col },
        input: Input::new(value),
    });
    app.set_info(format!(
        "edit queue row {qrow} (←/→ after Esc picks another cell); then r on Failures (5) retries it"
    ));
}
