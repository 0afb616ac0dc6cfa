//! Keys on an overlay: the help, the confirm dialogs, the failed row's drilldown.

use super::*;

pub(super) fn on_overlay(app: &mut App, o: Overlay, a: Action) -> Vec<Cmd> {
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
                Question::Provision { rows, queues, .. } => start_run(app, rows, &queues),
                Question::RetryAll { rows, .. } => retry_rows(app, &rows),
                Question::SkipFailed { what, rows } => skip_failed(app, &rows, Some(what)),
                Question::SkipCode { code, rows } => skip_rows(app, code, &rows),
                Question::CancelRun => cancel_run(app),
                Question::ProvisionOrgs { orgs, .. } => start_orgs(app, orgs),
                Question::RetryOrgs { groups, .. } => retry_orgs(app, groups),
                Question::LoadUnsaved(files) => start_load(app, files),
                // The run ended while the question was open: nothing to wait for.
                Question::QuitDuringRun if !app.run.phase.is_active() => {
                    app.quit = true;
                    vec![Cmd::Quit]
                }
                Question::QuitDuringRun => {
                    app.quit_after_run = true;
                    app.run.cancel();
                    app.set_info("cancelling the run; onboard quits when in-flight steps finish");
                    vec![Cmd::Cancel]
                }
                Question::QuitUnsaved => {
                    app.quit = true;
                    vec![Cmd::Quit]
                }
                Question::FixDrift(fix) => confirm_fix(app, fix),
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
            let mut line = app.failures.cursor.selected;
            while let Some(next) = if back {
                line.checked_sub(1)
            } else {
                Some(line + 1)
            } {
                match items.get(next) {
                    Some(FailureItem::Row { row }) => {
                        app.failures.cursor.selected = next;
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
        (Overlay::Card { .. }, Action::Back) => {
            app.overlay = None;
            Vec::new()
        }
        (Overlay::Card { card, scroll }, _) if ListCursor::delta(a, 1).is_some() => {
            scroll_card(app, card, scroll, a);
            Vec::new()
        }
        // A screen's number leaves the card for that screen.
        (Overlay::Card { .. }, Action::Goto(n)) => {
            app.overlay = None;
            if let Some(s) = Screen::ALL.get((n as usize).saturating_sub(1)) {
                goto(app, *s);
            }
            Vec::new()
        }
        (Overlay::Card { .. }, Action::Quit) => {
            app.overlay = None;
            quit(app)
        }
        (Overlay::Drilldown { .. } | Overlay::Card { .. }, Action::Help) => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Scroll a card by a line, a page, or to its start or end; never past its last page.
fn scroll_card(app: &mut App, card: Card, scroll: usize, a: Action) {
    let body = layout::chrome(Rect::new(0, 0, app.size.0, app.size.1)).body;
    let page = layout::card(body).height.saturating_sub(2) as usize;
    let max = app.card_lines(card).len().saturating_sub(page);
    let delta = ListCursor::delta(a, page).unwrap_or(0);
    let scroll = (scroll as isize)
        .saturating_add(delta)
        .clamp(0, max as isize) as usize;
    app.overlay = Some(Overlay::Card { card, scroll });
}
