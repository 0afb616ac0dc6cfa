//! Queue-list ingest (docs/contract.md §6): CSV bytes → [`QueueList`] (raw cells + column map),
//! and each row → a typed [`QueueRow`] with the cell problems found on the way.
//!
//! The file is read exactly like the hire list (the same tolerant CSV reading, separator
//! detection, header normalization and formula un-escaping, [`super::parse_records`]); only
//! the columns differ. A row's values are typed here, once; whether they exist in the org is
//! pre-flight's question (`preflight::queues`).

use super::{IngestError, normalize_header, parse_records, plainly_not_csv, utf8};
use crate::model::{FindingCode, HireRow, Separator};
use std::collections::BTreeMap;
use std::path::Path;

/// The five media types a queue has settings for, in the API's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Media {
    Call,
    Callback,
    Chat,
    Email,
    Message,
}

impl Media {
    pub const ALL: [Media; 5] = [
        Media::Call,
        Media::Callback,
        Media::Chat,
        Media::Email,
        Media::Message,
    ];

    /// The key under `mediaSettings` and the column prefix.
    pub fn as_str(self) -> &'static str {
        match self {
            Media::Call => "call",
            Media::Callback => "callback",
            Media::Chat => "chat",
            Media::Email => "email",
            Media::Message => "message",
        }
    }
}

/// One per-media column: `<m>_alert_s`, `<m>_sl_pct`, `<m>_sl_ms`, `<m>_auto_answer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MediaField {
    AlertS,
    SlPct,
    SlMs,
    AutoAnswer,
}

impl MediaField {
    pub const ALL: [MediaField; 4] = [
        MediaField::AlertS,
        MediaField::SlPct,
        MediaField::SlMs,
        MediaField::AutoAnswer,
    ];

    fn suffix(self) -> &'static str {
        match self {
            MediaField::AlertS => "alert_s",
            MediaField::SlPct => "sl_pct",
            MediaField::SlMs => "sl_ms",
            MediaField::AutoAnswer => "auto_answer",
        }
    }
}

/// The in-queue flow slots and the flow type each takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowSlot {
    Call,
    Email,
    Message,
}

impl FlowSlot {
    pub const ALL: [FlowSlot; 3] = [FlowSlot::Call, FlowSlot::Email, FlowSlot::Message];

    /// The flow type the slot takes (upper case, as the client reads flows).
    pub fn flow_type(self) -> &'static str {
        match self {
            FlowSlot::Call => "INQUEUECALL",
            FlowSlot::Email => "INQUEUEEMAIL",
            FlowSlot::Message => "INQUEUESHORTMESSAGE",
        }
    }

    pub fn column(self) -> QueueColumn {
        match self {
            FlowSlot::Call => QueueColumn::InQueueFlow,
            FlowSlot::Email => QueueColumn::EmailInQueueFlow,
            FlowSlot::Message => QueueColumn::MessageInQueueFlow,
        }
    }
}

/// A column of the queue list (docs/contract.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueColumn {
    Name,
    Division,
    Description,
    CopyFrom,
    Acw,
    AcwTimeoutS,
    SkillEvaluation,
    Scoring,
    LastAgentRouting,
    Media(Media, MediaField),
    InQueueFlow,
    EmailInQueueFlow,
    MessageInQueueFlow,
    CallingPartyName,
    CallingPartyNumber,
    EnableTranscription,
    EnableManualAssignment,
    SuppressInQueueCallRecording,
    WrapupCodes,
    SkillGroups,
    Groups,
    Members,
    RequiredSkills,
}

impl QueueColumn {
    const PLAIN: [QueueColumn; 22] = [
        QueueColumn::Name,
        QueueColumn::Division,
        QueueColumn::Description,
        QueueColumn::CopyFrom,
        QueueColumn::Acw,
        QueueColumn::AcwTimeoutS,
        QueueColumn::SkillEvaluation,
        QueueColumn::Scoring,
        QueueColumn::LastAgentRouting,
        QueueColumn::InQueueFlow,
        QueueColumn::EmailInQueueFlow,
        QueueColumn::MessageInQueueFlow,
        QueueColumn::CallingPartyName,
        QueueColumn::CallingPartyNumber,
        QueueColumn::EnableTranscription,
        QueueColumn::EnableManualAssignment,
        QueueColumn::SuppressInQueueCallRecording,
        QueueColumn::WrapupCodes,
        QueueColumn::SkillGroups,
        QueueColumn::Groups,
        QueueColumn::Members,
        QueueColumn::RequiredSkills,
    ];

    /// Every column, the per-media ones included.
    pub fn all() -> Vec<QueueColumn> {
        let mut v = QueueColumn::PLAIN.to_vec();
        for m in Media::ALL {
            v.extend(MediaField::ALL.map(|f| QueueColumn::Media(m, f)));
        }
        v
    }

    /// The column's name as the spec writes it (`call_alert_s`, `wrapup_codes`, …).
    pub fn name(self) -> String {
        let s = match self {
            QueueColumn::Name => "name",
            QueueColumn::Division => "division",
            QueueColumn::Description => "description",
            QueueColumn::CopyFrom => "copy_from",
            QueueColumn::Acw => "acw",
            QueueColumn::AcwTimeoutS => "acw_timeout_s",
            QueueColumn::SkillEvaluation => "skill_evaluation",
            QueueColumn::Scoring => "scoring",
            QueueColumn::LastAgentRouting => "last_agent_routing",
            QueueColumn::Media(m, f) => return format!("{}_{}", m.as_str(), f.suffix()),
            QueueColumn::InQueueFlow => "in_queue_flow",
            QueueColumn::EmailInQueueFlow => "email_in_queue_flow",
            QueueColumn::MessageInQueueFlow => "message_in_queue_flow",
            QueueColumn::CallingPartyName => "calling_party_name",
            QueueColumn::CallingPartyNumber => "calling_party_number",
            QueueColumn::EnableTranscription => "enable_transcription",
            QueueColumn::EnableManualAssignment => "enable_manual_assignment",
            QueueColumn::SuppressInQueueCallRecording => "suppress_in_queue_call_recording",
            QueueColumn::WrapupCodes => "wrapup_codes",
            QueueColumn::SkillGroups => "skill_groups",
            QueueColumn::Groups => "groups",
            QueueColumn::Members => "members",
            QueueColumn::RequiredSkills => "required_skills",
        };
        s.to_string()
    }
}

/// The column a header names (the spec's names and aliases, matched like the hire list's:
/// case, spaces, `_` and `-` do not matter), or None for a column onboard does not use.
pub fn column_for_header(h: &str) -> Option<QueueColumn> {
    let n = normalize_header(h);
    let alias = match n.as_str() {
        "queue" | "queuename" => Some(QueueColumn::Name),
        "divisionname" => Some(QueueColumn::Division),
        "templatequeue" => Some(QueueColumn::CopyFrom),
        "wrapupprompt" => Some(QueueColumn::Acw),
        _ => None,
    };
    alias.or_else(|| {
        QueueColumn::all()
            .into_iter()
            .find(|c| normalize_header(&c.name()) == n)
    })
}

/// A queue list as read: raw cells (the hire list's row type) and the column each header
/// maps to.
#[derive(Debug, Clone, Default)]
pub struct QueueList {
    pub source: String,
    pub headers: Vec<String>,
    /// For each header index, its column (`None` = unknown or repeated, kept as is).
    pub columns: Vec<Option<QueueColumn>>,
    pub rows: Vec<HireRow>,
    pub separator: Separator,
}

impl QueueList {
    pub fn column_index(&self, c: QueueColumn) -> Option<usize> {
        self.columns.iter().position(|&x| x == Some(c))
    }

    /// A row's cell of a column, trimmed; "" when the column or the cell is absent.
    pub fn cell<'a>(&self, row: &'a HireRow, c: QueueColumn) -> &'a str {
        self.column_index(c)
            .and_then(|i| row.cells.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

/// Read a queue list from a file; its `source` is the file name.
pub fn read_path(path: &Path) -> Result<QueueList, IngestError> {
    let (name, bytes) = super::read_file(path)?;
    read_bytes(&name, &bytes)
}

/// Parse a queue list from bytes; `name` is used in messages and as `QueueList::source`.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<QueueList, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let is_name = |h: &str| column_for_header(h) == Some(QueueColumn::Name);
    if let Some(looks_like) = plainly_not_csv(bytes, is_name) {
        return Err(IngestError::NotQueueCsv {
            source_name: name.to_string(),
            looks_like,
        });
    }
    let text = utf8(name, bytes)?;
    let separator = super::detect_separator(text, |h| column_for_header(h).is_some());
    let (headers, rows) = parse_records(name, text, separator).map_err(|e| match e {
        IngestError::Empty { source_name } => IngestError::QueuesEmpty { source_name },
        e => e,
    })?;
    let columns = map_columns(&headers);
    Ok(QueueList {
        source: name.to_string(),
        headers,
        columns,
        rows,
        separator,
    })
}

/// Each header's column; a second header for a column already mapped stays unmapped (and
/// is reported as `unknown_column`), as in the hire list.
pub fn map_columns(headers: &[String]) -> Vec<Option<QueueColumn>> {
    let mut seen = Vec::new();
    headers
        .iter()
        .map(|h| {
            let c = column_for_header(h)?;
            if seen.contains(&c) {
                None
            } else {
                seen.push(c);
                Some(c)
            }
        })
        .collect()
}

/// ACW prompts (`acwSettings.wrapupPrompt`).
pub const ACW_PROMPTS: [&str; 5] = [
    "MANDATORY",
    "OPTIONAL",
    "MANDATORY_TIMEOUT",
    "MANDATORY_FORCED_TIMEOUT",
    "AGENT_REQUESTED",
];
/// Prompts with which a timeout is refused (SDK `AcwSettings.md`).
pub const PROMPTS_WITHOUT_TIMEOUT: [&str; 2] = ["MANDATORY", "OPTIONAL"];
pub const SKILL_EVALUATIONS: [&str; 3] = ["NONE", "BEST", "ALL"];
pub const SCORING_METHODS: [&str; 2] = ["TimestampAndPriority", "PriorityOnly"];
pub const LAST_AGENT_ROUTING: [&str; 3] = ["Disabled", "QueueMembersOnly", "AnyAgent"];
/// Alerting timeouts below this are refused (Terraform's validation; docs/contract.md §6).
pub const MIN_ALERT_S: u64 = 7;
/// Service-level durations below this are refused (docs/contract.md §6).
pub const MIN_SL_MS: u64 = 1000;
pub const MAX_ACW_TIMEOUT_S: u64 = 3600;

/// One media type's cells, typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaCells {
    pub alert_s: Option<u64>,
    /// 0–100 as written (the API takes 0–1).
    pub sl_pct: Option<f64>,
    pub sl_ms: Option<u64>,
    pub auto_answer: Option<bool>,
}

/// A cell that could not be typed: the value is left unset and pre-flight reports this.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    pub column: QueueColumn,
    pub code: FindingCode,
    pub message: String,
}

/// A queue row, typed. `None` / empty = the cell was empty ("leave as is" on update, "server
/// default" on create) or could not be typed (see `problems`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueRow {
    /// 1-based data row and physical line, as in the hire list.
    pub row: usize,
    pub line: usize,
    pub name: String,
    pub division: Option<String>,
    pub description: Option<String>,
    pub copy_from: Option<String>,
    /// In the API's spelling (upper case).
    pub acw: Option<&'static str>,
    pub acw_timeout_s: Option<u64>,
    pub skill_evaluation: Option<&'static str>,
    pub scoring: Option<&'static str>,
    pub last_agent_routing: Option<&'static str>,
    pub media: BTreeMap<Media, MediaCells>,
    pub flows: BTreeMap<FlowSlot, String>,
    pub calling_party_name: Option<String>,
    /// Normalized (spaces, dashes and brackets removed).
    pub calling_party_number: Option<String>,
    pub enable_transcription: Option<bool>,
    pub enable_manual_assignment: Option<bool>,
    pub suppress_in_queue_call_recording: Option<bool>,
    pub wrapup_codes: Vec<String>,
    pub skill_groups: Vec<String>,
    pub groups: Vec<String>,
    /// Lower-cased emails.
    pub members: Vec<String>,
    pub required_skills: Vec<String>,
    pub problems: Vec<CellProblem>,
}

/// Types the cells of one row.
pub fn typed_row(list: &QueueList, row: &HireRow) -> QueueRow {
    let mut t = Typer {
        list,
        row,
        problems: Vec::new(),
    };
    let name = t.text(QueueColumn::Name).unwrap_or_default();
    if name.is_empty() {
        t.problem(
            QueueColumn::Name,
            FindingCode::MissingField,
            "the queue has no name; every queue row needs one".into(),
        );
    } else if name.contains('*') {
        t.problem(
            QueueColumn::Name,
            FindingCode::InvalidValue,
            format!("queue name '{name}' contains '*', which Genesys does not allow in a queue name; rename it"),
        );
    }
    let mut media = BTreeMap::new();
    for m in Media::ALL {
        let cells = t.media(m);
        if cells != MediaCells::default() {
            media.insert(m, cells);
        }
    }
    let mut flows = BTreeMap::new();
    for slot in FlowSlot::ALL {
        if let Some(f) = t.text(slot.column()) {
            flows.insert(slot, f);
        }
    }
    let mut out = QueueRow {
        row: row.row,
        line: row.line,
        name,
        division: t.text(QueueColumn::Division),
        description: t.text(QueueColumn::Description),
        copy_from: t.text(QueueColumn::CopyFrom),
        acw: t.choice(QueueColumn::Acw, &ACW_PROMPTS),
        acw_timeout_s: t.number(QueueColumn::AcwTimeoutS, 1, MAX_ACW_TIMEOUT_S, "s"),
        skill_evaluation: t.choice(QueueColumn::SkillEvaluation, &SKILL_EVALUATIONS),
        scoring: t.choice(QueueColumn::Scoring, &SCORING_METHODS),
        last_agent_routing: t.choice(QueueColumn::LastAgentRouting, &LAST_AGENT_ROUTING),
        media,
        flows,
        calling_party_name: t.text(QueueColumn::CallingPartyName),
        calling_party_number: t.phone(),
        enable_transcription: t.boolean(QueueColumn::EnableTranscription),
        enable_manual_assignment: t.boolean(QueueColumn::EnableManualAssignment),
        suppress_in_queue_call_recording: t.boolean(QueueColumn::SuppressInQueueCallRecording),
        wrapup_codes: t.list(QueueColumn::WrapupCodes),
        skill_groups: t.list(QueueColumn::SkillGroups),
        groups: t.list(QueueColumn::Groups),
        members: t
            .list(QueueColumn::Members)
            .into_iter()
            .map(|m| m.to_lowercase())
            .collect(),
        required_skills: t.list(QueueColumn::RequiredSkills),
        problems: Vec::new(),
    };
    // In the file's column order, as a person reads the row.
    t.problems
        .sort_by_key(|p| list.column_index(p.column).unwrap_or(usize::MAX));
    out.problems = t.problems;
    out
}

/// Reads one row's cells into types, collecting what does not type.
struct Typer<'a> {
    list: &'a QueueList,
    row: &'a HireRow,
    problems: Vec<CellProblem>,
}

impl Typer<'_> {
    fn problem(&mut self, column: QueueColumn, code: FindingCode, message: String) {
        self.problems.push(CellProblem {
            column,
            code,
            message,
        });
    }

    fn text(&self, c: QueueColumn) -> Option<String> {
        let v = self.list.cell(self.row, c);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn list(&self, c: QueueColumn) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in crate::preflight::rules::split_list(self.list.cell(self.row, c)) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(item)) {
                out.push(item.to_string());
            }
        }
        out
    }

    /// One of `allowed`, matched case-insensitively, in the API's spelling.
    fn choice(&mut self, c: QueueColumn, allowed: &[&'static str]) -> Option<&'static str> {
        let v = self.text(c)?;
        let found = allowed.iter().find(|a| a.eq_ignore_ascii_case(&v)).copied();
        if found.is_none() {
            self.problem(
                c,
                FindingCode::InvalidValue,
                format!(
                    "{} '{v}' is not one of {}; use one of them",
                    c.name(),
                    allowed.join(", ")
                ),
            );
        }
        found
    }

    /// A whole number in `min..=max`.
    fn number(&mut self, c: QueueColumn, min: u64, max: u64, unit: &str) -> Option<u64> {
        let v = self.text(c)?;
        match v.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let range = if max == u64::MAX {
                    format!("at least {min} {unit}")
                } else {
                    format!("{min}–{max} {unit}")
                };
                self.problem(
                    c,
                    FindingCode::InvalidValue,
                    format!(
                        "{} '{v}' is not a whole number {range}; fix the cell",
                        c.name()
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, c: QueueColumn) -> Option<bool> {
        let v = self.text(c)?;
        match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => {
                self.problem(
                    c,
                    FindingCode::InvalidValue,
                    format!("{} '{v}' is not true or false; fix the cell", c.name()),
                );
                None
            }
        }
    }

    fn percent(&mut self, c: QueueColumn) -> Option<f64> {
        let v = self.text(c)?;
        match v.trim_end_matches('%').trim().parse::<f64>() {
            Ok(p) if (0.0..=100.0).contains(&p) => Some(p),
            _ => {
                self.problem(
                    c,
                    FindingCode::InvalidValue,
                    format!(
                        "{} '{v}' is not a percentage from 0 to 100; fix the cell",
                        c.name()
                    ),
                );
                None
            }
        }
    }

    fn media(&mut self, m: Media) -> MediaCells {
        let col = |f| QueueColumn::Media(m, f);
        MediaCells {
            alert_s: self.number(col(MediaField::AlertS), MIN_ALERT_S, u64::MAX, "s"),
            sl_pct: self.percent(col(MediaField::SlPct)),
            sl_ms: self.number(col(MediaField::SlMs), MIN_SL_MS, u64::MAX, "ms"),
            auto_answer: self.boolean(col(MediaField::AutoAnswer)),
        }
    }

    fn phone(&mut self) -> Option<String> {
        let raw = self.text(QueueColumn::CallingPartyNumber)?;
        let n = crate::preflight::rules::normalize_phone(&raw);
        if crate::preflight::rules::is_e164(&n) {
            Some(n)
        } else {
            self.problem(
                QueueColumn::CallingPartyNumber,
                FindingCode::InvalidPhone,
                format!(
                    "calling_party_number '{raw}' is not an E.164 number (e.g. +13175550100); fix the cell"
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_aliases_map() {
        assert_eq!(column_for_header("Queue Name"), Some(QueueColumn::Name));
        assert_eq!(
            column_for_header("template_queue"),
            Some(QueueColumn::CopyFrom)
        );
        assert_eq!(column_for_header("wrapup_prompt"), Some(QueueColumn::Acw));
        assert_eq!(
            column_for_header("Call-SL-Pct"),
            Some(QueueColumn::Media(Media::Call, MediaField::SlPct))
        );
        assert_eq!(column_for_header("skills"), None);
    }
}
