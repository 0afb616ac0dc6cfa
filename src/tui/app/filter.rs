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
        // A hire list's rows carry the hire-list codes and the persona codes.
        let code_named = |name: &str| {
            FindingCode::ALL
                .into_iter()
                .chain(FindingCode::PERSONAS)
                .find(|c| c.as_str() == name)
        };
        if let Some(code) = lower.strip_prefix("code:")
            && let Some(c) = code_named(code.trim())
        {
            return Filter::Code(c);
        }
        if let Some(c) = code_named(&lower) {
            return Filter::Code(c);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_filter_knows_the_persona_codes_and_leaves_other_words_as_text() {
        assert_eq!(
            Filter::parse("code:unknown_persona"),
            Filter::Code(FindingCode::UnknownPersona)
        );
        assert_eq!(
            Filter::parse("persona_invalid"),
            Filter::Code(FindingCode::PersonaInvalid)
        );
        assert_eq!(
            Filter::parse("code: unknown_skill"),
            Filter::Code(FindingCode::UnknownSkill)
        );
        assert_eq!(
            Filter::parse("code:no_such_code"),
            Filter::Text("code:no_such_code".into())
        );
    }
}
