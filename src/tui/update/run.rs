//! Starting, pausing and cancelling a run, and the engine's events.

use super::*;
use crate::tui::app::{RunPhase, RunState, queue_row_of};

/// Start the engine on these hire row numbers and queue row numbers (their current plan
/// after any fixes); the queue rows run first.
pub(super) fn start_run(app: &mut App, rows: Vec<usize>, queue_rows: &[usize]) -> Vec<Cmd> {
    if app.run.phase.is_active() {
        app.set_error("a run is already in progress");
        return Vec::new();
    }
    let Some(s) = &app.session else {
        return Vec::new();
    };
    let queues: Vec<crate::engine::queues::QueueTask> = app
        .queues
        .as_ref()
        .map(|q| q.tasks())
        .unwrap_or_default()
        .into_iter()
        .filter(|t| queue_rows.contains(&t.row))
        .collect();
    let wanted: BTreeSet<usize> = rows.iter().copied().collect();
    let mut plan = s.result.plan.clone();
    plan.rows.retain(|r| {
        wanted.contains(&r.row)
            && s.index_of_row(r.row)
                .is_some_and(|i| crate::tui::app::is_runnable(s.status(i)))
    });
    if plan.rows.is_empty() && queues.is_empty() {
        app.set_error("those rows cannot run: fix their errors or unskip them first");
        return Vec::new();
    }
    let allowed = s.allowed;
    let runs = app.run.runs + 1;
    app.run = RunState::begin_with_queues(
        runs,
        plan.rows.iter().map(|r| r.row).collect(),
        queues.len(),
        allowed,
    );
    app.screen = Screen::Run;
    let queue_part = match queues.len() {
        0 => String::new(),
        n => format!("{n} queue row(s) first, then "),
    };
    app.set_info(if runs == 1 {
        format!("running {queue_part}{} rows", plan.rows.len())
    } else {
        format!("retrying {queue_part}{} row(s)", plan.rows.len())
    });
    vec![Cmd::StartRun { plan, queues }]
}

pub(super) fn retry_rows(app: &mut App, rows: &[usize]) -> Vec<Cmd> {
    if rows.is_empty() {
        app.set_info("no failed rows to retry");
        return Vec::new();
    }
    // Failures keys: hire rows, and queue rows past QUEUE_KEY (run first, like a first run).
    let (queues, hires): (Vec<usize>, Vec<usize>) =
        rows.iter().partition(|k| queue_row_of(**k).is_some());
    let queues: Vec<usize> = queues.into_iter().filter_map(queue_row_of).collect();
    start_run(app, hires, &queues)
}

pub(super) fn on_run(app: &mut App, a: Action) -> Vec<Cmd> {
    match a {
        Action::Pause if app.run.phase.is_controllable() => match app.run.toggle_pause() {
            Some(RunPhase::Paused) => vec![Cmd::Pause],
            Some(_) => vec![Cmd::Resume],
            None => Vec::new(),
        },
        Action::Cancel if app.run.phase.is_controllable() => {
            app.overlay = Some(Overlay::Confirm(Question::CancelRun));
            Vec::new()
        }
        Action::Pause | Action::Cancel => {
            app.set_info("no run in progress");
            Vec::new()
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            // About the log's height: half the screen (the rest is the gauge and the stats).
            let page = (app.size.1 / 2).max(1) as isize;
            let older = match a {
                Action::Up => 1,
                Action::Down => -1,
                Action::PageUp => page,
                Action::PageDown => -page,
                Action::Top => isize::MAX / 2,
                _ => isize::MIN / 2,
            };
            app.run.scroll_log(older);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Cancel the run safely (`c` confirmed, or a signal): in-flight steps finish.
pub(super) fn cancel_run(app: &mut App) -> Vec<Cmd> {
    if !app.run.phase.is_active() {
        app.set_info("the run has already finished");
        return Vec::new();
    }
    if !app.run.cancel() {
        return Vec::new();
    }
    app.set_info("cancelling: in-flight steps finish, the journal stays intact");
    vec![Cmd::Cancel]
}

pub(super) fn on_engine(app: &mut App, ev: EngineEvent) -> Vec<Cmd> {
    app.run.apply(&ev);
    if let EngineEvent::Finished { report, cancelled } = &ev {
        app.merge_report(report);
        // Failures opens on its first failed row (`Enter`, `r`, `e` act on a row).
        app.failures.cursor.selected = first_row_line(&app.failure_items());
        clamp_failures(app);
        let failed = app.failed_rows().len();
        if failed > 0 && *cancelled {
            app.set_error(format!(
                "run cancelled: {failed} row(s) failed or unfinished — press f (or 5) to see them and run them again"
            ));
        } else if failed > 0 {
            app.set_error(format!(
                "run finished: {failed} row(s) failed — press f (or 5) to see why and retry"
            ));
        } else {
            let what = if *cancelled { "cancelled" } else { "finished" };
            app.set_info(format!("run {what}: nothing failed"));
        }
        if app.quit_after_run {
            app.quit = true;
            return vec![Cmd::Quit];
        }
    }
    Vec::new()
}
