//! The Load screen and the progressive load: picking a file, the partial checks, the end of a load.

use super::*;

pub(super) fn on_load(app: &mut App, a: Action) -> Vec<Cmd> {
    match a {
        Action::LoadSubmit => {
            let (hires, queues) = app.load.paths();
            if hires.is_empty() && queues.is_empty() {
                app.set_error("type the path of a hire list (CSV) or, with F3 (Queues mode), of a queue list; or pick a recent file with ↑/↓");
                return Vec::new();
            }
            let path = |p: String| (!p.is_empty()).then(|| PathBuf::from(p));
            let files = crate::tui::app::LoadFiles {
                hires: path(hires),
                queues: path(queues),
            };
            let unsaved = app.session.as_ref().is_some_and(|s| s.unsaved)
                || app.queues.as_ref().is_some_and(|q| q.unsaved);
            if unsaved {
                app.overlay = Some(Overlay::Confirm(Question::LoadUnsaved(files)));
                return Vec::new();
            }
            start_load(app, files)
        }
        Action::SwitchField => {
            app.load.cycle_mode();
            Vec::new()
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
            // Back to the Pre-flight of what the mode has: the Clone's orgs, or the list.
            let clone_open =
                app.load.mode == crate::tui::app::LoadMode::Clone && app.orgs.is_some();
            if app.session.is_some() || clone_open {
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
pub(super) fn on_partial(app: &mut App, p: crate::tui::msg::Partial) -> Vec<Cmd> {
    if !app.load.loading {
        // News from a load that was stopped: what it checked is already kept.
        return Vec::new();
    }
    let crate::tui::msg::Partial {
        list,
        snapshot,
        result,
        checking,
        allowed,
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
            // The queue list of this load arrives with its end.
            app.queues = None;
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
                if allowed.is_some() {
                    s.allowed = allowed;
                }
                rebuild_view(app);
            }
        }
    }
    Vec::new()
}

/// Esc while loading: stop the load; rows already checked stay, the rest are blocked with
/// a finding that says to reload.
pub(super) fn cancel_load(app: &mut App) -> Vec<Cmd> {
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

/// Start loading `files` (also used at startup when files were given on the command line).
pub fn start_load(app: &mut App, files: impl Into<crate::tui::app::LoadFiles>) -> Vec<Cmd> {
    let files = files.into();
    if app.run_in_progress() {
        app.set_error("a run is in progress; wait for it to finish or cancel it (c) first");
        return Vec::new();
    }
    app.load.show_files(&files);
    // A list replaces a Clone that was open.
    app.orgs = None;
    app.load.loading = true;
    app.load.error = None;
    app.load.note = None;
    app.load.progress.clear();
    app.screen = Screen::Load;
    app.set_info(format!("loading {}", files.describe()));
    vec![Cmd::Load {
        files,
        target: app.load.target,
    }]
}

pub(super) fn on_completions(app: &mut App, list: Vec<String>) {
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

/// The load finished: complete the rows shown while it loaded, or open the new list.
pub(super) fn on_loaded(app: &mut App, l: crate::tui::msg::Loaded) -> Vec<Cmd> {
    app.load.loading = false;
    app.load.error = None;
    app.load.note = None;
    // The table has been showing this load's partial results: complete them in
    // place, keeping the admin's place.
    let queues = l
        .queues
        .map(|q| crate::tui::app::QueueSession::new(q.path, q.list, q.org, q.options, q.check));
    if let Some(s) = app
        .session
        .as_mut()
        .filter(|s| s.checking_count > 0 || !s.checking.is_empty())
    {
        s.apply_partial(l.snapshot, l.result, Vec::new());
        s.allowed = l.allowed;
        let (e, w) = s.severity_totals();
        let rows = s.list.rows.len();
        app.queues = queues;
        show_queues_if_no_hires(app);
        rebuild_view(app);
        app.set_info(format!(
            "org loaded: {rows} rows checked, {e} errors, {w} warnings{}",
            queue_summary(app)
        ));
        return Vec::new();
    }
    let name = l.path.display().to_string();
    let mut session = Session::new(l.path, l.list, l.snapshot, l.result, l.allowed);
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
    app.queues = queues;
    show_queues_if_no_hires(app);
    app.table = Default::default();
    app.report = None;
    app.failures = Default::default();
    rebuild_view(app);
    focus_first_finding(app);
    app.screen = Screen::Preflight;
    app.set_info(format!(
        "loaded {} ({rows} rows{separator}): {e} errors, {w} warnings{}",
        crate::model::sanitize(&name),
        queue_summary(app)
    ));
    Vec::new()
}

/// A load of a queue list alone opens on the Queues table.
fn show_queues_if_no_hires(app: &mut App) {
    let no_hires = app.session.as_ref().is_none_or(|s| s.list.rows.is_empty());
    if let Some(q) = &mut app.queues {
        q.shown = no_hires;
    }
}

/// `; queues: 12 rows, 1 error, 0 warnings` for the status line (empty without a queue list).
fn queue_summary(app: &App) -> String {
    match &app.queues {
        Some(q) => {
            let (e, w) = q.totals();
            format!(
                "; queues: {} rows, {e} errors, {w} warnings",
                q.list.rows.len()
            )
        }
        None => String::new(),
    }
}

/// The load failed: say why; rows already checked keep what was checked.
pub(super) fn on_load_failed(app: &mut App, e: String) -> Vec<Cmd> {
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
