//! How pre-flight words what it cannot resolve, in one place: the nearest name as
//! "did you mean", else what to do instead.

/// `" — did you mean 'S'?"`: the end of a message whose value is a plausible typo of `S`.
pub fn did_you_mean(suggestion: &str) -> String {
    format!(" — did you mean '{suggestion}'?")
}

/// The end of a message about a value that was not found: "did you mean" the nearest
/// name when there is one, else `otherwise` (what to do instead; it starts with `; `).
pub fn hint(suggestion: Option<&str>, otherwise: impl FnOnce() -> String) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => otherwise(),
    }
}

/// `"WHAT 'NAME' does not exist in the org"`, then the hint.
pub fn not_in_org(what: &str, name: &str, hint: &str) -> String {
    format!("{what} '{name}' does not exist in the org{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_wins_over_the_fallback() {
        assert_eq!(
            not_in_org("queue", "Billng", &hint(Some("Billing"), || "; x".into())),
            "queue 'Billng' does not exist in the org — did you mean 'Billing'?"
        );
        assert_eq!(
            not_in_org("queue", "Zzz", &hint(None, || "; use a queue".into())),
            "queue 'Zzz' does not exist in the org; use a queue"
        );
    }
}
