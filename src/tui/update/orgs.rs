//! A Clone across several orgs: the Load form (F3 → Clone/Drift), the prepared orgs on
//! Pre-flight with their mapping actions, the org × action Plan and its confirmation, the
//! per-org runs, and the failures by org.

use super::*;
use crate::tui::app::{LoadMode, OrgsSession, Picker};
use crate::tui::multi_org::TargetUsers;
use crate::tui::org_check::{MapRowText, MultiPrepared, OrgChecked, missing_item};
use crossterm::event::KeyCode;

/// A key on the Load screen in Clone or Drift mode.
pub(super) fn on_form_key(app: &mut App, action: Option<Action>, ev: KeyEvent) -> Vec<Cmd> {
    let orgs = app.load.targets.len();
    let mode = app.load.mode;
    let form = &mut app.load.form;
    form.targets.resize(orgs, false);
    let field = form.current(mode, orgs);
    match action {
        Some(Action::LoadSubmit) => return submit_form(app),
        Some(Action::Up) => form.move_field(false, mode, orgs),
        Some(Action::Down | Action::Complete) => form.move_field(true, mode, orgs),
        Some(Action::SwitchField) => app.load.cycle_mode(),
        Some(a @ (Action::Back | Action::Help | Action::Quit | Action::NextProfile)) => {
            return on_load(app, a);
        }
        _ => match ev.code {
            KeyCode::Left if !field.is_text() => form.left_right(false, mode, orgs),
            KeyCode::Right if !field.is_text() => form.left_right(true, mode, orgs),
            KeyCode::Char(' ') if !field.is_text() => form.toggle(mode, orgs),
            _ => {
                if let Some(input) = form.input_mut(field) {
                    input.handle_event(&Event::Key(ev));
                }
            }
        },
    }
    Vec::new()
}

/// Enter on the form: a Clone is prepared (every target org read and checked); a Drift
/// request runs and opens the Drift tab.
fn submit_form(app: &mut App) -> Vec<Cmd> {
    let req = match app.load.form.request(app.load.mode, &app.load.targets) {
        Ok(r) => r,
        Err(e) => {
            app.set_error(e);
            return Vec::new();
        }
    };
    if app.load.mode == LoadMode::Drift {
        return super::drift::start_drift(app, req);
    }
    if app.run_in_progress() || app.orgs.as_ref().is_some_and(|o| o.run_active()) {
        app.set_error("a run is in progress; wait for it to finish or cancel it first");
        return Vec::new();
    }
    app.load.loading = true;
    app.load.error = None;
    app.load.note = None;
    app.load.org_progress.clear();
    app.set_info(format!(
        "preparing the clone: reading the reference, then {} target org(s) at once",
        req.targets.len()
    ));
    vec![Cmd::PrepareOrgs(req)]
}

/// The request is prepared: open Pre-flight on it.
pub(super) fn on_orgs_prepared(app: &mut App, p: MultiPrepared) -> Vec<Cmd> {
    app.load.loading = false;
    app.load.error = None;
    let session = OrgsSession::new(p.request.clone(), p);
    let badges = badges(&session);
    let reference_errors = session
        .reference
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    app.orgs = Some(session);
    app.screen = Screen::Preflight;
    if reference_errors {
        app.set_error("the reference has an error (see the Reference panel): no org is written");
    } else {
        app.set_info(format!(
            "clone prepared: {badges} — [ ] switch org, 0 all orgs, 3 the plan"
        ));
    }
    Vec::new()
}

pub(super) fn on_orgs_failed(app: &mut App, e: String) -> Vec<Cmd> {
    app.load.loading = false;
    app.load.error = Some(e.clone());
    app.set_error(e);
    Vec::new()
}

/// `us ✖3 ⚠1 · apac ✔`.
pub fn badges(s: &OrgsSession) -> String {
    s.orgs
        .iter()
        .map(|o| o.badge())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A mapping action's re-check came back.
pub(super) fn on_org_rechecked(
    app: &mut App,
    org: String,
    map: Option<PathBuf>,
    note: String,
    result: Result<Box<OrgChecked>, String>,
) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    if let Some(path) = &map {
        // The form shows the file the actions write, and a later prepare reads it.
        let shown = path.display().to_string();
        if app.load.form.map.value() != shown {
            app.load.form.map = Input::new(shown);
        }
        s.map = map.clone();
        s.request.map = map;
    }
    let Some(i) = s.index_of(&org) else {
        return Vec::new();
    };
    s.orgs[i].rechecking = false;
    let retry = s.orgs[i].retry.take();
    match result {
        Ok(c) => {
            s.orgs[i].check = Ok(*c);
            let badge = s.orgs[i].badge();
            let n = s.shown_findings().len();
            let height = findings_height(app.size);
            if let Some(s) = &mut app.orgs {
                s.cursor.clamp(n, height);
            }
            if let Some(rows) = retry {
                return retry_after_recheck(app, i, rows);
            }
            app.set_info(format!("{note}; re-checked: {badge}"));
        }
        Err(e) => app.set_error(format!("{note}, but re-checking '{org}' failed: {e}")),
    }
    Vec::new()
}

/// `r` on a failed row of a Clone: re-check its org against a fresh read first (the
/// same preparation as the first run: snapshot, checks, plan), then run the rows that
/// read still plans.
fn retry_org_rows(app: &mut App, org: usize, rows: Vec<usize>) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    if s.run_active() {
        app.set_error("a run is in progress: retry once it has finished (or cancel it: x)");
        return Vec::new();
    }
    let Some(o) = s.orgs.get_mut(org) else {
        return Vec::new();
    };
    let profile = o.profile.clone();
    if o.rechecking {
        app.set_error(format!("'{profile}' is being re-checked: wait for it"));
        return Vec::new();
    }
    o.rechecking = true;
    o.retry = Some(rows.clone());
    let cmd = Cmd::RecheckOrg {
        org: profile.clone(),
        map: s.map.clone(),
        create: o.create_kinds(&s.request),
        note: format!("retry in {profile}"),
    };
    app.set_info(format!(
        "retrying {} in {profile}: reading {profile} again first…",
        rows_label(&rows)
    ));
    vec![cmd]
}

/// `row 3` or `3 rows`.
fn rows_label(rows: &[usize]) -> String {
    match rows {
        [one] => format!("row {one}"),
        _ => format!("{} rows", rows.len()),
    }
}

/// The fresh read is back: run the rows it still plans a write for; a row it finds done
/// leaves Failures, one with an error now stays (Pre-flight says why).
fn retry_after_recheck(app: &mut App, org: usize, rows: Vec<usize>) -> Vec<Cmd> {
    use crate::model::PlanAction;
    let height = findings_height(app.size);
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let o = &mut s.orgs[org];
    let profile = o.profile.clone();
    let Ok(c) = &o.check else {
        return Vec::new();
    };
    if c.blocked() {
        let errors = c.errors();
        app.set_error(format!(
            "'{profile}' has {errors} error finding(s) now: nothing retried (see Pre-flight, 2)"
        ));
        return Vec::new();
    }
    let action = |row: usize| c.rows.iter().find(|(r, _)| *r == row).map(|(_, a)| *a);
    let (mut run, mut done, mut blocked) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        match action(row) {
            Some(PlanAction::Unchanged) => done.push(row),
            Some(
                PlanAction::Create
                | PlanAction::Update
                | PlanAction::Restore
                | PlanAction::Reactivate
                | PlanAction::Deactivate,
            ) => run.push(row),
            _ => blocked.push(row),
        }
    }
    // Rows the fresh read shows as the reference says have nothing left to retry.
    o.run.failed.retain(|r| !done.contains(&r.row));
    let mut said = Vec::new();
    if !done.is_empty() {
        said.push(format!("{} already done in {profile}", rows_label(&done)));
    }
    if !blocked.is_empty() {
        said.push(format!(
            "{} blocked by a finding now (see Pre-flight, 2)",
            rows_label(&blocked)
        ));
    }
    if run.is_empty() {
        let what = if said.is_empty() {
            "nothing to retry".to_string()
        } else {
            said.join("; ")
        };
        let len = s.failure_rows().len();
        s.failures.clamp(len, height);
        app.set_info(format!("retry in {profile}: {what}"));
        return Vec::new();
    }
    o.run = o.run.retry(&run);
    if !s.running.contains(&org) {
        s.running.push(org);
    }
    app.screen = Screen::Run;
    said.insert(
        0,
        format!(
            "retrying {} in {profile} as a fresh read plans it",
            rows_label(&run)
        ),
    );
    app.set_info(said.join("; "));
    vec![Cmd::RetryOrg {
        org,
        profile,
        rows: run,
    }]
}

/// The failed rows of a Clone by org, for `R`: (org, its rows).
fn failed_by_org(s: &OrgsSession) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for (org, _, r) in s.failure_rows() {
        match out.last_mut() {
            Some((o, rows)) if *o == org => rows.push(r.row),
            _ => out.push((org, vec![r.row])),
        }
    }
    out
}

/// `R` confirmed: retry every org's failed rows, each org after its own fresh read.
pub(super) fn retry_orgs(app: &mut App, groups: Vec<(usize, Vec<usize>)>) -> Vec<Cmd> {
    if let Some(s) = &mut app.orgs
        && !s.run_active()
    {
        // Run and its summary follow these orgs.
        s.running = groups.iter().map(|(org, _)| *org).collect();
    }
    let mut cmds = Vec::new();
    for (org, rows) in groups {
        cmds.extend(retry_org_rows(app, org, rows));
    }
    cmds
}

/// An event of one org's run.
pub(super) fn on_org_engine(app: &mut App, org: usize, event: EngineEvent) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    if let Some(o) = s.orgs.get_mut(org) {
        o.run.apply(event);
    }
    if s.run_started() && !s.run_active() {
        let failed: usize = s.orgs.iter().map(|o| o.run.failed.len()).sum();
        let summary = s
            .running
            .iter()
            .filter_map(|i| s.orgs.get(*i))
            .map(|o| {
                let status = match (&o.run.finished, &o.run.lost) {
                    (Some((_, true)), _) => "stopped",
                    (Some(_), _) => "done",
                    (None, Some(_)) => "lost",
                    (None, None) => "…",
                };
                format!("{} {status}", o.profile)
            })
            .collect::<Vec<_>>()
            .join(" · ");
        let what = if s
            .running
            .iter()
            .any(|i| s.orgs.get(*i).is_some_and(|o| o.run.retries > 0))
        {
            "retry"
        } else {
            "clone"
        };
        if failed > 0 {
            app.set_error(format!(
                "{what} finished: {summary} — {failed} failed row(s): 5 shows them by org"
            ));
        } else {
            app.set_info(format!("{what} finished: {summary} — no failures"));
        }
    }
    Vec::new()
}

pub(super) fn on_org_run_lost(app: &mut App, org: usize, error: String) -> Vec<Cmd> {
    if let Some(o) = app.orgs.as_mut().and_then(|s| s.orgs.get_mut(org)) {
        o.run.lost = Some(error.clone());
        let name = o.profile.clone();
        app.set_error(format!("the run of '{name}' stopped: {error}"));
    }
    Vec::new()
}

/// Lines the Pre-flight findings table shows, for the cursor's paging.
pub fn findings_height(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(9)).max(1)
}

/// A key on Pre-flight, Plan, Run or Failures while a Clone is open.
pub(super) fn on_orgs_key(app: &mut App, action: Action) -> Vec<Cmd> {
    let height = findings_height(app.size);
    let screen = app.screen;
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let n = s.orgs.len().max(1);
    match action {
        Action::NextOrg | Action::PrevOrg => {
            s.selected = if action == Action::NextOrg {
                (s.selected + 1) % n
            } else {
                (s.selected + n - 1) % n
            };
            s.all = false;
            s.cursor = Default::default();
            let name = s
                .orgs
                .get(s.selected)
                .map(|o| o.badge())
                .unwrap_or_default();
            app.set_info(format!("org {name}"));
            return Vec::new();
        }
        _ => {}
    }
    match (screen, action) {
        (Screen::Preflight, Action::AllOrgs) => {
            s.all = !s.all;
            s.cursor = Default::default();
            Vec::new()
        }
        (Screen::Preflight, a) if ListCursor::delta(a, height).is_some() => {
            let len = s.shown_findings().len();
            if let Some(d) = ListCursor::delta(a, height) {
                s.cursor.move_by(d, len, height);
            }
            Vec::new()
        }
        (Screen::Preflight, Action::ApplySuggestion) => map_action(app, MapChoice::Suggestion),
        (Screen::Preflight, Action::Skip) => map_action(app, MapChoice::Drop),
        (Screen::Preflight, Action::MapPick) => open_picker(app),
        (Screen::Preflight, Action::CreateMissing) => mark_create(app),
        (Screen::Plan, Action::ConfirmRun) => confirm_orgs(app),
        (Screen::Run, Action::Pause) => {
            let running: Vec<usize> = s
                .orgs
                .iter()
                .enumerate()
                .filter(|(_, o)| o.run.active())
                .map(|(i, _)| i)
                .collect();
            if running.is_empty() {
                return Vec::new();
            }
            let all_paused = running.iter().all(|i| s.orgs[*i].run.paused);
            if all_paused {
                app.set_info("resuming every org");
                vec![Cmd::Resume]
            } else {
                app.set_info("pausing every org: in-flight requests finish, nothing new starts");
                vec![Cmd::Pause]
            }
        }
        (Screen::Run, Action::PauseOrg) => {
            let i = s.selected;
            let Some(o) = s.orgs.get(i).filter(|o| o.run.active()) else {
                app.set_error("the selected org is not running: [ ] select another");
                return Vec::new();
            };
            let name = o.profile.clone();
            if o.run.paused {
                app.set_info(format!("resuming {name}"));
                vec![Cmd::ResumeOrg(i)]
            } else {
                app.set_info(format!("pausing {name}; the other orgs go on"));
                vec![Cmd::PauseOrg(i)]
            }
        }
        (Screen::Run, Action::Cancel) if s.run_active() => {
            app.set_info("cancelling every org: in-flight steps finish, journals stay intact");
            vec![Cmd::Cancel]
        }
        (Screen::Failures, a) if ListCursor::delta(a, height).is_some() => {
            let len = s.failure_rows().len();
            if let Some(d) = ListCursor::delta(a, height) {
                s.failures.move_by(d, len, height);
            }
            Vec::new()
        }
        (Screen::Failures, Action::Open) => {
            let rows = s.failure_rows();
            let Some((org, _, r)) = rows.get(s.failures.selected) else {
                return Vec::new();
            };
            let (org, row) = (*org, r.row);
            // The drilldown reads the report: show this org's.
            app.report = Some(s.orgs[org].run.drilldown_report());
            s.drilldown = Some(org);
            app.overlay = Some(Overlay::Drilldown { row });
            Vec::new()
        }
        (Screen::Failures, Action::Retry) => {
            let rows = s.failure_rows();
            let Some((org, _, r)) = rows.get(s.failures.selected) else {
                return Vec::new();
            };
            let (org, row) = (*org, r.row);
            let cmds = retry_org_rows(app, org, vec![row]);
            if let (false, Some(s)) = (cmds.is_empty(), &mut app.orgs) {
                s.running = vec![org];
            }
            cmds
        }
        (Screen::Failures, Action::RetryAll) => {
            let groups = failed_by_org(s);
            if groups.is_empty() {
                app.set_info("no failed rows to retry");
                return Vec::new();
            }
            let lines = groups
                .iter()
                .map(|(org, rows)| format!("{} — {}", s.orgs[*org].profile, rows_label(rows)))
                .collect();
            app.overlay = Some(Overlay::Confirm(Question::RetryOrgs { groups, lines }));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

enum MapChoice {
    Suggestion,
    Drop,
    Name(String),
}

/// `a`, `s` and the picker's choice: write a map row for the selected missing item and
/// re-check its org.
fn map_action(app: &mut App, choice: MapChoice) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let Some((org, f)) = s.selected_finding() else {
        return Vec::new();
    };
    let Some(item) = missing_item(f) else {
        app.set_error("select a missing_in_target finding: these actions map or drop its item");
        return Vec::new();
    };
    let suggestion = f.suggestion.clone();
    let target = match choice {
        MapChoice::Suggestion => match suggestion {
            Some(sugg) => sugg,
            None => {
                app.set_error(format!(
                    "no suggestion for {} '{}': m picks a name of the org, s drops it",
                    item.kind, item.name
                ));
                return Vec::new();
            }
        },
        MapChoice::Drop => "-".to_string(),
        MapChoice::Name(n) => n,
    };
    let profile = s.orgs[org].profile.clone();
    if s.orgs[org].rechecking {
        app.set_error(format!("'{profile}' is being re-checked: wait for it"));
        return Vec::new();
    }
    s.orgs[org].rechecking = true;
    let note = if target == "-" {
        format!("{} '{}' dropped for {profile}", item.kind, item.name)
    } else {
        format!(
            "{} '{}' mapped to '{target}' for {profile}",
            item.kind, item.name
        )
    };
    let beside = match &s.request.users {
        TargetUsers::List(p) => Some(p.clone()),
        _ => None,
    };
    let create = s.orgs[org].create_kinds(&s.request);
    vec![Cmd::MapAndRecheck {
        map: s.map.clone(),
        beside,
        row: MapRowText {
            org: profile.clone(),
            kind: item.kind.to_string(),
            source: item.name,
            target,
        },
        org: profile,
        create,
        note,
    }]
}

/// `c`: create a missing skill or language in its org — the org is re-checked with
/// create-missing for that kind, so Pre-flight says `will_create`, the Plan counts the
/// create and the run makes it first (as `clone --create-missing`).
fn mark_create(app: &mut App) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let Some((org, item)) = s
        .selected_finding()
        .and_then(|(o, f)| missing_item(f).map(|m| (o, m)))
    else {
        return Vec::new();
    };
    let group = match item.kind {
        "skill" => "skills",
        "language" => "languages",
        other => {
            app.set_error(format!(
                "only skills and languages can be created; map the {other} (a/m) or drop it (s)"
            ));
            return Vec::new();
        }
    };
    let o = &mut s.orgs[org];
    let profile = o.profile.clone();
    if o.rechecking {
        app.set_error(format!("'{profile}' is being re-checked: wait for it"));
        return Vec::new();
    }
    let key = (item.kind.to_string(), item.name.clone());
    if !o.create_marked.contains(&key) {
        o.create_marked.push(key);
    }
    o.rechecking = true;
    let cmd = Cmd::RecheckOrg {
        org: profile.clone(),
        map: s.map.clone(),
        create: o.create_kinds(&s.request),
        note: format!(
            "{} '{}' marked to be created in {profile} (create-missing {group})",
            item.kind, item.name
        ),
    };
    app.set_info(format!(
        "{} '{}' to be created in {profile}: re-checking it with create-missing {group}…",
        item.kind, item.name
    ));
    vec![cmd]
}

/// `m`: the target org's names of the item's kind, to pick one.
fn open_picker(app: &mut App) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let Some((org, item)) = s
        .selected_finding()
        .and_then(|(o, f)| missing_item(f).map(|m| (o, m)))
    else {
        return Vec::new();
    };
    let has_names = matches!(&s.orgs[org].check, Ok(c) if !c.names_of(item.kind).is_empty());
    if !has_names {
        app.set_error(format!(
            "the org has no {} names to map to: s drops the item",
            item.kind
        ));
        return Vec::new();
    }
    s.picker = Some(Picker {
        org,
        kind: item.kind.to_string(),
        source: item.name,
        query: Input::default(),
        selected: 0,
    });
    Vec::new()
}

/// The picker's names matching its query: names holding the typed text first, then names
/// holding its letters in order; each group by likeness to the reference's name.
pub fn picker_matches<'a>(s: &'a OrgsSession, p: &Picker) -> Vec<&'a str> {
    let names = match s.orgs.get(p.org).map(|o| &o.check) {
        Some(Ok(c)) => c.names_of(&p.kind),
        _ => &[],
    };
    let q = p.query.value().trim().to_lowercase();
    let source = p.source.to_lowercase();
    let mut scored: Vec<(bool, f64, &str)> = names
        .iter()
        .filter_map(|n| {
            let lower = n.to_lowercase();
            let within = lower.contains(&q);
            (within || fuzzy_contains(&lower, &q)).then(|| {
                let like = strsim::normalized_levenshtein(&lower, &source);
                (within, like, n.as_str())
            })
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    scored.into_iter().map(|(_, _, n)| n).collect()
}

/// The query's characters appear in the name in order.
fn fuzzy_contains(name: &str, query: &str) -> bool {
    let mut it = name.chars();
    query.chars().all(|q| it.any(|c| c == q))
}

/// A key while the picker is open.
pub(super) fn on_picker_key(app: &mut App, ev: KeyEvent) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let Some(mut p) = s.picker.take() else {
        return Vec::new();
    };
    let n = picker_matches(s, &p).len();
    match ev.code {
        KeyCode::Esc => {
            app.set_info("nothing mapped");
            return Vec::new();
        }
        KeyCode::Enter => {
            let chosen = picker_matches(s, &p).get(p.selected).map(|n| n.to_string());
            return match chosen {
                Some(name) => map_action(app, MapChoice::Name(name)),
                None => {
                    s.picker = Some(p);
                    app.set_error("no name matches: type less, or Esc");
                    Vec::new()
                }
            };
        }
        KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
        _ => {
            p.query.handle_event(&Event::Key(ev));
            p.selected = 0;
        }
    }
    s.picker = Some(p);
    Vec::new()
}

/// `y` on the Plan: ask, naming every org the run writes to.
fn confirm_orgs(app: &mut App) -> Vec<Cmd> {
    let Some(s) = &app.orgs else {
        return Vec::new();
    };
    if s.run_started() {
        app.set_error("this clone has run: prepare it again from the Load screen (1, F3)");
        return Vec::new();
    }
    if s.reference
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        app.set_error("the reference has an error: no org is written (see Pre-flight)");
        return Vec::new();
    }
    let mut orgs = Vec::new();
    let mut lines = Vec::new();
    for (i, o) in s.orgs.iter().enumerate() {
        let Ok(c) = &o.check else { continue };
        if !o.will_write() {
            continue;
        }
        orgs.push(i);
        lines.push(format!(
            "{} — {} ({}): {} create, {} update · about {} requests",
            o.profile, c.org_name, c.place, c.counts.create, c.counts.update, c.requests
        ));
    }
    if orgs.is_empty() {
        app.set_error(
            "nothing to write: every org is unchanged or has errors (fix them on Pre-flight)",
        );
        return Vec::new();
    }
    app.overlay = Some(Overlay::Confirm(Question::ProvisionOrgs { orgs, lines }));
    Vec::new()
}

/// The confirmation's yes: start every org's run.
pub(super) fn start_orgs(app: &mut App, orgs: Vec<usize>) -> Vec<Cmd> {
    let Some(s) = &mut app.orgs else {
        return Vec::new();
    };
    let picked: Vec<(usize, String)> = orgs
        .iter()
        .filter_map(|i| s.orgs.get(*i).map(|o| (*i, o.profile.clone())))
        .collect();
    s.running = orgs;
    app.screen = Screen::Run;
    app.set_info(format!(
        "running {} org(s) at once: p pauses all, P the selected org",
        picked.len()
    ));
    vec![Cmd::StartOrgs(picked)]
}

/// Whether this key goes to the Clone's handler (a Clone is open and shown).
pub(super) fn orgs_screen(app: &App) -> bool {
    app.clone_shown()
}

/// The drilldown over a Clone's failures: `r` retries the row in its org (a fresh read
/// of the org first); `e` has no list to edit here.
pub(super) fn orgs_drilldown_key(app: &mut App, a: Action) -> Vec<Cmd> {
    let Some(s) = &app.orgs else {
        return Vec::new();
    };
    let row = match &app.overlay {
        Some(Overlay::Drilldown { row }) => *row,
        _ => return Vec::new(),
    };
    match a {
        Action::Retry => {
            let org = s.drilldown.unwrap_or(s.selected);
            app.overlay = None;
            let cmds = retry_org_rows(app, org, vec![row]);
            if let (false, Some(s)) = (cmds.is_empty(), &mut app.orgs) {
                s.running = vec![org];
            }
            cmds
        }
        _ => {
            app.set_info(
                "a clone's row has no list cell to edit: fix the org on Pre-flight (a/m/c/s), then r retries the row",
            );
            Vec::new()
        }
    }
}
