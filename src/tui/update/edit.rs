//! Changing the list from Pre-flight: inline edits, suggestions, skips (one row or a code's rows) and undo.

use super::*;

pub(super) fn open_edit(app: &mut App, index: usize) {
    let Some(s) = &app.session else { return };
    let col = app.table.col.min(s.list.headers.len().saturating_sub(1));
    let value = s
        .list
        .rows
        .get(index)
        .and_then(|r| r.cells.get(col))
        .unwrap_or_default()
        .to_string();
    app.prompt = Some(Prompt {
        kind: PromptKind::Edit { index, col },
        input: Input::new(value),
    });
}

/// Set a cell, re-check its row at once, and remember the old value for undo.
pub(super) fn commit_edit(app: &mut App, index: usize, col: usize, value: String) -> Vec<Cmd> {
    let Some(s) = &mut app.session else {
        return Vec::new();
    };
    let width = s.list.headers.len();
    let Some(row) = s.list_mut().rows.get_mut(index) else {
        return Vec::new();
    };
    let rownum = row.row;
    if row.cells.get(col) != Some(value.as_str()) {
        let old = row.cells[col].to_string();
        let cells = row.cells.len();
        row.cells.set(col, &value);
        // A short row the admin has edited has been looked at cell by cell: give it every
        // column, so `short_row` goes once the values sit under their headers.
        if row.cells.len() < width {
            let last = row.cells[width - 1].to_string();
            row.cells.set(width - 1, &last);
        }
        s.undo.push(Undo::Cell {
            index,
            col,
            old,
            cells,
        });
        s.unsaved = true;
        s.recheck(index);
    }
    let errors = s.errors(index);
    let msg = if errors == 0 {
        format!("row {rownum} re-checked: no errors")
    } else {
        format!("row {rownum} re-checked: {errors} error(s) left")
    };
    app.set_info(msg);
    if app.retry_after_edit == Some(rownum) {
        app.retry_after_edit = None;
        if errors == 0 {
            return retry_rows(app, &[rownum]);
        }
        app.set_error(format!(
            "row {rownum} still has {errors} error(s); fix them, then retry it from Failures (r)"
        ));
    }
    Vec::new()
}

pub(super) fn apply_fix(app: &mut App) {
    let Some(index) = app.selected_index() else {
        return;
    };
    let Some(s) = &app.session else { return };
    // Prefer a suggestion on the selected cell, else the row's first suggestion.
    let on_col = s
        .findings_of(index)
        .find(|f| f.suggestion.is_some() && s.finding_col(f) == Some(app.table.col));
    let any = s.findings_of(index).find(|f| f.suggestion.is_some());
    let Some(f) = on_col.or(any).cloned() else {
        app.set_error("no suggestion for this row; edit the cell with e");
        return;
    };
    let Some(col) = s.finding_col(&f) else {
        app.set_error("the suggestion's column is not in the list; edit the row with e");
        return;
    };
    let cell = s
        .list
        .rows
        .get(index)
        .and_then(|r| r.cells.get(col))
        .unwrap_or_default()
        .to_string();
    let sugg = f.suggestion.unwrap_or_default();
    match apply_suggestion(&cell, &sugg) {
        Some(new) => {
            app.table.col = col;
            let cmds = commit_edit(app, index, col, new);
            debug_assert!(cmds.is_empty() || app.retry_after_edit.is_none());
        }
        None => app.set_error(format!(
            "could not place '{}' in this cell; edit it with e",
            crate::model::sanitize(&sugg)
        )),
    }
}

/// `S`: skip every row with the selected finding's code; over more than one row it asks
/// first.
pub(super) fn skip_code(app: &mut App) -> Vec<Cmd> {
    let Some((_, f)) = app.selected_finding() else {
        app.set_info("the selected row has no finding");
        return Vec::new();
    };
    let Some(s) = &app.session else {
        return Vec::new();
    };
    let rows: Vec<usize> = (0..s.list.rows.len())
        .filter(|i| !s.skipped.contains(i) && s.findings_of(*i).any(|x| x.code == f.code))
        .collect();
    match rows.len() {
        0 => {
            app.set_info(format!(
                "every row with {} is already skipped",
                f.code.as_str()
            ));
            Vec::new()
        }
        1 => skip_rows(app, f.code, &rows),
        _ => {
            app.overlay = Some(Overlay::Confirm(Question::SkipCode { code: f.code, rows }));
            Vec::new()
        }
    }
}

/// Skip these rows (indices) as one undo step: at once for a few, else re-checked off the
/// input loop (the returned command) with a busy line until it is done.
pub(super) fn skip_rows(app: &mut App, code: FindingCode, rows: &[usize]) -> Vec<Cmd> {
    let Some(s) = &mut app.session else {
        return Vec::new();
    };
    let before = s.skipped.clone();
    let mut want = s.skipped.clone();
    want.extend(rows.iter().copied().filter(|i| *i < s.list.rows.len()));
    let added = want.len() - before.len();
    if added == 0 {
        app.set_info(format!(
            "every row with {} is already skipped",
            code.as_str()
        ));
        return Vec::new();
    }
    s.unsaved = true;
    let done = format!("skipped {added} row(s) with {}", code.as_str());
    let doing = format!("skipping {added} rows with {}", code.as_str());
    match s.change_skips(want, Some(Undo::Skips(before)), doing.clone(), done.clone()) {
        Some(job) => {
            app.set_info(format!("{doing}…"));
            vec![Cmd::Recheck(job)]
        }
        None => {
            app.set_info(done);
            Vec::new()
        }
    }
}

pub(super) fn undo(app: &mut App) -> Vec<Cmd> {
    let Some(s) = &mut app.session else {
        return Vec::new();
    };
    let mut cmds = Vec::new();
    match s.undo.pop() {
        Some(Undo::Cell {
            index,
            col,
            old,
            cells,
        }) => {
            if let Some(r) = s.list_mut().rows.get_mut(index) {
                r.cells.set(col, &old);
                r.cells.truncate(cells);
            }
            s.recheck(index);
            let row = s.list.rows.get(index).map(|r| r.row).unwrap_or(0);
            app.set_info(format!("undid the edit of row {row}"));
        }
        Some(Undo::Skips(prev)) => {
            let n = s.skipped.symmetric_difference(&prev).count();
            let doing = format!("undoing the skip of {n} rows");
            let done = format!("undid the skip of {n} row(s)");
            match s.change_skips(prev, None, doing.clone(), done.clone()) {
                Some(job) => {
                    app.set_info(format!("{doing}…"));
                    cmds.push(Cmd::Recheck(job));
                }
                None => app.set_info(done),
            }
        }
        None => app.set_info("nothing to undo"),
    }
    if let Some(s) = &mut app.session {
        s.unsaved = !s.undo.is_empty() || s.skipped != s.loaded_skips || s.pending.is_some();
    }
    cmds
}
