//! The Pre-flight table: moving, filtering, sorting, jumping between errors.

use super::*;

pub(super) fn on_preflight(app: &mut App, a: Action) -> Vec<Cmd> {
    if app.session.is_none() {
        return Vec::new();
    }
    if let Some(delta) = ListCursor::delta(a, app.table_rows()) {
        move_table(app, delta);
        return Vec::new();
    }
    match a {
        Action::Left | Action::Right => {
            if let Some(s) = &app.session {
                let n = s.list.headers.len().max(1);
                app.table.col = if a == Action::Left {
                    (app.table.col + n - 1) % n
                } else {
                    (app.table.col + 1) % n
                };
            }
        }
        Action::Filter => {
            let text = match &app.table.filter {
                Filter::All => String::new(),
                Filter::Text(t) => t.clone(),
                Filter::Code(c) => format!("code:{}", c.as_str()),
                Filter::Severity(Severity::Error) => "error".into(),
                Filter::Severity(Severity::Warning) => "warning".into(),
                Filter::Skipped => "skipped".into(),
            };
            app.prompt = Some(Prompt {
                kind: PromptKind::Filter {
                    before: app.table.filter.clone(),
                },
                input: Input::new(text),
            });
        }
        Action::Back if app.table.filter != Filter::All => {
            app.table.filter = Filter::All;
            rebuild_view(app);
        }
        Action::NextError => jump_error(app, true),
        Action::PrevError => jump_error(app, false),
        Action::Sort => {
            app.table.sort = app.table.sort.next();
            rebuild_view(app);
            app.set_info(format!("sorted by {}", app.table.sort.label()));
        }
        Action::SortReverse => {
            app.table.descending = !app.table.descending;
            rebuild_view(app);
        }
        Action::Edit => {
            if let Some(index) = app.selected_index() {
                open_edit(app, index);
            }
        }
        Action::ApplySuggestion => apply_fix(app),
        Action::Open => {
            if let Some(index) = app.selected_index() {
                app.overlay = Some(Overlay::Card {
                    card: Card::Row(index),
                    scroll: 0,
                });
            }
        }
        Action::FileFindings => {
            if app
                .session
                .as_ref()
                .is_some_and(|s| !s.file_findings().is_empty())
            {
                app.overlay = Some(Overlay::Card {
                    card: Card::File,
                    scroll: 0,
                });
            } else {
                app.set_info("no findings about the file as a whole");
            }
        }
        Action::PaneDown => {
            app.table.pane_scroll = (app.table.pane_scroll + 1).min(app.pane_overflow());
        }
        Action::PaneUp => {
            app.table.pane_scroll = app
                .table
                .pane_scroll
                .min(app.pane_overflow())
                .saturating_sub(1);
        }
        Action::Skip => {
            if let Some(index) = app.selected_index()
                && let Some(s) = &mut app.session
            {
                let before = s.skipped.clone();
                let mut want = s.skipped.clone();
                if !want.remove(&index) {
                    want.insert(index);
                }
                // One row: always at once.
                let _ = s.change_skips(
                    want,
                    Some(Undo::Skips(before)),
                    String::new(),
                    String::new(),
                );
                s.unsaved = true;
                let row = s.list.rows.get(index).map(|r| r.row).unwrap_or(0);
                let state = if s.skipped.contains(&index) {
                    "skipped"
                } else {
                    "unskipped"
                };
                app.set_info(format!("row {row} {state}"));
            }
        }
        Action::SkipCode => return skip_code(app),
        Action::Undo => return undo(app),
        Action::Save => {
            if let Some(s) = &app.session {
                let default = default_save_path(&s.path);
                app.prompt = Some(Prompt {
                    kind: PromptKind::SaveAs,
                    input: Input::new(default.display().to_string()),
                });
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn move_table(app: &mut App, delta: isize) {
    let n = app.table.view.len();
    if n == 0 {
        return;
    }
    let before = app.table.cursor.selected;
    app.table.cursor.move_by(delta, n, app.table_rows());
    if before != app.table.cursor.selected {
        focus_first_finding(app);
    }
    // The new row's findings pane may be taller or shorter: keep the row in view of the
    // table as it is now.
    clamp_table(app);
}

pub(super) fn clamp_table(app: &mut App) {
    let n = app.table.view.len();
    let rows = app.table_rows();
    app.table.cursor.clamp(n, rows);
    clamp_failures(app);
}

/// Put the cell cursor on the field of the selected row's first finding (if it has one).
pub(super) fn focus_first_finding(app: &mut App) {
    app.table.pane_scroll = 0;
    let Some(index) = app.selected_index() else {
        return;
    };
    let Some(s) = &app.session else { return };
    let col = s
        .findings_of(index)
        .filter(|f| f.severity == Severity::Error)
        .chain(s.findings_of(index))
        .find_map(|f| s.finding_col(f));
    if let Some(col) = col {
        app.table.col = col;
    }
}

pub(super) fn jump_error(app: &mut App, forward: bool) {
    let Some(s) = &app.session else { return };
    let n = app.table.view.len();
    if n == 0 {
        return;
    }
    let start = app.table.cursor.selected;
    for step in 1..=n {
        let pos = if forward {
            (start + step) % n
        } else {
            (start + n - (step % n)) % n
        };
        let idx = app.table.view[pos] as usize;
        if s.errors(idx) > 0 && !s.skipped.contains(&idx) {
            app.table.cursor.selected = pos;
            clamp_table(app);
            focus_first_finding(app);
            return;
        }
    }
    app.set_info("no (unskipped) row with an error in this view");
}

/// Re-filter and re-sort the table, keeping the selected row when it is still visible.
pub(super) fn rebuild_view(app: &mut App) {
    let Some(s) = &app.session else {
        app.table.view.clear();
        return;
    };
    let keep = app.table.view.get(app.table.cursor.selected).copied();
    let filter = app.table.filter.clone();
    let n = s.list.rows.len();
    let cols: Vec<usize> = [
        Field::Email,
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::Division,
    ]
    .iter()
    .filter_map(|f| s.col_of(*f))
    .collect();
    let mut view: Vec<u32> = (0..n)
        .filter(|i| matches_filter(s, *i, &filter, &cols))
        .map(|i| i as u32)
        .collect();
    sort_view(s, &mut view, app.table.sort, &mut app.table.sort_buffers);
    if app.table.descending {
        view.reverse();
    }
    app.table.cursor.selected = keep
        .and_then(|k| view.iter().position(|v| *v == k))
        .unwrap_or(0);
    app.table.view = view;
    clamp_table(app);
    // A filter that lands on another row puts the cell cursor on that row's finding, as a
    // move does (else `e` would edit the cell the previous row had selected).
    if app.selected_index() != keep.map(|k| k as usize) {
        focus_first_finding(app);
    }
}

/// Whether row `i` passes the filter; `cols` are the text-searched columns.
pub(super) fn matches_filter(s: &Session, i: usize, f: &Filter, cols: &[usize]) -> bool {
    match f {
        Filter::All => true,
        Filter::Text(t) => {
            let Some(r) = s.list.rows.get(i) else {
                return false;
            };
            cols.iter()
                .any(|c| r.cells.get(*c).is_some_and(|v| contains_ci(v, t)))
                || t.parse::<usize>().is_ok_and(|n| n == r.row)
        }
        Filter::Code(c) => s.findings_of(i).any(|x| x.code == *c),
        Filter::Severity(Severity::Error) => s.counts[i].0 > 0,
        Filter::Severity(Severity::Warning) => s.counts[i].1 > 0,
        Filter::Skipped => s.skipped.contains(&i),
    }
}

/// Case-insensitive `contains`; `needle` is already lowercase.
pub(super) fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    if needle.is_ascii() && hay.is_ascii() {
        let first = n[0];
        return (0..=h.len() - n.len()).any(|k| {
            h[k].to_ascii_lowercase() == first && h[k..k + n.len()].eq_ignore_ascii_case(n)
        });
    }
    hay.to_lowercase().contains(needle)
}
