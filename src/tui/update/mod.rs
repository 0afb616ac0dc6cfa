//! `update(&mut App, Msg) -> Vec<Cmd>`: the only place state changes. No IO, no awaits;
//! anything that touches the disk or the network is returned as a [`Cmd`].

use super::app::{
    App, Card, FailureItem, Filter, ListCursor, Overlay, Prompt, PromptKind, Question, Screen,
    Session, Undo, heading_label, rows_under, step_field, waits_while_busy,
};
use super::fix::apply_suggestion;
use super::keys::{Action, lookup};
use super::layout;
use super::msg::{Cmd, Msg};
use super::sort::sort_view;
use crate::model::{EngineEvent, Field, FindingCode, Severity};
use crossterm::event::{Event, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

mod drift;
mod edit;
mod failures;
mod load;
mod mouse;
mod orgs;
mod overlay;
mod plan;
mod preflight;
mod prompt;
mod queues;
mod run;

use drift::*;
pub use drift::{drift_paths, start_drift};
use edit::*;
use failures::*;
pub use load::start_load;
use load::*;
use mouse::*;
use orgs::*;
pub use orgs::{badges, findings_height, picker_matches};
use overlay::*;
use plan::*;
use preflight::*;
use prompt::*;
pub use prompt::{REFUSE_SAVE_OVER_INPUT, default_save_path};
use queues::*;
use run::*;

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    app.dirty = true;
    match msg {
        Msg::Key(ev) => on_key(app, ev),
        Msg::Mouse(ev) => on_mouse(app, ev),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            clamp_table(app);
            Vec::new()
        }
        Msg::LoadProgress(p) => {
            app.load.progress.insert(p.resource.clone(), p);
            Vec::new()
        }
        Msg::OrgsProgress(p) => {
            app.load.org_progress.insert(p.resource.clone(), p);
            Vec::new()
        }
        Msg::LoadPartial(p) => on_partial(app, *p),
        Msg::LoadNote(note) => {
            app.set_info(note.clone());
            app.load.note = Some(note);
            Vec::new()
        }
        Msg::Loaded(loaded) => on_loaded(app, *loaded),
        Msg::LoadFailed(e) => on_load_failed(app, e),
        Msg::Recent(r) => {
            app.load.recent = r;
            Vec::new()
        }
        Msg::Completions(list) => {
            on_completions(app, list);
            Vec::new()
        }
        Msg::Engine(ev) => on_engine(app, ev),
        Msg::RunLost(e) => {
            app.run.lost();
            app.set_error(format!("the run stopped unexpectedly: {e}"));
            if app.quit_after_run {
                app.quit = true;
                return vec![Cmd::Quit];
            }
            Vec::new()
        }
        Msg::Saved(p) => {
            let mut skips = 0;
            if let Some(s) = &mut app.session {
                s.unsaved = false;
                skips = s.skipped.len();
            }
            let path = crate::model::sanitize(&p.display().to_string()).into_owned();
            app.set_info(if skips > 0 {
                format!("saved {path} ({skips} skipped row(s) with action skip)")
            } else {
                format!("saved {path}")
            });
            Vec::new()
        }
        Msg::Exported(p) => {
            app.set_info(format!("report written to {}", p.display()));
            Vec::new()
        }
        Msg::SaveExists(p) => {
            app.overlay = Some(Overlay::Confirm(Question::Overwrite(p)));
            Vec::new()
        }
        Msg::Error(e) => {
            app.set_error(e);
            Vec::new()
        }
        Msg::Rechecked(done) => {
            on_rechecked(app, *done);
            Vec::new()
        }
        Msg::Signal(name) => on_signal(app, name),
        Msg::DriftLoaded(loaded) => on_drift_loaded(app, *loaded),
        Msg::DriftFailed(e) => on_drift_failed(app, e),
        Msg::DriftFixed(fixed) => on_drift_fixed(app, *fixed),
        Msg::DriftExported { json, csv } => {
            app.set_info(format!(
                "drift written to {} and {}",
                json.display(),
                csv.display()
            ));
            Vec::new()
        }
        Msg::OrgsPrepared(p) => on_orgs_prepared(app, *p),
        Msg::OrgsFailed(e) => on_orgs_failed(app, e),
        Msg::OrgRechecked {
            org,
            map,
            note,
            result,
        } => on_org_rechecked(app, org, map, note, result),
        Msg::OrgEngine { org, event } => on_org_engine(app, org, event),
        Msg::OrgRunLost { org, error } => on_org_run_lost(app, org, error),
    }
}

/// A background re-check came back: apply it (unless the list changed since), say so.
fn on_rechecked(app: &mut App, done: crate::tui::work::Rechecked) {
    let Some(s) = &mut app.session else { return };
    let Some(p) = s.finish_job(done) else { return };
    s.unsaved = !s.undo.is_empty() || s.skipped != s.loaded_skips;
    rebuild_view(app);
    app.set_info(p.done);
}

/// A signal from outside: give the terminal back at once, then stop like a confirmed quit —
/// a run is cancelled safely (in-flight steps finish, the journal stays intact) and onboard
/// exits when it has stopped. A second signal while it winds down exits at once.
fn on_signal(app: &mut App, name: &'static str) -> Vec<Cmd> {
    let again = app.signal.is_some();
    app.signal = Some(name);
    app.overlay = None;
    app.prompt = None;
    let mut cmds = if again { Vec::new() } else { vec![Cmd::Detach] };
    if app.run.phase.is_active() && !again {
        app.quit_after_run = true;
        cmds.extend(cancel_run(app));
        app.set_info(format!(
            "{name}: cancelling the run; onboard quits when in-flight steps finish"
        ));
    } else {
        app.quit = true;
        cmds.push(Cmd::Quit);
    }
    cmds
}

fn on_key(app: &mut App, ev: KeyEvent) -> Vec<Cmd> {
    let ctxs = app.contexts();
    let action = lookup(&ctxs, &ev);
    if let Some(o) = app.overlay.clone() {
        if matches!(o, Overlay::Drilldown { .. })
            && app.orgs.is_some()
            && let Some(a @ (Action::Retry | Action::EditRetry)) = action
        {
            return orgs_drilldown_key(app, a);
        }
        return match action {
            Some(a) => on_overlay(app, o, a),
            None => Vec::new(),
        };
    }
    if app.prompt.is_some() {
        return on_prompt_key(app, action, ev);
    }
    if app.orgs.as_ref().is_some_and(|o| o.picker.is_some()) {
        return on_picker_key(app, ev);
    }
    if app.load.loading && action == Some(Action::Back) {
        return cancel_load(app);
    }
    if let Some(a) = action
        && changes_rows(a)
        && let Some(n) = app
            .session
            .as_ref()
            .map(|s| s.checking_count)
            .filter(|n| *n > 0)
    {
        app.set_error(format!(
            "the org is still loading ({n} rows checking): wait for it, or press Esc to stop it and keep what is checked"
        ));
        return Vec::new();
    }
    if app.screen == Screen::Load {
        if app.load.loading {
            return match action {
                Some(Action::Quit) => quit(app),
                _ => Vec::new(),
            };
        }
        if app.load.mode.multi_org() {
            return on_form_key(app, action, ev);
        }
        return match action {
            Some(a) => on_load(app, a),
            None => {
                app.load.input.handle_event(&Event::Key(ev));
                app.load.recent_sel = None;
                app.load.completions.clear();
                Vec::new()
            }
        };
    }
    let Some(action) = action else {
        return Vec::new();
    };
    if let Some(p) = app.busy()
        && waits_while_busy(action)
    {
        let doing = p.doing.clone();
        app.set_info(format!("{doing}… — that key waits until it is done"));
        return Vec::new();
    }
    match action {
        Action::Quit => return quit(app),
        Action::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            return Vec::new();
        }
        Action::NextTab => {
            goto(app, next_tab(app, 1));
            return Vec::new();
        }
        Action::PrevTab => {
            goto(app, next_tab(app, Screen::ALL.len() - 1));
            return Vec::new();
        }
        Action::Goto(n) => {
            if let Some(s) = Screen::ALL.get((n as usize).saturating_sub(1)) {
                goto(app, *s);
            }
            return Vec::new();
        }
        _ => {}
    }
    if orgs_screen(app) {
        return on_orgs_key(app, action);
    }
    match app.screen {
        Screen::Load => Vec::new(),
        Screen::Preflight if app.queues.as_ref().is_some_and(|q| q.shown) => {
            on_queue_table(app, action)
        }
        Screen::Preflight if action == Action::SwitchTable => {
            show_queue_table(app);
            Vec::new()
        }
        Screen::Preflight => on_preflight(app, action),
        Screen::Plan => on_plan(app, action),
        Screen::Run => on_run(app, action),
        Screen::Failures => on_failures(app, action),
        Screen::Drift => on_drift(app, action),
    }
}

/// The tab `step` places on (mod the tab count) from the current one, passing over the
/// Drift tab while there is no drift.
fn next_tab(app: &App, step: usize) -> Screen {
    let n = Screen::ALL.len();
    let mut i = app.screen.index();
    loop {
        i = (i + step) % n;
        if Screen::ALL[i] != Screen::Drift || app.drift.available() {
            return Screen::ALL[i];
        }
    }
}

fn goto(app: &mut App, s: Screen) {
    if s == Screen::Drift && !app.drift.available() {
        app.set_info("no drift yet: choose Drift on Load (F3), or run `onboard drift … --tui`");
        return;
    }
    app.screen = s;
    if s == Screen::Plan {
        clamp_plan(app);
    }
    if s == Screen::Failures {
        clamp_failures(app);
    }
}

fn quit(app: &mut App) -> Vec<Cmd> {
    if app.quit_after_run {
        // Asked twice while the run winds down: go now (the driver cancels the run).
        app.quit = true;
        return vec![Cmd::Quit];
    }
    if app.orgs.as_ref().is_some_and(|o| o.run_active()) {
        app.set_error(
            "a clone is running: x on Run cancels every org (journals stay intact); then quit",
        );
        Vec::new()
    } else if app.run_in_progress() {
        app.overlay = Some(Overlay::Confirm(Question::QuitDuringRun));
        Vec::new()
    } else if app.session.as_ref().is_some_and(|s| s.unsaved) {
        app.overlay = Some(Overlay::Confirm(Question::QuitUnsaved));
        Vec::new()
    } else {
        app.quit = true;
        vec![Cmd::Quit]
    }
}

/// Actions that change rows' checks or run them: not while rows are still checking (the
/// next partial result would overwrite an edit, and a checking row must not run).
fn changes_rows(a: Action) -> bool {
    matches!(
        a,
        Action::Edit
            | Action::ApplySuggestion
            | Action::Skip
            | Action::SkipCode
            | Action::Undo
            | Action::ConfirmRun
            | Action::Retry
            | Action::RetryAll
            | Action::EditRetry
            | Action::SkipFailed
    )
}
