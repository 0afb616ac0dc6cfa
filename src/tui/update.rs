//! `update(&mut App, Msg) -> Vec<Cmd>`: the only place state changes. No IO, no awaits;
//! anything that touches the disk or the network is returned as a [`Cmd`].

use super::app::{
    App, FailureItem, Filter, Overlay, Prompt, PromptKind, Question, Screen, Session, Undo,
    heading_label, rows_under,
};
use super::fix::apply_suggestion;
use super::keys::{Action, Ctx, lookup};
use super::layout;
use super::msg::{Cmd, Msg};
use super::sort::sort_view;
use crate::model::{EngineEvent, Field, Finding, FindingCode, PlanAction, Severity, Step};
use crossterm::event::{Event, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

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
        Msg::LoadPartial(p) => on_partial(app, *p),
        Msg::LoadNote(note) => {
            app.set_info(note.clone());
            app.load.note = Some(note);
            Vec::new()
        }
        Msg::Loaded(loaded) => {
            let l = *loaded;
            app.load.loading = false;
            app.load.error = None;
            app.load.note = None;
            // The table has been showing this load's partial results: complete them in
            // place, keeping the admin's place.
            if let Some(s) = app
                .session
                .as_mut()
                .filter(|s| s.checking_count > 0 || !s.checking.is_empty())
            {
                s.apply_partial(l.snapshot, l.result, Vec::new());
                s.allowed_per_s = l.allowed_per_s;
                let (e, w) = s.severity_totals();
                let rows = s.list.rows.len();
                rebuild_view(app);
                app.set_info(format!(
                    "org loaded: {rows} rows checked, {e} errors, {w} warnings"
                ));
                return Vec::new();
            }
            let name = l.path.display().to_string();
            let mut session = Session::new(l.path, l.list, l.snapshot, l.result, l.allowed_per_s);
            // Keys other than quit are ignored while loading, so the selected target is the
            // one the list was loaded against.
            session.target = app
                .load
                .targets
                .get(app.load.target)
                .cloned()
                .unwrap_or_default();
            let (e, w) = session.severity_totals();
            let rows = session.list.rows.len();
            // Say how the file was read when it was not with commas (as `check` does).
            let separator = match session.list.separator {
                crate::model::Separator::Comma => String::new(),
                s => format!(", separated by {}", s.describe()),
            };
            app.session = Some(session);
            app.table = Default::default();
            app.report = None;
            app.failures = Default::default();
            rebuild_view(app);
            focus_first_finding(app);
            app.screen = Screen::Preflight;
            app.set_info(format!(
                "loaded {} ({rows} rows{separator}): {e} errors, {w} warnings",
                crate::model::sanitize(&name)
            ));
            Vec::new()
        }
        Msg::LoadFailed(e) => {
            app.load.loading = false;
            app.load.error = Some(e.clone());
            app.load.note = None;
            // Rows shown while it loaded keep what was checked; the rest say why not.
            if let Some(s) = app.session.as_mut().filter(|s| s.checking_count > 0) {
                s.stop_checking();
                rebuild_view(app);
            }
            app.set_error(e);
            Vec::new()
        }
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
            app.run.active = false;
            app.run.cancelling = false;
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
    }
}

/// A background re-check came back: apply it (unless the list changed since), say so.
fn on_rechecked(app: &mut App, done: super::work::Rechecked) {
    let Some(s) = &mut app.session else { return };
    let Some(p) = s.finish_job(done) else { return };
    s.unsaved = !s.undo.is_empty() || s.skipped != s.loaded_skips;
    rebuild_view(app);
    app.set_info(p.done);
}

/// What is running in the background, if anything (for the busy line and the key gate).
pub fn busy(app: &App) -> Option<&super::work::Pending> {
    app.session.as_ref().and_then(|s| s.pending.as_ref())
}

/// Whether `a` does something in the current state (the hint bar offers only those).
pub fn offered(app: &App, a: Action) -> bool {
    if busy(app).is_some() && waits_while_busy(a) {
        return false;
    }
    // Questions, inputs, help and the drilldown: their keys always do something.
    if app.overlay.is_some() || app.prompt.is_some() {
        return true;
    }
    let session = app.session.as_ref();
    let failure = || app.failure_items().get(app.failures.selected).cloned();
    match (app.screen, a) {
        (Screen::Load, Action::Back) => session.is_some(),
        (Screen::Load, Action::NextProfile) => app.load.targets.len() > 1,
        (Screen::Load, Action::Down) => !app.load.recent.is_empty(),
        (Screen::Preflight, Action::Edit | Action::Skip | Action::Open) => {
            selected_index(app).is_some()
        }
        (Screen::Preflight, Action::ApplySuggestion) => selected_index(app)
            .zip(session)
            .is_some_and(|(i, s)| s.findings_of(i).any(|f| f.suggestion.is_some())),
        (Screen::Preflight, Action::SkipCode) => selected_finding(app).is_some(),
        (Screen::Preflight, Action::Undo) => session.is_some_and(|s| !s.undo.is_empty()),
        (Screen::Preflight, Action::Back) => app.table.filter != Filter::All,
        (Screen::Plan, Action::Back) => true,
        (Screen::Plan, Action::ConfirmRun) => {
            !app.run.active && session.is_some_and(|s| s.runnable_count() > 0)
        }
        (Screen::Run, Action::Pause | Action::Cancel) => app.run.active && !app.run.cancelling,
        (Screen::Run, Action::Goto(5)) => app.report.is_some(),
        (Screen::Failures, Action::Open | Action::EditRetry) => {
            failure().is_some_and(|i| i.is_row())
        }
        (Screen::Failures, Action::Retry | Action::SkipFailed | Action::Filter) => {
            failure().is_some() || !app.failures.filter.is_empty()
        }
        (Screen::Failures, Action::RetryAll) => !app.failed_rows().is_empty(),
        (Screen::Failures, Action::Export) => app.report.is_some(),
        (Screen::Failures, Action::Back) => !app.failures.filter.is_empty(),
        _ => true,
    }
}

/// Keys that change the list, its skips or the org: they wait while a bulk re-check runs
/// (it would overwrite what they did, or act on a list about to change).
pub fn waits_while_busy(a: Action) -> bool {
    matches!(
        a,
        Action::Edit
            | Action::ApplySuggestion
            | Action::Skip
            | Action::SkipCode
            | Action::Undo
            | Action::Save
            | Action::ConfirmRun
            | Action::Retry
            | Action::RetryAll
            | Action::EditRetry
            | Action::SkipFailed
            | Action::LoadSubmit
    )
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
    if app.run.active && !again {
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

/// The key contexts active now, innermost first.
pub fn contexts(app: &App) -> Vec<Ctx> {
    if let Some(o) = &app.overlay {
        return match o {
            Overlay::Help { .. } => vec![Ctx::Help, Ctx::Global],
            Overlay::Confirm(_) => vec![Ctx::Confirm],
            Overlay::Drilldown { .. } => vec![Ctx::Drilldown, Ctx::Global],
        };
    }
    if app.prompt.is_some() {
        return vec![Ctx::Input];
    }
    match app.screen {
        Screen::Load => vec![Ctx::Load],
        Screen::Preflight => vec![Ctx::Preflight, Ctx::Global],
        Screen::Plan => vec![Ctx::Plan, Ctx::Global],
        Screen::Run => vec![Ctx::Run, Ctx::Global],
        Screen::Failures => vec![Ctx::Failures, Ctx::Global],
    }
}

fn on_key(app: &mut App, ev: KeyEvent) -> Vec<Cmd> {
    let ctxs = contexts(app);
    let action = lookup(&ctxs, &ev);
    if let Some(o) = app.overlay.clone() {
        return match action {
            Some(a) => on_overlay(app, o, a),
            None => Vec::new(),
        };
    }
    if app.prompt.is_some() {
        return match action {
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
                        app.plan.selected = 0;
                        clamp_plan(app);
                    }
                    PromptKind::FailureFilter { .. } => {
                        app.failures.filter = value;
                        app.failures.selected = first_row_line(&app.failure_items());
                        clamp_failures(app);
                    }
                    _ => {}
                }
                Vec::new()
            }
        };
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
    if let Some(p) = busy(app)
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
            let i = (app.screen.index() + 1) % Screen::ALL.len();
            goto(app, Screen::ALL[i]);
            return Vec::new();
        }
        Action::PrevTab => {
            let i = (app.screen.index() + Screen::ALL.len() - 1) % Screen::ALL.len();
            goto(app, Screen::ALL[i]);
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
    match app.screen {
        Screen::Load => Vec::new(),
        Screen::Preflight => on_preflight(app, action),
        Screen::Plan => on_plan(app, action),
        Screen::Run => on_run(app, action),
        Screen::Failures => on_failures(app, action),
    }
}

fn goto(app: &mut App, s: Screen) {
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
    if app.run_in_progress() {
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

fn on_overlay(app: &mut App, o: Overlay, a: Action) -> Vec<Cmd> {
    match (o, a) {
        (Overlay::Help { .. }, Action::Back | Action::Help) => {
            app.overlay = None;
            Vec::new()
        }
        (Overlay::Help { scroll }, Action::Down | Action::PageDown) => {
            let step = if a == Action::Down { 1 } else { 10 };
            app.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_add(step),
            });
            Vec::new()
        }
        (Overlay::Help { scroll }, Action::Up | Action::PageUp) => {
            let step = if a == Action::Up { 1 } else { 10 };
            app.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(step),
            });
            Vec::new()
        }
        (Overlay::Help { .. }, Action::Top) => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        (Overlay::Help { .. }, Action::Quit) => {
            app.overlay = None;
            quit(app)
        }
        (Overlay::Confirm(q), Action::Yes) => {
            app.overlay = None;
            match q {
                Question::Provision { rows, .. } => start_run(app, rows),
                Question::RetryAll { rows, .. } => retry_rows(app, &rows),
                Question::SkipFailed { what, rows } => skip_failed(app, &rows, Some(what)),
                Question::SkipCode { code, rows } => skip_rows(app, code, &rows),
                Question::CancelRun => cancel_run(app),
                Question::LoadUnsaved(path) => start_load(app, path),
                // The run ended while the question was open: nothing to wait for.
                Question::QuitDuringRun if !app.run.active => {
                    app.quit = true;
                    vec![Cmd::Quit]
                }
                Question::QuitDuringRun => {
                    app.quit_after_run = true;
                    app.run.cancelling = true;
                    app.set_info("cancelling the run; onboard quits when in-flight steps finish");
                    vec![Cmd::Cancel]
                }
                Question::QuitUnsaved => {
                    app.quit = true;
                    vec![Cmd::Quit]
                }
                Question::Overwrite(path) => match &app.session {
                    Some(s) => vec![Cmd::Save {
                        path,
                        source: s.path.clone(),
                        list: s.list_to_save(),
                        overwrite: true,
                    }],
                    None => Vec::new(),
                },
            }
        }
        (Overlay::Confirm(_), Action::No) => {
            app.overlay = None;
            Vec::new()
        }
        (Overlay::Drilldown { .. }, Action::Back) => {
            app.overlay = None;
            Vec::new()
        }
        (Overlay::Drilldown { row }, Action::Retry) => {
            app.overlay = None;
            retry_rows(app, &[row])
        }
        (Overlay::Drilldown { row }, Action::EditRetry) => {
            app.overlay = None;
            edit_then_retry(app, row);
            Vec::new()
        }
        (Overlay::Drilldown { .. }, Action::Up | Action::Down) => {
            // The previous / next failed row, over the group headings.
            let items = app.failure_items();
            let back = a == Action::Up;
            let mut line = app.failures.selected;
            while let Some(next) = if back {
                line.checked_sub(1)
            } else {
                Some(line + 1)
            } {
                match items.get(next) {
                    Some(FailureItem::Row { row }) => {
                        app.failures.selected = next;
                        app.overlay = Some(Overlay::Drilldown { row: *row });
                        break;
                    }
                    Some(_) => line = next,
                    None => break,
                }
            }
            clamp_failures(app);
            Vec::new()
        }
        (Overlay::Drilldown { .. }, Action::Quit) => {
            app.overlay = None;
            quit(app)
        }
        (Overlay::Drilldown { .. }, Action::Help) => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

fn on_load(app: &mut App, a: Action) -> Vec<Cmd> {
    match a {
        Action::LoadSubmit => {
            let path = app.load.input.value().trim().to_string();
            if path.is_empty() {
                app.set_error("type the path of a hire list (CSV), or pick a recent file with ↑/↓");
                return Vec::new();
            }
            let path = PathBuf::from(path);
            if app.session.as_ref().is_some_and(|s| s.unsaved) {
                app.overlay = Some(Overlay::Confirm(Question::LoadUnsaved(path)));
                return Vec::new();
            }
            start_load(app, path)
        }
        Action::Complete => vec![Cmd::Complete(app.load.input.value().to_string())],
        Action::Up | Action::Down => {
            let n = app.load.recent.len();
            if n == 0 {
                return Vec::new();
            }
            let sel = match (app.load.recent_sel, a) {
                (None, Action::Up) => n - 1,
                (None, _) => 0,
                (Some(i), Action::Up) => (i + n - 1) % n,
                (Some(i), _) => (i + 1) % n,
            };
            app.load.recent_sel = Some(sel);
            let p = app.load.recent[sel].display().to_string();
            app.load.input = Input::new(p);
            Vec::new()
        }
        Action::NextProfile if app.load.targets.len() < 2 => {
            app.set_info(
                "only one org to load against: save more with `onboard login --profile NAME`",
            );
            Vec::new()
        }
        Action::NextProfile => {
            let n = app.load.targets.len();
            app.load.target = (app.load.target + 1) % n;
            let label = app
                .load
                .targets
                .get(app.load.target)
                .map(|t| crate::model::sanitize(&t.label).into_owned())
                .unwrap_or_default();
            app.set_info(format!("next load goes to {label}"));
            Vec::new()
        }
        Action::Back => {
            if app.session.is_some() {
                app.screen = Screen::Preflight;
            }
            Vec::new()
        }
        Action::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        Action::Quit => quit(app),
        _ => Vec::new(),
    }
}

/// The check so far of the load under way. The first one opens the table on the
/// Pre-flight screen; later ones fill it in where the admin is.
fn on_partial(app: &mut App, p: super::msg::Partial) -> Vec<Cmd> {
    if !app.load.loading {
        // News from a load that was stopped: what it checked is already kept.
        return Vec::new();
    }
    let super::msg::Partial {
        list,
        snapshot,
        result,
        checking,
        allowed_per_s,
    } = p;
    match list {
        Some((path, list)) => {
            let mut session = Session::new(path, list, snapshot, result, None);
            session.target = app
                .load
                .targets
                .get(app.load.target)
                .cloned()
                .unwrap_or_default();
            let rows = session.list.rows.len();
            session.apply_partial_checking(checking);
            app.session = Some(session);
            app.table = Default::default();
            app.report = None;
            app.failures = Default::default();
            rebuild_view(app);
            if app.screen == Screen::Load {
                app.screen = Screen::Preflight;
            }
            app.set_info(format!(
                "{rows} rows read; the org is loading — rows fill in as they are checked (Esc stops loading)"
            ));
        }
        None => {
            if let Some(s) = &mut app.session {
                s.apply_partial(snapshot, result, checking);
                if allowed_per_s.is_some() {
                    s.allowed_per_s = allowed_per_s;
                }
                rebuild_view(app);
            }
        }
    }
    Vec::new()
}

/// Esc while loading: stop the load; rows already checked stay, the rest are blocked with
/// a finding that says to reload.
fn cancel_load(app: &mut App) -> Vec<Cmd> {
    app.load.loading = false;
    app.load.note = None;
    match app.session.as_mut().filter(|s| s.checking_count > 0) {
        Some(s) => {
            let n = s.stop_checking();
            let checked = s.list.rows.len() - n;
            rebuild_view(app);
            app.set_info(format!(
                "loading stopped: {checked} rows checked; {n} rows not checked against the org and blocked (org_not_checked) — reload the list to check them"
            ));
        }
        None => app.set_info("loading stopped"),
    }
    vec![Cmd::CancelLoad]
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

/// Start loading `path` (also used at startup when a file was given on the command line).
pub fn start_load(app: &mut App, path: PathBuf) -> Vec<Cmd> {
    if app.run_in_progress() {
        app.set_error("a run is in progress; wait for it to finish or cancel it (c) first");
        return Vec::new();
    }
    app.load.input = Input::new(path.display().to_string());
    app.load.loading = true;
    app.load.error = None;
    app.load.note = None;
    app.load.progress.clear();
    app.screen = Screen::Load;
    app.set_info(format!("loading {}", path.display()));
    vec![Cmd::Load {
        path,
        target: app.load.target,
    }]
}

fn on_completions(app: &mut App, list: Vec<String>) {
    match list.len() {
        0 => app.set_error("no file matches that path"),
        1 => {
            app.load.input = Input::new(list[0].clone());
            app.load.completions.clear();
        }
        _ => {
            let mut prefix = list[0].clone();
            for s in &list[1..] {
                while !s.starts_with(&prefix) {
                    prefix.pop();
                }
            }
            if prefix.chars().count() > app.load.input.value().chars().count() {
                app.load.input = Input::new(prefix);
            }
            app.load.completions = list;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pre-flight
// ---------------------------------------------------------------------------------------------

fn on_preflight(app: &mut App, a: Action) -> Vec<Cmd> {
    if app.session.is_none() {
        return Vec::new();
    }
    let page = layout::table_rows(app.size).max(1) as isize;
    match a {
        Action::Up => move_table(app, -1),
        Action::Down => move_table(app, 1),
        Action::PageUp => move_table(app, -page),
        Action::PageDown => move_table(app, page),
        Action::Top => move_table(app, isize::MIN / 2),
        Action::Bottom => move_table(app, isize::MAX / 2),
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
            if let Some(index) = selected_index(app) {
                open_edit(app, index);
            }
        }
        Action::ApplySuggestion => apply_fix(app),
        Action::Skip => {
            if let Some(index) = selected_index(app)
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

pub fn selected_index(app: &App) -> Option<usize> {
    app.table.view.get(app.table.selected).map(|i| *i as usize)
}

fn move_table(app: &mut App, delta: isize) {
    let n = app.table.view.len();
    if n == 0 {
        return;
    }
    let before = app.table.selected;
    let sel = (app.table.selected as isize).saturating_add(delta);
    app.table.selected = sel.clamp(0, n as isize - 1) as usize;
    clamp_table(app);
    if before != app.table.selected {
        focus_first_finding(app);
    }
}

fn clamp_table(app: &mut App) {
    let n = app.table.view.len();
    if n == 0 {
        app.table.selected = 0;
        app.table.offset = 0;
        return;
    }
    app.table.selected = app.table.selected.min(n - 1);
    let h = layout::table_rows(app.size);
    app.table.offset = layout::scroll_into_view(app.table.selected, app.table.offset, h);
    clamp_failures(app);
}

/// Put the cell cursor on the field of the selected row's first finding (if it has one).
fn focus_first_finding(app: &mut App) {
    let Some(index) = selected_index(app) else {
        return;
    };
    let Some(s) = &app.session else { return };
    let col = s
        .findings_of(index)
        .filter(|f| f.severity == Severity::Error)
        .chain(s.findings_of(index))
        .find_map(|f| finding_col(s, f));
    if let Some(col) = col {
        app.table.col = col;
    }
}

/// The column of a finding's field in the list.
pub fn finding_col(s: &Session, f: &Finding) -> Option<usize> {
    let name = f.field.as_deref()?;
    if let Some(i) = s
        .list
        .headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
    {
        return Some(i);
    }
    let field = Field::ALL.iter().find(|x| x.as_str() == name)?;
    s.col_of(*field).or(match field {
        Field::Name => s.col_of(Field::FirstName),
        _ => None,
    })
}

fn jump_error(app: &mut App, forward: bool) {
    let Some(s) = &app.session else { return };
    let n = app.table.view.len();
    if n == 0 {
        return;
    }
    let start = app.table.selected;
    for step in 1..=n {
        let pos = if forward {
            (start + step) % n
        } else {
            (start + n - (step % n)) % n
        };
        let idx = app.table.view[pos] as usize;
        if s.errors(idx) > 0 && !s.skipped.contains(&idx) {
            app.table.selected = pos;
            clamp_table(app);
            focus_first_finding(app);
            return;
        }
    }
    app.set_info("no (unskipped) row with an error in this view");
}

/// Re-filter and re-sort the table, keeping the selected row when it is still visible.
pub fn rebuild_view(app: &mut App) {
    let Some(s) = &app.session else {
        app.table.view.clear();
        return;
    };
    let keep = app.table.view.get(app.table.selected).copied();
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
    app.table.selected = keep
        .and_then(|k| view.iter().position(|v| *v == k))
        .unwrap_or(0);
    app.table.view = view;
    clamp_table(app);
}

/// Whether row `i` passes the filter; `cols` are the text-searched columns.
fn matches_filter(s: &Session, i: usize, f: &Filter, cols: &[usize]) -> bool {
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
fn contains_ci(hay: &str, needle: &str) -> bool {
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

fn open_edit(app: &mut App, index: usize) {
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
fn commit_edit(app: &mut App, index: usize, col: usize, value: String) -> Vec<Cmd> {
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

/// The finding the cell cursor points at (or the row's first finding with a suggestion).
fn selected_finding(app: &App) -> Option<(usize, Finding)> {
    let index = selected_index(app)?;
    let s = app.session.as_ref()?;
    let at_col = s
        .findings_of(index)
        .find(|f| finding_col(s, f) == Some(app.table.col));
    let f = at_col.or_else(|| s.findings_of(index).next())?;
    Some((index, f.clone()))
}

fn apply_fix(app: &mut App) {
    let Some(index) = selected_index(app) else {
        return;
    };
    let Some(s) = &app.session else { return };
    // Prefer a suggestion on the selected cell, else the row's first suggestion.
    let on_col = s
        .findings_of(index)
        .find(|f| f.suggestion.is_some() && finding_col(s, f) == Some(app.table.col));
    let any = s.findings_of(index).find(|f| f.suggestion.is_some());
    let Some(f) = on_col.or(any).cloned() else {
        app.set_error("no suggestion for this row; edit the cell with e");
        return;
    };
    let Some(col) = finding_col(s, &f) else {
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
fn skip_code(app: &mut App) -> Vec<Cmd> {
    let Some((_, f)) = selected_finding(app) else {
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
fn skip_rows(app: &mut App, code: FindingCode, rows: &[usize]) -> Vec<Cmd> {
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

fn undo(app: &mut App) -> Vec<Cmd> {
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

/// `hires.csv` → `hires.fixed.csv` beside it.
pub fn default_save_path(source: &Path) -> PathBuf {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hires".into());
    source.with_file_name(format!("{stem}.fixed.csv"))
}

fn submit_prompt(app: &mut App) -> Vec<Cmd> {
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

/// Saving over the loaded list would lose the original the journal and reports refer to.
pub const REFUSE_SAVE_OVER_INPUT: &str = "that is the list you loaded: save the edited list to a new file (the original stays as it was)";

fn same_file(a: &Path, b: &Path) -> bool {
    let norm = |p: &Path| p.components().collect::<PathBuf>();
    norm(a) == norm(b)
}

// ---------------------------------------------------------------------------------------------
// Plan and Run
// ---------------------------------------------------------------------------------------------

fn on_plan(app: &mut App, a: Action) -> Vec<Cmd> {
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
            if rows.is_empty() {
                app.set_error("nothing to run: every row is blocked, skipped or unchanged");
                return Vec::new();
            }
            if app.run.active {
                app.set_error("a run is already in progress");
                return Vec::new();
            }
            let counts = s
                .status_counts()
                .into_iter()
                .filter(|(a, n)| super::app::is_runnable(*a) && *n > 0)
                .collect();
            let requests = s.estimate();
            app.overlay = Some(Overlay::Confirm(Question::Provision {
                rows,
                counts,
                requests,
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
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let page = layout::plan_rows(app.size).max(1) as isize;
            let delta = match a {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page,
                Action::PageDown => page,
                Action::Top => isize::MIN / 2,
                _ => isize::MAX / 2,
            };
            app.plan.selected = (app.plan.selected as isize).saturating_add(delta).max(0) as usize;
            clamp_plan(app);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Keep the Plan's cursor on a listed row and visible.
fn clamp_plan(app: &mut App) {
    let n = app.plan_rows().len();
    app.plan.selected = app.plan.selected.min(n.saturating_sub(1));
    app.plan.offset = layout::scroll_into_view(
        app.plan.selected,
        app.plan.offset,
        layout::plan_rows(app.size),
    );
}

/// Start the engine on these row numbers (their current plan after any fixes).
fn start_run(app: &mut App, rows: Vec<usize>) -> Vec<Cmd> {
    if app.run.active {
        app.set_error("a run is already in progress");
        return Vec::new();
    }
    let Some(s) = &app.session else {
        return Vec::new();
    };
    let wanted: BTreeSet<usize> = rows.iter().copied().collect();
    let mut plan = s.result.plan.clone();
    plan.rows.retain(|r| {
        wanted.contains(&r.row)
            && s.index_of_row(r.row)
                .is_some_and(|i| super::app::is_runnable(s.status(i)))
    });
    if plan.rows.is_empty() {
        app.set_error("those rows cannot run: fix their errors or unskip them first");
        return Vec::new();
    }
    let allowed = s.allowed_per_s;
    let runs = app.run.runs + 1;
    app.run = Default::default();
    app.run.runs = runs;
    app.run.active = true;
    app.run.rows = plan.rows.iter().map(|r| r.row).collect();
    app.run.total = plan.rows.len();
    app.run.allowed_per_s = allowed;
    app.screen = Screen::Run;
    app.set_info(if runs == 1 {
        format!("running {} rows", plan.rows.len())
    } else {
        format!("retrying {} row(s)", plan.rows.len())
    });
    vec![Cmd::StartRun { plan }]
}

fn retry_rows(app: &mut App, rows: &[usize]) -> Vec<Cmd> {
    if rows.is_empty() {
        app.set_info("no failed rows to retry");
        return Vec::new();
    }
    start_run(app, rows.to_vec())
}

fn on_run(app: &mut App, a: Action) -> Vec<Cmd> {
    match a {
        Action::Pause if app.run.active && !app.run.cancelling => {
            if app.run.paused {
                app.run.paused = false;
                vec![Cmd::Resume]
            } else {
                app.run.paused = true;
                vec![Cmd::Pause]
            }
        }
        Action::Cancel if app.run.active && !app.run.cancelling => {
            app.overlay = Some(Overlay::Confirm(Question::CancelRun));
            Vec::new()
        }
        Action::Pause | Action::Cancel => {
            app.set_info("no run in progress");
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Cancel the run safely (`c` confirmed, or a signal): in-flight steps finish.
fn cancel_run(app: &mut App) -> Vec<Cmd> {
    if !app.run.active {
        app.set_info("the run has already finished");
        return Vec::new();
    }
    if app.run.cancelling {
        return Vec::new();
    }
    app.run.cancelling = true;
    app.set_info("cancelling: in-flight steps finish, the journal stays intact");
    vec![Cmd::Cancel]
}

fn on_engine(app: &mut App, ev: EngineEvent) -> Vec<Cmd> {
    app.run.apply(&ev);
    if let EngineEvent::Finished { report, cancelled } = &ev {
        app.merge_report(report);
        // Failures opens on its first failed row (`Enter`, `r`, `e` act on a row).
        app.failures.selected = first_row_line(&app.failure_items());
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

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

fn on_failures(app: &mut App, a: Action) -> Vec<Cmd> {
    let items = app.failure_items();
    let page = layout::failure_rows(app.size).max(1) as isize;
    let line = app.failures.selected;
    let sel_row = match items.get(line) {
        Some(FailureItem::Row { row }) => Some(*row),
        _ => None,
    };
    let heading = heading_label(&items, line);
    match a {
        Action::Up => move_failures(app, -1),
        Action::Down => move_failures(app, 1),
        Action::PageUp => move_failures(app, -page),
        Action::PageDown => move_failures(app, page),
        Action::Top => move_failures(app, isize::MIN / 2),
        Action::Bottom => move_failures(app, isize::MAX / 2),
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
            app.failures.selected = first_row_line(&app.failure_items());
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
fn skip_failed(app: &mut App, rows: &[usize], what: Option<String>) -> Vec<Cmd> {
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

fn move_failures(app: &mut App, delta: isize) {
    let n = app.failure_items().len();
    if n == 0 {
        app.failures.selected = 0;
        return;
    }
    let sel = (app.failures.selected as isize).saturating_add(delta);
    app.failures.selected = sel.clamp(0, n as isize - 1) as usize;
    clamp_failures(app);
}

/// The line of the first failed row (past its headings), 0 when there is none.
fn first_row_line(items: &[FailureItem]) -> usize {
    items.iter().position(FailureItem::is_row).unwrap_or(0)
}

/// Keep the failures cursor valid and visible.
fn clamp_failures(app: &mut App) {
    let n = app.failure_items().len();
    if n == 0 {
        app.failures.selected = 0;
        app.failures.offset = 0;
        return;
    }
    app.failures.selected = app.failures.selected.min(n - 1);
    let h = layout::failure_rows(app.size);
    app.failures.offset = layout::scroll_into_view(app.failures.selected, app.failures.offset, h);
}

/// Jump to the row in Pre-flight with the editor open on the field that failed; retry it
/// when the edit is committed and the row has no errors left.
fn edit_then_retry(app: &mut App, row: usize) {
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
        app.table.selected = pos;
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

/// The hire-list column behind an engine step, for "edit and retry".
pub fn step_field(step: Step) -> Option<Field> {
    Some(match step {
        Step::CreateUser | Step::Lookup | Step::Invite | Step::Verify => Field::Email,
        Step::Manager => Field::ManagerEmail,
        Step::Division => Field::Division,
        Step::Roles => Field::Roles,
        Step::Skills => Field::Skills,
        Step::Languages => Field::Languages,
        Step::Queues => Field::Queues,
        Step::Licenses => Field::Licenses,
        Step::ExternalId => Field::ExternalId,
        Step::UpdateUser => Field::Title,
        Step::RestoreUser | Step::ReactivateUser | Step::DeactivateUser | Step::Password => {
            return None;
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Mouse
// ---------------------------------------------------------------------------------------------

fn on_mouse(app: &mut App, ev: MouseEvent) -> Vec<Cmd> {
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
                (Some(Overlay::Help { .. }), _) => {
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
                _ => {}
            }
        }
    }
    Vec::new()
}

fn click(app: &mut App, x: u16, y: u16) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let chrome = layout::chrome(area);
    let pos = Position::new(x, y);
    if app.overlay.is_some() {
        return;
    }
    if chrome.tabs.contains(pos) {
        let titles = super::view::tab_titles();
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
            let t = layout::preflight(chrome.body).table;
            if t.contains(pos) && y > t.y {
                let pos = app.table.offset + (y - t.y - 1) as usize;
                if pos < app.table.view.len() {
                    app.table.selected = pos;
                    clamp_table(app);
                    focus_first_finding(app);
                }
            }
        }
        Screen::Failures => {
            let (list, _) = layout::failures(chrome.body);
            if list.contains(pos) && y > list.y {
                let line = app.failures.offset + (y - list.y - 1) as usize;
                if line < app.failure_items().len() {
                    app.failures.selected = line;
                    clamp_failures(app);
                }
            }
        }
        _ => {}
    }
}

/// Whether the row can run given its plan action (re-exported for views).
pub fn runnable_action(a: PlanAction) -> bool {
    super::app::is_runnable(a)
}
