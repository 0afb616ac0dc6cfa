//! The key table: one list of bindings drives dispatch (`lookup`), the hint bar (`hints`)
//! and the `?` help (`help_sections`), so the three never drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where a binding applies. Lookup tries the innermost context first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctx {
    /// Everywhere unless a text input or a modal has the keyboard.
    Global,
    /// The Load screen (its path input has the keyboard).
    Load,
    Preflight,
    /// The Pre-flight screen's Queues table (instead of the Hires table).
    Queues,
    Plan,
    Run,
    Failures,
    /// The Drift tab (users × orgs).
    Drift,
    /// The step drilldown of a failed row.
    Drilldown,
    /// The row card or the file-level findings over Pre-flight.
    Card,
    Help,
    /// A yes/no question.
    Confirm,
    /// A one-line text input (filter, inline edit, save-as, export).
    Input,
    /// A Clone across several orgs (Pre-flight, Plan, Run, Failures).
    Orgs,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Everywhere",
            Ctx::Load => "Load",
            Ctx::Preflight => "Pre-flight and fixes",
            Ctx::Queues => "Pre-flight: the Queues table",
            Ctx::Plan => "Plan",
            Ctx::Run => "Run",
            Ctx::Failures => "Failures",
            Ctx::Drift => "Drift",
            Ctx::Drilldown => "Failure drilldown",
            Ctx::Card => "Row card and file findings",
            Ctx::Help => "Help",
            Ctx::Confirm => "Questions",
            Ctx::Input => "Text input (filter, edit, file names)",
            Ctx::Orgs => "Clone: several orgs",
        }
    }
}

/// What a key does. `update` matches on these, never on raw keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    Goto(u8),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Back,
    // Load
    LoadSubmit,
    /// Give the keyboard to the other path field (hire list ⇄ queue list).
    SwitchField,
    Complete,
    NextProfile,
    // Pre-flight
    /// Show the other table (Hires ⇄ Queues).
    SwitchTable,
    Filter,
    NextError,
    PrevError,
    Sort,
    SortReverse,
    Edit,
    ApplySuggestion,
    Skip,
    SkipCode,
    Undo,
    Save,
    /// Scroll the findings pane down / up.
    PaneDown,
    PaneUp,
    /// Open the file-level findings.
    FileFindings,
    // Plan
    ConfirmRun,
    // Run
    Pause,
    Cancel,
    // Failures
    Open,
    Retry,
    RetryAll,
    EditRetry,
    SkipFailed,
    Export,
    // Drift
    /// Fix the selected (user, org) pair.
    FixDrift,
    /// Fix every drifted pair.
    FixAllDrift,
    // Clone across orgs
    NextOrg,
    PrevOrg,
    /// Pre-flight: every org's findings in one table.
    AllOrgs,
    /// Pre-flight: map a missing item to a name picked from the target org.
    MapPick,
    /// Pre-flight: create a missing skill or language in the target org.
    CreateMissing,
    /// Run: pause or resume the selected org only.
    PauseOrg,
    // Questions and inputs
    Yes,
    No,
    Submit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}
const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

impl Key {
    /// A short label as shown in hints and help, e.g. `q`, `Enter`, `^C`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("^{}", base.to_uppercase())
        } else {
            base
        }
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        match (self.code, ev.code) {
            // Shifted letters arrive as the uppercase char, with or without SHIFT.
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                let mods = ev.mods_without_shift();
                a == b && mods == self.mods
            }
            (a, b) => a == b && ev.modifiers == self.mods,
        }
    }
}

trait ModsWithoutShift {
    fn mods_without_shift(&self) -> KeyModifiers;
}
impl ModsWithoutShift for KeyEvent {
    fn mods_without_shift(&self) -> KeyModifiers {
        self.modifiers - KeyModifiers::SHIFT
    }
}

/// One binding: the keys, what they do, and how the hint bar and help describe it.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    pub action: Action,
    /// Short text for the hint bar; `None` keeps the binding out of the bar (help only).
    pub hint: Option<&'static str>,
    pub help: &'static str,
}

const fn b(
    ctx: Ctx,
    keys: &'static [Key],
    action: Action,
    hint: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding {
        ctx,
        keys,
        action,
        hint,
        help,
    }
}

use Action as A;
use Ctx as C;

/// The whole key table. Order matters within a context: it is the order of hints and help.
pub const BINDINGS: &[Binding] = &[
    // Screen-specific first (so hints list them first), global last.
    b(
        C::Load,
        &[code(KeyCode::Enter)],
        A::LoadSubmit,
        Some("load"),
        "Load the file against the selected org",
    ),
    b(
        C::Load,
        &[code(KeyCode::Tab)],
        A::Complete,
        Some("complete"),
        "Complete the file path",
    ),
    b(
        C::Load,
        &[code(KeyCode::Up), code(KeyCode::Down)],
        A::Down,
        Some("recent"),
        "Pick a recently used file",
    ),
    b(
        C::Load,
        &[code(KeyCode::F(3))],
        A::SwitchField,
        Some("mode"),
        "Cycle the mode: hire list → Clone → Drift → queue list (hire and queue list may go together)",
    ),
    b(
        C::Load,
        &[code(KeyCode::F(2))],
        A::NextProfile,
        Some("org"),
        "Switch the org profile to load against",
    ),
    b(
        C::Load,
        &[code(KeyCode::Esc)],
        A::Back,
        Some("back"),
        "Back to the loaded list (if any)",
    ),
    b(
        C::Load,
        &[code(KeyCode::F(1))],
        A::Help,
        Some("help"),
        "Show this help",
    ),
    b(C::Load, &[ctrl('c')], A::Quit, Some("quit"), "Quit"),
    b(
        C::Orgs,
        &[k(']')],
        A::NextOrg,
        Some("next org"),
        "Select the next target org",
    ),
    b(
        C::Orgs,
        &[k('[')],
        A::PrevOrg,
        None,
        "Select the previous target org",
    ),
    b(
        C::Orgs,
        &[k('0')],
        A::AllOrgs,
        Some("all orgs"),
        "Pre-flight: every org's findings in one table (again: the selected org only)",
    ),
    b(
        C::Orgs,
        &[k('a')],
        A::ApplySuggestion,
        Some("map to suggestion"),
        "Pre-flight, on missing_in_target: write a map row to the suggested name and re-check the org",
    ),
    b(
        C::Orgs,
        &[k('m')],
        A::MapPick,
        Some("map to…"),
        "Pre-flight, on missing_in_target: pick the target org's name to map to (a map row)",
    ),
    b(
        C::Orgs,
        &[k('c')],
        A::CreateMissing,
        Some("create"),
        "Pre-flight, on a missing skill or language: create it in the target org (create-missing)",
    ),
    b(
        C::Orgs,
        &[k('s')],
        A::Skip,
        Some("drop for org"),
        "Pre-flight, on missing_in_target: drop the item for that org (map row '-')",
    ),
    b(
        C::Orgs,
        &[k('y')],
        A::ConfirmRun,
        Some("run"),
        "Plan: run every org without errors (the question names each org written to)",
    ),
    b(
        C::Orgs,
        &[k('p')],
        A::Pause,
        Some("pause all"),
        "Run: pause / resume every org",
    ),
    b(
        C::Orgs,
        &[k('P')],
        A::PauseOrg,
        Some("pause org"),
        "Run: pause / resume the selected org",
    ),
    b(
        C::Orgs,
        &[k('x')],
        A::Cancel,
        None,
        "Run: cancel every org (in-flight steps finish; journals stay)",
    ),
    b(
        C::Orgs,
        &[code(KeyCode::Enter)],
        A::Open,
        Some("steps"),
        "Failures: the step drilldown of the selected row",
    ),
    b(
        C::Orgs,
        &[k('r')],
        A::Retry,
        Some("retry"),
        "Failures: retry the selected row in its org (the org is read again first)",
    ),
    b(
        C::Orgs,
        &[k('R')],
        A::RetryAll,
        Some("retry all"),
        "Failures: retry every failed row, each org its own run (asks first)",
    ),
    b(
        C::Preflight,
        &[k('/')],
        A::Filter,
        Some("filter"),
        "Filter rows: text, code:NAME, error, warning, skipped",
    ),
    b(
        C::Preflight,
        &[k('n')],
        A::NextError,
        Some("next err"),
        "Next row with an error",
    ),
    b(
        C::Preflight,
        &[k('N')],
        A::PrevError,
        None,
        "Previous row with an error",
    ),
    b(
        C::Preflight,
        &[k('e')],
        A::Edit,
        Some("edit"),
        "Edit the selected cell; Enter re-checks the row",
    ),
    b(
        C::Preflight,
        &[k('a')],
        A::ApplySuggestion,
        Some("apply fix"),
        "Apply the suggestion of the selected cell's finding",
    ),
    b(
        C::Preflight,
        &[k('s')],
        A::Skip,
        Some("skip"),
        "Skip / unskip the selected row",
    ),
    b(
        C::Preflight,
        &[k('S')],
        A::SkipCode,
        None,
        "Skip every row with the selected finding's code (asks if more than one)",
    ),
    b(
        C::Preflight,
        &[k('u')],
        A::Undo,
        Some("undo"),
        "Undo the last edit or skip",
    ),
    b(
        C::Preflight,
        &[k('w')],
        A::Save,
        Some("save"),
        "Save the edited list to a new file",
    ),
    b(
        C::Preflight,
        &[code(KeyCode::Enter)],
        A::Open,
        Some("card"),
        "Open the row card: every column, its value, what is sent, its findings",
    ),
    b(
        C::Preflight,
        &[k('F')],
        A::FileFindings,
        Some("file findings"),
        "Open the findings about the file as a whole (columns, trunk capacity…)",
    ),
    b(
        C::Preflight,
        &[k('J'), k('K')],
        A::PaneDown,
        Some("scroll findings"),
        "Scroll the findings pane when it has more lines (J down, K up)",
    ),
    b(
        C::Preflight,
        &[k('o')],
        A::Sort,
        None,
        "Sort by the next column",
    ),
    b(
        C::Preflight,
        &[k('O')],
        A::SortReverse,
        None,
        "Reverse the sort order",
    ),
    b(
        C::Preflight,
        &[code(KeyCode::Left), k('h')],
        A::Left,
        None,
        "Select the previous cell (field) of the row",
    ),
    b(
        C::Preflight,
        &[code(KeyCode::Right), k('l')],
        A::Right,
        None,
        "Select the next cell (field) of the row",
    ),
    b(
        C::Preflight,
        &[code(KeyCode::Esc)],
        A::Back,
        None,
        "Clear the filter",
    ),
    b(
        C::Preflight,
        &[k('t')],
        A::SwitchTable,
        Some("queues"),
        "Show the Queues table (when a queue list is loaded)",
    ),
    b(
        C::Queues,
        &[k('t')],
        A::SwitchTable,
        Some("hires"),
        "Back to the Hires table",
    ),
    b(
        C::Queues,
        &[k('/')],
        A::Filter,
        Some("filter"),
        "Filter queue rows: text, code:NAME, error, warning, skipped, create, update",
    ),
    b(
        C::Queues,
        &[k('n')],
        A::NextError,
        Some("next err"),
        "Next queue row with an error",
    ),
    b(
        C::Queues,
        &[k('N')],
        A::PrevError,
        None,
        "Previous queue row with an error",
    ),
    b(
        C::Queues,
        &[k('e')],
        A::Edit,
        Some("edit"),
        "Edit the selected cell; Enter re-checks the queue list",
    ),
    b(
        C::Queues,
        &[k('s')],
        A::Skip,
        Some("skip"),
        "Skip / unskip the selected queue row",
    ),
    b(
        C::Queues,
        &[code(KeyCode::Left), k('h')],
        A::Left,
        None,
        "Select the previous cell of the queue row",
    ),
    b(
        C::Queues,
        &[code(KeyCode::Right), k('l')],
        A::Right,
        None,
        "Select the next cell of the queue row",
    ),
    b(
        C::Queues,
        &[code(KeyCode::Esc)],
        A::Back,
        None,
        "Clear the filter",
    ),
    b(
        C::Plan,
        &[k('y')],
        A::ConfirmRun,
        Some("run it"),
        "Start the run (asks first, naming the org and the counts)",
    ),
    b(
        C::Plan,
        &[k('/')],
        A::Filter,
        Some("filter"),
        "Filter the rows by email, name, action or what changes (e.g. queues, Sales)",
    ),
    b(
        C::Plan,
        &[code(KeyCode::Esc)],
        A::Back,
        Some("back"),
        "Clear the filter, else back to pre-flight",
    ),
    b(
        C::Run,
        &[k('p')],
        A::Pause,
        Some("pause/resume"),
        "Pause or resume the run",
    ),
    b(
        C::Run,
        &[k('c')],
        A::Cancel,
        Some("cancel"),
        "Cancel safely (asks first): in-flight steps finish, the journal stays intact",
    ),
    b(
        C::Run,
        &[code(KeyCode::Up), k('k'), code(KeyCode::Down), k('j')],
        A::Down,
        Some("log"),
        "Scroll the event log one line (↑/k older, ↓/j newer)",
    ),
    b(
        C::Run,
        &[code(KeyCode::PageUp), code(KeyCode::PageDown)],
        A::PageDown,
        None,
        "Scroll the event log a page (PgUp older, PgDn newer)",
    ),
    b(
        C::Run,
        &[code(KeyCode::Home), k('g')],
        A::Top,
        None,
        "The oldest event",
    ),
    b(
        C::Run,
        &[code(KeyCode::End), k('G')],
        A::Bottom,
        None,
        "The newest event, and follow new ones",
    ),
    b(
        C::Run,
        &[k('f')],
        A::Goto(5),
        Some("failures"),
        "Show the failures",
    ),
    b(
        C::Failures,
        &[code(KeyCode::Enter)],
        A::Open,
        Some("details"),
        "Open the step drilldown of the selected row",
    ),
    b(
        C::Failures,
        &[k('/')],
        A::Filter,
        Some("filter"),
        "Filter failures by code, object (queue, role…), email or row number",
    ),
    b(
        C::Failures,
        &[k('r')],
        A::Retry,
        Some("retry"),
        "Retry the selected row, or every row of the selected group (asks first)",
    ),
    b(
        C::Failures,
        &[k('R')],
        A::RetryAll,
        Some("retry all"),
        "Retry every failed row (asks first)",
    ),
    b(
        C::Failures,
        &[k('e')],
        A::EditRetry,
        Some("edit+retry"),
        "Edit the row in pre-flight, then retry it",
    ),
    b(
        C::Failures,
        &[k('s')],
        A::SkipFailed,
        Some("skip"),
        "Skip the selected row, or every row of the selected group (asks first)",
    ),
    b(
        C::Failures,
        &[k('x')],
        A::Export,
        Some("export"),
        "Export the report (JSON)",
    ),
    b(
        C::Failures,
        &[code(KeyCode::Esc)],
        A::Back,
        Some("clear filter"),
        "Clear the filter",
    ),
    b(
        C::Drift,
        &[code(KeyCode::Enter)],
        A::Open,
        Some("diff"),
        "Open or close the diff of the selected user in the selected org (+ missing, − extra, ~ changed)",
    ),
    b(
        C::Drift,
        &[k('f')],
        A::FixDrift,
        Some("fix"),
        "Fix the selected user in the selected org with the clone engine (asks first)",
    ),
    b(
        C::Drift,
        &[k('F')],
        A::FixAllDrift,
        Some("fix all"),
        "Fix every drifted user in every org (asks first, with the request estimate)",
    ),
    b(
        C::Drift,
        &[k('x')],
        A::Export,
        Some("export"),
        "Export the drift: JSON (as drift --format json) and a CSV beside it",
    ),
    b(
        C::Drift,
        &[k('/')],
        A::Filter,
        Some("filter"),
        "Filter by group or code (e.g. skills, queues, missing, changed, extra)",
    ),
    b(
        C::Drift,
        &[k('r')],
        A::Retry,
        Some("re-drift"),
        "Run the drift again (read-only)",
    ),
    b(
        C::Drift,
        &[code(KeyCode::Left), k('h')],
        A::Left,
        None,
        "Select the previous org",
    ),
    b(
        C::Drift,
        &[code(KeyCode::Right), k('l')],
        A::Right,
        None,
        "Select the next org",
    ),
    b(
        C::Drift,
        &[code(KeyCode::Esc)],
        A::Back,
        Some("close"),
        "Close the diff, else clear the filter",
    ),
    b(
        C::Drilldown,
        &[code(KeyCode::Esc), code(KeyCode::Enter)],
        A::Back,
        Some("close"),
        "Close the drilldown",
    ),
    b(
        C::Drilldown,
        &[k('r')],
        A::Retry,
        Some("retry"),
        "Retry this row",
    ),
    b(
        C::Drilldown,
        &[k('e')],
        A::EditRetry,
        Some("edit+retry"),
        "Edit this row, then retry it",
    ),
    b(
        C::Card,
        &[code(KeyCode::Esc), code(KeyCode::Enter)],
        A::Back,
        Some("close"),
        "Close the card (↑/↓, PgUp/PgDn, g/G scroll it)",
    ),
    b(
        C::Help,
        &[code(KeyCode::Esc), k('?'), k('q')],
        A::Back,
        Some("close"),
        "Close the help",
    ),
    b(
        C::Confirm,
        &[code(KeyCode::Enter), k('y')],
        A::Yes,
        Some("yes"),
        "Yes: do what the question says",
    ),
    b(
        C::Confirm,
        &[code(KeyCode::Esc), k('n')],
        A::No,
        Some("no"),
        "No: close the question, nothing changes",
    ),
    b(
        C::Input,
        &[code(KeyCode::Enter)],
        A::Submit,
        Some("ok"),
        "Accept",
    ),
    b(
        C::Input,
        &[code(KeyCode::Esc)],
        A::Back,
        Some("cancel"),
        "Cancel",
    ),
    b(
        C::Global,
        &[k('?'), code(KeyCode::F(1))],
        A::Help,
        Some("help"),
        "Show this help",
    ),
    b(
        C::Global,
        &[k('q'), ctrl('c')],
        A::Quit,
        Some("quit"),
        "Quit (asks first if a run is in progress or edits are unsaved)",
    ),
    b(
        C::Global,
        &[code(KeyCode::Tab)],
        A::NextTab,
        None,
        "Next screen",
    ),
    b(
        C::Global,
        &[code(KeyCode::BackTab)],
        A::PrevTab,
        None,
        "Previous screen",
    ),
    b(
        C::Global,
        &[k('1'), k('2'), k('3'), k('4'), k('5'), k('6')],
        A::Goto(0),
        None,
        "1 Load, 2 Pre-flight, 3 Plan, 4 Run, 5 Failures, 6 Drift",
    ),
    b(
        C::Global,
        &[code(KeyCode::Up), k('k')],
        A::Up,
        None,
        "Move up",
    ),
    b(
        C::Global,
        &[code(KeyCode::Down), k('j')],
        A::Down,
        None,
        "Move down",
    ),
    b(
        C::Global,
        &[code(KeyCode::PageUp)],
        A::PageUp,
        None,
        "Page up",
    ),
    b(
        C::Global,
        &[code(KeyCode::PageDown)],
        A::PageDown,
        None,
        "Page down",
    ),
    b(
        C::Global,
        &[code(KeyCode::Home), k('g')],
        A::Top,
        None,
        "First row",
    ),
    b(
        C::Global,
        &[code(KeyCode::End), k('G')],
        A::Bottom,
        None,
        "Last row",
    ),
];

/// The action for `ev` in the given contexts (innermost first), if any.
pub fn lookup(ctxs: &[Ctx], ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    for ctx in ctxs {
        for binding in BINDINGS.iter().filter(|b| b.ctx == *ctx) {
            if let Some(key) = binding.keys.iter().find(|key| key.matches(ev)) {
                return Some(match (binding.action, key.code) {
                    (Action::Goto(_), KeyCode::Char(c)) if c.is_ascii_digit() => {
                        Action::Goto(c.to_digit(10).unwrap_or(1) as u8)
                    }
                    // One binding for both directions (one hint, one help line).
                    (Action::Down, KeyCode::Up) if *ctx == Ctx::Load => Action::Up,
                    (Action::Down, KeyCode::Up | KeyCode::Char('k')) if *ctx == Ctx::Run => {
                        Action::Up
                    }
                    (Action::PageDown, KeyCode::PageUp) if *ctx == Ctx::Run => Action::PageUp,
                    (Action::PaneDown, KeyCode::Char('K')) => Action::PaneUp,
                    (action, _) => action,
                });
            }
        }
    }
    None
}

/// Label for a binding's keys, e.g. `q/^C`.
pub fn keys_label(binding: &Binding) -> String {
    let labels: Vec<String> = binding.keys.iter().map(Key::label).collect();
    // The digit keys share one binding; other keys that go to a screen (`f`) are their own.
    let digits = binding
        .keys
        .iter()
        .all(|k| matches!(k.code, KeyCode::Char(c) if c.is_ascii_digit()));
    match binding.action {
        Action::Goto(_) if digits && labels.len() > 1 => format!("1-{}", labels.len()),
        _ => labels.join("/"),
    }
}

/// Hints for the bar: (keys, text) for every binding with a hint in `ctxs`, innermost first,
/// whose action `offered` says does something now (a hint never offers a dead key).
pub fn hints(ctxs: &[Ctx], offered: impl Fn(Action) -> bool) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for ctx in ctxs {
        for binding in BINDINGS.iter().filter(|b| b.ctx == *ctx) {
            if let Some(hint) = binding.hint
                && offered(binding.action)
            {
                let label = binding.keys.first().map(Key::label).unwrap_or_default();
                if !out.iter().any(|(_, h): &(String, &str)| *h == hint) {
                    out.push((label, hint));
                }
            }
        }
    }
    out
}

/// Sections for the `?` help: each context with its (keys, description) lines.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    const ORDER: [Ctx; 12] = [
        Ctx::Global,
        Ctx::Load,
        Ctx::Preflight,
        Ctx::Queues,
        Ctx::Plan,
        Ctx::Run,
        Ctx::Failures,
        Ctx::Drift,
        Ctx::Drilldown,
        Ctx::Card,
        Ctx::Input,
        Ctx::Orgs,
    ];
    ORDER
        .iter()
        .map(|ctx| {
            let lines = BINDINGS
                .iter()
                .filter(|b| b.ctx == *ctx)
                .map(|b| (keys_label(b), b.help))
                .collect();
            (ctx.title(), lines)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn shifted_letters_match_with_or_without_shift() {
        let ctx = [Ctx::Preflight, Ctx::Global];
        assert_eq!(
            lookup(&ctx, &ev(KeyCode::Char('N'), KeyModifiers::SHIFT)),
            Some(Action::PrevError)
        );
        assert_eq!(
            lookup(&ctx, &ev(KeyCode::Char('N'), KeyModifiers::NONE)),
            Some(Action::PrevError)
        );
        assert_eq!(
            lookup(&ctx, &ev(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Action::NextError)
        );
    }

    #[test]
    fn inner_context_wins_and_digits_carry_the_screen() {
        assert_eq!(
            lookup(
                &[Ctx::Failures, Ctx::Global],
                &ev(KeyCode::Enter, KeyModifiers::NONE)
            ),
            Some(Action::Open)
        );
        assert_eq!(
            lookup(&[Ctx::Global], &ev(KeyCode::Char('4'), KeyModifiers::NONE)),
            Some(Action::Goto(4))
        );
        assert_eq!(
            lookup(&[Ctx::Load], &ev(KeyCode::Up, KeyModifiers::NONE)),
            Some(Action::Up)
        );
        assert_eq!(
            lookup(
                &[Ctx::Global],
                &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup(&[Ctx::Input], &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn every_binding_is_in_the_help_and_hints_come_from_the_table() {
        let help = help_sections();
        let count: usize = help.iter().map(|(_, l)| l.len()).sum();
        let expected = BINDINGS
            .iter()
            .filter(|b| b.ctx != Ctx::Help && b.ctx != Ctx::Confirm)
            .count();
        assert_eq!(count, expected);
        // `f` is its own key in the help, not folded into the digits.
        let run: Vec<_> = help
            .iter()
            .find(|(t, _)| *t == Ctx::Run.title())
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        assert!(
            run.iter().any(|(k, h)| k == "f" && h.contains("failures")),
            "{run:?}"
        );
        // Issue 13's Pre-flight keys: the row card, the file findings, the pane scroll.
        let pre: Vec<_> = help
            .iter()
            .find(|(t, _)| *t == Ctx::Preflight.title())
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        for key in ["Enter", "F", "J/K"] {
            assert!(pre.iter().any(|(k, _)| k == key), "{key}: {pre:?}");
        }
        assert!(help.iter().any(|(t, _)| *t == Ctx::Card.title()));
        let ctx = [Ctx::Preflight, Ctx::Global];
        assert_eq!(
            lookup(&ctx, &ev(KeyCode::Char('K'), KeyModifiers::SHIFT)),
            Some(Action::PaneUp)
        );
        assert_eq!(
            lookup(&ctx, &ev(KeyCode::Char('J'), KeyModifiers::SHIFT)),
            Some(Action::PaneDown)
        );
        let hints_now = hints(&[Ctx::Plan, Ctx::Global], |_| true);
        assert_eq!(hints_now[0], ("y".to_string(), "run it"));
        assert!(hints_now.iter().any(|(k, h)| k == "q" && *h == "quit"));
        let no_run = hints(&[Ctx::Plan, Ctx::Global], |a| a != Action::ConfirmRun);
        assert!(!no_run.iter().any(|(k, _)| k == "y"), "{no_run:?}");
    }
}
