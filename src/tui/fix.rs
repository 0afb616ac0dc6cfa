//! Applying a finding's suggestion to a cell: in a multi-valued cell (`Biling:4; Returns:2`)
//! replace only the name closest to the suggestion, keeping proficiency and `@division`.

/// The cell with `suggestion` applied, or `None` if nothing in the cell looks like the
/// value the suggestion is for.
pub fn apply_suggestion(cell: &str, suggestion: &str) -> Option<String> {
    let sugg = suggestion.trim();
    if sugg.is_empty() {
        return None;
    }
    let trimmed = cell.trim();
    let sep = if trimmed.contains(';') {
        Some(';')
    } else if trimmed.contains('|') {
        Some('|')
    } else {
        None
    };
    let items: Vec<&str> = match sep {
        Some(c) => cell.split(c).collect(),
        None => vec![cell],
    };
    // Each item: name[:prof] or name[@scope]; candidates are name and scope parts.
    let mut best: Option<(usize, usize, usize, f64)> = None; // (item, start, end, score)
    for (ii, item) in items.iter().enumerate() {
        for (start, end) in parts(item) {
            let part = item[start..end].trim();
            if part.is_empty() || part.eq_ignore_ascii_case(sugg) {
                continue;
            }
            let score = strsim::normalized_levenshtein(&part.to_lowercase(), &sugg.to_lowercase());
            if best.is_none_or(|b| score > b.3) {
                best = Some((ii, start, end, score));
            }
        }
    }
    let (ii, start, end, _) = best?;
    let item = items[ii];
    // Keep the whitespace around the replaced part.
    let part = &item[start..end];
    let lead = part.len() - part.trim_start().len();
    let trail = part.len() - part.trim_end().len();
    let new_item = format!(
        "{}{}{}{}",
        &item[..start + lead],
        sugg,
        &item[end - trail..end],
        &item[end..]
    );
    let mut out: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    out[ii] = new_item;
    Some(match sep {
        Some(c) => out.join(&c.to_string()),
        None => out.remove(0),
    })
}

/// Byte ranges of the name part and (if any) the `@scope` part of an item; `:prof` excluded.
fn parts(item: &str) -> Vec<(usize, usize)> {
    if let Some(at) = item.find('@') {
        return vec![(0, at), (at + 1, item.len())];
    }
    // A ':' followed by a number is a proficiency; `workday:E1` style ids never get here
    // because external ids have no suggestions.
    if let Some(colon) = item.rfind(':') {
        let tail = item[colon + 1..].trim();
        if !tail.is_empty() && tail.parse::<f64>().is_ok() {
            return vec![(0, colon)];
        }
    }
    vec![(0, item.len())]
}

#[cfg(test)]
mod tests {
    use super::apply_suggestion as ap;

    #[test]
    fn replaces_the_closest_name_and_keeps_the_rest() {
        assert_eq!(
            ap("Biling:4; Returns:2", "Billing").as_deref(),
            Some("Billing:4; Returns:2")
        );
        assert_eq!(
            ap("Returns:2|Biling:4", "Billing").as_deref(),
            Some("Returns:2|Billing:4")
        );
        assert_eq!(ap("Sales ", "Sales East").as_deref(), Some("Sales East "));
        assert_eq!(ap("Agent@Sles", "Sales").as_deref(), Some("Agent@Sales"));
        assert_eq!(
            ap("Agnet; Supervisor@Sales", "Agent").as_deref(),
            Some("Agent; Supervisor@Sales")
        );
    }

    #[test]
    fn nothing_to_replace() {
        assert_eq!(ap("", "Billing"), None);
        assert_eq!(ap("Billing", "Billing"), None);
        assert_eq!(ap("Biling", "  "), None);
    }
}
