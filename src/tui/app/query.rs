//! Queries on the app state that both `update` and the views need: what is selected, what
//! runs in the background, which key contexts are active and which keys act now. They live
//! here so that `update/` and `view/` never import from each other.

use super::{App, Card, Filter, LoadMode, Overlay, Screen, Session};
use crate::model::{Field, Finding, Step};
use crate::tui::detail::{self, TextLine};
use crate::tui::keys::{Action, Ctx};
use crate::tui::layout::{self, PreflightLayout};
use crate::tui::work::Pending;
use ratatui::layout::Rect;

impl App {
    /// What is running in the background, if anything (for the busy line and the key gate).
    pub fn busy(&self) -> Option<&Pending> {
        self.session.as_ref().and_then(|s| s.pending.as_ref())
    }

    /// The list index of the Pre-flight table's selected row.
    pub fn selected_index(&self) -> Option<usize> {
        self.table
            .view
            .get(self.table.cursor.selected)
            .map(|i| *i as usize)
    }

    /// The Pre-flight screen's areas now: the findings pane is as tall as the selected
    /// row's findings need (within limits), so the table's height depends on the row too.
    pub fn preflight_layout(&self) -> PreflightLayout {
        let body = layout::chrome(Rect::new(0, 0, self.size.0, self.size.1)).body;
        let file = self
            .session
            .as_ref()
            .is_some_and(|s| !s.file_findings().is_empty());
        layout::preflight(body, file, self.pane_lines().len())
    }

    /// Data rows the Pre-flight table shows (its area minus the header line).
    pub fn table_rows(&self) -> usize {
        self.preflight_layout().table.height.saturating_sub(1) as usize
    }

    /// The selected row's findings pane, wrapped to the screen's width.
    pub fn pane_lines(&self) -> Vec<TextLine> {
        match (&self.session, self.selected_index()) {
            (Some(s), Some(i)) => detail::findings_pane(s, i, self.table.col, self.size.0 as usize),
            _ => Vec::new(),
        }
    }

    /// Lines of the findings pane that do not fit (what `J`/`K` scroll through).
    pub fn pane_overflow(&self) -> usize {
        let shown = self.preflight_layout().detail.height.saturating_sub(1) as usize;
        self.pane_lines().len().saturating_sub(shown)
    }

    /// A card's lines, wrapped to the card's inner width.
    pub fn card_lines(&self, card: Card) -> Vec<TextLine> {
        let Some(s) = &self.session else {
            return Vec::new();
        };
        let body = layout::chrome(Rect::new(0, 0, self.size.0, self.size.1)).body;
        let width = layout::card(body).width.saturating_sub(2) as usize;
        match card {
            Card::Row(i) => detail::row_card(s, i, width),
            Card::File => detail::file_card(s, width),
        }
    }

    /// The finding the cell cursor points at (or the row's first finding).
    pub fn selected_finding(&self) -> Option<(usize, Finding)> {
        let index = self.selected_index()?;
        let s = self.session.as_ref()?;
        let at_col = s
            .findings_of(index)
            .find(|f| s.finding_col(f) == Some(self.table.col));
        let f = at_col.or_else(|| s.findings_of(index).next())?;
        Some((index, f.clone()))
    }

    /// Lines the Plan's queue section wants: a heading and one per queue row that runs
    /// (0 without a queue list).
    pub fn plan_queue_lines(&self) -> u16 {
        self.queues.as_ref().map_or(0, |q| {
            u16::try_from(q.tasks().len() + 1).unwrap_or(u16::MAX)
        })
    }

    /// Whether this screen shows the open Clone (Pre-flight to Failures; Load has its form,
    /// and the Drift tab is its own even while a Clone is open).
    pub fn clone_shown(&self) -> bool {
        self.orgs.is_some() && !matches!(self.screen, Screen::Load | Screen::Drift)
    }

    /// The key contexts active now, innermost first.
    pub fn contexts(&self) -> Vec<Ctx> {
        if let Some(o) = &self.overlay {
            return match o {
                Overlay::Help { .. } => vec![Ctx::Help, Ctx::Global],
                Overlay::Confirm(_) => vec![Ctx::Confirm],
                Overlay::Drilldown { .. } => vec![Ctx::Drilldown, Ctx::Global],
                Overlay::Card { .. } => vec![Ctx::Card, Ctx::Global],
            };
        }
        if self.prompt.is_some() || self.orgs.as_ref().is_some_and(|o| o.picker.is_some()) {
            return vec![Ctx::Input];
        }
        if self.clone_shown() {
            return vec![Ctx::Orgs, Ctx::Global];
        }
        match self.screen {
            Screen::Load => vec![Ctx::Load],
            Screen::Preflight if self.queues.as_ref().is_some_and(|q| q.shown) => {
                vec![Ctx::Queues, Ctx::Global]
            }
            Screen::Preflight => vec![Ctx::Preflight, Ctx::Global],
            Screen::Plan => vec![Ctx::Plan, Ctx::Global],
            Screen::Run => vec![Ctx::Run, Ctx::Global],
            Screen::Failures => vec![Ctx::Failures, Ctx::Global],
            Screen::Drift => vec![Ctx::Drift, Ctx::Global],
        }
    }

    /// Whether `a` does something in the current state (the hint bar offers only those).
    pub fn offered(&self, a: Action) -> bool {
        if self.busy().is_some() && waits_while_busy(a) {
            return false;
        }
        // Questions, inputs, help and the drilldown: their keys always do something.
        if self.overlay.is_some() || self.prompt.is_some() {
            return true;
        }
        if let Some(o) = self.orgs.as_ref().filter(|_| self.screen != Screen::Load) {
            return orgs_offered(self.screen, a, o);
        }
        let session = self.session.as_ref();
        let failure = || {
            self.failure_items()
                .get(self.failures.cursor.selected)
                .cloned()
        };
        match (self.screen, a) {
            (Screen::Load, Action::Back) => {
                session.is_some() || (self.load.mode == LoadMode::Clone && self.orgs.is_some())
            }
            // The Clone/Drift form moves between its lines with these: its own hint says so.
            (Screen::Load, Action::Complete | Action::Down | Action::NextProfile)
                if self.load.mode.multi_org() =>
            {
                false
            }
            (Screen::Load, Action::NextProfile) => self.load.targets.len() > 1,
            (Screen::Load, Action::Down) => !self.load.recent.is_empty(),
            (Screen::Preflight, Action::SwitchTable) => self.queues.is_some(),
            (Screen::Preflight, _) if self.queues.as_ref().is_some_and(|q| q.shown) => {
                let q = self.queues.as_ref();
                match a {
                    Action::Edit | Action::Skip => q.is_some_and(|q| q.selected().is_some()),
                    Action::Back => q.is_some_and(|q| !q.table.filter.is_empty()),
                    _ => true,
                }
            }
            (Screen::Preflight, Action::Edit | Action::Skip | Action::Open) => {
                self.selected_index().is_some()
            }
            (Screen::Preflight, Action::ApplySuggestion) => self
                .selected_index()
                .zip(session)
                .is_some_and(|(i, s)| s.findings_of(i).any(|f| f.suggestion.is_some())),
            (Screen::Preflight, Action::SkipCode) => self.selected_finding().is_some(),
            (Screen::Preflight, Action::PaneDown | Action::PaneUp) => self.pane_overflow() > 0,
            (Screen::Preflight, Action::FileFindings) => {
                session.is_some_and(|s| !s.file_findings().is_empty())
            }
            (Screen::Preflight, Action::Undo) => session.is_some_and(|s| !s.undo.is_empty()),
            (Screen::Preflight, Action::Back) => self.table.filter != Filter::All,
            (Screen::Plan, Action::Back) => true,
            (Screen::Plan, Action::ConfirmRun) => {
                !self.run.phase.is_active()
                    && (session.is_some_and(|s| s.runnable_count() > 0)
                        || self.queues.as_ref().is_some_and(|q| !q.tasks().is_empty()))
            }
            (Screen::Run, Action::Pause | Action::Cancel) => self.run.phase.is_controllable(),
            (Screen::Run, Action::Goto(5)) => self.report.is_some(),
            (Screen::Failures, Action::Open | Action::EditRetry) => {
                failure().is_some_and(|i| i.is_row())
            }
            (Screen::Failures, Action::Retry | Action::SkipFailed | Action::Filter) => {
                failure().is_some() || !self.failures.filter.is_empty()
            }
            (Screen::Failures, Action::RetryAll) => !self.failed_rows().is_empty(),
            (Screen::Failures, Action::Export) => self.report.is_some(),
            (Screen::Failures, Action::Back) => !self.failures.filter.is_empty(),
            (Screen::Drift, a) => self.drift_offers(a),
            _ => true,
        }
    }
}

impl App {
    /// Whether a Drift key does something now: fixes and re-runs need the request and no
    /// drift or fix under way.
    fn drift_offers(&self, a: Action) -> bool {
        let d = &self.drift;
        let idle = d.busy.is_none() && d.loaded.as_ref().is_some_and(|l| l.request.is_some());
        match a {
            Action::Open => d.selected().is_some(),
            Action::FixDrift => idle && d.fix_selected().is_some_and(|f| !f.orgs.is_empty()),
            Action::FixAllDrift => idle && d.drifted > 0,
            Action::Retry => idle,
            Action::Export | Action::Filter => d.loaded.is_some(),
            Action::Back => d.diff_open || !d.filter.is_empty(),
            Action::Left | Action::Right => d.matrix.orgs.len() > 1,
            _ => true,
        }
    }
}

impl Session {
    /// The column of a finding's field in the list.
    pub fn finding_col(&self, f: &Finding) -> Option<usize> {
        let name = f.field.as_deref()?;
        if let Some(i) = self
            .list
            .headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
        {
            return Some(i);
        }
        let field = Field::ALL.iter().find(|x| x.as_str() == name)?;
        self.col_of(*field).or(match field {
            Field::Name => self.col_of(Field::FirstName),
            _ => None,
        })
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

/// The hire-list column behind an engine step, for "edit and retry" and a failure's object.
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
        Step::Utilization => Field::Utilization,
        Step::UpdateUser => Field::Title,
        Step::RestoreUser | Step::ReactivateUser | Step::DeactivateUser | Step::Password => {
            return None;
        }
        // Queue-list steps name no hire-list column.
        Step::CreateWrapupCode
        | Step::CreateQueue
        | Step::UpdateQueue
        | Step::QueueDivision
        | Step::WrapupCodes
        | Step::QueueMembers
        | Step::VerifyQueue
        | Step::CreateSkill
        | Step::CreateLanguage => return None,
    })
}

/// Whether `a` does something now in a Clone across orgs.
fn orgs_offered(screen: Screen, a: Action, o: &super::OrgsSession) -> bool {
    let missing = || {
        o.selected_finding()
            .and_then(|(_, f)| crate::tui::org_check::missing_item(f))
    };
    match (screen, a) {
        (_, Action::NextOrg | Action::PrevOrg) => o.orgs.len() > 1,
        (Screen::Preflight, Action::AllOrgs) => o.orgs.len() > 1,
        (Screen::Preflight, Action::ApplySuggestion) => o
            .selected_finding()
            .is_some_and(|(_, f)| missing().is_some() && f.suggestion.is_some()),
        (Screen::Preflight, Action::MapPick | Action::Skip) => missing().is_some(),
        (Screen::Preflight, Action::CreateMissing) => {
            missing().is_some_and(|m| matches!(m.kind, "skill" | "language"))
        }
        (Screen::Plan, Action::ConfirmRun) => {
            !o.run_started() && o.orgs.iter().any(|e| e.will_write())
        }
        (Screen::Run, Action::Pause | Action::PauseOrg | Action::Cancel) => o.run_active(),
        (Screen::Failures, Action::Open) => !o.failure_rows().is_empty(),
        (Screen::Failures, Action::Retry | Action::RetryAll) => {
            !o.run_active() && !o.failure_rows().is_empty()
        }
        (
            _,
            Action::Quit
            | Action::Help
            | Action::NextTab
            | Action::PrevTab
            | Action::Goto(_)
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Back,
        ) => true,
        _ => false,
    }
}
