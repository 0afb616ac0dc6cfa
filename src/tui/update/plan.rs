//! The Plan screen: its cursor, its filter, `y` asking to provision.

use super::*;

pub(super) fn on_plan(app: &mut App, a: Action) -> Vec<Cmd> {
    let height = layout::plan_rows(app.size, app.plan_queue_lines());
    if let Some(delta) = ListCursor::delta(a, height) {
        let n = app.plan_rows().len();
        app.plan.cursor.move_by(delta, n, height);
        return Vec::new();
    }
    match a {
        Action::ConfirmRun => {
            let Some(s) = &app.session else {
                app.set_error("load a hire list first (screen 1)");
                return Vec::new();
            };
            let rows: Vec<usize> = s
                .runnable()
                .into_iter()
                .filter_map(|i| s.list.rows.get(i).map(|r| r.row))
                .collect();
            let queues: Vec<usize> = app
                .queues
                .as_ref()
                .map(|q| q.tasks().iter().map(|t| t.row).collect())
                .unwrap_or_default();
            if rows.is_empty() && queues.is_empty() {
                app.set_error("nothing to run: every row is blocked, skipped or unchanged");
                return Vec::new();
            }
            if app.run.phase.is_active() {
                app.set_error("a run is already in progress");
                return Vec::new();
            }
            let counts = s
                .status_counts()
                .into_iter()
                .filter(|(a, n)| crate::tui::app::is_runnable(*a) && *n > 0)
                .collect();
            let requests = s.estimate() + app.queues.as_ref().map_or(0, |q| q.estimate());
            app.overlay = Some(Overlay::Confirm(Question::Provision {
                rows,
                counts,
                requests,
                queues,
            }));
            Vec::new()
        }
        Action::Filter => {
            app.prompt = Some(Prompt {
                kind: PromptKind::PlanFilter {
                    before: app.plan.filter.clone(),
                },
                input: Input::new(app.plan.filter.clone()),
            });
            Vec::new()
        }
        Action::Back if !app.plan.filter.is_empty() => {
            app.plan.filter.clear();
            clamp_plan(app);
            Vec::new()
        }
        Action::Back => {
            app.screen = Screen::Preflight;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Keep the Plan's cursor on a listed row and visible.
pub(super) fn clamp_plan(app: &mut App) {
    let n = app.plan_rows().len();
    app.plan
        .cursor
        .clamp(n, layout::plan_rows(app.size, app.plan_queue_lines()));
}
