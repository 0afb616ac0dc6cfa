//! The one confirmation dialog: every question names the org it acts on and what it will
//! do, in counts; the answer keys come from the key table (Enter/y, Esc/n).

use super::wrap_words;
use crate::model::{PlanAction, Step, sanitize};
use crate::tui::app::{App, Question, action_label};
use crate::tui::estimate::{eta_seconds, human_duration};
use crate::tui::keys::{self, Action, Ctx};
use crate::tui::layout;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// What a question says: a title, paragraphs (each one style), and the two answers' verbs.
pub struct Dialog {
    pub title: &'static str,
    pub body: Vec<(String, Style)>,
    pub yes: &'static str,
    pub no: &'static str,
}

const WIDTH: u16 = 76;

pub fn draw(f: &mut Frame, app: &App, area: Rect, q: &Question) {
    let t = &app.theme;
    let d = dialog(app, q);
    let width = WIDTH.min(area.width);
    let inner = width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = Vec::new();
    // A drift fix acts on the orgs it names, not on the org of the loaded list; a Clone's
    // question names every org in its body.
    let (head_label, org) = match q {
        Question::FixDrift(fix) => ("Orgs ", sanitize(&fix.orgs.join(", ")).into_owned()),
        Question::ProvisionOrgs { .. } | Question::RetryOrgs { .. } => ("Org ", String::new()),
        _ => ("Org ", sanitize(&app.org().title()).into_owned()),
    };
    let org_lines = if org.is_empty() {
        Vec::new()
    } else {
        wrap_words(&org, inner.saturating_sub(4), 4)
    };
    for (i, l) in org_lines.iter().enumerate() {
        let head = if i == 0 { head_label } else { "" };
        lines.push(Line::from(vec![
            Span::styled(head, t.key()),
            Span::styled(l.clone(), t.title()),
        ]));
    }
    if !org_lines.is_empty() {
        lines.push(Line::from(""));
    }
    for (text, style) in &d.body {
        for l in wrap_words(text, inner, 2) {
            lines.push(Line::from(Span::styled(l, *style)));
        }
    }
    lines.push(Line::from(""));
    lines.push(answers(app, &d));
    let height = (lines.len() as u16 + 2).min(area.height);
    let r = layout::centered(area, width, height);
    f.render_widget(Clear, r);
    let p = Paragraph::new(lines).block(
        Block::bordered()
            .title(Span::styled(format!(" {} ", d.title), t.title()))
            .padding(ratatui::widgets::Padding::horizontal(1)),
    );
    f.render_widget(p, r);
}

/// `Enter/y provision   Esc/n cancel`, the keys as the key table binds them.
fn answers(app: &App, d: &Dialog) -> Line<'static> {
    let t = &app.theme;
    let mut spans = Vec::new();
    for b in keys::BINDINGS.iter().filter(|b| b.ctx == Ctx::Confirm) {
        let verb = match b.action {
            Action::Yes => d.yes,
            _ => d.no,
        };
        spans.push(Span::styled(keys::keys_label(b), t.key()));
        spans.push(Span::raw(format!(" {verb}   ")));
    }
    Line::from(spans)
}

/// The words of each question.
pub fn dialog(app: &App, q: &Question) -> Dialog {
    let t = &app.theme;
    let plain = Style::new();
    match q {
        Question::Provision {
            rows,
            counts,
            requests,
            queues,
        } => provision_dialog(app, rows.len(), counts, *requests, queues.len()),
        Question::RetryAll { rows, what } => Dialog {
            title: "Retry the failed rows?",
            body: vec![(
                format!(
                    "Run {} failed or unfinished row(s){} again in this org, each with its current plan.",
                    rows.len(),
                    what.as_deref()
                        .map(|w| format!(" of {}", sanitize(w)))
                        .unwrap_or_default()
                ),
                plain,
            )],
            yes: "retry",
            no: "not now",
        },
        Question::SkipFailed { what, rows } => Dialog {
            title: "Skip these failed rows?",
            body: vec![(
                format!(
                    "Skip {} failed row(s) of {}: they leave Failures and retries, stay in the list, and will not run. u on Pre-flight undoes; w saves them as action skip.",
                    rows.len(),
                    sanitize(what)
                ),
                plain,
            )],
            yes: "skip them",
            no: "keep them",
        },
        Question::SkipCode { code, rows } => Dialog {
            title: "Skip these rows?",
            body: vec![(
                format!(
                    "Skip {} row(s) with {}: they stay in the list and will not run. u undoes; w saves them as action skip.",
                    rows.len(),
                    code.as_str()
                ),
                plain,
            )],
            yes: "skip them",
            no: "keep them",
        },
        Question::CancelRun => cancel_dialog(app),
        Question::ProvisionOrgs { lines, .. } => {
            let mut body = vec![(
                format!(
                    "Write to these {} org(s), each with its own run, journal and limit:",
                    lines.len()
                ),
                plain,
            )];
            body.extend(
                lines
                    .iter()
                    .map(|l| (format!("• {}", sanitize(l)), t.warning())),
            );
            body.push((
                "Orgs with error findings or nothing to change are not written.".into(),
                t.dim(),
            ));
            Dialog {
                title: "Clone to these orgs?",
                body,
                yes: "run",
                no: "cancel",
            }
        }
        Question::RetryOrgs { lines, .. } => {
            let mut body = vec![(
                "Retry these failed rows, each org with its own run and journal:".to_string(),
                plain,
            )];
            body.extend(
                lines
                    .iter()
                    .map(|l| (format!("• {}", sanitize(l)), t.warning())),
            );
            body.push((
                "Each org is read again first: rows now done leave Failures, rows with an error stay."
                    .into(),
                t.dim(),
            ));
            Dialog {
                title: "Retry the failed rows?",
                body,
                yes: "retry",
                no: "cancel",
            }
        }
        Question::LoadUnsaved(files) => Dialog {
            title: "Load another list?",
            body: vec![(
                format!(
                    "Your edits and skips are not saved to a file (w saves them). Load {} and lose them?",
                    sanitize(&files.describe())
                ),
                t.warning(),
            )],
            yes: "load",
            no: "keep editing",
        },
        Question::QuitDuringRun => {
            let mut d = cancel_dialog(app);
            d.title = "Quit during the run?";
            d.body
                .push(("onboard quits once they have finished.".into(), plain));
            d.yes = "cancel and quit";
            d
        }
        Question::QuitUnsaved => Dialog {
            title: "Quit?",
            body: vec![(
                "Your edits and skips are not saved to a file (w saves them). Quit anyway?".into(),
                t.warning(),
            )],
            yes: "quit",
            no: "stay",
        },
        Question::FixDrift(fix) => super::drift::fix_dialog(app, fix),
        Question::Overwrite(p) => Dialog {
            title: "Overwrite?",
            body: vec![(
                format!(
                    "{} exists. Overwrite it with the edited list?",
                    sanitize(&p.display().to_string())
                ),
                plain,
            )],
            yes: "overwrite",
            no: "keep it",
        },
    }
}

/// `y`: the counts per action (deactivations called out), the requests and the ETA at the
/// org's limit, in the Plan's words.
fn provision_dialog(
    app: &App,
    rows: usize,
    counts: &[(PlanAction, usize)],
    requests: u64,
    queues: usize,
) -> Dialog {
    let t = &app.theme;
    let plain = Style::new();
    let mut body = Vec::new();
    if queues > 0 {
        body.push((
            format!("Create or update {queues} queue row(s) first (queue list)."),
            plain,
        ));
    }
    body.push((format!("Provision {} row(s) in this org:", rows), plain));
    for (a, n) in counts {
        let line = format!("  {:<12}{n:>8}", action_label(*a));
        if *a == PlanAction::Deactivate {
            body.push((
                format!("{line}  ← {n} user(s) lose access to the org"),
                t.warning(),
            ));
        } else {
            body.push((line, plain));
        }
    }
    let rate = app
        .session
        .as_ref()
        .and_then(|s| s.allowed)
        .unwrap_or(crate::tui::estimate::AllowedRate::DEFAULT);
    // As on the Plan: the queue phase's paced creates may take longer than its requests.
    let eta = eta_seconds(requests, Some(rate.per_s()))
        .map(|s| {
            s + app
                .queues
                .as_ref()
                .map_or(0.0, |q| q.pacing_s(rate.per_s()))
        })
        .map(human_duration)
        .unwrap_or_else(|| "unknown".into());
    body.push((format!("About {requests} requests, ETA {eta}:"), plain));
    body.push((format!("{}.", rate.words()), plain));
    Dialog {
        title: "Start the run?",
        body,
        yes: "provision",
        no: "not now",
    }
}

/// What cancelling keeps and what it leaves for later.
fn cancel_dialog(app: &App) -> Dialog {
    let t = &app.theme;
    let r = &app.run;
    let left = r.total.saturating_sub(r.done);
    // Rows finish only after their last step (bulk groups come late), so count the users
    // already written too: that is what "stays done" means to the admin.
    let written: usize = [
        Step::CreateUser,
        Step::UpdateUser,
        Step::RestoreUser,
        Step::ReactivateUser,
        Step::DeactivateUser,
    ]
    .iter()
    .filter_map(|s| r.steps.get(s).map(|(ok, _, _)| *ok))
    .sum();
    Dialog {
        title: "Cancel the run?",
        body: vec![
            (
                format!(
                    "{} of {} row(s) have finished; {written} user(s) created or changed so far. What is written stays written.",
                    r.done, r.total
                ),
                Style::new(),
            ),
            (
                format!(
                    "Steps in flight finish; the other {left} row(s) end as interrupted (begun) or not_reached (never started). Both stay on Failures to run again; the journal stays intact."
                ),
                t.warning(),
            ),
        ],
        yes: "cancel the run",
        no: "keep running",
    }
}
