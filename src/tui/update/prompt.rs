//! The one-line inputs (filters, edit, save as, export): what Enter does with them.

use super::*;

pub(super) fn submit_prompt(app: &mut App) -> Vec<Cmd> {
    let Some(p) = app.prompt.take() else {
        return Vec::new();
    };
    let value = p.input.value().to_string();
    match p.kind {
        PromptKind::Filter { .. } => {
            app.table.filter = Filter::parse(&value);
            rebuild_view(app);
            let d = app.table.filter.describe();
            if !d.is_empty() {
                app.set_info(format!("{} rows match {d}", app.table.view.len()));
            }
            Vec::new()
        }
        PromptKind::PlanFilter { .. } => {
            app.plan.filter = value.trim().to_string();
            clamp_plan(app);
            Vec::new()
        }
        PromptKind::FailureFilter { .. } => {
            app.failures.filter = value.trim().to_string();
            clamp_failures(app);
            if !app.failures.filter.is_empty() {
                app.set_info(format!(
                    "{} failed row(s) match \"{}\"",
                    app.failed_rows().len(),
                    app.failures.filter
                ));
            }
            Vec::new()
        }
        PromptKind::Edit { index, col } => commit_edit(app, index, col, value),
        PromptKind::QueueFilter { .. } => {
            set_queue_filter(app, value.trim());
            Vec::new()
        }
        PromptKind::QueueEdit { index, col } => {
            commit_queue_edit(app, index, col, &value);
            Vec::new()
        }
        PromptKind::SaveAs => {
            let path = PathBuf::from(value.trim());
            let Some(s) = &app.session else {
                return Vec::new();
            };
            if value.trim().is_empty() {
                app.set_error("type a file name to save to");
                return Vec::new();
            }
            if same_file(&path, &s.path) {
                app.set_error(REFUSE_SAVE_OVER_INPUT);
                return Vec::new();
            }
            vec![Cmd::Save {
                path,
                source: s.path.clone(),
                list: s.list_to_save(),
                overwrite: false,
            }]
        }
        PromptKind::DriftFilter { .. } => {
            set_drift_filter(app, &value);
            Vec::new()
        }
        PromptKind::Export if app.screen == Screen::Drift => export_drift(app, &value),
        PromptKind::Export => match &app.report {
            Some(r) if !value.trim().is_empty() => vec![Cmd::Export {
                path: PathBuf::from(value.trim()),
                report: r.clone(),
            }],
            _ => {
                app.set_error("nothing to export yet: run the plan first");
                Vec::new()
            }
        },
    }
}

/// `hires.csv` → `hires.fixed.csv` beside it.
pub fn default_save_path(source: &Path) -> PathBuf {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hires".into());
    source.with_file_name(format!("{stem}.fixed.csv"))
}

/// Saving over the loaded list would lose the original the journal and reports refer to.
pub const REFUSE_SAVE_OVER_INPUT: &str = "that is the list you loaded: save the edited list to a new file (the original stays as it was)";

pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    let norm = |p: &Path| p.components().collect::<PathBuf>();
    norm(a) == norm(b)
}

/// A key while a one-line input is open: Enter submits, Esc cancels (a filter goes back to
/// the one before the edit), anything else edits the text — filters apply as they are typed.
pub(super) fn on_prompt_key(app: &mut App, action: Option<Action>, ev: KeyEvent) -> Vec<Cmd> {
    match action {
        Some(Action::Submit) => submit_prompt(app),
        Some(Action::Back) => {
            if let Some(p) = app.prompt.take() {
                // Esc cancels the edit of the filter: the one before it comes back.
                if let PromptKind::Filter { before } = &p.kind {
                    app.table.filter = before.clone();
                    rebuild_view(app);
                }
                if let PromptKind::PlanFilter { before } = &p.kind {
                    app.plan.filter = before.clone();
                    clamp_plan(app);
                }
                if let PromptKind::FailureFilter { before } = &p.kind {
                    app.failures.filter = before.clone();
                    clamp_failures(app);
                }
                if let PromptKind::QueueFilter { before } = &p.kind {
                    set_queue_filter(app, before);
                }
                if let PromptKind::DriftFilter { before } = &p.kind {
                    set_drift_filter(app, before);
                }
                if matches!(p.kind, PromptKind::Edit { .. }) {
                    app.retry_after_edit = None;
                }
            }
            Vec::new()
        }
        _ => {
            let Some(p) = &mut app.prompt else {
                return Vec::new();
            };
            p.input.handle_event(&Event::Key(ev));
            let value = p.input.value().to_string();
            match p.kind {
                PromptKind::Filter { .. } => {
                    app.table.filter = Filter::parse(&value);
                    rebuild_view(app);
                }
                PromptKind::PlanFilter { .. } => {
                    app.plan.filter = value;
                    app.plan.cursor.selected = 0;
                    clamp_plan(app);
                }
                PromptKind::FailureFilter { .. } => {
                    app.failures.filter = value;
                    app.failures.cursor.selected = first_row_line(&app.failure_items());
                    clamp_failures(app);
                }
                PromptKind::QueueFilter { .. } => set_queue_filter(app, &value),
                PromptKind::DriftFilter { .. } => set_drift_filter(app, &value),
                _ => {}
            }
            Vec::new()
        }
    }
}
