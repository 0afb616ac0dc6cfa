//! The Drift tab: its keys (move, diff, filter, fix, export, re-run) and the drift
//! messages (a drift loaded or failed, a fix done). Fixes and re-runs are commands the
//! driver runs through the services; nothing here waits.

use super::*;
use crate::tui::app::{DriftFix, DriftFixed, DriftLoaded};
use crate::tui::multi_org::MultiOrgRequest;

/// Run a drift for `request` and show it on the Drift tab (the Load form's Drift mode,
/// `onboard drift … --tui`, and `r`).
pub fn start_drift(app: &mut App, request: MultiOrgRequest) -> Vec<Cmd> {
    app.drift.busy = Some("drifting".into());
    app.screen = Screen::Drift;
    app.set_info(format!(
        "drift: reading {} (read-only)…",
        request.targets.join(", ")
    ));
    vec![Cmd::Drift(request)]
}

/// The user lines the matrix shows now.
fn matrix_height(app: &App) -> usize {
    let body = layout::chrome(Rect::new(0, 0, app.size.0, app.size.1)).body;
    app.drift.layout(body).matrix.height as usize
}

/// Keep the cursor on a shown line and in view.
pub(super) fn clamp_drift(app: &mut App) {
    let h = matrix_height(app);
    let len = app.drift.view.len();
    app.drift.cursor.clamp(len, h);
}

pub(super) fn on_drift_loaded(app: &mut App, loaded: DriftLoaded) -> Vec<Cmd> {
    app.drift.busy = None;
    let s = loaded.report.summary();
    let failed: Vec<String> = loaded
        .failed
        .iter()
        .map(|(org, e)| format!("{org}: {e}"))
        .collect();
    app.drift.show(loaded);
    app.screen = Screen::Drift;
    clamp_drift(app);
    if failed.is_empty() {
        app.set_info(format!(
            "drift: {} targets, {} in sync, {} drifted, {} missing, {} items",
            s.targets, s.in_sync, s.drifted, s.missing, s.items
        ));
    } else {
        app.set_error(format!(
            "drift: {} org(s) could not be read — {}",
            failed.len(),
            failed.join("; ")
        ));
    }
    Vec::new()
}

pub(super) fn on_drift_failed(app: &mut App, e: String) -> Vec<Cmd> {
    app.drift.busy = None;
    app.set_error(format!(
        "drift could not run: {e}; fix the request (reference, targets, profiles) and run it again"
    ));
    Vec::new()
}

pub(super) fn on_drift_fixed(app: &mut App, fixed: DriftFixed) -> Vec<Cmd> {
    app.drift.busy = None;
    let done = fixed.lines.join("; ");
    match fixed.after {
        Ok(loaded) => {
            let s = loaded.report.summary();
            app.drift.show(loaded);
            clamp_drift(app);
            let text = format!(
                "fixed — {done}; drift again: {} drifted, {} missing, {} in sync",
                s.drifted, s.missing, s.in_sync
            );
            if fixed.ok {
                app.set_info(text);
            } else {
                app.set_error(text);
            }
        }
        Err(e) => app.set_error(format!(
            "fixed — {done}; but the drift could not run again: {e}; press r to retry"
        )),
    }
    Vec::new()
}

pub(super) fn on_drift(app: &mut App, action: Action) -> Vec<Cmd> {
    let height = matrix_height(app);
    if let Some(delta) = ListCursor::delta(action, height) {
        let len = app.drift.view.len();
        app.drift.cursor.move_by(delta, len, height);
        return Vec::new();
    }
    let d = &mut app.drift;
    match action {
        Action::Left => d.col = d.col.saturating_sub(1),
        Action::Right => d.col = (d.col + 1).min(d.matrix.orgs.len().saturating_sub(1)),
        Action::Open if d.selected().is_some() => {
            d.diff_open = !d.diff_open;
            clamp_drift(app);
        }
        Action::Back if d.diff_open => {
            d.diff_open = false;
            clamp_drift(app);
        }
        Action::Back if !d.filter.is_empty() => set_drift_filter(app, ""),
        Action::Filter if d.loaded.is_some() => {
            app.prompt = Some(Prompt {
                kind: PromptKind::DriftFilter {
                    before: d.filter.clone(),
                },
                input: Input::new(d.filter.clone()),
            });
        }
        Action::Export if d.loaded.is_some() => {
            app.prompt = Some(Prompt {
                kind: PromptKind::Export,
                input: Input::new("drift.json".into()),
            });
        }
        Action::FixDrift => ask_fix(app, false),
        Action::FixAllDrift => ask_fix(app, true),
        Action::Retry => match request(app) {
            Some(r) => return start_drift(app, r),
            None => app.set_error("no drift request to run again: start one from Load (F3: Drift)"),
        },
        _ => {}
    }
    Vec::new()
}

/// The request of the drift shown, while nothing runs.
fn request(app: &App) -> Option<MultiOrgRequest> {
    if app.drift.busy.is_some() {
        return None;
    }
    app.drift.loaded.as_ref()?.request.clone()
}

/// `f`/`F`: the confirmation, naming the orgs and the request estimate.
fn ask_fix(app: &mut App, all: bool) {
    if let Some(doing) = &app.drift.busy {
        let doing = doing.clone();
        app.set_info(format!("{doing}… — fixes wait until it is done"));
        return;
    }
    let fix = if all {
        app.drift.fix_all()
    } else {
        app.drift.fix_selected()
    };
    match fix {
        None if all => app.set_info("nothing drifted: every user is in sync"),
        None => app.set_info("this user is in sync in this org (or not a target): nothing to fix"),
        Some(f) if f.orgs.is_empty() => app.set_error(format!(
            "not fixed: error findings in {} (the drift JSON lists them; x exports it) — fix them first, nothing is written there",
            f.blocked.join(", ")
        )),
        Some(f) => app.overlay = Some(Overlay::Confirm(Question::FixDrift(f))),
    }
}

/// The fix was confirmed: the pairs of writable orgs go to the engine.
pub(super) fn confirm_fix(app: &mut App, fix: DriftFix) -> Vec<Cmd> {
    let Some(request) = request(app) else {
        app.set_error("no drift request to fix against: run the drift again first (r)");
        return Vec::new();
    };
    let pairs: Vec<(String, String)> = fix
        .pairs
        .into_iter()
        .filter(|(org, _)| fix.orgs.contains(org))
        .collect();
    app.drift.busy = Some(format!("fixing {} user(s)", pairs.len()));
    app.set_info(format!(
        "fixing {} user(s) in {} — then the drift runs again",
        pairs.len(),
        fix.orgs.join(", ")
    ));
    vec![Cmd::FixDrift { request, pairs }]
}

/// The `/` filter (live while typing): group or code, case-insensitive.
pub(super) fn set_drift_filter(app: &mut App, value: &str) {
    app.drift.filter = value.trim().to_lowercase();
    app.drift.rebuild_view();
    clamp_drift(app);
}

/// The export prompt's path on Drift: the JSON there, the CSV beside it.
pub(super) fn export_drift(app: &mut App, typed: &str) -> Vec<Cmd> {
    let Some(report) = app.drift.report() else {
        app.set_error("nothing to export yet: run a drift first");
        return Vec::new();
    };
    if typed.trim().is_empty() {
        app.set_error("type a file name to export the drift to (e.g. drift.json)");
        return Vec::new();
    }
    let (json, csv) = drift_paths(typed.trim());
    vec![Cmd::ExportDrift {
        json,
        csv,
        report: Box::new(report.clone()),
    }]
}

/// `drift.json`, `drift.csv` or `drift` → (`drift.json`, `drift.csv`).
pub fn drift_paths(typed: &str) -> (PathBuf, PathBuf) {
    let path = PathBuf::from(typed);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let base = if ext == "json" || ext == "csv" {
        path.with_extension("")
    } else {
        path
    };
    let with = |e: &str| {
        let mut s = base.clone().into_os_string();
        s.push(e);
        PathBuf::from(s)
    };
    (with(".json"), with(".csv"))
}

#[cfg(test)]
mod tests {
    use super::drift_paths;
    use std::path::PathBuf;

    #[test]
    fn the_export_writes_json_and_csv_side_by_side() {
        let both = (PathBuf::from("out/d.json"), PathBuf::from("out/d.csv"));
        assert_eq!(drift_paths("out/d.json"), both);
        assert_eq!(drift_paths("out/d.CSV"), both);
        assert_eq!(drift_paths("out/d"), both);
        assert_eq!(
            drift_paths("nightly.2026"),
            (
                PathBuf::from("nightly.2026.json"),
                PathBuf::from("nightly.2026.csv")
            )
        );
    }
}
