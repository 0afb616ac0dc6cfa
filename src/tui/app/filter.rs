//! The Pre-flight table's sort keys and `/` filter.

use super::*;

/// Sort keys of the pre-flight table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Row,
    Email,
    Name,
    Division,
    Status,
    Findings,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Row => SortKey::Email,
            SortKey::Email => SortKey::Name,
            SortKey::Name => SortKey::Division,
            SortKey::Division => SortKey::Status,
            SortKey::Status => SortKey::Findings,
            SortKey::Findings => SortKey::Row,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Row => "row",
            SortKey::Email => "email",
            SortKey::Name => "name",
            SortKey::Division => "division",
            SortKey::Status => "status",
            SortKey::Findings => "findings",
        }
    }
}

/// A parsed `/` filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Text(String),
    Code(FindingCode),
    Severity(Severity),
    Skipped,
}

impl Filter {
    /// `code:unknown_skill`, `error`/`errors`, `warning`/`warnings`, `skipped`, else text.
    pub fn parse(s: &str) -> Filter {
        let t = s.trim();
        let lower = t.to_lowercase();
        if t.is_empty() {
            return Filter::All;
        }
        if let Some(code) = lower.strip_prefix("code:") {
            let code = code.trim();
            if let Some(c) = FindingCode::ALL.iter().find(|c| c.as_str() == code) {
                return Filter::Code(*c);
            }
        }
        if let Some(c) = FindingCode::ALL.iter().find(|c| c.as_str() == lower) {
            return Filter::Code(*c);
        }
        match lower.as_str() {
            "error" | "errors" | "sev:error" => Filter::Severity(Severity::Error),
            "warning" | "warnings" | "sev:warning" => Filter::Severity(Severity::Warning),
            "skipped" => Filter::Skipped,
            _ => Filter::Text(lower),
        }
    }
    pub fn describe(&self) -> String {
        match self {
            Filter::All => String::new(),
            Filter::Text(t) => format!("\"{t}\""),
            Filter::Code(c) => format!("code {}", c.as_str()),
            Filter::Severity(Severity::Error) => "rows with errors".into(),
            Filter::Severity(Severity::Warning) => "rows with warnings".into(),
            Filter::Skipped => "skipped rows".into(),
        }
    }
}
